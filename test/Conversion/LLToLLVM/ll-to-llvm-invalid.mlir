// RUN: ll-opt %s -split-input-file -convert-ll-to-llvm -verify-diagnostics

// An unknown target is an error naming the known ones.
// expected-error @+1 {{target 'sm_12' is not supported (known targets: sm_80, sm_86, sm_89, sm_90, sm_90a, gfx90a, gfx942, gfx950)}}
module attributes {ll.target = #ll.target<"sm_12">} {
}

// -----

// Known GPUs that are not handled are refused with the reason, never
// half-handled.
// expected-error @+1 {{target 'gfx1100' is not supported: RDNA GPUs run wave32}}
module attributes {ll.target = #ll.target<"gfx1100">} {
}

// -----

// expected-error @+1 {{target 'sm_100' is not supported: Triton's code for it uses tensor memory and tcgen05 instructions}}
module attributes {ll.target = #ll.target<"sm_100">} {
}

// -----

// There is no default target.
// expected-error @+1 {{no target: give the module an `ll.target` attribute (e.g. #ll.target<"sm_90">) or the pass a `target` option}}
module {
}

// -----

#a = #ll.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
#b = #ll.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [2], order = [0]}>
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @k(%p: !ll.ptr<i32>) attributes {ll.kernel} {
  %0 = ll.make_range {start = 0 : i32, end = 128 : i32} : tensor<128xi32, #a>
  // expected-error @+1 {{uses 2 warps where the kernel's other layouts use 4}}
  %1 = ll.make_range {start = 0 : i32, end = 64 : i32} : tensor<64xi32, #b>
  return
}
}

// -----

// Non-splat tensor constants are not lowered yet.
#a = #ll.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [1], order = [0]}>
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @f() -> tensor<32xi32, #a> {
  // expected-error @+2 {{cannot be lowered: only splat tensor constants are supported}}
  // expected-error @+1 {{failed to legalize operation 'arith.constant'}}
  %c = arith.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31]> : tensor<32xi32, #a>
  return %c : tensor<32xi32, #a>
}
}

// -----

// A layout over 64 lanes on a 32-lane target: half its elements would go to
// threads that do not exist.
#a = #ll.blocked<{sizePerThread = [1], threadsPerWarp = [64], warpsPerCTA = [2], order = [0]}>
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @k(%p: !ll.ptr<i32>) attributes {ll.kernel} {
  // expected-error @+1 {{has a layout of 64 lanes, but sm_90 has 32 threads per warp}}
  %0 = ll.make_range {start = 0 : i32, end = 128 : i32} : tensor<128xi32, #a>
  return
}
}

// -----

// The target attribute must name a target.
// expected-error @+1 {{'ll.target' must be a target such as #ll.target<"sm_90">, not 5 : i32}}
module attributes {ll.target = 5 : i32} {
}

// -----

// The warps Triton launches must be a power of two.
module attributes {ll.target = #ll.target<"sm_90">} {
// expected-error @+1 {{ll.num_warps = 3 is not a power of two with at most 1024 threads per CTA}}
func.func @k(%p: !ll.ptr<i32>) attributes {ll.kernel, ll.num_warps = 3 : i32} {
  return
}
}

// -----

// Shared memory past what the target gives a CTA is refused at the buffer
// that overflows it (offsets past 2^28 aborted the lowering before).
#s = #ll.swizzled_shared<{vec = 1, perPhase = 1, maxPhase = 1, order = [0]}>
module attributes {ll.target = #ll.target<"gfx942">} {
func.func @k() attributes {ll.kernel} {
  // expected-error @+1 {{needs shared memory up to byte 1073741824 (1073741824 bytes from offset 0), more than the 65536 bytes gfx942 gives a CTA}}
  %m = ll.local_alloc : () -> !ll.memdesc<268435456xf32, #s, mutable>
  return
}
}

// -----

// A kernel returns nothing (translation aborted on one that did).
module attributes {ll.target = #ll.target<"sm_90">} {
// expected-error @+1 {{is a kernel (ll.kernel) but returns values; a kernel returns nothing}}
func.func @k(%x: i32) -> i32 attributes {ll.kernel} {
  return %x : i32
}
}

// -----

// Past Triton's largest tensor: refused before any register is built (a
// tensor<2^30 x f32> grew ll-opt past 10 GB).
#a = #ll.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @k(%p: !ll.ptr<f32>) attributes {ll.kernel} {
  // expected-error @+1 {{has a tensor of 1073741824 elements, more than Triton's largest (1048576, TRITON_MAX_TENSOR_NUMEL)}}
  %r = ll.make_range {start = 0 : i32, end = 1073741824 : i32} : tensor<1073741824xi32, #a>
  return
}
}

// -----

// 2048 registers of one tensor per thread: refused (a GPU thread has 255).
#a = #ll.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @k(%p: !ll.ptr<f32>) attributes {ll.kernel} {
  // expected-error @+1 {{holds 2048 registers of one tensor per thread, more than 1024 (split the tile, or use more warps)}}
  %r = ll.make_range {start = 0 : i32, end = 262144 : i32} : tensor<262144xi32, #a>
  return
}
}

// -----

