// RUN: ll-opt %s -split-input-file -convert-ll-to-llvm -canonicalize -cse | FileCheck %s

// Before sm_89, fp8 is integer arithmetic on i8 registers. Decoding places
// the exponent and mantissa bits as an f32's (<< 20 for e4m3) and rebiases
// with one multiply by 2^(127 - 7) (0x7B800000); rounding shifts the f32
// significand to the quantum and rounds to even; f16 -> f32 is LLVM's
// fpext.
#b = #ll.blocked<{sizePerThread = [2], threadsPerWarp = [32], warpsPerCTA = [1], order = [0]}>
// CHECK-LABEL: llvm.func @casts
// CHECK-SAME: (%{{.*}}: !llvm.struct<(i8, i8)>, %{{.*}}: !llvm.struct<(f16, f16)>) -> !llvm.struct<(i8, i8)>
// CHECK-NOT: nvvm.convert
// CHECK-DAG: %[[TWENTY:.*]] = llvm.mlir.constant(20 : i32) : i32
// CHECK-DAG: %[[REBIAS:.*]] = llvm.mlir.constant(2071986176 : i32) : i32
// CHECK-DAG: %[[R:.*]] = llvm.bitcast %[[REBIAS]] : i32 to f32
// CHECK-DAG: %[[P:.*]] = llvm.shl %{{.*}}, %[[TWENTY]] : i32
// CHECK-DAG: %[[F:.*]] = llvm.bitcast %[[P]] : i32 to f32
// CHECK: llvm.fmul %[[F]], %[[R]]
// CHECK: llvm.fpext {{.*}} : f16 to f32
// CHECK: llvm.lshr
// CHECK: llvm.trunc {{.*}} : i32 to i8
// CHECK: llvm.return
module attributes {ll.target = #ll.target<"sm_80">} {
func.func @casts(%x: tensor<64xf8E4M3FN, #b>, %h: tensor<64xf16, #b>) -> tensor<64xf8E4M3FN, #b> {
  %0 = ll.fp_to_fp %x : tensor<64xf8E4M3FN, #b> -> tensor<64xf32, #b>
  %1 = ll.fp_to_fp %h : tensor<64xf16, #b> -> tensor<64xf32, #b>
  %2 = arith.addf %0, %1 : tensor<64xf32, #b>
  %3 = ll.fp_to_fp %2, rounding = rtne : tensor<64xf32, #b> -> tensor<64xf8E4M3FN, #b>
  return %3 : tensor<64xf8E4M3FN, #b>
}
}

// -----

// e5m2 before sm_89, as Triton's code rounds it: two f32 at a time, their
// low bits folded into a sticky bit, cvt.rz to f16, rounded to nearest
// even at the f16's bit 8, the high bytes taken.
#b = #ll.blocked<{sizePerThread = [2], threadsPerWarp = [32], warpsPerCTA = [1], order = [0]}>
// CHECK-LABEL: llvm.func @e5m2_pairs
// CHECK: %[[W:.*]] = llvm.inline_asm asm_dialect = att "{{.*}}cvt.rz.f16x2.f32 h, x1, x0;{{.*}}prmt.b32 $0, a, 0, 0x0031;{{.*}}", "=r,r,r"
// CHECK: llvm.trunc %[[W]] : i32 to i16
// CHECK-NOT: llvm.inline_asm
// CHECK: llvm.return
module attributes {ll.target = #ll.target<"sm_80">} {
func.func @e5m2_pairs(%x: tensor<64xf32, #b>) -> tensor<64xf8E5M2, #b> {
  %0 = ll.fp_to_fp %x, rounding = rtne : tensor<64xf32, #b> -> tensor<64xf8E5M2, #b>
  return %0 : tensor<64xf8E5M2, #b>
}
}

// -----

// e5m2 is the high byte of an f16 (same exponent, bias and specials): a
// shift, on every target.
#b = #ll.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [1], order = [0]}>
// CHECK-LABEL: llvm.func @e5m2_widens
// CHECK: %[[W:.*]] = llvm.zext %{{.*}} : i8 to i16
// CHECK: %[[S:.*]] = llvm.shl %[[W]], %{{.*}} : i16
// CHECK: %[[H:.*]] = llvm.bitcast %[[S]] : i16 to f16
// CHECK: llvm.fpext %[[H]] : f16 to f32
// CHECK-NOT: llvm.fmul
// CHECK: llvm.return
module attributes {ll.target = #ll.target<"gfx942">} {
func.func @e5m2_widens(%x: tensor<32xf8E5M2, #b>) -> tensor<32xf32, #b> {
  %0 = ll.fp_to_fp %x : tensor<32xf8E5M2, #b> -> tensor<32xf32, #b>
  return %0 : tensor<32xf32, #b>
}
}

// -----

// sm_89 and later convert pairs of registers in one instruction: f32 to
// e4m3 (rounded to nearest even, saturating; the second register in the
// high byte), e5m2 to f16x2 (exact).
#b = #ll.blocked<{sizePerThread = [2], threadsPerWarp = [32], warpsPerCTA = [1], order = [0]}>
// CHECK-LABEL: llvm.func @pairs
// CHECK: %[[X0:.*]] = llvm.extractvalue %arg0[0]
// CHECK: %[[X1:.*]] = llvm.extractvalue %arg0[1]
// CHECK: %[[P:.*]] = nvvm.convert.f32x2.to.f8x2 %[[X1]], %[[X0]] {rnd = #nvvm.fp_rnd_mode<rn>, sat = #nvvm.sat_mode<satfinite>} : i16(f8E4M3FN)
// CHECK: llvm.trunc %[[P]] : i16 to i8
// CHECK: nvvm.convert.f8x2.to.f16x2 %{{.*}} : vector<2xi8>(f8E5M2) -> vector<2xf16>
// CHECK: llvm.return
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @pairs(%x: tensor<64xf32, #b>, %y: tensor<64xf8E5M2, #b>) -> (tensor<64xf8E4M3FN, #b>, tensor<64xf16, #b>) {
  %0 = ll.fp_to_fp %x, rounding = rtne : tensor<64xf32, #b> -> tensor<64xf8E4M3FN, #b>
  %1 = ll.fp_to_fp %y : tensor<64xf8E5M2, #b> -> tensor<64xf16, #b>
  return %0, %1 : tensor<64xf8E4M3FN, #b>, tensor<64xf16, #b>
}
}
