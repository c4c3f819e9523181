"""What several command handlers share: the check that referenced uploads exist."""

from __future__ import annotations

from grassroots_common import uploads
from grassroots_common.commands import CommandContext
from grassroots_common.errors import Invalid


async def require_uploads(ctx: CommandContext, ids: list[str], field: str) -> None:
    missing = await uploads.missing_uploads(ctx.runtime.pool, ids)
    if missing:
        raise Invalid("upload_not_found", f"找不到上传的文件：{'、'.join(missing)}，请重新上传", field=field)
