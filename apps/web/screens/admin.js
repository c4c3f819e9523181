// Unit administrators (单位考核管理员): the roster with an Excel import and its row-by-row error
// report; the indicator scheme of a year; the unit's quarters — open one, publish its results,
// finalize after the publication period; the unit's submission deadlines.

import { ApiError, actionKey, command, get, request } from "../lib/api.js";
import { fmtDateTime, fmtNumber, h, replace, uid } from "../lib/dom.js";
import { actionForm, badge, busy, clearErrors, disclosure, empty, field, formBanner, into, isBusy, pagedList, section, showErrors, stat, table, toast } from "../lib/ui.js";
import { thisQuarter } from "../lib/weeks.js";
import { personActions, rosterChoices, templateButton } from "./rosteredit.js";
import { forgetScheme } from "./shared.js";
import { nameOf, placeLine } from "../lib/names.js";
import { BASE } from "../lib/services.js";
import { INDICATOR_KINDS, LEAVE_REASONS, QUARTER_STATES, labelOf, toneOf } from "../lib/labels.js";

const API = BASE.appraisal;
const COLUMNS = "人员编号、姓名、股室、职务、出生日期、身份证号、股组长编号、分管领导编号、主要领导编号";

function unitOf(user, query) {
  return query.get("unit") || user.scopes?.unit;
}

// --- roster -------------------------------------------------------------------------------------

