// Sign-in on the embedded default: the demo users, grouped by role and then by unit or area.
// Where the demo sign-in is off (no demo data, or the platform is reachable beyond this machine),
// the page says how to sign in instead: with a token an administrator issued.

import { ApiError, request, session } from "../lib/api.js";
import { h, replace } from "../lib/dom.js";
import { ROLE_DUTIES, ROLE_ORDER, SCOPE_LABELS, primaryRole, roleLabel } from "../lib/roles.js";
import { empty, errorBox, into, section } from "../lib/ui.js";

// Before sign-in there is no token to read unit or area names with, so people of one unit or area
// are kept together (by their scope) and each button says who they are (their title).
function placeOf(user) {
  if (user.place) return user.place;
  const s = user.scopes || {};
  for (const kind of ["unit", "department", "grid", "community", "village", "town"]) {
    if (s[kind]) return `${kind}:${s[kind]}`;
  }
  return "";
}

/** The claims of a token (the services check its signature; here it only names the user). */
function claimsOf(token) {
  const part = token.split(".")[1];
  if (!part) return null;
  try {
    const text = atob(part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "="));
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(text, (c) => c.charCodeAt(0))));
  } catch {
    return null;
  }
}

function tokenForm(body, done) {
  const input = h("textarea", { id: "signin-token", rows: 4, autocomplete: "off", spellcheck: "false" });
  const error = h("p", { class: "field-error", id: "signin-token-error", role: "alert" });
  const submit = (event) => {
    event.preventDefault();
    const token = input.value.trim();
    const claims = claimsOf(token);
    if (!claims || !claims.sub || !Array.isArray(claims.roles)) {
      error.textContent = "这不是有效的身份凭证，请完整粘贴管理员发给你的凭证";
      return;
    }
    if (!claims.exp || claims.exp * 1000 <= Date.now()) {
      error.textContent = "这个身份凭证已过期，请向管理员索取新的凭证";
      return;
    }
    const user = { sub: claims.sub, name: claims.name || claims.sub, roles: claims.roles, scopes: claims.scopes || {}, title: "" };
    session.signIn(token, user);
    done(user);
  };
  body.append(
    h("p", {}, "演示登录未开启。请使用管理员签发的身份凭证登录：管理员在服务器上运行 grassroots token 命令签发凭证（有效期最长 24 小时），把凭证发给你后粘贴到下面。"),
    h(
      "form",
      { onsubmit: submit },
      h("div", { class: "field" }, h("label", { for: "signin-token" }, "身份凭证"), input, error),
      h("button", { type: "submit", class: "btn" }, "登录"),
    ),
  );
}

export async function signIn(body, done) {
  const status = h("div", { "aria-live": "polite" });
  const list = h("div");
  let users;
  try {
    users = await request("GET", "/api/dev/demo-users");
  } catch (error) {
    if (error instanceof ApiError && error.code === "demo_signin_off") {
      tokenForm(body, done);
      return;
    }
    users = null;
  }
  body.append(
    h("p", { class: "muted" }, "这是内置演示环境：选择一位演示用户即可登录。正式部署时由统一身份认证登录。"),
    status,
    list,
  );
  await into(
    list,
    () => (users ? Promise.resolve(users) : request("GET", "/api/dev/demo-users")),
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
          ROLE_DUTIES[role] ? h("p", { class: "muted small role-duty" }, ROLE_DUTIES[role]) : null,
          [...byPlace.entries()].map(([place, people]) => [
            byPlace.size > 1 || place !== "全区" ? h("h3", {}, place) : null,
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
                    h("span", { class: "what" }, [user.title, user.roles.length > 1 || !user.title ? user.roles.map(roleLabel).join("、") : null].filter(Boolean).join(" · ")),
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
