// floatlab/detail/convert_bits.hpp: conversions between formats and from/to integers, on bits.
// Every conversion is one call of the rounding core on the exact source value.
#pragma once

#include <limits>

#include "../rounding.hpp"
#include "ieee_bits.hpp"
#include "unpacked.hpp"

namespace floatlab::detail {

template <class ToFmt, class FromFmt, class Mode>
FLOATLAB_HOST_DEVICE constexpr typename ToFmt::storage convert_bits(std::uint64_t bits,
                                                                   std::uint32_t random_word) noexcept {
  const unpacked u = unpack<FromFmt>(bits);
  switch (u.cls) {
    case value_class::zero: return pack_zero<ToFmt>(u.sign);
    case value_class::inf: return pack_inf<ToFmt>(u.sign);
    case value_class::nan: return pack_nan<ToFmt>();
    default: return round_pack<ToFmt, Mode>(u.sign, u.exp, u.sig, false, random_word);
  }
}

template <class ToFmt, class Mode, class Int>
FLOATLAB_HOST_DEVICE constexpr typename ToFmt::storage from_integer(Int value, std::uint32_t random_word) noexcept {
  static_assert(std::is_integral_v<Int>, "from_integer: Int must be an integer type");
  if (value == 0) return pack_zero<ToFmt>(false);
  const bool negative = value < 0;
  std::uint64_t magnitude = static_cast<std::uint64_t>(value);
  if (negative) magnitude = std::uint64_t{0} - magnitude;  // well defined for the minimum too
  return round_pack<ToFmt, Mode>(negative, 0, magnitude, false, random_word);
}

// Rounds to an integer in Mode and saturates to Int's range; NaN gives 0.
template <class Int, class FromFmt, class Mode>
FLOATLAB_HOST_DEVICE constexpr Int to_integer(std::uint64_t bits, std::uint32_t random_word) noexcept {
  static_assert(std::is_integral_v<Int>, "to_integer: Int must be an integer type");
  constexpr Int lo = std::numeric_limits<Int>::min(), hi = std::numeric_limits<Int>::max();
  const unpacked u = unpack<FromFmt>(bits);
  if (u.cls == value_class::nan || u.cls == value_class::zero) return 0;
  if (u.cls == value_class::inf) return u.sign ? lo : hi;
  // |value| = sig * 2^exp: exact for exp >= 0 (unless beyond 64 bits), else rounded once.
  std::uint64_t whole = 0;
  bool too_big = false;
  if (u.exp >= 0) {
    too_big = u.exp > 63 - msb(u.sig);
    whole = too_big ? 0 : u.sig << u.exp;
  } else {
    whole = round_magnitude<Mode>(u.sign, u.sig, -u.exp, false, random_word).kept;  // < 2^63: no carry out
  }
  if (u.sign) {
    if constexpr (std::is_signed_v<Int>) {
      const auto limit = static_cast<std::uint64_t>(-(lo + 1)) + 1;  // |min|
      if (too_big || whole > limit) return lo;
      return static_cast<Int>(std::uint64_t{0} - whole);
    } else {
      return whole == 0 ? Int{0} : lo;
    }
  }
  if (too_big || whole > static_cast<std::uint64_t>(hi)) return hi;
  return static_cast<Int>(whole);
}

}  // namespace floatlab::detail