function importForm(unit, onDone) {
  const file = h("input", { type: "file", name: "file", accept: ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" });
  const submit = h("button", { type: "submit", class: "btn primary" }, "导入花名册");
  const report = h("div", { "aria-live": "polite" });
  const form = h(
    "form",
    { class: "action-form", novalidate: true, "aria-label": "导入花名册" },
    field({ label: "花名册 Excel 文件（.xlsx，不超过 2 MB）", name: "file", control: file, hint: `第一行为表头：${COLUMNS}` }),
    h("div", { class: "actions" }, formBanner(), submit),
    report,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (isBusy(submit)) return;
    clearErrors(form);
    replace(report);
    if (!file.files.length) {
      showErrors(form, new ApiError({ status: 422, code: "required", detail: "请选择文件", errors: [{ field: "file", message: "请选择要导入的 .xlsx 文件" }] }));
      return;
    }
    const data = new FormData();
    data.append("file", file.files[0]);
    try {
      const sheet = file.files[0];
      const key = () => actionKey(`roster-import ${unit} ${sheet.name} ${sheet.size} ${sheet.lastModified}`);
      const result = await busy(submit, () => request("POST", `${API}/units/${encodeURIComponent(unit)}/roster-imports`, { form: data, idempotencyKey: key() }), "正在导入…");
      const d = result.data || {};
      replace(
        report,
        h("p", { class: `notice ${d.rows_rejected ? "warn" : "ok"}`, role: "status" }, `已导入 ${fmtNumber(d.rows_enrolled)} 人${d.rows_rejected ? `，${fmtNumber(d.rows_rejected)} 行未导入，请修改后重新导入这些行` : ""}。`),
        d.errors?.length
          ? table(
              [
                { label: "行号", num: true, cell: (e) => e.row },
                { label: "列", cell: (e) => e.column || "整行" },
                { label: "问题", cell: (e) => e.message },
              ],
              d.errors,
              "未导入的行",
            )
          : null,
      );
      toast(`已导入 ${d.rows_enrolled} 人`);
      onDone(result.position);
    } catch (error) {
      showErrors(form, error);
    }
  });
  return form;
}

function renderRoster(body, { user, query }) {
  const unit = unitOf(user, query);
  if (!unit) {
    body.append(empty("你的账号未归属单位"));
    return;
  }
  const active = h("select", { name: "active", "aria-label": "在职状态" }, [["true", "在岗"], ["false", "已离开"], ["", "全部"]].map(([v, t]) => h("option", { value: v }, t)));
  let choices;
  /** After a change to the roster: from the first page, after its position, with the choices read again. */
  function reload(position) {
    if (position) choices = null;
    list.reload(position);
  }
  const list = pagedList({
    label: "花名册",
    limit: 15,
    load: async ({ limit, offset, after }) => {
      const page = await get(`${API}/units/${encodeURIComponent(unit)}/people`, { active: active.value || undefined, limit, offset, after });
      choices = choices || (await rosterChoices(unit));
      return page;
    },
    item: (p) =>
      h(
        "li",
        { dataset: { person: p.person_id } },
        h("div", { class: "spread" }, h("span", { class: "title" }, p.person_name), p.active ? badge(p.section_name || "未分股室") : badge("已离开", "warn")),
        h("p", { class: "muted small" }, [p.person_id, p.position, `入册 ${p.enrolled_on}`, p.left_on ? `${LEAVE_REASONS[p.left_reason] || "离开"} ${p.left_on}` : null].filter(Boolean).join(" · ")),
        p.active ? personActions(unit, p, choices, reload) : null,
      ),
    emptyTitle: "花名册为空",
    emptyHint: "用上方的 Excel 导入，或逐人登记。",
  });
  active.addEventListener("change", () => list.reload());
  body.append(placeLine("单位", nameOf("unit", unit)), section("导入花名册", templateButton(unit), importForm(unit, reload)), section("花名册", h("div", { class: "field" }, active), list));
}

// --- quarters -----------------------------------------------------------------------------------

function quarterRow(unit, q, reload) {
  const base = `${API}/units/${encodeURIComponent(unit)}/quarters/${q.quarter}`;
  const [label, tone] = [labelOf(QUARTER_STATES, q.status), toneOf(QUARTER_STATES, q.status)];
  return h(
    "li",
    { dataset: { quarter: q.quarter } },
    h("div", { class: "spread" }, h("span", { class: "title" }, q.quarter), badge(label, tone)),
    h(
      "p",
      { class: "muted small" },
      [`参评 ${q.participants} 人`, `好 ${q.good_used}/${q.good_cap}（比例 ${fmtNumber(q.good_ratio * 100)}%）`, q.opened_at ? `开启 ${fmtDateTime(q.opened_at)}` : null, q.period_ends_at ? `公示至 ${fmtDateTime(q.period_ends_at)}` : null, q.appeals_open ? `待答复复核 ${q.appeals_open}` : null]
        .filter(Boolean)
        .join(" · "),
    ),
    h("p", {}, h("a", { href: `/unit/board?quarter=${q.quarter}` }, "查看考核看板")),
    q.status === "published"
      ? disclosure(
          "结束公示，确认结果",
          h("p", { class: "muted small" }, q.appeals_open ? `还有 ${q.appeals_open} 件申诉待主要领导答复，答复后才能确认结果。` : "公示期满且申诉均已答复后确认；连续多个季度为“较好”及以下的人员将列入跟踪帮带。"),
          actionForm({
            label: `确认 ${q.quarter} 结果`,
            fields: [{ name: "follow_up_after", label: "连续几个季度“较好”及以下列入跟踪", type: "number", value: 2, required: true }],
            submitLabel: "确认结果",
            send: (v) => command(`${base}/finalization`, { follow_up_after: v.follow_up_after }),
            done: (res) => {
              const n = res.data?.follow_ups?.length;
              toast(`${q.quarter} 结果已确认${n ? `，${n} 人列入跟踪帮带` : ""}`);
              reload(res.position);
            },
          }),
        )
      : null,
    q.status === "open"
      ? disclosure(
          "发布结果并公示",
          actionForm({
            label: `发布 ${q.quarter} 结果`,
            fields: [{ name: "workdays", label: "公示期（工作日）", type: "number", value: 5, required: true }],
            submitLabel: "发布并公示",
            send: (v) => command(`${base}/publication`, { workdays: v.workdays }),
            done: (res) => {
              toast(`${q.quarter} 结果已发布`);
              reload(res.position);
            },
          }),
        )
      : null,
  );
}

function renderQuarters(body, { user, query }) {
  const unit = unitOf(user, query);
  if (!unit) {
    body.append(empty("你的账号未归属单位"));
    return;
  }
  const list = pagedList({
    label: "季度考核",
    limit: 8,
    load: ({ limit, offset, after }) => get(`${API}/units/${encodeURIComponent(unit)}/quarters`, { limit, offset, after }),
    item: (q) => quarterRow(unit, q, list.reload),
    emptyTitle: "还没有开启过季度考核",
  });
  const open = actionForm({
    label: "开启季度考核",
    fields: [
      { name: "quarter", label: "季度", value: thisQuarter(), required: true, hint: "格式如 2026-Q4" },
      { name: "good_ratio", label: "“好”等次比例上限（%）", type: "number", value: 40, required: true },
      { name: "peer_reviews_required", label: "每人须完成的互评数", type: "number", value: 1 },
    ],
    submitLabel: "开启考核",
    send: (v) => command(`${API}/units/${encodeURIComponent(unit)}/quarters`, { quarter: v.quarter, good_ratio: v.good_ratio / 100, peer_reviews_required: v.peer_reviews_required ?? 1 }),
    done: (res) => {
      toast("季度考核已开启");
      list.reload(res.position);
    },
  });
  body.append(placeLine("单位", nameOf("unit", unit)), section("开启新季度", disclosure("开启季度考核", open)), section("各季度", list));
}

// --- indicator scheme ---------------------------------------------------------------------------

const DIMENSIONS = ["德", "能", "勤", "绩", "廉"];
const TEMPLATE = [
  { code: "de-1", name: "政治素质与职业道德", kind: "common", dimension: "德", max_points: 15 },
  { code: "neng-1", name: "业务能力与履职水平", kind: "common", dimension: "能", max_points: 20 },
  { code: "qin-1", name: "工作态度与纪律出勤", kind: "common", dimension: "勤", max_points: 15 },
  { code: "ji-1", name: "工作实绩与任务完成", kind: "common", dimension: "绩", max_points: 40 },
  { code: "lian-1", name: "廉洁自律", kind: "common", dimension: "廉", max_points: 10 },
];

function indicatorRow(index, value, onChange, onRemove) {
  const at = (name) => `indicators.${index}.${name}`;
  const code = h("input", { type: "text", name: at("code"), value: value.code, maxlength: 40, autocomplete: "off" });
  const name = h("input", { type: "text", name: at("name"), value: value.name, maxlength: 60 });
  const kind = h("select", { name: at("kind") }, Object.entries(INDICATOR_KINDS).map(([k, t]) => h("option", { value: k, selected: k === value.kind }, t)));
  const dimension = h("select", { name: at("dimension") }, DIMENSIONS.map((d) => h("option", { value: d, selected: d === value.dimension }, d)));
  const points = h("input", { type: "number", name: at("max_points"), value: value.max_points, min: "0.5", max: "100", step: "0.5" });
  for (const c of [code, name, kind, dimension, points]) c.addEventListener("input", onChange);
  const legend = uid("ind");
  const root = h(
    "fieldset",
    { class: "item indicator", "aria-labelledby": legend },
    h("legend", { id: legend }, `第 ${index + 1} 项指标`),
    h("div", { class: "grid2" }, field({ label: "编号", name: at("code"), control: code }), field({ label: "名称", name: at("name"), control: name })),
    h("div", { class: "grid2" }, field({ label: "类别", name: at("kind"), control: kind }), field({ label: "维度", name: at("dimension"), control: dimension })),
    field({ label: "分值", name: at("max_points"), control: points }),
    h("button", { type: "button", class: "btn link", onclick: onRemove }, `删除第 ${index + 1} 项`),
  );
  root.value = () => ({ code: code.value.trim(), name: name.value.trim(), kind: kind.value, dimension: dimension.value, max_points: points.value === "" ? null : Number(points.value) });
  return root;
}

function schemeEditor(unit, year, scheme, onSaved) {
  const rows = h("div", { class: "indicators" });
  const totals = h("div", { class: "stats", role: "group", "aria-label": "分值合计", "aria-live": "polite" });
  let editors = [];
  function recount() {
    const values = editors.map((e) => e.value());
    const sum = (kinds) => values.filter((v) => kinds.includes(v.kind)).reduce((a, v) => a + (v.max_points || 0), 0);
    const scored = sum(["common", "individual"]);
    const bonus = sum(["highlight"]);
    replace(totals, stat("共性+个性（应为 100）", fmtNumber(scored, 1), scored === 100 ? "ok" : "bad"), stat("加分合计（不超过 20）", fmtNumber(bonus, 1), bonus > 20 ? "bad" : ""), stat("指标数", editors.length));
  }
  function draw(values) {
    editors = values.map((v, i) =>
      indicatorRow(i, v, recount, () => {
        const kept = editors.map((e) => e.value());
        kept.splice(i, 1);
        draw(kept);
      }),
    );
    replace(rows, editors.length ? editors : empty("还没有指标", "请添加指标，或从模板开始。"));
    recount();
  }
  draw(scheme ? scheme.indicators : TEMPLATE);
  const add = h("button", { type: "button", class: "btn" }, "＋ 添加指标");
  add.addEventListener("click", () => {
    draw([...editors.map((e) => e.value()), { code: "", name: "", kind: "individual", dimension: "绩", max_points: 5 }]);
    editors[editors.length - 1].querySelector("input").focus();
  });
  const submit = h("button", { type: "submit", class: "btn primary" }, "保存指标体系");
  const form = h(
    "form",
    { class: "action-form", novalidate: true, "aria-label": `${year} 年指标体系` },
    h("p", { class: "muted small" }, scheme ? `当前第 ${scheme.revision} 版。季度考核开启后本年度指标体系不能再修改。` : `本单位尚未制定 ${year} 年指标体系，下面是模板，可按本单位实际修改。`),
    totals,
    h("p", { class: "field-error", dataset: { errorFor: "indicators" }, "aria-live": "polite" }),
    rows,
    h("div", { class: "actions" }, formBanner(), add, submit),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (isBusy(submit)) return;
    clearErrors(form);
    try {
      const result = await busy(submit, () => command(`${API}/units/${encodeURIComponent(unit)}/schemes/${year}`, { indicators: editors.map((e) => e.value()) }, { method: "PUT" }));
      forgetScheme(unit, year);
      toast(`${year} 年指标体系已保存`);
      onSaved(result.position);
    } catch (error) {
      showErrors(form, error);
    }
  });
  return form;
}

