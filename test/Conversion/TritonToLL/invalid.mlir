// RUN: ll-opt %s -split-input-file -verify-diagnostics

// Triton syntax the mirrors do not read is an error at its place.
module {
  // expected-error @+1 {{unsupported Triton type: a pointer to a tensor (block pointers)}}
  tt.func public @k(%x: !tt.ptr<tensor<16xf32>>) {
    tt.return
  }
}

// -----

// expected-error @+1 {{unsupported Triton attribute #ttg.nope}}
#n = #ttg.nope<{}>

// -----

// An empty `order` leaves no dimension to place the CTAs in (this aborted
// the parser on an out-of-range index; found by the ll-opt fuzz test).
// expected-error @+1 {{a layout of rank 0 (empty parameter lists)}}
#b = #ttg.blocked<{sizePerThread = [1], threadsPerWarp = [64], warpsPerCTA = [1], order = []}>
