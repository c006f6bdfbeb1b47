// RUN: ll-opt %s -split-input-file -convert-ll-to-llvm -canonicalize -cse | FileCheck %s

// A pipelined load on NVIDIA: buffer i of 2 is i * 1024 bytes past the
// allocation; each thread's 4 consecutive f32 (contiguous and 16-byte
// aligned in both memories) are one 16-byte cp.async.cg whose source size
// is 0 where the mask is false (a splat: constant over the runs); commit and wait groups; a barrier makes
// the other threads' copies visible to the local_load (16-byte loads).
#b = #ll.blocked<{sizePerThread = [4], threadsPerWarp = [32], warpsPerCTA = [2], order = [0]}>
#s = #ll.swizzled_shared<{vec = 1, perPhase = 1, maxPhase = 1, order = [0]}>
// CHECK-LABEL: llvm.func @pipelined
// CHECK: %[[K:.*]] = llvm.mlir.constant(1024 : i32)
// CHECK: %[[OFF:.*]] = llvm.mul %{{.*}}, %[[K]] : i32
// CHECK: %[[BUF:.*]] = llvm.getelementptr %{{.*}}[%[[OFF]]] : (!llvm.ptr<3>, i32) -> !llvm.ptr<3>, i8
// CHECK: %[[N:.*]] = llvm.select %{{.*}}, %{{.*}}, %{{.*}} : i1, i32
// CHECK: nvvm.cp.async.shared.global %{{.*}}, %{{.*}}, 16, cache =  cg, %[[N]]
// CHECK-NOT: nvvm.cp.async.shared.global
// CHECK: nvvm.cp.async.commit.group
// CHECK: nvvm.cp.async.wait.group 0
// CHECK: nvvm.barrier0
// CHECK: llvm.load {{.*}} {alignment = 16 : i64} : !llvm.ptr<3> -> vector<4xf32>
module attributes {ll.target = #ll.target<"sm_80">} {
func.func @pipelined(%x: !ll.ptr<f32> {ll.divisibility = 16 : i64}, %i: i32, %out: tensor<256x!ll.ptr<f32>, #b>) attributes {ll.kernel, ll.num_warps = 2 : i32} {
  %r = ll.make_range {start = 0 : i32, end = 256 : i32} : tensor<256xi32, #b>
  %xs = ll.splat %x : !ll.ptr<f32> -> tensor<256x!ll.ptr<f32>, #b>
  %p = ll.addptr %xs, %r : tensor<256x!ll.ptr<f32>, #b>, tensor<256xi32, #b>
  %c2 = arith.constant 2 : i32
  %live = arith.cmpi slt, %i, %c2 : i32
  %m = ll.splat %live : i1 -> tensor<256xi1, #b>
  %a = ll.local_alloc : () -> !ll.memdesc<2x256xf32, #s, mutable>
  %buf = ll.memdesc_index %a[%i] : !ll.memdesc<2x256xf32, #s, mutable> -> !ll.memdesc<256xf32, #s, mutable>
  %t = ll.async_copy %p, %buf mask %m : (tensor<256x!ll.ptr<f32>, #b>, !ll.memdesc<256xf32, #s, mutable>, tensor<256xi1, #b>) -> !ll.async_token
  %g = ll.async_commit_group tokens %t
  %w = ll.async_wait %g {num = 0 : i32}
  %v = ll.local_load %buf : !ll.memdesc<256xf32, #s, mutable> -> tensor<256xf32, #b>
  ll.store %out, %v : (tensor<256x!ll.ptr<f32>, #b>, tensor<256xf32, #b>) -> ()
  return
}
}

// -----

// AMD has no cp.async here: the copy is a load and a shared store, the
// groups emit nothing.
#b = #ll.blocked<{sizePerThread = [1], threadsPerWarp = [64], warpsPerCTA = [1], order = [0]}>
#s = #ll.swizzled_shared<{vec = 1, perPhase = 1, maxPhase = 1, order = [0]}>
// CHECK-LABEL: llvm.func @amd
// CHECK-NOT: cp.async
// CHECK: llvm.load {{.*}} : !llvm.ptr<1> -> f32
// CHECK: llvm.store {{.*}} : f32, !llvm.ptr<3>
module attributes {ll.target = #ll.target<"gfx942">} {
func.func @amd(%p: tensor<64x!ll.ptr<f32>, #b>) -> tensor<64xf32, #b> {
  %a = ll.local_alloc : () -> !ll.memdesc<64xf32, #s, mutable>
  %t = ll.async_copy %p, %a : (tensor<64x!ll.ptr<f32>, #b>, !ll.memdesc<64xf32, #s, mutable>) -> !ll.async_token
  %g = ll.async_commit_group tokens %t
  %w = ll.async_wait %g {num = 0 : i32}
  %v = ll.local_load %a : !ll.memdesc<64xf32, #s, mutable> -> tensor<64xf32, #b>
  return %v : tensor<64xf32, #b>
}
}
