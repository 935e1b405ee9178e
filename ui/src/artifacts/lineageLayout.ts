// Where each node of a lineage graph goes: dagre ranks runs and artifact versions
// left to right (producer before product before consumer), so a 200-node graph
// reads as columns instead of a hairball. Pure: tested without a browser.

import { Graph, layout } from "@dagrejs/dagre";
import type { Lineage, LineageNode } from "../api/endpoints";

export const NODE_W = 180;
export const NODE_H = 44;

export interface Placed {
  node: LineageNode;
  x: number;
  y: number;
  root: boolean;
}

export interface Layout {
  nodes: Placed[];
  edges: { id: string; source: string; target: string }[];
  width: number;
  height: number;
}

/** Positions (top-left corners) for every node; edges keep the server's direction. */
export function layoutLineage(g: Lineage): Layout {
  const graph = new Graph();
  graph.setGraph({ rankdir: "LR", nodesep: 16, ranksep: 70, marginx: 10, marginy: 10 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const n of g.nodes) graph.setNode(n.id, { width: NODE_W, height: NODE_H });
  const known = new Set(g.nodes.map((n) => n.id));
  const edges = g.edges.filter((e) => known.has(e.source) && known.has(e.target));
  for (const e of edges) graph.setEdge(e.source, e.target);
  layout(graph);
  const nodes = g.nodes.map((node) => {
    const p = graph.node(node.id);
    return { node, x: p.x - NODE_W / 2, y: p.y - NODE_H / 2, root: node.id === g.root };
  });
  const { width = 0, height = 0 } = graph.graph();
  return { nodes, edges: edges.map((e) => ({ id: `${e.source}->${e.target}`, ...e })), width, height };
}
