//===- MLIRModule.cpp - The ll dialect in the upstream mlir package -------===//
//
// `linear_layouts._mlir`: registers the `ll` dialect and its passes into the
// MLIR that the upstream `mlir` Python package carries (this module links
// that package's libMLIRPythonCAPI.so, so there is one MLIR in the process),
// and converts layout attributes to their linear form. Goes through the C
// API (linear_layouts-c/Dialects.h) and MLIR's nanobind casters.
//
//===----------------------------------------------------------------------===//

#include "linear_layouts-c/Dialects.h"

#include "mlir-c/IR.h"
#include "mlir/Bindings/Python/NanobindAdaptors.h"

#include <nanobind/nanobind.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

namespace nb = nanobind;
using namespace nb::literals;

NB_MODULE(_mlir, m) {
  m.doc() = "The ll dialect registered into the upstream mlir package";

  m.def(
      "register_dialect",
      [](MlirContext context, bool load) {
        MlirDialectHandle h = mlirGetDialectHandle__ll__();
        mlirDialectHandleRegisterDialect(h, context);
        if (load)
          mlirDialectHandleLoadDialect(h, context);
      },
      "context"_a.none() = nb::none(), "load"_a = true,
      "Register (and load) the ll dialect in an mlir.ir.Context (default: "
      "the current one).");

  m.def("register_passes", &llRegisterPasses,
        "Make ll-legacy-to-linear, ll-remove-conversions and "
        "ll-plan-conversions available to mlir.passmanager.PassManager.");

  m.def(
      "is_layout", [](MlirAttribute a) { return llAttributeIsLayout(a); },
      "attr"_a, "True for ll layout attributes.");
  m.def(
      "is_shared_layout",
      [](MlirAttribute a) { return llAttributeIsSharedLayout(a); }, "attr"_a,
      "True for ll memory layouts.");

  m.def(
      "linear_attr",
      [](MlirAttribute a, std::vector<int64_t> shape) {
        std::string err;
        MlirAttribute r = llLayoutGetLinear(
            a, static_cast<intptr_t>(shape.size()), shape.data(),
            [](MlirStringRef s, void *user) {
              static_cast<std::string *>(user)->append(s.data, s.length);
            },
            &err);
        if (mlirAttributeIsNull(r))
          throw nb::value_error(err.c_str());
        return r;
      },
      "attr"_a, "shape"_a,
      "The #ll.linear / #ll.shared attribute equal to a layout attribute for "
      "a tensor shape.");
}
