// RUN: ll-opt %s -split-input-file -convert-ll-to-llvm -canonicalize -cse | FileCheck %s

// fp8 registers are i8. Decoding scales the significand by a power of two
// built from the exponent; rounding shifts the f32 significand to the
// quantum and rounds to even; f16 -> f32 is LLVM's fpext.
#b = #ll.blocked<{sizePerThread = [2], threadsPerWarp = [32], warpsPerCTA = [1], order = [0]}>
// CHECK-LABEL: llvm.func @casts
// CHECK-SAME: (%{{.*}}: !llvm.struct<(i8, i8)>, %{{.*}}: !llvm.struct<(f16, f16)>) -> !llvm.struct<(i8, i8)>
// CHECK: llvm.uitofp {{.*}} : i32 to f32
// CHECK: llvm.fmul
// CHECK: llvm.fpext {{.*}} : f16 to f32
// CHECK: llvm.lshr
// CHECK: llvm.trunc {{.*}} : i32 to i8
// CHECK: llvm.return
module {
func.func @casts(%x: tensor<64xf8E5M2, #b>, %h: tensor<64xf16, #b>) -> tensor<64xf8E4M3FN, #b> {
  %0 = ll.fp_to_fp %x : tensor<64xf8E5M2, #b> -> tensor<64xf32, #b>
  %1 = ll.fp_to_fp %h : tensor<64xf16, #b> -> tensor<64xf32, #b>
  %2 = arith.addf %0, %1 : tensor<64xf32, #b>
  %3 = ll.fp_to_fp %2, rounding = rtne : tensor<64xf32, #b> -> tensor<64xf8E4M3FN, #b>
  return %3 : tensor<64xf8E4M3FN, #b>
}
}
