//===- TritonToLL.cpp - convert-triton-to-ll -------------------------------===//
//
// Triton's TTGIR, as read by the parse-only tt / ttg dialects (whose types
// and layouts already are ll's), becomes ll, func and upstream ops:
//
//   tt.func public @k   -> func.func @k {ll.kernel, ll.num_warps = ttg.num-warps}
//                          (others: private func.func)
//   tt.return / tt.call -> func.return / func.call
//   tt.get_program_id, tt.make_range, tt.splat, tt.addptr, tt.load,
//   tt.store, tt.expand_dims, tt.broadcast, tt.reshape, tt.trans, tt.join,
//   tt.split, tt.reduce, tt.scan, tt.gather, tt.histogram, tt.bitcast,
//   tt.fp_to_fp, tt.int_to_ptr, tt.ptr_to_int, ttg.convert_layout,
//   ttg.local_*         -> the ll op of the same name and operands
//   amdg.buffer_load / buffer_store -> ll.load / ll.store through the base
//                          pointer splat plus the offsets
//   tt.precise_sqrt / precise_divf / approx_divf / mulhiui -> math.sqrt / arith.divf /
//                          the high half of arith.mului_extended
//   ttng.warp_group_dot / warp_group_dot_wait, ttg.memdesc_trans -> the ll
//                          ops of the same names (sm_90 wgmma)
//   amdg.in_thread_transpose -> ll.convert_layout (a register permutation)
//   amdg.upcast_mxfp     -> the scales converted to the result's layout, then
//                          ll.upcast_mxfp (e2m1 packed, or any type already
//                          converted); amdg.scaled_upcast_fp8 (3.9) ->
//                          ll.fp_to_fp times the scales; amdg.scaled_upcast_fp4 (3.9) ->
//                          ll.fp4_to_fp times its bf16 scales
//   ttg.barrier (3.7+)   -> gpu.barrier
//   tt.clampf            -> arith.maxnumf + minnumf (propagateNan none) or
//                          maximumf + minimumf (all)
//   f32 arith.divf, math.exp / exp2 / log / log2 / sin / cos / sqrt / rsqrt
//                       -> fastmath<afn> (Triton's approximate semantics;
//                          precise_* stay exact)
//   module {ttg.target = "cuda:90" | "hip:gfx942"} -> {ll.target = "sm_90" |
//                          "gfx942"}
//
// Any other tt / ttg op is an error naming it and its location (Triton's
// locations carry the kernel's Python file and line). The module's facts
// (threads per warp, warps, CTAs, kernels' results) are checked against the
// target and the layouts first (verifyModuleFacts).
//
//===----------------------------------------------------------------------===//

#include "linear_layouts/Conversion/Passes.h"
#include "linear_layouts/Dialect/TritonMirror/TritonMirror.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Builders.h"
#include "linear_layouts/Core/Planning.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/ADT/StringMap.h"

namespace mlir::ll {
#define GEN_PASS_DEF_CONVERTTRITONTOLL
#include "linear_layouts/Conversion/Passes.h.inc"
} // namespace mlir::ll

using namespace mlir;
using namespace mlir::ll;

