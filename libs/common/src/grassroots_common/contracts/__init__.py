"""Event contracts: the published language between services.

Consumers (reporting) import these models, never the producing service. Importing this package
registers every event type.
"""

from grassroots_common.contracts import appraisal, erasure, grid, village

__all__ = ["appraisal", "erasure", "grid", "village"]
