// floatlab/expansion.hpp: floating-point expansions expansion<N, T>, N = 1..8.
//
// A value is the exact unevaluated sum t[0] + ... + t[N-1] of N numbers of the base type T
// (float, double or floatlab::cfloat<E, M> with round::nearest_even), ordered by
// decreasing magnitude and normalized: t[i] = RN(t[i] + t[i+1]), so |t[i+1]| <= ulp(t[i])/2
// (for N = 2 the "double-word" condition of JMP 2017), zeros only at the end. Every
// operation returns a normalized expansion and assumes normalized operands.
// Handbook of Floating-Point Arithmetic, 2nd ed., ch. 14.
//
// Algorithms and relative error bounds, u = 2^-p (p = std::numeric_limits<T>::digits);
// docs/expansions.md has the table with input conditions, and tests check each bound:
//   N = 1   plain T operations, bound u.
//   N = 2   Joldes, Muller, Popescu, "Tight and rigorous error bounds for basic building
//           blocks of double-word arithmetic", ACM TOMS 44(2), 2017 (JMP below):
//             x + y   AccurateDWPlusDW (Alg. 6)          3u^2 + 13u^3
//             x + t   DWPlusFP (Alg. 4)                  2u^2
//             x * y   DWTimesDW3 (Alg. 12, fma)          5u^2 (4u^2: Muller, Rideau 2022)
//             mul_fast DWTimesDW2 (Alg. 11, fma)         6u^2
//             x * t   DWTimesFP3 (Alg. 9, fma)           2u^2
//             x / y   DWDivDW3 (Alg. 18)                 9.8u^2
//             div_fast DWDivDW2 (Alg. 17)                15u^2 + 56u^3
//             sqrt    SQRTDWtoDW, Lefevre, Louvet, Muller, Picot, Rideau, "Accurate
//                     calculation of Euclidean norms using double-word arithmetic",
//                     ACM TOMS 49(1), 2023                25/8 u^2
//   N >= 3  CAMPARY style (Joldes, Muller, Popescu, Tucker, "CAMPARY: Cuda Multiple
//           Precision Arithmetic Library and Applications", ICMS 2016; renormalization of
//           Joldes, Marty, Muller, Popescu, IEEE TC 65(4), 2016): every partial result is
//           collected exactly with EFTs and renormalized once (renormalize_terms in
//           eft.hpp), whose last term rounds the remainder. Bound 2^(N-1) u^N (1 + N^2 u)
//           for + - * / sqrt, derived in docs/expansions.md: the final rounding of the
//           last term (about u^N |x|), plus the neglected partial products (mul), plus
//           the quotient/root digits not computed (div, sqrt).
//   N = 3, 4 over float and double: + - * / take the branch-free kernels of
//           detail/expansion_fixed.hpp (a loop over expansions vectorizes): addition and
//           the renormalization are the generic arithmetic (tested equal), mul sums level
//           N-1 with Sum2 and sorts by a network, div scales by bit-built powers of two;
//           the same bound, tested against MPFR (docs/expansions.md, "Specialized
//           kernels").
//
// No heap, no exceptions; every function is FLOATLAB_HOST_DEVICE and constexpr where the
// base type's operations are.
#pragma once

#include "detail/renormalize.hpp"
#include "eft.hpp"

