// Rural party building (农村基层党建): the village secretary's village file, secretary project
// milestones and income; the town's villages, inspection findings and rectification; the
// district's village dashboard with the towns' progress ranking and the project list.

import { command, get } from "../lib/api.js";
import { now } from "../lib/clock.js";
import { asOfField, historyList } from "../lib/history.js";
import { fmtDateTime, fmtNumber, h, replace } from "../lib/dom.js";
import { actionForm, attachments, badge, disclosure, empty, field, into, listSlot, pagedList, section, stat, table, toast } from "../lib/ui.js";
import { projectFundingForms } from "./village_work.js";
import { BASE } from "../lib/services.js";
import { CADRE_POSITIONS, DEMONSTRATION_LEVELS, DEVELOPMENT_MODELS, FUNDING_SOURCES, WEAKNESS_STAGES, labelOf, toneOf } from "../lib/labels.js";

const VILLAGE = BASE.village;
const UPLOADS = `${VILLAGE}/uploads`;


const yuan = (fen) => (fen === null || fen === undefined ? "—" : `${fmtNumber(fen / 100, 2)} 元`);
const wan = (fen) => (fen === null || fen === undefined ? "—" : `${fmtNumber(fen / 1_000_000, 1)} 万元`);
const today = () => new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(now());
const thisYear = () => Number(today().slice(0, 4));
const toFen = (value) => (value === null || value === "" || Number.isNaN(value) ? null : Math.round(Number(value) * 100));

function levelBadge(level) {
  return badge(labelOf(DEMONSTRATION_LEVELS, level), toneOf(DEMONSTRATION_LEVELS, level));
}

function progressBar(pct, expected) {
  return h(
    "div",
    { class: "progress", role: "img", "aria-label": `进度 ${pct}%${expected !== undefined ? `，应达 ${expected}%` : ""}` },
    h("div", { class: "bar" }, h("span", { style: `width:${Math.max(0, Math.min(100, pct))}%` })),
    h("span", { class: "small", dataset: { progress: String(pct) } }, `${pct}%${expected !== undefined ? ` / 应达 ${expected}%` : ""}`),
  );
}

function projectRow(p) {
  return h(
    "li",
    { dataset: { project: p.project_id } },
    h(
      "a",
      { class: "row-link", href: `/village/projects/${p.project_id}` },
      h("div", { class: "spread" }, h("span", { class: "title" }, p.name), p.behind_schedule ? badge(p.overdue ? "逾期未完成" : "进度滞后", "bad") : badge(DEVELOPMENT_MODELS[p.model] || p.model)),
      progressBar(p.progress_pct, p.expected_pct),
      h("p", { class: "muted small" }, [p.village_name, `负责人 ${p.owner_name || "—"}`, `计划 ${p.starts_on} 至 ${p.due_on}`, `最近上报 ${p.last_reported_on || "—"}`].filter(Boolean).join(" · ")),
    ),
  );
}

// --- the village file ---------------------------------------------------------------------------

async function renderVillageFile(body, { user, query }) {
  const villageId = query.get("village") || user.scopes?.village;
  if (!villageId) {
    body.append(empty("未指定村", "请从本镇村列表进入。"));
    return;
  }
  const slot = h("div");
  body.append(slot);
  async function show(after) {
    await into(
      slot,
      () => get(`${VILLAGE}/villages/${encodeURIComponent(villageId)}`, { after }),
      (file) => villageFile(file, user, show),
    );
  }
  await show(query.get("after") || undefined);
}

