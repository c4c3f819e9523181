"""create_app(): the reporting API with its projections over the other services' streams and the
notice schedule."""

from __future__ import annotations

from fastapi import FastAPI

from grassroots_common.http.app import service_app
from grassroots_common.settings import ServiceSettings
from reporting import demo, scheduler
from reporting.api import ROUTERS
from reporting.projections import PROJECTIONS


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    return service_app(
        "reporting",
        settings,
        title="Grassroots reporting (通报·简报·档案)",
        description="Notices, bulletins, archives and statistics from the events of every service.",
        routers=ROUTERS,
        projections=PROJECTIONS,
        seed_demo=demo.seed,
        publishes=False,
        schedule=scheduler.schedule,
    )
