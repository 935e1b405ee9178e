// The run overview's Privacy field: the project's visibility on a team server.

import { useQuery } from "@tanstack/react-query";
import { teamApi } from "./api";
import { useServer } from "./session";

export function visibilityKey(entity: string, project: string) {
  return ["team-visibility", entity, project] as const;
}

export function Privacy({ entity, project }: { entity: string; project: string }) {
  const who = useServer();
  const q = useQuery({
    queryKey: visibilityKey(entity, project),
    queryFn: () => teamApi.visibility(entity, project),
    enabled: !!who?.team,
  });
  if (!who?.team) return <>Private (local store)</>;
  if (!q.data) return <span className="muted">…</span>;
  return <>{q.data.visibility === "public" ? "Public" : "Private"}</>;
}
