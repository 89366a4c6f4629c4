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

// The deterministic modes of floatlab (include/floatlab/rounding.hpp).
enum class rmode { nearest_even, nearest_away, toward_zero, upward, downward, odd };
inline constexpr rmode all_modes[] = {rmode::nearest_even, rmode::nearest_away, rmode::toward_zero,
                                      rmode::upward,       rmode::downward,     rmode::odd};
inline const char* name(rmode m) {
  static const char* n[] = {"nearest_even", "nearest_away", "toward_zero", "upward", "downward", "odd"};
  return n[static_cast<int>(m)];
}
inline bool is_nearest(rmode m) { return m == rmode::nearest_even || m == rmode::nearest_away; }

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

// ---- the other modes ------------------------------------------------------------------------
// RD and RU of a double as floats, exactly: the nearest float, moved one step if it lies on
// the wrong side (nextafterf: inf -> FLT_MAX, 0 -> +-2^-149).
inline float round_down(double y) {
  const float c = static_cast<float>(y);
  return static_cast<double>(c) > y ? std::nextafter(c, -INFINITY) : c;
}
inline float round_up(double y) {
  const float c = static_cast<float>(y);
  return static_cast<double>(c) < y ? std::nextafter(c, INFINITY) : c;
}

// Two consecutive floats below < f(x) < above (f(x) strictly between: it is no float).
struct bracket {
  bool decided;
  float below, above;
};
inline bool consecutive(float below, float above) { return std::nextafter(below, INFINITY) == above; }

// The directed rounding of a value strictly between the consecutive floats b.below, b.above.
inline float pick(const bracket& b, rmode m) {
  const bool neg = b.above <= 0;  // the value's sign (no value lies between -0 and +0)
  switch (m) {
    case rmode::downward: return b.below;
    case rmode::upward: return b.above;
    case rmode::toward_zero: return neg ? b.above : b.below;
    case rmode::odd: return (bits_of(b.below) & 1) != 0 ? b.below : b.above;  // exactly one is odd
    default: return NAN;                                                      // the nearest modes: midpoints
  }
}

// Exact results (IEEE 754 9.2 and the zero / one arguments), any mode; decided = false otherwise.
inline decision exact_case(fn f, float x) {
  if (std::isnan(x)) return {true, NAN};
  switch (f) {
    case fn::exp:
      if (x == 0) return {true, 1.0f};
      if (std::isinf(x)) return {true, x > 0 ? x : 0.0f};
      break;
    case fn::log:
      if (x == 1) return {true, 0.0f};
      if (x == 0) return {true, -INFINITY};
      if (x < 0) return {true, NAN};
      if (std::isinf(x)) return {true, x};
      break;
    case fn::tanh:
      if (x == 0) return {true, x};  // signed zero
      if (std::isinf(x)) return {true, x > 0 ? 1.0f : -1.0f};
      break;
    case fn::logistic:
      if (x == 0) return {true, 0.5f};
      if (std::isinf(x)) return {true, x > 0 ? 1.0f : 0.0f};
      break;
  }
  return {false, 0};
}

