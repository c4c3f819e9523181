"""How the steps append: aggregates built in memory (``_Batch``), then appended one stream per call by
the district administrator (``ADMIN``).
"""

from __future__ import annotations

from collections.abc import Iterator

from grassroots_common.aggregate import Aggregate
from grassroots_common.events import Metadata
from village.demo.photos import evidence_upload_id

ADMIN = Metadata(actor_id="da_zzb", actor_name="区委组织部 赵敏", actor_roles=("district_admin",))


class _Batch:
    """Aggregates built in memory, appended one stream per call."""

    def __init__(self) -> None:
        self.streams: dict[str, Aggregate] = {}
        self.evidence: dict[str, tuple[str, str, str]] = {}  # upload_id -> (kind, town_id, village_id)

    def get(self, cls: type[Aggregate], stream_id: str) -> Aggregate:
        agg = self.streams.get(stream_id)
        if agg is None:
            agg = self.streams[stream_id] = cls(stream_id)
        return agg

    def pending(self) -> Iterator[tuple[str, Aggregate]]:
        return iter(self.streams.items())

    def photo(self, kind: str, town_id: str, village_id: str) -> list[str]:
        """The evidence ``upload_id`` list of one village's report; the upload is stored by ``seed_years``."""
        upload_id = evidence_upload_id(kind, village_id)
        self.evidence[upload_id] = (kind, town_id, village_id)
        return [upload_id]