namespace floatlab {

template <int N, class T>
class expansion;

namespace detail {

// ---- N = 2: JMP 2017 ----------------------------------------------------------------

template <class T>
FLOATLAB_HOST_DEVICE constexpr eft_result<T> dw_add(T xh, T xl, T yh, T yl) noexcept {
  // AccurateDWPlusDW, JMP Alg. 6: relative error <= 3u^2 / (1 - 4u) <= 3u^2 + 13u^3.
  const eft_result<T> s = two_sum(xh, yh);
  const eft_result<T> t = two_sum(xl, yl);
  const T c = s.lo + t.hi;
  const eft_result<T> v = fast_two_sum(s.hi, c);
  const T w = t.lo + v.lo;
  return fast_two_sum(v.hi, w);
}

template <class T>
FLOATLAB_HOST_DEVICE constexpr eft_result<T> dw_add_fp(T xh, T xl, T y) noexcept {
  // DWPlusFP, JMP Alg. 4: relative error <= 2u^2.
  const eft_result<T> s = two_sum(xh, y);
  const T v = xl + s.lo;
  return fast_two_sum(s.hi, v);
}

template <class T>
FLOATLAB_HOST_DEVICE constexpr eft_result<T> dw_mul_fp(T xh, T xl, T y) noexcept {
  // DWTimesFP3, JMP Alg. 9: relative error <= 2u^2.
  using ops = fp_ops<T>;
  const eft_result<T> c = two_prod(xh, y);
  const T cl3 = ops::fused(xl, y, c.lo);
  return fast_two_sum(c.hi, cl3);
}

template <class T>
FLOATLAB_HOST_DEVICE constexpr eft_result<T> dw_mul(T xh, T xl, T yh, T yl) noexcept {
  // DWTimesDW3, JMP Alg. 12: relative error <= 5u^2 (JMP), 4u^2 (Muller, Rideau 2022).
  using ops = fp_ops<T>;
  const eft_result<T> c = two_prod(xh, yh);
  const T tl0 = ops::mul(xl, yl);
  const T tl1 = ops::fused(xh, yl, tl0);
  const T cl2 = ops::fused(xl, yh, tl1);
  const T cl3 = c.lo + cl2;
  return fast_two_sum(c.hi, cl3);
}

template <class T>
FLOATLAB_HOST_DEVICE constexpr eft_result<T> dw_mul_fast(T xh, T xl, T yh, T yl) noexcept {
  // DWTimesDW2, JMP Alg. 11: drops xl*yl; relative error <= 6u^2.
  using ops = fp_ops<T>;
  const eft_result<T> c = two_prod(xh, yh);
  const T tl = ops::mul(xh, yl);
  const T cl2 = ops::fused(xl, yh, tl);
  const T cl3 = c.lo + cl2;
  return fast_two_sum(c.hi, cl3);
}

template <class T>
FLOATLAB_HOST_DEVICE constexpr eft_result<T> dw_div_fast(T xh, T xl, T yh, T yl) noexcept {
  // DWDivDW2, JMP Alg. 17: relative error <= 15u^2 + 56u^3.
  using ops = fp_ops<T>;
  const T th = ops::div(xh, yh);
  const eft_result<T> r = dw_mul_fp(yh, yl, th);
  const eft_result<T> pi = two_sum(xh, -r.hi);
  const T dh = pi.lo - r.lo;
  const T dl = dh + xl;
  const T d = pi.hi + dl;
  const T tl = ops::div(d, yh);
  return fast_two_sum(th, tl);
}

template <class T>
FLOATLAB_HOST_DEVICE constexpr eft_result<T> dw_div(T xh, T xl, T yh, T yl) noexcept {
  // DWDivDW3, JMP Alg. 18: reciprocal by one Newton step in double-word, then a
  // double-word product; relative error <= 9.8u^2.
  using ops = fp_ops<T>;
  const T th = ops::div(ops::one(), yh);
  const T rh = ops::fused(-yh, th, ops::one());
  const T rl = -ops::mul(yl, th);
  const eft_result<T> e = fast_two_sum(rh, rl);
  const eft_result<T> d = dw_mul_fp(e.hi, e.lo, th);
  const eft_result<T> m = dw_add_fp(d.hi, d.lo, th);
  return dw_mul(xh, xl, m.hi, m.lo);
}

template <class T>
FLOATLAB_HOST_DEVICE constexpr eft_result<T> dw_sqrt(T xh, T xl) noexcept {
  // SQRTDWtoDW (Lefevre, Louvet, Muller, Picot, Rideau 2023): relative error <= 25/8 u^2.
  using ops = fp_ops<T>;
  const T sh = ops::root(xh);
  const T r1 = ops::fused(-sh, sh, xh);
  const T r2 = xl + r1;
  const T sl = ops::div(r2, sh + sh);
  return fast_two_sum(sh, sl);
}

// ---- N >= 3: exact collection + one renormalization ---------------------------------

template <int N, class T>
FLOATLAB_HOST_DEVICE constexpr void gen_add(const T (&x)[N], const T (&y)[N], T (&r)[N]) noexcept {
  // Merge by decreasing magnitude (JMMP 2016 Alg. 4 / CAMPARY), then renormalize.
  // Branch-free: the next term is picked by a select, padded with a zero sentinel.
  T e[2 * N] = {};
  T xs[N + 1] = {};
  T ys[N + 1] = {};
  for (int k = 0; k < N; ++k) {
    xs[k] = x[k];
    ys[k] = y[k];
  }
  int i = 0, j = 0;
  for (int k = 0; k < 2 * N; ++k) {
    const T a = xs[i], b = ys[j];
    const bool take_x = (j >= N) || (i < N && !(abs(a) < abs(b)));
    e[k] = take_x ? a : b;
    i += take_x ? 1 : 0;
    j += take_x ? 0 : 1;
  }
  renormalize_terms<N>(e, r);
}

// The collected terms of mul/div/sqrt come in level order, which is sorted up to small
// disorder inside a level (terms within a factor 16 of each other) when the operands have
// no gaps between their terms; that disorder is harmless to the renormalization (exact,
// and normalized by its fix-up pass), and skipping the sort then halves the cost. Operands
// with gaps or zeros break the level order: then sort.
template <class T, int M>
FLOATLAB_HOST_DEVICE constexpr void sort_if_disordered(T (&e)[M], int m = M) noexcept {
  using ops = fp_ops<T>;
  const T sixteen = ops::scale(ops::one(), 4);
  T lowest = abs(e[0]);
  bool level_sorted = true;
  for (int i = 1; i < m; ++i) {  // no branch: & instead of &&; x16 is exact, no fma risk
    const T a = abs(e[i]);
    level_sorted = level_sorted & !(lowest * sixteen < a);
    lowest = a < lowest ? a : lowest;
  }
  if (!level_sorted) sort_by_magnitude(e);
}

template <int N, class T>
FLOATLAB_HOST_DEVICE constexpr void gen_mul(const T (&x)[N], const T (&y)[N], T (&r)[N]) noexcept {
  // Products x_i y_j with i + j < N exactly (two_prod), ordered by level i + j with the
  // error terms of level k placed with level k + 1; level N products and the errors of
  // level N-1 in one rounded term; levels above N neglected (CAMPARY's truncated product).
  using ops = fp_ops<T>;
  T e[N * N + 1] = {};
  T lows[N] = {};
  int m = 0;
  for (int k = 0; k < N; ++k) {
    T next[N] = {};
    for (int i = 0; i <= k; ++i) {
      const eft_result<T> p = two_prod(x[i], y[k - i]);
      e[m++] = p.hi;
      next[i] = p.lo;
    }
    for (int i = 0; i < k; ++i) e[m++] = lows[i];
    for (int i = 0; i <= k; ++i) lows[i] = next[i];
  }
  T last = ops::zero();
  for (int i = N - 1; i >= 1; --i) last = last + ops::mul(x[i], y[N - i]);
  for (int i = N - 1; i >= 0; --i) last = last + lows[i];
  e[m++] = last;
  sort_if_disordered(e, m);
  renormalize_terms<N>(e, r);
}

// Exponent range available to remainders: scaling moves the dividend / radicand to the
// top of the range so that the shrinking remainders (about |x| (5u)^k) and their exact
// products stay normal as long as the format allows; only the final result is scaled back.
template <int N, class T>
FLOATLAB_HOST_DEVICE constexpr void scale_terms(T (&a)[N], int s) noexcept {
  if (s == 0) return;
  for (int i = 0; i < N; ++i) a[i] = fp_ops<T>::scale(a[i], s);
}

template <int N, class T>
FLOATLAB_HOST_DEVICE constexpr void gen_div(const T (&x)[N], const T (&y)[N], T (&r)[N]) noexcept {
  // Long division with exact remainders: q_k = RN(rem_0 / y_0); rem -= q_k * y with the
  // products two_prod-exact, renormalized to N terms (its rounding is relative to the
  // small fresh remainder). The D digits are renormalized once at the end.
  using ops = fp_ops<T>;
  constexpr int D = expansion_digits<N, T>();
  constexpr int top = std::numeric_limits<T>::max_exponent - 3;  // leading exponent of x
  for (int i = 0; i < N; ++i) r[i] = ops::zero();
  const T q0 = ops::div(x[0], y[0]);
  if (!ops::finite(q0) || q0 == ops::zero() || !ops::finite(x[0]) || !ops::finite(y[0]) ||
      x[0] == ops::zero()) {
    r[0] = q0;
    return;
  }
  const int sx = top - ops::exponent(x[0]);
  const int ey = ops::exponent(y[0]);
  const int sy = ey < 0 ? -ey : 0;
  T rem[N] = {};
  T yy[N] = {};
  for (int i = 0; i < N; ++i) {
    rem[i] = x[i];
    yy[i] = y[i];
  }
  scale_terms(rem, sx);
  scale_terms(yy, sy);
  T q[D] = {};
  for (int k = 0; k < D; ++k) {
    q[k] = ops::div(rem[0], yy[0]);
    if (k == D - 1 || rem[0] == ops::zero()) break;
    T e[3 * N] = {};
    for (int i = 0; i < N; ++i) {
      const eft_result<T> p = two_prod(-q[k], yy[i]);
      e[3 * i] = rem[i];
      e[3 * i + 1] = p.hi;
      e[3 * i + 2] = p.lo;
    }
    sort_if_disordered(e);
    renormalize_terms<N>(e, rem);
  }
  sort_by_magnitude(q);
  renormalize_terms<N>(q, r);
  scale_terms(r, sy - sx);
}

template <int N, class T>
FLOATLAB_HOST_DEVICE constexpr void gen_sqrt(const T (&x)[N], T (&r)[N]) noexcept {
  // Digit-by-digit square root with exact remainders: s_0 = RN(sqrt(x_0)); rem = x - S^2;
  // s_k = RN(rem_0 / (2 s_0)); rem -= 2 s_k S + s_k^2 (two_prod-exact).
  using ops = fp_ops<T>;
  constexpr int D = expansion_digits<N, T>();
  for (int i = 0; i < N; ++i) r[i] = ops::zero();
  if (!(x[0] > ops::zero()) || !ops::finite(x[0])) {
    r[0] = ops::root(x[0]);
    return;
  }
  // Scale by an even power of two to the top of the range (see gen_div).
  constexpr int top = std::numeric_limits<T>::max_exponent - 3;
  int sx = top - ops::exponent(x[0]);
  if (sx % 2 != 0) --sx;
  T xs[N] = {};
  for (int i = 0; i < N; ++i) xs[i] = x[i];
  scale_terms(xs, sx);
  T s[D] = {};
  s[0] = ops::root(xs[0]);
  const T two_s0 = s[0] + s[0];
  T rem[N] = {};
  {
    T e[N + 2] = {};
    const eft_result<T> p = two_prod(-s[0], s[0]);
    e[0] = xs[0];
    e[1] = p.hi;
    e[2] = p.lo;
    for (int i = 1; i < N; ++i) e[i + 2] = xs[i];
    sort_by_magnitude(e);
    renormalize_terms<N>(e, rem);
  }
  for (int k = 1; k < D; ++k) {
    if (rem[0] == ops::zero()) break;
    s[k] = ops::div(rem[0], two_s0);
    if (k == D - 1) break;
    T e[N + 2 * D] = {};
    int m = 0;
    for (int i = 0; i < N; ++i) e[m++] = rem[i];
    const T m2 = -(s[k] + s[k]);
    for (int j = 0; j < k; ++j) {
      const eft_result<T> p = two_prod(m2, s[j]);
      e[m++] = p.hi;
      e[m++] = p.lo;
    }
    const eft_result<T> p = two_prod(-s[k], s[k]);
    e[m++] = p.hi;
    e[m++] = p.lo;
    sort_if_disordered(e, m);
    renormalize_terms<N>(e, rem);
  }
  sort_by_magnitude(s);
  renormalize_terms<N>(s, r);
  scale_terms(r, -sx / 2);
}

}  // namespace detail
}  // namespace floatlab

