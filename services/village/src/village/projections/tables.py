"""Set-based writes for the village read models: a table is described once (key, columns with
their PostgreSQL types); a projection loads the rows a batch touches with one query, folds the
batch in memory (one row per key), and writes them back with one ``unnest`` upsert."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import asyncpg

from grassroots_common.db import json_texts


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _timestamp(value: Any) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else value


@dataclass(frozen=True)
class Table:
    name: str
    key: tuple[str, ...]
    columns: dict[str, str]

    def _values(self, column: str, rows: list[dict]) -> list[Any]:
        kind = self.columns[column]
        values = [row.get(column) for row in rows]
        if kind == "jsonb":
            return json_texts(values)
        if kind == "date":
            return [_date(v) for v in values]
        if kind == "timestamptz":
            return [_timestamp(v) for v in values]
        return values

    def _array(self, column: str) -> str:
        kind = self.columns[column]
        return "text[]" if kind == "jsonb" else f"{kind}[]"

    async def load(self, conn: asyncpg.Connection, keys: Iterable[tuple]) -> dict[tuple, dict]:
        """The stored rows for ``keys``, as dicts keyed by their key tuple."""
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return {}
        arrays = [[k[i] for k in wanted] for i in range(len(self.key))]
        unnest = ", ".join(f"${n}::{self._array(c)}" for n, c in enumerate(self.key, start=1))
        match = " AND ".join(f"t.{c} = k.{c}" for c in self.key)
        rows = await conn.fetch(
            f"SELECT t.* FROM {self.name} t JOIN unnest({unnest}) AS k({', '.join(self.key)}) ON {match}", *arrays
        )
        return {tuple(r[c] for c in self.key): dict(r) for r in rows}

    async def upsert(self, conn: asyncpg.Connection, rows: Iterable[dict]) -> None:
        batch = list(rows)
        if not batch:
            return
        cols = list(self.columns)
        params = ", ".join(f"${n}::{self._array(c)}" for n, c in enumerate(cols, start=1))
        select = ", ".join(f"{c}::jsonb" if self.columns[c] == "jsonb" else c for c in cols)
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in cols if c not in self.key)
        conflict = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
        await conn.execute(
            f"""INSERT INTO {self.name} ({", ".join(cols)})
                SELECT {select} FROM unnest({params}) AS t({", ".join(cols)})
                ON CONFLICT ({", ".join(self.key)}) {conflict}""",
            *(self._values(c, batch) for c in cols),
        )


class Rows:
    """The rows of one table a batch touches: loaded once, changed in memory, written once."""

    def __init__(self, table: Table, loaded: dict[tuple, dict]) -> None:
        self.table = table
        self.rows = loaded
        self.changed: set[tuple] = set()

    @classmethod
    async def load(cls, conn: asyncpg.Connection, table: Table, keys: Iterable[tuple]) -> Rows:
        return cls(table, await table.load(conn, keys))

    def get(self, key: tuple) -> dict | None:
        return self.rows.get(key)

    def put(self, key: tuple, row: dict) -> dict:
        self.rows[key] = row
        self.changed.add(key)
        return row

    def update(self, key: tuple, **values: Any) -> dict | None:
        """Change a stored row; a row never registered (an out-of-order event) is ignored."""
        row = self.rows.get(key)
        if row is None:
            return None
        row.update(values)
        self.changed.add(key)
        return row

    async def save(self, conn: asyncpg.Connection) -> None:
        await self.table.upsert(conn, (self.rows[k] for k in self.changed))
