// Each FLOATLAB_EXPANSION_ERROR_CASE must fail to compile with the static_assert message
// that tests/compile_checks.cmake expects.
#include "floatlab/cfloat.hpp"
#include "floatlab/expansion.hpp"

#if FLOATLAB_EXPANSION_ERROR_CASE == 1
floatlab::expansion<9, double> x;
#elif FLOATLAB_EXPANSION_ERROR_CASE == 2
floatlab::expansion<2, floatlab::cfloat<8, 7, floatlab::round::nearest_away>> x;
#elif FLOATLAB_EXPANSION_ERROR_CASE == 3
auto x = floatlab::expansion<2, double>::from_terms(1.0, 0x1p-60, 0x1p-120);
#endif

int main() { return 0; }
