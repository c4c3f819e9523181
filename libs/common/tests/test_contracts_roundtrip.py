"""Every event contract, with extreme values: encode → append (real PostgreSQL) → load gives the
same event. The values are drawn from the contract's own bounds, so a field left unbounded (an
``int`` or ``str`` without a limit) fails here before it can break a stream."""

from __future__ import annotations

import datetime as dt
import re
import types
import uuid
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types as at
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from pydantic.fields import FieldInfo

import grassroots_common.contracts as contracts
from grassroots_common.events import Event, Metadata, NewEvent, event_class
from grassroots_common.store import EventStore

META = Metadata(actor_id="u1", actor_name="测试")
CONTRACTS = sorted(
    (
        c
        for module in (getattr(contracts, name) for name in contracts.__all__)
        for c in vars(module).values()
        if isinstance(c, type) and issubclass(c, Event) and event_class(c.__name__) is c
    ),
    key=lambda c: c.__name__,
)

# What offices paste and what stresses an encoder: CJK, combining marks, emoji, the line breaks the
# boundary keeps or turns into "\n", JSON's escapes.
_PASTED = st.sampled_from(
    ["\n", "\t", "\x0b", "\x0c", "\r\n", "\r", "\u00a0", "\u3000", "e\u0301", '"', "\\", "𠀀", "👍", "\u2028"]
)
_CHARS = st.characters(exclude_categories=("Cc", "Cs"))


def _bounds(meta: list[Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for m in meta:
        if isinstance(m, FieldInfo):
            found |= _bounds(m.metadata)
        elif isinstance(m, at.Ge):
            found["min"] = m.ge
        elif isinstance(m, at.Gt):
            found["min"] = m.gt + 1 if isinstance(m.gt, int) else m.gt
        elif isinstance(m, at.Le):
            found["max"] = m.le
        elif isinstance(m, at.Lt):
            found["max"] = m.lt - 1 if isinstance(m.lt, int) else m.lt
        elif isinstance(m, at.MaxLen):
            found["max_len"] = m.max_length
        elif isinstance(m, at.MinLen):
            found["min_len"] = m.min_length
        elif getattr(m, "pattern", None):
            found["pattern"] = m.pattern
    return found


def _text(b: dict[str, Any]) -> st.SearchStrategy[str]:
    assert "max_len" in b, "a text field without a maximum length"
    longest = b["max_len"]
    if b.get("pattern"):  # a key: one line, nothing invisible
        key = re.compile(b["pattern"])
        return st.one_of(st.text(_CHARS, max_size=12), st.just("K" * longest)).filter(lambda s: bool(key.match(s)))
    return st.one_of(
        st.lists(st.one_of(st.text(_CHARS, max_size=4), _PASTED), max_size=6).map("".join),
        st.just("长" * longest),  # the longest text the contract holds
        st.just("\x0b" * longest),
    ).map(lambda s: s[:longest])


def strategy(tp: Any, meta: list[Any] | None = None) -> st.SearchStrategy[Any]:
    b = _bounds(meta or [])
    origin = get_origin(tp)
    if origin is Annotated:
        base, *more = get_args(tp)
        return strategy(base, [*more, *(meta or [])])
    if tp is type(None):
        return st.none()
    if origin in (Union, types.UnionType):
        return st.one_of(*(strategy(a, meta) for a in get_args(tp)))
    if origin is Literal:
        return st.sampled_from(get_args(tp))
    if origin is list:
        return st.lists(strategy(get_args(tp)[0]), max_size=3)
    if origin is dict:
        key, value = get_args(tp)
        return st.dictionaries(strategy(key), strategy(value), max_size=3)
    if tp is bool:
        return st.booleans()
    if tp is int:
        assert "min" in b and "max" in b, "an integer field without bounds"
        return st.integers(b["min"], b["max"])
    if tp is float:
        assert "min" in b and "max" in b, "a float field without bounds"
        return st.floats(b["min"], b["max"], allow_nan=False, allow_infinity=False)
    if tp is str:
        return _text(b)
    if tp is dt.date:
        return st.dates()
    if tp is dt.datetime:
        return st.datetimes(dt.datetime(1, 1, 2), dt.datetime(9999, 12, 30), timezones=st.just(dt.UTC))
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        fields = {name: strategy(f.annotation, f.metadata) for name, f in tp.model_fields.items()}
        return st.fixed_dictionaries(fields).map(lambda values: tp(**values))
    raise AssertionError(f"no strategy for {tp!r}")


def test_every_contract_field_is_bounded() -> None:
    assert len(CONTRACTS) > 80
    for cls in CONTRACTS:
        strategy(cls)  # asserts a bound on every int, float and str


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.tuples(*(strategy(c) for c in CONTRACTS)))
async def test_every_event_contract_loads_as_it_was_appended(store: EventStore, decided: tuple[Event, ...]) -> None:
    """Each example appends one event of every contract in one statement, then loads them."""
    stream = f"s-{uuid.uuid4().hex}"
    await store.append(stream, "contracts", 0, [NewEvent(e) for e in decided], META)
    loaded = await store.load(stream)
    assert [(r.type, r.schema_version) for r in loaded] == [(e.type_name(), e.schema_version) for e in decided]
    assert [r.to_event() for r in loaded] == list(decided)
