//===- TritonMirror.cpp - Parse-only mirrors of tt / ttg -------------------===//
//
// Triton's types and layout attributes are read into the ll dialect's:
//   !tt.ptr<T>, !tt.ptr<T, as>          -> !ll.ptr<T, as>
//   !ttg.memdesc<SHAPExT, #enc, #space(, mutable)(, ALLOC)?>
//                                       -> !ll.memdesc<SHAPExT, #enc(, mutable)(, ALLOC)?>
//   #ttg.blocked<...>, #ttg.slice<...>, ... -> #ll.blocked<...>, ...
//   #ttg.shared_memory                  -> a unit attribute (the memory space)
// The ll attribute parsers take Triton's parameter syntax.
//
//===----------------------------------------------------------------------===//

#include "linear_layouts/Dialect/TritonMirror/TritonMirror.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/FunctionImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::ll;

#include "linear_layouts/Dialect/TritonMirror/TritonMirrorDialects.cpp.inc"
#include "linear_layouts/Dialect/TritonMirror/TritonMirrorEnums.cpp.inc"
#include "linear_layouts/Dialect/TritonMirror/TritonMirrorGPUDialects.cpp.inc"
#include "linear_layouts/Dialect/TritonMirror/TritonMirrorAMDDialects.cpp.inc"
#include "linear_layouts/Dialect/TritonMirror/TritonMirrorNVDialects.cpp.inc"

//===----------------------------------------------------------------------===//
// tt
//===----------------------------------------------------------------------===//

void tt::TTDialect::initialize() {
  getContext()->loadDialect<LLDialect>();
  addOperations<tt::FuncOp, tt::ReturnOp, tt::CallOp, tt::GetProgramIdOp,
                tt::GetNumProgramsOp, tt::MakeRangeOp, tt::SplatOp,
                tt::AddPtrOp, tt::LoadOp, tt::StoreOp, tt::ExpandDimsOp,
                tt::BroadcastOp, tt::ReshapeOp, tt::TransOp, tt::JoinOp, tt::CatOp,
                tt::SplitOp, tt::ReduceOp, tt::ReduceReturnOp, tt::ScanOp,
                tt::ScanReturnOp, tt::GatherOp, tt::HistogramOp,
                tt::BitcastOp, tt::IntToPtrOp, tt::PtrToIntOp, tt::FpToFpOp,
                tt::PreciseSqrtOp, tt::PreciseDivFOp, tt::ApproxDivFOp,
                tt::MulhiUIOp, tt::ClampFOp, tt::AtomicRMWOp,
                tt::AtomicCASOp, tt::PrintOp, tt::AssertOp,
                tt::ExternElementwiseOp, tt::ElementwiseInlineAsmOp, tt::DotOp>();
}

Type tt::TTDialect::parseType(DialectAsmParser &p) const {
  StringRef name;
  SMLoc loc = p.getCurrentLocation();
  if (p.parseKeyword(&name))
    return {};
  if (name == "tensordesc") {
    // !tt.tensordesc<tensor<16x32xf32, #shared>> (3.6 - 3.8) or
    // !tt.tensordesc<16x32xf32, #shared> (3.9): sm_90's TMA tensor map,
    // read as !ll.tensordesc<16x32xf32, #shared> (a tensor type could not
    // hold a memory layout).
    if (p.parseLess())
      return {};
    bool wrapped = succeeded(p.parseOptionalKeyword("tensor"));
    SmallVector<int64_t> shape;
    Type elt;
    Attribute enc;
    if ((wrapped && p.parseLess()) || parseShapedBody(p, shape, elt, enc) ||
        p.parseGreater() || (wrapped && p.parseGreater()))
      return {};
    return TensorDescType::getChecked([&] { return p.emitError(loc); },
                                      getContext(), ArrayRef<int64_t>(shape),
                                      elt, enc);
  }
  if (name != "ptr") {
    p.emitError(loc) << "unsupported Triton type !tt." << name;
    return {};
  }
  Type pointee;
  int as = 1;
  if (p.parseLess() || p.parseType(pointee))
    return {};
  if (succeeded(p.parseOptionalComma()) && p.parseInteger(as))
    return {};
  if (p.parseGreater())
    return {};
  if (isa<RankedTensorType>(pointee)) {
    p.emitError(loc) << "unsupported Triton type: a pointer to a tensor "
                        "(block pointers)";
    return {};
  }
  return PointerType::get(getContext(), pointee, as);
}

