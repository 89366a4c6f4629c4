// tools/math_sweep32/oracle32.hpp: a cheap binary32 nearest-even oracle for exp, log, tanh
// and logistic, independent of floatlab (glibc in double, MPFR where that cannot decide).
//
// Step 1 (fast_decide): y = the function in double by glibc (exp, log, tanh; logistic as
// 1/(1 + e^-x) for x >= 0 and e^x/(1 + e^x) for x < 0). glibc documents its maximum errors
// (manual, "Known Maximum Errors in Math Functions": exp, log 1 ulp, tanh 2 ulps on x86-64;
// the logistic formula adds two more roundings: <= 5 ulps in all), so |y - f(x)| <=
// 5 * 2^-52 |y| < 2^-49 |y| whenever y is a normal double. The oracle assumes the much
// larger margin m = 2^-40 |y|: if [y - m, y + m] holds no binary32 rounding boundary (the
// midpoints between the float nearest to y and its two neighbours, the overflow threshold
// 2^128 - 2^103 included), f(x) rounds to the same float as y, and that float is returned.
// The midpoints are formed in double from the floats themselves, so they are absolute in
// the subnormal range (spacing 2^-149) exactly as in the normal range.
// Cases where y is not a normal double are exact or decided beforehand: NaN in, NaN out;
// +-inf, +-0 and log(1) = 0 are exact in glibc (IEEE 754 9.2); exp(x) and logistic(x) for
// x < -200 are below 2^-288, under half the smallest subnormal: +0.
//
// Step 2 (mpfr_reference): the undecided inputs. f(x) at P bits by MPFR (exp, log, tanh
// correctly rounded to P bits: error <= 2^-P relative; logistic = 1/(1 + e^-x) in three
// correctly rounded steps: < 2^(2-P)), rounded to binary32 by mpfr_get_flt (correct,
// subnormals included), accepted when the enclosure [v - 2^(4-P)|v|, v + 2^(4-P)|v|] holds
// none of that float's midpoints; otherwise P doubles (64, 128, ..., 8192). No binary32
// midpoint is ever hit exactly (e^x, log x, tanh x, logistic x of a nonzero rational are
// transcendental: Lindemann-Weierstrass), so the loop ends.
//
// tests/test_math_sweep32.cpp checks both steps against the test suite's own MPFR oracle.
#pragma once

#include <mpfr.h>

#include <cmath>
#include <cstdint>
#include <cstring>

