// RUN: ll-opt %s -split-input-file -convert-ll-to-llvm -canonicalize -cse | FileCheck %s

// A host tensor map (sm_90): the parameter is Triton's byval CUtensorMap.
// One thread initializes the mbarrier and arrives expecting the tile's 4096
// bytes; a 16x128 f16 tile with 128-byte swizzling is two 64-column boxes,
// issued as Triton issues them: box k by the elected lane of warp k (k < 2;
// the warp id made warp-uniform by a shuffle from lane 0, or ptxas loops
// over the warp's values around the TMA instruction), at
// column + 64 k and 2048 k bytes into the buffer (1024-byte aligned: the
// swizzle's period). Every thread waits on the phase; the store goes the
// same way, and every thread closes its bulk group (empty but in the issuers).
#nv = #ll.nvmma_shared<{swizzlingByteWidth = 128, transposed = false, elementBitWidth = 16}>
#s = #ll.swizzled_shared<{vec = 1, perPhase = 1, maxPhase = 1, order = [0]}>
// CHECK-LABEL: llvm.func @host_map
// CHECK-SAME: (%{{.*}}: !llvm.ptr {llvm.align = 64 : i64, llvm.byval = !llvm.array<128 x i8>, nvvm.grid_constant}
// CHECK-DAG: %[[C2048:.*]] = llvm.mlir.constant(2048 : i32)
// CHECK-DAG: %[[C64:.*]] = llvm.mlir.constant(64 : i32)
// CHECK-DAG: %[[C2:.*]] = llvm.mlir.constant(2 : i32)
// CHECK: "@$0 mbarrier.init.shared::cta.b64 [$1], 1;", "b,r"
// CHECK: nvvm.barrier0
// CHECK: "@$0 mbarrier.arrive.expect_tx.shared::cta.b64 _, [$1], 4096;", "b,r"
// CHECK: nvvm.barrier0
// CHECK: %[[W:.*]] = llvm.lshr
// CHECK: %[[WARP:.*]] = nvvm.shfl.sync idx %{{.*}}, %[[W]]
// CHECK: nvvm.elect.sync -> i1
// CHECK: %[[FIRST:.*]] = llvm.icmp "ult" %[[WARP]], %[[C2]]
// CHECK: %[[P:.*]] = llvm.and %{{.*}}, %[[FIRST]]
// CHECK: %[[COL:.*]] = llvm.mul %[[WARP]], %[[C64]]
// CHECK: %[[J:.*]] = llvm.add %arg2, %[[COL]]
// CHECK: %[[OFF:.*]] = llvm.mul %[[WARP]], %[[C2048]]
// CHECK: %[[BUF:.*]] = llvm.getelementptr %{{.*}}[%[[OFF]]]
// CHECK: llvm.inline_asm has_side_effects asm_dialect = att "@$0 cp.async.bulk.tensor.2d.shared::cluster.global.mbarrier::complete_tx::bytes [$1], [$2, { $3, $4 }], [$5];", "b,r,l,r,r,r" %[[P]], %[[BUF]], %arg0, %[[J]], %arg1, %[[BAR:.*]] :
// CHECK-NOT: cp.async.bulk.tensor
// CHECK: mbarrier.try_wait.parity.shared::cta.b64 done, [$0], $1;
// CHECK: "@$0 mbarrier.inval.shared::cta.b64 [$1];"
// CHECK: "fence.proxy.async.shared::cta;"
// CHECK: "@$0 cp.async.bulk.tensor.2d.global.shared::cta.bulk_group [$2, { $3, $4 }], [$1];", "b,r,l,r,r" %{{.*}}, %{{.*}}, %arg0, %{{.*}}, %arg1
// CHECK-NOT: cp.async.bulk.tensor
// CHECK: "cp.async.bulk.commit_group;"
// CHECK: "cp.async.bulk.wait_group.read 0;"
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @host_map(%d: !ll.tensordesc<16x128xf16, #nv>, %i: i32, %j: i32) attributes {ll.kernel, ll.num_warps = 4 : i32} {
  %true = arith.constant true
  %c0 = arith.constant 0 : i32
  %buf = ll.local_alloc : () -> !ll.memdesc<16x128xf16, #nv, mutable>
  %bar = ll.local_alloc : () -> !ll.memdesc<1xi64, #s, mutable>
  ll.init_barrier %bar, 1 : !ll.memdesc<1xi64, #s, mutable>
  ll.barrier_expect %bar, 4096, %true : !ll.memdesc<1xi64, #s, mutable>
  ll.async_tma_copy_global_to_local %d[%i, %j] %buf, %bar, %true : !ll.tensordesc<16x128xf16, #nv>, !ll.memdesc<1xi64, #s, mutable> -> !ll.memdesc<16x128xf16, #nv, mutable>
  ll.wait_barrier %bar, %c0 : !ll.memdesc<1xi64, #s, mutable>
  ll.inval_barrier %bar : !ll.memdesc<1xi64, #s, mutable>
  ll.fence_async_shared
  ll.async_tma_copy_local_to_global %d[%i, %j] %buf : !ll.tensordesc<16x128xf16, #nv>, !ll.memdesc<16x128xf16, #nv, mutable>
  ll.async_tma_store_wait {pendings = 0 : i32}
  return
}
}

