// Entry point. The first page's requests start here, before the app's code (React,
// the pages, uPlot) has loaded; the app then finds them in the query cache.

import "uplot/dist/uPlot.min.css";
import "./app/style.css";
import "./app/dark.css";
import { prefetchUrl } from "./data/boot";

prefetchUrl(new URL(location.href));
void import("./app/App").then((app) => app.mount());
