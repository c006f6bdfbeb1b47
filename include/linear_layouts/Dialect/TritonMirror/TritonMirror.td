//===- TritonMirror.td - Parse-only mirrors of tt / ttg ----*- tablegen -*-===//
//
// The dialects `tt` and `ttg` as far as reading Triton's printed TTGIR
// needs: every op the importer supports, with the assembly format Triton
// prints (3.6 - 3.9), and Triton's types and layout attributes decoded
// straight into the ll dialect's (`!tt.ptr<f32>` is `!ll.ptr<f32>`,
// `#ttg.blocked<...>` is `#ll.blocked<...>`, `!ttg.memdesc<...>` is
// `!ll.memdesc<...>`). Nothing here is lowered: `convert-triton-to-ll`
// rewrites these ops into ll, func and upstream ops at once.
//
//===----------------------------------------------------------------------===//

#ifndef LINEAR_LAYOUTS_DIALECT_TRITONMIRROR_TD
#define LINEAR_LAYOUTS_DIALECT_TRITONMIRROR_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/IR/OpAsmInterface.td"
include "mlir/Interfaces/FunctionInterfaces.td"
include "mlir/Interfaces/CallInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"

def TT_Dialect : Dialect {
  let name = "tt";
  let cppNamespace = "::mlir::ll::tt";
  let summary = "Triton's tt dialect, parse-only (see convert-triton-to-ll)";
  let useDefaultTypePrinterParser = 0;
  let hasConstantMaterializer = 0;
  let extraClassDeclaration = [{
    ::mlir::Type parseType(::mlir::DialectAsmParser &parser) const override;
    void printType(::mlir::Type type,
                   ::mlir::DialectAsmPrinter &printer) const override;
  }];
}

def TTG_Dialect : Dialect {
  let name = "ttg";
  let cppNamespace = "::mlir::ll::ttg";
  let summary = "Triton's ttg dialect, parse-only (see convert-triton-to-ll)";
  let extraClassDeclaration = [{
    ::mlir::Type parseType(::mlir::DialectAsmParser &parser) const override;
    void printType(::mlir::Type type,
                   ::mlir::DialectAsmPrinter &printer) const override;
    ::mlir::Attribute parseAttribute(::mlir::DialectAsmParser &parser,
                                     ::mlir::Type type) const override;
    void printAttribute(::mlir::Attribute attr,
                        ::mlir::DialectAsmPrinter &printer) const override;
  }];
}

def AMDG_Dialect : Dialect {
  let name = "amdg";
  let cppNamespace = "::mlir::ll::amdg";
  let summary = "Triton's AMD ops (amdg), parse-only (see convert-triton-to-ll)";
}

def TTNG_Dialect : Dialect {
  let name = "ttng";
  let cppNamespace = "::mlir::ll::ttng";
  let summary = "Triton's NVIDIA ops (ttng), parse-only (see convert-triton-to-ll)";
}

class TTNG_Op<string mnemonic, list<Trait> traits = []>
    : Op<TTNG_Dialect, mnemonic, traits>;

class AMDG_Op<string mnemonic, list<Trait> traits = []>
    : Op<AMDG_Dialect, mnemonic, traits>;

class TT_Op<string mnemonic, list<Trait> traits = []>
    : Op<TT_Dialect, mnemonic, traits>;
class TTG_Op<string mnemonic, list<Trait> traits = []>
    : Op<TTG_Dialect, mnemonic, traits>;

//===----------------------------------------------------------------------===//
// Enumerations as Triton prints them
//===----------------------------------------------------------------------===//

def TT_ProgramDim : I32EnumAttr<"ProgramDim", "a grid axis", [
    I32EnumAttrCase<"X", 0, "x">, I32EnumAttrCase<"Y", 1, "y">,
    I32EnumAttrCase<"Z", 2, "z">]> {
  let cppNamespace = "::mlir::ll::tt";
}

def TT_CacheModifier : I32EnumAttr<"CacheModifier", "a cache modifier", [
    I32EnumAttrCase<"NONE", 1, "none">, I32EnumAttrCase<"CA", 2, "ca">,
    I32EnumAttrCase<"CG", 3, "cg">, I32EnumAttrCase<"WB", 4, "wb">,
    I32EnumAttrCase<"CS", 5, "cs">, I32EnumAttrCase<"WT", 6, "wt">,
    I32EnumAttrCase<"CV", 7, "cv">]> {
  let cppNamespace = "::mlir::ll::tt";
}

def TT_EvictionPolicy : I32EnumAttr<"EvictionPolicy", "an eviction policy", [
    I32EnumAttrCase<"NORMAL", 1, "evict_normal">,
    I32EnumAttrCase<"EVICT_FIRST", 2, "evict_first">,
    I32EnumAttrCase<"EVICT_LAST", 3, "evict_last">]> {
  let cppNamespace = "::mlir::ll::tt";
}

def TT_PropagateNan : I32EnumAttr<"PropagateNan", "NaN propagation of tt.clampf", [
    I32EnumAttrCase<"NONE", 0, "none">, I32EnumAttrCase<"ALL", 65535, "all">]> {
  let cppNamespace = "::mlir::ll::tt";
}

