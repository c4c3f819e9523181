"""The working-day calendar as an API every service mounts: read a year, enter a year."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Path
from pydantic import BaseModel, Field

from grassroots_common.errors import Invalid
from grassroots_common.fields import Name
from grassroots_common.http import PrincipalDep, RuntimeDep
from grassroots_common.routing import api_router
from grassroots_common.workdays import holiday_name, load_calendar, set_year


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


@router.get("/{year}", summary="One year's holidays and adjusted workdays")
async def get_year(year: YearPath, runtime: RuntimeDep, principal: PrincipalDep) -> CalendarYear:
    rows = await runtime.pool.fetch(
        "SELECT day, is_workday, name FROM calendar_days WHERE extract(year FROM day) = $1 ORDER BY day", year
    )
    calendar = await load_calendar(runtime.pool)
    warning = calendar.warning_for(dt.date(year, 1, 1))
    if warning and rows:
        warning = f"{year} 年已录入 {len(rows)} 天，尚未确认全年；{warning}"
    return CalendarYear(
        year=year,
        entered=calendar.knows(year),
        warning=warning,
        days=[
            CalendarDay(day=r["day"], is_workday=r["is_workday"], name=holiday_name(r["name"], r["is_workday"]))
            for r in rows
        ],
    )


@router.put("/{year}", summary="Enter a year's official calendar (district administrators)")
async def put_year(
    year: YearPath, body: CalendarYearBody, runtime: RuntimeDep, principal: PrincipalDep
) -> CalendarYear:
    principal.require("district_admin", "operator")
    for entry in body.days:
        if entry.day.year != year:
            raise Invalid("calendar_wrong_year", f"{entry.day} 不属于 {year} 年", field="days")
    await set_year(runtime.pool, year, [(d.day, d.is_workday, d.name) for d in body.days], confirmed=body.confirmed)
    return await get_year(year, runtime, principal)
