// The breadcrumb header and error boxes every page uses.

import { Fragment, type ReactNode } from "react";
import { Link } from "react-router";
import { ApiError } from "../api/client";

export interface Crumb {
  label: string;
  href?: string;
}

export function PageHeader({ crumbs, children }: { crumbs: Crumb[]; children?: ReactNode }) {
  return (
    <div className="page-header">
      <h1 className="crumbs">
        {crumbs.map((c, i) => (
          <Fragment key={i}>
            {i > 0 && <span className="sep">/</span>}
            {c.href ? <Link to={c.href}>{c.label}</Link> : <span>{c.label}</span>}
          </Fragment>
        ))}
      </h1>
      {children}
    </div>
  );
}

export function ErrorBox({ error }: { error: unknown }) {
  const status = error instanceof ApiError ? error.status : 0;
  const msg = error instanceof Error ? error.message : String(error);
  const title =
    status === 404 ? "Not found" : status === 400 || status === 422 ? "Bad request" : "Something went wrong";
  return (
    <div className="error-box" role="alert">
      <strong>{title}</strong>
      <div className="error-msg">{msg}</div>
    </div>
  );
}
