// The runs table's column layout as the user arranges it: pinned to the left
// or right edge (the header menu) and the order (drag a header onto another).
// Pure functions over ColumnLayout, kept in the browser and in saved views.

import type { ColumnLayout } from "../data/prefs";

export type PinSide = "left" | "right";

/** The pinned columns (none when the layout predates pinning). */
export function pinnedOf(layout: ColumnLayout): { left: string[]; right: string[] } {
  return { left: [...(layout.pinned?.left ?? [])], right: [...(layout.pinned?.right ?? [])] };
}

/** TanStack Table's columnPinning: Name first on the left, then the user's. */
export function tablePinning(layout: ColumnLayout): { left: string[]; right: string[] } {
  const p = pinnedOf(layout);
  return { left: ["name", ...p.left.filter((id) => id !== "name")], right: p.right.filter((id) => id !== "name") };
}

/** ``layout`` with column ``id`` pinned to ``side`` (null: unpinned). Name stays put. */
export function pinColumn(layout: ColumnLayout, id: string, side: PinSide | null): ColumnLayout {
  if (id === "name") return layout;
  const p = pinnedOf(layout);
  const left = p.left.filter((x) => x !== id);
  const right = p.right.filter((x) => x !== id);
  if (side === "left") left.push(id);
  if (side === "right") right.unshift(id);
  return { ...layout, pinned: { left, right } };
}

/** ``layout`` with column ``from`` moved to where ``to`` is (``ids``: every
 * column in its current display order). Name stays first. */
export function moveColumn(layout: ColumnLayout, ids: string[], from: string, to: string): ColumnLayout {
  if (from === to || from === "name" || to === "name") return layout;
  const order = ids.filter((id) => id !== from);
  const at = order.indexOf(to);
  if (at < 0 || !ids.includes(from)) return layout;
  // Dropped on a column to its right: after it; to its left: before it.
  const after = ids.indexOf(from) < ids.indexOf(to);
  order.splice(after ? at + 1 : at, 0, from);
  // A pinned column moves within its side too.
  const p = pinnedOf(layout);
  const within = (side: string[]) =>
    side.includes(from) && side.includes(to) ? order.filter((id) => side.includes(id)) : side;
  return { ...layout, order, pinned: { left: within(p.left), right: within(p.right) } };
}

/** A pinned value from a saved view or old prefs, read tolerantly. */
export function parsePinned(x: unknown): { left: string[]; right: string[] } {
  const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : []);
  const r = x && typeof x === "object" ? (x as Record<string, unknown>) : {};
  return { left: strs(r.left), right: strs(r.right) };
}