void tt::TTDialect::printType(Type, DialectAsmPrinter &p) const {
  p << "<unprintable>"; // the dialect makes no types of its own
}

Type tt::pointeeOf(Type ptrLike) {
  auto ptr = dyn_cast<PointerType>(getElementTypeOrSelf(ptrLike));
  if (!ptr)
    return ptrLike;
  if (auto t = dyn_cast<RankedTensorType>(ptrLike))
    return t.clone(ptr.getPointeeType());
  return ptr.getPointeeType();
}

Type tt::maskOf(Type ptrLike) {
  Type i1 = IntegerType::get(ptrLike.getContext(), 1);
  if (auto t = dyn_cast<RankedTensorType>(ptrLike))
    return t.clone(i1);
  return i1;
}

ParseResult ttg::BarrierOp::parse(OpAsmParser &p, OperationState &result) {
  std::string spaces;
  do {
    StringRef word;
    if (p.parseKeyword(&word))
      return failure();
    spaces += (spaces.empty() ? "" : "|") + word.str();
  } while (succeeded(p.parseOptionalVerticalBar()));
  result.addAttribute("spaces", p.getBuilder().getStringAttr(spaces));
  return p.parseOptionalAttrDict(result.attributes);
}

void ttg::BarrierOp::print(OpAsmPrinter &p) {
  p << " " << getSpaces();
  p.printOptionalAttrDict((*this)->getAttrs(), {"spaces"});
}

/// `$src[o0, o1, ...] attr-dict : type -> type` (3.8+).
ParseResult ttg::MemDescSubsliceOp::parse(OpAsmParser &p,
                                          OperationState &result) {
  OpAsmParser::UnresolvedOperand src;
  SmallVector<int32_t> offsets;
  Type srcType, type;
  if (p.parseOperand(src) ||
      p.parseCommaSeparatedList(OpAsmParser::Delimiter::Square, [&] {
        return p.parseInteger(offsets.emplace_back());
      }) ||
      p.parseOptionalAttrDict(result.attributes) || p.parseColonType(srcType) ||
      p.parseArrow() || p.parseType(type))
    return failure();
  result.addAttribute("offsets", p.getBuilder().getDenseI32ArrayAttr(offsets));
  result.addTypes(type);
  return p.resolveOperand(src, srcType, result.operands);
}

void ttg::MemDescSubsliceOp::print(OpAsmPrinter &p) {
  p << " " << getSrc() << "[";
  llvm::interleaveComma(getOffsets(), p);
  p << "] : " << getSrc().getType() << " -> " << getType();
}

ParseResult tt::FuncOp::parse(OpAsmParser &p, OperationState &result) {
  auto build = [](Builder &b, ArrayRef<Type> args, ArrayRef<Type> results,
                  function_interface_impl::VariadicFlag, std::string &) {
    return b.getFunctionType(args, results);
  };
  return function_interface_impl::parseFunctionOp(
      p, result, /*allowVariadic=*/false,
      getFunctionTypeAttrName(result.name), build,
      getArgAttrsAttrName(result.name), getResAttrsAttrName(result.name));
}

void tt::FuncOp::print(OpAsmPrinter &p) {
  function_interface_impl::printFunctionOp(
      p, *this, /*isVariadic=*/false, getFunctionTypeAttrName(),
      getArgAttrsAttrName(), getResAttrsAttrName());
}

/// The optional `cacheModifier = c` and `evictionPolicy = e` clauses.
static ParseResult parseHints(OpAsmParser &p, OperationState &result) {
  MLIRContext *ctx = p.getContext();
  while (true) {
    if (succeeded(p.parseOptionalKeyword("cacheModifier"))) {
      StringRef v;
      SMLoc loc = p.getCurrentLocation();
      if (p.parseEqual() || p.parseKeyword(&v))
        return failure();
      auto c = tt::symbolizeCacheModifier(v);
      if (!c)
        return p.emitError(loc) << "unknown cache modifier " << v;
      result.addAttribute("cache", tt::CacheModifierAttr::get(ctx, *c));
      continue;
    }
    if (succeeded(p.parseOptionalKeyword("evictionPolicy"))) {
      StringRef v;
      SMLoc loc = p.getCurrentLocation();
      if (p.parseEqual() || p.parseKeyword(&v))
        return failure();
      auto e = tt::symbolizeEvictionPolicy(v);
      if (!e)
        return p.emitError(loc) << "unknown eviction policy " << v;
      result.addAttribute("evict", tt::EvictionPolicyAttr::get(ctx, *e));
      continue;
    }
    return success();
  }
}

