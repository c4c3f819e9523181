// 帮助: the operation manuals (docs/manuals/<manual>.md, served by the origin), drawn in the app.

import { h, replace } from "../lib/dom.js";
import { MANUALS, manualsOf } from "../lib/help.js";
import { markdown } from "../lib/markdown.js";
import { empty, loading, section } from "../lib/ui.js";

const BASE = "/docs/manuals/";

/** A manual's link in the app: another manual ("leaders.md#x") opens as its help page. */
function link(href) {
  const m = /^(?:\.\/)?([\w-]+)\.md(#[\w-]+)?$/.exec(href);
  return m ? `/help/${m[1]}${m[2] || ""}` : href;
}

export function renderHelpIndex(body, user) {
  const mine = manualsOf(user);
  const others = Object.keys(MANUALS).filter((m) => !mine.includes(m));
  const item = (m) => h("li", {}, h("a", { class: "tile", href: `/help/${m}` }, h("span", { class: "t" }, MANUALS[m].title)));
  replace(
    body,
    h("p", { class: "muted" }, "每个页面右上方的“？帮助”会打开你的角色手册中讲这个页面的一节。"),
    mine.length ? section("我的操作手册", h("ul", { class: "tiles" }, mine.map(item))) : null,
    section("其他角色的手册", h("ul", { class: "tiles" }, others.map(item))),
  );
}

export async function renderManual(body, manual) {
  if (!MANUALS[manual]) {
    body.append(empty("没有这本手册", "请从“帮助”页选择手册。"));
    return;
  }
  body.append(loading("正在读取手册…"));
  let text;
  try {
    const res = await fetch(`${BASE}${manual}.md`, { headers: { Accept: "text/markdown" } });
    if (!res.ok) throw new Error(String(res.status));
    text = await res.text();
  } catch {
    replace(body, empty("手册暂时无法读取", "请稍后刷新重试。"));
    return;
  }
  // The manual's own "# title" is the page heading already.
  const source = text.replace(/^#\s+.*\n/, "");
  replace(body, h("nav", { class: "help-back" }, h("a", { href: "/help" }, "全部手册")), h("article", { class: "manual" }, markdown(source, { base: BASE, link })));
  const target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
  if (!target) return;
  target.scrollIntoView();
  // The pictures above the section move it down as they load: scroll again once they have.
  const above = [...body.querySelectorAll("img")].filter((img) => target.compareDocumentPosition(img) & Node.DOCUMENT_POSITION_PRECEDING);
  const loaded = above
    .filter((img) => !img.complete)
    .map(
      (img) =>
        new Promise((done) => {
          img.addEventListener("load", done, { once: true });
          img.addEventListener("error", done, { once: true });
        }),
    );
  await Promise.race([Promise.all(loaded), new Promise((done) => setTimeout(done, 5000))]);
  if (document.body.contains(target)) target.scrollIntoView();
}
