"""Read model of what follows the quarters: annual reviews, shortcoming reminders, follow-up visits
and mentors, and uses of results (五挂钩) — the growth archive's raw material."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import asyncpg

from grassroots_common.contracts.appraisal import (
    AnnualGradeDecided,
    AnnualReviewOpened,
    FollowUpOpened,
    FollowUpVisited,
    MentorAssigned,
    RectificationReported,
    ReminderAcknowledged,
    ReminderIssued,
    ResultApplied,
)
from grassroots_common.events import RecordedEvent
from grassroots_common.projections.projection import Projection, types_of
from grassroots_common.tables import Table, timestamp

SCHEMA = "rm_growth"

ANNUAL_COLUMNS = {
    "unit_id": "text",
    "year": "int",
    "person_id": "text",
    "person_name": "text NOT NULL",
    "section_id": "text",
    "quarter_grades": "jsonb NOT NULL",
    "excellent_eligible": "bool NOT NULL",
    "excellent_cap": "int NOT NULL",
    "grade": "text",
    "comment": "text",
}
ANNUAL = Table("annual_people", ("unit_id", "year", "person_id"), ANNUAL_COLUMNS)
REMINDER_COLUMNS = {
    "reminder_id": "text",
    "unit_id": "text NOT NULL",
    "person_id": "text NOT NULL",
    "person_name": "text NOT NULL",
    "issued_by_id": "text NOT NULL",
    "issued_by_name": "text NOT NULL",
    "quarter": "text",
    "shortcomings": "text NOT NULL",
    "issued_at": "timestamptz NOT NULL",
    "status": "text NOT NULL",
    "acknowledged_at": "timestamptz",
    "report": "text",
    "reported_at": "timestamptz",
}
REMINDERS = Table("reminders", ("reminder_id",), REMINDER_COLUMNS)
FOLLOW_UP_COLUMNS = {
    "unit_id": "text",
    "quarter": "text",
    "person_id": "text",
    "person_name": "text NOT NULL",
    "grades": "jsonb NOT NULL",
    "opened_at": "timestamptz NOT NULL",
    "mentor_id": "text",
    "mentor_name": "text",
    "visits": "jsonb NOT NULL DEFAULT '[]'",
}
FOLLOW_UPS = Table("follow_ups", ("unit_id", "quarter", "person_id"), FOLLOW_UP_COLUMNS)


_REMINDER_ANSWERS = types_of(ReminderAcknowledged, RectificationReported)
_FOLLOW_UP_UPDATES = types_of(MentorAssigned, FollowUpVisited)
_ANNUAL_GRADE_DECIDED = AnnualGradeDecided.type_name()
_ANNUAL_REVIEW_OPENED = AnnualReviewOpened.type_name()
_FOLLOW_UP_OPENED = FollowUpOpened.type_name()
_FOLLOW_UP_VISITED = FollowUpVisited.type_name()
_MENTOR_ASSIGNED = MentorAssigned.type_name()
_RECTIFICATION_REPORTED = RectificationReported.type_name()
_REMINDER_ACKNOWLEDGED = ReminderAcknowledged.type_name()
_REMINDER_ISSUED = ReminderIssued.type_name()
_RESULT_APPLIED = ResultApplied.type_name()


class GrowthProjection(Projection):
    name = "growth"
    schema = SCHEMA
    sources = ("appraisal",)
    event_types = types_of(
        AnnualReviewOpened,
        AnnualGradeDecided,
        ReminderIssued,
        ReminderAcknowledged,
        RectificationReported,
        FollowUpOpened,
        MentorAssigned,
        FollowUpVisited,
        ResultApplied,
    )
    ddl = (
        ANNUAL.create()
        + REMINDERS.create()
        + FOLLOW_UPS.create()
        + """
    CREATE INDEX IF NOT EXISTS reminders_person ON reminders (person_id, issued_at);
    CREATE INDEX IF NOT EXISTS reminders_unit ON reminders (unit_id, issued_at);
    CREATE TABLE IF NOT EXISTS result_uses (
        event_id text PRIMARY KEY, unit_id text NOT NULL, person_id text NOT NULL, person_name text NOT NULL,
        kind text NOT NULL, positive bool NOT NULL, year int NOT NULL, basis text NOT NULL, decided_on date NOT NULL
    );
    ALTER TABLE result_uses ADD COLUMN IF NOT EXISTS backfill_reason text;
    CREATE INDEX IF NOT EXISTS result_uses_unit ON result_uses (unit_id, year);
    """
    )

    async def apply(self, conn: asyncpg.Connection, events: Sequence[RecordedEvent]) -> None:
        annual_keys = {
            (e.data["unit_id"], e.data["year"], e.data["person_id"]) for e in events if e.type == _ANNUAL_GRADE_DECIDED
        }
        annual = await ANNUAL.load(conn, annual_keys)
        reminder_ids = {(e.data["reminder_id"],) for e in events if e.type in _REMINDER_ANSWERS}
        reminders = {k[0]: v for k, v in (await REMINDERS.load(conn, reminder_ids)).items()}
        follow_keys = {
            (e.data["unit_id"], e.data["quarter"], e.data["person_id"]) for e in events if e.type in _FOLLOW_UP_UPDATES
        }
        follow_ups = await FOLLOW_UPS.load(conn, follow_keys)
        uses = []
        for e in events:
            d = e.data
            kind = e.type
            if kind == _ANNUAL_REVIEW_OPENED:
                for p in d["people"]:
                    annual[(d["unit_id"], d["year"], p["person_id"])] = {
                        "unit_id": d["unit_id"],
                        "year": d["year"],
                        **p,
                        "excellent_cap": d["excellent_cap"],
                        "grade": None,
                        "comment": None,
                    }
            elif kind == _ANNUAL_GRADE_DECIDED:
                annual[(d["unit_id"], d["year"], d["person_id"])].update(grade=d["grade"], comment=d["comment"])
            elif kind == _REMINDER_ISSUED:
                reminders[d["reminder_id"]] = {**d, "issued_at": timestamp(d["issued_at"]), "status": "issued"}
            elif kind == _REMINDER_ACKNOWLEDGED:
                reminders[d["reminder_id"]].update(
                    status="acknowledged", acknowledged_at=timestamp(d["acknowledged_at"])
                )
            elif kind == _RECTIFICATION_REPORTED:
                reminders[d["reminder_id"]].update(
                    status="rectified", report=d["report"], reported_at=timestamp(d["reported_at"])
                )
            elif kind == _FOLLOW_UP_OPENED:
                follow_ups[(d["unit_id"], d["quarter"], d["person_id"])] = {
                    **{k: d[k] for k in ("unit_id", "quarter", "person_id", "person_name", "grades")},
                    "opened_at": timestamp(d["opened_at"]),
                    "visits": [],
                }
            elif kind == _MENTOR_ASSIGNED:
                follow_ups[(d["unit_id"], d["quarter"], d["person_id"])].update(
                    mentor_id=d["mentor_id"], mentor_name=d["mentor_name"]
                )
            elif kind == _FOLLOW_UP_VISITED:
                row = follow_ups[(d["unit_id"], d["quarter"], d["person_id"])]
                row["visits"] = [*row["visits"], {k: d[k] for k in ("visited_by_id", "notes", "visited_on")}]
            elif kind == _RESULT_APPLIED:
                uses.append(
                    (
                        e.event_id,
                        d["unit_id"],
                        d["person_id"],
                        d["person_name"],
                        d["kind"],
                        d["positive"],
                        d["year"],
                        d["basis"],
                        dt.date.fromisoformat(d["decided_on"]),
                        d.get("backfill_reason"),
                    )
                )
        await ANNUAL.upsert(conn, annual.values())
        await REMINDERS.upsert(conn, reminders.values())
        await FOLLOW_UPS.upsert(conn, follow_ups.values())
        if uses:
            await conn.executemany(
                """INSERT INTO result_uses (event_id, unit_id, person_id, person_name, kind, positive, year, basis,
                                            decided_on, backfill_reason)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                   ON CONFLICT (event_id) DO NOTHING""",
                uses,
            )
