//===- LLAttrs.td - Layout attributes -----------------------*- tablegen -*-===//
//
// Every layout attribute implements LayoutEncodingInterface. Bases are stored
// flattened: basis i of a dim is elements [i * rank, (i + 1) * rank).
//
//===----------------------------------------------------------------------===//

#ifndef LINEAR_LAYOUTS_DIALECT_LL_IR_LLATTRS_TD
#define LINEAR_LAYOUTS_DIALECT_LL_IR_LLATTRS_TD

include "linear_layouts/Dialect/LL/IR/LLDialect.td"
include "linear_layouts/Dialect/LL/IR/LLAttrInterfaces.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/TensorEncoding.td"

class LL_Attr<string name, string attrMnemonic>
    : AttrDef<LL_Dialect, name,
              [DeclareAttrInterfaceMethods<LL_LayoutEncodingInterface>,
               DeclareAttrInterfaceMethods<VerifiableTensorEncoding>]> {
  let mnemonic = attrMnemonic;
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  // One tensor-encoding check for every family (LLAttrs.cpp).
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::verifyEncoding(
        ::llvm::ArrayRef<int64_t> shape, ::mlir::Type,
        ::llvm::function_ref<::mlir::InFlightDiagnostic()> emitError) const {
      return verifyTensorEncoding(
          ::llvm::cast<LayoutEncodingInterface>(*this), shape, emitError);
    }
  }];
}

def LL_FlatBases : ArrayRefParameter<"int32_t", "bases, flattened">;
def LL_UnsignedList : ArrayRefParameter<"unsigned">;

//===----------------------------------------------------------------------===//
// Linear layouts given by their bases
//===----------------------------------------------------------------------===//

def LL_LinearAttr : LL_Attr<"Linear", "linear"> {
  let summary = "A distributed layout given by its bases";
  let description = [{
    Bases per input dim (`register`, `lane`, `warp`, `block`); each basis is
    the tensor coordinate (dim0, dim1, ...) of one input bit, and each moves
    at most one dim. The tensor shape is the type's; the layout must reach
    every element (surjective), and a shape larger than the bases cover is
    filled by repeating in registers.

    ```mlir
    #ll.linear<{register = [[0, 1], [8, 0]],
                lane = [[0, 2], [0, 4], [1, 0], [2, 0], [4, 0]],
                warp = [[16, 0]], block = []}>
    ```
  }];
  let parameters = (ins "unsigned":$rank, LL_FlatBases:$registerBases,
                    LL_FlatBases:$laneBases, LL_FlatBases:$warpBases,
                    LL_FlatBases:$blockBases);
  let extraClassDeclaration = [{
    /// The attribute denoting `layout` (in dims register, lane, warp, block;
    /// out dims dim0..).
    static LinearAttr get(::mlir::MLIRContext *ctx,
                          const ::ll::LinearLayout &layout);
  }];
}

def LL_SharedAttr : LL_Attr<"Shared", "shared"> {
  let summary = "A shared-memory layout given by its bases";
  let description = [{
    Bases per input dim (`offset`, `block`): the tensor coordinate stored at
    each offset bit. Swizzles have bases that move several dims. The bases
    must cover exactly the memory descriptor's shape, bijectively once zero
    (broadcast) bases are removed.

    ```mlir
    #ll.shared<{offset = [[0, 1], [0, 2], [1, 1], [2, 2]], block = []}>
    ```
  }];
  let parameters = (ins "unsigned":$rank, LL_FlatBases:$offsetBases,
                    LL_FlatBases:$blockBases);
  let extraClassDeclaration = [{
    static SharedAttr get(::mlir::MLIRContext *ctx,
                          const ::ll::LinearLayout &layout);
  }];
}

//===----------------------------------------------------------------------===//
// Legacy families (Triton's parameters and syntax)
//===----------------------------------------------------------------------===//

