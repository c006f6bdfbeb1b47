//===- LLOps.td - Operations of the ll dialect -------------*- tablegen -*-===//
//
// Layout movement (convert_layout), shape operations whose result layout is
// determined by linear algebra (and verified that way), and shared memory.
// Elementwise math stays in upstream `arith` / `math` on encoded tensors.
//
//===----------------------------------------------------------------------===//

#ifndef LINEAR_LAYOUTS_DIALECT_LL_IR_LLOPS_TD
#define LINEAR_LAYOUTS_DIALECT_LL_IR_LLOPS_TD

include "linear_layouts/Dialect/LL/IR/LLDialect.td"
include "linear_layouts/Dialect/LL/IR/LLAttrs.td"
include "linear_layouts/Dialect/LL/IR/LLEnums.td"
include "linear_layouts/Dialect/LL/IR/LLTypes.td"
include "mlir/IR/OpBase.td"
include "mlir/IR/CommonAttrConstraints.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"

class LL_Op<string mnemonic, list<Trait> traits = []>
    : Op<LL_Dialect, mnemonic, traits>;

def LL_Tensor : RankedTensorOf<[AnyType]>;
def LL_MemDesc : Type<CPred<"::llvm::isa<::mlir::ll::MemDescType>($_self)">,
                      "shared-memory descriptor", "::mlir::ll::MemDescType">;
def LL_AsyncToken : Type<CPred<"::llvm::isa<::mlir::ll::AsyncTokenType>($_self)">,
                         "async token", "::mlir::ll::AsyncTokenType">,
                    BuildableType<"::mlir::ll::AsyncTokenType::get($_builder.getContext())">;

//===----------------------------------------------------------------------===//
// Layout conversion
//===----------------------------------------------------------------------===//

