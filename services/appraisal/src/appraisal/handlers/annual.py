"""The annual review (年评鉴)."""

from __future__ import annotations

from dataclasses import dataclass

from appraisal import authz
from appraisal.domain.annual import AnnualReview, annual_stream_id
from appraisal.domain.quarter import UnitQuarter, quarter_stream_id
from grassroots_common.commands import CommandContext, CommandResult
from grassroots_common.contracts.appraisal import AnnualGrade, Grade
from grassroots_common.errors import Conflict


@dataclass(frozen=True, slots=True)
class OpenAnnualReview:
    """Open the annual review from the year's finalized quarters."""

    unit_id: str
    year: int
    excellent_ratio: float


async def open_annual_review(ctx: CommandContext, command: OpenAnnualReview) -> CommandResult:
    authz.in_unit(ctx.principal, "annual.open", command.unit_id)
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
    authz.in_unit(ctx.principal, "annual.decide", command.unit_id)

    def act(review: AnnualReview) -> dict:
        review.decide(person_id=command.person_id, grade=command.grade, comment=command.comment)
        return review.quota()

    return await ctx.execute(AnnualReview, annual_stream_id(command.unit_id, command.year), act)
