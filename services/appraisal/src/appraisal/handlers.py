"""One function per command: load the aggregate, check who may act, let it decide, append.

Each handler takes its ``CommandContext`` and its typed command (a frozen dataclass beside it).
Every write goes through ``ctx.execute``; authorization that depends on the aggregate's state (is this
person in your chain?) runs inside the action, on the state the decision is made on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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
from grassroots_common.calendar_projection import load_calendar
from grassroots_common.commands import CommandContext, CommandResult
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
from grassroots_common.events import RecordedEvent
from grassroots_common.ids import new_id
from grassroots_common.runtime import Runtime
from grassroots_common.store import LatestOf
from grassroots_common.workdays import CHINA


def _today(ctx: CommandContext) -> dt.date:
    return ctx.now().astimezone(CHINA).date()


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


async def _reviewer_of(ctx: CommandContext, person_id: str) -> None:
    roster = await ctx.load(Roster, roster_stream_id(ctx.principal.unit()))
    authz.require_in_chain(ctx.principal, roster.member(person_id).chain)


@dataclass(frozen=True, slots=True)
class CommentLog:
    """Comment on the log of someone in one's reviewing chain."""

    person_id: str
    week: str
    comment: str


async def comment_log(ctx: CommandContext, command: CommentLog) -> CommandResult:
    await _reviewer_of(ctx, command.person_id)

    def act(log: WeeklyLog) -> None:
        log.comment(reviewer_id=ctx.principal.sub, reviewer_name=ctx.principal.name, comment=command.comment)

    return await ctx.execute(WeeklyLog, log_stream_id(command.person_id, command.week), act)


@dataclass(frozen=True, slots=True)
class ReturnLog:
    """Return a log to its author for revision (a reviewer in their chain)."""

    person_id: str
    week: str
    reason: str


async def return_log(ctx: CommandContext, command: ReturnLog) -> CommandResult:
    await _reviewer_of(ctx, command.person_id)

    def act(log: WeeklyLog) -> None:
        log.return_for_revision(reviewer_id=ctx.principal.sub, reviewer_name=ctx.principal.name, reason=command.reason)

    return await ctx.execute(WeeklyLog, log_stream_id(command.person_id, command.week), act)


@dataclass(frozen=True, slots=True)
class RemindMissingLogs:
    """Remind everyone in the unit whose log of the week is missing."""

    unit_id: str
    week: str


async def remind_missing_logs(ctx: CommandContext, command: RemindMissingLogs) -> CommandResult:
    authz.require_unit_admin(ctx.principal, command.unit_id)
    missing = await queries.missing_log_people(ctx.runtime.pool, unit=command.unit_id, week=command.week)
    now = ctx.now()
    setting = _deadline_setting(command.unit_id)

    def act(reminders: LogReminders) -> dict:
        deadlines = _deadlines(setting.event)
        reminders.remind(unit_id=command.unit_id, week=command.week, missing=missing, now=now, deadlines=deadlines)
        return {"reminded": len(missing), "round": reminders.rounds}

    stream_id = log_reminder_stream_id(command.unit_id, command.week)
    return await ctx.execute(LogReminders, stream_id, act, latest=setting)


@dataclass(frozen=True, slots=True)
class SubmitSummary:
    """Submit, or revise, one's summary of a month."""

    month: str
    text: str


async def submit_summary(ctx: CommandContext, command: SubmitSummary) -> CommandResult:
    unit_id = authz.require_appraised(ctx.principal)
    now = ctx.now()
    setting = _deadline_setting(unit_id)

    def act(summary: MonthlySummary) -> dict:
        summary.submit(
            person_id=ctx.principal.sub,
            person_name=ctx.principal.name,
            unit_id=unit_id,
            section_id=ctx.principal.scope("section"),
            month=command.month,
            text=command.text,
            now=now,
            deadlines=_deadlines(setting.event),
        )
        return {"month": command.month, "revision": summary.revision, "late": bool(summary.first_late)}

    stream_id = summary_stream_id(ctx.principal.sub, command.month)
    return await ctx.execute(MonthlySummary, stream_id, act, latest=setting, usually_new=True)


# --- roster ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RegisterUnit:
    """Register a unit (district administrator)."""

    unit_id: str
    unit_name: str


