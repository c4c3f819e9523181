"""One function per command: load the aggregate, check who may act, let it decide, append.

Every write goes through ``execute``; authorization that depends on the aggregate's state (is this
person in your chain?) runs inside the action, on the state the decision is made on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from appraisal import authz, queries, roster_sheet
from appraisal.domain.annual import AnnualReview, annual_stream_id
from appraisal.domain.log_reminder import LogReminders, log_reminder_stream_id
from appraisal.domain.quarter import UnitQuarter, parse_quarter, previous_quarter, quarter_stream_id
from appraisal.domain.reminder import Reminder
from appraisal.domain.result_use import ResultUses, result_use_stream_id
from appraisal.domain.roster import NewPerson, Roster, SheetRow, roster_stream_id
from appraisal.domain.scheme import Scheme, scheme_stream_id, score_card
from appraisal.domain.summary import MonthlySummary, summary_stream_id
from appraisal.domain.weekly_log import WeeklyLog, log_stream_id
from grassroots_common.aggregate import Aggregate
from grassroots_common.auth import Principal
from grassroots_common.calendar_projection import load_calendar
from grassroots_common.commands import CommandContext, CommandResult, Idempotency, execute
from grassroots_common.contracts.appraisal import (
    AnnualGrade,
    DeadlinesConfigured,
    Grade,
    ImportRowError,
    Indicator,
    ResultUseKind,
    ReviewingChain,
    SubmissionDeadlines,
    WorkItem,
)
from grassroots_common.errors import Conflict, Invalid
from grassroots_common.events import Metadata, RecordedEvent
from grassroots_common.ids import new_id
from grassroots_common.runtime import Runtime
from grassroots_common.store import LatestOf
from grassroots_common.workdays import CHINA

A = TypeVar("A", bound=Aggregate)


async def _run(
    runtime: Runtime,
    cls: type[A],
    stream_id: str,
    act: Callable[[A], dict | None],
    meta: Metadata,
    idempotency: Idempotency | None,
    latest: LatestOf | None = None,
    *,
    usually_new: bool = False,
) -> CommandResult:
    return await execute(
        runtime.store,
        cls,
        stream_id,
        act,
        meta,
        idempotency=idempotency,
        on_appended=runtime.wake_relay,
        latest=latest,
        usually_new=usually_new,
    )


async def _load(runtime: Runtime, cls: type[A], stream_id: str) -> A:
    return cls.from_recorded(stream_id, await runtime.store.load(stream_id))


def _today(runtime: Runtime) -> dt.date:
    return runtime.clock().astimezone(CHINA).date()


async def unit_deadlines(runtime: Runtime, unit_id: str) -> SubmissionDeadlines:
    """The unit's submission deadlines: its latest setting (the defaults when it set none)."""
    return _deadlines(await runtime.store.last_of_type(roster_stream_id(unit_id), "DeadlinesConfigured"))


def _deadline_setting(unit_id: str) -> LatestOf:
    """The unit's deadline setting, read with a submission's aggregate in the same round trip
    rather than by folding the roster, which every submission would otherwise pay."""
    return LatestOf(roster_stream_id(unit_id), "DeadlinesConfigured")


def _deadlines(setting: RecordedEvent | None) -> SubmissionDeadlines:
    if setting is None:
        return SubmissionDeadlines()
    return DeadlinesConfigured.model_validate(setting.data).deadlines


# --- weekly log and monthly summary ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SubmitLog:
    """Submit, or revise, one's log of a week."""

    week: str
    items: list[WorkItem]


async def submit_log(ctx: CommandContext, command: SubmitLog) -> CommandResult:
    principal, week, items = ctx.principal, command.week, command.items
    unit_id = principal.unit()
    now = ctx.now()
    setting = _deadline_setting(unit_id)

    def act(log: WeeklyLog) -> dict:
        log.submit(
            person_id=principal.sub,
            person_name=principal.name,
            unit_id=unit_id,
            section_id=principal.scope("section"),
            week=week,
            items=items,
            now=now,
            deadlines=_deadlines(setting.event),
        )
        return {"week": week, "revision": log.revision, "late": bool(log.first_late)}

    # A week's log is mostly submitted once: decide on an empty log first (one round trip).
    return await ctx.execute(WeeklyLog, log_stream_id(principal.sub, week), act, latest=setting, usually_new=True)


