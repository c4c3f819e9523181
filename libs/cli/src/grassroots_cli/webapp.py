"""The web app's files as the one origin serves them: versioned, compressed, cached.

The app has no build step, so its modules import each other by relative path. ``index.html`` is
served with its script and stylesheet under ``/v/<version>/`` (the version is a hash of every file
of the app), so every module the page imports resolves under the same prefix and can be cached
for good (``immutable``): a changed file changes the version, and the next ``index.html`` names
the new one. The app fetches a screen module when one of its routes is first shown
(``screens/routes.js`` says which module draws which route); ``index.html`` lists as
``modulepreload`` what the page asked for needs — the shell's modules and the modules its screen
imports, nothing else — so a phone on a slow link fetches them at once instead of one import level
per round trip, and not the screens of other roles. Text files are gzipped once and kept in memory;
every answer carries an ETag and a matching ``If-None-Match`` gets a 304.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from starlette.datastructures import Headers
from starlette.responses import Response

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")
ROUTES = "screens/routes.js"
# Pages that are not a role's screen: the home page lists every screen, so it fetches every module.
NOT_SCREENS = ("signin.js", "help.js")
# A static import (or re-export) of another of the app's files: ``import { a } from "./x.js";``.
_IMPORT = re.compile(r'^\s*(?:import|export)\b[^;"]*?(?:\bfrom\s*)?"(\.{1,2}/[^"]+)"', re.MULTILINE)
_ROUTE_MODULE = re.compile(r'^\s*"([\w-]+\.js)":\s*\[(.*?)\]', re.MULTILINE | re.DOTALL)
TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
}


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes | None
    etag: str
    media_type: str


def _asset(body: bytes, media_type: str) -> Asset:
    etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
    compress = media_type.startswith(COMPRESSIBLE) and len(body) > 512
    return Asset(body, gzip.compress(body, 6, mtime=0) if compress else None, etag, media_type)


def imports(contents: dict[str, bytes], name: str) -> list[str]:
    """``name`` and every file it imports statically, directly or not (dynamic ``import()`` aside)."""
    found: list[str] = []
    todo = [name]
    while todo:
        current = todo.pop()
        if current in found or current not in contents:
            continue
        found.append(current)
        base = posixpath.dirname(current)
        for target in _IMPORT.findall(contents[current].decode(errors="replace")):
            todo.append(posixpath.normpath(posixpath.join(base, target)))
    return found


def routes(text: str) -> dict[str, list[str]]:
    """``screens/routes.js``'s table: each screen module (``screens/<file>``) and its route patterns."""
    return {f"screens/{file}": re.findall(r'"(/[^"]*)"', paths) for file, paths in _ROUTE_MODULE.findall(text)}


def _pattern(route: str) -> re.Pattern[str]:
    """A route pattern as the app's router matches it (``lib/router.js``)."""
    source = re.sub(r":\w+", "[^/]+", re.escape(route.rstrip("/")))
    return re.compile(f"^{source}/?$")


def _media_type(path: Path) -> str:
    return TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


