"""Read model of quarters: one row per unit and quarter (status, 好 quota) and one per person
(progress through the levels, grades so far, appeal), feeding the board, the queues and results."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from grassroots_common.contracts.appraisal import (
    REVIEW_LEVELS,
    AppealFiled,
    AppealResolved,
    GradeAdjusted,
    PeerReviewed,
    QuarterFinalized,
    QuarterOpened,
    QuarterReviewersChanged,
    ResultsPublished,
    ReviewRecorded,
    SelfAssessed,
)
from grassroots_common.events import RecordedEvent
from grassroots_common.projections.projection import Projection, types_of
from grassroots_common.tables import Table, timestamp

SCHEMA = "rm_quarters"

QUARTER_COLUMNS = {
    "unit_id": "text",
    "quarter": "text",
    "year": "int NOT NULL",
    "status": "text NOT NULL",
    "participants": "int NOT NULL",
    "good_ratio": "float8 NOT NULL",
    "good_cap": "int NOT NULL",
    "good_used": "int NOT NULL",
    "peer_reviews_required": "int NOT NULL",
    "opened_at": "timestamptz",
    "published_at": "timestamptz",
    "period_ends_at": "timestamptz",
    "finalized_at": "timestamptz",
    "appeals_open": "int NOT NULL DEFAULT 0",
}
QUARTERS = Table("quarters", ("unit_id", "quarter"), QUARTER_COLUMNS)
PERSON_COLUMNS = {
    "unit_id": "text",
    "quarter": "text",
    "person_id": "text",
    "person_name": "text NOT NULL",
    "section_id": "text",
    "section_chief_id": "text",
    "deputy_leader_id": "text",
    "principal_leader_id": "text",
    "self_grade": "text",
    "self_score": "float8",
    "self_summary": "text",
    "peer_count": "int NOT NULL DEFAULT 0",
    "section_chief_grade": "text",
    "deputy_leader_grade": "text",
    "principal_leader_grade": "text",
    "comments": "jsonb NOT NULL DEFAULT '{}'",
    "grade": "text",
    "composite_score": "float8",
    "next_level": "text",
    "next_reviewer_id": "text",
    "waiting_since": "timestamptz",
    "adjustments": "jsonb NOT NULL DEFAULT '[]'",
    "appeal_id": "text",
    "appeal_status": "text",
    "appeal_reason": "text",
    "appeal_filed_at": "timestamptz",
    "appeal_outcome": "text",
    "appeal_answer": "text",
}
QUARTER_PEOPLE = Table("quarter_people", ("unit_id", "quarter", "person_id"), PERSON_COLUMNS)


_APPEAL_FILED = AppealFiled.type_name()
_APPEAL_RESOLVED = AppealResolved.type_name()
_GRADE_ADJUSTED = GradeAdjusted.type_name()
_PEER_REVIEWED = PeerReviewed.type_name()
_QUARTER_FINALIZED = QuarterFinalized.type_name()
_QUARTER_OPENED = QuarterOpened.type_name()
_RESULTS_PUBLISHED = ResultsPublished.type_name()
_REVIEW_RECORDED = ReviewRecorded.type_name()
_REVIEWERS_CHANGED = QuarterReviewersChanged.type_name()
_SELF_ASSESSED = SelfAssessed.type_name()


def _advance(row: dict) -> None:
    """Next level and its reviewer from the chain and the levels decided so far."""
    for level in REVIEW_LEVELS:
        reviewer = row.get(f"{level}_id")
        if reviewer and row.get(f"{level}_grade") is None:
            row["next_level"], row["next_reviewer_id"] = level, reviewer
            return
    row["next_level"] = row["next_reviewer_id"] = None


class QuartersProjection(Projection):
    name = "quarters"
    schema = SCHEMA
    sources = ("appraisal",)
    event_types = types_of(
        QuarterOpened,
        SelfAssessed,
        PeerReviewed,
        ReviewRecorded,
        QuarterReviewersChanged,
        GradeAdjusted,
        ResultsPublished,
        AppealFiled,
        AppealResolved,
        QuarterFinalized,
    )
    ddl = (
        QUARTERS.create()
        + QUARTER_PEOPLE.create()
        + """
    CREATE INDEX IF NOT EXISTS quarter_people_queue ON quarter_people (next_reviewer_id, waiting_since);
    CREATE INDEX IF NOT EXISTS quarter_people_person ON quarter_people (person_id, quarter);
    CREATE INDEX IF NOT EXISTS quarter_people_appeals ON quarter_people (unit_id, appeal_status);
    CREATE TABLE IF NOT EXISTS peer_reviews (
        unit_id text NOT NULL, quarter text NOT NULL, person_id text NOT NULL, reviewer_id text NOT NULL,
        grade text NOT NULL, comment text NOT NULL, reviewed_at timestamptz NOT NULL,
        PRIMARY KEY (unit_id, quarter, reviewer_id, person_id)
    );
    """
    )

    async def apply(self, conn: asyncpg.Connection, events: Sequence[RecordedEvent]) -> None:
        qkeys = {(e.data["unit_id"], e.data["quarter"]) for e in events}
        pkeys = {(e.data["unit_id"], e.data["quarter"], e.data["person_id"]) for e in events if "person_id" in e.data}
        quarters = await QUARTERS.load(conn, qkeys)
        people = await QUARTER_PEOPLE.load(conn, pkeys)
        for e in events:
            self._fold(e, quarters, people)
        await QUARTERS.upsert(conn, quarters.values())
        await QUARTER_PEOPLE.upsert(conn, people.values())
        # Who reviewed whom (内部互评), for each reviewer's own list; a reviewer reviews a person once.
        peers = [e for e in events if e.type == _PEER_REVIEWED]
        if peers:
            await conn.executemany(
                """INSERT INTO peer_reviews (unit_id, quarter, person_id, reviewer_id, grade, comment, reviewed_at)
                   VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING""",
                [
                    (
                        d["unit_id"],
                        d["quarter"],
                        d["person_id"],
                        d["reviewer_id"],
                        d["grade"],
                        d["comment"],
                        e.occurred_at,
                    )
                    for e in peers
                    for d in (e.data,)
                ],
            )

    def _fold(self, e: RecordedEvent, quarters: dict, people: dict) -> None:
        d = e.data
        qkey = (d["unit_id"], d["quarter"])
        q = quarters.get(qkey)
        person = people.get((*qkey, d["person_id"])) if "person_id" in d else None
        kind = e.type
        if kind == _QUARTER_OPENED:
            quarters[qkey] = {
                "unit_id": d["unit_id"],
                "quarter": d["quarter"],
                "year": d["year"],
                "status": "open",
                "participants": len(d["participants"]),
                "good_ratio": d["good_ratio"],
                "good_cap": d["good_cap"],
                "good_used": 0,
                "peer_reviews_required": d["peer_reviews_required"],
                "opened_at": e.occurred_at,
                "appeals_open": 0,
            }
            for p in d["participants"]:
                row = {
                    "unit_id": d["unit_id"],
                    "quarter": d["quarter"],
                    "person_id": p["person_id"],
                    "person_name": p["person_name"],
                    "section_id": p["section_id"],
                    "peer_count": 0,
                    "comments": {},
                    "adjustments": [],
                    **{f"{level}_id": p["chain"].get(f"{level}_id") for level in REVIEW_LEVELS},
                }
                _advance(row)
                people[(*qkey, p["person_id"])] = row
        elif kind == _SELF_ASSESSED:
            person.update(
                self_grade=d["grade"],
                self_score=d["composite_score"],
                self_summary=d["summary"],
                waiting_since=e.occurred_at,
            )
        elif kind == _PEER_REVIEWED:
            person["peer_count"] += 1
            person["waiting_since"] = e.occurred_at
        elif kind == _REVIEW_RECORDED:
            person[f"{d['level']}_grade"] = d["grade"]
            person["comments"] = {**person["comments"], d["level"]: d["comment"]}
            person.update(grade=d["grade"], waiting_since=e.occurred_at)
            # A level that gave a grade and no scores keeps the composite of the level before.
            if d.get("composite_score") is not None:
                person["composite_score"] = d["composite_score"]
            _advance(person)
            q["good_used"] = d["good_used"]
        elif kind == _REVIEWERS_CHANGED:
            person.update({f"{level}_id": d["chain"].get(f"{level}_id") for level in REVIEW_LEVELS})
            _advance(person)
        elif kind == _GRADE_ADJUSTED:
            person["grade"] = d["to_grade"]
            person["adjustments"] = [
                *person["adjustments"],
                {
                    "from_grade": d["from_grade"],
                    "to_grade": d["to_grade"],
                    "level": d["level"],
                    "reason": d["reason"],
                    "at": e.occurred_at.isoformat(),
                },
            ]
            q["good_used"] = d["good_used"]
        elif kind == _RESULTS_PUBLISHED:
            q.update(
                status="published",
                published_at=timestamp(d["published_at"]),
                period_ends_at=timestamp(d["period_ends_at"]),
            )
        elif kind == _APPEAL_FILED:
            person.update(
                appeal_id=d["appeal_id"],
                appeal_status="open",
                appeal_reason=d["reason"],
                appeal_filed_at=timestamp(d["filed_at"]),
            )
            q["appeals_open"] += 1
        elif kind == _APPEAL_RESOLVED:
            person.update(
                appeal_status="resolved",
                appeal_outcome=d["outcome"],
                appeal_answer=d["reason"],
                grade=d["new_grade"],
            )
            q["appeals_open"] -= 1
            q["good_used"] += (d["new_grade"] == "好") - (d["previous_grade"] == "好")
        elif kind == _QUARTER_FINALIZED:
            q.update(status="finalized", finalized_at=timestamp(d["finalized_at"]))