async def register_unit(ctx: CommandContext, command: RegisterUnit) -> CommandResult:
    authz.require_district(ctx.principal)

    def act(roster: Roster) -> None:
        roster.register(unit_id=command.unit_id, unit_name=command.unit_name)

    return await ctx.execute(Roster, roster_stream_id(command.unit_id), act)


@dataclass(frozen=True, slots=True)
class DefineSection:
    """Create or rename a section of the unit."""

    unit_id: str
    section_id: str
    section_name: str


async def define_section(ctx: CommandContext, command: DefineSection) -> CommandResult:
    authz.require_unit_admin(ctx.principal, command.unit_id)

    def act(roster: Roster) -> None:
        roster.define_section(section_id=command.section_id, section_name=command.section_name)

    return await ctx.execute(Roster, roster_stream_id(command.unit_id), act)


@dataclass(frozen=True, slots=True)
class ConfigureDeadlines:
    """Set the unit's submission deadlines."""

    unit_id: str
    deadlines: SubmissionDeadlines


async def configure_deadlines(ctx: CommandContext, command: ConfigureDeadlines) -> CommandResult:
    authz.require_unit_admin(ctx.principal, command.unit_id)

    def act(roster: Roster) -> dict:
        roster.configure_deadlines(command.deadlines)
        return roster.deadlines.model_dump()

    return await ctx.execute(Roster, roster_stream_id(command.unit_id), act)


@dataclass(frozen=True, slots=True)
class EnrollPerson:
    """Enroll one person on the unit's roster."""

    unit_id: str
    person: NewPerson


async def enroll_person(ctx: CommandContext, command: EnrollPerson) -> CommandResult:
    authz.require_unit_admin(ctx.principal, command.unit_id)
    today = _today(ctx)

    def act(roster: Roster) -> dict:
        roster.enroll(command.person, today=today)
        return {"person_id": command.person.person_id}

    return await ctx.execute(Roster, roster_stream_id(command.unit_id), act)


@dataclass(frozen=True, slots=True)
class ImportRoster:
    """Enroll the rows read from a roster sheet; the sheet's own errors are reported with the roster's."""

    unit_id: str
    file_name: str
    rows: list[SheetRow]
    errors: list[ImportRowError]


async def import_roster(ctx: CommandContext, command: ImportRoster) -> CommandResult:
    authz.require_unit_admin(ctx.principal, command.unit_id)
    today = _today(ctx)

    def act(roster: Roster) -> dict:
        before = len(roster.people)
        all_errors = roster.import_rows(
            file_name=command.file_name, rows=command.rows, errors=command.errors, today=today
        )
        return {
            "rows_enrolled": len(roster.people) - before,
            "rows_rejected": len({e.row for e in all_errors}),
            # Each error names its column as the sheet's header does, not by the field's key.
            "errors": [{**e.model_dump(), "column": roster_sheet.column_title(e.field)} for e in all_errors],
        }

    return await ctx.execute(Roster, roster_stream_id(command.unit_id), act)


@dataclass(frozen=True, slots=True)
class ChangeChain:
    """Change a person's section and reviewing chain."""

    unit_id: str
    person_id: str
    section_id: str | None
    chain: ReviewingChain


async def change_chain(ctx: CommandContext, command: ChangeChain) -> CommandResult:
    authz.require_unit_admin(ctx.principal, command.unit_id)

    def act(roster: Roster) -> None:
        roster.change_chain(person_id=command.person_id, section_id=command.section_id, chain=command.chain)

    return await ctx.execute(Roster, roster_stream_id(command.unit_id), act)


@dataclass(frozen=True, slots=True)
class ChangePersonDetails:
    """Correct a person's name, post, birth date or ID number."""

    unit_id: str
    person_id: str
    person_name: str
    position: str
    birth_date: dt.date | None
    id_number: str | None


async def change_person_details(ctx: CommandContext, command: ChangePersonDetails) -> CommandResult:
    authz.require_unit_admin(ctx.principal, command.unit_id)

    def act(roster: Roster) -> None:
        roster.change_details(
            person_id=command.person_id,
            person_name=command.person_name,
            position=command.position,
            birth_date=command.birth_date,
            id_number=command.id_number,
        )

    return await ctx.execute(Roster, roster_stream_id(command.unit_id), act)


@dataclass(frozen=True, slots=True)
class PersonLeft:
    """Record that a person left the unit."""

    unit_id: str
    person_id: str
    reason: str
    left_on: dt.date


