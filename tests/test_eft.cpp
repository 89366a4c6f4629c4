// Error-free transforms: exhaustive exactness on every pair of two 8-bit cfloat formats
// (showing exactly where they stop being error-free and that the *_checked variants say
// so), random checks on binary16/bfloat16/float/double against exact references.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <random>

#include "floatlab/cfloat.hpp"
#include "floatlab/eft.hpp"
#include "support/mpfr_expansion.hpp"

using floatlab::eft_checked;
using floatlab::eft_result;

namespace {

template <class T>
double d(T x) {
  return static_cast<double>(x);
}

template <class T>
bool finite(T x) {
  return std::isfinite(d(x));
}

struct tally {
  long pairs = 0, exact = 0, overflow = 0, underflow = 0, spurious = 0, other = 0, misreported = 0;
};

// Every pair (a, b) of finite values of an 8-bit format. Exact results are computed in
// double (p <= 4: sums and products of two values are exact in binary64).
template <class T>
void exhaustive(const char* name) {
  using S = typename T::storage_type;
  const double maxv = d(std::numeric_limits<T>::max());
  const double minn = d(std::numeric_limits<T>::min());
  tally sum, fsum, prod, dekker;
  for (int i = 0; i < 256; ++i) {
    const T a = T::from_bits(static_cast<S>(i));
    if (!finite(a)) continue;
    for (int j = 0; j < 256; ++j) {
      const T b = T::from_bits(static_cast<S>(j));
      if (!finite(b)) continue;
      // two_sum: exact unless the rounded sum overflows.
      {
        const eft_checked<T> r = floatlab::two_sum_checked(a, b);
        const bool ok = finite(r.hi) && finite(r.lo) && d(r.hi) + d(r.lo) == d(a) + d(b);
        ++sum.pairs;
        if (ok) ++sum.exact;
        else if (!finite(r.hi)) ++sum.overflow;
        else if (!finite(r.lo)) {
          ++sum.spurious;  // an intermediate overflowed although s is finite
          if (sum.spurious <= 3)
            std::printf("%-10s two_sum(%a, %a): s = %a finite, error term %a\n", name, d(a), d(b), d(r.hi), d(r.lo));
        } else ++sum.other;
        if (ok != r.exact) ++sum.misreported;
      }
      // fast_two_sum under its precondition |a| >= |b|.
      if (std::fabs(d(a)) >= std::fabs(d(b))) {
        const eft_result<T> r = floatlab::fast_two_sum(a, b);
        const bool ok = finite(r.hi) && finite(r.lo) && d(r.hi) + d(r.lo) == d(a) + d(b);
        ++fsum.pairs;
        if (ok) ++fsum.exact;
        else if (!finite(r.hi)) ++fsum.overflow;
        else ++fsum.other;
      }
      // two_prod: exact iff the error term is representable.
      {
        const eft_checked<T> r = floatlab::two_prod_checked(a, b);
        const double ab = d(a) * d(b);
        const bool ok = finite(r.hi) && finite(r.lo) && d(r.hi) + d(r.lo) == ab;
        ++prod.pairs;
        if (ok) ++prod.exact;
        else if (!finite(r.hi) || std::fabs(ab) > maxv) ++prod.overflow;
        else if (std::fabs(ab) < minn * std::ldexp(1.0, std::numeric_limits<T>::digits + 1)) ++prod.underflow;
        else ++prod.other;
        if (ok != r.exact) ++prod.misreported;
      }
      // Dekker's product (no fma): also needs the split not to overflow.
      {
        const eft_result<T> r = floatlab::two_prod_dekker(a, b);
        const double ab = d(a) * d(b);
        const bool ok = finite(r.hi) && finite(r.lo) && d(r.hi) + d(r.lo) == ab;
        ++dekker.pairs;
        if (ok) ++dekker.exact;
        else if (!finite(r.hi) || !finite(r.lo) || std::fabs(ab) > maxv) ++dekker.overflow;
        else if (std::fabs(ab) < minn * std::ldexp(1.0, std::numeric_limits<T>::digits + 1)) ++dekker.underflow;
        else ++dekker.other;
      }
    }
  }
  const auto show = [&](const char* what, const tally& t) {
    std::printf("%-10s %-16s pairs %6ld exact %6ld  inexact: overflow %5ld underflow %5ld "
                "intermediate-overflow %ld other %ld  misreported %ld\n",
                name, what, t.pairs, t.exact, t.overflow, t.underflow, t.spurious, t.other, t.misreported);
  };
  show("two_sum", sum);
  show("fast_two_sum", fsum);
  show("two_prod", prod);
  show("two_prod_dekker", dekker);
  std::fflush(stdout);
  // Boldo-Graillat-Muller: with RN and subnormals, 2Sum and Fast2Sum are exact unless
  // something overflows: the rounded sum, or (2Sum only, a rare corner case: |b| near the
  // largest finite value, a of the other sign) the intermediate s - a although s is finite.
  // Underflow never makes them inexact. Both failures are reported by two_sum_checked.
  CHECK(sum.other == 0);
  CHECK(sum.underflow == 0);
  CHECK(fsum.spurious == 0);
  CHECK(fsum.other == 0);
  CHECK(sum.overflow > 0);  // the formats do reach the failure case, and it is reported
  CHECK(sum.misreported == 0);
  // two_prod fails exactly by overflow or underflow of the error term, and says so.
  CHECK(prod.other == 0);
  CHECK(prod.underflow > 0);
  CHECK(prod.overflow > 0);
  CHECK(prod.misreported == 0);
  // Dekker's product: only the same two causes (plus the split's own overflow).
  CHECK(dekker.other == 0);
}

// Random pairs of a wider format; exactness checked with MPFR (exact sums/products of
// doubles at 2200 bits cover every binary64 pair).
template <class T>
void random_pairs(const char* name, long n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  using lim = std::numeric_limits<T>;
  const int p = lim::digits, emin = lim::min_exponent - 1, emax = lim::max_exponent - 1;
  floatlab_test::mp exact(2200), got(2200), t(2200);
  long bad_sum = 0, bad_fast = 0, bad_prod = 0, bad_dekker = 0, checked_prod = 0;
  const auto draw = [&](int elo, int ehi) {
    const std::uint64_t m = (rng() >> (64 - (p - 1))) | (std::uint64_t(1) << (p - 1));
    const int e = elo + static_cast<int>(rng() % static_cast<std::uint64_t>(ehi - elo + 1));
    double v = std::ldexp(static_cast<double>(m), e - p + 1);
    if (rng() & 1) v = -v;
    return T(v);
  };
  for (long i = 0; i < n; ++i) {
    const int mode = static_cast<int>(rng() % 4);
    const T a = draw(emin, emax - 1);
    T b = mode == 0 ? draw(emin, emax - 1) : draw(std::max(emin, 0), std::min(emax - 1, 0) + 8);
    if (mode == 3) b = -a + draw(emin, emin + 4);  // heavy cancellation
    {
      const eft_result<T> r = floatlab::two_sum(a, b);
      if (finite(r.hi)) {
        mpfr_set_d(exact, d(a), MPFR_RNDN);
        mpfr_add_d(exact, exact, d(b), MPFR_RNDN);
        mpfr_set_d(got, d(r.hi), MPFR_RNDN);
        mpfr_add_d(got, got, d(r.lo), MPFR_RNDN);
        if (!mpfr_equal_p(exact, got)) ++bad_sum;
        const T big = std::fabs(d(a)) >= std::fabs(d(b)) ? a : b;
        const T small = std::fabs(d(a)) >= std::fabs(d(b)) ? b : a;
        const eft_result<T> f = floatlab::fast_two_sum(big, small);
        mpfr_set_d(got, d(f.hi), MPFR_RNDN);
        mpfr_add_d(got, got, d(f.lo), MPFR_RNDN);
        if (!mpfr_equal_p(exact, got)) ++bad_fast;
      }
    }
    {
      // Products inside the range where the error term is representable.
      const T x = draw(emin / 2 + p, emax / 2 - 1), y = draw(emin / 2 + p, emax / 2 - 1);
      const eft_result<T> r = floatlab::two_prod(x, y);
      const eft_result<T> k = floatlab::two_prod_dekker(x, y);
      mpfr_set_d(exact, d(x), MPFR_RNDN);
      mpfr_mul_d(exact, exact, d(y), MPFR_RNDN);
      mpfr_set_d(got, d(r.hi), MPFR_RNDN);
      mpfr_add_d(got, got, d(r.lo), MPFR_RNDN);
      mpfr_set_d(t, d(k.hi), MPFR_RNDN);
      mpfr_add_d(t, t, d(k.lo), MPFR_RNDN);
      ++checked_prod;
      if (!mpfr_equal_p(exact, got)) ++bad_prod;
      if (!mpfr_equal_p(exact, t)) ++bad_dekker;
    }
  }
  std::printf("%-10s random %ld pairs: two_sum inexact %ld, fast_two_sum inexact %ld, two_prod inexact %ld, "
              "dekker inexact %ld (of %ld)\n",
              name, n, bad_sum, bad_fast, bad_prod, bad_dekker, checked_prod);
  std::fflush(stdout);
  CHECK(bad_sum == 0);
  CHECK(bad_fast == 0);
  CHECK(bad_prod == 0);
  CHECK(bad_dekker == 0);
}

long scaled(long n) { return static_cast<long>(n * floatlab_test::test_scale()); }

}  // namespace

