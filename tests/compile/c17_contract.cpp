// The umbrella header under the core contract (C++17, -fno-exceptions -fno-rtti, -Wall -Wextra
// -Wpedantic -Werror), results usable in constant expressions, and a stochastic operation
// that runs. That each header compiles alone is checked by the header_alone_* tests, one
// generated translation unit per header (tests/compile_checks.cmake).
#include <floatlab/config.hpp>
#include <floatlab/format.hpp>
#include <floatlab/rounding.hpp>
#include <floatlab/random.hpp>
#include <floatlab/cfloat.hpp>
#include <floatlab/text.hpp>
#include <floatlab/floatlab.hpp>

using floatlab::cfloat;
namespace rnd = floatlab::round;

static_assert(cfloat<5, 10>{0.5}.bits() == 0x3800, "binary16 0.5");
static_assert(double(cfloat<8, 7, rnd::toward_zero>{1.0 / 3.0}) == 0.33203125, "bfloat16 RZ(1/3)");
static_assert(double(floatlab::fma(cfloat<11, 52>{0.1}, cfloat<11, 52>{10.0}, cfloat<11, 52>{-1.0})) ==
                  5.551115123125783e-17,
              "binary64 fma(0.1, 10, -1) is the rounding error of 0.1 times 10");
static_assert(std::is_trivially_copyable<cfloat<4, 3>>::value, "cfloat is trivially copyable");
static_assert(sizeof(cfloat<2, 1>) == 1 && sizeof(cfloat<11, 52>) == 8, "smallest storage");

// Decimal parsing is exact and constexpr: a string one part in 10^29 above a binary16
// midpoint rounds up (through double it would round to 1).
constexpr floatlab::binary16 parse_h(const char* s, int n) {
  floatlab::binary16 h{0.0};
  floatlab::from_chars(s, s + n, h);
  return h;
}
static_assert(parse_h("1.00048828125000000000000000001", 31).bits() == 0x3c01, "from_chars rounds the exact decimal");

int main() {
  floatlab::philox_rng rng(1);
  const auto x = floatlab::add(cfloat<5, 2>{1.0}, cfloat<5, 2>{0.1}, rnd::stochastic<4>{}, rng);
  return floatlab::isnan(x) ? 1 : 0;
}
