"""The hierarchy, handler by handler: communities, grids and members; departments and routing rules.
Given events, when a command (as a principal, at a time), then events or a refusal. No database:
``grassroots_common.specification``."""

from __future__ import annotations

import datetime as dt

from grassroots_common.auth import Principal
from grassroots_common.contracts import grid as grid_events
from grassroots_common.errors import Forbidden
from grassroots_common.specification import Specification
from grassroots_common.workdays import CHINA
from grid import handlers
from grid.domain.directory import DIRECTORY_STREAM

T0 = dt.datetime(2026, 11, 18, 9, tzinfo=CHINA)  # a Wednesday
DISTRICT = Principal("da_1", "区管理员", frozenset({"district_admin"}))
DISPATCHER = Principal("ca_1", "社区调度员", frozenset({"community_admin"}), {"community": "com_1"})
OTHER_DISPATCHER = Principal("ca_2", "邻社区调度员", frozenset({"community_admin"}), {"community": "com_2"})
GRID_MEMBER = Principal("gm_1", "王网格", frozenset({"grid_member"}), {"community": "com_1", "grid": "grd_1"})

REGISTERED = grid_events.CommunityRegistered(
    community_id="com_1", name="东关社区", street="东关街道", district="渭滨区", registered_at=T0
)
GRID_1 = grid_events.GridDefined(community_id="com_1", grid_id="grd_1", name="第一网格", defined_at=T0)
DEP_A = grid_events.DepartmentRegistered(department_id="dep_a", name="城管局", registered_at=T0)
DEP_B = grid_events.DepartmentRegistered(department_id="dep_b", name="住建局", registered_at=T0)


def member(person_id: str, role: str, grid_id: str | None = "grd_1") -> grid_events.GridMemberAssigned:
    return grid_events.GridMemberAssigned(
        community_id="com_1", grid_id=grid_id, person_id=person_id, person_name="网格人", role=role, assigned_at=T0
    )


async def community(spec: Specification, *members: grid_events.GridMemberAssigned) -> None:
    await spec.given("com_1", REGISTERED, GRID_1, *members)


def assignment(**changes: object) -> handlers.AssignMember:
    """Make 王网格 a grid member of the first grid, but for ``changes``."""
    values: dict = {
        "community_id": "com_1",
        "person_id": "gm_1",
        "person_name": "王网格",
        "role": "grid_member",
        "grid_id": "grd_1",
    }
    return handlers.AssignMember(**{**values, **changes})


def rule(**changes: object) -> handlers.SetRoutingRule:
    """Send sanitation tickets to 城管局, but for ``changes``."""
    values: dict = {"category": "sanitation", "category_name": "环境卫生", "default_department_id": "dep_a"}
    return handlers.SetRoutingRule(**{**values, **changes})


# --- register_community -----------------------------------------------------------------------


async def test_a_district_administrator_registers_a_community() -> None:
    spec = Specification(at=T0)
    outcome = await spec.when(
        handlers.register_community,
        handlers.RegisterCommunity(
            name="东关社区", street="东关街道", district="渭滨区", leader_name="赵书记", community_id="com_1"
        ),
        as_=DISTRICT,
    )
    assert outcome.events == [
        grid_events.CommunityRegistered(
            community_id="com_1",
            name="东关社区",
            street="东关街道",
            district="渭滨区",
            leader_name="赵书记",
            registered_at=T0,
        )
    ]
    assert outcome.answer.stream_id == "com_1" and outcome.answer.data == {"community_id": "com_1"}


async def test_a_community_registered_twice_is_refused() -> None:
    spec = Specification(at=T0)
    await spec.given("com_1", REGISTERED)
    outcome = await spec.when(
        handlers.register_community,
        handlers.RegisterCommunity(name="东关社区", street="东关街道", district="渭滨区", community_id="com_1"),
        as_=DISTRICT,
    )
    outcome.refused("community_exists")


async def test_a_dispatcher_may_not_register_a_community() -> None:
    spec = Specification(at=T0)
    outcome = await spec.when(
        handlers.register_community,
        handlers.RegisterCommunity(name="新社区", street="东关街道", district="渭滨区"),
        as_=DISPATCHER,
    )
    assert isinstance(outcome.refused("role_required"), Forbidden)


# --- define_grid ------------------------------------------------------------------------------


