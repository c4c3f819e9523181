"""The unit quarter, handler by handler: open, assess, review, adjust, publish, appeal, finalize,
follow up. Who may act is the handlers' to check; the quarter's own rules are the domain's
(``tests/unit/test_quarter.py``): here the refusals each handler reaches on its way."""

from __future__ import annotations

import datetime as dt

import pytest

from appraisal import handlers
from appraisal.domain.quarter import quarter_stream_id
from appraisal.domain.roster import roster_stream_id
from appraisal.domain.scheme import scheme_stream_id
from grassroots_common.auth import Principal
from grassroots_common.contracts import appraisal as appraisal_events
from grassroots_common.events import Event
from grassroots_common.specification import Specification
from grassroots_common.workdays import CHINA

from .given import (
    ADMIN,
    BOSS,
    CHIEF,
    COLLEAGUE,
    DEPUTY,
    MONDAY,
    OTHER_ADMIN,
    QUARTER,
    SCORES,
    STAFF,
    STRANGER_CHIEF,
    finalized_quarter,
    fully_reviewed,
    opened,
    published,
    reviewed,
    roster,
    scheme,
    unit,
    who,
)

Q3 = quarter_stream_id("u1", QUARTER)
AFTER_THE_PERIOD = dt.datetime(2026, 12, 1, 9, tzinfo=CHINA)  # the period ended 2026-11-30 23:59:59
BOSS_OF_ANOTHER_CHAIN = who("boss2", "钱局长", "principal_leader")
P1_OF_ANOTHER_UNIT = who("p1", "王芳", "staff", unit="u2")

# The commands the specifications send most, as each sends them.
OPEN = handlers.OpenQuarter(unit_id="u1", quarter=QUARTER, good_ratio=0.4, peer_reviews_required=1)
SELF_ASSESS = handlers.SelfAssess(unit_id="u1", quarter=QUARTER, scores=SCORES, grade="好", summary="完成全部任务")
PEER_REVIEW_P1 = handlers.PeerReview(unit_id="u1", quarter=QUARTER, person_id="p1", grade="好", comment="")
ADJUST_P1 = handlers.AdjustGrade(unit_id="u1", quarter=QUARTER, person_id="p1", to_grade="一般", reason="考勤问题较多")
PUBLISH = handlers.PublishResults(unit_id="u1", quarter=QUARTER, workdays=5)
APPEAL = handlers.FileAppeal(unit_id="u1", quarter=QUARTER, reason="本季度完成了全部重点任务")
UPHOLD = handlers.ResolveAppeal(
    unit_id="u1", quarter=QUARTER, appeal_id="apl-1", outcome="upheld", new_grade=None, reason="维持原等次"
)
FINALIZE = handlers.FinalizeQuarter(unit_id="u1", quarter=QUARTER, follow_up_after=2)
MENTOR_P2_FOR_P1 = handlers.AssignMentor(unit_id="u1", quarter=QUARTER, person_id="p1", mentor_id="p2")
VISIT_P1 = handlers.RecordVisit(
    unit_id="u1", quarter=QUARTER, person_id="p1", notes="谈心谈话", visited_on=dt.date(2026, 12, 1)
)


def review_of_p1(grade: appraisal_events.Grade = "好", *, unit_id: str = "u1") -> handlers.RecordReview:
    """A review of p1 without scores or comment."""
    return handlers.RecordReview(unit_id=unit_id, quarter=QUARTER, person_id="p1", scores={}, grade=grade, comment="")


def self_assessed(person_id: str = "p1") -> appraisal_events.SelfAssessed:
    return appraisal_events.SelfAssessed(
        unit_id="u1",
        quarter=QUARTER,
        person_id=person_id,
        person_name={"p1": "王芳", "p2": "刘洋"}[person_id],
        scores=SCORES,
        composite_score=86,
        grade="好",
        summary="本季度工作总结",
    )


