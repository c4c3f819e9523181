"""Read model of weekly logs: one row per person and week, the latest revision."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import asyncpg

from grassroots_common.db import json_texts
from grassroots_common.events import RecordedEvent
from grassroots_common.projections import Projection

SCHEMA = "rm_logs"


class LogsProjection(Projection):
    name = "logs"
    schema = SCHEMA
    sources = ("appraisal",)
    event_types = frozenset({"LogSubmitted"})
    ddl = """
    CREATE TABLE IF NOT EXISTS weekly_logs (
        person_id    text NOT NULL,
        week         text NOT NULL,
        person_name  text NOT NULL,
        unit_id      text NOT NULL,
        section_id   text,
        items        jsonb NOT NULL,
        revision     integer NOT NULL,
        late         boolean NOT NULL,
        first_submitted_at timestamptz NOT NULL,
        submitted_at timestamptz NOT NULL,
        deadline     timestamptz NOT NULL,
        PRIMARY KEY (person_id, week)
    );
    CREATE INDEX IF NOT EXISTS weekly_logs_unit_week ON weekly_logs (unit_id, week);
    """

    async def apply(self, conn: asyncpg.Connection, events: Sequence[RecordedEvent]) -> None:
        # Fold the batch to one row per key: a batched upsert may not touch a row twice.
        rows: dict[tuple[str, str], dict] = {}
        for e in events:
            d = e.data
            key = (d["person_id"], d["week"])
            first = rows.get(key)
            rows[key] = {
                **d,
                "first_submitted_at": first["first_submitted_at"] if first else d["submitted_at"],
                "late": first["late"] if first else d["late"],
            }
        values = list(rows.values())
        await conn.execute(
            """INSERT INTO weekly_logs AS w (person_id, week, person_name, unit_id, section_id, items, revision,
                                             late, first_submitted_at, submitted_at, deadline)
               SELECT p, w, n, u, s, i::jsonb, r, l, f, sa, d
               FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                           $7::int[], $8::bool[], $9::timestamptz[], $10::timestamptz[], $11::timestamptz[])
                    AS t(p, w, n, u, s, i, r, l, f, sa, d)
               ON CONFLICT (person_id, week) DO UPDATE SET
                   person_name = EXCLUDED.person_name, unit_id = EXCLUDED.unit_id, section_id = EXCLUDED.section_id,
                   items = EXCLUDED.items, revision = EXCLUDED.revision, submitted_at = EXCLUDED.submitted_at,
                   deadline = EXCLUDED.deadline""",
            [v["person_id"] for v in values],
            [v["week"] for v in values],
            [v["person_name"] for v in values],
            [v["unit_id"] for v in values],
            [v.get("section_id") for v in values],
            json_texts([v["items"] for v in values]),
            [v["revision"] for v in values],
            [v["late"] for v in values],
            [_ts(v["first_submitted_at"]) for v in values],
            [_ts(v["submitted_at"]) for v in values],
            [_ts(v["deadline"]) for v in values],
        )


def _ts(value: str | dt.datetime) -> dt.datetime:
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else value
