// Each FLOATLAB_ERROR_CASE must fail to compile with the static_assert message that
// tests/compile_checks.cmake expects: invalid template arguments say what is wrong.
#include <floatlab/floatlab.hpp>

namespace fl = floatlab;

#if FLOATLAB_ERROR_CASE == 1
fl::cfloat<12, 3> x;  // E out of range
#elif FLOATLAB_ERROR_CASE == 2
fl::cfloat<0, 3> x;  // E out of range
#elif FLOATLAB_ERROR_CASE == 3
fl::cfloat<5, 0> x;  // no fraction bits
#elif FLOATLAB_ERROR_CASE == 4
fl::cfloat<11, 53> x;  // 65 bits
#elif FLOATLAB_ERROR_CASE == 5
fl::cfloat<1, 5, fl::round::nearest_even, fl::encoding::ieee_ftz> x;  // no nonzero value
#elif FLOATLAB_ERROR_CASE == 6
fl::cfloat<5, 10, fl::round::stochastic<33>> x;  // too many random bits
#elif FLOATLAB_ERROR_CASE == 7
fl::cfloat<5, 10, int> x;  // not a rounding mode
#elif FLOATLAB_ERROR_CASE == 8
auto x = fl::add(fl::binary16{1.0}, fl::binary16{2.0}, fl::round::stochastic<8>{});  // no random source
#elif FLOATLAB_ERROR_CASE == 9
auto x = fl::add(fl::fixed<8, 4>{1.0}, fl::fixed<8, 4>{2.0}, fl::round::stochastic<8>{});  // fixed: the same rule
#elif FLOATLAB_ERROR_CASE == 10
float in[4] = {};
std::int8_t out[4];
int e[1];
auto x = fl::block_quantize(fl::array_view<const float>(in), fl::array_view<std::int8_t>(out), fl::array_view<int>(e),
                            fl::block_shape::whole(), 8, fl::round::stochastic<8>{});  // arrays: the same rule
#elif FLOATLAB_ERROR_CASE == 11
auto x = fl::exp(fl::binary64{1.0});  // math.hpp: formats of at most 32 bits
#elif FLOATLAB_ERROR_CASE == 12
auto x = fl::exp(fl::binary16{1.0}, fl::round::stochastic<8>{});  // no random source
#elif FLOATLAB_ERROR_CASE == 13
auto x = fl::sin(fl::cfloat<11, 20>{1.0});  // math.hpp: E = 11 (binary64's range) is rejected
#elif FLOATLAB_ERROR_CASE == 14
auto x = fl::pow(fl::cfloat<11, 20>{1.0}, fl::cfloat<11, 20>{2.0});  // pow: the same rule
#endif

int main() { return 0; }
