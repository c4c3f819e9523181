"""The fixed content the steps draw from: routing rules, the problems patrol reports describe, streets,
ticket kinds, micro-wishes and offered resources.
"""

from __future__ import annotations

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
# category -> the department a returned ticket goes to next (it also handles such matters).
REDISPATCH_TO = {
    "sanitation": "dep_housing",
    "municipal": "dep_urban",
    "water_supply": "dep_housing",
    "food_safety": "dep_urban",
    "elderly_care": "dep_hr",
    "public_security": "dep_urban",
    "pollution": "dep_urban",
    "wage_arrears": "dep_housing",
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
