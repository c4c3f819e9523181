"""What a service offers, in a few hundred bytes: its routes and their methods, as its OpenAPI document lists them.

The web app lists a screen only when the endpoints it needs exist. Reading four OpenAPI documents
for that cost a phone ~700 KB on every load; this answer is the same fact (path → methods), with
an ETag and a cache lifetime so a returning page does not ask again.
"""

from __future__ import annotations

import hashlib
import json

from fastapi import FastAPI, Request
from fastapi.responses import Response

CACHE_CONTROL = "public, max-age=300"


def describe(app: FastAPI, service: str) -> tuple[bytes, str]:
    """The body and ETag of ``GET /capabilities``: ``{"service", "paths": {path: [methods]}}``."""
    verbs = {"get", "put", "post", "delete", "patch"}
    paths = {
        path: sorted(m.upper() for m in item if m in verbs)
        for path, item in app.openapi().get("paths", {}).items()
        if path.startswith("/api/")
    }
    body = json.dumps({"service": service, "paths": dict(sorted(paths.items()))}, separators=(",", ":")).encode()
    return body, '"' + hashlib.sha256(body).hexdigest()[:20] + '"'


def capabilities_answer(request: Request, service: str) -> Response:
    """The answer, computed once per app (routes do not change while it runs); 304 when unchanged."""
    app: FastAPI = request.app
    cached = getattr(app.state, "capabilities", None)
    if cached is None:
        cached = app.state.capabilities = describe(app, service)
    body, etag = cached
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)
