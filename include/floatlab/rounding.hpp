// floatlab/rounding.hpp: rounding-mode tags and THE rounding core.
//
// Every operation in floatlab computes its exact result, or an exact truncation plus a
// sticky bit, as (sign, exponent, integer significand) and hands it to round_pack(),
// which alone deals with the normal/subnormal range, overflow, flushing and the mode.
// Nothing rounds twice.
#pragma once

#include "config.hpp"
#include "format.hpp"

namespace floatlab {
namespace round {

struct nearest_even {};  // IEEE roundTiesToEven
struct nearest_away {};  // IEEE roundTiesToAway
struct toward_zero {};   // IEEE roundTowardZero
struct upward {};        // IEEE roundTowardPositive
struct downward {};      // IEEE roundTowardNegative
struct odd {};           // round to odd (von Neumann / Boldo-Melquiond): inexact -> odd neighbour

// Stochastic rounding with R random bits (design.md): for a < x < b neighbours, f = the
// first R bits of (x - a)/(b - a), truncated; with r the R high bits of a 32-bit random
// draw, the result is b iff f + r >= 2^R, so P(b) = f / 2^R.
template <int R>
struct stochastic {
  static_assert(R >= 1 && R <= 32, "round::stochastic<R>: random bits R must be in 1..32");
  static constexpr int bits = R;
};

}  // namespace round

template <class Mode>
struct is_stochastic : std::false_type {};
// sizeof instantiates stochastic<R>, so an out-of-range R fails with its message here.
template <int R>
struct is_stochastic<round::stochastic<R>> : std::bool_constant<(sizeof(round::stochastic<R>) > 0)> {};
template <class Mode>
inline constexpr bool is_stochastic_v = is_stochastic<Mode>::value;

template <class Mode>
inline constexpr int stochastic_bits_v = 0;
template <int R>
inline constexpr int stochastic_bits_v<round::stochastic<R>> = R;

template <class Mode>
inline constexpr bool is_rounding_mode_v =
    std::is_same_v<Mode, round::nearest_even> || std::is_same_v<Mode, round::nearest_away> ||
    std::is_same_v<Mode, round::toward_zero> || std::is_same_v<Mode, round::upward> ||
    std::is_same_v<Mode, round::downward> || std::is_same_v<Mode, round::odd> ||
    is_stochastic_v<Mode>;

namespace detail {

// The mode's decision, shared by floating-point, integer and fixed-point rounding.
// The magnitude is kept + rem/2^W (+ a tiny positive amount if sticky), where rem is the
// discarded part left-aligned in a W-bit word. Returns whether to add one unit to kept.
template <class Mode, class Word>
FLOATLAB_HOST_DEVICE constexpr bool round_up(bool negative, bool kept_odd, Word rem, bool sticky,
                                             std::uint32_t random_word) noexcept {
  static_assert(is_rounding_mode_v<Mode>, "round_up: Mode must be a floatlab::round tag");
  constexpr int W = bit_width_v<Word>;
  constexpr Word half = Word{1} << (W - 1);
  // Bitwise & and | on bools: the decisions on random data are unpredictable, and branch-free
  // code avoids the mispredictions that short-circuit operators compile to.
  const bool inexact = (rem != 0) | sticky;
  if constexpr (std::is_same_v<Mode, round::nearest_even>) {
    return (rem > half) | ((rem == half) & (sticky | kept_odd));
  } else if constexpr (std::is_same_v<Mode, round::nearest_away>) {
    return rem >= half;
  } else if constexpr (std::is_same_v<Mode, round::toward_zero>) {
    return false;
  } else if constexpr (std::is_same_v<Mode, round::upward>) {
    return !negative & inexact;
  } else if constexpr (std::is_same_v<Mode, round::downward>) {
    return negative & inexact;
  } else if constexpr (std::is_same_v<Mode, round::odd>) {
    return inexact & !kept_odd;
  } else {
    constexpr int R = Mode::bits;
    const auto f = static_cast<std::uint64_t>(rem >> (W - R));
    const std::uint64_t r = random_word >> (32 - R);
    return ((f + r) >> R) != 0;
  }
}

// The split of step 3 of round_pack without branches, for the SIMD-friendly encoders of the
// fast paths (detail/float_path.hpp). sig is a W-bit significand; the k >= 1 low bits are
// discarded (k may exceed W). kept = sig >> k, rem = the discarded bits left-aligned in a
// W-bit word (the bits that fall below it, beyond W, are folded into sticky). Same results as
// round_pack's step 3 for every k.
template <class Word>
struct split_parts {
  Word kept, rem;
  bool sticky;
};
template <class Word>
FLOATLAB_HOST_DEVICE constexpr split_parts<Word> split_discard(Word sig, int k, bool sticky) noexcept {
  constexpr int W = bit_width_v<Word>;
  const bool beyond = k >= 2 * W;              // everything is below the remainder word
  const int kc = beyond ? 2 * W - 1 : k;       // keeps every shift count below W
  const bool low = kc >= W;                    // nothing kept; rem = sig >> (k - W)
  const int s = low ? kc - W : kc;             // 0 <= s < W
  const Word hi = static_cast<Word>(sig >> s);
  const Word lo = static_cast<Word>(static_cast<Word>(sig << (W - 1 - s)) << 1);  // bits below s, left-aligned
  const Word kept = low ? Word{0} : hi;
  const Word rem = beyond ? Word{0} : low ? hi : lo;
  const Word lost = beyond ? sig : low ? lo : Word{0};  // a select of words, not of bools: GCC vectorizes it
  const bool st = sticky | (lost != 0);
  return {kept, rem, st};
}

// Sign of an exact zero sum of operands with signs sx, sy (IEEE 754 6.3): +0 unless both
// are negative, or unless rounding downward when they differ.
template <class Mode>
FLOATLAB_HOST_DEVICE constexpr bool zero_sum_sign(bool sx, bool sy) noexcept {
  return std::is_same_v<Mode, round::downward> ? (sx || sy) : (sx && sy);
}

// Overflow: does the mode send a too-large magnitude to infinity (else the largest finite)?
template <class Mode>
FLOATLAB_HOST_DEVICE constexpr bool overflow_to_infinity(bool negative) noexcept {
  if constexpr (std::is_same_v<Mode, round::toward_zero> || std::is_same_v<Mode, round::odd>)
    return false;
  else if constexpr (std::is_same_v<Mode, round::upward>)
    return !negative;
  else if constexpr (std::is_same_v<Mode, round::downward>)
    return negative;
  else
    return true;  // nearest modes and stochastic rounding
}

// Encodings of special results, per the format's encoding policy.
template <class Fmt>
FLOATLAB_HOST_DEVICE constexpr typename Fmt::storage pack_zero(bool negative) noexcept {
  return static_cast<typename Fmt::storage>(Fmt::has_negative_zero && negative ? Fmt::sign_mask : 0);
}

// NaN result. A format without NaN (encoding::finite) returns +0 for an invalid operation.
template <class Fmt>
FLOATLAB_HOST_DEVICE constexpr typename Fmt::storage pack_nan() noexcept {
  return static_cast<typename Fmt::storage>(Fmt::nan_bits);
}

template <class Fmt>
FLOATLAB_HOST_DEVICE constexpr typename Fmt::storage pack_max_finite(bool negative) noexcept {
  return static_cast<typename Fmt::storage>((negative ? Fmt::sign_mask : 0) | Fmt::max_finite_bits);
}

// An infinite result (exact, as x/0, or chosen by overflow): inf where the format has it,
// else the largest finite value for saturating formats, else NaN.
template <class Fmt>
FLOATLAB_HOST_DEVICE constexpr typename Fmt::storage pack_inf(bool negative) noexcept {
  if constexpr (Fmt::has_inf)
    return static_cast<typename Fmt::storage>((negative ? Fmt::sign_mask : 0) | Fmt::inf_bits);
  else if constexpr (Fmt::saturates)
    return pack_max_finite<Fmt>(negative);
  else
    return pack_nan<Fmt>();
}

template <class Fmt, class Mode>
FLOATLAB_HOST_DEVICE constexpr typename Fmt::storage pack_overflow(bool negative) noexcept {
  if (!Fmt::saturates && overflow_to_infinity<Mode>(negative)) return pack_inf<Fmt>(negative);
  return pack_max_finite<Fmt>(negative);
}

}  // namespace detail

// Fast paths: where an operation is computed in hardware float/double and is proven to give
// round_pack's bits (cfloat.hpp dispatches; constant evaluation always takes the integer
// kernels). Their encoders decide through round_up<Mode> and split through split_discard.
//
//   path          file                  modes            domain                        ops
//   float         detail/float_path.hpp nearest_even     p <= 11, E <= 8 (E = 8 only   + - / sqrt; * needs
//                                                        with subnormals and emax 127) E <= 7 or p <= 8
//   nearest       detail/nearest_path   nearest_even     p <= 25, E <= 9               + - * / sqrt
//   double        detail/double_path    every mode (stoch. p <= 26, E <= 9             + - * / sqrt fma
//                                       needs p+R+1 <= 53)
//   F16C          detail/float_path.hpp nearest_even     binary16, opt-in with         float path's
//                                                        -DFLOATLAB_USE_F16C           conversions
//   integer kernels: everything else (detail/exact_ops.hpp), and every constant evaluation.
//
// Why exact: float/nearest: RN_p(RN_q(x op y)) = RN_p(x op y) for q >= 2p + 2 (Figueroa 1995,
// Roux 2014; the float path's subnormal range and the E = 8 product bound are argued in
// float_path.hpp). double: s = RN53(exact) and the sign of exact - s (TwoSum, exact products,
// fma residuals; Boldo-Muller 2011) form an exact truncation with sticky, rounded once.
// fma never takes the nearest/float paths (RN53(ab + c) rounded again is not innocuous).
//
// Proving tests (each compares the fast path with the integer kernels or MPFR bit for bit):
//   test_exhaustive_{ieee,ieee_ftz,fn,fn_satfinite,fnuz,fnuz_satfinite,finite}: every operand
//     pair, op and mode of the 8-bit formats (E = 1..6) through the public API, vs MPFR.
//   test_fast_paths (and test_fast_paths_v3: x86-64-v3, F16C on): random + edge operands in
//     every mode on each domain boundary (p = 11/12, E = 7/8/9/10, p = 25/26/27, ftz/fn/fnuz
//     at E = 8), vectorized array loops; [full]: all 2^32 pairs of binary16 and bfloat16.
//   test_random_mpfr: 15 larger formats vs MPFR, every mode; test_hardware_agreement:
//     binary16/bfloat16/binary32/binary64 vs the hardware in the four IEEE modes.
//   vectorize_cfloat_loops (ctest): the loops vectorize at -O3 -march=x86-64-v3.
// The fast paths assume the default floating-point environment (no FTZ/DAZ; round to
// nearest, except that the directed modes also agree when the hardware rounds that way).

// THE rounding core. Rounds (-1)^negative * (sig + sticky*epsilon) * 2^exp to Fmt in Mode.
// Preconditions: sig != 0 (exact zeros are packed by the caller, whose sign rule depends on
// the operation); for stochastic<R>, sig holds at least p + R + 1 significant bits unless the
// value is exact, so that the R bits below the last place are known (design.md).
template <class Fmt, class Mode, class Sig>
FLOATLAB_HOST_DEVICE constexpr typename Fmt::storage round_pack(bool negative, int exp, Sig sig,
                                                                bool sticky,
                                                                std::uint32_t random_word = 0) noexcept {
  using storage = typename Fmt::storage;
  constexpr int W = detail::bit_width_v<Sig>;
  constexpr int p = Fmt::precision;
  static_assert(W > p + 1, "round_pack: significand word must be wider than the precision + 1");

  // 1. Normalize: leading one at bit W-1.
  const int n = detail::msb(sig);
  const int lead = exp + n;  // exponent of the leading bit
  sig = static_cast<Sig>(sig << (W - 1 - n));
  exp -= W - 1 - n;

  // 2. Exponent of the last kept place: precision p, or the subnormal quantum.
  int lsb = lead - (p - 1);
  if constexpr (Fmt::has_subnormals) {
    if (lsb < Fmt::emin - (p - 1)) lsb = Fmt::emin - (p - 1);
  }
  const int shift = lsb - exp;  // >= W - p >= 2

  // 3. Split into kept bits and the left-aligned discarded fraction.
  Sig kept = 0, rem = 0;
  if (shift < W) {
    kept = static_cast<Sig>(sig >> shift);
    rem = static_cast<Sig>(sig << (W - shift));
  } else if (shift == W) {
    rem = sig;
  } else if (shift < 2 * W) {
    rem = static_cast<Sig>(sig >> (shift - W));
    sticky = sticky || static_cast<Sig>(sig << (2 * W - shift)) != 0;
  } else {
    sticky = true;
  }

  // 4. The mode decides; a carry out of the top renormalizes.
  kept = static_cast<Sig>(kept + detail::round_up<Mode>(negative, (kept & 1) != 0, rem, sticky, random_word));
  if (kept == (Sig{1} << p)) {
    kept >>= 1;
    ++lsb;
  }
  if (kept == 0) return detail::pack_zero<Fmt>(negative);
  if constexpr (!Fmt::has_subnormals) {
    if (lsb + (p - 1) < Fmt::emin) return detail::pack_zero<Fmt>(negative);  // flush after rounding
  }

  // 5. Pack: the hidden bit of a normal kept adds one to the exponent field.
  const int biased_lsb = lsb - (Fmt::emin - (p - 1));  // 0 for subnormals
  if (biased_lsb >= Fmt::field_max) return detail::pack_overflow<Fmt, Mode>(negative);
  const std::uint64_t magnitude =
      (static_cast<std::uint64_t>(biased_lsb) << Fmt::fraction_bits) + static_cast<std::uint64_t>(kept);
  if (magnitude > Fmt::max_finite_bits) return detail::pack_overflow<Fmt, Mode>(negative);
  return static_cast<storage>((negative ? Fmt::sign_mask : 0) | magnitude);
}

}  // namespace floatlab
