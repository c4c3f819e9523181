"""How a secretary project's events read in its history (变更记录): the village's labels for
``stream_history`` — every funding, investment, milestone and income with who recorded it."""

from __future__ import annotations

from grassroots_common.contracts.village import (
    FUNDING_SOURCE_NAMES,
    InvestmentAttracted,
    MilestoneReported,
    ProjectFunded,
    ProjectIncomeReported,
    ProjectRegistered,
)
from grassroots_common.events import RecordedEvent
from grassroots_common.history import Described, yuan

_INVESTMENT_ATTRACTED = InvestmentAttracted.type_name()
_MILESTONE_REPORTED = MilestoneReported.type_name()
_PROJECT_FUNDED = ProjectFunded.type_name()
_PROJECT_INCOME_REPORTED = ProjectIncomeReported.type_name()
_PROJECT_REGISTERED = ProjectRegistered.type_name()


def describe(e: RecordedEvent) -> Described | None:
    """One project event as the history shows it; events of other kinds are left out."""
    d = e.data
    kind = e.type
    if kind == _PROJECT_REGISTERED:
        return Described("登记项目", f"预算 {yuan(d.get('budget_fen'))}，负责人 {d.get('owner_name', '')}")
    if kind == _PROJECT_FUNDED:
        source = FUNDING_SOURCE_NAMES.get(d.get("source", ""), "其他")
        return Described(
            "资金到位",
            f"{source}（{d.get('funder', '')}）{yuan(d.get('amount_fen'))}，{d.get('received_on', '')} 到账",
        )
    if kind == _INVESTMENT_ATTRACTED:
        return Described(
            "招商引资", f"{d.get('investor', '')} {yuan(d.get('amount_fen'))}，{d.get('signed_on', '')} 签约"
        )
    if kind == _MILESTONE_REPORTED:
        return Described(
            "报告进度",
            f"{d.get('title', '')}：{d.get('previous_pct', 0)}% → {d.get('progress_pct', 0)}%",
            d.get("reason", ""),
        )
    if kind == _PROJECT_INCOME_REPORTED:
        return Described("报告收益", f"{d.get('year', '')} 年 {yuan(d.get('amount_fen'))}", d.get("note", ""))
    return None
