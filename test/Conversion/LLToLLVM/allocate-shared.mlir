// RUN: ll-opt %s -ll-allocate-shared | FileCheck %s

// %a lives until its load; %b is allocated after it: the same bytes. The
// conversion's scratch overlaps %c's lifetime (%c is loaded after it), so
// they get disjoint bytes; %c, the largest, goes first at 0.
//
// Barriers (ll.no_barrier_before where none is needed): the first store
// follows nothing; each load reads what all threads just stored, and each
// later store overwrites what was just read: barriers. The conversion's
// scratch overlaps nothing pending (a barrier before it would be wasted),
// and its own barrier, between its stores and loads, already orders %c's
// store before %c's load.
#b = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>
#t = #ll.blocked<{sizePerThread = [4, 1], threadsPerWarp = [4, 8], warpsPerCTA = [1, 4], order = [0, 1]}>
#s = #ll.swizzled_shared<{vec = 4, perPhase = 1, maxPhase = 8, order = [1, 0]}>
// CHECK: module attributes {ll.shared = 12288 : i64
// CHECK-LABEL: func.func @lifetimes
// CHECK: ll.local_alloc %{{.*}} {ll.allocated_bytes = 4096 : i64, ll.no_barrier_before, ll.offset = 0 : i64}
// CHECK-NEXT: ll.local_load %{{.*}} : !ll.memdesc
// CHECK-NEXT: ll.local_alloc %{{.*}} {ll.allocated_bytes = 4096 : i64, ll.offset = 0 : i64}
// CHECK-NEXT: ll.local_load %{{.*}} : !ll.memdesc
// CHECK-NEXT: ll.local_alloc %{{.*}} {ll.allocated_bytes = 8192 : i64, ll.offset = 0 : i64} : (tensor<64x32xf32, #blocked>)
// CHECK-NEXT: ll.convert_layout %{{.*}} {ll.allocated_bytes = 4096 : i64, ll.no_barrier_before, ll.offset = 8192 : i64}
// CHECK-NEXT: ll.local_load %{{.*}} {ll.no_barrier_before} : !ll.memdesc
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @lifetimes(%x: tensor<32x32xf32, #b>, %y: tensor<64x32xf32, #b>) -> (tensor<32x32xf32, #t>, tensor<32x32xf32, #t>, tensor<32x32xf32, #t>, tensor<64x32xf32, #t>) {
  %a = ll.local_alloc %x : (tensor<32x32xf32, #b>) -> !ll.memdesc<32x32xf32, #s>
  %0 = ll.local_load %a : !ll.memdesc<32x32xf32, #s> -> tensor<32x32xf32, #t>
  %b = ll.local_alloc %x : (tensor<32x32xf32, #b>) -> !ll.memdesc<32x32xf32, #s>
  %1 = ll.local_load %b : !ll.memdesc<32x32xf32, #s> -> tensor<32x32xf32, #t>
  %c = ll.local_alloc %y : (tensor<64x32xf32, #b>) -> !ll.memdesc<64x32xf32, #s>
  %2 = ll.convert_layout %x : tensor<32x32xf32, #b> -> tensor<32x32xf32, #t>
  %3 = ll.local_load %c : !ll.memdesc<64x32xf32, #s> -> tensor<64x32xf32, #t>
  return %0, %1, %2, %3 : tensor<32x32xf32, #t>, tensor<32x32xf32, #t>, tensor<32x32xf32, #t>, tensor<64x32xf32, #t>
}
}
