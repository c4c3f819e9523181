"""Demo data for the embedded default: four units with sections and 25–50 people each, a year of
weekly logs and monthly summaries, and quarters in every state (finalized, published with an open
appeal, in review, just opened). Written through the aggregates, so every rule holds.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass

from faker import Faker

from appraisal.domain.annual import AnnualReview, annual_stream_id
from appraisal.domain.log_reminder import LogReminders, log_reminder_stream_id
from appraisal.domain.quarter import UnitQuarter, good_cap_for, quarter_stream_id
from appraisal.domain.reminder import Reminder
from appraisal.domain.result_use import ResultUses, result_use_stream_id
from appraisal.domain.roster import NewPerson, Roster, roster_stream_id
from appraisal.domain.scheme import Scheme, composite_score, scheme_stream_id
from appraisal.domain.summary import MonthlySummary, summary_deadline, summary_stream_id
from appraisal.domain.weekly_log import WeeklyLog, log_stream_id
from appraisal.domain.weeks import log_deadline, week_of
from grassroots_common.aggregate import Aggregate
from grassroots_common.calendar_projection import load_calendar
from grassroots_common.contracts.appraisal import (
    AnnualCandidate,
    AnnualGrade,
    Grade,
    Indicator,
    ResultUseKind,
    ReviewingChain,
    WorkItem,
)
from grassroots_common.demo import DemoUser
from grassroots_common.events import Metadata, NewEvent
from grassroots_common.runtime import Runtime
from grassroots_common.workdays import CHINA, WorkCalendar

SEED = 20220501


@dataclass(frozen=True)
class UnitSpec:
    unit_id: str
    prefix: str
    name: str
    sections: tuple[str, ...]
    staff_per_section: int
    latest_state: str  # reviewing | published | finalized | opened


UNITS = (
    UnitSpec("u_zzb", "zzb", "凤翔区委组织部", ("组织科", "干部科", "干部监督科", "办公室"), 6, "reviewing"),
    UnitSpec(
        "u_rsj",
        "rsj",
        "凤翔区人力资源和社会保障局",
        ("办公室", "就业促进股", "社会保险股", "劳动监察大队", "人事股"),
        8,
        "published",
    ),
    UnitSpec(
        "u_nyj", "nyj", "凤翔区农业农村局", ("办公室", "种植业股", "畜牧兽医股", "农村经营管理股"), 10, "finalized"
    ),
    UnitSpec("u_cgz", "cgz", "凤翔区城关镇人民政府", ("党政办公室", "社会事务办", "经济发展办"), 6, "opened"),
)

INDICATORS = [
    Indicator(code="de-1", name="政治理论学习", kind="common", dimension="德", max_points=6),
    Indicator(code="de-2", name="职业道德与作风", kind="common", dimension="德", max_points=6),
    Indicator(code="neng-1", name="业务能力", kind="common", dimension="能", max_points=6),
    Indicator(code="neng-2", name="创新与解决问题", kind="common", dimension="能", max_points=6),
    Indicator(code="qin-1", name="出勤与工作纪律", kind="common", dimension="勤", max_points=6),
    Indicator(code="qin-2", name="周纪实月小结按时填报", kind="common", dimension="勤", max_points=6),
    Indicator(code="ji-1", name="重点任务完成", kind="common", dimension="绩", max_points=6),
    Indicator(code="ji-2", name="服务群众满意度", kind="common", dimension="绩", max_points=6),
    Indicator(code="lian-1", name="廉洁自律", kind="common", dimension="廉", max_points=6),
    Indicator(code="lian-2", name="遵守中央八项规定", kind="common", dimension="廉", max_points=6),
    Indicator(code="gx-1", name="岗位职责目标", kind="individual", dimension="绩", max_points=15),
    Indicator(code="gx-2", name="领导交办事项", kind="individual", dimension="绩", max_points=10),
    Indicator(code="gx-3", name="专项工作", kind="individual", dimension="能", max_points=10),
    Indicator(code="gx-4", name="协作配合", kind="individual", dimension="勤", max_points=5),
    Indicator(code="ts-1", name="特色亮点工作", kind="highlight", dimension="绩", max_points=5),
    Indicator(code="ts-2", name="获上级表彰或经验推广", kind="highlight", dimension="绩", max_points=5),
    Indicator(code="fm-1", name="被通报批评或问责", kind="negative", dimension="廉", max_points=10),
    Indicator(code="fm-2", name="工作失误造成不良影响", kind="negative", dimension="勤", max_points=10),
]
SCORED = [i for i in INDICATORS if i.kind in ("common", "individual")]

WORK = [
    ("整理{s}党建工作台账，补齐会议记录", "qin-1"),
    ("参加区委理论学习中心组专题学习", "de-1"),
    ("起草{s}季度工作总结和下季度计划", "ji-1"),
    ("走访服务对象，收集意见建议{n}条", "ji-2"),
    ("完成领导交办的{s}专项材料报送", "gx-2"),
    ("组织开展主题党日活动", "de-2"),
    ("办理群众来电来访{n}件，均按时回复", "ji-2"),
    ("参加廉政警示教育大会并撰写心得", "lian-1"),
    ("配合完成年度目标责任考核迎检准备", "gx-1"),
    ("更新{s}信息系统数据{n}条", "neng-1"),
    ("下乡开展政策宣讲{n}场", "gx-3"),
    ("协助兄弟股室完成统计报表汇总", "gx-4"),
    ("参加业务培训并完成结业测试", "neng-2"),
    ("核对整改问题清单，完成销号{n}项", "ji-1"),
]


def _spread(events: list[NewEvent], start: dt.datetime, end: dt.datetime, rng: random.Random) -> list[NewEvent]:
    """Give decided events realistic times, in order, between ``start`` and ``end``."""
    span = (end - start).total_seconds()
    times = sorted(start + dt.timedelta(seconds=rng.random() * span) for _ in events)
    return [dataclasses.replace(e, occurred_at=t) for e, t in zip(events, times, strict=True)]


async def _append(runtime: Runtime, agg: Aggregate, events: list[NewEvent], meta: Metadata) -> None:
    if events:
        await runtime.store.append(agg.id, agg.stream_type, agg.version, events, meta)
        agg.version += len(events)


async def _each(runtime: Runtime, agg: Aggregate, events: list[NewEvent], people: dict, actor_field: str) -> None:
    """Append one by one, each with the person who did it as the actor."""
    for event in events:
        await _append(runtime, agg, [event], _meta(people[getattr(event.event, actor_field)]))


@dataclass
class Person:
    person_id: str
    name: str
    section_id: str | None
    chain: ReviewingChain
    role: str
    quality: float


def _meta(person: Person) -> Metadata:
    return Metadata(actor_id=person.person_id, actor_name=person.name, actor_roles=(person.role,))


def _roster(index: int, today: dt.date) -> tuple[Roster, list[Person]]:
    """The roster of ``UNITS[index]``: the same people (ids, names) on every run."""
    spec = UNITS[index]
    fake = Faker("zh_CN")
    fake.seed_instance(SEED + index)
    rng = random.Random(SEED + index)
    roster = Roster(roster_stream_id(spec.unit_id))
    roster.register(unit_id=spec.unit_id, unit_name=spec.name)
    people: list[Person] = []
    counter = iter(range(1, 1000))

    def enroll(name_role: str, section_id: str | None, chain: ReviewingChain, position: str) -> Person:
        pid = f"{spec.prefix}-{next(counter):03d}"
        birth = fake.date_of_birth(minimum_age=24, maximum_age=58)
        person = Person(pid, fake.name(), section_id, chain, name_role, rng.random())
        roster.enroll(
            NewPerson(pid, person.name, section_id, position, birth, fake.ssn(min_age=24, max_age=58), chain),
            today=today - dt.timedelta(days=400),
        )
        people.append(person)
        return person

    boss = enroll("principal_leader", None, ReviewingChain(), "局长" if "局" in spec.name else "主要负责人")
    deputies = [
        enroll("deputy_leader", None, ReviewingChain(principal_leader_id=boss.person_id), "副职领导") for _ in range(2)
    ]
    for n, section_name in enumerate(spec.sections, start=1):
        section_id = f"{spec.unit_id}-s{n}"
        roster.define_section(section_id=section_id, section_name=section_name)
        deputy = deputies[n % 2]
        chief = enroll(
            "section_chief",
            section_id,
            ReviewingChain(deputy_leader_id=deputy.person_id, principal_leader_id=boss.person_id),
            "股长",
        )
        chain = ReviewingChain(
            section_chief_id=chief.person_id, deputy_leader_id=deputy.person_id, principal_leader_id=boss.person_id
        )
        for _ in range(spec.staff_per_section + rng.randint(-1, 1)):
            enroll("staff", section_id, chain, rng.choice(["一级科员", "四级主任科员", "三级主任科员", "二级主任科员"]))
    # One person retired this year: on record, out of the next quarter.
    leaver = people[-1]
    roster.leave(person_id=leaver.person_id, reason="retirement", left_on=today - dt.timedelta(days=30))
    people.remove(leaver)
    return roster, people


def _items(person: Person, section: str, rng: random.Random) -> list[WorkItem]:
    picks = rng.sample(WORK, rng.randint(2, 4))
    return [
        WorkItem(text=text.format(s=section, n=rng.randint(2, 30)), indicators=[indicator]) for text, indicator in picks
    ]


async def _logs(
    runtime: Runtime,
    spec: UnitSpec,
    people: list[Person],
    sections: dict[str, str],
    weeks: list[str],
    rng: random.Random,
) -> None:
    jobs = []
    missing: dict[str, list[str]] = {}
    for person in people:
        for week in weeks:
            if rng.random() < 0.04:
                missing.setdefault(week, []).append(person.person_id)
                continue
            deadline = log_deadline(week)
            late = rng.random() < 0.08
            moment = (
                deadline + dt.timedelta(hours=rng.randint(2, 50))
                if late
                else deadline - dt.timedelta(hours=rng.randint(2, 70))
            )
            items = _items(person, sections.get(person.section_id or "", "本单位"), rng)
            returned = bool(person.chain.section_chief_id) and rng.random() < 0.05
            jobs.append(_log(runtime, spec, person, week, items, moment, returned))
    await _gather(jobs)
    # The administrator reminded whoever missed the latest week's deadline.
    if weeks and missing.get(weeks[-1]):
        week = weeks[-1]
        reminders = LogReminders(log_reminder_stream_id(spec.unit_id, week))
        at = log_deadline(week) + dt.timedelta(hours=2)
        reminders.remind(unit_id=spec.unit_id, week=week, missing=missing[week], now=at)
        admin = Metadata(actor_id=f"{spec.prefix}-admin", actor_name="单位管理员", actor_roles=("unit_admin",))
        await _append(
            runtime, reminders, [dataclasses.replace(e, occurred_at=at) for e in reminders.take_pending()], admin
        )


async def _log(
    runtime: Runtime,
    spec: UnitSpec,
    person: Person,
    week: str,
    items: list[WorkItem],
    moment: dt.datetime,
    returned: bool,
) -> None:
    log = WeeklyLog(log_stream_id(person.person_id, week))
    log.submit(
        person_id=person.person_id,
        person_name=person.name,
        unit_id=spec.unit_id,
        section_id=person.section_id,
        week=week,
        items=items,
        now=moment,
    )
    await _append(runtime, log, [dataclasses.replace(e, occurred_at=moment) for e in log.take_pending()], _meta(person))
    if returned:
        chief = str(person.chain.section_chief_id)
        log.return_for_revision(
            reviewer_id=chief, reviewer_name="股长", reason="工作内容过于笼统，请写明具体事项和成效"
        )
        back = moment + dt.timedelta(hours=5)
        reviewer = Metadata(actor_id=chief, actor_roles=("section_chief",))
        await _append(runtime, log, [dataclasses.replace(e, occurred_at=back) for e in log.take_pending()], reviewer)
        log.submit(
            person_id=person.person_id,
            person_name=person.name,
            unit_id=spec.unit_id,
            section_id=person.section_id,
            week=week,
            items=[*items, WorkItem(text="补充：本周工作成效已量化说明", indicators=["ji-1"])],
            now=back + dt.timedelta(hours=20),
        )
        again = [dataclasses.replace(e, occurred_at=back + dt.timedelta(hours=20)) for e in log.take_pending()]
        await _append(runtime, log, again, _meta(person))


async def _gather(jobs: Sequence, size: int = 200) -> None:
    jobs = list(jobs)
    for start in range(0, len(jobs), size):
        await asyncio.gather(*jobs[start : start + size])


async def _summaries(
    runtime: Runtime, spec: UnitSpec, people: list[Person], months: list[str], rng: random.Random
) -> None:
    jobs = []
    for person in people:
        for month in months:
            deadline = summary_deadline(month)
            moment = deadline - dt.timedelta(hours=rng.randint(-30, 90))
            summary = MonthlySummary(summary_stream_id(person.person_id, month))
            summary.submit(
                person_id=person.person_id,
                person_name=person.name,
                unit_id=spec.unit_id,
                section_id=person.section_id,
                month=month,
                text=f"{month[5:].lstrip('0')}月主要完成：{rng.choice(WORK)[0].format(s='本股室', n=rng.randint(2, 9))}；"
                f"{rng.choice(WORK)[0].format(s='本股室', n=rng.randint(2, 9))}。下月将继续抓好重点任务落实。",
                now=moment,
            )
            events = [dataclasses.replace(e, occurred_at=moment) for e in summary.take_pending()]
            jobs.append(_append(runtime, summary, events, _meta(person)))
    await _gather(jobs)


def _scores(quality: float, rng: random.Random) -> dict[str, float]:
    return {i.code: round(i.max_points * min(1.0, 0.72 + 0.25 * quality + rng.uniform(-0.05, 0.05)), 1) for i in SCORED}


def _grades(people: list[Person], cap: int, rng: random.Random) -> dict[str, Grade]:
    ranked = sorted(people, key=lambda p: p.quality + rng.uniform(-0.25, 0.25), reverse=True)
    goods = max(cap - rng.randint(0, 1), 0)
    grades: dict[str, Grade] = {}
    for n, person in enumerate(ranked):
        if n < goods:
            grades[person.person_id] = "好"
        elif n >= len(ranked) - max(1, len(ranked) // 12):
            grades[person.person_id] = "一般" if rng.random() < 0.8 else "较差"
        else:
            grades[person.person_id] = "较好"
    return grades


async def _quarter(
    runtime: Runtime,
    spec: UnitSpec,
    roster: Roster,
    people: list[Person],
    quarter: str,
    state: str,
    opened_at: dt.datetime,
    now: dt.datetime,
    calendar: WorkCalendar,
    rng: random.Random,
    earlier: dict[str, dict[str, Grade]],
) -> UnitQuarter:
    by_id = {p.person_id: p for p in people}
    q = UnitQuarter(quarter_stream_id(spec.unit_id, quarter))
    participants = roster.active_participants()
    q.open(unit_id=spec.unit_id, quarter=quarter, participants=participants, good_ratio=0.4, peer_reviews_required=1)
    admin = Metadata(actor_id=f"{spec.prefix}-admin", actor_name="单位管理员", actor_roles=("unit_admin",))
    await _append(runtime, q, [dataclasses.replace(e, occurred_at=opened_at) for e in q.take_pending()], admin)
    ids = [p.person_id for p in participants]
    grades = _grades([by_id[i] for i in ids], good_cap_for(len(ids), 0.4), rng)
    day = dt.timedelta(days=1)
    assessing = [i for i in ids if state != "opened" or rng.random() < 0.5]
    for pid in assessing:
        scores = _scores(by_id[pid].quality, rng)
        q.self_assess(
            person_id=pid,
            scores=scores,
            composite_score=composite_score(INDICATORS, scores),
            grade="好" if by_id[pid].quality > 0.4 else "较好",
            summary="本季度认真履行岗位职责，按时完成各项工作任务，周纪实按时填报。",
        )
    await _each(runtime, q, _spread(q.take_pending(), opened_at, opened_at + 2 * day, rng), by_id, "person_id")
    if state == "opened":
        return q
    for n, pid in enumerate(ids):
        peer = by_id[ids[(n + 1) % len(ids)]]
        q.peer_review(
            reviewer_id=peer.person_id,
            reviewer_name=peer.name,
            person_id=pid,
            grade=rng.choice(["好", "较好"]),
            comment="",
        )
    await _each(
        runtime, q, _spread(q.take_pending(), opened_at + 2 * day, opened_at + 3 * day, rng), by_id, "reviewer_id"
    )
    reviewing_sections = set(list(roster.sections)[: len(roster.sections) // 2])
    for level, offset in (("section_chief", 4), ("deputy_leader", 6), ("principal_leader", 8)):
        # Each reviewer goes through their people in one sitting: one append per reviewer and level.
        waiting: dict[str, list[str]] = {}
        for pid in ids:
            person = q.people[pid]
            if person.next_level != level:
                continue
            if state == "reviewing" and (
                level == "principal_leader" or person.participant.section_id not in reviewing_sections
            ):
                continue
            waiting.setdefault(person.reviewer_of(level) or "", []).append(pid)
        for reviewer_id, pids in waiting.items():
            reviewer = by_id[reviewer_id]
            for pid in pids:
                scores = _scores(by_id[pid].quality, rng)
                q.review(
                    level=level,
                    reviewer_id=reviewer.person_id,
                    reviewer_name=reviewer.name,
                    person_id=pid,
                    scores=scores,
                    composite_score=composite_score(INDICATORS, scores),
                    grade=grades[pid],
                    comment=rng.choice(
                        ["工作扎实，成效明显", "态度端正，完成任务较好", "需加强业务学习", "主动担当，表现突出"]
                    ),
                )
            start = opened_at + offset * day
            await _append(runtime, q, _spread(q.take_pending(), start, start + day, rng), _meta(reviewer))
    if state == "reviewing":
        return q
    published_at = now - 2 * day if state == "published" else opened_at + 10 * day
    q.publish(now=published_at, calendar=calendar, workdays=5)
    await _append(runtime, q, [dataclasses.replace(e, occurred_at=published_at) for e in q.take_pending()], admin)
    appellant = next(pid for pid in ids if grades[pid] == "较好")
    q.file_appeal(
        appeal_id=f"apl-{spec.prefix}-{quarter}",
        person_id=appellant,
        reason="本季度牵头完成专项整治任务，评定等次未能体现，请求复核。",
        now=published_at + day,
    )
    await _append(
        runtime,
        q,
        [dataclasses.replace(e, occurred_at=published_at + day) for e in q.take_pending()],
        _meta(by_id[appellant]),
    )
    if state == "published":
        return q
    q.resolve_appeal(
        appeal_id=f"apl-{spec.prefix}-{quarter}",
        outcome="upheld",
        new_grade=None,
        reason="经复核，评定依据充分，维持原等次。",
        now=published_at + 3 * day,
    )
    assert q.period_ends_at is not None
    q.finalize(now=q.period_ends_at + day, earlier_grades=earlier)
    await _append(runtime, q, _spread(q.take_pending(), published_at + 3 * day, q.period_ends_at + day, rng), admin)
    return q


async def seed(runtime: Runtime) -> None:
    if await runtime.store.count() > 0:
        return
    now = runtime.clock()
    today = now.astimezone(CHINA).date()
    calendar = await load_calendar(runtime.pool)
    this_week = week_of(now)
    weeks = sorted(
        {week_of(dt.datetime.combine(today - dt.timedelta(weeks=n), dt.time(12), tzinfo=CHINA)) for n in range(1, 53)}
    )
    weeks = [w for w in weeks if w != this_week and log_deadline(w) < now]
    months = sorted({(today.replace(day=1) - dt.timedelta(days=28 * n)).strftime("%Y-%m") for n in range(1, 12)})
    months = [m for m in months if summary_deadline(m) < now]
    year = today.year
    quarters = [f"{y}-Q{n}" for y in (year - 1, year) for n in range(1, 5) if dt.date(y, 3 * n, 28) < today]
    # Units are independent streams: seed them side by side.
    await asyncio.gather(
        *[
            _unit(runtime, index, spec, today, now, weeks, months, quarters, calendar)
            for index, spec in enumerate(UNITS)
        ]
    )
    runtime.wake_relay()


async def _unit(
    runtime: Runtime,
    index: int,
    spec: UnitSpec,
    today: dt.date,
    now: dt.datetime,
    weeks: list[str],
    months: list[str],
    quarters: list[str],
    calendar: WorkCalendar,
) -> None:
    rng = random.Random(SEED * 7 + index)
    roster, people = _roster(index, today)
    by_id = {p.person_id: p for p in people}
    admin = Metadata(actor_id=f"{spec.prefix}-admin", actor_name="单位管理员", actor_roles=("unit_admin",))
    started = dt.datetime.combine(today - dt.timedelta(days=700), dt.time(9), tzinfo=CHINA)
    await _append(runtime, roster, [dataclasses.replace(e, occurred_at=started) for e in roster.take_pending()], admin)
    for year in sorted({int(q[:4]) for q in quarters} | {today.year}):
        scheme = Scheme(scheme_stream_id(spec.unit_id, year))
        scheme.define(unit_id=spec.unit_id, year=year, indicators=INDICATORS, quarter_open=False)
        when = dt.datetime(year - 1, 12, 20, 9, tzinfo=CHINA)
        await _append(runtime, scheme, [dataclasses.replace(e, occurred_at=when) for e in scheme.take_pending()], admin)
    await _logs(runtime, spec, people, dict(roster.sections), weeks, rng)
    await _summaries(runtime, spec, people, months, rng)
    finals: dict[str, dict[str, Grade]] = {}
    latest: UnitQuarter | None = None
    for n, quarter in enumerate(quarters):
        last = n == len(quarters) - 1
        month_end = dt.date(int(quarter[:4]), 3 * int(quarter[-1]), 28)
        opened_at = dt.datetime.combine(month_end + dt.timedelta(days=5), dt.time(9), tzinfo=CHINA)
        if last and spec.latest_state != "finalized":
            opened_at = min(opened_at, now - dt.timedelta(days=12))
        previous = quarters[n - 1] if n else None
        earlier = {pid: {previous: g[previous]} for pid, g in finals.items() if previous in g}
        state = spec.latest_state if last else "finalized"
        q = await _quarter(runtime, spec, roster, people, quarter, state, opened_at, now, calendar, rng, earlier)
        for pid, grade in q.final_grades().items():
            finals.setdefault(pid, {})[quarter] = grade
        if q.phase == "finalized":
            latest = q
            await _mentors(runtime, q, by_id, opened_at + dt.timedelta(days=25), rng)
        if quarter.endswith("Q4"):
            await _annual(runtime, spec, int(quarter[:4]), finals, by_id, opened_at + dt.timedelta(days=30), rng)
    if latest is not None:
        await _reminders(runtime, spec, latest, by_id, now, rng)


async def _mentors(
    runtime: Runtime, q: UnitQuarter, by_id: dict[str, Person], when: dt.datetime, rng: random.Random
) -> None:
    """Most people flagged for a follow-up get a mentor (a section chief or deputy) and a visit."""
    for pid, person in q.people.items():
        if not person.follow_up or rng.random() < 0.3:
            continue
        chain = person.participant.chain
        mentor = by_id.get(chain.section_chief_id or chain.deputy_leader_id or "")
        if mentor is None or mentor.person_id == pid:
            continue
        q.assign_mentor(person_id=pid, mentor_id=mentor.person_id, mentor_name=mentor.name, now=when)
        q.record_visit(
            person_id=pid,
            visited_by_id=mentor.person_id,
            notes="谈心谈话，分析本季度不足，明确下季度改进目标和帮带措施",
            visited_on=when.date(),
        )
        await _append(runtime, q, [dataclasses.replace(e, occurred_at=when) for e in q.take_pending()], _meta(mentor))


async def _annual(
    runtime: Runtime,
    spec: UnitSpec,
    year: int,
    finals: dict[str, dict[str, Grade]],
    by_id: dict[str, Person],
    when: dt.datetime,
    rng: random.Random,
) -> None:
    grades = {
        pid: (by_id[pid].name, by_id[pid].section_id, {q: g for q, g in quarters.items() if q.startswith(str(year))})
        for pid, quarters in finals.items()
        if pid in by_id and any(q.startswith(str(year)) for q in quarters)
    }
    review = AnnualReview(annual_stream_id(spec.unit_id, year))
    review.open(unit_id=spec.unit_id, year=year, quarter_grades=grades, quarters_in_year=4, excellent_ratio=0.2)
    admin = Metadata(actor_id=f"{spec.prefix}-admin", actor_name="单位管理员", actor_roles=("unit_admin",))
    await _append(runtime, review, [dataclasses.replace(e, occurred_at=when) for e in review.take_pending()], admin)
    boss = next(p for p in by_id.values() if p.role == "principal_leader")

    def standing(item: tuple[str, AnnualCandidate]) -> tuple[int, float]:
        goods = sum(1 for g in item[1].quarter_grades.values() if g == "好")
        return -goods, -by_id[item[0]].quality

    for pid, candidate in sorted(review.people.items(), key=standing):
        quarter_grades = candidate.quarter_grades.values()
        if candidate.excellent_eligible and review.excellent_used < review.excellent_cap:
            grade: AnnualGrade = "优秀"
        elif "较差" in quarter_grades:
            grade = "基本称职"
        else:
            grade = "称职"
        review.decide(person_id=pid, grade=grade, comment="")
    later = when + dt.timedelta(days=3)
    await _append(runtime, review, _spread(review.take_pending(), when, later, rng), _meta(boss))
    kinds: list[ResultUseKind] = ["excellence", "commendation", "promotion", "appointment", "party_recommendation"]
    for pid, grade in review.decided.items():
        uses = ResultUses(result_use_stream_id(pid))
        if grade == "优秀":
            picks = ["excellence", *rng.sample(kinds[1:], rng.randint(0, 2))]
        elif grade == "基本称职":
            picks = ["reminder_talk"]
        elif rng.random() < 0.1:
            picks = ["training"]
        else:
            continue
        for kind in picks:
            uses.apply(
                unit_id=spec.unit_id,
                person_id=pid,
                person_name=by_id[pid].name,
                kind=kind,  # type: ignore[arg-type]
                year=year,
                basis=f"{year} 年度考核{grade}",
                decided_on=(later + dt.timedelta(days=rng.randint(5, 60))).date(),
                annual_held=True,
                annual_grade=grade,
            )
        await _append(
            runtime, uses, [dataclasses.replace(e, occurred_at=later) for e in uses.take_pending()], _meta(boss)
        )


async def _reminders(
    runtime: Runtime, spec: UnitSpec, q: UnitQuarter, by_id: dict[str, Person], now: dt.datetime, rng: random.Random
) -> None:
    """Shortcoming reminders to the people at 一般 or 较差 last quarter, in every state of reply."""
    day = dt.timedelta(days=1)
    for n, (pid, person) in enumerate(q.people.items()):
        if person.grade not in ("一般", "较差"):
            continue
        chain = person.participant.chain
        leader = by_id.get(chain.section_chief_id or chain.deputy_leader_id or chain.principal_leader_id or "")
        if leader is None:
            continue
        reminder = Reminder(f"rmd_{spec.prefix}_{n:03d}")
        issued = now - (10 + rng.randint(0, 20)) * day
        reminder.issue(
            unit_id=spec.unit_id,
            person_id=pid,
            person_name=by_id[pid].name,
            issued_by_id=leader.person_id,
            issued_by_name=leader.name,
            quarter=q.quarter,
            shortcomings=rng.choice(
                ["周纪实填报不够及时，内容较笼统", "业务学习主动性不强，群众工作方法有待改进", "承办事项办结时效偏慢"]
            ),
            now=issued,
        )
        await _append(
            runtime,
            reminder,
            [dataclasses.replace(e, occurred_at=issued) for e in reminder.take_pending()],
            _meta(leader),
        )
        if rng.random() < 0.7:
            reminder.acknowledge(person_id=pid, now=issued + day)
            if rng.random() < 0.6:
                reminder.report_rectification(
                    person_id=pid, report="已制定整改措施并落实，周纪实逐项写明成效", now=issued + 5 * day
                )
            await _append(
                runtime,
                reminder,
                _spread(reminder.take_pending(), issued + day, issued + 5 * day, rng),
                _meta(by_id[pid]),
            )


def _user(sub: str, name: str, role: str, title: str, unit: str, section: str | None = None) -> DemoUser:
    scopes = {"unit": unit, **({"section": section} if section else {})}
    place = next(spec.name for spec in UNITS if spec.unit_id == unit)
    return DemoUser(sub=sub, name=name, roles=(role,), title=title, scopes=scopes, place=place)


def _demo_users() -> list[DemoUser]:
    """The demo users are people of the demo roster (same ids, same names: the seed is fixed).
    Every reviewer of the organization department's chain is one, so that a newcomer can finish
    its quarter under review (every chief, deputy and the principal), publish it, answer an appeal
    and finalize it; and the human resources bureau's principal answers the appeal open there."""
    today = dt.date(2026, 1, 1)
    roster, zzb = _roster(0, today)
    _, rsj = _roster(1, today)
    unit, rsj_unit = UNITS[0].unit_id, UNITS[1].unit_id
    sections = dict(roster.sections)
    boss = next(p for p in zzb if p.role == "principal_leader")
    deputies = [p for p in zzb if p.role == "deputy_leader"]
    chiefs = [p for p in zzb if p.role == "section_chief"]
    # The staff member of the last section: the demo quarter leaves that section waiting for its chief.
    staff = next(p for p in zzb if p.role == "staff" and p.chain.section_chief_id == chiefs[-1].person_id)

    def charge(deputy: Person) -> str:
        return "、".join(sections[c.section_id or ""] for c in chiefs if c.chain.deputy_leader_id == deputy.person_id)

    rsj_staff = next(p for p in rsj if p.role == "staff")
    rsj_boss = next(p for p in rsj if p.role == "principal_leader")
    return [
        _user(
            staff.person_id,
            staff.name,
            "staff",
            f"组织部{sections[staff.section_id or '']}干部：写周纪实、月小结，季度自评和互评，查看结果、申诉",
            unit,
            staff.section_id,
        ),
        *[
            _user(
                c.person_id,
                c.name,
                "section_chief",
                f"组织部{sections[c.section_id or '']}股长：批阅本股室周纪实，初审本股室人员",
                unit,
                c.section_id,
            )
            # The chiefs still to review first (the demo quarter has the last sections waiting).
            for c in reversed(chiefs)
        ],
        *[
            _user(
                d.person_id, d.name, "deputy_leader", f"组织部分管领导（{charge(d)}）：复审分管人员，调换“好”等次", unit
            )
            for d in deputies
        ],
        _user(
            boss.person_id, boss.name, "principal_leader", "组织部主要领导：终审全部人员，答复申诉，确定年度等次", unit
        ),
        _user(
            "zzb-admin",
            "组织部考核管理员",
            "unit_admin",
            "组织部单位管理员：花名册、指标体系、开启与公示季度考核",
            unit,
        ),
        _user(
            rsj_staff.person_id,
            rsj_staff.name,
            "staff",
            "人社局干部：本季度结果公示中，可申请复核",
            rsj_unit,
            rsj_staff.section_id,
        ),
        _user(rsj_boss.person_id, rsj_boss.name, "principal_leader", "人社局主要领导：答复公示期内的申诉", rsj_unit),
        _user("rsj-admin", "人社局考核管理员", "unit_admin", "人社局单位管理员：公示期满后确认结果", rsj_unit),
        DemoUser(
            sub="district-admin",
            name="区委组织部考核办",
            roles=("district_admin",),
            title="区委组织部考核办：全区考核统计与通报",
        ),
    ]


DEMO_USERS: list[DemoUser] = _demo_users()
