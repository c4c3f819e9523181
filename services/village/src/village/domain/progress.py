"""The progress rule shared by projects and pilot items: 0–100, never backwards without a reason."""

from __future__ import annotations

from grassroots_common.errors import Conflict, Invalid


def check_progress(previous: int, new: int, reason: str) -> None:
    if not 0 <= new <= 100:
        raise Invalid("progress_out_of_range", "进度必须在 0 到 100 之间", field="progress_pct")
    if new < previous and not reason.strip():
        raise Conflict(
            "progress_backwards_without_reason",
            f"进度从 {previous}% 降到 {new}% 需要说明原因",
            field="reason",
        )
