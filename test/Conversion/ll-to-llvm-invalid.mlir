// RUN: ll-opt %s -split-input-file -convert-ll-to-llvm -verify-diagnostics

// An unknown target is an error naming the known ones.
// expected-error @+1 {{unknown target 'sm_12'}}
module attributes {ll.target = "sm_12"} {
}

// -----

#a = #ll.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
#b = #ll.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [2], order = [0]}>
func.func @k(%p: !ll.ptr<i32>) attributes {ll.kernel} {
  %0 = ll.make_range {start = 0 : i32, end = 128 : i32} : tensor<128xi32, #a>
  // expected-error @+1 {{uses 2 warps where the kernel's other layouts use 4}}
  %1 = ll.make_range {start = 0 : i32, end = 64 : i32} : tensor<64xi32, #b>
  return
}

// -----

// Non-splat tensor constants are not lowered yet.
#a = #ll.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [1], order = [0]}>
func.func @f() -> tensor<32xi32, #a> {
  // expected-error @+2 {{cannot be lowered: only splat tensor constants are supported}}
  // expected-error @+1 {{failed to legalize operation 'arith.constant'}}
  %c = arith.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31]> : tensor<32xi32, #a>
  return %c : tensor<32xi32, #a>
}
