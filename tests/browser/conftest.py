"""Browser journeys: the whole platform as ``grassroots up`` runs it, driven through Chromium.

One platform per session (NATS, PostgreSQL, every service with demo data, the gateway serving
``apps/web``); one browser; a fresh context per test at phone size. A failing test leaves a
full-page screenshot under ``test-artifacts/browser/``.

While developing screens, point the suite at a running ``grassroots up`` instead of starting one:
``GRASSROOTS_BROWSER_URL=http://127.0.0.1:8030 GRASSROOTS_BROWSER_DATA_DIR=/tmp/data pytest -m browser tests/browser``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from grassroots_cli.platform import Platform
from grassroots_common.auth import mint_token

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# How long the session's platform may take to start (every service imports, migrates and seeds its
# demo data). On a loaded machine this takes minutes, so it has its own budget: the first test that
# sets the platform up is given it on top of the suite's per-test timeout (pytest-timeout counts
# fixture set-up as part of the test), the others keep the per-test timeout alone.
PLATFORM_START_TIMEOUT = 600.0


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The platform's start budget goes to the first test that starts one: the first to use the
    session's platform, and the first test of each module that starts a platform of its own
    (``OWN_PLATFORM = True`` in the module)."""
    per_test = float(config.getini("timeout") or 0)
    if not per_test:
        return
    here = Path(__file__).parent
    firsts: dict[object, pytest.Item] = {}
    for item in items:
        if here not in item.path.parents or "platform" not in getattr(item, "fixturenames", ()):
            continue
        own = getattr(item.module, "OWN_PLATFORM", False)
        if not own and os.environ.get("GRASSROOTS_BROWSER_URL"):
            continue
        firsts.setdefault(item.path if own else "session", item)
    for first in firsts.values():
        if first.get_closest_marker("timeout") is None:
            first.add_marker(pytest.mark.timeout(per_test + PLATFORM_START_TIMEOUT))


@dataclass
class RunningPlatform:
    """A platform someone else started (``grassroots up``): its gateway URL and data folder."""

    url: str
    data_dir: Path


@contextmanager
def started_platform(**env: str) -> Iterator[Platform]:
    """A whole platform of its own (a fresh data folder, free ports), stopped and removed after.
    ``env`` is set for its processes only (they copy the environment when they start)."""
    folder = Path(tempfile.mkdtemp(prefix="grassroots-browser-"))
    running = Platform.on_free_ports(folder)
    saved = {k: os.environ.get(k) for k in env}
    try:
        os.environ.update(env)
        try:
            # On a thread of its own: once Playwright's sync API runs, it holds this thread's event
            # loop, and the start runs event loops of its own (asyncio.run).
            with ThreadPoolExecutor(1) as starter:
                starter.submit(running.start, timeout=PLATFORM_START_TIMEOUT).result()
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        yield running
    finally:
        running.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def own_platform():
    """``own_platform(**env)``: a context manager starting a platform of its own, for a module
    whose journey must not share the session's (it moves the clock, which only goes forward)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    return started_platform


@pytest.fixture(scope="session")
def platform() -> Iterator[Platform | RunningPlatform]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    if os.environ.get("GRASSROOTS_BROWSER_URL"):
        yield RunningPlatform(
            url=os.environ["GRASSROOTS_BROWSER_URL"].rstrip("/"),
            data_dir=Path(os.environ.get("GRASSROOTS_BROWSER_DATA_DIR", "data")).resolve(),
        )
        return
    with started_platform() as running:
        yield running


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One Chromium for the session, whichever platform a test's pages go to."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def page(browser, platform: Platform, request: pytest.FixtureRequest) -> Iterator[object]:
    from playwright.sync_api import expect

    expect.set_options(timeout=10_000)
    context = browser.new_context(
        viewport={"width": 360, "height": 760}, locale="zh-CN", timezone_id="Asia/Shanghai", base_url=platform.url
    )
    # A page load (the app's modules, its first reads) on a loaded machine can outlast Playwright's 30 s.
    context.set_default_navigation_timeout(60_000)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        yield tab
        assert not errors, f"JavaScript errors on the page: {errors}"
    finally:
        failed = getattr(request.node, "rep_call", None)
        if failed is not None and failed.failed:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)[-150:]
            try:
                tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
                (ARTIFACTS / f"{name}.html").write_text(tab.content())
            except Exception as exc:  # the page may be gone; keep the test's own failure
                (ARTIFACTS / f"{name}.txt").write_text(f"no screenshot: {exc}")
        context.close()


class People:
    """Who to sign in as: a demo user with that role (and scopes) when the services seed one."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self._users: list[dict] | None = None

    @property
    def users(self) -> list[dict]:
        if self._users is None:
            # The first read right after the platform is up may be slow on a loaded machine.
            self._users = httpx.get(f"{self.platform.url}/api/dev/demo-users", timeout=60).json()
        return self._users

    def find(self, role: str, **scopes: str) -> dict | None:
        for user in self.users:
            if role in user["roles"] and all(user["scopes"].get(k) == v for k, v in scopes.items()):
                return user
        return None

    def need(self, role: str, **scopes: str) -> dict:
        user = self.find(role, **scopes)
        if user is None:
            pytest.skip(f"no demo user with role {role} {scopes or ''}: that service does not seed one yet")
        return user

    def token_for(self, user: dict) -> str:
        secret = (self.platform.data_dir / "keys" / "jwt.secret").read_text().strip()
        return mint_token(secret, user["sub"], user["name"], user["roles"], user["scopes"])