def TT_RoundingMode : I32EnumAttr<"RoundingMode", "a rounding mode", [
    I32EnumAttrCase<"RTZ", 0, "rtz">, I32EnumAttrCase<"RTNE", 1, "rtne">]> {
  let cppNamespace = "::mlir::ll::tt";
}

def TT_RMWOp : I32EnumAttr<"RMWOp", "an atomic read-modify-write", [
    I32EnumAttrCase<"AND", 1, "and">, I32EnumAttrCase<"OR", 2, "or">,
    I32EnumAttrCase<"XOR", 3, "xor">, I32EnumAttrCase<"ADD", 4, "add">,
    I32EnumAttrCase<"FADD", 5, "fadd">, I32EnumAttrCase<"MAX", 6, "max">,
    I32EnumAttrCase<"MIN", 7, "min">, I32EnumAttrCase<"UMAX", 8, "umax">,
    I32EnumAttrCase<"UMIN", 9, "umin">, I32EnumAttrCase<"XCHG", 10, "exch">]> {
  let cppNamespace = "::mlir::ll::tt";
}

def TT_MemSemantic : I32EnumAttr<"MemSemantic", "an atomic's ordering", [
    I32EnumAttrCase<"RELAXED", 1, "relaxed">, I32EnumAttrCase<"ACQUIRE", 2, "acquire">,
    I32EnumAttrCase<"RELEASE", 3, "release">, I32EnumAttrCase<"ACQ_REL", 4, "acq_rel">]> {
  let cppNamespace = "::mlir::ll::tt";
}

def TT_MemSyncScope : I32EnumAttr<"MemSyncScope", "an atomic's scope", [
    I32EnumAttrCase<"GPU", 1, "gpu">, I32EnumAttrCase<"CTA", 2, "cta">,
    I32EnumAttrCase<"SYSTEM", 3, "sys">]> {
  let cppNamespace = "::mlir::ll::tt";
}

def TT_InputPrecision : I32EnumAttr<"InputPrecision", "a dot's f32 precision", [
    I32EnumAttrCase<"TF32", 0, "tf32">, I32EnumAttrCase<"TF32x3", 1, "tf32x3">,
    I32EnumAttrCase<"IEEE", 2, "ieee">, I32EnumAttrCase<"BF16x3", 3, "bf16x3">,
    I32EnumAttrCase<"BF16x6", 4, "bf16x6">]> {
  let cppNamespace = "::mlir::ll::tt";
}

//===----------------------------------------------------------------------===//
// Functions
//===----------------------------------------------------------------------===//

def TT_FuncOp : TT_Op<"func", [AutomaticAllocationScope, IsolatedFromAbove,
                               FunctionOpInterface, OpAsmOpInterface]> {
  let summary = "A Triton function (a kernel when public)";
  let arguments = (ins SymbolNameAttr:$sym_name,
                       TypeAttrOf<FunctionType>:$function_type,
                       OptionalAttr<StrAttr>:$sym_visibility,
                       OptionalAttr<DictArrayAttr>:$arg_attrs,
                       OptionalAttr<DictArrayAttr>:$res_attrs);
  let regions = (region AnyRegion:$body);
  let hasCustomAssemblyFormat = 1;
  let extraClassDeclaration = [{
    ::mlir::Region *getCallableRegion() { return &getBody(); }
    ::llvm::ArrayRef<::mlir::Type> getArgumentTypes() {
      return getFunctionType().getInputs();
    }
    ::llvm::ArrayRef<::mlir::Type> getResultTypes() {
      return getFunctionType().getResults();
    }
    static ::llvm::StringRef getDefaultDialect() { return "tt"; }
  }];
}

def TT_ReturnOp : TT_Op<"return", [Pure, ReturnLike, Terminator]> {
  let arguments = (ins Variadic<AnyType>:$srcs);
  let assemblyFormat = "attr-dict ($srcs^ `:` type($srcs))?";
}

def TT_CallOp : TT_Op<"call", [CallOpInterface]> {
  let arguments = (ins FlatSymbolRefAttr:$callee, Variadic<AnyType>:$operands,
                       OptionalAttr<DictArrayAttr>:$arg_attrs,
                       OptionalAttr<DictArrayAttr>:$res_attrs);
  let results = (outs Variadic<AnyType>);
  let assemblyFormat = [{
    $callee `(` $operands `)` attr-dict `:` functional-type($operands, results)
  }];
  let extraClassDeclaration = [{
    ::mlir::CallInterfaceCallable getCallableForCallee() {
      return (*this)->getAttrOfType<::mlir::SymbolRefAttr>("callee");
    }
    void setCalleeFromCallable(::mlir::CallInterfaceCallable callee) {
      (*this)->setAttr("callee", ::llvm::cast<::mlir::SymbolRefAttr>(callee));
    }
    ::mlir::Operation::operand_range getArgOperands() { return getOperands(); }
    ::mlir::MutableOperandRange getArgOperandsMutable() {
      return getOperandsMutable();
    }
  }];
}

