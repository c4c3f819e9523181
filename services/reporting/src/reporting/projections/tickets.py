"""Ticket statistics (吹哨派单): one row per ticket with its timings, plus reports and micro-wishes.

Feeds the department league table (response, on-time and satisfaction rates), overdue counts and
the community's figures. Every row is written by the grid stream alone, in its order.
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from grassroots_common.contracts import grid as grid_events
from grassroots_common.events import RecordedEvent
from grassroots_common.projections.projection import Projection, keyed_by_type, types_of
from grassroots_common.tables import Table
from reporting.eventdata import flag, moment, text

TICKETS = Table(
    "tickets",
    ("ticket_id",),
    {
        "ticket_id": "text",
        "community_id": "text",
        "grid_id": "text",
        "department_id": "text",
        "category": "text",
        "kind": "text",
        "title": "text",
        "status": "text NOT NULL",
        "dispatched_at": "timestamptz",
        "accept_by": "timestamptz",
        "deadline": "timestamptz",
        "accepted_at": "timestamptz",
        "accepted_on_time": "boolean",
        "reported_at": "timestamptz",
        "reported_on_time": "boolean",
        "closed_at": "timestamptz",
        "rounds": "integer NOT NULL",
        "returns": "integer NOT NULL",
        "extensions": "integer NOT NULL",
        "escalations": "integer NOT NULL",
        "overdue": "integer NOT NULL",
        "reopens": "integer NOT NULL",
        "satisfaction": "text",
    },
)
REPORTS = Table(
    "reports",
    ("report_id",),
    {
        "report_id": "text",
        "community_id": "text",
        "grid_id": "text",
        "category": "text",
        "filed_at": "timestamptz",
        "resolved_in_grid": "boolean NOT NULL",
        "escalated": "boolean NOT NULL",
    },
)
WISHES = Table(
    "wishes",
    ("wish_id",),
    {
        "wish_id": "text",
        "community_id": "text",
        "title": "text",
        "status": "text NOT NULL",
        "collected_at": "timestamptz",
        "fulfilled_at": "timestamptz",
        "satisfaction": "text",
    },
)
NAMES = Table("names", ("kind", "id"), {"kind": "text", "id": "text", "name": "text"})

TICKET_EVENTS = types_of(
    grid_events.TicketDispatched,
    grid_events.TicketAccepted,
    grid_events.TicketReturned,
    grid_events.TicketHandled,
    grid_events.TicketReportedBack,
    grid_events.TicketVerified,
    grid_events.TicketClosed,
    grid_events.TicketExtended,
    grid_events.TicketOverdue,
    grid_events.TicketEscalated,
    grid_events.SatisfactionRecorded,
    grid_events.TicketReopened,
)
# A duplicate merged into another report (grid's twins) is no report of its own any more.
REPORT_EVENTS = types_of(
    grid_events.ReportFiled, grid_events.ResolvedInGrid, grid_events.ReportEscalated, grid_events.ReportMerged
)
WISH_EVENTS = types_of(
    grid_events.WishCollected,
    grid_events.WishScreened,
    grid_events.WishRejected,
    grid_events.WishClaimed,
    grid_events.WishReleased,
    grid_events.WishFulfilled,
    grid_events.WishRevisited,
)
NAME_EVENTS = types_of(grid_events.DepartmentRegistered, grid_events.CommunityRegistered)
_WISH_STATUS = keyed_by_type(
    {
        grid_events.WishCollected: "collected",
        grid_events.WishScreened: "listed",
        grid_events.WishRejected: "rejected",
        grid_events.WishClaimed: "claimed",
        grid_events.WishReleased: "listed",
        grid_events.WishFulfilled: "fulfilled",
    }
)
_COMMUNITY_REGISTERED = grid_events.CommunityRegistered.type_name()
_DEPARTMENT_REGISTERED = grid_events.DepartmentRegistered.type_name()
_REPORT_ESCALATED = grid_events.ReportEscalated.type_name()
_REPORT_FILED = grid_events.ReportFiled.type_name()
_REPORT_MERGED = grid_events.ReportMerged.type_name()
_RESOLVED_IN_GRID = grid_events.ResolvedInGrid.type_name()
_SATISFACTION_RECORDED = grid_events.SatisfactionRecorded.type_name()
_TICKET_ACCEPTED = grid_events.TicketAccepted.type_name()
_TICKET_CLOSED = grid_events.TicketClosed.type_name()
_TICKET_DISPATCHED = grid_events.TicketDispatched.type_name()
_TICKET_ESCALATED = grid_events.TicketEscalated.type_name()
_TICKET_EXTENDED = grid_events.TicketExtended.type_name()
_TICKET_HANDLED = grid_events.TicketHandled.type_name()
_TICKET_OVERDUE = grid_events.TicketOverdue.type_name()
_TICKET_REOPENED = grid_events.TicketReopened.type_name()
_TICKET_REPORTED_BACK = grid_events.TicketReportedBack.type_name()
_TICKET_RETURNED = grid_events.TicketReturned.type_name()
_TICKET_VERIFIED = grid_events.TicketVerified.type_name()
_WISH_COLLECTED = grid_events.WishCollected.type_name()
_WISH_FULFILLED = grid_events.WishFulfilled.type_name()
_WISH_REVISITED = grid_events.WishRevisited.type_name()


class TicketsProjection(Projection):
    name = "tickets"
    schema = "rpt_tickets"
    sources = ("grid",)
    event_types = TICKET_EVENTS | REPORT_EVENTS | WISH_EVENTS | NAME_EVENTS
    ddl = (
        "\n".join(t.create() for t in (TICKETS, REPORTS, WISHES, NAMES))
        + """
    CREATE INDEX IF NOT EXISTS tickets_dispatched ON tickets (dispatched_at);
    -- A ticket's status is the grid's own state; rows folded before that used two names of their own.
    UPDATE tickets SET status = 'reported_back' WHERE status = 'reported';
    UPDATE tickets SET status = 'dispatched' WHERE status = 'reopened';
    """
    )

    async def apply(self, conn: asyncpg.Connection, events: Sequence[RecordedEvent]) -> None:
        ticket_keys = {(k,) for e in events if e.type in TICKET_EVENTS and (k := text(e.data, "ticket_id"))}
        report_keys = {(k,) for e in events if e.type in REPORT_EVENTS and (k := text(e.data, "report_id"))}
        wish_keys = {(k,) for e in events if e.type in WISH_EVENTS and (k := text(e.data, "wish_id"))}
        tickets = await TICKETS.load(conn, ticket_keys)
        reports = await REPORTS.load(conn, report_keys)
        wishes = await WISHES.load(conn, wish_keys)
        names: dict[tuple, dict] = {}
        merged: set[tuple] = set()
        for e in events:
            d = e.data
            if e.type in TICKET_EVENTS and (ticket_id := text(d, "ticket_id")):
                row = tickets.setdefault((ticket_id,), _new_ticket(ticket_id))
                _evolve_ticket(row, e.type, d)
            elif e.type == _REPORT_MERGED and (report_id := text(d, "report_id")):
                merged.add((report_id,))
                reports.pop((report_id,), None)
            elif e.type in REPORT_EVENTS and (report_id := text(d, "report_id")):
                row = reports.setdefault((report_id,), _new_report(report_id))
                _evolve_report(row, e.type, d)
            elif e.type in WISH_EVENTS and (wish_id := text(d, "wish_id")):
                row = wishes.setdefault((wish_id,), _new_wish(wish_id))
                _evolve_wish(row, e.type, d)
            elif e.type == _DEPARTMENT_REGISTERED and (dep := text(d, "department_id")):
                names[("department", dep)] = {"kind": "department", "id": dep, "name": text(d, "name")}
            elif e.type == _COMMUNITY_REGISTERED and (com := text(d, "community_id")):
                names[("community", com)] = {"kind": "community", "id": com, "name": text(d, "name")}
        await TICKETS.upsert(conn, tickets.values())
        await REPORTS.upsert(conn, reports.values())
        await REPORTS.delete(conn, merged)
        await WISHES.upsert(conn, wishes.values())
        await NAMES.upsert(conn, names.values())


def _new_ticket(ticket_id: str) -> dict:
    counters = dict.fromkeys(("rounds", "returns", "extensions", "escalations", "overdue", "reopens"), 0)
    return {"ticket_id": ticket_id, "status": "dispatched", **counters}


def _evolve_ticket(row: dict, kind: str, d: dict) -> None:
    for field in ("community_id", "department_id", "grid_id"):
        if value := text(d, field):
            row[field] = value
    if kind == _TICKET_DISPATCHED:
        row["category"] = text(d, "category") or row.get("category")
        row["kind"] = text(d, "kind") or row.get("kind")
        row["title"] = text(d, "title") or row.get("title")
        row["dispatched_at"] = row.get("dispatched_at") or moment(d, "dispatched_at")
        row["accept_by"] = moment(d, "accept_by")
        row["deadline"] = moment(d, "deadline")
        row.update(status="dispatched", accepted_at=None, accepted_on_time=None, rounds=row["rounds"] + 1)
    elif kind == _TICKET_ACCEPTED:
        row["accepted_at"] = moment(d, "accepted_at")
        row["accepted_on_time"] = flag(d, "on_time")
        row["status"] = "accepted"
    elif kind == _TICKET_RETURNED:
        row["returns"] += 1
        row["status"] = "returned"
    elif kind == _TICKET_HANDLED:
        row["status"] = "handled"
    elif kind == _TICKET_REPORTED_BACK:
        row["reported_at"] = moment(d, "reported_at")
        row["reported_on_time"] = flag(d, "on_time")
        row["status"] = "reported_back"
    elif kind == _TICKET_VERIFIED:
        row["status"] = "verified" if d.get("passed", True) else "accepted"
    elif kind == _TICKET_CLOSED:
        row["closed_at"] = moment(d, "closed_at")
        row["status"] = "closed"
    elif kind == _TICKET_EXTENDED:
        row["deadline"] = moment(d, "new_deadline") or row.get("deadline")
        row["extensions"] += 1
    elif kind == _TICKET_OVERDUE:
        row["overdue"] += 1
    elif kind == _TICKET_ESCALATED:
        row["escalations"] += 1
    elif kind == _SATISFACTION_RECORDED:
        row["satisfaction"] = text(d, "satisfaction")
    elif kind == _TICKET_REOPENED:
        row.update(
            status="dispatched",  # back with its department, as the grid has it
            reopens=row["reopens"] + 1,
            rounds=row["rounds"] + 1,
            accept_by=moment(d, "accept_by"),
            deadline=moment(d, "deadline"),
            reported_at=None,
            reported_on_time=None,
            closed_at=None,
        )


def _new_report(report_id: str) -> dict:
    return {"report_id": report_id, "resolved_in_grid": False, "escalated": False}


def _evolve_report(row: dict, kind: str, d: dict) -> None:
    for field in ("community_id", "grid_id", "category"):
        if value := text(d, field):
            row[field] = value
    if kind == _REPORT_FILED:
        row["filed_at"] = moment(d, "filed_at")
    elif kind == _RESOLVED_IN_GRID:
        row["resolved_in_grid"] = True
    elif kind == _REPORT_ESCALATED:
        row["escalated"] = True


def _new_wish(wish_id: str) -> dict:
    return {"wish_id": wish_id, "status": "collected"}


def _evolve_wish(row: dict, kind: str, d: dict) -> None:
    if value := text(d, "community_id"):
        row["community_id"] = value
    if kind == _WISH_COLLECTED:
        row["title"] = text(d, "title")
        row["collected_at"] = moment(d, "collected_at")
    elif kind == _WISH_FULFILLED:
        row["fulfilled_at"] = moment(d, "fulfilled_at")
    elif kind == _WISH_REVISITED:
        row["satisfaction"] = text(d, "satisfaction")
    row["status"] = _WISH_STATUS.get(kind, row["status"])
