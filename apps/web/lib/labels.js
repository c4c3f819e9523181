// Every key a service answers with, as its user reads it: one place for the app's Chinese labels.
// `labelOf` never shows a key: an unknown one reads as the fallback.

export function labelOf(labels, key, fallback = "—") {
  if (key === null || key === undefined || key === "") return fallback;
  const entry = labels[key];
  if (entry === undefined) return fallback;
  return Array.isArray(entry) ? entry[0] : entry;
}

export function toneOf(labels, key) {
  const entry = labels[key];
  return Array.isArray(entry) ? entry[1] || "" : "";
}

/** Tickets (吹哨派单), as the grid service names them (`domain/ticket.py` STATE_NAMES). */
export const TICKET_STATES = {
  dispatched: ["待签收", "warn"],
  accepted: ["办理中", ""],
  handled: ["已处置待反馈", ""],
  reported_back: ["已反馈待核实", ""],
  verified: ["已核实待办结", "ok"],
  closed: ["已办结", "ok"],
  returned: ["已退单待重派", "bad"],
};

/** States in which the department is still working against the deadline (a countdown shows). */
export const TICKET_RUNNING = ["dispatched", "accepted", "handled"];

/** A ticket's revisit answer (回访, `SatisfactionRecorded`): partly and not solved reopen the ticket. */
export const REVISIT_ANSWERS = { satisfied: ["满意（已解决）", "ok"], partly: ["部分解决", "warn"], unsatisfied: ["未解决", "bad"] };

/** Which deadline a ticket missed (`OverdueStage`, grid `history.py` OVERDUE). */
export const OVERDUE_STAGES = { acceptance: "签收超时", resolution: "办理超时" };

/** A micro-wish (微心愿) as its community and volunteers read it (grid `domain/wish.py` WISH_STATES). */
export const WISH_STATES = {
  collected: ["待审核", "warn"],
  open: ["待认领", ""],
  claimed: ["已认领", "warn"],
  fulfilled: ["已实现", "ok"],
  revisited: ["已回访", "ok"],
  rejected: ["未通过", "bad"],
};

/** A micro-wish's revisit (`Satisfaction`, contracts/grid.py): not a ticket's (REVISIT_ANSWERS). */
export const WISH_SATISFACTION = { satisfied: "满意", basically: "基本满意", unsatisfied: "不满意" };

/** How urgent a patrol report is (`Urgency`, contracts/grid.py). */
// The same code reads the same word wherever it stands: an "emergency" report and an "emergency" ticket are 紧急.
export const URGENCIES = { normal: "一般", urgent: "较急", emergency: "紧急" };

/** A ticket's kind, which decides its time limit (`TicketKind`, grid `domain/deadlines.py` KIND_NAMES). */
export const TICKET_KINDS = { emergency: "紧急", consultation: "咨询", help_request: "求助", complaint: "投诉" };

/** Read models (projections) by service, as an operator reads them. */
export const PROJECTION_NAMES = {
  growth: "成长档案",
  logs: "工作纪实",
  quarters: "季度考核",
  roster: "人员名册",
  grid_hierarchy: "网格组织架构",
  grid_reports: "网格上报",
  grid_tickets: "派单工单",
  grid_wishes: "微心愿",
  appraisal: "考核汇总",
  archives: "档案",
  submissions: "纪实提交情况",
  tickets: "工单汇总",
  villages: "村庄档案",
  village_inspections: "督查巡查",
  village_pairings: "结对帮扶",
  village_pilots: "试点示范",
  village_projects: "书记项目",
  village_rectifications: "整改",
  platform_calendar: "工作日历",
  platform_erasures: "个人信息删除记录",
};

export const PROJECTION_STATES = {
  running: ["运行中", "ok"],
  live: ["实时", "ok"],
  caught_up: ["已追平", "ok"],
  rebuilding: ["重建中", "warn"],
  catching_up: ["追赶中", "warn"],
  stopped: ["已停止", "bad"],
  failed: ["失败", "bad"],
  error: ["出错", "bad"],
  "not running here": ["由其他副本运行", ""],
  standby: ["待命", ""],
};

