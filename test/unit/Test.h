//===- Test.h - A minimal unit-test runner ----------------------*- C++ -*-===//
//
// TEST(Suite, Name) { EXPECT_TRUE(...); EXPECT_EQ(a, b); }
// The runner prints each failure and a closing "N passed, N failed" line.
//
//===----------------------------------------------------------------------===//

#ifndef LINEAR_LAYOUTS_TEST_UNIT_TEST_H
#define LINEAR_LAYOUTS_TEST_UNIT_TEST_H

#include <functional>
#include <iostream>
#include <string>
#include <vector>

namespace lltest {
struct Case {
  const char *suite, *name;
  std::function<void()> fn;
};
std::vector<Case> &registry();
extern int currentFailures;
struct Registrar {
  Registrar(const char *s, const char *n, std::function<void()> f) {
    registry().push_back({s, n, std::move(f)});
  }
};
} // namespace lltest

#define TEST(S, N)                                                             \
  static void test_##S##_##N();                                                \
  static lltest::Registrar reg_##S##_##N(#S, #N, test_##S##_##N);              \
  static void test_##S##_##N()

#define EXPECT_TRUE(c)                                                         \
  do {                                                                         \
    if (!(c)) {                                                                \
      ++lltest::currentFailures;                                               \
      std::cerr << __FILE__ << ":" << __LINE__ << ": expected " #c "\n";       \
    }                                                                          \
  } while (0)
#define EXPECT_FALSE(c) EXPECT_TRUE(!(c))
#define EXPECT_EQ(a, b)                                                        \
  do {                                                                         \
    if (!((a) == (b))) {                                                       \
      ++lltest::currentFailures;                                               \
      std::cerr << __FILE__ << ":" << __LINE__ << ": expected " #a " == " #b   \
                << "\n";                                                       \
    }                                                                          \
  } while (0)
#define ASSERT_OK(e)                                                           \
  do {                                                                         \
    if (!(e)) {                                                                \
      ++lltest::currentFailures;                                               \
      std::cerr << __FILE__ << ":" << __LINE__ << ": " #e " failed: "          \
                << (e).error().message() << "\n";                              \
      return;                                                                  \
    }                                                                          \
  } while (0)

#endif // LINEAR_LAYOUTS_TEST_UNIT_TEST_H
