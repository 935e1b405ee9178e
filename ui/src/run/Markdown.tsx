// A run's description as Markdown, rendered safely by the reports' renderer in its
// plain mode: raw HTML and images are left out, DOMPurify keeps only inert markup
// (no event handlers, no javascript: links), and links open in a new tab.

import { useMemo } from "react";
import { renderMarkdown } from "../reports/markdown";

export default function Markdown({ text }: { text: string }) {
  const html = useMemo(() => renderMarkdown(text, { plain: true }), [text]);
  return <div className="markdown" dangerouslySetInnerHTML={{ __html: html }} />;
}
