"""The monthly summary (月小结) of one person: stream ``summary-<person>-<month>``."""

from __future__ import annotations

import datetime as dt
import re

from grassroots_common.aggregate import Aggregate
from grassroots_common.contracts.appraisal import SubmissionDeadlines, SummarySubmitted
from grassroots_common.errors import Conflict, Invalid
from grassroots_common.events import Event
from grassroots_common.workdays import CHINA

MONTH_PATTERN = r"^20\d{2}-(0[1-9]|1[0-2])$"  # years 2000–2099: the month and the next one exist
_MONTH = re.compile(MONTH_PATTERN)
DEADLINE_DAY = 5
"""Default deadline: the 5th of the following month at 18:00, Beijing time."""


def summary_stream_id(person_id: str, month: str) -> str:
    return f"summary-{person_id}-{month}"


def month_start(month: str) -> dt.date:
    if not _MONTH.match(month):
        raise Invalid("month_invalid", "月份格式应为 2026-07", field="month")
    return dt.date(int(month[:4]), int(month[5:]), 1)


def summary_deadline(month: str, day: int = DEADLINE_DAY, hour: int = 18) -> dt.datetime:
    start = month_start(month)
    following = dt.date(start.year + (start.month == 12), start.month % 12 + 1, day)
    return dt.datetime.combine(following, dt.time(hour), tzinfo=CHINA)


def previous_month(month: str) -> str:
    start = month_start(month)
    return f"{start.year - 1}-12" if start.month == 1 else f"{start.year}-{start.month - 1:02d}"


def current_month(now: dt.datetime) -> str:
    local = now.astimezone(CHINA)
    return f"{local.year}-{local.month:02d}"


def month_due(now: dt.datetime, rules: SubmissionDeadlines, *, previous_submitted: bool) -> tuple[str, dt.datetime]:
    """The month whose summary is due now, and its deadline: last month's until it is submitted
    (early in a month it is the one due; later it is overdue, still the one to write), then this
    month's."""
    this = current_month(now)
    month = this if previous_submitted else previous_month(this)
    return month, summary_deadline(month, rules.summary_day, rules.summary_hour)


class MonthlySummary(Aggregate):
    stream_type = "monthly_summary"

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.person_id: str | None = None
        self.revision = 0
        self.first_late: bool | None = None

    def when(self, event: Event) -> None:
        match event:
            case SummarySubmitted():
                self.person_id, self.revision = event.person_id, event.revision
                if self.first_late is None:
                    self.first_late = event.late

    def submit(
        self,
        *,
        person_id: str,
        person_name: str,
        unit_id: str,
        section_id: str | None,
        month: str,
        text: str,
        now: dt.datetime,
        deadlines: SubmissionDeadlines | None = None,
    ) -> None:
        """Submit, or revise, the summary; ``deadlines`` are the unit's (the defaults when it set none)."""
        start = month_start(month)
        if now.astimezone(CHINA).date() < start:
            raise Conflict("month_not_started", f"{month} 还未开始，不能提前填写月小结")
        if self.person_id is not None and self.person_id != person_id:
            raise Conflict("summary_owner_mismatch", "不能修改他人的月小结")
        rules = deadlines or SubmissionDeadlines()
        deadline = summary_deadline(month, rules.summary_day, rules.summary_hour)
        self._raise(
            SummarySubmitted(
                person_id=person_id,
                person_name=person_name,
                unit_id=unit_id,
                section_id=section_id,
                month=month,
                text=text,
                submitted_at=now,
                deadline=deadline,
                late=now > deadline,
                revision=self.revision + 1,
            )
        )
