"""Erasing a person's personal data (PIPL), on stream ``APPRAISAL`` (``stream_type`` ``erasure``).

The operator erases through the appraisal service, which keeps the roster; every service projects
``PersonErased`` (``grassroots_common.erasure``) and rebuilds its read models without the person.
The event is the audit record: who erased (its metadata), when, and why. It names no one but by id.
"""

from __future__ import annotations

import datetime as dt

from grassroots_common.contracts.calendar import CALENDAR_OWNER
from grassroots_common.events import Event, event
from grassroots_common.fields import Key, Text

ERASURE_OWNER = CALENDAR_OWNER
"""The service whose stream carries erasures: the one every service already reads."""


@event
class PersonErased(Event):
    """An operator erased a person: their key is deleted, every name, birth date and ID digest
    sealed with it reads as erased from now on, and every read model is rebuilt without them."""

    stream_type = "erasure"

    person_id: Key
    reason: Text
    erased_at: dt.datetime
