// Entry point: the query client, the change feed and the router.

import "uplot/dist/uPlot.min.css";
import "./app/style.css";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app/App";

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
