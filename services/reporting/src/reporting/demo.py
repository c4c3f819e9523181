"""Demo: reporting has no demo events of its own. Once the other services' demo events have flowed
into the read models, it issues the notices of the periods holding data and a first bulletin."""

from __future__ import annotations

import asyncio
import datetime as dt
import time

import structlog

from grassroots_common.demo import DemoUser
from grassroots_common.runtime import Runtime
from reporting import bulletins, notices, periods, queries
from reporting.figures import Scope
from reporting.scheduler import SYSTEM_ACTOR

log = structlog.get_logger(__name__)

DEMO_USERS: list[DemoUser] = [
    DemoUser("ops-001", "平台运维员", ("operator",), "平台运维：回放事件流、重建读模型、查看滞后"),
]
WAIT_SECONDS = 180.0
QUIET_SECONDS = 3.0


async def seed(runtime: Runtime) -> None:
    """Idempotent: nothing to do once a notice exists; otherwise wait in the background."""
    if await runtime.pool.fetchval("SELECT EXISTS (SELECT 1 FROM reporting.notices)"):
        return
    runtime.spawn_worker(lambda stop: _first_documents(runtime, stop))


async def _first_documents(runtime: Runtime, stop: asyncio.Event) -> None:
    try:
        if await _settled(runtime, stop):
            await issue_first_documents(runtime)
        else:
            log.warning("demo.no_data", waited=WAIT_SECONDS)
    except Exception as exc:
        log.warning("demo.documents_failed", error=repr(exc))


async def _settled(runtime: Runtime, stop: asyncio.Event) -> bool:
    """Bounded wait until the projections have data and have been caught up for a quiet moment."""
    deadline = time.monotonic() + WAIT_SECONDS
    quiet_since: float | None = None
    while not stop.is_set() and time.monotonic() < deadline:
        if await _caught_up(runtime) and await queries.has_data(runtime.pool):
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since >= QUIET_SECONDS:
                return True
        else:
            quiet_since = None
        await asyncio.sleep(0.5)
    return False


async def _caught_up(runtime: Runtime) -> bool:
    if runtime.nc is None or not runtime.runners:
        return False
    js = runtime.nc.jetstream(timeout=2.0)
    for projection in runtime.projections:
        for b in runtime.bindings(projection):
            try:
                info = await js.consumer_info(b.spec.name, b.consumer)
            except Exception:
                return False
            if info.num_pending or info.num_ack_pending:
                return False
    return True


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
