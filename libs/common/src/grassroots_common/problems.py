"""The problem+json body (RFC 9457) every refusal has, and how a route declares the refusals it can answer.

A route's OpenAPI lists each status it can answer. ``Route`` derives the refusals from the route's
shape (``refusals_of``): what its dependencies can refuse (``refuses`` marks them: a missing token is
401, a role 403, a service still starting 503), 422 for a route that validates anything, 413 for
one that takes a body, 404 for one that names a record in its path or is a command, 409 for a
command. A route that can answer one more says so with ``responses=problem_responses(...)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

PROBLEM = "application/problem+json"
REF = "#/components/schemas/{model}"

F = TypeVar("F", bound=Callable[..., Any])


class FieldProblem(BaseModel):
    """What is wrong with one field of the request."""

    field: str
    code: str
    message: str


class Problem(BaseModel):
    """A refusal: ``code`` is stable for clients to branch on, ``detail`` a Chinese message a user can act on."""

    type: str
    title: str
    status: int
    code: str
    detail: str
    instance: str = ""
    errors: list[FieldProblem] = []

    model_config = {"extra": "allow"}


_EXAMPLES: dict[int, tuple[str, str, str]] = {
    401: ("Unauthorized", "token_missing", "请先登录（缺少 Bearer 身份凭证）"),
    403: ("Forbidden", "role_required", "此操作需要以下角色之一：公务员"),
    404: ("Not found", "not_found", "找不到该记录"),
    409: ("Conflict with current state", "already_decided", "该级审核已完成，不能重复审核"),
    413: ("Payload too large", "body_too_large", "请求内容超过 256 KB 上限"),
    422: ("Unprocessable request", "validation_failed", "请求内容有误：week: 格式不正确"),
    503: ("Service unavailable", "starting", "服务正在启动，请稍后重试"),
}
STATUSES = frozenset(_EXAMPLES)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for these refusals, each a problem+json body."""
    responses: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        title, code, detail = _EXAMPLES[status]
        example = {"type": f"/problems/{code}", "title": title, "status": status, "code": code, "detail": detail}
        responses[status] = {
            "description": title,
            "content": {PROBLEM: {"schema": {"$ref": REF.format(model="Problem")}, "example": example}},
        }
    return responses


def openapi_components() -> dict[str, Any]:
    """The schemas ``problem_responses`` refers to, for an app's ``components.schemas``."""
    schema = Problem.model_json_schema(ref_template=REF)
    definitions = schema.pop("$defs", {})
    return {**definitions, "Problem": schema}


def refuses(*statuses: int) -> Callable[[F], F]:
    """Mark a dependency with the refusals it can raise: every route that depends on it declares them."""
    unknown = set(statuses) - STATUSES
    if unknown:
        raise ValueError(f"no problem response for {sorted(unknown)}")

    def mark(call: F) -> F:
        call.__dict__["refusals"] = frozenset(statuses)
        return call

    return mark
