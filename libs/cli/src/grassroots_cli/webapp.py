"""The web app's files as the one origin serves them: versioned, compressed, cached.

The app has no build step, so its modules import each other by relative path. ``index.html`` is
served with its script and stylesheet under ``/v/<version>/`` (the version is a hash of every file
of the app), so every module the page imports resolves under the same prefix and can be cached
for good (``immutable``): a changed file changes the version, and the next ``index.html`` names
the new one. ``index.html`` also lists every module as ``modulepreload``, so a phone on a slow link
fetches them all at once instead of one import level per round trip. Text files are gzipped once
and kept in memory; every answer carries an ETag and a matching ``If-None-Match`` gets a 304.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path

from starlette.datastructures import Headers
from starlette.responses import Response

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")
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


def _media_type(path: Path) -> str:
    return TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


class WebApp:
    """The files under ``root``, reread when any of them changes (size or modification time)."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._signature: tuple = ()
        self._assets: dict[str, Asset] = {}
        self._index: Asset | None = None
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
        self._index = self._render_index(contents.get("index.html", b""), version, sorted(contents))
        self.version = version
        self._signature = signature

    def _render_index(self, html: bytes, version: str, names: list[str]) -> Asset:
        prefix = f"/v/{version}/"
        text = html.decode().replace('href="/styles.css"', f'href="{prefix}styles.css"')
        text = text.replace('src="/app.js"', f'src="{prefix}app.js"')
        preloads = "".join(
            f'  <link rel="modulepreload" href="{prefix}{name}">\n'
            for name in names
            if name.endswith(".js") and name != "app.js"
        )
        text = text.replace("</head>", preloads + "</head>", 1)
        return _asset(text.encode(), TYPES[".html"])

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
            asset, cache = self._index, REVALIDATE
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
