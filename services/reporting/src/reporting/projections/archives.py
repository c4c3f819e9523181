"""Archives: the growth archive of each civil servant (干部成长档案), the file of each village and the
history of each ticket, as time-ordered entries with a readable Chinese title.

The one projection reading all three streams: its rows are insert-only, keyed by event id and
subject, so any interleaving of the streams and any redelivery leave the same table.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

import asyncpg

from grassroots_common.contracts import appraisal as appraisal_events
from grassroots_common.contracts import grid as grid_events
from grassroots_common.contracts import village as village_events
from grassroots_common.contracts.appraisal import RESULT_USE_NAMES, REVIEW_LEVEL_NAMES
from grassroots_common.contracts.grid import REVISIT_ANSWER_NAMES
from grassroots_common.contracts.village import CADRE_POSITION_NAMES, DEMONSTRATION_LEVEL_NAMES, FUNDING_SOURCE_NAMES
from grassroots_common.events import RecordedEvent
from grassroots_common.projections.projection import Projection, keyed_by_type, types_of
from grassroots_common.tables import Table
from reporting.eventdata import text

ENTRIES = Table(
    "entries",
    ("subject_kind", "subject_id", "event_id"),
    {
        "subject_kind": "text",
        "subject_id": "text",
        "event_id": "text",
        "at": "timestamptz NOT NULL",
        "source": "text NOT NULL",
        "sequence": "bigint NOT NULL",
        "type": "text NOT NULL",
        "title": "text NOT NULL",
        "detail": "jsonb",
    },
)

Title = Callable[[dict[str, Any]], str]


def _yuan(fen: object) -> str:
    return f"{(fen if isinstance(fen, int) else 0) / 100:,.2f} 元"


PERSON: dict[str, Title] = keyed_by_type(
    {
        appraisal_events.PersonEnrolled: lambda d: f"入列考核名册（{d.get('position') or '—'}）",
        appraisal_events.PersonLeft: lambda d: "调离或退出考核名册",
        appraisal_events.SelfAssessed: lambda d: f"{d.get('quarter')} 个人自评：{d.get('grade')}",
        appraisal_events.ReviewRecorded: lambda d: (
            f"{d.get('quarter')} {REVIEW_LEVEL_NAMES.get(str(d.get('level')), '审核')}评定：{d.get('grade')}"
        ),
        appraisal_events.GradeAdjusted: lambda d: (
            f"{d.get('quarter')} 等次调整：{d.get('from_grade')} → {d.get('to_grade')}（{d.get('reason')}）"
        ),
        appraisal_events.AppealFiled: lambda d: f"{d.get('quarter')} 提出申诉：{d.get('reason')}",
        appraisal_events.AppealResolved: lambda d: (
            f"{d.get('quarter')} 申诉{'维持原等次' if d.get('outcome') == 'upheld' else '改定为'}：{d.get('new_grade')}"
        ),
        appraisal_events.ResultsPublished: lambda d: f"{d.get('quarter')} 考核结果公示：{d.get('grade')}",
        appraisal_events.QuarterFinalized: lambda d: f"{d.get('quarter')} 季度考评确定：{d.get('grade')}",
        appraisal_events.AnnualGradeDecided: lambda d: f"{d.get('year')} 年度考核等次：{d.get('grade')}",
        appraisal_events.ReminderIssued: lambda d: f"不足提醒（{d.get('issued_by_name')}）：{d.get('shortcomings')}",
        appraisal_events.ReminderAcknowledged: lambda d: "确认收到不足提醒",
        appraisal_events.RectificationReported: lambda d: f"报告整改情况：{d.get('report')}",
        appraisal_events.FollowUpOpened: lambda d: f"{d.get('quarter')} 连续等次偏低，启动季度回访",
        appraisal_events.MentorAssigned: lambda d: f"确定帮带导师：{d.get('mentor_name')}",
        appraisal_events.FollowUpVisited: lambda d: f"季度回访：{d.get('notes')}",
        appraisal_events.ResultApplied: lambda d: (
            f"结果运用·{RESULT_USE_NAMES.get(str(d.get('kind')), d.get('kind'))}：{d.get('basis')}"
        ),
    }
)
VILLAGE: dict[str, Title] = keyed_by_type(
    {
        village_events.VillageRegistered: lambda d: f"建档：{d.get('name')}（党员 {d.get('party_members')} 名）",
        village_events.VillageStatusChanged: lambda d: (
            f"示范等级变更为{DEMONSTRATION_LEVEL_NAMES.get(str(d.get('level')), '—')}：{d.get('reason')}"
        ),
        village_events.CadreAppointed: lambda d: (
            f"村干部任职：{d.get('name')}（{CADRE_POSITION_NAMES.get(str(d.get('position')), '—')}"
            f"{'，一肩挑' if d.get('one_shoulder') else ''}）"
        ),
        village_events.CadreLeft: lambda d: f"村干部离任：{d.get('name')}（{d.get('reason')}）",
        village_events.SubsidyComputed: lambda d: f"{d.get('month')} 村干部补贴合计 {_yuan(d.get('total_fen'))}",
        village_events.IncomeReported: lambda d: f"{d.get('year')} 年村集体经济收入 {_yuan(d.get('income_fen'))}",
        village_events.BonusAwarded: lambda d: f"{d.get('year')} 年班子奖励 {_yuan(d.get('bonus_fen'))}",
        village_events.InspectionRecorded: lambda d: (
            f"规范化检查得分 {d.get('total_score')}/{d.get('max_total')}，问题 {len(d.get('findings') or [])} 条"
        ),
        village_events.FindingClosed: lambda d: f"检查问题整改销号：{d.get('note')}",
        village_events.WeaknessScreened: lambda d: f"软弱涣散排查：命中 {len(d.get('hits') or [])} 项",
        village_events.VillageDesignatedWeak: lambda d: f"{d.get('year')} 年列为软弱涣散村党组织：{d.get('reason')}",
        village_events.RectificationPlanned: lambda d: (
            f"整顿方案：责任领导 {d.get('responsible_leader')}，期限 {d.get('deadline')}"
        ),
        village_events.RectificationProgressed: lambda d: f"整顿进展：{d.get('note')}",
        village_events.RectificationAccepted: lambda d: f"整顿验收销号（{d.get('accepted_by')}）",
        village_events.PilotPlanDefined: lambda d: (
            f"红色美丽村庄方案：{d.get('title')}，预算 {_yuan(d.get('budget_total_fen'))}"
        ),
        village_events.PilotItemProgressed: lambda d: f"试点事项进度 {d.get('progress_pct')}%：{d.get('note')}",
        village_events.ProjectRegistered: lambda d: (
            f"书记项目立项：{d.get('name')}（预算 {_yuan(d.get('budget_fen'))}）"
        ),
        village_events.ProjectFunded: lambda d: (
            f"项目资金到位（{FUNDING_SOURCE_NAMES.get(str(d.get('source')), d.get('source'))}）：{_yuan(d.get('amount_fen'))}"
        ),
        village_events.InvestmentAttracted: lambda d: f"招商引资：{d.get('investor')} {_yuan(d.get('amount_fen'))}",
        village_events.MilestoneReported: lambda d: f"项目节点「{d.get('title')}」，进度 {d.get('progress_pct')}%",
        village_events.ProjectIncomeReported: lambda d: f"项目收益 {_yuan(d.get('amount_fen'))}",
        village_events.PairingCommitted: lambda d: f"{d.get('year')} 年包联单位：{d.get('unit_name')}",
        village_events.PairingDelivered: lambda d: f"包联单位落实：{d.get('title')}",
    }
)
TICKET: dict[str, Title] = keyed_by_type(
    {
        grid_events.TicketDispatched: lambda d: (
            f"派单（第 {d.get('round', 1)} 轮）至 {d.get('department_name') or '承办部门'}：{d.get('title')}"
        ),
        grid_events.TicketAccepted: lambda d: f"{d.get('handler_name')} 签收{'' if d.get('on_time') else '（超时）'}",
        grid_events.TicketReturned: lambda d: f"退单：{d.get('reason')}",
        grid_events.TicketHandled: lambda d: f"办理中：{d.get('note')}",
        grid_events.TicketReportedBack: lambda d: (
            f"办结反馈{'' if d.get('on_time') else '（超期）'}：{d.get('result')}"
        ),
        grid_events.TicketVerified: lambda d: f"社区核查{'通过' if d.get('passed') else '未通过'}：{d.get('comment')}",
        grid_events.TicketClosed: lambda d: "结单",
        grid_events.TicketExtensionRequested: lambda d: f"申请延期：{d.get('reason')}",
        grid_events.TicketExtended: lambda d: f"同意延期至 {d.get('new_deadline')}",
        grid_events.TicketExtensionRefused: lambda d: f"不同意延期：{d.get('reason')}",
        grid_events.TicketOverdue: lambda d: f"{'签收' if d.get('stage') == 'acceptance' else '办理'}超时",
        grid_events.TicketEscalated: lambda d: f"督办（第 {d.get('level')} 级）：{d.get('escalated_to_name')}",
        grid_events.TicketUrged: lambda d: f"{d.get('urged_by_name')} 督办：{d.get('note')}",
        grid_events.SatisfactionRecorded: lambda d: (
            f"回访：{REVISIT_ANSWER_NAMES.get(str(d.get('satisfaction')), d.get('satisfaction'))}"
        ),
        grid_events.TicketReopened: lambda d: f"重新办理：{d.get('reason')}",
    }
)
_PER_PERSON_LISTS = types_of(appraisal_events.ResultsPublished, appraisal_events.QuarterFinalized)
# One archive per cadre across services: what a person did in the grid and the villages joins their
# appraisal line. The identity is the roster's person id, which is also the sign-in subject every
# service records as the actor (a claimant, a ticket's handler, a project's owner).
ACROSS: dict[str, tuple[str, Title]] = keyed_by_type(
    {
        grid_events.WishClaimed: ("claimant_id", lambda d: "认领微心愿（党员接单）"),
        grid_events.TicketAccepted: (
            "handler_id",
            lambda d: f"签收承办工单{'' if d.get('on_time') else '（超时签收）'}",
        ),
        village_events.ProjectRegistered: ("owner_id", lambda d: f"牵头书记项目：{d.get('name')}"),
    }
)


DEPARTMENTS = Table("departments", ("department_id",), {"department_id": "text", "name": "text NOT NULL"})
"""The grid's departments by name, so that a ticket's dispatch names where it went."""
_DEPARTMENT_REGISTERED = grid_events.DepartmentRegistered.type_name()
_TICKET_DISPATCHED = grid_events.TicketDispatched.type_name()


class ArchivesProjection(Projection):
    name = "archives"
    schema = "rpt_archives"
    sources = ("appraisal", "grid", "village")
    event_types = (
        frozenset(PERSON)
        | frozenset(VILLAGE)
        | frozenset(TICKET)
        | frozenset(ACROSS)
        | types_of(grid_events.DepartmentRegistered)
    )
    ddl = (
        ENTRIES.create()
        + DEPARTMENTS.create()
        + """
    CREATE INDEX IF NOT EXISTS entries_subject_time ON entries (subject_kind, subject_id, at, event_id);
    """
    )

    async def apply(self, conn: asyncpg.Connection, events: Sequence[RecordedEvent]) -> None:
        dispatched_to = {(d,) for e in events if e.type == _TICKET_DISPATCHED and (d := text(e.data, "department_id"))}
        names = {k[0]: r["name"] for k, r in (await DEPARTMENTS.load(conn, dispatched_to)).items()}
        registered: dict[tuple, dict] = {}
        rows: dict[tuple, dict] = {}
        for e in events:
            if e.type == _DEPARTMENT_REGISTERED and (department := text(e.data, "department_id")):
                name = text(e.data, "name") or department
                names[department] = name
                registered[(department,)] = {"department_id": department, "name": name}
                continue
            if e.type == _TICKET_DISPATCHED and (name := names.get(text(e.data, "department_id") or "")):
                e = dataclasses.replace(e, data={**e.data, "department_name": name})
            for kind, subject, data in _subjects(e):
                title = _title(kind, e.type, data)
                rows[(kind, subject, e.event_id)] = {
                    "subject_kind": kind,
                    "subject_id": subject,
                    "event_id": e.event_id,
                    "at": e.occurred_at,
                    "source": e.source,
                    "sequence": e.sequence,
                    "type": e.type,
                    "title": title,
                    "detail": data,
                }
        await DEPARTMENTS.upsert(conn, registered.values())
        await ENTRIES.upsert(conn, rows.values(), replace=False)


def _subjects(e: RecordedEvent) -> list[tuple[str, str, dict]]:
    own = _own_subjects(e)
    if e.type in ACROSS and (person := text(e.data, ACROSS[e.type][0])):
        own.append(("person", person, e.data))
    return own


def _own_subjects(e: RecordedEvent) -> list[tuple[str, str, dict]]:
    d = e.data
    if e.type in _PER_PERSON_LISTS:
        listed = d.get("results") if isinstance(d.get("results"), list) else []
        return [
            ("person", person, {"quarter": d.get("quarter"), "unit_id": d.get("unit_id"), **item})
            for item in listed
            if isinstance(item, dict) and (person := text(item, "person_id"))
        ]
    if e.type in PERSON and (person := text(d, "person_id")):
        return [("person", person, d)]
    if e.type in VILLAGE and (village := text(d, "village_id")):
        return [("village", village, d)]
    if e.type in TICKET and (ticket := text(d, "ticket_id")):
        return [("ticket", ticket, d)]
    return []


def _title(kind: str, event_type: str, data: dict) -> str:
    table = {"person": PERSON, "village": VILLAGE, "ticket": TICKET}[kind]
    try:
        if kind == "person" and event_type in ACROSS:
            return ACROSS[event_type][1](data)
        return table[event_type](data)
    except Exception:
        # A shape this build does not know still gets an entry: its type names it.
        return event_type
