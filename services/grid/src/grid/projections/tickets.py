"""Read model of tickets: one row per ticket (dispatch board, department queue, overdue list, and
``next_due_at`` for the deadline scheduler) and one row per dispatch round (department league table).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from grassroots_common.contracts import grid as grid_events
from grassroots_common.events import RecordedEvent
from grassroots_common.projections.projection import Projection, types_of
from grassroots_common.tables import Table, timestamp
from grid.domain.deadlines import next_due

SCHEMA = "rm_grid_tickets"

TICKETS = Table(
    "tickets",
    ("ticket_id",),
    {
        "ticket_id": "text",
        "community_id": "text",
        "grid_id": "text",
        "report_id": "text",
        "category": "text",
        "kind": "text",
        "title": "text",
        "text": "text",
        "address": "text",
        "department_id": "text",
        "lead_department_id": "text",
        "co_department_ids": "jsonb",
        "state": "text",
        "round": "int",
        "time_limit_workdays": "int",
        "created_at": "timestamptz",
        "dispatched_at": "timestamptz",
        "accept_by": "timestamptz",
        "accepted_at": "timestamptz",
        "handler_name": "text",
        "deadline": "timestamptz",
        "handled_at": "timestamptz",
        "reported_at": "timestamptz",
        "result": "text",
        "evidence_upload_ids": "jsonb",
        "reported_on_time": "bool",
        "verified_at": "timestamptz",
        "closed_at": "timestamptz",
        "satisfaction": "text",
        "returns": "int",
        "return_reason": "text",
        "extension_pending": "bool",
        "requested_deadline": "timestamptz",
        "extension_reason": "text",
        "acceptance_overdue": "bool",
        "resolution_overdue": "bool",
        "escalation_level": "int",
        "next_due_at": "timestamptz",
        "updated_at": "timestamptz",
    },
)
ASSIGNMENTS = Table(
    "assignments",
    ("ticket_id", "round"),
    {
        "ticket_id": "text",
        "round": "int",
        "community_id": "text",
        "grid_id": "text",
        "department_id": "text",
        "category": "text",
        "kind": "text",
        "dispatched_at": "timestamptz",
        "accept_by": "timestamptz",
        "accepted_at": "timestamptz",
        "responded_on_time": "bool",
        "returned_at": "timestamptz",
        "deadline": "timestamptz",
        "reported_at": "timestamptz",
        "reported_on_time": "bool",
        "closed_at": "timestamptz",
        "satisfaction": "text",
        "overdue": "bool",
    },
)

EVENT_TYPES = types_of(
    grid_events.TicketDispatched,
    grid_events.TicketAccepted,
    grid_events.TicketReturned,
    grid_events.TicketHandled,
    grid_events.TicketReportedBack,
    grid_events.TicketVerified,
    grid_events.TicketClosed,
    grid_events.TicketExtensionRequested,
    grid_events.TicketExtended,
    grid_events.TicketExtensionRefused,
    grid_events.TicketOverdue,
    grid_events.TicketEscalated,
    grid_events.SatisfactionRecorded,
    grid_events.TicketReopened,
)


_SATISFACTION_RECORDED = grid_events.SatisfactionRecorded.type_name()
_TICKET_ACCEPTED = grid_events.TicketAccepted.type_name()
_TICKET_CLOSED = grid_events.TicketClosed.type_name()
_TICKET_DISPATCHED = grid_events.TicketDispatched.type_name()
_TICKET_ESCALATED = grid_events.TicketEscalated.type_name()
_TICKET_EXTENDED = grid_events.TicketExtended.type_name()
_TICKET_EXTENSION_REFUSED = grid_events.TicketExtensionRefused.type_name()
_TICKET_EXTENSION_REQUESTED = grid_events.TicketExtensionRequested.type_name()
_TICKET_HANDLED = grid_events.TicketHandled.type_name()
_TICKET_OVERDUE = grid_events.TicketOverdue.type_name()
_TICKET_REOPENED = grid_events.TicketReopened.type_name()
_TICKET_REPORTED_BACK = grid_events.TicketReportedBack.type_name()
_TICKET_RETURNED = grid_events.TicketReturned.type_name()
_TICKET_VERIFIED = grid_events.TicketVerified.type_name()


class TicketsProjection(Projection):
    name = "grid_tickets"
    schema = SCHEMA
    sources = ("grid",)
    event_types = EVENT_TYPES
    ddl = (
        TICKETS.create()
        + ASSIGNMENTS.create()
        + """
    CREATE INDEX IF NOT EXISTS tickets_due ON tickets (next_due_at) WHERE next_due_at IS NOT NULL;
    CREATE INDEX IF NOT EXISTS tickets_community ON tickets (community_id, state, deadline);
    CREATE INDEX IF NOT EXISTS tickets_department ON tickets (department_id, state, deadline);
    CREATE INDEX IF NOT EXISTS tickets_grid ON tickets (grid_id);
    CREATE INDEX IF NOT EXISTS tickets_evidence ON tickets USING gin (evidence_upload_ids);
    CREATE INDEX IF NOT EXISTS tickets_report ON tickets (report_id);
    CREATE INDEX IF NOT EXISTS tickets_overdue ON tickets (community_id, deadline)
        WHERE resolution_overdue OR acceptance_overdue;
    CREATE INDEX IF NOT EXISTS assignments_department ON assignments (department_id, dispatched_at);
    CREATE INDEX IF NOT EXISTS assignments_community ON assignments (community_id, dispatched_at);
    """
    )

    async def apply(self, conn: asyncpg.Connection, events: Sequence[RecordedEvent]) -> None:
        ids = list({e.data["ticket_id"] for e in events})
        tickets = {r["ticket_id"]: r for r in await TICKETS.load_by(conn, "ticket_id", ids)}
        rounds = {(r["ticket_id"], r["round"]): r for r in await ASSIGNMENTS.load_by(conn, "ticket_id", ids)}
        touched: set[tuple[str, int]] = set()
        for e in events:
            ticket = tickets.get(e.data["ticket_id"])
            if ticket is None and e.type != _TICKET_DISPATCHED:
                continue
            ticket = fold(tickets, rounds, e)
            touched.add((ticket["ticket_id"], ticket["round"]))
            ticket["updated_at"] = e.occurred_at
        for ticket in tickets.values():
            ticket["next_due_at"] = next_due(
                state=ticket["state"],
                accept_by=ticket["accept_by"],
                deadline=ticket["deadline"],
                acceptance_overdue=bool(ticket["acceptance_overdue"]),
                resolution_overdue=bool(ticket["resolution_overdue"]),
                escalation_level=ticket["escalation_level"] or 0,
            )
        await TICKETS.upsert(conn, list(tickets.values()))
        await ASSIGNMENTS.upsert(conn, [rounds[k] for k in touched if k in rounds])


def fold(tickets: dict[str, dict[str, Any]], rounds: dict[tuple[str, int], dict[str, Any]], e: RecordedEvent) -> dict:
    """Apply one ticket event to its ticket row and its current round's row."""
    d = e.data
    tid = d["ticket_id"]
    if e.type == _TICKET_DISPATCHED:
        prior = tickets.get(tid, {})
        ticket = {
            **d,
            "state": "dispatched",
            "created_at": prior.get("created_at") or timestamp(d["dispatched_at"]),
            "dispatched_at": timestamp(d["dispatched_at"]),
            "accept_by": timestamp(d["accept_by"]),
            "deadline": timestamp(d["deadline"]),
            "returns": prior.get("returns") or 0,
            "return_reason": prior.get("return_reason"),
            "extension_pending": False,
            "acceptance_overdue": False,
            "resolution_overdue": False,
            "escalation_level": 0,
        }
        tickets[tid] = ticket
        rounds[(tid, d["round"])] = _round(ticket)
        return ticket
    ticket = tickets[tid]
    current = rounds.setdefault((tid, ticket["round"]), _round(ticket))
    kind = e.type
    if kind == _TICKET_ACCEPTED:
        at = timestamp(d["accepted_at"])
        ticket.update(state="accepted", accepted_at=at, handler_name=d["handler_name"])
        current.update(accepted_at=at, responded_on_time=d["on_time"])
    elif kind == _TICKET_RETURNED:
        at = timestamp(d["returned_at"])
        ticket.update(
            state="returned",
            returns=(ticket["returns"] or 0) + 1,
            return_reason=d["reason"],
            extension_pending=False,
        )
        current.update(returned_at=at)
        if current["accepted_at"] is None:
            current.update(responded_on_time=at <= current["accept_by"])
    elif kind == _TICKET_HANDLED:
        ticket.update(state="handled", handled_at=timestamp(d["handled_at"]))
    elif kind == _TICKET_REPORTED_BACK:
        at = timestamp(d["reported_at"])
        ticket.update(
            state="reported_back",
            reported_at=at,
            result=d["result"],
            evidence_upload_ids=d["evidence_upload_ids"],
            reported_on_time=d["on_time"],
            extension_pending=False,
        )
        current.update(reported_at=at, reported_on_time=d["on_time"])
    elif kind == _TICKET_VERIFIED:
        ticket.update(state="verified" if d["passed"] else "accepted", verified_at=timestamp(d["verified_at"]))
        if not d["passed"]:
            ticket.update(reported_at=None, reported_on_time=None)
            current.update(reported_at=None, reported_on_time=None)
    elif kind == _TICKET_CLOSED:
        at = timestamp(d["closed_at"])
        ticket.update(state="closed", closed_at=at)
        current.update(closed_at=at)
    elif kind == _TICKET_EXTENSION_REQUESTED:
        ticket.update(
            extension_pending=True,
            requested_deadline=timestamp(d["requested_deadline"]),
            extension_reason=d["reason"],
        )
    elif kind == _TICKET_EXTENDED:
        deadline = timestamp(d["new_deadline"])
        ticket.update(extension_pending=False, deadline=deadline)
        current.update(deadline=deadline)
    elif kind == _TICKET_EXTENSION_REFUSED:
        ticket.update(extension_pending=False)
    elif kind == _TICKET_OVERDUE:
        ticket.update({f"{d['stage']}_overdue": True})
        if d["stage"] == "resolution":
            current.update(overdue=True)
    elif kind == _TICKET_ESCALATED:
        ticket.update(escalation_level=max(ticket["escalation_level"] or 0, d["level"]))
    elif kind == _SATISFACTION_RECORDED:
        ticket.update(satisfaction=d["satisfaction"])
        current.update(satisfaction=d["satisfaction"])
    elif kind == _TICKET_REOPENED:
        ticket.update(
            state="dispatched",
            round=d["round"],
            dispatched_at=timestamp(d["reopened_at"]),
            accept_by=timestamp(d["accept_by"]),
            deadline=timestamp(d["deadline"]),
            accepted_at=None,
            handled_at=None,
            reported_at=None,
            reported_on_time=None,
            verified_at=None,
            closed_at=None,
            acceptance_overdue=False,
            resolution_overdue=False,
            escalation_level=0,
        )
        rounds[(tid, d["round"])] = _round(ticket)
    return ticket


def _round(ticket: dict[str, Any]) -> dict[str, Any]:
    return {
        "ticket_id": ticket["ticket_id"],
        "round": ticket["round"],
        "community_id": ticket["community_id"],
        "grid_id": ticket.get("grid_id"),
        "department_id": ticket["department_id"],
        "category": ticket["category"],
        "kind": ticket["kind"],
        "dispatched_at": ticket["dispatched_at"],
        "accept_by": ticket["accept_by"],
        "accepted_at": None,
        "responded_on_time": None,
        "returned_at": None,
        "deadline": ticket["deadline"],
        "reported_at": None,
        "reported_on_time": None,
        "closed_at": None,
        "satisfaction": None,
        "overdue": False,
    }
