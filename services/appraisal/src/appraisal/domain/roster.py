"""A unit's roster (花名册): stream ``roster-<unit>``, the unit, its sections and its people.

Duplicates are refused: the same name with the same birth date, or the same ID number (kept only
as a digest). People who leave stay on record but drop out of the next quarter.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from grassroots_common.aggregate import Aggregate
from grassroots_common.contracts import appraisal as appraisal_events
from grassroots_common.errors import Conflict, Invalid, NotFound
from grassroots_common.events import Event


def roster_stream_id(unit_id: str) -> str:
    return f"roster-{unit_id}"


def id_number_digest(id_number: str | None) -> str | None:
    if not id_number:
        return None
    return hashlib.sha256(id_number.strip().upper().encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class NewPerson:
    person_id: str
    person_name: str
    section_id: str | None
    position: str
    birth_date: dt.date | None
    id_number: str | None
    chain: appraisal_events.ReviewingChain


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One data row of an imported roster sheet (``row`` is the spreadsheet row number)."""

    row: int
    person_id: str
    person_name: str
    section_name: str | None
    position: str
    birth_date: dt.date | None
    id_number: str | None
    section_chief_id: str | None
    deputy_leader_id: str | None
    principal_leader_id: str | None

    def person(self, section_id: str | None) -> NewPerson:
        return NewPerson(
            person_id=self.person_id,
            person_name=self.person_name,
            section_id=section_id,
            position=self.position,
            birth_date=self.birth_date,
            id_number=self.id_number,
            chain=appraisal_events.ReviewingChain(
                section_chief_id=self.section_chief_id,
                deputy_leader_id=self.deputy_leader_id,
                principal_leader_id=self.principal_leader_id,
            ),
        )


@dataclass
class Member:
    person_id: str
    person_name: str
    section_id: str | None
    birth_date: dt.date | None
    id_digest: str | None
    chain: appraisal_events.ReviewingChain
    active: bool = True

    @property
    def without_reviewer(self) -> bool:
        """No one is above this person: they take no part in quarters until one is named."""
        return not (self.chain.section_chief_id or self.chain.deputy_leader_id or self.chain.principal_leader_id)


