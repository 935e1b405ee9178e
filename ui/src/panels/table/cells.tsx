// A table cell as the table panel draws it: images as lazy thumbnails (the
// server sends their file URL and size), other media as a link to the file,
// numbers formatted, anything else as short text.

import { fmtNumber } from "../../lib/format";

export const THUMB_H = 48;

interface Media {
  _type: string;
  url?: string;
  width?: number;
  height?: number;
  caption?: string;
  path?: string;
}

const isMedia = (v: unknown): v is Media =>
  typeof v === "object" && v !== null && typeof (v as { _type?: unknown })._type === "string";

/** The thumbnail's box: the image scaled to THUMB_H high, at most 3 heights wide. */
export function thumbSize(width?: number, height?: number): { width: number; height: number } {
  if (!width || !height) return { width: THUMB_H, height: THUMB_H };
  const h = THUMB_H;
  return { width: Math.min(3 * h, Math.round((width * h) / height)), height: h };
}

export function Cell({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <span className="cell-empty">–</span>;
  if (typeof value === "number") return <span className="cell-num">{fmtNumber(value)}</span>;
  if (typeof value === "boolean") return <span>{String(value)}</span>;
  if (typeof value === "string") return <span title={value.length > 40 ? value : undefined}>{value}</span>;
  if (isMedia(value)) {
    if (value._type === "image-file" && value.url) {
      const size = thumbSize(value.width, value.height);
      return (
        <a href={value.url} target="_blank" rel="noreferrer" title={value.caption ?? value.path}>
          <img className="cell-thumb" src={value.url} loading="lazy" alt={value.caption ?? ""} {...size} />
        </a>
      );
    }
    return value.url ? (
      <a href={value.url} target="_blank" rel="noreferrer">
        {value._type.replace(/-file$/, "")}
      </a>
    ) : (
      <span>{value._type}</span>
    );
  }
  const text = JSON.stringify(value);
  return <span title={text}>{text.length > 60 ? `${text.slice(0, 60)}…` : text}</span>;
}
