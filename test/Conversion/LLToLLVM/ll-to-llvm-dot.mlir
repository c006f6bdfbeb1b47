// RUN: ll-opt %s -split-input-file -ll-legacy-to-linear -convert-ll-to-llvm -canonicalize -cse | FileCheck %s

// The FMA form: each thread holds, for each of its 4 result elements, all
// K = 4 elements of its A row and B column (#dot_op operands of a #blocked
// parent): 4 x 4 fused multiply-adds, k ascending, from the accumulator.
#c = #ll.blocked<{sizePerThread = [2, 2], threadsPerWarp = [4, 8], warpsPerCTA = [1, 1], order = [1, 0]}>
#a = #ll.dot_op<{opIdx = 0, parent = #c}>
#b = #ll.dot_op<{opIdx = 1, parent = #c}>
// CHECK-LABEL: llvm.func @fma_dot
// CHECK: %[[C0:.*]] = llvm.extractvalue %arg2[0]
// CHECK: %[[P0:.*]] = llvm.intr.fma(%{{.*}}, %{{.*}}, %[[C0]])
// CHECK: %[[P1:.*]] = llvm.intr.fma(%{{.*}}, %{{.*}}, %[[P0]])
// CHECK: %[[P2:.*]] = llvm.intr.fma(%{{.*}}, %{{.*}}, %[[P1]])
// CHECK: llvm.intr.fma(%{{.*}}, %{{.*}}, %[[P2]])
// CHECK-COUNT-12: llvm.intr.fma
// CHECK-NOT: llvm.intr.fma
module attributes {ll.target = #ll.target<"sm_80">} {
func.func @fma_dot(%x: tensor<8x4xf32, #a>, %y: tensor<4x16xf32, #b>, %z: tensor<8x16xf32, #c>) -> tensor<8x16xf32, #c> {
  %d = ll.dot %x, %y, %z : tensor<8x4xf32, #a> * tensor<4x16xf32, #b> -> tensor<8x16xf32, #c>
  return %d : tensor<8x16xf32, #c>
}
}

// -----

// mma.sync m16n8k16: a 16x16x32 dot in one warp is 2 (n) result tiles x 2
// (k) steps; the operand registers are the PTX fragments (found by their
// coordinates), two halves per 32-bit register; the second k step takes
// the first's results as its accumulators.
#mma = #ll.nvidia_mma<{versionMajor = 2, versionMinor = 0, warpsPerCTA = [1, 1], instrShape = [16, 8]}>
#a = #ll.dot_op<{opIdx = 0, parent = #mma, kWidth = 2}>
#b = #ll.dot_op<{opIdx = 1, parent = #mma, kWidth = 2}>
// CHECK-LABEL: llvm.func @mma_dot
// CHECK: %[[T0:.*]] = llvm.inline_asm asm_dialect = att "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 { $0, $1, $2, $3 }, { $4, $5, $6, $7 }, { $8, $9 }, { $10, $11, $12, $13 };", "=f,=f,=f,=f,r,r,r,r,r,r,0,1,2,3"
// CHECK: %[[C0:.*]] = llvm.extractvalue %[[T0]][0]
// CHECK: llvm.inline_asm asm_dialect = att "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {{.*}}, %[[C0]],
// CHECK-COUNT-2: mma.sync.aligned.m16n8k16
// CHECK-NOT: mma.sync
module attributes {ll.target = #ll.target<"sm_80">} {
func.func @mma_dot(%x: tensor<16x32xf16, #a>, %y: tensor<32x16xf16, #b>, %z: tensor<16x16xf32, #mma>) -> tensor<16x16xf32, #mma> {
  %d = ll.dot %x, %y, %z : tensor<16x32xf16, #a> * tensor<32x16xf16, #b> -> tensor<16x16xf32, #mma>
  return %d : tensor<16x16xf32, #mma>
}
}

// -----

