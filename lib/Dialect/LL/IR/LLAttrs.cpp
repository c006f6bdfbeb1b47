//===- LLAttrs.cpp - Layout attributes of the ll dialect ------------------===//
//
// Parsing and printing in Triton's syntax (`<{key = value, ...}>`), the
// bridge to the core's layout families (getEncoding), and verification,
// which asks the core: parameters a family rejects are diagnostics here.
//
//===----------------------------------------------------------------------===//

#include "linear_layouts/Dialect/LL/IR/LLDialect.h"
#include "linear_layouts/Core/Encodings.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::ll;

//===----------------------------------------------------------------------===//
// A small parser for `{key = value, ...}` with ints, bools, nested int lists
// and attributes as values.
//===----------------------------------------------------------------------===//

namespace {

struct Param {
  enum Kind { Int, Bool, List, Attr } kind = Int;
  int64_t i = 0;
  bool b = false;
  std::vector<Param> list;
  Attribute attr;
  SMLoc loc;
};

constexpr int kMaxAttrNesting = 64;

ParseResult parseParam(AsmParser &p, Param &out, int depth = 0) {
  out.loc = p.getCurrentLocation();
  if (depth > 8)
    return p.emitError(out.loc, "lists nest too deeply");
  if (succeeded(p.parseOptionalLSquare())) {
    out.kind = Param::List;
    if (succeeded(p.parseOptionalRSquare()))
      return success();
    do {
      Param elt;
      if (parseParam(p, elt, depth + 1))
        return failure();
      out.list.push_back(std::move(elt));
    } while (succeeded(p.parseOptionalComma()));
    return p.parseRSquare();
  }
  // Booleans first: parseOptionalInteger also reads `true` (as i1).
  if (succeeded(p.parseOptionalKeyword("true"))) {
    out.kind = Param::Bool;
    out.b = true;
    return success();
  }
  if (succeeded(p.parseOptionalKeyword("false"))) {
    out.kind = Param::Bool;
    out.b = false;
    return success();
  }
  int64_t v;
  OptionalParseResult r = p.parseOptionalInteger(v);
  if (r.has_value()) {
    if (failed(*r))
      return failure();
    out.kind = Param::Int;
    out.i = v;
    return success();
  }
  out.kind = Param::Attr;
  // A `parent = #ll.slice<...>` parses its own parameters recursively: bound
  // the nesting so that 10,000 nested slices are a diagnostic, not a stack
  // overflow.
  static thread_local int attrDepth = 0;
  if (attrDepth >= kMaxAttrNesting)
    return p.emitError(out.loc, "layout attributes nest too deeply (more "
                                "than ")
           << kMaxAttrNesting << " levels)";
  ++attrDepth;
  ParseResult parsed = p.parseAttribute(out.attr);
  --attrDepth;
  if (failed(parsed))
    return failure();
  // `true` / `false` and typed integers arrive as builtin attributes.
  if (auto b = dyn_cast<BoolAttr>(out.attr)) {
    out.kind = Param::Bool;
    out.b = b.getValue();
  } else if (auto i = dyn_cast<IntegerAttr>(out.attr)) {
    out.kind = Param::Int;
    out.i = i.getValue().getSExtValue();
  }
  return success();
}

/// Parsed `{key = value, ...}`, with typed accessors that report errors at
/// the value's location and remember which keys were used.
struct Params {
  AsmParser &p;
  llvm::StringMap<Param> map;
  llvm::StringSet<> used;
  SMLoc loc;

  explicit Params(AsmParser &p) : p(p) {}

  ParseResult parseDict() {
    loc = p.getCurrentLocation();
    if (p.parseLBrace())
      return failure();
    if (succeeded(p.parseOptionalRBrace()))
      return success();
    do {
      std::string key;
      SMLoc kloc = p.getCurrentLocation();
      if (p.parseKeywordOrString(&key) || p.parseEqual())
        return failure();
      Param v;
      if (parseParam(p, v))
        return failure();
      if (!map.try_emplace(key, std::move(v)).second)
        return p.emitError(kloc, "duplicate key '") << key << "'";
    } while (succeeded(p.parseOptionalComma()));
    return p.parseRBrace();
  }

  const Param *find(StringRef key) {
    auto it = map.find(key);
    if (it == map.end())
      return nullptr;
    used.insert(key);
    return &it->second;
  }

  /// `[[..], [..]]` flattened; `rank` is set from the first basis, or checked
  /// against it when already known (>= 0).
  FailureOr<SmallVector<int32_t>> getBases(StringRef key, int &rank,
                                           bool required) {
    const Param *v = find(key);
    if (!v) {
      if (!required)
        return SmallVector<int32_t>();
      return p.emitError(loc, "expected the bases of '") << key << "'";
    }
    if (v->kind != Param::List)
      return p.emitError(v->loc, "'") << key << "' must be a list of bases";
    SmallVector<int32_t> flat;
    for (const Param &b : v->list) {
      if (b.kind != Param::List)
        return p.emitError(b.loc, "each basis of '")
               << key << "' must be a list of integers";
      if (rank < 0)
        rank = int(b.list.size());
      if (int(b.list.size()) != rank)
        return p.emitError(b.loc, "every basis must have ")
               << rank << " components (the tensor rank)";
      for (const Param &c : b.list) {
        if (c.kind != Param::Int || c.i < 0 || c.i > (int64_t(1) << 30))
          return p.emitError(c.loc, "basis components must be integers in "
                                    "[0, 2^30]");
        flat.push_back(int32_t(c.i));
      }
    }
    return flat;
  }