// The bands bracketed by inequalities (finite x, no exact case):
//   exp:  0 < x < 2^-30: 1 < e^x < 1 + x + x^2 < 1 + 2^-23; -2^-30 < x < 0: 1 - 2^-24 < 1 + x < e^x < 1;
//         x > 89: e^x > 2^128 (overflow); x < -200: 0 < e^x < 2^-288 < 2^-149.
//   tanh: 0 < |x| < 2^-12: |x| - |x|^3/3 < |tanh x| < |x| and |x|^3/3 < 2^-24 |x| <= the gap
//         below |x| (also for subnormal x), so tanh x lies between x and its neighbour toward 0;
//         |x| >= 10: 0 < 1 - |tanh x| = 2 / (e^2|x| + 1) < 2^-27 < 2^-24.
//   logistic: 0 < x < 2^-30: 1/2 < logistic x = 1/2 + tanh(x/2)/2 < 1/2 + x/4 < 1/2 + 2^-24;
//         -2^-30 < x < 0: 1/2 - 2^-25 < 1/2 - |x|/4 < logistic x < 1/2; x >= 20: 0 < 1 -
//         logistic x = 1 / (1 + e^x) < 2^-28 < 2^-24; x < -200: 0 < logistic x < e^x < 2^-149.
inline bracket bracket_by_inequality(fn f, float x) {
  constexpr float one_below = 1.0f - 0x1p-24f, max = 3.40282347e38f;
  const float ax = std::fabs(x);
  switch (f) {
    case fn::exp:
      if (x > 0 && x < 0x1p-30f) return {true, 1.0f, 1.0f + 0x1p-23f};
      if (x < 0 && x > -0x1p-30f) return {true, one_below, 1.0f};
      if (x > 89) return {true, max, INFINITY};
      if (x < -200) return {true, 0.0f, 0x1p-149f};
      break;
    case fn::log: break;
    case fn::tanh:
      if (ax < 0x1p-12f) {
        const float inner = std::nextafter(x, 0.0f);  // the neighbour toward 0 (+-0 for +-2^-149)
        return x > 0 ? bracket{true, inner, x} : bracket{true, x, inner};
      }
      if (ax >= 10) return x > 0 ? bracket{true, one_below, 1.0f} : bracket{true, -1.0f, -one_below};
      break;
    case fn::logistic:
      if (x > 0 && x < 0x1p-30f) return {true, 0.5f, 0.5f + 0x1p-24f};
      if (x < 0 && x > -0x1p-30f) return {true, 0.5f - 0x1p-25f, 0.5f};
      if (x >= 20) return {true, one_below, 1.0f};
      if (x < -200) return {true, 0.0f, 0x1p-149f};
      break;
  }
  return {false, 0, 0};
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

// The glibc step for the other modes: RD(y - m), RU(y + m) (the differences rounded to
// nearest in double: an error of 2^-53 |y|, far inside the margin's slack). Declines unless
// they are consecutive floats.
inline bracket fast_bracket(fn f, float xf) {
  const double y = libm_value(f, xf);
  if (!std::isfinite(y) || y == 0) return {false, 0, 0};
  const double r = std::fabs(y) * margin;
  const float below = round_down(y - r), above = round_up(y + r);
  return {consecutive(below, above), below, above};
}

// The MPFR step for the other modes: the enclosure of mpfr_reference, its ends rounded down and
// up by mpfr_get_flt (subnormals and overflow included), accepted when consecutive.
inline bracket mpfr_bracket(fn f, float xf, int* precision_used = nullptr) {
  if (precision_used) *precision_used = 0;
  mpfr_t a, v, lo, hi;
  mpfr_init2(a, 24);
  mpfr_set_flt(a, xf, MPFR_RNDN);  // exact
  bracket b{false, 0, 0};
  for (int p = 64; p <= 8192 && !b.decided; p *= 2) {
    mpfr_inits2(p, v, (mpfr_ptr) nullptr);
    mpfr_inits2(p + 8, lo, hi, (mpfr_ptr) nullptr);
    mpfr_eval(f, v, a);
    if (mpfr_regular_p(v)) {  // always, for the arguments that reach this step
      mpfr_abs(lo, v, MPFR_RNDN);
      mpfr_mul_2si(lo, lo, 4 - p, MPFR_RNDN);
      mpfr_add(hi, v, lo, MPFR_RNDU);
      mpfr_sub(lo, v, lo, MPFR_RNDD);
      const float below = mpfr_get_flt(lo, MPFR_RNDD), above = mpfr_get_flt(hi, MPFR_RNDU);
      b = {consecutive(below, above), below, above};
      if (b.decided && precision_used) *precision_used = p;
    }
    mpfr_clears(v, lo, hi, (mpfr_ptr) nullptr);
  }
  mpfr_clear(a);
  return b;
}

// The binary32 value of f(x) in mode m by MPFR (no glibc step): for the cross-checks.
inline float mpfr_reference(fn f, float x, rmode m) {
  if (is_nearest(m)) return mpfr_reference(f, x);
  const decision e = exact_case(f, x);
  if (e.decided) return e.value;
  const bracket q = bracket_by_inequality(f, x);
  const bracket b = q.decided ? q : mpfr_bracket(f, x);
  return b.decided ? pick(b, m) : NAN;
}

// The oracle in mode m: exact cases, the inequality bands, the glibc step, else MPFR.
inline float reference(fn f, float x, rmode m, bool& used_mpfr) {
  if (is_nearest(m)) return reference(f, x, used_mpfr);
  used_mpfr = false;
  const decision e = exact_case(f, x);
  if (e.decided) return e.value;
  bracket b = bracket_by_inequality(f, x);
  if (!b.decided) b = fast_bracket(f, x);
  if (!b.decided) {
    used_mpfr = true;
    b = mpfr_bracket(f, x);
  }
  return b.decided ? pick(b, m) : NAN;  // NaN: undecided (never seen), reported as a mismatch
}

// Same result: equal bits, or both NaN.
inline bool same(float a, float b) { return (std::isnan(a) && std::isnan(b)) || bits_of(a) == bits_of(b); }

}  // namespace sweep32
