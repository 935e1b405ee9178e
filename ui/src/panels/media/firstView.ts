// What a media panel shows when it opens (its slider's stops and the items at the
// last), asked for by every panel on screen together: the panels that mount in
// one render share one request (GET media/first) instead of two each, which
// the browser's six connections per host would otherwise queue.

import { api, type MediaFirstKey } from "../../api/endpoints";

/** The server's limit of keys per request. */
const MAX_KEYS = 50;

interface Batch {
  keys: Set<string>;
  answer: Promise<Map<string, MediaFirstKey>>;
}

/** Batches not sent yet, by project and runs. */
const open = new Map<string, Batch>();
/** Keys asked for and not answered yet (the stops and the items come from one answer). */
const asked = new Map<string, Promise<MediaFirstKey>>();

function startBatch(group: string, e: string, p: string, ids: string[]): Batch {
  let send!: () => void;
  const answer = new Promise<Map<string, MediaFirstKey>>((resolve, reject) => {
    send = () => {
      open.delete(group);
      api.mediaFirst(e, p, [...batch.keys], ids).then((r) => resolve(new Map(r.keys.map((k) => [k.key, k]))), reject);
    };
  });
  const batch: Batch = { keys: new Set(), answer };
  open.set(group, batch);
  setTimeout(send, 0); // after this render's other panels have asked
  return batch;
}

/** The first view of ``key`` for the runs ``ids``: every step any of them logged
 * it, and the items at the last. */
export function firstView(e: string, p: string, key: string, ids: string[]): Promise<MediaFirstKey> {
  const group = JSON.stringify([e, p, ids]);
  const one = `${group}\n${key}`;
  const had = asked.get(one);
  if (had) return had;
  let batch = open.get(group);
  if (!batch || batch.keys.size >= MAX_KEYS) batch = startBatch(group, e, p, ids);
  batch.keys.add(key);
  const mine = batch.answer.then((m) => m.get(key) ?? { key, steps: [], items: [] }).finally(() => asked.delete(one));
  asked.set(one, mine);
  return mine;
}
