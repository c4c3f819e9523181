"""A read-model table declared once: its DDL and its batched writes come from the same columns,
against real PostgreSQL."""

from __future__ import annotations

import asyncpg
import pytest

from grassroots_common.tables import Rows, Table

PAIRS = Table(
    "pairs",
    ("unit_id", "year"),
    {
        "unit_id": "text",
        "year": "int",
        "unit_name": "text NOT NULL",
        "funds_fen": "bigint NOT NULL",
        "delivered_on": "date",
        "items": "jsonb NOT NULL",
        "visits": "int NOT NULL DEFAULT 0",
    },
)


def test_the_ddl_names_every_column_with_its_type_and_not_null_where_declared() -> None:
    assert PAIRS.create() == (
        "CREATE TABLE IF NOT EXISTS pairs (unit_id text NOT NULL, year int NOT NULL, unit_name text NOT NULL, "
        "funds_fen bigint NOT NULL, delivered_on date, items jsonb NOT NULL, visits int NOT NULL DEFAULT 0, "
        "PRIMARY KEY (unit_id, year));"
    )
    assert PAIRS.types["funds_fen"] == "bigint"
    assert PAIRS.types["visits"] == "int"


def test_a_key_outside_the_columns_is_refused_when_declared() -> None:
    with pytest.raises(ValueError, match="key columns"):
        Table("t", ("id",), {"name": "text"})


async def test_rows_written_in_one_batch_load_back_and_a_missing_required_value_is_refused(database: str) -> None:
    conn = await asyncpg.connect(database)
    try:
        await conn.execute("DROP TABLE IF EXISTS pairs")
        await conn.execute(PAIRS.create())
        rows = Rows(PAIRS, {})
        u1 = {"unit_id": "u1", "year": 2026, "unit_name": "区委组织部", "funds_fen": 5, "items": [], "visits": 1}
        rows.put(("u1", 2026), u1)
        rows.put(("u2", 2026), {**u1, "unit_id": "u2", "unit_name": "区财政局", "funds_fen": 0, "items": [1]})
        await conn.execute(
            "INSERT INTO pairs (unit_id, year, unit_name, funds_fen, items) VALUES ('u4', 2026, 'x', 0, '[]')"
        )
        await rows.save(conn)
        loaded = await PAIRS.load(conn, [("u1", 2026), ("u2", 2026), ("u3", 2026)])
        assert sorted(loaded) == [("u1", 2026), ("u2", 2026)]
        assert (await PAIRS.load(conn, [("u4", 2026)]))[("u4", 2026)]["visits"] == 0  # the default
        assert loaded[("u1", 2026)]["delivered_on"] is None
        assert loaded[("u2", 2026)]["items"] == "[1]"
        with pytest.raises(asyncpg.NotNullViolationError):
            await PAIRS.upsert(conn, [{"unit_id": "u3", "year": 2026, "funds_fen": 1, "items": [], "visits": 0}])
    finally:
        await conn.execute("DROP TABLE IF EXISTS pairs")
        await conn.close()
