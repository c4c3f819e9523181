"""The red beautiful village pilot (红色美丽村庄), handler by handler: define the plan, report an
item's progress. Given events, when a command (as a principal, at a time), then events or a refusal."""

from __future__ import annotations

import datetime as dt

from grassroots_common.contracts.village import (
    PilotItem,
    PilotItemProgressed,
    PilotPlanDefined,
)
from grassroots_common.errors import Forbidden
from grassroots_common.specification import Specification
from village.domain.pilot import pilot_stream_id
from village.domain.policy import DEFAULT_PILOT_TEMPLATE
from village.handlers.pilots import DefinePilotPlan, ItemPlan, ReportItemProgress, define_plan, progress_item

from .given import OTHER_SECRETARY, OTHER_TOWN, SECRETARY, T1, TOWN, V1, registered_village

START, DUE = dt.date(2026, 3, 1), dt.date(2026, 12, 31)


def item(title: str, budget_fen: int, *, starts_on: dt.date = START, due_on: dt.date = DUE) -> ItemPlan:
    return ItemPlan(
        aspect="提升村容村貌", title=title, starts_on=starts_on, due_on=due_on, budget_fen=budget_fen,
        budget_source="fiscal", budget_use="材料费",
    )  # fmt: skip


DEFINED = PilotPlanDefined(
    plan_id="plt1", town_id=T1, village_id=V1, title="紫荆村红色美丽村庄建设实施方案", budget_total_fen=3_000_000,
    items=[PilotItem(item_id="i01", **item("沿街门面统一改造", 2_000_000).model_dump()),
           PilotItem(item_id="i02", **item("主干街道花坛美化", 1_000_000).model_dump())],
)  # fmt: skip


async def village(*pilot_events: object) -> Specification:
    spec = await registered_village()
    if pilot_events:
        await spec.given(pilot_stream_id(V1), *pilot_events)  # type: ignore[arg-type]
    return spec


# --- define_plan --------------------------------------------------------------------------------


def plan(items: list[ItemPlan] | None = None) -> DefinePilotPlan:
    """V1's plan from 1 March to the year's end, with ``items`` (none: the policy's template)."""
    return DefinePilotPlan(village_id=V1, title="实施方案", starts_on=START, due_on=DUE, items=items)


async def test_a_plan_without_items_takes_the_policys_template_unbudgeted() -> None:
    spec = await village()
    outcome = await spec.when(define_plan, plan(), as_=TOWN)
    (defined,) = outcome.events
    assert isinstance(defined, PilotPlanDefined)
    assert [(i.aspect, i.title) for i in defined.items] == [(t.aspect, t.title) for t in DEFAULT_PILOT_TEMPLATE]
    assert len(defined.items) == 17 and defined.budget_total_fen == 0
    assert (defined.items[0].item_id, defined.items[-1].item_id, defined.items[0].due_on) == ("i01", "i17", DUE)
    assert outcome.answer.data["item_ids"][:2] == ["i01", "i02"]


async def test_a_plan_with_its_items_totals_their_budgets_in_fen() -> None:
    spec = await village()
    command = plan([item("门面改造", 2_000_000), item("花坛美化", 1_000_001)])
    (defined,) = (await spec.when(define_plan, command, as_=TOWN)).events
    assert [(i.item_id, i.budget_fen) for i in defined.items] == [("i01", 2_000_000), ("i02", 1_000_001)]
    assert defined.budget_total_fen == 3_000_001 and defined.town_id == T1


async def test_a_second_plan_for_the_village_is_refused() -> None:
    spec = await village(DEFINED)
    (await spec.when(define_plan, plan(), as_=TOWN)).refused("plan_exists")


async def test_a_plan_with_an_empty_list_of_items_is_refused() -> None:
    spec = await village()
    (await spec.when(define_plan, plan([]), as_=TOWN)).refused("items_required")


async def test_an_item_due_before_it_starts_is_refused() -> None:
    spec = await village()
    items = [item("门面改造", 0, starts_on=dt.date(2026, 5, 1), due_on=dt.date(2026, 4, 30))]
    assert "门面改造" in (await spec.when(define_plan, plan(items), as_=TOWN)).refused("due_before_start").message


async def test_a_town_administrator_of_another_town_may_not_define_the_plan() -> None:
    spec = await village()
    assert isinstance((await spec.when(define_plan, plan(), as_=OTHER_TOWN)).refused("out_of_scope"), Forbidden)


async def test_a_village_secretary_may_not_define_the_plan() -> None:
    spec = await village()
    (await spec.when(define_plan, plan(), as_=SECRETARY)).refused("role_required")


# --- progress_item ------------------------------------------------------------------------------


def progress(
    item_id: str = "i01", pct: int = 40, reason: str = "", evidence: tuple[str, ...] = ()
) -> ReportItemProgress:
    return ReportItemProgress(
        village_id=V1, item_id=item_id, progress_pct=pct, reason=reason, note="", evidence_upload_ids=list(evidence)
    )


async def test_the_village_secretary_reports_an_items_progress_with_an_uploaded_photo() -> None:
    spec = (await village(DEFINED)).uploaded("upl_1")
    (progressed,) = (await spec.when(progress_item, progress(evidence=("upl_1",)), as_=SECRETARY)).events
    assert isinstance(progressed, PilotItemProgressed)
    assert (progressed.plan_id, progressed.item_id, progressed.previous_pct, progressed.progress_pct) == (
        "plt1",
        "i01",
        0,
        40,
    )
    assert (progressed.reported_on, progressed.evidence_upload_ids) == (dt.date(2026, 6, 1), ["upl_1"])


async def test_an_items_progress_naming_an_upload_never_uploaded_is_refused() -> None:
    spec = await village(DEFINED)
    (await spec.when(progress_item, progress(evidence=("upl_1",)), as_=SECRETARY)).refused("upload_not_found")


async def test_an_item_going_back_without_a_reason_is_refused() -> None:
    earlier = PilotItemProgressed(
        plan_id="plt1", town_id=T1, village_id=V1, item_id="i01", progress_pct=60, previous_pct=0, reason="", note="",
        evidence_upload_ids=[], reported_on=dt.date(2026, 5, 1),
    )  # fmt: skip
    spec = await village(DEFINED, earlier)
    outcome = await spec.when(progress_item, progress(pct=50), as_=SECRETARY)
    assert "60%" in outcome.refused("progress_backwards_without_reason").message


async def test_an_items_progress_above_100_is_refused() -> None:
    spec = await village(DEFINED)
    (await spec.when(progress_item, progress(pct=120), as_=SECRETARY)).refused("progress_out_of_range")


async def test_progress_of_an_item_not_in_the_plan_is_refused() -> None:
    spec = await village(DEFINED)
    (await spec.when(progress_item, progress(item_id="i09"), as_=SECRETARY)).refused("item_not_found")


async def test_progress_without_a_plan_is_refused() -> None:
    spec = await village()
    (await spec.when(progress_item, progress(), as_=SECRETARY)).refused("plan_not_found")


async def test_another_villages_secretary_may_not_report_the_items_progress() -> None:
    spec = await village(DEFINED)
    (await spec.when(progress_item, progress(), as_=OTHER_SECRETARY)).refused("out_of_scope")
