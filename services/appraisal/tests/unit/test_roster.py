"""Roster: duplicates refused, the Excel import reports per row, people who leave drop out."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from appraisal.domain.roster import NewPerson, Roster
from appraisal.roster_sheet import read_roster_sheet
from grassroots_common.contracts.appraisal import PersonEnrolled, ReviewingChain, RosterImported, SectionDefined
from grassroots_common.errors import Conflict, Invalid

TODAY = dt.date(2026, 11, 18)
ID_A = "610322198604120017"


def roster() -> Roster:
    r = Roster("roster-u1")
    r.register(unit_id="u1", unit_name="凤翔区委组织部")
    r.define_section(section_id="u1-s1", section_name="组织科")
    r.enroll(NewPerson("boss", "赵国强", None, "部长", dt.date(1975, 1, 2), None, ReviewingChain()), today=TODAY)
    r.enroll(
        NewPerson("p1", "王芳", "u1-s1", "科员", dt.date(1990, 5, 6), ID_A, ReviewingChain(principal_leader_id="boss")),
        today=TODAY,
    )
    r.take_pending()
    return r


def test_same_name_and_birth_date_is_a_duplicate() -> None:
    r = roster()
    with pytest.raises(Conflict) as err:
        r.enroll(NewPerson("p2", "王芳", None, "科员", dt.date(1990, 5, 6), None, ReviewingChain()), today=TODAY)
    assert err.value.code == "duplicate_person"
    # Same name, another birth date: a different person.
    r.enroll(NewPerson("p2", "王芳", None, "科员", dt.date(1992, 5, 6), None, ReviewingChain()), today=TODAY)


def test_same_id_number_is_a_duplicate_even_under_another_name() -> None:
    r = roster()
    with pytest.raises(Conflict) as err:
        r.enroll(NewPerson("p3", "王小芳", None, "科员", None, ID_A.lower(), ReviewingChain()), today=TODAY)
    assert err.value.code == "duplicate_person"


def test_who_left_is_not_in_the_next_quarter() -> None:
    r = roster()
    assert [p.person_id for p in r.active_participants()] == ["p1"]
    r.leave(person_id="p1", reason="retirement", left_on=TODAY)
    assert r.active_participants() == []
    with pytest.raises(Conflict):
        r.leave(person_id="p1", reason="retirement", left_on=TODAY)


def sheet(rows: list[list[object]]) -> bytes:
    book = Workbook()
    ws = book.active
    ws.append(
        ["人员编号", "姓名", "股室", "职务", "出生日期", "身份证号", "股组长编号", "分管领导编号", "主要领导编号"]
    )
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_import_enrolls_good_rows_and_reports_the_others_by_row() -> None:
    content = sheet(
        [
            ["c1", "孙丽", "干部科", "股长", dt.date(1985, 3, 1), None, None, None, "boss"],
            # a reviewer listed further down the sheet is fine
            ["s1", "李明", "干部科", "科员", "1991-07-08", None, "c1", "d1", "boss"],
            ["d1", "钱卫东", None, "副部长", "1978-02-03", None, None, None, "boss"],
            ["s2", "王芳", "组织科", "科员", "1990-05-06", None, None, None, "boss"],  # duplicate of p1
            ["s3", "周强", "组织科", "科员", "1990-13-40", None, None, None, "boss"],  # bad date
            ["s4", "", "组织科", "科员", None, "123", None, None, "boss"],  # no name, bad id number
            ["c1", "孙丽丽", "组织科", "科员", None, None, None, None, "boss"],  # id repeated in sheet
            ["s5", "吴敏", "组织科", "科员", None, None, "ghost", None, "boss"],  # unknown reviewer
        ]
    )
    rows, errors = read_roster_sheet(content)
    r = roster()
    all_errors = r.import_rows(file_name="roster.xlsx", rows=rows, errors=errors, today=TODAY)
    events = [p.event for p in r.take_pending()]
    assert [e.section_name for e in events if isinstance(e, SectionDefined)] == ["干部科"]
    assert sorted(e.person_id for e in events if isinstance(e, PersonEnrolled)) == ["c1", "d1", "s1"]
    summary = events[-1]
    assert isinstance(summary, RosterImported)
    assert (summary.rows_total, summary.rows_enrolled, summary.rows_rejected) == (8, 3, 5)
    by_row = {(e.row, e.code) for e in all_errors}
    assert {
        (5, "duplicate_person"),
        (6, "birth_date_invalid"),
        (7, "required"),
        (7, "id_number_invalid"),
        (8, "duplicate_in_sheet"),
        (9, "reviewer_unknown"),
    } == by_row


def test_a_file_that_is_not_a_spreadsheet_is_refused() -> None:
    with pytest.raises(Invalid) as err:
        read_roster_sheet(b"PK\x03\x04 not really")
    assert err.value.code == "sheet_unreadable"


def test_details_are_corrected_and_a_correction_that_duplicates_someone_is_refused() -> None:
    r = roster()
    r.enroll(NewPerson("p2", "李强", None, "科员", dt.date(1992, 5, 6), None, ReviewingChain()), today=TODAY)
    r.take_pending()
    with pytest.raises(Conflict) as err:
        r.change_details(
            person_id="p2", person_name="王芳", position="科员", birth_date=dt.date(1990, 5, 6), id_number=None
        )
    assert err.value.code == "duplicate_person"
    with pytest.raises(Conflict) as err:
        r.change_details(person_id="p2", person_name="李强", position="科员", birth_date=None, id_number=ID_A)
    assert err.value.code == "duplicate_person"
    r.change_details(person_id="p2", person_name="李小强", position="四级主任科员", birth_date=None, id_number=None)
    [event] = [p.event for p in r.take_pending()]
    assert (event.person_name, event.position, event.id_number_digest) == ("李小强", "四级主任科员", None)
    assert r.people["p2"].person_name == "李小强"
    r.leave(person_id="p2", reason="retirement", left_on=TODAY)
    with pytest.raises(Conflict) as err:
        r.change_details(person_id="p2", person_name="李小强", position="", birth_date=None, id_number=None)
    assert err.value.code == "already_left"


def test_template_has_the_headers_the_import_reads() -> None:
    from openpyxl import load_workbook

    from appraisal.roster_sheet import COLUMNS, column_title, template_workbook

    book = load_workbook(io.BytesIO(template_workbook()))
    assert [c.value for c in book["花名册"][1]] == list(COLUMNS.values())
    assert read_roster_sheet(template_workbook()) == ([], [])
    assert (column_title("person_name"), column_title("section"), column_title("deputy_leader_id")) == (
        "姓名",
        "股室",
        "分管领导编号",
    )
