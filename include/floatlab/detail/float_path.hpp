// floatlab/detail/float_path.hpp: branch-free decode/encode between small formats and the
// hardware binary32/binary64 types, and the fast paths built on them.
//
// decode_to<Fmt, H>(bits) is the exact value of a pattern as H (float or double): a repack of
// bits plus selects, no branches, so loops over arrays vectorize. encode_from<Fmt, Mode, H>(s,
// err_sign, w) rounds "s plus something tiny of sign err_sign" (the exact result, known from an
// error-free transform, or s alone) into Fmt in any mode, through the one mode decision
// round_up<Mode> and the branch-free split split_discard (rounding.hpp), also without branches.
//
// Where each path is exact (the table next to round_pack in rounding.hpp lists them with
// their proving tests):
// - float path, round::nearest_even, p <= 11, E <= 8 (E = 8 only with subnormals): + - / sqrt
//   in binary32 rounded once more to p bits are correctly rounded, because 24 >= 2p + 2 makes
//   the double rounding innocuous (Figueroa, "When is double rounding innocuous?", SIGNUM
//   Newsletter 30(3), 1995; Roux, "Innocuous double rounding of basic arithmetic operations",
//   J. Formalized Reasoning 7(1), 2014). Below binary32's normal range both grids are fixed
//   point and the float grid is 2^(24-p) times finer, so the same argument holds provided an
//   inexact exact result cannot lie within half a float quantum (2^-150) of a midpoint of the
//   format: for quotients |x/y - m| >= 2^(emin-p) 2^-p (= 2^-148 for E = 8, p = 11). Products
//   of E <= 7 values are exact in float (2p <= 24 bits, quantum >= 2^(2(emin-M)) >= 2^-144);
//   for E = 8 an inexact product z has its last bit at 2^(lead - 2p + 1) >= 2^(-125 - 3p) near
//   a midpoint, > 2^-150 only for p <= 8 (bfloat16): mul uses float for E <= 7 or p <= 8.
// - fma and the other modes: the double path (double_path.hpp) with this encoder.
#pragma once

#include "../rounding.hpp"

#if !FLOATLAB_DEVICE_PASS && defined(__SSE__) && !defined(__NO_MATH_ERRNO__)
#include <xmmintrin.h>
#endif

#if !FLOATLAB_DEVICE_PASS && defined(__F16C__) && defined(__FLT16_MANT_DIG__) && defined(FLOATLAB_USE_F16C)
#define FLOATLAB_HAVE_F16C_FLOAT16 1
#else
#define FLOATLAB_HAVE_F16C_FLOAT16 0
#endif

