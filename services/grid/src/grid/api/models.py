"""Shared request pieces and response models of the grid API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import Field

from grassroots_common.http.models import Answer

ID_PATTERN = r"^[A-Za-z0-9_\-]{1,64}$"
Id = Annotated[str, Field(pattern=ID_PATTERN, examples=["tkt_0193a1b2c3d4"])]
UploadIds = Annotated[list[Id], Field(default=[], max_length=9, description="Ids from POST /api/v1/uploads")]
CATEGORY_PATTERN = r"^[a-z][a-z0-9_]{1,39}$"


class CoReporterOut(Answer):
    person_id: str
    person_name: str
    note: str = ""
    via: str = Field(description="join: joined the report; merge: their duplicate was merged into it")
    joined_at: dt.datetime


class ReportOut(Answer):
    report_id: str
    community_id: str
    grid_id: str
    reporter_id: str
    reporter_name: str
    category: str
    text: str
    address: str
    latitude: float | None
    longitude: float | None
    photo_upload_ids: list[str]
    urgency: str
    state: str
    filed_at: dt.datetime
    settled_at: dt.datetime | None
    resolution: str | None
    escalation_reason: str | None
    ticket_id: str | None
    co_reporters: list[CoReporterOut] = Field(default_factory=list, description="Who joined the report")
    merged_into: str | None = Field(default=None, description="A merged duplicate: the report it was merged into")


class TwinOut(Answer):
    """A report the new one may repeat: same category and community, within 50 m, open or
    closed within the last 7 days."""

    report_id: str
    title: str = Field(description="The ticket's title once dispatched, else the report's text")
    text: str
    address: str
    category: str
    reporter_name: str
    state: str = Field(description="The report's state: filed, escalated, resolved")
    ticket_id: str | None
    ticket_state: str | None = Field(description="The state of the ticket dispatched from it, if any")
    distance_m: int = Field(description="Metres from the given position (haversine)")
    filed_at: dt.datetime
    closed_at: dt.datetime | None
    co_reporters: int = Field(description="How many joined it")
    joined: bool = Field(description="The caller filed or joined it already")


class TicketOut(Answer):
    ticket_id: str
    community_id: str
    grid_id: str | None
    report_id: str | None
    category: str
    kind: str
    title: str
    text: str
    address: str
    department_id: str
    lead_department_id: str | None
    co_department_ids: list[str]
    state: str
    state_name: str = ""
    round: int
    time_limit_workdays: int
    created_at: dt.datetime
    dispatched_at: dt.datetime
    accept_by: dt.datetime
    accepted_at: dt.datetime | None
    handler_name: str | None
    deadline: dt.datetime
    reported_at: dt.datetime | None
    result: str | None
    evidence_upload_ids: list[str] | None
    reported_on_time: bool | None
    closed_at: dt.datetime | None
    satisfaction: str | None
    returns: int
    return_reason: str | None
    extension_pending: bool
    requested_deadline: dt.datetime | None
    extension_reason: str | None
    acceptance_overdue: bool
    resolution_overdue: bool
    escalation_level: int
    age_hours: float = 0
    hours_left: float = 0
    workdays_left: int = Field(default=0, description="Working days after today up to the deadline's day")
    workdays_overdue: int = Field(default=0, description="Working days since the deadline's day, once it passed")


class HistoryEntry(Answer):
    version: int
    type: str
    occurred_at: dt.datetime
    actor_id: str
    actor_name: str
    data: dict[str, Any]


class TicketDetail(TicketOut):
    report_photo_upload_ids: list[str] = Field(
        default_factory=list, description="The photos of the grid report the ticket comes from"
    )
    report_reporter_name: str | None = Field(default=None, description="Who filed the grid report")
    report_co_reporters: list[CoReporterOut] = Field(
        default_factory=list, description="Who joined the grid report (every one is kept informed)"
    )
    history: list[HistoryEntry]


class WishOut(Answer):
    wish_id: str
    community_id: str
    community_name: str | None = None
    grid_id: str | None
    grid_name: str | None = None
    resident_name: str
    title: str
    description: str
    category: str
    state: str
    collected_at: dt.datetime
    screened_at: dt.datetime | None
    reject_reason: str | None
    claimant_id: str | None
    claimant_name: str | None
    claimant_kind: str | None
    resource_id: str | None
    claimed_at: dt.datetime | None
    releases: int
    fulfilled_at: dt.datetime | None
    note: str | None
    evidence_upload_ids: list[str] | None
    satisfaction: str | None
    revisited_at: dt.datetime | None


class ResourceOut(Answer):
    resource_id: str
    community_id: str
    offerer_id: str
    offerer_name: str
    offerer_kind: str
    title: str
    description: str
    capacity: int
    offered_at: dt.datetime
    matched: int
