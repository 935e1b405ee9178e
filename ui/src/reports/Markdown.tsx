// Markdown shown in the page: the sanitised HTML of markdown.ts (nothing in it runs).

import { useMemo } from "react";
import { renderMarkdown } from "./markdown";

export function Markdown({ text }: { text: string }) {
  const html = useMemo(() => renderMarkdown(text), [text]);
  return <div className="markdown" dangerouslySetInnerHTML={{ __html: html }} />;
}
