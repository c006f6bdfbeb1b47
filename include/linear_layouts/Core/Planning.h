//===- Planning.h - Planning layout conversions -----------------*- C++ -*-===//
//
// How to move a tensor from one distributed layout to another: register
// renaming, warp shuffles, or a round trip through shared memory with an
// optimal swizzle. A plan is data that a lowering (and the SIMT simulator in
// the tests) translates mechanically into per-thread code: every address,
// source lane and register choice is a linear (XOR) map of the thread's
// (register, lane, warp) given as a LinearLayout.
//
// Shared-memory plans (the paper's optimal swizzling, in our words). Work on
// the flattened tensor index t (one bit vector per basis):
//   V    = register bases common to both layouts: the vector, contiguous in
//          shared memory on both sides (<= 128 bits per access);
//   reps = other register bases common to both layouts: split into rounds,
//          shrinking the buffer;
//   bank = the bases filling one row of banks after the vector;
//   seg  = the remaining ("segment") bases, chosen so that no two lanes of a
//          wavefront differ only in segment bits: unit vectors neither side's
//          lanes use, else a_i xor b_i of a store-only and a load-only lane
//          basis, else (when the bound forces conflicts) a lane basis.
// The shared layout maps offset bits to [V, bank, seg]. Replicated source
// data (free variables of the source layout) is stored once.
//
//===----------------------------------------------------------------------===//

#ifndef LINEAR_LAYOUTS_CORE_PLANNING_H
#define LINEAR_LAYOUTS_CORE_PLANNING_H

#include "linear_layouts/Core/Conversion.h"
#include "linear_layouts/Core/LinearLayout.h"

#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace ll {

/// How one side of a shared-memory plan accesses memory, target-neutral:
/// the target picks the instruction (Target::sharedInstruction).
///   Plain             a vector per lane (st.shared / ld.shared,
///                     ds_write / ds_read);
///   Matrix            four 8x8 matrices of 16-byte rows per warp
///                     (stmatrix / ldmatrix .x4);
///   MatrixTransposed  the same, transposed (.trans; 16-bit elements).
enum class AccessKind { Plain, Matrix, MatrixTransposed };

const char *toString(AccessKind a);

/// A GPU target: every fact planning, lowering and code emission read about
/// it, in one place (the `#ll.target` attribute, TargetInfo and Python's
/// `linear_layouts.Target` all read this). Targets: sm_80, sm_86, sm_89,
/// sm_90 / sm_90a (NVIDIA); gfx90a, gfx942, gfx950 (AMD CDNA, wave64).
/// Others are refused by get(): RDNA (gfx10-12, wave32 shuffles and LDS
/// banks we do not model) and sm_100 (whose tcgen05 / tensor-memory code
/// Triton emits we do not lower).
struct Target {
  enum class Vendor { NVIDIA, AMD };
  std::string name;
  Vendor vendor = Vendor::NVIDIA;
  int warpSize = 32;
  int numBanks = 32;
  int bankBytes = 4;
  int maxAccessBits = 128;
  /// Matrix accesses of shared memory (ldmatrix: sm_80+, stmatrix: sm_90+).
  bool ldmatrix = false, stmatrix = false;
  /// One instruction reduces a 32-bit integer over a warp (redux.sync:
  /// sm_80+).
  bool warpReduce = false;
  /// Packed fp8 <-> f16 / f32 conversions (cvt.*.e4m3x2 / e5m2x2: sm_89+).
  bool fp8Conversions = false;
  /// The most shared memory (bytes) one CTA may use: what the CUDA driver
  /// lets a kernel opt into (sm_80: 163 KiB, sm_86 / sm_89: 99 KiB, sm_90:
  /// 227 KiB), a workgroup's LDS on AMD (64 KiB; gfx950: 160 KiB).
  int64_t sharedMemoryBytes = 0;
  /// NVIDIA: the compute capability (80, 86, 89, 90).
  int computeCapability = 0;
  /// Code emission: the LLVM target triple, the processor LLVM's back end
  /// takes (sm_90a for sm_90: wgmma and setmaxnreg need the "a" variant),
  /// its features (the PTX ISA version: "+ptx83") and, on AMD, the code
  /// object version (500: as Triton builds AMD kernels).
  std::string triple, processor, features;
  int codeObjectVersion = 0;

