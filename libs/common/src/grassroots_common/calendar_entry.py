"""Entering a year of the platform calendar: one stream per year (``calendar-<year>``) in the
appraisal service's store, each entry replacing the year's days."""

from __future__ import annotations

import datetime as dt

from grassroots_common.aggregate import Aggregate
from grassroots_common.contracts.calendar import CalendarDayEntry, CalendarYearEntered
from grassroots_common.errors import Invalid
from grassroots_common.events import Event


def calendar_stream_id(year: int) -> str:
    return f"calendar-{year}"


class CalendarYear(Aggregate):
    stream_type = "calendar"

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.confirmed = False

    def when(self, event: Event) -> None:
        if isinstance(event, CalendarYearEntered):
            self.confirmed = event.confirmed

    def enter(self, year: int, days: list[CalendarDayEntry], *, confirmed: bool) -> None:
        seen: set[dt.date] = set()
        for entry in days:
            if entry.day.year != year:
                raise Invalid("calendar_wrong_year", f"{entry.day} 不属于 {year} 年", field="days")
            if entry.day in seen:
                raise Invalid("calendar_day_repeated", f"{entry.day} 录入了两次", field="days")
            seen.add(entry.day)
        if confirmed and not any(not d.is_workday for d in days):
            raise Invalid("calendar_year_empty", f"确认全年日历前，请录入 {year} 年的法定节假日", field="days")
        self._raise(CalendarYearEntered(year=year, days=sorted(days, key=lambda d: d.day), confirmed=confirmed))
