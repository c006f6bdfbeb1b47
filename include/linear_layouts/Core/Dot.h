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

} // namespace ll

#endif // LINEAR_LAYOUTS_CORE_DOT_H
