"""The operation manuals (docs/manuals) against the app: every picture a manual shows exists (and
every picture there is shown), every screen a manual names is a route of the app under the title the
app gives it, and every screen a user can open from a home page has its section in some manual."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MANUALS = ROOT / "docs" / "manuals"
WEB = ROOT / "apps" / "web"

_ROUTE = re.compile(r'path: "(/[^"]*)",\s*title: "([^"]+)",(\s*hidden: true)?')
_IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")
_LINK = re.compile(r"(?<!!)\[[^\]]+\]\(([^)\s]+)\)")
_ANCHOR = re.compile(r'^<a id="([\w-]+)"></a>\n+#{2,4} (.+)$', re.M)
_MANUAL_KEYS = re.compile(r"^  (\w+): \{\s*$|^  (\w+): \{ title:", re.M)


def routes() -> dict[str, tuple[str, bool]]:
    """Every screen's route pattern: its title and whether it is hidden from the home page."""
    found = {}
    for module in sorted((WEB / "screens").glob("*.js")):
        for path, title, hidden in _ROUTE.findall(module.read_text()):
            found[path] = (title, bool(hidden))
    return found


def anchor_of(path: str) -> str:
    """As apps/web/lib/help.js's anchorOf: the route without its parameters, joined by '-'."""
    return "-".join(p for p in path.split("/") if p and not p.startswith(":"))


def matches(link: str, pattern: str) -> bool:
    regex = "^" + re.sub(r":\w+", "[^/]+", re.escape(pattern).replace(r"\:", ":")) + "/?$"
    return re.match(regex, link) is not None


def manual_names() -> list[str]:
    text = (WEB / "lib" / "help.js").read_text()
    return [a or b for a, b in _MANUAL_KEYS.findall(text)]


def test_the_route_table_is_read() -> None:
    table = routes()
    assert len(table) > 40 and table["/staff/log"] == ("本周纪实", False)
    assert table["/tickets/:id"][1] is True
    assert set(manual_names()) == {
        "staff",
        "leaders",
        "unit_admin",
        "district",
        "grid",
        "volunteer",
        "village",
        "operator",
    }


def test_every_role_has_its_manual_in_chinese() -> None:
    for name in manual_names():
        text = (MANUALS / f"{name}.md").read_text()
        assert text.startswith("# ") and "操作手册" in text.splitlines()[0], name
        assert len(re.findall(r"[\u4e00-\u9fff]", text)) > 200, f"{name}.md is too short to guide anyone"


def test_every_picture_a_manual_shows_exists_and_every_picture_is_shown() -> None:
    shown: set[Path] = set()
    for manual in MANUALS.glob("*.md"):
        for src in _IMAGE.findall(manual.read_text()):
            picture = (MANUALS / src).resolve()
            assert picture.is_file(), f"{manual.name} shows {src}, which does not exist (run make manuals)"
            shown.add(picture)
    pictures = set((MANUALS / "images").glob("*.png"))
    assert pictures, "no pictures: run make manuals"
    assert not pictures - shown, f"pictures no manual shows: {sorted(p.name for p in pictures - shown)}"
    total = sum(p.stat().st_size for p in pictures)
    assert total < 6 * 1024 * 1024, f"the manuals' pictures weigh {total / 1024 / 1024:.1f} MB"


def test_every_screen_a_manual_names_exists_under_its_title() -> None:
    table = routes()
    by_anchor = {anchor_of(path): (path, title) for path, (title, _) in table.items()}
    extra = {"", "help", "signin"}  # app.js's own routes: home, help, sign-in
    for manual in MANUALS.glob("*.md"):
        text = manual.read_text()
        for anchor, heading in _ANCHOR.findall(text):
            assert anchor in by_anchor, f"{manual.name}: section #{anchor} names no screen of the app"
            titles = {title for path, (title, _) in table.items() if anchor_of(path) == anchor}
            assert any(t in heading for t in titles), f"{manual.name}: #{anchor} is headed {heading!r}, not {titles}"
        for link in _LINK.findall(text):
            if link.startswith(("http", "#")) or link.endswith(".md") or ".md#" in link:
                continue
            path = link.split("#")[0].split("?")[0]
            known = path.strip("/") in extra or any(matches(path, p) for p in table)
            assert known, f"{manual.name} links {link}, which is no screen of the app"
        for anchor in re.findall(r"\]\((?:\./)?[\w-]+\.md#([\w-]+)\)", text):
            assert anchor in by_anchor, f"{manual.name} links a section #{anchor} that names no screen"


def test_every_screen_on_a_home_page_has_its_section() -> None:
    sections = set()
    for manual in MANUALS.glob("*.md"):
        sections |= {a for a, _ in _ANCHOR.findall(manual.read_text())}
    missing = [path for path, (_, hidden) in routes().items() if not hidden and anchor_of(path) not in sections]
    assert not missing, f"screens no manual explains: {missing}"
