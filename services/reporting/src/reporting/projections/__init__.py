"""The reporting service's read models, each fed by other services' streams."""

from reporting.projections.submissions import SubmissionsProjection

PROJECTIONS = [SubmissionsProjection()]

__all__ = ["PROJECTIONS", "SubmissionsProjection"]