//===----------------------------------------------------------------------===//
// Programs, ranges, pointers, memory
//===----------------------------------------------------------------------===//

def TT_GetProgramIdOp : TT_Op<"get_program_id", [Pure]> {
  let arguments = (ins TT_ProgramDim:$axis);
  let results = (outs I32:$result);
  let assemblyFormat = "$axis attr-dict `:` type($result)";
}

def TT_GetNumProgramsOp : TT_Op<"get_num_programs", [Pure]> {
  let arguments = (ins TT_ProgramDim:$axis);
  let results = (outs I32:$result);
  let assemblyFormat = "$axis attr-dict `:` type($result)";
}

def TT_MakeRangeOp : TT_Op<"make_range", [Pure]> {
  let arguments = (ins I32Attr:$start, I32Attr:$end);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "attr-dict `:` type($result)";
}

def TT_SplatOp : TT_Op<"splat", [Pure]> {
  let arguments = (ins AnyType:$src);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$src attr-dict `:` type($src) `->` type($result)";
}

def TT_AddPtrOp : TT_Op<"addptr", [Pure, AllTypesMatch<["ptr", "result"]>]> {
  let arguments = (ins AnyType:$ptr, AnyType:$offset);
  let results = (outs AnyType:$result);
  let assemblyFormat =
      "$ptr `,` $offset attr-dict `:` type($result) `,` type($offset)";
}

// Load and store: `$ptr (, $mask)? (, $other)? (cacheModifier = c)?
// (evictionPolicy = e)? attr-dict : type($ptr)`, the other types implied by
// the pointers' (hand-written parsers: see TritonMirror.cpp).
def TT_LoadOp : TT_Op<"load", [AttrSizedOperandSegments,
                               MemoryEffects<[MemRead]>]> {
  let arguments = (ins AnyType:$ptr, Optional<AnyType>:$mask,
                       Optional<AnyType>:$other,
                       OptionalAttr<TT_CacheModifier>:$cache,
                       OptionalAttr<TT_EvictionPolicy>:$evict,
                       OptionalAttr<BoolAttr>:$isVolatile);
  let results = (outs AnyType:$result);
  let hasCustomAssemblyFormat = 1;
}

def TT_StoreOp : TT_Op<"store", [MemoryEffects<[MemWrite]>]> {
  let arguments = (ins AnyType:$ptr, AnyType:$value, Optional<AnyType>:$mask,
                       OptionalAttr<TT_CacheModifier>:$cache,
                       OptionalAttr<TT_EvictionPolicy>:$evict);
  let hasCustomAssemblyFormat = 1;
}

//===----------------------------------------------------------------------===//
// Shapes
//===----------------------------------------------------------------------===//

def TT_ExpandDimsOp : TT_Op<"expand_dims", [Pure]> {
  let arguments = (ins AnyRankedTensor:$src, I32Attr:$axis);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$src attr-dict `:` type($src) `->` type($result)";
}

def TT_BroadcastOp : TT_Op<"broadcast", [Pure]> {
  let arguments = (ins AnyRankedTensor:$src);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$src attr-dict `:` type($src) `->` type($result)";
}

def TT_ReshapeOp : TT_Op<"reshape", [Pure]> {
  let arguments = (ins AnyRankedTensor:$src, UnitAttr:$allow_reorder,
                       UnitAttr:$efficient_layout);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $src (`allow_reorder` $allow_reorder^)? (`efficient_layout` $efficient_layout^)?
    attr-dict `:` type($src) `->` type($result)
  }];
}

def TT_TransOp : TT_Op<"trans", [Pure]> {
  let arguments = (ins AnyRankedTensor:$src, DenseI32ArrayAttr:$order);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$src attr-dict `:` type($src) `->` type($result)";
}

def TT_CatOp : TT_Op<"cat", [Pure, AllTypesMatch<["lhs", "rhs"]>]> {
  let arguments = (ins AnyRankedTensor:$lhs, AnyRankedTensor:$rhs);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($lhs) `->` type($result)";
}

def TT_JoinOp : TT_Op<"join", [Pure, AllTypesMatch<["lhs", "rhs"]>]> {
  let arguments = (ins AnyRankedTensor:$lhs, AnyRankedTensor:$rhs);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($lhs) `->` type($result)";
}

def TT_SplitOp : TT_Op<"split", [Pure, AllTypesMatch<["outLHS", "outRHS"]>]> {
  let arguments = (ins AnyRankedTensor:$src);
  let results = (outs AnyRankedTensor:$outLHS, AnyRankedTensor:$outRHS);
  let assemblyFormat = "$src attr-dict `:` type($src) `->` type($outLHS)";
}

//===----------------------------------------------------------------------===//
// Reductions, scans, gathers, histograms
//===----------------------------------------------------------------------===//

