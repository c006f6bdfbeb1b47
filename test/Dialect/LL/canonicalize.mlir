// RUN: ll-opt %s -split-input-file -canonicalize | FileCheck %s

#a = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>
#b = #ll.blocked<{sizePerThread = [4, 1], threadsPerWarp = [4, 8], warpsPerCTA = [1, 4], order = [0, 1]}>
#c = #ll.nvidia_mma<{versionMajor = 2, versionMinor = 0, warpsPerCTA = [2, 2], instrShape = [16, 8]}>

// A conversion to the same type folds away.
// CHECK-LABEL: func.func @same_type
// CHECK-NEXT: return %arg0
func.func @same_type(%x: tensor<64x64xf32, #a>) -> tensor<64x64xf32, #a> {
  %0 = ll.convert_layout %x : tensor<64x64xf32, #a> -> tensor<64x64xf32, #a>
  return %0 : tensor<64x64xf32, #a>
}

// A chain of conversions collapses to one.
// CHECK-LABEL: func.func @chain
// CHECK-NEXT: %[[R:.*]] = ll.convert_layout %arg0 : tensor<64x64xf32, #blocked> -> tensor<64x64xf32, #mma>
// CHECK-NEXT: return %[[R]]
func.func @chain(%x: tensor<64x64xf32, #a>) -> tensor<64x64xf32, #c> {
  %0 = ll.convert_layout %x : tensor<64x64xf32, #a> -> tensor<64x64xf32, #b>
  %1 = ll.convert_layout %0 : tensor<64x64xf32, #b> -> tensor<64x64xf32, #c>
  return %1 : tensor<64x64xf32, #c>
}

// A round trip disappears.
// CHECK-LABEL: func.func @round_trip
// CHECK-NEXT: return %arg0
func.func @round_trip(%x: tensor<64x64xf32, #a>) -> tensor<64x64xf32, #a> {
  %0 = ll.convert_layout %x : tensor<64x64xf32, #a> -> tensor<64x64xf32, #b>
  %1 = ll.convert_layout %0 : tensor<64x64xf32, #b> -> tensor<64x64xf32, #a>
  return %1 : tensor<64x64xf32, #a>
}

// Splats, ranges and splat constants are rebuilt in the wanted layout.
// CHECK-LABEL: func.func @rematerialize
// CHECK-NOT: ll.convert_layout
// CHECK-DAG: ll.splat %arg0 : f32 -> tensor<64x64xf32, #mma>
// CHECK-DAG: arith.constant dense<1.000000e+00> : tensor<64x64xf32, #mma>
// CHECK-DAG: ll.make_range {end = 64 : i32, start = 0 : i32} : tensor<64xi32, #ll.slice<{dim = 0, parent = #mma}>>
func.func @rematerialize(%s: f32) -> (tensor<64x64xf32, #c>, tensor<64x64xf32, #c>, tensor<64xi32, #ll.slice<{dim = 0, parent = #c}>>) {
  %0 = ll.splat %s : f32 -> tensor<64x64xf32, #a>
  %1 = ll.convert_layout %0 : tensor<64x64xf32, #a> -> tensor<64x64xf32, #c>
  %2 = arith.constant dense<1.0> : tensor<64x64xf32, #a>
  %3 = ll.convert_layout %2 : tensor<64x64xf32, #a> -> tensor<64x64xf32, #c>
  %4 = ll.make_range {start = 0 : i32, end = 64 : i32} : tensor<64xi32, #ll.slice<{dim = 0, parent = #a}>>
  %5 = ll.convert_layout %4 : tensor<64xi32, #ll.slice<{dim = 0, parent = #a}>> -> tensor<64xi32, #ll.slice<{dim = 0, parent = #c}>>
  return %1, %3, %5 : tensor<64x64xf32, #c>, tensor<64x64xf32, #c>, tensor<64xi32, #ll.slice<{dim = 0, parent = #c}>>
}

// Identity shape ops fold.
// CHECK-LABEL: func.func @identity_shape_ops
// CHECK-NEXT: return %arg0
func.func @identity_shape_ops(%x: tensor<64x64xf32, #a>) -> tensor<64x64xf32, #a> {
  %0 = ll.trans %x {order = array<i32: 0, 1>} : tensor<64x64xf32, #a> -> tensor<64x64xf32, #a>
  %1 = ll.reshape %0 : tensor<64x64xf32, #a> -> tensor<64x64xf32, #a>
  %2 = ll.broadcast %1 : tensor<64x64xf32, #a> -> tensor<64x64xf32, #a>
  return %2 : tensor<64x64xf32, #a>
}

