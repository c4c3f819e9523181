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
