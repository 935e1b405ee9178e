// The reports routes (server/routes/reports.py), typed from the generated schema.

import { client, unwrap } from "../api/client";
import type { Ok, Schemas } from "../api/types";

type R = "/api/v1/projects/{entity}/{project}/reports";

export type ReportList = Ok<R, "get">;
export type Report = Schemas["ReportOut"];
export type Block = Report["blocks"][number];
export type MarkdownBlock = Schemas["MarkdownBlockModel"];
export type PanelsBlock = Schemas["PanelsBlockModel"];
export type RunSource = Schemas["RunSourceModel"];

const path = (entity: string, project: string) => ({ entity, project });
const one = (entity: string, project: string, report_id: string) => ({ entity, project, report_id });

export const reportsApi = {
  list: (e: string, p: string) =>
    unwrap<ReportList>(client.GET("/api/v1/projects/{entity}/{project}/reports", { params: { path: path(e, p) } })),
  get: (e: string, p: string, id: string) =>
    unwrap<Report>(
      client.GET("/api/v1/projects/{entity}/{project}/reports/{report_id}", { params: { path: one(e, p, id) } }),
    ),
  create: (e: string, p: string, title: string, blocks: Block[]) =>
    unwrap<Report>(
      client.POST("/api/v1/projects/{entity}/{project}/reports", {
        params: { path: path(e, p) },
        body: { title, blocks },
      }),
    ),
  update: (e: string, p: string, id: string, body: { title?: string; blocks?: Block[]; base?: number }) =>
    unwrap<Report>(
      client.PUT("/api/v1/projects/{entity}/{project}/reports/{report_id}", {
        params: { path: one(e, p, id) },
        body,
      }),
    ),
  remove: (e: string, p: string, id: string) =>
    unwrap<unknown>(
      client.DELETE("/api/v1/projects/{entity}/{project}/reports/{report_id}", { params: { path: one(e, p, id) } }),
    ),
};

export const reportKeys = {
  list: (e: string, p: string) => ["project", e, p, "reports"] as const,
  one: (e: string, p: string, id: string) => ["project", e, p, "reports", id] as const,
};
