"""The store's first law: an event appended is an event that loads. What its contract would refuse
on reading back is refused before it is written, and answered 422 naming the field."""

from __future__ import annotations

import pytest

from grassroots_common.aggregate import Aggregate
from grassroots_common.commands import execute
from grassroots_common.events import Event, Metadata, NewEvent, UnloadableEvent, event, stored_json
from grassroots_common.fields import Count, Fen, Name, Text
from grassroots_common.store import EventStore

META = Metadata(actor_id="u1", actor_name="测试")


@event
class FundsCounted(Event):
    stream_type = "funds"
    amount_fen: Fen
    people: Count
    title: Name
    note: Text = ""
    free: str = ""


class Funds(Aggregate):
    stream_type = "funds"

    def when(self, event: Event) -> None:
        pass

    def count(self, amount_fen: int) -> None:
        self._raise(FundsCounted(amount_fen=amount_fen, people=1, title="经费"))


def test_text_is_normalized_where_it_enters() -> None:
    counted = FundsCounted(amount_fen=1, people=1, title="第一\x0b第二\r\n第三", note="e\u0301\t")
    assert counted.title == "第一\n第二\n第三" and counted.note == "\u00e9\t"
    with pytest.raises(ValueError, match="U\\+0001"):
        FundsCounted(amount_fen=1, people=1, title="a\x01")
    with pytest.raises(ValueError, match="U\\+0000"):
        FundsCounted(amount_fen=1, people=1, title="x", note="a\x00b")
    with pytest.raises(ValueError, match="less than or equal"):
        FundsCounted(amount_fen=2**70, people=1, title="x")


def test_an_event_past_its_bounds_or_with_nul_is_not_loadable() -> None:
    assert stored_json(FundsCounted(amount_fen=10**13, people=0, title="x", free="a\\u0000")).startswith("{")
    with pytest.raises(UnloadableEvent) as refused:
        stored_json(FundsCounted.model_construct(amount_fen=2**70, people=1, title="x", note="", free=""))
    assert refused.value.errors[0]["loc"] == ("amount_fen",)
    with pytest.raises(UnloadableEvent, match="U\\+0000"):
        stored_json(FundsCounted(amount_fen=1, people=1, title="x", free="a\x00b"))
    with pytest.raises(UnloadableEvent) as changed:  # would load, but not as the same event
        stored_json(FundsCounted.model_construct(amount_fen=1, people=1, title="a\x01", note="", free=""))
    assert changed.value.errors[0]["loc"] == ("title",)


async def test_the_store_appends_nothing_that_would_not_load(store: EventStore) -> None:
    bad = FundsCounted.model_construct(amount_fen=2**70, people=1, title="x", note="", free="")
    good = FundsCounted(amount_fen=5, people=1, title="x")
    with pytest.raises(UnloadableEvent):
        await store.append("f1", "funds", 0, [NewEvent(bad)], META)
    with pytest.raises(UnloadableEvent):  # a batch is refused whole
        await store.append("f1", "funds", 0, [NewEvent(good), NewEvent(bad)], META)
    with pytest.raises(UnloadableEvent):  # NUL in a field no type checks: refused, not a PostgreSQL error
        await store.append(
            "f1", "funds", 0, [NewEvent(FundsCounted(amount_fen=1, people=1, title="x", free="\x00"))], META
        )
    assert await store.count() == 0
    await store.append("f1", "funds", 0, [NewEvent(good)], META)
    assert [e.to_event() for e in await store.load("f1")] == [good]


async def test_a_decision_built_from_an_unchecked_value_is_refused_as_input(store: EventStore) -> None:
    with pytest.raises(UnloadableEvent) as refused:
        await execute(store, Funds, "f2", lambda f: f.count(2**64), META)
    assert refused.value.errors[0]["loc"] == ("amount_fen",)
    assert await store.count() == 0
