//===- LLToLLVMPass.cpp - convert-ll-to-llvm ------------------------------===//
//
// Two conversions in one pass:
//  1. ll ops, arith / math on tensors, and the types of func / scf ops with
//     encoded tensors -> LLVM dialect + NVVM / ROCDL (our patterns; scf
//     stays, with converted types);
//  2. MLIR's own conversions: scf -> cf, then func / arith / math / cf ->
//     LLVM; unrealized casts reconciled.
// Then kernels get their attributes and the module its shared memory.
//
//===----------------------------------------------------------------------===//

#include "PatternBase.h"
#include "linear_layouts/Conversion/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVM.h"
#include "mlir/Conversion/LLVMCommon/ConversionTarget.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/Transforms/Patterns.h"
#include "mlir/IR/Dominance.h"
#include "mlir/Interfaces/LoopLikeInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"


namespace mlir::ll {
#define GEN_PASS_DEF_CONVERTLLTOLLVM
#define GEN_PASS_DEF_LLALLOCATESHARED
#include "linear_layouts/Conversion/Passes.h.inc"
} // namespace mlir::ll

using namespace mlir;
using namespace mlir::ll;

namespace {

/// Calls `check(op, type)` for the type of every value defined under `root`
/// (op results and block arguments of their regions), stopping at the first
/// false; failure if it stopped.
LogicalResult checkDefinedTypes(Operation *root,
                                function_ref<bool(Operation *, Type)> check) {
  WalkResult r = root->walk([&](Operation *op) {
    for (Type t : op->getResultTypes())
      if (!check(op, t))
        return WalkResult::interrupt();
    for (Region &reg : op->getRegions())
      for (Block &blk : reg)
        for (BlockArgument a : blk.getArguments())
          if (!check(op, a.getType()))
            return WalkResult::interrupt();
    return WalkResult::advance();
  });
  return failure(r.wasInterrupted());
}

/// The warps of the layouts in `func` (all must agree, and agree with the
/// kernel's `ll.num_warps` where it has one); without tensors its
/// `ll.num_warps`, else 1. Every distributed layout must spread over the
/// target's lanes exactly (a layout of 64 lanes on a 32-lane target would
/// leave half its elements to threads that do not exist).
FailureOr<int> warpsOf(func::FuncOp func, const TargetInfo &target) {
  int warps = 0;
  if (auto a = func->getAttrOfType<IntegerAttr>("ll.num_warps")) {
    if (a.getInt() < 1 || !llvm::isPowerOf2_64(a.getInt()) ||
        a.getInt() * target.warpSize() > 1024) {
      func.emitOpError() << "ll.num_warps = " << a.getInt()
                         << " is not a power of two with at most 1024 "
                            "threads per CTA";
      return failure();
    }
    warps = int(a.getInt());
  }
  auto check = [&](Operation *op, Type t) {
      auto l = getLinearLayout(t);
      if (failed(l) || !l->hasInDim("warp"))
        return true;
      if (l->hasInDim("lane")) {
        int lanes = int(l->inDimSize(l->inDimIndex("lane")));
        if (lanes != target.warpSize()) {
          op->emitOpError() << "has a layout of " << lanes << " lanes, but "
                            << target.target().name << " has "
                            << target.warpSize() << " threads per warp";
          return false;
        }
      }
      int w = int(l->inDimSize(l->inDimIndex("warp")));
      if (warps && w != warps) {
        op->emitOpError() << "uses " << w << " warps where the kernel's other "
                          << "layouts use " << warps;
        return false;
      }
      warps = w;
      return true;
  };
  if (failed(checkDefinedTypes(func, check)))
    return failure();
  return warps ? warps : 1;
}

/// The target named by the option, else the module's ll.target (null with
/// a diagnostic on the module when there is none or it is unknown).
std::unique_ptr<TargetInfo> targetOf(ModuleOp module, StringRef option) {
  auto t = lookupTarget(module, option);
  if (failed(t))
    return nullptr;
  return TargetInfo::get(std::move(*t));
}

/// What MLIR's LLVM IR translation assumes without verifying (the LLVM we
/// link is built with assertions: a wrong type there aborts the process):
/// the target ops that become calls or intrinsics of a fixed type must have
/// it. NVVM special registers are i32 (but the 64-bit clocks and grid id);
/// ROCDL's workitem / workgroup ids are i32 intrinsics, its grid and
/// workgroup dims calls of OCKL's i64 functions.
LogicalResult checkTranslatable(ModuleOp module) {
  WalkResult r = module.walk([](Operation *op) {
    StringRef name = op->getName().getStringRef();
    unsigned want = 0;
    if (name.starts_with("nvvm.read.ptx.sreg."))
      want = name.ends_with("clock64") || name.ends_with("globaltimer") ||
                     name.ends_with("gridid")
                 ? 64
                 : 32;
    else if (name.starts_with("rocdl.workitem.id.") ||
             name.starts_with("rocdl.workgroup.id."))
      want = 32;
    else if (name.starts_with("rocdl.grid.dim.") ||
             name.starts_with("rocdl.workgroup.dim."))
      want = 64;
    if (!want || op->getNumResults() != 1 ||
        op->getResult(0).getType().isInteger(want))
      return WalkResult::advance();
    op->emitOpError() << "must give an i" << want << " (LLVM IR translation "
                      << "builds it so), not " << op->getResult(0).getType();
    return WalkResult::interrupt();
  });
  return failure(r.wasInterrupted());
}

/// Triton's largest tensor (TRITON_MAX_TENSOR_NUMEL): a tile is lowered
/// register by register, so larger ones are refused before anything is
/// built for them (a tensor<2^30 x f32> grew ll-opt past 10 GB).
constexpr int64_t kMaxTensorElements = int64_t(1) << 20;
/// The most registers one thread holds of one tensor. A GPU thread has 255
/// 32-bit registers; Triton spills larger tiles to local memory and takes
/// minutes to compile them (a 2^20-element vector add of 4 warps: over 10
/// minutes). Past this the lowering's time and LLVM's grow faster than
/// linearly (a 2^20-element histogram of 4 warps: 8 GB), so such kernels are
/// refused, in bounded memory, and the Triton hook leaves them to Triton.
constexpr int64_t kMaxRegistersPerThread = 1024;

LogicalResult checkTensorSizes(ModuleOp module) {
  return checkDefinedTypes(module, [](Operation *op, Type t) {
      auto rt = dyn_cast<RankedTensorType>(t);
      if (!rt || !rt.hasStaticShape())
        return true;
      if (rt.getNumElements() > kMaxTensorElements) {
        op->emitOpError() << "has a tensor of " << rt.getNumElements()
                          << " elements, more than Triton's largest ("
                          << kMaxTensorElements << ", TRITON_MAX_TENSOR_NUMEL)";
        return false;
      }
      auto l = getLinearLayout(rt);
      if (succeeded(l) && l->hasInDim("register") &&
          l->inDimSize(l->inDimIndex("register")) > kMaxRegistersPerThread) {
        op->emitOpError() << "holds " << l->inDimSize(l->inDimIndex("register"))
                          << " registers of one tensor per thread, more than "
                          << kMaxRegistersPerThread
                          << " (split the tile, or use more warps)";
        return false;
      }
      return true;
  });
}

struct LLAllocateShared
    : public mlir::ll::impl::LLAllocateSharedBase<LLAllocateShared> {
  using LLAllocateSharedBase::LLAllocateSharedBase;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto info = targetOf(module, target);
    if (!info)
      return signalPassFailure();
    ConversionPlans plans;
    if (failed(planConversions(module, *info, /*trafficFirst=*/false, plans)))
      return signalPassFailure();
    auto bytes = allocateSharedMemory(module, *info, plans);
    if (failed(bytes))
      return signalPassFailure();
    module->setAttr("ll.shared",
                    IntegerAttr::get(IntegerType::get(&getContext(), 64), *bytes));
  }
};