// MFMA (gfx942): Triton's transposed 32x32 accumulator is the instruction
// run on swapped operands; a 32x32x16 dot is 2 k steps of
// v_mfma_f32_32x32x8_f16, the second accumulating the first's result.
#mfma = #ll.amd_mfma<{version = 3, warpsPerCTA = [1, 1], instrShape = [32, 32, 8], isTransposed = true}>
#a = #ll.dot_op<{opIdx = 0, parent = #mfma, kWidth = 4}>
#b = #ll.dot_op<{opIdx = 1, parent = #mfma, kWidth = 4}>
// CHECK-LABEL: llvm.func @mfma_dot
// CHECK: %[[D0:.*]] = llvm.call_intrinsic "llvm.amdgcn.mfma.f32.32x32x8f16"(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) : (vector<4xf16>, vector<4xf16>, vector<16xf32>, i32, i32, i32) -> vector<16xf32>
// CHECK: llvm.call_intrinsic "llvm.amdgcn.mfma.f32.32x32x8f16"(%{{.*}}, %{{.*}}, %[[D0]],
// CHECK-NOT: llvm.amdgcn.mfma
module attributes {ll.target = #ll.target<"gfx942">} {
func.func @mfma_dot(%x: tensor<32x16xf16, #a>, %y: tensor<16x32xf16, #b>, %z: tensor<32x32xf32, #mfma>) -> tensor<32x32xf32, #mfma> {
  %d = ll.dot %x, %y, %z : tensor<32x16xf16, #a> * tensor<16x32xf16, #b> -> tensor<32x32xf32, #mfma>
  return %d : tensor<32x32xf32, #mfma>
}
}

// -----

// fp4 (e2m1) pairs to bf16: each result register takes the nibble of its
// byte (the low one for even k). NVIDIA looks the magnitudes up with byte
// permutes, eight nibbles at a time: the tables of the values' high bytes
// (0x3F3F3F00, 0x40404040: 0, 0.5, 1, 1.5 | 2, 3, 4, 6) and low bytes
// (0xC0800000, 0xC0804000), the sign bytes (0x80808080), then bytes paired
// into halfwords (selectors 0x5140, 0x7362).
#s = #ll.blocked<{sizePerThread = [1, 2], threadsPerWarp = [32, 1], warpsPerCTA = [1, 1], order = [1, 0]}>
#d = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [32, 1], warpsPerCTA = [1, 1], order = [1, 0]}>
// CHECK-LABEL: llvm.func @fp4_to_bf16
// CHECK-DAG: llvm.mlir.constant(1061109504 : i32)
// CHECK-DAG: llvm.mlir.constant(1077952576 : i32)
// CHECK-DAG: llvm.mlir.constant(-1065353216 : i32)
// CHECK-DAG: llvm.mlir.constant(-1065336832 : i32)
// CHECK-DAG: llvm.mlir.constant(-2139062144 : i32)
// CHECK-DAG: llvm.mlir.constant(20800 : i32)
// CHECK: llvm.inline_asm asm_dialect = att "prmt.b32 $0, $1, $2, $3;", "=r,r,r,r"
// CHECK: llvm.bitcast %{{.*}} : i16 to bf16
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @fp4_to_bf16(%x: tensor<32x2xi8, #s>) -> tensor<32x4xbf16, #d> {
  %y = ll.fp4_to_fp %x {axis = 1 : i32} : tensor<32x2xi8, #s> -> tensor<32x4xbf16, #d>
  return %y : tensor<32x4xbf16, #d>
}
}

// -----

// On AMD, v_perm_b32 over the same tables (f16: high bytes 0x3E3C3800,
// 0x46444240: 0, 0.5, 1, 1.5 | 2, 3, 4, 6; no low bytes), selector bytes
// from the nibbles (& 0x07070707), signs to bit 7 (0x08080808 << 4), then
// each element's bytes into a halfword (selector 0x0C0C0400: bytes 0 and 4,
// then zeros).
#s = #ll.blocked<{sizePerThread = [1, 2], threadsPerWarp = [64, 1], warpsPerCTA = [1, 1], order = [1, 0]}>
#d = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [64, 1], warpsPerCTA = [1, 1], order = [1, 0]}>
// CHECK-LABEL: llvm.func @fp4_to_f16
// CHECK-DAG: llvm.mlir.constant(1044133888 : i32)
// CHECK-DAG: llvm.mlir.constant(1178878528 : i32)
// CHECK-DAG: llvm.mlir.constant(117901063 : i32)
// CHECK-DAG: llvm.mlir.constant(202114048 : i32)
// CHECK: llvm.call_intrinsic "llvm.amdgcn.perm"
// CHECK: llvm.bitcast %{{.*}} : i16 to f16
module attributes {ll.target = #ll.target<"gfx942">} {
func.func @fp4_to_f16(%x: tensor<64x2xi8, #s>) -> tensor<64x4xf16, #d> {
  %y = ll.fp4_to_fp %x {axis = 1 : i32} : tensor<64x2xi8, #s> -> tensor<64x4xf16, #d>
  return %y : tensor<64x4xf16, #d>
}
}

