"""Twins of a report: given events → join or merge → events or a refusal with a stable code."""

from __future__ import annotations

import datetime as dt

import pytest

from grassroots_common.contracts.grid import ReportEscalated, ReportFiled, ReportJoined, ReportMerged, ResolvedInGrid
from grassroots_common.errors import Conflict, Invalid, NotFound
from grid.domain.report import Report

T0 = dt.datetime(2026, 11, 18, 1, 0, tzinfo=dt.UTC)

REPORT_1 = {"report_id": "rpt_1", "community_id": "com_1", "grid_id": "grd_1"}


def filed(report_id: str = "rpt_1", **changes: object) -> ReportFiled:
    values: dict = {
        "report_id": report_id,
        "community_id": "com_1",
        "grid_id": "grd_1",
        "reporter_id": "gm_1",
        "reporter_name": "王网格",
        "category": "sanitation",
        "text": "东大街垃圾堆积",
        "address": "东大街 12 号",
        "latitude": 34.5213,
        "longitude": 107.3926,
        "filed_at": T0,
    }
    values.update(changes)
    return ReportFiled(**values)


def joined(person_id: str = "gm_2") -> ReportJoined:
    return ReportJoined(
        **REPORT_1,
        person_id=person_id,
        person_name="李网格",
        joined_at=T0,
    )


def resolved(at: dt.datetime) -> ResolvedInGrid:
    return ResolvedInGrid(
        **REPORT_1,
        resolution="已清运",
        resolved_by="gm_1",
        resolved_at=at,
    )


def raised(r: Report) -> list:
    return [p.event for p in r.take_pending()]


def join(r: Report, person_id: str = "gm_2", *, now: dt.datetime = T0, closed: dt.datetime | None = None) -> None:
    r.join(person_id=person_id, person_name="李网格", note=" 又看到了 ", ticket_closed_at=closed, now=now)


def test_a_second_person_joins_an_open_report() -> None:
    r = Report.replay("rpt_1", [filed()])
    join(r)
    [event] = raised(r)
    assert isinstance(event, ReportJoined)
    assert (event.person_id, event.person_name, event.note, event.via) == ("gm_2", "李网格", "又看到了", "join")
    assert r.co_reporters == {"gm_2": "李网格"}


def test_joining_twice_is_refused_with_its_code() -> None:
    r = Report.replay("rpt_1", [filed(), joined()])
    with pytest.raises(Conflict) as refused:
        join(r)
    assert refused.value.code == "already_joined"
    assert raised(r) == []


def test_the_reporter_does_not_join_their_own_report() -> None:
    r = Report.replay("rpt_1", [filed()])
    with pytest.raises(Conflict) as refused:
        join(r, "gm_1")
    assert refused.value.code == "own_report"


def test_a_missing_report_is_not_found() -> None:
    with pytest.raises(NotFound):
        join(Report("rpt_x"))


def test_a_report_resolved_within_seven_days_is_joined() -> None:
    r = Report.replay("rpt_1", [filed(), resolved(T0)])
    join(r, now=T0 + dt.timedelta(days=7))
    assert len(raised(r)) == 1


def test_a_report_resolved_more_than_seven_days_ago_is_refused() -> None:
    r = Report.replay("rpt_1", [filed(), resolved(T0)])
    with pytest.raises(Conflict) as refused:
        join(r, now=T0 + dt.timedelta(days=7, seconds=1))
    assert refused.value.code == "report_closed_long_ago"


def test_a_ticket_closed_more_than_seven_days_ago_closes_the_report_for_joining() -> None:
    escalated = ReportEscalated(
        **REPORT_1,
        category="sanitation",
        urgency="normal",
        reason="需部门处理",
        escalated_by="gm_1",
        escalated_at=T0,
    )
    r = Report.replay("rpt_1", [filed(), escalated])
    with pytest.raises(Conflict) as refused:
        join(r, now=T0 + dt.timedelta(days=9), closed=T0 + dt.timedelta(days=1))
    assert refused.value.code == "report_closed_long_ago"
    join(r, now=T0 + dt.timedelta(days=9), closed=T0 + dt.timedelta(days=3))
    assert len(raised(r)) == 1


