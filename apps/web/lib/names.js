// Names where the services answer with ids: a unit, community, grid, town or department as its people call it.
// Each list is read once per page load from the read model that holds it; an id whose name is
// unknown reads as a plain word ("本单位"), never as the id.

import { get } from "./api.js";
import { h } from "./dom.js";
import { BASE } from "./services.js";

const lists = new Map();
function once(key, load) {
  if (!lists.has(key)) lists.set(key, load().catch(() => ({})));
  return lists.get(key);
}

const byId = (items, id, name) => Object.fromEntries((items || []).map((x) => [x[id], x[name]]));

export const unitNames = () => once("units", async () => byId((await get(`${BASE.appraisal}/units`, { limit: 200 })).items, "unit_id", "unit_name"));
export const communityNames = () => once("communities", async () => byId((await get(`${BASE.grid}/communities`, { limit: 200 })).items, "community_id", "name"));
export const gridNames = (community) =>
  once(`grids:${community}`, async () => {
    const answer = await get(`${BASE.grid}/communities/${encodeURIComponent(community)}/grids`, { limit: 200 });
    return byId(Array.isArray(answer) ? answer : answer.items, "grid_id", "name");
  });
export const departmentNames = () => once("departments", async () => byId(await get(`${BASE.grid}/departments`), "department_id", "name"));
export const townNames = () => once("towns", async () => byId((await get(`${BASE.village}/towns`, { limit: 200 })).items, "town_id", "name"));

const FALLBACK = { unit: "本单位", community: "本社区", grid: "本网格", town: "本镇", department: "职能部门" };

/** The name of a unit, community, grid (of `community`), town or department; a plain word when unknown. */
export async function nameOf(kind, id, { community } = {}) {
  if (!id) return "—";
  const load = {
    unit: unitNames,
    community: communityNames,
    grid: () => (community ? gridNames(community) : Promise.resolve({})),
    town: townNames,
    department: departmentNames,
  }[kind];
  const names = load ? await load() : {};
  return names[id] || FALLBACK[kind] || "—";
}

/** The name of the signed-in user's unit, community, grid or town (`kind` as in the token's scopes). */
export function scopeName(user, kind) {
  return nameOf(kind, user.scopes?.[kind], { community: user.scopes?.community });
}

/** A muted line "label：name" that fills in its name when it is known. */
export function placeLine(label, name) {
  const line = h("p", { class: "muted" }, `${label}：…`);
  Promise.resolve(name).then((text) => {
    line.textContent = `${label}：${text}`;
  });
  return line;
}
