// One way to talk to the services: bearer token, problem+json errors, idempotent commands,
// read-your-writes through ?after=<position>.

const TOKEN_KEY = "gr.token";
const USER_KEY = "gr.user";

export class ApiError extends Error {
  constructor({ status, code, detail, errors = [], network = false, extra = {} }) {
    super(detail || code || "请求失败");
    this.extra = extra;
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.errors = errors;
    this.network = network;
  }
}

export const session = {
  get token() {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  get user() {
    const raw = sessionStorage.getItem(USER_KEY);
    if (!raw) return null;
    try {
      return JSON.parse(raw);
    } catch {
      return null;
    }
  },
  signIn(token, user) {
    sessionStorage.setItem(TOKEN_KEY, token);
    sessionStorage.setItem(USER_KEY, JSON.stringify(user));
  },
  signOut() {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(USER_KEY);
  },
  has(...roles) {
    const user = this.user;
    return Boolean(user && user.roles.some((r) => roles.includes(r)));
  },
};

let onUnauthorized = () => {};
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

export function query(params = {}) {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== "") search.set(k, v);
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

/** Send a request; answer the parsed JSON (or a Blob for files); throw ApiError on any failure. */
export async function request(method, path, { body, headers = {}, idempotencyKey, blob = false, form, raw = false } = {}) {
  const init = { method, headers: { Accept: "application/json, application/problem+json", ...headers } };
  const token = session.token;
  if (token) init.headers.Authorization = `Bearer ${token}`;
  if (form) init.body = form;
  else if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  if (idempotencyKey) init.headers["Idempotency-Key"] = idempotencyKey;
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError({ status: 0, code: "network", detail: "网络连接中断，请检查网络后重试", network: true });
  }
  if (response.status === 401) {
    const problem = await readProblem(response);
    onUnauthorized(problem);
    throw new ApiError(problem);
  }
  if (!response.ok) throw new ApiError(await readProblem(response));
  if (raw) return response;
  if (blob) return response.blob();
  if (response.status === 204) return null;
  const type = response.headers.get("content-type") || "";
  return type.includes("json") ? response.json() : response.text();
}

const PROBLEM_KEYS = new Set(["type", "title", "status", "code", "detail", "instance", "errors"]);

async function readProblem(response) {
  let data = {};
  try {
    data = await response.json();
  } catch {
    data = {};
  }
  const fallback = response.status >= 500 ? "服务暂时不可用，请稍后重试" : `请求失败（${response.status}）`;
  return {
    status: response.status,
    code: data.code || `http_${response.status}`,
    detail: data.detail || data.title || fallback,
    errors: Array.isArray(data.errors) ? data.errors : [],
    extra: Object.fromEntries(Object.entries(data).filter(([k]) => !PROBLEM_KEYS.has(k))),
  };
}

export const get = (path, params) => request("GET", path + query(params));

/**
 * A user's action (one button, one form): one Idempotency-Key for each thing it sends, reused
 * when the same thing is sent again from it — a double tap, a retry after a network failure — so
 * the service does it once. Something else sent from it gets its own key; a redrawn screen has
 * new buttons and so new actions.
 */
export function newAction() {
  const keys = new Map();
  return {
    keyFor(fingerprint) {
      if (!keys.has(fingerprint)) keys.set(fingerprint, newKey());
      return keys.get(fingerprint);
    },
  };
}

// The action whose work is starting: `withAction` sets it while the work's synchronous part runs,
// which is where a screen sends its command (`send: (v) => command(...)`).
let acting = null;

/** Run `work()` as `action`: the commands it sends at once take their keys from the action. */
export function withAction(action, work) {
  const before = acting;
  acting = action;
  try {
    return work();
  } finally {
    acting = before;
  }
}

/** The key for sending `fingerprint` now: from the current action, or a new one outside any. */
export function actionKey(fingerprint) {
  return acting ? acting.keyFor(fingerprint) : newKey();
}

/** A command, with the Idempotency-Key of the user's action (see `newAction`). */
export function command(path, body, { method = "POST", key } = {}) {
  return request(method, path, { body, idempotencyKey: key || actionKey(`${method} ${path} ${JSON.stringify(body ?? {})}`) });
}

/** The file name a download announces (RFC 6266 `filename*` first), or `fallback`. */
export function fileName(disposition, fallback) {
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition || "");
  if (star) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      /* fall through to the plain name */
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(disposition || "");
  return plain ? plain[1] : fallback;
}

/** A file from a service (fetched with the bearer token): `{blob, name}`. */
export async function download(path, fallbackName = "download") {
  const response = await request("GET", path, { raw: true, headers: { Accept: "*/*" } });
  return { blob: await response.blob(), name: fileName(response.headers.get("content-disposition"), fallbackName) };
}

export function upload(path, file) {
  const form = new FormData();
  form.append("file", file);
  return request("POST", path, { form });
}

export { newKey };
