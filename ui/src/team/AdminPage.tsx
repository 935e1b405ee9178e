// /settings/admin: for server admins, every team with its members and every user
// with their teams (GET /api/v1/admin/overview). Others are told it is not theirs.

import { useQuery } from "@tanstack/react-query";
import { useEffect, type ReactNode } from "react";
import { ErrorBox, PageHeader } from "../common/PageHeader";
import { teamApi } from "./api";
import { useServer } from "./session";
import { signInFirst, useHere } from "./SignInFirst";
import "./team.css";

const day = (t: number) => new Date(t * 1000).toLocaleDateString();

interface Column<T> {
  head: string;
  cell: (row: T) => ReactNode;
}

/** One card of the overview: a row per team or user, its name first and when it was made last. */
function AdminTable<T extends { name: string; created_at: number }>({
  noun,
  rows,
  columns,
}: {
  noun: "Team" | "User";
  rows: T[];
  columns: Column<T>[];
}) {
  const kind = noun.toLowerCase();
  const all: Column<T>[] = [
    { head: noun, cell: (r) => r.name },
    ...columns,
    { head: "Created", cell: (r) => day(r.created_at) },
  ];
  return (
    <section className={`team-card admin-${kind}s`}>
      <h2>
        {noun}s <span className="muted">{rows.length}</span>
      </h2>
      <table className="data-table">
        <thead>
          <tr>
            {all.map((c) => (
              <th key={c.head}>{c.head}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.name} {...{ [`data-admin-${kind}`]: r.name }}>
              {all.map((c) => (
                <td key={c.head}>{c.cell(r)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Overview() {
  const q = useQuery({ queryKey: ["admin-overview"], queryFn: () => teamApi.adminOverview() });
  if (q.error) return <ErrorBox error={q.error} />;
  if (!q.data) return <div className="loading">Loading…</div>;
  const { users, teams } = q.data;
  return (
    <>
      <AdminTable
        noun="Team"
        rows={teams}
        columns={[{ head: "Members", cell: (t) => t.members.map((m) => `${m.user} (${m.role})`).join(", ") || "—" }]}
      />
      <AdminTable
        noun="User"
        rows={users}
        columns={[
          { head: "Server admin", cell: (u) => (u.admin ? "yes" : "no") },
          {
            head: "Teams",
            cell: (u) =>
              Object.entries(u.teams)
                .map(([t, r]) => `${t} (${r})`)
                .join(", ") || "—",
          },
        ]}
      />
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
