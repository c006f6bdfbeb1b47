// RUN: ll-opt %s -split-input-file -ll-remove-conversions=target=sm_90 | FileCheck %s

#A = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>
#B = #ll.nvidia_mma<{versionMajor = 2, versionMinor = 0, warpsPerCTA = [2, 2], instrShape = [16, 8]}>

// Two operands converted from one layout: compute there, convert once.
// CHECK-LABEL: func.func @hoist
// CHECK: %[[S:.*]] = arith.addf %arg0, %arg1 : tensor<64x64xf32, #blocked>
// CHECK-NEXT: %[[R:.*]] = ll.convert_layout %[[S]] : tensor<64x64xf32, #blocked> -> tensor<64x64xf32, #mma>
// CHECK-NEXT: return %[[R]]
func.func @hoist(%x: tensor<64x64xf32, #A>, %y: tensor<64x64xf32, #A>) -> tensor<64x64xf32, #B> {
  %a = ll.convert_layout %x : tensor<64x64xf32, #A> -> tensor<64x64xf32, #B>
  %b = ll.convert_layout %y : tensor<64x64xf32, #A> -> tensor<64x64xf32, #B>
  %c = arith.addf %a, %b : tensor<64x64xf32, #B>
  return %c : tensor<64x64xf32, #B>
}

// -----

#A = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>
#B = #ll.nvidia_mma<{versionMajor = 2, versionMinor = 0, warpsPerCTA = [2, 2], instrShape = [16, 8]}>

// One converted operand and a result used in B: hoisting would trade the
// operand's conversion for the result's, which costs the same: no move.
// CHECK-LABEL: func.func @hoist_no_gain
// CHECK-NEXT: %[[A:.*]] = ll.convert_layout %arg0 : tensor<64x64xf32, #blocked> -> tensor<64x64xf32, #mma>
// CHECK-NEXT: arith.addf %[[A]], %arg1 : tensor<64x64xf32, #mma>
func.func @hoist_no_gain(%x: tensor<64x64xf32, #A>, %y: tensor<64x64xf32, #B>) -> tensor<64x64xf32, #B> {
  %a = ll.convert_layout %x : tensor<64x64xf32, #A> -> tensor<64x64xf32, #B>
  %c = arith.addf %a, %y : tensor<64x64xf32, #B>
  return %c : tensor<64x64xf32, #B>
}

// -----

#A = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>
#B = #ll.nvidia_mma<{versionMajor = 2, versionMinor = 0, warpsPerCTA = [2, 2], instrShape = [16, 8]}>

// One converted operand, the result converted back: the round trip goes.
// CHECK-LABEL: func.func @hoist_round_trip
// CHECK-NOT: ll.convert_layout
// CHECK: math.exp %arg0 : tensor<64x64xf32, #blocked>
func.func @hoist_round_trip(%x: tensor<64x64xf32, #A>) -> tensor<64x64xf32, #A> {
  %a = ll.convert_layout %x : tensor<64x64xf32, #A> -> tensor<64x64xf32, #B>
  %e = math.exp %a : tensor<64x64xf32, #B>
  %r = ll.convert_layout %e : tensor<64x64xf32, #B> -> tensor<64x64xf32, #A>
  return %r : tensor<64x64xf32, #A>
}

// -----

#A = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>
#B = #ll.nvidia_mma<{versionMajor = 2, versionMinor = 0, warpsPerCTA = [2, 2], instrShape = [16, 8]}>

// A chain whose leaves are free in the target layout (a conversion from it,
// a splat) is recomputed there: both conversions disappear.
// CHECK-LABEL: func.func @backward
// CHECK-NOT: ll.convert_layout
// CHECK: %[[C:.*]] = ll.splat %arg1 : f32 -> tensor<64x64xf32, #mma>
// CHECK: %[[M:.*]] = arith.mulf %arg0, %[[C]] : tensor<64x64xf32, #mma>
// CHECK: math.exp %[[M]] : tensor<64x64xf32, #mma>
func.func @backward(%x: tensor<64x64xf32, #B>, %s: f32) -> tensor<64x64xf32, #B> {
  %0 = ll.convert_layout %x : tensor<64x64xf32, #B> -> tensor<64x64xf32, #A>
  %c = ll.splat %s : f32 -> tensor<64x64xf32, #A>
  %1 = arith.mulf %0, %c : tensor<64x64xf32, #A>
  %2 = math.exp %1 : tensor<64x64xf32, #A>
  %3 = ll.convert_layout %2 : tensor<64x64xf32, #A> -> tensor<64x64xf32, #B>
  return %3 : tensor<64x64xf32, #B>
}

// -----

// The cost model: a conversion through shared memory (A -> T) is pushed
// back to the chain's leaf, where it meets the leaf's own conversion
// (P -> A); what is left, P -> T, only permutes registers.
#P = #ll.linear<{register = [[1, 0], [0, 1]], lane = [[0, 2], [0, 4], [0, 8], [2, 0], [4, 0]], warp = [], block = []}>
#A = #ll.linear<{register = [[0, 1], [0, 2]], lane = [[1, 0], [2, 0], [4, 0], [0, 4], [0, 8]], warp = [], block = []}>
#T = #ll.linear<{register = [[0, 1], [1, 0]], lane = [[0, 2], [0, 4], [0, 8], [2, 0], [4, 0]], warp = [], block = []}>
// CHECK-DAG: #[[P:linear[0-9]*]] = #ll.linear<{register = {{\[}}[1, 0], [0, 1]]
// CHECK-DAG: #[[T:linear[0-9]*]] = #ll.linear<{register = {{\[}}[0, 1], [1, 0]]
// CHECK-LABEL: func.func @cost
// CHECK: ll.convert_layout %{{.*}} : tensor<8x16xf32, #[[P]]> -> tensor<8x16xf32, #[[T]]>
// CHECK-NOT: ll.convert_layout
// CHECK: return
func.func @cost(%x: tensor<8x16xf32, #P>) -> tensor<8x16xf32, #T> {
  %0 = ll.convert_layout %x : tensor<8x16xf32, #P> -> tensor<8x16xf32, #A>
  %1 = arith.negf %0 : tensor<8x16xf32, #A>
  %2 = ll.convert_layout %1 : tensor<8x16xf32, #A> -> tensor<8x16xf32, #T>
  return %2 : tensor<8x16xf32, #T>
}

// -----

#A = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>
#B = #ll.nvidia_mma<{versionMajor = 2, versionMinor = 0, warpsPerCTA = [2, 2], instrShape = [16, 8]}>

// Not profitable: the chain's leaf would need the same expensive conversion.
// CHECK-LABEL: func.func @keep
// CHECK: arith.negf %arg0 : tensor<64x64xf32, #blocked>
// CHECK: ll.convert_layout
func.func @keep(%x: tensor<64x64xf32, #A>) -> tensor<64x64xf32, #B> {
  %0 = arith.negf %x : tensor<64x64xf32, #A>
  %1 = ll.convert_layout %0 : tensor<64x64xf32, #A> -> tensor<64x64xf32, #B>
  return %1 : tensor<64x64xf32, #B>
}
