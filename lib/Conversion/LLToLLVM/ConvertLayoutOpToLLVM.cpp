//===- ConvertLayoutOpToLLVM.cpp - ll.convert_layout as planned -----------===//
//
// The core's plan for the conversion (ll::planConversion on the target)
// becomes per-thread code, kind by kind:
//
//   noop       the registers as they are;
//   registers  dst[r] = src[map(r)];
//   select     dst[r] = src[map(r) ^ k(lane, warp)]: a select per candidate;
//   shuffle    per round r (and sub-round y): the thread offers
//              src[sendRegister(r, lane, y, warp)], reads lane
//              srcLane(r, lane, warp) (nvvm.shfl.sync idx / ds_bpermute) and
//              fills dst[dstRegister(r, lane)]; values narrower than 32 bits
//              travel packed (packMask), 64-bit ones as two words; rounds in
//              which every lane reads itself need no shuffle;
//   shared     per round: stores of the plan's vector width at
//              storeAddress(r, lane, warp) (replicas skipped, rotated
//              registers picked per lane), a barrier, loads at
//              loadAddress(r, lane, warp), a barrier before the next round.
//
// Values move as integers of the plan's bit width; destination registers
// that repeat others (free variables) are copies.
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

/// The register bits whose offsets (out dim `offset` of `addr`) are 1, 2,
/// ..., vec / 2 (not among the `skip` bits, which repeat others): the
/// registers of one vector access. Other bases may move
/// the offset inside the vector (an XOR swizzle of its elements): the access
/// is the aligned vector, and each element's position is its offset's low
/// bits.
FailureOr<SmallVector<int32_t>> vectorBits(const LinearLayout &addr, int vec,
                                           int32_t skip) {
  SmallVector<int32_t> bits;
  int reg = addr.inDimIndex("register");
  for (int j = 0; (1 << j) < vec; ++j) {
    int found = -1;
    for (int b = 0; b < addr.inDimSizeLog2(reg) && found < 0; ++b)
      if (!((skip >> b) & 1) &&
          addr.basis(reg, b, addr.outDimIndex("offset")) == (1 << j) &&
          constPart(addr, "rep", {{"register", 1 << b}}) == 0)
        found = b;
    if (found < 0)
      return failure();
    bits.push_back(int32_t(1) << found);
  }
  return bits;
}

/// True when no thread bit moves an offset inside a vector of `vec`.
bool threadAligned(const LinearLayout &addr, int vec) {
  int off = addr.outDimIndex("offset");
  for (StringRef d : {"lane", "warp", "block"}) {
    int i = addr.inDimIndex(d.str());
    for (int b = 0; i >= 0 && b < addr.inDimSizeLog2(i); ++b)
      if (addr.basis(i, b, off) & (vec - 1))
        return false;
  }
  return true;
}

/// The register of element j of the vector at slot r.
int32_t vectorElement(int32_t slot, ArrayRef<int32_t> bits, int j) {
  for (auto [k, m] : llvm::enumerate(bits))
    if ((j >> k) & 1)
      slot |= m;
  return slot;
}

/// The plan of `op` as it is now, with a diagnostic when there is none.
FailureOr<::ll::ConversionPlan>
planOne(ConvertLayoutOp op, const TargetInfo &target, bool trafficFirst) {
  auto src = layoutOf(op, op.getSrc().getType());
  auto dst = layoutOf(op, op.getType());
  if (failed(src) || failed(dst))
    return failure();
  std::string reason;
  auto bits = getMovedBitWidth(op.getType().getElementType(), op, &reason);
  if (failed(bits) || *bits > 64)
    return op.emitOpError() << "cannot be lowered: "
                            << (reason.empty() ? "elements wider than 64 bits"
                                               : reason);
  ::ll::PlanOptions options = ::ll::loweringPlanOptions(target.target());
  options.trafficFirst = trafficFirst;
  auto plan = ::ll::planConversion(*src, *dst, int(*bits), target.target(),
                                   options);
  if (!plan)
    return op.emitOpError() << "cannot be lowered: " << plan.error().message();
  return std::move(*plan);
}

