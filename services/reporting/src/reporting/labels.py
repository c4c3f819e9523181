"""Chinese labels of the codes the other services publish."""

RESULT_USES = {
    "excellence": "评优",
    "appointment": "选拔任用",
    "promotion": "职级晋升",
    "party_recommendation": "推优入党",
    "commendation": "评先树模",
    "training": "教育培训",
    "discipline": "惩戒",
    "reminder_talk": "提醒约谈",
}
LEVELS = {"section_chief": "股组长", "deputy_leader": "分管领导", "principal_leader": "主要领导"}
SATISFACTION = {"satisfied": "满意（已解决）", "partly": "部分解决", "unsatisfied": "未解决"}
"""A ticket's revisit answer (``SatisfactionRecorded``, schema 2)."""
FUNDING_SOURCES = {
    "fiscal": "财政资金",
    "pairing_unit": "包联单位",
    "enterprise": "企业投入",
    "village_collective": "村集体自筹",
    "other": "其他",
}
DEV_MODELS = {
    "branch_led": "支部引领型",
    "village_enterprise": "村企联建型",
    "diversified": "多元发展型",
    "capable_person": "能人带动型",
    "culture_tourism": "文旅融合型",
}
NOTICE_KINDS = {"weekly": "周通报", "monthly": "月通报", "quarterly": "季度通报"}
DEMO_LEVELS = {"provincial": "省级示范村", "district": "区级示范村", "town_benchmark": "镇级标杆村", "none": "非示范村"}
CADRE_POSITIONS = {
    "secretary": "党组织书记",
    "director": "村委会主任",
    "deputy_secretary": "副书记",
    "committee_member": "村“两委”委员",
    "reserve": "后备干部",
}