namespace {

/// Ops that become the ll op of the same mnemonic with the same operands,
/// results and (listed) attributes.
const llvm::StringMap<std::vector<StringRef>> &sameOps() {
  static const llvm::StringMap<std::vector<StringRef>> m = {
      {"tt.make_range", {"start", "end"}},
      {"tt.splat", {}},
      {"tt.addptr", {}},
      {"tt.expand_dims", {"axis"}},
      {"tt.broadcast", {}},
      {"tt.reshape", {}},
      {"tt.trans", {"order"}},
      {"tt.join", {}},
      {"tt.cat", {}},
      {"tt.print", {"prefix", "hex", "isSigned"}},
      {"tt.assert", {"message"}},
      {"tt.extern_elementwise", {"symbol", "pure"}},
      {"tt.elementwise_inline_asm", {"asm_string", "constraints", "pure", "packed_element"}},
      {"tt.split", {}},
      {"tt.gather", {"axis"}},
      {"tt.histogram", {}},
      {"tt.bitcast", {}},
      {"ttg.fp4_to_fp", {"axis"}},
      {"tt.int_to_ptr", {}},
      {"tt.ptr_to_int", {}},
      {"tt.reduce", {"axis"}},
      {"tt.reduce.return", {}},
      {"tt.scan", {"axis", "reverse"}},
      {"tt.scan.return", {}},
      {"ttg.convert_layout", {}},
      {"ttg.local_alloc", {}},
      {"ttg.memdesc_index", {}},
      {"ttg.memdesc_trans", {"order"}},
      {"ttg.memdesc_subslice", {"offsets"}},
      {"ttng.warp_group_dot_wait", {"pendings"}},
      {"ttg.local_store", {}},
      {"ttg.local_dealloc", {}},
      {"ttg.global_scratch_alloc", {"nbytes", "alignment"}},
      {"ttng.tensormap_create",
       {"elem_type", "interleave_layout", "swizzle_mode", "fill_mode",
        "operandSegmentSizes"}},
      {"ttng.tensormap_fenceproxy_acquire", {}},
      {"ttng.reinterpret_tensor_descriptor", {}},
      {"ttng.init_barrier", {"count"}},
      {"ttng.inval_barrier", {}},
      {"ttng.barrier_expect", {"size"}},
      {"ttng.async_tma_copy_global_to_local", {}},
      {"ttng.async_tma_copy_local_to_global", {}},
      {"ttng.async_tma_store_wait", {"pendings"}},
      {"ttng.fence_async_shared", {"bCluster"}},
  };
  return m;
}

/// "cuda:90" -> "sm_90", "hip:gfx942" -> "gfx942".
std::optional<std::string> targetName(StringRef t) {
  if (t.consume_front("cuda:"))
    return ("sm_" + t).str();
  if (t.consume_front("hip:"))
    return t.str();
  return std::nullopt;
}

/// The pointers of an AMD buffer access: the base splat over the offsets'
/// tensor, plus the offsets (elements).
Value bufferPointers(OpBuilder &b, Location loc, Value base, Value offsets) {
  auto t = cast<RankedTensorType>(offsets.getType());
  auto ptrs = t.clone(base.getType());
  Value s = b.create<SplatOp>(loc, ptrs, base);
  return b.create<AddPtrOp>(loc, ptrs, s, offsets);
}

/// Triton (3.9) may give a reshape a result layout that holds the same
/// elements as the source layout's image but repeats them elsewhere (e.g.
/// tensor<32, #slice<dim 1>> -> tensor<32x1, #blocked>, where the blocked
/// layout's registers along the size-1 dim repeat). ll.reshape keeps the
/// image; a conversion to Triton's layout follows when they differ.
Operation *reshapeThenConvert(OpBuilder &b, ReshapeOp r) {
  auto dst = cast<RankedTensorType>(r.getType());
  auto image = getReshapeLayout(cast<RankedTensorType>(r.getSrc().getType()),
                                dst.getShape());
  if (failed(image) || haveEqualLayouts(dst.cloneWithEncoding(*image), dst))
    return r;
  r.getResult().setType(dst.cloneWithEncoding(*image));
  b.setInsertionPointAfter(r);
  return b.create<ConvertLayoutOp>(r.getLoc(), dst, r.getResult());
}

/// An integer module attribute (Triton's ttg.num-warps & co.): absent is
/// `dflt`, anything but an integer a diagnostic.
FailureOr<int64_t> intAttr(ModuleOp module, StringRef name, int64_t dflt) {
  Attribute a = module->getAttr(name);
  if (!a)
    return dflt;
  auto i = dyn_cast<IntegerAttr>(a);
  if (!i || !isa<IntegerType>(i.getType())) {
    module.emitError() << "module attribute " << name
                       << " must be an integer, not " << a;
    return failure();
  }
  return i.getInt();
}

/// The module's facts checked once, against the target and the layouts,
/// before anything is converted (what Triton's own lowering relies on
/// without checking):
///   - ttg.threads-per-warp is the target's warp size;
///   - ttg.num-warps is a power of two, with at most 1024 threads per CTA;
///   - ttg.num-ctas is 1 (clusters are not lowered);
///   - every distributed layout spreads over exactly those lanes and warps
///     and one CTA;
///   - a kernel (public tt.func) returns nothing.
LogicalResult verifyModuleFacts(ModuleOp module, StringRef target) {
  auto lanes = intAttr(module, "ttg.threads-per-warp", 0);
  auto warps = intAttr(module, "ttg.num-warps", 0);
  auto ctas = intAttr(module, "ttg.num-ctas", 1);
  if (failed(lanes) || failed(warps) || failed(ctas))
    return failure();
  if (!target.empty()) {
    auto t = ::ll::Target::get(target.str());
    if (!t) {
      module.emitError() << t.error().message();
      return failure();
    }
    if (*lanes && *lanes != t->warpSize)
      return module.emitError()
             << "ttg.threads-per-warp = " << *lanes << ", but " << target
             << " has " << t->warpSize << " threads per warp";
    if (!*lanes)
      *lanes = t->warpSize;
  }
  if (module->hasAttr("ttg.num-warps") &&
      (*warps < 1 || !llvm::isPowerOf2_64(*warps) ||
       (*lanes && *warps * *lanes > 1024)))
    return module.emitError()
           << "ttg.num-warps = " << *warps
           << " is not a power of two with at most 1024 threads per CTA";
  if (*ctas != 1)
    return module.emitError() << "ttg.num-ctas = " << *ctas
                              << ": thread block clusters are not supported";
  WalkResult r = module.walk([&](Operation *op) {
    if (auto f = dyn_cast<tt::FuncOp>(op)) {
      bool kernel = f.getSymVisibility() == "public" || !f.getSymVisibility();
      if (kernel && f.getFunctionType().getNumResults()) {
        op->emitError() << "kernel @" << f.getSymName()
                        << " returns values; a kernel returns nothing";
        return WalkResult::interrupt();
      }
    }
    for (Type t : op->getResultTypes()) {
      auto l = getLinearLayout(t);
      if (failed(l) || !l->hasInDim("lane"))
        continue;
      auto size = [&](const std::string &d) {
        return l->hasInDim(d) ? int64_t(l->inDimSize(l->inDimIndex(d))) : 1;
      };
      if ((*lanes && size("lane") != *lanes) ||
          (*warps && size("warp") != *warps) || size("block") != *ctas) {
        op->emitError() << "has a layout of " << size("lane") << " lanes, "
                        << size("warp") << " warps and " << size("block")
                        << " CTAs, but the module has " << *lanes
                        << " threads per warp, " << *warps << " warps and "
                        << *ctas << " CTA";
        return WalkResult::interrupt();
      }
    }
    return WalkResult::advance();
  });
  return failure(r.wasInterrupted());
}

struct ConvertTritonToLL
    : public mlir::ll::impl::ConvertTritonToLLBase<ConvertTritonToLL> {
  using ConvertTritonToLLBase::ConvertTritonToLLBase;

  LogicalResult convert(Operation *op, OpBuilder &b) {
    StringRef name = op->getName().getStringRef();
    Location loc = op->getLoc();
    b.setInsertionPoint(op);
    Operation *repl = nullptr;
    auto &same = sameOps();
    if (auto it = same.find(name); it != same.end()) {
      OperationState st(loc, ("ll." + name.drop_front(name.find('.') + 1)).str());
      st.addOperands(op->getOperands());
      st.addTypes(op->getResultTypes());
      for (StringRef a : it->second)
        if (Attribute v = op->getAttr(a))
          st.addAttribute(a, v);
      for (Region &r : op->getRegions())
        st.addRegion()->takeBody(r);
      repl = b.create(st);
      if (auto r = dyn_cast<ReshapeOp>(repl))
        repl = reshapeThenConvert(b, r);
    } else if (auto f = dyn_cast<tt::FuncOp>(op)) {
      bool kernel = f.getSymVisibility() == "public" || !f.getSymVisibility();
      SmallVector<Type> args(f.getFunctionType().getInputs());
      if (kernel && scratchArgs)
        args.append(2, PointerType::get(b.getContext(), b.getI8Type(), 1));
      auto fn = b.create<func::FuncOp>(
          loc, f.getSymName(),
          b.getFunctionType(args, f.getFunctionType().getResults()));
      // Argument attributes: Triton's pointer divisibility (bytes) is
      // ll.divisibility.
      for (unsigned i = 0; i < f.getNumArguments(); ++i)
        if (auto d = f.getArgAttrOfType<IntegerAttr>(i, "tt.divisibility"))
          fn.setArgAttr(i, "ll.divisibility", b.getI64IntegerAttr(d.getInt()));
      fn.getBody().takeBody(f.getBody());
      if (kernel && scratchArgs && !fn.getBody().empty())
        for (int k = 0; k < 2; ++k)
          fn.getBody().front().addArgument(args[args.size() - 2 + k], loc);
      if (kernel && scratchArgs)
        fn->setAttr("ll.scratch_args", b.getUnitAttr());
      if (kernel) {
        fn->setAttr("ll.kernel", b.getUnitAttr());
        // Triton launches num-warps warps whatever the layouts say (a
        // kernel without tensors still gets them all).
        if (auto w = op->getParentOfType<ModuleOp>()->getAttrOfType<IntegerAttr>(
                "ttg.num-warps"))
          fn->setAttr("ll.num_warps", b.getI32IntegerAttr(w.getInt()));
      }
      else
        fn.setPrivate();
      repl = fn;
    } else if (auto r = dyn_cast<tt::ReturnOp>(op)) {
      repl = b.create<func::ReturnOp>(loc, r.getSrcs());
    } else if (auto c = dyn_cast<tt::CallOp>(op)) {
      repl = b.create<func::CallOp>(loc, c.getCallee(), c.getResultTypes(),
                                    c.getOperands());
    } else if (auto p = dyn_cast<tt::GetProgramIdOp>(op)) {
      repl = b.create<ProgramIdOp>(loc, b.getI32Type(),
                                   b.getI32IntegerAttr(int32_t(p.getAxis())));
    } else if (auto p = dyn_cast<tt::GetNumProgramsOp>(op)) {
      repl = b.create<NumProgramsOp>(loc, b.getI32Type(),
                                     b.getI32IntegerAttr(int32_t(p.getAxis())));
    } else if (auto l = dyn_cast<tt::LoadOp>(op)) {
      repl = b.create<LoadOp>(loc, l.getType(), l.getPtr(), l.getMask(),
                              l.getOther());
    } else if (auto s = dyn_cast<tt::StoreOp>(op)) {
      repl = b.create<StoreOp>(loc, s.getPtr(), s.getValue(), s.getMask());
    } else if (auto c = dyn_cast<tt::FpToFpOp>(op)) {
      auto f = b.create<FpToFpOp>(loc, c.getType(), c.getSrc(), RoundingModeAttr());
      if (auto m = c.getRounding())
        f.setRounding(*m == tt::RoundingMode::RTZ ? RoundingMode::RTZ
                                                  : RoundingMode::RTNE);
      repl = f;
    } else if (auto l = dyn_cast<amdg::BufferLoadOp>(op)) {
      Value ptrs = bufferPointers(b, loc, l.getPtr(), l.getOffsets());
      repl = b.create<LoadOp>(loc, l.getType(), ptrs, l.getMask(), l.getOther());
    } else if (auto s = dyn_cast<amdg::BufferStoreOp>(op)) {
      Value ptrs = bufferPointers(b, loc, s.getPtr(), s.getOffsets());
      repl = b.create<StoreOp>(loc, ptrs, s.getValue(), s.getMask());
    } else if (auto a = dyn_cast<tt::AtomicRMWOp>(op)) {
      repl = b.create<AtomicRMWOp>(
          loc, a.getType(), AtomicRMWKind(a.getAtomicRmwOp()),
          MemSemantic(a.getSem()), MemScope(a.getScope()), a.getPtr(),
          a.getVal(), a.getMask());
    } else if (auto a = dyn_cast<tt::AtomicCASOp>(op)) {
      repl = b.create<AtomicCASOp>(loc, a.getType(), MemSemantic(a.getSem()),
                                   MemScope(a.getScope()), a.getPtr(),
                                   a.getCmp(), a.getVal());
    } else if (auto a = dyn_cast<amdg::BufferAtomicRMWOp>(op)) {
      Value ptrs = bufferPointers(b, loc, a.getPtr(), a.getOffsets());
      repl = b.create<AtomicRMWOp>(
          loc, a.getType(), AtomicRMWKind(a.getAtomicRmwOp()),
          MemSemantic(a.getSem()), MemScope(a.getScope()), ptrs, a.getValue(),
          a.getMask());
    } else if (auto a = dyn_cast<amdg::BufferAtomicCASOp>(op)) {
      Value ptrs = bufferPointers(b, loc, a.getPtr(), a.getOffsets());
      repl = b.create<AtomicCASOp>(loc, a.getType(), MemSemantic(a.getSem()),
                                   MemScope(a.getScope()), ptrs, a.getCmp(),
                                   a.getValue());
    } else if (auto d = dyn_cast<tt::DotOp>(op)) {
      repl = b.create<DotOp>(loc, d.getType(), d.getA(), d.getB(), d.getC(),
                             InputPrecision(d.getInputPrecision()),
                             d.getMaxNumImpreciseAcc());
    } else if (auto u = dyn_cast<amdg::UpcastMxfpOp>(op)) {
      // The scales to the result's layout with the scaled dim divided by
      // 32: each thread then holds the scale of each of its results. e2m1
      // comes packed (that dim doubles); the other types come converted to
      // the result's type already (a tt.fp_to_fp before).
      auto st = cast<RankedTensorType>(u.getSrc().getType());
      auto rt = cast<RankedTensorType>(u.getType());
      auto sc = cast<RankedTensorType>(u.getScale().getType());
      bool packed = u.getFpType() == amdg::ScaleDotElemType::E2M1;
      int axis = -1;
      for (int d = 0; d < rt.getRank() && axis < 0; ++d)
        if (packed ? rt.getDimSize(d) == 2 * st.getDimSize(d)
                   : rt.getDimSize(d) == 32 * sc.getDimSize(d))
          axis = d;
      auto lr = getLinearLayout(rt);
      if (axis < 0 || failed(lr) || (!packed && st != rt))
        return op->emitError()
               << "amdg.upcast_mxfp of "
               << amdg::stringifyScaleDotElemType(u.getFpType())
               << ": the result is not the source "
               << (packed ? "with one dim doubled" : "itself")
               << " with one scale per 32 along a dim";
      auto ls = mxScaleLayout(*lr, unsigned(axis));
      if (!ls)
        return op->emitError() << "amdg.upcast_mxfp: " << ls.error().message();
      auto scaleType =
          sc.cloneWithEncoding(LinearAttr::get(b.getContext(), *ls));
      Value scales = b.create<ConvertLayoutOp>(loc, scaleType, u.getScale());
      repl = b.create<UpcastMxfpOp>(loc, rt, u.getSrc(), scales,
                                    b.getI32IntegerAttr(axis),
                                    b.getBoolAttr(u.getFastMath()));
    } else if (auto u = dyn_cast<amdg::ScaledUpcastFp4Op>(op)) {
      // (3.9: the scales already bf16 in the result's layout)
      Value f = b.create<Fp4ToFpOp>(loc, u.getType(), u.getSrc(), u.getAxisAttr());
      repl = b.create<arith::MulFOp>(loc, f, u.getScale());
    } else if (auto u = dyn_cast<amdg::ScaledUpcastFp8Op>(op)) {
      Value f = b.create<FpToFpOp>(loc, u.getType(), u.getSrc(),
                                   RoundingModeAttr());
      repl = b.create<arith::MulFOp>(loc, f, u.getScale());
    } else if (auto t = dyn_cast<amdg::InThreadTransposeOp>(op)) {
      repl = b.create<ConvertLayoutOp>(loc, t.getType(), t.getSrc());
    } else if (auto d = dyn_cast<ttng::WarpGroupDotOp>(op)) {
      repl = b.create<WarpGroupDotOp>(
          loc, d.getType(), d.getA(), d.getB(), d.getC(), d.getUseC(),
          InputPrecision(d.getInputPrecision()), d.getMaxNumImpreciseAcc(),
          d.getIsAsync());
    } else if (auto w = dyn_cast<ttng::WaitBarrierOp>(op)) {
      // (deps: what Triton's analyses order after the wait; program order)
      repl = b.create<WaitBarrierOp>(loc, w.getAlloc(), w.getPhase(),
                                     w.getPred());
    } else if (auto l = dyn_cast<ttg::LocalLoadOp>(op)) {
      // (the token: program order already puts the load after its wait)
      repl = b.create<LocalLoadOp>(loc, l.getType(), l.getSrc());
    } else if (auto c = dyn_cast<ttg::AsyncCopyGlobalToLocalOp>(op)) {
      repl = b.create<AsyncCopyOp>(loc, AsyncTokenType::get(b.getContext()),
                                   c.getPtr(), c.getDst(), c.getMask(),
                                   c.getOther());
      // (Triton's proven run of contiguous, aligned elements: AxisInfo.cpp)
      if (Attribute k = op->getAttr("contiguity"))
        repl->setAttr("contiguity", k);
    } else if (auto c = dyn_cast<ttg::AsyncCommitGroupOp>(op)) {
      repl = b.create<AsyncCommitGroupOp>(
          loc, AsyncTokenType::get(b.getContext()), c.getTokens());
    } else if (auto w = dyn_cast<ttg::AsyncWaitOp>(op)) {
      repl = b.create<AsyncWaitOp>(loc, AsyncTokenType::get(b.getContext()),
                                   w.getTokens(), w.getNumAttr());
    } else if (auto s = dyn_cast<tt::PreciseSqrtOp>(op)) {
      repl = b.create<math::SqrtOp>(loc, s.getX());
      repl->setAttr("ll.precise", b.getUnitAttr());
    } else if (auto d = dyn_cast<tt::PreciseDivFOp>(op)) {
      repl = b.create<arith::DivFOp>(loc, d.getX(), d.getY());
      repl->setAttr("ll.precise", b.getUnitAttr());
    } else if (auto d = dyn_cast<tt::ApproxDivFOp>(op)) {
      // f32 only; the `afn` below makes it the hardware's approximation.
      repl = b.create<arith::DivFOp>(loc, d.getX(), d.getY());
    } else if (isa<ttg::BarrierOp>(op)) {
      // Triton 3.7+'s tl.debug_barrier: a CTA barrier orders every space.
      b.create<gpu::BarrierOp>(loc);
      op->erase();
      return success();
    } else if (auto c = dyn_cast<tt::ClampFOp>(op)) {
      // PTX max / min (none: a NaN operand gives the other) or max.NaN /
      // min.NaN (all): arith's maxnumf / minnumf or maximumf / minimumf.
      if (c.getPropagateNan() == tt::PropagateNan::ALL) {
        Value lo = b.create<arith::MaximumFOp>(loc, c.getX(), c.getMin());
        repl = b.create<arith::MinimumFOp>(loc, lo, c.getMax());
      } else {
        Value lo = b.create<arith::MaxNumFOp>(loc, c.getX(), c.getMin());
        repl = b.create<arith::MinNumFOp>(loc, lo, c.getMax());
      }
    } else if (auto m = dyn_cast<tt::MulhiUIOp>(op)) {
      auto e = b.create<arith::MulUIExtendedOp>(loc, m.getX(), m.getY());
      op->getResult(0).replaceAllUsesWith(e.getHigh());
      op->erase();
      return success();
    } else {
      return op->emitError() << "unsupported op " << name;
    }
    op->replaceAllUsesWith(repl->getResults());
    op->erase();
    return success();
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    OpBuilder b(&getContext());
    // The module's target and warps.
    if (Attribute a = module->getAttr("ttg.target"); a && !isa<StringAttr>(a)) {
      module.emitError() << "module attribute ttg.target must be a string "
                            "such as \"cuda:90\" or \"hip:gfx942\", not "
                         << a;
      return signalPassFailure();
    }
    if (auto t = module->getAttrOfType<StringAttr>("ttg.target")) {
      auto name = targetName(t.getValue());
      if (!name) {
        module.emitError() << "unsupported target " << t;
        return signalPassFailure();
      }
      if (auto known = ::ll::Target::get(*name); !known) {
        module.emitError() << "ttg.target " << t << ": "
                           << known.error().message();
        return signalPassFailure();
      }
      module->setAttr(TargetAttr::kAttrName,
                      TargetAttr::get(&getContext(), *name));
    }
    std::string target;
    if (module->hasAttr(TargetAttr::kAttrName)) {
      auto t = lookupTarget(module);
      if (failed(t))
        return signalPassFailure();
      target = t->name;
    }
    if (failed(verifyModuleFacts(module, target)))
      return signalPassFailure();
    SmallVector<Operation *> todo;
    module.walk<WalkOrder::PostOrder>([&](Operation *op) {
      if (isa<tt::TTDialect, ttg::TTGDialect, ttng::TTNGDialect,
              amdg::AMDGDialect>(op->getDialect()))
        todo.push_back(op);
    });
    bool ok = true;
    for (Operation *op : todo)
      ok &= succeeded(convert(op, b));
    if (!ok)
      return signalPassFailure();
    // Triton's semantics: f32 division, square roots, exponentials,
    // logarithms and sines may be approximate (tl.math's precise_* and
    // libdevice calls are the exact ones): `afn`, which the lowering turns
    // into the hardware's approximations (__nv_fast_*, div / sqrt .approx).
    auto afn = arith::FastMathFlagsAttr::get(&getContext(),
                                            arith::FastMathFlags::afn);
    module.walk([&](Operation *op) {
      if (!isa<arith::DivFOp, math::ExpOp, math::Exp2Op, math::LogOp,
               math::Log2Op, math::SinOp, math::CosOp, math::SqrtOp,
               math::RsqrtOp>(op) ||
          !getElementTypeOrSelf(op->getResult(0).getType()).isF32())
        return;
      if (op->hasAttr("ll.precise"))
        return;
      op->setAttr("fastmath", afn);
    });
  }
};

} // namespace
