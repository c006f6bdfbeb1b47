//===- CoreModule.cpp - nanobind bindings of the linear-layouts core ------===//
//
// `linear_layouts._core`: LinearLayout and the layout families. Every error
// of the core (an `ll::Error` value) becomes a `LayoutError`, a subclass of
// `ValueError`; nothing here aborts the interpreter.
//
//===----------------------------------------------------------------------===//

#include "linear_layouts/Core/Encodings.h"
#include "linear_layouts/Core/Families.h"
#include "linear_layouts/Core/Planning.h"
#include "linear_layouts/Core/ReduceScan.h"
#include "linear_layouts/Core/LinearLayout.h"

#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/map.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <cstring>
#include <stdexcept>
#include <unordered_map>

namespace nb = nanobind;
using namespace nb::literals;
using ll::LinearLayout;

namespace {

struct LayoutError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] void fail(const std::string &msg) { throw LayoutError(msg); }

/// The name of the plan kind whose typed value is T.
template <typename T> const char *planKindName() {
  if constexpr (std::is_same_v<T, ll::RegisterPlan>)
    return "registers";
  else if constexpr (std::is_same_v<T, ll::SelectPlan>)
    return "select";
  else if constexpr (std::is_same_v<T, ll::ShufflePlan>)
    return "shuffle";
  else
    return "shared";
}

/// The typed value of `p` when it is a T plan, else AttributeError naming
/// the field, the plan's kind and the kind the field belongs to.
template <typename T>
const T &planOf(const ll::ConversionPlan &p, const char *name) {
  if (const T *x = p.as<T>())
    return *x;
  throw nb::attribute_error(
      (std::string(name) + ": this is a " + ll::toString(p.kind()) +
       " plan; " + name + " belongs to " + planKindName<T>() + " plans")
          .c_str());
}

const ll::SharedPlan &sharedOf(const ll::ConversionPlan &p, const char *name) {
  return planOf<ll::SharedPlan>(p, name);
}

/// A property getter for a field `f` of the T plans.
template <typename T, typename F> auto field(const char *name, F f) {
  return [name, f](const ll::ConversionPlan &p) { return f(planOf<T>(p, name)); };
}

template <typename T> T unwrap(ll::Expected<T> e) {
  if (!e)
    fail(e.error().message());
  return std::move(*e);
}

int64_t toInt(nb::handle h, const char *what) {
  if (!nb::isinstance<nb::int_>(h)) {
    // Accept numpy integers and other __index__ types.
    if (!PyIndex_Check(h.ptr()))
      fail(std::string(what) + " must be an integer, got " +
           nb::cast<std::string>(nb::str(nb::type_name(h.type()))));
  }
  long long v = PyLong_AsLongLong(h.ptr());
  if (v == -1 && PyErr_Occurred()) {
    PyErr_Clear();
    fail(std::string(what) + " is out of range");
  }
  return v;
}

int32_t toInt32(nb::handle h, const char *what) {
  int64_t v = toInt(h, what);
  if (v < INT32_MIN || v > INT32_MAX)
    fail(std::string(what) + " " + std::to_string(v) +
         " does not fit in 32 bits");
  return static_cast<int32_t>(v);
}

std::vector<ll::Basis> toBases(nb::handle seq, const std::string &dim) {
  if (!nb::isinstance<nb::sequence>(seq) || nb::isinstance<nb::str>(seq))
    fail("bases of in dim '" + dim + "' must be a list of lists of ints");
  std::vector<ll::Basis> out;
  for (nb::handle b : seq) {
    if (!nb::isinstance<nb::sequence>(b) || nb::isinstance<nb::str>(b))
      fail("each basis of in dim '" + dim + "' must be a list of ints");
    ll::Basis basis;
    for (nb::handle x : b)
      basis.push_back(toInt32(x, "a basis component"));
    out.push_back(std::move(basis));
  }
  return out;
}

ll::BasesList toBasesList(nb::handle bases) {
  if (!nb::isinstance<nb::dict>(bases))
    fail("bases must be a dict mapping in-dim names to lists of bases");
  ll::BasesList out;
  for (auto [k, v] : nb::borrow<nb::dict>(bases)) {
    if (!nb::isinstance<nb::str>(k))
      fail("in-dim names must be strings");
    std::string name = nb::cast<std::string>(k);
    out.push_back({name, toBases(v, name)});
  }
  return out;
}

ll::DimSizes toDimSizes(nb::handle dims, const char *what) {
  ll::DimSizes out;
  if (nb::isinstance<nb::dict>(dims)) {
    for (auto [k, v] : nb::borrow<nb::dict>(dims)) {
      if (!nb::isinstance<nb::str>(k))
        fail(std::string(what) + " names must be strings");
      out.push_back({nb::cast<std::string>(k), toInt32(v, "a dim size")});
    }
    return out;
  }
  if (!nb::isinstance<nb::sequence>(dims) || nb::isinstance<nb::str>(dims))
    fail(std::string(what) + " must be a dict {name: size} or a list of "
                             "(name, size) pairs");
  for (nb::handle p : dims) {
    if (!nb::isinstance<nb::sequence>(p) || nb::len(p) != 2)
      fail(std::string(what) + " entries must be (name, size) pairs");
    nb::handle k = p[0], v = p[1];
    if (!nb::isinstance<nb::str>(k))
      fail(std::string(what) + " names must be strings");
    out.push_back({nb::cast<std::string>(k), toInt32(v, "a dim size")});
  }
  return out;
}

std::vector<std::string> toNames(nb::handle names, const char *what) {
  if (nb::isinstance<nb::str>(names) || !nb::isinstance<nb::sequence>(names))
    fail(std::string(what) + " must be a list of names");
  std::vector<std::string> out;
  for (nb::handle n : names) {
    if (!nb::isinstance<nb::str>(n))
      fail(std::string(what) + " must hold strings");
    out.push_back(nb::cast<std::string>(n));
  }
  return out;
}

