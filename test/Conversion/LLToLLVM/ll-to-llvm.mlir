// RUN: ll-opt %s -split-input-file -convert-ll-to-llvm -canonicalize -cse | FileCheck %s

// A kernel: the function becomes an NVVM kernel of (warps x 32) threads;
// program ids and global memory. Replicated elements are stored once.
#r = #ll.linear<{register = [], lane = [[1], [2], [4], [8], [0]], warp = [[0]], block = []}>
// CHECK-LABEL: llvm.func @kernel
// CHECK-SAME: nvvm.kernel
// CHECK-SAME: nvvm.reqntid = array<i32: 64>
// Lane bit 4 and the warp bit are copies: only their zero side stores
// (thread id & (32 | 16) == 0).
// CHECK-DAG: llvm.mlir.constant(48 : i32)
// CHECK: nvvm.read.ptx.sreg.ctaid.x
// CHECK: llvm.load {{.*}} : !llvm.ptr<1> -> f32
// One predicated PTX store each (as Triton emits it), no branch:
// CHECK-NOT: llvm.cond_br
// CHECK: llvm.inline_asm has_side_effects asm_dialect = att "@$2 st.global.b32 [ $1 + 0 ], { $0 };", "r,l,b"
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @kernel(%x: !ll.ptr<f32>, %y: !ll.ptr<f32>) attributes {ll.kernel} {
  %pid = ll.program_id x : i32
  %xp = ll.addptr %x, %pid : !ll.ptr<f32>, i32
  %r = ll.make_range {start = 0 : i32, end = 16 : i32} : tensor<16xi32, #r>
  %xs = ll.splat %xp : !ll.ptr<f32> -> tensor<16x!ll.ptr<f32>, #r>
  %p = ll.addptr %xs, %r : tensor<16x!ll.ptr<f32>, #r>, tensor<16xi32, #r>
  %v = ll.load %p : (tensor<16x!ll.ptr<f32>, #r>) -> tensor<16xf32, #r>
  %ys = ll.splat %y : !ll.ptr<f32> -> tensor<16x!ll.ptr<f32>, #r>
  %q = ll.addptr %ys, %r : tensor<16x!ll.ptr<f32>, #r>, tensor<16xi32, #r>
  ll.store %q, %v : (tensor<16x!ll.ptr<f32>, #r>, tensor<16xf32, #r>) -> ()
  return
}
}

// -----

// A register renaming: no shuffle, no shared memory, no barrier.
#a = #ll.linear<{register = [[1], [2]], lane = [[4], [8], [16], [32], [64]], warp = [], block = []}>
#b = #ll.linear<{register = [[2], [1]], lane = [[4], [8], [16], [32], [64]], warp = [], block = []}>
// CHECK-LABEL: llvm.func @registers
// CHECK-NOT: nvvm.shfl
// CHECK-NOT: nvvm.barrier0
// CHECK: llvm.return
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @registers(%x: tensor<128xf32, #a>) -> tensor<128xf32, #b> {
  %0 = ll.convert_layout %x : tensor<128xf32, #a> -> tensor<128xf32, #b>
  return %0 : tensor<128xf32, #b>
}
}

// -----

// Thread-local (the source held whole by every lane): selects on the lane
// bits, no shuffle, no shared memory, no barrier.
#s = #ll.linear<{register = [[1], [2]], lane = [[0], [0], [0], [0], [0]], warp = [], block = []}>
#d = #ll.linear<{register = [], lane = [[1], [2], [0], [0], [0]], warp = [], block = []}>
// CHECK-LABEL: llvm.func @select
// CHECK-NOT: nvvm.shfl
// CHECK-NOT: nvvm.barrier0
// CHECK: llvm.select
// CHECK-NOT: nvvm.shfl
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @select(%x: tensor<4xf32, #s>) -> tensor<4xf32, #d> {
  %0 = ll.convert_layout %x : tensor<4xf32, #s> -> tensor<4xf32, #d>
  return %0 : tensor<4xf32, #d>
}
}

// -----

