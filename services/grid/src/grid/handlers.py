"""One function per command: authorize, load the aggregate, let it decide, append (``ctx.execute``).

Each handler takes the command's context and its typed command, a small frozen dataclass named for
the command and defined next to its handler; the route builds it from its body and path."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from grassroots_common import uploads
from grassroots_common.auth import Principal
from grassroots_common.calendar_projection import load_calendar
from grassroots_common.commands import CommandContext, CommandResult
from grassroots_common.contracts.grid import GridRole, RevisitAnswer, Satisfaction, TicketKind, Urgency
from grassroots_common.errors import Conflict, Forbidden, Invalid, NotFound
from grassroots_common.ids import new_id
from grid import authz
from grid.domain.community import Community
from grid.domain.directory import DIRECTORY_STREAM, Directory
from grid.domain.report import Report
from grid.domain.ticket import Ticket
from grid.domain.wish import Resource, Wish


async def _require_uploads(ctx: CommandContext, ids: list[str], field: str) -> None:
    missing = await uploads.missing_uploads(ctx.runtime.pool, ids)
    if missing:
        raise Invalid("upload_not_found", f"找不到上传的文件：{'、'.join(missing)}，请重新上传", field=field)


# --- hierarchy ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RegisterCommunity:
    """Register a community (district administrators); its id is chosen or made."""

    name: str
    street: str
    district: str
    leader_name: str = ""
    community_id: str | None = None


async def register_community(ctx: CommandContext, command: RegisterCommunity) -> CommandResult:
    authz.district_admin(ctx.principal)
    community_id = command.community_id or new_id("com")
    now = ctx.now()

    def act(c: Community) -> dict:
        c.register(
            name=command.name,
            street=command.street,
            district=command.district,
            leader_name=command.leader_name,
            now=now,
        )
        return {"community_id": community_id}

    return await ctx.execute(Community, community_id, act)


@dataclass(frozen=True, slots=True)
class DefineGrid:
    """Define (or rename) a grid of a community."""

    community_id: str
    name: str
    area: str = ""
    households: int = 0
    grid_id: str | None = None


async def define_grid(ctx: CommandContext, command: DefineGrid) -> CommandResult:
    authz.manage_community(ctx.principal, command.community_id)
    grid_id = command.grid_id or new_id("grd")
    now = ctx.now()

    def act(c: Community) -> dict:
        c.define_grid(grid_id=grid_id, name=command.name, area=command.area, households=command.households, now=now)
        return {"grid_id": grid_id}

    return await ctx.execute(Community, command.community_id, act)


@dataclass(frozen=True, slots=True)
class AssignMember:
    """Give a person a grid role in a community (or move them)."""

    community_id: str
    person_id: str
    person_name: str
    role: GridRole
    grid_id: str | None = None


async def assign_member(ctx: CommandContext, command: AssignMember) -> CommandResult:
    authz.manage_community(ctx.principal, command.community_id)
    now = ctx.now()
    return await ctx.execute(
        Community,
        command.community_id,
        lambda c: c.assign(
            person_id=command.person_id,
            person_name=command.person_name,
            role=command.role,
            grid_id=command.grid_id,
            now=now,
        ),
    )


@dataclass(frozen=True, slots=True)
class RemoveMember:
    """Remove a person from a community's grids."""

    community_id: str
    person_id: str
    reason: str


async def remove_member(ctx: CommandContext, command: RemoveMember) -> CommandResult:
    authz.manage_community(ctx.principal, command.community_id)
    now = ctx.now()
    return await ctx.execute(
        Community,
        command.community_id,
        lambda c: c.remove(person_id=command.person_id, reason=command.reason, now=now),
    )


@dataclass(frozen=True, slots=True)
class RegisterDepartment:
    """Register a functional department (district administrators)."""

    name: str
    department_id: str | None = None


async def register_department(ctx: CommandContext, command: RegisterDepartment) -> CommandResult:
    authz.district_admin(ctx.principal)
    department_id = command.department_id or new_id("dep")
    now = ctx.now()

    def act(d: Directory) -> dict:
        d.register_department(department_id=department_id, name=command.name, now=now)
        return {"department_id": department_id}

    return await ctx.execute(Directory, DIRECTORY_STREAM, act)


