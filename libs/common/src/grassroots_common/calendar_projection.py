"""Every service's read model of the platform calendar: the years administrators entered
(``CalendarYearEntered`` from the appraisal service's stream), each entry replacing the year's;
and the platform calendar loaded from it (``load_calendar``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import asyncpg

from grassroots_common.contracts.calendar import CALENDAR_OWNER, CalendarYearEntered
from grassroots_common.events import RecordedEvent
from grassroots_common.projections.projection import PureFoldProjection, types_of
from grassroots_common.workdays import WorkCalendar, package_calendar

SCHEMA = "platform_calendar"

Entry = tuple[bool, list[tuple[str, bool, str]]]  # confirmed, (day, is_workday, name)


class CalendarProjection(PureFoldProjection[dict[int, Entry]]):
    name = "platform_calendar"
    schema = SCHEMA
    sources = (CALENDAR_OWNER,)
    event_types = types_of(CalendarYearEntered)
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


async def load_calendar(pool: asyncpg.Pool) -> WorkCalendar:
    """The platform calendar: the package's years, overlaid year by year by what administrators
    entered (the ``platform_calendar`` read model every service keeps from the same events)."""
    package_days, package_year_set = package_calendar()
    days = dict(package_days)
    names: dict[dt.date, str] = {d: n for d, (_, n) in package_days.items()}
    years = set(package_year_set)
    entered = await pool.fetch(f"SELECT year, confirmed FROM {SCHEMA}.years")
    if entered:
        replaced = {r["year"] for r in entered}
        for day in [d for d in days if d.year in replaced]:
            del days[day], names[day]
        rows = await pool.fetch(f"SELECT day, is_workday, name FROM {SCHEMA}.days")
        for r in rows:
            days[r["day"]] = (r["is_workday"], r["name"])
            names[r["day"]] = r["name"]
        years = (years - replaced) | {r["year"] for r in entered if r["confirmed"]}
    return WorkCalendar({d: w for d, (w, _) in days.items()}, years, names)
