"""The first documents: the notices of the latest week with logs, its month and the latest quarter
with appraisals, and a first bulletin.
"""

from __future__ import annotations

import datetime as dt

import structlog

from grassroots_common.runtime import Runtime
from reporting import bulletins, notices, periods
from reporting.figures import Scope
from reporting.scheduler import SYSTEM_ACTOR

log = structlog.get_logger(__name__)


async def issue_first_documents(runtime: Runtime) -> None:
    """The notices of the latest week with logs, its month, and the latest quarter with appraisals."""
    now = runtime.clock()
    week = await runtime.pool.fetchval("SELECT max(week) FROM rpt_submissions.weekly_submissions")
    day = periods.parse(week).start if week else now.astimezone(periods.BEIJING).date()
    quarter = await runtime.pool.fetchval("SELECT max(quarter) FROM rpt_appraisal.person_quarters")
    chosen = {
        "week": periods.containing("week", day),
        "month": periods.containing("month", day),
        "quarter": periods.parse(quarter) if quarter else periods.containing("quarter", day),
    }
    for grain, kind in periods.KIND_OF.items():
        await notices.generate(runtime.pool, kind, chosen[grain], SYSTEM_ACTOR, now, if_missing=True)
    if not await runtime.pool.fetchval("SELECT EXISTS (SELECT 1 FROM reporting.bulletins)"):
        request = _first_bulletin(now.astimezone(periods.BEIJING).date(), chosen["month"].code, chosen["quarter"].code)
        await bulletins.create(runtime.pool, request, SYSTEM_ACTOR, now)
    log.info("demo.documents_issued")


def _first_bulletin(issued_on: dt.date, month: str, quarter: str) -> bulletins.BulletinRequest:

    def figure(key: str, period: str, display: str = "table") -> bulletins.FigureRequest:
        return bulletins.FigureRequest(key, period, display, Scope())

    S = bulletins.SectionRequest
    return bulletins.BulletinRequest(
        title="凤翔区以“周纪实、月小结、季考评、年评鉴”推动干部平时考核走深走实",
        issuer=notices.ISSUER,
        issued_on=issued_on,
        editor_note="凤翔区坚持把平时考核作为激励干部担当作为的重要抓手，现将有关做法和进展刊发，供各单位学习借鉴。",
        sections=[
            S("一、坚持周纪实，让工作实绩“看得见”", "各单位依托“掌上考核”平台，干部每周记录工作实绩，领导及时点评。"),
            S("", figure=figure("log_submission", month)),
            S("二、坚持季考评，让考核结果“分得清”", "严格落实“好”等次比例，层层审核、公示、申诉。"),
            S("", figure=figure("review_progress", quarter)),
            S("", figure=figure("result_use_by_kind", quarter, "sentence")),
            S("三、吹哨派单，让群众诉求“办得快”", figure=figure("ticket_departments", month)),
            S("四、比拼晾晒，让书记项目“跑起来”", figure=figure("project_ranking", quarter)),
            S("", figure=figure("funds_by_source", quarter, "sentence")),
        ],
        distribution=["市委组织部", "区委各常委", "各镇（街道）党（工）委", "区级各部门"],
    )
