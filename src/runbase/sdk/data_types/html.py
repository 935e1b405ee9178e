"""``runbase.Html`` (``wandb.Html``): an HTML page kept as ``media/html/*.html``."""

from __future__ import annotations

import os
from typing import Any, ClassVar

from runbase.sdk.data_types.base import FileMedia

# W&B also links its own stylesheet from app.wandb.ai here; runbase links nothing
# outside the run, so the page works offline and the web app fetches nothing else.
_HEAD = '<base target="_blank">'


class Html(FileMedia):
    """``Html("<h1>hi</h1>")``, ``Html(open_file)`` or ``Html("page.html")``."""

    SUBDIR: ClassVar[str] = "media/html"
    _log_type: ClassVar[str] = "html-file"

    def __init__(self, data: Any, inject: bool = True, data_is_not_path: bool = False) -> None:
        is_path = (
            isinstance(data, str | os.PathLike)
            and not data_is_not_path
            and os.path.isfile(data)
            and os.path.splitext(data)[1] == ".html"
        )
        if is_path:
            with open(data, encoding="utf-8") as f:
                self.html = f.read()
        elif isinstance(data, str):
            self.html = data
        elif hasattr(data, "read"):
            if hasattr(data, "seek"):
                data.seek(0)
            self.html = data.read()
        else:
            raise ValueError("Html: pass a string of HTML, a file object or a path to a .html file")
        if not isinstance(self.html, str):
            raise TypeError("Html: the HTML must be text (str), not bytes")
        if inject:
            self.html = inject_head(self.html)
        if inject or not is_path:
            self._set_bytes(self.html.encode("utf-8"), ".html")
        else:
            self._set_path(os.fspath(data), ".html")

    @classmethod
    def seq_json(cls, pointers: list[dict[str, Any]], items: list[Any]) -> dict[str, Any]:
        return {"_type": "html", "count": len(items), "html": pointers}


def inject_head(html: str) -> str:
    """W&B's placement of its ``<head>`` addition."""
    if "<head>" in html:
        before, after = html.split("<head>", 1)
        parts = [before + "<head>", _HEAD, after]
    elif "<html>" in html:
        before, after = html.split("<html>", 1)
        parts = [before + "<html><head>", _HEAD, "</head>" + after]
    else:
        parts = ["", _HEAD, html]
    return "".join(parts).strip()
