//===- Utility.cpp - Layouts applied to hardware ids, structs -------------===//

#include "PatternBase.h"

#include <map>

#include "mlir/Dialect/SCF/IR/SCF.h"

#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace mlir::ll;
using ::ll::LinearLayout;

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

LLTypeConverter::LLTypeConverter(MLIRContext *ctx) {
  addConversion([](Type t) { return t; });
  addConversion([](FloatType f) -> Type {
    if (lowering::isLLVMFloat(f))
      return f;
    return IntegerType::get(f.getContext(), f.getWidth());
  });
  addConversion([](MemDescType m) -> Type {
    return LLVM::LLVMPointerType::get(m.getContext(), 3);
  });
  // Async tokens carry no data: an i32 0.
  addConversion([](TensorDescType t) -> Type {
    return LLVM::LLVMPointerType::get(t.getContext());
  });
  addConversion([](AsyncTokenType t) -> Type {
    return IntegerType::get(t.getContext(), 32);
  });
  addConversion([](PointerType p) -> Type {
    return LLVM::LLVMPointerType::get(p.getContext(), p.getAddressSpace());
  });
  addConversion([this](RankedTensorType t) -> std::optional<Type> {
    auto l = getLinearLayout(t);
    if (failed(l) || !l->hasInDim("register"))
      return std::nullopt; // not distributed: no lowering
    Type elt = convertType(t.getElementType());
    if (!elt)
      return std::nullopt;
    int64_t regs = l->inDimSize(l->inDimIndex("register"));
    SmallVector<Type> members(regs, elt);
    return LLVM::LLVMStructType::getLiteral(t.getContext(), members);
  });
  auto cast = [](OpBuilder &b, Type type, ValueRange inputs,
                 Location loc) -> Value {
    return b.create<UnrealizedConversionCastOp>(loc, type, inputs).getResult(0);
  };
  addSourceMaterialization(cast);
  addTargetMaterialization(cast);
}

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

bool lowering::isLLVMFloat(Type t) {
  return t.isF16() || t.isBF16() || t.isF32() || t.isF64();
}

std::string lowering::ptxRegs(int first, int count) {
  std::string s = "{ ";
  for (int i = 0; i < count; ++i)
    s += (i ? ", $" : "$") + std::to_string(first + i);
  return s + " }";
}

LLVM::InlineAsmOp lowering::inlinePtx(OpBuilder &b, Location loc, Type result,
                                      ValueRange operands, StringRef text,
                                      StringRef constraints, bool sideEffects) {
  return b.create<LLVM::InlineAsmOp>(
      loc, result, operands, text, constraints, sideEffects,
      /*is_align_stack=*/false, LLVM::tailcallkind::TailCallKind::None,
      LLVM::AsmDialectAttr::get(b.getContext(), LLVM::AsmDialect::AD_ATT),
      ArrayAttr());
}

void lowering::forMatrixElements(
    OpBuilder &b, Location loc, ArrayRef<Value> words,
    const LinearLayout &regMap, int32_t slot, int bits,
    function_ref<void(int32_t reg, Value element)> put) {
  Type it = b.getIntegerType(bits);
  for (int m = 0; m < int(words.size()); ++m)
    for (int e = 0; e < 32 / bits; ++e) {
      int32_t reg = constPart(regMap, "register",
                              {{"register", slot}, {"matrix", m}, {"element", e}});
      Value x = words[m];
      if (e)
        x = b.create<LLVM::LShrOp>(loc, x, i32(b, loc, e * bits));
      if (bits < 32)
        x = b.create<LLVM::TruncOp>(loc, it, x);
      put(reg, x);
    }
}

Value lowering::i32(OpBuilder &b, Location loc, int64_t v) {
  return b.create<LLVM::ConstantOp>(loc, b.getI32Type(),
                                    b.getI32IntegerAttr(int32_t(v)));
}

