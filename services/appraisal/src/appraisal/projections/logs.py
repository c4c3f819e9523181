"""Read model of weekly logs (one row per person and week, the latest revision, with reviewers'
comments and returns) and of monthly summaries (one row per person and month)."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from grassroots_common.contracts.appraisal import (
    LogCommented,
    LogReturned,
    LogsReminded,
    LogSubmitted,
    SummarySubmitted,
)
from grassroots_common.events import RecordedEvent
from grassroots_common.projections.projection import Projection, types_of
from grassroots_common.tables import Table, timestamp

SCHEMA = "rm_logs"

LOG_COLUMNS = {
    "person_id": "text",
    "week": "text",
    "person_name": "text NOT NULL",
    "unit_id": "text NOT NULL",
    "section_id": "text",
    "items": "jsonb NOT NULL",
    "revision": "int NOT NULL",
    "late": "bool NOT NULL",
    "first_submitted_at": "timestamptz NOT NULL",
    "submitted_at": "timestamptz NOT NULL",
    "deadline": "timestamptz NOT NULL",
    "status": "text NOT NULL DEFAULT 'submitted'",
    "comments": "jsonb NOT NULL DEFAULT '[]'",
    "returned_reason": "text",
}
LOGS = Table("weekly_logs", ("person_id", "week"), LOG_COLUMNS)
SUMMARY_COLUMNS = {
    "person_id": "text",
    "month": "text",
    "person_name": "text NOT NULL",
    "unit_id": "text NOT NULL",
    "section_id": "text",
    "text": "text NOT NULL",
    "revision": "int NOT NULL",
    "late": "bool NOT NULL",
    "first_submitted_at": "timestamptz NOT NULL",
    "submitted_at": "timestamptz NOT NULL",
    "deadline": "timestamptz NOT NULL",
}
SUMMARIES = Table("monthly_summaries", ("person_id", "month"), SUMMARY_COLUMNS)


_LOG_EVENTS = types_of(LogSubmitted, LogCommented, LogReturned)
_LOG_COMMENTED = LogCommented.type_name()
_LOG_RETURNED = LogReturned.type_name()
_LOG_SUBMITTED = LogSubmitted.type_name()
_LOGS_REMINDED = LogsReminded.type_name()
_SUMMARY_SUBMITTED = SummarySubmitted.type_name()


class LogsProjection(Projection):
    name = "logs"
    schema = SCHEMA
    sources = ("appraisal",)
    event_types = types_of(LogSubmitted, LogCommented, LogReturned, SummarySubmitted, LogsReminded)
    ddl = (
        LOGS.create()
        + SUMMARIES.create()
        + """
    -- columns added after the first release, for tables created before them
    ALTER TABLE weekly_logs ADD COLUMN IF NOT EXISTS status text NOT NULL DEFAULT 'submitted';
    ALTER TABLE weekly_logs ADD COLUMN IF NOT EXISTS comments jsonb NOT NULL DEFAULT '[]';
    ALTER TABLE weekly_logs ADD COLUMN IF NOT EXISTS returned_reason text;
    CREATE INDEX IF NOT EXISTS weekly_logs_unit_week ON weekly_logs (unit_id, week);
    CREATE INDEX IF NOT EXISTS monthly_summaries_unit ON monthly_summaries (unit_id, month);
    CREATE TABLE IF NOT EXISTS log_reminders (
        person_id text NOT NULL, week text NOT NULL, unit_id text NOT NULL, reminded_at timestamptz NOT NULL,
        times int NOT NULL, PRIMARY KEY (person_id, week)
    );
    """
    )

    async def apply(self, conn: asyncpg.Connection, events: Sequence[RecordedEvent]) -> None:
        log_events = [e for e in events if e.type in _LOG_EVENTS]
        logs = await LOGS.load(conn, {(e.data["person_id"], e.data["week"]) for e in log_events})
        for e in log_events:
            d = e.data
            key = (d["person_id"], d["week"])
            row = logs.get(key)
            kind = e.type
            if kind == _LOG_SUBMITTED:
                logs[key] = {
                    **{k: d[k] for k in ("person_id", "week", "person_name", "unit_id", "items", "revision")},
                    "section_id": d.get("section_id"),
                    "submitted_at": timestamp(d["submitted_at"]),
                    "deadline": timestamp(d["deadline"]),
                    # Lateness and first submission belong to the first revision.
                    "late": row["late"] if row else d["late"],
                    "first_submitted_at": row["first_submitted_at"] if row else timestamp(d["submitted_at"]),
                    "status": "submitted",
                    "comments": row["comments"] if row else [],
                    "returned_reason": None,
                }
            elif kind == _LOG_COMMENTED:
                row["comments"] = [
                    *row["comments"],
                    # The reviewer's name is joined from the roster when read (queries.list_logs).
                    {
                        "reviewer_id": d["reviewer_id"],
                        "comment": d["comment"],
                        "at": e.occurred_at.isoformat(),
                    },
                ]
            elif kind == _LOG_RETURNED:
                row.update(status="returned", returned_reason=d["reason"])
        await LOGS.upsert(conn, logs.values())

        summaries: dict[tuple[str, str], dict] = {}
        summary_events = [e for e in events if e.type == _SUMMARY_SUBMITTED]
        existing = await SUMMARIES.load(
            conn,
            {(e.data["person_id"], e.data["month"]) for e in summary_events},
        )
        for e in summary_events:
            d = e.data
            key = (d["person_id"], d["month"])
            first = summaries.get(key) or existing.get(key)
            summaries[key] = {
                **d,
                "submitted_at": timestamp(d["submitted_at"]),
                "deadline": timestamp(d["deadline"]),
                "late": first["late"] if first else d["late"],
                "first_submitted_at": first["first_submitted_at"] if first else timestamp(d["submitted_at"]),
            }
        await SUMMARIES.upsert(conn, summaries.values())

        reminded: dict[tuple[str, str], dict] = {}
        for e in events:
            if e.type != _LOGS_REMINDED:
                continue
            for person_id in e.data["person_ids"]:
                key = (person_id, e.data["week"])
                times = reminded[key]["times"] + 1 if key in reminded else 1
                reminded[key] = {
                    "person_id": person_id,
                    "week": e.data["week"],
                    "unit_id": e.data["unit_id"],
                    "reminded_at": timestamp(e.data["reminded_at"]),
                    "times": times,
                }
        if reminded:
            values = list(reminded.values())
            await conn.execute(
                """INSERT INTO log_reminders AS r (person_id, week, unit_id, reminded_at, times)
                   SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::int[])
                   ON CONFLICT (person_id, week) DO UPDATE
                   SET reminded_at = EXCLUDED.reminded_at, times = r.times + EXCLUDED.times""",
                [v["person_id"] for v in values],
                [v["week"] for v in values],
                [v["unit_id"] for v in values],
                [v["reminded_at"] for v in values],
                [v["times"] for v in values],
            )
