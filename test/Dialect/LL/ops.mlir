// RUN: ll-opt %s -split-input-file | ll-opt -split-input-file | FileCheck %s
// Every op round-trips; the layouts here satisfy each op's verifier.

#blocked = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>
#mma = #ll.nvidia_mma<{versionMajor = 2, versionMinor = 0, warpsPerCTA = [2, 2], instrShape = [16, 8]}>
#swz = #ll.swizzled_shared<{vec = 8, perPhase = 1, maxPhase = 8, order = [1, 0]}>

// CHECK-LABEL: func.func @convert_and_memory
func.func @convert_and_memory(%a: tensor<64x64xf16, #blocked>) -> tensor<64x64xf16, #ll.dot_op<{opIdx = 0, parent = #mma, kWidth = 2}>> {
  // CHECK: ll.convert_layout %{{.*}} : tensor<64x64xf16, #blocked> -> tensor<64x64xf16, #mma>
  %0 = ll.convert_layout %a : tensor<64x64xf16, #blocked> -> tensor<64x64xf16, #mma>
  // CHECK: %[[M:.*]] = ll.local_alloc %{{.*}} : (tensor<64x64xf16, #blocked>) -> !ll.memdesc<64x64xf16, #shared>
  %m = ll.local_alloc %a : (tensor<64x64xf16, #blocked>) -> !ll.memdesc<64x64xf16, #swz>
  // CHECK: ll.local_load %[[M]] : !ll.memdesc<64x64xf16, #shared> -> tensor<64x64xf16, #ll.dot_op
  %1 = ll.local_load %m : !ll.memdesc<64x64xf16, #swz> -> tensor<64x64xf16, #ll.dot_op<{opIdx = 0, parent = #mma, kWidth = 2}>>
  // CHECK: %[[N:.*]] = ll.local_alloc : () -> !ll.memdesc<64x64xf16, #shared, mutable>
  %n = ll.local_alloc : () -> !ll.memdesc<64x64xf16, #swz, mutable>
  // CHECK: ll.local_store %{{.*}}, %[[N]] : tensor<64x64xf16, #blocked> -> !ll.memdesc<64x64xf16, #shared, mutable>
  ll.local_store %a, %n : tensor<64x64xf16, #blocked> -> !ll.memdesc<64x64xf16, #swz, mutable>
  // CHECK: ll.local_dealloc %[[N]] : !ll.memdesc<64x64xf16, #shared, mutable>
  ll.local_dealloc %n : !ll.memdesc<64x64xf16, #swz, mutable>
  return %1 : tensor<64x64xf16, #ll.dot_op<{opIdx = 0, parent = #mma, kWidth = 2}>>
}

// -----

#blocked = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>

// CHECK-LABEL: func.func @ranges
func.func @ranges(%s: f32) -> tensor<64x64xi32, #blocked> {
  // CHECK: ll.make_range {end = 64 : i32, start = 0 : i32} : tensor<64xi32, #ll.slice<{dim = 1, parent = #blocked}>>
  %r = ll.make_range {start = 0 : i32, end = 64 : i32} : tensor<64xi32, #ll.slice<{dim = 1, parent = #blocked}>>
  // CHECK: ll.expand_dims %{{.*}} {axis = 1 : i32} : tensor<64xi32, #ll.slice<{dim = 1, parent = #blocked}>> -> tensor<64x1xi32, #blocked>
  %e = ll.expand_dims %r {axis = 1 : i32} : tensor<64xi32, #ll.slice<{dim = 1, parent = #blocked}>> -> tensor<64x1xi32, #blocked>
  // CHECK: ll.broadcast %{{.*}} : tensor<64x1xi32, #blocked> -> tensor<64x64xi32, #blocked>
  %b = ll.broadcast %e : tensor<64x1xi32, #blocked> -> tensor<64x64xi32, #blocked>
  // CHECK: ll.splat %{{.*}} : f32 -> tensor<64x64xf32, #blocked>
  %t = ll.splat %s : f32 -> tensor<64x64xf32, #blocked>
  return %b : tensor<64x64xi32, #blocked>
}

// -----

// A 4x8 tensor held 4 elements per thread; trans / reshape keep every
// element where it is, so their result layouts are the linear images.
#a = #ll.linear<{register = [[0, 1], [0, 2]], lane = [[0, 4], [1, 0], [2, 0]], warp = [], block = []}>
#at = #ll.linear<{register = [[1, 0], [2, 0]], lane = [[4, 0], [0, 1], [0, 2]], warp = [], block = []}>
#flat = #ll.linear<{register = [[1], [2]], lane = [[4], [8], [16]], warp = [], block = []}>

