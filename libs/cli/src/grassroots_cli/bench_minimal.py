"""The benchmark's baseline endpoint: validate a body, insert one row, publish one message. Nothing else."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import nats
from fastapi import FastAPI
from pydantic import BaseModel, Field

from grassroots_common.db import create_pool


class Item(BaseModel):
    text: str = Field(min_length=2, max_length=500)
    indicators: list[str] = Field(default=[], max_length=10)


class Body(BaseModel):
    week: str = Field(pattern=r"^\d{4}-W\d{2}$")
    items: list[Item] = Field(min_length=1, max_length=30)


def create_app() -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.pool = await create_pool(os.environ["DATABASE_URL"], max_size=20)
        await app.state.pool.execute(
            "CREATE TABLE IF NOT EXISTS minimal (id bigserial PRIMARY KEY, week text, body jsonb)"
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

    return app
