"""A code's Chinese label is written once, beside the code in its contract, and the web app's label
tables say the same: every code of the ``Literal`` has a label and no label names a code that is
not there, and the app reads each code as the services write it in documents and archives."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import get_args

import pytest

from appraisal import workbook
from grassroots_common import auth
from grassroots_common.contracts import appraisal, grid, village
from grassroots_common.specification import recorded
from grid import history as ticket_history
from grid.domain import community, deadlines, wish
from grid.domain.ticket import STATE_NAMES
from reporting import notices
from reporting.projections.tickets import _evolve_ticket, _new_ticket

ROOT = Path(__file__).resolve().parents[2]
AT = dt.datetime(2026, 11, 18, 2, 0, tzinfo=dt.UTC)
LABELS_JS = ROOT / "apps" / "web" / "lib" / "labels.js"
ROLES_JS = ROOT / "apps" / "web" / "lib" / "roles.js"

CONTRACT_LABELS = [
    (appraisal.ReviewLevel, appraisal.REVIEW_LEVEL_NAMES),
    (appraisal.ResultUseKind, appraisal.RESULT_USE_NAMES),
    (grid.RevisitAnswer, grid.REVISIT_ANSWER_NAMES),
    (village.DevelopmentModel, village.DEVELOPMENT_MODEL_NAMES),
    (village.FundingSource, village.FUNDING_SOURCE_NAMES),
    (village.DemonstrationLevel, village.DEMONSTRATION_LEVEL_NAMES),
    (village.CadrePosition, village.CADRE_POSITION_NAMES),
]


@pytest.mark.parametrize(("codes", "names"), CONTRACT_LABELS, ids=lambda x: getattr(x, "__name__", ""))
def test_every_code_of_a_contract_has_one_label(codes: object, names: dict[str, str]) -> None:
    assert list(names) == list(get_args(codes))
    assert all(label and label.strip() == label for label in names.values())


def test_review_levels_are_the_literal_in_order() -> None:
    assert appraisal.REVIEW_LEVELS == ("section_chief", "deputy_leader", "principal_leader")


def js_table(name: str, source: Path = LABELS_JS) -> dict[str, str]:
    """One ``export const NAME = {...};`` of labels.js (or ``source``) as codes to labels (the label
    of a ``[label, tone]`` pair)."""
    text = source.read_text(encoding="utf-8")
    found = re.search(rf"export const {name} = (\{{.*?\}});", text, re.S)
    assert found, f"{source.name} has no table {name}"
    as_json = re.sub(r"([{,]\s*)([a-z_]+):", r'\1"\2":', found.group(1))
    as_json = re.sub(r",(\s*)}", r"\1}", as_json)
    table = json.loads(as_json)
    return {code: label[0] if isinstance(label, list) else label for code, label in table.items()}


@pytest.mark.parametrize(
    ("table", "names"),
    [
        ("RESULT_USE_KINDS", appraisal.RESULT_USE_NAMES),
        ("REVISIT_ANSWERS", grid.REVISIT_ANSWER_NAMES),
        ("DEVELOPMENT_MODELS", village.DEVELOPMENT_MODEL_NAMES),
        ("FUNDING_SOURCES", village.FUNDING_SOURCE_NAMES),
        ("DEMONSTRATION_LEVELS", village.DEMONSTRATION_LEVEL_NAMES),
        ("CADRE_POSITIONS", village.CADRE_POSITION_NAMES),
        ("TICKET_STATES", STATE_NAMES),
        ("TICKET_KINDS", deadlines.KIND_NAMES),
        ("OVERDUE_STAGES", ticket_history.OVERDUE),
        ("QUARTER_STATES", workbook.STATUSES),
        ("NOTICE_KINDS", notices.NOTICE_KINDS),
    ],
)
def test_the_web_app_reads_each_code_as_the_services_write_it(table: str, names: dict[str, str]) -> None:
    assert js_table(table) == names


def test_a_tickets_history_reads_its_revisit_as_the_ticket_does() -> None:
    """The 办理记录 of a ticket says the revisit answer in the words of the ticket's own page."""
    shown = js_table("REVISIT_ANSWERS")
    for code in get_args(grid.RevisitAnswer):
        event = recorded("SatisfactionRecorded", {"ticket_id": "t1", "satisfaction": code}, at=AT)
        described = ticket_history.describe(event)
        assert described is not None and described.detail == grid.REVISIT_ANSWER_NAMES[code] == shown[code]


@pytest.mark.parametrize(
    ("table", "codes"),
    [
        ("RESULT_USE_KINDS", appraisal.ResultUseKind),
        ("INDICATOR_KINDS", appraisal.IndicatorKind),
        ("LEAVE_REASONS", appraisal.PersonLeft.model_fields["reason"].annotation),
        ("REVISIT_ANSWERS", grid.RevisitAnswer),
        ("WISH_SATISFACTION", grid.Satisfaction),
        ("URGENCIES", grid.Urgency),
        ("TICKET_KINDS", grid.TicketKind),
        ("OVERDUE_STAGES", grid.OverdueStage),
        ("DEVELOPMENT_MODELS", village.DevelopmentModel),
        ("FUNDING_SOURCES", village.FundingSource),
        ("DEMONSTRATION_LEVELS", village.DemonstrationLevel),
        ("CADRE_POSITIONS", village.CadrePosition),
        ("WEAKNESS_CRITERIA", village.WeaknessCriterion),
    ],
)
def test_a_web_table_labels_every_code_of_its_literal_and_no_other(table: str, codes: object) -> None:
    labels = js_table(table)
    assert set(labels) == set(get_args(codes))
    assert all(label and label.strip() == label for label in labels.values())


def test_the_web_app_labels_every_state_a_wish_can_be_in() -> None:
    assert set(js_table("WISH_STATES")) == set(wish.WISH_STATES)


def test_the_web_app_names_each_role_as_the_services_do() -> None:
    roles = js_table("ROLE_LABELS", ROLES_JS)
    assert roles == auth.ROLE_NAMES
    assert set(js_table("SCOPE_LABELS", ROLES_JS)) == set(auth.SCOPE_KINDS)
    assert {code: roles[code] for code in get_args(grid.GridRole)} == community.ROLE_NAMES
    assert {code: roles[code] for code in appraisal.REVIEW_LEVELS} == appraisal.REVIEW_LEVEL_NAMES


def test_a_tickets_status_is_the_grids_own_state_through_its_life() -> None:
    """Reporting's copy of a ticket names its status as the grid does, through its whole life, so the
    app reads it with the one table of ticket states."""
    row, seen = _new_ticket("t1"), []
    for kind, data in [
        ("TicketDispatched", {"ticket_id": "t1"}),
        ("TicketAccepted", {"ticket_id": "t1", "on_time": True}),
        ("TicketHandled", {"ticket_id": "t1"}),
        ("TicketReportedBack", {"ticket_id": "t1", "on_time": True}),
        ("TicketVerified", {"ticket_id": "t1", "passed": True}),
        ("TicketClosed", {"ticket_id": "t1"}),
        ("TicketReopened", {"ticket_id": "t1"}),
        ("TicketReturned", {"ticket_id": "t1"}),
    ]:
        _evolve_ticket(row, kind, data)
        seen.append(row["status"])
    assert seen == [
        "dispatched",
        "accepted",
        "handled",
        "reported_back",
        "verified",
        "closed",
        "dispatched",
        "returned",
    ]
    assert set(seen) <= set(STATE_NAMES)