#undef FLOATLAB_FIXED_INLINE

#include "detail/expansion_fixed.hpp"

namespace floatlab {

template <int N, class T>
class expansion {
  static_assert(N >= 1 && N <= 8, "expansion<N, T>: the number of terms N must be in 1..8");
  static_assert(detail::eft_base_ok<T>(),
                "expansion<N, T>: T must be radix 2 with round-to-nearest (float, double, or "
                "cfloat with round::nearest_even) and have at least 3 digits");
  using ops = detail::fp_ops<T>;

 public:
  using value_type = T;
  static constexpr int terms = N;

  FLOATLAB_HOST_DEVICE constexpr expansion() noexcept : t_{} {}
  // Exact: one term.
  FLOATLAB_HOST_DEVICE constexpr expansion(T v) noexcept : t_{} { t_[0] = v; }  // NOLINT

  // Terms already non-overlapping and in decreasing magnitude (not checked; use
  // renormalize() for arbitrary terms). Missing terms are zero.
  template <class... Ts>
  FLOATLAB_HOST_DEVICE static constexpr expansion from_terms(Ts... ts) noexcept {
    static_assert(sizeof...(Ts) >= 1 && sizeof...(Ts) <= N,
                  "expansion<N, T>::from_terms: the number of terms must be in 1..N");
    static_assert((std::is_same_v<Ts, T> && ...),
                  "expansion<N, T>::from_terms: every term must be of type T");
    expansion r;
    int i = 0;
    ((r.t_[i++] = ts), ...);
    return r;
  }

