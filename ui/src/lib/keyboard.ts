// Keyboard access for controls that are not <button>s (a whole table row, an
// image): Tab reaches them, Enter or Space presses them, as a button would.

import type { KeyboardEvent } from "react";

export function pressable(onPress: () => void) {
  return {
    role: "button" as const,
    tabIndex: 0,
    onKeyDown: (e: KeyboardEvent<HTMLElement>) => {
      // Only the element itself: a key pressed in a button or input inside it is theirs.
      if (e.target !== e.currentTarget || (e.key !== "Enter" && e.key !== " ")) return;
      e.preventDefault(); // Space would scroll the page
      onPress();
    },
  };
}
