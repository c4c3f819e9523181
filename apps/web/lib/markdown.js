// The small Markdown the manuals are written in, drawn as DOM (never innerHTML): headings (with an
// `<a id="…"></a>` line before them naming their anchor), paragraphs, lists, quotes, code blocks,
// tables, images, links, **bold** and `code`.

import { h } from "./dom.js";

const ANCHOR = /^<a id="([\w-]+)"><\/a>$/;
const INLINE = /!\[([^\]]*)\]\(([^)\s]+)\)|\[([^\]]+)\]\(([^)\s]+)\)|\*\*([^*]+)\*\*|`([^`]+)`/g;

function resolve(url, base) {
  if (/^(https?:)?\/\//.test(url) || url.startsWith("/") || url.startsWith("#")) return url;
  return base + url;
}

/** One line's text with its inline marks. `link(href)` turns a manual's link into the app's. */
export function inline(text, { base, link }) {
  const out = [];
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    if (m[2] !== undefined) out.push(h("img", { src: resolve(m[2], base), alt: m[1], class: "shot" }));
    else if (m[4] !== undefined) out.push(h("a", { href: link(m[4]) }, inline(m[3], { base, link })));
    else if (m[5] !== undefined) out.push(h("strong", {}, m[5]));
    else out.push(h("code", {}, m[6]));
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

const cells = (line) => line.replace(/^\||\|$/g, "").split("|").map((c) => c.trim());

/** The nodes of a Markdown document; images and relative links resolve against `base`. */
export function markdown(source, { base = "", link = (href) => href } = {}) {
  const opts = { base, link };
  const lines = source.replace(/\r\n/g, "\n").split("\n");
  const out = [];
  let anchor = null;
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    const trimmed = line.trim();
    if (!trimmed) {
      i += 1;
      continue;
    }
    const named = ANCHOR.exec(trimmed);
    if (named) {
      anchor = named[1];
      i += 1;
      continue;
    }
    const heading = /^(#{1,4})\s+(.*)$/.exec(trimmed);
    if (heading) {
      out.push(h(`h${Math.min(heading[1].length + 1, 5)}`, { id: anchor, class: "help-h" }, inline(heading[2], opts)));
      anchor = null;
      i += 1;
      continue;
    }
    if (trimmed.startsWith("```")) {
      const code = [];
      i += 1;
      while (i < lines.length && !lines[i].trim().startsWith("```")) code.push(lines[i++]);
      i += 1;
      out.push(h("pre", { class: "help-code" }, h("code", {}, code.join("\n"))));
      continue;
    }
    if (trimmed.startsWith("|") && i + 1 < lines.length && /^\|[\s:|-]+\|$/.test(lines[i + 1].trim())) {
      const head = cells(trimmed);
      i += 2;
      const rows = [];
      while (i < lines.length && lines[i].trim().startsWith("|")) rows.push(cells(lines[i++].trim()));
      out.push(
        h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            {},
            h("thead", {}, h("tr", {}, head.map((c) => h("th", {}, inline(c, opts))))),
            h("tbody", {}, rows.map((r) => h("tr", {}, r.map((c) => h("td", {}, inline(c, opts)))))),
          ),
        ),
      );
      continue;
    }
    const list = /^(\d+\.|[-*])\s+/.exec(trimmed);
    if (list) {
      const ordered = /\d/.test(list[1]);
      const items = [];
      while (i < lines.length) {
        const t = lines[i].trim();
        const m = /^(\d+\.|[-*])\s+(.*)$/.exec(t);
        if (m && /\d/.test(m[1]) === ordered) items.push([m[2]]);
        else if (t && /^\s{2,}/.test(lines[i]) && items.length) items[items.length - 1].push(t);
        else break;
        i += 1;
      }
      out.push(h(ordered ? "ol" : "ul", { class: "help-list" }, items.map((parts) => h("li", {}, parts.map((p, k) => (k ? [h("br"), inline(p, opts)] : inline(p, opts)))))));
      continue;
    }
    if (trimmed.startsWith(">")) {
      const quote = [];
      while (i < lines.length && lines[i].trim().startsWith(">")) quote.push(lines[i++].trim().replace(/^>\s?/, ""));
      out.push(h("blockquote", { class: "help-note" }, inline(quote.join(" "), opts)));
      continue;
    }
    const para = [];
    while (i < lines.length && lines[i].trim() && !/^(#{1,4}\s|```|\||>|<a id=|\d+\.\s|[-*]\s)/.test(lines[i].trim())) para.push(lines[i++].trim());
    if (!para.length) para.push(lines[i++].trim());
    out.push(h("p", {}, inline(para.join(""), opts)));
  }
  return out;
}
