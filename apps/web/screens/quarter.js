// Staff beyond the weekly log: the monthly summary, my quarter (self-assessment, result, appeal
// within the published window), my reminders and their rectification; leaders' unit board with
// grade adjustment (a reason is required) and moving a 好 from one person to another in one step;
// the follow-ups after consecutive weak quarters (季度回访, 导师帮带).

import { myFollowUps } from "./growth.js";
import { command, get } from "../lib/api.js";
import { fmtDateTime, fmtNumber, h, replace } from "../lib/dom.js";
import { asOfField, historyDisclosure } from "../lib/history.js";
import { LEADER_ROLES, roleLabel } from "../lib/roles.js";
import { actionForm, badge, disclosure, downloadButton, empty, field, into, listSlot, pagedList, section, stat, toast } from "../lib/ui.js";
import { now } from "../lib/clock.js";
import { shiftMonth, thisMonth, today } from "../lib/weeks.js";
import { SCORE_RULE, compositeText, indicatorsFor, scoreFields, scoresOf } from "./shared.js";
import { BASE } from "../lib/services.js";
import { QUARTER_STATES, REMINDER_STATES, labelOf, toneOf } from "../lib/labels.js";

const API = BASE.appraisal;
const GRADES = ["好", "较好", "一般", "较差"];
const WRITERS = ["staff", ...LEADER_ROLES];

function statusBadge(map, status) {
  return badge(labelOf(map, status), toneOf(map, status));
}

// --- monthly summary ----------------------------------------------------------------------------

async function renderSummary(body, { user }) {
  // The month due: last month's until it is submitted (early in a month it is the one to write).
  const due = await get(`${API}/me/summary-due`).catch(() => null);
  const current = thisMonth();
  const month = due?.month || current;
  const months = [...new Set([month, current, shiftMonth(current, -1)])];
  const history = pagedList({
    label: "我的月度小结",
    limit: 6,
    keepPage: true,
    load: ({ limit, offset, after }) => get(`${API}/summaries`, { person: user.sub, limit, offset, after }),
    item: (s) =>
      h(
        "li",
        { class: "summary", dataset: { month: s.month } },
        h("div", { class: "spread" }, h("span", { class: "title" }, `${s.month} 月度小结`), h("span", { class: "row" }, s.late ? badge("迟交", "bad") : badge("按时", "ok"), badge(`第 ${s.revision} 版`))),
        h("p", { class: "prewrap" }, s.text),
        h("p", { class: "muted small" }, `提交于 ${fmtDateTime(s.submitted_at)} · 截止 ${fmtDateTime(s.deadline)}`),
      ),
    emptyTitle: "还没有提交过月度小结",
  });
  const form = actionForm({
    label: "提交月度小结",
    fields: [
      {
        name: "month",
        label: "月份",
        type: "select",
        options: months.map((m) => [m, `${m.slice(0, 4)}年${Number(m.slice(5))}月${m === due?.month ? (due.overdue ? "（已逾期，请补交）" : "（待提交）") : ""}`]),
        value: month,
        hint: due ? `${due.month.slice(0, 4)}年${Number(due.month.slice(5))}月小结截止 ${fmtDateTime(due.deadline)}` : undefined,
      },
      { name: "text", label: "本月工作小结", type: "textarea", required: true, max: 5000, hint: "本月主要工作、成效与不足，系统会汇总你本月的周纪实供参考。" },
    ],
    submitLabel: "提交小结",
    send: (v) => command(`${API}/summaries`, v),
    done: (res) => {
      toast(res.data?.late ? "已提交（迟交）" : "月度小结已提交");
      history.reload(res.position);
    },
  });
  body.append(section("写月度小结", form), section("已提交的小结", history));
}

// --- my quarter ---------------------------------------------------------------------------------