async def _reviewer_of(runtime: Runtime, principal: Principal, person_id: str) -> None:
    roster = await _load(runtime, Roster, roster_stream_id(principal.unit()))
    authz.require_in_chain(principal, roster.member(person_id).chain)


async def comment_log(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    person_id: str,
    week: str,
    comment: str,
    idempotency: Idempotency | None,
) -> CommandResult:
    await _reviewer_of(runtime, principal, person_id)

    def act(log: WeeklyLog) -> None:
        log.comment(reviewer_id=principal.sub, reviewer_name=principal.name, comment=comment)

    return await _run(runtime, WeeklyLog, log_stream_id(person_id, week), act, meta, idempotency)


async def return_log(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    person_id: str,
    week: str,
    reason: str,
    idempotency: Idempotency | None,
) -> CommandResult:
    await _reviewer_of(runtime, principal, person_id)

    def act(log: WeeklyLog) -> None:
        log.return_for_revision(reviewer_id=principal.sub, reviewer_name=principal.name, reason=reason)

    return await _run(runtime, WeeklyLog, log_stream_id(person_id, week), act, meta, idempotency)


async def remind_missing_logs(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    unit_id: str,
    week: str,
    idempotency: Idempotency | None,
) -> CommandResult:
    authz.require_unit_admin(principal, unit_id)
    missing = await queries.missing_log_people(runtime.pool, unit=unit_id, week=week)
    now = runtime.clock()
    setting = _deadline_setting(unit_id)

    def act(reminders: LogReminders) -> dict:
        deadlines = _deadlines(setting.event)
        reminders.remind(unit_id=unit_id, week=week, missing=missing, now=now, deadlines=deadlines)
        return {"reminded": len(missing), "round": reminders.rounds}

    stream_id = log_reminder_stream_id(unit_id, week)
    return await _run(runtime, LogReminders, stream_id, act, meta, idempotency, setting)


async def submit_summary(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    month: str,
    text: str,
    idempotency: Idempotency | None,
) -> CommandResult:
    unit_id = authz.require_appraised(principal)
    now = runtime.clock()
    setting = _deadline_setting(unit_id)

    def act(summary: MonthlySummary) -> dict:
        summary.submit(
            person_id=principal.sub,
            person_name=principal.name,
            unit_id=unit_id,
            section_id=principal.scope("section"),
            month=month,
            text=text,
            now=now,
            deadlines=_deadlines(setting.event),
        )
        return {"month": month, "revision": summary.revision, "late": bool(summary.first_late)}

    stream_id = summary_stream_id(principal.sub, month)
    return await _run(runtime, MonthlySummary, stream_id, act, meta, idempotency, setting, usually_new=True)


# --- roster ------------------------------------------------------------------------------------


async def register_unit(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    unit_id: str,
    unit_name: str,
    idempotency: Idempotency | None,
) -> CommandResult:
    authz.require_district(principal)

    def act(roster: Roster) -> None:
        roster.register(unit_id=unit_id, unit_name=unit_name)

    return await _run(runtime, Roster, roster_stream_id(unit_id), act, meta, idempotency)


async def define_section(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    unit_id: str,
    section_id: str,
    section_name: str,
    idempotency: Idempotency | None,
) -> CommandResult:
    authz.require_unit_admin(principal, unit_id)

    def act(roster: Roster) -> None:
        roster.define_section(section_id=section_id, section_name=section_name)

    return await _run(runtime, Roster, roster_stream_id(unit_id), act, meta, idempotency)


async def configure_deadlines(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    unit_id: str,
    deadlines: SubmissionDeadlines,
    idempotency: Idempotency | None,
) -> CommandResult:
    authz.require_unit_admin(principal, unit_id)

    def act(roster: Roster) -> dict:
        roster.configure_deadlines(deadlines)
        return roster.deadlines.model_dump()

    return await _run(runtime, Roster, roster_stream_id(unit_id), act, meta, idempotency)


async def enroll_person(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    unit_id: str,
    person: NewPerson,
    idempotency: Idempotency | None,
) -> CommandResult:
    authz.require_unit_admin(principal, unit_id)
    today = _today(runtime)

    def act(roster: Roster) -> dict:
        roster.enroll(person, today=today)
        return {"person_id": person.person_id}

    return await _run(runtime, Roster, roster_stream_id(unit_id), act, meta, idempotency)


