"""The unit the specifications are given: its principals, its roster, its scheme and its quarters,
as the events the aggregates fold (``appraisal.domain``)."""

from __future__ import annotations

import datetime as dt

from appraisal.domain.quarter import good_cap_for
from appraisal.domain.roster import id_number_digest
from grassroots_common.auth import Principal
from grassroots_common.contracts.appraisal import (
    Grade,
    Indicator,
    Participant,
    PersonEnrolled,
    QuarterFinalized,
    QuarterOpened,
    QuarterResult,
    ResultsPublished,
    ReviewingChain,
    ReviewLevel,
    ReviewRecorded,
    SchemeDefined,
    SectionDefined,
    UnitRegistered,
)
from grassroots_common.events import Event
from grassroots_common.workdays import CHINA


def who(sub: str, name: str, *roles: str, unit: str | None = "u1", section: str | None = None) -> Principal:
    scopes = {k: v for k, v in (("unit", unit), ("section", section)) if v is not None}
    return Principal(sub, name, frozenset(roles), scopes)


# Unit u1: a principal leader (boss), a deputy (deputy), a section chief (chief), two staff (p1, p2).
ADMIN = who("admin", "陈管理员", "unit_admin")
OTHER_ADMIN = who("admin2", "周管理员", "unit_admin", unit="u2")
DISTRICT = who("district", "区考核办", "district_admin", unit=None)
BOSS = who("boss", "李局长", "principal_leader")
DEPUTY = who("deputy", "张副局长", "deputy_leader")
CHIEF = who("chief", "赵股长", "section_chief", section="s1")
STAFF = who("p1", "王芳", "staff", section="s1")
COLLEAGUE = who("p2", "刘洋", "staff", section="s1")
STRANGER_CHIEF = who("chief2", "孙股长", "section_chief")  # a section chief of u1, not in p1's chain
UNITLESS = who("p9", "吴明", "staff", unit=None)

CHAIN = ReviewingChain(section_chief_id="chief", deputy_leader_id="deputy", principal_leader_id="boss")
LEADERS_CHAIN = ReviewingChain(deputy_leader_id="deputy", principal_leader_id="boss")

QUARTER = "2026-Q3"
# Monday 2026-11-23, 10:00 in Beijing: a plain working week (five working days end on Monday the 30th).
MONDAY = dt.datetime(2026, 11, 23, 10, tzinfo=CHINA)

INDICATORS = [
    Indicator(code="c1", name="政治素质", kind="common", dimension="德", max_points=60),
    Indicator(code="i1", name="岗位职责", kind="individual", dimension="绩", max_points=40),
    Indicator(code="h1", name="特色亮点", kind="highlight", dimension="绩", max_points=5),
    Indicator(code="n1", name="负面清单", kind="negative", dimension="廉", max_points=10),
]
SCORES = {"c1": 50.0, "i1": 35.0, "h1": 3.0, "n1": 2.0}  # composite 86


def enrolled(
    person_id: str,
    person_name: str,
    chain: ReviewingChain,
    *,
    section_id: str | None = "s1",
    birth_date: dt.date | None = None,
    id_number: str | None = None,
) -> PersonEnrolled:
    return PersonEnrolled(
        unit_id="u1",
        person_id=person_id,
        person_name=person_name,
        section_id=section_id,
        position="科员",
        birth_date=birth_date,
        id_number_digest=id_number_digest(id_number),
        chain=chain,
        enrolled_on=dt.date(2026, 1, 5),
    )


def unit() -> list[Event]:
    """Unit u1 registered, with its section s1 (办公室)."""
    return [
        UnitRegistered(unit_id="u1", unit_name="示范局"),
        SectionDefined(unit_id="u1", section_id="s1", section_name="办公室"),
    ]


