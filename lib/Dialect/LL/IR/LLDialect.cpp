//===- LLDialect.cpp - The ll dialect and its types -----------------------===//

#include "linear_layouts/Dialect/LL/IR/LLDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/Interfaces/DataLayoutInterfaces.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::ll;

#include "linear_layouts/Dialect/LL/IR/LLDialect.cpp.inc"
#include "linear_layouts/Dialect/LL/IR/LLEnums.cpp.inc"

namespace {
/// Print layouts through aliases (#blocked, #mma, #linear, #shared, ...), as
/// Triton does, so IR stays readable.
struct LLOpAsmInterface : public OpAsmDialectInterface {
  using OpAsmDialectInterface::OpAsmDialectInterface;
  AliasResult getAlias(Attribute attr, raw_ostream &os) const override {
    StringRef name = llvm::TypeSwitch<Attribute, StringRef>(attr)
                         .Case<BlockedAttr>([](auto) { return "blocked"; })
                         .Case<LinearAttr>([](auto) { return "linear"; })
                         .Case<SharedAttr>([](auto) { return "shared"; })
                         .Case<NvidiaMmaAttr>([](auto) { return "mma"; })
                         .Case<AmdMfmaAttr>([](auto) { return "mfma"; })
                         .Case<AmdWmmaAttr>([](auto) { return "wmma"; })
                         .Case<SwizzledSharedAttr, AmdRotatingSharedAttr,
                               NVMMASharedAttr, PaddedSharedAttr>(
                             [](auto) { return "shared"; })
                         .Default([](Attribute) { return StringRef(); });
    if (name.empty())
      return AliasResult::NoAlias;
    os << name;
    return AliasResult::FinalAlias;
  }
};
} // namespace

