"""One archive per cadre across services: a claimed wish, an accepted ticket and a led project join
the person's growth archive under the roster's person id (the actor's sign-in subject)."""

from __future__ import annotations

import datetime as dt

from grassroots_common.events import RecordedEvent
from grassroots_common.specification import recorded as spec_recorded
from reporting.projections import archives

AT = dt.datetime(2026, 11, 18, 2, 0, tzinfo=dt.UTC)


def recorded(type_: str, data: dict) -> RecordedEvent:
    return spec_recorded(type_, data, at=AT)


def test_grid_and_village_work_joins_the_persons_archive() -> None:
    wish = recorded("WishClaimed", {"wish_id": "w1", "claimant_id": "zzb-027", "claimant_name": "吴超"})
    ticket = recorded("TicketAccepted", {"ticket_id": "t1", "handler_id": "zzb-027", "on_time": False})
    project = recorded("ProjectRegistered", {"project_id": "p1", "village_id": "v1", "owner_id": "zzb-027", "name": "光伏电站"})  # fmt: skip
    assert [(k, s) for k, s, _ in archives._subjects(wish)] == [("person", "zzb-027")]
    assert [(k, s) for k, s, _ in archives._subjects(ticket)] == [("ticket", "t1"), ("person", "zzb-027")]
    assert [(k, s) for k, s, _ in archives._subjects(project)] == [("village", "v1"), ("person", "zzb-027")]
    assert archives._title("person", "TicketAccepted", ticket.data) == "签收承办工单（超时签收）"
    assert archives._title("person", "ProjectRegistered", project.data) == "牵头书记项目：光伏电站"
    assert archives._title("village", "ProjectRegistered", project.data).startswith("书记项目立项")
    assert archives.ArchivesProjection().handles("WishClaimed")


def test_a_village_archive_names_levels_and_positions_in_chinese() -> None:
    status = recorded("VillageStatusChanged", {"village_id": "v1", "level": "town_benchmark", "reason": "检查优秀"})
    cadre = recorded(
        "CadreAppointed", {"village_id": "v1", "name": "王建国", "position": "director", "one_shoulder": True}
    )
    assert archives._title("village", status.type, status.data) == "示范等级变更为镇级标杆村：检查优秀"
    assert archives._title("village", cadre.type, cadre.data) == "村干部任职：王建国（村委会主任，一肩挑）"
