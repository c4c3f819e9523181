"""The reporting service's read models, each fed by other services' streams."""

from reporting.projections.appraisal import AppraisalProjection
from reporting.projections.archives import ArchivesProjection
from reporting.projections.inbox import InboxProjection
from reporting.projections.submissions import SubmissionsProjection
from reporting.projections.tickets import TicketsProjection
from reporting.projections.villages import VillagesProjection

PROJECTIONS = [
    SubmissionsProjection(),
    AppraisalProjection(),
    TicketsProjection(),
    VillagesProjection(),
    ArchivesProjection(),
    InboxProjection(),
]

__all__ = [
    "PROJECTIONS",
    "AppraisalProjection",
    "ArchivesProjection",
    "InboxProjection",
    "SubmissionsProjection",
    "TicketsProjection",
    "VillagesProjection",
]
