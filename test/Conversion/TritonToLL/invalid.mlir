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
