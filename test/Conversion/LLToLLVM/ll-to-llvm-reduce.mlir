// RUN: ll-opt %s -split-input-file -convert-ll-to-llvm -canonicalize -cse | FileCheck %s

// A row sum over 4 registers, 8 lanes and 2 warps: three adds within the
// thread, a butterfly over lanes 4, 2, 1, then one partial per warp to
// shared memory ([row][warp], only lane 0 of each row stores) read back as a
// vector of 2. The first user of shared memory needs no leading barrier.
#b = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [4, 8], warpsPerCTA = [2, 2], order = [1, 0]}>
#s = #ll.slice<{dim = 1, parent = #b}>
// CHECK-LABEL: llvm.func @row_sum
// CHECK-NOT: nvvm.barrier0
// CHECK: llvm.fadd
// CHECK: llvm.fadd
// CHECK: llvm.fadd
// CHECK: nvvm.shfl.sync bfly {{.*}}, %[[C4:.*]], %{{.*}} : i32 -> i32
// CHECK: nvvm.shfl.sync bfly
// CHECK: nvvm.shfl.sync bfly
// CHECK: llvm.cond_br
// CHECK: llvm.store {{.*}} : f32, !llvm.ptr<3>
// CHECK: nvvm.barrier0
// CHECK: llvm.load {{.*}} {alignment = 8 : i64} : !llvm.ptr<3> -> vector<2xf32>
// CHECK-NOT: nvvm.barrier0
// CHECK: llvm.return
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @row_sum(%x: tensor<32x64xf32, #b>) -> tensor<32xf32, #s> {
  %0 = "ll.reduce"(%x) <{axis = 1 : i32}> ({
  ^bb0(%a: f32, %c: f32):
    %s = arith.addf %a, %c : f32
    ll.reduce.return %s : f32
  }) : (tensor<32x64xf32, #b>) -> tensor<32xf32, #s>
  return %0 : tensor<32xf32, #s>
}
}

// -----

