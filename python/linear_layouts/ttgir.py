"""Parse Triton's TTGIR layout attributes (as Triton prints them).

``parse_attr('#ttg.blocked<{sizePerThread = [1, 4], ...}>')`` returns a
parameter dict ``{'kind': 'blocked', 'sizePerThread': [1, 4], ...}`` that
``linear_layouts._core.encoding_to_linear_layout`` understands. Both the
``#ttg.`` and the older ``#triton_gpu.`` prefixes are accepted, and
``parent = #name`` is resolved through an ``aliases`` mapping (alias name,
with or without ``#``, to attribute text).

Every malformed input raises :class:`TTGIRParseError` (a ``ValueError``).
"""

from __future__ import annotations

import re
from typing import Any

from . import _core
from ._core import LayoutError

__all__ = ["TTGIRParseError", "element_bits", "parse_attr", "parse_tensor_type", "scan_module"]

_DIALECT_PREFIXES = ("ttg", "triton_gpu")
#: mnemonic -> family, from the core (the families makeEncoding decodes)
_FAMILIES = _core.encoding_families()


class TTGIRParseError(LayoutError):
    """A TTGIR attribute or type that cannot be parsed."""


_TOKEN = re.compile(
    r"\s*(?:(?P<attr>#[A-Za-z_][\w.$-]*)|(?P<int>-?\d+)|(?P<ident>[A-Za-z_][\w.$-]*)"
    r"|(?P<str>\"(?:[^\"\\]|\\.)*\")|(?P<punct>:\+|[{}\[\]<>=,:()]))",
    re.ASCII,  # '١' is not a digit in TTGIR
)


class _Lexer:
    def __init__(self, text: str):
        self.text = text
        self.toks: list[tuple[str, str, int]] = []
        pos = 0
        while True:
            m = _TOKEN.match(text, pos)
            if not m:
                if text[pos:].strip():
                    raise TTGIRParseError(
                        f"unexpected character {text[pos:].strip()[0]!r} at "
                        f"offset {pos} in {text!r}"
                    )
                break
            kind = m.lastgroup
            self.toks.append((kind, m.group(kind), m.start(kind)))
            pos = m.end()
        self.i = 0

    def peek(self, k: int = 0):
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else ("eof", "", len(self.text))

    def next(self):
        t = self.peek()
        self.i += 1
        return t

    def expect(self, value: str):
        kind, v, pos = self.next()
        if v != value:
            found = v if kind != "eof" else "end of input"
            raise TTGIRParseError(f"expected {value!r} but found {found!r} at offset {pos} in {self.text!r}")

    def accept(self, value: str) -> bool:
        if self.peek()[1] == value:
            self.i += 1
            return True
        return False


def _parse_value(lx: _Lexer, aliases, expanding: tuple = ()) -> Any:
    kind, v, pos = lx.peek()
    if v == "[":
        lx.next()
        items = []
        if lx.accept("]"):
            return items
        while True:
            items.append(_parse_value(lx, aliases, expanding))
            if lx.accept("]"):
                return items
            lx.expect(",")
    if v == "{":
        return _parse_dict(lx, aliases, expanding)
    if kind == "int":
        lx.next()
        return int(v)
    if kind == "ident":
        lx.next()
        if v in ("true", "false"):
            return v == "true"
        # Typed integer (`16 : i32`) handled by the caller; bare identifiers
        # (e.g. enum values) are kept as strings.
        return v
    if kind == "str":
        lx.next()
        return v[1:-1]
    if kind == "attr":
        return _parse_attr(lx, aliases, expanding)
    raise TTGIRParseError(f"unexpected {v or 'end of input'!r} at offset {pos} in {lx.text!r}")


def _parse_dict(lx: _Lexer, aliases, expanding: tuple = ()) -> dict:
    lx.expect("{")
    d: dict[str, Any] = {}
    if lx.accept("}"):
        return d
    while True:
        kind, key, pos = lx.next()
        if kind not in ("ident", "str"):
            raise TTGIRParseError(f"expected a parameter name at offset {pos} in {lx.text!r}")
        key = key.strip('"')
        if key in d:
            raise TTGIRParseError(f"duplicate parameter {key!r} at offset {pos} in {lx.text!r}")
        if lx.accept("="):
            d[key] = _parse_value(lx, aliases, expanding)
            if lx.accept(":"):  # a typed literal such as `4 : i32`
                lx.next()
        else:
            d[key] = True  # unit attribute
        if lx.accept("}"):
            return d
        lx.expect(",")