TEST_CASE("EFTs on every pair of cfloat<4,3>", "[eft]") { exhaustive<floatlab::cfloat<4, 3>>("cfloat<4,3>"); }
TEST_CASE("EFTs on every pair of cfloat<5,2>", "[eft]") { exhaustive<floatlab::cfloat<5, 2>>("cfloat<5,2>"); }
TEST_CASE("EFTs on random binary16 and bfloat16 pairs", "[eft]") {
  random_pairs<floatlab::binary16>("binary16", scaled(20000), 41);
  random_pairs<floatlab::bfloat16>("bfloat16", scaled(20000), 42);
}
TEST_CASE("EFTs on random float and double pairs", "[eft]") {
  random_pairs<float>("float", scaled(100000), 43);
  random_pairs<double>("double", scaled(100000), 44);
}
TEST_CASE("EFTs full tier", "[full]") {
  random_pairs<floatlab::binary16>("binary16", 2000000, 51);
  random_pairs<floatlab::bfloat16>("bfloat16", 2000000, 52);
  random_pairs<double>("double", 5000000, 54);
}

TEST_CASE("vec_sum and renormalize_terms keep the sum exactly", "[eft]") {
  std::mt19937_64 rng(7);
  floatlab_test::mp a(2200), b(2200);
  long bad = 0;
  for (long i = 0; i < scaled(20000); ++i) {
    double x[9];
    std::vector<double> before;
    for (double& v : x) {
      v = std::ldexp(static_cast<double>(rng() >> 11), static_cast<int>(rng() % 200) - 100);
      if (rng() & 1) v = -v;
      before.push_back(v);
    }
    floatlab::vec_sum(x);
    floatlab_test::sum_doubles(a, before);
    floatlab_test::sum_doubles(b, std::vector<double>(x, x + 9));
    if (!mpfr_equal_p(a, b)) ++bad;
    // renormalize to 9 terms of 9: nothing can be dropped, so still exact
    double y[9] = {};
    floatlab::sort_by_magnitude(x);
    floatlab::renormalize_terms<9>(x, y);
    floatlab_test::sum_doubles(b, std::vector<double>(y, y + 9));
    if (!mpfr_equal_p(a, b)) ++bad;
  }
  REQUIRE(bad == 0);
}