function myQuarterCard(q, indicators, reload, me) {
  const unitQuarter = `${API}/units/${encodeURIComponent(q.unit_id)}/quarters/${encodeURIComponent(q.quarter)}`;
  const done = (message) => (res) => {
    toast(message);
    reload(res.position);
  };
  const windowOpen = q.published && q.period_ends_at && new Date(q.period_ends_at) > now();
  const parts = [
    h("div", { class: "spread" }, h("h3", {}, `${q.quarter.slice(0, 4)} 年第 ${q.quarter.slice(6)} 季度`), statusBadge(QUARTER_STATES, q.status)),
    h(
      "dl",
      { class: "facts" },
      [
        ["自评", q.self_grade ? `${q.self_grade}（${fmtNumber(q.self_score, 1)} 分）` : "未自评"],
        ["互评", `${q.peer_count} 人已评`],
        ["当前环节", q.next_level ? `待${roleLabel(q.next_level)}评鉴` : q.published ? "已出结果" : "—"],
        ["结果", q.published ? h("strong", { dataset: { grade: q.quarter } }, q.composite_score === null ? q.grade : `${q.grade}（综合 ${fmtNumber(q.composite_score, 1)} 分）`) : "未公示"],
        ["公示截止", q.period_ends_at ? fmtDateTime(q.period_ends_at) : null],
      ]
        .filter(([, v]) => v !== null)
        .map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]),
    ),
    // In the chain's order (股组长, 分管领导, 主要领导), not in the order the stored document keeps its keys.
    Object.keys(q.comments || {}).length
      ? h("ul", { class: "items" }, LEADER_ROLES.filter((level) => q.comments[level]).map((level) => h("li", {}, `${roleLabel(level)}：${q.comments[level]}`)))
      : null,
    q.self_grade ? historyDisclosure(q.published ? "评定经过" : "我的自评记录", `${unitQuarter}/people/${encodeURIComponent(me)}/history`, { label: `${q.quarter} 评定经过` }) : null,
  ];
  if (q.status === "open" && !q.self_grade) {
    parts.push(
      disclosure(
        "填写季度自评",
        h("p", { class: "muted small score-rule" }, SCORE_RULE),
        actionForm({
          label: `${q.quarter} 季度自评`,
          fields: [
            ...scoreFields(indicators, { scoredRequired: true }),
            { name: "grade", label: "自评等次", type: "select", options: GRADES.map((g) => [g, g]), value: "较好" },
            { name: "summary", label: "季度述职", type: "textarea", required: true, max: 2000 },
          ],
          submitLabel: "提交自评",
          send: (v) => command(`${unitQuarter}/self-assessment`, { scores: scoresOf(indicators, v), grade: v.grade, summary: v.summary }),
          done: (res) => {
            toast(`自评已提交：${compositeText(res.data) || ""}`);
            reload(res.position);
          },
        }),
      ),
    );
  }
  if (q.appeal_id) {
    parts.push(
      h("p", { class: "notice" }, `复核申请：${q.appeal_status === "resolved" ? `已答复（${q.appeal_outcome === "changed" ? "等次已调整" : "维持原等次"}）：${q.appeal_answer || ""}` : "已提交，等待答复"}`),
    );
  } else if (windowOpen) {
    parts.push(
      disclosure(
        `对结果有异议？公示截止 ${fmtDateTime(q.period_ends_at)} 前可申请复核`,
        actionForm({
          label: `${q.quarter} 申请复核`,
          fields: [{ name: "reason", label: "申请理由", type: "textarea", required: true, max: 2000 }],
          submitLabel: "提交复核申请",
          send: (v) => command(`${unitQuarter}/appeals`, v),
          done: done("复核申请已提交"),
        }),
      ),
    );
  }
  return h("li", { class: "quarter", dataset: { quarter: q.quarter } }, parts);
}

async function renderMyQuarter(body, { user, caps, query }) {
  const indicators = await indicatorsFor(caps, user);
  const list = pagedList({
    label: "我的季度考核",
    limit: 4,
    after: query.get("after") || undefined,
    load: ({ limit, offset, after }) => get(`${API}/me/quarters`, { limit, offset, after }),
    item: (q) => myQuarterCard(q, indicators, list.reload, user.sub),
    emptyTitle: "还没有参加过季度考核",
    emptyHint: "单位开启季度考核后，这里可以自评、查看结果和申请复核。",
  });
  body.append(section("我的季度考核", list));
}

// --- reminders ------------------------------------------------------------------------------------

