// floatlab/rounding.hpp: rounding-mode tags and THE rounding core.
//
// Every operation in floatlab computes its exact result, or an exact truncation plus a
// sticky bit, as (sign, exponent, integer significand) and hands it to round_pack(),
// which alone deals with the normal/subnormal range, overflow, flushing and the mode.
// Nothing rounds twice.
#pragma once

#include "config.hpp"
#include "detail/ieee_bits.hpp"
#include "format.hpp"
#include "status.hpp"

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

// The stochastic carry (design.md): f, the first R bits of the discarded fraction, plus the
// R high bits of the random word, carries one unit into the kept bits iff the sum reaches
// 2^R. U is the lane type (32 bits suffice for R < 32, which doubles the SIMD width of the
// quantizers' fast paths); this is the only place the carry is written.
template <int R, class U>
FLOATLAB_HOST_DEVICE constexpr U stochastic_carry(U f, std::uint32_t random_word) noexcept {
  static_assert(R >= 1 && R <= 32, "stochastic_carry: R must be in 1..32");
  static_assert(std::is_unsigned_v<U> && (R < 32 || sizeof(U) >= 8), "stochastic_carry: U must hold f + r < 2^(R+1)");
  return static_cast<U>((f + static_cast<U>(random_word >> (32 - R))) >> R);
}

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
    // inexact and not odd, spelled on unsigned: as `inexact & !kept_odd` GCC 12 makes a select
    // between booleans of it, which its vectorizer rejects (the loops of the fast paths).
    return (static_cast<unsigned>(inexact) & ~static_cast<unsigned>(kept_odd)) != 0;
  } else {
    constexpr int R = Mode::bits;
    return stochastic_carry<R>(static_cast<std::uint64_t>(rem >> (W - R)), random_word) != 0;
  }
}

// The split, written once and without branches (the SIMD-friendly encoders of the fast paths,
// detail/float_path.hpp, call it too): sig is a W-bit significand; the k >= 0 low bits are
// discarded (k may exceed W; k = 0 keeps everything). kept = sig >> k, rem = the discarded bits left-aligned in a
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

