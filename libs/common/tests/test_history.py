"""The history of a stream: each shown event with its actor, time and reason; others left out."""

from __future__ import annotations

import datetime as dt

from grassroots_common.events import RecordedEvent
from grassroots_common.history import Described, changes, yuan
from grassroots_common.specification import recorded as spec_recorded

AT = dt.datetime(2026, 11, 18, 2, 0, tzinfo=dt.UTC)


def recorded(version: int, type_: str, data: dict, metadata: dict) -> RecordedEvent:
    return spec_recorded(type_, data, at=AT + dt.timedelta(seconds=version), version=version, metadata=metadata)


def describe(e: RecordedEvent) -> Described | None:
    if e.type == "Other":
        return None
    return Described("调整", f"{e.data['from']} → {e.data['to']}", e.data.get("reason", ""))


def test_changes_keep_order_actor_and_reason_and_leave_out_what_is_not_described() -> None:
    events = [
        recorded(
            1, "Changed", {"from": "好", "to": "较好", "reason": "名额"}, {"actor_id": "p1", "actor_name": "赵国强"}
        ),
        recorded(2, "Other", {}, {"actor_id": "p2", "actor_name": "钱卫东"}),
        recorded(3, "Changed", {"from": "较好", "to": "好"}, {"actor_id": "system", "actor_name": "scheduler"}),
        recorded(4, "Changed", {"from": "好", "to": "一般"}, {"actor_id": "p3"}),
    ]
    out = changes(events, describe)
    assert [(c.version, c.actor_name, c.detail, c.reason) for c in out] == [
        (1, "赵国强", "好 → 较好", "名额"),
        (3, "系统", "较好 → 好", ""),
        (4, "未记录姓名", "好 → 一般", ""),
    ]
    assert out[1].recorded_at == AT + dt.timedelta(seconds=3)


def test_amounts_in_fen_read_in_yuan() -> None:
    assert yuan(20_000_000) == "200,000.00 元" and yuan(None) == ""