def merged_into(into: str = "rpt_1") -> ReportMerged:
    return ReportMerged(
        report_id="rpt_2",
        community_id="com_1",
        grid_id="grd_1",
        into_report_id=into,
        reporter_id="gm_2",
        reporter_name="李网格",
        merged_by="ca_1",
        merged_at=T0,
    )


def merge(d: Report, kept: Report, *, has_ticket: bool = False) -> None:
    d.merge_into(kept, has_ticket=has_ticket, kept_ticket_closed_at=None, by="ca_1", now=T0)


def test_a_duplicate_is_merged_and_its_reporter_joins_the_kept_report() -> None:
    kept = Report.replay("rpt_1", [filed()])
    d = Report.replay("rpt_2", [filed("rpt_2", reporter_id="gm_2", reporter_name="李网格")])
    merge(d, kept)
    [event] = raised(d)
    assert isinstance(event, ReportMerged)
    assert (event.into_report_id, event.reporter_id) == ("rpt_1", "gm_2")
    assert d.state == "merged"
    kept.join(person_id="gm_2", person_name="李网格", ticket_closed_at=None, now=T0, merged_report_id="rpt_2")
    [join_event] = raised(kept)
    assert (join_event.via, join_event.merged_report_id) == ("merge", "rpt_2")
    # The same reporter merged again (or already a co-reporter) is no change, not a refusal.
    kept.join(person_id="gm_2", person_name="李网格", ticket_closed_at=None, now=T0, merged_report_id="rpt_3")
    assert raised(kept) == []


@pytest.mark.parametrize(
    ("duplicate", "kept_events", "code"),
    [
        ([filed("rpt_2", category="roads")], [filed()], "category_mismatch"),
        ([filed("rpt_2", community_id="com_2")], [filed()], "community_mismatch"),
        ([filed("rpt_2"), merged_into("rpt_9")], [filed()], "report_already_merged"),
        (
            [filed("rpt_2")],
            [filed(), ReportMerged(**{**merged_into("rpt_8").model_dump(), "report_id": "rpt_1"})],
            "target_merged",
        ),
    ],
)
def test_merges_refused(duplicate: list, kept_events: list, code: str) -> None:
    d = Report.replay("rpt_2", duplicate)
    with pytest.raises(Conflict) as refused:
        merge(d, Report.replay("rpt_1", kept_events))
    assert refused.value.code == code
    assert raised(d) == []


def test_merging_into_itself_is_invalid() -> None:
    d = Report.replay("rpt_2", [filed("rpt_2")])
    with pytest.raises(Invalid) as refused:
        merge(d, Report.replay("rpt_2", [filed("rpt_2")]))
    assert refused.value.code == "merge_into_itself"


def test_a_duplicate_with_a_ticket_is_not_merged() -> None:
    d = Report.replay("rpt_2", [filed("rpt_2")])
    with pytest.raises(Conflict) as refused:
        merge(d, Report.replay("rpt_1", [filed()]), has_ticket=True)
    assert refused.value.code == "duplicate_has_ticket"


def test_merging_again_into_the_same_report_is_no_change() -> None:
    d = Report.replay("rpt_2", [filed("rpt_2"), merged_into("rpt_1")])
    merge(d, Report.replay("rpt_1", [filed()]))
    assert raised(d) == []


def test_a_merged_duplicate_is_handled_no_further() -> None:
    d = Report.replay("rpt_2", [filed("rpt_2"), merged_into("rpt_1")])
    with pytest.raises(Conflict) as refused:
        d.escalate(reason="需处理", by="gm_1", now=T0)
    assert refused.value.code == "report_merged"
    with pytest.raises(Conflict) as refused:
        join(d, "gm_3")
    assert refused.value.code == "report_merged"
