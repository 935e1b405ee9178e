// The signed-in user as a query every team component shares (key ["server"]),
// and the hook that sends a 401 to the login page and back.

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useLocation, useNavigate } from "react-router";
import { setUnauthorizedHandler } from "../api/auth";
import { teamApi, type ServerInfo } from "./api";

export const SERVER_KEY = ["server"] as const;

/** The server's kind and who is signed in (undefined while loading). */
export function useServer(): ServerInfo | undefined {
  return useQuery({ queryKey: SERVER_KEY, queryFn: teamApi.server, staleTime: Infinity }).data;
}

/** The login page's URL that comes back to ``path`` afterwards. */
export function loginPath(path: string): string {
  return path.startsWith("/login") ? "/login" : `/login?next=${encodeURIComponent(path)}`;
}

/** On a team server, any API call's 401 opens the login page (then comes back).
 * (`runbase ui` never answers 401, so the handler is armed everywhere.) */
export function useLoginOnUnauthorized(): void {
  const navigate = useNavigate();
  const location = useLocation();
  const qc = useQueryClient();
  const here = location.pathname + location.search;
  useEffect(() => {
    setUnauthorizedHandler(() => {
      // The session may have ended: ask again who this is.
      void qc.invalidateQueries({ queryKey: SERVER_KEY });
      if (!here.startsWith("/login")) navigate(loginPath(here), { replace: true });
    });
    return () => setUnauthorizedHandler(null);
  }, [here, navigate, qc]);
}
