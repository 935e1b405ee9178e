import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// The build lands inside the Python package, which serves it (no Node at run time).
export default defineConfig({
  base: "/",
  plugins: [react()],
  build: {
    outDir: "../src/runbase/server/static",
    emptyOutDir: true,
    chunkSizeWarningLimit: 800,
  },
  server: {
    proxy: { "/api": "http://127.0.0.1:8765" },
  },
  test: {
    // Pure modules run in Node; component tests ask for jsdom in their first line.
    environment: "node",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test/setup.ts"],
  },
});
