"""A village's weak-and-lax organization case (软弱涣散) for one year: screening → designation →
rectification plan → progress → acceptance (销号). Stream ``weakness-<village_id>-<year>``."""

from __future__ import annotations

import datetime as dt

from grassroots_common.aggregate import Aggregate
from grassroots_common.contracts.village import (
    RectificationAccepted,
    RectificationMeasure,
    RectificationPlanned,
    RectificationProgressed,
    VillageDesignatedWeak,
    WeaknessCriterion,
    WeaknessScreened,
)
from grassroots_common.errors import Conflict, Invalid, NotFound
from grassroots_common.events import Event


def weakness_stream_id(village_id: str, year: int) -> str:
    return f"weakness-{village_id}-{year}"


class WeaknessCase(Aggregate):
    stream_type = "weakness"

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.town_id = ""
        self.village_id = ""
        self.year = 0
        self.hits: set[str] = set()
        self.designated = False
        self.plan: RectificationPlanned | None = None
        self.done: set[str] = set()
        self.accepted = False

    def when(self, event: Event) -> None:
        match event:
            case WeaknessScreened():
                self.town_id, self.village_id, self.year = event.town_id, event.village_id, event.year
                self.hits.update(event.hits)
            case VillageDesignatedWeak():
                self.designated = True
            case RectificationPlanned():
                self.plan = event
            case RectificationProgressed():
                if event.done:
                    self.done.add(event.measure_id)
            case RectificationAccepted():
                self.accepted = True

    @property
    def open_measures(self) -> list[str]:
        if self.plan is None:
            return []
        return [m.measure_id for m in self.plan.measures if m.measure_id not in self.done]

    def _ids(self) -> dict:
        return {"town_id": self.town_id, "village_id": self.village_id, "year": self.year}

    def screen(
        self,
        *,
        town_id: str,
        village_id: str,
        year: int,
        hits: list[WeaknessCriterion],
        screened_by: str,
        screened_on: dt.date,
        note: str,
    ) -> None:
        if self.designated:
            raise Conflict("already_designated", "该村已确定为整顿对象，无需再排查")
        self._raise(
            WeaknessScreened(
                town_id=town_id,
                village_id=village_id,
                year=year,
                hits=sorted(set(hits)),
                screened_by=screened_by,
                screened_on=screened_on,
                note=note,
            )
        )

    def designate(self, *, criteria: list[WeaknessCriterion], designated_on: dt.date, reason: str) -> None:
        if not self.exists:
            raise Conflict("not_screened", "该村本年度尚未排查，不能确定为整顿对象")
        if self.designated:
            raise Conflict("already_designated", "该村已确定为整顿对象")
        if not criteria:
            raise Invalid("criteria_required", "请至少选择一类问题", field="criteria")
        unscreened = sorted(set(criteria) - self.hits)
        if unscreened:
            raise Conflict("criteria_not_screened", f"排查中未发现这些问题：{'、'.join(unscreened)}", field="criteria")
        self._raise(
            VillageDesignatedWeak(
                **self._ids(), criteria=sorted(set(criteria)), designated_on=designated_on, reason=reason
            )
        )

    def plan_rectification(
        self,
        *,
        responsible_leader: str,
        work_group: list[str],
        measures: list[RectificationMeasure],
        deadline: dt.date,
        today: dt.date,
    ) -> None:
        if not self.designated:
            raise Conflict("not_designated", "该村不是整顿对象，不能制定整顿方案")
        if self.plan is not None:
            raise Conflict("plan_exists", "整顿方案已制定")
        if not measures:
            raise Invalid("measures_required", "整顿方案至少需要一项措施", field="measures")
        if deadline < today:
            raise Invalid("deadline_in_past", "整顿期限不能早于今天", field="deadline")
        self._raise(
            RectificationPlanned(
                **self._ids(),
                responsible_leader=responsible_leader,
                work_group=work_group,
                measures=measures,
                deadline=deadline,
            )
        )

    def report_progress(
        self, *, measure_id: str, done: bool, note: str, evidence_upload_ids: list[str], reported_on: dt.date
    ) -> None:
        if self.plan is None:
            raise Conflict("plan_missing", "尚未制定整顿方案")
        if self.accepted:
            raise Conflict("already_accepted", "整顿已验收销号")
        if all(m.measure_id != measure_id for m in self.plan.measures):
            raise NotFound("measure_not_found", "整顿方案中没有这项措施")
        if measure_id in self.done:
            raise Conflict("measure_done", "这项措施已完成")
        self._raise(
            RectificationProgressed(
                **self._ids(),
                measure_id=measure_id,
                done=done,
                note=note,
                evidence_upload_ids=evidence_upload_ids,
                reported_on=reported_on,
            )
        )

    def accept(self, *, accepted_on: dt.date, accepted_by: str, note: str) -> None:
        if self.plan is None:
            raise Conflict("plan_missing", "尚未制定整顿方案，不能验收")
        if self.accepted:
            raise Conflict("already_accepted", "整顿已验收销号")
        open_measures = self.open_measures
        if open_measures:
            raise Conflict(
                "open_measures",
                f"还有 {len(open_measures)} 项整顿措施未完成，不能验收销号",
                open_measures=open_measures,
            )
        self._raise(
            RectificationAccepted(
                **self._ids(),
                accepted_on=accepted_on,
                accepted_by=accepted_by,
                overdue=accepted_on > self.plan.deadline,
                note=note,
            )
        )
