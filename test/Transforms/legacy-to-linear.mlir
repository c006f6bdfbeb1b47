// RUN: ll-opt %s -split-input-file -ll-legacy-to-linear | FileCheck %s
// Each legacy family becomes the #ll.linear / #ll.shared that Triton 3.6 builds for the
// attribute and shape (the expected bases were produced by Triton's own conversion;
// test/python/test_oracle_triton.py compares every family against it at random).

// blocked, grown along dim1 then dim0 (order).
// CHECK: #[[L0:.*]] = #ll.linear<{register = {{\[}}[0, 1], [0, 2], [0, 32], [0, 64], [16, 0], [32, 0]], lane = {{\[}}[0, 4], [0, 8], [1, 0], [2, 0], [4, 0]], warp = {{\[}}[0, 16], [8, 0]], block = []}>
// CHECK-LABEL: func.func @case0
// CHECK-SAME: tensor<64x128xf32, #[[L0]]>
func.func @case0(%a: tensor<64x128xf32, #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [2, 2], order = [1, 0]}>>) { return }

// -----

// blocked over 4 CTAs along dim1, shrunk to 8 columns.
// CHECK: #[[L1:.*]] = #ll.linear<{register = {{\[}}[0, 1], [0, 0], [16, 0], [32, 0]], lane = {{\[}}[0, 0], [0, 0], [1, 0], [2, 0], [4, 0]], warp = {{\[}}[0, 0], [8, 0]], block = {{\[}}[0, 2], [0, 4]]}>
// CHECK-LABEL: func.func @case1
// CHECK-SAME: tensor<64x8xf32, #[[L1]]>
func.func @case1(%a: tensor<64x8xf32, #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [2, 2], order = [1, 0], CGALayout = [[0, 1], [0, 2]]}>>) { return }

// -----

// mma v2 (mma.sync), warps row-major.
// CHECK: #[[L2:.*]] = #ll.linear<{register = {{\[}}[0, 1], [8, 0], [0, 16], [0, 32], [32, 0]], lane = {{\[}}[0, 2], [0, 4], [1, 0], [2, 0], [4, 0]], warp = {{\[}}[0, 8], [16, 0]], block = []}>
// CHECK-LABEL: func.func @case2
// CHECK-SAME: tensor<64x64xf32, #[[L2]]>
func.func @case2(%a: tensor<64x64xf32, #ll.nvidia_mma<{versionMajor = 2, versionMinor = 0, warpsPerCTA = [2, 2], instrShape = [16, 8]}>>) { return }

// -----

// mma v3 (wgmma), warps along M first.
// CHECK: #[[L3:.*]] = #ll.linear<{register = {{\[}}[0, 1], [8, 0], [0, 8], [0, 16], [0, 32], [64, 0]], lane = {{\[}}[0, 2], [0, 4], [1, 0], [2, 0], [4, 0]], warp = {{\[}}[16, 0], [32, 0]], block = []}>
// CHECK-LABEL: func.func @case3
// CHECK-SAME: tensor<128x64xf32, #[[L3]]>
func.func @case3(%a: tensor<128x64xf32, #ll.nvidia_mma<{versionMajor = 3, versionMinor = 0, warpsPerCTA = [4, 1], instrShape = [16, 64, 16]}>>) { return }

// -----

// dot operand A of mma v2: warps along K broadcast.
// CHECK: #[[L4:.*]] = #ll.linear<{register = {{\[}}[0, 1], [8, 0], [0, 8], [0, 16], [32, 0]], lane = {{\[}}[0, 2], [0, 4], [1, 0], [2, 0], [4, 0]], warp = {{\[}}[0, 0], [16, 0]], block = []}>
// CHECK-LABEL: func.func @case4
// CHECK-SAME: tensor<64x32xf32, #[[L4]]>
func.func @case4(%a: tensor<64x32xf32, #ll.dot_op<{opIdx = 0, parent = #ll.nvidia_mma<{versionMajor = 2, versionMinor = 0, warpsPerCTA = [2, 2], instrShape = [16, 8]}>, kWidth = 2}>>) { return }

// -----

// dot operand A of a blocked layout (FMA): all of K in registers.
// CHECK: #[[L5:.*]] = #ll.linear<{register = {{\[}}[0, 1], [0, 2], [0, 4], [0, 8], [16, 0], [32, 0]], lane = {{\[}}[0, 0], [0, 0], [1, 0], [2, 0], [4, 0]], warp = {{\[}}[0, 0], [8, 0]], block = []}>
// CHECK-LABEL: func.func @case5
// CHECK-SAME: tensor<64x16xf32, #[[L5]]>
func.func @case5(%a: tensor<64x16xf32, #ll.dot_op<{opIdx = 0, parent = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [2, 2], order = [1, 0]}>}>>) { return }

// -----

// slice of a blocked layout: zero registers dropped, lanes along dim1 broadcast.
// CHECK: #[[L6:.*]] = #ll.linear<{register = {{\[}}[16], [32]], lane = {{\[}}[0], [0], [1], [2], [4]], warp = {{\[}}[0], [8]], block = []}>
// CHECK-LABEL: func.func @case6
// CHECK-SAME: tensor<64xf32, #[[L6]]>
func.func @case6(%a: tensor<64xf32, #ll.slice<{dim = 1, parent = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [2, 2], order = [1, 0]}>}>>) { return }

// -----

// AMD MFMA 32x32, transposed.
// CHECK: #[[L7:.*]] = #ll.linear<{register = {{\[}}[0, 1], [0, 2], [0, 8], [0, 16], [64, 0]], lane = {{\[}}[1, 0], [2, 0], [4, 0], [8, 0], [16, 0], [0, 4]], warp = {{\[}}[0, 32], [32, 0]], block = []}>
// CHECK-LABEL: func.func @case7
// CHECK-SAME: tensor<128x64xf32, #[[L7]]>
func.func @case7(%a: tensor<128x64xf32, #ll.amd_mfma<{version = 3, warpsPerCTA = [2, 2], instrShape = [32, 32, 8], isTransposed = true}>>) { return }

// -----

// AMD MFMA dot operand A.
// CHECK: #[[L8:.*]] = #ll.linear<{register = {{\[}}[0, 1], [0, 2], [0, 8], [0, 16]], lane = {{\[}}[1, 0], [2, 0], [4, 0], [8, 0], [16, 0], [0, 4]], warp = {{\[}}[0, 0], [0, 0]], block = []}>
// CHECK-LABEL: func.func @case8
// CHECK-SAME: tensor<32x32xf32, #[[L8]]>
func.func @case8(%a: tensor<32x32xf32, #ll.dot_op<{opIdx = 0, parent = #ll.amd_mfma<{version = 2, warpsPerCTA = [1, 4], instrShape = [32, 32, 8], isTransposed = false}>, kWidth = 4}>>) { return }

// -----

// AMD WMMA v1: lanes 16..31 hold the odd rows.
// CHECK: #[[L9:.*]] = #ll.linear<{register = {{\[}}[2, 0], [4, 0], [8, 0]], lane = {{\[}}[0, 1], [0, 2], [0, 4], [0, 8], [1, 0]], warp = {{\[}}[0, 16], [16, 0]], block = []}>
// CHECK-LABEL: func.func @case9
// CHECK-SAME: tensor<32x32xf32, #[[L9]]>
func.func @case9(%a: tensor<32x32xf32, #ll.amd_wmma<{version = 1, isTranspose = false, warpsPerCTA = [2, 2]}>>) { return }

// -----

// AMD WMMA v3 dot operand B: warps along K broadcast.
// CHECK: #[[L10:.*]] = #ll.linear<{register = {{\[}}[1, 0], [2, 0], [4, 0], [16, 0]], lane = {{\[}}[0, 1], [0, 2], [0, 4], [0, 8], [8, 0]], warp = {{\[}}[0, 0], [0, 0]], block = []}>
// CHECK-LABEL: func.func @case10
// CHECK-SAME: tensor<32x16xf32, #[[L10]]>
func.func @case10(%a: tensor<32x16xf32, #ll.dot_op<{opIdx = 1, parent = #ll.amd_wmma<{version = 3, isTranspose = false, warpsPerCTA = [4, 1], instrShape = [16, 16, 32]}>, kWidth = 8}>>) { return }

// -----

// swizzled shared 8/1/8.
// CHECK: #[[L11:.*]] = #ll.shared<{offset = {{\[}}[0, 1], [0, 2], [0, 4], [0, 8], [0, 16], [0, 32], [1, 8], [2, 16], [4, 32], [8, 0], [16, 0], [32, 0]], block = []}>
// CHECK-LABEL: func.func @case11
// CHECK-SAME: !ll.memdesc<64x64xf16, #[[L11]]>
func.func @case11(%a: !ll.memdesc<64x64xf16, #ll.swizzled_shared<{vec = 8, perPhase = 1, maxPhase = 8, order = [1, 0]}>>) { return }

// -----

// NVMMA shared, 128-byte swizzle: the columns beyond the swizzle width come last.
// CHECK: #[[L12:.*]] = #ll.shared<{offset = {{\[}}[0, 1], [0, 2], [0, 4], [0, 8], [0, 16], [0, 32], [1, 8], [2, 16], [4, 32], [8, 0], [16, 0], [32, 0], [0, 64]], block = []}>
// CHECK-LABEL: func.func @case12
// CHECK-SAME: !ll.memdesc<64x128xf16, #[[L12]]>
func.func @case12(%a: !ll.memdesc<64x128xf16, #ll.nvmma_shared<{swizzlingByteWidth = 128, transposed = false, elementBitWidth = 16}>>) { return }

// -----

// Padded layouts stay: their padding is not a linear map.
// CHECK: #[[P:.*]] = #ll.padded_shared<[32:+4]
// CHECK-LABEL: func.func @padded
// CHECK-SAME: !ll.memdesc<16x64xf16, #[[P]]>
func.func @padded(%a: !ll.memdesc<16x64xf16, #ll.padded_shared<[32:+4] {order = [1, 0], shape = [16, 64]}>>) { return }

// -----

// Types are replaced everywhere: results, block arguments, nested regions.
#b = #ll.blocked<{sizePerThread = [2], threadsPerWarp = [32], warpsPerCTA = [1], order = [0]}>
// CHECK: #[[R:.*]] = #ll.linear<{register = {{\[}}[1]], lane = {{\[}}[2], [4], [8], [16], [32]], warp = [], block = []}>
// CHECK-LABEL: func.func @everywhere
// CHECK-NOT: #ll.blocked
// CHECK: ll.make_range {{.*}} : tensor<64xi32, #[[R]]>
// CHECK: scf.for {{.*}} -> (tensor<64xi32, #[[R]]>)
func.func @everywhere(%n: index) -> tensor<64xi32, #b> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = ll.make_range {start = 0 : i32, end = 64 : i32} : tensor<64xi32, #b>
  %s = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %r) -> (tensor<64xi32, #b>) {
    %t = arith.addi %acc, %r : tensor<64xi32, #b>
    scf.yield %t : tensor<64xi32, #b>
  }
  return %s : tensor<64xi32, #b>
}

// -----

// Dense constants (arith.constant's value is a property) take the new type.
#b = #ll.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [1], order = [0]}>
// CHECK-LABEL: func.func @constant
// CHECK: arith.constant dense<7> : tensor<32xi32, #linear>
func.func @constant() -> tensor<32xi32, #b> {
  %c = arith.constant dense<7> : tensor<32xi32, #b>
  return %c : tensor<32xi32, #b>
}
