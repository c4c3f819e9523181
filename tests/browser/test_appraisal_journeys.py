"""Appraisal in the browser: a staff member writes this week's log; the section chief sees it."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
DISTRICT = {"sub": "d-browser", "name": "区委组织部", "roles": ["district_admin"], "scopes": {}, "title": "干部科"}


def this_week() -> str:
    year, week, _ = dt.datetime.now(ZoneInfo("Asia/Shanghai")).isocalendar()
    return f"{year}-W{week:02d}"


def staff_and_chief(people) -> tuple[dict, dict]:
    """A demo staff member and the section chief of their unit, or two of a test unit."""
    for staff in people.users:
        if "staff" not in staff["roles"] or not staff["scopes"].get("unit"):
            continue
        chief = people.find("section_chief", unit=staff["scopes"]["unit"])
        if chief is not None:
            return staff, chief
    unit = "u-browser"
    staff = {
        "sub": "p-browser-1",
        "name": "王小明",
        "roles": ["staff"],
        "scopes": {"unit": unit, "section": "s-1"},
        "title": "科员",
    }
    chief = {
        "sub": "p-browser-9",
        "name": "赵股长",
        "roles": ["section_chief"],
        "scopes": {"unit": unit, "section": "s-1"},
        "title": "股长",
    }
    return staff, chief


def test_sign_in_page_lists_demo_users_by_role(page, people) -> None:
    if not people.users:
        pytest.skip("no service seeds demo users yet")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/signin"))
    user = people.users[0]
    button = page.locator(f'button.user-btn[data-sub="{user["sub"]}"]')
    expect(button).to_contain_text(user["name"])
    button.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#whoami")).to_contain_text(user["name"])
    expect(page.get_by_role("heading", name="首页")).to_be_visible()


def test_sign_in_page_says_what_each_role_does_and_offers_every_reviewer(page, people) -> None:
    chiefs = [u for u in people.users if "section_chief" in u["roles"]]
    if not chiefs:
        pytest.skip("no service seeds demo users yet")
    page.goto("/signin")
    group = page.get_by_role("region", name=re.compile(r"^股组长（\d+）$"))
    expect(group.locator(".role-duty")).to_contain_text("季度考核第一级审核")
    for chief in chiefs:
        expect(group.locator(f'button.user-btn[data-sub="{chief["sub"]}"]')).to_contain_text("股长")
    for role in ("deputy_leader", "principal_leader", "unit_admin", "staff"):
        user = people.find(role)
        expect(page.locator(f'button.user-btn[data-sub="{user["sub"]}"] .what')).not_to_be_empty()


def test_staff_submits_log_and_section_chief_sees_it(page, people, sign_in) -> None:
    staff, chief = staff_and_chief(people)
    marker = f"整理党建台账 {uuid.uuid4().hex[:6]}"

    sign_in(staff)
    page.get_by_role("link", name="本周纪实").click()
    expect(page.get_by_role("heading", name="本周纪实")).to_be_visible()

    # An empty log is refused next to the field, not silently.
    page.get_by_role("button", name="提交本周纪实").click()
    expect(page.locator('[data-error-for="items.0.text"]')).to_contain_text("请填写工作内容")

    page.get_by_label("工作内容").first.fill(marker)
    page.get_by_role("group", name="第 1 项的考核指标").get_by_role("button").first.click()
    page.get_by_role("button", name="＋ 添加一项工作").click()
    page.locator('textarea[name="items.1.text"]').fill("走访联系群众两户，记录诉求")
    page.get_by_role("button", name="提交本周纪实").click()
    expect(page.locator(".notice.ok")).to_contain_text("已提交")

    # The draft survives a reload only until it is submitted: after submit the server's log is shown.
    page.reload()
    expect(page.locator(".notice")).to_contain_text("本周已提交")
    expect(page.get_by_label("工作内容").first).to_have_value(marker)

    page.get_by_role("link", name="‹ 返回首页").click()
    page.get_by_role("link", name="纪实记录").click()
    expect(page.locator("li.log").first).to_contain_text(marker)

    page.get_by_role("button", name="退出").click()
    sign_in(chief)
    page.get_by_role("link", name="本单位纪实").click()
    entry = page.locator("li.log", has_text=marker)
    expect(entry).to_contain_text(staff["name"])

    # The district sees the unit's submission in reporting's read model (fed through JetStream).
    page.get_by_role("button", name="退出").click()
    sign_in(people.find("district_admin") or DISTRICT)
    page.goto(f"/district/submissions?week={this_week()}")
    # The unit by its name on screen; its id only in the markup.
    row = page.get_by_role("row").filter(has=page.locator(f'[data-unit="{staff["scopes"]["unit"]}"]'))
    for _ in range(20):
        if row.count():
            break
        page.get_by_role("button", name="刷新").click()
        expect(page.locator(".state-loading")).to_have_count(0)
    expect(row).to_be_visible()


def test_draft_is_kept_when_the_network_drops(page, people, sign_in) -> None:
    staff, _ = staff_and_chief(people)
    sign_in(staff)
    page.goto("/staff/log")
    page.get_by_label("工作内容").first.fill("断网时写下的工作内容")
    page.context.set_offline(True)
    try:
        page.locator("form button[type=submit]").click()
        expect(page.get_by_role("alert").filter(has_text="网络中断")).to_be_visible()
    finally:
        page.context.set_offline(False)
    # Back online, the waiting log is sent by itself (test_offline_log_journeys.py follows it further).
    expect(page.locator(".notice.ok")).to_contain_text("已提交")
    page.reload()
    expect(page.get_by_label("工作内容").first).to_have_value("断网时写下的工作内容")


def test_a_double_tap_on_submit_saves_one_revision(page, people, sign_in) -> None:
    staff, _ = staff_and_chief(people)
    sign_in(staff)
    page.goto("/staff/log")
    expect(page.get_by_label("工作内容").first).to_be_visible()
    notice = page.locator(".notice").first
    known = re.search(r"第 (\d+) 版", notice.inner_text()) if notice.count() else None
    before = int(known.group(1)) if known else 0
    page.get_by_label("工作内容").first.fill(f"双击提交只保存一次 {uuid.uuid4().hex[:6]}")
    submit = page.locator("form button[type=submit]")
    posts: list = []
    page.on("request", lambda r: posts.append(r) if r.method == "POST" and r.url.endswith("/v1/logs") else None)
    submit.dblclick()
    expect(page.locator(".notice.ok")).to_contain_text(f"第 {before + 1} 版")
    # A tap that lands after the first answer is the same action: the same key, no new revision.
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/v1/logs")) as again:
        submit.click()
    assert again.value.json()["data"]["revision"] == before + 1
    assert len({r.headers["idempotency-key"] for r in posts}) == 1
    page.reload()
    expect(page.locator(".notice").first).to_contain_text(f"第 {before + 1} 版")


def test_a_moved_clock_shows_a_banner_and_moves_the_default_week(page, people, sign_in) -> None:
    """The services' /clock answer of a training platform (120 days ahead; the answer itself is
    checked against a running service in libs/common/tests/test_http.py): every page says so
    and the week offered is the platform's."""
    staff, _ = staff_and_chief(people)
    ahead = dt.datetime.now(ZoneInfo("Asia/Shanghai")) + dt.timedelta(days=120)
    moved = {"now": ahead.isoformat(), "moved": True, "offset_seconds": 120 * 86400}
    page.route("**/api/*/clock", lambda route: route.fulfill(json=moved))
    sign_in(staff)
    banner = page.locator("#clock-banner")
    expect(banner).to_contain_text("培训时钟")
    expect(banner).to_contain_text("比实际时间快 120 天")
    page.goto("/staff/log")
    year, week, _ = ahead.isocalendar()
    expect(page.get_by_label("周次")).to_have_value(f"{year}-W{week:02d}")
    expect(page.locator("#clock-banner")).to_be_visible()
