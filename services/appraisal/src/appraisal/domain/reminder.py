"""A shortcoming reminder (不足提醒): stream ``reminder-<id>``. Issued by a leader, acknowledged by
the person, then the person reports the rectification."""

from __future__ import annotations

import datetime as dt

from grassroots_common.aggregate import Aggregate
from grassroots_common.contracts.appraisal import RectificationReported, ReminderAcknowledged, ReminderIssued
from grassroots_common.errors import Conflict, NotFound
from grassroots_common.events import Event


class Reminder(Aggregate):
    stream_type = "reminder"

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.unit_id = ""
        self.person_id = ""
        self.status = "none"  # none → issued → acknowledged → rectified

    def when(self, event: Event) -> None:
        match event:
            case ReminderIssued():
                self.unit_id, self.person_id, self.status = event.unit_id, event.person_id, "issued"
            case ReminderAcknowledged():
                self.status = "acknowledged"
            case RectificationReported():
                self.status = "rectified"

    def issue(
        self,
        *,
        unit_id: str,
        person_id: str,
        person_name: str,
        issued_by_id: str,
        issued_by_name: str,
        quarter: str | None,
        shortcomings: str,
        now: dt.datetime,
    ) -> None:
        if self.unit_id:
            raise Conflict("reminder_exists", "该提醒已发出")
        if issued_by_id == person_id:
            raise Conflict("self_reminder", "不能给自己发不足提醒")
        self._raise(
            ReminderIssued(
                reminder_id=self.id,
                unit_id=unit_id,
                person_id=person_id,
                person_name=person_name,
                issued_by_id=issued_by_id,
                issued_by_name=issued_by_name,
                quarter=quarter,
                shortcomings=shortcomings,
                issued_at=now,
            )
        )

    def recipient(self) -> str:
        """Whom the reminder was issued to (who alone acknowledges it and reports on it)."""
        if not self.unit_id:
            raise NotFound("reminder_not_found", "找不到该提醒")
        return self.person_id

    def acknowledge(self, *, now: dt.datetime) -> None:
        person_id = self.recipient()
        if self.status != "issued":
            raise Conflict("already_acknowledged", "你已确认收到该提醒")
        self._raise(
            ReminderAcknowledged(reminder_id=self.id, unit_id=self.unit_id, person_id=person_id, acknowledged_at=now)
        )

    def report_rectification(self, *, report: str, now: dt.datetime) -> None:
        person_id = self.recipient()
        if self.status == "issued":
            raise Conflict("not_acknowledged", "请先确认收到提醒，再报告整改情况")
        if self.status == "rectified":
            raise Conflict("already_rectified", "已报告过整改情况")
        self._raise(
            RectificationReported(
                reminder_id=self.id, unit_id=self.unit_id, person_id=person_id, report=report, reported_at=now
            )
        )
