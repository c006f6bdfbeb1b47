// RUN: ll-opt %s -convert-ll-to-llvm="traffic-first=true" -canonicalize -cse | FileCheck %s

// Planned for the least shared-memory traffic: 8-bit values exchanged inside
// the warp (shuffles) before the stores so that every access moves whole
// 32-bit words.
#a = #ll.blocked<{sizePerThread = [1, 1, 1], threadsPerWarp = [32, 1, 1], warpsPerCTA = [2, 4, 1], order = [0, 1, 2]}>
#b = #ll.blocked<{sizePerThread = [1, 1, 1], threadsPerWarp = [1, 1, 32], warpsPerCTA = [8, 1, 1], order = [2, 0, 1]}>
// CHECK-LABEL: llvm.func @exchange
// CHECK: nvvm.shfl.sync idx
// CHECK: llvm.store {{.*}} !llvm.ptr<3>
// CHECK: nvvm.barrier0
// CHECK: llvm.load {{.*}} : !llvm.ptr<3>
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @exchange(%x: tensor<64x4x32xi8, #a>) -> tensor<64x4x32xi8, #b> {
  %0 = ll.convert_layout %x : tensor<64x4x32xi8, #a> -> tensor<64x4x32xi8, #b>
  return %0 : tensor<64x4x32xi8, #b>
}
}
