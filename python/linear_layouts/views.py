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


def _grid(layout):
    """All in-dim combinations (in-dim order, first dim fastest) and outputs."""
    sizes = list(layout.in_dims.values())
    total = int(np.prod(sizes)) if sizes else 1
    flat = np.arange(total, dtype=np.int64)
    ins = []
    for s in sizes:
        ins.append(flat % s)
        flat = flat // s
    outs = layout.apply_array(*ins) if ins else []
    return ins, outs


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


def _linear_index(outs_dict, out_sizes):
    idx = np.zeros_like(next(iter(outs_dict.values()))) if outs_dict else np.zeros(1, dtype=np.int64)
    for name, size in out_sizes.items():
        idx = idx * size + outs_dict[name]
    return idx


def _labels(layout):
    ins = layout.in_dims
    if "offset" in ins:
        blocks = ins.get("block", 1)
        labels = []
        for b in range(blocks):
            for off in range(ins["offset"]):
                labels.append(f"B{b}:{off}" if blocks > 1 else f"{off}")
        return labels
    regs = ins.get("register", 1)
    lanes = ins.get("lane", 1)
    warps = ins.get("warp", 1)
    blocks = ins.get("block", 1)
    labels = []
    # Match _grid's order: register fastest, then lane, warp, block.
    for b in range(blocks):
        for w in range(warps):
            for ln in range(lanes):
                for r in range(regs):
                    t = ln + w * lanes
                    labels.append((f"B{b}:" if blocks > 1 else "") + f"T{t}:{r}")
    return labels


def _check_known(layout):
    ins = set(layout.in_dims)
    if not (ins <= {"register", "lane", "warp", "block"} or ins <= {"offset", "block"}):
        raise ValueError(f"views need in dims register/lane/warp/block or offset/block, got {sorted(ins)}")


def tensor_view(layout, max_rows: int | None = None, max_cols: int | None = None) -> str:
    """Every tensor element with the hardware locations that hold it.

    Rows are the last dim; higher-rank tensors print one 2D slice after
    another. ``max_rows`` / ``max_cols`` print only the top-left corner.
    """
    _check_known(layout)
    outs = layout.out_dims
    shape = list(outs.values()) or [1]
    n = int(np.prod(shape))
    ins, res = _grid_named(layout)
    idx = _linear_index(res, outs) if res else np.zeros(len(ins[0]) if ins else 1, dtype=np.int64)
    labels = _labels(layout)
    cells = [[] for _ in range(n)]
    for k in np.argsort(idx, kind="stable"):
        cells[idx[k]].append(labels[k])
    texts = ["|".join(c) if c else "-" for c in cells]
    cols = shape[-1]
    rows2d = shape[-2] if len(shape) >= 2 else 1
    show_c = min(cols, max_cols or cols)
    show_r = min(rows2d, max_rows or rows2d)
    width = max(len(t) for t in texts)
    out = [f"# tensor view of {'x'.join(map(str, shape))}: one row per index of the second-to-last dim"
           + (f" (top-left {show_r}x{show_c} shown)" if (show_r, show_c) != (rows2d, cols) else "")]
    for s in range(0, n, rows2d * cols):
        if len(shape) > 2:
            lead = np.unravel_index(s, shape)[:-2]
            out.append(f"[{', '.join(str(int(x)) for x in lead)}, :, :]")
        for r in range(show_r):
            start = s + r * cols
            row = " ".join(t.rjust(width) for t in texts[start : start + show_c])
            out.append(row + (" ..." if show_c < cols else ""))
        if show_r < rows2d:
            out.append("...")
    return "\n".join(out)


def _grid_named(layout):
    ins, _ = [], None
    sizes = list(layout.in_dims.values())
    total = int(np.prod(sizes)) if sizes else 1
    flat = np.arange(total, dtype=np.int64)
    for s in sizes:
        ins.append(flat % s)
        flat = flat // s
    res = apply_array(layout, *ins) if ins else {}
    return ins, res


def hardware_view(layout) -> str:
    """Every hardware location with the tensor coordinate it holds."""
    _check_known(layout)
    outs = layout.out_dims
    ins, res = _grid_named(layout)
    names = list(outs)
    coords = [
        "(" + ",".join(str(int(res[nm][k])) for nm in names) + ")" for k in range(len(ins[0]) if ins else 0)
    ]
    width = max((len(c) for c in coords), default=1)
    d = layout.in_dims
    lines = []
    if "offset" in d:
        per_row = 8
        for b in range(d.get("block", 1)):
            if d.get("block", 1) > 1:
                lines.append(f"Block{b}:")
            base = b * d["offset"]
            for start in range(0, d["offset"], per_row):
                row = coords[base + start: base + min(start + per_row, d["offset"])]
                lines.append(f"  offset {start:>5}: " + ", ".join(c.rjust(width) for c in row))
        return "\n".join(lines)
    regs, lanes, warps, blocks = (d.get(k, 1) for k in ("register", "lane", "warp", "block"))
    for b in range(blocks):
        if blocks > 1:
            lines.append(f"Block{b}:")
        for w in range(warps):
            lines.append(f"Warp{w}:")
            for r in range(regs):
                row = []
                for ln in range(lanes):
                    k = r + regs * (ln + lanes * (w + warps * b))
                    row.append(coords[k].rjust(width))
                lines.append(f"  r{r:<3} " + " ".join(row))
    return "\n".join(lines)


def install(cls):
    """Attach the views and ``apply_array`` to the LinearLayout class."""
    cls.tensor_view = tensor_view
    cls.hardware_view = hardware_view
    cls.apply_array = apply_array
