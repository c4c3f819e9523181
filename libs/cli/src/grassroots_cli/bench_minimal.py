"""The benchmark's baseline endpoints: validate a body, insert one row, publish one message.

``POST /minimal`` does nothing else: no bearer token, no ``Idempotency-Key``, no aggregate.
``POST /minimal/keyed`` adds the key handling a real service needs and nothing more: the body's
fingerprint, the key's record stored by the same statement as the row (so with it or not at all),
and a retry answered from that record (a different body under the same key is refused).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

import asyncpg
import nats
import orjson
from fastapi import FastAPI, Header, HTTPException
from pydantic import BaseModel, Field

from grassroots_common.db import create_pool


class Item(BaseModel):
    text: str = Field(min_length=2, max_length=500)
    indicators: list[str] = Field(default=[], max_length=10)


class Body(BaseModel):
    week: str = Field(pattern=r"^\d{4}-W\d{2}$")
    items: list[Item] = Field(min_length=1, max_length=30)


_KEYED_INSERT = """
WITH inserted AS (INSERT INTO minimal (week, body) VALUES ($1, $2::text::jsonb) RETURNING id),
remembered AS (
    INSERT INTO minimal_keys (scope, key, fingerprint, response)
    SELECT $3, $4, $5, jsonb_build_object('id', id) FROM inserted
)
SELECT id FROM inserted"""


def create_app() -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.pool = await create_pool(os.environ["DATABASE_URL"], max_size=20)
        await app.state.pool.execute(
            "CREATE TABLE IF NOT EXISTS minimal (id bigserial PRIMARY KEY, week text, body jsonb);"
            "CREATE TABLE IF NOT EXISTS minimal_keys (scope text, key text, fingerprint text, response jsonb, "
            "created_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (scope, key))"
        )
        app.state.nc = await nats.connect(os.environ["NATS_URL"])
        app.state.js = app.state.nc.jetstream()
        await app.state.js.add_stream(name="MINIMAL", subjects=["minimal.>"])
        yield
        await app.state.nc.close()
        await app.state.pool.close()

    app = FastAPI(lifespan=lifespan)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/minimal")
    async def minimal(body: Body) -> dict[str, int]:
        payload = body.model_dump_json()
        row_id = await app.state.pool.fetchval(
            "INSERT INTO minimal (week, body) VALUES ($1, $2::text::jsonb) RETURNING id", body.week, payload
        )
        await app.state.js.publish("minimal.log", payload.encode())
        return {"id": row_id}

    @app.post("/minimal/keyed")
    async def minimal_keyed(
        body: Body, idempotency_key: Annotated[str, Header(alias="Idempotency-Key", max_length=200)]
    ) -> dict[str, int]:
        payload = body.model_dump_json()
        fingerprint = hashlib.sha256(b"POST /minimal/keyed" + payload.encode()).hexdigest()
        try:
            row_id = await app.state.pool.fetchval(
                _KEYED_INSERT, body.week, payload, "POST /minimal/keyed", idempotency_key, fingerprint
            )
        except asyncpg.UniqueViolationError:
            row = await app.state.pool.fetchrow(
                "SELECT fingerprint, response FROM minimal_keys WHERE scope = $1 AND key = $2",
                "POST /minimal/keyed",
                idempotency_key,
            )
            if row["fingerprint"] != fingerprint:
                raise HTTPException(422, "the Idempotency-Key was used for another request") from None
            return orjson.loads(row["response"])
        await app.state.js.publish("minimal.log", payload.encode())
        return {"id": row_id}

    return app
