// Staff (公务员): this week's log in one screen with a draft kept on the device; history.

import { ApiError, actionKey, command, get } from "../lib/api.js";
import { fmtDateTime, h, replace, uid } from "../lib/dom.js";
import { LEADER_ROLES } from "../lib/roles.js";
import { enqueue, flush, forget, MAX_AGE_DAYS, waiting } from "../lib/outbox.js";
import { asActionOf, badge, busy, chip, clearErrors, errorBox, field, formBanner, into, isBusy, loading, pagedList, section, showErrors, toast } from "../lib/ui.js";
import { shiftWeek, thisWeek, weekLabel } from "../lib/weeks.js";
import { indicatorsFor } from "./shared.js";
import { BASE } from "../lib/services.js";

const LOGS = `${BASE.appraisal}/logs`;
const WRITERS = ["staff", ...LEADER_ROLES];

function draftKey(user, week) {
  return `gr.draft.log.${user.sub}.${week}`;
}

function readDraft(user, week) {
  try {
    const raw = localStorage.getItem(draftKey(user, week));
    return raw ? JSON.parse(raw) : null;
  } catch {
    return null;
  }
}

export function logItems(items, indicatorNames = {}) {
  return h(
    "ol",
    { class: "items" },
    items.map((it) =>
      h(
        "li",
        {},
        it.text,
        it.indicators?.length ? h("span", { class: "chips" }, it.indicators.map((c) => badge(indicatorNames[c] || c))) : null,
      ),
    ),
  );
}

export function logCard(log, { showPerson = false, names = {} } = {}) {
  return h(
    "li",
    { class: "log", dataset: { week: log.week, person: log.person_id } },
    h(
      "div",
      { class: "spread" },
      h("span", { class: "title" }, showPerson ? `${log.person_name} · ${weekLabel(log.week)}` : weekLabel(log.week)),
      h(
        "span",
        { class: "row" },
        log.status === "returned" ? badge("已退回", "bad") : null,
        log.late ? badge("迟交", "warn") : badge("按时", "ok"),
        log.revision > 1 ? badge(`第 ${log.revision} 版`) : null,
      ),
    ),
    logItems(log.items, names),
    log.status === "returned" ? h("p", { class: "notice warn small" }, `退回修改：${log.returned_reason}`) : null,
    log.comments?.length
      ? h("ul", { class: "items small", "aria-label": "领导点评" }, log.comments.map((c) => h("li", {}, `${c.reviewer_name} 点评：${c.comment}（${fmtDateTime(c.at)}）`)))
      : null,
    h("p", { class: "muted small" }, `提交于 ${fmtDateTime(log.submitted_at)}，截止 ${fmtDateTime(log.deadline)}`),
  );
}

