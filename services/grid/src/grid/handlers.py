"""One function per command: authorize, load the aggregate, let it decide, append (via ``execute``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from grassroots_common import uploads
from grassroots_common.aggregate import Aggregate
from grassroots_common.auth import Principal
from grassroots_common.calendar_projection import load_calendar
from grassroots_common.commands import CommandResult, Idempotency, execute
from grassroots_common.errors import Conflict, Forbidden, Invalid, NotFound
from grassroots_common.events import Metadata
from grassroots_common.ids import new_id
from grassroots_common.runtime import Runtime
from grid import authz
from grid.domain.community import Community
from grid.domain.directory import DIRECTORY_STREAM, Directory
from grid.domain.report import Report
from grid.domain.ticket import Ticket
from grid.domain.wish import Resource, Wish

A = TypeVar("A", bound=Aggregate)


async def _run(
    runtime: Runtime,
    cls: type[A],
    stream_id: str,
    action: Callable[[A], dict[str, Any] | None],
    meta: Metadata,
    idempotency: Idempotency | None,
) -> CommandResult:
    return await execute(
        runtime.store, cls, stream_id, action, meta, idempotency=idempotency, on_appended=runtime.wake_relay
    )


async def _require_uploads(runtime: Runtime, ids: list[str], field: str) -> None:
    missing = await uploads.missing_uploads(runtime.pool, ids)
    if missing:
        raise Invalid("upload_not_found", f"找不到上传的文件：{'、'.join(missing)}，请重新上传", field=field)


async def _directory(runtime: Runtime) -> Directory:
    return Directory.from_recorded(DIRECTORY_STREAM, await runtime.store.load(DIRECTORY_STREAM))


# --- hierarchy ------------------------------------------------------------------------------


async def register_community(
    runtime: Runtime, principal: Principal, meta: Metadata, *, body: dict[str, Any], idempotency: Idempotency | None
) -> CommandResult:
    authz.district_admin(principal)
    community_id = body.pop("community_id", None) or new_id("com")
    now = runtime.clock()

    def act(c: Community) -> dict:
        c.register(**body, now=now)
        return {"community_id": community_id}

    return await _run(runtime, Community, community_id, act, meta, idempotency)


async def define_grid(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    community_id: str,
    body: dict[str, Any],
    idempotency: Idempotency | None,
) -> CommandResult:
    authz.manage_community(principal, community_id)
    grid_id = body.pop("grid_id", None) or new_id("grd")
    now = runtime.clock()

    def act(c: Community) -> dict:
        c.define_grid(grid_id=grid_id, **body, now=now)
        return {"grid_id": grid_id}

    return await _run(runtime, Community, community_id, act, meta, idempotency)


async def assign_member(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    community_id: str,
    body: dict[str, Any],
    idempotency: Idempotency | None,
) -> CommandResult:
    authz.manage_community(principal, community_id)
    now = runtime.clock()
    return await _run(runtime, Community, community_id, lambda c: c.assign(**body, now=now), meta, idempotency)


async def remove_member(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    community_id: str,
    person_id: str,
    reason: str,
    idempotency: Idempotency | None,
) -> CommandResult:
    authz.manage_community(principal, community_id)
    now = runtime.clock()
    return await _run(
        runtime,
        Community,
        community_id,
        lambda c: c.remove(person_id=person_id, reason=reason, now=now),
        meta,
        idempotency,
    )


async def register_department(
    runtime: Runtime, principal: Principal, meta: Metadata, *, body: dict[str, Any], idempotency: Idempotency | None
) -> CommandResult:
    authz.district_admin(principal)
    department_id = body.pop("department_id", None) or new_id("dep")
    now = runtime.clock()

    def act(d: Directory) -> dict:
        d.register_department(department_id=department_id, **body, now=now)
        return {"department_id": department_id}

    return await _run(runtime, Directory, DIRECTORY_STREAM, act, meta, idempotency)


async def set_routing_rule(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    category: str,
    body: dict[str, Any],
    idempotency: Idempotency | None,
) -> CommandResult:
    authz.district_admin(principal)
    now = runtime.clock()
    return await _run(
        runtime,
        Directory,
        DIRECTORY_STREAM,
        lambda d: d.set_rule(category=category, **body, now=now),
        meta,
        idempotency,
    )


# --- patrol reports -------------------------------------------------------------------------


async def file_report(
    runtime: Runtime, principal: Principal, meta: Metadata, *, body: dict[str, Any], idempotency: Idempotency | None
) -> CommandResult:
    community_id, grid_id = authz.reporting_grid(principal, body.pop("grid_id", None))
    await _require_uploads(runtime, body["photo_upload_ids"], "photo_upload_ids")
    report_id = new_id("rpt")
    now = runtime.clock()

    def act(r: Report) -> dict:
        r.file(
            community_id=community_id,
            grid_id=grid_id,
            reporter_id=principal.sub,
            reporter_name=principal.name,
            **body,
            now=now,
        )
        return {"report_id": report_id}

    return await _run(runtime, Report, report_id, act, meta, idempotency)


def _report_action(principal: Principal, fn: Callable[[Report], None]) -> Callable[[Report], None]:
    def act(r: Report) -> None:
        if r.filed is None:
            raise NotFound("report_not_found", "找不到该上报")
        authz.act_on_report(principal, r.community_id, r.grid_id)
        fn(r)

    return act


async def resolve_report(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    report_id: str,
    resolution: str,
    photo_upload_ids: list[str],
    idempotency: Idempotency | None,
) -> CommandResult:
    await _require_uploads(runtime, photo_upload_ids, "photo_upload_ids")
    now = runtime.clock()
    act = _report_action(
        principal,
        lambda r: r.resolve_in_grid(
            resolution=resolution, photo_upload_ids=photo_upload_ids, by=principal.sub, now=now
        ),
    )
    return await _run(runtime, Report, report_id, act, meta, idempotency)


async def escalate_report(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    report_id: str,
    reason: str,
    idempotency: Idempotency | None,
) -> CommandResult:
    now = runtime.clock()
    act = _report_action(principal, lambda r: r.escalate(reason=reason, by=principal.sub, now=now))
    return await _run(runtime, Report, report_id, act, meta, idempotency)


async def _ticket_of(runtime: Runtime, report_id: str) -> Ticket:
    ticket_id = ticket_id_for_report(report_id)
    return Ticket.from_recorded(ticket_id, await runtime.store.load(ticket_id))


async def join_report(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    report_id: str,
    note: str,
    photo_upload_ids: list[str],
    idempotency: Idempotency | None,
) -> CommandResult:
    """A grid member who found the same matter joins the report as a co-reporter."""
    community_id = authz.join_report(principal)
    await _require_uploads(runtime, photo_upload_ids, "photo_upload_ids")
    ticket = await _ticket_of(runtime, report_id)
    now = runtime.clock()

    def act(r: Report) -> dict:
        if r.filed is None or r.community_id != community_id:
            raise NotFound("report_not_found", "本社区没有该上报")
        r.join(
            person_id=principal.sub,
            person_name=principal.name,
            note=note,
            photo_upload_ids=photo_upload_ids,
            ticket_closed_at=ticket.closed_at,
            now=now,
        )
        return {"report_id": r.id}

    return await _run(runtime, Report, report_id, act, meta, idempotency)


async def merge_report(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    report_id: str,
    into: str,
    idempotency: Idempotency | None,
) -> CommandResult:
    """Merge a duplicate into the report it repeats: ``ReportMerged`` on the duplicate, then its
    reporter joins the kept one (``ReportJoined``, ``via="merge"``). Both steps are idempotent, so
    a merge interrupted between them completes when it is sent again."""
    community_id = authz.dispatcher(principal)
    kept = Report.from_recorded(into, await runtime.store.load(into))
    if kept.filed is not None and kept.community_id != community_id:
        raise Forbidden("not_your_community", "只能合并本社区的上报", field="into")
    duplicate_ticket = await _ticket_of(runtime, report_id)
    kept_ticket = await _ticket_of(runtime, into) if into != report_id else duplicate_ticket
    now = runtime.clock()

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

    merged = await _run(runtime, Report, report_id, merge, meta, idempotency)
    data = merged.data or {}

    def join(k: Report) -> None:
        k.join(
            person_id=data["reporter_id"],
            person_name=data["reporter_name"],
            ticket_closed_at=None,
            now=now,
            merged_report_id=report_id,
        )

    joined = await _run(runtime, Report, into, join, meta, None)
    # The later append's position, so that reading after it shows both reports changed.
    latest = joined if joined.events else merged
    return latest.model_copy(update={"data": {"report_id": report_id, "into_report_id": into}})


# --- tickets --------------------------------------------------------------------------------


def ticket_id_for_report(report_id: str) -> str:
    """A report becomes at most one ticket: its ticket's id follows from the report's."""
    return "tkt_" + report_id.removeprefix("rpt_")


async def dispatch_ticket(
    runtime: Runtime, principal: Principal, meta: Metadata, *, body: dict[str, Any], idempotency: Idempotency | None
) -> CommandResult:
    community_id = authz.dispatcher(principal)
    report_id = body.pop("report_id", None)
    grid_id = body.pop("grid_id", None)
    if report_id is not None:
        report = Report.from_recorded(report_id, await runtime.store.load(report_id))
        if report.filed is None or report.community_id != community_id:
            raise NotFound("report_not_found", "本社区没有该上报", field="report_id")
        if report.state != "escalated":
            raise Conflict("report_not_escalated", "只有网格上报社区的事项可以派单", state=report.state)
        grid_id = report.grid_id
        ticket_id = ticket_id_for_report(report_id)
    else:
        ticket_id = new_id("tkt")
    routing = (await _directory(runtime)).route(
        category=body["category"], kind=body["kind"], department_id=body.pop("department_id", None)
    )
    calendar = await load_calendar(runtime.pool)
    now = runtime.clock()

    def act(t: Ticket) -> dict:
        t.dispatch(
            community_id=community_id,
            grid_id=grid_id,
            report_id=report_id,
            **body,
            routing=routing,
            calendar=calendar,
            dispatched_by=principal.sub,
            now=now,
        )
        return _ticket_data(t, calendar)

    return await _run(runtime, Ticket, ticket_id, act, meta, idempotency)


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


async def redispatch_ticket(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    ticket_id: str,
    department_id: str | None,
    idempotency: Idempotency | None,
) -> CommandResult:
    directory = await _directory(runtime)
    calendar = await load_calendar(runtime.pool)
    now = runtime.clock()

    def redispatch(t: Ticket) -> dict:
        assert t.dispatched is not None
        routing = directory.route(category=t.dispatched.category, kind=t.kind, department_id=department_id)
        t.redispatch(routing=routing, calendar=calendar, dispatched_by=principal.sub, now=now)
        return _ticket_data(t, calendar)

    act = _ticket_action(lambda t: authz.dispatcher(principal, t.community_id), redispatch)
    return await _run(runtime, Ticket, ticket_id, act, meta, idempotency)


async def department_command(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    ticket_id: str,
    command: Callable[[Ticket, dt.datetime], None],
    idempotency: Idempotency | None,
) -> CommandResult:
    """Accept, return, handle, report back, request an extension: by the department holding it."""
    now = runtime.clock()
    act = _ticket_action(lambda t: authz.department_handler(principal, t.department_id), lambda t: command(t, now))
    return await _run(runtime, Ticket, ticket_id, act, meta, idempotency)


async def report_back(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    ticket_id: str,
    result: str,
    evidence_upload_ids: list[str],
    idempotency: Idempotency | None,
) -> CommandResult:
    await _require_uploads(runtime, evidence_upload_ids, "evidence_upload_ids")
    return await department_command(
        runtime,
        principal,
        meta,
        ticket_id=ticket_id,
        command=lambda t, now: t.report_back(result=result, evidence_upload_ids=evidence_upload_ids, now=now),
        idempotency=idempotency,
    )


async def dispatcher_command(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    ticket_id: str,
    command: Callable[[Ticket, dt.datetime], None],
    idempotency: Idempotency | None,
) -> CommandResult:
    """Verify, close, decide an extension: by the dispatcher of the ticket's community."""
    now = runtime.clock()
    act = _ticket_action(lambda t: authz.dispatcher(principal, t.community_id), lambda t: command(t, now))
    return await _run(runtime, Ticket, ticket_id, act, meta, idempotency)


