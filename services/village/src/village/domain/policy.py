"""The district's configurable rules (stream ``village-policy``): subsidy rates, bonus tiers, the
reserve-cadre target, the inspection checklist, the "511" targets and the pilot template."""

from __future__ import annotations

import itertools

from grassroots_common.aggregate import Aggregate
from grassroots_common.contracts.village import (
    DEFAULT_BEHIND_SCHEDULE_MARGIN_PCT,
    BonusTier,
    ChecklistAspect,
    PilotItemTemplate,
    VillagePolicySet,
)
from grassroots_common.errors import Invalid
from grassroots_common.events import Event

POLICY_STREAM = "village-policy"
YUAN = 100  # fen per yuan

DEFAULT_CHECKLIST = [
    ChecklistAspect(aspect_id="environment", name="环境卫生", max_score=15),
    ChecklistAspect(aspect_id="rooms", name="部室设置", max_score=15),
    ChecklistAspect(aspect_id="basic_rules", name="基本制度落实", max_score=15),
    ChecklistAspect(aspect_id="signage", name="标识标牌", max_score=10),
    ChecklistAspect(aspect_id="records", name="台账资料", max_score=15),
    ChecklistAspect(aspect_id="party_life", name="组织生活", max_score=15),
    ChecklistAspect(aspect_id="services", name="便民服务", max_score=15),
]

_PILOT = {
    "建强红色堡垒": ["村党组织标准化建设巩固提升", "村“两委”办公楼改造", "党员队伍教育管理", "后备力量培养"],
    "突出红色基因": ["红色集中展示区设计", "红色资源保护利用", "红色教育阵地建设"],
    "扭住产业核心": ["土地流转规模种植", "村股份经济合作社运营", "特色产业培育", "农产品品牌打造"],
    "强化基层治理": ["村规民约修订", "矛盾纠纷调解", "网格化服务管理"],
    "提升村容村貌": ["沿街门面统一改造", "主干街道花坛美化", "人居环境整治"],
}
DEFAULT_PILOT_TEMPLATE = [PilotItemTemplate(aspect=a, title=t) for a, items in _PILOT.items() for t in items]

DEFAULT_POLICY = VillagePolicySet(
    subsidy_one_shoulder_fen=3_000 * YUAN,
    subsidy_other_fen=2_300 * YUAN,
    bonus_tiers=[
        BonusTier(threshold_fen=50_000 * YUAN, bonus_fen=3_000 * YUAN),
        BonusTier(threshold_fen=100_000 * YUAN, bonus_fen=10_000 * YUAN),
        BonusTier(threshold_fen=200_000 * YUAN, bonus_fen=25_000 * YUAN),
        BonusTier(threshold_fen=500_000 * YUAN, bonus_fen=50_000 * YUAN),
    ],
    reserve_target=2,
    checklist=DEFAULT_CHECKLIST,
    pairing_funds_fen=50_000 * YUAN,
    pairing_supporting_projects=1,
    pairing_industry_projects=1,
    behind_schedule_margin_pct=DEFAULT_BEHIND_SCHEDULE_MARGIN_PCT,
    pilot_template=DEFAULT_PILOT_TEMPLATE,
)


def bonus_for(tiers: list[BonusTier], income_fen: int) -> BonusTier | None:
    """The highest tier the income reaches, or None below the lowest."""
    reached = [t for t in tiers if income_fen >= t.threshold_fen]
    return max(reached, key=lambda t: t.threshold_fen) if reached else None


class Policy(Aggregate):
    stream_type = "policy"

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.current: VillagePolicySet = DEFAULT_POLICY

    def when(self, event: Event) -> None:
        match event:
            case VillagePolicySet():
                self.current = event

    def set(self, policy: VillagePolicySet) -> None:
        tiers = sorted(policy.bonus_tiers, key=lambda t: t.threshold_fen)
        if any(a.threshold_fen == b.threshold_fen for a, b in itertools.pairwise(tiers)):
            raise Invalid("bonus_tiers_duplicate", "奖补档次的收益门槛不能重复", field="bonus_tiers")
        if any(a.bonus_fen > b.bonus_fen for a, b in itertools.pairwise(tiers)):
            raise Invalid("bonus_tiers_not_monotonic", "收益越高的档次，奖补金额不能越低", field="bonus_tiers")
        ids = [a.aspect_id for a in policy.checklist]
        if len(set(ids)) != len(ids):
            raise Invalid("checklist_duplicate", "检查清单的方面编号不能重复", field="checklist")
        self._raise(policy.model_copy(update={"bonus_tiers": tiers}))
