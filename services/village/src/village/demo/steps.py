"""``seed``, ``seed_years`` and ``build``, and their steps: per year subsidies, income and bonus,
screening and rectification, an inspection round, secretary projects and pairing; then the 紫荆村
pilot.
"""

from __future__ import annotations

import datetime as dt
import random

from grassroots_common.contracts.village import (
    ChecklistAspect,
    Finding,
    InspectionTeam,
    PilotItem,
    RectificationMeasure,
    RoundVillage,
)
from grassroots_common.runtime import Runtime
from grassroots_common.workdays import CHINA
from village.demo.cast import (
    CADRE_ORDER,
    DISTRICT_DEMO,
    PROVINCIAL,
    TOWNS,
    UNITS,
    WEAK,
    _benchmarks,
    _person,
    _zijing,
    secretary_sub,
    town_code,
    village_codes,
)
from village.demo.catalogue import PROJECT_KINDS
from village.demo.photos import store_evidence
from village.demo.users import _SECRETARY_NAMES
from village.demo.writing import ADMIN, _Batch
from village.domain.inspection import Inspection, InspectionRound, inspection_stream_id, round_stream_id
from village.domain.pairing import Pairing, pairing_stream_id
from village.domain.pilot import PilotPlan, pilot_stream_id
from village.domain.policy import DEFAULT_POLICY, YUAN
from village.domain.project import Project, project_stream_id
from village.domain.town import Town, town_stream_id
from village.domain.village import Village, village_stream_id
from village.domain.weakness import WeaknessCase, weakness_stream_id


def _year_of_life(batch: _Batch, rng: random.Random, year: int, today: dt.date, first: bool) -> None:
    """One year: subsidies, income and bonus, screening, an inspection round, projects, pairing."""
    villages = village_codes()
    last_month = 12 if year < today.year else max(today.month - 1, 1)
    for town_id, village_id, name in villages:
        v: Village = batch.get(Village, village_stream_id(village_id))  # type: ignore[assignment]
        if first:
            _register_village(v, rng, town_id, village_id, name, year)
        for month in range(1, last_month + 1):
            v.compute_subsidy(
                month=f"{year}-{month:02d}",
                rate_one_shoulder_fen=DEFAULT_POLICY.subsidy_one_shoulder_fen,
                rate_other_fen=DEFAULT_POLICY.subsidy_other_fen,
            )
        if year < today.year:
            income = rng.choice([3, 6, 8, 12, 15, 25, 40, 60, 120]) * 10_000 * YUAN + rng.randrange(0, 9_000) * YUAN
            if name == "石头坡村":
                income = 1_500_000 * YUAN
            v.report_income(year=year, income_fen=income, note="年度村集体经济收益决算")
            if income >= DEFAULT_POLICY.bonus_tiers[0].threshold_fen:
                v.award_bonus(year=year, tiers=DEFAULT_POLICY.bonus_tiers)
        _screening(batch, rng, year, today, town_id, village_id, name)
        _project(batch, rng, year, today, town_id, village_id, name)
    _inspection_round(batch, rng, year, today, villages)
    _pairing(batch, rng, year, today, villages)


def _register_village(v: Village, rng: random.Random, town_id: str, village_id: str, name: str, year: int) -> None:
    households = rng.randrange(280, 900)
    v.register(
        town_id=town_id,
        village_id=village_id,
        name=name,
        party_org_name=f"中共{name}{'总支部' if households > 700 else '支部'}委员会",
        party_org_kind="general_branch" if households > 700 else "branch",
        party_members=rng.randrange(25, 90),
        households=households,
        population=households * rng.randrange(3, 5),
    )
    level = "provincial" if name in PROVINCIAL else "district" if name in DISTRICT_DEMO else "none"
    if level != "none":
        v.change_status(level=level, reason=f"{year - 1} 年度示范村评定", effective_on=dt.date(year, 1, 15))
    one_shoulder = rng.random() < 0.8
    appointed = dt.date(year - 1, 10, rng.randrange(10, 28))
    reserves = 1 if rng.random() < 0.02 else 2
    for position in CADRE_ORDER:
        if (position == "director" and one_shoulder) or (position == "reserve" and reserves == 0):
            continue
        if position == "reserve":
            reserves -= 1
        sub = secretary_sub(village_id)
        person = _SECRETARY_NAMES.get(sub) if position == "secretary" else None
        v.appoint(
            cadre_id=f"cad_{village_id}_{len(v.cadres) + 1}",
            name=person or _person(rng),
            position=position,  # type: ignore[arg-type]
            one_shoulder=one_shoulder and position == "secretary",
            appointed_on=appointed,
        )


