// floatlab/format.hpp: one description of a binary floating-point format.
//
// A format is (E exponent bits, M fraction bits, Encoding policy). Every mask, bias and
// limit used anywhere in floatlab is derived here and nowhere else.
//
// Encodings (see docs/formats.md):
//   ieee      IEEE 754: all-ones exponent = inf (fraction 0) / NaN, subnormals.
//   ieee_ftz  as ieee, but subnormal inputs read as zero and tiny results flush to zero.
//   fn        finite + NaN at the all-ones magnitude (OCP E4M3); overflow -> NaN.
//   fn_satfinite   as fn, overflow saturates to the largest finite value.
//   fnuz      finite, NaN at the negative-zero pattern, no -0, bias one larger (AMD/Graphcore fp8).
//   fnuz_satfinite as fnuz, overflow saturates.
//   finite    every pattern is a number (OCP MX FP6/FP4); overflow saturates, no NaN.
#pragma once

#include "config.hpp"

namespace floatlab {
namespace encoding {

// Which bit patterns are not numbers.
enum class specials {
  ieee,                  // exponent all ones: inf (fraction 0) or NaN
  nan_at_all_ones,       // only S.111..1.111..1 is NaN; no infinities
  nan_at_negative_zero,  // only 1.000..0.000..0 is NaN; no -0, no infinities
  none                   // every pattern is a finite number
};

// What a result too large for the format becomes.
enum class overflow_rule {
  infinity,  // IEEE 754 7.4: the mode chooses infinity or the largest finite value;
             // a format without infinity gives NaN where IEEE would give infinity
  saturate   // always the largest finite value of that sign
};

struct ieee {
  static constexpr specials special = specials::ieee;
  static constexpr bool subnormals = true;
  static constexpr overflow_rule overflow = overflow_rule::infinity;
};
struct ieee_ftz {
  static constexpr specials special = specials::ieee;
  static constexpr bool subnormals = false;
  static constexpr overflow_rule overflow = overflow_rule::infinity;
};
struct fn {
  static constexpr specials special = specials::nan_at_all_ones;
  static constexpr bool subnormals = true;
  static constexpr overflow_rule overflow = overflow_rule::infinity;
};
struct fn_satfinite {
  static constexpr specials special = specials::nan_at_all_ones;
  static constexpr bool subnormals = true;
  static constexpr overflow_rule overflow = overflow_rule::saturate;
};
struct fnuz {
  static constexpr specials special = specials::nan_at_negative_zero;
  static constexpr bool subnormals = true;
  static constexpr overflow_rule overflow = overflow_rule::infinity;
};
struct fnuz_satfinite {
  static constexpr specials special = specials::nan_at_negative_zero;
  static constexpr bool subnormals = true;
  static constexpr overflow_rule overflow = overflow_rule::saturate;
};
struct finite {
  static constexpr specials special = specials::none;
  static constexpr bool subnormals = true;
  static constexpr overflow_rule overflow = overflow_rule::saturate;
};

}  // namespace encoding

template <int E, int M, class Encoding>
struct format {
  static_assert(E >= 1 && E <= 11, "format: exponent bits E must be in 1..11");
  static_assert(M >= 1, "format: fraction bits M must be at least 1");
  static_assert(E + M + 1 <= 64, "format: 1 + E + M must be at most 64 bits");
  static_assert(Encoding::subnormals || E >= 2,
                "format: a format without subnormals needs E >= 2 to hold any nonzero value");

  using encoding_type = Encoding;
  using storage = detail::uint_least_t<E + M + 1>;

  static constexpr int exponent_bits = E;
  static constexpr int fraction_bits = M;
  static constexpr int precision = M + 1;  // p, counting the hidden bit
  static constexpr int total_bits = E + M + 1;

  static constexpr encoding::specials special = Encoding::special;
  static constexpr bool has_subnormals = Encoding::subnormals;
  static constexpr bool saturates = Encoding::overflow == encoding::overflow_rule::saturate;
  static constexpr bool has_inf = special == encoding::specials::ieee;
  static constexpr bool has_nan = special != encoding::specials::none;
  static constexpr bool has_negative_zero = special != encoding::specials::nan_at_negative_zero;

  static constexpr int bias =
      (1 << (E - 1)) - 1 + (special == encoding::specials::nan_at_negative_zero ? 1 : 0);
  static constexpr int emin = 1 - bias;  // exponent of the smallest normal number
  static constexpr int field_max = (1 << E) - 1;

  static constexpr std::uint64_t fraction_mask = (std::uint64_t{1} << M) - 1;
  static constexpr std::uint64_t exponent_mask = std::uint64_t{field_max} << M;
  static constexpr std::uint64_t sign_mask = std::uint64_t{1} << (E + M);
  static constexpr std::uint64_t magnitude_mask = sign_mask - 1;

  // Magnitude bits of the largest finite value; larger magnitudes are inf/NaN or absent.
  static constexpr std::uint64_t max_finite_bits =
      special == encoding::specials::ieee              ? exponent_mask - (std::uint64_t{1} << M) + fraction_mask
      : special == encoding::specials::nan_at_all_ones ? magnitude_mask - 1
                                                       : magnitude_mask;
  static constexpr std::uint64_t min_normal_bits = std::uint64_t{1} << M;
  static constexpr std::uint64_t inf_bits = exponent_mask;  // meaningful only if has_inf
  // Canonical quiet NaN (positive; floatlab never propagates payloads).
  static constexpr std::uint64_t nan_bits =
      special == encoding::specials::ieee              ? exponent_mask | (std::uint64_t{1} << (M - 1))
      : special == encoding::specials::nan_at_all_ones ? magnitude_mask
      : special == encoding::specials::nan_at_negative_zero ? sign_mask
                                                            : 0;
  // Exponent of the leading bit of the largest finite value.
  // (When only subnormals are finite, as for ieee with E = 1, that is emin - 1.)
  static constexpr int emax = (max_finite_bits >> M) == 0
                                  ? emin - 1
                                  : static_cast<int>(max_finite_bits >> M) - bias;

  FLOATLAB_HOST_DEVICE static constexpr bool is_nan(std::uint64_t bits) noexcept {
    if constexpr (special == encoding::specials::ieee)
      return ((bits & exponent_mask) == exponent_mask) & ((bits & fraction_mask) != 0);  // & : no branch
    else if constexpr (special == encoding::specials::nan_at_all_ones)
      return (bits & magnitude_mask) == magnitude_mask;
    else if constexpr (special == encoding::specials::nan_at_negative_zero)
      return bits == sign_mask;
    else
      return false;
  }
  FLOATLAB_HOST_DEVICE static constexpr bool is_inf(std::uint64_t bits) noexcept {
    if constexpr (has_inf)
      return (bits & magnitude_mask) == inf_bits;
    else
      return false;
  }
  // Zero, counting subnormal patterns of a flush-to-zero format (inputs are flushed too).
  FLOATLAB_HOST_DEVICE static constexpr bool is_zero(std::uint64_t bits) noexcept {
    if constexpr (has_subnormals)
      return ((bits & magnitude_mask) == 0) & !is_nan(bits);
    else
      return ((bits & exponent_mask) == 0) & !is_nan(bits);
  }
};

}  // namespace floatlab