function villageFile(file, user, show) {
  const v = file.village;
  const done = (message) => (res) => {
    toast(message);
    show(res.position);
  };
  const canReport = user.roles.some((r) => ["village_secretary", "town_admin", "district_admin"].includes(r));
  const openFindings = file.findings.filter((f) => !f.closed_on);
  return [
    section(
      v.name,
      h("p", { class: "row" }, levelBadge(v.level), file.reserve_shortfall ? badge(`后备干部缺 ${file.reserve_shortfall} 人`, "warn") : null),
      h(
        "dl",
        { class: "facts" },
        [
          ["所属镇", v.town_name || v.town_id],
          ["党组织", v.party_org_name],
          ["党员", `${fmtNumber(v.party_members)} 名`],
          ["户数 / 人口", `${fmtNumber(v.households)} 户 / ${fmtNumber(v.population)} 人`],
          ["书记", `${v.secretary_name || "—"}${v.one_shoulder ? "（书记主任一肩挑）" : ""}`],
          ["后备干部", `${v.reserves} 名（目标 ${file.reserve_target} 名）`],
        ].map(([k, val]) => [h("dt", {}, k), h("dd", {}, val)]),
      ),
    ),
    section(
      "村“两委”班子",
      file.cadres.filter((c) => !c.left_on).length
        ? table(
            [
              { label: "姓名", cell: (c) => c.name },
              { label: "职务", cell: (c) => `${labelOf(CADRE_POSITIONS, c.position)}${c.one_shoulder ? "（一肩挑）" : ""}` },
              { label: "任职日期", cell: (c) => c.appointed_on },
            ],
            file.cadres.filter((c) => !c.left_on),
            "村两委班子",
          )
        : empty("暂无在任干部"),
    ),
    section("书记项目", file.projects.length ? h("ul", { class: "list", "aria-label": "书记项目" }, file.projects.map((p) => projectRow({ ...p, village_name: null }))) : empty("本村还没有登记书记项目")),
    section(
      "村集体经济收入",
      file.incomes.length
        ? table(
            [
              { label: "年度", cell: (i) => i.year },
              { label: "收入", num: true, cell: (i) => yuan(i.income_fen) },
              { label: "说明", cell: (i) => i.note || "—" },
            ],
            file.incomes,
            "村集体经济收入",
          )
        : empty("还没有上报年度收入"),
      canReport
        ? disclosure(
            "上报年度收入",
            actionForm({
              label: "上报年度收入",
              fields: [
                { name: "year", label: "年度", type: "number", value: thisYear(), required: true },
                { name: "income_fen", label: "村集体经济收入（元）", type: "number", step: "0.01", required: true },
                { name: "note", label: "说明", type: "textarea", max: 1000 },
              ],
              submitLabel: "上报收入",
              send: (vals) => command(`${VILLAGE}/villages/${v.village_id}/income`, { year: vals.year, income_fen: toFen(vals.income_fen), note: vals.note }),
              done: done("已上报年度收入"),
            }),
          )
        : null,
    ),
    section(
      "检查发现的问题",
      file.findings.length
        ? h(
            "ul",
            { class: "list", "aria-label": "检查问题" },
            file.findings.map((f) => findingRow(f, done)),
          )
        : empty("近期检查没有发现问题"),
      openFindings.length ? h("p", { class: "muted small" }, `${openFindings.length} 项待整改`) : null,
    ),
    file.rectifications.length ? section("软弱涣散排查整顿", file.rectifications.map(rectificationCard)) : null,
    file.inspections.length
      ? section(
          "规范化检查",
          table(
            [
              { label: "检查日期", cell: (i) => i.inspected_on },
              { label: "检查组", cell: (i) => i.team_name },
              { label: "得分", num: true, cell: (i) => `${i.total_score} / ${i.max_total}` },
            ],
            file.inspections,
            "规范化检查",
          ),
        )
      : null,
  ];
}

function findingRow(f, done) {
  return h(
    "li",
    { dataset: { finding: f.finding_id } },
    h("div", { class: "spread" }, h("span", { class: "title" }, f.text), f.closed_on ? badge("已整改", "ok") : f.overdue_open || f.overdue ? badge("整改超期", "bad") : badge("整改中", "warn")),
    h("p", { class: "muted small" }, [f.village_name, `整改期限 ${f.deadline}`, f.closed_on ? `整改完成 ${f.closed_on}` : null].filter(Boolean).join(" · ")),
    f.note ? h("p", { class: "small" }, `整改情况：${f.note}`) : null,
    attachments(UPLOADS, f.evidence_upload_ids, "整改凭证"),
    f.closed_on
      ? null
      : disclosure(
          "报送整改完成",
          actionForm({
            label: `整改完成：${f.text.slice(0, 20)}`,
            uploadTo: UPLOADS,
            fields: [
              { name: "closed_on", label: "完成日期", type: "date", value: today(), required: true },
              { name: "note", label: "整改情况", type: "textarea", required: true, max: 1000 },
              { name: "evidence_upload_ids", label: "整改后照片（至少 1 张）", type: "files" },
            ],
            submitLabel: "报送整改",
            send: (v) =>
              command(`${VILLAGE}/inspection-rounds/${f.round_id}/villages/${f.village_id}/findings/${f.finding_id}/close`, {
                closed_on: v.closed_on,
                note: v.note,
                evidence_upload_ids: v.evidence_upload_ids || [],
              }),
            done: done("已报送整改"),
          }),
        ),
  );
}

