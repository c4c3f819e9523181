// District (区委组织部) and unit administrators: weekly-log submission progress by unit, and the
// quarter's review progress (who has reviewed, the 好 used and left) from the reporting service.

import { get } from "../lib/api.js";
import { supports } from "../lib/capabilities.js";
import { fmtNumber, h, replace } from "../lib/dom.js";
import { empty, field, figureView, into, loading, section, stat, table } from "../lib/ui.js";
import { shiftWeek, thisQuarter, thisWeek, weekLabel } from "../lib/weeks.js";
import { placeLine, scopeName } from "../lib/names.js";
import { BASE } from "../lib/services.js";

const SUBMISSIONS = `${BASE.reporting}/submissions`;
const STATISTICS = `${BASE.reporting}/statistics`;

function recentQuarters(n) {
  const out = [thisQuarter()];
  while (out.length < n) {
    const last = out[out.length - 1];
    const [y, q] = [Number(last.slice(0, 4)), Number(last.slice(6))];
    out.push(q === 1 ? `${y - 1}-Q4` : `${y}-Q${q - 1}`);
  }
  return out;
}

/** The quarter's review progress by unit: the statistics' review_progress figure. */
function reviewProgress(query) {
  const quarters = recentQuarters(4);
  const chosen = query.get("quarter") || quarters[0];
  if (!quarters.includes(chosen)) quarters.push(chosen);
  const picker = h("select", { name: "quarter" }, quarters.map((q) => h("option", { value: q, selected: q === chosen }, `${q.slice(0, 4)} 年第 ${q.slice(6)} 季度`)));
  const slot = h("div");
  function show() {
    into(
      slot,
      () => get(STATISTICS, { period: picker.value }),
      (stats) => {
        const figure = stats.figures.find((f) => f.key === "review_progress");
        if ((!figure || !figure.rows.length) && !query.get("quarter") && picker.value === quarters[0]) {
          // Early in a quarter nobody has opened it yet: show the last one instead.
          picker.value = quarters[1];
          queueMicrotask(show);
          return loading();
        }
        if (!figure || !figure.rows.length) return empty("该季度还没有单位开启考核", "单位开启季度考核后，这里显示各级评鉴进度与“好”等次使用情况。");
        return figureView(figure, { heading: false });
      },
    );
  }
  picker.addEventListener("change", show);
  show();
  return section("季度考评进度", field({ label: "季度", name: "quarter", control: picker }), slot);
}

async function unitNames() {
  try {
    const page = await get(`${BASE.appraisal}/units`, { limit: 200 });
    return Object.fromEntries(page.items.map((u) => [u.unit_id, u.unit_name]));
  } catch {
    return {};
  }
}

async function renderSubmissions(body, { query, user, caps }) {
  const names = await unitNames();
  const current = thisWeek();
  const options = Array.from({ length: 8 }, (_, i) => shiftWeek(current, -i));
  const chosen = query.get("week") || shiftWeek(current, -1);
  if (!options.includes(chosen)) options.push(chosen);
  const picker = h(
    "select",
    { name: "week" },
    options.map((w) => h("option", { value: w, selected: w === chosen }, weekLabel(w))),
  );
  const slot = h("div");
  function show() {
    history.replaceState(null, "", `?week=${picker.value}`);
    into(
      slot,
      () => get(SUBMISSIONS, { week: picker.value }),
      (answer) => {
        if (!answer.units.length) return empty("该周还没有单位提交周纪实", "提交后这里按单位显示提交数与迟交数。");
        const totals = answer.units.reduce(
          (acc, u) => ({ submitted: acc.submitted + u.submitted, late: acc.late + u.late, revised: acc.revised + u.revised }),
          { submitted: 0, late: 0, revised: 0 },
        );
        const rows = [...answer.units].sort((a, b) => b.submitted - a.submitted || a.unit_id.localeCompare(b.unit_id));
        return [
          h(
            "div",
            { class: "stats" },
            stat("已提交", fmtNumber(totals.submitted)),
            stat("迟交", fmtNumber(totals.late), totals.late ? "bad" : ""),
            stat("修改重交", fmtNumber(totals.revised)),
          ),
          table(
            [
              { label: "单位", name: true, cell: (r) => h("span", { dataset: { unit: r.unit_id } }, names[r.unit_id] || "—") },
              { label: "已提交", num: true, cell: (r) => fmtNumber(r.submitted) },
              { label: "迟交", num: true, cell: (r) => fmtNumber(r.late) },
              { label: "迟交率", num: true, cell: (r) => (r.submitted ? `${fmtNumber((100 * r.late) / r.submitted, 1)}%` : "—") },
              { label: "修改重交", num: true, cell: (r) => fmtNumber(r.revised) },
            ],
            rows,
            `${weekLabel(answer.week)}各单位周纪实提交情况`,
          ),
        ];
      },
    );
  }
  picker.addEventListener("change", show);
  replace(
    body,
    user.roles.includes("district_admin") ? h("p", { class: "muted" }, "全区各单位") : placeLine("本单位", scopeName(user, "unit")),
    h("div", { class: "row" }, field({ label: "周次", name: "week", control: picker }), h("button", { type: "button", class: "btn", onclick: show }, "刷新")),
    section("周纪实提交情况", slot),
    user.roles.some((r) => ["district_admin", "unit_admin"].includes(r)) && supports(caps, "reporting GET /api/v1/statistics") ? reviewProgress(query) : null,
  );
  show();
}

export const screens = [
  {
    path: "/district/submissions",
    title: "纪实提交进度",
    desc: "各单位周纪实提交与迟交、季度考评进度",
    roles: ["district_admin", "unit_admin", "operator"],
    requires: ["reporting GET /api/v1/submissions"],
    render: renderSubmissions,
  },
];
