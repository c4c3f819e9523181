"""``seed`` and its steps: per unit (the units side by side) the roster, the schemes, a year of weekly
logs and monthly summaries, the quarters in their states, mentors, annual reviews with result use,
and shortcoming reminders.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random

from appraisal.demo.cast import SEED, UNITS, Person, UnitSpec, _roster
from appraisal.demo.catalogue import INDICATORS, SCORED, WORK
from appraisal.demo.writing import _append, _at, _each, _gather, _meta, _spread
from appraisal.domain.annual import AnnualReview, annual_stream_id
from appraisal.domain.log_reminder import LogReminders, log_reminder_stream_id
from appraisal.domain.quarter import UnitQuarter, good_cap_for, quarter_stream_id
from appraisal.domain.reminder import Reminder
from appraisal.domain.result_use import ResultUses, result_use_stream_id
from appraisal.domain.roster import Roster
from appraisal.domain.scheme import Scheme, composite_score, scheme_stream_id
from appraisal.domain.summary import MonthlySummary, summary_deadline, summary_stream_id
from appraisal.domain.weekly_log import WeeklyLog, log_stream_id
from appraisal.domain.weeks import log_deadline, week_of
from grassroots_common.calendar_projection import load_calendar
from grassroots_common.contracts.appraisal import (
    AnnualCandidate,
    AnnualGrade,
    Grade,
    ResultUseKind,
    WorkItem,
)
from grassroots_common.events import Metadata
from grassroots_common.runtime import Runtime
from grassroots_common.workdays import CHINA, WorkCalendar


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
        await _append(runtime, reminders, _at(reminders.take_pending(), at), admin)


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

    async def submit(with_items: list[WorkItem], now: dt.datetime) -> None:
        log.submit(
            person_id=person.person_id,
            person_name=person.name,
            unit_id=spec.unit_id,
            section_id=person.section_id,
            week=week,
            items=with_items,
            now=now,
        )
        await _append(runtime, log, _at(log.take_pending(), now), _meta(person))

    await submit(items, moment)
    if returned:
        chief = str(person.chain.section_chief_id)
        log.return_for_revision(
            reviewer_id=chief, reviewer_name="股长", reason="工作内容过于笼统，请写明具体事项和成效"
        )
        back = moment + dt.timedelta(hours=5)
        reviewer = Metadata(actor_id=chief, actor_roles=("section_chief",))
        await _append(runtime, log, _at(log.take_pending(), back), reviewer)
        await submit(
            [*items, WorkItem(text="补充：本周工作成效已量化说明", indicators=["ji-1"])], back + dt.timedelta(hours=20)
        )


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
            events = _at(summary.take_pending(), moment)
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
    await _append(runtime, q, _at(q.take_pending(), opened_at), admin)
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
    await _append(runtime, q, _at(q.take_pending(), published_at), admin)
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
        _at(q.take_pending(), published_at + day),
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
    await _append(runtime, roster, _at(roster.take_pending(), started), admin)
    for year in sorted({int(q[:4]) for q in quarters} | {today.year}):
        scheme = Scheme(scheme_stream_id(spec.unit_id, year))
        scheme.define(unit_id=spec.unit_id, year=year, indicators=INDICATORS, quarter_open=False)
        when = dt.datetime(year - 1, 12, 20, 9, tzinfo=CHINA)
        await _append(runtime, scheme, _at(scheme.take_pending(), when), admin)
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
        await _append(runtime, q, _at(q.take_pending(), when), _meta(mentor))


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
    await _append(runtime, review, _at(review.take_pending(), when), admin)
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
        await _append(runtime, uses, _at(uses.take_pending(), later), _meta(boss))


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
            _at(reminder.take_pending(), issued),
            _meta(leader),
        )
        if rng.random() < 0.7:
            reminder.acknowledge(now=issued + day)
            if rng.random() < 0.6:
                reminder.report_rectification(report="已制定整改措施并落实，周纪实逐项写明成效", now=issued + 5 * day)
            await _append(
                runtime,
                reminder,
                _spread(reminder.take_pending(), issued + day, issued + 5 * day, rng),
                _meta(by_id[pid]),
            )
