// District administrators (区委组织部) over the reporting service: notices (generate for a period,
// read, download Word / Excel), bulletins (compose from text and figure blocks, read, download
// Word), statistics with filters and the Excel export, and archives — a person's growth archive,
// a village's file, a ticket's history. Staff read their own growth archive here too.

import { ApiError, command, get, query } from "../lib/api.js";
import { fmtDate, fmtDateTime, h, replace, uid } from "../lib/dom.js";
import { asOfField } from "../lib/history.js";
import { LEADER_ROLES } from "../lib/roles.js";
import { navigate } from "../lib/router.js";
import {
  badge,
  disclosure,
  downloadButton,
  empty,
  field,
  figureView,
  into,
  loading,
  ownForm,
  pagedList,
  section,
  table,
  toast,
} from "../lib/ui.js";
import { shiftWeek, thisMonth, thisQuarter, thisWeek } from "../lib/weeks.js";
import { nameOf, scopeName } from "../lib/names.js";
import { BASE } from "../lib/services.js";
import { DEMONSTRATION_LEVELS, NOTICE_KINDS, REVISIT_ANSWERS, TICKET_STATES, labelOf } from "../lib/labels.js";

const API = BASE.reporting;
const APPRAISAL = BASE.appraisal;
const VILLAGE = BASE.village;
const GRID = BASE.grid;
const DISTRICT = ["district_admin"];
const READERS = ["district_admin", "unit_admin"];

export const FIGURES = {
  log_submission: "周纪实提交情况",
  summary_submission: "月小结提交情况",
  review_progress: "季度考评进度与“好”等次使用",
  result_use_by_kind: "考核结果运用（按类别）",
  result_use_by_unit: "考核结果运用（按单位）",
  ticket_departments: "职能部门接单办理情况",
  grid_overview: "网格上报与微心愿",
  project_ranking: "书记项目进度排名",
  projects_behind: "进度滞后的书记项目",
  funds_by_source: "项目资金来源",
};
const PERIOD_HINT = "周如 2026-W47，月如 2026-11，季度如 2026-Q4，年如 2026";

