"""The roster, handler by handler: units, sections, deadlines, people, the sheet's import."""

from __future__ import annotations

import datetime as dt

import pytest

from appraisal import handlers
from appraisal.domain.roster import NewPerson, SheetRow, id_number_digest, roster_stream_id
from grassroots_common.auth import Principal
from grassroots_common.contracts import appraisal as appraisal_events
from grassroots_common.specification import Specification
from grassroots_common.workdays import CHINA

from .given import ADMIN, CHAIN, DISTRICT, LEADERS_CHAIN, OTHER_ADMIN, STAFF, roster, unit, who

ROSTER = roster_stream_id("u1")
# 23:30 UTC on the 22nd is already the 23rd in Beijing: the roster's dates are China's.
LATE_EVENING_UTC = dt.datetime(2026, 11, 22, 23, 30, tzinfo=dt.UTC)
NOON = dt.datetime(2026, 11, 23, 12, tzinfo=CHINA)


def newcomer(person_id: str = "p3", **changes: object) -> NewPerson:
    fields: dict = {
        "person_id": person_id,
        "person_name": "郑强",
        "section_id": "s1",
        "position": "科员",
        "birth_date": dt.date(1995, 3, 8),
        "id_number": "110101199503080022",
        "chain": CHAIN,
    }
    return NewPerson(**{**fields, **changes})


def leaving(
    person_id: str = "p2", reason: str = "transfer", on: dt.date = dt.date(2026, 11, 20)
) -> handlers.PersonLeft:
    """The command recording that ``person_id`` left the unit u1."""
    return handlers.PersonLeft(unit_id="u1", person_id=person_id, reason=reason, left_on=on)


def chain_of_p1(chain: appraisal_events.ReviewingChain) -> handlers.ChangeChain:
    """The command giving p1, in section s1, the reviewing ``chain``."""
    return handlers.ChangeChain(unit_id="u1", person_id="p1", section_id="s1", chain=chain)


async def test_the_district_registers_a_unit() -> None:
    spec = Specification(at=NOON)
    outcome = await spec.when(
        handlers.register_unit, handlers.RegisterUnit(unit_id="u1", unit_name="示范局"), as_=DISTRICT
    )
    assert outcome.events == [appraisal_events.UnitRegistered(unit_id="u1", unit_name="示范局")]
    assert outcome.answer.stream_id == ROSTER


async def test_a_unit_is_registered_once() -> None:
    spec = Specification(at=NOON)
    await spec.given(ROSTER, *unit())
    outcome = await spec.when(
        handlers.register_unit, handlers.RegisterUnit(unit_id="u1", unit_name="另一个局"), as_=DISTRICT
    )
    outcome.refused("unit_exists")


async def test_a_unit_administrator_does_not_register_units() -> None:
    spec = Specification(at=NOON)
    outcome = await spec.when(handlers.register_unit, handlers.RegisterUnit(unit_id="u3", unit_name="新局"), as_=ADMIN)
    outcome.refused("role_required")


async def test_the_administrator_defines_a_section() -> None:
    spec = Specification(at=NOON)
    await spec.given(ROSTER, *unit())
    command = handlers.DefineSection(unit_id="u1", section_id="s2", section_name="业务股")
    outcome = await spec.when(handlers.define_section, command, as_=ADMIN)
    assert outcome.events == [appraisal_events.SectionDefined(unit_id="u1", section_id="s2", section_name="业务股")]


@pytest.mark.parametrize(
    ("section_name", "principal", "code"),
    [
        pytest.param("办公室", ADMIN, "section_name_taken", id="a section name is the unit's once"),
        pytest.param("业务股", OTHER_ADMIN, "other_unit", id="an administrator defines no section of another unit"),
    ],
)
async def test_a_section_is_refused(section_name: str, principal: Principal, code: str) -> None:
    spec = Specification(at=NOON)
    await spec.given(ROSTER, *unit())
    command = handlers.DefineSection(unit_id="u1", section_id="s2", section_name=section_name)
    outcome = await spec.when(handlers.define_section, command, as_=principal)
    outcome.refused(code)


async def test_a_section_of_a_unit_not_registered_is_refused() -> None:
    spec = Specification(at=NOON)
    command = handlers.DefineSection(unit_id="u1", section_id="s1", section_name="办公室")
    outcome = await spec.when(handlers.define_section, command, as_=ADMIN)
    outcome.refused("unit_not_found")


