"""HTTP routes of the reporting service (queries only: it owns no commands of other services)."""

from reporting.api.submissions import router as submissions_router

ROUTERS = [submissions_router]

__all__ = ["ROUTERS"]
