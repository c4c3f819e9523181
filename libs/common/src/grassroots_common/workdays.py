"""Working days on the official calendar, kept as data an administrator extends each year.

The State Council publishes each year's holidays and adjusted workdays late in the year before;
``chinese_calendar`` knows the years up to its release: those come from the package, the same code
in every service. An administrator enters later years once, through the appraisal service's
calendar API; the entry is an event (``CalendarYearEntered``) every service projects, so no service
keeps a calendar of its own that could disagree. A year counts as entered only once the
administrator confirms it is the whole year: until then the days not entered fall back to
Monday–Friday, and the answer says so (``warning``).

This module is the calendar's arithmetic, pure: a domain decides with a ``WorkCalendar`` it is
given. Loading one from the read model is ``calendar_projection.load_calendar``.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

CHINA = dt.timezone(dt.timedelta(hours=8))


@dataclass
class WorkCalendar:
    """In-memory view: explicit days (holidays and adjusted workdays) for the years entered."""

    overrides: dict[dt.date, bool] = field(default_factory=dict)
    years: set[int] = field(default_factory=set)
    names: dict[dt.date, str] = field(default_factory=dict)

    def days_of(self, year: int) -> list[tuple[dt.date, bool, str]]:
        """The year's explicit days (holidays on weekdays, adjusted workdays), in order."""
        return [(d, w, self.names.get(d, "")) for d, w in sorted(self.overrides.items()) if d.year == year]

    def is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        return day.weekday() < 5

    def knows(self, year: int) -> bool:
        return year in self.years

    def warning_for(self, *days: dt.date) -> str | None:
        missing = sorted({d.year for d in days if d.year not in self.years})
        if not missing:
            return None
        return f"{'、'.join(map(str, missing))} 年的法定节假日尚未录入，按周一至周五计算工作日"

    def add_workdays(self, start: dt.date, days: int) -> dt.date:
        """The date ``days`` working days after ``start`` (0: ``start`` itself if a workday, else next)."""
        current = start
        while not self.is_workday(current):
            current += dt.timedelta(days=1)
        remaining = days
        while remaining > 0:
            current += dt.timedelta(days=1)
            if self.is_workday(current):
                remaining -= 1
        return current

    def deadline(self, start: dt.datetime, workdays: int, hours: float = 0) -> dt.datetime:
        """End of the working day ``workdays`` after ``start`` (Beijing time), or ``hours`` later."""
        if workdays <= 0 and hours:
            return start + dt.timedelta(hours=hours)
        local = start.astimezone(CHINA)
        end_day = self.add_workdays(local.date(), workdays)
        return dt.datetime.combine(end_day, dt.time(23, 59, 59), tzinfo=CHINA)

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        count, current = 0, start
        while current < end:
            current += dt.timedelta(days=1)
            if self.is_workday(current):
                count += 1
        return count


# The package names its holidays in English; people read them as the State Council's notice does.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def holiday_name(name: str, is_workday: bool = False) -> str:
    """A day's name in Chinese: a holiday's, or "<holiday>调休上班" for an adjusted workday."""
    chinese = HOLIDAY_NAMES.get(name, name)
    return f"{chinese}调休上班" if is_workday and name in HOLIDAY_NAMES else chinese


def package_years() -> dict[int, dict[dt.date, tuple[bool, str]]]:
    """The years the chinese_calendar package knows, as explicit non-default days."""
    import chinese_calendar

    years: dict[int, dict[dt.date, tuple[bool, str]]] = {}
    for day, name in chinese_calendar.holidays.items():
        if day.weekday() < 5:
            years.setdefault(day.year, {})[day] = (False, holiday_name(str(name)))
    for day, name in chinese_calendar.workdays.items():
        if day.weekday() >= 5:
            years.setdefault(day.year, {})[day] = (True, holiday_name(str(name), True))
    return years


@functools.cache
def package_calendar() -> tuple[dict[dt.date, tuple[bool, str]], frozenset[int]]:
    """The package's years from 2020 on, computed once: explicit days and the years they cover."""
    days: dict[dt.date, tuple[bool, str]] = {}
    years = {y: d for y, d in package_years().items() if y >= 2020}
    for entries in years.values():
        days.update(entries)
    return days, frozenset(years)


def package_work_calendar() -> WorkCalendar:
    """The calendar of the package's years alone: the platform's before anyone entered a year."""
    days, years = package_calendar()
    return WorkCalendar({d: w for d, (w, _) in days.items()}, set(years), {d: n for d, (_, n) in days.items()})
