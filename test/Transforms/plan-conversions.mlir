// RUN: ll-opt %s -split-input-file -ll-plan-conversions=target=sm_90 | FileCheck %s
// RUN: ll-opt %s -split-input-file -ll-plan-conversions='target=sm_90 matrix-instructions=false' | FileCheck %s --check-prefix=PLAIN
// RUN: ll-opt %s -split-input-file -ll-plan-conversions='target=sm_90 max-scratch-bytes=8192' | FileCheck %s --check-prefix=BUDGET
// Each conversion is classified by the linear map between the layouts and
// planned; shared-memory plans record scratch, vector width and wavefronts.

#blocked = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>
#mma = #ll.nvidia_mma<{versionMajor = 2, versionMinor = 0, warpsPerCTA = [2, 2], instrShape = [16, 8]}>
// A blocked layout written as its equal linear layout.
#blocked_as_linear = #ll.linear<{register = [[0, 1], [0, 2], [0, 16], [0, 32], [32, 0]], lane = [[0, 4], [0, 8], [1, 0], [2, 0], [4, 0]], warp = [[8, 0], [16, 0]], block = []}>

// CHECK-LABEL: func.func @across_warps
func.func @across_warps(%a: tensor<64x64xf16, #blocked>) {
  // stmatrix.trans / ldmatrix.trans (sm_90): 16-byte matrix rows on both
  // sides free the registers the instructions regroup for rounds: four
  // rounds of 2 KB, conflict-free (4 wavefronts per x4 instruction, the
  // minimum for 512 bytes).
  // CHECK: ll.convert_layout %{{.*}} {ll.cycles = {{[0-9]+}} : i64, ll.load_access = "matrix_transposed", ll.load_wavefronts = 4 : i64, ll.plan = "shared", ll.rounds = 4 : i64, ll.scratch_bytes = 2048 : i64, ll.store_access = "matrix_transposed", ll.store_wavefronts = 4 : i64, ll.vector_width = 8 : i64}
  // With ld/st.shared only: 8 x f16 = 128-bit accesses on both sides and
  // two rounds of 4 KB, also conflict-free.
  // PLAIN: ll.convert_layout %{{.*}} {ll.cycles = {{[0-9]+}} : i64, ll.load_wavefronts = 4 : i64, ll.plan = "shared", ll.rounds = 2 : i64, ll.scratch_bytes = 4096 : i64, ll.store_wavefronts = 4 : i64, ll.vector_width = 8 : i64}
  // With an 8 KB budget the cost model takes one round (1 barrier instead of
  // 7) through the whole tile, the same traffic.
  // BUDGET-LABEL: func.func @across_warps
  // BUDGET: ll.convert_layout %{{.*}} {ll.cycles = {{[0-9]+}} : i64, ll.load_wavefronts = 4 : i64, ll.plan = "shared", ll.rounds = 1 : i64, ll.scratch_bytes = 8192 : i64, ll.store_wavefronts = 4 : i64, ll.vector_width = 8 : i64}
  %0 = ll.convert_layout %a : tensor<64x64xf16, #blocked> -> tensor<64x64xf16, #mma>
  // CHECK: ll.convert_layout %{{.*}} {ll.plan = "noop"}
  %1 = ll.convert_layout %a : tensor<64x64xf16, #blocked> -> tensor<64x64xf16, #blocked_as_linear>
  return
}

// -----

// Same elements per thread, registers swapped.
#r0 = #ll.linear<{register = [[0, 1], [1, 0]], lane = [[0, 2], [0, 4], [0, 8], [2, 0], [4, 0]], warp = [], block = []}>
#r1 = #ll.linear<{register = [[1, 0], [0, 1]], lane = [[0, 2], [0, 4], [0, 8], [2, 0], [4, 0]], warp = [], block = []}>
// Lanes exchanged with registers, within the warp.
#s1 = #ll.linear<{register = [[0, 1], [0, 2]], lane = [[1, 0], [2, 0], [4, 0], [0, 4], [0, 8]], warp = [], block = []}>
// Lanes permuted, registers kept: one shuffle per register.
#s2 = #ll.linear<{register = [[0, 1], [1, 0]], lane = [[2, 0], [4, 0], [0, 2], [0, 4], [0, 8]], warp = [], block = []}>

// CHECK-LABEL: func.func @within_warps
func.func @within_warps(%b: tensor<8x16xf32, #r0>) {
  // CHECK: ll.convert_layout %{{.*}} {ll.cycles = {{[0-9]+}} : i64, ll.plan = "registers"}
  %2 = ll.convert_layout %b : tensor<8x16xf32, #r0> -> tensor<8x16xf32, #r1>
  // The plan the lowering emits: a one-warp buffer costs fewer cycles than
  // rotated shuffles whose register choices take selects.
  // CHECK: ll.convert_layout %{{.*}} {ll.cycles = {{[0-9]+}} : i64, ll.load_wavefronts = 4 : i64, ll.plan = "shared", ll.rounds = 1 : i64, ll.scratch_bytes = 512 : i64, ll.store_wavefronts = 2 : i64, ll.vector_width = 2 : i64}
  %3 = ll.convert_layout %b : tensor<8x16xf32, #r0> -> tensor<8x16xf32, #s1>
  // CHECK: ll.convert_layout %{{.*}} {ll.cycles = {{[0-9]+}} : i64, ll.plan = "shuffle", ll.shuffles = 4 : i64}
  %4 = ll.convert_layout %b : tensor<8x16xf32, #r0> -> tensor<8x16xf32, #s2>
  return
}

