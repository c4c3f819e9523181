"""A secretary project (书记项目): stream ``project-<project_id>``. Funding, investment and income
totals are the sums of their events; progress never goes backwards without a reason."""

from __future__ import annotations

import datetime as dt

from grassroots_common.aggregate import Aggregate
from grassroots_common.contracts.village import (
    DevelopmentModel,
    FundingSource,
    InvestmentAttracted,
    MilestoneReported,
    ProjectFunded,
    ProjectIncomeReported,
    ProjectRegistered,
    SupervisorLevel,
)
from grassroots_common.errors import Conflict, Invalid, NotFound
from grassroots_common.events import Event
from village.domain.progress import check_progress


def project_stream_id(project_id: str) -> str:
    return f"project-{project_id}"


class Project(Aggregate):
    stream_type = "project"

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.registered: ProjectRegistered | None = None
        self.progress = 0
        self.funded_fen = 0
        self.invested_fen = 0
        self.income_fen = 0

    def when(self, event: Event) -> None:
        match event:
            case ProjectRegistered():
                self.registered = event
            case ProjectFunded():
                self.funded_fen += event.amount_fen
            case InvestmentAttracted():
                self.invested_fen += event.amount_fen
            case MilestoneReported():
                self.progress = event.progress_pct
            case ProjectIncomeReported():
                self.income_fen += event.amount_fen

    @property
    def town_id(self) -> str:
        return self._known().town_id

    @property
    def village_id(self) -> str:
        return self._known().village_id

    def _known(self) -> ProjectRegistered:
        if self.registered is None:
            raise NotFound("project_not_found", "找不到该书记项目")
        return self.registered

    def _ids(self) -> dict:
        known = self._known()
        return {"project_id": known.project_id, "town_id": known.town_id, "village_id": known.village_id}

    def register(
        self,
        *,
        project_id: str,
        town_id: str,
        village_id: str,
        name: str,
        description: str,
        owner_id: str,
        owner_name: str,
        supervisor_level: SupervisorLevel,
        supervisor_name: str,
        model: DevelopmentModel,
        budget_fen: int,
        year: int,
        starts_on: dt.date,
        due_on: dt.date,
    ) -> None:
        if self.exists:
            raise Conflict("project_exists", "该项目已登记")
        if budget_fen < 0:
            raise Invalid("budget_negative", "预算不能为负数", field="budget_fen")
        if due_on < starts_on:
            raise Invalid("due_before_start", "计划完成日期不能早于开工日期", field="due_on")
        self._raise(
            ProjectRegistered(
                project_id=project_id,
                town_id=town_id,
                village_id=village_id,
                name=name,
                description=description,
                owner_id=owner_id,
                owner_name=owner_name,
                supervisor_level=supervisor_level,
                supervisor_name=supervisor_name,
                model=model,
                budget_fen=budget_fen,
                year=year,
                starts_on=starts_on,
                due_on=due_on,
            )
        )

    def fund(
        self, *, funding_id: str, source: FundingSource, funder: str, amount_fen: int, received_on: dt.date
    ) -> None:
        ids = self._ids()
        if amount_fen <= 0:
            raise Invalid("amount_not_positive", "到位资金必须大于 0", field="amount_fen")
        self._raise(
            ProjectFunded(
                **ids,
                funding_id=funding_id,
                source=source,
                funder=funder,
                amount_fen=amount_fen,
                received_on=received_on,
            )
        )

    def attract(self, *, investment_id: str, investor: str, amount_fen: int, signed_on: dt.date) -> None:
        ids = self._ids()
        if amount_fen <= 0:
            raise Invalid("amount_not_positive", "招商引资金额必须大于 0", field="amount_fen")
        self._raise(
            InvestmentAttracted(
                **ids, investment_id=investment_id, investor=investor, amount_fen=amount_fen, signed_on=signed_on
            )
        )

    def report_milestone(
        self,
        *,
        milestone_id: str,
        title: str,
        progress_pct: int,
        reason: str,
        evidence_upload_ids: list[str],
        reported_on: dt.date,
    ) -> None:
        ids = self._ids()
        check_progress(self.progress, progress_pct, reason)
        self._raise(
            MilestoneReported(
                **ids,
                milestone_id=milestone_id,
                title=title,
                progress_pct=progress_pct,
                previous_pct=self.progress,
                reason=reason,
                evidence_upload_ids=evidence_upload_ids,
                reported_on=reported_on,
            )
        )

    def report_income(self, *, income_id: str, year: int, amount_fen: int, note: str, reported_on: dt.date) -> None:
        ids = self._ids()
        if amount_fen <= 0:
            raise Invalid("amount_not_positive", "项目收益必须大于 0", field="amount_fen")
        self._raise(
            ProjectIncomeReported(
                **ids, income_id=income_id, year=year, amount_fen=amount_fen, note=note, reported_on=reported_on
            )
        )