SmallVector<Value> lowering::unpack(OpBuilder &b, Location loc, Value s) {
  // Callers pass the converted value of an encoded tensor; anything else is
  // one register (never an assertion in the user's process).
  auto st = dyn_cast<LLVM::LLVMStructType>(s.getType());
  if (!st)
    return {s};
  // A struct that pack() built (an insertvalue per member): its members as
  // they were inserted, with no extractvalue to fold away later (folding
  // each through a chain of n inserts cost the canonicalizer O(n^2): 48 ms
  // for a tile of 512 registers per thread).
  size_t n = st.getBody().size(), found = 0;
  SmallVector<Value> members(n);
  for (Value cur = s; found < n;) {
    auto ins = cur.getDefiningOp<LLVM::InsertValueOp>();
    if (!ins || ins.getPosition().size() != 1)
      break;
    int64_t pos = ins.getPosition()[0];
    if (pos >= 0 && size_t(pos) < n && !members[pos]) {
      members[pos] = ins.getValue();
      ++found;
    }
    cur = ins.getContainer();
  }
  if (found == n)
    return members;
  SmallVector<Value> out;
  for (int64_t i = 0, e = st.getBody().size(); i < e; ++i)
    out.push_back(b.create<LLVM::ExtractValueOp>(loc, s, i));
  return out;
}

Value lowering::pack(OpBuilder &b, Location loc, Type type,
                     ArrayRef<Value> vals) {
  Value s = b.create<LLVM::UndefOp>(loc, type);
  for (auto [i, v] : llvm::enumerate(vals))
    s = b.create<LLVM::InsertValueOp>(loc, s, v, int64_t(i));
  return s;
}

lowering::ThreadIds lowering::threadIds(OpBuilder &b, Location loc,
                                        const TargetInfo &t) {
  Value tid = t.threadId(b, loc);
  int ws = t.warpSize();
  Value lane = b.create<LLVM::AndOp>(loc, tid, i32(b, loc, ws - 1));
  Value warp = b.create<LLVM::LShrOp>(loc, tid, i32(b, loc, llvm::Log2_32(ws)));
  return {lane, warp, tid, int(llvm::Log2_32(ws))};
}

int32_t lowering::maskOf(
    const std::vector<std::pair<std::string, int32_t>> &masks, StringRef dim) {
  for (auto &[d, m] : masks)
    if (d == dim)
      return m;
  return 0;
}

int32_t lowering::freeMask(const LinearLayout &l, StringRef dim) {
  return maskOf(l.freeVariableMasks(), dim);
}

SmallVector<Value> lowering::registersOf(OpBuilder &b, Location loc, Value v) {
  if (isa<LLVM::LLVMStructType>(v.getType()))
    return unpack(b, loc, v);
  return {v};
}

Value lowering::fromRegisters(OpBuilder &b, Location loc, Type type,
                              ArrayRef<Value> vals) {
  if (isa<LLVM::LLVMStructType>(type))
    return pack(b, loc, type, vals);
  return vals[0];
}

Value lowering::firstCopy(OpBuilder &b, Location loc, ThreadIds ids,
                          int32_t laneMask, int32_t warpMask) {
  if (!laneMask && !warpMask)
    return {};
  // One mask of the thread id: (warp << laneBits) | lane.
  Value bits =
      ids.tid ? b.create<LLVM::AndOp>(
                    loc, ids.tid,
                    i32(b, loc, (int64_t(warpMask) << ids.laneBits) | laneMask))
                    .getResult()
              : b.create<LLVM::OrOp>(
                    loc, b.create<LLVM::AndOp>(loc, ids.lane, i32(b, loc, laneMask)),
                    b.create<LLVM::AndOp>(loc, ids.warp, i32(b, loc, warpMask)))
                    .getResult();
  return b.create<LLVM::ICmpOp>(loc, LLVM::ICmpPredicate::eq, bits,
                                i32(b, loc, 0));
}

void lowering::insideIf(OpBuilder &b, Location loc, Value cond) {
  if (!cond)
    return;
  auto ifOp = b.create<scf::IfOp>(loc, TypeRange{}, cond, false);
  b.setInsertionPointToStart(&ifOp.getThenRegion().front());
}

