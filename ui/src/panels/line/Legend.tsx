// The legend under a chart: each line's colour and name. Past a handful of
// lines it turns compact (small chips, names cut short, the rest counted).

import type { PanelLine } from "../registry";

/** A swatch in the line's colour, dashed like the line when it is (a panel's second metric...). */
function swatch(color: string, dash?: number[]) {
  if (!dash) return { background: color };
  const [on, off] = [Math.max(2, dash[0] / 2), Math.max(1, (dash[1] ?? dash[0]) / 2)];
  return { background: `repeating-linear-gradient(90deg, ${color} 0 ${on}px, transparent ${on}px ${on + off}px)` };
}

const FULL_UP_TO = 6;
const COMPACT_CHIPS = 11;

export function Legend({ lines }: { lines: (PanelLine & { dash?: number[] })[] }) {
  const compact = lines.length > FULL_UP_TO;
  const shown = compact && lines.length > COMPACT_CHIPS + 1 ? lines.slice(0, COMPACT_CHIPS) : lines;
  const rest = lines.slice(shown.length);
  return (
    <div className={`legend${compact ? " compact" : ""}`}>
      {shown.map((l) => (
        <span key={l.id} className="legend-item" title={l.name}>
          <span className="legend-swatch" style={swatch(l.color, l.dash)} />
          <span className="legend-name">{l.name}</span>
        </span>
      ))}
      {rest.length > 0 && (
        <span className="legend-more" title={rest.map((l) => l.name).join("\n")}>
          +{rest.length} more
        </span>
      )}
    </div>
  );
}
