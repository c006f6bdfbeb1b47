//===- TargetInfo.h - What the lowering emits per target --------*- C++ -*-===//
//
// One description of a GPU target for planning and lowering: the planner's
// `ll::Target` (warp size, banks, access widths, matrix instructions, the
// cycle model) plus how to emit hardware ids, shuffles, barriers and kernel
// attributes with NVVM (sm_*) or ROCDL (gfx*) ops.
//
//===----------------------------------------------------------------------===//

#ifndef LINEAR_LAYOUTS_CONVERSION_LLTOLLVM_TARGETINFO_H
#define LINEAR_LAYOUTS_CONVERSION_LLTOLLVM_TARGETINFO_H

#include "linear_layouts/Core/Planning.h"
#include "linear_layouts/Dialect/LL/IR/LLDialect.h"

#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/PatternMatch.h"

#include <memory>

namespace mlir::ll {

class TargetInfo {
public:
  virtual ~TargetInfo() = default;

  /// How to emit code for `t`: NVVM (NVIDIA) or ROCDL (AMD).
  static std::unique_ptr<TargetInfo> get(::ll::Target t);

  /// The planner's description of the target.
  const ::ll::Target &target() const { return desc; }
  int warpSize() const { return desc.warpSize; }
  bool isAMD() const { return desc.isAMD(); }
  /// The most shared memory (bytes) one CTA may use (::ll::Target).
  int64_t sharedMemoryBytes() const { return desc.sharedMemoryBytes; }

