// tools/accuracy/exact.hpp: exact references in MPFR.
//
// A sum of doubles (or of products of two doubles) is exact in MPFR when the precision
// covers every bit position its terms touch, plus carries: exact_bits_for() computes that
// from the data (4400 bits cover any double products, 2^-2148 .. 2^2048). Each result of
// the tool is compared to that exact value; the relative error is computed in MPFR too,
// and only then rounded to double.
#pragma once

#include <mpfr.h>

#include <cmath>
#include <cstddef>

namespace flacc {

inline constexpr mpfr_prec_t exact_bits = 4400;

// Bits that make the sum of n terms x[i] (or x[i] * y[i]) exact: from the top of the
// largest term (+ log2 n carries) down to the last bit of the smallest.
inline mpfr_prec_t exact_bits_for(const double* x, const double* y, std::size_t n) {
  int hi = -100000, lo = 100000;
  for (std::size_t i = 0; i < n; ++i) {
    if (x[i] == 0 || (y && y[i] == 0) || !std::isfinite(x[i]) || (y && !std::isfinite(y[i]))) continue;
    const int ex = std::ilogb(x[i]), ey = y ? std::ilogb(y[i]) : 0;
    const int top = y ? ex + ey + 2 : ex + 1;
    const int bottom = y ? ex + ey - 106 : ex - 53;  // subnormal doubles have fewer bits: covered
    hi = top > hi ? top : hi;
    lo = bottom < lo ? bottom : lo;
  }
  if (hi < lo) return 64;
  const mpfr_prec_t bits = static_cast<mpfr_prec_t>(hi - lo) + 72 + static_cast<mpfr_prec_t>(std::log2(double(n) + 1));
  return bits < exact_bits ? bits : exact_bits;
}

class exact_sum {
 public:
  explicit exact_sum(mpfr_prec_t bits = exact_bits) {
    mpfr_init2(s_, bits);
    mpfr_init2(p_, 128);
    mpfr_init2(t_, bits);
    mpfr_set_zero(s_, 1);
  }
  ~exact_sum() {
    mpfr_clear(s_);
    mpfr_clear(p_);
    mpfr_clear(t_);
  }
  exact_sum(const exact_sum&) = delete;
  exact_sum& operator=(const exact_sum&) = delete;
  void clear() { mpfr_set_zero(s_, 1); }
  void add(double x) { mpfr_add_d(s_, s_, x, MPFR_RNDN); }  // exact at exact_bits
  void add_product(double a, double b) {
    mpfr_set_d(p_, a, MPFR_RNDN);
    mpfr_mul_d(p_, p_, b, MPFR_RNDN);  // exact: 53 + 53 <= 128 bits
    mpfr_add(s_, s_, p_, MPFR_RNDN);
  }
  double value() const { return mpfr_get_d(s_, MPFR_RNDN); }
  float value_float() const { return mpfr_get_flt(s_, MPFR_RNDN); }
  // |computed - exact| as a double (computed given as up to 4 terms), and that over |exact|.
  double abs_error(const double* terms, int count) const {
    mpfr_set(t_, s_, MPFR_RNDN);
    for (int i = 0; i < count; ++i) mpfr_sub_d(t_, t_, terms[i], MPFR_RNDN);
    return std::fabs(mpfr_get_d(t_, MPFR_RNDN));
  }
  double rel_error(const double* terms, int count) const {
    mpfr_set(t_, s_, MPFR_RNDN);
    for (int i = 0; i < count; ++i) mpfr_sub_d(t_, t_, terms[i], MPFR_RNDN);
    mpfr_div(t_, t_, s_, MPFR_RNDN);
    return std::fabs(mpfr_get_d(t_, MPFR_RNDN));
  }

 private:
  mpfr_t s_, p_;
  mutable mpfr_t t_;
};

}  // namespace flacc
