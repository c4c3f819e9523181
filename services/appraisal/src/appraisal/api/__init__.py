"""HTTP routes of the appraisal service: each translates a request into a command or a query."""

from appraisal.api.erasures import router as erasures_router
from appraisal.api.grade_history import router as grade_history_router
from appraisal.api.growth import router as growth_router
from appraisal.api.logs import router as logs_router
from appraisal.api.me import router as me_router
from appraisal.api.peer_reviews import router as peer_reviews_router
from appraisal.api.quarters import router as quarters_router
from appraisal.api.roster import router as roster_router
from appraisal.api.summaries import router as summaries_router

ROUTERS = [
    logs_router,
    summaries_router,
    roster_router,
    quarters_router,
    growth_router,
    me_router,
    peer_reviews_router,
    grade_history_router,
    erasures_router,
]

__all__ = ["ROUTERS"]
