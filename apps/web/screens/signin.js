// Sign-in on the embedded default: the demo users, grouped by role and then by unit or area.

import { ApiError, request, session } from "../lib/api.js";
import { h, replace } from "../lib/dom.js";
import { ROLE_ORDER, primaryRole, roleLabel } from "../lib/roles.js";
import { empty, errorBox, into, section } from "../lib/ui.js";

// Before sign-in there is no token to read unit or area names with, so people of one unit or area
// are kept together (by their scope) and each button says who they are (their title).
function placeOf(user) {
  const s = user.scopes || {};
  for (const kind of ["unit", "department", "grid", "community", "village", "town"]) {
    if (s[kind]) return `${kind}:${s[kind]}`;
  }
  return "";
}

export async function signIn(body, done) {
  const status = h("div", { "aria-live": "polite" });
  const list = h("div");
  body.append(
    h("p", { class: "muted" }, "这是内置演示环境：选择一位演示用户即可登录。正式部署时由统一身份认证登录。"),
    status,
    list,
  );
  await into(
    list,
    () => request("GET", "/api/dev/demo-users"),
    (users) => {
      if (!users.length) return empty("暂无演示用户", "各服务尚未提供演示数据，请稍后刷新。");
      const groups = new Map();
      for (const user of users) {
        const role = primaryRole(user);
        if (!groups.has(role)) groups.set(role, []);
        groups.get(role).push(user);
      }
      const roles = [...groups.keys()].sort((a, b) => ROLE_ORDER.indexOf(a) - ROLE_ORDER.indexOf(b));
      return roles.map((role) => {
        const byPlace = new Map();
        for (const user of groups.get(role)) {
          const place = placeOf(user);
          if (!byPlace.has(place)) byPlace.set(place, []);
          byPlace.get(place).push(user);
        }
        return section(
          `${roleLabel(role)}（${groups.get(role).length}）`,
          [...byPlace.values()].map((people) => [
            h(
              "ul",
              { class: "users" },
              people.map((user) =>
                h(
                  "li",
                  {},
                  h(
                    "button",
                    { type: "button", class: "user-btn", dataset: { sub: user.sub }, onclick: (e) => choose(e.currentTarget, user) },
                    h("span", { class: "who" }, user.name),
                    h("span", { class: "what" }, [user.title, user.roles.map(roleLabel).join("、")].filter(Boolean).join(" · ")),
                  ),
                ),
              ),
            ),
          ]),
        );
      });
    },
  );

  async function choose(button, user) {
    button.setAttribute("aria-busy", "true");
    replace(status, h("p", { class: "muted", role: "status" }, `正在以 ${user.name} 登录…`));
    try {
      const answer = await request("POST", "/api/dev/token", { body: { sub: user.sub } });
      session.signIn(answer.token, answer.user);
      done(answer.user);
    } catch (error) {
      replace(status, errorBox(error instanceof ApiError ? error : new Error(String(error))));
    } finally {
      button.removeAttribute("aria-busy");
    }
  }
}
