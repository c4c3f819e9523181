"""Annual review: 优秀 only for eligible candidates and within the quota. Follow-ups after two weak
quarters. Reminders: acknowledge before reporting rectification. Scheme: weights and scores."""

from __future__ import annotations

import datetime as dt

import pytest

from appraisal.domain.annual import AnnualReview, excellent_eligible
from appraisal.domain.quarter import UnitQuarter
from appraisal.domain.reminder import Reminder
from appraisal.domain.result_use import ResultUses, result_use_stream_id
from appraisal.domain.scheme import composite_score, score_card, validate_indicators
from grassroots_common.contracts.appraisal import FollowUpOpened, Indicator, MentorAssigned
from grassroots_common.errors import Conflict, Invalid, NotFound
from grassroots_common.workdays import WorkCalendar

from .test_quarter import NOW, fully_reviewed

NOW2 = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
# A scheme of one indicator of each kind: 60 + 40 scored, a highlight of up to 5, a negative list of up to 10.
INDICATORS = [
    Indicator(code="c", name="共性", kind="common", dimension="德", max_points=60),
    Indicator(code="i", name="个性", kind="individual", dimension="绩", max_points=40),
    Indicator(code="h", name="亮点", kind="highlight", dimension="绩", max_points=5),
    Indicator(code="n", name="负面", kind="negative", dimension="廉", max_points=10),
]


def test_excellent_needs_half_good_and_nothing_below_fairly_good() -> None:
    assert excellent_eligible({"Q1": "好", "Q2": "好", "Q3": "较好", "Q4": "较好"}, 4)
    assert not excellent_eligible({"Q1": "好", "Q2": "较好", "Q3": "较好", "Q4": "较好"}, 4)
    assert not excellent_eligible({"Q1": "好", "Q2": "好", "Q3": "好", "Q4": "一般"}, 4)


def annual(n: int = 10) -> AnnualReview:
    review = AnnualReview("annual-u1-2026")
    grades = {
        f"p{i}": (f"人员{i}", None, {f"2026-Q{q}": ("好" if i < 4 else "较好") for q in range(1, 5)}) for i in range(n)
    }
    review.open(unit_id="u1", year=2026, quarter_grades=grades, quarters_in_year=4, excellent_ratio=0.2)
    review.take_pending()
    return review


def test_annual_excellent_quota_and_eligibility() -> None:
    review = annual()
    assert review.excellent_cap == 2
    with pytest.raises(Conflict) as err:
        review.decide(person_id="p5", grade="优秀", comment="")
    assert err.value.code == "not_excellent_candidate"
    review.decide(person_id="p0", grade="优秀", comment="")
    review.decide(person_id="p1", grade="优秀", comment="")
    with pytest.raises(Conflict) as err:
        review.decide(person_id="p2", grade="优秀", comment="")
    assert err.value.code == "excellent_quota_exceeded"
    review.decide(person_id="p2", grade="称职", comment="")
    with pytest.raises(Conflict) as err:
        review.decide(person_id="p2", grade="基本称职", comment="")
    assert err.value.code == "already_decided"


def test_two_weak_quarters_open_a_follow_up_and_ask_for_a_mentor() -> None:
    q = UnitQuarter.replay("q", fully_reviewed(["好", "较好", "一般"]))
    q.publish(now=NOW, calendar=WorkCalendar(), workdays=5)
    q.take_pending()
    earlier = {"p0": {"2026-Q2": "较好"}, "p1": {"2026-Q2": "较好"}, "p2": {"2026-Q2": "好"}}
    q.finalize(now=NOW2, earlier_grades=earlier, follow_up_after=2)
    opened = [p.event for p in q.take_pending() if isinstance(p.event, FollowUpOpened)]
    assert [e.person_id for e in opened] == ["p1"]
    assert opened[0].grades == {"2026-Q2": "较好", "2026-Q3": "较好"}
    with pytest.raises(Conflict) as err:
        q.assign_mentor(person_id="p0", mentor_id="p2", mentor_name="人员2", now=NOW2)
    assert err.value.code == "no_follow_up"
    q.assign_mentor(person_id="p1", mentor_id="p2", mentor_name="人员2", now=NOW2)
    with pytest.raises(Conflict) as err:
        q.assign_mentor(person_id="p1", mentor_id="p2", mentor_name="人员2", now=NOW2)
    assert err.value.code == "mentor_unchanged"


