// The village jobs that write: an inspection round opened by the district and each village's scores
// and findings recorded by the town; a weak organization (软弱涣散) screened, designated, planned,
// progressed and accepted (销号); a project's funding by source and its investment. Every form
// shows the service's refusal next to what the user did.

import { ApiError, command, get } from "../lib/api.js";
import { fmtNumber, h, replace } from "../lib/dom.js";
import { actionForm, badge, disclosure, empty, field, into, listSlot, ownForm, pagedList, section, table, toast } from "../lib/ui.js";
import { BASE } from "../lib/services.js";
import { FUNDING_SOURCES, WEAKNESS_CRITERIA as CRITERIA, WEAKNESS_STAGES, labelOf, toneOf } from "../lib/labels.js";
import { today } from "../lib/weeks.js";

const VILLAGE = BASE.village;
const UPLOADS = `${VILLAGE}/uploads`;

const thisYear = () => Number(today().slice(0, 4));
const toFen = (value) => (value === null || value === "" || Number.isNaN(value) ? null : Math.round(Number(value) * 100));
const lines = (text) =>
  text
    .split(/\n|；|;/)
    .map((s) => s.trim())
    .filter(Boolean);

function checkboxes(name, label, options, checked = []) {
  const group = h(
    "fieldset",
    { class: "item", dataset: { field: name } },
    h("legend", {}, label),
    Object.entries(options).map(([value, text]) => h("label", { class: "row" }, h("input", { type: "checkbox", name, value, checked: checked.includes(value) }), text)),
    h("p", { class: "field-error", dataset: { errorFor: name }, "aria-live": "polite" }),
  );
  group.values = () => [...group.querySelectorAll("input:checked")].map((i) => i.value);
  return group;
}

const required = (name, message = "必填") => new ApiError({ status: 422, code: "required", detail: "请填写必填项", errors: [{ field: name, message }] });

// --- inspection rounds --------------------------------------------------------------------------

async function townOptions() {
  const page = await get(`${VILLAGE}/towns`, { limit: 200 });
  return page.items.map((t) => [t.town_id, t.name || t.town_name || t.town_id]);
}

function openRoundForm(done) {
  const town = h("select", { name: "town" }, h("option", { value: "" }, "请选择镇"));
  const villages = h("div", { dataset: { field: "teams.0.village_ids" } }, h("p", { class: "muted small" }, "先选择镇，再勾选本组检查的村"));
  const villageErr = h("p", { class: "field-error", dataset: { errorFor: "teams.0.village_ids" }, "aria-live": "polite" });
  townOptions()
    .then((towns) => town.append(...towns.map(([v, t]) => h("option", { value: v }, t))))
    .catch(() => {});
  town.addEventListener("change", async () => {
    if (!town.value) return replace(villages);
    const page = await get(`${VILLAGE}/villages`, { town: town.value, limit: 200 });
    replace(
      villages,
      page.items.map((v) => h("label", { class: "row" }, h("input", { type: "checkbox", name: "village_ids", value: v.village_id }), v.name)),
    );
  });
  const name = h("input", { name: "name", maxlength: 100 });
  const year = h("input", { type: "number", name: "year", value: thisYear() });
  const opened = h("input", { type: "date", name: "opened_on", value: today() });
  const due = h("input", { type: "date", name: "due_on" });
  const team = h("input", { name: "team", value: "第一检查组", maxlength: 100 });
  const members = h("textarea", { name: "members", rows: 2, maxlength: 500 });
  return ownForm({
    label: "开启检查轮次",
    parts: [
      field({ label: "轮次名称", name: "name", control: name }),
      h("div", { class: "grid2" }, field({ label: "年度", name: "year", control: year }), field({ label: "开始日期", name: "opened_on", control: opened })),
      field({ label: "截止日期", name: "due_on", control: due }),
      field({ label: "检查组", name: "teams.0.name", control: team }),
      field({ label: "检查组成员（每行一人）", name: "teams.0.members", control: members }),
      field({ label: "检查的镇", name: "town", control: town }),
      h("div", { class: "field" }, h("p", {}, "检查的村"), villages, villageErr),
    ],
    submitLabel: "开启轮次",
    send: () => {
      if (!name.value.trim()) throw required("name");
      if (!due.value) throw required("due_on");
      return command(`${VILLAGE}/inspection-rounds`, {
        name: name.value.trim(),
        year: Number(year.value),
        opened_on: opened.value,
        due_on: due.value,
        teams: [{ name: team.value.trim(), members: lines(members.value), village_ids: [...villages.querySelectorAll("input:checked")].map((i) => i.value) }],
      });
    },
    done,
  });
}