// CHECK-LABEL: func.func @shape_ops
func.func @shape_ops(%x: tensor<4x8xf32, #a>) -> (tensor<8x4xf32, #at>, tensor<32xf32, #flat>) {
  // CHECK: ll.trans %{{.*}} {order = array<i32: 1, 0>} : tensor<4x8xf32, #linear> -> tensor<8x4xf32, #linear1>
  %t = ll.trans %x {order = array<i32: 1, 0>} : tensor<4x8xf32, #a> -> tensor<8x4xf32, #at>
  // CHECK: ll.reshape %{{.*}} : tensor<4x8xf32, #linear> -> tensor<32xf32, #linear2>
  %r = ll.reshape %x : tensor<4x8xf32, #a> -> tensor<32xf32, #flat>
  return %t, %r : tensor<8x4xf32, #at>, tensor<32xf32, #flat>
}

// -----

#part = #ll.linear<{register = [[1]], lane = [[2], [4], [8], [16], [32]], warp = [], block = []}>
#whole = #ll.linear<{register = [[0, 1], [1, 0]], lane = [[2, 0], [4, 0], [8, 0], [16, 0], [32, 0]], warp = [], block = []}>
#idx = #ll.linear<{register = [[1, 0]], lane = [[2, 0], [4, 0], [8, 0], [0, 1], [0, 2]], warp = [], block = []}>

