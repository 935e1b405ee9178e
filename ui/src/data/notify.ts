// When TanStack Query tells the page that queries changed. Its default gives each
// query's change a setTimeout of its own, so 50 panels whose data lands in the
// same moment render and draw 50 times, and the browser lays out and paints the
// page between them. Here every change waiting in the same moment goes out in
// one task, and React renders them all at once.

type Flush = () => void;

/** A scheduler for ``notifyManager.setScheduler``: the callbacks scheduled before
 * the next ``tick`` run together in it (in order). */
export function coalescing(tick: (run: () => void) => void = (run) => setTimeout(run, 0)) {
  let queue: Flush[] = [];
  return (cb: Flush) => {
    queue.push(cb);
    if (queue.length > 1) return;
    tick(() => {
      const run = queue;
      queue = [];
      for (const f of run) f();
    });
  };
}
