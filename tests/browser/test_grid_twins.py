"""Grid reports that find their twin, in the browser on a 390 px phone: a grid member starting a
report near an open one of the same category is offered it and joins it; a duplicate filed anyway
is merged by the community dispatcher; the first reporter sees every co-reporter by name."""

from __future__ import annotations

import random
import re
import uuid

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def at(page, latitude: float, longitude: float) -> None:
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": latitude, "longitude": longitude})


def start_report(page, check_screen, *, expect_twin: str | None = None):
    """Open the report form, locate the phone and pick the category: the twins are asked for."""
    page.goto("/grid/report")
    page.get_by_role("button", name="使用当前位置").click()
    expect(page.get_by_text(re.compile("已定位"))).to_be_visible()
    form = page.get_by_role("form", name="上报问题")
    form.get_by_label("问题类别").select_option(index=1)
    twins = page.get_by_role("region", name="附近已有相同问题")
    if expect_twin is not None:
        expect(twins.locator("li.twin", has_text=expect_twin)).to_be_visible()
        check_screen(page, "the report form offering a twin at 390 px")
    return form, twins


def file_and_escalate(page, form, text: str) -> None:
    form.get_by_label("问题描述").fill(text)
    form.get_by_label("地点").fill("西关街 3 号")
    form.get_by_role("button", name="上报").click()
    report = page.locator("li.report", has_text=text)
    expect(report).to_contain_text("待处理")
    report.get_by_text("上报社区派单").click()
    report.get_by_label("上报原因").fill("需社区协调清运")
    report.get_by_role("button", name="上报社区").click()
    expect(page.locator("li.report", has_text=text)).to_contain_text("已上报社区")


def test_a_twin_is_joined_and_a_duplicate_merged(page, people, sign_in, sign_out, check_screen) -> None:
    member = people.need("grid_member")
    community = member["scopes"]["community"]
    dispatcher = people.need("community_admin", community=community)
    tag = uuid.uuid4().hex[:6]
    # Somewhere no demo report is: the only twins are this test's own.
    rng = random.Random(tag)
    here = (round(30 + rng.random() * 5, 6), round(100 + rng.random() * 5, 6))
    near = (round(here[0] + 0.00018, 6), here[1])  # ≈ 20 m north
    second = {
        "sub": f"gm_twin_{tag}",
        "name": "周网格",
        "roles": ["grid_member"],
        "scopes": dict(member["scopes"]),
    }
    third = {**second, "sub": f"gm_dup_{tag}", "name": "吴网格"}
    original = f"西关街垃圾堆积 {tag}"
    duplicate = f"西关街垃圾没人清运 {tag}"
    page.set_viewport_size(PHONE)

    # The first grid member files the report (no twin yet).
    at(page, *here)
    sign_in(member)
    form, twins = start_report(page, check_screen)
    expect(twins).to_have_count(0)
    file_and_escalate(page, form, original)
    sign_out()

    # A second member starting a report 20 m away is offered it, and joins it instead.
    at(page, *near)
    sign_in(second)
    form, twins = start_report(page, check_screen, expect_twin=original)
    twin = twins.locator("li.twin", has_text=original)
    expect(twin).to_contain_text("相距约 20 米")
    expect(twin).to_contain_text("已上报社区")
    twin.get_by_label("补充情况（可选）").fill("今早路过又看到了")
    twin.get_by_role("button", name="是同一问题，加入此上报").click()
    joined = page.locator("li.report", has_text=original)
    expect(joined).to_contain_text("共同上报：周网格")
    expect(joined).to_contain_text("我加入的")
    check_screen(page, "my reports with a joined one at 390 px")
    # Offered again, the twin says so instead of a second join.
    form, twins = start_report(page, check_screen, expect_twin=original)
    expect(twins.locator("li.twin", has_text=original)).to_contain_text("你已上报或已加入")
    sign_out()

    # A third files anyway: a duplicate, which the dispatcher merges into the original.
    at(page, *here)
    sign_in(third)
    form, twins = start_report(page, check_screen, expect_twin=original)
    file_and_escalate(page, form, duplicate)
    sign_out()

    sign_in(dispatcher)
    page.get_by_role("link", name="派单看板").click()
    # Each waiting report names the other in its merge choices: find it by its own title.
    waiting = page.locator("li.report").filter(has=page.locator("p.title", has_text=duplicate))
    waiting.get_by_text("合并重复上报").click()
    into = waiting.get_by_label("并入（保留的上报）")
    value = into.locator("option", has_text=original).get_attribute("value")
    into.select_option(value)
    check_screen(page, "the dispatch board merging a duplicate at 390 px")
    waiting.get_by_role("button", name="确认合并").click()
    expect(page.get_by_role("status").filter(has_text="已合并")).to_be_visible()
    expect(page.locator("li.report").filter(has=page.locator("p.title", has_text=duplicate))).to_have_count(0)
    sign_out()

    # The first reporter sees both co-reporters on the original.
    sign_in(member)
    page.goto("/grid/reports")
    expect(page.locator("li.report", has_text=original)).to_contain_text("共同上报：周网格、吴网格")
    check_screen(page, "the first reporter's reports at 390 px")
