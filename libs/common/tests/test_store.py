"""Event store against real PostgreSQL: append, concurrency, and never skipping a late commit."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from grassroots_common.events import Event, Metadata, NewEvent, event
from grassroots_common.store import ConcurrencyError, EventStore, LatestOf, Remember, StorePosition

META = Metadata(actor_id="u1", actor_name="测试")


@event
class ThingHappened(Event):
    stream_type = "thing"
    n: int


async def test_append_and_load_in_order(store: EventStore) -> None:
    first = await store.append("s1", "thing", 0, [NewEvent(ThingHappened(n=1)), NewEvent(ThingHappened(n=2))], META)
    assert first.version == 2
    await store.append("s1", "thing", 2, [NewEvent(ThingHappened(n=3))], META)
    loaded = await store.load("s1")
    assert [e.data["n"] for e in loaded] == [1, 2, 3]
    assert [e.version for e in loaded] == [1, 2, 3]
    assert loaded[0].metadata["actor_id"] == "u1"


@pytest.mark.parametrize("name", ["Setting'; DROP TABLE events; --", "Setting Changed", "设置", ""])
def test_a_latest_setting_is_named_by_an_event_type_only(name: str) -> None:
    """The type is written into the statement (so a partial index serves it): nothing else may be."""
    with pytest.raises(ValueError, match="event type"):
        LatestOf("settings", name)


async def test_stale_expected_version_is_a_concurrency_error(store: EventStore) -> None:
    await store.append("s1", "thing", 0, [NewEvent(ThingHappened(n=1))], META)
    with pytest.raises(ConcurrencyError):
        await store.append("s1", "thing", 0, [NewEvent(ThingHappened(n=2))], META)
    with pytest.raises(ConcurrencyError):  # ahead of the stream: would leave a gap
        await store.append("s1", "thing", 5, [NewEvent(ThingHappened(n=2))], META)
    assert [e.version for e in await store.load("s1")] == [1]


async def test_concurrent_writers_one_wins(store: EventStore) -> None:
    async def write(n: int) -> bool:
        try:
            await store.append("race", "thing", 0, [NewEvent(ThingHappened(n=n))], META)
            return True
        except ConcurrencyError:
            return False

    results = await asyncio.gather(*(write(n) for n in range(8)))
    assert results.count(True) == 1
    assert len(await store.load("race")) == 1


async def test_reader_never_skips_a_late_commit(store: EventStore) -> None:
    """Two appends commit out of order: the earlier-numbered one commits last.

    A reader checkpointing "the highest position seen" would jump past it; ``read_all`` must
    return nothing from the later transaction until the earlier one has committed, then both.
    """
    slow = await store.pool.acquire()
    try:
        tx = slow.transaction()
        await tx.start()
        # The slow writer starts first: it takes the lower transaction id and position.
        await store.append("slow", "thing", 0, [NewEvent(ThingHappened(n=1))], META, conn=slow)
        fast = await store.append("fast", "thing", 0, [NewEvent(ThingHappened(n=2))], META)
        # The fast one is committed, but the slow one, numbered before it, is still open.
        seen = await store.read_all(StorePosition(), 100)
        assert [e.stream_id for e in seen] == []
        await tx.commit()
    finally:
        await store.pool.release(slow)
    seen = await store.read_all(StorePosition(), 100)
    assert [e.stream_id for e in seen] == ["slow", "fast"]
    assert seen[-1].position == fast.position
    # A checkpoint at the last event returns nothing more: nothing was skipped, nothing repeats.
    after = StorePosition(seen[-1].tx_id, seen[-1].position)
    assert await store.read_all(after, 100) == []


async def test_reader_returns_later_transactions_after_a_checkpoint(store: EventStore) -> None:
    await store.append("a", "thing", 0, [NewEvent(ThingHappened(n=1))], META)
    first = await store.read_all(StorePosition(), 100)
    await store.append("b", "thing", 0, [NewEvent(ThingHappened(n=2))], META)
    rest = await store.read_all(StorePosition(first[-1].tx_id, first[-1].position), 100)
    assert [e.stream_id for e in rest] == ["b"]


async def test_idempotency_records_expire_after_their_time_and_only_then(store: EventStore) -> None:
    for key in ("old", "recent"):
        remember = Remember("p1:/logs", key, "f" * 64, {"stream_id": key, "events": ["ThingHappened"], "data": {}})
        await store.append(key, "thing", 0, [NewEvent(ThingHappened(n=1))], META, remember=remember)
    await store.pool.execute("UPDATE idempotency_keys SET created_at = now() - interval '31 days' WHERE key = 'old'")
    assert await store.expire_idempotency(dt.timedelta(days=30), batch=1) == 1
    assert await store.remembered("p1:/logs", "old") is None
    assert await store.remembered("p1:/logs", "recent") is not None
    assert [e.data["n"] for e in await store.load("old")] == [1]  # the events stay: only the record goes
    assert await store.expire_idempotency(dt.timedelta(days=30)) == 0


def test_a_key_is_kept_at_least_as_long_as_the_web_app_s_outbox_sends_it(monkeypatch) -> None:
    import re
    from pathlib import Path

    from pydantic import ValidationError

    from grassroots_common.settings import ServiceSettings

    outbox = Path(__file__).resolve().parents[3] / "apps" / "web" / "lib" / "outbox.js"
    days = int(re.search(r"export const MAX_AGE_DAYS = (\d+);", outbox.read_text(encoding="utf-8")).group(1))
    monkeypatch.setenv("IDEMPOTENCY_DAYS", str(days))
    assert ServiceSettings().idempotency_days == days
    monkeypatch.setenv("IDEMPOTENCY_DAYS", str(days - 1))
    with pytest.raises(ValidationError):
        ServiceSettings()
