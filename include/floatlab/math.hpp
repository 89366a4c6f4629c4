// floatlab/math.hpp: correctly rounded elementary and activation functions for every
// cfloat of up to 32 bits, in every rounding mode (stochastic<R> included).
//
//   exp exp2 expm1 log log2 log1p tanh erf sin cos, pow(x, y)
//   logistic (= sigmoid) softplus silu gelu (erf form) gelu_tanh (tanh form)
//   logistic_grad (= sigmoid_grad) tanh_grad softplus_grad (= logistic): training derivatives
// (activations.hpp: softmax, log_sum_exp, and silu/gelu derivatives built from these).
//
// Calling convention as for cfloat's arithmetic: f(x), f(x, mode), f(x, mode, rng), f(x, rng).
//
// Method: Ziv's strategy (A. Ziv, "Fast evaluation of elementary mathematical functions
// with correctly rounded last bit", ACM TOMS 17(3), 1991), the approach of CORE-MATH and,
// for a single polynomial per function, of RLIBM (Lim, Nagarakatte, "RLIBM-ALL: a novel
// polynomial approximation method to produce correctly rounded results for multiple
// representations and rounding modes", POPL 2022), which floatlab does not reproduce.
//   1. Special values, exact cases and the asymptotic regions (where the exact value is a
//      representable number plus an offset far below any bit that a rounding looks at) are
//      decided first, exactly (IEEE 754-2019 9.2; exact results never pass a rounding test).
//   2. The function is evaluated in double-word arithmetic (expansion<2, double>, u = 2^-53)
//      as y = v * 2^k with a proven relative error bound |y - f(x)| <= eps2 |y|; each kernel
//      derives its eps below from the generator's truncation bounds (detail/math_tables.hpp,
//      tools/gen_math) and the expansion operations' bounds (expansion.hpp: + 3u^2,
//      * 5u^2, * double 2u^2, / 9.8u^2 for N = 2; 4u^3 each for N = 3).
//   3. Rounding test: the target rounding needs the first q = p + R + 1 significant bits of
//      f(x) and whether f(x) is beyond them (p = precision, R = stochastic bits, 0 for the
//      deterministic modes; so q <= 24 + 32 + 1 = 57). If [y - eps|y|, y + eps|y|] lies
//      strictly inside one cell of the q-bit grid, the truncation T of f(x) to q bits is
//      known and f(x) != T; round_pack(T, sticky = 1) then rounds exactly as it would round
//      f(x) itself, in every mode (round to odd and stochastic<R> included: the R bits below
//      the last place are among the q bits).
//   4. Otherwise the same kernel runs in triple-double (expansion<3, double>, eps3) and the
//      test repeats. A third failure would mean f(x) within 2^-140 relative of a 57-bit
//      grid point; it is counted as unresolved (none was seen in any test) and rounded from
//      the triple-double value.
// Fallbacks are counted when FLOATLAB_MATH_COUNTERS is defined (host only, thread-local).
//
// Asymptotic cases use detail::near_value: f(x) = g + d with g a double, 0 < |d| < 2^-59 |g|;
// no q-bit grid point lies strictly between g and f(x) (the grid spacing next to g is at
// least 2^-57 |g|), so the truncation of f(x) is g or its predecessor, with sticky.
//
// Conventions beyond IEEE 754 9.2 (which does not list the activations): silu, gelu and
// gelu_tanh of -inf are -0 (the limit, from below); logistic(-inf) = +0, softplus(-inf) = +0.
// Formats without infinity give what their encoding gives for an infinite result (NaN or
// the saturated value), without NaN give +0 for NaN, exactly as cfloat arithmetic does.
#pragma once

#include "cfloat.hpp"
#include "detail/math_tables.hpp"
#include "expansion.hpp"
#include "status.hpp"
#include "view.hpp"

