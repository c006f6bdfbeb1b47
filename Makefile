# linear-layouts — the two commands: `make demo` and `make test`.
#
# Everything goes through a local virtualenv (.venv) holding the pinned
# dependencies (requirements.txt): it is created and filled once, then reused;
# the C++ build is CMake + Ninja, incremental, -j2, linked with lld if present.

PYTHON  ?= python3
VENV    := .venv
PY      := $(VENV)/bin/python
SP       = $(shell $(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
BUILD   := build
JOBS    ?= 2
STAMP   := $(VENV)/.installed
LINKER  := $(shell command -v ld.lld >/dev/null 2>&1 && echo -DLLVM_USE_LINKER=lld -DCMAKE_EXE_LINKER_FLAGS=-fuse-ld=lld -DCMAKE_SHARED_LINKER_FLAGS=-fuse-ld=lld -DCMAKE_MODULE_LINKER_FLAGS=-fuse-ld=lld)

.PHONY: all venv build demo test test-unit test-lit test-python test-wheel test-triton bench clean distclean

all: build

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements.txt
	touch $@

venv: $(STAMP)

$(BUILD)/build.ninja: $(STAMP) CMakeLists.txt
	$(VENV)/bin/cmake -G Ninja -S . -B $(BUILD) \
	  -DCMAKE_BUILD_TYPE=Release \
	  -DCMAKE_MAKE_PROGRAM=$(abspath $(VENV))/bin/ninja \
	  -DPython_EXECUTABLE=$(abspath $(PY)) \
	  -DMLIR_DIR=$(SP)/mlir/lib/cmake/mlir \
	  -DLLVM_DIR=$(SP)/llvm/lib/cmake/llvm \
	  $(LINKER)

build: $(BUILD)/build.ninja
	$(VENV)/bin/ninja -C $(BUILD) -j$(JOBS)
	@# In-tree development install: the package from python/, plus the CLI.
	@echo "$(abspath python)" > $(SP)/linear_layouts_dev.pth
	@printf '#!%s\nimport sys\nfrom linear_layouts.cli import main\nsys.exit(main())\n' "$(abspath $(PY))" > $(VENV)/bin/linear-layouts
	@chmod +x $(VENV)/bin/linear-layouts

demo: build
	$(PY) -m linear_layouts demo

test-unit: build
	$(BUILD)/test/unit/ll-unit-tests

test-lit: build
	$(VENV)/bin/lit -sv $(BUILD)/test

# Two workers (pytest-xdist: one per core). Triton must import: its tests
# fail instead of skipping (LL_REQUIRE_TRITON, test/python/conftest.py).
test-python: build
	LL_REQUIRE_TRITON=1 $(PY) -m pytest -q -n $(JOBS) test/python

# The pip wheel, as a user gets it: scikit-build-core drives the same CMake
# build as `make` in the same build/ (nothing is compiled twice; its options
# are make's), with the pinned build requirements of the venv; the wheel is
# installed with its `[triton]` extra into a fresh virtualenv, then checked
# from outside the tree (test/wheel/smoke.py). The package's Python files are
# the tracked ones (scikit-build-core leaves git-ignored files out).
WHEEL_VENV := $(BUILD)/wheel-venv
test-wheel: build
	rm -rf $(WHEEL_VENV) $(BUILD)/wheelhouse
	$(PY) -m pip wheel -q --no-build-isolation --no-deps -w $(BUILD)/wheelhouse \
	  -Cbuild-dir=$(abspath $(BUILD)) -Ccmake.define.LL_ENABLE_TESTS=ON .
	$(PYTHON) -m venv $(WHEEL_VENV)
	$(WHEEL_VENV)/bin/pip install -q -c requirements.txt "$$(ls $(BUILD)/wheelhouse/*.whl)[triton]"
	cd /tmp && $(abspath $(WHEEL_VENV))/bin/python $(abspath test/wheel/smoke.py) \
	  $(abspath test/Conversion/TritonToLL/vector-add.mlir)

test: test-unit test-lit test-python test-wheel

# The Triton-dependent tests (oracles, corpus, hook, demo) against another
# Triton release than the pinned one: `make test-triton TRITON=3.9.0`. That
# Triton is installed once into .triton-$(TRITON) and put ahead of the venv's.
# The tests marked `triton` (test/python/conftest.py) are the ones run.
TRITON ?= 3.9.0
test-triton: build
	test -d .triton-$(TRITON) || $(PY) -m pip install -q --no-deps --target .triton-$(TRITON) triton==$(TRITON)
	PYTHONPATH=$(abspath .triton-$(TRITON)) TRITON_DEFAULT_FP_FUSION=1 LL_REQUIRE_TRITON=1 \
	  $(PY) -m pytest -q -rxs -n $(JOBS) -m triton test/python

bench: build
	$(PY) bench/algebra_vs_triton.py

clean:
	rm -rf $(BUILD)

distclean: clean
	rm -rf $(VENV)
