//===- Dot.h - Dots as layout divides ---------------------------*- C++ -*-===//
//
// A dot C[b, m, n] += sum_k A[b, m, k] B[b, k, n] with distributed layouts
// for A, B and C (in dims register / lane / warp / block; out dims dim0..,
// with a leading batch dim for rank 3), mapped to what a thread computes.
//
// The FMA form (Triton's dot on a `#blocked` parent, fp32 `ieee`) needs
// every thread to hold, for each C element it holds, the A and B elements
// of all k: the thread part of A's layout (its lane / warp / block bases)
// moves m (and the batch) as C's does and never k; B's moves n (and the
// batch) as C's does and never k. The registers then pair up by the
// register parts alone, e.g. for #blocked<{sizePerThread = [2, 2],
// threadsPerWarp = [4, 8]}> and its dot_op operands (K = 16): C register
// r = (m, n) takes A registers (m, 0..15) and B registers (0..15, n).
//
//===----------------------------------------------------------------------===//

#ifndef LINEAR_LAYOUTS_CORE_DOT_H
#define LINEAR_LAYOUTS_CORE_DOT_H

#include "linear_layouts/Core/LinearLayout.h"

#include <array>
#include <map>
#include <vector>

namespace ll {

/// `l` at register `r` of thread 0 (lane, warp, block 0): its out
/// coordinates.
std::vector<int32_t> atRegister(const LinearLayout &l, int32_t r);

/// `l`'s registers by their coordinates at thread 0 (the first register
/// where several hold one element).
std::map<std::vector<int32_t>, int32_t>
registersByCoords(const LinearLayout &l);

/// Per C register, the A and B registers of its products, k ascending.
struct FmaDotPlan {
  int64_t k = 0;
  std::vector<std::vector<int32_t>> aRegs, bRegs; ///< [C register][k]
};

/// The FMA form of a dot with these layouts, or why it has none (a thread
/// part that moves k, or moves m / n / the batch unlike C's; a k or an
/// element a thread does not hold).
Expected<FmaDotPlan> planFmaDot(const LinearLayout &a, const LinearLayout &b,
                                const LinearLayout &c);

/// A matrix instruction (mma.sync, wgmma): its tile and which (row,
/// column) of its A (m, k), B (k, n) and C (m, n) tiles each of a lane's
/// registers holds (lane 0, warp 0), what each lane bit adds, and, for an
/// instruction of several warps (a wgmma warpgroup), what each of the low
/// warp bits adds. An operand the instruction reads from shared memory has
/// no register fragment (empty `bRegs`).
struct MatrixInstruction {
  int m = 0, n = 0, k = 0;
  std::vector<std::array<int32_t, 2>> aRegs, bRegs, cRegs;
  std::vector<std::array<int32_t, 2>> aLanes, bLanes, cLanes;
  std::vector<std::array<int32_t, 2>> aWarps, cWarps;
};

/// NVIDIA `mma.sync.aligned.m16n8k16` (f16 / bf16, f32 accumulators), as
/// the PTX ISA's fragment tables give it (9.7.14.5.8).
MatrixInstruction mmaM16N8K16();
/// `mma.sync.aligned.m16n8k8` with tf32 operands (9.7.14.5.8).
MatrixInstruction mmaM16N8K8Tf32();
/// `mma.sync.aligned.m16n8k32` with 8-bit integer operands, s32
/// accumulators (9.7.14.5.8).
MatrixInstruction mmaM16N8K32I8();

/// sm_90 `wgmma.mma_async.m64nNkK` (K = 256 / element bits: 16-bit
/// floats, tf32, 8-bit integers and floats) for one warpgroup: warp w of
/// the group holds rows 16 w .. 16 w + 15 of A (from registers) and C as
/// mma.sync's m16 fragments (PTX ISA 9.7.15.5); B is read from shared
/// memory. C register i is at (8 (i / 2 % 2), 2 (lane % 4) + i % 2 + 8 (i /
/// 4)) from the warp's first row.
MatrixInstruction wgmma(int n, int elemBits);

/// AMD `v_mfma_*_MxMxK` (CDNA3, wave64, single-block: M = 16 or 32) for
/// operands of `elemBits` bits: lane l holds A[l % M][kp (l / M) + i] and
/// B[kp (l / M) + i][l % M] (i < kp = K M / 64); accumulator register j of
/// lane l holds D[8 (j / 4) + 4 (l / 32) + j % 4][l % 32] (32 x 32) or
/// D[4 (l / 16) + j][l % 16] (16 x 16). `transposed`: the instruction run
/// on the swapped operands (B^T A^T = C^T, Triton's isTransposed MFMA
/// layouts): the same operand fragments, the accumulator's transposed.
MatrixInstruction mfma(int m, int k, bool transposed);

/// A dot divided into tiles of `instr`: per C tile (its origin at thread 0,
/// its C registers in the instruction's order), per k step, the A and B
/// registers in the instruction's order.
struct TiledDotPlan {
  std::vector<std::vector<int32_t>> origins;            ///< [tile] C coords
  std::vector<std::vector<int32_t>> cRegs;              ///< [tile][j]
  std::vector<std::vector<std::vector<int32_t>>> aRegs, bRegs; ///< [tile][k step][j]
};

/// The division of the layouts by the instruction's fragments, or why it
/// does not divide: the lanes (and the instruction's warps) must hold the
/// fragments exactly, further warps move whole tiles (A like C's rows, B
/// like C's columns, neither k), and every register of a tile is held. A
/// null `a` or `b` is read from shared memory (no registers; `k` is given
/// as `sharedK` then).
Expected<TiledDotPlan> planTiledDot(const LinearLayout *a,
                                    const LinearLayout *b,
                                    const LinearLayout &c,
                                    const MatrixInstruction &instr,
                                    int64_t sharedK = 0);

/// A wgmma matrix descriptor's fields but the start address (PTX ISA
/// 9.7.15.5.1): whether the operand is MN-major (the instruction's
/// imm-trans), its swizzle (128, 64, 32 bytes or 0: none), the leading and
/// stride dimension byte offsets. With W the swizzle, eb the element bytes,
/// e16 / eW the elements in 16 / W bytes, element (mn, k) of a tile sits at
///   K-major:  none: (mn % 8) 16 + (mn / 8) SBO + (k % e16) eb + (k / e16) LBO
///             W:    (mn % 8) W + (mn / 8) SBO + k eb
///   MN-major: none: (mn % e16) eb + (mn / e16) SBO + (k % 8) 16 + (k / 8) LBO
///             W:    (mn % eW) eb + (mn / eW) LBO + (k % 8) W + (k / 8) SBO
/// bytes from the start, then the swizzle XORs address bits [4, 4 +
/// log2(W / 16)) with the bits from 7 up of the shared address.
struct MatrixDescriptor {
  bool mnMajor = false;
  int swizzleBytes = 0;
  int64_t lbo = 0, sbo = 0;
  /// The descriptor's bits with a start address of 0.
  uint64_t fields() const;
  /// The shared address of element (mn, k) of the tile at `start`.
  int64_t address(int64_t start, int32_t mn, int32_t k, int elemBytes) const;
};

/// One wgmma operand read from shared memory: its descriptor and, per tile
/// origin asked for, the byte offset of the tile's first element in the
/// buffer; per further warpgroup bit, the byte offset it XORs in.
struct WgmmaOperandPlan {
  MatrixDescriptor desc;
  std::vector<int64_t> starts;      ///< [origin]
  std::vector<int64_t> groupStarts; ///< [warpgroup bit]
};

/// The descriptor that reads the `tileMN x tileK` tiles at `origins` ((mn,
/// k) coordinates, multiples of the tile) of a buffer with memory layout
/// `shared` (in dim offset, in elements; out dims (mn, k) or, with
/// `mnDim` = 1, (k, mn)), each warpgroup bit j moving the tiles by
/// `groupMN[j]` rows, found from the layout's linear map: the strides of
/// its core matrices and swizzle atoms, then checked element by element
/// against the descriptor's addressing at every tile and warpgroup (the
/// buffer starts at a multiple of 1024 bytes). Why not, where no
/// descriptor (K-major, or MN-major where `allowMnMajor`) reads them.
Expected<WgmmaOperandPlan>
planWgmmaOperand(const LinearLayout &shared, int mnDim, int tileMN, int tileK,
                 int elemBits, bool allowMnMajor,
                 const std::vector<std::array<int32_t, 2>> &origins,
                 const std::vector<int32_t> &groupMN);

} // namespace ll

#endif // LINEAR_LAYOUTS_CORE_DOT_H