async def urge_ticket(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    ticket_id: str,
    note: str,
    idempotency: Idempotency | None,
) -> CommandResult:
    """督办/催办 an overdue ticket: its community's dispatcher or the district."""
    now = runtime.clock()
    act = _ticket_action(
        lambda t: authz.supervisor(principal, t.community_id),
        lambda t: t.urge(note=note, urged_by=principal.sub, urged_by_name=principal.name, now=now),
    )
    return await _run(runtime, Ticket, ticket_id, act, meta, idempotency)


async def record_satisfaction(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    ticket_id: str,
    satisfaction: str,
    comment: str,
    note: str = "",
    idempotency: Idempotency | None,
) -> CommandResult:
    calendar = await load_calendar(runtime.pool)
    return await dispatcher_command(
        runtime,
        principal,
        meta,
        ticket_id=ticket_id,
        command=lambda t, now: t.record_satisfaction(
            satisfaction=satisfaction,
            comment=comment,
            note=note,
            recorded_by=principal.sub,
            calendar=calendar,
            now=now,
        ),
        idempotency=idempotency,
    )


async def check_deadlines(runtime: Runtime, ticket_id: str, now: dt.datetime, meta: Metadata) -> CommandResult:
    """The scheduler's command: raise what has fallen due on one ticket (nothing if nothing has)."""
    return await _run(runtime, Ticket, ticket_id, lambda t: t.check_deadlines(now=now), meta, None)