function previousMonth() {
  const [y, m] = thisMonth().split("-").map(Number);
  const d = new Date(Date.UTC(y, m - 2, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
}

function previousQuarter() {
  const [y, q] = [Number(thisQuarter().slice(0, 4)), Number(thisQuarter().slice(6))];
  return q === 1 ? `${y - 1}-Q4` : `${y}-Q${q - 1}`;
}

const DEFAULT_PERIOD = { weekly: () => shiftWeek(thisWeek(), -1), monthly: previousMonth, quarterly: previousQuarter };

// --- notices ------------------------------------------------------------------------------------

function noticeRow(n) {
  return h(
    "li",
    { class: "notice-row", dataset: { notice: n.id } },
    h(
      "a",
      { class: "row-link", href: `/district/notices/${n.id}` },
      h("div", { class: "spread" }, h("span", { class: "title" }, n.code), badge(n.kind_name)),
      h("p", {}, n.title),
      h("p", { class: "muted small" }, `${n.period} · 生成于 ${fmtDateTime(n.generated_at)}`),
    ),
  );
}

function renderNotices(body, { user }) {
  const kindFilter = h("select", { name: "kind" }, h("option", { value: "" }, "全部类别"), Object.entries(NOTICE_KINDS).map(([k, v]) => h("option", { value: k }, v)));
  const slot = h("div");
  function show() {
    replace(
      slot,
      pagedList({
        label: "通报列表",
        limit: 10,
        load: ({ limit, offset }) => get(`${API}/notices`, { kind: kindFilter.value || undefined, limit, offset }),
        item: noticeRow,
        emptyTitle: kindFilter.value ? `还没有${NOTICE_KINDS[kindFilter.value]}` : "还没有生成通报",
        emptyHint: "系统每周、每月、每季度自动生成，也可以在上方为某一期间生成。",
      }),
    );
  }
  kindFilter.addEventListener("change", show);
  const parts = [];
  if (user.roles.includes("district_admin")) {
    const kind = h("select", { name: "kind" }, Object.entries(NOTICE_KINDS).map(([k, v]) => h("option", { value: k }, v)));
    const period = h("input", { type: "text", name: "period", value: DEFAULT_PERIOD.weekly(), required: true, autocomplete: "off" });
    kind.addEventListener("change", () => {
      period.value = DEFAULT_PERIOD[kind.value]();
    });
    const existing = h("div", { "aria-live": "polite" });
    const form = ownForm({
      label: "生成通报",
      parts: [field({ label: "通报类别", name: "kind", control: kind }), field({ label: "期间", name: "period", control: period, hint: PERIOD_HINT }), existing],
      submitLabel: "生成通报",
      send: async () => {
        replace(existing);
        if (!period.value.trim()) throw new ApiError({ status: 422, code: "required", detail: "请填写期间", errors: [{ field: "period", message: "必填" }] });
        try {
          return await command(`${API}/notices`, { kind: kind.value, period: period.value.trim() });
        } catch (error) {
          if (error.code === "notice_exists" && error.extra?.notice_id) {
            replace(existing, h("p", { class: "notice warn" }, h("a", { href: `/district/notices/${error.extra.notice_id}` }, "打开已生成的这一期通报")));
          }
          throw error;
        }
      },
      done: (notice) => {
        toast(`已生成 ${notice.code}`);
        navigate(`/district/notices/${notice.id}`);
      },
    });
    parts.push(section("生成通报", disclosure("为某一期间生成通报", form)));
  }
  body.append(...parts, section("通报", field({ label: "类别", name: "kind-filter", control: kindFilter }), slot));
  show();
}

function renderNotice(body, { params }) {
  into(
    body,
    () => get(`${API}/notices/${encodeURIComponent(params.id)}`),
    (n) => [
      h("p", { class: "muted" }, `${n.code} · ${n.kind_name} · ${n.period}`),
      h(
        "div",
        { class: "row", role: "group", "aria-label": "下载" },
        downloadButton("下载 Word", `${API}/notices/${n.id}.docx`, `${n.code}.docx`),
        downloadButton("下载 Excel", `${API}/notices/${n.id}.xlsx`, `${n.code}.xlsx`),
      ),
      section(n.title, h("p", { class: "muted small" }, `${n.issuer} · 生成于 ${fmtDateTime(n.generated_at)}`), h("p", {}, n.summary)),
      n.sections.map((f) => section(f.title, figureView(f, { heading: false }))),
    ],
  );
}

// --- bulletins ----------------------------------------------------------------------------------

function renderBulletins(body, { user }) {
  body.append(
    ...(user.roles.includes("district_admin") ? [h("p", {}, h("a", { class: "btn primary", href: "/district/bulletins/new" }, "编发新一期简报"))] : []),
    section(
      "各期简报",
      pagedList({
        label: "简报列表",
        limit: 10,
        load: ({ limit, offset }) => get(`${API}/bulletins`, { limit, offset }),
        item: (b) =>
          h(
            "li",
            { class: "bulletin-row", dataset: { bulletin: b.id } },
            h(
              "a",
              { class: "row-link", href: `/district/bulletins/${b.id}` },
              h("div", { class: "spread" }, h("span", { class: "title" }, `${b.series} ${b.issue_label}`), h("span", { class: "muted small" }, fmtDate(b.issued_on))),
              h("p", {}, b.title),
            ),
          ),
        emptyTitle: "还没有编发简报",
      }),
    ),
  );
}

function figureSectionView(s) {
  if (s.kind === "text") return h("p", { class: "prewrap" }, s.text);
  if (!s.figure) return h("p", { class: "muted" }, "（数据缺失）");
  return figureView({ ...s.figure, title: s.figure.title || FIGURES[s.figure.key] || s.figure.key }, { display: s.display });
}

function renderBulletin(body, { params }) {
  into(
    body,
    () => get(`${API}/bulletins/${encodeURIComponent(params.id)}`),
    (b) => [
      h("p", { class: "muted" }, `${b.series} ${b.issue_label} · ${b.issuer} · ${fmtDate(b.issued_on)}`),
      h("div", { class: "row", role: "group", "aria-label": "下载" }, downloadButton("下载 Word", `${API}/bulletins/${b.id}.docx`, `${b.series}${b.issue_label}.docx`)),
      section(
        b.title,
        b.editor_note ? h("p", { class: "notice" }, `编者按：${b.editor_note}`) : null,
        b.sections.map((s) => h("div", { class: "bulletin-section" }, s.heading ? h("h3", {}, s.heading) : null, figureSectionView(s))),
        b.distribution.length ? h("p", { class: "muted small" }, `报送：${b.distribution.join("，")}`) : null,
      ),
    ],
  );
}

/** One section of a bulletin being composed: a heading and either text or a figure block. */
function sectionEditor(index, onRemove) {
  const at = (name) => `sections.${index}.${name}`;
  const heading = h("input", { type: "text", maxlength: 100, name: at("heading") });
  const kind = h("select", { name: at("kind") }, h("option", { value: "text" }, "正文"), h("option", { value: "figure" }, "数据图表"));
  const text = h("textarea", { rows: 4, maxlength: 20000, name: at("text") });
  const key = h("select", { name: at("figure.key") }, Object.entries(FIGURES).map(([k, v]) => h("option", { value: k }, v)));
  const period = h("input", { type: "text", name: at("figure.period"), value: thisMonth(), autocomplete: "off" });
  const display = h("select", { name: at("figure.display") }, h("option", { value: "table" }, "表格"), h("option", { value: "sentence" }, "一句话"));
  const textPart = h("div", {}, field({ label: "正文", name: at("text"), control: text }));
  const figurePart = h(
    "div",
    { hidden: true },
    field({ label: "数据", name: at("figure.key"), control: key }),
    field({ label: "统计期间", name: at("figure.period"), control: period, hint: PERIOD_HINT }),
    field({ label: "呈现方式", name: at("figure.display"), control: display }),
  );
  kind.addEventListener("change", () => {
    textPart.hidden = kind.value !== "text";
    figurePart.hidden = kind.value !== "figure";
  });
  const legendId = uid("sec");
  const root = h(
    "fieldset",
    { class: "item bulletin-block", "aria-labelledby": legendId },
    h("legend", { id: legendId }, `第 ${index + 1} 节`),
    h("p", { class: "field-error", dataset: { errorFor: `sections.${index}` }, "aria-live": "polite" }),
    field({ label: "小标题", name: at("heading"), control: heading, hint: "如：一、总体情况（可空）" }),
    field({ label: "内容类型", name: at("kind"), control: kind }),
    textPart,
    figurePart,
    index ? h("button", { type: "button", class: "btn link", onclick: onRemove }, `删除第 ${index + 1} 节`) : null,
  );
  root.value = () => {
    const out = { heading: heading.value.trim() };
    if (kind.value === "text") out.text = text.value;
    else out.figure = { key: key.value, period: period.value.trim(), display: display.value };
    return out;
  };
  root.snapshot = () => ({ heading: heading.value, kind: kind.value, text: text.value, key: key.value, period: period.value, display: display.value });
  root.restore = (v) => {
    heading.value = v.heading;
    kind.value = v.kind;
    text.value = v.text;
    key.value = v.key;
    period.value = v.period;
    display.value = v.display;
    kind.dispatchEvent(new Event("change"));
  };
  return root;
}

function renderCompose(body) {
  const title = h("input", { type: "text", name: "title", maxlength: 120, required: true });
  const note = h("textarea", { name: "editor_note", rows: 2, maxlength: 2000 });
  const distribution = h("textarea", { name: "distribution", rows: 3, value: "市委组织部\n区委各常委\n各镇（街道）党（工）委" });
  const blocks = h("div", { class: "blocks" });
  let editors = [];
  function redraw(values) {
    editors = values.map((v, i) => {
      const ed = sectionEditor(i, () => {
        const kept = editors.map((e) => e.snapshot());
        kept.splice(i, 1);
        redraw(kept);
      });
      if (v) ed.restore(v);
      return ed;
    });
    replace(blocks, editors);
  }
  redraw([null]);
  const add = h("button", { type: "button", class: "btn" }, "＋ 添加一节");
  add.addEventListener("click", () => {
    redraw([...editors.map((e) => e.snapshot()), null]);
    editors[editors.length - 1].querySelector("input").focus();
  });
  const form = ownForm({
    label: "编发简报",
    parts: [
      field({ label: "简报标题", name: "title", control: title }),
      field({ label: "编者按", name: "editor_note", control: note }),
      h("div", { class: "field-error", dataset: { errorFor: "sections" }, "aria-live": "polite" }),
      blocks,
      h("p", {}, add),
      field({ label: "报送范围（每行一个）", name: "distribution", control: distribution }),
    ],
    submitLabel: "编发本期简报",
    send: () =>
      command(`${API}/bulletins`, {
        title: title.value.trim(),
        editor_note: note.value.trim(),
        sections: editors.map((e) => e.value()),
        distribution: distribution.value
          .split("\n")
          .map((s) => s.trim())
          .filter(Boolean),
      }),
    done: (b) => {
      toast(`已编发 ${b.series} ${b.issue_label}`);
      navigate(`/district/bulletins/${b.id}`);
    },
  });
  body.append(h("p", { class: "muted" }, "每节写正文或插入一张数据图表；图表按统计期间从各服务的读模型生成，编发时定稿。"), section("新一期简报", form));
}

// --- statistics ---------------------------------------------------------------------------------

async function options(load, value, label) {
  try {
    const page = await load();
    return page.items.map((x) => [value(x), label(x)]);
  } catch {
    return [];
  }
}

async function renderStatistics(body, { user, query: q }) {
  const district = user.roles.includes("district_admin");
  const [units, towns, communities] = await Promise.all([
    district ? options(() => get(`${APPRAISAL}/units`, { limit: 200 }), (u) => u.unit_id, (u) => u.unit_name) : [],
    district ? options(() => get(`${VILLAGE}/towns`, { limit: 200 }), (t) => t.town_id, (t) => t.name || t.town_name || t.town_id) : [],
    district ? options(() => get(`${GRID}/communities`, { limit: 200 }), (c) => c.community_id, (c) => c.name || c.community_id) : [],
  ]);
  const select = (name, list, allLabel) => h("select", { name }, h("option", { value: "" }, allLabel), list.map(([v, t]) => h("option", { value: v, selected: v === q.get(name) }, t)));
  const period = h("input", { type: "text", name: "period", value: q.get("period") || thisQuarter(), autocomplete: "off" });
  const unit = select("unit", units, "全部单位");
  const town = select("town", towns, "全部镇");
  const community = select("community", communities, "全部社区");
  // The figures as they stood at a chosen time, folded again from the events; empty: now.
  const asOf = asOfField(q.get("as_of"));
  const result = h("div", { "aria-live": "polite" });
  const form = ownForm({
    label: "统计条件",
    parts: [
      field({ label: "统计期间", name: "period", control: period, hint: PERIOD_HINT }),
      district ? h("div", { class: "grid2" }, field({ label: "单位（考核数据）", name: "unit", control: unit }), field({ label: "镇（乡村数据）", name: "town", control: town })) : null,
      district ? field({ label: "社区（网格数据）", name: "community", control: community }) : null,
      asOf.element,
    ],
    submitLabel: "统计",
    send: async () => {
      const params = { period: period.value.trim(), unit: district ? unit.value : undefined, town: district ? town.value : undefined, community: district ? community.value : undefined, as_of: asOf.value() };
      history.replaceState(null, "", query(params) || location.pathname);
      replace(result, loading("正在统计…"));
      try {
        const stats = await get(`${API}/statistics`, params);
        const [unitName, townName, communityName] = await Promise.all([nameOf("unit", stats.scope.unit), nameOf("town", stats.scope.town), nameOf("community", stats.scope.community)]);
        const scope = [stats.scope.unit && `单位 ${unitName}`, stats.scope.town && `镇 ${townName}`, stats.scope.community && `社区 ${communityName}`].filter(Boolean).join("，");
        return { stats, params, scope };
      } catch (error) {
        replace(result, empty("没有统计结果", error.errors?.length ? "请按上方提示修改统计条件。" : error.detail));
        throw error;
      }
    },
    done: ({ stats, params, scope }) => {
      replace(
        result,
        stats.as_of ? h("p", { class: "notice", role: "status" }, `这是 ${fmtDateTime(stats.as_of)} 时的统计，由当时已记录的事件重算`) : null,
        h("div", { class: "spread" }, h("p", { class: "muted" }, `${stats.period_label}${scope ? ` · ${scope}` : " · 全部"}`), downloadButton("导出 Excel", `${API}/statistics.xlsx${query(params)}`, `统计报表-${stats.period}.xlsx`)),
        stats.figures.map((f) => section(f.title, figureView(f, { heading: false }))),
      );
    },
  });
  body.append(section("统计条件", form), result);
  asOf.onChange(() => form.requestSubmit());
  form.requestSubmit();
}

// --- archives -----------------------------------------------------------------------------------

function timeline(path, label) {
  return pagedList({
    label,
    limit: 15,
    load: async ({ limit, offset }) => (await get(path, { limit, offset })).timeline,
    item: (e) =>
      h(
        "li",
        { class: "entry", dataset: { type: e.type } },
        h("div", { class: "spread" }, h("span", { class: "title" }, e.title), h("span", { class: "muted small" }, fmtDateTime(e.at))),
        e.detail?.comment || e.detail?.reason || e.detail?.notes ? h("p", { class: "small" }, e.detail.comment || e.detail.reason || e.detail.notes) : null,
      ),
    emptyTitle: "档案中还没有记录",
  });
}

function facts(pairs) {
  return h(
    "dl",
    { class: "facts" },
    pairs.filter(([, v]) => v !== null && v !== undefined && v !== "").map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]),
  );
}

