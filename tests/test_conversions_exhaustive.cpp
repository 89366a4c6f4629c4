// Every value of every 8-bit format (all encodings, E = 1..6) converted to other formats in
// one rounding, every mode, against MPFR: narrowing (other 8-bit formats, e2m1, e3m2),
// widening (binary16, bfloat16, binary32), and widening then back.
#include <catch2/catch.hpp>

#include "support/exhaustive.hpp"

using namespace floatlab;

namespace {

template <class From>
void to_all(exhaustive::tally& t) {
  exhaustive::check_conversion<binary16, From>(t);
  exhaustive::check_conversion<bfloat16, From>(t);
  exhaustive::check_conversion<binary32, From>(t);
  exhaustive::check_conversion<e4m3, From>(t);
  exhaustive::check_conversion<e5m2, From>(t);
  exhaustive::check_conversion<e2m1, From>(t);
  exhaustive::check_conversion<e3m2, From>(t);
  exhaustive::check_conversion<e4m3fnuz, From>(t);
  exhaustive::check_conversion<cfloat<3, 4, round::nearest_even, encoding::ieee_ftz>, From>(t);
  exhaustive::check_conversion<cfloat<1, 6>, From>(t);
  exhaustive::check_conversion<cfloat<6, 1, round::nearest_even, encoding::fn_satfinite>, From>(t);
}

template <class Enc>
void family(exhaustive::tally& t) {
  to_all<cfloat<1, 6, round::nearest_even, Enc>>(t);
  to_all<cfloat<2, 5, round::nearest_even, Enc>>(t);
  to_all<cfloat<3, 4, round::nearest_even, Enc>>(t);
  to_all<cfloat<4, 3, round::nearest_even, Enc>>(t);
  to_all<cfloat<5, 2, round::nearest_even, Enc>>(t);
  to_all<cfloat<6, 1, round::nearest_even, Enc>>(t);
}

}  // namespace

TEST_CASE("8-bit formats convert to other formats in one rounding, every mode", "[exhaustive][convert]") {
  exhaustive::tally t;
  family<encoding::ieee>(t);
  family<encoding::fn>(t);
  family<encoding::fnuz>(t);
  family<encoding::finite>(t);
  to_all<cfloat<3, 4, round::nearest_even, encoding::ieee_ftz>>(t);
  to_all<cfloat<5, 2, round::nearest_even, encoding::fnuz_satfinite>>(t);
  // 16-bit sources, every value: binary16 and bfloat16 down to 8 bits.
  to_all<binary16>(t);
  to_all<bfloat16>(t);
  std::printf("conversions: %llu cases, %llu mismatches\n", (unsigned long long)t.cases, (unsigned long long)t.mismatches);
  REQUIRE(t.mismatches == 0);
}
