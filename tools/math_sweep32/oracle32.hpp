// tools/math_sweep32/oracle32.hpp: a cheap binary32 oracle for exp, log, tanh, logistic,
// exp2, expm1, log2, log1p, sin, cos and erf in the six deterministic modes, independent of
// floatlab (glibc in double, MPFR where that cannot decide).
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
// transcendental: Lindemann-Weierstrass), so the loop ends. (Termination is all that rests
// on this: an input left undecided at 8192 bits gives NaN, which the sweep reports.)
//
// Session 11: seven more functions (exp2, expm1, log2, log1p, sin, cos, erf: the glibc manual
// lists errors of a few ulps for them in double on x86-64, and the margin allows 2^12 ulps;
// MPFR's mpfr_exp2 ... mpfr_erf are correctly rounded), the exact cases first in every mode
// (exact_case: exp2 of an integer, log2 of a power of two, the zero / one arguments; one of
// them, exp2(-150) = 2^-150, is a midpoint: round_exact), and the other modes (`rmode`):
// toward zero, upward, downward and round to odd need the two floats around f(x), not the
// midpoints. The same two steps give them: f(x) lies in [y - m, y + m] (glibc) or in MPFR's
// enclosure; RD of the lower end and RU of the upper end (formed exactly: round_down /
// round_up, mpfr_get_flt with MPFR_RNDD / MPFR_RNDU) are two consecutive floats (FLT_MAX and
// inf, 0 and 2^-149 included) or the step declines; f(x) lies strictly between them and the
// mode picks one (pick). nearest-away equals nearest-even outside the exact cases (they
// differ only on an exact midpoint). The bands where f(x) is closer to a float than any
// margin (1 + x, x - x^3/3, 1/2 + x/4 for tiny x; 1 - 2e^-2x for large x; overflow and
// underflow) are bracketed first by elementary inequalities (bracket_by_inequality).
//
// tests/test_math.cpp checks both steps against the test suite's own MPFR oracle, every mode.
#pragma once

#include <mpfr.h>

#include <cmath>
#include <cstdint>
#include <cstring>

