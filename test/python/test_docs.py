"""docs/dialect.md is generated from the TableGen definitions and current."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_dialect_reference_is_current():
    r = subprocess.run([sys.executable, str(ROOT / "docs/gen_dialect_doc.py"), "--check"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_every_op_and_pass_is_documented_with_an_example():
    text = (ROOT / "docs/dialect.md").read_text()
    sections = text.split("\n### ")[1:]
    assert len(sections) >= 11 + 1 + 14 + 3  # attributes, type, ops, passes
    for s in sections:
        title = s.splitlines()[0]
        assert "```mlir" in s, f"no example for {title}"
