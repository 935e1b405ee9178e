// Legend templates: "${run:name} ${config:lr}" names each line from its run
// (name, id), its config and the metric it draws. An unknown field shows as
// nothing rather than the raw template, as W&B does.

export interface LegendFields {
  run: { id: string; name: string };
  config?: Record<string, unknown>;
  /** The metric (or expression) the line draws. */
  metric: string;
}

function configValue(config: Record<string, unknown> | undefined, path: string): string {
  let v: unknown = config;
  for (const part of path.split(".")) {
    if (v === null || typeof v !== "object") return "";
    // A W&B style config stores {value: ...} per key; a plain one the value itself.
    const o = v as Record<string, unknown>;
    v = part in o ? o[part] : undefined;
  }
  if (v !== null && typeof v === "object" && "value" in (v as object)) v = (v as { value: unknown }).value;
  if (v === undefined || v === null) return "";
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

/** ``template`` with its fields filled (an empty template: "run name metric"). */
export function legendName(template: string, f: LegendFields, multi: boolean): string {
  if (!template.trim()) return multi ? `${f.run.name} ${f.metric}` : f.run.name;
  const out = template.replace(/\$\{\s*([a-z]+)\s*(?::\s*([^}]*?))?\s*\}/gi, (_m, scope: string, field = "") => {
    const s = scope.toLowerCase();
    if (s === "run") return field === "id" ? f.run.id : field === "name" || !field ? f.run.name : "";
    if (s === "config") return configValue(f.config, field);
    if (s === "metric") return f.metric;
    return "";
  });
  return out.replace(/\s+/g, " ").trim() || f.run.name;
}