function renderPersonArchive(body, person) {
  const path = `${API}/archives/people/${encodeURIComponent(person)}`;
  const head = h("div");
  body.append(head);
  into(
    head,
    () => get(path, { limit: 1 }),
    (a) => [
      section(
        a.name || a.person_id,
        facts([
          ["单位", a.unit_name || a.unit_id],
          ["人员编号", a.person_id],
          ["状态", a.active === false ? "已离开" : "在册"],
        ]),
      ),
      section(
        "季度等次",
        a.quarters.length
          ? table(
              [
                { label: "季度", cell: (r) => r.quarter },
                { label: "等次", cell: (r) => (r.grade ? h("strong", { dataset: { grade: r.quarter } }, r.grade) : "—") },
                { label: "股组长", cell: (r) => r.section_chief || "—" },
                { label: "分管领导", cell: (r) => r.deputy_leader || "—" },
                { label: "主要领导", cell: (r) => r.principal_leader || "—" },
                { label: "状态", cell: (r) => (r.finalized ? "已完成" : r.published ? "公示中" : "考核中") },
                { label: "调整/复核", cell: (r) => (r.adjustments || r.appeals ? `${r.adjustments}/${r.appeals}` : "—") },
              ],
              a.quarters,
              "季度等次",
            )
          : empty("还没有季度考核记录"),
      ),
      a.annual.length ? section("年度评鉴", table([{ label: "年度", cell: (r) => r.year }, { label: "等次", cell: (r) => r.grade || "—" }], a.annual, "年度评鉴")) : null,
      section("成长记录", timeline(path, "成长记录")),
    ],
  );
}