  FLOATLAB_HOST_DEVICE static constexpr expansion from_array(const T (&a)[N]) noexcept {
    expansion r;
    for (int i = 0; i < N; ++i) r.t_[i] = a[i];
    return r;
  }

  // Exact construction from a value of a wider type U (double, long double, a wide
  // cfloat...): peels off RN_T(rest) term by term; rest - t is exact in U (t is within
  // half an ulp_T of rest and U has at least T's precision). Exact when N terms suffice
  // and nothing over/underflows; otherwise the last term is RN_T of the remainder.
  template <class U>
  FLOATLAB_HOST_DEVICE static constexpr expansion from_value(U v) noexcept {
    expansion r;
    U rest = v;
    for (int i = 0; i < N; ++i) {
      const T t = static_cast<T>(rest);
      r.t_[i] = t;
      rest = rest - static_cast<U>(t);
      if (!(rest != U(0))) break;
    }
    return r;
  }

  FLOATLAB_HOST_DEVICE constexpr T operator[](int i) const noexcept { return t_[i]; }
  FLOATLAB_HOST_DEVICE static constexpr int size() noexcept { return N; }
  FLOATLAB_HOST_DEVICE constexpr const T (&data() const noexcept)[N] { return t_; }

  // Sum of the terms in U, from the smallest up. For U = T and a non-overlapping x this is
  // a faithful rounding (not always correct rounding); for a U with at least N*p bits and
  // enough range, it is exact.
  template <class U>
  FLOATLAB_HOST_DEVICE constexpr U to() const noexcept {
    U acc = static_cast<U>(t_[N - 1]);
    for (int i = N - 2; i >= 0; --i) acc = acc + static_cast<U>(t_[i]);
    return acc;
  }
  FLOATLAB_HOST_DEVICE explicit constexpr operator T() const noexcept { return to<T>(); }

