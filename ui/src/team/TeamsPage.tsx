// /settings/teams: the teams the user is in, each with its members and roles;
// a team's admins (and server admins) add members, change roles and remove
// members; anyone signed in creates a team (and becomes its admin).

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import { ErrorBox, PageHeader } from "../common/PageHeader";
import { teamApi, type Member, type Role, type ServerInfo } from "./api";
import { SERVER_KEY, useServer } from "./session";
import { signInFirst, useHere } from "./SignInFirst";
import "./team.css";

const ROLES: Role[] = ["admin", "member", "viewer"];
const teamKey = (team: string) => ["team-members", team] as const;

function useMemberChange(team: string) {
  const qc = useQueryClient();
  return {
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: teamKey(team) });
      await qc.invalidateQueries({ queryKey: SERVER_KEY }); // one's own role may have changed
    },
  };
}

function MemberRow({ team, m, manage }: { team: string; m: Member; manage: boolean }) {
  const opts = useMemberChange(team);
  const change = useMutation({ mutationFn: (role: Role) => teamApi.setMember(team, m.user, role), ...opts });
  const remove = useMutation({ mutationFn: () => teamApi.removeMember(team, m.user), ...opts });
  const error = change.error ?? remove.error;
  return (
    <tr data-member={m.user}>
      <td>{m.user}</td>
      <td>
        {manage ? (
          <select
            aria-label={`Role of ${m.user}`}
            value={m.role}
            onChange={(e) => change.mutate(e.target.value as Role)}
          >
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        ) : (
          m.role
        )}
      </td>
      <td>
        {manage && (
          <button type="button" onClick={() => remove.mutate()} disabled={remove.isPending}>
            Remove
          </button>
        )}
        {error && <ErrorBox error={error} />}
      </td>
    </tr>
  );
}

function AddMember({ team }: { team: string }) {
  const [user, setUser] = useState("");
  const [role, setRole] = useState<Role>("member");
  const add = useMutation({ mutationFn: () => teamApi.setMember(team, user.trim(), role), ...useMemberChange(team) });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate(undefined, { onSuccess: () => setUser("") });
  };
  return (
    <form className="team-form inline" onSubmit={submit}>
      <label>
        User
        <input name="member-name" value={user} onChange={(e) => setUser(e.target.value)} required />
      </label>
      <label>
        Role
        <select name="member-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {ROLES.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={add.isPending}>
        Add member
      </button>
      {add.error && <ErrorBox error={add.error} />}
    </form>
  );
}

function TeamCard({ team, who }: { team: string; who: ServerInfo }) {
  const q = useQuery({ queryKey: teamKey(team), queryFn: () => teamApi.team(team) });
  const manage = who.scope === "write" && (who.admin || who.teams[team] === "admin");
  return (
    <section className="team-card" data-team={team}>
      <h2>
        {team}
        <span className="muted">your role: {who.teams[team] ?? "server admin"}</span>
      </h2>
      {q.error && <ErrorBox error={q.error} />}
      {q.data && (
        <table className="data-table members-table">
          <thead>
            <tr>
              <th>Member</th>
              <th>Role</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {q.data.members.map((m) => (
              <MemberRow key={m.user} team={team} m={m} manage={manage} />
            ))}
          </tbody>
        </table>
      )}
      {manage && <AddMember team={team} />}
    </section>
  );
}

function NewTeam() {
  const qc = useQueryClient();
  const [name, setName] = useState("");
  const create = useMutation({
    mutationFn: () => teamApi.createTeam(name.trim()),
    onSuccess: async () => {
      setName("");
      await qc.invalidateQueries({ queryKey: SERVER_KEY });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <form className="team-form inline" onSubmit={submit}>
      <label>
        New team
        <input name="team-name" value={name} onChange={(e) => setName(e.target.value)} required />
      </label>
      <button type="submit" className="primary" disabled={create.isPending}>
        Create team
      </button>
      {create.error && <ErrorBox error={create.error} />}
    </form>
  );
}

export function TeamsPage() {
  const who = useServer();
  const here = useHere();
  useEffect(() => {
    document.title = "Teams · runbase";
  }, []);
  const gate = signInFirst(who, "Teams", here);
  if (gate) return gate;
  const teams = Object.keys(who!.teams).sort();
  return (
    <div className="team-page teams-page">
      <PageHeader crumbs={[{ label: who!.user! }, { label: "Teams" }]} />
      <p className="muted">
        A team's projects are under its name. Admins manage members; members log and edit runs; viewers read.
      </p>
      <NewTeam />
      {teams.length === 0 && <p className="muted">You are in no team yet.</p>}
      {teams.map((t) => (
        <TeamCard key={t} team={t} who={who!} />
      ))}
    </div>
  );
}
