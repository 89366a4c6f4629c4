// floatlab/detail/double_path.hpp: the fast path for formats that live inside binary64.
//
// When every value of a format, every exact product of two of them, and every quotient
// are finite normal doubles (p <= 26, E <= 9), one hardware double operation gives
// s = RN(exact) and an error-free transform gives the sign of exact - s: TwoSum (Knuth)
// for sums, an fma residual for quotients and roots (exact: Boldo-Muller, "Exact and
// approximated error of the FMA", IEEE TC 2011), products are exact (2p <= 53). s has
// 53 >= p + 2 bits, so s plus that sign is an exact truncation-with-sticky and the one
// rounding core rounds it once, in any mode. The tests compare this path bit for bit
// with the integer kernels and with MPFR. Not constexpr: constant evaluation takes the
// integer kernels (cfloat.hpp), as not every compiler folds fma and sqrt.
#pragma once

#include <cmath>

#if !FLOATLAB_DEVICE_PASS && defined(__SSE2__) && !defined(__NO_MATH_ERRNO__)
#include <emmintrin.h>
#endif

#include "../rounding.hpp"
#include "float_path.hpp"
#include "unpacked.hpp"

namespace floatlab::detail {

template <class Fmt, class Mode>
inline constexpr bool double_path_ok =
    Fmt::precision <= 26 && Fmt::exponent_bits <= 9 &&
    (!is_stochastic_v<Mode> || Fmt::precision + stochastic_bits_v<Mode> + 1 <= 53);

FLOATLAB_HOST_DEVICE double fma_d(double a, double b, double c) noexcept {
#if FLOATLAB_DEVICE_PASS
  return ::fma(a, b, c);
#else
  return __builtin_fma(a, b, c);
#endif
}

// (No errno branch: see sqrt_f in float_path.hpp.)
FLOATLAB_HOST_DEVICE double sqrt_d(double a) noexcept {
#if FLOATLAB_DEVICE_PASS
  return ::sqrt(a);
#elif defined(__SSE2__) && !defined(__NO_MATH_ERRNO__)
  return _mm_cvtsd_f64(_mm_sqrt_sd(_mm_set_sd(a), _mm_set_sd(a)));
#else
  return __builtin_sqrt(a);
#endif
}

// Exact value of a bit pattern of Fmt as a double (requires double_path_ok-sized ranges).
template <class Fmt>
FLOATLAB_HOST_DEVICE constexpr double to_double_exact(std::uint64_t bits) noexcept {
  const unpacked u = unpack<Fmt>(bits);
  const std::uint64_t sign = u.sign ? (std::uint64_t{1} << 63) : 0;
  switch (u.cls) {
    case value_class::nan: return bit_cast<double>(std::uint64_t{0x7FF8000000000000});
    case value_class::inf: return bit_cast<double>(sign | 0x7FF0000000000000);
    case value_class::zero: return bit_cast<double>(sign);
    default: break;
  }
  const int n = msb(u.sig);
  const auto field = static_cast<std::uint64_t>(u.exp + n + 1023);
  return bit_cast<double>(sign | (field << 52) | ((u.sig << (52 - n)) & 0xFFFFFFFFFFFFF));
}

// The operations: s = RN(exact) in H plus the sign of exact - s, encoded in Mode by the
// branch-free encoder (float_path.hpp), so that loops over arrays vectorize. An exact zero
// result gets its sign by a select. H = double is the double path; H = float the float
// TwoSum path below (twosum_float_*_ok), the same argument in binary32 lanes, twice as wide.
FLOATLAB_HOST_DEVICE constexpr int sign_of(double x) noexcept { return (x > 0) - (x < 0); }
FLOATLAB_HOST_DEVICE constexpr int sign_of(float x) noexcept { return (x > 0) - (x < 0); }

FLOATLAB_HOST_DEVICE float fma_h(float a, float b, float c) noexcept {
#if FLOATLAB_DEVICE_PASS
  return ::fmaf(a, b, c);
#else
  return __builtin_fmaf(a, b, c);
#endif
}
FLOATLAB_HOST_DEVICE double fma_h(double a, double b, double c) noexcept { return fma_d(a, b, c); }

// Narrowing into the float domain. s = RN_H(x) for the exact result x and err_sign = sign(x -
// s) (0 where s is exact, zero or not finite), H = float or double, with s finite (for E <= 7
// below 2^(emax + 2) in magnitude, |x| too; for E = 8 any double, the FLT_MAX substitute
// below taking the rest) or an exact infinity/NaN. Then
//   f = RN24(s 2^k) (for H = double: s 2^k exactly, then converted; f = +-FLT_MAX where that
//       overflows from a finite s, f = +-2^-149 where a nonzero s rounds to zero),
//   d = s - f 2^-k (f 2^-k exact in H; d exact for H = float (a difference of two floats
//       within one unit of f's grid scaled: representable, gradual underflow), RN53 of it for
//       H = double, sign kept),
//   err' = sign(d) where d != 0, else err_sign,
// and err' = sign(x 2^k - f), and |x 2^k - f| < one unit of f's last place (binary32's, the
// subnormal quantum 2^-149 below 2^-126): when d != 0, d is a nonzero multiple of the H grid
// spacing at s (f 2^-k lies on that grid: it has fewer bits, and RN24 does not leave s's
// binade downward), larger than |x - s| <= half of it; the substitutions at 0 and FLT_MAX keep
// x on the side of f that d says (|x| < 2^-150 scaled, resp. > FLT_MAX; stochastic modes:
// see the word's substitution there). That is the bits
// encoder's and encode_from's precondition for f (a' = |f| - (x below |f|) and the sticky bit
// stand for x: no grid point, midpoint or stochastic boundary of the format, multiples of
// 2^(e - M - R) with M + R <= 23, lies strictly inside that unit). The results of
// encode_fast<float_domain<Fmt>, Mode, float>(f, err', w) are then Fmt's patterns for x.
// Proven through the public API against the integer kernels on every operand pair / sampled
// triples (test_float_domain).
template <class Fmt, class Mode, class H>
FLOATLAB_HOST_DEVICE typename Fmt::storage encode_narrow(H s, int err_sign, std::uint32_t w) noexcept {
  using FD = float_domain<Fmt>;
  using U = typename hw_traits<H>::word;
  constexpr int k = Fmt::bias - 127;
  static_assert(k <= 0 && fits_hw<FD, float>, "encode_narrow: the format's float domain must fit binary32");
  constexpr U h_sign = U{1} << (bit_width_v<U> - 1);
  const H sc = s * hw_pow2<H>(k);  // H = float: RN24, the narrowing itself; H = double: exact
  std::uint32_t fb = bit_cast<std::uint32_t>(static_cast<float>(sc));
  const U sb = bit_cast<U>(s);
  const bool s_nonzero = (sb & ~h_sign) != 0;
  // A nonzero s that rounds to zero: the smallest subnormal of its sign (the sign bit is kept).
  fb |= static_cast<std::uint32_t>(s_nonzero & ((fb & 0x7FFFFFFFu) == 0));
  if constexpr (FD::emax == 127) {
    // Overflow of a finite s (E = 8 formats from the double path): +-FLT_MAX, x beyond it.
    constexpr U h_inf = ((U{1} << (bit_width_v<U> - 1 - hw_traits<H>::fraction_bits)) - 1) << hw_traits<H>::fraction_bits;
    const bool s_finite = (sb & ~h_sign) < h_inf;
    fb -= static_cast<std::uint32_t>(s_finite & ((fb & 0x7FFFFFFFu) == 0x7F800000u));
    if constexpr (is_stochastic_v<Mode>) {
      // FLT_MAX's bits below the format's last place are all ones, as those of every x in
      // (FLT_MAX, 2^128): the word decides alike. From 2^128 on (s >= 2^128: RN53 is
      // monotone) the exact result always overflows: an all-ones word makes the carry certain.
      const U two128 = static_cast<U>(static_cast<U>(hw_traits<H>::bias + 128) << hw_traits<H>::fraction_bits);
      w |= std::uint32_t{0} - static_cast<std::uint32_t>(s_finite & ((sb & ~h_sign) >= two128));
    }
  }
  const float f = bit_cast<float>(fb);
  const H d = s - static_cast<H>(f) * hw_pow2<H>(-k);
  const int sd = sign_of(d);  // 0 for d = 0 and for NaN (s infinite or NaN)
  const int err = sd | (err_sign & -static_cast<int>(sd == 0));
  return encode_fast<FD, Mode, float>(f, err, w);
}

// Operands of the paths: exact as H. The narrowed double path (formats inside binary32)
// decodes into binary32 lanes and widens (exact), fewer 64-bit lane operations.
template <class Fmt, class H, bool Narrow>
FLOATLAB_HOST_DEVICE H decode_in(std::uint64_t bits) noexcept {
  if constexpr (Narrow && std::is_same_v<H, double>)
    return static_cast<double>(decode_to<Fmt, float>(bits));
  else
    return decode_to<Fmt, H>(bits);
}

// The paths' final encode: encode_fast in Fmt, or (Narrow) encode_narrow into the float domain.
template <class Fmt, class Mode, class H, bool Narrow>
FLOATLAB_HOST_DEVICE typename Fmt::storage encode_out(H s, int err_sign, std::uint32_t w) noexcept {
  if constexpr (Narrow)
    return encode_narrow<Fmt, Mode, H>(s, err_sign, w);
  else
    return encode_fast<Fmt, Mode, H>(s, err_sign, w);
}

// ---- the float TwoSum path: the double path's argument in binary32 ---------------------------
// s = RN24(exact) and the exact sign of exact - s form an exact truncation with sticky as long
// as s has 24 >= p + 2 bits (stochastic<R>: p + R + 1 <= 24, so that the R bits below the last
// place are those of s), every operand is exact in float (fits_hw), and the hardware steps are
// exact where the argument needs them:
//   add/sub: TwoSum (Knuth) is exact unless the sum overflows: |x + y| <= 2 max < 2^128 for
//     emax <= 126.
//   mul, fma: the product has <= 2p <= 22 bits, is below 2^128 for emax <= 63 ((2 - 2^-M)^2
//     2^126 < 2^128 (1 - 2^-24)) and is a multiple of 2^(2(emin - M)) >= 2^-149 (float's
//     subnormal quantum): exact. fma's sum p + c is then TwoSum of two floats, below
//     2^128 - 2^(128-M) + 2^64: no overflow.
//   div: q = RN24(x/y) is a normal float (|x/y| >= 2^(emin - M - emax - 1) >= 2^-126, and
//     below 2^(emax + 1 - emin + M) <= 2^127), and r = x - q y is a multiple of lsb(q) lsb(y)
//     >= 2^(emin - M - emax - 24 + emin - M) >= 2^-149 of magnitude < ulp(q) |y|, so it has
//     < 24 bits and the fma computes it exactly (Boldo-Muller 2011).
// sqrt takes the Newton square root (float_path.hpp). Proven on every pattern pair of the
// 8-bit formats by test_exhaustive_* and for 16-bit formats by test_fast_paths_ops.
template <class Fmt, class Mode>
inline constexpr bool twosum_float_ok =
    Fmt::precision <= 11 && fits_hw<Fmt, float> &&
    (!is_stochastic_v<Mode> || Fmt::precision + stochastic_bits_v<Mode> + 1 <= 24);
// emax = 127 (bfloat16, tf32): a sum of two finite values may overflow float; sum_d then
// rounds FLT_MAX of the sum's sign instead of the infinity (with whatever error sign TwoSum
// then finds: FLT_MAX, FLT_MAX plus a sticky bit and the float below it with one all round
// alike), which every deterministic mode rounds like the exact sum: all of them exceed max +
// half an ulp of any p <= 11 format with emax 127, and all are inexact. Stochastic rounding
// (tenth session; formats with infinities and binary32's bias: bfloat16): the float sum of
// two finite p <= 11 values overflows exactly when the exact sum is at least 2^128 (x <= max
// = 2^128 - 2^(128-p) needs y >= 2^(128-p) - 2^103, so y >= 2^(128-p) and the sum is a
// multiple of 2^(129-2p) >= 2^107: at least 2^128 - 2^103 means at least 2^128), a whole ulp
// beyond max, which rounds to the infinity whatever the word. So the float sum's own infinity
// is the result (eleventh session: no FLT_MAX substitute in the stochastic modes, and no forced
// all-ones word, which the tenth session's form needed on FLT_MAX; the encoders pass an
// infinite s through as the infinity of its sign, TwoSum's NaN error unused). Proven on
// every bfloat16 pair in stochastic<4>/<8> (test_float_domain [full] "bfloat16 stochastic +
// every pair"; CI: the strided pairs and the edges, FLT_MAX-sized operands among them), so the
// stochastic arm is limited to R = 4 and 8, the proven ones (other R: the narrowed double path).
template <class Mode>
inline constexpr bool proven_stochastic_bits = is_stochastic_v<Mode> &&
                                               (stochastic_bits_v<Mode> == 4 || stochastic_bits_v<Mode> == 8);
template <class Fmt, class Mode>
inline constexpr bool twosum_float_add_ok =
    twosum_float_ok<Fmt, Mode> &&
    (Fmt::emax <= 126 || (Fmt::emax == 127 && (!is_stochastic_v<Mode> ||
                                               (proven_stochastic_bits<Mode> && Fmt::has_inf && Fmt::bias == 127))));
template <class Fmt, class Mode>
inline constexpr bool twosum_float_mul_ok =
    twosum_float_ok<Fmt, Mode> && Fmt::emax <= 63 && 2 * (Fmt::emin - Fmt::fraction_bits) >= -149;
template <class Fmt, class Mode>
inline constexpr bool twosum_float_div_ok =
    twosum_float_ok<Fmt, Mode> && Fmt::emin - Fmt::fraction_bits - Fmt::emax - 1 >= -126 &&
    Fmt::emax + 1 - Fmt::emin + Fmt::fraction_bits <= 127 &&
    2 * (Fmt::emin - Fmt::fraction_bits) - Fmt::emax - 24 >= -149;

// Whether finite floats x, y have a float sum that overflows (emax 127 formats: see
// twosum_float_add_ok); sum_s substitutes FLT_MAX there in the deterministic modes.
FLOATLAB_HOST_DEVICE bool float_sum_overflows(float x, float y) noexcept {
  using U = std::uint32_t;
  constexpr U inf_bits = 0x7F800000u;
  const bool x_finite = (bit_cast<U>(x) & 0x7FFFFFFFu) < inf_bits, y_finite = (bit_cast<U>(y) & 0x7FFFFFFFu) < inf_bits;
  const bool finite_ops = x_finite & y_finite;  // locals: clang's -Wbitwise-instead-of-logical
  return finite_ops & ((bit_cast<U>(x + y) & 0x7FFFFFFFu) == inf_bits);
}

// s = RN_H(x + y) as sum_d below uses it: the zero sign of round::downward ORed in, and for
// H = float with emax > 126 in the deterministic modes FLT_MAX of the sum's sign where finite
// operands overflow (stochastic modes keep the infinity: twosum_float_add_ok).
template <class Fmt, class Mode, class H>
FLOATLAB_HOST_DEVICE H sum_s(H x, H y) noexcept {
  using U = typename hw_traits<H>::word;
  // IEEE 754 6.3: an exact zero sum is +0 unless both operands are -0 (the hardware's RN sum
  // does that), or -0 when rounding downward and either operand is negative: that sign bit is
  // ORed into the pattern. Not a select on the zero: GCC would merge it into the encoder's sign
  // and select booleans, which its vectorizer rejects. (Sign bits read from the patterns:
  // std::signbit does not vectorize.) -((-x) + (-y)) gives the same sign without the OR in
  // round-to-nearest, but not when the hardware itself rounds downward (test_hardware_agreement
  // runs the paths under every fesetround mode): not used.
  const H s0 = x + y;
  H s = s0;
  if constexpr (std::is_same_v<Mode, round::downward>) {
    constexpr U sign_bit = U{1} << (bit_width_v<U> - 1);
    const U sign_either = (bit_cast<U>(x) | bit_cast<U>(y)) & sign_bit;
    s = bit_cast<H>(static_cast<U>(bit_cast<U>(s0) | (s0 == 0 ? sign_either : U{0})));
  }
  if constexpr (std::is_same_v<H, float> && Fmt::emax > 126 && !is_stochastic_v<Mode>) {
    // Overflow of finite operands (see twosum_float_add_ok): FLT_MAX with the sum's sign (an
    // infinite s0 is s: the downward OR above applies to zeros only).
    const U over = static_cast<U>(float_sum_overflows(x, y));
    s = bit_cast<H>(static_cast<U>(bit_cast<U>(s) - over));  // +-inf - 1 = +-FLT_MAX
  }
  return s;
}

// x + y for exact H values x, y (the operands of add, or fma's exact product and addend).
template <class Fmt, class Mode, class H = double, bool Narrow = false>
FLOATLAB_HOST_DEVICE typename Fmt::storage sum_d(H x, H y, std::uint32_t w) noexcept {
  const H s = sum_s<Fmt, Mode, H>(x, y);
  // TwoSum (Knuth, TAOCP vol. 2): e = x + y - s exactly (0 for a zero or non-finite s).
  const H bv = s - x;
  const H e = (x - (s - bv)) + (y - bv);
  return encode_out<Fmt, Mode, H, Narrow>(s, sign_of(e), w);
}

// ---- the sum's error without TwoSum: deterministic modes, two p <= 11 operands in float ---------
// Let x, y be values of a format with p <= 11 (exact floats), |x| >= |y|, s = RN24(x + y).
// Claim: either x + y = s, or s = x and the error x + y - s is y (y != 0), or s is none of the
// format's grid points and midpoints; in the last case every deterministic mode rounds s alone
// (error 0) like x + y. So the error bits e = (s == x ? y : 0) | (s == y ? x : 0) serve the
// bits encoder (encode_bits_e) in place of TwoSum's error term.
// Proof: y = Y 2^(g - M) with 0 <= Y < 2^(M+1) (g = y's exponent; the format's subnormals:
// g = emin), |x| = X 2^(f - M), 2^M <= X < 2^(M+1) (x normal; if x is subnormal, so is y and
// x + y is a multiple of 2^(emin - M) below 2^(emin + 1): exact in float). x + y is a multiple
// of 2^(g - M) below 2^(f + 1) in magnitude, so it has at most f - g + p bits and is exact in
// float when d = f - g <= 24 - p. Otherwise d >= 25 - p and |y| < 2^(g + 1) <= 2^(f - 24 + p),
// so |s - x| <= |y| + 2^(f - 24) < 2^(f - 22 + M) (the rounding error is at most half an ulp of
// float in x + y's binade, 2^(f - 24)), while x's nearest other grid points and midpoints (also
// below 2^f, where the binade changes) lie 2^(f - M - 2) or more away: f - 22 + M <= f - M - 2
// for M <= 10 (p <= 11). So s is x or
// none of them, and s = x means y was lost: the error is y. If s is no grid point or midpoint,
// it lies within half an ulp of float (2^(f - 24)) of x + y, and no grid point or midpoint (all
// multiples of 2^(f - M - 2) or coarser, ulps of float being 2^(f - 23) or finer) lies between
// them or on x + y: the directed modes, odd, and the nearest modes round both alike, the
// inexact side included (both are inexact). The FLT_MAX substitute of sum_s (emax 127) is no
// grid point or midpoint either (its low 23 - M bits are ones) and is not an operand: error 0,
// rounded like x + y (sum_s's comment). Stochastic modes are excluded: their boundaries are up
// to 2^R times finer. Infinite or NaN s: the lanes are the specials, e does not matter.
// Proven through the public API against the integer kernels on every operand pair of binary16,
// bfloat16 and cfloat<6,9> (test_float_domain, test_encode_bits [full]).
template <class Fmt, class Mode, class H, bool Narrow>
inline constexpr bool short_sum_ok = std::is_same_v<H, float> && !Narrow && !is_stochastic_v<Mode> &&
                                     Fmt::precision <= 11 && bits_encoder_ok<Fmt, Mode, float>;

template <class Fmt, class Mode, class H = double, bool Narrow = false>
FLOATLAB_HOST_DEVICE typename Fmt::storage add_d(std::uint64_t xb, std::uint64_t yb,
                                                          std::uint32_t w) noexcept {
  const H x = decode_in<Fmt, H, Narrow>(xb), y = decode_in<Fmt, H, Narrow>(yb);
  if constexpr (short_sum_ok<Fmt, Mode, H, Narrow>) {
    const H s = sum_s<Fmt, Mode, H>(x, y);
    const std::uint32_t sb = bit_cast<std::uint32_t>(s), xw = bit_cast<std::uint32_t>(x), yw = bit_cast<std::uint32_t>(y);
    const std::uint32_t e = (yw & (0u - static_cast<std::uint32_t>(sb == xw))) | (xw & (0u - static_cast<std::uint32_t>(sb == yw)));
    return encode_bits_e<Fmt, Mode, float>(s, e, w);
  } else {
    return sum_d<Fmt, Mode, H, Narrow>(x, y, w);
  }
}

template <class Fmt, class Mode, class H = double, bool Narrow = false>
FLOATLAB_HOST_DEVICE typename Fmt::storage mul_d(std::uint64_t xb, std::uint64_t yb,
                                                          std::uint32_t w) noexcept {
  const H s = decode_in<Fmt, H, Narrow>(xb) * decode_in<Fmt, H, Narrow>(yb);  // exact
  return encode_out<Fmt, Mode, H, Narrow>(s, 0, w);
}

template <class Fmt, class Mode, class H = double, bool Narrow = false>
FLOATLAB_HOST_DEVICE typename Fmt::storage div_d(std::uint64_t xb, std::uint64_t yb,
                                                          std::uint32_t w) noexcept {
  const H x = decode_in<Fmt, H, Narrow>(xb), y = decode_in<Fmt, H, Narrow>(yb);
  const H q = x / y;
  // x/y - q = r/y with r = x - q*y exact; r is NaN or 0 for the special and zero quotients,
  // whose error sign is 0 (sign_of of a NaN is 0).
  // The sign of r/y: r with y's sign bit XORed in (no integer multiplication of two signs).
  using U = typename hw_traits<H>::word;
  constexpr U sign_bit = U{1} << (bit_width_v<U> - 1);
  const H r = fma_h(-q, y, x);
  const H ry = bit_cast<H>(static_cast<U>(bit_cast<U>(r) ^ (bit_cast<U>(y) & sign_bit)));
  return encode_out<Fmt, Mode, H, Narrow>(q, sign_of(ry), w);
}

template <class Fmt, class Mode>
FLOATLAB_HOST_DEVICE typename Fmt::storage sqrt_d(std::uint64_t xb, std::uint32_t w) noexcept {
  const double x = decode_to<Fmt, double>(xb);
  const double q = sqrt_d(x);
  return encode_fast<Fmt, Mode, double>(q, sign_of(fma_d(-q, q, x)), w);
}

// ---- the stochastic square root without a square root instruction (tenth session) -----------
// p <= 11 (the Newton square root's domain), stochastic<4>/<8>, 2 <= E <= 8 with bias <= 127
// (a float domain): y = sqrt_newton(x) (float_path.hpp) is within 2^-30 sqrt(x) of the root,
// and c, y rounded to the nearest number of p + R significant bits, is the only point of the
// grid of multiples of 2^(e - M - R) (e: c's exponent) within 2^-30 sqrt(x) of y: that grid's
// spacing is at least 2^-(M + R + 1) >= 2^-19 relative. Every grid point, midpoint and
// stochastic fraction boundary of the format (its subnormal ones too: a coarser grid, a subset)
// lies on it, so the root rounds in every stochastic<R> like c with the root's side of it:
// the sign of x - c^2, exact in double (c^2 has at most 38 bits). encode_narrow moves c into the
// float domain and encodes it there (no subnormal split). Special operands: +-0 give c = +-0
// and sign 0; +inf gives inf (the rounding add leaves a zero fraction), negative x and NaN a NaN
// (the specials). No square root instruction: with GCC's default -fmath-errno one keeps a loop
// scalar (sqrt_f), and sqrt_newton vectorizes. Words from thread_rng() or a philox_rng (a scalar
// loop anyway) take sqrt_d instead, 1.6x faster there (cfloat.hpp sqrt_bits, eleventh session). Proven on every pattern of binary16,
// bfloat16 and cfloat<6,9> with every word class (the R top bits) in [full]; CI: every pattern of
// these with 4 word classes, and of e5m2 and e4m3 with all of them (test_float_domain
// "stochastic sqrt").
template <class Fmt, class Mode>
inline constexpr bool sqrt_fs_ok = is_stochastic_v<Mode> && Fmt::precision <= 11 && fits_hw<Fmt, float> &&
                                   Fmt::has_subnormals && Fmt::exponent_bits >= 2 && Fmt::exponent_bits <= 8 &&
                                   Fmt::bias <= 127 && fits_hw<float_domain<Fmt>, float> &&
                                   bits_encoder_ok<float_domain<Fmt>, Mode, float> &&
                                   stochastic_bits_encoder_ok<float_domain<Fmt>, Mode, float>;

template <class Fmt, class Mode>
FLOATLAB_HOST_DEVICE typename Fmt::storage sqrt_fs(std::uint64_t xb, std::uint32_t w) noexcept {
  using U = std::uint64_t;
  constexpr int drop = 53 - (Fmt::precision + stochastic_bits_v<Mode>);  // bits below c's last place
  const double x = decode_to<Fmt, double>(xb);
  const U yb = bit_cast<U>(sqrt_newton(x));
  const double c = bit_cast<double>(static_cast<U>((yb + (U{1} << (drop - 1))) & ~((U{1} << drop) - 1)));
  return encode_narrow<Fmt, Mode, double>(c, sign_of(x - c * c), w);
}

template <class Fmt, class Mode, class H = double, bool Narrow = false>
FLOATLAB_HOST_DEVICE typename Fmt::storage fma_d(std::uint64_t ab, std::uint64_t bb, std::uint64_t cb,
                                                          std::uint32_t w) noexcept {
  const H p = decode_in<Fmt, H, Narrow>(ab) * decode_in<Fmt, H, Narrow>(bb);  // exact
  return sum_d<Fmt, Mode, H, Narrow>(p, decode_in<Fmt, H, Narrow>(cb), w);
}

// ---- the float-domain paths (float_path.hpp: float_domain; encode_narrow above) ---------------
// add: the float TwoSum path on the float domain's values (2 <= E <= 7: no subnormal split, no
//   rebias, decode without a multiplication).
// fma: the float TwoSum path's steps unscaled (exact where twosum_float_mul_ok says so),
//   narrowed into the float domain (2 <= E <= 7). (* narrowed the same way measured no faster
//   than the bits encoder's subnormal split on the exact product: not taken; / of formats with
//   1 - emin + M + max(24, M - emin) <= 127 computes its quotient in the float domain itself:
//   div_fd below.)
// The rest of the double path for p <= 11 formats inside binary32 (bfloat16's fma, E = 7
//   quotients; bfloat16's stochastic + for R other than 4 and 8, which take the float TwoSum
//   path): the double path's steps, narrowed into binary32 lanes (no 64-bit encoder);
//   stochastic<R> needs p + R + 1 <= 24 (as the float TwoSum path).
// Deterministic and stochastic modes alike (the narrowing's argument does not depend on the
// mode). Proven by test_float_domain (strided / every operand pair, triples, vs the kernels).
template <class Fmt, class Mode>
inline constexpr bool fd_add_ok = float_domain_ok<Fmt> && twosum_float_add_ok<float_domain<Fmt>, Mode>;
template <class Fmt, class Mode>
inline constexpr bool fd_fma_ok = float_domain_ok<Fmt> && twosum_float_mul_ok<Fmt, Mode>;
template <class Fmt, class Mode>
inline constexpr bool narrow_double_ok = Fmt::bias <= 127 && fits_hw<Fmt, float> && fits_hw<float_domain<Fmt>, float> &&
                                         bits_encoder_domain<Fmt, float> && twosum_float_ok<Fmt, Mode> &&
                                         double_path_ok<Fmt, Mode>;

// ---- E = 8 products in binary32 (bfloat16): a scaled residual for the underflowing ones ------
// For p <= 8, E = 8, binary32's bias (bfloat16): the exact product x y has <= 16 bits, so
// f = RN24(x y) is exact unless it overflows or underflows:
//   overflow: f = inf from finite operands exactly when x y >= 2^128 (the 16-bit values next
//     below 2^128 are <= 2^128 - 2^112 < FLT_MAX): f = +-FLT_MAX with the error sign of f
//     (every deterministic mode rounds FLT_MAX-plus-sticky like x y: both exceed the largest
//     finite value plus half an ulp), and for stochastic modes an all-ones word (x y >= 2^128
//     always overflows; encode_narrow's argument; stochastic<4>/<8>: the infinity itself,
//     mul_e8_sr_bits below);
//   |f| <= 2^-126: x y is a multiple of 2^(2(emin - M)) = 2^-266, so r = (x 2^117) y - f 2^117
//     is exact in one fma (a multiple of 2^-149, below 2^-9 in magnitude), and its sign is
//     that of x y - f; there |x| <= 2^-126 (1 + 2^-24) / 2^-133 < 2^8, so x 2^117 < 2^125 does
//     not overflow. Where the error goes as a sign (the stochastic modes other than
//     mul_e8_sr_bits' R = 4, 8, through encode_from) a nonzero x y that rounds to zero becomes
//     +-2^-149 first; the bits encoder takes the +-0 with the product's sign and the residual's
//     sign directly.
// f and that sign are the bits encoder's inputs (|x y - f| < one unit of f's last place).
// Proven by test_float_domain (bfloat16, every mode) and test_encode_bits' [full] pairs.
template <class Fmt, class Mode>
inline constexpr bool float_mul_e8_ok = Fmt::exponent_bits == 8 && Fmt::bias == 127 && Fmt::precision <= 8 &&
                                        fits_hw<Fmt, float> && bits_encoder_domain<Fmt, float> &&
                                        twosum_float_ok<Fmt, Mode>;

// Stochastic<4>/<8> with infinities (eleventh session): no substitutes and the error as bits,
// as for the bits encoder in the deterministic modes. A float product of finite operands
// overflows exactly when x y >= 2^128 (above), which rounds to the infinity for every word:
// the infinite f is the result. A nonzero product below 2^-150 gives f = +-0 of its sign and r
// (the scaled product) of the same sign: a' = 0 plus the sticky bit, whose first R discarded
// bits are 0, as those of x y (< 2^-150, far below the format's last place 2^-133): no carry
// for any word, the same as the kernel's +-0.
template <class Fmt, class Mode>
inline constexpr bool mul_e8_sr_bits = is_stochastic_v<Mode> && Fmt::has_inf && bits_encoder_ok<Fmt, Mode, float> &&
                                       stochastic_bits_encoder_ok<Fmt, Mode, float>;

template <class Fmt, class Mode>
FLOATLAB_HOST_DEVICE typename Fmt::storage mul_e8(std::uint64_t xb, std::uint64_t yb, std::uint32_t w) noexcept {
  static_assert(float_mul_e8_ok<Fmt, Mode>, "mul_e8: E = 8, bias 127, p <= 8");
  const float x = decode_to<Fmt, float>(xb), y = decode_to<Fmt, float>(yb);
  if constexpr (mul_e8_sr_bits<Fmt, Mode>) {
    const float f = x * y;
    constexpr float k117 = hw_pow2<float>(117);
    const float r = fma_h(x * k117, y, -(f * k117));
    const std::uint32_t small =
        std::uint32_t{0} - static_cast<std::uint32_t>((bit_cast<std::uint32_t>(f) & 0x7FFFFFFFu) <= 0x00800000u);
    const std::uint32_t not_nan = std::uint32_t{0} - static_cast<std::uint32_t>(r == r);
    return encode_bits_e<Fmt, Mode, float>(f, bit_cast<std::uint32_t>(r) & small & not_nan, w);
  }
  std::uint32_t fb = bit_cast<std::uint32_t>(x * y);
  const std::uint32_t xa = bit_cast<std::uint32_t>(x) & 0x7FFFFFFFu, ya = bit_cast<std::uint32_t>(y) & 0x7FFFFFFFu;
  const std::uint32_t fa = fb & 0x7FFFFFFFu;
  const bool finite_ops = (xa < 0x7F800000u) & (ya < 0x7F800000u);
  const bool nonzero_ops = (xa != 0) & (ya != 0);
  const std::uint32_t over = std::uint32_t{0} - static_cast<std::uint32_t>(finite_ops & (fa == 0x7F800000u));
  fb -= over & 1u;                                                  // +-inf -> +-FLT_MAX
  constexpr bool bits_enc = bits_encoder_ok<Fmt, Mode, float> && !is_stochastic_v<Mode>;
  // A nonzero product below 2^-150: +-2^-149, except for the bits encoder (f = +-0 of the
  // product's sign and r, the scaled product, of the same sign: a' = 0 plus the sticky bit, as
  // in mul_fd).
  if constexpr (!bits_enc) fb |= static_cast<std::uint32_t>(nonzero_ops & (fa == 0));
  if constexpr (is_stochastic_v<Mode>) w |= over;
  const float f = bit_cast<float>(fb);
  constexpr float k117 = hw_pow2<float>(117);
  const float r = fma_h(x * k117, y, -(f * k117));
  const std::uint32_t small = std::uint32_t{0} - static_cast<std::uint32_t>((fb & 0x7FFFFFFFu) <= 0x00800000u);
  if constexpr (bits_enc) {
    // The error as bits: r in the small lanes (NaN there only for a zero product with x 2^117
    // infinite: exact, cleared), f's sign (with a nonzero magnitude) where it overflowed.
    const std::uint32_t not_nan = std::uint32_t{0} - static_cast<std::uint32_t>(r == r);
    const std::uint32_t e = (bit_cast<std::uint32_t>(r) & small & not_nan) | (over & ((fb & 0x80000000u) | 1u));
    return encode_bits_e<Fmt, Mode, float>(f, e, w);
  }
  // The error sign as a word: sign_of(r) in the small lanes, f's sign (+-1) in the overflow lanes.
  const std::uint32_t es_small = static_cast<std::uint32_t>(sign_of(r)) & small;
  const std::uint32_t es_over = (static_cast<std::uint32_t>((fb >> 31) != 0 ? -1 : 1)) & over;
  return encode_fast<Fmt, Mode, float>(f, static_cast<int>(es_small | es_over), w);
}

// ---- quotients in the float domain (2 <= E <= 7) -------------------------------------------
// x' = x 2^k (the float-domain decode, no multiplication), y unscaled: q = RN24(x' / y) =
// RN24(x/y 2^k), the quotient's float-domain value rounded once (binary32's subnormals hold the
// format's subnormal range). Its error sign is that of r = x' - q y, computed as r 2^S =
// fma(-(q 2^S), y, x' 2^S) exactly, S = max(24, M - emin) (fd_div_scale): x' 2^S and q 2^S y
// are multiples of 2^-149 (ulp(x') >= 2^-149 and ulp(q) ulp(y) 2^S >= 2^(-149 + emin - M + S)
// >= 2^-149), and |r| < ulp(q) |y| (q is a correct rounding, subnormal or not), so r 2^S has
// fewer than 2^p units of that grid: one fma computes it exactly (Boldo-Muller 2011), and
// nothing overflows: |x'| < 2^(emax + 1 + k) <= 2^1, |q| < 2 / 2^(emin - M), so q 2^S < 2^(1 -
// emin + M + S) <= 2^127 (fd_div_ok; binary16 and the 8-bit formats: S = 24, cfloat<6,9>: 39).
// A nonzero quotient that rounds to zero (|x/y| 2^k < 2^-150) becomes +-2^-149 first;
// then |r| < ulp(q) |y| still holds (0 < |x'/y| < q) and the sign says x'/y lies below it.
// Quotients x'/inf = 0, 0/y, x'/0 = inf and NaNs are exact (error sign 0; r is 0 or NaN).
// The bits encoder (deterministic modes) needs no substitute: q = +-0 has the quotient's sign,
// and r (x' 2^S itself) the same sign, so a' = 0 with the sticky bit stands for x'/y (as in
// mul_fd); encode_from's stochastic rounding keeps it.
// Whether a float-domain path encodes with encode_bits (the deterministic modes), as encode_fast decides.
template <class Fmt, class Mode>
inline constexpr bool fd_bits_encoder = bits_encoder_ok<float_domain<Fmt>, Mode, float> && !is_stochastic_v<Mode>;

template <class Fmt>
inline constexpr int fd_div_scale = Fmt::fraction_bits - Fmt::emin > 24 ? Fmt::fraction_bits - Fmt::emin : 24;
template <class Fmt, class Mode>
inline constexpr bool fd_div_ok = float_domain_ok<Fmt> && twosum_float_ok<Fmt, Mode> &&
                                  1 - Fmt::emin + Fmt::fraction_bits + fd_div_scale<Fmt> <= 127 &&
                                  twosum_float_div_ok<Fmt, Mode>;

template <class Fmt, class Mode>
FLOATLAB_HOST_DEVICE typename Fmt::storage div_fd(std::uint64_t xb, std::uint64_t yb, std::uint32_t w) noexcept {
  using FD = float_domain<Fmt>;
  const float xs = decode_to<FD, float>(xb), y = decode_to<Fmt, float>(yb);
  std::uint32_t qb = bit_cast<std::uint32_t>(xs / y);
  if constexpr (!fd_bits_encoder<Fmt, Mode>) {
    const std::uint32_t xa = bit_cast<std::uint32_t>(xs) & 0x7FFFFFFFu, ya = bit_cast<std::uint32_t>(y) & 0x7FFFFFFFu;
    const bool nonzero_quotient = (xa != 0) & (xa < 0x7F800000u) & (ya < 0x7F800000u);
    qb |= static_cast<std::uint32_t>(nonzero_quotient & ((qb & 0x7FFFFFFFu) == 0));
  }
  const float q = bit_cast<float>(qb);
  constexpr float kS = hw_pow2<float>(fd_div_scale<Fmt>);
  const float r = fma_h(-(q * kS), y, xs * kS);
  const float ry = bit_cast<float>(static_cast<std::uint32_t>(bit_cast<std::uint32_t>(r) ^ (bit_cast<std::uint32_t>(y) & 0x80000000u)));
  return encode_fast<FD, Mode, float>(q, sign_of(ry), w);
}

// ---- products into the float domain (2 <= E <= 7) -------------------------------------------
// x' = x 2^k (the float-domain decode), y unscaled: f = RN24(x' y) = RN24(x y 2^k), the
// product's float-domain value rounded once (binary32's subnormals hold the format's subnormal
// range, where the product may be inexact; at and above 2^-126 its <= 2p <= 22 bits are exact).
// Its error sign is that of r = x' y - f, computed as r 2^25 = fma(x' 2^25, y, -(f 2^25))
// exactly: x' y is a multiple of 2^(-126 - M) 2^(emin - M) = 2^(emin - 2M - 126) and |r| <=
// 2^-150 (half binary32's subnormal quantum where f is inexact; r = 0 elsewhere), so r is at
// most 2^(2M - emin - 24) <= 2^24 units of that quantum (emin - 2M >= -48, fd_mul_ok): an
// integer of <= 24 bits times 2^(emin - 2M - 126 + 25) >= 2^-149 once scaled, representable.
// A nonzero product that rounds to zero needs no substitute: f = +-0 has the product's sign,
// r is the product itself, of the same sign, so a' = 0 with the sticky bit stands for it.
// Nothing overflows: |x'| < 2^(emax + 1 + k) <= 2, |y| < 2^(emax + 1) <= 2^64, |f| < 2^65.
// Infinite or NaN products are exact (r is NaN or 0; those lanes are the specials). Then f and
// the sign are the encoder's inputs in the float domain (no subnormal split: the bits encoder's
// sub_path is empty there). Proven by test_float_domain and test_encode_bits' [full] pairs.
template <class Fmt, class Mode>
inline constexpr bool fd_mul_ok = float_domain_ok<Fmt> && twosum_float_ok<Fmt, Mode> &&
                                  Fmt::emin - 2 * Fmt::fraction_bits >= -48;

template <class Fmt, class Mode>
FLOATLAB_HOST_DEVICE typename Fmt::storage mul_fd(std::uint64_t xb, std::uint64_t yb, std::uint32_t w) noexcept {
  static_assert(fd_mul_ok<Fmt, Mode>, "mul_fd: 2 <= E <= 7, emin - 2M >= -48");
  using FD = float_domain<Fmt>;
  const float xs = decode_to<FD, float>(xb), y = decode_to<Fmt, float>(yb);
  const float f = xs * y;
  constexpr float k25 = hw_pow2<float>(25);
  const float r = fma_h(xs * k25, y, -(f * k25));
  if constexpr (bits_encoder_ok<FD, Mode, float> && !is_stochastic_v<Mode>)
    return encode_bits_e<FD, Mode, float>(f, bit_cast<std::uint32_t>(r), w);
  else
    return encode_fast<FD, Mode, float>(f, sign_of(r), w);
}

// ---- E = 8 quotients in binary32 with a double residual (bfloat16) ---------------------------
// q = RN24(x / y) in binary32 (x, y, q floats: q normal, subnormal, 0 or inf), then the sign of
// x/y - q from r = x - q y in double, exact in one fma: q y has <= 24 + p bits, and r is a
// multiple of min(ulp(x), ulp(q) ulp(y)) >= 2^-282 of magnitude < ulp(q) |y| (q a correct
// rounding), fewer than 2^(p + 1) units of that grid, inside double's range. The ends, as in
// encode_narrow: a nonzero finite quotient that rounds to zero becomes +-2^-149 (r then still
// gives the side), one that overflows becomes +-FLT_MAX with the quotient's sign as the error
// sign (every value beyond rounds like FLT_MAX plus a sticky bit in the deterministic modes);
// stochastic modes: x/y >= 2^128 (|x| >= 2^128 |y| in double, exact) takes an all-ones word.
template <class Fmt, class Mode>
inline constexpr bool float_div_e8_ok = Fmt::exponent_bits == 8 && Fmt::bias == 127 && fits_hw<Fmt, float> &&
                                        bits_encoder_domain<Fmt, float> && twosum_float_ok<Fmt, Mode> &&
                                        double_path_ok<Fmt, Mode>;

//
// Deterministic modes and p <= 8 (bfloat16; eleventh session): no residual. q itself rounds
// like x/y. Every rounding boundary of these modes (grid points and midpoints) is m = K 2^k,
// |K| < 2^(p+1), k >= emin - M - 1 (-134); all are floats. For z = x/y != m, with x = X 2^a
// (X odd), y = Y 2^b (|Y| < 2^p): x - m y is a nonzero multiple of 2^min(a, k + b), so
//   k + b <= a: |z - m| >= 2^(k + b) / |y| > 2^(k - p), i.e. > 2^(e - 2p) >= |z| 2^(-2p-1) in
//     z's binade 2^e (normal range: k = e - p), and > 2^(-134 - p) = 2^-142 below 2^emin;
//   a < k + b: x - m y is an odd multiple of 2^a, |z - m| >= 2^a / |y| > |z| 2^-p (|X| < 2^p).
// RN24 moves z by at most 2^-24 |z| (normal floats) or 2^-150 (below 2^-126): less than both
// (p = 8: 2^-17 |z|, 2^-142), so q is a boundary only where z is (then q = z), and otherwise
// lies strictly between the same two consecutive boundaries as z (RN is monotone): every
// deterministic mode rounds q, read as exact, like z. The ends: a nonzero z that rounds to
// zero (|z| <= 2^-150) has the substitute 2^-149, inside the same interval (0, 2^-134); an
// overflow from finite operands (z >= 2^128 - 2^103) FLT_MAX, beyond max plus half an ulp as
// z is. Stochastic modes: div_e8_sr_q below for R = 4, 8 (2p + R <= 24); other R keep the
// residual (their boundaries are 2^R times finer). Proven on every bfloat16 pair in the five
// directed-like modes (test_encode_bits "one directed pair sweep" bf16-{rz,up,down,away,odd}-div,
// by hand; CI: test_float_domain, the range ends).
template <class Fmt, class Mode>
inline constexpr bool div_e8_exact_q = !is_stochastic_v<Mode> && Fmt::precision <= 8;
// Stochastic<4>/<8> with infinities, p <= 8 (bfloat16; eleventh session): q alone, without
// substitutes. The stochastic boundaries are m = K 2^k with |K| < 2^(p+R), k >= emin - M - R
// (-141), so the argument above gives |z - m| > 2^(k - p) = 2^(e - 2p - R + 1) >= 2^(e - 23)
// (2p + R <= 24) in z's binade 2^e, and > 2^(-141 - p) = 2^-149 below 2^emin, or > |z| 2^-p:
// more than RN24's error (2^(e - 24), 2^-150). So q and z have the same first R bits below the
// format's last place (the only thing stochastic<R> reads), or q = z. The ends need no
// substitute: 2^128 is such a boundary, so an overflowing q = inf means z >= 2^128 (nothing of
// [2^128 - 2^103, 2^128) is a quotient), infinite for every word; q = 0 from a nonzero z means
// |z| <= 2^-150, whose first R bits below 2^-133 are 0: zero for every word, as q.
template <class Fmt, class Mode>
inline constexpr bool div_e8_sr_q = is_stochastic_v<Mode> && Fmt::precision <= 8 && Fmt::has_inf &&
                                    2 * Fmt::precision + stochastic_bits_v<Mode> <= 24 &&
                                    bits_encoder_ok<Fmt, Mode, float> && stochastic_bits_encoder_ok<Fmt, Mode, float>;

template <class Fmt, class Mode>
FLOATLAB_HOST_DEVICE typename Fmt::storage div_e8(std::uint64_t xb, std::uint64_t yb, std::uint32_t w) noexcept {
  const float x = decode_to<Fmt, float>(xb), y = decode_to<Fmt, float>(yb);
  if constexpr (div_e8_sr_q<Fmt, Mode>) return encode_fast<Fmt, Mode, float>(x / y, 0, w);
  std::uint32_t qb = bit_cast<std::uint32_t>(x / y);
  const std::uint32_t xa = bit_cast<std::uint32_t>(x) & 0x7FFFFFFFu, ya = bit_cast<std::uint32_t>(y) & 0x7FFFFFFFu;
  const std::uint32_t qa = qb & 0x7FFFFFFFu;
  const bool finite_ops = (xa < 0x7F800000u) & (ya < 0x7F800000u);
  const bool nonzero_quotient = (xa != 0) & finite_ops;
  const std::uint32_t over = std::uint32_t{0} - static_cast<std::uint32_t>(finite_ops & (ya != 0) & (qa == 0x7F800000u));
  qb -= over & 1u;                                                       // +-inf -> +-FLT_MAX
  qb |= static_cast<std::uint32_t>(nonzero_quotient & (qa == 0));       // below 2^-150 -> +-2^-149
  const float q = bit_cast<float>(qb);
  if constexpr (div_e8_exact_q<Fmt, Mode>) return encode_fast<Fmt, Mode, float>(q, 0, w);
  const double xd = x, yd = y;
  const double r = fma_d(-static_cast<double>(q), yd, xd);
  using U = std::uint64_t;
  const double ry = bit_cast<double>(static_cast<U>(bit_cast<U>(r) ^ (bit_cast<U>(yd) & (U{1} << 63))));
  if constexpr (is_stochastic_v<Mode>) {
    constexpr double two128 = 340282366920938463463374607431768211456.0;
    const double ax = bit_cast<double>(static_cast<U>(bit_cast<U>(xd) & ~(U{1} << 63)));
    const double ay = bit_cast<double>(static_cast<U>(bit_cast<U>(yd) & ~(U{1} << 63)));
    const bool huge = (xa < 0x7F800000u) & (ax >= two128 * ay);
    w |= over & (std::uint32_t{0} - static_cast<std::uint32_t>(huge));
  }
  // The error sign: r's in every lane but the overflowing ones (there r is x - FLT_MAX y, of the
  // wrong magnitude but not always of the right sign), where it is the quotient's sign.
  const std::uint32_t es = (static_cast<std::uint32_t>(sign_of(ry)) & ~over) |
                           (static_cast<std::uint32_t>((qb >> 31) != 0 ? -1 : 1) & over);
  return encode_fast<Fmt, Mode, float>(q, static_cast<int>(es), w);
}

}  // namespace floatlab::detail
