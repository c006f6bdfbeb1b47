// RUN: ll-opt %s -convert-ll-to-llvm | ll-translate --mlir-to-llvmir | FileCheck %s

// The whole way to LLVM IR: an NVPTX kernel of 128 threads with the shared
// scratch as an external addrspace(3) array.
#a = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>
#b = #ll.blocked<{sizePerThread = [4, 1], threadsPerWarp = [4, 8], warpsPerCTA = [1, 4], order = [0, 1]}>
// CHECK: @global_smem = external addrspace(3) global [0 x i8], align 16
// CHECK: define ptx_kernel void @k(ptr addrspace(1) %0)
// CHECK: call i32 @llvm.nvvm.read.ptx.sreg.tid.x()
// CHECK: store i32 {{.*}}, ptr addrspace(3)
// CHECK: call void @llvm.nvvm.barrier.cta.sync.aligned.all(i32 0)
// CHECK: load <4 x i32>, ptr addrspace(3)
// CHECK: "nvvm.reqntid"="128"
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @k(%p: !ll.ptr<i32>) attributes {ll.kernel} {
  %r = ll.make_range {start = 0 : i32, end = 32 : i32} : tensor<32xi32, #ll.slice<{dim = 1, parent = #a}>>
  %e = ll.expand_dims %r {axis = 1 : i32} : tensor<32xi32, #ll.slice<{dim = 1, parent = #a}>> -> tensor<32x1xi32, #a>
  %f = ll.broadcast %e : tensor<32x1xi32, #a> -> tensor<32x32xi32, #a>
  %0 = ll.convert_layout %f : tensor<32x32xi32, #a> -> tensor<32x32xi32, #b>
  %s = ll.splat %p : !ll.ptr<i32> -> tensor<32x32x!ll.ptr<i32>, #b>
  ll.store %s, %0 : (tensor<32x32x!ll.ptr<i32>, #b>, tensor<32x32xi32, #b>) -> ()
  return
}
}
