// floatlab/detail/nearest_path.hpp: round-to-nearest-even through one hardware double
// operation, for formats with p <= 25 and E <= 9 that the float path does not take.
//
// One double operation followed by one rounding of that double to the format is correctly
// rounded for + - * / sqrt: the double rounding is innocuous because 53 >= 2p + 2 (Figueroa,
// "When is double rounding innocuous?", SIGNUM Newsletter 1995; Roux, "Innocuous double
// rounding of basic arithmetic operations", JFR 2014). Decoding and encoding are the
// branch-free decode_to / encode_from of float_path.hpp; the encoder's decision is the one
// round_up<Mode> of rounding.hpp (issue 11: no rounding decision of its own here).
// fma is not here: RN53(a*b + c) rounded again to p bits is not innocuous (the exact a*b has
// 2p bits, c p bits at any distance), so fma takes the double path with its TwoSum residual.
#pragma once

#include "../rounding.hpp"
#include "float_path.hpp"

namespace floatlab::detail {

template <class Fmt, class Mode>
inline constexpr bool nearest_path_ok = std::is_same_v<Mode, round::nearest_even> && Fmt::precision <= 25 &&
                                        Fmt::exponent_bits <= 9;

// Exact value of a pattern as a double, without branches.
template <class Fmt>
FLOATLAB_HOST_DEVICE constexpr double decode_nearest(std::uint64_t bits) noexcept {
  return decode_to<Fmt, double>(bits);
}

// s (a double holding RN53 of the exact result) rounded to nearest even in Fmt, without branches.
template <class Fmt>
FLOATLAB_HOST_DEVICE constexpr typename Fmt::storage encode_nearest(double s) noexcept {
  return encode_from<Fmt, round::nearest_even, double>(s, 0, 0);
}

}  // namespace floatlab::detail
