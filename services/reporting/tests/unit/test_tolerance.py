"""Projections read raw event data: missing or odd fields never raise."""

from __future__ import annotations

import datetime as dt

from reporting import eventdata
from reporting.projections import appraisal, archives, tickets, villages


def test_readers_ignore_what_they_cannot_read() -> None:
    d = {"n": "x", "t": "not a time", "q": 3, "year": 2026, "flag": "yes"}
    assert eventdata.integer(d, "n", "year") == 2026
    assert eventdata.moment(d, "t", "missing") is None
    assert eventdata.moment({"at": "2026-11-18"}, "at") == dt.datetime(2026, 11, 18, tzinfo=dt.UTC)
    assert eventdata.day({"on": "2026-11-18T09:00:00+08:00"}, "on") == dt.date(2026, 11, 18)
    assert eventdata.quarter({"quarter": 3, "year": 2026}) == "2026-Q3"
    assert eventdata.quarter({"quarter": "Q3"}) is None
    assert eventdata.flag(d, "flag") is None


def test_evolve_functions_accept_empty_events() -> None:
    for kind in tickets.TICKET_EVENTS:
        row = tickets._new_ticket("t1")
        tickets._evolve_ticket(row, kind, {})
    for kind in villages.PROJECT_EVENTS:
        villages._evolve_project(villages._new_project("p1"), kind, {})
    villages._evolve_pairing(villages._new_pairing("u", 2026, "v"), "PairingDelivered", {"kind": None})
    for kind in appraisal.QUARTER_PERSON_EVENTS:
        appraisal._evolve_person_quarter(appraisal._new_person_quarter("p", "2026-Q3"), kind, {})
    for kind in appraisal.QUARTER_UNIT_EVENTS:
        appraisal._evolve_unit_quarter(appraisal._new_unit_quarter("u", "2026-Q3"), kind, {"participants": "n/a"})


def test_archive_titles_read_chinese_and_survive_odd_shapes() -> None:
    assert (
        archives._title("person", "ResultApplied", {"kind": "promotion", "basis": "年度优秀"})
        == "结果运用·职级晋升：年度优秀"
    )
    assert "10,000.00 元" in archives._title("village", "ProjectFunded", {"source": "fiscal", "amount_fen": 1_000_000})
    assert archives._title("village", "InspectionRecorded", {"findings": 5}) == "InspectionRecorded"
