// The filter builder's state (rows of field · operator · value, joined by AND
// or OR) and the Mongo-style filter the API takes.

export interface FilterRow {
  field: string; // name | state | tags | group | job_type | user | config.<k> | summary.<k>
  op: string; // one of OPS
  value: string;
}

export interface FilterState {
  rows: FilterRow[];
  any: boolean; // OR instead of AND
}

/** Every field operator of the runs API (runbase.store.queries.filters), as the builder names them. */
export const OPS: [string, string][] = [
  ["=", "="],
  ["!=", "≠"],
  ["<", "<"],
  [">", ">"],
  ["<=", "≤"],
  [">=", "≥"],
  ["in", "in"],
  ["not in", "not in"],
  ["regex", "matches regex"],
  ["exists", "is set"],
  ["not exists", "is not set"],
];

/** Operators that take no value. */
export const NO_VALUE = new Set(["exists", "not exists"]);

const MONGO: Record<string, string> = {
  "=": "$eq",
  "!=": "$ne",
  "<": "$lt",
  ">": "$gt",
  "<=": "$lte",
  ">=": "$gte",
  in: "$in",
  "not in": "$nin",
};

/** "0.01" → 0.01, "true" → true, "null" → null, quoted or other text stays a string. */
export function parseValue(text: string): unknown {
  const t = text.trim();
  if (/^".*"$/.test(t)) return t.slice(1, -1);
  if (t === "true") return true;
  if (t === "false") return false;
  if (t === "null") return null;
  if (t !== "" && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return Number(t);
  return t;
}

/** "a, b, 3" → ["a", "b", 3]: the values of an in / not in row. */
export function parseList(text: string, parse: (t: string) => unknown = parseValue): unknown[] {
  return text
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t !== "")
    .map(parse);
}

/** Run fields that only ever hold text: a tag named "3" is the text "3". */
const TEXT_FIELDS = new Set(["name", "display_name", "state", "tags", "group", "job_type", "user", "notes", "id"]);

function condition(r: FilterRow): unknown {
  if (r.op === "exists" || r.op === "not exists") return { $exists: r.op === "exists" };
  // A pattern is text as typed: "1.5" stays a pattern, not a number.
  if (r.op === "regex") return { $regex: r.value };
  const text = TEXT_FIELDS.has(r.field) && ["=", "!=", "in", "not in"].includes(r.op);
  const one = (t: string): unknown => (text ? t.trim().replace(/^"(.*)"$/, "$1") : parseValue(t));
  if (r.op === "in" || r.op === "not in") return { [MONGO[r.op]]: parseList(r.value, one) };
  const v = one(r.value);
  // A run matches "tags = x" when x is one of its tags.
  if (r.field === "tags" && (r.op === "=" || r.op === "!=")) return { [r.op === "!=" ? "$nin" : "$in"]: [v] };
  return { [MONGO[r.op] ?? "$eq"]: v };
}

export function toMongo(state: FilterState): Record<string, unknown> | null {
  const parts = state.rows.filter((r) => r.field).map((r) => ({ [r.field]: condition(r) }));
  if (parts.length === 0) return null;
  if (parts.length === 1) return parts[0];
  return { [state.any ? "$or" : "$and"]: parts };
}