function renderReminders(body) {
  const list = pagedList({
    label: "我的提醒",
    limit: 10,
    load: ({ limit, offset, after }) => get(`${API}/reminders`, { limit, offset, after }),
    item: (r) =>
      h(
        "li",
        { class: "reminder", dataset: { reminder: r.reminder_id } },
        h("div", { class: "spread" }, h("span", { class: "title" }, `${r.quarter || ""} 提醒谈话`), statusBadge(REMINDER_STATES, r.status)),
        h("p", {}, r.shortcomings),
        h("p", { class: "muted small" }, `${r.issued_by_name} · ${fmtDateTime(r.issued_at)}`),
        r.report ? h("p", { class: "small" }, `整改情况：${r.report}`) : null,
        r.status === "issued"
          ? actionForm({ label: "确认收到提醒", fields: [], submitLabel: "确认收到", send: () => command(`${API}/reminders/${r.reminder_id}/acknowledgement`, {}), done: (res) => list.reload(res.position) })
          : null,
        r.status === "acknowledged"
          ? disclosure(
              "报送整改情况",
              actionForm({
                label: "报送整改情况",
                fields: [{ name: "report", label: "整改情况", type: "textarea", required: true, max: 2000 }],
                submitLabel: "报送",
                send: (v) => command(`${API}/reminders/${r.reminder_id}/rectification`, v),
                done: (res) => {
                  toast("已报送整改情况");
                  list.reload(res.position);
                },
              }),
            )
          : null,
      ),
    emptyTitle: "没有提醒",
    emptyHint: "季度考核发现不足时，领导会在这里提醒你并跟进整改。",
  });
  body.append(section("提醒与整改", list), myFollowUps());
}

// --- the unit board (leaders, unit administrators) ------------------------------------------------

/** A participant's grade on the board: while a level is still to review, that is what it says (with
 * the grade so far marked as provisional); a grade alone is the result. */
function gradeBadge(p) {
  if (p.next_level) return badge(`待${roleLabel(p.next_level)}${p.grade ? ` · 暂定${p.grade}` : ""}`, "warn");
  return p.grade ? badge(p.grade, p.grade === "好" ? "ok" : p.grade === "较差" ? "bad" : "") : badge("未评", "warn");
}

