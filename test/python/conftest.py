"""Shared pytest set-up.

Tests that need Triton (the oracle, and the host of the hook) carry the
``triton`` marker (``pytest -m triton`` runs them alone: ``make
test-triton``). Where Triton cannot be imported they are skipped, except
under ``LL_REQUIRE_TRITON=1`` (``make test``), where each fails with the
import error: a broken Triton install must not turn the oracle suite into
a green run of skips.
"""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

import triton_oracle as O  # noqa: E402


def pytest_configure(config):
    config.addinivalue_line("markers", "triton: needs an importable Triton (oracle or hook host)")


def pytest_runtest_setup(item):
    if item.get_closest_marker("triton") is not None and not O.HAVE_TRITON:
        O.need_triton()
