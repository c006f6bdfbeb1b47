//===- LLDialect.h - The ll dialect -----------------------------*- C++ -*-===//
//
// The `ll` dialect: layout attributes (all implementing
// LayoutEncodingInterface, backed by the core's layout families), the
// `!ll.memdesc` type and the dialect's operations.
//
//===----------------------------------------------------------------------===//

#ifndef LINEAR_LAYOUTS_DIALECT_LL_IR_LLDIALECT_H
#define LINEAR_LAYOUTS_DIALECT_LL_IR_LLDIALECT_H

#include "linear_layouts/Core/Families.h"
#include "linear_layouts/Core/LinearLayout.h"
#include "linear_layouts/Core/Planning.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/TensorEncoding.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "linear_layouts/Dialect/LL/IR/LLDialect.h.inc"

#include "linear_layouts/Dialect/LL/IR/LLEnums.h.inc"

#include "linear_layouts/Dialect/LL/IR/LLAttrInterfaces.h.inc"

#define GET_ATTRDEF_CLASSES
#include "linear_layouts/Dialect/LL/IR/LLAttrs.h.inc"

#define GET_TYPEDEF_CLASSES
#include "linear_layouts/Dialect/LL/IR/LLTypes.h.inc"

namespace mlir::ll {

/// The target `op` is compiled for: `override` (a pass's `target` option)
/// when not empty, else the `ll.target` of `op` or of its closest enclosing
/// op that has one (the module). Failure, with a diagnostic on `op`, for an
/// unknown name or when there is no target at all.
FailureOr<::ll::Target> lookupTarget(Operation *op, StringRef override = {});

/// The encoding of a tensor or memdesc type as a layout, or null.
LayoutEncodingInterface getLayoutEncoding(Type type);

/// `128x64xf16, #enc`: the body of !ll.memdesc / !ll.tensordesc (and of
/// Triton's !tt.tensordesc).
ParseResult parseShapedBody(AsmParser &p, SmallVectorImpl<int64_t> &shape,
                            Type &elt, Attribute &enc);

/// The layout of MX scales for a result in `result` (one scale per 32
/// elements along `axis`): the result's layout with that dim's coordinates
/// divided by 32, so that a thread's register r holds the scale of its
/// result register r (ll.upcast_mxfp).
::ll::Expected<::ll::LinearLayout> mxScaleLayout(const ::ll::LinearLayout &result,
                                                 unsigned axis);

/// `$inputs attr-dict : types` for ops whose results are their operands
/// passed through (ll / ttng `warp_group_dot_wait`): the results take the
/// operands' types; `required` names an attribute that must be present.
ParseResult parsePassThrough(OpAsmParser &p, OperationState &result,
                             StringRef required);
void printPassThrough(OpAsmPrinter &p, Operation *op);

/// The shape of a ranked tensor or memdesc type (empty for others).
ArrayRef<int64_t> getLayoutShape(Type type);

/// The linear layout a tensor / memdesc type's encoding denotes for its
/// shape; failure (with `reason` set) when the type has no usable layout.
FailureOr<::ll::LinearLayout> getLinearLayout(Type type,
                                              std::string *reason = nullptr);

/// The bits one element of `type` occupies in a register when it moves
/// between threads: its storage size from the data layout nearest to `scope`
/// (integers, floats, index, complex, vectors, LLVM pointers; an index is 64
/// bits unless the module says otherwise), rounded up to a power of two of at
/// least 8 (i1 and sub-byte types move as bytes, i24 as 32 bits). Failure,
/// with `reason` set, for types without a known size.
///   i1 -> 8, bf16 -> 16, !llvm.ptr<1> -> 64, complex<f32> -> 64,
///   vector<4xf32> -> 128
FailureOr<unsigned> getMovedBitWidth(Type type, Operation *scope,
                                     std::string *reason = nullptr);

/// Layout equality is linear-layout equality: true when both types have the
/// same shape and their encodings denote the same map for it.
bool haveEqualLayouts(Type a, Type b);

/// True for the families that `ll-legacy-to-linear` replaces.
bool isLegacyLayout(Attribute attr);

/// `#ll.linear` / `#ll.shared` for a type's layout.
FailureOr<Attribute> getLinearEncoding(Type type);
/// `#ll.linear` (or `#ll.shared` when `shared`) holding `layout`; failure
/// (with a diagnostic) when the attribute cannot represent it.
FailureOr<Attribute> getLinearEncoding(MLIRContext *ctx,
                                       const ::ll::LinearLayout &layout,
                                       bool shared);

/// The layout `ll.reshape` gives a tensor of type `src` reshaped to `shape`
/// (row-major: the source layout's linear image, flattened with the last dim
/// fastest and split over the new shape), as an `#ll.linear`.
///   tensor<32xi32, #slice> -> [32, 1]: the slice's bases, with dim1 = 0
FailureOr<Attribute> getReshapeLayout(RankedTensorType src,
                                      ArrayRef<int64_t> shape);

/// A `!ll.ptr` or a tensor of them.
bool isPointerLike(Type type);

/// Elementwise ops (arith / math with the Elementwise trait, one result, all
/// tensors of one shape) that may be recomputed in another layout.
bool isRelayoutable(Operation *op);
/// Values free to produce in any layout: splat, make_range, splat constants.
bool isCheapToRelayout(Value v);
/// Rebuild a cheap value with another encoding at the rewriter's position.
Value relayoutCheap(PatternRewriter &rewriter, Value v, Attribute encoding);

} // namespace mlir::ll

#define GET_OP_CLASSES
#include "linear_layouts/Dialect/LL/IR/LLOps.h.inc"

namespace mlir::ll {
/// The conversions (one per result, null for an unused one) an ll.reduce
/// over warps produces its results in directly: its partials go through
/// shared memory (the core's planReduce), so reading them back in the
/// conversions' layout costs no more than in its own when that has no more
/// registers, and the conversions disappear (convert-ll-to-llvm emits them
/// with the reduction; ll-plan-conversions marks them ll.plan = "in-reduce").
/// Every result must have no use or one, an ll.convert_layout, all to one
/// layout within one CTA; empty when not.
SmallVector<ConvertLayoutOp> getFusedConversions(ReduceOp op);
/// Whether `op` is one of the conversions of the ll.reduce producing its
/// operand (getFusedConversions): it has no plan or scratch of its own.
bool isFusedIntoReduce(ConvertLayoutOp op);
} // namespace mlir::ll

#endif // LINEAR_LAYOUTS_DIALECT_LL_IR_LLDIALECT_H
