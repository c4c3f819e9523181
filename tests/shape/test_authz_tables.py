"""Every service decides who may do what by one table of actions: each action the table names is
asked for by the service's code, and each action the code asks for is in the table (a name not in
it would fail at the first request, as a 500)."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("appraisal", "grid", "village", "reporting")
ACTION = r'"([a-z_]+\.[a-z_]+)"'
# A check is given the action right after the principal, by keyword, or as a parameter's default.
ASKED = re.compile(rf"principal,\s*{ACTION}|action(?:: str)?\s*=\s*{ACTION}|ACTIONS\[{ACTION}\]")


def source(service: str) -> str:
    folder = ROOT / "services" / service / "src" / service
    return "\n".join(path.read_text(encoding="utf-8") for path in sorted(folder.rglob("*.py")))


@pytest.mark.parametrize("service", SERVICES)
def test_every_action_asked_for_is_in_the_table(service: str) -> None:
    table = importlib.import_module(f"{service}.authz").ACTIONS
    asked = {name for match in ASKED.findall(source(service)) for name in match if name}
    assert asked, "no check found: the pattern no longer reads the code"
    assert asked - set(table) == set()


@pytest.mark.parametrize("service", SERVICES)
def test_every_action_of_the_table_is_asked_for(service: str) -> None:
    table = importlib.import_module(f"{service}.authz").ACTIONS
    text = source(service)
    # Once in the table, and at least once where a handler, a route or a check names it.
    assert [action for action in table if text.count(f'"{action}"') < 2] == []
