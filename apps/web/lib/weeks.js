// ISO weeks, months and quarters as the services name them ("2026-W47", "2026-11", "2026-Q4"),
// computed in Beijing time whatever the device's zone, from the platform's clock.

import { now as platformNow } from "./clock.js";

function beijingDate(now = platformNow()) {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" })
    .formatToParts(now)
    .reduce((acc, p) => ({ ...acc, [p.type]: p.value }), {});
  return new Date(Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day)));
}

export function isoWeek(date) {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day);
  const yearStart = new Date(Date.UTC(d.getUTCFullYear(), 0, 1));
  const week = Math.ceil(((d - yearStart) / 86400000 + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
}

export function thisWeek(now = platformNow()) {
  return isoWeek(beijingDate(now));
}

export function weekStart(week) {
  const [y, w] = [Number(week.slice(0, 4)), Number(week.slice(6))];
  const jan4 = new Date(Date.UTC(y, 0, 4));
  const monday = new Date(jan4);
  monday.setUTCDate(jan4.getUTCDate() - ((jan4.getUTCDay() || 7) - 1) + (w - 1) * 7);
  return monday;
}

export function shiftWeek(week, delta) {
  const d = weekStart(week);
  d.setUTCDate(d.getUTCDate() + 7 * delta);
  return isoWeek(d);
}

export function weekLabel(week) {
  const start = weekStart(week);
  const end = new Date(start);
  end.setUTCDate(start.getUTCDate() + 6);
  const f = (d) => `${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
  return `${week.slice(0, 4)}年第${Number(week.slice(6))}周（${f(start)}—${f(end)}）`;
}

export function thisMonth(now = platformNow()) {
  const d = beijingDate(now);
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
}

export function thisQuarter(now = platformNow()) {
  const d = beijingDate(now);
  return `${d.getUTCFullYear()}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
}

/** The ISO weeks whose Monday falls in a quarter such as "2026-Q4". */
export function weeksOfQuarter(quarter) {
  const y = Number(quarter.slice(0, 4));
  const q = Number(quarter.slice(6));
  const weeks = [];
  let week = isoWeek(new Date(Date.UTC(y, (q - 1) * 3, 1)));
  for (let i = 0; i < 15; i += 1) {
    const start = weekStart(week);
    const month = start.getUTCMonth();
    if (start.getUTCFullYear() === y && Math.floor(month / 3) + 1 === q) weeks.push(week);
    week = shiftWeek(week, 1);
  }
  return weeks;
}

/** Today in Beijing as "2026-11-18". */
export function today(now = platformNow()) {
  return beijingDate(now).toISOString().slice(0, 10);
}

export function shiftMonth(month, delta) {
  const [y, m] = month.split("-").map(Number);
  const d = new Date(Date.UTC(y, m - 1 + delta, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
}
