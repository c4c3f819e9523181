"""The dependencies routes declare: the runtime, the principal, the event metadata, the
idempotency key, and ``ReadAfter`` (read-your-writes)."""

from __future__ import annotations

from typing import Annotated, Any

import structlog
from fastapi import Depends, Header, Query, Request
from pydantic import BaseModel

from grassroots_common.auth import Principal
from grassroots_common.commands import Idempotency
from grassroots_common.errors import Unauthorized, Unavailable
from grassroots_common.events import Metadata
from grassroots_common.problems import refuses
from grassroots_common.projections.projection import Projection
from grassroots_common.projections.read_after import read_position, wait_for_position
from grassroots_common.runtime import Runtime


@refuses(503)
async def get_runtime(request: Request) -> Runtime:
    runtime = getattr(request.app.state, "runtime", None)
    if runtime is None:
        raise Unavailable("starting", "服务正在启动，请稍后重试")
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


@refuses(401, 403)
async def get_principal(request: Request, runtime: RuntimeDep) -> Principal:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("token_missing", "请先登录（缺少 Bearer 身份凭证）")
    principal = runtime.verifier.verify(token.strip())
    structlog.contextvars.bind_contextvars(actor=principal.sub)
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


async def get_metadata(request: Request, principal: PrincipalDep) -> Metadata:
    return Metadata(
        actor_id=principal.sub,
        actor_name=principal.name,
        actor_roles=tuple(sorted(principal.roles)),
        correlation_id=getattr(request.state, "correlation_id", ""),
        causation_id=request.headers.get("x-causation-id", ""),
        request_id=getattr(request.state, "request_id", ""),
        traceparent=request.headers.get("traceparent", ""),
    )


MetadataDep = Annotated[Metadata, Depends(get_metadata)]

IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="Retrying a request with the same key returns the first answer and appends nothing.",
        max_length=200,
    ),
]


def idempotency(key: str | None, principal: Principal, request: Request, body: Any = None) -> Idempotency | None:
    """The request's idempotency, if it carries a key; a pydantic body is fingerprinted as JSON, a
    request without a body as an empty object."""
    if not key:
        return None
    if isinstance(body, BaseModel):
        body = body.model_dump(mode="json")
    elif body is None:
        body = {}
    return Idempotency.of(key, principal.sub, f"{request.method} {_url_path(request)}", body)


def _url_path(request: Request) -> str:
    """``request.url.path`` without building the whole URL (host, query, a parse: about a quarter of
    the key's cost per request): the same escaping starlette applies before it parses."""
    return request.scope["path"].replace("?", "%3F").replace("#", "%23").replace("\\", "%5C")


# A store position, ``<tx_id>.<position>``: both are PostgreSQL bigints, so at most 18 digits each
# keeps every accepted value inside int64 (a larger one would fail in the database, not here).
AfterQuery = Annotated[
    str | None,
    Query(
        description="A command's `position`: wait until this read model includes it",
        pattern=r"^\d{1,18}\.\d{1,18}$",
        examples=["48213.1822"],
    ),
]


class ReadAfter:
    """``?after=<position>``: wait (bounded) until a projection has applied that command's events.

    ``ReadAfter(LogsProjection)`` names the read model by its class; the position is in its one
    source's store (name ``source`` for a projection that reads several)."""

    def __init__(self, projection: type[Projection], source: str | None = None) -> None:
        if source is None:
            if len(projection.sources) != 1:
                raise ValueError(f"{projection.__name__} reads {projection.sources}: name the source")
            source = projection.sources[0]
        self.projection = projection
        self.name = projection.name
        self.source = source

    async def __call__(self, runtime: RuntimeDep, after: AfterQuery = None) -> dict[str, dict[str, int | str]]:
        if after is not None and await self._concerns(runtime, after):
            await wait_for_position(runtime.pool, self.name, self.source, after, timeout=runtime.settings.read_wait_max)
        return await read_position(runtime.pool, self.name)

    async def _concerns(self, runtime: Runtime, after: str) -> bool:
        """Whether the command behind ``after`` raised an event this read model handles: a read
        model filtered to other types never reaches that position, so waiting would only time out.
        Known only for the service's own store; for another service's position, wait (bounded)."""
        projection = next((p for p in runtime.projections if p.name == self.name), None)
        if projection is None or self.source != runtime.settings.service or projection.event_types is None:
            return True
        rows = await runtime.pool.fetch("SELECT DISTINCT type FROM events WHERE tx_id = $1", int(after.split(".")[0]))
        return any(projection.handles(r["type"]) for r in rows)