async function renderLog(body, { user, query, caps }) {
  const week = query.get("week") || thisWeek();
  const current = thisWeek();
  const weeks = [current, shiftWeek(current, -1)];
  if (!weeks.includes(week)) weeks.push(week);

  const picker = h(
    "select",
    { name: "week" },
    weeks.map((w) => h("option", { value: w, selected: w === week }, w === current ? `本周：${weekLabel(w)}` : weekLabel(w))),
  );
  picker.addEventListener("change", () => {
    history.replaceState(null, "", `/staff/log?week=${picker.value}`);
    renderLog(body, { user, query: new URLSearchParams({ week: picker.value }), caps });
  });
  const status = h("div", { "aria-live": "polite" });
  const formSlot = h("div", {}, loading("正在读取本周纪实…"));
  replace(body, field({ label: "周次", name: "week", control: picker }), status, formSlot);

  let existing = null;
  let indicators = [];
  try {
    const [page, ind] = await Promise.all([get(LOGS, { person: user.sub, week, limit: 1 }), indicatorsFor(caps, user)]);
    existing = page.items[0] || null;
    indicators = ind;
  } catch (error) {
    if (!(error instanceof ApiError && error.network)) {
      replace(formSlot, errorBox(error, () => renderLog(body, { user, query, caps })));
      return;
    }
    replace(status, h("p", { class: "notice warn" }, "网络中断：暂时读不到已提交的纪实，可以先填写，草稿会保存在本机。"));
    indicators = await indicatorsFor(caps, user).catch(() => []);
  }

  const draft = readDraft(user, week);
  const state = {
    items: (draft?.items || existing?.items || [{ text: "", indicators: [] }]).map((i) => ({ text: i.text, indicators: [...(i.indicators || [])] })),
  };
  if (draft) {
    status.append(h("p", { class: "notice" }, `已恢复本机保存的草稿（${fmtDateTime(draft.saved_at)}）。`));
  } else if (existing?.status === "returned") {
    status.append(h("p", { class: "notice warn", role: "status" }, `本周纪实已被退回修改：${existing.returned_reason}。请修改后重新提交。`));
  } else if (existing) {
    status.append(
      h(
        "p",
        { class: `notice ${existing.late ? "warn" : "ok"}` },
        `本周已提交（第 ${existing.revision} 版，${fmtDateTime(existing.submitted_at)}${existing.late ? "，迟交" : ""}）。修改后再次提交将替换原纪实。`,
      ),
    );
  }

  function saveDraft() {
    localStorage.setItem(draftKey(user, week), JSON.stringify({ items: state.items, saved_at: new Date().toISOString() }));
  }

  const list = h("div");
  const addBtn = h("button", { type: "button", class: "btn" }, "＋ 添加一项工作");
  const submit = h("button", { type: "submit", class: "btn primary block" }, existing ? "重新提交" : "提交本周纪实");
  const banner = formBanner();
  const form = h(
    "form",
    { class: "card", novalidate: true, "aria-label": "本周工作纪实" },
    h("p", { class: "hint" }, `截止时间：${existing ? fmtDateTime(existing.deadline) : "下周一 12:00"}。每项工作可选择对应的考核指标。`),
    list,
    h("p", { class: "field-error", dataset: { errorFor: "items" } }),
    addBtn,
    // A refusal shows by the button, which stays in view at the bottom of the screen.
    h("div", { class: "sticky-submit" }, banner, submit),
  );

  function drawItems(focusLast = false) {
    replace(
      list,
      state.items.map((item, index) => {
        const legendId = uid("lg");
        const text = h("textarea", { name: `items.${index}.text`, rows: 3, maxlength: 500, placeholder: "做了什么、结果如何" });
        text.value = item.text;
        text.addEventListener("input", () => {
          item.text = text.value;
          saveDraft();
        });
        const chips = indicators.length
          ? h(
              "div",
              { class: "chips", role: "group", "aria-label": `第 ${index + 1} 项的考核指标` },
              indicators.map((ind) =>
                chip(ind.name, {
                  value: ind.code,
                  pressed: item.indicators.includes(ind.code),
                  onToggle(on) {
                    item.indicators = on ? [...item.indicators, ind.code] : item.indicators.filter((c) => c !== ind.code);
                    saveDraft();
                  },
                }),
              ),
            )
          : null;
        return h(
          "fieldset",
          { class: "item", "aria-labelledby": legendId, dataset: { field: `items.${index}` } },
          h("legend", { id: legendId }, `第 ${index + 1} 项工作`),
          field({ label: "工作内容", name: `items.${index}.text`, control: text }),
          chips,
          h("p", { class: "field-error", dataset: { errorFor: `items.${index}.indicators` } }),
          state.items.length > 1
            ? h(
                "button",
                {
                  type: "button",
                  class: "btn link",
                  onclick: () => {
                    state.items.splice(index, 1);
                    saveDraft();
                    drawItems();
                  },
                },
                `删除第 ${index + 1} 项`,
              )
            : null,
        );
      }),
    );
    if (focusLast) list.querySelector(`textarea[name="items.${state.items.length - 1}.text"]`)?.focus();
  }

  addBtn.addEventListener("click", () => {
    state.items.push({ text: "", indicators: [] });
    saveDraft();
    drawItems(true);
  });

  // Sent at once when online; else kept with its Idempotency-Key (made here, at the tap) and
  // sent when the phone is back online — from this screen or any other, even after a closed tab.
  const slot = `log.${week}`;
  function showWaiting(entry) {
    replace(
      status,
      h(
        "p",
        { class: "notice warn", role: "alert", dataset: { outbox: "waiting" } },
        `等待发送：网络中断，本周纪实已保存在本机（${fmtDateTime(entry.queued_at)}），网络恢复后会自动提交，不会重复提交。`,
      ),
    );
  }
  function showExpired(entry) {
    replace(
      status,
      h(
        "p",
        { class: "notice warn", role: "alert", dataset: { outbox: "expired" } },
        `离线保存的本周纪实（${fmtDateTime(entry.queued_at)}）超过 ${MAX_AGE_DAYS} 天未能发送，为免重复提交已停止自动发送。内容仍保留在下方，请核对后重新提交。`,
      ),
    );
  }
  async function sent(result) {
    forget(user.sub, slot); // an expired copy kept unsent is done with too
    localStorage.removeItem(draftKey(user, week));
    toast(result.data?.late ? "已提交（迟交）" : "本周纪实已提交");
    replace(status, h("p", { class: "notice ok", role: "status" }, `已提交${result.data?.late ? "（迟交）" : ""}，第 ${result.data?.revision ?? 1} 版。`));
    submit.textContent = "重新提交";
    // Read our own write before showing history.
    await get(LOGS, { person: user.sub, week, after: result.position, limit: 1 }).catch(() => null);
  }
  function onOutbox(event) {
    if (!document.contains(form)) {
      window.removeEventListener("gr:outbox", onOutbox);
      return;
    }
    if (event.detail.slot !== slot) return;
    if (event.detail.expired) showExpired(event.detail.expired);
    else if (event.detail.result) sent(event.detail.result);
    else {
      replace(status, h("p", { class: "notice warn", role: "alert" }, "网络恢复后提交本周纪实未成功，请按提示修改后重新提交。"));
      showErrors(form, event.detail.error);
    }
  }
  window.addEventListener("gr:outbox", onOutbox);
  const queued = waiting(user.sub, slot);
  if (queued?.expired) showExpired(queued);
  else if (queued) {
    showWaiting(queued);
    flush();
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (isBusy(submit)) return;
    clearErrors(form);
    const items = state.items.map((i) => ({ text: i.text.trim(), indicators: i.indicators })).filter((i) => i.text);
    if (!items.length) {
      showErrors(form, new ApiError({ status: 422, code: "items_empty", detail: "请至少填写一项工作", errors: [{ field: "items.0.text", message: "请填写工作内容" }] }));
      return;
    }
    saveDraft();
    const payload = { week, items };
    const key = asActionOf(submit, () => actionKey(`POST ${LOGS} ${JSON.stringify(payload)}`));
    if (navigator.onLine === false) {
      showWaiting(enqueue(user.sub, { slot, path: LOGS, body: payload, key, clears: [draftKey(user, week)] }));
      return;
    }
    try {
      await sent(await busy(submit, () => command(LOGS, payload, { key })));
    } catch (error) {
      if (error instanceof ApiError && error.network) {
        showWaiting(enqueue(user.sub, { slot, path: LOGS, body: payload, key, clears: [draftKey(user, week)] }));
        return;
      }
      showErrors(form, error);
    }
  });

  drawItems();
  replace(formSlot, form);
}

async function renderHistory(body, { user, caps }) {
  const names = Object.fromEntries((await indicatorsFor(caps, user).catch(() => [])).map((i) => [i.code, i.name]));
  body.append(
    h("div", { class: "actions" }, h("a", { class: "btn primary", href: "/staff/log" }, "写本周纪实")),
    section(
      "已提交的周纪实",
      pagedList({
        label: "我的周纪实",
        limit: 10,
        load: ({ limit, offset }) => get(LOGS, { person: user.sub, limit, offset }),
        item: (log) => logCard(log, { names }),
        emptyTitle: "还没有提交过周纪实",
        emptyHint: "每周写一次，下周一 12:00 前提交。",
      }),
    ),
  );
}

export const screens = [
  {
    path: "/staff/log",
    title: "本周纪实",
    desc: "填写并提交本周工作",
    roles: WRITERS,
    requires: ["appraisal POST /api/v1/logs", "appraisal GET /api/v1/logs"],
    render: renderLog,
  },
  {
    path: "/staff/history",
    title: "纪实记录",
    desc: "查看已提交的周纪实",
    roles: WRITERS,
    requires: ["appraisal GET /api/v1/logs"],
    render: renderHistory,
  },
];

