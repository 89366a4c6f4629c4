// Accuracy of expansion<N, T> over float and double against MPFR, in units of the bound
// each operation documents (docs/expansions.md). CI tier: FLOATLAB_TEST_SCALE (default 1)
// times 100000 samples per operation; the [full] tier runs 2 million.
#include <catch2/catch.hpp>

#include "support/expansion_check.hpp"

using floatlab::expansion;
using floatlab_test::check_all;
using floatlab_test::test_scale;

namespace {
long ci_count() { return static_cast<long>(100000 * test_scale()); }
constexpr long full_count = 2000000;
}  // namespace

TEST_CASE("expansion<1,double> is plain double arithmetic", "[expansion]") {
  check_all<1, double>("double", ci_count() / 4, 1);
}
TEST_CASE("expansion<2,double> meets the JMP 2017 bounds", "[expansion]") {
  check_all<2, double>("double", ci_count(), 2);
}
TEST_CASE("expansion<3,double> meets its bounds", "[expansion]") {
  check_all<3, double>("double", ci_count(), 3);
}
TEST_CASE("expansion<4,double> meets its bounds", "[expansion]") {
  check_all<4, double>("double", ci_count(), 4);
}
TEST_CASE("expansion<2,float> meets the JMP 2017 bounds", "[expansion]") {
  check_all<2, float>("float", ci_count(), 5);
}
TEST_CASE("expansion<8,double> meets its bounds", "[expansion]") {
  check_all<8, double>("double", ci_count() / 8, 6);
}

TEST_CASE("expansion<2,double> full tier", "[full]") { check_all<2, double>("double", full_count, 12); }
TEST_CASE("expansion<3,double> full tier", "[full]") { check_all<3, double>("double", full_count, 13); }
TEST_CASE("expansion<4,double> full tier", "[full]") { check_all<4, double>("double", full_count, 14); }
TEST_CASE("expansion<2,float> full tier", "[full]") { check_all<2, float>("float", full_count, 15); }