/// Whether `plan` converts between `op`'s layouts as they are now.
bool planMatches(const ::ll::ConversionPlan &plan, ConvertLayoutOp op) {
  auto src = getLinearLayout(op.getSrc().getType());
  auto dst = getLinearLayout(op.getType());
  if (failed(src) || failed(dst))
    return false;
  auto s = ::ll::withDistributedDims(*src), d = ::ll::withDistributedDims(*dst);
  return s && d && *s == plan.src && *d == plan.dst;
}

struct ConvertLayoutLowering : OpConversionPattern<ConvertLayoutOp> {
  ConvertLayoutLowering(LLTypeConverter &tc, MLIRContext *ctx,
                        const TargetInfo &t, const ConversionPlans &plans)
      : OpConversionPattern(tc, ctx), target(t), plans(plans) {}
  const TargetInfo &target;
  const ConversionPlans &plans;

  LogicalResult
  matchAndRewrite(ConvertLayoutOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto st = dyn_cast_or_null<LLVM::LLVMStructType>(
        getTypeConverter()->convertType(op.getType()));
    if (!st)
      return rewriter.notifyMatchFailure(op, "no lowering of the type");
    // The plan made before the conversion, unless the conversion folded the
    // op since (a chain collapsed into it): then the op's own.
    auto it = plans.byOp.find(op);
    std::optional<::ll::ConversionPlan> replanned;
    if (it == plans.byOp.end() || !planMatches(it->second, op)) {
      auto p = planOne(op, target, plans.trafficFirst);
      if (failed(p))
        return failure();
      replanned = std::move(*p);
    }
    const ::ll::ConversionPlan &plan = replanned ? *replanned : it->second;
    int bits = plan.bitwidth;
    Type elt = st.getBody()[0];
    SmallVector<Value> in;
    for (Value v : unpack(rewriter, loc, adaptor.getSrc()))
      in.push_back(toInt(rewriter, loc, v, bits));
    auto out = lowerPlan(rewriter, op, plan, bits, in);
    if (failed(out))
      return failure();
    SmallVector<Value> vals;
    for (Value v : *out)
      vals.push_back(fromInt(rewriter, loc, v, elt));
    rewriter.replaceOp(op, pack(rewriter, loc, st, vals));
    return success();
  }

  /// The destination registers of `plan` from the source registers `in`.
  FailureOr<SmallVector<Value>> lowerPlan(ConversionPatternRewriter &b,
                                          Operation *op,
                                          const ::ll::ConversionPlan &plan,
                                          int bits, ArrayRef<Value> in) const {
    const auto *sh = plan.as<::ll::SharedPlan>();
    if (!sh)
      return lowerLocal(b, op, plan, bits, in);
    // The sub-word exchange runs before the stores or after the loads.
    SmallVector<Value> stored(in.begin(), in.end());
    const ::ll::LinearLayout *loaded = &plan.dst;
    if (sh->exchange && sh->exchangeBefore) {
      auto mid = lowerLocal(b, op, *sh->exchange, bits, in);
      if (failed(mid))
        return failure();
      stored = *mid;
    }
    if (sh->exchange && !sh->exchangeBefore)
      loaded = &sh->exchange->src;
    auto got = lowerShared(b, op, *sh, *loaded, bits, stored);
    if (failed(got) || !sh->exchange || sh->exchangeBefore)
      return got;
    return lowerLocal(b, op, *sh->exchange, bits, *got);
  }

  /// Plans inside a warp: noop, registers, select, shuffle; registers that
  /// repeat others (free variables of the destination) are copies.
  FailureOr<SmallVector<Value>> lowerLocal(OpBuilder &b, Operation *op,
                                           const ::ll::ConversionPlan &plan,
                                           int bits, ArrayRef<Value> in) const {
    Location loc = op->getLoc();
    int rd = int(plan.dst.inDimSize(0));
    SmallVector<Value> out(rd);
    if (plan.as<::ll::NoopPlan>())
      out.assign(in.begin(), in.end());
    else if (auto *p = plan.as<::ll::RegisterPlan>())
      for (int r = 0; r < rd; ++r)
        out[r] = in[constPart(p->map, "register", {{"register", r}})];
    else if (auto *p = plan.as<::ll::SelectPlan>())
      lowerSelect(b, loc, *p, plan, bits, in, out);
    else if (auto *p = plan.as<::ll::ShufflePlan>())
      lowerShuffle(b, loc, *p, plan, bits, in, out);
    else
      return op->emitOpError() << "cannot be lowered: internal error, a "
                                  "shared-memory plan inside a warp";
    if (failed(fillCopies(op, plan.dst, out)))
      return failure();
    return out;
  }