async function renderBoard(body, { user, query }) {
  const unit = user.scopes?.unit;
  if (!unit) {
    body.append(empty("你的账号未归属单位"));
    return;
  }
  const quarters = await get(`${API}/units/${encodeURIComponent(unit)}/quarters`, { limit: 8 }).catch(() => ({ items: [] }));
  if (!quarters.items.length) {
    body.append(empty("本单位还没有开启季度考核"));
    return;
  }
  const picker = h("select", { name: "quarter" }, quarters.items.map((q) => h("option", { value: q.quarter, selected: q.quarter === query.get("quarter") }, `${q.quarter}（${labelOf(QUARTER_STATES, q.status)}）`)));
  // The board as it stood at a chosen time (read-only), or live when the time is cleared.
  const asOfPicker = asOfField(query.get("as_of"));
  // The 好 quota stays in view below the top bar while the leader works down the board.
  const quotaBar = h("div", { class: "sticky-quota", "aria-live": "polite" });
  const head = h("div");
  const slot = listSlot();
  const moveSlot = h("div");
  // The administrator replaces a reviewer in the open quarter: the unit's active people, once.
  const administers = user.roles.includes("unit_admin");
  let roster = null;
  /** The quarter and time chosen: their own board. */
  function show() {
    const quarter = picker.value;
    const base = `${API}/units/${encodeURIComponent(unit)}/quarters/${quarter}`;
    const status = quarters.items.find((q) => q.quarter === quarter)?.status;
    const asOf = asOfPicker.value();
    const showMove = (moved) => replace(moveSlot, !asOf && status === "open" && MOVERS.some((r) => user.roles.includes(r)) ? goodMove(user, base, slot.list.position, reload, moved) : null);
    /** After a command: the board again, after the command's position; the 好 move says what it `moved`. */
    function reload(position, moved) {
      slot.list.reload(position);
      showMove(moved);
    }
    slot.show({
      label: "考核看板",
      limit: 15,
      load: async ({ limit, offset, after }) => {
        const board = await get(`${base}/board`, { limit, offset, after, as_of: asOf });
        if (administers && !asOf && status === "open" && !roster) roster = await activePeople(unit);
        const q = board.quarter;
        replace(
          quotaBar,
          h(
            "div",
            { class: "stats", role: "group", "aria-label": "好等次名额" },
            stat("好等次名额", fmtNumber(q.good_cap)),
            stat("已用", fmtNumber(q.good_used), q.good_used > q.good_cap ? "bad" : ""),
            stat("剩余", h("span", { dataset: { goodLeft: "" } }, fmtNumber(q.good_left)), q.good_left ? "ok" : "warn"),
          ),
        );
        replace(
          head,
          board.as_of ? h("p", { class: "notice", role: "status" }, `这是 ${fmtDateTime(board.as_of)} 时的看板（只读），由当时已记录的事件重算`) : null,
          h("p", { class: "muted small" }, `${labelOf(QUARTER_STATES, q.status)} · 参评 ${q.participants} 人${q.appeals_open ? ` · 待答复复核 ${q.appeals_open} 件` : ""}`),
          h("div", { class: "row", role: "group", "aria-label": "导出" }, downloadButton("导出 Excel", `${base}/board.xlsx`, `${unit}${quarter}季度考核.xlsx`)),
        );
        return board;
      },
      item: (p) =>
        h(
          "li",
          { class: "person", dataset: { person: p.person_id } },
          h("div", { class: "spread" }, h("span", { class: "title" }, p.person_name), gradeBadge(p)),
          h(
            "p",
            { class: "muted small" },
            [`自评 ${p.self_grade || "—"}`, `股组长 ${p.section_chief_grade || "—"}`, `分管 ${p.deputy_leader_grade || "—"}`, `主要领导 ${p.principal_leader_grade || "—"}`, p.composite_score === null || p.composite_score === undefined ? null : `综合 ${fmtNumber(p.composite_score, 1)} 分`]
              .filter(Boolean)
              .join(" · "),
          ),
          p.adjustments?.length
            ? h(
                "ul",
                { class: "items small", "aria-label": `${p.person_name} 的等次调整记录` },
                p.adjustments.map((a) => h("li", { class: "adjustment" }, `${roleLabel(a.level)}调整：${a.from_grade} → ${a.to_grade}（理由：${a.reason}）· ${fmtDateTime(a.at)}`)),
              )
            : null,
          administers && !asOf && status === "open" && p.next_level && roster ? reviewersOf(base, p, roster, reload) : null,
          historyDisclosure("评定经过", `${base}/people/${encodeURIComponent(p.person_id)}/history`, { label: `${p.person_name} 的评定经过`, emptyTitle: "还没有评定记录" }),
          !asOf && p.grade && user.roles.some((r) => ["principal_leader", "deputy_leader", "unit_admin"].includes(r))
            ? disclosure(
                "调整等次",
                actionForm({
                  label: `调整 ${p.person_name} 的等次`,
                  fields: [
                    { name: "to_grade", label: "调整为", type: "select", options: GRADES.map((g) => [g, g]), value: p.grade },
                    { name: "reason", label: "调整理由（必填）", type: "textarea", required: true, max: 500 },
                  ],
                  submitLabel: "确认调整",
                  send: (v) => command(`${base}/adjustments`, { person_id: p.person_id, to_grade: v.to_grade, reason: v.reason }),
                  done: (res) => {
                    toast(`已调整 ${p.person_name} 的等次`);
                    reload(res.position);
                  },
                }),
              )
            : null,
        ),
      emptyTitle: "本季度还没有参评人员",
    });
    showMove();
  }
  picker.addEventListener("change", () => show());
  asOfPicker.onChange(() => show());
  body.append(field({ label: "季度", name: "quarter", control: picker }), asOfPicker.element, quotaBar, head, moveSlot, section("考核看板", slot));
  show();
}

// --- replacing a reviewer in the open quarter (unit administrator) -------------------------------

const CHAIN_LEVELS = ["section_chief", "deputy_leader", "principal_leader"];

/** A reviewer who left (or moved) is replaced for the levels not yet decided; the decided ones
 * stay as they are. A reviewer no longer among the unit's active people is said so. */
function reviewersOf(base, p, roster, reload) {
  const active = new Set(roster.map((r) => r.person_id));
  const gone = p.next_reviewer_id && !active.has(p.next_reviewer_id);
  const others = roster.filter((r) => r.person_id !== p.person_id);
  const open = CHAIN_LEVELS.filter((level) => !p[`${level}_grade`]);
  return h(
    "div",
    {},
    gone ? h("p", { class: "notice warn", role: "status" }, `待审核的${roleLabel(p.next_level)}已不在本单位，请调整本季度审核人`) : null,
    disclosure(
      "调整本季度审核人",
      actionForm({
        label: `调整 ${p.person_name} 本季度的审核人`,
        fields: open.map((level) => ({
          name: level,
          label: roleLabel(level),
          type: "select",
          value: p[`${level}_id`] || "",
          options: [["", "无"], ...others.map((o) => [o.person_id, `${o.person_name}${o.position ? `（${o.position}）` : ""}`])],
        })),
        submitLabel: "保存审核人",
        send: (v) =>
          command(
            `${base}/people/${encodeURIComponent(p.person_id)}/reviewers`,
            Object.fromEntries(CHAIN_LEVELS.map((level) => [`${level}_id`, (open.includes(level) ? v[level] : p[`${level}_id`]) || null])),
            { method: "PUT" },
          ),
        done: (res) => {
          toast(`已调整 ${p.person_name} 本季度的审核人`);
          reload(res.position);
        },
      }),
    ),
  );
}