namespace sweep32 {

// The first four since session 4; the other seven since session 11.
enum class fn { exp, log, tanh, logistic, exp2, expm1, log2, log1p, sin, cos, erf };
inline constexpr fn all_fns[] = {fn::exp,  fn::log,   fn::tanh, fn::logistic, fn::exp2, fn::expm1,
                                 fn::log2, fn::log1p, fn::sin,  fn::cos,      fn::erf};
inline const char* name(fn f) {
  static const char* n[] = {"exp", "log", "tanh", "logistic", "exp2", "expm1", "log2", "log1p", "sin", "cos", "erf"};
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
    case fn::exp2: return std::exp2(x);
    case fn::expm1: return std::expm1(x);
    case fn::log2: return std::log2(x);
    case fn::log1p: return std::log1p(x);
    case fn::sin: return std::sin(x);
    case fn::cos: return std::cos(x);
    case fn::erf: return std::erf(x);
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

// Exact results (IEEE 754 9.2, the zero / one arguments, exp2 of an integer, log2 of a power
// of two), as a double (every one is a double); decided = false otherwise. round_exact rounds
// them in the mode (exp2(-150) = 2^-150 is the one exact midpoint: 0 or 2^-149).
struct exact_value {
  bool decided;
  double value;
};
inline exact_value exact_case(fn f, float x) {
  if (std::isnan(x)) return {true, NAN};
  const bool integer = std::isfinite(x) && x == std::trunc(x);
  switch (f) {
    case fn::exp:
    case fn::exp2:
      if (x == 0) return {true, 1.0};
      if (std::isinf(x)) return {true, x > 0 ? INFINITY : 0.0};
      if (f == fn::exp2 && integer && x >= -1074 && x <= 1023) return {true, std::ldexp(1.0, static_cast<int>(x))};
      break;
    case fn::log:
    case fn::log2:
      if (x == 1) return {true, 0.0};
      if (x == 0) return {true, -INFINITY};
      if (x < 0) return {true, NAN};
      if (std::isinf(x)) return {true, INFINITY};
      if (f == fn::log2) {
        int e = 0;
        if (std::frexp(x, &e) == 0.5f) return {true, static_cast<double>(e - 1)};  // x = 2^(e-1)
      }
      break;
    case fn::expm1:
      if (x == 0) return {true, x};  // signed zero
      if (std::isinf(x)) return {true, x > 0 ? INFINITY : -1.0};
      break;
    case fn::log1p:
      if (x == 0) return {true, x};
      if (x == -1) return {true, -INFINITY};
      if (x < -1) return {true, NAN};
      if (std::isinf(x)) return {true, INFINITY};
      break;
    case fn::tanh:
    case fn::erf:
      if (x == 0) return {true, x};
      if (std::isinf(x)) return {true, x > 0 ? 1.0 : -1.0};
      break;
    case fn::sin:
      if (x == 0) return {true, x};
      if (std::isinf(x)) return {true, NAN};
      break;
    case fn::cos:
      if (x == 0) return {true, 1.0};
      if (std::isinf(x)) return {true, NAN};
      break;
    case fn::logistic:
      if (x == 0) return {true, 0.5};
      if (std::isinf(x)) return {true, x > 0 ? 1.0 : 0.0};
      break;
  }
  return {false, 0};
}

// An exact double v rounded to binary32 in mode m (NaN, infinities and floats pass through).
inline float round_exact(double v, rmode m) {
  if (std::isnan(v)) return NAN;
  const float below = round_down(v), above = round_up(v);
  if (below == above || std::isinf(v)) return static_cast<float>(v);  // a float (keeps the zero's sign)
  switch (m) {
    case rmode::nearest_even: return static_cast<float>(v);
    case rmode::nearest_away: {
      if (std::isinf(below) || std::isinf(above)) return static_cast<float>(v);  // beyond FLT_MAX: as RN
      const double lo = v - below, hi = above - v;                               // exact: floats next to v
      return lo < hi ? below : hi < lo ? above : (v > 0 ? above : below);
    }
    default: return pick(bracket{true, below, above}, m);
  }
}

// The bands bracketed by inequalities (finite x, no exact case). gap: the float gap on either
// side of a normal x is more than 2^-24 |x|, so a value within 2^-24 |x| of x on one side lies
// between x and its neighbour on that side (for subnormal x the gap is 2^-149, wider still).
//   exp, exp2: 0 < x < 2^-30: 1 < 2^x <= e^x < 1 + x + x^2 < 1 + 2^-23; -2^-30 < x < 0:
//         1 - 2^-24 < 1 + x < e^x <= 2^x < 1; x > 89 (exp) / >= 128 (exp2, x not exact... 2^128
//         and above are not floats): overflow; x < -200 (exp) / < -151 (exp2): 0 < f < 2^-150.
//   expm1: 0 < |x| < 2^-26: x < expm1 x < x + x^2 (x > 0), x < expm1 x < x + x^2/2 (x < 0):
//         between x and its neighbour above; x > 89: overflow; x <= -20: -1 < expm1 x < -1 + 2^-28.
//   log1p: 0 < |x| < 2^-26: x - x^2 < log1p x < x: between x and its neighbour below.
//   tanh, sin: 0 < |x| < 2^-12: |x| - |x|^3/3 < |f| < |x| and |x|^3/3 < 2^-24 |x|: between x and
//         its neighbour toward 0; tanh |x| >= 10: 0 < 1 - |tanh x| = 2 / (e^2|x| + 1) < 2^-27.
//   cos: 0 < |x| <= 2^-12: 1 - 2^-24 < 1 - x^2/2 < cos x < 1.
//   erf: |x| >= 4: 0 < 1 - |erf x| = erfc |x| < erfc 4 < 1.6e-8 < 2^-24.
//   logistic: 0 < x < 2^-30: 1/2 < logistic x = 1/2 + tanh(x/2)/2 < 1/2 + x/4 < 1/2 + 2^-24;
//         -2^-30 < x < 0: 1/2 - 2^-25 < 1/2 - |x|/4 < logistic x < 1/2; x >= 20: 0 < 1 -
//         logistic x = 1 / (1 + e^x) < 2^-28 < 2^-24; x < -200: 0 < logistic x < e^x < 2^-149.
inline bracket bracket_by_inequality(fn f, float x) {
  constexpr float one_below = 1.0f - 0x1p-24f, max = 3.40282347e38f;
  const float ax = std::fabs(x);
  const float toward0 = std::nextafter(x, 0.0f), away = std::nextafter(x, x > 0 ? INFINITY : -INFINITY);
  const bracket below_x = x > 0 ? bracket{true, toward0, x} : bracket{true, away, x};  // f just below x
  const bracket above_x = x > 0 ? bracket{true, x, away} : bracket{true, x, toward0};  // f just above x
  const bracket inside_x = x > 0 ? below_x : above_x;                                  // |f| just below |x|
  const bracket one_minus = x > 0 ? bracket{true, one_below, 1.0f} : bracket{true, -1.0f, -one_below};
  switch (f) {
    case fn::exp:
    case fn::exp2:
      if (x > 0 && x < 0x1p-30f) return {true, 1.0f, 1.0f + 0x1p-23f};
      if (x < 0 && x > -0x1p-30f) return {true, one_below, 1.0f};
      if (f == fn::exp ? x > 89 : x >= 128) return {true, max, INFINITY};
      if (f == fn::exp ? x < -200 : x < -151) return {true, 0.0f, 0x1p-149f};
      break;
    case fn::expm1:
      if (ax < 0x1p-26f) return above_x;
      if (x > 89) return {true, max, INFINITY};
      if (x <= -20) return {true, -1.0f, -one_below};
      break;
    case fn::log1p:
      if (ax < 0x1p-26f) return below_x;
      break;
    case fn::log:
    case fn::log2: break;
    case fn::tanh:
      if (ax < 0x1p-12f) return inside_x;
      if (ax >= 10) return one_minus;
      break;
    case fn::sin:
      if (ax < 0x1p-12f) return inside_x;
      break;
    case fn::cos:
      if (ax <= 0x1p-12f) return {true, one_below, 1.0f};
      break;
    case fn::erf:
      if (ax >= 4) return one_minus;
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
    case fn::exp2: mpfr_exp2(v, a, MPFR_RNDN); return;
    case fn::expm1: mpfr_expm1(v, a, MPFR_RNDN); return;
    case fn::log2: mpfr_log2(v, a, MPFR_RNDN); return;
    case fn::log1p: mpfr_log1p(v, a, MPFR_RNDN); return;
    case fn::sin: mpfr_sin(v, a, MPFR_RNDN); return;
    case fn::cos: mpfr_cos(v, a, MPFR_RNDN); return;
    case fn::erf: mpfr_erf(v, a, MPFR_RNDN); return;
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
      mpfr_clear(a);
      return result;
    }
  }
  mpfr_clear(a);
  return NAN;  // undecided at 8192 bits (never seen): the sweep reports it as a mismatch
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
  const exact_value e = exact_case(f, x);
  if (e.decided) return round_exact(e.value, m);
  if (is_nearest(m)) return mpfr_reference(f, x);
  const bracket q = bracket_by_inequality(f, x);
  const bracket b = q.decided ? q : mpfr_bracket(f, x);
  return b.decided ? pick(b, m) : NAN;
}

// The oracle in mode m: exact cases, the inequality bands, the glibc step, else MPFR.
inline float reference(fn f, float x, rmode m, bool& used_mpfr) {
  used_mpfr = false;
  const exact_value e = exact_case(f, x);
  if (e.decided) return round_exact(e.value, m);
  if (is_nearest(m)) return reference(f, x, used_mpfr);
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
