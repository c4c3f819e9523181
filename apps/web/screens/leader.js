// Leaders (股组长 / 分管领导 / 主要领导): the unit's logs by week, one person's quarter of logs,
// my review queue and the review form (the unit's 好 quota always in view), and — for the
// principal leader — the appeals waiting for a decision.

import { command, get } from "../lib/api.js";
import { fmtDateTime, h, replace } from "../lib/dom.js";
import { navigate } from "../lib/router.js";
import { LEADER_ROLES, roleLabel } from "../lib/roles.js";
import { actionForm, badge, disclosure, empty, field, into, pagedList, section, stat, toast } from "../lib/ui.js";
import { shiftWeek, thisQuarter, thisWeek, weekLabel, weeksOfQuarter } from "../lib/weeks.js";
import { SCORE_RULE, compositeText, indicatorsFor, schemeFor, scoreFields, scoresOf } from "./shared.js";
import { logCard } from "./staff.js";
import { logReview } from "./logreview.js";
import { placeLine, scopeName } from "../lib/names.js";
import { BASE } from "../lib/services.js";

const LOGS = `${BASE.appraisal}/logs`;
const READERS = [...LEADER_ROLES, "unit_admin"];

async function renderUnitLogs(body, { user, caps, query }) {
  const names = Object.fromEntries((await indicatorsFor(caps, user)).map((i) => [i.code, i.name]));
  const current = thisWeek();
  const options = Array.from({ length: 8 }, (_, i) => shiftWeek(current, -i));
  const picker = h(
    "select",
    { name: "week" },
    h("option", { value: "" }, "全部周次"),
    options.map((w) => h("option", { value: w, selected: w === (query.get("week") || "") }, weekLabel(w))),
  );
  const slot = h("div");
  function show() {
    const week = picker.value || undefined;
    history.replaceState(null, "", week ? `?week=${week}` : location.pathname);
    replace(
      slot,
      pagedList({
        label: "本单位周纪实",
        limit: 10,
        load: ({ limit, offset }) => get(LOGS, { week, limit, offset }),
        item: (log) =>
          h(
            "div",
            {},
            logCard(log, { showPerson: true, names }),
            h("a", { href: `/leader/person/${encodeURIComponent(log.person_id)}?name=${encodeURIComponent(log.person_name)}` }, `查看 ${log.person_name} 本季度纪实`),
          ),
        emptyTitle: week ? "该周还没有人提交纪实" : "本单位还没有周纪实",
      }),
    );
  }
  picker.addEventListener("change", show);
  body.append(
    placeLine("单位", scopeName(user, "unit")),
    h("p", { class: "muted" }, user.roles.includes("unit_admin") ? "本单位全部人员的周纪实。" : "你审核范围内人员（和你本人）的周纪实。"),
    field({ label: "按周次筛选", name: "week", control: picker }),
    section("周纪实", slot),
  );
  show();
}

/** One person's weekly logs of `quarter`, with a reviewing leader's forms under each when
 * `reviewing`: after a comment or a return the page is shown again once the logs have it. */
function quarterLogs(person, quarter, names, reviewing) {
  const weeks = new Set(weeksOfQuarter(quarter));
  const list = pagedList({
    label: "本季度周纪实",
    limit: 13,
    keepPage: true,
    load: async ({ limit, offset, after }) => {
      const page = await get(LOGS, { person, limit, offset, after });
      return { ...page, items: page.items.filter((l) => weeks.has(l.week)) };
    },
    item: (log) => h("div", {}, logCard(log, { names }), reviewing ? logReview(log, list.reload) : null),
    emptyTitle: "本季度还没有周纪实",
  });
  return list;
}

async function renderPerson(body, { user, caps, params, query }) {
  const names = Object.fromEntries((await indicatorsFor(caps, user)).map((i) => [i.code, i.name]));
  const quarter = query.get("quarter") || thisQuarter();
  const person = params.person;
  const list = quarterLogs(person, quarter, names, LEADER_ROLES.some((r) => user.roles.includes(r)));
  body.append(h("p", { class: "muted" }, `${query.get("name") || person} · ${quarter}`), section(`${quarter} 周纪实`, list));
}

const GRADES = ["好", "较好", "一般", "较差"];

function quota(item, quarter) {
  return h(
    "div",
    { class: "stats quota", role: "group", "aria-label": `${quarter || item.quarter || ""} 好等次名额`.trim() },
    stat("好 名额", item.good_cap),
    stat("已用", item.good_used),
    stat("剩余", h("span", { dataset: { goodLeft: "" } }, item.good_left), item.good_left ? "ok" : "bad"),
  );
}

/** The 好 quota of the unit's quarters in one status, a line above each (``caption``), or
 * ``none`` when the unit has no such quarter. */