int32_t lowering::constPart(const LinearLayout &l, StringRef out,
                            ArrayRef<std::pair<StringRef, int32_t>> consts) {
  int o = l.outDimIndex(out.str());
  if (o < 0)
    return 0;
  int32_t v = 0;
  for (auto [name, x] : consts) {
    int i = l.inDimIndex(name.str());
    if (i < 0)
      continue;
    for (int bit = 0; bit < l.inDimSizeLog2(i); ++bit)
      if ((x >> bit) & 1)
        v ^= l.basis(i, bit, o);
  }
  return v;
}

Value lowering::runtimePart(OpBuilder &b, Location loc, const LinearLayout &l,
                            StringRef out,
                            ArrayRef<std::pair<StringRef, Value>> vars) {
  int o = l.outDimIndex(out.str());
  Value acc;
  auto add = [&](Value term) {
    acc = acc ? b.create<LLVM::XOrOp>(loc, acc, term).getResult() : term;
  };
  // Input bit `bit` with image v sets output bit j (of v) from bit j - d:
  // the pairs of one shift d are one mask and one shift, (x & m) << d,
  // whatever the bits (a run of doubling images, or the XOR of a swizzle,
  // whose rows move bits by a few fixed distances). Inputs that are bit
  // fields of one value (lane = tid & 31, warp = tid >> 5) are taken from
  // it, so their bits share the masks and shifts.
  auto constant = [](Value v) -> std::optional<int64_t> {
    if (auto c = v.getDefiningOp<LLVM::ConstantOp>())
      if (auto i = dyn_cast<IntegerAttr>(c.getValue()))
        return i.getInt();
    return std::nullopt;
  };
  // (x = y & (2^k - 1) is y's bits [0, k) when the layout reads no more)
  auto field = [&](Value x, int bits) -> std::pair<Value, int> {
    if (auto a = x.getDefiningOp<LLVM::AndOp>())
      if (auto m = constant(a.getRhs());
          m && *m > 0 && llvm::isPowerOf2_64(*m + 1) &&
          bits <= int(llvm::Log2_64(*m + 1)))
        return {a.getLhs(), 0};
    if (auto s = x.getDefiningOp<LLVM::LShrOp>())
      if (auto n = constant(s.getRhs()); n && *n > 0 && *n < 32)
        return {s.getLhs(), int(*n)};
    return {x, 0};
  };
  SmallVector<Value> bases;
  std::map<std::pair<unsigned, int>, uint32_t> byShift; // (base, d) -> mask
  for (auto [name, x] : vars) {
    int i = o < 0 ? -1 : l.inDimIndex(name.str());
    if (i < 0)
      continue;
    auto [base, lo] = field(x, l.inDimSizeLog2(i));
    auto *it = llvm::find(bases, base);
    unsigned k = unsigned(it - bases.begin());
    if (it == bases.end())
      bases.push_back(base);
    for (int bit = 0; bit < l.inDimSizeLog2(i); ++bit)
      for (uint32_t v = uint32_t(l.basis(i, bit, o)); v; v &= v - 1)
        byShift[{k, llvm::countr_zero(v) - (bit + lo)}] |= uint32_t(1)
                                                          << (bit + lo);
  }
  for (auto [key, mask] : byShift) {
    int d = key.second;
    Value t = b.create<LLVM::AndOp>(loc, bases[key.first],
                                    i32(b, loc, int32_t(mask)));
    if (d > 0)
      t = b.create<LLVM::ShlOp>(loc, t, i32(b, loc, d));
    else if (d < 0)
      t = b.create<LLVM::LShrOp>(loc, t, i32(b, loc, -d));
    add(t);
  }
  return acc ? acc : i32(b, loc, 0);
}

SmallVector<int32_t> lowering::spanOf(const LinearLayout &l, StringRef out,
                                      ArrayRef<StringRef> ins) {
  SmallVector<int32_t> span{0};
  int o = l.outDimIndex(out.str());
  if (o < 0)
    return span;
  for (StringRef name : ins) {
    int i = l.inDimIndex(name.str());
    if (i < 0)
      continue;
    for (int bit = 0; bit < l.inDimSizeLog2(i); ++bit) {
      int32_t v = l.basis(i, bit, o);
      if (!v || llvm::is_contained(span, v))
        continue;
      size_t n = span.size();
      for (size_t k = 0; k < n; ++k)
        span.push_back(span[k] ^ v);
    }
  }
  return span;
}

