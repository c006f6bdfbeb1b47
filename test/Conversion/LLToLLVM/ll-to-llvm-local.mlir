// RUN: ll-opt %s -split-input-file -convert-ll-to-llvm -canonicalize -cse | FileCheck %s

// A buffer at its allocated offset: the alloc stores the tensor (first use:
// no barrier; each thread's 4 registers contiguous in the swizzled layout
// (vec = 4): one 16-byte store), the load starts with a barrier; dealloc
// emits nothing.
#b = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>
#t = #ll.blocked<{sizePerThread = [4, 1], threadsPerWarp = [4, 8], warpsPerCTA = [1, 4], order = [0, 1]}>
#s = #ll.swizzled_shared<{vec = 4, perPhase = 1, maxPhase = 8, order = [1, 0]}>
// CHECK: module attributes {ll.shared = 4096 : i64
// CHECK-LABEL: llvm.func @round_trip
// CHECK-NOT: nvvm.barrier0
// CHECK: llvm.store {{.*}} {alignment = 16 : i64} : vector<4xf32>, !llvm.ptr<3>
// CHECK: nvvm.barrier0
// CHECK: llvm.load {{.*}} : !llvm.ptr<3> -> f32
// CHECK: llvm.return
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @round_trip(%x: tensor<32x32xf32, #b>) -> tensor<32x32xf32, #t> {
  %m = ll.local_alloc %x : (tensor<32x32xf32, #b>) -> !ll.memdesc<32x32xf32, #s>
  %0 = ll.local_load %m : !ll.memdesc<32x32xf32, #s> -> tensor<32x32xf32, #t>
  ll.local_dealloc %m : !ll.memdesc<32x32xf32, #s>
  return %0 : tensor<32x32xf32, #t>
}
}

// -----

// A histogram: bins zeroed, a barrier, atomic adds where the value is in
// range, a barrier, the bins read.
#v = #ll.blocked<{sizePerThread = [4], threadsPerWarp = [32], warpsPerCTA = [2], order = [0]}>
#r = #ll.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [2], order = [0]}>
// CHECK-LABEL: llvm.func @histogram
// CHECK: llvm.store {{.*}} : i32, !llvm.ptr<3>
// CHECK: nvvm.barrier0
// CHECK: llvm.icmp "ult"
// CHECK: llvm.atomicrmw add {{.*}} monotonic : !llvm.ptr<3>, i32
// CHECK: nvvm.barrier0
// CHECK: llvm.load {{.*}} : !llvm.ptr<3> -> i32
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @histogram(%x: tensor<512xi32, #v>) -> tensor<64xi32, #r> {
  %h = ll.histogram %x : tensor<512xi32, #v> -> tensor<64xi32, #r>
  return %h : tensor<64xi32, #r>
}
}

// -----

// A box of a swizzled buffer (ll.memdesc_subslice): rows [4, 8) of a 32x32
// f32 tile with vec 4, maxPhase 8. Its element (0, 0) is the buffer's
// (4, 0), which the swizzle put at row 4, column (0 / 4 XOR 4) * 4 = 16:
// offset 4 * 32 + 16 = 144, XORed into every thread's offsets (not added:
// the box's own rows swizzle the same column bits).
#b = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [4, 8], warpsPerCTA = [1, 1], order = [1, 0]}>
#s = #ll.swizzled_shared<{vec = 4, perPhase = 1, maxPhase = 8, order = [1, 0]}>
// CHECK-LABEL: llvm.func @box
// CHECK-DAG: %[[O:.*]] = llvm.mlir.constant(144 : i32) : i32
// CHECK: %[[T:.*]] = llvm.xor %{{.*}}, %[[O]] : i32
// CHECK: llvm.load {{.*}} {alignment = 16 : i64} : !llvm.ptr<3> -> vector<4xf32>
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @box(%m: !ll.memdesc<32x32xf32, #s>) -> tensor<4x32xf32, #b> {
  %v = ll.memdesc_subslice %m[4, 0] : !ll.memdesc<32x32xf32, #s> -> !ll.memdesc<4x32xf32, #s, 32x32>
  %0 = ll.local_load %v : !ll.memdesc<4x32xf32, #s, 32x32> -> tensor<4x32xf32, #b>
  return %0 : tensor<4x32xf32, #b>
}
}