// TMA needs sm_90: an mbarrier on sm_80 is refused with the target.
#s = #ll.swizzled_shared<{vec = 1, perPhase = 1, maxPhase = 1, order = [0]}>
module attributes {ll.target = #ll.target<"sm_80">} {
func.func @k() attributes {ll.kernel, ll.num_warps = 4 : i32} {
  %bar = ll.local_alloc : () -> !ll.memdesc<1xi64, #s, mutable>
  // expected-error @+1 {{needs the tensor memory accelerator (sm_90 or later), not sm_80}}
  ll.init_barrier %bar, 1 : !ll.memdesc<1xi64, #s, mutable>
  return
}
}

// -----

// Device tensor maps live in Triton's global scratch: a kernel without its
// scratch pointers cannot have one.
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @k() attributes {ll.kernel, ll.num_warps = 4 : i32} {
  // expected-error @+1 {{needs the kernel's global scratch pointer (Triton's ABI: convert-triton-to-ll with scratch-args=true)}}
  %m = ll.global_scratch_alloc {alignment = 128 : i32, nbytes = 128 : i32} : !ll.ptr<i8>
  return
}
}

// -----

// wgmma is an sm_90 instruction.
#nv = #ll.nvmma_shared<{swizzlingByteWidth = 128, transposed = false, elementBitWidth = 16}>
#mma = #ll.nvidia_mma<{versionMajor = 3, versionMinor = 0, warpsPerCTA = [4, 1], instrShape = [16, 64, 16]}>
module attributes {ll.target = #ll.target<"sm_80">} {
func.func @wgmma_sm80(%c: tensor<64x64xf32, #mma>) attributes {ll.num_warps = 4 : i32} {
  %a = ll.local_alloc : () -> !ll.memdesc<64x64xf16, #nv, mutable>
  // expected-error @+2 {{cannot be lowered: wgmma is an sm_90 instruction, the target is sm_80}}
  // expected-error @+1 {{failed to legalize operation 'll.warp_group_dot'}}
  %d = ll.warp_group_dot %a, %a, %c : !ll.memdesc<64x64xf16, #nv, mutable> * !ll.memdesc<64x64xf16, #nv, mutable> -> tensor<64x64xf32, #mma>
  return
}
}

// -----

// A buffer whose rows no wgmma descriptor walks is refused with each mode's
// reason: 64-byte rows whose 16-byte chunks are XORed with the row (row 1's
// first chunk at byte 80), where the 64-byte swizzle XORs with the row / 2
// (the descriptor reads row 1 at byte 64) and the 128-byte one takes rows
// of 128 bytes.
#sw = #ll.swizzled_shared<{vec = 8, perPhase = 1, maxPhase = 4, order = [1, 0]}>
#nv = #ll.nvmma_shared<{swizzlingByteWidth = 128, transposed = false, elementBitWidth = 16}>
#mma = #ll.nvidia_mma<{versionMajor = 3, versionMinor = 0, warpsPerCTA = [4, 1], instrShape = [16, 64, 16]}>
module attributes {ll.target = #ll.target<"sm_90">} {
func.func @wgmma_no_descriptor(%c: tensor<64x64xf32, #mma>) attributes {ll.num_warps = 4 : i32} {
  %a = ll.local_alloc : () -> !ll.memdesc<64x32xf16, #sw, mutable>
  %b = ll.local_alloc : () -> !ll.memdesc<32x64xf16, #nv, mutable>
  // expected-error @+2 {{no wgmma divides its layouts (A: no wgmma descriptor reads the buffer's layout (K-major 128-byte swizzle: element (1, 0) is at byte 80, the descriptor reads byte 144; K-major 64-byte swizzle: element (1, 0) is at byte 80, the descriptor reads byte 64;}}
  // expected-error @+1 {{failed to legalize operation 'll.warp_group_dot'}}
  %d = ll.warp_group_dot %a, %b, %c : !ll.memdesc<64x32xf16, #sw, mutable> * !ll.memdesc<32x64xf16, #nv, mutable> -> tensor<64x64xf32, #mma>
  return
}
}

// -----

// fp8 tensor-core dots need sm_89: on sm_80 no instruction divides them
// (mma m16n8 and its k32 operands, as linear layouts).
#mma = #ll.linear<{register = [[0, 1], [8, 0]], lane = [[0, 2], [0, 4], [1, 0], [2, 0], [4, 0]], warp = [], block = []}>
#a = #ll.linear<{register = [[0, 1], [0, 2], [8, 0], [0, 16]], lane = [[0, 4], [0, 8], [1, 0], [2, 0], [4, 0]], warp = [], block = []}>
#b = #ll.linear<{register = [[1, 0], [2, 0], [16, 0]], lane = [[4, 0], [8, 0], [0, 1], [0, 2], [0, 4]], warp = [], block = []}>
module attributes {ll.target = #ll.target<"sm_80">} {
func.func @fp8_dot(%x: tensor<16x32xf8E4M3FN, #a>, %y: tensor<32x8xf8E4M3FN, #b>, %z: tensor<16x8xf32, #mma>) -> tensor<16x8xf32, #mma> {
  // expected-error @+2 {{(sm_89+) e4m3 / e5m2 -> f32 so far}}
  // expected-error @+1 {{failed to legalize operation 'll.dot'}}
  %d = ll.dot %x, %y, %z : tensor<16x32xf8E4M3FN, #a> * tensor<32x8xf8E4M3FN, #b> -> tensor<16x8xf32, #mma>
  return %d : tensor<16x8xf32, #mma>
}
}
