"""The village service's read models."""

from village.projections.inspections import InspectionsProjection
from village.projections.pairings import PairingsProjection
from village.projections.pilots import PilotsProjection
from village.projections.projects import ProjectsProjection
from village.projections.rectifications import RectificationsProjection
from village.projections.villages import VillagesProjection

PROJECTIONS = [
    VillagesProjection(),
    ProjectsProjection(),
    InspectionsProjection(),
    RectificationsProjection(),
    PilotsProjection(),
    PairingsProjection(),
]

__all__ = [
    "PROJECTIONS",
    "InspectionsProjection",
    "PairingsProjection",
    "PilotsProjection",
    "ProjectsProjection",
    "RectificationsProjection",
    "VillagesProjection",
]
