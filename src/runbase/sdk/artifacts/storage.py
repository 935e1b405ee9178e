"""Artifact versions on disk, readable without a database (see docs/artifacts.md).

```
RUNBASE_DIR/artifacts/<entity>/<project>/<name>/   one collection
  collection.json     {"name", "type", "description", "created_at", "retention"}
  aliases.json        {"latest": 3, "best": 1}: alias -> version number
  .lock               flock(2) while a version is committed or deleted
  v0/                 a whole version: it appears by one rename of its staging folder
    version.json      number, digest, type, metadata, size, created_at, ttl, logged_by
    manifest.json     W&B's wandb_manifest.json (entries name their blob's sha256)
    used_by.jsonl     one line per run that used the version (appended)
  .staging-<hex>/     a version being written; a killed process leaves it, never a vN
```

A version becomes visible only whole: its files are written to a staging folder that is
renamed to ``vN`` under the collection lock, so a reader sees all of it or nothing.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from runbase.sdk.artifacts.errors import ArtifactError, ArtifactNotFoundError

_VERSION_DIR = re.compile(r"v(\d+)")
_NAME = re.compile(r"[A-Za-z0-9_.\-]{1,128}")


def artifacts_root(root: Path) -> Path:
    return root / "artifacts"


def collection_dir(root: Path, entity: str, project: str, name: str) -> Path:
    return artifacts_root(root) / entity / project / name


def check_name(name: object) -> str:
    """A usable artifact name, or an error saying which characters are allowed."""
    if not isinstance(name, str) or not _NAME.fullmatch(name) or name in (".", ".."):
        raise ArtifactError(
            f"artifact name {name!r} is not allowed: use 1-128 letters, digits, '-', '_' "
            "and '.' (no '/' or ':'; a version or alias goes after ':' only when reading)"
        )
    return name


def read_json(path: Path) -> Any:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def write_json(path: Path, data: Any) -> None:
    """Write ``path`` whole: a temp file beside it, then a rename over it."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1, sort_keys=True)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as e:
        if e.errno != errno.ENOSPC:
            raise
        raise ArtifactError(
            f"the disk under {path.parent} is full writing {path.name}: nothing was changed; "
            "free space (runbase artifact gc) and try again"
        ) from None
    finally:
        tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def locked(coll: Path) -> Iterator[None]:
    """Hold the collection's lock; the kernel drops it if the process dies."""
    coll.mkdir(parents=True, exist_ok=True)
    with open(coll / ".lock", "a+b") as f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def version_numbers(coll: Path) -> list[int]:
    """The whole versions of a collection, ascending."""
    try:
        names = os.listdir(coll)
    except FileNotFoundError:
        return []
    found = (_VERSION_DIR.fullmatch(n) for n in names)
    return sorted(int(m.group(1)) for m in found if m and (coll / m.group(0)).is_dir())


def read_aliases(coll: Path) -> dict[str, int]:
    try:
        data = read_json(coll / "aliases.json")
    except (FileNotFoundError, ValueError):
        return {}
    return {str(k): int(v) for k, v in data.items() if isinstance(v, int)}


def aliases_of(coll: Path, number: int) -> list[str]:
    return sorted(a for a, v in read_aliases(coll).items() if v == number)


def set_aliases(coll: Path, number: int, add: Sequence[str], remove: Sequence[str] = ()) -> None:
    """Point ``add`` at version ``number`` (moving them off others); drop ``remove``. Locked."""
    aliases = read_aliases(coll)
    for a in remove:
        if aliases.get(a) == number:
            del aliases[a]
    for a in add:
        check_alias(a)
        aliases[a] = number
    write_json(coll / "aliases.json", aliases)


def check_alias(alias: object) -> str:
    if not isinstance(alias, str) or not _NAME.fullmatch(alias) or _VERSION_DIR.fullmatch(alias):
        raise ArtifactError(
            f"alias {alias!r} is not allowed: use letters, digits, '-', '_' and '.', and not "
            "the form vN, which names versions"
        )
    return alias


def resolve(coll: Path, ref: str) -> int:
    """The version number an alias or ``vN`` names in a collection."""
    m = _VERSION_DIR.fullmatch(ref)
    if m and int(m.group(1)) in version_numbers(coll):
        return int(m.group(1))
    if not m:
        number = read_aliases(coll).get(ref)
        if number is not None and (coll / f"v{number}").is_dir():
            return number
    raise ArtifactNotFoundError(f"no version {ref!r} of artifact {coll.name!r} in {coll.parent}")


