// The header's right-hand side on a team server: "Log in", or the signed-in
// user's menu (API keys, teams, the admin page for server admins, this project's
// settings, log out). On a local
// `runbase ui` it renders nothing. It also arms the 401 → login redirect.

import { useRef } from "react";
import { Link, useLocation, useParams } from "react-router";
import { projectPath } from "../lib/paths";
import { teamApi } from "./api";
import { loginPath, useLoginOnUnauthorized, useServer } from "./session";
import "./team.css";

export function UserMenu() {
  useLoginOnUnauthorized();
  const who = useServer();
  const location = useLocation();
  const { entity, project } = useParams();
  const menu = useRef<HTMLDetailsElement>(null);
  if (!who?.team) return null;
  if (!who.user)
    return location.pathname === "/login" ? null : (
      <Link className="user-menu login-link" to={loginPath(location.pathname + location.search)}>
        Log in
      </Link>
    );
  const close = () => menu.current?.removeAttribute("open");
  const logout = async () => {
    close();
    await teamApi.logout().catch(() => null);
    // A fresh load of the projects page: nothing fetched while signed in survives,
    // and no query of the page left behind asks again (and gets a 401).
    window.location.assign("/");
  };
  return (
    <details className="user-menu" ref={menu}>
      <summary aria-label="User menu">
        <span className="avatar">{who.user.slice(0, 1).toUpperCase()}</span>
        <span className="user-name">{who.user}</span>
      </summary>
      <div className="menu" onClick={close}>
        <div className="menu-head muted">Signed in as {who.user}</div>
        <Link to="/settings/keys">API keys</Link>
        <Link to="/settings/teams">Teams</Link>
        {who.admin && <Link to="/settings/admin">Admin</Link>}
        {entity && project && <Link to={`${projectPath(entity, project)}/settings`}>Project settings</Link>}
        <button type="button" onClick={() => void logout()}>
          Log out
        </button>
      </div>
    </details>
  );
}