function renderScheme(body, { user, query }) {
  const unit = unitOf(user, query);
  if (!unit) {
    body.append(empty("你的账号未归属单位"));
    return;
  }
  const now = Number(thisQuarter().slice(0, 4));
  const picker = h("select", { name: "year" }, [now + 1, now, now - 1].map((y) => h("option", { value: y, selected: String(y) === (query.get("year") || String(now)) }, `${y} 年`)));
  const slot = h("div");
  function show(after) {
    const year = Number(picker.value);
    into(
      slot,
      () =>
        get(`${API}/units/${encodeURIComponent(unit)}/schemes/${year}`, { after }).catch((error) => {
          if (error.code === "scheme_not_found") return null;
          throw error;
        }),
      (scheme) => schemeEditor(unit, year, scheme, show),
    );
  }
  picker.addEventListener("change", () => show());
  body.append(placeLine("单位", nameOf("unit", unit)), field({ label: "年度", name: "year", control: picker }), section("指标体系", slot));
  show();
}

// --- submission deadlines -----------------------------------------------------------------------

const WEEKDAYS = ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"];

function deadlinesText(d) {
  const hour = (n) => `${String(n).padStart(2, "0")}:00`;
  return [`周纪实：次周${WEEKDAYS[d.log_weekday - 1] || `第 ${d.log_weekday} 天`} ${hour(d.log_hour)} 前`, `月度小结：次月 ${d.summary_day} 日 ${hour(d.summary_hour)} 前`];
}

