// Which screen module draws each route: a module is fetched when one of its routes is first shown
// (the home page, listing every screen, fetches them all), so a phone opening the log form fetches
// the log form's module and not the leaders', the district's or the operator's.
//
// In the order the routes are tried (a fixed path before a pattern that would also match it). The
// gateway reads this list too (grassroots_cli.webapp), to preload the module of the page it serves;
// every `path` a module's screens declare is listed here, and only those (libs/cli/tests/test_webapp.py).
export const ROUTES = {
  "inbox.js": ["/inbox"],
  "staff.js": ["/staff/log", "/staff/history"],
  "leader.js": ["/leader/queue", "/leader/review/:unit/:quarter/:person", "/leader/appeals", "/unit/logs", "/leader/person/:person"],
  "quarter.js": ["/staff/summary", "/staff/quarter", "/staff/reminders", "/unit/board", "/unit/follow-ups"],
  "peers.js": ["/staff/peer-review"],
  "admin.js": ["/admin/roster", "/admin/scheme", "/admin/quarters", "/admin/deadlines"],
  "growth.js": ["/admin/annual", "/admin/result-uses", "/leader/reminders"],
  "district.js": ["/district/submissions"],
  "reporting.js": [
    "/district/notices",
    "/district/notices/:id",
    "/district/bulletins",
    "/district/bulletins/new",
    "/district/bulletins/:id",
    "/district/statistics",
    "/archives",
    "/archives/people/:id",
    "/archives/villages/:id",
    "/archives/tickets/:id",
    "/staff/archive",
  ],
  "grid.js": ["/grid/report", "/grid/reports", "/community/dispatch", "/department/queue", "/tickets/:id", "/district/league"],
  "community.js": ["/volunteer/wishes", "/community/wishes", "/district/wishes"],
  "village.js": ["/village/file", "/village/projects/:id", "/town/villages", "/town/inspections", "/district/villages"],
  "village_work.js": ["/town/rounds", "/town/rounds/:id", "/town/weakness"],
  "operator.js": ["/ops/projections"],
  "erasure.js": ["/ops/erasures"],
  // Not screens of a role: the sign-in page and the manuals.
  "signin.js": ["/signin"],
  "help.js": ["/help", "/help/:manual"],
};

const loaded = new Map();

/** The module `file` (one of ROUTES' keys), fetched once; fetched again after a failure (no network). */
export function loadModule(file) {
  if (!loaded.has(file)) {
    loaded.set(
      file,
      import(`./${file}`).catch((error) => {
        loaded.delete(file);
        throw error;
      }),
    );
  }
  return loaded.get(file);
}

/** Whether `file` is fetched already (a screen of it shows without a wait). */
export const isLoaded = (file) => loaded.has(file);
