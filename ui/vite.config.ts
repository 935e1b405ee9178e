import react from "@vitejs/plugin-react";
import type { Plugin } from "vite";
import { defineConfig } from "vitest/config";

// main.tsx starts the first requests, then imports the app; this tells the
// browser to fetch the app's chunk at once instead of after main.tsx has run.
function preloadApp(): Plugin {
  return {
    name: "runbase-preload-app",
    apply: "build",
    transformIndexHtml: {
      order: "post",
      handler(_html, ctx) {
        // Only the app: chunks loaded on demand (three.js for point clouds) stay unfetched.
        const chunks = Object.values(ctx.bundle ?? {}).filter(
          (c) => c.type === "chunk" && c.isDynamicEntry && !!c.facadeModuleId?.endsWith("/src/app/App.tsx"),
        );
        return chunks.map((c) => ({
          tag: "link",
          attrs: { rel: "modulepreload", crossorigin: true, href: `/${c.fileName}` },
          injectTo: "head" as const,
        }));
      },
    },
  };
}

// The build lands inside the Python package, which serves it (no Node at run time).
export default defineConfig({
  base: "/",
  plugins: [react(), preloadApp()],
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
