// RUN: ll-opt %s -split-input-file -convert-ll-to-llvm -canonicalize -cse | FileCheck %s

// One element per thread, masked: one predicated PTX atom per register
// (Triton's form: no branch), the ordering and scope in the instruction; no
// shuffle, no shared memory.
#b = #ll.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
// CHECK-LABEL: llvm.func @fadd
// CHECK: llvm.inline_asm has_side_effects {{.*}}"mov.b32 $0, 0;\0A\09@$3 atom.relaxed.gpu.global.add.f32 $0, [ $1 + 0 ], $2;", "=r,l,r,b"
// CHECK-NOT: nvvm.shfl
// CHECK-NOT: nvvm.barrier0
// CHECK: llvm.return
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @fadd(%p: tensor<128x!ll.ptr<f32>, #b>, %v: tensor<128xf32, #b>, %m: tensor<128xi1, #b>) -> tensor<128xf32, #b> {
  %0 = ll.atomic_rmw fadd, relaxed, gpu, %p, %v, %m : (tensor<128x!ll.ptr<f32>, #b>, tensor<128xf32, #b>, tensor<128xi1, #b>) -> tensor<128xf32, #b>
  return %0 : tensor<128xf32, #b>
}
}

// -----

// 16 elements on 32 lanes: lanes 16-31 repeat lanes 0-15. Only the first
// copy issues the atomic (tid & 16 == 0); the others get its old value by a
// shuffle from lane & ~16.
#r = #ll.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [1], order = [0]}>
// CHECK-LABEL: llvm.func @lanes
// CHECK-DAG: %[[C16:.*]] = llvm.mlir.constant(16 : i32)
// CHECK: %[[T:.*]] = nvvm.read.ptx.sreg.tid.x
// CHECK: %[[F:.*]] = llvm.and %[[T]], %[[C16]] : i32
// CHECK: %[[FIRST:.*]] = llvm.icmp "eq" %[[F]]
// CHECK: llvm.inline_asm {{.*}}atom.acq_rel.cta.global.max.s32{{.*}}%[[FIRST]]
// CHECK: nvvm.shfl.sync idx
// CHECK-NOT: nvvm.barrier0
module attributes {ll.target = #ll.target<"sm_80">} {
func.func @lanes(%p: tensor<16x!ll.ptr<i32>, #r>, %q: tensor<16x!ll.ptr<i32>, #r>, %v: tensor<16xi32, #r>) attributes {ll.kernel, ll.num_warps = 1 : i32} {
  %0 = ll.atomic_rmw max, acq_rel, cta, %p, %v : (tensor<16x!ll.ptr<i32>, #r>, tensor<16xi32, #r>) -> tensor<16xi32, #r>
  ll.store %q, %0 : (tensor<16x!ll.ptr<i32>, #r>, tensor<16xi32, #r>) -> ()
  return
}
}

// -----

// A scalar compare-and-swap (a spin lock): thread 0 issues it, and every
// thread reads its result from shared memory after a barrier.
// CHECK-LABEL: llvm.func @lock
// CHECK: llvm.inline_asm {{.*}}atom.acq_rel.gpu.global.cas.b32 $0, [ $1 + 0 ], $2, $3;
// CHECK: llvm.store {{.*}} : i32, !llvm.ptr<3>
// CHECK: nvvm.barrier0
// CHECK: llvm.load {{.*}} : !llvm.ptr<3> -> i32
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @lock(%l: !ll.ptr<i32>, %out: !ll.ptr<i32>) attributes {ll.kernel, ll.num_warps = 4 : i32} {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %0 = ll.atomic_cas acq_rel, gpu, %l, %c0, %c1 : (!ll.ptr<i32>, i32, i32) -> i32
  ll.store %out, %0 : (!ll.ptr<i32>, i32) -> ()
  return
}
}

// -----

// A result nobody uses: no shared memory, no barrier.
// CHECK-LABEL: llvm.func @unused
// CHECK-NOT: nvvm.barrier0
// CHECK: atom.release.sys.global.exch.b32
// CHECK-NOT: nvvm.barrier0
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @unused(%l: !ll.ptr<i32>) attributes {ll.kernel, ll.num_warps = 4 : i32} {
  %c0 = arith.constant 0 : i32
  %0 = ll.atomic_rmw exch, release, sys, %l, %c0 : (!ll.ptr<i32>, i32) -> i32
  return
}
}

// -----

