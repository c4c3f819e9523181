// The few components every screen uses: page frame, loading/empty/error states, paged lists,
// labelled fields with problem+json errors next to them, chips, toasts.

import { ApiError, newAction, withAction } from "./api.js";
import { h, replace, uid } from "./dom.js";

export function loading(text = "正在加载…") {
  return h("div", { class: "state state-loading", role: "status", "aria-live": "polite" }, h("span", { class: "spinner", "aria-hidden": "true" }), text);
}

export function empty(title, hint) {
  return h("div", { class: "state state-empty" }, h("p", { class: "state-title" }, title), hint ? h("p", { class: "muted" }, hint) : null);
}

export function errorBox(error, retry) {
  const detail = error instanceof ApiError ? error.detail : String(error?.message || error);
  return h(
    "div",
    { class: "state state-error", role: "alert" },
    h("p", { class: "state-title" }, error?.network ? "网络中断" : "出错了"),
    h("p", {}, detail),
    retry ? h("button", { type: "button", class: "btn", onclick: retry }, "重试") : null,
  );
}

/** Render `load()` into `target`: loading first, then `draw(data)`, or an error with a retry. */
// The latest load of each target: an answer that arrives after a newer load began (a year picked
// while the first year was still loading) is dropped instead of drawn over the newer one.
const latestLoad = new WeakMap();

export async function into(target, load, draw) {
  const mine = {};
  latestLoad.set(target, mine);
  replace(target, loading());
  try {
    const data = await load();
    if (latestLoad.get(target) !== mine) return undefined;
    replace(target, draw(data));
    return data;
  } catch (error) {
    if (latestLoad.get(target) !== mine) return undefined;
    replace(target, errorBox(error, () => into(target, load, draw)));
    return undefined;
  }
}

export function section(title, ...children) {
  const id = uid("sec");
  return h("section", { class: "card", "aria-labelledby": id }, h("h2", { id }, title), ...children);
}

/**
 * A paged list: `load({limit, offset, after})` answers a Page {items, total, limit, offset};
 * `item(row)` draws one row. Prev/next buttons and a count; empty state when none.
 *
 * `after` is the store position the list reads after (read-after-write: a command answers its
 * `position`, and the list waits until the read model has caught up with it); the list keeps it
 * for every later load and page. `list.reload(position)` shows the list again, after `position`
 * from then on when one is given: from its first page (a row acted on may have moved or left), or
 * the page it shows when made with `keepPage`. `list.position` is the position kept (for a list
 * drawn in its place, another tab say, or a panel read with it).
 */
export function pagedList({ load, item, emptyTitle = "暂无记录", emptyHint, limit = 20, label = "列表", tag = "ul", after, keepPage = false }) {
  const root = h("div", { class: "paged" });
  let offset = 0;
  async function show() {
    await into(
      root,
      () => load({ limit, offset, after }),
      (page) => {
        if (!page.items.length && offset === 0) return empty(emptyTitle, emptyHint);
        const list = h(tag, { class: "list", "aria-label": label }, page.items.map((row) => item(row)));
        const pages = Math.max(1, Math.ceil(page.total / limit));
        const at = Math.floor(offset / limit) + 1;
        const nav =
          page.total > limit
            ? h(
                "nav",
                { class: "pager", "aria-label": `${label}分页` },
                h("button", { type: "button", class: "btn", disabled: offset === 0, onclick: () => go(offset - limit) }, "上一页"),
                h("span", { "aria-live": "polite" }, `第 ${at} / ${pages} 页，共 ${page.total} 条`),
                h("button", { type: "button", class: "btn", disabled: offset + limit >= page.total, onclick: () => go(offset + limit) }, "下一页"),
              )
            : h("p", { class: "muted small" }, `共 ${page.total} 条`);
        return [list, nav];
      },
    );
  }
  function go(next) {
    offset = Math.max(0, next);
    show();
  }
  root.reload = (position) => {
    if (position) after = position;
    if (!keepPage) offset = 0;
    return show();
  };
  // Not `after`: that is the element's own after(), which inserts nodes after it.
  Object.defineProperty(root, "position", { get: () => after });
  show();
  return root;
}

/**
 * A slot showing one paged list at a time, drawn anew for each choice (a tab, a year, a filter
 * the list's title depends on): `slot.show(options)` draws `pagedList(options)` there, reading
 * after the position the list before it kept unless `options.after` says otherwise; `slot.list`
 * is the list shown.
 */
