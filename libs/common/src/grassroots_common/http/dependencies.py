"""The dependencies routes declare: the runtime, the principal, the event metadata, the
idempotency key, and ``ReadAfter`` (read-your-writes)."""

from __future__ import annotations

from typing import Annotated, Any

import structlog
from fastapi import Depends, Header, Query, Request
from pydantic import BaseModel

from grassroots_common.auth import Principal
from grassroots_common.commands import CommandContext, Idempotency
from grassroots_common.errors import Unauthorized, Unavailable
from grassroots_common.events import Metadata
from grassroots_common.problems import refuses
from grassroots_common.projections.projection import Projection
from grassroots_common.projections.read_after import read_position, wait_for_position
from grassroots_common.runtime import Runtime
from grassroots_common.store import StorePosition


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


async def get_command_context(
    request: Request,
    runtime: RuntimeDep,
    principal: PrincipalDep,
    meta: MetadataDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> CommandContext:
    """The command's context. A key's record is scoped to the actor and the route (method and path)
    and fingerprints the raw body (a JSON body in its canonical form: a retry may serialize it again)."""
    idem = None
    if idempotency_key:
        route = f"{request.method} {_url_path(request)}"
        idem = Idempotency.of(idempotency_key, principal.sub, route, await request.body())
    return CommandContext(runtime, principal, meta, idem)


CommandDep = Annotated[CommandContext, Depends(get_command_context)]


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


# How far before a command's position a joined read model's last event is looked for: read-your-writes
# concerns what was written moments before; anything older has long been applied.
_JOINED_WINDOW = 10_000


class ReadAfter:
    """``?after=<position>``: wait (bounded) until a projection has applied that command's events.

    ``ReadAfter(LogsProjection)`` names the read model by its class; the position is in its one
    source's store (name ``source`` for a projection that reads several). ``joined``: the read
    models of the same source that the route's answer joins in (a ticket with its report's
    co-reporters), waited for too; the answer states the first one's positions."""

    def __init__(
        self, projection: type[Projection], source: str | None = None, *, joined: tuple[type[Projection], ...] = ()
    ) -> None:
        if source is None:
            if len(projection.sources) != 1:
                raise ValueError(f"{projection.__name__} reads {projection.sources}: name the source")
            source = projection.sources[0]
        if unread := [p.__name__ for p in joined if source not in p.sources]:
            raise ValueError(f"{unread} do not read {source}")
        self.projection = projection
        self.name = projection.name
        self.source = source
        self.waited = (projection.name, *(p.name for p in joined))

    async def __call__(self, runtime: RuntimeDep, after: AfterQuery = None) -> dict[str, dict[str, int | str]]:
        if after is not None:
            for name in self.waited:
                if (target := await self._target(runtime, name, after)) is not None:
                    await wait_for_position(
                        runtime.pool, name, self.source, target, timeout=runtime.settings.read_wait_max
                    )
        return await read_position(runtime.pool, self.name)

    async def _target(self, runtime: Runtime, name: str, after: str) -> str | None:
        """The position to wait for. ``after`` itself when the command behind it raised an event this
        read model handles. Otherwise the read model's own last event shortly before it (a read
        model filtered to other types never reaches ``after``, so waiting for it would only time
        out; a read joined to another one, the roster beside the logs, still needs what was written
        just before); None when there is none. Known only for the service's own store; for another
        service's position, ``after``."""
        projection = next((p for p in runtime.projections if p.name == name), None)
        if projection is None or self.source != runtime.settings.service or projection.event_types is None:
            return after
        target = StorePosition.parse(after)
        rows = await runtime.pool.fetch("SELECT DISTINCT type FROM events WHERE tx_id = $1", target.tx_id)
        if any(projection.handles(r["type"]) for r in rows):
            return after
        row = await runtime.pool.fetchrow(
            """SELECT tx_id, position FROM events
               WHERE position <= $2::bigint + $4::bigint AND position > $2::bigint - $4::bigint
                 AND (tx_id, position) <= ($1::bigint, $2::bigint)
                 AND type = ANY($3::text[])
               ORDER BY tx_id DESC, position DESC LIMIT 1""",
            target.tx_id,
            target.position,
            sorted(projection.event_types),
            _JOINED_WINDOW,
        )
        return None if row is None else str(StorePosition(row["tx_id"], row["position"]))