def peer(person_id: str, by: str) -> appraisal_events.PeerReviewed:
    return appraisal_events.PeerReviewed(
        unit_id="u1", quarter=QUARTER, person_id=person_id, reviewer_id=by, reviewer_name=by, grade="好", comment=""
    )


async def quarter(spec: Specification, *events: Event) -> Specification:
    """The unit's roster and 2026 scheme, and the quarter opened for p1 and p2 with ``events``."""
    await spec.given(roster_stream_id("u1"), *roster())
    await spec.given(scheme_stream_id("u1", 2026), scheme())
    return await spec.given(Q3, opened(), *events)


READY = (self_assessed("p1"), peer("p1", "p2"))  # p1 waits for the section chief
REVIEWED = (*fully_reviewed("p1", "较好"), *fully_reviewed("p2", "好"))
PUBLISHED = (*REVIEWED, published({"p1": "较好", "p2": "好"}))
APPEALED = (
    *PUBLISHED,
    appraisal_events.AppealFiled(
        unit_id="u1",
        quarter=QUARTER,
        appeal_id="apl-1",
        person_id="p1",
        person_name="王芳",
        grade="较好",
        reason="本季度完成了全部重点任务",
        filed_at=MONDAY + dt.timedelta(days=1),
    ),
)


# --- open -----------------------------------------------------------------------------------


async def test_the_administrator_opens_the_quarter_for_the_active_people_with_someone_above_them() -> None:
    spec = Specification(at=MONDAY)
    await spec.given(roster_stream_id("u1"), *roster())
    await spec.given(scheme_stream_id("u1", 2026), scheme())
    outcome = await spec.when(handlers.open_quarter, OPEN, as_=ADMIN)
    (event,) = outcome.events
    assert isinstance(event, appraisal_events.QuarterOpened)
    # The principal leader, with nobody above, is not appraised in the quarter.
    assert [p.person_id for p in event.participants] == ["deputy", "chief", "chief2", "p1", "p2"]
    assert (event.year, event.good_cap, event.peer_reviews_required) == (2026, 2, 1)
    assert outcome.answer.data == {"participants": 5, "good_cap": 2, "good_used": 0, "good_left": 2}


async def test_people_who_left_are_not_in_the_quarter() -> None:
    spec = Specification(at=MONDAY)
    left = appraisal_events.PersonLeft(
        unit_id="u1", person_id="p2", person_name="刘洋", reason="transfer", left_on=dt.date(2026, 9, 1)
    )
    await spec.given(roster_stream_id("u1"), *roster(), left)
    await spec.given(scheme_stream_id("u1", 2026), scheme())
    outcome = await spec.when(handlers.open_quarter, OPEN, as_=ADMIN)
    assert "p2" not in [p.person_id for p in outcome.events[0].participants]


async def test_a_quarter_opened_after_a_reviewer_left_routes_reviews_to_the_other_levels() -> None:
    spec = Specification(at=MONDAY)
    await spec.given(roster_stream_id("u1"), *roster())
    await spec.given(scheme_stream_id("u1", 2026), scheme())
    left = handlers.PersonLeft(unit_id="u1", person_id="chief", reason="transfer", left_on=dt.date(2026, 9, 1))
    await spec.when(handlers.person_left, left, as_=ADMIN)
    outcome = await spec.when(handlers.open_quarter, OPEN, as_=ADMIN)
    chains = {p.person_id: p.chain for p in outcome.events[0].participants}
    assert set(chains) == {"deputy", "chief2", "p1", "p2"}
    assert chains["p1"] == appraisal_events.ReviewingChain(deputy_leader_id="deputy", principal_leader_id="boss")


async def test_a_quarter_needs_the_years_scheme() -> None:
    spec = Specification(at=MONDAY)
    await spec.given(roster_stream_id("u1"), *roster())
    await spec.given(scheme_stream_id("u1", 2025), scheme(2025))
    outcome = await spec.when(handlers.open_quarter, OPEN, as_=ADMIN)
    outcome.refused("scheme_missing")


