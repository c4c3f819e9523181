// After the quarters: the annual review (年度考核) with its 优秀 candidates and quota, the use of
// results (五挂钩) for a person, a leader's shortcoming reminders (不足提醒), and a person's own
// follow-ups (mentor, visits) shown next to their reminders.

import { command, get } from "../lib/api.js";
import { fmtDate, fmtDateTime, fmtNumber, h, replace } from "../lib/dom.js";
import { LEADER_ROLES } from "../lib/roles.js";
import { actionForm, badge, disclosure, empty, field, into, listSlot, pagedList, section, stat, toast } from "../lib/ui.js";
import { thisQuarter, today } from "../lib/weeks.js";
import { BASE } from "../lib/services.js";
import { REMINDER_STATES, RESULT_USE_KINDS, labelOf, toneOf } from "../lib/labels.js";

const API = BASE.appraisal;
const ANNUAL_GRADES = ["优秀", "称职", "基本称职", "不称职"];
const NEGATIVE_KINDS = new Set(["discipline", "reminder_talk"]);

function unitPath(unit) {
  return `${API}/units/${encodeURIComponent(unit)}`;
}

/** The unit's active people (every page). */
async function activePeople(unit) {
  const people = [];
  for (let offset = 0; ; offset += 200) {
    const page = await get(`${unitPath(unit)}/people`, { active: true, limit: 200, offset });
    people.push(...page.items);
    if (!page.items.length || people.length >= page.total) return people;
  }
}

function noUnit(body) {
  body.append(empty("你的账号未归属单位"));
}

// --- annual review ------------------------------------------------------------------------------

function excellentQuota(board) {
  return h(
    "div",
    { class: "stats quota", role: "group", "aria-label": "优秀名额" },
    stat("优秀名额", fmtNumber(board.excellent_cap)),
    stat("已用", fmtNumber(board.excellent_used)),
    stat("剩余", h("span", { dataset: { excellentLeft: "" } }, fmtNumber(board.excellent_left)), board.excellent_left ? "ok" : "warn"),
  );
}

function annualPerson(p, board, base, reload) {
  const grades = Object.entries(p.quarter_grades).sort(([a], [b]) => a.localeCompare(b));
  return h(
    "li",
    { class: "annual-person", dataset: { person: p.person_id } },
    h(
      "div",
      { class: "spread" },
      h("span", { class: "title" }, p.person_name),
      h("span", { class: "row" }, p.excellent_eligible ? badge("优秀候选", "ok") : null, p.grade ? badge(`年度 ${p.grade}`, p.grade === "优秀" ? "ok" : "") : badge("待定等次", "warn")),
    ),
    h("p", { class: "muted small" }, grades.length ? grades.map(([q, g]) => `第${q.slice(6)}季度 ${g}`).join(" · ") : "本年度没有已确认的季度等次"),
    p.comment ? h("p", { class: "small" }, `意见：${p.comment}`) : null,
    p.grade
      ? null
      : disclosure(
          "确定年度等次",
          h("p", { class: "muted small", "aria-live": "polite" }, `本单位优秀名额还剩 ${board.excellent_left} 个（共 ${board.excellent_cap} 个）。${p.excellent_eligible ? "" : "此人不是优秀候选人。"}`),
          actionForm({
            label: `确定 ${p.person_name} 的年度等次`,
            fields: [
              { name: "grade", label: "年度等次", type: "select", required: true, options: [["", "请选择"], ...ANNUAL_GRADES.map((g) => [g, g])] },
              { name: "comment", label: "意见（可选）", type: "textarea", max: 500 },
            ],
            submitLabel: "确定等次",
            send: (v) => command(`${base}/grades`, { person_id: p.person_id, grade: v.grade, comment: v.comment }),
            done: (res, v) => {
              toast(`${p.person_name} 年度等次：${v.grade}，优秀名额还剩 ${res.data?.excellent_left ?? "—"} 个`);
              reload(res.position);
            },
          }),
        ),
  );
}

function openAnnualForm(unit, year, reload) {
  return actionForm({
    label: `开启 ${year} 年度考核`,
    fields: [{ name: "excellent_ratio", label: "优秀比例上限（%）", type: "number", value: 20, required: true, hint: "候选人：全年半数以上季度为“好”，且没有“一般”“较差”。" }],
    submitLabel: "开启年度考核",
    send: (v) => command(`${unitPath(unit)}/annual-reviews`, { year, excellent_ratio: v.excellent_ratio / 100 }),
    done: (res) => {
      toast(`${year} 年度考核已开启，优秀候选 ${res.data?.excellent_candidates?.length ?? 0} 人`);
      reload(res.position);
    },
  });
}

