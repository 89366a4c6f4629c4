// Exhaustive: IEEE-encoded 8-bit formats (E = 1..6), every op, pair, mode (CI tier);
// 9- to 12-bit formats in the [full] tier.
#include <catch2/catch.hpp>

#include "support/exhaustive.hpp"

using namespace floatlab;

TEMPLATE_TEST_CASE("exhaustive 8-bit ieee formats match MPFR", "[exhaustive][ieee]", (cfloat<1, 6>),
                   (cfloat<2, 5>), (cfloat<3, 4>), (cfloat<4, 3>), (cfloat<5, 2>), (cfloat<6, 1>)) {
  const auto t = exhaustive::check_format<TestType>();
  std::printf("%s: %llu cases, %llu mismatches\n", oracle::format_desc::of<typename TestType::format_type>().name().c_str(),
              (unsigned long long)t.cases, (unsigned long long)t.mismatches);
  CHECK(t.cases > 0);
  REQUIRE(t.mismatches == 0);
}
