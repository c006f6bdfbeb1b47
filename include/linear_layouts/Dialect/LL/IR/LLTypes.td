//===- LLTypes.td - Types of the ll dialect ----------------*- tablegen -*-===//

#ifndef LINEAR_LAYOUTS_DIALECT_LL_IR_LLTYPES_TD
#define LINEAR_LAYOUTS_DIALECT_LL_IR_LLTYPES_TD

include "linear_layouts/Dialect/LL/IR/LLDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/BuiltinTypeInterfaces.td"

def LL_MemDescType : TypeDef<LL_Dialect, "MemDesc", [ShapedTypeInterface]> {
  let mnemonic = "memdesc";
  let summary = "A tensor in shared memory, with its memory layout";
  let description = [{
    `!ll.memdesc<128x64xf16, #shared>` (read-only) or
    `!ll.memdesc<128x64xf16, #shared, mutable>`. The encoding is a memory
    layout (`#ll.shared`, `#ll.swizzled_shared`, `#ll.nvmma_shared`,
    `#ll.padded_shared`) that covers the shape. A shape with more dims than
    the layout has is multi-buffered (Triton's software pipelining): the
    leading dims count buffers, each laid out by the layout over the
    trailing dims, one after another (`ll.memdesc_index` picks one).

    A trailing shape after `mutable` (or the encoding) makes the memdesc a
    view of part of a larger buffer (`ll.memdesc_subslice`): the layout is
    the buffer's, over that allocation shape, and the view's elements are
    those of a box at an origin the op that made it records.

    ```mlir
    !ll.memdesc<128x64xf16, #ll.swizzled_shared<{vec = 8, perPhase = 1, maxPhase = 8, order = [1, 0]}>, mutable>
    !ll.memdesc<128x32xf16, #shared, mutable, 128x64>  // half of the above
    ```
  }];
  let parameters = (ins ArrayRefParameter<"int64_t">:$shape,
                    "::mlir::Type":$elementType, "::mlir::Attribute":$encoding,
                    "bool":$mutableMemory,
                    OptionalArrayRefParameter<"int64_t">:$allocShape);
  let builders = [
    TypeBuilder<(ins "::llvm::ArrayRef<int64_t>":$shape,
                     "::mlir::Type":$elementType,
                     "::mlir::Attribute":$encoding, "bool":$mutableMemory), [{
      return $_get($_ctxt, shape, elementType, encoding, mutableMemory,
                   ::llvm::ArrayRef<int64_t>());
    }]>
  ];
  let skipDefaultBuilders = 0;
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    // ShapedTypeInterface
    bool hasRank() const { return true; }
    MemDescType cloneWith(std::optional<::llvm::ArrayRef<int64_t>> shape,
                          ::mlir::Type elementType) const {
      return MemDescType::get(getContext(), shape ? *shape : getShape(),
                              elementType, getEncoding(), getMutableMemory(),
                              shape ? ::llvm::ArrayRef<int64_t>()
                                    : getAllocShape());
    }
    /// Whether this is a view of part of its buffer (an allocation shape).
    bool isSubview() const { return !getAllocShape().empty(); }
    /// The shape the layout covers: the allocation's when a subview.
    ::llvm::ArrayRef<int64_t> getLayoutShape() const;
    /// The dims the layout covers (one buffer) and the number of buffers
    /// (the product of the leading dims; 1 when the ranks agree).
    ::llvm::ArrayRef<int64_t> getBufferShape() const;
    int64_t getNumBuffers() const;
  }];
}

def LL_AsyncTokenType : TypeDef<LL_Dialect, "AsyncToken"> {
  let mnemonic = "async_token";
  let summary = "Orders asynchronous copies with the waits for them";
  let description = [{
    `!ll.async_token`: what `ll.async_copy`, `ll.async_commit_group` and
    `ll.async_wait` produce (Triton's `!ttg.async.token`). It carries no
    data; the ops' program order is what the lowering keeps.

    ```mlir
    %g = ll.async_commit_group tokens %t
    %w = ll.async_wait %g {num = 0 : i32}  // both !ll.async_token
    ```
  }];
}

def LL_PointerType : TypeDef<LL_Dialect, "Pointer"> {
  let mnemonic = "ptr";
  let summary = "A pointer to elements of a type, in an address space";
  let description = [{
    A scalar pointer (`tt.ptr` in Triton): the pointee type and the address
    space (1, global memory, by default; 3 is shared memory). Tensors of
    pointers carry a layout like any tensor; `ll.addptr` advances them,
    `ll.load` / `ll.store` access memory through them.

    ```mlir
    !ll.ptr<f16>          // global
    !ll.ptr<i32, 3>       // shared
    tensor<128x!ll.ptr<f32>, #blocked>
    ```
  }];
  let parameters = (ins "::mlir::Type":$pointeeType,
                    DefaultValuedParameter<"int", "1">:$addressSpace);
  let assemblyFormat = "`<` $pointeeType (`,` $addressSpace^)? `>`";
  let genVerifyDecl = 1;
}

def LL_TensorDescType : TypeDef<LL_Dialect, "TensorDesc"> {
  let mnemonic = "tensordesc";
  let summary = "A TMA tensor map: tiles of a tensor in global memory";
  let description = [{
    What Hopper's tensor memory accelerator copies tiles of a global tensor
    with (Triton's `!tt.tensordesc<tensor<...>>` on sm_90): the tile's
    shape and element type, and the shared-memory layout the copies use (an
    `#ll.nvmma_shared`). At run time it is the address of a 128-byte tensor
    map, passed by the host (a kernel parameter) or built on the device
    (`ll.tensormap_create` in global scratch).

    ```mlir
    !ll.tensordesc<16x32xf32, #ll.nvmma_shared<{swizzlingByteWidth = 128, transposed = false, elementBitWidth = 32}>>
    ```
  }];
  let parameters = (ins ArrayRefParameter<"int64_t">:$shape,
                    "::mlir::Type":$elementType, "::mlir::Attribute":$encoding);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
}

#endif // LINEAR_LAYOUTS_DIALECT_LL_IR_LLTYPES_TD