  /// Every key, decoded by the core's one decoder of Triton's layout
  /// parameters (ll::makeEncoding, which the Python bindings use too): the
  /// family's keys, defaults, CTA parameters. Its errors are diagnostics at
  /// the dictionary.
  FailureOr<::ll::EncodingPtr> decode(StringRef family, int rank = -1) {
    ::ll::ParamMap m;
    for (auto &kv : map) {
      used.insert(kv.getKey());
      m[kv.getKey().str()] = toCore(kv.getValue());
    }
    auto e = ::ll::makeEncoding(family.str(), m, rank);
    if (!e)
      return p.emitError(loc, "#ll.") << e.error().message();
    return *e;
  }

  /// A CTA layout as the attributes store it: flattened block bases (the
  /// legacy CTAsPerCGA / CTASplitNum / CTAOrder converted).
  FailureOr<SmallVector<int32_t>> flatCga(const ::ll::CGALayout &c, int rank) {
    SmallVector<int32_t> flat;
    if (c.blockBases) {
      for (const ::ll::Basis &b : *c.blockBases)
        flat.append(b.begin(), b.end());
      return flat;
    }
    // (A family's rank is the length of one of its lists, e.g. `order`: an
    // empty one leaves no dimension to place the CTAs in.)
    if (rank < 1)
      return p.emitError(loc, "a layout of rank 0 (empty parameter lists)");
    auto l = c.toLinearLayout(rank);
    if (!l)
      return p.emitError(loc, l.error().message());
    if (l->numInDims() == 0)
      return flat;
    for (const ::ll::Basis &b : l->bases(0))
      flat.append(b.begin(), b.end());
    return flat;
  }

  static ::ll::Param toCore(const Param &v) {
    switch (v.kind) {
    case Param::Int:
      return ::ll::Param::integer(v.i);
    case Param::Bool:
      return ::ll::Param::boolean(v.b);
    case Param::List: {
      std::vector<::ll::Param> l;
      for (const Param &x : v.list)
        l.push_back(toCore(x));
      return ::ll::Param::ofList(std::move(l));
    }
    case Param::Attr:
      break;
    }
    auto e = dyn_cast_or_null<LayoutEncodingInterface>(v.attr);
    return ::ll::Param::ofLayout(e ? e.getEncoding() : nullptr);
  }

