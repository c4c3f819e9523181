"""The grid journey in the browser, one ticket through the whole chain, each step by its role: a
grid member's report with a photo is dispatched; the department sees the reporter's photo on the
ticket and accepts it; time passes (the platform's clock is moved past the ticket's deadline) and
the dispatcher presses the overdue ticket (督办) — a refusal shown by the field first; the
department, seeing the 督办, reports back; the dispatcher verifies it and revisits the resident.

The clock only moves forward, so the journey runs on a platform of its own: the session's keeps
real time for every other journey."""

from __future__ import annotations

import datetime as dt
import math
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

OWN_PLATFORM = True


@pytest.fixture(scope="module")
def platform(own_platform):
    # The deadline scheduler passes every 2 s here, so the overdue mark follows the moved clock soon.
    with own_platform(GRID_SCHEDULER_INTERVAL_SECONDS="2") as running:
        yield running


@pytest.fixture(scope="module")
def people(platform, people_of):
    return people_of(platform)


def wait_for(what: str, check, timeout: float = 60.0):
    """``check()`` until it answers something true, or fail naming ``what`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:.0f} s for {what}")
        time.sleep(0.3)


def grid_now(platform) -> dt.datetime:
    return dt.datetime.fromisoformat(httpx.get(f"{platform.url}/api/grid/clock", timeout=10).json()["now"])


def move_clock_past(platform, moment: dt.datetime) -> None:
    """``grassroots clock --advance`` (demo mode: kept in the data folder's ``clock.json``, which
    every running service follows) to just past ``moment``; then wait until grid's now is past it."""
    behind = moment - grid_now(platform) + dt.timedelta(minutes=5)
    cli = Path(sys.executable).with_name("grassroots")
    run = subprocess.run(
        [str(cli), "clock", "--advance", f"{math.ceil(behind.total_seconds())}s", "--data-dir", str(platform.data_dir)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    wait_for("grid's clock past the ticket's deadline", lambda: grid_now(platform) > moment)


def test_report_photo_dispatch_accept_overdue_urged_reported_verified_revisited(page, people, sign_in, sign_out, platform, photo) -> None:  # fmt: skip
    member = people.need("grid_member")
    community = member["scopes"]["community"]
    dispatcher = people.need("community_admin", community=community)
    handlers = {u["scopes"].get("department"): u for u in people.users if "department" in u["roles"]}
    marker = f"路灯不亮 {uuid.uuid4().hex[:6]}"

    # A report with a photo, escalated by the grid member.
    sign_in(member)
    page.get_by_role("link", name="上报问题").click()
    form = page.get_by_role("form", name="上报问题")
    form.get_by_label("问题类别").select_option(index=1)
    form.get_by_label("问题描述").fill(f"{marker}，西大街 3 号路段夜间无照明")
    form.get_by_label("地点").fill("西大街 3 号")
    form.get_by_label("现场照片（最多 9 张）").set_input_files(str(photo))
    form.get_by_role("button", name="上报").click()
    report = page.locator("li.report", has_text=marker)
    report.get_by_text("上报社区派单").click()
    report.get_by_label("上报原因").fill("需城管部门维修")
    report.get_by_role("button", name="上报社区").click()
    expect(page.locator("li.report", has_text=marker)).to_contain_text("已上报社区")
    sign_out()

    # Dispatched to a department with a demo handler; the dispatcher sees the reporter's photo.
    sign_in(dispatcher)
    page.get_by_role("link", name="派单看板").click()
    waiting = page.locator("li.report", has_text=marker)
    waiting.get_by_text("派单", exact=True).click()
    choices = waiting.get_by_label("承办部门").locator("option").evaluate_all("(os) => os.map((o) => o.value)")
    department = next((d for d in choices if d in handlers), None)
    if department is None:
        pytest.skip("no demo handler at a department this community dispatches to")
    handler = handlers[department]
    waiting.get_by_label("承办部门").select_option(department)
    waiting.get_by_role("button", name="吹哨派单").click()
    expect(page.get_by_role("heading", name="工单详情")).to_be_visible()
    expect(page.get_by_role("group", name="上报照片 1 份").locator("img")).to_be_visible()
    ticket_id = urlsplit(page.url).path.rsplit("/", 1)[-1]
    sign_out()

    # The department sees the reporter's photo on the ticket, and accepts it.
    sign_in(handler)
    page.get_by_role("link", name="部门工单").click()
    page.locator("li", has_text=marker).get_by_role("link").first.click()
    expect(page.get_by_role("group", name="上报照片 1 份").locator("img")).to_be_visible()
    page.get_by_role("button", name="签收").click()
    expect(page.locator("main")).to_contain_text("办理中")
    sign_out()

    # Within its time limit the ticket cannot be pressed: the dispatcher sees the time left, no 督办.
    sign_in(dispatcher)
    page.goto(f"/tickets/{ticket_id}")
    expect(page.locator("main")).to_contain_text(re.compile(r"剩 [\d.]+ (个工作日|小时)"))
    expect(page.locator("summary", has_text="督办")).to_have_count(0)

    # Time passes: the platform's clock moves past this ticket's deadline, and the scheduler marks it.
    as_dispatcher = {"Authorization": f"Bearer {people.token_for(dispatcher)}"}

    def ticket() -> dict:
        return httpx.get(f"{platform.url}/api/grid/v1/tickets/{ticket_id}", headers=as_dispatcher, timeout=30).json()

    move_clock_past(platform, dt.datetime.fromisoformat(ticket()["deadline"]))
    wait_for("the scheduler to mark the ticket overdue", lambda: ticket()["resolution_overdue"])

    # Now overdue, the dispatcher presses it (督办): a note too short is refused by the field.
    page.goto(f"/tickets/{ticket_id}")
    expect(page.locator("main")).to_contain_text("办理超时")
    page.locator("summary", has_text="督办").click()
    form = page.get_by_role("form", name="督办")
    form.get_by_label("督办要求").fill("请")
    form.get_by_role("button", name="发出督办").click()
    expect(form.locator('[data-error-for="note"]')).not_to_be_empty()  # the service's message, by the field
    form.get_by_label("督办要求").fill("已超期，请于今日下班前反馈办理结果")
    form.get_by_role("button", name="发出督办").click()
    expect(page.locator("ol.history")).to_contain_text("督办")
    expect(page.locator("ol.history")).to_contain_text("已超期，请于今日下班前反馈办理结果")
    sign_out()

    # The department sees the 督办 on the ticket and reports back with evidence.
    sign_in(handler)
    page.goto(f"/tickets/{ticket_id}")
    expect(page.locator("[data-urged]")).to_contain_text("已超期，请于今日下班前反馈办理结果")
    page.locator("summary", has_text="反馈办理结果").click()
    page.get_by_label("办理结果", exact=True).fill("已完成维修并经现场确认")
    page.get_by_label("佐证材料（照片或 PDF）").set_input_files(str(photo))
    page.get_by_role("button", name="提交反馈").click()
    expect(page.locator("main")).to_contain_text("已反馈待核实")
    expect(page.locator("[data-urged]")).to_have_count(0)
    sign_out()

    # The dispatcher verifies and closes it, then revisits the resident.
    sign_in(dispatcher)
    page.goto(f"/tickets/{ticket_id}")
    page.get_by_label("核实意见").fill("现场核实已整改")
    page.get_by_role("button", name="提交核实").click()
    expect(page.locator("main")).to_contain_text("已办结")
    page.locator("summary", has_text="回访群众").click()
    page.get_by_label("满意度").select_option("satisfied")
    page.get_by_role("button", name="记录回访").click()
    expect(page.locator("ol.history")).to_contain_text(re.compile("回访"))
