// floatlab/eft.hpp: error-free transforms (EFTs) over float, double and cfloat<E, M>.
//
// An EFT turns one rounded operation into an exact unevaluated sum hi + lo:
//   two_sum       a + b = hi + lo exactly, any a, b           (Moller 1965, Knuth TAOCP 4.2.2)
//   fast_two_sum  a + b = hi + lo exactly if e_a >= e_b       (Dekker 1971)
//   two_prod      a * b = hi + lo exactly, with one fma       (Handbook of FP Arithmetic, 4.4.1)
//   two_prod_dekker   the same without fma, Veltkamp split    (Dekker 1971)
//   vec_sum       x_0 + ... + x_{n-1} redistributed exactly   (Ogita, Rump, Oishi 2005)
// All of them assume round-to-nearest (ties to even) and a radix-2 format. Their
// exactness conditions (Handbook of Floating-Point Arithmetic, 2nd ed., ch. 4;
// Boldo, Graillat, Muller, "On the robustness of the 2Sum and Fast2Sum algorithms",
// ACM TOMS 44(1), 2017):
//   two_sum, fast_two_sum: exact whenever a + b does not overflow; underflow is harmless
//     with gradual underflow (a sum that lands in the subnormal range is exact), but NOT
//     with flush-to-zero formats. When a + b rounds to a finite value, BGM 2017 show that
//     Fast2Sum cannot overflow and 2Sum can only in rare corner cases near the largest
//     finite value; tests/test_eft.cpp enumerates every pair of small formats and lists them.
//   two_prod: exact iff the error a*b - RN(a*b) is representable; sufficient is
//     e_a + e_b >= emin + p - 1 (no product underflow); fails when a*b overflows.
//   two_prod_dekker: the same underflow condition, and |a|, |b| below max / (2^ceil(p/2) + 1)
//     (Veltkamp's C*a overflows beyond that; the exhaustive tests count these cases).
// The *_checked variants report these failures instead of returning garbage.
//
// Contraction: a compiler allowed to fuse a*b + c into fma(a, b, c) (-ffp-contract=fast,
// the GCC default in GNU modes, and nvcc's default) silently destroys Veltkamp splitting
// and the double-word algorithms built on exact error terms. Every product in floatlab's
// EFT and expansion code therefore goes through fp_ops<T>::mul, which keeps it unfusable:
// __builtin_assoc_barrier on GCC >= 12, '#pragma clang fp contract(off)' on Clang, an empty
// asm barrier elsewhere, __dmul_rn/__fmul_rn on CUDA devices. The only fused operations
// are the explicit fma calls.
// -ffast-math (reassociation) cannot be repaired that way and is rejected below.
#pragma once

#include <limits>
#include <type_traits>

#include "config.hpp"
#include "detail/no_contract.hpp"
#include "rounding.hpp"

#if defined(__FAST_MATH__)
#error "floatlab/eft.hpp: error-free transforms are invalid under -ffast-math / -fassociative-math (reassociation cancels the recovered error terms); compile without it"
#endif

