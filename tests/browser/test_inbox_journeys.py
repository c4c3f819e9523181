"""The inbox (收件箱): a staff member sees 本周纪实未提交 from the header's badge, submits the log
from the reminder's link, and the reminder is gone; their section chief sees the log waiting to
be read; a leader with people waiting sees the quarter review, as many as the review queue holds;
nobody reads another person's inbox."""

from __future__ import annotations

import datetime as dt
import re
import time
import uuid
from collections.abc import Callable
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

BEIJING = ZoneInfo("Asia/Shanghai")
# A projection of another service's events arrives within seconds; a loaded machine takes longer.
DEADLINE_SECONDS = 90.0


def until(check: Callable[[], object], what: str) -> object:
    """Wait on a condition with a deadline (the reporting read models follow the other services)."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        found = check()
        if found:
            return found
        assert time.monotonic() < deadline, f"not within {DEADLINE_SECONDS}s: {what}"
        time.sleep(0.25)


class Api:
    def __init__(self, platform, people) -> None:
        self.url = platform.url
        self.people = people

    def get(self, user: dict, path: str, **params: object) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.people.token_for(user)}"}
        return httpx.get(f"{self.url}{path}", params=params, headers=headers, timeout=60)

    def inbox(self, user: dict) -> list[dict]:
        answer = self.get(user, f"/api/reporting/v1/inbox/{user['sub']}")
        assert answer.status_code == 200, answer.text
        return answer.json()["items"]


def this_week(api: Api) -> str:
    """The platform's week (its clock may be moved), as the log screen shows it."""
    answer = httpx.get(f"{api.url}/api/appraisal/clock", timeout=60)
    assert answer.status_code == 200, answer.text
    now = dt.datetime.fromisoformat(answer.json()["now"]).astimezone(BEIJING)
    year, number, _ = now.isocalendar()
    return f"{year}-W{number:02d}"


def staff_without_this_weeks_log(api: Api, people) -> tuple[dict, dict, str]:
    """A person of the demo unit's roster (not a demo user: other journeys write their logs) whose
    log for the week is missing, and their section chief."""
    admin = people.need("unit_admin")
    unit = admin["scopes"]["unit"]
    week = this_week(api)
    missing = api.get(admin, "/api/appraisal/v1/logs/status", week=week, unit=unit, state="missing", limit=200)
    assert missing.status_code == 200, missing.text
    roster = api.get(admin, f"/api/appraisal/v1/units/{unit}/people", limit=200).json()["items"]
    by_id = {p["person_id"]: p for p in roster}
    demo = {u["sub"] for u in people.users}
    for row in missing.json()["items"]:
        person = by_id.get(row["person_id"])
        if person is None or person["person_id"] in demo or not person["active"]:
            continue
        chief = by_id.get(person["section_chief_id"] or "")
        if chief is None or chief["person_id"] == person["person_id"]:
            continue
        staff = {
            "sub": person["person_id"],
            "name": person["person_name"],
            "roles": ["staff"],
            "scopes": {"unit": unit, **({"section": person["section_id"]} if person["section_id"] else {})},
            "title": person["position"],
        }
        leader = next((u for u in people.users if u["sub"] == chief["person_id"]), None) or {
            "sub": chief["person_id"],
            "name": chief["person_name"],
            "roles": ["section_chief"],
            "scopes": {"unit": unit, **({"section": chief["section_id"]} if chief["section_id"] else {})},
            "title": chief["position"],
        }
        return staff, leader, week
    pytest.skip("every person of the demo unit has written this week's log")


def waiting_logs(api: Api, chief: dict, week: str) -> int:
    return sum(i["count"] for i in api.inbox(chief) if i["kind"] == "log_review" and i["link"].endswith(week))


