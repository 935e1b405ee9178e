// @vitest-environment jsdom
import { cleanup, render } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { StateBadge } from "./StateBadge";

afterEach(cleanup);

describe("StateBadge", () => {
  // A run its sweep stopped (Hyperband, a canceled sweep) ends killed, as in W&B.
  it("shows a killed run as killed, in the killed colour", () => {
    const { getByText } = render(<StateBadge state="killed" />);
    const badge = getByText("killed");
    expect(badge.className).toBe("state state-killed");
  });

  it("gives each W&B state a class of its own", () => {
    for (const state of ["running", "finished", "failed", "crashed", "killed"]) {
      const { getByText } = render(<StateBadge state={state} />);
      expect(getByText(state).classList.contains(`state-${state}`)).toBe(true);
      cleanup();
    }
  });
});
