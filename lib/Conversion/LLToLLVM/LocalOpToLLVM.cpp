//===- LocalOpToLLVM.cpp - ll.local_* ---------------------------------------===//
//
// A memdesc is a pointer into the CTA's shared memory: @global_smem plus the
// offset ll-allocate-shared gave its ll.local_alloc. A register's element
// lives at offset inverse(memory layout)(coordinates(register, lane, warp)):
// the distributed layout composed with the memory layout's inverse, a
// constant per register XOR the thread's part. Stores skip copies (free
// register bits; lanes and warps that hold a copy); every access but the
// function's first use of shared memory starts with a barrier (the buffer's
// previous accesses may be other warps'); ll.local_dealloc ends a lifetime
// and emits nothing.
//
// A view of a box of a buffer (ll.memdesc_subslice) is the buffer's
// address; its accesses XOR the box origin's offset into the thread's part
// (a swizzled box is not a constant distance away).
//
// Software pipelining: ll.memdesc_index is the buffer's address plus index
// times its bytes; ll.async_copy on NVIDIA is one cp.async per run of
// registers contiguous in both memories (4, 8 or 16 bytes, the source size
// 0 where the mask is false: zero-filled), with commit and wait groups as
// PTX has them. Other targets copy synchronously (a load, then a store).
//
//===----------------------------------------------------------------------===//

#include "PatternBase.h"

#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::ll;
using namespace mlir::ll::lowering;
using ::ll::LinearLayout;

