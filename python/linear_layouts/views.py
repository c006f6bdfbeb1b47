"""Text views of a layout, like Triton's ``triton-tensor-layout``.

* ``tensor_view()``: the tensor, element by element, showing who holds it:
  ``T<thread>:<reg>`` for distributed layouts (thread = lane + warp * lanes;
  ``B<block>:`` in front when there are several CTAs), the shared-memory
  offset for memory layouts; replicas are joined by ``|``.
* ``hardware_view()``: the hardware, location by location (per block and warp:
  one row per register, one column per thread; or per offset for memory
  layouts), showing the tensor coordinate each one holds.
"""

from __future__ import annotations

import numpy as np

__all__ = ["tensor_view", "hardware_view", "install"]


def apply_array(layout, *arrays, **named):
    """Vectorised ``apply``: one integer array per in dim (positionally, in
    in-dim order, or by name); arrays broadcast together. Returns a dict
    {out_dim: int32 array} of the broadcast shape."""
    names = layout.in_dim_names
    if arrays and named:
        raise ValueError("apply_array: pass arrays positionally or by name, not both")
    if named:
        missing = [n for n in names if n not in named]
        extra = [n for n in named if n not in names]
        if missing or extra:
            raise ValueError(f"apply_array: missing in dims {missing}, unknown {extra}")
        arrays = tuple(named[n] for n in names)
    if len(arrays) != len(names):
        raise ValueError(f"apply_array: expected {len(names)} arrays (for {names}), got {len(arrays)}")
    bcast = np.broadcast_arrays(*[np.asarray(a, dtype=np.int64) for a in arrays])
    shape = bcast[0].shape if bcast else ()
    flat = [np.ascontiguousarray(a.reshape(-1)) for a in bcast]
    res = layout._apply_flat(flat)
    return {n: res[i].reshape(shape) for i, n in enumerate(layout.out_dim_names)}


def _check_known(layout):
    ins = set(layout.in_dims)
    if not (ins <= {"register", "lane", "warp", "block"} or ins <= {"offset", "block"}):
        raise ValueError(f"views need in dims register/lane/warp/block or offset/block, got {sorted(ins)}")


# At most this many locations are listed for one element (a broadcast layout
# can put an element in millions of places); the rest are counted.
MAX_LABELS = 64


def _holders(layout, coords):
    """For each element (a dict {out_dim: int array}), the hardware
    locations holding it, as flat location indices (in-dim order, first dim
    fastest), sorted, at most MAX_LABELS each, and the total count.

    One location comes from the pseudo-inverse; the others differ from it by
    the kernel of the layout (its free variables), so the work is
    proportional to what is printed, never to the layout's size."""
    ins = layout.in_dims
    sizes = list(ins.values())
    strides = np.cumprod([1] + sizes[:-1]).astype(np.int64)

    def flat(d):
        return sum(np.asarray(d[n], dtype=np.int64) * int(st) for n, st in zip(ins, strides))

    inv = layout.pseudoinvert()
    base = flat(apply_array(inv, **{n: coords[n] for n in inv.in_dim_names}))
    # Kernel vectors: a free bit b plus the pivot bits that cancel it.
    kernel = []
    for name, mask in layout.free_variable_masks().items():
        for bit in range(ins.get(name, 1).bit_length() - 1):
            if mask >> bit & 1:
                unit = {n: 0 for n in ins}
                unit[name] = 1 << bit
                back = inv.apply(layout.apply(unit))
                kernel.append(int(flat({n: unit[n] ^ back[n] for n in ins})))
    shown = kernel[: MAX_LABELS.bit_length() - 1]
    offsets = np.zeros(1, dtype=np.int64)
    for v in shown:
        offsets = np.concatenate([offsets, offsets ^ v])
    locs = np.sort(base.reshape(-1, 1) ^ offsets.reshape(1, -1), axis=1)
    return locs, 1 << len(kernel)


def _location_label(layout, loc: int) -> str:
    ins = layout.in_dims
    parts = {}
    for n, size in ins.items():
        parts[n] = loc % size
        loc //= size
    blocks = ins.get("block", 1)
    b = f"B{parts.get('block', 0)}:" if blocks > 1 else ""
    if "offset" in ins:
        return f"{b}{parts['offset']}"
    t = parts.get("lane", 0) + parts.get("warp", 0) * ins.get("lane", 1)
    return f"{b}T{t}:{parts.get('register', 0)}"