@dataclass(frozen=True, slots=True)
class SetRoutingRule:
    """Set where a category's tickets go and their time limit."""

    category: str
    category_name: str
    default_department_id: str
    lead_department_id: str | None = None
    co_department_ids: list[str] = dataclasses.field(default_factory=list)
    time_limit_workdays: int | None = None
    accept_within_hours: float = 2.0


async def set_routing_rule(ctx: CommandContext, command: SetRoutingRule) -> CommandResult:
    authz.district_admin(ctx.principal)
    now = ctx.now()
    return await ctx.execute(
        Directory,
        DIRECTORY_STREAM,
        lambda d: d.set_rule(
            category=command.category,
            category_name=command.category_name,
            default_department_id=command.default_department_id,
            lead_department_id=command.lead_department_id,
            co_department_ids=command.co_department_ids,
            time_limit_workdays=command.time_limit_workdays,
            accept_within_hours=command.accept_within_hours,
            now=now,
        ),
    )


# --- patrol reports -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FileReport:
    """File a report from patrol; ``grid_id`` only for community-wide grid roles."""

    category: str
    text: str
    address: str
    latitude: float | None = None
    longitude: float | None = None
    photo_upload_ids: list[str] = dataclasses.field(default_factory=list)
    urgency: Urgency = "normal"
    grid_id: str | None = None


async def file_report(ctx: CommandContext, command: FileReport) -> CommandResult:
    principal = ctx.principal
    community_id, grid_id = authz.reporting_grid(principal, command.grid_id)
    await _require_uploads(ctx, command.photo_upload_ids, "photo_upload_ids")
    report_id = new_id("rpt")
    now = ctx.now()

    def act(r: Report) -> dict:
        r.file(
            community_id=community_id,
            grid_id=grid_id,
            reporter_id=principal.sub,
            reporter_name=principal.name,
            category=command.category,
            text=command.text,
            address=command.address,
            latitude=command.latitude,
            longitude=command.longitude,
            photo_upload_ids=command.photo_upload_ids,
            urgency=command.urgency,
            now=now,
        )
        return {"report_id": report_id}

    return await ctx.execute(Report, report_id, act)


def _report_action(principal: Principal, fn: Callable[[Report], None]) -> Callable[[Report], None]:
    def act(r: Report) -> None:
        if r.filed is None:
            raise NotFound("report_not_found", "找不到该上报")
        authz.act_on_report(principal, r.community_id, r.grid_id)
        fn(r)

    return act


@dataclass(frozen=True, slots=True)
class ResolveReport:
    """Resolve a report in the grid (小事不出网格)."""

    report_id: str
    resolution: str
    photo_upload_ids: list[str] = dataclasses.field(default_factory=list)


async def resolve_report(ctx: CommandContext, command: ResolveReport) -> CommandResult:
    principal = ctx.principal
    await _require_uploads(ctx, command.photo_upload_ids, "photo_upload_ids")
    now = ctx.now()
    act = _report_action(
        principal,
        lambda r: r.resolve_in_grid(
            resolution=command.resolution, photo_upload_ids=command.photo_upload_ids, by=principal.sub, now=now
        ),
    )
    return await ctx.execute(Report, command.report_id, act)


@dataclass(frozen=True, slots=True)
class EscalateReport:
    """Escalate a report to the community for dispatch."""

    report_id: str
    reason: str


async def escalate_report(ctx: CommandContext, command: EscalateReport) -> CommandResult:
    principal = ctx.principal
    now = ctx.now()
    act = _report_action(principal, lambda r: r.escalate(reason=command.reason, by=principal.sub, now=now))
    return await ctx.execute(Report, command.report_id, act)


async def _ticket_of(ctx: CommandContext, report_id: str) -> Ticket:
    return await ctx.load(Ticket, ticket_id_for_report(report_id))


@dataclass(frozen=True, slots=True)
class JoinReport:
    """Join a report as a co-reporter (the same matter, found again)."""

    report_id: str
    note: str = ""
    photo_upload_ids: list[str] = dataclasses.field(default_factory=list)


async def join_report(ctx: CommandContext, command: JoinReport) -> CommandResult:
    """A grid member who found the same matter joins the report as a co-reporter."""
    principal = ctx.principal
    community_id = authz.join_report(principal)
    await _require_uploads(ctx, command.photo_upload_ids, "photo_upload_ids")
    ticket = await _ticket_of(ctx, command.report_id)
    now = ctx.now()

    def act(r: Report) -> dict:
        if r.filed is None or r.community_id != community_id:
            raise NotFound("report_not_found", "本社区没有该上报")
        r.join(
            person_id=principal.sub,
            person_name=principal.name,
            note=command.note,
            photo_upload_ids=command.photo_upload_ids,
            ticket_closed_at=ticket.closed_at,
            now=now,
        )
        return {"report_id": r.id}

    return await ctx.execute(Report, command.report_id, act)


