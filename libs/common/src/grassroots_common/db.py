"""PostgreSQL connection pools with the codecs every service uses (jsonb as Python objects)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import orjson


def _dumps(value: object) -> str:
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def json_texts(values: list[object]) -> list[str]:
    """For ``$n::text[]`` parameters cast to jsonb in SQL: asyncpg would read nested lists as
    extra array dimensions if passed as ``jsonb[]``."""
    return [_dumps(v) for v in values]


async def init_connection(conn: asyncpg.Connection) -> None:
    await conn.set_type_codec("jsonb", encoder=_dumps, decoder=orjson.loads, schema="pg_catalog")
    await conn.set_type_codec("json", encoder=_dumps, decoder=orjson.loads, schema="pg_catalog")


async def _keep_session(conn: asyncpg.Connection) -> None:
    """Pool connections are returned as they are: nothing here leaves session state behind
    (search_path is set per transaction, advisory locks that outlive a statement live on
    dedicated connections), and asyncpg's default reset costs a round trip per release."""


async def create_pool(dsn: str, *, min_size: int = 1, max_size: int = 10) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(
        dsn,
        min_size=min_size,
        max_size=max_size,
        init=init_connection,
        reset=_keep_session,
        command_timeout=60,
        server_settings={"application_name": "grassroots"},
    )
    assert pool is not None
    return pool


async def connect(
    dsn: str, *, application_name: str = "grassroots", settings: dict[str, str] | None = None
) -> asyncpg.Connection:
    conn = await asyncpg.connect(dsn, server_settings={"application_name": application_name, **(settings or {})})
    await init_connection(conn)
    return conn


@asynccontextmanager
async def snapshot(db: asyncpg.Pool | asyncpg.Connection) -> AsyncIterator[asyncpg.Connection]:
    """One connection reading one snapshot (repeatable read, read only): a page's rows and its
    total agree even when a write commits between the two queries. A connection already in a
    transaction (a read model folded as it stood at a time) is its own snapshot."""
    if isinstance(db, asyncpg.Connection):
        if db.is_in_transaction():
            yield db
            return
        async with db.transaction(isolation="repeatable_read", readonly=True):
            yield db
        return
    async with db.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        yield conn


async def page(
    pool: asyncpg.Pool | asyncpg.Connection,
    select: str,
    args: Sequence[Any],
    order: str,
    limit: int,
    offset: int,
    *,
    count: str | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """One page of ``select`` (a query with ``args`` as ``$1``…, its ``ORDER BY`` is ``order``,
    which may name its tables' aliases), and the total it has, read in one snapshot: the total
    always counts the rows the page is cut from. ``count`` is a cheaper query of the same rows to
    count, when ``select`` computes columns a count needs not (it takes the same ``args``)."""
    n = len(args)
    async with snapshot(pool) as conn:
        total = await conn.fetchval(count or f"SELECT count(*) FROM ({select}) AS counted", *args)
        rows = await conn.fetch(
            f"{select} ORDER BY {order} LIMIT ${n + 1} OFFSET ${n + 2}",
            *args,
            limit,
            offset,
        )
    return [dict(r) for r in rows], total
