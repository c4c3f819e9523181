"""The weekly log (周纪实) of one person for one ISO week: stream ``log-<person>-<week>``."""

from __future__ import annotations

import datetime as dt

from appraisal.domain.weeks import log_deadline, week_start
from grassroots_common.aggregate import Aggregate
from grassroots_common.contracts.appraisal import (
    LogCommented,
    LogReturned,
    LogSubmitted,
    SubmissionDeadlines,
    WorkItem,
)
from grassroots_common.errors import Conflict, Invalid, NotFound
from grassroots_common.events import Event
from grassroots_common.workdays import CHINA


def log_stream_id(person_id: str, week: str) -> str:
    return f"log-{person_id}-{week}"


class WeeklyLog(Aggregate):
    stream_type = "weekly_log"

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.person_id: str | None = None
        self.unit_id = ""
        self.week = ""
        self.revision = 0
        self.first_late: bool | None = None
        self.returned = False

    def when(self, event: Event) -> None:
        match event:
            case LogSubmitted():
                self.person_id, self.unit_id, self.week = event.person_id, event.unit_id, event.week
                self.revision = event.revision
                self.returned = False
                if self.first_late is None:
                    self.first_late = event.late
            case LogReturned():
                self.returned = True
            case LogCommented():
                pass

    def submit(
        self,
        *,
        person_id: str,
        person_name: str,
        unit_id: str,
        section_id: str | None,
        week: str,
        items: list[WorkItem],
        now: dt.datetime,
        deadlines: SubmissionDeadlines | None = None,
    ) -> None:
        """Submit, or revise, the log. One log per person and week: a resubmission is a revision.
        ``deadlines`` are the unit's (the defaults when it set none)."""
        if not items:
            raise Invalid("log_empty", "周纪实至少需要一项工作内容", field="items")
        if now.astimezone(CHINA).date() < week_start(week):
            raise Conflict("week_not_started", f"{week} 还未开始，不能提前填写周纪实")
        if self.person_id is not None and self.person_id != person_id:
            raise Conflict("log_owner_mismatch", "不能修改他人的周纪实")
        rules = deadlines or SubmissionDeadlines()
        deadline = log_deadline(week, rules.log_weekday, rules.log_hour)
        self._raise(
            LogSubmitted(
                person_id=person_id,
                person_name=person_name,
                unit_id=unit_id,
                section_id=section_id,
                week=week,
                items=items,
                submitted_at=now,
                deadline=deadline,
                late=now > deadline,
                revision=self.revision + 1,
            )
        )

    def comment(self, *, reviewer_id: str, reviewer_name: str, comment: str) -> None:
        self._require_submitted()
        self._raise(
            LogCommented(
                unit_id=self.unit_id,
                person_id=str(self.person_id),
                week=self.week,
                reviewer_id=reviewer_id,
                reviewer_name=reviewer_name,
                comment=comment,
            )
        )

    def return_for_revision(self, *, reviewer_id: str, reviewer_name: str, reason: str) -> None:
        """Send the log back; the person revises it (the lateness of the first submission stands)."""
        self._require_submitted()
        if self.returned:
            raise Conflict("log_already_returned", "该周纪实已退回，等待本人修改后重新提交")
        self._raise(
            LogReturned(
                unit_id=self.unit_id,
                person_id=str(self.person_id),
                week=self.week,
                reviewer_id=reviewer_id,
                reviewer_name=reviewer_name,
                reason=reason,
            )
        )

    def _require_submitted(self) -> None:
        if self.person_id is None:
            raise NotFound("log_not_found", "该周纪实尚未提交")
