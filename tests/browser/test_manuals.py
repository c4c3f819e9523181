"""The operation manuals in the app (帮助), and the pictures they show, taken by the app itself.

``test_help_*`` always run: a screen's "？帮助" opens its own section of the user's manual, readable
on a 390 px phone with its pictures; every screen's help link, for every role that may open it,
points at a section its manual has.

``test_regenerate_manual_pictures`` walks every manual's screens (390 px phones; 1366 px for the
administrators' PC screens) and saves viewport-sized PNGs into ``docs/manuals/images/``. It runs only
under ``make manuals`` (``GRASSROOTS_MANUALS=1``): the screen sweep (test_screens.py) already checks
every screen in ``make test``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
MANUALS = ROOT / "docs" / "manuals"
IMAGES = MANUALS / "images"
PHONE = {"width": 390, "height": 844}
PC = {"width": 1366, "height": 768}

# manual: (whose screens, at which width, [(picture, a route — or "→/prefix": the first link on the
# page before whose address starts so — )]). A picture is docs/manuals/images/<manual>-<picture>.png.
WALKS: list[tuple[str, str, dict, list[tuple[str, str]]]] = [
    (
        "staff",
        "staff",
        PHONE,
        [
            ("home", "/"),
            ("staff-log", "/staff/log"),
            ("staff-history", "/staff/history"),
            ("staff-summary", "/staff/summary"),
            ("staff-quarter", "/staff/quarter"),
            ("staff-reminders", "/staff/reminders"),
            ("staff-peer-review", "/staff/peer-review"),
            ("staff-archive", "/staff/archive"),
        ],
    ),
    (
        "leaders",
        "principal_leader",
        PHONE,
        [
            ("home", "/"),
            ("leader-queue", "/leader/queue"),
            ("leader-review", "→/leader/review/"),
            ("leader-appeals", "/leader/appeals"),
            ("unit-logs", "/unit/logs"),
            ("leader-person", "→/leader/person/"),
            ("unit-board", "/unit/board"),
            ("unit-follow-ups", "/unit/follow-ups"),
            ("leader-reminders", "/leader/reminders"),
            ("admin-annual", "/admin/annual"),
        ],
    ),
    (
        "unit_admin",
        "unit_admin",
        PC,
        [
            ("home", "/"),
            ("admin-roster", "/admin/roster"),
            ("admin-scheme", "/admin/scheme"),
            ("admin-quarters", "/admin/quarters"),
            ("admin-deadlines", "/admin/deadlines"),
            ("unit-board", "/unit/board"),
            ("admin-annual", "/admin/annual"),
            ("admin-result-uses", "/admin/result-uses"),
            ("unit-follow-ups", "/unit/follow-ups"),
            ("unit-logs", "/unit/logs"),
        ],
    ),
    (
        "district",
        "district_admin",
        PC,
        [
            ("home", "/"),
            ("district-submissions", "/district/submissions"),
            ("district-notices", "/district/notices"),
            ("district-bulletins", "/district/bulletins"),
            ("district-bulletins-new", "/district/bulletins/new"),
            ("district-statistics", "/district/statistics"),
            ("archives", "/archives"),
            ("district-league", "/district/league"),
            ("district-wishes", "/district/wishes"),
            ("district-villages", "/district/villages"),
        ],
    ),
    ("grid", "grid_worker", PHONE, [("home", "/"), ("grid-report", "/grid/report"), ("grid-reports", "/grid/reports")]),
    (
        "grid",
        "community_admin",
        PHONE,
        [
            ("community-dispatch", "/community/dispatch"),
            ("tickets", "→/tickets/"),
            ("community-wishes", "/community/wishes"),
            ("district-league", "/district/league"),
        ],
    ),
    ("grid", "department", PHONE, [("department-queue", "/department/queue")]),
    ("volunteer", "volunteer", PHONE, [("home", "/"), ("volunteer-wishes", "/volunteer/wishes")]),
    (
        "village",
        "village_secretary",
        PHONE,
        [
            ("home", "/"),
            ("village-file", "/village/file"),
            ("village-projects", "→/village/projects/"),
            ("town-weakness", "/town/weakness"),
        ],
    ),
    (
        "village",
        "town_admin",
        PHONE,
        [
            ("town-villages", "/town/villages"),
            ("town-inspections", "/town/inspections"),
            ("town-rounds", "/town/rounds"),
            ("town-rounds-detail", "→/town/rounds/"),
        ],
    ),
    (
        "operator",
        "operator",
        PC,
        [
            ("home", "/"),
            ("ops-projections", "/ops/projections"),
            ("district-submissions", "/district/submissions"),
        ],
    ),
]


def settle(page) -> None:
    """The screen has drawn: its heading is up and no loading state is left in the page."""
    page.locator("main h1").first.wait_for()
    page.wait_for_function("() => !document.querySelector('main .state-loading')", timeout=15_000)


def sections_of(manual: str) -> set[str]:
    return set(re.findall(r'^<a id="([\w-]+)"></a>$', (MANUALS / f"{manual}.md").read_text(), re.M))


@pytest.mark.skipif(os.environ.get("GRASSROOTS_MANUALS") != "1", reason="regenerates the pictures: make manuals")
def test_regenerate_manual_pictures(browser, platform, people) -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    for old in IMAGES.glob("*.png"):
        old.unlink()
    taken = []
    for manual, role, size, shots in WALKS:
        user = people.need(role)
        context = browser.new_context(
            viewport=size, device_scale_factor=1, locale="zh-CN", timezone_id="Asia/Shanghai", base_url=platform.url
        )
        page = context.new_page()
        try:
            page.goto("/signin")
            page.locator(f'button.user-btn[data-sub="{user["sub"]}"]').click()
            page.locator("a.tile").first.wait_for()
            for name, where in shots:
                if where.startswith("→"):
                    prefix = where[1:]
                    link = page.locator(f"main a[href^='{prefix}']").first
                    link.wait_for(timeout=10_000)
                    page.goto(link.get_attribute("href"))
                else:
                    page.goto(where)
                settle(page)
                page.mouse.move(0, 0)
                target = IMAGES / f"{manual}-{name}.png"
                page.screenshot(path=str(target), type="png", full_page=False, animations="disabled", caret="hide")
                taken.append(target)
        finally:
            context.close()
    total = sum(p.stat().st_size for p in taken)
    assert total < 6 * 1024 * 1024, f"{len(taken)} pictures weigh {total / 1024 / 1024:.1f} MB"


def test_help_opens_the_screens_own_section_with_its_pictures_on_a_phone(page, people, sign_in, check_screen) -> None:
    from playwright.sync_api import expect

    page.set_viewport_size(PHONE)
    sign_in(people.need("staff"))
    page.goto("/staff/log")
    settle(page)
    page.get_by_role("link", name="帮助：本周纪实").click()
    expect(page).to_have_url(re.compile(r"/help/staff#staff-log$"))
    section = page.locator("#staff-log")
    expect(section).to_contain_text("本周纪实")
    expect(section).to_be_in_viewport()
    pictures = page.locator("article.manual img")
    expect(pictures.first).to_be_visible()
    page.wait_for_function(
        "() => [...document.querySelectorAll('article.manual img')].slice(0, 3).every((i) => i.complete && i.naturalWidth > 0)"
    )
    check_screen(page, "the staff manual at 390 px")
    # The header's help menu lists the user's own manual first; another manual's link opens it.
    page.get_by_role("link", name="帮助", exact=True).click()
    expect(page.locator("main h1")).to_have_text("帮助")
    page.get_by_role("link", name="审核领导操作手册（股组长、分管领导、主要领导）").click()
    expect(page.locator("article.manual")).to_contain_text("待我审核")
    # Every manual reads right on the phone: nothing wider than 390 px, no English key, no undefined.
    for manual in sorted(p.stem for p in MANUALS.glob("*.md")):
        page.goto(f"/help/{manual}")
        expect(page.locator("article.manual .help-h").first).to_be_visible()
        check_screen(page, f"/help/{manual} at 390 px")


def test_help_of_every_screen_for_every_role_points_at_a_section_its_manual_has(page, people, sign_in) -> None:
    sign_in(people.need("staff"))
    modules = sorted(p.stem for p in (ROOT / "apps" / "web" / "screens").glob("*.js"))
    links = page.evaluate(
        """async (modules) => {
            const help = await import('/lib/help.js');
            const out = [];
            for (const m of modules) {
                const screens = (await import(`/screens/${m}.js`)).screens || [];
                for (const s of screens) for (const role of s.roles) out.push([s.path, role, help.helpHref(s, { roles: [role] })]);
            }
            return out;
        }""",
        modules,
    )
    assert len(links) > 100
    wrong = []
    for path, role, href in links:
        found = re.fullmatch(r"/help/(\w+)#([\w-]+)", href)
        if found is None or found.group(2) not in sections_of(found.group(1)):
            wrong.append(f"{path} as {role} → {href}")
    assert not wrong, "help links to no section:\n" + "\n".join(wrong)