// -----

// A gather whose axis stays inside each lane group of one warp: shuffles,
// one per candidate source register (2 registers x 2 candidates).
#g = #ll.linear<{register = [[1, 0]], lane = [[2, 0], [4, 0], [8, 0], [0, 1], [0, 2]], warp = [], block = []}>
// CHECK-LABEL: func.func @gather
// CHECK: ll.gather {{.*}} {axis = 0 : i32, ll.plan = "shuffle", ll.shuffles = 4 : i64}
func.func @gather(%s: tensor<16x4xf32, #g>, %i: tensor<16x4xi32, #g>) {
  %0 = ll.gather %s[%i] {axis = 0 : i32} : (tensor<16x4xf32, #g>, tensor<16x4xi32, #g>) -> tensor<16x4xf32, #g>
  return
}

// -----

// The 8-bit 64x64 transpose: each thread holds 16 bytes of a row and wants
// 16 bytes of a column, so no bank word is whole on both sides. By cycles,
// 32 one-byte stores (one wavefront each) and 2 loads of 16 bytes beat
// exchanging bytes inside the warp first (6 packed shuffles, but 128
// register selects to route the bytes: ll-plan-conversions{traffic-first}
// takes that plan, see plan-conversions-traffic-first.mlir).
#row = #ll.blocked<{sizePerThread = [1, 16], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>
#col = #ll.blocked<{sizePerThread = [16, 1], threadsPerWarp = [4, 8], warpsPerCTA = [1, 4], order = [0, 1]}>
// CHECK-LABEL: func.func @byte_transpose
// CHECK: ll.convert_layout %{{.*}} {ll.cycles = {{[0-9]+}} : i64, ll.load_wavefronts = 4 : i64, ll.plan = "shared", ll.rounds = 1 : i64, ll.scratch_bytes = 4096 : i64, ll.store_wavefronts = 1 : i64, ll.vector_width = 1 : i64}
func.func @byte_transpose(%x: tensor<64x64xi8, #row>) {
  %0 = ll.convert_layout %x : tensor<64x64xi8, #row> -> tensor<64x64xi8, #col>
  return
}

// -----

// Pointers are 64-bit values: the 4 registers both layouts hold along dim1
// make 2 x 64-bit = 128-bit accesses (a 32-bit guess would make them 4 wide).
#p = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>
#q = #ll.blocked<{sizePerThread = [2, 4], threadsPerWarp = [4, 8], warpsPerCTA = [1, 4], order = [1, 0]}>
// CHECK-LABEL: func.func @pointers
// CHECK: ll.convert_layout %{{.*}}ll.vector_width = 2 : i64
// CHECK: ll.convert_layout %{{.*}}ll.vector_width = 2 : i64
// CHECK: ll.convert_layout %{{.*}}ll.vector_width = 4 : i64
func.func @pointers(%x: tensor<64x64x!llvm.ptr<1>, #p>, %i: tensor<64x64xindex, #p>, %f: tensor<64x64xf32, #p>) {
  %0 = ll.convert_layout %x : tensor<64x64x!llvm.ptr<1>, #p> -> tensor<64x64x!llvm.ptr<1>, #q>
  %1 = ll.convert_layout %i : tensor<64x64xindex, #p> -> tensor<64x64xindex, #q>
  %2 = ll.convert_layout %f : tensor<64x64xf32, #p> -> tensor<64x64xf32, #q>
  return
}

// -----

// Thread-local: every lane holds the 4 values (a row statistic), the
// destination spreads them over lanes 0-3: lane l takes its own register
// l % 4 with 3 selects, no shuffle, no shared memory, no barrier: 9 cycles
// under the cost model (each select issues in 1 and takes the ALU 2).
#rep = #ll.linear<{register = [[1], [2]], lane = [[0], [0], [0], [0], [0]], warp = [[0], [0]], block = []}>
#spread = #ll.linear<{register = [], lane = [[1], [2], [0], [0], [0]], warp = [[0], [0]], block = []}>
// CHECK-LABEL: func.func @thread_local
// CHECK: ll.convert_layout %{{.*}} {ll.cycles = 9 : i64, ll.plan = "select", ll.selects = 3 : i64}
func.func @thread_local(%x: tensor<4xf32, #rep>) {
  %0 = ll.convert_layout %x : tensor<4xf32, #rep> -> tensor<4xf32, #spread>
  return
}

// -----

// A reduction over warps reads its partials back from shared memory in the
// layout of the one conversion of its result: the conversion has no plan of
// its own (convert-ll-to-llvm emits it with the reduction).
#b = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [1, 4], order = [1, 0]}>
#s = #ll.slice<{dim = 1, parent = #b}>
#o = #ll.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
// CHECK-LABEL: func.func @row_sum
// CHECK: ll.convert_layout %{{.*}} {ll.plan = "in-reduce"}
func.func @row_sum(%x: tensor<64x128xi32, #b>) -> tensor<64xi32, #o> {
  %0 = "ll.reduce"(%x) <{axis = 1 : i32}> ({
  ^bb0(%a: i32, %c: i32):
    %s = arith.addi %a, %c : i32
    ll.reduce.return %s : i32
  }) : (tensor<64x128xi32, #b>) -> tensor<64xi32, #s>
  %1 = ll.convert_layout %0 : tensor<64xi32, #s> -> tensor<64xi32, #o>
  return %1 : tensor<64xi32, #o>
}