  /// Registers that repeat others (free variables of `l`) take their value.
  static LogicalResult fillCopies(Operation *op, const LinearLayout &l,
                                  MutableArrayRef<Value> out) {
    int32_t free = freeMask(l, "register");
    for (int r = 0; r < int(out.size()); ++r) {
      if (!out[r])
        out[r] = out[r & ~free];
      if (!out[r])
        return op->emitOpError() << "cannot be lowered: internal error, the "
                                    "plan leaves destination register "
                                 << r << " unset";
    }
    return success();
  }

  /// dst[r] = src[const(r) ^ k(lane, warp)]. Values narrower than 32 bits
  /// are picked as packed 32-bit words when that halves (quarters) the
  /// candidates: the word holding src[i] is i >> s (s = log2(32 / bits)),
  /// picked by the high part of k, and the value is extracted by the low
  /// part (a constant shift where lanes and warps do not move it).
  void lowerSelect(OpBuilder &b, Location loc, const ::ll::SelectPlan &p,
                   const ::ll::ConversionPlan &plan, int bits,
                   ArrayRef<Value> in, MutableArrayRef<Value> out) const {
    ThreadIds ids = threadIds(b, loc, target);
    SmallVector<std::pair<StringRef, Value>> hw = {{"lane", ids.lane},
                                                   {"warp", ids.warp}};
    int32_t free = freeMask(plan.dst, "register");
    SmallVector<int32_t> regs, bases;
    for (int r = 0; r < int(out.size()); ++r)
      if (!(r & free)) {
        regs.push_back(r);
        bases.push_back(constPart(p.map, "register", {{"register", r}}));
      }
    int sh = bits < 32 ? llvm::Log2_32(32 / bits) : 0;
    int f = 1 << sh;
    auto span = spanOf(p.map, "register", {"lane", "warp"});
    if (sh && in.size() % f == 0 && span.size() > 1) {
      // Split k into the word index (high) and the position (low).
      auto part = [&](function_ref<int32_t(int32_t)> g) {
        ::ll::BasesList bl;
        for (auto &[name, bs] : p.map.bases()) {
          std::vector<::ll::Basis> nb;
          for (const ::ll::Basis &v : bs)
            nb.push_back({g(v[0])});
          bl.push_back({name, std::move(nb)});
        }
        return *LinearLayout::create(bl, p.map.outDims(),
                                     /*requireSurjective=*/false);
      };
      LinearLayout high = part([&](int32_t v) { return v >> sh; });
      LinearLayout low = part([&](int32_t v) { return v & (f - 1); });
      auto highSpan = spanOf(high, "register", {"lane", "warp"});
      if (highSpan.size() < span.size()) {
        Type i32t = b.getI32Type();
        auto vecTy = VectorType::get({f}, b.getIntegerType(bits));
        SmallVector<Value> words;
        for (size_t w = 0; w < in.size() / f; ++w) {
          Value v = b.create<LLVM::UndefOp>(loc, vecTy);
          for (int j = 0; j < f; ++j)
            v = b.create<LLVM::InsertElementOp>(loc, v, in[w * f + j],
                                                i32(b, loc, j));
          words.push_back(b.create<LLVM::BitcastOp>(loc, i32t, v));
        }
        SmallVector<int32_t> wordBases;
        for (int32_t base : bases)
          wordBases.push_back(base >> sh);
        auto picked = pickAll(b, loc, words, wordBases, high, "register", hw);
        bool lowRuntime = spanOf(low, "register", {"lane", "warp"}).size() > 1;
        Value lowRt = lowRuntime ? runtimePart(b, loc, low, "register", hw)
                                 : Value();
        Type it = b.getIntegerType(bits);
        for (auto [r, base, w] : llvm::zip(regs, bases, picked)) {
          Value pos = i32(b, loc, base & (f - 1));
          if (lowRt)
            pos = b.create<LLVM::XOrOp>(loc, lowRt, pos);
          Value shift = b.create<LLVM::MulOp>(loc, pos, i32(b, loc, bits));
          out[r] = b.create<LLVM::TruncOp>(
              loc, it, b.create<LLVM::LShrOp>(loc, w, shift));
        }
        return;
      }
    }
    auto vals = pickAll(b, loc, in, bases, p.map, "register", hw);
    for (auto [r, v] : llvm::zip(regs, vals))
      out[r] = v;
  }