struct ConvertLLToLLVM
    : public mlir::ll::impl::ConvertLLToLLVMBase<ConvertLLToLLVM> {
  using ConvertLLToLLVMBase::ConvertLLToLLVMBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    auto info = targetOf(module, target);
    if (!info)
      return signalPassFailure();
    std::string name = info->target().name;
    if (failed(checkTensorSizes(module)))
      return signalPassFailure();
    // Threads per CTA of each kernel, before the types go.
    llvm::StringMap<int> threads;
    for (auto func : module.getOps<func::FuncOp>()) {
      if (!func->hasAttr("ll.kernel"))
        continue;
      // A GPU kernel returns nothing (LLVM's verifier rejects a ptx_kernel /
      // amdgpu_kernel with a result, aborting translation).
      if (func.getFunctionType().getNumResults()) {
        func.emitOpError() << "is a kernel (ll.kernel) but returns values; "
                              "a kernel returns nothing";
        return signalPassFailure();
      }
      auto warps = warpsOf(func, *info);
      if (failed(warps))
        return signalPassFailure();
      threads[func.getSymName()] = *warps * info->warpSize();
    }

    // Vector widths of global accesses (from the offsets' contiguity).
    annotateGlobalVectors(module);

    // The conversions' plans, once; then offsets in shared memory for every
    // buffer and scratch (those nothing used before need no leading
    // barrier).
    ConversionPlans plans;
    if (failed(planConversions(module, *info, trafficFirst, plans)))
      return signalPassFailure();
    auto allocated = allocateSharedMemory(module, *info, plans);
    if (failed(allocated))
      return signalPassFailure();
    // Global scratch slices (device-built tensor maps); host tensor maps.
    if (failed(checkTMATarget(module, *info)) ||
        failed(materializeGlobalScratch(module)))
      return signalPassFailure();
    markTensorMapArguments(module);

    // 1. ll and tensors.
    // Allocation alone sizes the shared memory: the patterns read offsets.
    const int64_t sharedBytes = *allocated;
    {
      LLTypeConverter tc(ctx);
      RewritePatternSet patterns(ctx);
      ConversionTarget ct(*ctx);
      ct.addLegalDialect<LLVM::LLVMDialect, NVVM::NVVMDialect,
                         ROCDL::ROCDLDialect, scf::SCFDialect,
                         cf::ControlFlowDialect>();
      ct.addIllegalDialect<LLDialect>();
      ct.addIllegalOp<gpu::BarrierOp>(); // (tl.debug_barrier: the target's barrier)
      auto legalTypes = [&](Operation *op) { return tc.isLegal(op); };
      ct.addDynamicallyLegalDialect<arith::ArithDialect, math::MathDialect>(
          legalTypes);
      ct.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp f) {
        return tc.isSignatureLegal(f.getFunctionType()) &&
               tc.isLegal(&f.getBody());
      });
      ct.addDynamicallyLegalOp<func::ReturnOp, func::CallOp>(legalTypes);
      ct.markUnknownOpDynamicallyLegal(legalTypes);
      populateKernelOpToLLVMPatterns(tc, patterns, *info);
      populateConvertLayoutOpToLLVMPatterns(tc, patterns, *info, plans);
      populateReduceScanOpToLLVMPatterns(tc, patterns, *info);
      populateFpToFpOpToLLVMPatterns(tc, patterns, *info);
      populateGatherOpToLLVMPatterns(tc, patterns, *info);
      populateLocalOpToLLVMPatterns(tc, patterns, *info);
      populateHistogramOpToLLVMPatterns(tc, patterns, *info);
      populateAtomicOpToLLVMPatterns(tc, patterns, *info);
      populateDebugOpToLLVMPatterns(tc, patterns, *info);
      populateTMAOpToLLVMPatterns(tc, patterns, *info);
      populateDotOpToLLVMPatterns(tc, patterns, *info);
      populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                     tc);
      populateReturnOpTypeConversionPattern(patterns, tc);
      populateCallOpTypeConversionPattern(patterns, tc);
      scf::populateSCFStructuralTypeConversionsAndLegality(tc, patterns, ct);
      if (failed(applyPartialConversion(module, ct, std::move(patterns))))
        return signalPassFailure();
    }

    // Two CTA barriers with nothing but arithmetic between them are one
    // (an op's trailing barrier meeting the next op's leading one: two
    // mbarrier inits).
    module.walk([](Block *block) {
      Operation *prev = nullptr;
      for (Operation &op : llvm::make_early_inc_range(*block)) {
        bool barrier = isa<NVVM::Barrier0Op, ROCDL::SBarrierOp>(op);
        if (barrier && prev && prev->getName() == op.getName())
          op.erase();
        else if (barrier)
          prev = &op;
        else if (!isMemoryEffectFree(&op) || op.getNumRegions())
          prev = nullptr;
      }
    });

    // 2. MLIR's conversions to LLVM. Math the targets have no exact
    //    instruction for becomes calls of the vendor's library (libdevice
    //    __nv_*, OCML __ocml_*), linked at emission.
    {
      LowerToLLVMOptions options(ctx);
      LLVMTypeConverter tc(ctx, options);
      RewritePatternSet patterns(ctx);
      info->populateMathPatterns(tc, patterns);
      ConversionTarget ct(*ctx);
      ct.addDynamicallyLegalDialect<math::MathDialect, arith::ArithDialect>(
          [&](Operation *op) { return !info->needsMathLibrary(op); });
      ct.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
      if (failed(applyPartialConversion(module, ct, std::move(patterns))))
        return signalPassFailure();
    }
    {
      RewritePatternSet patterns(ctx);
      populateSCFToControlFlowConversionPatterns(patterns);
      ConversionTarget ct(*ctx);
      ct.addIllegalDialect<scf::SCFDialect>();
      ct.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
      if (failed(applyPartialConversion(module, ct, std::move(patterns))))
        return signalPassFailure();
    }
    {
      LowerToLLVMOptions options(ctx);
      LLVMTypeConverter tc(ctx, options);
      RewritePatternSet patterns(ctx);
      populateFuncToLLVMConversionPatterns(tc, patterns);
      arith::populateArithToLLVMConversionPatterns(tc, patterns);
      populateMathToLLVMConversionPatterns(tc, patterns);
      cf::populateControlFlowToLLVMConversionPatterns(tc, patterns);
      LLVMConversionTarget ct(*ctx);
      ct.addLegalDialect<NVVM::NVVMDialect, ROCDL::ROCDLDialect>();
      ct.addLegalOp<ModuleOp, UnrealizedConversionCastOp>();
      if (failed(applyFullConversion(module, ct, std::move(patterns))))
        return signalPassFailure();
      SmallVector<UnrealizedConversionCastOp> casts;
      module.walk([&](UnrealizedConversionCastOp c) { casts.push_back(c); });
      SmallVector<UnrealizedConversionCastOp> left;
      reconcileUnrealizedCasts(casts, &left);
      if (!left.empty()) {
        left.front().emitOpError()
            << "cannot be lowered: a value keeps a type LLVM does not have";
        return signalPassFailure();
      }
    }

    // Loops of a run-time trip count are not unrolled by LLVM, as in
    // Triton's code (LLVM runtime-unrolls our plain loads 4x where Triton's
    // inline asm keeps it from it; tl.range's loop_unroll_factor unrolls
    // before the TTGIR): llvm.loop.unroll.runtime.disable on every back
    // edge. (Not unroll.disable: that becomes PTX's `.pragma "nounroll"`,
    // and ptxas unrolls Triton's loops.)
    // A loop of tensor-core instructions (a matmul's main loop) is not
    // unrolled at all: LLVM fully unrolls our short constant-trip ones once
    // their operand loads are ldmatrix intrinsics, where Triton's stay
    // loops (and ptxas leaves them so too); unroll.disable.
    auto annotation = [&](bool none) {
      return LLVM::LoopAnnotationAttr::get(
          ctx, {}, {}, {},
          LLVM::LoopUnrollAttr::get(ctx, none ? BoolAttr::get(ctx, true) : BoolAttr(),
                                    {}, BoolAttr::get(ctx, true), {}, {}, {}, {}),
          {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {});
    };
    auto noUnroll = annotation(false), noUnrollAtAll = annotation(true);
    auto isMma = [](Operation &op) {
      auto a = dyn_cast<LLVM::InlineAsmOp>(op);
      return a && (a.getAsmString().starts_with("mma.sync") ||
                   a.getAsmString().starts_with("wgmma.mma_async"));
    };
    for (auto func : module.getOps<LLVM::LLVMFuncOp>()) {
      if (func.isExternal())
        continue;
      DominanceInfo dom(func);
      for (Block &block : func.getBody()) {
        Operation *t = block.getTerminator();
        Block *header = nullptr;
        for (Block *s : t->getSuccessors())
          if (dom.dominates(s, &block))
            header = s;
        if (!header)
          continue;
        // The natural loop: the blocks reaching this latch without the header.
        SmallPtrSet<Block *, 16> body = {header};
        SmallVector<Block *> work = {&block};
        bool mma = false;
        while (!work.empty()) {
          Block *x = work.pop_back_val();
          if (!body.insert(x).second && x != &block)
            continue;
          for (Block *pred : x->getPredecessors())
            if (!body.contains(pred))
              work.push_back(pred);
        }
        for (Block *x : body)
          mma |= llvm::any_of(*x, isMma);
        auto a = mma ? noUnrollAtAll : noUnroll;
        if (auto br = dyn_cast<LLVM::BrOp>(t))
          br.setLoopAnnotationAttr(a);
        else if (auto br = dyn_cast<LLVM::CondBrOp>(t))
          br.setLoopAnnotationAttr(a);
      }
    }

    // Kernels and shared memory.
    OpBuilder b(ctx);
    for (auto func : module.getOps<LLVM::LLVMFuncOp>()) {
      auto it = threads.find(func.getSymName());
      if (it == threads.end())
        continue;
      func->removeAttr("ll.kernel");
      func->removeAttr("ll.num_warps");
      func->removeAttr(kScratchArgsAttr);
      info->markKernel(func, it->second);
    }
    if (!threads.empty())
      info->finishModule(b, module);
    if (sharedBytes) {
      b.setInsertionPointToStart(module.getBody());
      auto arr = LLVM::LLVMArrayType::get(b.getI8Type(), 0);
      b.create<LLVM::GlobalOp>(module.getLoc(), arr, /*isConstant=*/false,
                               LLVM::Linkage::External, kSharedSymbol,
                               Attribute(), /*alignment=*/16,
                               /*addrSpace=*/3);
    }
    module->setAttr("ll.shared", b.getI64IntegerAttr(sharedBytes));
    module->setAttr(TargetAttr::kAttrName, TargetAttr::get(ctx, name));
    if (failed(checkTranslatable(module)))
      return signalPassFailure();
  }
};

} // namespace