async def person_left(ctx: CommandContext, command: PersonLeft) -> CommandResult:
    authz.require_unit_admin(ctx.principal, command.unit_id)

    def act(roster: Roster) -> None:
        roster.leave(person_id=command.person_id, reason=command.reason, left_on=command.left_on)

    return await ctx.execute(Roster, roster_stream_id(command.unit_id), act)


# --- indicator scheme --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DefineScheme:
    """Define the unit's indicator scheme for a year."""

    unit_id: str
    year: int
    indicators: list[Indicator]


async def define_scheme(ctx: CommandContext, command: DefineScheme) -> CommandResult:
    authz.require_unit_admin(ctx.principal, command.unit_id)
    started = False
    for num in range(1, 5):
        if await ctx.runtime.store.load(quarter_stream_id(command.unit_id, f"{command.year}-Q{num}")):
            started = True

    def act(scheme: Scheme) -> dict:
        scheme.define(unit_id=command.unit_id, year=command.year, indicators=command.indicators, quarter_open=started)
        return {"revision": scheme.revision}

    return await ctx.execute(Scheme, scheme_stream_id(command.unit_id, command.year), act)


async def _indicators(ctx: CommandContext, unit_id: str, quarter: str) -> list[Indicator]:
    year, _ = parse_quarter(quarter)
    scheme = await ctx.load(Scheme, scheme_stream_id(unit_id, year))
    if not scheme.indicators:
        raise Conflict("scheme_missing", f"本单位尚未制定 {year} 年的指标体系，请联系单位管理员")
    return scheme.indicators


# --- quarter -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OpenQuarter:
    """Open the unit's quarter for its roster."""

    unit_id: str
    quarter: str
    good_ratio: float
    peer_reviews_required: int


async def open_quarter(ctx: CommandContext, command: OpenQuarter) -> CommandResult:
    authz.require_unit_admin(ctx.principal, command.unit_id)
    await _indicators(ctx, command.unit_id, command.quarter)
    roster = await ctx.load(Roster, roster_stream_id(command.unit_id))
    participants = roster.active_participants()

    def act(q: UnitQuarter) -> dict:
        q.open(
            unit_id=command.unit_id,
            quarter=command.quarter,
            participants=participants,
            good_ratio=command.good_ratio,
            peer_reviews_required=command.peer_reviews_required,
        )
        return {"participants": len(participants), **q.quota()}

    return await ctx.execute(UnitQuarter, quarter_stream_id(command.unit_id, command.quarter), act)


@dataclass(frozen=True, slots=True)
class SelfAssess:
    """One's own self-assessment in the quarter."""

    unit_id: str
    quarter: str
    scores: dict[str, float]
    grade: Grade
    summary: str


async def self_assess(ctx: CommandContext, command: SelfAssess) -> CommandResult:
    authz.require_in_own_unit(ctx.principal, command.unit_id)
    card = score_card(await _indicators(ctx, command.unit_id, command.quarter), command.scores)
    if card is None:
        raise Invalid("scores_required", "自评请为各项共性和个性指标打分", field="scores")

    def act(q: UnitQuarter) -> dict:
        q.self_assess(
            person_id=ctx.principal.sub,
            scores=command.scores,
            composite_score=card.composite,
            grade=command.grade,
            summary=command.summary,
        )
        return card.as_dict()

    return await ctx.execute(UnitQuarter, quarter_stream_id(command.unit_id, command.quarter), act)


@dataclass(frozen=True, slots=True)
class PeerReview:
    """Review a colleague (internal peer review)."""

    unit_id: str
    quarter: str
    person_id: str
    grade: Grade
    comment: str


async def peer_review(ctx: CommandContext, command: PeerReview) -> CommandResult:
    authz.require_in_own_unit(ctx.principal, command.unit_id)

    def act(q: UnitQuarter) -> None:
        q.peer_review(
            reviewer_id=ctx.principal.sub,
            reviewer_name=ctx.principal.name,
            person_id=command.person_id,
            grade=command.grade,
            comment=command.comment,
        )

    return await ctx.execute(UnitQuarter, quarter_stream_id(command.unit_id, command.quarter), act)


@dataclass(frozen=True, slots=True)
class RecordReview:
    """A reviewer's review of a person at their level of the person's chain."""

    unit_id: str
    quarter: str
    person_id: str
    scores: dict[str, float]
    grade: Grade
    comment: str


