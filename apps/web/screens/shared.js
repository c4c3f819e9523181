// Data several screens share: the unit's indicator scheme that log items and scores refer to.

import { get } from "../lib/api.js";
import { supports } from "../lib/capabilities.js";
import { thisMonth } from "../lib/weeks.js";
import { BASE } from "../lib/services.js";

/** The five dimensions (德能勤绩廉), used as tags when the unit has no scheme for the year. */
export const DIMENSIONS = [
  { code: "de", name: "德", kind: "common", max_points: 0 },
  { code: "neng", name: "能", kind: "common", max_points: 0 },
  { code: "qin", name: "勤", kind: "common", max_points: 0 },
  { code: "ji", name: "绩", kind: "common", max_points: 0 },
  { code: "lian", name: "廉", kind: "common", max_points: 0 },
];

const cache = new Map();

export function schemeFor(caps, unit, year = Number(thisMonth().slice(0, 4))) {
  const key = `${unit}/${year}`;
  if (!cache.has(key)) {
    const load =
      unit && supports(caps, "appraisal GET /api/v1/units/{unit_id}/schemes/{year}")
        ? get(`${BASE.appraisal}/units/${encodeURIComponent(unit)}/schemes/${year}`).then((s) => s.indicators || [])
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

// --- scoring forms (self-assessment and reviews) ----------------------------------------------

/** How a composite is made: the negative list (负面清单) deducts, it is never points to earn. */
export const SCORE_RULE = "综合得分 = 共性指标得分 + 个性指标得分 + 特色亮点加分 − 负面清单减分。负面清单是减分项：没有被减分就不填（按 0 分计）。";

const SCORE_KINDS = [
  ["common", (i) => `${i.name}（共性指标，0–${i.max_points} 分）`],
  ["individual", (i) => `${i.name}（个性指标，0–${i.max_points} 分）`],
  ["highlight", (i) => `${i.name}（特色亮点加分，0–${i.max_points} 分，没有可不填）`],
  ["negative", (i) => `${i.name}（负面清单减分，最多减 ${i.max_points} 分，没有可不填）`],
];

/** The score fields of an actionForm, scored indicators first, the negative list last. */
export function scoreFields(indicators, { scoredRequired }) {
  return SCORE_KINDS.flatMap(([kind, label]) =>
    indicators
      .filter((i) => i.kind === kind && i.max_points > 0)
      .map((i) => ({ name: `scores.${i.code}`, label: label(i), type: "number", step: "0.5", required: scoredRequired && (kind === "common" || kind === "individual") })),
  );
}

/** The scores the form's values hold (blank ones left out). */
export function scoresOf(indicators, values) {
  const scores = {};
  for (const i of indicators) {
    const v = values[`scores.${i.code}`];
    if (v !== null && v !== undefined) scores[i.code] = v;
  }
  return scores;
}

/** "综合 92 分（共性 55 + 个性 36 + 加分 3 − 减分 2）" from a score card, or null without one. */
export function compositeText(card) {
  if (!card || card.composite_score === null || card.composite_score === undefined) return null;
  const parts = card.common === undefined ? "" : `（共性 ${card.common} + 个性 ${card.individual} + 加分 ${card.bonus} − 减分 ${card.deductions}）`;
  return `综合 ${card.composite_score} 分${parts}`;
}
