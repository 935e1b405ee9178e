"""JSON bodies of the artifact routes (``models.py`` documents them), a version's file
tree one folder at a time, and the lineage walk (run → version → run)."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import Any

from runbase.server.artifact_index import Collection, RunKey, Version, VersionKey
from runbase.store import Store, queries

MAX_NODES = 200


def run_names(store: Store, keys: Iterable[RunKey]) -> dict[RunKey, tuple[str | None, str]]:
    """Name and state of each run the store knows: one query per project."""
    by_project: dict[tuple[str, str], set[str]] = {}
    for e, p, r in keys:
        by_project.setdefault((e, p), set()).add(r)
    out: dict[RunKey, tuple[str | None, str]] = {}
    for (e, p), ids in by_project.items():
        page = queries.query_runs(store, e, p, {"id": {"$in": sorted(ids)}}, limit=None)
        for run in page.runs:
            out[(e, p, run.id)] = (run.name, run.state)
    return out


def run_link(key: RunKey, names: dict[RunKey, tuple[str | None, str]]) -> dict[str, Any]:
    name, state = names.get(key, (None, None))
    return {"entity": key[0], "project": key[1], "run_id": key[2], "name": name, "state": state}


def version_out(
    c: Collection, v: Version, names: dict[RunKey, tuple[str | None, str]]
) -> dict[str, Any]:
    return {
        "entity": c.entity,
        "project": c.project,
        "name": c.name,
        "type": c.type,
        "version": v.number,
        "aliases": c.aliases_of(v.number),
        "digest": v.digest,
        "size": v.size,
        "file_count": v.file_count,
        "created_at": v.created_at,
        "description": v.description,
        "metadata": v.metadata,
        "ttl_seconds": v.ttl_seconds,
        "logged_by": run_link(v.logged_by, names) if v.logged_by else None,
        "used_by_count": len(v.used_by),
    }


def collection_out(c: Collection) -> dict[str, Any]:
    return {
        "entity": c.entity,
        "project": c.project,
        "name": c.name,
        "type": c.type,
        "description": c.description,
        "created_at": c.created_at,
        "version_count": len(c.versions),
        "size": sum(v.size for v in c.versions),
        "aliases": c.aliases,
        "latest": c.versions[0].number if c.versions else None,
    }


def by_type(colls: list[Collection]) -> dict[str, Any]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for c in colls:
        groups.setdefault(c.type, []).append(collection_out(c))
    return {"types": [{"type": t, "collections": groups[t]} for t in sorted(groups)]}


def tree_level(contents: dict[str, Any], folder: str) -> list[dict[str, Any]]:
    """The entries directly inside ``folder`` ("" for the top): folders first, by name."""
    prefix = f"{folder.strip('/')}/" if folder.strip("/") else ""
    dirs: dict[str, list[int]] = {}
    files = []
    for path, entry in contents.items():
        if not path.startswith(prefix):
            continue
        rest = path[len(prefix) :]
        head, sep, _ = rest.partition("/")
        size = int(entry.get("size") or 0)
        if sep:
            d = dirs.setdefault(head, [0, 0])
            d[0] += 1
            d[1] += size
            continue
        files.append(
            {
                "path": path,
                "name": rest,
                "kind": "file",
                "size": size,
                "count": 1,
                "digest": entry.get("digest"),
                "ref": entry.get("ref"),
            }
        )
    folders = [
        {"path": prefix + n, "name": n, "kind": "dir", "size": s, "count": k}
        | {"digest": None, "ref": None}
        for n, (k, s) in sorted(dirs.items())
    ]
    return folders + sorted(files, key=lambda f: f["name"])


class LineageGraph:
    """Who logged and used which version, across every collection: built once per
    request from the (cached) index, then walked breadth first."""

    def __init__(self, colls: list[Collection]) -> None:
        self.versions: dict[VersionKey, tuple[Collection, Version]] = {}
        self.outputs: dict[RunKey, list[VersionKey]] = {}
        self.inputs: dict[RunKey, list[VersionKey]] = {}
        for c in colls:
            for v in c.versions:
                key = (c.entity, c.project, c.name, v.number)
                self.versions[key] = (c, v)
                if v.logged_by:
                    self.outputs.setdefault(v.logged_by, []).append(key)
                for user in v.used_by:
                    self.inputs.setdefault(user, []).append(key)

    def walk(self, root: RunKey | VersionKey, depth: int) -> tuple[list[Any], list[Any], bool]:
        """Nodes (run or version keys) within ``depth`` steps, edges among them."""
        seen: dict[Any, int] = {root: 0}
        edges: set[tuple[Any, Any]] = set()
        todo = deque([root])
        truncated = False
        while todo:
            node = todo.popleft()
            if seen[node] >= depth:
                continue
            for src, dst in self._edges(node):
                other = dst if src == node else src
                if other not in seen:
                    if len(seen) >= MAX_NODES:
                        truncated = True
                        continue
                    seen[other] = seen[node] + 1
                    todo.append(other)
                edges.add((src, dst))
        return list(seen), sorted(edges), truncated

    def _edges(self, node: Any) -> list[tuple[Any, Any]]:
        if len(node) == 4:
            found = self.versions.get(node)
            if found is None:
                return []
            v = found[1]
            ins = [(v.logged_by, node)] if v.logged_by else []
            return ins + [(node, u) for u in v.used_by]
        return [(node, k) for k in self.outputs.get(node, [])] + [
            (k, node) for k in self.inputs.get(node, [])
        ]


def node_id(key: Any) -> str:
    if len(key) == 4:
        return f"artifact:{key[0]}/{key[1]}/{key[2]}:v{key[3]}"
    return f"run:{key[0]}/{key[1]}/{key[2]}"


def lineage_out(store: Store, graph: LineageGraph, root: Any, depth: int) -> dict[str, Any]:
    keys, edges, truncated = graph.walk(root, depth)
    names = run_names(store, [k for k in keys if len(k) == 3])
    nodes = []
    for k in keys:
        base = {"id": node_id(k), "entity": k[0], "project": k[1]}
        if len(k) == 3:
            name, state = names.get(k, (None, None))
            nodes.append(
                base
                | {"kind": "run", "label": name or k[2], "run_id": k[2], "state": state}
                | {"name": None, "version": None, "type": None}
            )
        else:
            c = graph.versions[k][0]
            nodes.append(
                base
                | {"kind": "artifact", "label": f"{k[2]}:v{k[3]}", "run_id": None, "state": None}
                | {"name": k[2], "version": k[3], "type": c.type}
            )
    return {
        "root": node_id(root),
        "nodes": nodes,
        "edges": [{"source": node_id(s), "target": node_id(t)} for s, t in edges],
        "truncated": truncated,
    }
