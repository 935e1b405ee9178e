// One sweep's workspace: the project workspace limited to the sweep's runs
// (filter "sweep" = its id), with the parameter analysis open on the sweep's
// parameters and metric, and the sweep's state and buttons under the header.

import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { sweepsApi, type SweepDetail } from "../api/sweeps";
import { ErrorBox, PageHeader } from "../common/PageHeader";
import { StateBadge } from "../common/StateBadge";
import { projectPath, sweepsPath } from "../lib/paths";
import { WorkspacePage, type WorkspaceScope } from "../workspace/WorkspacePage";
import { SweepActions, sweepKeys } from "./SweepActions";
import { countText, metricText } from "./SweepsPage";

function Banner({ entity, project, s }: { entity: string; project: string; s: SweepDetail }) {
  return (
    <div className="sweep-banner toolbar" data-sweep-id={s.id} data-state={s.state}>
      <StateBadge state={s.state} />
      <span>
        <span className="muted">method</span> {s.method}
      </span>
      <span>
        <span className="muted">metric</span> {metricText(s)}
      </span>
      <span>
        <span className="muted">runs</span> {countText(s)}
      </span>
      <SweepActions entity={entity} project={project} sweep={s} />
    </div>
  );
}

export function SweepWorkspace({ entity, project, sweepId }: { entity: string; project: string; sweepId: string }) {
  const q = useQuery({
    queryKey: sweepKeys.one(entity, project, sweepId),
    queryFn: ({ signal }) => sweepsApi.get(entity, project, sweepId, { signal }),
  });
  const s = q.data;
  const scope = useMemo((): WorkspaceScope | null => {
    if (!s) return null;
    return {
      filter: { sweep: { $eq: s.id } },
      crumbs: [
        { label: entity },
        { label: project, href: projectPath(entity, project) },
        { label: "Sweeps", href: sweepsPath(entity, project) },
        { label: s.name ?? s.id },
      ],
      nav: "sweeps",
      banner: <Banner entity={entity} project={project} s={s} />,
      analysis: {
        metric: s.metric?.name,
        goal: s.metric?.goal,
        params: s.parameters.map((p) => ({ name: p.name, log: p.log, min: p.min, max: p.max })),
      },
    };
  }, [s, entity, project]);
  if (!scope)
    return (
      <>
        <PageHeader
          crumbs={[{ label: entity }, { label: project, href: projectPath(entity, project) }, { label: sweepId }]}
        />
        {q.error ? <ErrorBox error={q.error} /> : <p className="muted">loading…</p>}
      </>
    );
  return <WorkspacePage entity={entity} project={project} scope={scope} />;
}
