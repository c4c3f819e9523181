"""Demo data for ``grassroots up``: Fengxiang district's 12 towns and 160 villages with cadres,
subsidy sheets, income and bonuses, a full-coverage inspection round, 5 villages in rectification,
the 紫荆村 pilot, a secretary project per village with funding and milestones, and "511" pairing.

Written through the aggregates (their rules apply) and appended one stream per call, so seeding
takes a few seconds. ``seed_years`` writes several years of the same life (the benchmark uses 5).

The package has the same map in every service; a module is absent where its service has no such
concern (the line "Here" says which ones this service has):

- ``__init__``: the entry points the rest of the code uses: ``seed(runtime)`` and ``DEMO_USERS``.
- ``cast``: who and where: the demo's people and their units, communities or villages, with fixed
  ids and names (fixed seeds: the same on every machine).
- ``users``: ``DEMO_USERS``, the demo sign-in identities, people of the cast.
- ``catalogue``: the fixed content the steps draw from: settings and texts.
- ``photos``: the generated images the demo events reference, stored in ``uploads``.
- ``writing``: how a step appends: the actors' metadata, the events' simulated times.
- ``steps``: ``seed`` and the steps that append the demo events, in their order.
- ``first_documents``: documents issued once the demo data has reached the read models.

Here: ``cast``, ``users``, ``catalogue``, ``photos``, ``writing``, ``steps``; the entry points
also give ``seed_years`` (the benchmark's).
"""

from __future__ import annotations

from village.demo.steps import seed, seed_years
from village.demo.users import DEMO_USERS

__all__ = ["DEMO_USERS", "seed", "seed_years"]
