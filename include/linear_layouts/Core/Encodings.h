//===- Encodings.h - Layout families from Triton's parameters ---*- C++ -*-===//
//
// The one decoder of Triton's layout parameters. Front ends read the syntax
// `#ttg.family<{key = value, ...}>` their own way -- MLIR's AsmParser for the
// `#ll.*` / `#ttg.*` attributes (the dialect and the TTGIR importer), the
// Python TTGIR reader for `from_triton` -- into a `ParamMap`; `makeEncoding`
// then decides everything about the family: which keys it takes, which are
// required, their defaults, the legacy CTA parameters (`CTAsPerCGA`,
// `CTASplitNum`, `CTAOrder`) next to `CGALayout`, Triton's spellings
// (`isTranspose` for WMMA), and the bases of the basis-given families.
//
//   ParamMap p = {{"sizePerThread", Param::ints({2, 2})},
//                 {"threadsPerWarp", Param::ints({4, 8})},
//                 {"warpsPerCTA", Param::ints({2, 1})},
//                 {"order", Param::ints({1, 0})}};
//   makeEncoding("blocked", p)  -> a BlockedEncoding
//   makeEncoding("blocked", {})  -> Error "blocked: missing parameter
//                                   'sizePerThread'"
//
//===----------------------------------------------------------------------===//

#ifndef LINEAR_LAYOUTS_CORE_ENCODINGS_H
#define LINEAR_LAYOUTS_CORE_ENCODINGS_H

#include "linear_layouts/Core/Families.h"

#include <map>
#include <string>
#include <vector>

namespace ll {

/// One parameter value: an integer, a boolean, a (nested) list, or a layout
/// (a slice's or dot operand's `parent`, already decoded).
struct Param {
  enum class Kind { Int, Bool, List, Layout };
  Kind kind = Kind::Int;
  int64_t i = 0;
  bool b = false;
  std::vector<Param> list;
  EncodingPtr layout;

  static Param integer(int64_t v);
  static Param boolean(bool v);
  static Param ofList(std::vector<Param> v);
  static Param ints(const std::vector<int64_t> &v);
  static Param ofLayout(EncodingPtr e);
};

/// A layout attribute's `{key = value}` dictionary.
using ParamMap = std::map<std::string, Param>;

/// The family `family` (Triton's mnemonic: "blocked", "slice", "nvidia_mma",
/// "dot_op", "amd_mfma", "amd_wmma", "linear", "swizzled_shared",
/// "nvmma_shared", "shared_linear", "padded_shared") with parameters
/// `params`. `rank`, when known (>= 0), is the tensor rank: it checks the
/// bases of `linear` / `shared_linear` and gives `nvmma_shared` its default
/// rank. Errors name the family and the key; an unknown key is an error.
Expected<EncodingPtr> makeEncoding(const std::string &family,
                                   const ParamMap &params, int rank = -1);

/// The families `makeEncoding` knows.
const std::vector<std::string> &encodingFamilies();
/// Older mnemonics Triton printed for some families (#triton_gpu.mma,
/// #triton_gpu.shared), to the family's name.
const std::map<std::string, std::string> &encodingFamilyAliases();

} // namespace ll

#endif // LINEAR_LAYOUTS_CORE_ENCODINGS_H
