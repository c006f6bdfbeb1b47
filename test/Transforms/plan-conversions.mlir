// RUN: ll-opt %s -ll-plan-conversions | FileCheck %s
// Each conversion is classified by the linear map between the layouts.

#blocked = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>
#mma = #ll.nvidia_mma<{versionMajor = 2, versionMinor = 0, warpsPerCTA = [2, 2], instrShape = [16, 8]}>
// Same elements per thread, registers swapped.
#r0 = #ll.linear<{register = [[0, 1], [1, 0]], lane = [[0, 2], [0, 4], [0, 8], [2, 0], [4, 0]], warp = [], block = []}>
#r1 = #ll.linear<{register = [[1, 0], [0, 1]], lane = [[0, 2], [0, 4], [0, 8], [2, 0], [4, 0]], warp = [], block = []}>
// Same warps, lanes exchanged with registers.
#s1 = #ll.linear<{register = [[0, 1], [0, 2]], lane = [[1, 0], [2, 0], [4, 0], [0, 4], [0, 8]], warp = [], block = []}>
// A blocked layout written as its equal linear layout.
#blocked_as_linear = #ll.linear<{register = [[0, 1], [0, 2], [0, 16], [0, 32], [32, 0]], lane = [[0, 4], [0, 8], [1, 0], [2, 0], [4, 0]], warp = [[8, 0], [16, 0]], block = []}>

// CHECK-LABEL: func.func @plans
func.func @plans(%a: tensor<64x64xf32, #blocked>, %b: tensor<8x16xf32, #r0>) {
  // CHECK: ll.convert_layout %{{.*}} {ll.plan = "shared"}
  %0 = ll.convert_layout %a : tensor<64x64xf32, #blocked> -> tensor<64x64xf32, #mma>
  // CHECK: ll.convert_layout %{{.*}} {ll.plan = "noop"}
  %1 = ll.convert_layout %a : tensor<64x64xf32, #blocked> -> tensor<64x64xf32, #blocked_as_linear>
  // CHECK: ll.convert_layout %{{.*}} {ll.plan = "registers"}
  %2 = ll.convert_layout %b : tensor<8x16xf32, #r0> -> tensor<8x16xf32, #r1>
  // CHECK: ll.convert_layout %{{.*}} {ll.plan = "shuffle"}
  %3 = ll.convert_layout %b : tensor<8x16xf32, #r0> -> tensor<8x16xf32, #s1>
  return
}
