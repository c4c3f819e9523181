// Micro-wishes (微心愿): grid staff and the community collect residents' wishes, the community
// screens them onto the demand list, party-member volunteers claim and fulfil them, the community
// revisits the resident.

import { command, get } from "../lib/api.js";
import { fmtDateTime, fmtNumber, h, replace } from "../lib/dom.js";
import { actionForm, attachments, badge, disclosure, empty, into, listSlot, section, stat, toast } from "../lib/ui.js";
import { placeLine, scopeName } from "../lib/names.js";
import { BASE } from "../lib/services.js";
import { WISH_SATISFACTION, WISH_STATES, labelOf, toneOf } from "../lib/labels.js";

const GRID = BASE.grid;
const WISHES = `${GRID}/wishes`;
const UPLOADS = `${GRID}/uploads`;

export const WISH_CATEGORIES = [
  ["elderly_care", "养老助残"],
  ["education", "助学兴教"],
  ["children", "儿童关爱"],
  ["household", "生活帮扶"],
  ["medical", "医疗健康"],
  ["employment", "就业帮扶"],
];
const CATEGORY_NAMES = Object.fromEntries(WISH_CATEGORIES);
const SATISFACTION = Object.entries(WISH_SATISFACTION);

function stateBadge(state) {
  const [label, tone] = [labelOf(WISH_STATES, state), toneOf(WISH_STATES, state)];
  return badge(label, tone);
}

function wishItem(w, actions = []) {
  return h(
    "li",
    { class: "wish", dataset: { wish: w.wish_id } },
    h("div", { class: "spread" }, h("span", { class: "title" }, w.title), stateBadge(w.state)),
    h("p", {}, w.description),
    h(
      "p",
      { class: "muted small" },
      [`${CATEGORY_NAMES[w.category] || w.category}`, `居民 ${w.resident_name}`, w.grid_id ? `网格 ${w.grid_name || "—"}` : null, `收集于 ${fmtDateTime(w.collected_at)}`]
        .filter(Boolean)
        .join(" · "),
    ),
    w.claimant_name ? h("p", { class: "small" }, `认领人：${w.claimant_name}（${fmtDateTime(w.claimed_at)}）`) : null,
    w.reject_reason ? h("p", { class: "small" }, `未通过原因：${w.reject_reason}`) : null,
    w.note ? h("p", { class: "small" }, `实现情况：${w.note}`) : null,
    w.satisfaction ? h("p", { class: "small" }, `回访：${labelOf(WISH_SATISFACTION, w.satisfaction)}`) : null,
    attachments(UPLOADS, w.evidence_upload_ids, "实现凭证"),
    actions,
  );
}

function countsBar(counts) {
  const order = ["collected", "open", "claimed", "fulfilled", "revisited", "rejected"];
  return h(
    "div",
    { class: "stats" },
    order.filter((k) => k in counts).map((k) => stat(labelOf(WISH_STATES, k), fmtNumber(counts[k]), k === "collected" && counts[k] ? "warn" : "")),
  );
}

/** A tabbed wish list: each tab is a query of the board; `actions(w, reload)` adds forms per row. */
function wishTabs(tabs, actions) {
  const counts = h("div");
  const slot = listSlot();
  const bar = h("div", { class: "tabs", role: "tablist", "aria-label": "心愿列表" });
  let current = tabs[0];
  function show() {
    for (const b of bar.children) b.setAttribute("aria-selected", String(b.dataset.tab === current.key));
    const list = slot.show({
      label: current.label,
      limit: 10,
      load: async ({ limit, offset, after }) => {
        const page = await get(WISHES, { ...current.params, limit, offset, after });
        replace(counts, countsBar(page.counts || {}));
        return page;
      },
      item: (w) => wishItem(w, actions(w, list.reload)),
      emptyTitle: current.empty,
      emptyHint: current.hint,
    });
  }
  for (const tab of tabs) {
    bar.append(
      h(
        "button",
        {
          type: "button",
          role: "tab",
          class: "tab",
          dataset: { tab: tab.key },
          onclick: () => {
            current = tab;
            show();
          },
        },
        tab.label,
      ),
    );
  }
  show();
  return { node: [counts, bar, slot], reload: (position) => slot.list.reload(position) };
}

// --- volunteer ---------------------------------------------------------------------------------

function volunteerActions(w, reload, user) {
  if (w.state === "open") {
    return [
      actionForm({
        label: `认领：${w.title}`,
        fields: [],
        submitLabel: "我来认领",
        send: () => command(`${WISHES}/${w.wish_id}/claim`, {}),
        done: (res) => {
          toast(`已认领：${w.title}`);
          reload(res.position);
        },
      }),
    ];
  }
  if (w.state === "claimed" && w.claimant_id === user.sub) {
    return [
      disclosure(
        "登记已实现",
        actionForm({
          label: `登记已实现：${w.title}`,
          uploadTo: UPLOADS,
          fields: [
            { name: "note", label: "实现情况", type: "textarea", max: 1000, required: true },
            { name: "evidence_upload_ids", label: "凭证照片", type: "files", hint: "JPEG、PNG、WebP 或 PDF" },
          ],
          submitLabel: "确认已实现",
          send: (v) => command(`${WISHES}/${w.wish_id}/fulfilment`, { note: v.note, evidence_upload_ids: v.evidence_upload_ids || [] }),
          done: (res) => {
            toast("已登记实现，等待社区回访");
            reload(res.position);
          },
        }),
      ),
      disclosure(
        "放弃认领",
        actionForm({
          label: `放弃认领：${w.title}`,
          fields: [{ name: "reason", label: "原因", type: "textarea", max: 500 }],
          submitLabel: "放弃认领",
          send: (v) => command(`${WISHES}/${w.wish_id}/release`, { reason: v.reason }),
          done: (res) => {
            toast("已放回心愿墙");
            reload(res.position);
          },
        }),
      ),
    ];
  }
  return [];
}

