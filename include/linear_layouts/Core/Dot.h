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
#include <vector>

namespace ll {

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

/// A warp-level matrix instruction (mma.sync): its tile and which
/// (row, column) of its A (m, k), B (k, n) and C (m, n) tiles each of a
/// lane's registers holds (lane 0), and what each lane bit adds.
struct MatrixInstruction {
  int m = 0, n = 0, k = 0;
  std::vector<std::array<int32_t, 2>> aRegs, bRegs, cRegs;
  std::vector<std::array<int32_t, 2>> aLanes, bLanes, cLanes;
};

/// NVIDIA `mma.sync.aligned.m16n8k16` (f16 / bf16, f32 accumulators), as
/// the PTX ISA's fragment tables give it (9.7.14.5.8).
MatrixInstruction mmaM16N8K16();
/// `mma.sync.aligned.m16n8k8` with tf32 operands (9.7.14.5.8).
MatrixInstruction mmaM16N8K8Tf32();
/// `mma.sync.aligned.m16n8k32` with 8-bit integer operands, s32
/// accumulators (9.7.14.5.8).
MatrixInstruction mmaM16N8K32I8();

/// A dot divided into tiles of `instr`: per C tile (its C registers in the
/// instruction's order), per k step, the A and B registers in the
/// instruction's order.
struct TiledDotPlan {
  std::vector<std::vector<int32_t>> cRegs;              ///< [tile][j]
  std::vector<std::vector<std::vector<int32_t>>> aRegs, bRegs; ///< [tile][k step][j]
};

/// The division of the layouts by the instruction's fragments, or why it
/// does not divide: the lanes must hold the fragments exactly, warps move
/// whole tiles (A like C's rows, B like C's columns, neither k), and every
/// register of a tile is held.
Expected<TiledDotPlan> planTiledDot(const LinearLayout &a,
                                    const LinearLayout &b,
                                    const LinearLayout &c,
                                    const MatrixInstruction &instr);

} // namespace ll

#endif // LINEAR_LAYOUTS_CORE_DOT_H
