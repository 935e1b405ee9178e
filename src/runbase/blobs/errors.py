"""Errors of the blob store, and the translation of the object-store library's errors.

Each class also derives from the built-in a caller would naturally catch
(``FileNotFoundError`` for a missing blob, ``PermissionError`` for refused credentials),
and from runbase's ``Error`` so ``except wandb.Error`` sees them all.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager

from runbase.errors import CommError, Error


class BlobError(Error):
    """A blob store operation failed; the message says what to do."""


class BlobNotFoundError(BlobError, FileNotFoundError):
    """No blob with that sha256 is stored."""


class BlobCorruptError(BlobError):
    """Stored bytes no longer hash to their name, or a source changed while it was stored."""


class BlobStoreFullError(BlobError):
    """The disk under the store (or its scratch space) is full."""


class BlobStoreUnreachableError(BlobError, CommError):
    """The object store's endpoint did not answer."""


class BlobStoreAccessError(BlobError, PermissionError):
    """The object store refused the credentials."""


_FULL = (errno.ENOSPC, errno.EDQUOT)
_UNREACHABLE = (
    "error sending request",
    "connection refused",
    "dns error",
    "timed out",
    "operation timed out",
    "connect error",
)
_ACCESS = ("403 forbidden", "invalidaccesskeyid", "signaturedoesnotmatch", "accessdenied")


def first_line(exc: BaseException) -> str:
    """The library's message without its multi-line debug dump."""
    text = str(exc).strip()
    return text.split("\n", 1)[0].strip() if text else type(exc).__name__


def _is_full(exc: BaseException, text: str) -> bool:
    if isinstance(exc, OSError) and exc.errno in _FULL:
        return True
    return "no space left on device" in text or "os error 28" in text or "os error 122" in text


def translate(exc: BaseException, where: str, sha256: str | None) -> BlobError | None:
    """The BlobError that says what went wrong, or None to let ``exc`` through unchanged."""
    text = str(exc).lower()
    name = type(exc).__name__
    # obstore raises its own classes, and built-in ones (FileNotFoundError) without errno.
    from_library = (
        type(exc).__module__.startswith("obstore")
        or (isinstance(exc, OSError) and exc.errno is None)
        or "debug source" in text
    )
    if _is_full(exc, text):
        return BlobStoreFullError(
            f"no space left for blobs in {where}: free some space, or store blobs elsewhere "
            f"({first_line(exc)})"
        )
    if not from_library:
        return None  # the caller's source raised (a vanished file...): its error is the useful one
    if name == "AlreadyExistsError":
        return None  # a signal the blob store handles (dedup), not a failure
    if "nosuchbucket" in text:
        return BlobError(f"the bucket of {where} does not exist: create it, or fix the URL")
    if isinstance(exc, FileNotFoundError) or name == "NotFoundError":
        what = f"blob {sha256}" if sha256 else "object"
        return BlobNotFoundError(f"no {what} in {where}")
    if name in ("PermissionDeniedError", "UnauthenticatedError") or any(s in text for s in _ACCESS):
        return BlobStoreAccessError(
            f"{where} refused access: check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY "
            f"(and AWS_SESSION_TOKEN) ({first_line(exc)})"
        )
    if any(s in text for s in _UNREACHABLE):
        return BlobStoreUnreachableError(
            f"could not reach the blob store {where}: check AWS_ENDPOINT_URL and the network "
            f"({first_line(exc)})"
        )
    if from_library:
        return BlobError(f"blob store {where} failed: {first_line(exc)}")
    return None


@contextmanager
def store_errors(where: str, sha256: str | None = None) -> Iterator[None]:
    """Turn the object-store library's errors into BlobErrors that say what to do."""
    try:
        yield
    except BlobError:
        raise
    except Exception as exc:
        mapped = translate(exc, where, sha256)
        if mapped is None:
            raise
        raise mapped from exc


@contextmanager
def disk_errors(where: str) -> Iterator[None]:
    """A full disk while runbase itself writes a local file becomes BlobStoreFullError."""
    try:
        yield
    except OSError as exc:
        if exc.errno in _FULL:
            raise BlobStoreFullError(
                f"no space left on device while {where}: free some space and retry"
            ) from exc
        raise
