"""The CPU sanitizer for Triton kernels (linear_layouts.sanitize): each
finding on a kernel written with the bug, as users write it, and no
finding on the fixed kernel, whose result is then right. The code run is
Triton's own (its LLVM IR) unless a test says otherwise."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys

import numpy as np
import pytest

import triton_oracle

pytestmark = pytest.mark.triton
triton = triton_oracle.need_triton()
import triton.language as tl  # noqa: E402

from linear_layouts.sanitize import Sanitizer  # noqa: E402


def _line(fn, text: str) -> str:
    """This file's line number of `text` in kernel `fn`'s source."""
    lines, start = inspect.getsourcelines(fn.fn)
    return f"test_sanitize.py:{start + next(i for i, s in enumerate(lines) if text in s)}"


@triton.jit
def add_unmasked(X, Y, Z, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    x = tl.load(X + offs)
    tl.store(Z + offs, x + tl.load(Y + offs))


@triton.jit
def add_masked(X, Y, Z, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    m = offs < n
    x = tl.load(X + offs, mask=m)
    tl.store(Z + offs, x + tl.load(Y + offs, mask=m), mask=m)


@pytest.mark.parametrize("target", ["sm_90", "gfx942"])
def test_out_of_bounds_names_the_line_the_thread_and_the_argument(target):
    n = 1000
    x, y, z = (np.arange(n, dtype=np.float32) for _ in range(3))
    with Sanitizer(target=target) as s:
        add_unmasked[(triton.cdiv(n, 256),)](x, y, z, n, BLOCK=256)
    assert len(s.findings) == 1
    msg = s.findings[0].message
    assert f"at {_line(add_unmasked, 'x = tl.load')}" in msg, msg
    assert "out-of-bounds load of" in msg and "past the end of X (float32[1000])" in msg, msg
    assert "of CTA (3, 0, 0)" in msg, msg
    z[:] = 0
    with Sanitizer(target=target) as s:
        add_masked[(triton.cdiv(n, 256),)](x, y, z, n, BLOCK=256)
    assert s.findings == [] and s.launches == 1
    np.testing.assert_array_equal(z, 2 * x)


@triton.jit
def sum_racy(X, Y, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    tl.store(Y, tl.sum(tl.load(X + offs, mask=offs < n, other=0), axis=0))


@triton.jit
def sum_atomic(X, Y, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    tl.atomic_add(Y, tl.sum(tl.load(X + offs, mask=offs < n, other=0), axis=0))


def test_programs_writing_one_result_race_and_an_atomic_does_not():
    x = np.arange(1024, dtype=np.int32)
    y = np.zeros(1, np.int32)
    with Sanitizer() as s:
        sum_racy[(4,)](x, y, 1024, BLOCK=256)
    assert len(s.findings) == 1
    msg = s.findings[0].message
    assert "global-memory race" in msg and "of Y (int32[1])" in msg and "written by CTA (0, 0, 0)" in msg, msg
    assert f"at {_line(sum_racy, 'tl.store')}" in msg, msg
    y[:] = 0
    with Sanitizer() as s:
        sum_atomic[(4,)](x, y, 1024, BLOCK=256)
    assert s.findings == []
    assert int(y[0]) == int(x.sum())


@triton.jit
def carry_racy(X, Y, BLOCK: tl.constexpr):
    # Each program adds the previous program's result: an order programs do not have.
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    prev = tl.load(Y + pid - 1, mask=pid > 0, other=0)
    tl.store(Y + pid, prev + tl.sum(tl.load(X + offs), axis=0))


def test_a_program_reading_what_another_wrote_races():
    x = np.ones(512, np.int32)
    with Sanitizer() as s:
        carry_racy[(4,)](x, np.zeros(4, np.int32), BLOCK=128)
    assert len(s.findings) == 1
    msg = s.findings[0].message
    assert "global-memory race" in msg and "reads byte 0 of Y" in msg and "written by CTA (0, 0, 0)" in msg, msg
    assert f"at {_line(carry_racy, 'prev = tl.load')}" in msg, msg


def test_our_code_is_sanitized_too():
    n = 1000
    x, y, z = (np.arange(n, dtype=np.float32) for _ in range(3))
    with Sanitizer(code="ours") as s:
        add_unmasked[(triton.cdiv(n, 256),)](x, y, z, n, BLOCK=256)
    assert len(s.findings) == 1 and "past the end of X (float32[1000])" in s.findings[0].message
    assert s.findings[0].code == "our"


def test_launch_arguments_bind_as_tritons_do():
    """Positional constexprs, keyword arguments, a grid function of the
    arguments and launch options (num_warps) all reach the kernel."""
    n = 300
    x, y, z = (np.arange(n, dtype=np.float32) for _ in range(3))
    with Sanitizer() as s:
        add_masked[lambda meta: (triton.cdiv(meta["n"], meta["BLOCK"]),)](x, y, Z=z, n=n, BLOCK=128, num_warps=2)
    assert s.findings == [] and s.launches == 1
    np.testing.assert_array_equal(z, 2 * x)


_SCRIPT = '''
import numpy as np
import triton
import triton.language as tl


@triton.jit
def copy(X, Y, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    tl.store(Y + offs, tl.load(X + offs{mask}){smask})


x = np.arange(100, dtype=np.float32)
y = np.zeros(100, np.float32)
copy[(1,)](x, y, 100, BLOCK=128)
assert (y == x).all()
print("script done")
'''


@pytest.mark.parametrize("buggy", [True, False])
def test_the_command_line_runs_a_users_script(tmp_path, buggy):
    script = tmp_path / "user_script.py"
    script.write_text(_SCRIPT.format(mask="" if buggy else ", mask=offs < n", smask="" if buggy else ", mask=offs < n"))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    r = subprocess.run([sys.executable, "-m", "linear_layouts", "sanitize", "--target", "sm_80", str(script)],
                       capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    if buggy:
        assert r.returncode == 1, r.stderr
        assert "copy[1] on sm_80 (Triton's code)" in r.stderr, r.stderr
        assert "user_script.py:10:" in r.stderr and "out-of-bounds load" in r.stderr, r.stderr
        assert "1 launch, 1 finding" in r.stderr, r.stderr
    else:
        assert r.returncode == 0, r.stderr
        assert "script done" in r.stdout and "1 launch, 0 findings" in r.stderr, (r.stdout, r.stderr)


@triton.jit
def sum_locked(X, Y, Lock, BLOCK: tl.constexpr):
    # Tutorial 05's pattern: a spin lock taken with atomic_cas around a
    # plain read-modify-write, released with atomic_xchg.
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    part = tl.sum(tl.load(X + offs), axis=0)
    while tl.atomic_cas(Lock, 0, 1) == 1:
        pass
    tl.store(Y, tl.load(Y) + part)
    tl.atomic_xchg(Lock, 0)


def test_programs_ordered_by_a_lock_do_not_race():
    x = np.arange(512, dtype=np.int32)
    y, lock = np.zeros(1, np.int32), np.zeros(1, np.int32)
    with Sanitizer() as s:
        sum_locked[(4,)](x, y, lock, BLOCK=128)
    assert s.findings == [], s.findings
    assert int(y[0]) == int(x.sum()) and lock[0] == 0
