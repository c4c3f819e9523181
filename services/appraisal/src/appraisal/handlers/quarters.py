"""The quarter of a unit (季考评): open, self-assess, review, adjust, publish, appeal, finalize,
and its follow-ups (mentor, visits)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from appraisal import authz
from appraisal.domain.quarter import UnitQuarter, parse_quarter, previous_quarter, quarter_stream_id
from appraisal.domain.roster import Roster, roster_stream_id
from appraisal.domain.scheme import Scheme, scheme_stream_id, score_card
from grassroots_common.commands import CommandContext, CommandResult
from grassroots_common.contracts.appraisal import FollowUpOpened, Grade, Indicator, ReviewingChain
from grassroots_common.errors import Conflict, Invalid
from grassroots_common.ids import new_id
from grassroots_common.workdays import CHINA


async def _indicators(ctx: CommandContext, unit_id: str, quarter: str) -> list[Indicator]:
    year, _ = parse_quarter(quarter)
    scheme = await ctx.load(Scheme, scheme_stream_id(unit_id, year))
    if not scheme.indicators:
        raise Conflict("scheme_missing", f"本单位尚未制定 {year} 年的指标体系，请联系单位管理员")
    return scheme.indicators


@dataclass(frozen=True, slots=True)
class OpenQuarter:
    """Open the unit's quarter for its roster."""

    unit_id: str
    quarter: str
    good_ratio: float
    peer_reviews_required: int


async def open_quarter(ctx: CommandContext, command: OpenQuarter) -> CommandResult:
    authz.in_unit(ctx.principal, "quarter.open", command.unit_id)
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
    authz.in_unit(ctx.principal, "self.assess", command.unit_id)
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
    authz.in_unit(ctx.principal, "peer.review", command.unit_id)

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
    # Who may review comes before what the quarter or the scheme holds: an outsider learns nothing.
    authz.in_unit(ctx.principal, "quarter.review", command.unit_id)
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
class ChangeQuarterReviewers:
    """Change who reviews a person in the open quarter (unit administrator)."""

    unit_id: str
    quarter: str
    person_id: str
    chain: ReviewingChain


async def change_quarter_reviewers(ctx: CommandContext, command: ChangeQuarterReviewers) -> CommandResult:
    authz.in_unit(ctx.principal, "quarter.reviewers", command.unit_id)
    roster = await ctx.load(Roster, roster_stream_id(command.unit_id))
    roster.require_reviewers(command.chain)

    def act(q: UnitQuarter) -> None:
        q.change_reviewers(person_id=command.person_id, chain=command.chain)

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
    authz.in_unit(ctx.principal, "quarter.publish", command.unit_id)
    calendar = await ctx.calendar()
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
    authz.in_unit(ctx.principal, "appeal.file", command.unit_id)
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
    # The unit's principal leader, before anything of the quarter is read (then: of the person's chain).
    authz.in_unit(ctx.principal, "appeal.resolve", command.unit_id)
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
    authz.in_unit(ctx.principal, "quarter.finalize", command.unit_id)
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
        return {"follow_ups": [p.event.person_id for p in q.pending if isinstance(p.event, FollowUpOpened)]}

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
        authz.unit_or_chain(
            ctx.principal, "followup.arrange", command.unit_id, q.person(command.person_id).participant.chain
        )
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
        authz.unit_or_chain(
            ctx.principal, "followup.arrange", command.unit_id, q.person(command.person_id).participant.chain
        )
        q.record_visit(
            person_id=command.person_id,
            visited_by_id=ctx.principal.sub,
            notes=command.notes,
            visited_on=command.visited_on,
        )

    return await ctx.execute(UnitQuarter, quarter_stream_id(command.unit_id, command.quarter), act)