async def import_roster(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    unit_id: str,
    file_name: str,
    rows: list[SheetRow],
    errors: list[ImportRowError],
    idempotency: Idempotency | None,
) -> CommandResult:
    authz.require_unit_admin(principal, unit_id)
    today = _today(runtime)

    def act(roster: Roster) -> dict:
        before = len(roster.people)
        all_errors = roster.import_rows(file_name=file_name, rows=rows, errors=errors, today=today)
        return {
            "rows_enrolled": len(roster.people) - before,
            "rows_rejected": len({e.row for e in all_errors}),
            # Each error names its column as the sheet's header does, not by the field's key.
            "errors": [{**e.model_dump(), "column": roster_sheet.column_title(e.field)} for e in all_errors],
        }

    return await _run(runtime, Roster, roster_stream_id(unit_id), act, meta, idempotency)


async def change_chain(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    unit_id: str,
    person_id: str,
    section_id: str | None,
    chain: ReviewingChain,
    idempotency: Idempotency | None,
) -> CommandResult:
    authz.require_unit_admin(principal, unit_id)

    def act(roster: Roster) -> None:
        roster.change_chain(person_id=person_id, section_id=section_id, chain=chain)

    return await _run(runtime, Roster, roster_stream_id(unit_id), act, meta, idempotency)


async def change_person_details(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    unit_id: str,
    person_id: str,
    person_name: str,
    position: str,
    birth_date: dt.date | None,
    id_number: str | None,
    idempotency: Idempotency | None,
) -> CommandResult:
    authz.require_unit_admin(principal, unit_id)

    def act(roster: Roster) -> None:
        roster.change_details(
            person_id=person_id, person_name=person_name, position=position, birth_date=birth_date, id_number=id_number
        )

    return await _run(runtime, Roster, roster_stream_id(unit_id), act, meta, idempotency)


async def person_left(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    unit_id: str,
    person_id: str,
    reason: str,
    left_on: dt.date,
    idempotency: Idempotency | None,
) -> CommandResult:
    authz.require_unit_admin(principal, unit_id)

    def act(roster: Roster) -> None:
        roster.leave(person_id=person_id, reason=reason, left_on=left_on)

    return await _run(runtime, Roster, roster_stream_id(unit_id), act, meta, idempotency)


# --- indicator scheme --------------------------------------------------------------------------


async def define_scheme(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    unit_id: str,
    year: int,
    indicators: list[Indicator],
    idempotency: Idempotency | None,
) -> CommandResult:
    authz.require_unit_admin(principal, unit_id)
    started = False
    for num in range(1, 5):
        if await runtime.store.load(quarter_stream_id(unit_id, f"{year}-Q{num}")):
            started = True

    def act(scheme: Scheme) -> dict:
        scheme.define(unit_id=unit_id, year=year, indicators=indicators, quarter_open=started)
        return {"revision": scheme.revision}

    return await _run(runtime, Scheme, scheme_stream_id(unit_id, year), act, meta, idempotency)


async def _indicators(runtime: Runtime, unit_id: str, quarter: str) -> list[Indicator]:
    year, _ = parse_quarter(quarter)
    scheme = await _load(runtime, Scheme, scheme_stream_id(unit_id, year))
    if not scheme.indicators:
        raise Conflict("scheme_missing", f"本单位尚未制定 {year} 年的指标体系，请联系单位管理员")
    return scheme.indicators


# --- quarter -----------------------------------------------------------------------------------


async def open_quarter(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    unit_id: str,
    quarter: str,
    good_ratio: float,
    peer_reviews_required: int,
    idempotency: Idempotency | None,
) -> CommandResult:
    authz.require_unit_admin(principal, unit_id)
    await _indicators(runtime, unit_id, quarter)
    roster = await _load(runtime, Roster, roster_stream_id(unit_id))
    participants = roster.active_participants()

    def act(q: UnitQuarter) -> dict:
        q.open(
            unit_id=unit_id,
            quarter=quarter,
            participants=participants,
            good_ratio=good_ratio,
            peer_reviews_required=peer_reviews_required,
        )
        return {"participants": len(participants), **q.quota()}

    return await _run(runtime, UnitQuarter, quarter_stream_id(unit_id, quarter), act, meta, idempotency)


