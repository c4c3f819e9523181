"""The district's and the operator's jobs in the browser.

District: the statistics exported, a notice and a bulletin downloaded as Word, a civil servant's
growth archive found by name and unit (an empty search refused with the service's message), and
one archive joining a cadre's appraisal with the tickets she handled in the grid.
Operator: a read model rebuilt from the screen with its progress; a parked event retried.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from grassroots_common.demo import HR_TICKET_HANDLER

APPRAISAL = {"PersonEnrolled", "SelfAssessed", "ReviewRecorded", "ResultsPublished", "QuarterFinalized"}

pytestmark = pytest.mark.browser


def saved(download) -> bytes:
    return Path(download.path()).read_bytes()


def test_district_statistics_notice_bulletin_and_an_archive_found_by_name(page, people, sign_in, fits) -> None:
    district = people.need("district_admin")
    staff = people.need("staff")
    sign_in(district)

    page.get_by_role("link", name="一键统计").click()
    expect(page.locator('[data-figure="log_submission"]')).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("button", name="导出 Excel").click()
    assert info.value.suggested_filename.endswith(".xlsx") and saved(info.value)[:4] == b"PK\x03\x04"

    page.goto("/district/notices")
    page.get_by_role("list", name="通报列表").locator("a").first.click()
    with page.expect_download() as info:
        page.get_by_role("button", name="下载 Word").click()
    assert info.value.suggested_filename.endswith(".docx") and saved(info.value)[:4] == b"PK\x03\x04"

    page.goto("/district/bulletins")
    page.get_by_role("list", name="简报列表").locator("a").first.click()
    with page.expect_download() as info:
        page.get_by_role("button", name="下载 Word").click()
    assert info.value.suggested_filename.endswith(".docx") and saved(info.value)[:4] == b"PK\x03\x04"

    # An archive found by a person's name and unit, not by an id.
    page.goto("/archives")
    form = page.get_by_role("form", name="按姓名查找")
    form.get_by_role("button", name="查找").click()
    expect(form.locator('[data-error-for="name"]')).to_contain_text("请输入姓名或单位")
    form.get_by_label("姓名").fill(staff["name"])
    form.get_by_role("button", name="查找").click()
    hit = page.get_by_role("list", name="查找结果").locator(f'li[data-person="{staff["sub"]}"]')
    expect(hit).to_be_visible()
    unit = hit.locator("p").inner_text()
    form.get_by_label("单位").fill(unit[:4])
    form.get_by_role("button", name="查找").click()
    results = page.get_by_role("list", name="查找结果")
    expect(results.locator(f'li[data-person="{staff["sub"]}"]')).to_be_visible()
    expect(results.locator("li p").filter(has_not_text=unit)).to_have_count(0)
    fits()
    results.locator(f'li[data-person="{staff["sub"]}"] a').click()
    expect(page.get_by_role("region", name=staff["name"])).to_contain_text(unit)
    expect(page.get_by_role("list", name="成长记录").locator("li.entry").first).to_be_visible()


def _park_a_grid_event(platform) -> int:
    """Park a department's registration in the grid's hierarchy read model, as a failing handler
    would (the handler itself does not fail on demo data); answer the parked id."""
    from grassroots_cli.operator import Target
    from grassroots_common.projections.dead_letters import park
    from grassroots_common.store import EventStore
    from grid.projections.hierarchy import HierarchyProjection

    async def run() -> int:
        target = Target.resolve(platform.data_dir)
        pool = await target.pool("grid")
        try:
            row = await pool.fetchrow(
                "SELECT stream_id FROM events WHERE type = 'DepartmentRegistered' ORDER BY position LIMIT 1"
            )
            events = await EventStore(pool).load(row["stream_id"])
            event = next(e for e in events if e.type == "DepartmentRegistered")
            await pool.execute(
                "DELETE FROM dead_letters WHERE projection = 'grid_hierarchy' AND event_id = $1::uuid", event.event_id
            )
            await park(pool, HierarchyProjection(), "grid", event, "browser journey: a handler that failed", 3)
            return await pool.fetchval(
                "SELECT id FROM dead_letters WHERE projection = 'grid_hierarchy' AND event_id = $1::uuid",
                event.event_id,
            )
        finally:
            await pool.close()

    # Playwright's sync API keeps an event loop on this thread: the database work runs on another.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()


def test_operator_rebuilds_a_read_model_and_retries_a_parked_event(page, people, sign_in, platform, fits) -> None:
    operator = people.need("operator")
    parked_id = _park_a_grid_event(platform)
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(operator)
    page.get_by_role("link", name="读模型与积压").click()
    grid = page.get_by_role("region", name="网格服务", exact=True)
    expect(grid.get_by_role("region", name="网格服务的读模型")).to_be_visible()

    # A rebuild from the screen: progress while it replays, then done.
    grid.get_by_text("重建读模型").click()
    row = grid.locator('[data-rebuild-row="grid_hierarchy"]')
    row.get_by_role("button", name="重建").click()
    expect(row.locator('[data-rebuild="done"]')).to_contain_text("重建完成", timeout=30_000)
    fits()
    grid.get_by_role("button", name="刷新").click()
    rebuilt = grid.get_by_role("region", name="网格服务的读模型").locator(
        "tr", has=page.locator('[data-projection="grid_hierarchy"]')
    )
    year = str(dt.datetime.now(ZoneInfo("Asia/Shanghai")).year)
    expect(rebuilt.locator("td").nth(7)).to_contain_text(year)

    # The parked event, retried: it leaves the parked list and shows under 已重试.
    grid.get_by_text("搁置事件（死信）").click()
    parked = grid.locator(f'li[data-dead-letter="{parked_id}"]')
    expect(parked).to_contain_text("browser journey")
    parked.get_by_role("button", name="重试").click()
    expect(grid.locator(f'li[data-dead-letter="{parked_id}"]')).to_have_count(0)
    grid.get_by_label(re.compile("搁置事件状态")).select_option("retried")
    expect(grid.locator(f'li[data-dead-letter="{parked_id}"]')).to_be_visible()


def test_one_archive_joins_a_cadres_appraisal_and_the_tickets_she_handled(page, people, sign_in, fits) -> None:
    """The growth archive across services: the HR bureau's ticket handler is a person of its roster
    (one person id in both services), so her archive holds her appraisal and the tickets she took."""
    person_id, name = HR_TICKET_HANDLER
    sign_in(people.need("district_admin"))
    page.goto("/archives")
    form = page.get_by_role("form", name="按姓名查找")
    form.get_by_label("姓名").fill(name)
    form.get_by_role("button", name="查找").click()
    page.get_by_role("list", name="查找结果").locator(f'li[data-person="{person_id}"] a').click()
    expect(page.get_by_role("region", name=name)).to_contain_text("人力资源和社会保障局")
    records = page.get_by_role("list", name="成长记录")
    expect(records.locator("li.entry").first).to_be_visible()
    seen: set[str] = set()
    for _ in range(40):  # a few years of records, 15 to a page
        here = set(records.locator("li.entry").evaluate_all("els => els.map((e) => e.dataset.type)"))
        if "TicketAccepted" in here and "TicketAccepted" not in seen:
            expect(records.locator('li.entry[data-type="TicketAccepted"]').first).to_contain_text("签收承办工单")
        seen |= here
        if "TicketAccepted" in seen and seen & APPRAISAL:
            break
        forward = page.get_by_role("button", name="下一页")
        if not forward.is_enabled():
            break
        forward.click()
        expect(page.locator(".state-loading")).to_have_count(0)
    assert "TicketAccepted" in seen, seen
    assert seen & APPRAISAL, seen
    fits()
