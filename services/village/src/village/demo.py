"""Demo data for ``grassroots up``: Fengxiang district's 12 towns and 160 villages with cadres,
subsidy sheets, income and bonuses, a full-coverage inspection round, 5 villages in rectification,
the 紫荆村 pilot, a secretary project per village with funding and milestones, and "511" pairing.

Written through the aggregates (their rules apply) and appended one stream per call, so seeding
takes a few seconds. ``seed_years`` writes several years of the same life (the benchmark uses 5).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import struct
import zlib
from collections.abc import Iterator

from grassroots_common import db
from grassroots_common.aggregate import Aggregate
from grassroots_common.contracts.village import (
    ChecklistAspect,
    Finding,
    InspectionTeam,
    PilotItem,
    RectificationMeasure,
    RoundVillage,
)
from grassroots_common.demo import DemoUser
from grassroots_common.events import Metadata
from grassroots_common.runtime import Runtime
from grassroots_common.workdays import CHINA
from village.domain.inspection import Inspection, InspectionRound, inspection_stream_id, round_stream_id
from village.domain.pairing import Pairing, pairing_stream_id
from village.domain.pilot import PilotPlan, pilot_stream_id
from village.domain.policy import DEFAULT_POLICY, YUAN
from village.domain.project import Project, project_stream_id
from village.domain.town import Town, town_stream_id
from village.domain.village import Village, village_stream_id
from village.domain.weakness import WeaknessCase, weakness_stream_id

DISTRICT = "610305"
TOWNS = [
    ("城关镇", "刘振华", ["六营村", "八旗屯村", "南关村", "东关村", "西街村", "雍城村"]),
    ("虢王镇", "张国栋", ["九家庄村", "虢王村", "秦家沟村", "西凤村"]),
    ("彪角镇", "杨文博", ["三岔村", "三龙村", "彪角村", "河北村"]),
    ("横水镇", "赵建军", ["玉祥村", "横水村", "祁家村", "官村"]),
    ("田家庄镇", "孙立新", ["田家庄村", "纸坊村", "店子村"]),
    ("糜杆桥镇", "李海涛", ["五曲湾村", "糜杆桥村", "凹里村"]),
    ("南指挥镇", "周明亮", ["连村", "南指挥村", "西指挥村", "高王寺村"]),
    ("陈村镇", "王建国", ["紫荆村", "蔡阳山村", "陈村", "梁村"]),
    ("长青镇", "吴永强", ["高嘴头村", "石头坡村", "长青村", "孙家南头村"]),
    ("柳林镇", "郑卫东", ["柳林村", "西宝村", "胡家庄村"]),
    ("姚家沟镇", "冯志刚", ["亢家河村", "姚家沟村", "店子头村"]),
    ("范家寨镇", "陈立平", ["老女沟村", "范家寨村", "曹家庄村"]),
]
VILLAGES_PER_TOWN = [16, 14, 14, 14, 12, 12, 14, 14, 14, 12, 12, 12]  # 160 in all
PROVINCIAL = ["高嘴头村", "九家庄村", "六营村", "石头坡村", "紫荆村", "八旗屯村", "三岔村", "柳林村", "横水村"]
DISTRICT_DEMO = ["南关村", "虢王村", "彪角村", "田家庄村", "南指挥村", "长青村"]
WEAK = ["蔡阳山村", "五曲湾村", "玉祥村", "老女沟村", "亢家河村"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金贾夏韦付方邹熊孟秦白江阎薛尹段雷侯龙史黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = (
    "建国明华志强海军伟平丽芳军红梅涛斌勇磊静敏杰超霞鹏亮云燕波刚峰宁辉娟晓东文博宏林新民春生玉兰凤英秀珍德福永安荣成"
)
PLACE_PARTS = ["家庄", "家堡", "家沟", "家塬", "家坡", "家湾", "家河", "家寨", "家营", "家村", "家咀", "家岭"]
PLAIN = [
    "东风",
    "红星",
    "新民",
    "永丰",
    "太平",
    "丰乐",
    "和平",
    "前进",
    "光明",
    "三合",
    "五星",
    "联合",
    "双庙",
    "北斗",
    "上官",
    "下河",
]
MODELS = ["branch_led", "village_enterprise", "diversified", "capable_person", "culture_tourism"]
PROJECT_KINDS = [
    ("优质小麦规模种植", "branch_led"),
    ("大葱种植产业联盟", "branch_led"),
    ("苹果矮化密植园", "village_enterprise"),
    ("设施蔬菜大棚", "diversified"),
    ("肉牛养殖合作社", "capable_person"),
    ("西凤酒文化体验街", "culture_tourism"),
    ("食用菌种植基地", "village_enterprise"),
    ("红薯粉条加工坊", "capable_person"),
    ("乡村民宿与农家乐", "culture_tourism"),
    ("光伏发电收益项目", "diversified"),
]
UNITS = [
    "区农业农村局", "区乡村振兴局", "区财政局", "区发展和改革局", "区交通运输局", "区水利局", "区住房和城乡建设局",
    "区自然资源局", "区生态环境分局", "区文化和旅游局", "区教育体育局", "区卫生健康局", "区民政局", "区人力资源和社会保障局",
    "区商务局", "区市场监督管理局", "区林业局", "区应急管理局", "区审计局", "区统计局", "区司法局", "区信访局",
    "区委办公室", "区政府办公室", "区委组织部", "区委宣传部", "区委统战部", "区委政法委", "区纪委监委", "区总工会",
    "团区委", "区妇联", "区科协", "区供销联社", "区税务局", "区公安分局", "区法院", "区检察院", "区融媒体中心", "区医保局",
]  # fmt: skip
CADRE_ORDER = [
    "secretary",
    "director",
    "deputy_secretary",
    "committee_member",
    "committee_member",
    "reserve",
    "reserve",
]
ADMIN = Metadata(actor_id="da_zzb", actor_name="区委组织部 赵敏", actor_roles=("district_admin",))
# Evidence photos of the demo: one small solid-colour PNG per village and kind, stored in the
# ``uploads`` table with the village's scopes so its secretary and town can open them.
EVIDENCE_KINDS = {
    "rectification": ("整改佐证", (198, 40, 40)),
    "milestone": ("项目进度照片", (46, 125, 50)),
    "finding": ("问题整改照片", (21, 101, 192)),
    "pilot": ("试点建设照片", (239, 108, 0)),
}
EVIDENCE_SIZE = (160, 120)


def solid_png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A valid truecolour PNG of one colour, built with zlib (no imaging library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + bytes(rgb) * width  # filter type 0, then the pixels
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height, 9))
        + chunk(b"IEND", b"")
    )


def evidence_upload_id(kind: str, village_id: str) -> str:
    return f"upl_demo_{kind}_{village_id}"


def town_code(index: int) -> str:
    return f"{DISTRICT}{100 + index:03d}"


def village_codes() -> list[tuple[str, str, str]]:
    """(town_id, village_id, name) for the 160 villages, names fixed by a seeded generator."""
    rng = random.Random(610305)
    used = {name for _, _, known in TOWNS for name in known}
    out = []
    for t, ((_, _, known), count) in enumerate(zip(TOWNS, VILLAGES_PER_TOWN, strict=True)):
        names = list(known)
        while len(names) < count:
            candidate = rng.choice([f"{rng.choice(SURNAMES)}{rng.choice(PLACE_PARTS)}村", f"{rng.choice(PLAIN)}村"])
            if candidate not in used:
                used.add(candidate)
                names.append(candidate)
        out += [(town_code(t), f"{town_code(t)}{200 + n:03d}", name) for n, name in enumerate(names, start=1)]
    return out


def secretary_sub(village_id: str) -> str:
    return f"vs_{village_id}"


def _zijing() -> tuple[str, str]:
    return next((t, v) for t, v, n in village_codes() if n == "紫荆村")


def _liuying() -> tuple[str, str]:
    return next((t, v) for t, v, n in village_codes() if n == "六营村")


DEMO_USERS = [
    DemoUser("da_zzb", "赵敏", ("district_admin",), "区委组织部 组织科科长"),
    DemoUser("ta_" + town_code(7), "王建国", ("town_admin",), "陈村镇党委书记", {"town": town_code(7)}),
    DemoUser("ta_" + town_code(0), "刘振华", ("town_admin",), "城关镇党委书记", {"town": town_code(0)}),
    DemoUser(secretary_sub(_zijing()[1]), "李红梅", ("village_secretary",), "陈村镇紫荆村党支部书记", {"town": _zijing()[0], "village": _zijing()[1]}),
    DemoUser(secretary_sub(_liuying()[1]), "马志强", ("village_secretary",), "城关镇六营村党支部书记", {"town": _liuying()[0], "village": _liuying()[1]}),
]  # fmt: skip
_SECRETARY_NAMES = {u.sub: u.name for u in DEMO_USERS if "village_secretary" in u.roles}


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


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


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


def _benchmarks() -> set[str]:
    """19 town benchmark villages: the first unranked village or two of each town."""
    chosen: list[str] = []
    per_town: dict[str, int] = {}
    for town_id, village_id, name in village_codes():
        if name in PROVINCIAL or name in DISTRICT_DEMO or name in WEAK:
            continue
        if per_town.get(town_id, 0) < (2 if len(chosen) < 14 else 1) and len(chosen) < 19:
            per_town[town_id] = per_town.get(town_id, 0) + 1
            chosen.append(village_id)
    return set(chosen)


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
            amount_fen=budget // 3 + rng.randrange(0, 5) * 10_000 * YUAN,
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


async def store_evidence(runtime: Runtime, evidence: dict[str, tuple[str, str, str]]) -> None:
    """Insert the evidence photos the demo's events reference (one statement; present ones are kept)."""
    images = {kind: solid_png(*EVIDENCE_SIZE, rgb) for kind, (_, rgb) in EVIDENCE_KINDS.items()}
    ids = sorted(evidence)
    rows = [evidence[i] for i in ids]
    await runtime.pool.execute(
        """INSERT INTO uploads (upload_id, owner_id, owner_scopes, filename, content_type, size, sha256, content)
           SELECT u.id, u.owner, u.scopes::jsonb, u.filename, 'image/png', length(u.content), u.sha256, u.content
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bytea[])
                AS u(id, owner, scopes, filename, sha256, content)
           ON CONFLICT (upload_id) DO NOTHING""",
        ids,
        [secretary_sub(village_id) for _, _, village_id in rows],
        db.json_texts([{"town": town_id, "village": village_id} for _, town_id, village_id in rows]),
        [f"{EVIDENCE_KINDS[kind][0]}-{village_id}.png" for kind, _, village_id in rows],
        [hashlib.sha256(images[kind]).hexdigest() for kind, _, _ in rows],
        [images[kind] for kind, _, _ in rows],
    )


async def seed(runtime: Runtime) -> None:
    """Idempotent: does nothing when the store already holds events."""
    if await runtime.store.count() > 0:
        return
    await seed_years(runtime, 1, runtime.clock().astimezone(CHINA).date())
