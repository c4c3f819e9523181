"""Every service's read model of the platform calendar: the years administrators entered
(``CalendarYearEntered`` from the appraisal service's stream), each entry replacing the year's."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from grassroots_common.contracts.calendar import CALENDAR_OWNER
from grassroots_common.events import RecordedEvent
from grassroots_common.projections.projection import PureFoldProjection

SCHEMA = "platform_calendar"

Entry = tuple[bool, list[tuple[str, bool, str]]]  # confirmed, (day, is_workday, name)


class CalendarProjection(PureFoldProjection[dict[int, Entry]]):
    name = "platform_calendar"
    schema = SCHEMA
    sources = (CALENDAR_OWNER,)
    event_types = frozenset({"CalendarYearEntered"})
    ddl = """
    CREATE TABLE IF NOT EXISTS years (year integer PRIMARY KEY, confirmed boolean NOT NULL);
    CREATE TABLE IF NOT EXISTS days (
        day date PRIMARY KEY, year integer NOT NULL, is_workday boolean NOT NULL, name text NOT NULL
    );
    CREATE INDEX IF NOT EXISTS days_year ON days (year);
    """

    def fold(self, events: Sequence[RecordedEvent]) -> dict[int, Entry]:
        latest: dict[int, Entry] = {}
        for e in events:
            d = e.data
            days = [(x["day"], bool(x["is_workday"]), x.get("name", "")) for x in d.get("days", [])]
            latest[int(d["year"])] = (bool(d.get("confirmed")), days)
        return latest

    async def write(self, conn: asyncpg.Connection, folded: dict[int, Entry]) -> None:
        if not folded:
            return
        await conn.execute("DELETE FROM days WHERE year = ANY($1::int[])", list(folded))
        await conn.executemany(
            "INSERT INTO days (day, year, is_workday, name) VALUES ($1::text::date, $2, $3, $4)",
            [(str(day), year, work, name) for year, (_, days) in folded.items() for day, work, name in days],
        )
        await conn.executemany(
            """INSERT INTO years (year, confirmed) VALUES ($1, $2)
               ON CONFLICT (year) DO UPDATE SET confirmed = EXCLUDED.confirmed""",
            [(year, confirmed) for year, (confirmed, _) in folded.items()],
        )
