// tests/support/mpfr_expansion.hpp: MPFR reference values for expansion<N, T> tests.
//
// Values of T are read through double (exact for float, double and every cfloat with at
// most 53 significand bits and binary64's range). Sums of terms use mpfr_sum, which is
// correctly rounded whatever the gaps between terms, so a result can be compared to the
// exact value at a working precision only a little above N*p.
#pragma once

#include <mpfr.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

#include "floatlab/expansion.hpp"

namespace floatlab_test {

struct mp {
  mpfr_t v;
  explicit mp(mpfr_prec_t prec) { mpfr_init2(v, prec); }
  ~mp() { mpfr_clear(v); }
  mp(const mp&) = delete;
  mp& operator=(const mp&) = delete;
  operator mpfr_ptr() { return v; }  // NOLINT
};

template <class T>
double to_d(T x) {
  return static_cast<double>(x);
}

// Correctly rounded sum of doubles (each exact in a 64-bit mpfr).
inline void sum_doubles(mpfr_ptr out, const std::vector<double>& xs) {
  std::vector<mpfr_t> t(xs.size());
  std::vector<mpfr_ptr> ptrs(xs.size());
  for (size_t i = 0; i < xs.size(); ++i) {
    mpfr_init2(t[i], 64);
    mpfr_set_d(t[i], xs[i], MPFR_RNDN);
    ptrs[i] = t[i];
  }
  mpfr_sum(out, ptrs.data(), static_cast<unsigned long>(xs.size()), MPFR_RNDN);
  for (auto& x : t) mpfr_clear(x);
}

// Correctly rounded sum of exact products a_k * b_k (each exact in 128 bits).
inline void sum_products(mpfr_ptr out, const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<mpfr_t> t(a.size());
  std::vector<mpfr_ptr> ptrs(a.size());
  mpfr_t y;
  mpfr_init2(y, 64);
  for (size_t i = 0; i < a.size(); ++i) {
    mpfr_init2(t[i], 128);
    mpfr_set_d(t[i], a[i], MPFR_RNDN);
    mpfr_set_d(y, b[i], MPFR_RNDN);
    mpfr_mul(t[i], t[i], y, MPFR_RNDN);
    ptrs[i] = t[i];
  }
  mpfr_sum(out, ptrs.data(), static_cast<unsigned long>(a.size()), MPFR_RNDN);
  for (auto& x : t) mpfr_clear(x);
  mpfr_clear(y);
}

template <int N, class T>
std::vector<double> terms(const floatlab::expansion<N, T>& x, double sign = 1.0) {
  std::vector<double> v;
  for (int i = 0; i < N; ++i) v.push_back(sign * to_d(x[i]));
  return v;
}

template <int N, class T>
void value(mpfr_ptr out, const floatlab::expansion<N, T>& x) {
  sum_doubles(out, terms(x));
}

// |computed - exact| / |exact| as a double (exact != 0).
template <int N, class T>
double rel_error(const floatlab::expansion<N, T>& computed, mpfr_srcptr exact) {
  std::vector<double> c = terms(computed);
  const std::size_t n = c.size();
  std::vector<mpfr_t> t(n + 1);
  std::vector<mpfr_ptr> ptrs(n + 1);
  for (size_t i = 0; i < n; ++i) {
    mpfr_init2(t[i], 64);
    mpfr_set_d(t[i], c[i], MPFR_RNDN);
    ptrs[i] = t[i];
  }
  mpfr_init2(t[n], mpfr_get_prec(exact));
  mpfr_neg(t[n], exact, MPFR_RNDN);
  ptrs[n] = t[n];
  mpfr_t d;
  mpfr_init2(d, 64);
  mpfr_sum(d, ptrs.data(), static_cast<unsigned long>(n + 1), MPFR_RNDN);
  mpfr_div(d, d, exact, MPFR_RNDN);
  const double r = std::fabs(mpfr_get_d(d, MPFR_RNDN));
  mpfr_clear(d);
  for (auto& x : t) mpfr_clear(x);
  return r;
}

// ulp of a nonzero T (through double): 2^(floor(log2|x|) - p + 1), at least denorm_min.
template <class T>
double ulp_of(T x) {
  using lim = std::numeric_limits<T>;
  const double d = std::fabs(to_d(x));
  int e = 0;
  std::frexp(d, &e);  // d = f * 2^e, f in [0.5, 1)
  int ue = (e - 1) - (lim::digits - 1);
  const int sub = (lim::min_exponent - 1) - (lim::digits - 1);
  if (ue < sub) ue = sub;
  return std::ldexp(1.0, ue);
}

// Scale factor for test sizes: FLOATLAB_TEST_SCALE (default 1) multiplies sample counts.
inline double test_scale() {
  const char* s = std::getenv("FLOATLAB_TEST_SCALE");
  if (!s) return 1.0;
  const double v = std::atof(s);
  return v > 0 ? v : 1.0;
}

}  // namespace floatlab_test