async def self_assess(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    unit_id: str,
    quarter: str,
    scores: dict[str, float],
    grade: Grade,
    summary: str,
    idempotency: Idempotency | None,
) -> CommandResult:
    authz.require_in_own_unit(principal, unit_id)
    card = score_card(await _indicators(runtime, unit_id, quarter), scores)
    if card is None:
        raise Invalid("scores_required", "自评请为各项共性和个性指标打分", field="scores")

    def act(q: UnitQuarter) -> dict:
        q.self_assess(
            person_id=principal.sub, scores=scores, composite_score=card.composite, grade=grade, summary=summary
        )
        return card.as_dict()

    return await _run(runtime, UnitQuarter, quarter_stream_id(unit_id, quarter), act, meta, idempotency)


async def peer_review(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    unit_id: str,
    quarter: str,
    person_id: str,
    grade: Grade,
    comment: str,
    idempotency: Idempotency | None,
) -> CommandResult:
    authz.require_in_own_unit(principal, unit_id)

    def act(q: UnitQuarter) -> None:
        q.peer_review(
            reviewer_id=principal.sub, reviewer_name=principal.name, person_id=person_id, grade=grade, comment=comment
        )

    return await _run(runtime, UnitQuarter, quarter_stream_id(unit_id, quarter), act, meta, idempotency)


async def record_review(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    unit_id: str,
    quarter: str,
    person_id: str,
    scores: dict[str, float],
    grade: Grade,
    comment: str,
    idempotency: Idempotency | None,
) -> CommandResult:
    card = score_card(await _indicators(runtime, unit_id, quarter), scores)

    def act(q: UnitQuarter) -> dict:
        # A reviewer whose turn has not come is told whose review is pending (409), not refused (403).
        level = authz.acting_level(principal, q.person(person_id).participant.chain, q.level_due(person_id))
        q.review(
            level=level,
            reviewer_id=principal.sub,
            reviewer_name=principal.name,
            person_id=person_id,
            scores=scores,
            composite_score=card.composite if card else None,
            grade=grade,
            comment=comment,
        )
        return {"level": level, **(card.as_dict() if card else {"composite_score": None}), **q.quota()}

    return await _run(runtime, UnitQuarter, quarter_stream_id(unit_id, quarter), act, meta, idempotency)


async def adjust_grade(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    unit_id: str,
    quarter: str,
    person_id: str,
    to_grade: Grade,
    reason: str,
    idempotency: Idempotency | None,
) -> CommandResult:
    def act(q: UnitQuarter) -> dict:
        level = authz.adjusting_level(principal, [q.person(person_id).participant.chain])
        q.adjust(level=level, person_id=person_id, to_grade=to_grade, reason=reason)
        return {"level": level, **q.quota()}

    return await _run(runtime, UnitQuarter, quarter_stream_id(unit_id, quarter), act, meta, idempotency)


async def move_good(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    unit_id: str,
    quarter: str,
    from_person_id: str,
    to_person_id: str,
    from_new_grade: Grade,
    reason: str,
    idempotency: Idempotency | None,
) -> CommandResult:
    def act(q: UnitQuarter) -> dict:
        level = authz.adjusting_level(
            principal, [q.person(p).participant.chain for p in (from_person_id, to_person_id)]
        )
        q.move_good(
            level=level,
            from_person_id=from_person_id,
            to_person_id=to_person_id,
            from_new_grade=from_new_grade,
            reason=reason,
        )
        return {"level": level, **q.quota()}

    return await _run(runtime, UnitQuarter, quarter_stream_id(unit_id, quarter), act, meta, idempotency)


async def publish_results(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    unit_id: str,
    quarter: str,
    workdays: int,
    idempotency: Idempotency | None,
) -> CommandResult:
    authz.require_unit_admin(principal, unit_id)
    calendar = await load_calendar(runtime.pool)
    now = runtime.clock()

    def act(q: UnitQuarter) -> dict:
        q.publish(now=now, calendar=calendar, workdays=workdays)
        ends = q.period_ends_at
        assert ends is not None
        return {
            "period_ends_at": ends.isoformat(),
            "calendar_warning": calendar.warning_for(now.astimezone(CHINA).date(), ends.date()),
            **q.quota(),
        }

    return await _run(runtime, UnitQuarter, quarter_stream_id(unit_id, quarter), act, meta, idempotency)