function renderAnnual(body, { user, query }) {
  const unit = user.scopes?.unit;
  if (!unit) return noUnit(body);
  const now = Number(thisQuarter().slice(0, 4));
  const picker = h("select", { name: "year" }, [now, now - 1, now - 2].map((y) => h("option", { value: y, selected: String(y) === (query.get("year") || String(now)) }, `${y} 年`)));
  const head = h("div", { class: "sticky-quota" });
  const slot = listSlot();
  /** The year chosen: its own list. */
  function show() {
    const year = Number(picker.value);
    const base = `${unitPath(unit)}/annual-reviews/${year}`;
    let board;
    replace(head);
    slot.show({
      label: "年度考核名单",
      limit: 20,
      load: async ({ limit, offset, after }) => {
        board = await get(base, { limit, offset, after });
        replace(head, board.total ? [excellentQuota(board), h("p", { class: "muted small" }, `${year} 年度参评 ${board.total} 人，优秀候选排在前面。`)] : null);
        if (!board.total && offset === 0) {
          replace(
            head,
            section(
              `${year} 年度考核尚未开启`,
              h("p", { class: "muted small" }, "四个季度的结果都确认后，由单位管理员开启；候选人由各季度等次自动得出。"),
              user.roles.includes("unit_admin") ? openAnnualForm(unit, year, reload) : null,
            ),
          );
        }
        return board;
      },
      item: (p) => annualPerson(p, board, base, reload),
      emptyTitle: "年度考核名单为空",
    });
  }
  /** After a command: the year's list again, after the command's position. */
  function reload(position) {
    replace(head);
    slot.list.reload(position);
  }
  picker.addEventListener("change", () => show());
  body.append(field({ label: "年度", name: "year", control: picker }), head, section("年度考核名单", slot));
  show();
}

// --- result use (五挂钩) -------------------------------------------------------------------------

function resultUseItem(u) {
  return h(
    "li",
    { class: "result-use", dataset: { person: u.person_id, kind: u.kind } },
    h("div", { class: "spread" }, h("span", { class: "title" }, `${u.person_name} · ${RESULT_USE_KINDS[u.kind] || "其他运用"}`), badge(u.positive ? "正向激励" : "负向约束", u.positive ? "ok" : "bad")),
    h("p", {}, u.basis),
    h("p", { class: "muted small" }, `${u.year} 年度结果 · 决定于 ${fmtDate(u.decided_on)}`),
  );
}

async function renderResultUses(body, { user, query }) {
  const unit = user.scopes?.unit;
  if (!unit) return noUnit(body);
  const people = await activePeople(unit);
  const year = Number(thisQuarter().slice(0, 4));
  const list = pagedList({
    label: "结果运用记录",
    limit: 15,
    load: ({ limit, offset, after }) => get(`${unitPath(unit)}/result-uses`, { limit, offset, after }),
    item: resultUseItem,
    emptyTitle: "还没有登记结果运用",
    emptyHint: "评优、选拔任用、职级晋升等运用考核结果的事项，在上方登记。",
  });
  const chosen = query.get("person");
  const form = actionForm({
    label: "登记结果运用",
    fields: [
      { name: "person_id", label: "人员", type: "select", required: true, value: chosen || "", options: [["", "请选择"], ...people.map((p) => [p.person_id, `${p.person_name}${p.section_name ? `（${p.section_name}）` : ""}`])] },
      { name: "kind", label: "运用方式", type: "select", required: true, options: [["", "请选择"], ...Object.entries(RESULT_USE_KINDS).map(([k, t]) => [k, `${t}（${NEGATIVE_KINDS.has(k) ? "负向" : "正向"}）`])] },
      { name: "year", label: "依据的考核年度", type: "number", value: year - 1, required: true },
      { name: "decided_on", label: "决定日期", type: "date", value: today(), required: true },
      { name: "basis", label: "依据与说明", type: "textarea", required: true, max: 500, hint: "如：2025 年度考核优秀，推荐为区级优秀公务员。" },
      { name: "backfill_reason", label: "补录说明（评优所依据的年度考核不在本平台时填写）", type: "textarea", max: 500, hint: "如：2024 年度考核结果见凤组发〔2025〕3 号文件。" },
    ],
    submitLabel: "登记",
    // The backfill reason is sent only when given: the API asks for it only for 评优 of a year it does not hold.
    send: ({ backfill_reason: reason, ...v }) => command(`${unitPath(unit)}/result-uses`, reason ? { ...v, backfill_reason: reason } : v),
    done: (res, v) => {
      const who = people.find((p) => p.person_id === v.person_id)?.person_name || "";
      toast(`已登记 ${who} 的${RESULT_USE_KINDS[v.kind]}`);
      list.reload(res.position);
    },
  });
  body.append(section("登记结果运用（五挂钩）", form), section("本单位结果运用", list));
}

// --- shortcoming reminders issued by leaders ------------------------------------------------------