// Inside a warp: warp shuffles (idx, all lanes, one 32-lane segment), no
// shared memory. Two lane bits swap; the two 16-bit registers travel packed
// in one 32-bit shuffle.
#a = #ll.linear<{register = [[1]], lane = [[2], [4], [8], [16], [32]], warp = [], block = []}>
#b = #ll.linear<{register = [[1]], lane = [[4], [2], [8], [16], [32]], warp = [], block = []}>
// CHECK-LABEL: llvm.func @shuffle
// CHECK-NOT: nvvm.barrier0
// CHECK: nvvm.shfl.sync idx {{.*}} : i32 -> i32
// CHECK-NOT: nvvm.shfl.sync
// CHECK-NOT: llvm.mlir.global
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @shuffle(%x: tensor<64xf16, #a>) -> tensor<64xf16, #b> {
  %0 = ll.convert_layout %x : tensor<64xf16, #a> -> tensor<64xf16, #b>
  return %0 : tensor<64xf16, #b>
}
}

// -----

// Across warps: shared memory at the plan's swizzled addresses (scalar
// stores, 128-bit loads: the least scratch), the module's shared bytes, and
// barriers: none before the stores of the function's first use of shared
// memory, one between stores and loads, and one before a later use.
#a = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>
#b = #ll.blocked<{sizePerThread = [4, 1], threadsPerWarp = [4, 8], warpsPerCTA = [1, 4], order = [0, 1]}>
// CHECK: module attributes {ll.shared = 4096 : i64
// CHECK: llvm.mlir.global external @global_smem() {addr_space = 3 : i32, alignment = 16 : i64} : !llvm.array<0 x i8>
// CHECK-LABEL: llvm.func @shared
// CHECK-NOT: nvvm.barrier0
// CHECK: llvm.store {{.*}} : i32, !llvm.ptr<3>
// CHECK: nvvm.barrier0
// CHECK: llvm.load {{.*}} : !llvm.ptr<3> -> vector<4xi32>
// CHECK: nvvm.barrier0
// CHECK: llvm.store {{.*}} !llvm.ptr<3>
// CHECK: nvvm.barrier0
// CHECK: llvm.load {{.*}} !llvm.ptr<3>
// CHECK-NOT: nvvm.barrier0
// CHECK: llvm.return
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @shared(%x: tensor<32x32xf32, #a>) -> tensor<32x32xf32, #a> {
  %0 = ll.convert_layout %x : tensor<32x32xf32, #a> -> tensor<32x32xf32, #b>
  %d = arith.addf %0, %0 : tensor<32x32xf32, #b>
  %1 = ll.convert_layout %d : tensor<32x32xf32, #b> -> tensor<32x32xf32, #a>
  return %1 : tensor<32x32xf32, #a>
}
}

// -----

