// floatlab/detail/nearest_path.hpp: branch-free round-to-nearest-even path for small formats.
//
// For + - * / sqrt in round::nearest_even on formats with p <= 25 and E <= 9, one hardware
// double operation followed by one rounding of that double to the format is correctly
// rounded: the double rounding is innocuous because 53 >= 2p + 2 (Figueroa, "When is double
// rounding innocuous?", SIGNUM 1995; Roux, "Innocuous double rounding of basic arithmetic
// operations", JFR 2014). Decoding and encoding below use selects instead of branches so the
// compiler can vectorize loops over arrays. The exhaustive and random suites check this path
// bit for bit against MPFR (it is what the public API runs for these formats).
#pragma once

#include "../rounding.hpp"
#include "unpacked.hpp"

namespace floatlab::detail {

template <class Fmt, class Mode>
inline constexpr bool nearest_path_ok = std::is_same_v<Mode, round::nearest_even> && Fmt::precision <= 25 &&
                                        Fmt::exponent_bits <= 9;

// 2^e for |e| < 1023, as a constant.
FLOATLAB_HOST_DEVICE constexpr double pow2(int e) noexcept {
  return bit_cast<double>(static_cast<std::uint64_t>(e + 1023) << 52);
}

// Exact value of a pattern as a double, without branches.
template <class Fmt>
FLOATLAB_HOST_DEVICE constexpr double decode_nearest(std::uint64_t bits) noexcept {
  constexpr int M = Fmt::fraction_bits;
  const std::uint64_t sign = (bits & Fmt::sign_mask) << (63 - (Fmt::total_bits - 1));
  const std::uint64_t field = (bits & Fmt::exponent_mask) >> M;
  const std::uint64_t frac = bits & Fmt::fraction_mask;
  const std::uint64_t normal = sign | ((field + (1023 - Fmt::bias)) << 52) | (frac << (52 - M));
  // Subnormal: frac * 2^(emin - M), exact (an integer below 2^M times a power of two).
  const std::uint64_t subnormal =
      Fmt::has_subnormals ? sign | bit_cast<std::uint64_t>(static_cast<double>(frac) * pow2(Fmt::emin - M)) : sign;
  std::uint64_t r = field == 0 ? subnormal : normal;
  r = Fmt::is_inf(bits) ? sign | 0x7FF0000000000000ull : r;
  r = Fmt::is_nan(bits) ? 0x7FF8000000000000ull : r;
  return bit_cast<double>(r);
}

// s (a double holding RN53 of the exact result) rounded to nearest even in Fmt, without branches.
template <class Fmt>
FLOATLAB_HOST_DEVICE constexpr typename Fmt::storage encode_nearest(double s) noexcept {
  constexpr int M = Fmt::fraction_bits;
  constexpr int shift = 52 - M;
  const std::uint64_t b = bit_cast<std::uint64_t>(s);
  const bool negative = (b >> 63) != 0;
  const std::uint64_t mag = b & 0x7FFFFFFFFFFFFFFFull;
  // Normal grid (p bits, unbounded exponent): round the double's bits to nearest even at
  // `shift`; a carry moves into the exponent field by itself. Then rebias to the format.
  const std::uint64_t rounded = (mag + ((std::uint64_t{1} << (shift - 1)) - 1) + ((mag >> shift) & 1)) >> shift;
  const std::int64_t normal = static_cast<std::int64_t>(rounded) - (static_cast<std::int64_t>(1023 - Fmt::bias) << M);
  // Subnormal grid (quantum 2^(emin - M)): |s| / quantum rounded to an integer by the magic
  // constant 2^52 (exact scaling; the addition rounds to nearest even at the units place).
  const double scaled = bit_cast<double>(mag) * pow2(M - Fmt::emin) + pow2(52);
  const auto subnormal = static_cast<std::int64_t>(bit_cast<std::uint64_t>(scaled) - bit_cast<std::uint64_t>(pow2(52)));
  const bool tiny = mag < bit_cast<std::uint64_t>(pow2(Fmt::emin));
  std::int64_t m = 0;
  if constexpr (Fmt::has_subnormals)
    m = tiny ? subnormal : normal;
  else
    m = normal < (std::int64_t{1} << M) ? 0 : normal;  // flush results below the normal range
  using S = typename Fmt::storage;
  const S packed = static_cast<S>((negative ? Fmt::sign_mask : 0) | static_cast<std::uint64_t>(m));
  S r = m == 0 ? pack_zero<Fmt>(negative) : packed;
  r = m > static_cast<std::int64_t>(Fmt::max_finite_bits) ? pack_overflow<Fmt, round::nearest_even>(negative) : r;
  r = s != s ? pack_nan<Fmt>() : r;
  return r;
}

}  // namespace floatlab::detail
