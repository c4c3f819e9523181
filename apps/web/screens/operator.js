// Operator (运维) and district administrators: every service's read models, their lag behind the
// event streams, the relay's backlog and the events parked in dead letters. Operators also rebuild
// a read model and retry or skip a parked event here (`operator_actions.js`).

import { get } from "../lib/api.js";
import { SERVICES } from "../lib/capabilities.js";
import { fmtDateTime, fmtNumber, h, replace } from "../lib/dom.js";
import { PROJECTION_NAMES, PROJECTION_STATES, labelOf, toneOf } from "../lib/labels.js";
import { badge, empty, into, pagedList, section, stat, table } from "../lib/ui.js";
import { mayOperate, parkedActions, rebuildButton } from "./operator_actions.js";
import { BASE } from "../lib/services.js";

const SERVICE_NAMES = { appraisal: "考核服务", grid: "网格服务", village: "乡村服务", reporting: "报表服务" };
const STATE_TONES = Object.fromEntries(Object.entries(PROJECTION_STATES).map(([k, [, tone]]) => [k, tone]));
const projectionName = (name) => labelOf(PROJECTION_NAMES, name, "其他读模型");
const stateBadge = (state, prefix = "") => badge(`${prefix}${labelOf(PROJECTION_STATES, state, "未知")}`, toneOf(PROJECTION_STATES, state));
const PARKED_STATES = [
  ["parked", "待处理"],
  ["retried", "已重试"],
  ["skipped", "已跳过"],
];

const opsPath = (service, tail) => `${BASE[service]}/ops/${tail}`;

function lagOf(projection) {
  return projection.sources.reduce((sum, s) => sum + (s.lag || 0), 0);
}

function sourcesText(projection) {
  return projection.sources
    .map((s) => `${SERVICE_NAMES[s.source] || s.source}：${fmtNumber(s.checkpoint)} / ${s.stream_last_sequence === null ? "—" : fmtNumber(s.stream_last_sequence)}`)
    .join("；");
}

function lastUpdate(projection) {
  const times = projection.sources.map((s) => s.updated_at).filter(Boolean).sort();
  return times.length ? fmtDateTime(times[times.length - 1]) : "—";
}

function overviewOf(service, answer, user) {
  const projections = answer.projections || [];
  const lag = projections.reduce((sum, p) => sum + lagOf(p), 0);
  const parked = projections.reduce((sum, p) => sum + p.parked, 0);
  const failing = projections.filter((p) => p.error || STATE_TONES[p.state] === "bad" || STATE_TONES[p.runner] === "bad");
  return [
    h(
      "div",
      { class: "stats" },
      stat("读模型", fmtNumber(projections.length)),
      stat("积压事件", fmtNumber(lag), lag ? "warn" : "ok"),
      stat("搁置事件", fmtNumber(parked), parked ? "bad" : "ok"),
    ),
    answer.relay
      ? h(
          "p",
          { class: "small", dataset: { relay: answer.relay.stream } },
          `${SERVICE_NAMES[service] || service}事件流（${answer.relay.stream}）：已发布至 ${answer.relay.published_position}，待发布 ${fmtNumber(answer.relay.lag_events)} 条 `,
          answer.relay.lag_events ? badge("发布积压", "warn") : badge("已同步", "ok"),
        )
      : h("p", { class: "small muted" }, "此服务不发布事件流。"),
    failing.length ? h("p", { class: "notice warn", role: "status" }, `${failing.length} 个读模型异常：${failing.map((p) => projectionName(p.name)).join("、")}`) : null,
    projections.length
      ? table(
          [
            { label: "读模型", name: true, cell: (p) => h("span", { dataset: { projection: p.name } }, projectionName(p.name)) },
            { label: "状态", cell: (p) => [stateBadge(p.state), p.runner && p.runner !== p.state ? [" ", stateBadge(p.runner, "运行器 ")] : null] },
            { label: "积压", num: true, cell: (p) => fmtNumber(lagOf(p)) },
            { label: "搁置", num: true, cell: (p) => (p.parked ? badge(fmtNumber(p.parked), "bad") : "0") },
            { label: "未知事件", num: true, cell: (p) => fmtNumber(p.unknown_events) },
            { label: "检查点 / 流末尾", cell: sourcesText },
            { label: "最近推进", cell: lastUpdate },
            { label: "重建于", cell: (p) => (p.rebuilt_at ? fmtDateTime(p.rebuilt_at) : "—") },
            { label: "错误", cell: (p) => (p.error ? h("span", { class: "bad-text" }, p.error) : "—") },
          ],
          projections,
          `${SERVICE_NAMES[service] || service}的读模型`,
        )
      : empty("此服务没有读模型"),
    projections.length && mayOperate(user)
      ? h(
          "details",
          { class: "disclosure" },
          h("summary", {}, "重建读模型"),
          h(
            "ul",
            { class: "list disclosure-body", "aria-label": `${SERVICE_NAMES[service] || service}重建读模型` },
            projections.map((p) => h("li", { dataset: { rebuildRow: p.name } }, h("p", { class: "title" }, projectionName(p.name)), rebuildButton(service, p.name, projectionName(p.name)))),
          ),
        )
      : null,
  ];
}

