// /:entity/:project/settings: who can see the project. Public projects are
// read-only to everyone, signed in or not; private ones only to their entity.
// Its owner, the admins of its team and server admins may change that.

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useParams } from "react-router";
import { ErrorBox, PageHeader } from "../common/PageHeader";
import { projectPath } from "../lib/paths";
import { mayManage, teamApi, type Visibility } from "./api";
import { visibilityKey } from "./Privacy";
import { useServer } from "./session";
import "./team.css";

export function ProjectSettings() {
  const { entity = "", project = "" } = useParams();
  const who = useServer();
  const qc = useQueryClient();
  const key = visibilityKey(entity, project);
  const q = useQuery({ queryKey: key, queryFn: () => teamApi.visibility(entity, project), enabled: !!who?.team });
  const set = useMutation({
    mutationFn: (v: Visibility) => teamApi.setVisibility(entity, project, v),
    onSuccess: (r) => {
      qc.setQueryData(key, r);
      // The project list of others (and of no one) changes with it.
      void qc.invalidateQueries({ queryKey: ["projects"] });
    },
  });
  useEffect(() => {
    document.title = `Settings · ${project} · runbase`;
  }, [project]);
  const crumbs = [{ label: entity }, { label: project, href: projectPath(entity, project) }, { label: "Settings" }];
  let body;
  if (!who) body = <div className="loading">Loading…</div>;
  else if (!who.team)
    body = <p className="muted">The projects of a local runbase (`runbase ui`) are private to this machine.</p>;
  else if (q.error) body = <ErrorBox error={q.error} />;
  else if (!q.data) body = <div className="loading">Loading…</div>;
  else {
    const current = q.data.visibility;
    const other: Visibility = current === "public" ? "private" : "public";
    body = (
      <section className="team-card">
        <h2>Visibility</h2>
        <p data-field="visibility">
          This project is <strong>{current === "public" ? "Public" : "Private"}</strong>:{" "}
          {current === "public"
            ? "anyone who can reach this server may read its runs (not change them)."
            : `only ${entity} (and its team's members) may see it.`}
        </p>
        {mayManage(who, entity) ? (
          <button type="button" className="primary" onClick={() => set.mutate(other)} disabled={set.isPending}>
            {other === "public" ? "Make public" : "Make private"}
          </button>
        ) : (
          <p className="muted">Only {entity} or an admin of the team may change this.</p>
        )}
        {set.error && <ErrorBox error={set.error} />}
      </section>
    );
  }
  return (
    <div className="team-page settings-page">
      <PageHeader crumbs={crumbs} />
      {body}
    </div>
  );
}