  FLOATLAB_HOST_DEVICE constexpr expansion operator-() const noexcept {
    expansion r;
    for (int i = 0; i < N; ++i) r.t_[i] = -t_[i];
    return r;
  }

  FLOATLAB_FIXED_INLINE FLOATLAB_HOST_DEVICE friend constexpr expansion operator+(const expansion& x,
                                                            const expansion& y) noexcept {
    expansion r;
    if constexpr (N == 1) {
      r.t_[0] = x.t_[0] + y.t_[0];
    } else if constexpr (N == 2) {
      r = pair(detail::dw_add(x.t_[0], x.t_[1], y.t_[0], y.t_[1]));
    } else {
      if constexpr ((N == 3 || N == 4) && detail::fixed_kernel_ok<T>::value) {
        detail::fixed_add<N>(x.t_, y.t_, r.t_);
      } else {
        detail::gen_add<N>(x.t_, y.t_, r.t_);
      }
    }
    return special(r, [&] { return x.t_[0] + y.t_[0]; });
  }
  FLOATLAB_FIXED_INLINE FLOATLAB_HOST_DEVICE friend constexpr expansion operator-(const expansion& x,
                                                            const expansion& y) noexcept {
    return x + (-y);
  }
  FLOATLAB_HOST_DEVICE friend constexpr expansion operator+(const expansion& x, T y) noexcept {
    if constexpr (N == 2) {
      return special(pair(detail::dw_add_fp(x.t_[0], x.t_[1], y)), [&] { return x.t_[0] + y; });
    } else {
      return x + expansion(y);
    }
  }
  FLOATLAB_HOST_DEVICE friend constexpr expansion operator+(T y, const expansion& x) noexcept {
    return x + y;
  }
  FLOATLAB_HOST_DEVICE friend constexpr expansion operator-(const expansion& x, T y) noexcept {
    return x + (-y);
  }