Value lowering::pick(OpBuilder &b, Location loc, ArrayRef<Value> vals,
                     int32_t base, Value k, ArrayRef<int32_t> span) {
  Value v = vals[base ^ span[0]];
  for (int32_t c : span.drop_front()) {
    Value is = b.create<LLVM::ICmpOp>(loc, LLVM::ICmpPredicate::eq, k,
                                      i32(b, loc, c));
    v = b.create<LLVM::SelectOp>(loc, is, vals[base ^ c], v);
  }
  return v;
}

SmallVector<Value> lowering::pickAll(OpBuilder &b, Location loc,
                                    ArrayRef<Value> vals,
                                    ArrayRef<int32_t> bases,
                                    const LinearLayout &l, StringRef out,
                                    ArrayRef<std::pair<StringRef, Value>> vars) {
  // The runtime bits with a nonzero image: one butterfly stage each.
  SmallVector<StringRef> ins;
  int64_t stages = 0;
  int o = l.outDimIndex(out.str());
  for (auto [name, x] : vars) {
    ins.push_back(name);
    int i = o < 0 ? -1 : l.inDimIndex(name.str());
    for (int bit = 0; i >= 0 && bit < l.inDimSizeLog2(i); ++bit)
      stages += l.basis(i, bit, o) != 0;
  }
  auto span = spanOf(l, out, ins);
  SmallVector<Value> res;
  if (span.size() == 1) {
    for (int32_t base : bases)
      res.push_back(vals[base]);
    return res;
  }
  int64_t chain = int64_t(bases.size()) * int64_t(span.size() - 1);
  int64_t butterfly = int64_t(vals.size()) * stages;
  if (chain <= butterfly) {
    Value k = runtimePart(b, loc, l, out, vars);
    for (int32_t base : bases)
      res.push_back(pick(b, loc, vals, base, k, span));
    return res;
  }
  SmallVector<Value> cur(vals.begin(), vals.end());
  for (auto [name, x] : vars) {
    int i = o < 0 ? -1 : l.inDimIndex(name.str());
    for (int bit = 0; i >= 0 && bit < l.inDimSizeLog2(i); ++bit) {
      int32_t v = l.basis(i, bit, o);
      if (!v)
        continue;
      Value set = b.create<LLVM::ICmpOp>(
          loc, LLVM::ICmpPredicate::ne,
          b.create<LLVM::AndOp>(loc, x, i32(b, loc, int32_t(1) << bit)),
          i32(b, loc, 0));
      SmallVector<Value> next(cur.size());
      for (size_t r = 0; r < cur.size(); ++r)
        next[r] = b.create<LLVM::SelectOp>(loc, set, cur[r ^ size_t(v)], cur[r]);
      cur = std::move(next);
    }
  }
  for (int32_t base : bases)
    res.push_back(cur[base]);
  return res;
}

Value lowering::toInt(OpBuilder &b, Location loc, Value v, unsigned bits) {
  Type t = v.getType(), it = b.getIntegerType(bits);
  if (isa<LLVM::LLVMPointerType>(t))
    return b.create<LLVM::PtrToIntOp>(loc, it, v);
  if (isa<FloatType>(t))
    v = b.create<LLVM::BitcastOp>(
        loc, b.getIntegerType(t.getIntOrFloatBitWidth()), v);
  unsigned w = v.getType().getIntOrFloatBitWidth();
  if (w < bits)
    return b.create<LLVM::ZExtOp>(loc, it, v);
  return v;
}

Value lowering::fromInt(OpBuilder &b, Location loc, Value v, Type type) {
  if (isa<LLVM::LLVMPointerType>(type))
    return b.create<LLVM::IntToPtrOp>(loc, type, v);
  unsigned w = type.getIntOrFloatBitWidth();
  if (v.getType().getIntOrFloatBitWidth() > w)
    v = b.create<LLVM::TruncOp>(loc, b.getIntegerType(w), v);
  if (isa<FloatType>(type))
    v = b.create<LLVM::BitcastOp>(loc, type, v);
  return v;
}

