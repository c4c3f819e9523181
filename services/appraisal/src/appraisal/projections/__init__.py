"""The appraisal service's read models."""

from appraisal.projections.logs import LogsProjection

PROJECTIONS = [LogsProjection()]

__all__ = ["PROJECTIONS", "LogsProjection"]
