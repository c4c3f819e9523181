// Operators: erase a person's personal data (《个人信息保护法》). The operator checks whom the
// number names, gives the grounds, confirms; the person's key is deleted and every service rebuilds
// its read models, after which the person shows as 已删除 everywhere. The record below says who
// erased whom, when and why, and whether each read model is rebuilt yet.

import { command, get } from "../lib/api.js";
import { fmtDateTime, h, replace } from "../lib/dom.js";
import { BASE } from "../lib/services.js";
import { actionForm, badge, empty, into, section, table, toast } from "../lib/ui.js";

const BASE_PATH = `${BASE.appraisal}/erasures`;
const POLL_MS = 1500;
const SUBJECT_STATES = {
  active: ["可删除", "warn"],
  erased: ["已删除", ""],
  unknown: ["没有任何记录提到此人", ""],
};

function subjectLine(subject) {
  const [text, tone] = SUBJECT_STATES[subject.state] || ["未知", ""];
  return h(
    "div",
    { class: "notice", role: "status", dataset: { erasureSubject: subject.state } },
    h("p", {}, subject.person_name ? `${subject.person_name}${subject.unit_name ? `（${subject.unit_name}）` : ""}` : "花名册中没有此编号", " ", badge(text, tone)),
  );
}

function recordsView(slot) {
  let timer = null;
  const draw = (records) => {
    clearTimeout(timer);
    // Polls while a rebuild is under way and the screen is still shown.
    if (records.some((r) => !r.scrubbed_at)) timer = setTimeout(() => slot.isConnected && load(), POLL_MS);
    if (!records.length) return empty("还没有删除过个人信息");
    return table(
      [
        { label: "人员编号", name: true, cell: (r) => h("span", { dataset: { erased: r.person_id } }, r.person_id) },
        { label: "删除时间", cell: (r) => fmtDateTime(r.erased_at) },
        { label: "操作人", cell: (r) => r.actor_name || "运维人员" },
        { label: "依据", cell: (r) => r.reason },
        { label: "读模型", cell: (r) => (r.scrubbed_at ? badge(`已重建（${fmtDateTime(r.scrubbed_at)}）`, "ok") : badge("正在重建", "warn")) },
      ],
      records,
      "个人信息删除记录",
    );
  };
  // After an erasure: read once its event is in the records (?after=), then poll until rebuilt.
  const load = (after) => into(slot, () => get(after ? `${BASE_PATH}?after=${encodeURIComponent(after)}` : BASE_PATH), draw);
  load();
  return load;
}

async function render(body) {
  const check = h("div", { "aria-live": "polite" });
  const records = h("div");
  let reload = () => {};
  const form = actionForm({
    label: "删除个人信息",
    submitLabel: "删除个人信息",
    fields: [
      { name: "person_id", label: "人员编号", required: true, max: 128, hint: "花名册中的人员编号；先点“核对”确认是谁" },
      { name: "reason", label: "删除依据", type: "textarea", required: true, max: 500, hint: "如：本人于某日书面申请删除、已离职且保存期限届满等；写入审计记录" },
    ],
    send: async (v) => {
      const subject = await get(`${BASE_PATH}/subjects/${encodeURIComponent(v.person_id)}`);
      replace(check, subjectLine(subject));
      const who = subject.person_name || `编号 ${v.person_id}`;
      if (!window.confirm(`删除后，${who}的姓名、出生日期等个人信息在所有服务中显示为“已删除”，不可恢复。确定删除吗？`)) return null;
      return command(BASE_PATH, { person_id: v.person_id, reason: v.reason });
    },
    done: (result) => {
      if (!result) return;
      toast("已删除，各服务正在重建读模型");
      replace(check);
      form.reset();
      reload(result.position);
    },
  });
  const checkButton = h("button", { type: "button", class: "btn" }, "核对");
  checkButton.addEventListener("click", () => {
    const id = form.querySelector("[name=person_id]").value.trim();
    if (id) into(check, () => get(`${BASE_PATH}/subjects/${encodeURIComponent(id)}`), subjectLine);
  });
  form.querySelector("[name=person_id]").after(h("div", { class: "actions" }, checkButton));
  body.append(
    h("p", { class: "muted" }, "按《个人信息保护法》删除某人的个人信息：删除其密钥，事件记录保留，各服务据此重建读模型，此人在所有页面和导出中显示为“已删除”。"),
    section("删除个人信息", check, form),
    section("删除记录", records),
  );
  reload = recordsView(records);
}

export const screens = [
  {
    path: "/ops/erasures",
    title: "个人信息删除",
    desc: "按《个人信息保护法》删除某人的个人信息",
    roles: ["operator"],
    requires: ["appraisal POST /api/v1/erasures", "appraisal GET /api/v1/erasures"],
    render,
  },
];
