// The app shell: session, role-aware home, routes of every screen module (fetched on first use), focus management.

import { session, setUnauthorizedHandler } from "./lib/api.js";
import { loadCapabilities, supportsAll } from "./lib/capabilities.js";
import { clockStatus, loadClock, now } from "./lib/clock.js";
import { h, replace } from "./lib/dom.js";
import { helpHref, MANUALS } from "./lib/help.js";
import { ROLE_ORDER, roleLabel } from "./lib/roles.js";
import { flush as flushOutbox, MAX_AGE_DAYS as OUTBOX_MAX_AGE_DAYS, startOutbox } from "./lib/outbox.js";
import { currentRoute, fallback, guard, navigate, route, start } from "./lib/router.js";
import { empty, errorBox, loading, toast } from "./lib/ui.js";
import { isLoaded, loadModule, ROUTES } from "./screens/routes.js";

// The screen modules, in ROUTES' order (also the order of the home page's tiles), each fetched
// when a route of it is first shown.
const SCREEN_FILES = Object.keys(ROUTES).filter((file) => !["signin.js", "help.js"].includes(file));

/** Every screen of every module (the home page lists them all). */
async function allScreens() {
  const modules = await Promise.all(SCREEN_FILES.map(loadModule));
  return modules.flatMap((m) => m.screens);
}

const main = document.getElementById("main");
const crumbs = document.getElementById("crumbs");

function mayUse(screen, user) {
  return screen.roles.some((r) => user.roles.includes(r));
}

function drawWho() {
  const who = document.getElementById("whoami");
  const user = session.user;
  if (!user) {
    replace(who);
    return;
  }
  replace(
    who,
    h("span", { class: "name" }, `${user.name} · ${user.roles.map(roleLabel).join("、")}`),
    h("a", { id: "inbox-link", class: "inbox-link", href: "/inbox", hidden: true }, "收件箱"),
    h("a", { class: "help-menu", href: "/help" }, "帮助"),
    h("button", { type: "button", onclick: signOut }, "退出"),
  );
}

function signOut() {
  session.signOut();
  drawWho();
  navigate("/signin");
}

setUnauthorizedHandler((problem) => {
  session.signOut();
  drawWho();
  toast(problem.detail || "登录已过期，请重新登录", "bad");
  navigate("/signin", { replace: true });
});

/** Show a screen: title, a way home, its section of the user's manual, focus on the heading so
 * screen readers announce it. */
function frame(title, { home = true, help = null } = {}) {
  document.title = `${title} · 基层治理平台`;
  replace(
    crumbs,
    home ? h("a", { href: "/" }, "‹ 返回首页") : null,
    help ? h("a", { class: "help-link", href: help, "aria-label": `帮助：${title}` }, "？帮助") : null,
  );
  const heading = h("h1", { tabindex: "-1" }, title);
  const body = h("div");
  replace(main, heading, body);
  heading.focus({ preventScroll: true });
  window.scrollTo(0, 0);
  refreshInbox().catch(() => {}); // a count that could not be read is left as it was
  return body;
}

/** The header's inbox count, read again on every screen (a task done elsewhere leaves the inbox). */
async function refreshInbox() {
  const link = document.getElementById("inbox-link");
  if (!link || !session.user) return;
  // The inbox's module is fetched after the screen is drawn: the count never delays a screen.
  const [{ drawInboxBadge }, caps] = await Promise.all([loadModule("inbox.js"), loadCapabilities()]);
  await drawInboxBadge(link, session.user, caps);
}

async function home() {
  const user = session.user;
  const body = frame("首页", { home: false, help: "/help" });
  body.append(loading("正在读取可用功能…"));
  let caps, screens;
  try {
    [caps, screens] = await Promise.all([loadCapabilities(), allScreens()]);
  } catch {
    replace(body, errorBox({ network: true, message: "页面未能下载，请检查网络后重试。" }, home));
    return;
  }
  const byRole = new Map();
  for (const screen of screens) {
    if (!screen.title || screen.hidden || !mayUse(screen, user)) continue;
    if (!supportsAll(caps, screen.requires || [])) continue;
    const role = ROLE_ORDER.find((r) => user.roles.includes(r) && screen.roles.includes(r));
    if (!byRole.has(role)) byRole.set(role, []);
    byRole.get(role).push(screen);
  }
  const blocks = [];
  for (const role of ROLE_ORDER) {
    const list = byRole.get(role);
    if (!list) continue;
    blocks.push(
      h("h2", { class: "role-head" }, `${roleLabel(role)}的工作`),
      h(
        "ul",
        { class: "tiles" },
        list.map((s) => h("li", {}, h("a", { class: "tile", href: s.path }, h("span", { class: "t" }, s.title), h("span", { class: "d" }, s.desc || "")))),
      ),
    );
  }
  replace(
    body,
    h("p", { class: "muted" }, `你好，${user.name}`),
    user.title ? h("p", { class: "muted small" }, user.title) : null,
    blocks.length ? blocks : empty("暂时没有可用的功能", "你的角色对应的服务尚未开放，请稍后再试或联系管理员。"),
  );
}

