// floatlab/detail/expansion_fixed.hpp: specialized, branch-free kernels of
// expansion<N, T> for N = 3 and 4 over float and double (expansion.hpp selects them).
//
// They compute what the generic N >= 3 code of expansion.hpp computes (exact term
// collections, then one renormalization), with every data-dependent branch turned into a
// select or an exact 0/1 product and every loop of fixed length, so that a loop over
// arrays of expansions vectorizes (one expansion per SIMD lane):
//   add  the 2N terms are merged by magnitude with Batcher's odd-even merging network
//        (K. E. Batcher, "Sorting networks and their applications", AFIPS SJCC 1968)
//        instead of the generic two-pointer merge: the same sorted sequence up to the
//        order of terms of equal magnitude (tested equal to gen_add term by term).
//   mul  CAMPARY's truncated product as gen_mul collects it for levels 0..N-2 (exact);
//        level N-1 summed by Sum2 (Ogita, Rump, Oishi, "Accurate sum and dot product",
//        SIAM J. Sci. Comput. 26(6), 2005) into two terms instead of 2N-1, its small
//        error added to the documented bound's budget (docs/expansions.md); the terms
//        always sorted by a network (gen_mul sorts only when it sees disorder).
//   div  gen_div's long division with exact remainders (q_k = RN(r_0 / y_0), two_prod
//        exact products, every remainder sorted and renormalized to N terms), the
//        operands scaled by powers of two built from their exponent bits (x_0 and y_0
//        to [1/2, 1)) instead of ldexp to the top of the range.
// Renormalization (renormalize_select below) is renormalize_terms of renormalize.hpp with
// its emission branch, its tail index and its fix-up loop done by exact 0/1 arithmetic,
// selects and K fixed passes: bit-identical to renormalize_terms on the same input.
// tests/test_expansion_fixed.cpp checks both identities, and every kernel against MPFR
// with the bound of docs/expansions.md (float; double in test_expansion.cpp).
#pragma once

#include <cstdint>
#include <utility>

#include "../config.hpp"
#include "renormalize.hpp"

// Every loop here has a fixed trip count; complete unrolling before the vectorizer runs
// is what lets a loop over expansions vectorize (GCC's early unroller alone stops at the
// nested loops of the renormalization).
#if defined(__CUDA_ARCH__) || (defined(__clang__) && !defined(__CUDACC__))
#define FLOATLAB_FIXED_UNROLL _Pragma("unroll")
#elif defined(__GNUC__) && !defined(__CUDACC__)
#define FLOATLAB_FIXED_UNROLL _Pragma("GCC unroll 64")
#else
#define FLOATLAB_FIXED_UNROLL
#endif
// The kernels are large (a division is several hundred operations); a loop over
// expansions vectorizes only if they are inlined into it, and so are the operators of
// expansion.hpp that call them (it uses this macro too and undefines it).
#if (defined(__GNUC__) || defined(__clang__)) && !defined(__CUDACC__)
#define FLOATLAB_FIXED_INLINE __attribute__((always_inline))
#else
#define FLOATLAB_FIXED_INLINE
#endif

