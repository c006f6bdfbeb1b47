// RUN: ll-opt %s -split-input-file -verify-diagnostics

// A basis with the wrong number of components.
// expected-error @+1 {{every basis must have 2 components (the tensor rank)}}
#l = #ll.linear<{register = [[0, 1], [1]], lane = [], warp = [], block = []}>

// -----

// A size that is not a power of two.
// expected-error @+1 {{#ll.blocked: sizePerThread = [3, 1] must hold powers of two}}
#b = #ll.blocked<{sizePerThread = [3, 1], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>

// -----

// Bases that do not reach every element.
// expected-error @+1 {{#ll.linear: layout is not surjective}}
#l = #ll.linear<{register = [[0, 2]], lane = [[1, 0]], warp = [], block = []}>

// -----

// A distributed basis may move one dim only.
// expected-error @+1 {{each basis must move at most one dim}}
#l = #ll.linear<{register = [[1, 1]], lane = [[1, 0]], warp = [], block = []}>

// -----

// expected-error @+1 {{order = [1, 1] must be a permutation of 0..1}}
#b = #ll.blocked<{sizePerThread = [1, 1], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 1]}>

// -----

// expected-error @+1 {{unexpected key 'sizePerWarp'}}
#b = #ll.blocked<{sizePerThread = [1, 1], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0], sizePerWarp = [1, 1]}>

// -----

// expected-error @+1 {{missing parameter 'order'}}
#b = #ll.blocked<{sizePerThread = [1, 1], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1]}>

// -----

