// The app: one QueryClient (the data layer), the change feed that keeps it
// fresh, and the routes. Every page has its own URL; the server answers
// index.html for each, so any of them can be reloaded and shared.

import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import { lazy, StrictMode, Suspense } from "react";
import { createRoot } from "react-dom/client";
import { createBrowserRouter, Link, Outlet, ScrollRestoration, useParams, type LoaderFunctionArgs } from "react-router";
import { RouterProvider } from "react-router/dom";
import { NotFound } from "../common/NotFound";
import { useChangeFeed } from "../data/changeFeed";
import { prefetchRun, prefetchWorkspace, queryClient as client } from "../data/boot";
import { isRunTab } from "../lib/paths";
import { UserMenu } from "../team/UserMenu";
import { SavedViewGate } from "../workspace/ViewsMenu";
import { WorkspacePage } from "../workspace/WorkspacePage";

// Pages in chunks of their own, loaded when first shown: the workspace, the page
// most loads open, is in the app's chunk, and the others do not slow its start.
const ArtifactsPage = lazy(() => import("../artifacts/ArtifactsPage").then((m) => ({ default: m.ArtifactsPage })));
const VersionPage = lazy(() => import("../artifacts/VersionPage").then((m) => ({ default: m.VersionPage })));
const CompareRoute = lazy(() => import("../compare/ComparePage").then((m) => ({ default: m.CompareRoute })));
const ProjectsPage = lazy(() => import("../projects/ProjectsPage").then((m) => ({ default: m.ProjectsPage })));
const ReportPage = lazy(() => import("../reports/ReportPage").then((m) => ({ default: m.ReportPage })));
const ReportsPage = lazy(() => import("../reports/ReportsPage").then((m) => ({ default: m.ReportsPage })));
const RunPage = lazy(() => import("../run/RunPage").then((m) => ({ default: m.RunPage })));
const SweepsPage = lazy(() => import("../sweeps/SweepsPage").then((m) => ({ default: m.SweepsPage })));
const SweepWorkspace = lazy(() => import("../sweeps/SweepWorkspace").then((m) => ({ default: m.SweepWorkspace })));
const KeysPage = lazy(() => import("../team/KeysPage").then((m) => ({ default: m.KeysPage })));
const LoginPage = lazy(() => import("../team/LoginPage").then((m) => ({ default: m.LoginPage })));
const ProjectSettings = lazy(() => import("../team/ProjectSettings").then((m) => ({ default: m.ProjectSettings })));
const AdminPage = lazy(() => import("../team/AdminPage").then((m) => ({ default: m.AdminPage })));
const TeamsPage = lazy(() => import("../team/TeamsPage").then((m) => ({ default: m.TeamsPage })));

function Layout() {
  return (
    <>
      <header id="topbar">
        <Link to="/" className="brand">
          <span className="logo" />
          runbase
        </Link>
        <UserMenu />
      </header>
      <main id="app">
        <Suspense fallback={<div className="loading">Loading…</div>}>
          <Outlet />
        </Suspense>
      </main>
      <ScrollRestoration />
    </>
  );
}

function Workspace() {
  const { entity = "", project = "" } = useParams();
  return (
    <SavedViewGate key={`${entity}/${project}`} entity={entity} project={project}>
      <WorkspacePage entity={entity} project={project} />
    </SavedViewGate>
  );
}

function Run() {
  const { entity = "", project = "", runId = "", tab = "overview" } = useParams();
  if (!isRunTab(tab)) return <NotFound />;
  return <RunPage key={`${entity}/${project}/${runId}`} entity={entity} project={project} runId={runId} tab={tab} />;
}

function Artifacts() {
  const { entity = "", project = "", name, version } = useParams();
  if (name && version)
    return (
      <VersionPage
        key={`${entity}/${project}/${name}/${version}`}
        entity={entity}
        project={project}
        name={name}
        version={version}
      />
    );
  return <ArtifactsPage entity={entity} project={project} name={name} />;
}

function Sweeps() {
  const { entity = "", project = "", sweepId } = useParams();
  if (sweepId)
    return (
      <SweepWorkspace key={`${entity}/${project}/${sweepId}`} entity={entity} project={project} sweepId={sweepId} />
    );
  return <SweepsPage key={`${entity}/${project}`} entity={entity} project={project} />;
}

function Reports() {
  const { entity = "", project = "", reportId } = useParams();
  if (reportId)
    return (
      <ReportPage key={`${entity}/${project}/${reportId}`} entity={entity} project={project} reportId={reportId} />
    );
  return <ReportsPage key={`${entity}/${project}`} entity={entity} project={project} />;
}

// Loaders start a page's first requests when the app navigates to it (the first
// page's are already on their way: data/boot.ts).
function workspaceLoader({ params, request }: LoaderFunctionArgs): null {
  prefetchWorkspace(params.entity ?? "", params.project ?? "", new URL(request.url).searchParams);
  return null;
}

function runLoader({ params }: LoaderFunctionArgs): null {
  prefetchRun(params.entity ?? "", params.project ?? "", params.runId ?? "");
  return null;
}

const router = createBrowserRouter([
  {
    element: <Layout />,
    children: [
      { path: "/", element: <ProjectsPage /> },
      { path: "/login", element: <LoginPage /> },
      { path: "/settings/keys", element: <KeysPage /> },
      { path: "/settings/teams", element: <TeamsPage /> },
      { path: "/settings/admin", element: <AdminPage /> },
      { path: "/:entity/:project/settings", element: <ProjectSettings /> },
      { path: "/:entity/:project", element: <Workspace />, loader: workspaceLoader, shouldRevalidate: () => false },
      { path: "/:entity/:project/runs/:runId", element: <Run />, loader: runLoader },
      { path: "/:entity/:project/runs/:runId/:tab", element: <Run />, loader: runLoader },
      { path: "/:entity/:project/artifacts", element: <Artifacts /> },
      { path: "/:entity/:project/artifacts/:name", element: <Artifacts /> },
      { path: "/:entity/:project/artifacts/:name/:version", element: <Artifacts /> },
      { path: "/:entity/:project/compare", element: <CompareRoute /> },
      { path: "/:entity/:project/sweeps", element: <Sweeps /> },
      { path: "/:entity/:project/sweeps/:sweepId", element: <Sweeps /> },
      { path: "/:entity/:project/reports", element: <Reports /> },
      { path: "/:entity/:project/reports/:reportId", element: <Reports /> },
      { path: "*", element: <NotFound /> },
    ],
  },
]);

function Feed({ client }: { client: QueryClient }) {
  useChangeFeed(client);
  return null;
}

function App() {
  return (
    <QueryClientProvider client={client}>
      <Feed client={client} />
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}

/** Render the app into ``#root`` (main.tsx loads this module after starting the first requests). */
export function mount(): void {
  createRoot(document.getElementById("root")!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
