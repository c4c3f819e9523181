"""Who reads what: one module decides, every refusal is a 403."""

from __future__ import annotations

import pytest

from grassroots_common.auth import Principal
from grassroots_common.errors import Forbidden
from reporting import authz
from reporting.figures import Scope


def who(*roles: str, sub: str = "x", **scopes: str) -> Principal:
    return Principal(sub=sub, name=sub, roles=frozenset(roles), scopes=scopes)


def test_district_reads_all_and_unit_admin_only_their_unit() -> None:
    assert authz.statistics_scope(who("district_admin"), Scope(unit="u2")) == Scope(unit="u2")
    assert authz.statistics_scope(who("unit_admin", unit="u1"), Scope()) == Scope(unit="u1")
    with pytest.raises(Forbidden):
        authz.statistics_scope(who("unit_admin", unit="u1"), Scope(unit="u2"))
    with pytest.raises(Forbidden):
        authz.statistics_scope(who("unit_admin"), Scope())
    with pytest.raises(Forbidden):
        authz.statistics_scope(who("staff", unit="u1"), Scope())


def test_growth_archive_is_for_the_person_their_unit_and_the_district() -> None:
    authz.check_person_archive(who("staff", sub="p1"), "p1", "u1")
    authz.check_person_archive(who("unit_admin", unit="u1"), "p1", "u1")
    authz.check_person_archive(who("district_admin"), "p1", None)
    for principal in (who("staff", sub="p2", unit="u1"), who("unit_admin", unit="u2"), who("section_chief")):
        with pytest.raises(Forbidden):
            authz.check_person_archive(principal, "p1", "u1")


def test_documents_are_issued_by_the_district_only() -> None:
    authz.require_role(who("district_admin"), "document.issue")
    authz.require_role(who("unit_admin", unit="u1"), "document.read")
    with pytest.raises(Forbidden):
        authz.require_role(who("unit_admin", unit="u1"), "document.issue")
    with pytest.raises(Forbidden):
        authz.require_role(who("staff"), "document.read")
