//===- Driver.cpp - Classification and choice of plans --------------------===//

#include "Detail.h"

#include <algorithm>
#include <sstream>

namespace ll {
using namespace detail;

const char *toString(PlanStep::Kind k) {
  switch (k) {
  case PlanStep::Kind::RegisterMove:
    return "register_move";
  case PlanStep::Kind::Select:
    return "select";
  case PlanStep::Kind::Shuffle:
    return "shuffle";
  case PlanStep::Kind::Store:
    return "store";
  case PlanStep::Kind::Barrier:
    return "barrier";
  case PlanStep::Kind::Load:
    return "load";
  }
  return "?";
}

const char *toString(AccessKind a) {
  switch (a) {
  case AccessKind::Plain:
    return "plain";
  case AccessKind::Matrix:
    return "matrix";
  case AccessKind::MatrixTransposed:
    return "matrix_transposed";
  }
  return "?";
}

ConversionKind ConversionPlan::kind() const {
  struct {
    ConversionKind operator()(const NoopPlan &) { return ConversionKind::Noop; }
    ConversionKind operator()(const RegisterPlan &) {
      return ConversionKind::Registers;
    }
    ConversionKind operator()(const SelectPlan &) {
      return ConversionKind::Select;
    }
    ConversionKind operator()(const ShufflePlan &) {
      return ConversionKind::Shuffle;
    }
    ConversionKind operator()(const SharedPlan &) {
      return ConversionKind::Shared;
    }
  } of;
  return std::visit(of, body);
}

int64_t ConversionPlan::scratchBytes() const {
  const SharedPlan *sh = as<SharedPlan>();
  return sh ? sh->scratchBytes : 0;
}

namespace {

/// The program of a plan (its sub-word exchange, planned first, already
/// has its own).
std::vector<PlanStep> programOf(const ConversionPlan &p) {
  using K = PlanStep::Kind;
  std::vector<PlanStep> steps;
  auto add = [&](K kind, int64_t count, int round = 0) {
    PlanStep s;
    s.kind = kind;
    s.count = count;
    s.round = round;
    steps.push_back(s);
    return &steps.back();
  };
  switch (p.kind()) {
  case ConversionKind::Noop:
  case ConversionKind::CrossCTA:
    break;
  case ConversionKind::Registers:
    add(K::RegisterMove, p.cost.registerMoves);
    break;
  case ConversionKind::Select:
    add(K::Select, p.cost.selects);
    break;
  case ConversionKind::Shuffle:
    // Per round: the sender picks the register it offers, then shuffles.
    if (p.cost.registerMoves)
      add(K::Select, p.cost.registerMoves);
    add(K::Shuffle, p.cost.shuffles);
    break;
  case ConversionKind::Shared: {
    const SharedPlan &sh = *p.as<SharedPlan>();
    auto inline_ = [&](const ConversionPlan &x) {
      for (PlanStep s : x.steps) {
        s.exchange = true;
        steps.push_back(s);
      }
    };
    if (sh.exchange && sh.exchangeBefore)
      inline_(*sh.exchange);
    int rounds = sh.rounds();
    // Rotated stores pick the register each lane stores (the exchange's
    // own selects are among its steps).
    int64_t storeSelects =
        p.cost.registerMoves - (sh.exchange ? sh.exchange->cost.registerMoves : 0);
    if (storeSelects)
      add(K::Select, storeSelects);
    for (int q = 0; q < rounds; ++q) {
      PlanStep *st = add(K::Store, p.cost.sharedStores / rounds, q);
      st->vectorElems = sh.store.vectorElems;
      st->access = sh.storeAccess;
      add(K::Barrier, 1, q);
      PlanStep *ld = add(K::Load, p.cost.sharedLoads / rounds, q);
      ld->vectorElems = sh.load.vectorElems;
      ld->access = sh.loadAccess;
      if (q + 1 < rounds)
        add(K::Barrier, 1, q);
    }
    if (sh.exchange && !sh.exchangeBefore)
      inline_(*sh.exchange);
    break;
  }
  }
  return steps;
}

} // namespace

/// planConversion without the final scratch-budget check.
static Expected<ConversionPlan>
planConversionUnbounded(const LinearLayout &src, const LinearLayout &dst,
                        int bitwidth, const Target &target,
                        const PlanOptions &options);

PlanOptions loweringPlanOptions(const Target &) {
  PlanOptions o;
  o.sharedByCycles = true;
  return o;
}

Expected<ConversionPlan> planConversion(const LinearLayout &src,
                                        const LinearLayout &dst, int bitwidth,
                                        const Target &target,
                                        const PlanOptions &options) {
  auto withCycles = [](ConversionPlan plan) {
    plan.cost.cycles =
        estimateCycles(plan.cost, plan.target, int(sizeOf(plan.src, "warp")));
    plan.steps = programOf(plan);
    return plan;
  };
  LL_TRY(p0, planConversionUnbounded(src, dst, bitwidth, target, options));
  ConversionPlan p = withCycles(std::move(p0));
  // Given a scratch budget, shared memory competes with selects and
  // shuffles on cycles (a one-warp transpose is cheaper through a buffer
  // than by rotated shuffles); with sharedByCycles, its least scratch
  // competes with shuffles (a thread-local conversion stays in registers).
  bool budgeted = options.maxScratchBytes > 0;
  if (!options.forceShared &&
      ((budgeted && (p.kind() == ConversionKind::Select ||
                     p.kind() == ConversionKind::Shuffle)) ||
       (options.sharedByCycles && options.maxScratchBytes < 0 &&
        p.kind() == ConversionKind::Shuffle))) {
    PlanOptions viaShared = options;
    viaShared.forceShared = true;
    auto q = planConversionUnbounded(src, dst, bitwidth, target, viaShared);
    if (!q && q.error().kind() != ErrorKind::Unsupported)
      return q.error();
    if (q && (options.maxScratchBytes < 0 ||
              q->scratchBytes() <= options.maxScratchBytes)) {
      ConversionPlan shared = withCycles(std::move(*q));
      if (shared.cost.cycles < p.cost.cycles)
        p = std::move(shared);
    }
  }
  if (options.maxScratchBytes < 0 ||
      p.scratchBytes() <= options.maxScratchBytes)
    return p;
  // Never a silent excess over the caller's budget: the least-scratch plan
  // (the default) if it fits, else an error.
  PlanOptions least = options;
  least.maxScratchBytes = -1;
  LL_TRY(q, planConversionUnbounded(src, dst, bitwidth, target, least));
  LL_CHECK(q.scratchBytes() <= options.maxScratchBytes, Unsupported,
           "the conversion needs " + std::to_string(q.scratchBytes()) +
               " bytes of scratch (the least of its plans), more than the " +
               std::to_string(options.maxScratchBytes) + " allowed");
  return withCycles(std::move(q));
}

static Expected<ConversionPlan>
planConversionUnbounded(const LinearLayout &src, const LinearLayout &dst,
                        int bitwidth, const Target &target,
                        const PlanOptions &options) {
  LL_TRY(okIn, checkConversion(src, dst, bitwidth, target));
  (void)okIn;
  // Every distributed in dim present, in order.
  LL_TRY(s, withDistributedDims(src));
  LL_TRY(t, withDistributedDims(dst));
  ConversionPlan p;
  p.bitwidth = bitwidth;
  p.target = target;
  p.src = s;
  p.dst = t;
  LL_TRY(kind, classifyConversion(s, t));
  LL_CHECK(kind != ConversionKind::CrossCTA, Unsupported,
           "data moves between CTAs: cross-CTA conversions are not supported");
  int regs = int(t.inDimSize(0));
  int32_t freeRegs = maskOf(t.freeVariableMasks(), "register");
  // Destination registers holding distinct data: the others are copies of
  // them (free variables of the destination), never moved twice.
  int distinctRegs = regs >> __builtin_popcount(uint32_t(freeRegs));
  if (kind == ConversionKind::Noop && !options.forceShared)
    return p;
  if ((kind == ConversionKind::Registers || kind == ConversionKind::Select) &&
      !options.forceShared) {
    LL_TRY(m, localSourceMap(s, t, 1));
    LL_CHECK(m.has_value(), Unsupported,
             "internal: a thread-local conversion without a local map");
    if (kind == ConversionKind::Registers) {
      LL_TRY(rm, m->sublayout({"register"}, {"register"}));
      p.body = RegisterPlan{std::move(rm)};
      p.cost.registerMoves = regs;
      return p;
    }
    p.body = SelectPlan{*m};
    p.cost.selects =
        selectCount(*m, distinctRegs, int(s.inDimSize(0)), bitwidth);
    return p;
  }
  if (kind == ConversionKind::Shuffle && !options.forceShared) {
    LL_TRY(cvt, localSourceMap(s, t, 2));
    LL_CHECK(cvt.has_value(), Unsupported,
             "internal: a warp-local conversion without a local map");
    // Source lanes that hold copies of other lanes' data (zero columns: the
    // local map never reads them).
    uint64_t replicaLanes = 0;
    auto srcLaneCols = columnsByDim(s)["lane"];
    for (size_t i = 0; i < srcLaneCols.size(); ++i)
      if (!srcLaneCols[i])
        replicaLanes |= uint64_t(1) << i;
    // Shuffles always succeed (sub-rounds are the last resort): no
    // fallback to shared memory is needed.
    ShufflePlan &sp = p.body.emplace<ShufflePlan>();
    LL_TRY(ok, planShuffle(sp, *cvt, freeRegs, replicaLanes));
    (void)ok;
    LL_TRY(okW, addWarpOffsets(sp, *cvt));
    (void)okW;
    // Pack sub-word values that come from one lane into 32-bit
    // shuffles: distinct destination register bits on which the source
    // lane does not depend.
    auto laneCols = sp.srcLane.sublayout({"register"}, {"lane"});
    int packBits = 0;
    if (laneCols) {
      auto cols = laneCols->flatColumns();
      for (int b = 0; b < int(cols.size()) &&
                      (bitwidth << (packBits + 1)) <= 32;
           ++b)
        if (!cols[b] && !((freeRegs >> b) & 1)) {
          sp.packMask |= int32_t(1) << b;
          ++packBits;
        }
    }
    sp.shuffleRounds = (distinctRegs >> packBits) * sp.subRounds;
    // Rounds in which every lane reads itself move nothing between lanes
    // (a register bit swapped with a lane bit: half the values stay): they
    // are register copies, not shuffles.
    int localRounds = 0;
    {
      bool identityLanes = sp.subRounds == 1 && regs <= 4096;
      const LinearLayout &sl = sp.srcLane;
      for (int i = 0; identityLanes && i < sl.numInDims(); ++i)
        for (int b = 0; b < sl.inDimSizeLog2(i); ++b) {
          int32_t v = sl.basis(i, b, 0);
          const std::string &d = sl.inDimName(i);
          if (d == "lane" ? v != (int32_t(1) << b) : d != "register" && v)
            identityLanes = false;
        }
      for (int r = 0; identityLanes && r < regs; ++r) {
        if ((r & freeRegs) || (r & sp.packMask))
          continue; // a copy, or packed with a representative
        std::vector<int32_t> at(sl.numInDims(), 0);
        at[sl.inDimIndex("register")] = r;
        localRounds += sl.apply(at)[0] == 0;
      }
    }
    // 64-bit values travel as two 32-bit shuffles.
    p.cost.shuffles =
        int64_t(sp.shuffleRounds - localRounds) * std::max(1, bitwidth / 32);
    // Lane-dependent register choices, as the lowering emits them: what a
    // lane offers (its registers rotated by its lane / warp bits), where it
    // puts what it receives (a rotated schedule), and the sub-round it keeps.
    int64_t offered = int64_t(sp.shuffleRounds) << packBits;
    int64_t srcRegs = s.inDimSize(0);
    p.cost.registerMoves =
        pickCost(sp.sendRegister, "register", {"lane", "warp"}, offered,
                 srcRegs) +
        pickCost(sp.dstRegister, "register", {"lane"}, regs, regs) +
        (sp.subRounds > 1 ? offered : 0);
    return p;
  }
  // Through shared memory.
  LL_TRY(okShared, planShared(p, s, t, options));
  (void)okShared;
  if (bitwidth < 32 && !options.noExchange) {
    // A side narrower than a bank word: try exchanging sub-word values in
    // the warp (shuffles) so both sides access whole words. On equal
    // weight the exchange wins when it saves shared-memory wavefronts: a
    // shuffle needs no scratch and no barrier.
    ConversionPlan direct = p;
    int warps = int(sizeOf(s, "warp"));
    auto cycles = [&](const ConversionPlan &x) {
      return estimateCycles(x.cost, x.target, warps);
    };
    for (bool before : {false, true}) {
      LL_TRY(alt, tryExchange(direct, s, t, before, options));
      if (!alt)
        continue;
      // Kept when the cycle model says so (the shuffles cost less than the
      // narrow accesses they save), within the scratch of the direct plan.
      auto wavefronts = [](const ConversionPlan &x) {
        return x.cost.storeWavefronts + x.cost.loadWavefronts;
      };
      bool better =
          options.trafficFirst
              ? weight(*alt) < weight(p) ||
                    (weight(*alt) == weight(p) && wavefronts(*alt) < wavefronts(p))
              : cycles(*alt) < cycles(p);
      if (alt->scratchBytes() <= direct.scratchBytes() && better)
        p = std::move(*alt);
    }
  }
  return p;
}

std::vector<std::string> ConversionPlan::explain() const {
  std::vector<std::string> out;
  auto str = [](auto... xs) {
    std::ostringstream os;
    (os << ... << xs);
    return os.str();
  };
  if (as<NoopPlan>())
    return {"nothing to do: the layouts are equal"};
  if (as<RegisterPlan>())
    return {str("rename registers: dst register r <- src register R(r) (",
                cost.registerMoves, " moves)")};
  if (as<SelectPlan>())
    return {str("thread-local: dst register r <- the thread's own src "
                "register sel(r, lane, warp, block) (",
                cost.selects,
                " selects; no shuffle, no shared memory, no barrier)")};
  if (auto *sh = as<ShufflePlan>()) {
    out.push_back(str(cost.shuffles, " shuffle(s): for each round r",
                      sh->subRounds > 1
                          ? str(" and sub-round y < ", sh->subRounds)
                          : std::string()));
    out.push_back("  lane l reads lane srcLane(r, l) into register "
                  "dstRegister(r, l); the sender s offers register "
                  "sendRegister(r, s, y)");
    if (sh->packMask)
      out.push_back(str("  registers differing in bits 0x", std::hex,
                        sh->packMask, " travel packed in one 32-bit shuffle"));
    if (sh->subRounds > 1)
      out.push_back("  lane l keeps the value of sub-round y = subRound(l)");
    return out;
  }
  // Shared memory: the program's steps in order (the simulator runs the
  // same list; the sub-word exchange's own steps are expanded in place).
  const SharedPlan &sh = *as<SharedPlan>();
  std::string masks;
  for (const auto &[dim, m] : sh.storeMasks)
    if (m)
      masks += str(masks.empty() ? "" : ", ", dim, ": ", m);
  bool rotated = false;
  if (int i = sh.storeRegister.inDimIndex("lane"); i >= 0)
    for (int b = 0; b < sh.storeRegister.inDimSizeLog2(i); ++b)
      rotated |= sh.storeRegister.basis(i, b, 0) != 0;
  std::string what =
      sh.storeAccess != AccessKind::Plain
          ? "registers storeRegister(r, matrix, element), lane l giving the "
            "address of row l % 8 of matrix l / 8,"
      : rotated ? "register storeRegister(r, l)"
                : "register r";
  bool inExchange = false;
  for (const PlanStep &s : steps) {
    if (s.exchange) {
      if (!inExchange) {
        out.push_back(str("sub-word exchange (",
                          sh.exchangeBefore ? "before the store"
                                            : "after the load",
                          "):"));
        for (const std::string &line : sh.exchange->explain())
          out.push_back("  " + line);
        inExchange = true;
      }
      continue;
    }
    inExchange = false;
    switch (s.kind) {
    case PlanStep::Kind::Select:
      out.push_back(str("select the register each lane stores (", s.count,
                        " selects)"));
      break;
    case PlanStep::Kind::Store:
      out.push_back(str(
          "round ", s.round, ": store ", s.count, " x ", s.vectorElems, "x",
          bitwidth, "-bit (", target.sharedInstruction(true, sh.storeAccess),
          ", ", ll::toString(s.access), ", ", sh.store.wavefronts,
          " wavefront(s) each): ", what, " at storeAddress(r, l, w)",
          masks.empty() ? "" : ", only where the bits {" + masks + "} are 0"));
      break;
    case PlanStep::Kind::Barrier:
      out.push_back("  barrier");
      break;
    case PlanStep::Kind::Load:
      out.push_back(str(
          "  load ", s.count, " x ", s.vectorElems, "x", bitwidth, "-bit (",
          target.sharedInstruction(false, sh.loadAccess), ", ",
          ll::toString(s.access), ", ", sh.load.wavefronts,
          " wavefront(s) each) at loadAddress(r, l, w)",
          sh.loadAccess != AccessKind::Plain
              ? " into registers loadRegister(r, matrix, element)"
              : ""));
      break;
    default:
      break;
    }
  }
  return out;
}

std::string ConversionPlan::toString() const {
  std::ostringstream os;
  os << "plan: " << ll::toString(kind()) << " (" << bitwidth << "-bit, "
     << target.name << ")\n";
  if (as<NoopPlan>())
    os << "  the layouts are equal: nothing to do\n";
  if (auto *r = as<RegisterPlan>())
    os << "  each thread permutes its registers: dst register -> src register"
       << r->map.toString() << "\n";
  if (auto *sel = as<SelectPlan>())
    os << "  each thread holds what it needs; dst register r of the thread at "
          "(lane, warp, block) takes src register"
       << sel->map.toString() << "\n";
  if (auto *sh = as<ShufflePlan>()) {
    os << "  " << sh->shuffleRounds << " shuffle round(s); round r, lane l reads lane"
       << sh->srcLane.toString() << "\n  the sender offers register"
       << sh->sendRegister.toString() << "\n";
    if (sh->packMask)
      os << "  each shuffle packs the registers differing in bits 0x"
         << std::hex << sh->packMask << std::dec << " into one 32-bit word\n";
  }
  if (auto *sh = as<SharedPlan>()) {
    os << "  shared memory: " << sh->scratchBytes << " bytes, " << sh->rounds()
       << " round(s)\n  store: " << target.sharedInstruction(true, sh->storeAccess)
       << ", " << sh->store.vectorElems << " x " << bitwidth
       << "-bit per access, " << sh->store.wavefronts << " wavefront(s) ("
       << sh->store.conflicts() << " extra)\n  load:  "
       << target.sharedInstruction(false, sh->loadAccess) << ", "
       << sh->load.vectorElems << " x " << bitwidth << "-bit per access, "
       << sh->load.wavefronts << " wavefront(s) (" << sh->load.conflicts()
       << " extra)\n"
       << "  shared layout (offset -> tensor):" << sh->layout.toString() << "\n";
    if (sh->exchange)
      os << "  sub-word exchange "
         << (sh->exchangeBefore ? "before the store" : "after the load")
         << ":\n    " << [&] {
              std::string e = sh->exchange->toString();
              for (size_t i = 0; (i = e.find('\n', i)) != std::string::npos; i += 5)
                e.replace(i, 1, "\n    ");
              return e;
            }() << "\n";
  }
  os << "  cost: " << cost.registerMoves << " register moves, "
     << cost.selects << " selects, " << cost.shuffles << " shuffles, " << cost.sharedStores << " stores, "
     << cost.sharedLoads << " loads, " << cost.barriers << " barriers; ~"
     << cost.cycles << " cycles per warp (cost model)";
  return os.str();
}

} // namespace ll