function deadlinesForm(unit, current, onSaved) {
  return actionForm({
    label: "提交截止时间",
    fields: [
      { name: "log_weekday", label: "周纪实截止：次周星期几", type: "select", options: WEEKDAYS.map((d, i) => [String(i + 1), d]), value: String(current.log_weekday) },
      { name: "log_hour", label: "周纪实截止：几点（0–23 时，北京时间）", type: "number", value: current.log_hour, required: true },
      { name: "summary_day", label: "月度小结截止：次月几号（1–28）", type: "number", value: current.summary_day, required: true, hint: "为保证每个月都有这一天，最晚为 28 号。" },
      { name: "summary_hour", label: "月度小结截止：几点（0–23 时，北京时间）", type: "number", value: current.summary_hour, required: true },
    ],
    submitLabel: "保存截止时间",
    send: (v) => command(`${API}/units/${encodeURIComponent(unit)}/deadlines`, { ...v, log_weekday: Number(v.log_weekday) }, { method: "PUT" }),
    done: (res, v) => {
      toast("提交截止时间已保存");
      onSaved({ ...v, log_weekday: Number(v.log_weekday) });
    },
  });
}

function renderDeadlines(body, { user, query }) {
  const unit = unitOf(user, query);
  if (!unit) {
    body.append(empty("你的账号未归属单位"));
    return;
  }
  const summary = h("div", { role: "status", "aria-live": "polite" });
  const slot = h("div");
  function describe(d) {
    replace(summary, h("ul", { class: "items", "aria-label": "当前截止时间" }, deadlinesText(d).map((t) => h("li", {}, t))));
  }
  into(
    slot,
    () => get(`${API}/units/${encodeURIComponent(unit)}/deadlines`),
    (current) => {
      describe(current);
      return deadlinesForm(unit, current, describe);
    },
  );
  body.append(
    placeLine("单位", nameOf("unit", unit)),
    section("当前截止时间", summary, h("p", { class: "muted small" }, "逾期提交的周纪实和月度小结会标记为迟交（北京时间）。")),
    section("修改截止时间", slot),
  );
}

