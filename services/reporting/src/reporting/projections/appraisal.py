"""Appraisal progress by unit: the roster, each person's quarter (self-assessment, peer reviews,
the three reviewing levels, adjustments, appeals, publication, the final grade), the unit's quarter
(participants, 好 cap and use), annual grades and result uses (五挂钩) by kind and day.

Weekly-log submission and lateness live in the ``submissions`` projection; notices join both.
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from grassroots_common.contracts.appraisal import (
    AnnualGradeDecided,
    AppealFiled,
    AppealResolved,
    GradeAdjusted,
    PeerReviewed,
    PersonEnrolled,
    PersonLeft,
    QuarterFinalized,
    QuarterOpened,
    ResultApplied,
    ResultsPublished,
    ReviewingChainChanged,
    ReviewRecorded,
    SelfAssessed,
    UnitRegistered,
)
from grassroots_common.events import RecordedEvent
from grassroots_common.projections.projection import Projection, types_of
from grassroots_common.tables import Table
from reporting.eventdata import day, integer, listed_people, moment, quarter, text

NEGATIVE_USES = frozenset({"discipline", "reminder_talk"})

UNITS = Table("units", ("unit_id",), {"unit_id": "text", "name": "text"})
PEOPLE = Table(
    "people",
    ("person_id",),
    {
        "person_id": "text",
        "unit_id": "text",
        "name": "text",
        "section_id": "text",
        "active": "boolean NOT NULL",
        "enrolled_on": "date",
        "left_on": "date",
    },
)
PERSON_QUARTERS = Table(
    "person_quarters",
    ("person_id", "quarter"),
    {
        "person_id": "text",
        "quarter": "text",
        "unit_id": "text",
        "name": "text",
        "self_assessed": "boolean NOT NULL",
        "peer_reviews": "integer NOT NULL",
        "section_chief": "text",
        "deputy_leader": "text",
        "principal_leader": "text",
        "grade": "text",
        "adjustments": "integer NOT NULL",
        "appeals": "integer NOT NULL",
        "appeal_open": "boolean NOT NULL",
        "published": "boolean NOT NULL",
        "finalized": "boolean NOT NULL",
    },
)
UNIT_QUARTERS = Table(
    "unit_quarters",
    ("unit_id", "quarter"),
    {
        "unit_id": "text",
        "quarter": "text",
        "participants": "integer NOT NULL",
        "good_cap": "integer",
        "good_used": "integer",
        "published_at": "timestamptz",
        "finalized_at": "timestamptz",
    },
)
ANNUAL = Table(
    "annual_grades",
    ("person_id", "year"),
    {"person_id": "text", "year": "integer", "unit_id": "text", "name": "text", "grade": "text"},
)
RESULT_USES = Table(
    "result_uses",
    ("unit_id", "decided_on", "kind"),
    {
        "unit_id": "text",
        "decided_on": "date",
        "kind": "text",
        "positive": "boolean NOT NULL",
        "uses": "integer NOT NULL",
    },
)

ROSTER_EVENTS = types_of(PersonEnrolled, ReviewingChainChanged, PersonLeft)
QUARTER_PERSON_EVENTS = types_of(SelfAssessed, PeerReviewed, ReviewRecorded, GradeAdjusted, AppealFiled, AppealResolved)
QUARTER_UNIT_EVENTS = types_of(QuarterOpened, ResultsPublished, QuarterFinalized)
_ANNUAL_GRADE_DECIDED = AnnualGradeDecided.type_name()
_APPEAL_FILED = AppealFiled.type_name()
_APPEAL_RESOLVED = AppealResolved.type_name()
_GRADE_ADJUSTED = GradeAdjusted.type_name()
_PEER_REVIEWED = PeerReviewed.type_name()
_PERSON_ENROLLED = PersonEnrolled.type_name()
_PERSON_LEFT = PersonLeft.type_name()
_QUARTER_FINALIZED = QuarterFinalized.type_name()
_QUARTER_OPENED = QuarterOpened.type_name()
_RESULT_APPLIED = ResultApplied.type_name()
_RESULTS_PUBLISHED = ResultsPublished.type_name()
_REVIEW_RECORDED = ReviewRecorded.type_name()
_SELF_ASSESSED = SelfAssessed.type_name()
_UNIT_REGISTERED = UnitRegistered.type_name()


class AppraisalProjection(Projection):
    name = "appraisal"
    schema = "rpt_appraisal"
    sources = ("appraisal",)
    event_types = (
        ROSTER_EVENTS
        | QUARTER_PERSON_EVENTS
        | QUARTER_UNIT_EVENTS
        | types_of(UnitRegistered, AnnualGradeDecided, ResultApplied)
    )
    ddl = (
        "\n".join(t.create() for t in (UNITS, PEOPLE, PERSON_QUARTERS, UNIT_QUARTERS, ANNUAL, RESULT_USES))
        + """
    -- When a person is on the roster: what is due from them starts at enrolment and ends on leaving
    -- (the columns a people table created before them lacks).
    ALTER TABLE people ADD COLUMN IF NOT EXISTS enrolled_on date, ADD COLUMN IF NOT EXISTS left_on date;
    CREATE INDEX IF NOT EXISTS people_unit ON people (unit_id);
    CREATE INDEX IF NOT EXISTS person_quarters_unit ON person_quarters (quarter, unit_id);
    """
    )

    async def apply(self, conn: asyncpg.Connection, events: Sequence[RecordedEvent]) -> None:
        person_keys: set[tuple] = set()
        pq_keys: set[tuple] = set()
        uq_keys: set[tuple] = set()
        use_keys: set[tuple] = set()
        for e in events:
            d = e.data
            person, unit, q = text(d, "person_id"), text(d, "unit_id"), quarter(d)
            if e.type in ROSTER_EVENTS and person:
                person_keys.add((person,))
            elif e.type in QUARTER_PERSON_EVENTS and person and q:
                pq_keys.add((person, q))
                if unit:
                    uq_keys.add((unit, q))
            elif e.type in QUARTER_UNIT_EVENTS and unit and q:
                uq_keys.add((unit, q))
                pq_keys.update((p, q) for p, _, _ in listed_people(d))
            elif e.type == _RESULT_APPLIED and unit and (on := day(d, "decided_on")) and (kind := text(d, "kind")):
                use_keys.add((unit, on, kind))
        people = await PEOPLE.load(conn, person_keys)
        person_quarters = await PERSON_QUARTERS.load(conn, pq_keys)
        unit_quarters = await UNIT_QUARTERS.load(conn, uq_keys)
        uses = await RESULT_USES.load(conn, use_keys)
        units: dict[tuple, dict] = {}
        annual: dict[tuple, dict] = {}
        for e in events:
            d = e.data
            person, unit, q = text(d, "person_id"), text(d, "unit_id"), quarter(d)
            if e.type == _UNIT_REGISTERED and unit:
                units[(unit,)] = {"unit_id": unit, "name": text(d, "unit_name", "name")}
            elif e.type in ROSTER_EVENTS and person:
                row = people.setdefault((person,), {"person_id": person, "active": True})
                row["unit_id"] = unit or row.get("unit_id")
                row["name"] = text(d, "person_name") or row.get("name")
                if "section_id" in d:
                    row["section_id"] = text(d, "section_id")
                row["active"] = e.type != _PERSON_LEFT
                if e.type == _PERSON_ENROLLED:
                    row["enrolled_on"], row["left_on"] = day(d, "enrolled_on"), None
                elif e.type == _PERSON_LEFT:
                    row["left_on"] = day(d, "left_on")
            elif e.type in QUARTER_PERSON_EVENTS and person and q:
                row = person_quarters.setdefault((person, q), _new_person_quarter(person, q))
                row["unit_id"] = unit or row.get("unit_id")
                row["name"] = text(d, "person_name") or row.get("name")
                _evolve_person_quarter(row, e.type, d)
                if (used := integer(d, "good_used")) is not None and unit:
                    uq = unit_quarters.setdefault((unit, q), _new_unit_quarter(unit, q))
                    uq["good_used"] = used
                    uq["good_cap"] = _or(integer(d, "good_cap"), uq.get("good_cap"))
            elif e.type in QUARTER_UNIT_EVENTS and unit and q:
                row = unit_quarters.setdefault((unit, q), _new_unit_quarter(unit, q))
                _evolve_unit_quarter(row, e.type, d)
                for p, grade, name in listed_people(d):
                    pq = person_quarters.setdefault((p, q), _new_person_quarter(p, q))
                    pq["unit_id"] = unit
                    pq["name"] = name or pq.get("name")
                    _evolve_listed(pq, e.type, grade)
            elif e.type == _ANNUAL_GRADE_DECIDED and person and (year := integer(d, "year")) is not None:
                annual[(person, year)] = {
                    "person_id": person,
                    "year": year,
                    "unit_id": unit,
                    "name": text(d, "person_name"),
                    "grade": text(d, "grade"),
                }
            elif e.type == _RESULT_APPLIED and unit and (on := day(d, "decided_on")) and (kind := text(d, "kind")):
                positive = d.get("positive")
                row = uses.setdefault(
                    (unit, on, kind),
                    {
                        "unit_id": unit,
                        "decided_on": on,
                        "kind": kind,
                        "positive": positive if isinstance(positive, bool) else kind not in NEGATIVE_USES,
                        "uses": 0,
                    },
                )
                row["uses"] += 1
        await UNITS.upsert(conn, units.values())
        await PEOPLE.upsert(conn, people.values())
        await PERSON_QUARTERS.upsert(conn, person_quarters.values())
        await UNIT_QUARTERS.upsert(conn, unit_quarters.values())
        await ANNUAL.upsert(conn, annual.values())
        await RESULT_USES.upsert(conn, uses.values())


def _or(value: int | None, fallback: int | None) -> int | None:
    return value if value is not None else fallback


def _new_person_quarter(person: str, q: str) -> dict:
    return {
        "person_id": person,
        "quarter": q,
        "self_assessed": False,
        "peer_reviews": 0,
        "adjustments": 0,
        "appeals": 0,
        "appeal_open": False,
        "published": False,
        "finalized": False,
    }


def _evolve_person_quarter(row: dict, kind: str, d: dict) -> None:
    if kind == _SELF_ASSESSED:
        row["self_assessed"] = True
    elif kind == _PEER_REVIEWED:
        row["peer_reviews"] += 1
    elif kind == _REVIEW_RECORDED:
        level = text(d, "level")
        if level in ("section_chief", "deputy_leader", "principal_leader"):
            row[level] = text(d, "grade")
        row["grade"] = text(d, "grade") or row.get("grade")
    elif kind == _GRADE_ADJUSTED:
        row["grade"] = text(d, "to_grade") or row.get("grade")
        row["adjustments"] += 1
    elif kind == _APPEAL_FILED:
        row["appeals"] += 1
        row["appeal_open"] = True
    elif kind == _APPEAL_RESOLVED:
        row["appeal_open"] = False
        row["grade"] = text(d, "new_grade") or row.get("grade")


def _new_unit_quarter(unit: str, q: str) -> dict:
    return {"unit_id": unit, "quarter": q, "participants": 0}


def _evolve_unit_quarter(row: dict, kind: str, d: dict) -> None:
    if kind == _QUARTER_OPENED:
        participants = d.get("participants")
        row["participants"] = len(participants) if isinstance(participants, list) else 0
        row["good_cap"] = integer(d, "good_cap")
    elif kind == _RESULTS_PUBLISHED:
        row["published_at"] = moment(d, "published_at")
        row["good_used"] = _or(integer(d, "good_count"), row.get("good_used"))
        row["good_cap"] = _or(integer(d, "good_cap"), row.get("good_cap"))
    elif kind == _QUARTER_FINALIZED:
        row["finalized_at"] = moment(d, "finalized_at")


def _evolve_listed(row: dict, kind: str, grade: str | None) -> None:
    if kind == _RESULTS_PUBLISHED:
        row["published"] = True
    elif kind == _QUARTER_FINALIZED:
        row["finalized"] = True
    if grade and kind != _QUARTER_OPENED:
        row["grade"] = grade
