// Overview fields read from a run and its metadata: the full command line, the
// end time and the exit code (with why it was stopped, when it was).

import type { RunDetail } from "../api/endpoints";
import { fmtTime } from "../lib/format";

function text(v: unknown): string {
  return typeof v === "string" ? v : "";
}

/** The command line with its arguments, as the process was started. */
export function commandLine(run: RunDetail): string {
  const m = run.metadata;
  const full = text(m.command);
  if (full) return full;
  const program = text(m.program) || text(m.codePath);
  const args = Array.isArray(m.args) ? m.args.map(String) : [];
  // Quoted as a shell would need them, so the line can be copied and run again.
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'"'"'`)}'`);
  return [program, ...args.map(quote)].filter(Boolean).join(" ");
}

/** When the run ended: its last record, for a run that is no longer running. */
export function endTime(run: RunDetail): string {
  if (run.state === "running") return "";
  const end = run.heartbeat_at ?? (run.created_at != null && run.runtime != null ? run.created_at + run.runtime : null);
  return end == null ? "" : fmtTime(end);
}

/** The exit code, and why the run was stopped when someone stopped it. */
export function exitText(run: RunDetail): string {
  if (run.exit_code == null) return "";
  const why = text(run.metadata.stop_reason) || text(run.metadata.sweep_stop_reason);
  return why ? `${run.exit_code} (${why})` : String(run.exit_code);
}