// -----

// A tensor map built on the device: its 128 bytes in this program's slice
// of Triton's global scratch (program (z ny + y) nx + x, 128 bytes each);
// warp 0 zeroes a template in shared memory, thread 0 writes its fields
// (codes as immediates), warp 0 publishes it and acquires it.
// CHECK-LABEL: llvm.func @device_map
// CHECK: nvvm.read.ptx.sreg.ctaid.z
// CHECK: %[[PART:.*]] = llvm.mul %{{.*}}, %{{.*}} : i64
// CHECK: %[[MAP:.*]] = llvm.getelementptr %arg2[%[[PART]]] : (!llvm.ptr<1>, i64) -> !llvm.ptr<1>, i8
// CHECK: "@$2 st.shared.b32 [$0], $1;", "r,r,b"
// CHECK: nvvm.bar.warp.sync
// CHECK: "@$2 tensormap.replace.tile.global_address.shared::cta.b1024.b64 [$0], $1;", "r,l,b"
// CHECK: "@$1 tensormap.replace.tile.rank.shared::cta.b1024.b32 [$0], 1;", "r,b"
// CHECK: "@$2 tensormap.replace.tile.box_dim.shared::cta.b1024.b32 [$0], 0, $1;", "r,r,b"
// CHECK: "@$2 tensormap.replace.tile.global_stride.shared::cta.b1024.b64 [$0], 0, $1;", "r,l,b"
// CHECK: "@$1 tensormap.replace.tile.elemtype.shared::cta.b1024.b32 [$0], 7;", "r,b"
// CHECK: "@$1 tensormap.replace.tile.swizzle_mode.shared::cta.b1024.b32 [$0], 3;", "r,b"
// CHECK: "@$2 tensormap.cp_fenceproxy.global.shared::cta.tensormap::generic.release.gpu.sync.aligned [$0], [$1], 128;", "l,r,b" %[[MAP]]
// CHECK: fence.proxy.tensormap::generic.acquire.gpu
// CHECK: nvvm.barrier0
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @device_map(%x: !ll.ptr<f32>, %n: i32, %scratch: !ll.ptr<i8>, %profile: !ll.ptr<i8>) attributes {ll.kernel, ll.num_warps = 4 : i32, ll.scratch_args} {
  %c1 = arith.constant 1 : i32
  %c16 = arith.constant 16 : i32
  %c32 = arith.constant 32 : i32
  %c128 = arith.constant 128 : i64
  %m = ll.global_scratch_alloc {alignment = 128 : i32, nbytes = 128 : i32} : !ll.ptr<i8>
  ll.tensormap_create %m, %x, [%c32, %c16], [%c32, %n], [%c128], [%c1, %c1] {elem_type = 7 : i32, fill_mode = 0 : i32, interleave_layout = 0 : i32, swizzle_mode = 3 : i32} : (!ll.ptr<i8>, !ll.ptr<f32>, i32, i32, i32, i32, i64, i32, i32) -> ()
  ll.tensormap_fenceproxy_acquire %m : !ll.ptr<i8>
  return
}
}