async function renderRounds(body, { user, query }) {
  const list = pagedList({
    label: "检查轮次",
    limit: 10,
    after: query.get("after") || undefined,
    load: ({ limit, offset, after }) => get(`${VILLAGE}/inspection-rounds`, { limit, offset, after }),
    item: (r) =>
      h(
        "li",
        { dataset: { round: r.round_id } },
        h(
          "a",
          { class: "row-link", href: `/town/rounds/${encodeURIComponent(r.round_id)}` },
          h("div", { class: "spread" }, h("span", { class: "title" }, r.name), badge(`${r.inspected}/${r.villages} 村已查`, r.inspected < r.villages ? "warn" : "ok")),
          h("p", { class: "muted small" }, `${r.opened_on} 至 ${r.due_on}${r.avg_score === null ? "" : ` · 平均 ${fmtNumber(r.avg_score, 1)} 分`}`),
        ),
      ),
    emptyTitle: "还没有检查轮次",
  });
  if (user.roles.includes("district_admin")) {
    body.append(
      section(
        "开启检查轮次",
        disclosure(
          "开启一轮规范化检查",
          openRoundForm((res) => {
            toast(`已开启检查轮次，共 ${res.data.villages} 个村`);
            list.reload(res.position);
          }),
        ),
      ),
    );
  }
  body.append(section("检查轮次", list));
}

function inspectionForm(round, village, done) {
  const checklist = round.checklist || [];
  const scores = checklist.map((a) => ({ aspect: a, input: h("input", { type: "number", name: `score-${a.aspect_id}`, min: 0, max: a.max_score, step: 1, inputmode: "numeric" }) }));
  const inspected = h("input", { type: "date", name: "inspected_on", value: today() });
  const rows = h("div", { class: "findings-rows" });
  const addRow = () => {
    const n = rows.children.length;
    const aspect = h("select", { name: `finding-aspect-${n}` }, checklist.map((a) => h("option", { value: a.aspect_id }, a.name)));
    const text = h("textarea", { name: `finding-text-${n}`, rows: 2, maxlength: 1000 });
    const deadline = h("input", { type: "date", name: `finding-deadline-${n}` });
    const row = h(
      "fieldset",
      { class: "item", dataset: { findingRow: String(n), field: `findings.${n}` } },
      h("legend", {}, `问题 ${n + 1}`),
      field({ label: "所属方面", name: `findings.${n}.aspect_id`, control: aspect }),
      field({ label: "问题描述", name: `findings.${n}.text`, control: text }),
      field({ label: "整改期限", name: `findings.${n}.deadline`, control: deadline }),
      h("p", { class: "field-error", dataset: { errorFor: `findings.${n}` }, "aria-live": "polite" }),
    );
    row.value = () => ({ aspect_id: aspect.value, text: text.value.trim(), deadline: deadline.value || null });
    rows.append(row);
  };
  const add = h("button", { type: "button", class: "btn", onclick: addRow }, "添加发现的问题");
  const total = h("p", { class: "small", "aria-live": "polite" });
  const max = checklist.reduce((s, a) => s + a.max_score, 0);
  const sum = () => {
    const got = scores.reduce((s, { input }) => s + (Number(input.value) || 0), 0);
    total.textContent = `合计 ${got} / ${max} 分`;
  };
  scores.forEach(({ input }) => input.addEventListener("input", sum));
  sum();
  return ownForm({
    label: `录入检查结果：${village.village_name}`,
    parts: [
      field({ label: "检查日期", name: "inspected_on", control: inspected }),
      h(
        "fieldset",
        { class: "item", dataset: { field: "scores" } },
        h("legend", {}, "各方面得分"),
        scores.map(({ aspect, input }) => field({ label: `${aspect.name}（满分 ${aspect.max_score}）`, name: `scores.${aspect.aspect_id}`, control: input })),
        total,
        h("p", { class: "field-error", dataset: { errorFor: "scores" }, "aria-live": "polite" }),
      ),
      h("div", { class: "field", dataset: { field: "findings" } }, rows, h("p", { class: "field-error", dataset: { errorFor: "findings" }, "aria-live": "polite" }), h("div", { class: "actions" }, add)),
    ],
    submitLabel: "提交检查结果",
    send: () => {
      const missing = scores.filter(({ input }) => input.value === "");
      if (missing.length) {
        throw new ApiError({ status: 422, code: "required", detail: "请填写每个方面的得分", errors: missing.map(({ aspect }) => ({ field: `scores.${aspect.aspect_id}`, message: "请填写得分" })) });
      }
      return command(`${VILLAGE}/inspection-rounds/${encodeURIComponent(round.round_id)}/villages/${village.village_id}`, {
        inspected_on: inspected.value,
        scores: Object.fromEntries(scores.map(({ aspect, input }) => [aspect.aspect_id, Number(input.value)])),
        findings: [...rows.children].map((r) => r.value()),
      });
    },
    done,
  });
}

