"""64-bin histograms of torch tensors, computed where the tensors live.

``run.watch()`` histograms every parameter (or gradient) of a model at once, so the
work is batched: one min/max per tensor and one ``histc`` per tensor run on the
tensor's device, and only two small transfers (the min/max pairs, then the counts)
reach the CPU for the whole batch. torch is passed in by the caller, never imported
here: ``import runbase`` must not load it.

What W&B does is kept: NaN and inf are left out (a tensor with no finite value gives
no histogram), the implicit zeros of a sparse tensor are counted in the bin holding
zero, and a tensor whose values are all equal gives one bin ``[v, v]``.
"""

from __future__ import annotations

from typing import Any

NUM_BINS = 64
# histc counts in the tensor's dtype; float32 counts are exact only up to 2**24, so big
# tensors are counted in chunks of that many elements and the chunks summed as int64.
_EXACT = 1 << 24


class _Prepared:
    """One tensor flattened to its stored values, and the zeros a sparse one leaves out."""

    __slots__ = ("flat", "hi", "lo", "ok", "zeros")

    def __init__(self, flat: Any, zeros: int) -> None:
        self.flat = flat
        self.zeros = zeros
        self.lo = 0.0
        self.hi = 0.0
        self.ok = False  # a histogram is due: some finite value, or implicit zeros


def histograms(torch: Any, tensors: list[Any]) -> list[tuple[list[int], list[float]] | None]:
    """(counts, bin edges) for each tensor, or None where it has no finite value."""
    prepared = [_prepare(torch, t) for t in tensors]
    valued = [p for p in prepared if p is not None and p.flat.numel()]
    if valued:  # one transfer for every tensor's (min, max)
        pairs = _to_host(torch, [torch.stack(torch.aminmax(p.flat)) for p in valued])
        for v, (lo, hi) in zip(valued, pairs, strict=True):
            v.lo, v.hi = lo, hi
    for q in prepared:
        if q is not None:
            q.ok = _finite_range(torch, q)
    spread = [q for q in prepared if q is not None and q.ok and q.lo != q.hi]
    counts = iter(_counts(torch, spread))
    out: list[tuple[list[int], list[float]] | None] = []
    for p in prepared:
        if p is None or not p.ok:
            out.append(None)
        elif p.lo == p.hi:
            out.append(([p.flat.numel() + p.zeros], [p.lo, p.hi]))
        else:
            out.append(_with_zeros(p, next(counts)))
    return out


def _prepare(torch: Any, tensor: Any) -> _Prepared | None:
    t = tensor.detach()
    zeros = 0
    if t.layout == torch.sparse_coo:
        t = t.coalesce()
        values = t.values()
        zeros = t.numel() - values.numel()
        t = values
    elif t.layout != torch.strided:  # CSR and friends: rare enough to densify
        t = t.to_dense()
    flat = t.reshape(-1)
    if flat.dtype not in (torch.float32, torch.float64):
        flat = flat.float()  # histc and aminmax want float32/64 on every device
    if flat.numel() == 0 and zeros == 0:
        return None
    return _Prepared(flat, zeros)


def _finite_range(torch: Any, p: _Prepared) -> bool:
    """Settle ``p``'s range without NaN/inf (the rare case pays extra syncs); False if none."""
    if p.flat.numel() and not (_finite(p.lo) and _finite(p.hi)):
        p.flat = p.flat[torch.isfinite(p.flat)]
        if p.flat.numel():
            p.lo, p.hi = torch.stack(torch.aminmax(p.flat)).tolist()
    if p.flat.numel() == 0:
        if p.zeros == 0:
            return False
        p.lo = p.hi = 0.0
    if p.zeros:  # the implicit zeros must fall inside the range
        p.lo, p.hi = min(p.lo, 0.0), max(p.hi, 0.0)
    return True


def _finite(x: float) -> bool:
    return x - x == 0.0  # False for NaN and +-inf


def _counts(torch: Any, spread: list[_Prepared]) -> list[list[int]]:
    if not spread:
        return []
    rows = [
        _bincount(torch, p) if p.flat.device.type == "cpu" else _histc(torch, p) for p in spread
    ]
    return _to_host(torch, rows)


def _to_host(torch: Any, rows: list[Any]) -> list[Any]:
    """``rows`` as lists, one transfer per device (a model may be split across GPUs)."""
    by_device: dict[Any, list[int]] = {}
    for i, row in enumerate(rows):
        by_device.setdefault(row.device, []).append(i)
    out: list[Any] = [None] * len(rows)
    for places in by_device.values():
        for i, values in zip(places, torch.stack([rows[i] for i in places]).tolist(), strict=True):
            out[i] = values
    return out


def _histc(torch: Any, p: _Prepared) -> Any:
    """On an accelerator: ``histc`` needs no sync (``bincount`` would read the max back)."""
    chunks = p.flat.split(_EXACT) if p.flat.numel() > _EXACT else (p.flat,)
    row = None
    for chunk in chunks:
        h = torch.histc(chunk, bins=NUM_BINS, min=p.lo, max=p.hi).to(torch.int64)
        row = h if row is None else row + h
    return row


def _bincount(torch: Any, p: _Prepared) -> Any:
    """On the CPU: bin indices and ``bincount`` take a quarter of ``histc``'s time.

    The bins are histc's: ``floor((x - lo) * bins / (hi - lo))``, the maximum in the last.
    """
    scaled = (p.flat - p.lo).mul_(NUM_BINS / (p.hi - p.lo))
    index = scaled.to(torch.int32).clamp_(0, NUM_BINS - 1)
    return torch.bincount(index, minlength=NUM_BINS)


def _with_zeros(p: _Prepared, counts: list[int]) -> tuple[list[int], list[float]]:
    width = (p.hi - p.lo) / NUM_BINS
    bins = [p.lo + width * i for i in range(NUM_BINS)] + [p.hi]
    if p.zeros:
        at = min(int((0.0 - p.lo) / width), NUM_BINS - 1)
        counts[at] += p.zeros
    return counts, bins