async def file_appeal(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    unit_id: str,
    quarter: str,
    reason: str,
    idempotency: Idempotency | None,
) -> CommandResult:
    authz.require_in_own_unit(principal, unit_id)
    now = runtime.clock()
    appeal_id = new_id("apl")

    def act(q: UnitQuarter) -> dict:
        q.file_appeal(appeal_id=appeal_id, person_id=principal.sub, reason=reason, now=now)
        return {"appeal_id": appeal_id}

    return await _run(runtime, UnitQuarter, quarter_stream_id(unit_id, quarter), act, meta, idempotency)


async def resolve_appeal(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    unit_id: str,
    quarter: str,
    appeal_id: str,
    outcome: str,
    new_grade: Grade | None,
    reason: str,
    idempotency: Idempotency | None,
) -> CommandResult:
    now = runtime.clock()

    def act(q: UnitQuarter) -> dict:
        person_id = q.appeals.get(appeal_id)
        if person_id is not None:
            authz.require_level(principal, "principal_leader", q.person(person_id).participant.chain)
        q.resolve_appeal(appeal_id=appeal_id, outcome=outcome, new_grade=new_grade, reason=reason, now=now)
        return q.quota()

    return await _run(runtime, UnitQuarter, quarter_stream_id(unit_id, quarter), act, meta, idempotency)


async def finalize_quarter(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    unit_id: str,
    quarter: str,
    follow_up_after: int,
    idempotency: Idempotency | None,
) -> CommandResult:
    authz.require_unit_admin(principal, unit_id)
    now = runtime.clock()
    # The finalized grades of the preceding quarters decide who needs a follow-up visit.
    earlier: dict[str, dict[str, Grade]] = {}
    previous = quarter
    for _ in range(follow_up_after - 1):
        previous = previous_quarter(previous)
        grades = (await _load(runtime, UnitQuarter, quarter_stream_id(unit_id, previous))).final_grades()
        for person_id, grade in grades.items():
            earlier.setdefault(person_id, {})[previous] = grade

    def act(q: UnitQuarter) -> dict:
        q.finalize(now=now, earlier_grades=earlier, follow_up_after=follow_up_after)
        return {"follow_ups": [p.event.person_id for p in q.pending if p.event.type_name() == "FollowUpOpened"]}

    return await _run(runtime, UnitQuarter, quarter_stream_id(unit_id, quarter), act, meta, idempotency)


async def assign_mentor(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    unit_id: str,
    quarter: str,
    person_id: str,
    mentor_id: str,
    idempotency: Idempotency | None,
) -> CommandResult:
    roster = await _load(runtime, Roster, roster_stream_id(unit_id))
    now = runtime.clock()

    def act(q: UnitQuarter) -> None:
        authz.require_admin_or_leader(principal, unit_id, q.person(person_id).participant.chain)
        mentor = roster.member(mentor_id)
        if not mentor.active:
            raise Conflict("mentor_left", f"{mentor.person_name}已离开本单位，不能担任导师")
        q.assign_mentor(person_id=person_id, mentor_id=mentor_id, mentor_name=mentor.person_name, now=now)

    return await _run(runtime, UnitQuarter, quarter_stream_id(unit_id, quarter), act, meta, idempotency)


async def record_visit(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    unit_id: str,
    quarter: str,
    person_id: str,
    notes: str,
    visited_on: dt.date,
    idempotency: Idempotency | None,
) -> CommandResult:
    def act(q: UnitQuarter) -> None:
        authz.require_admin_or_leader(principal, unit_id, q.person(person_id).participant.chain)
        q.record_visit(person_id=person_id, visited_by_id=principal.sub, notes=notes, visited_on=visited_on)

    return await _run(runtime, UnitQuarter, quarter_stream_id(unit_id, quarter), act, meta, idempotency)


# --- annual review -----------------------------------------------------------------------------


