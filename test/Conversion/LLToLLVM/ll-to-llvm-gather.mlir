// RUN: ll-opt %s -split-input-file -convert-ll-to-llvm -canonicalize -cse | FileCheck %s

// Along rows held by one warp's 32 lanes: one shuffle per result register
// from the lane of the indexed element; no shared memory.
#row = #ll.blocked<{sizePerThread = [1, 1], threadsPerWarp = [1, 32], warpsPerCTA = [4, 1], order = [1, 0]}>
// CHECK-LABEL: llvm.func @in_warp
// CHECK-NOT: llvm.store
// CHECK: nvvm.shfl.sync idx
// CHECK-NOT: nvvm.barrier0
// CHECK: llvm.return
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @in_warp(%x: tensor<4x32xf32, #row>, %i: tensor<4x32xi32, #row>) -> tensor<4x32xf32, #row> {
  %0 = ll.gather %x[%i] {axis = 1 : i32} : (tensor<4x32xf32, #row>, tensor<4x32xi32, #row>) -> tensor<4x32xf32, #row>
  return %0 : tensor<4x32xf32, #row>
}
}

// -----

// Along an axis spread over warps: the source to shared memory (first
// use: no barrier before), a barrier, a load per result register at the
// index's row.
#col = #ll.blocked<{sizePerThread = [1, 1], threadsPerWarp = [32, 1], warpsPerCTA = [1, 4], order = [0, 1]}>
// CHECK-LABEL: llvm.func @across_warps
// CHECK-NOT: nvvm.barrier0
// CHECK: llvm.store {{.*}} : i32, !llvm.ptr<3>
// CHECK: nvvm.barrier0
// CHECK: llvm.mul
// CHECK: llvm.load {{.*}} : !llvm.ptr<3> -> i32
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @across_warps(%x: tensor<32x4xi32, #col>, %i: tensor<32x4xi32, #col>) -> tensor<32x4xi32, #col> {
  %0 = ll.gather %x[%i] {axis = 1 : i32} : (tensor<32x4xi32, #col>, tensor<32x4xi32, #col>) -> tensor<32x4xi32, #col>
  return %0 : tensor<32x4xi32, #col>
}
}
