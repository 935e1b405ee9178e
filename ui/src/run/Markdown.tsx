// A run's description as Markdown, rendered safely: react-markdown builds React
// elements (never innerHTML), leaves raw HTML out, and its URL filter drops
// javascript: and other unsafe links. Images are left out too: the app loads
// nothing from other sites (its CSP would refuse them anyway).

import ReactMarkdown, { type Components } from "react-markdown";

const components: Components = {
  a: ({ href, children }) => (
    <a href={href} target="_blank" rel="noopener noreferrer nofollow">
      {children}
    </a>
  ),
};

export default function Markdown({ text }: { text: string }) {
  return (
    <div className="markdown">
      <ReactMarkdown skipHtml disallowedElements={["img"]} components={components}>
        {text}
      </ReactMarkdown>
    </div>
  );
}
