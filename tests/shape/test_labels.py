"""A code's Chinese label is written once, beside the code in its contract, and the web app's label
tables say the same: every code of the ``Literal`` has a label and no label names a code that is
not there, and the app reads each code as the services write it in documents and archives."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import get_args

import pytest

from grassroots_common.contracts import appraisal, grid, village
from grid.domain.ticket import STATE_NAMES

ROOT = Path(__file__).resolve().parents[2]
LABELS_JS = ROOT / "apps" / "web" / "lib" / "labels.js"

CONTRACT_LABELS = [
    (appraisal.ReviewLevel, appraisal.REVIEW_LEVEL_NAMES),
    (appraisal.ResultUseKind, appraisal.RESULT_USE_NAMES),
    (grid.RevisitAnswer, grid.REVISIT_ANSWER_NAMES),
    (village.DevelopmentModel, village.DEVELOPMENT_MODEL_NAMES),
    (village.FundingSource, village.FUNDING_SOURCE_NAMES),
]


@pytest.mark.parametrize(("codes", "names"), CONTRACT_LABELS, ids=lambda x: getattr(x, "__name__", ""))
def test_every_code_of_a_contract_has_one_label(codes: object, names: dict[str, str]) -> None:
    assert list(names) == list(get_args(codes))
    assert all(label and label.strip() == label for label in names.values())


def test_review_levels_are_the_literal_in_order() -> None:
    assert appraisal.REVIEW_LEVELS == ("section_chief", "deputy_leader", "principal_leader")


def js_table(name: str) -> dict[str, str]:
    """One ``export const NAME = {...};`` of labels.js as codes to labels (the label of a
    ``[label, tone]`` pair)."""
    text = LABELS_JS.read_text(encoding="utf-8")
    found = re.search(rf"export const {name} = (\{{.*?\}});", text, re.S)
    assert found, f"labels.js has no table {name}"
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
        ("TICKET_STATES", STATE_NAMES),
    ],
)
def test_the_web_app_reads_each_code_as_the_services_write_it(table: str, names: dict[str, str]) -> None:
    assert js_table(table) == names