/// `v` moved by `word` (a shuffle of i32 words): one word, or two for
/// 64-bit values.
static Value shuffleWords(OpBuilder &b, Location loc, Value v,
                          function_ref<Value(Value)> word) {
  Type type = v.getType();
  unsigned bits = isa<LLVM::LLVMPointerType>(type)
                      ? 64
                      : type.getIntOrFloatBitWidth();
  if (bits <= 32)
    return lowering::fromInt(b, loc, word(lowering::toInt(b, loc, v, 32)), type);
  Value x = lowering::toInt(b, loc, v, 64);
  Type i32t = b.getI32Type(), i64t = b.getI64Type();
  Value c32 = b.create<LLVM::ConstantOp>(loc, i64t, b.getI64IntegerAttr(32));
  Value lo = b.create<LLVM::TruncOp>(loc, i32t, x);
  Value hi = b.create<LLVM::TruncOp>(loc, i32t,
                                     b.create<LLVM::LShrOp>(loc, x, c32));
  lo = b.create<LLVM::ZExtOp>(loc, i64t, word(lo));
  hi = b.create<LLVM::ShlOp>(loc, b.create<LLVM::ZExtOp>(loc, i64t, word(hi)),
                             c32);
  return lowering::fromInt(b, loc, b.create<LLVM::OrOp>(loc, lo, hi), type);
}

Value lowering::shuffleXor(OpBuilder &b, Location loc, const TargetInfo &t,
                           Value v, Value lane, int32_t mask) {
  return shuffleWords(b, loc, v, [&](Value w) {
    return t.shuffleXor(b, loc, w, lane, mask);
  });
}

Value lowering::shuffleIdx(OpBuilder &b, Location loc, const TargetInfo &t,
                           Value v, Value srcLane) {
  return shuffleWords(b, loc, v, [&](Value w) {
    return t.shuffleIdx(b, loc, w, srcLane);
  });
}

Type lowering::storageType(Type t) {
  if (t.isInteger(1))
    return IntegerType::get(t.getContext(), 8);
  return t;
}

int64_t lowering::storageBytes(Type t) {
  if (!t.isIntOrFloat()) // pointers
    return 8;
  return std::max<int64_t>(1, storageType(t).getIntOrFloatBitWidth() / 8);
}

lowering::Scratch::Scratch(ArrayRef<Type> types, int64_t count,
                           int64_t base) {
  for (Type t : types) {
    bytes = llvm::alignTo(bytes, 16);
    offsets.push_back(base + bytes);
    bytes += count * storageBytes(t);
  }
}

/// The bytes of a memdesc's buffers (all of them when multi-buffered).
int64_t lowering::memdescBytes(MemDescType m) {
  auto l = getLinearLayout(m);
  int64_t elems = 1;
  if (succeeded(l) && l->hasInDim("offset"))
    elems = l->inDimSize(l->inDimIndex("offset"));
  else
    for (int64_t d : m.getBufferShape())
      elems *= d;
  return m.getNumBuffers() * elems * storageBytes(m.getElementType());
}


FailureOr<int64_t> lowering::sharedOffset(Operation *op, int64_t bytes) {
  auto off = op->getAttrOfType<IntegerAttr>(kSharedOffsetAttr);
  auto size = op->getAttrOfType<IntegerAttr>(kSharedBytesAttr);
  if (!off || !size)
    return op->emitOpError()
           << "cannot be lowered: it needs " << bytes
           << " bytes of shared memory but ll-allocate-shared gave it none "
              "(the op changed after allocation)";
  if (size.getInt() < bytes)
    return op->emitOpError()
           << "cannot be lowered: it needs " << bytes
           << " bytes of shared memory but ll-allocate-shared gave it "
           << size.getInt() << " (the op changed after allocation)";
  return off.getInt();
}

