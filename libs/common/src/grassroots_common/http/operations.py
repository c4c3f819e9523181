"""The operator API every service mounts: its projections, their lag and parked events (operators
and district administrators read them); a projection rebuilt (replayed) in the background with its
progress, and a parked event retried or skipped (operators only) — the same functions as the
``grassroots`` CLI."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from typing import Annotated

import structlog
from fastapi import Path, Query
from pydantic import BaseModel, Field

from grassroots_common.auth import Principal
from grassroots_common.errors import Conflict, Forbidden, NotFound
from grassroots_common.http.dependencies import PrincipalDep, RuntimeDep
from grassroots_common.jetstream import consumer_pending, stream_last_sequence
from grassroots_common.paging import Page, PageDep
from grassroots_common.projections.dead_letters import retry_parked, skip_parked
from grassroots_common.projections.projection import Projection
from grassroots_common.projections.rebuild import RebuildProgress, rebuild
from grassroots_common.routing import api_router
from grassroots_common.runtime import Runtime

log = structlog.get_logger(__name__)
router = api_router(prefix="/api/v1/ops", tags=["operations"])
OPS_ROLES = ("operator", "district_admin")
ProjectionPath = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]{0,62}$", examples=["tickets"])]


def _require_operator(principal: Principal) -> None:
    if not principal.has("operator"):
        raise Forbidden("operator_required", "重建读模型、处理搁置事件只能由运维人员操作")


class SourceLag(BaseModel):
    source: str
    checkpoint: int
    stream_last_sequence: int | None
    lag: int | None = Field(description="Events of the types this read model handles not yet applied")
    updated_at: dt.datetime | None


class ProjectionState(BaseModel):
    name: str
    state: str
    error: str | None
    unknown_events: int
    parked: int
    rebuilt_at: dt.datetime | None
    runner: str
    sources: list[SourceLag]


class RelayState(BaseModel):
    stream: str
    published_position: str
    lag_events: int


class OpsOverview(BaseModel):
    service: str
    relay: RelayState | None
    projections: list[ProjectionState]


class ParkedEvent(BaseModel):
    id: int
    projection: str
    source: str
    sequence: int
    event_type: str
    error: str
    attempts: int
    state: str
    parked_at: dt.datetime


@router.get("/projections", summary="Projections of this service: state, checkpoints, lag, parked events")
async def projections(runtime: RuntimeDep, principal: PrincipalDep) -> OpsOverview:
    principal.require(*OPS_ROLES)
    js = runtime.nc.jetstream() if runtime.nc is not None and runtime.nc.is_connected else None
    runners = {r.projection.name: r.status.state for r in runtime.runners}
    out: list[ProjectionState] = []
    for projection in runtime.projections:
        status = await runtime.pool.fetchrow(
            "SELECT state, error, unknown_events, rebuilt_at FROM projection_status WHERE projection=$1",
            projection.name,
        )
        parked = await runtime.pool.fetchval(
            "SELECT count(*) FROM dead_letters WHERE projection=$1 AND state='parked'", projection.name
        )
        sources = []
        for b in runtime.bindings(projection):
            row = await runtime.pool.fetchrow(
                "SELECT sequence, updated_at FROM projection_checkpoints WHERE projection=$1 AND source=$2",
                projection.name,
                b.source,
            )
            done = row["sequence"] if row else 0
            last = pending = None
            if js is not None:
                last = await stream_last_sequence(js, b.spec.name)
                pending = await consumer_pending(js, b.spec.name, b.consumer)
            sources.append(
                SourceLag(
                    source=b.source,
                    checkpoint=done,
                    stream_last_sequence=last,
                    lag=pending,
                    updated_at=row["updated_at"] if row else None,
                )
            )
        out.append(
            ProjectionState(
                name=projection.name,
                state=status["state"] if status else "not installed",
                error=status["error"] if status else None,
                unknown_events=status["unknown_events"] if status else 0,
                parked=parked,
                rebuilt_at=status["rebuilt_at"] if status else None,
                runner=runners.get(projection.name, "not running here"),
                sources=sources,
            )
        )
    relay = None
    if runtime.relay is not None:
        relay = RelayState(
            stream=runtime.relay.spec.name,
            published_position=str(runtime.relay.position),
            lag_events=await runtime.relay.lag(),
        )
    return OpsOverview(service=runtime.settings.service, relay=relay, projections=out)


@router.get("/dead-letters", summary="Parked events (retry or skip them here or with the grassroots CLI)")
async def dead_letters(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    page: PageDep,
    state: Annotated[str, Query(pattern="^(parked|retried|skipped)$")] = "parked",
) -> Page[ParkedEvent]:
    principal.require(*OPS_ROLES)
    total = await runtime.pool.fetchval("SELECT count(*) FROM dead_letters WHERE state=$1", state)
    rows = await runtime.pool.fetch(
        """SELECT id, projection, source, sequence, event_type, error, attempts, state, parked_at
           FROM dead_letters WHERE state=$1 ORDER BY id DESC LIMIT $2 OFFSET $3""",
        state,
        page.limit,
        page.offset,
    )
    return Page[ParkedEvent].of([ParkedEvent(**dict(r)) for r in rows], total, page)


class SourceProgress(BaseModel):
    source: str
    done: int
    total: int
    rate: float = Field(description="Events per second")
    eta_seconds: float


class RebuildJob(BaseModel):
    projection: str
    state: str = Field(description="running, done or failed")
    requested_by: str
    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    applied: int | None = Field(default=None, description="Events applied, once done")
    sources: list[SourceProgress] = []
    error: str | None = None

    @property
    def running(self) -> bool:
        return self.state == "running"


def _projection(runtime: Runtime, name: str) -> Projection:
    for projection in runtime.projections:
        if projection.name == name:
            return projection
    raise NotFound("projection_not_found", f"此服务没有名为 {name} 的读模型")


async def _run_rebuild(runtime: Runtime, projection: Projection, job: RebuildJob) -> None:
    def report(p: RebuildProgress) -> None:
        progress = SourceProgress(
            source=p.source, done=p.done, total=p.total, rate=round(p.rate, 1), eta_seconds=round(p.eta, 1)
        )
        job.sources = [s for s in job.sources if s.source != p.source] + [progress]

    began = time.monotonic()
    try:
        assert runtime.nc is not None
        job.applied = await rebuild(runtime.pool, runtime.nc, projection, runtime.bindings(projection), progress=report)
        job.state = "done"
        for s in job.sources:
            s.done, s.eta_seconds = s.total, 0.0
    except asyncio.CancelledError:
        job.state, job.error = "failed", "服务停止，重建中断；可重新发起"
        raise
    except Exception as exc:  # the job's answer carries it; the operator retries from the screen
        log.exception("ops.rebuild_failed", projection=projection.name)
        job.state, job.error = "failed", f"重建失败：{exc}"
    finally:
        job.finished_at = dt.datetime.now(dt.UTC)
        log.info("ops.rebuild", projection=projection.name, state=job.state, seconds=round(time.monotonic() - began, 2))


@router.post(
    "/projections/{name}/rebuild",
    summary="Rebuild (replay) a projection in the background; its progress is in GET /ops/rebuilds",
    status_code=202,
)
async def start_rebuild(name: ProjectionPath, runtime: RuntimeDep, principal: PrincipalDep) -> RebuildJob:
    _require_operator(principal)
    projection = _projection(runtime, name)
    current = runtime.rebuilds.get(name)
    if isinstance(current, RebuildJob) and current.running:
        raise Conflict("rebuild_running", "该读模型正在重建，请等它完成后再发起", projection=name)
    if runtime.nc is None or not runtime.nc.is_connected:
        raise Conflict("nats_unavailable", "事件流暂时连不上，无法重建；请稍后再试")
    job = RebuildJob(
        projection=name,
        state="running",
        requested_by=principal.name or principal.sub,
        started_at=dt.datetime.now(dt.UTC),
    )
    runtime.rebuilds[name] = job
    runtime.track(asyncio.create_task(_run_rebuild(runtime, projection, job)))
    return job


@router.get("/rebuilds", summary="Rebuilds started on this replica: the latest of each projection, with progress")
async def rebuilds(runtime: RuntimeDep, principal: PrincipalDep) -> list[RebuildJob]:
    principal.require(*OPS_ROLES)
    return [job for job in runtime.rebuilds.values() if isinstance(job, RebuildJob)]


class ParkedResolved(BaseModel):
    id: int
    projection: str
    state: str


async def _resolve(runtime: Runtime, principal: Principal, parked_id: int, action: str) -> ParkedResolved:
    _require_operator(principal)
    row = await runtime.pool.fetchrow("SELECT projection, state FROM dead_letters WHERE id = $1", parked_id)
    if row is None:
        raise NotFound("parked_not_found", "找不到该搁置事件")
    if row["state"] != "parked":
        done = "已重试" if row["state"] == "retried" else "已跳过"
        raise Conflict("not_parked", f"该事件{done}，无需再处理", state=row["state"])
    projection = _projection(runtime, row["projection"])
    try:
        if action == "retry":
            await retry_parked(runtime.pool, projection, parked_id)
        else:
            await skip_parked(runtime.pool, projection, parked_id)
    except LookupError as exc:  # resolved meanwhile by someone else
        raise Conflict("not_parked", "该事件刚被其他人处理，无需再处理") from exc
    except Exception as exc:  # the handler still fails on it: it stays parked
        raise Conflict("retry_failed", f"重试仍然失败，事件保持搁置：{exc}"[:500]) from exc
    return ParkedResolved(id=parked_id, projection=projection.name, state="retried" if action == "retry" else "skipped")


@router.post("/dead-letters/{parked_id}/retry", summary="Apply a parked event again; a stopped projection resumes")
async def retry(parked_id: Annotated[int, Path(ge=1)], runtime: RuntimeDep, principal: PrincipalDep) -> ParkedResolved:
    return await _resolve(runtime, principal, parked_id, "retry")


@router.post("/dead-letters/{parked_id}/skip", summary="Give up on a parked event; the checkpoint moves past it")
async def skip(parked_id: Annotated[int, Path(ge=1)], runtime: RuntimeDep, principal: PrincipalDep) -> ParkedResolved:
    return await _resolve(runtime, principal, parked_id, "skip")
