"""The problem+json answers: each kind of error answered with its status, input that does not
validate (each field named, in Chinese), the database unavailable, and the shape every refusal shares."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg
import structlog
from fastapi import Request
from fastapi.responses import JSONResponse

from grassroots_common.errors import (
    Conflict,
    DomainError,
    Forbidden,
    Invalid,
    NotFound,
    TooLarge,
    Unauthorized,
    Unavailable,
)
from grassroots_common.fields import KEY_PATTERN
from grassroots_common.problems import PROBLEM

log = structlog.get_logger(__name__)


def problem(status: int, code: str, detail: str, instance: str = "", **extra: Any) -> JSONResponse:
    body = {"type": f"/problems/{code}", "title": detail, "status": status, "code": code, "detail": detail}
    body["instance"] = instance
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


# Each kind of error, answered with its status and title (an error carries its kind, never a status).
STATUSES: dict[type[DomainError], tuple[int, str]] = {
    Invalid: (422, "Unprocessable request"),
    Conflict: (409, "Conflict with current state"),
    Forbidden: (403, "Forbidden"),
    Unauthorized: (401, "Unauthorized"),
    NotFound: (404, "Not found"),
    TooLarge: (413, "Payload too large"),
    Unavailable: (503, "Service unavailable"),
}
UNKINDED = (400, "Bad request")


def status_of(error: DomainError) -> tuple[int, str]:
    """The status and title that answer ``error``: its kind's, or the nearest kind it derives from."""
    for kind in type(error).__mro__:
        if kind in STATUSES:
            return STATUSES[kind]
    return UNKINDED


def refusal(error: DomainError, instance: str = "") -> JSONResponse:
    """``error`` as problem+json: its code and message, the field it concerns, and what it adds."""
    status, title = status_of(error)
    body: dict[str, Any] = {
        "type": f"/problems/{error.code}",
        "title": title,
        "status": status,
        "code": error.code,
        "detail": error.message,
        "instance": instance,
    }
    if error.field:
        body["errors"] = [{"field": error.field, "code": error.code, "message": error.message}]
    body.update(error.extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


# PostgreSQL down, restarting or refusing connections: the request may be tried again shortly.
# (A pool connection the server dropped is replaced on release, so the service recovers by itself.)
DATABASE_UNAVAILABLE: tuple[type[Exception], ...] = (
    OSError,  # refused, reset, timed out (TimeoutError is an OSError)
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.TooManyConnectionsError,
    asyncpg.InterfaceError,  # only "connection is closed" (a connection the server dropped mid-request)
    # "another operation is in progress": a connection the server dropped in the middle of a statement
    # (seen in tests/e2e/test_faults.py when PostgreSQL is killed under load)
    asyncpg.InternalClientError,
)
RETRY_AFTER_SECONDS = 2


async def database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, asyncpg.InterfaceError) and "closed" not in str(exc):
        raise exc  # a misuse of the driver, not the server going away: a 500 and its traceback
    log.warning("database.unavailable", path=request.url.path, error=repr(exc))
    response = problem(503, "database_unavailable", "数据库暂时不可用，请稍后重试", request.url.path)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


_ZH = {
    "missing": "必填",
    "string_too_short": "至少 {min_length} 个字",
    "string_too_long": "最多 {max_length} 个字",
    "too_short": "至少需要 {min_length} 项",
    "too_long": "最多 {max_length} 项",
    "greater_than_equal": "不能小于 {ge}",
    "less_than_equal": "不能大于 {le}",
    "greater_than": "必须大于 {gt}",
    "less_than": "必须小于 {lt}",
    "int_parsing": "必须是整数",
    "decimal_parsing": "必须是数字",
    "float_parsing": "必须是数字",
    "enum": "取值必须是：{expected}",
    "literal_error": "取值必须是：{expected}",
    "string_pattern_mismatch": "格式不正确",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "datetime_parsing": "时间格式不正确",
    "extra_forbidden": "不允许的字段",
    "json_invalid": "不是有效的 JSON",
    "json_not_utf8": "不是 UTF-8 编码的 JSON",
    "json_too_deep": "JSON 嵌套层级太深",
    "model_attributes_type": "应为对象",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "string_type": "应为文字",
    "string_unicode": "含有无效的字符，请删除后重新输入",
    "int_type": "必须是整数",
    "int_from_float": "必须是整数",
    "float_type": "必须是数字",
    "finite_number": "必须是有限的数字",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
}


def validation_failed(request: Request, raw: Sequence[Any]) -> JSONResponse:
    """422 ``validation_failed`` naming each field, with a Chinese message for each."""
    errors = []
    for err in raw:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "header")]
        errors.append({"field": ".".join(loc), "code": err.get("type", "invalid"), "message": _zh(err)})
    detail = "；".join(f"{e['field']}: {e['message']}" for e in errors[:5]) or "请求内容有误"
    return problem(422, "validation_failed", f"请求内容有误：{detail}", request.url.path, errors=errors)


_ZH_TEXT = {"too_short": "至少 {min_length} 个字", "too_long": "最多 {max_length} 个字"}
"""A text type that normalizes (``grassroots_common.fields``) checks its length after that step,
which pydantic reports as ``too_short``/``too_long`` like a list's."""


def _zh(err: dict[str, Any]) -> str:
    kind = err.get("type", "")
    if kind == "string_pattern_mismatch" and (err.get("ctx") or {}).get("pattern") == KEY_PATTERN:
        return "不能包含换行或不可见的控制字符（常见于从 Word 或表格粘贴的内容），请删除后重新输入"
    template = _ZH_TEXT.get(kind) if isinstance(err.get("input"), str) else None
    template = template or _ZH.get(kind)
    if template is None:
        return str(err.get("msg", "取值无效"))
    try:
        return template.format(**(err.get("ctx") or {}))
    except (KeyError, IndexError):
        return template
