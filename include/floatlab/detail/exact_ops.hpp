// floatlab/detail/exact_ops.hpp: exact integer kernels of + * / sqrt fma on unpacked values.
//
// Each kernel returns the exact result, or its truncation to at least 120 significant bits
// plus a sticky bit, so that the rounding core sees everything any mode (stochastic<32> on
// binary64 included) needs. Special operands follow IEEE 754-2019 section 6 and 7.
#pragma once

#include "../rounding.hpp"
#include "unpacked.hpp"

namespace floatlab::detail {

struct exact_result {
  value_class cls;
  bool sign;
  int exp;
  u128 sig;  // value = sig * 2^exp (+ sticky epsilon); sig != 0 when cls == finite
  bool sticky;
};

FLOATLAB_HOST_DEVICE constexpr exact_result special(value_class c, bool sign = false) noexcept {
  return {c, sign, 0, 0, false};
}

// Exact sum of two finite nonzero values x = mx*2^ex, y = my*2^ey (mx, my < 2^125).
template <class Mode>
FLOATLAB_HOST_DEVICE constexpr exact_result add_finite(bool sx, int ex, u128 mx, bool sy, int ey,
                                                       u128 my) noexcept {
  // Put both leading ones at bit 125: two bits of headroom for the carry.
  int s = 125 - msb(mx);
  mx <<= s;
  ex -= s;
  s = 125 - msb(my);
  my <<= s;
  ey -= s;
  if (ex < ey || (ex == ey && mx < my)) {  // x is the larger magnitude
    const bool ts = sx; sx = sy; sy = ts;
    const int te = ex; ex = ey; ey = te;
    const u128 tm = mx; mx = my; my = tm;
  }
  const int d = ex - ey;
  bool sticky = false;
  if (d >= 128) {
    sticky = true;
    my = 0;
  } else if (d > 0) {
    sticky = (my << (128 - d)) != 0;
    my >>= d;
  }
  u128 sum = 0;
  if (sx == sy) {
    sum = mx + my;
  } else {
    // With bits of y lost, the exact difference lies strictly between mx-my-1 and mx-my:
    // truncate to mx-my-1 and keep the sticky bit. d >= 1 here, so the result keeps >= 123 bits.
    sum = mx - my - (sticky ? 1 : 0);
    if (sum == 0 && !sticky) return special(value_class::zero, zero_sum_sign<Mode>(sx, sy));
  }
  return {value_class::finite, sx, ex, sum, sticky};
}

template <class Mode>
FLOATLAB_HOST_DEVICE constexpr exact_result add(const unpacked& x, const unpacked& y) noexcept {
  if (x.cls == value_class::nan || y.cls == value_class::nan) return special(value_class::nan);
  if (x.cls == value_class::inf) {
    if (y.cls == value_class::inf && x.sign != y.sign) return special(value_class::nan);
    return special(value_class::inf, x.sign);
  }
  if (y.cls == value_class::inf) return special(value_class::inf, y.sign);
  if (x.cls == value_class::zero) {
    if (y.cls == value_class::zero) return special(value_class::zero, zero_sum_sign<Mode>(x.sign, y.sign));
    return {value_class::finite, y.sign, y.exp, y.sig, false};
  }
  if (y.cls == value_class::zero) return {value_class::finite, x.sign, x.exp, x.sig, false};
  return add_finite<Mode>(x.sign, x.exp, x.sig, y.sign, y.exp, y.sig);
}

FLOATLAB_HOST_DEVICE constexpr exact_result mul(const unpacked& x, const unpacked& y) noexcept {
  const bool sign = x.sign != y.sign;
  if (x.cls == value_class::nan || y.cls == value_class::nan) return special(value_class::nan);
  if (x.cls == value_class::inf || y.cls == value_class::inf) {
    if (x.cls == value_class::zero || y.cls == value_class::zero) return special(value_class::nan);
    return special(value_class::inf, sign);
  }
  if (x.cls == value_class::zero || y.cls == value_class::zero) return special(value_class::zero, sign);
  return {value_class::finite, sign, x.exp + y.exp, static_cast<u128>(x.sig) * y.sig, false};
}

FLOATLAB_HOST_DEVICE constexpr exact_result div(const unpacked& x, const unpacked& y) noexcept {
  const bool sign = x.sign != y.sign;
  if (x.cls == value_class::nan || y.cls == value_class::nan) return special(value_class::nan);
  if (x.cls == value_class::inf) {
    if (y.cls == value_class::inf) return special(value_class::nan);
    return special(value_class::inf, sign);
  }
  if (y.cls == value_class::inf) return special(value_class::zero, sign);
  if (y.cls == value_class::zero) {
    if (x.cls == value_class::zero) return special(value_class::nan);
    return special(value_class::inf, sign);  // division by zero
  }
  if (x.cls == value_class::zero) return special(value_class::zero, sign);
  // Dividend with its leading one at bit 126, divisor at bit 63: the first quotient word
  // is below 2^64, and a second long-division step gives 64 more bits (>= 126 in all).
  const int sx = 126 - msb(x.sig), sy = 63 - msb(y.sig);
  const u128 n = static_cast<u128>(x.sig) << sx;
  const std::uint64_t d = y.sig << sy;
  const u128 q1 = n / d, r1 = n % d;
  const u128 n2 = r1 << 64;
  const u128 q2 = n2 / d, r2 = n2 % d;
  return {value_class::finite, sign, (x.exp - sx) - (y.exp - sy) - 64, (q1 << 64) | q2, r2 != 0};
}

// Square root digit by digit (restoring, two radicand bits per result bit), K result bits.
FLOATLAB_HOST_DEVICE constexpr exact_result sqrt(const unpacked& x) noexcept {
  if (x.cls == value_class::nan) return special(value_class::nan);
  if (x.cls == value_class::zero) return special(value_class::zero, x.sign);  // sqrt(-0) = -0
  if (x.sign) return special(value_class::nan);
  if (x.cls == value_class::inf) return special(value_class::inf, false);
  constexpr int K = 90;  // >= 53 + 32 + 2: enough for every format and stochastic<32>
  const int n = msb(x.sig) + 1;
  // Virtual radicand x.sig * 2^s with 2K (or 2K-1) bits and x.exp - s even.
  int s = 2 * K - n;
  if (((x.exp - s) & 1) != 0) --s;
  u128 src = static_cast<u128>(x.sig) << (128 - (2 * K - s));  // radicand's top pair at bits 127..126
  u128 root = 0, rem = 0;
  for (int i = 0; i < K; ++i) {
    rem = (rem << 2) | (src >> 126);
    src <<= 2;
    const u128 trial = (root << 2) | 1;
    if (rem >= trial) {
      rem -= trial;
      root = (root << 1) | 1;
    } else {
      root <<= 1;
    }
  }
  return {value_class::finite, false, (x.exp - s) / 2, root, rem != 0};
}

template <class Mode>
FLOATLAB_HOST_DEVICE constexpr exact_result fma(const unpacked& a, const unpacked& b, const unpacked& c) noexcept {
  const exact_result p = mul(a, b);  // exact: no sticky
  if (p.cls == value_class::nan || c.cls == value_class::nan) return special(value_class::nan);
  if (p.cls == value_class::inf) {
    if (c.cls == value_class::inf && c.sign != p.sign) return special(value_class::nan);
    return p;
  }
  if (c.cls == value_class::inf) return special(value_class::inf, c.sign);
  if (p.cls == value_class::zero) {
    if (c.cls == value_class::zero) return special(value_class::zero, zero_sum_sign<Mode>(p.sign, c.sign));
    return {value_class::finite, c.sign, c.exp, c.sig, false};
  }
  if (c.cls == value_class::zero) return p;
  return add_finite<Mode>(p.sign, p.exp, p.sig, c.sign, c.exp, c.sig);
}

// Rounds an exact result into Fmt: THE core for finite values, the encoding's specials else.
template <class Fmt, class Mode>
FLOATLAB_HOST_DEVICE constexpr typename Fmt::storage finish(const exact_result& r, std::uint32_t random_word) noexcept {
  switch (r.cls) {
    case value_class::zero: return pack_zero<Fmt>(r.sign);
    case value_class::inf: return pack_inf<Fmt>(r.sign);
    case value_class::nan: return pack_nan<Fmt>();
    default: return round_pack<Fmt, Mode>(r.sign, r.exp, r.sig, r.sticky, random_word);
  }
}

}  // namespace floatlab::detail