def LL_BlockedAttr : LL_Attr<"Blocked", "blocked"> {
  let summary = "Triton's blocked layout";
  let description = [{
    `sizePerThread` contiguous elements per thread, `threadsPerWarp` threads
    and `warpsPerCTA` warps per dim, dims ordered fastest first by `order`;
    `CGALayout` gives the CTA (block) bases when there are several.

    ```mlir
    #ll.blocked<{sizePerThread = [1, 4], threadsPerWarp = [8, 4],
                 warpsPerCTA = [4, 1], order = [1, 0]}>
    ```
  }];
  let parameters = (ins LL_UnsignedList:$sizePerThread,
                    LL_UnsignedList:$threadsPerWarp,
                    LL_UnsignedList:$warpsPerCTA, LL_UnsignedList:$order,
                    LL_FlatBases:$cgaBases);
}

def LL_SliceAttr : LL_Attr<"Slice", "slice"> {
  let summary = "A distributed layout with one dim removed";
  let description = [{
    The parent layout on a shape with a size-1 dim inserted at `dim`, with
    that dim projected away (its threads now hold replicas).

    ```mlir
    #ll.slice<{dim = 1, parent = #blocked}>
    ```
  }];
  let parameters = (ins "unsigned":$dim, "::mlir::Attribute":$parent);
}

def LL_NvidiaMmaAttr : LL_Attr<"NvidiaMma", "nvidia_mma"> {
  let summary = "NVIDIA mma.sync (v2) / wgmma (v3) accumulator layout";
  let description = [{
    ```mlir
    #ll.nvidia_mma<{versionMajor = 2, versionMinor = 0, warpsPerCTA = [2, 2],
                    instrShape = [16, 8]}>
    ```
  }];
  let parameters = (ins "unsigned":$versionMajor, "unsigned":$versionMinor,
                    LL_UnsignedList:$warpsPerCTA, LL_UnsignedList:$instrShape,
                    LL_FlatBases:$cgaBases);
}

def LL_DotOperandAttr : LL_Attr<"DotOperand", "dot_op"> {
  let summary = "Layout of operand A (opIdx 0) or B (opIdx 1) of a dot";
  let description = [{
    ```mlir
    #ll.dot_op<{opIdx = 0, parent = #mma, kWidth = 2}>
    ```
  }];
  let parameters = (ins "unsigned":$opIdx, "::mlir::Attribute":$parent,
                    "unsigned":$kWidth);
}

def LL_AmdMfmaAttr : LL_Attr<"AmdMfma", "amd_mfma"> {
  let summary = "AMD MFMA (CDNA) accumulator layout";
  let description = [{
    ```mlir
    #ll.amd_mfma<{version = 3, warpsPerCTA = [2, 2], instrShape = [32, 32, 8],
                  isTransposed = true}>
    ```
  }];
  let parameters = (ins "unsigned":$version, LL_UnsignedList:$warpsPerCTA,
                    LL_UnsignedList:$instrShape, "bool":$isTransposed,
                    LL_UnsignedList:$tilesPerWarp, "unsigned":$elementBitWidth,
                    LL_FlatBases:$cgaBases);
}

def LL_AmdWmmaAttr : LL_Attr<"AmdWmma", "amd_wmma"> {
  let summary = "AMD WMMA (RDNA) accumulator layout";
  let description = [{
    ```mlir
    #ll.amd_wmma<{version = 2, isTranspose = false, warpsPerCTA = [2, 2]}>
    ```
  }];
  let parameters = (ins "unsigned":$version, "bool":$isTranspose,
                    LL_UnsignedList:$warpsPerCTA, LL_UnsignedList:$instrShape,
                    LL_UnsignedList:$tilesPerWarp, LL_FlatBases:$cgaBases);
}

def LL_SwizzledSharedAttr : LL_Attr<"SwizzledShared", "swizzled_shared"> {
  let summary = "Swizzled shared memory (vec, perPhase, maxPhase)";
  let description = [{
    ```mlir
    #ll.swizzled_shared<{vec = 8, perPhase = 1, maxPhase = 8, order = [1, 0]}>
    ```
  }];
  let parameters = (ins "unsigned":$vec, "unsigned":$perPhase,
                    "unsigned":$maxPhase, LL_UnsignedList:$order,
                    LL_FlatBases:$cgaBases);
}