@dataclass(frozen=True, slots=True)
class MergeReport:
    """Merge the duplicate ``report_id`` into the report ``into`` (the dispatcher)."""

    report_id: str
    into: str


async def merge_report(ctx: CommandContext, command: MergeReport) -> CommandResult:
    """Merge a duplicate into the report it repeats: ``ReportMerged`` on the duplicate, then its
    reporter joins the kept one (``ReportJoined``, ``via="merge"``). Both steps are idempotent, so
    a merge interrupted between them completes when it is sent again."""
    principal, report_id, into = ctx.principal, command.report_id, command.into
    community_id = authz.dispatcher(principal)
    kept = await ctx.load(Report, into)
    if kept.filed is not None and kept.community_id != community_id:
        raise Forbidden("not_your_community", "只能合并本社区的上报", field="into")
    duplicate_ticket = await _ticket_of(ctx, report_id)
    kept_ticket = await _ticket_of(ctx, into) if into != report_id else duplicate_ticket
    now = ctx.now()

    def merge(d: Report) -> dict:
        if d.filed is None:
            raise NotFound("report_not_found", "找不到该上报")
        authz.dispatcher(principal, d.community_id)
        d.merge_into(
            kept,
            has_ticket=duplicate_ticket.state is not None,
            kept_ticket_closed_at=kept_ticket.closed_at,
            by=principal.sub,
            now=now,
        )
        assert d.filed is not None
        return {
            "report_id": d.id,
            "into_report_id": into,
            "reporter_id": d.filed.reporter_id,
            "reporter_name": d.filed.reporter_name,
        }

    merged = await ctx.execute(Report, report_id, merge)
    data = merged.data or {}

    def join(k: Report) -> None:
        k.join(
            person_id=data["reporter_id"],
            person_name=data["reporter_name"],
            ticket_closed_at=None,
            now=now,
            merged_report_id=report_id,
        )

    # The second step is the merge's own, not the request's: it is not remembered under the key.
    joined = await dataclasses.replace(ctx, idempotency=None).execute(Report, into, join)
    # The later append's position, so that reading after it shows both reports changed.
    latest = joined if joined.events else merged
    return latest.model_copy(update={"data": {"report_id": report_id, "into_report_id": into}})


# --- tickets --------------------------------------------------------------------------------


def ticket_id_for_report(report_id: str) -> str:
    """A report becomes at most one ticket: its ticket's id follows from the report's."""
    return "tkt_" + report_id.removeprefix("rpt_")


@dataclass(frozen=True, slots=True)
class DispatchTicket:
    """Dispatch a ticket to a department by category (吹哨派单), from an escalated report or not."""

    category: str
    kind: TicketKind
    title: str
    text: str
    address: str = ""
    report_id: str | None = None
    department_id: str | None = None


async def dispatch_ticket(ctx: CommandContext, command: DispatchTicket) -> CommandResult:
    principal, report_id = ctx.principal, command.report_id
    community_id = authz.dispatcher(principal)
    grid_id: str | None = None
    if report_id is not None:
        report = await ctx.load(Report, report_id)
        if report.filed is None or report.community_id != community_id:
            raise NotFound("report_not_found", "本社区没有该上报", field="report_id")
        if report.state != "escalated":
            raise Conflict("report_not_escalated", "只有网格上报社区的事项可以派单", state=report.state)
        grid_id = report.grid_id
        ticket_id = ticket_id_for_report(report_id)
    else:
        ticket_id = new_id("tkt")
    routing = (await ctx.load(Directory, DIRECTORY_STREAM)).route(
        category=command.category, kind=command.kind, department_id=command.department_id
    )
    calendar = await load_calendar(ctx.runtime.pool)
    now = ctx.now()

    def act(t: Ticket) -> dict:
        t.dispatch(
            community_id=community_id,
            grid_id=grid_id,
            report_id=report_id,
            category=command.category,
            kind=command.kind,
            title=command.title,
            text=command.text,
            address=command.address,
            routing=routing,
            calendar=calendar,
            dispatched_by=principal.sub,
            now=now,
        )
        return _ticket_data(t, calendar)

    return await ctx.execute(Ticket, ticket_id, act)