namespace floatlab::detail {

#if FLOATLAB_HAVE_F16C_FLOAT16
__extension__ typedef _Float16 half_t;  // __extension__: no -Wpedantic warning
#endif

template <class H>
struct hw_traits;
template <>
struct hw_traits<float> {
  using word = std::uint32_t;
  using sword = std::int32_t;
  static constexpr int fraction_bits = 23;
  static constexpr int bias = 127;
};
template <>
struct hw_traits<double> {
  using word = std::uint64_t;
  using sword = std::int64_t;
  static constexpr int fraction_bits = 52;
  static constexpr int bias = 1023;
};

// Every value of Fmt is exactly a normal H, or an H subnormal that the encoder reads back on
// the format's own grid (E = 8 with subnormals in float).
template <class Fmt, class H>
inline constexpr bool fits_hw =
    Fmt::precision <= hw_traits<H>::fraction_bits + 1 && Fmt::emin - Fmt::fraction_bits >= 1 - hw_traits<H>::bias - hw_traits<H>::fraction_bits &&
    Fmt::emax <= hw_traits<H>::bias && Fmt::emin >= 1 - hw_traits<H>::bias &&
    (Fmt::has_subnormals || Fmt::emin > 1 - hw_traits<H>::bias);

// 2^e as H, for e in H's normal range.
template <class H>
FLOATLAB_HOST_DEVICE constexpr H hw_pow2(int e) noexcept {
  using T = hw_traits<H>;
  return bit_cast<H>(static_cast<typename T::word>(static_cast<typename T::word>(e + T::bias) << T::fraction_bits));
}

// Exact value of a pattern of Fmt as H (float or double), without branches. Subnormal patterns
// of a flush-to-zero format read as zero; NaN reads as H's quiet NaN.
template <class Fmt, class H>
FLOATLAB_HOST_DEVICE constexpr H decode_to(std::uint64_t bits64) noexcept {
  static_assert(fits_hw<Fmt, H>, "decode_to: the format's values must be exact in H");
  using T = hw_traits<H>;
  using U = typename T::word;
  constexpr int M = Fmt::fraction_bits, Q = T::fraction_bits, WU = bit_width_v<U>;
  const U bits = static_cast<U>(bits64);
  const U sign = static_cast<U>(static_cast<U>(bits & static_cast<U>(Fmt::sign_mask)) << (WU - Fmt::total_bits));
  const U field = static_cast<U>((bits & static_cast<U>(Fmt::exponent_mask)) >> M);
  // The magnitude bits moved into H's fields read as 2^(bias_H - bias) times the value, for
  // normal and subnormal patterns alike (a subnormal lands on H's subnormal grid, whose last
  // place 2^(1 - bias_H - Q) times 2^(Q - M) and the scale is the format's 2^(emin - M)); one
  // exact multiplication by a power of two rescales both. A flush-to-zero format's subnormal
  // patterns read as zero. No branch and no conditional floating-point operation (GCC would
  // not if-convert one under -ftrapping-math), so loops over arrays vectorize.
  U moved = static_cast<U>(static_cast<U>(bits & static_cast<U>(Fmt::magnitude_mask)) << (Q - M));
  if constexpr (!Fmt::has_subnormals) moved = field == 0 ? U{0} : moved;
  const U scaled = bit_cast<U>(static_cast<H>(bit_cast<H>(moved) * hw_pow2<H>(T::bias - Fmt::bias)));
  // Infinities and NaNs: H's all-ones exponent (and quiet bit) ORed in after the multiplication
  // (an infinity's scaled pattern is a power of two, so ORing gives H's infinity). Not a select:
  // GCC sinks a multiplication whose result one arm drops under a condition, and then does not
  // if-convert it (the multiplication may trap under -ftrapping-math).
  constexpr U h_inf = U{(U{1} << (WU - 1 - Q)) - 1} << Q;
  const bool nan = Fmt::has_nan && Fmt::is_nan(bits);
  const U special = (Fmt::has_inf && Fmt::is_inf(bits) ? h_inf : U{0}) | (nan ? static_cast<U>(h_inf | (U{1} << (Q - 1))) : U{0});
  const U r = (nan ? U{0} : sign) | scaled | special;  // floatlab's NaN is unsigned (fnuz's NaN pattern has the sign bit)
  return bit_cast<H>(r);
}

// Rounds x = s + t into Fmt in Mode, where t is 0 (err_sign == 0) or a nonzero amount of sign
// err_sign smaller than half an ulp of s (s = RN(x) in H, t from an error-free transform).
// Without branches. Preconditions: s is finite or an exact infinity/NaN of the operation
// (H's overflow is an infinity only in the nearest modes, where that is also the format's
// result: Fmt's range lies inside H's); an exact zero result carries its final sign.
// Normal = true: the caller guarantees |x| >= 2^emin unless x is 0, inf or NaN (square roots
// of formats with emin <= -M): the split is then at a constant place.
template <class Fmt, class Mode, class H, bool Normal = false>
FLOATLAB_HOST_DEVICE constexpr typename Fmt::storage encode_from(H s, int err_sign, std::uint32_t random_word) noexcept {
  static_assert(fits_hw<Fmt, H>, "encode_from: the format's range must lie inside H's");
  using T = hw_traits<H>;
  using U = typename T::word;
  using I = typename T::sword;
  using S = typename Fmt::storage;
  constexpr int W = bit_width_v<U>, Q = T::fraction_bits, p = Fmt::precision, M = Fmt::fraction_bits;
  constexpr U sign_bit = U{1} << (W - 1);
  const U b = bit_cast<U>(s);
  const bool negative = (b & sign_bit) != 0;
  const bool sticky = err_sign != 0;
  // |x| just below |s|: one unit of s's last place down, plus the sticky bit. s has Q + 1 >=
  // p + 2 bits, so no midpoint or grid point of Fmt lies strictly inside that unit.
  const U mag = static_cast<U>((b & ~sign_bit) - static_cast<U>(sticky & ((err_sign < 0) != negative)));
  const U field = mag >> Q;
  const U field_special = (U{1} << (W - 1 - Q)) - 1;
  // Exponent of bit Q of the significand (H subnormals: that of the smallest normal, no hidden bit).
  const I e0 = static_cast<I>(field == 0 ? U{1} : field) - T::bias;
  const U sig_left = static_cast<U>(((mag & ((U{1} << Q) - 1)) | (static_cast<U>(field != 0) << Q)) << (W - 1 - Q));
  // Discard W - p bits, and below the normal range as many more as the exponent is short of
  // emin (flush-to-zero formats round at full precision, then flush: round_pack's rule).
  const I short_of = Fmt::has_subnormals && !Normal ? (e0 < Fmt::emin ? Fmt::emin - e0 : I{0}) : I{0};
  const I k = (W - p) + (short_of < 2 * W ? short_of : I{2 * W});
  const split_parts<U> parts = split_discard<U>(sig_left, static_cast<int>(k), sticky);
  const bool up = round_up<Mode>(negative, static_cast<U>(parts.kept << (W - 1)) != 0, parts.rem, parts.sticky, random_word);
  // Fields concatenated: the hidden bit of a normal kept adds one to the exponent field, and
  // a carry out of the significand moves into the exponent by itself.
  const I lsb_field = Fmt::has_subnormals && !Normal ? (e0 < Fmt::emin ? I{0} : e0 - Fmt::emin) : e0 - Fmt::emin;
  const I magnitude = lsb_field * (I{1} << M) + static_cast<I>(parts.kept) + static_cast<I>(up);
  // The results, as words of width U, each computed without a condition: the sign is ORed in
  // as a word and the special encodings of rounding.hpp's pack_* are spelled as arithmetic
  // on it. Each candidate is then chosen by one select. Conditions inside the candidates (as
  // pack_inf(negative) has) let GCC's jump threading rebuild the chain into branches with
  // many-way joins, which its if-conversion does not undo; narrowing candidates to the
  // storage type makes it mix mask widths, which its vectorizer rejects.
  const U sgn = static_cast<U>(static_cast<U>(negative) << (Fmt::total_bits - 1));
  const U zero_r = Fmt::has_negative_zero ? sgn : U{0};
  const U nan_r = static_cast<U>(Fmt::nan_bits);
  const U inf_r = Fmt::has_inf     ? static_cast<U>(sgn | Fmt::inf_bits)
                  : Fmt::saturates ? static_cast<U>(sgn | Fmt::max_finite_bits)
                                   : nan_r;
  // pack_overflow: infinity where the mode says so (IEEE: the largest finite pattern + 1).
  U ovf_r = static_cast<U>(sgn | Fmt::max_finite_bits);
  if constexpr (!Fmt::saturates) {
    const bool to_inf = overflow_to_infinity<Mode>(negative);
    if constexpr (Fmt::has_inf)
      ovf_r = static_cast<U>(sgn | (Fmt::max_finite_bits + static_cast<U>(to_inf)));
    else
      ovf_r = to_inf ? nan_r : ovf_r;
  }
  U r = static_cast<U>(sgn | static_cast<U>(magnitude & static_cast<I>(Fmt::magnitude_mask)));
  if constexpr (Fmt::has_subnormals)
    r = magnitude <= 0 ? zero_r : r;  // < 0 only for a zero s with Normal
  else
    r = magnitude < (I{1} << M) ? zero_r : r;  // flush after rounding
  r = magnitude > static_cast<I>(Fmt::max_finite_bits) ? ovf_r : r;
  const bool special = field == field_special;
  const bool nan = special & ((mag & ((U{1} << Q) - 1)) != 0);
  r = special ? (nan ? nan_r : inf_r) : r;
  return static_cast<S>(r);
}

// ---- the bits encoder: encode_from's results by the rounding-bias trick, every mode ---------
//
// encode_bits<Fmt, Mode, H>(s, err_sign, w) returns encode_from<Fmt, Mode, H>(s, err_sign, w)
// (same preconditions) with fewer operations: no variable shift and no split in the normal
// range. Let a be |s|'s bits and a' = a - t, where t = 1 when the exact x lies below |s| in
// magnitude (err_sign against s's sign), else 0; sticky = err_sign != 0. Then |x| lies in
// [a', a' + 1 unit of H) and equals a' only when not sticky; s has Q + 1 >= p + 2 bits, so no
// grid point, midpoint or stochastic fraction boundary of Fmt (multiples of 2^(e - M - R)
// in the binade of 2^e, M + R <= Q) lies strictly inside that unit, and rounding |x| is rounding a' with the
// sticky bit (encode_from's own reduction). For a' >= 2^emin the format's fields are H's
// fields rebiased (A = a' - ((bias_H - bias) << Q), an integer whose low sh = Q - M bits are
// the discarded part), and each mode's rounding is one addition before the shift, the carry
// running into the exponent by itself (magnitude, with lsb = bit sh of A):
//   toward zero (and upward/downward on the truncating side)  A >> sh
//   away from zero (upward/downward on the other side)        (A + 2^sh - 1 + sticky) >> sh
//   nearest_away                                             (A + 2^(sh-1)) >> sh
//   nearest_even                                             (A + 2^(sh-1) - 1 + (sticky | lsb)) >> sh
//   odd                                                      (A >> sh) | (inexact)
//   stochastic<R>                                            (A + ((w >> (32 - R)) << (sh - R))) >> sh
// (the last is f + r >= 2^R of design.md: f, the R bits below the kept lsb, plus r carries
// into bit sh exactly then). Below 2^emin (formats with subnormals whose emin is above H's;
// where they are equal H's subnormal bits continue the same line and the formula above holds
// unchanged) the place of the kept lsb varies: the significand with its hidden bit is split
// there by variable shifts (AVX2 has them per lane) and round_up's rules are spelled on the
// words (integer operations only; a float addition onto the subnormal grid, tried first,
// was 5-10% slower in vectorized loops).
// Overflow is a rounded magnitude above the largest finite pattern (rounding is monotone in
// a'), resolved as pack_overflow does; flush-to-zero formats flush a rounded magnitude below
// 2^M (rounding at full precision first, as round_pack). Choices by masks, as in
// encode_float_nearest_bits. Tested against encode_from by test_encode_bits (every float for
// 8- and 16-bit formats in [full]; CI: a sample and every boundary, floats and doubles).
template <class Fmt, class H>
inline constexpr bool bits_encoder_domain =
    fits_hw<Fmt, H> && Fmt::fraction_bits >= 1 && Fmt::fraction_bits + 2 <= hw_traits<H>::fraction_bits;
template <class Fmt, class Mode, class H>
inline constexpr bool bits_encoder_ok =
    bits_encoder_domain<Fmt, H> &&
    (!is_stochastic_v<Mode> ||
     Fmt::fraction_bits + stochastic_bits_v<Mode> <= hw_traits<H>::fraction_bits);

// A shift count outside [0, W - 1] as W - 1, by a mask (nested selects would become branches
// after GCC's jump threading, which its vectorizer then rejects).
template <class I, int W>
FLOATLAB_HOST_DEVICE constexpr I clamp_shift(I x) noexcept {
  const I out = I{0} - static_cast<I>((x < 0) | (x > W - 1));
  return (x & ~out) | (I{W - 1} & out);
}

// The body of encode_bits with the error given as two words: sticky (1 where the exact x
// differs from s, else 0) and err_neg (1 where x - s < 0; read only where sticky is 1).
template <class Fmt, class Mode, class H, bool Normal = false>
FLOATLAB_HOST_DEVICE constexpr typename Fmt::storage encode_bits_words(H s, typename hw_traits<H>::word sticky,
                                                                       typename hw_traits<H>::word err_neg,
                                                                       std::uint32_t random_word) noexcept {
  static_assert(bits_encoder_ok<Fmt, Mode, H>, "encode_bits: format or mode outside its domain");
  using T = hw_traits<H>;
  using U = typename T::word;
  using I = typename T::sword;
  constexpr int W = bit_width_v<U>, Q = T::fraction_bits, M = Fmt::fraction_bits, sh = Q - M;
  constexpr U one = 1;
  constexpr U sign_bit = one << (W - 1), h_inf = ((one << (W - 1 - Q)) - 1) << Q;
  constexpr U low_mask = (one << sh) - 1, half = one << (sh - 1);
  const U b = bit_cast<U>(s);
  const U negative = b >> (W - 1);  // 0 or 1
  const U a = b & ~sign_bit;
  const U t = sticky & (err_neg ^ negative);
  const U ap = a - t;
  const U neg_m = U{0} - negative;  // all ones for a negative s
  // Which side each mode rounds the magnitude to (a mask per lane for upward/downward).
  constexpr bool is_up = std::is_same_v<Mode, round::upward>, is_down = std::is_same_v<Mode, round::downward>;
  U away_m = 0;  // all ones where the magnitude rounds away from zero (directed modes)
  if constexpr (is_up) away_m = ~neg_m;
  if constexpr (is_down) away_m = neg_m;
  // Normal range: rebiased bits (wrapping; lanes below 2^emin are replaced or flushed).
  constexpr U rebias = static_cast<U>(static_cast<U>(T::bias - Fmt::bias) << Q);
  const U A = ap - rebias;
  U mag;
  if constexpr (std::is_same_v<Mode, round::toward_zero>) {
    mag = A >> sh;
  } else if constexpr (is_up || is_down) {
    mag = (A + (away_m & (low_mask + sticky))) >> sh;
  } else if constexpr (std::is_same_v<Mode, round::nearest_away>) {
    mag = (A + half) >> sh;
  } else if constexpr (std::is_same_v<Mode, round::nearest_even>) {
    mag = (A + (half - 1) + (sticky | ((A >> sh) & 1))) >> sh;
  } else if constexpr (std::is_same_v<Mode, round::odd>) {
    mag = (A >> sh) | sticky | static_cast<U>((A & low_mask) != 0);
  } else {
    constexpr int R = Mode::bits;
    mag = (A + (static_cast<U>(random_word >> (32 - R)) << (sh - R))) >> sh;
  }
  constexpr bool sub_path = Fmt::has_subnormals && !Normal && Fmt::emin > 1 - T::bias;
  // Lanes whose rebiased field went below zero: their magnitude is 0 before any rounding
  // can reach 2^M (A + the addend <= 2^sh - 1), so they are zero (or replaced below).
  U m_low = U{0} - static_cast<U>(static_cast<I>(A) < 0);
  if constexpr (sub_path) {
    // Below 2^emin: the significand with its hidden bit, sig = |a'| / 2^(e - Q), rounded at
    // the variable place k = sh + (emin - e) (H subnormals: e of H's smallest normal, no
    // hidden bit): round_up's decision spelled on words, as encode_from's split. Shift counts
    // are clamped to [0, W - 1]: sig < 2^(Q+1) <= 2^(W-1), so a count of W - 1 discards all of
    // it, as every larger count does (lanes outside this range are replaced below).
    constexpr I min_field = Fmt::emin + T::bias;
    const U m_sub = U{0} - static_cast<U>(static_cast<I>(ap) < (min_field << Q));
    const I field = static_cast<I>(ap >> Q);
    const U sig = (ap & ((one << Q) - 1)) | (static_cast<U>(field != 0) << Q);
    const I k = sh + min_field - (field | static_cast<I>(field == 0));  // field >= 0
    const I kc = clamp_shift<I, W>(k);
    const U kept = sig >> kc;
    const U rem = sig - (kept << kc);  // (not sig & ((1 << kc) - 1): GCC 12 does not vectorize a constant shifted by a 64-bit lane count)
    const U inexact = static_cast<U>(rem != 0) | sticky;
    U sm;
    if constexpr (std::is_same_v<Mode, round::toward_zero>) {
      sm = kept;
    } else if constexpr (is_up || is_down) {
      sm = kept + (inexact & away_m);
    } else if constexpr (std::is_same_v<Mode, round::nearest_away> || std::is_same_v<Mode, round::nearest_even>) {
      // The round bit (the first discarded one; k >= sh + 1 >= 1 in this range) and below it.
      const I k1 = clamp_shift<I, W>(k - 1);
      const U above_round = sig >> k1;
      const U round_bit = above_round & 1;
      if constexpr (std::is_same_v<Mode, round::nearest_away>) {
        sm = kept + round_bit;
      } else {
        const U below = static_cast<U>((sig - (above_round << k1)) != 0);
        sm = kept + (round_bit & (below | sticky | (kept & 1)));
      }
    } else if constexpr (std::is_same_v<Mode, round::odd>) {
      sm = kept | inexact;
    } else {
      constexpr int R = Mode::bits;
      const U f = (sig >> clamp_shift<I, W>(k - R)) & ((one << R) - 1);  // the R bits below the kept lsb
      sm = kept + ((f + static_cast<U>(random_word >> (32 - R))) >> R);
    }
    mag = (mag & ~m_sub) | (sm & m_sub);
    m_low &= ~m_sub;
  }
  // Results as words, chosen by masks (see encode_from and encode_float_nearest_bits). The
  // comparisons are signed (every value compared is below 2^(W-1)): AVX2 compares 64-bit
  // lanes only as signed integers.
  const U sgn = static_cast<U>(negative << (Fmt::total_bits - 1));
  const U zero_r = Fmt::has_negative_zero ? sgn : U{0};
  constexpr U nan_r = static_cast<U>(Fmt::nan_bits);
  const U inf_r = Fmt::has_inf ? static_cast<U>(sgn | Fmt::inf_bits) : Fmt::saturates ? static_cast<U>(sgn | Fmt::max_finite_bits) : nan_r;
  U ovf_r = static_cast<U>(sgn | Fmt::max_finite_bits);
  if constexpr (!Fmt::saturates) {
    // pack_overflow: infinity (or NaN) where the mode rounds away from zero.
    U to_inf_m = ~U{0};
    if constexpr (std::is_same_v<Mode, round::toward_zero> || std::is_same_v<Mode, round::odd>) to_inf_m = 0;
    if constexpr (is_up || is_down) to_inf_m = away_m;
    if constexpr (Fmt::has_inf)
      ovf_r = static_cast<U>(sgn | (Fmt::max_finite_bits + (to_inf_m & 1)));
    else
      ovf_r = (ovf_r & ~to_inf_m) | (nan_r & to_inf_m);
  }
  // The NaN-at-all-ones formats without infinities (e4m3): NaN is the largest finite pattern + 1.
  constexpr bool nan_above_max = !Fmt::has_inf && Fmt::special == encoding::specials::nan_at_all_ones &&
                                 static_cast<U>(Fmt::nan_bits) == static_cast<U>(Fmt::max_finite_bits) + 1;
  constexpr bool short_tail = (Fmt::has_inf || nan_above_max) && !Fmt::saturates && Fmt::has_subnormals &&
                              Fmt::has_negative_zero && (sub_path || rebias == 0);
  if constexpr (short_tail) {
    // IEEE-like formats (binary16, bfloat16, e5m2, cfloat<6,9>) and e4m3: fewer selects. m_low is 0 in
    // every lane here (sub_path: a lane with A < 0 has ap < rebias < 2^emin's bits, a sub lane;
    // rebias = 0: A = ap >= 0, since t = 1 needs |s| > 0). A zero magnitude needs no select (sgn
    // | 0 is the signed zero). Overflow: the largest finite pattern plus one (infinity) where the
    // mode rounds away, else the largest finite: that bound is min(mag, bound) in every lane
    // (mag > the largest finite pattern exactly where it overflows). Infinite s (a = H's
    // infinity; mag ORed with all ones, as a' may be one below it): the bound with one added,
    // the infinity.
    U to_inf_m = ~U{0};
    if constexpr (std::is_same_v<Mode, round::toward_zero> || std::is_same_v<Mode, round::odd>) to_inf_m = 0;
    if constexpr (is_up || is_down) to_inf_m = away_m;
    const U m_inf = U{0} - static_cast<U>(static_cast<I>(a) >= static_cast<I>(h_inf));
    if constexpr (Fmt::has_inf) {
      const U bound = static_cast<U>(Fmt::max_finite_bits) + ((to_inf_m | m_inf) & 1);
      const U m_nan = U{0} - static_cast<U>(static_cast<I>(a) > static_cast<I>(h_inf));
      const U mag_i = mag | m_inf;
      U r = sgn | (mag_i < bound ? mag_i : bound);
      r = (r & ~m_nan) | (nan_r & m_nan);
      return static_cast<typename Fmt::storage>(r);
    } else {
      // Without infinities: an overflow that rounds away is NaN (the bound itself, unsigned),
      // and so are infinite and NaN s.
      const U bound = static_cast<U>(Fmt::max_finite_bits) + (to_inf_m & 1);
      const U mag_c = mag < bound ? mag : bound;
      const U m_nan = m_inf | (U{0} - static_cast<U>(mag_c == nan_r));
      U r = sgn | mag_c;
      r = (r & ~m_nan) | (nan_r & m_nan);
      return static_cast<typename Fmt::storage>(r);
    }
  }
  U m_zero = m_low;
  if constexpr (Fmt::has_subnormals)
    m_zero |= U{0} - static_cast<U>(mag == 0);
  else
    m_zero |= U{0} - static_cast<U>(static_cast<I>(mag) < (I{1} << M));
  const U m_ovf = ~m_low & (U{0} - static_cast<U>(static_cast<I>(mag) > static_cast<I>(Fmt::max_finite_bits)));
  const U m_special = U{0} - static_cast<U>(static_cast<I>(a) >= static_cast<I>(h_inf));
  const U m_nan = U{0} - static_cast<U>(static_cast<I>(a) > static_cast<I>(h_inf));
  U r = sgn | (mag & static_cast<U>(Fmt::magnitude_mask));
  r = (r & ~m_zero) | (zero_r & m_zero);
  r = (r & ~m_ovf) | (ovf_r & m_ovf);
  r = (r & ~m_special) | (inf_r & m_special);
  r = (r & ~m_nan) | (nan_r & m_nan);
  return static_cast<typename Fmt::storage>(r);
}

template <class Fmt, class Mode, class H, bool Normal = false>
FLOATLAB_HOST_DEVICE constexpr typename Fmt::storage encode_bits(H s, int err_sign, std::uint32_t random_word) noexcept {
  using U = typename hw_traits<H>::word;
  using I = typename hw_traits<H>::sword;
  // err_sign as a word (0, 1 or all ones): integer operations only, no comparisons of it
  // (GCC 12 would not vectorize those mixed with the float lanes).
  const U es = static_cast<U>(static_cast<I>(err_sign));
  return encode_bits_words<Fmt, Mode, H, Normal>(s, es & 1, es >> (bit_width_v<U> - 1), random_word);
}

// encode_bits with the error as the bits e of an H value: its sign bit is that of x - s, and
// its magnitude bits are nonzero exactly where x != s (e.g. a TwoSum error term, a residual,
// or one of the operands; NaN where s is infinite or NaN does not matter: those lanes are
// replaced by the specials).
template <class Fmt, class Mode, class H, bool Normal = false>
FLOATLAB_HOST_DEVICE constexpr typename Fmt::storage encode_bits_e(H s, typename hw_traits<H>::word e, std::uint32_t random_word) noexcept {
  using U = typename hw_traits<H>::word;
  constexpr int W = bit_width_v<U>;
  constexpr U sign_bit = U{1} << (W - 1);
  return encode_bits_words<Fmt, Mode, H, Normal>(s, static_cast<U>((e & ~sign_bit) != 0), e >> (W - 1), random_word);
}

// The encoder the fast paths call: encode_bits where it applies in the deterministic modes,
// and in stochastic<4> and stochastic<8> where it needs no subnormal split (sub_path: formats whose
// subnormal range is H's or that have none, e.g. every float-domain encode); else
// encode_from. encode_bits is branch-free, which pays where a loop vectorizes (binary16
// directed add 1.1-1.2x, bfloat16 toward-zero mul 1.3x in a user's loop at -O3
// -march=x86-64-v3; a word_stream loop of stochastic<8> binary16 + 1.9x on the AVX-512
// machine of docs/performance.md, tenth session), but executes every case's instructions in
// scalar code, where GCC compiles encode_from's selects into well-predicted branches. A loop
// over stochastic operators with thread_rng() or philox_rng is scalar (their refill is a
// branch): there encode_bits without the subnormal split ran at the same speed as
// encode_from (bench_peers, tenth session), with the split (sqrt_d in double lanes) 0.6-0.7x,
// so stochastic modes take it only without the split. Other R stay on encode_from:
// test_encode_bits proves the stochastic encoder for R = 4 and 8 only. (A split form, the
// normal-range formula with encode_bits under a rarely taken branch, made scalar loops 1.6x
// faster than encode_from, but vectorized loops 0.85-1.0x of this one: not taken.)
template <class Fmt, class Mode, class H>
inline constexpr bool stochastic_bits_encoder_ok =
    (stochastic_bits_v<Mode> == 4 || stochastic_bits_v<Mode> == 8) &&
    (!Fmt::has_subnormals || Fmt::emin <= 1 - hw_traits<H>::bias);
template <class Fmt, class Mode, class H, bool Normal = false>
FLOATLAB_HOST_DEVICE constexpr typename Fmt::storage encode_fast(H s, int err_sign, std::uint32_t random_word) noexcept {
  if constexpr (bits_encoder_ok<Fmt, Mode, H> && (!is_stochastic_v<Mode> || (!Normal && stochastic_bits_encoder_ok<Fmt, Mode, H>)))
    return encode_bits<Fmt, Mode, H, Normal>(s, err_sign, random_word);
  else
    return encode_from<Fmt, Mode, H, Normal>(s, err_sign, random_word);
}

// ---- the float domain: a format's own fields in binary32's ---------------------------------
//
// float_domain<Fmt> is Fmt with binary32's bias (127): the same bit patterns, every value
// scaled by 2^k, k = Fmt::bias - 127 (k <= 0 for E <= 8). Rounding in any mode commutes
// with that scaling (every grid point, midpoint, stochastic fraction boundary, the subnormal
// quantum and the overflow threshold scale alike), so round_Fmt(x) and round_FD(x 2^k) are
// the same pattern. In the float domain the format's subnormal range is binary32's (emin =
// -126): the bits encoder needs no variable shifts there (sub_path below) and no rebias, and
// decode_to is the pattern moved into binary32's fields (its scale factor is 1).
//   add: the float TwoSum path on float-domain operands (add_d<float_domain<Fmt>, Mode,
//     float>): sums of float-domain values never overflow (|x + y| < 2^(emax + 2 + k) <=
//     2^1) and TwoSum is exact with gradual underflow, so twosum_float_add_ok holds for
//     the float domain of every format in fits_hw<Fmt, float> with E <= 7.
//   * / fma sqrt: computed unscaled (the float TwoSum / double path's argument), then s and the
//     sign of the error narrowed into the float domain by encode_narrow below.
template <class Fmt>
struct float_domain : Fmt {
  static constexpr int bias = 127;
  static constexpr int emin = 1 - bias;
  static constexpr int emax = (Fmt::max_finite_bits >> Fmt::fraction_bits) == 0
                                  ? emin - 1
                                  : static_cast<int>(Fmt::max_finite_bits >> Fmt::fraction_bits) - bias;
};
// Where the float domain differs from the format and pays: 2 <= E <= 7 (bias < 127; E = 1 has
// k = -127, and 2^k is no normal binary32), subnormals
// (ftz formats have no sub_path to remove), and the bits encoder's domain.
template <class Fmt>
inline constexpr bool float_domain_ok = Fmt::has_subnormals && Fmt::exponent_bits >= 2 && Fmt::exponent_bits <= 7 && fits_hw<Fmt, float> &&
                                        fits_hw<float_domain<Fmt>, float> && bits_encoder_domain<Fmt, float>;

// ---- the float path: round::nearest_even, p <= 11, E <= 8 -----------------------------------

template <class Fmt, class Mode>
inline constexpr bool float_path_ok = std::is_same_v<Mode, round::nearest_even> && Fmt::precision <= 11 &&
                                      Fmt::exponent_bits <= 8 && fits_hw<Fmt, float>;
template <class Fmt, class Mode>
inline constexpr bool float_mul_ok = float_path_ok<Fmt, Mode> && (Fmt::exponent_bits <= 7 || Fmt::precision <= 8);

// binary16 itself: F16C conversions (vcvtph2ps / vcvtps2ph, through the compiler's _Float16),
// exact one way and IEEE round-to-nearest-even the other. NaNs become floatlab's one NaN.
template <class Fmt>
inline constexpr bool is_binary16 = Fmt::exponent_bits == 5 && Fmt::fraction_bits == 10 &&
                                    Fmt::special == encoding::specials::ieee && Fmt::has_subnormals;

// On the GPU the same two conversions are PTX cvt instructions (cvt.f32.f16 exact,
// cvt.rn.f16.f32 IEEE nearest even; bfloat16: cvt.rn.bf16.f32 on sm_80 and later), proven
// equal to the integer kernels over every pair of operands by tests/cuda/tensor_kernels.cu.
template <class Fmt>
inline constexpr bool is_bfloat16 = Fmt::exponent_bits == 8 && Fmt::fraction_bits == 7 &&
                                    Fmt::special == encoding::specials::ieee && Fmt::has_subnormals;

template <class Fmt>
FLOATLAB_HOST_DEVICE float decode_float(std::uint64_t bits) noexcept {
#if FLOATLAB_DEVICE_PASS
  if constexpr (is_binary16<Fmt>) {
    float f;
    asm("cvt.f32.f16 %0, %1;" : "=f"(f) : "h"(static_cast<unsigned short>(bits)));
    return f;
  }
#endif
#if FLOATLAB_HAVE_F16C_FLOAT16
  if constexpr (is_binary16<Fmt>) {
    const float f = static_cast<float>(bit_cast<half_t>(static_cast<std::uint16_t>(bits)));
    return f;  // a NaN stays a NaN; its payload does not matter (encoding canonicalizes)
  }
#endif
  return decode_to<Fmt, float>(bits);
}

// float -> Fmt in nearest-even by integer arithmetic on the float's bits (the standard
// rounding-bias trick, e.g. F. Giesen's float_to_half; one float addition for the subnormal
// range), for formats with subnormals, IEEE or all-ones-NaN specials, inside float's range:
// binary16, bfloat16, e5m2, e4m3, cfloat<6,9>. Fewer operations than the general encoder
// (encode_from), which every other case keeps; test_fast_paths_ops "the float-to-format
// nearest encoder" compares the two on every float ([full]) / a sample and the edges (CI).
//   normal range:  add the rebias and half an ulp less one (plus the kept lsb: ties to even)
//                  to the bits, shift: the carry moves into the exponent by itself;
//   below 2^emin:  |s| + 2^(emin - M + 23) rounds |s| once, in the hardware's nearest even,
//                  onto the format's subnormal grid (that sum's ulp is 2^(emin - M)); its
//                  bits minus the constant's are the pattern (2^M: the smallest normal);
//   from the midpoint above the largest finite value (included when that value's last bit
//   is odd): the overflow of nearest (infinity, NaN, or the largest finite when saturating).
template <class Fmt>
inline constexpr bool float_bits_encoder_ok = Fmt::has_subnormals && fits_hw<Fmt, float> && Fmt::fraction_bits >= 1 &&
                                              Fmt::fraction_bits <= 22 &&
                                              (Fmt::special == encoding::specials::ieee ||
                                               Fmt::special == encoding::specials::nan_at_all_ones);

template <class Fmt>
FLOATLAB_HOST_DEVICE constexpr typename Fmt::storage encode_float_nearest_bits(float s) noexcept {
  static_assert(float_bits_encoder_ok<Fmt>, "encode_float_nearest_bits: format outside its domain");
  constexpr int M = Fmt::fraction_bits, sh = 23 - M;
  constexpr std::uint32_t min_normal_f = static_cast<std::uint32_t>(Fmt::emin + 127) << 23;
  // The largest finite value's bits as a float, then the midpoint above it.
  constexpr std::uint32_t max_f = (static_cast<std::uint32_t>(Fmt::max_finite_bits >> M) - Fmt::bias + 127) << 23 |
                                  static_cast<std::uint32_t>(Fmt::max_finite_bits & Fmt::fraction_mask) << sh;
  constexpr std::uint32_t mid_f = max_f + (std::uint32_t{1} << (sh - 1));
  constexpr bool max_odd = (Fmt::max_finite_bits & 1u) != 0;
  constexpr std::uint32_t ovf_from = max_odd ? mid_f : mid_f + 1;  // |s| bits >= this: overflow
  const std::uint32_t u = bit_cast<std::uint32_t>(s);
  const std::uint32_t a = u & 0x7FFFFFFFu;
  const std::uint32_t sgn = (u >> 31) << (Fmt::total_bits - 1);
  // Normal range (rebias: the exponent field moves by bias - 127, in wrapping arithmetic).
  const std::uint32_t odd = (a >> sh) & 1u;
  const std::uint32_t normal = (a - (static_cast<std::uint32_t>(127 - Fmt::bias) << 23) + ((std::uint32_t{1} << (sh - 1)) - 1u) + odd) >> sh;
  // Subnormal range: one float addition, computed for every input (no conditional
  // floating-point operation: loops stay vectorizable; inf + c and NaN + c raise nothing).
  constexpr float c = hw_pow2<float>(Fmt::emin - M + 23);
  const std::uint32_t sub = bit_cast<std::uint32_t>(bit_cast<float>(a) + c) - bit_cast<std::uint32_t>(c);
  constexpr std::uint32_t ovf_r = Fmt::has_inf ? static_cast<std::uint32_t>(Fmt::inf_bits)
                                  : Fmt::saturates ? static_cast<std::uint32_t>(Fmt::max_finite_bits)
                                                   : 0u;
  const std::uint32_t ovf = Fmt::has_inf || Fmt::saturates ? (sgn | ovf_r) : static_cast<std::uint32_t>(Fmt::nan_bits);
  // The choices as masks (0 or all ones), not selects: GCC's jump threading turns these
  // selects into branches, which its vectorizer then rejects.
  const std::uint32_t m_sub = 0u - static_cast<std::uint32_t>(a < min_normal_f);
  const std::uint32_t m_ovf = 0u - static_cast<std::uint32_t>(a >= ovf_from);
  const std::uint32_t m_nan = 0u - static_cast<std::uint32_t>(a > 0x7F800000u);
  std::uint32_t r = sgn | (sub & m_sub) | (normal & ~m_sub);
  r = (r & ~m_ovf) | (ovf & m_ovf);
  r = (r & ~m_nan) | (static_cast<std::uint32_t>(Fmt::nan_bits) & m_nan);
  return static_cast<typename Fmt::storage>(r);
}

template <class Fmt>
FLOATLAB_HOST_DEVICE typename Fmt::storage encode_float_nearest(float s) noexcept {
#if FLOATLAB_DEVICE_PASS
  constexpr bool device_cvt = is_binary16<Fmt>
#if __CUDA_ARCH__ >= 800
                              || is_bfloat16<Fmt>
#endif
      ;
  if constexpr (device_cvt) {
    unsigned short h;
    if constexpr (is_binary16<Fmt>)
      asm("cvt.rn.f16.f32 %0, %1;" : "=h"(h) : "f"(s));
    else
      asm("cvt.rn.bf16.f32 %0, %1;" : "=h"(h) : "f"(s));
    const bool nan = s != s;  // the hardware's NaN -> floatlab's NaN
    return static_cast<typename Fmt::storage>(nan ? static_cast<unsigned short>(Fmt::nan_bits) : h);
  }
#endif
#if FLOATLAB_HAVE_F16C_FLOAT16
  if constexpr (is_binary16<Fmt>) {
    const auto h = static_cast<std::uint32_t>(bit_cast<std::uint16_t>(static_cast<half_t>(s)));
    // NaN -> floatlab's NaN by masks, not a select of h (GCC would sink the conversion under it).
    const bool nan = s != s;
    return static_cast<typename Fmt::storage>((h & (nan ? 0u : 0xFFFFu)) | (nan ? static_cast<std::uint32_t>(Fmt::nan_bits) : 0u));
  }
#endif
  if constexpr (float_bits_encoder_ok<Fmt>)
    return encode_float_nearest_bits<Fmt>(s);
  else
    return encode_from<Fmt, round::nearest_even, float>(s, 0, 0);
}

// IEEE square root. Under -fmath-errno (the default) GCC guards __builtin_sqrtf with a call
// to sqrtf for errno, a branch in every loop; the SSE instruction has no errno (floatlab
// handles negative operands itself: the NaN result). With -fno-math-errno the builtin
// vectorizes, so it is used then.
FLOATLAB_HOST_DEVICE float sqrt_f(float a) noexcept {
#if FLOATLAB_DEVICE_PASS
  return ::sqrtf(a);
#elif defined(__SSE__) && !defined(__NO_MATH_ERRNO__)
  return _mm_cvtss_f32(_mm_sqrt_ss(_mm_set_ss(a)));
#else
  return __builtin_sqrtf(a);
#endif
}

template <class Fmt>
FLOATLAB_HOST_DEVICE typename Fmt::storage add_f(std::uint64_t a, std::uint64_t b) noexcept {
  return encode_float_nearest<Fmt>(decode_float<Fmt>(a) + decode_float<Fmt>(b));
}
template <class Fmt>
FLOATLAB_HOST_DEVICE typename Fmt::storage mul_f(std::uint64_t a, std::uint64_t b) noexcept {
  return encode_float_nearest<Fmt>(decode_float<Fmt>(a) * decode_float<Fmt>(b));
}
template <class Fmt>
FLOATLAB_HOST_DEVICE typename Fmt::storage div_f(std::uint64_t a, std::uint64_t b) noexcept {
  return encode_float_nearest<Fmt>(decode_float<Fmt>(a) / decode_float<Fmt>(b));
}
template <class Fmt>
FLOATLAB_HOST_DEVICE typename Fmt::storage sqrt_f(std::uint64_t a) noexcept {
  // sqrt(x) >= sqrt(2^(emin - M)) >= 2^emin when emin <= -M: no subnormal results.
  constexpr bool normal = Fmt::emin <= -Fmt::fraction_bits;
  return encode_from<Fmt, round::nearest_even, float, normal>(sqrt_f(decode_float<Fmt>(a)), 0, 0);
}

// ---- the Newton square root: p <= 11, values exact in double, every deterministic mode -----
//
// Why not the hardware instruction: under GCC's default -fmath-errno a sqrt builtin keeps an
// errno call for negative operands (a branch), so no loop over arrays holding one vectorizes,
// whatever the caller wraps around it (an optimize("no-math-errno") attribute is lost on
// inlining). Only + - * and integer operations are used here, and they vectorize.
//
// Claim: for x a value of a format with p <= 11 and y any double with |y - sqrt(x)| <=
// 2^-30 sqrt(x), RN_fmt(y) = RN_fmt(sqrt(x)), where RN_fmt is the format's round to nearest
// (even), subnormal grid and overflow included. Proof: every point where the rounding
// changes (a midpoint between two neighbours, on the normal or the subnormal grid) is
// b = B 2^k with B < 2^(p+1) an integer. x = D 2^e with D < 2^p an integer. sqrt(x) = b is
// impossible: b^2 would need more than p significant bits when B is odd (B^2 is odd and >=
// 2^p unless B = 1, and x = 2^(2k) is a grid point, not a midpoint, of a format with p >= 2;
// p = 1 formats have no midpoints but powers of two, which are exact sqrt results and on the
// grid). Otherwise |sqrt(x) - b| = |x - b^2| / (sqrt(x) + b), x - b^2 is a nonzero multiple
// of 2^min(e, 2k), and with b/2 <= sqrt(x) <= 2b (else the distance exceeds b/2) the
// denominator is at most 3b: for 2k <= e the distance is >= 2^(2k) / (3b) >= b 2^(-2p-4)
// (b^2 < 2^(2p+2+2k)); for e < 2k, b^2 <= 4x < 2^(p+e+2) gives >= 2^e / (3b) > b 2^(-p-4).
// So every such b is more than 2^(-2p-4) b >= 2^-26 b away from sqrt(x), and y, within
// 2^-30 sqrt(x) <= 2^-29 b of it, lies strictly on the same side of every b: both round to
// the same neighbour.
// The approximation: 1/sqrt(x) from the exponent halved in the bit pattern (Lomont, "Fast
// inverse square root", 2003: relative error < 0.0343 for the constant 0x5FE6EB50C7B537A9),
// then three Newton steps r <- r (3/2 - (x/2) r^2), each squaring the relative error times
// 3/2 (0.0343 -> 1.8e-3 -> 4.7e-6 -> 3.4e-11), plus a few units of 2^-53 from rounding;
// y = x r. The error depends only on the significand of x and the parity of its exponent
// (no intermediate is subnormal or overflows for E <= 9: |r| <= 2^(2^(E-1) + p)), so
// test_fast_paths' "Newton square root error" case checks the bound on every double
// significand of up to 11 bits at both parities, and test_fast_paths proves the bits against
// the integer kernels on every pattern of every format of the domain it lists.
// The same argument holds for the grid points themselves (B < 2^p), the boundaries of the
// directed modes and round::odd, except when sqrt(x) is one (an exact root): there y may lie
// on either side of it. So y is first checked for being an exact root: g = y with its
// significand rounded to 13 bits (within 2^-30 of an exact root of <= 11 bits, g is that
// root; any other g is a mere candidate, not a result), and x == g*g (exact in double:
// g*g has <= 26 bits) makes g the value to round. Otherwise y, which has no grid point or
// midpoint between itself and sqrt(x) and is on none, rounds like sqrt(x) in every
// deterministic mode (the inexact flag too). The one rounding is the encoder's round_up.
// Stochastic rounding needs R more correct bits of sqrt(x): for R = 4 and 8, sqrt_fs
// (double_path.hpp) checks the candidate of p + R bits the same way; other R take the double
// path (hardware sqrt).
template <class Fmt, class Mode>
inline constexpr bool sqrt_newton_ok = Fmt::precision <= 11 && Fmt::exponent_bits <= 9 && fits_hw<Fmt, double> &&
                                       !is_stochastic_v<Mode>;

// y with |y - sqrt(x)| <= 2^-30 sqrt(x) for normal x > 0 with |log2 x| < 300; exactly
// sqrt(x) for x = +-0 and +inf; NaN for NaN and x < 0. No branches, no select of a value
// computed only for one arm (GCC would sink the computation and not if-convert it).
FLOATLAB_HOST_DEVICE constexpr double sqrt_newton(double x) noexcept {
  using U = std::uint64_t;
  constexpr U sign_bit = U{1} << 63, inf_bits = U{0x7FF0000000000000}, qnan_bits = U{0x7FF8000000000000};
  const U xb = bit_cast<U>(x);
  const U mag = xb & ~sign_bit;
  double r = bit_cast<double>(static_cast<U>(U{0x5FE6EB50C7B537A9} - (mag >> 1)));
  const double h = 0.5 * x;
  r = r * (1.5 - h * r * r);
  r = r * (1.5 - h * r * r);
  r = r * (1.5 - h * r * r);
  const U yb = bit_cast<U>(x * r);
  const U keep_x = U{0} - static_cast<U>((mag == 0) | (xb == inf_bits));             // +-0, +inf: sqrt(x) = x
  const U nan = U{0} - static_cast<U>((mag > inf_bits) | (((xb & sign_bit) != 0) & (mag != 0)));  // NaN, x < 0
  return bit_cast<double>(static_cast<U>((yb & ~(keep_x | nan)) | (xb & keep_x) | (qnan_bits & nan)));
}

template <class Fmt, class Mode>
FLOATLAB_HOST_DEVICE typename Fmt::storage sqrt_n(std::uint64_t a, std::uint32_t w) noexcept {
  static_assert(sqrt_newton_ok<Fmt, Mode>, "sqrt_n: p <= 11, E <= 9, deterministic modes");
  constexpr bool normal = Fmt::emin <= -Fmt::fraction_bits;  // no subnormal results (sqrt_f)
  const double x = decode_to<Fmt, double>(a);
  double s = sqrt_newton(x);
  if constexpr (!std::is_same_v<Mode, round::nearest_even> && !std::is_same_v<Mode, round::nearest_away>) {
    using U = std::uint64_t;
    const U yb = bit_cast<U>(s);
    const double g = bit_cast<double>(static_cast<U>((yb + (U{1} << 39)) & ~((U{1} << 40) - 1)));  // exact-root candidate
    const U exact = U{0} - static_cast<U>(g * g == x);  // +-0 and +inf: g = y = x; NaN: false, s stays NaN
    s = bit_cast<double>(static_cast<U>((yb & ~exact) | (bit_cast<U>(g) & exact)));
  }
  return encode_fast<Fmt, Mode, double, normal>(s, 0, w);
}

}  // namespace floatlab::detail