# --- micro-wishes ---------------------------------------------------------------------------


async def collect_wish(
    runtime: Runtime, principal: Principal, meta: Metadata, *, body: dict[str, Any], idempotency: Idempotency | None
) -> CommandResult:
    community_id, grid_id = authz.collect_wish(principal, body.pop("grid_id", None))
    wish_id = new_id("wsh")
    now = runtime.clock()

    def act(w: Wish) -> dict:
        w.collect(community_id=community_id, grid_id=grid_id, **body, collected_by=principal.sub, now=now)
        return {"wish_id": wish_id}

    return await _run(runtime, Wish, wish_id, act, meta, idempotency)


def _wish_action(check: Callable[[Wish], None], fn: Callable[[Wish], Any]) -> Callable[[Wish], Any]:
    def act(w: Wish) -> Any:
        if w.state is None:
            raise NotFound("wish_not_found", "找不到该心愿")
        check(w)
        return fn(w)

    return act


async def screen_wish(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    wish_id: str,
    approve: bool,
    reason: str,
    idempotency: Idempotency | None,
) -> CommandResult:
    now = runtime.clock()
    act = _wish_action(
        lambda w: authz.screen_wish(principal, w.community_id),
        lambda w: w.screen(approve=approve, reason=reason, by=principal.sub, now=now),
    )
    return await _run(runtime, Wish, wish_id, act, meta, idempotency)