// --- moving a 好 (principal and deputy leaders, open quarter) -----------------------------------

const MOVERS = ["principal_leader", "deputy_leader"];

/** One step: the giver goes down to 较好 or lower and the receiver up to 好; the quota is unchanged. */
function goodMove(user, base, after, reload, moved) {
  const slot = h("div");
  const level = MOVERS.find((r) => user.roles.includes(r));
  into(
    slot,
    () => get(`${base}/board`, { limit: 200, after }),
    (board) => {
      const mine = board.items.filter((p) => p.grade && p[`${level}_id`] === user.sub);
      const givers = mine.filter((p) => p.grade === "好");
      const takers = mine.filter((p) => p.grade !== "好");
      if (!givers.length || !takers.length) {
        return h("p", { class: "muted small", dataset: { noMove: "" } }, givers.length ? "你审核范围内已评定的人都是“好”，没有可调给的人。" : "你审核范围内目前没有评为“好”的人。");
      }
      const name = (p) => [p.person_id, `${p.person_name}（现为${p.grade}）`];
      return disclosure(
        "把一个“好”从一人调给另一人",
        h("p", { class: "muted small" }, `两人的等次在同一步内调整，本单位“好”等次已用 ${board.quarter.good_used} / ${board.quarter.good_cap}，调整后不变。`),
        actionForm({
          label: "调换好等次",
          fields: [
            { name: "from_person_id", label: "让出“好”的人", type: "select", options: givers.map(name) },
            { name: "from_new_grade", label: "让出后调整为", type: "select", options: GRADES.slice(1).map((g) => [g, g]), value: "较好" },
            { name: "to_person_id", label: "改评为“好”的人", type: "select", options: takers.map(name) },
            { name: "reason", label: "调整理由（必填）", type: "textarea", required: true, max: 500 },
          ],
          submitLabel: "确认调换",
          send: (v) => command(`${base}/good-moves`, v),
          done: (res, v) => {
            const who = (id) => mine.find((p) => p.person_id === id)?.person_name || id;
            const text = `已将“好”从 ${who(v.from_person_id)} 调给 ${who(v.to_person_id)}（${who(v.from_person_id)}调整为${v.from_new_grade}）`;
            toast(text);
            reload(res.position, text);
          },
        }),
      );
    },
  );
  return section("调换“好”等次", moved ? h("p", { class: "notice ok", role: "status" }, moved) : null, slot);
}

// --- follow-ups after consecutive weak quarters (leaders, unit administrators) -------------------

const FOLLOWERS = [...LEADER_ROLES, "unit_admin"];

/** The unit's active people (every page), for choosing a mentor. */
async function activePeople(unit) {
  const people = [];
  for (let offset = 0; ; offset += 200) {
    const page = await get(`${API}/units/${encodeURIComponent(unit)}/people`, { active: true, limit: 200, offset });
    people.push(...page.items);
    if (!page.items.length || people.length >= page.total) return people;
  }
}

