//===- LLEnums.td - Enumerations of the ll dialect ---------*- tablegen -*-===//

#ifndef LINEAR_LAYOUTS_DIALECT_LL_IR_LLENUMS_TD
#define LINEAR_LAYOUTS_DIALECT_LL_IR_LLENUMS_TD

include "mlir/IR/EnumAttr.td"

/// How a float conversion to a narrower type rounds (Triton's
/// RoundingMode): toward zero, or to nearest with ties to even.
def LL_RoundingMode : I32EnumAttr<"RoundingMode",
    "the rounding of a float conversion to a narrower type", [
      I32EnumAttrCase<"RTZ", 0, "rtz">,
      I32EnumAttrCase<"RTNE", 1, "rtne">
    ]> {
  let cppNamespace = "::mlir::ll";
}

#endif // LINEAR_LAYOUTS_DIALECT_LL_IR_LLENUMS_TD