async def record_review(ctx: CommandContext, command: RecordReview) -> CommandResult:
    card = score_card(await _indicators(ctx, command.unit_id, command.quarter), command.scores)

    def act(q: UnitQuarter) -> dict:
        # A reviewer whose turn has not come is told whose review is pending (409), not refused (403).
        level = authz.acting_level(
            ctx.principal, q.person(command.person_id).participant.chain, q.level_due(command.person_id)
        )
        q.review(
            level=level,
            reviewer_id=ctx.principal.sub,
            reviewer_name=ctx.principal.name,
            person_id=command.person_id,
            scores=command.scores,
            composite_score=card.composite if card else None,
            grade=command.grade,
            comment=command.comment,
        )
        return {"level": level, **(card.as_dict() if card else {"composite_score": None}), **q.quota()}

    return await ctx.execute(UnitQuarter, quarter_stream_id(command.unit_id, command.quarter), act)


@dataclass(frozen=True, slots=True)
class AdjustGrade:
    """Change a person's grade, with a reason (deputy or principal leader)."""

    unit_id: str
    quarter: str
    person_id: str
    to_grade: Grade
    reason: str


async def adjust_grade(ctx: CommandContext, command: AdjustGrade) -> CommandResult:
    def act(q: UnitQuarter) -> dict:
        level = authz.adjusting_level(ctx.principal, [q.person(command.person_id).participant.chain])
        q.adjust(level=level, person_id=command.person_id, to_grade=command.to_grade, reason=command.reason)
        return {"level": level, **q.quota()}

    return await ctx.execute(UnitQuarter, quarter_stream_id(command.unit_id, command.quarter), act)


@dataclass(frozen=True, slots=True)
class MoveGood:
    """Move a 好 from one person to another in one step."""

    unit_id: str
    quarter: str
    from_person_id: str
    to_person_id: str
    from_new_grade: Grade
    reason: str


async def move_good(ctx: CommandContext, command: MoveGood) -> CommandResult:
    def act(q: UnitQuarter) -> dict:
        level = authz.adjusting_level(
            ctx.principal, [q.person(p).participant.chain for p in (command.from_person_id, command.to_person_id)]
        )
        q.move_good(
            level=level,
            from_person_id=command.from_person_id,
            to_person_id=command.to_person_id,
            from_new_grade=command.from_new_grade,
            reason=command.reason,
        )
        return {"level": level, **q.quota()}

    return await ctx.execute(UnitQuarter, quarter_stream_id(command.unit_id, command.quarter), act)


@dataclass(frozen=True, slots=True)
class PublishResults:
    """Publish the quarter's results for a number of working days."""

    unit_id: str
    quarter: str
    workdays: int


async def publish_results(ctx: CommandContext, command: PublishResults) -> CommandResult:
    authz.require_unit_admin(ctx.principal, command.unit_id)
    calendar = await load_calendar(ctx.runtime.pool)
    now = ctx.now()

    def act(q: UnitQuarter) -> dict:
        q.publish(now=now, calendar=calendar, workdays=command.workdays)
        ends = q.period_ends_at
        assert ends is not None
        return {
            "period_ends_at": ends.isoformat(),
            "calendar_warning": calendar.warning_for(now.astimezone(CHINA).date(), ends.date()),
            **q.quota(),
        }

    return await ctx.execute(UnitQuarter, quarter_stream_id(command.unit_id, command.quarter), act)


@dataclass(frozen=True, slots=True)
class FileAppeal:
    """Appeal one's published result."""

    unit_id: str
    quarter: str
    reason: str


async def file_appeal(ctx: CommandContext, command: FileAppeal) -> CommandResult:
    authz.require_in_own_unit(ctx.principal, command.unit_id)
    now = ctx.now()
    appeal_id = new_id("apl")

    def act(q: UnitQuarter) -> dict:
        q.file_appeal(appeal_id=appeal_id, person_id=ctx.principal.sub, reason=command.reason, now=now)
        return {"appeal_id": appeal_id}

    return await ctx.execute(UnitQuarter, quarter_stream_id(command.unit_id, command.quarter), act)


@dataclass(frozen=True, slots=True)
class ResolveAppeal:
    """Resolve an appeal (principal leader)."""

    unit_id: str
    quarter: str
    appeal_id: str
    outcome: str
    new_grade: Grade | None
    reason: str


