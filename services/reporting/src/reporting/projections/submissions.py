"""Weekly-log submissions by unit: one row per person and week, whether the first submission was late."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import asyncpg

from grassroots_common.events import RecordedEvent
from grassroots_common.projections import Projection
from reporting.eventdata import flag, integer, moment, text


class SubmissionsProjection(Projection):
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

    async def apply(self, conn: asyncpg.Connection, events: Sequence[RecordedEvent]) -> None:
        folded: dict[tuple[str, str], tuple[str, bool, int, dt.datetime]] = {}
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
        if not folded:
            return
        keys = list(folded)
        await conn.execute(
            """INSERT INTO weekly_submissions AS s (week, person_id, unit_id, late, revisions, first_submitted_at)
               SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bool[], $5::int[], $6::timestamptz[])
               ON CONFLICT (week, person_id) DO UPDATE SET
                   unit_id = EXCLUDED.unit_id,
                   revisions = GREATEST(s.revisions, EXCLUDED.revisions),
                   late = CASE WHEN EXCLUDED.first_submitted_at < s.first_submitted_at
                               THEN EXCLUDED.late ELSE s.late END,
                   first_submitted_at = LEAST(s.first_submitted_at, EXCLUDED.first_submitted_at)""",
            [k[0] for k in keys],
            [k[1] for k in keys],
            [folded[k][0] for k in keys],
            [folded[k][1] for k in keys],
            [folded[k][2] for k in keys],
            [folded[k][3] for k in keys],
        )
