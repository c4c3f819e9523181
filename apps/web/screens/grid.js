// Grid governance: grid members report and resolve; the community dispatches, verifies, revisits;
// departments accept, return, ask for time and report back; the district reads the league table.

import { command, get, query as query_ } from "../lib/api.js";
import { now } from "../lib/clock.js";
import { fmtDateTime, fmtNumber, h, replace } from "../lib/dom.js";
import { asOfField, historyList } from "../lib/history.js";
import { navigate } from "../lib/router.js";
import { REVISIT_ANSWERS, TICKET_KINDS, TICKET_RUNNING, TICKET_STATES, URGENCIES, labelOf, toneOf } from "../lib/labels.js";
import { GRID_ROLES } from "../lib/roles.js";
import { actionForm, attachments, badge, clearErrors, disclosure, empty, field, formBanner, into, loading, pagedList, section, showErrors, stat, table, toast } from "../lib/ui.js";
import { placeLine, scopeName } from "../lib/names.js";
import { BASE } from "../lib/services.js";

const GRID = BASE.grid;
const UPLOADS = `${GRID}/uploads`;

const URGENCY = Object.entries(URGENCIES);
const KINDS = [
  ["complaint", "10 个工作日"],
  ["help_request", "5 个工作日"],
  ["consultation", "1 个工作日"],
  ["emergency", "当日"],
].map(([kind, limit]) => [kind, `${TICKET_KINDS[kind]}（${limit}）`]);
const REVISIT_OPTIONS = [
  ["satisfied", ""],
  ["partly", "（重新办理）"],
  ["unsatisfied", "（重新办理）"],
].map(([answer, then]) => [answer, `${labelOf(REVISIT_ANSWERS, answer)}${then}`]);
const REPORT_STATES = { filed: ["待处理", "warn"], resolved: ["已就地解决", "ok"], escalated: ["已上报社区", ""], merged: ["已合并", ""] };

/** A twin's state as its reporters know it: the ticket's once one is dispatched, else the report's. */
function twinState(t) {
  if (t.ticket_state) return badge(labelOf(TICKET_STATES, t.ticket_state), toneOf(TICKET_STATES, t.ticket_state));
  const [label, tone] = REPORT_STATES[t.state] || ["处理中", ""];
  return badge(label, tone);
}

const coReporterNames = (list) => (list || []).map((c) => c.person_name).join("、");

/** Reports of this category within 50 m, open or closed in the last 7 days (`exclude`: a report itself). */
function findTwins(category, coords, exclude) {
  return get(`${GRID}/reports/twins`, { category, latitude: coords.latitude, longitude: coords.longitude, ...(exclude ? { exclude } : {}) });
}

let rulesCache = null;
function routingRules() {
  if (!rulesCache) rulesCache = get(`${GRID}/routing-rules`).catch(() => []);
  return rulesCache;
}
let departmentsCache = null;
function departments() {
  if (!departmentsCache) departmentsCache = get(`${GRID}/departments`).catch(() => []);
  return departmentsCache;
}

// Category and department names for rows drawn synchronously; filled by `loadNames()` before a
// screen draws (a code is shown when its name is unknown).
const NAMES = { category: {}, department: {} };
async function loadNames() {
  const [rules, deps] = await Promise.all([routingRules(), departments()]);
  for (const r of rules) NAMES.category[r.category] = r.category_name;
  for (const d of deps) NAMES.department[d.department_id] = d.name;
  return { rules, deps };
}
// Until the district sets its categories (routing rules), a category is written in words, and shown as written.
const NO_RULES_HINT = "区里还没有设定问题类别，请直接填写，如“环境卫生”";
const categoryName = (code) => NAMES.category[code] || code;
const departmentName = (id) => NAMES.department[id] || id;

