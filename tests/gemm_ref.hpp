// tests/gemm_ref.hpp: the GEMM reference loop of the scalar cfloat operations in their _status
// forms (values and IEEE flags), shared by test_tensor_gemm (scalar lanes, exact kernel) and
// tensor_simd_check (SIMD lanes).
#pragma once

#include <algorithm>
#include <climits>

#include "tensor_ref.hpp"

namespace gref {

using namespace floatlab;
namespace T = floatlab::tensor;

// The reference: formats nest (InA, InB inside Prod inside Acc, or inside Acc for fused), so
// every step is one scalar cfloat operation on converted (exact) operands, in its _status form:
// run() returns the OR of every rounding's flags (inputs, alpha and beta, beta*c, the steps,
// alpha*acc, the output conversion), what the GEMM's status must hold.
// The exact sum of a binary16 accumulator and binary16 products, for the exact_partial reference.
struct exact_sum {
  __int128 sum = 0;
  bool nan_in = false, made_nan = false, pinf = false, ninf = false, nonzero = false, zneg = false;
  bool zneg_downward = false;
  static __int128 units(double v) {  // v * 2^48: an integer below 2^100 for these values
    return static_cast<__int128>(std::ldexp(v, 48));
  }
  template <class A>
  void begin(A acc) {
    *this = exact_sum{};
    zneg = signbit(acc);
    const double v = static_cast<double>(acc);
    if (v != v) nan_in = true;
    else if (std::isinf(v)) (v > 0 ? pinf : ninf) = true;
    else if (v != 0) sum += units(v), nonzero = true;
  }
  template <class X>
  void term(X a, X b) {
    const double x = static_cast<double>(a), y = static_cast<double>(b);
    if (x != x || y != y) nan_in = true;
    else if ((std::isinf(x) && y == 0) || (std::isinf(y) && x == 0)) made_nan = true;
    else if (std::isinf(x) || std::isinf(y)) ((std::signbit(x) != std::signbit(y)) ? ninf : pinf) = true;
    else if (x != 0 && y != 0) sum += units(x * y), nonzero = true;
    const bool ts = std::signbit(x) != std::signbit(y);
    zneg = zneg_downward ? (zneg || ts) : (zneg && ts);
  }
  template <class Acc, class MC>
  Acc end(std::uint32_t word, std::uint32_t& flags) const {
    using F = typename Acc::format_type;
    if (nan_in) return Acc::from_bits(floatlab::detail::pack_nan<F>());
    if (made_nan || (pinf && ninf)) {
      flags |= status::invalid;
      return Acc::from_bits(floatlab::detail::pack_nan<F>());
    }
    if (pinf || ninf) return Acc::from_bits(floatlab::detail::pack_inf<F>(ninf));
    if (sum == 0) return Acc::from_bits(floatlab::detail::pack_zero<F>(nonzero ? std::is_same_v<MC, round::downward> : zneg));
    const bool neg = sum < 0;
    const auto mag = static_cast<unsigned __int128>(neg ? -sum : sum);
    const auto r = round_pack_status<F, MC>(neg, -48, mag, false, word);
    flags |= r.flags;
    return Acc::from_bits(r.bits);
  }
};

// The sm90_mma model (tensor/mma_model.hpp, docs/tensor.md) restated in binary64 arithmetic, to
// check the model's flags without its integer code: every product of two binary16 / bfloat16
// values and every sum below is exact in binary64 (at most 33 significant bits, exponents within
// [-300, 300]). Term exponents: a product's is E(a) + E(b), E(x) = max(ilogb x, the input
// format's emin), plus 1 when |a b| >= 2^(E(a)+E(b)+1) ("wide"); c's is max(ilogb c, -126).
// Guard bits: 2, plus 1 when the products of the largest E(a) + E(b) include a wide one and c is
// absent or its exponent is not larger than that E(a) + E(b). q = 2^(max exponent - 23 - guard);
// each term is truncated toward zero to a multiple of q (fmod: drops bits when nonzero); T, the
// exact sum; d = T truncated toward zero to binary32 (subnormals included), +0 for zero.
// Flags: inexact when a term dropped bits or d != T, underflow when inexact and |d| < 2^-126,
// overflow and inexact when |T| >= 2^128 (d = the infinity); invalid for inf * 0 or infinities
// of both signs (c included) when no input is a NaN. No nonzero term: d = c.
struct mma_out {
  float d;
  std::uint32_t flags;
};
template <class In>
mma_out mma_block_ref(const In* a, const In* b, int n, float c) {
  constexpr int emin = In::format_type::emin;
  const double inf = std::numeric_limits<double>::infinity();
  bool nan_in = c != c, made_nan = false, pinf = c == inf, ninf = c == -inf;
  double v[17];
  int ex[17];
  int terms = 0, top_e = INT_MIN;
  bool top_wide = false;
  for (int t = 0; t < n; ++t) {
    const double x = static_cast<double>(a[t]), y = static_cast<double>(b[t]);
    if (x != x || y != y) {
      nan_in = true;
      continue;
    }
    if (std::isinf(x) || std::isinf(y)) {
      if (x == 0 || y == 0) made_nan = true;
      else (std::signbit(x) != std::signbit(y) ? ninf : pinf) = true;
      continue;
    }
    if (x == 0 || y == 0) continue;
    const int e = std::max(std::ilogb(x), emin) + std::max(std::ilogb(y), emin);
    const double p = x * y;
    const bool wide = std::fabs(p) >= std::ldexp(1.0, e + 1);
    if (e > top_e) top_e = e, top_wide = false;
    if (e == top_e) top_wide = top_wide || wide;
    v[terms] = p, ex[terms] = e + (wide ? 1 : 0), ++terms;
  }
  if (nan_in || made_nan || (pinf && ninf))
    return {std::numeric_limits<float>::quiet_NaN(), nan_in ? 0u : std::uint32_t{status::invalid}};
  if (pinf || ninf) return {static_cast<float>(pinf ? inf : -inf), 0u};
  const bool prods = terms > 0, has_c = c != 0;
  if (has_c) v[terms] = c, ex[terms] = std::max(std::ilogb(static_cast<double>(c)), -126), ++terms;
  if (terms == 0) return {c, 0u};
  const int guard = 2 + (prods && top_wide && (!has_c || ex[terms - 1] <= top_e) ? 1 : 0);
  const int top = *std::max_element(ex, ex + terms);
  const double q = std::ldexp(1.0, top - 23 - guard);
  double sum = 0;
  bool lost = false;
  for (int t = 0; t < terms; ++t) {
    const double r = std::fmod(std::fabs(v[t]), q);
    lost = lost || r != 0;
    sum += std::copysign(std::fabs(v[t]) - r, v[t]);
  }
  if (std::fabs(sum) >= std::ldexp(1.0, 128))
    return {static_cast<float>(sum > 0 ? inf : -inf), std::uint32_t{status::overflow} | status::inexact};
  double d = 0;
  if (sum != 0) {
    const double ulp = std::ldexp(1.0, std::max(std::ilogb(sum), -126) - 23);
    d = std::copysign(std::fabs(sum) - std::fmod(std::fabs(sum), ulp), sum);
    lost = lost || d != sum;
  }
  std::uint32_t flags = 0;
  if (lost) flags = status::inexact | (std::fabs(d) < std::ldexp(1.0, -126) ? status::underflow : 0u);
  return {d == 0 ? 0.0f : static_cast<float>(d), flags};
}

template <class InA, class InB, class Prod, class Acc, class Kind, class TC, class MOut>
struct reference {
  const T::gemm_shape& s;
  T::counter_source src;
  std::uint32_t w(std::uint64_t e, std::uint32_t op) const { return src.word(e, op); }