  ParseResult checkAllUsed() {
    for (auto &kv : map)
      if (!used.contains(kv.getKey()))
        return p.emitError(kv.getValue().loc, "unexpected key '")
               << kv.getKey() << "'";
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Printing helpers
//===----------------------------------------------------------------------===//

void printList(AsmPrinter &p, ArrayRef<unsigned> v) {
  p << "[";
  llvm::interleaveComma(v, p);
  p << "]";
}

void printBases(AsmPrinter &p, ArrayRef<int32_t> flat, unsigned rank) {
  p << "[";
  for (size_t i = 0; rank && i < flat.size() / rank; ++i) {
    if (i)
      p << ", ";
    p << "[";
    llvm::interleaveComma(flat.slice(i * rank, rank), p);
    p << "]";
  }
  p << "]";
}

void printCga(AsmPrinter &p, ArrayRef<int32_t> cga, unsigned rank) {
  if (cga.empty())
    return;
  p << ", CGALayout = ";
  printBases(p, cga, rank);
}

//===----------------------------------------------------------------------===//
// Core bridge helpers
//===----------------------------------------------------------------------===//

std::vector<::ll::Basis> unflatten(ArrayRef<int32_t> flat, unsigned rank) {
  std::vector<::ll::Basis> r;
  for (size_t i = 0; rank && i < flat.size() / rank; ++i)
    r.emplace_back(flat.begin() + i * rank, flat.begin() + (i + 1) * rank);
  return r;
}

::ll::UVec uvec(ArrayRef<unsigned> v) {
  return ::ll::UVec(v.begin(), v.end());
}

SmallVector<unsigned> ulist(const ::ll::UVec &v) {
  return SmallVector<unsigned>(v.begin(), v.end());
}

::ll::CGALayout cgaOf(ArrayRef<int32_t> flat, unsigned rank) {
  return ::ll::CGALayout::fromBases(unflatten(flat, rank));
}

std::vector<std::string> dimNames(unsigned rank) {
  return ::ll::standardOutDimNames(int(rank));
}

::ll::Expected<::ll::LinearLayout>
basesLayout(std::initializer_list<std::pair<const char *, ArrayRef<int32_t>>>
                dims,
            unsigned rank) {
  ::ll::BasesList bl;
  for (auto &[name, flat] : dims)
    bl.push_back({name, unflatten(flat, rank)});
  return ::ll::LinearLayout::create(std::move(bl), dimNames(rank),
                                    /*requireSurjective=*/true);
}

/// Parent attributes of slice / dot_op must be distributed layouts.
LayoutEncodingInterface asDistributed(Attribute a) {
  auto e = dyn_cast_or_null<LayoutEncodingInterface>(a);
  return e && !e.isSharedLayout() ? e : nullptr;
}

/// A shape the family's parameters can be checked on without a tensor:
/// 256 per dimension, fewer at high rank so the whole stays within the
/// core's 2^30 elements (a rank-7 reshape of tl.sort is ordinary).
::ll::Shape probeShape(unsigned rank) {
  unsigned log2 = std::min<unsigned>(8, ::ll::kMaxDimLog2 / std::max(1u, rank));
  return ::ll::Shape(rank, int64_t(1) << log2);
}

::ll::Shape probeShape(LayoutEncodingInterface e) {
  return probeShape(e.getLayoutRank());
}

/// Verify an encoding through the core on a probe shape.
LogicalResult verifyThroughCore(function_ref<InFlightDiagnostic()> emitError,
                                ::ll::EncodingPtr enc, ::ll::Shape shape,
                                StringRef family) {
  if (!enc)
    return emitError() << "#ll." << family << ": malformed parameters";
  auto r = enc->toLinearLayout(shape);
  if (!r)
    return emitError() << "#ll." << family << ": " << r.error().message();
  return success();
}

LogicalResult verifyRankedCga(function_ref<InFlightDiagnostic()> emitError,
                              ArrayRef<int32_t> cga, unsigned rank) {
  if (rank == 0 || cga.size() % rank != 0)
    return emitError() << "CGALayout bases must have " << rank
                       << " components each";
  return success();
}

} // namespace

//===----------------------------------------------------------------------===//
// #ll.linear / #ll.shared
//===----------------------------------------------------------------------===//

static SmallVector<int32_t> flatBases(const ::ll::LinearLayout &l,
                                      const char *dim) {
  SmallVector<int32_t> flat;
  int i = l.inDimIndex(dim);
  if (i < 0)
    return flat;
  for (const ::ll::Basis &b : l.bases(i))
    flat.append(b.begin(), b.end());
  return flat;
}

LinearAttr LinearAttr::get(MLIRContext *ctx, const ::ll::LinearLayout &l) {
  return get(ctx, l.numOutDims(), flatBases(l, "register"),
             flatBases(l, "lane"), flatBases(l, "warp"), flatBases(l, "block"));
}

SharedAttr SharedAttr::get(MLIRContext *ctx, const ::ll::LinearLayout &l) {
  return get(ctx, l.numOutDims(), flatBases(l, "offset"),
             flatBases(l, "block"));
}

Attribute LinearAttr::parse(AsmParser &p, Type) {
  Params ps(p);
  if (p.parseLess() || ps.parseDict() || p.parseGreater())
    return {};
  int rank = -1;
  auto reg = ps.getBases("register", rank, true);
  auto lane = ps.getBases("lane", rank, true);
  auto warp = ps.getBases("warp", rank, true);
  auto block = ps.getBases("block", rank, true);
  if (failed(reg) || failed(lane) || failed(warp) || failed(block) ||
      ps.checkAllUsed())
    return {};
  if (rank <= 0) {
    p.emitError(ps.loc, "#ll.linear needs at least one basis (the rank "
                        "comes from the bases)");
    return {};
  }
  return getChecked([&] { return p.emitError(ps.loc); }, p.getContext(),
                    unsigned(rank), *reg, *lane, *warp, *block);
}

void LinearAttr::print(AsmPrinter &p) const {
  p << "<{register = ";
  printBases(p, getRegisterBases(), getRank());
  p << ", lane = ";
  printBases(p, getLaneBases(), getRank());
  p << ", warp = ";
  printBases(p, getWarpBases(), getRank());
  p << ", block = ";
  printBases(p, getBlockBases(), getRank());
  p << "}>";
}

LogicalResult LinearAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 unsigned rank, ArrayRef<int32_t> reg,
                                 ArrayRef<int32_t> lane, ArrayRef<int32_t> warp,
                                 ArrayRef<int32_t> block) {
  if (rank == 0)
    return emitError() << "#ll.linear needs a rank >= 1";
  for (ArrayRef<int32_t> f : {reg, lane, warp, block}) {
    if (f.size() % rank)
      return emitError() << "#ll.linear bases must have " << rank
                         << " components each";
    for (size_t i = 0; i < f.size(); i += rank)
      if (llvm::count_if(f.slice(i, rank), [](int32_t x) { return x; }) > 1)
        return emitError() << "#ll.linear: in a distributed layout, each "
                              "basis must move at most one dim";
  }
  auto l = basesLayout(
      {{"register", reg}, {"lane", lane}, {"warp", warp}, {"block", block}},
      rank);
  if (!l)
    return emitError() << "#ll.linear: " << l.error().message();
  return success();
}

::ll::EncodingPtr LinearAttr::getEncoding() const {
  auto l = basesLayout({{"register", getRegisterBases()},
                        {"lane", getLaneBases()},
                        {"warp", getWarpBases()},
                        {"block", getBlockBases()}},
                       getRank());
  if (!l)
    return nullptr;
  auto e = std::make_shared<::ll::LinearEncoding>();
  e->layout = std::move(*l);
  return e;
}

Attribute SharedAttr::parse(AsmParser &p, Type) {
  Params ps(p);
  if (p.parseLess() || ps.parseDict() || p.parseGreater())
    return {};
  int rank = -1;
  auto off = ps.getBases("offset", rank, true);
  auto block = ps.getBases("block", rank, false);
  if (failed(off) || failed(block) || ps.checkAllUsed())
    return {};
  if (rank <= 0) {
    p.emitError(ps.loc, "#ll.shared needs at least one basis");
    return {};
  }
  return getChecked([&] { return p.emitError(ps.loc); }, p.getContext(),
                    unsigned(rank), *off, *block);
}

void SharedAttr::print(AsmPrinter &p) const {
  p << "<{offset = ";
  printBases(p, getOffsetBases(), getRank());
  p << ", block = ";
  printBases(p, getBlockBases(), getRank());
  p << "}>";
}

LogicalResult SharedAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 unsigned rank, ArrayRef<int32_t> off,
                                 ArrayRef<int32_t> block) {
  if (rank == 0 || off.size() % rank || block.size() % rank)
    return emitError() << "#ll.shared bases must have the same number of "
                          "components (the rank, >= 1)";
  auto l = basesLayout({{"offset", off}, {"block", block}}, rank);
  if (!l)
    return emitError() << "#ll.shared: " << l.error().message();
  ::ll::SharedLinearEncoding e;
  e.layout = *l;
  ::ll::Shape shape;
  for (int d = 0; d < l->numOutDims(); ++d)
    shape.push_back(l->outDimSize(d));
  if (auto r = e.toLinearLayout(shape); !r)
    return emitError() << "#ll.shared: " << r.error().message();
  return success();
}

::ll::EncodingPtr SharedAttr::getEncoding() const {
  auto l = basesLayout({{"offset", getOffsetBases()}, {"block", getBlockBases()}},
                       getRank());
  if (!l)
    return nullptr;
  auto e = std::make_shared<::ll::SharedLinearEncoding>();
  e->layout = std::move(*l);
  return e;
}

