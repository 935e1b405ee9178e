// /settings/admin: for server admins, every team with its members and every user
// with their teams (GET /api/v1/admin/overview). Others are told it is not theirs.

import { useQuery } from "@tanstack/react-query";
import { useEffect } from "react";
import { ErrorBox, PageHeader } from "../common/PageHeader";
import { teamApi } from "./api";
import { useServer } from "./session";
import { signInFirst, useHere } from "./SignInFirst";
import "./team.css";

const day = (t: number) => new Date(t * 1000).toLocaleDateString();

function Overview() {
  const q = useQuery({ queryKey: ["admin-overview"], queryFn: () => teamApi.adminOverview() });
  if (q.error) return <ErrorBox error={q.error} />;
  if (!q.data) return <div className="loading">Loading…</div>;
  const { users, teams } = q.data;
  return (
    <>
      <section className="team-card admin-teams">
        <h2>
          Teams <span className="muted">{teams.length}</span>
        </h2>
        <table className="data-table">
          <thead>
            <tr>
              <th>Team</th>
              <th>Members</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {teams.map((t) => (
              <tr key={t.name} data-admin-team={t.name}>
                <td>{t.name}</td>
                <td>{t.members.map((m) => `${m.user} (${m.role})`).join(", ") || "—"}</td>
                <td>{day(t.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="team-card admin-users">
        <h2>
          Users <span className="muted">{users.length}</span>
        </h2>
        <table className="data-table">
          <thead>
            <tr>
              <th>User</th>
              <th>Server admin</th>
              <th>Teams</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.name} data-admin-user={u.name}>
                <td>{u.name}</td>
                <td>{u.admin ? "yes" : "no"}</td>
                <td>
                  {Object.entries(u.teams)
                    .map(([t, r]) => `${t} (${r})`)
                    .join(", ") || "—"}
                </td>
                <td>{day(u.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}

export function AdminPage() {
  const who = useServer();
  const here = useHere();
  useEffect(() => {
    document.title = "Admin · runbase";
  }, []);
  const gate = signInFirst(who, "Admin", here);
  if (gate) return gate;
  return (
    <div className="team-page admin-page">
      <PageHeader crumbs={[{ label: who!.user! }, { label: "Admin" }]} />
      {who!.admin ? <Overview /> : <p className="muted">Only a server admin sees every user and team.</p>}
    </div>
  );
}