async def test_a_quarter_needs_people_to_appraise() -> None:
    spec = Specification(at=MONDAY)
    await spec.given(roster_stream_id("u1"), *unit())
    await spec.given(scheme_stream_id("u1", 2026), scheme())
    outcome = await spec.when(handlers.open_quarter, OPEN, as_=ADMIN)
    outcome.refused("roster_empty")


async def test_a_quarter_opens_once() -> None:
    spec = await quarter(Specification(at=MONDAY))
    outcome = await spec.when(handlers.open_quarter, OPEN, as_=ADMIN)
    outcome.refused("quarter_already_open")


async def test_the_principal_leader_does_not_open_the_quarter() -> None:
    spec = Specification(at=MONDAY)
    outcome = await spec.when(handlers.open_quarter, OPEN, as_=BOSS)
    outcome.refused("role_required")


# --- self-assessment and peer review --------------------------------------------------------


async def test_a_participant_assesses_themselves_with_the_composite_of_the_scheme() -> None:
    spec = await quarter(Specification(at=MONDAY))
    outcome = await spec.when(handlers.self_assess, SELF_ASSESS, as_=STAFF)
    (event,) = outcome.events
    assert isinstance(event, appraisal_events.SelfAssessed)
    assert (event.person_id, event.person_name, event.grade, event.composite_score) == ("p1", "王芳", "好", 86)
    assert outcome.answer.data == {"common": 50, "individual": 35, "bonus": 3, "deductions": 2, "composite_score": 86}


async def test_a_self_assessment_scores_the_indicators() -> None:
    spec = await quarter(Specification(at=MONDAY))
    command = handlers.SelfAssess(unit_id="u1", quarter=QUARTER, scores={}, grade="好", summary="完成全部任务")
    outcome = await spec.when(handlers.self_assess, command, as_=STAFF)
    outcome.refused("scores_required")


async def test_a_self_assessment_is_given_once() -> None:
    spec = await quarter(Specification(at=MONDAY), self_assessed("p1"))
    command = handlers.SelfAssess(unit_id="u1", quarter=QUARTER, scores=SCORES, grade="较好", summary="再评一次")
    outcome = await spec.when(handlers.self_assess, command, as_=STAFF)
    outcome.refused("already_self_assessed")


@pytest.mark.parametrize(
    ("principal", "code"),
    [
        pytest.param(P1_OF_ANOTHER_UNIT, "other_unit", id="one assesses oneself only in one's own unit's quarter"),
        pytest.param(ADMIN, "role_required", id="an administrator is not appraised"),
    ],
)
async def test_who_may_not_assess_themselves(principal: Principal, code: str) -> None:
    spec = await quarter(Specification(at=MONDAY))
    outcome = await spec.when(handlers.self_assess, SELF_ASSESS, as_=principal)
    outcome.refused(code)


async def test_a_colleague_reviews_a_participant_who_assessed_themselves() -> None:
    spec = await quarter(Specification(at=MONDAY), self_assessed("p1"))
    command = handlers.PeerReview(unit_id="u1", quarter=QUARTER, person_id="p1", grade="较好", comment="工作认真")
    outcome = await spec.when(handlers.peer_review, command, as_=COLLEAGUE)
    assert outcome.events == [
        appraisal_events.PeerReviewed(
            unit_id="u1",
            quarter=QUARTER,
            person_id="p1",
            reviewer_id="p2",
            reviewer_name="刘洋",
            grade="较好",
            comment="工作认真",
        )
    ]


@pytest.mark.parametrize(
    ("principal", "code"),
    [
        pytest.param(STAFF, "self_peer_review", id="nobody peer reviews themselves"),
        pytest.param(CHIEF, "peer_not_participant", id="only participants peer review"),  # CHIEF: not in this quarter
    ],
)
async def test_who_may_not_peer_review(principal: Principal, code: str) -> None:
    spec = await quarter(Specification(at=MONDAY), self_assessed("p1"))
    outcome = await spec.when(handlers.peer_review, PEER_REVIEW_P1, as_=principal)
    outcome.refused(code)


