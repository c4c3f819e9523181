"""Leaders in the browser, against the appraisal API: the principal leader answers an appeal with
the unit's 好 quota in view (a 好 beyond the quota is refused); a section chief reviews a person
from the queue and the quota shown changes."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
DISTRICT = {"sub": "d-browser", "name": "区委组织部", "roles": ["district_admin"], "scopes": {}, "title": "干部科"}


def open_appeal(platform, people) -> tuple[dict, dict] | None:
    """An open appeal of the demo data and the principal leader who answers it."""
    district = people.find("district_admin") or DISTRICT
    api = f"{platform.url}/api/appraisal/api/v1"
    with httpx.Client(headers={"Authorization": f"Bearer {people.token_for(district)}"}, timeout=10) as client:
        for unit in client.get(f"{api}/units", params={"limit": 200}).json()["items"]:
            base = f"{api}/units/{unit['unit_id']}/quarters"
            for quarter in client.get(base, params={"status": "published"}).json()["items"]:
                appeals = client.get(f"{base}/{quarter['quarter']}/appeals", params={"status": "open"}).json()
                if not appeals["items"]:
                    continue
                appeal = appeals["items"][0]
                board = client.get(f"{base}/{quarter['quarter']}/board", params={"limit": 200}).json()
                person = next(p for p in board["items"] if p["person_id"] == appeal["person_id"])
                sub = person["principal_leader_id"]
                leader = next((u for u in people.users if u["sub"] == sub), None) or {
                    "sub": sub,
                    "name": "主要领导",
                    "roles": ["principal_leader"],
                    "scopes": {"unit": unit["unit_id"]},
                    "title": "主要领导",
                }
                return appeal, leader
    return None


def test_principal_leader_resolves_an_appeal(page, people, sign_in, platform) -> None:
    found = open_appeal(platform, people)
    if found is None:
        pytest.skip("the demo data has no open appeal (already answered on this platform)")
    appeal, leader = found
    sign_in(leader)
    page.get_by_role("link", name="申诉复核").click()
    quota = page.get_by_role("group", name=f"{appeal['quarter']} 好等次名额")
    expect(quota).to_be_visible()
    left = int(quota.locator("[data-good-left]").inner_text())

    item = page.locator(f'li.appeal[data-appeal="{appeal["appeal_id"]}"]')
    expect(item).to_contain_text(appeal["appeal_reason"])
    item.get_by_text("答复申诉").click()
    form = item.get_by_role("form")
    form.get_by_role("button", name="提交复核结论").click()
    expect(form.locator('[data-error-for="reason"]')).to_contain_text("必填")

    form.get_by_label("复核结论").select_option("changed")
    form.get_by_label("复核意见（必填）").fill("经复核，本季度专项整治任务已在评定中体现")
    form.get_by_role("button", name="提交复核结论").click()
    expect(form.locator('[data-error-for="new_grade"]')).to_contain_text("新等次")

    if left == 0 and appeal["grade"] != "好":
        form.get_by_label("新等次（改变等次时选择）").select_option("好")
        form.get_by_role("button", name="提交复核结论").click()
        expect(form.locator(".form-error")).to_contain_text("已全部用完")

    form.get_by_label("复核结论").select_option("upheld")
    form.get_by_label("新等次（改变等次时选择）").select_option("")
    form.get_by_role("button", name="提交复核结论").click()
    expect(page.locator(f'li.appeal[data-appeal="{appeal["appeal_id"]}"]')).to_have_count(0)
    expect(page.get_by_text(re.compile(rf"{appeal['quarter']} 公示中，待答复申诉 \d+ 件"))).to_be_visible()


def test_section_chief_reviews_from_the_queue_and_the_quota_changes(page, people, sign_in) -> None:
    chief = people.need("section_chief")
    sign_in(chief)
    page.get_by_role("link", name="待我审核").click()
    queue = page.get_by_role("list", name="待审核人员")
    expect(queue.or_(page.get_by_text("暂无待审核人员"))).to_be_visible()
    if not queue.count():
        pytest.skip("nobody waits for this section chief (reviewed on an earlier run)")
    first = queue.locator("li").first
    person = first.get_attribute("data-person")
    quarter = re.search(r"\d{4}-Q[1-4]", first.inner_text()).group(0)
    quota = page.get_by_role("group", name=f"{quarter} 好等次名额")
    left = int(quota.locator("[data-good-left]").inner_text())
    if left == 0:
        pytest.skip("the unit's 好 quota is used up")

    first.get_by_role("link").click()
    expect(page.get_by_role("group", name=f"{quarter} 好等次名额").locator("[data-good-left]")).to_have_text(str(left))
    form = page.get_by_role("form", name="评分")
    form.get_by_role("button", name="提交审核").click()
    expect(form.locator('[data-error-for="comment"]')).to_contain_text("必填")
    # The negative list is a deduction, and the form says how the composite is made.
    expect(page.locator(".score-rule")).to_contain_text("− 负面清单减分")
    expect(form.get_by_label(re.compile("负面清单减分，最多减")).first).to_be_visible()
    expect(form.get_by_text(re.compile("满分"))).to_have_count(0)
    # Some scores only are refused, right by the button.
    scored = form.get_by_label(re.compile("（(共性|个性)指标，"))
    scored.first.fill("4.5")
    form.get_by_label("等次").select_option("好")
    form.get_by_label("评语").fill("主动担当，牵头完成党建台账整理")
    form.get_by_role("button", name="提交审核").click()
    refusal = form.locator(".actions .form-error")
    expect(refusal).to_contain_text("请为每项共性和个性指标打分")
    expect(refusal).to_be_in_viewport()
    # The 好 quota stays in view below the top bar wherever the leader is on the page.
    quota_bar = page.locator(".sticky-quota").first
    expect(quota_bar).to_be_in_viewport()
    top_bar = page.locator("#top").bounding_box()
    assert quota_bar.bounding_box()["y"] >= top_bar["y"] + top_bar["height"] - 1
    for n in range(scored.count()):
        scored.nth(n).fill("4.5")
    form.get_by_role("button", name="提交审核").click()

    expect(page).to_have_url(re.compile(r"/leader/queue\?after="))
    expect(page.get_by_role("group", name=f"{quarter} 好等次名额").locator("[data-good-left]")).to_have_text(
        str(left - 1)
    )
    expect(page.locator(f'li[data-person="{person}"]')).to_have_count(0)


def test_a_section_chief_reads_the_logs_of_their_reviewing_chain_only(page, people, sign_in, platform) -> None:
    """本单位纪实 for a section chief: themselves and the people they review, never the unit's
    principal leader or another section (the API filters it; the screen shows what it answers)."""
    chief = people.need("section_chief")
    unit = chief["scopes"]["unit"]
    admin = people.find("unit_admin", unit=unit) or {
        "sub": f"{unit}-browser-admin",
        "name": "单位管理员",
        "roles": ["unit_admin"],
        "scopes": {"unit": unit},
    }
    api = f"{platform.url}/api/appraisal/api/v1/units/{unit}/people"
    with httpx.Client(headers={"Authorization": f"Bearer {people.token_for(admin)}"}, timeout=30) as client:
        roster = client.get(api, params={"limit": 200}).json()["items"]
    links = ("section_chief_id", "deputy_leader_id", "principal_leader_id")
    chain = {p["person_id"] for p in roster if chief["sub"] in (p[k] for k in links)} | {chief["sub"]}
    outside = {p["person_id"] for p in roster} - chain
    assert outside, "the demo unit has people outside the section chief's chain"

    sign_in(chief)
    page.get_by_role("link", name="本单位纪实").click()
    expect(page.get_by_text("你审核范围内人员（和你本人）的周纪实")).to_be_visible()
    listing = page.get_by_role("list", name="本单位周纪实")
    expect(listing.locator("li.log").first).to_be_visible()
    shown = {li.get_attribute("data-person") for li in listing.locator("li.log").all()}
    assert shown and shown <= chain, f"logs outside the chain: {shown - chain}"
    principals = {p["principal_leader_id"] for p in roster if p["principal_leader_id"]} - {chief["sub"]}
    assert not shown & principals
