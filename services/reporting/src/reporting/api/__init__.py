"""HTTP routes of the reporting service (queries and its own documents: it owns no commands of other services)."""

from reporting.api.archives import router as archives_router
from reporting.api.bulletins import router as bulletins_router
from reporting.api.inbox import router as inbox_router
from reporting.api.notices import router as notices_router
from reporting.api.statistics import router as statistics_router
from reporting.api.submissions import router as submissions_router

ROUTERS = [submissions_router, statistics_router, notices_router, bulletins_router, archives_router, inbox_router]

__all__ = ["ROUTERS"]