def TT_ReduceOp : TT_Op<"reduce", [SingleBlock]> {
  let arguments = (ins Variadic<AnyRankedTensor>:$srcs, I32Attr:$axis);
  let results = (outs Variadic<AnyType>:$result);
  let regions = (region SizedRegion<1>:$combineOp);
}

def TT_ReduceReturnOp : TT_Op<"reduce.return",
    [HasParent<"ReduceOp">, Pure, Terminator, ReturnLike]> {
  let arguments = (ins Variadic<AnyType>:$result);
  let assemblyFormat = "$result attr-dict `:` type($result)";
}

def TT_ScanOp : TT_Op<"scan", [SingleBlock]> {
  let arguments = (ins Variadic<AnyRankedTensor>:$srcs, I32Attr:$axis,
                       BoolAttr:$reverse);
  let results = (outs Variadic<AnyRankedTensor>:$result);
  let regions = (region SizedRegion<1>:$combineOp);
}

def TT_ScanReturnOp : TT_Op<"scan.return",
    [HasParent<"ScanOp">, Pure, Terminator, ReturnLike]> {
  let arguments = (ins Variadic<AnyType>:$result);
  let assemblyFormat = "$result attr-dict `:` type($result)";
}

def TT_GatherOp : TT_Op<"gather", [Pure]> {
  let arguments = (ins AnyRankedTensor:$src, AnyRankedTensor:$indices,
                       I32Attr:$axis, UnitAttr:$efficient_layout);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $src `[` $indices `]` attr-dict `:` functional-type(operands, results)
  }];
}

def TT_HistogramOp : TT_Op<"histogram", [Pure]> {
  let arguments = (ins AnyRankedTensor:$src, Optional<AnyRankedTensor>:$mask);
  let results = (outs AnyRankedTensor:$result);
  // `$src (, $mask)? attr-dict : type($src) -> type($result)`.
  let hasCustomAssemblyFormat = 1;
}

//===----------------------------------------------------------------------===//
// Casts and elementwise math
//===----------------------------------------------------------------------===//

class TT_Cast<string mnemonic> : TT_Op<mnemonic, [Pure]> {
  let arguments = (ins AnyType:$src);
  let results = (outs AnyType:$result);
  let assemblyFormat = "$src attr-dict `:` type($src) `->` type($result)";
}
def TT_BitcastOp : TT_Cast<"bitcast">;
def TT_IntToPtrOp : TT_Cast<"int_to_ptr">;
def TT_PtrToIntOp : TT_Cast<"ptr_to_int">;

def TT_FpToFpOp : TT_Op<"fp_to_fp", [Pure]> {
  let arguments = (ins AnyType:$src, OptionalAttr<TT_RoundingMode>:$rounding);
  let results = (outs AnyType:$result);
  let assemblyFormat = [{
    $src attr-dict (`,` `rounding` `=` $rounding^)? `:` type($src) `->` type($result)
  }];
}

def TT_PreciseSqrtOp : TT_Op<"precise_sqrt", [Pure, SameOperandsAndResultType]> {
  let arguments = (ins AnyType:$x);
  let results = (outs AnyType:$result);
  let assemblyFormat = "$x attr-dict `:` type($x)";
}

def TT_PreciseDivFOp : TT_Op<"precise_divf", [Pure, SameOperandsAndResultType]> {
  let arguments = (ins AnyType:$x, AnyType:$y);
  let results = (outs AnyType:$result);
  let assemblyFormat = "$x `,` $y attr-dict `:` type($x)";
}

// Triton 3.9: tl.fdiv(x, y, approx=True).
def TT_ApproxDivFOp : TT_Op<"approx_divf", [Pure, SameOperandsAndResultType]> {
  let arguments = (ins AnyType:$x, AnyType:$y);
  let results = (outs AnyType:$result);
  let assemblyFormat = "$x `,` $y attr-dict `:` type($x)";
}

// tl.clamp on floats: min(max(x, min), max); propagateNan = all keeps a
// NaN x (or bound), none returns the other operand.
def TT_ClampFOp : TT_Op<"clampf", [Pure, SameOperandsAndResultType]> {
  let arguments = (ins AnyType:$x, AnyType:$min, AnyType:$max, TT_PropagateNan:$propagateNan);
  let results = (outs AnyType:$result);
  let assemblyFormat = [{
    $x `,` $min `,` $max `,` `propagateNan` `=` $propagateNan attr-dict `:` type($result)
  }];
}

def TT_MulhiUIOp : TT_Op<"mulhiui", [Pure, SameOperandsAndResultType]> {
  let arguments = (ins AnyType:$x, AnyType:$y);
  let results = (outs AnyType:$result);
  let assemblyFormat = "$x `,` $y attr-dict `:` type($x)";
}

//===----------------------------------------------------------------------===//
// External functions and inline assembly, element by element
//===----------------------------------------------------------------------===//

def TT_ExternElementwiseOp : TT_Op<"extern_elementwise"> {
  let arguments = (ins Variadic<AnyType>:$srcs, StrAttr:$libname,
                       StrAttr:$libpath, StrAttr:$symbol, BoolAttr:$pure);
  let results = (outs AnyType:$result);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, $result)";
}

