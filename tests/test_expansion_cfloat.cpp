// Accuracy of expansion<N, cfloat> (bfloat16, binary16, e5m2) against MPFR, in units of
// the documented bound. The base arithmetic is floatlab's own cfloat (software), so
// counts are smaller than for double; FLOATLAB_TEST_SCALE scales them, [full] runs more.
#include <catch2/catch.hpp>

#include "floatlab/cfloat.hpp"
#include "support/expansion_check.hpp"

using floatlab::expansion;
using floatlab_test::check_all;
using floatlab_test::test_scale;

namespace {
long ci_count() { return static_cast<long>(50000 * test_scale()); }
constexpr long full_count = 1000000;
}  // namespace

TEST_CASE("expansion<2,bfloat16> meets the JMP 2017 bounds", "[expansion][cfloat]") {
  check_all<2, floatlab::bfloat16>("bfloat16", ci_count(), 21);
}
TEST_CASE("expansion<3,binary16> meets its bounds", "[expansion][cfloat]") {
  check_all<3, floatlab::binary16>("binary16", ci_count(), 22);
}
TEST_CASE("expansion<4,e5m2> meets its bounds", "[expansion][cfloat]") {
  check_all<4, floatlab::e5m2>("e5m2", ci_count(), 23);
}
TEST_CASE("expansion<2,binary32 cfloat> agrees with expansion<2,float> bit for bit", "[expansion][cfloat]") {
  // Same algorithm, same IEEE semantics: the emulated base must give identical terms.
  floatlab_test::checker<2, float> gen(24);
  using B = floatlab::binary32;
  const long n = ci_count();
  long mismatches = 0;
  for (long i = 0; i < n; ++i) {
    const auto x = gen.random(gen.uniform(-60, 60));
    const auto y = gen.random(gen.uniform(-60, 60));
    const auto bx = expansion<2, B>::from_terms(B(x[0]), B(x[1]));
    const auto by = expansion<2, B>::from_terms(B(y[0]), B(y[1]));
    const expansion<2, float> r[] = {x + y, x * y, x / y};
    const expansion<2, B> br[] = {bx + by, bx * by, bx / by};
    for (int k = 0; k < 3; ++k)
      for (int j = 0; j < 2; ++j)
        if (!(static_cast<float>(br[k][j]) == r[k][j])) ++mismatches;
  }
  REQUIRE(mismatches == 0);
}

TEST_CASE("expansion<2,bfloat16> full tier", "[full]") { check_all<2, floatlab::bfloat16>("bfloat16", full_count, 31); }
TEST_CASE("expansion<3,binary16> full tier", "[full]") { check_all<3, floatlab::binary16>("binary16", full_count, 32); }
TEST_CASE("expansion<4,e5m2> full tier", "[full]") { check_all<4, floatlab::e5m2>("e5m2", full_count, 33); }
