"""Bring runs from W&B offline folders, TensorBoard logs and MLflow into runbase.

Each source module finds its runs and imports one at a time through
``writer.RunWriter``; ``run_all`` drives them with a progress bar. Used by
``runbase import`` (cli/migrate.py).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from runbase.importers.writer import EmptySource, RunWriter, SourceError

T = TypeVar("T")

__all__ = ["EmptySource", "Outcome", "RunWriter", "SourceError", "run_all"]


@dataclass
class Outcome:
    imported: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"imported {p}" for p in self.imported]
        out += [f"already imported {p}" for p in self.skipped]
        out += [f"nothing to import in {p}" for p in self.empty]
        out += [f"failed {p}" for p in self.failed]
        out.append(
            f"{len(self.imported)} imported, {len(self.skipped)} already there"
            + (f", {len(self.empty)} empty" if self.empty else "")
            + (f", {len(self.failed)} failed" if self.failed else "")
        )
        return out


def run_all(
    sources: Sequence[T],
    do_one: Callable[[T], RunWriter | None],
    describe: Callable[[T], str],
    label: str,
) -> Outcome:
    """Import every source; one that fails is reported and the others still go in."""
    import click

    out = Outcome()
    bar: Any = click.progressbar(
        sources, label=label, file=sys.stderr, show_pos=True, item_show_func=_show(describe)
    )
    with bar as items:
        for source in items:
            try:
                writer = do_one(source)
            except EmptySource as e:
                out.empty.append(f"{describe(source)}: {e}")
                continue
            except SourceError as e:
                out.failed.append(f"{describe(source)}: {e}")
                continue
            except Exception as e:  # one unreadable source must not stop the others
                out.failed.append(f"{describe(source)}: {type(e).__name__}: {e}")
                continue
            if writer is None:
                out.skipped.append(describe(source))
            else:
                out.imported.append(f"{describe(source)} -> {writer.project}/{writer.run_id}")
    return out


def _show(describe: Callable[[T], str]) -> Callable[[T | None], str | None]:
    return lambda item: None if item is None else describe(item)