function unitQuotas(user, { status, after, caption, none, slotClass = "sticky-quota" }) {
  const slot = h("div", { class: slotClass, "aria-live": "polite" });
  const unit = user.scopes?.unit;
  if (!unit) return slot;
  into(
    slot,
    () => get(`${BASE.appraisal}/units/${encodeURIComponent(unit)}/quarters`, { status, limit: 4, after }),
    (page) =>
      page.items.length
        ? page.items.map((q) => h("div", { dataset: { quarter: q.quarter } }, h("p", { class: "muted small" }, caption(q)), quota(q, q.quarter)))
        : none,
  );
  return slot;
}

/** The 好 quota of the unit's quarters under way: shown even when nothing waits for me. */
function unitQuota(user, after) {
  return unitQuotas(user, {
    status: "open",
    after,
    slotClass: "quota-slot sticky-quota",
    caption: (q) => `${q.quarter} 本单位“好”等次名额（参评 ${q.participants} 人，比例 ${Math.round(q.good_ratio * 100)}%）`,
    none: h("p", { class: "muted small" }, "本单位目前没有进行中的季度考核。"),
  });
}

function renderQueue(body, { query, user }) {
  const quotaSlot = unitQuota(user, query.get("after") || undefined);
  body.append(
    quotaSlot,
    section(
      "待我审核",
      pagedList({
        label: "待审核人员",
        limit: 10,
        load: async ({ limit, offset }) => {
          return get(`${BASE.appraisal}/me/queue`, { limit, offset, after: query.get("after") || undefined });
        },
        item: (q) =>
          h(
            "li",
            { dataset: { person: q.person_id } },
            h(
              "a",
              { class: "row-link", href: `/leader/review/${q.unit_id}/${q.quarter}/${q.person_id}` },
              h("div", { class: "spread" }, h("span", { class: "title" }, q.person_name), h("span", { class: "row" }, q.self_grade ? badge(`自评 ${q.self_grade}`) : badge("未自评", "warn"), badge(roleLabel(q.level)))),
              h("p", { class: "muted small" }, `${q.quarter} · 互评 ${q.peer_count} 人${q.waiting_since ? ` · 等待自 ${fmtDateTime(q.waiting_since)}` : ""}`),
            ),
          ),
        emptyTitle: "暂无待审核人员",
        emptyHint: "本季度开启且本人自评后，会出现在这里。",
      }),
    ),
  );
}

async function renderReview(body, { params, caps, user }) {
  const { unit, quarter, person } = params;
  const queue = await get(`${BASE.appraisal}/me/queue`, { limit: 200 });
  const item = queue.items.find((q) => q.person_id === person && q.quarter === quarter);
  const indicators = (await schemeFor(caps, unit, Number(quarter.slice(0, 4)))).filter((i) => i.max_points > 0);
  const names = Object.fromEntries((await indicatorsFor(caps, user)).map((i) => [i.code, i.name]));
  const logs = quarterLogs(person, quarter, names, true);
  const side = [];
  if (!item) {
    side.push(section("评分", h("p", { class: "notice" }, "此人当前不在你的待审核队列中（可能已审核或尚未轮到你这一级）。")));
  } else {
    const fields = [
      ...scoreFields(indicators, { scoredRequired: false }),
      { name: "grade", label: "等次", type: "select", required: true, options: [["", "请选择"], ...GRADES.map((g) => [g, g])] },
      { name: "comment", label: "评语", type: "textarea", required: true, max: 500 },
    ];
    side.push(
      section(
        `${roleLabel(item.level)}评分`,
        item.self_summary ? h("p", {}, `自评（${item.self_grade || "—"}，${item.self_score ?? "—"} 分）：${item.self_summary}`) : null,
        Object.keys(item.grades_so_far).length ? h("p", { class: "muted" }, `已评：${LEADER_ROLES.filter((k) => item.grades_so_far[k]).map((k) => `${roleLabel(k)} ${item.grades_so_far[k]}`).join("，")}`) : null,
        h("p", { class: "muted small score-rule" }, `${SCORE_RULE}打分时每项共性和个性指标都要打；只评等次时全部留空，沿用上一级的综合得分。`),
        actionForm({
          label: "评分",
          fields,
          submitLabel: "提交审核",
          send: (v) => command(`${BASE.appraisal}/units/${unit}/quarters/${quarter}/reviews`, { person_id: person, scores: scoresOf(indicators, v), grade: v.grade, comment: v.comment }),
          done: (res) => {
            const left = res.data?.good_left;
            const score = compositeText(res.data);
            toast([`已提交审核${score ? `：${score}` : ""}`, left === undefined ? null : `本单位“好”等次还剩 ${left} 个名额`].filter(Boolean).join("，"));
            navigate(`/leader/queue?after=${res.position}`);
          },
        }),
      ),
    );
  }
  body.append(
    h("p", { class: "muted" }, `${item?.person_name || person} · ${quarter}`),
    item ? h("div", { class: "sticky-quota" }, quota(item, quarter)) : null,
    h("div", { class: "grid2" }, section("本季度周纪实", logs), h("div", { class: "sticky-side" }, side)),
  );
}

