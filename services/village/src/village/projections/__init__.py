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
PROJECTION_NAMES = tuple(p.name for p in PROJECTIONS)

__all__ = [
    "PROJECTIONS",
    "PROJECTION_NAMES",
    "InspectionsProjection",
    "PairingsProjection",
    "PilotsProjection",
    "ProjectsProjection",
    "RectificationsProjection",
    "VillagesProjection",
]