def TT_ElementwiseInlineAsmOp : TT_Op<"elementwise_inline_asm"> {
  let arguments = (ins StrAttr:$asm_string, StrAttr:$constraints,
                       BoolAttr:$pure, I32Attr:$packed_element,
                       Variadic<AnyType>:$args);
  let results = (outs Variadic<AnyType>:$result);
  let assemblyFormat = [{
    $asm_string attr-dict ($args^ `:` type($args))? `->` type($result)
  }];
}

//===----------------------------------------------------------------------===//
// Debugging
//===----------------------------------------------------------------------===//

def TT_PrintOp : TT_Op<"print", [MemoryEffects<[MemWrite]>]> {
  let arguments = (ins StrAttr:$prefix, BoolAttr:$hex,
                       DenseI32ArrayAttr:$isSigned, Variadic<AnyType>:$args);
  let assemblyFormat = "$prefix attr-dict (`:` $args^ `:` type($args))?";
}

def TT_AssertOp : TT_Op<"assert", [MemoryEffects<[MemWrite]>]> {
  let arguments = (ins AnyType:$condition, StrAttr:$message);
  let assemblyFormat = "$condition `,` $message attr-dict `:` type($condition)";
}

//===----------------------------------------------------------------------===//
// Atomics
//===----------------------------------------------------------------------===//

def TT_AtomicRMWOp : TT_Op<"atomic_rmw", [MemoryEffects<[MemRead, MemWrite]>]> {
  let arguments = (ins TT_RMWOp:$atomic_rmw_op, TT_MemSemantic:$sem,
                       TT_MemSyncScope:$scope, AnyType:$ptr, AnyType:$val,
                       Optional<AnyType>:$mask);
  let results = (outs AnyType:$result);
  let assemblyFormat = [{
    $atomic_rmw_op `,` $sem `,` $scope `,` $ptr `,` $val (`,` $mask^)? attr-dict
    `:` functional-type(operands, $result)
  }];
}

def TT_AtomicCASOp : TT_Op<"atomic_cas", [MemoryEffects<[MemRead, MemWrite]>]> {
  let arguments = (ins TT_MemSemantic:$sem, TT_MemSyncScope:$scope,
                       AnyType:$ptr, AnyType:$cmp, AnyType:$val);
  let results = (outs AnyType:$result);
  let assemblyFormat = [{
    $sem `,` $scope `,` $ptr `,` $cmp `,` $val attr-dict
    `:` functional-type(operands, $result)
  }];
}

// `$a, $b, $c (, inputPrecision = P)? attr-dict : type($a) * type($b) -> type($d)`.
def TT_DotOp : TT_Op<"dot", [Pure, AllTypesMatch<["c", "d"]>]> {
  let arguments = (ins AnyRankedTensor:$a, AnyRankedTensor:$b,
                   AnyRankedTensor:$c,
                   DefaultValuedAttr<TT_InputPrecision, "::mlir::ll::tt::InputPrecision::IEEE">:$inputPrecision,
                   DefaultValuedAttr<I32Attr, "0">:$maxNumImpreciseAcc);
  let results = (outs AnyRankedTensor:$d);
  let assemblyFormat = [{
    $a `,` $b `,` $c (`,` `inputPrecision` `=` $inputPrecision^)? attr-dict `:`
    type($a) `*` type($b) `->` type($d)
  }];
}

//===----------------------------------------------------------------------===//
// ttg
//===----------------------------------------------------------------------===//

def TTG_ConvertLayoutOp : TTG_Op<"convert_layout", [Pure]> {
  let arguments = (ins AnyRankedTensor:$src);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$src attr-dict `:` type($src) `->` type($result)";
}

def TTG_LocalAllocOp : TTG_Op<"local_alloc"> {
  let arguments = (ins Optional<AnyRankedTensor>:$src,
                       OptionalAttr<I32Attr>:$alignment);
  let results = (outs AnyType:$result);
  let assemblyFormat = "($src^)? attr-dict `:` functional-type(operands, results)";
}

// !ttg.async.token, read as !ll.async_token.
def TTG_AsyncToken : Type<CPred<"::llvm::isa<::mlir::ll::AsyncTokenType>($_self)">,
                          "async token", "::mlir::ll::AsyncTokenType">,
                     BuildableType<"::mlir::ll::AsyncTokenType::get($_builder.getContext())">;

// The token (Triton 3.6+: the async wait the load follows) orders nothing
// the program order does not: dropped on import.
def TTG_LocalLoadOp : TTG_Op<"local_load"> {
  let arguments = (ins AnyType:$src, Optional<TTG_AsyncToken>:$token);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $src (`token` $token^)? attr-dict `:` qualified(type($src)) `->` type($result)
  }];
}

// Software pipelining: multi-buffered memory, asynchronous copies.
def TTG_MemDescIndexOp : TTG_Op<"memdesc_index", [Pure]> {
  let arguments = (ins AnyType:$src, I32:$index);
  let results = (outs AnyType:$result);
  let assemblyFormat = [{
    $src `[` $index `]` attr-dict `:` qualified(type($src)) `->` qualified(type($result))
  }];
}