function renderVillageArchive(body, village) {
  const path = `${API}/archives/villages/${encodeURIComponent(village)}`;
  into(
    body,
    () => get(path, { limit: 1 }),
    (v) => [
      section(
        v.name || v.village_id,
        facts([
          ["所属镇", v.town_name || null],
          ["示范等级", labelOf(DEMONSTRATION_LEVELS, v.level)],
          ["薄弱村", v.weak_year ? `${v.weak_year} 年认定${v.rectified ? "，已整顿" : ""}` : "否"],
        ]),
      ),
      v.incomes.length
        ? section(
            "集体经济收入",
            table(
              [
                { label: "年度", cell: (r) => r.year },
                { label: "收入（万元）", num: true, cell: (r) => (r.income_fen === null ? "—" : (r.income_fen / 1e6).toFixed(2)) },
                { label: "奖励（万元）", num: true, cell: (r) => (r.bonus_fen === null ? "—" : (r.bonus_fen / 1e6).toFixed(2)) },
              ],
              v.incomes,
              "集体经济收入",
            ),
          )
        : null,
      section("村档案记录", timeline(path, "村档案记录")),
    ],
  );
}

function renderTicketArchive(body, ticket) {
  const path = `${API}/archives/tickets/${encodeURIComponent(ticket)}`;
  into(
    body,
    async () => {
      const t = await get(path, { limit: 1 });
      const [communityName, departmentName] = await Promise.all([nameOf("community", t.community_id), nameOf("department", t.department_id)]);
      return { ...t, communityName, departmentName };
    },
    (t) => [
      section(
        t.title || t.ticket_id,
        facts([
          ["状态", t.status ? labelOf(TICKET_STATES, t.status) : null],
          ["社区", t.community_id ? t.communityName : null],
          ["承办部门", t.department_id ? t.departmentName : null],
          ["派单时间", t.dispatched_at ? fmtDateTime(t.dispatched_at) : null],
          ["办理时限", t.deadline ? fmtDateTime(t.deadline) : null],
          ["满意度", t.satisfaction ? labelOf(REVISIT_ANSWERS, t.satisfaction) : null],
        ]),
        h("p", {}, h("a", { href: `/tickets/${encodeURIComponent(t.ticket_id)}` }, "打开工单")),
      ),
      section("办理全过程", timeline(path, "办理全过程")),
    ],
  );
}

