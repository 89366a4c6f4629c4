// Formats too large for exhaustive runs: random operands weighted toward the edges, every
// op and mode, against MPFR. CI tier: 60k operand pairs per format (x 6 ops x 8 modes);
// [full]: 2M pairs.
#include <catch2/catch.hpp>

#include "support/exhaustive.hpp"
#include "support/operands.hpp"

using namespace floatlab;

template <class T>
void random_check(std::uint64_t pairs) {
  using F = typename T::format_type;
  using op = oracle::reference::op;
  oracle::reference ref(oracle::format_desc::of<F>());
  operands::generator<F> gen(0xF10A7 + F::total_bits * 131 + F::exponent_bits);
  exhaustive::tally t;
  for (std::uint64_t i = 0; i < pairs; ++i) {
    const std::uint64_t a = gen.operand();
    const std::uint64_t b = gen.operand(a);
    const std::uint64_t c = gen.operand(a);
    exhaustive::check_all_modes<T>(ref, t, op::add, "add", a, b, 0);
    exhaustive::check_all_modes<T>(ref, t, op::sub, "sub", a, b, 0);
    exhaustive::check_all_modes<T>(ref, t, op::mul, "mul", a, b, 0);
    exhaustive::check_all_modes<T>(ref, t, op::div, "div", a, b, 0);
    exhaustive::check_all_modes<T>(ref, t, op::sqrt, "sqrt", a, 0, 0);
    exhaustive::check_all_modes<T>(ref, t, op::fma, "fma", a, b, c);
  }
  std::printf("%s: %llu random cases, %llu mismatches\n", ref.format().name().c_str(), (unsigned long long)t.cases,
              (unsigned long long)t.mismatches);
  CHECK(t.cases > 0);
  REQUIRE(t.mismatches == 0);
}

#define FLOATLAB_RANDOM_FORMATS                                                                                   \
  binary16, bfloat16, tf32, binary32, binary64, (cfloat<6, 9>), (cfloat<9, 17>), (cfloat<8, 45>),                 \
      (cfloat<11, 52, round::nearest_even, encoding::fnuz>), (cfloat<10, 40, round::nearest_even, encoding::ieee_ftz>), \
      (cfloat<7, 30, round::nearest_even, encoding::fn>), (cfloat<3, 20, round::nearest_even, encoding::finite>),  \
      (cfloat<11, 20, round::nearest_even, encoding::fnuz_satfinite>), (cfloat<1, 40>), (cfloat<2, 61>)

TEMPLATE_TEST_CASE("random operands match MPFR in every mode", "[random]", FLOATLAB_RANDOM_FORMATS) {
  random_check<TestType>(static_cast<std::uint64_t>(60000 * operands::test_scale()));
}

TEMPLATE_TEST_CASE("random operands match MPFR in every mode (full tier)", "[random][full]", FLOATLAB_RANDOM_FORMATS) {
  random_check<TestType>(static_cast<std::uint64_t>(2000000 * operands::test_scale()));
}
