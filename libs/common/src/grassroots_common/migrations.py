"""A small migration runner: versioned SQL files applied once, in order, under an advisory lock.

Chosen over yoyo or alembic because every service talks asyncpg and its migrations are plain SQL:
forty lines keep one driver and no second connection stack. Files are named ``NNNN_name.sql``; a
checksum guards against editing an applied file.
"""

from __future__ import annotations

import hashlib
from importlib import resources
from importlib.resources.abc import Traversable

import asyncpg

_LOCK_KEY = 0x6772_6173_7372  # "grassr": one migrator at a time per database


def _sql_files(package: str) -> list[Traversable]:
    folder = resources.files(package).joinpath("migrations")
    if not folder.is_dir():
        return []
    return sorted((f for f in folder.iterdir() if f.name.endswith(".sql")), key=lambda f: f.name)


async def migrate(conn: asyncpg.Connection, *packages: str) -> list[str]:
    """Apply the pending migrations of ``grassroots_common`` and then of each named package."""
    applied: list[str] = []
    # The lock first: two processes starting together (an API and its worker) would otherwise race
    # on CREATE TABLE IF NOT EXISTS, which PostgreSQL does not make safe against itself.
    await conn.execute("SELECT pg_advisory_lock($1)", _LOCK_KEY)
    try:
        await conn.execute(
            """CREATE TABLE IF NOT EXISTS schema_migrations (
                   package text NOT NULL, name text NOT NULL, checksum text NOT NULL,
                   applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (package, name))"""
        )
        for package in ("grassroots_common", *packages):
            done = {
                r["name"]: r["checksum"]
                for r in await conn.fetch("SELECT name, checksum FROM schema_migrations WHERE package=$1", package)
            }
            for file in _sql_files(package):
                sql = file.read_text(encoding="utf-8")
                checksum = hashlib.sha256(sql.encode()).hexdigest()
                if file.name in done:
                    if done[file.name] != checksum:
                        raise RuntimeError(f"migration {package}/{file.name} changed after it was applied")
                    continue
                async with conn.transaction():
                    await conn.execute(sql)
                    await conn.execute(
                        "INSERT INTO schema_migrations (package, name, checksum) VALUES ($1, $2, $3)",
                        package,
                        file.name,
                        checksum,
                    )
                applied.append(f"{package}/{file.name}")
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", _LOCK_KEY)
    return applied
