"""Cases of one specification: the same given and when, with other values, each named as a
specification of its own is named (the name shows as the test's id)."""

from __future__ import annotations

import pytest


def cases(argnames: str, **named: tuple[object, ...]) -> pytest.MarkDecorator:
    """``@cases("principal, code", a_section_chief_does_not_adjust_grades=(CHIEF, "role_required"))``:
    the test runs once a case, with the case's values for ``argnames``."""
    return pytest.mark.parametrize(argnames, [pytest.param(*values, id=name) for name, values in named.items()])
