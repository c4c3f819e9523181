"""create_app(): the grid API with its event store, relay, projections and deadline scheduler."""

from __future__ import annotations

from fastapi import FastAPI

from grassroots_common.calendar_api import router as calendar_router
from grassroots_common.http.app import service_app
from grassroots_common.settings import ServiceSettings
from grassroots_common.uploads import uploads_router
from grid import demo, scheduler
from grid.api import ROUTERS
from grid.projections import PROJECTIONS
from grid.upload_access import may_read_upload


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    return service_app(
        "grid",
        settings,
        title="Grassroots grid (网格化治理)",
        description="Communities and grids, patrol reports, dispatched tickets with time limits (吹哨派单), "
        "deadline escalation, revisits, and micro-wishes (微心愿).",
        routers=[*ROUTERS, calendar_router, uploads_router(can_read=may_read_upload)],
        projections=PROJECTIONS,
        seed_demo=demo.seed,
        schedule=scheduler.schedule,
    )