def _screening(
    batch: _Batch, rng: random.Random, year: int, today: dt.date, town_id: str, village_id: str, name: str
) -> None:
    case: WeaknessCase = batch.get(WeaknessCase, weakness_stream_id(village_id, year))  # type: ignore[assignment]
    weak = name in WEAK and year == today.year
    hits = ["weak_team", "poor_appearance"] if weak else (["slow_revitalization"] if rng.random() < 0.05 else [])
    case.screen(
        town_id=town_id,
        village_id=village_id,
        year=year,
        hits=hits,  # type: ignore[arg-type]
        screened_by="区级领导“村村到”排查组",
        screened_on=dt.date(year, 3, rng.randrange(1, 28)),
        note="区级领导带队实地走访" if hits else "未发现软弱涣散问题",
    )
    if not weak:
        return
    case.designate(criteria=hits, designated_on=dt.date(year, 4, 8), reason="班子战斗力不强，村容村貌较差")  # type: ignore[arg-type]
    measures = ["调整充实村“两委”班子", "建立区级领导包抓机制", "开展人居环境集中整治", "规范“三会一课”等组织生活"]
    case.plan_rectification(
        responsible_leader=f"区委常委 {_person(rng)}",
        work_group=[f"区委组织部 {_person(rng)}", f"镇党委副书记 {_person(rng)}", f"第一书记 {_person(rng)}"],
        measures=[RectificationMeasure(measure_id=f"m{n}", text=t) for n, t in enumerate(measures, start=1)],
        deadline=dt.date(year, 11, 30),
        today=dt.date(year, 4, 15),
    )
    finished = {"蔡阳山村": 4, "五曲湾村": 3, "玉祥村": 2, "老女沟村": 1, "亢家河村": 4}[name]
    for n in range(1, finished + 1):
        case.report_progress(
            measure_id=f"m{n}",
            done=True,
            note="已完成并经镇党委核实",
            evidence_upload_ids=batch.photo("rectification", town_id, village_id),
            reported_on=dt.date(year, 5, n),
        )
    if name == "亢家河村":
        case.accept(accepted_on=dt.date(year, 6, 20), accepted_by="区委组织部", note="整顿成效明显，验收合格")


def _project(
    batch: _Batch, rng: random.Random, year: int, today: dt.date, town_id: str, village_id: str, name: str
) -> None:
    title, model = rng.choice(PROJECT_KINDS)
    if name == "六营村":
        title, model = "非遗文化传承人之家及凤翔小吃体验街", "culture_tourism"
    if name == "石头坡村":
        title, model = "大葱种植产业联盟", "branch_led"
    project_id = f"prj_{village_id}_{year}"
    p: Project = batch.get(Project, project_stream_id(project_id))  # type: ignore[assignment]
    town_name, town_secretary, _ = TOWNS[int(town_id[-3:]) - 100]
    level = "provincial" if name in PROVINCIAL else "district" if name in DISTRICT_DEMO else "none"
    supervisor = (
        ("district", f"区委副书记 {_person(rng)}")
        if level == "district"
        else ("town", f"{town_name}党委书记 {town_secretary}")
    )
    starts, due = dt.date(year, 3, 1), dt.date(year, 11, 30)
    budget = rng.randrange(30, 120) * 10_000 * YUAN
    p.register(
        project_id=project_id,
        town_id=town_id,
        village_id=village_id,
        name=f"{name}{title}",
        description=f"党建领航壮大村级集体经济“书记项目”：{title}",
        owner_id=secretary_sub(village_id),
        owner_name=_SECRETARY_NAMES.get(secretary_sub(village_id), "村党组织书记"),
        supervisor_level=supervisor[0],  # type: ignore[arg-type]
        supervisor_name=supervisor[1],
        model=model,  # type: ignore[arg-type]
        budget_fen=budget,
        year=year,
        starts_on=starts,
        due_on=due,
    )
    for n, source in enumerate(rng.sample(["fiscal", "pairing_unit", "enterprise", "village_collective", "other"], 3)):
        p.fund(
            funding_id=f"fund_{project_id}_{n}",
            source=source,  # type: ignore[arg-type]
            funder={
                "fiscal": "区财政局",
                "pairing_unit": "包联单位",
                "enterprise": "合作企业",
                "village_collective": "村股份经济合作社",
                "other": "社会捐赠",
            }[source],
            amount_fen=budget // 3 // (1_000 * YUAN) * (1_000 * YUAN)
            + rng.randrange(0, 5) * 10_000 * YUAN,  # whole thousands of yuan
            received_on=dt.date(year, 3 + n, 10),
        )
    invested = 120_000_000 * YUAN if name == "六营村" else rng.choice([0, 0, 20, 50, 80]) * 10_000 * YUAN
    if invested:
        p.attract(
            investment_id=f"inv_{project_id}",
            investor="陕西某农业发展有限公司",
            amount_fen=invested,
            signed_on=dt.date(year, 4, 18),
        )
    end = min(today, due)
    elapsed = max(0, (end - starts).days) / (due - starts).days
    target = min(100, round(100 * elapsed * rng.uniform(0.6, 1.2)))
    progress = 0
    for step, pct in enumerate(sorted({round(target * f) for f in (0.3, 0.6, 1.0)} - {0})):
        p.report_milestone(
            milestone_id=f"mst_{project_id}_{step}",
            title=["完成项目选址和方案论证", "主体工程建设", "投产运营"][min(step, 2)],
            progress_pct=pct,
            reason="",
            evidence_upload_ids=batch.photo("milestone", town_id, village_id),
            reported_on=starts + dt.timedelta(days=int((end - starts).days * (step + 1) / 3)),
        )
        progress = pct
    if progress >= 60:
        p.report_income(
            income_id=f"pin_{project_id}",
            year=year,
            amount_fen=rng.randrange(5, 60) * 10_000 * YUAN,
            note="项目分红",
            reported_on=end,
        )


