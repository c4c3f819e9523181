// Unit administrators (单位考核管理员): the roster with an Excel import and its row-by-row error
// report; the unit's quarters — open one, publish its results.

import { ApiError, command, get, newKey, request } from "../lib/api.js";
import { fmtDateTime, fmtNumber, h, replace } from "../lib/dom.js";
import { actionForm, badge, busy, clearErrors, disclosure, empty, field, formBanner, pagedList, section, showErrors, table, toast } from "../lib/ui.js";
import { thisQuarter } from "../lib/weeks.js";

const API = "/api/appraisal/api/v1";
const STATUS = { open: ["考核中", "warn"], published: ["公示中", ""], finalized: ["已完成", "ok"] };
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
    formBanner(),
    field({ label: "花名册 Excel 文件（.xlsx，不超过 2 MB）", name: "file", control: file, hint: `第一行为表头：${COLUMNS}` }),
    h("div", { class: "actions" }, submit),
    report,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    replace(report);
    if (!file.files.length) {
      showErrors(form, new ApiError({ status: 422, code: "required", detail: "请选择文件", errors: [{ field: "file", message: "请选择要导入的 .xlsx 文件" }] }));
      return;
    }
    const data = new FormData();
    data.append("file", file.files[0]);
    try {
      const result = await busy(submit, () => request("POST", `${API}/units/${encodeURIComponent(unit)}/roster-imports`, { form: data, idempotencyKey: newKey() }), "正在导入…");
      const d = result.data || {};
      replace(
        report,
        h("p", { class: `notice ${d.rows_rejected ? "warn" : "ok"}`, role: "status" }, `已导入 ${fmtNumber(d.rows_enrolled)} 人${d.rows_rejected ? `，${fmtNumber(d.rows_rejected)} 行未导入，请修改后重新导入这些行` : ""}。`),
        d.errors?.length
          ? table(
              [
                { label: "行号", num: true, cell: (e) => e.row },
                { label: "列", cell: (e) => e.field },
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
  const slot = h("div");
  let after;
  function show(position) {
    if (position) after = position;
    replace(
      slot,
      pagedList({
        label: "花名册",
        limit: 15,
        load: ({ limit, offset }) => get(`${API}/units/${encodeURIComponent(unit)}/people`, { active: active.value || undefined, limit, offset, after }),
        item: (p) =>
          h(
            "li",
            { dataset: { person: p.person_id } },
            h("div", { class: "spread" }, h("span", { class: "title" }, p.person_name), p.active ? badge(p.section_name || "未分股室") : badge("已离开", "warn")),
            h("p", { class: "muted small" }, [p.person_id, p.position, `入册 ${p.enrolled_on}`, p.left_on ? `离开 ${p.left_on}` : null].filter(Boolean).join(" · ")),
          ),
        emptyTitle: "花名册为空",
        emptyHint: "用上方的 Excel 导入，或逐人登记。",
      }),
    );
  }
  active.addEventListener("change", () => show());
  body.append(h("p", { class: "muted" }, `单位：${unit}`), section("导入花名册", importForm(unit, show)), section("花名册", h("div", { class: "field" }, active), slot));
  show();
}

// --- quarters -----------------------------------------------------------------------------------

function quarterRow(unit, q, reload) {
  const base = `${API}/units/${encodeURIComponent(unit)}/quarters/${q.quarter}`;
  const [label, tone] = STATUS[q.status] || [q.status, ""];
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
  const slot = h("div");
  let after;
  function show(position) {
    if (position) after = position;
    replace(
      slot,
      pagedList({
        label: "季度考核",
        limit: 8,
        load: ({ limit, offset }) => get(`${API}/units/${encodeURIComponent(unit)}/quarters`, { limit, offset, after }),
        item: (q) => quarterRow(unit, q, show),
        emptyTitle: "还没有开启过季度考核",
      }),
    );
  }
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
      show(res.position);
    },
  });
  body.append(h("p", { class: "muted" }, `单位：${unit}`), section("开启新季度", disclosure("开启季度考核", open)), section("各季度", slot));
  show();
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
    path: "/admin/quarters",
    title: "季度考核管理",
    desc: "开启季度、发布结果",
    roles: ["unit_admin"],
    requires: ["appraisal POST /api/v1/units/{unit_id}/quarters", "appraisal GET /api/v1/units/{unit_id}/quarters"],
    render: renderQuarters,
  },
];
