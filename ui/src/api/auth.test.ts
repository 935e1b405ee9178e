// @vitest-environment jsdom
// authFetch: the CSRF token goes on changes only, and a 401 reaches the handler
// (or waits for it when it comes before the app has mounted).
import { afterEach, describe, expect, it, vi } from "vitest";
import { authFetch, csrfToken, setUnauthorizedHandler } from "./auth";

function stubFetch(status: number) {
  const seen: { method: string; token: string | null }[] = [];
  vi.stubGlobal("fetch", async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const headers = input instanceof Request ? input.headers : new Headers(init.headers);
    const method = input instanceof Request ? input.method : (init.method ?? "GET");
    seen.push({ method, token: headers.get("X-CSRF-Token") });
    return new Response("{}", { status });
  });
  return seen;
}

afterEach(() => {
  vi.unstubAllGlobals();
  setUnauthorizedHandler(null);
  document.cookie = "runbase_csrf=; expires=Thu, 01 Jan 1970 00:00:00 GMT";
});

describe("authFetch", () => {
  it("sends the runbase_csrf cookie's token on changes, not on reads", async () => {
    document.cookie = "runbase_csrf=tok%2Fen";
    expect(csrfToken()).toBe("tok/en");
    const seen = stubFetch(200);
    await authFetch("/api/v1/keys");
    await authFetch("/api/v1/keys", { method: "POST", headers: { "content-type": "application/json" } });
    await authFetch(new Request("http://localhost/api/v1/keys/1", { method: "DELETE" }));
    expect(seen).toEqual([
      { method: "GET", token: null },
      { method: "POST", token: "tok/en" },
      { method: "DELETE", token: "tok/en" },
    ]);
  });

  it("sends nothing without the cookie (runbase ui)", async () => {
    const seen = stubFetch(200);
    await authFetch("/api/v1/projects/a/b/runs/delete", { method: "POST" });
    expect(seen[0].token).toBeNull();
  });

  it("tells the handler of a 401, also one that came before it, but not the login's own", async () => {
    stubFetch(401);
    await authFetch("/api/v1/projects/a/b");
    const handler = vi.fn();
    setUnauthorizedHandler(handler);
    expect(handler).toHaveBeenCalledTimes(1);
    await authFetch("/api/v1/auth/login", { method: "POST" });
    expect(handler).toHaveBeenCalledTimes(1);
    await authFetch("/api/v1/keys");
    expect(handler).toHaveBeenCalledTimes(2);
  });
});