# --- the reviewing chain --------------------------------------------------------------------


async def test_the_section_chief_reviews_first_and_the_cap_is_counted() -> None:
    spec = await quarter(Specification(at=MONDAY), *READY)
    command = handlers.RecordReview(
        unit_id="u1", quarter=QUARTER, person_id="p1", scores=SCORES, grade="好", comment="优秀"
    )
    outcome = await spec.when(handlers.record_review, command, as_=CHIEF)
    (event,) = outcome.events
    assert isinstance(event, appraisal_events.ReviewRecorded)
    assert (event.level, event.reviewer_id, event.grade, event.composite_score) == ("section_chief", "chief", "好", 86)
    assert (event.good_used, event.good_cap) == (1, 1)
    assert outcome.answer.data["level"] == "section_chief" and outcome.answer.data["good_left"] == 0


async def test_the_deputy_before_the_section_chief_is_told_whose_review_is_pending() -> None:
    spec = await quarter(Specification(at=MONDAY), *READY)
    outcome = await spec.when(handlers.record_review, review_of_p1(), as_=DEPUTY)
    refusal = outcome.refused("previous_level_pending")
    assert refusal.extra["pending_level"] == "section_chief" and refusal.extra["pending_reviewer_id"] == "chief"


async def test_a_section_chief_outside_the_chain_may_not_review() -> None:
    spec = await quarter(Specification(at=MONDAY), *READY)
    outcome = await spec.when(handlers.record_review, review_of_p1(), as_=STRANGER_CHIEF)
    outcome.refused("not_in_your_chain")


# --- a reviewer replaced in an open quarter ----------------------------------------------------

CHIEF2_CHAIN = appraisal_events.ReviewingChain(
    section_chief_id="chief2", deputy_leader_id="deputy", principal_leader_id="boss"
)


def reviewers(
    person_id: str = "p1", chain: appraisal_events.ReviewingChain = CHIEF2_CHAIN
) -> handlers.ChangeQuarterReviewers:
    return handlers.ChangeQuarterReviewers(unit_id="u1", quarter=QUARTER, person_id=person_id, chain=chain)


async def test_the_administrator_hands_a_persons_review_to_another_section_chief() -> None:
    spec = await quarter(Specification(at=MONDAY), *READY)
    outcome = await spec.when(handlers.change_quarter_reviewers, reviewers(), as_=ADMIN)
    assert outcome.events == [
        appraisal_events.QuarterReviewersChanged(
            unit_id="u1", quarter=QUARTER, person_id="p1", person_name="王芳", chain=CHIEF2_CHAIN
        )
    ]
    (await spec.when(handlers.record_review, review_of_p1(), as_=CHIEF)).refused("not_in_your_chain")
    outcome = await spec.when(handlers.record_review, review_of_p1(), as_=STRANGER_CHIEF)
    assert outcome.events[0].reviewer_id == "chief2"


async def test_a_level_already_decided_keeps_its_reviewer() -> None:
    spec = await quarter(Specification(at=MONDAY), *READY, reviewed("p1", "section_chief", "好", good_used=1))
    outcome = await spec.when(handlers.change_quarter_reviewers, reviewers(), as_=ADMIN)
    outcome.refused("level_already_decided")
    later = appraisal_events.ReviewingChain(section_chief_id="chief", principal_leader_id="boss")
    outcome = await spec.when(handlers.change_quarter_reviewers, reviewers(chain=later), as_=ADMIN)
    assert outcome.events[0].chain == later  # the deputy's level, not decided yet, is dropped


async def test_a_quarters_reviewers_are_people_of_the_roster_still_in_the_unit() -> None:
    spec = await quarter(Specification(at=MONDAY), *READY)
    left = appraisal_events.PersonLeft(
        unit_id="u1", person_id="chief2", person_name="孙股长", reason="transfer", left_on=dt.date(2026, 11, 20)
    )
    await spec.given(roster_stream_id("u1"), left)
    (await spec.when(handlers.change_quarter_reviewers, reviewers(), as_=ADMIN)).refused("reviewer_left")
    unknown = appraisal_events.ReviewingChain(section_chief_id="nobody")
    (await spec.when(handlers.change_quarter_reviewers, reviewers(chain=unknown), as_=ADMIN)).refused(
        "reviewer_unknown"
    )