namespace {

/// (register, lane, warp) -> offset in the buffer of `mem` for the tensor
/// layout of `tensor` (of a view: in its buffer, XOR the view's origin).
FailureOr<LinearLayout> addressLayout(Operation *op, RankedTensorType tensor,
                                      MemDescType mem) {
  if (isa<PaddedSharedAttr>(mem.getEncoding()))
    return op->emitOpError()
           << "cannot be lowered: padded shared layouts are not supported yet";
  auto dist = layoutOf(op, tensor);
  auto inv = viewOffsets(op, mem);
  if (failed(dist) || failed(inv))
    return failure();
  auto addr = dist->compose(*inv);
  if (!addr)
    return op->emitOpError() << "cannot be lowered: " << addr.error().message();
  return *addr;
}

/// Shared-memory offsets in bytes (the layouts' are in elements of `elt`):
/// the thread's part of `addr` (lane and warp) XOR the view's origin
/// (viewOrigin: a memdesc_subslice's box), scaled once, so that each
/// access XORs a constant byte offset into it (folded into the address's
/// immediate where the bits are free) and indexes bytes.
struct ByteOffsets {
  Value rt;
  int shift;
  Value at(OpBuilder &b, Location loc, int32_t elems) const {
    return b.create<LLVM::XOrOp>(loc, rt, i32(b, loc, elems << shift));
  }
};

ByteOffsets threadOffset(OpBuilder &b, Location loc, const LinearLayout &addr,
                         const ThreadIds &ids, int32_t origin, Type elt) {
  Value rt = runtimePart(b, loc, addr, "offset",
                         {{"lane", ids.lane}, {"warp", ids.warp}});
  if (origin)
    rt = b.create<LLVM::XOrOp>(loc, rt, i32(b, loc, origin));
  int shift = llvm::Log2_64(uint64_t(std::max<int64_t>(1, storageBytes(elt))));
  if (shift)
    rt = b.create<LLVM::ShlOp>(loc, rt, i32(b, loc, shift));
  return {rt, shift};
}

/// The shared-memory address `bytes` past `base`.
Value bytePtr(OpBuilder &b, Location loc, Value base, Value bytes) {
  return b.create<LLVM::GEPOp>(loc, base.getType(), b.getI8Type(), base,
                               ArrayRef<LLVM::GEPArg>{bytes});
}

/// The register bits whose elements are consecutive in shared memory
/// (addr(bit k) = 2^k elements), as many as fit `maxElems` and keep every
/// other basis a multiple of the run: registers that differ in them move
/// as one vector access.
SmallVector<int32_t> sharedVectorBits(const LinearLayout &addr, int maxElems) {
  int reg = addr.inDimIndex("register");
  SmallVector<int32_t> bits;
  if (reg < 0)
    return bits;
  while ((int64_t(1) << (bits.size() + 1)) <= maxElems) {
    int found = -1;
    for (int b = 0; b < addr.inDimSizeLog2(reg) && found < 0; ++b)
      if (addr.basis(reg, b, 0) == (int32_t(1) << bits.size()))
        found = b;
    if (found < 0)
      break;
    bits.push_back(int32_t(1) << found);
  }
  auto aligned = [&](int32_t n) {
    for (int i = 0; i < addr.numInDims(); ++i)
      for (int b = 0; b < addr.inDimSizeLog2(i); ++b) {
        int32_t v = addr.basis(i, b, 0);
        bool vec = i == reg && llvm::any_of(llvm::enumerate(bits), [&](auto e) {
          return e.value() == (int32_t(1) << b) && (int32_t(1) << e.index()) < n;
        });
        if (!vec && (v & (n - 1)))
          return false;
      }
    return true;
  };
  while (!bits.empty() && !aligned(int32_t(1) << bits.size()))
    bits.pop_back();
  return bits;
}

/// The most elements a vector may have at offsets XOR `origin` (a view's):
/// the origin's low bits would permute a wider vector's elements.
int originRun(int32_t origin) {
  return origin ? int(origin & -origin) : (1 << 30);
}

/// The shared-memory vectors of a tensor's registers: up to 16 bytes (and
/// originRun).
SmallVector<SmallVector<int>> sharedGroups(const LinearLayout &addr, Type elt,
                                           int regs, int32_t origin) {
  int maxElems = std::min(int(16 / std::max<int64_t>(1, storageBytes(elt))),
                          originRun(origin));
  return groupRegisters(sharedVectorBits(addr, maxElems), regs);
}

Value loadVector(OpBuilder &b, Location loc, Value base, Type elt, Value off,
                 int n) {
  Type st = storageType(elt);
  Value p = bytePtr(b, loc, base, off);
  return b.create<LLVM::LoadOp>(loc, VectorType::get({n}, st), p,
                                unsigned(n * storageBytes(elt)));
}

/// The registers `regs` of a tensor to the buffer at `base`.
LogicalResult storeTensor(OpBuilder &b, Operation *op, const TargetInfo &target,
                          RankedTensorType tensor, Value mem, Value base,
                          ArrayRef<Value> regs) {
  Location loc = op->getLoc();
  auto addr = addressLayout(op, tensor, cast<MemDescType>(mem.getType()));
  auto dist = layoutOf(op, tensor);
  auto origin = viewOrigin(op, mem);
  if (failed(addr) || failed(dist) || failed(origin))
    return failure();
  if (!op->hasAttr(kNoBarrierBefore))
    target.barrier(b, loc);
  ThreadIds ids = threadIds(b, loc, target);
  Type elt = regs.empty() ? b.getI8Type() : regs[0].getType();
  ByteOffsets rt = threadOffset(b, loc, *addr, ids, *origin, elt);
  OpBuilder::InsertionGuard guard(b);
  insideIf(b, loc, firstCopy(b, loc, ids, freeMask(*dist, "lane"),
                              freeMask(*dist, "warp")));
  int32_t copies = freeMask(*dist, "register");
  for (auto &g : sharedGroups(*addr, elt, int(regs.size()), *origin)) {
    if (g[0] & copies)
      continue;
    Value off = rt.at(b, loc, constPart(*addr, "offset", {{"register", g[0]}}));
    if (g.size() == 1) {
      storeTo(b, loc, bytePtr(b, loc, base, off), regs[g[0]]);
      continue;
    }
    Type st = storageType(elt);
    Value v = b.create<LLVM::UndefOp>(loc, VectorType::get({int64_t(g.size())}, st));
    for (auto [j, r] : llvm::enumerate(g)) {
      Value x = regs[r];
      if (st != elt)
        x = b.create<LLVM::ZExtOp>(loc, st, x);
      v = b.create<LLVM::InsertElementOp>(loc, v, x, i32(b, loc, int64_t(j)));
    }
    b.create<LLVM::StoreOp>(loc, v, bytePtr(b, loc, base, off),
                            unsigned(g.size() * storageBytes(elt)));
  }
  return success();
}

struct LocalAllocLowering : TargetPattern<LocalAllocOp> {
  using TargetPattern::TargetPattern;

