"""Phone-first load: bytes transferred and seconds to a usable log form, on a slow link and unthrottled.

    .venv/bin/python bench/web_load.py [--url http://127.0.0.1:8000] [--runs 3]

Starts the whole platform (as ``grassroots up`` does, in a temporary folder) unless ``--url`` names a
running one with the demo sign-in. A staff member who is signed in opens ``/staff/log`` in a fresh
browser context (empty cache): the clock runs from navigation to the first text box of the log form
being editable, the bytes are what crossed the network (headers included). Chromium's network
emulation (CDP) gives the slow link: 400 ms latency, 50 KB/s down and up. A second load in the same
context shows what a returning user pays with the cache warm. Targets on the slow link: ≤ 150 KB
and ≤ 4 s. Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from grassroots_cli.platform import Platform

CHROMIUM = "/usr/bin/chromium"
SLOW = {"offline": False, "latency": 400, "downloadThroughput": 50 * 1024, "uploadThroughput": 50 * 1024}
FAST = {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
USABLE = 'form[aria-label="本周工作纪实"] textarea'
TARGET_BYTES = 150 * 1024
TARGET_SECONDS = 4.0


@dataclass
class Load:
    seconds: float
    bytes: int
    requests: int


@contextmanager
def platform_url(url: str | None) -> Iterator[str]:
    if url:
        yield url.rstrip("/")
        return
    folder = Path(tempfile.mkdtemp(prefix="grassroots-webload-"))
    running = Platform.on_free_ports(folder)
    try:
        running.start()
        yield running.url
    finally:
        running.stop()
        shutil.rmtree(folder, ignore_errors=True)


def staff_session(url: str) -> tuple[str, str]:
    """A demo staff member's token and user record (JSON), as the sign-in page keeps them."""
    import json

    users = httpx.get(f"{url}/api/dev/demo-users", timeout=30).json()
    staff = next(u for u in users if "staff" in u["roles"] and u["scopes"].get("unit"))
    answer = httpx.post(f"{url}/api/dev/token", json={"sub": staff["sub"]}, timeout=30).json()
    return answer["token"], json.dumps(answer["user"])


def measure(browser, url: str, token: str, user: str, conditions: dict) -> tuple[Load, Load]:
    """A cold load then a warm one (same context, cache kept), each on ``conditions``."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", base_url=url)
    context.add_init_script(
        f"sessionStorage.setItem('gr.token', {token!r}); sessionStorage.setItem('gr.user', {user!r});"
    )
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", conditions)
    counted = {"bytes": 0, "requests": 0}

    def finished(event: dict) -> None:
        counted["bytes"] += int(event.get("encodedDataLength", 0))
        counted["requests"] += 1

    cdp.on("Network.loadingFinished", finished)
    loads = []
    for _ in range(2):
        counted.update(bytes=0, requests=0)
        started = time.perf_counter()
        page.goto("/staff/log", wait_until="commit", timeout=120_000)
        page.locator(USABLE).first.wait_for(state="visible", timeout=120_000)
        seconds = time.perf_counter() - started
        page.wait_for_load_state("networkidle", timeout=120_000)  # count what the screen still fetches
        loads.append(Load(seconds, counted["bytes"], counted["requests"]))
        page.goto("about:blank")
    context.close()
    return loads[0], loads[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running platform with the demo sign-in (default: start one)")
    parser.add_argument("--runs", type=int, default=3, help="cold loads per network (median printed)")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with platform_url(args.url) as url, sync_playwright() as p:
        token, user = staff_session(url)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        measure(browser, url, token, user, FAST)  # warm the services' own caches and connections
        print(f"{'network':<34}{'cold KB':>9}{'cold s':>9}{'requests':>10}{'warm KB':>9}{'warm s':>9}")
        for name, conditions in (("unthrottled", FAST), ("throttled (400 ms, 50 KB/s)", SLOW)):
            runs = [measure(browser, url, token, user, conditions) for _ in range(args.runs)]
            cold = [r[0] for r in runs]
            warm = [r[1] for r in runs]
            kb = statistics.median(c.bytes for c in cold) / 1024
            sec = statistics.median(c.seconds for c in cold)
            print(
                f"{name:<34}{kb:>9.1f}{sec:>9.2f}{statistics.median(c.requests for c in cold):>10.0f}"
                f"{statistics.median(w.bytes for w in warm) / 1024:>9.1f}"
                f"{statistics.median(w.seconds for w in warm):>9.2f}"
            )
            if conditions is SLOW:
                verdict = "met" if kb * 1024 <= TARGET_BYTES and sec <= TARGET_SECONDS else "NOT met"
                print(f"targets on the slow link (≤ 150 KB, ≤ {TARGET_SECONDS:.0f} s, cold): {verdict}")
        browser.close()


if __name__ == "__main__":
    main()
