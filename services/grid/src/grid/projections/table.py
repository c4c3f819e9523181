"""Row folding for the grid read models: load the rows a batch touches, fold, write back set-based.

A projection reads the current rows of the keys in its batch with one query, folds every event into
them in Python (one row per key, so the upsert never touches a row twice), and writes them back with
one ``unnest`` upsert per table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg

from grassroots_common.db import json_texts


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    key: tuple[str, ...]
    columns: dict[str, str]  # column -> PostgreSQL type

    def create(self) -> str:
        columns = ", ".join(f"{n} {t}{' NOT NULL' if n in self.key else ''}" for n, t in self.columns.items())
        return f"CREATE TABLE IF NOT EXISTS {self.name} ({columns}, PRIMARY KEY ({', '.join(self.key)}));"

    async def load(self, conn: asyncpg.Connection, column: str, values: Sequence[str]) -> list[dict[str, Any]]:
        if not values:
            return []
        rows = await conn.fetch(f"SELECT * FROM {self.name} WHERE {column} = ANY($1::text[])", list(values))
        return [dict(r) for r in rows]

    async def upsert(self, conn: asyncpg.Connection, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        names = list(self.columns)
        params: list[Any] = []
        selects: list[str] = []
        placeholders: list[str] = []
        for i, name in enumerate(names, start=1):
            kind = self.columns[name]
            values = [r.get(name) for r in rows]
            if kind == "jsonb":
                params.append(json_texts(values))
                selects.append(f"t.{name}::jsonb")
                placeholders.append(f"${i}::text[]")
            else:
                params.append(values)
                selects.append(f"t.{name}")
                placeholders.append(f"${i}::{kind}[]")
        updates = ", ".join(f"{n} = EXCLUDED.{n}" for n in names if n not in self.key)
        await conn.execute(
            f"""INSERT INTO {self.name} ({", ".join(names)})
                SELECT {", ".join(selects)} FROM unnest({", ".join(placeholders)}) AS t({", ".join(names)})
                ON CONFLICT ({", ".join(self.key)}) DO UPDATE SET {updates}""",
            *params,
        )

    async def delete(self, conn: asyncpg.Connection, keys: Sequence[tuple[str, ...]]) -> None:
        if not keys:
            return
        columns = ", ".join(self.key)
        arrays = ", ".join(f"${i}::text[]" for i in range(1, len(self.key) + 1))
        await conn.execute(
            f"DELETE FROM {self.name} WHERE ({columns}) IN (SELECT * FROM unnest({arrays}))",
            *[[k[i] for k in keys] for i in range(len(self.key))],
        )


def ts(value: str | dt.datetime | None) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(value)
