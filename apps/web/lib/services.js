/**
 * Where each service's API lives at the origin: `/api/<service>/v1/...` (the gateway and the proxy
 * map it to the service's own `/api/v1/...`). Every screen takes its base from here.
 */
export const BASE = Object.freeze({
  appraisal: "/api/appraisal/v1",
  grid: "/api/grid/v1",
  village: "/api/village/v1",
  reporting: "/api/reporting/v1",
});
