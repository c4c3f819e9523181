"""The service kit over HTTP: problem+json, auth, body cap, idempotency, uploads, health."""

from __future__ import annotations

import asyncio
from typing import Annotated

import httpx
import pytest
from fastapi import Request
from pydantic import BaseModel, Field

from grassroots_common.aggregate import Aggregate
from grassroots_common.calendar_api import router as calendar_router
from grassroots_common.commands import CommandResult, execute
from grassroots_common.errors import Conflict
from grassroots_common.events import Event, event
from grassroots_common.http import IdempotencyKeyHeader, MetadataDep, PrincipalDep, RuntimeDep, create_app, idempotency
from grassroots_common.routing import api_router
from grassroots_common.runtime import Runtime
from grassroots_common.uploads import uploads_router


@event
class NoteTaken(Event):
    stream_type = "note"
    text: str


class Note(Aggregate):
    stream_type = "note"

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.count = 0

    def when(self, event: Event) -> None:
        match event:
            case NoteTaken():
                self.count += 1

    def take(self, text: str) -> None:
        if self.count >= 3:
            raise Conflict("note_full", "这本笔记已写满三条")
        self._raise(NoteTaken(text=text))


class NoteBody(BaseModel):
    text: Annotated[str, Field(min_length=2, max_length=50)]
    model_config = {"extra": "forbid"}


router = api_router(prefix="/api/v1/notes", tags=["notes"])


@router.post("/{note_id}")
async def take_note(
    note_id: str,
    body: NoteBody,
    request: Request,
    runtime: RuntimeDep,
    principal: PrincipalDep,
    meta: MetadataDep,
    key: IdempotencyKeyHeader = None,
) -> CommandResult:
    principal.require("staff")
    return await execute(
        runtime.store,
        Note,
        note_id,
        lambda note: note.take(body.text),
        meta,
        idempotency=idempotency(key, principal, request, body.model_dump()),
    )


class TallyBody(BaseModel):
    count: int  # unbounded on purpose: its fingerprint must still not fail before authorization
    model_config = {"extra": "forbid"}


@router.post("/{note_id}/tally")
async def tally(
    note_id: str,
    body: TallyBody,
    request: Request,
    runtime: RuntimeDep,
    principal: PrincipalDep,
    meta: MetadataDep,
    key: IdempotencyKeyHeader = None,
) -> CommandResult:
    """The styles the services use at once: the route builds the idempotency before anything is
    checked, and the action authorizes on the state it decides on."""
    keyed = idempotency(key, principal, request, body)

    def act(note: Note) -> None:
        principal.require("staff")
        note.take(f"计数 {body.count}")

    return await execute(runtime.store, Note, note_id, act, meta, idempotency=keyed)


@pytest.fixture
def app(database, make_settings):
    settings = make_settings("notes", database, max_body_bytes=2048, max_upload_bytes=4096, run_workers=False)

    async def start(s):
        return await Runtime.start(s, migrations_package="grassroots_common", publishes=False)

    return create_app(
        settings, title="t", description="t", routers=[router, uploads_router(), calendar_router], start_runtime=start
    )


async def test_problem_json_for_validation_auth_and_state(app, serve, auth) -> None:
    staff = auth("p1", "staff", unit="u1")
    async with serve(app) as client:
        r = await client.post("/api/v1/notes/n1", json={"text": "x"}, headers=staff)
        assert r.status_code == 422
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["code"] == "validation_failed"
        assert r.json()["errors"][0]["field"] == "text"

        r = await client.post("/api/v1/notes/n1", json={"text": "好的笔记"})
        assert (r.status_code, r.json()["code"]) == (401, "token_missing")

        r = await client.post("/api/v1/notes/n1", json={"text": "好的笔记"}, headers=auth("a", "grid_member"))
        assert (r.status_code, r.json()["code"]) == (403, "role_required")

        for _ in range(3):
            assert (await client.post("/api/v1/notes/n1", json={"text": "好的笔记"}, headers=staff)).status_code == 200
        r = await client.post("/api/v1/notes/n1", json={"text": "好的笔记"}, headers=staff)
        assert (r.status_code, r.json()["code"]) == (409, "note_full")
        assert "三条" in r.json()["detail"]


