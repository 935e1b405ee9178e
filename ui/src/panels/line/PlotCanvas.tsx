// A uPlot chart as a React component: made when what it draws changes,
// resized with its box, destroyed on unmount.
//
// A workspace mounts dozens of charts in one commit. Each reads its box's width
// in the layout phase (all reads before any chart is made, so the page is laid
// out once, not once per chart), and one ResizeObserver shared by every chart
// follows the widths afterwards from the sizes it is handed (no reads at all).

import { useEffect, useLayoutEffect, useRef } from "react";
import uPlot from "uplot";
import { themed } from "../../app/theme";

type OnWidth = (width: number) => void;

const watched = new Map<Element, OnWidth>();
let observer: ResizeObserver | null = null;

/** Call ``fn`` with ``el``'s width whenever it changes; returns the unsubscribe. */
function observeWidth(el: Element, fn: OnWidth): () => void {
  observer ??= new ResizeObserver((entries) => {
    for (const e of entries) watched.get(e.target)?.(e.contentRect.width);
  });
  watched.set(el, fn);
  observer.observe(el);
  return () => {
    watched.delete(el);
    observer?.unobserve(el);
  };
}

export function PlotCanvas({
  make,
  range,
}: {
  /** Build the options and data for a width (a new function: a new chart). */
  make: (width: number) => { opts: uPlot.Options; data: uPlot.AlignedData };
  /** The x range to show (zoom), or null for all of it. */
  range: [number, number] | null;
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const width = useRef(0);

  useLayoutEffect(() => {
    width.current = box.current!.clientWidth;
  }, [make]);

  useEffect(() => {
    const { opts, data } = make(Math.max(200, width.current || 400));
    const u = new uPlot(themed(opts), data, box.current!);
    plot.current = u;
    if (range) u.setScale("x", { min: range[0], max: range[1] });
    return () => {
      u.destroy();
      plot.current = null;
    };
    // `range` is applied by the effect below; a new chart takes the current one.
  }, [make]);

  useEffect(() => {
    const u = plot.current;
    if (u && range) u.setScale("x", { min: range[0], max: range[1] });
  }, [range]);

  // Panels sit in a responsive grid: follow the cell's width.
  useEffect(
    () =>
      observeWidth(box.current!, (w) => {
        width.current = w;
        const u = plot.current;
        if (u && w > 0 && Math.abs(w - u.width) > 2) u.setSize({ width: w, height: u.height });
      }),
    [],
  );

  return <div className="panel-plot" ref={box} />;
}
