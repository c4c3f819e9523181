"""A patrol report (巡查上报) of a grid member: stream ``<report_id>``.

"Small matters stay in the grid": resolved on the spot, or escalated to the community, which may
then dispatch a ticket from it.
"""

from __future__ import annotations

import datetime as dt

from grassroots_common.aggregate import Aggregate
from grassroots_common.contracts.grid import ReportEscalated, ReportFiled, ResolvedInGrid
from grassroots_common.errors import Conflict, Invalid, NotFound
from grassroots_common.events import Event


class Report(Aggregate):
    stream_type = "report"

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.state: str | None = None
        self.filed: ReportFiled | None = None

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
            case ReportEscalated():
                self.state = "escalated"

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

    def _require_open(self) -> None:
        if self.state is None:
            raise NotFound("report_not_found", "找不到该上报")
        if self.state == "resolved":
            raise Conflict("report_resolved", "该上报已在网格内办结")
        if self.state == "escalated":
            raise Conflict("report_escalated", "该上报已上报社区，由社区处理")
