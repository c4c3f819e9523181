"""Reminders for missing weekly logs of one unit and week: stream ``log-reminder-<unit>-<week>``.

Sent after the deadline to whoever has not submitted; a later reminder names those still missing.
"""

from __future__ import annotations

import datetime as dt

from appraisal.domain.weeks import log_deadline
from grassroots_common.aggregate import Aggregate
from grassroots_common.contracts.appraisal import LogsReminded, SubmissionDeadlines
from grassroots_common.errors import Conflict
from grassroots_common.events import Event


def log_reminder_stream_id(unit_id: str, week: str) -> str:
    return f"log-reminder-{unit_id}-{week}"


class LogReminders(Aggregate):
    stream_type = "log_reminder"

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.rounds = 0

    def when(self, event: Event) -> None:
        match event:
            case LogsReminded():
                self.rounds += 1

    def remind(
        self,
        *,
        unit_id: str,
        week: str,
        missing: list[str],
        now: dt.datetime,
        deadlines: SubmissionDeadlines | None = None,
    ) -> None:
        rules = deadlines or SubmissionDeadlines()
        deadline = log_deadline(week, rules.log_weekday, rules.log_hour)
        if now <= deadline:
            raise Conflict(
                "deadline_not_passed", f"{week} 周纪实的截止时间 {deadline:%m月%d日 %H:%M} 还未到，到期后再提醒"
            )
        if not missing:
            raise Conflict("nobody_missing", f"本单位 {week} 的周纪实已全部提交，无需提醒")
        self._raise(LogsReminded(unit_id=unit_id, week=week, person_ids=sorted(missing), reminded_at=now))