  FLOATLAB_FIXED_INLINE FLOATLAB_HOST_DEVICE friend constexpr expansion operator*(const expansion& x,
                                                            const expansion& y) noexcept {
    expansion r;
    if constexpr (N == 1) {
      r.t_[0] = ops::mul(x.t_[0], y.t_[0]);
    } else if constexpr (N == 2) {
      r = pair(detail::dw_mul(x.t_[0], x.t_[1], y.t_[0], y.t_[1]));
    } else {
      if constexpr ((N == 3 || N == 4) && detail::fixed_kernel_ok<T>::value) {
        detail::fixed_mul<N>(x.t_, y.t_, r.t_);
      } else {
        detail::gen_mul<N>(x.t_, y.t_, r.t_);
      }
    }
    return special(r, [&] { return ops::mul(x.t_[0], y.t_[0]); });
  }
  FLOATLAB_HOST_DEVICE friend constexpr expansion operator*(const expansion& x, T y) noexcept {
    if constexpr (N == 2) {
      return special(pair(detail::dw_mul_fp(x.t_[0], x.t_[1], y)), [&] { return ops::mul(x.t_[0], y); });
    } else {
      return x * expansion(y);
    }
  }
  FLOATLAB_HOST_DEVICE friend constexpr expansion operator*(T y, const expansion& x) noexcept {
    return x * y;
  }

  FLOATLAB_FIXED_INLINE FLOATLAB_HOST_DEVICE friend constexpr expansion operator/(const expansion& x,
                                                            const expansion& y) noexcept {
    expansion r;
    if constexpr (N == 1) {
      r.t_[0] = ops::div(x.t_[0], y.t_[0]);
    } else if constexpr (N == 2) {
      r = pair(detail::dw_div(x.t_[0], x.t_[1], y.t_[0], y.t_[1]));
    } else {
      if constexpr ((N == 3 || N == 4) && detail::fixed_kernel_ok<T>::value) {
        detail::fixed_div<N>(x.t_, y.t_, r.t_);  // special values handled inside
        return r;
      } else {
        detail::gen_div<N>(x.t_, y.t_, r.t_);
      }
    }
    return special(r, [&] { return ops::div(x.t_[0], y.t_[0]); });
  }

  FLOATLAB_HOST_DEVICE constexpr expansion& operator+=(const expansion& y) noexcept {
    return *this = *this + y;
  }
  FLOATLAB_HOST_DEVICE constexpr expansion& operator-=(const expansion& y) noexcept {
    return *this = *this - y;
  }
  FLOATLAB_HOST_DEVICE constexpr expansion& operator*=(const expansion& y) noexcept {
    return *this = *this * y;
  }
  FLOATLAB_HOST_DEVICE constexpr expansion& operator/=(const expansion& y) noexcept {
    return *this = *this / y;
  }

  // Comparisons are exact: the sign of x - y computed with a relative error below 1.
  FLOATLAB_HOST_DEVICE friend constexpr int compare(const expansion& x,
                                                    const expansion& y) noexcept {
    const expansion d = x - y;
    for (int i = 0; i < N; ++i) {
      if (d.t_[i] > ops::zero()) return 1;
      if (d.t_[i] < ops::zero()) return -1;
    }
    return 0;
  }
  FLOATLAB_HOST_DEVICE friend constexpr bool operator==(const expansion& x, const expansion& y) noexcept {
    return compare(x, y) == 0 && x.t_[0] == x.t_[0] && y.t_[0] == y.t_[0];
  }
  FLOATLAB_HOST_DEVICE friend constexpr bool operator!=(const expansion& x, const expansion& y) noexcept {
    return !(x == y);
  }
  FLOATLAB_HOST_DEVICE friend constexpr bool operator<(const expansion& x, const expansion& y) noexcept {
    return compare(x, y) < 0;
  }
  FLOATLAB_HOST_DEVICE friend constexpr bool operator>(const expansion& x, const expansion& y) noexcept {
    return compare(x, y) > 0;
  }
  FLOATLAB_HOST_DEVICE friend constexpr bool operator<=(const expansion& x, const expansion& y) noexcept {
    return compare(x, y) <= 0 && x == x && y == y;
  }
  FLOATLAB_HOST_DEVICE friend constexpr bool operator>=(const expansion& x, const expansion& y) noexcept {
    return compare(x, y) >= 0 && x == x && y == y;
  }