//===----------------------------------------------------------------------===//
// #ll.blocked
//===----------------------------------------------------------------------===//

Attribute BlockedAttr::parse(AsmParser &p, Type) {
  Params ps(p);
  if (p.parseLess() || ps.parseDict() || p.parseGreater())
    return {};
  auto enc = ps.decode("blocked");
  if (failed(enc))
    return {};
  auto &e = static_cast<const ::ll::BlockedEncoding &>(**enc);
  auto cga = ps.flatCga(e.cga, e.rank());
  if (failed(cga))
    return {};
  return getChecked([&] { return p.emitError(ps.loc); }, p.getContext(),
                    ulist(e.sizePerThread), ulist(e.threadsPerWarp),
                    ulist(e.warpsPerCTA), ulist(e.order), *cga);
}

void BlockedAttr::print(AsmPrinter &p) const {
  p << "<{sizePerThread = ";
  printList(p, getSizePerThread());
  p << ", threadsPerWarp = ";
  printList(p, getThreadsPerWarp());
  p << ", warpsPerCTA = ";
  printList(p, getWarpsPerCTA());
  p << ", order = ";
  printList(p, getOrder());
  printCga(p, getCgaBases(), getOrder().size());
  p << "}>";
}

static ::ll::EncodingPtr blockedEncoding(ArrayRef<unsigned> spt,
                                         ArrayRef<unsigned> tpw,
                                         ArrayRef<unsigned> wpc,
                                         ArrayRef<unsigned> order,
                                         ArrayRef<int32_t> cga) {
  auto e = std::make_shared<::ll::BlockedEncoding>();
  e->sizePerThread = uvec(spt);
  e->threadsPerWarp = uvec(tpw);
  e->warpsPerCTA = uvec(wpc);
  e->order = uvec(order);
  e->cga = cgaOf(cga, order.size());
  return e;
}

LogicalResult BlockedAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                  ArrayRef<unsigned> spt, ArrayRef<unsigned> tpw,
                                  ArrayRef<unsigned> wpc,
                                  ArrayRef<unsigned> order,
                                  ArrayRef<int32_t> cga) {
  if (order.empty())
    return emitError() << "#ll.blocked needs rank >= 1";
  if (!cga.empty() && failed(verifyRankedCga(emitError, cga, order.size())))
    return failure();
  return verifyThroughCore(emitError,
                           blockedEncoding(spt, tpw, wpc, order, cga),
                           probeShape(order.size()), "blocked");
}

::ll::EncodingPtr BlockedAttr::getEncoding() const {
  return blockedEncoding(getSizePerThread(), getThreadsPerWarp(),
                         getWarpsPerCTA(), getOrder(), getCgaBases());
}

//===----------------------------------------------------------------------===//
// #ll.slice and #ll.dot_op (layouts with a parent)
//===----------------------------------------------------------------------===//

Attribute SliceAttr::parse(AsmParser &p, Type) {
  Params ps(p);
  if (p.parseLess() || ps.parseDict() || p.parseGreater())
    return {};
  auto enc = ps.decode("slice");
  if (failed(enc))
    return {};
  auto &e = static_cast<const ::ll::SliceEncoding &>(**enc);
  return getChecked([&] { return p.emitError(ps.loc); }, p.getContext(),
                    unsigned(e.dim), ps.map.find("parent")->second.attr);
}

void SliceAttr::print(AsmPrinter &p) const {
  p << "<{dim = " << getDim() << ", parent = ";
  p.printAttribute(getParent());
  p << "}>";
}

LogicalResult SliceAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                unsigned dim, Attribute parent) {
  auto par = asDistributed(parent);
  if (!par)
    return emitError() << "#ll.slice: the parent must be a distributed ll "
                          "layout";
  if (par.getLayoutRank() < 2)
    return emitError() << "#ll.slice: the parent must have rank >= 2";
  if (dim >= par.getLayoutRank())
    return emitError() << "#ll.slice: dim " << dim
                       << " is out of range for a rank " << par.getLayoutRank()
                       << " parent";
  return success();
}

::ll::EncodingPtr SliceAttr::getEncoding() const {
  auto par = asDistributed(getParent());
  if (!par)
    return nullptr;
  auto e = std::make_shared<::ll::SliceEncoding>();
  e->dim = int(getDim());
  e->parent = par.getEncoding();
  return e->parent ? e : nullptr;
}

Attribute DotOperandAttr::parse(AsmParser &p, Type) {
  Params ps(p);
  if (p.parseLess() || ps.parseDict() || p.parseGreater())
    return {};
  auto enc = ps.decode("dot_op");
  if (failed(enc))
    return {};
  auto &e = static_cast<const ::ll::DotOperandEncoding &>(**enc);
  return getChecked([&] { return p.emitError(ps.loc); }, p.getContext(),
                    unsigned(e.opIdx), ps.map.find("parent")->second.attr,
                    unsigned(e.kWidth));
}

void DotOperandAttr::print(AsmPrinter &p) const {
  p << "<{opIdx = " << getOpIdx() << ", parent = ";
  p.printAttribute(getParent());
  if (getKWidth())
    p << ", kWidth = " << getKWidth();
  p << "}>";
}

static ::ll::EncodingPtr dotEncoding(unsigned op, Attribute parent,
                                     unsigned kWidth) {
  auto par = asDistributed(parent);
  if (!par)
    return nullptr;
  auto e = std::make_shared<::ll::DotOperandEncoding>();
  e->opIdx = int(op);
  e->parent = par.getEncoding();
  e->kWidth = int(kWidth);
  return e->parent ? e : nullptr;
}

