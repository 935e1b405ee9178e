import { describe, expect, it } from "vitest";
import type { Lineage, LineageNode } from "../api/endpoints";
import { layoutLineage, NODE_W } from "./lineageLayout";

function node(id: string, kind: "run" | "artifact"): LineageNode {
  return {
    id,
    kind,
    label: id,
    entity: "e",
    project: "p",
    run_id: kind === "run" ? id : null,
    state: null,
    name: kind === "artifact" ? id : null,
    version: kind === "artifact" ? 0 : null,
    type: kind === "artifact" ? "dataset" : null,
  };
}

describe("layoutLineage", () => {
  it("puts producers left of what they made and consumers right of it", () => {
    const g: Lineage = {
      root: "data",
      nodes: [
        node("eval", "run"),
        node("data", "artifact"),
        node("prep", "run"),
        node("model", "artifact"),
        node("train", "run"),
      ],
      edges: [
        { source: "prep", target: "data" },
        { source: "data", target: "train" },
        { source: "train", target: "model" },
        { source: "model", target: "eval" },
      ],
      truncated: false,
    };
    const out = layoutLineage(g);
    const x = Object.fromEntries(out.nodes.map((n) => [n.node.id, n.x]));
    expect(x.prep).toBeLessThan(x.data);
    expect(x.data).toBeLessThan(x.train);
    expect(x.train).toBeLessThan(x.model);
    expect(x.model).toBeLessThan(x.eval);
    expect(out.nodes.find((n) => n.root)?.node.id).toBe("data");
    expect(out.edges).toHaveLength(4);
  });

  it("lays out 200 nodes without overlaps and drops edges to unknown nodes", () => {
    const nodes = [node("train", "run")];
    const edges = [{ source: "ghost", target: "train" }];
    for (let i = 0; i < 199; i++) {
      nodes.push(node(`ckpt${i}`, "artifact"));
      edges.push({ source: "train", target: `ckpt${i}` });
    }
    const out = layoutLineage({ root: "train", nodes, edges, truncated: true });
    expect(out.nodes).toHaveLength(200);
    expect(out.edges).toHaveLength(199);
    const spots = new Set(out.nodes.map((n) => `${Math.round(n.x)},${Math.round(n.y)}`));
    expect(spots.size).toBe(200);
    expect(out.width).toBeGreaterThan(NODE_W * 2);
  });
});
