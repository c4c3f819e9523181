"""ISO weeks and the weekly-log deadline (default: Monday 12:00 after the week, Beijing time)."""

from __future__ import annotations

import datetime as dt
import re

from grassroots_common.errors import Invalid
from grassroots_common.workdays import CHINA

WEEK_PATTERN = r"^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$"
_WEEK = re.compile(WEEK_PATTERN)


def parse_week(week: str) -> tuple[int, int]:
    if not _WEEK.match(week):
        raise Invalid("week_invalid", "周次格式应为 2026-W47", field="week")
    year, num = int(week[:4]), int(week[6:])
    try:
        dt.date.fromisocalendar(year, num, 1)
    except ValueError as exc:
        raise Invalid("week_invalid", f"{year} 年没有第 {num} 周", field="week") from exc
    return year, num


def week_start(week: str) -> dt.date:
    year, num = parse_week(week)
    return dt.date.fromisocalendar(year, num, 1)


def week_of(moment: dt.datetime) -> str:
    year, num, _ = moment.astimezone(CHINA).isocalendar()
    return f"{year}-W{num:02d}"


def log_deadline(week: str, weekday: int = 1, hour: int = 12) -> dt.datetime:
    """The submit deadline: ``weekday`` (1 = Monday) of the following week at ``hour``, Beijing time."""
    next_monday = week_start(week) + dt.timedelta(days=7)
    day = next_monday + dt.timedelta(days=weekday - 1)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=CHINA)