// A box of a memdesc at `offsets` (3.8+: `%m[0, 16]`): a view whose type
// carries the buffer's allocation shape.
def TTG_MemDescSubsliceOp : TTG_Op<"memdesc_subslice", [Pure]> {
  let arguments = (ins AnyType:$src, DenseI32ArrayAttr:$offsets);
  let results = (outs AnyType:$result);
  let hasCustomAssemblyFormat = 1;
}

// Pairs of e2m1 values packed in bytes (low nibble first along `axis`)
// unpacked to 16-bit floats: the upcast Triton decomposes tl.dot_scaled into.
def TTG_Fp4ToFpOp : TTG_Op<"fp4_to_fp", [Pure]> {
  let arguments = (ins AnyRankedTensor:$src, I32Attr:$axis);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$src attr-dict `:` type($src) `->` type($result)";
}

// A view of the same buffer with its dims permuted (`order`); the result's
// layout is the source's, transposed.
def TTG_MemDescTransOp : TTG_Op<"memdesc_trans", [Pure]> {
  let arguments = (ins AnyType:$src, DenseI32ArrayAttr:$order);
  let results = (outs AnyType:$result);
  let assemblyFormat = [{
    $src attr-dict `:` qualified(type($src)) `->` qualified(type($result))
  }];
}

// `$ptr, $dst (mask $m)? (other $o)? hints attr-dict : type($ptr) ->
// MEMDESC`, the memdesc with or without its `!ttg.memdesc` prefix.
def TTG_AsyncCopyGlobalToLocalOp : TTG_Op<"async_copy_global_to_local",
    [AttrSizedOperandSegments, MemoryEffects<[MemRead, MemWrite]>]> {
  let arguments = (ins AnyType:$ptr, AnyType:$dst, Optional<AnyType>:$mask,
                       Optional<AnyType>:$other);
  let results = (outs AnyType:$token);
  let hasCustomAssemblyFormat = 1;
}

// `(tokens)? $tokens attr-dict`.
def TTG_AsyncCommitGroupOp : TTG_Op<"async_commit_group",
                                    [MemoryEffects<[MemRead, MemWrite]>]> {
  let arguments = (ins Variadic<AnyType>:$tokens);
  let results = (outs AnyType:$token);
  let hasCustomAssemblyFormat = 1;
}

def TTG_AsyncWaitOp : TTG_Op<"async_wait", [MemoryEffects<[MemRead, MemWrite]>]> {
  let arguments = (ins Variadic<AnyType>:$tokens, I32Attr:$num);
  let results = (outs AnyType:$token);
  let hasCustomAssemblyFormat = 1;
}

def TTG_LocalStoreOp : TTG_Op<"local_store"> {
  let arguments = (ins AnyRankedTensor:$src, AnyType:$dst);
  let assemblyFormat = [{
    $src `,` $dst attr-dict `:` type($src) `->` qualified(type($dst))
  }];
}

def TTG_LocalDeallocOp : TTG_Op<"local_dealloc"> {
  let arguments = (ins AnyType:$src);
  let assemblyFormat = "$src attr-dict `:` qualified(type($src))";
}

// Triton 3.7+: tl.debug_barrier as `ttg.barrier all` (the memory it orders,
// `|`-separated keywords, kept as the `spaces` string).
def TTG_BarrierOp : TTG_Op<"barrier"> {
  let arguments = (ins StrAttr:$spaces);
  let hasCustomAssemblyFormat = 1;
}

//===----------------------------------------------------------------------===//
// amdg: buffer accesses (a scalar base pointer and a tensor of offsets)
//===----------------------------------------------------------------------===//

// `$ptr[$offsets] (, $mask)? (, $other)? hints attr-dict : type($result)`.
// The same tensor in a layout that differs only in which register holds
// which element (Triton's AMD backend transposes within threads before a
// local_store): a layout conversion.
def AMDG_InThreadTransposeOp : AMDG_Op<"in_thread_transpose", [Pure]> {
  let arguments = (ins AnyRankedTensor:$src);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$src attr-dict `:` type($src) `->` type($result)";
}

def AMDG_ScaleDotElemType : I32EnumAttr<"ScaleDotElemType", "an MX element type", [
    I32EnumAttrCase<"E4M3", 0, "e4m3">, I32EnumAttrCase<"E5M2", 1, "e5m2">,
    I32EnumAttrCase<"E2M3", 2, "e2m3">, I32EnumAttrCase<"E3M2", 3, "e3m2">,
    I32EnumAttrCase<"E2M1", 4, "e2m1">, I32EnumAttrCase<"BF16", 5, "bf16">,
    I32EnumAttrCase<"FP16", 6, "fp16">]> {
  let cppNamespace = "::mlir::ll::amdg";
}