  bool isAMD() const { return vendor == Vendor::AMD; }
  bool isNVIDIA() const { return vendor == Vendor::NVIDIA; }

  /// The cycle model (docs/planning.md): a warp's cost of one conversion,
  /// counting the pipes an SM (CU) shares among its warp schedulers. Initial
  /// constants, to be calibrated on the GPU by the lowering's checks.
  struct Cycles {
    int issue = 1;      ///< every instruction
    int wavefront = 4;  ///< one shared-memory wavefront (128-byte data path
                        ///< per SM, shared by 4 schedulers)
    int shuffle = 4;    ///< one 32-bit warp shuffle (the same data path;
                        ///< ds_bpermute of 64 lanes: 2 LDS wavefronts)
    int alu = 2;        ///< one select / register move / prmt (16-lane ALUs;
                        ///< wave64 on SIMD16: 4)
    int barrier = 20;   ///< one CTA barrier (bar.sync / s_barrier)
    int warpBarrier = 1; ///< one barrier when the CTA is a single warp
  } cycles;

  /// The target named `name`; InvalidArgument naming the known targets, or
  /// why a known GPU is not supported.
  static Expected<Target> get(const std::string &name);
  /// The names get() accepts.
  static const std::vector<std::string> &names();
  /// Bytes one wavefront of shared memory serves.
  int wavefrontBytes() const { return numBanks * bankBytes; }
  /// Lanes served together for a per-thread access of `bytes`.
  int lanesPerWavefront(int bytes) const;
  /// The fewest wavefronts a warp-wide access of `bytes` per lane takes.
  int minWavefronts(int bytes) const;
  /// The instruction (mnemonic) that performs a shared-memory access:
  /// sm_*: st.shared / stmatrix / stmatrix.trans, ld.shared / ldmatrix /
  /// ldmatrix.trans; gfx*: ds_write / ds_read.
  std::string sharedInstruction(bool store, AccessKind access) const;
};

/// One access pattern on shared memory: per-thread vector width and the
/// wavefronts one warp-wide instruction takes.
struct AccessInfo {
  int vectorElems = 1;
  int wavefronts = 1;    ///< per warp-wide instruction
  int minWavefronts = 1; ///< for that access width
  /// Extra wavefronts per wavefront-sized group of lanes (Gluon's
  /// bank_conflicts): 0 = conflict-free.
  int conflicts() const {
    return minWavefronts ? wavefronts / minWavefronts - 1 : 0;
  }
};

/// Instruction counts (per thread) and resources of a plan.
struct PlanCost {
  int64_t registerMoves = 0;
  int64_t selects = 0; ///< thread-local plans: selects per thread
  int64_t shuffles = 0;
  int64_t sharedStores = 0, sharedLoads = 0;
  int64_t barriers = 0;
  int64_t scratchBytes = 0;
  int64_t storeWavefronts = 0, loadWavefronts = 0; ///< per warp, whole plan
  /// Estimated cycles per warp under the target's cycle model.
  int64_t cycles = 0;
};

/// The cycle model: per warp, every instruction issues (shared stores and
/// loads, shuffles, selects and register moves, barriers), each
/// shared-memory wavefront and each shuffle occupies the shared data path,
/// selects the ALU, barriers wait (a CTA of one warp synchronizes for
/// free). `warps` is the number of warps of the CTA.
int64_t estimateCycles(const PlanCost &c, const Target &t, int warps);

/// One step of a plan's program, in the order a thread executes it: what
/// the simulator runs, `explain` prints and the lowering emits.
///
///   shared, 2 rounds:  store r0, barrier, load r0, barrier, store r1,
///                      barrier, load r1
///   shuffle:           select (offered registers), shuffle
struct PlanStep {
  enum class Kind { RegisterMove, Select, Shuffle, Store, Barrier, Load };
  using Access = AccessKind;
  Kind kind = Kind::RegisterMove;
  int round = 0;       ///< shared-memory round of a store, barrier or load
  int64_t count = 0;   ///< instructions per thread
  int vectorElems = 1; ///< elements per store / load access
  Access access = Access::Plain;
  bool exchange = false; ///< part of the sub-word exchange (SharedPlan::exchange)
};

const char *toString(PlanStep::Kind k);

