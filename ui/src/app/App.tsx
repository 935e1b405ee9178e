// The app: one QueryClient (the data layer), the change feed that keeps it
// fresh, and the routes. Every page has its own URL; the server answers
// index.html for each, so any of them can be reloaded and shared.

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createBrowserRouter, Link, Outlet, ScrollRestoration, useParams, type LoaderFunctionArgs } from "react-router";
import { RouterProvider } from "react-router/dom";
import { ApiError } from "../api/client";
import { NotFound } from "../common/NotFound";
import { useChangeFeed } from "../data/changeFeed";
import { columnsQuery, projectQuery, runsPageQuery } from "../data/runs";
import { isRunTab } from "../lib/paths";
import { ProjectsPage } from "../projects/ProjectsPage";
import { RunPage, runQuery } from "../run/RunPage";
import { toMongo } from "../workspace/filters";
import { parseView } from "../workspace/view";
import { WorkspacePage } from "../workspace/WorkspacePage";

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Fresh until the change feed says otherwise: no query polls on its own.
        staleTime: Infinity,
        refetchOnWindowFocus: false,
        // A 4xx answer will not change by asking again.
        retry: (n, e) => !(e instanceof ApiError && e.status >= 400 && e.status < 500) && n < 2,
      },
    },
  });
}

function Layout() {
  return (
    <>
      <header id="topbar">
        <Link to="/" className="brand">
          <span className="logo" />
          runbase
        </Link>
      </header>
      <main id="app">
        <Outlet />
      </main>
      <ScrollRestoration />
    </>
  );
}

function Workspace() {
  const { entity = "", project = "" } = useParams();
  return <WorkspacePage key={`${entity}/${project}`} entity={entity} project={project} />;
}

function Run() {
  const { entity = "", project = "", runId = "", tab = "overview" } = useParams();
  if (!isRunTab(tab)) return <NotFound />;
  return <RunPage key={`${entity}/${project}/${runId}`} entity={entity} project={project} runId={runId} tab={tab} />;
}

const client = makeQueryClient();

// Loaders start a page's first requests while the page's code still runs (they
// never wait for them: the page shows its own loading and error states).
function workspaceLoader({ params, request }: LoaderFunctionArgs): null {
  const [e, p] = [params.entity ?? "", params.project ?? ""];
  void client.prefetchQuery(projectQuery(e, p));
  void client.prefetchQuery(columnsQuery(e, p));
  const view = parseView(new URL(request.url).searchParams);
  if (!view.group) {
    const q = { filters: toMongo(view.filters) ?? undefined, search: view.search || undefined, order: view.sort };
    void client.prefetchQuery(runsPageQuery(e, p, q, 0));
  }
  return null;
}

function runLoader({ params }: LoaderFunctionArgs): null {
  void client.prefetchQuery(
    runQuery({ entity: params.entity ?? "", project: params.project ?? "", runId: params.runId ?? "" }),
  );
  return null;
}

const router = createBrowserRouter([
  {
    element: <Layout />,
    children: [
      { path: "/", element: <ProjectsPage /> },
      { path: "/:entity/:project", element: <Workspace />, loader: workspaceLoader, shouldRevalidate: () => false },
      { path: "/:entity/:project/runs/:runId", element: <Run />, loader: runLoader },
      { path: "/:entity/:project/runs/:runId/:tab", element: <Run />, loader: runLoader },
      { path: "*", element: <NotFound /> },
    ],
  },
]);

function Feed({ client }: { client: QueryClient }) {
  useChangeFeed(client);
  return null;
}

export function App() {
  return (
    <QueryClientProvider client={client}>
      <Feed client={client} />
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
