// One logged image with its overlays: masks painted on canvases (class colours,
// hidden classes, opacity) and boxes as outlined labels over the image.

import { useEffect, useRef } from "react";
import type { MediaFile } from "../../api/endpoints";
import { pressable } from "../../lib/keyboard";
import { boxLabel, boxRect, classColor, cssColor, paintMask, visibleBoxes } from "./logic";

export interface OverlayState {
  hidden: ReadonlySet<string>;
  opacity: number;
  threshold: number;
}

function MaskCanvas({ url, set, overlay }: { url: string; set: string; overlay: OverlayState }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const pixels = useRef<ImageData | null>(null);
  const latest = useRef(overlay);
  latest.current = overlay;

  const paint = () => {
    const c = canvas.current;
    const src = pixels.current;
    const g = c?.getContext("2d");
    if (!c || !src || !g) return;
    const { hidden, opacity } = latest.current;
    const out = new ImageData(paintMask(src.data, set, hidden, opacity), src.width, src.height);
    g.putImageData(out, 0, 0);
    c.dataset.painted = "true";
  };

  useEffect(() => {
    let live = true;
    const img = new Image();
    img.onload = () => {
      const c = canvas.current;
      if (!live || !c) return;
      c.width = img.naturalWidth;
      c.height = img.naturalHeight;
      const g = c.getContext("2d", { willReadFrequently: true });
      if (!g) return;
      g.drawImage(img, 0, 0);
      pixels.current = g.getImageData(0, 0, c.width, c.height);
      paint();
    };
    img.src = url;
    return () => {
      live = false;
    };
    // paint reads the latest overlay through a ref: only a new mask reloads.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [url]);

  useEffect(paint, [overlay.hidden, overlay.opacity, set]);
  return <canvas ref={canvas} className="media-mask" data-mask={set} />;
}

export function ImageView({ file, overlay, onOpen }: { file: MediaFile; overlay: OverlayState; onOpen?: () => void }) {
  const w = file.width ?? 0;
  const h = file.height ?? 0;
  const ratio = w > 0 && h > 0 ? `${w} / ${h}` : undefined;
  return (
    <div
      className={`media-image${onOpen ? " zoomable" : ""}`}
      style={{ aspectRatio: ratio }}
      onClick={onOpen}
      {...(onOpen ? pressable(onOpen) : {})}
      title={onOpen ? "Click to zoom" : undefined}
    >
      <img src={file.inline ?? file.url} data-path={file.path} alt={file.caption ?? file.path} draggable={false} />
      {file.masks.map((m) => (
        <MaskCanvas key={m.url} url={m.inline ?? m.url} set={m.name} overlay={overlay} />
      ))}
      {file.boxes.map((set) =>
        visibleBoxes(set, overlay.hidden, overlay.threshold).map((b, i) => {
          const r = boxRect(b, w, h);
          if (!r) return null;
          const color = cssColor(classColor(typeof b.class_id === "number" ? b.class_id : 0));
          return (
            <div
              key={`${set.name}-${i}`}
              className="media-box"
              data-boxes={set.name}
              style={{
                left: `${r.x * 100}%`,
                top: `${r.y * 100}%`,
                width: `${r.w * 100}%`,
                height: `${r.h * 100}%`,
                borderColor: color,
              }}
            >
              <span className="media-box-label" style={{ background: color }}>
                {boxLabel(b, set.class_labels)}
              </span>
            </div>
          );
        }),
      )}
    </div>
  );
}
