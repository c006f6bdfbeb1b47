// RUN: ll-opt %s -split-input-file -ll-legacy-to-linear -convert-ll-to-llvm -canonicalize -cse | FileCheck %s

// Tutorial 03 on sm_90, as Triton's TTGIR has it: A (64 x 32, 64-byte
// swizzle, K-major) and B (32 x 64, 128-byte swizzle, N contiguous: MN-major)
// from shared memory; the result's registers hold the m64n64 fragment, so
// one wgmma per k step (K = 16). The descriptors' fields come from the
// layouts' linear maps: A's rows of 64 bytes, 8-row atoms 512 bytes apart
// (SBO = 512, mode 2: 64 B); B's k rows of 128 bytes, 8-row atoms 1024
// bytes apart (SBO = 1024, mode 1: 128 B) -- the constants Triton's PTX
// ors in (0x8000002000000000, 0x4000004000000000). The second k step
// starts 32 bytes (A: 16 halves along the row) and 2048 bytes (B: 16 rows)
// further.
#nva = #ll.nvmma_shared<{swizzlingByteWidth = 64, transposed = false, elementBitWidth = 16}>
#nvb = #ll.nvmma_shared<{swizzlingByteWidth = 128, transposed = false, elementBitWidth = 16}>
#mma = #ll.nvidia_mma<{versionMajor = 3, versionMinor = 0, warpsPerCTA = [4, 1], instrShape = [16, 64, 16]}>
// CHECK-LABEL: llvm.func @wgmma_shared
// CHECK-DAG: llvm.mlir.constant(-9223371899415822336 : i64)
// CHECK-DAG: llvm.mlir.constant(4611686293305294848 : i64)
// CHECK-DAG: llvm.mlir.constant(128 : i64)
// CHECK-DAG: llvm.mlir.constant(2 : i64)
// (Nothing wrote the buffers since the kernel began: no barrier.)
// CHECK-NOT: nvvm.barrier0
// CHECK: nvvm.wgmma.fence.aligned
// CHECK: llvm.inline_asm has_side_effects asm_dialect = att "wgmma.mma_async.sync.aligned.m64n64k16.f32.f16.f16 { $0, {{.*}}, $31 }, $64, $65, $66, 1, 1, 0, 1;", "=f,{{.*}},=f,0,{{.*}},31,l,l,b"
// CHECK: wgmma.mma_async.sync.aligned.m64n64k16.f32.f16.f16
// CHECK-NOT: wgmma.mma_async
// CHECK: nvvm.wgmma.commit.group.sync.aligned
// CHECK: "// wait for regs: $0,{{.*}},$31\0A\09wgmma.wait_group.sync.aligned 1;"
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @wgmma_shared(%c: tensor<64x64xf32, #mma>) -> tensor<64x64xf32, #mma> attributes {ll.num_warps = 4 : i32} {
  %a = ll.local_alloc : () -> !ll.memdesc<64x32xf16, #nva, mutable>
  %b = ll.local_alloc : () -> !ll.memdesc<32x64xf16, #nvb, mutable>
  %d = ll.warp_group_dot %a, %b, %c {isAsync = true} : !ll.memdesc<64x32xf16, #nva, mutable> * !ll.memdesc<32x64xf16, #nvb, mutable> -> tensor<64x64xf32, #mma>
  %r:3 = ll.warp_group_dot_wait %d, %a, %b {pendings = 1 : i32} : tensor<64x64xf32, #mma>, !ll.memdesc<64x32xf16, #nva, mutable>, !ll.memdesc<32x64xf16, #nvb, mutable>
  return %r#0 : tensor<64x64xf32, #mma>
}
}

// -----

