"""Pictures of conversion plans (plain SVG, no dependencies).

``plan_svg(plan)`` draws, for a shared-memory plan, the first store and the
first load instruction of warp 0: one row per wavefront, one column per bank,
each cell naming the lane (and register) whose word that wavefront serves,
coloured by lane — conflicts show up as extra rows; plus the shared-memory
tile itself (which tensor element lives in which bank of each row), where
the swizzle is visible. Shuffle plans show, per round, the lane each lane
reads from; register plans the register renaming.
"""

from __future__ import annotations

import textwrap
from html import escape

import numpy as np

CELL_W, CELL_H, PAD = 34, 18, 12


def _color(i: int, n: int) -> str:
    hue = (i * 360.0 / max(n, 1) * 0.61803 * 7) % 360
    return f"hsl({hue:.0f},65%,72%)"


class _Svg:
    def __init__(self):
        self.parts: list[str] = []
        self.w = 0
        self.h = 0

    def rect(self, x, y, w, h, fill, stroke="#555", title=None):
        t = f"<title>{escape(title)}</title>" if title else ""
        self.parts.append(f'<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{fill}" stroke="{stroke}" stroke-width="0.5">{t}</rect>')
        self.w, self.h = max(self.w, x + w), max(self.h, y + h)

    def text(self, x, y, s, size=10, anchor="start", weight="normal", color="#111"):
        self.parts.append(
            f'<text x="{x}" y="{y}" font-size="{size}" font-family="monospace" text-anchor="{anchor}" '
            f'font-weight="{weight}" fill="{color}">{escape(s)}</text>'
        )
        self.w = max(self.w, x + len(s) * size * 0.62)
        self.h = max(self.h, y + 4)

    def render(self) -> str:
        w, h = int(self.w + PAD), int(self.h + PAD)
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}">'
            f'<rect x="0" y="0" width="{w}" height="{h}" fill="white"/>' + "".join(self.parts) + "</svg>\n"
        )


