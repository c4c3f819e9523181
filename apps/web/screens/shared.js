// Data several screens share: the unit's indicator scheme that log items and scores refer to.

import { get } from "../lib/api.js";
import { supports } from "../lib/capabilities.js";

/** The five dimensions (德能勤绩廉), used as tags when the unit has no scheme for the year. */
export const DIMENSIONS = [
  { code: "de", name: "德", kind: "common", max_points: 0 },
  { code: "neng", name: "能", kind: "common", max_points: 0 },
  { code: "qin", name: "勤", kind: "common", max_points: 0 },
  { code: "ji", name: "绩", kind: "common", max_points: 0 },
  { code: "lian", name: "廉", kind: "common", max_points: 0 },
];

const cache = new Map();

export function schemeFor(caps, unit, year = new Date().getFullYear()) {
  const key = `${unit}/${year}`;
  if (!cache.has(key)) {
    const load =
      unit && supports(caps, "appraisal GET /api/v1/units/{unit_id}/schemes/{year}")
        ? get(`/api/appraisal/api/v1/units/${encodeURIComponent(unit)}/schemes/${year}`).then((s) => s.indicators || [])
        : Promise.resolve([]);
    cache.set(key, load.catch(() => []));
  }
  return cache.get(key);
}

/** After the scheme changes: the next reader loads it again. */
export function forgetScheme(unit, year) {
  cache.delete(`${unit}/${year}`);
}

export async function indicatorsFor(caps, user) {
  const indicators = await schemeFor(caps, user.scopes?.unit);
  return indicators.length ? indicators : DIMENSIONS;
}