  LogicalResult
  matchAndRewrite(LocalAllocOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &b) const override {
    auto shared = sharedBase(b, op.getLoc(), op, memdescBytes(op.getType()));
    if (failed(shared))
      return failure();
    Value base = *shared;
    if (Value src = adaptor.getSrc())
      if (failed(storeTensor(b, op, target,
                             cast<RankedTensorType>(op.getSrc().getType()),
                             op.getResult(), base,
                             unpack(b, op.getLoc(), src))))
        return failure();
    b.replaceOp(op, base);
    return success();
  }
};

struct LocalStoreLowering : TargetPattern<LocalStoreOp> {
  using TargetPattern::TargetPattern;

  LogicalResult
  matchAndRewrite(LocalStoreOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &b) const override {
    if (failed(storeTensor(b, op, target, op.getSrc().getType(), op.getDst(),
                           adaptor.getDst(),
                           unpack(b, op.getLoc(), adaptor.getSrc()))))
      return failure();
    b.eraseOp(op);
    return success();
  }
};

struct LocalLoadLowering : TargetPattern<LocalLoadOp> {
  using TargetPattern::TargetPattern;

  /// ldmatrix (sm_80+) where the registers are a matrix load of the buffer
  /// (::ll::planMatrixLoad: dot operands from their swizzled buffers); null
  /// where it does not fit, nothing emitted.
  Value matrixLoad(LocalLoadOp op, Value base, LLVM::LLVMStructType st,
                   const LinearLayout &inv, int32_t origin,
                   ConversionPatternRewriter &b) const {
    Location loc = op.getLoc();
    if (!target.target().ldmatrix || target.warpSize() != 32)
      return {};
    Type elt = st.getBody()[0];
    int bits = int(storageBytes(elt) * 8);
    if (!elt.isIntOrFloat() || (bits != 8 && bits != 16 && bits != 32))
      return {};
    auto dist = ::mlir::ll::getLinearLayout(op.getType());
    if (failed(dist) || inv.numInDims() != dist->numOutDims())
      return {};
    auto plan = ::ll::planMatrixLoad(*dist, inv, bits);
    if (!plan || !*plan)
      return {};
    const ::ll::MatrixLoad &m = **plan;
    int perWord = 32 / bits, regs = int(m.address.inDimSize(0));
    int32_t rowMask = (1 << m.rowBits) - 1;
    // (a view's origin keeps its rows whole: 16-byte aligned)
    if (origin & rowMask)
      return {};
    // Every destination register is loaded (no replicas to fill).
    SmallVector<bool> covered(st.getBody().size(), false);
    for (int32_t r = 0; r < regs; ++r)
      if (!(r & rowMask))
        for (int mat = 0; mat < 4; ++mat)
          for (int e = 0; e < perWord; ++e) {
            int32_t reg = constPart(m.reg, "register",
                                    {{"register", r}, {"matrix", mat}, {"element", e}});
            if (reg < 0 || reg >= int32_t(covered.size()))
              return {};
            covered[reg] = true;
          }
    if (llvm::is_contained(covered, false))
      return {};
    if (!op->hasAttr(kNoBarrierBefore))
      target.barrier(b, loc);
    ThreadIds ids = threadIds(b, loc, target);
    ByteOffsets rt = threadOffset(b, loc, m.address, ids, origin, elt);
    SmallVector<Value> out(st.getBody().size());
    for (int32_t r = 0; r < regs; ++r) {
      if (r & rowMask)
        continue;
      Value off = rt.at(b, loc, constPart(m.address, "offset", {{"register", r}}));
      SmallVector<Value> words =
          target.loadMatrix(b, loc, bytePtr(b, loc, base, off), m.trans);
      if (words.size() != 4)
        return {};
      forMatrixElements(b, loc, words, m.reg, r, bits, [&](int32_t reg, Value x) {
        out[reg] = x.getType() == elt
                       ? x
                       : b.create<LLVM::BitcastOp>(loc, elt, x).getResult();
      });
    }
    return pack(b, loc, st, out);
  }

