// The team server's account routes (server/team/routes.py, webapp.py). They are
// not in the local app's OpenAPI schema the other types come from, so their
// shapes are written here; calls go through authFetch (CSRF token, 401 watch).

import { authFetch } from "../api/auth";
import { ApiError } from "../api/client";

export type Role = "admin" | "member" | "viewer";
export type Scope = "read" | "write";

/** What GET /api/v1/server answers; ``team: false`` stands for `runbase ui` (a 404). */
export interface ServerInfo {
  team: boolean;
  user: string | null;
  admin: boolean;
  scope: Scope;
  teams: Record<string, Role>;
}

export interface ApiKey {
  id: number;
  prefix: string;
  name: string;
  scope: Scope;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface Member {
  user: string;
  role: Role;
}

export type Visibility = "private" | "public";

/** The OpenID Connect provider the login page offers (GET /api/v1/auth/oidc). */
export interface OidcInfo {
  name: string;
  login_url: string;
}

const LOCAL: ServerInfo = { team: false, user: null, admin: false, scope: "write", teams: {} };
const enc = encodeURIComponent;

async function call<T>(url: string, method = "GET", body?: unknown): Promise<T> {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { "content-type": "application/json" };
  }
  let res: Response;
  try {
    res = await authFetch(url, init);
  } catch (e) {
    throw new ApiError(0, `cannot reach the runbase server (${String(e)})`);
  }
  const data: unknown = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) {
    const d = data && typeof data === "object" && "detail" in data ? (data as { detail: unknown }).detail : null;
    throw new ApiError(res.status, typeof d === "string" ? d : `${res.status} ${res.statusText}`);
  }
  return data as T;
}

export const teamApi = {
  /** The server's kind and the caller; a local `runbase ui` has no such route. */
  server: async (): Promise<ServerInfo> => {
    try {
      return await call<ServerInfo>("/api/v1/server");
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return LOCAL;
      throw e;
    }
  },
  /** The server's OpenID Connect provider; null when it has none (a 404). */
  oidc: async (): Promise<OidcInfo | null> => {
    try {
      return await call<OidcInfo>("/api/v1/auth/oidc");
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    }
  },
  login: (name: string, password: string) => call<{ user: string }>("/api/v1/auth/login", "POST", { name, password }),
  logout: () => call<null>("/api/v1/auth/logout", "POST"),
  keys: () => call<{ keys: ApiKey[] }>("/api/v1/keys"),
  createKey: (name: string, scope: Scope) =>
    call<{ id: number; key: string; scope: Scope }>("/api/v1/keys", "POST", { name, scope }),
  revokeKey: (id: number) => call<null>(`/api/v1/keys/${id}`, "DELETE"),
  createTeam: (name: string) => call<{ team: string }>("/api/v1/teams", "POST", { name }),
  team: (team: string) => call<{ team: string; members: Member[] }>(`/api/v1/teams/${enc(team)}`),
  setMember: (team: string, user: string, role: Role) =>
    call<Member>(`/api/v1/teams/${enc(team)}/members/${enc(user)}`, "PUT", { role }),
  removeMember: (team: string, user: string) => call<null>(`/api/v1/teams/${enc(team)}/members/${enc(user)}`, "DELETE"),
  visibility: (e: string, p: string) =>
    call<{ visibility: Visibility }>(`/api/v1/projects/${enc(e)}/${enc(p)}/visibility`),
  setVisibility: (e: string, p: string, visibility: Visibility) =>
    call<{ visibility: Visibility }>(`/api/v1/projects/${enc(e)}/${enc(p)}/visibility`, "PUT", { visibility }),
};

/** Whether ``who`` may make ``entity``'s projects public or private (access.py's rule). */
export function mayManage(who: ServerInfo, entity: string): boolean {
  if (!who.user || who.scope !== "write") return false;
  return who.admin || who.user === entity || who.teams[entity] === "admin";
}
