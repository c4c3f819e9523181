"""Erasing a person (PIPL): the command, the read model every service keeps of it, and the worker
that rebuilds a service's read models without the person.

``erase_person`` appends ``PersonErased`` to the erasure owner's store (the audit record: its
metadata says who, the event when and why), then deletes the person's key (``Keystore``).
Every service projects the event (``ErasureProjection``): it forgets the key in its processes and
marks the erasure pending; ``scrub_erased`` then rebuilds each of the service's read models from
the streams, where the person's sealed values now read as "已删除", and marks it done. A crash
between the append and the key's deletion is mended by the projection, which deletes it too.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence

import asyncpg
import structlog
from nats.aio.client import Client as NATS

from grassroots_common import keystore, personal
from grassroots_common.aggregate import Aggregate
from grassroots_common.commands import CommandResult, Idempotency, execute
from grassroots_common.contracts.erasure import ERASURE_OWNER, PersonErased
from grassroots_common.errors import Conflict, NotFound
from grassroots_common.events import Event, Metadata, RecordedEvent
from grassroots_common.keystore import Keystore
from grassroots_common.projections.projection import Projection, SourceBinding, types_of
from grassroots_common.projections.rebuild import rebuild
from grassroots_common.store import EventStore

log = structlog.get_logger(__name__)

SCHEMA = "platform_erasures"
NOT_SCRUBBED = ("platform_erasures", "platform_calendar")
"""Read models that hold no person's data (and the erasures themselves): never rebuilt for one."""


class ErasureProjection(Projection):
    name = "platform_erasures"
    schema = SCHEMA
    sources = (ERASURE_OWNER,)
    event_types = types_of(PersonErased)
    ddl = """
    CREATE TABLE IF NOT EXISTS erasures (
        person_id text PRIMARY KEY,
        erased_at timestamptz NOT NULL,
        reason text NOT NULL,
        actor_id text NOT NULL,
        actor_name text NOT NULL,
        scrubbed_at timestamptz
    );
    """

    async def apply(self, conn: asyncpg.Connection, events: Sequence[RecordedEvent]) -> None:
        held = keystore.current()
        for e in events:
            person = e.data["person_id"]
            personal.forget(person)
            if held is not None:
                await held.delete_key(person)
            await conn.execute(
                """INSERT INTO erasures (person_id, erased_at, reason, actor_id, actor_name)
                   VALUES ($1, $2, $3, $4, $5) ON CONFLICT (person_id) DO UPDATE SET scrubbed_at = NULL""",
                person,
                dt.datetime.fromisoformat(e.data["erased_at"]),
                e.data["reason"],
                e.actor_id,
                str(e.metadata.get("actor_name", "")),
            )


def erasure_stream_id(person_id: str) -> str:
    return f"erasure-{person_id}"


class PersonErasure(Aggregate):
    """A person's erasure: once."""

    stream_type = PersonErased.stream_type

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.erased = False

    def when(self, event: Event) -> None:
        if isinstance(event, PersonErased):
            self.erased = True

    def erase(self, person_id: str, reason: str, now: dt.datetime) -> None:
        if self.erased:
            raise Conflict("already_erased", "此人的个人信息已经删除过了", person_id=person_id)
        self._raise(PersonErased(person_id=person_id, reason=reason, erased_at=now))


async def erase_person(
    store: EventStore,
    keystore: Keystore,
    person_id: str,
    reason: str,
    meta: Metadata,
    now: dt.datetime,
    *,
    idempotency: Idempotency | None = None,
) -> CommandResult:
    """Erase ``person_id``: the audit event appended, then the key deleted. Refused (404) for a
    person no event ever named, (409) for one already erased."""
    state = await keystore.state(person_id)
    if state is None:
        raise NotFound("person_unknown", f"没有任何记录提到编号为 {person_id} 的人，无需删除", field="person_id")
    result = await execute(
        store,
        PersonErasure,
        erasure_stream_id(person_id),
        lambda a: a.erase(person_id, reason, now),
        meta,
        idempotency=idempotency,
    )
    await keystore.erase(person_id, actor_id=meta.actor_id, reason=reason, request_id=meta.request_id)
    return result


async def erasures(pool: asyncpg.Pool, limit: int = 200) -> list[asyncpg.Record]:
    """The erasures this service has seen, the latest first: who, when, why, and whether its read
    models are rebuilt without the person yet."""
    return await pool.fetch(
        f"""SELECT person_id, erased_at, reason, actor_id, actor_name, scrubbed_at
            FROM {SCHEMA}.erasures ORDER BY erased_at DESC LIMIT $1""",
        limit,
    )


async def pending(pool: asyncpg.Pool) -> list[str]:
    rows = await pool.fetch(f"SELECT person_id FROM {SCHEMA}.erasures WHERE scrubbed_at IS NULL ORDER BY erased_at")
    return [r["person_id"] for r in rows]


async def scrub_erased(
    pool: asyncpg.Pool,
    nc: NATS | None,
    projections: Sequence[Projection],
    bindings: dict[str, list[SourceBinding]],
) -> list[str]:
    """One pass: when erasures are pending, rebuild every read model that may hold a person, then
    mark them done. Returns the persons scrubbed (none when nothing was pending or NATS is away)."""
    people = await pending(pool)
    if not people or nc is None or not nc.is_connected:
        return []
    held = keystore.current()
    if held is not None:  # another replica may have applied the erasure: ask the keystore
        await held.fetch(people)
    began = time.monotonic()
    for projection in projections:
        if projection.name in NOT_SCRUBBED:
            continue
        await rebuild(pool, nc, projection, bindings[projection.name])
    await pool.execute(
        f"UPDATE {SCHEMA}.erasures SET scrubbed_at = now() WHERE person_id = ANY($1) AND scrubbed_at IS NULL", people
    )
    log.info("erasure.scrubbed", people=len(people), seconds=round(time.monotonic() - began, 2))
    return people
