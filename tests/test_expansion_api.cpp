// expansion<N, T> interface: exact construction from wider values, conversion back,
// comparisons (exact), term access, from_terms, renormalize, constexpr evaluation.
#include <catch2/catch.hpp>

#include <random>

#include "floatlab/cfloat.hpp"
#include "support/expansion_check.hpp"

using floatlab::expansion;
using floatlab_test::mp;

namespace {
using dd = expansion<2, double>;
constexpr dd third = dd(1.0) / dd(3.0);
static_assert(third.size() == 2, "size() is N");
static_assert(third[0] == 1.0 / 3.0, "constexpr division gives RN(1/3) as leading term");
static_assert((dd(1.0) + dd(0x1p-80))[1] == 0x1p-80, "constexpr addition keeps the low term");
static_assert(dd::from_terms(1.0, 0x1p-60)[1] == 0x1p-60, "from_terms");
}  // namespace

TEST_CASE("from_value splits wider values exactly, to<U> converts back", "[expansion][api]") {
  std::mt19937_64 rng(1);
  mp a(256), b(256);
  long inexact = 0, roundtrip = 0;
  for (int i = 0; i < 20000; ++i) {
    const double d = std::ldexp(static_cast<double>(rng() >> 11), static_cast<int>(rng() % 80) - 60) *
                     ((rng() & 1) ? 1 : -1);
    const long double ld = static_cast<long double>(d) + std::ldexp(static_cast<long double>(rng() >> 53), -70);
    // long double (64 bits) into two doubles (106 bits): exact.
    const auto x = dd::from_value(ld);
    mpfr_set_ld(a, ld, MPFR_RNDN);
    floatlab_test::value(b, x);
    if (!mpfr_equal_p(a, b)) ++inexact;
    if (x.to<long double>() != ld) ++roundtrip;
    // double (53 bits) into seven bfloat16 (56 bits): exact.
    const auto y = expansion<7, floatlab::bfloat16>::from_value(d);
    mpfr_set_d(a, d, MPFR_RNDN);
    floatlab_test::value(b, y);
    if (!mpfr_equal_p(a, b)) ++inexact;
    if (y.to<double>() != d) ++roundtrip;
    // double into three floats (72 bits): exact; into two floats: rounded in the last term.
    const auto z = expansion<3, float>::from_value(d);
    floatlab_test::value(b, z);
    if (!mpfr_equal_p(a, b)) ++inexact;
    const auto w = expansion<2, float>::from_value(d);
    CHECK(std::fabs(w.to<double>() - d) <= std::ldexp(std::fabs(d), -47));
  }
  CHECK(inexact == 0);
  CHECK(roundtrip == 0);
}

TEST_CASE("comparisons agree with MPFR, including equal and adjacent values", "[expansion][api]") {
  floatlab_test::checker<3, double> gen(2);
  mp a(2200), b(2200);  // exact: gaps between terms can span hundreds of bits
  long wrong = 0;
  for (int i = 0; i < 20000; ++i) {
    const auto x = gen.random(gen.uniform(-20, 20));
    auto y = gen.random(gen.uniform(-20, 20));
    if (i % 3 == 0) y = x;
    if (i % 3 == 1) y = gen.near(x, 1.0);
    floatlab_test::value(a, x);
    floatlab_test::value(b, y);
    const int c = mpfr_cmp(a, b);
    const bool ok = ((x < y) == (c < 0)) && ((x > y) == (c > 0)) && ((x == y) == (c == 0)) &&
                    ((x <= y) == (c <= 0)) && ((x >= y) == (c >= 0)) && ((x != y) == (c != 0));
    if (!ok) ++wrong;
  }
  REQUIRE(wrong == 0);
}

TEST_CASE("renormalize turns overlapping terms into a normalized expansion of the same value", "[expansion][api]") {
  std::mt19937_64 rng(3);
  mp a(2200), b(2200);
  long bad = 0;
  for (int i = 0; i < 20000; ++i) {
    double t[4];
    for (double& v : t) v = std::ldexp(static_cast<double>(rng() >> 11), static_cast<int>(rng() % 120) - 60);
    const auto x = expansion<4, double>::from_array(t);  // arbitrary, overlapping
    const auto r = floatlab::renormalize(x);
    floatlab_test::value(a, x);
    // 4 terms spanning < 4*53 + 120 bits: renormalization into 4 terms may round the last.
    floatlab_test::value(b, r);
    mpfr_sub(b, b, a, MPFR_RNDN);
    mpfr_div(b, b, a, MPFR_RNDN);
    if (std::fabs(mpfr_get_d(b, MPFR_RNDN)) > floatlab_test::bound<4, double>(floatlab_test::op::add)) ++bad;
    for (int k = 0; k + 1 < 4; ++k)
      if (!(r[k] + r[k + 1] == r[k])) ++bad;
  }
  REQUIRE(bad == 0);
}

TEST_CASE("special values propagate", "[expansion][api]") {
  const double inf = std::numeric_limits<double>::infinity();
  CHECK(std::isnan((dd(0.0) / dd(0.0))[0]));
  CHECK(std::isnan(floatlab::sqrt(dd(-1.0))[0]));
  CHECK(floatlab::sqrt(dd(0.0))[0] == 0.0);
  CHECK(std::isinf((dd(1.0) / dd(0.0))[0]));
  CHECK(!std::isfinite((dd(inf) + dd(1.0))[0]));
  using e4 = expansion<4, double>;
  CHECK(std::isinf((e4(1.0) / e4(0.0))[0]));
  CHECK(floatlab::sqrt(e4(0.0))[0] == 0.0);
  CHECK(std::isnan(floatlab::sqrt(e4(-4.0))[0]));
  CHECK((e4(0.0) / e4(3.0))[0] == 0.0);
}
