"""create_app(): the reporting API with its projections over the other services' streams and the
notice schedule."""

from __future__ import annotations

from fastapi import FastAPI

from grassroots_common.http.app import create_app as create_service_app
from grassroots_common.runtime import Runtime
from grassroots_common.settings import ServiceSettings, load_settings
from reporting import demo, scheduler
from reporting.api import ROUTERS
from reporting.projections import PROJECTIONS

SERVICE = "reporting"


async def start_runtime(settings: ServiceSettings) -> Runtime:
    runtime = await Runtime.start(settings, migrations_package=SERVICE, publishes=False, projections=PROJECTIONS)
    scheduler.schedule(runtime)
    return runtime


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = settings or load_settings(SERVICE)
    return create_service_app(
        settings,
        title="Grassroots reporting (通报·简报·档案)",
        description="Notices, bulletins, archives and statistics from the events of every service.",
        routers=ROUTERS,
        start_runtime=start_runtime,
        seed_demo=demo.seed,
    )
