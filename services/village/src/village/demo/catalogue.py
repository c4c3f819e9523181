"""The fixed content the steps draw from: the kinds of secretary projects and their models."""

from __future__ import annotations

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
