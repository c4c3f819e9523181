"""Events the appraisal service publishes (stream ``APPRAISAL``)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from grassroots_common.events import Event, event


class WorkItem(BaseModel):
    text: str
    indicators: list[str] = []


@event
class LogSubmitted(Event):
    """A weekly log (周纪实) was submitted; ``revision`` > 1 means it replaced an earlier one."""

    stream_type = "weekly_log"

    person_id: str
    person_name: str
    unit_id: str
    section_id: str | None = None
    week: str
    items: list[WorkItem]
    submitted_at: dt.datetime
    deadline: dt.datetime
    late: bool
    revision: int = 1
