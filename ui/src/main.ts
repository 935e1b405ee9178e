// Entry point: the top bar and the router that mounts one page at a time.

import "uplot/dist/uPlot.min.css";
import "./style.css";
import { h } from "./dom";
import { notFoundPage } from "./pages/common";
import { projectsPage } from "./pages/projects";
import { runPage } from "./pages/run";
import { workspacePage } from "./pages/workspace";
import { installLinkHandler, onNavigate, parse } from "./router";

const app = document.getElementById("app")!;
const topbar = document.getElementById("topbar")!;
topbar.append(h("a", { href: "/", class: "brand" }, h("span", { class: "logo" }), "runbase"));

let cleanup: (() => void) | null = null;

function render(): void {
  cleanup?.();
  cleanup = null;
  app.replaceChildren();
  const route = parse(location.pathname);
  document.title = "runbase";
  switch (route.page) {
    case "projects":
      cleanup = projectsPage(app);
      break;
    case "workspace":
      document.title = `${route.project} · runbase`;
      cleanup = workspacePage(app, route.entity, route.project);
      break;
    case "run":
      cleanup = runPage(app, route.entity, route.project, route.runId, route.tab);
      break;
    default:
      notFoundPage(app, route.path);
  }
  window.scrollTo(0, 0);
}

installLinkHandler();
onNavigate(render);
render();