def _inspection_round(batch: _Batch, rng: random.Random, year: int, today: dt.date, villages: list) -> None:
    round_id = f"rnd_{year}_1"
    r: InspectionRound = batch.get(InspectionRound, round_stream_id(round_id))  # type: ignore[assignment]
    opened = dt.date(year, 4, 10)
    teams = [
        InspectionTeam(
            team_id=f"team-{n + 1}",
            name=f"第{n + 1}检查组",
            members=[_person(rng), _person(rng)],
            villages=[RoundVillage(town_id=t, village_id=v) for t, v, _ in villages[n * 10 : (n + 1) * 10]],
        )
        for n in range(16)
    ]
    checklist: list[ChecklistAspect] = DEFAULT_POLICY.checklist
    r.open(
        round_id=round_id,
        name=f"{year} 年村级活动场所“大整治、大提升”全覆盖检查",
        year=year,
        opened_on=opened,
        due_on=dt.date(year, 5, 31),
        checklist=checklist,
        teams=teams,
    )
    for team in teams:
        for rv in team.villages:
            i: Inspection = batch.get(Inspection, inspection_stream_id(round_id, rv.village_id))  # type: ignore[assignment]
            on = opened + dt.timedelta(days=rng.randrange(0, 40))
            scores = {a.aspect_id: max(0, a.max_score - rng.choice((0, 0, 1, 1, 2, 3, 5))) for a in checklist}
            findings = []
            if rng.random() < 0.2:
                worst = min(scores, key=lambda a: scores[a])
                findings.append(
                    Finding(
                        finding_id=f"fnd_{round_id}_{rv.village_id}",
                        aspect_id=worst,
                        text="部室标识不规范，台账资料不齐全",
                        deadline=on + dt.timedelta(days=30),
                    )
                )
            i.record(
                round_id=round_id,
                team_id=team.team_id,
                town_id=rv.town_id,
                village_id=rv.village_id,
                checklist=checklist,
                inspected_on=on,
                scores=scores,
                findings=findings,
            )
            for f in findings:
                if rng.random() < 0.6 and on + dt.timedelta(days=20) <= today:
                    i.close_finding(
                        finding_id=f.finding_id,
                        closed_on=on + dt.timedelta(days=20),
                        note="已整改到位",
                        evidence_upload_ids=batch.photo("finding", rv.town_id, rv.village_id),
                        today=today,
                    )