def _ticket_data(t: Ticket, calendar: Any) -> dict[str, Any]:
    assert t.deadline is not None and t.accept_by is not None
    data: dict[str, Any] = {
        "ticket_id": t.id,
        "department_id": t.department_id,
        "accept_by": t.accept_by.isoformat(),
        "deadline": t.deadline.isoformat(),
    }
    warning = calendar.warning_for(t.deadline.date())
    if warning:
        data["calendar_warning"] = warning
    return data


def _ticket_action(check: Callable[[Ticket], None], fn: Callable[[Ticket], Any]) -> Callable[[Ticket], Any]:
    def act(t: Ticket) -> Any:
        if t.state is None:
            raise NotFound("ticket_not_found", "找不到该工单")
        check(t)
        return fn(t)

    return act


@dataclass(frozen=True, slots=True)
class RedispatchTicket:
    """Dispatch a returned ticket again, usually to another department."""

    ticket_id: str
    department_id: str | None = None


async def redispatch_ticket(ctx: CommandContext, command: RedispatchTicket) -> CommandResult:
    principal = ctx.principal
    directory = await ctx.load(Directory, DIRECTORY_STREAM)
    calendar = await load_calendar(ctx.runtime.pool)
    now = ctx.now()

    def redispatch(t: Ticket) -> dict:
        assert t.dispatched is not None
        routing = directory.route(category=t.dispatched.category, kind=t.kind, department_id=command.department_id)
        t.redispatch(routing=routing, calendar=calendar, dispatched_by=principal.sub, now=now)
        return _ticket_data(t, calendar)

    act = _ticket_action(lambda t: authz.dispatcher(principal, t.community_id), redispatch)
    return await ctx.execute(Ticket, command.ticket_id, act)


async def _by_department(
    ctx: CommandContext, ticket_id: str, step: Callable[[Ticket, dt.datetime], None]
) -> CommandResult:
    """Accept, return, handle, report back, request an extension: by the department holding it."""
    now = ctx.now()
    act = _ticket_action(lambda t: authz.department_handler(ctx.principal, t.department_id), lambda t: step(t, now))
    return await ctx.execute(Ticket, ticket_id, act)


async def _by_dispatcher(
    ctx: CommandContext, ticket_id: str, step: Callable[[Ticket, dt.datetime], None]
) -> CommandResult:
    """Verify, close, decide an extension, record the revisit: by the dispatcher of its community."""
    now = ctx.now()
    act = _ticket_action(lambda t: authz.dispatcher(ctx.principal, t.community_id), lambda t: step(t, now))
    return await ctx.execute(Ticket, ticket_id, act)


@dataclass(frozen=True, slots=True)
class AcceptTicket:
    """Accept (签收) a ticket sent to one's department."""

    ticket_id: str


async def accept_ticket(ctx: CommandContext, command: AcceptTicket) -> CommandResult:
    principal = ctx.principal
    return await _by_department(
        ctx,
        command.ticket_id,
        lambda t, now: t.accept(handler_id=principal.sub, handler_name=principal.name, now=now),
    )


@dataclass(frozen=True, slots=True)
class ReturnTicket:
    """Return a ticket one's department does not own (退单)."""

    ticket_id: str
    reason: str


async def return_ticket(ctx: CommandContext, command: ReturnTicket) -> CommandResult:
    return await _by_department(ctx, command.ticket_id, lambda t, now: t.return_ticket(reason=command.reason, now=now))


@dataclass(frozen=True, slots=True)
class HandleTicket:
    """Mark the matter handled on site."""

    ticket_id: str
    note: str = ""


async def handle_ticket(ctx: CommandContext, command: HandleTicket) -> CommandResult:
    return await _by_department(ctx, command.ticket_id, lambda t, now: t.handle(note=command.note, now=now))


@dataclass(frozen=True, slots=True)
class ReportBack:
    """Report a ticket's result with evidence (handles it too if needed)."""

    ticket_id: str
    result: str
    evidence_upload_ids: list[str] = dataclasses.field(default_factory=list)


async def report_back(ctx: CommandContext, command: ReportBack) -> CommandResult:
    await _require_uploads(ctx, command.evidence_upload_ids, "evidence_upload_ids")
    return await _by_department(
        ctx,
        command.ticket_id,
        lambda t, now: t.report_back(result=command.result, evidence_upload_ids=command.evidence_upload_ids, now=now),
    )


