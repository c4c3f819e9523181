// Internal peer review (内部互评): colleagues of my open quarter, each reviewed once with a grade
// and a short comment, before the leaders' review begins.

import { command, get } from "../lib/api.js";
import { fmtDateTime, h, replace } from "../lib/dom.js";
import { LEADER_ROLES } from "../lib/roles.js";
import { actionForm, badge, disclosure, pagedList, section, toast } from "../lib/ui.js";
import { BASE } from "../lib/services.js";

const API = BASE.appraisal;
const GRADES = ["好", "较好", "一般", "较差"];
const STATES = {
  open: ["待我互评", "warn"],
  reviewed: ["已互评", "ok"],
  waiting_self_assessment: ["尚未自评", ""],
  closed: ["已进入领导审核", ""],
};

function colleague(c, reload) {
  const [label, tone] = STATES[c.state] || ["—", ""];
  const base = `${API}/units/${encodeURIComponent(c.unit_id)}/quarters/${encodeURIComponent(c.quarter)}`;
  return h(
    "li",
    { class: "peer", dataset: { person: c.person_id, state: c.state } },
    h("div", { class: "spread" }, h("span", { class: "title" }, c.person_name), badge(label, tone)),
    h("p", { class: "muted small" }, [c.quarter, c.section_name].filter(Boolean).join(" · ")),
    c.state === "reviewed" ? h("p", { class: "small" }, `我的互评：${c.my_grade}${c.my_comment ? `，${c.my_comment}` : ""}（${fmtDateTime(c.reviewed_at)}）`) : null,
    c.state === "waiting_self_assessment" ? h("p", { class: "muted small" }, "此人完成自评后才能互评。") : null,
    c.state === "open"
      ? disclosure(
          `互评 ${c.person_name}`,
          actionForm({
            label: `互评 ${c.person_name}`,
            fields: [
              { name: "grade", label: "等次", type: "select", required: true, options: [["", "请选择"], ...GRADES.map((g) => [g, g])] },
              { name: "comment", label: "评价（可选）", type: "textarea", max: 500, hint: "工作表现、协作配合等，实事求是。" },
            ],
            submitLabel: "提交互评",
            send: (v) => command(`${base}/peer-reviews`, { person_id: c.person_id, grade: v.grade, comment: v.comment }),
            done: (res) => {
              toast(`已互评 ${c.person_name}`);
              reload(res.position);
            },
          }),
        )
      : null,
  );
}

function renderPeers(body, { query }) {
  const summary = h("p", { class: "muted", "aria-live": "polite" });
  const list = pagedList({
    label: "互评名单",
    limit: 20,
    after: query.get("after") || undefined,
    load: async ({ limit, offset, after }) => {
      const page = await get(`${API}/me/peer-reviews`, { limit, offset, after });
      replace(summary, page.total ? `本季度我已互评 ${page.reviewed} 人；每人须收到 ${page.required} 份互评后，才进入领导审核。` : "");
      return page;
    },
    item: (c) => colleague(c, list.reload),
    emptyTitle: "目前没有需要互评的同事",
    emptyHint: "单位开启季度考核、同事完成自评后，会出现在这里。",
  });
  body.append(summary, section("本单位同事", list));
}

export const screens = [
  {
    path: "/staff/peer-review",
    title: "内部互评",
    desc: "对同事作出季度互评",
    roles: ["staff", ...LEADER_ROLES],
    requires: ["appraisal GET /api/v1/me/peer-reviews", "appraisal POST /api/v1/units/{unit_id}/quarters/{quarter}/peer-reviews"],
    render: renderPeers,
  },
];
