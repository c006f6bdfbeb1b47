// RUN: ll-opt %s -split-input-file -ll-allocate-shared | FileCheck %s

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

// -----

// A pipeline stage's buffer carried by a loop (Triton 3.8+ yields the
// memdesc_index view, and reads K sub-tiles of it through
// ll.memdesc_subslice): the analyses follow it through iter_args and the
// loop's result. %buf lives until the load of the loop's result, so %late
// (allocated after the loop) does not take its bytes, only %other's. The
// carried view is known to be %buf: the store to %other in the loop needs
// no barrier (nothing pending overlaps it), the sub-tile's load does (the
// store before the loop wrote it).
#b = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>
#h = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>
#s = #ll.swizzled_shared<{vec = 4, perPhase = 1, maxPhase = 8, order = [1, 0]}>
// CHECK-LABEL: func.func @carried
// CHECK: ll.local_alloc {ll.allocated_bytes = 8192 : i64, ll.offset = 0 : i64} : () -> !ll.memdesc<2x32x32xf32
// CHECK-NEXT: ll.local_alloc {ll.allocated_bytes = 4096 : i64, ll.offset = 8192 : i64}
// CHECK: scf.for
// CHECK-NEXT: ll.memdesc_subslice %{{.*}}[0, 16]
// CHECK-NEXT: ll.local_load %{{.*}} : !ll.memdesc<32x16xf32, #{{.*}}, mutable, 32x32>
// CHECK-NEXT: ll.local_store %{{.*}}, %{{.*}} {ll.no_barrier_before}
// CHECK: ll.local_alloc %{{.*}} {ll.allocated_bytes = 4096 : i64, ll.offset = 8192 : i64}
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @carried(%x: tensor<32x32xf32, #b>, %n: i32) -> (tensor<32x16xf32, #b>, tensor<32x32xf32, #b>) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %acc0 = arith.constant dense<0.0> : tensor<32x16xf32, #b>
  %buf = ll.local_alloc : () -> !ll.memdesc<2x32x32xf32, #s, mutable>
  %other = ll.local_alloc : () -> !ll.memdesc<32x32xf32, #s, mutable>
  %b0 = ll.memdesc_index %buf[%c0] : !ll.memdesc<2x32x32xf32, #s, mutable> -> !ll.memdesc<32x32xf32, #s, mutable>
  ll.local_store %x, %b0 : tensor<32x32xf32, #b> -> !ll.memdesc<32x32xf32, #s, mutable>
  %r:2 = scf.for %i = %c0 to %n step %c1 iter_args(%cur = %b0, %acc = %acc0) -> (!ll.memdesc<32x32xf32, #s, mutable>, tensor<32x16xf32, #b>) : i32 {
    %v = ll.memdesc_subslice %cur[0, 16] : !ll.memdesc<32x32xf32, #s, mutable> -> !ll.memdesc<32x16xf32, #s, mutable, 32x32>
    %l = ll.local_load %v : !ll.memdesc<32x16xf32, #s, mutable, 32x32> -> tensor<32x16xf32, #b>
    ll.local_store %x, %other : tensor<32x32xf32, #b> -> !ll.memdesc<32x32xf32, #s, mutable>
    %nxt = ll.memdesc_index %buf[%i] : !ll.memdesc<2x32x32xf32, #s, mutable> -> !ll.memdesc<32x32xf32, #s, mutable>
    %a = arith.addf %acc, %l : tensor<32x16xf32, #b>
    scf.yield %nxt, %a : !ll.memdesc<32x32xf32, #s, mutable>, tensor<32x16xf32, #b>
  }
  %late = ll.local_alloc %x : (tensor<32x32xf32, #b>) -> !ll.memdesc<32x32xf32, #s>
  %y = ll.local_load %late : !ll.memdesc<32x32xf32, #s> -> tensor<32x32xf32, #b>
  %z = ll.local_load %r#0 : !ll.memdesc<32x32xf32, #s, mutable> -> tensor<32x32xf32, #b>
  %w = arith.addf %y, %z : tensor<32x32xf32, #b>
  return %r#1, %w : tensor<32x16xf32, #b>, tensor<32x32xf32, #b>
}
}
