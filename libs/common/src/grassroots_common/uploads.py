"""Uploads (photos, evidence): type and size limits, stored durably, served back with access control.

Events reference an upload by ``upload_id``. Whoever uploaded a file may read it; so may a
principal who shares one of the uploader's scope ids (same grid, community, village, unit...),
district-wide roles, and whoever the mounting service's ``can_read`` hook admits (for instance,
whoever may read a record that references the upload).
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from typing import Annotated

import asyncpg
from fastapi import APIRouter, File, Path, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel

from grassroots_common.auth import Principal
from grassroots_common.errors import Forbidden, Invalid, NotFound, TooLarge
from grassroots_common.http.dependencies import PrincipalDep, RuntimeDep
from grassroots_common.ids import new_id
from grassroots_common.routing import api_router
from grassroots_common.runtime import Runtime

# Accepted types, recognised by their first bytes rather than by what the client claims.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/webp": (b"RIFF",),
    "application/pdf": (b"%PDF-",),
}
DISTRICT_ROLES = ("district_admin", "operator")


class UploadOut(BaseModel):
    upload_id: str
    filename: str
    content_type: str
    size: int
    sha256: str


def sniff(content: bytes) -> str | None:
    for content_type, prefixes in SIGNATURES.items():
        if any(content.startswith(p) for p in prefixes):
            if content_type == "image/webp" and content[8:12] != b"WEBP":
                continue
            return content_type
    return None


def may_read(principal: Principal, row: asyncpg.Record) -> bool:
    if principal.sub == row["owner_id"] or principal.has(*DISTRICT_ROLES):
        return True
    owner_scopes: dict[str, str] = row["owner_scopes"] or {}
    return any(principal.scopes.get(kind) == value for kind, value in owner_scopes.items())


ReadHook = Callable[[Runtime, Principal, asyncpg.Record], Awaitable[bool]]


def uploads_router(*, can_read: ReadHook | None = None, max_bytes: int | None = None) -> APIRouter:
    router = api_router(prefix="/api/v1/uploads", tags=["uploads"])

    @router.post("", summary="Upload a photo or a PDF (JPEG, PNG, WebP, PDF)", status_code=201)
    async def upload(
        runtime: RuntimeDep, principal: PrincipalDep, file: Annotated[UploadFile, File(description="The file")]
    ) -> UploadOut:
        limit = max_bytes or runtime.settings.max_upload_bytes
        content = await file.read(limit + 1)
        if len(content) > limit:
            raise TooLarge("upload_too_large", f"文件不能超过 {limit // (1024 * 1024)} MB", field="file")
        if not content:
            raise Invalid("upload_empty", "文件是空的", field="file")
        content_type = sniff(content)
        if content_type is None:
            raise Invalid("upload_type", "只接受 JPEG、PNG、WebP 图片或 PDF 文件", field="file")
        # A file name is only shown: what is invisible (NUL, which PostgreSQL refuses) is dropped.
        filename = "".join(ch for ch in (file.filename or "") if ch.isprintable())[-120:] or "upload"
        out = UploadOut(
            upload_id=new_id("upl"),
            filename=filename,
            content_type=content_type,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
        )
        await runtime.pool.execute(
            """INSERT INTO uploads (upload_id, owner_id, owner_scopes, filename, content_type, size, sha256, content)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""",
            out.upload_id,
            principal.sub,
            principal.scopes,
            out.filename,
            out.content_type,
            out.size,
            out.sha256,
            content,
        )
        return out

    @router.get("/{upload_id}", summary="Download an upload you may see", response_class=Response)
    async def download(
        upload_id: Annotated[str, Path(max_length=64)], runtime: RuntimeDep, principal: PrincipalDep
    ) -> Response:
        row = await runtime.pool.fetchrow("SELECT * FROM uploads WHERE upload_id = $1", upload_id)
        if row is None:
            raise NotFound("upload_not_found", "找不到该文件")
        if not (may_read(principal, row) or (can_read is not None and await can_read(runtime, principal, row))):
            raise Forbidden("upload_forbidden", "你无权查看该文件")
        return Response(
            row["content"],
            media_type=row["content_type"],
            headers={
                "Cache-Control": "private, max-age=3600",
                "X-Content-Type-Options": "nosniff",
                "Content-Disposition": f"inline; filename*=UTF-8''{_quote(row['filename'])}",
            },
        )

    return router


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")