ParseResult tt::LoadOp::parse(OpAsmParser &p, OperationState &result) {
  SmallVector<OpAsmParser::UnresolvedOperand> ops;
  Type ptrTy;
  if (p.parseOperandList(ops) || parseHints(p, result) ||
      p.parseOptionalAttrDict(result.attributes) || p.parseColonType(ptrTy))
    return failure();
  if (ops.empty() || ops.size() > 3)
    return p.emitError(p.getNameLoc()) << "expects 1 to 3 operands";
  SmallVector<Type> types = {ptrTy, maskOf(ptrTy), pointeeOf(ptrTy)};
  types.resize(ops.size());
  if (p.resolveOperands(ops, types, p.getNameLoc(), result.operands))
    return failure();
  result.addAttribute(getOperandSegmentSizesAttrName(result.name),
                      p.getBuilder().getDenseI32ArrayAttr(
                          {1, int32_t(ops.size() > 1), int32_t(ops.size() > 2)}));
  result.addTypes(pointeeOf(ptrTy));
  return success();
}

void tt::LoadOp::print(OpAsmPrinter &p) {
  p << " " << getOperands() << " : " << getPtr().getType();
}

ParseResult tt::StoreOp::parse(OpAsmParser &p, OperationState &result) {
  SmallVector<OpAsmParser::UnresolvedOperand> ops;
  Type ptrTy;
  if (p.parseOperandList(ops) || parseHints(p, result) ||
      p.parseOptionalAttrDict(result.attributes) || p.parseColonType(ptrTy))
    return failure();
  if (ops.size() < 2 || ops.size() > 3)
    return p.emitError(p.getNameLoc()) << "expects 2 or 3 operands";
  SmallVector<Type> types = {ptrTy, pointeeOf(ptrTy), maskOf(ptrTy)};
  types.resize(ops.size());
  return p.resolveOperands(ops, types, p.getNameLoc(), result.operands);
}

void tt::StoreOp::print(OpAsmPrinter &p) {
  p << " " << getOperands() << " : " << getPtr().getType();
}

ParseResult tt::HistogramOp::parse(OpAsmParser &p, OperationState &result) {
  SmallVector<OpAsmParser::UnresolvedOperand> ops;
  Type src, dst;
  if (p.parseOperandList(ops) || p.parseOptionalAttrDict(result.attributes) ||
      p.parseColonType(src) || p.parseArrow() || p.parseType(dst))
    return failure();
  if (ops.empty() || ops.size() > 2)
    return p.emitError(p.getNameLoc()) << "expects 1 or 2 operands";
  SmallVector<Type> types = {src, maskOf(src)};
  types.resize(ops.size());
  result.addTypes(dst);
  return p.resolveOperands(ops, types, p.getNameLoc(), result.operands);
}

void tt::HistogramOp::print(OpAsmPrinter &p) {
  p << " " << getOperands() << " : " << getSrc().getType() << " -> "
    << getType();
}

//===----------------------------------------------------------------------===//
// ttg
//===----------------------------------------------------------------------===//

void ttg::TTGDialect::initialize() {
  getContext()->loadDialect<LLDialect>();
  addOperations<ttg::ConvertLayoutOp, ttg::LocalAllocOp, ttg::LocalLoadOp,
                ttg::LocalStoreOp, ttg::LocalDeallocOp, ttg::BarrierOp,
                ttg::MemDescIndexOp, ttg::AsyncCopyGlobalToLocalOp,
                ttg::AsyncCommitGroupOp, ttg::AsyncWaitOp,
                ttg::GlobalScratchAllocOp, ttg::MemDescTransOp,
                ttg::MemDescSubsliceOp, ttg::Fp4ToFpOp>();
}

//===----------------------------------------------------------------------===//
// ttng
//===----------------------------------------------------------------------===//