function rectificationCard(r) {
  const [label, tone] = [labelOf(WEAKNESS_STAGES, r.stage), toneOf(WEAKNESS_STAGES, r.stage)];
  return h(
    "div",
    { class: "item", dataset: { rectification: `${r.village_id}-${r.year}` } },
    h("div", { class: "spread" }, h("span", { class: "title" }, `${r.village_name || r.village_id} · ${r.year} 年`), badge(label, tone)),
    r.reason ? h("p", { class: "small" }, `原因：${r.reason}`) : null,
    r.responsible_leader ? h("p", { class: "small" }, `包抓领导：${r.responsible_leader}${r.deadline ? ` · 期限 ${r.deadline}` : ""}`) : null,
    r.measures_total ? progressBar(Math.round((100 * r.measures_done) / r.measures_total)) : null,
    r.measures?.length ? h("ul", { class: "items" }, r.measures.map((m) => h("li", {}, `${m.done ? "✓ " : ""}${m.text}`))) : null,
  );
}

// --- one project --------------------------------------------------------------------------------

async function renderProject(body, { params, user, query }) {
  const slot = h("div");
  body.append(slot);
  async function show(after) {
    await into(slot, () => get(`${VILLAGE}/projects/${encodeURIComponent(params.id)}`, { after }), (answer) => projectView(answer, user, show));
  }
  await show(query.get("after") || undefined);
}

/** Where a project stands against its plan: complete, overdue (past its end, not complete), behind, or on plan. */
function projectStatus(p) {
  if (p.progress_pct >= 100) return badge("已完成", "ok");
  if (p.overdue) return badge("逾期未完成", "bad");
  if (p.behind_schedule) return badge("进度滞后", "bad");
  return badge("按计划推进", "ok");
}

function projectView(answer, user, show) {
  const p = answer.project;
  const done = (message) => (res) => {
    toast(message);
    show(res.position);
  };
  const mayReport = user.roles.includes("district_admin") || (user.roles.includes("town_admin") && user.scopes?.town === p.town_id) || (user.roles.includes("village_secretary") && user.scopes?.village === p.village_id);
  return [
    section(
      p.name,
      h("p", { class: "row" }, badge(DEVELOPMENT_MODELS[p.model] || p.model), projectStatus(p)),
      progressBar(p.progress_pct, p.expected_pct),
      p.description ? h("p", {}, p.description) : null,
      h(
        "dl",
        { class: "facts" },
        [
          ["村", h("a", { href: `/village/file?village=${p.village_id}` }, p.village_name || p.village_id)],
          ["负责人", p.owner_name || "—"],
          ["包抓", `${p.supervisor_level === "district" ? "区级" : "镇级"} · ${p.supervisor_name}`],
          ["计划", `${p.starts_on} 至 ${p.due_on}`],
          ["预算", yuan(p.budget_fen)],
          ["整合资金", yuan(p.funded_fen)],
          ["招商引资", yuan(p.invested_fen)],
          ["项目收益", yuan(p.income_fen)],
        ].map(([k, val]) => [h("dt", {}, k), h("dd", {}, val)]),
      ),
    ),
    mayReport
      ? section(
          "上报进度",
          actionForm({
            label: "上报里程碑进度",
            uploadTo: UPLOADS,
            fields: [
              { name: "title", label: "完成事项", required: true, max: 200 },
              { name: "progress_pct", label: "总体进度（%）", type: "number", value: p.progress_pct, required: true, hint: `当前 ${p.progress_pct}%` },
              { name: "reason", label: "进度回退原因（回退时必填）", type: "textarea", max: 1000 },
              { name: "evidence_upload_ids", label: "现场照片", type: "files" },
            ],
            submitLabel: "上报进度",
            send: (v) => command(`${VILLAGE}/projects/${p.project_id}/milestones`, { title: v.title, progress_pct: v.progress_pct, reason: v.reason, evidence_upload_ids: v.evidence_upload_ids || [] }),
            done: done("已上报进度"),
          }),
          disclosure(
            "上报项目收益",
            actionForm({
              label: "上报项目收益",
              fields: [
                { name: "year", label: "年度", type: "number", value: thisYear(), required: true },
                { name: "amount_fen", label: "收益（元）", type: "number", step: "0.01", required: true },
                { name: "note", label: "说明", type: "textarea", max: 1000 },
              ],
              submitLabel: "上报收益",
              send: (v) => command(`${VILLAGE}/projects/${p.project_id}/income`, { year: v.year, amount_fen: toFen(v.amount_fen), note: v.note }),
              done: done("已上报项目收益"),
            }),
          ),
        )
      : null,
    mayReport ? projectFundingForms(p, done) : null,
    section(
      "里程碑",
      answer.milestones.length
        ? h(
            "ol",
            { class: "history", "aria-label": "里程碑" },
            [...answer.milestones].reverse().map((m) =>
              h(
                "li",
                { dataset: { milestone: m.milestone_id } },
                h("strong", {}, m.title),
                ` · ${m.previous_pct}% → ${m.progress_pct}% · ${m.reported_on}`,
                m.reason ? h("p", { class: "small" }, `回退原因：${m.reason}`) : null,
                attachments(UPLOADS, m.evidence_upload_ids, "现场照片"),
              ),
            ),
          )
        : empty("还没有上报里程碑"),
    ),
    section(
      "资金与收益",
      answer.fundings.length || answer.investments.length || answer.project_incomes.length
        ? table(
            [
              { label: "类别", cell: (r) => r.kind },
              { label: "来源", cell: (r) => r.who },
              { label: "金额", num: true, cell: (r) => yuan(r.amount) },
              { label: "日期", cell: (r) => r.on },
            ],
            [
              ...answer.fundings.map((f) => ({ kind: `到位资金（${FUNDING_SOURCES[f.source] || f.source}）`, who: f.funder, amount: f.amount_fen, on: f.received_on })),
              ...answer.investments.map((i) => ({ kind: "招商引资", who: i.investor, amount: i.amount_fen, on: i.signed_on })),
              ...answer.project_incomes.map((i) => ({ kind: `${i.year} 年收益`, who: i.note || "—", amount: i.amount_fen, on: i.reported_on })),
            ],
            "资金与收益",
          )
        : empty("暂无资金记录"),
    ),
    section(
      "变更记录",
      h("p", { class: "muted small" }, "每一笔资金、招商、进度和收益：谁登记、何时、为何。"),
      historyList(`${VILLAGE}/projects/${p.project_id}/history`, { label: "项目变更记录" }),
    ),
  ];
}

