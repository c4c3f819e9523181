"""Read model of patrol reports: one row per report, with the ticket dispatched from it, its
co-reporters (``ReportJoined``: ``co_reporters`` with names, ``co_reporter_ids`` to find a person's
reports) and, for a merged duplicate, the report it was merged into."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from grassroots_common.contracts.grid import (
    ReportEscalated,
    ReportFiled,
    ReportJoined,
    ReportMerged,
    ResolvedInGrid,
    TicketDispatched,
)
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
        "co_reporters": "jsonb",
        "co_reporter_ids": "jsonb",
        "merged_into": "text",
    },
)


_REPORT_ESCALATED = ReportEscalated.type_name()
_REPORT_FILED = ReportFiled.type_name()
_REPORT_JOINED = ReportJoined.type_name()
_REPORT_MERGED = ReportMerged.type_name()
_RESOLVED_IN_GRID = ResolvedInGrid.type_name()
_TICKET_DISPATCHED = TicketDispatched.type_name()


class ReportsProjection(Projection):
    name = "grid_reports"
    schema = SCHEMA
    sources = ("grid",)
    event_types = types_of(ReportFiled, ResolvedInGrid, ReportEscalated, ReportJoined, ReportMerged, TicketDispatched)
    ddl = (
        REPORTS.create()
        + """
    CREATE INDEX IF NOT EXISTS reports_grid ON reports (grid_id, filed_at DESC);
    CREATE INDEX IF NOT EXISTS reports_community ON reports (community_id, state, filed_at DESC);
    CREATE INDEX IF NOT EXISTS reports_photos ON reports USING gin (photo_upload_ids);
    ALTER TABLE reports ADD COLUMN IF NOT EXISTS co_reporters jsonb;
    ALTER TABLE reports ADD COLUMN IF NOT EXISTS co_reporter_ids jsonb;
    ALTER TABLE reports ADD COLUMN IF NOT EXISTS merged_into text;
    CREATE INDEX IF NOT EXISTS reports_co_reporters ON reports USING gin (co_reporter_ids);
    CREATE INDEX IF NOT EXISTS reports_twins ON reports (community_id, category, latitude);
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
            if e.type == _REPORT_FILED:
                rows[report_id] = {
                    **d,
                    "state": "filed",
                    "filed_at": timestamp(d["filed_at"]),
                    "co_reporters": [],
                    "co_reporter_ids": [],
                }
                continue
            row = rows.get(report_id)
            if row is None:
                continue
            kind = e.type
            if kind == _RESOLVED_IN_GRID:
                row.update(state="resolved", settled_at=timestamp(d["resolved_at"]), resolution=d["resolution"])
            elif kind == _REPORT_ESCALATED:
                row.update(state="escalated", settled_at=timestamp(d["escalated_at"]), escalation_reason=d["reason"])
            elif kind == _REPORT_JOINED:
                joined = {
                    "person_id": d["person_id"],
                    "person_name": d["person_name"],
                    "note": d.get("note", ""),
                    "via": d.get("via", "join"),
                    "joined_at": d["joined_at"],
                }
                row.update(
                    co_reporters=[*(row.get("co_reporters") or []), joined],
                    co_reporter_ids=[*(row.get("co_reporter_ids") or []), d["person_id"]],
                )
            elif kind == _REPORT_MERGED:
                row.update(state="merged", settled_at=timestamp(d["merged_at"]), merged_into=d["into_report_id"])
            elif kind == _TICKET_DISPATCHED:
                row.update(ticket_id=d["ticket_id"])
        await REPORTS.upsert(conn, list(rows.values()))
