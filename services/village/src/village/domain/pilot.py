"""The red beautiful village pilot plan (红色美丽村庄) of one village: stream ``pilot-<village_id>``."""

from __future__ import annotations

import datetime as dt

from grassroots_common.aggregate import Aggregate
from grassroots_common.contracts.village import PilotItem, PilotItemProgressed, PilotPlanDefined
from grassroots_common.errors import Conflict, Invalid, NotFound
from grassroots_common.events import Event
from village.domain.progress import check_progress


def pilot_stream_id(village_id: str) -> str:
    return f"pilot-{village_id}"


class PilotPlan(Aggregate):
    stream_type = "pilot"

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.defined: PilotPlanDefined | None = None
        self.progress: dict[str, int] = {}

    def when(self, event: Event) -> None:
        match event:
            case PilotPlanDefined():
                self.defined = event
                self.progress = {i.item_id: 0 for i in event.items}
            case PilotItemProgressed():
                self.progress[event.item_id] = event.progress_pct

    def define(self, *, plan_id: str, town_id: str, village_id: str, title: str, items: list[PilotItem]) -> None:
        if self.exists:
            raise Conflict("plan_exists", "该村已有红色美丽村庄建设实施方案")
        if not items:
            raise Invalid("items_required", "实施方案至少需要一项内容", field="items")
        ids = [i.item_id for i in items]
        if len(set(ids)) != len(ids):
            raise Invalid("item_twice", "实施方案的项目编号不能重复", field="items")
        for item in items:
            if item.due_on < item.starts_on:
                raise Invalid("due_before_start", f"“{item.title}”的完成日期早于开始日期", field="items")
            if item.budget_fen < 0:
                raise Invalid("budget_negative", f"“{item.title}”的预算不能为负数", field="items")
        self._raise(
            PilotPlanDefined(
                plan_id=plan_id,
                town_id=town_id,
                village_id=village_id,
                title=title,
                items=items,
                budget_total_fen=sum(i.budget_fen for i in items),
            )
        )

    def progress_item(
        self,
        *,
        item_id: str,
        progress_pct: int,
        reason: str,
        note: str,
        evidence_upload_ids: list[str],
        reported_on: dt.date,
    ) -> None:
        if self.defined is None:
            raise NotFound("plan_not_found", "该村没有红色美丽村庄建设实施方案")
        if item_id not in self.progress:
            raise NotFound("item_not_found", "实施方案中没有这一项")
        previous = self.progress[item_id]
        check_progress(previous, progress_pct, reason)
        self._raise(
            PilotItemProgressed(
                plan_id=self.defined.plan_id,
                town_id=self.defined.town_id,
                village_id=self.defined.village_id,
                item_id=item_id,
                progress_pct=progress_pct,
                previous_pct=previous,
                reason=reason,
                note=note,
                evidence_upload_ids=evidence_upload_ids,
                reported_on=reported_on,
            )
        )
