// The filter builder's state (rows of field · operator · value, joined by AND
// or OR) and the Mongo-style filter the API takes.

export interface FilterRow {
  field: string; // name | state | tags | group | job_type | user | config.<k> | summary.<k>
  op: string; // = != < > <= >=
  value: string;
}

export interface FilterState {
  rows: FilterRow[];
  any: boolean; // OR instead of AND
}

export const OPS: [string, string][] = [
  ["=", "="],
  ["!=", "≠"],
  ["<", "<"],
  [">", ">"],
  ["<=", "≤"],
  [">=", "≥"],
];

const MONGO: Record<string, string> = { "=": "$eq", "!=": "$ne", "<": "$lt", ">": "$gt", "<=": "$lte", ">=": "$gte" };

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

export function toMongo(state: FilterState): Record<string, unknown> | null {
  const parts: Record<string, unknown>[] = [];
  for (const r of state.rows) {
    if (!r.field) continue;
    const v = parseValue(r.value);
    if (r.field === "tags") {
      // A run matches "tags = x" when x is one of its tags.
      parts.push({ tags: { [r.op === "!=" ? "$nin" : "$in"]: [v] } });
    } else {
      parts.push({ [r.field]: { [MONGO[r.op] ?? "$eq"]: v } });
    }
  }
  if (parts.length === 0) return null;
  if (parts.length === 1) return parts[0];
  return { [state.any ? "$or" : "$and"]: parts };
}
