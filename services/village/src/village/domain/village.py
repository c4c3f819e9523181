"""One village (行政村): party organization, demonstration status, the cadre roster, the monthly
subsidy sheets, annual collective income and the team bonus. Stream ``village-<village_id>``.

The bonus rule "exactly once per village and year" and "one subsidy sheet per month" hold because
the village's stream is the one place that decides them (optimistic concurrency on append).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from grassroots_common.aggregate import Aggregate
from grassroots_common.contracts.village import (
    BonusAwarded,
    BonusTier,
    CadreAppointed,
    CadreLeft,
    CadrePosition,
    DemonstrationLevel,
    IncomeReported,
    SubsidyComputed,
    SubsidyLine,
    VillageRegistered,
    VillageStatusChanged,
)
from grassroots_common.errors import Conflict, Invalid, NotFound
from grassroots_common.events import Event
from village.domain.policy import bonus_for


def village_stream_id(village_id: str) -> str:
    return f"village-{village_id}"


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    year, number = (int(p) for p in month.split("-"))
    first = dt.date(year, number, 1)
    following = dt.date(year + (number == 12), number % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


@dataclass(slots=True)
class Cadre:
    cadre_id: str
    name: str
    position: CadrePosition
    one_shoulder: bool
    appointed_on: dt.date
    left_on: dt.date | None = None

    @property
    def active(self) -> bool:
        return self.left_on is None

    def served_in(self, first: dt.date, last: dt.date) -> bool:
        return self.appointed_on <= last and (self.left_on is None or self.left_on >= first)


class Village(Aggregate):
    stream_type = "village"

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.village_id = ""
        self.town_id = ""
        self.name = ""
        self.level: DemonstrationLevel = "none"
        self.cadres: dict[str, Cadre] = {}
        self.subsidy_months: set[str] = set()
        self.income: dict[int, int] = {}
        self.bonus: dict[int, int] = {}

    def when(self, event: Event) -> None:
        match event:
            case VillageRegistered():
                self.village_id, self.town_id, self.name = event.village_id, event.town_id, event.name
            case VillageStatusChanged():
                self.level = event.level
            case CadreAppointed():
                self.cadres[event.cadre_id] = Cadre(
                    event.cadre_id, event.name, event.position, event.one_shoulder, event.appointed_on
                )
            case CadreLeft():
                self.cadres[event.cadre_id].left_on = event.left_on
            case SubsidyComputed():
                self.subsidy_months.add(event.month)
            case IncomeReported():
                self.income[event.year] = event.income_fen
            case BonusAwarded():
                self.bonus[event.year] = event.bonus_fen

    def _require(self) -> None:
        if not self.exists:
            raise NotFound("village_not_found", "找不到该村")

    def active(self, position: CadrePosition | None = None) -> list[Cadre]:
        return [c for c in self.cadres.values() if c.active and (position is None or c.position == position)]

    def register(
        self,
        *,
        town_id: str,
        village_id: str,
        name: str,
        party_org_name: str,
        party_org_kind: Literal["branch", "general_branch", "committee"],
        party_members: int,
        households: int,
        population: int,
    ) -> None:
        if self.exists:
            raise Conflict("village_exists", f"村 {village_id} 已登记")
        self._raise(
            VillageRegistered(
                town_id=town_id,
                village_id=village_id,
                name=name,
                party_org_name=party_org_name,
                party_org_kind=party_org_kind,
                party_members=party_members,
                households=households,
                population=population,
            )
        )

    def change_status(self, *, level: DemonstrationLevel, reason: str, effective_on: dt.date) -> None:
        self._require()
        if level == self.level:
            raise Conflict("status_unchanged", "该村已是这一示范等级")
        self._raise(
            VillageStatusChanged(
                town_id=self.town_id,
                village_id=self.village_id,
                level=level,
                previous_level=self.level,
                reason=reason,
                effective_on=effective_on,
            )
        )

    def appoint(
        self, *, cadre_id: str, name: str, position: CadrePosition, one_shoulder: bool, appointed_on: dt.date
    ) -> None:
        self._require()
        if one_shoulder and position != "secretary":
            raise Invalid(
                "one_shoulder_secretary_only", "只有村党组织书记可以“一肩挑”兼任村委会主任", field="one_shoulder"
            )
        if position == "secretary" and self.active("secretary"):
            raise Conflict("secretary_present", "该村已有在任党组织书记，请先办理原书记离任")
        if position == "director":
            if self.active("director"):
                raise Conflict("director_present", "该村已有在任村委会主任，请先办理原主任离任")
            if any(c.one_shoulder for c in self.active("secretary")):
                raise Conflict("director_held_by_secretary", "村党组织书记“一肩挑”兼任主任，不能另设主任")
        if one_shoulder and self.active("director"):
            raise Conflict("director_present", "该村已有在任村委会主任，不能再“一肩挑”")
        self._raise(
            CadreAppointed(
                town_id=self.town_id,
                village_id=self.village_id,
                cadre_id=cadre_id,
                name=name,
                position=position,
                one_shoulder=one_shoulder,
                appointed_on=appointed_on,
            )
        )

    def release(self, *, cadre_id: str, left_on: dt.date, reason: str) -> None:
        self._require()
        cadre = self.cadres.get(cadre_id)
        if cadre is None:
            raise NotFound("cadre_not_found", "该村没有这名干部")
        if not cadre.active:
            raise Conflict("cadre_already_left", f"{cadre.name} 已于 {cadre.left_on} 离任")
        if left_on < cadre.appointed_on:
            raise Invalid("left_before_appointed", "离任日期不能早于任职日期", field="left_on")
        self._raise(
            CadreLeft(
                town_id=self.town_id,
                village_id=self.village_id,
                cadre_id=cadre_id,
                name=cadre.name,
                position=cadre.position,
                left_on=left_on,
                reason=reason,
            )
        )

    def compute_subsidy(self, *, month: str, rate_one_shoulder_fen: int, rate_other_fen: int) -> int:
        """Issue the month's sheet: every cadre (not reserve) who served in the month, at the full rate."""
        self._require()
        if month in self.subsidy_months:
            raise Conflict("subsidy_already_issued", f"{self.name} {month} 的补贴表已发放")
        first, last = month_bounds(month)
        served = [c for c in self.cadres.values() if c.position != "reserve" and c.served_in(first, last)]
        if not served:
            raise Conflict("roster_empty", f"{self.name} {month} 没有在任村干部，无法生成补贴表")
        lines = [
            SubsidyLine(
                cadre_id=c.cadre_id,
                name=c.name,
                position=c.position,
                one_shoulder=c.one_shoulder,
                amount_fen=rate_one_shoulder_fen if c.one_shoulder else rate_other_fen,
            )
            for c in sorted(served, key=lambda c: (c.appointed_on, c.cadre_id))
        ]
        total = sum(line.amount_fen for line in lines)
        self._raise(
            SubsidyComputed(
                town_id=self.town_id,
                village_id=self.village_id,
                month=month,
                lines=lines,
                total_fen=total,
                rate_one_shoulder_fen=rate_one_shoulder_fen,
                rate_other_fen=rate_other_fen,
            )
        )
        return total

    def report_income(self, *, year: int, income_fen: int, note: str) -> None:
        self._require()
        if income_fen < 0:
            raise Invalid("income_negative", "集体经济收益不能为负数", field="income_fen")
        if year in self.bonus:
            raise Conflict("bonus_already_awarded", f"{year} 年奖补已核定，收益不能再修改")
        self._raise(
            IncomeReported(
                town_id=self.town_id,
                village_id=self.village_id,
                year=year,
                income_fen=income_fen,
                previous_income_fen=self.income.get(year),
                note=note,
            )
        )

    def award_bonus(self, *, year: int, tiers: list[BonusTier]) -> int:
        self._require()
        if year in self.bonus:
            raise Conflict("bonus_already_awarded", f"{self.name} {year} 年的班子奖补已核定，不能重复发放")
        if year not in self.income:
            raise Conflict("income_missing", f"{self.name} 尚未上报 {year} 年集体经济收益")
        income = self.income[year]
        tier = bonus_for(tiers, income)
        if tier is None:
            lowest = min((t.threshold_fen for t in tiers), default=0) // 100
            raise Conflict("income_below_bonus_tier", f"{year} 年集体经济收益未达到 {lowest} 元，不享受班子奖补")
        self._raise(
            BonusAwarded(
                town_id=self.town_id,
                village_id=self.village_id,
                year=year,
                income_fen=income,
                threshold_fen=tier.threshold_fen,
                bonus_fen=tier.bonus_fen,
            )
        )
        return tier.bonus_fen
