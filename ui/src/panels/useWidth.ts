// The width of a panel's box, followed as the grid resizes (canvas panels draw to it).

import { useEffect, useRef, useState, type RefObject } from "react";

export function useWidth(initial = 360): [RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [w, setW] = useState(initial);
  useEffect(() => {
    const el = ref.current!;
    const ro = new ResizeObserver(() => {
      if (el.clientWidth > 0) setW(el.clientWidth);
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, w];
}
