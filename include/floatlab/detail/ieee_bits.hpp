// floatlab/detail/ieee_bits.hpp: the bits of the hardware float and double, and exact powers
// of two, in one place (every other header reads float/double through these).
#pragma once

#include "../config.hpp"
#include "../format.hpp"

namespace floatlab::detail {

using binary32_format = format<8, 23, encoding::ieee>;
using binary64_format = format<11, 52, encoding::ieee>;

// A float's bits as sign, integer significand and exponent (value = sig * 2^exp), with no
// classification: callers that quantize finite values handle inf/NaN before this.
struct float_parts {
  bool negative;
  std::uint64_t sig;
  int exp;
};
FLOATLAB_HOST_DEVICE constexpr float_parts split_float(float x) noexcept {
  const std::uint32_t b = bit_cast<std::uint32_t>(x);
  const int field = static_cast<int>((b >> 23) & 0xFF);
  const std::uint64_t frac = b & 0x7FFFFFu;
  if (field == 0) return {(b >> 31) != 0, frac, -149};
  return {(b >> 31) != 0, frac | 0x800000u, field - 150};
}

// A double as (negative, integer significand, exponent): x = +-sig * 2^exp, or NaN / inf.
struct double_parts {
  bool negative;
  std::uint64_t sig;
  int exp;
  bool nan;
  bool inf;
};
FLOATLAB_HOST_DEVICE constexpr double_parts split_double(double x) noexcept {
  const auto bits = bit_cast<std::uint64_t>(x);
  const bool neg = (bits >> 63) != 0;
  const int field = static_cast<int>((bits >> 52) & 0x7FF);
  const std::uint64_t frac = bits & ((std::uint64_t{1} << 52) - 1);
  if (field == 0x7FF) return {neg, 0, 0, frac != 0, frac == 0};
  if (field == 0) return {neg, frac, -1074, false, false};
  return {neg, frac | (std::uint64_t{1} << 52), field - 1075, false, false};
}

FLOATLAB_HOST_DEVICE constexpr std::uint32_t abs_bits(float x) noexcept { return bit_cast<std::uint32_t>(x) & 0x7FFFFFFFu; }

// 2^e exactly, subnormal powers included: double for -1074 <= e <= 1023, float for
// -149 <= e <= 127.
FLOATLAB_HOST_DEVICE constexpr double pow2_double(int e) noexcept {
  return e >= -1022 ? bit_cast<double>(static_cast<std::uint64_t>(e + 1023) << 52)
                    : bit_cast<double>(std::uint64_t{1} << (e + 1074));
}
FLOATLAB_HOST_DEVICE constexpr float pow2_float(int e) noexcept {
  return e >= -126 ? bit_cast<float>(static_cast<std::uint32_t>(e + 127) << 23)
                   : bit_cast<float>(std::uint32_t{1} << (e + 149));
}

}  // namespace floatlab::detail
