//===- Detail.h - Internals shared by the planning sources ------*- C++ -*-===//
//
// Private to lib/Core/Planning: the pieces of conversion planning, one
// source file per concern, and the helpers they share.
//
//   Target.cpp        target descriptions and the cycle model
//   Helpers.cpp       flattened layouts (bit-vector columns), checks
//   BankModel.cpp     wavefronts of a warp-wide shared-memory access
//   Swizzle.cpp       the shared-memory layout: vector, banks, segments
//   Shuffles.cpp      intra-warp plans: shuffles, selects
//   SharedPlans.cpp   plans through shared memory: candidates, exchange
//   Gather.cpp        gathers
//   GlobalAccess.cpp  global-memory vector widths
//   Driver.cpp        classification and choice (planConversion)
//
//===----------------------------------------------------------------------===//

#ifndef LINEAR_LAYOUTS_LIB_CORE_PLANNING_DETAIL_H
#define LINEAR_LAYOUTS_LIB_CORE_PLANNING_DETAIL_H

#include "linear_layouts/Core/Planning.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ll::detail {

//===----------------------------------------------------------------------===//
// Helpers on flattened layouts (Helpers.cpp)
//===----------------------------------------------------------------------===//

/// Columns (flattened images) of each in dim, by name.
std::map<std::string, std::vector<uint64_t>> columnsByDim(const LinearLayout &l);
/// A flattened vector as a basis of `like`'s out dims.
Basis unflatten(uint64_t v, const LinearLayout &like);
/// The layout (in dims in `cols`' order of kDistributedDims) whose flattened columns
/// are `cols`, with the out dims of `like`.
Expected<LinearLayout>
fromColumns(const std::map<std::string, std::vector<uint64_t>> &cols,
            const LinearLayout &like);
bool isUnit(uint64_t v);
/// The mask of in dim `dim` in free-variable masks (0 if absent).
int32_t maskOf(const std::vector<std::pair<std::string, int32_t>> &masks,
               const char *dim);
/// The vectors of `v`, in order, that are independent of those before.
std::vector<uint64_t> independentPrefix(const std::vector<uint64_t> &v);
/// The matrix with these columns (`rows` bits each).
f2::Matrix matrixOfColumns(const std::vector<uint64_t> &cols, int rows);
int log2i(int64_t x);
/// The size of in dim `d` (1 where the layout has no such dim).
int64_t sizeOf(const LinearLayout &l, const char *d);
/// Two layouts that exchange data run on the same threads, with warps of
/// the target's size.
Expected<bool> checkSameThreads(const LinearLayout &a, const char *aName,
                                const LinearLayout &b, const char *bName,
                                const Target &target);
/// Two distributed layouts of elements of `bitwidth` bits (8, 16, 32 or
/// 64) that a plan moves between: "the source layout", ... in errors.
Expected<bool> checkPlanInputs(const LinearLayout &a, const char *aName,
                               const LinearLayout &b, const char *bName,
                               int bitwidth);
/// A conversion `src` -> `dst` of `bitwidth`-bit elements on `target`:
/// the plan inputs, one tensor, the same threads.
Expected<bool> checkConversion(const LinearLayout &src, const LinearLayout &dst,
                               int bitwidth, const Target &target);
/// sum_j x_j cols[j] over F2.
uint64_t applyLinear(const std::vector<uint64_t> &cols, uint64_t x);

//===----------------------------------------------------------------------===//
// The bank model (BankModel.cpp)
//===----------------------------------------------------------------------===//

/// Wavefronts of one warp-wide access in which lane bit j moves the element
/// offset by laneOff[j] (elements), each lane accessing `vecElems` elements
/// of `bitwidth` bits; lanes with (lane & skip) != 0 do not take part.
AccessInfo countWavefronts(const std::vector<int64_t> &laneOff, int32_t skip,
                           int vecElems, int bitwidth, const Target &t);

/// Element offsets of each register and lane bit of an address map, and the
/// register bits that form the widest vector.
struct ThreadOffsets {
  std::vector<int64_t> reg, lane;
  std::vector<int> vectorRegs; ///< register bits forming the vector, in order
};
ThreadOffsets threadOffsets(const LinearLayout &addr, int bitwidth,
                            const Target &t, int32_t regSkip,
                            int maxVecBits = 64);

//===----------------------------------------------------------------------===//
// The shared-memory layout (Swizzle.cpp)
//===----------------------------------------------------------------------===//

struct SharedDesign {
  std::vector<uint64_t> vec, bank, seg, reps, block; // flattened t vectors
  /// Source-only registers right after the vector, inside the bank word:
  /// stores pack them with the vector into (up to) 32-bit accesses, loads
  /// read the narrower vector.
  int storeExtension = 0;
  /// Likewise destination-only registers for loads (when stores have no
  /// extension, or `preferLoad`).
  int loadExtension = 0;
};

/// The shared layout for storing `src` and loading `dst` (see Swizzle.cpp):
/// at most `maxScratch` bytes (-1: the least), `forcedVec` a matrix row,
/// `widen` registers of one side past the bank word (> 0 loads, < 0 stores).
Expected<SharedDesign> designShared(const LinearLayout &src,
                                    const LinearLayout &dst, int bitwidth,
                                    const Target &t, int64_t maxScratch,
                                    bool preferLoad = false,
                                    const std::vector<uint64_t> &forcedVec = {},
                                    int widen = 0);
/// offset -> tensor for the tile; with `full`, also rep and block in dims
/// (then invertible on the whole tensor).
Expected<LinearLayout> sharedLayout(const SharedDesign &d,
                                    const LinearLayout &like, bool full);

//===----------------------------------------------------------------------===//
// Intra-warp plans (Shuffles.cpp)
//===----------------------------------------------------------------------===//

Expected<bool> planShuffle(ShufflePlan &p, const LinearLayout &cvt,
                           int32_t freeRegs, uint64_t replicaLanes);
int64_t selectCount(const LinearLayout &sel, int distinctDstRegs, int srcRegs,
                    int bitwidth);
/// Selects that choose, for `nBases` values, register base ^ k where k is
/// out dim `out` of `l` over the runtime in dims `ins`: the cheaper of a
/// select chain per value (one per other candidate) and a butterfly over the
/// `nVals` registers (one select per register per runtime bit), as the
/// lowering emits them.
int64_t pickCost(const LinearLayout &l, const char *out,
                 const std::vector<const char *> &ins, int64_t nBases,
                 int64_t nVals);
Expected<bool> addWarpOffsets(ShufflePlan &p, const LinearLayout &cvt);

//===----------------------------------------------------------------------===//
// Plans through shared memory (SharedPlans.cpp)
//===----------------------------------------------------------------------===//

/// Shared-memory traffic of a plan in wavefront units per warp.
int64_t weight(const ConversionPlan &p);
Expected<bool> planShared(ConversionPlan &p, const LinearLayout &s,
                          const LinearLayout &t, const PlanOptions &options);
Expected<std::optional<ConversionPlan>>
tryExchange(const ConversionPlan &base, const LinearLayout &s,
            const LinearLayout &t, bool before, const PlanOptions &options);

} // namespace ll::detail

#endif // LINEAR_LAYOUTS_LIB_CORE_PLANNING_DETAIL_H