void ttng::TTNGDialect::initialize() {
  getContext()->loadDialect<LLDialect>();
  addOperations<ttng::TensormapCreateOp, ttng::TensormapFenceproxyAcquireOp,
                ttng::ReinterpretTensorDescOp, ttng::InitBarrierOp,
                ttng::InvalBarrierOp, ttng::BarrierExpectOp,
                ttng::WaitBarrierOp, ttng::AsyncTMACopyGlobalToLocalOp,
                ttng::AsyncTMACopyLocalToGlobalOp, ttng::TMAStoreWaitOp,
                ttng::FenceAsyncSharedOp, ttng::WarpGroupDotOp,
                ttng::WarpGroupDotWaitOp>();
}

//===----------------------------------------------------------------------===//
// amdg
//===----------------------------------------------------------------------===//

void amdg::AMDGDialect::initialize() {
  getContext()->loadDialect<LLDialect>();
  addOperations<amdg::BufferLoadOp, amdg::BufferStoreOp,
                amdg::BufferAtomicRMWOp, amdg::BufferAtomicCASOp,
                amdg::InThreadTransposeOp, amdg::UpcastMxfpOp,
                amdg::ScaledUpcastFp4Op, amdg::ScaledUpcastFp8Op>();
}

/// `$ptr[$offsets]` with the types given by the access's tensor type.
static ParseResult parseBufferAccess(OpAsmParser &p,
                                     SmallVectorImpl<OpAsmParser::UnresolvedOperand> &ops) {
  OpAsmParser::UnresolvedOperand ptr, off;
  if (p.parseOperand(ptr) || p.parseLSquare() || p.parseOperand(off) ||
      p.parseRSquare())
    return failure();
  ops.push_back(ptr);
  ops.push_back(off);
  while (succeeded(p.parseOptionalComma())) {
    OpAsmParser::UnresolvedOperand o;
    if (p.parseOperand(o))
      return failure();
    ops.push_back(o);
  }
  return success();
}

/// The types after the colon of a buffer access: the tensor type alone
/// (Triton 3.6) or the base pointer's type, `->`, the tensor type (3.9):
///   amdg.buffer_load %p[%offs], %m : tensor<1024xf32, #blocked>
///   amdg.buffer_load %p[%offs], %m : !tt.ptr<f32> -> tensor<1024xf32, #blocked>
static ParseResult parseBufferTypes(OpAsmParser &p, Type &ptrType, Type &type) {
  if (p.parseColonType(type))
    return failure();
  if (failed(p.parseOptionalArrow()))
    return success();
  ptrType = type;
  return p.parseType(type);
}

/// The scalar pointer type of a buffer access to `t` (`ptrType` when the
/// text names it), and its i32 offsets.
static std::pair<Type, Type> bufferTypes(RankedTensorType t, Type ptrType) {
  MLIRContext *ctx = t.getContext();
  if (!ptrType)
    ptrType = PointerType::get(ctx, t.getElementType(), 1);
  return {ptrType, t.clone(IntegerType::get(ctx, 32))};
}

ParseResult amdg::BufferLoadOp::parse(OpAsmParser &p, OperationState &result) {
  SmallVector<OpAsmParser::UnresolvedOperand> ops;
  Type type, ptrType;
  if (parseBufferAccess(p, ops) || parseHints(p, result) ||
      p.parseOptionalAttrDict(result.attributes) ||
      parseBufferTypes(p, ptrType, type))
    return failure();
  auto t = dyn_cast<RankedTensorType>(type);
  if (!t || ops.size() > 4)
    return p.emitError(p.getNameLoc()) << "expects a tensor type and 2 to 4 operands";
  auto [ptr, off] = bufferTypes(t, ptrType);
  SmallVector<Type> types = {ptr, off, tt::maskOf(t), t};
  types.resize(ops.size());
  result.addAttribute(getOperandSegmentSizesAttrName(result.name),
                      p.getBuilder().getDenseI32ArrayAttr(
                          {1, 1, int32_t(ops.size() > 2), int32_t(ops.size() > 3)}));
  result.addTypes(t);
  return p.resolveOperands(ops, types, p.getNameLoc(), result.operands);
}

void amdg::BufferLoadOp::print(OpAsmPrinter &p) {
  p << " " << getOperands() << " : " << getType();
}

