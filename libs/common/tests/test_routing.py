"""``Route`` answers exactly as FastAPI's own handler does; ``Router`` skips other prefixes."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any, Literal

import httpx
import pytest
from fastapi import APIRouter, Depends, FastAPI, Form, Header, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from pydantic import BaseModel, Field

from grassroots_common.routing import Route, _Plan, _Unplannable, api_router


class Kind(StrEnum):
    weekly = "weekly"
    monthly = "monthly"


class Item(BaseModel):
    text: str = Field(min_length=2, max_length=20)
    tags: list[str] = Field(default=[], max_length=3)


class Body(BaseModel):
    week: str = Field(pattern=r"^\d{4}-W\d{2}$")
    items: list[Item] = Field(min_length=1)
    due: dt.date | None = None
    model_config = {"extra": "forbid"}


class Out(BaseModel):
    week: str
    count: int
    who: str
    key: str | None
    extra: str = "x"


calls: list[str] = []


async def who(request: Request) -> str:
    calls.append("who")
    header = request.headers.get("x-who")
    if header == "nobody":
        raise PermissionError("nobody")
    return header or "anonymous"


async def greeting(name: Annotated[str, Depends(who)], polite: bool = False) -> str:
    return f"dear {name}" if polite else name


def build(route_class: type) -> FastAPI:
    app = FastAPI()
    app.router.route_class = route_class

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"errors": [[list(e["loc"]), e["type"]] for e in exc.errors()]}, status_code=422)

    @app.exception_handler(PermissionError)
    async def refused(request: Request, exc: PermissionError) -> JSONResponse:
        return JSONResponse({"refused": str(exc)}, status_code=403)

    router = APIRouter(prefix="/units/{unit_id}", route_class=route_class)

    @router.post("/logs/{kind}", status_code=201)
    async def submit(
        unit_id: Annotated[str, Path(pattern=r"^u\d+$")],
        kind: Kind,
        body: Body,
        name: Annotated[str, Depends(greeting)],
        again: Annotated[str, Depends(who)],
        key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=8)] = None,
        dry: Annotated[bool, Query()] = False,
    ) -> Out:
        return Out(week=body.week, count=len(body.items), who=f"{unit_id}/{kind.value}/{name}/{again}/{dry}", key=key)

    @router.get("/items")
    async def items(
        unit_id: str,
        tag: Annotated[list[str] | None, Query()] = None,
        size: Annotated[int, Query(ge=1, le=50)] = 20,
        order: Literal["asc", "desc"] = "asc",
    ) -> dict:
        return {"unit": unit_id, "tag": tag, "size": size, "order": order}

    @router.delete("/items/{item_id}", status_code=204)
    async def remove(item_id: int) -> None:
        return None

    @router.get("/text", response_class=PlainTextResponse)
    async def text(unit_id: str) -> str:
        return f"unit {unit_id}"

    @router.post("/form")
    async def form(note: Annotated[str, Form()]) -> dict:
        return {"note": note}

    @router.get("/sync")
    def sync(unit_id: str) -> dict:
        return {"sync": unit_id}

    app.include_router(router)
    app.include_router(router, prefix="/v2/{region}", dependencies=[Depends(gate)])
    return app


async def gate(region: Annotated[str, Path(pattern=r"^r\d$")], request: Request) -> None:
    """A dependency and a path parameter that only the second inclusion adds."""
    if request.headers.get("x-block"):
        raise PermissionError(f"blocked in {region}")


REQUESTS: list[tuple[str, str, dict]] = [
    ("POST", "/units/u1/logs/weekly", {"json": {"week": "2026-W47", "items": [{"text": "起草通报"}]}}),
    (
        "POST",
        "/units/u1/logs/monthly?dry=true",
        {
            "json": {"week": "2026-W47", "items": [{"text": "起草通报", "tags": ["a"]}], "due": "2026-11-30"},
            "headers": {"x-who": "zhang", "Idempotency-Key": "k1"},
        },
    ),
    ("POST", "/units/u1/logs/weekly", {"json": {"week": "47", "items": []}}),
    ("POST", "/units/u1/logs/weekly", {"json": {"week": "2026-W47", "items": [{"text": "x"}], "more": 1}}),
    ("POST", "/units/u1/logs/weekly", {"json": {"week": "2026-W47", "items": [{"text": "起草"}], "due": "soon"}}),
    ("POST", "/units/u1/logs/yearly", {"json": {"week": "2026-W47", "items": [{"text": "起草通报"}]}}),
    ("POST", "/units/x1/logs/weekly", {"json": {"week": "2026-W47", "items": [{"text": "起草通报"}]}}),
    ("POST", "/units/u1/logs/weekly?dry=maybe", {"json": {"week": "2026-W47", "items": [{"text": "起草通报"}]}}),
    (
        "POST",
        "/units/u1/logs/weekly",
        {"json": {"week": "2026-W47", "items": [{"text": "起草通报"}]}, "headers": {"Idempotency-Key": "far-too-long"}},
    ),
    (
        "POST",
        "/units/u1/logs/weekly",
        {"json": {"week": "2026-W47", "items": [{"text": "起草通报"}]}, "headers": {"x-who": "nobody"}},
    ),
    (
        "POST",
        "/units/u1/logs/weekly",
        {"json": {"week": "bad", "items": []}, "headers": {"x-who": "nobody"}},
    ),
    ("POST", "/units/u1/logs/weekly", {"content": b'{"week": "2026-W47", "items": ['}),
    ("POST", "/units/u1/logs/weekly", {"content": b"", "headers": {"content-type": "application/json"}}),
    (
        "POST",
        "/units/u1/logs/weekly",
        {"content": b'{"week": "2026-W47", "items": [{"text": "ab"}]}', "headers": {"content-type": "text/plain"}},
    ),
    (
        "POST",
        "/units/u1/logs/weekly",
        {
            "content": b'{"week": "2026-W47", "items": [{"text": "ab"}]}',
            "headers": {"content-type": "application/vnd.grassroots+json; charset=utf-8"},
        },
    ),
    ("GET", "/units/u1/items?tag=a&tag=b&size=5&order=desc", {}),
    ("GET", "/units/u1/items", {}),
    ("GET", "/units/u1/items?size=0", {}),
    ("GET", "/units/u1/items?order=up", {}),
    ("DELETE", "/units/u1/items/7", {}),
    ("DELETE", "/units/u1/items/seven", {}),
    ("GET", "/units/u1/text", {}),
    ("POST", "/units/u1/form", {"data": {"note": "hello"}}),
    ("POST", "/units/u1/form", {"data": {}}),
    ("GET", "/units/u1/sync", {}),
    ("GET", "/units/u1/nothing", {}),
    ("POST", "/v2/r1/units/u1/logs/weekly", {"json": {"week": "2026-W47", "items": [{"text": "起草通报"}]}}),
    (
        "POST",
        "/v2/r1/units/u1/logs/weekly",
        {"json": {"week": "2026-W47", "items": [{"text": "起草通报"}]}, "headers": {"x-block": "1"}},
    ),
    ("POST", "/v2/region/units/u1/logs/weekly", {"json": {"week": "2026-W47", "items": [{"text": "起草通报"}]}}),
    ("GET", "/v2/r2/units/u1/items?size=3", {}),
    ("PUT", "/units/u1/items", {}),
]


async def answers(app: FastAPI) -> list[tuple[int, str, bytes]]:
    transport = httpx.ASGITransport(app=app)
    out = []
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        for method, url, kwargs in REQUESTS:
            response = await client.request(method, url, **kwargs)
            out.append((response.status_code, response.headers.get("content-type", ""), response.content))
    return out


async def test_route_answers_every_request_as_fastapi_does() -> None:
    ours, theirs = await answers(build(Route)), await answers(build(APIRoute_()))
    for request, mine, fastapi in zip(REQUESTS, ours, theirs, strict=True):
        assert mine == fastapi, request
    statuses = {status for status, _, _ in ours}
    assert {201, 200, 204, 403, 404, 405, 422} <= statuses  # the cases cover success and every refusal


MALFORMED: list[tuple[str, str, dict]] = [
    ("POST", "/units/u1/logs/weekly", {"content": b'{"week": "2026-W47", "items": [{"text": "\xff\xfe"}]}'}),
    ("POST", "/units/u1/logs/weekly", {"content": b'{"week": "2026-W47", "items": ' + b"[" * 100_000}),
    (
        "POST",
        "/units/u1/logs/weekly",
        {"content": b'{"week": "2026-W47", "items": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"},
    ),
    ("POST", "/v2/r1/units/u1/logs/weekly", {"content": '{"week": "2026-W47"}'.encode("utf-16")}),
]


async def test_a_body_that_is_not_utf8_or_nests_too_deep_is_refused_alike_by_both_handlers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    json_headers = {"content-type": "application/json"}
    requests = [(m, u, {**kw, "headers": json_headers}) for m, u, kw in MALFORMED]

    async def send(app: FastAPI) -> list[tuple[int, bytes]]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return [
                ((r := await client.request(method, url, **kwargs)).status_code, r.content)
                for method, url, kwargs in requests
            ]

    planned = await send(build(Route))

    def unplannable(self: _Plan, route: Any, general: Any) -> None:
        raise _Unplannable("the general handler only")

    monkeypatch.setattr(_Plan, "__init__", unplannable)
    general = await send(build(Route))
    assert planned == general
    kinds = [__import__("json").loads(body)["errors"][0][1] for _, body in planned]
    assert {status for status, _ in planned} == {422}
    assert kinds == ["json_not_utf8", "json_too_deep", "json_too_deep", "json_not_utf8"]


async def test_integers_without_bounds_are_bounded_to_int64_in_both_handlers() -> None:
    app = build(Route)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        assert (await client.delete(f"/units/u1/items/{2**63 - 1}")).status_code == 204
        r = await client.delete(f"/units/u1/items/{2**63}")
        assert (r.status_code, r.json()["errors"][0][1]) == (422, "less_than_equal")
        r = await client.delete(f"/v2/r1/units/u1/items/{-(2**63) - 1}")
        assert (r.status_code, r.json()["errors"][0][1]) == (422, "greater_than_equal")
        r = await client.get("/units/u1/items?size=500")  # a declared bound stays as it is
        assert (r.status_code, r.json()["errors"][0][1]) == (422, "less_than_equal")
    schema = app.openapi()["paths"]["/units/{unit_id}/items/{item_id}"]["delete"]["parameters"][0]["schema"]
    assert (schema["minimum"], schema["maximum"]) == (-(2**63), 2**63 - 1)


def test_every_route_declares_the_refusals_its_shape_allows() -> None:
    app = FastAPI()
    router = api_router(prefix="/api/v1/things", tags=["things"])

    @router.get("")
    async def listing(size: int = 10) -> dict:
        return {}

    @router.get("/{thing_id}")
    async def one(thing_id: str) -> dict:
        return {}

    @router.post("/{thing_id}/notes", responses={"418": {"description": "A teapot"}})
    async def note(thing_id: str, body: Item) -> dict:
        return {}

    app.include_router(router)
    paths = app.openapi()["paths"]
    declared = {(method, path): sorted(op["responses"]) for path, ops in paths.items() for method, op in ops.items()}
    assert declared == {
        ("get", "/api/v1/things"): ["200", "422"],
        ("get", "/api/v1/things/{thing_id}"): ["200", "404", "422"],
        ("post", "/api/v1/things/{thing_id}/notes"): ["200", "404", "409", "413", "418", "422"],
    }
    refusal = paths["/api/v1/things/{thing_id}"]["get"]["responses"]["404"]["content"]
    assert refusal["application/problem+json"]["schema"] == {"$ref": "#/components/schemas/Problem"}


def APIRoute_() -> type:
    from fastapi.routing import APIRoute

    return APIRoute


async def test_a_dependency_used_twice_is_called_once() -> None:
    app = build(Route)
    calls.clear()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.post(
            "/units/u1/logs/weekly", json={"week": "2026-W47", "items": [{"text": "起草通报"}]}
        )
    assert response.status_code == 201
    assert response.json()["who"] == "u1/weekly/anonymous/anonymous/False"
    assert calls == ["who"]  # used twice in the tree, called once per request (FastAPI's cache)


async def test_dependency_overrides_are_honoured() -> None:
    app = build(Route)

    async def someone() -> str:
        return "override"

    app.dependency_overrides[who] = someone
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.post(
            "/units/u1/logs/weekly", json={"week": "2026-W47", "items": [{"text": "起草通报"}]}
        )
    assert response.json()["who"] == "u1/weekly/override/override/False"


async def test_router_skips_other_prefixes_and_still_routes_its_own() -> None:
    app = FastAPI()
    first = api_router(prefix="/api/v1/units/{unit_id}/quarters", tags=["q"])
    second = api_router(prefix="/api/v1/units", tags=["u"])
    bare = api_router(prefix="/api/v1", tags=["b"])

    @first.get("/{quarter}")
    async def quarter(unit_id: str, quarter: str) -> dict:
        return {"unit": unit_id, "quarter": quarter}

    @second.get("/{unit_id}")
    async def unit(unit_id: str) -> dict:
        return {"unit": unit_id}

    @bare.get("/wishes/{wish_id}")
    async def wish(wish_id: str) -> dict:
        return {"wish": wish_id}

    for router in (first, second, bare):
        app.include_router(router)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        assert (await client.get("/api/v1/units/u1/quarters/2026Q4")).json() == {"unit": "u1", "quarter": "2026Q4"}
        assert (await client.get("/api/v1/units/u1")).json() == {"unit": "u1"}
        assert (await client.get("/api/v1/wishes/w9")).json() == {"wish": "w9"}
        assert (await client.get("/api/v1/nothing")).status_code == 404
        assert (await client.get("/api/v1/units/u1/")).status_code in (307, 404)


def test_a_service_app_takes_only_routers_made_by_api_router(make_settings, database) -> None:
    from grassroots_common.http.app import create_app

    with pytest.raises(TypeError, match="api_router"):
        create_app(
            make_settings("plain", database),
            title="t",
            description="d",
            routers=[APIRouter(prefix="/api/v1/plain")],
            start_runtime=None,  # type: ignore[arg-type]  # never started
        )


async def test_well_formed_requests_are_served_by_the_plan_and_others_by_fastapi(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    general_calls: list[str] = []
    planned: list[str] = []
    original = _Plan.__init__

    def counting(self: _Plan, route: Any, general: Any) -> None:
        original(self, route, general)
        planned.append(route.path)

        async def counted(request: Request) -> Any:
            general_calls.append(request.url.path)
            return await general(request)

        self.general = counted

    monkeypatch.setattr(_Plan, "__init__", counting)
    app = build(Route)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        good = await client.post(
            "/v2/r1/units/u1/logs/weekly?dry=1",
            json={"week": "2026-W47", "items": [{"text": "起草通报"}]},
            headers={"Idempotency-Key": "k"},
        )
        listed = await client.get("/units/u1/items?size=3&order=desc")
        assert (good.status_code, listed.status_code, general_calls) == (201, 200, [])
        bad = await client.post("/units/u1/logs/weekly", json={"week": "W47", "items": []})
        assert bad.status_code == 422
        assert general_calls == ["/units/u1/logs/weekly"]
        form = await client.post("/units/u1/form", data={"note": "hi"})
        assert form.json() == {"note": "hi"}
    assert "/units/{unit_id}/form" not in planned  # a form needs FastAPI's general solver
    assert "/v2/{region}/units/{unit_id}/logs/{kind}" in planned