function reminderItem(r) {
  const [label, tone] = [labelOf(REMINDER_STATES, r.status), toneOf(REMINDER_STATES, r.status)];
  return h(
    "li",
    { class: "reminder", dataset: { reminder: r.reminder_id, person: r.person_id } },
    h("div", { class: "spread" }, h("span", { class: "title" }, `${r.person_name}${r.quarter ? ` · ${r.quarter}` : ""}`), badge(label, tone)),
    h("p", {}, r.shortcomings),
    h("p", { class: "muted small" }, `${r.issued_by_name} 提醒于 ${fmtDateTime(r.issued_at)}${r.acknowledged_at ? ` · 确认于 ${fmtDateTime(r.acknowledged_at)}` : ""}`),
    r.report ? h("p", { class: "small" }, `整改情况（${fmtDateTime(r.reported_at)}）：${r.report}`) : null,
  );
}

async function renderLeaderReminders(body, { user }) {
  const unit = user.scopes?.unit;
  if (!unit) return noUnit(body);
  const mine = (await activePeople(unit)).filter((p) => p.person_id !== user.sub && [p.section_chief_id, p.deputy_leader_id, p.principal_leader_id].includes(user.sub));
  const list = pagedList({
    label: "已发出的不足提醒",
    limit: 10,
    load: ({ limit, offset, after }) => get(`${API}/reminders`, { limit, offset, after }),
    item: reminderItem,
    emptyTitle: "还没有不足提醒",
  });
  const form = mine.length
    ? actionForm({
        label: "发出不足提醒",
        fields: [
          { name: "person_id", label: "提醒对象", type: "select", required: true, options: [["", "请选择"], ...mine.map((p) => [p.person_id, `${p.person_name}${p.section_name ? `（${p.section_name}）` : ""}`])] },
          { name: "quarter", label: "所属季度（可选）", type: "select", options: [["", "不限季度（随时提醒）"], [thisQuarter(), thisQuarter()]] },
          { name: "shortcomings", label: "存在的不足", type: "textarea", required: true, max: 2000, hint: "写明具体不足和整改要求（至少 5 个字）。" },
        ],
        submitLabel: "发出提醒",
        send: (v) => command(`${API}/reminders`, { person_id: v.person_id, quarter: v.quarter || null, shortcomings: v.shortcomings }),
        done: (res, v) => {
          toast(`已向 ${mine.find((p) => p.person_id === v.person_id)?.person_name || ""} 发出不足提醒`);
          list.reload(res.position);
        },
      })
    : h("p", { class: "muted" }, "你的审核范围内暂时没有人员。");
  body.append(section("发出不足提醒", form), section("不足提醒记录", list));
}

// --- a person's own follow-ups (shown with their reminders) -------------------------------------

export function myFollowUps() {
  return section(
    "跟踪帮带",
    pagedList({
      label: "我的跟踪帮带",
      limit: 4,
      load: ({ limit, offset }) => get(`${API}/me/follow-ups`, { limit, offset }),
      item: (f) =>
        h(
          "li",
          { class: "follow-up", dataset: { quarter: f.quarter } },
          h("div", { class: "spread" }, h("span", { class: "title" }, `${f.quarter} 起跟踪帮带`), f.mentor_name ? badge(`导师 ${f.mentor_name}`, "ok") : badge("尚未安排导师", "warn")),
          h("p", { class: "muted small" }, `连续等次：${Object.entries(f.grades).map(([q, g]) => `${q} ${g}`).join("，")}`),
          f.visits.length
            ? h("ul", { class: "items small", "aria-label": `${f.quarter} 回访记录` }, f.visits.map((v) => h("li", {}, `${v.visited_on} ${v.visited_by_name || "领导"}回访：${v.notes}`)))
            : h("p", { class: "muted small" }, "还没有回访记录"),
        ),
      emptyTitle: "没有跟踪帮带事项",
      emptyHint: "连续多个季度为“较好”及以下时，单位会安排导师帮带并定期回访。",
    }),
  );
}

export const screens = [
  {
    path: "/admin/annual",
    title: "年度考核",
    desc: "优秀候选、优秀名额、确定年度等次",
    roles: ["unit_admin", "principal_leader"],
    requires: ["appraisal GET /api/v1/units/{unit_id}/annual-reviews/{year}", "appraisal POST /api/v1/units/{unit_id}/annual-reviews/{year}/grades"],
    render: renderAnnual,
  },
  {
    path: "/admin/result-uses",
    title: "结果运用",
    desc: "五挂钩：评优、任用、晋升等登记",
    roles: ["unit_admin"],
    requires: ["appraisal POST /api/v1/units/{unit_id}/result-uses", "appraisal GET /api/v1/units/{unit_id}/result-uses"],
    render: renderResultUses,
  },
  {
    path: "/leader/reminders",
    title: "不足提醒",
    desc: "向审核范围内人员发出提醒，查看整改",
    roles: LEADER_ROLES,
    requires: ["appraisal POST /api/v1/reminders", "appraisal GET /api/v1/reminders"],
    render: renderLeaderReminders,
  },
];
