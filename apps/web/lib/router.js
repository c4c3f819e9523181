// One small router over the History API: "/leader/review/:person" patterns, links intercepted.

const routes = [];
let notFound = null;
let beforeEach = () => true;
let current = null;

export function route(pattern, handler, meta = {}) {
  const keys = [];
  const source = pattern
    .replace(/\/$/, "")
    .replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
    .replace(/:(\w+)/g, (_, key) => {
      keys.push(key);
      return "([^/]+)";
    });
  routes.push({ pattern, regex: new RegExp(`^${source}/?$`), keys, handler, meta });
}

export function fallback(handler) {
  notFound = handler;
}

export function guard(fn) {
  beforeEach = fn;
}

export function match(pathname) {
  for (const r of routes) {
    const m = r.regex.exec(pathname);
    if (m) {
      const params = {};
      r.keys.forEach((key, i) => {
        params[key] = decodeURIComponent(m[i + 1]);
      });
      return { ...r, params };
    }
  }
  return null;
}

export function navigate(to, { replace = false } = {}) {
  if (replace) history.replaceState(null, "", to);
  else history.pushState(null, "", to);
  return render();
}

export function currentRoute() {
  return current;
}

export async function render() {
  const url = new URL(location.href);
  const found = match(url.pathname);
  const ctx = { params: found ? found.params : {}, query: url.searchParams, path: url.pathname, search: url.search, meta: found?.meta || {} };
  const allowed = beforeEach(ctx);
  if (allowed !== true) {
    if (typeof allowed === "string" && allowed !== url.pathname) return navigate(allowed, { replace: true });
    if (typeof allowed === "string") return undefined;
  }
  current = ctx;
  const handler = found ? found.handler : notFound;
  return handler(ctx);
}

export function start() {
  window.addEventListener("popstate", () => {
    if (current && location.pathname === current.path && location.search === current.search) return; // only the anchor moved
    render();
  });
  document.addEventListener("click", (event) => {
    const a = event.target.closest("a[href]");
    if (!a || a.target || a.hasAttribute("download") || event.defaultPrevented) return;
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin || url.pathname.startsWith("/api/")) return;
    if (url.hash && url.pathname === location.pathname && url.search === location.search) return; // an anchor on this page
    event.preventDefault();
    navigate(url.pathname + url.search + url.hash);
  });
  return render();
}