export function listSlot() {
  const slot = h("div");
  slot.show = (options) => {
    slot.list = pagedList({ after: slot.list?.position, ...options });
    replace(slot, slot.list);
    return slot.list;
  };
  return slot;
}

/** A labelled control with a slot for its error; `name` is the API field it maps to. */
export function field({ label, name, control, hint }) {
  const id = control.id || uid("f");
  control.id = id;
  if (name) control.dataset.field = name;
  const errId = `${id}-err`;
  const hintId = hint ? `${id}-hint` : null;
  control.setAttribute("aria-describedby", [hintId, errId].filter(Boolean).join(" "));
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    hint ? h("p", { class: "hint", id: hintId }, hint) : null,
    control,
    h("p", { class: "field-error", id: errId, dataset: { errorFor: name || "" }, "aria-live": "polite" }),
  );
}

export function clearErrors(form) {
  form.querySelectorAll(".field-error").forEach((p) => {
    p.textContent = "";
  });
  form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
  const banner = form.querySelector(".form-error");
  if (banner) replace(banner);
}

/**
 * Show an ApiError on a form: each `errors[].field` next to the control with that data-field
 * (or the nearest prefix: "items.0.text" → "items.0" → "items"), the rest in the form banner.
 */
export function showErrors(form, error) {
  clearErrors(form);
  const banner = form.querySelector(".form-error");
  const leftovers = [];
  const fieldErrors = error instanceof ApiError ? error.errors : [];
  let first = null;
  for (const e of fieldErrors) {
    const slot = findSlot(form, e.field || "");
    if (slot) {
      slot.p.textContent = slot.p.textContent ? `${slot.p.textContent}；${e.message}` : e.message;
      if (slot.control) {
        slot.control.setAttribute("aria-invalid", "true");
        first = first || slot.control;
      }
    } else {
      leftovers.push(e.message);
    }
  }
  const detail = error instanceof ApiError ? error.detail : String(error?.message || error);
  if (banner && (!fieldErrors.length || leftovers.length)) {
    replace(banner, h("p", {}, leftovers.length ? leftovers.join("；") : detail));
  }
  if (first) first.focus();
  else if (banner) banner.focus();
}

function findSlot(form, name) {
  const parts = name.split(".");
  while (parts.length) {
    const key = parts.join(".");
    const p = form.querySelector(`.field-error[data-error-for="${CSS.escape(key)}"]`);
    if (p) return { p, control: form.querySelector(`[data-field="${CSS.escape(key)}"]`) };
    parts.pop();
  }
  return null;
}

export function formBanner() {
  return h("div", { class: "form-error", role: "alert", tabindex: "-1" });
}

// Each button is one user action: its commands keep their Idempotency-Keys across double taps
// and retries (api.js `newAction`).
const actions = new WeakMap();

function actionOf(button) {
  if (!actions.has(button)) actions.set(button, newAction());
  return actions.get(button);
}

/** Disable a button while `work()` runs (its command sent as the button's action); answer its result. */
export async function busy(button, work, text = "正在提交…") {
  const label = button.textContent;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  button.textContent = text;
  try {
    return await withAction(actionOf(button), work);
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
    button.textContent = label;
  }
}

/** True while a button's command runs: a second tap (or Enter) does nothing. */
export function isBusy(button) {
  return button.getAttribute("aria-busy") === "true";
}

/** Send `work()` as `button`'s action without the busy state (after uploads, say). */
export function asActionOf(button, work) {
  return withAction(actionOf(button), work);
}

export function chip(label, { pressed = false, onToggle, value } = {}) {
  const btn = h("button", { type: "button", class: "chip", "aria-pressed": String(pressed), dataset: { value: value ?? label } }, label);
  btn.addEventListener("click", () => {
    const now = btn.getAttribute("aria-pressed") !== "true";
    btn.setAttribute("aria-pressed", String(now));
    if (onToggle) onToggle(now);
  });
  return btn;
}

export function badge(text, tone = "") {
  return h("span", { class: `badge ${tone}` }, text);
}

let toastRoot = null;
export function toast(text, tone = "ok", ms = 4000) {
  if (!toastRoot) {
    toastRoot = h("div", { class: "toasts", role: "status", "aria-live": "polite" });
    document.body.append(toastRoot);
  }
  const el = h("div", { class: `toast ${tone}` }, text);
  toastRoot.append(el);
  setTimeout(() => el.remove(), ms);
}