async def test_the_dispatcher_defines_a_grid_of_their_community() -> None:
    spec = Specification(at=T0)
    await spec.given("com_1", REGISTERED)
    outcome = await spec.when(
        handlers.define_grid,
        handlers.DefineGrid(community_id="com_1", name="第一网格", area="东大街以北", households=320, grid_id="grd_1"),
        as_=DISPATCHER,
    )
    assert outcome.events == [
        grid_events.GridDefined(
            community_id="com_1", grid_id="grd_1", name="第一网格", area="东大街以北", households=320, defined_at=T0
        )
    ]
    assert outcome.answer.data == {"grid_id": "grd_1"}


async def test_a_second_grid_may_not_take_an_existing_grids_name() -> None:
    spec = Specification(at=T0)
    await community(spec)
    outcome = await spec.when(
        handlers.define_grid, handlers.DefineGrid(community_id="com_1", name="第一网格"), as_=DISPATCHER
    )
    outcome.refused("grid_name_taken")


async def test_a_grid_of_an_unregistered_community_is_refused() -> None:
    spec = Specification(at=T0)
    outcome = await spec.when(
        handlers.define_grid, handlers.DefineGrid(community_id="com_1", name="第一网格"), as_=DISTRICT
    )
    outcome.refused("community_not_found")


async def test_a_dispatcher_may_not_define_grids_in_another_community() -> None:
    spec = Specification(at=T0)
    await community(spec)
    outcome = await spec.when(
        handlers.define_grid, handlers.DefineGrid(community_id="com_1", name="第二网格"), as_=OTHER_DISPATCHER
    )
    assert isinstance(outcome.refused("not_your_community"), Forbidden)


async def test_a_dispatcher_without_a_community_is_refused_for_missing_scope() -> None:
    spec = Specification(at=T0)
    unscoped = Principal("ca_9", "调度员", frozenset({"community_admin"}))
    outcome = await spec.when(
        handlers.define_grid, handlers.DefineGrid(community_id="com_1", name="第二网格"), as_=unscoped
    )
    assert isinstance(outcome.refused("community_scope_missing"), Forbidden)


# --- assign_member ----------------------------------------------------------------------------


async def test_a_grid_member_is_assigned_to_a_grid() -> None:
    spec = Specification(at=T0)
    await community(spec)
    outcome = await spec.when(handlers.assign_member, assignment(), as_=DISPATCHER)
    assert outcome.events == [
        grid_events.GridMemberAssigned(
            community_id="com_1",
            grid_id="grd_1",
            person_id="gm_1",
            person_name="王网格",
            role="grid_member",
            assigned_at=T0,
        )
    ]


async def test_a_community_wide_role_holds_no_grid() -> None:
    spec = Specification(at=T0)
    await community(spec)
    outcome = await spec.when(
        handlers.assign_member,
        assignment(person_id="gc_1", person_name="总网格长", role="grid_chief"),
        as_=DISPATCHER,
    )
    (assigned,) = outcome.events
    assert isinstance(assigned, grid_events.GridMemberAssigned)
    assert (assigned.role, assigned.grid_id) == ("grid_chief", None)


async def test_an_in_grid_role_without_a_grid_is_refused() -> None:
    spec = Specification(at=T0)
    await community(spec)
    outcome = await spec.when(handlers.assign_member, assignment(role="grid_worker", grid_id=None), as_=DISPATCHER)
    assert outcome.refused("grid_required").field == "grid_id"


async def test_an_assignment_to_an_unknown_grid_is_refused() -> None:
    spec = Specification(at=T0)
    await community(spec)
    outcome = await spec.when(handlers.assign_member, assignment(grid_id="grd_9"), as_=DISPATCHER)
    outcome.refused("grid_not_found")


async def test_a_grid_has_one_grid_head() -> None:
    spec = Specification(at=T0)
    await community(spec, member("gh_1", "grid_head"))
    outcome = await spec.when(
        handlers.assign_member,
        assignment(person_id="gh_2", person_name="李网格长", role="grid_head"),
        as_=DISPATCHER,
    )
    assert outcome.refused("grid_head_taken").extra == {"person_id": "gh_1"}


async def test_a_grid_member_may_not_assign_members() -> None:
    spec = Specification(at=T0)
    await community(spec)
    outcome = await spec.when(
        handlers.assign_member, assignment(person_id="gm_2", person_name="李网格"), as_=GRID_MEMBER
    )
    assert isinstance(outcome.refused("role_required"), Forbidden)


# --- remove_member ----------------------------------------------------------------------------