async def test_idempotency_key_returns_the_first_answer_and_appends_once(app, serve, auth) -> None:
    staff = auth("p1", "staff") | {"Idempotency-Key": "k-1"}
    async with serve(app) as client:
        answers = await asyncio.gather(
            *(client.post("/api/v1/notes/n2", json={"text": "同一请求"}, headers=staff) for _ in range(5))
        )
        assert {a.status_code for a in answers} == {200}
        assert len({a.json()["position"] for a in answers}) == 1
        events = await app.state.runtime.store.load("n2")
        assert len(events) == 1
        assert events[0].metadata["actor_id"] == "p1"
        r = await client.post("/api/v1/notes/n2", json={"text": "另一个请求"}, headers=staff)
        assert (r.status_code, r.json()["code"]) == (422, "idempotency_key_reused")


async def test_authorization_comes_before_any_idempotency_work(app, serve, auth) -> None:
    staff = auth("p7", "staff") | {"Idempotency-Key": "k-7"}
    demoted = auth("p7", "grid_member") | {"Idempotency-Key": "k-7"}
    async with serve(app) as client:
        r = await client.post("/api/v1/notes/n7/tally", json={"count": 2**70}, headers=demoted)
        assert (r.status_code, r.json()["code"]) == (403, "role_required")
        assert r.headers["content-type"] == "application/problem+json"

        first = await client.post("/api/v1/notes/n7/tally", json={"count": 2**70}, headers=staff)
        assert first.status_code == 200
        again = await client.post("/api/v1/notes/n7/tally", json={"count": 2**70}, headers=staff)
        assert again.json() == first.json()  # a retry still gets the first answer
        # The same principal without the role retrying its own request: refused, not answered.
        r = await client.post("/api/v1/notes/n7/tally", json={"count": 2**70}, headers=demoted)
        assert (r.status_code, r.json()["code"]) == (403, "role_required")
        assert len(await app.state.runtime.store.load("n7")) == 1


async def test_a_retry_refused_by_the_state_its_first_attempt_made_gets_the_first_answer(app, serve, auth) -> None:
    staff = auth("p8", "staff")
    async with serve(app) as client:
        for n in range(2):
            r = await client.post("/api/v1/notes/n8", json={"text": f"第{n}条"}, headers=staff)
            assert r.status_code == 200
        keyed = staff | {"Idempotency-Key": "k-8"}
        first = await client.post("/api/v1/notes/n8", json={"text": "第三条"}, headers=keyed)
        assert first.status_code == 200
        again = await client.post("/api/v1/notes/n8", json={"text": "第三条"}, headers=keyed)
        assert again.json() == first.json()  # the note is full now; the retry is answered, not refused
        r = await client.post("/api/v1/notes/n8", json={"text": "第四条"}, headers=staff)
        assert (r.status_code, r.json()["code"]) == (409, "note_full")


async def test_body_cap_refuses_large_requests(app, serve, auth) -> None:
    async with serve(app) as client:
        r = await client.post(
            "/api/v1/notes/n3", content=b'{"text": "' + b"x" * 4000 + b'"}', headers=auth("p1", "staff")
        )
        assert (r.status_code, r.json()["code"]) == (413, "body_too_large")

        async def chunks(body: bytes):
            for start in range(0, len(body), 1000):
                yield body[start : start + 1000]

        # Without a Content-Length (chunked, as the gateway forwards a body): counted as it arrives.
        r = await client.post(
            "/api/v1/notes/n3",
            content=chunks(b'{"text": "' + b"x" * 4000 + b'"}'),
            headers=auth("p1", "staff") | {"content-type": "application/json"},
        )
        assert (r.status_code, r.json()["code"]) == (413, "body_too_large")
        assert r.headers["content-type"] == "application/problem+json"
        png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 5000
        multipart = httpx.Request("POST", "http://t/", files={"file": ("a.png", png, "image/png")})
        r = await client.post(
            "/api/v1/uploads",
            content=chunks(multipart.read()),
            headers=auth("p1", "staff") | {"content-type": multipart.headers["content-type"]},
        )
        assert (r.status_code, r.json()["code"]) == (413, "body_too_large")