function followUpItem(f, roster, user, reload) {
  const base = `${API}/units/${encodeURIComponent(f.unit_id)}/quarters/${f.quarter}/follow-ups/${encodeURIComponent(f.person_id)}`;
  const names = { [user.sub]: user.name, ...Object.fromEntries(roster.map((p) => [p.person_id, p.person_name])) };
  // A change of mentor offers everyone but the person and the mentor the row shows.
  const mentors = roster.filter((p) => p.person_id !== f.person_id && p.person_id !== f.mentor_id);
  return h(
    "li",
    { class: "follow-up", dataset: { person: f.person_id, quarter: f.quarter } },
    h("div", { class: "spread" }, h("span", { class: "title" }, f.person_name), f.mentor_id ? badge(`导师 ${f.mentor_name || f.mentor_id}`, "ok") : badge("未安排导师", "warn")),
    h("p", { class: "muted small" }, `${f.quarter} 确认结果后列入跟踪 · 连续等次：${Object.entries(f.grades).map(([q, g]) => `${q} ${g}`).join("，")}`),
    f.visits.length
      ? h("ul", { class: "items small", "aria-label": `${f.person_name} 的回访记录` }, f.visits.map((v) => h("li", {}, `${v.visited_on} ${names[v.visited_by_id] || v.visited_by_id}：${v.notes}`)))
      : h("p", { class: "muted small" }, "还没有回访记录"),
    disclosure(
      f.mentor_id ? "更换导师" : "安排导师",
      mentors.length
        ? actionForm({
            label: `为 ${f.person_name} 安排导师`,
            fields: [{ name: "mentor_id", label: "帮带导师", type: "select", required: true, options: [["", "请选择"], ...mentors.map((p) => [p.person_id, `${p.person_name}${p.position ? `（${p.position}）` : ""}`])] }],
            submitLabel: "确认导师",
            send: (v) => command(`${base}/mentor`, v),
            done: (res, v) => {
              toast(`已为 ${f.person_name} 安排导师 ${names[v.mentor_id] || v.mentor_id}`);
              reload(res.position);
            },
          })
        : h("p", { class: "muted small" }, "本单位没有其他在岗人员可以担任导师。"),
    ),
    disclosure(
      "记录回访",
      actionForm({
        label: `记录 ${f.person_name} 的回访`,
        fields: [
          { name: "visited_on", label: "回访日期", type: "date", value: today(), required: true },
          { name: "notes", label: "回访情况", type: "textarea", required: true, max: 2000, hint: "谈话内容、存在不足、改进目标和帮带措施（至少 5 个字）。" },
        ],
        submitLabel: "保存回访",
        send: (v) => command(`${base}/visits`, v),
        done: (res) => {
          toast(`已记录 ${f.person_name} 的回访`);
          reload(res.position);
        },
      }),
    ),
  );
}

function renderFollowUps(body, { user, query }) {
  const unit = user.scopes?.unit;
  if (!unit) {
    body.append(empty("你的账号未归属单位"));
    return;
  }
  let roster;
  const list = pagedList({
    label: "跟踪帮带人员",
    limit: 10,
    after: query.get("after") || undefined,
    load: async ({ limit, offset, after }) => {
      roster = roster || (await activePeople(unit));
      return get(`${API}/units/${encodeURIComponent(unit)}/follow-ups`, { limit, offset, after });
    },
    item: (f) => followUpItem(f, roster, user, list.reload),
    emptyTitle: "没有需要跟踪帮带的人员",
    emptyHint: "季度结果确认后，连续多个季度为“较好”及以下的人员会列在这里。",
  });
  body.append(h("p", { class: "muted" }, "连续多个季度为“较好”及以下的人员：安排帮带导师，每季度回访并记录。"), section("跟踪帮带", list));
}

export const screens = [
  { path: "/staff/summary", title: "月度小结", desc: "每月工作小结", roles: WRITERS, requires: ["appraisal POST /api/v1/summaries", "appraisal GET /api/v1/summaries"], render: renderSummary },
  { path: "/staff/quarter", title: "我的季度考核", desc: "自评、结果、申请复核", roles: WRITERS, requires: ["appraisal GET /api/v1/me/quarters"], render: renderMyQuarter },
  { path: "/staff/reminders", title: "提醒与整改", desc: "领导提醒、整改报送", roles: WRITERS, requires: ["appraisal GET /api/v1/reminders"], render: renderReminders },
  {
    path: "/unit/board",
    title: "考核看板",
    desc: "本单位季度等次、好等次名额、等次调整、调整审核人",
    roles: ["principal_leader", "deputy_leader", "unit_admin"],
    requires: ["appraisal GET /api/v1/units/{unit_id}/quarters/{quarter}/board", "appraisal POST /api/v1/units/{unit_id}/quarters/{quarter}/adjustments", "appraisal GET /api/v1/units/{unit_id}/quarters/{quarter}/people/{person_id}/history"],
    render: renderBoard,
  },
  {
    path: "/unit/follow-ups",
    title: "跟踪帮带",
    desc: "季度回访、导师帮带",
    roles: FOLLOWERS,
    requires: [
      "appraisal GET /api/v1/units/{unit_id}/follow-ups",
      "appraisal POST /api/v1/units/{unit_id}/quarters/{quarter}/follow-ups/{person_id}/mentor",
      "appraisal POST /api/v1/units/{unit_id}/quarters/{quarter}/follow-ups/{person_id}/visits",
    ],
    render: renderFollowUps,
  },
];