/// @global_smem plus `bytes`.
static Value sharedAt(OpBuilder &b, Location loc, int64_t bytes) {
  auto ptrTy = LLVM::LLVMPointerType::get(b.getContext(), 3);
  Value base = b.create<LLVM::AddressOfOp>(loc, ptrTy, kSharedSymbol);
  if (bytes)
    base = b.create<LLVM::GEPOp>(loc, ptrTy, b.getI8Type(), base,
                                 ArrayRef<LLVM::GEPArg>{int32_t(bytes)});
  return base;
}

FailureOr<Value> lowering::sharedBase(OpBuilder &b, Location loc,
                                      Operation *op, int64_t bytes) {
  auto off = sharedOffset(op, bytes);
  if (failed(off))
    return failure();
  return sharedAt(b, loc, *off);
}

Value lowering::elementPtr(OpBuilder &b, Location loc, Value base, Type t,
                           Value index) {
  auto ptrTy = LLVM::LLVMPointerType::get(b.getContext(), 3);
  return b.create<LLVM::GEPOp>(loc, ptrTy, storageType(t), base,
                               ArrayRef<LLVM::GEPArg>{index});
}

void lowering::storeTo(OpBuilder &b, Location loc, Value ptr, Value v) {
  if (v.getType().isInteger(1))
    v = b.create<LLVM::ZExtOp>(loc, b.getI8Type(), v);
  b.create<LLVM::StoreOp>(loc, v, ptr);
}

Value lowering::loadFrom(OpBuilder &b, Location loc, Value ptr, Type t) {
  Value v = b.create<LLVM::LoadOp>(loc, storageType(t), ptr);
  if (t.isInteger(1))
    v = b.create<LLVM::TruncOp>(loc, t, v);
  return v;
}

void lowering::storeElement(OpBuilder &b, Location loc, Value base, Value v,
                            Value index) {
  storeTo(b, loc, elementPtr(b, loc, base, v.getType(), index), v);
}

Value lowering::loadElement(OpBuilder &b, Location loc, Value base, Type t,
                            Value index) {
  return loadFrom(b, loc, elementPtr(b, loc, base, t, index), t);
}

Value lowering::sharedPtr(OpBuilder &b, Location loc, const Scratch &s, int k,
                          Type t, Value index) {
  return elementPtr(b, loc, sharedAt(b, loc, s.offsets[k]), t, index);
}

void lowering::storeShared(OpBuilder &b, Location loc, const Scratch &s, int k,
                           Value v, Value index) {
  storeElement(b, loc, sharedAt(b, loc, s.offsets[k]), v, index);
}

Value lowering::loadShared(OpBuilder &b, Location loc, const Scratch &s, int k,
                           Type t, Value index) {
  return loadElement(b, loc, sharedAt(b, loc, s.offsets[k]), t, index);
}

SmallVector<Value> lowering::loadSharedRun(OpBuilder &b, Location loc, const Scratch &s,
                                 int k, Type t, Value index, int64_t count) {
  int64_t bytes = storageBytes(t);
  int64_t vec = std::min<int64_t>(count, std::max<int64_t>(1, 16 / bytes));
  if (isa<LLVM::LLVMPointerType>(t))
    vec = 1;
  SmallVector<Value> out;
  for (int64_t q = 0; q < count; q += vec) {
    Value at = q ? b.create<LLVM::OrOp>(loc, index, i32(b, loc, q)).getResult()
                 : index;
    if (vec == 1) {
      out.push_back(loadShared(b, loc, s, k, t, at));
      continue;
    }
    Type st = storageType(t);
    Value v = b.create<LLVM::LoadOp>(loc, VectorType::get({vec}, st),
                                     sharedPtr(b, loc, s, k, t, at),
                                     /*alignment=*/unsigned(vec * bytes));
    for (int64_t e = 0; e < vec; ++e) {
      Value x = b.create<LLVM::ExtractElementOp>(loc, v, i32(b, loc, e));
      if (st != t)
        x = b.create<LLVM::TruncOp>(loc, t, x);
      out.push_back(x);
    }
  }
  return out;
}

SmallVector<int64_t> lowering::rowMajorStrides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> s(shape.size(), 1);
  for (int d = int(shape.size()) - 2; d >= 0; --d)
    s[d] = s[d + 1] * shape[d + 1];
  return s;
}