/// `$value, $ptr[$offsets] (, $mask)? hints attr-dict : types` (a buffer
/// store, or an atomic after its keywords): the operands resolved; the
/// value's tensor type in `type`.
static ParseResult parseValueToBuffer(OpAsmParser &p, OperationState &result,
                                      RankedTensorType &type) {
  OpAsmParser::UnresolvedOperand value;
  SmallVector<OpAsmParser::UnresolvedOperand> ops;
  Type parsed, ptrType;
  if (p.parseOperand(value) || p.parseComma() || parseBufferAccess(p, ops) ||
      parseHints(p, result) || p.parseOptionalAttrDict(result.attributes) ||
      parseBufferTypes(p, ptrType, parsed))
    return failure();
  type = dyn_cast<RankedTensorType>(parsed);
  if (!type || ops.size() > 3)
    return p.emitError(p.getNameLoc()) << "expects a tensor type and 3 or 4 operands";
  auto [ptr, off] = bufferTypes(type, ptrType);
  ops.insert(ops.begin(), value);
  SmallVector<Type> types = {type, ptr, off, tt::maskOf(type)};
  types.resize(ops.size());
  return p.resolveOperands(ops, types, p.getNameLoc(), result.operands);
}

ParseResult amdg::BufferStoreOp::parse(OpAsmParser &p, OperationState &result) {
  RankedTensorType t;
  return parseValueToBuffer(p, result, t);
}

void amdg::BufferStoreOp::print(OpAsmPrinter &p) {
  p << " " << getOperands() << " : " << getValue().getType();
}

/// `kw,` for each enum keyword of an atomic (op, sem, scope), as
/// attributes `names`.
template <typename... Enums>
static ParseResult parseAtomicKeywords(OpAsmParser &p, OperationState &result,
                                       ArrayRef<StringRef> names) {
  MLIRContext *ctx = p.getContext();
  size_t i = 0;
  auto one = [&](auto symbolize, auto makeAttr) -> ParseResult {
    StringRef kw;
    SMLoc loc = p.getCurrentLocation();
    if (p.parseKeyword(&kw) || p.parseComma())
      return failure();
    auto v = symbolize(kw);
    if (!v)
      return p.emitError(loc) << "unknown " << names[i] << " '" << kw << "'";
    result.addAttribute(names[i++], makeAttr(ctx, *v));
    return success();
  };
  ParseResult r = success();
  ((r = succeeded(r) ? one(Enums::symbolize, Enums::make) : r), ...);
  return r;
}

namespace {
struct RMWKeyword {
  static std::optional<tt::RMWOp> symbolize(StringRef s) { return tt::symbolizeRMWOp(s); }
  static Attribute make(MLIRContext *c, tt::RMWOp v) { return tt::RMWOpAttr::get(c, v); }
};
struct SemKeyword {
  static std::optional<tt::MemSemantic> symbolize(StringRef s) {
    return tt::symbolizeMemSemantic(s);
  }
  static Attribute make(MLIRContext *c, tt::MemSemantic v) {
    return tt::MemSemanticAttr::get(c, v);
  }
};
struct ScopeKeyword {
  static std::optional<tt::MemSyncScope> symbolize(StringRef s) {
    return tt::symbolizeMemSyncScope(s);
  }
  static Attribute make(MLIRContext *c, tt::MemSyncScope v) {
    return tt::MemSyncScopeAttr::get(c, v);
  }
};
} // namespace

ParseResult amdg::BufferAtomicRMWOp::parse(OpAsmParser &p,
                                           OperationState &result) {
  RankedTensorType t;
  if (parseAtomicKeywords<RMWKeyword, SemKeyword, ScopeKeyword>(
          p, result, {"atomic_rmw_op", "sem", "scope"}) ||
      parseValueToBuffer(p, result, t))
    return failure();
  result.addTypes(t);
  return success();
}

void amdg::BufferAtomicRMWOp::print(OpAsmPrinter &p) {
  p << " " << getOperands() << " : " << getType();
}

