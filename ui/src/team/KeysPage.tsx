// /settings/keys: the signed-in user's API keys. A new key is shown once, with
// a copy button; the list has names, scopes, created and last-used times, and
// a revoke button.

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import { ErrorBox, PageHeader } from "../common/PageHeader";
import { fmtAgo, fmtTime } from "../lib/format";
import { teamApi, type ApiKey, type Scope } from "./api";
import { useServer } from "./session";
import { signInFirst, useHere } from "./SignInFirst";
import "./team.css";

const KEYS = ["team-keys"] as const;

function NewKey({ onKey }: { onKey: (key: string) => void }) {
  const qc = useQueryClient();
  const [name, setName] = useState("");
  const [scope, setScope] = useState<Scope>("write");
  const create = useMutation({
    mutationFn: () => teamApi.createKey(name, scope),
    onSuccess: (r) => {
      onKey(r.key);
      setName("");
      void qc.invalidateQueries({ queryKey: KEYS });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <form className="team-form inline" onSubmit={submit}>
      <label>
        Name
        <input name="key-name" value={name} placeholder="laptop, CI…" onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        Scope
        <select name="key-scope" value={scope} onChange={(e) => setScope(e.target.value as Scope)}>
          <option value="write">write (log runs, edit)</option>
          <option value="read">read only</option>
        </select>
      </label>
      <button type="submit" className="primary" disabled={create.isPending}>
        Create key
      </button>
      {create.error && <ErrorBox error={create.error} />}
    </form>
  );
}

function ShownOnce({ secret }: { secret: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    await navigator.clipboard.writeText(secret);
    setCopied(true);
  };
  return (
    <div className="new-key" role="status">
      <strong>Copy this key now: it is not shown again.</strong>
      <div className="new-key-row">
        <code className="new-key-value">{secret}</code>
        <button type="button" onClick={() => void copy()}>
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
      <div className="muted">
        Use it as <code>RUNBASE_API_KEY</code> (with <code>RUNBASE_BASE_URL</code> set to this server) or with{" "}
        <code>runbase login</code>.
      </div>
    </div>
  );
}

function KeyRow({ k }: { k: ApiKey }) {
  const qc = useQueryClient();
  const revoke = useMutation({
    mutationFn: () => teamApi.revokeKey(k.id),
    onSuccess: () => void qc.invalidateQueries({ queryKey: KEYS }),
  });
  return (
    <tr className={k.revoked_at ? "revoked" : undefined}>
      <td>{k.name || <span className="muted">(no name)</span>}</td>
      <td>
        <code>{k.prefix}…</code>
      </td>
      <td>{k.scope}</td>
      <td title={fmtTime(k.created_at)}>{fmtAgo(k.created_at)}</td>
      <td title={fmtTime(k.last_used_at)}>
        {k.last_used_at ? fmtAgo(k.last_used_at) : <span className="muted">never</span>}
      </td>
      <td>
        {k.revoked_at ? (
          <span className="muted">revoked {fmtAgo(k.revoked_at)}</span>
        ) : (
          <button type="button" onClick={() => revoke.mutate()} disabled={revoke.isPending}>
            Revoke
          </button>
        )}
        {revoke.error && <ErrorBox error={revoke.error} />}
      </td>
    </tr>
  );
}

export function KeysPage() {
  const who = useServer();
  const here = useHere();
  const [secret, setSecret] = useState<string | null>(null);
  const q = useQuery({ queryKey: KEYS, queryFn: teamApi.keys, enabled: !!who?.user });
  useEffect(() => {
    document.title = "API keys · runbase";
  }, []);
  const gate = signInFirst(who, "API keys", here);
  if (gate) return gate;
  return (
    <div className="team-page keys-page">
      <PageHeader crumbs={[{ label: who!.user! }, { label: "API keys" }]} />
      <p className="muted">Scripts and the SDK send an API key; each can be revoked on its own.</p>
      <NewKey onKey={setSecret} />
      {secret && <ShownOnce secret={secret} />}
      {q.error && <ErrorBox error={q.error} />}
      {q.data && (
        <table className="data-table keys-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Key</th>
              <th>Scope</th>
              <th>Created</th>
              <th>Last used</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {q.data.keys.map((k) => (
              <KeyRow key={k.id} k={k} />
            ))}
          </tbody>
        </table>
      )}
      {q.data?.keys.length === 0 && <p className="muted">No API keys yet.</p>}
    </div>
  );
}
