// The media panel: one logged media key of every visible run, side by side at
// one step. The slider stops at every step any run logged; each run shows its
// nearest logged step at or before the slider's, else its first after (the
// server picks: one request per slider move, then the files themselves).
// Images get their masks (per-class toggles, opacity) and boxes (labels, a
// score threshold), and open large on click; Plotly figures are drawn (PlotlyView).

import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useEffect, useMemo, useState } from "react";
import { api, type MediaFile, type MediaItem } from "../../api/endpoints";
import { keys } from "../../data/keys";
import type { PanelLine, PanelProps } from "../registry";
import { ImageView, type OverlayState } from "./ImageView";
import { mediaRuns, snapIndex, type MediaSpec } from "./logic";
import { firstView } from "./firstView";
import { OverlayControls } from "./OverlayControls";
import { PlotlyView } from "./PlotlyView";

const PointCloud = lazy(() => import("./PointCloud").then((m) => ({ default: m.PointCloud })));

/** The server's limit of runs per media request. */
const MAX_RUNS = 100;
/** The key of the items at the last stop before the stops are known (a step past
 * any real one: every run's last logged step is its nearest at or before it). */
const LATEST = Number.MAX_SAFE_INTEGER;
const NO_STEPS: number[] = [];
/** How long a panel just opened waits, once drawn, before fetching the slider's
 * neighbours: the first paint of the other panels goes first. Once the slider
 * moves, they are fetched at once. */
const PREFETCH_DELAY_MS = 300;

function FileView({
  kind,
  file,
  overlay,
  onOpen,
}: {
  kind: string;
  file: MediaFile;
  overlay: OverlayState;
  onOpen: () => void;
}) {
  if (kind === "image") return <ImageView file={file} overlay={overlay} onOpen={onOpen} />;
  if (kind === "audio") return <audio controls preload="metadata" src={file.url} />;
  if (kind === "video") {
    if (file.path.toLowerCase().endsWith(".gif")) return <img className="media-gif" src={file.url} alt={file.path} />;
    return <video controls preload="metadata" src={file.url} />;
  }
  if (kind === "html" && file.view_url)
    // Its own opaque origin: its script runs, but cannot reach the app or the API.
    return <iframe className="media-html" sandbox="allow-scripts" src={file.view_url} title={file.path} />;
  if (kind === "plotly") return <PlotlyView file={file} />;
  if (kind === "object3D")
    return (
      <Suspense fallback={<div className="media-3d">Loading…</div>}>
        <PointCloud url={file.url} />
      </Suspense>
    );
  return (
    <a className="media-link" href={`${file.url}?download=1`}>
      {file.path.split("/").pop()}
    </a>
  );
}

function RunMedia({
  run,
  item,
  overlay,
  onOpen,
}: {
  run: PanelLine;
  item: MediaItem | undefined;
  overlay: OverlayState;
  onOpen: (f: MediaFile) => void;
}) {
  return (
    <div className="media-run" data-run={run.id} data-step={item?.step ?? ""}>
      <div className="media-run-head">
        <span className="swatch" style={{ background: run.color }} />
        <span className="media-run-name" title={run.name}>
          {run.name}
        </span>
        {item && <span className="media-run-step">step {item.step}</span>}
      </div>
      {!item && <div className="media-none">Not logged</div>}
      {item?.missing && (
        <div className="media-missing" role="note">
          file missing: the run stopped before it was written
        </div>
      )}
      {item?.files.map((f) => (
        <figure key={f.url} className="media-file">
          <FileView kind={item.kind} file={f} overlay={overlay} onOpen={() => onOpen(f)} />
          {f.caption && <figcaption>{f.caption}</figcaption>}
        </figure>
      ))}
    </div>
  );
}

function useMediaData(spec: MediaSpec, lines: PanelLine[], where: { entity: string; project: string }, on: boolean) {
  const key = spec.keys[0];
  const runs = useMemo(() => mediaRuns(lines).slice(0, MAX_RUNS), [lines]);
  const ids = useMemo(() => runs.map((r) => r.id), [runs]);
  const { entity: e, project: p } = where;
  const stepsQ = useQuery({
    queryKey: keys.mediaSteps(e, p, key, ids),
    queryFn: () => firstView(e, p, key, ids).then((f) => ({ key, runs: [], steps: f.steps })),
    enabled: on && ids.length > 0,
  });
  const stops = stepsQ.data?.steps ?? NO_STEPS;
  return { key, runs, ids, stepsQ, stops };
}

function StepSlider(props: { label: string; stops: number[]; idx: number; onStep: (step: number) => void }) {
  const { label, stops, idx, onStep } = props;
  return (
    <label className="media-slider">
      <span>Step</span>
      <input
        type="range"
        min={0}
        max={stops.length - 1}
        value={idx}
        aria-label={label}
        onChange={(ev) => onStep(stops[Number(ev.target.value)])}
      />
      <span className="media-step">{stops[idx]}</span>
    </label>
  );
}

function Zoomed({ file, overlay, onClose }: { file: MediaFile; overlay: OverlayState; onClose: () => void }) {
  return (
    <div className="media-zoom" onClick={onClose} role="dialog" aria-label="Zoomed image">
      <div className="media-zoom-body">
        <ImageView file={file} overlay={overlay} />
        {file.caption && <div className="media-zoom-caption">{file.caption}</div>}
      </div>
    </div>
  );
}