export const screens = [
  {
    path: "/admin/roster",
    title: "花名册",
    desc: "Excel 导入花名册，逐行错误报告",
    roles: ["unit_admin"],
    requires: ["appraisal POST /api/v1/units/{unit_id}/roster-imports", "appraisal GET /api/v1/units/{unit_id}/people"],
    render: renderRoster,
  },
  {
    path: "/admin/scheme",
    title: "指标体系",
    desc: "共性、个性、加分、减分指标及分值",
    roles: ["unit_admin"],
    requires: ["appraisal PUT /api/v1/units/{unit_id}/schemes/{year}", "appraisal GET /api/v1/units/{unit_id}/schemes/{year}"],
    render: renderScheme,
  },
  {
    path: "/admin/quarters",
    title: "季度考核管理",
    desc: "开启季度、发布结果、确认结果",
    roles: ["unit_admin"],
    requires: ["appraisal POST /api/v1/units/{unit_id}/quarters", "appraisal GET /api/v1/units/{unit_id}/quarters"],
    render: renderQuarters,
  },
  {
    path: "/admin/deadlines",
    title: "提交截止时间",
    desc: "周纪实、月度小结的截止时间",
    roles: ["unit_admin"],
    requires: ["appraisal GET /api/v1/units/{unit_id}/deadlines", "appraisal PUT /api/v1/units/{unit_id}/deadlines"],
    render: renderDeadlines,
  },
];
