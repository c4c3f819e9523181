"""Events the grid service publishes (stream ``GRID``).

Streams (``stream_type``): ``community`` (a community, its grids and grid members), ``directory``
(the district's departments and the routing rule of each category), ``report`` (one patrol report),
``ticket`` (one dispatched ticket, 吹哨派单), ``wish`` (one micro-wish, 微心愿) and ``resource`` (one
offer of help on the resource list).

Every ticket event carries ``ticket_id``, ``community_id`` and the ``department_id`` holding the
ticket when it happened, so a consumer can count per department or community without joining.
Times are timezone-aware (UTC on the wire); deadlines are ends of working days in Beijing time.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from grassroots_common.events import Event, event, register_upcaster
from grassroots_common.fields import Count, Hours, Key, Latitude, Level, Longitude, Name, Round, Text, Workdays
from grassroots_common.personal import Of

GridRole = Literal["grid_guide", "grid_chief", "grid_head", "grid_worker", "grid_member"]
"""网格指导员, 总网格长 (community-wide: no grid), 网格长, 专职网格员, 网格员 (in one grid)."""

Urgency = Literal["normal", "urgent", "emergency"]
TicketKind = Literal["emergency", "consultation", "help_request", "complaint"]
"""紧急, 咨询, 求助, 投诉: decides the default time limit (0, 1, 5, 10 working days)."""

Satisfaction = Literal["satisfied", "basically", "unsatisfied"]
"""满意, 基本满意, 不满意: a micro-wish's revisit."""

RevisitAnswer = Literal["satisfied", "partly", "unsatisfied"]
"""A ticket's revisit (回访): 满意（已解决）, 部分解决, 未解决. Partly and not solved reopen the ticket."""
REVISIT_ANSWER_NAMES: dict[str, str] = {"satisfied": "满意（已解决）", "partly": "部分解决", "unsatisfied": "未解决"}

OverdueStage = Literal["acceptance", "resolution"]
ClaimantKind = Literal["party_member", "unit", "volunteer"]


# --- hierarchy (stream_type "community") ------------------------------------------------------


@event
class CommunityRegistered(Event):
    stream_type = "community"

    community_id: Key
    name: Name
    street: Name
    district: Name
    leader_name: Name = ""
    registered_at: dt.datetime


@event
class GridDefined(Event):
    """A grid (网格) of a community; defining it again renames it."""

    stream_type = "community"

    community_id: Key
    grid_id: Key
    name: Name
    area: Name = ""
    households: Count = 0
    defined_at: dt.datetime


@event
class GridMemberAssigned(Event):
    """A person takes a grid role; ``grid_id`` is None for the community-wide roles (指导员, 总网格长).

    Assigning a person again moves them (new role or grid); they hold one role per community.
    """

    stream_type = "community"

    community_id: Key
    grid_id: Key | None
    person_id: Key
    person_name: Annotated[Name, Of("person_id")]
    role: GridRole
    assigned_at: dt.datetime


@event
class GridMemberRemoved(Event):
    stream_type = "community"

    community_id: Key
    grid_id: Key | None
    person_id: Key
    role: GridRole
    reason: Text
    removed_at: dt.datetime


# --- departments and routing (stream_type "directory") ----------------------------------------


@event
class DepartmentRegistered(Event):
    """A functional department (职能部门) that receives tickets."""

    stream_type = "directory"

    department_id: Key
    name: Name
    registered_at: dt.datetime


@event
class RoutingRuleSet(Event):
    """Where tickets of one category go: the default department, a lead department when several are
    involved, and the time limit (None: the default of the ticket kind)."""

    stream_type = "directory"

    category: Key
    category_name: Name
    default_department_id: Key
    lead_department_id: Key | None = None
    co_department_ids: list[Key] = []
    time_limit_workdays: Workdays | None = None
    accept_within_hours: Hours = 2.0
    set_at: dt.datetime


# --- patrol reports (stream_type "report") ----------------------------------------------------


@event
class ReportFiled(Event):
    stream_type = "report"

    report_id: Key
    community_id: Key
    grid_id: Key
    reporter_id: Key
    reporter_name: Annotated[Name, Of("reporter_id")]
    category: Key
    text: Text
    address: Name
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    photo_upload_ids: list[Key] = []
    urgency: Urgency = "normal"
    filed_at: dt.datetime


@event
class ResolvedInGrid(Event):
    """ "Small matters stay in the grid": resolved on the spot."""

    stream_type = "report"

    report_id: Key
    community_id: Key
    grid_id: Key
    resolution: Text
    photo_upload_ids: list[Key] = []
    resolved_by: Name
    resolved_at: dt.datetime


