// The branch-free fast paths of issue 12's second round, bit for bit against the integer
// kernels (detail/exact_ops.hpp + round_pack), which test_exhaustive_* and test_random_mpfr
// prove against MPFR:
// - the Newton square root (detail/float_path.hpp, sqrt_newton / sqrt_n): the bound it rests
//   on (|y - sqrt(x)| <= 2^-30 sqrt(x)) on every double significand of up to 11 bits at both
//   exponent parities and across the exponent range, then every pattern of every format of
//   its domain listed below in every deterministic mode, through the public API, one call at
//   a time and over an array in a loop the compiler vectorizes.
// This file is also built with -march=x86-64-v3 (test_fast_paths_ops_v3,
// tests/compile_checks.cmake), so the vectorized code is what is checked there.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <vector>

#include "support/exhaustive.hpp"
#include "support/operands.hpp"

using namespace floatlab;

namespace {

using ops = oracle::reference::op;
using deterministic_modes = std::tuple<round::nearest_even, round::nearest_away, round::toward_zero, round::upward,
                                       round::downward, round::odd>;

template <class T, class Mode>
void loop_sqrt(const T* a, T* c, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) c[i] = sqrt(a[i], Mode{});
}

// Every pattern of T's format, every deterministic mode: public API (one call, and an array
// loop) vs the integer kernel. Returns the number of mismatches.
template <class T>
std::uint64_t sqrt_all_patterns(std::uint64_t& cases) {
  using F = typename T::format_type;
  using S = typename F::storage;
  const std::uint64_t n = std::uint64_t{1} << F::total_bits;
  std::vector<T> a(n), c(n);
  for (std::uint64_t i = 0; i < n; ++i) a[i] = T::from_bits(static_cast<S>(i));
  exhaustive::tally t;
  const std::string name = oracle::format_desc::of<F>().name();
  auto one = [&](auto mode_tag) {
    using Mode = decltype(mode_tag);
    static_assert(detail::sqrt_newton_ok<F, Mode>, "the format must be in the Newton square root's domain");
    loop_sqrt<T, Mode>(a.data(), c.data(), n);
    for (std::uint64_t i = 0; i < n; ++i) {
      const std::uint64_t want = exhaustive::lib<T, Mode>::kernel(ops::sqrt, i, 0, 0, 0);
      const std::uint64_t got = exhaustive::lib<T, Mode>::api(ops::sqrt, i, 0, 0, 0);
      t.record(got == want, "sqrt", name, oracle::mode_of<Mode>(), i, 0, 0, got, want);
      t.record(c[i].bits() == want, "sqrt loop", name, oracle::mode_of<Mode>(), i, 0, 0, c[i].bits(), want);
    }
  };
  std::apply([&](auto... modes) { (one(modes), ...); }, deterministic_modes{});
  cases = t.cases;
  return t.mismatches;
}

}  // namespace

TEST_CASE("Newton square root error is below 2^-30 on every significand of up to 11 bits", "[fast_path][sqrt]") {
  // The relative error of sqrt_newton depends only on the significand and the exponent's
  // parity (float_path.hpp); the exponents below also cover the whole E <= 9 range. The
  // reference is long double's sqrt (64-bit significand on x86: 2^-64, far below 2^-30) or,
  // where long double is double, the bound is checked with the margin of double's sqrt.
  double worst = 0;
  std::uint64_t count = 0;
  for (int e = -300; e <= 300; ++e) {
    for (std::uint64_t frac = 0; frac < 1024; ++frac) {
      const double x = std::ldexp(1.0 + static_cast<double>(frac) / 1024.0, e);
      const double y = detail::sqrt_newton(x);
      const long double ref = std::sqrt(static_cast<long double>(x));
      const long double rel = std::fabs((static_cast<long double>(y) - ref) / ref);
      worst = std::max(worst, static_cast<double>(rel));
      ++count;
    }
  }
  std::printf("Newton sqrt: %llu significands x exponents, worst relative error 2^%.2f\n", (unsigned long long)count,
              std::log2(worst));
  CHECK(count == 601 * 1024);
  REQUIRE(worst <= std::ldexp(1.0, -31));  // 2^-30 with a margin for a double-only reference
  // The special operands.
  REQUIRE(detail::sqrt_newton(0.0) == 0.0);
  REQUIRE(std::signbit(detail::sqrt_newton(-0.0)));
  REQUIRE(std::isinf(detail::sqrt_newton(HUGE_VAL)));
  REQUIRE(std::isnan(detail::sqrt_newton(-HUGE_VAL)));
  REQUIRE(std::isnan(detail::sqrt_newton(-1.0)));
  REQUIRE(std::isnan(detail::sqrt_newton(std::nan(""))));
}

// Every format of the Newton square root's domain the library names, and its corners: E = 9
// (the largest), E = 8 with p = 11 (tf32), small E with subnormal results (cfloat<3,8>,
// cfloat<2,10>: emin > -M), the encodings without subnormals, NaN or infinity.
TEMPLATE_TEST_CASE("Newton square root equals the integer kernel on every pattern, every deterministic mode",
                   "[fast_path][sqrt]", binary16, bfloat16, e4m3, e5m2, (cfloat<6, 9>), tf32, (cfloat<9, 10>),
                   (cfloat<9, 7>), (cfloat<2, 10>), (cfloat<3, 8>), (cfloat<8, 7, round::nearest_even, encoding::ieee_ftz>),
                   (cfloat<8, 7, round::nearest_even, encoding::fn>), (cfloat<8, 7, round::nearest_even, encoding::fnuz>),
                   (cfloat<7, 8, round::nearest_even, encoding::fnuz_satfinite>),
                   (cfloat<3, 8, round::nearest_even, encoding::finite>), (cfloat<1, 6>)) {
  std::uint64_t cases = 0;
  const std::uint64_t mismatches = sqrt_all_patterns<TestType>(cases);
  std::printf("%s sqrt: %llu cases, %llu mismatches\n", oracle::format_desc::of<typename TestType::format_type>().name().c_str(),
              (unsigned long long)cases, (unsigned long long)mismatches);
  CHECK(cases == 2 * 6 * (std::uint64_t{1} << TestType::format_type::total_bits));
  REQUIRE(mismatches == 0);
}

namespace {
template <class T>
using fmt = typename T::format_type;
static_assert(!detail::sqrt_newton_ok<fmt<cfloat<5, 11>>, round::nearest_even>, "p = 12: not the Newton square root");
static_assert(!detail::sqrt_newton_ok<fmt<cfloat<10, 7>>, round::upward>, "E = 10: not the Newton square root");
static_assert(!detail::sqrt_newton_ok<fmt<binary16>, round::stochastic<8>>, "stochastic: the double path");
}  // namespace
