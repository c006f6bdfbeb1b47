//===- PatternBase.h - Shared pieces of the ll -> LLVM patterns -*- C++ -*-===//
//
// Private to lib/Conversion/LLToLLVM: the type converter, the patterns'
// entry points and the helpers that apply linear layouts to hardware ids.
//
//   KernelOpToLLVM.cpp        program ids, ranges, splats, pointers, global
//                             loads and stores, elementwise ops, constants
//   ConvertLayoutOpToLLVM.cpp ll.convert_layout as planned
//   ReduceScanOpToLLVM.cpp    ll.reduce and ll.scan
//   FpToFpOpToLLVM.cpp        ll.fp_to_fp
//   GatherOpToLLVM.cpp        ll.gather, ll.histogram
//   AtomicOpToLLVM.cpp        ll.atomic_rmw, ll.atomic_cas
//   DebugOpToLLVM.cpp         ll.print, ll.assert
//   DotOpToLLVM.cpp           ll.dot
//   TMAOpToLLVM.cpp           tensor maps, mbarriers, TMA copies
//   LLToLLVMPass.cpp          the pass: ll -> LLVM + NVVM/ROCDL, then MLIR's
//                             conversions of func/arith/math/scf/cf
//
//===----------------------------------------------------------------------===//

#ifndef LINEAR_LAYOUTS_LIB_CONVERSION_LLTOLLVM_PATTERNBASE_H
#define LINEAR_LAYOUTS_LIB_CONVERSION_LLTOLLVM_PATTERNBASE_H

#include "linear_layouts/Conversion/LLToLLVM/TargetInfo.h"
#include "linear_layouts/Conversion/Passes.h"
#include "linear_layouts/Dialect/LL/IR/LLDialect.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::ll {

/// Tensors with a distributed layout become the thread's registers (an LLVM
/// struct, one member per register, in register order); `!ll.ptr<T, a>`
/// becomes `!llvm.ptr<a>`; floats LLVM has no type for (fp8) become
/// integers of their width; other types stay.
class LLTypeConverter : public TypeConverter {
public:
  explicit LLTypeConverter(MLIRContext *ctx);
};

/// The symbol of the CTA's shared memory (an external i8 array in address
/// space 3).
constexpr const char *kSharedSymbol = "global_smem";

/// Per tensor dim of an integer or pointer value: the runs of consecutive
/// values (contiguity), of equal values (constancy), and the largest power
/// of two dividing the first value of a run (divisibility; elements for
/// pointers). Scalars have one entry. See AxisInfo.cpp.
struct AxisInfo {
  SmallVector<int64_t> contiguity, divisibility, constancy;
  static AxisInfo unknown(int rank);
};

class AxisInfoAnalysis {
public:
  AxisInfo get(Value v);

private:
  AxisInfo compute(Value v);
  /// A loop-carried value (scf.for iter_arg): its initial value's facts
  /// joined with what the body yields for it, to a fixpoint.
  AxisInfo loopCarried(BlockArgument arg, int rank);
  llvm::DenseMap<Value, AxisInfo> cache;
};

/// The vector of global accesses through a tensor of pointers, [dim, width]
/// (elements along tensor dim `dim` in consecutive registers), recorded on
/// ll.load / ll.store before the conversion.
constexpr const char *kVectorAttr = "ll.vector";
/// Record kVectorAttr on every ll.load / ll.store under `root` whose
/// pointers allow vectors: the layout's registers along the most contiguous
/// dim, up to 128 bits, the run's contiguity and alignment, and a mask
/// constant over the vector.
void annotateGlobalVectors(Operation *root);
/// The register bits of `l` whose bases step dim `dim` by 1, 2, 4, ...
/// (and no other dim), at most `width` elements.
SmallVector<int32_t> globalVectorBits(const ::ll::LinearLayout &l, int dim,
                                      int width);

/// Marks the shared-memory accesses (conversions, reductions, scans, gathers,
/// atomics, local ops, async copies, wgmma) that need no CTA barrier before
/// them: no access of another thread since the last barrier (or in flight
/// until a wait since) overlaps theirs with a write on either side
/// (ll-allocate-shared's barrier analysis).
constexpr const char *kNoBarrierBefore = "ll.no_barrier_before";

/// Patterns for the ll ops and for arith / math ops on tensors. The
/// patterns that use shared memory read the offset ll-allocate-shared gave
/// their op (sharedOffset); allocation alone sizes the module's shared
/// memory.
void populateKernelOpToLLVMPatterns(LLTypeConverter &tc,
                                    RewritePatternSet &patterns,
                                    const TargetInfo &target);