@event
class ReportEscalated(Event):
    """The grid cannot resolve it: the community triages it (and usually dispatches a ticket)."""

    stream_type = "report"

    report_id: Key
    community_id: Key
    grid_id: Key
    category: Key
    urgency: Urgency
    reason: Text
    escalated_by: Name
    escalated_at: dt.datetime


@event
class ReportJoined(Event):
    """Another person reports the same matter (a twin within 50 m): they join the report as a
    co-reporter instead of filing a second one (``via="join"``), or the dispatcher merged their
    duplicate into it (``via="merge"``, ``merged_report_id`` names the duplicate)."""

    stream_type = "report"

    report_id: Key
    community_id: Key
    grid_id: Key
    person_id: Key
    person_name: Annotated[Name, Of("person_id")]
    note: Text = ""
    photo_upload_ids: list[Key] = []
    via: Literal["join", "merge"] = "join"
    merged_report_id: Key | None = None
    joined_at: dt.datetime


@event
class ReportMerged(Event):
    """The dispatcher merged this duplicate into ``into_report_id`` (same category and community);
    its reporter becomes a co-reporter there, and it is handled no further on its own."""

    stream_type = "report"

    report_id: Key
    community_id: Key
    grid_id: Key
    into_report_id: Key
    reporter_id: Key
    reporter_name: Annotated[Name, Of("reporter_id")]
    merged_by: Name
    merged_at: dt.datetime


# --- tickets (stream_type "ticket") -----------------------------------------------------------


@event
class TicketDispatched(Event):
    """The community blew the whistle (吹哨): the ticket goes to a department.

    ``round`` is 1 for the first dispatch and grows with each re-dispatch after a return.
    """

    stream_type = "ticket"

    ticket_id: Key
    community_id: Key
    grid_id: Key | None = None
    report_id: Key | None = None
    category: Key
    kind: TicketKind
    title: Name
    text: Text
    address: Name = ""
    department_id: Key
    lead_department_id: Key | None = None
    co_department_ids: list[Key] = []
    time_limit_workdays: Workdays
    accept_by: dt.datetime
    deadline: dt.datetime
    round: Round = 1
    dispatched_by: Name
    dispatched_at: dt.datetime


@event
class TicketAccepted(Event):
    """签收 by the department; ``on_time`` when before ``accept_by``."""

    stream_type = "ticket"

    ticket_id: Key
    community_id: Key
    department_id: Key
    handler_id: Key
    handler_name: Annotated[Name, Of("handler_id")]
    on_time: bool
    accepted_at: dt.datetime


@event
class TicketReturned(Event):
    """退单: the department does not own the matter; the community re-dispatches."""

    stream_type = "ticket"

    ticket_id: Key
    community_id: Key
    department_id: Key
    reason: Text
    returned_at: dt.datetime


@event
class TicketHandled(Event):
    stream_type = "ticket"

    ticket_id: Key
    community_id: Key
    department_id: Key
    note: Text = ""
    handled_at: dt.datetime


@event
class TicketReportedBack(Event):
    """The department reports the result with evidence; the resolution clock stops here."""

    stream_type = "ticket"

    ticket_id: Key
    community_id: Key
    department_id: Key
    result: Text
    evidence_upload_ids: list[Key] = []
    on_time: bool
    deadline: dt.datetime
    reported_at: dt.datetime


@event
class TicketVerified(Event):
    """The community checks the result; ``passed`` False sends it back to the department to redo."""

    stream_type = "ticket"

    ticket_id: Key
    community_id: Key
    department_id: Key
    passed: bool
    comment: Text = ""
    verified_by: Name
    verified_at: dt.datetime


@event
class TicketClosed(Event):
    stream_type = "ticket"

    ticket_id: Key
    community_id: Key
    department_id: Key
    closed_at: dt.datetime


@event
class TicketExtensionRequested(Event):
    stream_type = "ticket"

    ticket_id: Key
    community_id: Key
    department_id: Key
    reason: Text
    current_deadline: dt.datetime
    requested_deadline: dt.datetime
    requested_at: dt.datetime


@event
class TicketExtended(Event):
    stream_type = "ticket"

    ticket_id: Key
    community_id: Key
    department_id: Key
    previous_deadline: dt.datetime
    new_deadline: dt.datetime
    decided_by: Name
    decided_at: dt.datetime


@event
class TicketExtensionRefused(Event):
    stream_type = "ticket"

    ticket_id: Key
    community_id: Key
    department_id: Key
    reason: Text
    decided_by: Name
    decided_at: dt.datetime


