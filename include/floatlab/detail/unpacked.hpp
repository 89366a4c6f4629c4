// floatlab/detail/unpacked.hpp: a format's bits as (class, sign, exponent, integer significand).
#pragma once

#include "../config.hpp"
#include "../format.hpp"

namespace floatlab::detail {

enum class value_class : std::uint8_t { zero, finite, inf, nan };

// value = (-1)^sign * sig * 2^exp for finite nonzero values; sig < 2^p, not normalized
// (subnormals have small sig).
struct unpacked {
  value_class cls;
  bool sign;
  int exp;
  std::uint64_t sig;
};

template <class Fmt>
FLOATLAB_HOST_DEVICE constexpr unpacked unpack(std::uint64_t bits) noexcept {
  const bool sign = (bits & Fmt::sign_mask) != 0;
  if (Fmt::is_nan(bits)) return {value_class::nan, false, 0, 0};
  if (Fmt::is_inf(bits)) return {value_class::inf, sign, 0, 0};
  const auto field = static_cast<int>((bits & Fmt::exponent_mask) >> Fmt::fraction_bits);
  const std::uint64_t frac = bits & Fmt::fraction_mask;
  if (field == 0) {
    // Subnormal patterns of a flush-to-zero format read as zero (denormals-are-zero).
    if (!Fmt::has_subnormals || frac == 0) return {value_class::zero, sign, 0, 0};
    return {value_class::finite, sign, Fmt::emin - Fmt::fraction_bits, frac};
  }
  return {value_class::finite, sign, field - Fmt::bias - Fmt::fraction_bits,
          frac | (std::uint64_t{1} << Fmt::fraction_bits)};
}

// The same value, with the significand normalized to have its leading one at bit 63.
FLOATLAB_HOST_DEVICE constexpr unpacked normalized(unpacked u) noexcept {
  if (u.cls != value_class::finite) return u;
  const int s = 63 - msb(u.sig);
  return {u.cls, u.sign, u.exp - s, u.sig << s};
}

}  // namespace floatlab::detail
