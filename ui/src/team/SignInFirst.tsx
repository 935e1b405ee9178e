// What an account page shows when it cannot be used: a local `runbase ui`, or
// nobody signed in (with the link that comes back here after logging in).

import { Link, useLocation } from "react-router";
import { PageHeader } from "../common/PageHeader";
import type { ServerInfo } from "./api";
import { loginPath } from "./session";

/** null when ``who`` is a signed-in user of a team server, else the page to show instead. */
export function signInFirst(who: ServerInfo | undefined, title: string, path: string) {
  if (!who) return <div className="loading">Loading…</div>;
  if (!who.team)
    return (
      <div className="team-page">
        <PageHeader crumbs={[{ label: title }]} />
        <p className="muted">This runbase (`runbase ui`) has no accounts; the team server (`runbase server`) has.</p>
      </div>
    );
  if (!who.user)
    return (
      <div className="team-page">
        <PageHeader crumbs={[{ label: title }]} />
        <p>
          <Link to={loginPath(path)}>Log in</Link> to see this page.
        </p>
      </div>
    );
  return null;
}

export function useHere(): string {
  const l = useLocation();
  return l.pathname + l.search;
}