export function stat(label, value, tone = "") {
  return h("div", { class: `stat ${tone}` }, h("div", { class: "stat-value" }, value), h("div", { class: "stat-label" }, label));
}

/** A simple accessible table; `columns` = [{label, cell: row => node|text, num?}] */
/** `columns` = [{label, cell(row), num, name}]: `num` aligns figures, `name` keeps a name on one line. */
export function table(columns, rows, caption) {
  return h(
    "div",
    { class: "table-wrap", tabindex: "0", role: "region", "aria-label": caption },
    h(
      "table",
      {},
      caption ? h("caption", { class: "sr-only" }, caption) : null,
      h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col", class: c.num ? "num" : "" }, c.label)))),
      h("tbody", {}, rows.map((row) => h("tr", {}, columns.map((c) => h("td", { class: c.num ? "num" : c.name ? "name" : "" }, c.cell(row)))))),
    ),
  );
}

/** A form whose controls the caller builds and reads (`send(form)` answers the command's result);
 * refusals land next to their fields, `done(result)` runs after success. */
export function ownForm({ label, parts, submitLabel, send, done }) {
  const submit = h("button", { type: "submit", class: "btn primary" }, submitLabel);
  const form = h("form", { class: "action-form", novalidate: true, "aria-label": label }, formBanner(), parts, h("div", { class: "actions" }, submit));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    try {
      const result = await busy(submit, () => send(form));
      await done(result);
    } catch (error) {
      showErrors(form, error);
    }
  });
  return form;
}

/**
 * A small command form: `fields` = [{name, label, type: text|textarea|select|number|datetime|checkbox|files,
 * options: [[value, label]], required, hint, value}]; `send(values)` runs the command and answers its
 * result; `done(result)` runs after success. Errors land next to their fields.
 */
export function actionForm({ fields, submitLabel, send, done, label, uploadTo }) {
  const banner = formBanner();
  const controls = {};
  const parts = fields.map((f) => {
    let control;
    if (f.type === "textarea") control = h("textarea", { name: f.name, rows: 3, maxlength: f.max || 1000, required: f.required });
    else if (f.type === "select") control = h("select", { name: f.name, required: f.required }, (f.options || []).map(([v, t]) => h("option", { value: v, selected: v === f.value }, t)));
    else if (f.type === "checkbox") {
      control = h("input", { type: "checkbox", name: f.name, checked: f.value });
      controls[f.name] = control;
      control.dataset.field = f.name;
      return h("div", { class: "field" }, h("label", { class: "row" }, control, f.label), h("p", { class: "field-error", dataset: { errorFor: f.name } }));
    } else if (f.type === "files") control = h("input", { type: "file", name: f.name, multiple: true, accept: "image/jpeg,image/png,image/webp,application/pdf" });
    else if (f.type === "datetime") control = h("input", { type: "datetime-local", name: f.name, required: f.required });
    else control = h("input", { type: f.type || "text", name: f.name, required: f.required, maxlength: f.max, step: f.step });
    if (f.value !== undefined && f.type !== "select" && f.type !== "files") control.value = f.value;
    controls[f.name] = control;
    return field({ label: f.label, name: f.name, control, hint: f.hint });
  });
  const submit = h("button", { type: "submit", class: "btn primary" }, submitLabel);
  // A refusal shows right by the button pressed, not at the top of a long form.
  const form = h("form", { class: "action-form", novalidate: true, "aria-label": label || submitLabel }, parts, h("div", { class: "actions" }, banner, submit));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (isBusy(submit)) return;
    clearErrors(form);
    const values = {};
    for (const f of fields) {
      const c = controls[f.name];
      if (f.type === "checkbox") values[f.name] = c.checked;
      else if (f.type === "files") values[f.name] = [...c.files];
      else if (f.type === "number") values[f.name] = c.value === "" ? null : Number(c.value);
      else if (f.type === "datetime") values[f.name] = c.value ? new Date(c.value).toISOString() : "";
      else values[f.name] = c.value.trim();
    }
    const missing = fields.filter((f) => f.required && (values[f.name] === "" || values[f.name] === null));
    if (missing.length) {
      showErrors(form, new ApiError({ status: 422, code: "required", detail: "请填写必填项", errors: missing.map((f) => ({ field: f.name, message: "必填" })) }));
      return;
    }
    try {
      const result = await busy(submit, async () => {
        for (const f of fields.filter((x) => x.type === "files")) {
          values[f.upload_as || f.name] = await uploadAll(uploadTo, values[f.name], f.name);
        }
        return asActionOf(submit, () => send(values));
      });
      if (done) await done(result, values);
    } catch (error) {
      showErrors(form, error);
    }
  });
  return form;
}