struct ConversionPlan;

/// The layouts are equal: nothing to do.
struct NoopPlan {};

/// Every thread keeps its data and renames its registers: destination
/// register r is source register map(register = r).
struct RegisterPlan {
  LinearLayout map; ///< register -> register
};

/// Thread-local: destination register r of the thread at (lane, warp,
/// block) takes the same thread's source register
/// map(register = r, lane, warp, block); no data crosses threads.
struct SelectPlan {
  LinearLayout map;
};

/// Warp shuffles. For each destination register r, `subRounds` shuffles y.
/// In shuffle (r, y) the sending lane s of warp w offers its register
/// sendRegister(register = r, lane = s, sub = y, warp = w, block = b); lane
/// l reads lane srcLane(register = r, lane = l, warp = w, block = b) in the
/// shuffle with y = subRound(l). (The warp and block inputs are zero unless
/// the layouts' warps split the data differently inside what each warp
/// holds.)
///
///   e.g. a 32x32 f32 transpose on one warp: 32 rounds, lane l reads lane
///   r ^ l's register l ^ r (a rotated schedule: no sub-rounds).
struct ShufflePlan {
  LinearLayout srcLane;      ///< (register, lane, warp, block) -> lane
  LinearLayout sendRegister; ///< (register, lane, sub, warp, block) -> register
  LinearLayout subRound;     ///< (lane) -> sub
  /// Rotated schedules: in round r, lane l fills destination register
  /// dstRegister(register = r, lane = l) (r itself when lanes that would
  /// read one sender instead each take a different register, from
  /// different senders, so that no sub-rounds are needed). srcLane and
  /// sendRegister are then given per round r too.
  LinearLayout dstRegister; ///< (register, lane) -> register
  int subRounds = 1;
  /// Shuffle rounds per thread (each moves one value of <= 32 bits per
  /// lane; a 64-bit element takes two shuffle instructions per round).
  int shuffleRounds = 0;
  /// Sub-word packing: destination register bits whose values one 32-bit
  /// shuffle carries together (the source lane does not depend on them).
  /// For r with these bits 0, the sender packs its registers
  /// sendRegister(r ^ g, s, y) for every g in the mask's span into one word.
  int32_t packMask = 0;
};

/// Through shared memory: the layout (offset -> tensor, one tile), and per
/// thread the linear maps from (register, lane, warp, block) to (offset,
/// rep, block): a value is stored (loaded) in round `rep` at `offset`.
struct SharedPlan {
  LinearLayout layout;
  LinearLayout storeAddress, loadAddress;
  /// In-dim bit masks (register, lane, warp): a source register / thread
  /// stores only where these bits are 0 (replicated data is stored once).
  std::vector<std::pair<std::string, int32_t>> storeMasks;
  AccessKind storeAccess = AccessKind::Plain, loadAccess = AccessKind::Plain;
  /// The layouts the accesses see, over (register, lane, warp, block):
  /// storeAddress = storeView o layout^-1, loadAddress likewise. For plain
  /// accesses they are src and dst (the source rotated, see below). For a
  /// matrix access the view relabels the side's bases so that the
  /// instruction is a plain 16-byte access per lane: view register bits
  /// 0..k-1 are one 16-byte matrix row (k = log2(128 / bitwidth)), view
  /// lanes 0-2 pick the row and 3-4 the matrix; at slot r (view register
  /// with bits 0..k-1 zero) lane i gives the address of row i % 8 of matrix
  /// i / 8 as storeAddress / loadAddress(r, i, w).
  LinearLayout storeView, loadView;
  /// (register, lane, matrix, element) -> source register. Plain: at slot
  /// r lane l stores its register storeRegister(r, l), the identity plus a
  /// rotation when the source is replicated across lanes (the lanes holding
  /// copies of one value store different registers r ^ G(l) in one
  /// instruction instead of one lane storing them all; rotated register
  /// bits are skipped as slots, see storeMasks). Matrix: the register
  /// holding element `element` (of a 32-bit word) of matrix `matrix` at
  /// slot r.
  LinearLayout storeRegister;
  /// (register, matrix, element) -> destination register: where a matrix
  /// load puts element `element` of the word of matrix `matrix` at slot r
  /// (plain: the identity on registers).
  LinearLayout loadRegister;
  AccessInfo store, load;
  int repBits = 0; ///< log2 of the number of rounds
  int64_t scratchBytes = 0;