  void lowerShuffle(OpBuilder &b, Location loc, const ::ll::ShufflePlan &p,
                    const ::ll::ConversionPlan &plan, int bits,
                    ArrayRef<Value> in, MutableArrayRef<Value> out) const {
    ThreadIds ids = threadIds(b, loc, target);
    int rd = int(out.size());
    Type it = b.getIntegerType(bits), i32t = b.getI32Type();
    SmallVector<std::pair<StringRef, Value>> hwv = {{"lane", ids.lane},
                                                    {"warp", ids.warp}};
    Value srcLaneRT = runtimePart(b, loc, p.srcLane, "lane", hwv);
    auto fillSpan = spanOf(p.dstRegister, "register", {"lane"});
    Value mySub;
    if (p.subRounds > 1)
      mySub = runtimePart(b, loc, p.subRound, "sub", {{"lane", ids.lane}});
    // Does every lane of a round read itself? (lane bases the identity,
    // warp bases zero): then the round needs no shuffle when its constant
    // part is 0.
    bool laneIdentity = true;
    for (int i = 0; i < p.srcLane.numInDims(); ++i) {
      StringRef d = p.srcLane.inDimName(i);
      for (int bit = 0; bit < p.srcLane.inDimSizeLog2(i); ++bit) {
        int32_t v = p.srcLane.basis(i, bit, 0);
        if (d == "lane" ? v != (int32_t(1) << bit) : d != "register" && v)
          laneIdentity = false;
      }
    }
    // Rounds of copies (free destination registers) are skipped when the
    // other rounds fill exactly the distinct registers.
    int32_t free = freeMask(plan.dst, "register");
    bool skipFree = free != 0;
    for (int32_t c : fillSpan)
      skipFree &= !(c & free);
    for (int r = 0; r < rd && skipFree; ++r)
      if (!(r & free))
        skipFree &= !(constPart(p.dstRegister, "register", {{"register", r}}) & free);
    // Packed groups: the destination registers differing in packMask bits.
    SmallVector<int32_t> group{0};
    for (int bit = 0; bit < 31; ++bit)
      if ((p.packMask >> bit) & 1) {
        size_t n = group.size();
        for (size_t k = 0; k < n; ++k)
          group.push_back(group[k] | (int32_t(1) << bit));
      }
    // The rounds, and what the thread offers in each: its registers
    // sendRegister(r ^ g, lane, y, warp), picked all at once (the lane's
    // XOR rotation of its registers, shared by every round).
    struct Round {
      int y, r;
    };
    SmallVector<Round> rounds;
    SmallVector<int32_t> sendBases;
    for (int y = 0; y < p.subRounds; ++y)
      for (int r = 0; r < rd; ++r) {
        if ((r & p.packMask) || (skipFree && (r & free)))
          continue;
        rounds.push_back({y, r});
        for (int32_t g : group)
          sendBases.push_back(constPart(p.sendRegister, "register",
                                        {{"register", r ^ g}, {"sub", y}}));
      }
    auto offeredAll =
        pickAll(b, loc, in, sendBases, p.sendRegister, "register", hwv);
    // Received values land at their constant fill position; the lane's
    // rotation of the destination registers is applied once at the end.
    SmallVector<Value> filled(rd);
    size_t next = 0;
    for (auto [y, r] : rounds) {
      Value sub;
      if (mySub)
        sub = b.create<LLVM::ICmpOp>(loc, LLVM::ICmpPredicate::eq, mySub,
                                     i32(b, loc, y));
      ArrayRef<Value> offered(offeredAll.data() + next, group.size());
      next += group.size();
      int32_t laneConst = constPart(p.srcLane, "lane", {{"register", r}});
      bool local = laneIdentity && laneConst == 0;
      Value srcLane =
          laneConst ? b.create<LLVM::XOrOp>(loc, srcLaneRT, i32(b, loc, laneConst))
                          .getResult()
                    : srcLaneRT;
      SmallVector<Value> received;
      if (bits == 64) {
        Value c32 = b.create<LLVM::ConstantOp>(loc, it, b.getIntegerAttr(it, 32));
        Value lo = b.create<LLVM::TruncOp>(loc, i32t, offered[0]);
        Value hi = b.create<LLVM::TruncOp>(
            loc, i32t, b.create<LLVM::LShrOp>(loc, offered[0], c32));
        if (!local) {
          lo = target.shuffleIdx(b, loc, lo, srcLane);
          hi = target.shuffleIdx(b, loc, hi, srcLane);
        }
        received.push_back(b.create<LLVM::OrOp>(
            loc, b.create<LLVM::ZExtOp>(loc, it, lo),
            b.create<LLVM::ShlOp>(loc, b.create<LLVM::ZExtOp>(loc, it, hi), c32)));
      } else {
        Value word;
        for (auto [k, v] : llvm::enumerate(offered)) {
          Value x = bits < 32 ? b.create<LLVM::ZExtOp>(loc, i32t, v).getResult() : v;
          if (k)
            x = b.create<LLVM::ShlOp>(loc, x, i32(b, loc, int(k) * bits));
          word = word ? b.create<LLVM::OrOp>(loc, word, x).getResult() : x;
        }
        if (!local)
          word = target.shuffleIdx(b, loc, word, srcLane);
        for (size_t k = 0; k < group.size(); ++k) {
          Value x = k ? b.create<LLVM::LShrOp>(loc, word, i32(b, loc, int(k) * bits))
                            .getResult()
                      : word;
          received.push_back(bits < 32 ? b.create<LLVM::TruncOp>(loc, it, x).getResult()
                                       : x);
        }
      }
      for (auto [k, g] : llvm::enumerate(group)) {
        int32_t base =
            constPart(p.dstRegister, "register", {{"register", r ^ g}});
        Value v = received[k];
        if (sub)
          v = b.create<LLVM::SelectOp>(
              loc, sub, v,
              filled[base] ? filled[base]
                           : b.create<LLVM::UndefOp>(loc, it).getResult());
        filled[base] = v;
      }
    }
    if (fillSpan.size() > 1) {
      // out[x] = filled[x ^ rotation(lane)].
      Value undef = b.create<LLVM::UndefOp>(loc, it);
      for (Value &v : filled)
        if (!v)
          v = undef;
      SmallVector<int32_t> all;
      for (int r = 0; r < rd; ++r)
        all.push_back(r);
      filled = pickAll(b, loc, filled, all, p.dstRegister, "register",
                       {{"lane", ids.lane}});
      if (skipFree)
        for (int r = 0; r < rd; ++r)
          if (r & free)
            filled[r] = Value(); // copies, filled afterwards
    }
    for (int r = 0; r < rd; ++r)
      if (filled[r])
        out[r] = filled[r];
  }

