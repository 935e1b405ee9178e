import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import type { Changes } from "../api/types";
import { affects, applyChanges } from "./changeFeed";
import { keys } from "./keys";

const none: Changes = { cursor: 1, reset: false, projects: [], runs: [], artifacts: [] };
const q = { filters: undefined, search: undefined, order: "-created_at" };
const series = (runs: string[]) => keys.series("e", "p", { key: "loss", runs, x: "_step", buckets: 1000 });

describe("which queries a change makes stale", () => {
  it("a run's change: its run page and the series drawing it, nothing else", () => {
    const c: Changes = { ...none, runs: [{ entity: "e", project: "p", id: "r1" }] };
    expect(affects(c, keys.runInfo("e", "p", "r1"))).toBe(true);
    expect(affects(c, keys.logs("e", "p", "r1", ""))).toBe(true);
    expect(affects(c, series(["r0", "r1"]))).toBe(true);
    expect(affects(c, series(["r0", "r2"]))).toBe(false);
    expect(affects(c, keys.runInfo("e", "p", "r2"))).toBe(false);
    expect(affects(c, keys.runInfo("e", "other", "r1"))).toBe(false);
    expect(affects(c, keys.runsPage("e", "p", q, 0))).toBe(false);
  });

  it("a project's change: its table, groups and columns, and the project list", () => {
    const c: Changes = { ...none, projects: [{ entity: "e", project: "p", all_runs: false }] };
    expect(affects(c, keys.runsPage("e", "p", q, 3))).toBe(true);
    expect(affects(c, keys.columns("e", "p"))).toBe(true);
    expect(affects(c, keys.projects())).toBe(true);
    expect(affects(c, keys.runsPage("e", "q", q, 0))).toBe(false);
    expect(affects(c, keys.runInfo("e", "p", "r1"))).toBe(false);
    expect(affects(c, series(["r1"]))).toBe(false);
  });

  it("a project's artifacts: its artifact pages and its runs' artifacts and lineage only", () => {
    const c: Changes = { ...none, artifacts: [{ entity: "e", project: "p" }] };
    expect(affects(c, keys.artifacts("e", "p"))).toBe(true);
    expect(affects(c, keys.artifactVersions("e", "p", "model"))).toBe(true);
    expect(affects(c, keys.artifactVersion("e", "p", "model", "latest"))).toBe(true);
    expect(affects(c, keys.artifactLineage("e", "p", "model", "v1", 3))).toBe(true);
    expect(affects(c, keys.runArtifacts("e", "p", "r1"))).toBe(true);
    expect(affects(c, keys.runLineage("e", "p", "r1", 3))).toBe(true);
    expect(affects(c, keys.artifacts("e", "other"))).toBe(false);
    expect(affects(c, keys.runsPage("e", "p", q, 0))).toBe(false);
    expect(affects(c, keys.runInfo("e", "p", "r1"))).toBe(false);
  });

  it("media: the queries of the changed runs", () => {
    const c: Changes = { ...none, runs: [{ entity: "e", project: "p", id: "r1" }] };
    expect(affects(c, keys.mediaKeys("e", "p", ["r1", "r2"]))).toBe(true);
    expect(affects(c, keys.mediaAt("e", "p", "img", ["r2"], 5))).toBe(false);
    // A media key without a run list never throws (it would stop the feed): it is stale.
    expect(affects(c, ["media", "e", "p", "odd", { runs: 1 }])).toBe(true);
  });

  it("too many runs to list: every run query of that project", () => {
    const c: Changes = { ...none, projects: [{ entity: "e", project: "p", all_runs: true }] };
    expect(affects(c, keys.runInfo("e", "p", "r9"))).toBe(true);
    expect(affects(c, series(["r9"]))).toBe(true);
    expect(affects(c, keys.runInfo("e", "x", "r9"))).toBe(false);
  });

  it("a reset: everything", () => {
    expect(affects({ ...none, reset: true }, keys.runInfo("a", "b", "c"))).toBe(true);
  });
});

describe("applying changes to the cache", () => {
  it("invalidates only the affected queries", async () => {
    const qc = new QueryClient();
    qc.setQueryData(keys.runInfo("e", "p", "r1"), { id: "r1" });
    qc.setQueryData(keys.runInfo("e", "p", "r2"), { id: "r2" });
    qc.setQueryData(series(["r1", "r2"]), []);
    await applyChanges(qc, { ...none, runs: [{ entity: "e", project: "p", id: "r1" }] });
    const stale = (k: readonly unknown[]) => qc.getQueryState(k)?.isInvalidated;
    expect(stale(keys.runInfo("e", "p", "r1"))).toBe(true);
    expect(stale(series(["r1", "r2"]))).toBe(true);
    expect(stale(keys.runInfo("e", "p", "r2"))).toBe(false);
  });
});