// --- dashboards: town and district --------------------------------------------------------------

function rankingTable(rows, { unit, link }) {
  return table(
    [
      { label: "名次", num: true, cell: (r) => r.rank },
      { label: unit, name: true, cell: (r) => (link ? h("a", { href: link(r) }, r.name) : h("span", { dataset: { rankRow: r.id } }, r.name)) },
      { label: "平均进度", num: true, cell: (r) => h("span", { dataset: { avg: r.id } }, `${fmtNumber(r.avg_progress, 1)}%`) },
      { label: "滞后项目", num: true, cell: (r) => (r.behind_schedule ? badge(fmtNumber(r.behind_schedule), "bad") : "0") },
      { label: "整合资金", num: true, cell: (r) => wan(r.funds_integrated_fen) },
      { label: "招商引资", num: true, cell: (r) => wan(r.investment_attracted_fen) },
      { label: "项目覆盖", num: true, cell: (r) => `${fmtNumber(r.project_coverage_pct, 1)}%` },
    ],
    rows,
    `${unit}书记项目进度排名`,
  );
}

function dashboardView(d, { unit, link }) {
  const t = d.totals;
  return [
    h(
      "div",
      { class: "stats" },
      stat("村", fmtNumber(t.villages)),
      stat("书记项目", fmtNumber(t.projects)),
      stat("进度滞后", fmtNumber(t.behind_schedule), t.behind_schedule ? "bad" : "ok"),
      stat("整合资金", wan(t.funds_integrated_fen)),
      stat("招商引资", wan(t.investment_attracted_fen)),
      stat("示范村（省/区/镇）", `${t.provincial}/${t.district}/${t.town_benchmark}`),
    ),
    section(`${unit}进度排名`, d.ranking.length ? rankingTable(d.ranking, { unit, link }) : empty("暂无数据")),
    section(
      "进度滞后的项目",
      d.behind_schedule.length
        ? h(
            "ul",
            { class: "list", "aria-label": "进度滞后的项目" },
            d.behind_schedule.map((p) =>
              h(
                "li",
                {},
                h("a", { class: "row-link", href: `/village/projects/${p.project_id}` }, h("span", { class: "title" }, `${p.village_name} · ${p.name}`), progressBar(p.progress_pct, p.expected_pct)),
              ),
            ),
          )
        : empty("没有进度滞后的项目"),
    ),
    section(
      "检查与整顿",
      h(
        "dl",
        { class: "facts" },
        [
          d.inspection ? ["规范化检查", `${d.inspection.name}：已查 ${d.inspection.inspected}/${d.inspection.assigned}，平均 ${fmtNumber(d.inspection.avg_score, 1)} 分，待整改 ${d.inspection.open_findings} 项（超期 ${d.inspection.overdue_findings}）`] : null,
          ["软弱涣散", `排查 ${d.rectification.screened}，确定 ${d.rectification.designated}，整顿中 ${d.rectification.rectifying}，已验收 ${d.rectification.accepted}，超期 ${d.rectification.overdue}`],
          ["“511”结对", `${d.pairing.units} 个单位，滞后 ${d.pairing.behind} 个`],
          ["资金来源", d.funds_by_source.map((f) => `${FUNDING_SOURCES[f.source] || f.source} ${wan(f.amount_fen)}`).join("；") || "—"],
        ]
          .filter(Boolean)
          .map(([k, val]) => [h("dt", {}, k), h("dd", {}, val)]),
      ),
    ),
  ];
}

