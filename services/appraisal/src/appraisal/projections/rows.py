"""Load–fold–write for read models whose rows evolve through many event types.

A batch names a set of keys; their current rows are read in one query, the events are folded into
them in memory (one row per key, as a batched upsert requires) and written back in one statement.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import asyncpg

from grassroots_common.db import json_texts


async def load_rows(
    conn: asyncpg.Connection,
    table: str,
    key: Sequence[str],
    keys: Iterable[tuple[Any, ...]],
    types: Sequence[str] | None = None,
) -> dict[tuple[Any, ...], dict[str, Any]]:
    """Current rows by key; ``types`` are the key columns' PostgreSQL types (text by default)."""
    keys = list(set(keys))
    if not keys:
        return {}
    columns = ", ".join(key)
    types = types or ["text"] * len(key)
    arrays = ", ".join(f"${i + 1}::{types[i]}[]" for i in range(len(key)))
    rows = await conn.fetch(
        f"SELECT * FROM {table} WHERE ({columns}) IN (SELECT * FROM unnest({arrays}))",
        *[[k[i] for k in keys] for i in range(len(key))],
    )
    return {tuple(r[c] for c in key): dict(r) for r in rows}


async def write_rows(
    conn: asyncpg.Connection, table: str, key: Sequence[str], columns: dict[str, str], rows: Iterable[dict]
) -> None:
    """Upsert ``rows``; ``columns`` maps every column to its PostgreSQL type (``jsonb`` passed as text)."""
    rows = list(rows)
    if not rows:
        return
    names = list(columns)
    params = []
    for name in names:
        values = [r.get(name) for r in rows]
        params.append(json_texts(values) if columns[name] == "jsonb" else values)
    arrays = ", ".join(f"${i + 1}::{'text' if columns[n] == 'jsonb' else columns[n]}[]" for i, n in enumerate(names))
    select = ", ".join(f"{n}::jsonb" if columns[n] == "jsonb" else n for n in names)
    updates = ", ".join(f"{n} = EXCLUDED.{n}" for n in names if n not in key)
    await conn.execute(
        f"""INSERT INTO {table} ({", ".join(names)})
            SELECT {select} FROM unnest({arrays}) AS t({", ".join(names)})
            ON CONFLICT ({", ".join(key)}) DO UPDATE SET {updates}""",
        *params,
    )
