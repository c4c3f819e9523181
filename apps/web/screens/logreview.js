// A reviewing leader's actions on one weekly log: a comment, or a return for revision with the
// reason (only for people in the leader's reviewing chain: the API refuses anyone else, and the
// refusal shows in the form used).

import { command } from "../lib/api.js";
import { h } from "../lib/dom.js";
import { actionForm, disclosure, toast } from "../lib/ui.js";
import { BASE } from "../lib/services.js";

const LOGS = `${BASE.appraisal}/logs`;

export function logReview(log, reload) {
  const path = `${LOGS}/${encodeURIComponent(log.person_id)}/${encodeURIComponent(log.week)}`;
  const who = log.person_name;
  return h(
    "div",
    { class: "log-review", dataset: { week: log.week, person: log.person_id } },
    disclosure(
      "点评",
      actionForm({
        label: `点评 ${who} ${log.week} 的纪实`,
        fields: [{ name: "comment", label: "点评意见", type: "textarea", required: true, max: 500 }],
        submitLabel: "提交点评",
        send: (v) => command(`${path}/comments`, v),
        done: (res) => {
          toast(`已点评 ${who} 的纪实`);
          reload(res.position);
        },
      }),
    ),
    log.status === "returned"
      ? null
      : disclosure(
          "退回修改",
          actionForm({
            label: `退回 ${who} ${log.week} 的纪实`,
            fields: [{ name: "reason", label: "退回理由", type: "textarea", required: true, max: 500, hint: "写明需要补充或修改的内容。" }],
            submitLabel: "退回修改",
            send: (v) => command(`${path}/return`, v),
            done: (res) => {
              toast(`已退回 ${who} 的纪实`);
              reload(res.position);
            },
          }),
        ),
  );
}
