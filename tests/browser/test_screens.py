"""Every screen of every role, on a 390 px phone and a 1366 px PC: screenshots saved under
``test-artifacts/screens/``, and each checked with ``inspect_screen`` (conftest) (nothing wider than the
viewport, no English key, no ``undefined``/``null``/``NaN`` on screen).

One browser context and one sign-in per role: the role's home page lists its screens (tiles); each is
opened inside the app (as a link does, without loading the app again), and from each the first link to
a page of another kind (a ticket, a village's file…) is followed once.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screens"
PHONE = {"width": 390, "height": 844}
PC = {"width": 1366, "height": 900}


# A screen on a loaded machine may take a while to read what it shows.
DRAWN_TIMEOUT = 30_000


def settle(page) -> None:
    """The screen has drawn: its heading is up and no loading state is left in the page."""
    page.locator("main h1").first.wait_for(timeout=DRAWN_TIMEOUT)
    page.wait_for_function("() => !document.querySelector('main .state-loading')", timeout=DRAWN_TIMEOUT)


def open_screen(page, href: str) -> None:
    """Go to ``href`` inside the app, as a link does (the router's History API navigation), not by
    loading the whole app again; wait until that screen has replaced the previous one and drawn."""
    page.evaluate(
        """(href) => {
            window.__sweptHeading = document.querySelector('main h1');
            history.pushState(null, '', href);
            dispatchEvent(new PopStateEvent('popstate'));
        }""",
        href,
    )
    page.wait_for_function(
        "() => { const h = document.querySelector('main h1'); return h && h !== window.__sweptHeading; }",
        timeout=DRAWN_TIMEOUT,
    )
    settle(page)


def kind_of(path: str) -> str:
    """A path with its ids taken out: two tickets are one kind of page."""
    return re.sub(r"/[^/]*\d[^/]*", "/:id", path.split("?")[0])


def users_covering_every_role(people) -> list[dict]:
    chosen: list[dict] = []
    covered: set[str] = set()
    for user in people.users:
        if not set(user["roles"]) <= covered:
            chosen.append(user)
            covered |= set(user["roles"])
    return chosen


def shoot(page, name: str, screen_problems) -> list[str]:
    """Check and screenshot the page at phone and PC width (back to the phone afterwards)."""
    problems = []
    for label, size in (("390", PHONE), ("1366", PC)):
        page.set_viewport_size(size)
        problems += [f"{name} @{label}: {p}" for p in screen_problems(page)]
        page.screenshot(path=str(SHOTS / f"{name}@{label}.jpg"), full_page=True, type="jpeg", quality=70)
    page.set_viewport_size(PHONE)
    return problems


# Some 70 screens, each checked and shot at two widths: on a loaded machine that is more than the
# suite's 300 s per test.
@pytest.mark.timeout(900)
def test_every_screen_of_every_role_reads_right_at_phone_and_pc_width(
    browser, platform, people, inspect_screen
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    visited = 0
    for user in users_covering_every_role(people):
        context = browser.new_context(
            viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai", base_url=platform.url
        )
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
        try:
            page.goto("/signin")
            page.locator("button.user-btn").first.wait_for()
            if visited == 0:
                problems += shoot(page, "signin", inspect_screen)
            page.locator(f'button.user-btn[data-sub="{user["sub"]}"]').click()
            page.locator("a.tile").first.wait_for()
            settle(page)
            problems += shoot(page, f"{user['sub']}--home", inspect_screen)
            tiles = page.locator("a.tile").evaluate_all("els => els.map((a) => a.getAttribute('href'))")
            seen_kinds = {kind_of(t) for t in tiles}
            for href in tiles:
                open_screen(page, href)
                visited += 1
                slug = re.sub(r"\W+", "_", href.strip("/"))
                problems += shoot(page, f"{user['sub']}--{slug}", inspect_screen)
                links = page.locator("main a[href^='/']").evaluate_all("els => els.map((a) => a.getAttribute('href'))")
                detail = next((link for link in links if kind_of(link) not in seen_kinds), None)
                if detail is None:
                    continue
                seen_kinds.add(kind_of(detail))
                open_screen(page, detail)
                visited += 1
                detail_slug = re.sub(r"\W+", "_", kind_of(detail).strip("/"))
                problems += shoot(page, f"{user['sub']}--{slug}--{detail_slug}", inspect_screen)
            problems += [f"{user['sub']}: JavaScript error {e}" for e in errors]
        finally:
            context.close()
    assert visited > 20, f"only {visited} screens reached: the roles' home pages list too few"
    assert not problems, "\n".join(problems)
