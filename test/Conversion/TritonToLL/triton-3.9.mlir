// RUN: ll-opt %s -split-input-file -convert-triton-to-ll | FileCheck %s

// Triton 3.9's printed forms: a buffer access names its base pointer's type
// before `->`, and tl.fdiv(approx=True) is tt.approx_divf.
// CHECK-LABEL: func.func @buffer_ops
// CHECK: %[[PTRS:.*]] = ll.addptr %{{.*}}, %{{.*}} : tensor<256x!ll.ptr<f32>, #blocked>, tensor<256xi32, #blocked>
// CHECK: %[[X:.*]] = ll.load %[[PTRS]], %{{.*}}, %{{.*}} :
// CHECK: arith.divf %[[X]], %[[X]] fastmath<afn> : tensor<256xf32, #blocked>
// CHECK: ll.store
#blocked = #ttg.blocked<{sizePerThread = [1], threadsPerWarp = [64], warpsPerCTA = [4], order = [0]}>
module attributes {"ttg.num-ctas" = 1 : i32, "ttg.num-warps" = 4 : i32, ttg.target = "hip:gfx942", "ttg.threads-per-warp" = 64 : i32} {
  tt.func public @buffer_ops(%X: !tt.ptr<f32>, %Y: !tt.ptr<f32>) {
    %offs = tt.make_range {end = 256 : i32, start = 0 : i32} : tensor<256xi32, #blocked>
    %c = arith.constant dense<200> : tensor<256xi32, #blocked>
    %m = arith.cmpi slt, %offs, %c : tensor<256xi32, #blocked>
    %other = arith.constant dense<0.0> : tensor<256xf32, #blocked>
    %x = amdg.buffer_load %X[%offs], %m, %other : !tt.ptr<f32> -> tensor<256xf32, #blocked>
    %q = tt.approx_divf %x, %x : tensor<256xf32, #blocked>
    amdg.buffer_store %q, %Y[%offs], %m : !tt.ptr<f32> -> tensor<256xf32, #blocked>
    tt.return
  }
}

// -----

// Triton 3.9 gives a reshape of a slice to [32, 1] the parent's layout,
// whose registers repeat along the size-1 dim: ll.reshape keeps the source
// layout's image and a conversion to Triton's layout follows.
// CHECK: #[[LIN:.+]] = #ll.linear<{register = [], lane = {{\[}}[0, 0], [1, 0], [2, 0], [4, 0], [8, 0]], warp = {{\[}}[16, 0]], block = []}>
// CHECK-LABEL: func.func private @reshape_repeats
// CHECK: %[[R:.*]] = ll.reshape %{{.*}} -> tensor<32x1xi32, #[[LIN]]>
// CHECK: ll.convert_layout %[[R]] : tensor<32x1xi32, #[[LIN]]> -> tensor<32x1xi32, #blocked>
#blocked = #ttg.blocked<{sizePerThread = [1, 2], threadsPerWarp = [16, 2], warpsPerCTA = [2, 1], order = [1, 0]}>
module attributes {"ttg.num-ctas" = 1 : i32, "ttg.num-warps" = 2 : i32, ttg.target = "cuda:90", "ttg.threads-per-warp" = 32 : i32} {
  tt.func private @reshape_repeats(%x: tensor<32xi32, #ttg.slice<{dim = 1, parent = #blocked}>>) -> tensor<32x1xi32, #blocked> {
    %r = tt.reshape %x : tensor<32xi32, #ttg.slice<{dim = 1, parent = #blocked}>> -> tensor<32x1xi32, #blocked>
    tt.return %r : tensor<32x1xi32, #blocked>
  }
}
