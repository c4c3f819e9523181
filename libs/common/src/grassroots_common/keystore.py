"""The persons' keys, kept apart from the events in their own database (``keys_database_url``,
by default ``grassroots_keys`` beside the service's database), shared by every service; and the
keystore of the running event loop, which fills the process's cache of keys
(``grassroots_common.personal``) for the store and for every consumer of NATS."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from grassroots_common import personal
from grassroots_common.embedded import ensure_database

KEYS_DATABASE = "grassroots_keys"  # the default: on the server of the events, apart from them

KEYS_DDL = """
CREATE TABLE IF NOT EXISTS person_keys (
    subject_id text PRIMARY KEY,
    key bytea,                      -- NULL once the person is erased
    created_at timestamptz NOT NULL DEFAULT now(),
    erased_at timestamptz
);
CREATE TABLE IF NOT EXISTS erasures (
    erasure_id bigserial PRIMARY KEY,
    subject_id text NOT NULL,
    erased_at timestamptz NOT NULL DEFAULT now(),
    actor_id text NOT NULL,
    reason text NOT NULL,
    request_id text NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS erasures_subject ON erasures (subject_id);
"""


@dataclass(frozen=True, slots=True)
class Erasure:
    subject_id: str
    erased_at: dt.datetime
    actor_id: str
    reason: str


class Keystore:
    """The persons' keys, in their own database; fills the process's cache of keys."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    @classmethod
    async def open(cls, dsn: str) -> Keystore:
        pool = await asyncpg.create_pool(dsn, min_size=1, max_size=4, command_timeout=30)
        assert pool is not None
        async with pool.acquire() as conn:
            await conn.execute("SELECT pg_advisory_lock(hashtext('grassroots:keystore'))")
            try:
                await conn.execute(KEYS_DDL)
            finally:
                await conn.execute("SELECT pg_advisory_unlock(hashtext('grassroots:keystore'))")
        return cls(pool)

    async def close(self) -> None:
        await self.pool.close()

    async def fetch(self, subjects: Iterable[str]) -> None:
        """Fetch the keys of ``subjects`` into the cache (a person without a key reads as erased)."""
        wanted = list(set(subjects))
        if not wanted:
            return
        rows = await self.pool.fetch("SELECT subject_id, key FROM person_keys WHERE subject_id = ANY($1)", wanted)
        found = {r["subject_id"]: r["key"] for r in rows}
        personal.remember({s: found.get(s) for s in wanted})

    async def ensure(self, subjects: Iterable[str]) -> None:
        """Keys for ``subjects`` in the cache, made for persons who have none yet."""
        missing = [s for s in set(subjects) if not personal.has_key(s)]
        if not missing:
            return
        fresh = [os.urandom(32) for _ in missing]
        await self.pool.execute(
            """INSERT INTO person_keys (subject_id, key) SELECT * FROM unnest($1::text[], $2::bytea[])
               ON CONFLICT (subject_id) DO NOTHING""",
            missing,
            fresh,
        )
        await self.fetch(missing)

    async def prepare(self, raws: Iterable[bytes]) -> None:
        """Before decoding JSON envelopes (from NATS): fetch the keys their sealed values need."""
        wanted: set[str] = set()
        for raw in raws:
            wanted |= personal.subjects_in_json(raw)
        await self.fetch(s for s in wanted if not personal.has_key(s))

    async def erase(self, subject: str, *, actor_id: str, reason: str, request_id: str = "") -> bool:
        """Delete ``subject``'s key and record who did it and why; False if it had none to delete."""
        async with self.pool.acquire() as conn, conn.transaction():
            erased = await conn.fetchval(
                """UPDATE person_keys SET key = NULL, erased_at = now()
                   WHERE subject_id = $1 AND key IS NOT NULL RETURNING true""",
                subject,
            )
            if erased:
                await conn.execute(
                    "INSERT INTO erasures (subject_id, actor_id, reason, request_id) VALUES ($1, $2, $3, $4)",
                    subject,
                    actor_id,
                    reason,
                    request_id,
                )
        personal.forget(subject)
        return bool(erased)

    async def delete_key(self, subject: str) -> None:
        """Delete ``subject``'s key if it is still there (an erasure's event seen again, or after a
        crash between the erasure's record and the deletion)."""
        await self.pool.execute(
            "UPDATE person_keys SET key = NULL, erased_at = now() WHERE subject_id = $1 AND key IS NOT NULL", subject
        )
        personal.forget(subject)

    async def state(self, subject: str) -> str | None:
        """ "active" while ``subject`` has a key, "erased" after, None if no event ever named them."""
        row = await self.pool.fetchrow(
            "SELECT key IS NOT NULL AS active FROM person_keys WHERE subject_id = $1", subject
        )
        return None if row is None else "active" if row["active"] else "erased"

    async def erasures(self, limit: int = 200) -> Sequence[Erasure]:
        rows = await self.pool.fetch(
            "SELECT subject_id, erased_at, actor_id, reason FROM erasures ORDER BY erasure_id DESC LIMIT $1", limit
        )
        return [Erasure(r["subject_id"], r["erased_at"], r["actor_id"], r["reason"]) for r in rows]


_ATTACHED: dict[int, list[Any]] = {}
"""By event loop: [keystore, dsn, how many runtimes use it]. Runtimes of one process (a test that
runs two services) share one; every service reads the same keys."""


async def attach(dsn: str) -> Keystore:
    """The keystore at ``dsn`` for this event loop (opened once, shared by the runtimes on it)."""
    loop = id(asyncio.get_running_loop())
    held = _ATTACHED.get(loop)
    if held is not None and held[1] == dsn:
        held[2] += 1
        return held[0]
    if held is not None:
        raise RuntimeError(f"another keystore is attached on this event loop: {held[1]}")
    await _ensure_database(dsn)
    keystore = await Keystore.open(dsn)
    _ATTACHED[loop] = [keystore, dsn, 1]
    return keystore


async def detach(keystore: Keystore) -> None:
    for loop, held in list(_ATTACHED.items()):
        if held[0] is keystore:
            held[2] -= 1
            if held[2] <= 0:
                del _ATTACHED[loop]
                await keystore.close()
            return


def current() -> Keystore | None:
    """The keystore attached on the running event loop; None where none is (the store then
    appends names as they are: tools and tests that run no service)."""
    try:
        held = _ATTACHED.get(id(asyncio.get_running_loop()))
    except RuntimeError:
        return None
    return held[0] if held is not None else None


async def prepare(raws: Iterable[bytes]) -> None:
    """Before decoding JSON envelopes: the keys their sealed values need, fetched."""
    keystore = current()
    if keystore is not None:
        await keystore.prepare(raws)


async def _ensure_database(dsn: str) -> None:
    """Create the keys database when it does not exist yet and the server lets us."""
    parts = urlsplit(dsn)
    try:
        conn = await asyncpg.connect(dsn)
    except asyncpg.InvalidCatalogNameError:
        admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, parts.fragment))
        await ensure_database(admin, parts.path.lstrip("/"))
        return
    await conn.close()
    await conn.close()
