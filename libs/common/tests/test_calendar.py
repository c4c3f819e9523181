"""One calendar for the platform: entered once in the service that keeps it, projected by every
service from the same event; a year counts as entered only when confirmed whole."""

from __future__ import annotations

import datetime as dt

import pytest

from grassroots_common.calendar_api import router as calendar_router
from grassroots_common.calendar_entry import CalendarYear
from grassroots_common.contracts.calendar import CalendarDayEntry, CalendarYearEntered
from grassroots_common.errors import Invalid
from grassroots_common.http.app import create_app
from grassroots_common.runtime import Runtime

NEW_YEAR = {"day": "2027-01-01", "is_workday": False, "name": "元旦"}


def test_a_confirmed_year_has_its_holidays_and_days_belong_to_the_year() -> None:
    year = CalendarYear("calendar-2027")
    with pytest.raises(Invalid) as wrong:
        year.enter(2027, [CalendarDayEntry(day=dt.date(2026, 12, 31), is_workday=False)], confirmed=False)
    assert wrong.value.code == "calendar_wrong_year"
    with pytest.raises(Invalid) as empty:
        year.enter(2027, [], confirmed=True)
    assert empty.value.code == "calendar_year_empty"
    year.enter(2027, [CalendarDayEntry(day=dt.date(2027, 1, 1), is_workday=False, name="元旦")], confirmed=True)
    (entered,) = [p.event for p in year.take_pending()]
    assert isinstance(entered, CalendarYearEntered) and entered.confirmed


def app_of(service: str, database: str, make_settings, *, publishes: bool):
    settings = make_settings(service, database, run_workers=True)

    async def start(s):
        return await Runtime.start(s, migrations_package="grassroots_common", publishes=publishes)

    return create_app(settings, title=service, description=service, routers=[calendar_router], start_runtime=start)


async def test_a_year_entered_once_counts_in_every_service_when_confirmed(
    new_database, make_settings, serve, auth
) -> None:
    district = auth("d1", "district_admin")
    keeper = app_of("appraisal", await new_database(), make_settings, publishes=True)
    other = app_of("grid", await new_database(), make_settings, publishes=True)
    async with serve(keeper) as owner, serve(other) as grid:
        r = await grid.put("/api/v1/calendar/2027", json={"days": [NEW_YEAR]}, headers=district)
        assert (r.status_code, r.json()["code"]) == (409, "calendar_kept_elsewhere")
        assert "/api/appraisal/v1/calendar/2027" in r.json()["detail"]

        # One day entered, not confirmed: the warning stays, in every service.
        r = await owner.put("/api/v1/calendar/2027", json={"days": [NEW_YEAR]}, headers=district)
        assert r.status_code == 200, r.text
        r = await grid.get(f"/api/v1/calendar/2027?after={r.json()['position']}", headers=district)
        assert r.json()["entered"] is False and "尚未确认全年" in r.json()["warning"]
        assert [d["name"] for d in r.json()["days"]] == ["元旦"]

        spring = [{"day": f"2027-02-{d:02d}", "is_workday": False, "name": "春节"} for d in (8, 9, 10, 11, 12)]
        body = {"days": [NEW_YEAR, *spring, {"day": "2027-02-06", "is_workday": True, "name": "春节调休上班"}]}
        r = await owner.put("/api/v1/calendar/2027", json={**body, "confirmed": True}, headers=district)
        assert r.status_code == 200, r.text
        position = r.json()["position"]
        for client in (grid, owner):
            r = await client.get(f"/api/v1/calendar/2027?after={position}", headers=district)
            answer = r.json()
            assert answer["entered"] is True and answer["warning"] is None and len(answer["days"]) == 7
        # The package's years need no entry, and read in Chinese.
        r = await grid.get("/api/v1/calendar/2026", headers=auth("p1", "staff"))
        names = {d["name"] for d in r.json()["days"]}
        assert r.json()["entered"] is True and "国庆节" in names and not any(n.isascii() for n in names)
