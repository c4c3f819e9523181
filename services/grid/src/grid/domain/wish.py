"""Micro-wishes (微心愿): stream ``<wish_id>``; and offers on the resource list: stream ``<resource_id>``.

collect → screen (approve onto the demand list, or reject with a reason) → claim (one claimant at
a time; released wishes go back on the list) → fulfil with evidence → revisit.
"""

from __future__ import annotations

import datetime as dt

from grassroots_common.aggregate import Aggregate
from grassroots_common.contracts import grid as grid_events
from grassroots_common.errors import Conflict, Invalid, NotFound
from grassroots_common.events import Event

WISH_STATES = ("collected", "open", "claimed", "fulfilled", "revisited", "rejected")


class Wish(Aggregate):
    stream_type = "wish"

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.state: str | None = None
        self.community_id = ""
        self.grid_id: str | None = None
        self.claimant_id: str | None = None

    def when(self, event: Event) -> None:
        match event:
            case grid_events.WishCollected():
                self.state = "collected"
                self.community_id = event.community_id
                self.grid_id = event.grid_id
            case grid_events.WishScreened():
                self.state = "open"
            case grid_events.WishRejected():
                self.state = "rejected"
            case grid_events.WishClaimed():
                self.state = "claimed"
                self.claimant_id = event.claimant_id
            case grid_events.WishReleased():
                self.state = "open"
                self.claimant_id = None
            case grid_events.WishFulfilled():
                self.state = "fulfilled"
            case grid_events.WishRevisited():
                self.state = "revisited"

    def collect(
        self,
        *,
        community_id: str,
        grid_id: str | None,
        resident_name: str,
        title: str,
        description: str,
        category: str,
        collected_by: str,
        now: dt.datetime,
    ) -> None:
        if self.state is not None:
            raise Conflict("wish_exists", "该心愿已登记")
        self._raise(
            grid_events.WishCollected(
                wish_id=self.id,
                community_id=community_id,
                grid_id=grid_id,
                resident_name=resident_name,
                title=title,
                description=description,
                category=category,
                collected_by=collected_by,
                collected_at=now,
            )
        )

    def screen(self, *, approve: bool, reason: str, by: str, now: dt.datetime) -> None:
        self._require_exists()
        if self.state != "collected":
            raise Conflict("wish_already_screened", "该心愿已审核", state=self.state)
        if approve:
            self._raise(
                grid_events.WishScreened(
                    wish_id=self.id, community_id=self.community_id, screened_by=by, screened_at=now
                )
            )
            return
        if not reason.strip():
            raise Invalid("reject_reason_required", "不通过时请说明理由", field="reason")
        self._raise(
            grid_events.WishRejected(
                wish_id=self.id, community_id=self.community_id, reason=reason.strip(), screened_by=by, screened_at=now
            )
        )

    def claim(
        self, *, claimant_id: str, claimant_name: str, claimant_kind: str, resource_id: str | None, now: dt.datetime
    ) -> None:
        self._require_exists()
        if self.state == "claimed":
            raise Conflict("wish_already_claimed", "该心愿已被认领，请选择其他心愿")
        if self.state == "collected":
            raise Conflict("wish_not_screened", "该心愿尚未通过社区审核，暂不能认领")
        if self.state != "open":
            raise Conflict("wish_not_open", "该心愿已不在待认领清单中", state=self.state)
        self._raise(
            grid_events.WishClaimed(
                wish_id=self.id,
                community_id=self.community_id,
                claimant_id=claimant_id,
                claimant_name=claimant_name,
                claimant_kind=claimant_kind,  # type: ignore[arg-type]
                resource_id=resource_id,
                claimed_at=now,
            )
        )

    def claimant(self) -> str:
        """Who holds the claim (who alone fulfils it; they or the dispatcher give it back)."""
        self._require_claimed()
        assert self.claimant_id is not None
        return self.claimant_id

    def release(self, *, reason: str, now: dt.datetime) -> None:
        self.claimant()
        assert self.claimant_id is not None
        self._raise(
            grid_events.WishReleased(
                wish_id=self.id,
                community_id=self.community_id,
                claimant_id=self.claimant_id,
                reason=reason.strip(),
                released_at=now,
            )
        )

    def fulfil(self, *, note: str, evidence_upload_ids: list[str], now: dt.datetime) -> None:
        self.claimant()
        assert self.claimant_id is not None
        if not evidence_upload_ids:
            raise Invalid("evidence_required", "请上传完成心愿的照片或凭证", field="evidence_upload_ids")
        self._raise(
            grid_events.WishFulfilled(
                wish_id=self.id,
                community_id=self.community_id,
                claimant_id=self.claimant_id,
                note=note.strip(),
                evidence_upload_ids=evidence_upload_ids,
                fulfilled_at=now,
            )
        )

    def revisit(self, *, satisfaction: str, comment: str, by: str, now: dt.datetime) -> None:
        self._require_exists()
        if self.state == "revisited":
            raise Conflict("wish_already_revisited", "该心愿已回访")
        if self.state != "fulfilled":
            raise Conflict("wish_not_fulfilled", "心愿完成后才能回访", state=self.state)
        assert self.claimant_id is not None
        self._raise(
            grid_events.WishRevisited(
                wish_id=self.id,
                community_id=self.community_id,
                claimant_id=self.claimant_id,
                satisfaction=satisfaction,  # type: ignore[arg-type]
                comment=comment.strip(),
                revisited_by=by,
                revisited_at=now,
            )
        )

    def _require_exists(self) -> None:
        if self.state is None:
            raise NotFound("wish_not_found", "找不到该心愿")

    def _require_claimed(self) -> None:
        self._require_exists()
        if self.state != "claimed":
            raise Conflict("wish_not_claimed", "该心愿当前没有被认领", state=self.state)


class Resource(Aggregate):
    """An offer of help on the resource list (资源清单)."""

    stream_type = "resource"

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.offered: grid_events.ResourceOffered | None = None

    def when(self, event: Event) -> None:
        match event:
            case grid_events.ResourceOffered():
                self.offered = event

    def offer(
        self,
        *,
        community_id: str,
        offerer_id: str,
        offerer_name: str,
        offerer_kind: str,
        title: str,
        description: str,
        capacity: int,
        now: dt.datetime,
    ) -> None:
        if self.offered is not None:
            raise Conflict("resource_exists", "该资源已登记")
        self._raise(
            grid_events.ResourceOffered(
                resource_id=self.id,
                community_id=community_id,
                offerer_id=offerer_id,
                offerer_name=offerer_name,
                offerer_kind=offerer_kind,  # type: ignore[arg-type]
                title=title,
                description=description,
                capacity=capacity,
                offered_at=now,
            )
        )
