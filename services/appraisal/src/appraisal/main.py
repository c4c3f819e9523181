"""create_app(): the appraisal API with its event store, relay and projections."""

from __future__ import annotations

from fastapi import FastAPI

from appraisal.api import ROUTERS
from appraisal.demo import seed
from appraisal.projections import PROJECTIONS
from grassroots_common.calendar_api import router as calendar_router
from grassroots_common.http.app import create_app as create_service_app
from grassroots_common.runtime import Runtime
from grassroots_common.settings import ServiceSettings, load_settings

SERVICE = "appraisal"


async def start_runtime(settings: ServiceSettings) -> Runtime:
    return await Runtime.start(settings, migrations_package=SERVICE, publishes=True, projections=PROJECTIONS)


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = settings or load_settings(SERVICE)
    return create_service_app(
        settings,
        title="Grassroots appraisal (平时考核)",
        description="Weekly logs, monthly summaries, quarterly and annual appraisal of civil servants.",
        routers=[*ROUTERS, calendar_router],
        start_runtime=start_runtime,
        seed_demo=seed,
    )