// AMD (wave64): shuffles are ds_bpermute with byte addresses; kernels are
// rocdl kernels.
#a = #ll.linear<{register = [[1]], lane = [[2], [4], [8], [16], [32], [64]], warp = [], block = []}>
#b = #ll.linear<{register = [[1]], lane = [[4], [2], [8], [16], [32], [64]], warp = [], block = []}>
// CHECK-LABEL: llvm.func @amd
// CHECK-SAME: rocdl.flat_work_group_size = "1,64"
// CHECK-SAME: rocdl.kernel
// CHECK: rocdl.workitem.id.x
// CHECK: rocdl.ds_bpermute
module attributes {ll.target = #ll.target<"gfx942">} {
func.func @amd(%p: !ll.ptr<i32>) attributes {ll.kernel} {
  %r = ll.make_range {start = 0 : i32, end = 128 : i32} : tensor<128xi32, #a>
  %0 = ll.convert_layout %r : tensor<128xi32, #a> -> tensor<128xi32, #b>
  %r2 = ll.make_range {start = 0 : i32, end = 128 : i32} : tensor<128xi32, #b>
  %ps = ll.splat %p : !ll.ptr<i32> -> tensor<128x!ll.ptr<i32>, #b>
  %q = ll.addptr %ps, %r2 : tensor<128x!ll.ptr<i32>, #b>, tensor<128xi32, #b>
  ll.store %q, %0 : (tensor<128x!ll.ptr<i32>, #b>, tensor<128xi32, #b>) -> ()
  return
}
}

// -----

// stmatrix on sm_90: four 32-bit words per lane and slot, one row address
// per lane; the loads stay plain (128-bit).
#a = #ll.linear<{register = [[1, 0], [0, 8], [8, 0], [16, 0], [32, 0]], lane = [[2, 0], [4, 0], [0, 1], [0, 2], [0, 4]], warp = [[0, 16], [0, 32]], block = []}>
#b = #ll.blocked<{sizePerThread = [1, 1], threadsPerWarp = [1, 32], warpsPerCTA = [2, 2], order = [1, 0]}>
// CHECK-LABEL: llvm.func @stmatrix
// CHECK: nvvm.stmatrix {{.*}} {eltType = #nvvm.ld_st_matrix_elt_type<b16>, layout = #nvvm.mma_layout<row>, shape = #nvvm.ld_st_matrix_shape<m = 8, n = 8>} : !llvm.ptr<3>, i32, i32, i32, i32
// CHECK: nvvm.barrier0
// CHECK: llvm.load {{.*}} : !llvm.ptr<3> -> vector<4xi32>
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @stmatrix(%x: tensor<64x64xf32, #a>) -> tensor<64x64xf32, #b> {
  %0 = ll.convert_layout %x : tensor<64x64xf32, #a> -> tensor<64x64xf32, #b>
  return %0 : tensor<64x64xf32, #b>
}
}

// -----

// Global vectors: 16-byte aligned pointers plus a range give runs of 512
// consecutive elements; each thread's 4 registers along them are one
// 128-bit load and store. Without the alignment (the second store), one
// register at a time.
#v = #ll.blocked<{sizePerThread = [4], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
// CHECK-LABEL: llvm.func @global_vectors
// CHECK: llvm.load {{.*}} {alignment = 16 : i64} : !llvm.ptr<1> -> vector<4xf32>
// CHECK: llvm.store {{.*}} {alignment = 16 : i64} : vector<4xf32>, !llvm.ptr<1>
// CHECK-COUNT-4: llvm.store {{.*}} : f32, !llvm.ptr<1>
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @global_vectors(%x: !ll.ptr<f32> {ll.divisibility = 16 : i64}, %y: !ll.ptr<f32> {ll.divisibility = 16 : i64},
                          %z: !ll.ptr<f32>) attributes {ll.kernel} {
  %r = ll.make_range {start = 0 : i32, end = 512 : i32} : tensor<512xi32, #v>
  %xs = ll.splat %x : !ll.ptr<f32> -> tensor<512x!ll.ptr<f32>, #v>
  %xp = ll.addptr %xs, %r : tensor<512x!ll.ptr<f32>, #v>, tensor<512xi32, #v>
  %a = ll.load %xp : (tensor<512x!ll.ptr<f32>, #v>) -> tensor<512xf32, #v>
  %ys = ll.splat %y : !ll.ptr<f32> -> tensor<512x!ll.ptr<f32>, #v>
  %yp = ll.addptr %ys, %r : tensor<512x!ll.ptr<f32>, #v>, tensor<512xi32, #v>
  ll.store %yp, %a : (tensor<512x!ll.ptr<f32>, #v>, tensor<512xf32, #v>) -> ()
  %zs = ll.splat %z : !ll.ptr<f32> -> tensor<512x!ll.ptr<f32>, #v>
  %zp = ll.addptr %zs, %r : tensor<512x!ll.ptr<f32>, #v>, tensor<512xi32, #v>
  ll.store %zp, %a : (tensor<512x!ll.ptr<f32>, #v>, tensor<512xf32, #v>) -> ()
  return
}
}

// -----

// Loop-carried pointers (tutorial 03's `a_ptrs += BLOCK_K`): the loop
// argument keeps its initial value's runs as long as what the body yields
// does (+512 elements: still 16-byte aligned) -- one 128-bit load per
// thread. Offsets `% n` (n a multiple of 16) stay in runs of 16 elements.
#v = #ll.blocked<{sizePerThread = [4], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
// CHECK-LABEL: llvm.func @loop_carried_vectors
// CHECK: llvm.load {{.*}} {alignment = 16 : i64} : !llvm.ptr<1> -> vector<4xf32>
// CHECK: llvm.load {{.*}} {alignment = 16 : i64} : !llvm.ptr<1> -> vector<4xf32>
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @loop_carried_vectors(%x: !ll.ptr<f32> {ll.divisibility = 16 : i64}, %n: i32 {ll.divisibility = 16 : i64},
                                %k: index) -> tensor<512xf32, #v> attributes {ll.num_warps = 4 : i32} {
  %r = ll.make_range {start = 0 : i32, end = 512 : i32} : tensor<512xi32, #v>
  %xs = ll.splat %x : !ll.ptr<f32> -> tensor<512x!ll.ptr<f32>, #v>
  %ns = ll.splat %n : i32 -> tensor<512xi32, #v>
  %m = arith.remsi %r, %ns : tensor<512xi32, #v>
  %xp = ll.addptr %xs, %m : tensor<512x!ll.ptr<f32>, #v>, tensor<512xi32, #v>
  %step = arith.constant dense<512> : tensor<512xi32, #v>
  %zero = arith.constant dense<0.0> : tensor<512xf32, #v>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %res:2 = scf.for %i = %c0 to %k step %c1 iter_args(%p = %xp, %acc = %zero) -> (tensor<512x!ll.ptr<f32>, #v>, tensor<512xf32, #v>) {
    %a = ll.load %p : (tensor<512x!ll.ptr<f32>, #v>) -> tensor<512xf32, #v>
    %s = arith.addf %acc, %a : tensor<512xf32, #v>
    %q = ll.addptr %p, %step : tensor<512x!ll.ptr<f32>, #v>, tensor<512xi32, #v>
    scf.yield %q, %s : tensor<512x!ll.ptr<f32>, #v>, tensor<512xf32, #v>
  }
  %b = ll.load %res#0 : (tensor<512x!ll.ptr<f32>, #v>) -> tensor<512xf32, #v>
  %t = arith.addf %res#1, %b : tensor<512xf32, #v>
  return %t : tensor<512xf32, #v>
}
}

