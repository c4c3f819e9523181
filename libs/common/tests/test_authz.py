"""A table of actions: the roles that may take each, checked before a handler reads anything."""

from __future__ import annotations

import pytest

from grassroots_common.auth import Principal
from grassroots_common.authz import Actions
from grassroots_common.errors import Forbidden

TABLE = Actions({"log.submit": ("staff", "section_chief"), "unit.register": ("district_admin",)})


def who(*roles: str) -> Principal:
    return Principal(sub="p", name="p", roles=frozenset(roles))


def test_a_role_of_the_action_is_allowed_any_other_refused_with_the_roles_named() -> None:
    TABLE.require(who("section_chief"), "log.submit")
    assert TABLE.allows(who("staff"), "log.submit") and not TABLE.allows(who("staff"), "unit.register")
    with pytest.raises(Forbidden) as refused:
        TABLE.require(who("staff", "unit_admin"), "unit.register")
    assert refused.value.code == "role_required" and "区委组织部" in refused.value.message


def test_a_table_reads_as_a_mapping() -> None:
    assert dict(TABLE) == {"log.submit": ("staff", "section_chief"), "unit.register": ("district_admin",)}
    assert len(TABLE) == 2 and TABLE["unit.register"] == ("district_admin",)


def test_a_table_with_an_unknown_role_or_an_action_nobody_may_take_does_not_load() -> None:
    with pytest.raises(ValueError, match="unknown roles"):
        Actions({"log.submit": ("staf",)})
    with pytest.raises(ValueError, match="no role may take"):
        Actions({"log.submit": ()})


def test_an_action_the_table_does_not_name_is_a_programming_error() -> None:
    with pytest.raises(KeyError):
        TABLE.require(who("staff"), "log.delete")
