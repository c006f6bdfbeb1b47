// RUN: ll-opt %s -ll-plan-conversions="target=sm_90 traffic-first=true" | FileCheck %s

// The 8-bit 64x64 transpose by the least shared-memory traffic (the paper's
// objective): bytes are exchanged inside the warp first (a rotated shuffle,
// 4 bytes packed per 32-bit shuffle, 6 per thread: 8 rounds, 2 of which read
// the thread's own lane) so that the stores move whole 32-bit words: 8
// stores of one wavefront and 2 loads of four (4 KB / 128 B = 32 per CTA
// each way, the minimum).
#row = #ll.blocked<{sizePerThread = [1, 16], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>
#col = #ll.blocked<{sizePerThread = [16, 1], threadsPerWarp = [4, 8], warpsPerCTA = [1, 4], order = [0, 1]}>
// CHECK-LABEL: func.func @byte_transpose
// CHECK: ll.convert_layout %{{.*}} {ll.cycles = {{[0-9]+}} : i64, ll.exchange_shuffles = 6 : i64, ll.load_wavefronts = 4 : i64, ll.plan = "shared", ll.rounds = 1 : i64, ll.scratch_bytes = 4096 : i64, ll.store_wavefronts = 1 : i64, ll.vector_width = 4 : i64}
func.func @byte_transpose(%x: tensor<64x64xi8, #row>) {
  %0 = ll.convert_layout %x : tensor<64x64xi8, #row> -> tensor<64x64xi8, #col>
  return
}
