//===- LLAttrInterfaces.td - Layout encoding interface -----*- tablegen -*-===//

#ifndef LINEAR_LAYOUTS_DIALECT_LL_IR_LLATTRINTERFACES_TD
#define LINEAR_LAYOUTS_DIALECT_LL_IR_LLATTRINTERFACES_TD

include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/Interfaces.td"

def LL_LayoutEncodingInterface : AttrInterface<"LayoutEncodingInterface"> {
  let cppNamespace = "::mlir::ll";
  let description = [{
    Implemented by every `ll` layout attribute: the core encoding it denotes,
    and through it the linear layout for a tensor shape.

    ```c++
    auto enc = cast<LayoutEncodingInterface>(type.getEncoding());
    FailureOr<::ll::LinearLayout> l = enc.toLinearLayout(type.getShape());
    ```
  }];
  let methods = [
    InterfaceMethod<"The core encoding (parameters of the family).",
      "::ll::EncodingPtr", "getEncoding", (ins)>,
    // What follows comes from the core encoding: each family defines only
    // getEncoding (and its syntax and verifier).
    InterfaceMethod<"True for memory (shared) layouts: in dims offset, block.",
      "bool", "isSharedLayout", (ins), [{}], [{
        ::ll::EncodingPtr e = $_attr.getEncoding();
        return e && e->isShared();
      }]>,
    InterfaceMethod<"The tensor rank the layout is for.",
      "unsigned", "getLayoutRank", (ins), [{}], [{
        ::ll::EncodingPtr e = $_attr.getEncoding();
        return e ? unsigned(e->rank()) : 0;
      }]>,
    InterfaceMethod<[{True for the families `ll-legacy-to-linear` replaces
      (all but #ll.linear and #ll.shared, which give their bases).}],
      "bool", "isLegacyLayout", (ins), [{}], [{
        ::ll::EncodingPtr e = $_attr.getEncoding();
        return e && e->kind() != ::ll::EncodingKind::Linear &&
               e->kind() != ::ll::EncodingKind::SharedLinear;
      }]>,
  ];
  let extraSharedClassDeclaration = [{
    /// The linear layout for `shape`, or the core's error message.
    ::ll::Expected<::ll::LinearLayout>
    tryLinearLayout(::llvm::ArrayRef<int64_t> shape) const {
      ::ll::EncodingPtr e = $_attr.getEncoding();
      if (!e)
        return ::ll::Error(::ll::ErrorKind::InvalidArgument,
                           "malformed layout attribute");
      return e->toLinearLayout(::ll::Shape(shape.begin(), shape.end()));
    }
    /// The linear layout for `shape`; failure when the layout does not apply.
    ::mlir::FailureOr<::ll::LinearLayout>
    toLinearLayout(::llvm::ArrayRef<int64_t> shape) const {
      auto r = tryLinearLayout(shape);
      if (!r)
        return ::mlir::failure();
      return *r;
    }
  }];
}

#endif // LINEAR_LAYOUTS_DIALECT_LL_IR_LLATTRINTERFACES_TD
