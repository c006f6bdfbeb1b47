// RUN: ll-opt %s | ll-opt | FileCheck %s
// Every layout attribute and the memdesc type round-trip through the printer.

// CHECK-DAG: #[[BLOCKED:.*]] = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>
// CHECK-DAG: #[[BLOCKEDCGA:.*]] = #ll.blocked<{sizePerThread = [1, 1], threadsPerWarp = [4, 8], warpsPerCTA = [2, 2], order = [0, 1], CGALayout = {{\[}}[1, 0], [0, 1]]}>
// CHECK-DAG: #[[LEGACYCGA:.*]] = #ll.blocked<{sizePerThread = [1, 1], threadsPerWarp = [4, 8], warpsPerCTA = [2, 2], order = [0, 1], CGALayout = {{\[}}[0, 0], [1, 0]]}>
// CHECK-DAG: #[[MMA:.*]] = #ll.nvidia_mma<{versionMajor = 2, versionMinor = 0, warpsPerCTA = [2, 2], instrShape = [16, 8]}>
// CHECK-DAG: #[[WGMMA:.*]] = #ll.nvidia_mma<{versionMajor = 3, versionMinor = 0, warpsPerCTA = [4, 1], instrShape = [16, 64, 16]}>
// CHECK-DAG: #[[MFMA:.*]] = #ll.amd_mfma<{version = 3, warpsPerCTA = [2, 2], instrShape = [32, 32, 8], isTransposed = true}>
// CHECK-DAG: #[[MFMA64:.*]] = #ll.amd_mfma<{version = 4, warpsPerCTA = [2, 2], instrShape = [16, 16, 32], isTransposed = false, tilesPerWarp = [2, 2], elementBitWidth = 64}>
// CHECK-DAG: #[[WMMA:.*]] = #ll.amd_wmma<{version = 3, isTranspose = false, warpsPerCTA = [4, 1], instrShape = [16, 16, 32]}>
// CHECK-DAG: #[[LINEAR:.*]] = #ll.linear<{register = {{\[}}[0, 1], [8, 0]], lane = {{\[}}[0, 2], [0, 4], [1, 0], [2, 0], [4, 0]], warp = {{\[}}[16, 0]], block = []}>
// CHECK-DAG: #[[SWZ:.*]] = #ll.swizzled_shared<{vec = 8, perPhase = 1, maxPhase = 8, order = [1, 0]}>
// CHECK-DAG: #[[ROT:.*]] = #ll.amd_rotating_shared<{vec = 2, perPhase = 1, maxPhase = 16, order = [0, 1]}>
// CHECK-DAG: #[[NVMMA:.*]] = #ll.nvmma_shared<{swizzlingByteWidth = 128, transposed = false, elementBitWidth = 16}>
// CHECK-DAG: #[[SHARED:.*]] = #ll.shared<{offset = {{\[}}[0, 1], [0, 2], [1, 1], [2, 2]], block = []}>
// CHECK-DAG: #[[PADDED:.*]] = #ll.padded_shared<[32:+4] {offset = {{\[}}[0, 1], [0, 2], [0, 4], [0, 8], [0, 16], [0, 32], [1, 0], [2, 0], [4, 0], [8, 0]], block = []}>

#blocked = #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4], warpsPerCTA = [4, 1], order = [1, 0]}>
#blocked_cga = #ll.blocked<{sizePerThread = [1, 1], threadsPerWarp = [4, 8], warpsPerCTA = [2, 2], order = [0, 1], CGALayout = [[1, 0], [0, 1]]}>
// The pre-3.6 CTA parameters are read as the equal CGALayout bases.
#legacy_cga = #ll.blocked<{sizePerThread = [1, 1], threadsPerWarp = [4, 8], warpsPerCTA = [2, 2], order = [0, 1], CTAsPerCGA = [2, 2], CTASplitNum = [2, 1], CTAOrder = [1, 0]}>
#mma = #ll.nvidia_mma<{versionMajor = 2, versionMinor = 0, warpsPerCTA = [2, 2], instrShape = [16, 8]}>
#wgmma = #ll.nvidia_mma<{versionMajor = 3, versionMinor = 0, warpsPerCTA = [4, 1], instrShape = [16, 64, 16]}>
#mfma = #ll.amd_mfma<{version = 3, warpsPerCTA = [2, 2], instrShape = [32, 32, 8], isTransposed = true}>
#mfma64 = #ll.amd_mfma<{version = 4, warpsPerCTA = [2, 2], instrShape = [16, 16, 32], isTransposed = false, tilesPerWarp = [2, 2], elementBitWidth = 64}>
#wmma = #ll.amd_wmma<{version = 3, isTranspose = false, warpsPerCTA = [4, 1], instrShape = [16, 16, 32]}>
#linear = #ll.linear<{register = [[0, 1], [8, 0]], lane = [[0, 2], [0, 4], [1, 0], [2, 0], [4, 0]], warp = [[16, 0]], block = []}>
#swz = #ll.swizzled_shared<{vec = 8, perPhase = 1, maxPhase = 8, order = [1, 0]}>
#nvmma = #ll.nvmma_shared<{swizzlingByteWidth = 128, transposed = false, elementBitWidth = 16}>
#shared = #ll.shared<{offset = [[0, 1], [0, 2], [1, 1], [2, 2]], block = []}>
#padded = #ll.padded_shared<[32:+4] {order = [1, 0], shape = [16, 64]}>

