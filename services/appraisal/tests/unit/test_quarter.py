"""The unit quarter: given events → command → events or a refusal; the 好 cap as a property."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appraisal.domain.quarter import UnitQuarter, good_cap_for
from grassroots_common.contracts.appraisal import (
    AppealFiled,
    GradeAdjusted,
    Participant,
    PeerReviewed,
    QuarterOpened,
    ReviewingChain,
    ReviewRecorded,
    SelfAssessed,
)
from grassroots_common.errors import Conflict, Invalid
from grassroots_common.http.refusals import status_of
from grassroots_common.workdays import WorkCalendar

GRADES = ("好", "较好", "一般", "较差")
NOW = dt.datetime(2026, 10, 9, 2, 0, tzinfo=dt.UTC)  # a Friday, 10:00 in Beijing


def participants(n: int) -> list[Participant]:
    chain = ReviewingChain(section_chief_id="chief", deputy_leader_id="deputy", principal_leader_id="boss")
    return [Participant(person_id=f"p{i}", person_name=f"人员{i}", section_id="s1", chain=chain) for i in range(n)]


def opened(n: int = 10, ratio: float = 0.4, peers: int = 1) -> QuarterOpened:
    return QuarterOpened(
        unit_id="u1",
        quarter="2026-Q3",
        year=2026,
        participants=participants(n),
        good_ratio=ratio,
        good_cap=good_cap_for(n, ratio),
        peer_reviews_required=peers,
    )


def self_assessed(pid: str) -> SelfAssessed:
    return SelfAssessed(
        unit_id="u1",
        quarter="2026-Q3",
        person_id=pid,
        person_name=pid,
        scores={},
        composite_score=90,
        grade="好",
        summary="本季度工作总结",
    )


def peer(pid: str, by: str) -> PeerReviewed:
    return PeerReviewed(
        unit_id="u1", quarter="2026-Q3", person_id=pid, reviewer_id=by, reviewer_name=by, grade="好", comment=""
    )


def reviewed(pid: str, level: str, grade: str, used: int = 0) -> ReviewRecorded:
    return ReviewRecorded(
        unit_id="u1",
        quarter="2026-Q3",
        person_id=pid,
        person_name=pid,
        level=level,
        reviewer_id="x",
        reviewer_name="x",
        scores={},
        composite_score=90,
        grade=grade,
        comment="好",
        good_used=used,
        good_cap=4,
    )


def ready(n: int = 10) -> list:
    """Opened, and everyone self-assessed and peer-reviewed once."""
    events: list = [opened(n)]
    for i in range(n):
        events += [self_assessed(f"p{i}"), peer(f"p{i}", f"p{(i + 1) % n}")]
    return events


def fully_reviewed(grades: list[str]) -> list:
    events = ready(len(grades))
    for i, grade in enumerate(grades):
        events += [reviewed(f"p{i}", level, grade) for level in ("section_chief", "deputy_leader", "principal_leader")]
    return events


def review(q: UnitQuarter, pid: str, level: str, grade: str) -> None:
    q.review(
        level=level,
        reviewer_id="r",
        reviewer_name="r",
        person_id=pid,
        scores={},
        composite_score=88,
        grade=grade,
        comment="意见",
    )


def names(q: UnitQuarter) -> list[str]:
    return [p.event.type_name() for p in q.take_pending()]


def test_open_sets_the_cap_from_the_ratio() -> None:
    q = UnitQuarter("quarter-u1-2026-Q3")
    q.open(unit_id="u1", quarter="2026-Q3", participants=participants(12), good_ratio=0.4, peer_reviews_required=1)
    event = q.take_pending()[0].event
    assert isinstance(event, QuarterOpened) and event.good_cap == 4
    assert good_cap_for(10, 0.4) == 4


def test_no_review_before_self_assessment() -> None:
    q = UnitQuarter.replay("q", [opened()])
    with pytest.raises(Conflict) as err:
        review(q, "p0", "section_chief", "好")
    assert err.value.code == "self_assessment_missing"


def test_no_review_before_peer_review() -> None:
    q = UnitQuarter.replay("q", [opened(), self_assessed("p0")])
    with pytest.raises(Conflict) as err:
        review(q, "p0", "section_chief", "好")
    assert err.value.code == "peer_review_incomplete"


def test_levels_in_order_and_once_each() -> None:
    q = UnitQuarter.replay("q", ready())
    with pytest.raises(Conflict) as err:
        review(q, "p0", "deputy_leader", "好")
    assert err.value.code == "previous_level_pending"
    review(q, "p0", "section_chief", "好")
    assert names(q) == ["ReviewRecorded"]
    with pytest.raises(Conflict) as err:
        review(q, "p0", "section_chief", "较好")
    assert err.value.code == "already_decided"


def test_a_fifth_good_of_ten_is_refused_not_trimmed() -> None:
    given = ready()
    for i in range(4):
        given.append(reviewed(f"p{i}", "section_chief", "好"))
    q = UnitQuarter.replay("q", given)
    assert q.quota() == {"good_cap": 4, "good_used": 4, "good_left": 0}
    with pytest.raises(Conflict) as err:
        review(q, "p4", "section_chief", "好")
    assert err.value.code == "good_quota_exceeded"
    assert err.value.extra["good_left"] == 0
    assert q.take_pending() == []


def test_moving_a_good_keeps_the_count_and_requires_a_reason() -> None:
    q = UnitQuarter.replay(
        "q", fully_reviewed(["好", "好", "好", "好", "较好", "一般", "较好", "较好", "较好", "较好"])
    )
    with pytest.raises(Invalid):
        q.move_good(level="principal_leader", from_person_id="p0", to_person_id="p4", from_new_grade="较好", reason=" ")
    q.move_good(level="principal_leader", from_person_id="p0", to_person_id="p4", from_new_grade="较好", reason="调整")
    events = [p.event for p in q.take_pending()]
    assert [type(e) for e in events] == [GradeAdjusted, GradeAdjusted]
    assert q.people["p0"].grade == "较好" and q.people["p4"].grade == "好" and q.good_used == 4


def test_deputy_may_not_adjust_after_the_principal_decided() -> None:
    q = UnitQuarter.replay("q", fully_reviewed(["较好"] * 10))
    with pytest.raises(Conflict) as err:
        q.adjust(level="deputy_leader", person_id="p0", to_grade="好", reason="表现突出")
    assert err.value.code == "principal_already_decided"


def test_publish_appeal_resolve_finalize() -> None:
    calendar = WorkCalendar()
    q = UnitQuarter.replay("q", fully_reviewed(["好", "较好", "较好", "一般", "较好"]))
    q.publish(now=NOW, calendar=calendar, workdays=5)
    assert names(q) == ["ResultsPublished"]
    assert q.period_ends_at is not None and q.period_ends_at.date() == dt.date(2026, 10, 16)
    with pytest.raises(Conflict) as err:
        review(q, "p1", "principal_leader", "好")
    assert err.value.code == "results_published"
    q.file_appeal(appeal_id="a1", person_id="p1", reason="本季度承担专项任务，请求复核", now=NOW)
    with pytest.raises(Conflict) as err:
        q.file_appeal(appeal_id="a2", person_id="p1", reason="再次申诉，请求复核", now=NOW)
    assert err.value.code == "already_appealed"
    later = NOW + dt.timedelta(days=10)
    with pytest.raises(Conflict) as err:
        q.file_appeal(appeal_id="a3", person_id="p2", reason="请求复核本季度等次", now=later)
    assert err.value.code == "appeal_period_over"
    with pytest.raises(Conflict) as err:
        q.finalize(now=later)
    assert err.value.code == "appeals_open"
    q.resolve_appeal(appeal_id="a1", outcome="changed", new_grade="好", reason="复核后改为好", now=later)
    assert q.people["p1"].grade == "好"
    q.finalize(now=later)
    assert names(q)[-1] == "QuarterFinalized"
    with pytest.raises(Conflict) as err:
        q.resolve_appeal(appeal_id="a1", outcome="upheld", new_grade=None, reason="维持", now=later)
    assert err.value.code == "quarter_finalized"


def test_finalize_waits_for_the_end_of_the_period() -> None:
    q = UnitQuarter.replay("q", fully_reviewed(["较好", "较好", "较好"]))
    q.publish(now=NOW, calendar=WorkCalendar(), workdays=5)
    with pytest.raises(Conflict) as err:
        q.finalize(now=NOW + dt.timedelta(days=1))
    assert err.value.code == "publication_period_running"


def test_appeal_resolution_to_good_respects_the_cap() -> None:
    q = UnitQuarter.replay("q", fully_reviewed(["好", "好", "较好", "较好", "较好"]))
    assert q.good_cap == 2
    q.publish(now=NOW, calendar=WorkCalendar(), workdays=5)
    q.when(
        AppealFiled(
            unit_id="u1",
            quarter="2026-Q3",
            appeal_id="a1",
            person_id="p2",
            person_name="p2",
            grade="较好",
            reason="请求复核",
            filed_at=NOW,
        )
    )
    with pytest.raises(Conflict) as err:
        q.resolve_appeal(appeal_id="a1", outcome="changed", new_grade="好", reason="改为好", now=NOW)
    assert err.value.code == "good_quota_exceeded"


# --- the cap as a property --------------------------------------------------------------------

person_ids = st.integers(min_value=0, max_value=7).map(lambda i: f"p{i}")
grades = st.sampled_from(GRADES)
commands = st.lists(
    st.one_of(
        st.tuples(st.just("review"), person_ids, grades),
        st.tuples(st.just("adjust"), person_ids, grades, st.sampled_from(["deputy_leader", "principal_leader"])),
        st.tuples(st.just("move"), person_ids, person_ids, grades),
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(ratio=st.sampled_from([0.2, 0.25, 0.4, 0.5]), script=commands)
def test_no_sequence_of_grades_and_adjustments_exceeds_the_cap(ratio: float, script: list[tuple]) -> None:
    """Whatever leaders try, in any order, accepted events never put more than the cap at 好,
    and a refused command changes nothing."""
    given = [opened(8, ratio)]
    for i in range(8):
        given += [self_assessed(f"p{i}"), peer(f"p{i}", f"p{(i + 1) % 8}")]
    history = list(given)
    for command in script:
        q = UnitQuarter.replay("q", history)
        before = q.quota()
        try:
            match command:
                case ("review", pid, grade):
                    level = q.people[pid].next_level
                    if level is None:
                        continue
                    review(q, pid, level, grade)
                case ("adjust", pid, grade, level):
                    q.adjust(level=level, person_id=pid, to_grade=grade, reason="依据平时表现调整")
                case ("move", a, b, grade):
                    q.move_good(
                        level="principal_leader",
                        from_person_id=a,
                        to_person_id=b,
                        from_new_grade=grade,
                        reason="名额调整",
                    )
        except (Conflict, Invalid):
            assert q.take_pending() == [] or UnitQuarter.replay("q", history).quota() == before
            continue
        history += [p.event for p in q.take_pending()]
        state = UnitQuarter.replay("q", history)
        assert state.good_used <= state.good_cap
        for event in history:
            if isinstance(event, (ReviewRecorded, GradeAdjusted)):
                assert event.good_used <= event.good_cap


def test_a_level_without_scores_keeps_the_composite_of_the_level_before() -> None:
    q = UnitQuarter.replay("q", [*ready(), reviewed("p0", "section_chief", "较好")])
    q.review(
        level="deputy_leader",
        reviewer_id="deputy",
        reviewer_name="分管",
        person_id="p0",
        scores={},
        composite_score=None,
        grade="好",
        comment="意见",
    )
    event = q.take_pending()[0].event
    assert isinstance(event, ReviewRecorded) and event.composite_score is None
    assert q.people["p0"].composite_score == 90 and q.people["p0"].grade == "好"


def test_results_without_any_scores_carry_no_composite() -> None:
    events = ready(1 + 2)
    for i in range(3):
        for level in ("section_chief", "deputy_leader", "principal_leader"):
            events.append(reviewed(f"p{i}", level, "较好").model_copy(update={"composite_score": None}))
    q = UnitQuarter.replay("q", events)
    q.publish(now=NOW, calendar=WorkCalendar(), workdays=5)
    published = q.take_pending()[0].event
    assert [r.composite_score for r in published.results] == [None, None, None]


def test_a_later_level_is_told_whose_review_is_pending() -> None:
    chain = ReviewingChain(section_chief_id="p1", deputy_leader_id="p2", principal_leader_id="boss")
    people = [Participant(person_id=f"p{i}", person_name=f"人员{i}", section_id="s1", chain=chain) for i in range(3)]
    events: list = [opened(3).model_copy(update={"participants": people})]
    events += [e for i in range(3) for e in (self_assessed(f"p{i}"), peer(f"p{i}", f"p{(i + 1) % 3}"))]
    q = UnitQuarter.replay("q", events)
    with pytest.raises(Conflict) as err:
        review(q, "p0", "principal_leader", "好")
    assert err.value.code == "previous_level_pending" and status_of(err.value)[0] == 409  # answered by the HTTP layer
    assert "股组长人员1" in err.value.message and err.value.extra["pending_reviewer_id"] == "p1"
