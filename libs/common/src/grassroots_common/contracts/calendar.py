"""The platform's one working-day calendar (stream ``APPRAISAL``, ``stream_type`` ``calendar``).

An administrator enters a year once, through the appraisal service (the district organization
department's, which keeps the calendar); every service projects ``CalendarYearEntered`` into its
own read model (``grassroots_common.calendar_projection``), so all deadlines count the same days.
The years the ``chinese_calendar`` package knows need no event: they are the same code everywhere.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from grassroots_common.events import Event, event

CALENDAR_OWNER = "appraisal"


class CalendarDayEntry(BaseModel):
    day: dt.date
    is_workday: bool
    name: str = Field(default="", max_length=40)


@event
class CalendarYearEntered(Event):
    """A year's holidays on weekdays and adjusted workdays on weekends, replacing any earlier entry
    of the year. ``confirmed``: the administrator says these are all of them; until a confirmed
    entry the year is not counted as entered and users are warned."""

    stream_type = "calendar"

    year: int = Field(ge=2000, le=2100)
    days: list[CalendarDayEntry] = Field(max_length=120)
    confirmed: bool
