//===- PrecompiledHeaders.cpp - Holder of the precompiled MLIR headers ----===//
//
// Empty: CMake compiles the headers named in this directory's
// CMakeLists.txt once, and the dialect, transform, conversion and C API
// libraries reuse them (ll_precompiled_headers).
//
//===----------------------------------------------------------------------===//
