"""Grid governance in the browser: a grid member's report with a photo becomes a ticket the
community dispatches, the department accepts and reports back, the community verifies and closes;
a resident's micro-wish is screened by the community, claimed and fulfilled by a volunteer."""

from __future__ import annotations

import re
import struct
import uuid
import zlib
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def png(path: Path) -> Path:
    """A small valid PNG (a red square), as a phone camera would upload."""
    width = height = 8
    raw = b"".join(b"\x00" + b"\xb3\x26\x1e" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    )
    return path


def in_pages(page, row):
    """The row, paging forward through a paged list until it shows."""
    expect(page.locator(".paged .list, .paged .state-empty").first).to_be_visible()
    expect(page.locator(".state-loading")).to_have_count(0)
    while not row.count():
        page.get_by_role("button", name="下一页").click()
        expect(page.locator(".state-loading")).to_have_count(0)
    return row


def sign_out(page) -> None:
    page.get_by_role("button", name="退出").click()
    expect(page).to_have_url(re.compile(r"/signin"))


def test_grid_report_becomes_a_ticket_the_department_closes(page, people, sign_in, tmp_path) -> None:
    member = people.need("grid_member")
    community = member["scopes"]["community"]
    dispatcher = people.need("community_admin", community=community)
    handler = people.need("department")
    marker = f"井盖缺失 {uuid.uuid4().hex[:6]}"
    photo = png(tmp_path / "scene.png")

    # The grid member reports with a photo; a too-short description is refused next to its field.
    sign_in(member)
    page.get_by_role("link", name="上报问题").click()
    form = page.get_by_role("form", name="上报问题")
    form.get_by_label("问题类别").select_option(index=1)
    form.get_by_label("问题描述").fill("井盖")
    form.get_by_label("地点").fill("东大街 12 号")
    form.get_by_role("button", name="上报").click()
    expect(form.locator('[data-error-for="text"]')).not_to_be_empty()
    form.get_by_label("问题描述").fill(f"{marker}，东大街 12 号路口，行人易跌落")
    form.get_by_label("现场照片（最多 9 张）").set_input_files(str(photo))
    form.get_by_role("button", name="上报").click()

    report = page.locator("li.report", has_text=marker)
    expect(report).to_contain_text("待处理")
    expect(report.locator(".thumb img")).to_be_visible()  # the photo, fetched with the bearer token
    report.get_by_text("上报社区派单").click()
    report.get_by_label("上报原因").fill("涉及市政设施，需职能部门处理")
    report.get_by_role("button", name="上报社区").click()
    expect(page.locator("li.report", has_text=marker)).to_contain_text("已上报社区")
    sign_out(page)

    # The community dispatcher dispatches it to the handler's department.
    sign_in(dispatcher)
    page.get_by_role("link", name="派单看板").click()
    waiting = page.locator("li.report", has_text=marker)
    waiting.get_by_text("派单", exact=True).click()
    waiting.get_by_label("承办部门").select_option(handler["scopes"]["department"])
    waiting.get_by_role("button", name="吹哨派单").click()
    expect(page.get_by_role("heading", name="工单详情")).to_be_visible()
    expect(page.locator("main")).to_contain_text("待签收")
    ticket_url = page.url.split("?")[0]
    sign_out(page)

    # The department accepts and reports back with evidence.
    sign_in(handler)
    page.get_by_role("link", name="部门工单").click()
    page.locator("li", has_text=marker).get_by_role("link").first.click()
    page.get_by_role("button", name="签收").click()
    expect(page.locator("main")).to_contain_text("办理中")
    page.get_by_text("反馈办理结果", exact=True).click()
    page.get_by_label("办理结果", exact=True).fill("已补装井盖并设置警示标志")
    page.get_by_label("佐证材料（照片或 PDF）").set_input_files(str(photo))
    page.get_by_role("button", name="提交反馈").click()
    expect(page.locator("main")).to_contain_text("已反馈待核实")
    expect(page.get_by_role("group", name="佐证材料 1 份").locator("img")).to_be_visible()
    sign_out(page)

    # The dispatcher verifies on site and the ticket closes; then revisits the resident.
    sign_in(dispatcher)
    page.goto(ticket_url)
    page.get_by_label("核实意见").fill("现场核实已整改")
    page.get_by_role("button", name="提交核实").click()
    expect(page.locator("main")).to_contain_text("已办结")
    page.get_by_text("回访群众").click()
    page.get_by_label("满意度").select_option("satisfied")
    page.get_by_role("button", name="记录回访").click()
    expect(page.locator("main")).to_contain_text("满意度")
    expect(page.locator("ol.history")).to_contain_text("回访")


def test_micro_wish_is_screened_claimed_and_fulfilled(page, people, sign_in) -> None:
    volunteer = people.need("volunteer")
    community = volunteer["scopes"].get("community")
    dispatcher = people.need("community_admin", **({"community": community} if community else {}))
    title = f"想要一台收音机 {uuid.uuid4().hex[:4]}"

    sign_in(dispatcher)
    page.get_by_role("link", name="微心愿审核").click()
    page.get_by_text("收集一个新心愿").click()
    form = page.get_by_role("form", name="收集心愿")
    form.get_by_label("居民姓名").fill("张奶奶")
    form.get_by_label("心愿", exact=True).fill(title)
    form.get_by_label("情况说明").fill("独居老人，想听戏曲广播")
    form.get_by_role("button", name="登记心愿").click()
    wish = page.locator("li.wish", has_text=title)
    expect(wish).to_contain_text("待审核")
    wish.get_by_role("button", name="通过，上心愿墙").click()
    expect(page.get_by_role("status").filter(has_text="已上心愿墙")).to_be_visible()
    expect(page.locator("li.wish", has_text=title)).to_have_count(0)
    sign_out(page)

    sign_in(volunteer)
    page.get_by_role("link", name="心愿墙").click()
    wish = in_pages(page, page.locator("li.wish", has_text=title))
    wish.get_by_role("button", name="我来认领").click()
    page.get_by_role("tab", name="我认领的").click()
    wish = page.locator("li.wish", has_text=title)
    expect(wish).to_contain_text("已认领")
    wish.get_by_text("登记已实现").click()
    wish.get_by_label("实现情况").fill("已送去收音机并调好频道")
    wish.get_by_role("button", name="确认已实现").click()
    page.get_by_role("tab", name="我已实现的").click()
    expect(page.locator("li.wish", has_text=title)).to_contain_text("已实现")
