"""Demo data for the embedded default: 凤鸣社区 with 22 grids and 379 grid members, departments and
routing rules, patrol reports, tickets in every state over the last four months (some overdue and
escalated), micro-wishes in every state and the resource list.

Written through the aggregates (so every rule holds), with realistic actors and event times; fixed
seeds make the roster the same on every machine, so the demo users match it.

The package has the same map in every service (README, ``demo/``: ``__init__``, ``cast``, ``users``,
``catalogue``, ``photos``, ``writing``, ``steps``, ``first_documents``); a module is absent where its
service has no such concern.

Here: ``cast``, ``users``, ``catalogue``, ``photos``, ``writing``, ``steps``.
"""

from __future__ import annotations

from grid.demo.steps import seed
from grid.demo.users import DEMO_USERS

__all__ = ["DEMO_USERS", "seed"]
