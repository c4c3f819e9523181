"""Who and where: Fengxiang district's 12 towns and 160 villages (names fixed by a seeded generator),
their ranks (provincial, district, town benchmark, weak), the 40 pairing units, the cadre
positions of a village and generated names.
"""

from __future__ import annotations

import random

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
PLACE_PARTS = ["家庄", "家堡", "家沟", "家塬", "家坡", "家湾", "家河", "家寨", "家营", "家台", "家咀", "家岭"]
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


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


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