function renderWishBoard(body, { user }) {
  const tabs = wishTabs(
    [
      { key: "demand", label: "心愿墙", params: { list: "demand" }, empty: "心愿墙上暂时没有待认领的心愿", hint: "社区审核通过的心愿会出现在这里。" },
      { key: "mine", label: "我认领的", params: { state: "claimed", mine: true }, empty: "你还没有认领心愿", hint: "在心愿墙上点“我来认领”。" },
      { key: "done", label: "我已实现的", params: { list: "service", mine: true }, empty: "还没有已实现的心愿" },
    ],
    (w, reload) => volunteerActions(w, reload, user),
  );
  body.append((user.scopes?.community ? placeLine("社区", scopeName(user, "community")) : placeLine("社区", "全区")), section("微心愿", tabs.node));
}

// --- community ---------------------------------------------------------------------------------

function screeningActions(w, reload) {
  if (w.state === "collected") {
    return [
      actionForm({
        label: `审核通过：${w.title}`,
        fields: [],
        submitLabel: "通过，上心愿墙",
        send: () => command(`${WISHES}/${w.wish_id}/screening`, { approve: true }),
        done: (res) => {
          toast(`已上心愿墙：${w.title}`);
          reload(res.position);
        },
      }),
      disclosure(
        "不通过",
        actionForm({
          label: `不通过：${w.title}`,
          fields: [{ name: "reason", label: "不通过原因", type: "textarea", required: true, max: 500 }],
          submitLabel: "确认不通过",
          send: (v) => command(`${WISHES}/${w.wish_id}/screening`, { approve: false, reason: v.reason }),
          done: (res) => {
            toast("已退回");
            reload(res.position);
          },
        }),
      ),
    ];
  }
  if (w.state === "fulfilled") {
    return [
      disclosure(
        "回访居民",
        actionForm({
          label: `回访：${w.title}`,
          fields: [
            { name: "satisfaction", label: "满意度", type: "select", options: SATISFACTION },
            { name: "comment", label: "回访记录", type: "textarea", max: 500 },
          ],
          submitLabel: "记录回访",
          send: (v) => command(`${WISHES}/${w.wish_id}/revisit`, v),
          done: (res) => {
            toast("已记录回访");
            reload(res.position);
          },
        }),
      ),
    ];
  }
  return [];
}

function renderScreening(body, { user }) {
  const tabs = wishTabs(
    [
      { key: "screening", label: "待审核", params: { list: "screening" }, empty: "没有待审核的心愿", hint: "网格员收集的心愿会先到这里。" },
      { key: "fulfilled", label: "待回访", params: { state: "fulfilled" }, empty: "没有待回访的心愿" },
      { key: "open", label: "心愿墙", params: { list: "demand" }, empty: "心愿墙上暂时没有心愿" },
      { key: "claimed", label: "已认领", params: { state: "claimed" }, empty: "没有已认领的心愿" },
    ],
    screeningActions,
  );
  const collect = actionForm({
    label: "收集心愿",
    fields: [
      { name: "resident_name", label: "居民姓名", required: true, max: 40 },
      { name: "title", label: "心愿", required: true, max: 60 },
      { name: "description", label: "情况说明", type: "textarea", required: true, max: 1000 },
      { name: "category", label: "类别", type: "select", options: WISH_CATEGORIES, value: "elderly_care" },
    ],
    submitLabel: "登记心愿",
    send: (v) => command(WISHES, v),
    done: (res) => {
      toast("已登记，待社区审核");
      tabs.reload(res.position);
    },
  });
  body.append(
    placeLine("社区", scopeName(user, "community")),
    section("登记居民心愿", disclosure("收集一个新心愿", collect)),
    section("心愿审核与回访", tabs.node),
  );
}

function renderWishCounts(body) {
  const slot = h("div");
  body.append(section("微心愿总体情况", slot));
  into(
    slot,
    () => get(`${WISHES}/counts`),
    (answer) => (answer.total ? [countsBar(answer.counts), h("p", { class: "muted small" }, `共 ${fmtNumber(answer.total)} 个心愿`)] : empty("还没有心愿")),
  );
}

export const screens = [
  {
    path: "/volunteer/wishes",
    title: "心愿墙",
    desc: "认领居民微心愿，实现后登记",
    roles: ["volunteer"],
    requires: ["grid GET /api/v1/wishes", "grid POST /api/v1/wishes/{wish_id}/claim"],
    render: renderWishBoard,
  },
  {
    path: "/community/wishes",
    title: "微心愿审核",
    desc: "收集、审核、回访居民心愿",
    roles: ["community_admin"],
    requires: ["grid GET /api/v1/wishes", "grid POST /api/v1/wishes/{wish_id}/screening"],
    render: renderScreening,
  },
  {
    path: "/district/wishes",
    title: "微心愿统计",
    desc: "各状态心愿数量",
    roles: ["district_admin"],
    requires: ["grid GET /api/v1/wishes/counts"],
    render: renderWishCounts,
  },
];