namespace sweep32 {

enum class fn { exp, log, tanh, logistic };
inline constexpr fn all_fns[] = {fn::exp, fn::log, fn::tanh, fn::logistic};
inline const char* name(fn f) {
  static const char* n[] = {"exp", "log", "tanh", "logistic"};
  return n[static_cast<int>(f)];
}

inline float float_of(std::uint32_t b) {
  float x;
  std::memcpy(&x, &b, 4);
  return x;
}
inline std::uint32_t bits_of(float x) {
  std::uint32_t b;
  std::memcpy(&b, &x, 4);
  return b;
}

// The rounding boundaries next to the float c: lo < c's rounding cell < hi, in double.
struct boundaries {
  double lo, hi;
};
inline boundaries midpoints(float c) {
  constexpr double two128 = 0x1p128;
  if (std::isinf(c)) {                                 // the cell of +-inf: beyond the overflow threshold
    const double t = (0x1.fffffep127 + two128) * 0.5;  // FLT_MAX + half its ulp
    return c > 0 ? boundaries{t, INFINITY} : boundaries{-INFINITY, -t};
  }
  const float below = std::nextafter(c, -INFINITY), above = std::nextafter(c, INFINITY);
  const double b = std::isinf(below) ? -two128 : static_cast<double>(below);
  const double a = std::isinf(above) ? two128 : static_cast<double>(above);
  const double cd = c;
  return {(cd + b) * 0.5, (cd + a) * 0.5};  // exact: 24-bit values, close exponents
}

struct decision {
  bool decided;
  float value;  // the nearest-even binary32 result when decided
};

// glibc's value in double (see the header comment).
inline double libm_value(fn f, double x) {
  switch (f) {
    case fn::exp: return std::exp(x);
    case fn::log: return std::log(x);
    case fn::tanh: return std::tanh(x);
    case fn::logistic:
      if (x >= 0) return 1.0 / (1.0 + std::exp(-x));
      {
        const double e = std::exp(x);
        return e / (1.0 + e);
      }
  }
  return NAN;
}

inline constexpr double margin = 0x1p-40;

inline decision fast_decide(fn f, float xf) {
  if (std::isnan(xf)) return {true, NAN};
  const double x = xf;
  if ((f == fn::exp || f == fn::logistic) && x < -200) return {true, 0.0f};
  const double y = libm_value(f, x);
  if (std::isnan(y) || std::isinf(y) || y == 0) return {true, static_cast<float>(y)};  // exact
  const float c = static_cast<float>(y);  // round to nearest even (SSE, no flush to zero)
  const boundaries m = midpoints(c);
  const double r = std::fabs(y) * margin;
  if (y - r > m.lo && y + r < m.hi) return {true, c};  // y -+ r: rounding errors far below r
  return {false, c};
}

// f(x) at the working precision of v (x exact in a).
inline void mpfr_eval(fn f, mpfr_ptr v, mpfr_srcptr a) {
  switch (f) {
    case fn::exp: mpfr_exp(v, a, MPFR_RNDN); return;
    case fn::log: mpfr_log(v, a, MPFR_RNDN); return;
    case fn::tanh: mpfr_tanh(v, a, MPFR_RNDN); return;
    case fn::logistic:
      mpfr_neg(v, a, MPFR_RNDN);  // exact
      mpfr_exp(v, v, MPFR_RNDN);
      mpfr_add_ui(v, v, 1, MPFR_RNDN);
      mpfr_ui_div(v, 1, v, MPFR_RNDN);
      return;
  }
}

// The nearest-even binary32 value of f(x) by MPFR alone (any x). precision_used: the P
// that decided (0 for NaN, infinite or zero results, which are exact here).
inline float mpfr_reference(fn f, float xf, int* precision_used = nullptr) {
  if (precision_used) *precision_used = 0;
  if (std::isnan(xf)) return NAN;
  mpfr_t a, v, lo, hi;
  mpfr_init2(a, 24);
  mpfr_set_flt(a, xf, MPFR_RNDN);  // exact
  float result = NAN;
  for (int p = 64; p <= 8192; p *= 2) {
    mpfr_inits2(p, v, (mpfr_ptr) nullptr);
    mpfr_inits2(p + 8, lo, hi, (mpfr_ptr) nullptr);
    mpfr_eval(f, v, a);
    result = mpfr_get_flt(v, MPFR_RNDN);
    // NaN, +-inf, +-0: exact, or an underflow to 0 / overflow to inf of MPFR's own exponent
    // range (|e| < 2^30), whose binary32 rounding is the same 0 / inf.
    const bool regular = mpfr_regular_p(v);
    bool done = !regular;
    if (regular) {
      mpfr_abs(lo, v, MPFR_RNDN);
      mpfr_mul_2si(lo, lo, 4 - p, MPFR_RNDN);  // the error radius 2^(4-P) |v|, exact
      mpfr_add(hi, v, lo, MPFR_RNDU);
      mpfr_sub(lo, v, lo, MPFR_RNDD);
      const boundaries m = midpoints(result);
      done = mpfr_cmp_d(lo, m.lo) > 0 && mpfr_cmp_d(hi, m.hi) < 0;
    }
    mpfr_clears(v, lo, hi, (mpfr_ptr) nullptr);
    if (done) {
      if (precision_used) *precision_used = regular ? p : 0;
      break;
    }
  }
  mpfr_clear(a);
  return result;
}

// The oracle: fast_decide, else MPFR. used_mpfr tells which.
inline float reference(fn f, float x, bool& used_mpfr) {
  const decision d = fast_decide(f, x);
  used_mpfr = !d.decided;
  return d.decided ? d.value : mpfr_reference(f, x);
}

// Same result: equal bits, or both NaN.
inline bool same(float a, float b) { return (std::isnan(a) && std::isnan(b)) || bits_of(a) == bits_of(b); }

}  // namespace sweep32
