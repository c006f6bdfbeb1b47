// RUN: ll-opt %s -convert-triton-to-ll | FileCheck %s
// RUN: ll-opt %s -convert-triton-to-ll -convert-ll-to-llvm | FileCheck %s --check-prefix=LLVM

// A vector add exactly as Triton 3.6 prints its TTGIR for cuda:90 (locations
// included): Triton types and layouts read as ll's, ops renamed, the public
// function a kernel, the target sm_90.
// CHECK: module attributes {ll.target = #ll.target<"sm_90">
// CHECK: func.func @vector_add(%{{.*}}: !ll.ptr<f32>, %{{.*}}: !ll.ptr<f32>, %{{.*}}: !ll.ptr<f32>, %{{.*}}: i32) attributes {ll.kernel, ll.num_warps = 4 : i32}
// CHECK: ll.program_id x : i32
// CHECK: ll.make_range {end = 256 : i32, start = 0 : i32} : tensor<256xi32, #blocked>
// CHECK: ll.load %{{.*}}, %{{.*}} : (tensor<256x!ll.ptr<f32>, #blocked>, tensor<256xi1, #blocked>) -> tensor<256xf32, #blocked>
// CHECK: ll.store
// CHECK: return
// LLVM: llvm.func @vector_add
// LLVM-SAME: nvvm.kernel
// LLVM-SAME: nvvm.reqntid = array<i32: 128>
#blocked = #ttg.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
#loc = loc("kernels.py":16:0)
#loc15 = loc("X"(#loc))
#loc16 = loc("Y"(#loc))
#loc17 = loc("Z"(#loc))
#loc18 = loc("n"(#loc))
module attributes {"ttg.num-ctas" = 1 : i32, "ttg.num-warps" = 4 : i32, ttg.target = "cuda:90", "ttg.threads-per-warp" = 32 : i32} {
  tt.func public @vector_add(%X: !tt.ptr<f32> loc("X"(#loc)), %Y: !tt.ptr<f32> loc("Y"(#loc)), %Z: !tt.ptr<f32> loc("Z"(#loc)), %n: i32 loc("n"(#loc))) attributes {noinline = false} {
    %c256_i32 = arith.constant 256 : i32 loc(#loc1)
    %pid = tt.get_program_id x : i32 loc(#loc19)
    %offs = arith.muli %pid, %c256_i32 : i32 loc(#loc20)
    %offs_0 = tt.make_range {end = 256 : i32, start = 0 : i32} : tensor<256xi32, #blocked> loc(#loc21)
    %offs_1 = tt.splat %offs : i32 -> tensor<256xi32, #blocked> loc(#loc22)
    %offs_2 = arith.addi %offs_1, %offs_0 : tensor<256xi32, #blocked> loc(#loc22)
    %m = tt.splat %n : i32 -> tensor<256xi32, #blocked> loc(#loc23)
    %m_3 = arith.cmpi slt, %offs_2, %m : tensor<256xi32, #blocked> loc(#loc23)
    %0 = tt.splat %Z : !tt.ptr<f32> -> tensor<256x!tt.ptr<f32>, #blocked> loc(#loc7)
    %1 = tt.addptr %0, %offs_2 : tensor<256x!tt.ptr<f32>, #blocked>, tensor<256xi32, #blocked> loc(#loc7)
    %2 = tt.splat %X : !tt.ptr<f32> -> tensor<256x!tt.ptr<f32>, #blocked> loc(#loc8)
    %3 = tt.addptr %2, %offs_2 : tensor<256x!tt.ptr<f32>, #blocked>, tensor<256xi32, #blocked> loc(#loc8)
    %4 = tt.load %3, %m_3 : tensor<256x!tt.ptr<f32>, #blocked> loc(#loc9)
    %5 = tt.splat %Y : !tt.ptr<f32> -> tensor<256x!tt.ptr<f32>, #blocked> loc(#loc10)
    %6 = tt.addptr %5, %offs_2 : tensor<256x!tt.ptr<f32>, #blocked>, tensor<256xi32, #blocked> loc(#loc10)
    %7 = tt.load %6, %m_3 : tensor<256x!tt.ptr<f32>, #blocked> loc(#loc11)
    %8 = arith.addf %4, %7 : tensor<256xf32, #blocked> loc(#loc12)
    tt.store %1, %8, %m_3 : tensor<256x!tt.ptr<f32>, #blocked> loc(#loc13)
    tt.return loc(#loc14)
  } loc(#loc)
} loc(#loc)
#loc1 = loc(unknown)
#loc2 = loc("kernels.py":17:24)
#loc3 = loc("kernels.py":18:17)
#loc4 = loc("kernels.py":18:38)
#loc5 = loc("kernels.py":18:25)
#loc6 = loc("kernels.py":19:15)
#loc7 = loc("kernels.py":20:17)
#loc8 = loc("kernels.py":20:35)
#loc9 = loc("kernels.py":20:31)
#loc10 = loc("kernels.py":20:63)
#loc11 = loc("kernels.py":20:59)
#loc12 = loc("kernels.py":20:51)
#loc13 = loc("kernels.py":20:23)
#loc14 = loc("kernels.py":20:4)
#loc19 = loc("pid"(#loc2))
#loc20 = loc("offs"(#loc3))
#loc21 = loc("offs"(#loc4))
#loc22 = loc("offs"(#loc5))
#loc23 = loc("m"(#loc6))

