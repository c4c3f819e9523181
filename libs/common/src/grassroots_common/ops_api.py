"""Read-only operator view every service mounts: its projections, their lag, and parked events."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Query
from pydantic import BaseModel, Field

from grassroots_common.http import PrincipalDep, RuntimeDep
from grassroots_common.jetstream import consumer_pending, stream_last_sequence
from grassroots_common.paging import Page, PageDep
from grassroots_common.routing import api_router

router = api_router(prefix="/api/v1/ops", tags=["operations"])
OPS_ROLES = ("operator", "district_admin")


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


@router.get("/dead-letters", summary="Parked events (retry or skip them with the grassroots CLI)")
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
    return Page[ParkedEvent](
        items=[ParkedEvent(**dict(r)) for r in rows], total=total, limit=page.limit, offset=page.offset
    )
