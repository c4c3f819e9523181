"""Weekly-log submissions by unit: one row per person and week, whether the first submission was late."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import asyncpg
import orjson

from grassroots_common.events import RecordedEvent
from grassroots_common.projections import PureFoldProjection
from reporting.eventdata import flag, integer, moment, text

Submission = tuple[str, bool, int, dt.datetime]  # unit, late (first submission), revisions, first submitted


class SubmissionsProjection(PureFoldProjection[dict[tuple[str, str], Submission]]):
    name = "submissions"
    schema = "rpt_submissions"
    sources = ("appraisal",)
    event_types = frozenset({"LogSubmitted"})
    ddl = """
    CREATE TABLE IF NOT EXISTS weekly_submissions (
        unit_id      text NOT NULL,
        week         text NOT NULL,
        person_id    text NOT NULL,
        late         boolean NOT NULL,
        revisions    integer NOT NULL,
        first_submitted_at timestamptz NOT NULL,
        PRIMARY KEY (week, person_id)
    );
    CREATE INDEX IF NOT EXISTS weekly_submissions_week_unit ON weekly_submissions (week, unit_id);
    """

    def fold(self, events: Sequence[RecordedEvent]) -> dict[tuple[str, str], Submission]:
        folded: dict[tuple[str, str], Submission] = {}
        for e in events:
            d = e.data
            week, person, unit, at = (
                text(d, "week"),
                text(d, "person_id"),
                text(d, "unit_id"),
                moment(d, "submitted_at"),
            )
            if week is None or person is None or unit is None or at is None:
                continue
            key = (week, person)
            revision = integer(d, "revision") or 1
            prior = folded.get(key)
            if prior is None:
                folded[key] = (unit, flag(d, "late") is True, revision, at)
            else:
                folded[key] = (unit, prior[1], max(prior[2], revision), prior[3])
        return folded

    async def write(self, conn: asyncpg.Connection, folded: dict[tuple[str, str], Submission]) -> None:
        if not folded:
            return
        # One JSON document rather than six arrays: asyncpg checks every array element against
        # collections.abc on the way out, which costs more than PostgreSQL spends reading the JSON.
        rows = orjson.dumps([(week, person, *row) for (week, person), row in folded.items()]).decode()
        await conn.execute(
            """INSERT INTO weekly_submissions AS s (week, person_id, unit_id, late, revisions, first_submitted_at)
               SELECT r->>0, r->>1, r->>2, (r->>3)::bool, (r->>4)::int, (r->>5)::timestamptz
               FROM jsonb_array_elements($1::text::jsonb) AS r
               ON CONFLICT (week, person_id) DO UPDATE SET
                   unit_id = EXCLUDED.unit_id,
                   revisions = GREATEST(s.revisions, EXCLUDED.revisions),
                   late = CASE WHEN EXCLUDED.first_submitted_at < s.first_submitted_at
                               THEN EXCLUDED.late ELSE s.late END,
                   first_submitted_at = LEAST(s.first_submitted_at, EXCLUDED.first_submitted_at)""",
            rows,
        )