// -----

// MX upcast (AMD's tl.dot_scaled): the fp4 values times 2^(s - 127) (the f32
// with exponent field s), the product's top half the bf16 (truncated, as
// Triton's), NaN (0x7FFF = 32767) for s = 0xFF; the scales are in the
// result's layout with k divided by 32, so result register r takes scale
// register r (here all 32 of a thread's registers one scale: zero register
// bases).
#v = #ll.blocked<{sizePerThread = [1, 16], threadsPerWarp = [64, 1], warpsPerCTA = [1, 1], order = [1, 0]}>
#d = #ll.blocked<{sizePerThread = [1, 32], threadsPerWarp = [64, 1], warpsPerCTA = [1, 1], order = [1, 0]}>
#sc = #ll.linear<{register = [[0, 0], [0, 0], [0, 0], [0, 0], [0, 0]], lane = [[1, 0], [2, 0], [4, 0], [8, 0], [16, 0], [32, 0]], warp = [], block = []}>
// On gfx942 the e2m1 values are E4M3FNUZ bytes (v_perm tables) converted
// to f32 pairs (v_cvt_pk_f32_fp8); the scale factor is NaN where s = 0xFF.
// CHECK-LABEL: llvm.func @upcast_mxfp
// CHECK: llvm.call_intrinsic "llvm.amdgcn.cvt.pk.f32.fp8"
// CHECK: %[[S:.*]] = llvm.zext %{{.*}} : i8 to i32
// CHECK: %[[P:.*]] = llvm.shl %[[S]], %{{.*}} : i32
// CHECK: %[[F:.*]] = llvm.bitcast %[[P]] : i32 to f32
// CHECK: %[[N:.*]] = llvm.icmp "eq" %[[S]]
// CHECK: %[[G:.*]] = llvm.select %[[N]], %{{.*}}, %[[F]] : i1, f32
// CHECK: %[[Y:.*]] = llvm.fmul %{{.*}}, %[[G]] : f32
// CHECK: %[[B:.*]] = llvm.bitcast %[[Y]] : f32 to i32
// CHECK: %[[H:.*]] = llvm.lshr %[[B]], %{{.*}} : i32
// CHECK: llvm.trunc %[[H]] : i32 to i16
// CHECK-NOT: llvm.fptrunc
module attributes {ll.target = #ll.target<"gfx942">} {
func.func @upcast_mxfp(%x: tensor<64x16xi8, #v>, %s: tensor<64x1xi8, #sc>) -> tensor<64x32xbf16, #d> {
  %y = ll.upcast_mxfp %x, %s {axis = 1 : i32} : tensor<64x16xi8, #v>, tensor<64x1xi8, #sc> -> tensor<64x32xbf16, #d>
  return %y : tensor<64x32xbf16, #d>
}
}

// -----