def test_staff_sees_the_log_due_submits_it_and_the_reminder_is_gone(
    page, platform, people, sign_in, check_screen
) -> None:
    api = Api(platform, people)
    staff, chief, week = staff_without_this_weeks_log(api, people)
    until(lambda: any(i["kind"] == "log_due" for i in api.inbox(staff)), "the roster reached the inbox")
    waiting_before = waiting_logs(api, chief, week)

    sign_in(staff)
    badge = page.locator("#inbox-link .inbox-count")
    expect(badge).to_have_text(re.compile(r"^[1-9]\d*$"))
    count_before = int(badge.inner_text())
    page.locator("#inbox-link").click()
    expect(page.locator("main h1")).to_have_text("收件箱")
    due = page.locator(".inbox-item[data-kind=log_due]").filter(has_text="本周纪实未提交")
    expect(due).to_have_count(1)
    expect(due).to_contain_text("周纪实，请在")
    check_screen(page, "the staff member's inbox")

    # The reminder's link opens the week's log; the log is submitted there.
    due.get_by_role("link", name="去填写 ›").click()
    expect(page).to_have_url(re.compile(rf"/staff/log\?week={week}$"))
    page.get_by_label("工作内容").first.fill(f"走访联系户，整理台账 {uuid.uuid4().hex[:6]}")
    page.locator("form button[type=submit]").click()
    expect(page.locator(".notice.ok")).to_contain_text("第 1 版")

    until(lambda: not any(i["kind"] == "log_due" and i["link"].endswith(week) for i in api.inbox(staff)), "log left")
    page.locator("#inbox-link").click()
    expect(page.locator("main h1")).to_have_text("收件箱")
    expect(page.locator(".inbox-item[data-kind=log_due]").filter(has_text="本周纪实未提交")).to_have_count(0)
    if count_before > 1:
        expect(badge).to_have_text(str(count_before - 1))
    else:
        expect(badge).to_have_count(0)

    # The section chief: the log waits to be read, and the reminder leads to the unit's logs.
    until(lambda: waiting_logs(api, chief, week) == waiting_before + 1, "the chief's inbox counted the log")
    sign_in(chief)
    page.locator("#inbox-link").click()
    review = page.locator(".inbox-item[data-kind=log_review]").filter(has_text=f"第{int(week[6:])}周")
    expect(review).to_contain_text(f"有 {waiting_before + 1} 篇周纪实等待你批阅")
    review.get_by_role("link", name="去批阅 ›").click()
    expect(page).to_have_url(re.compile(rf"/unit/logs\?week={week}$"))
    expect(page.locator("main")).to_contain_text(staff["name"])

    # Nobody reads another person's inbox.
    refused = api.get(chief, f"/api/reporting/v1/inbox/{staff['sub']}")
    assert refused.status_code == 403 and refused.json()["detail"] == "只能查看本人的收件箱"


def test_a_leader_sees_the_quarter_reviews_waiting_for_them(page, platform, people, sign_in, check_screen) -> None:
    api = Api(platform, people)
    leaders = [u for u in people.users if {"section_chief", "deputy_leader", "principal_leader"} & set(u["roles"])]
    for leader in leaders:
        queue = api.get(leader, "/api/appraisal/v1/me/queue", limit=200).json()
        if queue["total"]:
            break
    else:
        pytest.skip("no demo leader has anyone waiting for review")
    waiting = queue["total"]

    def counted() -> bool:
        items = [i for i in api.inbox(leader) if i["kind"] == "quarter_review"]
        return sum(i["count"] for i in items) == waiting

    until(counted, "the inbox counts the review queue")
    sign_in(leader)
    expect(page.locator("#inbox-link .inbox-count")).to_be_visible()
    page.locator("#inbox-link").click()
    reviews = page.locator(".inbox-item[data-kind=quarter_review]")
    expect(reviews.first).to_contain_text("季度考核待审核")
    expect(reviews.first).to_contain_text("人等待你")
    check_screen(page, "a leader's inbox")
    reviews.first.get_by_role("link", name="去审核 ›").click()
    expect(page.locator("main h1")).to_have_text("待我审核")
