"""The patrol photos the demo events reference: tiny generated PNGs stored in ``uploads``."""

from __future__ import annotations

import struct
import zlib

from grassroots_common.ids import new_id
from grassroots_common.runtime import Runtime
from grid.demo.cast import COMMUNITY


def _png(shade: int) -> bytes:
    """A tiny valid PNG (8×8, one grey level) standing in for a patrol photo."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + bytes([shade]) * 8 for _ in range(8))
    header = struct.pack(">IIBBBBB", 8, 8, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


async def _photos(runtime: Runtime) -> list[str]:
    ids = []
    for shade in (90, 140, 200):
        upload_id = new_id("upl")
        content = _png(shade)
        await runtime.pool.execute(
            """INSERT INTO uploads (upload_id, owner_id, owner_scopes, filename, content_type, size, sha256, content)
               VALUES ($1, 'system', $2, $3, 'image/png', $4, '', $5)""",
            upload_id,
            {"community": COMMUNITY},
            f"photo-{shade}.png",
            len(content),
            content,
        )
        ids.append(upload_id)
    return ids
