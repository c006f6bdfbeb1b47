//===- TestMain.cpp - Runs every registered unit test ---------------------===//

#include "Test.h"

#include <cstring>

namespace lltest {
std::vector<Case> &registry() {
  static std::vector<Case> r;
  return r;
}
int currentFailures = 0;
} // namespace lltest

int main(int argc, char **argv) {
  int passed = 0, failed = 0;
  for (auto &c : lltest::registry()) {
    if (argc > 1 && !std::strstr((std::string(c.suite) + "." + c.name).c_str(),
                                 argv[1]))
      continue;
    lltest::currentFailures = 0;
    c.fn();
    if (lltest::currentFailures) {
      ++failed;
      std::cerr << "FAILED " << c.suite << "." << c.name << "\n";
    } else {
      ++passed;
    }
  }
  std::cout << "unit: " << passed << " passed, " << failed
            << " failed\n";
  return failed ? 1 : 0;
}