async def test_uploads_check_type_and_access(app, serve, auth) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
    member = auth("m1", "grid_member", grid="g1")
    async with serve(app) as client:
        r = await client.post("/api/v1/uploads", files={"file": ("a.png", png, "image/png")}, headers=member)
        assert r.status_code == 201, r.text
        upload_id = r.json()["upload_id"]
        r = await client.post("/api/v1/uploads", files={"file": ("a.exe", b"MZ\x90\x00", "image/png")}, headers=member)
        assert (r.status_code, r.json()["code"]) == (422, "upload_type")
        r = await client.post(
            "/api/v1/uploads", files={"file": ("big.png", png + b"\x00" * 5000, "image/png")}, headers=member
        )
        assert r.status_code == 413
        same_grid = auth("m2", "grid_member", grid="g1")
        other_grid = auth("m3", "grid_member", grid="g2")
        got = await client.get(f"/api/v1/uploads/{upload_id}", headers=same_grid)
        assert got.status_code == 200 and got.content == png and got.headers["content-type"] == "image/png"
        r = await client.get(f"/api/v1/uploads/{upload_id}", headers=other_grid)
        assert (r.status_code, r.json()["code"]) == (403, "upload_forbidden")


async def test_health_ready_metrics_and_calendar(app, serve, auth) -> None:
    async with serve(app) as client:
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        ready = await client.get("/readyz")
        assert ready.json()["database"] is True
        assert (await client.request("BREW", "/healthz")).status_code == 405
        assert (await client.request("BREW", "/no/such/path")).status_code == 404
        metrics = await client.get("/metrics")
        assert 'grassroots_http_request_seconds_count{method="GET",route="/healthz",status="200"}' in metrics.text
        # A client's made-up method is counted, but never becomes a label value of its own.
        assert 'method="OTHER",route="/healthz",status="405"' in metrics.text
        assert "BREW" not in metrics.text
        r = await client.put(
            "/api/v1/calendar/2027",
            json={"days": [{"day": "2027-01-01", "is_workday": False, "name": "元旦"}]},
            headers=auth("d1", "district_admin"),
        )
        assert r.status_code == 200 and r.json()["entered"] is True and r.json()["warning"] is None
        r = await client.put("/api/v1/calendar/2027", json={"days": []}, headers=auth("p1", "staff"))
        assert r.status_code == 403
        r = await client.get("/api/v1/calendar/2028", headers=auth("p1", "staff"))
        assert "2028" in r.json()["warning"]


async def test_operator_view_lists_projections_and_parked_events(app, serve, auth) -> None:
    async with serve(app) as client:
        r = await client.get("/api/v1/ops/projections", headers=auth("o1", "operator"))
        assert r.status_code == 200 and r.json()["service"] == "notes"
        r = await client.get("/api/v1/ops/dead-letters", headers=auth("o1", "operator"))
        assert r.status_code == 200 and r.json()["total"] == 0
        r = await client.get("/api/v1/ops/projections", headers=auth("p1", "staff"))
        assert r.status_code == 403


def test_openapi_declares_each_route_refusals_with_the_problem_schema(app) -> None:
    schema = app.openapi()
    assert {"Problem", "FieldProblem"} <= set(schema["components"]["schemas"])
    take = schema["paths"]["/api/v1/notes/{note_id}"]["post"]["responses"]
    assert sorted(take) == ["200", "401", "403", "404", "409", "413", "422", "503"]
    assert sorted(schema["paths"]["/healthz"]["get"]["responses"]) == ["200"]
    after = next(p for p in schema["paths"]["/api/v1/calendar/{year}"]["get"]["parameters"] if p["name"] == "year")
    assert after["schema"]["maximum"] <= 2**63 - 1
