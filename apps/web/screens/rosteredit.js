// A unit administrator's changes to one person of the roster: correct the details, change the
// section and reviewing chain, record a departure or retirement (the person drops out of the next
// quarter). The roster's refusals (a duplicate, an unknown reviewer) show in the form used.

import { command, get } from "../lib/api.js";
import { h } from "../lib/dom.js";
import { actionForm, disclosure, downloadButton, toast } from "../lib/ui.js";
import { BASE } from "../lib/services.js";
import { today } from "../lib/weeks.js";
import { LEAVE_REASONS } from "../lib/labels.js";

const API = BASE.appraisal;

/** The empty workbook whose headers are the ones the import reads. */
export function templateButton(unit) {
  return h("p", { class: "muted small" }, "第一次导入？", downloadButton("下载导入模板", `${API}/units/${encodeURIComponent(unit)}/roster-template.xlsx`, "花名册导入模板.xlsx"));
}

/** What the forms choose from: the unit's sections and active people, loaded once per roster view. */
export async function rosterChoices(unit) {
  const base = `${API}/units/${encodeURIComponent(unit)}`;
  const people = [];
  for (let offset = 0; ; offset += 200) {
    const page = await get(`${base}/people`, { active: true, limit: 200, offset });
    people.push(...page.items);
    if (!page.items.length || people.length >= page.total) break;
  }
  return { sections: await get(`${base}/sections`), people };
}

export function personActions(unit, p, choices, reload) {
  const base = `${API}/units/${encodeURIComponent(unit)}/people/${encodeURIComponent(p.person_id)}`;
  const others = choices.people.filter((o) => o.person_id !== p.person_id);
  const leader = (name, label, value) => ({
    name,
    label,
    type: "select",
    value: value || "",
    options: [["", "无"], ...others.map((o) => [o.person_id, `${o.person_name}${o.position ? `（${o.position}）` : ""}`])],
  });
  const done = (text) => (res) => {
    toast(text);
    reload(res.position);
  };
  return disclosure(
    "修改、调整审核链或登记离开",
    disclosure(
      "修改信息",
      actionForm({
        label: `修改 ${p.person_name} 的信息`,
        fields: [
          { name: "person_name", label: "姓名", value: p.person_name, required: true, max: 30 },
          { name: "position", label: "职务", value: p.position, max: 40 },
          { name: "birth_date", label: "出生日期", type: "date", value: p.birth_date || "" },
          { name: "id_number", label: "身份证号（更正时填写，不改可留空）", max: 18 },
        ],
        submitLabel: "保存修改",
        send: (v) => command(base, { person_name: v.person_name, position: v.position, birth_date: v.birth_date || null, id_number: v.id_number || null }, { method: "PUT" }),
        done: done(`已保存 ${p.person_name} 的信息`),
      }),
    ),
    disclosure(
      "调整股室和审核链",
      actionForm({
        label: `调整 ${p.person_name} 的审核链`,
        fields: [
          { name: "section_id", label: "股室", type: "select", value: p.section_id || "", options: [["", "不属于股室"], ...choices.sections.map((s) => [s.section_id, s.section_name])] },
          leader("section_chief_id", "股组长", p.section_chief_id),
          leader("deputy_leader_id", "分管领导", p.deputy_leader_id),
          leader("principal_leader_id", "主要领导", p.principal_leader_id),
        ],
        submitLabel: "保存审核链",
        send: (v) =>
          command(
            `${base}/chain`,
            {
              section_id: v.section_id || null,
              chain: { section_chief_id: v.section_chief_id || null, deputy_leader_id: v.deputy_leader_id || null, principal_leader_id: v.principal_leader_id || null },
            },
            { method: "PUT" },
          ),
        done: done(`已调整 ${p.person_name} 的审核链，下一季度起生效`),
      }),
    ),
    disclosure(
      "登记离开（调离、退休）",
      actionForm({
        label: `登记 ${p.person_name} 离开`,
        fields: [
          { name: "reason", label: "离开原因", type: "select", required: true, options: [["", "请选择"], ...Object.entries(LEAVE_REASONS)] },
          { name: "left_on", label: "离开日期", type: "date", value: today(), required: true },
        ],
        submitLabel: "确认离开",
        send: (v) => command(`${base}/departure`, v),
        done: (res) => {
          toast(departureNotice(p.person_name, res.data?.chains_changed || []), "ok", 10000);
          reload(res.position);
        },
      }),
    ),
  );
}

/** What a departure did, for the administrator: the chains the person was taken out of, and who is
 * left without a reviewer (they take no part in quarters until one is named). */
export function departureNotice(name, changed) {
  const parts = [`已登记 ${name} 离开，不再参加下一季度考核`];
  if (changed.length) parts.push(`已从 ${changed.map((c) => c.person_name).join("、")} 的审核链中移除${name}`);
  const without = changed.filter((c) => c.without_reviewer);
  if (without.length) parts.push(`${without.map((c) => c.person_name).join("、")} 已无审核人，请尽快指定，否则不参加季度考核`);
  return parts.join("；");
}
