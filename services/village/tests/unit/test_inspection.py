"""Inspections: scores cover the checklist within range; findings close once, with evidence."""

from __future__ import annotations

import datetime as dt

import pytest

from grassroots_common.contracts.village import Finding, InspectionRecorded
from grassroots_common.errors import Conflict, Invalid
from village.domain.inspection import Inspection
from village.domain.policy import DEFAULT_CHECKLIST

DAY = dt.date(2026, 4, 10)
TODAY = dt.date(2026, 6, 1)
FULL = {a.aspect_id: a.max_score for a in DEFAULT_CHECKLIST}


def record(i: Inspection, scores: dict[str, int], findings: list[Finding] = ()) -> int:
    return i.record(
        round_id="r1", team_id="team-1", town_id="t", village_id="v", checklist=DEFAULT_CHECKLIST,
        inspected_on=DAY, scores=scores, findings=list(findings),
    )  # fmt: skip


def test_default_checklist_has_seven_aspects_worth_100() -> None:
    assert len(DEFAULT_CHECKLIST) == 7 and sum(a.max_score for a in DEFAULT_CHECKLIST) == 100


def test_scores_must_cover_the_checklist_within_range() -> None:
    with pytest.raises(Invalid) as exc:
        record(Inspection("i"), {"environment": 10})
    assert exc.value.code == "aspects_mismatch"
    with pytest.raises(Invalid):
        record(Inspection("i"), {**FULL, "rooms": 16})
    i = Inspection("i")
    assert record(i, {**FULL, "rooms": 10}) == 95
    with pytest.raises(Conflict):
        record(i, FULL)


def test_finding_closes_once_with_evidence_and_lateness_is_recorded() -> None:
    finding = Finding(finding_id="f1", aspect_id="rooms", text="部室标识不规范", deadline=dt.date(2026, 5, 10))
    i = Inspection("i")
    record(i, FULL, [finding])
    i.take_pending()
    with pytest.raises(Invalid):
        i.close_finding(finding_id="f1", closed_on=DAY, note="", evidence_upload_ids=[], today=TODAY)
    i.close_finding(
        finding_id="f1", closed_on=dt.date(2026, 5, 12), note="已整改", evidence_upload_ids=["upl_1"], today=TODAY
    )
    (closed,) = [p.event for p in i.take_pending()]
    assert closed.overdue and closed.town_id == "t"
    with pytest.raises(Conflict):
        i.close_finding(finding_id="f1", closed_on=DAY, note="", evidence_upload_ids=["upl_1"], today=TODAY)
    replayed = Inspection.replay("i", [InspectionRecorded(**i.recorded.model_dump()), closed])
    assert replayed.open_findings == {}


def test_a_finding_is_closed_on_a_day_that_has_happened_since_the_inspection() -> None:
    finding = Finding(finding_id="f1", aspect_id="rooms", text="部室标识不规范", deadline=dt.date(2026, 5, 10))
    i = Inspection("i")
    record(i, FULL, [finding])
    i.take_pending()
    with pytest.raises(Invalid) as future:
        i.close_finding(
            finding_id="f1", closed_on=dt.date(2026, 6, 2), note="已整改", evidence_upload_ids=["upl_1"], today=TODAY
        )
    assert (future.value.code, future.value.field) == ("closed_in_future", "closed_on")
    assert "2026-06-01" in future.value.message
    with pytest.raises(Invalid) as early:
        i.close_finding(
            finding_id="f1", closed_on=dt.date(2026, 4, 9), note="已整改", evidence_upload_ids=["upl_1"], today=TODAY
        )
    assert early.value.code == "closed_before_inspection"
    with pytest.raises(Invalid) as photo:
        i.close_finding(finding_id="f1", closed_on=TODAY, note="已整改", evidence_upload_ids=[], today=TODAY)
    assert photo.value.code == "evidence_required" and "照片" in photo.value.message
    i.close_finding(finding_id="f1", closed_on=TODAY, note="已整改", evidence_upload_ids=["upl_1"], today=TODAY)
    assert i.open_findings == {}
