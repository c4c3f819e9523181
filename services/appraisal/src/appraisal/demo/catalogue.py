"""The fixed content the steps draw from: the indicator scheme (德能勤绩廉, four kinds) and the work
items of the weekly logs.
"""

from __future__ import annotations

from grassroots_common.contracts.appraisal import (
    Indicator,
)

INDICATORS = [
    Indicator(code="de-1", name="政治理论学习", kind="common", dimension="德", max_points=6),
    Indicator(code="de-2", name="职业道德与作风", kind="common", dimension="德", max_points=6),
    Indicator(code="neng-1", name="业务能力", kind="common", dimension="能", max_points=6),
    Indicator(code="neng-2", name="创新与解决问题", kind="common", dimension="能", max_points=6),
    Indicator(code="qin-1", name="出勤与工作纪律", kind="common", dimension="勤", max_points=6),
    Indicator(code="qin-2", name="周纪实月小结按时填报", kind="common", dimension="勤", max_points=6),
    Indicator(code="ji-1", name="重点任务完成", kind="common", dimension="绩", max_points=6),
    Indicator(code="ji-2", name="服务群众满意度", kind="common", dimension="绩", max_points=6),
    Indicator(code="lian-1", name="廉洁自律", kind="common", dimension="廉", max_points=6),
    Indicator(code="lian-2", name="遵守中央八项规定", kind="common", dimension="廉", max_points=6),
    Indicator(code="gx-1", name="岗位职责目标", kind="individual", dimension="绩", max_points=15),
    Indicator(code="gx-2", name="领导交办事项", kind="individual", dimension="绩", max_points=10),
    Indicator(code="gx-3", name="专项工作", kind="individual", dimension="能", max_points=10),
    Indicator(code="gx-4", name="协作配合", kind="individual", dimension="勤", max_points=5),
    Indicator(code="ts-1", name="特色亮点工作", kind="highlight", dimension="绩", max_points=5),
    Indicator(code="ts-2", name="获上级表彰或经验推广", kind="highlight", dimension="绩", max_points=5),
    Indicator(code="fm-1", name="被通报批评或问责", kind="negative", dimension="廉", max_points=10),
    Indicator(code="fm-2", name="工作失误造成不良影响", kind="negative", dimension="勤", max_points=10),
]
SCORED = [i for i in INDICATORS if i.kind in ("common", "individual")]

WORK = [
    ("整理{s}党建工作台账，补齐会议记录", "qin-1"),
    ("参加区委理论学习中心组专题学习", "de-1"),
    ("起草{s}季度工作总结和下季度计划", "ji-1"),
    ("走访服务对象，收集意见建议{n}条", "ji-2"),
    ("完成领导交办的{s}专项材料报送", "gx-2"),
    ("组织开展主题党日活动", "de-2"),
    ("办理群众来电来访{n}件，均按时回复", "ji-2"),
    ("参加廉政警示教育大会并撰写心得", "lian-1"),
    ("配合完成年度目标责任考核迎检准备", "gx-1"),
    ("更新{s}信息系统数据{n}条", "neng-1"),
    ("下乡开展政策宣讲{n}场", "gx-3"),
    ("协助兄弟股室完成统计报表汇总", "gx-4"),
    ("参加业务培训并完成结业测试", "neng-2"),
    ("核对整改问题清单，完成销号{n}项", "ji-1"),
]