ParseResult amdg::BufferAtomicCASOp::parse(OpAsmParser &p,
                                           OperationState &result) {
  OpAsmParser::UnresolvedOperand cmp, value;
  SmallVector<OpAsmParser::UnresolvedOperand> ops;
  Type type, ptrType;
  if (parseAtomicKeywords<SemKeyword, ScopeKeyword>(p, result,
                                                    {"sem", "scope"}) ||
      p.parseOperand(cmp) || p.parseComma() || p.parseOperand(value) ||
      p.parseComma() || parseBufferAccess(p, ops) || parseHints(p, result) ||
      p.parseOptionalAttrDict(result.attributes) ||
      parseBufferTypes(p, ptrType, type))
    return failure();
  auto t = dyn_cast<RankedTensorType>(type);
  if (!t || ops.size() != 2)
    return p.emitError(p.getNameLoc()) << "expects a tensor type and 4 operands";
  auto [ptr, off] = bufferTypes(t, ptrType);
  ops.insert(ops.begin(), {cmp, value});
  SmallVector<Type> types = {t, t, ptr, off};
  result.addTypes(t);
  return p.resolveOperands(ops, types, p.getNameLoc(), result.operands);
}

void amdg::BufferAtomicCASOp::print(OpAsmPrinter &p) {
  p << " " << getOperands() << " : " << getType();
}

/// `<SHAPExT, #enc, #space(, mutable)(, ALLOC)?>`, the body of a
/// !ttg.memdesc, as !ll.memdesc.
static Type parseMemDescBody(AsmParser &p) {
  SMLoc loc = p.getCurrentLocation();
  SmallVector<int64_t> shape;
  Type elt;
  Attribute enc, space;
  if (p.parseLess() || p.parseDimensionList(shape, /*allowDynamic=*/false) ||
      p.parseType(elt) || p.parseComma() || p.parseAttribute(enc) ||
      p.parseComma() || p.parseAttribute(space))
    return {};
  bool mutableMemory = false;
  SmallVector<int64_t> alloc;
  while (succeeded(p.parseOptionalComma())) {
    if (succeeded(p.parseOptionalKeyword("mutable"))) {
      mutableMemory = true;
      continue;
    }
    // The allocation shape: a view of part of it (memdesc_subslice) when
    // its trailing dims differ from the shape (its leading dims, where it
    // has more, count buffers: Triton 3.4-3.5's subviews).
    if (p.parseDimensionList(alloc, false, /*withTrailingX=*/false))
      return {};
  }
  if (p.parseGreater())
    return {};
  ArrayRef<int64_t> view;
  if (alloc.size() >= shape.size() &&
      ArrayRef<int64_t>(alloc).take_back(shape.size()) != ArrayRef(shape))
    view = ArrayRef<int64_t>(alloc).take_back(shape.size());
  return MemDescType::getChecked([&] { return p.emitError(loc); },
                                 p.getContext(), ArrayRef<int64_t>(shape), elt,
                                 enc, mutableMemory, view);
}

Type ttg::TTGDialect::parseType(DialectAsmParser &p) const {
  StringRef name;
  SMLoc loc = p.getCurrentLocation();
  if (p.parseKeyword(&name))
    return {};
  if (name == "async.token")
    return AsyncTokenType::get(getContext());
  if (name != "memdesc") {
    p.emitError(loc) << "unsupported Triton type !ttg." << name;
    return {};
  }
  return parseMemDescBody(p);
}

ParseResult ttg::AsyncCopyGlobalToLocalOp::parse(OpAsmParser &p,
                                                 OperationState &result) {
  OpAsmParser::UnresolvedOperand ptr, dst, mask, other;
  bool hasMask = false, hasOther = false;
  Type ptrType, dstType;
  if (p.parseOperand(ptr) || p.parseComma() || p.parseOperand(dst))
    return failure();
  if (succeeded(p.parseOptionalKeyword("mask"))) {
    hasMask = true;
    if (p.parseOperand(mask))
      return failure();
  }
  if (succeeded(p.parseOptionalKeyword("other"))) {
    hasOther = true;
    if (p.parseOperand(other))
      return failure();
  }
  if (parseHints(p, result) || p.parseOptionalAttrDict(result.attributes) ||
      p.parseColonType(ptrType) || p.parseArrow())
    return failure();
  // `<...>` (3.6: the memdesc without its prefix) or a whole type.
  OptionalParseResult r = p.parseOptionalType(dstType);
  if (r.has_value()) {
    if (failed(*r))
      return failure();
  } else if (!(dstType = parseMemDescBody(p))) {
    return failure();
  }
  SmallVector<OpAsmParser::UnresolvedOperand> ops = {ptr, dst};
  SmallVector<Type> types = {ptrType, dstType};
  if (hasMask) {
    ops.push_back(mask);
    types.push_back(tt::maskOf(ptrType));
  }
  if (hasOther) {
    ops.push_back(other);
    types.push_back(tt::pointeeOf(ptrType));
  }
  result.addAttribute(getOperandSegmentSizesAttrName(result.name),
                      p.getBuilder().getDenseI32ArrayAttr(
                          {1, 1, int32_t(hasMask), int32_t(hasOther)}));
  result.addTypes(AsyncTokenType::get(p.getContext()));
  return p.resolveOperands(ops, types, p.getNameLoc(), result.operands);
}