def _pairing(batch: _Batch, rng: random.Random, year: int, today: dt.date, villages: list) -> None:
    for n, unit in enumerate(UNITS):
        unit_id = f"u{n + 1:02d}"
        p: Pairing = batch.get(Pairing, pairing_stream_id(unit_id, year))  # type: ignore[assignment]
        mine = villages[n * 4 : (n + 1) * 4]
        for town_id, village_id, _ in mine:
            p.commit(
                unit_id=unit_id,
                unit_name=unit,
                year=year,
                town_id=town_id,
                village_id=village_id,
                target_funds_fen=DEFAULT_POLICY.pairing_funds_fen,
                target_supporting_projects=DEFAULT_POLICY.pairing_supporting_projects,
                target_industry_projects=DEFAULT_POLICY.pairing_industry_projects,
            )
        behind = rng.random() < 0.2 and year == today.year
        _, village_id, name = mine[0]
        p.deliver(
            village_id=village_id,
            delivery_id=f"dlv_{unit_id}_{year}_f",
            kind="funds",
            title="协调帮扶资金",
            amount_fen=(3 if behind else 6) * 10_000 * YUAN,
            delivered_on=dt.date(year, 5, 20),
        )
        p.deliver(
            village_id=village_id,
            delivery_id=f"dlv_{unit_id}_{year}_s",
            kind="supporting_project",
            title=f"{name}道路硬化配套项目",
            amount_fen=0,
            delivered_on=dt.date(year, 6, 12),
        )
        if not behind:
            p.deliver(
                village_id=village_id,
                delivery_id=f"dlv_{unit_id}_{year}_i",
                kind="industry_project",
                title=f"{name}特色种植产业项目",
                amount_fen=0,
                delivered_on=dt.date(year, 7, 8),
            )


def _pilot(batch: _Batch, year: int) -> None:
    town_id, village_id = _zijing()
    plan: PilotPlan = batch.get(PilotPlan, pilot_stream_id(village_id))  # type: ignore[assignment]
    items = [
        PilotItem(
            item_id=f"i{n:02d}",
            aspect=t.aspect,
            title=t.title,
            starts_on=dt.date(year, 3, 1),
            due_on=dt.date(year, 11, 30),
            budget_fen=(101 if t.title == "沿街门面统一改造" else 20) * 10_000 * YUAN,
            budget_source="fiscal",
            budget_use=t.title,
        )
        for n, t in enumerate(DEFAULT_POLICY.pilot_template, start=1)
    ]
    plan.define(
        plan_id=f"plt_{village_id}",
        town_id=town_id,
        village_id=village_id,
        title="陈村镇紫荆村红色美丽村庄建设实施方案",
        items=items,
    )
    for n, item in enumerate(items):
        pct = 100 if item.aspect in ("提升村容村貌", "建强红色堡垒") else (60 if n % 2 else 30)
        plan.progress_item(
            item_id=item.item_id,
            progress_pct=pct,
            reason="",
            note="按实施方案推进",
            evidence_upload_ids=batch.photo("pilot", town_id, village_id),
            reported_on=dt.date(year, 6, 1),
        )


def build(today: dt.date, years: int = 1) -> _Batch:
    """The demo's aggregates with their pending events: ``years`` years ending with ``today``'s."""
    rng = random.Random(2022)
    batch = _Batch()
    first_year = today.year - years + 1
    for t, (name, secretary, _) in enumerate(TOWNS):
        town: Town = batch.get(Town, town_stream_id(town_code(t)))  # type: ignore[assignment]
        town.register(town_id=town_code(t), name=name, party_secretary_name=secretary)
    for year in range(first_year, today.year + 1):
        _year_of_life(batch, rng, year, today, first=year == first_year)
        if year == first_year:
            for village_id in _benchmarks():
                v: Village = batch.get(Village, village_stream_id(village_id))  # type: ignore[assignment]
                v.change_status(level="town_benchmark", reason="镇级标杆村评定", effective_on=dt.date(year, 2, 1))
    _pilot(batch, today.year)
    return batch


async def seed_years(runtime: Runtime, years: int, today: dt.date) -> int:
    """Append the demo's streams (one append per stream); answers the number of events."""
    batch = build(today, years)
    await store_evidence(runtime, batch.evidence)
    count = 0
    for stream_id, agg in batch.pending():
        pending = agg.take_pending()
        if pending:
            await runtime.store.append(stream_id, agg.stream_type, 0, pending, ADMIN)
            count += len(pending)
    runtime.wake_relay()
    return count


async def seed(runtime: Runtime) -> None:
    """Idempotent: does nothing when the store already holds events."""
    if await runtime.store.count() > 0:
        return
    await seed_years(runtime, 1, runtime.clock().astimezone(CHINA).date())
