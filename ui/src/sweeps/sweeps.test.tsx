// @vitest-environment jsdom
// The sweeps fetch layer and page against the sweeps routes' contract, with the
// server's answers as fixture JSON (the routes come with the sweeps backend).
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, waitFor } from "@testing-library/react";
import { createMemoryRouter, RouterProvider } from "react-router";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/client";
import { actionsFor, sweepsApi, type Sweep, type SweepDetail } from "../api/sweeps";
import { SweepsPage } from "./SweepsPage";

const running: Sweep = {
  id: "sw1",
  name: "lr search",
  state: "running",
  method: "bayes",
  metric: { name: "val/loss", goal: "minimize" },
  run_count: 7,
  run_cap: 20,
  best_run: { id: "r3", name: "bright-3", value: 0.125 },
  created_at: 1_700_000_000,
  config: { method: "bayes" },
};
const done: Sweep = {
  ...running,
  id: "sw2",
  name: null,
  state: "finished",
  method: "grid",
  run_cap: null,
  best_run: null,
  metric: null,
};
const detail: SweepDetail = {
  ...running,
  parameters: [
    { name: "lr", kind: "float", values: null, min: 1e-4, max: 0.1, log: true },
    { name: "model.depth", kind: "int", values: [2, 4], min: null, max: null, log: false },
  ],
  run_ids: ["r1", "r2", "r3"],
};

type Call = { url: string; method: string; body: unknown };
let calls: Call[] = [];
let answers: Record<string, [number, unknown]> = {};

beforeEach(() => {
  calls = [];
  answers = {};
  vi.stubGlobal("fetch", async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? "GET";
    calls.push({ url, method, body: init.body ? JSON.parse(String(init.body)) : null });
    const [status, body] = answers[`${method} ${url}`] ?? [404, { detail: "Not Found" }];
    return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  });
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const BASE = "/api/v1/projects/my%20team/p/sweeps";

describe("the sweeps fetch layer", () => {
  it("reads the list and one sweep with its parameters", async () => {
    answers[`GET ${BASE}`] = [200, { sweeps: [running, done] }];
    answers[`GET ${BASE}/sw1`] = [200, detail];
    expect((await sweepsApi.list("my team", "p")).sweeps.map((s) => s.id)).toEqual(["sw1", "sw2"]);
    const d = await sweepsApi.get("my team", "p", "sw1");
    expect(d.parameters[0]).toMatchObject({ name: "lr", log: true });
    expect(d.run_ids).toHaveLength(3);
  });

  it("posts the action as JSON and returns the sweep", async () => {
    answers[`POST ${BASE}/sw1/state`] = [200, { ...running, state: "paused" }];
    const s = await sweepsApi.setState("my team", "p", "sw1", "pause");
    expect(s.state).toBe("paused");
    expect(calls[0]).toMatchObject({ method: "POST", body: { action: "pause" } });
  });

  it("turns an error answer into an ApiError with the server's message", async () => {
    answers[`POST ${BASE}/sw2/state`] = [409, { detail: "sweep sw2 is finished: it cannot be paused" }];
    const err = await sweepsApi.setState("my team", "p", "sw2", "pause").catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(409);
    expect(err.message).toContain("cannot be paused");
  });

  it("offers the actions a state allows", () => {
    expect(actionsFor("running")).toEqual(["pause", "stop", "cancel"]);
    expect(actionsFor("paused")).toEqual(["resume", "stop", "cancel"]);
    expect(actionsFor("finished")).toEqual([]);
    expect(actionsFor("canceled")).toEqual([]);
  });
});

function page() {
  const router = createMemoryRouter([{ path: "/", element: <SweepsPage entity="my team" project="p" /> }]);
  return render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
}

describe("the sweeps page", () => {
  it("shows each sweep's state, method, metric, best run and runs against the cap", async () => {
    answers[`GET ${BASE}`] = [200, { sweeps: [running, done] }];
    const { container } = page();
    await waitFor(() => expect(container.querySelectorAll("tr[data-sweep-id]")).toHaveLength(2));
    const cell = (id: string, c: string) => container.querySelector(`tr[data-sweep-id='${id}'] .${c}`)?.textContent;
    expect(cell("sw1", "sweep-state")).toBe("running");
    expect(cell("sw1", "sweep-method")).toBe("bayes");
    expect(cell("sw1", "sweep-metric")).toBe("val/loss (min)");
    expect(cell("sw1", "sweep-best")).toContain("bright-3");
    expect(cell("sw1", "sweep-count")).toBe("7 / 20");
    expect(cell("sw2", "sweep-count")).toBe("7");
    expect(cell("sw2", "sweep-best")).toBe("—");
    expect(container.querySelectorAll("tr[data-sweep-id='sw2'] button")).toHaveLength(0);
    const link = container.querySelector("tr[data-sweep-id='sw1'] a.sweep-link");
    expect(link?.getAttribute("href")).toBe("/my%20team/p/sweeps/sw1");
  });

  it("pauses a sweep with its button and shows the new state", async () => {
    answers[`GET ${BASE}`] = [200, { sweeps: [running] }];
    const { container } = page();
    const button = await waitFor(() => {
      const b = container.querySelector<HTMLButtonElement>("button[data-action='pause']");
      expect(b).not.toBeNull();
      return b!;
    });
    answers[`POST ${BASE}/sw1/state`] = [200, { ...running, state: "paused" }];
    answers[`GET ${BASE}`] = [200, { sweeps: [{ ...running, state: "paused" }] }];
    fireEvent.click(button);
    await waitFor(() => expect(container.querySelector("button[data-action='resume']")).not.toBeNull());
    expect(calls.filter((c) => c.method === "POST").map((c) => c.body)).toEqual([{ action: "pause" }]);
    expect(container.querySelector(".sweep-state")?.textContent).toBe("paused");
  });

  it("says how to start a sweep when there is none, and shows the server's error", async () => {
    answers[`GET ${BASE}`] = [200, { sweeps: [] }];
    const { container, unmount } = page();
    await waitFor(() => expect(container.textContent).toContain("runbase sweep config.yaml"));
    unmount();
    answers[`GET ${BASE}`] = [404, { detail: "no project my team/p" }];
    const again = page();
    await waitFor(() => expect(again.container.querySelector("[role='alert']")?.textContent).toContain("no project"));
  });
});
