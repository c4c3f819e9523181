"""Weak-organization cases: screening → designation → plan → progress → acceptance (销号)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grassroots_common.contracts.village import (
    RectificationAccepted,
    RectificationMeasure,
    RectificationPlanned,
    RectificationProgressed,
    VillageDesignatedWeak,
    WeaknessScreened,
)
from grassroots_common.errors import Conflict, NotFound
from village.domain.weakness import WeaknessCase

IDS = {"town_id": "610305107", "village_id": "610305107202", "year": 2026}
DAY = dt.date(2026, 5, 1)
SCREENED = WeaknessScreened(**IDS, hits=["weak_team", "poor_appearance"], screened_by="x", screened_on=DAY, note="")
DESIGNATED = VillageDesignatedWeak(**IDS, criteria=["weak_team"], designated_on=DAY, reason="班子战斗力不强")
PLANNED = RectificationPlanned(
    **IDS, responsible_leader="张志强", work_group=["刘洋"], deadline=dt.date(2026, 11, 30),
    measures=[RectificationMeasure(measure_id=f"m{n}", text=f"措施{n}") for n in (1, 2, 3)],
)  # fmt: skip


def test_designation_needs_a_screening_that_found_the_criteria() -> None:
    with pytest.raises(Conflict, match="尚未排查"):
        WeaknessCase("w").designate(criteria=["weak_team"], designated_on=DAY, reason="r")
    case = WeaknessCase.replay("w", [SCREENED])
    with pytest.raises(Conflict) as exc:
        case.designate(criteria=["acute_conflicts"], designated_on=DAY, reason="r")
    assert exc.value.code == "criteria_not_screened"


def test_acceptance_with_open_measures_is_refused_and_lists_them() -> None:
    case = WeaknessCase.replay("w", [SCREENED, DESIGNATED, PLANNED])
    case.report_progress(measure_id="m1", done=True, note="完成", evidence_upload_ids=[], reported_on=DAY)
    with pytest.raises(Conflict) as exc:
        case.accept(accepted_on=DAY, accepted_by="组织部", note="")
    assert exc.value.code == "open_measures" and exc.value.extra["open_measures"] == ["m2", "m3"]
    with pytest.raises(NotFound):
        case.report_progress(measure_id="m9", done=True, note="", evidence_upload_ids=[], reported_on=DAY)


def test_late_acceptance_is_marked_overdue() -> None:
    done = [
        RectificationProgressed(**IDS, measure_id=f"m{n}", done=True, note="", evidence_upload_ids=[], reported_on=DAY)
        for n in (1, 2, 3)
    ]
    case = WeaknessCase.replay("w", [SCREENED, DESIGNATED, PLANNED, *done])
    case.accept(accepted_on=dt.date(2026, 12, 5), accepted_by="组织部", note="")
    (accepted,) = [p.event for p in case.take_pending()]
    assert isinstance(accepted, RectificationAccepted) and accepted.overdue


@given(st.lists(st.tuples(st.sampled_from(["m1", "m2", "m3", "accept"]), st.booleans()), max_size=20))
def test_no_acceptance_while_a_measure_is_open(steps) -> None:
    case = WeaknessCase.replay("w", [SCREENED, DESIGNATED, PLANNED])
    history: list = []
    for target, done in steps:
        try:
            if target == "accept":
                case.accept(accepted_on=DAY, accepted_by="组织部", note="")
            else:
                case.report_progress(measure_id=target, done=done, note="", evidence_upload_ids=[], reported_on=DAY)
        except Conflict:
            pass
        history += [p.event for p in case.take_pending()]
    for n, event in enumerate(history):
        if isinstance(event, RectificationAccepted):
            closed = {e.measure_id for e in history[:n] if isinstance(e, RectificationProgressed) and e.done}
            assert closed == {"m1", "m2", "m3"}
    assert sum(isinstance(e, RectificationAccepted) for e in history) <= 1
