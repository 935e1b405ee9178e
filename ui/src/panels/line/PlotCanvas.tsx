// A uPlot chart as a React component: made when what it draws changes,
// resized with its box, destroyed on unmount.

import { useEffect, useRef } from "react";
import uPlot from "uplot";
import { themed } from "../../app/theme";

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

  useEffect(() => {
    const el = box.current!;
    const { opts, data } = make(Math.max(200, el.clientWidth || 400));
    const u = new uPlot(themed(opts), data, el);
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

  useEffect(() => {
    // Panels sit in a responsive grid: follow the cell's width.
    const el = box.current!;
    const ro = new ResizeObserver(() => {
      const u = plot.current;
      const w = el.clientWidth;
      if (u && w > 0 && Math.abs(w - u.width) > 2) u.setSize({ width: w, height: u.height });
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  return <div className="panel-plot" ref={box} />;
}