/// The plans of the ll.convert_layout ops, by op, and how they were made.
struct ConversionPlans {
  llvm::DenseMap<Operation *, ::ll::ConversionPlan> byOp;
  bool trafficFirst = false;
};
/// Plan every ll.convert_layout under `root` for the target, once, before
/// the conversion (which emits these plans, and whose barriers depend on
/// which of them use shared memory): the fewest cycles with shared memory
/// competing with shuffles, or with `trafficFirst` the least traffic. A
/// diagnostic on each op that cannot be planned.
LogicalResult planConversions(Operation *root, const TargetInfo &target,
                              bool trafficFirst, ConversionPlans &plans);
void populateConvertLayoutOpToLLVMPatterns(LLTypeConverter &tc,
                                           RewritePatternSet &patterns,
                                           const TargetInfo &target,
                                           const ConversionPlans &plans);

/// ll.reduce and ll.scan: within threads, by shuffles over lanes, through
/// shared memory over warps.
void populateReduceScanOpToLLVMPatterns(LLTypeConverter &tc,
                                        RewritePatternSet &patterns,
                                        const TargetInfo &target);
/// ll.fp_to_fp: LLVM's float casts, fp8 by the target's pair conversions
/// or in integer arithmetic.
void populateFpToFpOpToLLVMPatterns(LLTypeConverter &tc,
                                    RewritePatternSet &patterns,
                                    const TargetInfo &target);
/// ll.gather through shared memory.
void populateGatherOpToLLVMPatterns(LLTypeConverter &tc,
                                    RewritePatternSet &patterns,
                                    const TargetInfo &target);
/// The shared scratch an ll.reduce / ll.scan needs (0: none, its warps do
/// not take part), and an ll.gather (0: within warps).
int64_t reduceScanScratchBytes(Operation *op);
int64_t gatherScratchBytes(GatherOp op, const TargetInfo &target);
/// ll.histogram through shared-memory atomics, and its scratch.
void populateHistogramOpToLLVMPatterns(LLTypeConverter &tc,
                                       RewritePatternSet &patterns,
                                       const TargetInfo &target);
int64_t histogramScratchBytes(HistogramOp op);
/// ll.print and ll.assert.
void populateDebugOpToLLVMPatterns(LLTypeConverter &tc,
                                   RewritePatternSet &patterns,
                                   const TargetInfo &target);
/// ll.atomic_rmw / ll.atomic_cas, and their scratch: the old values of
/// elements (or a scalar) applied by one thread and wanted by threads of
/// other warps go through shared memory.
void populateAtomicOpToLLVMPatterns(LLTypeConverter &tc,
                                    RewritePatternSet &patterns,
                                    const TargetInfo &target);
int64_t atomicScratchBytes(Operation *op);
/// ll.dot with the instruction its layouts divide into (FMA).
void populateDotOpToLLVMPatterns(LLTypeConverter &tc,
                                 RewritePatternSet &patterns,
                                 const TargetInfo &target);
/// Hopper's TMA: tensor maps, mbarriers, tile copies (sm_90).
void populateTMAOpToLLVMPatterns(LLTypeConverter &tc,
                                 RewritePatternSet &patterns,
                                 const TargetInfo &target);
/// A diagnostic on the first TMA op (mbarriers, tensor maps, tile copies,
/// async-proxy fences) where the target has no TMA (before sm_90, AMD).
LogicalResult checkTMATarget(ModuleOp module, const TargetInfo &target);
/// A kernel with Triton's two trailing scratch pointers (global, profile):
/// set by convert-triton-to-ll with scratch-args.
constexpr const char *kScratchArgsAttr = "ll.scratch_args";
/// The global scratch each program needs (bytes, alignment): module
/// attributes Triton's launcher reads as global_scratch_size / _align.
constexpr const char *kGlobalScratchSizeAttr = "ll.global_scratch_size";
constexpr const char *kGlobalScratchAlignAttr = "ll.global_scratch_align";
/// Every ll.global_scratch_alloc of a kernel becomes its part of Triton's
/// global scratch buffer (this program's slice, at an offset of its own);
/// records the module's kGlobalScratch* attributes. A diagnostic where the
/// kernel has no scratch pointer.
LogicalResult materializeGlobalScratch(ModuleOp module);
/// Kernel parameters that are tensor descriptors are host tensor maps:
/// `llvm.byval` 128 bytes, 64-byte aligned, `nvvm.grid_constant`.
void markTensorMapArguments(ModuleOp module);
/// ll.local_alloc / local_load / local_store / local_dealloc.
void populateLocalOpToLLVMPatterns(LLTypeConverter &tc,
                                   RewritePatternSet &patterns,
                                   const TargetInfo &target);

