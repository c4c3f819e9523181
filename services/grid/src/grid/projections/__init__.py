"""The grid service's read models."""

from grid.projections.hierarchy import HierarchyProjection
from grid.projections.reports import ReportsProjection
from grid.projections.tickets import TicketsProjection
from grid.projections.wishes import WishesProjection

PROJECTIONS = [HierarchyProjection(), ReportsProjection(), TicketsProjection(), WishesProjection()]

__all__ = ["PROJECTIONS", "HierarchyProjection", "ReportsProjection", "TicketsProjection", "WishesProjection"]