function yearPicker(onChange) {
  const year = thisYear();
  const picker = h("select", { name: "year" }, [year, year - 1, year - 2].map((y) => h("option", { value: y }, `${y} 年`)));
  picker.addEventListener("change", () => onChange(Number(picker.value)));
  return picker;
}

function projectList({ town, villageLink = true, pastViews = false }) {
  const behind = h("input", { type: "checkbox", name: "behind" });
  const slot = h("div");
  // The district's ranking as it stood at a chosen time (比拼晾晒 of a past day), or live.
  const asOf = pastViews ? asOfField(new URLSearchParams(location.search).get("as_of")) : null;
  const note = h("div");
  function show() {
    replace(
      slot,
      pagedList({
        label: "书记项目",
        limit: 10,
        load: async ({ limit, offset }) => {
          const at = asOf?.value();
          const page = await get(`${VILLAGE}/projects`, { town, year: thisYear(), behind: behind.checked ? true : undefined, as_of: at, limit, offset });
          replace(note, at ? h("p", { class: "notice", role: "status" }, `这是 ${fmtDateTime(at)} 时的排名，由当时已记录的事件重算`) : null);
          return page;
        },
        item: (p) => projectRow(villageLink ? p : { ...p, village_name: null }),
        emptyTitle: behind.checked ? "没有进度滞后的项目" : "还没有书记项目",
      }),
    );
  }
  behind.addEventListener("change", show);
  asOf?.onChange(show);
  show();
  return [asOf?.element || null, h("label", { class: "row" }, behind, "只看进度滞后"), note, slot];
}

async function renderDistrictVillages(body) {
  const slot = h("div");
  const load = (year) => into(slot, () => get(`${VILLAGE}/dashboards/district`, { year }), (d) => dashboardView(d, { unit: "镇", link: (r) => `/town/villages?town=${r.id}` }));
  const refresh = h("button", { type: "button", class: "btn" }, "刷新");
  const picker = yearPicker(load);
  refresh.addEventListener("click", () => load(Number(picker.value)));
  body.append(h("div", { class: "row" }, field({ label: "年度", name: "year", control: picker }), refresh), slot, section("全区书记项目", projectList({ pastViews: true })));
  load(thisYear());
}

