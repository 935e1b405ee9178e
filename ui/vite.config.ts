import { defineConfig } from "vite";

// The build lands inside the Python package, which serves it (no Node at run time).
export default defineConfig({
  base: "/",
  build: {
    outDir: "../src/runbase/server/static",
    emptyOutDir: true,
    chunkSizeWarningLimit: 600,
  },
  server: {
    proxy: { "/api": "http://127.0.0.1:8765" },
  },
});
