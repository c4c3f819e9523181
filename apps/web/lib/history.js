// "Why it is so": the history of a grade, a ticket or a project, as the service reads it from its
// events (GET …/history → {items: [{action, detail, reason, actor_name, occurred_at}]}). One way to
// show it on every screen: what happened, who, when; the change itself; the reason given.

import { get } from "./api.js";
import { fmtDateTime, h } from "./dom.js";
import { empty, into } from "./ui.js";

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