@dataclass(frozen=True, slots=True)
class VerifyTicket:
    """Verify a ticket's result (and close it); failing sends it back."""

    ticket_id: str
    passed: bool = True
    comment: str = ""
    close: bool = True


async def verify_ticket(ctx: CommandContext, command: VerifyTicket) -> CommandResult:
    principal = ctx.principal
    return await _by_dispatcher(
        ctx,
        command.ticket_id,
        lambda t, now: t.verify(
            passed=command.passed, comment=command.comment, verified_by=principal.sub, close=command.close, now=now
        ),
    )


@dataclass(frozen=True, slots=True)
class CloseTicket:
    """Close a verified ticket."""

    ticket_id: str


async def close_ticket(ctx: CommandContext, command: CloseTicket) -> CommandResult:
    return await _by_dispatcher(ctx, command.ticket_id, lambda t, now: t.close(now=now))


@dataclass(frozen=True, slots=True)
class RequestExtension:
    """Ask for more time, before the deadline."""

    ticket_id: str
    reason: str
    requested_deadline: dt.datetime


async def request_extension(ctx: CommandContext, command: RequestExtension) -> CommandResult:
    return await _by_department(
        ctx,
        command.ticket_id,
        lambda t, now: t.request_extension(
            reason=command.reason, requested_deadline=command.requested_deadline, now=now
        ),
    )


@dataclass(frozen=True, slots=True)
class DecideExtension:
    """Approve or refuse a pending extension request."""

    ticket_id: str
    approve: bool
    reason: str = ""


async def decide_extension(ctx: CommandContext, command: DecideExtension) -> CommandResult:
    principal = ctx.principal
    return await _by_dispatcher(
        ctx,
        command.ticket_id,
        lambda t, now: t.decide_extension(
            approve=command.approve, reason=command.reason, decided_by=principal.sub, now=now
        ),
    )


@dataclass(frozen=True, slots=True)
class UrgeTicket:
    """督办/催办 an overdue ticket."""

    ticket_id: str
    note: str


async def urge_ticket(ctx: CommandContext, command: UrgeTicket) -> CommandResult:
    """督办/催办 an overdue ticket: its community's dispatcher or the district."""
    principal = ctx.principal
    now = ctx.now()
    act = _ticket_action(
        lambda t: authz.supervisor(principal, t.community_id),
        lambda t: t.urge(note=command.note, urged_by=principal.sub, urged_by_name=principal.name, now=now),
    )
    return await ctx.execute(Ticket, command.ticket_id, act)


@dataclass(frozen=True, slots=True)
class RecordSatisfaction:
    """Record the revisit (回访) of a ticket: satisfied, partly solved or not solved."""

    ticket_id: str
    satisfaction: RevisitAnswer
    comment: str = ""
    note: str = ""


async def record_satisfaction(ctx: CommandContext, command: RecordSatisfaction) -> CommandResult:
    principal = ctx.principal
    calendar = await load_calendar(ctx.runtime.pool)
    return await _by_dispatcher(
        ctx,
        command.ticket_id,
        lambda t, now: t.record_satisfaction(
            satisfaction=command.satisfaction,
            comment=command.comment,
            note=command.note,
            recorded_by=principal.sub,
            calendar=calendar,
            now=now,
        ),
    )


# --- micro-wishes ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CollectWish:
    """Collect a resident's micro-wish."""

    resident_name: str
    title: str
    description: str
    category: str
    grid_id: str | None = None


async def collect_wish(ctx: CommandContext, command: CollectWish) -> CommandResult:
    principal = ctx.principal
    community_id, grid_id = authz.collect_wish(principal, command.grid_id)
    wish_id = new_id("wsh")
    now = ctx.now()

    def act(w: Wish) -> dict:
        w.collect(
            community_id=community_id,
            grid_id=grid_id,
            resident_name=command.resident_name,
            title=command.title,
            description=command.description,
            category=command.category,
            collected_by=principal.sub,
            now=now,
        )
        return {"wish_id": wish_id}

    return await ctx.execute(Wish, wish_id, act)


def _wish_action(check: Callable[[Wish], None], fn: Callable[[Wish], Any]) -> Callable[[Wish], Any]:
    def act(w: Wish) -> Any:
        if w.state is None:
            raise NotFound("wish_not_found", "找不到该心愿")
        check(w)
        return fn(w)

    return act


