"""Artifacts benchmark: add + log a directory, re-log it unchanged, download it.

    .venv/bin/python bench/artifacts.py [--mb 1024] [--files 1000] [--dir /tmp]

1. Disk: this disk's sequential read speed, measured now: the files are dropped from
   the page cache (``posix_fadvise(DONTNEED)`` after ``fsync``) and read once.
   The CPUs' own ceiling is measured too: sha256 + MD5 of bytes already in memory on
   every core. Where it is under the disk's speed, hashing bounds step 2, not I/O.
2. Add + log: the same files, dropped from the cache again, go through
   ``Artifact.add_dir`` (one pass: sha256 + MD5 while copying into the blob store)
   and ``run.log_artifact``. Target: >= 80% of the read speed of step 1.
3. Re-log unchanged: a new Artifact of the same folder, logged again (the digest cache
   answers from ``stat``; the existing version comes back). Target: < 10% of step 2.
4. Download of the logged (cached) artifact: hard links from the blob store, against a
   plain copy of the folder (``shutil.copytree``). Target: >= 80% of the copy's speed.

``--mb 64`` gives a quick run. Figures are printed as one table.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))  # this checkout's runbase, installed or not


def make_files(folder: Path, total: int, count: int) -> list[Path]:
    folder.mkdir(parents=True)
    size = total // count
    block = os.urandom(1 << 20)
    paths = []
    for i in range(count):
        p = folder / f"part-{i // 100:02d}" / f"f{i:05d}.bin"
        p.parent.mkdir(exist_ok=True)
        with open(p, "wb") as f:
            left = size
            f.write(i.to_bytes(8, "little"))  # every file differs
            left -= 8
            while left > 0:
                f.write(block[: min(left, len(block))])
                left -= min(left, len(block))
        paths.append(p)
    return paths


def drop_cache(paths: list[Path]) -> None:
    """Evict the files' pages, so the next read comes from the disk."""
    for p in paths:
        fd = os.open(p, os.O_RDONLY)
        try:
            os.fsync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def read_all(paths: list[Path]) -> float:
    buf = bytearray(4 << 20)
    start = time.perf_counter()
    for p in paths:
        with open(p, "rb", buffering=0) as f:
            while f.readinto(buf):
                pass
    return time.perf_counter() - start


def hash_ceiling(seconds: float = 1.0) -> float:
    """MiB/s at which this machine's CPUs take sha256 + MD5 of bytes already in memory,
    every core busy: no pass that must compute both can beat it, whatever the disk."""
    from concurrent.futures import ThreadPoolExecutor

    block = os.urandom(4 << 20)
    workers = os.cpu_count() or 1

    def spin(_: int) -> int:
        sha, md5, n = hashlib.sha256(), hashlib.md5(usedforsecurity=False), 0
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            sha.update(block)
            md5.update(block)
            n += len(block)
        return n

    start = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        done = sum(pool.map(spin, range(workers)))
    return done / (1 << 20) / (time.perf_counter() - start)


CPU: dict[str, float] = {}  # core-seconds each step took (all threads), load or not


def cpu_seconds() -> float:
    use = resource.getrusage(resource.RUSAGE_SELF)
    return use.ru_utime + use.ru_stime


def timed(fn: object, name: str = "") -> float:
    os.sync()  # the previous step's writes go to disk first, not during this one
    start, cpu = time.perf_counter(), cpu_seconds()
    fn()  # type: ignore[operator]
    CPU[name] = cpu_seconds() - cpu
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=int, default=1024, help="total size in MiB (default 1024)")
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--dir", default=None, help="where to work (default: a temp folder)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="runbase-bench-") as tmp:
        run_bench(Path(tmp), args.mb << 20, args.files)


def run_bench(tmp: Path, total: int, count: int) -> None:
    os.environ["RUNBASE_DIR"] = str(tmp / "rb")
    import runbase

    paths = make_files(tmp / "data", total, count)
    drop_cache(paths)
    os.sync()
    t: dict[str, float] = {"read": read_all(paths), "hash": hash_ceiling()}
    run = runbase.init(project="bench", settings={"silent": True, "console": "off"})

    def add_and_log(name: str = "data", policy: str = "mutable") -> None:
        art = runbase.Artifact(name, type="dataset")
        art.add_dir(tmp / "data", policy=policy)
        run.log_artifact(art)

    drop_cache(paths)
    t["add"] = timed(add_and_log, "add")
    t["relog"] = timed(add_and_log)
    shutil.rmtree(tmp / "rb" / "blobs")  # the same bytes, stored anew
    (tmp / "rb" / "artifacts" / "digest-cache.sqlite").unlink()
    drop_cache(paths)
    t["link"] = timed(lambda: add_and_log("linked", "immutable"), "link")
    art = runbase.Api().artifact("bench/linked:latest")
    t["copy"] = timed(lambda: shutil.copytree(tmp / "data", tmp / "copy"))
    t["dl"] = timed(lambda: art.download(tmp / "dl"))
    t["dl_copy"] = timed(lambda: art.download(tmp / "dl-copy", copy=True))
    run.finish()
    report(t, total / (1 << 20), count)


def report(t: dict[str, float], mb: float, count: int) -> None:
    rows = [
        ("disk sequential read (cold)", "read", ""),
        (
            "add_dir + log_artifact (cold)",
            "add",
            f"{t['read'] / t['add']:.0%} of read speed (target >= 80%); "
            f"{t['copy'] / t['add']:.0%} of copytree speed; "
            f"{mb / t['add'] / t['hash']:.0%} of the CPU ceiling",
        ),
        (
            "add_dir(policy='immutable') + log",
            "link",
            f"{t['read'] / t['link']:.0%} of read speed, "
            f"{mb / t['link'] / t['hash']:.0%} of the CPU ceiling (hashed, hard-linked: no copy)",
        ),
        ("re-log unchanged", "relog", f"{t['relog'] / t['add']:.1%} of first (target < 10%)"),
        ("copytree of the folder", "copy", ""),
        ("download (hard links)", "dl", f"{t['copy'] / t['dl']:.0f}x copy speed (target >= 0.8x)"),
        ("download(copy=True)", "dl_copy", f"{t['copy'] / t['dl_copy']:.0%} of copy speed"),
    ]
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"artifacts: {count} files, {mb:.0f} MiB, {os.cpu_count()} CPUs, load average {load}")
    ceiling = t["hash"] * t["read"] / mb
    print(
        f"  {'sha256 + MD5 in memory, all CPUs':34s} {'':10s} {t['hash']:9.0f} MiB/s  "
        f"the CPU ceiling: {min(ceiling, 1):.0%} of read speed at best"
    )
    for name, key, note in rows:
        print(f"  {name:34s} {t[key]:8.3f} s {mb / t[key]:9.0f} MiB/s  {note}")
    # Other jobs on a shared machine take cores; CPU time does not depend on them.
    cores = os.cpu_count() or 1
    for key, what in (("add", "add_dir + log"), ("link", "immutable")):
        idle = min(mb * cores / CPU[key], mb / t["read"])
        print(
            f"  {what}: {CPU[key] / mb * 1024:.2f} core-s per GiB; with all {cores} cores "
            f"free, at most {idle:.0f} MiB/s = {idle * t['read'] / mb:.0%} of read speed"
        )


if __name__ == "__main__":
    main()