def find_digest(coll: Path, digest: str) -> int | None:
    """The version whose contents have this digest, if any."""
    for number in reversed(version_numbers(coll)):
        try:
            if read_json(coll / f"v{number}" / "version.json").get("digest") == digest:
                return number
        except (OSError, ValueError):
            continue
    return None


def ensure_collection(coll: Path, name: str, type_: str, description: str | None) -> None:
    """Create the collection, or check that it holds artifacts of this type. Locked."""
    path = coll / "collection.json"
    try:
        info = read_json(path)
    except FileNotFoundError:
        info = None
    if info is None:
        write_json(
            path,
            {"name": name, "type": type_, "description": description, "created_at": time.time()},
        )
    elif info.get("type") != type_:
        raise ArtifactError(
            f"artifact {name!r} has type {info.get('type')!r}, not {type_!r}: a name holds "
            "one type; choose another name or the same type"
        )


def commit_version(coll: Path, files: dict[str, Any]) -> int:
    """Write ``files`` (name -> JSON) as the next version; returns its number. Locked."""
    staging = coll / f".staging-{uuid.uuid4().hex}"
    staging.mkdir(parents=True)
    try:
        number = _next_number(coll)
        for name, data in files.items():
            data = dict(data, version=number) if name == "version.json" else data
            write_json(staging / name, data)
        os.rename(staging, coll / f"v{number}")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    info = read_json(coll / "collection.json")
    info["next_version"] = number + 1
    write_json(coll / "collection.json", info)
    return number


def _next_number(coll: Path) -> int:
    """Never a number used before, even by a deleted version (downloads are named by it)."""
    numbers = version_numbers(coll)
    counted = read_json(coll / "collection.json").get("next_version", 0)
    return max(numbers[-1] + 1 if numbers else 0, int(counted))


def remove_version(coll: Path, number: int) -> None:
    """Hide the version at once (one rename), then delete its files. Locked."""
    gone = coll / f".deleted-{number}-{uuid.uuid4().hex[:8]}"
    os.rename(coll / f"v{number}", gone)
    aliases = read_aliases(coll)
    kept = {a: v for a, v in aliases.items() if v != number}
    rest = version_numbers(coll)
    if "latest" not in kept and rest:
        kept["latest"] = rest[-1]
    write_json(coll / "aliases.json", kept)
    shutil.rmtree(gone, ignore_errors=True)


def add_use(version_dir: Path, user: dict[str, Any]) -> None:
    """Append a run that used the version (one short O_APPEND write: atomic)."""
    line = (json.dumps(user, sort_keys=True) + "\n").encode()
    fd = os.open(version_dir / "used_by.jsonl", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        if os.write(fd, line) < len(line):  # a full disk took part of it
            os.write(fd, b"\n")  # end the torn line: the next use starts a line of its own
            raise ArtifactError(f"the disk under {version_dir} is full: the use was not recorded")
    finally:
        os.close(fd)


def read_uses(version_dir: Path) -> list[dict[str, Any]]:
    """The runs that used a version, each once, oldest first."""
    try:
        lines = (version_dir / "used_by.jsonl").read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    seen: dict[tuple[str, str, str], dict[str, Any]] = {}
    for line in lines:
        try:
            use = json.loads(line)
            key = (use["entity"], use["project"], use["run_id"])
        except (ValueError, KeyError, TypeError):
            continue  # a line cut short by a crash
        seen.setdefault(key, use)
    return list(seen.values())


def collections(root: Path, entity: str, project: str) -> list[Path]:
    """The collection folders of a project, by name."""
    base = artifacts_root(root) / entity / project
    try:
        names = sorted(os.listdir(base))
    except FileNotFoundError:
        return []
    return [base / n for n in names if (base / n / "collection.json").is_file()]


@contextlib.contextmanager
def gc_lock(root: Path, exclusive: bool) -> Iterator[None]:
    """Commits hold it shared, ``artifact gc`` exclusive: gc never races a new version
    that references a blob it is about to remove."""
    base = artifacts_root(root)
    base.mkdir(parents=True, exist_ok=True)
    with open(base / ".gc.lock", "a+b") as f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)
