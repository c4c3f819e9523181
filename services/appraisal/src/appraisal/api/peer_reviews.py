"""Internal peer review (内部互评) from the reviewer's side: the colleagues of my open quarters and
my own review of each."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import asyncpg
from fastapi import Depends
from pydantic import Field

from appraisal import authz, queries
from appraisal.projections import QuartersProjection, RosterProjection
from grassroots_common.http.dependencies import PrincipalDep, ReadAfter, RuntimeDep
from grassroots_common.http.models import Answer
from grassroots_common.paging import Page, PageDep
from grassroots_common.routing import api_router

router = api_router(prefix="/api/v1/me", tags=["me"])
Positions = Annotated[dict, Depends(ReadAfter(QuartersProjection, joined=(RosterProjection,)))]


class PeerReviewItemOut(Answer):
    unit_id: str
    quarter: str
    person_id: str
    person_name: str
    section_id: str | None
    section_name: str | None
    state: Literal["open", "reviewed", "waiting_self_assessment", "closed"] = Field(
        description="open: you may review; reviewed: you did; waiting_self_assessment: not yet self-assessed; "
        "closed: leaders' review has begun"
    )
    my_grade: str | None
    my_comment: str | None
    reviewed_at: dt.datetime | None


class PeerReviewPage(Page[PeerReviewItemOut]):
    reviewed: int = Field(description="Colleagues I reviewed in my open quarters")
    required: int = Field(description="Peer reviews each participant must receive before the leaders' review")


def _peer_state(row: asyncpg.Record) -> str:
    if row["my_grade"] is not None:
        return "reviewed"
    if row["in_leader_review"]:
        return "closed"
    return "open" if row["self_assessed"] else "waiting_self_assessment"


@router.get("/peer-reviews", summary="Colleagues I may review in my open quarters (内部互评), and my reviews")
async def my_peer_reviews(
    runtime: RuntimeDep, principal: PrincipalDep, page: PageDep, positions: Positions
) -> PeerReviewPage:
    authz.require_role(principal, "peer.review")
    rows, total = await queries.my_peer_reviews(
        runtime.pool, reviewer=principal.sub, limit=page.limit, offset=page.offset
    )
    return PeerReviewPage.of(
        [
            PeerReviewItemOut(
                **{k: r[k] for k in PeerReviewItemOut.model_fields if k != "state"},
                state=_peer_state(r),  # type: ignore[arg-type]
            )
            for r in rows
        ],
        total,
        page,
        positions,
        reviewed=await queries.my_peer_review_count(runtime.pool, reviewer=principal.sub),
        required=max((r["peer_reviews_required"] for r in rows), default=0),
    )
