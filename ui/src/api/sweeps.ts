// The sweeps routes (issue 14). Their types are written by hand here because the
// routes come from the sweeps backend, merged separately: once it is in, the
// generated schema (schema.gen.d.ts) has them, and these types should become
// `Ok<...>` aliases in endpoints.ts like every other route's (TODO after merge:
// regenerate with `make ui` and replace the interfaces below).

import { ApiError } from "./client";

export type SweepState = "running" | "paused" | "finished" | "stopped" | "canceled" | "pending";
export type SweepAction = "pause" | "resume" | "stop" | "cancel";

export interface Sweep {
  id: string;
  name: string | null;
  state: SweepState;
  method: "grid" | "random" | "bayes";
  metric: { name: string; goal: "minimize" | "maximize" } | null;
  run_count: number;
  run_cap: number | null;
  best_run: { id: string; name: string | null; value: number } | null;
  created_at: number;
  config: Record<string, unknown>;
}

export interface SweepParameter {
  /** Nested names flattened with dots: the runs' config keys. */
  name: string;
  kind: "float" | "int" | "categorical";
  values: unknown[] | null;
  min: number | null;
  max: number | null;
  log: boolean;
}

export interface SweepDetail extends Sweep {
  parameters: SweepParameter[];
  run_ids: string[];
}

export interface SweepList {
  sweeps: Sweep[];
}

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
    res = await fetch(url, init);
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
