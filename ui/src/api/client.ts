// The typed HTTP client (openapi-fetch over the generated paths). Every call
// either returns the body or throws ApiError with the server's message, which
// the pages show instead of a blank screen.

import createClient from "openapi-fetch";
import { authFetch } from "./auth";
import type { paths } from "./schema.gen";

export class ApiError extends Error {
  constructor(
    public status: number,
    message: string,
  ) {
    super(message);
  }
}

export const client = createClient<paths>({ baseUrl: "", fetch: authFetch });

interface Answer {
  data?: unknown;
  error?: unknown;
  response: Response;
}

function detail(error: unknown, response: Response): string {
  if (error && typeof error === "object" && "detail" in error) {
    const d = (error as { detail: unknown }).detail;
    return typeof d === "string" ? d : JSON.stringify(d);
  }
  return `${response.status} ${response.statusText}`;
}

/** The body of a successful answer as ``T``; otherwise an ApiError. */
export async function unwrap<T>(call: Promise<Answer>): Promise<T> {
  let res: Answer;
  try {
    res = await call;
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") throw e;
    throw new ApiError(0, `cannot reach the runbase server (${String(e)})`);
  }
  if (!res.response.ok) throw new ApiError(res.response.status, detail(res.error, res.response));
  return res.data as T;
}