void ttg::AsyncCopyGlobalToLocalOp::print(OpAsmPrinter &p) {
  p << " " << getOperands() << " : " << getPtr().getType();
}

/// `(tokens)? %t, ... attr-dict`: async tokens.
static ParseResult parseTokens(OpAsmParser &p, OperationState &result) {
  (void)p.parseOptionalKeyword("tokens");
  SmallVector<OpAsmParser::UnresolvedOperand> ops;
  if (p.parseOperandList(ops) || p.parseOptionalAttrDict(result.attributes))
    return failure();
  Type token = AsyncTokenType::get(p.getContext());
  result.addTypes(token);
  return p.resolveOperands(ops, SmallVector<Type>(ops.size(), token),
                           p.getNameLoc(), result.operands);
}

ParseResult ttg::AsyncCommitGroupOp::parse(OpAsmParser &p,
                                           OperationState &result) {
  return parseTokens(p, result);
}

void ttg::AsyncCommitGroupOp::print(OpAsmPrinter &p) { p << " " << getOperands(); }

ParseResult ttg::AsyncWaitOp::parse(OpAsmParser &p, OperationState &result) {
  if (failed(parseTokens(p, result)))
    return failure();
  if (!result.attributes.get("num"))
    return p.emitError(p.getNameLoc()) << "expects {num = N : i32}";
  return success();
}

void ttg::AsyncWaitOp::print(OpAsmPrinter &p) { p << " " << getOperands(); }

ParseResult ttng::WarpGroupDotWaitOp::parse(OpAsmParser &p,
                                            OperationState &result) {
  return parsePassThrough(p, result, "pendings");
}

void ttng::WarpGroupDotWaitOp::print(OpAsmPrinter &p) {
  printPassThrough(p, *this);
}

void ttg::TTGDialect::printType(Type, DialectAsmPrinter &p) const {
  p << "<unprintable>";
}

Attribute ttg::TTGDialect::parseAttribute(DialectAsmParser &p, Type type) const {
  StringRef name;
  SMLoc loc = p.getCurrentLocation();
  if (p.parseKeyword(&name))
    return {};
  if (name == "shared_memory")
    return UnitAttr::get(getContext());
  Attribute a =
      llvm::StringSwitch<function_ref<Attribute()>>(name)
          .Case("blocked", [&] { return BlockedAttr::parse(p, type); })
          .Case("slice", [&] { return SliceAttr::parse(p, type); })
          .Cases("nvidia_mma", "mma", [&] { return NvidiaMmaAttr::parse(p, type); })
          .Case("dot_op", [&] { return DotOperandAttr::parse(p, type); })
          .Case("amd_mfma", [&] { return AmdMfmaAttr::parse(p, type); })
          .Case("amd_wmma", [&] { return AmdWmmaAttr::parse(p, type); })
          .Case("linear", [&] { return LinearAttr::parse(p, type); })
          .Cases("swizzled_shared", "shared",
                 [&] { return SwizzledSharedAttr::parse(p, type); })
          .Case("nvmma_shared", [&] { return NVMMASharedAttr::parse(p, type); })
          .Case("amd_rotating_shared",
                [&] { return AmdRotatingSharedAttr::parse(p, type); })
          .Case("padded_shared", [&] { return PaddedSharedAttr::parse(p, type); })
          .Case("shared_linear", [&] { return SharedAttr::parse(p, type); })
          .Default([&] {
            p.emitError(loc) << "unsupported Triton attribute #ttg." << name;
            return Attribute();
          })();
  return a;
}

void ttg::TTGDialect::printAttribute(Attribute, DialectAsmPrinter &p) const {
  p << "unprintable";
}

#define GET_OP_CLASSES
#include "linear_layouts/Dialect/TritonMirror/TritonMirrorOps.cpp.inc"
