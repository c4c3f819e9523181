"""HTTP routes of the appraisal service: each translates a request into a command or a query."""

from appraisal.api.logs import router as logs_router

ROUTERS = [logs_router]

__all__ = ["ROUTERS"]