async def resolve_appeal(ctx: CommandContext, command: ResolveAppeal) -> CommandResult:
    now = ctx.now()

    def act(q: UnitQuarter) -> dict:
        person_id = q.appeals.get(command.appeal_id)
        if person_id is not None:
            authz.require_level(ctx.principal, "principal_leader", q.person(person_id).participant.chain)
        q.resolve_appeal(
            appeal_id=command.appeal_id,
            outcome=command.outcome,
            new_grade=command.new_grade,
            reason=command.reason,
            now=now,
        )
        return q.quota()

    return await ctx.execute(UnitQuarter, quarter_stream_id(command.unit_id, command.quarter), act)


@dataclass(frozen=True, slots=True)
class FinalizeQuarter:
    """Finalize the quarter; follow-ups open after consecutive weak quarters."""

    unit_id: str
    quarter: str
    follow_up_after: int


async def finalize_quarter(ctx: CommandContext, command: FinalizeQuarter) -> CommandResult:
    authz.require_unit_admin(ctx.principal, command.unit_id)
    now = ctx.now()
    # The finalized grades of the preceding quarters decide who needs a follow-up visit.
    earlier: dict[str, dict[str, Grade]] = {}
    previous = command.quarter
    for _ in range(command.follow_up_after - 1):
        previous = previous_quarter(previous)
        grades = (await ctx.load(UnitQuarter, quarter_stream_id(command.unit_id, previous))).final_grades()
        for person_id, grade in grades.items():
            earlier.setdefault(person_id, {})[previous] = grade

    def act(q: UnitQuarter) -> dict:
        q.finalize(now=now, earlier_grades=earlier, follow_up_after=command.follow_up_after)
        return {"follow_ups": [p.event.person_id for p in q.pending if p.event.type_name() == "FollowUpOpened"]}

    return await ctx.execute(UnitQuarter, quarter_stream_id(command.unit_id, command.quarter), act)


@dataclass(frozen=True, slots=True)
class AssignMentor:
    """Assign a mentor to a followed-up person."""

    unit_id: str
    quarter: str
    person_id: str
    mentor_id: str


async def assign_mentor(ctx: CommandContext, command: AssignMentor) -> CommandResult:
    roster = await ctx.load(Roster, roster_stream_id(command.unit_id))
    now = ctx.now()

    def act(q: UnitQuarter) -> None:
        authz.require_admin_or_leader(ctx.principal, command.unit_id, q.person(command.person_id).participant.chain)
        mentor = roster.member(command.mentor_id)
        if not mentor.active:
            raise Conflict("mentor_left", f"{mentor.person_name}已离开本单位，不能担任导师")
        q.assign_mentor(
            person_id=command.person_id, mentor_id=command.mentor_id, mentor_name=mentor.person_name, now=now
        )

    return await ctx.execute(UnitQuarter, quarter_stream_id(command.unit_id, command.quarter), act)


@dataclass(frozen=True, slots=True)
class RecordVisit:
    """Record a follow-up visit."""

    unit_id: str
    quarter: str
    person_id: str
    notes: str
    visited_on: dt.date


async def record_visit(ctx: CommandContext, command: RecordVisit) -> CommandResult:
    def act(q: UnitQuarter) -> None:
        authz.require_admin_or_leader(ctx.principal, command.unit_id, q.person(command.person_id).participant.chain)
        q.record_visit(
            person_id=command.person_id,
            visited_by_id=ctx.principal.sub,
            notes=command.notes,
            visited_on=command.visited_on,
        )

    return await ctx.execute(UnitQuarter, quarter_stream_id(command.unit_id, command.quarter), act)


# --- annual review -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OpenAnnualReview:
    """Open the annual review from the year's finalized quarters."""

    unit_id: str
    year: int
    excellent_ratio: float


async def open_annual_review(ctx: CommandContext, command: OpenAnnualReview) -> CommandResult:
    authz.require_unit_admin(ctx.principal, command.unit_id)
    grades: dict[str, tuple[str, str | None, dict[str, Grade]]] = {}
    for num in range(1, 5):
        q = await ctx.load(UnitQuarter, quarter_stream_id(command.unit_id, f"{command.year}-Q{num}"))
        if q.phase != "finalized":
            raise Conflict("quarters_not_finalized", f"{command.year} 年第 {num} 季度考核尚未确认，暂不能开启年度考核")
        for person_id, grade in q.final_grades().items():
            participant = q.people[person_id].participant
            entry = grades.setdefault(person_id, (participant.person_name, participant.section_id, {}))
            entry[2][q.quarter] = grade

    def act(review: AnnualReview) -> dict:
        review.open(
            unit_id=command.unit_id,
            year=command.year,
            quarter_grades=grades,
            quarters_in_year=4,
            excellent_ratio=command.excellent_ratio,
        )
        candidates = [p.person_id for p in review.people.values() if p.excellent_eligible]
        return {"people": len(review.people), "excellent_candidates": candidates, **review.quota()}

    return await ctx.execute(AnnualReview, annual_stream_id(command.unit_id, command.year), act)