async def test_the_administrator_sets_the_deadlines_and_the_same_again_appends_nothing() -> None:
    spec = Specification(at=NOON)
    await spec.given(ROSTER, *unit())
    deadlines = appraisal_events.SubmissionDeadlines(log_weekday=2, log_hour=18, summary_day=3, summary_hour=12)
    first = await spec.when(
        handlers.configure_deadlines, handlers.ConfigureDeadlines(unit_id="u1", deadlines=deadlines), as_=ADMIN
    )
    assert first.events == [appraisal_events.DeadlinesConfigured(unit_id="u1", deadlines=deadlines)]
    assert first.answer.data == {"log_weekday": 2, "log_hour": 18, "summary_day": 3, "summary_hour": 12}
    again = await spec.when(
        handlers.configure_deadlines, handlers.ConfigureDeadlines(unit_id="u1", deadlines=deadlines), as_=ADMIN
    )
    assert again.events == [] and again.answer.data == first.answer.data


async def test_the_district_does_not_set_a_units_deadlines() -> None:
    spec = Specification(at=NOON)
    await spec.given(ROSTER, *unit())
    command = handlers.ConfigureDeadlines(unit_id="u1", deadlines=appraisal_events.SubmissionDeadlines(log_hour=9))
    outcome = await spec.when(handlers.configure_deadlines, command, as_=DISTRICT)
    outcome.refused("role_required")


async def test_the_administrator_enrolls_a_person_on_chinas_date() -> None:
    spec = Specification(at=LATE_EVENING_UTC)
    await spec.given(ROSTER, *roster())
    outcome = await spec.when(handlers.enroll_person, handlers.EnrollPerson(unit_id="u1", person=newcomer()), as_=ADMIN)
    (event,) = outcome.events
    assert isinstance(event, appraisal_events.PersonEnrolled)
    assert (event.person_id, event.person_name, event.section_id, event.chain) == ("p3", "郑强", "s1", CHAIN)
    assert event.id_number_digest == id_number_digest("110101199503080022")
    assert event.enrolled_on == dt.date(2026, 11, 23)
    assert outcome.answer.data == {"person_id": "p3"}


@pytest.mark.parametrize(
    ("person", "principal", "code"),
    [
        pytest.param(
            newcomer(person_name="王小芳", id_number="110101199005010011"),  # p1's
            ADMIN,
            "duplicate_person",
            id="the same id number is not enrolled twice",
        ),
        pytest.param(
            newcomer(chain=appraisal_events.ReviewingChain(section_chief_id="ghost", principal_leader_id="boss")),
            ADMIN,
            "reviewer_unknown",
            id="a reviewer must be on the roster",
        ),
        pytest.param(
            newcomer(),
            who("admin", "陈管理员", "unit_admin", unit=None),
            "unit_scope_missing",
            id="enrolling needs the administrator's unit",
        ),
        pytest.param(newcomer(), STAFF, "role_required", id="a staff member enrolls nobody"),
    ],
)
async def test_an_enrollment_is_refused(person: NewPerson, principal: Principal, code: str) -> None:
    spec = Specification(at=NOON)
    await spec.given(ROSTER, *roster())
    outcome = await spec.when(handlers.enroll_person, handlers.EnrollPerson(unit_id="u1", person=person), as_=principal)
    outcome.refused(code)


def row(number: int, person_id: str, name: str, section: str | None, chief: str | None) -> SheetRow:
    return SheetRow(
        row=number,
        person_id=person_id,
        person_name=name,
        section_name=section,
        position="科员",
        birth_date=None,
        id_number=None,
        section_chief_id=chief,
        deputy_leader_id=None,
        principal_leader_id="boss",
    )


async def test_an_import_creates_its_sections_enrolls_reviewers_listed_below_and_reports_the_rest() -> None:
    spec = Specification(at=NOON)
    await spec.given(ROSTER, *roster())
    sheet_error = appraisal_events.ImportRowError(
        row=5, field="person_name", code="name_missing", message="姓名不能为空"
    )
    rows = [
        row(2, "p4", "钱进", "业务股", "c9"),  # the chief of row 3, further down
        row(3, "c9", "冯股长", "业务股", None),
        row(4, "p5", "陈晨", "业务股", "nobody"),
    ]
    command = handlers.ImportRoster(unit_id="u1", file_name="花名册.xlsx", rows=rows, errors=[sheet_error])
    outcome = await spec.when(handlers.import_roster, command, as_=ADMIN)
    section, *people, imported = outcome.events
    assert section == appraisal_events.SectionDefined(unit_id="u1", section_id="u1-s2", section_name="业务股")
    assert [(p.person_id, p.section_id) for p in people] == [("c9", "u1-s2"), ("p4", "u1-s2")]
    assert isinstance(imported, appraisal_events.RosterImported)
    assert (imported.rows_total, imported.rows_enrolled, imported.rows_rejected) == (4, 2, 2)
    assert [(e.row, e.code) for e in imported.errors] == [(4, "reviewer_unknown"), (5, "name_missing")]
    assert [(e["row"], e["column"]) for e in outcome.answer.data["errors"]] == [(4, "股组长编号"), (5, "姓名")]


