// RUN: ll-opt %s -split-input-file -convert-triton-to-ll -verify-diagnostics

// The module's facts are checked against the target and the layouts once,
// at import: Triton's own lowering trusts them.

// A 64-lane module for a 32-lane target.
// expected-error @+1 {{ttg.threads-per-warp = 64, but sm_90 has 32 threads per warp}}
module attributes {"ttg.num-ctas" = 1 : i32, "ttg.num-warps" = 4 : i32, ttg.target = "cuda:90", "ttg.threads-per-warp" = 64 : i32} {
}

// -----

// expected-error @+1 {{ttg.num-warps = 3 is not a power of two with at most 1024 threads per CTA}}
module attributes {"ttg.num-ctas" = 1 : i32, "ttg.num-warps" = 3 : i32, ttg.target = "cuda:90", "ttg.threads-per-warp" = 32 : i32} {
}

// -----

// expected-error @+1 {{ttg.num-warps = 0 is not a power of two}}
module attributes {"ttg.num-ctas" = 1 : i32, "ttg.num-warps" = 0 : i32, ttg.target = "cuda:90", "ttg.threads-per-warp" = 32 : i32} {
}

// -----

// expected-error @+1 {{ttg.num-warps = -4 is not a power of two}}
module attributes {"ttg.num-ctas" = 1 : i32, "ttg.num-warps" = -4 : i32, ttg.target = "cuda:90", "ttg.threads-per-warp" = 32 : i32} {
}

// -----

// 32 warps of 64 lanes: 2048 threads, more than a workgroup holds.
// expected-error @+1 {{ttg.num-warps = 32 is not a power of two with at most 1024 threads per CTA}}
module attributes {"ttg.num-ctas" = 1 : i32, "ttg.num-warps" = 32 : i32, ttg.target = "hip:gfx942", "ttg.threads-per-warp" = 64 : i32} {
}

// -----

// expected-error @+1 {{module attribute ttg.num-warps must be an integer, not "4"}}
module attributes {"ttg.num-ctas" = 1 : i32, "ttg.num-warps" = "4", ttg.target = "cuda:90", "ttg.threads-per-warp" = 32 : i32} {
}

// -----

// expected-error @+1 {{module attribute ttg.target must be a string such as "cuda:90" or "hip:gfx942", not 90 : i32}}
module attributes {"ttg.num-ctas" = 1 : i32, "ttg.num-warps" = 4 : i32, ttg.target = 90 : i32, "ttg.threads-per-warp" = 32 : i32} {
}

// -----

// expected-error @+1 {{ttg.num-ctas = 2: thread block clusters are not supported}}
module attributes {"ttg.num-ctas" = 2 : i32, "ttg.num-warps" = 4 : i32, ttg.target = "cuda:90", "ttg.threads-per-warp" = 32 : i32} {
}

// -----

// Layouts that contradict the module's warps.
#blocked = #ttg.blocked<{sizePerThread = [1], threadsPerWarp = [32], warpsPerCTA = [2], order = [0]}>
module attributes {"ttg.num-ctas" = 1 : i32, "ttg.num-warps" = 4 : i32, ttg.target = "cuda:90", "ttg.threads-per-warp" = 32 : i32} {
  tt.func public @k() {
    // expected-error @+1 {{has a layout of 32 lanes, 2 warps and 1 CTAs, but the module has 32 threads per warp, 4 warps and 1 CTA}}
    %r = tt.make_range {end = 64 : i32, start = 0 : i32} : tensor<64xi32, #blocked>
    tt.return
  }
}

// -----

// A layout of 64 lanes in a 32-lane module.
#blocked = #ttg.blocked<{sizePerThread = [1], threadsPerWarp = [64], warpsPerCTA = [1], order = [0]}>
module attributes {"ttg.num-ctas" = 1 : i32, "ttg.num-warps" = 1 : i32, ttg.target = "cuda:90", "ttg.threads-per-warp" = 32 : i32} {
  tt.func public @k() {
    // expected-error @+1 {{has a layout of 64 lanes, 1 warps and 1 CTAs}}
    %r = tt.make_range {end = 64 : i32, start = 0 : i32} : tensor<64xi32, #blocked>
    tt.return
  }
}

// -----

// A kernel cannot return values (ptxas would reject the PTX).
module attributes {"ttg.num-ctas" = 1 : i32, "ttg.num-warps" = 4 : i32, ttg.target = "cuda:90", "ttg.threads-per-warp" = 32 : i32} {
  // expected-error @+1 {{kernel @k returns values; a kernel returns nothing}}
  tt.func public @k(%x: i32) -> i32 {
    tt.return %x : i32
  }
}

// -----

// Triton's targets become #ll.target; GPUs that are not handled are refused
// at import with the reason (a wave32 RDNA GPU, Blackwell).
// expected-error @+1 {{ttg.target "hip:gfx1100": target 'gfx1100' is not supported: RDNA GPUs run wave32}}
module attributes {"ttg.num-ctas" = 1 : i32, "ttg.num-warps" = 4 : i32, ttg.target = "hip:gfx1100", "ttg.threads-per-warp" = 32 : i32} {
}

// -----

// expected-error @+1 {{ttg.target "cuda:100": target 'sm_100' is not supported: Triton's code for it uses tensor memory and tcgen05 instructions}}
module attributes {"ttg.num-ctas" = 1 : i32, "ttg.num-warps" = 4 : i32, ttg.target = "cuda:100", "ttg.threads-per-warp" = 32 : i32} {
}
