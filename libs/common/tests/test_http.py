"""The service kit over HTTP: problem+json, auth, body cap, idempotency, uploads, health."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Annotated

import httpx
import pytest
from fastapi import Request
from pydantic import BaseModel, Field

from grassroots_common.aggregate import Aggregate
from grassroots_common.calendar_api import router as calendar_router
from grassroots_common.clock import ClockRefused, advance
from grassroots_common.commands import CommandResult, execute
from grassroots_common.errors import Conflict
from grassroots_common.events import Event, event
from grassroots_common.http.app import create_app
from grassroots_common.http.dependencies import IdempotencyKeyHeader, MetadataDep, PrincipalDep, RuntimeDep, idempotency
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


async def test_nul_and_control_characters_are_422_naming_where_never_500(app, serve, auth) -> None:
    staff = auth("p1", "staff")
    async with serve(app) as client:
        # NUL in a body field its route left a plain str: the store's guard refuses it as input.
        r = await client.post("/api/v1/notes/n5", json={"text": "好的\u0000笔记"}, headers=staff)
        assert (r.status_code, r.json()["code"]) == (422, "validation_failed"), r.text
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["errors"][0]["code"] == "text_control_character"
        assert "U+0000" in r.json()["detail"]
        for url, field in (
            ("/api/v1/notes/n%005", "path"),
            ("/api/v1/notes/n%015", "path"),
            ("/api/v1/calendar/2026?note=a%00b", "query.note"),
            ("/api/v1/calendar/2026?a%C2%85=1", "query.a"),
        ):
            r = await client.post(url, json={"text": "好的笔记"}, headers=staff)
            assert (r.status_code, r.json()["errors"][0]["field"]) == (422, field), (url, r.text)
            assert "控制字符" in r.json()["detail"]
        assert (
            await client.post("/api/v1/notes/n6?x=%E5%A5%BD", json={"text": "好的笔记"}, headers=staff)
        ).status_code == 200
        assert await app.state.runtime.store.load("n5") == []
        png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
        multipart = (  # by hand: httpx would percent-encode the NUL in the file name
            b'--b\r\nContent-Disposition: form-data; name="file"; filename="'
            + "照片\x00\x01.png".encode()
            + b'"\r\nContent-Type: image/png\r\n\r\n'
            + png
            + b"\r\n--b--\r\n"
        )
        headers = staff | {"Content-Type": "multipart/form-data; boundary=b"}
        r = await client.post("/api/v1/uploads", content=multipart, headers=headers)
        assert (r.status_code, r.json()["filename"]) == (201, "照片.png"), r.text


class DatabaseGate:
    """A TCP door to the test server's socket: closing it is PostgreSQL going away for whoever
    connects through it (new connections refused, open ones cut), opening it is PostgreSQL back."""

    def __init__(self, dsn: str) -> None:
        from urllib.parse import parse_qs, urlsplit

        parts = urlsplit(dsn)
        self.socket = f"{parse_qs(parts.query)['host'][0]}/.s.PGSQL.5432"
        self.database = parts.path
        self.server: asyncio.Server | None = None
        self.port = 0
        self.links: set[asyncio.StreamWriter] = set()

    @property
    def dsn(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}{self.database}"

    async def open(self) -> None:
        self.server = await asyncio.start_server(self._link, "127.0.0.1", self.port)
        self.port = self.server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        assert self.server is not None
        self.server.close()
        for writer in list(self.links):
            writer.transport.abort()
        await self.server.wait_closed()

    async def _link(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_unix_connection(self.socket)
        self.links.update((writer, up_writer))

        async def pump(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                dst.transport.abort()
                self.links.discard(dst)

        await asyncio.gather(pump(reader, up_writer), pump(up_reader, writer))


async def test_database_down_answers_503_with_retry_after_and_recovers_by_itself(
    database, make_settings, serve, auth, wait_until
) -> None:
    gate = DatabaseGate(database)
    await gate.open()
    settings = make_settings("notes", gate.dsn, run_workers=False)

    async def start(s):
        return await Runtime.start(s, migrations_package="grassroots_common", publishes=False)

    app = create_app(settings, title="t", description="t", routers=[router], start_runtime=start)
    staff = auth("p1", "staff", unit="u1")
    async with serve(app) as client:
        assert (await client.post("/api/v1/notes/db1", json={"text": "第一条"}, headers=staff)).status_code == 200
        # Commands in flight when the server goes: each answers 503 (or went through), never 500.
        in_flight = [
            asyncio.create_task(client.post(f"/api/v1/notes/f{i}", json={"text": "进行中"}, headers=staff))
            for i in range(20)
        ]
        await asyncio.sleep(0)
        await gate.close()
        answers = await asyncio.gather(*in_flight)
        assert {r.status_code for r in answers} <= {200, 503}, [
            r.text for r in answers if r.status_code not in (200, 503)
        ]
        for _ in range(3):  # a cut connection, then refused ones: each a 503, never a 500
            r = await client.post("/api/v1/notes/db1", json={"text": "第二条"}, headers=staff)
            assert r.status_code == 503, r.text
            assert r.headers["content-type"] == "application/problem+json"
            assert r.json()["code"] == "database_unavailable" and "数据库" in r.json()["detail"]
            assert int(r.headers["retry-after"]) > 0
        await gate.open()

        async def served() -> bool:
            r = await client.post("/api/v1/notes/db1", json={"text": "恢复后"}, headers=staff)
            return r.status_code == 200

        await wait_until(served, timeout=10)
    await gate.close()


async def test_metrics_only_for_this_machine_or_an_operator(app, serve, auth) -> None:
    async with serve(app) as client:
        assert (await client.get("/metrics")).status_code == 200  # ASGI test client: 127.0.0.1
        forwarded = {"X-Forwarded-For": "203.0.113.9"}
        r = await client.get("/metrics", headers=forwarded)
        assert (r.status_code, r.json()["code"]) == (401, "token_missing")
        r = await client.get("/metrics", headers={**forwarded, **auth("p1", "staff")})
        assert (r.status_code, r.json()["code"]) == (403, "operator_required")
        r = await client.get("/metrics", headers={**forwarded, **auth("o1", "operator")})
        assert r.status_code == 200 and "grassroots_http_request_seconds" in r.text
        # The OpenAPI document stays (the web app reads it); the browsable docs are off by default.
        assert (await client.get("/openapi.json")).status_code == 200
        assert (await client.get("/docs")).status_code == 404


async def test_a_moved_clock_runs_only_in_demo_mode_and_events_occur_on_it(
    database, make_settings, serve, auth, tmp_path
):
    async def start(s):
        return await Runtime.start(s, migrations_package="grassroots_common", publishes=False)

    def notes(**settings):
        config = make_settings("notes", database, run_workers=False, **settings)
        return create_app(config, title="t", description="t", routers=[router], start_runtime=start)

    with pytest.raises(ClockRefused, match="SEED_DEMO"):
        async with serve(notes(grassroots_clock_offset="+90d")):
            pass
    moved = notes(grassroots_clock_offset="+90d", seed_demo=True, data_dir=tmp_path)
    async with serve(moved) as client:
        clock = (await client.get("/clock")).json()
        assert clock["moved"] is True and clock["offset_seconds"] == 90 * 86400
        ahead = dt.datetime.fromisoformat(clock["now"]) - dt.datetime.now(dt.UTC)
        assert dt.timedelta(days=89) < ahead < dt.timedelta(days=91)
        r = await client.post("/api/v1/notes/n-clock", json={"text": "培训时钟"}, headers=auth("p1", "staff"))
        assert r.status_code == 200, r.text
        (event,) = await moved.state.runtime.store.load("n-clock")
        assert event.occurred_at - dt.datetime.now(dt.UTC) > dt.timedelta(days=89)
        # Moved further while it runs (grassroots clock --advance): read at once, no restart.
        advance(tmp_path, "7d")
        assert (await client.get("/clock")).json()["offset_seconds"] == 97 * 86400
    async with serve(notes()) as client:
        assert (await client.get("/clock")).json()["moved"] is False


async def test_capabilities_are_small_cached_and_compressed_json_is_gzipped(app, serve, auth) -> None:
    async with serve(app) as client:
        r = await client.get("/capabilities")
        assert r.status_code == 200
        assert r.json()["paths"]["/api/v1/notes/{note_id}"] == ["POST"]
        assert "/healthz" not in r.json()["paths"]
        assert "max-age" in r.headers["cache-control"]
        again = await client.get("/capabilities", headers={"If-None-Match": r.headers["etag"]})
        assert (again.status_code, again.content) == (304, b"")

        schema = await client.get("/openapi.json", headers={"Accept-Encoding": "gzip"})
        assert schema.headers["content-encoding"] == "gzip"
        assert schema.json()["paths"]
        plain = await client.get("/openapi.json", headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in plain.headers
        # The first server is the origin, so a generated client calls the gateway as it is.
        service = app.state.settings.service
        assert plain.json()["servers"][0]["url"] == f"/api/{service}"


def test_openapi_declares_each_route_refusals_with_the_problem_schema(app) -> None:
    schema = app.openapi()
    assert {"Problem", "FieldProblem"} <= set(schema["components"]["schemas"])
    take = schema["paths"]["/api/v1/notes/{note_id}"]["post"]["responses"]
    assert sorted(take) == ["200", "401", "403", "404", "409", "413", "422", "503"]
    assert sorted(schema["paths"]["/healthz"]["get"]["responses"]) == ["200"]
    after = next(p for p in schema["paths"]["/api/v1/calendar/{year}"]["get"]["parameters"] if p["name"] == "year")
    assert after["schema"]["maximum"] <= 2**63 - 1
