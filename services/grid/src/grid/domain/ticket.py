"""A dispatched ticket (吹哨派单): stream ``<ticket_id>``, one per matter.

dispatched → accepted → handled → reported back → verified → closed; a department may return it
(退单) before reporting back, the community re-dispatches it (a new round); a department may ask
for an extension before its deadline; a revisit answering partly solved or not solved reopens it (a new round at the same
department). The deadline checks raise overdue and escalation events once per round and rung.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from grassroots_common.aggregate import Aggregate
from grassroots_common.contracts import grid as grid_events
from grassroots_common.contracts.grid import REVISIT_ANSWER_NAMES
from grassroots_common.errors import Conflict, Invalid, NotFound
from grassroots_common.events import Event
from grassroots_common.workdays import WorkCalendar
from grid.domain.deadlines import LADDER, accept_deadline, resolution_deadline

OPEN_STATES = ("dispatched", "accepted", "handled")
REOPEN_REASONS = {"partly": "群众回访：问题部分解决，请继续办理", "unsatisfied": "群众不满意：问题未解决"}
STATE_NAMES = {
    "dispatched": "待签收",
    "accepted": "办理中",
    "handled": "已处置待反馈",
    "reported_back": "已反馈待核实",
    "verified": "已核实待办结",
    "closed": "已办结",
    "returned": "已退单待重派",
}


@dataclass(frozen=True, slots=True)
class Routing:
    """Where a dispatch goes and how long it may take (from the category's routing rule)."""

    department_id: str
    lead_department_id: str | None
    co_department_ids: tuple[str, ...]
    time_limit_workdays: int
    accept_within_hours: float


class Ticket(Aggregate):
    stream_type = "ticket"

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.state: str | None = None
        self.community_id = ""
        self.grid_id: str | None = None
        self.department_id = ""
        self.kind = ""
        self.round = 0
        self.time_limit_workdays = 0
        self.accept_within_hours = 2.0
        self.accept_by: dt.datetime | None = None
        self.deadline: dt.datetime | None = None
        self.acceptance_overdue = False
        self.resolution_overdue = False
        self.escalation_level = 0
        self.extension_requested: dt.datetime | None = None
        self.revisited = False
        self.returned_by: list[str] = []
        self.closed_at: dt.datetime | None = None
        self.dispatched: grid_events.TicketDispatched | None = None

    # --- evolve -----------------------------------------------------------------------------

    def when(self, event: Event) -> None:
        match event:
            case grid_events.TicketDispatched():
                self.dispatched = event
                self.state = "dispatched"
                self.community_id = event.community_id
                self.grid_id = event.grid_id
                self.department_id = event.department_id
                self.kind = event.kind
                self.round = event.round
                self.time_limit_workdays = event.time_limit_workdays
                self.accept_within_hours = (event.accept_by - event.dispatched_at).total_seconds() / 3600
                self._new_round(event.accept_by, event.deadline)
            case grid_events.TicketAccepted():
                self.state = "accepted"
            case grid_events.TicketReturned():
                self.state = "returned"
                self.returned_by.append(event.department_id)
                self.extension_requested = None
            case grid_events.TicketHandled():
                self.state = "handled"
            case grid_events.TicketReportedBack():
                self.state = "reported_back"
                self.extension_requested = None
            case grid_events.TicketVerified():
                self.state = "verified" if event.passed else "accepted"
            case grid_events.TicketClosed():
                self.state = "closed"
                self.closed_at = event.closed_at
                self.revisited = False
            case grid_events.TicketExtensionRequested():
                self.extension_requested = event.requested_deadline
            case grid_events.TicketExtended():
                self.deadline = event.new_deadline
                self.extension_requested = None
            case grid_events.TicketExtensionRefused():
                self.extension_requested = None
            case grid_events.TicketOverdue():
                if event.stage == "acceptance":
                    self.acceptance_overdue = True
                else:
                    self.resolution_overdue = True
            case grid_events.TicketEscalated():
                self.escalation_level = max(self.escalation_level, event.level)
            case grid_events.SatisfactionRecorded():
                self.revisited = True
            case grid_events.TicketReopened():
                self.state = "dispatched"
                self.closed_at = None
                self.round = event.round
                self._new_round(event.accept_by, event.deadline)

    def _new_round(self, accept_by: dt.datetime, deadline: dt.datetime) -> None:
        self.accept_by = accept_by
        self.deadline = deadline
        self.acceptance_overdue = False
        self.resolution_overdue = False
        self.escalation_level = 0
        self.extension_requested = None

    # --- decide -----------------------------------------------------------------------------

    def dispatch(
        self,
        *,
        community_id: str,
        grid_id: str | None,
        report_id: str | None,
        category: str,
        kind: str,
        title: str,
        text: str,
        address: str,
        routing: Routing,
        calendar: WorkCalendar,
        dispatched_by: str,
        now: dt.datetime,
    ) -> None:
        """First dispatch of a new ticket."""
        if self.state is not None:
            raise Conflict("ticket_already_dispatched", "该事项已派单，不能重复派发", ticket_id=self.id)
        self._raise(
            grid_events.TicketDispatched(
                ticket_id=self.id,
                community_id=community_id,
                grid_id=grid_id,
                report_id=report_id,
                category=category,
                kind=kind,  # type: ignore[arg-type]
                title=title,
                text=text,
                address=address,
                department_id=routing.department_id,
                lead_department_id=routing.lead_department_id,
                co_department_ids=list(routing.co_department_ids),
                time_limit_workdays=routing.time_limit_workdays,
                accept_by=accept_deadline(now, routing.accept_within_hours),
                deadline=resolution_deadline(calendar, now, routing.time_limit_workdays),
                round=1,
                dispatched_by=dispatched_by,
                dispatched_at=now,
            )
        )

    def redispatch(
        self,
        *,
        routing: Routing,
        calendar: WorkCalendar,
        dispatched_by: str,
        now: dt.datetime,
    ) -> None:
        """Dispatch a returned ticket again, usually to another department; a new round."""
        self._require_exists()
        if self.state != "returned":
            raise Conflict("ticket_not_returned", "只有已退单的工单可以重新派发", state=self.state)
        assert self.dispatched is not None
        self._raise(
            self.dispatched.model_copy(
                update={
                    "department_id": routing.department_id,
                    "lead_department_id": routing.lead_department_id,
                    "co_department_ids": list(routing.co_department_ids),
                    "time_limit_workdays": routing.time_limit_workdays,
                    "accept_by": accept_deadline(now, routing.accept_within_hours),
                    "deadline": resolution_deadline(calendar, now, routing.time_limit_workdays),
                    "round": self.round + 1,
                    "dispatched_by": dispatched_by,
                    "dispatched_at": now,
                }
            )
        )

    def accept(self, *, handler_id: str, handler_name: str, now: dt.datetime) -> None:
        self._require_exists()
        if self.state == "returned":
            raise Conflict("ticket_returned", "该工单已退单，等待社区重新派发，不能签收")
        if self.state != "dispatched":
            raise Conflict("ticket_already_accepted", "该工单已签收，无需重复签收", state=self.state)
        assert self.accept_by is not None
        self._raise(
            grid_events.TicketAccepted(
                ticket_id=self.id,
                community_id=self.community_id,
                department_id=self.department_id,
                handler_id=handler_id,
                handler_name=handler_name,
                on_time=now <= self.accept_by,
                accepted_at=now,
            )
        )

    def return_ticket(self, *, reason: str, now: dt.datetime) -> None:
        self._require_exists()
        if not reason.strip():
            raise Invalid("return_reason_required", "退单必须说明理由", field="reason")
        if self.state == "returned":
            raise Conflict("ticket_returned", "该工单已退单，等待社区重新派发")
        if self.state not in ("dispatched", "accepted"):
            raise Conflict("ticket_not_returnable", "已处置或已反馈的工单不能退单", state=self.state)
        self._raise(
            grid_events.TicketReturned(
                ticket_id=self.id,
                community_id=self.community_id,
                department_id=self.department_id,
                reason=reason.strip(),
                returned_at=now,
            )
        )

    def handle(self, *, note: str, now: dt.datetime) -> None:
        self._require_exists()
        self._require_accepted()
        if self.state != "accepted":
            raise Conflict("ticket_already_handled", "该工单已处置", state=self.state)
        self._raise(
            grid_events.TicketHandled(
                ticket_id=self.id,
                community_id=self.community_id,
                department_id=self.department_id,
                note=note,
                handled_at=now,
            )
        )

    def report_back(self, *, result: str, evidence_upload_ids: list[str], now: dt.datetime) -> None:
        """Report the result; a ticket not yet marked handled is handled in the same step."""
        self._require_exists()
        self._require_accepted()
        if self.state not in ("accepted", "handled"):
            raise Conflict("ticket_already_reported_back", "该工单已反馈办理结果", state=self.state)
        if not result.strip():
            raise Invalid("result_required", "请填写办理结果", field="result")
        if self.state == "accepted":
            self.handle(note="", now=now)
        assert self.deadline is not None
        self._raise(
            grid_events.TicketReportedBack(
                ticket_id=self.id,
                community_id=self.community_id,
                department_id=self.department_id,
                result=result.strip(),
                evidence_upload_ids=evidence_upload_ids,
                on_time=now <= self.deadline,
                deadline=self.deadline,
                reported_at=now,
            )
        )

    def verify(self, *, passed: bool, comment: str, verified_by: str, close: bool, now: dt.datetime) -> None:
        """The community checks the reported result; passed and ``close`` closes it at once."""
        self._require_exists()
        if self.state != "reported_back":
            raise Conflict("ticket_not_reported_back", "部门尚未反馈办理结果，不能核实", state=self.state)
        if not passed and not comment.strip():
            raise Invalid("verify_comment_required", "核实不通过时请说明原因", field="comment")
        self._raise(
            grid_events.TicketVerified(
                ticket_id=self.id,
                community_id=self.community_id,
                department_id=self.department_id,
                passed=passed,
                comment=comment.strip(),
                verified_by=verified_by,
                verified_at=now,
            )
        )
        if passed and close:
            self.close(now=now)

    def close(self, *, now: dt.datetime) -> None:
        self._require_exists()
        if self.state == "closed":
            raise Conflict("ticket_already_closed", "该工单已办结")
        if self.state != "verified":
            raise Conflict("ticket_not_verified", "工单须经社区核实通过后才能办结", state=self.state)
        self._raise(
            grid_events.TicketClosed(
                ticket_id=self.id, community_id=self.community_id, department_id=self.department_id, closed_at=now
            )
        )

    def request_extension(self, *, reason: str, requested_deadline: dt.datetime, now: dt.datetime) -> None:
        self._require_exists()
        self._require_accepted()
        if self.state not in ("accepted", "handled"):
            raise Conflict("ticket_not_in_progress", "只有办理中的工单可以申请延期", state=self.state)
        assert self.deadline is not None
        if now > self.deadline:
            raise Conflict(
                "deadline_passed",
                "已超过办理时限，不能再申请延期，请尽快办理并反馈",
                deadline=self.deadline.isoformat(),
            )
        if self.extension_requested is not None:
            raise Conflict("extension_pending", "已有延期申请待社区审批，请等待结果")
        if requested_deadline <= self.deadline:
            raise Invalid("extension_not_later", "申请的新时限必须晚于当前时限", field="requested_deadline")
        if not reason.strip():
            raise Invalid("extension_reason_required", "请说明延期理由", field="reason")
        self._raise(
            grid_events.TicketExtensionRequested(
                ticket_id=self.id,
                community_id=self.community_id,
                department_id=self.department_id,
                reason=reason.strip(),
                current_deadline=self.deadline,
                requested_deadline=requested_deadline,
                requested_at=now,
            )
        )

    def decide_extension(self, *, approve: bool, reason: str, decided_by: str, now: dt.datetime) -> None:
        self._require_exists()
        if self.extension_requested is None:
            raise Conflict("no_extension_request", "该工单没有待审批的延期申请")
        assert self.deadline is not None
        if approve:
            self._raise(
                grid_events.TicketExtended(
                    ticket_id=self.id,
                    community_id=self.community_id,
                    department_id=self.department_id,
                    previous_deadline=self.deadline,
                    new_deadline=self.extension_requested,
                    decided_by=decided_by,
                    decided_at=now,
                )
            )
            return
        if not reason.strip():
            raise Invalid("refusal_reason_required", "不同意延期时请说明理由", field="reason")
        self._raise(
            grid_events.TicketExtensionRefused(
                ticket_id=self.id,
                community_id=self.community_id,
                department_id=self.department_id,
                reason=reason.strip(),
                decided_by=decided_by,
                decided_at=now,
            )
        )

    def check_deadlines(self, *, now: dt.datetime) -> None:
        """Raise what has fallen due: overdue (once per round and stage), escalations (once per rung)."""
        if self.state == "dispatched" and not self.acceptance_overdue and self.accept_by and now >= self.accept_by:
            self._raise(
                grid_events.TicketOverdue(
                    ticket_id=self.id,
                    community_id=self.community_id,
                    department_id=self.department_id,
                    stage="acceptance",
                    due_at=self.accept_by,
                    round=self.round,
                    detected_at=now,
                )
            )
        if self.state not in ("dispatched", "accepted", "handled") or self.deadline is None:
            return
        if now < self.deadline:
            return
        if not self.resolution_overdue:
            self._raise(
                grid_events.TicketOverdue(
                    ticket_id=self.id,
                    community_id=self.community_id,
                    department_id=self.department_id,
                    stage="resolution",
                    due_at=self.deadline,
                    round=self.round,
                    detected_at=now,
                )
            )
        for rung in LADDER:
            if rung.level > self.escalation_level and now >= self.deadline + rung.after:
                self._raise(
                    grid_events.TicketEscalated(
                        ticket_id=self.id,
                        community_id=self.community_id,
                        department_id=self.department_id,
                        level=rung.level,
                        escalated_to=rung.to,
                        escalated_to_name=rung.to_name,
                        reason=f"超过办理时限{_overdue_text(now - self.deadline)}未反馈",
                        round=self.round,
                        escalated_at=now,
                    )
                )

    def urge(self, *, note: str, urged_by: str, urged_by_name: str, now: dt.datetime) -> None:
        """督办/催办: only an open ticket past its acceptance or resolution deadline."""
        self._require_exists()
        if self.state not in OPEN_STATES:
            raise Conflict(
                "ticket_not_open",
                "该工单已反馈、退单或办结，无需督办",
                state=self.state,
                state_name=STATE_NAMES.get(self.state or ""),
            )
        assert self.accept_by is not None and self.deadline is not None
        late = (self.state == "dispatched" and now >= self.accept_by) or now >= self.deadline
        if not late:
            raise Conflict(
                "ticket_not_overdue",
                "工单尚未超时，不能督办；超过签收或办理时限后可督办",
                deadline=self.deadline.isoformat(),
            )
        if len(note.strip()) < 2:
            raise Invalid("urge_note_required", "请写明督办要求，例如“请于今日下班前反馈办理结果”", field="note")
        self._raise(
            grid_events.TicketUrged(
                ticket_id=self.id,
                community_id=self.community_id,
                department_id=self.department_id,
                note=note.strip(),
                urged_by=urged_by,
                urged_by_name=urged_by_name,
                round=self.round,
                urged_at=now,
            )
        )

    def record_satisfaction(
        self,
        *,
        satisfaction: str,
        comment: str,
        recorded_by: str,
        calendar: WorkCalendar,
        now: dt.datetime,
        note: str = "",
    ) -> None:
        """回访 after closing: satisfied closes the matter; partly solved or not solved reopens the
        ticket at the same department (a new round), with ``note`` (else the resident's comment)
        telling the department what is left."""
        self._require_exists()
        if self.state != "closed":
            raise Conflict("ticket_not_closed", "工单办结后才能回访", state=self.state)
        if self.revisited:
            raise Conflict("already_revisited", "该工单本轮已回访")
        if satisfaction not in REVISIT_ANSWER_NAMES:
            raise Invalid("revisit_answer_unknown", "请选择回访结果：满意、部分解决或未解决", field="satisfaction")
        reopens = satisfaction != "satisfied"
        self._raise(
            grid_events.SatisfactionRecorded(
                ticket_id=self.id,
                community_id=self.community_id,
                department_id=self.department_id,
                satisfaction=satisfaction,  # type: ignore[arg-type]
                comment=comment.strip(),
                note=note.strip() if reopens else "",
                recorded_by=recorded_by,
                recorded_at=now,
            )
        )
        if reopens:
            self._raise(
                grid_events.TicketReopened(
                    ticket_id=self.id,
                    community_id=self.community_id,
                    department_id=self.department_id,
                    reason=note.strip() or comment.strip() or REOPEN_REASONS[satisfaction],
                    accept_by=accept_deadline(now, self.accept_within_hours),
                    deadline=resolution_deadline(calendar, now, self.time_limit_workdays),
                    round=self.round + 1,
                    reopened_at=now,
                )
            )

    def _require_exists(self) -> None:
        if self.state is None:
            raise NotFound("ticket_not_found", "找不到该工单")

    def _require_accepted(self) -> None:
        if self.state == "dispatched":
            raise Conflict("ticket_not_accepted", "请先签收该工单")
        if self.state == "returned":
            raise Conflict("ticket_returned", "该工单已退单，等待社区重新派发")


def _overdue_text(delta: dt.timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    return f" {hours // 24} 天 {hours % 24} 小时" if hours >= 24 else f" {hours} 小时"