 private:
  // Infinite or NaN operands (or an overflowing result) make the EFTs produce NaN error
  // terms; the result is then what the base type gives for the leading terms, alone.
  template <class Plain>
  FLOATLAB_FIXED_INLINE FLOATLAB_HOST_DEVICE static constexpr expansion special(const expansion& r, Plain plain) noexcept {
    // One test for both ends: x + y is finite iff both are (inf - inf is NaN); any NaN or
    // inf term reaches the last term through the renormalization. Selects, not branches,
    // so that loops over expansions still vectorize.
    const bool ok = ops::finite(r.t_[0] + r.t_[N - 1]);
    const T p = plain();  // inf/NaN as the base type gives it, or finite (spurious overflow)
    expansion s;
    s.t_[0] = ok ? r.t_[0] : p;
    for (int i = 1; i < N; ++i) s.t_[i] = ok ? r.t_[i] : ops::zero();
    return s;
  }

  FLOATLAB_HOST_DEVICE static constexpr expansion pair(eft_result<T> r) noexcept {
    expansion e;
    e.t_[0] = r.hi;
    if constexpr (N >= 2) e.t_[1] = r.lo;
    return e;
  }

  T t_[N];
};

// Faster N = 2 variants, named for what they give up (see the bound table above).
template <class T>
FLOATLAB_HOST_DEVICE constexpr expansion<2, T> mul_fast(const expansion<2, T>& x,
                                                         const expansion<2, T>& y) noexcept {
  using ops = detail::fp_ops<T>;
  const eft_result<T> r = detail::dw_mul_fast(x[0], x[1], y[0], y[1]);
  const bool ok = ops::finite(r.hi + r.lo);  // special values as in operator*, by selects
  return expansion<2, T>::from_terms(ok ? r.hi : ops::mul(x[0], y[0]), ok ? r.lo : ops::zero());
}
template <class T>
FLOATLAB_HOST_DEVICE constexpr expansion<2, T> div_fast(const expansion<2, T>& x,
                                                         const expansion<2, T>& y) noexcept {
  using ops = detail::fp_ops<T>;
  const eft_result<T> r = detail::dw_div_fast(x[0], x[1], y[0], y[1]);
  const bool ok = ops::finite(r.hi + r.lo);
  return expansion<2, T>::from_terms(ok ? r.hi : ops::div(x[0], y[0]), ok ? r.lo : ops::zero());
}

template <int N, class T>
FLOATLAB_HOST_DEVICE constexpr expansion<N, T> sqrt(const expansion<N, T>& x) noexcept {
  using ops = detail::fp_ops<T>;
  if constexpr (N == 1) {
    return expansion<1, T>(ops::root(x[0]));
  } else if constexpr (N == 2) {
    // Zero, negative, inf, NaN: the base type's root alone (selects, so loops vectorize).
    const eft_result<T> r = detail::dw_sqrt(x[0], x[1]);
    const bool ok = x[0] > ops::zero() && ops::finite(r.hi + r.lo);
    return expansion<2, T>::from_terms(ok ? r.hi : ops::root(x[0]), ok ? r.lo : ops::zero());
  } else {
    T r[N] = {};
    detail::gen_sqrt<N>(x.data(), r);
    return expansion<N, T>::from_array(r);
  }
}

// Exact product of two base numbers as an expansion (two_prod; N >= 2).
template <int N, class T>
FLOATLAB_HOST_DEVICE constexpr expansion<N, T> exact_product(T a, T b) noexcept {
  static_assert(N >= 2, "exact_product<N, T>: N must be >= 2 to hold a product exactly");
  const eft_result<T> r = two_prod(a, b);
  return expansion<N, T>::from_terms(r.hi, r.lo);
}

// Renormalizes arbitrary terms (any order, overlapping) into a non-overlapping expansion
// of the same value, rounded in its last term (bound 2^(N-1) u^N as for addition).
template <int N, class T>
FLOATLAB_HOST_DEVICE constexpr expansion<N, T> renormalize(const expansion<N, T>& x) noexcept {
  T e[N] = {};
  T r[N] = {};
  for (int i = 0; i < N; ++i) e[i] = x[i];
  sort_by_magnitude(e);
  renormalize_terms<N>(e, r);
  return expansion<N, T>::from_array(r);
}

}  // namespace floatlab

#undef FLOATLAB_FIXED_INLINE
