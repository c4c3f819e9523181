// Which operation manual (docs/manuals/<manual>.md) each role reads, and where a screen's section is.

import { ROLE_ORDER } from "./roles.js";

export const MANUALS = {
  staff: { title: "公务员操作手册", roles: ["staff"] },
  leaders: { title: "审核领导操作手册（股组长、分管领导、主要领导）", roles: ["section_chief", "deputy_leader", "principal_leader"] },
  unit_admin: { title: "单位管理员操作手册", roles: ["unit_admin"] },
  district: { title: "区委组织部操作手册", roles: ["district_admin"] },
  grid: {
    title: "网格员、调度员、职能部门操作手册",
    roles: ["grid_guide", "grid_chief", "grid_head", "grid_worker", "grid_member", "community_admin", "department"],
  },
  volunteer: { title: "党员志愿者操作手册", roles: ["volunteer"] },
  village: { title: "村党组织书记、镇党委书记操作手册", roles: ["village_secretary", "town_admin"] },
  operator: { title: "运维人员操作手册", roles: ["operator"] },
};

export function manualOf(role) {
  return Object.keys(MANUALS).find((m) => MANUALS[m].roles.includes(role)) || null;
}

/** A screen's section: its route without the parameters, "/leader/review/:unit/…" → "leader-review". */
export function anchorOf(path) {
  return path
    .split("/")
    .filter((part) => part && !part.startsWith(":"))
    .join("-");
}

/** The manuals a user reads, in the order of their roles. */
export function manualsOf(user) {
  const out = [];
  for (const role of ROLE_ORDER) {
    const m = manualOf(role);
    if (user?.roles.includes(role) && m && !out.includes(m)) out.push(m);
  }
  return out;
}

/** Where the "帮助" link of a screen points for this user: their role's manual, the screen's section. */
export function helpHref(screen, user) {
  const role = ROLE_ORDER.find((r) => user?.roles.includes(r) && (!screen || screen.roles.includes(r)));
  const manual = role && manualOf(role);
  if (!manual) return "/help";
  return screen ? `/help/${manual}#${anchorOf(screen.path)}` : `/help/${manual}`;
}