namespace floatlab {

#if defined(FLOATLAB_MATH_COUNTERS) && !FLOATLAB_DEVICE_PASS
// Test hook: how often the double-word step could not decide the rounding.
struct math_counter_values {
  unsigned long long calls = 0;        // evaluations that reached the rounding test
  unsigned long long short_misses = 0; // 16-bit formats (session 8): the short step declined or its test failed
  unsigned long long fast_misses = 0;  // ... where the double step's test failed (double-word next)
  unsigned long long fallbacks = 0;    // ... and the double-word step's test failed (triple-double next)
  unsigned long long unresolved = 0;   // ... and the triple-double step failed too
  unsigned long long lane_hits = 0;    // array forms: elements decided by the vector double step
  unsigned long long lane_misses =
      0;  // ... and elements sent to the scalar function (outside its range or test failed)
};
inline math_counter_values& math_counters() noexcept {
  static thread_local math_counter_values c;
  return c;
}
#define FLOATLAB_MATH_COUNT(field) (++::floatlab::math_counters().field)
#else
#define FLOATLAB_MATH_COUNT(field) ((void)0)
#endif

namespace detail::cr {

namespace tb = math_tables;

template <int N>
using X = expansion<N, double>;

template <int N>
struct scaled {  // the value v * 2^k
  X<N> v;
  int k;
};

// ---- double helpers (no <cmath>, device-safe) -----------------------------------------

FLOATLAB_HOST_DEVICE constexpr double pow2(int e) noexcept {  // -1022 <= e <= 1023
  return bit_cast<double>(static_cast<std::uint64_t>(e + 1023) << 52);
}
// v * 2^e, exact unless the result leaves the normal range; |e| <= 3000.
FLOATLAB_HOST_DEVICE constexpr double scale2(double v, int e) noexcept {
  while (e > 1000) {
    v *= pow2(1000);
    e -= 1000;
  }
  while (e < -1000) {
    v *= pow2(-1000);
    e += 1000;
  }
  return v * pow2(e);
}
// Exponent of a normal double: v in [2^e, 2^(e+1)).
FLOATLAB_HOST_DEVICE constexpr int exponent_of(double v) noexcept {
  return static_cast<int>((bit_cast<std::uint64_t>(v) >> 52) & 0x7FF) - 1023;
}
// |v| by clearing the sign bit (session 6): v < 0 ? -v : v differs from it at -0 and NaN, so GCC
// kept it a branch on the sign, mispredicted on every other call over mixed signs. Every use
// here is a comparison or the magnitude of a nonzero value, where the two agree.
FLOATLAB_HOST_DEVICE constexpr double fabs_d(double v) noexcept {
  return bit_cast<double>(bit_cast<std::uint64_t>(v) & 0x7FFFFFFFFFFFFFFFull);
}
// Nearest integer (ties either way) of |t| < 2^50, by the 1.5 * 2^52 shifter.
FLOATLAB_HOST_DEVICE double nearest_int(double t) noexcept {
  constexpr double shifter = 0x1.8p52;
  return opaque(t + shifter) - shifter;
}

template <int N, int K>
FLOATLAB_HOST_DEVICE constexpr X<N> cst(const double (&c)[K]) noexcept {
  static_assert(N <= K, "constant has too few terms");
  double a[N] = {};
  for (int i = 0; i < N; ++i) a[i] = c[i];
  return X<N>::from_array(a);
}
template <int N>
FLOATLAB_HOST_DEVICE constexpr X<N> cst3(const double (&c)[3]) noexcept {
  double a[N] = {};
  for (int i = 0; i < N && i < 3; ++i) a[i] = c[i];
  return X<N>::from_array(a);
}
template <int N>
FLOATLAB_HOST_DEVICE constexpr X<N> scale_x(const X<N>& x, int e) noexcept {  // exact (no underflow)
  double a[N] = {};
  const double s = pow2(e);
  for (int i = 0; i < N; ++i) a[i] = x[i] * s;
  return X<N>::from_array(a);
}

// ---- kernels ------------------------------------------------------------------------------
// Each returns f as v * 2^k. Error bounds are relative, in u = 2^-53, for N = 2 (the N = 3
// bounds follow by replacing each operation's u^2 constant by 4u^3; each is listed).

// e^r - 1 for |r| <= ln2/128 + 2^-40: Taylor of degree 11 (N = 2) / 15 (N >= 3), Horner.
// Truncation 2^-119.1 / 2^-164.7 absolute (generator). Horner: each step costs * 5u^2 and
// + 3u^2 relative, and |q r| <= 2^-7.5 |q_n| damps earlier errors: 8.1u^2 on q, 13.1u^2 on q r.
template <int N>
FLOATLAB_HOST_DEVICE X<N> expm1_reduced(const X<N>& r) noexcept {
  constexpr int D = N == 2 ? 11 : 15;
  X<N> q = cst3<N>(tb::inv_fact[D]);
  for (int n = D - 1; n >= 1; --n) q = q * r + cst3<N>(tb::inv_fact[n]);
  return q * r;
}

// e^x for an expansion x, |x| <= 2000: x = (64 k + j) ln2/64 + r, e^x = 2^k 2^(j/64) e^r.
// Reduction: n ln2_64 with the constant in N+1 terms, the first N products exact (two_prod),
// so r is off by <= 3u^2 |r| per subtraction (+ 2^-150 from the last term): < 0.1u^2
// absolute. v = T_j + T_j (e^r - 1): 13.1u^2 + 5u^2 on the small term (<= 2^-7.5 of v),
// + 3u^2, table T_j 2^-106: total |v - e^x 2^-k| <= 5u^2 |v| (2^-103.6) for exact x;
// N = 3: 6u^3 (2^-156.4). An error d of x itself adds |x| d.
template <int N>
FLOATLAB_HOST_DEVICE scaled<N> exp_finish(const X<N>& r, int n) noexcept {
  const int j = n & 63;
  const int k = (n - j) / 64;
  const X<N> t = cst3<N>(tb::exp2_64[j]);
  return {t + t * expm1_reduced<N>(r), k};
}
template <int N>
FLOATLAB_HOST_DEVICE scaled<N> exp_core(const X<N>& x) noexcept {
  const double nd = nearest_int(x[0] * tb::inv_ln2_64);
  X<N> r = x;
  constexpr int exact_terms = N < 3 ? N : 3;
  for (int i = 0; i < exact_terms; ++i) r = r - exact_product<N>(nd, tb::ln2_64[i]);
  r = r - X<N>(nd * tb::ln2_64[exact_terms]);
  return exp_finish<N>(r, static_cast<int>(nd));
}
// 2^x, x double: x = n/64 + f exactly (|f| <= 1/128), r = f ln2 (2u^2 + 2^-159 relative,
// |r| <= 2^-7.5): the same 5u^2 / 6u^3 as exp_core.
template <int N>
FLOATLAB_HOST_DEVICE scaled<N> exp2_core(double x) noexcept {
  const double nd = nearest_int(x * 64);
  const double f = x - nd * 0.015625;  // exact: nd/64 is within 1/128 of x
  return exp_finish<N>(cst<N>(tb::ln2) * f, static_cast<int>(nd));
}

// log(1 + t) for |t| <= 1/16 (+ 2^-40): 2 atanh(s), s = t/(2 + t), |s| <= 1/31; terms
// i = 0..10 (N = 2) / 0..14 (N = 3), truncation <= 2^-113 / 2^-153 relative (generator,
// checked for the larger counts 11/16 and the same s). s: 3u^2 + 9.8u^2; s^2: 31u^2;
// P(s^2) by Horner 8.1u^2; 2sP: + 5u^2: 26.2u^2 (2^-101.3) plus the relative error of t;
// N = 3: 26u^3.
template <int N>
FLOATLAB_HOST_DEVICE X<N> log1p_small(const X<N>& t) noexcept {
  constexpr int D = N == 2 ? 10 : 14;
  const X<N> s = t / (t + 2.0);
  const X<N> s2 = s * s;
  X<N> p = cst3<N>(tb::inv_odd[D]);
  for (int i = D - 1; i >= 0; --i) p = p * s2 + cst3<N>(tb::inv_odd[i]);
  return scale_x<N>(s * p, 1);
}

// log x for an expansion x > 0 (normal double range). Near 1 (|x0 - 1| < 1/16): log1p_small
// of t = x - 1 (3u^2): 29.2u^2. Elsewhere x = 2^e m, m in [0.6875, 1.4375), cell j of the
// table: t = m r_j - 1 (|t| <= 0.0118; m r_j: 2u^2, - 1: 3u^2 |t|), log x = e ln2 + (-log r_j)
// + log1p(t). |log x| >= 0.06 outside the near-1 range; the absolute errors (e ln2: 3u^2
// |e ln2|, table u^2 0.38, log1p 2u^2 + 27u^2 |t|, two sums 3u^2 each of <= 1.1) are <= 8u^2
// + 4u^2 |e ln2|, so the relative error is <= 133u^2 (2^-98.9); N = 3: 200u^3 (2^-151.3).
template <int N>
FLOATLAB_HOST_DEVICE X<N> log_core(const X<N>& x) noexcept {
  const double x0 = x[0];
  if (fabs_d(x0 - 1.0) < 0.0625) return log1p_small<N>(x - 1.0);
  int e = exponent_of(x0);
  X<N> m = scale_x<N>(x, -e);
  if (m[0] >= 1.4375) {
    m = scale_x<N>(m, -1);
    ++e;
  }
  const int j = static_cast<int>((m[0] - 0.6875) * 64);  // m0 - 0.6875 exact (Sterbenz)
  const X<N> t = m * tb::log_r[j] - 1.0;
  X<N> r = cst3<N>(tb::log_nlr[j]) + log1p_small<N>(t);
  if (e != 0) r = r + cst<N>(tb::ln2) * static_cast<double>(e);
  return r;
}

// log(1 + t) for an expansion t > -1: log1p_small or log_core(1 + t) (1 + t: 3u^2, which
// adds 3u^2 (1+t)/|(1+t) log(1+t)| <= 50u^2 for |t| >= 1/16). Bound 190u^2 (2^-98.4).
template <int N>
FLOATLAB_HOST_DEVICE X<N> log1p_core(const X<N>& t) noexcept {
  if (fabs_d(t[0]) < 0.0625) return log1p_small<N>(t);
  return log_core<N>(t + 1.0);
}

// e^x - 1 for an expansion x, |x| <= 1000 (x > -1000). |x| < 1/16: Taylor of degree 16 (N = 2)
// / 22 (N >= 3) on x itself, truncation <= 2^-112 / 2^-162 relative (2 |x|^n/(n+1)!),
// Horner 8.6u^2 + 5u^2. Else e^x - 1 with e^x from exp_core: amplification e^x/|e^x - 1|
// <= 16.5: 16.5 * 5u^2 + 3u^2 = 86u^2 (2^-99.6); N = 3: 103u^3 (2^-152.3).
template <int N>
FLOATLAB_HOST_DEVICE X<N> expm1_core(const X<N>& x) noexcept {
  if (fabs_d(x[0]) < 0.0625) {
    constexpr int D = N == 2 ? 16 : 22;
    X<N> q = cst3<N>(tb::inv_fact[D]);
    for (int n = D - 1; n >= 1; --n) q = q * x + cst3<N>(tb::inv_fact[n]);
    return q * x;
  }
  const scaled<N> e = exp_core<N>(x);
  return scale_x<N>(e.v, e.k) - 1.0;  // e.k <= 1443: inside the double range
}

// erf(z), z >= 0 an expansion with w = 2 z^2 given separately (exact when z is a double):
// erf z = 2/sqrt(pi) e^-z^2 sum_n t_n, t_0 = z, t_(n+1) = t_n w/(2n + 3) (positive terms, no
// cancellation; Abramowitz-Stegun 7.1.6). Stops when t_n < 2^-(53N+8) S and the ratio is
// below 1/2 (then the tail is < t_n). Term n is off by <= n (5 + 9.8)u^2 relative, the sum
// by <= n_max 18u^2; n_max <= 170 for z <= 6.4: 3060u^2 (2^-94.4) with e^-z^2 and the
// constant; N = 3: 2^-148.
template <int N>
FLOATLAB_HOST_DEVICE X<N> erf_core(const X<N>& z, const X<N>& w) noexcept {
  X<N> t = z, s = z;
  const double stop = pow2(-(53 * N + 8));
  for (int n = 0; n < 600; ++n) {
    const double ratio = w[0] / (2 * n + 3);
    t = t * w / X<N>(static_cast<double>(2 * n + 3));
    s = s + t;
    if (ratio < 0.5 && t[0] < stop * s[0]) break;
  }
  const scaled<N> e = exp_core<N>(scale_x<N>(-w, -1));
  return scale_x<N>(cst<N>(tb::two_over_sqrt_pi) * e.v * s, e.k);
}

// erfc(z) for z >= 2 (expansion, z2 = z^2 given separately): Laplace's continued fraction
// erfc z = e^-z^2/sqrt(pi) * 1/(z + (1/2)/(z + (2/2)/(z + (3/2)/(z + ...)))) (A-S 7.1.14).
// Its convergents A_n/B_n come from the positive three-term recurrence (no cancellation;
// A_n, B_n off by <= 10n u^2) and bracket the limit (an S-fraction), so |f_n - f_(n-1)|
// bounds the truncation; d tracks it in double (ratio recurrence, 1% margin). Stop at
// 2^-(53N - 6); n <= 190 for z >= 2: 2 * 1900u^2 + 9.8u^2 + e^-z^2 5u^2 + constant:
// 2^-93.4 (N = 3, n <= 400: 2^-146).
template <int N>
FLOATLAB_HOST_DEVICE scaled<N> erfc_cf(const X<N>& z, const X<N>& z2) noexcept {
  X<N> a_prev = X<N>(1.0), a = X<N>(0.0), b_prev = X<N>(0.0), b = X<N>(1.0);
  double d = 0;
  const double stop = pow2(-(53 * N - 6)) * 0.99;
  for (int n = 1; n < 2000; ++n) {
    const double an = n == 1 ? 1.0 : 0.5 * (n - 1);
    const X<N> a_next = z * a + a_prev * an;
    const X<N> b_next = z * b + b_prev * an;
    d = n == 1 ? 1.0 / z[0] : d * an * b_prev[0] / b_next[0];
    a_prev = a;
    a = a_next;
    b_prev = b;
    b = b_next;
    if (n > 1 && d * z[0] < stop) break;
    if (b[0] > 0x1p500) {
      a_prev = scale_x<N>(a_prev, -500);
      a = scale_x<N>(a, -500);
      b_prev = scale_x<N>(b_prev, -500);
      b = scale_x<N>(b, -500);
    }
  }
  const scaled<N> e = exp_core<N>(-z2);
  return {cst<N>(tb::inv_sqrt_pi) * e.v * (a / b), e.k};
}

// ---- the rounding test and packing ------------------------------------------------------

struct cell {
  bool ok;
  bool negative;
  int exp;
  std::uint64_t sig;  // q-bit truncation of |f(x)|; value (sig + sticky) * 2^exp
};

// Is the q-bit truncation of f decided by y = v 2^k with |y - f| <= 2^eps_log2 |y|?
// First in fixed point with unit 2^(e0 - 124) (e0: exponent of v[0]): each term floored, so
// the value lies in [acc, acc + N]; the radius adds 2^(125 + eps_log2) + 1 units. If that
// interval holds a grid point G, the side of f is decided by d = v - G in expansion
// arithmetic (relative error <= 4u^2 of d itself: the bound of + is relative to the result),
// which resolves f down to the kernel's eps rather than the 2^-124 of the fixed point:
// sign(f - G) = sign(d) when |d| (1 - 2^-50) > 2^eps_log2 |v|.
template <int N>
FLOATLAB_HOST_DEVICE cell round_cell(const X<N>& v_signed, int k, int q, int eps_log2) noexcept {
  const double h = v_signed[0];
  cell c{false, h < 0, 0, 0};
  if (!(fabs_d(h) >= 0x1p-1000) || !(fabs_d(h) < 0x1p1000)) return c;  // zero/NaN/huge: not here
  const X<N> v = c.negative ? -v_signed : v_signed;
  const int e0 = exponent_of(v[0]);
  i128 acc = 0;
  for (int i = 0; i < N; ++i) {
    const double t = v[i];
    if (t == 0) continue;
    const double a = fabs_d(t);
    const int et = exponent_of(a);
    if (et < -960) {  // far below the resolution: floor
      if (t < 0) acc -= 1;
      continue;
    }
    const auto m = static_cast<std::uint64_t>(a * pow2(52 - et));  // 53-bit integer, exact
    const int s = et - 52 - (e0 - 124);
    if (s >= 0) {
      const i128 part = static_cast<i128>(m) << s;
      acc += t < 0 ? -part : part;
    } else if (s > -64) {
      const std::uint64_t fl = m >> -s;
      const bool rest = (m & ((std::uint64_t{1} << -s) - 1)) != 0;
      acc += t < 0 ? -static_cast<i128>(fl + rest) : static_cast<i128>(fl);
    } else if (t < 0) {
      acc -= 1;
    }
  }
  const i128 rad = (125 + eps_log2 >= 0 ? static_cast<i128>(1) << (125 + eps_log2) : 0) + 1;
  const i128 lo = acc - rad, hi = acc + N + rad;
  const i128 top = static_cast<i128>(1) << 124;
  const int up_shift = 125 - q, low_shift = 124 - q;  // grid spacing above / below 2^124 units
  i128 g;                                             // the grid point in [lo, hi], if any
  if (lo < top && hi >= top) {
    g = top;
  } else {
    const int shift = lo >= top ? up_shift : low_shift;
    const bool inside = (lo & ((static_cast<i128>(1) << shift) - 1)) != 0;
    if ((lo >> shift) == (hi >> shift) && inside) {
      c.ok = true;
      c.sig = static_cast<std::uint64_t>(lo >> shift);
      c.exp = e0 - 124 + shift + k;
      return c;
    }
    g = (hi >> shift) << shift;
  }
  // d = v - G, G exact in two doubles (G has at most q + 1 <= 58 significant bits).
  const int gs = g >= top ? up_shift : low_shift;  // G is a multiple of 2^gs (top: of 2^up_shift)
  const auto gi = static_cast<std::uint64_t>(g >> gs);
  const double unit = pow2(e0 - 124 + gs);
  const eft_result<double> gx =
      two_sum(static_cast<double>(gi & ~std::uint64_t{63}) * unit, static_cast<double>(gi & 63) * unit);
  X<N> gv = X<N>(gx.hi);
  gv = gv + gx.lo;
  const X<N> d = v - gv;
  if (!(fabs_d(d[0]) * (1 - 0x1p-50) > pow2(eps_log2) * v[0] * (1 + 0x1p-50))) return c;
  const bool above = d[0] > 0;
  const int fs = (g > top || (g == top && above)) ? up_shift : low_shift;  // f's binade
  const i128 t = above ? g : g - (static_cast<i128>(1) << fs);
  c.ok = true;
  c.sig = static_cast<std::uint64_t>(t >> fs);
  c.exp = e0 - 124 + fs + k;
  return c;
}

template <class Fmt, class Mode>
FLOATLAB_HOST_DEVICE typename Fmt::storage pack_cell(const cell& c, std::uint32_t w) noexcept {
  return round_pack<Fmt, Mode>(c.negative, c.exp, c.sig, true, w);
}

// An exactly known value (-1)^neg g 2^k, g a nonzero double.
template <class Fmt, class Mode>
FLOATLAB_HOST_DEVICE typename Fmt::storage exact_value(bool neg, double g, int k, std::uint32_t w) noexcept {
  const double a = fabs_d(g);
  const int e = exponent_of(a);
  const auto m = static_cast<std::uint64_t>(a * pow2(52 - e));
  return round_pack<Fmt, Mode>(neg, e - 52 + k, m, false, w);
}

// (-1)^neg (g + dir d) with 0 < d < 2^-59 g, g > 0 a double (see the header comment).
template <class Fmt, class Mode>
FLOATLAB_HOST_DEVICE typename Fmt::storage near_value(bool neg, double g, int dir, std::uint32_t w) noexcept {
  const int e = exponent_of(g);
  auto m = static_cast<std::uint64_t>(g * pow2(52 - e)) << 10;
  if (dir < 0) --m;
  return round_pack<Fmt, Mode>(neg, e - 62, m, true, w);
}

// (-1)^neg (g + dir d), g = g_hi + g_lo > 0 exact with both terms on the 2^(e(g_hi) - 124)
// grid, 0 < d < 2^-126 g: g + dir/2 unit, then sticky, in a 128-bit significand.
template <class Fmt, class Mode>
FLOATLAB_HOST_DEVICE typename Fmt::storage near_exact(bool neg, double g_hi, double g_lo, int dir,
                                                      std::uint32_t w) noexcept {
  const int e0 = exponent_of(g_hi);
  const auto mh = static_cast<std::uint64_t>(g_hi * pow2(52 - e0));
  i128 acc = static_cast<i128>(mh) << 72;
  if (g_lo != 0) {
    const int el = exponent_of(fabs_d(g_lo));
    const auto ml = static_cast<std::uint64_t>(fabs_d(g_lo) * pow2(52 - el));
    const i128 part = static_cast<i128>(ml) << (el - 52 - (e0 - 124));  // exact by the precondition
    acc += g_lo < 0 ? -part : part;
  }
  const auto a = static_cast<u128>(2 * acc + (dir > 0 ? 1 : -1));
  return round_pack<Fmt, Mode>(neg, e0 - 125, a, true, w);
}

// A magnitude far below half the smallest subnormal times 2^-33 (and nonzero).
template <class Fmt, class Mode>
FLOATLAB_HOST_DEVICE typename Fmt::storage tiny_value(bool neg, std::uint32_t w) noexcept {
  return round_pack<Fmt, Mode>(neg, -6000, std::uint64_t{1}, true, w);
}
// A magnitude far above the largest finite value.
template <class Fmt, class Mode>
FLOATLAB_HOST_DEVICE typename Fmt::storage huge_value(bool neg, std::uint32_t w) noexcept {
  return round_pack<Fmt, Mode>(neg, 6000, std::uint64_t{1}, true, w);
}

// Ziv: double-word, then triple-double. K has eval<N>() (the kernel bound to its argument);
// eps2, eps3: log2 of its proven relative bounds.
template <class Fmt, class Mode, class K>
FLOATLAB_HOST_DEVICE typename Fmt::storage ziv_kernel(const K& kernel, int eps2, int eps3, std::uint32_t w) noexcept {
  constexpr int q = Fmt::precision + stochastic_bits_v<Mode> + 1;
  FLOATLAB_MATH_COUNT(calls);
  const scaled<2> r2 = kernel.template eval<2>();
  const cell c2 = round_cell<2>(r2.v, r2.k, q, eps2);
  if (c2.ok) return pack_cell<Fmt, Mode>(c2, w);
  FLOATLAB_MATH_COUNT(fallbacks);
  const scaled<3> r3 = kernel.template eval<3>();
  const cell c3 = round_cell<3>(r3.v, r3.k, q, eps3);
  if (c3.ok) return pack_cell<Fmt, Mode>(c3, w);
  FLOATLAB_MATH_COUNT(unresolved);
  const cell c = round_cell<3>(r3.v, r3.k, q, -200);
  if (c.ok) return pack_cell<Fmt, Mode>(c, w);
  return exact_value<Fmt, Mode>(r3.v[0] < 0, r3.v[0], r3.k, w);  // v on the grid: best effort
}

// ---- the first step: plain double ---------------------------------------------------------
// Before the double-word step, the functions below run a double kernel (u = 2^-53) with its
// own proven bound |v 2^k - f| <= 2^eps1 |v 2^k|, and a rounding test on the double's bits:
// fast_round below. log_fast and exp2_fast rely on the argument having at most 24
// significant bits (every cfloat of up to 32 bits), which makes their reductions exact. The bounds count plain
// roundings (a compiler that contracts a * b + c into an fma only removes roundings; the exactness claims hold for fma
// too).

// The double step is small: inlined into each function (the call overhead was a third of it).
#if defined(__GNUC__) && !FLOATLAB_CUDA
#define FLOATLAB_MATH_HOT FLOATLAB_HOST_DEVICE __attribute__((always_inline))
#else
#define FLOATLAB_MATH_HOT FLOATLAB_HOST_DEVICE
#endif

struct fast_value {
  double v;
  int k;        // f ~ v 2^k
  int eps = 0;  // a bound log2 computed at run time (gelu_tanh), 0: the function's eps1_log2
};

// e^x for a double |x| <= 2000: x = (64 n' + j) ln2/64 + r. Cody-Waite with C1 = ln2/64 cut
// to 35 bits: n C1 is exact (|n| < 2^18) and so is x - n C1 (for n != 0, |x| >= 2^-8: both
// are multiples of 2^-60 and the difference is below 2^-7, 53 bits; for n = 0 it is x). r = that - n C2 (C2 the next 53
// bits; |r| <= ln2/128 + 2^-41, n from a rounded product): error <= u|r| + 2^-75. e^r - 1 by Horner of degree 6
// (truncation |r|^7/7! e^|r| <= 2^-65): 2.01u relative. v = T_j + T_j p with T_j = RN(2^(j/64)): T_j u, T_j p 2^-7.5 u,
// the sum u, p's error 2^-59 absolute: |v - e^x 2^-k| <= 2.05u |v| (2^-52).
namespace fast {
FLOATLAB_HOST_DEVICE constexpr double cut(double v, int low_bits) noexcept {  // clear low significand bits
  return bit_cast<double>(bit_cast<std::uint64_t>(v) & ~((std::uint64_t{1} << low_bits) - 1));
}
inline constexpr double ln2_64_hi = cut(tb::ln2_64[0], 18);
inline constexpr double ln2_64_lo = (tb::ln2_64[0] - ln2_64_hi) + tb::ln2_64[1];
inline constexpr double ln2_hi = cut(tb::ln2[0], 11);  // 42 bits: e ln2_hi exact for |e| < 2^11
inline constexpr double ln2_lo = (tb::ln2[0] - ln2_hi) + tb::ln2[1];
}  // namespace fast

// e^r - 1 = r + r^2 (1/2 + r/6) + r^4 (1/24 + r/120 + r^2/720), Estrin's scheme (shorter
// dependency chains than Horner; the loop over an array is latency-bound). |r| <= 2^-7.5:
// the r^4 part is below 2^-34 |r| and the r^2 part below 2^-8 |r|, so the two final sums
// dominate the error: u + 1.01u relative to p, the same 2.01u as Horner's.
FLOATLAB_MATH_HOT double expm1_poly6(double r) noexcept {
  const double r2 = r * r;
  const double a = 0.5 + r * tb::inv_fact[3][0];
  const double b = (tb::inv_fact[4][0] + r * tb::inv_fact[5][0]) + r2 * tb::inv_fact[6][0];
  return r + r2 * (a + r2 * b);
}

FLOATLAB_MATH_HOT fast_value exp_fast(double x) noexcept {
  const double nd = nearest_int(x * tb::inv_ln2_64);
  const double r = (x - nd * fast::ln2_64_hi) - nd * fast::ln2_64_lo;
  const double p = expm1_poly6(r);
  const int n = static_cast<int>(nd);
  const int j = n & 63;
  const double t = tb::exp2_64[j][0];
  return {t + t * p, (n - j) / 64};
}
// 2^x: x = n/64 + f exactly (|f| <= 1/128), r = f ln2 (2u relative): as exp_fast, 2.1u.
FLOATLAB_MATH_HOT fast_value exp2_fast(double x) noexcept {
  const double nd = nearest_int(x * 64);
  const double r = (x - nd * 0.015625) * tb::ln2[0];
  const double p = expm1_poly6(r);
  const int n = static_cast<int>(nd);
  const int j = n & 63;
  const double t = tb::exp2_64[j][0];
  return {t + t * p, (n - j) / 64};
}
// e^z - 1 for |z| < 1/16 by Horner of degree 9 (relative truncation |z|^9/10! e^|z| < 2^-57.7;
// each step's error damped by |z| <= 1/16): 2.1u.
FLOATLAB_MATH_HOT double expm1_small_fast(double z) noexcept {
  double q = tb::inv_fact[9][0];
  for (int n = 8; n >= 1; --n) q = q * z + tb::inv_fact[n][0];
  return q * z;
}
// e^z - 1 for -45 <= z <= 100: below 1/16 in magnitude the series (2.1u), else e^z - 1 with
// e^z from exp_fast (2.1u, amplified by e^z/|e^z - 1| <= 16.5, + u for the subtraction): 36u.
FLOATLAB_MATH_HOT double expm1_fast(double z) noexcept {
  if (fabs_d(z) < 0.0625) return expm1_small_fast(z);
  const fast_value e = exp_fast(z);
  return e.v * pow2(e.k) - 1;  // e.k in [-65, 145]: exact scaling
}

// log x + extra by the table (x > 0 normal, |extra| <= 2^-52; log_fast's branch away from 1).
// Wide: x may have 53 bits, its scaled significand is split as in log1p_fast below.
template <bool Wide>
FLOATLAB_MATH_HOT double log_table_fast(double x, double extra) noexcept {
  int e = exponent_of(x);
  double m = x * pow2(-e);
  // m >= 1.4375: m/2 and e + 1, by a scale of 1 or 1/2 (a branch here was mispredicted on a
  // third of the calls).
  const bool hi = m >= 1.4375;
  m *= bit_cast<double>(0x3FF0000000000000ull - (static_cast<std::uint64_t>(hi) << 52));
  e += static_cast<int>(hi);
  const int j = static_cast<int>((m - 0.6875) * 64);
  double t;
  if constexpr (Wide) {
    const double mh = fast::cut(m, 29);
    t = (mh * tb::log_r[j] - 1.0) + (m - mh) * tb::log_r[j];
  } else {
    t = m * tb::log_r[j] - 1.0;
  }
  // log1p t = t - t^2/2 + ... - t^8/8, Estrin: t + t^2 (-1/2 + t/3) + t^4 (c4 + t c5 + t^2 (c6 +
  // t c7 + t^2 c8)); the t^4 part is below 2^-25 |t|: u + 1.01u relative, as Horner.
  const double t2 = t * t;
  const double a = -0.5 + t * 0.3333333333333333;
  const double c = (-0.16666666666666666 + t * 0.14285714285714285) - t2 * 0.125;
  const double b = (-0.25 + t * 0.2) + t2 * c;
  const double lp = t + t2 * (a + t2 * b);
  const double ed = static_cast<double>(e);
  const eft_result<double> h = two_sum(ed * fast::ln2_hi, tb::log_nlr[j][0]);
  double lo = ((ed * fast::ln2_lo + tb::log_nlr[j][1]) + h.lo) + lp;
  if constexpr (Wide) lo += extra;
  return h.hi + lo;
}

// log(1 + t) = 2 atanh(s), s = t/(2 + t), |t| < 1/16: 2s (1 + s^2/3 + ... + s^10/11).
FLOATLAB_MATH_HOT double log1p_atanh_fast(double t) noexcept {
  const double s = t / (2.0 + t);
  const double s2 = s * s;
  double q = tb::inv_odd[5][0];
  for (int i = 4; i >= 0; --i) q = q * s2 + tb::inv_odd[i][0];
  return 2 * s * q;
}

// log x, x > 0 normal with at most 24 significant bits. Near 1 (|x - 1| < 1/16): t = x - 1
// (exact, Sterbenz), s = t/(2 + t) (2 + t exact: 27 bits; the quotient u), log(1+t) = 2s(1 +
// s^2/3 + ... + s^10/11) (|s| <= 1/31: truncation < 2^-63): s u, s^2 damped, Horner u, 2s*P u:
// 3.1u. Elsewhere x = 2^e m, cell j, t = m r_j - 1 exact (24 + 9 bits, then Sterbenz), log(1+t)
// by Horner of degree 8 (|t| <= 0.0118: truncation 2^-60.8, Horner 2u|t|), e ln2_hi + (-log r_j)_hi
// by two_sum (exact), the low parts (e ln2_lo, (-log r_j)_lo, log1p t, the two_sum error; two
// roundings of <= 0.012) added, then one rounding: |log x| >= 0.0606 there, so the absolute
// 2^-57.3 is 0.8u relative: 1.8u. Bound 3.1u (2^-51.4).
FLOATLAB_MATH_HOT double log_fast(double x) noexcept {
  if (fabs_d(x - 1.0) < 0.0625) return log1p_atanh_fast(x - 1.0);
  return log_table_fast<false>(x, 0.0);
}

// tanh |x| = em/(em + 2), em = e^(2|x|) - 1 (expm1_fast, 36u where 2|x| >= 1/16, 2.1u below):
// the quotient scales em's error by 2/(em + 2) <= 1 and adds 2u: 38u (2^-47.7).
FLOATLAB_MATH_HOT fast_value tanh_fast(double x) noexcept {
  const double em = expm1_fast(2 * fabs_d(x));
  const double y = em / (em + 2.0);
  return {x < 0 ? -y : y, 0};
}
// logistic: x >= 0: 1/(1 + E), E = e^-x (2.1u; 1 + E: u + 2.1u E/(1 + E); 1/: u): 4.2u;
// x < 0: E/(1 + E) with E = e^x: 5.2u. 1 + E is 1 when E < 2^-200 (relative 2^-200).
// The sign's two cases share one division, chosen by selects (session 6: the branch on the
// sign was a misprediction on every other call over mixed signs).
FLOATLAB_MATH_HOT fast_value logistic_fast(double x) noexcept {
  const fast_value e = exp_fast(-fabs_d(x));
  const double d = e.k < -200 ? 1.0 : 1.0 + e.v * pow2(e.k);
  const std::uint64_t pos = std::uint64_t{0} - static_cast<std::uint64_t>(x >= 0);  // all ones for x >= 0
  const double num = bit_cast<double>((0x3FF0000000000000ull & pos) | (bit_cast<std::uint64_t>(e.v) & ~pos));  // 1 or E
  return {num / d, e.k & ~static_cast<int>(pos)};
}

// log(1 + t) for any double t > -1, t != 0 (session 4: log1p, softplus). |t| < 1/16: s =
// t/(2 + t) (2 + t rounded: u, the quotient u: s off by 2.01u relative, which 2 atanh(s)
// passes on unchanged to first order), 2s(1 + s^2/3 + ... + s^10/11) as in log_fast (s^2
// damped by s^2/3 <= 2^-11.5, Horner u, 2s * q u, truncation < 2^-63): 4.1u. Otherwise 1 + t
// = A + B exactly (two_sum; A = RN(1 + t) <= 15/16 or >= 17/16, so |log A| >= 0.0606, and
// |B| <= u A) and log(1 + t) = log A + B/A (the next term (B/A)^2/2 < u^2). log A as in
// log_fast's table branch, but A has up to 53 bits: its scaled significand m = mh + ml with mh
// its top 24 bits, so mh r_j - 1 is exact (33 bits, then Sterbenz) and t' = (mh r_j - 1) +
// ml r_j is off by u |t'| + 2^-76 (<= 2^-59.3 absolute, |t'| <= 0.0118); B/A joins the low
// sum (one more rounding of a sum below 0.03: 2^-58). With log_fast's 2^-57.3 that is <=
// 2^-56.3 absolute, 0.8u relative to |log A| >= 0.0606, + the last rounding u: 1.8u. Bound
// 4.1u (2^-51); callers allow 8u.
FLOATLAB_MATH_HOT double log1p_fast(double t) noexcept {
  if (fabs_d(t) < 0.0625) return log1p_atanh_fast(t);
  const eft_result<double> a = two_sum(1.0, t);
  return log_table_fast<true>(a.hi, a.lo / a.hi);
}

// softplus(x) = log(1 + e^x), -1000 <= x <= 42. E = e^-|x| (exp_fast 2.05u; below 2^-200 for
// x <= 0: E itself, relative 2^-200). log1p(E (1 + d)) = log1p(E) + E d/(1 + E) and log1p(E)
// >= E/(1 + E): E's error passes on at most as d. x <= 0: log1p_fast(E): 2.05u + 4.1u;
// x > 0: x + log1p(E), a positive sum: 6.2u + u. Bound 7.2u (2^-50.15).
FLOATLAB_MATH_HOT fast_value softplus_fast(double x) noexcept {
  const fast_value e = exp_fast(x > 0 ? -x : x);
  if (e.k < -200) return e;  // only for x <= 0
  const double l = log1p_fast(e.v * pow2(e.k));
  return {x > 0 ? x + l : l, 0};
}

// logistic'(x) = E/(1 + E)^2, E = e^-|x| (2.05u), 1 + E: u + 2.05u E/(1 + E) <= 2.03u (E <= 1),
// squared 5.06u, the quotient u: 8.1u (2^-49.98); 1 + E = 1 when E < 2^-200 (relative 2^-200).
// tanh'(x) = 4E/(1 + E)^2 with E = e^-2|x|: the same.
FLOATLAB_MATH_HOT fast_value bell_fast(double ax) noexcept {
  const fast_value e = exp_fast(-ax);
  const double d = e.k < -200 ? 1.0 : 1.0 + e.v * pow2(e.k);
  return {e.v / (d * d), e.k};
}

// gelu_tanh(x) = x/(1 + e^-2u), 2u = 2 sqrt(2/pi)(x + c x^3), |x| <= 20 (x <= 7.5 above 0).
// 2u in double: x^2 exact (x has <= 24 bits), x^3 u, c (RN) u, c x^3 u, + x u (same signs),
// the constant 2 sqrt(2/pi) (RN) u, the product u: 6u relative, so e^-2u (exp_fast, 2.05u)
// is off by 2.05u + 6u |2u| =: eE. x >= 0: x/(1 + E): 1 + E u + eE, the quotient u: 2u + eE;
// x < 0: E x/(1 + E): 3u + 2 eE. Bound (7.1 + 12 |2u|) u, taken at run time like pow's.
FLOATLAB_MATH_HOT fast_value gelu_tanh_fast(double x) noexcept {
  const double x3 = x * x * x;
  const double u2 = (x + tb::gelu_tanh_c[0] * x3) * (2 * tb::sqrt_2_over_pi[0]);
  const fast_value e = exp_fast(x >= 0 ? -u2 : u2);
  const double a = fabs_d(u2) * (1 + 0x1p-40);
  const int eps = exponent_of(7.1 + 12 * a) + 1 - 53;
  const double d = e.k < -200 ? 1.0 : 1.0 + e.v * pow2(e.k);
  if (x >= 0) return {x / d, 0, eps};
  return {e.v * x / d, e.k, eps};
}

// erf z for a double 0 <= z < 6.4 (session 4): j = RN(8z), c = j/8, h = z - c (exact: Sterbenz
// for j >= 1, h = z for j = 0; |h| <= 1/16), erf z = erf(c) + h (d_1 + h (d_2 + ... + h d_K))
// with the generator's table (detail/math_tables.hpp: RN erf(c), RN d_k, K = 11, truncation
// <= 2^-59.1 absolute, 2^-61.1 relative for j = 0). j >= 1: erf z >= erf(1/16) > 0.07 and
// erf(c) <= 2 erf(c - 1/16); the table value RN erf(c): u relative to erf z; the polynomial:
// coefficients u/2 and Horner gamma_22 = 22u (Higham, "Accuracy and Stability", 5.1) times
// S_j = sum |d_k| 16^-k <= 0.995 erf(c - 1/16) (generator: erf_taylor_ratio): 22.4u; the
// truncation 0.2u, the last sum u: 24.6u (2^-48.4). j = 0: the odd series, each Horner step
// damped by h^2 |d_(k+2)/d_k| <= 2^-9.4: d_1 u/2, the last sum u, the product u: 2.7u.
FLOATLAB_MATH_HOT double erf_fast(double z) noexcept {
  const double jd = nearest_int(z * 8);
  const auto j = static_cast<int>(jd);
  const double h = z - jd * 0.125;
  const double* row = tb::erf_taylor[j];
  double q = row[tb::erf_degree];
  for (int k = tb::erf_degree - 1; k >= 1; --k) q = q * h + row[k];
  return row[0] + q * h;
}

// ---- branch-free pieces: the array forms' lanes, and the scalar double steps of logistic, sin, cos ----
// Branch-free pieces (no early returns, both sides of each choice computed, indices clamped).
FLOATLAB_MATH_HOT double pow2_lane(std::int64_t e) noexcept {  // -1022 <= e <= 1023 (callers clamp)
  return bit_cast<double>(static_cast<std::uint64_t>(e + 1023) << 52);
}
// c ? a : b on the bits: both operands are used unconditionally, so GCC neither sinks one
// into a branch (it does that to the operands of a plain select and then will not
// if-convert a division or multiplication under -ftrapping-math) nor threads a constant.
FLOATLAB_MATH_HOT double select_lane(bool c, double a, double b) noexcept {
  const std::uint64_t m = std::uint64_t{0} - static_cast<std::uint64_t>(c);
  return bit_cast<double>((bit_cast<std::uint64_t>(a) & m) | (bit_cast<std::uint64_t>(b) & ~m));
}
struct lane_value {
  double v;
  std::int64_t k;  // f ~ v 2^k
};
FLOATLAB_MATH_HOT lane_value exp_lane(double x) noexcept {  // exp_fast, |x| <= 2000
  // nearest_int without its opaque (an asm statement stops the vectorizer): if the compiler
  // contracts x c + shifter into an fma, nd is the nearest integer of the exact product,
  // which exp_fast's bound also covers (|r| <= ln2/128 + 2^-41 holds for either). n is read
  // from the shifted value's low bits (AVX2 has no double -> int64 conversion).
  constexpr double shifter = 0x1.8p52;
  const double sh = x * tb::inv_ln2_64 + shifter;
  const double nd = sh - shifter;
  const double r = (x - nd * fast::ln2_64_hi) - nd * fast::ln2_64_lo;
  const double p = expm1_poly6(r);
  const auto n = static_cast<std::int64_t>(bit_cast<std::uint64_t>(sh) & 0xFFFFFFFFFFFFFull) - (std::int64_t{1} << 51);
  const std::int64_t j = n & 63;
  const double t = tb::exp2_64[j][0];
  return {t + t * p, (n - j) >> 6};
}
// 1 + v 2^k, 1 when k < -200 (logistic_fast's d): the scale's bits masked to +0 there (a
// select with a constant arm makes GCC thread the constant through and branch).
FLOATLAB_MATH_HOT double one_plus_lane(const lane_value& e) noexcept {
  const std::uint64_t keep = std::uint64_t{0} - static_cast<std::uint64_t>(e.k >= -200);
  return 1.0 + e.v * bit_cast<double>((static_cast<std::uint64_t>(e.k + 1023) << 52) & keep);
}
FLOATLAB_MATH_HOT lane_value logistic_lane(double x) noexcept {  // logistic_fast, 5.2u
  const lane_value e = exp_lane(-fabs_d(x));
  const double d = one_plus_lane(e);
  const double pos = 1.0 / d, neg = e.v / d;
  const std::int64_t k = e.k & (std::int64_t{0} - static_cast<std::int64_t>(x < 0));
  return {select_lane(x >= 0, pos, neg), k};
}
// sincos_fast's Cody-Waite branch on lanes, for 2^-30 <= |x| < 2^21 (session 6): n from the
// shifted product's low bits (n < 2^26; an fma contraction gives the nearest integer of the
// exact product, which sincos_fast's bound covers: "n may be the other neighbour"; the three
// reduction steps stay exact or lose a rounding under contraction), both combinations
// computed and chosen on the bits. j = 0 needs no case: S_0 = 0 and C_0 = S_32 = 1 exactly,
// so S cr + C sr = sr and C cr - S sr = cr exactly (with or without an fma). Where sincos_fast
// would go to Payne-Hanek (|r| < 2^-30 after the reduction) the lane returns NaN, which
// lane_round rejects: the scalar pass takes it.
// The lanes' reduction of |x| = n pi/64 + r: nd rounded by the shifter (no opaque
// nearest_int: the vectorizer takes it), r by the three-part pi/64, n (mod 128) read from the
// shifted value's low bits. Shared by sincos_lane and sincos_short.
struct pi64_reduced {
  double r;
  std::int64_t n;
};
FLOATLAB_MATH_HOT pi64_reduced reduce_pi64_lane(double ax) noexcept {
  constexpr double shifter = 0x1.8p52;
  const double sh = ax * tb::inv_pi_64 + shifter;
  const double nd = sh - shifter;
  const double a = (ax - nd * tb::pi_64_cw[0]) - nd * tb::pi_64_cw[1];
  return {a - nd * tb::pi_64_cw[2], static_cast<std::int64_t>(bit_cast<std::uint64_t>(sh) & 127)};
}
FLOATLAB_MATH_HOT double sincos_lane(double x, int shift) noexcept {
  const double ax = fabs_d(x);
  const auto [r, n] = reduce_pi64_lane(ax);
  const double r2 = r * r;
  const double sr = r + r * r2 * (-tb::inv_fact[3][0] + r2 * (tb::inv_fact[5][0] - r2 * tb::inv_fact[7][0]));
  const double cr = 1.0 + r2 * (-0.5 + r2 * (tb::inv_fact[4][0] - r2 * tb::inv_fact[6][0]));
  const std::int64_t q = (n + shift) & 127, Q = q >> 5, j = q & 31;
  const double S = tb::sin_pi64[j][0], C = tb::sin_pi64[32 - j][0];
  const double v = select_lane((Q & 1) != 0, C * cr - S * sr, S * cr + C * sr);
  const std::uint64_t flip = static_cast<std::uint64_t>((Q >> 1) ^ static_cast<std::int64_t>(shift == 0 && x < 0))
                             << 63;
  const double sv = bit_cast<double>(bit_cast<std::uint64_t>(v) ^ flip);
  return select_lane(fabs_d(r) >= 0x1p-30, sv, bit_cast<double>(0x7FF8000000000000ull));
}
// The double step's results in the format's normal range without the general encoder (session
// 6). After the rounding test, s = v 2^k (a normal double) is no point of the q-bit grid (its
// significand is not a multiple of 2^(53 - q)), so neither a point of the format (p bits) nor a
// midpoint (p + 1 bits): s is inexact and no tie. For 2^emin <= |s| <= the largest finite
// value, with sh = 52 - M and the double's exponent field rebiased to the format's, t = (|s|'s
// bits - rebias) >> sh is the pattern of the truncation of |s| (the fields concatenate), and
// every deterministic mode is t or t + 1: nearest (even or away: no tie) adds half a unit of
// the format's last place before the shift; toward zero t; upward t + 1 for s > 0, downward
// t + 1 for s < 0; odd t | 1 (s is inexact). A carry out of the fraction moves into the
// exponent field by itself, and t + 1 stays at most the largest finite pattern (|s| below the
// largest finite value, which is on the grid). Stochastic modes, other ranges: the encoder.
// Tested through every caller in every mode (test_math, test_math_trig: every 16-bit input
// against MPFR; test_math_array(_trig)) and directly against encode_from on random doubles
// off the q-bit grid (test_math_array_trig "the double step's direct encoder").
template <class Fmt, class Mode>
inline constexpr bool direct_encode_ok = fits_hw<Fmt, double> && !is_stochastic_v<Mode> && Fmt::fraction_bits >= 1;
// Fmt's normal range on double's bits, for encode_direct and short_round: a double magnitude
// pattern mag in [lo, hi] (2^emin to the largest finite value) is a normal value of Fmt's
// binades, and (mag - rebias) >> sh is Fmt's pattern of its truncation.
template <class Fmt>
struct direct_grid {
  static constexpr int sh = 52 - Fmt::fraction_bits;
  static constexpr std::uint64_t rebias = static_cast<std::uint64_t>(1023 - Fmt::bias) << 52;
  static constexpr std::uint64_t lo = static_cast<std::uint64_t>(Fmt::emin + 1023) << 52;  // 2^emin
  static constexpr std::uint64_t hi =
      ((Fmt::max_finite_bits >> Fmt::fraction_bits) << 52 | (Fmt::max_finite_bits & Fmt::fraction_mask) << sh) + rebias;
  FLOATLAB_MATH_HOT static bool in_range(std::uint64_t mag) noexcept { return mag - lo <= hi - lo; }
};
template <class Fmt, class Mode>
FLOATLAB_MATH_HOT bool encode_direct(double s, typename Fmt::storage& out) noexcept {
  using G = direct_grid<Fmt>;
  constexpr int sh = G::sh;
  constexpr std::uint64_t rebias = G::rebias;
  const std::uint64_t b = bit_cast<std::uint64_t>(s);
  const std::uint64_t mag = b & 0x7FFFFFFFFFFFFFFFull;
  const bool neg = (b >> 63) != 0;
  if (!G::in_range(mag)) return false;  // outside [2^emin, largest finite]
  std::uint64_t t;
  if constexpr (std::is_same_v<Mode, round::nearest_even> || std::is_same_v<Mode, round::nearest_away>) {
    t = (mag - rebias + (std::uint64_t{1} << (sh - 1))) >> sh;
  } else {
    t = (mag - rebias) >> sh;
    if constexpr (std::is_same_v<Mode, round::upward>) t += static_cast<std::uint64_t>(!neg);
    if constexpr (std::is_same_v<Mode, round::downward>) t += static_cast<std::uint64_t>(neg);
    if constexpr (std::is_same_v<Mode, round::odd>) t |= 1;
  }
  out = static_cast<typename Fmt::storage>(t | static_cast<std::uint64_t>(neg) << (Fmt::total_bits - 1));
  return true;
}

// The rounding test of the double step. v has the 53-bit significand m and |f - v 2^k| <=
// 2^eps |v 2^k| < 2^(eps + 53) units of m's last place =: rad. With d = m mod 2^(53 - q), the
// q-bit cell [C, C + 2^(53-q)) holding v: rad <= d and d + rad <= 2^(53-q) put f and v both
// strictly inside it, so they round alike in every mode (the q bits hold the last place, the
// rounding bit and the R stochastic bits; both are off the grid, so inexact), and rounding v
// itself (exact, 53 bits) through round_pack is rounding f. Needs q <= 50 (a cell of >= 8
// units); v zero, subnormal, infinite or NaN fails the test.
template <class Fmt, class Mode>
FLOATLAB_MATH_HOT bool fast_round(const fast_value& r, int eps_log2, std::uint32_t w,
                                  typename Fmt::storage& out) noexcept {
  constexpr int q = Fmt::precision + stochastic_bits_v<Mode> + 1;
  static_assert(q <= 50, "fast_round: the double step needs q <= 50");
  const std::uint64_t b = bit_cast<std::uint64_t>(r.v);
  const int be = static_cast<int>((b >> 52) & 0x7FF);
  if (be == 0 || be == 0x7FF) return false;
  const std::uint64_t m = (b & 0xFFFFFFFFFFFFFull) | (std::uint64_t{1} << 52);
  const std::uint64_t rad = std::uint64_t{1} << (eps_log2 + 53);  // eps_log2 >= -53
  constexpr std::uint64_t cell = std::uint64_t{1} << (53 - q);
  const std::uint64_t d = m & (cell - 1);
  if (d < rad || d + rad > cell) return false;
  if constexpr (direct_encode_ok<Fmt, Mode>) {
    if (r.k >= -1000 && r.k <= 1000 && encode_direct<Fmt, Mode>(r.v * pow2(r.k), out)) return true;
  }
  if constexpr (fits_hw<Fmt, double> && Fmt::exponent_bits <= 9) {
    // The branch-free encoder of the double path (float_path.hpp, its domain E <= 9: proven
    // the same as round_pack) on v 2^k, when that is a normal double.
    if (r.k >= -1000 && r.k <= 1000) {
      const double s = r.v * pow2(r.k);
      if (fabs_d(s) >= 0x1p-1000) {
        out = encode_from<Fmt, Mode, double>(s, 0, w);
        return true;
      }
    }
  }
  out = round_pack<Fmt, Mode>(r.v < 0, be - 1075 + r.k, m, false, w);
  return true;
}

// The normal patterns of F (exponent field neither 0 nor all ones: every encoding's normal
// numbers, leaving out only fn's finite top binade, whose patterns take decode_in) decoded to
// double from the bits alone (session 8): the magnitude moved into double's fields reads as
// 2^(1023 - bias) times the value, and the rebias is one integer addition. Equal to decode_to
// on every such pattern (test_math_array_trig "normal decode": every pattern of the 16-bit and
// 8-bit formats, binary32 in strides).
template <class F>
FLOATLAB_MATH_HOT bool normal_pattern(std::uint64_t b) noexcept {
  constexpr std::uint64_t top = (std::uint64_t{1} << F::exponent_bits) - 1;
  return ((b >> F::fraction_bits) & top) - 1 < top - 1;
}
template <class F>
FLOATLAB_MATH_HOT double decode_normal(std::uint64_t b) noexcept {
  constexpr std::uint64_t rebias = direct_grid<F>::rebias;
  const std::uint64_t mag = (b & F::magnitude_mask) << (52 - F::fraction_bits);
  const std::uint64_t sign = (b >> (F::total_bits - 1) & 1) << 63;
  return bit_cast<double>((mag + rebias) | sign);
}

// ---- the short step (session 8): formats of at most 12 significant bits --------------------
// For a format with p <= 12 and E <= 8 (binary16, bfloat16, cfloat<6,9>, the 8-bit formats) in
// the deterministic modes (q = p + 1 <= 13), ziv() first runs a shorter double kernel with a
// looser proven bound eps_s (2^-44 .. 2^-35; table in docs/math.md) and the same rounding test
// (fast_round's: rad = 2^(eps_s + 53) units, a cell of 2^(53 - q) units, so the test fails for
// at most 2^(eps_s + q + 1) of the values v, 2^-21 at worst); results in the format's normal
// range are encoded from the double's bits (encode_direct), subnormal and overflowing ones by
// the double path's encoder; the kernels' clamped or NaN values (beyond 2^+-1000) are declined.
// A declined or failed step falls through to the double step (eval1) and then to Ziv's steps,
// so the short step only has to be right when it answers: |f - v| < rad units, proven below,
// and the test. `math_counters().short_misses` counts what it declines. The inputs have <= 12
// significant bits and |x| < 2^128.
template <class Fmt, class Mode>
inline constexpr bool short_ok = fits_hw<Fmt, double> && Fmt::precision <= 12 && Fmt::exponent_bits <= 8 &&
                                 direct_encode_ok<Fmt, Mode>;
// The wide pattern step (session 10): formats of 13 to 24 significant bits with E <= 8
// (binary32, cfloat<8, 15>, ...) in the deterministic modes (q = p + 1 <= 25). The same
// rounding (short_round: the strict cell test, encode_direct) with each kernel's bound for
// inputs of up to 24 bits (Fn::eps_pattern_wide_log2, table in docs/math.md).
template <class Fmt, class Mode>
inline constexpr bool wide_pattern_ok = fits_hw<Fmt, double> && Fmt::precision > 12 && Fmt::precision <= 24 &&
                                        Fmt::exponent_bits <= 8 && direct_encode_ok<Fmt, Mode>;

// e^r - 1 of degree 4 for |r| <= ln2/128 + 2^-41 (exp_fast's reduction): r + r^2 (1/2 + r/6 +
// r^2/24); truncation |r|^5/5! e^|r| <= 2^-44.5 (|r| <= 0.005416), relative to e^r >= 0.994.
FLOATLAB_MATH_HOT double expm1_poly4(double r) noexcept {
  const double r2 = r * r;
  return r + r2 * ((0.5 + r * tb::inv_fact[3][0]) + r2 * tb::inv_fact[4][0]);
}
// exp_fast's reduction (exact for any double |x| <= 2000, r off by u|r| + 2^-75) and table,
// the degree-4 polynomial: T_j (1 + p) with T_j = RN(2^(j/64)) (u), p off by 2^-44.5 (e^r) +
// 2u |p|, the two roundings of T_j + T_j p (u): |v - e^x 2^-k| <= (2^-44.5 + 2.1u) |v| < 2^-44.4
// |v|. Bound 2^-44.
FLOATLAB_MATH_HOT fast_value exp_short(double x) noexcept {
  const double nd = nearest_int(x * tb::inv_ln2_64);
  const double r = (x - nd * fast::ln2_64_hi) - nd * fast::ln2_64_lo;
  const double p = expm1_poly4(r);
  const int n = static_cast<int>(nd);
  const int j = n & 63;
  const double t = tb::exp2_64[j][0];
  return {t + t * p, (n - j) >> 6};  // n - j a multiple of 64: the shift is the exact quotient
}
// exp_short scaled (k = 0): x clamped to [-700, 700] (min/max), then v 2^k (|k| <= 1010: 2^k
// and v 2^k normal doubles, the product exact). Where the clamp
// acts, v 2^k ~ 2^+-1010 is no value of the format's range (|x| <= 96 holds every result of
// a format with E <= 8), so short_round declines it.
// (Clamp = false: the caller guarantees |x| <= 700; pow_short's |t| <= 128.)
template <bool Clamp = true>
FLOATLAB_MATH_HOT fast_value exp_short_scaled(double x) noexcept {
  const double xc = !Clamp ? x : x < -700 ? -700.0 : x > 700 ? 700.0 : x;
  const fast_value e = exp_short(xc);
  return {e.v * pow2_lane(e.k), 0};
}
// logistic as logistic_fast, E = e^-|x| by exp_short (eps_E = 2^-44), scaled (|x| <= 700: E
// normal, exact; below -700 the clamped E gives logistic ~ 2^-1010, declined): x >= 0: 1/(1 + E): eps_E E/(1 + E) + u (the sum) + u
// (the quotient); x < 0: E/(1 + E): 2 eps_E + 2u: < 2^-42.9. Bound 2^-42.
// (Clamp = false: the caller guarantees |x| <= 700; the pattern step's |x| < 32.)
template <bool Clamp = true>
FLOATLAB_MATH_HOT fast_value logistic_short(double x) noexcept {
  const double E = exp_short_scaled<Clamp>(-fabs_d(x)).v;
  const double num = x >= 0 ? 1.0 : E;  // E is needed for the sum anyway: GCC keeps this a blend
  return {num / (1.0 + E), 0};
}
// The short pattern step's exp (session 13, logistic_pattern): e^x for |x| < 16 as exp_short
// (the same reduction, exact for |x| <= 2000, r off by u|r| + 2^-75; the same T_j) with expm1 r
// of degree 2, p = r + r^2/2: truncation <= 2^-25.1 absolute on |r| <= ln2/128 + 2^-40
// (generator: expm1_degree2_bound_log2), evaluation u|p| + 2^-68, r's error times e^r 2^-59;
// relative to e^r >= 1 - 2^-7.5: 2^-25.08; T_j (u) and the two roundings of T_j + T_j p:
// eps_E <= 2^-25.07. 2^k (|k| <= 24) scales exactly. No clamp (the caller's |x| < 16).
FLOATLAB_MATH_HOT double exp_pattern_scaled(double x) noexcept {
  static_assert(tb::expm1_degree2_bound_log2 <= -25.1, "exp_pattern_scaled: the derivation uses the generator's bound");
  const double nd = nearest_int(x * tb::inv_ln2_64);
  const double r = (x - nd * fast::ln2_64_hi) - nd * fast::ln2_64_lo;
  const double p = r + r * (r * 0.5);
  const int n = static_cast<int>(nd);
  const int j = n & 63;
  const double t = tb::exp2_64[j][0];
  return (t + t * p) * pow2_lane((n - j) >> 6);
}
// logistic on the short pattern step (session 13): 1/(1 + E), E = e^-x by exp_pattern_scaled,
// for both signs (no choice of the numerator: 2^-22 <= |x| < 16, so E in (e^-16, e^16) is a
// normal double). 1 + E is off by eps_E E/(1 + E) < eps_E relative before its rounding (u),
// the quotient u: (eps_E + 2u)(1 + 2 eps_E) < 2^-25.06. Bound 2^-24 (for p <= 12: q <= 13, a
// cell of >= 2^40 units, rad 2^29; the test fails for about 2^-11 of the values).
FLOATLAB_MATH_HOT fast_value logistic_pattern(double x) noexcept { return {1.0 / (1.0 + exp_pattern_scaled(-x)), 0}; }
// log x for x > 0 normal with <= 12 significant bits, 2^-137 <= x < 2^128 (|e| <= 137: the
// subnormals of E = 8, M <= 11), x != 1; no branch near 1 and no two_sum (log_fast has both). m in [0.6875, 1.4375), cell j,
// t = m r_j - 1 exact (12 + 9 bits, then Sterbenz), |t| <= 0.0118; log1p t by degree 6 (Estrin;
// truncation |t|^7/7/(1 - |t|) <= 2^-47.6, evaluation 2u|t| <= 2^-58.4); S = RN(e ln2_0 +
// nlr_j) (one fma; ln2_0 = RN(ln2): |e| u ln2 off; nlr_j = RN(-log r_j): u |nlr_j| <= 2^-54.5);
// R = RN(S + p) (u |R|). Absolute error <= 2^-47.6 + 2^-58.4 + 2^-54.5 + u (2 |e| ln2 + |S| +
// |R|) (the second u |e| ln2 where e ln2_0 + nlr_j is not contracted into an fma).
// e = 0: |S| <= 0.363, |R| <= 0.376 and |log x| >= 2^-12 (the neighbours of 1 with 12 bits
// are 1 - 2^-12 and 1 + 2^-11): <= 4.72e-15 absolute, 2^-35.6 relative. e != 0: |log x| >=
// |e| ln2 - 0.376 >= 0.318, |e| ln2 <= 2.18 |log x|, |S| <= 3.3 |log x|: 2^-45.9 relative.
// Bound 2^-35 (pow uses the absolute form, pow_short).
FLOATLAB_MATH_HOT double log_short(double x) noexcept {
  const std::uint64_t b = bit_cast<std::uint64_t>(x);
  const bool hi = (b & 0xFFFFFFFFFFFFFull) >= 0x7000000000000ull;  // m >= 1.4375: m/2, e + 1
  const double m = bit_cast<double>((b & 0xFFFFFFFFFFFFFull) | (0x3FF0000000000000ull - (static_cast<std::uint64_t>(hi) << 52)));
  const int e = static_cast<int>(b >> 52) - 1023 + static_cast<int>(hi);
  const int j = static_cast<int>((m - 0.6875) * 64);
  const double t = m * tb::log_r[j] - 1.0;
  const double t2 = t * t;
  const double a = -0.5 + t * 0.3333333333333333;
  const double c = (-0.25 + t * 0.2) - t2 * 0.16666666666666666;
  const double lp = t + t2 * (a + t2 * c);
  const double S = static_cast<double>(e) * tb::ln2[0] + tb::log_nlr[j][0];
  return S + lp;
}
// log's pattern step (session 9): for the short formats (p <= 12, E <= 8), log x of a positive
// normal pattern x != 1 straight from the bits, no decode to double, no reduction by a
// multiply: x = 2^e m, m = c_j + f 2^-M with c_j = 1 + j/128 (j the top 7 fraction bits, f the
// M - 7 bits below them: none for M <= 7) and log x = e ln2 + log c_j + log1p t, t = f 2^-M / c_j
// in [0, 2^-7). L_j = RN(log c_j) (tb::log_c128, generator: u/2 |L_j| <= 2^-54.5), R_j = RN(1/c_j)
// (constexpr, below); t^ = RN(RN(f 2^-M) R_j) (f 2^-M exact): relative u. log1p t by degree 4,
// t - t^2/2 + t^3/3 - t^4/4: truncation <= t^5/5 < 2^-37.3 absolute (generator, alternating
// tail); the evaluation and t^'s error <= 5u t <= 2^-57.6. S = RN(RN(e ln2_0) + L_j) (e ln2_0 one
// rounding unless contracted), |e ln2 - e ln2_0| <= |e| 2^-55.27 <= 2^-48.3 (|e| <= 127: E <= 8);
// v = RN(S + P). Absolute error <= 2^-37.3 + 2^-57.6 + |e| 2^-55.27 + 2^-54.5 + u/2 (|e| ln2 + |S|
// + |v|). Relative, with the smallest |log x| in each case (x != 1 with <= 12 bits):
//   e = 0, j = 0: S = 0, t exact (R_0 = 1): truncation t^4/(5 (1 - t/2)) relative, + 4u: 2^-30.3;
//   e = 0, j >= 1: |log x| >= log(1 + 1/128) > 2^-7.01, |S|, |v| < ln2: 2^-37.3 / 2^-7.01 = 2^-30.3;
//   e = -1, j = 127: |log x| >= -log(1 - 2^-12) > 2^-12, t < 2^-7 / c_127 < 2^-7.99, so the
//     truncation is < 2^-42.3 and the rest < 2^-53.2 absolute: 2^-30.3;
//   e = -1, j <= 126: |log x| >= log(2 / c_(j+1)) = log(256 / (129 + j)) and t < 1 / (128 + j);
//     t^5/5 over that is largest at j = 126: 2^-42.2 / 2^-7.99 = 2^-34.2;
//   e = 1 or |e| >= 2: |log x| >= ln2 and >= (|e| - 1) ln2: < 2^-36.
// So the bound is 2^-30.29 < 2^-30 (eps -30: rad 2^23 units, q <= 13, a cell of >= 2^40 units;
// the test fails for at most 2^-16 of the values). M <= 7 (bfloat16, the 8-bit formats): f = 0,
// t = 0, v = S: < 2^-40. With fma contraction fewer roundings (the bound counts each).
// The pattern steps' domains (session 9): |x| in [2^Lo, 2^Hi) for a normal pattern of F below
// its top binade (exponent fields max(1, Lo + bias) .. min(top, Hi + bias) - 1), on the magnitude
// bits: one unsigned compare.
template <class F, int Lo, int Hi>
FLOATLAB_MATH_HOT bool mag_in_binades(std::uint64_t b) noexcept {
  constexpr int top = (1 << F::exponent_bits) - 1;
  constexpr int lo_f = Lo + F::bias > 1 ? Lo + F::bias : 1, hi_f = Hi + F::bias < top ? Hi + F::bias : top;
  if constexpr (hi_f <= lo_f) {
    return false;
  } else {
    constexpr std::uint64_t lo = static_cast<std::uint64_t>(lo_f) << F::fraction_bits;
    constexpr std::uint64_t hi = static_cast<std::uint64_t>(hi_f) << F::fraction_bits;
    return (b & F::magnitude_mask) - lo < hi - lo;
  }
}
struct log_rinv_table {
  double v[128];
};
FLOATLAB_HOST_DEVICE constexpr log_rinv_table make_log_rinv_table() noexcept {
  log_rinv_table t{};
  for (int j = 0; j < 128; ++j) t.v[j] = 1.0 / (1.0 + j * 0x1p-7);  // RN (constant-evaluated IEEE division)
  return t;
}
#if defined(__CUDA_ARCH__)
__device__ constexpr log_rinv_table log_rinv = make_log_rinv_table();
#else
inline constexpr log_rinv_table log_rinv = make_log_rinv_table();
#endif
// x a positive normal pattern of F (exponent field in 1 .. top - 1, sign 0), x != 1.
template <class F>
FLOATLAB_MATH_HOT bool log_pattern_hot(std::uint64_t b) noexcept {
  constexpr std::uint64_t top = (std::uint64_t{1} << F::exponent_bits) - 1;
  constexpr std::uint64_t lo = std::uint64_t{1} << F::fraction_bits;
  constexpr std::uint64_t hi = ((top - 1) << F::fraction_bits) | F::fraction_mask;
  constexpr std::uint64_t one = static_cast<std::uint64_t>(F::bias) << F::fraction_bits;
  return static_cast<int>(b - lo <= hi - lo) & static_cast<int>(b != one);
}
template <class F>
FLOATLAB_MATH_HOT double log_pattern(std::uint64_t b) noexcept {
  constexpr int M = F::fraction_bits;
  static_assert(M <= 11 && F::exponent_bits <= 8, "log_pattern: the short formats");
  const int e = static_cast<int>(b >> M) - F::bias;
  const std::uint64_t frac = b & F::fraction_mask;
  const int j = M >= 7 ? static_cast<int>(frac >> (M >= 7 ? M - 7 : 0)) : static_cast<int>(frac << (M < 7 ? 7 - M : 0));
  const double S = static_cast<double>(e) * tb::ln2[0] + tb::log_c128[j];
  if constexpr (M > 7) {
    const std::uint64_t f = frac & ((std::uint64_t{1} << (M > 7 ? M - 7 : 0)) - 1);
    const double t = static_cast<double>(static_cast<int>(f)) * pow2(-M) * log_rinv.v[j];
    const double t2 = t * t;
    const double a = (-0.5 + t * 0.3333333333333333) + t2 * -0.25;
    return S + (t + t2 * a);
  } else {
    return S;
  }
}
// log's wide pattern step (session 10): for the formats of 13 to 24 significant bits with E <= 8
// (binary32), log x of a positive normal pattern x != 1 from the bits. The cells are taken
// with an offset, so that 1 sits inside a cell with c = 1 and no cancellation occurs next to it
// (log_pattern's e = -1, j = 127 cell would lose 2^-24 / 2^-1 of its bits at binary32's
// 1 - 2^-24): tmp = b - OFF, OFF the pattern of 1 - 2^-8; e = tmp >> M (arithmetic), k the next
// 7 bits, f the M - 7 bits below. k >= 1: x = 2^e (c_j + f 2^-M), j = k - 1, c_j = 1 + j/128;
// k = 0: x = 2^e m with m = 1 - 2^-8 + f 2^-(M+1) in [1 - 2^-8, 1), taken with c_0 = 1 (j = 0).
// d = x 2^-e - c_j is exact (an integer of <= M - 5 bits times 2^-(M+1)), t^ = RN(d R_j) with
// R_j = RN(1/c_j) (log_rinv; R_0 = 1: t^ = d exact for j = 0), so t^ = t (1 + th), |th| <=
// 2^-53 (2^-54 from R_j, 2^-54 from the product), t = d / c_j in [-2^-8, 2^-7). log x = e ln2 +
// L_j + log1p t, L_j = RN(log c_j) (log_c128, generator; L_0 = 0). log1p t by the Taylor
// polynomial of degree 6 (Estrin), truncation <= |t|^7/7 / (1 - |t|) (alternating for t > 0,
// one-signed for t < 0): <= 2^-51.8 absolute and t^6/7 (1.004) <= 2^-44.8 relative (generator:
// log_wide_trunc_log2, log_wide_trunc_rel_log2; Sollya's supnorm: 2^-51.81, 2^-44.80). Evaluation:
// t + t^2 Q with |t^2 Q| <= 2^-7.97 |t|, Q off by <= 4u relative (t^2, the coefficients, the
// fmas), then the sum (u/2 |P|); th moves P by <= 1.004 |t| 2^-53. S = RN(e ln2_hi + L_j) (e
// ln2_hi exact, |e| <= 128; S = L_j exactly for e = 0), P' = RN(P + e ln2_lo) (|e ln2_lo| <=
// 2^-36: < 2^-89 with the split's own error), v = RN(S + P'). Absolute error, u = 2^-53 (each
// rounding <= u relative, <= half an ulp): truncation 2^-51.8, L_j 2^-54 (L_j < 1), S u |S|,
// v u |v|, the rest (t^'s error, the evaluation) < 2^-59.5.
//   e = 0, j = 0 (x in [1 - 2^-8, 1 + 2^-7)): S = 0, v = P' = P: relative (t^6/7 (1.004) + 4u
//     2^-7.97 + 1.004 u) / (1 - 2^-8) < 2^-44.7;
//   e = 0, j >= 1: S = L_j (exact), |log x| >= log(1 + 1/128) > 2^-7.006:
//     (2^-51.8 + 2^-54 + 2^-59.5) / 2^-7.006 + u < 2^-44.4;
//   e = -1 (x in [1/2 - 2^-9, 1 - 2^-8)): |log x| >= -log(1 - 2^-8) > 2^-7.997, |S| < 1 (half an
//     ulp: 2^-54): (2^-51.8 + 2 2^-54 + 2^-59.5) / 2^-7.997 + u < 2^-43.26;
//   otherwise |log x| >= 0.68, |S| <= |log x| + 2^-7: (2^-51.8 + 2^-54) / 0.68 + 2.03u < 2^-50.
// Bound 2^-43.26 < 2^-43 (rad 2^10 units of a 2^28-unit cell for q = 25: the test fails for at
// most 2^-17 of the values). Absolute (pow_short): <= 2^-51.2 + u (|S| + |v|) <= 2^-51.2 +
// 2^-52 |log x| + 2^-60 (|S| <= |log x| + 2^-7). Measured: test_math_wide.
template <class F>
FLOATLAB_MATH_HOT double log_pattern_wide(std::uint64_t b) noexcept {
  constexpr int M = F::fraction_bits;
  static_assert(M >= 12 && M <= 23 && F::exponent_bits <= 8, "log_pattern_wide: the formats of 13 to 24 bits");
  static_assert(tb::log_wide_trunc_log2 <= -51.8 && tb::log_wide_trunc_rel_log2 <= -44.8,
                "log_pattern_wide: the derivation above uses the generator's truncation bounds");
  constexpr std::int64_t off = static_cast<std::int64_t>(F::bias - 1) << M | std::int64_t{127} << (M - 7);
  const std::int64_t tmp = static_cast<std::int64_t>(b) - off;
  const std::int64_t e = tmp >> M;  // arithmetic shift (C++20; every supported compiler before it)
  const std::int64_t k = (tmp >> (M - 7)) & 127;
  const std::int64_t f = tmp & ((std::int64_t{1} << (M - 7)) - 1);
  const std::int64_t j = k - static_cast<std::int64_t>(k != 0);
  const std::int64_t fi = k != 0 ? 2 * f : f - (std::int64_t{1} << (M - 7));  // d 2^(M+1)
  const double t = static_cast<double>(fi) * pow2(-(M + 1)) * log_rinv.v[j];
  const double t2 = t * t;
  const double a = -0.5 + t * 0.3333333333333333;
  const double c = (-0.25 + t * 0.2) + t2 * -0.16666666666666666;
  const double P = t + t2 * (a + t2 * c);
  const double ed = static_cast<double>(e);
  const double S = ed * fast::ln2_hi + tb::log_c128[j];
  return S + (P + ed * fast::ln2_lo);
}
// sin/cos as sincos_lane (Cody-Waite, 2^-30 <= |r|, |x| < 2^21) with sin r of degree 5 and cos
// r of degree 4: truncation |r|^6/7! relative to sin r (2^-44.4) and r^6/6! relative to cos r
// >= 0.9997 (2^-41.6), |r| <= pi/128 (1 + 2^-26); the combination S_j cos r + C_j sin r
// cancels by at most 2.998 (sincos_fast), so those become <= 2^-40.01 besides sincos_fast's
// 16.03u: < 2^-40. Bound 2^-39.
// sin(q pi/64) for q = 0 .. 127 from sin_pi64 (exact: a sign and an index), so that
// sin(q pi/64 + r) = T_q cos r + T_(q+32) sin r needs no choice on the octant: the same
// products and sums as sincos_lane's two combinations, up to exact negations.
struct sin_q_table {
  double v[128];
};
FLOATLAB_HOST_DEVICE constexpr sin_q_table make_sin_q_table() noexcept {
  sin_q_table t{};
  for (int q = 0; q < 128; ++q) {
    const int Q = q >> 5, j = q & 31;
    const double m = (Q & 1) != 0 ? tb::sin_pi64[32 - j][0] : tb::sin_pi64[j][0];
    t.v[q] = (Q & 2) != 0 ? -m : m;
  }
  return t;
}
#if defined(__CUDA_ARCH__)
__device__ constexpr sin_q_table sin_q = make_sin_q_table();
#else
inline constexpr sin_q_table sin_q = make_sin_q_table();
#endif
FLOATLAB_MATH_HOT double sincos_short(double x, int shift) noexcept {
  const double ax = fabs_d(x);
  const auto [r, n] = reduce_pi64_lane(ax);
  const double r2 = r * r;
  const double sr = r + r * r2 * (-tb::inv_fact[3][0] + r2 * tb::inv_fact[5][0]);
  const double cr = 1.0 + r2 * (-0.5 + r2 * tb::inv_fact[4][0]);
  const std::int64_t q = (n + shift) & 127;
  const double v = sin_q.v[q] * cr + sin_q.v[(q + 32) & 127] * sr;
  const std::uint64_t flip = shift == 0 ? bit_cast<std::uint64_t>(x) & 0x8000000000000000ull : 0;  // sin(-x) = -sin x
  const double sv = bit_cast<double>(bit_cast<std::uint64_t>(v) ^ flip);
  // NaN (declined) where sincos_fast would use Payne-Hanek: |r| < 2^-30, or |x| >= 2^21 (run()
  // reaches ziv there for bfloat16).
  return select_lane((fabs_d(r) >= 0x1p-30) & (ax < 0x1p21), sv, bit_cast<double>(0x7FF8000000000000ull));
}
// sin/cos on the short pattern step (session 13): x a value of at most 12 significant bits
// with 2^-10 <= |x| < 2^21 (fn_sin / fn_cos pattern_hot), sincos_short's reduction with sin r
// of degree 3 and cos r of degree 2 and no decline: r off by 2^-85 + u|r| (sincos_fast's
// Cody-Waite bound, x of <= 24 bits below 2^21), and |r| >= 2^-22.8 on every such x
// (generator: sincos_pattern_min_r_log2, all 63488 values), so r is off by 1.01u relative.
// Truncation (generator, |r| <= pi/128): sin r 2^-28.3 relative (sin_terms1_bound_log2), cos r
// 2^-25.9 (cos_terms1_bound_log2); evaluation: sr 2u + 2^-13 u, cr u + 2^-11 u. j = q mod 32 = 0:
// one table entry is +-0, the other +-1: v = +-sr or +-cr exactly, < 2^-25.8. j != 0: T_q and
// T_(q+32) (u each), the products and the sum (u each), and the cancellation of S cos r + C sin r
// by at most 2.998 (sincos_fast): 2.998 (2^-25.9 + 3.1u) + u < 2^-24.3. Bound 2^-24.
FLOATLAB_MATH_HOT double sincos_pattern(double x, int shift) noexcept {
  static_assert(tb::sin_terms1_bound_log2 <= -28.3 && tb::cos_terms1_bound_log2 <= -25.9 &&
                    tb::sincos_pattern_min_r_log2 >= -22.8,
                "sincos_pattern: the derivation uses the generator's bounds");
  const auto [r, n] = reduce_pi64_lane(fabs_d(x));
  const double r2 = r * r;
  const double sr = r + r * r2 * -tb::inv_fact[3][0];
  const double cr = 1.0 + r2 * -0.5;
  const std::int64_t q = (n + shift) & 127;
  const double v = sin_q.v[q] * cr + sin_q.v[(q + 32) & 127] * sr;
  const std::uint64_t flip = shift == 0 ? bit_cast<std::uint64_t>(x) & 0x8000000000000000ull : 0;  // sin(-x) = -sin x
  return bit_cast<double>(bit_cast<std::uint64_t>(v) ^ flip);
}

// The short step's rounding: s = v 2^k (k clamped to double's exponents: a clamped s lies far
// outside the format's range, |v| in [2^-2, 4]); in the format's normal range (which implies s
// normal, so the scaling was exact and s has v's significand) fast_round's cell test on s's low
// bits and encode_direct's encoding; outside it, between 2^-1000 and 2^1000, the double path's
// encoder; beyond, declined.
template <class Fmt, class Mode, int Eps>
FLOATLAB_MATH_HOT bool short_round(const fast_value& r, std::uint32_t w, typename Fmt::storage& out) noexcept {
  if constexpr (direct_encode_ok<Fmt, Mode>) {
    constexpr int q = Fmt::precision + 1;
    constexpr std::uint64_t cell = std::uint64_t{1} << (53 - q), rad = std::uint64_t{1} << (Eps + 53);
    static_assert(rad < cell / 4, "short_round: the bound must leave room in the cell");
    const int k = r.k < -1022 ? -1022 : r.k > 1023 ? 1023 : r.k;
    const double s = r.v * pow2_lane(k);
    const std::uint64_t b = bit_cast<std::uint64_t>(s);
    const std::uint64_t mag = b & 0x7FFFFFFFFFFFFFFFull;
    const std::uint64_t d = b & (cell - 1);
    if (d - rad > cell - 2 * rad) return false;  // d < rad or d + rad > cell (unsigned)
    if (!direct_grid<Fmt>::in_range(mag)) {      // outside [2^emin, largest finite]
      // Subnormal and overflowing results, 2^-1000 <= |s| <= 2^1000 (the clamped values lie
      // outside): the double path's encoder, as fast_round (every subnormal grid point and
      // midpoint, and the overflow threshold, are points of the q-bit grid at s's binade).
      constexpr std::uint64_t lo2 = 0x0170000000000000ull, hi2 = 0x7E70000000000000ull;  // 2^-1000, 2^1000
      if (mag - lo2 > hi2 - lo2) return false;
      out = encode_from<Fmt, Mode, double>(s, 0, w);
      return true;
    }
    return encode_direct<Fmt, Mode>(s, out);  // true: s is in its range
  } else {
    return false;
  }
}

template <class Fn>
struct unary_kernel {
  double x;
  template <int N>
  FLOATLAB_HOST_DEVICE scaled<N> eval() const noexcept {
    return Fn::template eval<N>(x);
  }
};
template <class Fn, class = void>
struct has_short_step : std::false_type {};
template <class Fn>
struct has_short_step<Fn, std::void_t<decltype(Fn::eval_short(0.0))>> : std::true_type {};
template <class Fn, class = void>
struct has_fast_step : std::false_type {};
template <class Fn>
struct has_fast_step<Fn, std::void_t<decltype(Fn::eval1(0.0))>> : std::true_type {};

// The short step for formats of <= 12 bits where the function has one (Fn::eval_short, bound
// Fn::eps_short_log2, short_ok), the double step where the function has one (Fn::eval1, bound
// Fn::eps1_log2) and the rounding needs q <= 50 bits, then double-word and triple-double.
template <class Fmt, class Mode, class Fn>
FLOATLAB_HOST_DEVICE typename Fmt::storage ziv_double(double x, std::uint32_t w) noexcept {
  if constexpr (has_fast_step<Fn>::value && Fmt::precision + stochastic_bits_v<Mode> + 1 <= 50) {
    typename Fmt::storage out{};
    const fast_value r = Fn::eval1(x);
    if (fast_round<Fmt, Mode>(r, r.eps != 0 ? r.eps : Fn::eps1_log2, w, out)) {
      FLOATLAB_MATH_COUNT(calls);
      return out;
    }
    FLOATLAB_MATH_COUNT(fast_misses);
  }
  return ziv_kernel<Fmt, Mode>(unary_kernel<Fn>{x}, Fn::eps2_log2, Fn::eps3_log2, w);
}
// The short step inlined into the caller (its constants then stay in registers over a loop),
// the rest a call.
template <class Fmt, class Mode, class Fn>
FLOATLAB_MATH_HOT typename Fmt::storage ziv(double x, std::uint32_t w) noexcept {
  if constexpr (has_short_step<Fn>::value && short_ok<Fmt, Mode>) {  // session 8
    typename Fmt::storage out{};
    if (short_round<Fmt, Mode, Fn::eps_short_log2>(Fn::eval_short(x), w, out)) {
      FLOATLAB_MATH_COUNT(calls);
      return out;
    }
    FLOATLAB_MATH_COUNT(short_misses);
  }
  return ziv_double<Fmt, Mode, Fn>(x, w);
}

// ---- the functions: special values, exact and asymptotic cases, then ziv ------------------
// x arrives decoded: cls, sign, and (finite) the exact double value.

struct in {
  value_class cls;
  bool neg;
  double x;
};

#define FLOATLAB_MATH_SPECIALS_NAN \
  if (a.cls == value_class::nan) return pack_nan<Fmt>();

struct fn_exp {
  static constexpr int eps2_log2 = -100, eps3_log2 = -150;  // 5u^2, 6u^3 (exp_core)
  static constexpr int eps1_log2 = -51;                     // 2.05u (exp_fast)
  // Where run() goes straight to ziv (call() tests it first; the array form's lane domain).
  FLOATLAB_MATH_HOT static bool hot(double x) noexcept {
    return static_cast<int>(fabs_d(x) >= 0x1p-60) & static_cast<int>(fabs_d(x) <= 2000);
  }
  // The same set on the double's bits (call(); session 8: integer compares, no domain crossing).
  FLOATLAB_MATH_HOT static bool hot_bits(std::uint64_t b) noexcept {
    return (b & 0x7FFFFFFFFFFFFFFFull) - 0x3C30000000000000ull <= 0x409F400000000000ull - 0x3C30000000000000ull;  // [2^-60, 2000]
  }
  FLOATLAB_HOST_DEVICE static fast_value eval1(double x) noexcept { return exp_fast(x); }
  static constexpr int eps_short_log2 = -44;  // exp_short
  FLOATLAB_HOST_DEVICE static fast_value eval_short(double x) noexcept { return exp_short_scaled(x); }
  // The pattern step (session 9): |x| in [2^-60, 2^9), inside hot's [2^-60, 2000] and the
  // clamp's 700, so exp_short_scaled without the clamp; the same kernel and bound.
  static constexpr int eps_pattern_log2 = -44;
  // Session 10: also binary32 (exp_short's reduction is exact for any double |x| <= 2000).
  static constexpr int eps_pattern_wide_log2 = -44;
  template <class F>
  FLOATLAB_MATH_HOT static bool pattern_hot(std::uint64_t b) noexcept {
    return mag_in_binades<F, -60, 9>(b);
  }
  template <class F>
  FLOATLAB_MATH_HOT static fast_value eval_pattern(std::uint64_t b) noexcept {
    return exp_short_scaled<false>(decode_normal<F>(b));
  }
  template <int N>
  FLOATLAB_HOST_DEVICE static scaled<N> eval(double x) noexcept {
    return exp_core<N>(X<N>(x));
  }
  template <class Fmt, class Mode>
  FLOATLAB_HOST_DEVICE static typename Fmt::storage run(in a, std::uint32_t w) noexcept {
    FLOATLAB_MATH_SPECIALS_NAN
    if (a.cls == value_class::inf) return a.neg ? pack_zero<Fmt>(false) : pack_inf<Fmt>(false);
    if (a.cls == value_class::zero) return exact_value<Fmt, Mode>(false, 1.0, 0, w);
    if (fabs_d(a.x) < 0x1p-60) return near_value<Fmt, Mode>(false, 1.0, a.neg ? -1 : 1, w);  // 1 + x
    if (a.x > 2000) return huge_value<Fmt, Mode>(false, w);
    if (a.x < -2000) return tiny_value<Fmt, Mode>(false, w);
    return ziv<Fmt, Mode, fn_exp>(a.x, w);
  }
};

struct fn_exp2 {
  static constexpr int eps2_log2 = -100, eps3_log2 = -150;  // as exp_core
  static constexpr int eps1_log2 = -51;                     // 2.1u (exp2_fast)
  FLOATLAB_HOST_DEVICE static fast_value eval1(double x) noexcept { return exp2_fast(x); }
  template <int N>
  FLOATLAB_HOST_DEVICE static scaled<N> eval(double x) noexcept {
    return exp2_core<N>(x);
  }
  template <class Fmt, class Mode>
  FLOATLAB_HOST_DEVICE static typename Fmt::storage run(in a, std::uint32_t w) noexcept {
    FLOATLAB_MATH_SPECIALS_NAN
    if (a.cls == value_class::inf) return a.neg ? pack_zero<Fmt>(false) : pack_inf<Fmt>(false);
    if (a.cls == value_class::zero) return exact_value<Fmt, Mode>(false, 1.0, 0, w);
    if (fabs_d(a.x) < 0x1p-61) return near_value<Fmt, Mode>(false, 1.0, a.neg ? -1 : 1, w);  // 1 + x ln2
    if (a.x > 2000) return huge_value<Fmt, Mode>(false, w);
    if (a.x < -2000) return tiny_value<Fmt, Mode>(false, w);
    if (nearest_int(a.x) == a.x) return exact_value<Fmt, Mode>(false, 1.0, static_cast<int>(a.x), w);
    return ziv<Fmt, Mode, fn_exp2>(a.x, w);
  }
};

struct fn_expm1 {
  static constexpr int eps2_log2 = -99, eps3_log2 = -150;  // 86u^2, 103u^3
  static constexpr int eps1_log2 = -47;                    // 36u (expm1_fast); e^x alone above 100: 2.05u
  FLOATLAB_HOST_DEVICE static fast_value eval1(double x) noexcept {
    if (x > 100) return exp_fast(x);
    return {expm1_fast(x), 0};
  }
  // Above 100, e^x - 1 = e^x (1 - e^-x): e^x alone is within 2^-144 (and stays scaled).
  template <int N>
  FLOATLAB_HOST_DEVICE static scaled<N> eval(double x) noexcept {
    if (x > 100) return exp_core<N>(X<N>(x));
    return {expm1_core<N>(X<N>(x)), 0};
  }
  template <class Fmt, class Mode>
  FLOATLAB_HOST_DEVICE static typename Fmt::storage run(in a, std::uint32_t w) noexcept {
    FLOATLAB_MATH_SPECIALS_NAN
    if (a.cls == value_class::inf) return a.neg ? exact_value<Fmt, Mode>(true, 1.0, 0, w) : pack_inf<Fmt>(false);
    if (a.cls == value_class::zero) return pack_zero<Fmt>(a.neg);
    // x + x^2/2: larger in magnitude for x > 0, smaller for x < 0.
    if (fabs_d(a.x) < 0x1p-60) return near_value<Fmt, Mode>(a.neg, fabs_d(a.x), a.neg ? -1 : 1, w);
    if (a.x > 2000) return huge_value<Fmt, Mode>(false, w);
    if (a.x < -45) return near_value<Fmt, Mode>(true, 1.0, -1, w);  // -1 + e^x, e^x < 2^-64
    return ziv<Fmt, Mode, fn_expm1>(a.x, w);
  }
};

struct fn_log {
  static constexpr int eps2_log2 = -98, eps3_log2 = -150;  // 133u^2, 200u^3
  static constexpr int eps1_log2 = -51;                    // 3.1u (log_fast)
  // Where run() goes straight to ziv (call() tests it first; the array form's lane domain).
  FLOATLAB_MATH_HOT static bool hot(double x) noexcept {
    return static_cast<int>(x >= 0x1p-1022) & static_cast<int>(x <= 0x1.fffffffffffffp1023) &
           static_cast<int>(x != 1.0);
  }
  FLOATLAB_MATH_HOT static bool hot_bits(std::uint64_t b) noexcept {  // [2^-1022, max], not 1
    return static_cast<int>(b - 0x0010000000000000ull <= 0x7FEFFFFFFFFFFFFFull - 0x0010000000000000ull) &
           static_cast<int>(b != 0x3FF0000000000000ull);
  }
  FLOATLAB_HOST_DEVICE static fast_value eval1(double x) noexcept { return {log_fast(x), 0}; }
  static constexpr int eps_short_log2 = -35;  // log_short (x != 1: hot)
  FLOATLAB_HOST_DEVICE static fast_value eval_short(double x) noexcept { return {log_short(x), 0}; }
  // The pattern step (session 9, call() with short_ok): log_pattern on the bits, bound 2^-30.
  static constexpr int eps_pattern_log2 = -30;
  template <class F>
  FLOATLAB_MATH_HOT static bool pattern_hot(std::uint64_t b) noexcept {
    return log_pattern_hot<F>(b);
  }
  // Session 10: the formats of 13 to 24 bits (binary32): log_pattern_wide, bound 2^-43.
  static constexpr int eps_pattern_wide_log2 = -43;
  template <class F>
  FLOATLAB_MATH_HOT static fast_value eval_pattern(std::uint64_t b) noexcept {
    if constexpr (F::precision > 12) {
      return {log_pattern_wide<F>(b), 0};
    } else {
      return {log_pattern<F>(b), 0};
    }
  }
  template <int N>
  FLOATLAB_HOST_DEVICE static scaled<N> eval(double x) noexcept {
    return {log_core<N>(X<N>(x)), 0};
  }
  template <class Fmt, class Mode>
  FLOATLAB_HOST_DEVICE static typename Fmt::storage run(in a, std::uint32_t w) noexcept {
    FLOATLAB_MATH_SPECIALS_NAN
    if (a.cls == value_class::zero) return pack_inf<Fmt>(true);  // divideByZero
    if (a.neg) return pack_nan<Fmt>();                           // invalid
    if (a.cls == value_class::inf) return pack_inf<Fmt>(false);
    if (a.x == 1.0) return pack_zero<Fmt>(false);
    return ziv<Fmt, Mode, fn_log>(a.x, w);
  }
};

struct fn_log2 {
  static constexpr int eps2_log2 = -98, eps3_log2 = -150;  // log_core + 6u^2
  static constexpr int eps1_log2 = -50;                    // 3.1u + u + u/2 (the constant)
  FLOATLAB_HOST_DEVICE static fast_value eval1(double x) noexcept { return {log_fast(x) * tb::inv_ln2[0], 0}; }
  template <int N>
  FLOATLAB_HOST_DEVICE static scaled<N> eval(double x) noexcept {
    return {log_core<N>(X<N>(x)) * cst<N>(tb::inv_ln2), 0};
  }
  template <class Fmt, class Mode>
  FLOATLAB_HOST_DEVICE static typename Fmt::storage run(in a, std::uint32_t w) noexcept {
    FLOATLAB_MATH_SPECIALS_NAN
    if (a.cls == value_class::zero) return pack_inf<Fmt>(true);
    if (a.neg) return pack_nan<Fmt>();
    if (a.cls == value_class::inf) return pack_inf<Fmt>(false);
    const int e = exponent_of(a.x);
    if (a.x == pow2(e)) {  // log2(2^e) = e exactly
      if (e == 0) return pack_zero<Fmt>(false);
      return exact_value<Fmt, Mode>(e < 0, static_cast<double>(e < 0 ? -e : e), 0, w);
    }
    return ziv<Fmt, Mode, fn_log2>(a.x, w);
  }
};

struct fn_log1p {
  static constexpr int eps2_log2 = -98, eps3_log2 = -150;  // 190u^2 (log1p_core), 1+x exact
  static constexpr int eps1_log2 = -50;                    // 4.1u (log1p_fast)
  FLOATLAB_HOST_DEVICE static fast_value eval1(double x) noexcept { return {log1p_fast(x), 0}; }
  template <int N>
  FLOATLAB_HOST_DEVICE static scaled<N> eval(double x) noexcept {
    if (fabs_d(x) < 0.0625) return {log1p_small<N>(X<N>(x)), 0};
    return {log_core<N>(X<N>(x) + 1.0), 0};  // 1 + x exact in two terms
  }
  template <class Fmt, class Mode>
  FLOATLAB_HOST_DEVICE static typename Fmt::storage run(in a, std::uint32_t w) noexcept {
    FLOATLAB_MATH_SPECIALS_NAN
    if (a.cls == value_class::zero) return pack_zero<Fmt>(a.neg);
    if (a.cls == value_class::inf) return a.neg ? pack_nan<Fmt>() : pack_inf<Fmt>(false);
    if (a.x == -1.0) return pack_inf<Fmt>(true);
    if (a.x < -1.0) return pack_nan<Fmt>();
    // x - x^2/2: smaller in magnitude for x > 0, larger for x < 0.
    if (fabs_d(a.x) < 0x1p-60) return near_value<Fmt, Mode>(a.neg, fabs_d(a.x), a.neg ? 1 : -1, w);
    return ziv<Fmt, Mode, fn_log1p>(a.x, w);
  }
};

struct fn_tanh {
  static constexpr int eps2_log2 = -98, eps3_log2 = -150;  // 2 * 86u^2 + 12.8u^2; 214u^3
  static constexpr int eps1_log2 = -47;                    // 38u (tanh_fast)
  // Where run() goes straight to ziv (call() tests it first; the array form's lane domain).
  FLOATLAB_MATH_HOT static bool hot(double x) noexcept {
    return static_cast<int>(fabs_d(x) >= 0x1p-30) & static_cast<int>(fabs_d(x) <= 21);
  }
  FLOATLAB_HOST_DEVICE static fast_value eval1(double x) noexcept { return tanh_fast(x); }
  template <int N>
  FLOATLAB_HOST_DEVICE static scaled<N> eval(double x) noexcept {
    const X<N> em = expm1_core<N>(X<N>(2 * fabs_d(x)));
    const X<N> y = em / (em + 2.0);
    return {x < 0 ? -y : y, 0};
  }
  template <class Fmt, class Mode>
  FLOATLAB_HOST_DEVICE static typename Fmt::storage run(in a, std::uint32_t w) noexcept {
    FLOATLAB_MATH_SPECIALS_NAN
    if (a.cls == value_class::inf) return exact_value<Fmt, Mode>(a.neg, 1.0, 0, w);
    if (a.cls == value_class::zero) return pack_zero<Fmt>(a.neg);
    if (fabs_d(a.x) < 0x1p-30) return near_value<Fmt, Mode>(a.neg, fabs_d(a.x), -1, w);  // x - x^3/3
    if (fabs_d(a.x) > 21) return near_value<Fmt, Mode>(a.neg, 1.0, -1, w);               // 1 - 2e^-2|x|
    return ziv<Fmt, Mode, fn_tanh>(a.x, w);
  }
};

struct fn_erf {
  static constexpr int eps2_log2 = -93, eps3_log2 = -145;  // erf_core
  static constexpr int eps1_log2 = -48;                    // 24.6u (erf_fast)
  FLOATLAB_HOST_DEVICE static fast_value eval1(double x) noexcept {
    const double y = erf_fast(fabs_d(x));  // |x| < 6.4 here
    return {x < 0 ? -y : y, 0};
  }
  template <int N>
  FLOATLAB_HOST_DEVICE static scaled<N> eval(double x) noexcept {
    const double z = fabs_d(x);
    const X<N> y = erf_core<N>(X<N>(z), scale_x<N>(exact_product<N>(z, z), 1));
    return {x < 0 ? -y : y, 0};
  }
  template <class Fmt, class Mode>
  FLOATLAB_HOST_DEVICE static typename Fmt::storage run(in a, std::uint32_t w) noexcept {
    FLOATLAB_MATH_SPECIALS_NAN
    if (a.cls == value_class::inf) return exact_value<Fmt, Mode>(a.neg, 1.0, 0, w);
    if (a.cls == value_class::zero) return pack_zero<Fmt>(a.neg);
    if (fabs_d(a.x) >= 6.4) return near_value<Fmt, Mode>(a.neg, 1.0, -1, w);  // erfc(6.4) < 2^-61
    return ziv<Fmt, Mode, fn_erf>(a.x, w);
  }
};

// e^x as v 2^k, and 1 + e^x (the 2^k folded in; 1 when e^x < 2^-200, relative error 2^-200).
template <int N>
FLOATLAB_HOST_DEVICE X<N> one_plus(const scaled<N>& e) noexcept {
  if (e.k < -200) return X<N>(1.0);
  return scale_x<N>(e.v, e.k) + 1.0;
}

// logistic(x) = 1/(1 + e^-x) for x >= 0 (E: 5u^2, 1 + E: 3u^2 + 5u^2, 1/: 9.8u^2: 18u^2),
// e^x/(1 + e^x) for x < 0 (5u^2 + 8u^2 + 9.8u^2 = 23u^2); N = 3: 24u^3.
template <int N>
FLOATLAB_HOST_DEVICE scaled<N> logistic_core(double x) noexcept {
  if (x >= 0) return {X<N>(1.0) / one_plus<N>(exp_core<N>(X<N>(-x))), 0};
  const scaled<N> e = exp_core<N>(X<N>(x));
  return {e.v / one_plus<N>(e), e.k};
}

struct fn_logistic {
  static constexpr int eps2_log2 = -100, eps3_log2 = -150;  // 23u^2, 24u^3
  static constexpr int eps1_log2 = -50;                     // 5.2u (logistic_fast)
  // Where run() goes straight to ziv (call() tests it first; the array form's lane domain).
  FLOATLAB_MATH_HOT static bool hot(double x) noexcept {
    return static_cast<int>(fabs_d(x) >= 0x1p-41) & static_cast<int>(x <= 42) & static_cast<int>(x >= -1000);
  }
  FLOATLAB_MATH_HOT static bool hot_bits(std::uint64_t b) noexcept {  // |x| >= 2^-41, -1000 <= x <= 42
    const std::uint64_t top = (b >> 63) != 0 ? 0x408F400000000000ull : 0x4045000000000000ull;
    return (b & 0x7FFFFFFFFFFFFFFFull) - 0x3D60000000000000ull <= top - 0x3D60000000000000ull;
  }
  FLOATLAB_HOST_DEVICE static fast_value eval1(double x) noexcept { return logistic_fast(x); }
  static constexpr int eps_short_log2 = -42;  // logistic_short
  FLOATLAB_HOST_DEVICE static fast_value eval_short(double x) noexcept { return logistic_short(x); }
  // The pattern step (session 9): |x| in [2^-41, 2^5), inside hot's set and the clamp's 700:
  // logistic_short without the clamp; the same kernel and bound. Session 13, the short formats
  // (p <= 12): logistic_pattern on 2^-22 <= |x| < 16, bound 2^-24 (below 2^-22 the result is
  // within 2^-24 of 1/2, beyond 16 within 2^-23 of 1 or below e^-16: the test would mostly fail
  // there; those take the double step, as before).
  static constexpr int eps_pattern_log2 = -24;
  static constexpr int eps_pattern_wide_log2 = -42;  // session 10: binary32 (any double |x| <= 700)
  template <class F>
  FLOATLAB_MATH_HOT static bool pattern_hot(std::uint64_t b) noexcept {
    if constexpr (F::precision <= 12) {
      return mag_in_binades<F, -22, 4>(b);
    } else {
      return mag_in_binades<F, -41, 5>(b);
    }
  }
  template <class F>
  FLOATLAB_MATH_HOT static fast_value eval_pattern(std::uint64_t b) noexcept {
    if constexpr (F::precision <= 12) {
      return logistic_pattern(decode_normal<F>(b));
    } else {
      return logistic_short<false>(decode_normal<F>(b));
    }
  }
  template <int N>
  FLOATLAB_HOST_DEVICE static scaled<N> eval(double x) noexcept {
    return logistic_core<N>(x);
  }
  template <class Fmt, class Mode>
  FLOATLAB_HOST_DEVICE static typename Fmt::storage run(in a, std::uint32_t w) noexcept {
    FLOATLAB_MATH_SPECIALS_NAN
    if (a.cls == value_class::inf) return a.neg ? pack_zero<Fmt>(false) : exact_value<Fmt, Mode>(false, 1.0, 0, w);
    if (a.cls == value_class::zero) return exact_value<Fmt, Mode>(false, 0.5, 0, w);
    // 1/2 + x/4 - x^3/48 + ...: below 1/2 + x/4 for x > 0, above for x < 0 (the double-word
    // and triple-double steps could not see x^3/48 when 1/2 + x/4 is a grid point).
    if (fabs_d(a.x) < 0x1p-60) return near_value<Fmt, Mode>(false, 0.5, a.neg ? -1 : 1, w);
    if (fabs_d(a.x) < 0x1p-41) return near_exact<Fmt, Mode>(false, 0.5, a.x * 0.25, a.neg ? 1 : -1, w);
    if (a.x > 42) return near_value<Fmt, Mode>(false, 1.0, -1, w);  // 1 - e^-x, e^-x < 2^-60
    if (a.x < -1000) return tiny_value<Fmt, Mode>(false, w);
    return ziv<Fmt, Mode, fn_logistic>(a.x, w);
  }
};

struct fn_silu {
  static constexpr int eps2_log2 = -99, eps3_log2 = -150;  // logistic + 5u^2
  static constexpr int eps1_log2 = -50;                    // 5.2u + u
  FLOATLAB_HOST_DEVICE static fast_value eval1(double x) noexcept {
    const fast_value s = logistic_fast(x);
    return {s.v * x, s.k};
  }
  template <int N>
  FLOATLAB_HOST_DEVICE static scaled<N> eval(double x) noexcept {
    const scaled<N> s = logistic_core<N>(x);
    return {s.v * x, s.k};
  }
  template <class Fmt, class Mode>
  FLOATLAB_HOST_DEVICE static typename Fmt::storage run(in a, std::uint32_t w) noexcept {
    FLOATLAB_MATH_SPECIALS_NAN
    if (a.cls == value_class::inf) return a.neg ? pack_zero<Fmt>(true) : pack_inf<Fmt>(false);
    if (a.cls == value_class::zero) return pack_zero<Fmt>(a.neg);
    // x/2 + x^2/4 - x^4/48 + ...: in magnitude below |x/2 + x^2/4| for x > 0, above for x < 0.
    if (fabs_d(a.x) < 0x1p-60) return near_value<Fmt, Mode>(a.neg, fabs_d(a.x) * 0.5, a.neg ? -1 : 1, w);
    if (fabs_d(a.x) < 0x1p-41) {  // x^2/4 within 2^-61..2^-42 of x/2: every bit above 2^-124 of g
      const eft_result<double> g = two_sum(fabs_d(a.x) * 0.5, a.neg ? -(a.x * a.x * 0.25) : a.x * a.x * 0.25);
      return near_exact<Fmt, Mode>(a.neg, g.hi, g.lo, a.neg ? 1 : -1, w);
    }
    if (a.x > 42) return near_value<Fmt, Mode>(false, a.x, -1, w);  // x (1 - e^-x)
    if (a.x < -1000) return tiny_value<Fmt, Mode>(true, w);
    return ziv<Fmt, Mode, fn_silu>(a.x, w);
  }
};

// softplus(x) = log(1 + e^x): x > 0: x + log1p(e^-x) (positive sum; log1p_core 190u^2 + E's
// 5u^2, + 3u^2); x <= 0: log1p(e^x) (e^x < 2^-200: e^x itself, relative error 2^-200).
struct fn_softplus {
  static constexpr int eps2_log2 = -98, eps3_log2 = -150;
  static constexpr int eps1_log2 = -50;  // 7.2u (softplus_fast)
  FLOATLAB_HOST_DEVICE static fast_value eval1(double x) noexcept { return softplus_fast(x); }
  template <int N>
  FLOATLAB_HOST_DEVICE static scaled<N> eval(double x) noexcept {
    const scaled<N> e = exp_core<N>(X<N>(x > 0 ? -x : x));
    if (e.k < -200) return e;  // only for x <= 0 (x > 0 is below 42 here)
    const X<N> l = log1p_core<N>(scale_x<N>(e.v, e.k));
    if (x > 0) return {l + x, 0};
    return {l, 0};
  }
  template <class Fmt, class Mode>
  FLOATLAB_HOST_DEVICE static typename Fmt::storage run(in a, std::uint32_t w) noexcept {
    FLOATLAB_MATH_SPECIALS_NAN
    if (a.cls == value_class::inf) return a.neg ? pack_zero<Fmt>(false) : pack_inf<Fmt>(false);
    if (a.x > 42) return near_value<Fmt, Mode>(false, a.x, 1, w);  // x + e^-x, e^-x < 2^-60
    if (a.x < -1000) return tiny_value<Fmt, Mode>(false, w);
    return ziv<Fmt, Mode, fn_softplus>(a.cls == value_class::zero ? 0.0 : a.x, w);
  }
};

// gelu_tanh(x) = x/2 (1 + tanh(sqrt(2/pi)(x + 0.044715 x^3))) = x / (1 + e^-2u) with
// u = sqrt(2/pi)(x + 0.044715 x^3) (no cancellation). 2u: x^2 exact, * x 2u^2, * c 5u^2 + u^2,
// + x 3u^2 (same signs), * sqrt(2/pi) 5u^2 + u^2: 17u^2 relative, so e^-2u is off by
// |2u| 17u^2 + 5u^2 <= 10260u^2 for |x| <= 20 (|2u| <= 603): then + 8u^2 + 9.8u^2 + 5u^2:
// 2^-92.6; N = 3: 2^-143.
struct fn_gelu_tanh {
  static constexpr int eps2_log2 = -92, eps3_log2 = -143;
  static constexpr int eps1_log2 = -40;  // the largest run-time bound (|2u| <= 603: 7243u)
  FLOATLAB_HOST_DEVICE static fast_value eval1(double x) noexcept { return gelu_tanh_fast(x); }
  template <int N>
  FLOATLAB_HOST_DEVICE static scaled<N> eval(double x) noexcept {
    const X<N> x3 = exact_product<N>(x, x) * x;
    const X<N> u2 = scale_x<N>((cst<N>(tb::gelu_tanh_c) * x3 + x) * cst<N>(tb::sqrt_2_over_pi), 1);
    if (x >= 0) return {X<N>(x) / one_plus<N>(exp_core<N>(-u2)), 0};
    const scaled<N> e = exp_core<N>(u2);
    return {e.v * x / one_plus<N>(e), e.k};
  }
  template <class Fmt, class Mode>
  FLOATLAB_HOST_DEVICE static typename Fmt::storage run(in a, std::uint32_t w) noexcept {
    FLOATLAB_MATH_SPECIALS_NAN
    if (a.cls == value_class::inf) return a.neg ? pack_zero<Fmt>(true) : pack_inf<Fmt>(false);
    if (a.cls == value_class::zero) return pack_zero<Fmt>(a.neg);
    // x/2 + sqrt(2/pi) x^2/2 + ...: larger in magnitude for x > 0, smaller for x < 0.
    if (fabs_d(a.x) < 0x1p-61) return near_value<Fmt, Mode>(a.neg, fabs_d(a.x) * 0.5, a.neg ? -1 : 1, w);
    if (a.x > 7.5) return near_value<Fmt, Mode>(false, a.x, -1, w);  // x (1 - e^-2u), 2u > 42
    if (a.x < -20) return tiny_value<Fmt, Mode>(true, w);            // |x| e^2u < 2^-860
    return ziv<Fmt, Mode, fn_gelu_tanh>(a.x, w);
  }
};

// gelu(x) = x Phi(x) = x/2 (1 + erf(x/sqrt2)). x >= 0: x/2 (1 + erf z), z = x/sqrt2 (3u^2;
// z^2 = x^2/2 exact), no cancellation: 2^-94 + 8u^2. x < 0: x/2 erfc(|z|); erfc(|z|) =
// 1 - erf(|z|) for |z| < 2 with erf in one more term (expansion<N+1>: 2^-148 relative,
// times 1/erfc(2) < 2^7.8 from the cancellation: 2^-140), Laplace's continued fraction
// for |z| >= 2 (2^-93.4; N = 3: 2^-146).
struct fn_gelu {
  static constexpr int eps2_log2 = -92, eps3_log2 = -139;
  // The double step: z = RN(|x| RN(1/sqrt2)) (1.5u relative; z erf'(z) <= erf(z), so erf's
  // absolute error stays <= (24.6 + 1.5)u erf(z)). x >= 0: x/2 (1 + erf z), a positive sum and a
  // product: 28.1u (2^-47). x < 0: x/2 erfc(z), erfc z = w = 1 - erf_fast(z) (Sterbenz when
  // erf >= 1/2, else one rounding): (26.1 (1 - w)/w + 1)u relative, the product u: bound
  // (2 + 26.2/w) u at run time, used while w >= 2^-20 (z <= 3.4); below, no double step.
  static constexpr int eps1_log2 = -27;  // the largest run-time bound (w >= 2^-20)
  FLOATLAB_HOST_DEVICE static fast_value eval1(double x) noexcept {
    const double ax = fabs_d(x);
    if (ax >= 9) return {0.0, 0};  // z >= 6.36: not here (the rounding test fails on 0)
    const double e = erf_fast(ax * tb::inv_sqrt2[0]);
    if (x >= 0) return {0.5 * x * (1 + e), 0, -47};
    const double w = 1 - e;
    if (!(w >= 0x1p-20)) return {0.0, 0};
    return {0.5 * x * w, 0, exponent_of((2 + 26.2 / w) * (1 + 0x1p-20)) + 1 - 53};
  }
  template <int N>
  FLOATLAB_HOST_DEVICE static scaled<N> eval(double x) noexcept {
    const double ax = fabs_d(x);
    const X<N> x2h = scale_x<N>(exact_product<N>(ax, ax), -1);  // z^2, exact
    if (x >= 0) {
      const X<N> z = cst<N>(tb::inv_sqrt2) * ax;
      return {scale_x<N>((erf_core<N>(z, scale_x<N>(x2h, 1)) + 1.0) * x, -1), 0};
    }
    if (ax < 2.8284271247461903) {  // |z| < 2 (the cut point need not be exact)
      constexpr int M = N + 1;
      const X<M> z = cst<M>(tb::inv_sqrt2) * ax;
      const X<M> x2 = exact_product<M>(ax, ax);  // 2 z^2, exact
      const X<M> erfc = X<M>(1.0) - erf_core<M>(z, x2);
      double t[N] = {};
      const X<M> y = scale_x<M>(erfc * x, -1);
      for (int i = 0; i < N; ++i) t[i] = y[i];  // truncation: < 2^-(53N) relative more
      return {X<N>::from_array(t), 0};
    }
    const scaled<N> e = erfc_cf<N>(cst<N>(tb::inv_sqrt2) * ax, x2h);
    return {scale_x<N>(e.v * x, -1), e.k};
  }
  template <class Fmt, class Mode>
  FLOATLAB_HOST_DEVICE static typename Fmt::storage run(in a, std::uint32_t w) noexcept {
    FLOATLAB_MATH_SPECIALS_NAN
    if (a.cls == value_class::inf) return a.neg ? pack_zero<Fmt>(true) : pack_inf<Fmt>(false);
    if (a.cls == value_class::zero) return pack_zero<Fmt>(a.neg);
    // x/2 + x^2/sqrt(2 pi) + ...: larger in magnitude for x > 0, smaller for x < 0.
    if (fabs_d(a.x) < 0x1p-61) return near_value<Fmt, Mode>(a.neg, fabs_d(a.x) * 0.5, a.neg ? -1 : 1, w);
    if (a.x > 9) return near_value<Fmt, Mode>(false, a.x, -1, w);  // x (1 - erfc(6.36)/2)
    if (a.x < -40) return tiny_value<Fmt, Mode>(true, w);          // 40 erfc(28.3)/2 < 2^-1150
    return ziv<Fmt, Mode, fn_gelu>(a.x, w);
  }
};

// logistic'(x) = s(1 - s) = E/(1 + E)^2, E = e^-|x| (even): E 5u^2, 1 + E 8u^2, squared 21u^2,
// quotient 9.8u^2: 36u^2 (2^-100.8); N = 3: 40u^3. tanh'(x) = 1 - tanh^2 = 4E/(1 + E)^2 with
// E = e^-2|x|: the same bound.
template <int N>
FLOATLAB_HOST_DEVICE scaled<N> bell_core(double ax) noexcept {
  const scaled<N> e = exp_core<N>(X<N>(-ax));
  const X<N> d = one_plus<N>(e);
  return {e.v / (d * d), e.k};
}

struct fn_logistic_grad {
  static constexpr int eps2_log2 = -100, eps3_log2 = -150;
  static constexpr int eps1_log2 = -49;  // 8.1u (bell_fast)
  FLOATLAB_HOST_DEVICE static fast_value eval1(double x) noexcept { return bell_fast(fabs_d(x)); }
  template <int N>
  FLOATLAB_HOST_DEVICE static scaled<N> eval(double x) noexcept {
    return bell_core<N>(fabs_d(x));
  }
  template <class Fmt, class Mode>
  FLOATLAB_HOST_DEVICE static typename Fmt::storage run(in a, std::uint32_t w) noexcept {
    FLOATLAB_MATH_SPECIALS_NAN
    if (a.cls == value_class::inf) return pack_zero<Fmt>(false);
    if (a.cls == value_class::zero) return exact_value<Fmt, Mode>(false, 0.25, 0, w);
    if (fabs_d(a.x) < 0x1p-31) return near_value<Fmt, Mode>(false, 0.25, -1, w);  // 1/4 - x^2/16
    if (fabs_d(a.x) > 1000) return tiny_value<Fmt, Mode>(false, w);
    return ziv<Fmt, Mode, fn_logistic_grad>(a.x, w);
  }
};

struct fn_tanh_grad {
  static constexpr int eps2_log2 = -100, eps3_log2 = -150;
  static constexpr int eps1_log2 = -49;  // 8.1u (bell_fast)
  FLOATLAB_HOST_DEVICE static fast_value eval1(double x) noexcept {
    const fast_value b = bell_fast(2 * fabs_d(x));
    return {b.v, b.k + 2};
  }
  template <int N>
  FLOATLAB_HOST_DEVICE static scaled<N> eval(double x) noexcept {
    const scaled<N> b = bell_core<N>(2 * fabs_d(x));
    return {b.v, b.k + 2};
  }
  template <class Fmt, class Mode>
  FLOATLAB_HOST_DEVICE static typename Fmt::storage run(in a, std::uint32_t w) noexcept {
    FLOATLAB_MATH_SPECIALS_NAN
    if (a.cls == value_class::inf) return pack_zero<Fmt>(false);
    if (a.cls == value_class::zero) return exact_value<Fmt, Mode>(false, 1.0, 0, w);
    if (fabs_d(a.x) < 0x1p-31) return near_value<Fmt, Mode>(false, 1.0, -1, w);  // 1 - x^2
    if (fabs_d(a.x) > 500) return tiny_value<Fmt, Mode>(false, w);
    return ziv<Fmt, Mode, fn_tanh_grad>(a.x, w);
  }
};

// ---- sin and cos -------------------------------------------------------------------------
// Reduction: x = n pi/64 + r, |r| <= pi/128, n mod 128 kept. For |x| < 2^-6 (below pi/128)
// n = 0 and r = x. Otherwise Payne-Hanek (Payne, Hanek, "Radian reduction for trigonometric
// functions", SIGNUM Newsletter 18(1), 1983; Ng, "Argument reduction for huge arguments: good
// to the last bit", 1992) in integer arithmetic: x = m 2^e (m < 2^53), and x 64/pi =
// m 2^(e+5) sum_i b_i 2^-i with b_i the bits of 2/pi. Bits with e + 5 - i >= 7 contribute
// multiples of 128 (m is an integer): the window starts at s = max(1, e - 1), holds 320 bits
// and m times it is exact (6 words). It leaves sh >= 313 bits below the point, and the
// omitted tail of 2/pi is < m 2^-sh < 2^-260 in units of x 64/pi. Over every double y the
// distance of y 2/pi to the nearest integer is at least 2^-61.6 (Muller, "Elementary
// Functions", 3rd ed., 2016, 11.4: the worst case y = 6381956970095103 2^797 has |y mod pi/2|
// = 2^-60.9); x 64/pi = (32 x) 2/pi with 32 x a double (|x| < 2^1019), so the fraction f has
// at most 62 leading zeros and at least 251 known bits: relative error < 2^-198. Its first
// 212 bits become four exact doubles; r = f pi/64 with the constant in N terms. Relative error
// of r: N = 2: two + 2u^2 (the chunks), constant u^2, * 5u^2: 10u^2; N = 3: 17u^3.
struct trig_reduced {
  int n;        // n mod 128
  bool neg;     // sign of r
  double d[4];  // |r| / (pi/64) = d0 + d1 + d2 + d3 (exact doubles, decreasing, non-overlapping)
};

// 64 bits of the little-endian 384-bit p starting at bit pos >= 0 (bits above 383 read as zero).
FLOATLAB_HOST_DEVICE constexpr std::uint64_t bits_at(const std::uint64_t (&p)[6], int pos) noexcept {
  std::uint64_t r = 0;
  for (int i = 0; i < 64; i += 32) {  // two 32-bit halves keep every shift below 64
    const int q = pos + i;
    if (q >= 384) continue;
    const int w = q / 64, o = q % 64;
    std::uint64_t v = p[w] >> o;
    if (o > 32 && w + 1 < 6) v |= p[w + 1] << (64 - o);
    r |= (v & 0xFFFFFFFFull) << i;
  }
  return r;
}

FLOATLAB_HOST_DEVICE trig_reduced payne_hanek(double ax) noexcept {  // ax >= 2^-6, finite
  const std::uint64_t m = (bit_cast<std::uint64_t>(ax) & 0xFFFFFFFFFFFFFull) | (std::uint64_t{1} << 52);
  const int e = exponent_of(ax) - 52;   // ax = m 2^e
  const int E = e + 5;                  // x 64/pi = m 2^E (2/pi)
  const int s = E - 6 > 1 ? E - 6 : 1;  // first bit of 2/pi that matters mod 128
  const int w = (s - 1) / 64, off = (s - 1) % 64;
  std::uint64_t f[5];  // the window, little-endian: f[4] holds bits s .. s+63
  for (int k = 0; k < 5; ++k) {
    const std::uint64_t hi = tb::two_over_pi_bits[w + k], lo = tb::two_over_pi_bits[w + k + 1];
    f[4 - k] = off == 0 ? hi : (hi << off) | (lo >> (64 - off));
  }
  std::uint64_t p[6] = {};
  for (int k = 0; k < 5; ++k) {  // p += m f[k] 2^(64k)
    const u128 prod = static_cast<u128>(m) * f[k];
    u128 acc = static_cast<u128>(p[k]) + static_cast<std::uint64_t>(prod);
    p[k] = static_cast<std::uint64_t>(acc);
    acc = (acc >> 64) + p[k + 1] + static_cast<std::uint64_t>(prod >> 64);
    p[k + 1] = static_cast<std::uint64_t>(acc);
    for (int c = k + 2; c < 6 && (acc >> 64) != 0; ++c) {
      acc = static_cast<u128>(p[c]) + 1;
      p[c] = static_cast<std::uint64_t>(acc);
    }
  }
  const int sh = s + 319 - E;  // x 64/pi = p 2^-sh; 313 <= sh <= 373
  trig_reduced t{static_cast<int>(bits_at(p, sh) & 127), false, {0, 0, 0, 0}};
  std::uint64_t g[4];  // the 256 fraction bits below the point, g[0] the top
  for (int i = 0; i < 4; ++i) g[i] = bits_at(p, sh - 64 * (i + 1));
  if (g[0] >> 63) {  // f >= 1/2: n + 1 and the fraction 1 - g, negative
    t.n = (t.n + 1) & 127;
    t.neg = true;
    bool borrow = true;  // two's complement of the 256-bit g
    for (int i = 3; i >= 0; --i) {
      g[i] = ~g[i] + (borrow ? 1 : 0);
      borrow = borrow && g[i] == 0;
    }
  }
  // Leading zeros of g (at least 1, at most 63 by the bound above), then h = g << lz.
  int wz = 0;
  while (wz < 3 && g[wz] == 0) ++wz;
  if (g[wz] == 0) return t;  // not reached (f != 0); r = 0 then
  const int bz = 63 - msb(g[wz]);
  const int lz = 64 * wz + bz;
  std::uint64_t h[4];
  for (int i = 0; i < 4; ++i) {
    const std::uint64_t a = i + wz < 4 ? g[i + wz] : 0, b = i + wz + 1 < 4 ? g[i + wz + 1] : 0;
    h[i] = bz == 0 ? a : (a << bz) | (b >> (64 - bz));
  }
  for (int c = 0; c < 4; ++c) {  // chunk c: bits 53c .. 53c + 52 of h, from the top
    const int w = 53 * c / 64, o = 53 * c % 64;
    const std::uint64_t top = o == 0 ? h[w] : (h[w] << o) | (h[w + 1] >> (64 - o));
    t.d[c] = static_cast<double>(top >> 11) * pow2(-53 * (c + 1) - lz);  // exact: 53 bits, >= 2^-480
  }
  return t;
}

// sin r / cos r on |r| <= pi/128 (1 + 2^-90): Taylor in r^2 by Horner, k <= 6 (N = 2) or 9
// (N >= 3) (truncation relative 2^-115.1 / 2^-172.4 for sin, 2^-111.2 / 2^-168.0 for cos,
// generator). sin: r^2 5u^2, Horner ends in + 1 (3u^2, the earlier steps damped by
// r^2/6 < 2^-13), * r 5u^2: 8.1u^2 plus the error of r; cos: 3.1u^2 (N = 3: 8.1 / 4.1u^3).
template <int N>
FLOATLAB_HOST_DEVICE X<N> sin_poly(const X<N>& r, const X<N>& r2) noexcept {
  constexpr int K = N == 2 ? 6 : 9;
  X<N> q = cst3<N>(tb::inv_fact[2 * K + 1]);
  if (K % 2) q = -q;
  for (int k = K - 1; k >= 0; --k) {
    const X<N> c = cst3<N>(tb::inv_fact[2 * k + 1]);
    q = q * r2 + (k % 2 ? -c : c);
  }
  return q * r;
}
template <int N>
FLOATLAB_HOST_DEVICE X<N> cos_poly(const X<N>& r2) noexcept {
  constexpr int K = N == 2 ? 6 : 9;
  constexpr int top = 2 * K;
  X<N> q = cst3<N>(tb::inv_fact[top]);
  if (K % 2) q = -q;
  for (int k = K - 1; k >= 0; --k) {
    const int i = 2 * k;
    const X<N> c = cst3<N>(tb::inv_fact[i]);
    q = q * r2 + (k % 2 ? -c : c);
  }
  return q;
}

// sin x (cosine: shift = 32, i.e. + pi/2). With q = n + shift mod 128 = 32 Q + j, theta =
// j pi/64 + r: the result is sin theta, cos theta, -sin theta, -cos theta for Q = 0..3, and
// sin theta = S_j cos r + C_j sin r, cos theta = C_j cos r - S_j sin r (S_j = sin(j pi/64),
// C_j = S_(32-j)); j = 0: sin r, cos r alone. For j >= 1, theta is in [pi/128, pi/2 - pi/128],
// and |S_j cos r| + |C_j sin r| <= 3 |sin theta| (the worst case j = 1, r = -pi/128 gives
// 2.998), the same for cos theta: the cancellation costs at most a factor 3. N = 2: the terms
// are off by (u^2 table + 3.2u^2 + 5u^2) and (u^2 + 18.2u^2 + 5u^2) relative, the sum by
// 3u^2: 3 * 24.2u^2 + 3u^2 = 76u^2 (2^-99.7). N = 3: 3 * 30u^3 + 4u^3 = 94u^3 (2^-152.4).
template <int N>
FLOATLAB_HOST_DEVICE scaled<N> sincos_core(double x, int shift) noexcept {
  const double ax = fabs_d(x);
  int n = 0;
  X<N> r = X<N>(ax);
  if (ax >= 0x1p-6) {
    const trig_reduced t = payne_hanek(ax);
    X<N> f = X<N>(t.d[0]);
    for (int i = 1; i < (N < 3 ? 3 : 4); ++i) f = f + t.d[i];
    r = f * cst<N>(tb::pi_64);
    if (t.neg) r = -r;
    n = t.n;
  }
  const X<N> r2 = r * r;
  const int q = (n + shift) & 127, Q = q >> 5, j = q & 31;
  X<N> v;
  if (j == 0) {
    v = (Q & 1) ? cos_poly<N>(r2) : sin_poly<N>(r, r2);
  } else {
    const X<N> S = cst3<N>(tb::sin_pi64[j]), C = cst3<N>(tb::sin_pi64[32 - j]);
    const X<N> s = sin_poly<N>(r, r2), c = cos_poly<N>(r2);
    v = (Q & 1) ? C * c - S * s : S * c + C * s;
  }
  if (Q >= 2) v = -v;
  if (shift == 0 && x < 0) v = -v;  // sin is odd, cos even
  return {v, 0};
}

// The double step of sin/cos: the same reduction, r = d0 P0 + (d0 P1 + d1 P0) with pi/64 =
// P0 + P1 (2u relative); sin r = r + r r^2 (-1/6 + r^2 (1/120 - r^2/5040)) (truncation
// r^8/9! < 2^-61 relative; 3.01u), cos r = 1 + r^2 (-1/2 + r^2 (1/24 - r^2/720)) (2^-58;
// 1.05u); the combination with S_j, C_j (RN doubles, u): terms off by 3.05u and 5.01u, sum u,
// cancellation at most 3: 16.03u (2^-48.99).
//
// Below 2^21, Cody-Waite instead (x with at most 24 bits): n = RN(x 64/pi) < 2^26, pi/64 =
// C1 + C2 + C3 (C1 on the grid 2^-31, C2 on 2^-58, generator): n C1 and n C2 are exact, so is
// a = x - n C1 (multiples of 2^-31, |a| < 0.06: 27 bits) and a - n C2 (multiples of 2^-58,
// below 2^-5: 53 bits); r = that - n C3 is off by <= 2^-85 (n C3's rounding, and the 2^-111
// of pi/64 left out, times n) + u|r|: with |r| >= 2^-30 (else Payne-Hanek) 1.5u, inside the 2u
// above. n from a rounded product may be the other neighbour: |r| <= pi/128 (1 + 2^-26), which
// moves the truncation and cancellation bounds by less than 2^-20 of themselves.
FLOATLAB_MATH_HOT fast_value sincos_fast(double x, int shift) noexcept {
  const double ax = fabs_d(x);
  int n = 0;
  double r = ax;
  bool reduced = ax < 0x1p-6;
  if (!reduced && ax < 0x1p21) {
    const double nd = nearest_int(ax * tb::inv_pi_64);
    const double a = (ax - nd * tb::pi_64_cw[0]) - nd * tb::pi_64_cw[1];
    r = a - nd * tb::pi_64_cw[2];
    n = static_cast<int>(static_cast<std::int64_t>(nd) & 127);
    reduced = fabs_d(r) >= 0x1p-30;
  }
  if (!reduced) {
    const trig_reduced t = payne_hanek(ax);
    r = t.d[0] * tb::pi_64[0] + (t.d[0] * tb::pi_64[1] + t.d[1] * tb::pi_64[0]);
    if (t.neg) r = -r;
    n = t.n;
  }
  const double r2 = r * r;
  const double sr = r + r * r2 * (-tb::inv_fact[3][0] + r2 * (tb::inv_fact[5][0] - r2 * tb::inv_fact[7][0]));
  const double cr = 1.0 + r2 * (-0.5 + r2 * (tb::inv_fact[4][0] - r2 * tb::inv_fact[6][0]));
  const int q = (n + shift) & 127, Q = q >> 5, j = q & 31;
  double v;
  if (j == 0) {
    v = (Q & 1) ? cr : sr;
  } else {
    const double S = tb::sin_pi64[j][0], C = tb::sin_pi64[32 - j][0];
    v = (Q & 1) ? C * cr - S * sr : S * cr + C * sr;
  }
  if (Q >= 2) v = -v;
  if (shift == 0 && x < 0) v = -v;
  return {v, 0};
}

struct fn_sin {
  static constexpr int eps2_log2 = -98, eps3_log2 = -150;  // 76u^2, 94u^3 (sincos_core)
  static constexpr int eps1_log2 = -48;                    // 16.03u (sincos_fast)
  // Where run() goes straight to ziv (call() tests it first; the array form's lane domain).
  FLOATLAB_MATH_HOT static bool hot(double x) noexcept {
    return static_cast<int>(fabs_d(x) >= 0x1p-30) & static_cast<int>(fabs_d(x) < 0x1p21);
  }
  FLOATLAB_MATH_HOT static bool hot_bits(std::uint64_t b) noexcept {  // 2^-30 <= |x| < 2^21
    return (b & 0x7FFFFFFFFFFFFFFFull) - 0x3E10000000000000ull < 0x4140000000000000ull - 0x3E10000000000000ull;
  }
  FLOATLAB_HOST_DEVICE static fast_value eval1(double x) noexcept {  // sincos_lane: no branch on n (session 6)
    return fabs_d(x) < 0x1p21 ? fast_value{sincos_lane(x, 0), 0} : sincos_fast(x, 0);
  }
  static constexpr int eps_short_log2 = -39;  // sincos_short, |x| < 2^21 (hot)
  FLOATLAB_HOST_DEVICE static fast_value eval_short(double x) noexcept { return {sincos_short(x, 0), 0}; }
  // The pattern step (session 9): hot's 2^-30 <= |x| < 2^21 in one compare on the magnitude
  // bits (mag_in_binades), then sincos_short: the same kernel and bound. Session 13, the short
  // formats (p <= 12): sincos_pattern on 2^-10 <= |x| < 2^21, bound 2^-24 (below 2^-10 the
  // result is within 2^-22 of x or 1: the double step, as before).
  static constexpr int eps_pattern_log2 = -24;
  static constexpr int eps_pattern_wide_log2 = -39;  // session 10: binary32 (the reduction is exact for 24 bits)
  template <class F>
  FLOATLAB_MATH_HOT static bool pattern_hot(std::uint64_t b) noexcept {
    if constexpr (F::precision <= 12) {
      return mag_in_binades<F, -10, 21>(b);
    } else {
      return mag_in_binades<F, -30, 21>(b);
    }
  }
  template <class F>
  FLOATLAB_MATH_HOT static fast_value eval_pattern(std::uint64_t b) noexcept {
    if constexpr (F::precision <= 12) {
      return {sincos_pattern(decode_normal<F>(b), 0), 0};
    } else {
      return {sincos_short(decode_normal<F>(b), 0), 0};
    }
  }
  template <int N>
  FLOATLAB_HOST_DEVICE static scaled<N> eval(double x) noexcept {
    return sincos_core<N>(x, 0);
  }
  template <class Fmt, class Mode>
  FLOATLAB_HOST_DEVICE static typename Fmt::storage run(in a, std::uint32_t w) noexcept {
    FLOATLAB_MATH_SPECIALS_NAN
    if (a.cls == value_class::inf) return pack_nan<Fmt>();  // invalid
    if (a.cls == value_class::zero) return pack_zero<Fmt>(a.neg);
    if (fabs_d(a.x) < 0x1p-30) return near_value<Fmt, Mode>(a.neg, fabs_d(a.x), -1, w);  // x - x^3/6
    return ziv<Fmt, Mode, fn_sin>(a.x, w);
  }
};

struct fn_cos {
  static constexpr int eps2_log2 = -98, eps3_log2 = -150;
  static constexpr int eps1_log2 = -48;
  // Where run() goes straight to ziv (call() tests it first; the array form's lane domain).
  FLOATLAB_MATH_HOT static bool hot(double x) noexcept {
    return static_cast<int>(fabs_d(x) >= 0x1p-30) & static_cast<int>(fabs_d(x) < 0x1p21);
  }
  FLOATLAB_MATH_HOT static bool hot_bits(std::uint64_t b) noexcept {  // 2^-30 <= |x| < 2^21
    return (b & 0x7FFFFFFFFFFFFFFFull) - 0x3E10000000000000ull < 0x4140000000000000ull - 0x3E10000000000000ull;
  }
  FLOATLAB_HOST_DEVICE static fast_value eval1(double x) noexcept {
    return fabs_d(x) < 0x1p21 ? fast_value{sincos_lane(x, 32), 0} : sincos_fast(x, 32);
  }
  static constexpr int eps_short_log2 = -39;
  FLOATLAB_HOST_DEVICE static fast_value eval_short(double x) noexcept { return {sincos_short(x, 32), 0}; }
  // The pattern step (session 9): hot's 2^-30 <= |x| < 2^21 in one compare on the magnitude
  // bits (mag_in_binades), then sincos_short: the same kernel and bound. Session 13, the short
  // formats (p <= 12): sincos_pattern on 2^-10 <= |x| < 2^21, bound 2^-24 (below 2^-10 the
  // result is within 2^-22 of x or 1: the double step, as before).
  static constexpr int eps_pattern_log2 = -24;
  static constexpr int eps_pattern_wide_log2 = -39;  // session 10: binary32 (as sin)
  template <class F>
  FLOATLAB_MATH_HOT static bool pattern_hot(std::uint64_t b) noexcept {
    if constexpr (F::precision <= 12) {
      return mag_in_binades<F, -10, 21>(b);
    } else {
      return mag_in_binades<F, -30, 21>(b);
    }
  }
  template <class F>
  FLOATLAB_MATH_HOT static fast_value eval_pattern(std::uint64_t b) noexcept {
    if constexpr (F::precision <= 12) {
      return {sincos_pattern(decode_normal<F>(b), 32), 0};
    } else {
      return {sincos_short(decode_normal<F>(b), 32), 0};
    }
  }
  template <int N>
  FLOATLAB_HOST_DEVICE static scaled<N> eval(double x) noexcept {
    return sincos_core<N>(x, 32);
  }
  template <class Fmt, class Mode>
  FLOATLAB_HOST_DEVICE static typename Fmt::storage run(in a, std::uint32_t w) noexcept {
    FLOATLAB_MATH_SPECIALS_NAN
    if (a.cls == value_class::inf) return pack_nan<Fmt>();
    if (a.cls == value_class::zero) return exact_value<Fmt, Mode>(false, 1.0, 0, w);
    if (fabs_d(a.x) < 0x1p-30) return near_value<Fmt, Mode>(false, 1.0, -1, w);  // 1 - x^2/2
    return ziv<Fmt, Mode, fn_cos>(a.x, w);
  }
};

// ---- pow ------------------------------------------------------------------------------------
// x^y = e^t, t = y log|x| (x, y finite, nonzero; the sign from an odd integer y). t: log_core
// (133u^2 / 200u^3 relative) times y (2u^2 / 4u^3), so |t - y log|x|| <= 135u^2 |t|; exp_core
// adds 5u^2 for an exact argument and |t| times the argument's relative error: the bound is
// (5 + 136 |t|) u^2 (N = 3: (6 + 205 |t|) u^3), taken at run time from |t| (|t| <= 1000).
struct pow_kernel {
  double ax, y;
  bool neg;
  template <int N>
  FLOATLAB_HOST_DEVICE scaled<N> eval() const noexcept {
    const scaled<N> e = exp_core<N>(log_core<N>(X<N>(ax)) * y);
    return {neg ? -e.v : e.v, e.k};
  }
};

// ceil(log2(c0 + c1 |t|)) - 53 N, the log2 of the bound above (|t| from a double near it).
FLOATLAB_HOST_DEVICE constexpr int pow_eps_log2(double c0, double c1, double t, int N) noexcept {
  return exponent_of(c0 + c1 * fabs_d(t) * (1 + 0x1p-40)) + 1 - 53 * N;
}

// Odd significand and exponent of a finite nonzero double: |v| = m 2^e, m odd.
struct odd_split {
  std::uint64_t m;
  int e;
};
FLOATLAB_HOST_DEVICE constexpr odd_split split_odd(double v) noexcept {
  const double a = fabs_d(v);
  const int ea = exponent_of(a);
  const auto m = static_cast<std::uint64_t>(a * pow2(52 - ea));  // 53-bit integer, exact
  const int tz = msb(m & (~m + 1));                              // trailing zeros
  return {m >> tz, ea - 52 + tz};
}
FLOATLAB_HOST_DEVICE constexpr std::uint64_t isqrt64(std::uint64_t v) noexcept {  // floor(sqrt v)
  std::uint64_t r = 0;
  for (int b = 31; b >= 0; --b) {
    const std::uint64_t c = r | (std::uint64_t{1} << b);
    if (c * c <= v) r = c;
  }
  return r;
}

// Exact cases. x = mx 2^ex (mx odd), y = my 2^ey (my odd). x^y is a dyadic number exactly
// when y is an integer and y >= 0 or mx = 1, or y = k/2^s (s >= 1, k odd) and x is the 2^s-th
// power of a dyadic z, with z^k dyadic (Lauter, Lefevre, "An efficient rounding boundary test
// for pow(x, y) in double precision", IEEE TC 58(2), 2009, section 2 for the argument). Such
// values are rounded exactly here whenever they have at most 127 significant bits; the others
// (more bits, or 1/odd^k, or algebraic irrationals) are at least 2^-142 relative away from any
// point of the <= 57-bit grid or are counted by the Ziv steps as unresolved (never seen).
// Returns false when x^y is not handled here.
template <class Fmt, class Mode>
FLOATLAB_HOST_DEVICE bool pow_exact(double ax, double y, bool neg, std::uint32_t w,
                                    typename Fmt::storage& out) noexcept {
  odd_split xs = split_odd(ax);
  const odd_split ys = split_odd(y);
  if (ys.e < 0) {                  // y = k/2^s: take s square roots of x exactly, or give up
    if (-ys.e > 60) return false;  // x = 1 is handled before; otherwise no 2^61-th power
    for (int i = 0; i < -ys.e; ++i) {
      if ((xs.e & 1) != 0 || (xs.m & 7) != 1) return false;  // odd squares are 1 mod 8
      const std::uint64_t r = isqrt64(xs.m);
      if (r * r != xs.m) return false;
      xs.m = r;
      xs.e /= 2;
    }
  }
  // x^y = (mx 2^ex)^Y with Y = k (s >= 1) or y itself, an integer.
  const double Y = ys.e < 0 ? (y < 0 ? -1.0 : 1.0) * static_cast<double>(ys.m) : y;
  if (xs.m == 1) {  // a power of two: 2^(ex Y)
    const double k = Y * xs.e;
    if (k > 5000)
      out = huge_value<Fmt, Mode>(neg, w);
    else if (k < -5000)
      out = tiny_value<Fmt, Mode>(neg, w);
    else
      out = exact_value<Fmt, Mode>(neg, 1.0, static_cast<int>(k), w);
    return true;
  }
  if (Y < 0 || Y > 127) return false;  // 1/odd^k is not dyadic; odd^128 has > 127 bits
  const int bits = msb(static_cast<u128>(xs.m)) + 1;
  const int k = static_cast<int>(Y);
  u128 acc = xs.m;
  for (int i = 1; i < k; ++i) {
    if (msb(acc) + 1 + bits > 127) return false;  // more than 127 bits: the Ziv steps decide
    acc *= xs.m;
  }
  const long long ek = static_cast<long long>(xs.e) * k;  // |ex| <= 1100, k <= 127
  out = round_pack<Fmt, Mode>(neg, static_cast<int>(ek), acc, false, w);
  return true;
}

// pow per IEEE 754-2019 9.2.1 (special cases listed there), then the exact cases, the
// region |t| < 2^-60 (x^y = 1 + t + ..., 0 < |x^y - 1| < 2^-59), over/underflow, Ziv.
template <class Fmt, class Mode>
FLOATLAB_HOST_DEVICE typename Fmt::storage pow_run(in a, in b, std::uint32_t w) noexcept {
  if (b.cls == value_class::zero) return exact_value<Fmt, Mode>(false, 1.0, 0, w);  // pow(x, +-0) = 1, even NaN x
  if (a.cls == value_class::finite && a.x == 1.0)
    return exact_value<Fmt, Mode>(false, 1.0, 0, w);  // pow(+1, y), even NaN y
  if (a.cls == value_class::nan || b.cls == value_class::nan) return pack_nan<Fmt>();
  const double ay = fabs_d(b.x);
  const bool y_int = b.cls == value_class::finite && (ay >= 0x1p52 || nearest_int(ay) == ay);
  const bool y_odd = y_int && ay < 0x1p53 && (static_cast<std::uint64_t>(ay) & 1) != 0;
  if (b.cls == value_class::inf) {
    if (a.cls == value_class::finite && a.x == -1.0) return exact_value<Fmt, Mode>(false, 1.0, 0, w);
    const bool below_one = a.cls == value_class::zero || (a.cls == value_class::finite && fabs_d(a.x) < 1.0);
    return below_one != b.neg ? pack_zero<Fmt>(false) : pack_inf<Fmt>(false);
  }
  if (a.cls == value_class::zero) {  // y < 0: divideByZero
    const bool neg = y_odd && a.neg;
    return b.neg ? pack_inf<Fmt>(neg) : pack_zero<Fmt>(neg);
  }
  if (a.cls == value_class::inf) {  // pow(-inf, y) = pow(-0, -y)
    const bool neg = y_odd && a.neg;
    return b.neg ? pack_zero<Fmt>(neg) : pack_inf<Fmt>(neg);
  }
  if (a.neg && !y_int) return pack_nan<Fmt>();  // invalid
  const bool neg = a.neg && y_odd;
  const double ax = fabs_d(a.x);
  typename Fmt::storage out{};
  if (pow_exact<Fmt, Mode>(ax, b.x, neg, w, out)) return out;
  // t = y log|x| to 4.1u relative (log_fast 3.1u, the product u): enough for the decisions below.
  const double t = log_fast(ax) * b.x;
  if (fabs_d(t) < 0x1p-60) return near_value<Fmt, Mode>(neg, 1.0, t > 0 ? 1 : -1, w);
  if (t > 1000) return huge_value<Fmt, Mode>(neg, w);  // beyond every format's range
  if (t < -1000) return tiny_value<Fmt, Mode>(neg, w);
  // The double step: e^t by exp_fast, off by 2.05u for an exact t and by |t| 4.1u (1 + 2^-40)
  // from t's error: the bound (2.1 + 4.2 |t|) u.
  if constexpr (Fmt::precision + stochastic_bits_v<Mode> + 1 <= 50) {
    const fast_value e = exp_fast(t);
    typename Fmt::storage fast_out{};
    if (fast_round<Fmt, Mode>({neg ? -e.v : e.v, e.k}, pow_eps_log2(2.1, 4.2, t, 1), w, fast_out)) {
      FLOATLAB_MATH_COUNT(calls);
      return fast_out;
    }
    FLOATLAB_MATH_COUNT(fast_misses);
  }
  return ziv_kernel<Fmt, Mode>(pow_kernel{ax, b.x, neg}, pow_eps_log2(5, 136, t, 2), pow_eps_log2(6, 205, t, 3), w);
}

#undef FLOATLAB_MATH_SPECIALS_NAN

// pow's short step (session 8, formats with short_ok): x, y normal patterns, x > 0, x != 1,
// |y| < 2^8, |t| <= 128 for t = RN(y log_short(x)) (every result of such a format's range has
// |t| < 93; outside, pow_run's huge / tiny cases). None of pow_run's special cases applies
// there; its exact cases need no test first: an exact result on the q-bit grid fails the
// rounding test (strict), one off the grid is rounded correctly by it. log_short's absolute
// error, with |e| <= 128 (normal x, E <= 8): 4.65e-15 (truncation, evaluation, nlr_j) + u (4 |e|
// ln2 + 0.74) (ln2_0, the product, S and R) <= 4.42e-14 = 2^-44.36; t is then off by |y|
// 2^-44.36 (1 + u) + u |t| <= 2^-36.36 + 2^-46 = 1.132e-11, e^t by e^|dt| - 1 <= 2^-36.36
// relative, exp_short adds 2^-44.5: < 2^-36.3. Bound 2^-35 (a bit to spare).
template <class Fmt, class Mode>
FLOATLAB_MATH_HOT bool pow_short(std::uint64_t bx, std::uint64_t by, std::uint32_t w,
                                 typename Fmt::storage& out) noexcept {
  // The tests on the patterns: x positive normal, not 1; y normal with |y| < 2^8.
  constexpr int M = Fmt::fraction_bits;
  constexpr std::uint64_t top = (std::uint64_t{1} << Fmt::exponent_bits) - 1;
  constexpr std::uint64_t lo_n = std::uint64_t{1} << M, hi_n = (top << M) - 1;  // normal magnitudes
  constexpr std::uint64_t one = static_cast<std::uint64_t>(Fmt::bias) << M;
  constexpr std::uint64_t y_lim = static_cast<std::uint64_t>(8 + Fmt::bias) << M;  // the pattern of 2^8 (or beyond)
  constexpr std::uint64_t y_end = y_lim < hi_n + 1 ? y_lim : hi_n + 1;
  const std::uint64_t my = by & Fmt::magnitude_mask;
  if (!((bx - lo_n <= hi_n - lo_n) & (bx != one) & (my - lo_n < y_end - lo_n))) return false;
  // Session 9 (p <= 12): log x by log_pattern on the bits (the domain is log_pattern_hot's):
  // absolute error A <= 2^-37.3 + 2^-57.6 + |e| 2^-55.27 + 2^-54.5 + u/2 (|e| ln2 + |S| + |v|) <=
  // 2^-37.29 for |e| <= 127 (|S|, |v| <= 88.8); t = RN(L y), |y| < 2^8: |t - y log x| <= 2^8 A +
  // u/2 |t| < 2^-29.29 (|t| <= 128); e^t by exp_short (2^-44.4): relative < 2^-29.28. Bound
  // 2^-29 (was 2^-35 with log_short; the test fails for at most 2^-15 of the values).
  // Session 10, the formats of 13 to 24 bits (wide: wide_pattern_ok, binary32): log x by
  // log_pattern_wide, absolute error A <= 2^-51.2 + 2^-52 |log x| + 2^-60, so |y| A <= 2^-43.2 +
  // 2^-52 |t| + 2^-52 <= 2^-43.2 + 2^-45 + 2^-52 (|y| < 2^8, |t| <= 128); t = RN(L y) adds u |t|
  // <= 2^-46: |dt| <= 2^-42.68; e^t by exp_short (2^-44.4): relative < 2^-42.68 + 2^-44.4 + their
  // product < 2^-42.3. Bound 2^-41 (a bit to spare; measured: test_math_wide).
  constexpr bool wide = Fmt::precision > 12;
  const double y = decode_normal<Fmt>(by);
  double L;
  if constexpr (wide) {
    L = log_pattern_wide<Fmt>(bx);
  } else {
    L = log_pattern<Fmt>(bx);
  }
  const double t = L * y;
  if (!(fabs_d(t) <= 128)) return false;
  return short_round<Fmt, Mode, wide ? -41 : -29>(exp_short_scaled<false>(t), w, out);
}

// Decode x exactly to a double.
template <class F>
FLOATLAB_HOST_DEVICE in decode_in(typename F::storage bits) noexcept {
  if constexpr (fits_hw<F, double>) {  // the branch-free decoder (float_path.hpp), classes from the double
    const double d = decode_to<F, double>(bits);
    const bool neg = (bit_cast<std::uint64_t>(d) >> 63) != 0;
    if (d != d) return {value_class::nan, neg, 0.0};
    if (d == 0) return {value_class::zero, neg, 0.0};
    if (fabs_d(d) > 0x1.fffffffffffffp1023) return {value_class::inf, neg, 0.0};
    return {value_class::finite, neg, d};
  }
  const unpacked u = unpack<F>(bits);
  in a{u.cls, u.sign, 0.0};
  if (u.cls == value_class::finite) {
    const double m = static_cast<double>(u.sig);  // exact: < 2^24
    a.x = (u.sign ? -m : m) * pow2(u.exp);        // exact: 2^exp >= 2^-560
  }
  return a;
}

template <int E, int M>
FLOATLAB_HOST_DEVICE constexpr void check_format() noexcept {
  static_assert(1 + E + M <= 32, "floatlab math functions: the format (1 + E + M bits) must have at most 32 bits");
  static_assert(E <= 10, "floatlab math functions: exponent bits E must be at most 10 (double range)");
}

template <class Fn, class = void>
struct has_hot_bits : std::false_type {};
template <class Fn>
struct has_hot_bits<Fn, std::void_t<decltype(Fn::hot_bits(0ull))>> : std::true_type {};
template <class Fn>
FLOATLAB_MATH_HOT bool hot_of(double d) noexcept {
  if constexpr (has_hot_bits<Fn>::value) {
    return Fn::hot_bits(bit_cast<std::uint64_t>(d));
  } else {
    return Fn::hot(d);
  }
}
template <class Fn, class = void>
struct has_pattern_step : std::false_type {};
template <class Fn>
struct has_pattern_step<Fn, std::void_t<decltype(Fn::eps_pattern_log2)>> : std::true_type {};
template <class Fn, class = void>
struct has_wide_pattern_step : std::false_type {};
template <class Fn>
struct has_wide_pattern_step<Fn, std::void_t<decltype(Fn::eps_pattern_wide_log2)>> : std::true_type {};
template <class Fn, bool Wide>
FLOATLAB_HOST_DEVICE constexpr int pattern_eps_log2() noexcept {
  if constexpr (Wide) {
    return Fn::eps_pattern_wide_log2;
  } else {
    return Fn::eps_pattern_log2;
  }
}
template <class Fn, class = void>
struct has_hot : std::false_type {};
template <class Fn>
struct has_hot<Fn, std::void_t<decltype(Fn::hot(0.0))>> : std::true_type {};

// ---- the GPU float step (session 11): formats of at most 16 bits on the device ------------
// In the device pass (nvcc, __CUDA_ARCH__), for a format F with at most 16 bits, p <= 12 and
// every value exact in float (fits_hw<F, float>: binary16, bfloat16, cfloat<6,9>, the 8-, 6-
// and 4-bit formats, ...) in the six deterministic modes, call() first evaluates f(x) in float
// with CUDA's own function (expf, logf, tanhf, sinf, ...) and rounds that float when a test
// shows the error interval around it holds no rounding boundary of F in the mode; otherwise
// (and for every pattern that is not a normal number) the exact path below runs unchanged.
//
// Bound. The CUDA C++ Programming Guide, appendix "Mathematical Functions", table
// "Single-Precision Mathematical Standard Library Functions with Maximum ULP Error", states
// for the default device flags (no --use_fast_math, which maps expf, logf, sinf, cosf, log2f to
// the __expf-class intrinsics; no -ftz=true) the largest distance K in ulps between the
// function's result and the correctly rounded float, over the full range: expf 2, exp2f 2,
// expm1f 1, logf 1, log2f 1, log1pf 1, tanhf 2, erff 2, sinf 2, cosf 2. The guide says these
// come from extensive but not exhaustive tests, so they are not a proof: the proof is the
// every-input comparison of tests/cuda/math_kernel.cu (GPU = CPU, the CPU path MPFR-proven),
// for every format listed there, every deterministic mode and every function below. As a
// margin the step assumes K + 1 ulps. With y the float result (normal), ulp(RN f) <= 2 ulp(y)
// (RN f is at most one binade above y) and |RN f - f| <= ulp(RN f) / 2, so |f - y| <= (K + 1)
// 2 ulp(y) + ulp(y) < rad = 2K + 4 units of y's last place.
//
// Test. q = p + 1 <= 13 bits hold F's points and midpoints in y's binade; a q-bit cell is
// 2^(24 - q) units of y's 24-bit significand. If rad <= d and d + rad <= cell, d = y's
// significand mod cell, f and y lie in the same open cell, so no point of F (the boundaries
// of toward_zero, upward, downward, odd) and no midpoint (nearest_even, nearest_away) lies
// between them, and F's rounding of y is F's rounding of f in the mode. That holds in every
// binade: F's subnormal points and midpoints are multiples of 2^(emin - p), which the q-bit
// grid of every binade at or below 2^emin divides; the overflow thresholds (the largest finite
// value, and it plus half its last place) are points of the q-bit grid of their binade, and a
// binade above the format's holds no boundary. An exact result on a boundary (exp2 of an
// integer in a directed mode, ...) fails the test; one on a point of F off the boundaries
// (nearest) is rounded to that point. y zero, subnormal (so -ftz=true cannot matter), infinite
// or NaN fails too.
//
// Rounding y: the hardware conversion where it is that rounding exactly (cvt.{rn,rz,rm,rp}.f16.f32
// for binary16 in nearest_even, toward_zero, downward, upward; cvt.{rn,rz}.bf16.f32 for bfloat16
// from sm_80, cvt.{rm,rp}.bf16.f32 from sm_90: IEEE conversions, overflow to infinity or the
// largest finite value by the mode, as cuda_fp16.hpp / cuda_bf16.hpp's host emulations of
// __float2half_rz etc. spell out), else encode_from<F, Mode, float> (the branch-free
// encoder of float_path.hpp: every encoding's subnormals, flushing, saturation, overflow).
// Stochastic modes keep the exact path: they round f on its q = p + R + 1 bits (R up to 32),
// and a float carries 24, of which the error bound leaves about 21, so the float cannot decide
// the R random bits below the last place. On by default since its every-input GPU proof ran
// (session 12, H200, nvcc 13.0: tests/cuda/run_math.sh, 0 mismatches); FLOATLAB_MATH_NO_GPU_FLOAT_STEP
// turns it off. Never build with --use_fast_math: expf becomes __expf there and the bounds above
// do not hold (nvcc 13 defines no macro for it, so this header cannot tell; docs/cuda.md).
template <class Fn>
struct gpu_float_fn {};  // no float step
#if FLOATLAB_CUDA
#define FLOATLAB_MATH_GPU_FLOAT(fn, cuda_fn, cuda_dfn, ulps)                \
  template <>                                                               \
  struct gpu_float_fn<fn> {                                                 \
    static constexpr int max_ulps = ulps; /* the guide's bound */           \
    __device__ float operator()(float x) const noexcept { return ::cuda_fn(x); } \
    __device__ double operator()(double x) const noexcept { return ::cuda_dfn(x); } \
  };
FLOATLAB_MATH_GPU_FLOAT(fn_exp, expf, exp, 2)
FLOATLAB_MATH_GPU_FLOAT(fn_exp2, exp2f, exp2, 2)
FLOATLAB_MATH_GPU_FLOAT(fn_expm1, expm1f, expm1, 1)
FLOATLAB_MATH_GPU_FLOAT(fn_log, logf, log, 1)
FLOATLAB_MATH_GPU_FLOAT(fn_log2, log2f, log2, 1)
FLOATLAB_MATH_GPU_FLOAT(fn_log1p, log1pf, log1p, 1)
FLOATLAB_MATH_GPU_FLOAT(fn_tanh, tanhf, tanh, 2)
FLOATLAB_MATH_GPU_FLOAT(fn_erf, erff, erf, 2)
FLOATLAB_MATH_GPU_FLOAT(fn_sin, sinf, sin, 2)
FLOATLAB_MATH_GPU_FLOAT(fn_cos, cosf, cos, 2)
#undef FLOATLAB_MATH_GPU_FLOAT
#endif
template <class Fn, class = void>
struct has_gpu_float : std::false_type {};
template <class Fn>
struct has_gpu_float<Fn, std::void_t<decltype(gpu_float_fn<Fn>::max_ulps)>> : std::true_type {};
template <class Fmt, class Mode>
inline constexpr bool gpu_float_ok = Fmt::total_bits <= 16 && Fmt::precision <= 12 && fits_hw<Fmt, float> &&
                                     direct_encode_ok<Fmt, Mode>;

#if FLOATLAB_CUDA
// F's rounding of the float y in Mode (y finite, normal).
template <class Fmt, class Mode>
__device__ __forceinline__ typename Fmt::storage gpu_float_encode(float y) noexcept {
#if defined(__CUDA_ARCH__)
  using Enc = typename Fmt::encoding_type;
  constexpr bool ieee = std::is_same_v<Enc, encoding::ieee>;
  constexpr bool half = ieee && Fmt::exponent_bits == 5 && Fmt::fraction_bits == 10;
  constexpr bool bf16 = ieee && Fmt::exponent_bits == 8 && Fmt::fraction_bits == 7;
  constexpr bool rn = std::is_same_v<Mode, round::nearest_even>, rz = std::is_same_v<Mode, round::toward_zero>;
  constexpr bool rm = std::is_same_v<Mode, round::downward>, rp = std::is_same_v<Mode, round::upward>;
  unsigned short h;
  if constexpr (half && rn) {
    asm("cvt.rn.f16.f32 %0, %1;" : "=h"(h) : "f"(y));
    return h;
  } else if constexpr (half && rz) {
    asm("cvt.rz.f16.f32 %0, %1;" : "=h"(h) : "f"(y));
    return h;
  } else if constexpr (half && rm) {
    asm("cvt.rm.f16.f32 %0, %1;" : "=h"(h) : "f"(y));
    return h;
  } else if constexpr (half && rp) {
    asm("cvt.rp.f16.f32 %0, %1;" : "=h"(h) : "f"(y));
    return h;
#if __CUDA_ARCH__ >= 800
  } else if constexpr (bf16 && rn) {
    asm("cvt.rn.bf16.f32 %0, %1;" : "=h"(h) : "f"(y));
    return h;
  } else if constexpr (bf16 && rz) {
    asm("cvt.rz.bf16.f32 %0, %1;" : "=h"(h) : "f"(y));
    return h;
#endif
#if __CUDA_ARCH__ >= 900
  } else if constexpr (bf16 && rm) {
    asm("cvt.rm.bf16.f32 %0, %1;" : "=h"(h) : "f"(y));
    return h;
  } else if constexpr (bf16 && rp) {
    asm("cvt.rp.bf16.f32 %0, %1;" : "=h"(h) : "f"(y));
    return h;
#endif
  } else {
    return encode_from<Fmt, Mode, float>(y, 0, 0);
  }
#else
  return encode_from<Fmt, Mode, float>(y, 0, 0);
#endif
}
#endif

// x exactly as a float: every pattern of binary16 (the device's cvt.f32.f16; decode_to on the
// host) and bfloat16 (a shift), the normal patterns of the other formats (false for the rest:
// the exact path runs). Zeros, subnormals, infinities and NaNs of binary16 and bfloat16 go to
// the function too: their results are declined by the cell test (0, 1, inf, NaN: exact or not
// finite; a subnormal input's tanh, sin, erf, expm1, log1p is x itself or next to it, whose
// short significand fails the test), or are proven like the others (math_kernel part 2 runs
// every pattern). Session 12: the normal-pattern test and the rebias cost about a third of
// binary16 exp's step.
template <class Fmt>
FLOATLAB_HOST_DEVICE bool float_step_decode(std::uint64_t b, float& x) noexcept {
  constexpr bool ieee = std::is_same_v<typename Fmt::encoding_type, encoding::ieee>;
  if constexpr (ieee && Fmt::exponent_bits == 8 && Fmt::fraction_bits == 7) {
    x = bit_cast<float>(static_cast<std::uint32_t>(b) << 16);
    return true;
  } else if constexpr (ieee && Fmt::exponent_bits == 8 && Fmt::fraction_bits == 23) {
    x = bit_cast<float>(static_cast<std::uint32_t>(b));  // binary32 (the double step): every pattern
    return true;
  } else if constexpr (ieee && Fmt::exponent_bits == 5 && Fmt::fraction_bits == 10) {
#if defined(__CUDA_ARCH__)
    asm("cvt.f32.f16 %0, %1;" : "=f"(x) : "h"(static_cast<unsigned short>(b)));
#else
    x = decode_to<Fmt, float>(b);
#endif
    return true;
  } else {
    if (!normal_pattern<Fmt>(b)) return false;
    // the magnitude moved into float's fields, rebiased (exact: fits_hw).
    constexpr std::uint32_t rebias = static_cast<std::uint32_t>(127 - Fmt::bias) << 23;
    x = bit_cast<float>(((static_cast<std::uint32_t>(b & Fmt::magnitude_mask) << (23 - Fmt::fraction_bits)) + rebias) |
                        (static_cast<std::uint32_t>(b >> (Fmt::total_bits - 1)) << 31));
    return true;
  }
}

// The cell test on a result y of type T (float or double) with at most K ulps of error: y
// normal and d = y's significand mod the (p + 1)-bit cell in [rad, cell - rad].
template <class Fmt, int K, class T>
FLOATLAB_HOST_DEVICE bool float_step_cell(T y) noexcept {
  using U = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
  constexpr int frac = sizeof(T) == 4 ? 23 : 52;
  constexpr U rad = 2 * static_cast<U>(K) + 4, cell = U{1} << (frac - Fmt::precision);  // 2^(Q - q), q = p + 1
  static_assert(4 * rad < cell, "float_step: the bound must leave room in the cell");
  constexpr U min_normal = U{1} << frac, max_finite = (~U{0} >> 1) - min_normal;
  const U yb = bit_cast<U>(y), mag = yb & (~U{0} >> 1), d = yb & (cell - 1);
  // Declined: y zero, subnormal, infinite or NaN; d < rad or d + rad > cell (unsigned).
  return !((mag - min_normal > max_finite - min_normal) | (d - rad > cell - 2 * rad));
}

// The double tier's assumed error in ulps of double: CUDA's double exp, ..., tanh are documented
// at 1 ulp, erf, sin, cos at 2 (the guide's double table), glibc's under 1; 1024 is a margin of
// 500x that costs nothing (rad = 2052 units of a 2^(52 - p)-unit cell: declines about 2^-28 of
// binary16's calls beyond the exact cases).
inline constexpr int double_tier_ulps = 1024;

// The float step's logic on the pattern b for a function g with at most K ulps of error in
// float (against the correctly rounded float) and double_tier_ulps in double: true with F's
// pattern of f(x) in out, false (declined: the caller's exact path runs) where the decode or
// both tests fail. Tier 1 evaluates g in float; where its cell test fails (about 2 rad / 2^(23 - p)
// of the calls: 0.4% for binary16, so 12% of warps of 32 calls) tier 2 evaluates g in double
// (session 12: on the H200 a double tanh costs about 3 tanhf, the exact path about 14) and
// runs the same test on the double's 53 bits. Host and device: the device's gpu_float_step
// passes CUDA's functions and rounds y by gpu_float_encode; on the host
// (tests/test_math_float_step.cpp, with the host's float and double functions: a check of this
// logic, not of CUDA's bounds) y is rounded by encode_from.
#if FLOATLAB_CUDA && defined(__NVCC__)
#pragma nv_exec_check_disable  // g is CUDA's __device__ function in device code, the host's on the host
#endif
template <class Fmt, class Mode, int K, class G>
FLOATLAB_HOST_DEVICE bool float_step(std::uint64_t b, G g, typename Fmt::storage& out) noexcept {
  static_assert(gpu_float_ok<Fmt, Mode>, "float_step: not for this format or mode");
  float x;
  if (!float_step_decode<Fmt>(b, x)) return false;
  const float y = g(x);
  if (float_step_cell<Fmt, K>(y)) {
#if defined(__CUDA_ARCH__)
    out = gpu_float_encode<Fmt, Mode>(y);
#else
    out = encode_from<Fmt, Mode, float>(y, 0, 0);
#endif
    return true;
  }
  const double yd = g(static_cast<double>(x));
  if (!float_step_cell<Fmt, double_tier_ulps>(yd)) return false;
  out = encode_from<Fmt, Mode, double>(yd, 0, 0);
  return true;
}

#if FLOATLAB_CUDA
// The GPU float step on the pattern b (device code): float_step with CUDA's function.
template <class Fmt, class Mode, class Fn>
__device__ __forceinline__ bool gpu_float_step(std::uint64_t b, typename Fmt::storage& out) noexcept {
  static_assert(has_gpu_float<Fn>::value, "gpu_float_step: no CUDA float function for this one");
  return float_step<Fmt, Mode, gpu_float_fn<Fn>::max_ulps>(b, gpu_float_fn<Fn>{}, out);
}
#endif

// ---- the GPU double step (session 13): formats of 17 to 32 bits on the device -------------
// For a format F of 17 to 32 bits whose values are exact in float (binary32, tf32, cfloat<8,15>,
// ...; gpu_double_ok) in the six deterministic modes, call() first evaluates f(x) with CUDA's
// double function (exp, log, tanh, sin, ...: the guide's double table, 1 ulp for exp, exp2,
// expm1, log, log2, log1p, tanh and 2 for erf, sin, cos; double_tier_ulps = 1024 assumed) and
// rounds that double where the cell test on its 53 bits (float_step_cell, q = p + 1 <= 25: a
// cell of 2^(52 - p) >= 2^28 units, rad = 2052) shows no boundary of F between it and f(x), by
// the argument of the float step above; otherwise the exact path runs. Declines: about 2^-16 of
// the calls, plus the exact cases (exp(0), tanh of a tiny x, ...) and the patterns whose result
// is zero, infinite or NaN. Proof: tests/cuda/math_kernel.cu part 4, every binary32 and tf32
// input, six modes, ten functions, against the exact path on the GPU (call_exact), which part 4
// also compares with the CPU on a random sample. Session 12: CUDA's double tanh runs at about
// 0.35 of tanhf on the H200, the exact binary32 path at 0.12.
template <class Fmt, class Mode>
inline constexpr bool gpu_double_ok = Fmt::total_bits > 16 && Fmt::total_bits <= 32 && fits_hw<Fmt, float> &&
                                      direct_encode_ok<Fmt, Mode>;

#if FLOATLAB_CUDA
// F's rounding of the double y in Mode (y finite, normal): binary32 by the IEEE conversion
// cvt.{rn,rz,rm,rp}.f32.f64 (no .ftz: subnormal results kept), the rest by encode_from.
template <class Fmt, class Mode>
__device__ __forceinline__ typename Fmt::storage gpu_double_encode(double y) noexcept {
#if defined(__CUDA_ARCH__)
  constexpr bool single = std::is_same_v<typename Fmt::encoding_type, encoding::ieee> && Fmt::exponent_bits == 8 &&
                          Fmt::fraction_bits == 23;
  float f;
  if constexpr (single && std::is_same_v<Mode, round::nearest_even>) {
    asm("cvt.rn.f32.f64 %0, %1;" : "=f"(f) : "d"(y));
    return bit_cast<std::uint32_t>(f);
  } else if constexpr (single && std::is_same_v<Mode, round::toward_zero>) {
    asm("cvt.rz.f32.f64 %0, %1;" : "=f"(f) : "d"(y));
    return bit_cast<std::uint32_t>(f);
  } else if constexpr (single && std::is_same_v<Mode, round::downward>) {
    asm("cvt.rm.f32.f64 %0, %1;" : "=f"(f) : "d"(y));
    return bit_cast<std::uint32_t>(f);
  } else if constexpr (single && std::is_same_v<Mode, round::upward>) {
    asm("cvt.rp.f32.f64 %0, %1;" : "=f"(f) : "d"(y));
    return bit_cast<std::uint32_t>(f);
  } else {
    return encode_from<Fmt, Mode, double>(y, 0, 0);
  }
#else
  return encode_from<Fmt, Mode, double>(y, 0, 0);
#endif
}
#endif

// The double step's logic on the pattern b for a function g with at most double_tier_ulps ulps
// of error in double: true with F's pattern of f(x) in out, false (declined) where the test
// fails. Host and device, as float_step (tests/test_math_float_step.cpp runs it with glibc).
#if FLOATLAB_CUDA && defined(__NVCC__)
#pragma nv_exec_check_disable  // g is CUDA's __device__ function in device code, the host's on the host
#endif
template <class Fmt, class Mode, class G>
FLOATLAB_HOST_DEVICE bool double_step(std::uint64_t b, G g, typename Fmt::storage& out) noexcept {
  static_assert(gpu_double_ok<Fmt, Mode>, "double_step: not for this format or mode");
  float x;
  if (!float_step_decode<Fmt>(b, x)) return false;
  const double y = g(static_cast<double>(x));
  if (!float_step_cell<Fmt, double_tier_ulps>(y)) return false;
#if defined(__CUDA_ARCH__)
  out = gpu_double_encode<Fmt, Mode>(y);
#else
  out = encode_from<Fmt, Mode, double>(y, 0, 0);
#endif
  return true;
}

#if FLOATLAB_CUDA
// The GPU double step on the pattern b (device code): double_step with CUDA's double function.
template <class Fmt, class Mode, class Fn>
__device__ __forceinline__ bool gpu_double_step(std::uint64_t b, typename Fmt::storage& out) noexcept {
  static_assert(has_gpu_float<Fn>::value, "gpu_double_step: no CUDA function for this one");
  return double_step<Fmt, Mode>(b, gpu_float_fn<Fn>{}, out);
}
#endif

template <class Fn, class Mode, int E, int M, class R, class Enc>
FLOATLAB_HOST_DEVICE cfloat<E, M, R, Enc> call_exact(cfloat<E, M, R, Enc> x, std::uint32_t w) noexcept;

#if FLOATLAB_CUDA
// The exact path behind a GPU step, as a call (session 14): inlined, its code shared the
// caller's schedule with the step and cost it throughput; as a call it runs only where the step
// declines. Same code, same bits (math_kernel parts 1, 2 and 4 ran with it: 0 mismatches). H200,
// part 3's chains, ratio to CUDA's float function, inlined -> called (same day): binary16 exp
// 0.364 -> 0.394, tanh 0.259 -> 0.285; bfloat16 exp 0.391 -> 0.425, tanh 0.293 -> 0.331;
// binary32 tanh 0.257 -> 0.288, sin 0.361 -> 0.378. (The kernel's register count is unchanged:
// ptxas counts the callee's.)
template <class Fn, class Mode, int E, int M, class R, class Enc>
__device__ __noinline__ cfloat<E, M, R, Enc> call_exact_cold(cfloat<E, M, R, Enc> x, std::uint32_t w) noexcept {
  return call_exact<Fn, Mode>(x, w);
}
#endif

// Decode x, dispatch: on the device the GPU float or double step first, then the exact path.
template <class Fn, int E, int M, class R, class Enc, class... Args>
FLOATLAB_HOST_DEVICE cfloat<E, M, R, Enc> call(cfloat<E, M, R, Enc> x, Args&&... args) noexcept {
  check_format<E, M>();
  static_assert(sizeof...(Args) <= 2, "f(x [, mode] [, rng])");
  using Mode = mode_of_t<R, Args...>;
  const std::uint32_t w = word_from<Mode>(args...);
#if defined(__CUDA_ARCH__) && !defined(FLOATLAB_MATH_NO_GPU_FLOAT_STEP)
  using F = format<E, M, Enc>;
  if constexpr (has_gpu_float<Fn>::value && gpu_float_ok<F, Mode>) {  // session 11: the GPU float step
    typename F::storage out{};
    if (gpu_float_step<F, Mode, Fn>(x.bits(), out)) return cfloat<E, M, R, Enc>::from_bits(out);
    return call_exact_cold<Fn, Mode>(x, w);
  } else if constexpr (has_gpu_float<Fn>::value && gpu_double_ok<F, Mode>) {  // session 13: the double step
    typename F::storage out{};
    if (gpu_double_step<F, Mode, Fn>(x.bits(), out)) return cfloat<E, M, R, Enc>::from_bits(out);
    return call_exact_cold<Fn, Mode>(x, w);
  }
#endif
  return call_exact<Fn, Mode>(x, w);
}

// The exact path (every step proven on the CPU against MPFR), without the GPU steps: what call()
// runs on the host, and where a GPU step declines. Mode is resolved, w the random word (stochastic).
template <class Fn, class Mode, int E, int M, class R, class Enc>
FLOATLAB_HOST_DEVICE cfloat<E, M, R, Enc> call_exact(cfloat<E, M, R, Enc> x, std::uint32_t w) noexcept {
  using F = format<E, M, Enc>;
  // The pattern step (Fn::eval_pattern on the bits where Fn::pattern_hot): session 9 for the
  // short formats (bound Fn::eps_pattern_log2), session 10 for the formats of 13 to 24 bits
  // (binary32; each kernel's bound for 24-bit inputs, Fn::eps_pattern_wide_log2). Declined:
  // the double step on the decoded value (the pattern is normal), as ziv after a declined short step.
  constexpr bool wide = has_wide_pattern_step<Fn>::value && wide_pattern_ok<F, Mode>;
  if constexpr (wide || (has_pattern_step<Fn>::value && short_ok<F, Mode>)) {
    const std::uint64_t b = x.bits();
    if (Fn::template pattern_hot<F>(b)) {
      typename F::storage out{};
      if (short_round<F, Mode, pattern_eps_log2<Fn, wide>()>(Fn::template eval_pattern<F>(b), w, out)) {
        FLOATLAB_MATH_COUNT(calls);
        return cfloat<E, M, R, Enc>::from_bits(out);
      }
      FLOATLAB_MATH_COUNT(short_misses);
      return cfloat<E, M, R, Enc>::from_bits(ziv_double<F, Mode, Fn>(decode_normal<F>(b), w));
    }
  }
  if constexpr (has_hot<Fn>::value && fits_hw<F, double>) {
    // The common range first (session 6): one combined test instead of the class and range
    // tests of decode_in and run(), which hot() replaces exactly there.
    // Session 8: normal patterns decoded from the bits (decode_normal); the others (zeros,
    // subnormals, inf, NaN) through decode_in and run(), which handle every pattern.
    const std::uint64_t b = x.bits();
    if (normal_pattern<F>(b)) {
      const double d = decode_normal<F>(b);
      if (hot_of<Fn>(d)) return cfloat<E, M, R, Enc>::from_bits(ziv<F, Mode, Fn>(d, w));
    }
  }
  return cfloat<E, M, R, Enc>::from_bits(Fn::template run<F, Mode>(decode_in<F>(x.bits()), w));
}

// ---- the array forms: f(x_view, y_view [, mode] [, rng]) -----------------------------------
// y_i = f(x_i) for every i, bit-identical to the scalar calls in order (one random word per
// element, drawn in order, for stochastic modes). Blocks of 64: (1) decode every element to
// double (decode_to, branch-free); (2) on every element the function's double step (the same
// kernel, the same proven bound eps1 as the scalar first step), with arguments outside the
// range where the scalar function reaches that step marked (their lanes compute garbage);
// its rounding test and the double-path encoder, all without branches (lane_round), so the
// loop vectorizes; (3) the elements that are marked or fail the test go through the scalar
// function. An element accepted in (2) is correctly rounded by the same argument as the
// scalar step (fast_round): the double value v 2^k is within 2^eps1 of f and the q-bit cell
// holding v holds f; the vector code may contract differently, which only removes
// roundings (the bounds count plain roundings). Proven equal to the scalar calls by
// tests/test_math_array.cpp (every input of the 16-bit and 8-bit formats, binary32 random
// and hard sets, every mode).

// log_fast for x > 0 normal with <= 24 significant bits: both branches, then the choice.
FLOATLAB_MATH_HOT double log_lane(double x) noexcept {
  const std::uint64_t b = bit_cast<std::uint64_t>(x);
  std::int64_t e = static_cast<std::int64_t>(b >> 52) - 1023;
  double m = bit_cast<double>((b & 0xFFFFFFFFFFFFFull) | 0x3FF0000000000000ull);  // x 2^-e exactly
  const bool hi = m >= 1.4375;
  m = select_lane(hi, m * 0.5, m);
  e = hi ? e + 1 : e;
  const std::int64_t j = static_cast<std::int32_t>((m - 0.6875) * 64);  // in [0, 48)
  const double t = m * tb::log_r[j] - 1.0;
  const double t2 = t * t;
  const double a = -0.5 + t * 0.3333333333333333;
  const double c = (-0.16666666666666666 + t * 0.14285714285714285) - t2 * 0.125;
  const double bb = (-0.25 + t * 0.2) + t2 * c;
  const double lp = t + t2 * (a + t2 * bb);
  // e as a double through the shifter (exact, |e| < 2^51; no int64 -> double conversion in
  // AVX2); two_sum written out (eft's two_sum holds an asm barrier against contraction; here
  // its first operand e ln2_hi is an exact product, so any contraction gives the same values).
  const double ed = bit_cast<double>(0x4338000000000000ull + static_cast<std::uint64_t>(e)) - 0x1.8p52;
  const double ah = ed * fast::ln2_hi, bh = tb::log_nlr[j][0];
  const double sh = ah + bh;
  const double bv = sh - ah;
  const eft_result<double> h{sh, (ah - (sh - bv)) + (bh - bv)};
  const double table = h.hi + (((ed * fast::ln2_lo + tb::log_nlr[j][1]) + h.lo) + lp);
  const double near = log1p_atanh_fast(x - 1.0);
  return select_lane(fabs_d(x - 1.0) < 0.0625, near, table);
}
// log_short on lanes (session 8; the same operations, so the same bound): m and e from the bits
// with a double compare for the scale, e as a double through the shifter (as log_lane).
FLOATLAB_MATH_HOT double log_short_lane(double x) noexcept {
  const std::uint64_t b = bit_cast<std::uint64_t>(x);
  const std::int64_t e0 = static_cast<std::int64_t>(b >> 52) - 1023;
  const double m0 = bit_cast<double>((b & 0xFFFFFFFFFFFFFull) | 0x3FF0000000000000ull);
  const bool hi = m0 >= 1.4375;
  const double m = select_lane(hi, m0 * 0.5, m0);
  const std::int64_t e = hi ? e0 + 1 : e0;
  const std::int64_t j = static_cast<std::int32_t>((m - 0.6875) * 64);  // in [0, 48)
  const double t = m * tb::log_r[j] - 1.0;
  const double t2 = t * t;
  const double a = -0.5 + t * 0.3333333333333333;
  const double c = (-0.25 + t * 0.2) - t2 * 0.16666666666666666;
  const double lp = t + t2 * (a + t2 * c);
  const double ed = bit_cast<double>(0x4338000000000000ull + static_cast<std::uint64_t>(e)) - 0x1.8p52;
  return (ed * tb::ln2[0] + tb::log_nlr[j][0]) + lp;
}
// exp_short on lanes: exp_lane's reduction (the shifter; an fma contraction gives the nearest
// integer of the exact product, which the bound covers) with the degree-4 polynomial.
FLOATLAB_MATH_HOT lane_value exp_short_lane(double x) noexcept {  // |x| <= 2000
  constexpr double shifter = 0x1.8p52;
  const double sh = x * tb::inv_ln2_64 + shifter;
  const double nd = sh - shifter;
  const double r = (x - nd * fast::ln2_64_hi) - nd * fast::ln2_64_lo;
  const double p = expm1_poly4(r);
  const auto n = static_cast<std::int64_t>(bit_cast<std::uint64_t>(sh) & 0xFFFFFFFFFFFFFull) - (std::int64_t{1} << 51);
  const std::int64_t j = n & 63;
  const double t = tb::exp2_64[j][0];
  return {t + t * p, (n - j) >> 6};
}
// expm1_fast for -45 <= z <= 100, both branches.
FLOATLAB_MATH_HOT double expm1_lane(double z) noexcept {
  const double small = expm1_small_fast(z);
  const lane_value e = exp_lane(z);
  const double big = e.v * pow2_lane(e.k) - 1;  // k in [-65, 145]
  return select_lane(fabs_d(z) < 0.0625, small, big);
}

// fast_round without branches: ok when the test passes and v 2^k is a normal double >= 2^-1000
// (the case in which fast_round uses the same encoder on the same value).
// rad: 2^(eps1 + 53), the bound in units of v's last place (a constant, or pow's run-time one).
template <class Fmt, class Mode>
FLOATLAB_MATH_HOT bool lane_round_rad(const lane_value& r, std::uint64_t rad, std::uint32_t w,
                                      typename Fmt::storage& out) noexcept {
  constexpr int q = Fmt::precision + stochastic_bits_v<Mode> + 1;
  static_assert(q <= 50, "lane_round: the double step needs q <= 50");
  const std::uint64_t b = bit_cast<std::uint64_t>(r.v);
  const std::uint64_t be = (b >> 52) & 0x7FF;
  const std::uint64_t m = (b & 0xFFFFFFFFFFFFFull) | (std::uint64_t{1} << 52);
  constexpr std::uint64_t cell = std::uint64_t{1} << (53 - q);
  const std::uint64_t d = m & (cell - 1);
  const bool in_range = (r.k >= -1000) & (r.k <= 1000);
  // Outside the range the scale is a garbage double (pow2_lane's shift is unsigned: defined)
  // and the lane is marked; clamping k instead makes GCC thread the constant and branch.
  const double s = r.v * pow2_lane(r.k);
  const bool ok = (be != 0) & (be != 0x7FF) & (d >= rad) & (d + rad <= cell) & in_range & (fabs_d(s) >= 0x1p-1000);
  if constexpr (fits_hw<Fmt, float> && q <= 24) {
    // Formats of at most 24 bits: the float encoder (32-bit lanes, twice as many, and the
    // 32-bit shifts AVX2 has) on sf = RN_float(s) plus the sign of s - sf as its sticky
    // direction. Every point that a q-bit rounding looks at (grid points of p + R bits and
    // the midpoints) lies on float's grid at normal float exponents, so no such point lies
    // strictly between sf and s, and rounding sf + tiny (sign of s - sf) is rounding s in
    // every mode (encode_from's contract: |s - sf| below half an ulp of sf). Only where s is
    // a normal float (2^-126 <= |s| < 2^128, where sf stays finite); else the scalar pass.
    const auto sf = static_cast<float>(s);
    const double sd = static_cast<double>(sf);
    const int err = static_cast<int>(s > sd) - static_cast<int>(s < sd);
    out = encode_from<Fmt, Mode, float>(sf, err, w);
    const double as = fabs_d(s);  // as a value, so the & below has no call in it (clang -Wall)
    return ok & (as >= 0x1p-126) & (as < 0x1p128);
  } else {
    out = encode_from<Fmt, Mode, double>(s, 0, w);
    return ok;
  }
}
template <class Fmt, class Mode, int Eps>
FLOATLAB_MATH_HOT bool lane_round(const lane_value& r, std::uint32_t w, typename Fmt::storage& out) noexcept {
  static_assert(Eps >= -53, "lane_round: eps1 >= -53");
  return lane_round_rad<Fmt, Mode>(r, std::uint64_t{1} << (Eps + 53), w, out);
}

// Per function: where the scalar function reaches its double step (NaN compares false; & not
// &&: GCC does not evaluate a second floating-point comparison speculatively) and the lane
// kernel with its bound.
struct lane_exp {
  using fn = fn_exp;
  static constexpr int eps = fn_exp::eps1_log2;
  FLOATLAB_MATH_HOT static bool domain(double x) noexcept { return fn::hot(x); }
  FLOATLAB_MATH_HOT static lane_value eval(double x) noexcept { return exp_lane(x); }
};
struct lane_logistic {
  using fn = fn_logistic;
  static constexpr int eps = fn_logistic::eps1_log2;
  FLOATLAB_MATH_HOT static bool domain(double x) noexcept { return fn::hot(x); }
  FLOATLAB_MATH_HOT static lane_value eval(double x) noexcept { return logistic_lane(x); }
};
struct lane_log {
  using fn = fn_log;
  static constexpr int eps = fn_log::eps1_log2;
  FLOATLAB_MATH_HOT static bool domain(double x) noexcept { return fn::hot(x); }
  FLOATLAB_MATH_HOT static lane_value eval(double x) noexcept { return {log_lane(x), 0}; }
};
struct lane_tanh {
  using fn = fn_tanh;
  static constexpr int eps = fn_tanh::eps1_log2;
  FLOATLAB_MATH_HOT static bool domain(double x) noexcept { return fn::hot(x); }
  FLOATLAB_MATH_HOT static lane_value eval(double x) noexcept {  // tanh_fast
    const double em = expm1_lane(2 * fabs_d(x));
    const double y = em / (em + 2.0);
    return {select_lane(x < 0, -y, y), 0};
  }
};

struct lane_sin {
  using fn = fn_sin;
  static constexpr int eps = fn_sin::eps1_log2;
  FLOATLAB_MATH_HOT static bool domain(double x) noexcept { return fn::hot(x); }
  FLOATLAB_MATH_HOT static lane_value eval(double x) noexcept { return {sincos_lane(x, 0), 0}; }
};
struct lane_cos {
  using fn = fn_cos;
  static constexpr int eps = fn_cos::eps1_log2;
  FLOATLAB_MATH_HOT static bool domain(double x) noexcept { return fn::hot(x); }
  FLOATLAB_MATH_HOT static lane_value eval(double x) noexcept { return {sincos_lane(x, 32), 0}; }
};

template <class L, class F, class Mode>
inline constexpr bool lane_ok =
    fits_hw<F, double>&& F::exponent_bits <= 9 && F::precision + stochastic_bits_v<Mode> + 1 <= 50;

// The block driver shared by the array forms (session 8: map_unary and map_pow had each their
// own copy). For each block of up to B = 64 elements: the inputs' patterns (Ar views) and one
// random word per element, drawn in order; where the lanes apply (Lanes), the padding of the
// block with zero patterns and words (the vector loops run on full blocks), lanes(bits, w, out,
// ok) for the whole block, then scalar(i, bits, w) for each element whose ok is 0 (outside
// the lanes' domain or its rounding test failed), counted; otherwise scalar for every element.
// The output view is written element by element after its block is read, so it may be one of
// the inputs (the callers check the aliasing).
constexpr std::size_t map_block = 64;
template <bool Lanes, class T, std::size_t Ar, class Mode, class LaneStep, class Scalar, class... Args>
FLOATLAB_HOST_DEVICE void map_blocks(const array_view<const T> (&in)[Ar], array_view<T> out, LaneStep&& lanes,
                                     Scalar&& scalar, Args&&... args) noexcept {
  using S = typename T::storage_type;
  constexpr std::size_t B = map_block;
  for (std::size_t i0 = 0; i0 < out.size; i0 += B) {
    const std::size_t nb = out.size - i0 < B ? out.size - i0 : B;
    S bits[Ar][B];
    std::uint32_t w[B];
    for (std::size_t i = 0; i < nb; ++i) {
      for (std::size_t a = 0; a < Ar; ++a) bits[a][i] = in[a][i0 + i].bits();
      w[i] = word_from<Mode>(args...);
    }
    if constexpr (Lanes) {
      for (std::size_t i = nb; i < B; ++i) {  // a full block for the vector loops
        for (std::size_t a = 0; a < Ar; ++a) bits[a][i] = 0;
        w[i] = 0;
      }
      S res[B];
      unsigned char ok[B];
      lanes(bits, w, res, ok);
      for (std::size_t i = 0; i < nb; ++i) {
        if (!ok[i]) {
          FLOATLAB_MATH_COUNT(lane_misses);
          res[i] = scalar(bits, i, w[i]);
        } else {
          FLOATLAB_MATH_COUNT(lane_hits);
        }
        out[i0 + i] = T::from_bits(res[i]);
      }
    } else {
      for (std::size_t i = 0; i < nb; ++i) out[i0 + i] = T::from_bits(scalar(bits, i, w[i]));
    }
  }
}

template <class L, class T, class... Args>
FLOATLAB_HOST_DEVICE status map_unary(array_view<const T> x, array_view<T> y, const char* shape_msg,
                                      const char* alias_msg, Args&&... args) noexcept {
  static_assert(is_cfloat_v<T>, "floatlab math over views: the element type must be a cfloat");
  constexpr int E = T::exponent_bits, M = T::fraction_bits;
  check_format<E, M>();
  static_assert(sizeof...(Args) <= 2, "f(x, y [, mode] [, rng])");
  using Mode = mode_of_t<typename T::rounding_mode, Args...>;
  using F = format<E, M, typename T::encoding_type>;
  using S = typename F::storage;
  constexpr std::size_t B = map_block;
  if (x.size != y.size) return status::error(status::bad_shape, shape_msg);
  if (overlaps(x, y) && x.data != y.data) return status::error(status::bad_argument, alias_msg);
  const array_view<const T> in[1] = {x};
  map_blocks<lane_ok<L, F, Mode>, T, 1, Mode>(
      in, y,
      // Generic lambdas: their bodies are instantiated only where map_blocks calls them
      // (Lanes), so lane_round is not instantiated for the modes without lanes (q > 50).
      [](const auto& bits, const auto& w, auto& out, auto& ok) {
        double xd[B];
        for (std::size_t i = 0; i < B; ++i) xd[i] = decode_to<F, double>(bits[0][i]);
        double v[B];
        std::int64_t k[B];
        // Every lane runs the kernel on its own argument (a select of a harmless argument makes
        // GCC thread the constant through and leave a branch); the kernels are free of
        // undefined behaviour for every double (NaN, inf, 0 give garbage, marked here).
        for (std::size_t i = 0; i < B; ++i) {
          const lane_value r = L::eval(xd[i]);
          v[i] = r.v;
          k[i] = r.k;
        }
        for (std::size_t i = 0; i < B; ++i) ok[i] = static_cast<unsigned char>(L::domain(xd[i]));
        for (std::size_t i = 0; i < B; ++i)
          ok[i] &= static_cast<unsigned char>(lane_round<F, Mode, L::eps>(lane_value{v[i], k[i]}, w[i], out[i]));
      },
      [](const S(&bits)[1][B], std::size_t i, std::uint32_t w) {
        return L::fn::template run<F, Mode>(decode_in<F>(bits[0][i]), w);
      },
      static_cast<Args&&>(args)...);
  return {};
}

// pow's double step on lanes (session 6): x^y = e^t, t = RN(log_lane(x) y), for x > 0 normal
// and finite nonzero y with 2^-60 <= |t| <= 1000 (where pow_run reaches its double step after
// its special and exact cases; an exact result that lies on the q-bit grid fails the test,
// which is strict, and goes to the scalar pass), e^t by exp_lane, and pow_run's run-time bound
// (2.1 + 4.2 |t|) u as rad = 2^(exponent of (2.1 + 4.2 |t| (1 + 2^-40)) + 1), pow_eps_log2's
// value. x < 0 (odd or even integer y) always takes the scalar pass.
struct lane_pow {
  FLOATLAB_MATH_HOT static bool domain(double x, double y, double t) noexcept {
    return static_cast<int>(x >= 0x1p-1022) & static_cast<int>(x <= 0x1.fffffffffffffp1023) &
           static_cast<int>(fabs_d(y) <= 0x1.fffffffffffffp1023) & static_cast<int>(fabs_d(t) >= 0x1p-60) &
           static_cast<int>(fabs_d(t) <= 1000);
  }
  FLOATLAB_MATH_HOT static double arg(double x, double y) noexcept { return log_lane(x) * y; }
  FLOATLAB_MATH_HOT static std::uint64_t rad(double t) noexcept {
    const double c = 2.1 + 4.2 * fabs_d(t) * (1 + 0x1p-40);
    const std::uint64_t e = ((bit_cast<std::uint64_t>(c) >> 52) & 0x7FF) - 1023 + 1;  // >= 2 for c >= 2.1
    return std::uint64_t{1} << (e & 63);  // garbage lanes (t inf or NaN) are marked by domain
  }
};

// pow_short on lanes (session 8, formats with short_ok): x normal in the format (2^emin <= x,
// so |e| <= 128 as pow_short's bound assumes), x != 1, |y| < 2^8 (any y: 0 gives t = 0 and v =
// 1, a grid point the test rejects; NaN fails the compares), |t| <= 128; pow_short's bound 2^-35.
template <class F>
struct lane_pow_short {
  FLOATLAB_MATH_HOT static bool domain(double x, double y, double t) noexcept {
    constexpr double min_normal = bit_cast<double>(direct_grid<F>::lo);  // 2^emin
    return static_cast<int>(x >= min_normal) & static_cast<int>(x <= 0x1.fffffffffffffp1023) &
           static_cast<int>(x != 1.0) & static_cast<int>(fabs_d(y) < 256) & static_cast<int>(fabs_d(t) <= 128);
  }
  static constexpr int eps = -35;
};

// pow over views: z_i = pow(x_i, y_i), as map_unary (one word per element, in order).
template <class T, class... Args>
FLOATLAB_HOST_DEVICE status map_pow(array_view<const T> x, array_view<const T> y, array_view<T> z,
                                    Args&&... args) noexcept {
  static_assert(is_cfloat_v<T>, "floatlab math over views: the element type must be a cfloat");
  constexpr int E = T::exponent_bits, M = T::fraction_bits;
  check_format<E, M>();
  static_assert(sizeof...(Args) <= 2, "pow(x, y, z [, mode] [, rng])");
  using Mode = mode_of_t<typename T::rounding_mode, Args...>;
  using F = format<E, M, typename T::encoding_type>;
  using S = typename F::storage;
  constexpr std::size_t B = map_block;
  if (x.size != z.size || y.size != z.size)
    return status::error(status::bad_shape, "pow: x, y and z must have the same size");
  if ((overlaps(x, z) && x.data != z.data) || (overlaps(y, z) && y.data != z.data))
    return status::error(status::bad_argument, "pow: z must be x or y itself or not overlap them");
  const array_view<const T> in[2] = {x, y};
  map_blocks<lane_ok<lane_pow, F, Mode>, T, 2, Mode>(
      in, z,
      [](const auto& bits, const auto& w, auto& out, auto& ok) {  // generic: as map_unary's
        double xd[B], yd[B], t[B], v[B];
        std::int64_t k[B];
        for (std::size_t i = 0; i < B; ++i) {
          xd[i] = decode_to<F, double>(bits[0][i]);
          yd[i] = decode_to<F, double>(bits[1][i]);
        }
        if constexpr (short_ok<F, Mode>) {
          // Session 8: the short step on lanes (a constant bound, so the rounding loop vectorizes).
          using L = lane_pow_short<F>;
          for (std::size_t i = 0; i < B; ++i) t[i] = log_short_lane(xd[i]) * yd[i];
          for (std::size_t i = 0; i < B; ++i) {
            const lane_value r = exp_short_lane(t[i]);
            v[i] = r.v;
            k[i] = r.k;
          }
          for (std::size_t i = 0; i < B; ++i)
            ok[i] = static_cast<unsigned char>(
                static_cast<int>(L::domain(xd[i], yd[i], t[i])) &
                static_cast<int>(lane_round<F, Mode, L::eps>(lane_value{v[i], k[i]}, w[i], out[i])));
        } else {
          for (std::size_t i = 0; i < B; ++i) t[i] = lane_pow::arg(xd[i], yd[i]);
          for (std::size_t i = 0; i < B; ++i) {
            const lane_value r = exp_lane(t[i]);
            v[i] = r.v;
            k[i] = r.k;
          }
          for (std::size_t i = 0; i < B; ++i) ok[i] = static_cast<unsigned char>(lane_pow::domain(xd[i], yd[i], t[i]));
          for (std::size_t i = 0; i < B; ++i)
            ok[i] &= static_cast<unsigned char>(
                lane_round_rad<F, Mode>(lane_value{v[i], k[i]}, lane_pow::rad(t[i]), w[i], out[i]));
        }
      },
      [](const S(&bits)[2][B], std::size_t i, std::uint32_t w) {
        return pow_run<F, Mode>(decode_in<F>(bits[0][i]), decode_in<F>(bits[1][i]), w);
      },
      static_cast<Args&&>(args)...);
  return {};
}

}  // namespace detail::cr

#define FLOATLAB_MATH_FUNCTION(name, kernel)                                                        \
  template <int E, int M, class R, class Enc, class... Args>                                        \
  FLOATLAB_HOST_DEVICE cfloat<E, M, R, Enc> name(cfloat<E, M, R, Enc> x, Args&&... args) noexcept { \
    return detail::cr::call<detail::cr::kernel>(x, static_cast<Args&&>(args)...);                   \
  }

FLOATLAB_MATH_FUNCTION(exp, fn_exp)
FLOATLAB_MATH_FUNCTION(exp2, fn_exp2)
FLOATLAB_MATH_FUNCTION(expm1, fn_expm1)
FLOATLAB_MATH_FUNCTION(log, fn_log)
FLOATLAB_MATH_FUNCTION(log2, fn_log2)
FLOATLAB_MATH_FUNCTION(log1p, fn_log1p)
FLOATLAB_MATH_FUNCTION(tanh, fn_tanh)
FLOATLAB_MATH_FUNCTION(erf, fn_erf)
FLOATLAB_MATH_FUNCTION(logistic, fn_logistic)
FLOATLAB_MATH_FUNCTION(sigmoid, fn_logistic)
FLOATLAB_MATH_FUNCTION(softplus, fn_softplus)
FLOATLAB_MATH_FUNCTION(silu, fn_silu)
FLOATLAB_MATH_FUNCTION(gelu, fn_gelu)
FLOATLAB_MATH_FUNCTION(gelu_tanh, fn_gelu_tanh)
FLOATLAB_MATH_FUNCTION(logistic_grad, fn_logistic_grad)  // logistic'(x) = s (1 - s)
FLOATLAB_MATH_FUNCTION(sigmoid_grad, fn_logistic_grad)
FLOATLAB_MATH_FUNCTION(softplus_grad, fn_logistic)  // softplus' = logistic
FLOATLAB_MATH_FUNCTION(tanh_grad, fn_tanh_grad)     // tanh'(x) = 1 - tanh^2

FLOATLAB_MATH_FUNCTION(sin, fn_sin)
FLOATLAB_MATH_FUNCTION(cos, fn_cos)

#undef FLOATLAB_MATH_FUNCTION

// The array forms (see map_unary above): y_i = f(x_i), bit-identical to the scalar calls;
// y the same size as x (else bad_shape) and x itself or disjoint from it (else bad_argument),
// nothing written on a rejection. Returns no value flags (the scalar functions report none).
#define FLOATLAB_MATH_ARRAY(name, lane)                                                               \
  template <class T, class... Args>                                                                   \
  FLOATLAB_HOST_DEVICE status name(array_view<const T> x, array_view<T> y, Args&&... args) noexcept { \
    return detail::cr::map_unary<detail::cr::lane>(x, y, #name ": x and y must have the same size",   \
                                                   #name ": y must be x itself or not overlap it",    \
                                                   static_cast<Args&&>(args)...);                     \
  }                                                                                                   \
  template <class T, class... Args>                                                                   \
  FLOATLAB_HOST_DEVICE status name(array_view<T> x, array_view<T> y, Args&&... args) noexcept {       \
    return name(array_view<const T>(x), y, static_cast<Args&&>(args)...);                             \
  }

FLOATLAB_MATH_ARRAY(exp, lane_exp)
FLOATLAB_MATH_ARRAY(log, lane_log)
FLOATLAB_MATH_ARRAY(tanh, lane_tanh)
FLOATLAB_MATH_ARRAY(logistic, lane_logistic)
FLOATLAB_MATH_ARRAY(sigmoid, lane_logistic)
FLOATLAB_MATH_ARRAY(sin, lane_sin)
FLOATLAB_MATH_ARRAY(cos, lane_cos)
#undef FLOATLAB_MATH_ARRAY
#undef FLOATLAB_MATH_HOT

// x^y, correctly rounded; special cases of IEEE 754-2019 9.2.1 (pow(x, +-0) = 1 and
// pow(+1, y) = 1 even for NaN, pow(x < 0, non-integer) = NaN, pow(+-0, y < 0) = +-inf, ...).
template <int E, int M, class R, class Enc, class... Args>
FLOATLAB_HOST_DEVICE cfloat<E, M, R, Enc> pow(cfloat<E, M, R, Enc> x, cfloat<E, M, R, Enc> y, Args&&... args) noexcept {
  detail::cr::check_format<E, M>();
  static_assert(sizeof...(Args) <= 2, "pow(x, y [, mode] [, rng])");
  using Mode = detail::mode_of_t<R, Args...>;
  using F = format<E, M, Enc>;
  const std::uint32_t w = detail::word_from<Mode>(args...);
  if constexpr (detail::cr::short_ok<F, Mode> || detail::cr::wide_pattern_ok<F, Mode>) {  // session 8, 10
    typename F::storage out{};
    if (detail::cr::pow_short<F, Mode>(x.bits(), y.bits(), w, out)) {
      FLOATLAB_MATH_COUNT(calls);
      return cfloat<E, M, R, Enc>::from_bits(out);
    }
    FLOATLAB_MATH_COUNT(short_misses);
  }
  return cfloat<E, M, R, Enc>::from_bits(
      detail::cr::pow_run<F, Mode>(detail::cr::decode_in<F>(x.bits()), detail::cr::decode_in<F>(y.bits()), w));
}

// pow over views (session 6): z_i = pow(x_i, y_i), bit-identical to the scalar calls in order;
// x, y, z of one size (else bad_shape), z equal to x or y or disjoint from both (else
// bad_argument), nothing written on a rejection. Views of T or const T.
template <class X, class Y, class T, class... Args,
          class = std::enable_if_t<std::is_same_v<std::remove_const_t<X>, T> &&
                                   std::is_same_v<std::remove_const_t<Y>, T> && !std::is_const_v<T>>>
FLOATLAB_HOST_DEVICE status pow(array_view<X> x, array_view<Y> y, array_view<T> z, Args&&... args) noexcept {
  return detail::cr::map_pow<T>(array_view<const T>(x), array_view<const T>(y), z, static_cast<Args&&>(args)...);
}

}  // namespace floatlab
