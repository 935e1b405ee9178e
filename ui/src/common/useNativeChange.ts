import { useEffect, useRef } from "react";

/** Listen to an input's native ``change`` event (commit on Enter or leaving the
 * field), which React's onChange, firing on every keystroke, does not give. */
export function useNativeChange<T extends HTMLInputElement>(fn: (value: string) => void) {
  const ref = useRef<T>(null);
  const latest = useRef(fn);
  latest.current = fn;
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const on = () => latest.current(el.value);
    el.addEventListener("change", on);
    return () => el.removeEventListener("change", on);
  }, []);
  return ref;
}