LogicalResult
DotOperandAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                       unsigned op, Attribute parent, unsigned kWidth) {
  auto par = asDistributed(parent);
  if (!par || !isa<BlockedAttr, NvidiaMmaAttr, AmdMfmaAttr, AmdWmmaAttr>(parent))
    return emitError() << "#ll.dot_op: the parent must be #ll.blocked, "
                          "#ll.nvidia_mma, #ll.amd_mfma or #ll.amd_wmma";
  return verifyThroughCore(emitError, dotEncoding(op, parent, kWidth),
                           probeShape(par), "dot_op");
}

::ll::EncodingPtr DotOperandAttr::getEncoding() const {
  return dotEncoding(getOpIdx(), getParent(), getKWidth());
}

//===----------------------------------------------------------------------===//
// #ll.nvidia_mma, #ll.amd_mfma, #ll.amd_wmma
//===----------------------------------------------------------------------===//

Attribute NvidiaMmaAttr::parse(AsmParser &p, Type) {
  Params ps(p);
  if (p.parseLess() || ps.parseDict() || p.parseGreater())
    return {};
  auto enc = ps.decode("nvidia_mma");
  if (failed(enc))
    return {};
  auto &e = static_cast<const ::ll::NvidiaMmaEncoding &>(**enc);
  auto cga = ps.flatCga(e.cga, e.rank());
  if (failed(cga))
    return {};
  return getChecked([&] { return p.emitError(ps.loc); }, p.getContext(),
                    unsigned(e.versionMajor), unsigned(e.versionMinor),
                    ulist(e.warpsPerCTA), ulist(e.instrShape), *cga);
}

void NvidiaMmaAttr::print(AsmPrinter &p) const {
  p << "<{versionMajor = " << getVersionMajor()
    << ", versionMinor = " << getVersionMinor() << ", warpsPerCTA = ";
  printList(p, getWarpsPerCTA());
  printCga(p, getCgaBases(), getWarpsPerCTA().size());
  p << ", instrShape = ";
  printList(p, getInstrShape());
  p << "}>";
}

static ::ll::EncodingPtr mmaEncoding(unsigned major, unsigned minor,
                                     ArrayRef<unsigned> wpc,
                                     ArrayRef<unsigned> instr,
                                     ArrayRef<int32_t> cga) {
  auto e = std::make_shared<::ll::NvidiaMmaEncoding>();
  e->versionMajor = int(major);
  e->versionMinor = int(minor);
  e->warpsPerCTA = uvec(wpc);
  e->instrShape = uvec(instr);
  e->cga = cgaOf(cga, wpc.size());
  return e;
}

LogicalResult NvidiaMmaAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                    unsigned major, unsigned minor,
                                    ArrayRef<unsigned> wpc,
                                    ArrayRef<unsigned> instr,
                                    ArrayRef<int32_t> cga) {
  if (wpc.size() < 2)
    return emitError() << "#ll.nvidia_mma needs rank >= 2";
  if (!cga.empty() && failed(verifyRankedCga(emitError, cga, wpc.size())))
    return failure();
  return verifyThroughCore(emitError, mmaEncoding(major, minor, wpc, instr, cga),
                           probeShape(wpc.size()), "nvidia_mma");
}

::ll::EncodingPtr NvidiaMmaAttr::getEncoding() const {
  return mmaEncoding(getVersionMajor(), getVersionMinor(), getWarpsPerCTA(),
                     getInstrShape(), getCgaBases());
}

Attribute AmdMfmaAttr::parse(AsmParser &p, Type) {
  Params ps(p);
  if (p.parseLess() || ps.parseDict() || p.parseGreater())
    return {};
  auto enc = ps.decode("amd_mfma");
  if (failed(enc))
    return {};
  auto &e = static_cast<const ::ll::AmdMfmaEncoding &>(**enc);
  auto cga = ps.flatCga(e.cga, e.rank());
  if (failed(cga))
    return {};
  return getChecked([&] { return p.emitError(ps.loc); }, p.getContext(),
                    unsigned(e.version), ulist(e.warpsPerCTA),
                    ulist(e.instrShape), e.isTransposed, ulist(e.tilesPerWarp),
                    unsigned(e.elementBitWidth), *cga);
}

void AmdMfmaAttr::print(AsmPrinter &p) const {
  p << "<{version = " << getVersion() << ", warpsPerCTA = ";
  printList(p, getWarpsPerCTA());
  p << ", instrShape = ";
  printList(p, getInstrShape());
  p << ", isTransposed = " << (getIsTransposed() ? "true" : "false");
  printCga(p, getCgaBases(), getWarpsPerCTA().size());
  if (llvm::any_of(getTilesPerWarp(), [](unsigned t) { return t != 1; })) {
    p << ", tilesPerWarp = ";
    printList(p, getTilesPerWarp());
  }
  if (getElementBitWidth() != 32)
    p << ", elementBitWidth = " << getElementBitWidth();
  p << "}>";
}

static ::ll::EncodingPtr mfmaEncoding(unsigned version, ArrayRef<unsigned> wpc,
                                      ArrayRef<unsigned> instr, bool tr,
                                      ArrayRef<unsigned> tiles, unsigned ebw,
                                      ArrayRef<int32_t> cga) {
  auto e = std::make_shared<::ll::AmdMfmaEncoding>();
  e->version = int(version);
  e->warpsPerCTA = uvec(wpc);
  e->instrShape = uvec(instr);
  e->isTransposed = tr;
  e->tilesPerWarp = uvec(tiles);
  e->elementBitWidth = int(ebw);
  e->cga = cgaOf(cga, wpc.size());
  return e;
}

LogicalResult AmdMfmaAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                  unsigned version, ArrayRef<unsigned> wpc,
                                  ArrayRef<unsigned> instr, bool tr,
                                  ArrayRef<unsigned> tiles, unsigned ebw,
                                  ArrayRef<int32_t> cga) {
  if (wpc.size() < 2)
    return emitError() << "#ll.amd_mfma needs rank 2 or 3";
  if (!cga.empty() && failed(verifyRankedCga(emitError, cga, wpc.size())))
    return failure();
  return verifyThroughCore(emitError,
                           mfmaEncoding(version, wpc, instr, tr, tiles, ebw, cga),
                           probeShape(wpc.size()), "amd_mfma");
}

