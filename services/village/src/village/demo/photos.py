"""The evidence photos the demo events reference: one small solid-colour PNG per village and kind,
stored in the ``uploads`` table with the village's scopes so its secretary and town can open them.
"""

from __future__ import annotations

import hashlib
import struct
import zlib

from grassroots_common import db
from grassroots_common.runtime import Runtime
from village.demo.cast import secretary_sub

# Evidence photos of the demo: one small solid-colour PNG per village and kind, stored in the
# ``uploads`` table with the village's scopes so its secretary and town can open them.
EVIDENCE_KINDS = {
    "rectification": ("整改佐证", (198, 40, 40)),
    "milestone": ("项目进度照片", (46, 125, 50)),
    "finding": ("问题整改照片", (21, 101, 192)),
    "pilot": ("试点建设照片", (239, 108, 0)),
}
EVIDENCE_SIZE = (160, 120)


def solid_png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A valid truecolour PNG of one colour, built with zlib (no imaging library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + bytes(rgb) * width  # filter type 0, then the pixels
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height, 9))
        + chunk(b"IEND", b"")
    )


def evidence_upload_id(kind: str, village_id: str) -> str:
    return f"upl_demo_{kind}_{village_id}"


async def store_evidence(runtime: Runtime, evidence: dict[str, tuple[str, str, str]]) -> None:
    """Insert the evidence photos the demo's events reference (one statement; present ones are kept)."""
    images = {kind: solid_png(*EVIDENCE_SIZE, rgb) for kind, (_, rgb) in EVIDENCE_KINDS.items()}
    ids = sorted(evidence)
    rows = [evidence[i] for i in ids]
    await runtime.pool.execute(
        """INSERT INTO uploads (upload_id, owner_id, owner_scopes, filename, content_type, size, sha256, content)
           SELECT u.id, u.owner, u.scopes::jsonb, u.filename, 'image/png', length(u.content), u.sha256, u.content
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bytea[])
                AS u(id, owner, scopes, filename, sha256, content)
           ON CONFLICT (upload_id) DO NOTHING""",
        ids,
        [secretary_sub(village_id) for _, _, village_id in rows],
        db.json_texts([{"town": town_id, "village": village_id} for _, town_id, village_id in rows]),
        [f"{EVIDENCE_KINDS[kind][0]}-{village_id}.png" for kind, _, village_id in rows],
        [hashlib.sha256(images[kind]).hexdigest() for kind, _, _ in rows],
        [images[kind] for kind, _, _ in rows],
    )
