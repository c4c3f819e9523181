"""Demo data for ``grassroots up``: Fengxiang district's 12 towns and 160 villages with cadres,
subsidy sheets, income and bonuses, a full-coverage inspection round, 5 villages in rectification,
the 紫荆村 pilot, a secretary project per village with funding and milestones, and "511" pairing.

Written through the aggregates (their rules apply) and appended one stream per call, so seeding
takes a few seconds. ``seed_years`` writes several years of the same life (the benchmark uses 5).

The package has the same map in every service (README, ``demo/``: ``__init__``, ``cast``, ``users``,
``catalogue``, ``photos``, ``writing``, ``steps``, ``first_documents``); a module is absent where its
service has no such concern.

Here: ``cast``, ``users``, ``catalogue``, ``photos``, ``writing``, ``steps``; the entry points
also give ``seed_years`` (the benchmark's).
"""

from __future__ import annotations

from village.demo.steps import seed, seed_years
from village.demo.users import DEMO_USERS

__all__ = ["DEMO_USERS", "seed", "seed_years"]