  LogicalResult
  matchAndRewrite(LocalLoadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &b) const override {
    Location loc = op.getLoc();
    auto st = dyn_cast_or_null<LLVM::LLVMStructType>(
        getTypeConverter()->convertType(op.getType()));
    if (!st)
      return b.notifyMatchFailure(op, "no lowering of the result type");
    auto inv = viewOffsets(op, op.getSrc().getType());
    auto origin = viewOrigin(op, op.getSrc());
    if (failed(inv) || failed(origin))
      return failure();
    if (Value v = matrixLoad(op, adaptor.getSrc(), st, *inv, *origin, b)) {
      b.replaceOp(op, v);
      return success();
    }
    auto addr = addressLayout(op, op.getType(), op.getSrc().getType());
    auto dist = layoutOf(op, op.getType());
    if (failed(addr) || failed(dist))
      return failure();
    if (!op->hasAttr(kNoBarrierBefore))
      target.barrier(b, loc);
    ThreadIds ids = threadIds(b, loc, target);
    Type elt = st.getBody()[0];
    ByteOffsets rt = threadOffset(b, loc, *addr, ids, *origin, elt);
    int32_t copies = freeMask(*dist, "register");
    SmallVector<Value> out(st.getBody().size());
    for (auto &g : sharedGroups(*addr, elt, int(out.size()), *origin)) {
      if (g[0] & copies)
        continue;
      Value off = rt.at(b, loc, constPart(*addr, "offset", {{"register", g[0]}}));
      if (g.size() == 1) {
        out[g[0]] = loadFrom(b, loc, bytePtr(b, loc, adaptor.getSrc(), off), elt);
        continue;
      }
      Value v = loadVector(b, loc, adaptor.getSrc(), elt, off, int(g.size()));
      for (auto [j, r] : llvm::enumerate(g)) {
        Value x = b.create<LLVM::ExtractElementOp>(loc, v, i32(b, loc, int64_t(j)));
        out[r] = storageType(elt) != elt ? b.create<LLVM::TruncOp>(loc, elt, x).getResult() : x;
      }
    }
    for (size_t r = 0; r < out.size(); ++r)
      if (!out[r])
        out[r] = out[r & ~size_t(copies)];
    b.replaceOp(op, pack(b, loc, st, out));
    return success();
  }
};

struct MemDescIndexLowering : OpConversionPattern<MemDescIndexOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MemDescIndexOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &b) const override {
    Location loc = op.getLoc();
    Value bytes = b.create<LLVM::MulOp>(
        loc, adaptor.getIndex(), i32(b, loc, memdescBytes(op.getType())));
    b.replaceOpWithNewOp<LLVM::GEPOp>(op, adaptor.getSrc().getType(),
                                      b.getI8Type(), adaptor.getSrc(),
                                      ArrayRef<LLVM::GEPArg>{bytes});
    return success();
  }
};

/// A view is the same buffer's address: a transposed view's layout says
/// where elements are; a box's accesses XOR its origin into their offsets
/// (viewOrigin).
template <typename ViewOp>
struct MemDescViewLowering : OpConversionPattern<ViewOp> {
  using OpConversionPattern<ViewOp>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ViewOp op, typename ViewOp::Adaptor adaptor,
                  ConversionPatternRewriter &b) const override {
    b.replaceOp(op, adaptor.getSrc());
    return success();
  }
};

