// What an operator does on the operator screen: rebuild (replay) a read model with its progress, and
// retry or skip an event a read model parked. The services run these (the same functions as the
// `grassroots ops` CLI); refusals show next to the button that was pressed.

import { command, get } from "../lib/api.js";
import { fmtDateTime, fmtNumber, h, replace } from "../lib/dom.js";
import { busy, toast } from "../lib/ui.js";
import { BASE } from "../lib/services.js";

const opsPath = (service, tail) => `${BASE[service]}/ops/${tail}`;
const POLL_MS = 700;

export const mayOperate = (user) => user.roles.includes("operator");

function progressLine(job) {
  const done = job.sources.reduce((s, p) => s + p.done, 0);
  const total = job.sources.reduce((s, p) => s + p.total, 0);
  const rate = job.sources.reduce((s, p) => s + p.rate, 0);
  const eta = Math.max(0, ...job.sources.map((p) => p.eta_seconds));
  if (job.state === "done") return `重建完成：重放 ${fmtNumber(job.applied)} 条事件，${fmtDateTime(job.finished_at)} 切换为新数据`;
  if (job.state === "failed") return job.error || "重建失败";
  if (!total) return "正在准备重放…";
  return `正在重放：${fmtNumber(done)} / ${fmtNumber(total)} 条（${fmtNumber(rate)} 条/秒，约剩 ${fmtNumber(eta, 0)} 秒）`;
}

function drawJob(slot, job) {
  const done = job.sources.reduce((s, p) => s + p.done, 0);
  const total = job.sources.reduce((s, p) => s + p.total, 0);
  replace(
    slot,
    h(
      "div",
      { class: `notice ${job.state === "failed" ? "warn" : job.state === "done" ? "ok" : ""}`, role: "status", dataset: { rebuild: job.state } },
      job.state === "running" ? h("progress", { max: total || 1, value: done, "aria-label": "重建进度" }) : null,
      h("p", { class: "small" }, progressLine(job)),
    ),
  );
}

/** A 重建 button for one read model; its progress is polled until it finishes, then `onDone()`. */
export function rebuildButton(service, projection, label, onDone) {
  const status = h("div", { "aria-live": "polite" });
  const error = h("span", { class: "field-error", role: "alert" });
  const button = h("button", { type: "button", class: "btn", dataset: { rebuildProjection: projection } }, "重建");
  async function follow() {
    const jobs = await get(opsPath(service, "rebuilds"));
    const job = jobs.find((j) => j.projection === projection);
    if (!job) return;
    drawJob(status, job);
    if (job.state === "running") setTimeout(() => follow().catch((e) => replace(error, e.detail || e.message)), POLL_MS);
    else {
      button.disabled = false;
      if (job.state === "done") toast(`${label}已重建`);
      onDone?.();
    }
  }
  button.addEventListener("click", async () => {
    replace(error);
    if (!window.confirm(`重建“${label}”：从事件流重放全部事件到新表，完成后切换；期间查询照常。确定重建吗？`)) return;
    try {
      const job = await busy(button, () => command(opsPath(service, `projections/${encodeURIComponent(projection)}/rebuild`), {}), "正在发起…");
      button.disabled = true;
      drawJob(status, job);
      setTimeout(() => follow().catch((e) => replace(error, e.detail || e.message)), POLL_MS);
    } catch (e) {
      replace(error, e.detail || e.message);
    }
  });
  return h("div", { class: "rebuild" }, h("div", { class: "row" }, button, error), status);
}

/** 重试 / 跳过 for one parked event; `reload(message)` redraws the list after it is resolved. */
export function parkedActions(service, parked, reload) {
  const error = h("p", { class: "field-error", role: "alert" });
  const act = (action, text, done) => {
    const button = h("button", { type: "button", class: action === "retry" ? "btn primary" : "btn" }, text);
    button.addEventListener("click", async () => {
      replace(error);
      if (action === "skip" && !window.confirm("跳过后该事件不再进入读模型，读模型可能缺少这条数据。确定跳过吗？")) return;
      try {
        await busy(button, () => command(opsPath(service, `dead-letters/${parked.id}/${action}`), {}));
        toast(done);
        reload();
      } catch (e) {
        replace(error, e.detail || e.message);
      }
    });
    return button;
  };
  return h("div", {}, h("div", { class: "actions" }, act("retry", "重试", "已重试，事件已进入读模型"), act("skip", "跳过", "已跳过该事件")), error);
}
