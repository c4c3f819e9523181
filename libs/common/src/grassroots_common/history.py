"""The history of one stream, in Chinese: why a figure is what it is.

Every decision is an event with its actor in the metadata. ``stream_history`` loads a stream and
turns each event a service chooses to show into a ``Change``: what happened (the service's Chinese
label), who did it, when, the detail (a grade from → to, an amount) and the reason given. Each
service says how its event types read (a ``Describe``); this module is the one way all four answer
``GET …/{id}/history``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from pydantic import BaseModel, Field

from grassroots_common.events import RecordedEvent
from grassroots_common.store import EventStore

SYSTEM_ACTOR = "系统"
UNNAMED_ACTOR = "未记录姓名"


@dataclass(frozen=True, slots=True)
class Described:
    """How one event reads: ``action`` (e.g. "调整等次"), ``detail`` (e.g. "好 → 较好"), ``reason``."""

    action: str
    detail: str = ""
    reason: str = ""


# An event → how it reads, or None to leave it out (another person's line in a shared stream).
Describe = Callable[[RecordedEvent], Described | None]


class Change(BaseModel):
    """One change as the app shows it."""

    version: int = Field(description="The event's version in its stream")
    type: str = Field(description="The event type (for programs; people read ``action``)")
    action: str = Field(description="What happened, in Chinese")
    detail: str = Field(description="The change itself, in Chinese (empty if the action says it all)")
    reason: str = Field(description="The reason the actor gave (empty if none was asked)")
    actor_id: str
    actor_name: str = Field(
        description="Who did it; 系统 for the service's own steps, 未记录姓名 if the event kept no name"
    )
    occurred_at: dt.datetime
    recorded_at: dt.datetime


class History(BaseModel):
    stream_id: str
    items: list[Change]


def changes(events: Iterable[RecordedEvent], describe: Describe) -> list[Change]:
    """The changes ``describe`` shows, in stream order."""
    out: list[Change] = []
    for e in events:
        said = describe(e)
        if said is None:
            continue
        actor_id = str(e.metadata.get("actor_id", ""))
        name = str(e.metadata.get("actor_name", ""))
        out.append(
            Change(
                version=e.version,
                type=e.type,
                action=said.action,
                detail=said.detail,
                reason=said.reason,
                actor_id=actor_id,
                actor_name=_actor_name(actor_id, name),
                occurred_at=e.occurred_at,
                recorded_at=e.recorded_at,
            )
        )
    return out


def _actor_name(actor_id: str, name: str) -> str:
    if actor_id in ("", "system"):
        return SYSTEM_ACTOR
    return name or UNNAMED_ACTOR


async def stream_history(store: EventStore, stream_id: str, describe: Describe) -> History:
    """The stream's changes as ``describe`` reads them, oldest first."""
    return History(stream_id=stream_id, items=changes(await store.load(stream_id), describe))


def yuan(fen: int | None) -> str:
    """An amount kept in 分, as the app writes it (``12,500.00 元``)."""
    if fen is None:
        return ""
    return f"{fen / 100:,.2f} 元"