async function renderTownVillages(body, { user, query }) {
  const town = query.get("town") || user.scopes?.town;
  if (!town) {
    body.append(empty("未指定镇", "请从全区村级看板进入。"));
    return;
  }
  const slot = h("div");
  const load = (year) => into(slot, () => get(`${VILLAGE}/dashboards/towns/${encodeURIComponent(town)}`, { year }), (d) => dashboardView(d, { unit: "村", link: (r) => `/village/file?village=${r.id}` }));
  const picker = yearPicker(load);
  body.append(
    field({ label: "年度", name: "year", control: picker }),
    slot,
    section(
      "本镇各村",
      pagedList({
        label: "本镇各村",
        limit: 10,
        load: ({ limit, offset }) => get(`${VILLAGE}/villages`, { town, limit, offset }),
        item: (v) =>
          h(
            "li",
            { dataset: { village: v.village_id } },
            h(
              "a",
              { class: "row-link", href: `/village/file?village=${v.village_id}` },
              h("div", { class: "spread" }, h("span", { class: "title" }, v.name), levelBadge(v.level)),
              h("p", { class: "muted small" }, `书记 ${v.secretary_name || "—"} · 党员 ${v.party_members} 名 · 后备干部 ${v.reserves} 名${v.reserve_shortfall ? `（缺 ${v.reserve_shortfall}）` : ""}`),
            ),
          ),
        emptyTitle: "本镇还没有登记村",
      }),
    ),
    section("本镇书记项目", projectList({ town, villageLink: true })),
  );
  load(thisYear());
}

async function renderInspections(body, { user }) {
  const town = user.roles.includes("district_admin") ? undefined : user.scopes?.town;
  const open = h("select", { name: "open", "aria-label": "问题状态" }, [["true", "待整改"], ["", "全部"]].map(([v, t]) => h("option", { value: v }, t)));
  const findings = listSlot();
  /** The findings in the state chosen: their own list, read as they stand (after no position). */
  function showFindings() {
    const list = findings.show({
      label: "检查问题",
      limit: 10,
      after: undefined,
      load: ({ limit, offset, after }) => get(`${VILLAGE}/findings`, { town, open: open.value || undefined, limit, offset, after }),
      item: (f) =>
        findingRow(f, (message) => (res) => {
          toast(message);
          list.reload(res.position);
        }),
      emptyTitle: open.value ? "没有待整改的问题" : "没有检查问题",
    });
  }
  open.addEventListener("change", () => showFindings());
  const rounds = pagedList({
    label: "检查轮次",
    limit: 5,
    load: ({ limit, offset }) => get(`${VILLAGE}/inspection-rounds`, { limit, offset }),
    item: (r) =>
      h(
        "li",
        {},
        h("div", { class: "spread" }, h("span", { class: "title" }, r.name), badge(`${r.inspected}/${r.villages} 村已查`, r.inspected < r.villages ? "warn" : "ok")),
        h("p", { class: "muted small" }, `${r.opened_on} 至 ${r.due_on} · 平均 ${fmtNumber(r.avg_score, 1)} 分`),
      ),
    emptyTitle: "还没有检查轮次",
  });
  const rectifications = pagedList({
    label: "软弱涣散整顿",
    limit: 5,
    load: ({ limit, offset }) => get(`${VILLAGE}/rectifications`, { town, year: thisYear(), limit, offset }),
    item: (r) => h("li", {}, rectificationCard(r)),
    emptyTitle: "本年度没有排查整顿记录",
  });
  body.append(section("规范化检查轮次", rounds), section("检查发现的问题", h("div", { class: "field" }, open), findings), section("软弱涣散排查整顿", rectifications));
  showFindings();
}

export const screens = [
  {
    path: "/village/file",
    title: "村档案",
    desc: "班子、书记项目、收入、检查整改",
    roles: ["village_secretary", "town_admin", "district_admin"],
    requires: ["village GET /api/v1/villages/{village_id}"],
    render: renderVillageFile,
  },
  {
    path: "/village/projects/:id",
    title: "书记项目",
    hidden: true,
    roles: ["village_secretary", "town_admin", "district_admin"],
    requires: ["village GET /api/v1/projects/{project_id}", "village GET /api/v1/projects/{project_id}/history"],
    render: renderProject,
  },
  {
    path: "/town/villages",
    title: "本镇各村",
    desc: "各村进度排名、书记项目",
    roles: ["town_admin", "district_admin"],
    requires: ["village GET /api/v1/dashboards/towns/{town_id}", "village GET /api/v1/villages"],
    render: renderTownVillages,
  },
  {
    path: "/town/inspections",
    title: "检查与整顿",
    desc: "规范化检查问题整改、软弱涣散整顿",
    roles: ["town_admin", "district_admin"],
    requires: ["village GET /api/v1/findings", "village GET /api/v1/rectifications"],
    render: renderInspections,
  },
  {
    path: "/district/villages",
    title: "村级看板",
    desc: "各镇书记项目进度排名、项目列表",
    roles: ["district_admin"],
    requires: ["village GET /api/v1/dashboards/district", "village GET /api/v1/projects"],
    render: renderDistrictVillages,
  },
];