async def test_an_administrator_imports_no_other_units_roster() -> None:
    spec = Specification(at=NOON)
    await spec.given(ROSTER, *roster())
    command = handlers.ImportRoster(
        unit_id="u1", file_name="花名册.xlsx", rows=[row(2, "p4", "钱进", None, None)], errors=[]
    )
    outcome = await spec.when(handlers.import_roster, command, as_=OTHER_ADMIN)
    outcome.refused("other_unit")


async def test_the_administrator_changes_a_persons_chain() -> None:
    spec = Specification(at=NOON)
    await spec.given(ROSTER, *roster())
    chain = appraisal_events.ReviewingChain(
        section_chief_id="chief2", deputy_leader_id="deputy", principal_leader_id="boss"
    )
    outcome = await spec.when(handlers.change_chain, chain_of_p1(chain), as_=ADMIN)
    assert outcome.events == [
        appraisal_events.ReviewingChainChanged(
            unit_id="u1", person_id="p1", person_name="王芳", section_id="s1", chain=chain
        )
    ]


async def test_a_chain_names_reviewers_of_the_roster() -> None:
    spec = Specification(at=NOON)
    await spec.given(ROSTER, *roster())
    chain = appraisal_events.ReviewingChain(section_chief_id="ghost")
    outcome = await spec.when(handlers.change_chain, chain_of_p1(chain), as_=ADMIN)
    outcome.refused("reviewer_unknown")


async def test_the_chain_of_someone_not_on_the_roster_is_refused() -> None:
    spec = Specification(at=NOON)
    await spec.given(ROSTER, *roster())
    command = handlers.ChangeChain(unit_id="u1", person_id="p7", section_id=None, chain=CHAIN)
    outcome = await spec.when(handlers.change_chain, command, as_=ADMIN)
    outcome.refused("person_not_found")


def details(person_id: str = "p2", **changes: object) -> handlers.ChangePersonDetails:
    fields: dict = {
        "unit_id": "u1",
        "person_id": person_id,
        "person_name": "刘阳",
        "position": "副主任科员",
        "birth_date": dt.date(1992, 7, 1),
        "id_number": None,
    }
    return handlers.ChangePersonDetails(**{**fields, **changes})


async def test_the_administrator_corrects_a_persons_details() -> None:
    spec = Specification(at=NOON)
    await spec.given(ROSTER, *roster())
    outcome = await spec.when(handlers.change_person_details, details(), as_=ADMIN)
    assert outcome.events == [
        appraisal_events.PersonDetailsChanged(
            unit_id="u1",
            person_id="p2",
            person_name="刘阳",
            position="副主任科员",
            birth_date=dt.date(1992, 7, 1),
            id_number_digest=None,
        )
    ]


async def test_corrected_details_may_not_duplicate_someone_else() -> None:
    spec = Specification(at=NOON)
    await spec.given(ROSTER, *roster())
    outcome = await spec.when(
        handlers.change_person_details, details(person_name="王芳", birth_date=dt.date(1990, 5, 1)), as_=ADMIN
    )
    outcome.refused("duplicate_person")


async def test_the_details_of_someone_who_left_stay_as_they_were() -> None:
    spec = Specification(at=NOON)
    await spec.given(ROSTER, *roster())
    await spec.when(handlers.person_left, leaving(), as_=ADMIN)
    outcome = await spec.when(handlers.change_person_details, details(), as_=ADMIN)
    outcome.refused("already_left")


async def test_the_administrator_records_that_a_person_left() -> None:
    spec = Specification(at=NOON)
    await spec.given(ROSTER, *roster())
    outcome = await spec.when(handlers.person_left, leaving(reason="retirement"), as_=ADMIN)
    assert outcome.events == [
        appraisal_events.PersonLeft(
            unit_id="u1", person_id="p2", person_name="刘洋", reason="retirement", left_on=dt.date(2026, 11, 20)
        )
    ]