function parkedList(service, user) {
  const picker = h("select", { name: "state", "aria-label": `${SERVICE_NAMES[service]}搁置事件状态` }, PARKED_STATES.map(([v, t]) => h("option", { value: v }, t)));
  const slot = h("div");
  function show() {
    replace(
      slot,
      pagedList({
        label: `${SERVICE_NAMES[service]}搁置事件`,
        limit: 10,
        load: ({ limit, offset }) => get(opsPath(service, "dead-letters"), { state: picker.value, limit, offset }),
        item: (d) =>
          h(
            "li",
            { dataset: { deadLetter: String(d.id) } },
            h("div", { class: "spread" }, h("span", { class: "title" }, `${projectionName(d.projection)} · ${d.event_type}`), badge(`尝试 ${d.attempts} 次`, "bad")),
            h("p", { class: "muted small" }, `来源 ${SERVICE_NAMES[d.source] || d.source} · 序号 ${d.sequence} · 搁置于 ${fmtDateTime(d.parked_at)}`),
            h("p", { class: "small" }, d.error),
            d.state === "parked" && mayOperate(user) ? parkedActions(service, d, show) : null,
          ),
        emptyTitle: picker.value === "parked" ? "没有搁置的事件" : "没有记录",
        emptyHint: picker.value === "parked" ? "读模型处理失败的事件会出现在这里，可重试或跳过。" : null,
      }),
    );
  }
  picker.addEventListener("change", show);
  show();
  return h("div", {}, h("div", { class: "field" }, picker), slot);
}

function serviceCard(service, user) {
  const overview = h("div");
  const refresh = h("button", { type: "button", class: "btn" }, "刷新");
  const load = () => into(overview, () => get(opsPath(service, "projections")), (answer) => overviewOf(service, answer, user));
  refresh.addEventListener("click", load);
  load();
  return h(
    "section",
    { class: "card", "aria-label": SERVICE_NAMES[service] || service, dataset: { service } },
    h("div", { class: "spread" }, h("h2", {}, SERVICE_NAMES[service] || service), refresh),
    overview,
    h("details", { class: "disclosure" }, h("summary", {}, "搁置事件（死信）"), h("div", { class: "disclosure-body" }, parkedList(service, user))),
  );
}

async function renderProjections(body, { caps, user }) {
  const present = SERVICES.filter((s) => caps[s]?.paths?.["/api/v1/ops/projections"]);
  body.append(
    h("p", { class: "muted" }, mayOperate(user) ? "各服务读模型的处理进度、事件流发布积压与搁置事件；可重建读模型，重试或跳过搁置事件。" : "各服务读模型的处理进度、事件流发布积压与搁置事件。重建和处理搁置事件由运维人员操作。"),
    ...(present.length ? present.map((s) => serviceCard(s, user)) : [empty("没有服务提供运维接口")]),
  );
}

export const screens = [
  {
    path: "/ops/projections",
    title: "读模型与积压",
    desc: "各服务读模型进度、积压和搁置事件",
    roles: ["operator", "district_admin"],
    requires: [],
    render: renderProjections,
  },
];
