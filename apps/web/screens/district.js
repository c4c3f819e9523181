// District (区委组织部) and unit administrators: weekly-log submission progress by unit.

import { get } from "../lib/api.js";
import { fmtNumber, h, replace } from "../lib/dom.js";
import { empty, field, into, section, stat, table } from "../lib/ui.js";
import { shiftWeek, thisWeek, weekLabel } from "../lib/weeks.js";

const SUBMISSIONS = "/api/reporting/api/v1/submissions";

async function renderSubmissions(body, { query, user }) {
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
              { label: "单位", cell: (r) => r.unit_id },
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
    h("p", { class: "muted" }, user.roles.includes("district_admin") ? "全区各单位" : `本单位：${user.scopes?.unit || "—"}`),
    h("div", { class: "row" }, field({ label: "周次", name: "week", control: picker }), h("button", { type: "button", class: "btn", onclick: show }, "刷新")),
    section("周纪实提交情况", slot),
  );
  show();
}

export const screens = [
  {
    path: "/district/submissions",
    title: "纪实提交进度",
    desc: "各单位周纪实提交与迟交",
    roles: ["district_admin", "unit_admin", "operator"],
    requires: ["reporting GET /api/v1/submissions"],
    render: renderSubmissions,
  },
];
