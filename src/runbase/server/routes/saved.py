"""What the saved views' and the reports' routes share: a call into the store's
documents (``store/documents.py``) for an existing project, its errors as HTTP answers."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException

from runbase.server.deps import project_or_404
from runbase.store import Store
from runbase.store.documents import DocumentConflict, DocumentError, DocumentNotFound


def call_saved(store: Store, entity: str, project: str, fn: Any, *args: Any) -> Any:
    """``fn(store, entity, project, *args)``: 404 for an unknown project or document,
    400 for one that cannot be saved as asked, 409 for an edit of a stale version."""
    project_or_404(store, entity, project)
    try:
        return fn(store, entity, project, *args)
    except DocumentNotFound as e:
        raise HTTPException(404, str(e)) from None
    except DocumentError as e:
        raise HTTPException(400, str(e)) from None
    except DocumentConflict as e:
        raise HTTPException(409, str(e)) from None
