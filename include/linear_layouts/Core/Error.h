//===- Error.h - Errors as values for the linear-layouts core ---*- C++ -*-===//
//
// The core never aborts on bad input: every fallible operation returns an
// `Expected<T>` that holds either a value or an `Error` (a kind and a message).
// The core is compiled without exceptions so that it can be linked into MLIR;
// the Python bindings turn an `Error` into a `ValueError` subclass.
//
//   Expected<LinearLayout> r = LinearLayout::create(bases, outDims);
//   if (!r) llvm::errs() << r.error().message();
//
//===----------------------------------------------------------------------===//

#ifndef LINEAR_LAYOUTS_CORE_ERROR_H
#define LINEAR_LAYOUTS_CORE_ERROR_H

#include <cstdlib>
#include <optional>
#include <string>
#include <utility>

namespace ll {

/// What went wrong; the Python bindings map each kind to an exception class.
enum class ErrorKind {
  InvalidArgument, ///< malformed input (sizes, bases, names, parameters)
  NotPowerOfTwo,   ///< a size that must be a power of two is not
  OutOfRange,      ///< a basis or coordinate exceeds its dimension
  DimMismatch,     ///< dimension names or sizes do not line up
  NotInvertible,   ///< inverse of a non-invertible (or non-surjective) layout
  Unsupported,     ///< valid input that this library does not handle
};

/// A failure with a human-readable message.
class Error {
public:
  Error(ErrorKind kind, std::string message)
      : kind_(kind), message_(std::move(message)) {}

  ErrorKind kind() const { return kind_; }
  const std::string &message() const { return message_; }

private:
  ErrorKind kind_;
  std::string message_;
};

/// Either a `T` or an `Error`. Test with `operator bool`, read with `*` / `->`
/// (only when it holds a value) or `error()` (only when it does not).
template <typename T> class [[nodiscard]] Expected {
public:
  Expected(T value) : value_(std::move(value)) {}
  Expected(Error error) : error_(std::move(error)) {}

  explicit operator bool() const { return value_.has_value(); }
  bool ok() const { return value_.has_value(); }

  T &operator*() & { return *checked(); }
  const T &operator*() const & { return *checked(); }
  T &&operator*() && { return std::move(*checked()); }
  T *operator->() { return checked(); }
  const T *operator->() const { return checked(); }

  const Error &error() const {
    if (!error_)
      std::abort(); // programming error: asked for the error of a value
    return *error_;
  }

private:
  T *checked() {
    if (!value_)
      std::abort(); // programming error: value of an error
    return &*value_;
  }
  const T *checked() const {
    if (!value_)
      std::abort();
    return &*value_;
  }

  std::optional<T> value_;
  std::optional<Error> error_;
};

/// Propagate an error from an `Expected` expression, else bind its value.
#define LL_TRY(var, expr)                                                      \
  auto var##_expected = (expr);                                                \
  if (!var##_expected)                                                         \
    return var##_expected.error();                                             \
  auto var = std::move(*var##_expected)

/// Return an `Error` of the given kind when `cond` does not hold.
#define LL_CHECK(cond, kind, msg)                                              \
  do {                                                                         \
    if (!(cond))                                                               \
      return ::ll::Error(::ll::ErrorKind::kind, (msg));                        \
  } while (0)

} // namespace ll

#endif // LINEAR_LAYOUTS_CORE_ERROR_H
