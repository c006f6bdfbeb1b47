//===- Encodings.cpp - Layout families from Triton's parameters -----------===//
//
// makeEncoding: which keys each family takes, their defaults, the CTA (CGA)
// parameters in both forms, bases into linear layouts. See Encodings.h.
//
//===----------------------------------------------------------------------===//

#include "linear_layouts/Core/Encodings.h"

#include <algorithm>

namespace ll {

Param Param::integer(int64_t v) {
  Param p;
  p.kind = Kind::Int;
  p.i = v;
  return p;
}

Param Param::boolean(bool v) {
  Param p;
  p.kind = Kind::Bool;
  p.b = v;
  return p;
}

Param Param::ofList(std::vector<Param> v) {
  Param p;
  p.kind = Kind::List;
  p.list = std::move(v);
  return p;
}

Param Param::ints(const std::vector<int64_t> &v) {
  std::vector<Param> l;
  for (int64_t x : v)
    l.push_back(integer(x));
  return ofList(std::move(l));
}

Param Param::ofLayout(EncodingPtr e) {
  Param p;
  p.kind = Kind::Layout;
  p.layout = std::move(e);
  return p;
}

const std::vector<std::string> &encodingFamilies() {
  static const std::vector<std::string> names = {
      "blocked",  "slice",           "nvidia_mma",   "dot_op",
      "amd_mfma", "amd_wmma",        "linear",       "swizzled_shared",
      "nvmma_shared", "shared_linear", "padded_shared", "amd_rotating_shared"};
  return names;
}

const std::map<std::string, std::string> &encodingFamilyAliases() {
  static const std::map<std::string, std::string> aliases = {
      {"mma", "nvidia_mma"}, {"shared", "swizzled_shared"}};
  return aliases;
}

namespace {

/// Every parameter is a size, a count, an index, a version or a basis
/// component: an integer in [0, 2^30].
constexpr int64_t kMaxParam = int64_t(1) << 30;

const char *const kCgaKeys[] = {"CGALayout", "CTAsPerCGA", "CTASplitNum",
                                "CTAOrder"};

/// The parameters of one family, read with typed accessors whose errors
/// name the family and the key.
class Reader {
public:
  Reader(const std::string &family, const ParamMap &params)
      : family_(family), params_(params) {}

  Error error(const std::string &msg) const {
    return Error(ErrorKind::InvalidArgument, family_ + ": " + msg);
  }

  bool has(const char *key) const { return params_.count(key) != 0; }

  /// Keys outside `allowed` (and the CGA keys when `withCga`) are errors:
  /// a typo would otherwise be ignored, and Triton's parser rejects it.
  std::optional<Error> checkKeys(std::initializer_list<const char *> allowed,
                                 bool withCga) const {
    for (auto &kv : params_) {
      const std::string &key = kv.first;
      bool ok = std::any_of(allowed.begin(), allowed.end(),
                            [&](const char *a) { return key == a; });
      for (const char *c : kCgaKeys)
        ok |= withCga && key == c;
      if (ok)
        continue;
      std::string list;
      for (const char *a : allowed)
        list += (list.empty() ? "" : ", ") + std::string(a);
      return error("unexpected key '" + key + "' (expected " + list +
                   (withCga ? " and the CGA parameters" : "") + ")");
    }
    return std::nullopt;
  }

  Expected<int32_t> integer(const char *key,
                            std::optional<int32_t> dflt = {}) const {
    auto it = params_.find(key);
    if (it == params_.end()) {
      if (dflt)
        return *dflt;
      return error(std::string("missing parameter '") + key + "'");
    }
    return toInt(it->second, key);
  }

  Expected<bool> boolean(const char *key, bool dflt) const {
    auto it = params_.find(key);
    if (it == params_.end())
      return dflt;
    const Param &v = it->second;
    if (v.kind == Param::Kind::Bool)
      return v.b;
    return error(std::string("'") + key + "' must be true or false");
  }

  Expected<UVec> list(const char *key, bool required = true) const {
    auto it = params_.find(key);
    if (it == params_.end()) {
      if (required)
        return error(std::string("missing parameter '") + key + "'");
      return UVec();
    }
    if (it->second.kind != Param::Kind::List)
      return error(std::string("'") + key + "' must be a list of integers");
    UVec out;
    for (const Param &x : it->second.list) {
      LL_TRY(v, toInt(x, key));
      out.push_back(v);
    }
    return out;
  }

