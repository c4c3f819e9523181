"""Read model of patrol reports: one row per report, with the ticket dispatched from it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from grassroots_common.contracts.grid import ReportEscalated, ReportFiled, ResolvedInGrid, TicketDispatched
from grassroots_common.events import RecordedEvent
from grassroots_common.projections.projection import Projection, types_of
from grassroots_common.tables import Table, timestamp

SCHEMA = "rm_grid_reports"

REPORTS = Table(
    "reports",
    ("report_id",),
    {
        "report_id": "text",
        "community_id": "text",
        "grid_id": "text",
        "reporter_id": "text",
        "reporter_name": "text",
        "category": "text",
        "text": "text",
        "address": "text",
        "latitude": "float8",
        "longitude": "float8",
        "photo_upload_ids": "jsonb",
        "urgency": "text",
        "state": "text",
        "filed_at": "timestamptz",
        "settled_at": "timestamptz",
        "resolution": "text",
        "escalation_reason": "text",
        "ticket_id": "text",
    },
)


class ReportsProjection(Projection):
    name = "grid_reports"
    schema = SCHEMA
    sources = ("grid",)
    event_types = types_of(ReportFiled, ResolvedInGrid, ReportEscalated, TicketDispatched)
    ddl = (
        REPORTS.create()
        + """
    CREATE INDEX IF NOT EXISTS reports_grid ON reports (grid_id, filed_at DESC);
    CREATE INDEX IF NOT EXISTS reports_community ON reports (community_id, state, filed_at DESC);
    CREATE INDEX IF NOT EXISTS reports_photos ON reports USING gin (photo_upload_ids);
    """
    )

    async def apply(self, conn: asyncpg.Connection, events: Sequence[RecordedEvent]) -> None:
        ids = {e.data["report_id"] for e in events if e.data.get("report_id")}
        rows: dict[str, dict[str, Any]] = {
            r["report_id"]: r for r in await REPORTS.load_by(conn, "report_id", list(ids))
        }
        for e in events:
            d = e.data
            report_id = d.get("report_id")
            if report_id is None:
                continue
            if e.type == "ReportFiled":
                rows[report_id] = {**d, "state": "filed", "filed_at": timestamp(d["filed_at"])}
                continue
            row = rows.get(report_id)
            if row is None:
                continue
            match e.type:
                case "ResolvedInGrid":
                    row.update(state="resolved", settled_at=timestamp(d["resolved_at"]), resolution=d["resolution"])
                case "ReportEscalated":
                    row.update(
                        state="escalated", settled_at=timestamp(d["escalated_at"]), escalation_reason=d["reason"]
                    )
                case "TicketDispatched":
                    row.update(ticket_id=d["ticket_id"])
        await REPORTS.upsert(conn, list(rows.values()))
