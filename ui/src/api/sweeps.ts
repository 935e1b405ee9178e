// The sweeps routes. Types come from the generated schema, so the compiler checks
// them against the server; the calls go through plain fetch (one small helper), which
// the page tests stub with the server's answers as fixture JSON.

import { authFetch } from "./auth";
import { ApiError } from "./client";
import type { Ok, Schemas } from "./types";

type S = "/api/v1/projects/{entity}/{project}/sweeps";

export type SweepList = Ok<S, "get">;
export type Sweep = Schemas["SweepOut"];
export type SweepDetail = Ok<`${S}/{sweep_id}`, "get">;
export type SweepParameter = SweepDetail["parameters"][number];
export type SweepState = Sweep["state"];
export type SweepAction = Schemas["SweepAction"]["action"];

/** Which buttons a sweep in a state offers (what the controller accepts). */
export function actionsFor(state: SweepState): SweepAction[] {
  if (state === "running" || state === "pending") return ["pause", "stop", "cancel"];
  if (state === "paused") return ["resume", "stop", "cancel"];
  return [];
}

const enc = encodeURIComponent;
const base = (e: string, p: string) => `/api/v1/projects/${enc(e)}/${enc(p)}/sweeps`;

async function call<T>(url: string, init: RequestInit = {}): Promise<T> {
  let res: Response;
  try {
    res = await authFetch(url, init);
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") throw e;
    throw new ApiError(0, `cannot reach the runbase server (${String(e)})`);
  }
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const d = body && typeof body === "object" && "detail" in body ? (body as { detail: unknown }).detail : null;
    throw new ApiError(
      res.status,
      typeof d === "string" ? d : d ? JSON.stringify(d) : `${res.status} ${res.statusText}`,
    );
  }
  return body as T;
}

export const sweepsApi = {
  list: (e: string, p: string, o: { signal?: AbortSignal } = {}) => call<SweepList>(base(e, p), o),
  get: (e: string, p: string, id: string, o: { signal?: AbortSignal } = {}) =>
    call<SweepDetail>(`${base(e, p)}/${enc(id)}`, o),
  setState: (e: string, p: string, id: string, action: SweepAction) =>
    call<Sweep>(`${base(e, p)}/${enc(id)}/state`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ action }),
    }),
};