async function renderRound(body, { params, user, query }) {
  const slot = h("div");
  body.append(slot);
  const town = user.roles.includes("district_admin") ? undefined : user.scopes?.town;
  async function show(after) {
    await into(
      slot,
      () => get(`${VILLAGE}/inspection-rounds/${encodeURIComponent(params.id)}`, { town, after }),
      (d) => {
        const mayRecord = user.roles.some((r) => ["town_admin", "district_admin"].includes(r));
        const names = Object.fromEntries((d.round.checklist || []).map((a) => [a.aspect_id, a.name]));
        return [
          section(
            d.round.name,
            h(
              "dl",
              { class: "facts" },
              [
                ["检查期间", `${d.round.opened_on} 至 ${d.round.due_on}`],
                ["已查", `${d.coverage.inspected} / ${d.coverage.assigned} 个村`],
                ["平均得分", d.avg_score === null ? "—" : `${fmtNumber(d.avg_score, 1)} 分`],
              ].map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]),
            ),
            table(
              [
                { label: "检查方面", cell: (a) => a.name },
                { label: "满分", num: true, cell: (a) => fmtNumber(a.max_score) },
              ],
              d.round.checklist || [],
              "检查清单",
            ),
          ),
          section(
            "各村检查",
            d.villages.length
              ? h(
                  "ul",
                  { class: "list", "aria-label": "本轮各村" },
                  d.villages.map((v) =>
                    h(
                      "li",
                      { dataset: { roundVillage: v.village_id } },
                      h("div", { class: "spread" }, h("span", { class: "title" }, v.village_name), v.inspected_on ? badge(`${v.total_score} / ${v.max_total} 分`, "ok") : badge("待检查", "warn")),
                      h("p", { class: "muted small" }, [v.team_name, v.inspected_on ? `检查于 ${v.inspected_on}` : null, v.findings ? `发现问题 ${v.findings} 项，待整改 ${v.open_findings} 项` : null].filter(Boolean).join(" · ")),
                      v.inspected_on && v.scores?.length ? h("p", { class: "small" }, v.scores.map((s) => `${names[s.aspect_id] || s.aspect_id} ${s.score}/${s.max_score}`).join("；")) : null,
                      !v.inspected_on && mayRecord
                        ? disclosure(
                            "录入检查结果",
                            inspectionForm(d.round, v, (res) => {
                              toast(`已录入检查结果：${res.data.total_score} 分${res.data.finding_ids.length ? `，发现问题 ${res.data.finding_ids.length} 项` : ""}`);
                              show(res.position);
                            }),
                          )
                        : null,
                    ),
                  ),
                )
              : empty("本轮没有你负责范围内的村"),
            h("p", { class: "small" }, h("a", { href: "/town/inspections" }, "查看检查发现的问题和整改情况")),
          ),
        ];
      },
    );
  }
  await show(query.get("after") || undefined);
}