void LLDialect::initialize() {
  addInterfaces<LLOpAsmInterface>();
  registerAttributes();
  registerTypes();
  addOperations<
#define GET_OP_LIST
#include "linear_layouts/Dialect/LL/IR/LLOps.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// !ll.memdesc
//===----------------------------------------------------------------------===//

ParseResult mlir::ll::parseShapedBody(AsmParser &p,
                                      SmallVectorImpl<int64_t> &shape,
                                      Type &elt, Attribute &enc) {
  return failure(p.parseDimensionList(shape, /*allowDynamic=*/false,
                                      /*withTrailingX=*/true) ||
                 p.parseType(elt) || p.parseComma() || p.parseAttribute(enc));
}

/// `128x64xf16, #enc`.
static void printShapedBody(AsmPrinter &p, ArrayRef<int64_t> shape, Type elt,
                            Attribute enc) {
  for (int64_t d : shape)
    p << d << "x";
  p << elt << ", ";
  p.printAttribute(enc);
}

Type MemDescType::parse(AsmParser &p) {
  // <128x64xf16, #shared(, mutable)?>
  SmallVector<int64_t> shape;
  Type elt;
  Attribute enc;
  SMLoc loc = p.getCurrentLocation();
  if (p.parseLess() || parseShapedBody(p, shape, elt, enc))
    return {};
  // (, mutable)? (, ALLOCxSHAPE)?
  bool isMutable = false;
  SmallVector<int64_t> alloc;
  while (alloc.empty() && succeeded(p.parseOptionalComma())) {
    if (!isMutable && succeeded(p.parseOptionalKeyword("mutable"))) {
      isMutable = true;
      continue;
    }
    if (p.parseDimensionList(alloc, /*allowDynamic=*/false,
                             /*withTrailingX=*/false))
      return {};
  }
  if (p.parseGreater())
    return {};
  return getChecked([&] { return p.emitError(loc); }, p.getContext(), shape,
                    elt, enc, isMutable, alloc);
}

void MemDescType::print(AsmPrinter &p) const {
  p << "<";
  printShapedBody(p, getShape(), getElementType(), getEncoding());
  if (getMutableMemory())
    p << ", mutable";
  if (isSubview()) {
    p << ", ";
    llvm::interleave(getAllocShape(), p, "x");
  }
  p << ">";
}

Type TensorDescType::parse(AsmParser &p) {
  // <16x32xf32, #nvmma>
  SmallVector<int64_t> shape;
  Type elt;
  Attribute enc;
  SMLoc loc = p.getCurrentLocation();
  if (p.parseLess() || parseShapedBody(p, shape, elt, enc) || p.parseGreater())
    return {};
  return getChecked([&] { return p.emitError(loc); }, p.getContext(), shape,
                    elt, enc);
}

void TensorDescType::print(AsmPrinter &p) const {
  p << "<";
  printShapedBody(p, getShape(), getElementType(), getEncoding());
  p << ">";
}

LogicalResult TensorDescType::verify(function_ref<InFlightDiagnostic()> emitError,
                                     ArrayRef<int64_t> shape, Type elementType,
                                     Attribute encoding) {
  if (shape.empty() || shape.size() > 5)
    return emitError() << "!ll.tensordesc needs rank 1 to 5";
  return MemDescType::verify(emitError, shape, elementType, encoding, true,
                             {});
}

LogicalResult MemDescType::verify(function_ref<InFlightDiagnostic()> emitError,
                                  ArrayRef<int64_t> shape, Type elementType,
                                  Attribute encoding, bool,
                                  ArrayRef<int64_t> allocShape) {
  if (shape.empty())
    return emitError() << "!ll.memdesc needs rank >= 1";
  if (!allocShape.empty()) {
    // A view of part of a buffer: a box whose sides divide the buffer's.
    bool box = allocShape.size() == shape.size() && allocShape != shape;
    for (auto [v, a] : llvm::zip(shape, allocShape))
      box &= v > 0 && llvm::isPowerOf2_64(v) && a % v == 0;
    if (!box)
      return emitError() << "a view's allocation shape must have its rank, "
                            "differ from its shape and be a multiple of it "
                            "(powers of two) in every dim";
    shape = allocShape;
  }
  if (!elementType.isIntOrIndexOrFloat())
    return emitError() << "!ll.memdesc elements must be integers or floats";
  auto enc = dyn_cast<LayoutEncodingInterface>(encoding);
  if (!enc || !enc.isSharedLayout())
    return emitError() << "!ll.memdesc needs a memory layout (#ll.shared, "
                          "#ll.swizzled_shared, #ll.amd_rotating_shared, "
                          "#ll.nvmma_shared, #ll.padded_shared)";
  if (enc.getLayoutRank() > shape.size())
    return emitError() << "the layout has rank " << enc.getLayoutRank()
                       << " but the memory descriptor has rank "
                       << shape.size();
  // Leading dims beyond the layout's rank count buffers.
  auto r = enc.tryLinearLayout(shape.take_back(enc.getLayoutRank()));
  if (!r)
    return emitError() << "the layout does not apply to the shape: "
                       << r.error().message();
  return success();
}

ArrayRef<int64_t> MemDescType::getLayoutShape() const {
  auto enc = dyn_cast<LayoutEncodingInterface>(getEncoding());
  ArrayRef<int64_t> s = isSubview() ? getAllocShape() : getShape();
  return enc ? s.take_back(enc.getLayoutRank()) : s;
}

ArrayRef<int64_t> MemDescType::getBufferShape() const {
  auto enc = dyn_cast<LayoutEncodingInterface>(getEncoding());
  return enc ? getShape().take_back(enc.getLayoutRank()) : getShape();
}

int64_t MemDescType::getNumBuffers() const {
  int64_t n = 1;
  for (int64_t d : getShape().drop_back(getBufferShape().size()))
    n *= d;
  return n;
}

#define GET_TYPEDEF_CLASSES
#include "linear_layouts/Dialect/LL/IR/LLTypes.cpp.inc"

void LLDialect::registerTypes() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "linear_layouts/Dialect/LL/IR/LLTypes.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// Layout helpers
//===----------------------------------------------------------------------===//

LayoutEncodingInterface mlir::ll::getLayoutEncoding(Type type) {
  if (auto t = dyn_cast<RankedTensorType>(type))
    return dyn_cast_or_null<LayoutEncodingInterface>(t.getEncoding());
  if (auto m = dyn_cast<MemDescType>(type))
    return dyn_cast_or_null<LayoutEncodingInterface>(m.getEncoding());
  return nullptr;
}

ArrayRef<int64_t> mlir::ll::getLayoutShape(Type type) {
  if (auto t = dyn_cast<RankedTensorType>(type))
    return t.getShape();
  if (auto m = dyn_cast<MemDescType>(type))
    return m.getLayoutShape();
  return {};
}

LogicalResult
PointerType::verify(function_ref<InFlightDiagnostic()> emitError,
                    Type pointee, int addressSpace) {
  if (addressSpace < 0)
    return emitError() << "the address space must be non-negative, got "
                       << addressSpace;
  if (isa<RankedTensorType, MemDescType>(pointee))
    return emitError() << "a pointer points to scalars, not to " << pointee;
  return success();
}

bool mlir::ll::isPointerLike(Type type) {
  return isa<PointerType>(getElementTypeOrSelf(type));
}

FailureOr<unsigned> mlir::ll::getMovedBitWidth(Type type, Operation *scope,
                                               std::string *reason) {
  // Pointers move as 64-bit addresses.
  if (isa<PointerType>(type))
    return 64u;
  // Only types whose size the data layout knows: anything else would make
  // DataLayout abort.
  std::function<bool(Type)> sized = [&](Type t) {
    if (isa<IntegerType, FloatType, IndexType, DataLayoutTypeInterface>(t))
      return true;
    if (auto c = dyn_cast<ComplexType>(t))
      return sized(c.getElementType());
    if (auto v = dyn_cast<VectorType>(t))
      return !v.isScalable() && sized(v.getElementType());
    return false;
  };
  if (!sized(type)) {
    if (reason) {
      llvm::raw_string_ostream os(*reason);
      os << "element type " << type << " has no known size";
    }
    return failure();
  }
  uint64_t bits = DataLayout::closest(scope).getTypeSizeInBits(type);
  return unsigned(std::max<uint64_t>(8, llvm::PowerOf2Ceil(bits)));
}

FailureOr<::ll::LinearLayout> mlir::ll::getLinearLayout(Type type,
                                                        std::string *reason) {
  auto enc = getLayoutEncoding(type);
  if (!enc) {
    if (reason)
      *reason = "the type has no ll layout";
    return failure();
  }
  auto r = enc.tryLinearLayout(getLayoutShape(type));
  if (!r) {
    if (reason)
      *reason = r.error().message();
    return failure();
  }
  return *r;
}

bool mlir::ll::haveEqualLayouts(Type a, Type b) {
  if (a == b)
    return true;
  if (getLayoutShape(a) != getLayoutShape(b))
    return false;
  auto la = getLinearLayout(a), lb = getLinearLayout(b);
  return succeeded(la) && succeeded(lb) && *la == *lb;
}

bool mlir::ll::isLegacyLayout(Attribute attr) {
  auto e = dyn_cast_or_null<LayoutEncodingInterface>(attr);
  return e && e.isLegacyLayout();
}

FailureOr<Attribute> mlir::ll::getLinearEncoding(Type type) {
  auto enc = getLayoutEncoding(type);
  auto l = getLinearLayout(type);
  if (!enc || failed(l))
    return failure();
  return getLinearEncoding(type.getContext(), *l, enc.isSharedLayout());
}

FailureOr<Attribute>
mlir::ll::getLinearEncoding(MLIRContext *ctx, const ::ll::LinearLayout &l,
                            bool shared) {
  // Checked construction: a layout the attribute cannot hold is a
  // diagnostic, not an assertion.
  auto emit = mlir::detail::getDefaultDiagnosticEmitFn(ctx);
  auto flat = [&](const char *dim) {
    SmallVector<int32_t> r;
    int i = l.inDimIndex(dim);
    if (i >= 0)
      for (const ::ll::Basis &b : l.bases(i))
        r.append(b.begin(), b.end());
    return r;
  };
  unsigned rank = l.numOutDims();
  SmallVector<int32_t> off = flat("offset"), reg = flat("register"),
                       lane = flat("lane"), warp = flat("warp"),
                       block = flat("block");
  Attribute res =
      shared ? Attribute(SharedAttr::getChecked(emit, ctx, rank,
                                                ArrayRef<int32_t>(off),
                                                ArrayRef<int32_t>(block)))
             : Attribute(LinearAttr::getChecked(
                   emit, ctx, rank, ArrayRef<int32_t>(reg),
                   ArrayRef<int32_t>(lane), ArrayRef<int32_t>(warp),
                   ArrayRef<int32_t>(block)));
  if (!res)
    return failure();
  return res;
}