guard((ctx) => {
  if (ctx.path === "/signin") return true;
  if (!session.token) return `/signin?next=${encodeURIComponent(ctx.path)}`;
  return true;
});

route("/signin", async (ctx) => {
  const body = frame("登录", { home: false });
  const { signIn } = await loadModule("signin.js");
  await signIn(body, (user) => {
    drawWho();
    toast(`已登录：${user.name}`);
    flushOutbox(); // what a closed tab left waiting is sent once signed in again
    const next = ctx.query.get("next");
    navigate(next && next.startsWith("/") && !next.startsWith("//") ? next : "/", { replace: true });
  });
});

route("/", home);

route("/help", async () => {
  const body = frame("帮助");
  const { renderHelpIndex } = await loadModule("help.js");
  renderHelpIndex(body, session.user);
});
route("/help/:manual", async (ctx) => {
  const body = frame(MANUALS[ctx.params.manual]?.title || "帮助");
  const { renderManual } = await loadModule("help.js");
  await renderManual(body, ctx.params.manual);
});

function notFound() {
  const body = frame("找不到页面");
  body.append(empty("找不到该页面", "请从首页进入。"));
}

/** A screen's route: its module fetched (a wait shown the first time), then the screen drawn. */
async function showScreen(file, path, ctx) {
  if (!isLoaded(file)) replace(main, loading("正在加载…"));
  let screens;
  try {
    ({ screens } = await loadModule(file));
  } catch {
    if (ctx !== currentRoute()) return;
    const body = frame("无法打开页面");
    const retry = () => navigate(location.pathname + location.search, { replace: true });
    body.append(errorBox({ network: true, message: "页面未能下载，请检查网络后重试。" }, retry));
    return;
  }
  if (ctx !== currentRoute()) return; // the user went on while the module was fetched
  const screen = screens.find((s) => s.path === path);
  if (!screen) {
    notFound();
    return;
  }
  const user = session.user;
  const body = frame(screen.heading ? screen.heading(ctx) : screen.title, { help: helpHref(screen, user) });
  if (!mayUse(screen, user)) {
    body.append(empty("你无权使用此功能", `此页面只对以下角色开放：${screen.roles.map(roleLabel).join("、")}`));
    return;
  }
  const caps = await loadCapabilities();
  if (!supportsAll(caps, screen.requires || [])) {
    body.append(empty("此功能暂未开通", "对应服务的接口尚未提供，请稍后再试。"));
    return;
  }
  // Until the screen has drawn what it first reads, the page says it is reading, not blank.
  const reading = loading("正在读取…");
  body.append(reading);
  try {
    await screen.render(body, { ...ctx, user, caps });
  } finally {
    reading.remove();
  }
}

for (const file of SCREEN_FILES) {
  for (const path of ROUTES[file]) route(path, (ctx) => showScreen(file, path, ctx));
}

fallback(notFound);

// Sticky things below the top bar (the quota bar) sit at its height, which the banner changes.
const top = document.getElementById("top");
new ResizeObserver(() => document.documentElement.style.setProperty("--topbar-h", `${top.offsetHeight}px`)).observe(top);

/** While the platform runs on a moved (training) clock, every page says so. */
function drawClockBanner() {
  const banner = document.getElementById("clock-banner");
  const status = clockStatus();
  banner.hidden = !status.moved;
  if (!status.moved) return;
  const days = Math.round(Math.abs(status.offset_seconds) / 86400);
  const when = now().toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", year: "numeric", month: "long", day: "numeric", hour: "2-digit", minute: "2-digit" });
  const shift = days ? `比实际时间${status.offset_seconds > 0 ? "快" : "慢"} ${days} 天` : "与实际时间略有偏移";
  banner.textContent = `培训时钟：平台时间为 ${when}（${shift}），仅用于演示和培训。`;
}

drawWho();
// A command kept offline too long is not sent (lib/outbox.js): the user is told wherever they are.
window.addEventListener("gr:outbox", (event) => {
  if (event.detail.expired)
    toast(`有一项离线保存的内容超过 ${OUTBOX_MAX_AGE_DAYS} 天未能发送，为免重复提交已停止自动发送；内容仍保留在本机，请打开后核对并重新提交。`, "warn", 10000);
});
startOutbox();
loadClock().then(() => {
  drawClockBanner();
  start();
});