// --- appeals (principal leader) ------------------------------------------------------------------

function appealItem(a, reload) {
  const base = `${BASE.appraisal}/units/${encodeURIComponent(a.unit_id)}/quarters/${a.quarter}`;
  return h(
    "li",
    { class: "appeal", dataset: { appeal: a.appeal_id } },
    h("div", { class: "spread" }, h("span", { class: "title" }, a.person_name), badge(`${a.quarter} 现等次 ${a.grade || "—"}`)),
    h("p", {}, `申诉理由：${a.appeal_reason}`),
    h("p", { class: "muted small" }, `提出于 ${fmtDateTime(a.appeal_filed_at)}`),
    h("p", {}, h("a", { href: `/leader/person/${encodeURIComponent(a.person_id)}?name=${encodeURIComponent(a.person_name)}&quarter=${a.quarter}` }, `查看 ${a.person_name} 本季度纪实`)),
    disclosure(
      "答复申诉",
      actionForm({
        label: `答复 ${a.person_name} 的申诉`,
        fields: [
          { name: "outcome", label: "复核结论", type: "select", options: [["upheld", "维持原等次"], ["changed", "改变等次"]], value: "upheld" },
          { name: "new_grade", label: "新等次（改变等次时选择）", type: "select", options: [["", "不改变"], ...GRADES.map((g) => [g, g])] },
          { name: "reason", label: "复核意见（必填）", type: "textarea", required: true, max: 500 },
        ],
        submitLabel: "提交复核结论",
        send: (v) => command(`${base}/appeals/${encodeURIComponent(a.appeal_id)}/resolution`, { outcome: v.outcome, new_grade: v.new_grade || null, reason: v.reason }),
        done: (res) => {
          toast(`已答复 ${a.person_name} 的申诉`);
          reload(res.position);
        },
      }),
    ),
  );
}

function renderAppeals(body, { user, query }) {
  const quotaSlot = h("div");
  const list = pagedList({
    label: "待答复的申诉",
    limit: 10,
    after: query.get("after") || undefined,
    load: ({ limit, offset, after }) => get(`${BASE.appraisal}/me/appeals`, { limit, offset, after }),
    item: (a) => appealItem(a, reload),
    emptyTitle: "没有待答复的申诉",
    emptyHint: "结果公示期内干部提出申诉后，会出现在这里。",
  });
  // An answered appeal may use a 好: the quotas are read again with the list, after the same position.
  const showQuota = () => replace(quotaSlot, unitQuotaPublished(user, list.position));
  function reload(position) {
    list.reload(position);
    showQuota();
  }
  showQuota();
  body.append(quotaSlot, section("待我答复的申诉", list));
}

/** Quotas of the unit's quarters in publication (an appeal answered with 好 uses one). */
function unitQuotaPublished(user, after) {
  return unitQuotas(user, {
    status: "published",
    after,
    caption: (q) => `${q.quarter} 公示中，待答复申诉 ${q.appeals_open} 件`,
    none: empty("本单位没有公示中的季度"),
  });
}

export const screens = [
  {
    path: "/leader/queue",
    title: "待我审核",
    desc: "季度考核待审核人员，好等次名额",
    roles: LEADER_ROLES,
    requires: ["appraisal GET /api/v1/me/queue"],
    render: renderQueue,
  },
  {
    path: "/leader/review/:unit/:quarter/:person",
    title: "季度审核",
    hidden: true,
    roles: LEADER_ROLES,
    requires: ["appraisal GET /api/v1/me/queue", "appraisal POST /api/v1/units/{unit_id}/quarters/{quarter}/reviews"],
    render: renderReview,
  },
  {
    path: "/leader/appeals",
    title: "申诉复核",
    desc: "答复公示期内的申诉，维持或改变等次",
    roles: ["principal_leader"],
    requires: ["appraisal GET /api/v1/me/appeals", "appraisal POST /api/v1/units/{unit_id}/quarters/{quarter}/appeals/{appeal_id}/resolution"],
    render: renderAppeals,
  },
  {
    path: "/unit/logs",
    title: "本单位纪实",
    desc: "按周查看周纪实（领导看审核范围内的人员）",
    roles: READERS,
    requires: ["appraisal GET /api/v1/logs"],
    render: renderUnitLogs,
  },
  {
    path: "/leader/person/:person",
    title: "个人纪实",
    hidden: true,
    roles: READERS,
    requires: ["appraisal GET /api/v1/logs"],
    render: renderPerson,
  },
];