LinearLayout lowering::indexLayout(const LinearLayout &l,
                                   ArrayRef<int64_t> strides) {
  ::ll::BasesList bl;
  int64_t size = 1;
  for (int d = 0; d < l.numOutDims(); ++d)
    size += (l.outDimSize(d) - 1) * strides[d];
  for (int i = 0; i < l.numInDims(); ++i) {
    std::vector<::ll::Basis> bs;
    for (int b = 0; b < l.inDimSizeLog2(i); ++b) {
      int64_t v = 0;
      for (int d = 0; d < l.numOutDims(); ++d)
        v += int64_t(l.basis(i, b, d)) * strides[d];
      bs.push_back({int32_t(v)});
    }
    bl.push_back({l.inDimName(i), std::move(bs)});
  }
  return *LinearLayout::create(
      std::move(bl),
      ::ll::DimSizes{{"offset", int32_t(llvm::PowerOf2Ceil(uint64_t(size)))}},
      /*requireSurjective=*/false);
}

/// A buffer's coordinates -> element offsets: its memory layout inverted
/// (failure with a diagnostic on `op`).
static FailureOr<LinearLayout> coordsToOffsets(Operation *op, MemDescType mem) {
  auto shared = lowering::layoutOf(op, mem);
  if (failed(shared))
    return failure();
  auto inv = shared->invert();
  if (!inv)
    return op->emitOpError() << "cannot be lowered: the memory layout is not "
                                "invertible: "
                             << inv.error().message();
  return *inv;
}

FailureOr<LinearLayout> lowering::viewOffsets(Operation *op, MemDescType mem) {
  auto inv = coordsToOffsets(op, mem);
  if (failed(inv))
    return failure();
  if (!mem.isSubview())
    return *inv;
  // The view's coordinates are the low bits of the buffer's.
  ArrayRef<int64_t> view = mem.getBufferShape();
  ::ll::BasesList bases;
  for (int i = 0; i < inv->numInDims(); ++i) {
    std::vector<::ll::Basis> bs = inv->bases(i);
    StringRef name = inv->inDimName(i);
    unsigned d = 0;
    if (!name.consume_front("dim") || name.getAsInteger(10, d) ||
        d >= view.size())
      return op->emitOpError() << "cannot be lowered: unexpected memory "
                                  "layout dim " << inv->inDimName(i);
    bs.resize(llvm::Log2_64(uint64_t(view[d])));
    bases.push_back({inv->inDimName(i), std::move(bs)});
  }
  auto r = LinearLayout::create(std::move(bases), inv->outDims(),
                                /*requireSurjective=*/false);
  if (!r)
    return op->emitOpError() << "cannot be lowered: " << r.error().message();
  return *r;
}

FailureOr<int32_t> lowering::viewOrigin(Operation *op, Value mem) {
  auto type = cast<MemDescType>(mem.getType());
  SmallVector<int64_t> origin(type.getShape().size(), 0);
  while (type.isSubview()) {
    if (auto s = mem.getDefiningOp<MemDescSubsliceOp>()) {
      for (auto [o, d] : llvm::zip(origin, s.getOffsets()))
        o += d;
      mem = s.getSrc();
    } else if (auto t = mem.getDefiningOp<MemDescTransOp>()) {
      // result dim i is source dim order[i]
      SmallVector<int64_t> src(origin.size());
      for (auto [i, o] : llvm::enumerate(t.getOrder()))
        src[o] = origin[i];
      origin = src;
      mem = t.getSrc();
    } else {
      return op->emitOpError()
             << "cannot be lowered: the origin of the view " << type
             << " is not known here (a memdesc_subslice carried through a "
                "loop or a branch is not supported)";
    }
    type = cast<MemDescType>(mem.getType());
  }
  if (llvm::all_of(origin, [](int64_t o) { return o == 0; }))
    return 0;
  auto inv = coordsToOffsets(op, type);
  if (failed(inv))
    return failure();
  std::vector<std::pair<std::string, int32_t>> at;
  for (auto [d, o] : llvm::enumerate(origin))
    at.push_back({"dim" + std::to_string(d), int32_t(o)});
  auto r = inv->applyNamed(at);
  if (!r)
    return op->emitOpError() << "cannot be lowered: " << r.error().message();
  return (*r)[0];
}