namespace floatlab::detail {

template <class T>
struct fixed_kernel_ok : std::bool_constant<std::is_same_v<T, double> || std::is_same_v<T, float>> {};

// Renormalization without branches (see renormalize_terms for the algorithm and its
// references). The running slot index is kept as a T so that every select compares
// values of the lane's own width.
template <int K, class T, int M>
FLOATLAB_FIXED_INLINE FLOATLAB_HOST_DEVICE constexpr void renormalize_select(T (&e)[M], T (&r)[K]) noexcept {
  static_assert(K >= 2 && M >= 2, "renormalize_select: K and M must be >= 2");
  using ops = fp_ops<T>;
  const T zero = ops::zero();
  {  // VecSum (eft.hpp), unrolled here
    T sum = e[M - 1];
    FLOATLAB_FIXED_UNROLL
    for (int i = M - 2; i >= 0; --i) {
      const eft_result<T> t = two_sum(e[i], sum);
      sum = t.hi;
      e[i + 1] = t.lo;
    }
    e[0] = sum;
  }
  T suffix[M + 1] = {};
  FLOATLAB_FIXED_UNROLL
  for (int k = M - 1; k >= 1; --k) suffix[k] = suffix[k + 1] + e[k];
  FLOATLAB_FIXED_UNROLL
  for (int k = 0; k < K; ++k) r[k] = zero;
  // The generic sweep's slot index j as a one-hot vector of 0/1 values of T (hot[k] = 1
  // iff j = k), and its conditions as 0/1 values too: a slot is written by adding
  // emit * hot[k] * hi to its zero (exact), so that the only selects left test a single
  // comparison each. Selects on an index compared with several constants are what GCC
  // threads into branches (and then does not vectorize). Infinite or NaN terms can turn
  // 0 * inf into NaN here; the callers replace such results by the base type's value.
  const T one = ops::one();
  T hot[K] = {};
  hot[0] = one;
  T eps = e[0];
  T tail = zero;  // suffix[i] where the generic sweep stops (suffix[M] = 0 if it never does)
  // Before step i, j <= i - 1: hot[k] is known to be 0 for k >= i, and the updates that
  // could only add zeros are left out (the compiler cannot: 0 * x is not 0 for inf/NaN).
  FLOATLAB_FIXED_UNROLL
  for (int i = 1; i < M; ++i) {
    const eft_result<T> q = ordered_two_sum(eps, e[i]);
    const T open = i >= K ? one - hot[K - 1] : one;  // the generic loop runs while j < K - 1
    const T emit = open * (q.lo != zero ? one : zero);
    T eh[K] = {};  // emit * hot[k]: this step writes slot k
    FLOATLAB_FIXED_UNROLL
    for (int k = 0; k < K && k < i; ++k) eh[k] = emit * hot[k];
    FLOATLAB_FIXED_UNROLL
    for (int k = 0; k + 1 < K && k < i; ++k) r[k] = r[k] + eh[k] * q.hi;
    if (K - 2 < i) tail = tail + eh[K - 2] * suffix[i + 1];  // the step that makes j = K - 1
    const T next = q.lo != zero ? q.lo : q.hi;
    eps = i >= K ? (hot[K - 1] == zero ? next : eps) : next;
    FLOATLAB_FIXED_UNROLL
    for (int k = K - 1; k >= 1; --k)
      if (k <= i) hot[k] = hot[k] + (eh[k - 1] - (k < i ? eh[k] : zero));
    hot[0] = hot[0] - eh[0];
  }
  const T last = eps + tail;
  FLOATLAB_FIXED_UNROLL
  for (int k = 0; k < K; ++k) r[k] = r[k] + hot[k] * last;
  // K passes of the fix-up: two_sum(a, b) returns (a, b) itself when RN(a + b) = a, so the
  // unconditional pass equals the generic conditional one, and a pass that changes
  // nothing is followed by passes that change nothing.
  FLOATLAB_FIXED_UNROLL
  for (int pass = 0; pass < K; ++pass) {
    FLOATLAB_FIXED_UNROLL
    for (int k = 0; k + 1 < K; ++k) {
      const eft_result<T> q = two_sum(r[k], r[k + 1]);
      r[k] = q.hi;
      r[k + 1] = q.lo;
    }
  }
}

// Compare-exchange by magnitude, the larger first (a strict comparison, as in the merge).
template <class T>
FLOATLAB_FIXED_INLINE FLOATLAB_HOST_DEVICE constexpr void cex_magnitude(T& a, T& b) noexcept {
  const bool swap = abs(a) < abs(b);
  const T big = swap ? b : a;
  const T small = swap ? a : b;
  a = big;
  b = small;
}

// Batcher's odd-even merge sort for M inputs (the formulation for any M: comparator
// (a, a + k) when a and a + k lie in the same block of 2p), as a table built at compile
// time (32 compare-exchanges for M = 10, 42 for M = 12, 9 for M = 5). Built twice: with
// C = 0 it only counts, so that the table has exactly its size.
template <int M, int C>
struct sorting_network {
  int count = 0;
  int lo[C > 0 ? C : 1] = {};
  int hi[C > 0 ? C : 1] = {};
};
template <int M, int C>
FLOATLAB_HOST_DEVICE constexpr sorting_network<M, C> build_sorting_network() noexcept {
  sorting_network<M, C> net;
  for (int p = 1; p < M; p *= 2)
    for (int k = p; k >= 1; k /= 2)
      for (int j = k % p; j + k < M; j += 2 * k)
        for (int i = 0; i < k && i + j + k < M; ++i)
          if ((i + j) / (2 * p) == (i + j + k) / (2 * p)) {
            if (net.count < C) {
              net.lo[net.count] = i + j;
              net.hi[net.count] = i + j + k;
            }
            ++net.count;
          }
  return net;
}
// The table as a static constant (not a local object: GCC would count it in the stack
// frame of every function the kernel is inlined into, and stop inlining).
template <int M>
struct sorting_network_table {
  static constexpr int count = build_sorting_network<M, 0>().count;
  static constexpr sorting_network<M, count> value = build_sorting_network<M, count>();
};

// Sorts e[0..S) by decreasing magnitude without branches. The comparator indices are
// template arguments, so that every access to e has a constant index from the start
// (with indices read from the table in a loop, e stays in memory until the loop is
// unrolled, and GCC counts it against inlining).
template <int Lo, int Hi, class T, int M>
FLOATLAB_FIXED_INLINE FLOATLAB_HOST_DEVICE constexpr void cex_at(T (&e)[M]) noexcept {
  cex_magnitude(e[Lo], e[Hi]);
}
template <int S, class T, int M, int... C>
FLOATLAB_FIXED_INLINE FLOATLAB_HOST_DEVICE constexpr void sort_magnitude_network(
    T (&e)[M], std::integer_sequence<int, C...> /*comparators*/) noexcept {
  using table = sorting_network_table<S>;
  (cex_at<table::value.lo[C], table::value.hi[C]>(e), ...);
}
template <int S, class T, int M>
FLOATLAB_FIXED_INLINE FLOATLAB_HOST_DEVICE constexpr void sort_magnitude_network(T (&e)[M]) noexcept {
  static_assert(S <= M, "sort_magnitude_network: S <= M");
  sort_magnitude_network<S>(e, std::make_integer_sequence<int, sorting_network_table<S>::count>{});
}

template <int N, class T>
FLOATLAB_FIXED_INLINE FLOATLAB_HOST_DEVICE constexpr void fixed_add(const T (&x)[N], const T (&y)[N],
                                                                    T (&r)[N]) noexcept {
  static_assert(N == 3 || N == 4, "fixed_add: N = 3 or 4");
  T e[2 * N] = {};
  if constexpr (N == 4) {
    // Batcher's odd-even merge of two sorted 4-sequences: 9 compare-exchanges.
    FLOATLAB_FIXED_UNROLL
    for (int i = 0; i < 4; ++i) {
      e[i] = x[i];
      e[i + 4] = y[i];
    }
    cex_magnitude(e[0], e[4]);
    cex_magnitude(e[1], e[5]);
    cex_magnitude(e[2], e[6]);
    cex_magnitude(e[3], e[7]);
    cex_magnitude(e[2], e[4]);
    cex_magnitude(e[3], e[5]);
    cex_magnitude(e[1], e[2]);
    cex_magnitude(e[3], e[4]);
    cex_magnitude(e[5], e[6]);
  } else {
    // The same network on x0 x1 x2 0 y0 y1 y2 0: the comparators that meet a padding zero
    // become moves (a zero is never larger than a term), leaving 6 compare-exchanges.
    T w[8] = {x[0], x[1], x[2], T(0), y[0], y[1], y[2], T(0)};
    cex_magnitude(w[0], w[4]);
    cex_magnitude(w[1], w[5]);
    cex_magnitude(w[2], w[6]);
    cex_magnitude(w[2], w[4]);
    w[3] = w[5];  // (3, 5): w[3] is the padding zero
    cex_magnitude(w[1], w[2]);
    cex_magnitude(w[3], w[4]);
    w[5] = w[6];  // (5, 6): w[5] holds the padding zero now
    FLOATLAB_FIXED_UNROLL
    for (int i = 0; i < 6; ++i) e[i] = w[i];
  }
  renormalize_select<N>(e, r);
}

template <int N, class T>
FLOATLAB_FIXED_INLINE FLOATLAB_HOST_DEVICE constexpr void fixed_mul(const T (&x)[N], const T (&y)[N],
                                                                    T (&r)[N]) noexcept {
  static_assert(N == 3 || N == 4, "fixed_mul: N = 3 or 4");
  using ops = fp_ops<T>;
  // Levels 0..N-2 exactly as gen_mul collects them: level k holds the products x_i y_(k-i)
  // (hi parts) and the error terms of level k-1. Level N-1 (its N products and the N-1
  // errors of level N-2, each at most about u^(N-1) |x_0 y_0|) is summed by Sum2 (Ogita,
  // Rump, Oishi 2005, Alg. 4.4) into s and the compensation c, whose error is at most
  // gamma_(2N-2)^2 (2N-1) u^(N-1) |x_0 y_0|, about 4 (N-1)^2 (2N-1) u^(N+1) |x_0 y_0|
  // (docs/expansions.md). c joins the level-N term: the products of level N and the
  // errors of level N-1, rounded (as in gen_mul). Levels above N are dropped.
  constexpr int m = (N - 1) * (N - 1);  // 1 + 3 + ... + (2N-3) exact terms
  T e[m + 2] = {};
  T lows[N] = {};
  int n = 0;
  FLOATLAB_FIXED_UNROLL
  for (int k = 0; k + 1 < N; ++k) {
    T next[N] = {};
    FLOATLAB_FIXED_UNROLL
    for (int i = 0; i <= k; ++i) {
      const eft_result<T> p = two_prod(x[i], y[k - i]);
      e[n++] = p.hi;
      next[i] = p.lo;
    }
    FLOATLAB_FIXED_UNROLL
    for (int i = 0; i < k; ++i) e[n++] = lows[i];
    FLOATLAB_FIXED_UNROLL
    for (int i = 0; i <= k; ++i) lows[i] = next[i];
  }
  T s = ops::zero();
  T c = ops::zero();
  T last = ops::zero();
  FLOATLAB_FIXED_UNROLL
  for (int i = 0; i < N; ++i) {
    const eft_result<T> p = two_prod(x[i], y[N - 1 - i]);
    const eft_result<T> t = two_sum(s, p.hi);
    s = t.hi;
    c = c + t.lo;
    last = last + p.lo;
  }
  FLOATLAB_FIXED_UNROLL
  for (int i = 0; i + 1 < N; ++i) {
    const eft_result<T> t = two_sum(s, lows[i]);
    s = t.hi;
    c = c + t.lo;
  }
  FLOATLAB_FIXED_UNROLL
  for (int i = N - 1; i >= 1; --i) last = last + ops::mul(x[i], y[N - i]);
  e[n++] = s;
  e[n] = last + c;
  // Sorted by magnitude, as gen_mul sorts when gaps or zeros in the operands break the
  // level order (without the sort such operands leave large terms in the rounded tail);
  // the level-N term (at most about 2N^2 u^N |x_0 y_0|) stays at the end, where its
  // rounding costs about u^(N+1). A network, so that it costs the same for every input.
  sort_magnitude_network<m + 1>(e);
  renormalize_select<N>(e, r);
}

// Powers of two from the exponent bits (so that they vectorize).
template <class T>
struct fixed_bits {
  using U = std::conditional_t<std::is_same_v<T, double>, std::uint64_t, std::uint32_t>;
  static constexpr int p = std::numeric_limits<T>::digits;
  static constexpr int bias = std::numeric_limits<T>::max_exponent - 1;
  // s with a * 2^s in [1/2, 1) for normal a below 2^(bias - 2) (s = -1 - floor(log2|a|)),
  // and 2^s normal for every a: s >= 1 - bias (large a land in [1/2, 4)); zero and
  // subnormal a give s = bias - 1. One MAX on the biased exponent (no test of a value
  // that GCC could thread into a branch).
  static FLOATLAB_HOST_DEVICE constexpr int scale_exponent(T a) noexcept {
    const int biased = static_cast<int>((bit_cast<U>(a) >> (p - 1)) & U(2 * bias + 1));
    const int f = 2 * bias - 1 - biased;
    return (f < 1 ? 1 : f) - bias;
  }
  // 2^k for k in [1 - bias, bias].
  static FLOATLAB_HOST_DEVICE constexpr T pow2(int k) noexcept {
    return bit_cast<T>(static_cast<U>(static_cast<U>(k + bias) << (p - 1)));
  }
};

template <int N, class T>
FLOATLAB_FIXED_INLINE FLOATLAB_HOST_DEVICE constexpr void fixed_div(const T (&x)[N], const T (&y)[N],
                                                                    T (&r)[N]) noexcept {
  static_assert(N == 3 || N == 4, "fixed_div: N = 3 or 4");
  using ops = fp_ops<T>;
  using bits = fixed_bits<T>;
  constexpr int D = expansion_digits<N, T>();
  // Scale x_0 and y_0 to [1/2, 1) (exact multiplications by powers of two; terms that
  // would underflow are below 2^(emin - p) relative and far under the bound), divide
  // there, and scale the quotient back by 2^(sy - sx) in two steps (each factor a normal
  // power of 2).
  const int sx = bits::scale_exponent(x[0]);
  const int sy = bits::scale_exponent(y[0]);
  const T fx = bits::pow2(sx);
  const T fy = bits::pow2(sy);
  T rem[N] = {};
  T yy[N] = {};
  FLOATLAB_FIXED_UNROLL
  for (int i = 0; i < N; ++i) {
    rem[i] = ops::mul(x[i], fx);
    yy[i] = ops::mul(y[i], fy);
  }
  // plain = x_0 / y_0 is the result for special operands (below); it also gives the first
  // digit, RN(rem_0 / yy_0) = RN(x_0 / y_0) 2^(sx - sy) exactly while x_0 / y_0 is normal.
  // (Computed once and used on every path: a division needed only on the special path is
  // moved there by GCC, and a possibly trapping division under a condition is what its
  // if-conversion refuses, so the loop would not vectorize.) When x_0 / y_0 under- or
  // overflows, the first digit is off and the next digits correct it (the remainders are
  // exact); results there are outside the documented domain anyway.
  const T plain = ops::div(x[0], y[0]);
  const int d = sx - sy;
  const int d1 = d / 2;
  T q[D] = {};
  q[0] = ops::mul(ops::mul(plain, bits::pow2(d1)), bits::pow2(d - d1));
  FLOATLAB_FIXED_UNROLL
  for (int k = 0; k + 1 < D; ++k) {
    if (k > 0) q[k] = ops::div(rem[0], yy[0]);
    T e[3 * N] = {};
    FLOATLAB_FIXED_UNROLL
    for (int i = 0; i < N; ++i) {
      const eft_result<T> p = two_prod(-q[k], yy[i]);
      e[3 * i] = rem[i];
      e[3 * i + 1] = p.hi;
      e[3 * i + 2] = p.lo;
    }
    sort_magnitude_network<3 * N>(e);  // as gen_div's sort (gaps in y disorder the terms)
    renormalize_select<N>(e, rem);
  }
  q[D - 1] = ops::div(rem[0], yy[0]);
  T s[N] = {};
  sort_magnitude_network<D>(q);
  renormalize_select<N>(q, s);
  const int k = sy - sx;
  const int k1 = k / 2;
  const T f1 = bits::pow2(k1);
  const T f2 = bits::pow2(k - k1);
  // Special operands and results, as gen_div followed by expansion's special() give them:
  // a zero x_0 gives zero digits; an infinite or NaN operand, a zero y_0 or an overflowing
  // quotient give an infinite or NaN term, and then the result is x_0 / y_0 alone. One
  // comparison decides (t * 0 = 0 fails for inf and NaN): expansion's operator/ does not
  // call special() on this path, whose isfinite test next to the scaling above GCC turned
  // into a branch.
  T v[N] = {};
  FLOATLAB_FIXED_UNROLL
  for (int i = 0; i < N; ++i) v[i] = ops::mul(ops::mul(s[i], f1), f2);
  // Every term enters the test (so that none of the products above is moved under it).
  T t = v[N - 1];
  FLOATLAB_FIXED_UNROLL
  for (int i = N - 2; i >= 0; --i) t = t + v[i];
  const T finite = ops::mul(t, ops::zero());  // 0 for finite t, NaN for inf and NaN
  FLOATLAB_FIXED_UNROLL
  for (int i = 0; i < N; ++i) r[i] = finite == ops::zero() ? v[i] : (i == 0 ? plain : ops::zero());
}

}  // namespace floatlab::detail

#undef FLOATLAB_FIXED_UNROLL