@event
class TicketOverdue(Event):
    """Raised once per dispatch round and stage: not accepted by ``accept_by`` (acceptance) or not
    reported back by the deadline (resolution)."""

    stream_type = "ticket"

    ticket_id: Key
    community_id: Key
    department_id: Key
    stage: OverdueStage
    due_at: dt.datetime
    round: Round
    detected_at: dt.datetime


@event
class TicketEscalated(Event):
    """督办: an overdue ticket goes up the ladder, once per level and round
    (1 community leader, 2 street leader, 3 district leader)."""

    stream_type = "ticket"

    ticket_id: Key
    community_id: Key
    department_id: Key
    level: Level
    escalated_to: Name
    escalated_to_name: Name
    reason: Text
    round: Round
    escalated_at: dt.datetime


@event
class TicketUrged(Event):
    """督办/催办 by a person: the community's dispatcher (or the district) presses the department
    on an overdue ticket, with what is asked of it; the scheduler's ladder is ``TicketEscalated``."""

    stream_type = "ticket"

    ticket_id: Key
    community_id: Key
    department_id: Key
    note: Text
    urged_by: Key
    urged_by_name: Annotated[Name, Of("urged_by")]
    round: Round
    urged_at: dt.datetime


@event
class SatisfactionRecorded(Event):
    """回访: whether the resident's matter is solved, after closing. ``satisfaction`` is the
    answer (``RevisitAnswer``); ``comment`` the resident's words; ``note`` what the department is
    told when a partly solved or unsolved answer reopens the ticket.

    Schema 2 (the 部分解决 answer): schema 1 answered 满意/基本满意/不满意; a 基本满意 did not
    reopen the ticket and counted as satisfied, so it reads as ``satisfied``."""

    stream_type = "ticket"
    schema_version = 2

    ticket_id: Key
    community_id: Key
    department_id: Key
    satisfaction: RevisitAnswer
    comment: Text = ""
    note: Text = ""
    recorded_by: Name
    recorded_at: dt.datetime


@register_upcaster("SatisfactionRecorded", 1)
def _satisfaction_v1(data: dict[str, Any]) -> dict[str, Any]:
    if data.get("satisfaction") == "basically":
        return {**data, "satisfaction": "satisfied"}
    return data


@event
class TicketReopened(Event):
    """An unsatisfied revisit reopens the ticket at the same department with a new time limit."""

    stream_type = "ticket"

    ticket_id: Key
    community_id: Key
    department_id: Key
    reason: Text
    accept_by: dt.datetime
    deadline: dt.datetime
    round: Round
    reopened_at: dt.datetime


# --- micro-wishes (stream_type "wish") and the resource list ("resource") ---------------------


@event
class WishCollected(Event):
    stream_type = "wish"

    wish_id: Key
    community_id: Key
    grid_id: Key | None = None
    resident_name: Name
    title: Name
    description: Text
    category: Key
    collected_by: Name
    collected_at: dt.datetime


@event
class WishScreened(Event):
    """Approved by the community: the wish goes on the demand list."""

    stream_type = "wish"

    wish_id: Key
    community_id: Key
    screened_by: Name
    screened_at: dt.datetime


@event
class WishRejected(Event):
    stream_type = "wish"

    wish_id: Key
    community_id: Key
    reason: Text
    screened_by: Name
    screened_at: dt.datetime


@event
class WishClaimed(Event):
    """党员接单: one claimant at a time; ``resource_id`` when it matches an offer."""

    stream_type = "wish"

    wish_id: Key
    community_id: Key
    claimant_id: Key
    claimant_name: Annotated[Name, Of("claimant_id")]
    claimant_kind: ClaimantKind
    resource_id: Key | None = None
    claimed_at: dt.datetime


@event
class WishReleased(Event):
    """The claimant gives the wish back; it returns to the demand list."""

    stream_type = "wish"

    wish_id: Key
    community_id: Key
    claimant_id: Key
    reason: Text
    released_at: dt.datetime


@event
class WishFulfilled(Event):
    stream_type = "wish"

    wish_id: Key
    community_id: Key
    claimant_id: Key
    note: Text
    evidence_upload_ids: list[Key] = []
    fulfilled_at: dt.datetime


@event
class WishRevisited(Event):
    stream_type = "wish"

    wish_id: Key
    community_id: Key
    claimant_id: Key
    satisfaction: Satisfaction
    comment: Text = ""
    revisited_by: Name
    revisited_at: dt.datetime


@event
class ResourceOffered(Event):
    """An offer on the resource list (资源清单) by a unit or a party member."""

    stream_type = "resource"

    resource_id: Key
    community_id: Key
    offerer_id: Key
    offerer_name: Annotated[Name, Of("offerer_id")]
    offerer_kind: ClaimantKind
    title: Name
    description: Text
    capacity: Count = 1
    offered_at: dt.datetime