// Without a PTX instruction (bf16 add before sm_90): LLVM's atomicrmw in a
// branch on the mask. AMD: LLVM's atomics, with AMDGPU's sync scopes.
#b = #ll.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
// CHECK-LABEL: llvm.func @bf16
// CHECK: llvm.cond_br
// CHECK: llvm.atomicrmw fadd %{{.*}}, %{{.*}} syncscope("device") acq_rel : !llvm.ptr<1>, bf16
module attributes {ll.target = #ll.target<"sm_80">} {
func.func @bf16(%p: tensor<128x!ll.ptr<bf16>, #b>, %v: tensor<128xbf16, #b>, %m: tensor<128xi1, #b>) {
  %0 = ll.atomic_rmw fadd, acq_rel, gpu, %p, %v, %m : (tensor<128x!ll.ptr<bf16>, #b>, tensor<128xbf16, #b>, tensor<128xi1, #b>) -> tensor<128xbf16, #b>
  return
}
}

// -----

#a = #ll.blocked<{sizePerThread = [1], threadsPerWarp = [64], warpsPerCTA = [4], order = [0]}>
// CHECK-LABEL: llvm.func @amd
// CHECK: llvm.atomicrmw umin %{{.*}}, %{{.*}} syncscope("workgroup") monotonic : !llvm.ptr<1>, i32
// CHECK: llvm.cmpxchg %{{.*}}, %{{.*}}, %{{.*}} syncscope("agent") acquire acquire : !llvm.ptr<1>, i32
module attributes {ll.target = #ll.target<"gfx942">} {
func.func @amd(%p: tensor<256x!ll.ptr<i32>, #a>, %v: tensor<256xi32, #a>) -> tensor<256xi32, #a> {
  %0 = ll.atomic_rmw umin, relaxed, cta, %p, %v : (tensor<256x!ll.ptr<i32>, #a>, tensor<256xi32, #a>) -> tensor<256xi32, #a>
  %1 = ll.atomic_cas acquire, gpu, %p, %0, %v : (tensor<256x!ll.ptr<i32>, #a>, tensor<256xi32, #a>, tensor<256xi32, #a>) -> tensor<256xi32, #a>
  return %1 : tensor<256xi32, #a>
}
}

// -----

// Contiguous f16 adds: sm_90 adds each thread's 8 halves with one vector
// atomic (as Triton does); sm_80 in pairs (f16x2).
#v = #ll.blocked<{sizePerThread = [8], threadsPerWarp = [32], warpsPerCTA = [1], order = [0]}>
// CHECK-LABEL: llvm.func @halves
// CHECK: atom.relaxed.gpu.global.add.noftz.v8.f16 { $0, $1, $2, $3, $4, $5, $6, $7 }, [ $8 + 0 ], { $9, $10, $11, $12, $13, $14, $15, $16 };
// CHECK-NOT: atom.
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @halves(%x: !ll.ptr<f16> {ll.divisibility = 16 : i64}, %v: tensor<256xf16, #v>) attributes {ll.kernel, ll.num_warps = 1 : i32} {
  %r = ll.make_range {start = 0 : i32, end = 256 : i32} : tensor<256xi32, #v>
  %xs = ll.splat %x : !ll.ptr<f16> -> tensor<256x!ll.ptr<f16>, #v>
  %p = ll.addptr %xs, %r : tensor<256x!ll.ptr<f16>, #v>, tensor<256xi32, #v>
  %0 = ll.atomic_rmw fadd, relaxed, gpu, %p, %v : (tensor<256x!ll.ptr<f16>, #v>, tensor<256xf16, #v>) -> tensor<256xf16, #v>
  return
}
}

// -----

#v = #ll.blocked<{sizePerThread = [8], threadsPerWarp = [32], warpsPerCTA = [1], order = [0]}>
// CHECK-LABEL: llvm.func @pairs
// CHECK-COUNT-4: atom.relaxed.gpu.global.add.noftz.f16x2
// CHECK-NOT: atom.
module attributes {ll.target = #ll.target<"sm_80">} {
func.func @pairs(%x: !ll.ptr<f16> {ll.divisibility = 16 : i64}, %v: tensor<256xf16, #v>) attributes {ll.kernel, ll.num_warps = 1 : i32} {
  %r = ll.make_range {start = 0 : i32, end = 256 : i32} : tensor<256xi32, #v>
  %xs = ll.splat %x : !ll.ptr<f16> -> tensor<256x!ll.ptr<f16>, #v>
  %p = ll.addptr %xs, %r : tensor<256x!ll.ptr<f16>, #v>, tensor<256xi32, #v>
  %0 = ll.atomic_rmw fadd, relaxed, gpu, %p, %v : (tensor<256x!ll.ptr<f16>, #v>, tensor<256xf16, #v>) -> tensor<256xf16, #v>
  return
}
}
