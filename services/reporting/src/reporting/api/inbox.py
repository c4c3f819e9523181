"""The inbox (收件箱): what is due from the signed-in person — logs due, reviews waiting, tickets
near their limit — each with the screen where it is done. Only the person reads their own."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import Depends, Path
from pydantic import Field

from grassroots_common.calendar_projection import load_calendar
from grassroots_common.http.dependencies import PrincipalDep, ReadAfter, RuntimeDep
from grassroots_common.http.models import Answer
from grassroots_common.routing import api_router
from reporting import authz, inbox, queries
from reporting.api.models import Positions
from reporting.projections import InboxProjection

router = api_router(prefix="/api/v1/inbox", tags=["inbox"])

PersonId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]


class InboxItem(Answer):
    key: str = Field(description="The reminder's identity: recipient|kind|subject|period")
    kind: Literal["log_due", "log_review", "quarter_review", "ticket_due"]
    title: str = Field(examples=["本周纪实未提交"])
    detail: str
    link: str = Field(description="The app screen where the task is done", examples=["/staff/log?week=2026-W47"])
    due_at: dt.datetime | None
    count: int = Field(ge=1, description="How many tasks the item stands for (logs or people waiting)")


class Inbox(Answer):
    person_id: str
    count: int = Field(ge=0, description="Items in the inbox (the header's badge)")
    items: list[InboxItem]
    positions: Positions


@router.get("/{person_id}", summary="My inbox: logs due, reviews waiting, tickets near their limit")
async def read_inbox(
    person_id: PersonId,
    runtime: RuntimeDep,
    principal: PrincipalDep,
    _waited: Annotated[dict, Depends(ReadAfter(InboxProjection))],
) -> Inbox:
    authz.check_inbox(principal, person_id)
    now = runtime.clock()
    calendar = await load_calendar(runtime.pool)
    items = await inbox.for_principal(runtime.pool, principal, now, calendar, runtime.settings.remind_ticket_workdays)
    return Inbox(
        person_id=person_id,
        count=len(items),
        items=[
            InboxItem(
                key=r.key, kind=r.kind, title=r.title, detail=r.detail, link=r.link, due_at=r.due_at, count=r.count
            )
            for r in items
        ],
        positions=await queries.positions(runtime.pool, ("inbox", "tickets")),
    )
