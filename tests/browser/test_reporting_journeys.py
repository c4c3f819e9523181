"""Reporting and appraisal administration in the browser: the district generates a notice and
downloads it as Word; composes a bulletin with a figure block and downloads it; staff read their
own growth archive; a unit administrator edits the indicator scheme with its totals checked."""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
DISTRICT = {"sub": "d-browser", "name": "区委组织部", "roles": ["district_admin"], "scopes": {}, "title": "干部科"}


def week_before(weeks: int) -> str:
    day = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date() - dt.timedelta(weeks=weeks)
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def free_weekly_period(platform, people, user: dict) -> str:
    """A past week without a weekly notice yet (the scheduler generates recent ones)."""
    headers = {"Authorization": f"Bearer {people.token_for(user)}"}
    answer = httpx.get(
        f"{platform.url}/api/reporting/api/v1/notices", params={"kind": "weekly", "limit": 200}, headers=headers
    )
    answer.raise_for_status()
    taken = {n["period"] for n in answer.json()["items"]}
    for weeks in range(2, 104):
        if week_before(weeks) not in taken:
            return week_before(weeks)
    pytest.skip("every weekly notice of the last two years exists already")


def saved(download) -> bytes:
    return Path(download.path()).read_bytes()


def word_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as docx:
        return docx.read("word/document.xml").decode()


def test_district_admin_generates_a_notice_and_downloads_it(page, people, sign_in, platform) -> None:
    admin = people.find("district_admin") or DISTRICT
    period = free_weekly_period(platform, people, admin)
    sign_in(admin)
    page.get_by_role("link", name="通报").click()
    expect(page.get_by_role("list", name="通报列表").or_(page.get_by_text("还没有生成通报"))).to_be_visible()

    page.get_by_text("为某一期间生成通报").click()
    form = page.get_by_role("form", name="生成通报")
    form.get_by_label("期间").fill("2026-13")
    form.get_by_role("button", name="生成通报").click()
    expect(form.locator('[data-error-for="period"]')).not_to_be_empty()

    form.get_by_label("期间").fill(period)
    form.get_by_role("button", name="生成通报").click()
    expect(page).to_have_url(re.compile(r"/district/notices/\d+$"))
    facts = page.locator("main p.muted").first
    expect(facts).to_contain_text(f"周通报 · {period}")
    expect(page.get_by_role("region", name=re.compile("周通报$"))).to_be_visible()
    code = facts.inner_text().split(" · ")[0]

    with page.expect_download() as info:
        page.get_by_role("button", name="下载 Word").click()
    docx = info.value
    assert docx.suggested_filename == f"{code}.docx"
    data = saved(docx)
    assert data[:4] == b"PK\x03\x04"
    assert code in word_text(data)

    with page.expect_download() as info:
        page.get_by_role("button", name="下载 Excel").click()
    assert info.value.suggested_filename == f"{code}.xlsx"
    assert saved(info.value)[:4] == b"PK\x03\x04"

    # The same period again: refused with the service's message and a way to the existing notice.
    page.goto("/district/notices")
    page.get_by_text("为某一期间生成通报").click()
    form = page.get_by_role("form", name="生成通报")
    form.get_by_label("期间").fill(period)
    form.get_by_role("button", name="生成通报").click()
    expect(form.locator(".form-error")).to_contain_text("已生成")
    form.get_by_role("link", name="打开已生成的这一期通报").click()
    expect(page.locator("main p.muted").first).to_contain_text(code)