// Triton 3.6-3.8's AMD upcast of tl.dot_scaled's MX operand: values times
// their e8m0 scales (one per 32 along the packed dim).
def AMDG_UpcastMxfpOp : AMDG_Op<"upcast_mxfp", [Pure]> {
  let arguments = (ins AnyRankedTensor:$src, AnyRankedTensor:$scale,
                   AMDG_ScaleDotElemType:$fp_type,
                   DefaultValuedAttr<BoolAttr, "false">:$fastMath);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $src `,` $scale `fp_type` `=` $fp_type attr-dict `:` type($src) `,`
    type($scale) `->` type($result)
  }];
}

// Triton 3.9's: the scales already bf16 in the result's shape and layout.
def AMDG_ScaledUpcastFp4Op : AMDG_Op<"scaled_upcast_fp4", [Pure]> {
  let arguments = (ins AnyRankedTensor:$src, AnyRankedTensor:$scale,
                   I32Attr:$axis);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $src `scale` $scale attr-dict `:` type($src) `,` type($scale) `->`
    type($result)
  }];
}

// Triton 3.9's upcast of an fp8 MX operand: to bf16 times its scales
// (already bf16 in the result's shape and layout).
def AMDG_ScaledUpcastFp8Op : AMDG_Op<"scaled_upcast_fp8", [Pure]> {
  let arguments = (ins AnyRankedTensor:$src, AnyRankedTensor:$scale);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $src `scale` $scale attr-dict `:` type($src) `,` type($scale) `->`
    type($result)
  }];
}

def AMDG_BufferLoadOp : AMDG_Op<"buffer_load", [AttrSizedOperandSegments,
                                               MemoryEffects<[MemRead]>]> {
  let arguments = (ins AnyType:$ptr, AnyRankedTensor:$offsets,
                       Optional<AnyType>:$mask, Optional<AnyType>:$other);
  let results = (outs AnyRankedTensor:$result);
  let hasCustomAssemblyFormat = 1;
}

// `$value, $ptr[$offsets] (, $mask)? hints attr-dict : type($value)`.
def AMDG_BufferStoreOp : AMDG_Op<"buffer_store", [MemoryEffects<[MemWrite]>]> {
  let arguments = (ins AnyRankedTensor:$value, AnyType:$ptr,
                       AnyRankedTensor:$offsets, Optional<AnyType>:$mask);
  let hasCustomAssemblyFormat = 1;
}

// `$op, $sem, $scope, $value, $ptr[$offsets] (, $mask)? hints attr-dict :
// type($value)` (or `: ptr type -> type($value)`, 3.9).
def AMDG_BufferAtomicRMWOp : AMDG_Op<"buffer_atomic_rmw",
                                    [MemoryEffects<[MemRead, MemWrite]>]> {
  let arguments = (ins TT_RMWOp:$atomic_rmw_op, TT_MemSemantic:$sem,
                       TT_MemSyncScope:$scope, AnyRankedTensor:$value,
                       AnyType:$ptr, AnyRankedTensor:$offsets,
                       Optional<AnyType>:$mask);
  let results = (outs AnyRankedTensor:$result);
  let hasCustomAssemblyFormat = 1;
}

// `$sem, $scope, $cmp, $value, $ptr[$offsets] hints attr-dict : type($value)`.
def AMDG_BufferAtomicCASOp : AMDG_Op<"buffer_atomic_cas",
                                    [MemoryEffects<[MemRead, MemWrite]>]> {
  let arguments = (ins TT_MemSemantic:$sem, TT_MemSyncScope:$scope,
                       AnyRankedTensor:$cmp, AnyRankedTensor:$value,
                       AnyType:$ptr, AnyRankedTensor:$offsets);
  let results = (outs AnyRankedTensor:$result);
  let hasCustomAssemblyFormat = 1;
}

// Per-program global scratch (sm_90 tensor maps built on the device).
def TTG_GlobalScratchAllocOp : TTG_Op<"global_scratch_alloc"> {
  let arguments = (ins I32Attr:$nbytes, I32Attr:$alignment);
  let results = (outs AnyType:$result);
  let assemblyFormat = "attr-dict `:` qualified(type($result))";
}

//===----------------------------------------------------------------------===//
// ttng: Hopper's TMA (tensor maps, mbarriers, tile copies)
//===----------------------------------------------------------------------===//

def TTNG_TensormapCreateOp : TTNG_Op<"tensormap_create", [AttrSizedOperandSegments]> {
  let arguments = (ins AnyType:$desc_ptr, AnyType:$global_address,
                   Variadic<I32>:$box_dim, Variadic<I32>:$global_dim,
                   Variadic<I64>:$global_stride, Variadic<I32>:$element_stride,
                   I32Attr:$elem_type, I32Attr:$interleave_layout,
                   I32Attr:$swizzle_mode, I32Attr:$fill_mode);
  let assemblyFormat = [{
    $desc_ptr `,` $global_address `,` `[` $box_dim `]` `,` `[` $global_dim `]`
    `,` `[` $global_stride `]` `,` `[` $element_stride `]` attr-dict `:`
    functional-type(operands, results)
  }];
}

