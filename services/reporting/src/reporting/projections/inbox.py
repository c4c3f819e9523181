"""What the inbox (收件箱) needs from the appraisal stream: the roster with each person's reviewing
chain, each unit's log deadline rule, each weekly log's state, and each quarter participant's
progress up the reviewing chain with whose review it waits for.

The fold is pure (``InboxRows.fold``): the projection loads the rows a batch touches, folds the
batch into them and writes them back; the reminder rules (``reporting.reminders``) read the same
rows, so a unit test folds events in memory and asks what is due.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import orjson

from grassroots_common.contracts.appraisal import (
    REVIEW_LEVELS,
    DeadlinesConfigured,
    LogCommented,
    LogReturned,
    LogSubmitted,
    PeerReviewed,
    PersonEnrolled,
    PersonLeft,
    QuarterFinalized,
    QuarterOpened,
    QuarterReviewersChanged,
    ResultsPublished,
    ReviewingChainChanged,
    ReviewRecorded,
    SelfAssessed,
)
from grassroots_common.events import RecordedEvent
from grassroots_common.projections.projection import Projection, types_of
from grassroots_common.tables import Table
from reporting.eventdata import day, integer, listed_people, moment, quarter, text

ROSTER = Table(
    "roster",
    ("person_id",),
    {
        "person_id": "text",
        "unit_id": "text",
        "name": "text",
        "section_chief_id": "text",
        "deputy_leader_id": "text",
        "principal_leader_id": "text",
        "active": "boolean",
        "enrolled_on": "date",
        "left_on": "date",
    },
)
DEADLINES = Table("log_deadlines", ("unit_id",), {"unit_id": "text", "log_weekday": "integer", "log_hour": "integer"})
LOGS = Table(
    "logs",
    ("person_id", "week"),
    {
        "person_id": "text",
        "week": "text",
        "unit_id": "text",
        "status": "text",  # submitted | returned
        "reviewed": "boolean",
        "submitted_at": "timestamptz",
    },
)
QUARTER_PEOPLE = Table(
    "quarter_people",
    ("unit_id", "quarter", "person_id"),
    {
        "unit_id": "text",
        "quarter": "text",
        "person_id": "text",
        "name": "text",
        "section_chief_id": "text",
        "deputy_leader_id": "text",
        "principal_leader_id": "text",
        "self_assessed": "boolean",
        "peer_reviews": "integer",
        "peers_required": "integer",
        "decided": "jsonb",
        "closed": "boolean",
        "waiting_for": "text",
        "waiting_level": "text",
    },
)

ROSTER_EVENTS = types_of(PersonEnrolled, ReviewingChainChanged, PersonLeft)
LOG_EVENTS = types_of(LogSubmitted, LogCommented, LogReturned)
QUARTER_PERSON_EVENTS = types_of(SelfAssessed, PeerReviewed, ReviewRecorded, QuarterReviewersChanged)
QUARTER_UNIT_EVENTS = types_of(QuarterOpened, ResultsPublished, QuarterFinalized)
_DEADLINES_CONFIGURED = DeadlinesConfigured.type_name()
_LOG_COMMENTED = LogCommented.type_name()
_LOG_RETURNED = LogReturned.type_name()
_LOG_SUBMITTED = LogSubmitted.type_name()
_PEER_REVIEWED = PeerReviewed.type_name()
_PERSON_ENROLLED = PersonEnrolled.type_name()
_PERSON_LEFT = PersonLeft.type_name()
_QUARTER_OPENED = QuarterOpened.type_name()
_REVIEW_RECORDED = ReviewRecorded.type_name()
_REVIEWERS_CHANGED = QuarterReviewersChanged.type_name()
_SELF_ASSESSED = SelfAssessed.type_name()


@dataclass(slots=True)
class InboxRows:
    """Rows by key, as the tables hold them."""

    roster: dict[tuple, dict] = field(default_factory=dict)
    deadlines: dict[tuple, dict] = field(default_factory=dict)
    logs: dict[tuple, dict] = field(default_factory=dict)
    quarters: dict[tuple, dict] = field(default_factory=dict)

    def fold(self, events: Iterable[RecordedEvent]) -> None:
        for e in events:
            d = e.data
            person, unit = text(d, "person_id"), text(d, "unit_id")
            if e.type in ROSTER_EVENTS and person:
                _evolve_roster(self.roster.setdefault((person,), {"person_id": person, "active": True}), e.type, d)
            elif e.type == _DEADLINES_CONFIGURED and unit and isinstance(rule := d.get("deadlines"), dict):
                self.deadlines[(unit,)] = {
                    "unit_id": unit,
                    "log_weekday": integer(rule, "log_weekday") or 1,
                    "log_hour": _or(integer(rule, "log_hour"), 12),
                }
            elif e.type in LOG_EVENTS and person and (week := text(d, "week")):
                row = self.logs.setdefault((person, week), {"person_id": person, "week": week, "reviewed": False})
                _evolve_log(row, e.type, d)
            elif e.type in QUARTER_PERSON_EVENTS and person and unit and (q := quarter(d)):
                row = self.quarters.get((unit, q, person))
                if row is not None:  # a participant the quarter listed when it opened
                    _evolve_quarter_person(row, e.type, d)
            elif e.type in QUARTER_UNIT_EVENTS and unit and (q := quarter(d)):
                self._quarter_unit(e.type, unit, q, d)

    def _quarter_unit(self, kind: str, unit: str, q: str, d: dict[str, Any]) -> None:
        listed = d.get("participants" if kind == _QUARTER_OPENED else "results")
        for item in listed if isinstance(listed, list) else []:
            if not isinstance(item, dict) or not (person := text(item, "person_id")):
                continue
            if kind == _QUARTER_OPENED:
                chain = item.get("chain") if isinstance(item.get("chain"), dict) else {}
                row = {
                    "unit_id": unit,
                    "quarter": q,
                    "person_id": person,
                    "name": text(item, "person_name"),
                    **{f"{level}_id": text(chain, f"{level}_id") for level in REVIEW_LEVELS},
                    "self_assessed": False,
                    "peer_reviews": 0,
                    "peers_required": integer(d, "peer_reviews_required") or 0,
                    "decided": [],
                    "closed": False,
                }
                self.quarters[(unit, q, person)] = row
            elif (row := self.quarters.get((unit, q, person))) is not None:
                row["closed"] = True
            else:
                continue
            _settle_waiting(row)


def _or(value: int | None, fallback: int) -> int:
    return value if value is not None else fallback


def _evolve_roster(row: dict, kind: str, d: dict[str, Any]) -> None:
    row["unit_id"] = text(d, "unit_id") or row.get("unit_id")
    row["name"] = text(d, "person_name") or row.get("name")
    if isinstance(chain := d.get("chain"), dict):
        for level in REVIEW_LEVELS:
            row[f"{level}_id"] = text(chain, f"{level}_id")
    if kind == _PERSON_ENROLLED:
        row.update(active=True, enrolled_on=day(d, "enrolled_on"), left_on=None)
    elif kind == _PERSON_LEFT:
        row.update(active=False, left_on=day(d, "left_on"))


def _evolve_log(row: dict, kind: str, d: dict[str, Any]) -> None:
    row["unit_id"] = text(d, "unit_id") or row.get("unit_id")
    if kind == _LOG_SUBMITTED:
        # A new revision waits for the reviewer again.
        row.update(status="submitted", reviewed=False, submitted_at=moment(d, "submitted_at"))
    elif kind == _LOG_COMMENTED:
        row["reviewed"] = True
        row.setdefault("status", "submitted")
    elif kind == _LOG_RETURNED:
        row.update(status="returned", reviewed=True)


def _evolve_quarter_person(row: dict, kind: str, d: dict[str, Any]) -> None:
    if kind == _SELF_ASSESSED:
        row["self_assessed"] = True
    elif kind == _PEER_REVIEWED:
        row["peer_reviews"] = (row.get("peer_reviews") or 0) + 1
    elif kind == _REVIEW_RECORDED and (level := text(d, "level")) in REVIEW_LEVELS:
        row["decided"] = [*row.get("decided", []), level]
    elif kind == _REVIEWERS_CHANGED and isinstance(chain := d.get("chain"), dict):
        for level in REVIEW_LEVELS:
            row[f"{level}_id"] = text(chain, f"{level}_id")
    _settle_waiting(row)


def _settle_waiting(row: dict) -> None:
    """Whose review the participant waits for: the first level of the chain not yet decided, once
    the self-assessment and the peer reviews the quarter requires are in (as the Quarter decides)."""
    row["waiting_for"] = row["waiting_level"] = None
    ready = row.get("self_assessed") and (row.get("peer_reviews") or 0) >= (row.get("peers_required") or 0)
    if row.get("closed") or not ready:
        return
    for level in REVIEW_LEVELS:
        reviewer = row.get(f"{level}_id")
        if reviewer and level not in row.get("decided", []):
            row["waiting_for"], row["waiting_level"] = reviewer, level
            return


def first_reviewer(roster_row: dict) -> str | None:
    """Who reads a person's weekly logs first: the nearest level of the reviewing chain."""
    return next((r for level in REVIEW_LEVELS if (r := roster_row.get(f"{level}_id"))), None)