async def claim_wish(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    wish_id: str,
    resource_id: str | None,
    idempotency: Idempotency | None,
) -> CommandResult:
    if resource_id is not None:
        resource = Resource.from_recorded(resource_id, await runtime.store.load(resource_id))
        if resource.offered is None:
            raise NotFound("resource_not_found", "找不到该资源", field="resource_id")
        if resource.offered.offerer_id != principal.sub:
            raise Invalid("resource_not_yours", "只能用自己登记的资源认领心愿", field="resource_id")
    now = runtime.clock()
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
    return await _run(runtime, Wish, wish_id, act, meta, idempotency)


async def release_wish(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    wish_id: str,
    reason: str,
    idempotency: Idempotency | None,
) -> CommandResult:
    now = runtime.clock()

    def release(w: Wish) -> None:
        by_admin = principal.has("community_admin") and principal.scope("community") == w.community_id
        w.release(by=principal.sub, by_admin=by_admin, reason=reason, now=now)

    return await _run(runtime, Wish, wish_id, _wish_action(lambda w: None, release), meta, idempotency)


async def fulfil_wish(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    wish_id: str,
    note: str,
    evidence_upload_ids: list[str],
    idempotency: Idempotency | None,
) -> CommandResult:
    await _require_uploads(runtime, evidence_upload_ids, "evidence_upload_ids")
    now = runtime.clock()
    act = _wish_action(
        lambda w: None,
        lambda w: w.fulfil(by=principal.sub, note=note, evidence_upload_ids=evidence_upload_ids, now=now),
    )
    return await _run(runtime, Wish, wish_id, act, meta, idempotency)


async def revisit_wish(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    wish_id: str,
    satisfaction: str,
    comment: str,
    idempotency: Idempotency | None,
) -> CommandResult:
    now = runtime.clock()
    act = _wish_action(
        lambda w: authz.revisit_wish(principal, w.community_id),
        lambda w: w.revisit(satisfaction=satisfaction, comment=comment, by=principal.sub, now=now),
    )
    return await _run(runtime, Wish, wish_id, act, meta, idempotency)


async def offer_resource(
    runtime: Runtime, principal: Principal, meta: Metadata, *, body: dict[str, Any], idempotency: Idempotency | None
) -> CommandResult:
    community_id = body.pop("community_id")
    kind = authz.claimant_kind(principal, community_id)
    resource_id = new_id("res")
    now = runtime.clock()

    def act(r: Resource) -> dict:
        r.offer(
            community_id=community_id,
            offerer_id=principal.sub,
            offerer_name=principal.name,
            offerer_kind=kind,
            **body,
            now=now,
        )
        return {"resource_id": resource_id}

    return await _run(runtime, Resource, resource_id, act, meta, idempotency)
