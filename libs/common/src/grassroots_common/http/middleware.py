"""Middleware every service runs: body caps, control characters refused, request ids and latency."""

from __future__ import annotations

import functools
import os
import re
import time
import urllib.parse
from typing import Any

import structlog
from prometheus_client import Histogram
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from grassroots_common.errors import TooLarge
from grassroots_common.http.refusals import problem

REQUEST_LATENCY = Histogram(
    "grassroots_http_request_seconds",
    "HTTP request latency",
    ["method", "route", "status"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)

# JSON and text are gzipped for phones on slow links; office documents and photos are zip or
# JPEG already, so compressing them again costs CPU for nothing.
NOT_COMPRESSED = (
    *DEFAULT_EXCLUDED_CONTENT_TYPES,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


@functools.cache
def _latency(method: str, route: str, status: int) -> Any:
    """The histogram's child for one label set, looked up once (``labels()`` validates and locks)."""
    return REQUEST_LATENCY.labels(method, route, str(status))


class BodyLimit:
    """Refuse bodies over the cap (JSON small, uploads larger) with a 413, before they are read whole.

    A declared ``Content-Length`` over the cap is refused before the app runs. A body without one
    (chunked, as the gateway forwards it) is counted as it arrives: past the cap the app's reading
    fails, and whatever the app then answers (FastAPI turns a failed read into a 400) is replaced
    by the 413.
    """

    def __init__(self, app: ASGIApp, max_json: int, max_upload: int) -> None:
        self.app = app
        self.max_json = max_json
        self.max_upload = max_upload

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        content_type = headers.get(b"content-type", b"").decode("latin-1")
        limit = self.max_upload if content_type.startswith("multipart/") else self.max_json
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            await _send_too_large(send, limit, scope.get("path", ""))
            return
        seen = 0
        exceeded = started = False

        async def limited() -> Message:
            nonlocal seen, exceeded
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    exceeded = True
                    raise TooLarge("body_too_large", f"请求内容超过 {limit // 1024} KB 上限")
            return message

        async def answer(message: Message) -> None:
            nonlocal started
            if exceeded:
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await _send_too_large(send, limit, scope.get("path", ""))
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited, answer)
        except TooLarge:
            if started:
                raise
            await _send_too_large(send, limit, scope.get("path", ""))


async def _send_too_large(send: Send, limit: int, path: str) -> None:
    response = problem(413, "body_too_large", f"请求内容超过 {limit // 1024} KB 上限", path)
    await send({"type": "http.response.start", "status": 413, "headers": response.raw_headers})
    await send({"type": "http.response.body", "body": response.body})


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


class RefuseControlCharacters:
    """A control character (NUL above all: PostgreSQL refuses it in text) in the path or a query
    parameter is refused with 422 naming the parameter, for every route at once: ids and filters
    reach SQL as they are, and no route is expected to check for them itself. Bodies are checked
    by their types (``grassroots_common.fields``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            found = _control_in(scope.get("path", ""), scope.get("query_string", b""))
            if found is not None:
                where, char = found
                detail = f"{where}: 含有不可见的控制字符 U+{ord(char):04X}，请检查链接或查询条件后重试"
                error = {"field": where, "code": "text_control_character", "message": detail}
                response = problem(
                    422,
                    "validation_failed",
                    f"请求内容有误：{detail}",
                    _CONTROL.sub("", scope.get("path", "")),
                    errors=[error],
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _control_in(path: str, query: bytes) -> tuple[str, str] | None:
    """``(parameter, character)`` of the first control character in the path or the query."""
    if not path.isprintable():
        bad = _CONTROL.search(path)
        if bad is not None:
            return "path", bad.group()
    if b"%" in query or _CONTROL.search(query.decode("latin-1")):
        for name, value in urllib.parse.parse_qsl(
            query.decode("latin-1"), keep_blank_values=True, encoding="utf-8", errors="replace"
        ):
            bad = _CONTROL.search(name) or _CONTROL.search(value)
            if bad is not None:
                return f"query.{_CONTROL.sub('', name)}", bad.group()
    return None


class RequestContext:
    """Request and correlation ids (logs, event metadata, response headers) and request latency."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = correlation_id = ""
        for key, value in scope["headers"]:
            if key == b"x-request-id":
                request_id = value.decode("latin-1")[:100]
            elif key == b"x-correlation-id":
                correlation_id = value.decode("latin-1")[:100]
        request_id = request_id or os.urandom(16).hex()
        correlation_id = correlation_id or request_id
        state = scope.setdefault("state", {})
        state["request_id"], state["correlation_id"] = request_id, correlation_id
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id, correlation_id=correlation_id)
        started = time.perf_counter()
        status = 500

        async def send_with_ids(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode("latin-1")))
                headers.append((b"x-correlation-id", correlation_id.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_ids)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            method = scope["method"] if scope["method"] in _METHODS else "OTHER"  # labels stay a bounded set
            _latency(method, route, status).observe(time.perf_counter() - started)
