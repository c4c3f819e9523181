"""Who reads whose records, and at which level a reviewer acts."""

from __future__ import annotations

import pytest

from appraisal import authz
from grassroots_common.auth import Principal
from grassroots_common.contracts.appraisal import ReviewingChain
from grassroots_common.errors import Forbidden
from grassroots_common.http.refusals import status_of

CHAIN = ReviewingChain(section_chief_id="chief", deputy_leader_id="deputy", principal_leader_id="boss")


def who(sub: str, *roles: str) -> Principal:
    return Principal(sub=sub, name=sub, roles=frozenset(roles), scopes={"unit": "u1"})


def test_records_scope_per_role() -> None:
    assert authz.records_scope(who("d", "district_admin"), None, "周纪实", "x") == authz.RecordsScope(None, None)
    assert authz.records_scope(who("a", "unit_admin"), "p1", "周纪实", "x") == authz.RecordsScope("p1", "u1")
    # A leader: the unit, narrowed to themselves and their reviewing chain.
    assert authz.records_scope(who("chief", "section_chief"), None, "周纪实", "x") == authz.RecordsScope(
        None, "u1", "chief"
    )
    assert authz.records_scope(who("p1", "staff"), None, "周纪实", "x") == authz.RecordsScope("p1", None)
    with pytest.raises(Forbidden) as err:
        authz.records_scope(who("p1", "staff"), "p2", "周纪实", "not_your_log")
    assert err.value.code == "not_your_log"


@pytest.mark.parametrize("role", ["grid_member", "department", "operator", "village_secretary", "town_admin"])
def test_someone_without_appraisal_records_is_refused_not_answered_an_empty_list(role: str) -> None:
    with pytest.raises(Forbidden) as err:
        authz.records_scope(who("g1", role), None, "周纪实", "not_your_log")
    assert err.value.code == "role_required" and status_of(err.value)[0] == 403


def test_a_leader_reads_one_person_only_within_the_chain() -> None:
    authz.require_chain_reader(who("chief", "section_chief"), "p1", CHAIN, "周纪实")
    authz.require_chain_reader(who("chief", "section_chief"), "chief", None, "周纪实")  # their own
    other = ReviewingChain(section_chief_id="chief2", deputy_leader_id="deputy", principal_leader_id="boss")
    with pytest.raises(Forbidden) as err:
        authz.require_chain_reader(who("chief", "section_chief"), "p9", other, "周纪实")
    assert err.value.code == "not_in_your_chain" and status_of(err.value)[0] == 403  # answered by the HTTP layer
    with pytest.raises(Forbidden):
        authz.require_chain_reader(who("chief", "section_chief"), "ghost", None, "周纪实")


def test_a_reviewer_acts_at_the_level_due_or_their_own() -> None:
    assert authz.acting_level(who("chief", "section_chief"), CHAIN, "section_chief") == "section_chief"
    # The principal while the deputy's review is pending: their own level (the quarter answers 409).
    assert authz.acting_level(who("boss", "principal_leader"), CHAIN, "deputy_leader") == "principal_leader"
    with pytest.raises(Forbidden) as err:
        authz.acting_level(who("stranger", "section_chief"), CHAIN, "section_chief")
    assert err.value.code == "not_in_your_chain"