// -----

// A lane basis repeating the register basis (register = [1], lane 0 = [1]):
// odd lanes' registers run 1, 0, so no vectors.
#w = #ll.linear<{register = [[1]], lane = [[1], [2], [4], [8], [16]], warp = [], block = []}>
// CHECK-LABEL: llvm.func @unaligned_runs
// CHECK-NOT: vector<2xf32>
// CHECK: llvm.return
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @unaligned_runs(%x: !ll.ptr<f32> {ll.divisibility = 16 : i64}) attributes {ll.kernel} {
  %r = ll.make_range {start = 0 : i32, end = 32 : i32} : tensor<32xi32, #w>
  %xs = ll.splat %x : !ll.ptr<f32> -> tensor<32x!ll.ptr<f32>, #w>
  %xp = ll.addptr %xs, %r : tensor<32x!ll.ptr<f32>, #w>, tensor<32xi32, #w>
  %a = ll.load %xp : (tensor<32x!ll.ptr<f32>, #w>) -> tensor<32xf32, #w>
  ll.store %xp, %a : (tensor<32x!ll.ptr<f32>, #w>, tensor<32xf32, #w>) -> ()
  return
}
}

// -----

// A warp-local transpose that the cycle model sends through the buffer,
// then a conversion across warps: the second must wait for the first's
// loads (its stores reuse the buffer), though classification alone calls the
// first a shuffle.
#a = #ll.linear<{register = [[1, 0], [2, 0], [4, 0], [8, 0], [16, 0]], lane = [[0, 1], [0, 2], [0, 4], [0, 8], [0, 16]], warp = [[32, 0], [64, 0]], block = []}>
#b = #ll.linear<{register = [[0, 1], [0, 2], [0, 4], [0, 8], [0, 16]], lane = [[1, 0], [2, 0], [4, 0], [8, 0], [16, 0]], warp = [[32, 0], [64, 0]], block = []}>
#c = #ll.linear<{register = [[1, 0], [2, 0], [4, 0], [8, 0], [16, 0]], lane = [[32, 0], [64, 0], [0, 1], [0, 2], [0, 4]], warp = [[0, 8], [0, 16]], block = []}>
// CHECK-LABEL: llvm.func @buffer_reuse
// CHECK-NOT: nvvm.barrier0
// CHECK: llvm.store {{.*}} !llvm.ptr<3>
// CHECK: nvvm.barrier0
// CHECK: nvvm.ldmatrix
// CHECK: nvvm.barrier0
// CHECK: nvvm.stmatrix
// CHECK: nvvm.barrier0
// CHECK: llvm.load {{.*}} !llvm.ptr<3>
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @buffer_reuse(%x: tensor<128x32xf32, #a>) -> tensor<128x32xf32, #c> {
  %0 = ll.convert_layout %x : tensor<128x32xf32, #a> -> tensor<128x32xf32, #b>
  %d = arith.addf %0, %0 : tensor<128x32xf32, #b>
  %1 = ll.convert_layout %d : tensor<128x32xf32, #b> -> tensor<128x32xf32, #c>
  return %1 : tensor<128x32xf32, #c>
}
}

