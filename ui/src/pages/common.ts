// Pieces every page uses: the breadcrumb header and error boxes.

import { ApiError } from "../api";
import { h } from "../dom";

export interface Crumb {
  label: string;
  href?: string;
}

export function pageHeader(crumbs: Crumb[], ...extra: (Node | string)[]): HTMLElement {
  const parts: (Node | string)[] = [];
  crumbs.forEach((c, i) => {
    if (i > 0) parts.push(h("span", { class: "sep" }, "/"));
    parts.push(c.href ? h("a", { href: c.href }, c.label) : h("span", null, c.label));
  });
  return h("div", { class: "page-header" }, h("h1", { class: "crumbs" }, ...parts), ...extra);
}

export function errorBox(e: unknown): HTMLElement {
  const status = e instanceof ApiError ? e.status : 0;
  const msg = e instanceof Error ? e.message : String(e);
  const title =
    status === 404 ? "Not found" : status === 400 || status === 422 ? "Bad request" : "Something went wrong";
  return h("div", { class: "error-box", role: "alert" }, h("strong", null, title), h("div", { class: "error-msg" }, msg));
}

export function notFoundPage(root: HTMLElement, path: string): void {
  root.append(
    h(
      "div",
      { class: "not-found" },
      h("h1", null, "Page not found"),
      h("p", null, `Nothing lives at ${path}.`),
      h("p", null, h("a", { href: "/" }, "← All projects")),
    ),
  );
}