  /// Sub-word exchange: when one side's accesses would be narrower than a
  /// bank word (e.g. an 8-bit transpose), the plan goes through shared
  /// memory between `src` and an intermediate layout `exchange->src` whose
  /// registers share the source's vector, then `exchange` (an intra-warp
  /// plan) moves the values to `dst` (exchangeBefore = false). With
  /// exchangeBefore = true, `exchange` first takes `src` to `exchange->dst`,
  /// which is what shared memory stores. Null when not needed.
  std::shared_ptr<const ConversionPlan> exchange;
  bool exchangeBefore = false;

  int rounds() const { return 1 << repBits; }
};

/// A plan: one typed value per kind (the lowering's contract), the
/// layouts it moves between, its cost and its program.
///
///   if (auto *sh = plan.as<SharedPlan>())
///     emitStores(sh->storeAddress, sh->store.vectorElems, ...);
struct ConversionPlan {
  int bitwidth = 32;
  Target target;
  LinearLayout src, dst;
  std::variant<NoopPlan, RegisterPlan, SelectPlan, ShufflePlan, SharedPlan>
      body;
  PlanCost cost;
  /// The program: every step in order (see PlanStep).
  std::vector<PlanStep> steps;

  ConversionKind kind() const;
  template <typename T> const T *as() const { return std::get_if<T>(&body); }
  template <typename T> T *as() { return std::get_if<T>(&body); }
  /// Shared-memory scratch (0 unless the plan goes through shared memory).
  int64_t scratchBytes() const;
  /// The plan in words, one line per step of its program (what
  /// `linear-layouts explain` prints; toString() summarizes the plan):
  ///   round 0: store 4 x 8x16-bit (st.shared, plain, 4 wavefront(s) each):
  ///     register r at storeAddress(r, l, w)
  ///     barrier
  ///     load 4 x 8x16-bit (ld.shared, plain, 4 wavefront(s) each) at
  ///     loadAddress(r, l, w)
  std::vector<std::string> explain() const;
  std::string toString() const;
};

struct PlanOptions {
  /// Allow up to this much scratch (bytes) to save rounds; -1: the least
  /// scratch that keeps the widest vectors and the fewest conflicts.
  int64_t maxScratchBytes = -1;
  /// Plan through shared memory even when registers or shuffles would do.
  bool forceShared = false;
  /// Without a budget, let a shared-memory plan (its least scratch) compete
  /// on cycles with a shuffle plan: a one-warp transpose costs less through
  /// a buffer than by rotated shuffles, whose register choices take
  /// selects. Off by default (no scratch where shuffles can do); the
  /// lowering turns it on. With maxScratchBytes > 0 shared memory always
  /// competes, with selects too.
  bool sharedByCycles = false;
  /// Do not consider sub-word exchanges (shuffles around shared memory).
  bool noExchange = false;
  /// Use ldmatrix / stmatrix where the target has them (false: only
  /// ld/st.shared, e.g. to compare with the paper's plans).
  bool matrixInstructions = true;
  /// Choose shared-memory plans by the least traffic (wavefronts, the
  /// paper's objective) before scratch and cycles. By default the least
  /// scratch comes first, then the fewest cycles of the cycle model.
  bool trafficFirst = false;
};

/// The options the lowering plans with. Everything that reads a plan
/// (ll-plan-conversions' annotations, ll-remove-conversions' costs,
/// ll-allocate-shared's scratch sizes, the Python report) starts from these,
/// so that the plan it reads is the plan the lowering emits: shared memory
/// competes with shuffles on cycles (sharedByCycles).
PlanOptions loweringPlanOptions(const Target &target);

/// Plan src -> dst (distributed layouts of one tensor, elements of
/// `bitwidth` bits).
Expected<ConversionPlan> planConversion(const LinearLayout &src,
                                        const LinearLayout &dst, int bitwidth,
                                        const Target &target,
                                        const PlanOptions &options = {});

/// The shared-memory layout the planner picks for src -> dst (one tile).
Expected<LinearLayout> optimalSwizzle(const LinearLayout &src,
                                      const LinearLayout &dst, int bitwidth,
                                      const Target &target);

