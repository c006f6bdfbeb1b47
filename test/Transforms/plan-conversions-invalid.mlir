// RUN: ll-opt %s -split-input-file -ll-plan-conversions=target=sm_90 -verify-diagnostics
// Conversions that cannot be planned get a diagnostic, never a plan.

// 64-lane layouts on a 32-lane target (sm_90 by default).
#a = #ll.blocked<{sizePerThread = [1, 1], threadsPerWarp = [1, 64], warpsPerCTA = [4, 1], order = [1, 0]}>
#b = #ll.blocked<{sizePerThread = [1, 1], threadsPerWarp = [64, 1], warpsPerCTA = [1, 4], order = [0, 1]}>
func.func @wave64_on_sm80(%x: tensor<128x128xf32, #a>) {
  // expected-error @+1 {{the layouts have 64 lanes per warp but sm_90 has 32-lane warps}}
  %0 = ll.convert_layout %x : tensor<128x128xf32, #a> -> tensor<128x128xf32, #b>
  return
}

// -----

// A conversion cannot change the number of warps.
#a = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>
#b = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [2, 1], order = [1, 0]}>
func.func @warps_differ(%x: tensor<64x64xf32, #a>) {
  // expected-error @+1 {{the source runs on 4 warps but the destination on 2: a conversion cannot change the number of warps}}
  %0 = ll.convert_layout %x : tensor<64x64xf32, #a> -> tensor<64x64xf32, #b>
  return
}

// -----

// Elements wider than 64 bits.
#a = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>
#b = #ll.blocked<{sizePerThread = [4, 1], threadsPerWarp = [4, 8], warpsPerCTA = [1, 4], order = [0, 1]}>
func.func @wide(%x: tensor<64x64xvector<4xf32>, #a>) {
  // expected-error @+1 {{cannot be planned: element type 'vector<4xf32>' takes 128 bits, more than the 64 bits a conversion moves per element}}
  %0 = ll.convert_layout %x : tensor<64x64xvector<4xf32>, #a> -> tensor<64x64xvector<4xf32>, #b>
  return
}

// -----

// Elements without a known size.
#a = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>
#b = #ll.blocked<{sizePerThread = [4, 1], threadsPerWarp = [4, 8], warpsPerCTA = [1, 4], order = [0, 1]}>
func.func @unsized(%x: tensor<64x64x!llvm.token, #a>) {
  // expected-error @+1 {{cannot be planned: element type !llvm.token has no known size}}
  %0 = ll.convert_layout %x : tensor<64x64x!llvm.token, #a> -> tensor<64x64x!llvm.token, #b>
  return
}
