// One report, read and written in place: its title, its blocks (markdown and panel
// grids), each edited, moved or deleted from its own small toolbar. Every change is
// saved at once (the whole block list), so a reload or the shared URL shows it.

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { useNavigate, useSearchParams } from "react-router";
import { ProjectNav } from "../artifacts/ArtifactsPage";
import { ErrorBox, PageHeader } from "../common/PageHeader";
import { projectPath } from "../lib/paths";
import { reportKeys, reportsApi, type Block, type Report } from "./api";
import { insertBlock, markdownBlock, moveBlock, panelsBlock, removeBlock, replaceBlock } from "./blocks";
import { MarkdownEditor, PanelsEditor } from "./BlockEditors";
import { captureParts, download } from "./exportCapture";
import { exportFileName, exportHtml } from "./exportHtml";
import { Markdown } from "./Markdown";
import { PanelGridBlock } from "./PanelGridBlock";
import { reportsPath } from "./paths";
import "./reports.css";

interface Props {
  entity: string;
  project: string;
  reportId: string;
}

function useSave(entity: string, project: string, reportId: string) {
  const qc = useQueryClient();
  const key = reportKeys.one(entity, project, reportId);
  return useMutation({
    // One save at a time, each from the version the one before saved (the cache's
    // updated_at: optimistic updates keep it): a save that finds the report changed by
    // someone else since is refused (409), not laid over their change.
    scope: { id: `report:${entity}/${project}/${reportId}` },
    mutationFn: (body: { title?: string; blocks?: Block[] }) =>
      reportsApi.update(entity, project, reportId, { ...body, base: qc.getQueryData<Report>(key)?.updated_at }),
    onMutate: (body) => {
      // Shown at once; the server's answer replaces it.
      const old = qc.getQueryData<Report>(key);
      if (old) qc.setQueryData<Report>(key, { ...old, ...body });
    },
    // Refused (a 409: someone else's save; a 400: too big): the page shows the saved
    // report again, and the error box says why.
    onError: () => void qc.invalidateQueries({ queryKey: key, exact: true }),
    onSuccess: (r) => {
      qc.setQueryData(key, r);
      void qc.invalidateQueries({ queryKey: reportKeys.list(entity, project), exact: true });
    },
  });
}

function Title({ title, onSave }: { title: string; onSave: (t: string) => void }) {
  const [text, setText] = useState(title);
  useEffect(() => setText(title), [title]);
  const commit = () => {
    if (text.trim() && text.trim() !== title) onSave(text.trim());
    else setText(title);
  };
  return (
    <input
      className="report-title"
      aria-label="Report title"
      value={text}
      onChange={(e) => setText(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => e.key === "Enter" && (e.target as HTMLInputElement).blur()}
    />
  );
}

function Toolbar({ report, entity, project }: { report: Report; entity: string; project: string }) {
  const [copied, setCopied] = useState<string | null>(null);
  const qc = useQueryClient();
  const nav = useNavigate();
  const remove = useMutation({
    mutationFn: () => reportsApi.remove(entity, project, report.id),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: reportKeys.list(entity, project) });
      nav(reportsPath(entity, project));
    },
  });
  const copy = async () => {
    const url = location.origin + reportsPath(entity, project, report.id);
    try {
      await navigator.clipboard.writeText(url);
      setCopied(`Copied ${url}`);
    } catch {
      setCopied(url); // no clipboard (an insecure origin): the link to copy by hand
    }
  };
  const exportFile = () => {
    const parts = captureParts(document, report.blocks);
    const html = exportHtml(report.title, parts, { source: `${entity}/${project}`, when: new Date() });
    download(html, exportFileName(report.title));
  };
  return (
    <div className="report-toolbar">
      <button className="report-copy" onClick={copy}>
        Copy link
      </button>
      <button className="report-export" onClick={exportFile}>
        Export HTML
      </button>
      <button
        className="report-delete danger"
        onClick={() => confirm(`Delete the report "${report.title}"?`) && remove.mutate()}
      >
        Delete
      </button>
      {copied && (
        <span className="report-copied muted" role="status">
          {copied}
        </span>
      )}
      {remove.error && <ErrorBox error={remove.error} />}
    </div>
  );
}

