"""The indicator scheme of a unit for a year: stream ``scheme-<unit>-<year>``.

Four kinds over 德能勤绩廉: 共性 common and 个性 individual indicators are scored up to their maxima,
特色亮点 highlights add bonus points, 负面清单 negative-list items deduct points. Composite score =
common + individual + bonus − deductions.
"""

from __future__ import annotations

from dataclasses import dataclass

from grassroots_common.aggregate import Aggregate
from grassroots_common.contracts.appraisal import Indicator, SchemeDefined
from grassroots_common.errors import Conflict, Invalid
from grassroots_common.events import Event

SCORED_KINDS = ("common", "individual")
MAX_SCORED_TOTAL = 100.0
MAX_BONUS_TOTAL = 20.0


def scheme_stream_id(unit_id: str, year: int) -> str:
    return f"scheme-{unit_id}-{year}"


def validate_indicators(indicators: list[Indicator]) -> float:
    """Check the scheme; answer the total of the scored maxima."""
    if not indicators:
        raise Invalid("scheme_empty", "指标体系至少需要一项指标", field="indicators")
    codes = [i.code for i in indicators]
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    if duplicates:
        raise Invalid("indicator_code_duplicate", f"指标编号重复：{'、'.join(duplicates)}", field="indicators")
    for indicator in indicators:
        if indicator.max_points <= 0:
            raise Invalid("indicator_max_invalid", f"指标“{indicator.name}”的分值必须大于 0", field="indicators")
    scored = sum(i.max_points for i in indicators if i.kind in SCORED_KINDS)
    if not any(i.kind == "common" for i in indicators):
        raise Invalid("scheme_without_common", "指标体系至少需要一项共性指标", field="indicators")
    if abs(scored - MAX_SCORED_TOTAL) > 1e-6:
        raise Invalid(
            "scheme_weights_invalid",
            f"共性指标与个性指标的分值合计应为 {MAX_SCORED_TOTAL:g} 分，当前为 {scored:g} 分",
            field="indicators",
        )
    bonus = sum(i.max_points for i in indicators if i.kind == "highlight")
    if bonus > MAX_BONUS_TOTAL:
        raise Invalid("scheme_bonus_too_high", f"特色亮点加分合计不能超过 {MAX_BONUS_TOTAL:g} 分", field="indicators")
    return scored


@dataclass(frozen=True, slots=True)
class ScoreCard:
    """The parts of a composite score: what the scored indicators earned, what highlights add and
    what the negative list (负面清单) deducts. A negative-list item is never points to earn."""

    common: float
    individual: float
    bonus: float
    deductions: float

    @property
    def composite(self) -> float:
        return round(self.common + self.individual + self.bonus - self.deductions, 2)

    def as_dict(self) -> dict[str, float]:
        return {
            "common": self.common,
            "individual": self.individual,
            "bonus": self.bonus,
            "deductions": self.deductions,
            "composite_score": self.composite,
        }


def score_card(indicators: list[Indicator], scores: dict[str, float]) -> ScoreCard | None:
    """The score card of ``scores`` (points per indicator code, each within 0..max), or ``None``
    when no scores are given (a grade alone). Scores that are given cover every common and
    individual indicator: a composite of some of them would be a figure that is not right.
    Highlights and negative-list items left out count 0."""
    if not scores:
        return None
    by_code = {i.code: i for i in indicators}
    sums = dict.fromkeys(("common", "individual", "highlight", "negative"), 0.0)
    for code, points in scores.items():
        indicator = by_code.get(code)
        if indicator is None:
            raise Invalid("indicator_unknown", f"指标体系中没有编号为 {code} 的指标", field="scores")
        if not 0 <= points <= indicator.max_points:
            what = "减分" if indicator.kind == "negative" else "得分"
            raise Invalid(
                "score_out_of_range",
                f"“{indicator.name}”的{what}应在 0 到 {indicator.max_points:g} 之间",
                field="scores",
            )
        sums[indicator.kind] += points
    missing = [i.name for i in indicators if i.kind in SCORED_KINDS and i.code not in scores]
    if missing:
        raise Invalid(
            "scores_incomplete",
            f"请为每项共性和个性指标打分（未打分：{'、'.join(missing[:5])}{'等' if len(missing) > 5 else ''}），"
            "或全部留空只评定等次",
            field="scores",
        )
    return ScoreCard(
        common=round(sums["common"], 2),
        individual=round(sums["individual"], 2),
        bonus=round(sums["highlight"], 2),
        deductions=round(sums["negative"], 2),
    )


def composite_score(indicators: list[Indicator], scores: dict[str, float]) -> float:
    """Composite score = common + individual + bonus − deductions (see ``score_card``)."""
    card = score_card(indicators, scores)
    if card is None:
        raise Invalid("scores_required", "请为各项指标打分", field="scores")
    return card.composite


class Scheme(Aggregate):
    stream_type = "scheme"

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.indicators: list[Indicator] = []
        self.revision = 0

    def when(self, event: Event) -> None:
        match event:
            case SchemeDefined():
                self.indicators, self.revision = event.indicators, event.revision

    def define(self, *, unit_id: str, year: int, indicators: list[Indicator], quarter_open: bool) -> None:
        if quarter_open:
            raise Conflict("scheme_in_use", f"{year} 年已有季度开始考核，指标体系不能再修改")
        scored = validate_indicators(indicators)
        self._raise(
            SchemeDefined(
                unit_id=unit_id, year=year, revision=self.revision + 1, indicators=indicators, scored_total=scored
            )
        )