function idSearch({ label, name, placeholder, go }) {
  const input = h("input", { type: "search", name, placeholder, autocomplete: "off", pattern: "[A-Za-z0-9_.:-]+" });
  const form = ownForm({
    label,
    parts: [field({ label, name, control: input })],
    submitLabel: "查档案",
    send: async () => {
      const value = input.value.trim();
      if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(value)) {
        throw new ApiError({ status: 422, code: "invalid", detail: "编号有误", errors: [{ field: name, message: "请输入编号（字母、数字、下划线或连字符）" }] });
      }
      return value;
    },
    done: go,
  });
  return form;
}

/** Growth archives found by a person's name and unit (the service refuses an empty search). */
function nameSearch() {
  const name = h("input", { type: "search", name: "name", maxlength: 40, autocomplete: "off", placeholder: "如 张伟" });
  const unit = h("input", { type: "search", name: "unit", maxlength: 100, autocomplete: "off", placeholder: "单位名称中的几个字，可不填" });
  const hits = h("div");
  const form = ownForm({
    label: "按姓名查找",
    parts: [h("div", { class: "grid2" }, field({ label: "姓名", name: "name", control: name }), field({ label: "单位", name: "unit", control: unit }))],
    submitLabel: "查找",
    send: async () => {
      const params = { name: name.value.trim(), unit: unit.value.trim() };
      await get(`${API}/archives/people`, { ...params, limit: 1 });
      return params;
    },
    done: (params) =>
      replace(
        hits,
        pagedList({
          label: "查找结果",
          limit: 10,
          load: ({ limit, offset }) => get(`${API}/archives/people`, { ...params, limit, offset }),
          item: (p) =>
            h(
              "li",
              { dataset: { person: p.person_id } },
              h(
                "a",
                { class: "row-link", href: `/archives/people/${encodeURIComponent(p.person_id)}` },
                h("div", { class: "spread" }, h("span", { class: "title" }, p.name || p.person_id), p.active ? null : badge("已离开", "warn")),
                h("p", { class: "muted small" }, p.unit_name || "—"),
              ),
            ),
          emptyTitle: "没有找到此人",
          emptyHint: "换几个字或去掉单位再试。",
        }),
      ),
  });
  return h("div", {}, form, hits);
}

