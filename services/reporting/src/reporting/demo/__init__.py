"""Demo: reporting has no demo events of its own. Once the other services' demo events have flowed
into the read models, it issues the notices of the periods holding data and a first bulletin.

The package has the same map in every service (README, ``demo/``: ``__init__``, ``cast``, ``users``,
``catalogue``, ``photos``, ``writing``, ``steps``, ``first_documents``); a module is absent where its
service has no such concern.

Here: ``users``, ``steps``, ``first_documents`` (no cast: reporting appends no demo events).
"""

from __future__ import annotations

from reporting.demo.steps import seed
from reporting.demo.users import DEMO_USERS

__all__ = ["DEMO_USERS", "seed"]