def test_a_mentor_is_changed_and_the_latest_assignment_is_the_mentor() -> None:
    """The follow-up screen offers 更换导师 on a row that shows a mentor: the domain accepts the
    change (it refused every second assignment with 已为此人指定导师, the row showing another)."""
    q = UnitQuarter.replay("q", fully_reviewed(["好", "较好", "一般"]))
    q.publish(now=NOW, calendar=WorkCalendar(), workdays=5)
    q.finalize(now=NOW2, earlier_grades={"p1": {"2026-Q2": "较好"}}, follow_up_after=2)
    q.assign_mentor(person_id="p1", mentor_id="p2", mentor_name="人员2", now=NOW2)
    q.assign_mentor(person_id="p1", mentor_id="p0", mentor_name="人员0", now=NOW2)
    assigned = [p.event for p in q.take_pending() if isinstance(p.event, MentorAssigned)]
    assert [e.mentor_id for e in assigned] == ["p2", "p0"]
    assert q.people["p1"].mentor_id == "p0"


def test_reminder_acknowledged_before_rectification_by_its_recipient() -> None:
    r = Reminder("rmd_1")
    r.issue(
        unit_id="u1",
        person_id="p1",
        person_name="王芳",
        issued_by_id="c1",
        issued_by_name="孙丽",
        quarter=None,
        shortcomings="周纪实内容较笼统",
        now=NOW,
    )
    with pytest.raises(NotFound):
        Reminder("rmd_2").recipient()
    assert r.recipient() == "p1"  # only they act on it: the handler's check (specs: not_your_reminder)
    with pytest.raises(Conflict) as err:
        r.report_rectification(report="已整改", now=NOW)
    assert err.value.code == "not_acknowledged"
    r.acknowledge(now=NOW)
    r.report_rectification(report="已细化填写", now=NOW)
    assert [p.event.type_name() for p in r.take_pending()] == [
        "ReminderIssued",
        "ReminderAcknowledged",
        "RectificationReported",
    ]


def test_scheme_weights_and_composite_score() -> None:
    assert validate_indicators(INDICATORS) == 100
    assert composite_score(INDICATORS, {"c": 55, "i": 36, "h": 3, "n": 2}) == 92
    with pytest.raises(Invalid) as err:
        composite_score(INDICATORS, {"c": 61})
    assert err.value.code == "score_out_of_range"
    with pytest.raises(Invalid) as err:
        validate_indicators(INDICATORS[:1])
    assert err.value.code == "scheme_weights_invalid"


def test_the_negative_list_deducts_and_scores_are_all_or_none() -> None:
    # Full marks on the scored indicators, no highlight, the whole negative list: 100 − 10.
    card = score_card(INDICATORS, {"c": 60, "i": 40, "n": 10})
    assert card is not None and card.as_dict() == {
        "common": 60,
        "individual": 40,
        "bonus": 0,
        "deductions": 10,
        "composite_score": 90,
    }
    assert score_card(INDICATORS, {"c": 60, "i": 40}).composite == 100  # nothing on the negative list
    assert score_card(INDICATORS, {}) is None  # a grade alone: no composite
    with pytest.raises(Invalid) as err:
        score_card(INDICATORS, {"c": 60, "h": 5})
    assert err.value.code == "scores_incomplete" and "个性" in err.value.message
    with pytest.raises(Invalid) as err:
        score_card(INDICATORS, {"c": 60, "i": 40, "n": 11})
    assert err.value.code == "score_out_of_range" and "减分" in err.value.message


def test_excellence_rests_on_an_annual_excellent_or_a_backfill_reason() -> None:
    use = {
        "unit_id": "u1",
        "person_id": "p1",
        "person_name": "张三",
        "kind": "excellence",
        "year": 2026,
        "basis": "2026 年度考核",
        "decided_on": dt.date(2027, 1, 20),
    }
    uses = ResultUses(result_use_stream_id("p1"))
    with pytest.raises(Conflict) as err:
        uses.apply(**use, annual_held=True, annual_grade="称职")
    assert err.value.code == "excellence_without_excellent" and "称职" in err.value.message
    with pytest.raises(Conflict) as err:
        uses.apply(**use, annual_held=True, annual_grade=None)
    assert "尚未确定" in err.value.message
    uses.apply(**use, annual_held=True, annual_grade="优秀")
    # A year from before the platform: only with a stated reason, which the record keeps.
    backfill = {**use, "year": 2024, "basis": "2024 年度考核优秀"}
    with pytest.raises(Invalid) as err:
        uses.apply(**backfill, annual_held=False)
    assert err.value.code == "backfill_reason_required"
    uses.apply(**backfill, annual_held=False, backfill_reason="见凤组发〔2025〕3 号文件")
    events = [p.event for p in uses.take_pending()]
    assert [e.backfill_reason for e in events] == [None, "见凤组发〔2025〕3 号文件"]
    # Other uses need neither.
    uses.apply(**{**use, "kind": "training"}, annual_held=True, annual_grade="称职")