async function renderArchives(body, { user, query: q }) {
  const district = user.roles.includes("district_admin");
  const TABS = [
    ["person", "干部成长档案"],
    ...(district ? [["village", "村档案"], ["ticket", "工单档案"]] : []),
  ];
  let current = q.get("tab") || "person";
  const bar = h("div", { class: "tabs", role: "tablist", "aria-label": "档案类别" });
  const panel = h("div", { role: "tabpanel" });
  function select(key) {
    current = key;
    history.replaceState(null, "", `?tab=${key}`);
    for (const b of bar.children) b.setAttribute("aria-selected", String(b.dataset.tab === key));
    if (key === "person") drawPeople();
    else if (key === "village") drawVillages();
    else drawTickets();
  }
  for (const [key, label] of TABS) {
    bar.append(h("button", { type: "button", role: "tab", class: "tab", dataset: { tab: key }, "aria-selected": String(key === current), onclick: () => select(key) }, label));
  }

  async function drawPeople() {
    const units = district ? await options(() => get(`${APPRAISAL}/units`, { limit: 200 }), (u) => u.unit_id, (u) => u.unit_name) : [[user.scopes?.unit, await scopeName(user, "unit")]];
    const picker = h("select", { name: "unit" }, units.map(([v, t]) => h("option", { value: v, selected: v === q.get("unit") }, t)));
    const list = h("div");
    function show() {
      if (!picker.value) {
        replace(list, empty("没有可查看的单位"));
        return;
      }
      replace(
        list,
        pagedList({
          label: "人员",
          limit: 15,
          load: ({ limit, offset }) => get(`${APPRAISAL}/units/${encodeURIComponent(picker.value)}/people`, { active: "", limit, offset }),
          item: (p) =>
            h(
              "li",
              { dataset: { person: p.person_id } },
              h("a", { class: "row-link", href: `/archives/people/${encodeURIComponent(p.person_id)}` }, h("div", { class: "spread" }, h("span", { class: "title" }, p.person_name), p.active ? badge(p.section_name || "未分股室") : badge("已离开", "warn")), h("p", { class: "muted small" }, [p.person_id, p.position].filter(Boolean).join(" · "))),
            ),
          emptyTitle: "该单位花名册为空",
        }),
      );
    }
    picker.addEventListener("change", show);
    replace(
      panel,
      nameSearch(),
      idSearch({ label: "人员编号", name: "person_id", placeholder: "如 zzb-027", go: (id) => navigate(`/archives/people/${encodeURIComponent(id)}`) }),
      field({ label: "或按单位查找", name: "unit", control: picker }),
      list,
    );
    show();
  }

  async function drawVillages() {
    const towns = await options(() => get(`${VILLAGE}/towns`, { limit: 200 }), (t) => t.town_id, (t) => t.name || t.town_name || t.town_id);
    const picker = h("select", { name: "town" }, h("option", { value: "" }, "全部镇"), towns.map(([v, t]) => h("option", { value: v }, t)));
    const list = h("div");
    function show() {
      replace(
        list,
        pagedList({
          label: "村",
          limit: 15,
          load: ({ limit, offset }) => get(`${VILLAGE}/villages`, { town: picker.value || undefined, limit, offset }),
          item: (v) =>
            h("li", { dataset: { village: v.village_id } }, h("a", { class: "row-link", href: `/archives/villages/${encodeURIComponent(v.village_id)}` }, h("span", { class: "title" }, v.name), h("p", { class: "muted small" }, [v.town_name, v.village_id].filter(Boolean).join(" · ")))),
          emptyTitle: "没有村",
        }),
      );
    }
    picker.addEventListener("change", show);
    replace(panel, idSearch({ label: "村编号", name: "village_id", placeholder: "如 610305107201", go: (id) => navigate(`/archives/villages/${encodeURIComponent(id)}`) }), field({ label: "或按镇查找", name: "town", control: picker }), list);
    show();
  }

  function drawTickets() {
    replace(
      panel,
      idSearch({ label: "工单编号", name: "ticket_id", placeholder: "如 tkt_…", go: (id) => navigate(`/archives/tickets/${encodeURIComponent(id)}`) }),
      section(
        "超期未办结的工单",
        pagedList({
          label: "超期工单",
          limit: 10,
          load: ({ limit, offset }) => get(`${GRID}/boards/overdue`, { limit, offset }),
          item: (t) =>
            h("li", { dataset: { ticket: t.ticket_id } }, h("a", { class: "row-link", href: `/archives/tickets/${encodeURIComponent(t.ticket_id)}` }, h("span", { class: "title" }, t.title), h("p", { class: "muted small" }, `${t.state_name} · 时限 ${fmtDateTime(t.deadline)}`))),
          emptyTitle: "没有超期工单",
        }),
      ),
    );
  }

  body.append(...(TABS.length > 1 ? [bar] : []), panel);
  select(TABS.some(([k]) => k === current) ? current : "person");
}

