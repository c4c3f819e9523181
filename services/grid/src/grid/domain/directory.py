"""The district's departments (职能部门) and the routing rule of each ticket category: stream ``directory``."""

from __future__ import annotations

import datetime as dt

from grassroots_common.aggregate import Aggregate
from grassroots_common.contracts.grid import DepartmentRegistered, RoutingRuleSet
from grassroots_common.errors import Conflict, Invalid, NotFound
from grassroots_common.events import Event
from grid.domain.deadlines import KIND_WORKDAYS, time_limit
from grid.domain.ticket import Routing

DIRECTORY_STREAM = "directory"


class Directory(Aggregate):
    stream_type = "directory"

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.departments: dict[str, str] = {}
        self.rules: dict[str, RoutingRuleSet] = {}

    def when(self, event: Event) -> None:
        match event:
            case DepartmentRegistered():
                self.departments[event.department_id] = event.name
            case RoutingRuleSet():
                self.rules[event.category] = event

    def register_department(self, *, department_id: str, name: str, now: dt.datetime) -> None:
        if department_id in self.departments:
            raise Conflict("department_exists", "该部门已登记", field="department_id")
        if name in self.departments.values():
            raise Conflict("department_name_taken", f"已有名为“{name}”的部门", field="name")
        self._raise(DepartmentRegistered(department_id=department_id, name=name, registered_at=now))

    def set_rule(
        self,
        *,
        category: str,
        category_name: str,
        default_department_id: str,
        lead_department_id: str | None,
        co_department_ids: list[str],
        time_limit_workdays: int | None,
        accept_within_hours: float,
        now: dt.datetime,
    ) -> None:
        for field, ids in (
            ("default_department_id", [default_department_id]),
            ("lead_department_id", [lead_department_id] if lead_department_id else []),
            ("co_department_ids", co_department_ids),
        ):
            for dept in ids:
                if dept not in self.departments:
                    raise Invalid("department_unknown", f"部门 {dept} 尚未登记", field=field)
        if co_department_ids and lead_department_id is None:
            raise Invalid("lead_department_required", "多个部门协同办理时须指定牵头部门", field="lead_department_id")
        self._raise(
            RoutingRuleSet(
                category=category,
                category_name=category_name,
                default_department_id=default_department_id,
                lead_department_id=lead_department_id,
                co_department_ids=co_department_ids,
                time_limit_workdays=time_limit_workdays,
                accept_within_hours=accept_within_hours,
                set_at=now,
            )
        )

    def route(self, *, category: str, kind: str, department_id: str | None) -> Routing:
        """The routing of a dispatch: the rule's department (or the one the dispatcher chose)."""
        rule = self.rules.get(category)
        if rule is None:
            raise Invalid("category_unrouted", f"类别“{category}”尚未配置派单规则，请联系区级管理员", field="category")
        if kind not in KIND_WORKDAYS:
            raise Invalid("kind_unknown", "事项性质不正确", field="kind")
        if department_id is not None and department_id not in self.departments:
            raise NotFound("department_not_found", "找不到该部门", field="department_id")
        target = department_id or rule.lead_department_id or rule.default_department_id
        return Routing(
            department_id=target,
            lead_department_id=rule.lead_department_id,
            co_department_ids=tuple(d for d in rule.co_department_ids if d != target),
            time_limit_workdays=time_limit(kind, rule.time_limit_workdays),
            accept_within_hours=rule.accept_within_hours,
        )