  /// The thread's index in its CTA (x), as i32.
  virtual Value threadId(OpBuilder &b, Location loc) const = 0;
  /// The CTA's index / the grid's size along `axis` (0-2), as i32.
  virtual Value programId(OpBuilder &b, Location loc, int axis) const = 0;
  virtual Value numPrograms(OpBuilder &b, Location loc, int axis) const = 0;
  /// The i32 `value` of lane `lane` of this warp (every lane takes part).
  virtual Value shuffleIdx(OpBuilder &b, Location loc, Value value,
                           Value lane) const = 0;
  /// The i32 `value` of lane `lane ^ mask` (every lane takes part; `lane`
  /// is this thread's lane).
  virtual Value shuffleXor(OpBuilder &b, Location loc, Value value, Value lane,
                           int32_t mask) const = 0;
  /// What one instruction can combine over all lanes of a warp.
  enum class WarpReduceKind { Add, And, Or, Xor, Min, UMin, Max, UMax };
  /// `value` (an integer of at most 32 bits) combined by `kind` over every
  /// lane of the warp, each lane getting the result, in one instruction
  /// (NVIDIA's redux.sync, sm_80 and later): 5 shuffles and 5 combines of
  /// a butterfly become one. Null, with nothing emitted, where the target
  /// has no such instruction.
  virtual Value warpReduce(OpBuilder &b, Location loc, Value value,
                           WarpReduceKind kind) const {
    return nullptr;
  }
  /// f32 `hi` and `lo` rounded to nearest even into the fp8 type `fp8`
  /// (f8E4M3FN or f8E5M2), saturating to the largest finite value: an i16
  /// with `lo` in its low byte (cvt.rn.satfinite.e4m3x2.f32, sm_89+). Null,
  /// with nothing emitted, where the target has no such instruction.
  virtual Value roundToFp8x2(OpBuilder &b, Location loc, Value hi, Value lo,
                             Type fp8) const {
    return nullptr;
  }
  /// Two fp8 values of type `fp8` (f8E4M3FN or f8E5M2), the i8 `lo` and
  /// `hi`, as an exact vector<2xf16> (cvt.rn.f16x2.e4m3x2, sm_89+). Null,
  /// with nothing emitted, where the target has no such instruction.
  virtual Value fp8x2ToF16x2(OpBuilder &b, Location loc, Value lo, Value hi,
                             Type fp8) const {
    return nullptr;
  }
  /// A global load of `type` (an integer or float, or a vector of them)
  /// through `ptr` (address space 1, aligned to the whole access) where the
  /// i1 `pred` holds, else `other` (of `type`; null: zero), without a branch
  /// in the IR. By default LLVM's `llvm.masked.load` (its back end guards a
  /// splat mask with one branch per access; AMD); NVIDIA: one predicated PTX
  /// instruction, as Triton emits it (`@p ld.global.v4.b32`). Null, with
  /// nothing emitted, for types neither takes (i1, pointers: the caller
  /// branches). A branch per masked access in the IR gave LLVM's O3
  /// thousands of blocks in a large tile (a 64k-element vector add: 37 s
  /// instead of 0.3 s), and MLIR's SCF-to-CF conversion quadratic memory.
  virtual Value predicatedLoad(OpBuilder &b, Location loc, Type type,
                               Value ptr, Value pred, Value other) const;
  /// The global store of `value` through `ptr` where `pred` holds, without
  /// a branch in the IR (`llvm.masked.store`; NVIDIA: `@p st.global`);
  /// false, with nothing emitted, for types neither takes.
  virtual bool predicatedStore(OpBuilder &b, Location loc, Value value,
                               Value ptr, Value pred) const;
  /// The four i32 `words` of this lane stored as 8x8 matrices of 16-bit
  /// elements to its row address `ptr` in shared memory (`stmatrix.x4`,
  /// `.trans` when `transposed`: sm_90+). False, with nothing emitted,
  /// where the target has no matrix stores.
  virtual bool storeMatrix(OpBuilder &b, Location loc, Value ptr,
                           ArrayRef<Value> words, bool transposed) const {
    return false;
  }
  /// The four i32 words of this lane loaded from 8x8 matrices of 16-bit
  /// elements whose rows the lanes address (`ldmatrix.x4`, `.trans`:
  /// sm_80+). Empty, with nothing emitted, where the target has none.
  virtual SmallVector<Value> loadMatrix(OpBuilder &b, Location loc, Value ptr,
                                        bool transposed) const {
    return {};
  }
  /// Math ops the target has no exact instruction for (exp, log,
  /// trigonometric, hyperbolic, erf, pow, ...) on scalars: lowered by
  /// populateMathPatterns to its approximations (NVIDIA: Triton's
  /// `ex2.approx` & co. for `afn` f32) or math library calls (libdevice
  /// `__nv_*`, OCML `__ocml_*`, linked at emission); on NVIDIA also `afn`
  /// f32 sqrt / rsqrt / division (Triton's .approx.ftz / div.full forms).
  /// Other square roots, absolute values, fused multiply-adds, rounding,
  /// min / max stay LLVM intrinsics; so do f32 exp / log on AMD.
  bool needsMathLibrary(Operation *op) const;
  virtual void populateMathPatterns(LLVMTypeConverter &tc,
                                    RewritePatternSet &patterns) const = 0;
  /// What the module needs once it has kernels (AMD: the code object
  /// version flag).
  virtual void finishModule(OpBuilder &b, ModuleOp module) const {}
  /// An atomic issued where `pred` holds, without a branch: `kind` of
  /// ll.atomic_rmw with `vals[0]`, or (no kind) a compare-and-swap of
  /// `vals[0]` (compared) and `vals[1]` (written) through global `ptr`;
  /// its old value, 0 where `pred` is false. Null where the target has no
  /// such instruction (the caller branches around LLVM's atomic).
  virtual Value predicatedAtomic(OpBuilder &b, Location loc,
                                 std::optional<AtomicRMWKind> kind, Value ptr,
                                 ArrayRef<Value> vals, Value pred,
                                 MemSemantic sem, MemScope scope) const {
    return {};
  }
  /// This thread prints C format `format` with `args` (promoted as C
  /// varargs: i32, i64, f64, pointers). NVIDIA: vprintf; AMD: OCKL's
  /// printf.
  virtual void printf(OpBuilder &b, Location loc, StringRef format,
                      ValueRange args) const = 0;
  /// This thread reports a failed assertion (`message` at file:line in
  /// `func`) and stops the launch.
  virtual void assertFail(OpBuilder &b, Location loc, StringRef message,
                          StringRef file, int line, StringRef func) const = 0;
  /// How many consecutive elements of type `elt` one atomic float add
  /// takes: NVIDIA sm_90 vectors (atom.add.noftz.v8.f16 / bf16,
  /// atom.add.v4.f32), f16 pairs before (atom.add.noftz.f16x2); AMD f16 /
  /// bf16 pairs (global_atomic_pk_add_*); else 1.
  int atomicAddVector(Type elt) const {
    bool half = elt.isF16() || elt.isBF16();
    if (isAMD())
      return half ? 2 : 1;
    if (desc.computeCapability >= 90)
      return half ? 8 : elt.isF32() ? 4 : 1;
    return elt.isF16() ? 2 : 1;
  }
  /// The LLVM sync scope of an atomic's scope: NVPTX "block" / "device" /
  /// "" (system), AMDGPU "workgroup" / "agent" / "".
  virtual StringRef syncScope(MemScope scope) const = 0;
  /// A CTA-wide barrier (shared memory written before it is visible after).
  virtual void barrier(OpBuilder &b, Location loc) const = 0;
  /// Mark `func` as a kernel of `threads` threads per CTA.
  virtual void markKernel(LLVM::LLVMFuncOp func, int threads) const = 0;

protected:
  explicit TargetInfo(::ll::Target t) : desc(std::move(t)) {}
  ::ll::Target desc;
};

} // namespace mlir::ll

#endif // LINEAR_LAYOUTS_CONVERSION_LLTOLLVM_TARGETINFO_H