// Attention's second dot: A (p) from registers in the wgmma A fragment (the
// #dot_op of the accumulator), B a K-major view (ll.memdesc_trans of a
// row-major tile): no imm-trans-a, imm-trans-b 0; a synchronous dot waits
// for its own group.
#nv = #ll.nvmma_shared<{swizzlingByteWidth = 128, transposed = false, elementBitWidth = 16}>
#nvt = #ll.nvmma_shared<{swizzlingByteWidth = 128, transposed = true, elementBitWidth = 16}>
#mma = #ll.nvidia_mma<{versionMajor = 3, versionMinor = 0, warpsPerCTA = [4, 1], instrShape = [16, 64, 16]}>
#a = #ll.dot_op<{opIdx = 0, parent = #mma, kWidth = 2}>
// CHECK-LABEL: llvm.func @wgmma_registers
// CHECK: "wgmma.mma_async.sync.aligned.m64n64k16.f32.f16.f16 { $0, {{.*}}, $31 }, { $64, $65, $66, $67 }, $68, $69, 1, 1, 0;", "=f,{{.*}},31,r,r,r,r,l,b"
// CHECK-COUNT-3: wgmma.mma_async.sync.aligned.m64n64k16.f32.f16.f16
// CHECK-NOT: wgmma.mma_async
// CHECK: nvvm.wgmma.commit.group.sync.aligned
// CHECK: wgmma.wait_group.sync.aligned 0;
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @wgmma_registers(%p: tensor<64x64xf16, #a>, %c: tensor<64x64xf32, #mma>) -> tensor<64x64xf32, #mma> attributes {ll.num_warps = 4 : i32} {
  %v = ll.local_alloc : () -> !ll.memdesc<64x64xf16, #nv, mutable>
  %vt = ll.memdesc_trans %v {order = array<i32: 1, 0>} : !ll.memdesc<64x64xf16, #nv, mutable> -> !ll.memdesc<64x64xf16, #nvt, mutable>
  %d = ll.warp_group_dot %p, %vt, %c : tensor<64x64xf16, #a> * !ll.memdesc<64x64xf16, #nvt, mutable> -> tensor<64x64xf32, #mma>
  return %d : tensor<64x64xf32, #mma>
}
}

// -----

// A zero accumulator (tl.zeros, as tutorial 03 starts) is not loaded: the
// first k step's scale-d is false and its accumulator operands undefined;
// the second step adds to the first's results. The descriptors are all
// built before wgmma.fence.
#nva = #ll.nvmma_shared<{swizzlingByteWidth = 64, transposed = false, elementBitWidth = 16}>
#nvb = #ll.nvmma_shared<{swizzlingByteWidth = 128, transposed = false, elementBitWidth = 16}>
#mma = #ll.nvidia_mma<{versionMajor = 3, versionMinor = 0, warpsPerCTA = [4, 1], instrShape = [16, 64, 16]}>
// CHECK-LABEL: llvm.func @wgmma_zero_acc
// CHECK-DAG: %[[F:.*]] = llvm.mlir.constant(false) : i1
// CHECK-DAG: %[[T:.*]] = llvm.mlir.constant(true) : i1
// CHECK-DAG: %[[U:.*]] = llvm.mlir.undef : f32
// CHECK: %[[D1:.*]] = llvm.add %{{.*}}, %{{.*}} : i64
// CHECK: nvvm.wgmma.fence.aligned
// CHECK-NOT: llvm.add
// CHECK: %[[M:.*]] = llvm.inline_asm has_side_effects {{.*}} %[[U]], %[[U]], {{.*}}, %[[F]] :
// CHECK: %[[E:.*]] = llvm.extractvalue %[[M]][0]
// CHECK: llvm.inline_asm has_side_effects {{.*}} %[[E]], {{.*}}, %[[D1]], %{{[0-9]+}}, %[[T]] :
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @wgmma_zero_acc() -> tensor<64x64xf32, #mma> attributes {ll.num_warps = 4 : i32} {
  %c = arith.constant dense<0.0> : tensor<64x64xf32, #mma>
  %a = ll.local_alloc : () -> !ll.memdesc<64x32xf16, #nva, mutable>
  %b = ll.local_alloc : () -> !ll.memdesc<32x64xf16, #nvb, mutable>
  %d = ll.warp_group_dot %a, %b, %c {isAsync = true} : !ll.memdesc<64x32xf16, #nva, mutable> * !ll.memdesc<32x64xf16, #nvb, mutable> -> tensor<64x64xf32, #mma>
  %r:3 = ll.warp_group_dot_wait %d, %a, %b {pendings = 0 : i32} : tensor<64x64xf32, #mma>, !ll.memdesc<64x32xf16, #nva, mutable>, !ll.memdesc<32x64xf16, #nvb, mutable>
  return %r#0 : tensor<64x64xf32, #mma>
}
}