function BlockView(props: {
  entity: string;
  project: string;
  block: Block;
  editing: boolean;
  first: boolean;
  last: boolean;
  onEdit: (on: boolean) => void;
  onChange: (blocks: (bs: Block[]) => Block[]) => void;
}) {
  const { entity, project, block, editing, onEdit, onChange } = props;
  const done = (b: Block) => {
    onChange((bs) => replaceBlock(bs, b));
    onEdit(false);
  };
  let body;
  if (block.type === "markdown")
    body = editing ? (
      <MarkdownEditor block={block} onDone={done} onCancel={() => onEdit(false)} />
    ) : (
      <Markdown text={block.text ?? ""} />
    );
  else
    body = (
      <>
        {editing && (
          <PanelsEditor entity={entity} project={project} block={block} onDone={done} onCancel={() => onEdit(false)} />
        )}
        <PanelGridBlock entity={entity} project={project} block={block} />
      </>
    );
  return (
    <section className={`report-block${editing ? " editing" : ""}`} data-block={block.id} data-type={block.type}>
      <div className="block-tools">
        {!editing && (
          <button className="block-edit" onClick={() => onEdit(true)}>
            Edit
          </button>
        )}
        <button
          className="block-up"
          aria-label="Move up"
          disabled={props.first}
          onClick={() => onChange((bs) => moveBlock(bs, block.id, -1))}
        >
          ↑
        </button>
        <button
          className="block-down"
          aria-label="Move down"
          disabled={props.last}
          onClick={() => onChange((bs) => moveBlock(bs, block.id, 1))}
        >
          ↓
        </button>
        <button
          className="block-delete danger"
          aria-label="Delete block"
          onClick={() => onChange((bs) => removeBlock(bs, block.id))}
        >
          ×
        </button>
      </div>
      {body}
    </section>
  );
}

export function ReportPage({ entity, project, reportId }: Props) {
  const q = useQuery({
    queryKey: reportKeys.one(entity, project, reportId),
    queryFn: () => reportsApi.get(entity, project, reportId),
  });
  const save = useSave(entity, project, reportId);
  // The block being edited is in the URL (?edit=md1): a new report opens its first block.
  const [params, setParams] = useSearchParams();
  const editing = params.get("edit");
  const setEditing = (id: string | null) => setParams(id ? { edit: id } : {}, { replace: true });
  const report = q.data;
  const blocksRef = useRef<Block[]>([]);
  blocksRef.current = report?.blocks ?? [];
  useEffect(() => {
    document.title = `${report?.title ?? "Report"} · ${project} · runbase`;
  }, [report?.title, project]);
  const change = (fn: (bs: Block[]) => Block[]) => save.mutate({ blocks: fn(blocksRef.current) });
  const add = (b: Block) => {
    change((bs) => insertBlock(bs, b));
    setEditing(b.id);
  };
  const crumbs = [
    { label: entity },
    { label: project, href: projectPath(entity, project) },
    { label: "Reports", href: reportsPath(entity, project) },
    { label: report?.title ?? reportId },
  ];
  return (
    <>
      <PageHeader crumbs={crumbs}>
        <ProjectNav entity={entity} project={project} current="reports" />
      </PageHeader>
      {q.error && <ErrorBox error={q.error} />}
      {save.error && <ErrorBox error={save.error} />}
      {report && (
        <article className="report" data-report={report.id}>
          <Title title={report.title} onSave={(title) => save.mutate({ title })} />
          <Toolbar report={report} entity={entity} project={project} />
          {report.blocks.map((b, i) => (
            <BlockView
              key={b.id}
              entity={entity}
              project={project}
              block={b}
              editing={editing === b.id}
              first={i === 0}
              last={i === report.blocks.length - 1}
              onEdit={(on) => setEditing(on ? b.id : null)}
              onChange={change}
            />
          ))}
          <div className="report-add">
            <button className="add-markdown" onClick={() => add(markdownBlock(report.blocks))}>
              + Text
            </button>
            <button className="add-panels" onClick={() => add(panelsBlock(report.blocks))}>
              + Panel grid
            </button>
          </div>
        </article>
      )}
    </>
  );
}
