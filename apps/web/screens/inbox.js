// The inbox (收件箱): what is due from the signed-in person — logs not yet submitted, logs and
// quarter reviews waiting for them, tickets near their limit — each with a link to the screen
// where it is done. The header shows how many (a badge), on every screen, for every role.

import { get } from "../lib/api.js";
import { supports } from "../lib/capabilities.js";
import { now } from "../lib/clock.js";
import { fmtDateTime, h, replace } from "../lib/dom.js";
import { ROLE_ORDER } from "../lib/roles.js";
import { badge, empty, into, section } from "../lib/ui.js";
import { BASE } from "../lib/services.js";

export const INBOX_SPEC = "reporting GET /api/v1/inbox/{person_id}";

const GROUPS = [
  { title: "待提交", kinds: ["log_due"] },
  { title: "待我批阅和审核", kinds: ["log_review", "quarter_review"] },
  { title: "工单办理时限", kinds: ["ticket_due"] },
];
const ACTIONS = { log_due: "去填写", log_review: "去批阅", quarter_review: "去审核", ticket_due: "查看工单" };

function inboxOf(user, params) {
  return get(`${BASE.reporting}/inbox/${encodeURIComponent(user.sub)}`, params);
}

/** The header's count: the link to the inbox with a badge while anything is due. */
export async function drawInboxBadge(link, user, caps) {
  if (!supports(caps, INBOX_SPEC)) {
    link.hidden = true;
    return;
  }
  link.hidden = false;
  try {
    const { count } = await inboxOf(user);
    replace(link, "收件箱", count ? h("span", { class: "inbox-count", "aria-label": `${count} 项待办` }, String(count)) : null);
  } catch {
    replace(link, "收件箱");
  }
}

function item(reminder) {
  const overdue = reminder.due_at && new Date(reminder.due_at) < now() && reminder.kind !== "log_review";
  return h(
    "li",
    { class: "inbox-item", dataset: { kind: reminder.kind } },
    h("p", { class: "inbox-title" }, h("strong", {}, reminder.title), reminder.count > 1 ? badge(`${reminder.count} 项`) : null, overdue ? badge("已过时限", "bad") : null),
    h("p", { class: "muted small" }, reminder.detail),
    reminder.due_at ? h("p", { class: "muted small" }, `截止时间：${fmtDateTime(reminder.due_at)}`) : null,
    h("a", { class: "btn", href: reminder.link }, `${ACTIONS[reminder.kind]} ›`),
  );
}

async function renderInbox(body, { user }) {
  const slot = h("div");
  body.append(h("p", { class: "muted" }, "截止前需要你处理的事项。处理完成后，对应的提醒会自动消失。"), slot);
  await into(
    slot,
    () => inboxOf(user),
    (inbox) => {
      if (!inbox.items.length) return empty("没有待办提醒", "眼下没有需要你处理的事项。");
      return GROUPS.map((group) => {
        const items = inbox.items.filter((r) => group.kinds.includes(r.kind));
        return items.length ? section(group.title, h("ul", { class: "inbox-list" }, items.map(item))) : null;
      });
    },
  );
}

export const screens = [
  {
    path: "/inbox",
    title: "收件箱",
    desc: "待办提醒：周纪实、审核、工单时限",
    roles: ROLE_ORDER,
    requires: [INBOX_SPEC],
    render: renderInbox,
  },
];