  /// `[[..], [..]]`; every basis with `rank` components when `rank` >= 0,
  /// else with as many as the first (and `rank` is set from it).
  Expected<std::vector<Basis>> bases(const char *key, int &rank,
                                     bool required) const {
    auto it = params_.find(key);
    if (it == params_.end()) {
      if (required)
        return error(std::string("missing bases '") + key + "'");
      return std::vector<Basis>();
    }
    if (it->second.kind != Param::Kind::List)
      return error(std::string("'") + key + "' must be a list of bases");
    std::vector<Basis> out;
    for (const Param &b : it->second.list) {
      if (b.kind != Param::Kind::List)
        return error(std::string("each basis of '") + key +
                     "' must be a list of integers");
      if (rank < 0)
        rank = int(b.list.size());
      if (int(b.list.size()) != rank)
        return error("every basis must have " + std::to_string(rank) +
                     " components (the tensor rank)");
      Basis basis;
      for (const Param &c : b.list) {
        LL_TRY(v, toInt(c, key));
        basis.push_back(v);
      }
      out.push_back(std::move(basis));
    }
    return out;
  }

  Expected<EncodingPtr> layout(const char *key) const {
    auto it = params_.find(key);
    if (it == params_.end())
      return error(std::string("missing parameter '") + key + "'");
    if (it->second.kind != Param::Kind::Layout || !it->second.layout)
      return error(std::string("'") + key + "' must be a layout");
    return it->second.layout;
  }

  /// The CTA layout: `CGALayout = [[..]]`, or the legacy `CTAsPerCGA /
  /// CTASplitNum / CTAOrder` (each defaulting to a single CTA).
  Expected<CGALayout> cga(int rank) const {
    CGALayout c = CGALayout::single(rank);
    if (has("CGALayout")) {
      int r = rank;
      LL_TRY(b, bases("CGALayout", r, true));
      c.blockBases = std::move(b);
      return c;
    }
    if (has("CTAsPerCGA")) {
      LL_TRY(v, list("CTAsPerCGA"));
      c.ctasPerCGA = v;
    }
    if (has("CTASplitNum")) {
      LL_TRY(v, list("CTASplitNum"));
      c.ctaSplitNum = v;
    }
    if (has("CTAOrder")) {
      LL_TRY(v, list("CTAOrder"));
      c.ctaOrder = v;
    }
    return c;
  }

private:
  Expected<int32_t> toInt(const Param &v, const char *key) const {
    if (v.kind == Param::Kind::Bool)
      return error(std::string("'") + key +
                   "' must be an integer, got a bool");
    if (v.kind != Param::Kind::Int)
      return error(std::string("'") + key + "' must be an integer");
    if (v.i < 0)
      return error(std::string("'") + key + "' must be non-negative (got " +
                   std::to_string(v.i) + ")");
    if (v.i > kMaxParam)
      return error(std::string("'") + key + "' = " + std::to_string(v.i) +
                   " is out of range (at most 2^30)");
    return int32_t(v.i);
  }