function facts(pairs) {
  return h("dl", { class: "facts" }, pairs.filter(([, v]) => v !== null && v !== undefined && v !== "").map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
}

function photos(ids, label = "现场照片") {
  return attachments(UPLOADS, ids, label);
}

/** Time left or overdue, in working days as the rule counts them; nothing once the department is done. */
function deadlineBadge(t) {
  if (!TICKET_RUNNING.includes(t.state)) return null;
  if (t.acceptance_overdue && t.state === "dispatched") return badge("签收超时", "bad");
  if (t.resolution_overdue || t.hours_left < 0) return badge(t.workdays_overdue ? `办理超时 ${t.workdays_overdue} 个工作日` : "办理超时", "bad");
  if (t.hours_left < 24) return badge(`剩 ${fmtNumber(Math.max(t.hours_left, 0), 1)} 小时`, "warn");
  return badge(`剩 ${t.workdays_left} 个工作日`);
}

const stateBadge = (t) => badge(labelOf(TICKET_STATES, t.state), toneOf(TICKET_STATES, t.state));

function ticketRow(t) {
  return h(
    "li",
    { dataset: { ticket: t.ticket_id } },
    h(
      "a",
      { class: "row-link", href: `/tickets/${t.ticket_id}` },
      h("div", { class: "spread" }, h("span", { class: "title" }, t.title), h("span", { class: "row" }, stateBadge(t), deadlineBadge(t))),
      h("p", { class: "muted small" }, `${categoryName(t.category)} · ${departmentName(t.department_id)} · 派单 ${fmtDateTime(t.dispatched_at)} · 截止 ${fmtDateTime(t.deadline)}`),
    ),
  );
}

// --- grid member -------------------------------------------------------------------------------

async function renderReport(body, { caps, user }) {
  const { rules } = await loadNames();
  const canUpload = Boolean(caps.grid?.paths?.["/api/v1/uploads"]);
  const position = h("p", { class: "hint", "aria-live": "polite" });
  const fields = [
    rules.length
      ? { name: "category", label: "问题类别", type: "select", required: true, options: [["", "请选择"], ...rules.map((r) => [r.category, r.category_name])] }
      : { name: "category", label: "问题类别", required: true, max: 60, hint: NO_RULES_HINT },
    { name: "text", label: "问题描述", type: "textarea", required: true, max: 1000 },
    { name: "address", label: "地点", required: true, max: 200 },
    { name: "urgency", label: "紧急程度", type: "select", options: URGENCY, value: "normal" },
  ];
  if (canUpload) fields.push({ name: "photo_upload_ids", label: "现场照片（最多 9 张）", type: "files", hint: "JPEG、PNG、WebP" });
  const coords = { latitude: null, longitude: null };
  const twinsSlot = h("div", { class: "twins", "aria-live": "polite" });
  let category = "";
  // Asked as soon as the category and the position are both known: the same matter found nearby is
  // joined, not filed again.
  async function lookForTwins() {
    if (!category || coords.latitude === null) return replace(twinsSlot);
    let found = [];
    try {
      found = await findTwins(category, coords);
    } catch {
      return replace(twinsSlot);
    }
    if (!found.length) return replace(twinsSlot);
    replace(
      twinsSlot,
      h(
        "div",
        { class: "notice warn", role: "region", "aria-label": "附近已有相同问题" },
        h("strong", {}, "附近已有相同问题"),
        h("p", { class: "small" }, "50 米内有同类问题正在处理或刚办结。如是同一件事，请加入原上报，不必重复上报，办理进展会同步给你。"),
        h("ul", { class: "list" }, found.map((t) => twinRow(t))),
      ),
    );
  }
  function twinRow(t) {
    return h(
      "li",
      { class: "twin", dataset: { twin: t.report_id } },
      h("div", { class: "spread" }, h("span", { class: "title" }, t.title), h("span", { class: "row" }, twinState(t))),
      h("p", { class: "muted small" }, `${t.address} · 相距约 ${t.distance_m} 米 · ${t.reporter_name} 上报于 ${fmtDateTime(t.filed_at)}${t.co_reporters ? ` · 另有 ${t.co_reporters} 人反映` : ""}`),
      t.joined
        ? h("p", { class: "small" }, badge("你已上报或已加入", "ok"))
        : actionForm({
            label: `加入上报：${t.title.slice(0, 20)}`,
            fields: [{ name: "note", label: "补充情况（可选）", type: "textarea", max: 500 }],
            submitLabel: "是同一问题，加入此上报",
            send: (v) => command(`${GRID}/reports/${t.report_id}/co-reporters`, { note: v.note }),
            done: (result) => {
              toast("已加入，办理进展会同步给你");
              navigate(`/grid/reports?after=${result.position}`);
            },
          }),
    );
  }
  const locate = h("button", { type: "button", class: "btn" }, "使用当前位置");
  locate.addEventListener("click", () => {
    if (!navigator.geolocation) {
      position.textContent = "此设备不支持定位，请填写地点。";
      return;
    }
    position.textContent = "正在定位…";
    navigator.geolocation.getCurrentPosition(
      (p) => {
        coords.latitude = Number(p.coords.latitude.toFixed(6));
        coords.longitude = Number(p.coords.longitude.toFixed(6));
        position.textContent = `已定位：${coords.latitude}, ${coords.longitude}`;
        lookForTwins();
      },
      () => {
        position.textContent = "定位失败，请填写地点。";
      },
      { timeout: 8000 },
    );
  });
  const form = actionForm({
    label: "上报问题",
    fields,
    submitLabel: "上报",
    uploadTo: UPLOADS,
    send: (v) =>
      command(`${GRID}/reports`, {
        category: v.category,
        text: v.text,
        address: v.address,
        urgency: v.urgency,
        photo_upload_ids: v.photo_upload_ids || [],
        ...(coords.latitude !== null ? coords : {}),
      }),
    done: (result) => {
      toast("已上报");
      navigate(`/grid/reports?after=${result.position}`);
    },
  });
  form.querySelector('[name="category"]').addEventListener("change", (event) => {
    category = event.target.value;
    lookForTwins();
  });
  body.append(placeLine("网格", scopeName(user, "grid")), section("上报问题", h("div", { class: "actions" }, locate), position, twinsSlot, form));
}

function reportRow(r, reload, user) {
  const [label, tone] = REPORT_STATES[r.state] || [r.state, ""];
  const actions =
    r.state === "filed"
      ? [
          disclosure(
            "当场解决",
            actionForm({
              label: `当场解决：${r.text.slice(0, 20)}`,
              fields: [{ name: "resolution", label: "处理结果", type: "textarea", required: true }],
              submitLabel: "确认已解决",
              send: (v) => command(`${GRID}/reports/${r.report_id}/resolution`, { resolution: v.resolution }),
              done: (res) => {
                toast("已就地解决");
                reload(res.position);
              },
            }),
          ),
          disclosure(
            "上报社区派单",
            actionForm({
              label: `上报社区：${r.text.slice(0, 20)}`,
              fields: [{ name: "reason", label: "上报原因", type: "textarea", required: true, max: 500 }],
              submitLabel: "上报社区",
              send: (v) => command(`${GRID}/reports/${r.report_id}/escalation`, { reason: v.reason }),
              done: (res) => {
                toast("已上报社区");
                reload(res.position);
              },
            }),
          ),
        ]
      : null;
  return h(
    "li",
    { class: "report", dataset: { report: r.report_id } },
    h("div", { class: "spread" }, h("span", { class: "title" }, r.text), h("span", { class: "row" }, badge(label, tone), r.urgency !== "normal" ? badge(labelOf(URGENCIES, r.urgency, "紧急"), "bad") : null)),
    h("p", { class: "muted small" }, `${categoryName(r.category)} · ${r.address} · ${r.reporter_name} · ${fmtDateTime(r.filed_at)}`),
    r.resolution ? h("p", {}, `处理结果：${r.resolution}`) : null,
    r.escalation_reason ? h("p", {}, `上报原因：${r.escalation_reason}`) : null,
    r.co_reporters?.length ? h("p", { class: "small", dataset: { coReporters: "" } }, `共同上报：${coReporterNames(r.co_reporters)}`) : null,
    user && r.co_reporters?.some((c) => c.person_id === user.sub) ? h("p", { class: "small" }, badge("我加入的", "ok")) : null,
    r.merged_into ? h("p", { class: "small muted" }, "已作为重复上报合并，上报人已加入保留的那一条") : null,
    r.ticket_id ? h("p", {}, h("a", { href: `/tickets/${r.ticket_id}` }, "查看工单")) : null,
    photos(r.photo_upload_ids),
    actions,
  );
}

async function renderReports(body, { query, user }) {
  await loadNames();
  const state = h("select", { name: "state", id: "report-state" }, [["", "全部"], ["filed", "待处理"], ["escalated", "已上报社区"], ["resolved", "已就地解决"]].map(([v, t]) => h("option", { value: v }, t)));
  const list = pagedList({
    label: "网格上报",
    limit: 10,
    after: query.get("after") || undefined,
    load: ({ limit, offset, after }) => get(`${GRID}/reports`, { state: state.value, limit, offset, after }),
    item: (r) => reportRow(r, list.reload, user),
    emptyTitle: "暂无上报",
    emptyHint: "巡查发现问题后点“上报问题”。",
  });
  state.addEventListener("change", () => list.reload());
  body.append(
    h("div", { class: "actions" }, h("a", { class: "btn primary", href: "/grid/report" }, "上报问题")),
    h("div", { class: "field" }, h("label", { for: "report-state" }, "状态"), state),
    section("本网格上报及我加入的", list),
  );
}

// --- community dispatcher ----------------------------------------------------------------------

async function renderDispatch(body, { query }) {
  const { rules, deps } = await loadNames();
  // The service lists escalated reports with or without a ticket; the dispatcher needs those
  // still waiting, so the newest 200 escalated reports are read (on the first page) and paged here.
  let waiting = null;
  const escalated = pagedList({
    label: "待派单上报",
    limit: 5,
    after: query.get("after") || undefined,
    load: async ({ limit, offset, after }) => {
      if (!waiting || offset === 0) {
        const page = await get(`${GRID}/reports`, { state: "escalated", limit: 200, offset: 0, after });
        waiting = page.items.filter((r) => !r.ticket_id);
      }
      return { items: waiting.slice(offset, offset + limit), total: waiting.length, limit, offset };
    },
    item: (r) =>
      h(
        "li",
        { class: "report", dataset: { report: r.report_id } },
        h("p", { class: "title" }, r.text),
        h("p", { class: "muted small" }, `${categoryName(r.category)} · ${r.address} · ${r.reporter_name} · ${fmtDateTime(r.filed_at)}`),
        h("p", { class: "small" }, `上报原因：${r.escalation_reason || "—"}`),
        photos(r.photo_upload_ids),
        disclosure("派单", dispatchForm(rules, deps, r)),
        mergeSlot(r, reload),
      ),
    emptyTitle: "没有待派单的上报",
    emptyHint: "网格员上报社区的问题会出现在这里。",
  });
  const board = h("div");
  const showBoard = () => replace(board, ticketBoard(`${GRID}/boards/dispatch`, escalated.position));
  /** After a merge: the waiting reports from the first page and a new board, both after its position. */
  function reload(position) {
    escalated.reload(position);
    showBoard();
  }
  showBoard();
  body.append(
    section("新建工单", disclosure("直接派单（群众来电等）", dispatchForm(rules, deps, null))),
    section("网格上报 · 待派单", escalated),
    section("派单看板", board),
  );
}

/** "合并重复上报": offered when a twin of the report (50 m, same category) exists to keep instead. */
function mergeSlot(r, reload) {
  const slot = h("div");
  if (r.latitude === null || r.longitude === null) return slot;
  findTwins(r.category, r, r.report_id)
    .then((found) => {
      if (!found.length) return;
      replace(
        slot,
        disclosure(
          "合并重复上报",
          actionForm({
            label: `合并重复上报：${r.text.slice(0, 20)}`,
            fields: [
              {
                name: "into",
                label: "并入（保留的上报）",
                type: "select",
                required: true,
                options: found.map((t) => [t.report_id, `${t.title.slice(0, 24)}（${t.address}，相距 ${t.distance_m} 米）`]),
                value: found[0].report_id,
              },
            ],
            submitLabel: "确认合并",
            send: (v) => command(`${GRID}/reports/${r.report_id}/merge`, { into: v.into }),
            done: (res) => {
              toast(`已合并，${r.reporter_name}已加入保留的上报`);
              reload(res.position);
            },
          }),
        ),
      );
    })
    .catch(() => {});
  return slot;
}

function dispatchForm(rules, deps, report) {
  return actionForm({
    label: "派单",
    fields: [
      rules.length
        ? { name: "category", label: "类别", type: "select", required: true, value: report?.category, options: [["", "请选择"], ...rules.map((r) => [r.category, r.category_name])] }
        : { name: "category", label: "类别", required: true, max: 60, value: report?.category, hint: NO_RULES_HINT },
      { name: "kind", label: "性质（决定办理时限）", type: "select", options: KINDS, value: "complaint" },
      { name: "title", label: "标题", required: true, max: 100, value: report ? report.text.slice(0, 30) : "" },
      { name: "text", label: "详情", type: "textarea", required: true, max: 2000, value: report?.text },
      { name: "address", label: "地点", max: 200, value: report?.address },
      { name: "department_id", label: "承办部门", type: "select", options: [["", "按类别规则派单"], ...deps.map((d) => [d.department_id, d.name])] },
    ],
    submitLabel: "吹哨派单",
    send: (v) =>
      command(`${GRID}/tickets`, {
        category: v.category,
        kind: v.kind,
        title: v.title,
        text: v.text,
        address: v.address,
        ...(report ? { report_id: report.report_id } : {}),
        ...(v.department_id ? { department_id: v.department_id } : {}),
      }),
    done: (res) => {
      toast(res.data?.calendar_warning ? `已派单。${res.data.calendar_warning}` : `已派单至${departmentName(res.data?.department_id)}`);
      navigate(`/tickets/${res.data.ticket_id}?after=${res.position}`);
    },
  });
}

/** The tickets at `path` (a board), read after the store position `after` (when given); `allLabel`
 * names what the board lists when no state is picked (the community's: every unfinished ticket; a
 * department's: those waiting on it). */
function ticketBoard(path, after, allLabel = "全部未办结") {
  const counts = h("div");
  const state = h("select", { name: "state", "aria-label": "按状态筛选" }, h("option", { value: "" }, allLabel));
  const list = pagedList({
    label: "工单",
    limit: 10,
    after,
    load: async ({ limit, offset, after }) => {
      const page = await get(path, { state: state.value, limit, offset, after });
      // In the states' order (as a ticket moves), not the order the answer's document keeps its keys.
      const present = Object.keys(TICKET_STATES).filter((k) => page.counts?.[k] !== undefined);
      replace(counts, h("div", { class: "stats" }, present.map((k) => stat(labelOf(TICKET_STATES, k), fmtNumber(page.counts[k]), k === "returned" ? "bad" : ""))));
      if (state.options.length === 1) {
        for (const k of present) state.append(h("option", { value: k }, labelOf(TICKET_STATES, k)));
      }
      return page;
    },
    item: ticketRow,
    emptyTitle: "没有工单",
  });
  state.addEventListener("change", () => list.reload());
  return [counts, state, list];
}

// --- department --------------------------------------------------------------------------------

async function renderQueue(body, { query }) {
  await loadNames();
  body.append(section("本部门工单", ticketBoard(`${GRID}/boards/department`, query.get("after") || undefined, "本部门待办")));
}

// --- one ticket, with what the signed-in role may do next ---------------------------------------

async function renderTicket(body, { params, user, query }) {
  const slot = h("div");
  body.append(slot);
  async function show(after) {
    await into(
      slot,
      () => Promise.all([get(`${GRID}/tickets/${params.id}`, { after }), loadNames()]),
      ([t, { deps }]) => {
        return [
          section(
            t.title,
            h("p", { class: "row" }, stateBadge(t), deadlineBadge(t), t.extension_pending ? badge("延期待批", "warn") : null),
            h("p", {}, t.text),
            facts([
              ["工单号", h("span", { class: "ref", dataset: { ref: "" } }, t.ticket_id)],
              ["类别", categoryName(t.category)],
              ["地点", t.address],
              ["承办部门", departmentName(t.department_id)],
              ["协办部门", t.co_department_ids?.length ? t.co_department_ids.map(departmentName).join("、") : null],
              ["来源", t.report_id ? "网格上报" : "社区直接派单"],
              ["上报人", t.report_reporter_name],
              ["共同上报", t.report_co_reporters?.length ? coReporterNames(t.report_co_reporters) : null],
              ["派单时间", fmtDateTime(t.dispatched_at)],
              ["签收期限", fmtDateTime(t.accept_by)],
              ["办理期限", `${fmtDateTime(t.deadline)}（${t.time_limit_workdays} 个工作日）`],
              ["办理结果", t.result],
              ["退单原因", t.return_reason],
              ["满意度", t.satisfaction ? labelOf(REVISIT_ANSWERS, t.satisfaction) : null],
            ]),
            photos(t.report_photo_upload_ids, "上报照片"),
            photos(t.evidence_upload_ids, "佐证材料"),
          ),
          urgedNotice(t),
          actionsFor(t, user, deps, show),
          section(
            "办理记录",
            historyList(`${GRID}/tickets/${t.ticket_id}/history`, { label: "办理记录", emptyTitle: "暂无办理记录" }),
          ),
        ];
      },
    );
  }
  await show(query.get("after") || undefined);
}

const IN_DEPARTMENT = ["dispatched", "accepted", "handled"];

/** The latest 督办 of the ticket's current round, for the department holding it. */
function urgedNotice(t) {
  const urged = t.history.filter((e) => e.type === "TicketUrged" && e.data?.round === t.round);
  if (!urged.length || !IN_DEPARTMENT.includes(t.state)) return null;
  const last = urged[urged.length - 1];
  return h(
    "div",
    { class: "notice warn", role: "status", dataset: { urged: String(urged.length) } },
    h("strong", {}, urged.length > 1 ? `已督办 ${urged.length} 次` : "已督办"),
    `：${last.data.note}（${last.actor_name || "社区"} · ${fmtDateTime(last.occurred_at)}）`,
  );
}

function actionsFor(t, user, deps, show) {
  const base = `${GRID}/tickets/${t.ticket_id}`;
  const done = (message) => (res) => {
    toast(message);
    show(res.position);
  };
  const forms = [];
  const isDept = user.roles.includes("department") && user.scopes?.department === t.department_id;
  const isCommunity = user.roles.includes("community_admin");
  if (isDept && t.state === "dispatched") {
    forms.push(
      actionForm({ label: "签收", fields: [], submitLabel: "签收", send: () => command(`${base}/acceptance`, {}), done: done("已签收") }),
      disclosure("退单", actionForm({ label: "退单", fields: [{ name: "reason", label: "退单原因", type: "textarea", required: true, max: 500 }], submitLabel: "确认退单", send: (v) => command(`${base}/return`, v), done: done("已退单") })),
    );
  }
  if (isDept && ["accepted", "handled"].includes(t.state)) {
    forms.push(
      disclosure(
        "反馈办理结果",
        actionForm({
          label: "反馈办理结果",
          uploadTo: `${GRID}/uploads`,
          fields: [
            { name: "result", label: "办理结果", type: "textarea", required: true, max: 2000 },
            { name: "evidence_upload_ids", label: "佐证材料（照片或 PDF）", type: "files" },
          ],
          submitLabel: "提交反馈",
          send: (v) => command(`${base}/report-back`, { result: v.result, evidence_upload_ids: v.evidence_upload_ids || [] }),
          done: done("已反馈"),
        }),
      ),
    );
    if (!t.extension_pending) {
      forms.push(
        disclosure(
          "申请延期",
          actionForm({
            label: "申请延期",
            fields: [
              { name: "requested_deadline", label: "申请延至", type: "datetime", required: true },
              { name: "reason", label: "延期原因", type: "textarea", required: true, max: 500 },
            ],
            submitLabel: "提交延期申请",
            send: (v) => command(`${base}/extension-request`, v),
            done: done("已申请延期"),
          }),
        ),
      );
    }
  }
  const late = t.acceptance_overdue || t.resolution_overdue || t.hours_left <= 0;
  if ((isCommunity || user.roles.includes("district_admin")) && IN_DEPARTMENT.includes(t.state) && late) {
    forms.push(
      disclosure(
        "督办",
        actionForm({
          label: "督办",
          fields: [{ name: "note", label: "督办要求", type: "textarea", required: true, max: 500, hint: "写明要部门做什么、何时反馈" }],
          submitLabel: "发出督办",
          send: (v) => command(`${base}/urging`, { note: v.note }),
          done: done("已督办，承办部门会在工单上看到"),
        }),
      ),
    );
  }
  if (isCommunity) {
    if (t.extension_pending) {
      forms.push(
        disclosure(
          `审批延期（申请延至 ${fmtDateTime(t.requested_deadline)}：${t.extension_reason || ""}）`,
          actionForm({
            label: "审批延期",
            fields: [
              { name: "approve", label: "同意延期", type: "checkbox", value: true },
              { name: "reason", label: "意见", type: "textarea", max: 500 },
            ],
            submitLabel: "提交审批",
            send: (v) => command(`${base}/extension-decision`, v),
            done: done("已审批"),
          }),
        ),
      );
    }
    if (t.state === "reported_back") {
      forms.push(
        actionForm({
          label: "核实办理结果",
          fields: [
            { name: "passed", label: "核实通过", type: "checkbox", value: true },
            { name: "close", label: "通过后直接办结", type: "checkbox", value: true },
            { name: "comment", label: "核实意见", type: "textarea", max: 500 },
          ],
          submitLabel: "提交核实",
          send: (v) => command(`${base}/verification`, v),
          done: done("已核实"),
        }),
      );
    }
    if (t.state === "verified") forms.push(actionForm({ label: "办结", fields: [], submitLabel: "办结", send: () => command(`${base}/closing`, {}), done: done("已办结") }));
    if (t.state === "returned") {
      forms.push(
        actionForm({
          label: "重新派单",
          fields: [{ name: "department_id", label: "改派部门", type: "select", options: [["", "按类别规则"], ...deps.map((d) => [d.department_id, d.name])] }],
          submitLabel: "重新派单",
          send: (v) => command(`${base}/redispatch`, v.department_id ? { department_id: v.department_id } : {}),
          done: done("已重新派单"),
        }),
      );
    }
    // Revisited once per closing: a reopened ticket closed again is revisited again.
    const closedAt = t.history.map((e) => e.type).lastIndexOf("TicketClosed");
    const revisited = t.history.slice(closedAt + 1).some((e) => e.type === "SatisfactionRecorded");
    if (t.state === "closed" && !revisited) {
      forms.push(
        disclosure(
          "回访群众",
          actionForm({
            label: "回访",
            fields: [
              { name: "satisfaction", label: "满意度", type: "select", options: REVISIT_OPTIONS },
              { name: "comment", label: "回访记录", type: "textarea", max: 500 },
              { name: "note", label: "转告承办部门（部分解决或未解决时填写还有什么没解决）", type: "textarea", max: 500 },
            ],
            submitLabel: "记录回访",
            send: (v) => command(`${base}/revisit`, v),
            done: done("已记录回访"),
          }),
        ),
      );
    }
  }
  return forms.length ? section("下一步", forms) : null;
}

// --- district / community figures --------------------------------------------------------------

async function renderLeague(body, { user, query }) {
  await loadNames();
  const district = user.roles.includes("district_admin");
  const communities = district ? await get(`${GRID}/communities`, { limit: 200 }).then((p) => p.items).catch(() => []) : [];
  const today = now().toLocaleDateString("en-CA", { timeZone: "Asia/Shanghai" });
  const ago = new Date(now().getTime() - 90 * 86400000).toLocaleDateString("en-CA", { timeZone: "Asia/Shanghai" });
  const since = h("input", { type: "date", name: "since", value: query.get("since") || ago });
  const until = h("input", { type: "date", name: "until", value: query.get("until") || today });
  const community = district
    ? h("select", { name: "community_id" }, h("option", { value: "" }, "全部社区"), communities.map((c) => h("option", { value: c.community_id, selected: c.community_id === query.get("community_id") }, c.name)))
    : null;
  const pct = (v) => (v === null || v === undefined ? "—" : `${fmtNumber(v * (v <= 1 ? 100 : 1), 1)}%`);
  const slot = h("div", { "aria-live": "polite" });
  const overdueSlot = h("div");
  // The table as it stood at a chosen time, folded from the tickets' events; empty: now.
  const asOf = asOfField(query.get("as_of"));
  const form = h(
    "form",
    { class: "action-form", novalidate: true, "aria-label": "统计区间" },
    formBanner(),
    h("div", { class: "grid2" }, field({ label: "开始日期", name: "since", control: since }), field({ label: "结束日期", name: "until", control: until })),
    community ? field({ label: "社区", name: "community_id", control: community }) : null,
    asOf.element,
    h("div", { class: "actions" }, h("button", { type: "submit", class: "btn primary" }, "查看排行")),
  );
  async function show() {
    clearErrors(form);
    const params = { since: since.value || undefined, until: until.value || undefined, community_id: community?.value || undefined, as_of: asOf.value() };
    history.replaceState(null, "", query_(params) || location.pathname);
    replace(slot, loading());
    try {
      const league = await get(`${GRID}/figures/departments`, params);
      replace(
        slot,
        league.departments.length
          ? [
              league.as_of ? h("p", { class: "notice", role: "status" }, `这是 ${fmtDateTime(league.as_of)} 时的排行，由当时已记录的事件重算`) : null,
              h("p", { class: "muted small" }, `${league.since} 至 ${league.until}${league.community_id ? ` · ${league.community_id}` : ""}`),
              table(
                [
                  { label: "名次", num: true, cell: (r) => r.rank },
                  { label: "部门", name: true, cell: (r) => r.department_name },
                  { label: "派单", num: true, cell: (r) => fmtNumber(r.assigned) },
                  { label: "按时签收率", num: true, cell: (r) => pct(r.response_rate) },
                  { label: "按时办结率", num: true, cell: (r) => pct(r.on_time_rate) },
                  { label: "满意率", num: true, cell: (r) => pct(r.satisfaction_rate) },
                  { label: "部分解决率", num: true, cell: (r) => pct(r.partly_rate) },
                  { label: "未解决率", num: true, cell: (r) => pct(r.unsolved_rate) },
                  { label: "平均签收（小时）", num: true, cell: (r) => fmtNumber(r.mean_hours_to_accept, 1) },
                  { label: "超期", num: true, cell: (r) => fmtNumber(r.overdue) },
                  { label: "退单", num: true, cell: (r) => fmtNumber(r.returned) },
                ],
                league.departments,
                "职能部门排行",
              ),
            ]
          : empty("统计期内没有工单", "换一个统计区间试试。"),
      );
    } catch (error) {
      showErrors(form, error);
      replace(slot, empty("没有排行结果", error.errors?.length ? "请按上方提示修改统计区间。" : error.detail));
    }
    replace(
      overdueSlot,
      pagedList({
        label: "超期未办结工单",
        limit: 10,
        load: ({ limit, offset }) => get(`${GRID}/boards/overdue`, { community_id: community?.value || undefined, limit, offset }),
        item: ticketRow,
        emptyTitle: "没有超期未办结的工单",
      }),
    );
  }
  asOf.onChange(() => show());
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    show();
  });
  body.append(section("统计区间", form), section("职能部门排行", slot), section("超期未办结工单（督办）", overdueSlot));
  show();
}