async def open_annual_review(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    unit_id: str,
    year: int,
    excellent_ratio: float,
    idempotency: Idempotency | None,
) -> CommandResult:
    authz.require_unit_admin(principal, unit_id)
    grades: dict[str, tuple[str, str | None, dict[str, Grade]]] = {}
    for num in range(1, 5):
        q = await _load(runtime, UnitQuarter, quarter_stream_id(unit_id, f"{year}-Q{num}"))
        if q.phase != "finalized":
            raise Conflict("quarters_not_finalized", f"{year} 年第 {num} 季度考核尚未确认，暂不能开启年度考核")
        for person_id, grade in q.final_grades().items():
            participant = q.people[person_id].participant
            entry = grades.setdefault(person_id, (participant.person_name, participant.section_id, {}))
            entry[2][q.quarter] = grade

    def act(review: AnnualReview) -> dict:
        review.open(
            unit_id=unit_id, year=year, quarter_grades=grades, quarters_in_year=4, excellent_ratio=excellent_ratio
        )
        candidates = [p.person_id for p in review.people.values() if p.excellent_eligible]
        return {"people": len(review.people), "excellent_candidates": candidates, **review.quota()}

    return await _run(runtime, AnnualReview, annual_stream_id(unit_id, year), act, meta, idempotency)


async def decide_annual_grade(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    unit_id: str,
    year: int,
    person_id: str,
    grade: AnnualGrade,
    comment: str,
    idempotency: Idempotency | None,
) -> CommandResult:
    authz.require_annual_decider(principal, unit_id)

    def act(review: AnnualReview) -> dict:
        review.decide(person_id=person_id, grade=grade, comment=comment)
        return review.quota()

    return await _run(runtime, AnnualReview, annual_stream_id(unit_id, year), act, meta, idempotency)


# --- shortcoming reminders and result use -----------------------------------------------------


async def issue_reminder(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    person_id: str,
    quarter: str | None,
    shortcomings: str,
    idempotency: Idempotency | None,
) -> CommandResult:
    unit_id = principal.unit()
    roster = await _load(runtime, Roster, roster_stream_id(unit_id))
    member = roster.member(person_id)
    authz.require_in_chain(principal, member.chain)
    now = runtime.clock()
    reminder_id = new_id("rmd")

    def act(reminder: Reminder) -> dict:
        reminder.issue(
            unit_id=unit_id,
            person_id=person_id,
            person_name=member.person_name,
            issued_by_id=principal.sub,
            issued_by_name=principal.name,
            quarter=quarter,
            shortcomings=shortcomings,
            now=now,
        )
        return {"reminder_id": reminder_id}

    return await _run(runtime, Reminder, reminder_id, act, meta, idempotency)


async def acknowledge_reminder(
    runtime: Runtime, principal: Principal, meta: Metadata, *, reminder_id: str, idempotency: Idempotency | None
) -> CommandResult:
    now = runtime.clock()

    def act(reminder: Reminder) -> None:
        reminder.acknowledge(person_id=principal.sub, now=now)

    return await _run(runtime, Reminder, reminder_id, act, meta, idempotency)


async def report_rectification(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    reminder_id: str,
    report: str,
    idempotency: Idempotency | None,
) -> CommandResult:
    now = runtime.clock()

    def act(reminder: Reminder) -> None:
        reminder.report_rectification(person_id=principal.sub, report=report, now=now)

    return await _run(runtime, Reminder, reminder_id, act, meta, idempotency)


async def apply_result(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    unit_id: str,
    person_id: str,
    kind: ResultUseKind,
    year: int,
    basis: str,
    decided_on: dt.date,
    backfill_reason: str | None = None,
    idempotency: Idempotency | None,
) -> CommandResult:
    authz.require_unit_admin(principal, unit_id)
    member = (await _load(runtime, Roster, roster_stream_id(unit_id))).member(person_id)
    annual = await _load(runtime, AnnualReview, annual_stream_id(unit_id, year))

    def act(uses: ResultUses) -> None:
        uses.apply(
            unit_id=unit_id,
            person_id=person_id,
            person_name=member.person_name,
            kind=kind,
            year=year,
            basis=basis,
            decided_on=decided_on,
            annual_held=bool(annual.unit_id),
            annual_grade=annual.decided.get(person_id),
            backfill_reason=backfill_reason,
        )

    return await _run(runtime, ResultUses, result_use_stream_id(person_id), act, meta, idempotency)
