// The platform's "now": the services' clock. A training or staging platform may run on a moved
// clock (GRASSROOTS_CLOCK_OFFSET / GRASSROOTS_CLOCK_START, demo mode only); every default date the
// screens offer (this week, the month due, today) is then that platform's date, not the device's.

import { SERVICES } from "./capabilities.js";

let offsetMs = 0;
let status = { moved: false, offset_seconds: 0 };
let loaded = null;

/** Ask the services for their clock once (the first that answers); a failure leaves real time. */
export function loadClock() {
  if (!loaded) {
    loaded = (async () => {
      for (const name of SERVICES) {
        try {
          const response = await fetch(`/api/${name}/clock`, { headers: { Accept: "application/json" } });
          if (!response.ok) continue;
          const body = await response.json();
          status = body;
          offsetMs = Number(body.offset_seconds || 0) * 1000;
          return status;
        } catch {
          /* the next service */
        }
      }
      return status;
    })();
  }
  return loaded;
}

/** The platform's now, as a Date. */
export function now() {
  return new Date(Date.now() + offsetMs);
}

/** `{moved, offset_seconds, now}` as the services answered. */
export function clockStatus() {
  return status;
}