// MXFP8: the e4m3 operand converted to bf16 before (ll.fp_to_fp), scaled
// in place: no fp4 unpacking, the source's registers times their scales.
#d = #ll.blocked<{sizePerThread = [1, 32], threadsPerWarp = [64, 1], warpsPerCTA = [1, 1], order = [1, 0]}>
#sc = #ll.linear<{register = [[0, 0], [0, 0], [0, 0], [0, 0], [0, 0]], lane = [[1, 0], [2, 0], [4, 0], [8, 0], [16, 0], [32, 0]], warp = [], block = []}>
// CHECK-LABEL: llvm.func @upcast_mxfp8
// CHECK-NOT: llvm.call_intrinsic "llvm.amdgcn.perm"
// CHECK: llvm.fpext %{{.*}} : bf16 to f32
// CHECK: llvm.fmul
// CHECK-COUNT-31: llvm.fmul
// CHECK-NOT: llvm.fmul
module attributes {ll.target = #ll.target<"gfx942">} {
func.func @upcast_mxfp8(%x: tensor<64x32xbf16, #d>, %s: tensor<64x1xi8, #sc>) -> tensor<64x32xbf16, #d> {
  %y = ll.upcast_mxfp %x, %s {axis = 1 : i32} : tensor<64x32xbf16, #d>, tensor<64x1xi8, #sc> -> tensor<64x32xbf16, #d>
  return %y : tensor<64x32xbf16, #d>
}
}

// -----

// f16 accumulators: two per 32-bit register (element 0 low), kept packed
// from one k step to the next.
#mma = #ll.nvidia_mma<{versionMajor = 2, versionMinor = 0, warpsPerCTA = [1, 1], instrShape = [16, 8]}>
#a = #ll.dot_op<{opIdx = 0, parent = #mma, kWidth = 2}>
#b = #ll.dot_op<{opIdx = 1, parent = #mma, kWidth = 2}>
// CHECK-LABEL: llvm.func @mma_f16_acc
// CHECK: %[[T0:.*]] = llvm.inline_asm asm_dialect = att "mma.sync.aligned.m16n8k16.row.col.f16.f16.f16.f16 { $0, $1 }, { $2, $3, $4, $5 }, { $6, $7 }, { $8, $9 };", "=r,=r,r,r,r,r,r,r,0,1"
// CHECK: %[[W0:.*]] = llvm.extractvalue %[[T0]][0]
// CHECK: llvm.inline_asm asm_dialect = att "mma.sync.aligned.m16n8k16.row.col.f16.f16.f16.f16 {{.*}}, %[[W0]],
// CHECK: llvm.bitcast %{{.*}} : i32 to vector<2xf16>
module attributes {ll.target = #ll.target<"sm_80">} {
func.func @mma_f16_acc(%x: tensor<16x32xf16, #a>, %y: tensor<32x8xf16, #b>, %z: tensor<16x8xf16, #mma>) -> tensor<16x8xf16, #mma> {
  %d = ll.dot %x, %y, %z : tensor<16x32xf16, #a> * tensor<32x8xf16, #b> -> tensor<16x8xf16, #mma>
  return %d : tensor<16x8xf16, #mma>
}
}

// -----

// sm_89 fp8: mma.sync m16n8k32 with an e4m3 A and an e5m2 B (the s8
// fragments, four elements per register); a 16x8x32 dot is one
// instruction. On sm_80 the same dot has no instruction (a diagnostic).
#mma = #ll.nvidia_mma<{versionMajor = 2, versionMinor = 0, warpsPerCTA = [1, 1], instrShape = [16, 8]}>
#a = #ll.dot_op<{opIdx = 0, parent = #mma, kWidth = 4}>
#b = #ll.dot_op<{opIdx = 1, parent = #mma, kWidth = 4}>
// CHECK-LABEL: llvm.func @fp8_dot
// CHECK: llvm.inline_asm asm_dialect = att "mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e5m2.f32 { $0, $1, $2, $3 }, { $4, $5, $6, $7 }, { $8, $9 }, { $10, $11, $12, $13 };"
// CHECK-NOT: mma.sync
module attributes {ll.target = #ll.target<"sm_89">} {
func.func @fp8_dot(%x: tensor<16x32xf8E4M3FN, #a>, %y: tensor<32x8xf8E5M2, #b>, %z: tensor<16x8xf32, #mma>) -> tensor<16x8xf32, #mma> {
  %d = ll.dot %x, %y, %z : tensor<16x32xf8E4M3FN, #a> * tensor<32x8xf8E5M2, #b> -> tensor<16x8xf32, #mma>
  return %d : tensor<16x8xf32, #mma>
}
}
