"""The use of results (五挂钩): recorded by the unit's administrator; 评优 rests on an annual 优秀,
or, for a year from before the platform, on a stated reason."""

from __future__ import annotations

import datetime as dt

from appraisal.domain.annual import annual_stream_id
from appraisal.domain.result_use import result_use_stream_id
from appraisal.domain.roster import roster_stream_id
from appraisal.handlers.result_uses import ApplyResult, apply_result
from grassroots_common.contracts.appraisal import (
    AnnualCandidate,
    AnnualGradeDecided,
    AnnualReviewOpened,
    ResultApplied,
    ResultUseKind,
)
from grassroots_common.specification import Specification

from .given import ADMIN, BOSS, MONDAY, OTHER_ADMIN, roster

DECIDED_ON = dt.date(2027, 1, 15)


def use(kind: ResultUseKind, year: int = 2026, **changes: object) -> ApplyResult:
    fields: dict = {
        "unit_id": "u1",
        "person_id": "p1",
        "kind": kind,
        "year": year,
        "basis": "局党组会议决定",
        "decided_on": DECIDED_ON,
    }
    return ApplyResult(**{**fields, **changes})


async def unit_with_annual(grade: str | None) -> Specification:
    """The roster, and the unit's 2026 annual review with p1's grade (none yet: ``None``)."""
    spec = Specification(at=MONDAY)
    await spec.given(roster_stream_id("u1"), *roster())
    candidate = AnnualCandidate(
        person_id="p1", person_name="王芳", section_id="s1", quarter_grades={}, excellent_eligible=True
    )
    events = [AnnualReviewOpened(unit_id="u1", year=2026, people=[candidate], excellent_ratio=1, excellent_cap=1)]
    if grade is not None:
        events.append(
            AnnualGradeDecided(
                unit_id="u1",
                year=2026,
                person_id="p1",
                person_name="王芳",
                grade=grade,  # type: ignore[arg-type]
                comment="",
                excellent_used=int(grade == "优秀"),
                excellent_cap=1,
            )
        )
    return await spec.given(annual_stream_id("u1", 2026), *events)


async def test_an_excellent_year_is_used_for_excellence() -> None:
    spec = await unit_with_annual("优秀")
    outcome = await spec.when(apply_result, use("excellence"), as_=ADMIN)
    assert outcome.events == [
        ResultApplied(
            unit_id="u1",
            person_id="p1",
            person_name="王芳",
            kind="excellence",
            positive=True,
            year=2026,
            basis="局党组会议决定",
            decided_on=DECIDED_ON,
            backfill_reason=None,
        )
    ]
    assert outcome.answer.stream_id == result_use_stream_id("p1")


async def test_a_discipline_is_a_negative_use() -> None:
    spec = await unit_with_annual(None)
    outcome = await spec.when(apply_result, use("discipline"), as_=ADMIN)
    assert [(e.kind, e.positive) for e in outcome.events] == [("discipline", False)]


async def test_excellence_without_an_annual_excellent_is_refused() -> None:
    spec = await unit_with_annual("称职")
    refusal = (await spec.when(apply_result, use("excellence"), as_=ADMIN)).refused("excellence_without_excellent")
    assert refusal.extra == {"annual_grade": "称职"}


async def test_excellence_of_a_year_before_the_platform_needs_its_reason() -> None:
    spec = await unit_with_annual(None)
    outcome = await spec.when(apply_result, use("excellence", year=2024), as_=ADMIN)
    outcome.refused("backfill_reason_required")


async def test_excellence_of_a_year_before_the_platform_keeps_its_reason() -> None:
    spec = await unit_with_annual(None)
    command = use("excellence", year=2024, backfill_reason=" 区考核办〔2025〕3号文件 ")
    outcome = await spec.when(apply_result, command, as_=ADMIN)
    assert [(e.year, e.backfill_reason) for e in outcome.events] == [(2024, "区考核办〔2025〕3号文件")]


async def test_the_same_use_is_recorded_once() -> None:
    spec = await unit_with_annual(None)
    await spec.when(apply_result, use("training"), as_=ADMIN)
    outcome = await spec.when(apply_result, use("training"), as_=ADMIN)
    outcome.refused("result_use_recorded")


async def test_a_use_for_someone_not_on_the_roster_is_refused() -> None:
    spec = await unit_with_annual(None)
    outcome = await spec.when(apply_result, use("training", person_id="p7"), as_=ADMIN)
    outcome.refused("person_not_found")


async def test_the_principal_leader_does_not_record_uses() -> None:
    spec = await unit_with_annual("优秀")
    outcome = await spec.when(apply_result, use("excellence"), as_=BOSS)
    outcome.refused("role_required")


async def test_an_administrator_records_no_use_in_another_unit() -> None:
    spec = await unit_with_annual("优秀")
    outcome = await spec.when(apply_result, use("excellence"), as_=OTHER_ADMIN)
    outcome.refused("other_unit")
