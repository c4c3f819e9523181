"""One contract for both event stores: what the write path relies on, run against PostgreSQL
(``EventStore``) and against memory (``InMemoryEventStore``, which handler specifications use).

A behaviour the memory store does not share with the real one would let a specification pass
that production fails; every test here runs on both."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from grassroots_common.commands import CommandStore
from grassroots_common.db import create_pool
from grassroots_common.events import Event, Metadata, NewEvent, UnloadableEvent, event
from grassroots_common.memory_store import InMemoryEventStore
from grassroots_common.migrations import migrate
from grassroots_common.store import (
    ConcurrencyError,
    EventStore,
    IdempotencyKeyTaken,
    LatestOf,
    Remember,
    StorePosition,
)

META = Metadata(actor_id="u1", actor_name="测试")


@event
class Counted(Event):
    stream_type = "counter"
    n: int


@event
class Noted(Event):
    stream_type = "counter"
    text: str


@event
class LimitChanged(Event):
    stream_type = "unit"
    limit: int


SETTING = LatestOf("unit-1", "LimitChanged")


@pytest.fixture(params=["postgres", "memory"])
async def store(
    request: pytest.FixtureRequest, new_database: Callable[[], Awaitable[str]]
) -> AsyncIterator[CommandStore]:
    if request.param == "memory":
        yield InMemoryEventStore()
        return
    pool = await create_pool(await new_database(), max_size=4)
    async with pool.acquire() as conn:
        await migrate(conn)
    yield EventStore(pool)
    await pool.close()


def counted(*ns: int) -> list[NewEvent]:
    return [NewEvent(Counted(n=n)) for n in ns]


async def ns(store: CommandStore, stream: str) -> list[int]:
    return [e.data["n"] for e in await store.load(stream)]


async def test_appended_events_load_in_order_with_their_versions(store: CommandStore) -> None:
    first = await store.append("c1", "counter", 0, counted(1, 2), META)
    second = await store.append("c1", "counter", 2, counted(3), META)
    assert (first.version, second.version) == (2, 3)
    loaded = await store.load("c1")
    assert [(e.version, e.type, e.data, e.stream_type) for e in loaded] == [
        (1, "Counted", {"n": 1}, "counter"),
        (2, "Counted", {"n": 2}, "counter"),
        (3, "Counted", {"n": 3}, "counter"),
    ]
    assert loaded[0].metadata["actor_id"] == "u1" and loaded[0].metadata["actor_name"] == "测试"
    assert StorePosition.parse(second.checkpoint) > StorePosition.parse(first.checkpoint)
    assert await store.load("nothing-here") == []


@pytest.mark.parametrize("expected", [0, 1, 3])
async def test_an_append_at_any_other_version_is_refused_and_writes_nothing(store: CommandStore, expected: int) -> None:
    await store.append("c1", "counter", 0, counted(1, 2), META)
    with pytest.raises(ConcurrencyError):
        await store.append("c1", "counter", expected, counted(9, 10), META)
    assert await ns(store, "c1") == [1, 2]


async def test_an_event_that_would_not_load_back_is_never_appended(store: CommandStore) -> None:
    with pytest.raises(UnloadableEvent):
        await store.append("c1", "counter", 0, [NewEvent(Counted(n=1)), NewEvent(Noted(text="a\x00b"))], META)
    assert await store.load("c1") == []  # not even the event before it


async def test_what_a_reader_changes_in_a_loaded_event_is_not_stored(store: CommandStore) -> None:
    await store.append("c1", "counter", 0, counted(1), META)
    (loaded,) = await store.load("c1")
    loaded.data["n"] = 99
    assert await ns(store, "c1") == [1]


async def test_an_answer_is_remembered_with_its_events_under_its_key(store: CommandStore) -> None:
    remember = Remember("p1:/logs", "key-1", "f" * 64, {"stream_id": "c1", "events": ["Counted"], "data": {}})
    appended = await store.append("c1", "counter", 0, counted(1, 2), META, remember=remember)
    fingerprint, answer = await store.remembered("p1:/logs", "key-1")
    assert fingerprint == "f" * 64
    assert answer == {
        "stream_id": "c1",
        "events": ["Counted"],
        "data": {},
        "version": 2,
        "position": appended.checkpoint,
    }
    assert await store.remembered("p1:/logs", "key-2") is None
    assert await store.remembered("p2:/logs", "key-1") is None  # another actor's key is another key


async def test_a_key_already_taken_refuses_the_whole_append(store: CommandStore) -> None:
    remember = Remember("p1:/logs", "key-1", "f" * 64, {"stream_id": "c1", "events": [], "data": {}})
    await store.append("c1", "counter", 0, counted(1), META, remember=remember)
    with pytest.raises(IdempotencyKeyTaken):
        await store.append("c2", "counter", 0, counted(2), META, remember=remember)
    assert await store.load("c2") == []


async def test_a_setting_of_another_stream_is_read_with_the_aggregate(store: CommandStore) -> None:
    await store.append("c1", "counter", 0, counted(1, 2), META)
    assert store.assumed(SETTING) is None  # never read: nothing to assume
    events, setting = await store.load_with("c1", SETTING)
    assert [e.data["n"] for e in events] == [1, 2] and setting is None
    assert store.assumed(SETTING).event is None  # read, and there was none: the default holds
    changes = [NewEvent(LimitChanged(limit=3)), NewEvent(Noted(text="x")), NewEvent(LimitChanged(limit=5))]
    await store.append("unit-1", "unit", 0, changes, META)
    await store.append("unit-1", "unit", 3, [NewEvent(Noted(text="y"))], META)
    events, setting = await store.load_with("empty", SETTING)
    assert events == [] and setting is not None and (setting.data, setting.version) == ({"limit": 5}, 3)
    assert store.assumed(SETTING).event.version == 3
    assert (await store.last_of_type("unit-1", "LimitChanged")).data == {"limit": 5}
    assert await store.last_of_type("unit-1", "Counted") is None


async def test_the_store_says_which_streams_hold_events(store: CommandStore) -> None:
    await store.append("c1", "counter", 0, counted(1), META)
    await store.append("c2", "counter", 0, counted(1, 2), META)
    assert await store.existing(["c1", "c2", "c3", "c1"]) == {"c1", "c2"}
    assert await store.existing([]) == set()


async def test_the_store_gives_every_event_of_a_type_in_the_streams_of_a_type(store: CommandStore) -> None:
    await store.append("c1", "counter", 0, counted(1, 2), META)
    await store.append("unit-1", "unit", 0, [NewEvent(LimitChanged(limit=3))], META)
    await store.append("c2", "counter", 0, counted(3), META)
    found = await store.events_of_type("counter", "Counted")
    assert [(e.stream_id, e.data["n"]) for e in found] == [("c1", 1), ("c1", 2), ("c2", 3)]
    assert await store.events_of_type("unit", "Counted") == []
    assert [e.data for e in await store.events_of_type("unit", "LimitChanged")] == [{"limit": 3}]


async def test_a_first_append_is_written_while_the_stream_is_empty_and_the_setting_unchanged(
    store: CommandStore,
) -> None:
    await store.load_with("c1", SETTING)
    appended = await store.append_first("c1", "counter", NewEvent(Counted(n=1)), META, SETTING, store.assumed(SETTING))
    assert appended is not None and appended.version == 1
    # The stream is no longer empty: nothing written, and no error.
    again = await store.append_first("c1", "counter", NewEvent(Counted(n=2)), META, SETTING, store.assumed(SETTING))
    assert again is None and await ns(store, "c1") == [1]


async def test_a_first_append_on_a_setting_changed_since_is_refused_and_the_assumption_dropped(
    store: CommandStore,
) -> None:
    await store.load_with("c1", SETTING)
    assumed = store.assumed(SETTING)
    await store.append("unit-1", "unit", 0, [NewEvent(LimitChanged(limit=1))], META)  # elsewhere
    assert await store.append_first("c2", "counter", NewEvent(Counted(n=1)), META, SETTING, assumed) is None
    assert await store.load("c2") == [] and store.assumed(SETTING) is None


async def test_a_first_append_remembers_its_answer_and_respects_a_taken_key(store: CommandStore) -> None:
    await store.load_with("c1", SETTING)
    remember = Remember("p1:/logs", "k", "a" * 64, {"stream_id": "c1", "events": ["Counted"], "data": {}})
    first = await store.append_first(
        "c1", "counter", NewEvent(Counted(n=1)), META, SETTING, store.assumed(SETTING), remember=remember
    )
    assert (await store.remembered("p1:/logs", "k"))[1]["position"] == first.checkpoint
    with pytest.raises(IdempotencyKeyTaken):
        await store.append_first(
            "c2", "counter", NewEvent(Counted(n=2)), META, SETTING, store.assumed(SETTING), remember=remember
        )
    assert await store.load("c2") == []


async def test_the_shared_connection_serves_a_load_and_an_append(store: CommandStore) -> None:
    async with store.connection() as conn:
        events, _ = await store.load_with("c1", SETTING, conn)
        await store.append("c1", "counter", len(events), counted(1), META, conn=conn)
        assert [e.data["n"] for e in await store.load("c1", conn)] == [1]


async def test_everything_appended_is_read_back_in_commit_order(store: CommandStore) -> None:
    await store.append("a", "counter", 0, counted(1), META)
    await store.append("b", "counter", 0, counted(2, 3), META)
    await store.append("a", "counter", 1, counted(4), META)
    everything = await store.read_all(StorePosition())
    assert [e.data["n"] for e in everything] == [1, 2, 3, 4]
    after = StorePosition(everything[1].tx_id, everything[1].position)
    assert [e.data["n"] for e in await store.read_all(after, limit=1)] == [3]
    assert await store.head() == StorePosition(everything[-1].tx_id, everything[-1].position)
    assert await store.position_of(everything[2].event_id) == StorePosition(everything[2].tx_id, everything[2].position)
    assert await store.count() == 4 and await store.unloadable() == []