/** Where a secretary project's money comes from (`FundingSource`, contracts/village.py FUNDING_SOURCE_NAMES). */
export const FUNDING_SOURCES = { fiscal: "财政资金", pairing_unit: "包联单位", enterprise: "企业投入", village_collective: "村集体自筹", other: "其他" };

/** The five development models of secretary projects (`DevelopmentModel`, contracts/village.py DEVELOPMENT_MODEL_NAMES). */
export const DEVELOPMENT_MODELS = { branch_led: "支部引领型", village_enterprise: "村企联姻型", diversified: "多种经营型", capable_person: "能人带动型", culture_tourism: "文旅驱动型" };

/** The uses of appraisal results, 五挂钩 (`ResultUseKind`, contracts/appraisal.py RESULT_USE_NAMES). */
export const RESULT_USE_KINDS = {
  excellence: "评优",
  appointment: "选拔任用",
  promotion: "职级晋升",
  party_recommendation: "推优入党",
  commendation: "评先树模",
  training: "教育培训",
  discipline: "惩戒",
  reminder_talk: "提醒约谈",
};

/** A quarter's appraisal (`unit_quarter` status), as appraisal's workbook names it (`workbook.py` STATUSES). */
export const QUARTER_STATES = { open: ["考核中", "warn"], published: ["公示中", ""], finalized: ["已完成", "ok"] };

/** The four kinds of indicators (`IndicatorKind`, contracts/appraisal.py): 共性、个性、特色亮点、负面清单. */
export const INDICATOR_KINDS = { common: "共性指标", individual: "个性指标", highlight: "特色亮点（加分）", negative: "负面清单（减分）" };

/** A shortcoming reminder (不足提醒): issued → acknowledged → rectified. */
export const REMINDER_STATES = { issued: ["待确认", "warn"], acknowledged: ["待报整改", "warn"], rectified: ["已整改", "ok"] };

/** Why a person left the roster (`PersonLeft.reason`, contracts/appraisal.py). */
export const LEAVE_REASONS = { transfer: "调离", retirement: "退休", resignation: "辞职", other: "其他" };

/** Weekly, monthly and quarterly notices (通报), as reporting titles them (`notices.py` NOTICE_KINDS). */
export const NOTICE_KINDS = { weekly: "周通报", monthly: "月通报", quarterly: "季度通报" };

/** A village's demonstration status (`DemonstrationLevel`, contracts/village.py): the seed's 省级示范村、区级示范村、镇级标杆村. */
export const DEMONSTRATION_LEVELS = { none: ["一般村", ""], town_benchmark: ["镇级标杆村", ""], district: ["区级示范村", "ok"], provincial: ["省级示范村", "ok"] };

/** A village cadre's post (`CadrePosition`, contracts/village.py). */
export const CADRE_POSITIONS = { secretary: "党组织书记", director: "村委会主任", deputy_secretary: "副书记", committee_member: "两委委员", reserve: "后备干部" };

/** The four criteria of weak and lax organizations (软弱涣散, `WeaknessCriterion`, contracts/village.py). */
export const WEAKNESS_CRITERIA = {
  weak_team: "班子软弱、战斗力不强",
  slow_revitalization: "乡村振兴推进缓慢",
  acute_conflicts: "矛盾纠纷突出",
  poor_appearance: "村容村貌较差",
};

/** A 软弱涣散 case (village `projections/rectifications.py` stage): the seed's 整顿对象, accepted is 验收销号. */
export const WEAKNESS_STAGES = { screened: ["已排查", ""], designated: ["已确定为整顿对象", "bad"], rectifying: ["整顿中", "warn"], accepted: ["已验收销号", "ok"] };