def test_district_admin_composes_a_bulletin_with_a_figure_and_downloads_it(page, people, sign_in) -> None:
    sign_in(people.find("district_admin") or DISTRICT)
    page.get_by_role("link", name="简报").click()
    page.get_by_role("link", name="编发新一期简报").click()
    form = page.get_by_role("form", name="编发简报")
    form.get_by_role("button", name="编发本期简报").click()
    expect(form.locator('[data-error-for="title"]')).not_to_be_empty()
    expect(form.locator('[data-error-for="sections.0"]')).to_contain_text("正文或数据图表")

    title = f"凤翔区平时考核工作进展 {uuid.uuid4().hex[:4]}"
    form.get_by_label("简报标题").fill(title)
    form.get_by_label("编者按").fill("现将各单位平时考核推进情况刊发，供学习借鉴。")
    first = form.get_by_role("group", name="第 1 节")
    first.get_by_label("小标题").fill("一、总体情况")
    first.get_by_label("正文", exact=True).fill("全区平时考核工作有序推进，周纪实按时提交。")
    form.get_by_role("button", name="＋ 添加一节").click()
    second = form.get_by_role("group", name="第 2 节")
    second.get_by_label("小标题").fill("二、周纪实提交情况")
    second.get_by_label("内容类型").select_option("figure")
    second.get_by_label("数据", exact=True).select_option("log_submission")
    second.get_by_label("统计期间").fill(dt.datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m"))
    form.get_by_role("button", name="编发本期简报").click()

    card = page.get_by_role("region", name=title)
    expect(card).to_be_visible()
    expect(card.locator('[data-figure="log_submission"]')).to_be_visible()
    label = page.locator("main p.muted").first.inner_text().split(" · ")[0]

    with page.expect_download() as info:
        page.get_by_role("button", name="下载 Word").click()
    docx = info.value
    assert docx.suggested_filename.endswith(".docx")
    assert label.replace(" ", "") in docx.suggested_filename
    data = saved(docx)
    assert data[:4] == b"PK\x03\x04"
    assert title in word_text(data)


def test_staff_reads_their_own_growth_archive(page, people, sign_in) -> None:
    staff = people.need("staff")
    sign_in(staff)
    page.get_by_role("link", name="我的成长档案").click()
    expect(page.get_by_role("region", name=staff["name"])).to_be_visible()
    expect(page.get_by_role("region", name="季度等次").get_by_role("row").nth(1)).to_be_visible()
    expect(page.get_by_role("list", name="成长记录").locator("li.entry").first).to_be_visible()

    # Somebody else's archive is not a staff member's screen.
    page.goto("/archives/people/somebody-else")
    expect(page.get_by_text("你无权使用此功能")).to_be_visible()


def test_unit_admin_edits_the_indicator_scheme_with_totals_checked(page, people, sign_in) -> None:
    admin = people.need("unit_admin")
    year = dt.datetime.now(ZoneInfo("Asia/Shanghai")).year + 1
    sign_in(admin)
    page.get_by_role("link", name="指标体系").click()
    page.get_by_label("年度").select_option(str(year))
    form = page.get_by_role("form", name=f"{year} 年指标体系")
    first = form.get_by_role("group", name="第 1 项指标")
    points = first.get_by_label("分值")
    points.fill(str(float(points.input_value()) + 5))
    expect(form.get_by_role("group", name="分值合计").locator(".stat.bad")).to_be_visible()
    form.get_by_role("button", name="保存指标体系").click()
    expect(form.locator('[data-error-for="indicators"]')).to_contain_text("合计应为 100")

    points.fill(str(float(points.input_value()) - 5))
    form.get_by_role("button", name="保存指标体系").click()
    expect(page.get_by_role("form", name=f"{year} 年指标体系")).to_contain_text("版")
    expect(page.get_by_role("form", name=f"{year} 年指标体系").locator(".muted.small").first).to_contain_text("当前第")


def test_district_admin_filters_statistics_and_exports_excel(page, people, sign_in) -> None:
    sign_in(people.find("district_admin") or DISTRICT)
    page.get_by_role("link", name="一键统计").click()
    expect(page.locator('[data-figure="log_submission"]')).to_be_visible()

    form = page.get_by_role("form", name="统计条件")
    form.get_by_label("统计期间").fill("2026-Q9")
    form.get_by_role("button", name="统计").click()
    expect(form.locator('[data-error-for="period"]')).not_to_be_empty()

    quarter = f"{dt.datetime.now(ZoneInfo('Asia/Shanghai')).year}-Q1"
    form.get_by_label("统计期间").fill(quarter)
    unit = form.get_by_label("单位（考核数据）")
    unit.select_option(index=1)
    form.get_by_role("button", name="统计").click()
    expect(page.get_by_text(re.compile(r"第1季度 · 单位 "))).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("button", name="导出 Excel").click()
    assert info.value.suggested_filename == f"统计报表-{quarter}.xlsx"
    assert saved(info.value)[:4] == b"PK\x03\x04"

    page.goto("/district/submissions")
    progress = page.get_by_role("region", name="季度考评进度")
    expect(progress.locator('[data-figure="review_progress"]').get_by_role("row").nth(1)).to_be_visible()
