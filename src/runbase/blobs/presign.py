"""Presigned GET URLs that also fix the answer's Content-Type and Content-Disposition.

A bucket serves an object with the headers it was stored with, which for a blob are
nobody's choice (a shipper's upload). S3's GET takes ``response-content-type`` and
``response-content-disposition`` to override them, but only in a signed request, and
obstore's ``sign`` takes no query parameters. So the server signs such a URL itself:
AWS Signature Version 4 in the query string, over the URL obstore signs (its host,
path and addressing style, its credential scope), with the secret key of the store's
configuration or the environment. Without a static secret (an instance role) there
is no URL, and the caller serves the bytes itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
from collections.abc import Mapping
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

_ALGORITHM = "AWS4-HMAC-SHA256"


def _enc(s: str) -> str:
    return quote(s, safe="-_.~")


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def secret_from(config: Mapping[str, str]) -> tuple[str, str | None] | None:
    """(secret access key, session token) from a store's options or the environment."""
    secret = config.get("aws_secret_access_key") or config.get("secret_access_key")
    token = config.get("aws_session_token") or config.get("session_token") or config.get("token")
    if not secret:
        secret, token = os.environ.get("AWS_SECRET_ACCESS_KEY"), os.environ.get("AWS_SESSION_TOKEN")
    return (secret, token or None) if secret else None


def presigned_get(
    signed: str,
    secret: str,
    token: str | None,
    overrides: Mapping[str, str],
    expires_s: int,
    now: dt.datetime | None = None,
) -> str:
    """A GET URL for the object of ``signed`` (a URL obstore presigned), valid
    ``expires_s`` seconds, whose answer carries the ``overrides``
    (``response-content-type``, ``response-content-disposition``)."""
    parts = urlsplit(signed)
    given = dict(parse_qsl(parts.query))
    access_key, _, scope = given["X-Amz-Credential"].partition("/")
    _, region, service, _ = scope.split("/")
    now = now or dt.datetime.now(dt.UTC)
    stamp, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
    scope = f"{day}/{region}/{service}/aws4_request"
    params = {
        "X-Amz-Algorithm": _ALGORITHM,
        "X-Amz-Credential": f"{access_key}/{scope}",
        "X-Amz-Date": stamp,
        "X-Amz-Expires": str(expires_s),
        "X-Amz-SignedHeaders": "host",
        **({"X-Amz-Security-Token": token} if token else {}),
        **overrides,
    }
    query = "&".join(f"{_enc(k)}={_enc(v)}" for k, v in sorted(params.items()))
    canonical = "\n".join(
        ["GET", parts.path or "/", query, f"host:{parts.netloc}", "", "host", "UNSIGNED-PAYLOAD"]
    )
    to_sign = "\n".join([_ALGORITHM, stamp, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = _hmac(f"AWS4{secret}".encode(), day)
    for part in (region, service, "aws4_request"):
        key = _hmac(key, part)
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return urlunsplit(
        (parts.scheme, parts.netloc, parts.path, f"{query}&X-Amz-Signature={signature}", "")
    )
