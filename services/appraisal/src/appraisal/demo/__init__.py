"""Demo data for the embedded default: four units with sections and 25–50 people each, a year of
weekly logs and monthly summaries, and quarters in every state (finalized, published with an open
appeal, in review, just opened). Written through the aggregates, so every rule holds.

The package has the same map in every service (README, ``demo/``: ``__init__``, ``cast``, ``users``,
``catalogue``, ``photos``, ``writing``, ``steps``, ``first_documents``); a module is absent where its
service has no such concern.

Here: ``cast``, ``users``, ``catalogue``, ``writing``, ``steps``.
"""

from __future__ import annotations

from appraisal.demo.steps import seed
from appraisal.demo.users import DEMO_USERS

__all__ = ["DEMO_USERS", "seed"]