// CHECK-LABEL: func.func @distributed
// CHECK-SAME: tensor<64x64xf32, #[[BLOCKED]]>
// CHECK-SAME: tensor<64x64xf32, #[[BLOCKEDCGA]]>
// CHECK-SAME: tensor<64x64xf32, #[[LEGACYCGA]]>
// CHECK-SAME: tensor<64x64xf32, #[[MMA]]>
// CHECK-SAME: tensor<64x64xf32, #[[WGMMA]]>
// CHECK-SAME: tensor<64x64xf32, #[[MFMA]]>
// CHECK-SAME: tensor<64x64xf32, #[[MFMA64]]>
// CHECK-SAME: tensor<64x64xf32, #[[WMMA]]>
// CHECK-SAME: tensor<32x8xf32, #[[LINEAR]]>
// CHECK-SAME: tensor<64xf32, #ll.slice<{dim = 1, parent = #[[BLOCKED]]}>>
// CHECK-SAME: tensor<64x32xf16, #ll.dot_op<{opIdx = 0, parent = #[[MMA]], kWidth = 2}>>
// CHECK-SAME: tensor<32x64xf16, #ll.dot_op<{opIdx = 1, parent = #[[BLOCKED]]}>>
func.func @distributed(%a: tensor<64x64xf32, #blocked>, %b: tensor<64x64xf32, #blocked_cga>,
                       %c: tensor<64x64xf32, #legacy_cga>, %d: tensor<64x64xf32, #mma>,
                       %e: tensor<64x64xf32, #wgmma>, %f: tensor<64x64xf32, #mfma>,
                       %g: tensor<64x64xf32, #mfma64>, %h: tensor<64x64xf32, #wmma>,
                       %i: tensor<32x8xf32, #linear>,
                       %j: tensor<64xf32, #ll.slice<{dim = 1, parent = #blocked}>>,
                       %k: tensor<64x32xf16, #ll.dot_op<{opIdx = 0, parent = #mma, kWidth = 2}>>,
                       %l: tensor<32x64xf16, #ll.dot_op<{opIdx = 1, parent = #blocked}>>) {
  return
}

// CHECK-LABEL: func.func @memory
// CHECK-SAME: !ll.memdesc<64x64xf16, #[[SWZ]]>
// CHECK-SAME: !ll.memdesc<64x64xf16, #[[NVMMA]], mutable>
// CHECK-SAME: !ll.memdesc<4x4xf32, #[[SHARED]]>
// CHECK-SAME: !ll.memdesc<16x64xf16, #[[PADDED]]>
func.func @memory(%a: !ll.memdesc<64x64xf16, #swz>, %b: !ll.memdesc<64x64xf16, #nvmma, mutable>,
                  %c: !ll.memdesc<4x4xf32, #shared>, %d: !ll.memdesc<16x64xf16, #padded>) {
  return
}

// High ranks are ordinary (tl.sort reshapes a 4 x 32 tensor to one size-2
// dimension per bit): a rank-7 blocked layout verifies on a probe shape
// within the 2^30 elements, and on its own small tensor.
// CHECK-LABEL: func.func @rank7
// CHECK-SAME: tensor<4x2x2x2x2x2x1xf32, #{{.*}}>
#rank7 = #ll.blocked<{sizePerThread = [1, 1, 1, 1, 1, 1, 1], threadsPerWarp = [1, 2, 2, 2, 2, 2, 1], warpsPerCTA = [4, 1, 1, 1, 1, 1, 1], order = [6, 5, 4, 3, 2, 1, 0]}>
func.func @rank7(%a: tensor<4x2x2x2x2x2x1xf32, #rank7>) {
  return
}

// AMD's rotating swizzle (Triton's #ttg.amd_rotating_shared) round-trips.
// CHECK-LABEL: func.func @rotating
// CHECK-SAME: !ll.memdesc<32x64xf32, #[[ROT]]>
#rot = #ll.amd_rotating_shared<{vec = 2, perPhase = 1, maxPhase = 16, order = [0, 1]}>
func.func @rotating(%a: !ll.memdesc<32x64xf32, #rot>) {
  return
}