  mutable std::uint32_t flags = 0;
  template <class X>
  X st(const with_status<X>& r) const {
    flags |= r.flags.flags;
    return r.value;
  }
  template <class In, class X>
  In in_value(X x, std::uint64_t e, std::uint32_t op) const {
    if constexpr (std::is_same_v<X, In>) return x;
    else return st(convert_status<In>(x, typename In::rounding_mode{}, fixed_word{w(e, op)}));
  }

  template <class TA, class TB>
  std::uint32_t run(const std::vector<TA>& A, const std::vector<TB>& B, std::vector<TC>& C) const {
    flags = 0;
    const bool row = s.order == T::layout::row_major;
    const bool ta = s.trans_a == T::op_t::trans, tb = s.trans_b == T::op_t::trans;
    const std::size_t M = s.m, N = s.n, K = s.k;
    auto line = [&](std::size_t r, std::size_t c) { return row ? c : r; };
    const std::size_t lda = s.lda ? s.lda : line(ta ? K : M, ta ? M : K);
    const std::size_t ldb = s.ldb ? s.ldb : line(tb ? N : K, tb ? K : N);
    const std::size_t ldc = s.ldc ? s.ldc : line(M, N);
    auto at = [&](std::size_t r, std::size_t c, std::size_t ld) { return row ? r * ld + c : r + c * ld; };
    auto ea = [&](std::size_t rows, std::size_t cols, std::size_t ld) {
      if (rows == 0 || cols == 0) return std::size_t{0};
      return row ? (rows - 1) * ld + cols : (cols - 1) * ld + rows;
    };
    const std::size_t sa = s.stride_a ? s.stride_a : ea(ta ? K : M, ta ? M : K, lda);
    const std::size_t sb = s.stride_b ? s.stride_b : ea(tb ? N : K, tb ? K : N, ldb);
    const std::size_t sc = s.stride_c ? s.stride_c : ea(M, N, ldc);
    using MC = typename Acc::rounding_mode;
    using MP = typename Prod::rounding_mode;
    const Acc alpha = convert<Acc>(s.alpha, round::nearest_even{});
    const Acc beta = convert<Acc>(s.beta, round::nearest_even{});
    if (s.batch * M * N > 0) {  // alpha and beta are rounded once, where the call uses them
      if (s.alpha != 1.0) flags |= convert_status<Acc>(s.alpha, round::nearest_even{}).flags.flags;
      if (s.beta != 0.0) flags |= convert_status<Acc>(s.beta, round::nearest_even{}).flags.flags;
    }
    for (std::size_t bt = 0; bt < s.batch; ++bt)
      for (std::size_t i = 0; i < M; ++i)
        for (std::size_t j = 0; j < N; ++j) {
          const std::uint64_t e = (bt * M + i) * N + j;
          TC& c = C[bt * sc + at(i, j, ldc)];
          auto beta_c = [&] {
            if (s.beta == 1.0) return st(convert_status<Acc>(c, MC{}, fixed_word{w(e, 0)}));
            return st(mul_status(beta, convert<Acc>(c, round::odd{}) /* exact: C's type fits Acc in these tests */, MC{}, fixed_word{w(e, 0)}));
          };
          Acc acc = convert<Acc>(0.0, round::nearest_even{});
          if (s.beta != 0 && s.alpha == 1.0) acc = beta_c();
          Acc part32_dummy{};
          (void)part32_dummy;
          binary32 part = binary32(0.0f);
          exact_sum xs;
          [[maybe_unused]] InA blk_a[16];
          [[maybe_unused]] InB blk_b[16];
          // acc = round_Acc(acc + part) at a chunk's end (binary64 round-to-odd then Acc: exact for
          // p_Acc + R + 2 <= 53). Flags: the binary64 sum's (exact, or inexact and then so is the
          // rounding to Acc; invalid for inf - inf), then the conversion's (round to odd keeps the
          // binade).
          [[maybe_unused]] auto chunk_end = [&](std::uint32_t word) {
            const binary64 acc64 = convert<binary64>(acc, round::nearest_even{}), part64 = convert<binary64>(part, round::nearest_even{});
            const binary64 s64 = st(add_status(acc64, part64, round::odd{}));
            acc = st(convert_status<Acc>(s64, MC{}, fixed_word{word}));
            if (is_zero(s64)) {  // exact zero: IEEE's sign rule in the accumulator's mode
              using ZM = std::conditional_t<std::is_same_v<MC, round::downward>, round::downward, round::nearest_even>;
              acc = convert<Acc>(add(acc64, part64, ZM{}), round::nearest_even{});
            }
            part = binary32(0.0f);
          };
          for (std::size_t k = 0; k < K; ++k) {
            const InA a = in_value<InA>(A[bt * sa + (ta ? at(k, i, lda) : at(i, k, lda))], (bt * M + i) * K + k, T::op_input_a);
            const InB b = in_value<InB>(B[bt * sb + (tb ? at(j, k, ldb) : at(k, j, ldb))], (bt * K + k) * N + j, T::op_input_b);
            const auto op_p = static_cast<std::uint32_t>(2 * k + 1), op_a = static_cast<std::uint32_t>(2 * k + 2);
            if constexpr (std::is_same_v<Kind, T::per_operation>) {
              const Prod p = st(mul_status(convert<Prod>(a, round::nearest_even{}), convert<Prod>(b, round::nearest_even{}), MP{}, fixed_word{w(e, op_p)}));
              acc = st(add_status(acc, convert<Acc>(p, round::nearest_even{}), MC{}, fixed_word{w(e, op_a)}));
            } else if constexpr (std::is_same_v<Kind, T::fused>) {
              acc = st(fma_status(convert<Acc>(a, round::nearest_even{}), convert<Acc>(b, round::nearest_even{}), acc, MC{}, fixed_word{w(e, op_a)}));
            } else if constexpr (std::is_same_v<typename Kind::partial, T::exact_partial>) {
              // chunked<L, exact_partial>, binary16 only: acc + the chunk's products summed
              // exactly as an integer of 2^-48 units (every binary16 product is one), then one
              // rounding by the core (round_pack_status: its flags). Specials: a NaN operand gives
              // NaN; inf * 0 or infinities of both signs NaN and invalid; else the infinity.
              static_assert(std::is_same_v<typename InA::format_type, binary16::format_type> &&
                                std::is_same_v<typename InB::format_type, binary16::format_type> &&
                                std::is_same_v<typename Acc::format_type, binary16::format_type>,
                            "the exact_partial reference is written for binary16");
              if (k % Kind::length == 0) {
                xs.begin(acc);
                xs.zneg_downward = std::is_same_v<MC, round::downward>;
              }
              xs.term(a, b);
              if ((k + 1) % Kind::length == 0 || k + 1 == K) acc = xs.template end<Acc, MC>(w(e, op_a), flags);
            } else if constexpr (std::is_same_v<typename Kind::partial, T::sm90_mma>) {
              // chunked<L, sm90_mma>: blocks of 16 k (from k = 0; the last of K may be shorter)
              // through mma_block_ref from part = +0, its flags; at the chunk's end acc + part as
              // chunked<L, binary32> below.
              blk_a[k % 16] = a, blk_b[k % 16] = b;
              if ((k + 1) % 16 == 0 || k + 1 == K) {
                const mma_out r = mma_block_ref(blk_a, blk_b, static_cast<int>(k % 16 + 1), float(part));
                flags |= r.flags;
                part = binary32(r.d);
              }
              if ((k + 1) % Kind::length == 0 || k + 1 == K) chunk_end(w(e, op_a));
            } else {
              // chunked<L, binary32>: part = RN32(part + a*b); at the chunk's end acc + part
              // rounded once to Acc (chunk_end).
              part = st(fma_status(convert<binary32>(a, round::nearest_even{}), convert<binary32>(b, round::nearest_even{}), part));
              if ((k + 1) % Kind::length == 0 || k + 1 == K) chunk_end(w(e, op_a));
            }
          }
          if (s.alpha != 1.0) {
            acc = st(mul_status(alpha, acc, MC{}, fixed_word{w(e, static_cast<std::uint32_t>(2 * K + 1))}));
            if (s.beta != 0) {
              const Acc bc = beta_c();
              acc = st(add_status(acc, bc, MC{}, fixed_word{w(e, static_cast<std::uint32_t>(2 * K + 2))}));
            }
          }
          if constexpr (is_cfloat_v<TC>) c = st(convert_status<TC>(acc, MOut{}, fixed_word{w(e, static_cast<std::uint32_t>(2 * K + 3))}));
          else c = st(convert_status<TC>(acc, round::nearest_even{}));
        }
    return flags;
  }
};

// Storage sizes for a shape.
inline void sizes(const T::gemm_shape& s, std::size_t& na, std::size_t& nb, std::size_t& nc) {
  const bool row = s.order == T::layout::row_major;
  const bool ta = s.trans_a == T::op_t::trans, tb = s.trans_b == T::op_t::trans;
  auto ext = [&](std::size_t r, std::size_t c, std::size_t ld) -> std::size_t {
    if (r == 0 || c == 0) return 0;
    const std::size_t l = ld ? ld : (row ? c : r);
    return row ? (r - 1) * l + c : (c - 1) * l + r;
  };
  const std::size_t ea = ext(ta ? s.k : s.m, ta ? s.m : s.k, s.lda), eb = ext(tb ? s.n : s.k, tb ? s.k : s.n, s.ldb),
                    ec = ext(s.m, s.n, s.ldc);
  auto tot = [&](std::size_t e, std::size_t st) { return s.batch == 0 || e == 0 ? 0 : (s.batch - 1) * (st ? st : e) + e; };
  na = tot(ea, s.stride_a), nb = tot(eb, s.stride_b), nc = tot(ec, s.stride_c);
}

}  // namespace gref