async def test_a_quarters_reviewers_are_someone_else_and_at_least_one() -> None:
    spec = await quarter(Specification(at=MONDAY), *READY)
    empty = appraisal_events.ReviewingChain()
    (await spec.when(handlers.change_quarter_reviewers, reviewers(chain=empty), as_=ADMIN)).refused("chain_empty")
    themselves = appraisal_events.ReviewingChain(section_chief_id="p1")
    (await spec.when(handlers.change_quarter_reviewers, reviewers(chain=themselves), as_=ADMIN)).refused("reviews_self")
    same = appraisal_events.ReviewingChain(
        section_chief_id="chief", deputy_leader_id="deputy", principal_leader_id="boss"
    )
    (await spec.when(handlers.change_quarter_reviewers, reviewers(chain=same), as_=ADMIN)).refused(
        "reviewers_unchanged"
    )


async def test_reviewers_change_only_while_the_quarter_is_open_and_by_its_administrator() -> None:
    spec = await quarter(Specification(at=MONDAY), *PUBLISHED)
    (await spec.when(handlers.change_quarter_reviewers, reviewers(), as_=ADMIN)).refused("results_published")
    spec = await quarter(Specification(at=MONDAY), *READY)
    (await spec.when(handlers.change_quarter_reviewers, reviewers(), as_=OTHER_ADMIN)).refused("other_unit")
    (await spec.when(handlers.change_quarter_reviewers, reviewers(), as_=BOSS)).refused("role_required")


async def test_the_review_waits_for_the_peer_reviews() -> None:
    spec = await quarter(Specification(at=MONDAY), self_assessed("p1"))
    outcome = await spec.when(handlers.record_review, review_of_p1("较好"), as_=CHIEF)
    outcome.refused("peer_review_incomplete")


async def test_a_good_beyond_the_cap_is_refused() -> None:
    spec = await quarter(Specification(at=MONDAY), *READY, reviewed("p2", "section_chief", "好", good_used=1))
    outcome = await spec.when(handlers.record_review, review_of_p1(), as_=CHIEF)
    refusal = outcome.refused("good_quota_exceeded")
    assert refusal.extra == {"good_cap": 1, "good_used": 1, "good_left": 0}


@pytest.mark.parametrize(
    ("unit_id", "principal", "code"),
    [
        pytest.param(
            "u1", STAFF, "role_required", id="a staff member is refused a review before the scheme is even read"
        ),
        pytest.param(
            "u2", CHIEF, "other_unit", id="a leader of another unit is refused a review before the scheme is read"
        ),
    ],
)
async def test_who_may_not_review_is_refused_before_the_scheme_is_read(
    unit_id: str, principal: Principal, code: str
) -> None:
    spec = Specification(at=MONDAY)  # no scheme, no quarter: a refusal of either would say so
    outcome = await spec.when(handlers.record_review, review_of_p1(unit_id=unit_id), as_=principal)
    outcome.refused(code)


# --- adjustments ----------------------------------------------------------------------------


async def test_the_principal_leader_adjusts_a_grade_with_a_reason() -> None:
    spec = await quarter(Specification(at=MONDAY), *REVIEWED)
    outcome = await spec.when(handlers.adjust_grade, ADJUST_P1, as_=BOSS)
    (event,) = outcome.events
    assert isinstance(event, appraisal_events.GradeAdjusted)
    assert (event.person_id, event.from_grade, event.to_grade, event.level) == (
        "p1",
        "较好",
        "一般",
        "principal_leader",
    )
    assert event.reason == "考勤问题较多"