nb::dict basesDict(const LinearLayout &l) {
  nb::dict d;
  for (int i = 0; i < l.numInDims(); ++i) {
    nb::list bs;
    for (int b = 0; b < l.inDimSizeLog2(i); ++b) {
      nb::list basis;
      for (int o = 0; o < l.numOutDims(); ++o)
        basis.append(l.basis(i, b, o));
      bs.append(basis);
    }
    d[nb::str(l.inDimName(i).c_str())] = bs;
  }
  return d;
}

nb::dict sizesDict(const ll::DimSizes &dims) {
  nb::dict d;
  for (auto &[n, s] : dims)
    d[nb::str(n.c_str())] = s;
  return d;
}

LinearLayout fromBases(nb::handle bases, nb::handle outDims,
                       bool requireSurjective) {
  ll::BasesList bl = toBasesList(bases);
  if (nb::isinstance<nb::dict>(outDims) ||
      (nb::isinstance<nb::sequence>(outDims) && nb::len(outDims) > 0 &&
       !nb::isinstance<nb::str>(outDims[0])))
    return unwrap(LinearLayout::create(std::move(bl),
                                       toDimSizes(outDims, "out_dims"),
                                       requireSurjective));
  return unwrap(LinearLayout::create(std::move(bl),
                                     toNames(outDims, "out_dims"),
                                     requireSurjective));
}

//===----------------------------------------------------------------------===//
// Families from a nested parameter dict (built by linear_layouts.ttgir),
// decoded by the core's makeEncoding (the decoder the dialect uses too).
//===----------------------------------------------------------------------===//

ll::EncodingPtr encodingFrom(nb::handle spec, int rank);

/// A Python value as a core parameter: bool, int, (nested) list, or a
/// nested layout dict (a `parent`).
ll::Param paramFrom(nb::handle v, const std::string &key, int parentRank) {
  if (nb::isinstance<nb::bool_>(v))
    return ll::Param::boolean(nb::cast<bool>(v));
  if (nb::isinstance<nb::int_>(v)) {
    int64_t i;
    if (!nb::try_cast<int64_t>(v, i) || i > (int64_t(1) << 40) ||
        i < -(int64_t(1) << 40))
      fail("parameter '" + key + "' is out of range");
    return ll::Param::integer(i);
  }
  if (nb::isinstance<nb::dict>(v))
    return ll::Param::ofLayout(encodingFrom(v, parentRank));
  if (nb::isinstance<nb::sequence>(v) && !nb::isinstance<nb::str>(v)) {
    std::vector<ll::Param> list;
    for (nb::handle x : v)
      list.push_back(paramFrom(x, key, parentRank));
    return ll::Param::ofList(std::move(list));
  }
  fail("parameter '" + key + "' must be an integer, a boolean, a list or a layout");
}

ll::EncodingPtr encodingFrom(nb::handle spec, int rank) {
  if (!nb::isinstance<nb::dict>(spec))
    fail("an encoding spec must be a dict");
  nb::dict d = nb::borrow<nb::dict>(spec);
  if (!d.contains("kind"))
    fail("an encoding spec needs a 'kind'");
  std::string kind = nb::cast<std::string>(nb::str(d["kind"]));
  // A slice's parent has one more dim than the slice.
  int parentRank = rank < 0 ? -1 : kind == "slice" ? rank + 1 : rank;
  ll::ParamMap params;
  for (auto [k, v] : d) {
    std::string key = nb::cast<std::string>(nb::str(k));
    if (key != "kind")
      params[key] = paramFrom(v, key, parentRank);
  }
  return unwrap(ll::makeEncoding(kind, params, rank));
}

ll::Shape toShape(nb::handle h) {
  if (!nb::isinstance<nb::sequence>(h) || nb::isinstance<nb::str>(h))
    fail("shape must be a list of integers");
  ll::Shape s;
  for (nb::handle x : h) {
    if (nb::isinstance<nb::bool_>(x))
      fail("shape entries must be integers, got a bool");
    int64_t v = toInt(x, "a shape entry");
    if (v <= 0)
      fail("shape entries must be positive (got " + std::to_string(v) + ")");
    s.push_back(v);
  }
  return s;
}

/// Interned Python strings for dim names, created once per distinct name.
PyObject *internedName(const std::string &s) {
  static std::unordered_map<std::string, PyObject *> cache;
  auto it = cache.find(s);
  if (it != cache.end())
    return it->second;
  PyObject *o = PyUnicode_InternFromString(s.c_str());
  cache.emplace(s, o); // kept alive for the life of the process
  return o;
}

/// `layout.apply({...})`, the per-point hot path: no temporary C++ strings,
/// interned result keys.
nb::object applyDict(const LinearLayout &l, nb::handle ins) {
  PyObject *d = ins.ptr();
  if (!PyDict_Check(d))
    fail("apply expects a dict {in_dim: value}");
  int nIn = l.numInDims(), nOut = l.numOutDims();
  if (nIn > 16 || nOut > 16)
    fail("apply: at most 16 in and out dims are supported");
  int32_t vals[16] = {};
  unsigned seen = 0;
  Py_ssize_t pos = 0;
  PyObject *k, *v;
  while (PyDict_Next(d, &pos, &k, &v)) {
    Py_ssize_t len;
    const char *name = PyUnicode_Check(k) ? PyUnicode_AsUTF8AndSize(k, &len)
                                          : nullptr;
    if (!name) {
      PyErr_Clear();
      fail("apply: in-dim names must be strings");
    }
    int i = 0;
    for (; i < nIn; ++i) {
      const std::string &n = l.inDimName(i);
      if (static_cast<Py_ssize_t>(n.size()) == len &&
          std::memcmp(n.data(), name, len) == 0)
        break;
    }
    if (i == nIn)
      fail("apply: '" + std::string(name, len) +
           "' is not an in dim of this layout");
    long long x = PyLong_AsLongLong(v);
    if (x == -1 && PyErr_Occurred()) {
      PyErr_Clear();
      fail("apply: the value of '" + l.inDimName(i) + "' must be an integer");
    }
    if (x < 0 || x >= l.inDimSize(i))
      fail("apply: value " + std::to_string(x) +
           " is out of range for in dim '" + l.inDimName(i) + "' of size " +
           std::to_string(l.inDimSize(i)));
    vals[i] = static_cast<int32_t>(x);
    seen |= 1u << i;
  }
  if (seen != (nIn == 32 ? ~0u : (1u << nIn) - 1))
    for (int i = 0; i < nIn; ++i)
      if (!(seen >> i & 1))
        fail("apply: missing a value for in dim '" + l.inDimName(i) + "'");
  int32_t out[16] = {};
  for (int i = 0; i < nIn; ++i) {
    uint32_t x = static_cast<uint32_t>(vals[i]);
    while (x) {
      int b = __builtin_ctz(x);
      x &= x - 1;
      for (int o = 0; o < nOut; ++o)
        out[o] ^= l.basis(i, b, o);
    }
  }
  PyObject *r = PyDict_New();
  if (!r)
    throw nb::python_error();
  for (int o = 0; o < nOut; ++o) {
    PyObject *val = PyLong_FromLong(out[o]);
    if (!val || PyDict_SetItem(r, internedName(l.outDimName(o)), val) < 0) {
      Py_XDECREF(val);
      Py_DECREF(r);
      throw nb::python_error();
    }
    Py_DECREF(val);
  }
  return nb::steal(r);
}

} // namespace