  /// Stores of `stored` (registers of the stored layout), barriers, and
  /// loads giving the registers of `loaded`, round by round. Plain accesses
  /// store (load) a vector per lane at store(load)Address(r, lane, warp);
  /// matrix accesses (stmatrix / ldmatrix x4, m8n8) take one 16-byte row
  /// address per lane at each slot r (view registers of one row zero), and
  /// move 32-bit words whose elements store(load)Register names.
  FailureOr<SmallVector<Value>>
  lowerShared(ConversionPatternRewriter &b, Operation *op,
              const ::ll::SharedPlan &p, const LinearLayout &loaded, int bits,
              ArrayRef<Value> stored) const {
    Location loc = op->getLoc();
    using ::ll::AccessKind;
    const ::ll::Target &t = target.target();
    if ((p.storeAccess != AccessKind::Plain && !t.stmatrix) ||
        (p.loadAccess != AccessKind::Plain && !t.ldmatrix))
      return op->emitOpError() << "cannot be lowered: the plan uses matrix "
                                  "accesses "
                               << t.name << " does not have";
    ThreadIds ids = threadIds(b, loc, target);
    SmallVector<std::pair<StringRef, Value>> hw = {{"lane", ids.lane},
                                                   {"warp", ids.warp}};
    Type it = b.getIntegerType(bits), i32t = b.getI32Type();
    auto ptrTy = LLVM::LLVMPointerType::get(b.getContext(), 3);
    auto shared = sharedBase(b, loc, op, p.scratchBytes);
    if (failed(shared))
      return failure();
    Value base = *shared;
    for (const LinearLayout *a : {&p.storeAddress, &p.loadAddress})
      if (spanOf(*a, "rep", {"lane", "warp"}).size() > 1)
        return op->emitOpError()
               << "cannot be lowered: a round that depends on the thread";
    bool stMatrix = p.storeAccess != AccessKind::Plain;
    bool ldMatrix = p.loadAccess != AccessKind::Plain;
    int rowBits = llvm::Log2_32(128 / bits); // view registers of one row
    int perWord = std::max(1, 32 / bits);
    // Plain accesses: the registers of one vector.
    SmallVector<int32_t> stBits, ldBits;
    if (!stMatrix) {
      auto v = vectorBits(p.storeAddress, p.store.vectorElems,
                          maskOf(p.storeMasks, "register"));
      if (failed(v))
        return op->emitOpError() << "cannot be lowered: the store vector is "
                                    "not contiguous";
      stBits = *v;
    }
    if (!ldMatrix) {
      auto v = vectorBits(p.loadAddress, p.load.vectorElems,
                          freeMask(loaded, "register"));
      if (failed(v))
        return op->emitOpError() << "cannot be lowered: the load vector is "
                                    "not contiguous";
      ldBits = *v;
    }
    int32_t stVecMask = 0, ldVecMask = 0;
    for (int32_t m : stBits)
      stVecMask |= m;
    for (int32_t m : ldBits)
      ldVecMask |= m;
    if (stMatrix)
      stVecMask = (1 << rowBits) - 1;
    if (ldMatrix)
      ldVecMask = (1 << rowBits) - 1;
    Value stOff = runtimePart(b, loc, p.storeAddress, "offset", hw);
    Value ldOff = runtimePart(b, loc, p.loadAddress, "offset", hw);
    int32_t regSkip = maskOf(p.storeMasks, "register");
    int32_t laneSkip = maskOf(p.storeMasks, "lane");
    int32_t warpSkip = maskOf(p.storeMasks, "warp");
    Value storer = firstCopy(b, loc, ids, laneSkip, warpSkip);
    int32_t loadedFree = freeMask(loaded, "register");
    int rs = int(p.storeView.inDimSize(0));
    int rd = int(loaded.inDimSize(0));
    SmallVector<Value> out(rd);
    // The aligned vector holding register `reg`'s element, and the element's
    // position in it (constant unless thread bits swizzle inside vectors).
    // Thread bits of each side's offsets: a constant part that avoids them
    // is added to the thread's base pointer (an immediate offset of the
    // access) instead of XOR-ed into the index.
    auto threadBits = [&](const LinearLayout &addr) {
      int32_t m = 0;
      for (int32_t v : spanOf(addr, "offset", {"lane", "warp"}))
        m |= v;
      return m;
    };
    int32_t stThread = threadBits(p.storeAddress);
    int32_t ldThread = threadBits(p.loadAddress);
    // (addresses in bytes: each side's thread offset scaled once, the
    // accesses' constants XOR-ed or added as bytes)
    int sh = bits >= 8 ? llvm::Log2_32(bits / 8) : 0;
    Value stBase, ldBase, stBytes, ldBytes;
    Type i8t = b.getI8Type();
    auto vectorAt = [&](const LinearLayout &addr, Value rt, int32_t reg,
                        int vec, bool aligned) {
      int32_t c = constPart(addr, "offset", {{"register", reg}}) & ~(vec - 1);
      bool st = &addr == &p.storeAddress;
      int32_t thread = st ? stThread : ldThread;
      Value &rtB = st ? stBytes : ldBytes;
      if (!rtB)
        rtB = sh ? b.create<LLVM::ShlOp>(loc, rt, i32(b, loc, sh)).getResult()
                 : rt;
      if (aligned && !(c & thread)) {
        Value &tb = st ? stBase : ldBase;
        if (!tb)
          tb = b.create<LLVM::GEPOp>(loc, ptrTy, i8t, base,
                                     ArrayRef<LLVM::GEPArg>{rtB});
        return c ? b.create<LLVM::GEPOp>(loc, ptrTy, i8t, tb,
                                         ArrayRef<LLVM::GEPArg>{c << sh})
                       .getResult()
                 : tb;
      }
      Value off = rtB;
      if (c)
        off = b.create<LLVM::XOrOp>(loc, off, i32(b, loc, c << sh));
      if (!aligned)
        off = b.create<LLVM::AndOp>(loc, off, i32(b, loc, ~((vec << sh) - 1)));
      return b.create<LLVM::GEPOp>(loc, ptrTy, i8t, base, ArrayRef<LLVM::GEPArg>{off})
          .getResult();
    };
    auto positionOf = [&](const LinearLayout &addr, Value rt, int32_t reg,
                          int vec, bool aligned) -> Value {
      int32_t c = constPart(addr, "offset", {{"register", reg}}) & (vec - 1);
      if (aligned)
        return i32(b, loc, c);
      Value low = b.create<LLVM::AndOp>(loc, rt, i32(b, loc, vec - 1));
      return c ? b.create<LLVM::XOrOp>(loc, low, i32(b, loc, c)).getResult() : low;
    };
    bool stAligned = stMatrix || threadAligned(p.storeAddress, p.store.vectorElems);
    bool ldAligned = ldMatrix || threadAligned(p.loadAddress, p.load.vectorElems);
    // A 32-bit word of matrix m at slot r: elements e from the registers
    // the side's register map names.
    auto matrixWord = [&](int32_t r, int m) {
      Value w;
      for (int e = 0; e < perWord; ++e) {
        int32_t reg = constPart(p.storeRegister, "register",
                                {{"register", r}, {"matrix", m}, {"element", e}});
        Value x = stored[reg];
        if (bits < 32)
          x = b.create<LLVM::ZExtOp>(loc, i32t, x);
        if (e)
          x = b.create<LLVM::ShlOp>(loc, x, i32(b, loc, e * bits));
        w = w ? b.create<LLVM::OrOp>(loc, w, x).getResult() : x;
      }
      return w;
    };
    // Plain stores: at slot r lane l stores its register storeRegister(r,
    // l) (the rotation of a replicated source), picked for all slots at once.
    SmallVector<Value> plainStored(rs);
    if (!stMatrix) {
      SmallVector<int32_t> regs, bases;
      for (int32_t r = 0; r < rs; ++r)
        if (!(r & regSkip)) {
          regs.push_back(r);
          bases.push_back(constPart(p.storeRegister, "register", {{"register", r}}));
        }
      auto vals = pickAll(b, loc, stored, bases, p.storeRegister, "register",
                          {{"lane", ids.lane}});
      for (auto [r, v] : llvm::zip(regs, vals))
        plainStored[r] = v;
    }
    // A barrier first: the buffer may still be read by an earlier use
    // (none before the first use outside loops: ll.first_shared_use).
    if (!op->hasAttr(kNoBarrierBefore))
      target.barrier(b, loc);
    for (int q = 0; q < p.rounds(); ++q) {
      if (q)
        target.barrier(b, loc);
      for (int32_t r = 0; r < rs; ++r) {
        if ((r & regSkip) || (r & stVecMask) ||
            constPart(p.storeAddress, "rep", {{"register", r}}) != q)
          continue;
        auto emit = [&](function_ref<void()> store) {
          if (!storer)
            return store();
          auto ifOp = b.create<scf::IfOp>(loc, TypeRange{}, storer, false);
          OpBuilder::InsertionGuard g(b);
          b.setInsertionPointToStart(&ifOp.getThenRegion().front());
          store();
        };
        if (stMatrix) {
          SmallVector<Value> words;
          for (int m = 0; m < 4; ++m)
            words.push_back(matrixWord(r, m));
          Value ptr = vectorAt(p.storeAddress, stOff, r, 1, true);
          emit([&] {
            target.storeMatrix(b, loc, ptr, words,
                               p.storeAccess == AccessKind::MatrixTransposed);
          });
          continue;
        }
        int vec = p.store.vectorElems;
        SmallVector<Value> elems;
        for (int j = 0; j < vec; ++j)
          elems.push_back(plainStored[vectorElement(r, stBits, j)]);
        if (llvm::is_contained(elems, Value()))
          return op->emitOpError() << "cannot be lowered: internal error, a "
                                      "vector of the plan stores a register "
                                      "it skips";
        Value v = elems[0];
        if (vec > 1) {
          v = b.create<LLVM::UndefOp>(loc, VectorType::get({vec}, it));
          for (int j = 0; j < vec; ++j) {
            int32_t reg = vectorElement(r, stBits, j);
            v = b.create<LLVM::InsertElementOp>(
                loc, v, elems[j],
                positionOf(p.storeAddress, stOff, reg, vec, stAligned));
          }
        }
        Value ptr = vec > 1 ? vectorAt(p.storeAddress, stOff, r, vec, stAligned)
                            : vectorAt(p.storeAddress, stOff, r, 1, true);
        emit([&] { b.create<LLVM::StoreOp>(loc, v, ptr); });
      }
      target.barrier(b, loc);
      int loadRegs = int(p.loadView.inDimSize(0));
      for (int32_t r = 0; r < loadRegs; ++r) {
        if ((r & ldVecMask) ||
            constPart(p.loadAddress, "rep", {{"register", r}}) != q)
          continue;
        if (ldMatrix) {
          Value ptr = vectorAt(p.loadAddress, ldOff, r, 1, true);
          SmallVector<Value> res = target.loadMatrix(
              b, loc, ptr, p.loadAccess == AccessKind::MatrixTransposed);
          forMatrixElements(b, loc, res, p.loadRegister, r, bits,
                            [&](int32_t reg, Value x) { out[reg] = x; });
          continue;
        }
        if (r & loadedFree)
          continue; // a copy
        int vec = p.load.vectorElems;
        if (vec == 1) {
          out[r] = b.create<LLVM::LoadOp>(
              loc, it, vectorAt(p.loadAddress, ldOff, r, 1, true));
          continue;
        }
        Value v = b.create<LLVM::LoadOp>(
            loc, VectorType::get({vec}, it),
            vectorAt(p.loadAddress, ldOff, r, vec, ldAligned));
        for (int j = 0; j < vec; ++j) {
          int32_t reg = vectorElement(r, ldBits, j);
          out[reg] = b.create<LLVM::ExtractElementOp>(
              loc, v, positionOf(p.loadAddress, ldOff, reg, vec, ldAligned));
        }
      }
    }
    if (failed(fillCopies(op, loaded, out)))
      return failure();
    return out;
  }
};

} // namespace

LogicalResult mlir::ll::planConversions(Operation *root,
                                        const TargetInfo &target,
                                        bool trafficFirst,
                                        ConversionPlans &plans) {
  plans.trafficFirst = trafficFirst;
  bool ok = true;
  root->walk([&](ConvertLayoutOp op) {
    if (isFusedIntoReduce(op))
      return;
    auto plan = planOne(op, target, trafficFirst);
    if (failed(plan))
      ok = false;
    else
      plans.byOp.try_emplace(op, std::move(*plan));
  });
  return success(ok);
}

void mlir::ll::populateConvertLayoutOpToLLVMPatterns(
    LLTypeConverter &tc, RewritePatternSet &patterns, const TargetInfo &target,
    const ConversionPlans &plans) {
  patterns.add<ConvertLayoutLowering>(tc, patterns.getContext(), target, plans);
}