@pytest.mark.parametrize(
    ("principal", "code"),
    [
        pytest.param(DEPUTY, "principal_already_decided", id="the deputy no longer adjusts once the principal decided"),
        pytest.param(CHIEF, "role_required", id="a section chief does not adjust grades"),
        pytest.param(
            BOSS_OF_ANOTHER_CHAIN, "not_in_your_chain", id="a principal leader of another chain does not adjust"
        ),
    ],
)
async def test_who_may_not_adjust(principal: Principal, code: str) -> None:
    spec = await quarter(Specification(at=MONDAY), *REVIEWED)
    outcome = await spec.when(handlers.adjust_grade, ADJUST_P1, as_=principal)
    outcome.refused(code)


async def test_a_good_moves_from_one_person_to_another_in_one_step() -> None:
    spec = await quarter(Specification(at=MONDAY), *REVIEWED)
    command = handlers.MoveGood(
        unit_id="u1", quarter=QUARTER, from_person_id="p2", to_person_id="p1", from_new_grade="较好", reason="统筹平衡"
    )
    outcome = await spec.when(handlers.move_good, command, as_=BOSS)
    assert [(e.person_id, e.from_grade, e.to_grade, e.good_used) for e in outcome.events] == [
        ("p2", "好", "较好", 0),
        ("p1", "较好", "好", 1),
    ]
    assert outcome.answer.data == {"level": "principal_leader", "good_cap": 1, "good_used": 1, "good_left": 0}


async def test_only_a_good_moves() -> None:
    spec = await quarter(Specification(at=MONDAY), *REVIEWED)
    command = handlers.MoveGood(
        unit_id="u1", quarter=QUARTER, from_person_id="p1", to_person_id="p2", from_new_grade="一般", reason="统筹平衡"
    )
    outcome = await spec.when(handlers.move_good, command, as_=BOSS)
    outcome.refused("not_good")


# --- publication and appeals ----------------------------------------------------------------


async def test_the_administrator_publishes_for_five_working_days() -> None:
    spec = await quarter(Specification(at=MONDAY), *REVIEWED)
    outcome = await spec.when(handlers.publish_results, PUBLISH, as_=ADMIN)
    (event,) = outcome.events
    assert isinstance(event, appraisal_events.ResultsPublished)
    assert event.period_ends_at == dt.datetime(2026, 11, 30, 23, 59, 59, tzinfo=CHINA)
    assert {r.person_id: r.grade for r in event.results} == {"p1": "较好", "p2": "好"}
    assert (event.good_count, event.good_cap) == (1, 1)
    assert outcome.answer.data["calendar_warning"] is None


async def test_results_wait_for_every_review() -> None:
    spec = await quarter(Specification(at=MONDAY), *fully_reviewed("p1", "较好"))
    outcome = await spec.when(handlers.publish_results, PUBLISH, as_=ADMIN)
    assert outcome.refused("reviews_incomplete").extra == {"pending": 1}


async def test_an_administrator_publishes_no_other_units_results() -> None:
    spec = await quarter(Specification(at=MONDAY), *REVIEWED)
    outcome = await spec.when(handlers.publish_results, PUBLISH, as_=OTHER_ADMIN)
    outcome.refused("other_unit")


async def test_a_participant_appeals_within_the_period() -> None:
    spec = await quarter(Specification(at=MONDAY + dt.timedelta(days=2)), *PUBLISHED)
    outcome = await spec.when(handlers.file_appeal, APPEAL, as_=STAFF)
    (event,) = outcome.events
    assert isinstance(event, appraisal_events.AppealFiled)
    assert (event.person_id, event.grade, event.appeal_id) == ("p1", "较好", outcome.answer.data["appeal_id"])


@pytest.mark.parametrize(
    ("at", "events", "principal", "code"),
    [
        pytest.param(AFTER_THE_PERIOD, PUBLISHED, STAFF, "appeal_period_over", id="no appeal after the period"),
        pytest.param(MONDAY, REVIEWED, STAFF, "results_not_published", id="no appeal before the results are published"),
        pytest.param(
            MONDAY + dt.timedelta(days=2),
            PUBLISHED,
            P1_OF_ANOTHER_UNIT,
            "other_unit",
            id="one appeals only in one's own unit",
        ),
    ],
)
async def test_an_appeal_is_refused(
    at: dt.datetime, events: tuple[Event, ...], principal: Principal, code: str
) -> None:
    spec = await quarter(Specification(at=at), *events)
    outcome = await spec.when(handlers.file_appeal, APPEAL, as_=principal)
    outcome.refused(code)


