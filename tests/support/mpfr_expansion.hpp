// tests/support/mpfr_expansion.hpp: MPFR reference values for expansion<N, T> tests.
//
// Values of T are read through double (exact for float, double and every cfloat with at
// most 53 significand bits and binary64's range). Sums of terms use mpfr_sum, which is
// correctly rounded whatever the gaps between terms, so a result can be compared to the
// exact value at a working precision only a little above N*p.
#pragma once

#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

#include "floatlab/expansion.hpp"
#include "mpfr_value.hpp"

namespace floatlab_test {

using mp = mpfr_value;  // the short name the expansion tests use

// mpfr_sum takes an array of pointers: one per value, in order.
inline std::vector<mpfr_ptr> pointers(std::vector<mpfr_value>& values) {
  std::vector<mpfr_ptr> ptrs;
  ptrs.reserve(values.size());
  for (auto& v : values) ptrs.push_back(v);
  return ptrs;
}

template <class T>
double to_d(T x) {
  return static_cast<double>(x);
}

// Correctly rounded sum of doubles (each exact in a 64-bit mpfr).
inline void sum_doubles(mpfr_ptr out, const std::vector<double>& xs) {
  std::vector<mpfr_value> t;
  t.reserve(xs.size());
  for (const double x : xs) t.emplace_back(64, x);
  std::vector<mpfr_ptr> ptrs = pointers(t);
  mpfr_sum(out, ptrs.data(), static_cast<unsigned long>(xs.size()), MPFR_RNDN);
}

// Correctly rounded sum of exact products a_k * b_k (each exact in 128 bits).
inline void sum_products(mpfr_ptr out, const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<mpfr_value> t;
  t.reserve(a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    t.emplace_back(128, a[i]);
    mpfr_mul_d(t.back(), t.back(), b[i], MPFR_RNDN);  // exact: 53 + 53 bits
  }
  std::vector<mpfr_ptr> ptrs = pointers(t);
  mpfr_sum(out, ptrs.data(), static_cast<unsigned long>(a.size()), MPFR_RNDN);
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
  std::vector<mpfr_value> t;
  t.reserve(n + 1);
  for (const double x : c) t.emplace_back(64, x);
  t.emplace_back(mpfr_get_prec(exact));
  mpfr_neg(t.back(), exact, MPFR_RNDN);
  std::vector<mpfr_ptr> ptrs = pointers(t);
  mpfr_value d(64);
  mpfr_sum(d, ptrs.data(), static_cast<unsigned long>(n + 1), MPFR_RNDN);
  mpfr_div(d, d, exact, MPFR_RNDN);
  return std::fabs(mpfr_get_d(d, MPFR_RNDN));
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
