"""Why a grade is so: one person's line in the unit's quarter, from the events."""

from __future__ import annotations

from appraisal import authz
from appraisal.api.deps import PersonPath, QuarterPath, UnitId
from appraisal.domain.quarter import UnitQuarter, quarter_stream_id
from appraisal.history import grade_history
from grassroots_common.contracts.appraisal import ResultsPublished, SelfAssessed
from grassroots_common.errors import NotFound
from grassroots_common.history import History, changes
from grassroots_common.http.dependencies import PrincipalDep, RuntimeDep
from grassroots_common.routing import api_router

router = api_router(prefix="/api/v1/units/{unit_id}/quarters", tags=["quarters"])


@router.get(
    "/{quarter}/people/{person_id}/history",
    summary="How a person's grade came to be: every decision with its actor, time and reason",
)
async def person_grade_history(
    unit_id: UnitId, quarter: QuarterPath, person_id: PersonPath, runtime: RuntimeDep, principal: PrincipalDep
) -> History:
    """Answered from the quarter's events: a decision just taken is in it at once."""
    stream_id = quarter_stream_id(unit_id, quarter)
    events = await runtime.store.load(stream_id)
    if not events:
        raise NotFound("quarter_not_found", f"{quarter} 季度考核尚未开启")
    person = UnitQuarter.from_recorded(stream_id, events).people.get(person_id)
    if person is None:
        raise NotFound("participant_not_found", "此人不在本季度参评名单中")
    if not authz.require_grade_reader(principal, unit_id, person_id, person.participant.chain):
        # The person themselves: the leaders' grades are theirs to see once published, not before.
        published = next((i for i, e in enumerate(events) if e.type == ResultsPublished.type_name()), None)
        events = [e for e in events if e.type == SelfAssessed.type_name()] if published is None else events
    return History(stream_id=stream_id, items=changes(events, grade_history(person_id)))
