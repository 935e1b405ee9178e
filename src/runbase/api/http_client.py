"""The HTTP side of ``runbase.Api`` against a team server: which server and key,
one ``httpx`` client, and server answers turned into the errors the local store
gives (``http_backend.py`` holds the queries)."""

from __future__ import annotations

import os
from typing import Any

import httpx

from runbase.errors import CommError

DEFAULT_TIMEOUT = 30.0


class AuthError(CommError):
    """The server refused the API key (401/403)."""


def resolve_key(base_url: str, api_key: str | None) -> str | None:
    """The key given, else RUNBASE_API_KEY / WANDB_API_KEY, else ``~/.netrc``'s entry
    for the server (``runbase login``); None reads as an anonymous caller."""
    from runbase.sdk.ship.credentials import stored_key

    return (
        api_key
        or os.environ.get("RUNBASE_API_KEY")
        or os.environ.get("WANDB_API_KEY")
        or stored_key(base_url)
    )


class Http:
    """Requests to ``base_url``/api/v1 with the key, failures as runbase errors."""

    def __init__(self, base_url: str, api_key: str | None, timeout: float | None) -> None:
        from runbase.sdk.ship.credentials import normal_url

        self.base_url = normal_url(base_url)
        headers = {"authorization": f"Bearer {api_key}"} if api_key else {}
        self.client = httpx.Client(
            base_url=f"{self.base_url}/api/v1",
            headers=headers,
            timeout=timeout or DEFAULT_TIMEOUT,
        )

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response | None:
        """The answer, or None for a 404 (a run or project the caller cannot see)."""
        try:
            r = self.client.request(method, path, **kwargs)
        except httpx.TransportError as e:
            raise CommError(
                f"could not reach the runbase server at {self.base_url} ({e}): check the "
                "URL (overrides={'base_url': ...} or RUNBASE_BASE_URL) and that the server runs"
            ) from None
        if r.status_code < 400:
            return r
        detail = _detail(r)
        if r.status_code == 404:
            return None
        if r.status_code in (401, 403):
            raise AuthError(
                f"{self.base_url} refused the request ({r.status_code}: {detail}): check the "
                "API key (api_key=..., RUNBASE_API_KEY, or `runbase login "
                f"--host {self.base_url}`) and that it may read or change this project"
            )
        if r.status_code == 400:
            raise ValueError(detail)
        raise CommError(f"{self.base_url} answered {r.status_code}: {detail}")

    def get(self, path: str, **params: Any) -> httpx.Response | None:
        clean = {k: v for k, v in params.items() if v is not None}
        return self.request("GET", path, params=clean)

    def close(self) -> None:
        self.client.close()


def _detail(r: httpx.Response) -> str:
    try:
        body = r.json()
    except ValueError:
        return r.text[:500]
    return str(body.get("detail", body)) if isinstance(body, dict) else str(body)