class InboxProjection(Projection):
    name = "inbox"
    schema = "rpt_inbox"
    sources = ("appraisal",)
    event_types = (
        ROSTER_EVENTS | LOG_EVENTS | QUARTER_PERSON_EVENTS | QUARTER_UNIT_EVENTS | types_of(DeadlinesConfigured)
    )
    ddl = (
        "\n".join(t.create() for t in (ROSTER, DEADLINES, LOGS, QUARTER_PEOPLE))
        + """
    CREATE INDEX IF NOT EXISTS roster_reader ON roster
        ((COALESCE(section_chief_id, deputy_leader_id, principal_leader_id)));
    CREATE INDEX IF NOT EXISTS logs_week ON logs (week);
    CREATE INDEX IF NOT EXISTS quarter_people_waiting ON quarter_people (waiting_for) WHERE waiting_for IS NOT NULL;
    """
    )

    async def apply(self, conn: asyncpg.Connection, events: Sequence[RecordedEvent]) -> None:
        people: set[tuple] = set()
        logs: set[tuple] = set()
        quarters: set[tuple] = set()
        for e in events:
            d = e.data
            person, unit, q = text(d, "person_id"), text(d, "unit_id"), quarter(d)
            if e.type in ROSTER_EVENTS and person:
                people.add((person,))
            elif e.type in LOG_EVENTS and person and (week := text(d, "week")):
                logs.add((person, week))
            elif e.type in QUARTER_PERSON_EVENTS and person and unit and q:
                quarters.add((unit, q, person))
            elif e.type in QUARTER_UNIT_EVENTS and unit and q:
                quarters.update((unit, q, p) for p, _, _ in listed_people(d))
        rows = InboxRows(
            roster=await ROSTER.load(conn, people),
            logs=await LOGS.load(conn, logs),
            quarters=await QUARTER_PEOPLE.load(conn, quarters),
        )
        for row in rows.quarters.values():
            row["decided"] = decided_levels(row.get("decided"))
        rows.fold(events)
        await ROSTER.upsert(conn, rows.roster.values())
        await DEADLINES.upsert(conn, rows.deadlines.values())
        await LOGS.upsert(conn, rows.logs.values())
        await QUARTER_PEOPLE.upsert(conn, rows.quarters.values())


def decided_levels(value: object) -> list[str]:
    """A jsonb list as asyncpg hands it back (text, without a codec)."""
    if isinstance(value, str):
        value = orjson.loads(value)
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
