"""HTTP routes of the grid service: each translates a request into a command or a query."""

from grid.api.boards import router as boards_router
from grid.api.hierarchy import router as hierarchy_router
from grid.api.reports import router as reports_router
from grid.api.tickets import router as tickets_router
from grid.api.wishes import router as wishes_router

ROUTERS = [hierarchy_router, reports_router, tickets_router, boards_router, wishes_router]

__all__ = ["ROUTERS"]
