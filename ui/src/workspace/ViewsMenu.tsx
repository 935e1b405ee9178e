// Saved views in the workspace: the gate that opens a view's link (or the
// project's default view) before the workspace first renders, and the menu in
// the table toolbar (open, save, save as, rename, delete, make default, reset,
// copy link) with a dot when the workspace differs from the open view.

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createContext, Fragment, useCallback, useContext, useEffect, useState, type ReactNode } from "react";
import { useSearchParams } from "react-router";
import { viewsApi, type SavedView } from "../api/views";
import { takeEarlyView } from "../data/boot";
import { updatePrefs, usePrefs } from "../data/prefs";
import {
  applyToPrefs,
  captureState,
  EMPTY_STATE,
  parseState,
  sameState,
  stateParams,
  VIEW_PARAM,
  type SavedState,
} from "./savedViews";
import type { View } from "./viewState";

const listKey = (e: string, p: string) => ["views", e, p];
const viewKey = (e: string, p: string, id: string | null) => ["views", e, p, "one", id];

/** Show a state: its view in the URL (with the view's id), its columns and colours in
 * prefs. Returns the URL's new query string. */
function useShowState(entity: string, project: string) {
  const [, setParams] = useSearchParams();
  const qc = useQueryClient();
  return useCallback(
    (state: SavedState, view: SavedView | null) => {
      if (view) qc.setQueryData(viewKey(entity, project, view.id), view);
      updatePrefs(entity, project, (p) => applyToPrefs(p, state));
      const params = stateParams(state, view?.id ?? null);
      setParams(params, { replace: true, preventScrollReset: true });
      return params.toString();
    },
    [entity, project, qc, setParams],
  );
}

/** Renders the workspace once a link's view (``?view=<id>`` alone) or, for a bare
 * project URL, the default view is shown; a URL with its own parameters (a
 * reload, an unsaved change) is shown as it is. One request either way. */
type Show = (state: SavedState, view: SavedView | null) => void;
const ShowContext = createContext<Show>(() => undefined);

export function SavedViewGate({ entity, project, children }: { entity: string; project: string; children: ReactNode }) {
  const [params] = useSearchParams();
  const showState = useShowState(entity, project);
  const [ready, setReady] = useState(false);
  // A shown view remounts the workspace once the URL has it, so parts that keep
  // a draft of their own (the filter rows) start from the view, not the old state.
  const [want, setWant] = useState<string | null>(null);
  const [gen, setGen] = useState(0);
  const show = useCallback<Show>((s, v) => setWant(showState(s, v)), [showState]);
  useEffect(() => {
    if (want === null || params.toString() !== want) return;
    setWant(null);
    setGen((g) => g + 1);
    setReady(true);
  }, [params, want]);
  useEffect(() => {
    const names = [...params.keys()];
    const id = params.get(VIEW_PARAM);
    if (names.length > (id ? 1 : 0)) return setReady(true);
    let live = true;
    // Usually asked for at boot (data/boot.ts), with the runs it shows.
    const load =
      takeEarlyView(entity, project, id) ??
      (id ? viewsApi.get(entity, project, id) : viewsApi.getDefault(entity, project));
    load
      .then((v) => {
        if (!live) return;
        if (v) show(parseState(v.state), v);
        else setReady(true);
      })
      .catch(() => live && setReady(true)); // an unknown view: the menu says so; the workspace opens as it is
    return () => {
      live = false;
    };
    // Only when the page opens: later URL changes are the user's.
  }, [entity, project]);
  if (!ready) return <div className="loading view-loading">Opening view…</div>;
  return (
    <ShowContext.Provider value={show}>
      <Fragment key={gen}>{children}</Fragment>
    </ShowContext.Provider>
  );
}

async function ask<T>(run: () => Promise<T>, setNote: (s: string) => void): Promise<T | undefined> {
  try {
    return await run();
  } catch (e) {
    setNote(e instanceof Error ? e.message : String(e));
    return undefined;
  }
}