def _parse_intervals(lx: _Lexer) -> tuple[list[int], list[int]]:
    # [32:+4, 64:+8]
    lx.expect("[")
    intervals, paddings = [], []
    while True:
        k, v, pos = lx.next()
        if k != "int":
            raise TTGIRParseError(f"expected an interval at offset {pos} in {lx.text!r}")
        lx.expect(":+")
        k2, p, pos2 = lx.next()
        if k2 != "int":
            raise TTGIRParseError(f"expected a padding at offset {pos2} in {lx.text!r}")
        intervals.append(int(v))
        paddings.append(int(p))
        if lx.accept("]"):
            return intervals, paddings
        lx.expect(",")


def _parse_attr(lx: _Lexer, aliases, expanding: tuple = ()) -> dict:
    kind, name, pos = lx.next()
    if kind != "attr":
        raise TTGIRParseError(f"expected a layout attribute ('#ttg.<family><...>') at offset {pos} in {lx.text!r}")
    body = name[1:]
    if "." not in body:
        # An alias: #blocked, #mma1, ...
        text = None
        if aliases:
            text = aliases.get(name, aliases.get(body))
        if text is None:
            known = ", ".join(sorted(aliases)) if aliases else "none given"
            raise TTGIRParseError(f"unknown alias {name!r} (aliases: {known})")
        if name in expanding:
            raise TTGIRParseError(f"alias cycle: {' -> '.join(expanding + (name,))}")
        return _parse_text(text, aliases, expanding + (name,))
    prefix, family = body.split(".", 1)
    if prefix not in _DIALECT_PREFIXES:
        raise TTGIRParseError(f"unknown dialect prefix {prefix!r} in {name!r} (expected 'ttg' or 'triton_gpu')")
    if family not in _FAMILIES:
        raise TTGIRParseError(f"unknown layout family {family!r} in {name!r}")
    family = _FAMILIES[family]
    params: dict[str, Any] = {"kind": family}
    lx.expect("<")
    first = True
    while not lx.accept(">"):
        if not first:
            lx.accept(",")
        first = False
        k, v, p = lx.peek()
        if v == "{":
            inner = _parse_dict(lx, aliases, expanding)
            dup = sorted(set(inner) & set(params))
            if dup:
                raise TTGIRParseError(f"duplicate parameter {dup[0]!r} in {lx.text!r}")
            params.update(inner)
        elif v == "[" and family == "padded_shared":
            params["intervals"], params["paddings"] = _parse_intervals(lx)
        elif k == "ident":
            lx.next()
            if v in params:
                raise TTGIRParseError(f"duplicate parameter {v!r} at offset {p} in {lx.text!r}")
            if lx.accept("="):
                params[v] = _parse_value(lx, aliases, expanding)
            else:
                params[v] = True
        elif k == "eof":
            raise TTGIRParseError(f"unterminated attribute {lx.text!r}")
        else:
            raise TTGIRParseError(f"unexpected {v!r} at offset {p} in {lx.text!r}")
    return params


def parse_attr(text: str, aliases: dict[str, str] | None = None) -> dict:
    """Parse one TTGIR layout attribute into a parameter dict."""
    if aliases is not None:
        if not isinstance(aliases, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in aliases.items()):
            raise TTGIRParseError("aliases must be a dict mapping alias names ('#blocked') to attribute text")
    try:
        return _parse_text(text, aliases or {}, ())
    except RecursionError:
        raise TTGIRParseError("the attribute is nested too deeply") from None


def _parse_text(text, aliases: dict, expanding: tuple) -> dict:
    if not isinstance(text, str):
        raise TTGIRParseError(f"expected the attribute as a string, got {type(text).__name__}")
    lx = _Lexer(text)
    d = _parse_attr(lx, aliases, expanding)
    if lx.peek()[0] != "eof":
        raise TTGIRParseError(f"trailing text after the attribute in {text!r}")
    return d


