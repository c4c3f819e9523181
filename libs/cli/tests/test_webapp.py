"""The web app's files as the one origin serves them: versioned URLs, gzip, ETags, the router fallback."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

from starlette.datastructures import Headers

from grassroots_cli.webapp import IMMUTABLE, REVALIDATE, WebApp, routes

INDEX = """<html><head>
<link rel="stylesheet" href="/styles.css">
<script type="module" src="/app.js"></script>
</head><body></body></html>"""


def tree(root: Path) -> WebApp:
    (root / "lib").mkdir()
    (root / "index.html").write_text(INDEX)
    (root / "app.js").write_text('import { x } from "./lib/x.js";\n' + "// padding\n" * 100)
    (root / "lib" / "x.js").write_text("export const x = 1;\n")
    (root / "styles.css").write_text("body { margin: 0 }\n")
    return WebApp(root)


def test_index_names_versioned_assets_and_preloads_the_shell(tmp_path: Path) -> None:
    app = tree(tmp_path)
    index = app.response("staff/log", Headers({})).body.decode()
    prefix = f"/v/{app.version}/"
    assert f'src="{prefix}app.js"' in index and f'href="{prefix}styles.css"' in index
    assert f'<link rel="modulepreload" href="{prefix}lib/x.js">' in index

    module = app.response(f"v/{app.version}/lib/x.js", Headers({}))
    assert module.body == b"export const x = 1;\n"
    assert module.headers["cache-control"] == IMMUTABLE
    assert module.headers["content-type"].startswith("text/javascript")
    stale = app.response("v/0123456789ab/lib/x.js", Headers({}))
    assert stale.headers["cache-control"] == REVALIDATE


def test_a_changed_file_changes_the_version(tmp_path: Path) -> None:
    app = tree(tmp_path)
    app.response("", Headers({}))
    before = app.version
    (tmp_path / "lib" / "x.js").write_text("export const x = 2;\n")
    index = app.response("", Headers({})).body.decode()
    assert app.version != before and f"/v/{app.version}/app.js" in index


def test_gzip_and_not_modified(tmp_path: Path) -> None:
    app = tree(tmp_path)
    zipped = app.response("app.js", Headers({"accept-encoding": "gzip, br"}))
    assert zipped.headers["content-encoding"] == "gzip"
    assert gzip.decompress(zipped.body) == (tmp_path / "app.js").read_bytes()
    assert zipped.headers["cache-control"] == REVALIDATE
    again = app.response("app.js", Headers({"if-none-match": zipped.headers["etag"]}))
    assert (again.status_code, again.body) == (304, b"")
    small = app.response("lib/x.js", Headers({"accept-encoding": "gzip"}))
    assert "content-encoding" not in small.headers  # not worth compressing


def test_unknown_paths_get_the_app_and_files_outside_stay_out(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("no")
    root = tmp_path / "web"
    root.mkdir()
    app = tree(root)
    for path in ("tickets/t1", "../secret.txt", "v/x/../../secret.txt", "index.html"):
        answer = app.response(path, Headers({}))
        assert b"modulepreload" in answer.body, path
        assert answer.headers["cache-control"] == REVALIDATE


def test_manuals_are_served_as_markdown_and_png_and_nothing_else(tmp_path: Path) -> None:
    from grassroots_cli.webapp import DocFiles

    (tmp_path / "images").mkdir()
    (tmp_path / "staff.md").write_text("# 公务员操作手册\n" + "正文。\n" * 200)
    (tmp_path / "images" / "staff-log.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "secret.txt").write_text("no")
    docs = DocFiles(tmp_path)
    page = docs.response("staff.md", Headers({"accept-encoding": "gzip"}))
    assert page.headers["content-type"] == "text/markdown; charset=utf-8"
    assert gzip.decompress(page.body).decode().startswith("# 公务员操作手册")
    assert docs.response("staff.md", Headers({"if-none-match": page.headers["etag"]})).status_code == 304
    assert docs.response("images/staff-log.png", Headers({})).headers["content-type"] == "image/png"
    for name in ("secret.txt", "../staff.md", "images/../staff.md", "missing.md", "index.html"):
        assert docs.response(name, Headers({})) is None, name


ROUTES_JS = """export const ROUTES = {
  "a.js": ["/a/list", "/a/item/:id"],
  "b.js": [
    "/b/new",
    "/b/:id",
  ],
  "signin.js": ["/signin"],
};
"""


def routed(root: Path) -> WebApp:
    app = tree(root)
    (root / "app.js").write_text('import { x } from "./lib/x.js";\nimport { ROUTES } from "./screens/routes.js";\n')
    (root / "screens").mkdir()
    (root / "screens" / "routes.js").write_text(ROUTES_JS)
    (root / "screens" / "a.js").write_text('import {\n  shared,\n} from "./shared.js";\nimport "../lib/y.js";\n')
    (root / "screens" / "shared.js").write_text('export { x } from "../lib/x.js";\n')
    (root / "screens" / "b.js").write_text("export const screens = [];\n")
    (root / "screens" / "signin.js").write_text("export const signIn = 1;\n")
    (root / "lib" / "y.js").write_text("const later = () => import('./z.js');\n")
    (root / "lib" / "z.js").write_text("export const z = 1;\n")
    return app


def preloaded(app: WebApp, path: str) -> set[str]:
    index = app.response(path, Headers({})).body.decode()
    return set(re.findall(r'rel="modulepreload" href="/v/' + app.version + r'/([^"]+)"', index))


def test_each_page_preloads_the_shell_and_its_first_screen_only(tmp_path: Path) -> None:
    app = routed(tmp_path)
    shell = {"lib/x.js", "screens/routes.js"}
    # The screen's module and what it imports statically, not what it imports later (z.js).
    assert preloaded(app, "a/item/17") == shell | {"screens/a.js", "screens/shared.js", "lib/y.js"}
    assert preloaded(app, "b/new") == preloaded(app, "b/42") == shell | {"screens/b.js"}
    assert preloaded(app, "signin") == shell | {"screens/signin.js"}
    # The home page lists every screen; a path of no route gets the shell alone.
    assert preloaded(app, "") == shell | {"screens/a.js", "screens/shared.js", "lib/y.js", "screens/b.js"}
    assert preloaded(app, "a/item/17/more") == preloaded(app, "nowhere") == shell


def test_the_route_table_names_every_screen_path_of_the_app() -> None:
    """``screens/routes.js`` lists, for each screen module, the paths its screens declare: a screen
    missing there has no route, a path listed there and not declared finds no screen."""
    root = Path(__file__).resolve().parents[3] / "apps" / "web"
    table = routes((root / "screens" / "routes.js").read_text())
    declared = {}
    for module in sorted((root / "screens").glob("*.js")):
        paths = re.findall(r'\bpath: "(/[^"]*)"', module.read_text())
        if paths:
            declared[f"screens/{module.name}"] = paths
    assert {m: p for m, p in table.items() if m not in ("screens/signin.js", "screens/help.js")} == declared
    for module in table:
        assert (root / module).is_file(), module


def test_the_log_form_page_preloads_no_screen_of_another_role() -> None:
    from grassroots_cli.webserver import WEB_ROOT

    app = WebApp(WEB_ROOT)
    log_form = preloaded(app, "staff/log")
    assert "screens/staff.js" in log_form
    for other in ("leader", "district", "operator", "reporting", "grid", "village", "admin", "signin"):
        assert f"screens/{other}.js" not in log_form, other