// Within one warp: no shared memory. A 1-D tensor reduces to a scalar.
#w = #ll.blocked<{sizePerThread = [2], threadsPerWarp = [32], warpsPerCTA = [1], order = [0]}>
// CHECK-LABEL: llvm.func @warp_max
// CHECK: llvm.intr.maxnum
// CHECK-COUNT-5: nvvm.shfl.sync bfly
// CHECK-NOT: llvm.store
// CHECK: llvm.return {{.*}} : f32
module attributes {ll.target = #ll.target<"sm_80">} {
func.func @warp_max(%x: tensor<64xf32, #w>) -> f32 {
  %0 = "ll.reduce"(%x) <{axis = 0 : i32}> ({
  ^bb0(%a: f32, %c: f32):
    %s = arith.maxnumf %a, %c : f32
    ll.reduce.return %s : f32
  }) : (tensor<64xf32, #w>) -> f32
  return %0 : f32
}
}

// -----

// A row sum over 32 lanes and 4 warps whose only use converts it to a 1-D
// blocked layout (Triton's `tl.store(Y + r, tl.sum(x, 1))`): the partials
// are in shared memory, so the reduction reads them in that layout, one
// element per thread (a vector of the 4 warps' partials), instead of all 64
// rows and then a conversion. Within warps: one redux.sync per row.
#b = #ll.blocked<{sizePerThread = [1, 1], threadsPerWarp = [1, 32], warpsPerCTA = [1, 4], order = [1, 0]}>
#s = #ll.slice<{dim = 1, parent = #b}>
#o = #ll.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
// CHECK-LABEL: llvm.func @row_sum_stored
// CHECK-COUNT-64: nvvm.redux.sync add
// CHECK: nvvm.barrier0
// CHECK: llvm.load {{.*}} {alignment = 16 : i64} : !llvm.ptr<3> -> vector<4xi32>
// CHECK-NOT: llvm.load
// CHECK-NOT: llvm.select
// CHECK: llvm.return {{.*}} : !llvm.struct<(i32)>
module attributes {ll.target = #ll.target<"sm_80">} {
func.func @row_sum_stored(%x: tensor<64x128xi32, #b>) -> tensor<64xi32, #o> {
  %0 = "ll.reduce"(%x) <{axis = 1 : i32}> ({
  ^bb0(%a: i32, %c: i32):
    %s = arith.addi %a, %c : i32
    ll.reduce.return %s : i32
  }) : (tensor<64x128xi32, #b>) -> tensor<64xi32, #s>
  %1 = ll.convert_layout %0 : tensor<64xi32, #s> -> tensor<64xi32, #o>
  return %1 : tensor<64xi32, #o>
}
}

// -----

// An argmax whose values are unused and whose indices are converted: the
// reduction still combines both, and emits the indices in the conversion's
// layout (one row per thread: one vector of the 2 warps' partials each).
#b = #ll.blocked<{sizePerThread = [1, 1], threadsPerWarp = [1, 32], warpsPerCTA = [2, 2], order = [1, 0]}>
#s = #ll.slice<{dim = 1, parent = #b}>
#o = #ll.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
// CHECK-LABEL: llvm.func @argmax_indices
// CHECK: nvvm.barrier0
// CHECK-DAG: llvm.load {{.*}} -> vector<2xf32>
// CHECK-DAG: llvm.load {{.*}} -> vector<2xi32>
// CHECK-NOT: llvm.load
// CHECK: llvm.return {{.*}} : !llvm.struct<(i32)>
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @argmax_indices(%x: tensor<32x64xf32, #b>, %i: tensor<32x64xi32, #b>) -> tensor<32xi32, #o> {
  %0:2 = "ll.reduce"(%x, %i) <{axis = 1 : i32}> ({
  ^bb0(%a: f32, %ai: i32, %c: f32, %ci: i32):
    %gt = arith.cmpf ogt, %a, %c : f32
    %v = arith.select %gt, %a, %c : f32
    %j = arith.select %gt, %ai, %ci : i32
    ll.reduce.return %v, %j : f32, i32
  }) : (tensor<32x64xf32, #b>, tensor<32x64xi32, #b>) -> (tensor<32xf32, #s>, tensor<32xi32, #s>)
  %1 = ll.convert_layout %0#1 : tensor<32xi32, #s> -> tensor<32xi32, #o>
  return %1 : tensor<32xi32, #o>
}
}

// -----

// Row maxima over 32 lanes and 4 warps, 16 rows per thread, kept in the
// slice layout (softmax broadcasts them back): rather than every thread
// combining the 4 warps' partials of each of its 16 rows (48 combines, 16
// vector loads), thread t reads partial t, the 4 lanes holding one row's
// partials combine them by butterflies (1, 2), the first writes the total
// over its slot, and after a second barrier each row is one load.
#b = #ll.blocked<{sizePerThread = [1, 1], threadsPerWarp = [1, 32], warpsPerCTA = [1, 4], order = [1, 0]}>
#s = #ll.slice<{dim = 1, parent = #b}>
// CHECK-LABEL: llvm.func @row_max_shared_combine
// CHECK-COUNT-80: nvvm.shfl.sync bfly
// CHECK: nvvm.barrier0
// 64 entries for 128 threads: warps 2 and 3 skip.
// CHECK: llvm.icmp "ult"
// CHECK: llvm.cond_br
// CHECK: llvm.load {{.*}} : !llvm.ptr<3> -> f32
// CHECK: nvvm.shfl.sync bfly
// CHECK: llvm.intr.maxnum
// CHECK: nvvm.shfl.sync bfly
// CHECK: llvm.intr.maxnum
// CHECK: llvm.cond_br
// CHECK: llvm.store {{.*}} : f32, !llvm.ptr<3>
// CHECK: nvvm.barrier0
// CHECK-COUNT-16: llvm.load {{.*}} : !llvm.ptr<3> -> f32
// CHECK-NOT: llvm.intr.maxnum
// CHECK: llvm.return
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @row_max_shared_combine(%x: tensor<16x128xf32, #b>) -> tensor<16xf32, #s> {
  %0 = "ll.reduce"(%x) <{axis = 1 : i32}> ({
  ^bb0(%a: f32, %c: f32):
    %m = arith.maxnumf %a, %c : f32
    ll.reduce.return %m : f32
  }) : (tensor<16x128xf32, #b>) -> tensor<16xf32, #s>
  return %0 : tensor<16xf32, #s>
}
}

// -----

// An integer min over all 32 lanes on sm_80+: one redux.sync per partial
// instead of five shuffles; i16 is sign-extended to i32 (a signed order)
// and truncated back.
#w = #ll.blocked<{sizePerThread = [2], threadsPerWarp = [32], warpsPerCTA = [1], order = [0]}>
// CHECK-LABEL: llvm.func @warp_min_i16
// CHECK: llvm.intr.smin
// CHECK: %[[W:.*]] = llvm.sext %{{.*}} : i16 to i32
// CHECK: %[[R:.*]] = nvvm.redux.sync min %[[W]], %{{.*}} : i32 -> i32
// CHECK: llvm.trunc %[[R]] : i32 to i16
// CHECK-NOT: nvvm.shfl.sync
// CHECK: llvm.return
module attributes {ll.target = #ll.target<"sm_80">} {
func.func @warp_min_i16(%x: tensor<64xi16, #w>) -> i16 {
  %0 = "ll.reduce"(%x) <{axis = 0 : i32}> ({
  ^bb0(%a: i16, %c: i16):
    %s = arith.minsi %c, %a : i16
    ll.reduce.return %s : i16
  }) : (tensor<64xi16, #w>) -> i16
  return %0 : i16
}
}

// -----

// Only 8 of the lanes along the axis (the others hold other rows): the
// butterfly stays.
#b = #ll.blocked<{sizePerThread = [1, 1], threadsPerWarp = [4, 8], warpsPerCTA = [1, 1], order = [1, 0]}>
#s = #ll.slice<{dim = 1, parent = #b}>
// CHECK-LABEL: llvm.func @partial_warp_xor
// CHECK-NOT: nvvm.redux.sync
// CHECK-COUNT-3: nvvm.shfl.sync bfly
// CHECK-NOT: nvvm.redux.sync
// CHECK: llvm.return
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @partial_warp_xor(%x: tensor<4x8xi32, #b>) -> tensor<4xi32, #s> {
  %0 = "ll.reduce"(%x) <{axis = 1 : i32}> ({
  ^bb0(%a: i32, %c: i32):
    %s = arith.xori %a, %c : i32
    ll.reduce.return %s : i32
  }) : (tensor<4x8xi32, #b>) -> tensor<4xi32, #s>
  return %0 : tensor<4xi32, #s>
}
}

// -----

// AMD: the butterfly is ds_bpermute at lane ^ mask (byte address * 4).
#w = #ll.blocked<{sizePerThread = [1], threadsPerWarp = [64], warpsPerCTA = [1], order = [0]}>
// CHECK-LABEL: llvm.func @wave_sum
// CHECK-COUNT-6: rocdl.ds_bpermute
// CHECK: llvm.return
module attributes {ll.target = #ll.target<"gfx942">} {
func.func @wave_sum(%x: tensor<64xi32, #w>) -> i32 {
  %0 = "ll.reduce"(%x) <{axis = 0 : i32}> ({
  ^bb0(%a: i32, %c: i32):
    %s = arith.addi %a, %c : i32
    ll.reduce.return %s : i32
  }) : (tensor<64xi32, #w>) -> i32
  return %0 : i32
}
}

// -----

// A scan over 2 registers and 32 lanes: the register step combines in the
// thread, each lane step shuffles the partner's block total (bfly 1, 2, ...)
// and keeps it where this lane's position bit is set.
#w = #ll.blocked<{sizePerThread = [2], threadsPerWarp = [32], warpsPerCTA = [1], order = [0]}>
// CHECK-LABEL: llvm.func @cumsum
// CHECK: llvm.add
// CHECK: nvvm.shfl.sync bfly
// CHECK: llvm.select
// CHECK-NOT: llvm.store
// CHECK: llvm.return
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @cumsum(%x: tensor<64xi32, #w>) -> tensor<64xi32, #w> {
  %0 = "ll.scan"(%x) <{axis = 0 : i32, reverse = false}> ({
  ^bb0(%a: i32, %c: i32):
    %s = arith.addi %a, %c : i32
    ll.scan.return %s : i32
  }) : (tensor<64xi32, #w>) -> tensor<64xi32, #w>
  return %0 : tensor<64xi32, #w>
}
}