class Roster(Aggregate):
    stream_type = "roster"

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.unit_id = ""
        self.unit_name = ""
        self.sections: dict[str, str] = {}
        self.people: dict[str, Member] = {}
        self.deadlines = appraisal_events.SubmissionDeadlines()

    def when(self, event: Event) -> None:
        match event:
            case appraisal_events.UnitRegistered():
                self.unit_id, self.unit_name = event.unit_id, event.unit_name
            case appraisal_events.SectionDefined():
                self.sections[event.section_id] = event.section_name
            case appraisal_events.PersonEnrolled():
                self.people[event.person_id] = Member(
                    event.person_id,
                    event.person_name,
                    event.section_id,
                    event.birth_date,
                    event.id_number_digest,
                    event.chain,
                )
            case appraisal_events.ReviewingChainChanged():
                member = self.people[event.person_id]
                member.section_id, member.chain = event.section_id, event.chain
            case appraisal_events.PersonDetailsChanged():
                member = self.people[event.person_id]
                member.person_name, member.birth_date = event.person_name, event.birth_date
                member.id_digest = event.id_number_digest or member.id_digest
            case appraisal_events.PersonLeft():
                self.people[event.person_id].active = False
            case appraisal_events.DeadlinesConfigured():
                self.deadlines = event.deadlines
            case appraisal_events.RosterImported():
                pass

    def active_participants(self) -> list[appraisal_events.Participant]:
        """Who takes part in a quarter: active people who have someone above them to review them."""
        return [
            appraisal_events.Participant(
                person_id=m.person_id, person_name=m.person_name, section_id=m.section_id, chain=m.chain
            )
            for m in self.people.values()
            if m.active and not m.without_reviewer
        ]

    def active_ids(self) -> list[str]:
        """Everyone still in the unit, in the order they joined."""
        return [m.person_id for m in self.people.values() if m.active]

    def member(self, person_id: str) -> Member:
        member = self.people.get(person_id)
        if member is None:
            raise NotFound("person_not_found", "花名册中找不到此人", person_id=person_id)
        return member

    # --- decide ------------------------------------------------------------------------------

    def register(self, *, unit_id: str, unit_name: str) -> None:
        if self.unit_id:
            raise Conflict("unit_exists", "该单位已登记")
        self._raise(appraisal_events.UnitRegistered(unit_id=unit_id, unit_name=unit_name))

    def define_section(self, *, section_id: str, section_name: str) -> None:
        self._require_unit()
        if self.sections.get(section_id) == section_name:
            return
        if section_name in self.sections.values():
            raise Conflict("section_name_taken", f"本单位已有名为“{section_name}”的股室")
        self._raise(
            appraisal_events.SectionDefined(unit_id=self.unit_id, section_id=section_id, section_name=section_name)
        )

    def duplicate_of(self, person: NewPerson) -> Member | None:
        digest = id_number_digest(person.id_number)
        for member in self.people.values():
            if not member.active:
                continue
            if digest and member.id_digest == digest:
                return member
            if (
                person.birth_date is not None
                and member.person_name == person.person_name
                and member.birth_date == person.birth_date
            ):
                return member
        return None

    def check(self, person: NewPerson) -> appraisal_events.ImportRowError | None:
        """The first reason this person cannot be enrolled, as a row error (row 0: fill in)."""
        if person.person_id in self.people:
            return appraisal_events.ImportRowError(
                row=0, field="person_id", code="person_id_taken", message="人员编号已被使用"
            )
        if person.section_id is not None and person.section_id not in self.sections:
            return appraisal_events.ImportRowError(
                row=0, field="section", code="section_unknown", message="股室不存在，请先建立股室"
            )
        duplicate = self.duplicate_of(person)
        if duplicate is not None:
            return appraisal_events.ImportRowError(
                row=0,
                field="person_name",
                code="duplicate_person",
                message=f"与花名册中的{duplicate.person_name}（{duplicate.person_id}）重复（姓名+出生日期或身份证号相同）",
            )
        for level, leader in person.chain.model_dump().items():
            if leader is None or leader == person.person_id:
                continue
            problem = self.reviewer_problem(leader)
            if problem is not None:
                code, message = problem
                return appraisal_events.ImportRowError(row=0, field=level, code=code, message=message)
        return None

    def reviewer_problem(self, leader_id: str) -> tuple[str, str] | None:
        """Why this id cannot review anyone of the unit (code, message), or None: a reviewer is a
        person of the roster who has not left."""
        leader = self.people.get(leader_id)
        if leader is None:
            return "reviewer_unknown", "审核人不在本单位花名册中"
        if not leader.active:
            return "reviewer_left", f"{leader.person_name}已离开本单位，不能担任审核人"
        return None

    def require_reviewers(self, chain: appraisal_events.ReviewingChain) -> None:
        """Refuse a chain naming someone who cannot review (422 unknown, 409 left the unit)."""
        for leader in chain.model_dump().values():
            problem = None if leader is None else self.reviewer_problem(leader)
            if problem is None:
                continue
            code, message = problem
            error = Invalid if code == "reviewer_unknown" else Conflict
            raise error(code, message, field="chain")

    def enroll(self, person: NewPerson, *, today: dt.date) -> None:
        self._require_unit()
        problem = self.check(person)
        if problem is not None:
            raise Conflict(problem.code, problem.message, field=problem.field)
        self._enroll(person, today)

    def import_rows(
        self, *, file_name: str, rows: list[SheetRow], errors: list[appraisal_events.ImportRowError], today: dt.date
    ) -> list[appraisal_events.ImportRowError]:
        """Enroll every acceptable row; answer the per-row errors (the sheet's and the rules').

        Sections named in the sheet are created when missing. Rows may list a reviewer further
        down the sheet, so rows are tried again while any pass enrolls someone.
        """
        self._require_unit()
        for name in sorted({r.section_name for r in rows if r.section_name} - set(self.sections.values())):
            self._raise(
                appraisal_events.SectionDefined(
                    unit_id=self.unit_id, section_id=f"{self.unit_id}-s{len(self.sections) + 1}", section_name=name
                )
            )
        by_name = {name: sid for sid, name in self.sections.items()}
        all_errors = list(errors)
        waiting = [(r.row, r.person(by_name.get(r.section_name or ""))) for r in rows]
        enrolled = 0
        progress = True
        while waiting and progress:
            progress, retry = False, []
            for row, person in waiting:
                problem = self.check(person)
                if problem is None:
                    self._enroll(person, today)
                    enrolled += 1
                    progress = True
                else:
                    retry.append((row, person, problem))
            waiting = [(row, person) for row, person, _ in retry]
            rejected_now = [problem.model_copy(update={"row": row}) for row, _, problem in retry]
        if waiting:
            all_errors.extend(rejected_now)
        all_errors.sort(key=lambda e: e.row)
        rejected = len({e.row for e in all_errors})
        self._raise(
            appraisal_events.RosterImported(
                unit_id=self.unit_id,
                file_name=file_name,
                rows_total=enrolled + rejected,
                rows_enrolled=enrolled,
                rows_rejected=rejected,
                errors=all_errors,
            )
        )
        return all_errors

    def configure_deadlines(self, deadlines: appraisal_events.SubmissionDeadlines) -> None:
        """Set when the unit's weekly logs and monthly summaries are due; the same setting again is a no-op."""
        self._require_unit()
        if deadlines == self.deadlines:
            return
        self._raise(appraisal_events.DeadlinesConfigured(unit_id=self.unit_id, deadlines=deadlines))

    def change_chain(self, *, person_id: str, section_id: str | None, chain: appraisal_events.ReviewingChain) -> None:
        member = self.member(person_id)
        if not member.active:
            raise Conflict("already_left", f"{member.person_name}已离开本单位，不能再修改审核关系")
        if section_id is not None and section_id not in self.sections:
            raise Invalid("section_unknown", "股室不存在", field="section_id")
        self.require_reviewers(chain)
        self._raise(
            appraisal_events.ReviewingChainChanged(
                unit_id=self.unit_id,
                person_id=person_id,
                person_name=member.person_name,
                section_id=section_id,
                chain=chain,
            )
        )

    def change_details(
        self,
        *,
        person_id: str,
        person_name: str,
        position: str,
        birth_date: dt.date | None,
        id_number: str | None,
    ) -> None:
        """Correct a person's name, post, birth date or ID number; duplicates are refused as on enrollment."""
        member = self.member(person_id)
        if not member.active:
            raise Conflict("already_left", f"{member.person_name}已离开本单位，不能再修改信息")
        digest = id_number_digest(id_number)
        for other in self.people.values():
            if other.person_id == person_id or not other.active:
                continue
            if (digest and other.id_digest == digest) or (
                birth_date is not None and other.person_name == person_name and other.birth_date == birth_date
            ):
                raise Conflict(
                    "duplicate_person",
                    f"与花名册中的{other.person_name}（{other.person_id}）重复（姓名+出生日期或身份证号相同）",
                    field="person_name",
                )
        self._raise(
            appraisal_events.PersonDetailsChanged(
                unit_id=self.unit_id,
                person_id=person_id,
                person_name=person_name,
                position=position,
                birth_date=birth_date,
                id_number_digest=digest,
            )
        )

    def leave(self, *, person_id: str, reason: str, left_on: dt.date) -> list[Member]:
        """Record the departure and take the person out of the chains of the active people they
        review (reviews go to the chain's other levels until an administrator names a new
        reviewer); answers those people, their chains as changed."""
        member = self.member(person_id)
        if not member.active:
            raise Conflict("already_left", f"{member.person_name}已离开本单位")
        self._raise(
            appraisal_events.PersonLeft(
                unit_id=self.unit_id,
                person_id=person_id,
                person_name=member.person_name,
                reason=reason,  # type: ignore[arg-type]
                left_on=left_on,
            )
        )
        reviewed = [m for m in self.people.values() if m.active and person_id in m.chain.model_dump().values()]
        for other in reviewed:
            links = {
                level: None if leader == person_id else leader for level, leader in other.chain.model_dump().items()
            }
            self._raise(
                appraisal_events.ReviewingChainChanged(
                    unit_id=self.unit_id,
                    person_id=other.person_id,
                    person_name=other.person_name,
                    section_id=other.section_id,
                    chain=appraisal_events.ReviewingChain(**links),
                )
            )
        return reviewed

    def _enroll(self, person: NewPerson, today: dt.date) -> None:
        self._raise(
            appraisal_events.PersonEnrolled(
                unit_id=self.unit_id,
                person_id=person.person_id,
                person_name=person.person_name,
                section_id=person.section_id,
                position=person.position,
                birth_date=person.birth_date,
                id_number_digest=id_number_digest(person.id_number),
                chain=person.chain,
                enrolled_on=today,
            )
        )

    def _require_unit(self) -> None:
        if not self.unit_id:
            raise NotFound("unit_not_found", "单位尚未登记")
