// The API's types, generated from the server's OpenAPI schema by `make ui`
// (schema.gen.d.ts; never edit it). Every route the app calls declares a
// response model, so no body type is written by hand here.

import type { components, paths } from "./schema.gen";

export type Schemas = components["schemas"];

/** Stands in for the body of a route whose schema has no model (or only a bare
 * dict): any use of a field fails the type check instead of compiling to `any`. */
export interface NoResponseModel {
  readonly "this route has no response model in the OpenAPI schema": never;
}

type Modelled<B> = unknown extends B ? NoResponseModel : string extends keyof B ? NoResponseModel : B;

/** The JSON body of a route's 200 answer, as the schema says. */
export type Ok<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  responses: { 200: { content: { "application/json": infer R } } };
}
  ? Modelled<R>
  : NoResponseModel;

/** The query parameters of a GET route. */
export type QueryOf<P extends keyof paths> = paths[P] extends { get: { parameters: { query?: infer Q } } }
  ? NonNullable<Q>
  : never;

export type Changes = Schemas["Changes"];
export type LogTail = Schemas["LogTail"];
export type LogLine = Schemas["LogLine"];
export type RunPatch = Schemas["RunPatch"];