def LL_ConvertLayoutOp : LL_Op<"convert_layout",
    [Pure, SameOperandsAndResultShape, SameOperandsAndResultElementType]> {
  let summary = "Move a tensor to another layout";
  let description = [{
    The same tensor, held by the hardware as the result's layout says. Both
    types must carry a distributed layout. A conversion between equal
    layouts is a no-op and folds away; chains of conversions collapse.
    `ll-plan-conversions` annotates each with how it will be done.

    ```mlir
    %1 = ll.convert_layout %0 : tensor<128x64xf16, #mma>
                              -> tensor<128x64xf16, #blocked>
    ```
  }];
  let arguments = (ins LL_Tensor:$src);
  let results = (outs LL_Tensor:$result);
  let assemblyFormat = "$src attr-dict `:` type($src) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

//===----------------------------------------------------------------------===//
// Shape operations
//===----------------------------------------------------------------------===//

def LL_ReshapeOp : LL_Op<"reshape", [Pure, SameOperandsAndResultElementType]> {
  let summary = "Reshape (row-major) a tensor without moving data";
  let description = [{
    The result layout must be the source layout with its tensor coordinate
    reshaped row-major: every hardware location keeps its element.

    ```mlir
    %1 = ll.reshape %0 : tensor<4x8xf32, #a> -> tensor<32xf32, #b>
    ```
  }];
  let arguments = (ins LL_Tensor:$src);
  let results = (outs LL_Tensor:$result);
  let assemblyFormat = "$src attr-dict `:` type($src) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def LL_TransOp : LL_Op<"trans", [Pure, SameOperandsAndResultElementType]> {
  let summary = "Permute the dims of a tensor without moving data";
  let description = [{
    Result dim i is source dim `order[i]`; the result layout must be the
    source layout with its out dims permuted alike.

    ```mlir
    %1 = ll.trans %0 {order = array<i32: 1, 0>}
           : tensor<16x32xf32, #a> -> tensor<32x16xf32, #b>
    ```
  }];
  let arguments = (ins LL_Tensor:$src, DenseI32ArrayAttr:$order);
  let results = (outs LL_Tensor:$result);
  let assemblyFormat = "$src attr-dict `:` type($src) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def LL_ExpandDimsOp : LL_Op<"expand_dims",
    [Pure, SameOperandsAndResultElementType]> {
  let summary = "Insert a size-1 dim";
  let description = [{
    The result layout, with its replicated (zero) register bases removed,
    must be the source layout with a size-1 dim inserted at `axis`
    (typically the source is `#ll.slice<{dim = axis, parent = P}>` and the
    result `P`).

    ```mlir
    %1 = ll.expand_dims %0 {axis = 1 : i32}
           : tensor<128xi32, #ll.slice<{dim = 1, parent = #b}>>
          -> tensor<128x1xi32, #b>
    ```
  }];
  let arguments = (ins LL_Tensor:$src, I32Attr:$axis);
  let results = (outs LL_Tensor:$result);
  let assemblyFormat = "$src attr-dict `:` type($src) `->` type($result)";
  let hasVerifier = 1;
}

def LL_BroadcastOp : LL_Op<"broadcast",
    [Pure, SameOperandsAndResultElementType]> {
  let summary = "Broadcast size-1 dims";
  let description = [{
    Dims of size 1 in the source grow to the result's size. The source
    layout must be the result layout with the broadcast dims projected out
    (equal up to replicated registers).

    ```mlir
    %1 = ll.broadcast %0 : tensor<128x1xf32, #b> -> tensor<128x64xf32, #b>
    ```
  }];
  let arguments = (ins LL_Tensor:$src);
  let results = (outs LL_Tensor:$result);
  let assemblyFormat = "$src attr-dict `:` type($src) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def LL_JoinOp : LL_Op<"join", [Pure, SameTypeOperands]> {
  let summary = "Join two tensors along a new, last dim of size 2";
  let description = [{
    The new dim must be held in registers: the result layout has exactly one
    register basis moving the new dim, and without it equals the operands'.

    ```mlir
    %2 = ll.join %0, %1 : tensor<64xf32, #a> -> tensor<64x2xf32, #b>
    ```
  }];
  let arguments = (ins LL_Tensor:$lhs, LL_Tensor:$rhs);
  let results = (outs LL_Tensor:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($lhs) `->` type($result)";
  let hasVerifier = 1;
}

def LL_CatOp : LL_Op<"cat", [Pure, SameTypeOperands]> {
  let summary = "Concatenate two tensors, in an unspecified element order";
  let description = [{
    Triton's `tl.cat(a, b, can_reorder=True)`: the result holds every
    element of `lhs` and of `rhs`, in an order the layouts decide: each
    thread's registers are the lhs registers followed by the rhs registers.
    The result has twice the elements and twice the registers per thread,
    over the same lanes and warps.

    ```mlir
    %2 = ll.cat %0, %1 : tensor<128xf32, #b> -> tensor<256xf32, #b>
    ```
  }];
  let arguments = (ins LL_Tensor:$lhs, LL_Tensor:$rhs);
  let results = (outs LL_Tensor:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($lhs) `->` type($result)";
  let hasVerifier = 1;
}

def LL_SplitOp : LL_Op<"split", [Pure, AllTypesMatch<["outLHS", "outRHS"]>]> {
  let summary = "Split a tensor along its last dim of size 2";
  let description = [{
    The inverse of `ll.join`: the last dim must be moved by exactly one
    register basis.

    ```mlir
    %1:2 = ll.split %0 : tensor<64x2xf32, #b> -> tensor<64xf32, #a>
    ```
  }];
  let arguments = (ins LL_Tensor:$src);
  let results = (outs LL_Tensor:$outLHS, LL_Tensor:$outRHS);
  let assemblyFormat = "$src attr-dict `:` type($src) `->` type($outLHS)";
  let hasVerifier = 1;
}

def LL_GatherOp : LL_Op<"gather", [Pure]> {
  let summary = "Gather along an axis";
  let description = [{
    `result[i][j] = src[indices[i][j]][j]` for `axis = 0`. The result has
    the shape and the layout of `indices`.

    ```mlir
    %2 = ll.gather %src[%idx] {axis = 0 : i32}
           : (tensor<32x16xf32, #a>, tensor<64x16xi32, #b>)
          -> tensor<64x16xf32, #b>
    ```
  }];
  let arguments = (ins LL_Tensor:$src, LL_Tensor:$indices, I32Attr:$axis);
  let results = (outs LL_Tensor:$result);
  let assemblyFormat = [{
    $src `[` $indices `]` attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Reductions and scans along one axis
//===----------------------------------------------------------------------===//

def LL_ReduceOp : LL_Op<"reduce", [Pure, SingleBlock]> {
  let summary = "Reduce tensors along one axis with a combining region";
  let description = [{
    Combines the elements of each line along `axis` with the region, as
    Triton's `tt.reduce`: the region takes the accumulated values of every
    operand, then the new ones (`2 N` scalars), and returns `N`. The region
    must be associative and commutative: the lowering combines in the order
    the layout makes cheapest (within a thread, then over lanes, then over
    warps). Results have the operands' shape without `axis` and the sliced
    layout (the source layout with `axis` dropped, replicated registers
    removed); reducing a 1-D tensor gives scalars. Several operands reduce
    together (an argmax carries values and indices).

    ```mlir
    %s = "ll.reduce"(%x) <{axis = 1 : i32}> ({
    ^bb0(%a: f32, %b: f32):
      %t = arith.addf %a, %b : f32
      ll.reduce.return %t : f32
    }) : (tensor<32x64xf32, #b>) -> tensor<32xf32, #ll.slice<{dim = 1, parent = #b}>>
    ```
  }];
  let arguments = (ins Variadic<LL_Tensor>:$srcs, I32Attr:$axis);
  let results = (outs Variadic<AnyType>:$result);
  let regions = (region SizedRegion<1>:$combineOp);
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
}

def LL_ReduceReturnOp : LL_Op<"reduce.return",
    [HasParent<"ReduceOp">, Pure, Terminator, ReturnLike]> {
  let summary = "The combined values of an ll.reduce region";
  let description = [{
    Ends the combining region of `ll.reduce` with one value per operand.

    ```mlir
    ^bb0(%a: f32, %b: f32):
      %m = arith.maxnumf %a, %b : f32
      ll.reduce.return %m : f32
    ```
  }];
  let arguments = (ins Variadic<AnyType>:$result);
  let assemblyFormat = "attr-dict ($result^ `:` type($result))?";
}

def LL_ScanOp : LL_Op<"scan", [Pure, SingleBlock]> {
  let summary = "Inclusive scan of tensors along one axis";
  let description = [{
    `result[.., i, ..] = x[.., 0, ..] (+) ... (+) x[.., i, ..]` along `axis`
    with the combining region (associative; the order of the operands of
    every combine is kept, earlier first), as Triton's `tt.scan`. With
    `reverse` the scan runs from the end: `x[n-1] (+) ... (+) x[i]`. The
    results have the operands' types.

    ```mlir
    %c = "ll.scan"(%x) <{axis = 0 : i32, reverse = false}> ({
    ^bb0(%a: i32, %b: i32):
      %t = arith.addi %a, %b : i32
      ll.scan.return %t : i32
    }) : (tensor<128xi32, #b>) -> tensor<128xi32, #b>
    ```
  }];
  let arguments = (ins Variadic<LL_Tensor>:$srcs, I32Attr:$axis,
                   BoolAttr:$reverse);
  let results = (outs Variadic<LL_Tensor>:$result);
  let regions = (region SizedRegion<1>:$combineOp);
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
}

def LL_ScanReturnOp : LL_Op<"scan.return",
    [HasParent<"ScanOp">, Pure, Terminator, ReturnLike]> {
  let summary = "The combined values of an ll.scan region";
  let description = [{
    Ends the combining region of `ll.scan` with one value per operand.

    ```mlir
    ^bb0(%a: i32, %b: i32):
      %s = arith.addi %a, %b : i32
      ll.scan.return %s : i32
    ```
  }];
  let arguments = (ins Variadic<AnyType>:$result);
  let assemblyFormat = "attr-dict ($result^ `:` type($result))?";
}

def LL_HistogramOp : LL_Op<"histogram", [Pure]> {
  let summary = "Count the values of a 1-D integer tensor in bins of width 1";
  let description = [{
    As Triton's `tt.histogram`: result element `i` counts the elements of
    `src` equal to `i` (where `mask` is true); the result's size is the
    number of bins. Values outside `[0, bins)` are not counted.

    ```mlir
    %h = ll.histogram %x, %m : tensor<1024xi32, #b>, tensor<1024xi1, #b> -> tensor<64xi32, #r>
    ```
  }];
  let arguments = (ins LL_Tensor:$src, Optional<LL_Tensor>:$mask);
  let results = (outs LL_Tensor:$result);
  let assemblyFormat = [{
    $src (`,` $mask^)? attr-dict `:` type($src) (`,` type($mask)^)? `->` type($result)
  }];
  let hasVerifier = 1;
}

def LL_MakeRangeOp : LL_Op<"make_range", [Pure]> {
  let summary = "The 1D tensor start, start + 1, ..., end - 1";
  let description = [{
    ```mlir
    %0 = ll.make_range {start = 0 : i32, end = 128 : i32} : tensor<128xi32, #s>
    ```
  }];
  let arguments = (ins I32Attr:$start, I32Attr:$end);
  let results = (outs LL_Tensor:$result);
  let assemblyFormat = "attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def LL_SplatOp : LL_Op<"splat", [Pure]> {
  let summary = "A tensor with every element equal to a scalar";
  let description = [{
    ```mlir
    %1 = ll.splat %0 : f32 -> tensor<64x64xf32, #b>
    ```
  }];
  let arguments = (ins AnyType:$src);
  let results = (outs LL_Tensor:$result);
  let assemblyFormat = "$src attr-dict `:` type($src) `->` type($result)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Kernels: program ids, pointers, global memory
//===----------------------------------------------------------------------===//

def LL_ProgramIdOp : LL_Op<"program_id", [Pure]> {
  let summary = "The id of this program (CTA) along an axis of the grid";
  let description = [{
    ```mlir
    %pid = ll.program_id x : i32
    ```
  }];
  let arguments = (ins ConfinedAttr<I32Attr, [IntMinValue<0>, IntMaxValue<2>]>:$axis);
  let results = (outs I32:$result);
  let assemblyFormat = "custom<Axis>($axis) attr-dict `:` type($result)";
}

def LL_NumProgramsOp : LL_Op<"num_programs", [Pure]> {
  let summary = "The number of programs (CTAs) along an axis of the grid";
  let description = [{
    ```mlir
    %n = ll.num_programs y : i32
    ```
  }];
  let arguments = (ins ConfinedAttr<I32Attr, [IntMinValue<0>, IntMaxValue<2>]>:$axis);
  let results = (outs I32:$result);
  let assemblyFormat = "custom<Axis>($axis) attr-dict `:` type($result)";
}

def LL_PtrLike : Type<CPred<"::mlir::ll::isPointerLike($_self)">,
                      "a pointer or a tensor of pointers">;
def LL_IntLike : Type<CPred<"::mlir::getElementTypeOrSelf($_self).isSignlessInteger()">,
                      "an integer or a tensor of integers">;
def LL_BoolLike : Type<CPred<"::mlir::getElementTypeOrSelf($_self).isSignlessInteger(1)">,
                       "an i1 or a tensor of i1">;

def LL_AddPtrOp : LL_Op<"addptr", [Pure, Elementwise, SameOperandsAndResultShape,
                                   AllTypesMatch<["ptr", "result"]>]> {
  let summary = "Advance pointers by element offsets";
  let description = [{
    `ptr + offset * sizeof(pointee)`, elementwise; the offsets are signed.

    ```mlir
    %p = ll.addptr %base, %offs : tensor<128x!ll.ptr<f32>, #b>, tensor<128xi32, #b>
    ```
  }];
  let arguments = (ins LL_PtrLike:$ptr, LL_IntLike:$offset);
  let results = (outs LL_PtrLike:$result);
  let assemblyFormat = "$ptr `,` $offset attr-dict `:` type($result) `,` type($offset)";
  let hasVerifier = 1;
}

class LL_CastOp<string mnemonic, string summ, string example>
    : LL_Op<mnemonic, [Pure, Elementwise, SameOperandsAndResultShape]> {
  let summary = summ;
  let description = example;
  let arguments = (ins AnyType:$src);
  let results = (outs AnyType:$result);
  let assemblyFormat = "$src attr-dict `:` type($src) `->` type($result)";
  let hasVerifier = 1;
}

def LL_BitcastOp : LL_CastOp<"bitcast",
    "Reinterpret the bits of each element as another type of the same width", [{
    Scalars or tensors of one shape and layout; pointers cast to pointers.

    ```mlir
    %1 = ll.bitcast %0 : tensor<128xf32, #b> -> tensor<128xi32, #b>
    ```
  }]>;

def LL_IntToPtrOp : LL_CastOp<"int_to_ptr",
    "Pointers from 64-bit integer addresses", [{
    ```mlir
    %p = ll.int_to_ptr %a : tensor<128xi64, #b> -> tensor<128x!ll.ptr<f32>, #b>
    ```
  }]>;

def LL_PtrToIntOp : LL_CastOp<"ptr_to_int",
    "The 64-bit integer addresses of pointers", [{
    ```mlir
    %a = ll.ptr_to_int %p : tensor<128x!ll.ptr<f32>, #b> -> tensor<128xi64, #b>
    ```
  }]>;

def LL_FpToFpOp : LL_Op<"fp_to_fp", [Pure, Elementwise,
                                     SameOperandsAndResultShape]> {
  let summary = "Convert floats between types, fp8 included";
  let description = [{
    Each element converted to the result's float type (as Triton's
    `tt.fp_to_fp`): `f8E4M3FN`, `f8E5M2`, `f8E4M3FNUZ`, `f8E5M2FNUZ`, `f16`,
    `bf16`, `f32`, `f64`. A conversion to fewer exponent or mantissa bits
    needs `rounding` (`rtne`: to nearest, ties to even; `rtz`: toward zero);
    one that is exact must not have it. Conversions to fp8 saturate as
    PTX's `cvt.satfinite` does (and Triton on sm_89+): NaN stays NaN,
    anything beyond the largest finite value, infinities included, becomes
    that value with its sign. Other conversions follow IEEE 754.

    ```mlir
    %1 = ll.fp_to_fp %0, rounding = rtne : tensor<128xf32, #b> -> tensor<128xf8E4M3FN, #b>
    %2 = ll.fp_to_fp %1 : tensor<128xf8E4M3FN, #b> -> tensor<128xf16, #b>
    ```
  }];
  let arguments = (ins AnyType:$src, OptionalAttr<LL_RoundingMode>:$rounding);
  let results = (outs AnyType:$result);
  let assemblyFormat = [{
    $src (`,` `rounding` `=` $rounding^)? attr-dict `:` type($src) `->` type($result)
  }];
  let hasVerifier = 1;
}

def LL_Fp4ToFpOp : LL_Op<"fp4_to_fp", [Pure]> {
  let summary = "Unpack pairs of fp4 (e2m1) values to 16-bit floats";
  let description = [{
    Each byte of `src` holds two OCP MX e2m1 values, the low nibble first
    along `axis`: `result[.., 2 j, ..]` is the low nibble of `src[.., j,
    ..]`, `result[.., 2 j + 1, ..]` its high nibble, as bf16 or f16 (exact:
    0, 0.5, 1, 1.5, 2, 3, 4, 6 and their negatives). Triton's decomposition
    of `tl.dot_scaled` with e2m1 operands. The lowering pairs each result
    register with the byte holding it by coordinates; the layouts must put
    both nibbles of a byte in one thread.

    ```mlir
    %1 = ll.fp4_to_fp %0 {axis = 1 : i32}
        : tensor<64x32xi8, #a> -> tensor<64x64xbf16, #b>
    ```
  }];
  let arguments = (ins LL_Tensor:$src, I32Attr:$axis);
  let results = (outs LL_Tensor:$result);
  let assemblyFormat = "$src attr-dict `:` type($src) `->` type($result)";
  let hasVerifier = 1;
}

def LL_UpcastMxfpOp : LL_Op<"upcast_mxfp", [Pure]> {
  let summary = "MX values (fp4 pairs or 16-bit floats) times their e8m0 scales";
  let description = [{
    Each value multiplied by 2^(s - 127) for its scale byte s (OCP MX: one
    scale per 32 values along `axis`), in f32, the product's top 16 bits
    taken (bf16: truncated, as Triton's AMD lowering) or rounded (f16); s =
    0xFF gives NaN (0x7FFF) unless `fastMath`. The values are `src`
    unpacked by `ll.fp4_to_fp` along `axis` (i8 pairs of e2m1), or `src`
    itself (a bf16 / f16 tensor of the result's type and layout: fp8 / fp6
    operands converted before). The scale operand holds, in the result's
    layout with `axis` divided by 32, the scale of each result element:
    register r of a thread is the scale of its result register r. (Triton's
    AMD `amdg.upcast_mxfp`; the importer converts the scales to that
    layout.)

    ```mlir
    %r = ll.upcast_mxfp %v, %s {axis = 1 : i32}
        : tensor<64x32xi8, #a>, tensor<64x2xi8, #sc> -> tensor<64x64xbf16, #b>
    %q = ll.upcast_mxfp %w, %s {axis = 1 : i32}
        : tensor<64x64xbf16, #b>, tensor<64x2xi8, #sc> -> tensor<64x64xbf16, #b>
    ```
  }];
  let arguments = (ins LL_Tensor:$src, LL_Tensor:$scale, I32Attr:$axis,
                   DefaultValuedAttr<BoolAttr, "false">:$fastMath);
  let results = (outs LL_Tensor:$result);
  let assemblyFormat = [{
    $src `,` $scale attr-dict `:` type($src) `,` type($scale) `->` type($result)
  }];
  let hasVerifier = 1;
}

def LL_LoadOp : LL_Op<"load", [AttrSizedOperandSegments,
                               MemoryEffects<[MemRead]>]> {
  let summary = "Load through pointers, optionally masked";
  let description = [{
    Each element is read through its pointer; where `mask` is false nothing
    is read and the element is `other` (or undefined without `other`).
    Replicated elements (held by several threads) are each loaded by every
    holder. Hints for the cache are kept as attributes (`cache`,
    `eviction`, `volatile`) for the lowering.

    ```mlir
    %v = ll.load %p, %m, %o : (tensor<128x!ll.ptr<f32>, #b>, tensor<128xi1, #b>,
                               tensor<128xf32, #b>) -> tensor<128xf32, #b>
    %w = ll.load %q : (!ll.ptr<f32>) -> f32
    ```
  }];
  let arguments = (ins LL_PtrLike:$ptr, Optional<LL_BoolLike>:$mask,
                   Optional<AnyType>:$other);
  let results = (outs AnyType:$result);
  let assemblyFormat =
      "$ptr (`,` $mask^)? (`,` $other^)? attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def LL_StoreOp : LL_Op<"store", [MemoryEffects<[MemWrite]>]> {
  let summary = "Store through pointers, optionally masked";
  let description = [{
    Each element is written through its pointer where `mask` is true.
    Replicated elements are written once (by one of their holders).

    ```mlir
    ll.store %p, %v, %m : (tensor<128x!ll.ptr<f32>, #b>, tensor<128xf32, #b>,
                           tensor<128xi1, #b>) -> ()
    ```
  }];
  let arguments = (ins LL_PtrLike:$ptr, AnyType:$value, Optional<LL_BoolLike>:$mask);
  let assemblyFormat =
      "$ptr `,` $value (`,` $mask^)? attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def LL_AtomicRMWOp : LL_Op<"atomic_rmw", [MemoryEffects<[MemRead, MemWrite]>]> {
  let summary = "Atomic read-modify-write through pointers, optionally masked";
  let description = [{
    Each element `i` atomically replaces `*ptr[i]` by `kind(*ptr[i],
    val[i])` where `mask` holds, with the ordering `sem` among the threads
    of `scope`, and the result is the value it replaced (undefined where
    the mask is false). Every element is applied once, however many threads
    hold it: replicated elements are applied by their first holder and the
    old value is given to every holder. A scalar atomic is applied once per
    program.

    ```mlir
    %old = ll.atomic_rmw fadd, acq_rel, gpu, %p, %v, %m
        : (tensor<128x!ll.ptr<f32>, #b>, tensor<128xf32, #b>,
           tensor<128xi1, #b>) -> tensor<128xf32, #b>
    %o = ll.atomic_rmw exch, release, gpu, %lock, %c0 : (!ll.ptr<i32>, i32) -> i32
    ```
  }];
  let arguments = (ins LL_AtomicRMWKind:$kind, LL_MemSemantic:$sem,
                   LL_MemScope:$scope, LL_PtrLike:$ptr, AnyType:$val,
                   Optional<LL_BoolLike>:$mask);
  let results = (outs AnyType:$result);
  let assemblyFormat = [{
    $kind `,` $sem `,` $scope `,` $ptr `,` $val (`,` $mask^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def LL_AtomicCASOp : LL_Op<"atomic_cas", [MemoryEffects<[MemRead, MemWrite]>]> {
  let summary = "Atomic compare-and-swap through pointers";
  let description = [{
    Each element `i` atomically writes `val[i]` to `*ptr[i]` if it equals
    `cmp[i]`; the result is the value read. Replicated elements and scalars
    are applied once, as in `ll.atomic_rmw`. The ordering `sem` holds when
    the swap happens (a failed compare only acquires).

    ```mlir
    %old = ll.atomic_cas acq_rel, gpu, %lock, %c0, %c1 : (!ll.ptr<i32>, i32, i32) -> i32
    ```
  }];
  let arguments = (ins LL_MemSemantic:$sem, LL_MemScope:$scope,
                   LL_PtrLike:$ptr, AnyType:$cmp, AnyType:$val);
  let results = (outs AnyType:$result);
  let assemblyFormat = [{
    $sem `,` $scope `,` $ptr `,` $cmp `,` $val attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Shared memory
//===----------------------------------------------------------------------===//

def LL_LocalAllocOp : LL_Op<"local_alloc", [MemoryEffects<[MemAlloc]>]> {
  let summary = "Allocate shared memory, optionally storing a tensor";
  let description = [{
    ```mlir
    %m = ll.local_alloc %0 : (tensor<128x64xf16, #b>)
                           -> !ll.memdesc<128x64xf16, #shared>
    %n = ll.local_alloc : () -> !ll.memdesc<128x64xf16, #shared, mutable>
    ```
  }];
  let arguments = (ins Optional<LL_Tensor>:$src);
  let results = (outs LL_MemDesc:$result);
  let assemblyFormat = "($src^)? attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def LL_LocalLoadOp : LL_Op<"local_load", [MemoryEffects<[MemRead]>]> {
  let summary = "Load a tensor from shared memory";
  let description = [{
    ```mlir
    %0 = ll.local_load %m : !ll.memdesc<128x64xf16, #shared>
                          -> tensor<128x64xf16, #dot>
    ```
  }];
  let arguments = (ins LL_MemDesc:$src);
  let results = (outs LL_Tensor:$result);
  let assemblyFormat = "$src attr-dict `:` qualified(type($src)) `->` type($result)";
  let hasVerifier = 1;
}

def LL_LocalStoreOp : LL_Op<"local_store", [MemoryEffects<[MemWrite]>]> {
  let summary = "Store a tensor to mutable shared memory";
  let description = [{
    ```mlir
    ll.local_store %0, %m : tensor<128x64xf16, #b>
                          -> !ll.memdesc<128x64xf16, #shared, mutable>
    ```
  }];
  let arguments = (ins LL_Tensor:$src, LL_MemDesc:$dst);
  let assemblyFormat = "$src `,` $dst attr-dict `:` type($src) `->` qualified(type($dst))";
  let hasVerifier = 1;
}

def LL_LocalDeallocOp : LL_Op<"local_dealloc", [MemoryEffects<[MemFree]>]> {
  let summary = "Free shared memory";
  let description = [{
    ```mlir
    ll.local_dealloc %m : !ll.memdesc<128x64xf16, #shared, mutable>
    ```
  }];
  let arguments = (ins LL_MemDesc:$src);
  let assemblyFormat = "$src attr-dict `:` qualified(type($src))";
}

def LL_MemDescIndexOp : LL_Op<"memdesc_index", [Pure]> {
  let summary = "One buffer of a multi-buffered memory descriptor";
  let description = [{
    Buffer `index` along the leading dim (0 <= index < its size; not
    checked at run time): the same memory layout over the trailing dims.

    ```mlir
    %b = ll.memdesc_index %m[%i] : !ll.memdesc<3x1024xf32, #s, mutable>
                                -> !ll.memdesc<1024xf32, #s, mutable>
    ```
  }];
  let arguments = (ins LL_MemDesc:$src, I32:$index);
  let results = (outs LL_MemDesc:$result);
  let assemblyFormat = [{
    $src `[` $index `]` attr-dict `:` qualified(type($src)) `->`
    qualified(type($result))
  }];
  let hasVerifier = 1;
}

def LL_MemDescSubsliceOp : LL_Op<"memdesc_subslice", [Pure]> {
  let summary = "A box of a buffer, viewed in place";
  let description = [{
    The elements `src[offsets[0] + i, offsets[1] + j, ...]` for the result's
    shape: no data moves. Each offset is a multiple of the result's size in
    its dim (Triton's pipeliner takes K sub-tiles of a stage so), so an
    element's coordinates are the origin's bits OR its own, and its offset
    in the buffer is L(origin) XOR L(coords) for the buffer's linear map
    L: a swizzled buffer's box is not a constant offset away. The result's
    type carries the buffer's allocation shape.

    ```mlir
    %k1 = ll.memdesc_subslice %a[0, 16]
        : !ll.memdesc<64x32xf16, #s, mutable>
       -> !ll.memdesc<64x16xf16, #s, mutable, 64x32>
    ```
  }];
  let arguments = (ins LL_MemDesc:$src, DenseI32ArrayAttr:$offsets);
  let results = (outs LL_MemDesc:$result);
  let assemblyFormat = [{
    $src `` $offsets attr-dict `:` qualified(type($src)) `->`
    qualified(type($result))
  }];
  let hasVerifier = 1;
}

def LL_MemDescTransOp : LL_Op<"memdesc_trans", [Pure]> {
  let summary = "The same buffer viewed with its dims permuted";
  let description = [{
    Result dim `i` is source dim `order[i]`; no data moves. The verifier
    checks that the result's memory layout is the source's with its out
    dims permuted (e.g. a row-major `#nvmma_shared` tile viewed through
    its `transposed = true` twin).

    ```mlir
    %t = ll.memdesc_trans %m {order = array<i32: 1, 0>}
        : !ll.memdesc<64x32xf16, #nvmma> -> !ll.memdesc<32x64xf16, #nvmma_t>
    ```
  }];
  let arguments = (ins LL_MemDesc:$src, DenseI32ArrayAttr:$order);
  let results = (outs LL_MemDesc:$result);
  let assemblyFormat = [{
    $src attr-dict `:` qualified(type($src)) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
}

def LL_AsyncCopyOp : LL_Op<"async_copy", [AttrSizedOperandSegments,
                                          MemoryEffects<[MemRead, MemWrite]>]> {
  let summary = "Copy global memory to shared memory asynchronously";
  let description = [{
    Each element of `dst` receives what its pointer (in `ptr`, a tensor of
    the descriptor's shape) points to, where `mask` holds, and 0 where it
    does not; the copy joins the open commit group and is complete (and
    visible to this thread) after an `ll.async_wait` that leaves fewer
    groups pending than have been committed since. Other threads see it
    after a barrier. `other` is accepted as Triton prints it: Triton's
    pipeliner applies it with a select after the load, and the hardware
    zero-fills (NVIDIA: `cp.async` with a source size of 0; other targets
    copy synchronously).

    ```mlir
    %t = ll.async_copy %p, %b mask %m
        : (tensor<1024x!ll.ptr<f32>, #bl>, !ll.memdesc<1024xf32, #s, mutable>,
           tensor<1024xi1, #bl>) -> !ll.async_token
    ```
  }];
  let arguments = (ins LL_Tensor:$ptr, LL_MemDesc:$dst,
                   Optional<LL_Tensor>:$mask, Optional<LL_Tensor>:$other);
  let results = (outs LL_AsyncToken:$token);
  let assemblyFormat = [{
    $ptr `,` $dst (`mask` $mask^)? (`other` $other^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def LL_AsyncCommitGroupOp : LL_Op<"async_commit_group",
                                  [MemoryEffects<[MemRead, MemWrite]>]> {
  let summary = "Close the open group of asynchronous copies";
  let description = [{
    ```mlir
    %g = ll.async_commit_group tokens %t
    ```
  }];
  let arguments = (ins Variadic<LL_AsyncToken>:$tokens);
  let results = (outs LL_AsyncToken:$token);
  let assemblyFormat = "(`tokens` $tokens^)? attr-dict";
}

def LL_AsyncWaitOp : LL_Op<"async_wait", [MemoryEffects<[MemRead, MemWrite]>]> {
  let summary = "Wait until at most `num` commit groups are pending";
  let description = [{
    The copies of every commit group but the newest `num` are complete for
    this thread.

    ```mlir
    %w = ll.async_wait %g {num = 1 : i32}
    ```
  }];
  let arguments = (ins Variadic<LL_AsyncToken>:$tokens, I32Attr:$num);
  let results = (outs LL_AsyncToken:$token);
  let assemblyFormat = "($tokens^)? attr-dict";
}

//===----------------------------------------------------------------------===//
// External functions and inline assembly, element by element
//===----------------------------------------------------------------------===//

def LL_ExternElementwiseOp : LL_Op<"extern_elementwise"> {
  let summary = "Call an external scalar function on every element";
  let description = [{
    Triton's `tt.extern_elementwise` (`tl.extra.cuda.libdevice.pow` & co.):
    each element of the result is `symbol` applied to the operands'
    elements (scalars or tensors of one shape and layout). libdevice
    (`__nv_*`) and OCML (`__ocml_*`) are linked at emission.

    ```mlir
    %y = ll.extern_elementwise %x, %e {pure = true, symbol = "__nv_powf"}
        : (tensor<128xf32, #b>, tensor<128xf32, #b>) -> tensor<128xf32, #b>
    ```
  }];
  let arguments = (ins Variadic<AnyType>:$srcs, StrAttr:$symbol, BoolAttr:$pure);
  let results = (outs AnyType:$result);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, $result)";
  let hasVerifier = 1;
}

def LL_ElementwiseInlineAsmOp : LL_Op<"elementwise_inline_asm"> {
  let summary = "Inline assembly on every element (tl.inline_asm_elementwise)";
  let description = [{
    `asm_string` with `constraints` (LLVM's) runs on each group of
    `packed_element` consecutive registers of the operands (packed into one
    vector per operand when more than one), giving the results' registers;
    with side effects unless `pure`.

    ```mlir
    %y = ll.elementwise_inline_asm "mul.lo.u32 $0, $1, 3;"
        {constraints = "=r,r", packed_element = 1 : i32, pure = true}
        %x : tensor<128xi32, #b> -> tensor<128xi32, #b>
    ```
  }];
  let arguments = (ins StrAttr:$asm_string, StrAttr:$constraints,
                   BoolAttr:$pure, I32Attr:$packed_element,
                   Variadic<AnyType>:$args);
  let results = (outs Variadic<AnyType>:$result);
  let assemblyFormat = [{
    $asm_string attr-dict ($args^ `:` type($args))? `->` type($result)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Debugging
//===----------------------------------------------------------------------===//

def LL_PrintOp : LL_Op<"print", [MemoryEffects<[MemWrite]>]> {
  let summary = "Print every element each thread holds (tl.device_print)";
  let description = [{
    Each thread prints, per operand and per register, one line as Triton
    formats it: `pid (x, y, z) idx (i, j) <prefix><value>` (with
    `(operand k) ` before the value when there are several operands;
    `idx ()` for scalars, which every thread prints). Integers print
    signed where `isSigned` says so, in hexadecimal with `hex`; floats as
    `%f`. NVIDIA: `vprintf`; AMD: OCKL's printf.

    ```mlir
    ll.print " x: " {hex = false, isSigned = array<i32: 0>} : %x : tensor<128xf32, #b>
    ```
  }];
  let arguments = (ins StrAttr:$prefix, BoolAttr:$hex,
                   DenseI32ArrayAttr:$isSigned, Variadic<AnyType>:$args);
  let assemblyFormat = "$prefix attr-dict (`:` $args^ `:` type($args))?";
  let hasVerifier = 1;
}

def LL_AssertOp : LL_Op<"assert", [MemoryEffects<[MemWrite]>]> {
  let summary = "Stop the launch where a condition is false (tl.device_assert)";
  let description = [{
    A thread any of whose elements of `condition` is false reports
    `message` with the op's file and line and stops the launch (NVIDIA:
    `__assertfail`; AMD: a printf, then a trap). Triton emits it only with
    `debug=True` (or `TRITON_DEBUG=1`).

    ```mlir
    ll.assert %ok, "x out of range" : tensor<128xi1, #b>
    ```
  }];
  let arguments = (ins AnyType:$condition, StrAttr:$message);
  let assemblyFormat = "$condition `,` $message attr-dict `:` type($condition)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Dots
//===----------------------------------------------------------------------===//

def LL_DotOp : LL_Op<"dot", [Pure, AllTypesMatch<["c", "d"]>]> {
  let summary = "A matrix product: d = a * b + c, per batch";
  let description = [{
    `d[(b,) m, n] = sum_k a[(b,) m, k] * b[(b,) k, n] + c[(b,) m, n]` on
    distributed tensors (rank 2, or 3 with a leading batch dim). The
    operands' element types are the same kind (floats or integers); `c` and
    `d` have one type. `inputPrecision` says how f32 operands are taken
    (Triton's: ieee exactly; tf32 / tf32x3 / bf16x3 / bf16x6 on tensor
    cores), `maxNumImpreciseAcc` how many fp8 products a tensor core may
    accumulate at low precision (0: all in full precision).

    The lowering picks the instruction by dividing the layouts: the FMA form
    where each thread holds, for each result element, all k of its operands
    (Triton's `#dot_op` operands of a `#blocked` parent).

    ```mlir
    %d = ll.dot %a, %b, %c {inputPrecision = ieee}
        : tensor<16x16xf32, #a> * tensor<16x16xf32, #b> -> tensor<16x16xf32, #c>
    ```
  }];
  let arguments = (ins LL_Tensor:$a, LL_Tensor:$b, LL_Tensor:$c,
                   DefaultValuedAttr<LL_InputPrecision, "::mlir::ll::InputPrecision::IEEE">:$inputPrecision,
                   DefaultValuedAttr<I32Attr, "0">:$maxNumImpreciseAcc);
  let results = (outs LL_Tensor:$d);
  let assemblyFormat = [{
    $a `,` $b `,` $c attr-dict `:` type($a) `*` type($b) `->` type($d)
  }];
  let hasVerifier = 1;
}

def LL_WarpGroupDotOp : LL_Op<"warp_group_dot", [AllTypesMatch<["c", "d"]>,
    MemoryEffects<[MemRead, MemWrite]>]> {
  let summary = "A matrix product on Hopper's warpgroup tensor cores (wgmma)";
  let description = [{
    `d = a * b + c` (`c` dropped where `useC` is false) with `b`, and `a`
    unless it is a tensor, read from shared memory by the tensor cores
    (sm_90 `wgmma.mma_async`). The operands' memory layouts must be ones a
    wgmma matrix descriptor can express: the lowering derives each
    descriptor's fields (start, leading / stride byte offsets, swizzle)
    from the layout's linear map, or says why none exists. `isAsync`
    leaves the product in flight until an `ll.warp_group_dot_wait`;
    otherwise the op waits for it.

    ```mlir
    %d = ll.warp_group_dot %a, %b, %c {isAsync = true}
        : !ll.memdesc<64x32xf16, #nvmma> * !ll.memdesc<32x64xf16, #nvmma1>
        -> tensor<64x64xf32, #mma3>
    ```
  }];
  let arguments = (ins AnyType:$a, LL_MemDesc:$b, LL_Tensor:$c,
                   Optional<I1>:$useC,
                   DefaultValuedAttr<LL_InputPrecision, "::mlir::ll::InputPrecision::IEEE">:$inputPrecision,
                   DefaultValuedAttr<I32Attr, "0">:$maxNumImpreciseAcc,
                   DefaultValuedAttr<BoolAttr, "false">:$isAsync);
  let results = (outs LL_Tensor:$d);
  let assemblyFormat = [{
    $a `,` $b `,` $c (`,` $useC^)? attr-dict `:` qualified(type($a)) `*`
    qualified(type($b)) `->` type($d)
  }];
  let hasVerifier = 1;
}

def LL_WarpGroupDotWaitOp : LL_Op<"warp_group_dot_wait",
    [MemoryEffects<[MemRead, MemWrite]>]> {
  let summary = "Wait until at most `pendings` wgmma groups are in flight";
  let description = [{
    The results are the inputs (the accumulators of asynchronous
    `ll.warp_group_dot`s and the buffers they read), usable once the
    products of every group but the newest `pendings` are complete.

    ```mlir
    %r:2 = ll.warp_group_dot_wait %d, %a {pendings = 1 : i32}
        : tensor<64x64xf32, #mma3>, !ll.memdesc<64x32xf16, #nvmma>
    ```
  }];
  let arguments = (ins Variadic<AnyType>:$inputs, I32Attr:$pendings);
  let results = (outs Variadic<AnyType>:$outputs);
  let hasCustomAssemblyFormat = 1; // $inputs attr-dict : types (results alike)
  let builders = [OpBuilder<(ins "::mlir::ValueRange":$inputs, "int32_t":$pendings), [{
    build($_builder, $_state, inputs.getTypes(), inputs, pendings);
  }]>];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Hopper's tensor memory accelerator (TMA): tensor maps, mbarriers, tile
// copies. Triton's ttng ops of the same names (sm_90).
//===----------------------------------------------------------------------===//

def LL_ScalarPtr : Type<CPred<"::llvm::isa<::mlir::ll::PointerType>($_self)">,
                        "pointer", "::mlir::ll::PointerType">;
def LL_TensorDesc : Type<CPred<"::llvm::isa<::mlir::ll::TensorDescType>($_self)">,
                         "tensor descriptor", "::mlir::ll::TensorDescType">;

def LL_GlobalScratchAllocOp : LL_Op<"global_scratch_alloc",
                                    [MemoryEffects<[MemAlloc]>]> {
  let summary = "Bytes of global memory private to the program";
  let description = [{
    `nbytes` bytes (aligned to `alignment`) of the global scratch buffer
    Triton's launcher passes every kernel, private to this program (CTA).
    The lowering places every such op of the kernel at its own offset and
    records the bytes per program (`ll.global_scratch_size`).

    ```mlir
    %p = ll.global_scratch_alloc {alignment = 128 : i32, nbytes = 128 : i32} : !ll.ptr<i8>
    ```
  }];
  let arguments = (ins I32Attr:$nbytes, I32Attr:$alignment);
  let results = (outs LL_ScalarPtr:$result);
  let assemblyFormat = "attr-dict `:` qualified(type($result))";
  let hasVerifier = 1;
}

def LL_TensormapCreateOp : LL_Op<"tensormap_create",
    [AttrSizedOperandSegments, MemoryEffects<[MemRead, MemWrite]>]> {
  let summary = "Build a TMA tensor map in global memory";
  let description = [{
    Writes the 128-byte tensor map at `desc_ptr` (global memory, 128-byte
    aligned) for the tensor at `global_address`: per dimension, innermost
    first, the box (tile) size, the tensor's size and the element stride;
    the byte strides of dimensions 1 and up; and the element type,
    interleave, swizzle (0-3: none, 32, 64, 128 bytes) and fill (0 zeros,
    1 NaN) codes of PTX's `tensormap.replace`. The CTA's threads all run it.

    ```mlir
    ll.tensormap_create %d, %x, [%c32, %c16], [%n, %m], [%stride], [%c1, %c1]
        {elem_type = 7 : i32, fill_mode = 0 : i32, interleave_layout = 0 : i32,
         swizzle_mode = 3 : i32}
        : (!ll.ptr<i8>, !ll.ptr<f32>, i32, i32, i32, i32, i64, i32, i32) -> ()
    ```
  }];
  let arguments = (ins LL_ScalarPtr:$desc_ptr, LL_ScalarPtr:$global_address,
                   Variadic<I32>:$box_dim, Variadic<I32>:$global_dim,
                   Variadic<I64>:$global_stride, Variadic<I32>:$element_stride,
                   I32Attr:$elem_type, I32Attr:$interleave_layout,
                   I32Attr:$swizzle_mode, I32Attr:$fill_mode);
  let assemblyFormat = [{
    $desc_ptr `,` $global_address `,` `[` $box_dim `]` `,` `[` $global_dim `]`
    `,` `[` $global_stride `]` `,` `[` $element_stride `]` attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def LL_TensormapFenceproxyAcquireOp : LL_Op<"tensormap_fenceproxy_acquire",
    [MemoryEffects<[MemRead, MemWrite]>]> {
  let summary = "Make a tensor map written in global memory usable by TMA";
  let description = [{
    ```mlir
    ll.tensormap_fenceproxy_acquire %d : !ll.ptr<i8>
    ```
  }];
  let arguments = (ins LL_ScalarPtr:$desc_ptr);
  let assemblyFormat = "$desc_ptr attr-dict `:` qualified(type($desc_ptr))";
}

def LL_ReinterpretTensorDescOp : LL_Op<"reinterpret_tensor_descriptor", [Pure]> {
  let summary = "The tensor map at a global pointer, as a descriptor";
  let description = [{
    ```mlir
    %t = ll.reinterpret_tensor_descriptor %d : !ll.ptr<i8>
        to !ll.tensordesc<16x32xf32, #nvmma>
    ```
  }];
  let arguments = (ins LL_ScalarPtr:$raw_desc);
  let results = (outs LL_TensorDesc:$result);
  let assemblyFormat = [{
    $raw_desc attr-dict `:` qualified(type($raw_desc)) `to` qualified(type($result))
  }];
}

def LL_InitBarrierOp : LL_Op<"init_barrier", [MemoryEffects<[MemWrite]>]> {
  let summary = "Initialize an mbarrier in shared memory";
  let description = [{
    The mbarrier (one i64 of shared memory) starts its phase 0 expecting
    `count` arrivals. One thread initializes it; the CTA then synchronizes.

    ```mlir
    ll.init_barrier %bar, 1 : !ll.memdesc<1xi64, #s, mutable>
    ```
  }];
  let arguments = (ins LL_MemDesc:$alloc, I32Attr:$count);
  let assemblyFormat = "$alloc `,` $count attr-dict `:` qualified(type($alloc))";
  let hasVerifier = 1;
}

def LL_InvalBarrierOp : LL_Op<"inval_barrier", [MemoryEffects<[MemWrite]>]> {
  let summary = "Invalidate an mbarrier (its memory may be reused)";
  let description = [{
    ```mlir
    ll.inval_barrier %bar : !ll.memdesc<1xi64, #s, mutable>
    ```
  }];
  let arguments = (ins LL_MemDesc:$alloc);
  let assemblyFormat = "$alloc attr-dict `:` qualified(type($alloc))";
  let hasVerifier = 1;
}

def LL_BarrierExpectOp : LL_Op<"barrier_expect", [MemoryEffects<[MemWrite]>]> {
  let summary = "Arrive on an mbarrier, expecting `size` bytes of copies";
  let description = [{
    Where `pred` holds, one thread arrives on the mbarrier and adds `size`
    bytes to the transactions its phase waits for (the TMA loads that
    complete on it).

    ```mlir
    ll.barrier_expect %bar, 2048, %true : !ll.memdesc<1xi64, #s, mutable>
    ```
  }];
  let arguments = (ins LL_MemDesc:$alloc, I32Attr:$size, I1:$pred);
  let assemblyFormat = [{
    $alloc `,` $size attr-dict `,` $pred `:` qualified(type($alloc))
  }];
  let hasVerifier = 1;
}

def LL_WaitBarrierOp : LL_Op<"wait_barrier", [MemoryEffects<[MemRead, MemWrite]>]> {
  let summary = "Wait until the mbarrier's phase of parity `phase` completes";
  let description = [{
    Every thread (where `pred` holds) waits for the phase whose parity is
    `phase` (0 or 1); what completed it (the TMA loads) is then visible.

    ```mlir
    ll.wait_barrier %bar, %c0 : !ll.memdesc<1xi64, #s, mutable>
    ```
  }];
  let arguments = (ins LL_MemDesc:$alloc, I32:$phase, Optional<I1>:$pred);
  let assemblyFormat = [{
    $alloc `,` $phase (`,` $pred^)? attr-dict `:` qualified(type($alloc))
  }];
  let hasVerifier = 1;
}

def LL_AsyncTMACopyGlobalToLocalOp : LL_Op<"async_tma_copy_global_to_local",
    [MemoryEffects<[MemRead, MemWrite]>]> {
  let summary = "Copy a tile of a global tensor to shared memory with TMA";
  let description = [{
    Where `pred` holds, the tile of the descriptor's tensor at `coord`
    (outermost first, as Triton's) goes to `result`'s buffer, laid out by
    its (the descriptor's) shared layout; elements outside the tensor are
    zero (or NaN, by the tensor map). The copy completes on `barrier`,
    whose phase must expect its bytes (`ll.barrier_expect`).

    ```mlir
    ll.async_tma_copy_global_to_local %d[%i, %j] %buf, %bar, %true
        : !ll.tensordesc<16x32xf32, #nvmma>, !ll.memdesc<1xi64, #s, mutable>
        -> !ll.memdesc<16x32xf32, #nvmma, mutable>
    ```
  }];
  let arguments = (ins LL_TensorDesc:$desc, Variadic<I32>:$coord,
                   LL_MemDesc:$result, LL_MemDesc:$barrier, I1:$pred);
  let assemblyFormat = [{
    $desc `[` $coord `]` $result `,` $barrier `,` $pred attr-dict `:`
    qualified(type($desc)) `,` qualified(type($barrier)) `->`
    qualified(type($result))
  }];
  let hasVerifier = 1;
}

def LL_AsyncTMACopyLocalToGlobalOp : LL_Op<"async_tma_copy_local_to_global",
    [MemoryEffects<[MemRead, MemWrite]>]> {
  let summary = "Copy a shared-memory tile to a global tensor with TMA";
  let description = [{
    The tile in `src` goes to the descriptor's tensor at `coord`; elements
    outside the tensor are dropped. Shared memory may be reused after an
    `ll.async_tma_store_wait`.

    ```mlir
    ll.async_tma_copy_local_to_global %d[%i, %j] %buf
        : !ll.tensordesc<16x32xf32, #nvmma>, !ll.memdesc<16x32xf32, #nvmma, mutable>
    ```
  }];
  let arguments = (ins LL_TensorDesc:$desc, Variadic<I32>:$coord,
                   LL_MemDesc:$src);
  let assemblyFormat = [{
    $desc `[` $coord `]` $src attr-dict `:` qualified(type($desc)) `,`
    qualified(type($src))
  }];
  let hasVerifier = 1;
}

def LL_TMAStoreWaitOp : LL_Op<"async_tma_store_wait",
                              [MemoryEffects<[MemRead, MemWrite]>]> {
  let summary = "Wait until at most `pendings` TMA stores still read shared memory";
  let description = [{
    ```mlir
    ll.async_tma_store_wait {pendings = 0 : i32}
    ```
  }];
  let arguments = (ins I32Attr:$pendings);
  let assemblyFormat = "attr-dict";
}

def LL_FenceAsyncSharedOp : LL_Op<"fence_async_shared",
                                  [MemoryEffects<[MemRead, MemWrite]>]> {
  let summary = "Order shared-memory writes before asynchronous-proxy reads";
  let description = [{
    Writes to shared memory by this thread become visible to the async
    proxy (TMA stores, wgmma operands) that reads after it.

    ```mlir
    ll.fence_async_shared {bCluster = false}
    ```
  }];
  let arguments = (ins DefaultValuedAttr<BoolAttr, "false">:$bCluster);
  let assemblyFormat = "attr-dict";
}

#endif // LINEAR_LAYOUTS_DIALECT_LL_IR_LLOPS_TD