// -----

// ll.join interleaves the operands' registers at the register bit holding
// the new last dim; ll.split takes them apart: no data moves.
#p = #ll.linear<{register = [[1]], lane = [[2], [4], [8], [16], [32]], warp = [], block = []}>
#j = #ll.linear<{register = [[0, 1], [1, 0]], lane = [[2, 0], [4, 0], [8, 0], [16, 0], [32, 0]], warp = [], block = []}>
// CHECK-LABEL: llvm.func @join_split
// CHECK-NOT: nvvm.shfl
// CHECK-NOT: llvm.store
// CHECK: llvm.return
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @join_split(%a: tensor<64xi32, #p>, %b: tensor<64xi32, #p>) -> tensor<64xi32, #p> {
  %j = ll.join %a, %b : tensor<64xi32, #p> -> tensor<64x2xi32, #j>
  %x, %y = ll.split %j : tensor<64x2xi32, #j> -> tensor<64xi32, #p>
  %s = arith.subi %y, %x : tensor<64xi32, #p>
  return %s : tensor<64xi32, #p>
}
}

// -----

// tl.num_programs on AMD: rocdl.grid.dim.x is OCKL's i64
// __ockl_get_num_groups, truncated (an i32 result made translation assert).
// CHECK-LABEL: llvm.func @num_programs_amd
// CHECK: %[[N:.*]] = rocdl.grid.dim.y : i64
// CHECK: llvm.trunc %[[N]] : i64 to i32
module attributes {ll.target = #ll.target<"gfx942">} {
func.func @num_programs_amd(%p: !ll.ptr<i32>) attributes {ll.kernel, ll.num_warps = 4 : i32} {
  %n = ll.num_programs y : i32
  ll.store %p, %n : (!ll.ptr<i32>, i32) -> ()
  return
}
}

// -----

// `x if c else y` on tensors: arith.select with a scalar condition picks
// every register by the same i1.
#a = #ll.blocked<{sizePerThread = [2], threadsPerWarp = [32], warpsPerCTA = [1], order = [0]}>
// CHECK-LABEL: llvm.func @select_scalar_condition
// CHECK-SAME: (%{{.*}}: i1, %[[X:.*]]: !llvm.struct<(f32, f32)>, %[[Y:.*]]: !llvm.struct<(f32, f32)>)
// CHECK-COUNT-2: llvm.select %arg0, %{{.*}}, %{{.*}} : i1, f32
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @select_scalar_condition(%c: i1, %x: tensor<64xf32, #a>, %y: tensor<64xf32, #a>) -> tensor<64xf32, #a> {
  %z = arith.select %c, %x, %y : tensor<64xf32, #a>
  return %z : tensor<64xf32, #a>
}
}

