// Exhaustive, CI tier: encoding::fn_satfinite 8-bit formats (E = 1..6), every op, pair and mode.
#include "support/exhaustive_case.hpp"

FLOATLAB_EXHAUSTIVE_8BIT(fn_satfinite, "fn_satfinite")