// --- weak organizations (软弱涣散) ----------------------------------------------------------------

function caseActions(c, user, show) {
  const base = `${VILLAGE}/villages/${c.village_id}/weakness/${c.year}`;
  const done = (message) => (res) => {
    toast(message);
    show(res.position);
  };
  const district = user.roles.includes("district_admin");
  const town = district || (user.roles.includes("town_admin") && user.scopes?.town === c.town_id);
  const village = town || (user.roles.includes("village_secretary") && user.scopes?.village === c.village_id);
  const forms = [];
  if (c.stage === "screened" && town) forms.push(disclosure("再次排查", screenForm(user, done("已记录排查结果"), c)));
  if (c.stage === "screened" && district) {
    const criteria = checkboxes("criteria", "确定的问题类别", CRITERIA, c.hits || []);
    const reason = h("textarea", { name: "reason", rows: 2, maxlength: 1000 });
    forms.push(
      disclosure(
        "确定为软弱涣散整顿对象",
        ownForm({
          label: `确定整顿对象：${c.village_name}`,
          parts: [criteria, field({ label: "确定理由", name: "reason", control: reason })],
          submitLabel: "确定为整顿对象",
          send: () => command(`${base}/designation`, { criteria: criteria.values(), reason: reason.value.trim() }),
          done: done("已确定为软弱涣散整顿对象"),
        }),
      ),
    );
  }
  if (c.stage === "designated" && town) {
    forms.push(
      disclosure(
        "制定整顿方案",
        actionForm({
          label: `整顿方案：${c.village_name}`,
          fields: [
            { name: "responsible_leader", label: "包抓领导", required: true, max: 100 },
            { name: "work_group", label: "工作专班（每行一人）", type: "textarea", required: true },
            { name: "measures", label: "整顿措施（每行一项）", type: "textarea", required: true },
            { name: "deadline", label: "整顿期限", type: "date", required: true },
          ],
          submitLabel: "提交整顿方案",
          send: (v) => command(`${base}/plan`, { responsible_leader: v.responsible_leader, work_group: lines(v.work_group), measures: lines(v.measures), deadline: v.deadline }),
          done: done("已制定整顿方案"),
        }),
      ),
    );
  }
  const open = (c.measures || []).filter((m) => !m.done);
  if (c.stage === "rectifying" && village && open.length) {
    forms.push(
      disclosure(
        "报告整顿进展",
        actionForm({
          label: `整顿进展：${c.village_name}`,
          uploadTo: UPLOADS,
          fields: [
            { name: "measure_id", label: "整顿措施", type: "select", options: open.map((m) => [m.measure_id, m.text]) },
            { name: "done", label: "这项措施已完成", type: "checkbox", value: true },
            { name: "note", label: "进展情况", type: "textarea", required: true, max: 1000 },
            { name: "evidence_upload_ids", label: "佐证照片", type: "files" },
          ],
          submitLabel: "报告进展",
          send: (v) => command(`${base}/progress`, { measure_id: v.measure_id, done: v.done, note: v.note, evidence_upload_ids: v.evidence_upload_ids || [] }),
          done: done("已报告整顿进展"),
        }),
      ),
    );
  }
  if (c.stage === "rectifying" && district) {
    forms.push(
      disclosure(
        "验收销号",
        actionForm({
          label: `验收销号：${c.village_name}`,
          fields: [{ name: "note", label: "验收意见", type: "textarea", max: 1000 }],
          submitLabel: "验收销号",
          send: (v) => command(`${base}/acceptance`, { note: v.note }),
          done: done("已验收销号"),
        }),
      ),
    );
  }
  return forms;
}

