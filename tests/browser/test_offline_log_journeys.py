"""A weekly log written offline: submitted with no connection, it waits on the phone with the
Idempotency-Key made at the tap, survives a closed tab, and is sent once the phone is back online;
a submission whose answer was lost is sent again with the same key and saved once; one kept longer
than its key lives is not sent blind."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

LOGS = re.compile(r"/api/appraisal/v1/logs$")


def revision_shown(page) -> int:
    expect(page.get_by_label("工作内容").first).to_be_visible()
    notice = page.locator(".notice").first
    known = re.search(r"第 (\d+) 版", notice.inner_text()) if notice.count() else None
    return int(known.group(1)) if known else 0


def on_the_log_form(page, people, sign_in) -> dict:
    """The last demo staff member (the appraisal journeys take the first, whose week must be new),
    signed in, on this week's log form."""
    staff = next((u for u in reversed(people.users) if "staff" in u["roles"] and u["scopes"].get("unit")), None)
    if staff is None:
        pytest.skip("needs a demo staff member of a unit")
    sign_in(staff)
    page.goto("/staff/log")
    return staff


def test_a_log_written_offline_is_sent_once_back_online(page, people, sign_in) -> None:
    staff = on_the_log_form(page, people, sign_in)
    context = page.context
    before = revision_shown(page)
    offline_text = f"断网时写的纪实 {uuid.uuid4().hex[:6]}"
    page.get_by_label("工作内容").first.fill(offline_text)
    posts: list = []
    context.on("request", lambda r: posts.append(r) if r.method == "POST" and LOGS.search(r.url) else None)

    # No connection: the tap keeps the log with its key, and the screen says it waits to send.
    context.set_offline(True)
    page.locator("form button[type=submit]").click()
    expect(page.locator("[data-outbox=waiting]")).to_contain_text("等待发送")
    expect(page.locator("[data-outbox=waiting]")).to_contain_text("网络恢复后会自动提交")
    assert page.evaluate(f"JSON.parse(localStorage.getItem('gr.outbox.{staff['sub']}'))[0].key")

    # The tab is closed; later the phone is online and the user opens the app again.
    again = context.new_page()
    page.close()
    context.set_offline(False)
    with again.expect_response(lambda r: r.request.method == "POST" and LOGS.search(r.url)) as answer:
        again.goto("/signin")
        again.locator(f'button.user-btn[data-sub="{staff["sub"]}"]').click()
    assert answer.value.status == 200 and answer.value.json()["data"]["revision"] == before + 1
    again.goto("/staff/log")
    expect(again.locator(".notice").first).to_contain_text(f"第 {before + 1} 版")
    expect(again.get_by_label("工作内容").first).to_have_value(offline_text)
    expect(again.locator("[data-outbox]")).to_have_count(0)

    # The answer is lost on the way (the service saved it): the log waits, and is sent again with
    # the same key when the connection comes back — the service answers the first result.
    lost_text = f"回执丢失的纪实 {uuid.uuid4().hex[:6]}"
    again.get_by_label("工作内容").first.fill(lost_text)

    def answer_lost(route) -> None:
        route.fetch()
        route.abort("internetdisconnected")

    again.route(LOGS, lambda route: answer_lost(route) if route.request.method == "POST" else route.continue_())
    again.locator("form button[type=submit]").click()
    expect(again.locator("[data-outbox=waiting]")).to_contain_text("等待发送")
    again.unroute(LOGS)
    with again.expect_response(lambda r: r.request.method == "POST" and LOGS.search(r.url)) as resent:
        context.set_offline(True)
        context.set_offline(False)
    assert resent.value.json()["data"]["revision"] == before + 2
    expect(again.locator(".notice.ok")).to_contain_text(f"第 {before + 2} 版")
    keys = [r.headers["idempotency-key"] for r in posts]
    assert len(keys) == 3 and keys[1] == keys[2] and keys[0] != keys[1]
    again.reload()
    expect(again.locator(".notice").first).to_contain_text(f"第 {before + 2} 版")
    expect(again.get_by_label("工作内容").first).to_have_value(lost_text)
    again.close()


def test_a_log_kept_offline_longer_than_its_key_lives_is_not_sent_blind(page, people, sign_in) -> None:
    staff = on_the_log_form(page, people, sign_in)
    context = page.context
    expect(page.get_by_label("工作内容").first).to_be_visible()
    text = f"离线太久的纪实 {uuid.uuid4().hex[:6]}"
    page.get_by_label("工作内容").first.fill(text)
    context.set_offline(True)
    page.locator("form button[type=submit]").click()
    expect(page.locator("[data-outbox=waiting]")).to_contain_text("等待发送")
    # Eight days pass with the phone offline (its kept command older than the outbox's 7 days).
    stored = f"gr.outbox.{staff['sub']}"
    page.evaluate(
        """(stored) => {
            const list = JSON.parse(localStorage.getItem(stored));
            list[0].queued_at = new Date(Date.now() - 8 * 24 * 3600 * 1000).toISOString();
            localStorage.setItem(stored, JSON.stringify(list));
        }""",
        stored,
    )
    posts: list = []
    context.on("request", lambda r: posts.append(r) if r.method == "POST" and LOGS.search(r.url) else None)
    context.set_offline(False)  # back online: the outbox looks at what it kept
    expired = page.locator("[data-outbox=expired]")
    expect(expired).to_contain_text("超过 7 天未能发送")
    expect(expired).to_contain_text("请核对后重新提交")
    expect(page.locator(".toast.warn")).to_contain_text("已停止自动发送")
    assert posts == []
    # The draft is kept: what was written is still in the form, to check and submit again; the
    # notice stays until then, on this screen opened again too.
    expect(page.get_by_label("工作内容").first).to_have_value(text)
    page.reload()
    expect(page.locator("[data-outbox=expired]")).to_contain_text("超过 7 天未能发送")
    assert posts == []
    with page.expect_response(lambda r: r.request.method == "POST" and LOGS.search(r.url)) as answer:
        page.locator("form button[type=submit]").click()
    assert answer.value.status == 200
    expect(page.locator(".notice.ok")).to_contain_text("已提交")
    assert page.evaluate("(stored) => localStorage.getItem(stored)", stored) is None
    page.reload()
    expect(page.locator("[data-outbox]")).to_have_count(0)