@dataclass(frozen=True, slots=True)
class ScreenWish:
    """Approve a wish onto the demand list, or reject it with a reason."""

    wish_id: str
    approve: bool
    reason: str = ""


async def screen_wish(ctx: CommandContext, command: ScreenWish) -> CommandResult:
    principal = ctx.principal
    now = ctx.now()
    act = _wish_action(
        lambda w: authz.screen_wish(principal, w.community_id),
        lambda w: w.screen(approve=command.approve, reason=command.reason, by=principal.sub, now=now),
    )
    return await ctx.execute(Wish, command.wish_id, act)


@dataclass(frozen=True, slots=True)
class ClaimWish:
    """Claim a wish (党员接单), with one's offer on the resource list or not."""

    wish_id: str
    resource_id: str | None = None


async def claim_wish(ctx: CommandContext, command: ClaimWish) -> CommandResult:
    principal, resource_id = ctx.principal, command.resource_id
    if resource_id is not None:
        resource = await ctx.load(Resource, resource_id)
        if resource.offered is None:
            raise NotFound("resource_not_found", "找不到该资源", field="resource_id")
        if resource.offered.offerer_id != principal.sub:
            raise Invalid("resource_not_yours", "只能用自己登记的资源认领心愿", field="resource_id")
    now = ctx.now()
    act = _wish_action(
        lambda w: None,
        lambda w: w.claim(
            claimant_id=principal.sub,
            claimant_name=principal.name,
            claimant_kind=authz.claimant_kind(principal, w.community_id),
            resource_id=resource_id,
            now=now,
        ),
    )
    return await ctx.execute(Wish, command.wish_id, act)


@dataclass(frozen=True, slots=True)
class ReleaseWish:
    """Give a claimed wish back to the demand list."""

    wish_id: str
    reason: str = ""


async def release_wish(ctx: CommandContext, command: ReleaseWish) -> CommandResult:
    principal = ctx.principal
    now = ctx.now()

    def release(w: Wish) -> None:
        by_admin = principal.has("community_admin") and principal.scope("community") == w.community_id
        w.release(by=principal.sub, by_admin=by_admin, reason=command.reason, now=now)

    return await ctx.execute(Wish, command.wish_id, _wish_action(lambda w: None, release))


@dataclass(frozen=True, slots=True)
class FulfilWish:
    """Record a wish fulfilled, with evidence."""

    wish_id: str
    note: str = ""
    evidence_upload_ids: list[str] = dataclasses.field(default_factory=list)


async def fulfil_wish(ctx: CommandContext, command: FulfilWish) -> CommandResult:
    principal = ctx.principal
    await _require_uploads(ctx, command.evidence_upload_ids, "evidence_upload_ids")
    now = ctx.now()
    act = _wish_action(
        lambda w: None,
        lambda w: w.fulfil(
            by=principal.sub, note=command.note, evidence_upload_ids=command.evidence_upload_ids, now=now
        ),
    )
    return await ctx.execute(Wish, command.wish_id, act)


@dataclass(frozen=True, slots=True)
class RevisitWish:
    """Revisit the resident after a wish's fulfilment."""

    wish_id: str
    satisfaction: Satisfaction
    comment: str = ""


async def revisit_wish(ctx: CommandContext, command: RevisitWish) -> CommandResult:
    principal = ctx.principal
    now = ctx.now()
    act = _wish_action(
        lambda w: authz.revisit_wish(principal, w.community_id),
        lambda w: w.revisit(satisfaction=command.satisfaction, comment=command.comment, by=principal.sub, now=now),
    )
    return await ctx.execute(Wish, command.wish_id, act)


@dataclass(frozen=True, slots=True)
class OfferResource:
    """Offer help on a community's resource list (units and party members)."""

    community_id: str
    title: str
    description: str
    capacity: int = 1


async def offer_resource(ctx: CommandContext, command: OfferResource) -> CommandResult:
    principal = ctx.principal
    kind = authz.claimant_kind(principal, command.community_id)
    resource_id = new_id("res")
    now = ctx.now()

    def act(r: Resource) -> dict:
        r.offer(
            community_id=command.community_id,
            offerer_id=principal.sub,
            offerer_name=principal.name,
            offerer_kind=kind,
            title=command.title,
            description=command.description,
            capacity=command.capacity,
            now=now,
        )
        return {"resource_id": resource_id}

    return await ctx.execute(Resource, resource_id, act)
