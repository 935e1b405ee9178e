// Client-side routing over the History API. The server answers index.html for
// every non-API path, so each of these URLs can be reloaded and shared.

export type Route =
  | { page: "projects" }
  | { page: "workspace"; entity: string; project: string }
  | { page: "run"; entity: string; project: string; runId: string; tab: string }
  | { page: "notfound"; path: string };

export const RUN_TABS = ["overview", "charts", "system", "logs", "files"];

export function parse(pathname: string): Route {
  const parts = pathname
    .split("/")
    .filter((p) => p !== "")
    .map((p) => decodeURIComponent(p));
  if (parts.length === 0) return { page: "projects" };
  if (parts.length === 2) return { page: "workspace", entity: parts[0], project: parts[1] };
  if ((parts.length === 4 || parts.length === 5) && parts[2] === "runs") {
    const tab = parts[4] ?? "overview";
    if (RUN_TABS.includes(tab)) {
      return { page: "run", entity: parts[0], project: parts[1], runId: parts[3], tab };
    }
  }
  return { page: "notfound", path: pathname };
}

const enc = encodeURIComponent;

export function projectUrl(entity: string, project: string): string {
  return `/${enc(entity)}/${enc(project)}`;
}

export function runUrl(entity: string, project: string, runId: string, tab?: string): string {
  const base = `${projectUrl(entity, project)}/runs/${enc(runId)}`;
  return tab && tab !== "overview" ? `${base}/${tab}` : base;
}

type Listener = () => void;
const listeners: Listener[] = [];

export function onNavigate(fn: Listener): void {
  listeners.push(fn);
}

export function navigate(url: string, replace = false): void {
  if (replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  for (const fn of listeners) fn();
}

/** Replace the query string without re-rendering the page (view state kept in the URL). */
export function setQuery(params: URLSearchParams): void {
  const qs = params.toString();
  history.replaceState(null, "", location.pathname + (qs ? `?${qs}` : ""));
}

export function installLinkHandler(): void {
  window.addEventListener("popstate", () => listeners.forEach((fn) => fn()));
  document.addEventListener("click", (ev) => {
    if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey) return;
    const a = (ev.target as Element).closest("a");
    if (!a || a.target || a.hasAttribute("download")) return;
    const href = a.getAttribute("href");
    if (!href || !href.startsWith("/") || href.startsWith("/api/")) return;
    ev.preventDefault();
    navigate(href);
  });
}
