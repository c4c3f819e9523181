"""The revisit (回访) in the browser: the dispatcher records 部分解决 with a note to the department;
the ticket reopens at the same department, which reads the note on the ticket; the league table
shows the partly solved and unsolved rates beside the satisfaction rate.

The closed ticket is set up through the API (dispatch, accept, report back, verify): the journey
under test is the revisit."""

from __future__ import annotations

import uuid

import httpx
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_partly_solved_revisit_reopens_the_ticket_with_a_note(page, people, sign_in, sign_out, platform, check_screen) -> None:  # fmt: skip
    handler = people.need("department")
    dispatcher = people.need("community_admin")
    grid = f"{platform.url}/api/grid/api/v1"

    def post(path: str, body: dict, user: dict) -> dict:
        r = httpx.post(
            f"{grid}{path}", json=body, headers={"Authorization": f"Bearer {people.token_for(user)}"}, timeout=60
        )
        assert r.status_code == 200, r.text
        return r.json()

    rules = httpx.get(
        f"{grid}/routing-rules", headers={"Authorization": f"Bearer {people.token_for(dispatcher)}"}, timeout=60
    ).json()
    category = rules[0]["category"]
    marker = f"楼道堆物 {uuid.uuid4().hex[:6]}"
    ticket = post(
        "/tickets",
        {
            "category": category,
            "kind": "help_request",
            "title": marker,
            "text": f"{marker}，3 号楼楼道和楼后堆放杂物",
            "department_id": handler["scopes"]["department"],
        },
        dispatcher,
    )["data"]["ticket_id"]
    post(f"/tickets/{ticket}/acceptance", {}, handler)
    post(f"/tickets/{ticket}/report-back", {"result": "已清理楼道杂物", "evidence_upload_ids": []}, handler)
    post(f"/tickets/{ticket}/verification", {"passed": True}, dispatcher)

    sign_in(dispatcher)
    page.goto(f"/tickets/{ticket}")
    expect(page.locator("main")).to_contain_text("已办结")
    page.locator("summary", has_text="回访群众").click()
    page.get_by_label("满意度").select_option("partly")
    page.get_by_label("回访记录").fill("楼道清了，楼后还没清")
    page.get_by_label("转告承办部门", exact=False).fill("楼后的杂物还没清运，请再到现场处理")
    page.get_by_role("button", name="记录回访").click()
    history = page.locator("ol.history")
    # The ticket's history is the service's (action, then the answer beneath it).
    expect(history.locator("li", has_text="回访")).to_contain_text("部分解决")
    expect(history).to_contain_text("重新办理")
    expect(page.locator("main")).to_contain_text("待签收")
    expect(page.locator("main")).to_contain_text("部分解决")
    check_screen(page, "the reopened ticket")
    sign_out()

    # The department holds it again, and reads what is left.
    sign_in(handler)
    page.goto(f"/tickets/{ticket}")
    expect(page.locator("main")).to_contain_text("待签收")
    expect(page.locator("ol.history")).to_contain_text("楼后的杂物还没清运，请再到现场处理")
    expect(page.get_by_role("button", name="签收")).to_be_visible()
    sign_out()

    sign_in(dispatcher)
    page.goto("/district/league")
    page.get_by_role("button", name="查看排行").click()
    table = page.get_by_role("table", name="职能部门排行")
    expect(table).to_contain_text("部分解决率")
    expect(table).to_contain_text("未解决率")
    check_screen(page, "the league table")
