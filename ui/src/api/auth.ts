// What every API call sends and watches for a team server (`runbase server`):
// the CSRF token a change must echo, and the 401 that means "log in". On
// `runbase ui` there is no runbase_csrf cookie and no 401, so nothing changes.

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);
// Answers of these are the login page's own business: a wrong password is no
// reason to send the user to the login page they are on.
const NO_REDIRECT = ["/api/v1/auth/login", "/api/v1/server"];

/** The session's CSRF token: the readable runbase_csrf cookie the login set. */
export function csrfToken(): string | null {
  for (const part of document.cookie.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === "runbase_csrf") return decodeURIComponent(rest.join("="));
  }
  return null;
}

let onUnauthorized: (() => void) | null = null;
// A 401 can come before the app has mounted (the first page's requests start
// early, data/boot.ts): it is kept for the handler that comes.
let missed = false;

/** Who to tell when an API call answers 401 (the team app sends the user to log in). */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
  if (handler && missed) {
    missed = false;
    handler();
  }
}

/** ``fetch`` with the X-CSRF-Token header on changes and the 401 watch. */
export async function authFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const token = csrfToken();
  let url: string;
  if (input instanceof Request) {
    // openapi-fetch hands over a Request it built: its headers may still be set.
    url = input.url;
    if (token && !SAFE.has(input.method)) input.headers.set("X-CSRF-Token", token);
  } else {
    url = String(input);
    const method = (init?.method ?? "GET").toUpperCase();
    if (token && !SAFE.has(method)) {
      const headers = new Headers(init?.headers);
      headers.set("X-CSRF-Token", token);
      init = { ...init, headers };
    }
  }
  const response = await (init === undefined ? fetch(input) : fetch(input, init));
  if (response.status === 401 && !NO_REDIRECT.includes(new URL(url, window.location.href).pathname)) {
    if (onUnauthorized) onUnauthorized();
    else missed = true;
  }
  return response;
}
