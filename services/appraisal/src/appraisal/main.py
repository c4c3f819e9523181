"""create_app(): the appraisal API with its event store, relay and projections."""

from __future__ import annotations

from fastapi import FastAPI

from appraisal.api import ROUTERS
from appraisal.demo import seed
from appraisal.projections import PROJECTIONS
from grassroots_common.calendar_api import router as calendar_router
from grassroots_common.http.app import service_app
from grassroots_common.settings import ServiceSettings


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    return service_app(
        "appraisal",
        settings,
        title="Grassroots appraisal (平时考核)",
        description="Weekly logs, monthly summaries, quarterly and annual appraisal of civil servants.",
        routers=[*ROUTERS, calendar_router],
        projections=PROJECTIONS,
        seed_demo=seed,
    )
