"""Submissions by unit: one row per person and week (weekly logs, 周纪实) and per person and month
(monthly summaries, 月小结), with whether the first submission was late."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import asyncpg
import orjson

from grassroots_common.contracts.appraisal import LogSubmitted, SummarySubmitted
from grassroots_common.events import RecordedEvent
from grassroots_common.projections.projection import PureFoldProjection, types_of
from reporting.eventdata import flag, integer, moment, text

Submission = tuple[str, bool, int, dt.datetime]  # unit, late (first submission), revisions, first submitted


_LOG_SUBMITTED = LogSubmitted.type_name()


@dataclass(slots=True)
class Submissions:
    """A batch folded: by (week, person) and by (month, person)."""

    weekly: dict[tuple[str, str], Submission] = field(default_factory=dict)
    monthly: dict[tuple[str, str], Submission] = field(default_factory=dict)


# The period column is "week" or "month"; a later row never undoes an earlier first submission.
_UPSERT = """INSERT INTO {table} AS s ({period}, person_id, unit_id, late, revisions, first_submitted_at)
   SELECT r->>0, r->>1, r->>2, (r->>3)::bool, (r->>4)::int, (r->>5)::timestamptz
   FROM jsonb_array_elements($1::text::jsonb) AS r
   ON CONFLICT ({period}, person_id) DO UPDATE SET
       unit_id = EXCLUDED.unit_id,
       revisions = GREATEST(s.revisions, EXCLUDED.revisions),
       late = CASE WHEN EXCLUDED.first_submitted_at < s.first_submitted_at
                   THEN EXCLUDED.late ELSE s.late END,
       first_submitted_at = LEAST(s.first_submitted_at, EXCLUDED.first_submitted_at)"""


class SubmissionsProjection(PureFoldProjection[Submissions]):
    name = "submissions"
    schema = "rpt_submissions"
    sources = ("appraisal",)
    event_types = types_of(LogSubmitted, SummarySubmitted)
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
    CREATE TABLE IF NOT EXISTS monthly_submissions (
        unit_id      text NOT NULL,
        month        text NOT NULL,
        person_id    text NOT NULL,
        late         boolean NOT NULL,
        revisions    integer NOT NULL,
        first_submitted_at timestamptz NOT NULL,
        PRIMARY KEY (month, person_id)
    );
    CREATE INDEX IF NOT EXISTS monthly_submissions_month_unit ON monthly_submissions (month, unit_id);
    """

    def fold(self, events: Sequence[RecordedEvent]) -> Submissions:
        folded = Submissions()
        for e in events:
            d = e.data
            weekly = e.type == _LOG_SUBMITTED
            period, person, unit, at = (
                text(d, "week" if weekly else "month"),
                text(d, "person_id"),
                text(d, "unit_id"),
                moment(d, "submitted_at"),
            )
            if period is None or person is None or unit is None or at is None:
                continue
            into = folded.weekly if weekly else folded.monthly
            key = (period, person)
            revision = integer(d, "revision") or 1
            prior = into.get(key)
            if prior is None:
                into[key] = (unit, flag(d, "late") is True, revision, at)
            else:
                into[key] = (unit, prior[1], max(prior[2], revision), prior[3])
        return folded

    async def write(self, conn: asyncpg.Connection, folded: Submissions) -> None:
        for table, period, rows in (
            ("weekly_submissions", "week", folded.weekly),
            ("monthly_submissions", "month", folded.monthly),
        ):
            if rows:
                # One JSON document rather than six arrays: asyncpg checks every array element
                # against collections.abc on the way out, which costs more than PostgreSQL spends
                # reading the JSON.
                document = orjson.dumps([(p, person, *row) for (p, person), row in rows.items()]).decode()
                await conn.execute(_UPSERT.format(table=table, period=period), document)
