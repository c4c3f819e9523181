"""create_app(): the village API with its event store, relay, projections and evidence uploads."""

from __future__ import annotations

from fastapi import FastAPI

from grassroots_common.calendar_api import router as calendar_router
from grassroots_common.http.app import service_app
from grassroots_common.settings import ServiceSettings
from grassroots_common.uploads import uploads_router
from village.api import ROUTERS
from village.demo import seed
from village.projections import PROJECTIONS


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    return service_app(
        "village",
        settings,
        title="Grassroots village (农村基层党建)",
        description=(
            "Villages and cadres, subsidy sheets and bonuses, standardization inspections, weak-organization "
            "rectification, the red beautiful village pilot, secretary projects and “511” pairing."
        ),
        routers=[*ROUTERS, uploads_router(), calendar_router],
        projections=PROJECTIONS,
        seed_demo=seed,
    )
