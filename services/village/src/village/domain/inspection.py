"""Standardization inspections: a district-wide round (stream ``round-<round_id>``) and the
inspection of one village in that round (stream ``inspection-<round_id>-<village_id>``)."""

from __future__ import annotations

import datetime as dt

from grassroots_common.aggregate import Aggregate
from grassroots_common.contracts import village as village_events
from grassroots_common.errors import Conflict, Invalid, NotFound
from grassroots_common.events import Event


def round_stream_id(round_id: str) -> str:
    return f"round-{round_id}"


def inspection_stream_id(round_id: str, village_id: str) -> str:
    return f"inspection-{round_id}-{village_id}"


class InspectionRound(Aggregate):
    stream_type = "inspection_round"

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.opened: village_events.InspectionRoundOpened | None = None

    def when(self, event: Event) -> None:
        match event:
            case village_events.InspectionRoundOpened():
                self.opened = event

    def open(
        self,
        *,
        round_id: str,
        name: str,
        year: int,
        opened_on: dt.date,
        due_on: dt.date,
        checklist: list[village_events.ChecklistAspect],
        teams: list[village_events.InspectionTeam],
    ) -> None:
        if self.exists:
            raise Conflict("round_exists", "该检查轮次已开启")
        if due_on < opened_on:
            raise Invalid("due_before_open", "截止日期不能早于开始日期", field="due_on")
        if not checklist:
            raise Invalid("checklist_empty", "检查清单至少需要一个方面", field="checklist")
        seen: set[str] = set()
        for team in teams:
            for v in team.villages:
                if v.village_id in seen:
                    raise Invalid("village_twice", f"村 {v.village_id} 被分配给了多个检查组", field="teams")
                seen.add(v.village_id)
        self._raise(
            village_events.InspectionRoundOpened(
                round_id=round_id,
                name=name,
                year=year,
                opened_on=opened_on,
                due_on=due_on,
                checklist=checklist,
                teams=teams,
            )
        )

    def team_of(self, village_id: str) -> village_events.InspectionTeam:
        if self.opened is None:
            raise NotFound("round_not_found", "找不到该检查轮次")
        for team in self.opened.teams:
            if any(v.village_id == village_id for v in team.villages):
                return team
        raise Conflict("village_not_in_round", "该村不在本轮检查范围内")


class Inspection(Aggregate):
    stream_type = "inspection"

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.recorded: village_events.InspectionRecorded | None = None
        self.open_findings: dict[str, village_events.Finding] = {}

    def when(self, event: Event) -> None:
        match event:
            case village_events.InspectionRecorded():
                self.recorded = event
                self.open_findings = {f.finding_id: f for f in event.findings}
            case village_events.FindingClosed():
                self.open_findings.pop(event.finding_id, None)

    def record(
        self,
        *,
        round_id: str,
        team_id: str,
        town_id: str,
        village_id: str,
        checklist: list[village_events.ChecklistAspect],
        inspected_on: dt.date,
        scores: dict[str, int],
        findings: list[village_events.Finding],
    ) -> int:
        if self.recorded is not None:
            raise Conflict("already_inspected", "本轮已检查过该村")
        expected = {a.aspect_id for a in checklist}
        if set(scores) != expected:
            missing, extra = sorted(expected - set(scores)), sorted(set(scores) - expected)
            raise Invalid(
                "aspects_mismatch",
                f"评分须覆盖检查清单的每个方面（缺少：{'、'.join(missing) or '无'}；多余：{'、'.join(extra) or '无'}）",
                field="scores",
            )
        lines = []
        for aspect in checklist:
            score = scores[aspect.aspect_id]
            if not 0 <= score <= aspect.max_score:
                raise Invalid(
                    "score_out_of_range", f"“{aspect.name}”得分须在 0 到 {aspect.max_score} 之间", field="scores"
                )
            lines.append(
                village_events.AspectScore(aspect_id=aspect.aspect_id, score=score, max_score=aspect.max_score)
            )
        for finding in findings:
            if finding.aspect_id not in expected:
                raise Invalid("finding_aspect_unknown", "问题所属方面不在检查清单中", field="findings")
            if finding.deadline < inspected_on:
                raise Invalid("deadline_before_inspection", "整改期限不能早于检查日期", field="findings")
        total = sum(line.score for line in lines)
        self._raise(
            village_events.InspectionRecorded(
                round_id=round_id,
                team_id=team_id,
                town_id=town_id,
                village_id=village_id,
                inspected_on=inspected_on,
                scores=lines,
                total_score=total,
                max_total=sum(line.max_score for line in lines),
                findings=findings,
            )
        )
        return total

    def close_finding(
        self, *, finding_id: str, closed_on: dt.date, note: str, evidence_upload_ids: list[str], today: dt.date
    ) -> None:
        if self.recorded is None:
            raise NotFound("inspection_not_found", "本轮尚未检查该村")
        finding = self.open_findings.get(finding_id)
        if finding is None:
            if any(f.finding_id == finding_id for f in self.recorded.findings):
                raise Conflict("finding_already_closed", "该问题已整改销号")
            raise NotFound("finding_not_found", "找不到该问题")
        if closed_on > today:
            raise Invalid(
                "closed_in_future",
                f"整改完成日期不能晚于今天（{today:%Y-%m-%d}），请填写实际完成的日期",
                field="closed_on",
            )
        if closed_on < self.recorded.inspected_on:
            raise Invalid(
                "closed_before_inspection",
                f"整改完成日期不能早于检查日期（{self.recorded.inspected_on:%Y-%m-%d}）",
                field="closed_on",
            )
        if not evidence_upload_ids:
            raise Invalid(
                "evidence_required", "整改销号需要至少上传 1 张整改后的照片或 1 份材料", field="evidence_upload_ids"
            )
        self._raise(
            village_events.FindingClosed(
                round_id=self.recorded.round_id,
                town_id=self.recorded.town_id,
                village_id=self.recorded.village_id,
                finding_id=finding_id,
                closed_on=closed_on,
                note=note,
                evidence_upload_ids=evidence_upload_ids,
                overdue=closed_on > finding.deadline,
            )
        )
