// The saved views routes (server/routes/views.py), typed from the generated schema.

import { client, unwrap } from "./client";
import type { Ok, Schemas } from "./types";

type V = "/api/v1/projects/{entity}/{project}/views";

export type ViewList = Ok<V, "get">;
export type SavedView = Schemas["ViewOut"];
type DefaultView = Ok<`${V}/default`, "get">;

const path = (entity: string, project: string) => ({ entity, project });
const one = (entity: string, project: string, view_id: string) => ({ entity, project, view_id });

export const viewsApi = {
  list: (e: string, p: string) =>
    unwrap<ViewList>(client.GET(`/api/v1/projects/{entity}/{project}/views`, { params: { path: path(e, p) } })),
  get: (e: string, p: string, id: string) =>
    unwrap<SavedView>(
      client.GET("/api/v1/projects/{entity}/{project}/views/{view_id}", { params: { path: one(e, p, id) } }),
    ),
  create: (e: string, p: string, name: string, state: object) =>
    unwrap<SavedView>(
      client.POST("/api/v1/projects/{entity}/{project}/views", {
        params: { path: path(e, p) },
        body: { name, state: state as Record<string, unknown> },
      }),
    ),
  update: (e: string, p: string, id: string, body: { name?: string; state?: object }) =>
    unwrap<SavedView>(
      client.PUT("/api/v1/projects/{entity}/{project}/views/{view_id}", {
        params: { path: one(e, p, id) },
        body: body as Schemas["ViewPatch"],
      }),
    ),
  remove: (e: string, p: string, id: string) =>
    unwrap<unknown>(
      client.DELETE("/api/v1/projects/{entity}/{project}/views/{view_id}", { params: { path: one(e, p, id) } }),
    ),
  getDefault: (e: string, p: string) =>
    unwrap<DefaultView>(
      client.GET("/api/v1/projects/{entity}/{project}/views/default", { params: { path: path(e, p) } }),
    ).then((d) => d.view ?? null),
  setDefault: (e: string, p: string, id: string | null) =>
    unwrap<DefaultView>(
      client.PUT("/api/v1/projects/{entity}/{project}/views/default", { params: { path: path(e, p) }, body: { id } }),
    ),
};
