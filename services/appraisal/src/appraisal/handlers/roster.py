"""The roster (花名册): units, sections, people, deadlines, the Excel import."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from appraisal import authz, roster_sheet
from appraisal.domain.roster import NewPerson, Roster, SheetRow, roster_stream_id
from appraisal.handlers.context import china_today
from grassroots_common.commands import CommandContext, CommandResult
from grassroots_common.contracts.appraisal import ImportRowError, ReviewingChain, SubmissionDeadlines


@dataclass(frozen=True, slots=True)
class RegisterUnit:
    """Register a unit (district administrator)."""

    unit_id: str
    unit_name: str


async def register_unit(ctx: CommandContext, command: RegisterUnit) -> CommandResult:
    authz.require_role(ctx.principal, "unit.register")

    def act(roster: Roster) -> None:
        roster.register(unit_id=command.unit_id, unit_name=command.unit_name)

    return await ctx.execute(Roster, roster_stream_id(command.unit_id), act)


@dataclass(frozen=True, slots=True)
class DefineSection:
    """Create or rename a section of the unit."""

    unit_id: str
    section_id: str
    section_name: str


async def define_section(ctx: CommandContext, command: DefineSection) -> CommandResult:
    authz.in_unit(ctx.principal, "roster.manage", command.unit_id)

    def act(roster: Roster) -> None:
        roster.define_section(section_id=command.section_id, section_name=command.section_name)

    return await ctx.execute(Roster, roster_stream_id(command.unit_id), act)


@dataclass(frozen=True, slots=True)
class ConfigureDeadlines:
    """Set the unit's submission deadlines."""

    unit_id: str
    deadlines: SubmissionDeadlines


async def configure_deadlines(ctx: CommandContext, command: ConfigureDeadlines) -> CommandResult:
    authz.in_unit(ctx.principal, "roster.manage", command.unit_id)

    def act(roster: Roster) -> dict:
        roster.configure_deadlines(command.deadlines)
        return roster.deadlines.model_dump()

    return await ctx.execute(Roster, roster_stream_id(command.unit_id), act)


@dataclass(frozen=True, slots=True)
class EnrollPerson:
    """Enroll one person on the unit's roster."""

    unit_id: str
    person: NewPerson


async def enroll_person(ctx: CommandContext, command: EnrollPerson) -> CommandResult:
    authz.in_unit(ctx.principal, "roster.manage", command.unit_id)
    today = china_today(ctx)

    def act(roster: Roster) -> dict:
        roster.enroll(command.person, today=today)
        return {"person_id": command.person.person_id}

    return await ctx.execute(Roster, roster_stream_id(command.unit_id), act)


@dataclass(frozen=True, slots=True)
class ImportRoster:
    """Enroll the rows read from a roster sheet; the sheet's own errors are reported with the roster's."""

    unit_id: str
    file_name: str
    rows: list[SheetRow]
    errors: list[ImportRowError]


async def import_roster(ctx: CommandContext, command: ImportRoster) -> CommandResult:
    authz.in_unit(ctx.principal, "roster.manage", command.unit_id)
    today = china_today(ctx)

    def act(roster: Roster) -> dict:
        before = len(roster.people)
        all_errors = roster.import_rows(
            file_name=command.file_name, rows=command.rows, errors=command.errors, today=today
        )
        return {
            "rows_enrolled": len(roster.people) - before,
            "rows_rejected": len({e.row for e in all_errors}),
            # Each error names its column as the sheet's header does, not by the field's key.
            "errors": [{**e.model_dump(), "column": roster_sheet.column_title(e.field)} for e in all_errors],
        }

    return await ctx.execute(Roster, roster_stream_id(command.unit_id), act)


@dataclass(frozen=True, slots=True)
class ChangeChain:
    """Change a person's section and reviewing chain."""

    unit_id: str
    person_id: str
    section_id: str | None
    chain: ReviewingChain


async def change_chain(ctx: CommandContext, command: ChangeChain) -> CommandResult:
    authz.in_unit(ctx.principal, "roster.manage", command.unit_id)

    def act(roster: Roster) -> None:
        roster.change_chain(person_id=command.person_id, section_id=command.section_id, chain=command.chain)

    return await ctx.execute(Roster, roster_stream_id(command.unit_id), act)


@dataclass(frozen=True, slots=True)
class ChangePersonDetails:
    """Correct a person's name, post, birth date or ID number."""

    unit_id: str
    person_id: str
    person_name: str
    position: str
    birth_date: dt.date | None
    id_number: str | None


async def change_person_details(ctx: CommandContext, command: ChangePersonDetails) -> CommandResult:
    authz.in_unit(ctx.principal, "roster.manage", command.unit_id)

    def act(roster: Roster) -> None:
        roster.change_details(
            person_id=command.person_id,
            person_name=command.person_name,
            position=command.position,
            birth_date=command.birth_date,
            id_number=command.id_number,
        )

    return await ctx.execute(Roster, roster_stream_id(command.unit_id), act)


@dataclass(frozen=True, slots=True)
class PersonLeft:
    """Record that a person left the unit."""

    unit_id: str
    person_id: str
    reason: str
    left_on: dt.date


async def person_left(ctx: CommandContext, command: PersonLeft) -> CommandResult:
    authz.in_unit(ctx.principal, "roster.manage", command.unit_id)

    def act(roster: Roster) -> dict:
        reviewed = roster.leave(person_id=command.person_id, reason=command.reason, left_on=command.left_on)
        return {
            "chains_changed": [
                {
                    "person_id": m.person_id,
                    "person_name": m.person_name,
                    "without_reviewer": m.without_reviewer,
                }
                for m in reviewed
            ]
        }

    return await ctx.execute(Roster, roster_stream_id(command.unit_id), act)
