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

/// The operation of ll.atomic_rmw (Triton's RMWOp, same spellings): integer
/// and/or/xor/add/max/min (signed), umax/umin, float fadd, and exch (swap,
/// any type).
def LL_AtomicRMWKind : I32EnumAttr<"AtomicRMWKind",
    "the read-modify-write of an atomic", [
      I32EnumAttrCase<"AND", 1, "and">, I32EnumAttrCase<"OR", 2, "or">,
      I32EnumAttrCase<"XOR", 3, "xor">, I32EnumAttrCase<"ADD", 4, "add">,
      I32EnumAttrCase<"FADD", 5, "fadd">, I32EnumAttrCase<"MAX", 6, "max">,
      I32EnumAttrCase<"MIN", 7, "min">, I32EnumAttrCase<"UMAX", 8, "umax">,
      I32EnumAttrCase<"UMIN", 9, "umin">, I32EnumAttrCase<"XCHG", 10, "exch">
    ]> {
  let cppNamespace = "::mlir::ll";
}

/// The memory ordering of an atomic (Triton's MemSemantic).
def LL_MemSemantic : I32EnumAttr<"MemSemantic", "the ordering of an atomic", [
      I32EnumAttrCase<"RELAXED", 1, "relaxed">,
      I32EnumAttrCase<"ACQUIRE", 2, "acquire">,
      I32EnumAttrCase<"RELEASE", 3, "release">,
      I32EnumAttrCase<"ACQ_REL", 4, "acq_rel">
    ]> {
  let cppNamespace = "::mlir::ll";
}

/// The threads an atomic's ordering is with (Triton's MemSyncScope): the
/// program (CTA), the GPU, or the system.
def LL_MemScope : I32EnumAttr<"MemScope", "the scope of an atomic", [
      I32EnumAttrCase<"GPU", 1, "gpu">, I32EnumAttrCase<"CTA", 2, "cta">,
      I32EnumAttrCase<"SYSTEM", 3, "sys">
    ]> {
  let cppNamespace = "::mlir::ll";
}

/// How a dot takes f32 operands (Triton's InputPrecision): exactly (ieee),
/// as tf32 (the tensor cores' 10-bit mantissa), or as sums of tf32 / bf16
/// parts (tf32x3, bf16x3, bf16x6: more products, closer to f32).
def LL_InputPrecision : I32EnumAttr<"InputPrecision", "a dot's f32 precision", [
      I32EnumAttrCase<"TF32", 0, "tf32">, I32EnumAttrCase<"TF32x3", 1, "tf32x3">,
      I32EnumAttrCase<"IEEE", 2, "ieee">, I32EnumAttrCase<"BF16x3", 3, "bf16x3">,
      I32EnumAttrCase<"BF16x6", 4, "bf16x6">
    ]> {
  let cppNamespace = "::mlir::ll";
}

#endif // LINEAR_LAYOUTS_DIALECT_LL_IR_LLENUMS_TD
