"""The appraisal service's read models."""

from appraisal.projections.growth import GrowthProjection
from appraisal.projections.logs import LogsProjection
from appraisal.projections.quarters import QuartersProjection
from appraisal.projections.roster import RosterProjection

PROJECTIONS = [LogsProjection(), RosterProjection(), QuartersProjection(), GrowthProjection()]

__all__ = ["PROJECTIONS", "GrowthProjection", "LogsProjection", "QuartersProjection", "RosterProjection"]