async def test_a_person_leaves_once() -> None:
    spec = Specification(at=NOON)
    await spec.given(ROSTER, *roster())
    await spec.when(handlers.person_left, leaving(), as_=ADMIN)
    outcome = await spec.when(handlers.person_left, leaving(), as_=ADMIN)
    outcome.refused("already_left")


async def test_a_reviewer_who_leaves_is_taken_out_of_the_chains_of_those_they_review() -> None:
    spec = Specification(at=NOON)
    await spec.given(ROSTER, *roster())
    outcome = await spec.when(handlers.person_left, leaving("chief"), as_=ADMIN)
    without_chief = appraisal_events.ReviewingChain(deputy_leader_id="deputy", principal_leader_id="boss")
    assert outcome.events == [
        appraisal_events.PersonLeft(
            unit_id="u1", person_id="chief", person_name="赵股长", reason="transfer", left_on=dt.date(2026, 11, 20)
        ),
        appraisal_events.ReviewingChainChanged(
            unit_id="u1", person_id="p1", person_name="王芳", section_id="s1", chain=without_chief
        ),
        appraisal_events.ReviewingChainChanged(
            unit_id="u1", person_id="p2", person_name="刘洋", section_id="s1", chain=without_chief
        ),
    ]
    assert outcome.answer.data == {
        "chains_changed": [
            {"person_id": "p1", "person_name": "王芳", "without_reviewer": False},
            {"person_id": "p2", "person_name": "刘洋", "without_reviewer": False},
        ]
    }


async def test_someone_whose_only_reviewer_left_is_named_as_without_one() -> None:
    spec = Specification(at=NOON)
    await spec.given(ROSTER, *roster())
    outcome = await spec.when(handlers.person_left, leaving("boss", reason="retirement"), as_=ADMIN)
    changed = {e.person_id: e.chain for e in outcome.events if isinstance(e, appraisal_events.ReviewingChainChanged)}
    assert changed == {
        "deputy": appraisal_events.ReviewingChain(),
        "chief": appraisal_events.ReviewingChain(deputy_leader_id="deputy"),
        "chief2": appraisal_events.ReviewingChain(deputy_leader_id="deputy"),
        "p1": appraisal_events.ReviewingChain(section_chief_id="chief", deputy_leader_id="deputy"),
        "p2": appraisal_events.ReviewingChain(section_chief_id="chief", deputy_leader_id="deputy"),
    }
    without = [c["person_name"] for c in outcome.answer.data["chains_changed"] if c["without_reviewer"]]
    assert without == ["张副局长"]


async def test_people_who_left_keep_their_chains_as_they_were() -> None:
    spec = Specification(at=NOON)
    await spec.given(ROSTER, *roster())
    await spec.when(handlers.person_left, leaving(on=dt.date(2026, 11, 19)), as_=ADMIN)
    outcome = await spec.when(handlers.person_left, leaving("chief"), as_=ADMIN)
    assert [e.person_id for e in outcome.events if isinstance(e, appraisal_events.ReviewingChainChanged)] == ["p1"]


async def test_an_administrator_records_no_departure_in_another_unit() -> None:
    spec = Specification(at=NOON)
    await spec.given(ROSTER, *roster())
    outcome = await spec.when(handlers.person_left, leaving(), as_=OTHER_ADMIN)
    outcome.refused("other_unit")


def chief2_left() -> appraisal_events.PersonLeft:
    return appraisal_events.PersonLeft(
        unit_id="u1", person_id="chief2", person_name="孙股长", reason="transfer", left_on=dt.date(2026, 11, 20)
    )


async def test_someone_who_left_reviews_nobody_new() -> None:
    spec = Specification(at=NOON)
    await spec.given(ROSTER, *roster(), chief2_left())
    chain = appraisal_events.ReviewingChain(
        section_chief_id="chief2", deputy_leader_id="deputy", principal_leader_id="boss"
    )
    outcome = await spec.when(handlers.change_chain, chain_of_p1(chain), as_=ADMIN)
    outcome.refused("reviewer_left")
    outcome = await spec.when(
        handlers.enroll_person, handlers.EnrollPerson(unit_id="u1", person=newcomer(chain=chain)), as_=ADMIN
    )
    outcome.refused("reviewer_left")


async def test_the_chain_of_someone_who_left_stays_as_it_was() -> None:
    spec = Specification(at=NOON)
    await spec.given(ROSTER, *roster(), chief2_left())
    command = handlers.ChangeChain(unit_id="u1", person_id="chief2", section_id="s1", chain=LEADERS_CHAIN)
    outcome = await spec.when(handlers.change_chain, command, as_=ADMIN)
    outcome.refused("already_left")
