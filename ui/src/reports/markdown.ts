// Markdown to safe HTML: marked renders it, DOMPurify then keeps only inert markup
// (no <script>, <style>, <iframe>, event handlers or javascript: URLs), so text
// someone else wrote in a report or a run's description never runs in a reader's
// browser or in an exported file.

import DOMPurify from "dompurify";
import { Marked } from "marked";

const FORBID = ["style", "form", "input", "button", "textarea", "select", "iframe", "object", "embed"];

const full = new Marked({ async: false, gfm: true, breaks: false });
// A run's description: raw HTML and images are left out (the app loads nothing from
// other sites: its CSP would refuse them anyway), as if they were not written.
const plain = new Marked({ async: false, gfm: true, breaks: false, renderer: { html: () => "", image: () => "" } });

/** Links open in a new tab that cannot reach back to the page (``window.opener``). */
function newTabLinks(node: Element): void {
  if (node.tagName !== "A" || !node.hasAttribute("href")) return;
  node.setAttribute("target", "_blank");
  node.setAttribute("rel", "noopener noreferrer nofollow");
}

export interface MarkdownOptions {
  /** A description rather than a report: no raw HTML, no images, links in a new tab. */
  plain?: boolean;
}

export function renderMarkdown(text: string, { plain: isPlain = false }: MarkdownOptions = {}): string {
  const html = (isPlain ? plain : full).parse(text) as string;
  const config = { USE_PROFILES: { html: true }, FORBID_ATTR: ["style"] };
  if (!isPlain) return DOMPurify.sanitize(html, { ...config, FORBID_TAGS: FORBID });
  // sanitize() is synchronous: the hook is only ever in place for this one call.
  DOMPurify.addHook("afterSanitizeAttributes", newTabLinks);
  try {
    return DOMPurify.sanitize(html, { ...config, FORBID_TAGS: [...FORBID, "img"] });
  } finally {
    DOMPurify.removeHook("afterSanitizeAttributes", newTabLinks);
  }
}
