"""Why it is so, in the browser: a grade's 评定经过 on the quarter board, a project's 变更记录 after
a funding, each step with who did it, when and why — read from the events; and the board, the
ranking, the league table and the statistics as they stood at a chosen time."""

from __future__ import annotations

import datetime as dt
import re
import time
import uuid

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

STEP = re.compile(r" · .+ · \d{4}")  # "<action> · <who> · <when>"


def test_the_board_shows_how_a_grade_came_to_be(page, people, sign_in, check_screen) -> None:
    leader = people.need("principal_leader")
    sign_in(leader)
    page.get_by_role("link", name="考核看板").click()
    # Someone a leader has graded: the result, or a grade so far marked provisional (待… · 暂定较好).
    graded = re.compile("(^|暂定)(好|较好|一般|较差)$")
    person = page.locator("li.person", has=page.locator(".badge", has_text=graded)).first
    expect(person).to_be_visible()
    name = person.locator(".title").inner_text()
    person.locator("summary", has_text="评定经过").click()
    steps = person.get_by_role("list", name=f"{name} 的评定经过")
    expect(steps.locator("li").first).to_contain_text("个人自评")
    expect(steps).to_contain_text("审核")
    expect(steps.locator("li").first).to_contain_text(STEP)
    check_screen(page, "考核看板（评定经过）")


def test_a_funding_appears_in_the_projects_history_with_who_recorded_it(page, people, sign_in, check_screen) -> None:
    secretary = people.need("village_secretary")
    funder = f"区农业农村局 {uuid.uuid4().hex[:4]}"
    sign_in(secretary)
    page.get_by_role("link", name="村档案").click()
    page.locator("li[data-project] a").first.click()
    history = page.get_by_role("list", name="项目变更记录")
    expect(history.locator("li").first).to_contain_text("登记项目")
    page.get_by_text("登记到位资金").click()
    form = page.get_by_role("form", name="登记到位资金")
    form.get_by_label("出资方").fill(funder)
    form.get_by_label("金额（元）").fill("12345.5")
    form.get_by_role("button", name="登记资金").click()
    step = page.get_by_role("list", name="项目变更记录").locator("li", has_text=funder)
    expect(step).to_contain_text("资金到位")
    expect(step).to_contain_text("12,345.50 元")
    expect(step).to_contain_text(secretary["name"])
    check_screen(page, "书记项目（变更记录）")


_PAST: list[str] = []


def _a_minute_ago() -> str:
    """A time the demo data was already recorded by, as a datetime-local control in Beijing takes
    it (to the minute). Called once a screen has shown the data, so the data was recorded by now;
    the first whole minute after that is the answer, once the clock has passed it (a platform
    started moments ago has nothing a minute back)."""
    if not _PAST:
        beijing = dt.timezone(dt.timedelta(hours=8))
        shown = dt.datetime.now(beijing)
        minute = shown.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
        deadline = time.monotonic() + 75
        while dt.datetime.now(beijing) < minute + dt.timedelta(seconds=1):
            assert time.monotonic() < deadline, "the clock did not pass the next minute"
            time.sleep(0.2)
        _PAST.append(minute.strftime("%Y-%m-%dT%H:%M"))
    return _PAST[0]


def test_the_board_and_the_ranking_as_they_stood(page, people, sign_in, sign_out, check_screen) -> None:
    leader = people.need("principal_leader")
    sign_in(leader)
    page.get_by_role("link", name="考核看板").click()
    expect(page.locator("li.person").first).to_be_visible()
    page.get_by_label("查看某一时刻的情况").fill(_a_minute_ago())
    expect(page.get_by_role("status").filter(has_text="时的看板（只读）")).to_be_visible()
    expect(page.locator("li.person").first).to_be_visible()
    expect(page.get_by_text("调整等次")).to_have_count(0)  # the past is read, not changed
    assert "as_of=" in page.url
    check_screen(page, "考核看板（某一时刻）")
    page.get_by_role("button", name="回到现在").click()
    expect(page.get_by_role("status").filter(has_text="时的看板")).to_have_count(0)
    sign_out()

    sign_in(people.need("district_admin"))
    page.get_by_role("link", name="村级看板").click()
    page.get_by_label("查看某一时刻的情况").fill(_a_minute_ago())
    expect(page.get_by_role("status").filter(has_text="时的排名")).to_be_visible()
    expect(page.locator("li[data-project]").first).to_be_visible()
    check_screen(page, "村级看板（某一时刻）")


def test_the_league_table_as_it_stood(page, people, sign_in, check_screen) -> None:
    sign_in(people.need("district_admin"))
    page.get_by_role("link", name="部门办件排行").click()
    expect(page.get_by_role("table", name="职能部门排行")).to_be_visible()
    page.get_by_label("查看某一时刻的情况").fill(_a_minute_ago())
    expect(page.get_by_role("status").filter(has_text="时的排行")).to_be_visible()
    expect(page.get_by_role("table", name="职能部门排行").locator("tbody tr").first).to_be_visible()
    assert "as_of=" in page.url
    check_screen(page, "部门办件排行（某一时刻）")


def test_the_statistics_as_they_stood(page, people, sign_in, check_screen) -> None:
    sign_in(people.need("district_admin"))
    page.get_by_role("link", name="一键统计").click()
    expect(page.locator('[data-figure="log_submission"]')).to_be_visible()
    page.get_by_label("查看某一时刻的情况").fill(_a_minute_ago())
    expect(page.get_by_role("status").filter(has_text="时的统计")).to_be_visible()
    expect(page.locator('[data-figure="ticket_departments"]')).to_be_visible()
    assert "as_of=" in page.url
    check_screen(page, "一键统计（某一时刻）")
    page.get_by_role("button", name="回到现在").click()
    expect(page.get_by_role("status").filter(has_text="时的统计")).to_have_count(0)
