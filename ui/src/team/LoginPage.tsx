// /login: name and password → a session (cookies); then back to where the user
// was sent from (?next=). Errors are the server's words, the lock-out after
// too many failures included. When the server has an OpenID Connect provider,
// "Sign in with NAME" goes there instead (a full page load: the server's route
// redirects to the provider), and a refused sign-in comes back as ?sso_error=.

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import { useNavigate, useSearchParams } from "react-router";
import { ApiError } from "../api/client";
import { ErrorBox, PageHeader } from "../common/PageHeader";
import { teamApi } from "./api";
import { useServer } from "./session";
import "./team.css";

/** Only a path of this app: never another site (an open redirect). */
function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/login") ? next : "/";
}

function LoginError({ error }: { error: unknown }) {
  if (!(error instanceof ApiError) || (error.status !== 401 && error.status !== 429)) return <ErrorBox error={error} />;
  return (
    <div className="error-box" role="alert">
      <strong>{error.status === 429 ? "Locked out for now" : "Not logged in"}</strong>
      <div className="error-msg">{error.message}</div>
    </div>
  );
}

export function LoginPage() {
  const who = useServer();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const oidc = useQuery({ queryKey: ["oidc"], queryFn: teamApi.oidc, enabled: !!who?.team, staleTime: Infinity }).data;
  const ssoError = params.get("sso_error");
  useEffect(() => {
    document.title = "Log in · runbase";
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await teamApi.login(name, password);
      // What was fetched as someone else (or no one) is not this user's view.
      await qc.resetQueries();
      navigate(safeNext(params.get("next")), { replace: true });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  if (who && !who.team)
    return (
      <div className="team-page">
        <PageHeader crumbs={[{ label: "Log in" }]} />
        <p className="muted">This runbase (`runbase ui`) has no accounts: there is nothing to log in to.</p>
      </div>
    );
  return (
    <div className="team-page login-page">
      <PageHeader crumbs={[{ label: "Log in" }]} />
      {who?.user && <p className="muted">You are signed in as {who.user}.</p>}
      {ssoError && (
        <div className="error-box" role="alert">
          <strong>Not signed in</strong>
          <div className="error-msg">{ssoError}</div>
        </div>
      )}
      {oidc && (
        <div className="sso-login">
          <a
            className="button primary"
            href={`${oidc.login_url}?next=${encodeURIComponent(safeNext(params.get("next")))}`}
          >
            Sign in with {oidc.name}
          </a>
          <p className="muted">or with a user name and password:</p>
        </div>
      )}
      <form className="team-form login-form" onSubmit={submit}>
        <label>
          User name
          <input name="name" autoComplete="username" value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        <button type="submit" className="primary" disabled={busy}>
          Log in
        </button>
      </form>
      {error !== null && <LoginError error={error} />}
      <p className="muted">
        {oidc
          ? `No account? Signing in with ${oidc.name} makes one.`
          : "No account? A server admin creates one (see the server's docs)."}
      </p>
    </div>
  );
}