def roster() -> list[Event]:
    """The unit with its five people: the leaders first, so every chain names someone enrolled."""
    return [
        *unit(),
        enrolled("boss", "李局长", ReviewingChain(), section_id=None),
        enrolled("deputy", "张副局长", ReviewingChain(principal_leader_id="boss"), section_id=None),
        enrolled("chief", "赵股长", LEADERS_CHAIN),
        enrolled("chief2", "孙股长", LEADERS_CHAIN),
        enrolled("p1", "王芳", CHAIN, birth_date=dt.date(1990, 5, 1), id_number="110101199005010011"),
        enrolled("p2", "刘洋", CHAIN),
    ]


def scheme(year: int = 2026) -> SchemeDefined:
    return SchemeDefined(unit_id="u1", year=year, revision=1, indicators=INDICATORS, scored_total=100)


def participant(person_id: str) -> Participant:
    name = {"p1": "王芳", "p2": "刘洋", "p3": "郑强"}[person_id]
    return Participant(person_id=person_id, person_name=name, section_id="s1", chain=CHAIN)


def opened(quarter: str = QUARTER, people: tuple[str, ...] = ("p1", "p2"), ratio: float = 0.5) -> QuarterOpened:
    """The quarter opened for p1 and p2 (both in CHAIN); a 好 cap of one at the ratio 0.5."""
    return QuarterOpened(
        unit_id="u1",
        quarter=quarter,
        year=int(quarter[:4]),
        participants=[participant(p) for p in people],
        good_ratio=ratio,
        good_cap=good_cap_for(len(people), ratio),
        peer_reviews_required=1,
    )


def reviewed(
    person_id: str, level: ReviewLevel, grade: Grade, *, quarter: str = QUARTER, good_used: int = 0
) -> ReviewRecorded:
    reviewer = {"section_chief": "chief", "deputy_leader": "deputy", "principal_leader": "boss"}[level]
    return ReviewRecorded(
        unit_id="u1",
        quarter=quarter,
        person_id=person_id,
        person_name=participant(person_id).person_name,
        level=level,
        reviewer_id=reviewer,
        reviewer_name=reviewer,
        scores={},
        composite_score=None,
        grade=grade,
        comment="",
        good_used=good_used,
        good_cap=1,
    )


def fully_reviewed(person_id: str, grade: Grade, *, quarter: str = QUARTER) -> list[Event]:
    """Every level of the person's chain reviewed, at ``grade``."""
    return [reviewed(person_id, level, grade, quarter=quarter) for level in CHAIN_LEVELS]


CHAIN_LEVELS: tuple[ReviewLevel, ...] = ("section_chief", "deputy_leader", "principal_leader")


def results(grades: dict[str, Grade]) -> list[QuarterResult]:
    return [
        QuarterResult(person_id=p, person_name=participant(p).person_name, section_id="s1", grade=g)
        for p, g in grades.items()
    ]


def published(
    grades: dict[str, Grade], *, quarter: str = QUARTER, at: dt.datetime = MONDAY, workdays: int = 5
) -> ResultsPublished:
    """The results published at ``at``; the period ends at the close of the fifth working day."""
    ends = dt.datetime.combine(at.date() + dt.timedelta(days=7), dt.time(23, 59, 59), tzinfo=CHINA)
    return ResultsPublished(
        unit_id="u1",
        quarter=quarter,
        published_at=at,
        workdays=workdays,
        period_ends_at=ends,
        results=results(grades),
        good_count=sum(g == "好" for g in grades.values()),
        good_cap=1,
    )


def finalized_quarter(quarter: str, grades: dict[str, Grade], *, at: dt.datetime = MONDAY) -> list[Event]:
    """A quarter opened for the people of ``grades``, reviewed at those grades, published, finalized."""
    people = tuple(grades)
    return [
        opened(quarter, people, ratio=1.0),
        *[e for p, g in grades.items() for e in fully_reviewed(p, g, quarter=quarter)],
        published(grades, quarter=quarter, at=at),
        QuarterFinalized(
            unit_id="u1", quarter=quarter, finalized_at=at + dt.timedelta(days=8), results=results(grades)
        ),
    ]