function atStepQuery(where: { entity: string; project: string }, key: string, ids: string[], step: number) {
  return {
    queryKey: keys.mediaAt(where.entity, where.project, key, ids, step),
    queryFn: ({ signal }: { signal: AbortSignal }) =>
      api.mediaAt(where.entity, where.project, key, ids, step, { signal }),
  };
}

/** The slider's next stops either side, fetched (with their images) before they are
 * asked for, so stepping through a run's images shows each at once. */
function usePrefetchNeighbours(
  where: { entity: string; project: string },
  key: string,
  ids: string[],
  stops: number[],
  idx: number,
  on: boolean,
  delay: number,
) {
  const qc = useQueryClient();
  useEffect(() => {
    if (!on || stops.length < 2) return;
    const held: HTMLImageElement[] = [];
    const fetchNeighbours = () => {
      for (const i of [idx - 1, idx + 1]) {
        if (i < 0 || i >= stops.length) continue;
        void qc.fetchQuery(atStepQuery(where, key, ids, stops[i])).then(
          (d) => {
            for (const f of d.items.flatMap((it) => (it.kind === "image" ? it.files : []))) {
              // Small images came inline with the answer; only the others are loaded ahead.
              for (const url of [f, ...f.masks].filter((x) => !x.inline).map((x) => x.url)) {
                const img = new Image();
                img.src = url;
                held.push(img);
              }
            }
          },
          () => undefined,
        ); // a prefetch that fails is just not there when asked for
      }
    };
    const timer = setTimeout(fetchNeighbours, delay);
    return () => {
      clearTimeout(timer);
      held.length = 0;
    };
  }, [qc, where, key, ids, stops, idx, on, delay]);
}

export function MediaPanel({ spec, ctx, visible }: PanelProps<MediaSpec>) {
  const where = useMemo(() => ctx.project ?? { entity: "", project: "" }, [ctx.project]);
  const { key, runs, ids, stepsQ, stops } = useMediaData(spec, ctx.lines, where, visible && ctx.linesReady);
  // The slider's step; null: the last step logged (and it follows a live run).
  const [chosen, setChosen] = useState<number | null>(null);
  const idx = chosen === null ? stops.length - 1 : snapIndex(stops, chosen);
  const step = stops.length ? stops[idx] : null;
  // The last step is asked for as LATEST, in parallel with the stops: opening a
  // panel is one round trip, not two.
  const asked = chosen === null ? LATEST : (step ?? LATEST);
  const atQ = useQuery({
    ...atStepQuery(where, key, ids, asked),
    // The last step comes with the stops, in the batch of the panels opening now.
    ...(asked === LATEST && {
      queryFn: () =>
        firstView(where.entity, where.project, key, ids).then((f) => ({ key, step: LATEST, items: f.items })),
    }),
    enabled: visible && ctx.linesReady && ids.length > 0,
    placeholderData: keepPreviousData,
  });
  // While a move's step loads, its neighbours load too: stepping on finds them there.
  const ready = visible && atQ.isSuccess;
  usePrefetchNeighbours(where, key, ids, stops, idx, ready, chosen === null ? PREFETCH_DELAY_MS : 0);
  const [overlay, setOverlay] = useState<OverlayState>({ hidden: new Set(), opacity: 0.5, threshold: 0 });
  const [zoom, setZoom] = useState<MediaFile | null>(null);
  const byRun = useMemo(() => new Map((atQ.data?.items ?? []).map((it) => [it.run_id, it])), [atQ.data]);
  const files = useMemo(() => (atQ.data?.items ?? []).flatMap((it) => it.files), [atQ.data]);
  const error = stepsQ.error ?? atQ.error;
  const shown = runs.filter((r) => byRun.has(r.id));
  const loading = !error && (stepsQ.isPending || atQ.isPending || atQ.isPlaceholderData);
  const state = error ? "error" : loading ? "loading" : shown.length ? "drawn" : "empty";
  return (
    <div
      className="panel media-panel"
      data-key={key}
      data-kind={spec.options.mediaKind}
      data-state={state}
      data-step={step ?? ""}
    >
      <div className="panel-head">
        <span className="panel-title" title={spec.title ?? key}>
          {spec.title ?? key}
        </span>
        {error && <span className="panel-status error">{error.message}</span>}
      </div>
      {stops.length > 1 && <StepSlider label={`${key} step`} stops={stops} idx={idx} onStep={setChosen} />}
      {spec.options.mediaKind === "image" && <OverlayControls files={files} state={overlay} onChange={setOverlay} />}
      {state === "empty" || (state === "loading" && !atQ.data) ? (
        <div className="panel-empty">{state === "empty" ? "Not logged by the visible runs" : "Loading…"}</div>
      ) : (
        <div className="media-runs">
          {shown.map((r) => (
            <RunMedia key={r.id} run={r} item={byRun.get(r.id)} overlay={overlay} onOpen={setZoom} />
          ))}
        </div>
      )}
      {zoom && <Zoomed file={zoom} overlay={overlay} onClose={() => setZoom(null)} />}
    </div>
  );
}
