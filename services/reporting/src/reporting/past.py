"""Statistics as they stood at a past time (``?as_of=``): reporting's projections folded again from
the other services' streams, up to the events recorded by then (``grassroots_common.as_of``), and
the figures' own queries read from those folds.

The figures' SQL names the live schemas (``rpt_appraisal.people``); ``PastReader`` hands each
statement to the fold's connection with those names replaced by the schemas holding the past folds.
It replaces only the projections' own schema names followed by a dot, never anything else.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

from grassroots_common.as_of import PastStreams, as_of_streams
from grassroots_common.errors import Unavailable
from grassroots_common.runtime import Runtime
from reporting.projections import PROJECTIONS


class PastReader:
    """The read side of ``asyncpg`` (``fetch``, ``fetchrow``, ``fetchval``) over past folds."""

    def __init__(self, past: PastStreams) -> None:
        self.past = past
        names = sorted(past.schemas, key=len, reverse=True)
        self._pattern = re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\.") if names else None

    def sql(self, query: str) -> str:
        if self._pattern is None:
            return query
        return self._pattern.sub(lambda m: f"{self.past.schemas[m.group(1)]}.", query)

    async def fetch(self, query: str, *args: Any) -> list[asyncpg.Record]:
        return await self.past.conn.fetch(self.sql(query), *args)

    async def fetchrow(self, query: str, *args: Any) -> asyncpg.Record | None:
        return await self.past.conn.fetchrow(self.sql(query), *args)

    async def fetchval(self, query: str, *args: Any) -> Any:
        return await self.past.conn.fetchval(self.sql(query), *args)


@asynccontextmanager
async def past_read_models(runtime: Runtime, names: Iterable[str], at: dt.datetime) -> AsyncIterator[PastReader]:
    """The projections named ``names`` as they stood at ``at``, for the length of the block."""
    if runtime.nc is None or not runtime.nc.is_connected:
        raise Unavailable("history_unavailable", "暂时无法读取历史事件（消息服务未连接），请稍后再试")
    wanted = set(names)
    folds = [(p, runtime.bindings(p)) for p in PROJECTIONS if p.name in wanted]
    async with as_of_streams(runtime.pool, runtime.nc, folds, at) as past:
        yield PastReader(past)
