// The lineage graph (run → artifact version → run), drawn by React Flow with
// dagre's layout. Loaded on demand (React.lazy): React Flow stays out of the
// app's first chunk. A click on a node opens its run or version page.

import { Background, Controls, MarkerType, MiniMap, Position, ReactFlow, type Edge, type Node } from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { useMemo } from "react";
import { useNavigate } from "react-router";
import type { Lineage, LineageNode } from "../api/endpoints";
import { artifactsPath, runPath } from "../lib/paths";
import { layoutLineage, NODE_H, NODE_W } from "./lineageLayout";

function href(n: LineageNode): string {
  if (n.kind === "run") return runPath(n.entity, n.project, n.run_id ?? "");
  return artifactsPath(n.entity, n.project, n.name ?? "", `v${n.version}`);
}

function label(n: LineageNode) {
  return (
    <div className="lineage-label" title={`${n.entity}/${n.project}/${n.label}`}>
      <span className="lineage-kind">{n.kind === "run" ? "run" : n.type}</span>
      <span className="lineage-name">{n.label}</span>
    </div>
  );
}

export default function LineageGraph({ graph }: { graph: Lineage }) {
  const navigate = useNavigate();
  const { nodes, edges } = useMemo(() => {
    const placed = layoutLineage(graph);
    const nodes: Node[] = placed.nodes.map((p) => ({
      id: p.node.id,
      position: { x: p.x, y: p.y },
      data: { label: label(p.node), href: href(p.node) },
      className: `lineage-node lineage-${p.node.kind}${p.root ? " lineage-root" : ""}`,
      style: { width: NODE_W, height: NODE_H },
      sourcePosition: Position.Right,
      targetPosition: Position.Left,
      connectable: false,
    }));
    const edges: Edge[] = placed.edges.map((e) => ({ ...e, markerEnd: { type: MarkerType.ArrowClosed } }));
    return { nodes, edges };
  }, [graph]);
  return (
    <div className="lineage-graph" data-nodes={nodes.length}>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        fitView
        minZoom={0.05}
        nodesDraggable={false}
        nodesConnectable={false}
        onNodeClick={(_, n) => navigate(String(n.data.href))}
        proOptions={{ hideAttribution: true }}
      >
        <Background />
        <Controls showInteractive={false} />
        {nodes.length > 30 && <MiniMap pannable zoomable />}
      </ReactFlow>
    </div>
  );
}