export function ViewsMenu({ entity, project, view }: { entity: string; project: string; view: View }) {
  const [params, setParams] = useSearchParams();
  const id = params.get(VIEW_PARAM);
  const prefs = usePrefs(entity, project);
  const qc = useQueryClient();
  const show = useContext(ShowContext);
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState("");
  const list = useQuery({ queryKey: listKey(entity, project), queryFn: () => viewsApi.list(entity, project) });
  const current = useQuery({
    queryKey: viewKey(entity, project, id),
    queryFn: () => viewsApi.get(entity, project, id!),
    enabled: !!id,
    retry: false,
  });
  const state = captureState(view, prefs);
  const saved = current.data ?? null;
  const dirty = saved ? !sameState(state, parseState(saved.state)) : false;
  // The list and the open view (its "default" mark) both follow a change.
  const refresh = () => qc.invalidateQueries({ queryKey: listKey(entity, project) });
  const done = (v: SavedView | undefined, msg: string) => {
    if (!v) return;
    qc.setQueryData(viewKey(entity, project, v.id), v);
    setNote(msg);
    void refresh();
  };

  const openView = async (vid: string) => {
    const v = await ask(() => viewsApi.get(entity, project, vid), setNote);
    if (v) show(parseState(v.state), v);
    setOpen(false);
  };
  const save = async () => {
    if (!saved) return saveAs();
    done(await ask(() => viewsApi.update(entity, project, saved.id, { state }), setNote), `Saved "${saved.name}"`);
  };
  const saveAs = async () => {
    const name = prompt("Name of the new view", saved ? `${saved.name} (copy)` : "");
    if (!name) return;
    const v = await ask(() => viewsApi.create(entity, project, name, state), setNote);
    if (!v) return;
    done(v, `Saved "${v.name}"`);
    setParams((old) => (old.set(VIEW_PARAM, v.id), old), { replace: true, preventScrollReset: true });
  };
  const rename = async () => {
    const name = saved && prompt("New name of the view", saved.name);
    if (!saved || !name) return;
    done(await ask(() => viewsApi.update(entity, project, saved.id, { name }), setNote), `Renamed to "${name}"`);
  };
  const remove = async () => {
    if (!saved || !confirm(`Delete the view "${saved.name}"?`)) return;
    if ((await ask(() => viewsApi.remove(entity, project, saved.id), setNote)) === undefined) return;
    setParams((old) => (old.delete(VIEW_PARAM), old), { replace: true, preventScrollReset: true });
    setNote(`Deleted "${saved.name}"`);
    void refresh();
  };
  const makeDefault = async () => {
    if (!saved) return;
    if (await ask(() => viewsApi.setDefault(entity, project, saved.id), setNote))
      setNote(`"${saved.name}" opens by default`);
    void refresh();
  };
  const reset = async () => {
    const v = await ask(() => viewsApi.getDefault(entity, project), setNote);
    if (v === undefined) return;
    show(v ? parseState(v.state) : EMPTY_STATE, v);
    setNote(v ? `Reset to the default view "${v.name}"` : "Reset to the default workspace");
    setOpen(false);
  };
  const copyLink = () => {
    if (!saved) return;
    const url = `${location.origin}${location.pathname}?${VIEW_PARAM}=${encodeURIComponent(saved.id)}`;
    navigator.clipboard?.writeText(url).catch(() => undefined);
    setNote(`Link copied: ${url}`);
  };

  const label = saved ? saved.name : id && current.isError ? "View not found" : "Unsaved view";
  return (
    <div className="popover-anchor views-menu">
      <button
        className="views-btn"
        onClick={() => setOpen((o) => !o)}
        title={dirty ? "Changed since saved" : undefined}
      >
        {`View: ${label}`}
        {dirty && <span className="view-dirty"> •</span>}
      </button>
      <button className="view-save" onClick={save} disabled={!!saved && !dirty}>
        Save
      </button>
      {open && (
        <div className="popover views-popover">
          <div className="views-list">
            {(list.data?.views ?? []).map((v) => (
              <button
                key={v.id}
                className={`view-item${v.id === id ? " current" : ""}`}
                onClick={() => void openView(v.id)}
              >
                {v.name}
                {v.is_default ? " (default)" : ""}
              </button>
            ))}
            {list.data?.views.length === 0 && <div className="muted">No saved views yet</div>}
          </div>
          <div className="views-actions">
            <button className="view-save-as" onClick={saveAs}>
              Save as…
            </button>
            <button className="view-rename" onClick={rename} disabled={!saved}>
              Rename…
            </button>
            <button className="view-delete danger" onClick={remove} disabled={!saved}>
              Delete
            </button>
            <button className="view-default" onClick={makeDefault} disabled={!saved || saved.is_default}>
              Make default
            </button>
            <button className="view-copy" onClick={copyLink} disabled={!saved}>
              Copy link
            </button>
            <button className="view-reset" onClick={reset}>
              Reset to default
            </button>
          </div>
        </div>
      )}
      <span className="view-note">{note}</span>
    </div>
  );
}
