"""Villages in the browser: a village secretary reports project progress and the district's
ranking of towns changes; the town administrator sees the town's villages and inspections."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_secretary_reports_progress_and_the_district_ranking_changes(page, people, sign_in) -> None:
    secretary = people.need("village_secretary")
    district = people.need("district_admin")
    town = secretary["scopes"]["town"]

    sign_in(district)
    page.get_by_role("link", name="村级看板").click()
    average = page.locator(f'[data-avg="{town}"]')
    expect(average).to_have_text(re.compile(r"%$"))
    before = average.inner_text()
    page.get_by_role("button", name="退出").click()

    sign_in(secretary)
    page.get_by_role("link", name="村档案").click()
    page.locator("li[data-project] a").first.click()
    current = int(page.locator("[data-progress]").first.get_attribute("data-progress"))
    if current >= 100:
        pytest.skip("the demo project is already complete")
    step = f"完成冷库主体建设 {uuid.uuid4().hex[:4]}"
    form = page.get_by_role("form", name="上报里程碑进度")
    form.get_by_label("完成事项").fill(step)
    form.get_by_label("总体进度（%）").fill("101")
    form.get_by_role("button", name="上报进度").click()
    expect(form.locator('[data-error-for="progress_pct"]')).not_to_be_empty()  # the API's message, by the field
    form.get_by_label("总体进度（%）").fill("100")
    form.get_by_role("button", name="上报进度").click()
    expect(page.locator("[data-milestone]", has_text=step)).to_contain_text(f"{current}% → 100%")
    expect(page.locator("[data-progress]").first).to_have_attribute("data-progress", "100")
    page.get_by_role("button", name="退出").click()

    sign_in(district)
    page.get_by_role("link", name="村级看板").click()
    average = page.locator(f'[data-avg="{town}"]')
    for _ in range(20):
        expect(average).to_have_text(re.compile(r"%$"))
        if average.inner_text() != before:
            break
        page.get_by_role("button", name="刷新").click()
    expect(average).not_to_have_text(before)


def test_town_admin_sees_villages_and_inspection_findings(page, people, sign_in) -> None:
    admin = people.need("town_admin")
    sign_in(admin)
    page.get_by_role("link", name="本镇各村").click()
    expect(page.get_by_role("region", name="村书记项目进度排名")).to_be_visible()
    village = page.locator("li[data-village] a").first
    name = village.locator(".title").inner_text()
    village.click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    page.goto("/town/inspections")
    expect(page.get_by_role("list", name="检查轮次").locator("li").first).to_be_visible()
    page.get_by_label("问题状态").select_option("")
    expect(page.get_by_role("list", name="检查问题").locator("li").first).to_be_visible()
