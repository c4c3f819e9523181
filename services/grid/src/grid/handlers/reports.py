"""Patrol reports' commands: file, resolve in the grid, escalate, join, merge."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from grassroots_common.auth import Principal
from grassroots_common.commands import CommandContext, CommandResult
from grassroots_common.contracts.grid import Urgency
from grassroots_common.errors import Forbidden, NotFound
from grassroots_common.ids import new_id
from grid import authz
from grid.domain.report import Report
from grid.domain.ticket import Ticket
from grid.handlers.tickets import ticket_id_for_report


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
    await ctx.require_uploads(command.photo_upload_ids, field="photo_upload_ids")
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
    await ctx.require_uploads(command.photo_upload_ids, field="photo_upload_ids")
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
    await ctx.require_uploads(command.photo_upload_ids, field="photo_upload_ids")
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
    community_id = authz.dispatcher(principal, action="report.merge")
    kept = await ctx.load(Report, into)
    if kept.filed is not None and kept.community_id != community_id:
        raise Forbidden("not_your_community", "只能合并本社区的上报", field="into")
    duplicate_ticket = await _ticket_of(ctx, report_id)
    kept_ticket = await _ticket_of(ctx, into) if into != report_id else duplicate_ticket
    now = ctx.now()

    def merge(d: Report) -> dict:
        if d.filed is None:
            raise NotFound("report_not_found", "找不到该上报")
        authz.dispatcher(principal, d.community_id, "report.merge")
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