async function uploadAll(path, files, fieldName) {
  const { upload } = await import("./api.js");
  const ids = [];
  for (const file of files) {
    try {
      const answer = await upload(path, file);
      ids.push(answer.upload_id);
    } catch (error) {
      if (error instanceof ApiError) {
        error.errors = [{ field: fieldName, message: `${file.name}：${error.detail}` }];
      }
      throw error;
    }
  }
  return ids;
}

/** A disclosure holding a form or details, closed until asked for. */
export function disclosure(summary, ...children) {
  return h("details", { class: "disclosure" }, h("summary", {}, summary), h("div", { class: "disclosure-body" }, ...children));
}

/**
 * Photos and documents stored by a service (`uploads` = its `/api/v1/uploads` path): fetched with
 * the bearer token (a plain link would not carry it) and shown as thumbnails or links.
 */
export function attachments(uploads, ids, label = "照片/材料") {
  if (!ids?.length) return null;
  const root = h("div", { class: "attachments", role: "group", "aria-label": `${label} ${ids.length} 份` });
  root.append(h("p", { class: "small muted" }, `${label} ${ids.length} 份`));
  const strip = h("div", { class: "thumbs" });
  root.append(strip);
  ids.forEach(async (id, i) => {
    const slot = h("span", { class: "thumb", dataset: { upload: id } }, h("span", { class: "spinner", "aria-hidden": "true" }), `第 ${i + 1} 份`);
    strip.append(slot);
    try {
      const { request } = await import("./api.js");
      const blob = await request("GET", `${uploads}/${encodeURIComponent(id)}`, { blob: true });
      const url = URL.createObjectURL(blob);
      const name = `${label}${i + 1}`;
      replace(
        slot,
        blob.type.startsWith("image/")
          ? h("a", { href: url, target: "_blank", rel: "noopener" }, h("img", { src: url, alt: name, loading: "lazy" }))
          : h("a", { href: url, target: "_blank", rel: "noopener", download: `${id}.pdf` }, `查看${name}（PDF）`),
      );
    } catch (error) {
      replace(slot, h("span", { class: "bad-text small" }, `第 ${i + 1} 份无法显示：${error.detail || error.message}`));
    }
  });
  return root;
}

/**
 * A button that fetches a file with the bearer token and saves it under the name the service
 * gives (Content-Disposition); a failure shows next to the button, never silently.
 */
export function downloadButton(label, path, fallbackName) {
  const status = h("span", { class: "field-error", role: "alert" });
  const button = h("button", { type: "button", class: "btn", dataset: { download: path } }, label);
  button.addEventListener("click", async () => {
    replace(status);
    try {
      const { download } = await import("./api.js");
      const file = await busy(button, () => download(path, fallbackName), "正在下载…");
      const url = URL.createObjectURL(file.blob);
      const link = h("a", { href: url, download: file.name, class: "sr-only" }, file.name);
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (error) {
      replace(status, `下载失败：${error.detail || error.message}`);
    }
  });
  return h("span", { class: "download" }, button, status);
}

/** A reporting figure ({title, columns, rows, sentence}) as its sentence and a table. */
export function figureView(figure, { display = "table", heading = true } = {}) {
  const cell = (value) => (value === null || value === undefined || value === "" ? "—" : typeof value === "number" ? value.toLocaleString("zh-CN") : String(value));
  return h(
    "div",
    { class: "figure", dataset: { figure: figure.key } },
    heading ? h("h3", {}, figure.title) : null,
    figure.sentence ? h("p", { class: display === "sentence" ? "" : "muted small" }, figure.sentence) : null,
    display === "sentence"
      ? null
      : figure.rows.length
        ? table(
            figure.columns.map((c) => ({ label: c.label, num: figure.rows.some((r) => typeof r[c.key] === "number"), cell: (r) => cell(r[c.key]) })),
            figure.rows,
            figure.title,
          )
        : h("p", { class: "muted" }, "本期没有数据"),
  );
}