#b = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>
// expected-error @+1 {{#ll.slice: dim 2 is out of range for a rank 2 parent}}
func.func @f(%a: tensor<64xf32, #ll.slice<{dim = 2, parent = #b}>>) { return }

// -----

#mma = #ll.nvidia_mma<{versionMajor = 2, versionMinor = 0, warpsPerCTA = [2, 2], instrShape = [16, 8]}>
// expected-error @+1 {{#ll.dot_op: dot_op with an nvidia_mma parent needs a power-of-two kWidth}}
func.func @f(%a: tensor<64x64xf16, #ll.dot_op<{opIdx = 0, parent = #mma}>>) { return }

// -----

// expected-error @+1 {{#ll.nvidia_mma: nvidia_mma versionMajor 7 is not supported}}
#mma = #ll.nvidia_mma<{versionMajor = 7, versionMinor = 0, warpsPerCTA = [2, 2], instrShape = [16, 8]}>

// -----

#b = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>
// A tensor dim that is not a power of two.
// expected-error @+1 {{the layout does not apply to the tensor shape: every tensor dim must be a power of two (got 12)}}
func.func @f(%a: tensor<12x16xf32, #b>) { return }

// -----

#b = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>
// expected-error @+1 {{the layout has rank 2 but the tensor has rank 1}}
func.func @f(%a: tensor<16xf32, #b>) { return }

// -----

#s = #ll.swizzled_shared<{vec = 8, perPhase = 1, maxPhase = 8, order = [1, 0]}>
// expected-error @+1 {{a memory layout cannot encode a tensor (use !ll.memdesc)}}
func.func @f(%a: tensor<64x64xf16, #s>) { return }

// -----

#b = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>
// expected-error @+1 {{!ll.memdesc needs a memory layout}}
func.func @f(%a: !ll.memdesc<64x64xf16, #b>) { return }

// -----

// expected-error @+1 {{after removing the zero bases the layout must be bijective}}
#s = #ll.shared<{offset = [[0, 1], [0, 1], [1, 0]], block = []}>

// -----

// expected-error @+1 {{nvmma_shared: block shape is too small for the swizzle byte size}}
func.func @f(%a: !ll.memdesc<64x32xf16, #ll.nvmma_shared<{swizzlingByteWidth = 128, transposed = false, elementBitWidth = 16}>>) { return }

// -----

#a = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>
func.func @f(%a: tensor<64x64xf32, #a>) {
  // expected-error @+1 {{requires the same shape for all operands and results}}
  %0 = ll.convert_layout %a : tensor<64x64xf32, #a> -> tensor<64x32xf32, #a>
  return
}

// -----

// The result layout of a transpose is determined by the source layout.
#a = #ll.linear<{register = [[0, 1], [0, 2]], lane = [[0, 4], [1, 0], [2, 0]], warp = [], block = []}>
#wrong = #ll.linear<{register = [[0, 1], [0, 2]], lane = [[4, 0], [1, 0], [2, 0]], warp = [], block = []}>
func.func @f(%x: tensor<4x8xf32, #a>) {
  // expected-error @+1 {{result layout is not the one the source layout implies}}
  %t = ll.trans %x {order = array<i32: 1, 0>} : tensor<4x8xf32, #a> -> tensor<8x4xf32, #wrong>
  return
}

// -----

#a = #ll.linear<{register = [[0, 1], [0, 2]], lane = [[0, 4], [1, 0], [2, 0]], warp = [], block = []}>
#b = #ll.linear<{register = [[2], [1]], lane = [[4], [8], [16]], warp = [], block = []}>
func.func @f(%x: tensor<4x8xf32, #a>) {
  // expected-error @+1 {{result layout is not the one the source layout implies}}
  %r = ll.reshape %x : tensor<4x8xf32, #a> -> tensor<32xf32, #b>
  return
}

// -----

#b = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>
#c = #ll.blocked<{sizePerThread = [4, 1], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>
func.func @f() {
  %r = ll.make_range {start = 0 : i32, end = 64 : i32} : tensor<64xi32, #ll.slice<{dim = 1, parent = #b}>>
  // expected-error @+1 {{result layout is not the one the source layout implies}}
  %e = ll.expand_dims %r {axis = 1 : i32} : tensor<64xi32, #ll.slice<{dim = 1, parent = #b}>> -> tensor<64x1xi32, #c>
  return
}

// -----

#b = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>
func.func @f() {
  // expected-error @+1 {{end - start (32) must equal the result size (64)}}
  %r = ll.make_range {start = 0 : i32, end = 32 : i32} : tensor<64xi32, #ll.slice<{dim = 1, parent = #b}>>
  return
}

// -----

#b = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>
#s = #ll.swizzled_shared<{vec = 8, perPhase = 1, maxPhase = 8, order = [1, 0]}>
func.func @f(%a: tensor<64x64xf16, #b>, %m: !ll.memdesc<64x64xf16, #s>) {
  // expected-error @+1 {{cannot store to immutable shared memory}}
  ll.local_store %a, %m : tensor<64x64xf16, #b> -> !ll.memdesc<64x64xf16, #s>
  return
}

// -----

#p = #ll.linear<{register = [[1]], lane = [[2], [4], [8], [16], [32]], warp = [], block = []}>
#w = #ll.linear<{register = [[1, 0]], lane = [[2, 0], [4, 0], [8, 0], [16, 0], [0, 1]], warp = [], block = []}>
func.func @f(%a: tensor<64xf32, #p>) {
  // expected-error @+1 {{the last dim (of size 2) must be held by exactly one register basis}}
  %j = ll.join %a, %a : tensor<64xf32, #p> -> tensor<64x2xf32, #w>
  return
}

// -----

// CTA (block) bases are distributed: each moves one dim.
// expected-error @+1 {{each CGALayout basis must move at most one dim}}
#b = #ll.blocked<{sizePerThread = [1, 1], threadsPerWarp = [4, 8], warpsPerCTA = [2, 2], order = [0, 1], CGALayout = [[1, 0], [1, 1]]}>

// -----

#b = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>
#c = #ll.blocked<{sizePerThread = [1, 1], threadsPerWarp = [4, 8], warpsPerCTA = [4, 1], order = [1, 0]}>
func.func @f(%a: tensor<64x1xf32, #b>) {
  // expected-error @+1 {{the source layout must be the result layout with the broadcast dims projected out}}
  %0 = ll.broadcast %a : tensor<64x1xf32, #b> -> tensor<64x64xf32, #c>
  return
}

// -----

#b = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>
func.func @f(%a: tensor<64x4xf32, #b>) {
  // expected-error @+1 {{dim 1 can only be broadcast from size 1}}
  %0 = ll.broadcast %a : tensor<64x4xf32, #b> -> tensor<64x64xf32, #b>
  return
}

// -----

#a = #ll.linear<{register = [[1, 0]], lane = [[2, 0], [4, 0], [8, 0], [0, 1], [0, 2]], warp = [], block = []}>
#b = #ll.linear<{register = [[0, 1]], lane = [[2, 0], [4, 0], [8, 0], [1, 0], [0, 2]], warp = [], block = []}>
func.func @f(%s: tensor<8x4xf32, #a>, %i: tensor<16x4xi32, #a>) {
  // expected-error @+1 {{the result must have the layout of the indices}}
  %g = ll.gather %s[%i] {axis = 0 : i32} : (tensor<8x4xf32, #a>, tensor<16x4xi32, #a>) -> tensor<16x4xf32, #b>
  return
}

// -----

#b = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>
func.func @f(%s: f16) {
  // expected-error @+1 {{the scalar must have the result's element type}}
  %0 = ll.splat %s : f16 -> tensor<64x64xf32, #b>
  return
}

// -----

#b = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>
#s = #ll.swizzled_shared<{vec = 8, perPhase = 1, maxPhase = 8, order = [1, 0]}>
func.func @f(%m: !ll.memdesc<64x64xf16, #s>) {
  // expected-error @+1 {{the tensor and the memory descriptor must have one shape and element type}}
  %0 = ll.local_load %m : !ll.memdesc<64x64xf16, #s> -> tensor<64x64xf32, #b>
  return
}

// -----

#s = #ll.swizzled_shared<{vec = 8, perPhase = 1, maxPhase = 8, order = [1, 0]}>
func.func @f() {
  // expected-error @+1 {{an allocation without an initial value must be mutable}}
  %m = ll.local_alloc : () -> !ll.memdesc<64x64xf16, #s>
  return
}

// -----

#w = #ll.linear<{register = [[0, 1], [1, 0]], lane = [[2, 0], [4, 0], [8, 0], [16, 0], [32, 0]], warp = [], block = []}>
#q = #ll.linear<{register = [], lane = [[2], [4], [8], [16], [32]], warp = [[1]], block = []}>
func.func @f(%a: tensor<64x2xf32, #w>) {
  // expected-error @+1 {{result layout is not the one the source layout implies}}
  %l, %r = ll.split %a : tensor<64x2xf32, #w> -> tensor<64xf32, #q>
  return
}

// -----

// The 32-bit bounds are signed: this range wraps around, it does not hold 128
// values.
#b = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>
func.func @f() {
  // expected-error @+1 {{end (-2147483648) must be greater than start (2147483520)}}
  %r = ll.make_range {start = 2147483520 : i32, end = -2147483648 : i32} : tensor<128xi32, #ll.slice<{dim = 1, parent = #b}>>
  return
}

// -----

// Attributes nest at most 64 levels deep (10,000 would overflow the stack).
// expected-error @+1 {{layout attributes nest too deeply (more than 64 levels)}}
#deep = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.slice<{dim = 0, parent = #ll.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [1], order = [0]}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>}>

// -----

// A kWidth whose operand tile would overflow (was a SIGFPE while parsing).
// expected-error @+1 {{#ll.dot_op: dot_op with an nvidia_mma parent needs a power-of-two kWidth (at most 2^27, got 1073741824)}}
#d = #ll.dot_op<{opIdx = 0, parent = #ll.nvidia_mma<{versionMajor = 2, versionMinor = 0, warpsPerCTA = [1, 1], instrShape = [16, 8]}>, kWidth = 1073741824}>

// -----

// A tensor of more than 2^30 elements.
#b = #ll.blocked<{sizePerThread = [1, 1], threadsPerWarp = [1, 32], warpsPerCTA = [1, 1], order = [1, 0]}>
// expected-error @+1 {{a tensor of 2^32 elements is too large (at most 2^30)}}
func.func @f(%x: tensor<65536x65536xf16, #b>) { return }

// -----

func.func @f(%p: !ll.ptr<f32>) {
  // expected-error @+1 {{expected a grid axis x, y or z, got 'w'}}
  %0 = ll.program_id w : i32
  return
}

// -----

func.func @f(%p: !ll.ptr<f32>) {
  // expected-error @+1 {{the result must be 'f32'}}
  %0 = ll.load %p : (!ll.ptr<f32>) -> f16
  return
}

// -----

#b = #ll.blocked<{sizePerThread = [4], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
#c = #ll.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
func.func @f(%p: tensor<512x!ll.ptr<f32>, #b>, %v: tensor<512xf32, #b>, %m: tensor<512xi1, #c>) {
  // expected-error @+1 {{the mask must have the pointers' layout}}
  ll.store %p, %v, %m : (tensor<512x!ll.ptr<f32>, #b>, tensor<512xf32, #b>, tensor<512xi1, #c>) -> ()
  return
}

// -----

func.func @f(%p: !ll.ptr<f32>, %o: f32, %m: i1) {
  // expected-error @+1 {{`other` needs a mask}}
  %0 = "ll.load"(%p, %o) {operandSegmentSizes = array<i32: 1, 0, 1>} : (!ll.ptr<f32>, f32) -> f32
  return
}

// -----

// expected-error @+1 {{a pointer points to scalars, not to 'tensor<4xf32>'}}
func.func @f(%p: !ll.ptr<tensor<4xf32>>) { return }

// -----

func.func @f(%x: f32) -> i16 {
  // expected-error @+1 {{expects integers or floats of one width, or pointers in one address space, got 'f32' -> 'i16'}}
  %0 = ll.bitcast %x : f32 -> i16
  return %0 : i16
}

// -----

func.func @f(%p: !ll.ptr<f32>) -> !ll.ptr<f32, 3> {
  // expected-error @+1 {{pointers in one address space}}
  %0 = ll.bitcast %p : !ll.ptr<f32> -> !ll.ptr<f32, 3>
  return %0 : !ll.ptr<f32, 3>
}

// -----

func.func @f(%x: i32) -> !ll.ptr<f32> {
  // expected-error @+1 {{expects i64 to a pointer, got 'i32' -> '!ll.ptr<f32>'}}
  %0 = ll.int_to_ptr %x : i32 -> !ll.ptr<f32>
  return %0 : !ll.ptr<f32>
}

// -----

#b = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [4, 8], warpsPerCTA = [2, 2], order = [1, 0]}>
func.func @f(%x: tensor<32x64xf32, #b>) {
  // expected-error @+1 {{result layout is not the one the source layout implies}}
  %0 = "ll.reduce"(%x) <{axis = 1 : i32}> ({
  ^bb0(%a: f32, %c: f32):
    %s = arith.addf %a, %c : f32
    ll.reduce.return %s : f32
  }) : (tensor<32x64xf32, #b>) -> tensor<32xf32, #ll.slice<{dim = 0, parent = #b}>>
  return
}

// -----

#b = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [4, 8], warpsPerCTA = [2, 2], order = [1, 0]}>
func.func @f(%x: tensor<32x64xf32, #b>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = "ll.reduce"(%x) <{axis = 2 : i32}> ({
  ^bb0(%a: f32, %c: f32):
    %s = arith.addf %a, %c : f32
    ll.reduce.return %s : f32
  }) : (tensor<32x64xf32, #b>) -> tensor<32xf32, #ll.slice<{dim = 1, parent = #b}>>
  return
}

// -----

#b = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [4, 8], warpsPerCTA = [2, 2], order = [1, 0]}>
func.func @f(%x: tensor<32x64xf32, #b>) {
  // expected-error @+1 {{the combining region must take 2 arguments (the accumulated values, then the new ones), not 1}}
  %0 = "ll.reduce"(%x) <{axis = 1 : i32}> ({
  ^bb0(%a: f32):
    ll.reduce.return %a : f32
  }) : (tensor<32x64xf32, #b>) -> tensor<32xf32, #ll.slice<{dim = 1, parent = #b}>>
  return
}

// -----

#v = #ll.blocked<{sizePerThread = [2], threadsPerWarp = [32], warpsPerCTA = [2], order = [0]}>
func.func @f(%x: tensor<128xi32, #v>) {
  // expected-error @+1 {{combining region argument 1 must have type 'i32'}}
  %0 = "ll.scan"(%x) <{axis = 0 : i32, reverse = false}> ({
  ^bb0(%a: i32, %c: i64):
    ll.scan.return %a : i32
  }) : (tensor<128xi32, #v>) -> tensor<128xi32, #v>
  return
}

// -----

#v = #ll.blocked<{sizePerThread = [2], threadsPerWarp = [32], warpsPerCTA = [2], order = [0]}>
func.func @f(%x: tensor<128xi32, #v>) {
  // expected-error @+1 {{reducing a 1-D tensor gives a scalar of its element type}}
  %0 = "ll.reduce"(%x) <{axis = 0 : i32}> ({
  ^bb0(%a: i32, %c: i32):
    %s = arith.addi %a, %c : i32
    ll.reduce.return %s : i32
  }) : (tensor<128xi32, #v>) -> tensor<1xi32, #v>
  return
}

// -----

func.func @f(%x: f32) -> f8E4M3FN {
  // expected-error @+1 {{needs a rounding mode: 'f32' -> 'f8E4M3FN' loses precision or range}}
  %0 = ll.fp_to_fp %x : f32 -> f8E4M3FN
  return %0 : f8E4M3FN
}

// -----

func.func @f(%x: f16) -> f32 {
  // expected-error @+1 {{takes no rounding mode: 'f16' -> 'f32' is exact}}
  %0 = ll.fp_to_fp %x, rounding = rtz : f16 -> f32
  return %0 : f32
}

// -----

func.func @f(%x: i32) -> f32 {
  // expected-error @+1 {{converts floats, got 'i32' -> 'f32'}}
  %0 = ll.fp_to_fp %x : i32 -> f32
  return %0 : f32
}

// -----

#b = #ll.blocked<{sizePerThread = [4], threadsPerWarp = [32], warpsPerCTA = [1], order = [0]}>
func.func @f(%x: tensor<512xf32, #b>) -> tensor<64xi32, #b> {
  // expected-error @+1 {{counts integers, not 'f32'}}
  %h = ll.histogram %x : tensor<512xf32, #b> -> tensor<64xi32, #b>
  return %h : tensor<64xi32, #b>
}

// -----

// An atomic's value must be what its pointers point to.
func.func @atomic_value(%p: !ll.ptr<f32>, %v: f16) -> f32 {
  // expected-error @+1 {{the value must be 'f32', got 'f16'}}
  %0 = ll.atomic_rmw fadd, relaxed, gpu, %p, %v : (!ll.ptr<f32>, f16) -> f32
  return %0 : f32
}

// -----

// Integer operations need integers; fadd needs floats.
func.func @atomic_kind(%p: !ll.ptr<f32>, %v: f32) -> f32 {
  // expected-error @+1 {{umax needs integers, got 'f32'}}
  %0 = ll.atomic_rmw umax, relaxed, gpu, %p, %v : (!ll.ptr<f32>, f32) -> f32
  return %0 : f32
}

// -----

func.func @atomic_width(%p: !ll.ptr<i8>, %c: i8) -> i8 {
  // expected-error @+1 {{needs 16-, 32- or 64-bit elements, got 'i8'}}
  %0 = ll.atomic_cas acq_rel, gpu, %p, %c, %c : (!ll.ptr<i8>, i8, i8) -> i8
  return %0 : i8
}

// -----

func.func @atomic_sem(%p: !ll.ptr<i32>, %c: i32) -> i32 {
  // expected-error @+1 {{enum values for attribute 'sem' [relaxed, acquire, release, acq_rel]}}
  %0 = ll.atomic_cas seq_cst, gpu, %p, %c, %c : (!ll.ptr<i32>, i32, i32) -> i32
  return %0 : i32
}

// -----

#s = #ll.swizzled_shared<{vec = 1, perPhase = 1, maxPhase = 1, order = [0]}>
func.func @memdesc_index(%a: !ll.memdesc<2x64xf32, #s, mutable>, %i: i32) {
  // expected-error @+1 {{the result must be one buffer of the leading dim}}
  %b = ll.memdesc_index %a[%i] : !ll.memdesc<2x64xf32, #s, mutable> -> !ll.memdesc<32xf32, #s, mutable>
  return
}

// -----

#b = #ll.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [2], order = [0]}>
#s = #ll.swizzled_shared<{vec = 1, perPhase = 1, maxPhase = 1, order = [0]}>
func.func @async_copy_immutable(%p: tensor<64x!ll.ptr<f32>, #b>, %a: !ll.memdesc<64xf32, #s>) {
  // expected-error @+1 {{cannot copy to immutable shared memory}}
  %t = ll.async_copy %p, %a : (tensor<64x!ll.ptr<f32>, #b>, !ll.memdesc<64xf32, #s>) -> !ll.async_token
  return
}

// -----

#b = #ll.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [4], order = [0]}>
func.func @cat_size(%a: tensor<128xf32, #b>) -> tensor<128xf32, #b> {
  // expected-error @+1 {{the result must hold the elements of both operands}}
  %0 = ll.cat %a, %a : tensor<128xf32, #b> -> tensor<128xf32, #b>
  return %0 : tensor<128xf32, #b>
}

// -----

func.func @print_signs(%x: f32, %y: f32) {
  // expected-error @+1 {{needs one isSigned entry per operand, got 1 for 2}}
  ll.print " x: " {hex = false, isSigned = array<i32: 0>} : %x, %y : f32, f32
  return
}

// -----

// A TMA tile copy needs a buffer of the descriptor's tile in its layout.
#nv = #ll.nvmma_shared<{swizzlingByteWidth = 128, transposed = false, elementBitWidth = 32}>
#s = #ll.swizzled_shared<{vec = 1, perPhase = 1, maxPhase = 1, order = [1, 0]}>
#s1 = #ll.swizzled_shared<{vec = 1, perPhase = 1, maxPhase = 1, order = [0]}>
func.func @tma_tile(%d: !ll.tensordesc<16x32xf32, #nv>, %i: i32, %p: i1,
                    %buf: !ll.memdesc<16x32xf32, #s, mutable>, %bar: !ll.memdesc<1xi64, #s1, mutable>) {
  // expected-error @+1 {{must hold the descriptor's tile}}
  ll.async_tma_copy_global_to_local %d[%i, %i] %buf, %bar, %p : !ll.tensordesc<16x32xf32, #nv>, !ll.memdesc<1xi64, #s1, mutable> -> !ll.memdesc<16x32xf32, #s, mutable>
  return
}

// -----

// An mbarrier is one i64.
#s1 = #ll.swizzled_shared<{vec = 1, perPhase = 1, maxPhase = 1, order = [0]}>
func.func @barrier(%bar: !ll.memdesc<2xi32, #s1, mutable>) {
  // expected-error @+1 {{the barrier must be one i64 of shared memory}}
  ll.init_barrier %bar, 1 : !ll.memdesc<2xi32, #s1, mutable>
  return
}

// -----

#nv = #ll.nvmma_shared<{swizzlingByteWidth = 128, transposed = false, elementBitWidth = 32}>
func.func @tensormap(%m: !ll.ptr<i8>, %x: !ll.ptr<f32>, %c: i32, %s: i64) {
  // expected-error @+1 {{needs 1 to 5 box sizes, as many sizes and element strides, and one stride fewer}}
  ll.tensormap_create %m, %x, [%c, %c], [%c], [%s], [%c, %c] {elem_type = 7 : i32, fill_mode = 0 : i32, interleave_layout = 0 : i32, swizzle_mode = 3 : i32} : (!ll.ptr<i8>, !ll.ptr<f32>, i32, i32, i32, i64, i32, i32) -> ()
  return
}

// -----

#c = #ll.blocked<{sizePerThread = [2, 2], threadsPerWarp = [4, 8], warpsPerCTA = [1, 1], order = [1, 0]}>
func.func @dot_shapes(%x: tensor<8x4xf32, #c>, %y: tensor<8x16xf32, #c>, %z: tensor<8x16xf32, #c>) {
  // expected-error @+1 {{shapes do not multiply}}
  %d = ll.dot %x, %y, %z : tensor<8x4xf32, #c> * tensor<8x16xf32, #c> -> tensor<8x16xf32, #c>
  return
}

// -----

// A transposed view must carry the source's layout, transposed.
#nv = #ll.nvmma_shared<{swizzlingByteWidth = 128, transposed = false, elementBitWidth = 16}>
func.func @f() {
  %m = ll.local_alloc : () -> !ll.memdesc<64x64xf16, #nv, mutable>
  // expected-error @+1 {{result layout is not the one the source layout implies}}
  %t = ll.memdesc_trans %m {order = array<i32: 1, 0>} : !ll.memdesc<64x64xf16, #nv, mutable> -> !ll.memdesc<64x64xf16, #nv, mutable>
  return
}

// -----

#nv = #ll.nvmma_shared<{swizzlingByteWidth = 64, transposed = false, elementBitWidth = 16}>
#mma = #ll.nvidia_mma<{versionMajor = 3, versionMinor = 0, warpsPerCTA = [4, 1], instrShape = [16, 64, 16]}>
func.func @f(%c: tensor<64x64xf32, #mma>) {
  %a = ll.local_alloc : () -> !ll.memdesc<64x32xf16, #nv, mutable>
  // expected-error @+1 {{shapes do not multiply}}
  %d = ll.warp_group_dot %a, %a, %c : !ll.memdesc<64x32xf16, #nv, mutable> * !ll.memdesc<64x32xf16, #nv, mutable> -> tensor<64x64xf32, #mma>
  return
}

// -----

#mma = #ll.nvidia_mma<{versionMajor = 3, versionMinor = 0, warpsPerCTA = [4, 1], instrShape = [16, 64, 16]}>
func.func @f(%c: tensor<64x64xf32, #mma>) {
  // expected-error @+1 {{expects {pendings = N : i32}}}
  %r = ll.warp_group_dot_wait %c : tensor<64x64xf32, #mma>
  return
}

// -----

#b = #ll.blocked<{sizePerThread = [1, 2], threadsPerWarp = [32, 1], warpsPerCTA = [1, 1], order = [1, 0]}>
func.func @f(%x: tensor<32x2xi8, #b>) {
  // expected-error @+1 {{the result has the source's shape with dim 1 doubled}}
  %y = ll.fp4_to_fp %x {axis = 1 : i32} : tensor<32x2xi8, #b> -> tensor<32x2xbf16, #b>
  return
}

// -----

// The scales of ll.upcast_mxfp must be held where the results are.
#v = #ll.blocked<{sizePerThread = [1, 16], threadsPerWarp = [64, 1], warpsPerCTA = [1, 1], order = [1, 0]}>
#d = #ll.blocked<{sizePerThread = [1, 32], threadsPerWarp = [64, 1], warpsPerCTA = [1, 1], order = [1, 0]}>
#sc = #ll.blocked<{sizePerThread = [1, 1], threadsPerWarp = [32, 2], warpsPerCTA = [1, 1], order = [1, 0]}>
func.func @f(%x: tensor<64x16xi8, #v>, %s: tensor<64x1xi8, #sc>) {
  // expected-error @+1 {{the scales must be in the result's layout with dim 1 divided by 32}}
  %y = ll.upcast_mxfp %x, %s {axis = 1 : i32} : tensor<64x16xi8, #v>, tensor<64x1xi8, #sc> -> tensor<64x32xbf16, #d>
  return
}

// -----

// A box's origin is a multiple of its size (its coordinates' bits are then
// the origin's OR its own).
#s = #ll.swizzled_shared<{vec = 8, perPhase = 1, maxPhase = 4, order = [1, 0]}>
func.func @f(%m: !ll.memdesc<64x32xf16, #s, mutable>) {
  // expected-error @+1 {{each offset must be a multiple of the result's size in its dim}}
  %v = ll.memdesc_subslice %m[0, 8] : !ll.memdesc<64x32xf16, #s, mutable> -> !ll.memdesc<64x16xf16, #s, mutable, 64x32>
  return
}

// -----

#s = #ll.swizzled_shared<{vec = 8, perPhase = 1, maxPhase = 4, order = [1, 0]}>
func.func @f(%m: !ll.memdesc<64x32xf16, #s, mutable>) {
  // expected-error @+1 {{the result's allocation shape must be the source's}}
  %v = ll.memdesc_subslice %m[0, 16] : !ll.memdesc<64x32xf16, #s, mutable> -> !ll.memdesc<64x16xf16, #s, mutable, 64x64>
  return
}

// -----

#s = #ll.swizzled_shared<{vec = 8, perPhase = 1, maxPhase = 4, order = [1, 0]}>
// expected-error @+1 {{a view's allocation shape must have its rank, differ from its shape and be a multiple of it}}
func.func @f(%m: !ll.memdesc<64x24xf16, #s, mutable, 64x48>) {
  return
}

// -----

// An already converted MX operand is scaled in place: the result's type and
// layout.
#d = #ll.blocked<{sizePerThread = [1, 32], threadsPerWarp = [64, 1], warpsPerCTA = [1, 1], order = [1, 0]}>
#e = #ll.blocked<{sizePerThread = [32, 1], threadsPerWarp = [1, 64], warpsPerCTA = [1, 1], order = [0, 1]}>
#sc = #ll.linear<{register = [[0, 0], [0, 0], [0, 0], [0, 0], [0, 0]], lane = [[1, 0], [2, 0], [4, 0], [8, 0], [16, 0], [32, 0]], warp = [], block = []}>
func.func @f(%x: tensor<64x32xbf16, #e>, %s: tensor<64x1xi8, #sc>) {
  // expected-error @+1 {{the source is bytes (i8 e2m1 pairs) or the result's type and layout}}
  %y = ll.upcast_mxfp %x, %s {axis = 1 : i32} : tensor<64x32xbf16, #e>, tensor<64x1xi8, #sc> -> tensor<64x32xbf16, #d>
  return
}
