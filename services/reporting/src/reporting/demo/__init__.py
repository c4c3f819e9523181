"""Demo: reporting has no demo events of its own. Once the other services' demo events have flowed
into the read models, it issues the notices of the periods holding data and a first bulletin.

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

Here: ``users``, ``steps``, ``first_documents`` (no cast: reporting appends no demo events).
"""

from __future__ import annotations

from reporting.demo.steps import seed
from reporting.demo.users import DEMO_USERS

__all__ = ["DEMO_USERS", "seed"]