def TTNG_TensormapFenceproxyAcquireOp : TTNG_Op<"tensormap_fenceproxy_acquire"> {
  let arguments = (ins AnyType:$desc_ptr);
  let assemblyFormat = "$desc_ptr attr-dict `:` qualified(type($desc_ptr))";
}

def TTNG_ReinterpretTensorDescOp : TTNG_Op<"reinterpret_tensor_descriptor", [Pure]> {
  let arguments = (ins AnyType:$raw_desc);
  let results = (outs AnyType:$result);
  let assemblyFormat = [{
    $raw_desc attr-dict `:` qualified(type($raw_desc)) `to` qualified(type($result))
  }];
}

def TTNG_InitBarrierOp : TTNG_Op<"init_barrier"> {
  let arguments = (ins AnyType:$alloc, I32Attr:$count);
  let assemblyFormat = "$alloc `,` $count attr-dict `:` qualified(type($alloc))";
}

def TTNG_InvalBarrierOp : TTNG_Op<"inval_barrier"> {
  let arguments = (ins AnyType:$alloc);
  let assemblyFormat = "$alloc attr-dict `:` qualified(type($alloc))";
}

def TTNG_BarrierExpectOp : TTNG_Op<"barrier_expect"> {
  let arguments = (ins AnyType:$alloc, I32Attr:$size, I1:$pred);
  let assemblyFormat = [{
    $alloc `,` $size attr-dict `,` $pred `:` qualified(type($alloc))
  }];
}

// `deps` (what the wait orders, for Triton's analyses) are dropped on import.
def TTNG_WaitBarrierOp : TTNG_Op<"wait_barrier", [AttrSizedOperandSegments]> {
  let arguments = (ins AnyType:$alloc, I32:$phase, Optional<I1>:$pred,
                   Variadic<AnyType>:$deps);
  let assemblyFormat = [{
    $alloc `,` $phase (`,` $pred^)? (`deps` $deps^)? attr-dict `:`
    qualified(type($alloc)) (`,` qualified(type($deps))^)?
  }];
}

def TTNG_AsyncTMACopyGlobalToLocalOp : TTNG_Op<"async_tma_copy_global_to_local"> {
  let arguments = (ins AnyType:$desc, Variadic<I32>:$coord, AnyType:$result,
                   AnyType:$barrier, I1:$pred);
  let assemblyFormat = [{
    $desc `[` $coord `]` $result `,` $barrier `,` $pred attr-dict `:`
    qualified(type($desc)) `,` qualified(type($barrier)) `->`
    qualified(type($result))
  }];
}

def TTNG_AsyncTMACopyLocalToGlobalOp : TTNG_Op<"async_tma_copy_local_to_global"> {
  let arguments = (ins AnyType:$desc, Variadic<I32>:$coord, AnyType:$src);
  let assemblyFormat = [{
    $desc `[` $coord `]` $src attr-dict `:` qualified(type($desc)) `,`
    qualified(type($src))
  }];
}

def TTNG_TMAStoreWaitOp : TTNG_Op<"async_tma_store_wait"> {
  let arguments = (ins I32Attr:$pendings);
  let assemblyFormat = "attr-dict";
}

def TTNG_FenceAsyncSharedOp : TTNG_Op<"fence_async_shared"> {
  let arguments = (ins DefaultValuedAttr<BoolAttr, "false">:$bCluster);
  let assemblyFormat = "attr-dict";
}

//===----------------------------------------------------------------------===//
// ttng: Hopper's warpgroup MMA (wgmma)
//===----------------------------------------------------------------------===//

// `$a, $b, $c (, $useC)? attr-dict : type($a) * type($b) -> type($d)`: A a
// memdesc or a dot_op tensor, B a memdesc.
def TTNG_WarpGroupDotOp : TTNG_Op<"warp_group_dot", [AllTypesMatch<["c", "d"]>]> {
  let arguments = (ins AnyType:$a, AnyType:$b, AnyRankedTensor:$c,
                   Optional<I1>:$useC,
                   DefaultValuedAttr<TT_InputPrecision, "::mlir::ll::tt::InputPrecision::IEEE">:$inputPrecision,
                   DefaultValuedAttr<I32Attr, "0">:$maxNumImpreciseAcc,
                   DefaultValuedAttr<BoolAttr, "false">:$isAsync);
  let results = (outs AnyRankedTensor:$d);
  let assemblyFormat = [{
    $a `,` $b `,` $c (`,` $useC^)? attr-dict `:` qualified(type($a)) `*`
    qualified(type($b)) `->` type($d)
  }];
}

// The values (accumulators in flight, the memdescs they read) pass through.
def TTNG_WarpGroupDotWaitOp : TTNG_Op<"warp_group_dot_wait"> {
  let arguments = (ins Variadic<AnyType>:$inputs, I32Attr:$pendings);
  let results = (outs Variadic<AnyType>:$outputs);
  let hasCustomAssemblyFormat = 1; // $inputs attr-dict : types (results alike)
}

#endif // LINEAR_LAYOUTS_DIALECT_TRITONMIRROR_TD
