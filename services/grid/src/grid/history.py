"""How a ticket's events read in its history (办理记录): the grid's labels for ``stream_history``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from grassroots_common.contracts import grid as grid_events
from grassroots_common.contracts.grid import REVISIT_ANSWER_NAMES
from grassroots_common.events import RecordedEvent
from grassroots_common.history import Describe, Described
from grassroots_common.projections.projection import keyed_by_type
from grassroots_common.workdays import CHINA

ACTIONS = keyed_by_type(
    {
        grid_events.TicketDispatched: "派单",
        grid_events.TicketAccepted: "签收",
        grid_events.TicketReturned: "退单",
        grid_events.TicketHandled: "处置",
        grid_events.TicketReportedBack: "反馈办理结果",
        grid_events.TicketVerified: "社区核实",
        grid_events.TicketClosed: "办结",
        grid_events.TicketExtensionRequested: "申请延期",
        grid_events.TicketExtended: "同意延期",
        grid_events.TicketExtensionRefused: "不同意延期",
        grid_events.TicketOverdue: "超时",
        grid_events.TicketEscalated: "超时升级",
        grid_events.SatisfactionRecorded: "回访",
        grid_events.TicketReopened: "重新办理",
        grid_events.TicketUrged: "督办",
    }
)
_ESCALATED = grid_events.TicketEscalated.type_name()
OVERDUE = {"acceptance": "签收超时", "resolution": "办理超时"}


def _day(raw: str | None) -> str:
    if not raw:
        return ""
    return dt.datetime.fromisoformat(raw).astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


def ticket_history() -> Describe:
    """How a ticket's events read, in order. The escalations of one overdue spell share a reason:
    it is said once, on the first of them."""
    said = ""

    def describe_in_order(e: RecordedEvent) -> Described | None:
        nonlocal said
        step = describe(e)
        if step is None or e.type != _ESCALATED or not step.reason:
            return step
        repeat, said = step.reason == said, step.reason
        return Described(step.action, step.detail) if repeat else step

    return describe_in_order


_DESCRIBE: dict[str, Callable[[dict[str, Any]], Described]] = keyed_by_type(
    {
        grid_events.TicketDispatched: lambda d: Described(
            "派单", f"办理时限 {d.get('time_limit_workdays')} 个工作日，期限 {_day(d.get('deadline'))}"
        ),
        grid_events.TicketAccepted: lambda d: Described(
            "签收", f"经办人 {d.get('handler_name', '')}" + ("" if d.get("on_time", True) else "（超时签收）")
        ),
        grid_events.TicketReturned: lambda d: Described("退单", reason=d.get("reason", "")),
        grid_events.TicketHandled: lambda d: Described("处置", d.get("note", "")),
        grid_events.TicketReportedBack: lambda d: Described("反馈办理结果", d.get("result", "")),
        grid_events.TicketVerified: lambda d: Described(
            "社区核实", "核实通过" if d.get("passed") else "核实未通过", d.get("comment", "")
        ),
        grid_events.TicketExtensionRequested: lambda d: Described(
            "申请延期", f"申请延至 {_day(d.get('requested_deadline'))}", d.get("reason", "")
        ),
        grid_events.TicketExtended: lambda d: Described(
            "同意延期", f"{_day(d.get('previous_deadline'))} → {_day(d.get('new_deadline'))}"
        ),
        grid_events.TicketExtensionRefused: lambda d: Described("不同意延期", reason=d.get("reason", "")),
        grid_events.TicketOverdue: lambda d: Described(
            OVERDUE.get(d.get("stage", ""), "超时"), f"应于 {_day(d.get('due_at'))} 前完成"
        ),
        grid_events.TicketEscalated: lambda d: Described(
            f"超时升级至{d.get('escalated_to_name') or '上一级'}", reason=d.get("reason", "")
        ),
        grid_events.SatisfactionRecorded: lambda d: Described(
            "回访",
            REVISIT_ANSWER_NAMES.get(d.get("satisfaction", ""), ""),  # schema-1 answers are upcast on read
            d.get("note") or d.get("comment", ""),
        ),
        grid_events.TicketReopened: lambda d: Described(
            "重新办理", f"新期限 {_day(d.get('deadline'))}", d.get("reason", "")
        ),
        grid_events.TicketUrged: lambda d: Described("督办", reason=d.get("note", "")),
    }
)


def describe(e: RecordedEvent) -> Described | None:
    """One ticket event as the 办理记录 shows it; events of other kinds are left out."""
    told = _DESCRIBE.get(e.type)
    if told is not None:
        return told(e.data)
    label = ACTIONS.get(e.type)
    return Described(label) if label else None
