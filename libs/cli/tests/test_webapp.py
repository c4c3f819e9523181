"""The web app's files as the one origin serves them: versioned URLs, gzip, ETags, the router fallback."""

from __future__ import annotations

import gzip
from pathlib import Path

from starlette.datastructures import Headers

from grassroots_cli.webapp import IMMUTABLE, REVALIDATE, WebApp

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


def test_index_names_versioned_assets_and_preloads_every_module(tmp_path: Path) -> None:
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
