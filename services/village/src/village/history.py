"""How a secretary project's events read in its history (变更记录): the village's labels for
``stream_history`` — every funding, investment, milestone and income with who recorded it."""

from __future__ import annotations

from grassroots_common.events import RecordedEvent
from grassroots_common.history import Described, yuan

SOURCES = {
    "fiscal": "财政资金",
    "pairing_unit": "包联单位",
    "enterprise": "企业投入",
    "village_collective": "村集体",
    "other": "其他",
}


def describe(e: RecordedEvent) -> Described | None:
    """One project event as the history shows it; events of other kinds are left out."""
    d = e.data
    match e.type:
        case "ProjectRegistered":
            return Described("登记项目", f"预算 {yuan(d.get('budget_fen'))}，负责人 {d.get('owner_name', '')}")
        case "ProjectFunded":
            source = SOURCES.get(d.get("source", ""), "其他")
            return Described(
                "资金到位",
                f"{source}（{d.get('funder', '')}）{yuan(d.get('amount_fen'))}，{d.get('received_on', '')} 到账",
            )
        case "InvestmentAttracted":
            return Described(
                "招商引资", f"{d.get('investor', '')} {yuan(d.get('amount_fen'))}，{d.get('signed_on', '')} 签约"
            )
        case "MilestoneReported":
            return Described(
                "报告进度",
                f"{d.get('title', '')}：{d.get('previous_pct', 0)}% → {d.get('progress_pct', 0)}%",
                d.get("reason", ""),
            )
        case "ProjectIncomeReported":
            return Described("报告收益", f"{d.get('year', '')} 年 {yuan(d.get('amount_fen'))}", d.get("note", ""))
    return None
