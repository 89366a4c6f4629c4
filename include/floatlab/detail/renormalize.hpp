// floatlab/detail/renormalize.hpp: the renormalization kernels of floating-point expansions
// (expansion.hpp), built on the error-free transforms of eft.hpp.
#pragma once

#include "../eft.hpp"

namespace floatlab {

namespace detail {

// Quotient / root digits computed by the N >= 3 long division and square root: each
// digit divides the remainder by at least 1/(5u) (the estimate r0/y0 of r/y is within
// 5u, see docs), so D digits leave (5u)^D <= 2^-(N p + 2) of the result undetermined.
template <int N, class T>
FLOATLAB_HOST_DEVICE constexpr int expansion_digits() noexcept {
  constexpr int p = std::numeric_limits<T>::digits;
  // bits gained per digit: p - log2(5), in 1/10000 bits to stay in integers.
  constexpr long gain = 10000L * p - 23220L;
  constexpr long need = 10000L * (N * p + 2);
  return static_cast<int>((need + gain - 1) / gain);
}

}  // namespace detail

// Fast2Sum after ordering the operands by magnitude: exact for any a, b like two_sum, with a
// shorter dependency chain (3 additions after a select instead of 5 additions), which is
// what the carried error of the renormalization sweep waits on.
template <class T>
FLOATLAB_HOST_DEVICE constexpr eft_result<T> ordered_two_sum(T a, T b) noexcept {
  const bool swap = detail::abs(a) < detail::abs(b);
  const T big = swap ? b : a;
  const T small = swap ? a : b;
  return fast_two_sum(big, small);
}

// Sorts terms by decreasing magnitude (insertion sort: the callers' terms are nearly
// sorted, so this is close to one pass of well-predicted comparisons).
template <class T, int M>
FLOATLAB_HOST_DEVICE constexpr void sort_by_magnitude(T (&e)[M]) noexcept {
  for (int i = 1; i < M; ++i) {
    const T v = e[i];
    const T a = detail::abs(v);
    int j = i - 1;
    while (j >= 0 && detail::abs(e[j]) < a) {
      e[j + 1] = e[j];
      --j;
    }
    e[j + 1] = v;
  }
}

// Renormalization (Joldes, Marty, Muller, Popescu, "Arithmetic algorithms for extended
// precision using floating-point expansions", IEEE TC 65(4), 2016, Algorithms 3-6, as
// used in CAMPARY): e[0..M), sorted by decreasing magnitude (any order keeps the sum
// exact; sorting is what keeps the result accurate), is turned into K normalized terms
// r[0..K): r[i] = RN(r[i] + r[i+1]), zeros only at the end.
//  1. VecSum from the bottom (exact).
//  2. VecSumErrBranch: sweep down carrying the running error, emit a term whenever the
//     carried error is non-zero, skip zeros (so cancellation does not leave holes).
//  3. The last output term takes the rounded sum of everything not yet emitted, so the
//     result is rounded rather than truncated: the error is at most about u*|r[K-1]|.
//  4. Fix-up (ours, replaces the paper's repeated VecSumErr): while some pair has
//     RN(r[i] + r[i+1]) != r[i], replace it by two_sum(r[i], r[i+1]). On exit every term
//     is the rounded sum of itself and the next, |r[i+1]| <= ulp(r[i]) / 2, the same
//     invariant as a normalized double-word. Usually one pass of K-1 additions.
// Difference to the paper: two_sum in the first sweep and an operand-ordered Fast2Sum in
// the second, so every step is exact even where the paper's preconditions on the input
// are not met; the bound then follows from exactness plus step 3 (docs/expansions.md).
template <int K, class T, int M>
FLOATLAB_HOST_DEVICE constexpr void renormalize_terms(T (&e)[M], T (&r)[K]) noexcept {
  static_assert(K >= 1 && M >= 1, "renormalize_terms: K and M must be >= 1");
  using ops = detail::fp_ops<T>;
  vec_sum(e);
  // Suffix sums of the errors, smallest first; they do not depend on the sweep below, so
  // they are computed while it runs (the sweep decides where the tail starts).
  T suffix[M + 1] = {};
  suffix[M] = ops::zero();
  for (int k = M - 1; k >= 1; --k) suffix[k] = suffix[k + 1] + e[k];
  int j = 0;
  int i = 1;
  T eps = e[0];
  for (; i < M && j < K - 1; ++i) {
    const eft_result<T> q = ordered_two_sum(eps, e[i]);
    if (q.lo != ops::zero()) {
      r[j++] = q.hi;
      eps = q.lo;
    } else {
      eps = q.hi;
    }
  }
  r[j++] = eps + suffix[i];
  for (; j < K; ++j) r[j] = ops::zero();
  for (int pass = 0; pass < K; ++pass) {  // bounded: NaN never compares equal
    bool changed = false;
    for (int k = 0; k + 1 < K; ++k) {
      if (!(r[k] + r[k + 1] == r[k])) {
        const eft_result<T> q = two_sum(r[k], r[k + 1]);
        changed = changed || !(q.hi == r[k]) || !(q.lo == r[k + 1]);
        r[k] = q.hi;
        r[k + 1] = q.lo;
      }
    }
    if (!changed) break;
  }
}

}  // namespace floatlab