def LL_AmdRotatingSharedAttr : LL_Attr<"AmdRotatingShared", "amd_rotating_shared"> {
  let summary = "AMD's rotating swizzle: #swizzled_shared whose phase also "
                "XORs the block of rows";
  let description = [{
    ```mlir
    #ll.amd_rotating_shared<{vec = 4, perPhase = 1, maxPhase = 16, order = [0, 1]}>
    ```
  }];
  let parameters = (ins "unsigned":$vec, "unsigned":$perPhase,
                    "unsigned":$maxPhase, LL_UnsignedList:$order,
                    LL_FlatBases:$cgaBases);
}

def LL_NVMMASharedAttr : LL_Attr<"NVMMAShared", "nvmma_shared"> {
  let summary = "Shared memory swizzled for TMA / wgmma";
  let description = [{
    ```mlir
    #ll.nvmma_shared<{swizzlingByteWidth = 128, transposed = false,
                      elementBitWidth = 16}>
    ```
  }];
  let parameters = (ins "unsigned":$swizzlingByteWidth, "bool":$transposed,
                    "unsigned":$elementBitWidth, "bool":$fp4Padded,
                    "unsigned":$rank, LL_FlatBases:$cgaBases);
}

def LL_PaddedSharedAttr : LL_Attr<"PaddedShared", "padded_shared"> {
  let summary = "Shared memory with padding after every interval";
  let description = [{
    The layout is the linear component (`{offset, block}` bases, or the
    identity over `{order, shape}`); after every `interval` elements
    `padding` elements are skipped.

    ```mlir
    #ll.padded_shared<[32:+4] {order = [1, 0], shape = [16, 64]}>
    ```
  }];
  let parameters = (ins LL_UnsignedList:$intervals, LL_UnsignedList:$paddings,
                    "unsigned":$rank, LL_FlatBases:$offsetBases,
                    LL_FlatBases:$blockBases);
}

//===----------------------------------------------------------------------===//
// The target
//===----------------------------------------------------------------------===//

def LL_TargetAttr : AttrDef<LL_Dialect, "Target"> {
  let mnemonic = "target";
  let summary = "The GPU a module is compiled for, with its facts";
  let description = [{
    The module attribute `ll.target` names the GPU every pass plans and
    lowers for; `convert-triton-to-ll` sets it from Triton's `ttg.target`
    (`"cuda:90"` becomes `#ll.target<"sm_90">`, `"hip:gfx942"`
    `#ll.target<"gfx942">`), `linear_layouts.compile(..., target=)` from its
    argument. A pass's `target` option, where given, overrides it; a pass
    that needs a target and finds neither fails (there is no default
    target).

    The name is all the attribute stores: its facts (warp size, shared-memory
    banks and size, matrix accesses, warp reductions, fp8 conversions, the
    LLVM triple, processor and PTX version or AMD code object version) are
    the core's `ll::Target` for that name, so one table serves planning,
    lowering, code emission and Python (`linear_layouts.Target`). Known:
    sm_80, sm_86, sm_89, sm_90, sm_90a, gfx90a, gfx942, gfx950; RDNA
    (wave32) and sm_100 are refused with the reason.

    ```mlir
    module attributes {ll.target = #ll.target<"gfx942">} { ... }
    ```
  }];
  let parameters = (ins StringRefParameter<"the target's name">:$name);
  let assemblyFormat = "`<` $name `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The module attribute holding the target.
    static constexpr ::llvm::StringLiteral kAttrName = "ll.target";
    /// The target's facts (verified to exist).
    ::ll::Target getTarget() const;
  }];
}

#endif // LINEAR_LAYOUTS_DIALECT_LL_IR_LLATTRS_TD