::ll::EncodingPtr AmdMfmaAttr::getEncoding() const {
  return mfmaEncoding(getVersion(), getWarpsPerCTA(), getInstrShape(),
                      getIsTransposed(), getTilesPerWarp(),
                      getElementBitWidth(), getCgaBases());
}

Attribute AmdWmmaAttr::parse(AsmParser &p, Type) {
  Params ps(p);
  if (p.parseLess() || ps.parseDict() || p.parseGreater())
    return {};
  auto enc = ps.decode("amd_wmma");
  if (failed(enc))
    return {};
  auto &e = static_cast<const ::ll::AmdWmmaEncoding &>(**enc);
  auto cga = ps.flatCga(e.cga, e.rank());
  if (failed(cga))
    return {};
  return getChecked([&] { return p.emitError(ps.loc); }, p.getContext(),
                    unsigned(e.version), e.isTransposed, ulist(e.warpsPerCTA),
                    ulist(e.instrShape), ulist(e.tilesPerWarp), *cga);
}

void AmdWmmaAttr::print(AsmPrinter &p) const {
  p << "<{version = " << getVersion()
    << ", isTranspose = " << (getIsTranspose() ? "true" : "false")
    << ", warpsPerCTA = ";
  printList(p, getWarpsPerCTA());
  printCga(p, getCgaBases(), getWarpsPerCTA().size());
  if (llvm::any_of(getTilesPerWarp(), [](unsigned t) { return t != 1; })) {
    p << ", tilesPerWarp = ";
    printList(p, getTilesPerWarp());
  }
  if (!getInstrShape().empty() &&
      getInstrShape() != ArrayRef<unsigned>{16, 16, 16}) {
    p << ", instrShape = ";
    printList(p, getInstrShape());
  }
  p << "}>";
}

static ::ll::EncodingPtr wmmaEncoding(unsigned version, bool tr,
                                      ArrayRef<unsigned> wpc,
                                      ArrayRef<unsigned> instr,
                                      ArrayRef<unsigned> tiles,
                                      ArrayRef<int32_t> cga) {
  auto e = std::make_shared<::ll::AmdWmmaEncoding>();
  e->version = int(version);
  e->isTransposed = tr;
  e->warpsPerCTA = uvec(wpc);
  e->instrShape = uvec(instr);
  e->tilesPerWarp = uvec(tiles);
  e->cga = cgaOf(cga, wpc.size());
  return e;
}

LogicalResult AmdWmmaAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                  unsigned version, bool tr,
                                  ArrayRef<unsigned> wpc,
                                  ArrayRef<unsigned> instr,
                                  ArrayRef<unsigned> tiles,
                                  ArrayRef<int32_t> cga) {
  if (wpc.size() < 2)
    return emitError() << "#ll.amd_wmma needs rank 2 or 3";
  if (!cga.empty() && failed(verifyRankedCga(emitError, cga, wpc.size())))
    return failure();
  return verifyThroughCore(emitError,
                           wmmaEncoding(version, tr, wpc, instr, tiles, cga),
                           probeShape(wpc.size()), "amd_wmma");
}

::ll::EncodingPtr AmdWmmaAttr::getEncoding() const {
  return wmmaEncoding(getVersion(), getIsTranspose(), getWarpsPerCTA(),
                      getInstrShape(), getTilesPerWarp(), getCgaBases());
}

//===----------------------------------------------------------------------===//
// Shared-memory families
//===----------------------------------------------------------------------===//

/// #ll.swizzled_shared and #ll.amd_rotating_shared: the same parameters,
/// the family says whether the phase rotates.
template <typename AttrT>
static Attribute parseSwizzled(AsmParser &p, StringRef family) {
  Params ps(p);
  if (p.parseLess() || ps.parseDict() || p.parseGreater())
    return {};
  auto enc = ps.decode(family);
  if (failed(enc))
    return {};
  auto &e = static_cast<const ::ll::SwizzledSharedEncoding &>(**enc);
  auto cga = ps.flatCga(e.cga, e.rank());
  if (failed(cga))
    return {};
  return AttrT::getChecked([&] { return p.emitError(ps.loc); }, p.getContext(),
                           unsigned(e.vec), unsigned(e.perPhase),
                           unsigned(e.maxPhase), ulist(e.order), *cga);
}

template <typename AttrT> static void printSwizzled(AsmPrinter &p, AttrT a) {
  p << "<{vec = " << a.getVec() << ", perPhase = " << a.getPerPhase()
    << ", maxPhase = " << a.getMaxPhase() << ", order = ";
  printList(p, a.getOrder());
  printCga(p, a.getCgaBases(), a.getOrder().size());
  p << "}>";
}

static ::ll::EncodingPtr swizzledEncoding(unsigned vec, unsigned pp,
                                          unsigned mp, ArrayRef<unsigned> order,
                                          ArrayRef<int32_t> cga,
                                          bool rotating) {
  auto e = std::make_shared<::ll::SwizzledSharedEncoding>();
  e->vec = int(vec);
  e->perPhase = int(pp);
  e->maxPhase = int(mp);
  e->rotating = rotating;
  e->order = uvec(order);
  e->cga = cgaOf(cga, order.size());
  return e;
}

