//===- SharedPlans.cpp - Plans through shared memory ----------------------===//

#include "Detail.h"

#include <algorithm>
#include <set>
#include <tuple>

namespace ll {
using namespace detail;

namespace detail {

/// How one side accesses shared memory (see ConversionPlan::storeView,
/// storeRegister, loadRegister).
struct Access {
  LinearLayout view; ///< the layout the accesses see
  LinearLayout reg;  ///< the register map of the plan
  AccessKind kind = AccessKind::Plain;
  int selectBits = 0; ///< rotated stores: lane bits choosing the register
  int rowBits = 0;    ///< matrix instructions: view registers of one row
};

/// Fill the shared-memory part of `p` for the accesses `st` and `ld`;
/// false when they do not fit (a matrix row that is not the vector, or
/// row addresses that are not 16-byte aligned).
Expected<bool> planSharedWith(ConversionPlan &p, const Access &st,
                              const Access &ld, bool preferLoad,
                              const PlanOptions &options,
                              int widen = 0) {
  const LinearLayout &s = st.view, &t = ld.view;
  int bitwidth = p.bitwidth;
  const Target &target = p.target;
  int regs = int(t.inDimSize(0));
  std::vector<uint64_t> forced;
  for (const Access *a : {&ld, &st}) {
    if (!a->rowBits)
      continue;
    auto cols = columnsByDim(a->view)["register"];
    std::vector<uint64_t> row(cols.begin(), cols.begin() + a->rowBits);
    if (!forced.empty() && forced != row)
      return false;
    forced = row;
  }
  LL_TRY(design, designShared(s, t, bitwidth, target, options.maxScratchBytes,
                              preferLoad, forced, widen));
  LL_TRY(tile, sharedLayout(design, s, /*full=*/false));
  LL_TRY(full, sharedLayout(design, s, /*full=*/true));
  LL_TRY(inv, full.invert());
  LL_TRY(storeAddr, s.compose(inv));
  LL_TRY(loadAddr, t.compose(inv));
  SharedPlan &sh = p.body.emplace<SharedPlan>();
  sh.layout = tile;
  sh.storeAddress = storeAddr;
  sh.loadAddress = loadAddr;
  sh.storeView = s;
  sh.loadView = t;
  sh.storeRegister = st.reg;
  sh.loadRegister = ld.reg;
  sh.storeAccess = st.kind;
  sh.loadAccess = ld.kind;
  sh.repBits = int(design.reps.size());
  sh.storeMasks = s.freeVariableMasks();
  int32_t sRegSkip = maskOf(sh.storeMasks, "register");
  int32_t sLaneSkip = maskOf(sh.storeMasks, "lane");
  int32_t dRegSkip = maskOf(t.freeVariableMasks(), "register");
  // Accesses are exactly as wide as the designed vector (stores may pack
  // source-only registers of the same bank word too).
  int vecBits = int(design.vec.size());
  ThreadOffsets so = threadOffsets(storeAddr, bitwidth, target, sRegSkip,
                                   vecBits + design.storeExtension);
  ThreadOffsets lo = threadOffsets(loadAddr, bitwidth, target, dRegSkip,
                                   vecBits + design.loadExtension);
  // A matrix instruction reads (writes) its rows whole: the row is the
  // vector, in order, and every other bit moves the address by rows. One
  // instruction serves 512 distinct elements of one round and one CTA: the
  // row and lane bits are independent, every lane takes part, and neither
  // moves the round or the block.
  auto fits = [&](const Access &a, const LinearLayout &addr,
                  const ThreadOffsets &o) {
    if (!a.rowBits)
      return true;
    if (int(o.vectorRegs.size()) != a.rowBits)
      return false;
    for (int k = 0; k < a.rowBits; ++k)
      if (o.vectorRegs[k] != k)
        return false;
    auto vc = columnsByDim(a.view);
    std::vector<uint64_t> instr(vc["register"].begin(),
                                vc["register"].begin() + a.rowBits);
    instr.insert(instr.end(), vc["lane"].begin(), vc["lane"].end());
    if (int(f2::Span(instr).basis().size()) != int(instr.size()) ||
        maskOf(a.view.freeVariableMasks(), "lane"))
      return false;
    int off = addr.outDimIndex("offset");
    int64_t low = (int64_t(1) << a.rowBits) - 1;
    for (int i = 0; i < addr.numInDims(); ++i)
      for (int b = 0; b < addr.inDimSizeLog2(i); ++b) {
        bool inInstr = (i == 0 && b < a.rowBits) || i == 1;
        for (int j = 0; j < addr.numOutDims(); ++j) {
          int64_t v = addr.basis(i, b, j);
          if (j == off ? !(i == 0 && b < a.rowBits) && (v & low)
                       : inInstr && v)
            return false;
        }
      }
    return true;
  };
  if (!fits(st, storeAddr, so) || !fits(ld, loadAddr, lo))
    return false;
  sh.store = countWavefronts(so.lane, sLaneSkip, 1 << so.vectorRegs.size(),
                             bitwidth, target);
  sh.load = countWavefronts(lo.lane, 0, 1 << lo.vectorRegs.size(), bitwidth,
                            target);
  int tileBits = int(design.vec.size() + design.bank.size() + design.seg.size());
  sh.scratchBytes = (int64_t(1) << tileBits) * std::max(1, bitwidth / 8);
  int sDistinct = int(s.inDimSize(0)) >> __builtin_popcount(uint32_t(sRegSkip));
  int dDistinct = regs >> __builtin_popcount(uint32_t(dRegSkip));
  p.cost = PlanCost();
  p.cost.sharedStores = sDistinct / sh.store.vectorElems;
  p.cost.sharedLoads = dDistinct / sh.load.vectorElems;
  p.cost.registerMoves =
      int64_t(sDistinct) * ((int64_t(1) << st.selectBits) - 1);
  p.cost.barriers = 2 * int64_t(sh.rounds()) - 1;
  p.cost.scratchBytes = sh.scratchBytes;
  p.cost.storeWavefronts = p.cost.sharedStores * sh.store.wavefronts;
  p.cost.loadWavefronts = p.cost.sharedLoads * sh.load.wavefronts;
  return true;
}

/// The register map of a side: in dims register, [lane,] matrix, element.
/// `regCols` / `laneCols` / `matCols` / `elemCols` are register indices
/// (as bit masks) of the side.
Expected<LinearLayout> registerMap(int32_t regs, bool withLane,
                                   const std::vector<int32_t> &regCols,
                                   const std::vector<int32_t> &laneCols,
                                   const std::vector<int32_t> &matCols,
                                   const std::vector<int32_t> &elemCols) {
  auto wrap = [](const std::vector<int32_t> &c) {
    std::vector<Basis> b;
    for (int32_t v : c)
      b.push_back({v});
    return b;
  };
  BasesList bl = {{"register", wrap(regCols)}};
  if (withLane)
    bl.push_back({"lane", wrap(laneCols)});
  bl.push_back({"matrix", wrap(matCols)});
  bl.push_back({"element", wrap(elemCols)});
  return LinearLayout::create(std::move(bl), DimSizes{{"register", regs}},
                              false);
}

/// ld/st.shared of `side`, with store rotation `g` (pairs lane bit j,
/// register bit b: lane j stores register r ^ b; see storeRotations).
Expected<Access> plainAccess(const LinearLayout &side, bool store,
                             const std::vector<std::pair<int, int>> &g) {
  int regBits = log2i(side.inDimSize(0));
  int laneBits = log2i(side.inDimSize(1));
  std::vector<int32_t> regCols, laneCols(laneBits, 0);
  for (int b = 0; b < regBits; ++b)
    regCols.push_back(int32_t(1) << b);
  auto cols = columnsByDim(side);
  for (auto [j, b] : g) {
    laneCols[j] = int32_t(1) << b;
    cols["lane"][j] = cols["register"][b];
    cols["register"][b] = 0;
  }
  Access a;
  LL_TRY(view, fromColumns(cols, side));
  LL_TRY(reg, registerMap(int32_t(side.inDimSize(0)), store, regCols,
                          laneCols, {}, {}));
  a.view = std::move(view);
  a.reg = std::move(reg);
  a.selectBits = int(g.size());
  return a;
}

/// The register bits of `side` holding distinct data (the first of
/// repeated bases), ascending: `own` where `other` does not hold the same
/// basis in a register, `held` where it does.
struct RegisterSplit {
  std::vector<int> own, held;
};
RegisterSplit splitRegisters(const LinearLayout &side,
                             const LinearLayout &other) {
  auto rc = columnsByDim(side)["register"];
  auto oc = columnsByDim(other)["register"];
  std::vector<uint64_t> indep = independentPrefix(rc);
  std::set<uint64_t> distinct(indep.begin(), indep.end());
  std::set<uint64_t> otherRegs(oc.begin(), oc.end()), seen;
  RegisterSplit r;
  for (int b = 0; b < int(rc.size()); ++b)
    if (distinct.count(rc[b]) && seen.insert(rc[b]).second)
      (otherRegs.count(rc[b]) ? r.held : r.own).push_back(b);
  return r;
}

/// ldmatrix / stmatrix (x4, m8n8) for `side`, or nullopt when the side
/// does not fit one: 32 lanes all holding distinct data, 8-, 16- or 32-bit
/// elements (.trans: 16-bit), and enough distinct registers for the
/// elements of a 32-bit word and the 4 matrices. The matrix registers are
/// taken from the ones `other` does not hold in registers (which could not
/// be the vector or rounds anyway), lowest first; the element registers
/// from those `other` does hold when `elemShared` (so that the row can be
/// in registers on both sides), else like the matrix ones. The view:
///   non-trans: registers [element bits, lane 0, lane 1, other registers],
///              lanes [lane 2, lane 3, lane 4, matrix bits];
///   trans:     registers [lane 2, lane 3, lane 4, other registers],
///              lanes [element bit, lane 0, lane 1, matrix bits],
/// which is how the instruction distributes a matrix: thread t holds the
/// word t % 4 of row t / 4 (trans: rows 2 (t % 4) + e, column t / 4).
/// With `lowMatrices` the matrix registers are the lowest free ones instead:
/// the four words of one instruction are then consecutive registers (the
/// operand words of an mma.sync, which must sit in adjacent registers).
Expected<std::optional<Access>> matrixAccess(const LinearLayout &side,
                                             const LinearLayout &other,
                                             int bitwidth, bool trans,
                                             bool store, bool elemShared,
                                             bool lowMatrices = false) {
  using Result = std::optional<Access>;
  if (side.inDimSize(1) != 32 || bitwidth > 32 || (trans && bitwidth != 16))
    return Result();
  auto cols = columnsByDim(side);
  auto &rc = cols["register"], &lc = cols["lane"];
  for (uint64_t l : lc)
    if (!l)
      return Result();
  auto [own, shared] = splitRegisters(side, other);
  int elemBits = log2i(32 / bitwidth);
  if (int(own.size() + shared.size()) < elemBits + 2 ||
      (elemShared && (elemBits == 0 || shared.empty())))
    return Result();
  std::vector<int> elem, mat;
  auto take = [&](std::vector<int> &into, int n, std::vector<int> order) {
    for (int b : order)
      if (int(into.size()) < n &&
          std::find(elem.begin(), elem.end(), b) == elem.end() &&
          std::find(mat.begin(), mat.end(), b) == mat.end())
        into.push_back(b);
  };
  std::vector<int> ownFirst = own;
  ownFirst.insert(ownFirst.end(), shared.rbegin(), shared.rend());
  std::vector<int> sharedFirst = shared;
  sharedFirst.insert(sharedFirst.end(), own.begin(), own.end());
  take(elem, elemBits, elemShared ? sharedFirst : ownFirst);
  std::vector<int> ascending(rc.size());
  for (int b = 0; b < int(rc.size()); ++b)
    ascending[b] = b;
  take(mat, 2, lowMatrices ? ascending : ownFirst);
  std::vector<int> rest;
  for (int b = 0; b < int(rc.size()); ++b)
    if (std::find(elem.begin(), elem.end(), b) == elem.end() &&
        std::find(mat.begin(), mat.end(), b) == mat.end())
      rest.push_back(b);
  std::vector<uint64_t> vr, vl;
  auto addRegs = [&](std::vector<uint64_t> &v, const std::vector<int> &bits) {
    for (int b : bits)
      v.push_back(rc[b]);
  };
  if (!trans) {
    addRegs(vr, elem);
    vr.insert(vr.end(), {lc[0], lc[1]});
    vl = {lc[2], lc[3], lc[4]};
  } else {
    vr = {lc[2], lc[3], lc[4]};
    addRegs(vl, elem);
    vl.insert(vl.end(), {lc[0], lc[1]});
  }
  int rowBits = int(vr.size());
  addRegs(vr, rest);
  addRegs(vl, mat);
  cols["register"] = vr;
  cols["lane"] = vl;
  Access a;
  LL_TRY(view, fromColumns(cols, side));
  std::vector<int32_t> regCols(rowBits, 0), matCols, elemCols;
  for (int b : rest)
    regCols.push_back(int32_t(1) << b);
  for (int b : mat)
    matCols.push_back(int32_t(1) << b);
  for (int b : elem)
    elemCols.push_back(int32_t(1) << b);
  LL_TRY(reg, registerMap(int32_t(side.inDimSize(0)), store, regCols,
                          std::vector<int32_t>(5, 0), matCols, elemCols));
  a.view = std::move(view);
  a.reg = std::move(reg);
  a.kind = trans ? AccessKind::MatrixTransposed : AccessKind::Matrix;
  a.rowBits = rowBits;
  return Result(std::move(a));
}

/// Rotated stores for a source replicated across lanes. Each choice pairs
/// free lane bits of `s` (lowest first: they share a wavefront) with
/// register bits holding distinct data that `t` does not hold in
/// registers (those are the vector and the rounds), in a few orders; the
/// caller keeps the cheapest. Pair (j, b): lane bit j takes register bit
/// b's basis, so lanes that held copies store different registers.
std::vector<std::vector<std::pair<int, int>>>
storeRotations(const LinearLayout &s, const LinearLayout &t) {
  auto sc = columnsByDim(s);
  std::vector<int> freeLanes;
  for (int j = 0; j < int(sc["lane"].size()); ++j)
    if (!sc["lane"][j])
      freeLanes.push_back(j);
  if (freeLanes.empty())
    return {};
  auto [own, held] = splitRegisters(s, t);
  std::vector<int> any = own; // register bits, ascending
  any.insert(any.end(), held.begin(), held.end());
  std::sort(any.begin(), any.end());
  std::vector<std::vector<int>> orders = {
      std::vector<int>(own.rbegin(), own.rend()), own,
      std::vector<int>(any.rbegin(), any.rend())};
  std::vector<std::vector<std::pair<int, int>>> out;
  for (auto &order : orders) {
    std::vector<std::pair<int, int>> g;
    for (size_t i = 0; i < freeLanes.size() && i < order.size(); ++i)
      g.push_back({freeLanes[i], order[i]});
    if (!g.empty() && std::find(out.begin(), out.end(), g) == out.end())
      out.push_back(std::move(g));
  }
  return out;
}

/// Shared-memory traffic of a plan in wavefront units per warp: one
/// shuffle moves a warp's worth of 32-bit words through the same crossbar.
int64_t weight(const ConversionPlan &p) {
  int64_t shuffleWf = std::max(1, p.target.warpSize * 4 / p.target.wavefrontBytes());
  int64_t w = p.cost.storeWavefronts + p.cost.loadWavefronts;
  return w + p.cost.shuffles * shuffleWf;
}

/// Fill the shared-memory part of `p` for storing layout `s` and loading
/// layout `t`. Candidates: ld/st.shared, rotated stores (storeRotations),
/// ldmatrix / stmatrix (+ .trans) where the target has them, and for
/// sub-word elements words filled from either side. The plain plan sets
/// the scratch budget; among the candidates within it the one with the
/// least traffic (weight) wins, then the least scratch, then the fewest
/// instructions.
Expected<bool> planShared(ConversionPlan &p, const LinearLayout &s,
                          const LinearLayout &t, const PlanOptions &options) {
  LL_TRY(plainSt, plainAccess(s, /*store=*/true, {}));
  LL_TRY(plainLd, plainAccess(t, /*store=*/false, {}));
  LL_TRY(ok, planSharedWith(p, plainSt, plainLd, false, options));
  if (!ok)
    return Error(ErrorKind::Unsupported, "no shared-memory plan");
  std::vector<Access> stores = {plainSt}, loads = {plainLd};
  for (auto &g : storeRotations(s, t)) {
    LL_TRY(a, plainAccess(s, true, g));
    stores.push_back(std::move(a));
  }
  for (bool trans : {false, true})
    for (bool elemShared : {false, true}) {
      if (p.target.stmatrix && options.matrixInstructions) {
        LL_TRY(a, matrixAccess(s, t, p.bitwidth, trans, true, elemShared));
        if (a)
          stores.push_back(std::move(*a));
      }
      if (p.target.ldmatrix && options.matrixInstructions) {
        LL_TRY(a, matrixAccess(t, s, p.bitwidth, trans, false, elemShared));
        if (a)
          loads.push_back(std::move(*a));
      }
    }
  // No bank conflicts where avoidable, then the least scratch, then the
  // fewest cycles (instructions, wavefronts, selects, barriers), then the
  // least traffic; given a scratch budget, the fewest cycles within it come
  // before the least scratch; with `trafficFirst`, the least traffic first
  // (the paper's objective).
  int warps = int(sizeOf(s, "warp"));
  bool budgeted = options.maxScratchBytes >= 0;
  // Bank conflicts are never traded: wavefronts over each access's minimum
  // come first (the paper's guarantee, conflict-free whenever its bound
  // allows, holds for whatever widths are chosen).
  auto conflictWavefronts = [](const ConversionPlan &x) {
    const SharedPlan &sh = *x.as<SharedPlan>();
    return x.cost.sharedStores * (sh.store.wavefronts - sh.store.minWavefronts) +
           x.cost.sharedLoads * (sh.load.wavefronts - sh.load.minWavefronts);
  };
  auto key = [&](const ConversionPlan &x) {
    int64_t cycles = estimateCycles(x.cost, x.target, warps);
    if (options.trafficFirst)
      return std::make_tuple(weight(x), x.scratchBytes(), cycles, int64_t(0));
    return std::make_tuple(conflictWavefronts(x),
                           budgeted ? cycles : x.scratchBytes(),
                           budgeted ? x.scratchBytes() : cycles, weight(x));
  };
  // The budget: the caller's, else the plain plan's (the least scratch
  // of the paper's algorithm). A plain plan over the caller's budget gives
  // way to any candidate within it.
  int64_t budget = budgeted ? options.maxScratchBytes : p.scratchBytes();
  bool fits = p.scratchBytes() <= budget;
  // Loads widen past a bank word by at most this many registers.
  int maxWide = std::max(0, log2i(std::max(1, p.target.maxAccessBits / 32)));
  for (size_t i = 0; i < stores.size(); ++i)
    for (size_t j = 0; j < loads.size(); ++j)
      for (int mode = 0; mode < 2 + 2 * maxWide; ++mode) {
        // mode 0: as designed; 1: sub-word words filled for the loads
        // (only below 32 bits); then loads widened by 1, 2, .. registers
        // only the destination holds (ld.shared loads only), then stores
        // by 1, 2, .. registers only the source holds (st.shared, not
        // rotated).
        bool pl = mode >= 1 && mode <= 1 + maxWide;
        int wide = mode < 2 ? 0 : mode <= 1 + maxWide ? mode - 1
                                                      : -(mode - 1 - maxWide);
        if ((i == 0 && j == 0 && mode == 0) ||
            (mode == 1 && p.bitwidth >= 32) || (wide > 0 && j != 0) ||
            (wide < 0 && i != 0))
          continue;
        ConversionPlan q = p;
        auto fit = planSharedWith(q, stores[i], loads[j], pl, options, wide);
        // A candidate that does not apply (its matrix row or rounds not
        // separable, no segment bases left: Unsupported) is skipped; any
        // other error is a bug and surfaces.
        if (!fit && fit.error().kind() != ErrorKind::Unsupported)
          return fit.error();
        if (!fit || !*fit)
          continue;
        bool qFits = q.scratchBytes() <= budget;
        if ((qFits && (!fits || key(q) < key(p))) ||
            (!qFits && !fits && q.scratchBytes() < p.scratchBytes())) {
          p = std::move(q);
          fits = qFits;
        }
      }
  return true;
}

/// `side` with its register bases swapped for lane bases so that its
/// registers hold `want` (the other side's lowest distinct registers);
/// nullopt when some wanted basis is not a lane basis of `side`.
Expected<std::optional<LinearLayout>>
swapIntoRegisters(const LinearLayout &side, const std::vector<uint64_t> &want) {
  using Result = std::optional<LinearLayout>;
  std::set<uint64_t> keep(want.begin(), want.end());
  auto cols = columnsByDim(side);
  auto &regs = cols["register"];
  auto &lanes = cols["lane"];
  for (uint64_t v : want) {
    if (std::find(regs.begin(), regs.end(), v) != regs.end())
      continue;
    auto li = std::find(lanes.begin(), lanes.end(), v);
    if (li == lanes.end())
      return Result();
    // Give up the lowest register basis the wanted vector does not contain.
    auto ri = std::find_if(regs.begin(), regs.end(),
                           [&](uint64_t r) { return r && !keep.count(r); });
    if (ri == regs.end())
      return Result();
    std::swap(*ri, *li);
  }
  // A permutation of the side's bases: always a layout.
  LL_TRY(r, fromColumns(cols, side));
  return Result(std::move(r));
}

/// The plan that goes through shared memory between `s` and an intermediate
/// layout sharing a bank word with `s` (before = false: the exchange runs
/// after the load) or with `t` (before = true: before the store).
Expected<std::optional<ConversionPlan>>
tryExchange(const ConversionPlan &base, const LinearLayout &s,
            const LinearLayout &t, bool before, const PlanOptions &options) {
  using Result = std::optional<ConversionPlan>;
  int wordElems = 32 / base.bitwidth;
  int wantBits = log2i(wordElems);
  const SharedPlan &baseShared = *base.as<SharedPlan>();
  const AccessInfo &narrow = before ? baseShared.store : baseShared.load;
  if (narrow.vectorElems >= wordElems)
    return Result();
  const LinearLayout &wide = before ? t : s;   // keeps its layout
  const LinearLayout &moved = before ? s : t; // gets an intermediate
  std::vector<uint64_t> want = independentPrefix(columnsByDim(wide)["register"]);
  if (int(want.size()) < wantBits)
    return Result();
  want.resize(wantBits);
  LL_TRY(mid, swapIntoRegisters(moved, want));
  if (!mid)
    return Result();
  PlanOptions sub = options;
  sub.noExchange = true;
  sub.forceShared = false;
  sub.sharedByCycles = false; // the exchange stays in registers
  auto ex = before ? planConversion(s, *mid, base.bitwidth, base.target, sub)
                   : planConversion(*mid, t, base.bitwidth, base.target, sub);
  // An exchange that cannot be planned (Unsupported) is no candidate; any
  // other error is a bug and surfaces.
  if (!ex && ex.error().kind() != ErrorKind::Unsupported)
    return ex.error();
  if (!ex || (ex->kind() != ConversionKind::Shuffle &&
              ex->kind() != ConversionKind::Registers))
    return Result();
  ConversionPlan p;
  p.bitwidth = base.bitwidth;
  p.target = base.target;
  p.src = s;
  p.dst = t;
  LL_TRY(ok, before ? planShared(p, *mid, t, options)
                    : planShared(p, s, *mid, options));
  (void)ok;
  if (p.scratchBytes() > base.scratchBytes())
    return Result();
  p.cost.shuffles += ex->cost.shuffles;
  p.cost.registerMoves += ex->cost.registerMoves;
  SharedPlan &sh = *p.as<SharedPlan>();
  sh.exchange = std::make_shared<const ConversionPlan>(std::move(*ex));
  sh.exchangeBefore = before;
  return Result(std::move(p));
}

} // namespace detail

Expected<std::optional<MatrixLoad>>
planMatrixLoad(const LinearLayout &dst, const LinearLayout &memInverse,
               int bitwidth) {
  using Result = std::optional<MatrixLoad>;
  // (the element registers first from the lowest register bits, then from
  // the highest: whichever makes rows of the buffer; the matrices from the
  // lowest registers left, where they make rows, so that an instruction's
  // words are consecutive registers, as a dot's operands take them)
  for (auto [trans, elemShared, low] :
       {std::tuple{false, true, true}, {false, false, true},
        {true, true, true}, {true, false, true}, {false, true, false},
        {false, false, false}, {true, true, false}, {true, false, false}}) {
    LL_TRY(a, matrixAccess(dst, dst, bitwidth, trans, /*store=*/false,
                           elemShared, low));
    if (!a)
      continue;
    LL_TRY(address, a->view.compose(memInverse));
    // A row: view registers [0, rowBits) step 1, 2, 4, ... elements; every
    // other basis keeps rows on 16-byte boundaries.
    int row = 1 << a->rowBits, o = address.outDimIndex("offset");
    bool ok = o >= 0;
    for (int i = 0; ok && i < address.numInDims(); ++i)
      for (int b = 0; ok && b < address.inDimSizeLog2(i); ++b) {
        int32_t v = address.basis(i, b, o);
        ok = (i == 0 && b < a->rowBits) ? v == (1 << b) : v % row == 0;
        for (int d = 0; ok && d < address.numOutDims(); ++d)
          ok = d == o || !address.basis(i, b, d); // (one CTA's buffer)
      }
    if (!ok)
      continue;
    MatrixLoad m;
    m.address = std::move(address);
    m.reg = std::move(a->reg);
    m.rowBits = a->rowBits;
    m.trans = trans;
    return Result(std::move(m));
  }
  return Result();
}

} // namespace ll
