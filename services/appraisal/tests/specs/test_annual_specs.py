"""The annual review: opened from the year's four finalized quarters, graded by the principal
leader (or entered by the administrator), 优秀 for eligible candidates within the cap."""

from __future__ import annotations

import pytest

from appraisal.domain.annual import annual_stream_id
from appraisal.domain.quarter import quarter_stream_id
from appraisal.handlers.annual import DecideAnnualGrade, OpenAnnualReview, decide_annual_grade, open_annual_review
from grassroots_common.auth import Principal
from grassroots_common.contracts.appraisal import (
    AnnualCandidate,
    AnnualGradeDecided,
    AnnualReviewOpened,
    Grade,
)
from grassroots_common.specification import Specification

from .given import ADMIN, BOSS, DEPUTY, MONDAY, OTHER_ADMIN, finalized_quarter, who

ANNUAL = annual_stream_id("u1", 2026)
# p1 is 好 in two quarters of four and never below 较好: an 优秀 candidate; p2 is not.
YEAR: dict[str, dict[str, Grade]] = {
    "2026-Q1": {"p1": "好", "p2": "较好"},
    "2026-Q2": {"p1": "较好", "p2": "好"},
    "2026-Q3": {"p1": "好", "p2": "一般"},
    "2026-Q4": {"p1": "较好", "p2": "好"},
}


async def year_finalized(spec: Specification, quarters: int = 4) -> Specification:
    for quarter, grades in list(YEAR.items())[:quarters]:
        await spec.given(quarter_stream_id("u1", quarter), *finalized_quarter(quarter, grades))
    return spec


def candidate(person_id: str, name: str, eligible: bool) -> AnnualCandidate:
    grades = {quarter: grades[person_id] for quarter, grades in YEAR.items()}
    return AnnualCandidate(
        person_id=person_id, person_name=name, section_id="s1", quarter_grades=grades, excellent_eligible=eligible
    )


OPEN = OpenAnnualReview(unit_id="u1", year=2026, excellent_ratio=0.2)


def review_opened(cap: int = 1) -> AnnualReviewOpened:
    people = [candidate("p1", "王芳", True), candidate("p2", "刘洋", False)]
    return AnnualReviewOpened(unit_id="u1", year=2026, people=people, excellent_ratio=0.5, excellent_cap=cap)


async def test_the_administrator_opens_the_year_from_its_finalized_quarters() -> None:
    spec = await year_finalized(Specification(at=MONDAY))
    outcome = await spec.when(
        open_annual_review, OpenAnnualReview(unit_id="u1", year=2026, excellent_ratio=0.5), as_=ADMIN
    )
    assert outcome.events == [review_opened()]
    assert outcome.answer.data["excellent_candidates"] == ["p1"] and outcome.answer.data["excellent_cap"] == 1


async def test_the_year_waits_for_its_fourth_quarter() -> None:
    spec = await year_finalized(Specification(at=MONDAY), quarters=3)
    outcome = await spec.when(open_annual_review, OPEN, as_=ADMIN)
    outcome.refused("quarters_not_finalized")


async def test_the_annual_review_opens_once() -> None:
    spec = await year_finalized(Specification(at=MONDAY))
    await spec.given(ANNUAL, review_opened())
    outcome = await spec.when(open_annual_review, OPEN, as_=ADMIN)
    outcome.refused("annual_review_open")


async def test_an_administrator_opens_no_other_units_year() -> None:
    spec = await year_finalized(Specification(at=MONDAY))
    outcome = await spec.when(open_annual_review, OPEN, as_=OTHER_ADMIN)
    outcome.refused("other_unit")


async def test_the_principal_leader_grades_a_candidate_excellent() -> None:
    spec = Specification(at=MONDAY)
    await spec.given(ANNUAL, review_opened())
    command = DecideAnnualGrade(unit_id="u1", year=2026, person_id="p1", grade="优秀", comment="全年表现突出")
    outcome = await spec.when(decide_annual_grade, command, as_=BOSS)
    assert outcome.events == [
        AnnualGradeDecided(
            unit_id="u1",
            year=2026,
            person_id="p1",
            person_name="王芳",
            grade="优秀",
            comment="全年表现突出",
            excellent_used=1,
            excellent_cap=1,
        )
    ]
    assert outcome.answer.data == {"excellent_cap": 1, "excellent_used": 1, "excellent_left": 0}


async def test_the_administrator_enters_the_committees_grade() -> None:
    spec = Specification(at=MONDAY)
    await spec.given(ANNUAL, review_opened())
    command = DecideAnnualGrade(unit_id="u1", year=2026, person_id="p2", grade="称职", comment="考核委员会决定")
    outcome = await spec.when(decide_annual_grade, command, as_=ADMIN)
    assert [(e.person_id, e.grade) for e in outcome.events] == [("p2", "称职")]


@pytest.mark.parametrize(
    ("cap", "person_id", "code"),
    [
        pytest.param(1, "p2", "not_excellent_candidate", id="excellent only for a candidate"),
        pytest.param(0, "p1", "excellent_quota_exceeded", id="excellent within the cap"),
    ],
)
async def test_excellent_is_refused(cap: int, person_id: str, code: str) -> None:
    spec = Specification(at=MONDAY)
    await spec.given(ANNUAL, review_opened(cap=cap))
    command = DecideAnnualGrade(unit_id="u1", year=2026, person_id=person_id, grade="优秀", comment="")
    outcome = await spec.when(decide_annual_grade, command, as_=BOSS)
    outcome.refused(code)


async def test_a_grade_before_the_review_is_open_is_refused() -> None:
    spec = Specification(at=MONDAY)
    command = DecideAnnualGrade(unit_id="u1", year=2026, person_id="p1", grade="称职", comment="")
    outcome = await spec.when(decide_annual_grade, command, as_=BOSS)
    outcome.refused("annual_review_not_open")


@pytest.mark.parametrize(
    ("principal", "code"),
    [
        pytest.param(DEPUTY, "role_required", id="the deputy does not decide annual grades"),
        pytest.param(
            who("boss", "李局长", "principal_leader", unit="u2"),
            "other_unit",
            id="another unit's principal leader does not decide",
        ),
        pytest.param(
            who("boss", "李局长", "principal_leader", unit=None),
            "unit_scope_missing",
            id="a principal leader without a unit is refused as such",
        ),
    ],
)
async def test_who_may_not_decide_annual_grades(principal: Principal, code: str) -> None:
    spec = Specification(at=MONDAY)
    await spec.given(ANNUAL, review_opened())
    command = DecideAnnualGrade(unit_id="u1", year=2026, person_id="p1", grade="称职", comment="")
    outcome = await spec.when(decide_annual_grade, command, as_=principal)
    outcome.refused(code)
