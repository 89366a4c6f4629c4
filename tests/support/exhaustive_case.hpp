// tests/support/exhaustive_case.hpp: one Catch2 test case per format for an encoding.
#pragma once

#include <catch2/catch.hpp>

#include "exhaustive.hpp"

namespace exhaustive {
template <class T>
void run_and_require() {
  const tally t = check_format<T>();
  std::printf("%s: %llu cases, %llu mismatches\n", oracle::format_desc::of<typename T::format_type>().name().c_str(),
              (unsigned long long)t.cases, (unsigned long long)t.mismatches);
  CHECK(t.cases > 0);
  REQUIRE(t.mismatches == 0);
}
}  // namespace exhaustive

// The six 8-bit formats E = 1..6 (M = 7 - E) of one encoding (E >= 2 where FIRST is 2).
#define FLOATLAB_EXHAUSTIVE_8BIT(ENC, TAG)                                                              \
  TEMPLATE_TEST_CASE("exhaustive 8-bit " #ENC " formats match MPFR", "[exhaustive][" TAG "]",            \
                     (floatlab::cfloat<1, 6, floatlab::round::nearest_even, floatlab::encoding::ENC>),   \
                     (floatlab::cfloat<2, 5, floatlab::round::nearest_even, floatlab::encoding::ENC>),   \
                     (floatlab::cfloat<3, 4, floatlab::round::nearest_even, floatlab::encoding::ENC>),   \
                     (floatlab::cfloat<4, 3, floatlab::round::nearest_even, floatlab::encoding::ENC>),   \
                     (floatlab::cfloat<5, 2, floatlab::round::nearest_even, floatlab::encoding::ENC>),   \
                     (floatlab::cfloat<6, 1, floatlab::round::nearest_even, floatlab::encoding::ENC>)) { \
    exhaustive::run_and_require<TestType>();                                                            \
  }