// -----

#A = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>
#B = #ll.nvidia_mma<{versionMajor = 2, versionMinor = 0, warpsPerCTA = [2, 2], instrShape = [16, 8]}>

// Canonicalization does not move elementwise ops across layouts: whether
// that pays is a cost decision, made by ll-remove-conversions.
// CHECK-LABEL: func.func @across_elementwise
// CHECK-NEXT: ll.convert_layout %arg0
// CHECK-NEXT: ll.convert_layout %arg1
// CHECK-NEXT: arith.mulf {{.*}} : tensor<64x64xf32, #mma>
func.func @across_elementwise(%x: tensor<64x64xf32, #A>, %y: tensor<64x64xf32, #A>) -> tensor<64x64xf32, #B> {
  %a = ll.convert_layout %x : tensor<64x64xf32, #A> -> tensor<64x64xf32, #B>
  %b = ll.convert_layout %y : tensor<64x64xf32, #A> -> tensor<64x64xf32, #B>
  %c = arith.mulf %a, %b : tensor<64x64xf32, #B>
  return %c : tensor<64x64xf32, #B>
}

// -----

// A transpose between two conversions is applied to the source directly (in
// its layout's linear image), and the conversions collapse into one.
#S = #ll.linear<{register = [[0, 1], [0, 2]], lane = [[0, 4], [1, 0], [2, 0]], warp = [], block = []}>
#M = #ll.linear<{register = [[1, 0], [2, 0]], lane = [[0, 1], [0, 2], [0, 4]], warp = [], block = []}>
#MT = #ll.linear<{register = [[0, 1], [0, 2]], lane = [[1, 0], [2, 0], [4, 0]], warp = [], block = []}>
#D = #ll.linear<{register = [[4, 0], [0, 1]], lane = [[1, 0], [2, 0], [0, 2]], warp = [], block = []}>
// CHECK-DAG: #[[IMG:.*]] = #ll.linear<{register = {{\[}}[1, 0], [2, 0]], lane = {{\[}}[4, 0], [0, 1], [0, 2]]
// CHECK-LABEL: func.func @across_trans
// CHECK-NEXT: %[[T:.*]] = ll.trans %arg0 {order = array<i32: 1, 0>} : tensor<4x8xf32, #{{.*}}> -> tensor<8x4xf32, #[[IMG]]>
// CHECK-NEXT: %[[R:.*]] = ll.convert_layout %[[T]]
// CHECK-NEXT: return %[[R]]
func.func @across_trans(%x: tensor<4x8xf32, #S>) -> tensor<8x4xf32, #D> {
  %0 = ll.convert_layout %x : tensor<4x8xf32, #S> -> tensor<4x8xf32, #M>
  %1 = ll.trans %0 {order = array<i32: 1, 0>} : tensor<4x8xf32, #M> -> tensor<8x4xf32, #MT>
  %2 = ll.convert_layout %1 : tensor<8x4xf32, #MT> -> tensor<8x4xf32, #D>
  return %2 : tensor<8x4xf32, #D>
}

// -----

// A conversion between equal layouts (a blocked layout and the linear layout
// it denotes) is removed where its users accept any equal layout.
#blocked = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>
#same = #ll.linear<{register = [[0, 1], [0, 2], [0, 16], [0, 32], [32, 0]], lane = [[0, 4], [0, 8], [1, 0], [2, 0], [4, 0]], warp = [[8, 0], [16, 0]], block = []}>
#swz = #ll.swizzled_shared<{vec = 8, perPhase = 1, maxPhase = 8, order = [1, 0]}>
// CHECK-LABEL: func.func @equal_layouts
// CHECK-NOT: ll.convert_layout
// CHECK: ll.local_alloc %arg0 : (tensor<64x64xf16, #blocked>)
func.func @equal_layouts(%x: tensor<64x64xf16, #blocked>) -> !ll.memdesc<64x64xf16, #swz> {
  %0 = ll.convert_layout %x : tensor<64x64xf16, #blocked> -> tensor<64x64xf16, #same>
  %m = ll.local_alloc %0 : (tensor<64x64xf16, #same>) -> !ll.memdesc<64x64xf16, #swz>
  return %m : !ll.memdesc<64x64xf16, #swz>
}
