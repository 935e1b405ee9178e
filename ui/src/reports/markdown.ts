// Markdown to safe HTML: marked renders it, DOMPurify then keeps only inert markup
// (no <script>, <style>, <iframe>, event handlers or javascript: URLs), so text
// someone else wrote in a report never runs in a reader's browser or in an
// exported file.

import DOMPurify from "dompurify";
import { marked } from "marked";

const FORBID = ["style", "form", "input", "button", "textarea", "select", "iframe", "object", "embed"];

export function renderMarkdown(text: string): string {
  const html = marked.parse(text, { async: false, gfm: true, breaks: false }) as string;
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true }, FORBID_TAGS: FORBID, FORBID_ATTR: ["style"] });
}