TEST_CASE("split and the checked transforms on edge cases", "[eft]") {
  // split: hi has at most p - ceil(p/2) significant bits, hi + lo == a.
  std::mt19937_64 rng(9);
  for (int i = 0; i < 10000; ++i) {
    const double a = std::ldexp(static_cast<double>(rng() >> 11), static_cast<int>(rng() % 100) - 50);
    const eft_result<double> s = floatlab::split(a);
    REQUIRE(s.hi + s.lo == a);
    int e = 0;
    const double m = std::frexp(s.hi, &e);
    const double scaled_hi = std::ldexp(m, 26);  // 53 - 27 = 26 bits
    REQUIRE(scaled_hi == std::floor(scaled_hi));
  }
  // two_prod_checked: a product whose error term underflows is reported.
  const double tiny = std::ldexp(1.0 + std::ldexp(1.0, -52), -540);
  const eft_checked<double> r = floatlab::two_prod_checked(tiny, tiny);
  CHECK_FALSE(r.exact);
  const eft_checked<double> ok = floatlab::two_prod_checked(1.0 + std::ldexp(1.0, -52), 3.0);
  CHECK(ok.exact);
  const eft_checked<double> big = floatlab::two_prod_checked(std::ldexp(1.0, 600), std::ldexp(1.0, 600));
  CHECK_FALSE(big.exact);
  const eft_checked<double> so = floatlab::two_sum_checked(std::numeric_limits<double>::max(),
                                                           std::numeric_limits<double>::max());
  CHECK_FALSE(so.exact);
}
