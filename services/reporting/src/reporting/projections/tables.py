"""Set-based reads and writes of a read-model table, for projections that fold a batch.

A projection loads the rows its batch touches with one query, evolves them in Python in event
order, and writes them back with one ``unnest`` upsert: one row per key per batch, the same result
whatever the batching, and never one statement per event.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import asyncpg

from grassroots_common.db import json_texts


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    key: tuple[str, ...]
    columns: dict[str, str]  # column -> PostgreSQL type; jsonb travels as text

    def _array(self, column: str) -> str:
        kind = self.columns[column]
        return "text[]" if kind == "jsonb" else f"{kind}[]"

    async def load(self, conn: asyncpg.Connection, keys: Iterable[tuple[Any, ...]]) -> dict[tuple[Any, ...], dict]:
        wanted = list(keys)
        if not wanted:
            return {}
        arrays = [[k[i] for k in wanted] for i in range(len(self.key))]
        params = ", ".join(f"${i + 1}::{self._array(c)}" for i, c in enumerate(self.key))
        rows = await conn.fetch(
            f"SELECT {', '.join(self.columns)} FROM {self.name} "
            f"WHERE ({', '.join(self.key)}) IN (SELECT * FROM unnest({params}))",
            *arrays,
        )
        return {tuple(r[k] for k in self.key): dict(r) for r in rows}

    async def upsert(self, conn: asyncpg.Connection, rows: Iterable[dict[str, Any]], *, replace: bool = True) -> None:
        values = list(rows)
        if not values:
            return
        columns = list(self.columns)
        params: list[list[Any]] = []
        selects: list[str] = []
        for i, column in enumerate(columns):
            column_values = [row.get(column) for row in values]
            if self.columns[column] == "jsonb":
                texts = json_texts(column_values)
                params.append([None if v is None else t for v, t in zip(column_values, texts, strict=True)])
                selects.append(f"c{i}::jsonb")
            else:
                params.append(column_values)
                selects.append(f"c{i}")
        unnest = ", ".join(f"${i + 1}::{self._array(c)}" for i, c in enumerate(columns))
        aliases = ", ".join(f"c{i}" for i in range(len(columns)))
        updates = [c for c in columns if c not in self.key]
        if replace and updates:
            conflict = "DO UPDATE SET " + ", ".join(f"{c} = EXCLUDED.{c}" for c in updates)
        else:
            conflict = "DO NOTHING"
        await conn.execute(
            f"INSERT INTO {self.name} ({', '.join(columns)}) SELECT {', '.join(selects)} "
            f"FROM unnest({unnest}) AS t({aliases}) ON CONFLICT ({', '.join(self.key)}) {conflict}",
            *params,
        )