async def test_the_principal_leader_of_the_chain_changes_the_grade_on_appeal() -> None:
    spec = await quarter(Specification(at=MONDAY + dt.timedelta(days=3)), *APPEALED)
    command = handlers.ResolveAppeal(
        unit_id="u1", quarter=QUARTER, appeal_id="apl-1", outcome="changed", new_grade="一般", reason="复核后下调"
    )
    outcome = await spec.when(handlers.resolve_appeal, command, as_=BOSS)
    (event,) = outcome.events
    assert isinstance(event, appraisal_events.AppealResolved)
    assert (event.person_id, event.outcome, event.previous_grade, event.new_grade) == ("p1", "changed", "较好", "一般")


async def test_an_appeal_is_resolved_once() -> None:
    spec = await quarter(Specification(at=MONDAY + dt.timedelta(days=3)), *APPEALED)
    await spec.when(handlers.resolve_appeal, UPHOLD, as_=BOSS)
    outcome = await spec.when(handlers.resolve_appeal, UPHOLD, as_=BOSS)
    outcome.refused("appeal_already_resolved")


@pytest.mark.parametrize(
    ("principal", "code"),
    [
        pytest.param(DEPUTY, "role_required", id="the deputy does not resolve appeals"),
        pytest.param(
            BOSS_OF_ANOTHER_CHAIN,
            "not_in_your_chain",
            id="a principal leader of another chain does not resolve the appeal",
        ),
    ],
)
async def test_who_may_not_resolve_the_appeal(principal: Principal, code: str) -> None:
    spec = await quarter(Specification(at=MONDAY + dt.timedelta(days=3)), *APPEALED)
    outcome = await spec.when(handlers.resolve_appeal, UPHOLD, as_=principal)
    outcome.refused(code)


async def test_a_staff_member_is_refused_resolving_an_appeal_whatever_the_quarter_holds() -> None:
    spec = Specification(at=MONDAY)  # no quarter: a refusal of it would tell a stranger it is absent
    command = handlers.ResolveAppeal(
        unit_id="u1", quarter=QUARTER, appeal_id="apl-x", outcome="upheld", new_grade=None, reason="维持原等次"
    )
    outcome = await spec.when(handlers.resolve_appeal, command, as_=STAFF)
    outcome.refused("role_required")


# --- finalization and follow-up -------------------------------------------------------------


async def test_finalizing_opens_a_follow_up_after_two_weak_quarters() -> None:
    spec = await quarter(Specification(at=AFTER_THE_PERIOD), *PUBLISHED)
    await spec.given(quarter_stream_id("u1", "2026-Q2"), *finalized_quarter("2026-Q2", {"p1": "较好", "p2": "较好"}))
    outcome = await spec.when(handlers.finalize_quarter, FINALIZE, as_=ADMIN)
    finalized, follow_up = outcome.events
    assert isinstance(finalized, appraisal_events.QuarterFinalized)
    assert {r.person_id: r.grade for r in finalized.results} == {"p1": "较好", "p2": "好"}
    assert isinstance(follow_up, appraisal_events.FollowUpOpened)
    assert (follow_up.person_id, follow_up.grades) == ("p1", {"2026-Q2": "较好", QUARTER: "较好"})
    assert outcome.answer.data == {"follow_ups": ["p1"]}


