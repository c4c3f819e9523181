// "Why it is so": the history of a grade, a ticket or a project, as the service reads it from its
// events (GET …/history → {items: [{action, detail, reason, actor_name, occurred_at}]}). One way to
// show it on every screen: what happened, who, when; the change itself; the reason given.

import { get } from "./api.js";
import { now as platformNow } from "./clock.js";
import { fmtDateTime, h } from "./dom.js";
import { empty, field, into } from "./ui.js";

export function changeLine(c) {
  return h(
    "li",
    {},
    h("strong", {}, c.action),
    ` · ${c.actor_name} · ${fmtDateTime(c.occurred_at)}`,
    c.detail ? h("p", { class: "small" }, c.detail) : null,
    c.reason ? h("p", { class: "small muted" }, `说明：${c.reason}`) : null,
  );
}

/** The list of changes, loaded from `path`; `label` names it for screen readers. */
export function historyList(path, { label = "变更记录", emptyTitle = "暂无记录", params } = {}) {
  const slot = h("div", { class: "history-slot" });
  into(
    slot,
    () => get(path, params),
    (found) => (found.items.length ? h("ol", { class: "history", "aria-label": label }, found.items.map(changeLine)) : empty(emptyTitle)),
  );
  return slot;
}

/** A closed disclosure that loads the history the first time it is opened (a list of many people
 * asks only for the ones the reader opens). */
export function historyDisclosure(summary, path, options = {}) {
  const inner = h("div", { class: "disclosure-body" });
  const details = h("details", { class: "disclosure history-disclosure" }, h("summary", {}, summary), inner);
  details.addEventListener("toggle", () => {
    if (details.open && !inner.firstChild) inner.append(historyList(path, options));
  });
  return details;
}

const pad = (n) => String(n).padStart(2, "0");
/** A Date as a datetime-local control's value, in the phone's own time. */
const localValue = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;

/**
 * "As it stood at": a date-time picker for a screen that can show a past state (?as_of=). `value()`
 * is the chosen time as ISO 8601 (with its zone), or undefined for now (live); the choice is kept in
 * the address so a reload or a shared link shows the same moment.
 */
export function asOfField(initial) {
  const start = initial ? new Date(initial) : null;
  const input = h("input", { type: "datetime-local", name: "as_of", max: localValue(platformNow()), value: start && !Number.isNaN(start.getTime()) ? localValue(start) : "" });
  const live = h("button", { type: "button", class: "btn" }, "回到现在");
  const listeners = [];
  function changed() {
    const params = new URLSearchParams(location.search);
    const at = value();
    if (at) params.set("as_of", at);
    else params.delete("as_of");
    const search = params.toString();
    history.replaceState(null, "", search ? `?${search}` : location.pathname);
    live.hidden = !at;
    for (const fn of listeners) fn(at);
  }
  function value() {
    if (!input.value) return undefined;
    const at = new Date(input.value);
    return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
  }
  input.addEventListener("change", changed);
  live.addEventListener("click", () => {
    input.value = "";
    changed();
  });
  live.hidden = !value();
  const element = h("div", { class: "as-of" }, field({ label: "查看某一时刻的情况", name: "as_of", control: input, hint: "选择日期和时间，按当时已记录的事件重算；清空为当前" }), live);
  return { element, value, onChange: (fn) => listeners.push(fn) };
}