NB_MODULE(_core, m) {
  m.doc() = "linear-layouts core: F2 linear layouts and GPU layout families";
  nb::exception<LayoutError>(m, "LayoutError", PyExc_ValueError);

  nb::class_<LinearLayout>(m, "LinearLayout", R"doc(
A tensor layout as a linear map over F2 from hardware bits (named in dims,
e.g. register/lane/warp/block) to tensor-coordinate bits (out dims dim0..).

>>> L = LinearLayout.from_bases({"register": [[0, 1]], "lane": [[1, 0]]},
...                             ["dim0", "dim1"])
>>> L.apply({"register": 1, "lane": 1})
{'dim0': 1, 'dim1': 1}
)doc")
      .def(nb::init<>(), "The empty layout (identity of `*`).")
      .def_static("from_bases", &fromBases, "bases"_a, "out_dims"_a,
                  "require_surjective"_a = true,
                  "Build from {in_dim: [basis, ...]} and out dims (a list of "
                  "names, sizes inferred, or {name: size}).")
      .def_static(
          "identity_1d",
          [](int32_t size, std::string in, std::string out) {
            return unwrap(LinearLayout::identity1D(size, in, out));
          },
          "size"_a, "in_dim"_a, "out_dim"_a)
      .def_static(
          "zeros_1d",
          [](int32_t size, std::string in, std::string out, int32_t outSize) {
            return unwrap(LinearLayout::zeros1D(size, in, out, outSize));
          },
          "size"_a, "in_dim"_a, "out_dim"_a, "out_dim_size"_a = 1)
      .def_static(
          "strided_1d",
          [](int32_t size, int32_t stride, std::string in, std::string out) {
            return unwrap(LinearLayout::strided1D(size, stride, in, out));
          },
          "size"_a, "stride"_a, "in_dim"_a, "out_dim"_a)
      .def_static(
          "identity",
          [](nb::handle dims) {
            return unwrap(LinearLayout::identity(toDimSizes(dims, "dims")));
          },
          "dims"_a, "Identity over {name: size} (in dims = out dims).")
      .def_prop_ro("bases", &basesDict)
      .def_prop_ro("in_dims",
                   [](const LinearLayout &l) { return sizesDict(l.inDims()); })
      .def_prop_ro("out_dims",
                   [](const LinearLayout &l) { return sizesDict(l.outDims()); })
      .def_prop_ro("in_dim_names", &LinearLayout::inDimNames)
      .def_prop_ro("out_dim_names", &LinearLayout::outDimNames)
      .def_prop_ro("total_in_size",
                   [](const LinearLayout &l) {
                     return int64_t(1) << l.totalInBits();
                   })
      .def_prop_ro("total_out_size",
                   [](const LinearLayout &l) {
                     return int64_t(1) << l.totalOutBits();
                   })
      .def("is_surjective", &LinearLayout::isSurjective)
      .def("is_injective", &LinearLayout::isInjective)
      .def("is_invertible", &LinearLayout::isInvertible)
      .def("apply", &applyDict, "ins"_a,
           "Evaluate at one point: {in_dim: value} -> {out_dim: value}.")
      .def(
          "_apply_flat",
          [](const LinearLayout &l,
             std::vector<nb::ndarray<const int64_t, nb::ndim<1>,
                                     nb::c_contig, nb::device::cpu>>
                 arrays) {
            if (static_cast<int>(arrays.size()) != l.numInDims())
              fail("apply_array: one array per in dim is required");
            size_t n = arrays.empty() ? 0 : arrays[0].shape(0);
            for (auto &a : arrays)
              if (a.shape(0) != n)
                fail("apply_array: arrays must have one length");
            int no = l.numOutDims();
            int32_t *out = new int32_t[std::max<size_t>(1, n * no)];
            nb::capsule owner(out, [](void *p) noexcept {
              delete[] static_cast<int32_t *>(p);
            });
            std::vector<uint64_t> cols = l.flatColumns();
            bool fast = l.totalOutBits() <= 64;
            std::vector<int> shifts(no, 0);
            for (int o = 1; o < no; ++o)
              shifts[o] = shifts[o - 1] + l.outDimSizeLog2(o - 1);
            std::vector<int32_t> vals(l.numInDims());
            for (size_t k = 0; k < n; ++k) {
              for (int i = 0; i < l.numInDims(); ++i) {
                int64_t v = arrays[i].data()[k];
                if (v < 0 || v >= l.inDimSize(i))
                  fail("apply_array: value " + std::to_string(v) +
                       " is out of range for in dim '" + l.inDimName(i) + "'");
                vals[i] = static_cast<int32_t>(v);
              }
              if (fast) {
                uint64_t acc = 0;
                int c = 0;
                for (int i = 0; i < l.numInDims(); ++i) {
                  uint32_t v = vals[i];
                  for (int b = 0; b < l.inDimSizeLog2(i); ++b, ++c)
                    if ((v >> b) & 1)
                      acc ^= cols[c];
                }
                for (int o = 0; o < no; ++o)
                  out[o * n + k] = int32_t(
                      (acc >> shifts[o]) &
                      ((uint64_t(1) << l.outDimSizeLog2(o)) - 1));
              } else {
                std::vector<int32_t> r = l.apply(vals);
                for (int o = 0; o < no; ++o)
                  out[o * n + k] = r[o];
              }
            }
            size_t shape[2] = {static_cast<size_t>(no), n};
            return nb::ndarray<nb::numpy, int32_t, nb::ndim<2>>(out, 2, shape,
                                                                owner);
          },
          "arrays"_a)
      .def(
          "compose",
          [](const LinearLayout &a, const LinearLayout &b) {
            return unwrap(a.compose(b));
          },
          "outer"_a, "outer o self.")
      .def(
          "invert_and_compose",
          [](const LinearLayout &a, const LinearLayout &b) {
            return unwrap(a.invertAndCompose(b));
          },
          "outer"_a, "C with self(x) == outer(C(x)).")
      .def("invert",
           [](const LinearLayout &a) { return unwrap(a.invert()); })
      .def("pseudoinvert",
           [](const LinearLayout &a) { return unwrap(a.pseudoinvert()); })
      .def(
          "__mul__",
          [](const LinearLayout &a, const LinearLayout &b) {
            return unwrap(a.product(b));
          },
          nb::is_operator())
      .def(
          "__eq__",
          [](const LinearLayout &a, nb::handle b) {
            return nb::isinstance<LinearLayout>(b) &&
                   a == nb::cast<const LinearLayout &>(b);
          },
          nb::is_operator())
      .def(
          "__ne__",
          [](const LinearLayout &a, nb::handle b) {
            return !(nb::isinstance<LinearLayout>(b) &&
                     a == nb::cast<const LinearLayout &>(b));
          },
          nb::is_operator())
      .def("__hash__",
           [](const LinearLayout &l) {
             size_t h = 1469598103934665603ull;
             auto mix = [&](size_t x) { h = (h ^ x) * 1099511628211ull; };
             for (auto &[n, bs] : l.bases()) {
               mix(std::hash<std::string>()(n));
               for (auto &b : bs)
                 for (int32_t v : b)
                   mix(static_cast<size_t>(v));
             }
             for (auto &[n, s] : l.outDims())
               mix(std::hash<std::string>()(n) ^ static_cast<size_t>(s));
             return h;
           })
      .def("equal_ignoring_dim_order", &LinearLayout::equalIgnoringDimOrder)
      .def(
          "divide_left",
          [](const LinearLayout &a, const LinearLayout &b) {
            return unwrap(a.divideLeft(b));
          },
          "divisor"_a, "C with self == divisor * C.")
      .def(
          "divide_right",
          [](const LinearLayout &a, const LinearLayout &b) {
            return unwrap(a.divideRight(b));
          },
          "divisor"_a, "C with self == C * divisor.")
      .def("free_variable_masks",
           [](const LinearLayout &l) {
             nb::dict d;
             for (auto &[n, m] : l.freeVariableMasks())
               d[nb::str(n.c_str())] = m;
             return d;
           })
      .def("num_consecutive", &LinearLayout::numConsecutive)
      .def("matrix",
           [](const LinearLayout &l) {
             ll::f2::Matrix m = l.matrix();
             size_t rows = m.rows(), cols = m.cols();
             uint8_t *data = new uint8_t[std::max<size_t>(1, rows * cols)];
             for (size_t r = 0; r < rows; ++r)
               for (size_t c = 0; c < cols; ++c)
                 data[r * cols + c] = m.get(r, c);
             nb::capsule owner(data, [](void *p) noexcept {
               delete[] static_cast<uint8_t *>(p);
             });
             size_t shape[2] = {rows, cols};
             return nb::ndarray<nb::numpy, uint8_t, nb::ndim<2>>(data, 2, shape,
                                                                 owner);
           },
           "The F2 matrix: rows = out bits, columns = in bits (low first).")
      .def("is_trivial_over",
           [](const LinearLayout &l, nb::handle dims) {
             return l.isTrivialOver(toNames(dims, "dims"));
           })
      .def("quotient",
           [](const LinearLayout &l, nb::handle dims) {
             return unwrap(l.quotient(toNames(dims, "dims")));
           })
      .def("sublayout",
           [](const LinearLayout &l, nb::handle ins, nb::handle outs) {
             return unwrap(
                 l.sublayout(toNames(ins, "in dims"), toNames(outs, "out dims")));
           })
      .def("transpose_ins",
           [](const LinearLayout &l, nb::handle order) {
             return unwrap(l.transposeIns(toNames(order, "order")));
           })
      .def("transpose_outs",
           [](const LinearLayout &l, nb::handle order) {
             return unwrap(l.transposeOuts(toNames(order, "order")));
           })
      .def("reshape_ins",
           [](const LinearLayout &l, nb::handle dims) {
             return unwrap(l.reshapeIns(toDimSizes(dims, "new in dims")));
           })
      .def("reshape_outs",
           [](const LinearLayout &l, nb::handle dims) {
             return unwrap(l.reshapeOuts(toDimSizes(dims, "new out dims")));
           })
      .def("flatten_ins", &LinearLayout::flattenIns)
      .def("flatten_outs", &LinearLayout::flattenOuts)
      .def("concat_ins",
           [](const LinearLayout &a, const LinearLayout &b) {
             return unwrap(a.concatIns(b));
           })
      .def("concat_outs",
           [](const LinearLayout &a, const LinearLayout &b) {
             return unwrap(a.concatOuts(b));
           })
      .def("remove_zero_bases",
           [](const LinearLayout &l, const std::string &in) {
             return unwrap(l.removeZeroBasesAlongDim(in));
           })
      .def("__str__", &LinearLayout::toString)
      .def("__repr__",
           [](const LinearLayout &l) {
             std::string s = "LinearLayout(";
             bool first = true;
             for (auto &[n, bs] : l.bases()) {
               s += (first ? "" : ", ") + n + "=[";
               first = false;
               for (size_t i = 0; i < bs.size(); ++i) {
                 s += (i ? ", [" : "[");
                 for (size_t j = 0; j < bs[i].size(); ++j)
                   s += (j ? ", " : "") + std::to_string(bs[i][j]);
                 s += "]";
               }
               s += "]";
             }
             s += std::string(first ? "" : ", ") + "out_dims={";
             bool f2 = true;
             for (auto &[n, sz] : l.outDims()) {
               s += (f2 ? "'" : ", '") + n + "': " + std::to_string(sz);
               f2 = false;
             }
             return s + "})";
           })
      .def("__copy__", [](const LinearLayout &l) { return l; })
      .def("__deepcopy__", [](const LinearLayout &l, nb::handle) { return l; });

  nb::class_<ll::ConversionPlan>(m, "ConversionPlan", R"doc(
How to convert a tensor between two distributed layouts. Every address,
source lane and register choice is a linear map of (register, lane, warp,
block) given as a LinearLayout, so code generators and simulators read it
mechanically.

A plan is one typed value per kind: the fields of a kind exist only on
plans of that kind (``register_map`` on "registers" plans, ``select_map``
on "select", ``shuffle_*`` on "shuffle", the shared-memory fields on
"shared"); reading another kind's field raises AttributeError. ``kind``,
``bitwidth``, ``target``, ``src``, ``dst``, ``rounds``, ``scratch_bytes``,
``cost`` and ``program`` exist on every plan.)doc")
      .def_prop_ro("kind",
                   [](const ll::ConversionPlan &p) {
                     return std::string(ll::toString(p.kind()));
                   })
      .def_ro("bitwidth", &ll::ConversionPlan::bitwidth)
      .def_prop_ro("target",
                   [](const ll::ConversionPlan &p) { return p.target.name; })
      .def_prop_ro("warp_size",
                   [](const ll::ConversionPlan &p) { return p.target.warpSize; })
      .def_prop_ro("num_banks",
                   [](const ll::ConversionPlan &p) { return p.target.numBanks; })
      .def_ro("src", &ll::ConversionPlan::src)
      .def_ro("dst", &ll::ConversionPlan::dst)
      .def_prop_ro("rounds",
                   [](const ll::ConversionPlan &p) {
                     auto *sh = p.as<ll::SharedPlan>();
                     return sh ? sh->rounds() : 0;
                   },
                   "Rounds through the buffer (store, barrier, load) of a "
                   "shared plan, else 0.")
      .def_prop_ro("shuffle_rounds",
                   [](const ll::ConversionPlan &p) {
                     auto *sh = p.as<ll::ShufflePlan>();
                     return sh ? sh->shuffleRounds : 0;
                   },
                   "Shuffle rounds per thread of a shuffle plan (a 64-bit "
                   "element takes two shuffles per round), else 0.")
      .def_prop_ro("scratch_bytes", &ll::ConversionPlan::scratchBytes,
                   "Shared-memory scratch (0 unless a shared plan).")
      .def_prop_ro("register_map", field<ll::RegisterPlan>(
          "register_map", [](auto &x) { return x.map; }),
          "registers plans: (register) -> source register.")
      .def_prop_ro("select_map", field<ll::SelectPlan>(
          "select_map", [](auto &x) { return x.map; }),
          "select plans: (register, lane, warp, block) -> the same "
          "thread's source register.")
      .def_prop_ro("shuffle_src_lane", field<ll::ShufflePlan>(
          "shuffle_src_lane", [](auto &x) { return x.srcLane; }))
      .def_prop_ro("shuffle_send_register", field<ll::ShufflePlan>(
          "shuffle_send_register", [](auto &x) { return x.sendRegister; }))
      .def_prop_ro("shuffle_sub_round", field<ll::ShufflePlan>(
          "shuffle_sub_round", [](auto &x) { return x.subRound; }))
      .def_prop_ro("shuffle_dst_register", field<ll::ShufflePlan>(
          "shuffle_dst_register", [](auto &x) { return x.dstRegister; }),
          "(register = round, lane) -> the destination register the "
          "lane fills in that round.")
      .def_prop_ro("sub_rounds", field<ll::ShufflePlan>(
          "sub_rounds", [](auto &x) { return x.subRounds; }))
      .def_prop_ro("pack_mask", field<ll::ShufflePlan>(
          "pack_mask", [](auto &x) { return x.packMask; }),
          "Destination register bits one 32-bit shuffle carries "
          "together (sub-word packing).")
      .def_prop_ro("shared_layout", field<ll::SharedPlan>(
          "shared_layout", [](auto &x) { return x.layout; }))
      .def_prop_ro("store_address", field<ll::SharedPlan>(
          "store_address", [](auto &x) { return x.storeAddress; }))
      .def_prop_ro("load_address", field<ll::SharedPlan>(
          "load_address", [](auto &x) { return x.loadAddress; }))
      .def_prop_ro("store_register", field<ll::SharedPlan>(
          "store_register", [](auto &x) { return x.storeRegister; }),
          "(register, lane, matrix, element) -> source register. "
          "Plain access: at slot r lane l stores its register "
          "store_register(r, l) (rotated when the source is replicated "
          "across lanes); matrix: the register holding element "
          "`element` of the 32-bit word of matrix `matrix` at slot r.")
      .def_prop_ro("load_register", field<ll::SharedPlan>(
          "load_register", [](auto &x) { return x.loadRegister; }),
          "(register, matrix, element) -> destination register (the "
          "identity on registers for plain loads; matrix: where element "
          "`element` of the word of matrix `matrix` at slot r goes).")
      .def_prop_ro("store_access", field<ll::SharedPlan>(
          "store_access", [](auto &x) {
            return std::string(ll::toString(x.storeAccess));
          }),
          "'plain', 'matrix' or 'matrix_transposed' (target-neutral; "
          "store_instr is the target's instruction).")
      .def_prop_ro("load_access", field<ll::SharedPlan>(
          "load_access", [](auto &x) {
            return std::string(ll::toString(x.loadAccess));
          }),
          "'plain', 'matrix' or 'matrix_transposed'.")
      .def_prop_ro("store_instr",
                   [](const ll::ConversionPlan &p) {
                     return p.target.sharedInstruction(
                         true, sharedOf(p, "store_instr").storeAccess);
                   },
                   "The target's store instruction: 'st.shared', "
                   "'stmatrix', 'stmatrix.trans' or 'ds_write'.")
      .def_prop_ro("load_instr",
                   [](const ll::ConversionPlan &p) {
                     return p.target.sharedInstruction(
                         false, sharedOf(p, "load_instr").loadAccess);
                   },
                   "'ld.shared', 'ldmatrix', 'ldmatrix.trans' or 'ds_read'.")
      .def_prop_ro("store_view", field<ll::SharedPlan>(
          "store_view", [](auto &x) { return x.storeView; }),
          "The layout the stores see (store_address = store_view o "
          "shared^-1): the source, rotated, or relabeled for stmatrix "
          "(register bits 0..k-1 one 16-byte row, lanes 0-2 the row, "
          "3-4 the matrix).")
      .def_prop_ro("load_view", field<ll::SharedPlan>(
          "load_view", [](auto &x) { return x.loadView; }),
          "The layout the loads see (load_address = load_view o "
          "shared^-1), like store_view.")
      .def_prop_ro("store_masks", field<ll::SharedPlan>(
          "store_masks", [](auto &x) {
            nb::dict d;
            for (auto &[n, m] : x.storeMasks)
              d[nb::str(n.c_str())] = m;
            return d;
          }))
      .def_prop_ro("store_vector_width", field<ll::SharedPlan>(
          "store_vector_width", [](auto &x) { return x.store.vectorElems; }))
      .def_prop_ro("load_vector_width", field<ll::SharedPlan>(
          "load_vector_width", [](auto &x) { return x.load.vectorElems; }))
      .def_prop_ro("store_wavefronts", field<ll::SharedPlan>(
          "store_wavefronts", [](auto &x) { return x.store.wavefronts; }))
      .def_prop_ro("load_wavefronts", field<ll::SharedPlan>(
          "load_wavefronts", [](auto &x) { return x.load.wavefronts; }))
      .def_prop_ro("store_min_wavefronts", field<ll::SharedPlan>(
          "store_min_wavefronts", [](auto &x) { return x.store.minWavefronts; }))
      .def_prop_ro("load_min_wavefronts", field<ll::SharedPlan>(
          "load_min_wavefronts", [](auto &x) { return x.load.minWavefronts; }))
      .def_prop_ro("store_conflicts", field<ll::SharedPlan>(
          "store_conflicts", [](auto &x) { return x.store.conflicts(); }))
      .def_prop_ro("load_conflicts", field<ll::SharedPlan>(
          "load_conflicts", [](auto &x) { return x.load.conflicts(); }))
      .def_prop_ro(
          "exchange",
          field<ll::SharedPlan>(
              "exchange",
              [](auto &x) -> std::optional<ll::ConversionPlan> {
                if (!x.exchange)
                  return std::nullopt;
                return *x.exchange;
              }),
          "The intra-warp plan (shuffles) that packs sub-word values around "
          "shared memory, or None.")
      .def_prop_ro("exchange_before", field<ll::SharedPlan>(
          "exchange_before", [](auto &x) { return x.exchangeBefore; }),
          "True: the exchange runs before the store (src -> "
          "exchange.dst is what shared memory stores); False: after "
          "the load (shared memory yields exchange.src).")
      .def_prop_ro("cost",
                   [](const ll::ConversionPlan &p) {
                     nb::dict d;
                     d["register_moves"] = p.cost.registerMoves;
                     d["selects"] = p.cost.selects;
                     d["cycles"] = p.cost.cycles;
                     d["shuffles"] = p.cost.shuffles;
                     d["shared_stores"] = p.cost.sharedStores;
                     d["shared_loads"] = p.cost.sharedLoads;
                     d["barriers"] = p.cost.barriers;
                     d["scratch_bytes"] = p.cost.scratchBytes;
                     d["store_wavefronts"] = p.cost.storeWavefronts;
                     d["load_wavefronts"] = p.cost.loadWavefronts;
                     return d;
                   })
      .def_prop_ro(
          "program",
          [](const ll::ConversionPlan &p) {
            nb::list out;
            for (const ll::PlanStep &s : p.steps) {
              nb::dict d;
              d["kind"] = ll::toString(s.kind);
              d["round"] = s.round;
              d["count"] = s.count;
              if (s.kind == ll::PlanStep::Kind::Store ||
                  s.kind == ll::PlanStep::Kind::Load) {
                d["vector_width"] = s.vectorElems;
                d["access"] = ll::toString(s.access);
              }
              d["exchange"] = s.exchange;
              out.append(d);
            }
            return out;
          },
          "The plan's steps in program order (what the simulator runs and "
          "the lowering emits): dicts with kind (register_move, select, "
          "shuffle, store, barrier, load), round, count (instructions per "
          "thread), vector_width and access (plain, matrix, "
          "matrix_transposed) for stores and loads, and exchange (part of "
          "the sub-word exchange).")
      .def_prop_ro("steps", &ll::ConversionPlan::explain,
                   "The plan in words, one line per step of its program "
                   "(what `linear-layouts explain` prints).")
      .def_prop_ro(
          "vector_width",
          [](const ll::ConversionPlan &p) {
            auto *sh = p.as<ll::SharedPlan>();
            return sh ? std::min(sh->store.vectorElems, sh->load.vectorElems)
                      : 1;
          },
          "Elements per shared-memory access (the narrower side; 1 unless "
          "a shared plan).")
      .def("__str__", &ll::ConversionPlan::toString);

  nb::class_<ll::GatherPlan>(m, "GatherPlan",
                             "How to gather along an axis: warp shuffles "
                             "when the axis stays inside warps, else "
                             "shared memory.")
      .def_prop_ro("kind",
                   [](const ll::GatherPlan &p) {
                     return std::string(ll::toString(p.kind));
                   })
      .def_ro("axis", &ll::GatherPlan::axis)
      .def_ro("bitwidth", &ll::GatherPlan::bitwidth)
      .def_prop_ro("target",
                   [](const ll::GatherPlan &p) { return p.target.name; })
      .def_ro("src", &ll::GatherPlan::src)
      .def_ro("index", &ll::GatherPlan::index)
      .def_ro("coord_to_src", &ll::GatherPlan::coordToSrc)
      .def_ro("candidates", &ll::GatherPlan::candidates)
      .def_ro("shared_layout", &ll::GatherPlan::shared)
      .def_ro("store_address", &ll::GatherPlan::storeAddress)
      .def_ro("tensor_to_offset", &ll::GatherPlan::tensorToOffset)
      .def_prop_ro("store_masks",
                   [](const ll::GatherPlan &p) {
                     nb::dict d;
                     for (auto &[n, m] : p.storeMasks)
                       d[nb::str(n.c_str())] = m;
                     return d;
                   })
      .def_ro("scratch_bytes", &ll::GatherPlan::scratchBytes)
      .def_prop_ro("cost", [](const ll::GatherPlan &p) {
        nb::dict d;
        d["shuffles"] = p.cost.shuffles;
        d["selects"] = p.cost.registerMoves;
        d["shared_stores"] = p.cost.sharedStores;
        d["shared_loads"] = p.cost.sharedLoads;
        d["barriers"] = p.cost.barriers;
        d["scratch_bytes"] = p.cost.scratchBytes;
        return d;
      });
  m.def(
      "global_vector_width",
      [](const LinearLayout &l, int dim, int bitwidth, int maxBits,
         int maxContiguous) {
        return unwrap(
            ll::globalVectorWidth(l, dim, bitwidth, maxBits, maxContiguous));
      },
      "layout"_a, "contiguous_dim"_a, "bitwidth"_a, "max_bits"_a = 128,
      "max_contiguous"_a = 0,
      "Widest global-memory vector (elements) along the contiguous dim.");
  m.def(
      "plan_gather",
      [](const LinearLayout &src, const LinearLayout &index, int axis,
         int bitwidth, const std::string &target) {
        auto t = unwrap(ll::Target::get(target));
        return unwrap(ll::planGather(src, index, axis, bitwidth, t));
      },
      "src"_a, "index"_a, "axis"_a, "bitwidth"_a, "target"_a = "sm_90");

  nb::class_<ll::Target>(m, "Target", R"doc(A GPU target and its facts: what
planning, the lowering and code emission know about it (the core's
``ll::Target``; the ``#ll.target`` attribute of a module names one).

>>> t = Target("gfx942")
>>> t.vendor, t.warp_size, t.num_banks, t.shared_memory_bytes
('amd', 64, 32, 65536)
>>> Target("sm_90").processor, Target("sm_90").features
('sm_90a', '+ptx84')

Unknown or unsupported targets (RDNA's wave32 gfx1100, sm_100) raise
LayoutError with the reason.)doc")
      .def(
          "__init__",
          [](ll::Target *t, const std::string &name) {
            new (t) ll::Target(unwrap(ll::Target::get(name)));
          },
          "name"_a)
      .def_static("names", &ll::Target::names,
                  "The names Target accepts.")
      .def_ro("name", &ll::Target::name)
      .def_prop_ro("vendor",
                   [](const ll::Target &t) { return t.isAMD() ? "amd" : "nvidia"; },
                   "'nvidia' or 'amd'.")
      .def_ro("warp_size", &ll::Target::warpSize)
      .def_ro("num_banks", &ll::Target::numBanks)
      .def_ro("bank_bytes", &ll::Target::bankBytes)
      .def_prop_ro("wavefront_bytes", &ll::Target::wavefrontBytes,
                   "Bytes one shared-memory wavefront serves.")
      .def_ro("max_access_bits", &ll::Target::maxAccessBits)
      .def_ro("ldmatrix", &ll::Target::ldmatrix)
      .def_ro("stmatrix", &ll::Target::stmatrix)
      .def_ro("warp_reduce", &ll::Target::warpReduce,
              "One instruction reduces a 32-bit integer over a warp "
              "(redux.sync).")
      .def_ro("fp8_conversions", &ll::Target::fp8Conversions,
              "Packed fp8 conversions (cvt.*.e4m3x2 / e5m2x2).")
      .def_ro("shared_memory_bytes", &ll::Target::sharedMemoryBytes,
              "The most shared memory one CTA may use.")
      .def_ro("compute_capability", &ll::Target::computeCapability,
              "NVIDIA: 80, 86, 89, 90; AMD: 0.")
      .def_ro("triple", &ll::Target::triple, "The LLVM target triple.")
      .def_ro("processor", &ll::Target::processor,
              "The processor LLVM's back end takes (sm_90a for sm_90).")
      .def_ro("features", &ll::Target::features,
              "LLVM target features (the PTX ISA version, '+ptx84'); '' "
              "on AMD.")
      .def_ro("code_object_version", &ll::Target::codeObjectVersion,
              "AMD: the code object version (500); NVIDIA: 0.")
      .def_prop_ro(
          "cycles",
          [](const ll::Target &t) {
            nb::dict c;
            c["issue"] = t.cycles.issue;
            c["wavefront"] = t.cycles.wavefront;
            c["shuffle"] = t.cycles.shuffle;
            c["alu"] = t.cycles.alu;
            c["barrier"] = t.cycles.barrier;
            c["warp_barrier"] = t.cycles.warpBarrier;
            return c;
          },
          "The cycle model's constants.")
      .def("__eq__",
           [](const ll::Target &a, nb::handle b) {
             if (nb::isinstance<ll::Target>(b))
               return a.name == nb::cast<const ll::Target &>(b).name;
             return false;
           })
      .def("__hash__",
           [](const ll::Target &t) { return std::hash<std::string>()(t.name); })
      .def("__str__", [](const ll::Target &t) { return t.name; })
      .def("__repr__",
           [](const ll::Target &t) { return "Target('" + t.name + "')"; });

  // Reductions and scans (core/ReduceScan.h), as plain data for the SIMT
  // simulator of the tests.
  auto hardware = [](const ll::HardwareSpace &hw) {
    nb::dict d;
    d["register_bits"] = hw.regBits;
    d["lane_bits"] = hw.laneBits;
    d["warp_bits"] = hw.warpBits;
    d["axis_bits"] = hw.axisBits;
    d["rest_bits"] = hw.restBits;
    d["axis_images"] = hw.axisImg;
    d["rest_images"] = hw.restImg;
    return d;
  };
  m.def(
      "plan_reduce",
      [hardware](const LinearLayout &layout, std::vector<int64_t> shape,
                 int axis) {
        auto p = unwrap(ll::planReduce(layout, shape, axis));
        nb::dict d = hardware(p.hw);
        d["c_register"] = p.cReg;
        d["c_lane"] = p.cLane;
        d["c_warp"] = p.cWarp;
        d["same_register"] = p.classes.rows;
        d["slot"] = p.slot;
        d["lane_copies"] = p.laneCopies;
        d["warp_copies"] = p.warpCopies;
        d["shared_entries"] = p.sharedEntries();
        return d;
      },
      "layout"_a, "shape"_a, "axis"_a,
      "How the threads of `layout` reduce a tensor of `shape` along `axis` "
      "(core/ReduceScan.h): the hardware bits and their images, the vectors "
      "of C combined by registers, lanes (butterflies) and warps (shared "
      "memory slots), as a dict of plain values.");
  m.def(
      "plan_scan",
      [hardware](const LinearLayout &layout, std::vector<int64_t> shape,
                 int axis) {
        auto p = unwrap(ll::planScan(layout, shape, axis));
        nb::dict d = hardware(p.hw);
        d["steps"] = p.steps;
        d["same_register"] = p.copies.rows;
        d["lane_copies"] = p.laneCopies;
        d["warp_copies"] = p.warpCopies;
        d["shared_entries"] = p.sharedEntries();
        return d;
      },
      "layout"_a, "shape"_a, "axis"_a,
      "How the threads of `layout` scan a tensor of `shape` along `axis`: "
      "the point h_k combined with at each axis bit k, as a dict.");

  m.def(
      "plan_conversion",
      [](const LinearLayout &src, const LinearLayout &dst, int bitwidth,
         const std::string &target, int64_t maxScratch, bool forceShared,
         bool matrixInstructions, bool trafficFirst, bool sharedByCycles) {
        auto t = unwrap(ll::Target::get(target));
        ll::PlanOptions o;
        o.maxScratchBytes = maxScratch;
        o.forceShared = forceShared;
        o.sharedByCycles = sharedByCycles;
        o.matrixInstructions = matrixInstructions;
        o.trafficFirst = trafficFirst;
        return unwrap(ll::planConversion(src, dst, bitwidth, t, o));
      },
      "src"_a, "dst"_a, "bitwidth"_a, "target"_a = "sm_90",
      "max_scratch_bytes"_a = -1, "force_shared"_a = false,
      "matrix_instructions"_a = true, "traffic_first"_a = false,
      "shared_by_cycles"_a = false);
  m.def(
      "optimal_swizzle",
      [](const LinearLayout &src, const LinearLayout &dst, int bitwidth,
         const std::string &target) {
        auto t = unwrap(ll::Target::get(target));
        return unwrap(ll::optimalSwizzle(src, dst, bitwidth, t));
      },
      "src"_a, "dst"_a, "bitwidth"_a, "target"_a = "sm_90");
  m.def(
      "gluon_bank_conflicts",
      [](const LinearLayout &reg, const LinearLayout &shared, int bitwidth) {
        return unwrap(ll::gluonBankConflicts(reg, shared, bitwidth));
      },
      "reg_layout"_a, "shared_layout"_a, "bitwidth"_a);
  m.def(
      "analyze_shared_access",
      [](const LinearLayout &reg, const LinearLayout &shared, int bitwidth,
         const std::string &target, int maxVec) {
        auto t = unwrap(ll::Target::get(target));
        auto a =
            unwrap(ll::analyzeSharedAccess(reg, shared, bitwidth, t, maxVec));
        nb::dict d;
        d["vector_width"] = a.vectorElems;
        d["wavefronts"] = a.wavefronts;
        d["min_wavefronts"] = a.minWavefronts;
        d["conflicts"] = a.conflicts();
        return d;
      },
      "reg_layout"_a, "shared_layout"_a, "bitwidth"_a, "target"_a = "sm_90",
      "max_vector_width"_a = 0);

  m.def(
      "encoding_families",
      [] {
        std::map<std::string, std::string> out(ll::encodingFamilyAliases());
        for (const std::string &f : ll::encodingFamilies())
          out[f] = f;
        return out;
      },
      "Every layout family mnemonic the core decodes (Triton's, with the "
      "older `mma` / `shared`), to the family's name: the one table of "
      "families, which the TTGIR reader uses.");
  m.def(
      "encoding_to_linear_layout",
      [](nb::handle spec, nb::handle shape) {
        ll::Shape s = toShape(shape);
        ll::EncodingPtr e = encodingFrom(spec, int(s.size()));
        return unwrap(e->toLinearLayout(s));
      },
      "spec"_a, "shape"_a,
      "The LinearLayout of a layout family given as a parameter dict "
      "{'kind': 'blocked', 'sizePerThread': [...], ...} (as Triton prints "
      "them; a `parent` is a nested dict) for a tensor shape.");
}