static LogicalResult
verifySwizzled(function_ref<InFlightDiagnostic()> emitError, unsigned vec,
               unsigned pp, unsigned mp, ArrayRef<unsigned> order,
               ArrayRef<int32_t> cga, StringRef family) {
  if (order.empty())
    return emitError() << "#ll." << family << " needs rank >= 1";
  if (!cga.empty() && failed(verifyRankedCga(emitError, cga, order.size())))
    return failure();
  return verifyThroughCore(
      emitError,
      swizzledEncoding(vec, pp, mp, order, cga, family == "amd_rotating_shared"),
      probeShape(order.size()), family);
}

Attribute SwizzledSharedAttr::parse(AsmParser &p, Type) {
  return parseSwizzled<SwizzledSharedAttr>(p, "swizzled_shared");
}

void SwizzledSharedAttr::print(AsmPrinter &p) const { printSwizzled(p, *this); }

LogicalResult
SwizzledSharedAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                           unsigned vec, unsigned pp, unsigned mp,
                           ArrayRef<unsigned> order, ArrayRef<int32_t> cga) {
  return verifySwizzled(emitError, vec, pp, mp, order, cga, "swizzled_shared");
}

::ll::EncodingPtr SwizzledSharedAttr::getEncoding() const {
  return swizzledEncoding(getVec(), getPerPhase(), getMaxPhase(), getOrder(),
                          getCgaBases(), /*rotating=*/false);
}

Attribute AmdRotatingSharedAttr::parse(AsmParser &p, Type) {
  return parseSwizzled<AmdRotatingSharedAttr>(p, "amd_rotating_shared");
}

void AmdRotatingSharedAttr::print(AsmPrinter &p) const {
  printSwizzled(p, *this);
}

LogicalResult
AmdRotatingSharedAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                              unsigned vec, unsigned pp, unsigned mp,
                              ArrayRef<unsigned> order, ArrayRef<int32_t> cga) {
  return verifySwizzled(emitError, vec, pp, mp, order, cga,
                        "amd_rotating_shared");
}

::ll::EncodingPtr AmdRotatingSharedAttr::getEncoding() const {
  return swizzledEncoding(getVec(), getPerPhase(), getMaxPhase(), getOrder(),
                          getCgaBases(), /*rotating=*/true);
}

Attribute NVMMASharedAttr::parse(AsmParser &p, Type) {
  Params ps(p);
  if (p.parseLess() || ps.parseDict() || p.parseGreater())
    return {};
  auto enc = ps.decode("nvmma_shared");
  if (failed(enc))
    return {};
  auto &e = static_cast<const ::ll::NVMMASharedEncoding &>(**enc);
  auto cga = ps.flatCga(e.cga, e.rank());
  if (failed(cga))
    return {};
  return getChecked([&] { return p.emitError(ps.loc); }, p.getContext(),
                    unsigned(e.swizzlingByteWidth), e.transposed,
                    unsigned(e.elementBitWidth), e.fp4Padded, unsigned(e.rank_),
                    *cga);
}

void NVMMASharedAttr::print(AsmPrinter &p) const {
  p << "<{swizzlingByteWidth = " << getSwizzlingByteWidth()
    << ", transposed = " << (getTransposed() ? "true" : "false")
    << ", elementBitWidth = " << getElementBitWidth();
  if (getFp4Padded())
    p << ", fp4Padded = true";
  if (getRank() != 2)
    p << ", rank = " << getRank();
  printCga(p, getCgaBases(), getRank());
  p << "}>";
}

static ::ll::EncodingPtr nvmmaEncoding(unsigned swz, bool tr, unsigned ebw,
                                       bool fp4, unsigned rank,
                                       ArrayRef<int32_t> cga) {
  auto e = std::make_shared<::ll::NVMMASharedEncoding>();
  e->swizzlingByteWidth = int(swz);
  e->transposed = tr;
  e->elementBitWidth = int(ebw);
  e->fp4Padded = fp4;
  e->rank_ = int(rank);
  e->cga = cgaOf(cga, rank);
  return e;
}

LogicalResult
NVMMASharedAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                        unsigned swz, bool tr, unsigned ebw, bool fp4,
                        unsigned rank, ArrayRef<int32_t> cga) {
  if (rank == 0)
    return emitError() << "#ll.nvmma_shared needs rank >= 1";
  if (!cga.empty() && failed(verifyRankedCga(emitError, cga, rank)))
    return failure();
  return verifyThroughCore(emitError, nvmmaEncoding(swz, tr, ebw, fp4, rank, cga),
                           probeShape(rank), "nvmma_shared");
}

::ll::EncodingPtr NVMMASharedAttr::getEncoding() const {
  return nvmmaEncoding(getSwizzlingByteWidth(), getTransposed(),
                       getElementBitWidth(), getFp4Padded(), getRank(),
                       getCgaBases());
}

Attribute PaddedSharedAttr::parse(AsmParser &p, Type) {
  // <[interval:+padding, ...] {order = [..], shape = [..]}> or
  // <[...] {offset = [[..]], block = [[..]]}>
  SMLoc loc = p.getCurrentLocation();
  SmallVector<unsigned> intervals, paddings;
  if (p.parseLess() || p.parseLSquare())
    return {};
  do {
    int64_t iv, pad;
    if (p.parseInteger(iv) || p.parseColon() || p.parsePlus() ||
        p.parseInteger(pad))
      return {};
    if (iv <= 0 || pad <= 0 || iv > (int64_t(1) << 30) ||
        pad > (int64_t(1) << 30)) {
      p.emitError(loc, "#ll.padded_shared intervals and paddings must be "
                       "positive");
      return {};
    }
    intervals.push_back(unsigned(iv));
    paddings.push_back(unsigned(pad));
  } while (succeeded(p.parseOptionalComma()));
  Params ps(p);
  if (p.parseRSquare() || ps.parseDict() || p.parseGreater())
    return {};
  // The intervals join the dictionary, and the core decodes both forms of
  // the linear component.
  for (auto [key, values] : {std::pair{"intervals", &intervals},
                             std::pair{"paddings", &paddings}}) {
    Param list;
    list.kind = Param::List;
    for (unsigned v : *values) {
      Param x;
      x.i = v;
      list.list.push_back(x);
    }
    if (!ps.map.try_emplace(key, std::move(list)).second) {
      p.emitError(ps.loc, "unexpected key '") << key << "'";
      return {};
    }
  }
  auto enc = ps.decode("padded_shared");
  if (failed(enc))
    return {};
  auto &e = static_cast<const ::ll::PaddedSharedEncoding &>(**enc);
  auto l = e.layout ? ::ll::Expected<::ll::LinearLayout>(*e.layout)
                    : e.toLinearLayout(e.shape);
  if (!l) {
    p.emitError(ps.loc, "#ll.padded_shared: ") << l.error().message();
    return {};
  }
  return getChecked([&] { return p.emitError(loc); }, p.getContext(),
                    intervals, paddings, unsigned(l->numOutDims()),
                    flatBases(*l, "offset"), flatBases(*l, "block"));
}