export const screens = [
  { path: "/grid/report", title: "上报问题", desc: "巡查发现问题，拍照上报", roles: GRID_ROLES, requires: ["grid POST /api/v1/reports"], render: renderReport },
  { path: "/grid/reports", title: "网格上报", desc: "本网格的上报，就地解决或上报社区", roles: [...GRID_ROLES, "community_admin"], requires: ["grid GET /api/v1/reports"], render: renderReports },
  { path: "/community/dispatch", title: "派单看板", desc: "待派单上报、吹哨派单、核实回访", roles: ["community_admin"], requires: ["grid GET /api/v1/boards/dispatch", "grid POST /api/v1/tickets"], render: renderDispatch },
  { path: "/department/queue", title: "部门工单", desc: "签收、办理、反馈，注意时限", roles: ["department"], requires: ["grid GET /api/v1/boards/department"], render: renderQueue },
  { path: "/tickets/:id", title: "工单详情", hidden: true, roles: ["community_admin", "department", "district_admin", ...GRID_ROLES], requires: ["grid GET /api/v1/tickets/{ticket_id}", "grid GET /api/v1/tickets/{ticket_id}/history"], render: renderTicket },
  { path: "/district/league", title: "部门办件排行", desc: "签收、办结、满意率排行，超期工单督办", roles: ["district_admin", "community_admin"], requires: ["grid GET /api/v1/figures/departments"], render: renderLeague },
];
