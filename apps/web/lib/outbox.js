// Commands written while offline: kept on the device (localStorage) with the Idempotency-Key made
// at the user's action, and sent when the phone is back online. The key travels with the queued
// command, so a command whose answer was lost on the way is not done twice: the service answers
// the first result again. One entry per `slot` (say, one person's log for one week): queuing again
// replaces what waits there, keeping its key when the body is the same.

import { ApiError, command, session } from "./api.js";

const PREFIX = "gr.outbox.";
const RETRY_MS = 20000;
/** How long a queued command is sent with its key: the services keep a key's record at least this
 * long (IDEMPOTENCY_DAYS ≥ 7). An older one is not sent blind, since a first try that did arrive
 * would then be done again: it is marked expired and kept unsent (with its draft) until the user
 * submits again, and the user is told. */
export const MAX_AGE_DAYS = 7;
const MAX_AGE_MS = MAX_AGE_DAYS * 24 * 3600 * 1000;

function storeKey(sub) {
  return `${PREFIX}${sub}`;
}

function read(sub) {
  try {
    const list = JSON.parse(localStorage.getItem(storeKey(sub)) || "[]");
    return Array.isArray(list) ? list : [];
  } catch {
    return [];
  }
}

function write(sub, list) {
  if (list.length) localStorage.setItem(storeKey(sub), JSON.stringify(list));
  else localStorage.removeItem(storeKey(sub));
}

/** What waits to be sent for `sub` in `slot` (with `expired: true` once too old to send), or null. */
export function waiting(sub, slot) {
  return read(sub).find((e) => e.slot === slot) || null;
}

/** Forget what waited in `slot`: the user's own submission of it has since been done. */
export function forget(sub, slot) {
  remove(sub, slot);
}

/**
 * Keep a command to send later: `{slot, path, body, key, clears}` (key: the user's action's;
 * clears: the localStorage keys, a draft's, to remove once it is done). Answers the entry kept.
 */
export function enqueue(sub, { slot, path, body, key, clears = [] }) {
  const list = read(sub);
  const same = list.find((e) => !e.expired && e.slot === slot && e.path === path && JSON.stringify(e.body) === JSON.stringify(body));
  // The same command queued again keeps its key, and so the time the key was made.
  const entry = same ? { ...same, clears } : { slot, path, body, key, clears, queued_at: new Date().toISOString() };
  write(sub, [...list.filter((e) => e.slot !== slot), entry]);
  schedule();
  return entry;
}

/** Take out the entry of `slot` with `key` (any key when none is named). */
function remove(sub, slot, key) {
  write(
    sub,
    read(sub).filter((e) => !(e.slot === slot && (key === undefined || e.key === key))),
  );
}

let flushing = null;

/**
 * Send what waits for the signed-in user, oldest first, each with its own stored key. A network
 * failure stops and keeps the rest; an answer (done or refused) removes the entry and is announced
 * as a `gr:outbox` event on window (`detail: {slot, result}` or `{slot, error}`). An entry older
 * than MAX_AGE_DAYS is marked expired and never sent, announced once (`{slot, expired: entry}`).
 */
export function flush() {
  if (!flushing) flushing = send().finally(() => (flushing = null));
  return flushing;
}

async function send() {
  const user = session.user;
  if (!user || !session.token) return;
  for (const entry of read(user.sub)) {
    let detail;
    if (entry.expired) continue;
    if (!(Date.now() - Date.parse(entry.queued_at) <= MAX_AGE_MS)) {
      const expired = { ...entry, expired: true };
      write(
        user.sub,
        read(user.sub).map((e) => (e.slot === entry.slot && e.key === entry.key ? expired : e)),
      );
      window.dispatchEvent(new CustomEvent("gr:outbox", { detail: { slot: entry.slot, expired } }));
      continue;
    }
    try {
      detail = { slot: entry.slot, result: await command(entry.path, entry.body, { key: entry.key }) };
      for (const key of entry.clears || []) localStorage.removeItem(key);
    } catch (error) {
      if (!(error instanceof ApiError) || error.network || error.status === 401 || error.status >= 500) {
        schedule();
        return;
      }
      detail = { slot: entry.slot, error };
    }
    remove(user.sub, entry.slot, entry.key);
    window.dispatchEvent(new CustomEvent("gr:outbox", { detail }));
  }
}

let timer = null;
function schedule() {
  if (timer) return;
  timer = setTimeout(() => {
    timer = null;
    if (navigator.onLine !== false) flush();
  }, RETRY_MS);
}

/** Once, at start: send on coming back online, and now for what a closed tab left behind. */
export function startOutbox() {
  window.addEventListener("online", () => flush());
  if (navigator.onLine !== false) flush();
}
