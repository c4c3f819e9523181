"""Reporting periods: an ISO week (``2026-W47``), a month (``2026-11``), a quarter (``2026-Q4``) or a
year (``2026``), as half-open ranges of Beijing-time days, and which period a schedule makes due."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from grassroots_common.errors import Invalid

BEIJING = ZoneInfo("Asia/Shanghai")
# Years 2000–2099: the dates of every period (and of the one after it) exist.
PERIOD_PATTERN = r"^20\d{2}(-W(0[1-9]|[1-4]\d|5[0-3])|-(0[1-9]|1[0-2])|-Q[1-4])?$"
_WEEK = re.compile(r"^(20\d{2})-W(\d{2})$")
_MONTH = re.compile(r"^(20\d{2})-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(20\d{2})-Q([1-4])$")
_YEAR = re.compile(r"^(20\d{2})$")
KIND_OF = {"week": "weekly", "month": "monthly", "quarter": "quarterly"}


@dataclass(frozen=True, slots=True)
class Period:
    code: str
    grain: str  # week, month, quarter, year
    start: dt.date
    end: dt.date  # exclusive

    @property
    def starts_at(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time(), BEIJING)

    @property
    def ends_at(self) -> dt.datetime:
        return dt.datetime.combine(self.end, dt.time(), BEIJING)

    @property
    def year(self) -> int:
        return (self.end - dt.timedelta(days=1)).year

    @property
    def quarter(self) -> str:
        last = self.end - dt.timedelta(days=1)
        return f"{last.year}-Q{(last.month - 1) // 3 + 1}"

    @property
    def quarters(self) -> list[str]:
        """The quarters the period touches (a year has four)."""
        out, day = [], self.start
        while day < self.end:
            code = f"{day.year}-Q{(day.month - 1) // 3 + 1}"
            if code not in out:
                out.append(code)
            day = _next_month(day)
        return out

    @property
    def summary_months(self) -> list[str]:
        """The months whose monthly summaries fall due in the period. A summary is due early in the
        month after its own, so a month's notice reports the month before, and a quarter's the
        three months before each of its own."""
        out, day = [], self.start.replace(day=1)
        while day < self.end:
            before = day - dt.timedelta(days=1)
            out.append(f"{before.year}-{before.month:02d}")
            day = _next_month(day)
        return out

    def weeks_due(self, now: dt.datetime) -> list[Span]:
        """The period's weeks whose log has fallen due by ``now`` (the Monday noon after the week)."""
        spans = [week_span(code) for code in self.weeks]
        return [s for s in spans if dt.datetime.combine(s.end, LOG_DEADLINE, BEIJING) <= now]

    def summary_months_due(self, now: dt.datetime) -> list[Span]:
        """The summary months of the period that have ended by ``now`` (a summary is due after its month)."""
        spans = [month_span(code) for code in self.summary_months]
        return [s for s in spans if dt.datetime.combine(s.end, dt.time(), BEIJING) <= now]

    @property
    def weeks(self) -> list[str]:
        """ISO weeks whose Thursday falls in the period (each week belongs to one month)."""
        out = []
        day = self.start + dt.timedelta(days=(3 - self.start.weekday()) % 7)
        while day < self.end:
            iso = day.isocalendar()
            out.append(f"{iso.year}-W{iso.week:02d}")
            day += dt.timedelta(days=7)
        return out

    @property
    def label(self) -> str:
        last = self.end - dt.timedelta(days=1)
        match self.grain:
            case "week":
                return f"{self.code[:4]}年第{int(self.code[6:])}周（{self.start:%m月%d日}—{last:%m月%d日}）"
            case "month":
                return f"{self.start.year}年{self.start.month}月"
            case "quarter":
                return f"{self.start.year}年第{self.code[-1]}季度"
        return f"{self.start.year}年"


def parse(code: str) -> Period:
    if m := _WEEK.match(code):
        year, week = int(m[1]), int(m[2])
        try:
            start = dt.date.fromisocalendar(year, week, 1)
        except ValueError as exc:
            raise Invalid("period_invalid", f"{year} 年没有第 {week} 周", field="period") from exc
        return Period(code, "week", start, start + dt.timedelta(days=7))
    if m := _MONTH.match(code):
        start = dt.date(int(m[1]), int(m[2]), 1)
        return Period(code, "month", start, _next_month(start))
    if m := _QUARTER.match(code):
        start = dt.date(int(m[1]), (int(m[2]) - 1) * 3 + 1, 1)
        return Period(code, "quarter", start, _next_month(_next_month(_next_month(start))))
    if m := _YEAR.match(code):
        year = int(m[1])
        return Period(code, "year", dt.date(year, 1, 1), dt.date(year + 1, 1, 1))
    raise Invalid("period_invalid", "期间格式应为 2026-W47、2026-11、2026-Q4 或 2026", field="period")


def containing(grain: str, day: dt.date) -> Period:
    if grain == "week":
        iso = day.isocalendar()
        return parse(f"{iso.year}-W{iso.week:02d}")
    if grain == "month":
        return parse(f"{day.year}-{day.month:02d}")
    if grain == "quarter":
        return parse(f"{day.year}-Q{(day.month - 1) // 3 + 1}")
    return parse(f"{day.year}")


def previous(grain: str, day: dt.date) -> Period:
    """The last complete period of ``grain`` before ``day``."""
    return containing(grain, containing(grain, day).start - dt.timedelta(days=1))


# Notices go out after the period, once its data are in: the weekly one after the log deadline
# (Monday 12:00), the monthly and quarterly ones on the first morning after the period.
DUE_AFTER = {"week": dt.timedelta(hours=14), "month": dt.timedelta(hours=9), "quarter": dt.timedelta(hours=9)}


def due(grain: str, now: dt.datetime) -> Period:
    """The latest period of ``grain`` whose notice is due at ``now``."""
    local = now.astimezone(BEIJING)
    candidate = previous(grain, local.date())
    if local < candidate.ends_at + DUE_AFTER[grain]:
        candidate = previous(grain, candidate.start)
    return candidate


# A week's log is due at noon on the Monday after it (the units' default deadline).
LOG_DEADLINE = dt.time(12)


@dataclass(frozen=True, slots=True)
class Span:
    """A week or month by its code, as the days ``start`` (inclusive) to ``end`` (exclusive)."""

    code: str
    start: dt.date
    end: dt.date


def week_span(code: str) -> Span:
    year, week = (int(x) for x in code.split("-W"))
    monday = dt.date.fromisocalendar(year, week, 1)
    return Span(code, monday, monday + dt.timedelta(days=7))


def month_span(code: str) -> Span:
    first = dt.date(int(code[:4]), int(code[5:7]), 1)
    return Span(code, first, _next_month(first))


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