/// The byte offset of an op's shared memory (ll.local_alloc's buffer, or
/// the scratch of an op that goes through shared memory), and its bytes.
constexpr const char *kSharedOffsetAttr = "ll.offset";
constexpr const char *kSharedBytesAttr = "ll.allocated_bytes";
/// ll-allocate-shared: offsets for every ll.local_alloc buffer (live from
/// the alloc to its last use) and every op's scratch (live during the op),
/// overlapping lifetimes in disjoint bytes; records kSharedOffsetAttr on
/// each and kNoBarrierBefore on the accesses that need no barrier before
/// them; returns the bytes needed.
FailureOr<int64_t> allocateSharedMemory(ModuleOp module,
                                        const TargetInfo &target,
                                        const ConversionPlans &plans);

/// A pattern that emits target-specific ops.
template <typename OpT> struct TargetPattern : OpConversionPattern<OpT> {
  TargetPattern(LLTypeConverter &tc, MLIRContext *ctx, const TargetInfo &t,
                PatternBenefit benefit = 1)
      : OpConversionPattern<OpT>(tc, ctx, benefit), target(t) {}
  const TargetInfo &target;
};


namespace lowering {

/// "{ $first, $first+1, ... }" for `count` inline-asm operands.
std::string ptxRegs(int first, int count);
/// Inline PTX, by default with side effects (never hoisted, merged or
/// dropped), as Triton emits its memory accesses; `result` null for none.
LLVM::InlineAsmOp inlinePtx(OpBuilder &b, Location loc, Type result,
                            ValueRange operands, StringRef text,
                            StringRef constraints, bool sideEffects = true);
/// The elements of the four 32-bit words a matrix load (ldmatrix .x4) gives
/// at slot `slot`, each as an integer of `bits` bits, with the register
/// `regMap` ((register, matrix, element) -> register) puts it in.
void forMatrixElements(OpBuilder &b, Location loc, ArrayRef<Value> words,
                       const ::ll::LinearLayout &regMap, int32_t slot, int bits,
                       function_ref<void(int32_t reg, Value element)> put);
/// Float types LLVM has (others, fp8, are integers of their width).
bool isLLVMFloat(Type t);
Value i32(OpBuilder &b, Location loc, int64_t v);
/// The members of an LLVM struct value.
SmallVector<Value> unpack(OpBuilder &b, Location loc, Value s);
/// An LLVM struct of `type` holding `vals`.
Value pack(OpBuilder &b, Location loc, Type type, ArrayRef<Value> vals);

/// The registers of a converted value: the members of a struct, or the
/// value itself for a scalar; and back.
SmallVector<Value> registersOf(OpBuilder &b, Location loc, Value v);
Value fromRegisters(OpBuilder &b, Location loc, Type type, ArrayRef<Value> vals);

/// Registers [0, regs) grouped by `bits` (register bits): per register
/// with those bits zero, its group in vector order.
SmallVector<SmallVector<int>> groupRegisters(ArrayRef<int32_t> bits, int regs);
/// The registers a global access moves together: per group (slot r with
/// the vector bits zero) its registers in vector order, as kVectorAttr on
/// `op` says (one register per group without it).
SmallVector<SmallVector<int>> accessGroups(Operation *op, Type ptrType,
                                           int regs);

/// The thread's lane and warp (block: one CTA per cluster).
struct ThreadIds {
  Value lane, warp;
  /// The thread's index in the CTA ((warp << laneBits) | lane), when known.
  Value tid = {};
  int laneBits = 0;
};
ThreadIds threadIds(OpBuilder &b, Location loc, const TargetInfo &t);
/// The mask of in dim `dim` among free-variable masks (0 if absent).
int32_t maskOf(const std::vector<std::pair<std::string, int32_t>> &masks,
               StringRef dim);
/// The free-variable mask of `l`'s in dim `dim`.
int32_t freeMask(const ::ll::LinearLayout &l, StringRef dim);
/// "This thread holds the first copy": its lane and warp bits in the masks
/// are zero; null when both masks are 0 (every thread does).
Value firstCopy(OpBuilder &b, Location loc, ThreadIds ids, int32_t laneMask,
                int32_t warpMask);

/// Continue emitting inside `if (cond)` (nothing when `cond` is null, e.g.
/// a firstCopy that every thread passes); the caller's InsertionGuard
/// leaves the branch.
void insideIf(OpBuilder &b, Location loc, Value cond);

/// Out dim `out` of `l` is constPart(constant inputs) XOR runtimePart(the
/// hardware ids and other runtime inputs). runtimePart is, per input, one
/// mask and one shift per distance an input bit moves to an output bit:
/// a run of doubling bases (b, 2b, 4b, ...) is one, a 128-byte swizzle's
/// XOR of row bits into column bits one more. Inputs not given count as 0.
int32_t constPart(const ::ll::LinearLayout &l, StringRef out,
                  ArrayRef<std::pair<StringRef, int32_t>> consts);
Value runtimePart(OpBuilder &b, Location loc, const ::ll::LinearLayout &l,
                  StringRef out, ArrayRef<std::pair<StringRef, Value>> vars);
/// Every value the part of out dim `out` from in dims `ins` can take (the
/// span of their images), 0 first.
SmallVector<int32_t> spanOf(const ::ll::LinearLayout &l, StringRef out,
                            ArrayRef<StringRef> ins);
/// vals[base ^ k] for a runtime k that takes one of `span` (0 first): a
/// select per other candidate.
Value pick(OpBuilder &b, Location loc, ArrayRef<Value> vals, int32_t base,
           Value k, ArrayRef<int32_t> span);
/// vals[base_i ^ k] for each base_i, where k is out dim `out` of `l` over
/// the runtime inputs `vars` (register indices): whichever is cheaper of a
/// select chain per result (one select per other candidate k) and a
/// butterfly over `vals` (per runtime bit with a nonzero image v, swap
/// vals[x] and vals[x ^ v] where the bit is set: one select per value).
SmallVector<Value> pickAll(OpBuilder &b, Location loc, ArrayRef<Value> vals,
                           ArrayRef<int32_t> bases, const ::ll::LinearLayout &l,
                           StringRef out,
                           ArrayRef<std::pair<StringRef, Value>> vars);
/// Values of `type` (integers, floats, pointers) as integers of `bits` bits
/// (zero-extended), and back (truncated).
Value toInt(OpBuilder &b, Location loc, Value v, unsigned bits);
Value fromInt(OpBuilder &b, Location loc, Value v, Type type);
/// The value `v` of lane `lane ^ mask` (any type up to 64 bits; 64-bit
/// values as two words).
Value shuffleXor(OpBuilder &b, Location loc, const TargetInfo &t, Value v,
                 Value lane, int32_t mask);
/// The value `v` of lane `srcLane` (any type up to 64 bits).
Value shuffleIdx(OpBuilder &b, Location loc, const TargetInfo &t, Value v,
                 Value srcLane);
/// Scratch in shared memory (at @global_smem): values of type `t` are
/// stored as storageType(t) (i1 as i8) in storageBytes(t) bytes.
Type storageType(Type t);
int64_t storageBytes(Type t);
/// Regions of `count` elements, one per type, 16-byte aligned, from byte
/// `base` of the shared memory; `bytes` is their extent.
struct Scratch {
  SmallVector<int64_t> offsets;
  int64_t bytes = 0;
  Scratch(ArrayRef<Type> types, int64_t count, int64_t base = 0);
};
/// The byte offset ll-allocate-shared gave `op`, which uses `bytes` of
/// shared memory from there, and @global_smem plus that offset. Failure,
/// with a diagnostic on `op`, when it has no offset or fewer bytes (the op
/// changed after allocation, e.g. a conversion re-planned after a fold):
/// never offset 0 by default, which would overlap other buffers.
FailureOr<int64_t> sharedOffset(Operation *op, int64_t bytes);
/// The bytes of a memdesc's buffer.
int64_t memdescBytes(MemDescType m);
FailureOr<Value> sharedBase(OpBuilder &b, Location loc, Operation *op,
                            int64_t bytes);
/// Element `index` (of type `t`, stored as storageType(t)) from the shared
/// pointer `base`, and its store / load.
Value elementPtr(OpBuilder &b, Location loc, Value base, Type t, Value index);
void storeElement(OpBuilder &b, Location loc, Value base, Value v, Value index);
Value loadElement(OpBuilder &b, Location loc, Value base, Type t, Value index);
/// A value of type `t` through `ptr` as stored (storageType: i1 as a byte).
void storeTo(OpBuilder &b, Location loc, Value ptr, Value v);
Value loadFrom(OpBuilder &b, Location loc, Value ptr, Type t);
/// Element `index` of region `k`.
Value sharedPtr(OpBuilder &b, Location loc, const Scratch &s, int k, Type t,
                Value index);
void storeShared(OpBuilder &b, Location loc, const Scratch &s, int k, Value v,
                 Value index);
Value loadShared(OpBuilder &b, Location loc, const Scratch &s, int k, Type t,
                 Value index);
/// `count` consecutive elements of region `k` from `index` (a multiple of
/// `count`), in vectors of up to 16 bytes.
SmallVector<Value> loadSharedRun(OpBuilder &b, Location loc, const Scratch &s,
                                 int k, Type t, Value index, int64_t count);
/// The row-major strides of `shape` (the last dim contiguous).
SmallVector<int64_t> rowMajorStrides(ArrayRef<int64_t> shape);
/// `l` with its out dims folded into one, "offset" = sum of dim d times
/// strides[d] (strides of powers of two keep it linear: a row-major index).
::ll::LinearLayout indexLayout(const ::ll::LinearLayout &l,
                               ArrayRef<int64_t> strides);
/// A pointer (address space 0) to a NUL-terminated constant string, an
/// internal global of the module named after `name` (one per text), held
/// in address space `space` (cast to 0 when it is not).
Value globalString(OpBuilder &b, Location loc, StringRef name, StringRef text,
                   unsigned space = 0);
/// The module's declaration of external function `name` (made once).
LLVM::LLVMFuncOp declareFunction(OpBuilder &b, Location loc, StringRef name,
                                 LLVM::LLVMFunctionType type);
/// The layout of a tensor type (failure with a diagnostic on `op`).
FailureOr<::ll::LinearLayout> layoutOf(Operation *op, Type type);

/// A memdesc's coordinates -> element offset in its buffer: the inverse of
/// the buffer's memory layout, its coordinate dims cut to the view's shape
/// (all of them for a whole buffer). Failure with a diagnostic on `op`.
FailureOr<::ll::LinearLayout> viewOffsets(Operation *op, MemDescType mem);
/// The element offset L(origin) of the box `mem` views (the
/// ll.memdesc_subslice ops that made it; 0 for a whole buffer): every
/// element of the view is at L(origin) XOR viewOffsets(coordinates).
/// Failure with a diagnostic where a subview's origin is not known here (a
/// block argument of subview type).
FailureOr<int32_t> viewOrigin(Operation *op, Value mem);

/// Where ll-allocate-shared starts a buffer: a swizzled #ll.nvmma_shared one
/// at a multiple of 1024 bytes (TMA and wgmma swizzles permute address bits
/// [4, 7) by bits [7, 10) of the absolute address: there its pattern
/// starts), others at multiples of 128.
int64_t bufferAlignment(MemDescType m);
/// The views of a memdesc that its uses make (ll.memdesc_index,
/// ll.memdesc_trans, ll.memdesc_subslice, the pass-through of
/// ll.warp_group_dot_wait, and where it flows through scf.for / scf.if / scf.yield:
/// the region arguments and results it becomes).
SmallVector<Value> memdescViews(Value v);
/// The order in which a reduction combines a thread's values of one output
/// element (see combineList in ReduceScanOpToLLVM.cpp). A module's
/// `ll.reduction_order` attribute ("sequential", "tree" or "packed") picks
/// it; by default a balanced tree, and on AMD for f32 / f16 adds and
/// multiplies the packed tree (pairs per instruction). The Triton hook sets
/// the attribute to the installed release's order, so that our code gives
/// Triton's bits.
enum class ReductionOrder { Sequential, Tree, Packed };
constexpr const char *kReductionOrderAttr = "ll.reduction_order";

/// The operands of an ll.warp_group_dot that ll-allocate-shared placed at a
/// multiple of kWgmmaAlign bytes (buffers a wgmma reads), by number.
constexpr const char *kWgmmaAlignedAttr = "ll.aligned_operands";
constexpr int64_t kWgmmaAlign = 1024;

} // namespace lowering
} // namespace mlir::ll

#endif // LINEAR_LAYOUTS_LIB_CONVERSION_LLTOLLVM_PATTERNBASE_H
