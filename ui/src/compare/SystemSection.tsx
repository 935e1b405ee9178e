// The workspace's "System" section: a line panel per system metric (cpu, memory,
// gpu…) with the drawn runs' samples, over each run's time since its start, as
// the run page's System tab draws one run. Asked for only once the section is
// on screen: it reads every drawn run's samples.

import { useQuery, type UseQueryOptions } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState } from "react";
import { api, type RunSystem } from "../api/endpoints";
import type { SeriesParams } from "../data/keys";
import { systemLine, type ChartLine } from "../lib/chartLine";
import type { LineSpec } from "../panels";
import { PanelGrid } from "../panels/PanelGrid";
import type { PanelContext } from "../panels/registry";

/** Runs one batch request carries at most (the server's limit). */
const BATCH = 100;

/** Every drawn run's system samples and start time, in requests of up to 100 runs; a
 * "series" key naming the runs, so the change feed refetches it when one of them logs. */
export function systemQuery(entity: string, project: string, runIds: string[]) {
  const params: SeriesParams = { key: "system/*", runs: runIds, x: "_runtime", buckets: 0 };
  return {
    queryKey: ["series", entity, project, params] as const,
    queryFn: async ({ signal }: { signal: AbortSignal }) => {
      const chunks = [];
      for (let i = 0; i < runIds.length; i += BATCH) chunks.push(runIds.slice(i, i + BATCH));
      const all = await Promise.all(chunks.map((ids) => api.systemBatch(entity, project, ids, { signal })));
      return all.flatMap((b) => b.runs);
    },
    enabled: runIds.length > 0,
  };
}

/** The system metrics any of the runs recorded, sorted. */
export function systemKeys(data: RunSystem[] | undefined): string[] {
  return [...new Set((data ?? []).flatMap((d) => d.keys))].sort();
}

/** The lines of one metric: each run's samples, x in seconds since the run's start. */
export function systemLines(data: RunSystem[], key: string): ChartLine[] {
  return data.flatMap((d) => (d.series[key] ? [systemLine(d.run_id, d.series[key], d.start ?? null)] : []));
}

function useOnScreen(): [React.RefObject<HTMLDivElement | null>, boolean] {
  const ref = useRef<HTMLDivElement>(null);
  const [on, setOn] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el || on) return;
    const io = new IntersectionObserver((es) => es.some((e) => e.isIntersecting) && setOn(true), {
      rootMargin: "300px",
    });
    io.observe(el);
    return () => io.disconnect();
  }, [on]);
  return [ref, on];
}

export function SystemSection({ entity, project, ctx }: { entity: string; project: string; ctx: PanelContext }) {
  const [ref, seen] = useOnScreen();
  const ids = useMemo(() => ctx.lines.flatMap((l) => l.members ?? [l.id]), [ctx.lines]);
  const base = systemQuery(entity, project, ids);
  const q = useQuery({ ...base, enabled: base.enabled && seen });
  const sysCtx = useMemo(
    (): PanelContext => ({
      ...ctx,
      source: {
        query: (key) =>
          ({
            ...base,
            // Every panel shares the one request; each picks its metric.
            select: (d: unknown) => systemLines(d as RunSystem[], key),
          }) as unknown as UseQueryOptions<unknown, Error, ChartLine[], readonly unknown[]>,
      },
    }),
    // base is rebuilt every render; what it is made of is listed instead.
    [ctx, entity, project, ids],
  );
  const keyText = systemKeys(q.data).join("\n");
  const specs = useMemo(
    (): LineSpec[] =>
      (keyText ? keyText.split("\n") : []).map((key) => ({
        id: `system:${key}`,
        kind: "line",
        keys: [key],
        x: "_runtime",
        options: { smoothing: 0, logY: false },
      })),
    [keyText],
  );
  return (
    <div ref={ref} className="ws-system" data-state={!seen ? "waiting" : q.data ? "drawn" : "loading"}>
      {!seen || !q.data ? (
        <div className="chart-grid system-grid">
          <section className="chart-section" data-section="System">
            <div className="section-head">System</div>
            <div className="panel-note">{ids.length ? "Loading system metrics…" : "No runs drawn."}</div>
          </section>
        </div>
      ) : (
        <PanelGrid
          specs={specs}
          ctx={sysCtx}
          className="system-grid"
          section={() => "System"}
          emptyText="The drawn runs recorded no system metrics."
        />
      )}
    </div>
  );
}