def tensor_view(layout, max_rows: int | None = None, max_cols: int | None = None) -> str:
    """Every tensor element with the hardware locations that hold it.

    Rows are the last dim; higher-rank tensors print one 2D slice after
    another. ``max_rows`` / ``max_cols`` print only the top-left corner of
    each slice (and only the work for it is done: a 16384x16384 tensor's
    8x8 corner takes as long as an 8x8 tensor's).
    """
    _check_known(layout)
    outs = layout.out_dims
    names = list(outs)
    shape = list(outs.values()) or [1]
    cols = shape[-1]
    rows2d = shape[-2] if len(shape) >= 2 else 1
    show_c = min(cols, max_cols or cols)
    show_r = min(rows2d, max_rows or rows2d)
    lead_shape = shape[:-2] if len(shape) > 2 else []
    n_slices = int(np.prod(lead_shape)) if lead_shape else 1
    # The printed cells, slice by slice, as coordinates.
    sl = np.arange(n_slices, dtype=np.int64).reshape(-1, 1, 1)
    r = np.arange(show_r, dtype=np.int64).reshape(1, -1, 1)
    c = np.arange(show_c, dtype=np.int64).reshape(1, 1, -1)
    sl, r, c = (a.reshape(-1) for a in np.broadcast_arrays(sl, r, c))
    coords = {}
    if names:
        coords[names[-1]] = c
        if len(names) >= 2:
            coords[names[-2]] = r
        rest = sl
        for name, size in reversed(list(zip(names[:-2], lead_shape))):
            coords[name] = rest % size
            rest = rest // size
    locs, count = _holders(layout, coords) if names else (np.zeros((1, 1), dtype=np.int64), 1)
    more = f"|+{count - locs.shape[1]}" if count > locs.shape[1] else ""
    texts = ["|".join(_location_label(layout, int(x)) for x in row) + more for row in locs]
    width = max(len(t) for t in texts)
    out = [f"# tensor view of {'x'.join(map(str, shape))}: one row per index of the second-to-last dim"
           + (f" (top-left {show_r}x{show_c} shown)" if (show_r, show_c) != (rows2d, cols) else "")]
    k = 0
    for s_idx in range(n_slices):
        if len(shape) > 2:
            lead = np.unravel_index(s_idx, lead_shape)
            out.append(f"[{', '.join(str(int(x)) for x in lead)}, :, :]")
        for _ in range(show_r):
            row = " ".join(t.rjust(width) for t in texts[k : k + show_c])
            k += show_c
            out.append(row + (" ..." if show_c < cols else ""))
        if show_r < rows2d:
            out.append("...")
    return "\n".join(out)


def hardware_view(layout, max_rows: int | None = None, max_cols: int | None = None) -> str:
    """Every hardware location with the tensor coordinate it holds: per warp,
    one row per register and one column per lane (shared layouts: rows of
    8 offsets). ``max_rows`` caps the rows printed (over all warps and
    blocks), ``max_cols`` the lanes / offsets per row; only those are
    computed."""
    _check_known(layout)
    d = layout.in_dims
    names = list(layout.out_dims)
    budget = [max_rows if max_rows is not None else float("inf")]
    lines = []

    def row_text(**ins):
        res = apply_array(layout, **ins)
        n = len(next(iter(ins.values())))
        return ["(" + ",".join(str(int(res[nm][k])) for nm in names) + ")" for k in range(n)]

    def take_row() -> bool:
        if budget[0] <= 0:
            lines.append("...")
            return False
        budget[0] -= 1
        return True

    # The widest coordinate (a surjective layout reaches the last one).
    width = 2 + sum(len(str(n - 1)) + 1 for n in layout.out_dims.values()) - 1 if names else 2
    if "offset" in d:
        per_row = 8
        shown = min(per_row, max_cols or per_row)
        for b in range(d.get("block", 1)):
            if d.get("block", 1) > 1:
                lines.append(f"Block{b}:")
            for start in range(0, d["offset"], per_row):
                if not take_row():
                    return "\n".join(lines)
                offs = np.arange(start, min(start + shown, d["offset"]), dtype=np.int64)
                ins = {"offset": offs, "block": np.full_like(offs, b)} if "block" in d else {"offset": offs}
                lines.append(f"  offset {start:>5}: " + ", ".join(c.rjust(width) for c in row_text(**ins))
                             + (" ..." if shown < per_row else ""))
        return "\n".join(lines)
    regs, lanes, warps, blocks = (d.get(k, 1) for k in ("register", "lane", "warp", "block"))
    show_l = min(lanes, max_cols or lanes)
    lane_idx = np.arange(show_l, dtype=np.int64)
    for b in range(blocks):
        if blocks > 1:
            lines.append(f"Block{b}:")
        for w in range(warps):
            lines.append(f"Warp{w}:")
            for r in range(regs):
                full = {"register": r, "lane": lane_idx, "warp": w, "block": b}
                ins = {k: np.broadcast_to(np.asarray(v, dtype=np.int64), lane_idx.shape) for k, v in full.items() if k in d}
                if not take_row():
                    return "\n".join(lines)
                coords = row_text(**ins)
                lines.append(f"  r{r:<3} " + " ".join(c.rjust(width) for c in coords) + (" ..." if show_l < lanes else ""))
    return "\n".join(lines)


def install(cls):
    """Attach the views and ``apply_array`` to the LinearLayout class."""
    cls.tensor_view = tensor_view
    cls.hardware_view = hardware_view
    cls.apply_array = apply_array
