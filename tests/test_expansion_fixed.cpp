// The specialized N = 3, 4 kernels of expansion<N, float/double> (detail/expansion_fixed.hpp):
//  - renormalize_select is bit-identical to renormalize_terms (random, unsorted,
//    cancelling, zero-filled, gapped and special inputs);
//  - the specialized addition equals the generic merge + renormalization (gen_add) in
//    value, term by term (the merge network orders equal magnitudes differently only);
//  - every specialized operation meets the documented bound against MPFR for float too
//    (the double cases are in test_expansion.cpp), including cancellation, huge exponent
//    gaps and operands at the ends of the range (the checker's random and near sets);
//  - special operands give the base type's result in the leading term, zeros after.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

#include "support/expansion_check.hpp"

using floatlab::expansion;

namespace {

template <class T>
T random_term(std::mt19937_64& g) {
  constexpr int p = std::numeric_limits<T>::digits;
  constexpr int emax = std::numeric_limits<T>::max_exponent - 8;
  const double m = static_cast<double>(g() >> (64 - p)) * std::ldexp(1.0, -p) + 0.5;
  const int kind = static_cast<int>(g() % 16);
  if (kind == 0) return T(0);
  const int e = static_cast<int>(g() % static_cast<std::uint64_t>(2 * emax)) - emax;
  const double v = std::ldexp((g() & 1) ? m : -m, kind < 8 ? static_cast<int>(g() % 200) - 100 : e / 2);
  return static_cast<T>(v);
}

template <class T>
bool same_bits(T a, T b) {
  return (a == b && std::signbit(a) == std::signbit(b)) || (a != a && b != b);
}

// Inputs of the kinds the kernels see: sorted merges, level-ordered products, remainders
// with cancellation, and arbitrary orders; every pattern with zeros and exact copies.
template <int K, int M, class T>
long renormalize_mismatches(long count, std::uint64_t seed) {
  std::mt19937_64 g(seed);
  long bad = 0;
  for (long n = 0; n < count; ++n) {
    T e[M] = {};
    for (T& v : e) v = random_term<T>(g);
    const int pattern = static_cast<int>(n % 5);
    if (pattern == 1) floatlab::sort_by_magnitude(e);
    if (pattern == 2) e[M - 1] = -e[0];                  // exact cancellation
    if (pattern == 3) e[1] = -e[0] + e[0] * T(0x1p-20);  // partial cancellation
    if (pattern == 4 && n % 50 == 4) e[g() % M] = std::numeric_limits<T>::infinity();
    T a[M] = {};
    T b[M] = {};
    for (int i = 0; i < M; ++i) a[i] = b[i] = e[i];
    T ra[K] = {};
    T rb[K] = {};
    floatlab::renormalize_terms<K>(a, ra);
    floatlab::detail::renormalize_select<K>(b, rb);
    const bool special = !std::isfinite(static_cast<double>(ra[0]));
    for (int k = 0; k < K; ++k)
      if (!special && !same_bits(ra[k], rb[k])) ++bad;
    if (special && std::isfinite(static_cast<double>(rb[0] + rb[K - 1]))) ++bad;  // must not look finite
  }
  return bad;
}

template <int N, class T>
long add_mismatches(long count, std::uint64_t seed) {
  floatlab_test::checker<N, T> gen(seed);
  using C = floatlab_test::checker<N, T>;
  long bad = 0;
  for (long n = 0; n < count; ++n) {
    const auto x = gen.random(gen.uniform(C::lo, C::hi));
    auto y = gen.random(gen.uniform(C::lo, C::hi));
    if (n % 3 == 1) y = gen.near(x, -1.0);             // cancellation
    if (n % 3 == 2) y = gen.random(C::to_exp(x) - 1);  // same scale
    T g[N] = {};
    floatlab::detail::gen_add<N>(x.data(), y.data(), g);
    const auto r = x + y;
    for (int k = 0; k < N; ++k)
      if (!(r[k] == g[k])) ++bad;
  }
  return bad;
}

template <int N, class T>
void check_specials() {
  using E = expansion<N, T>;
  const T inf = std::numeric_limits<T>::infinity();
  const T nan = std::numeric_limits<T>::quiet_NaN();
  const T big = std::numeric_limits<T>::max();
  const E one = E::from_terms(T(1), T(std::ldexp(1.0, -std::numeric_limits<T>::digits - 2)));
  const T vals[] = {T(0), T(-0.0), T(1), T(-3), inf, -inf, nan, big, T(std::ldexp(1.0, -100))};
  long bad = 0;
  for (const T a : vals)
    for (const T b : vals) {
      const E x = E(a);
      const E y = E(b);
      const E r[] = {x + y, x * y, x / y, one / y, x / one};
      const T plain[] = {a + b, a * b, a / b, T(1) / b, a / T(1)};
      for (int k = 0; k < 5; ++k) {
        const double p = static_cast<double>(plain[k]);
        if (std::isfinite(p)) continue;  // finite results: the MPFR checks
        if (!same_bits(r[k][0], plain[k]) && !(p != p && r[k][0] != r[k][0])) ++bad;
        for (int i = 1; i < N; ++i)
          if (!(r[k][i] == T(0))) ++bad;
      }
    }
  // Overflowing quotient and product of finite operands: infinite leading term.
  const E h = E::from_terms(big, T(0));
  const E s = E(T(std::ldexp(1.0, -20)));
  if (!std::isinf(static_cast<double>((h / s)[0])) || !std::isinf(static_cast<double>((h * h)[0]))) ++bad;
  CHECK(bad == 0);
}

}  // namespace

TEST_CASE("renormalize_select is bit-identical to renormalize_terms", "[expansion][fixed]") {
  CHECK(renormalize_mismatches<3, 6, double>(20000, 1) == 0);
  CHECK(renormalize_mismatches<4, 8, double>(20000, 2) == 0);
  CHECK(renormalize_mismatches<4, 12, double>(20000, 3) == 0);
  CHECK(renormalize_mismatches<4, 5, double>(20000, 4) == 0);
  CHECK(renormalize_mismatches<3, 10, float>(20000, 5) == 0);
  CHECK(renormalize_mismatches<4, 11, float>(20000, 6) == 0);
}

TEST_CASE("the specialized N = 3, 4 addition equals the generic one term by term", "[expansion][fixed]") {
  CHECK(add_mismatches<3, double>(30000, 7) == 0);
  CHECK(add_mismatches<4, double>(30000, 8) == 0);
  CHECK(add_mismatches<3, float>(30000, 9) == 0);
  CHECK(add_mismatches<4, float>(30000, 10) == 0);
}

TEST_CASE("expansion<3,float> and expansion<4,float> meet their bounds", "[expansion][fixed]") {
  const long n = static_cast<long>(30000 * floatlab_test::test_scale());
  floatlab_test::check_all<3, float>("float", n, 41);
  floatlab_test::check_all<4, float>("float", n, 42);
}

TEST_CASE("special operands of the specialized kernels give the base type's value", "[expansion][fixed]") {
  check_specials<3, double>();
  check_specials<4, double>();
  check_specials<3, float>();
  check_specials<4, float>();
}

TEST_CASE("expansion<3/4,float> full tier", "[full]") {
  floatlab_test::check_all<3, float>("float", 2000000, 51);
  floatlab_test::check_all<4, float>("float", 2000000, 52);
}
