// RUN: ll-opt %s -split-input-file -convert-ll-to-llvm | FileCheck %s
// RUN: ll-opt %s -split-input-file -convert-ll-to-llvm=target=gfx942 | FileCheck %s --check-prefix=AMD

// Approximate f32 math (fastmath<afn>, Triton's tl.exp & co.) becomes the
// PTX approximations; exact math and f64 call libdevice, linked at emission.
// CHECK-LABEL: llvm.func @math
// CHECK: %[[L2E:.*]] = llvm.mlir.constant(1.44269502 : f32) : f32
// CHECK: %[[M:.*]] = llvm.fmul %{{.*}}, %[[L2E]]
// CHECK: llvm.call_intrinsic "llvm.nvvm.ex2.approx.f32"(%[[M]]) : (f32) -> f32
// CHECK: %[[LG:.*]] = llvm.call_intrinsic "llvm.nvvm.lg2.approx.f"(%{{.*}}) : (f32) -> f32
// CHECK: %[[LN2:.*]] = llvm.mlir.constant(0.693147182 : f32) : f32
// CHECK: llvm.fmul %[[LG]], %[[LN2]]
// CHECK: llvm.call_intrinsic "llvm.nvvm.sin.approx.f"
// CHECK: llvm.call @__nv_expf
// CHECK: llvm.call @__nv_exp(
// AMD-LABEL: llvm.func @math
// AMD-NOT: nvvm
// AMD: llvm.call @__ocml_sin_f32
// AMD: llvm.call @__ocml_exp_f64
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @math(%x: f32, %d: f64) -> (f32, f32, f32, f32, f64) {
  %e = math.exp %x fastmath<afn> : f32
  %l = math.log %x fastmath<afn> : f32
  %s = math.sin %x fastmath<afn> : f32
  %p = math.exp %x : f32
  %q = math.exp %d fastmath<afn> : f64
  return %e, %l, %s, %p, %q : f32, f32, f32, f32, f64
}
}

// -----

// A symmetric clamp, min(max(x, -c), c) (tl.clamp(x, -c, c)), on sm_86+:
// one min.xorsign.abs per register (.NaN with NaN propagation), as Triton
// emits it; an asymmetric one stays max / min.
#b = #ll.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [1], order = [0]}>
// CHECK-LABEL: llvm.func @symmetric_clamp
// CHECK: llvm.call_intrinsic "llvm.nvvm.fmin.xorsign.abs.f"
// CHECK: llvm.call_intrinsic "llvm.nvvm.fmin.nan.xorsign.abs.f"
// CHECK: llvm.intr.maxnum
// CHECK: llvm.intr.minnum
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @symmetric_clamp(%x: tensor<32xf32, #b>) -> (tensor<32xf32, #b>, tensor<32xf32, #b>, tensor<32xf32, #b>) {
  %lo = arith.constant dense<-2.0> : tensor<32xf32, #b>
  %hi = arith.constant dense<2.0> : tensor<32xf32, #b>
  %one = arith.constant dense<1.0> : tensor<32xf32, #b>
  %0 = arith.maxnumf %x, %lo : tensor<32xf32, #b>
  %1 = arith.minnumf %0, %hi : tensor<32xf32, #b>
  %2 = arith.maximumf %lo, %x : tensor<32xf32, #b>
  %3 = arith.minimumf %hi, %2 : tensor<32xf32, #b>
  %4 = arith.maxnumf %x, %lo : tensor<32xf32, #b>
  %5 = arith.minnumf %4, %one : tensor<32xf32, #b>
  return %1, %3, %5 : tensor<32xf32, #b>, tensor<32xf32, #b>, tensor<32xf32, #b>
}
}
