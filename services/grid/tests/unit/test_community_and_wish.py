"""Community, directory, report and wish aggregates: the rules that refuse."""

from __future__ import annotations

import datetime as dt

import pytest

from grassroots_common.errors import Conflict, Invalid
from grid.domain.community import Community
from grid.domain.directory import Directory
from grid.domain.report import Report
from grid.domain.wish import Wish

NOW = dt.datetime(2026, 11, 18, 1, 0, tzinfo=dt.UTC)


def community() -> Community:
    c = Community("com_1")
    c.register(name="凤鸣社区", street="城关街道", district="凤翔区", leader_name="王", now=NOW)
    c.define_grid(grid_id="grd_1", name="第一网格", area="", households=10, now=NOW)
    return c


def test_one_grid_head_per_grid_and_community_wide_roles_have_no_grid() -> None:
    c = community()
    c.assign(person_id="p1", person_name="甲", role="grid_head", grid_id="grd_1", now=NOW)
    with pytest.raises(Conflict) as err:
        c.assign(person_id="p2", person_name="乙", role="grid_head", grid_id="grd_1", now=NOW)
    assert err.value.code == "grid_head_taken"
    c.assign(person_id="p3", person_name="丙", role="grid_chief", grid_id="grd_1", now=NOW)
    assert c.members["p3"].grid_id is None
    with pytest.raises(Invalid):
        c.assign(person_id="p4", person_name="丁", role="grid_member", grid_id=None, now=NOW)


def set_rule(d: Directory, **changes: object) -> None:
    """Route category x to dep_a alone in the kind's time limit, but for ``changes``."""
    values: dict = {
        "category": "x",
        "category_name": "X",
        "default_department_id": "dep_a",
        "lead_department_id": None,
        "co_department_ids": [],
        "time_limit_workdays": None,
        "accept_within_hours": 2,
        "now": NOW,
    }
    d.set_rule(**{**values, **changes})


def test_routing_needs_known_departments_and_a_lead_when_several() -> None:
    d = Directory("directory")
    d.register_department(department_id="dep_a", name="甲局", now=NOW)
    d.register_department(department_id="dep_b", name="乙局", now=NOW)
    with pytest.raises(Invalid) as err:
        set_rule(d, default_department_id="dep_z")
    assert err.value.code == "department_unknown"
    with pytest.raises(Invalid) as err:
        set_rule(d, co_department_ids=["dep_b"])
    assert err.value.code == "lead_department_required"
    set_rule(d, lead_department_id="dep_b", co_department_ids=["dep_a"], time_limit_workdays=3)
    routing = d.route(category="x", kind="complaint", department_id=None)
    assert routing.department_id == "dep_b" and routing.co_department_ids == ("dep_a",)
    assert routing.time_limit_workdays == 3


def test_a_report_is_resolved_or_escalated_once() -> None:
    r = Report("rpt_1")
    r.file(
        community_id="c",
        grid_id="g",
        reporter_id="p",
        reporter_name="甲",
        category="sanitation",
        text="垃圾堆积",
        address="东大街",
        latitude=None,
        longitude=None,
        photo_upload_ids=[],
        urgency="normal",
        now=NOW,
    )
    r.escalate(reason="需部门处理", by="p", now=NOW)
    with pytest.raises(Conflict) as err:
        r.resolve_in_grid(resolution="已解决", photo_upload_ids=[], by="p", now=NOW)
    assert err.value.code == "report_escalated"


def wish() -> Wish:
    w = Wish("wsh_1")
    w.collect(
        community_id="c",
        grid_id="g",
        resident_name="张奶奶",
        title="助听器",
        description="想要助听器",
        category="elderly_care",
        collected_by="p",
        now=NOW,
    )
    return w


def claim(w: Wish, claimant_id: str, claimant_name: str) -> None:
    w.claim(
        claimant_id=claimant_id, claimant_name=claimant_name, claimant_kind="party_member", resource_id=None, now=NOW
    )


def test_a_wish_is_claimed_by_one_claimant_at_a_time() -> None:
    w = wish()
    with pytest.raises(Conflict) as err:
        claim(w, "v1", "甲")
    assert err.value.code == "wish_not_screened"
    w.screen(approve=True, reason="", by="ca", now=NOW)
    claim(w, "v1", "甲")
    with pytest.raises(Conflict) as err:
        claim(w, "v2", "乙")
    assert err.value.code == "wish_already_claimed"
    assert w.claimant() == "v1"  # who alone may act on the claim: the handler's check (specs: not_your_claim)
    w.release(reason="出差", now=NOW)
    with pytest.raises(Conflict) as err:
        w.claimant()
    assert err.value.code == "wish_not_claimed"
    claim(w, "v2", "乙")
    with pytest.raises(Invalid):
        w.fulfil(note="", evidence_upload_ids=[], now=NOW)
    w.fulfil(note="已送达", evidence_upload_ids=["upl_1"], now=NOW)
    w.revisit(satisfaction="satisfied", comment="", by="ca", now=NOW)
    assert w.state == "revisited"


def test_rejection_needs_a_reason() -> None:
    with pytest.raises(Invalid) as err:
        wish().screen(approve=False, reason="", by="ca", now=NOW)
    assert err.value.code == "reject_reason_required"