/// Accessing `shared` (offset[, block] -> tensor) from registers in
/// `regLayout`: the widest vector (at most `maxVectorElems` elements when
/// > 0) and the wavefronts per warp-wide access. `conflicts()` is Gluon's
/// `bank_conflicts`.
Expected<AccessInfo> analyzeSharedAccess(const LinearLayout &regLayout,
                                         const LinearLayout &shared,
                                         int bitwidth, const Target &target,
                                         int maxVectorElems = 0);

/// The widest vector (elements) a thread can load or store from global memory
/// in `layout` when tensor dim `contiguousDim` is contiguous in memory: the
/// consecutive elements along that dim in consecutive registers, capped at
/// `maxBits` (128) and at `maxContiguous` elements (pointer contiguity /
/// alignment, 0 = no cap). A [128, 1] tensor whose contiguous dim is dim0
/// vectorizes along dim0, where the legacy heuristic saw size-1 rows.
Expected<int> globalVectorWidth(const LinearLayout &layout, int contiguousDim,
                                int bitwidth, int maxBits = 128,
                                int maxContiguous = 0);

/// A gather along `axis`: result[x] = src[x with coordinate `axis` replaced
/// by index[x]]; the result has the index tensor's layout.
///
///   shuffle  the source holds every element along the axis inside the warp
///            that needs it (warps and CTAs split only the other dims, the
///            same way for source and index): for each result register and
///            each candidate source register q, every lane offers its
///            register q and lane l reads lane srcLane(c), keeping the value
///            when srcRegister(c) == q, where c is the element it needs and
///            (srcRegister, srcLane) = coordToSrc(c);
///   shared   otherwise: the source is stored once (as a conversion would),
///            and each result element is loaded from offset
///            tensorToOffset(c).
struct GatherPlan {
  enum class Kind { Shuffle, Shared };
  Kind kind = Kind::Shared;
  int axis = 0, bitwidth = 32;
  Target target;
  LinearLayout src, index;
  LinearLayout coordToSrc;     ///< tensor -> (register, lane, warp, block)
  std::vector<int> candidates; ///< source registers a lane may need
  LinearLayout shared, storeAddress, tensorToOffset;
  std::vector<std::pair<std::string, int32_t>> storeMasks;
  int64_t scratchBytes = 0;
  PlanCost cost;
};

const char *toString(GatherPlan::Kind k);

Expected<GatherPlan> planGather(const LinearLayout &src,
                                const LinearLayout &index, int axis,
                                int bitwidth, const Target &target);

/// Gluon's `bank_conflicts` (Triton 3.6), computed the same way: the widest
/// vector v such that every non-vector basis leaves the low offset bits
/// alone; "banks" are v-element slots of a 128-byte row; the lanes of one
/// wavefront are all but the last log2(v*b/32) lane bases; the result is
/// 2^dim(span(those lanes) ∩ span(row bases)) - 1 extra wavefronts. Unlike
/// Triton, tensors smaller than 128 bytes give 0 instead of aborting.
Expected<int> gluonBankConflicts(const LinearLayout &regLayout,
                                 const LinearLayout &shared, int bitwidth);

/// Matrix loads (ldmatrix .x4, `trans` for .trans) of the registers of a
/// distributed layout `dst` from a shared buffer whose layout is fixed
/// (`memInverse`: coordinates -> element offset), as a local_load of dot
/// operands needs them. `address` is over the view's (register, lane, warp,
/// block): at slot r (view register with bits [0, rowBits) zero) lane i
/// gives the offset of row i % 8 of matrix i / 8; `reg` maps (register,
/// matrix, element) to the destination register (see
/// ConversionPlan::loadRegister).
struct MatrixLoad {
  LinearLayout address, reg;
  int rowBits = 0;
  bool trans = false;
};
/// The matrix load of `dst` (elements of `bitwidth` bits) from the buffer,
/// or nullopt where no form fits: 32 lanes of distinct data, rows of 16
/// contiguous bytes on 16-byte boundaries of the buffer.
Expected<std::optional<MatrixLoad>>
planMatrixLoad(const LinearLayout &dst, const LinearLayout &memInverse,
               int bitwidth);

} // namespace ll

#endif // LINEAR_LAYOUTS_CORE_PLANNING_H
