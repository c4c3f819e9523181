"""Read model of rosters and schemes: units, sections, people (with their chain) and each
unit's indicator scheme per year."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from grassroots_common.contracts.appraisal import (
    PersonDetailsChanged,
    PersonEnrolled,
    PersonLeft,
    ReviewingChainChanged,
    RosterImported,
    SchemeDefined,
    SectionDefined,
    UnitRegistered,
)
from grassroots_common.events import RecordedEvent
from grassroots_common.projections.projection import Projection, types_of
from grassroots_common.tables import Table, date

SCHEMA = "rm_roster"

PEOPLE_COLUMNS = {
    "person_id": "text",
    "unit_id": "text NOT NULL",
    "person_name": "text NOT NULL",
    "section_id": "text",
    "position": "text NOT NULL",
    "birth_date": "date",
    "section_chief_id": "text",
    "deputy_leader_id": "text",
    "principal_leader_id": "text",
    "active": "bool NOT NULL",
    "enrolled_on": "date NOT NULL",
    "left_on": "date",
    "left_reason": "text",
}
PEOPLE = Table("people", ("person_id",), PEOPLE_COLUMNS)


_PERSON_CHANGES = types_of(ReviewingChainChanged, PersonLeft, PersonDetailsChanged)
_PERSON_DETAILS_CHANGED = PersonDetailsChanged.type_name()
_PERSON_ENROLLED = PersonEnrolled.type_name()
_PERSON_LEFT = PersonLeft.type_name()
_REVIEWING_CHAIN_CHANGED = ReviewingChainChanged.type_name()
_ROSTER_IMPORTED = RosterImported.type_name()
_SCHEME_DEFINED = SchemeDefined.type_name()
_SECTION_DEFINED = SectionDefined.type_name()
_UNIT_REGISTERED = UnitRegistered.type_name()


class RosterProjection(Projection):
    name = "roster"
    schema = SCHEMA
    sources = ("appraisal",)
    event_types = types_of(
        UnitRegistered,
        SectionDefined,
        PersonEnrolled,
        ReviewingChainChanged,
        PersonDetailsChanged,
        PersonLeft,
        RosterImported,
        SchemeDefined,
    )
    ddl = (
        PEOPLE.create()
        + """
    CREATE TABLE IF NOT EXISTS units (unit_id text PRIMARY KEY, unit_name text NOT NULL);
    CREATE TABLE IF NOT EXISTS sections (
        section_id text PRIMARY KEY, unit_id text NOT NULL, section_name text NOT NULL
    );
    CREATE INDEX IF NOT EXISTS people_unit ON people (unit_id, active);
    CREATE TABLE IF NOT EXISTS imports (
        unit_id text NOT NULL, imported_at timestamptz NOT NULL, file_name text NOT NULL,
        rows_total int NOT NULL, rows_enrolled int NOT NULL, rows_rejected int NOT NULL, errors jsonb NOT NULL,
        PRIMARY KEY (unit_id, imported_at, file_name)
    );
    CREATE TABLE IF NOT EXISTS schemes (
        unit_id text NOT NULL, year int NOT NULL, revision int NOT NULL, indicators jsonb NOT NULL,
        scored_total float8 NOT NULL, PRIMARY KEY (unit_id, year)
    );
    """
    )

    async def apply(self, conn: asyncpg.Connection, events: Sequence[RecordedEvent]) -> None:
        units: dict[str, dict] = {}
        sections: dict[str, dict] = {}
        imports: list[dict] = []
        schemes: dict[tuple, dict] = {}
        changed = {e.data["person_id"] for e in events if e.type in _PERSON_CHANGES}
        people = {k[0]: v for k, v in (await PEOPLE.load(conn, [(p,) for p in changed])).items()}
        for e in events:
            d = e.data
            kind = e.type
            if kind == _UNIT_REGISTERED:
                units[d["unit_id"]] = d
            elif kind == _SECTION_DEFINED:
                sections[d["section_id"]] = d
            elif kind == _PERSON_ENROLLED:
                people[d["person_id"]] = {
                    **{k: d[k] for k in ("person_id", "unit_id", "person_name", "section_id", "position")},
                    **d["chain"],
                    "birth_date": date(d["birth_date"]),
                    "active": True,
                    "enrolled_on": date(d["enrolled_on"]),
                }
            elif kind == _REVIEWING_CHAIN_CHANGED:
                people[d["person_id"]].update(section_id=d["section_id"], **d["chain"])
            elif kind == _PERSON_DETAILS_CHANGED:
                people[d["person_id"]].update(
                    person_name=d["person_name"], position=d["position"], birth_date=date(d["birth_date"])
                )
            elif kind == _PERSON_LEFT:
                people[d["person_id"]].update(active=False, left_on=date(d["left_on"]), left_reason=d["reason"])
            elif kind == _ROSTER_IMPORTED:
                imports.append({**d, "imported_at": e.occurred_at})
            elif kind == _SCHEME_DEFINED:
                schemes[(d["unit_id"], d["year"])] = d
        if units:
            await conn.executemany(
                """INSERT INTO units (unit_id, unit_name) VALUES ($1, $2)
                   ON CONFLICT (unit_id) DO UPDATE SET unit_name = EXCLUDED.unit_name""",
                [(u["unit_id"], u["unit_name"]) for u in units.values()],
            )
        if sections:
            await conn.executemany(
                """INSERT INTO sections (section_id, unit_id, section_name) VALUES ($1, $2, $3)
                   ON CONFLICT (section_id) DO UPDATE SET section_name = EXCLUDED.section_name""",
                [(s["section_id"], s["unit_id"], s["section_name"]) for s in sections.values()],
            )
        await PEOPLE.upsert(conn, people.values())
        if imports:
            await conn.executemany(
                """INSERT INTO imports (unit_id, imported_at, file_name, rows_total, rows_enrolled, rows_rejected,
                                        errors) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING""",
                [
                    (
                        i["unit_id"],
                        i["imported_at"],
                        i["file_name"],
                        i["rows_total"],
                        i["rows_enrolled"],
                        i["rows_rejected"],
                        i["errors"],
                    )
                    for i in imports
                ],
            )
        if schemes:
            await conn.executemany(
                """INSERT INTO schemes (unit_id, year, revision, indicators, scored_total) VALUES ($1, $2, $3, $4, $5)
                   ON CONFLICT (unit_id, year) DO UPDATE SET revision = EXCLUDED.revision,
                       indicators = EXCLUDED.indicators, scored_total = EXCLUDED.scored_total""",
                [
                    (s["unit_id"], s["year"], s["revision"], s["indicators"], s["scored_total"])
                    for s in schemes.values()
                ],
            )