# An element type as Triton prints it: i1, f16, bf16, f8E4M3FN, index,
# !tt.ptr<f16> / !tt.ptr<f16, 3>, !llvm.ptr<1>.
_ELEMENT = r"(!tt\.ptr<[^<>]*(?:<[^<>]*>)?[^<>]*>|!llvm\.ptr(?:<\d+>)?|[A-Za-z]\w*)"
_TENSOR = re.compile(r"^\s*(?:tensor|!ttg\.memdesc|memdesc)?\s*<?\s*((?:\d+x)*\d+)x" + _ELEMENT, re.ASCII)


def parse_tensor_type(text: str) -> tuple[list[int], str]:
    """``'tensor<64x64xf16>'`` -> ``([64, 64], 'f16')``; also ``'64x64xf16'``
    and Triton's element types (``'tensor<128x!tt.ptr<f16>>'`` ->
    ``([128], '!tt.ptr<f16>')``)."""
    if not isinstance(text, str):
        raise TTGIRParseError(f"expected a tensor type as a string, got {type(text).__name__}")
    m = _TENSOR.match(text)
    if not m:
        raise TTGIRParseError(f"cannot parse a tensor type from {text!r} (expected e.g. 'tensor<64x64xf16>')")
    return [int(x) for x in m.group(1).split("x")], m.group(2)


_FLOAT_BITS = {"bf16": 16, "tf32": 32}


def element_bits(elt: str) -> int:
    """The bits an element occupies in a register when it moves between
    threads, at least a byte: ``i1`` -> 8, ``bf16`` -> 16, ``f8E4M3FN`` -> 8,
    ``!tt.ptr<f16>`` -> 64 (a pointer), ``index`` -> 64."""
    if elt.startswith(("!tt.ptr", "!llvm.ptr")) or elt == "index":
        return 64
    m = re.fullmatch(r"(?:[iuf]|si|ui)(\d+)(?:[A-Za-z]\w*)?", elt, re.ASCII)
    bits = _FLOAT_BITS.get(elt) or (int(m.group(1)) if m else None)
    if not bits:
        raise TTGIRParseError(f"cannot tell the bit width of element type {elt!r}")
    return max(8, 1 << (bits - 1).bit_length())


_ALIAS_DEF = re.compile(r"^\s*(#[A-Za-z_][\w$.-]*)\s*=\s*(#(?:ttg|triton_gpu)\.\w+<.*>)\s*$", re.M)
_TYPE_USE = re.compile(r"(tensor|!ttg\.memdesc)<((?:\d+x)+)" + _ELEMENT + r",\s*", re.ASCII)


def _balanced_attr(text: str, start: int) -> str:
    """The attribute (`#name` or `#ttg.x<...>`) starting at `start`."""
    m = re.compile(r"#[\w$.-]+").match(text, start)
    if not m:
        return ""
    end = m.end()
    if end < len(text) and text[end] == "<":
        depth = 0
        for j in range(end, len(text)):
            if text[j] == "<":
                depth += 1
            elif text[j] == ">":
                depth -= 1
                if depth == 0:
                    return text[start : j + 1]
    return text[start:end]


def scan_module(text: str) -> tuple[dict[str, str], list[tuple[str, list[int], str]]]:
    """Aliases and layout uses of a TTGIR module.

    Returns ``(aliases, uses)``: ``aliases`` maps ``#name`` to its attribute
    text; ``uses`` lists each distinct (layout text, shape, element type) that
    appears in a ``tensor<...>`` or ``!ttg.memdesc<...>`` type, in order.
    """
    aliases = {m.group(1): m.group(2) for m in _ALIAS_DEF.finditer(text)}
    uses, seen = [], set()
    for m in _TYPE_USE.finditer(text):
        shape = [int(x) for x in m.group(2).rstrip("x").split("x")]
        attr = _balanced_attr(text, m.end())
        if not attr or attr == "#smem" or attr.startswith("#ttg.shared_memory"):
            continue
        key = (attr, tuple(shape), m.group(3))
        if key not in seen:
            seen.add(key)
            uses.append((attr, shape, m.group(3)))
    return aliases, uses
