// Exhaustive, CI tier: flush-to-zero 8-bit formats (E = 2..6; E = 1 would hold no nonzero
// value), every op, pair and mode.
#include "support/exhaustive_case.hpp"

using namespace floatlab;
TEMPLATE_TEST_CASE("exhaustive 8-bit ieee_ftz formats match MPFR", "[exhaustive][ieee_ftz]",
                   (cfloat<2, 5, round::nearest_even, encoding::ieee_ftz>),
                   (cfloat<3, 4, round::nearest_even, encoding::ieee_ftz>),
                   (cfloat<4, 3, round::nearest_even, encoding::ieee_ftz>),
                   (cfloat<5, 2, round::nearest_even, encoding::ieee_ftz>),
                   (cfloat<6, 1, round::nearest_even, encoding::ieee_ftz>)) {
  exhaustive::run_and_require<TestType>();
}