def _access_rows(plan, addr, vec, active_lanes):
    """Wavefront rows of warp 0's first instruction: [(phase, [(bank, lane, word)])]."""
    bits = plan.bitwidth
    lanes = plan.src.in_dims.get("lane", 1)
    regs = addr.in_dims.get("register", 1)
    a = addr.apply_array(register=np.zeros(lanes, dtype=np.int64), lane=np.arange(lanes), warp=0, block=0)
    offs = a["offset"]
    nbytes = max(1, vec * bits // 8)
    lanes_pw = max(1, min(plan.warp_size, plan.num_banks * 4 // nbytes))
    rows = []
    for start in range(0, lanes, lanes_pw):
        by_bank: dict[int, list] = {}
        for lane in range(start, min(lanes, start + lanes_pw)):
            if not active_lanes[lane]:
                continue
            first, end = int(offs[lane]) * bits, (int(offs[lane]) + vec) * bits
            w = first // 32
            while w * 32 < end:
                by_bank.setdefault(w % plan.num_banks, []).append((w, lane))
                w += 1
        depth = max((len({w for w, _ in v}) for v in by_bank.values()), default=0)
        grid = [[] for _ in range(depth)]
        for bank, entries in by_bank.items():
            words = sorted({w for w, _ in entries})
            for w, lane in entries:
                grid[words.index(w)].append((bank, lane, w))
        rows.append((start, grid))
    del regs
    return rows


def _draw_access(svg, plan, x0, y0, title, addr, vec, active):
    banks = plan.num_banks
    svg.text(x0, y0, title, size=12, weight="bold")
    y = y0 + 8
    for b in range(banks):
        svg.text(x0 + 60 + b * CELL_W + CELL_W / 2, y + 10, f"b{b}", size=8, anchor="middle", color="#666")
    y += 14
    lanes = plan.src.in_dims.get("lane", 1)
    wave = 0
    for start, grid in _access_rows(plan, addr, vec, active):
        for row in grid:
            svg.text(x0, y + 13, f"wave {wave}", size=9, color="#333")
            for b in range(banks):
                svg.rect(x0 + 60 + b * CELL_W, y, CELL_W, CELL_H, "#f4f4f4", "#ccc")
            for bank, lane, word in row:
                svg.rect(x0 + 60 + bank * CELL_W, y, CELL_W, CELL_H, _color(lane, lanes), title=f"lane {lane}, word {word}, bank {bank}")
                svg.text(x0 + 60 + bank * CELL_W + CELL_W / 2, y + 13, f"T{lane}", size=9, anchor="middle")
            y += CELL_H
            wave += 1
        y += 4
    return y + 10


def _draw_tile(svg, plan, x0, y0, max_rows=16):
    """Which tensor element each bank of each shared-memory row holds (the
    first element of the bank's word), aligned with the access panels."""
    shared = plan.shared_layout
    bits = plan.bitwidth
    banks = plan.num_banks
    size = shared.in_dims["offset"]
    per_word = max(1, 32 // bits)
    elems_per_row = banks * per_word
    total_rows = max(1, size // elems_per_row)
    rows = min(max_rows, total_rows)
    svg.text(x0, y0, f"shared-memory tile: first tensor element of each bank word (rows 0-{rows - 1} of {total_rows})", size=12, weight="bold")
    y = y0 + 10
    offs = np.arange(rows * elems_per_row)
    coords = shared.apply_array(offset=offs)
    names = list(coords)
    for r in range(rows):
        svg.text(x0, y + 13, f"row {r}", size=9, color="#333")
        for b in range(banks):
            k = r * elems_per_row + b * per_word
            label = ",".join(str(int(coords[n][k])) for n in names)
            first = int(coords[names[-1]][k]) if names else 0
            svg.rect(x0 + 60 + b * CELL_W, y, CELL_W, CELL_H, _color(first, 64), title=f"row {r}, bank {b}: ({label})")
            svg.text(x0 + 60 + b * CELL_W + CELL_W / 2, y + 12, label, size=7, anchor="middle")
        y += CELL_H
    return y + 14


def _instr(name: str, access: str) -> str:
    """An instruction name, saying what a lane's cell means for matrix ones."""
    return name if access == "plain" else f"{name}: T = the lane giving a 16-byte row's address"


def plan_svg(plan, title: str = "") -> str:
    svg = _Svg()
    y = PAD + 12
    # A long title (two TTGIR attributes) wraps at 110 characters, never cut.
    for line in textwrap.wrap(title or f"{plan.kind} conversion ({plan.bitwidth}-bit, {plan.target})", 110,
                              break_long_words=True, break_on_hyphens=False):
        svg.text(PAD, y, line, size=14, weight="bold")
        y += 18
    c = plan.cost
    svg.text(PAD, y, f"scratch {plan.scratch_bytes} B, rounds {plan.rounds}, stores {c['shared_stores']}, loads {c['shared_loads']}, "
                     f"shuffles {c['shuffles']}, barriers {c['barriers']}", size=10)
    y += 24
    if plan.kind == "shared":
        masks = plan.store_masks
        lanes = plan.src.in_dims.get("lane", 1)
        active = [(l & masks.get("lane", 0)) == 0 for l in range(lanes)]
        y = _draw_access(svg, plan, PAD, y, f"store ({_instr(plan.store_instr, plan.store_access)}): {plan.store_vector_width} x {plan.bitwidth}-bit per lane, {plan.store_wavefronts} wavefront(s), {plan.store_conflicts} conflict(s)", plan.store_address, plan.store_vector_width, active)
        y = _draw_access(svg, plan, PAD, y, f"load ({_instr(plan.load_instr, plan.load_access)}): {plan.load_vector_width} x {plan.bitwidth}-bit per lane, {plan.load_wavefronts} wavefront(s), {plan.load_conflicts} conflict(s)", plan.load_address, plan.load_vector_width, [True] * lanes)
        _draw_tile(svg, plan, PAD, y)
    elif plan.kind == "shuffle":
        lanes = plan.dst.in_dims.get("lane", 1)
        regs = plan.dst.in_dims.get("register", 1)
        svg.text(PAD, y, "shuffle rounds: the lane each lane reads (per destination register)", size=12, weight="bold")
        y += 10
        for r in range(min(regs, 32)):
            # Warp 0 of CTA 0 (other warps may read lanes shifted by a constant).
            extra = {d: 0 for d in ("warp", "block") if d in plan.shuffle_src_lane.in_dim_names}
            src = plan.shuffle_src_lane.apply_array(register=r, lane=np.arange(lanes), **extra)["lane"]
            svg.text(PAD, y + 13, f"r{r}", size=9)
            for l in range(lanes):
                svg.rect(PAD + 40 + l * 26, y, 26, CELL_H, _color(int(src[l]), lanes), title=f"dst lane {l} <- lane {int(src[l])}")
                svg.text(PAD + 40 + l * 26 + 13, y + 13, str(int(src[l])), size=8, anchor="middle")
            y += CELL_H
    elif plan.kind == "registers":
        regs = plan.dst.in_dims.get("register", 1)
        svg.text(PAD, y, "register renaming: destination register <- source register", size=12, weight="bold")
        y += 10
        for r in range(min(regs, 64)):
            s = plan.register_map.apply({"register": r})["register"]
            svg.rect(PAD + (r % 16) * 60, y + (r // 16) * CELL_H, 60, CELL_H, _color(s, regs))
            svg.text(PAD + (r % 16) * 60 + 30, y + (r // 16) * CELL_H + 13, f"r{r}<-r{s}", size=8, anchor="middle")
    elif plan.kind == "select":
        regs = plan.dst.in_dims.get("register", 1)
        lanes = plan.dst.in_dims.get("lane", 1)
        svg.text(PAD, y, f"thread-local selection ({plan.cost['selects']} selects): the source register each lane's "
                         "destination register takes (warp 0)", size=12, weight="bold")
        y += 10
        for r in range(min(regs, 32)):
            src = plan.select_map.apply_array(register=r, lane=np.arange(lanes), warp=0, block=0)["register"]
            svg.text(PAD, y + 13, f"r{r}", size=9)
            for l in range(lanes):
                svg.rect(PAD + 40 + l * 26, y, 26, CELL_H, _color(int(src[l]), regs), title=f"lane {l}: r{r} <- r{int(src[l])}")
                svg.text(PAD + 40 + l * 26 + 13, y + 13, str(int(src[l])), size=8, anchor="middle")
            y += CELL_H
    else:
        svg.text(PAD, y, "the layouts are equal: nothing moves", size=12)
    return svg.render()
