"""A patrol report (巡查上报) of a grid member: stream ``<report_id>``.

"Small matters stay in the grid": resolved on the spot, or escalated to the community, which may
then dispatch a ticket from it.

Twins: a second person who finds the same matter joins the report as a co-reporter
(``ReportJoined``) instead of filing another; the dispatcher merges a duplicate filed anyway into
the report it repeats (``ReportMerged`` on the duplicate, then ``ReportJoined`` with ``via="merge"``
on the kept one). A report closed more than ``REJOIN_DAYS`` ago is no longer joined: a new report
is filed.
"""

from __future__ import annotations

import datetime as dt

from grassroots_common.aggregate import Aggregate
from grassroots_common.contracts.grid import (
    ReportEscalated,
    ReportFiled,
    ReportJoined,
    ReportMerged,
    ResolvedInGrid,
)
from grassroots_common.errors import Conflict, Invalid, NotFound
from grassroots_common.events import Event

REJOIN_DAYS = 7
"""A report closed (resolved in the grid, or its ticket closed) up to this many days ago is still a twin."""
TWIN_RADIUS_M = 50.0


class Report(Aggregate):
    stream_type = "report"

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.state: str | None = None
        self.filed: ReportFiled | None = None
        self.resolved_at: dt.datetime | None = None
        self.merged_into: str | None = None
        self.co_reporters: dict[str, str] = {}

    @property
    def community_id(self) -> str:
        return self.filed.community_id if self.filed else ""

    @property
    def grid_id(self) -> str:
        return self.filed.grid_id if self.filed else ""

    def when(self, event: Event) -> None:
        match event:
            case ReportFiled():
                self.state = "filed"
                self.filed = event
            case ResolvedInGrid():
                self.state = "resolved"
                self.resolved_at = event.resolved_at
            case ReportEscalated():
                self.state = "escalated"
            case ReportJoined():
                self.co_reporters[event.person_id] = event.person_name
            case ReportMerged():
                self.state = "merged"
                self.merged_into = event.into_report_id

    def is_reporter(self, person_id: str) -> bool:
        return (self.filed is not None and self.filed.reporter_id == person_id) or person_id in self.co_reporters

    def file(
        self,
        *,
        community_id: str,
        grid_id: str,
        reporter_id: str,
        reporter_name: str,
        category: str,
        text: str,
        address: str,
        latitude: float | None,
        longitude: float | None,
        photo_upload_ids: list[str],
        urgency: str,
        now: dt.datetime,
    ) -> None:
        if self.state is not None:
            raise Conflict("report_exists", "该上报已存在")
        if (latitude is None) != (longitude is None):
            raise Invalid("coordinates_incomplete", "经纬度须同时填写", field="latitude")
        self._raise(
            ReportFiled(
                report_id=self.id,
                community_id=community_id,
                grid_id=grid_id,
                reporter_id=reporter_id,
                reporter_name=reporter_name,
                category=category,
                text=text,
                address=address,
                latitude=latitude,
                longitude=longitude,
                photo_upload_ids=photo_upload_ids,
                urgency=urgency,  # type: ignore[arg-type]
                filed_at=now,
            )
        )

    def resolve_in_grid(self, *, resolution: str, photo_upload_ids: list[str], by: str, now: dt.datetime) -> None:
        self._require_open()
        if not resolution.strip():
            raise Invalid("resolution_required", "请填写就地处置情况", field="resolution")
        self._raise(
            ResolvedInGrid(
                report_id=self.id,
                community_id=self.community_id,
                grid_id=self.grid_id,
                resolution=resolution.strip(),
                photo_upload_ids=photo_upload_ids,
                resolved_by=by,
                resolved_at=now,
            )
        )

    def escalate(self, *, reason: str, by: str, now: dt.datetime) -> None:
        self._require_open()
        assert self.filed is not None
        self._raise(
            ReportEscalated(
                report_id=self.id,
                community_id=self.community_id,
                grid_id=self.grid_id,
                category=self.filed.category,
                urgency=self.filed.urgency,
                reason=reason.strip(),
                escalated_by=by,
                escalated_at=now,
            )
        )

    def join(
        self,
        *,
        person_id: str,
        person_name: str,
        note: str = "",
        photo_upload_ids: list[str] | None = None,
        ticket_closed_at: dt.datetime | None,
        now: dt.datetime,
        merged_report_id: str | None = None,
    ) -> None:
        """Record another reporter of the same matter. ``ticket_closed_at``: when the ticket
        dispatched from the report was closed (None while it runs, or without a ticket).
        Through a merge (``merged_report_id``) someone already a reporter is no change."""
        if self.state is None:
            raise NotFound("report_not_found", "找不到该上报")
        if self.is_reporter(person_id):
            if merged_report_id is not None:
                return
            if self.filed is not None and self.filed.reporter_id == person_id:
                raise Conflict("own_report", "这是你本人的上报，无需加入")
            raise Conflict("already_joined", "你已加入该上报，办理进展会同步给你")
        if self.state == "merged":
            raise Conflict("report_merged", "该上报已合并到另一条上报，请加入那一条", into_report_id=self.merged_into)
        closed_at = self.resolved_at if self.state == "resolved" else ticket_closed_at
        if closed_at is not None and now - closed_at > dt.timedelta(days=REJOIN_DAYS):
            raise Conflict("report_closed_long_ago", f"该上报已办结超过 {REJOIN_DAYS} 天，请新建上报")
        assert self.filed is not None
        self._raise(
            ReportJoined(
                report_id=self.id,
                community_id=self.community_id,
                grid_id=self.grid_id,
                person_id=person_id,
                person_name=person_name,
                note=note.strip(),
                photo_upload_ids=photo_upload_ids or [],
                via="merge" if merged_report_id else "join",
                merged_report_id=merged_report_id,
                joined_at=now,
            )
        )

    def merge_into(
        self, kept: Report, *, has_ticket: bool, kept_ticket_closed_at: dt.datetime | None, by: str, now: dt.datetime
    ) -> None:
        """Merge this duplicate into ``kept``. A duplicate a ticket was dispatched from is refused:
        the ticket is the record of its handling, so it is closed through the ticket, not merged
        away. Merging again into the same report is no change (a retried merge completes)."""
        if self.filed is None:
            raise NotFound("report_not_found", "找不到该上报")
        if kept.id == self.id:
            raise Invalid("merge_into_itself", "不能把上报合并到它自己", field="into")
        if kept.filed is None:
            raise NotFound("report_not_found", "找不到要保留的上报", field="into")
        if self.state == "merged":
            if self.merged_into == kept.id:
                return
            raise Conflict("report_already_merged", "该上报已合并到另一条上报", into_report_id=self.merged_into)
        if kept.state == "merged":
            raise Conflict("target_merged", "要保留的上报本身已被合并，请合并到它所并入的那一条", field="into")
        if kept.community_id != self.community_id:
            raise Conflict("community_mismatch", "只能合并同一社区的上报", field="into")
        if kept.filed.category != self.filed.category:
            raise Conflict("category_mismatch", "只能合并同一类别的上报", field="into")
        if has_ticket:
            raise Conflict("duplicate_has_ticket", "该上报已派单，不能合并；请在其工单中办结")
        closed_at = kept.resolved_at if kept.state == "resolved" else kept_ticket_closed_at
        if closed_at is not None and now - closed_at > dt.timedelta(days=REJOIN_DAYS):
            raise Conflict("report_closed_long_ago", f"要保留的上报已办结超过 {REJOIN_DAYS} 天，不能合并", field="into")
        self._raise(
            ReportMerged(
                report_id=self.id,
                community_id=self.community_id,
                grid_id=self.grid_id,
                into_report_id=kept.id,
                reporter_id=self.filed.reporter_id,
                reporter_name=self.filed.reporter_name,
                merged_by=by,
                merged_at=now,
            )
        )

    def _require_open(self) -> None:
        if self.state is None:
            raise NotFound("report_not_found", "找不到该上报")
        if self.state == "merged":
            raise Conflict("report_merged", "该上报已合并到另一条上报，请在那一条中处理")
        if self.state == "resolved":
            raise Conflict("report_resolved", "该上报已在网格内办结")
        if self.state == "escalated":
            raise Conflict("report_escalated", "该上报已上报社区，由社区处理")
