// RUN: ll-opt %s -split-input-file -convert-ll-to-llvm -canonicalize -cse | FileCheck %s

// NVIDIA: one vprintf per register, its format a constant string as Triton
// words it (index widths from the dims, %f for floats promoted to f64),
// the arguments in a local struct; the assertion a branch to __assertfail
// with the op's file and line.
#b = #ll.blocked<{sizePerThread = [2], threadsPerWarp = [32], warpsPerCTA = [1], order = [0]}>
// CHECK-DAG: llvm.mlir.global internal constant @printfFormat_0("pid (%u, %u, %u) idx (%2u) x: %f\0A\00")
// CHECK-DAG: llvm.mlir.global internal constant @assertMessage_0("too big\00")
// CHECK-DAG: llvm.mlir.global internal constant @assertFile_0("k.py\00")
// CHECK-DAG: llvm.func @vprintf(!llvm.ptr, !llvm.ptr) -> i32
// CHECK-LABEL: llvm.func @debugging
// CHECK: llvm.fpext %{{.*}} : f32 to f64
// CHECK: llvm.alloca %{{.*}} x !llvm.struct<(i32, i32, i32, i32, f64)>
// CHECK: llvm.call @vprintf
// CHECK: llvm.call @vprintf
// CHECK-NOT: llvm.call @vprintf
// CHECK: llvm.cond_br
// CHECK: llvm.call @__assertfail(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) : (!llvm.ptr, !llvm.ptr, i32, !llvm.ptr, i64) -> ()
module attributes {ll.target = #ll.target<"sm_80">} {
func.func @debugging(%x: tensor<64xf32, #b>, %ok: tensor<64xi1, #b>) {
  ll.print " x: " {hex = false, isSigned = array<i32: 0>} : %x : tensor<64xf32, #b>
  ll.assert %ok, "too big" : tensor<64xi1, #b> loc("k.py":12:3)
  return
}
}

// -----

// AMD: OCKL's printf (begin, the format, the arguments as i64 words), a
// failed assertion a printf and a trap.
#a = #ll.blocked<{sizePerThread = [1], threadsPerWarp = [64], warpsPerCTA = [1], order = [0]}>
// CHECK-LABEL: llvm.func @amd
// CHECK: llvm.call @__ockl_printf_begin
// CHECK: llvm.call @__ockl_printf_append_string_n
// CHECK: llvm.call @__ockl_printf_append_args
// CHECK: llvm.intr.trap
module attributes {ll.target = #ll.target<"gfx942">} {
func.func @amd(%i: tensor<64xi32, #a>, %ok: tensor<64xi1, #a>) {
  ll.print " i: " {hex = true, isSigned = array<i32: 1>} : %i : tensor<64xi32, #a>
  ll.assert %ok, "bad" : tensor<64xi1, #a>
  return
}
}
