// Canvas helpers shared by the histogram and chart panels: a canvas sized for
// the screen's pixel ratio, and "nice" axis numbers.

/** Size ``c`` to ``w`` x ``h`` CSS pixels, sharp on high-DPI screens; its 2D context. */
export function sized(c: HTMLCanvasElement, w: number, h: number): CanvasRenderingContext2D {
  const r = window.devicePixelRatio || 1;
  c.width = Math.round(w * r);
  c.height = Math.round(h * r);
  c.style.width = `${w}px`;
  c.style.height = `${h}px`;
  const g = c.getContext("2d")!;
  g.setTransform(r, 0, 0, r, 0, 0);
  g.clearRect(0, 0, w, h);
  g.font = "11px system-ui, sans-serif";
  return g;
}

/** A short label for an axis number. */
export function tick(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(1);
  return String(Number(v.toPrecision(3)));
}