/// The registers of `group` (vector order) whose elements are consecutive
/// in shared memory too: the first n with addr(register bit k) = 2^k
/// elements and no other basis touching those offset bits.
int sharedRun(const LinearLayout &addr, ArrayRef<int> group) {
  int reg = addr.inDimIndex("register");
  int n = int(group.size());
  auto ok = [&](int n) {
    int32_t low = n - 1;
    for (int i = 0; i < addr.numInDims(); ++i)
      for (int bit = 0; bit < addr.inDimSizeLog2(i); ++bit) {
        int32_t v = addr.basis(i, bit, 0);
        bool vec = i == reg && n > 1 && llvm::is_contained(
            ArrayRef<int>(group).take_front(n).drop_front(), group[0] | (1 << bit));
        if (vec)
          continue;
        if (v & low)
          return false;
      }
    for (int j = 1; j < n; ++j) {
      int32_t o = constPart(addr, "offset", {{"register", group[j]}}) ^
                  constPart(addr, "offset", {{"register", group[0]}});
      if (o != j)
        return false;
    }
    return true;
  };
  while (n > 1 && !ok(n))
    n /= 2;
  return n;
}

struct AsyncCopyLowering : TargetPattern<AsyncCopyOp> {
  using TargetPattern::TargetPattern;

  LogicalResult
  matchAndRewrite(AsyncCopyOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &b) const override {
    Location loc = op.getLoc();
    auto ptrType = cast<RankedTensorType>(op.getPtr().getType());
    MemDescType mem = op.getDst().getType();
    auto addr = addressLayout(op, ptrType, mem);
    auto dist = layoutOf(op, ptrType);
    auto origin = viewOrigin(op, op.getDst());
    if (failed(addr) || failed(dist) || failed(origin))
      return failure();
    Type elt = getTypeConverter()->convertType(mem.getElementType());
    if (!elt)
      return b.notifyMatchFailure(op, "no lowering of the element type");
    int64_t eltBytes = storageBytes(elt);
    SmallVector<Value> ptrs = registersOf(b, loc, adaptor.getPtr());
    SmallVector<Value> masks;
    if (adaptor.getMask())
      masks = registersOf(b, loc, adaptor.getMask());
    // Runs of registers that are consecutive in both memories.
    SmallVector<SmallVector<int>> runs;
    for (auto &g : accessGroups(op, ptrType, int(ptrs.size()))) {
      int n = std::min(sharedRun(*addr, g), originRun(*origin));
      for (size_t j = 0; j < g.size(); j += n)
        runs.push_back(SmallVector<int>(ArrayRef<int>(g).slice(j, n)));
    }
    bool async = !target.isAMD();
    if (async)
      for (auto &run : runs) {
        int64_t bytes = int64_t(run.size()) * eltBytes;
        if (bytes != 4 && bytes != 8 && bytes != 16)
          return op.emitOpError()
                 << "cannot be lowered: cp.async copies 4, 8 or 16 bytes, but "
                    "the pointers' layout and the memory layout give runs of "
                 << run.size() << " elements of " << eltBytes << " bytes";
      }
    if (!op->hasAttr(kNoBarrierBefore))
      target.barrier(b, loc);
    ThreadIds ids = threadIds(b, loc, target);
    ByteOffsets rt = threadOffset(b, loc, *addr, ids, *origin, elt);
    {
      OpBuilder::InsertionGuard guard(b);
      insideIf(b, loc, firstCopy(b, loc, ids, freeMask(*dist, "lane"),
                                  freeMask(*dist, "warp")));
      int32_t copies = freeMask(*dist, "register");
      for (auto &run : runs) {
        if (run[0] & copies)
          continue;
        Value off =
            rt.at(b, loc, constPart(*addr, "offset", {{"register", run[0]}}));
        Value dst = bytePtr(b, loc, adaptor.getDst(), off);
        int n = int(run.size());
        Value mask = masks.empty() ? Value() : masks[run[0]];
        if (async) {
          int32_t bytes = int32_t(n * eltBytes);
          Value srcSize;
          if (mask)
            srcSize = b.create<LLVM::SelectOp>(loc, mask, i32(b, loc, bytes),
                                               i32(b, loc, 0));
          b.create<NVVM::CpAsyncOp>(loc, dst, ptrs[run[0]], bytes,
                                    bytes == 16 ? NVVM::LoadCacheModifierKind::CG
                                                : NVVM::LoadCacheModifierKind::CA,
                                    srcSize);
          continue;
        }
        // Synchronously: the elements (0 where masked off), then the store.
        for (int j = 0; j < n; ++j) {
          Value p = ptrs[run[j]];
          Value v;
          if (!mask) {
            v = b.create<LLVM::LoadOp>(loc, elt, p);
          } else {
            Value zero = b.create<LLVM::ZeroOp>(loc, elt);
            auto ifOp = b.create<scf::IfOp>(loc, TypeRange{elt}, mask, true);
            OpBuilder::InsertionGuard g2(b);
            b.setInsertionPointToStart(&ifOp.getThenRegion().front());
            b.create<scf::YieldOp>(loc, b.create<LLVM::LoadOp>(loc, elt, p).getResult());
            b.setInsertionPointToStart(&ifOp.getElseRegion().front());
            b.create<scf::YieldOp>(loc, zero);
            v = ifOp.getResult(0);
            b.setInsertionPointAfter(ifOp);
          }
          Value at = j ? b.create<LLVM::XOrOp>(loc, off, i32(b, loc, j << rt.shift))
                             .getResult()
                       : off;
          storeTo(b, loc, bytePtr(b, loc, adaptor.getDst(), at), v);
        }
      }
    }
    b.replaceOp(op, i32(b, loc, 0));
    return success();
  }
};

