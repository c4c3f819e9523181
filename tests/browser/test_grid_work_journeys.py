"""The grid journey in the browser: a grid member's report with a photo is dispatched, and the
department sees the reporter's photo on the ticket and accepts it; an overdue ticket is pressed
(督办) by the dispatcher — a refusal shown by the field — and the department, seeing the 督办,
reports back; the dispatcher verifies, and revisits the resident.

Time does not pass in a browser test: the overdue ticket is one the demo data left past its
deadline (accepted by the same department, not yet reported back)."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_report_photo_dispatch_accept_then_an_overdue_ticket_urged_to_revisit(page, people, sign_in, sign_out, platform, photo) -> None:  # fmt: skip
    member = people.need("grid_member")
    community = member["scopes"]["community"]
    dispatcher = people.need("community_admin", community=community)
    # The department of a demo handler that holds an overdue ticket (in progress, else not accepted).
    board = httpx.get(
        f"{platform.url}/api/grid/api/v1/boards/overdue",
        params={"limit": 200},
        headers={"Authorization": f"Bearer {people.token_for(dispatcher)}"},
        timeout=60,
    ).json()["items"]
    handlers = {u["scopes"].get("department"): u for u in people.users if "department" in u["roles"]}
    overdue = sorted(
        (t for t in board if t["department_id"] in handlers), key=lambda t: t["state"] not in ("accepted", "handled")
    )
    if not overdue:
        pytest.skip("the demo data left no overdue open ticket at a department with a demo handler")
    ticket = overdue[0]
    handler = handlers[ticket["department_id"]]
    department = handler["scopes"]["department"]
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

    # Dispatched to the handler's department.
    sign_in(dispatcher)
    page.get_by_role("link", name="派单看板").click()
    waiting = page.locator("li.report", has_text=marker)
    waiting.get_by_text("派单", exact=True).click()
    waiting.get_by_label("承办部门").select_option(department)
    waiting.get_by_role("button", name="吹哨派单").click()
    expect(page.get_by_role("heading", name="工单详情")).to_be_visible()
    expect(page.get_by_role("group", name="上报照片 1 份").locator("img")).to_be_visible()
    sign_out()

    # The department sees the reporter's photo on the ticket, and accepts it.
    sign_in(handler)
    page.get_by_role("link", name="部门工单").click()
    page.locator("li", has_text=marker).get_by_role("link").first.click()
    expect(page.get_by_role("group", name="上报照片 1 份").locator("img")).to_be_visible()
    page.get_by_role("button", name="签收").click()
    expect(page.locator("main")).to_contain_text("办理中")
    sign_out()

    # An overdue ticket of the same department: the dispatcher presses it (督办).
    sign_in(dispatcher)
    page.goto(f"/tickets/{ticket['ticket_id']}")
    expect(page.locator("main")).to_contain_text(re.compile("签收超时|办理超时"))
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
    page.goto(f"/tickets/{ticket['ticket_id']}")
    expect(page.locator("[data-urged]")).to_contain_text("已超期，请于今日下班前反馈办理结果")
    if ticket["state"] == "dispatched":
        page.get_by_role("button", name="签收").click()
        expect(page.locator("main")).to_contain_text("办理中")
    page.locator("summary", has_text="反馈办理结果").click()
    page.get_by_label("办理结果", exact=True).fill("已完成维修并经现场确认")
    page.get_by_label("佐证材料（照片或 PDF）").set_input_files(str(photo))
    page.get_by_role("button", name="提交反馈").click()
    expect(page.locator("main")).to_contain_text("已反馈待核实")
    expect(page.locator("[data-urged]")).to_have_count(0)
    sign_out()

    # The dispatcher verifies and closes it, then revisits the resident.
    sign_in(dispatcher)
    page.goto(f"/tickets/{ticket['ticket_id']}")
    page.get_by_label("核实意见").fill("现场核实已整改")
    page.get_by_role("button", name="提交核实").click()
    expect(page.locator("main")).to_contain_text("已办结")
    page.locator("summary", has_text="回访群众").click()
    page.get_by_label("满意度").select_option("satisfied")
    page.get_by_role("button", name="记录回访").click()
    expect(page.locator("ol.history")).to_contain_text(re.compile("回访"))