// -----

// Masked global accesses: on NVIDIA one predicated instruction per vector,
// the masked-off registers taking `other` (a mov before the load); on AMD
// llvm.masked.load / store with the vector's mask (the back end guards each
// with one branch, as Triton's AMD back end does): no branch in the IR.
#v = #ll.blocked<{sizePerThread = [4], threadsPerWarp = [32], warpsPerCTA = [1], order = [0]}>
// CHECK-LABEL: llvm.func @masked_nvidia
// CHECK-NOT: llvm.cond_br
// CHECK: llvm.inline_asm has_side_effects asm_dialect = att "mov.b32 $0, $6;\0A\09mov.b32 $1, $7;\0A\09mov.b32 $2, $8;\0A\09mov.b32 $3, $9;\0A\09@$5 ld.global.v4.b32 { $0, $1, $2, $3 }, [ $4 + 0 ];", "=r,=r,=r,=r,l,b,r,r,r,r"
// CHECK: llvm.inline_asm has_side_effects asm_dialect = att "@$5 st.global.v4.b32 [ $4 + 0 ], { $0, $1, $2, $3 };", "r,r,r,r,l,b"
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @masked_nvidia(%x: !ll.ptr<f32> {ll.divisibility = 16 : i64}, %n: i32 {ll.divisibility = 16 : i64}) attributes {ll.kernel} {
  %r = ll.make_range {start = 0 : i32, end = 128 : i32} : tensor<128xi32, #v>
  %ns = ll.splat %n : i32 -> tensor<128xi32, #v>
  %m = arith.cmpi slt, %r, %ns : tensor<128xi32, #v>
  %xs = ll.splat %x : !ll.ptr<f32> -> tensor<128x!ll.ptr<f32>, #v>
  %p = ll.addptr %xs, %r : tensor<128x!ll.ptr<f32>, #v>, tensor<128xi32, #v>
  %o = arith.constant dense<1.0> : tensor<128xf32, #v>
  %v = ll.load %p, %m, %o : (tensor<128x!ll.ptr<f32>, #v>, tensor<128xi1, #v>, tensor<128xf32, #v>) -> tensor<128xf32, #v>
  ll.store %p, %v, %m : (tensor<128x!ll.ptr<f32>, #v>, tensor<128xf32, #v>, tensor<128xi1, #v>) -> ()
  return
}
}

// -----

#v = #ll.blocked<{sizePerThread = [2], threadsPerWarp = [64], warpsPerCTA = [1], order = [0]}>
// CHECK-LABEL: llvm.func @masked_amd
// CHECK-NOT: llvm.cond_br
// CHECK: llvm.intr.masked.load %{{.*}}, %[[M:.*]], %{{.*}} {alignment = 8 : i32} : (!llvm.ptr<1>, vector<2xi1>, vector<2xf32>) -> vector<2xf32>
// CHECK: llvm.intr.masked.store %{{.*}}, %{{.*}}, %[[M]] {alignment = 8 : i32} : vector<2xf32>, vector<2xi1> into !llvm.ptr<1>
// CHECK-NOT: llvm.inline_asm
module attributes {ll.target = #ll.target<"gfx942">} {
func.func @masked_amd(%x: !ll.ptr<f32> {ll.divisibility = 16 : i64}, %n: i32 {ll.divisibility = 16 : i64}) attributes {ll.kernel} {
  %r = ll.make_range {start = 0 : i32, end = 128 : i32} : tensor<128xi32, #v>
  %ns = ll.splat %n : i32 -> tensor<128xi32, #v>
  %m = arith.cmpi slt, %r, %ns : tensor<128xi32, #v>
  %xs = ll.splat %x : !ll.ptr<f32> -> tensor<128x!ll.ptr<f32>, #v>
  %p = ll.addptr %xs, %r : tensor<128x!ll.ptr<f32>, #v>, tensor<128xi32, #v>
  %v = ll.load %p, %m : (tensor<128x!ll.ptr<f32>, #v>, tensor<128xi1, #v>) -> tensor<128xf32, #v>
  ll.store %p, %v, %m : (tensor<128x!ll.ptr<f32>, #v>, tensor<128xf32, #v>, tensor<128xi1, #v>) -> ()
  return
}
}

// -----

// tl.umulhi / tl.rand's philox: arith.mului_extended on tensors, each
// register's product split into its low and high halves (the full product
// in i64); tl.debug_barrier: gpu.barrier is the target's CTA barrier.
#r = #ll.linear<{register = [[1]], lane = [[2], [4], [8], [16], [32]], warp = [], block = []}>
// CHECK-LABEL: llvm.func @umulhi_barrier
// CHECK-COUNT-2: llvm.mul {{.*}} : i64
// CHECK: nvvm.barrier0
// CHECK-NOT: gpu.barrier
// CHECK-NOT: arith.mului_extended
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @umulhi_barrier(%x: tensor<64xi32, #r>, %y: tensor<64xi32, #r>) -> tensor<64xi32, #r> {
  %lo, %hi = arith.mului_extended %x, %y : tensor<64xi32, #r>
  gpu.barrier
  %s = arith.addi %lo, %hi : tensor<64xi32, #r>
  return %s : tensor<64xi32, #r>
}
}

// -----

// The same barrier on AMD.
// CHECK-LABEL: llvm.func @barrier_amd
// CHECK: rocdl.s.barrier
module attributes {ll.target = #ll.target<"gfx942">} {
func.func @barrier_amd() {
  gpu.barrier
  return
}
}

// -----

// ll.cat moves nothing: the lhs registers, then the rhs registers.
#b = #ll.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
// CHECK-LABEL: llvm.func @cat
// CHECK: %[[A:.*]] = llvm.extractvalue %arg0[0]
// CHECK: %[[B:.*]] = llvm.extractvalue %arg1[0]
// CHECK: %[[U:.*]] = llvm.insertvalue %[[A]], %{{.*}}[0] : !llvm.struct<(f32, f32)>
// CHECK: llvm.insertvalue %[[B]], %[[U]][1] : !llvm.struct<(f32, f32)>
// CHECK-NOT: nvvm.shfl
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @cat(%a: tensor<128xf32, #b>, %c: tensor<128xf32, #b>) -> tensor<256xf32, #b> {
  %0 = ll.cat %a, %c : tensor<128xf32, #b> -> tensor<256xf32, #b>
  return %0 : tensor<256xf32, #b>
}
}

// -----

// ll.extern_elementwise: one call per register of a declared function;
// ll.elementwise_inline_asm: the asm per register (pairs packed in a
// vector with packed_element = 2).
#b = #ll.blocked<{sizePerThread = [2], threadsPerWarp = [32], warpsPerCTA = [1], order = [0]}>
// CHECK-DAG: llvm.func @__nv_powf(f32, f32) -> f32
// CHECK-LABEL: llvm.func @extern_asm
// CHECK-COUNT-2: llvm.call @__nv_powf
// CHECK: llvm.inline_asm asm_dialect = att "prmt.b32 $0, $1, 0, 0x3210;", "=r,r" %{{.*}} : (vector<2xi16>) -> vector<2xi16>
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @extern_asm(%x: tensor<64xf32, #b>, %h: tensor<64xi16, #b>) -> (tensor<64xf32, #b>, tensor<64xi16, #b>) {
  %0 = ll.extern_elementwise %x, %x {pure = true, symbol = "__nv_powf"} : (tensor<64xf32, #b>, tensor<64xf32, #b>) -> tensor<64xf32, #b>
  %1 = ll.elementwise_inline_asm "prmt.b32 $0, $1, 0, 0x3210;" {constraints = "=r,r", packed_element = 2 : i32, pure = true} %h : tensor<64xi16, #b> -> tensor<64xi16, #b>
  return %0, %1 : tensor<64xf32, #b>, tensor<64xi16, #b>
}
}
