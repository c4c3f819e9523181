"""The platform's working-day calendar as an API every service mounts: read a year anywhere; enter
a year in the service that keeps it (appraisal), whose event every service projects."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Depends, Path
from pydantic import BaseModel, Field

from grassroots_common.calendar_entry import CalendarYear as CalendarYearStream
from grassroots_common.calendar_entry import calendar_stream_id
from grassroots_common.calendar_projection import CalendarProjection, load_calendar
from grassroots_common.commands import CommandResult
from grassroots_common.contracts.calendar import CALENDAR_OWNER, CalendarDayEntry
from grassroots_common.errors import Conflict
from grassroots_common.fields import Name
from grassroots_common.http.dependencies import CommandDep, PrincipalDep, ReadAfter, RuntimeDep
from grassroots_common.routing import api_router
from grassroots_common.workdays import holiday_name


class CalendarDay(BaseModel):
    day: dt.date
    is_workday: bool
    name: Name = Field(default="", max_length=40)


class CalendarYear(BaseModel):
    year: int
    entered: bool
    warning: str | None = None
    days: list[CalendarDay]


class CalendarYearBody(BaseModel):
    days: list[CalendarDay] = Field(
        max_length=120,
        description="Holidays on weekdays (is_workday=false) and adjusted workdays on weekends (true)",
        examples=[[{"day": "2027-01-01", "is_workday": False, "name": "元旦"}]],
    )
    confirmed: bool = Field(
        default=False,
        description="The administrator confirms these are all of the year's holidays and adjusted workdays; "
        "until then the year is not counted as entered and the warning stays",
    )


router = api_router(prefix="/api/v1/calendar", tags=["calendar"])

YearPath = Annotated[int, Path(ge=2000, le=2100)]


Projected = Annotated[dict, Depends(ReadAfter(CalendarProjection))]


@router.get("/{year}", summary="One year's holidays and adjusted workdays (the platform's one calendar)")
async def get_year(year: YearPath, runtime: RuntimeDep, principal: PrincipalDep, positions: Projected) -> CalendarYear:
    calendar = await load_calendar(runtime.pool)
    days = calendar.days_of(year)
    warning = calendar.warning_for(dt.date(year, 1, 1))
    if warning and days:
        warning = f"{year} 年已录入 {len(days)} 天，尚未确认全年；{warning}"
    return CalendarYear(
        year=year,
        entered=calendar.knows(year),
        warning=warning,
        days=[CalendarDay(day=d, is_workday=w, name=holiday_name(n, w)) for d, w, n in days],
    )


@router.put("/{year}", summary="Enter a year's official calendar (district administrators, appraisal service)")
async def put_year(year: YearPath, body: CalendarYearBody, ctx: CommandDep) -> CommandResult:
    ctx.principal.require("district_admin", "operator")
    if ctx.runtime.settings.service != CALENDAR_OWNER:
        raise Conflict(
            "calendar_kept_elsewhere",
            f"工作日历全平台只录入一次，请在考核服务录入（/api/{CALENDAR_OWNER}/v1/calendar/{year}）",
        )
    days = [CalendarDayEntry(day=d.day, is_workday=d.is_workday, name=d.name) for d in body.days]
    return await ctx.execute(
        CalendarYearStream, calendar_stream_id(year), lambda c: c.enter(year, days, confirmed=body.confirmed)
    )