struct AsyncCommitGroupLowering : TargetPattern<AsyncCommitGroupOp> {
  using TargetPattern::TargetPattern;
  LogicalResult
  matchAndRewrite(AsyncCommitGroupOp op, OpAdaptor,
                  ConversionPatternRewriter &b) const override {
    if (!target.isAMD())
      b.create<NVVM::CpAsyncCommitGroupOp>(op.getLoc());
    b.replaceOp(op, i32(b, op.getLoc(), 0));
    return success();
  }
};

struct AsyncWaitLowering : TargetPattern<AsyncWaitOp> {
  using TargetPattern::TargetPattern;
  LogicalResult
  matchAndRewrite(AsyncWaitOp op, OpAdaptor,
                  ConversionPatternRewriter &b) const override {
    if (!target.isAMD())
      b.create<NVVM::CpAsyncWaitGroupOp>(op.getLoc(), op.getNum());
    b.replaceOp(op, i32(b, op.getLoc(), 0));
    return success();
  }
};

struct LocalDeallocLowering : OpConversionPattern<LocalDeallocOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(LocalDeallocOp op, OpAdaptor,
                  ConversionPatternRewriter &b) const override {
    b.eraseOp(op);
    return success();
  }
};

} // namespace

void mlir::ll::populateLocalOpToLLVMPatterns(LLTypeConverter &tc,
                                             RewritePatternSet &patterns,
                                             const TargetInfo &target) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<LocalAllocLowering, LocalStoreLowering, LocalLoadLowering,
               AsyncCopyLowering, AsyncCommitGroupLowering, AsyncWaitLowering>(
      tc, ctx, target);
  patterns.add<LocalDeallocLowering, MemDescIndexLowering,
               MemDescViewLowering<MemDescTransOp>,
               MemDescViewLowering<MemDescSubsliceOp>>(
      tc, ctx);
}