FailureOr<LinearLayout> lowering::layoutOf(Operation *op, Type type) {
  std::string reason;
  auto l = getLinearLayout(type, &reason);
  if (failed(l)) {
    op->emitOpError() << "cannot be lowered: " << reason;
    return failure();
  }
  if (l->hasInDim("block") && l->inDimSize(l->inDimIndex("block")) > 1) {
    op->emitOpError() << "cannot be lowered: layouts over several CTAs "
                         "(clusters) are not supported";
    return failure();
  }
  return l;
}

SmallVector<SmallVector<int>> lowering::groupRegisters(ArrayRef<int32_t> bits,
                                                     int regs) {
  int32_t mask = 0;
  for (int32_t m : bits)
    mask |= m;
  SmallVector<SmallVector<int>> groups;
  for (int r = 0; r < regs; ++r) {
    if (r & mask)
      continue;
    SmallVector<int> g;
    for (int j = 0; j < (1 << bits.size()); ++j) {
      int x = r;
      for (auto [k, m] : llvm::enumerate(bits))
        if ((j >> k) & 1)
          x |= m;
      g.push_back(x);
    }
    groups.push_back(std::move(g));
  }
  return groups;
}

SmallVector<SmallVector<int>> lowering::accessGroups(Operation *op,
                                                   Type ptrType, int regs) {
  SmallVector<int32_t> bits;
  if (auto v = op->getAttrOfType<DenseI64ArrayAttr>(kVectorAttr))
    if (auto l = getLinearLayout(ptrType); succeeded(l))
      bits = globalVectorBits(*l, int(v[0]), int(v[1]));
  return groupRegisters(bits, regs);
}

Value lowering::globalString(OpBuilder &b, Location loc, StringRef name,
                             StringRef text, unsigned space) {
  Operation *scope = b.getInsertionBlock()->getParentOp();
  auto module = isa<ModuleOp>(scope) ? cast<ModuleOp>(scope)
                                     : scope->getParentOfType<ModuleOp>();
  std::string bytes = (text + Twine('\0')).str();
  auto type = LLVM::LLVMArrayType::get(b.getI8Type(), bytes.size());
  LLVM::GlobalOp global;
  for (auto g : module.getOps<LLVM::GlobalOp>())
    if (g.getName().starts_with(name) && g.getAddrSpace() == space)
      if (auto v = dyn_cast_or_null<StringAttr>(g.getValueOrNull()))
        if (v.getValue() == bytes)
          global = g;
  if (!global) {
    std::string sym;
    for (int i = 0;; ++i) {
      sym = (name + "_" + Twine(i)).str();
      if (!SymbolTable::lookupSymbolIn(module, sym))
        break;
    }
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(module.getBody());
    global = b.create<LLVM::GlobalOp>(loc, type, /*isConstant=*/true,
                                      LLVM::Linkage::Internal, sym,
                                      b.getStringAttr(bytes), /*alignment=*/1,
                                      space);
  }
  Value p = b.create<LLVM::AddressOfOp>(loc, global);
  if (space != 0)
    p = b.create<LLVM::AddrSpaceCastOp>(
        loc, LLVM::LLVMPointerType::get(b.getContext(), 0), p);
  return p;
}

LLVM::LLVMFuncOp lowering::declareFunction(OpBuilder &b, Location loc,
                                           StringRef name,
                                           LLVM::LLVMFunctionType type) {
  Operation *scope = b.getInsertionBlock()->getParentOp();
  auto module = isa<ModuleOp>(scope) ? cast<ModuleOp>(scope)
                                     : scope->getParentOfType<ModuleOp>();
  if (auto f = module.lookupSymbol<LLVM::LLVMFuncOp>(name))
    return f;
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(module.getBody());
  return b.create<LLVM::LLVMFuncOp>(loc, name, type);
}
