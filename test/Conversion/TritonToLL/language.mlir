// RUN: ll-opt %s -split-input-file -convert-triton-to-ll | FileCheck %s

// tl.clamp on floats (tt.clampf): without NaN propagation the max / min
// that return the other operand of a NaN, with it the ones that keep NaN.
// tl.umulhi (tt.mulhiui): the high half of arith.mului_extended.
// CHECK-LABEL: func.func private @clamp_umulhi
// CHECK: %[[A:.*]] = arith.maxnumf %{{.*}}, %[[LO:.*]] : tensor<128xf32, #blocked>
// CHECK: arith.minnumf %[[A]], %[[HI:.*]] : tensor<128xf32, #blocked>
// CHECK: %[[B:.*]] = arith.maximumf %{{.*}}, %[[LO]] : tensor<128xf32, #blocked>
// CHECK: arith.minimumf %[[B]], %[[HI]] : tensor<128xf32, #blocked>
// CHECK: %{{.*}}, %[[H:.*]] = arith.mului_extended %{{.*}}, %{{.*}} : tensor<128xi32, #blocked>
// CHECK: return %{{.*}}, %{{.*}}, %[[H]]
#blocked = #ttg.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
module attributes {"ttg.num-ctas" = 1 : i32, "ttg.num-warps" = 4 : i32, ttg.target = "cuda:90", "ttg.threads-per-warp" = 32 : i32} {
  tt.func private @clamp_umulhi(%x: tensor<128xf32, #blocked>, %i: tensor<128xi32, #blocked>)
      -> (tensor<128xf32, #blocked>, tensor<128xf32, #blocked>, tensor<128xi32, #blocked>) {
    %lo = arith.constant dense<-1.0> : tensor<128xf32, #blocked>
    %hi = arith.constant dense<1.0> : tensor<128xf32, #blocked>
    %a = tt.clampf %x, %lo, %hi, propagateNan = none : tensor<128xf32, #blocked>
    %b = tt.clampf %x, %lo, %hi, propagateNan = all : tensor<128xf32, #blocked>
    %h = tt.mulhiui %i, %i : tensor<128xi32, #blocked>
    tt.return %a, %b, %h : tensor<128xf32, #blocked>, tensor<128xf32, #blocked>, tensor<128xi32, #blocked>
  }
}

// -----

// Triton 3.7+ prints tl.debug_barrier as ttg.barrier with the memory it
// orders: a CTA barrier (gpu.barrier, lowered to the target's).
// CHECK-LABEL: func.func private @barrier
// CHECK: gpu.barrier
// CHECK-NOT: ttg.barrier
module attributes {"ttg.num-ctas" = 1 : i32, "ttg.num-warps" = 4 : i32, ttg.target = "cuda:90", "ttg.threads-per-warp" = 32 : i32} {
  tt.func private @barrier() {
    ttg.barrier all
    ttg.barrier local|global_read
    tt.return
  }
}

// -----

// Atomics keep their operation, ordering and scope: tl.atomic_add (tensor,
// masked), tl.atomic_cas / tl.atomic_xchg on a scalar (a spin lock), and
// AMD's buffer atomics (a base pointer plus offsets) as pointers.
// CHECK-LABEL: func.func private @atomics
// CHECK: ll.atomic_rmw fadd, relaxed, cta, %{{.*}}, %{{.*}}, %{{.*}} : (tensor<128x!ll.ptr<f32>, #blocked>, tensor<128xf32, #blocked>, tensor<128xi1, #blocked>) -> tensor<128xf32, #blocked>
// CHECK: ll.atomic_cas acq_rel, gpu, %{{.*}}, %{{.*}}, %{{.*}} : (!ll.ptr<i32>, i32, i32) -> i32
// CHECK: ll.atomic_rmw exch, acq_rel, gpu, %{{.*}}, %{{.*}}, %{{.*}} : (!ll.ptr<i32>, i32, i1) -> i32
// CHECK: %[[S:.*]] = ll.splat %{{.*}} : !ll.ptr<f32> -> tensor<128x!ll.ptr<f32>, #blocked>
// CHECK: %[[P:.*]] = ll.addptr %[[S]], %{{.*}}
// CHECK: ll.atomic_rmw fadd, release, sys, %[[P]], %{{.*}}, %{{.*}}
// CHECK: ll.atomic_cas acquire, gpu, %{{.*}}, %{{.*}}, %{{.*}} : (tensor<128x!ll.ptr<i32>, #blocked>
#blocked = #ttg.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
module attributes {"ttg.num-ctas" = 1 : i32, "ttg.num-warps" = 4 : i32, ttg.target = "cuda:90", "ttg.threads-per-warp" = 32 : i32} {
  tt.func private @atomics(%p: tensor<128x!tt.ptr<f32>, #blocked>, %v: tensor<128xf32, #blocked>,
                           %m: tensor<128xi1, #blocked>, %lock: !tt.ptr<i32>, %base: !tt.ptr<f32>,
                           %o: tensor<128xi32, #blocked>, %ibase: !tt.ptr<i32>) -> tensor<128xf32, #blocked> {
    %c0 = arith.constant 0 : i32
    %c1 = arith.constant 1 : i32
    %true = arith.constant true
    %a = tt.atomic_rmw fadd, relaxed, cta, %p, %v, %m : (tensor<128x!tt.ptr<f32>, #blocked>, tensor<128xf32, #blocked>, tensor<128xi1, #blocked>) -> tensor<128xf32, #blocked>
    %c = tt.atomic_cas acq_rel, gpu, %lock, %c0, %c1 : (!tt.ptr<i32>, i32, i32) -> i32
    %x = tt.atomic_rmw exch, acq_rel, gpu, %lock, %c0, %true : (!tt.ptr<i32>, i32, i1) -> i32
    %b = amdg.buffer_atomic_rmw fadd, release, sys, %v, %base[%o], %m : tensor<128xf32, #blocked>
    %d = amdg.buffer_atomic_cas acquire, gpu, %o, %o, %ibase[%o] : tensor<128xi32, #blocked>
    tt.return %a : tensor<128xf32, #blocked>
  }
}

// -----

// Software pipelining as Triton 3.6 prints it: a multi-buffered memdesc
// (leading dim: buffers), memdesc_index, the async copy (its memdesc
// printed without the !ttg.memdesc prefix), commit / wait with tokens, and
// a local_load that names its wait's token (dropped: program order).
// CHECK-LABEL: func.func private @pipelined
// CHECK: %[[A:.*]] = ll.local_alloc : () -> !ll.memdesc<2x64xf32, #shared, mutable>
// CHECK: %[[B:.*]] = ll.memdesc_index %[[A]][%{{.*}}] : !ll.memdesc<2x64xf32, #shared, mutable> -> !ll.memdesc<64xf32, #shared, mutable>
// CHECK: %[[T:.*]] = ll.async_copy %{{.*}}, %[[B]] mask %{{.*}} other %{{.*}} : (tensor<64x!ll.ptr<f32>, #blocked>, !ll.memdesc<64xf32, #shared, mutable>, tensor<64xi1, #blocked>, tensor<64xf32, #blocked>) -> !ll.async_token
// CHECK: %[[G:.*]] = ll.async_commit_group tokens %[[T]]
// CHECK: ll.async_wait %[[G]] {num = 0 : i32}
// CHECK: ll.local_load %[[B]] : !ll.memdesc<64xf32, #shared, mutable> -> tensor<64xf32, #blocked>
#blocked = #ttg.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [2], order = [0]}>
#shared = #ttg.swizzled_shared<{vec = 1, perPhase = 1, maxPhase = 1, order = [0]}>
#smem = #ttg.shared_memory
module attributes {"ttg.num-ctas" = 1 : i32, "ttg.num-warps" = 2 : i32, ttg.target = "cuda:80", "ttg.threads-per-warp" = 32 : i32} {
  tt.func private @pipelined(%p: tensor<64x!tt.ptr<f32>, #blocked>, %m: tensor<64xi1, #blocked>) -> tensor<64xf32, #blocked> {
    %c0 = arith.constant 0 : i32
    %other = arith.constant dense<0.0> : tensor<64xf32, #blocked>
    %a = ttg.local_alloc : () -> !ttg.memdesc<2x64xf32, #shared, #smem, mutable>
    %b = ttg.memdesc_index %a[%c0] : !ttg.memdesc<2x64xf32, #shared, #smem, mutable> -> !ttg.memdesc<64xf32, #shared, #smem, mutable>
    %t = ttg.async_copy_global_to_local %p, %b mask %m other %other : tensor<64x!tt.ptr<f32>, #blocked> -> <64xf32, #shared, #smem, mutable>
    %g = ttg.async_commit_group tokens %t
    %w = ttg.async_wait %g {num = 0 : i32}
    %v = ttg.local_load %b token %w : !ttg.memdesc<64xf32, #shared, #smem, mutable> -> tensor<64xf32, #blocked>
    ttg.local_dealloc %a : !ttg.memdesc<2x64xf32, #shared, #smem, mutable>
    tt.return %v : tensor<64xf32, #blocked>
  }
}

// -----

// tl.cat (can_reorder): ll.cat with the same types.
// CHECK-LABEL: func.func private @cat
// CHECK: ll.cat %{{.*}}, %{{.*}} : tensor<128xf32, #blocked> -> tensor<256xf32, #blocked>
#blocked = #ttg.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
module attributes {"ttg.num-ctas" = 1 : i32, "ttg.num-warps" = 4 : i32, ttg.target = "cuda:80", "ttg.threads-per-warp" = 32 : i32} {
  tt.func private @cat(%a: tensor<128xf32, #blocked>, %b: tensor<128xf32, #blocked>) -> tensor<256xf32, #blocked> {
    %c = tt.cat %a, %b : tensor<128xf32, #blocked> -> tensor<256xf32, #blocked>
    tt.return %c : tensor<256xf32, #blocked>
  }
}

// -----

// tl.device_print / tl.device_assert as Triton prints them.
// CHECK-LABEL: func.func private @debugging
// CHECK: ll.print " x: " {hex = false, isSigned = array<i32: 0, 1>} : %{{.*}}, %{{.*}} : tensor<8xf32, #blocked>, tensor<8xi32, #blocked>
// CHECK: ll.print " pid: " {hex = false, isSigned = array<i32: 1>} : %{{.*}} : i32
// CHECK: ll.assert %{{.*}}, "too big" : tensor<8xi1, #blocked>
#blocked = #ttg.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [1], order = [0]}>
module attributes {"ttg.num-ctas" = 1 : i32, "ttg.num-warps" = 1 : i32, ttg.target = "cuda:80", "ttg.threads-per-warp" = 32 : i32} {
  tt.func private @debugging(%x: tensor<8xf32, #blocked>, %o: tensor<8xi32, #blocked>, %ok: tensor<8xi1, #blocked>, %p: i32) {
    tt.print " x: " {hex = false, isSigned = array<i32: 0, 1>} : %x, %o : tensor<8xf32, #blocked>, tensor<8xi32, #blocked>
    tt.print " pid: " {hex = false, isSigned = array<i32: 1>} : %p : i32
    tt.assert %ok, "too big" : tensor<8xi1, #blocked>
    tt.return
  }
}

// -----

// libdevice calls and inline assembly, element by element.
// CHECK-LABEL: func.func private @extern_asm
// CHECK: ll.extern_elementwise %{{.*}}, %{{.*}} {pure = true, symbol = "__nv_powf"} : (tensor<128xf32, #blocked>, tensor<128xf32, #blocked>) -> tensor<128xf32, #blocked>
// CHECK: ll.elementwise_inline_asm "mul.lo.u32 $0, $1, 3;" {constraints = "=r,r", packed_element = 1 : i32, pure = true} %{{.*}} : tensor<128xi32, #blocked> -> tensor<128xi32, #blocked>
#blocked = #ttg.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
module attributes {"ttg.num-ctas" = 1 : i32, "ttg.num-warps" = 4 : i32, ttg.target = "cuda:80", "ttg.threads-per-warp" = 32 : i32} {
  tt.func private @extern_asm(%x: tensor<128xf32, #blocked>, %o: tensor<128xi32, #blocked>) -> (tensor<128xf32, #blocked>, tensor<128xi32, #blocked>) {
    %a = tt.extern_elementwise %x, %x {libname = "", libpath = "", pure = true, symbol = "__nv_powf"} : (tensor<128xf32, #blocked>, tensor<128xf32, #blocked>) -> tensor<128xf32, #blocked>
    %b = tt.elementwise_inline_asm "mul.lo.u32 $0, $1, 3;" {constraints = "=r,r", packed_element = 1 : i32, pure = true} %o : tensor<128xi32, #blocked> -> tensor<128xi32, #blocked>
    tt.return %a, %b : tensor<128xf32, #blocked>, tensor<128xi32, #blocked>
  }
}

// -----

// sm_90 tensor descriptors as Triton 3.6 prints them: a device-built tensor
// map in global scratch, an mbarrier-completed TMA load and a TMA store;
// !tt.tensordesc<tensor<...>> is !ll.tensordesc<...>, wait_barrier's deps go.
// CHECK-LABEL: func.func @tma
// CHECK-SAME: %{{.*}}: !ll.tensordesc<16x32xf32, #{{.*}}>
// CHECK: %[[M:.*]] = ll.global_scratch_alloc {alignment = 128 : i32, nbytes = 128 : i32} : !ll.ptr<i8>
// CHECK: ll.tensormap_create %[[M]], %{{.*}}, [%{{.*}}, %{{.*}}], [%{{.*}}, %{{.*}}], [%{{.*}}], [%{{.*}}, %{{.*}}] {elem_type = 7 : i32, fill_mode = 0 : i32, interleave_layout = 0 : i32, swizzle_mode = 3 : i32}
// CHECK: ll.tensormap_fenceproxy_acquire %[[M]] : !ll.ptr<i8>
// CHECK: %[[D:.*]] = ll.reinterpret_tensor_descriptor %[[M]] : !ll.ptr<i8> to !ll.tensordesc<16x32xf32
// CHECK: ll.init_barrier %[[B:.*]], 1 :
// CHECK: ll.barrier_expect %[[B]], 2048, %{{.*}} :
// CHECK: ll.async_tma_copy_global_to_local %[[D]][%{{.*}}, %{{.*}}] %[[T:.*]], %[[B]], %{{.*}} :
// CHECK: ll.wait_barrier %[[B]], %{{.*}} : !ll.memdesc<1xi64
// CHECK: ll.inval_barrier %[[B]]
// CHECK: ll.fence_async_shared
// CHECK: ll.async_tma_copy_local_to_global %{{.*}}[%{{.*}}, %{{.*}}] %[[T]] :
// CHECK: ll.async_tma_store_wait {pendings = 0 : i32}
#shared = #ttg.nvmma_shared<{swizzlingByteWidth = 128, transposed = false, elementBitWidth = 32}>
#shared1 = #ttg.swizzled_shared<{vec = 1, perPhase = 1, maxPhase = 1, order = [0]}>
#smem = #ttg.shared_memory
module attributes {"ttg.num-ctas" = 1 : i32, "ttg.num-warps" = 4 : i32, ttg.target = "cuda:90", "ttg.threads-per-warp" = 32 : i32} {
  tt.func public @tma(%X: !tt.ptr<f32> {tt.divisibility = 16 : i32}, %dy: !tt.tensordesc<tensor<16x32xf32, #shared>>) {
    %c32_i32 = arith.constant 32 : i32
    %c16_i32 = arith.constant 16 : i32
    %c0_i32 = arith.constant 0 : i32
    %c1_i32 = arith.constant 1 : i32
    %c128_i64 = arith.constant 128 : i64
    %true = arith.constant true
    %dx = ttg.global_scratch_alloc {alignment = 128 : i32, nbytes = 128 : i32} : !tt.ptr<i8>
    ttng.tensormap_create %dx, %X, [%c32_i32, %c16_i32], [%c32_i32, %c16_i32], [%c128_i64], [%c1_i32, %c1_i32] {elem_type = 7 : i32, fill_mode = 0 : i32, interleave_layout = 0 : i32, swizzle_mode = 3 : i32} : (!tt.ptr<i8>, !tt.ptr<f32>, i32, i32, i32, i32, i64, i32, i32) -> ()
    ttng.tensormap_fenceproxy_acquire %dx : !tt.ptr<i8>
    %dx_0 = ttng.reinterpret_tensor_descriptor %dx : !tt.ptr<i8> to !tt.tensordesc<tensor<16x32xf32, #shared>>
    %0 = ttg.local_alloc : () -> !ttg.memdesc<16x32xf32, #shared, #smem, mutable>
    %1 = ttg.local_alloc : () -> !ttg.memdesc<1xi64, #shared1, #smem, mutable>
    ttng.init_barrier %1, 1 : !ttg.memdesc<1xi64, #shared1, #smem, mutable>
    ttng.barrier_expect %1, 2048, %true : !ttg.memdesc<1xi64, #shared1, #smem, mutable>
    ttng.async_tma_copy_global_to_local %dx_0[%c0_i32, %c0_i32] %0, %1, %true : !tt.tensordesc<tensor<16x32xf32, #shared>>, !ttg.memdesc<1xi64, #shared1, #smem, mutable> -> !ttg.memdesc<16x32xf32, #shared, #smem, mutable>
    ttng.wait_barrier %1, %c0_i32 deps %0 : !ttg.memdesc<1xi64, #shared1, #smem, mutable>, !ttg.memdesc<16x32xf32, #shared, #smem, mutable>
    ttng.inval_barrier %1 : !ttg.memdesc<1xi64, #shared1, #smem, mutable>
    ttng.fence_async_shared {bCluster = false}
    ttng.async_tma_copy_local_to_global %dy[%c0_i32, %c0_i32] %0 : !tt.tensordesc<tensor<16x32xf32, #shared>>, !ttg.memdesc<16x32xf32, #shared, #smem, mutable>
    ttng.async_tma_store_wait {pendings = 0 : i32}
    tt.return
  }
}