@pytest.mark.parametrize(
    ("at", "events", "principal", "code"),
    [
        pytest.param(
            dt.datetime(2026, 11, 30, 18, tzinfo=CHINA),
            PUBLISHED,
            ADMIN,
            "publication_period_running",
            id="the quarter is finalized only after the period",
        ),
        pytest.param(
            AFTER_THE_PERIOD,
            APPEALED,
            ADMIN,
            "appeals_open",
            id="the quarter is finalized only once every appeal is resolved",
        ),
        pytest.param(AFTER_THE_PERIOD, PUBLISHED, BOSS, "role_required", id="the principal leader does not finalize"),
    ],
)
async def test_finalizing_is_refused(
    at: dt.datetime, events: tuple[Event, ...], principal: Principal, code: str
) -> None:
    spec = await quarter(Specification(at=at), *events)
    outcome = await spec.when(handlers.finalize_quarter, FINALIZE, as_=principal)
    outcome.refused(code)


def following_up(*extra: Event) -> tuple[Event, ...]:
    """The quarter finalized with p1 followed up (two weak quarters)."""
    return (
        *PUBLISHED,
        appraisal_events.QuarterFinalized(unit_id="u1", quarter=QUARTER, finalized_at=AFTER_THE_PERIOD, results=[]),
        appraisal_events.FollowUpOpened(
            unit_id="u1",
            person_id="p1",
            person_name="王芳",
            quarter=QUARTER,
            grades={"2026-Q2": "较好", QUARTER: "较好"},
            opened_at=AFTER_THE_PERIOD,
        ),
        *extra,
    )


async def test_the_administrator_assigns_a_mentor_to_the_person_followed_up() -> None:
    spec = await quarter(Specification(at=AFTER_THE_PERIOD), *following_up())
    outcome = await spec.when(handlers.assign_mentor, MENTOR_P2_FOR_P1, as_=ADMIN)
    assert outcome.events == [
        appraisal_events.MentorAssigned(
            unit_id="u1",
            person_id="p1",
            quarter=QUARTER,
            mentor_id="p2",
            mentor_name="刘洋",
            assigned_at=AFTER_THE_PERIOD,
        )
    ]


async def test_someone_who_left_is_nobodys_mentor() -> None:
    spec = await quarter(Specification(at=AFTER_THE_PERIOD), *following_up())
    left = appraisal_events.PersonLeft(
        unit_id="u1", person_id="p2", person_name="刘洋", reason="transfer", left_on=dt.date(2026, 12, 1)
    )
    await spec.given(roster_stream_id("u1"), left)
    outcome = await spec.when(handlers.assign_mentor, MENTOR_P2_FOR_P1, as_=ADMIN)
    outcome.refused("mentor_left")


async def test_a_mentor_only_for_a_follow_up() -> None:
    spec = await quarter(Specification(at=AFTER_THE_PERIOD), *following_up())
    command = handlers.AssignMentor(unit_id="u1", quarter=QUARTER, person_id="p2", mentor_id="chief")
    outcome = await spec.when(handlers.assign_mentor, command, as_=ADMIN)
    outcome.refused("no_follow_up")


async def test_another_units_administrator_assigns_no_mentor() -> None:
    spec = await quarter(Specification(at=AFTER_THE_PERIOD), *following_up())
    outcome = await spec.when(handlers.assign_mentor, MENTOR_P2_FOR_P1, as_=OTHER_ADMIN)
    outcome.refused("not_in_your_chain")


async def test_a_leader_of_the_chain_records_a_visit() -> None:
    spec = await quarter(Specification(at=AFTER_THE_PERIOD), *following_up())
    outcome = await spec.when(handlers.record_visit, VISIT_P1, as_=CHIEF)
    assert outcome.events == [
        appraisal_events.FollowUpVisited(
            unit_id="u1",
            person_id="p1",
            quarter=QUARTER,
            visited_by_id="chief",
            notes="谈心谈话",
            visited_on=dt.date(2026, 12, 1),
        )
    ]


async def test_a_colleague_records_no_visit() -> None:
    spec = await quarter(Specification(at=AFTER_THE_PERIOD), *following_up())
    outcome = await spec.when(handlers.record_visit, VISIT_P1, as_=COLLEAGUE)
    outcome.refused("not_in_your_chain")