async def test_a_removed_member_leaves_with_their_role_and_grid() -> None:
    spec = Specification(at=T0)
    await community(spec, member("gm_1", "grid_member"))
    later = T0 + dt.timedelta(days=3)
    outcome = await spec.when(
        handlers.remove_member,
        handlers.RemoveMember(community_id="com_1", person_id="gm_1", reason="调离"),
        as_=DISPATCHER,
        at=later,
    )
    assert outcome.events == [
        grid_events.GridMemberRemoved(
            community_id="com_1", grid_id="grd_1", person_id="gm_1", role="grid_member", reason="调离", removed_at=later
        )
    ]


async def test_removing_someone_not_in_the_grids_is_refused() -> None:
    spec = Specification(at=T0)
    await community(spec)
    outcome = await spec.when(
        handlers.remove_member,
        handlers.RemoveMember(community_id="com_1", person_id="gm_9", reason="调离"),
        as_=DISPATCHER,
    )
    outcome.refused("member_not_found")


# --- register_department ----------------------------------------------------------------------


async def test_a_district_administrator_registers_a_department() -> None:
    spec = Specification(at=T0)
    outcome = await spec.when(
        handlers.register_department, handlers.RegisterDepartment(name="城管局", department_id="dep_a"), as_=DISTRICT
    )
    assert outcome.events == [grid_events.DepartmentRegistered(department_id="dep_a", name="城管局", registered_at=T0)]
    assert outcome.answer.stream_id == DIRECTORY_STREAM and outcome.answer.data == {"department_id": "dep_a"}


async def test_two_departments_may_not_share_a_name() -> None:
    spec = Specification(at=T0)
    await spec.given(DIRECTORY_STREAM, DEP_A)
    outcome = await spec.when(handlers.register_department, handlers.RegisterDepartment(name="城管局"), as_=DISTRICT)
    outcome.refused("department_name_taken")


async def test_a_department_id_is_registered_once() -> None:
    spec = Specification(at=T0)
    await spec.given(DIRECTORY_STREAM, DEP_A)
    outcome = await spec.when(
        handlers.register_department,
        handlers.RegisterDepartment(name="城市管理执法局", department_id="dep_a"),
        as_=DISTRICT,
    )
    outcome.refused("department_exists")


async def test_a_dispatcher_may_not_register_a_department() -> None:
    spec = Specification(at=T0)
    outcome = await spec.when(handlers.register_department, handlers.RegisterDepartment(name="城管局"), as_=DISPATCHER)
    assert isinstance(outcome.refused("role_required"), Forbidden)


# --- set_routing_rule -------------------------------------------------------------------------


async def test_a_routing_rule_names_its_lead_and_co_departments() -> None:
    spec = Specification(at=T0)
    await spec.given(DIRECTORY_STREAM, DEP_A, DEP_B)
    outcome = await spec.when(
        handlers.set_routing_rule,
        rule(lead_department_id="dep_a", co_department_ids=["dep_b"], time_limit_workdays=3),
        as_=DISTRICT,
    )
    assert outcome.events == [
        grid_events.RoutingRuleSet(
            category="sanitation",
            category_name="环境卫生",
            default_department_id="dep_a",
            lead_department_id="dep_a",
            co_department_ids=["dep_b"],
            time_limit_workdays=3,
            accept_within_hours=2.0,
            set_at=T0,
        )
    ]


async def test_a_rule_may_not_route_to_an_unregistered_department() -> None:
    spec = Specification(at=T0)
    await spec.given(DIRECTORY_STREAM, DEP_A)
    outcome = await spec.when(handlers.set_routing_rule, rule(default_department_id="dep_z"), as_=DISTRICT)
    assert outcome.refused("department_unknown").field == "default_department_id"


async def test_co_departments_need_a_lead_department() -> None:
    spec = Specification(at=T0)
    await spec.given(DIRECTORY_STREAM, DEP_A, DEP_B)
    outcome = await spec.when(handlers.set_routing_rule, rule(co_department_ids=["dep_b"]), as_=DISTRICT)
    outcome.refused("lead_department_required")


async def test_a_dispatcher_may_not_set_routing_rules() -> None:
    spec = Specification(at=T0)
    await spec.given(DIRECTORY_STREAM, DEP_A)
    outcome = await spec.when(handlers.set_routing_rule, rule(), as_=DISPATCHER)
    assert isinstance(outcome.refused("role_required"), Forbidden)
