"""Who may download a grid upload besides its uploader: whoever may read a report, ticket or
micro-wish that references it, by the same rules as the record itself.

A grid member's photo travels with the report to the dispatcher and, once dispatched, to the
department holding the ticket; a department's evidence goes back to the community. Nobody else
sees them: not the dispatcher of another community, not a department the ticket never reached.
"""

from __future__ import annotations

import asyncpg

from grassroots_common.auth import Principal
from grassroots_common.errors import Forbidden
from grassroots_common.runtime import Runtime
from grid import authz

# The read models that reference uploads; each has a GIN index on its id array. A report's
# department comes from the tickets read model (the ticket names its report), so one read model
# applying the dispatch is enough for the department to see the photo.
_REFERENCES = """
SELECT 'ticket' AS kind, community_id, coalesce(department_id, '') AS department_id, grid_id
FROM rm_grid_tickets.tickets WHERE evidence_upload_ids ? $1
UNION ALL
SELECT 'report', r.community_id, coalesce(t.department_id, ''), r.grid_id
FROM rm_grid_reports.reports r LEFT JOIN rm_grid_tickets.tickets t ON t.report_id = r.report_id
WHERE r.photo_upload_ids ? $1
UNION ALL
SELECT 'wish', community_id, '', grid_id FROM rm_grid_wishes.wishes WHERE evidence_upload_ids ? $1
"""


async def may_read_upload(runtime: Runtime, principal: Principal, upload: asyncpg.Record) -> bool:
    for ref in await runtime.pool.fetch(_REFERENCES, upload["upload_id"]):
        try:
            if ref["kind"] == "wish":
                authz.wish_board_community(principal, ref["community_id"])
            else:
                authz.read_ticket(principal, ref["community_id"], ref["department_id"], ref["grid_id"])
        except Forbidden:
            continue
        return True
    return False
