// RUN: ll-opt %s -split-input-file -ll-plan-conversions | FileCheck %s
// RUN: ll-opt %s -split-input-file -ll-remove-conversions -ll-plan-conversions | FileCheck %s
// RUN: not ll-opt %s -split-input-file -ll-plan-conversions=target=sm_90 2>&1 | FileCheck %s --check-prefix=OVERRIDE
// Plans for wave64 targets, from the module's target with no pass option
// (64-lane layouts are an error on 32-lane targets: the option overrides
// the module's target, and plan-conversions-invalid.mlir).

// wave64 (gfx942, 32 banks): the registers both layouts hold along dim0 and
// dim1 form 4 x f32 = 128-bit accesses; 64 lanes x 16 bytes take 8 wavefronts
// of 128 bytes, the minimum: conflict-free.
#a = #ll.blocked<{sizePerThread = [1, 1], threadsPerWarp = [1, 64], warpsPerCTA = [4, 1], order = [1, 0]}>
#b = #ll.blocked<{sizePerThread = [1, 1], threadsPerWarp = [64, 1], warpsPerCTA = [1, 4], order = [0, 1]}>
module attributes {ll.target = #ll.target<"gfx942">} {
// CHECK-LABEL: func.func @wave64
// OVERRIDE: error: 'll.convert_layout' op the layouts have 64 lanes per warp but sm_90 has 32-lane warps
// CHECK: ll.convert_layout %{{.*}} {ll.cycles = {{[0-9]+}} : i64, ll.load_wavefronts = 8 : i64, ll.plan = "shared", ll.rounds = 1 : i64, ll.scratch_bytes = 65536 : i64, ll.store_wavefronts = 8 : i64, ll.vector_width = 4 : i64}
func.func @wave64(%x: tensor<128x128xf32, #a>) -> tensor<128x128xf32, #b> {
  %0 = ll.convert_layout %x : tensor<128x128xf32, #a> -> tensor<128x128xf32, #b>
  return %0 : tensor<128x128xf32, #b>
}
}

// -----

// gfx950 has 64 banks of 4 bytes: a wavefront serves 256 bytes, so the same
// transpose takes 4 wavefronts per access.
#a = #ll.blocked<{sizePerThread = [1, 1], threadsPerWarp = [1, 64], warpsPerCTA = [4, 1], order = [1, 0]}>
#b = #ll.blocked<{sizePerThread = [1, 1], threadsPerWarp = [64, 1], warpsPerCTA = [1, 4], order = [0, 1]}>
module attributes {ll.target = #ll.target<"gfx950">} {
// CHECK-LABEL: func.func @wave64_64_banks
// CHECK: ll.convert_layout %{{.*}} {ll.cycles = {{[0-9]+}} : i64, ll.load_wavefronts = 4 : i64, ll.plan = "shared", ll.rounds = 1 : i64, ll.scratch_bytes = 65536 : i64, ll.store_wavefronts = 4 : i64, ll.vector_width = 4 : i64}
func.func @wave64_64_banks(%x: tensor<128x128xf32, #a>) -> tensor<128x128xf32, #b> {
  %0 = ll.convert_layout %x : tensor<128x128xf32, #a> -> tensor<128x128xf32, #b>
  return %0 : tensor<128x128xf32, #b>
}
}
