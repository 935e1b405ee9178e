// The home page: every project in the store, with run count and last activity.

import { api } from "../api";
import { h } from "../dom";
import { fmtAgo, fmtTime } from "../format";
import { projectUrl } from "../router";
import { errorBox, pageHeader } from "./common";

export function projectsPage(root: HTMLElement): () => void {
  const body = h("div", { class: "projects" }, h("div", { class: "loading" }, "Loading…"));
  root.append(pageHeader([{ label: "Projects" }]), body);
  const load = async () => {
    try {
      const { projects } = await api.projects();
      if (projects.length === 0) {
        body.replaceChildren(
          h(
            "div",
            { class: "empty" },
            h("p", null, "No runs yet. Log one and it shows up here:"),
            h("pre", null, 'import runbase as wandb\nrun = wandb.init(project="my-project")\nrun.log({"loss": 0.5})\nrun.finish()'),
          ),
        );
        return;
      }
      const rows = projects.map((p) =>
        h(
          "tr",
          { dataset: { project: `${p.entity}/${p.project}` } },
          h("td", null, h("a", { href: projectUrl(p.entity, p.project), class: "project-link" }, p.project)),
          h("td", null, p.entity),
          h("td", { class: "num" }, String(p.run_count)),
          h("td", { title: fmtTime(p.last_activity) }, fmtAgo(p.last_activity)),
        ),
      );
      body.replaceChildren(
        h(
          "table",
          { class: "data-table projects-table" },
          h("thead", null, h("tr", null, h("th", null, "Project"), h("th", null, "Entity"), h("th", { class: "num" }, "Runs"), h("th", null, "Last activity"))),
          h("tbody", null, ...rows),
        ),
      );
    } catch (e) {
      body.replaceChildren(errorBox(e));
    }
  };
  void load();
  const poll = window.setInterval(() => !document.hidden && void load(), 5000);
  return () => window.clearInterval(poll);
}