namespace floatlab {

// hi + lo equals the exact result of the transformed operation (when the transform's
// conditions hold); |lo| <= ulp(hi) / 2.
template <class T>
struct eft_result {
  T hi;
  T lo;
};

// A checked transform also says whether hi + lo is exact.
template <class T>
struct eft_checked {
  T hi;
  T lo;
  bool exact;
};

namespace detail {

// The few primitive operations the EFTs need, for one base type T. The primary template
// serves class types such as floatlab::cfloat through their public API (operators, and
// fma/sqrt/ldexp found by argument-dependent lookup); float and double are specialized.
template <class T, class Enable = void>
struct fp_ops {
  static constexpr int digits = std::numeric_limits<T>::digits;
  static FLOATLAB_HOST_DEVICE constexpr T zero() noexcept { return T(0.0); }
  static FLOATLAB_HOST_DEVICE constexpr T one() noexcept { return T(1.0); }
  static FLOATLAB_HOST_DEVICE constexpr T mul(T a, T b) noexcept { return a * b; }
  static FLOATLAB_HOST_DEVICE constexpr T div(T a, T b) noexcept { return a / b; }
  static FLOATLAB_HOST_DEVICE constexpr T fused(T a, T b, T c) noexcept { return fma(a, b, c); }
  static FLOATLAB_HOST_DEVICE constexpr T root(T a) noexcept { return sqrt(a); }
  static FLOATLAB_HOST_DEVICE constexpr T scale(T a, int e) noexcept { return ldexp(a, e); }
  static FLOATLAB_HOST_DEVICE constexpr bool finite(T a) noexcept {
    return a == a && a - a == a - a;  // NaN and inf fail; works without isfinite
  }
  // floor(log2|a|) for finite nonzero a.
  static FLOATLAB_HOST_DEVICE constexpr int exponent(T a) noexcept {
    int e = 0;
    (void)frexp(a, &e);
    return e - 1;
  }
};

template <class T>
struct fp_ops<T, std::enable_if_t<std::is_same_v<T, float> || std::is_same_v<T, double>>> {
  static constexpr int digits = std::numeric_limits<T>::digits;
  static FLOATLAB_HOST_DEVICE constexpr T zero() noexcept { return T(0); }
  static FLOATLAB_HOST_DEVICE constexpr T one() noexcept { return T(1); }
  static FLOATLAB_HOST_DEVICE constexpr T mul(T a, T b) noexcept {
#if FLOATLAB_DEVICE_PASS
    if constexpr (std::is_same_v<T, double>) return __dmul_rn(a, b);
    else return __fmul_rn(a, b);
#elif defined(__clang__)
    // The product carries no 'contract' flag, so LLVM cannot fuse it with a later add.
#pragma clang fp contract(off)
    return a * b;
#elif FLOATLAB_HAS_ASSOC_BARRIER
    // GCC >= 12: a PAREN_EXPR between the product and its use; the fma pass only fuses a
    // product that feeds an addition directly. Unlike an asm barrier it vectorizes.
    return __builtin_assoc_barrier(a * b);
#else
    if (is_constant_evaluated()) return a * b;
    return opaque(a * b);
#endif
  }
  static FLOATLAB_HOST_DEVICE constexpr T div(T a, T b) noexcept {
#if FLOATLAB_DEVICE_PASS
    if constexpr (std::is_same_v<T, double>) return __ddiv_rn(a, b);
    else return __fdiv_rn(a, b);  // correctly rounded even under -prec-div=false
#else
    return a / b;
#endif
  }
  static FLOATLAB_HOST_DEVICE constexpr T fused(T a, T b, T c) noexcept {
#if FLOATLAB_DEVICE_PASS
    if constexpr (std::is_same_v<T, double>) return __fma_rn(a, b, c);
    else return __fmaf_rn(a, b, c);
#else
    if constexpr (std::is_same_v<T, double>) return __builtin_fma(a, b, c);
    else return __builtin_fmaf(a, b, c);
#endif
  }
  static FLOATLAB_HOST_DEVICE constexpr T root(T a) noexcept {
#if FLOATLAB_DEVICE_PASS
    if constexpr (std::is_same_v<T, double>) return __dsqrt_rn(a);
    else return __fsqrt_rn(a);
#else
    if constexpr (std::is_same_v<T, double>) return __builtin_sqrt(a);
    else return __builtin_sqrtf(a);
#endif
  }
  static FLOATLAB_HOST_DEVICE constexpr T scale(T a, int e) noexcept {
    if constexpr (std::is_same_v<T, double>) return __builtin_ldexp(a, e);
    else return __builtin_ldexpf(a, e);
  }
  static FLOATLAB_HOST_DEVICE constexpr bool finite(T a) noexcept { return __builtin_isfinite(a); }
  static FLOATLAB_HOST_DEVICE constexpr int exponent(T a) noexcept {
    int e = 0;
    if constexpr (std::is_same_v<T, double>) (void)__builtin_frexp(a, &e);
    else (void)__builtin_frexpf(a, &e);
    return e - 1;
  }
};

// A type that names its rounding mode (cfloat::rounding_mode) must round to nearest, ties
// to even: nearest_away breaks two_sum's exactness (Handbook, 4.3.2), and stochastic or
// directed modes break every EFT here.
template <class T, class = void>
struct rounds_nearest_even : std::true_type {};  // float, double: IEEE default mode
template <class T>
struct rounds_nearest_even<T, std::void_t<typename T::rounding_mode>>
    : std::is_same<typename T::rounding_mode, round::nearest_even> {};

// Compile-time requirements shared by the EFTs and expansions.
template <class T>
FLOATLAB_HOST_DEVICE constexpr bool eft_base_ok() noexcept {
  return std::numeric_limits<T>::is_specialized && std::numeric_limits<T>::radix == 2 &&
         std::numeric_limits<T>::round_style == std::round_to_nearest &&
         std::numeric_limits<T>::digits >= 3 && rounds_nearest_even<T>::value;
}

template <class T>
FLOATLAB_HOST_DEVICE constexpr T abs(T a) noexcept {
  if constexpr (std::is_same_v<T, double>) return __builtin_fabs(a);  // no branch
  else if constexpr (std::is_same_v<T, float>) return __builtin_fabsf(a);
  else return a < fp_ops<T>::zero() ? -a : a;
}

}  // namespace detail

#define FLOATLAB_EFT_REQUIRE(T)                                                              \
  static_assert(::floatlab::detail::eft_base_ok<T>(),                                        \
                "floatlab EFT: base type T must be a radix-2 type with round-to-nearest "    \
                "(round::nearest_even for cfloat) and precision digits >= 3")

// 2Sum (Moller, Knuth): 6 operations, exact for any a, b unless a + b overflows.
template <class T>
FLOATLAB_HOST_DEVICE constexpr eft_result<T> two_sum(T a, T b) noexcept {
  FLOATLAB_EFT_REQUIRE(T);
  const T s = a + b;
  const T bb = s - a;
  const T ab = s - bb;
  return {s, (a - ab) + (b - bb)};
}

// Fast2Sum (Dekker): 3 operations, exact when the exponent of a is at least that of b
// (in particular when |a| >= |b|), radix 2, no overflow.
template <class T>
FLOATLAB_HOST_DEVICE constexpr eft_result<T> fast_two_sum(T a, T b) noexcept {
  FLOATLAB_EFT_REQUIRE(T);
  const T s = a + b;
  const T z = s - a;
  return {s, b - z};
}

// 2Prod with fma: hi = RN(ab), lo = RN(ab - hi) = ab - hi exactly when representable.
template <class T>
FLOATLAB_HOST_DEVICE constexpr eft_result<T> two_prod(T a, T b) noexcept {
  FLOATLAB_EFT_REQUIRE(T);
  using ops = detail::fp_ops<T>;
  const T p = ops::mul(a, b);
  return {p, ops::fused(a, b, -p)};
}

// Veltkamp splitting: a = hi + lo exactly with hi on p - s bits and lo on s - 1 bits (plus
// sign), s = ceil(p/2), so that products of halves are exact in p bits. Needs |a| below
// max / (2^s + 1) (the product C*a must not overflow). Handbook, Algorithm 4.9.
template <class T>
FLOATLAB_HOST_DEVICE constexpr eft_result<T> split(T a) noexcept {
  FLOATLAB_EFT_REQUIRE(T);
  using ops = detail::fp_ops<T>;
  constexpr int s = (ops::digits + 1) / 2;
  const T c = ops::scale(ops::one(), s) + ops::one();
  const T gamma = ops::mul(c, a);
  const T delta = a - gamma;
  const T hi = gamma + delta;
  return {hi, a - hi};
}

// Dekker's product (Dekker 1971; Handbook Algorithm 4.10): exact under the split's range
// condition and e_a + e_b >= emin + p - 1, for bases without an fma.
template <class T>
FLOATLAB_HOST_DEVICE constexpr eft_result<T> two_prod_dekker(T a, T b) noexcept {
  FLOATLAB_EFT_REQUIRE(T);
  using ops = detail::fp_ops<T>;
  const eft_result<T> x = split(a);
  const eft_result<T> y = split(b);
  const T p = ops::mul(a, b);
  const T t1 = ops::mul(x.hi, y.hi) - p;
  const T t2 = t1 + ops::mul(x.hi, y.lo);
  const T t3 = t2 + ops::mul(x.lo, y.hi);
  return {p, t3 + ops::mul(x.lo, y.lo)};
}

// two_sum that also reports exactness: it fails only when a + b (or, in the corner case
// of Boldo-Graillat-Muller, an intermediate) overflows. Assumes gradual underflow.
template <class T>
FLOATLAB_HOST_DEVICE constexpr eft_checked<T> two_sum_checked(T a, T b) noexcept {
  const eft_result<T> r = two_sum(a, b);
  using ops = detail::fp_ops<T>;
  return {r.hi, r.lo, ops::finite(r.hi) && ops::finite(r.lo)};
}

// two_prod that reports exactness. Exact is decided without assumptions: when the product
// is small enough for its error to underflow, a and b are scaled (exactly) so that their
// product sits just above the underflow threshold, where fma gives its error exactly;
// the true error ab - hi is then rebuilt in the scaled domain and checked to survive the
// way back down by 2^-k.
template <class T>
FLOATLAB_HOST_DEVICE constexpr eft_checked<T> two_prod_checked(T a, T b) noexcept {
  using ops = detail::fp_ops<T>;
  using lim = std::numeric_limits<T>;
  const eft_result<T> r = two_prod(a, b);
  if (!ops::finite(r.hi) || !ops::finite(r.lo)) return {r.hi, r.lo, false};
  if (a == ops::zero() || b == ops::zero()) return {r.hi, r.lo, true};
  // |p| >= 2^(emin + p + 1) implies e_a + e_b >= emin + p - 1 (see header comment).
  constexpr int p = lim::digits;
  constexpr int emin = lim::min_exponent - 1;  // min() is 2^emin
  if (detail::abs(r.hi) >= ops::scale(ops::one(), emin + p + 1)) return {r.hi, r.lo, true};
  constexpr int target = emin + p + 2;
  constexpr int ta = target >= 0 ? target / 2 : -((-target + 1) / 2);
  constexpr int tb = target - ta;
  const int ka = ta - ops::exponent(a);
  const int kb = tb - ops::exponent(b);
  const int k = ka + kb;
  const T a2 = ops::scale(a, ka);
  const T b2 = ops::scale(b, kb);
  const T p2 = ops::mul(a2, b2);
  const T e2 = ops::fused(a2, b2, -p2);      // exact: e_a2 + e_b2 = emin + p + 2
  const T dd = p2 - ops::scale(r.hi, k);     // exact (Sterbenz, or r.hi = 0)
  const eft_result<T> s = two_sum(dd, e2);   // scaled true error ab - hi
  const T back = ops::scale(s.hi, -k);
  const bool exact = s.lo == ops::zero() && ops::scale(back, k) == s.hi && back == r.lo;
  return {r.hi, r.lo, exact};
}

// VecSum (Ogita, Rump, Oishi, "Accurate sum and dot product", SIAM J. Sci. Comput. 2005):
// in place, from the last element up, x[0] becomes fl-sum and x[1..n-1] the exact errors;
// the sum of the array is unchanged. Works on any order of inputs (it uses two_sum).
template <class T, int Nx>
FLOATLAB_HOST_DEVICE constexpr void vec_sum(T (&x)[Nx]) noexcept {
  static_assert(Nx >= 1, "vec_sum: array length must be >= 1");
  T s = x[Nx - 1];
  for (int i = Nx - 2; i >= 0; --i) {
    const eft_result<T> r = two_sum(x[i], s);
    s = r.hi;
    x[i + 1] = r.lo;
  }
  x[0] = s;
}

}  // namespace floatlab
