"""Demo data for the embedded default: 凤鸣社区 with 22 grids and 379 grid members, departments and
routing rules, patrol reports, tickets in every state over the last four months (some overdue and
escalated), micro-wishes in every state and the resource list.

Written through the aggregates (so every rule holds), with realistic actors and event times; fixed
seeds make the roster the same on every machine, so the demo users match it.

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

Here: ``cast``, ``users``, ``catalogue``, ``photos``, ``writing``, ``steps``.
"""

from __future__ import annotations

from grid.demo.steps import seed
from grid.demo.users import DEMO_USERS

__all__ = ["DEMO_USERS", "seed"]