  const std::string &family_;
  const ParamMap &params_;
};

#define LL_KEYS(reader, withCga, ...)                                          \
  if (auto e = (reader).checkKeys({__VA_ARGS__}, withCga))                     \
  return *e

/// A layout given by its bases: in dims `dims`, out dims dim0.. of the sizes
/// the bases imply (every out coordinate reached).
Expected<LinearLayout> basesLayout(const Reader &r,
                                   std::initializer_list<const char *> dims,
                                   int &rank) {
  BasesList bl;
  for (const char *d : dims) {
    LL_TRY(b, r.bases(d, rank, false));
    bl.push_back({d, std::move(b)});
  }
  if (rank < 0)
    return r.error("needs at least one basis (or the tensor rank)");
  auto l = LinearLayout::create(std::move(bl), standardOutDimNames(rank),
                                /*requireSurjective=*/true);
  if (!l)
    return r.error(l.error().message());
  return l;
}

} // namespace

Expected<EncodingPtr> makeEncoding(const std::string &family,
                                   const ParamMap &params, int rank) {
  Reader r(family, params);
  if (family == "blocked") {
    LL_KEYS(r, true, "sizePerThread", "threadsPerWarp", "warpsPerCTA", "order");
    auto e = std::make_shared<BlockedEncoding>();
    LL_TRY(spt, r.list("sizePerThread"));
    LL_TRY(tpw, r.list("threadsPerWarp"));
    LL_TRY(wpc, r.list("warpsPerCTA"));
    LL_TRY(order, r.list("order"));
    e->sizePerThread = spt;
    e->threadsPerWarp = tpw;
    e->warpsPerCTA = wpc;
    e->order = order;
    LL_TRY(cga, r.cga(e->rank()));
    e->cga = cga;
    return EncodingPtr(e);
  }
  if (family == "slice") {
    LL_KEYS(r, false, "dim", "parent");
    auto e = std::make_shared<SliceEncoding>();
    LL_TRY(dim, r.integer("dim"));
    LL_TRY(parent, r.layout("parent"));
    e->dim = dim;
    e->parent = parent;
    return EncodingPtr(e);
  }
  if (family == "nvidia_mma") {
    LL_KEYS(r, true, "versionMajor", "versionMinor", "warpsPerCTA",
            "instrShape");
    auto e = std::make_shared<NvidiaMmaEncoding>();
    LL_TRY(major, r.integer("versionMajor"));
    LL_TRY(minor, r.integer("versionMinor", 0));
    LL_TRY(wpc, r.list("warpsPerCTA"));
    LL_TRY(instr, r.list("instrShape"));
    e->versionMajor = major;
    e->versionMinor = minor;
    e->warpsPerCTA = wpc;
    e->instrShape = instr;
    LL_TRY(cga, r.cga(e->rank()));
    e->cga = cga;
    return EncodingPtr(e);
  }
  if (family == "dot_op") {
    LL_KEYS(r, false, "opIdx", "parent", "kWidth");
    auto e = std::make_shared<DotOperandEncoding>();
    LL_TRY(idx, r.integer("opIdx"));
    LL_TRY(parent, r.layout("parent"));
    LL_TRY(kWidth, r.integer("kWidth", 0));
    e->opIdx = idx;
    e->parent = parent;
    e->kWidth = kWidth;
    return EncodingPtr(e);
  }
  if (family == "amd_mfma") {
    LL_KEYS(r, true, "version", "warpsPerCTA", "instrShape", "isTransposed",
            "tilesPerWarp", "elementBitWidth");
    auto e = std::make_shared<AmdMfmaEncoding>();
    LL_TRY(version, r.integer("version", 3));
    LL_TRY(wpc, r.list("warpsPerCTA"));
    LL_TRY(instr, r.list("instrShape"));
    LL_TRY(transposed, r.boolean("isTransposed", false));
    LL_TRY(tiles, r.list("tilesPerWarp", false));
    LL_TRY(ebw, r.integer("elementBitWidth", 32));
    e->version = version;
    e->warpsPerCTA = wpc;
    e->instrShape = instr;
    e->isTransposed = transposed;
    e->tilesPerWarp = tiles;
    e->elementBitWidth = ebw;
    LL_TRY(cga, r.cga(e->rank()));
    e->cga = cga;
    return EncodingPtr(e);
  }
  if (family == "amd_wmma") {
    // Triton prints `isTranspose`; `isTransposed` is accepted too.
    LL_KEYS(r, true, "version", "isTranspose", "isTransposed", "warpsPerCTA",
            "instrShape", "tilesPerWarp");
    auto e = std::make_shared<AmdWmmaEncoding>();
    LL_TRY(version, r.integer("version", 2));
    LL_TRY(t1, r.boolean("isTranspose", false));
    LL_TRY(t2, r.boolean("isTransposed", false));
    LL_TRY(wpc, r.list("warpsPerCTA"));
    LL_TRY(instr, r.list("instrShape", false));
    LL_TRY(tiles, r.list("tilesPerWarp", false));
    e->version = version;
    e->isTransposed = t1 || t2;
    e->warpsPerCTA = wpc;
    e->instrShape = instr;
    e->tilesPerWarp = tiles;
    LL_TRY(cga, r.cga(e->rank()));
    e->cga = cga;
    return EncodingPtr(e);
  }
  if (family == "linear") {
    LL_KEYS(r, false, "register", "lane", "warp", "block");
    auto e = std::make_shared<LinearEncoding>();
    int rk = rank;
    LL_TRY(l, basesLayout(r, {"register", "lane", "warp", "block"}, rk));
    e->layout = std::move(l);
    return EncodingPtr(e);
  }
  if (family == "swizzled_shared" || family == "amd_rotating_shared") {
    LL_KEYS(r, true, "vec", "perPhase", "maxPhase", "order");
    auto e = std::make_shared<SwizzledSharedEncoding>();
    e->rotating = family == "amd_rotating_shared";
    LL_TRY(vec, r.integer("vec"));
    LL_TRY(perPhase, r.integer("perPhase"));
    LL_TRY(maxPhase, r.integer("maxPhase"));
    LL_TRY(order, r.list("order"));
    e->vec = vec;
    e->perPhase = perPhase;
    e->maxPhase = maxPhase;
    e->order = order;
    LL_TRY(cga, r.cga(e->rank()));
    e->cga = cga;
    return EncodingPtr(e);
  }
  if (family == "nvmma_shared") {
    LL_KEYS(r, true, "swizzlingByteWidth", "transposed", "elementBitWidth",
            "fp4Padded", "rank");
    auto e = std::make_shared<NVMMASharedEncoding>();
    LL_TRY(swizzle, r.integer("swizzlingByteWidth"));
    LL_TRY(transposed, r.boolean("transposed", false));
    LL_TRY(ebw, r.integer("elementBitWidth"));
    LL_TRY(fp4, r.boolean("fp4Padded", false));
    // The rank: given, else the CGALayout bases', else the tensor's, else 2.
    int dflt = rank >= 0 ? rank : 2;
    if (auto it = params.find("CGALayout"); it != params.end() &&
        it->second.kind == Param::Kind::List && !it->second.list.empty() &&
        it->second.list[0].kind == Param::Kind::List)
      dflt = int(it->second.list[0].list.size());
    LL_TRY(rk, r.integer("rank", dflt));
    e->swizzlingByteWidth = swizzle;
    e->transposed = transposed;
    e->elementBitWidth = ebw;
    e->fp4Padded = fp4;
    e->rank_ = rk;
    LL_TRY(cga, r.cga(e->rank_));
    e->cga = cga;
    return EncodingPtr(e);
  }
  if (family == "shared_linear") {
    LL_KEYS(r, false, "offset", "block", "alignment");
    auto e = std::make_shared<SharedLinearEncoding>();
    int rk = rank;
    LL_TRY(l, basesLayout(r, {"offset", "block"}, rk));
    LL_TRY(alignment, r.integer("alignment", 16));
    e->layout = std::move(l);
    e->alignment = alignment;
    return EncodingPtr(e);
  }
  if (family == "padded_shared") {
    // `[interval:+padding, ...]` arrives as the lists `intervals` and
    // `paddings`; the linear component as bases {offset, block} or as the
    // short form {order, shape}.
    LL_KEYS(r, false, "intervals", "paddings", "offset", "block", "order",
            "shape");
    auto e = std::make_shared<PaddedSharedEncoding>();
    LL_TRY(intervals, r.list("intervals"));
    LL_TRY(paddings, r.list("paddings"));
    e->intervals = intervals;
    e->paddings = paddings;
    if (r.has("offset") || r.has("block")) {
      if (!r.has("offset") || !r.has("block"))
        return r.error("the long form needs both 'offset' and 'block' bases");
      int rk = rank;
      LL_TRY(l, basesLayout(r, {"offset", "block"}, rk));
      e->layout = std::move(l);
    } else {
      if (!r.has("order") || !r.has("shape"))
        return r.error("needs {order = .., shape = ..} or {offset = .., "
                       "block = ..}");
      LL_TRY(order, r.list("order"));
      LL_TRY(shape, r.list("shape"));
      e->order = order;
      e->shape.assign(shape.begin(), shape.end());
    }
    return EncodingPtr(e);
  }
  return Error(ErrorKind::InvalidArgument,
               "unknown layout family '" + family + "'");
}

} // namespace ll
