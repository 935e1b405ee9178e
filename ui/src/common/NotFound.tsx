import { Link, useLocation } from "react-router";

export function NotFound() {
  const { pathname } = useLocation();
  return (
    <div className="not-found">
      <h1>Page not found</h1>
      <p>Nothing lives at {pathname}.</p>
      <p>
        <Link to="/">← All projects</Link>
      </p>
    </div>
  );
}
