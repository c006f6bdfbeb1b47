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

// -----

// Triton 3.8+ pipelines an sm_80 matmul with K sub-tiles of each stage:
// ttg.memdesc_subslice, whose result type names the allocation shape.
// CHECK-LABEL: func.func @k_subtile
// CHECK: %[[V:.*]] = ll.memdesc_subslice %{{.*}}[0, 16] : !ll.memdesc<64x32xf16, #{{.*}}, mutable> -> !ll.memdesc<64x16xf16, #{{.*}}, mutable, 64x32>
// CHECK: ll.local_load %[[V]] : !ll.memdesc<64x16xf16, #{{.*}}, mutable, 64x32> -> tensor<64x16xf16, #ll.dot_op
#mma = #ttg.nvidia_mma<{versionMajor = 2, versionMinor = 0, warpsPerCTA = [2, 2], instrShape = [16, 8]}>
#shared = #ttg.swizzled_shared<{vec = 8, perPhase = 2, maxPhase = 4, order = [1, 0]}>
#smem = #ttg.shared_memory
module attributes {"ttg.num-ctas" = 1 : i32, "ttg.num-warps" = 4 : i32, ttg.target = "cuda:80", "ttg.threads-per-warp" = 32 : i32} {
  tt.func public @k_subtile() {
    %c0_i32 = arith.constant 0 : i32
    %a = ttg.local_alloc : () -> !ttg.memdesc<2x64x32xf16, #shared, #smem, mutable>
    %s = ttg.memdesc_index %a[%c0_i32] : !ttg.memdesc<2x64x32xf16, #shared, #smem, mutable> -> !ttg.memdesc<64x32xf16, #shared, #smem, mutable>
    %v = ttg.memdesc_subslice %s[0, 16] : !ttg.memdesc<64x32xf16, #shared, #smem, mutable> -> !ttg.memdesc<64x16xf16, #shared, #smem, mutable, 64x32>
    %t = ttg.local_load %v : !ttg.memdesc<64x16xf16, #shared, #smem, mutable, 64x32> -> tensor<64x16xf16, #ttg.dot_op<{opIdx = 0, parent = #mma, kWidth = 2}>>
    ttg.local_dealloc %a : !ttg.memdesc<2x64x32xf16, #shared, #smem, mutable>
    tt.return
  }
}

// -----

// Triton 3.9's AMD MXFP8 upcast: the e4m3 operand to bf16 (ll.fp_to_fp)
// times its scales, already bf16 in the result's layout.
// CHECK-LABEL: func.func private @mxfp8_upcast
// CHECK: %[[F:.*]] = ll.fp_to_fp %{{.*}} : tensor<64x64xf8E4M3FN, #{{.*}}> -> tensor<64x64xbf16, #{{.*}}>
// CHECK: arith.mulf %[[F]], %{{.*}} : tensor<64x64xbf16
#mma = #ttg.amd_mfma<{version = 3, warpsPerCTA = [2, 2], instrShape = [32, 32, 8], isTransposed = true}>
#op = #ttg.dot_op<{opIdx = 0, parent = #mma, kWidth = 4}>
module attributes {"ttg.num-ctas" = 1 : i32, "ttg.num-warps" = 4 : i32, ttg.target = "hip:gfx942", "ttg.threads-per-warp" = 64 : i32} {
  tt.func private @mxfp8_upcast(%a: tensor<64x64xf8E4M3FN, #op>, %s: tensor<64x64xbf16, #op>) -> tensor<64x64xbf16, #op> {
    %r = amdg.scaled_upcast_fp8 %a scale %s : tensor<64x64xf8E4M3FN, #op>, tensor<64x64xbf16, #op> -> tensor<64x64xbf16, #op>
    tt.return %r : tensor<64x64xbf16, #op>
  }
}