function archiveScreen(render) {
  return (body, { params }) => render(body, params.id);
}

export const screens = [
  { path: "/district/notices", title: "通报", desc: "周、月、季度通报：生成、查看、下载 Word/Excel", roles: READERS, requires: ["reporting GET /api/v1/notices"], render: renderNotices },
  { path: "/district/notices/:id", title: "通报", hidden: true, roles: READERS, requires: ["reporting GET /api/v1/notices/{notice_id}"], render: renderNotice },
  { path: "/district/bulletins", title: "简报", desc: "编发简报（正文与数据图表），下载 Word", roles: READERS, requires: ["reporting GET /api/v1/bulletins"], render: renderBulletins },
  { path: "/district/bulletins/new", title: "编发简报", hidden: true, roles: DISTRICT, requires: ["reporting POST /api/v1/bulletins"], render: renderCompose },
  { path: "/district/bulletins/:id", title: "简报", hidden: true, roles: READERS, requires: ["reporting GET /api/v1/bulletins/{bulletin_id}"], render: renderBulletin },
  { path: "/district/statistics", title: "一键统计", desc: "按期间、单位、镇、社区统计，导出 Excel", roles: READERS, requires: ["reporting GET /api/v1/statistics"], render: renderStatistics },
  { path: "/archives", title: "档案查询", desc: "干部成长档案、村档案、工单档案", roles: READERS, requires: ["reporting GET /api/v1/archives/people/{person_id}"], render: renderArchives },
  { path: "/archives/people/:id", title: "干部成长档案", hidden: true, roles: READERS, requires: ["reporting GET /api/v1/archives/people/{person_id}"], render: archiveScreen(renderPersonArchive) },
  { path: "/archives/villages/:id", title: "村档案", hidden: true, roles: DISTRICT, requires: ["reporting GET /api/v1/archives/villages/{village_id}"], render: archiveScreen(renderVillageArchive) },
  { path: "/archives/tickets/:id", title: "工单档案", hidden: true, roles: DISTRICT, requires: ["reporting GET /api/v1/archives/tickets/{ticket_id}"], render: archiveScreen(renderTicketArchive) },
  {
    path: "/staff/archive",
    title: "我的成长档案",
    desc: "历季等次、年度评鉴、成长记录",
    roles: ["staff", ...LEADER_ROLES],
    requires: ["reporting GET /api/v1/archives/people/{person_id}"],
    render: (body, { user }) => renderPersonArchive(body, user.sub),
  },
];

