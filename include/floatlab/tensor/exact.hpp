// floatlab/tensor/exact.hpp: an exact (Kulisch) accumulator for sums of products.
//
// A two's-complement fixed-point integer of Limbs 64-bit words whose bit 0 weighs 2^Lo.
// Every value added (sign, exponent, significand) must lie on that grid and below its top;
// formats choose Lo and Limbs so that it does (exact_range_for). round_to rounds the exact
// total once through round_pack.
#pragma once

#include <cstdint>

#include "../cfloat.hpp"
#include "../detail/exact_ops.hpp"

namespace floatlab::tensor::detail {

template <int Lo, int Limbs>
struct exact_accumulator {
  static_assert(Limbs >= 2, "exact_accumulator: at least 2 limbs");
  std::uint64_t limb[Limbs] = {};
  bool has_nan = false, pos_inf = false, neg_inf = false;

  // += (-1)^negative * sig * 2^exp, sig < 2^127, exp >= Lo.
  void add(bool negative, int exp, u128 sig) noexcept {
    if (sig == 0) return;
    const int shift = exp - Lo;
    const int word = shift / 64, bit = shift % 64;
    std::uint64_t part[3] = {static_cast<std::uint64_t>(sig), static_cast<std::uint64_t>(sig >> 64), 0};
    if (bit) {
      part[2] = part[1] >> (64 - bit);
      part[1] = (part[1] << bit) | (part[0] >> (64 - bit));
      part[0] <<= bit;
    }
    if (!negative) {
      unsigned carry = 0;
      for (int i = word; i < Limbs; ++i) {
        const std::uint64_t p = i - word < 3 ? part[i - word] : 0;
        if (p == 0 && carry == 0 && i - word >= 3) break;
        const std::uint64_t s1 = limb[i] + p;
        const unsigned c1 = s1 < p;
        const std::uint64_t s2 = s1 + carry;
        carry = c1 | (s2 < s1);
        limb[i] = s2;
      }
    } else {
      unsigned borrow = 0;
      for (int i = word; i < Limbs; ++i) {
        const std::uint64_t p = i - word < 3 ? part[i - word] : 0;
        if (p == 0 && borrow == 0 && i - word >= 3) break;
        const std::uint64_t d1 = limb[i] - p;
        const unsigned b1 = limb[i] < p;
        const std::uint64_t d2 = d1 - borrow;
        borrow = b1 | (d1 < static_cast<std::uint64_t>(borrow));
        limb[i] = d2;
      }
    }
  }
  // Adds an unpacked value (specials recorded).
  void add(const floatlab::detail::unpacked& u) noexcept {
    using floatlab::detail::value_class;
    if (u.cls == value_class::nan) has_nan = true;
    else if (u.cls == value_class::inf) (u.sign ? neg_inf : pos_inf) = true;
    else if (u.cls == value_class::finite) add(u.sign, u.exp, u.sig);
  }
  // Adds the exact product of two unpacked values.
  void add_product(const floatlab::detail::unpacked& a, const floatlab::detail::unpacked& b) noexcept {
    const floatlab::detail::exact_result p = floatlab::detail::mul(a, b);
    using floatlab::detail::value_class;
    if (p.cls == value_class::nan) has_nan = true;
    else if (p.cls == value_class::inf) (p.sign ? neg_inf : pos_inf) = true;
    else if (p.cls == value_class::finite) add(p.sign, p.exp, p.sig);
  }
  bool is_zero() const noexcept {
    for (int i = 0; i < Limbs; ++i)
      if (limb[i]) return false;
    return true;
  }

  // The exact total, as (class, sign, exp, 128-bit truncated significand, sticky).
  floatlab::detail::exact_result value() const noexcept {
    using floatlab::detail::value_class;
    if (has_nan || (pos_inf && neg_inf)) return floatlab::detail::special(value_class::nan);
    if (pos_inf || neg_inf) return floatlab::detail::special(value_class::inf, neg_inf);
    const bool neg = (limb[Limbs - 1] >> 63) != 0;
    std::uint64_t m[Limbs];
    unsigned carry = 1;
    for (int i = 0; i < Limbs; ++i) {
      const std::uint64_t x = neg ? ~limb[i] : limb[i];
      m[i] = neg ? x + carry : x;
      carry = neg ? (carry && m[i] == 0) : 0;
    }
    int top = Limbs - 1;
    while (top >= 0 && m[top] == 0) --top;
    if (top < 0) return floatlab::detail::special(value_class::zero, false);
    // 128 bits from the top nonzero limb down (leading one normalized into the top limb).
    const int lz = __builtin_clzll(m[top]);
    u128 sig = static_cast<u128>(m[top]) << 64 | (top >= 1 ? m[top - 1] : 0);
    std::uint64_t third = top >= 2 ? m[top - 2] : 0;
    if (lz) sig = (sig << lz) | (third >> (64 - lz));
    bool sticky = lz ? (third << lz) != 0 : third != 0;
    for (int i = top - 3; i >= 0; --i) sticky = sticky || m[i] != 0;
    const int exp = Lo + 64 * (top - 1) - lz;
    return {value_class::finite, neg, exp, sig, sticky};
  }

  // The total rounded once to Fmt in Mode. An exact zero is +0 (-0 when rounding downward
  // and every term was ... : floatlab returns +0 for an exact zero sum, docs/tensor.md).
  template <class Fmt, class Mode>
  typename Fmt::storage round_to(std::uint32_t word) const noexcept {
    return floatlab::detail::finish<Fmt, Mode>(value(), word);
  }
};

// Accumulator parameters covering sums of up to 2^Extra products of In values plus Acc values.
template <class InA, class InB, class Acc, int Extra = 40>
struct exact_range_for {
  static constexpr int lo_in = (InA::emin - InA::fraction_bits) + (InB::emin - InB::fraction_bits);
  static constexpr int lo_acc = Acc::emin - Acc::fraction_bits;
  static constexpr int lo = lo_in < lo_acc ? lo_in : lo_acc;
  static constexpr int hi_in = InA::emax + InB::emax + 2;
  static constexpr int hi_acc = Acc::emax + 1;
  static constexpr int hi = (hi_in > hi_acc ? hi_in : hi_acc) + Extra + 1;
  static constexpr int limbs = (hi - lo + 63) / 64 + 1;
};

}  // namespace floatlab::tensor::detail
