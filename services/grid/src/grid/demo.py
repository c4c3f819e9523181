"""Demo data for the embedded default: 凤鸣社区 with 22 grids and 379 grid members, departments and
routing rules, patrol reports, tickets in every state over the last four months (some overdue and
escalated), micro-wishes in every state and the resource list.

Written through the aggregates (so every rule holds), with realistic actors and event times; fixed
seeds make the roster the same on every machine, so the demo users below match it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from faker import Faker

from grassroots_common.aggregate import Aggregate
from grassroots_common.calendar_projection import load_calendar
from grassroots_common.demo import HR_TICKET_HANDLER, DemoUser
from grassroots_common.events import SYSTEM, Metadata, NewEvent
from grassroots_common.ids import new_id
from grassroots_common.runtime import Runtime
from grassroots_common.store import EventStore
from grassroots_common.workdays import CHINA, WorkCalendar
from grid.domain.community import Community
from grid.domain.directory import DIRECTORY_STREAM, Directory
from grid.domain.report import Report
from grid.domain.ticket import Ticket
from grid.domain.wish import Resource, Wish
from grid.handlers import ticket_id_for_report

COMMUNITY = "com_fengming"
GRIDS = 22
CN_NUMBERS = "一二三四五六七八九十"

DEPARTMENTS = {
    "dep_urban": "区城市管理执法局",
    "dep_housing": "区住房和城乡建设局",
    "dep_water": "区水务局",
    "dep_market": "区市场监督管理局",
    "dep_civil": "区民政局",
    "dep_police": "凤翔公安分局城关派出所",
    "dep_env": "市生态环境局凤翔分局",
    "dep_hr": "区人力资源和社会保障局",
}
# category -> (name, default department, lead, co-departments, time limit or None for the kind's)
RULES = {
    "sanitation": ("环境卫生", "dep_urban", None, [], 3),
    "municipal": ("市政设施", "dep_housing", "dep_housing", ["dep_water"], None),
    "water_supply": ("供水排水", "dep_water", None, [], None),
    "food_safety": ("食品安全", "dep_market", None, [], None),
    "elderly_care": ("养老助残", "dep_civil", None, [], None),
    "public_security": ("治安隐患", "dep_police", None, [], 1),
    "pollution": ("噪音污染", "dep_env", "dep_env", ["dep_urban"], None),
    "wage_arrears": ("欠薪维权", "dep_hr", None, [], None),
}
PROBLEMS = {
    "sanitation": ["门前垃圾堆积多日未清运", "小区绿化带内建筑垃圾乱堆", "背街小巷污水横流"],
    "municipal": ["人行道地砖破损松动", "路灯连续多晚不亮", "井盖缺失存在安全隐患"],
    "water_supply": ["小区停水超过一天", "雨水篦子堵塞路面积水", "自来水浑浊发黄"],
    "food_safety": ["流动摊点售卖无证食品", "餐馆后厨卫生脏乱", "超市售卖过期食品"],
    "elderly_care": ["独居老人无人照料", "残疾人出行无障碍通道被占", "高龄津贴未按时到账"],
    "public_security": ["楼道堆放杂物堵塞消防通道", "电动车楼道内充电", "夜间有陌生人撬门"],
    "pollution": ["夜间施工噪音扰民", "烧烤店油烟直排", "广场舞音响音量过大"],
    "wage_arrears": ["装修工人被拖欠工资", "保洁员三个月未发工资", "工地农民工讨薪"],
}
STREETS = ["东大街", "西大街", "南大街", "北大街", "凤鸣路", "雍城路", "秦凤路", "东湖路"]
KINDS = ["complaint", "help_request", "consultation", "emergency"]
WISHES = [
    ("想要一台助听器", "elderly_care"),
    ("希望有人辅导孩子作业", "education"),
    ("想要一辆儿童自行车", "children"),
    ("希望有人帮忙修理漏水的水龙头", "household"),
    ("想学用智能手机视频通话", "elderly_care"),
    ("需要一副老花镜", "elderly_care"),
    ("希望有一套新课桌椅", "education"),
    ("想要几本科普图书", "education"),
    ("希望有人陪同去医院复查", "elderly_care"),
    ("需要一台电风扇", "household"),
]
OFFERS = [
    ("每周六义诊", "区人民医院党支部提供健康咨询和血压测量"),
    ("家电维修服务", "供电公司党员服务队上门检修家电线路"),
    ("课业辅导", "区第一中学教师党员每周二晚辅导作业"),
    ("法律咨询", "司法所律师党员提供免费法律咨询"),
    ("爱心图书角", "新华书店捐赠图书并定期更换"),
    ("理发服务", "社区志愿者每月为老人上门理发"),
]


@dataclass(frozen=True, slots=True)
class Person:
    person_id: str
    name: str
    role: str
    grid_id: str | None


def grid_ids() -> list[str]:
    return [f"grd_{n:02d}" for n in range(1, GRIDS + 1)]


def grid_name(n: int) -> str:
    if n <= 10:
        return f"第{CN_NUMBERS[n - 1]}网格"
    tens, ones = divmod(n, 10)
    return f"第{'' if tens == 1 else CN_NUMBERS[tens - 1]}十{CN_NUMBERS[ones - 1] if ones else ''}网格"


def roster() -> list[Person]:
    """379 people: 2 网格指导员, 1 总网格长, and per grid 1 网格长, 1 专职网格员 and 15–16 网格员."""
    fake = Faker("zh_CN")
    fake.seed_instance(2022)
    people = [
        Person("gg_01", fake.name(), "grid_guide", None),
        Person("gg_02", fake.name(), "grid_guide", None),
        Person("gc_01", fake.name(), "grid_chief", None),
    ]
    members_total = 379 - 3 - 2 * GRIDS
    for i, grid in enumerate(grid_ids()):
        people.append(Person(f"gh_{i + 1:02d}", fake.name(), "grid_head", grid))
        people.append(Person(f"gw_{i + 1:02d}", fake.name(), "grid_worker", grid))
    for n in range(members_total):
        grid = grid_ids()[n % GRIDS]
        people.append(Person(f"gm_{n + 1:03d}", fake.name(), "grid_member", grid))
    return people


ROSTER = roster()
_BY_ID = {p.person_id: p for p in ROSTER}
DISPATCHER = ("ca_fengming", "赵文静")
HANDLERS = {
    **{
        dep: (f"dh_{dep.removeprefix('dep_')}", name)
        for dep, name in zip(
            [d for d in DEPARTMENTS if d != "dep_hr"],
            ["刘志强", "陈国庆", "杨建军", "黄丽娟", "周海燕", "吴振华", "徐晓东"],
            strict=True,
        )
    },
    "dep_hr": HR_TICKET_HANDLER,  # a person of the appraisal roster: her growth archive joins both services
}
VOLUNTEERS = [("pm_01", "马秀兰", "volunteer"), ("pm_02", "郭建平", "volunteer"), ("pm_03", "何志明", "volunteer")]
UNIT = ("ua_hospital", "区人民医院党支部", "unit_admin")


def _person_user(person_id: str, title: str) -> DemoUser:
    p = _BY_ID[person_id]
    scopes = {"community": COMMUNITY}
    if p.grid_id:
        scopes["grid"] = p.grid_id
    return DemoUser(p.person_id, p.name, (p.role,), title, scopes)


DEMO_USERS: list[DemoUser] = [
    DemoUser("da_grid", "区委政法委 网格办", ("district_admin",), "区级网格管理员：部门、派单规则、全区统计"),
    DemoUser(
        DISPATCHER[0], DISPATCHER[1], ("community_admin",), "凤鸣社区调度员：派单、核实、回访", {"community": COMMUNITY}
    ),
    _person_user("gg_01", "网格指导员（凤鸣社区）"),
    _person_user("gc_01", "总网格长（凤鸣社区）"),
    _person_user("gh_01", "网格长（第一网格）"),
    _person_user("gw_01", "专职网格员（第一网格）"),
    _person_user("gm_001", "网格员（第一网格）"),
    DemoUser(
        HANDLERS["dep_urban"][0],
        HANDLERS["dep_urban"][1],
        ("department",),
        "区城市管理执法局 承办人",
        {"department": "dep_urban"},
    ),
    DemoUser(
        HANDLERS["dep_housing"][0],
        HANDLERS["dep_housing"][1],
        ("department",),
        "区住房和城乡建设局 承办人",
        {"department": "dep_housing"},
    ),
    DemoUser(VOLUNTEERS[0][0], VOLUNTEERS[0][1], ("volunteer",), "党员志愿者：认领微心愿", {"community": COMMUNITY}),
]


def _meta(actor: str, name: str, role: str) -> Metadata:
    return Metadata(actor_id=actor, actor_name=name, actor_roles=(role,), correlation_id="demo-seed")


DISPATCH_META = _meta(*DISPATCHER, "community_admin")
DISTRICT_META = _meta("da_grid", "区委政法委 网格办", "district_admin")


def _png(shade: int) -> bytes:
    """A tiny valid PNG (8×8, one grey level) standing in for a patrol photo."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + bytes([shade]) * 8 for _ in range(8))
    header = struct.pack(">IIBBBBB", 8, 8, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


class Writer:
    """Runs a domain method and appends what it raised, stamped with the simulated time."""

    def __init__(self, store: EventStore) -> None:
        self.store = store

    async def step(self, agg: Aggregate, meta: Metadata, at: dt.datetime, fn: Callable[[], object]) -> None:
        fn()
        pending = [NewEvent(p.event, p.event_id, at) for p in agg.take_pending()]
        if pending:
            appended = await self.store.append(agg.id, agg.stream_type, agg.version, pending, meta)
            agg.version = appended.version


async def seed(runtime: Runtime) -> None:
    """Write the demo data once; does nothing when the store already holds events."""
    if await runtime.store.count() > 0:
        return
    rng = random.Random(2022)
    now = runtime.clock()
    calendar = await load_calendar(runtime.pool)
    writer = Writer(runtime.store)
    photos = await _photos(runtime)
    await _hierarchy(writer, now - dt.timedelta(days=150))
    directory = Directory.from_recorded(DIRECTORY_STREAM, await runtime.store.load(DIRECTORY_STREAM))
    gate = asyncio.Semaphore(8)

    async def limited(work: Callable[[], object]) -> None:
        async with gate:
            await work()  # type: ignore[misc]

    jobs: list[Callable[[], object]] = []
    for n in range(320):
        jobs.append(lambda n=n: _report_story(writer, directory, calendar, rng.random(), n, now, photos))
    for n in range(40):
        jobs.append(lambda n=n: _wish_story(writer, n, now, photos))
    await asyncio.gather(*(limited(job) for job in jobs))
    await _resources(writer, now)


async def _photos(runtime: Runtime) -> list[str]:
    ids = []
    for shade in (90, 140, 200):
        upload_id = new_id("upl")
        content = _png(shade)
        await runtime.pool.execute(
            """INSERT INTO uploads (upload_id, owner_id, owner_scopes, filename, content_type, size, sha256, content)
               VALUES ($1, 'system', $2, $3, 'image/png', $4, '', $5)""",
            upload_id,
            {"community": COMMUNITY},
            f"photo-{shade}.png",
            len(content),
            content,
        )
        ids.append(upload_id)
    return ids


async def _hierarchy(writer: Writer, at: dt.datetime) -> None:
    directory = Directory(DIRECTORY_STREAM)

    def departments() -> None:
        for dep, name in DEPARTMENTS.items():
            directory.register_department(department_id=dep, name=name, now=at)
        for category, (name, default, lead, co, limit) in RULES.items():
            directory.set_rule(
                category=category,
                category_name=name,
                default_department_id=default,
                lead_department_id=lead,
                co_department_ids=co,
                time_limit_workdays=limit,
                accept_within_hours=2.0,
                now=at,
            )

    await writer.step(directory, DISTRICT_META, at, departments)
    community = Community(COMMUNITY)
    await writer.step(
        community,
        DISTRICT_META,
        at,
        lambda: community.register(name="凤鸣社区", street="城关街道", district="凤翔区", leader_name="王建国", now=at),
    )

    def grids_and_people() -> None:
        for n, grid in enumerate(grid_ids(), start=1):
            community.define_grid(
                grid_id=grid, name=grid_name(n), area=f"{STREETS[n % 8]}片区", households=180 + 7 * n, now=at
            )
        for p in ROSTER:
            community.assign(person_id=p.person_id, person_name=p.name, role=p.role, grid_id=p.grid_id, now=at)

    await writer.step(community, DISPATCH_META, at, grids_and_people)


# Some stories stop at a step whatever the clock says, so that the board shows every state on any day
# (a story otherwise stops only where its next step would be in the future).
HOLDS = {7: "handled", 11: "reported_back"}


def _working_time(base: dt.datetime, rng: random.Random) -> dt.datetime:
    local = base.astimezone(CHINA).replace(hour=rng.randint(8, 16), minute=rng.randint(0, 59), second=0, microsecond=0)
    return local.astimezone(dt.UTC)


async def _report_story(
    writer: Writer,
    directory: Directory,
    calendar: WorkCalendar,
    luck: float,
    n: int,
    now: dt.datetime,
    photos: list[str],
) -> None:
    rng = random.Random(n)
    category = rng.choice(list(RULES))
    people = [p for p in ROSTER if p.grid_id]
    reporter = people[(n * 7) % len(people)]
    at = _working_time(now - dt.timedelta(days=rng.randint(0, 120)), rng)
    if at > now:
        at = now - dt.timedelta(minutes=30 + n)
    report = Report(new_id("rpt"))
    meta = _meta(reporter.person_id, reporter.name, reporter.role)
    street = rng.choice(STREETS)
    text = f"{street}{rng.randint(1, 120)}号附近{rng.choice(PROBLEMS[category])}"
    await writer.step(
        report,
        meta,
        at,
        lambda: report.file(
            community_id=COMMUNITY,
            grid_id=reporter.grid_id or "",
            reporter_id=reporter.person_id,
            reporter_name=reporter.name,
            category=category,
            text=text,
            address=f"{street}{rng.randint(1, 120)}号",
            latitude=round(34.52 + rng.random() / 100, 6),
            longitude=round(107.39 + rng.random() / 100, 6),
            photo_upload_ids=[photos[n % len(photos)]],
            urgency=rng.choice(["normal", "normal", "urgent"]),
            now=at,
        ),
    )
    if luck < 0.06 and now - at < dt.timedelta(days=3):
        return  # still with the grid
    at += dt.timedelta(hours=rng.uniform(0.5, 6))
    if luck < 0.45:
        await writer.step(
            report,
            meta,
            at,
            lambda: report.resolve_in_grid(
                resolution="网格员现场协调，已当场解决",
                photo_upload_ids=[photos[(n + 1) % 3]],
                by=reporter.person_id,
                now=at,
            ),
        )
        return
    await writer.step(
        report,
        meta,
        at,
        lambda: report.escalate(reason="网格内无法解决，需职能部门处理", by=reporter.person_id, now=at),
    )
    at += dt.timedelta(hours=rng.uniform(0.2, 3))
    if at > now:
        return
    hold = HOLDS.get(n % 23)
    await _ticket_story(writer, directory, calendar, report, category, text, rng, at, now, photos, hold)


async def _ticket_story(
    writer: Writer,
    directory: Directory,
    calendar: WorkCalendar,
    report: Report,
    category: str,
    text: str,
    rng: random.Random,
    at: dt.datetime,
    now: dt.datetime,
    photos: list[str],
    hold: str | None = None,
) -> None:
    ticket = Ticket(ticket_id_for_report(report.id))
    kind = rng.choice(KINDS[:3]) if rng.random() > 0.08 else "emergency"
    routing = directory.route(category=category, kind=kind, department_id=None)
    await writer.step(
        ticket,
        DISPATCH_META,
        at,
        lambda: ticket.dispatch(
            community_id=COMMUNITY,
            grid_id=report.grid_id,
            report_id=report.id,
            category=category,
            kind=kind,
            title=text[:30],
            text=text,
            address=report.filed.address if report.filed else "",
            routing=routing,
            calendar=calendar,
            dispatched_by=DISPATCHER[0],
            now=at,
        ),
    )
    fate = rng.random()

    def handler() -> Metadata:
        dep_handler = HANDLERS[ticket.department_id]
        return _meta(dep_handler[0], dep_handler[1], "department")

    async def later(hours: float) -> bool:
        """Move the story on; False when that moment is still in the future (the story stops)."""
        nonlocal at
        at += dt.timedelta(hours=hours)
        return at <= now

    # 退单 and re-dispatch, for one ticket in ten.
    if fate < 0.1:
        if not await later(rng.uniform(0.3, 1.5)):
            return
        await writer.step(
            ticket, handler(), at, lambda: ticket.return_ticket(reason="该事项属物业管理职责，建议转物业公司", now=at)
        )
        if fate < 0.03 or not await later(rng.uniform(0.5, 4)):
            return
        other = rng.choice([d for d in DEPARTMENTS if d not in ticket.returned_by])
        new_routing = directory.route(category=category, kind=kind, department_id=other)
        await writer.step(
            ticket,
            DISPATCH_META,
            at,
            lambda: ticket.redispatch(routing=new_routing, calendar=calendar, dispatched_by=DISPATCHER[0], now=at),
        )
    if not await later(rng.uniform(0.2, 3.5)):
        await _deadlines(writer, ticket, now)
        return
    h = handler()
    await writer.step(ticket, h, at, lambda: ticket.accept(handler_id=h.actor_id, handler_name=h.actor_name, now=at))
    if fate > 0.9 and ticket.deadline and at < ticket.deadline:
        wanted = ticket.deadline + dt.timedelta(days=5)
        await writer.step(
            ticket,
            h,
            at,
            lambda: ticket.request_extension(reason="需协调多个部门，材料采购中", requested_deadline=wanted, now=at),
        )
        if fate > 0.95 and await later(rng.uniform(1, 10)):
            approve = fate > 0.97
            await writer.step(
                ticket,
                DISPATCH_META,
                at,
                lambda: ticket.decide_extension(
                    approve=approve,
                    reason="" if approve else "时限内可完成，请抓紧办理",
                    decided_by=DISPATCHER[0],
                    now=at,
                ),
            )
    assert ticket.deadline is not None
    span = (ticket.deadline - at).total_seconds() / 3600
    work = span * rng.uniform(0.2, 1.3)
    if not await later(work * 0.6):
        await _deadlines(writer, ticket, now)
        return
    await writer.step(ticket, h, at, lambda: ticket.handle(note="已安排人员现场处置", now=at))
    if hold == "handled" or not await later(work * 0.4):
        await _deadlines(writer, ticket, now)
        return
    await writer.step(
        ticket,
        h,
        at,
        lambda: ticket.report_back(result="已处理完毕，现场已恢复", evidence_upload_ids=[photos[2]], now=at),
    )
    if hold == "reported_back" or not await later(rng.uniform(2, 30)):
        return
    passed = rng.random() > 0.05
    await writer.step(
        ticket,
        DISPATCH_META,
        at,
        lambda: ticket.verify(
            passed=passed,
            comment="" if passed else "现场仍有遗留问题",
            verified_by=DISPATCHER[0],
            close=rng.random() > 0.1,
            now=at,
        ),
    )
    if ticket.state != "closed" or not await later(rng.uniform(4, 48)):
        return
    satisfaction = rng.choices(["satisfied", "partly", "unsatisfied"], weights=[88, 8, 4])[0]
    await writer.step(
        ticket,
        DISPATCH_META,
        at,
        lambda: ticket.record_satisfaction(
            satisfaction=satisfaction,
            comment={"satisfied": "处理及时，很满意", "partly": "解决了一部分", "unsatisfied": "问题反复出现"}[
                satisfaction
            ],
            note={"satisfied": "", "partly": "居民反映还有遗留问题，请再到现场查看", "unsatisfied": ""}[satisfaction],
            recorded_by=DISPATCHER[0],
            calendar=calendar,
            now=at,
        ),
    )
    await _deadlines(writer, ticket, now)


async def _deadlines(writer: Writer, ticket: Ticket, now: dt.datetime) -> None:
    """What the scheduler would have raised by now: overdue marks and escalations."""
    await writer.step(ticket, SYSTEM, now, lambda: ticket.check_deadlines(now=now))


async def _wish_story(writer: Writer, n: int, now: dt.datetime, photos: list[str]) -> None:
    rng = random.Random(1000 + n)
    title, category = WISHES[n % len(WISHES)]
    grid = grid_ids()[n % GRIDS]
    collector = next(p for p in ROSTER if p.grid_id == grid and p.role == "grid_worker")
    fake = Faker("zh_CN")
    fake.seed_instance(5000 + n)
    wish = Wish(new_id("wsh"))
    at = _working_time(now - dt.timedelta(days=rng.randint(5, 110)), rng)
    meta = _meta(collector.person_id, collector.name, collector.role)
    await writer.step(
        wish,
        meta,
        at,
        lambda: wish.collect(
            community_id=COMMUNITY,
            grid_id=grid,
            resident_name=fake.name(),
            title=title,
            description=f"{title}，家庭困难，希望得到帮助",
            category=category,
            collected_by=collector.person_id,
            now=at,
        ),
    )
    # Target states, over 40 wishes: 4 collected, 3 rejected, 6 open, 1 released and open again,
    # 6 claimed, 8 fulfilled and 12 revisited (20 fulfilled in all).
    target = n % 40
    if target < 4:
        return
    at += dt.timedelta(days=1)
    if target < 7:
        await writer.step(
            wish,
            DISPATCH_META,
            at,
            lambda: wish.screen(approve=False, reason="不属于微心愿范围，已转民政部门", by=DISPATCHER[0], now=at),
        )
        return
    await writer.step(wish, DISPATCH_META, at, lambda: wish.screen(approve=True, reason="", by=DISPATCHER[0], now=at))
    if target < 13:
        return
    volunteer = VOLUNTEERS[n % len(VOLUNTEERS)] if n % 5 else UNIT
    kind = "unit" if volunteer is UNIT else "party_member"
    vmeta = _meta(*volunteer)
    at += dt.timedelta(days=rng.uniform(0.5, 5))
    await writer.step(
        wish,
        vmeta,
        at,
        lambda: wish.claim(
            claimant_id=volunteer[0], claimant_name=volunteer[1], claimant_kind=kind, resource_id=None, now=at
        ),
    )
    if target == 13:
        at += dt.timedelta(days=1)
        await writer.step(
            wish, vmeta, at, lambda: wish.release(by=volunteer[0], by_admin=False, reason="临时出差", now=at)
        )
        return
    if target < 20:
        return
    at += dt.timedelta(days=rng.uniform(1, 10))
    await writer.step(
        wish,
        vmeta,
        at,
        lambda: wish.fulfil(by=volunteer[0], note="已送到居民家中", evidence_upload_ids=[photos[n % 3]], now=at),
    )
    if target < 28:
        return
    at += dt.timedelta(days=rng.uniform(1, 5))
    await writer.step(
        wish,
        meta,
        at,
        lambda: wish.revisit(
            satisfaction=rng.choice(["satisfied", "satisfied", "basically"]),
            comment="居民很感谢",
            by=collector.person_id,
            now=at,
        ),
    )


async def _resources(writer: Writer, now: dt.datetime) -> None:
    for i, (title, description) in enumerate(OFFERS):
        offerer = UNIT if i % 3 == 0 else VOLUNTEERS[i % len(VOLUNTEERS)]
        kind = "unit" if offerer is UNIT else "party_member"
        resource = Resource(new_id("res"))
        at = now - dt.timedelta(days=100 - i * 9)
        await writer.step(
            resource,
            _meta(*offerer),
            at,
            lambda resource=resource, offerer=offerer, kind=kind, title=title, description=description, at=at: (
                resource.offer(
                    community_id=COMMUNITY,
                    offerer_id=offerer[0],
                    offerer_name=offerer[1],
                    offerer_kind=kind,
                    title=title,
                    description=description,
                    capacity=10,
                    now=at,
                )
            ),
        )