@pytest.fixture(scope="session")
def people(platform: Platform) -> People:
    return People(platform)


@pytest.fixture(scope="session")
def people_of():
    """``people_of(platform)``: the demo users of a platform a module started for itself."""
    return People


def _sign_in(page, user: dict) -> None:
    """Through the sign-in page: pick the user's button."""
    from playwright.sync_api import expect

    page.goto("/signin")
    page.locator(f'button.user-btn[data-sub="{user["sub"]}"]').click()
    expect(page.locator("#whoami")).to_contain_text(user["name"])


def _sign_in_as(page, people: People, user: dict) -> None:
    """A demo user through the sign-in page; any other user with a token minted for the session."""
    if any(u["sub"] == user["sub"] for u in people.users):
        _sign_in(page, user)
        return
    page.goto("/signin")
    page.evaluate(
        "([token, user]) => { sessionStorage.setItem('gr.token', token); sessionStorage.setItem('gr.user', user); }",
        [people.token_for(user), json.dumps(user)],
    )
    page.goto("/")


@pytest.fixture
def sign_in(page, people: People):
    """``sign_in(user)``: sign the test's page in as that user."""
    return lambda user: _sign_in_as(page, people, user)


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    """A small valid PNG (a red square), as a phone camera would upload."""
    import struct
    import zlib

    width = height = 8
    raw = b"".join(b"\x00" + b"\xb3\x26\x1e" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path = tmp_path / "photo.png"
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    )
    return path


@pytest.fixture
def sign_out(page):
    """``sign_out()``: the page's user signs out through the header button."""
    from playwright.sync_api import expect

    def out() -> None:
        page.get_by_role("button", name="退出").click()
        expect(page).to_have_url(re.compile(r"/signin"))

    return out


@pytest.fixture
def fits(page):
    """``fits()``: the page is no wider than its viewport (nothing scrolls sideways on a phone)."""

    def check() -> None:
        width = page.evaluate("document.documentElement.scrollWidth")
        viewport = page.viewport_size["width"]
        assert width <= viewport, f"{page.url} is {width} px wide on a {viewport} px screen"

    return check


# Words a screen must never show its user: an internal key (snake_case, or one of the status and
# state keys the services use) or a value the page failed to fill in.
KNOWN_KEYS = (
    "open",
    "closed",
    "handled",
    "dispatched",
    "accepted",
    "rejected",
    "returned",
    "verified",
    "revisited",
    "reported_back",
    "claimed",
    "fulfilled",
    "collected",
    "issued",
    "acknowledged",
    "rectified",
    "published",
    "finalized",
    "running",
    "stopped",
    "paused",
    "pending",
    "draft",
    "submitted",
    "approved",
    "resolved",
    "overdue",
    "failed",
    "parked",
    "rebuilding",
    "idle",
)
UNFILLED = ("undefined", "null", "NaN", "[object Object]", "Invalid Date")
_SNAKE = re.compile(r"(?<![\w./:@-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w./@-])")
_KEY = re.compile(r"(?<![\w./:@-])(?:" + "|".join(KNOWN_KEYS) + r")(?![\w./@-])")
_UNFILLED = re.compile(r"(?<![\w.])(?:undefined|null|NaN|Invalid Date)(?![\w])|\[object Object\]")


def screen_problems(page) -> list[str]:
    """What is wrong on the page as its user sees it: wider than the viewport, or visible text that
    is an English key (snake_case or a known status key), ``undefined``, ``null`` or ``NaN``."""
    width = page.viewport_size["width"]
    found = page.evaluate(
        """() => ({
            scroll: document.documentElement.scrollWidth,
            // An identifier a user may quote (a ticket's number, marked data-ref) is not a key.
            text: [...document.querySelectorAll('[data-ref]')].reduce((t, el) => t.split(el.innerText).join(' '), document.body.innerText),
            wide: [...document.querySelectorAll('body *')]
                .filter((el) => {
                    const r = el.getBoundingClientRect();
                    if (r.width === 0 || r.right <= innerWidth + 1) return false;
                    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
                        if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(up).overflowX)) return false;
                    }
                    return true;
                })
                .slice(-3).map((el) => `${el.tagName.toLowerCase()}.${el.className}: ${el.textContent.slice(0, 40)}`),
        })"""
    )
    problems = []
    if found["scroll"] > width:
        problems.append(f"page is {found['scroll']} px wide on a {width} px viewport ({'; '.join(found['wide'])})")
    text = found["text"]
    for kind, pattern in (("English key", _SNAKE), ("status key", _KEY), ("unfilled value", _UNFILLED)):
        hits = sorted({m.group(0) for m in pattern.finditer(text)})
        if hits:
            problems.append(f"{kind} on screen: {', '.join(hits[:8])}")
    return problems


@pytest.fixture
def inspect_screen():
    """``inspect_screen(page)``: the list of what is wrong on the page (see ``screen_problems``)."""
    return screen_problems


@pytest.fixture
def check_screen():
    """``check_screen(page)``: fail with what is wrong on the page as its user sees it."""

    def check(page, where: str = "") -> None:
        problems = screen_problems(page)
        assert not problems, f"{where or page.url}: " + " | ".join(problems)

    return check