class WebApp:
    """The files under ``root``, reread when any of them changes (size or modification time)."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._signature: tuple = ()
        self._assets: dict[str, Asset] = {}
        self._routes: list[tuple[re.Pattern[str], str]] = []
        self._pages: dict[str | None, Asset] = {}
        self.version = ""

    def _load(self) -> None:
        files = sorted(p for p in self.root.rglob("*") if p.is_file() and not p.name.startswith("."))
        signature = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)
        if signature == self._signature:
            return
        contents = {p.relative_to(self.root).as_posix(): p.read_bytes() for p in files}
        digest = hashlib.sha256()
        for name, body in contents.items():
            digest.update(name.encode() + b"\0" + body + b"\0")
        version = digest.hexdigest()[:12]
        self._assets = {name: _asset(body, _media_type(Path(name))) for name, body in contents.items()}
        table = routes(contents.get(ROUTES, b"").decode(errors="replace"))
        self._routes = [(_pattern(route), module) for module, paths in table.items() for route in paths]
        shell = [n for n in imports(contents, "app.js") if n != "app.js"]
        html = contents.get("index.html")
        # One page per first screen: the shell's modules, then what that screen's module imports.
        # The home page ("") lists every screen; a path of no route gets the shell alone (None).
        firsts: dict[str | None, list[str]] = {
            None: [],
            "": [m for m in table if posixpath.basename(m) not in NOT_SCREENS],
        }
        firsts.update({module: [module] for module in table})
        self._pages = {}
        if html is not None:
            for first, modules in firsts.items():
                needed = list(dict.fromkeys(shell + [n for m in modules for n in imports(contents, m)]))
                self._pages[first] = self._render_index(html, version, needed)
        self.version = version
        self._signature = signature

    def _render_index(self, html: bytes, version: str, preload: list[str]) -> Asset:
        prefix = f"/v/{version}/"
        text = html.decode().replace('href="/styles.css"', f'href="{prefix}styles.css"')
        text = text.replace('src="/app.js"', f'src="{prefix}app.js"')
        preloads = "".join(f'  <link rel="modulepreload" href="{prefix}{name}">\n' for name in preload)
        text = text.replace("</head>", preloads + "</head>", 1)
        return _asset(text.encode(), TYPES[".html"])

    def page(self, path: str) -> Asset | None:
        """``index.html`` for ``/<path>``, preloading what its first screen needs."""
        route = "/" + path.strip("/")
        if route == "/" or path == "index.html":
            return self._pages.get("")
        module = next((m for pattern, m in self._routes if pattern.match(route)), None)
        return self._pages.get(module)

    def response(self, path: str, headers: Headers) -> Response | None:
        """The answer for ``/<path>``: an asset, or ``index.html`` for any path of the app's router."""
        self._load()
        cache = REVALIDATE
        name = path
        if path.startswith("v/"):
            version, _, name = path[2:].partition("/")
            cache = IMMUTABLE if version == self.version else REVALIDATE
        asset = self._assets.get(name) if name and name != "index.html" else None
        if asset is None:
            asset, cache = self.page(path), REVALIDATE
        if asset is None:
            return None
        common = {"ETag": asset.etag, "Cache-Control": cache, "Vary": "Accept-Encoding"}
        if asset.etag in headers.get("if-none-match", ""):
            return Response(status_code=304, headers=common)
        if asset.gzipped is not None and "gzip" in headers.get("accept-encoding", ""):
            return Response(asset.gzipped, media_type=asset.media_type, headers={**common, "Content-Encoding": "gzip"})
        return Response(asset.body, media_type=asset.media_type, headers=common)


class DocFiles:
    """The operation manuals (``docs/manuals``): ``<manual>.md`` and ``images/<name>.png``, nothing
    else; no router fallback (a missing file is ``None``, the caller answers 404)."""

    NAMES = re.compile(r"[a-z_]+\.md|images/[\w@.-]+\.png")

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._cache: dict[str, tuple[tuple[int, int], Asset]] = {}

    def response(self, name: str, headers: Headers) -> Response | None:
        if not self.NAMES.fullmatch(name) or ".." in name:
            return None
        path = self.root / name
        try:
            stat = path.stat()
        except OSError:
            return None
        key = (stat.st_mtime_ns, stat.st_size)
        cached = self._cache.get(name)
        if cached is None or cached[0] != key:
            media = "text/markdown; charset=utf-8" if name.endswith(".md") else "image/png"
            cached = (key, _asset(path.read_bytes(), media))
            self._cache[name] = cached
        asset = cached[1]
        common = {"ETag": asset.etag, "Cache-Control": REVALIDATE, "Vary": "Accept-Encoding"}
        if asset.etag in headers.get("if-none-match", ""):
            return Response(status_code=304, headers=common)
        if asset.gzipped is not None and "gzip" in headers.get("accept-encoding", ""):
            return Response(asset.gzipped, media_type=asset.media_type, headers={**common, "Content-Encoding": "gzip"})
        return Response(asset.body, media_type=asset.media_type, headers=common)
