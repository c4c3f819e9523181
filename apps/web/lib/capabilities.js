// What the running services offer: each answers `GET /capabilities` with its routes and their
// methods (a few hundred bytes, cached by the browser). A screen appears only when the endpoints
// it needs exist, so the app follows the services as their APIs grow.

export const SERVICES = ["appraisal", "grid", "village", "reporting"];
let loaded = null;

/** `{service: {paths: {path: {get: true, …}}}}`, or `null` for a service that did not answer. */
export function loadCapabilities() {
  if (!loaded) {
    loaded = Promise.all(
      SERVICES.map(async (name) => {
        try {
          const response = await fetch(`/api/${name}/capabilities`, { headers: { Accept: "application/json" } });
          if (!response.ok) return [name, null];
          const answer = await response.json();
          const paths = Object.fromEntries(
            Object.entries(answer.paths || {}).map(([path, methods]) => [path, Object.fromEntries(methods.map((m) => [m.toLowerCase(), true]))]),
          );
          return [name, { paths }];
        } catch {
          return [name, null];
        }
      }),
    ).then((pairs) => Object.fromEntries(pairs));
  }
  return loaded;
}

/** `spec` is "service METHOD /path/{param}", e.g. "appraisal POST /api/v1/logs". */
export function supports(caps, spec) {
  const [service, method, path] = spec.split(" ");
  const doc = caps[service];
  if (!doc || !doc.paths) return false;
  const item = doc.paths[path];
  return Boolean(item && item[method.toLowerCase()]);
}

export function supportsAll(caps, specs) {
  return specs.every((s) => supports(caps, s));
}

/** The service paths present, for screens that adapt to what a service offers. */
export function paths(caps, service) {
  return Object.keys(caps[service]?.paths || {});
}