// CHECK-LABEL: func.func @join_split_gather
func.func @join_split_gather(%a: tensor<64xf32, #part>, %b: tensor<64xf32, #part>,
                             %i: tensor<16x4xi32, #idx>, %s: tensor<8x4xf32, #idx>) -> tensor<16x4xf32, #idx> {
  // CHECK: ll.join %{{.*}}, %{{.*}} : tensor<64xf32, #linear> -> tensor<64x2xf32, #linear2>
  %j = ll.join %a, %b : tensor<64xf32, #part> -> tensor<64x2xf32, #whole>
  // CHECK: ll.split %{{.*}} : tensor<64x2xf32, #linear2> -> tensor<64xf32, #linear>
  %l, %r = ll.split %j : tensor<64x2xf32, #whole> -> tensor<64xf32, #part>
  // CHECK: ll.gather %{{.*}}[%{{.*}}] {axis = 0 : i32} : (tensor<8x4xf32, #linear1>, tensor<16x4xi32, #linear1>) -> tensor<16x4xf32, #linear1>
  %g = ll.gather %s[%i] {axis = 0 : i32} : (tensor<8x4xf32, #idx>, tensor<16x4xi32, #idx>) -> tensor<16x4xf32, #idx>
  return %g : tensor<16x4xf32, #idx>
}

// -----

#b = #ll.blocked<{sizePerThread = [4], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>

// Kernel ops: program ids, pointer arithmetic, masked loads and stores.
// CHECK-LABEL: func.func @kernel_ops
func.func @kernel_ops(%x: !ll.ptr<f32>, %y: !ll.ptr<f32, 1>, %n: i32, %s: !ll.ptr<i8, 3>) {
  // CHECK: ll.program_id x : i32
  %pid = ll.program_id x : i32
  // CHECK: ll.num_programs z : i32
  %np = ll.num_programs z : i32
  %r = ll.make_range {start = 0 : i32, end = 512 : i32} : tensor<512xi32, #b>
  %base = ll.splat %x : !ll.ptr<f32> -> tensor<512x!ll.ptr<f32>, #b>
  // CHECK: ll.addptr %{{.*}}, %{{.*}} : tensor<512x!ll.ptr<f32>, #blocked>, tensor<512xi32, #blocked>
  %p = ll.addptr %base, %r : tensor<512x!ll.ptr<f32>, #b>, tensor<512xi32, #b>
  %ns = ll.splat %n : i32 -> tensor<512xi32, #b>
  %m = arith.cmpi slt, %r, %ns : tensor<512xi32, #b>
  %z = arith.constant dense<0.0> : tensor<512xf32, #b>
  // CHECK: ll.load %{{.*}}, %{{.*}}, %{{.*}} : (tensor<512x!ll.ptr<f32>, #blocked>, tensor<512xi1, #blocked>, tensor<512xf32, #blocked>) -> tensor<512xf32, #blocked>
  %v = ll.load %p, %m, %z : (tensor<512x!ll.ptr<f32>, #b>, tensor<512xi1, #b>, tensor<512xf32, #b>) -> tensor<512xf32, #b>
  // CHECK: ll.store %{{.*}}, %{{.*}}, %{{.*}} : (tensor<512x!ll.ptr<f32>, #blocked>, tensor<512xf32, #blocked>, tensor<512xi1, #blocked>) -> ()
  ll.store %p, %v, %m : (tensor<512x!ll.ptr<f32>, #b>, tensor<512xf32, #b>, tensor<512xi1, #b>) -> ()
  // CHECK: ll.load %{{.*}} : (!ll.ptr<f32>) -> f32
  %w = ll.load %y : (!ll.ptr<f32>) -> f32
  // CHECK: ll.addptr %{{.*}}, %{{.*}} : !ll.ptr<i8, 3>, i32
  %q = ll.addptr %s, %pid : !ll.ptr<i8, 3>, i32
  return
}

// -----

#b = #ll.blocked<{sizePerThread = [4], threadsPerWarp = [32], warpsPerCTA = [1], order = [0]}>
// CHECK-LABEL: func.func @casts
func.func @casts(%x: tensor<128xf32, #b>, %p: tensor<128x!ll.ptr<f32>, #b>) {
  // CHECK: ll.bitcast %{{.*}} : tensor<128xf32, #blocked> -> tensor<128xi32, #blocked>
  %0 = ll.bitcast %x : tensor<128xf32, #b> -> tensor<128xi32, #b>
  // CHECK: ll.ptr_to_int %{{.*}} : tensor<128x!ll.ptr<f32>, #blocked> -> tensor<128xi64, #blocked>
  %1 = ll.ptr_to_int %p : tensor<128x!ll.ptr<f32>, #b> -> tensor<128xi64, #b>
  // CHECK: ll.int_to_ptr %{{.*}} : tensor<128xi64, #blocked> -> tensor<128x!ll.ptr<i32>, #blocked>
  %2 = ll.int_to_ptr %1 : tensor<128xi64, #b> -> tensor<128x!ll.ptr<i32>, #b>
  return
}

// CHECK-LABEL: func.func @scalar_cast
func.func @scalar_cast(%q: !ll.ptr<f32>) -> !ll.ptr<i8> {
  // CHECK: ll.bitcast %{{.*}} : !ll.ptr<f32> -> !ll.ptr<i8>
  %0 = ll.bitcast %q : !ll.ptr<f32> -> !ll.ptr<i8>
  return %0 : !ll.ptr<i8>
}

// -----

// Reductions (several operands; a 1-D operand reduces to scalars) and scans.
#b = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [4, 8], warpsPerCTA = [2, 2], order = [1, 0]}>
#s = #ll.slice<{dim = 1, parent = #b}>
#v = #ll.blocked<{sizePerThread = [2], threadsPerWarp = [32], warpsPerCTA = [2], order = [0]}>
// CHECK-LABEL: func.func @reduce_scan
func.func @reduce_scan(%x: tensor<32x64xf32, #b>, %i: tensor<32x64xi32, #b>, %w: tensor<128xi32, #v>) {
  // CHECK: "ll.reduce"(%{{.*}}, %{{.*}}) <{axis = 1 : i32}>
  // CHECK: ll.reduce.return %{{.*}}, %{{.*}} : f32, i32
  // CHECK: -> (tensor<32xf32, #ll.slice<{dim = 1, parent = #blocked}>>, tensor<32xi32, #ll.slice<{dim = 1, parent = #blocked}>>)
  %m:2 = "ll.reduce"(%x, %i) <{axis = 1 : i32}> ({
  ^bb0(%a: f32, %ai: i32, %c: f32, %ci: i32):
    %gt = arith.cmpf ogt, %a, %c : f32
    %v = arith.select %gt, %a, %c : f32
    %vi = arith.select %gt, %ai, %ci : i32
    ll.reduce.return %v, %vi : f32, i32
  }) : (tensor<32x64xf32, #b>, tensor<32x64xi32, #b>) -> (tensor<32xf32, #s>, tensor<32xi32, #s>)
  // CHECK: "ll.reduce"(%{{.*}}) <{axis = 0 : i32}>
  // CHECK: -> i32
  %t = "ll.reduce"(%w) <{axis = 0 : i32}> ({
  ^bb0(%a: i32, %c: i32):
    %s = arith.addi %a, %c : i32
    ll.reduce.return %s : i32
  }) : (tensor<128xi32, #v>) -> i32
  // CHECK: "ll.scan"(%{{.*}}) <{axis = 0 : i32, reverse = true}>
  // CHECK: ll.scan.return
  %c = "ll.scan"(%w) <{axis = 0 : i32, reverse = true}> ({
  ^bb0(%a: i32, %c: i32):
    %s = arith.addi %a, %c : i32
    ll.scan.return %s : i32
  }) : (tensor<128xi32, #v>) -> tensor<128xi32, #v>
  return
}

// -----

#b = #ll.blocked<{sizePerThread = [4], threadsPerWarp = [32], warpsPerCTA = [1], order = [0]}>
// CHECK-LABEL: func.func @fp_to_fp
func.func @fp_to_fp(%x: tensor<128xf32, #b>, %s: f16) -> f8E5M2 {
  // CHECK: ll.fp_to_fp %{{.*}}, rounding = rtne : tensor<128xf32, #blocked> -> tensor<128xf8E4M3FN, #blocked>
  %0 = ll.fp_to_fp %x, rounding = rtne : tensor<128xf32, #b> -> tensor<128xf8E4M3FN, #b>
  // CHECK: ll.fp_to_fp %{{.*}} : tensor<128xf8E4M3FN, #blocked> -> tensor<128xbf16, #blocked>
  %1 = ll.fp_to_fp %0 : tensor<128xf8E4M3FN, #b> -> tensor<128xbf16, #b>
  // CHECK: ll.fp_to_fp %{{.*}}, rounding = rtz : f16 -> f8E5M2
  %2 = ll.fp_to_fp %s, rounding = rtz : f16 -> f8E5M2
  return %2 : f8E5M2
}

// -----

#b = #ll.blocked<{sizePerThread = [4], threadsPerWarp = [32], warpsPerCTA = [1], order = [0]}>
#r = #ll.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [1], order = [0]}>
// CHECK-LABEL: func.func @histogram
func.func @histogram(%x: tensor<512xi32, #b>, %m: tensor<512xi1, #b>) -> tensor<64xi32, #r> {
  // CHECK: ll.histogram %{{.*}}, %{{.*}} : tensor<512xi32, #blocked>, tensor<512xi1, #blocked> -> tensor<64xi32, #blocked1>
  %h = ll.histogram %x, %m : tensor<512xi32, #b>, tensor<512xi1, #b> -> tensor<64xi32, #r>
  // CHECK: ll.histogram %{{.*}} : tensor<512xi32, #blocked> -> tensor<64xi32, #blocked1>
  %g = ll.histogram %x : tensor<512xi32, #b> -> tensor<64xi32, #r>
  return %h : tensor<64xi32, #r>
}

// -----

// sm_90 wgmma: a transposed view, the asynchronous dot and its wait.
#nv = #ll.nvmma_shared<{swizzlingByteWidth = 128, transposed = false, elementBitWidth = 16}>
#nvt = #ll.nvmma_shared<{swizzlingByteWidth = 128, transposed = true, elementBitWidth = 16}>
#mma = #ll.nvidia_mma<{versionMajor = 3, versionMinor = 0, warpsPerCTA = [4, 1], instrShape = [16, 64, 16]}>
// CHECK-LABEL: func.func @wgmma
func.func @wgmma(%c: tensor<64x64xf32, #mma>, %use: i1) -> tensor<64x64xf32, #mma> {
  %a = ll.local_alloc : () -> !ll.memdesc<64x64xf16, #nv, mutable>
  // CHECK: %[[T:.*]] = ll.memdesc_trans %{{.*}} {order = array<i32: 1, 0>} : !ll.memdesc<64x64xf16, #{{.*}}, mutable> -> !ll.memdesc<64x64xf16, #{{.*}}, mutable>
  %t = ll.memdesc_trans %a {order = array<i32: 1, 0>} : !ll.memdesc<64x64xf16, #nv, mutable> -> !ll.memdesc<64x64xf16, #nvt, mutable>
  // CHECK: %[[D:.*]] = ll.warp_group_dot %{{.*}}, %[[T]], %{{.*}}, %{{.*}} {isAsync = true} : !ll.memdesc
  %d = ll.warp_group_dot %a, %t, %c, %use {isAsync = true} : !ll.memdesc<64x64xf16, #nv, mutable> * !ll.memdesc<64x64xf16, #nvt, mutable> -> tensor<64x64xf32, #mma>
  // CHECK: ll.warp_group_dot_wait %[[D]], %[[T]] {pendings = 0 : i32} : tensor<64x64xf32, #{{.*}}>, !ll.memdesc<64x64xf16, #{{.*}}, mutable>
  %r:2 = ll.warp_group_dot_wait %d, %t {pendings = 0 : i32} : tensor<64x64xf32, #mma>, !ll.memdesc<64x64xf16, #nvt, mutable>
  return %r#0 : tensor<64x64xf32, #mma>
}

// -----

// A K sub-tile of a pipeline stage: a view whose type carries the buffer's
// allocation shape.
#s = #ll.swizzled_shared<{vec = 8, perPhase = 1, maxPhase = 4, order = [1, 0]}>
// CHECK-LABEL: func.func @subslice
func.func @subslice(%m: !ll.memdesc<64x32xf16, #s, mutable>) -> !ll.memdesc<64x16xf16, #s, mutable, 64x32> {
  // CHECK: ll.memdesc_subslice %{{.*}}[0, 16] : !ll.memdesc<64x32xf16, #{{.*}}, mutable> -> !ll.memdesc<64x16xf16, #{{.*}}, mutable, 64x32>
  %v = ll.memdesc_subslice %m[0, 16] : !ll.memdesc<64x32xf16, #s, mutable> -> !ll.memdesc<64x16xf16, #s, mutable, 64x32>
  return %v : !ll.memdesc<64x16xf16, #s, mutable, 64x32>
}
