"""HTTP routes of the village service: each translates a request into a command or a query."""

from village.api.dashboards import router as dashboards_router
from village.api.inspections import findings_router
from village.api.inspections import router as inspections_router
from village.api.pairings import router as pairings_router
from village.api.pilots import router as pilots_router
from village.api.projects import router as projects_router
from village.api.rectifications import router as rectifications_router
from village.api.villages import router as villages_router

ROUTERS = [
    villages_router,
    inspections_router,
    findings_router,
    rectifications_router,
    pilots_router,
    projects_router,
    pairings_router,
    dashboards_router,
]

__all__ = ["ROUTERS"]