function caseCard(c, user, show) {
  const [label, tone] = [labelOf(WEAKNESS_STAGES, c.stage), toneOf(WEAKNESS_STAGES, c.stage)];
  const measures = c.measures || [];
  return h(
    "li",
    { class: "item", dataset: { weakness: `${c.village_id}-${c.year}` } },
    h("div", { class: "spread" }, h("span", { class: "title" }, `${c.village_name} · ${c.year} 年`), h("span", { class: "row" }, badge(label, tone), c.overdue ? badge("整顿超期", "bad") : null)),
    h(
      "p",
      { class: "small" },
      c.hits?.length ? `排查发现：${c.hits.map((k) => labelOf(CRITERIA, k)).join("、")}` : "排查未发现问题",
      c.last_screened_on ? ` · 最近排查 ${c.last_screened_on}` : "",
    ),
    c.reason ? h("p", { class: "small" }, `确定理由：${c.reason}`) : null,
    c.responsible_leader ? h("p", { class: "small" }, `包抓领导：${c.responsible_leader}${c.deadline ? ` · 期限 ${c.deadline}` : ""}`) : null,
    measures.length ? h("p", { class: "small" }, `整顿措施完成 ${c.measures_done} / ${c.measures_total} 项`) : null,
    measures.length ? h("ul", { class: "items" }, measures.map((m) => h("li", { dataset: { measure: m.measure_id } }, `${m.done ? "✓ 已完成 " : "○ "}${m.text}`))) : null,
    c.accepted_on ? h("p", { class: "small" }, `验收于 ${c.accepted_on}${c.accepted_by ? `（${c.accepted_by}）` : ""}`) : null,
    caseActions(c, user, show),
  );
}

function screenForm(user, done, known) {
  const town = user.roles.includes("district_admin") ? undefined : user.scopes?.town;
  const village = h("select", { name: "village_id" }, known ? h("option", { value: known.village_id }, known.village_name) : h("option", { value: "" }, "请选择村"));
  if (!known) {
    get(`${VILLAGE}/villages`, { town, limit: 200 })
      .then((page) => village.append(...page.items.map((v) => h("option", { value: v.village_id }, v.name))))
      .catch(() => {});
  }
  const year = h("input", { type: "number", name: "year", value: known?.year || thisYear() });
  const hits = checkboxes("hits", "排查发现的问题（未发现则不选）", CRITERIA, known?.hits || []);
  const on = h("input", { type: "date", name: "screened_on", value: today() });
  const note = h("textarea", { name: "note", rows: 2, maxlength: 1000 });
  return ownForm({
    label: known ? `再次排查：${known.village_name}` : "排查一个村",
    parts: [field({ label: "村", name: "village_id", control: village }), field({ label: "年度", name: "year", control: year }), hits, field({ label: "排查日期", name: "screened_on", control: on }), field({ label: "排查情况", name: "note", control: note })],
    submitLabel: "记录排查结果",
    send: () => {
      if (!village.value) throw required("village_id", "请选择村");
      return command(`${VILLAGE}/villages/${village.value}/weakness/${Number(year.value)}/screenings`, { hits: hits.values(), screened_on: on.value, note: note.value.trim() });
    },
    done,
  });
}

