"""Signing in where the demo sign-in is off (no demo data, or a platform reachable beyond this
machine): the page says how to sign in, and a token an administrator issued signs the user in."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from playwright.sync_api import expect

from grassroots_common.auth import mint_token

pytestmark = pytest.mark.browser
STAFF = {"sub": "p-token", "name": "凭证用户", "roles": ["staff"], "scopes": {"unit": "u01"}}


def demo_signin_off(page) -> None:
    """As the gateway answers with the demo sign-in off."""
    body = {
        "type": "/problems/demo_signin_off",
        "title": "演示登录未开启",
        "status": 404,
        "code": "demo_signin_off",
        "detail": "演示登录未开启：请使用统一身份认证登录，或请管理员用 grassroots token 命令签发身份凭证",
    }
    page.route(
        "**/api/dev/demo-users",
        lambda route: route.fulfill(status=404, content_type="application/problem+json", body=json.dumps(body)),
    )


def test_without_the_demo_sign_in_a_token_from_an_administrator_signs_in(page, platform) -> None:
    demo_signin_off(page)
    secret = (platform.data_dir / "keys" / "jwt.secret").read_text().strip()
    page.goto("/signin")
    expect(page.get_by_text("演示登录未开启")).to_be_visible()
    expect(page.get_by_text("grassroots token")).to_be_visible()
    expect(page.locator("button.user-btn")).to_have_count(0)

    field = page.get_by_label("身份凭证")
    field.fill("不是凭证")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#signin-token-error")).to_contain_text("不是有效的身份凭证")

    expired = mint_token(secret, STAFF["sub"], STAFF["name"], STAFF["roles"], STAFF["scopes"], dt.timedelta(seconds=-5))
    field.fill(expired)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#signin-token-error")).to_contain_text("已过期")

    field.fill(mint_token(secret, STAFF["sub"], STAFF["name"], STAFF["roles"], STAFF["scopes"]))
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#whoami")).to_contain_text("凭证用户")
    expect(page.get_by_text("你好，凭证用户")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
