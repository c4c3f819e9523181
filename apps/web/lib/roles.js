// Roles as people know them, and the order the sign-in page lists them in.

export const ROLE_LABELS = {
  staff: "公务员",
  section_chief: "股组长",
  deputy_leader: "分管领导",
  principal_leader: "主要领导",
  unit_admin: "单位管理员",
  district_admin: "区委组织部",
  grid_guide: "网格指导员",
  grid_chief: "总网格长",
  grid_head: "网格长",
  grid_worker: "专职网格员",
  grid_member: "网格员",
  community_admin: "社区调度员",
  department: "职能部门",
  volunteer: "党员志愿者",
  village_secretary: "村党组织书记",
  town_admin: "镇党委书记",
  operator: "运维人员",
};

export const ROLE_ORDER = Object.keys(ROLE_LABELS);

/** One line on what each role does, for the sign-in page. */
export const ROLE_DUTIES = {
  staff: "每周写周纪实、每月写小结，季度自评并为同事互评，查看结果、申请复核。",
  section_chief: "批阅本股室人员的周纪实（可退回修改），季度考核第一级审核。",
  deputy_leader: "复审分管股室人员，“好”等次名额内调整或调换等次并写明理由。",
  principal_leader: "终审本单位人员，答复公示期内的申诉，确定年度考核等次。",
  unit_admin: "维护花名册和指标体系，开启、公示、确认季度考核，登记结果运用。",
  district_admin: "查看全区各单位的考核进度、统计和通报。",
  grid_guide: "指导网格工作，查看网格事项办理情况。",
  grid_chief: "统筹全镇网格，调度和督办吹哨事项。",
  grid_head: "管理本网格，分派和跟进网格事项。",
  grid_worker: "走访发现问题，吹哨上报并跟进办理。",
  grid_member: "协助网格员收集和上报问题。",
  community_admin: "受理社区吹哨事项，派单给职能部门。",
  department: "接单办理吹哨事项，反馈办理结果。",
  volunteer: "认领微心愿，参与志愿服务。",
  village_secretary: "填报书记项目进度，推进村级整顿事项。",
  town_admin: "审核本镇各村的项目和整顿进展。",
  operator: "查看各服务的运行状态和投影进度。",
};

export const GRID_ROLES = ["grid_guide", "grid_chief", "grid_head", "grid_worker", "grid_member"];
export const LEADER_ROLES = ["section_chief", "deputy_leader", "principal_leader"];

export const SCOPE_LABELS = {
  unit: "单位",
  section: "股室",
  grid: "网格",
  community: "社区",
  department: "部门",
  town: "镇",
  village: "村",
};

export function roleLabel(role) {
  return ROLE_LABELS[role] || role;
}

export function primaryRole(user) {
  return ROLE_ORDER.find((r) => user.roles.includes(r)) || user.roles[0];
}