@dataclass(frozen=True, slots=True)
class DecideAnnualGrade:
    """Decide a person's annual grade (principal leader)."""

    unit_id: str
    year: int
    person_id: str
    grade: AnnualGrade
    comment: str


async def decide_annual_grade(ctx: CommandContext, command: DecideAnnualGrade) -> CommandResult:
    authz.require_annual_decider(ctx.principal, command.unit_id)

    def act(review: AnnualReview) -> dict:
        review.decide(person_id=command.person_id, grade=command.grade, comment=command.comment)
        return review.quota()

    return await ctx.execute(AnnualReview, annual_stream_id(command.unit_id, command.year), act)


# --- shortcoming reminders and result use -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class IssueReminder:
    """Issue a shortcoming reminder to someone in one's reviewing chain."""

    person_id: str
    quarter: str | None
    shortcomings: str


async def issue_reminder(ctx: CommandContext, command: IssueReminder) -> CommandResult:
    unit_id = ctx.principal.unit()
    roster = await ctx.load(Roster, roster_stream_id(unit_id))
    member = roster.member(command.person_id)
    authz.require_in_chain(ctx.principal, member.chain)
    now = ctx.now()
    reminder_id = new_id("rmd")

    def act(reminder: Reminder) -> dict:
        reminder.issue(
            unit_id=unit_id,
            person_id=command.person_id,
            person_name=member.person_name,
            issued_by_id=ctx.principal.sub,
            issued_by_name=ctx.principal.name,
            quarter=command.quarter,
            shortcomings=command.shortcomings,
            now=now,
        )
        return {"reminder_id": reminder_id}

    return await ctx.execute(Reminder, reminder_id, act)


@dataclass(frozen=True, slots=True)
class AcknowledgeReminder:
    """Acknowledge a reminder sent to oneself."""

    reminder_id: str


async def acknowledge_reminder(ctx: CommandContext, command: AcknowledgeReminder) -> CommandResult:
    now = ctx.now()

    def act(reminder: Reminder) -> None:
        reminder.acknowledge(person_id=ctx.principal.sub, now=now)

    return await ctx.execute(Reminder, command.reminder_id, act)


@dataclass(frozen=True, slots=True)
class ReportRectification:
    """Report how one rectified a reminder's shortcomings."""

    reminder_id: str
    report: str


async def report_rectification(ctx: CommandContext, command: ReportRectification) -> CommandResult:
    now = ctx.now()

    def act(reminder: Reminder) -> None:
        reminder.report_rectification(person_id=ctx.principal.sub, report=command.report, now=now)

    return await ctx.execute(Reminder, command.reminder_id, act)


@dataclass(frozen=True, slots=True)
class ApplyResult:
    """Record a use of a person's results (五挂钩)."""

    unit_id: str
    person_id: str
    kind: ResultUseKind
    year: int
    basis: str
    decided_on: dt.date
    backfill_reason: str | None = None


async def apply_result(ctx: CommandContext, command: ApplyResult) -> CommandResult:
    authz.require_unit_admin(ctx.principal, command.unit_id)
    member = (await ctx.load(Roster, roster_stream_id(command.unit_id))).member(command.person_id)
    annual = await ctx.load(AnnualReview, annual_stream_id(command.unit_id, command.year))

    def act(uses: ResultUses) -> None:
        uses.apply(
            unit_id=command.unit_id,
            person_id=command.person_id,
            person_name=member.person_name,
            kind=command.kind,
            year=command.year,
            basis=command.basis,
            decided_on=command.decided_on,
            annual_held=bool(annual.unit_id),
            annual_grade=annual.decided.get(command.person_id),
            backfill_reason=command.backfill_reason,
        )

    return await ctx.execute(ResultUses, result_use_stream_id(command.person_id), act)