void PaddedSharedAttr::print(AsmPrinter &p) const {
  p << "<[";
  for (size_t i = 0; i < getIntervals().size(); ++i)
    p << (i ? ", " : "") << getIntervals()[i] << ":+" << getPaddings()[i];
  p << "] {offset = ";
  printBases(p, getOffsetBases(), getRank());
  p << ", block = ";
  printBases(p, getBlockBases(), getRank());
  p << "}>";
}

static ::ll::EncodingPtr paddedEncoding(ArrayRef<unsigned> intervals,
                                        ArrayRef<unsigned> paddings,
                                        unsigned rank, ArrayRef<int32_t> off,
                                        ArrayRef<int32_t> block) {
  auto l = basesLayout({{"offset", off}, {"block", block}}, rank);
  if (!l)
    return nullptr;
  auto e = std::make_shared<::ll::PaddedSharedEncoding>();
  e->intervals = uvec(intervals);
  e->paddings = uvec(paddings);
  e->layout = std::move(*l);
  return e;
}

LogicalResult
PaddedSharedAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                         ArrayRef<unsigned> intervals,
                         ArrayRef<unsigned> paddings, unsigned rank,
                         ArrayRef<int32_t> off, ArrayRef<int32_t> block) {
  if (rank == 0 || off.size() % rank || block.size() % rank)
    return emitError() << "#ll.padded_shared bases must have the same number "
                          "of components (the rank, >= 1)";
  auto l = basesLayout({{"offset", off}, {"block", block}}, rank);
  if (!l)
    return emitError() << "#ll.padded_shared: " << l.error().message();
  ::ll::Shape shape;
  for (int d = 0; d < l->numOutDims(); ++d)
    shape.push_back(l->outDimSize(d));
  return verifyThroughCore(emitError,
                           paddedEncoding(intervals, paddings, rank, off, block),
                           shape, "padded_shared");
}

::ll::EncodingPtr PaddedSharedAttr::getEncoding() const {
  return paddedEncoding(getIntervals(), getPaddings(), getRank(),
                        getOffsetBases(), getBlockBases());
}

//===----------------------------------------------------------------------===//
// Ranks, tensor-encoding verification
//===----------------------------------------------------------------------===//


/// A tensor's encoding must be a distributed layout that applies to its shape.
static LogicalResult
verifyTensorEncoding(LayoutEncodingInterface enc, ArrayRef<int64_t> shape,
                     function_ref<InFlightDiagnostic()> emitError) {
  if (enc.isSharedLayout())
    return emitError() << "a memory layout cannot encode a tensor (use "
                          "!ll.memdesc)";
  if (shape.size() != enc.getLayoutRank())
    return emitError() << "the layout has rank " << enc.getLayoutRank()
                       << " but the tensor has rank " << shape.size();
  auto r = enc.tryLinearLayout(shape);
  if (!r)
    return emitError() << "the layout does not apply to the tensor shape: "
                       << r.error().message();
  return success();
}


#include "linear_layouts/Dialect/LL/IR/LLAttrInterfaces.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "linear_layouts/Dialect/LL/IR/LLAttrs.cpp.inc"

//===----------------------------------------------------------------------===//
// #ll.target
//===----------------------------------------------------------------------===//

LogicalResult TargetAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 StringRef name) {
  auto t = ::ll::Target::get(name.str());
  if (!t)
    return emitError() << t.error().message();
  return success();
}

::ll::Target TargetAttr::getTarget() const {
  return *::ll::Target::get(getName().str());
}

FailureOr<::ll::Target> mlir::ll::lookupTarget(Operation *op,
                                               StringRef override) {
  if (!override.empty()) {
    auto t = ::ll::Target::get(override.str());
    if (!t)
      return op->emitError() << t.error().message();
    return std::move(*t);
  }
  for (Operation *p = op; p; p = p->getParentOp())
    if (Attribute a = p->getAttr(TargetAttr::kAttrName)) {
      if (auto t = dyn_cast<TargetAttr>(a))
        return t.getTarget();
      return p->emitError() << "'" << TargetAttr::kAttrName
                            << "' must be a target such as "
                               "#ll.target<\"sm_90\">, not "
                            << a;
    }
  return op->emitError()
         << "no target: give the module an `ll.target` attribute (e.g. "
            "#ll.target<\"sm_90\">) or the pass a `target` option";
}

LogicalResult LLDialect::verifyOperationAttribute(Operation *op,
                                                  NamedAttribute attr) {
  if (attr.getName() != TargetAttr::kAttrName)
    return success();
  if (!isa<TargetAttr>(attr.getValue()))
    return op->emitError() << "'" << TargetAttr::kAttrName
                           << "' must be a target such as "
                              "#ll.target<\"sm_90\">, not "
                           << attr.getValue();
  return success();
}

void LLDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "linear_layouts/Dialect/LL/IR/LLAttrs.cpp.inc"
      >();
}