async function renderWeakness(body, { user, query }) {
  const district = user.roles.includes("district_admin");
  const picker = district ? h("select", { name: "town" }, h("option", { value: "" }, "全部镇")) : null;
  const town = () => (district ? picker.value || undefined : user.scopes?.town);
  const year = thisYear();
  const slot = listSlot();
  /** The cases of the town chosen: their own list, read after `after` (the address's at first, none for another town). */
  function show(after) {
    slot.show({
      label: "软弱涣散排查整顿",
      limit: 10,
      after,
      load: ({ limit, offset, after }) => get(`${VILLAGE}/rectifications`, { town: town(), year, flagged: true, limit, offset, after }),
      item: (c) => caseCard(c, user, slot.list.reload),
      emptyTitle: "本年度没有排查出问题的村",
    });
  }
  if (user.roles.some((r) => ["town_admin", "district_admin"].includes(r))) {
    body.append(
      section(
        "排查",
        disclosure(
          "排查一个村",
          screenForm(user, (res) => {
            toast("已记录排查结果");
            slot.list.reload(res.position);
          }),
        ),
      ),
    );
  }
  if (picker) {
    picker.addEventListener("change", () => show());
    townOptions()
      .then((towns) => picker.append(...towns.map(([v, t]) => h("option", { value: v }, t))))
      .catch(() => {});
  }
  body.append(section(`${year} 年排查出问题和整顿中的村`, picker ? field({ label: "镇", name: "town", control: picker }) : null, slot));
  show(query.get("after") || undefined);
}

// --- a project's funding and investment ---------------------------------------------------------

/** Forms on a project's page: funding received by source, and investment attracted. */
export function projectFundingForms(p, done) {
  return section(
    "登记资金",
    disclosure(
      "登记到位资金",
      actionForm({
        label: "登记到位资金",
        fields: [
          { name: "source", label: "资金来源", type: "select", options: Object.entries(FUNDING_SOURCES), value: "fiscal" },
          { name: "funder", label: "出资方", required: true, max: 100 },
          { name: "amount_fen", label: "金额（元）", type: "number", step: "0.01", required: true },
          { name: "received_on", label: "到位日期", type: "date", value: today(), required: true },
        ],
        submitLabel: "登记资金",
        send: (v) => command(`${VILLAGE}/projects/${p.project_id}/fundings`, { source: v.source, funder: v.funder, amount_fen: toFen(v.amount_fen), received_on: v.received_on }),
        done: done("已登记到位资金"),
      }),
    ),
    disclosure(
      "登记招商引资",
      actionForm({
        label: "登记招商引资",
        fields: [
          { name: "investor", label: "投资方", required: true, max: 100 },
          { name: "amount_fen", label: "金额（元）", type: "number", step: "0.01", required: true },
          { name: "signed_on", label: "签约日期", type: "date", value: today(), required: true },
        ],
        submitLabel: "登记招商引资",
        send: (v) => command(`${VILLAGE}/projects/${p.project_id}/investments`, { investor: v.investor, amount_fen: toFen(v.amount_fen), signed_on: v.signed_on }),
        done: done("已登记招商引资"),
      }),
    ),
  );
}

export const screens = [
  {
    path: "/town/rounds",
    title: "规范化检查录入",
    desc: "开启检查轮次，逐村录入各方面得分和发现的问题",
    roles: ["town_admin", "district_admin"],
    requires: ["village GET /api/v1/inspection-rounds", "village POST /api/v1/inspection-rounds/{round_id}/villages/{village_id}"],
    render: renderRounds,
  },
  {
    path: "/town/rounds/:id",
    title: "检查轮次",
    hidden: true,
    roles: ["town_admin", "district_admin"],
    requires: ["village GET /api/v1/inspection-rounds/{round_id}"],
    render: renderRound,
  },
  {
    path: "/town/weakness",
    title: "软弱涣散排查整顿",
    desc: "排查、确定、制定方案、推进整顿、验收销号",
    roles: ["town_admin", "district_admin", "village_secretary"],
    requires: ["village GET /api/v1/rectifications", "village POST /api/v1/villages/{village_id}/weakness/{year}/screenings"],
    render: renderWeakness,
  },
];