// Split and decide: the integer |value| * 2^-shift rounded in Mode, and whether it was
// inexact. Every rounding in floatlab (round_pack, round_to_integer, the integer
// conversions) is this call; kept + 1 cannot overflow for shift >= 1.
template <class Sig>
struct rounded_magnitude {
  Sig kept;
  bool inexact;
};
template <class Mode, class Sig>
FLOATLAB_HOST_DEVICE constexpr rounded_magnitude<Sig> round_magnitude(bool negative, Sig sig, int shift, bool sticky,
                                                                      std::uint32_t random_word) noexcept {
  const split_parts<Sig> s = split_discard(sig, shift, sticky);
  const bool up = round_up<Mode>(negative, (s.kept & 1) != 0, s.rem, s.sticky, random_word);
  return {static_cast<Sig>(s.kept + (up ? 1 : 0)), (s.rem != 0) || s.sticky};
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
//   math double   math.hpp fast_round   every mode with  p + R + 1 <= 50; the encoder    exp exp2 expm1 log
//                                       p + R + 1 <= 50  (double path's) for E <= 9       log2 log1p tanh erf
//                                                                                         logistic silu softplus
//                                                                                         gelu gelu_tanh sin cos
//                                                                                         pow logistic_grad
//                                                                                         tanh_grad
//   math array    math.hpp map_unary    every mode with  as math double, on vector     exp log tanh
//                 (views; proven by     p + R + 1 <= 50  lanes; the float encoder for  logistic over
//                 test_math_array)                       p + R + 1 <= 24              views
//   math short    math.hpp short_round  every determin-  p <= 12, E <= 8 (binary16,   exp log logistic
//                 (session 8; shorter   istic mode       bfloat16, cfloat<6,9>, 8-bit) sin cos pow, scalar;
//                  kernels, bounds                       looser proven bounds: exp     pow over views
//                  2^-44 .. 2^-35)                       2^-44, logistic 2^-42, sin    (lane forms)
//                                                        cos 2^-39, log pow 2^-35;
//                                                        declines -> math double
//   math pattern  math.hpp call() with  every determin-  as math short; log: log_     log exp logistic
//                 eval_pattern (session istic mode       pattern on the bits (128-     sin cos, scalar;
//                  9; proven by                          entry log(1 + j/128) table,   pow_short's log x
//                  test_math [full],                     degree 4, bound 2^-30; pow
//                  test_math_trig)                       2^-29); exp, logistic: the
//                                                        short kernels without clamp;
//                                                        sin cos: one range compare
//   math wide     math.hpp call() with  every determin-  p 13..24, E <= 8 (binary32): log exp logistic
//     pattern     eval_pattern (session istic mode       log: log_pattern_wide (cells  sin cos, scalar;
//                  10; proven by                         offset so 1 has c = 1, 128-   pow_short's log x
//                  test_math_wide,                       entry tables, degree 6,
//                  test_math, test_math_                 bound 2^-43); pow 2^-41;
//                  trig, math_sweep32)                   exp logistic sin cos: the
//                                                        short kernels (2^-44, -42,
//                                                        -39); declines -> math double
//   Newton sqrt   detail/float_path.hpp every determin-  p <= 11, E <= 9 (ahead of    sqrt
//                                       istic mode       the float and double paths)
//   Newton sqrt,  detail/double_path    stochastic<4>,   p <= 11, 2 <= E <= 8, bias    sqrt (the root
//     stochastic  sqrt_fs (session 10)  stochastic<8>    <= 127, subnormals             rounded to p + R bits,
//                                                                                       the sign of x - c^2)
//   float TwoSum  detail/double_path    every mode (stoch. p <= 11 in float; + -:      fma in every mode;
//                                       needs p+R+1 <= 24) emax <= 126, or 127 (stoch.: + - * / off
//                                                        R = 4, 8, bias 127 with inf,  nearest_even
//                                                        session 10); * fma: emax <= 63,
//                                                        2(emin-M) >= -149; /: see
//                                                        twosum_float_div_ok
//   float bits    detail/float_path.hpp nearest_even     the float path's formats with the float path's
//     encoder     (encode_float_nearest                  subnormals and IEEE or        final encode
//                  _bits)                                all-ones-NaN specials         (float -> Fmt)
//   bits encoder  detail/float_path.hpp every determin-  fits_hw, 1 <= M <= Q - 2     the double and float
//     (all modes) (encode_bits, through istic mode;      (every encoding); stochastic: TwoSum paths' and
//                  encode_fast)         stochastic<4>,   no subnormal split (emin <=   Newton sqrt's encode
//                                       <8> (session 10) H's, or none: float domain)
//   float domain  detail/float_path.hpp every mode (stoch. 2 <= E <= 7, subnormals,      + - (float TwoSum on
//     (+ -)       float_domain          needs p+R+1 <= 24) p <= 11, inside binary32       the format's fields)
//   float domain  detail/double_path    every mode (stoch. the float domain's formats,   fma (the float
//     (fma)       encode_narrow         needs p+R+1 <= 24) twosum_float_mul_ok            TwoSum steps, narrowed)
//   narrowed      detail/double_path    every mode (stoch. p <= 11, bias <= 127, inside    bfloat16 fma; E = 7 /
//     double      encode_narrow         needs p+R+1 <= 24) binary32 with its float domain
//   float domain  detail/double_path    every mode (stoch. the float domain's formats     / off nearest_even
//     (/)         div_fd                needs p+R+1 <= 24) with 1-emin+M+S <= 127 (binary16,
//                                                          cfloat<6,9>, 8-bit formats;
//                                                          S = max(24, M - emin))
//   E = 8 mul     detail/double_path    every mode (stoch. E = 8, bias 127, p <= 8         * off nearest_even
//                 mul_e8                needs p+R+1 <= 24) (bfloat16); stochastic<4>/<8>:
//                                                          no substitutes (session 11)
//   E = 8 div     detail/double_path    every mode (stoch. E = 8, bias 127, p <= 11        / off nearest_even
//                 div_e8                needs p+R+1 <= 24) (bfloat16); deterministic
//                                                          modes and p <= 8: no residual
//                                                          (div_e8_exact_q, session 11);
//                                                          stochastic<4>/<8>: none either
//                                                          (div_e8_sr_q)
//   float domain  detail/double_path    every mode (stoch. the float domain's formats     * off nearest_even
//     (*)         mul_fd (session 9)    needs p+R+1 <= 24) with emin - 2M >= -48 (binary16,
//                                                          cfloat<6,9>, the 8-bit formats)
//   sum error     detail/double_path    every determin-  p <= 11 in float, the bits      + - off nearest_even
//     w/o TwoSum  add_d (short_sum_ok,  istic mode       encoder's formats (float       (the float domain's
//                 session 9)                             domain, bfloat16)              and bfloat16's sums)
//   short tail    detail/float_path.hpp every determin-  formats with subnormals, -0,  the bits encoder's
//                 encode_bits_words     istic mode       infinities or NaN = max + 1   overflow / inf / NaN
//                 (session 9)                            (ieee, fn: binary16, bfloat16, choices
//                                                        e5m2, e4m3, cfloat<6,9>)
//   integer kernels: everything else (detail/exact_ops.hpp), and every constant evaluation.
//
// Why exact: float/nearest: RN_p(RN_q(x op y)) = RN_p(x op y) for q >= 2p + 2 (Figueroa 1995,
// Roux 2014; the float path's subnormal range and the E = 8 product bound are argued in
// float_path.hpp). double: s = RN53(exact) and the sign of exact - s (TwoSum, exact products,
// fma residuals; Boldo-Muller 2011) form an exact truncation with sticky, rounded once.
// fma never takes the nearest/float paths (RN53(ab + c) rounded again is not innocuous).
// Newton sqrt: y within 2^-30 of sqrt(x) lies on the same side of every rounding boundary
// (they are > 2^-26 away from a p <= 11 root) and an exact root is recognized by squaring
// (float_path.hpp). float TwoSum: the double path's argument in binary32 (24 >= p + 2 bits),
// where products, TwoSum and the division residual are exact (double_path.hpp). float bits
// encoder: the rounding-bias trick on the float's bits (normal range) and one float addition
// onto the subnormal grid, both one correct nearest-even rounding (float_path.hpp); proven
// equal to encode_from, not argued only. bits encoder (all modes): the same trick with each
// mode's addend before the shift, a' = |s| - (exact below |s|) and the sticky bit standing for
// the exact value (encode_from's reduction), round_up's rules on variable shifts below
// 2^emin; proven equal to encode_from (test_encode_bits). float domain: the format with
// binary32's bias (the same patterns, values scaled by 2^(bias - 127)); rounding commutes with
// that scaling, and there the format's subnormals are binary32's, so the bits encoder needs no
// variable shifts (float_path.hpp). narrowed: s = RN_H(exact) and its error sign rounded once
// more into binary32 (RN24, with +-FLT_MAX and +-2^-149 substitutes at the ends) plus the sign
// of s - f: f and that sign bracket the exact value within one unit of f, the encoders'
// precondition (encode_narrow, double_path.hpp). E = 8 mul: the product is exact in binary32
// except at overflow (FLT_MAX substitute; stochastic<4>/<8>: the infinity itself, x y >= 2^128
// overflowing for every word) and underflow (a 2^117-scaled fma residual gives the error sign
// exactly; mul_e8). float-domain /: q = RN24(x 2^k / y) and the residual
// x 2^k - q y scaled by 2^24, exact in one fma (every term a multiple of 2^-149; div_fd).
// E = 8 div: q = RN24(x / y) in binary32 and the residual x - q y exact in one double fma, with
// encode_narrow's substitutes at the ends (div_e8); in the deterministic modes for p <= 8 q alone
// (a quotient of p-bit values off every boundary lies > 2^(-2p-1) |z| from them, beyond RN24's
// error; proven on every bfloat16 pair in 5 modes), and in stochastic<4>/<8> (2p + R <= 24: the
// same argument on the finer boundaries, no substitutes; every bfloat16 pair with the words at
// the carry of q's own fraction). float-domain *: f = RN24(x 2^k y) and the
// residual scaled by 2^25, exact in one fma (at most 2^24 units of 2^(emin - 2M - 101) >=
// 2^-149; mul_fd). sum error without TwoSum: for p <= 11 operands an inexact float sum s is
// either the larger operand (the error is the other) or lies on no grid point or midpoint of
// the format, where every deterministic mode rounds s like the exact sum (short_sum_ok). short
// tail: overflow and infinity as min(mag, largest finite + rounds-away), no zero select (the
// sign ORed onto a zero magnitude is the signed zero); proven with encode_bits (test_encode_bits).
//
// Proving tests (each compares the fast path with the integer kernels or MPFR bit for bit):
//   test_exhaustive_{ieee,ieee_ftz,fn,fn_satfinite,fnuz,fnuz_satfinite,finite}: every operand
//     pair, op and mode of the 8-bit formats (E = 1..6) through the public API, vs MPFR.
//   test_fast_paths (and test_fast_paths_v3: x86-64-v3, F16C on): random + edge operands in
//     every mode on each domain boundary (p = 11/12, E = 7/8/9/10, p = 25/26/27, ftz/fn/fnuz
//     at E = 8), vectorized array loops; [full]: all 2^32 pairs of binary16 and bfloat16.
//   test_random_mpfr: 15 larger formats vs MPFR, every mode; test_hardware_agreement:
//     binary16/bfloat16/binary32/binary64 vs the hardware in the four IEEE modes.
//   math double: test_math (every input of binary16, bfloat16, cfloat<6,9> ([full]; CI: every
//     7th + the edge binades) and the 8-bit formats, 9 modes, vs MPFR; binary32 random + hard),
//     test_math_trig (sin cos pow; "fast step": the double kernels' bounds vs MPFR, the test's
//     miss rate), tools/math_sweep32 (every binary32 input of exp log tanh logistic).
//   math short: the same test_math / test_math_trig cases (they run first in the deterministic
//     modes, so every 16-bit and 8-bit input vs MPFR proves them; pow: every 8-bit pair, 16-bit
//     random + hard pairs), test_math_array_trig (pow arrays = scalar; the pattern decode and
//     integer hot tests = decode_to and hot on every 16- and 8-bit pattern).
//   math wide pattern: test_math_wide (the kernels' bounds vs MPFR: log on every pattern within
//     2^16 of 1 and both ends of every cell in 7 binades, random arguments of each domain,
//     [full] every 257th binary32 pattern; results in 9 modes on random and near-grid inputs,
//     [full] 2^23-pattern scans), test_math / test_math_trig (binary32 random + hard, 9 modes),
//     tools/math_sweep32 (binary32 exp log logistic in nearest-even, strided).
//   test_fast_paths_ops (and _v3): Newton sqrt: its 2^-30 bound on every significand of up
//     to 11 bits, then every pattern of 16 formats of its domain in every deterministic mode
//     (one call and vectorized loops); fma: every (a, b) pair of e4m3, e5m2, cfloat<3,4>,
//     e4m3fnuz with 1/61 of the addends, every mode ([full]: all 2^24 triples); 300000 hard
//     triples (midpoint products, far and cancelling addends, subnormals) of binary16,
//     cfloat<6,9>, cfloat<7,10>, cfloat<7,8>, ftz, bfloat16, cfloat<4,11> in every mode;
//     + - * / off nearest-even: 200000 edge pairs of six formats, every mode; all vs kernels.
//   test_fast_paths_ops "the float-to-format nearest encoder ...": encode_float_nearest_bits
//     = encode_from on every float ([full]: binary16, bfloat16, e5m2, e4m3, cfloat<6,9>; CI:
//     every 4099th float + the rounding-boundary bits of every exponent in range, 8 formats).
//   test_encode_bits: encode_bits = encode_from for 16 formats (every encoding) x 8 modes in
//     float and double on every rounding boundary of every exponent in range, both signs,
//     the three error signs, stochastic words at the carry; [full]: every float of five
//     formats' range, and every operand pair of binary16 / bfloat16 for + * / in five modes
//     through the public API vs the integer kernels.
//   test_float_domain: the float-domain, narrowed and E = 8 mul paths through the public API
//     vs the integer kernels, + - * / fma, 7 modes (directed, nearest_away, odd, stochastic<4>
//     and <8> with words at the carry), binary16, bfloat16, cfloat<6,9>, cfloat<7,8>: CI
//     2^17 strided pairs + every pattern against 24 edge values (every 7th), bfloat16 * / at
//     binary32's range ends (every 1021st a x every b there), fma 60000 triples (cancelling,
//     subnormal addends) + edges; [full]: every pair (cfloat<6,9> all 7 modes, binary16 and
//     bfloat16 stochastic; their deterministic pairs are test_encode_bits' [full] tier), 2^28
//     triples. The 8-bit formats take the same paths in test_exhaustive_* (every pair, every
//     mode, vs MPFR). Session 10: stochastic<4>/<8> sqrt (sqrt_fs) on every pattern of
//     binary16, bfloat16, cfloat<6,9> x 4 word classes and of e5m2, e4m3 x all 2^R (CI), every
//     pattern x every word class of the 16-bit ones ([full]), one value and a word_stream loop;
//     bfloat16 stochastic + (float TwoSum with emax 127) on every pair ([full] "bfloat16
//     stochastic + every pair").
//   vectorize_cfloat_loops (ctest): the loops vectorize at -O3 -march=x86-64-v3 (+ - * / fma
//     sqrt; nearest, directed, odd; the float-domain and narrowed paths).
// The fast paths assume the default floating-point environment (no FTZ/DAZ; round to
// nearest, except that the directed modes also agree when the hardware rounds that way).

// THE rounding core. Rounds (-1)^negative * (sig + sticky*epsilon) * 2^exp to Fmt in Mode,
// and reports what happened (status flags inexact, underflow, overflow; tininess is detected
// before rounding, as IEEE 754-2019 7.5 permits). round_pack() is the same without the
// report (the flags fold away when unused).
// Preconditions: sig != 0 (exact zeros are packed by the caller, whose sign rule depends on
// the operation); for stochastic<R>, sig holds at least p + R + 1 significant bits unless the
// value is exact, so that the R bits below the last place are known (design.md).
template <class Storage>
struct packed_result {
  Storage bits;
  std::uint32_t flags;  // status::flag bits (status.hpp)
};
template <class Fmt, class Mode, class Sig>
FLOATLAB_HOST_DEVICE constexpr packed_result<typename Fmt::storage> round_pack_status(
    bool negative, int exp, Sig sig, bool sticky, std::uint32_t random_word = 0) noexcept {
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

  // 3. Split and decide (shift = lsb - exp >= W - p >= 2); a carry out of the top renormalizes.
  const detail::rounded_magnitude<Sig> r = detail::round_magnitude<Mode>(negative, sig, lsb - exp, sticky, random_word);
  Sig kept = r.kept;
  const std::uint32_t lost =
      r.inexact ? std::uint32_t{status::inexact} | (lead < Fmt::emin ? std::uint32_t{status::underflow} : 0u) : 0u;
  if (kept == (Sig{1} << p)) {
    kept >>= 1;
    ++lsb;
  }
  if (kept == 0) return {detail::pack_zero<Fmt>(negative), lost};
  if constexpr (!Fmt::has_subnormals) {
    if (lsb + (p - 1) < Fmt::emin)  // flush after rounding
      return {detail::pack_zero<Fmt>(negative), std::uint32_t{status::inexact} | status::underflow};
  }

  // 4. Pack: the hidden bit of a normal kept adds one to the exponent field.
  constexpr std::uint32_t over = std::uint32_t{status::overflow} | status::inexact;
  const int biased_lsb = lsb - (Fmt::emin - (p - 1));  // 0 for subnormals
  if (biased_lsb >= Fmt::field_max) return {detail::pack_overflow<Fmt, Mode>(negative), over};
  const std::uint64_t magnitude =
      (static_cast<std::uint64_t>(biased_lsb) << Fmt::fraction_bits) + static_cast<std::uint64_t>(kept);
  if (magnitude > Fmt::max_finite_bits) return {detail::pack_overflow<Fmt, Mode>(negative), over};
  return {static_cast<storage>((negative ? Fmt::sign_mask : 0) | magnitude), lost};
}

template <class Fmt, class Mode, class Sig>
FLOATLAB_HOST_DEVICE constexpr typename Fmt::storage round_pack(bool negative, int exp, Sig sig, bool sticky,
                                                                std::uint32_t random_word = 0) noexcept {
  return round_pack_status<Fmt, Mode>(negative, exp, sig, sticky, random_word).bits;
}

// ---- Fast paths of the array operations (the scalar ones are listed above round_pack); each
// is proven bit-identical to the exact path by the named test (docs/api.md repeats both tables).
//  path                           | where                      | domain                           | proof
//  magic-constant RNE, float or   | block.hpp quantize_run     | block_quantize, nearest_even and | test_block "fast paths bit for bit"
//    double lanes; stochastic_carry|                           | stochastic<R>, codes <= 32 bits  |   (vs quantize_exact)
//  float-grid RNE / SR lanes      | mx.hpp quantize_fast       | mx::quantize, nearest_even and   | test_mx "fast paths equal the exact path"
//                                 |                            | stochastic<R>, 8-bit elements    |   (every grid point, midpoint, neighbour)
//  exact double product, hardware | block_dequantize,          | nearest_even, |code| < 2^31,     | test_convention "dequantize fast paths"
//    double -> float conversion   | mx::dequantize             | -1022 <= s <= 960; MX exact      |   (every int8 code x exponent; MX x scale)
//  int64 accumulation             | block.hpp block_dot        | codes <= 16 bits (exact sums)    | test_block "exact integer dot products"
//  int32 tiles, int16 products    | block.hpp block_gemm       | int8 codes, exact or >= 32-bit   | test_block "block_gemm's int8 fast path equals
//    (i, k, j; k unrolled by 4)   |                            |   accumulator, k <= 131071       |   the accumulator loop" (sums at the 2^31 bound)
//  philox_bulk_rng::fill lanes    | random.hpp                 | the words of philox_rng          | test_block "philox_bulk_rng draws ...",
//    (one block per SIMD lane)    |                            |                                  |   test_fast_paths_ops(_v3) "philox_bulk_rng's ..."
//  renormalize_select (one-hot    | detail/expansion_fixed.hpp | expansion<3/4, float/double>     | test_expansion_fixed "renormalize_select is
//    slot, K fixed fix-up passes) |                            | + - * /                          |   bit-identical to renormalize_terms"
//  merge-network addition         | fixed_add                  | expansion<3/4, float/double> + - | test_expansion_fixed "... equal to the generic one"
//  Sum2 + network product, sorted | fixed_mul, fixed_div       | expansion<3/4, float/double> * / | not bit-identical: the documented bound vs MPFR
//    long division                |                            |                                  |   (test_expansion, test_expansion_fixed, [full])
//  float lanes; SIMD bits path    | tensor/lane.hpp, simd.hpp  | tensor quantize / elementwise /  | test_tensor_lane, tensor_simd_check (docs/tensor.md's
//    (round_bits_v)               |   round_bits_v             |   GEMM / conv, formats in float  |   fast-path table: CI subset and [full] set)
//  power-of-two scale: quotient  | tensor/block_scaled.hpp    | block_scaled_quantize (host and  | test_tensor_block_scaled (MX vs mx.hpp, MuPPET vs
//    by exponent shift, no div    |   exact_quotient           |   GPU), E8M0 / 2^s / any 2^k S   |   block.hpp); GPU = host: tests/cuda/block_kernels.cu
//  nearest-even quantize lanes:   | tensor/simd.hpp            | tensor quantize / GEMM panels /  | tensor_simd_check "simd quantize nearest even
//    binary16 by F16C (vcvtps2ph  |   rn_quantize_v            |   block-scaled lanes, float in,  |   (rn_quantize_v): every 16-bit pattern ..."
//    imm RN + vcvtph2ps); other   |   (quantize_run)           |   nearest_even, formats in float |   (every top half x 9 low halves, values and
//    formats (|x| + C) - C, C =   |                            |   with subnormals and -0, M <=21;|   flags, binary16 bfloat16 e4m3 e2m1; + e5m2
//    1.5 2^(e + 23 - M); overflow |                            |   inf, NaN, |x| >= 2^(104 + M):  |   e3m2 e4m3_sat in [full]), [full] "... every
//    to overflow_value            |                            |   general path                   |   float" (2^32 x 4 formats)
//    codes out: ((e - emin) << M) |                            |                                  | tensor_simd_exhaustive: every float x 8 formats
//    + bits(|x| + C) - bits(C)    |                            |                                  |   ([full]; CI every 1031st top half), codes, flags
//  binary16 + - * by F16C: float  | tensor/elementwise.hpp     | tensor add / sub / mul, binary16 | tensor_simd_check ew (binary16 nearest even,
//    op of the exact decodes,     |   ew_f16c_v (ew_span)      |   codes in and out, nearest_even;|   2^18 random + edge triples, groups-of-16
//    vcvtps2ph (p 24 >= 2*11+2:   |                            |   a block with an inf / NaN      |   flags, 1/2/7 threads); every binary16 pair
//    innocuous double rounding)   |                            |   result: the general lanes      |   x + - * by hand (2^32 each, W = 16 and 8)
//  bfloat16 / 8-bit + - * (8-bit  | tensor/elementwise.hpp     | tensor add / sub / mul, codes in | tensor_simd_exhaustive: every pair of e4m3,
//    fma) RN: float op of the     |   ew_rn_v (ew_span)        |   and out, nearest_even, formats |   e4m3_sat, e5m2, e3m2, e2m3, e2m1 (CI), triples x fma ([full]); every
//    exact decodes (fma: round to |                            |   of rn_quantize_v's add form,   |   bfloat16 pair x + - * ([full], 2^32 each),
//    odd of s + e), rn_quantize_v |                            |   p <= 11; bfloat16 products     |   values and block flags vs add/sub/mul_status;
//    (p <= 11: a sum rounded once)|                            |   < 2^-126, inf / NaN: general   |   tensor_simd_check ew (every 8-bit pair)
//  range-checked fma lanes        | tensor/elementwise.hpp     | tensor::fma of bfloat16 (formats | tensor_simd_check ew fma (bfloat16: CI sr8 codes and
//    (lane_product_checked): the  |   ew_span                  |   with 2p <= 24 whose products   |   flags, every mode in [full]; breaking the check fails
//    float product exact where    |                            |   can leave float's range)       |   2 of its cases), test_tensor_elementwise (scalar
//    >= 2^-126; else fma_status   |                            |                                  |   lanes: bfloat16 modes and flags)
//  Philox on 64-bit lanes (one   | tensor/simd.hpp            | the words philox_word(seed, e,   | test_tensor_block_scaled_lanes_v4 "philox_word_v
//    block per lane, round 0's    |   philox_lanes,            |   op) of W / 2W consecutive      |   equals philox_word lane by lane" (every form,
//    uniform product scalar;      |   philox_words2_v,         |   elements, W arbitrary ones     |   the counter's carry at 2^34, the 2^64 wrap); test_stochastic
//    consecutive: a block per     |   philox_word_v,           |   (GEMM), runs (philox_fill)     |   (philox_word vs an independent Philox and
//    four elements; GEMM rows of  |   philox_fill; gemm.hpp    |                                  |   Random123's vectors); tensor_simd_check
//    consecutive e: that form,    |   gemm_tile (el_run),      |                                  |   (SIMD GEMM vs the exact kernel, stochastic;
//    2W words per Philox vector;  |   elementwise ew_span      |                                  |   elementwise stochastic lanes)
//    keys once per run)           |   (philox_key)             |                                  |
//  block-scaled lanes: y = x 2^-k | tensor/block_scaled.hpp    | float in, E8M0 (no tensor scale) | test_tensor_block_scaled_lanes (+ _v4 / _v3:
//    in float, quantize_run (cfloat|   bs_quantize_lanes        |   or 2^s, blocks: tensor, B      |   SIMD) "... equal the exact path over every
//    elements) or block.hpp's run |                            |   consecutive, rows; lane-format |   16-bit pattern" (vs double input: codes,
//    (int <= 16 bits), Philox on  |                            |   elements any mode, int <= 16   |   scales, flags; 14 format x mode pairs,
//    lanes; exact per element     |                            |   bits nearest / stochastic      |   1/2/7 threads)
//    where |y| < 2^-126           |                            |                                  |
//  GPU routes (hardware cvt, lane, paired native binary16 / bfloat16): docs/cuda.md's table, proofs in tests/cuda/
//  GPU lane route, binary32 steps (__fmul_rn + __fadd_rn, __fmaf_rn; the FP32 recipe): tests/cuda/tensor_kernels.cu

namespace detail {
// (-1)^negative * (mag + sticky*eps) * 2^exponent rounded once to float in Mode, with its
// status (exact zero gives +0): the one rounding of the dequantizers and integer dot products.
template <class Mode>
FLOATLAB_HOST_DEVICE constexpr with_status<float> round_to_float_status(bool negative, int exponent, u128 mag, bool sticky,
                                                                       std::uint32_t word) noexcept {
  if (mag == 0) return {0.0f, status{}};
  const auto r = round_pack_status<binary32_format, Mode>(negative, exponent, mag, sticky, word);
  return {bit_cast<float>(static_cast<std::uint32_t>(r.bits)), status{r.flags, nullptr}};
}
template <class Mode>
FLOATLAB_HOST_DEVICE constexpr float round_scaled_to_float(i128 value, int exponent, std::uint32_t word) noexcept {
  return round_to_float_status<Mode>(value < 0, exponent, abs_u128(value), false, word).value;
}
}  // namespace detail

// ---- rounding to integers (fixed point, block codes, integer conversions) ---------------
namespace overflow {
struct saturate {};  // clamp to the representable range
struct wrap {};      // modulo 2^WL, two's complement
}  // namespace overflow

template <class P>
inline constexpr bool is_overflow_policy_v =
    std::is_same_v<P, overflow::saturate> || std::is_same_v<P, overflow::wrap>;

namespace detail {

// Result of rounding into a WL-bit integer: the value, and status flags (inexact, overflow).
struct integer_result {
  std::int64_t raw;
  std::uint32_t flags;
};

// Rounds (-1)^negative * (mag + sticky*eps) * 2^-shift to a WL-bit two's-complement
// integer (shift < 0 multiplies exactly by 2^-shift), then applies the overflow policy. The
// integer counterpart of round_pack: the one place fixed point and block codes round.
template <int WL, class Mode, class Overflow>
FLOATLAB_HOST_DEVICE constexpr integer_result round_to_integer(bool negative, u128 mag, int shift, bool sticky,
                                                               std::uint32_t random_word) noexcept {
  static_assert(WL >= 2 && WL <= 64, "round_to_integer: WL must be in 2..64");
  static_assert(is_overflow_policy_v<Overflow>, "round_to_integer: Overflow must be overflow::saturate or overflow::wrap");
  u128 kept = 0;
  bool inexact = false, lost_high = false;  // lost_high: a left shift pushed bits out of 128
  if (shift >= 0) {
    const rounded_magnitude<u128> r = round_magnitude<Mode>(negative, mag, shift, sticky, random_word);
    kept = r.kept;
    inexact = r.inexact;
  } else if (-shift < 128) {
    lost_high = (mag >> (128 + shift)) != 0;
    kept = mag << -shift;
  } else {
    lost_high = mag != 0;
  }
  constexpr u128 max_pos = (u128{1} << (WL - 1)) - 1;
  constexpr u128 max_neg = u128{1} << (WL - 1);
  const bool over = lost_high || (negative ? kept > max_neg : kept > max_pos);
  const std::uint32_t flags = (inexact ? std::uint32_t{status::inexact} : 0u) | (over ? std::uint32_t{status::overflow} : 0u);
  if constexpr (std::is_same_v<Overflow, overflow::saturate>) {
    if (over) return {negative ? -static_cast<std::int64_t>(max_pos) - 1 : static_cast<std::int64_t>(max_pos), flags | status::inexact};
    // Two's complement negation of a magnitude <= 2^63 (modular conversion).
    return {static_cast<std::int64_t>(static_cast<std::uint64_t>(negative ? u128{0} - kept : kept)), flags};
  } else {
    // Two's complement modulo 2^WL, then sign extension from bit WL-1.
    std::uint64_t low = static_cast<std::uint64_t>(negative ? u128{0} - kept : kept);
    if constexpr (WL < 64) {
      low &= (std::uint64_t{1} << WL) - 1;
      if (low >> (WL - 1)) low |= ~((std::uint64_t{1} << WL) - 1);
    }
    return {static_cast<std::int64_t>(low), flags};
  }
}

}  // namespace detail

}  // namespace floatlab
