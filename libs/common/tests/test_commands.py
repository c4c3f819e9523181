"""``execute`` against both stores (PostgreSQL and memory): a stream that is usually new is written
in one statement, and every assumption it makes is checked by that statement."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable

import pytest

from grassroots_common.aggregate import Aggregate
from grassroots_common.commands import CommandStore, Idempotency, execute
from grassroots_common.db import create_pool
from grassroots_common.errors import Conflict, Invalid
from grassroots_common.events import Event, Metadata, NewEvent, RecordedEvent, event
from grassroots_common.memory_store import InMemoryEventStore
from grassroots_common.migrations import migrate
from grassroots_common.store import EventStore, LatestOf

META = Metadata(actor_id="p1", actor_name="测试")


@event
class LimitSet(Event):
    stream_type = "unit"
    limit: int


@event
class EntryMade(Event):
    stream_type = "entry"
    text: str
    limit: int


class Entry(Aggregate):
    stream_type = "entry"

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.texts: list[str] = []

    def when(self, event: Event) -> None:
        match event:
            case EntryMade():
                self.texts.append(event.text)

    def make(self, text: str, limit: int) -> None:
        if len(self.texts) >= limit:
            raise Conflict("entry_full", "已达上限")
        self._raise(EntryMade(text=text, limit=limit))


class CountingStore(EventStore):
    """Counts the loads: what the usual path costs and the first-append path saves."""

    loads = 0

    async def load_with(self, *args, **kwargs) -> tuple[list[RecordedEvent], RecordedEvent | None]:
        self.loads += 1
        return await super().load_with(*args, **kwargs)


class CountingMemoryStore(InMemoryEventStore):
    loads = 0

    async def load_with(self, *args, **kwargs) -> tuple[list[RecordedEvent], RecordedEvent | None]:
        self.loads += 1
        return await super().load_with(*args, **kwargs)


@pytest.fixture(params=["postgres", "memory"])
async def store(request: pytest.FixtureRequest, new_database: Callable[[], Awaitable[str]]):
    if request.param == "memory":
        yield CountingMemoryStore()
        return
    pool = await create_pool(await new_database(), max_size=8)
    async with pool.acquire() as conn:
        await migrate(conn)
    yield CountingStore(pool)
    await pool.close()


def limit_of(setting: RecordedEvent | None) -> int:
    return setting.data["limit"] if setting is not None else 2


def decide(text: str) -> Callable[[Entry, RecordedEvent | None], dict]:
    def act(entry: Entry, setting: RecordedEvent | None) -> dict:
        entry.make(text, limit_of(setting))
        return {"limit": limit_of(setting)}

    return act


async def make(store: CommandStore, stream: str, text: str, idempotency: Idempotency | None = None) -> dict:
    result = await execute(
        store,
        Entry,
        stream,
        decide(text),
        META,
        latest=LatestOf("unit-u1", "LimitSet"),
        usually_new=True,
        idempotency=idempotency,
    )
    return result.model_dump()


async def texts(store: CommandStore, stream: str) -> list[tuple[str, int]]:
    return [(e.data["text"], e.data["limit"]) for e in await store.load(stream)]


async def test_a_new_stream_is_written_without_a_load_once_the_setting_is_known(store: CountingStore) -> None:
    first = await make(store, "e1", "一")  # the setting was never read: the usual path
    assert (first["version"], first["data"], store.loads) == (1, {"limit": 2}, 1)
    second = await make(store, "e2", "二")
    assert (second["version"], store.loads) == (1, 1)  # decided on an empty stream, one statement
    assert await texts(store, "e2") == [("二", 2)]


async def test_a_stream_that_exists_is_loaded_and_decided_again(store: CountingStore) -> None:
    await make(store, "e1", "一")
    await make(store, "e2", "二")
    again = await make(store, "e2", "再")  # the first append finds version 1 taken
    assert (again["version"], store.loads) == (2, 2)
    assert await texts(store, "e2") == [("二", 2), ("再", 2)]
    with pytest.raises(Conflict):  # decided on the real stream: full at the limit of 2
        await make(store, "e2", "满")
    assert len(await texts(store, "e2")) == 2


async def test_a_setting_changed_elsewhere_is_never_assumed(store: CountingStore) -> None:
    await make(store, "e1", "一")  # this process now assumes the default limit of 2
    # Another process changes the setting (the same store here: what this process assumed is all
    # that matters).
    await store.append("unit-u1", "unit", 0, [NewEvent(LimitSet(limit=5))], META)
    made = await make(store, "e3", "三")
    assert made["data"] == {"limit": 5} and store.loads == 2  # the assumption failed: read again
    assert await texts(store, "e3") == [("三", 5)]
    await make(store, "e4", "四")
    assert store.loads == 2  # the new setting is assumed from now on


async def test_a_retry_that_serializes_its_body_again_is_the_same_request(store: CountingStore) -> None:
    sent = Idempotency.of("k1", "p1", "POST /entries/e7", '{"text": "七", "tags": ["a"]}'.encode())
    first = await make(store, "e7", "七", sent)
    again = Idempotency.of("k1", "p1", "POST /entries/e7", '{"tags":["a"],"text":"七"}'.encode())
    assert await make(store, "e7", "七", again) == first and await texts(store, "e7") == [("七", 2)]
    other = Idempotency.of("k1", "p1", "POST /entries/e7", '{"tags":["b"],"text":"七"}'.encode())
    with pytest.raises(Invalid, match="Idempotency-Key"):
        await make(store, "e7", "七", other)


def test_a_record_of_the_raw_body_still_matches_the_same_bytes() -> None:
    raw = b'{"text": "\\u4e03"}'
    legacy = hashlib.sha256(b"POST /entries/e8" + raw).hexdigest()  # how records were written before
    assert Idempotency.of("k1", "p1", "POST /entries/e8", raw).matches(legacy)
    assert not Idempotency.of("k1", "p1", "POST /entries/e8", b'{"text":"\\u516b"}').matches(legacy)
    assert not Idempotency.of("k1", "p1", "POST /entries/e8", {"text": "七"}).matches(legacy)


async def test_an_idempotency_key_on_a_first_append(store: CountingStore) -> None:
    await make(store, "e1", "一")
    key = Idempotency.of("k1", "p1", "POST /entries/e5", {"text": "五"})
    first = await make(store, "e5", "五", key)
    assert store.loads == 1  # written with its idempotency record by the first append
    retry = await make(store, "e5", "五", key)
    assert retry == first and await texts(store, "e5") == [("五", 2)]
    reused = Idempotency.of("k1", "p1", "POST /entries/e5", {"text": "另一个"})
    with pytest.raises(Invalid, match="Idempotency-Key"):
        await make(store, "e6", "六", reused)  # same key, other request: refused, nothing written
    assert await texts(store, "e6") == []
