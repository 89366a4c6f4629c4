// floatlab/tensor/simd.hpp: explicit SIMD forms of the float-lane rounding of lane.hpp.
//
// Width: 16 float lanes where the compiler targets AVX-512F (__AVX512F__), 8 under AVX2
// (__AVX2__, with FMA when __FMA__), else none: FLOATLAB_TENSOR_SIMD_WIDTH == 1 and every
// caller runs the scalar lanes of lane.hpp (the reference; always compiled). The vectors are
// GCC/Clang vector types (vector_size), which compile to the zmm / ymm instructions of the
// target; the 32 x 32 -> 64-bit products of Philox use _mm512_mul_epu32 / _mm256_mul_epu32.
//
// Each function here is lane.hpp's function of the same name with a _v suffix, written
// operation for operation on vectors: the same exact truncation with sticky bit, the same
// split at the format's last place into kept bits and a left-aligned 32-bit remainder, and
// the decision of detail::round_up<Mode> (rounding.hpp) transcribed on masks (round_up_v;
// the stochastic carry is stochastic_carry<R>'s sum of R remainder bits and R word bits).
// Nothing else decides. Every use is proven bit-identical to the scalar core (the exact
// integer kernels of cfloat.hpp) by tests/tensor_simd_check.cpp: every 8-bit input or pair,
// large random + edge sets (NaN, inf, subnormals, overflow, ties) of 16-bit ones; the test is
// built three times (x86-64, x86-64-v3, x86-64-v4) so that each width is what it checks.
// docs/tensor.md's fast-path table lists each path with its test.
//
// philox_word_v is philox_word (random.hpp) on lanes: the words do not depend on the width.
#pragma once

#include <cstdint>
#include <cstring>

#include "common.hpp"
#include "lane.hpp"

#if defined(__AVX512F__)
#define FLOATLAB_TENSOR_SIMD_WIDTH 16
#elif defined(__AVX2__)
#define FLOATLAB_TENSOR_SIMD_WIDTH 8
#else
#define FLOATLAB_TENSOR_SIMD_WIDTH 1
#endif

#if FLOATLAB_TENSOR_SIMD_WIDTH > 1
#include <immintrin.h>
#endif

// The binary16 conversions vcvtph2ps / vcvtps2ph: part of AVX-512F at width 16, a separate
// extension (F16C, __F16C__) under AVX2, which -mavx2 alone or -march=x86-64-v3 -mno-f16c
// leaves off. Without them binary16 takes the general lanes: rn_f16c_ok is false, the F16C
// helpers cvt_ph / cvt_ps are not declared, and rn_quantize_ok excludes the binary16 shape (the
// add-a-constant form would round it too, but no test proves it there: with F16C it never runs).
#if FLOATLAB_TENSOR_SIMD_WIDTH == 16 || (FLOATLAB_TENSOR_SIMD_WIDTH == 8 && defined(__F16C__))
#define FLOATLAB_TENSOR_SIMD_F16C 1
#else
#define FLOATLAB_TENSOR_SIMD_F16C 0
#endif

// Everything below is compiled for one width, chosen by the TU's -march: it lives in an inline
// namespace named after the width (simd_w16, simd_w8, simd_w1), so TUs of different widths
// linked into one program never share a symbol of it (the same-named inline functions and
// template instances would otherwise be merged by the linker, ODR, with one TU's instructions
// running in the others). Callers name it as before (detail::quantize_run, detail::simd::...).
// AVX2 without F16C is a namespace of its own (simd_w8n): its binary16 kernels differ.
#if FLOATLAB_TENSOR_SIMD_WIDTH == 16
#define FLOATLAB_TENSOR_SIMD_ABI simd_w16
#elif FLOATLAB_TENSOR_SIMD_WIDTH == 8 && FLOATLAB_TENSOR_SIMD_F16C
#define FLOATLAB_TENSOR_SIMD_ABI simd_w8
#elif FLOATLAB_TENSOR_SIMD_WIDTH == 8
#define FLOATLAB_TENSOR_SIMD_ABI simd_w8n
#else
#define FLOATLAB_TENSOR_SIMD_ABI simd_w1
#endif

namespace floatlab::tensor::detail {
inline namespace FLOATLAB_TENSOR_SIMD_ABI {
#undef FLOATLAB_TENSOR_SIMD_ABI  // a helper of the line above only

inline constexpr int simd_width = FLOATLAB_TENSOR_SIMD_WIDTH;

#if FLOATLAB_TENSOR_SIMD_WIDTH > 1
namespace simd {

constexpr int W = FLOATLAB_TENSOR_SIMD_WIDTH;
typedef float vf __attribute__((vector_size(4 * W)));
typedef std::uint32_t vu __attribute__((vector_size(4 * W)));
typedef std::int32_t vi __attribute__((vector_size(4 * W)));  // also the masks: -1 true, 0 false
typedef std::uint16_t vu16 __attribute__((vector_size(2 * W)));
typedef std::uint8_t vu8 __attribute__((vector_size(W)));

inline vu U(std::uint32_t x) noexcept { return vu{} + x; }
inline vi I(std::int32_t x) noexcept { return vi{} + x; }
// A broadcast (vbroadcastss): not vf{} + x, where +0 + -0 would lose the sign of a zero, nor
// a loop over the lanes, which GCC compiles to one masked broadcast per lane.
inline vf F(float x) noexcept {
#if FLOATLAB_TENSOR_SIMD_WIDTH == 16
  return (vf)_mm512_set1_ps(x);
#else
  return (vf)_mm256_set1_ps(x);
#endif
}
// Bit casts between vector types of one size (GCC and Clang define these casts as reinterpretations).
inline vu as_u(vf x) noexcept { return (vu)x; }
inline vu as_u(vi x) noexcept { return (vu)x; }
inline vi as_i(vu x) noexcept { return (vi)x; }
inline vi as_i(vf x) noexcept { return (vi)x; }
inline vf as_f(vu x) noexcept { return (vf)x; }
inline vi vmin(vi a, vi b) noexcept { return a < b ? a : b; }
inline vi vmax(vi a, vi b) noexcept { return a > b ? a : b; }
inline vu sel(vi m, vu a, vu b) noexcept { return m ? a : b; }
inline vi seli(vi m, vi a, vi b) noexcept { return m ? a : b; }
inline vf self(vi m, vf a, vf b) noexcept { return m ? a : b; }
inline vi iota() noexcept {
  vi r{};
  for (int l = 0; l < W; ++l) r[l] = l;
  return r;
}

// Every lane of the mask true.
inline bool all_true(vi m) noexcept {
#if FLOATLAB_TENSOR_SIMD_WIDTH == 16
  return _mm512_test_epi32_mask((__m512i)m, (__m512i)m) == 0xFFFF;
#else
  return _mm256_movemask_ps((__m256)m) == 0xFF;
#endif
}

inline vf load(const float* p) noexcept {
  vf v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store(float* p, vf v) noexcept { std::memcpy(p, &v, sizeof v); }
inline vu loadu32(const std::uint32_t* p) noexcept {
  vu v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void storeu32(std::uint32_t* p, vu v) noexcept { std::memcpy(p, &v, sizeof v); }
// Codes of 8, 16 or 32 bits (storage S, read from any array of cfloat or storage words),
// widened to 32-bit lanes and back.
// The widening and the narrowing (truncating, as __builtin_convertvector) are the zero-extend
// and pack instructions (maskz_ forms with a full mask, as above): GCC 12 compiles __builtin_convertvector of 8-bit vectors to a byte
// extract and insert per lane (half the time of e4m3 add, perf).
template <class S>
inline vu load_codes(const void* p) noexcept {
  static_assert(sizeof(S) == 1 || sizeof(S) == 2 || sizeof(S) == 4, "load_codes: 8-, 16- or 32-bit codes");
  if constexpr (sizeof(S) == 1) {
#if FLOATLAB_TENSOR_SIMD_WIDTH == 16
    return (vu)_mm512_maskz_cvtepu8_epi32(0xFFFF, _mm_loadu_si128(static_cast<const __m128i*>(p)));
#else
    return (vu)_mm256_cvtepu8_epi32(_mm_loadl_epi64(static_cast<const __m128i*>(p)));
#endif
  } else if constexpr (sizeof(S) == 2) {
#if FLOATLAB_TENSOR_SIMD_WIDTH == 16
    return (vu)_mm512_maskz_cvtepu16_epi32(0xFFFF, _mm256_loadu_si256(static_cast<const __m256i*>(p)));
#else
    return (vu)_mm256_cvtepu16_epi32(_mm_loadu_si128(static_cast<const __m128i*>(p)));
#endif
  } else {
    vu v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }
}
template <class S>
inline void store_codes(void* p, vu v) noexcept {
  if constexpr (sizeof(S) == 1) {
#if FLOATLAB_TENSOR_SIMD_WIDTH == 16
    _mm_storeu_si128(static_cast<__m128i*>(p), _mm512_maskz_cvtepi32_epi8(0xFFFF, (__m512i)v));
#else
    const __m256i m = (__m256i)(v & 0xFFu);
    const __m256i w = _mm256_packus_epi32(m, m);  // per 128-bit half: its 4 codes, twice
    const __m256i b = _mm256_packus_epi16(w, w);
    _mm_storel_epi64(static_cast<__m128i*>(p), _mm_unpacklo_epi32(_mm256_castsi256_si128(b), _mm256_extracti128_si256(b, 1)));
#endif
  } else if constexpr (sizeof(S) == 2) {
#if FLOATLAB_TENSOR_SIMD_WIDTH == 16
    _mm256_storeu_si256(static_cast<__m256i*>(p), _mm512_maskz_cvtepi32_epi16(0xFFFF, (__m512i)v));
#else
    const __m256i m = (__m256i)(v & 0xFFFFu);
    const __m256i w = _mm256_packus_epi32(m, m);
    _mm_storeu_si128(static_cast<__m128i*>(p), _mm_unpacklo_epi64(_mm256_castsi256_si128(w), _mm256_extracti128_si256(w, 1)));
#endif
  } else {
    std::memcpy(p, &v, sizeof v);
  }
}
inline vf vsqrt(vf x) noexcept {
#if FLOATLAB_TENSOR_SIMD_WIDTH == 16
  const __m512 r = _mm512_maskz_sqrt_ps(0xFFFF, (__m512)x);
#else
  const __m256 r = _mm256_sqrt_ps((__m256)x);
#endif
  return (vf)r;
}

// 2^e as floats for -149 <= e <= 127 (lane.hpp's pow2f).
inline vf pow2f_v(vi e) noexcept {
  const vu normal = as_u(e + 127) << 23;
  const vu sub = U(1) << as_u((e + 149) & 31);
  return as_f(sel(e >= -126, normal, sub));
}

// detail::round_up<Mode>(negative, kept_odd, rem, sticky, word) on lanes (masks in, mask out).
template <class Mode>
inline vi round_up_v(vi negative, vi kept_odd, vu rem, vi sticky, vu word) noexcept {
  const vu half = U(0x80000000u);
  const vi inexact = (rem != 0) | sticky;
  if constexpr (std::is_same_v<Mode, round::nearest_even>) {
    return (rem > half) | ((rem == half) & (sticky | kept_odd));
  } else if constexpr (std::is_same_v<Mode, round::nearest_away>) {
    return rem >= half;
  } else if constexpr (std::is_same_v<Mode, round::toward_zero>) {
    (void)inexact, (void)negative, (void)kept_odd, (void)word;
    return I(0);
  } else if constexpr (std::is_same_v<Mode, round::upward>) {
    return ~negative & inexact;
  } else if constexpr (std::is_same_v<Mode, round::downward>) {
    return negative & inexact;
  } else if constexpr (std::is_same_v<Mode, round::odd>) {
    return inexact & ~kept_odd;
  } else {
    constexpr int R = Mode::bits;  // stochastic_carry<R>: (f + r) >> R, f and r the top R bits
    if constexpr (R < 32) {
      return ((rem >> (32 - R)) + (word >> (32 - R))) >> R != 0;
    } else {
      return (rem + word) < rem;  // the carry out of 32 bits
    }
  }
}

inline vu flag_if(vi m, std::uint32_t f) noexcept { return as_u(m) & f; }
inline vi is_finite(vf v) noexcept { return (as_u(v) & 0x7F800000u) != 0x7F800000u; }
inline vi is_nan(vf v) noexcept { return (as_u(v) & 0x7FFFFFFFu) > 0x7F800000u; }

// The bits path of round_lane_v (below): the same rounding, on the float's bit pattern, for
// blocks whose lanes all hold 0 or a finite magnitude of at least two quanta of Fmt
// (2^(emin - M + 1)), after step 1's truncation. There the format's last place lies
// d = max(23 - M, emin - M + 150 - max(field, 1)) <= 22 bits above the float's, inside the
// fraction field: the kept bits of the pattern (pattern >> d) differ from round_lane_v's
// kept significand bits (sig >> d) by (field - 1) << (23 - d), an even number, so they have
// its parity, and adding an increment below 2^d to the pattern carries exactly where
// round_lane_v's k2 = kept + up does (a carry out of the fraction field is the next binade,
// k2 << d = 2^24). The increment is round_up_v's decision in closed form: nearest even
// (2^(d-1) - 1 + (kept odd | sticky)), nearest away (2^(d-1)), upward / downward (2^d - 1 +
// sticky on their side), odd (the kept bit set when anything is lost), stochastic<R> (the
// top R word bits aligned under the R remainder bits: a carry exactly when their sum reaches
// 2^R). Overflow, zero and the flags are round_lane_v's tests on the result. Formats without
// subnormals (flush after rounding) and M = 23 keep the general path. Returns false, and
// touches nothing, when a lane is outside that range (the caller takes the general path).
template <class Fmt, class Mode>
inline constexpr bool bits_path_ok = lane_ok<Fmt> && Fmt::has_subnormals && Fmt::fraction_bits <= 22;

// The range of the bits path as magnitude patterns [lo, lo + span): the widest one
// (bits_range_wide: two quanta up to infinity) and, for GEMM's lane kernel while the call's
// underflow / overflow flags are not yet known, narrower ones (bits_range below).
struct bits_range {
  std::uint32_t lo, span;
};
template <class Fmt>
inline bits_range bits_range_wide() noexcept {
  const std::uint32_t two_q = fbits(pow2f(Fmt::emin - Fmt::fraction_bits + 1));
  return {two_q, 0x7F800000u - two_q};
}
// Without tiny lanes (magnitude >= 2^emin) unless underflow is known, without lanes whose
// truncation reaches the largest finite value unless overflow is known: inside, a rounding can
// raise inexact only (it cannot overflow: a truncation below the largest finite value M and
// an exact value below the next float, so below or at M, rounds to at most M).
template <class Fmt>
inline bits_range bits_range_for(std::uint32_t known) noexcept {
  const bits_range w = bits_range_wide<Fmt>();
  const std::uint32_t lo = (known & status::underflow) ? w.lo : fbits(pow2f(Fmt::emin));
  const std::uint32_t hi = (known & status::overflow) ? 0x7F800000u : fbits(max_finite_float<Fmt>());
  return {lo, hi - lo};
}

template <class Fmt, class Mode>
__attribute__((always_inline)) inline bool round_bits_v(vf s, vf e, vu word, vi overflowed, vu& flags, vf& out,
                                                        bits_range range) noexcept {
  constexpr int M = Fmt::fraction_bits;
  const vu b = as_u(s);
  const vi negative = as_i(b) < 0;
  const vi sticky = e != 0.0f;
  const vu mag0 = b & 0x7FFFFFFFu;
  // round_lane_v's step 1. An infinite s (whose e may be NaN, hence "sticky") is tested on
  // its own magnitude: the truncation would make it look finite.
  const vu mag = mag0 - (as_u(sticky & ((as_i(as_u(e) ^ b)) < 0)) & 1u);
  const vi ok = (((mag - range.lo) < range.span) & (mag0 < 0x7F800000u)) | ((mag == 0) & ~sticky);
  if (!all_true(ok & ~overflowed)) return false;
  const vi field = as_i(mag >> 23);
  const vi d = vmin(vmax(I(Fmt::emin - M + 150) - vmax(field, I(1)), I(23 - M)), I(22));  // zero lanes: any d
  const vu du = as_u(d);
  const vu unit = U(1) << du;
  const vu mask = unit - 1u;
  const vu rem = mag & mask;
  const vu st1 = as_u(sticky) & 1u;
  vu inc;
  if constexpr (std::is_same_v<Mode, round::nearest_even>) {
    inc = (mask >> 1) + (((mag >> du) | st1) & 1u);
  } else if constexpr (std::is_same_v<Mode, round::nearest_away>) {
    inc = unit >> 1;
  } else if constexpr (std::is_same_v<Mode, round::toward_zero> || std::is_same_v<Mode, round::odd>) {
    inc = U(0);
  } else if constexpr (std::is_same_v<Mode, round::upward>) {
    inc = (mask + st1) & ~as_u(negative);
  } else if constexpr (std::is_same_v<Mode, round::downward>) {
    inc = (mask + st1) & as_u(negative);
  } else {
    constexpr int R = Mode::bits;
    // d >= R: (word >> (32 - R)) << (d - R); d < R (and R = 32): word >> (32 - d).
    const vu low = word >> as_u(32 - d);
    if constexpr (R < 32) inc = sel(d >= R, (word >> (32 - R)) << as_u(vmax(d - R, I(0))), low);
    else inc = low;
  }
  vu rm = (mag + inc) & ~mask;
  const vi lost = (rem != 0) | sticky;
  if constexpr (std::is_same_v<Mode, round::odd>) rm |= as_u(lost) & unit;
  const vi ovf = rm > fbits(max_finite_float<Fmt>());
  const vu sign = b & 0x80000000u;
  vu r = sel(rm == 0, Fmt::has_negative_zero ? sign : U(0), rm | sign);
  r = sel(ovf, sel(negative, U(fbits(overflow_value<Fmt, Mode>(true))), U(fbits(overflow_value<Fmt, Mode>(false)))), r);
  const vi tiny = mag < fbits(pow2f(Fmt::emin));
  flags |= flag_if(lost | ovf, status::inexact) | flag_if(lost & tiny & ~ovf, status::underflow) | flag_if(ovf, status::overflow);
  out = as_f(r);
  return true;
}
template <class Fmt, class Mode>
__attribute__((always_inline)) inline bool round_bits_v(vf s, vf e, vu word, vi overflowed, vu& flags, vf& out) noexcept {
  return round_bits_v<Fmt, Mode>(s, e, word, overflowed, flags, out, bits_range_wide<Fmt>());
}

// round_lane on lanes: x = s + e rounded to Fmt in Mode (lane.hpp), overflowed a mask.
// status flag bits per lane (round_lane_flags), ORed into flags. round_lane_v (below) sends
// blocks in the range of the bits path above there (the same bits, fewer operations) and the
// others here, out of line (code size: the kernels inline only the bits path).
// Conv: the flags of a conversion (convert_status: an infinity or NaN without an image in Fmt
// is invalid); false: of an arithmetic result (finish_status: no flag for an exact infinity or
// a NaN; the caller flags a NaN made from non-NaN operands).
template <class Fmt, class Mode, bool Conv = true>
inline vf round_lane_general_v(vf s, vf e, vu word, vi overflowed, vu& flags) noexcept {
  static_assert(lane_ok<Fmt>, "round_lane_v: the format must live in float (E <= 8, p <= 24)");
  constexpr int M = Fmt::fraction_bits;
  if constexpr (lane_is_float_rn<Fmt, Mode>) {
    (void)word;
    // e != 0 only for a finite s (TwoSum of an infinite operand gives a NaN e).
    const vi inexact = ((e != 0.0f) & ((as_u(s) & 0x7F800000u) != 0x7F800000u)) | overflowed;
    const vi tiny = (as_u(s) & 0x7FFFFFFFu) < 0x00800000u;
    flags |= flag_if(inexact, status::inexact) | flag_if(inexact & tiny, status::underflow) | flag_if(overflowed, status::overflow);
    return s;
  } else {
    const vu b = as_u(s);
    const vi negative = as_i(b) < 0;
    vu mag = b & 0x7FFFFFFFu;
    const vi is_nan = mag > 0x7F800000u;
    const vi is_inf = mag == 0x7F800000u;
    const vi sticky = e != 0.0f;
    // 1. Exact truncation toward zero: one float ulp down when the error points inward.
    mag -= as_u(sticky & ((as_i(as_u(e) ^ b)) < 0)) & 1u;
    // 2. Significand, exponent of its bit 0 and of its leading bit.
    const vi field = as_i(mag >> 23);
    const vi normal_x = field != 0;
    const vu sig = sel(normal_x, (mag & 0x7FFFFFu) | 0x800000u, mag);
    const vi lsb_x = seli(normal_x, field - 150, I(-149));
    const vi field_s = as_i(as_u(as_f(mag) * 18446744073709551616.0f) >> 23);
    const vi lead = seli(normal_x, field - 127, field_s - 127 - 64);
    // 3. The format's last place.
    vi lsb_t = lead - M;
    if constexpr (Fmt::has_subnormals) lsb_t = vmax(lsb_t, I(Fmt::emin - M));
    const vi drop = vmax(lsb_t - lsb_x, I(0));
    lsb_t = lsb_x + drop;
    const vi dclamp = vmin(drop, I(56));
    // 4. Kept bits, left-aligned remainder, sticky (no shift count reaches 32).
    const vi d1 = vmin(dclamp, I(32));
    const vi d2 = vmax(dclamp - 32, I(0));
    const vu kept = sel(d1 >= 32, U(0), sig >> as_u(d1 & 31));
    const vu rem_a = sel(d1 == 0, U(0), sig << as_u((32 - d1) & 31));
    const vu rem_b = sig >> as_u(d2);
    const vi lost = (sig & ((U(1) << as_u(d2)) - 1u)) != 0;
    const vu rem = sel(dclamp <= 32, rem_a, rem_b);
    const vi st = sticky | ((dclamp > 32) & lost);
    const vi up = round_up_v<Mode>(negative, as_i(kept & 1u) != 0, rem, st, word);
    const vu k2 = kept + (as_u(up) & 1u);
    // 5. Value, then the range.
    const vi lsb_c = vmin(lsb_t, I(127));
    const vf mag_r = __builtin_convertvector(as_i(k2), vf) * pow2f_v(lsb_c);
    const vu sign = b & 0x80000000u;
    vu r = as_u(mag_r) | sign;
    const vu zero = Fmt::has_negative_zero ? sign : U(0);
    vi is_zero = k2 == 0;
    if constexpr (!Fmt::has_subnormals) is_zero = is_zero | (mag_r < pow2f(Fmt::emin));
    r = sel(is_zero, zero, r);
    const vu ovf = sel(negative, U(fbits(overflow_value<Fmt, Mode>(true))), U(fbits(overflow_value<Fmt, Mode>(false))));
    const vu inf = sel(negative, U(fbits(inf_value<Fmt>(true))), U(fbits(inf_value<Fmt>(false))));
    const vi ovf_m = (mag_r > max_finite_float<Fmt>()) | overflowed;
    r = sel(ovf_m, ovf, r);
    r = sel(is_inf & ~overflowed, inf, r);
    r = sel(is_nan, U(fbits(nan_value<Fmt>())), r);
    // Flags (round_lane_flags).
    const vi finite = ~(is_nan | is_inf) | overflowed;
    const vi lost_any = (rem != 0) | st;
    vi flushed = I(0);
    if constexpr (!Fmt::has_subnormals) flushed = is_zero & (k2 != 0);
    const vi tiny = lead < Fmt::emin;
    const vu f = flag_if(lost_any | flushed | ovf_m, status::inexact) | flag_if(((lost_any & tiny) | flushed) & ~ovf_m, status::underflow) |
                 flag_if(ovf_m, status::overflow);
    flags |= as_u(finite) & f;
    if constexpr (Conv) {
      vi no_image = I(0);
      if constexpr (!Fmt::has_inf) no_image = no_image | (is_inf & ~overflowed);
      if constexpr (!Fmt::has_nan) no_image = no_image | is_nan;
      flags |= flag_if(no_image, status::invalid);
    }
    return as_f(r);
  }
}
template <class Fmt, class Mode, bool Conv = true>
__attribute__((noinline)) vf round_lane_slow_v(vf s, vf e, vu word, vi overflowed, vu& flags) noexcept {
  return round_lane_general_v<Fmt, Mode, Conv>(s, e, word, overflowed, flags);
}
template <class Fmt, class Mode>
__attribute__((always_inline)) inline vf round_lane_v(vf s, vf e, vu word, vi overflowed, vu& flags) noexcept {
  if constexpr (!lane_is_float_rn<Fmt, Mode> && bits_path_ok<Fmt, Mode>) {
    vf fast;
    if (__builtin_expect(round_bits_v<Fmt, Mode>(s, e, word, overflowed, flags, fast), 1)) return fast;
    return round_lane_slow_v<Fmt, Mode>(s, e, word, overflowed, flags);
  } else {
    return round_lane_general_v<Fmt, Mode>(s, e, word, overflowed, flags);
  }
}
template <class Fmt, class Mode>
inline vf round_lane_v(vf s, vf e, vu word, vi overflowed) noexcept {
  vu flags = U(0);
  return round_lane_v<Fmt, Mode>(s, e, word, overflowed, flags);
}
template <class Fmt, class Mode>
inline vf round_lane_v(vf s, vu word) noexcept {
  return round_lane_v<Fmt, Mode>(s, F(0.0f), word, I(0));
}
template <class Fmt, class Mode>
inline vf round_lane_v(vf s, vu word, vu& flags) noexcept {
  return round_lane_v<Fmt, Mode>(s, F(0.0f), word, I(0), flags);
}

// add_lane on lanes: a + b (Fmt values as floats) rounded to Fmt, TwoSum for the error.
template <class Fmt, class Mode>
inline vf add_lane_v(vf a, vf b, vu word, vu& flags) noexcept {
  const vf s = a + b;
  const vf bv = s - a;
  const vf e = (a - (s - bv)) + (b - bv);
  const vi finite_in = ((as_u(a) & 0x7F800000u) != 0x7F800000u) & ((as_u(b) & 0x7F800000u) != 0x7F800000u);
  const vi ovf = finite_in & ((as_u(s) & 0x7FFFFFFFu) == 0x7F800000u);
  const vf ee = self(ovf, F(0.0f), e);
  if constexpr (lane_is_float_rn<Fmt, Mode>) {
    round_lane_v<Fmt, Mode>(s, ee, word, ovf, flags);
    return s;
  } else {
    const vf r = round_lane_v<Fmt, Mode>(s, ee, word, ovf, flags);
    // Exact zero sum: IEEE 754 6.3's sign for the mode (zero_sum_sign).
    const vi sa = as_i(a) < 0, sb = as_i(b) < 0;
    const vi zs = std::is_same_v<Mode, round::downward> ? (sa | sb) : (sa & sb);
    const vf zero = self(zs, F(zero_value<Fmt>(true)), F(zero_value<Fmt>(false)));
    return self(s == 0.0f, zero, r);
  }
}
template <class Fmt, class Mode>
inline vf add_lane_v(vf a, vf b, vu word) noexcept {
  vu flags = U(0);
  return add_lane_v<Fmt, Mode>(a, b, word, flags);
}

template <class Fmt, class Mode>
inline vf fma_lane_v(vf a, vf b, vf c, vu word) noexcept {
  return add_lane_v<Fmt, Mode>(a * b, c, word);
}
template <class Fmt, class Mode>
inline vf fma_lane_v(vf a, vf b, vf c, vu word, vu& flags) noexcept {
  return add_lane_v<Fmt, Mode>(a * b, c, word, flags);
}
inline std::uint32_t reduce_or(vu f) noexcept {
  std::uint32_t r = 0;
  for (int l = 0; l < W; ++l) r |= f[l];
  return r;
}

// lane_decode on lanes: codes (one per 32-bit lane) -> float values.
// Always inlined: GCC 12 otherwise calls it from the three-operand kernels (a third of e5m2
// fma, its vectors passed through memory).
template <class Fmt>
__attribute__((always_inline)) inline vf lane_decode_v(vu bits) noexcept {
  constexpr int M = Fmt::fraction_bits;
  const vi negative = (bits & static_cast<std::uint32_t>(Fmt::sign_mask)) != 0;
  const vu field = (bits & static_cast<std::uint32_t>(Fmt::exponent_mask)) >> M;
  const vu frac = bits & static_cast<std::uint32_t>(Fmt::fraction_mask);
  const vu sign = sel(negative, U(0x80000000u), U(0));
  vu r;
  if constexpr (Fmt::exponent_bits == 8 && Fmt::bias == 127 && Fmt::has_subnormals) {
    // float's exponent field (bfloat16): every finite code's magnitude bits, shifted to float's
    // fraction, are its float bits, subnormals included (frac * 2^(-126 - M) is the float
    // subnormal frac << (23 - M)); no multiply by the subnormal 2^(emin - M), which costs a
    // microcode assist per block on this AMD core (26% of bfloat16 add, perf).
    (void)field, (void)frac;
    r = sign | ((bits & static_cast<std::uint32_t>(Fmt::magnitude_mask)) << (23 - M));
  } else {
    const vu normal = sign | ((field + static_cast<std::uint32_t>(127 - Fmt::bias)) << 23) | (frac << (23 - M));
    vf sub = F(0.0f);
    // Only subnormal fractions are scaled (float subnormal products cost microcode assists).
    if constexpr (Fmt::has_subnormals) sub = __builtin_convertvector(as_i(sel(field == 0, frac, U(0))), vf) * pow2f(Fmt::emin - M);
    sub = as_f(as_u(sub) | sign);
    r = sel(as_i(field) == 0, as_u(sub), normal);
  }
  if constexpr (Fmt::has_inf)
    r = sel((bits & static_cast<std::uint32_t>(Fmt::magnitude_mask)) == static_cast<std::uint32_t>(Fmt::inf_bits), sign | 0x7F800000u, r);
  if constexpr (Fmt::special == encoding::specials::ieee)
    r = sel((field == static_cast<std::uint32_t>(Fmt::field_max)) & (frac != 0), U(0x7FC00000u), r);
  else if constexpr (Fmt::special == encoding::specials::nan_at_all_ones)
    r = sel((bits & static_cast<std::uint32_t>(Fmt::magnitude_mask)) == static_cast<std::uint32_t>(Fmt::magnitude_mask), U(0x7FC00000u), r);
  else if constexpr (Fmt::special == encoding::specials::nan_at_negative_zero)
    r = sel(bits == static_cast<std::uint32_t>(Fmt::sign_mask), U(0x7FC00000u), r);
  return as_f(r);
}

// lane_encode on lanes: float values of Fmt (or inf/NaN) -> codes in 32-bit lanes.
template <class Fmt>
inline vu lane_encode_v(vf v) noexcept {
  constexpr int M = Fmt::fraction_bits;
  const vu b = as_u(v);
  const vi negative = as_i(b) < 0;
  const vu mag = b & 0x7FFFFFFFu;
  const vf av = as_f(mag);
  const vu normal = ((mag >> 23) - static_cast<std::uint32_t>(127 - Fmt::bias)) << M | ((mag & 0x7FFFFFu) >> (23 - M));
  // Subnormal: |v| / quantum, an integer below 2^M (two exact scalings when 2^(M - emin) is
  // beyond float's range).
  constexpr int up = M - Fmt::emin;
  vf q = av;
  if constexpr (up > 127) q = q * pow2f(64) * pow2f(up - 64);
  else q = q * pow2f(up);
  const vu sub = as_u(__builtin_convertvector(q, vi));
  const vu m = sel(av < pow2f(Fmt::emin), sub, normal);
  vu r = sel(negative, U(static_cast<std::uint32_t>(Fmt::sign_mask)), U(0)) | m;
  r = sel(m == 0, sel(negative, U(floatlab::detail::pack_zero<Fmt>(true)), U(floatlab::detail::pack_zero<Fmt>(false))), r);
  r = sel(mag == 0x7F800000u, sel(negative, U(floatlab::detail::pack_inf<Fmt>(true)), U(floatlab::detail::pack_inf<Fmt>(false))), r);
  r = sel(mag > 0x7F800000u, U(static_cast<std::uint32_t>(floatlab::detail::pack_nan<Fmt>())), r);
  return r;
}

// ---- nearest even of float lanes, the quantize fast path -----------------------------------
// rn_quantize_v<Fmt>(x, y, h, acc): y = x (a float, no error term) rounded to Fmt, nearest
// even, for blocks without NaN, infinities or (the add form) |x| >= 2^(104 + M), where the
// constant below would not be finite; those return false and touch nothing (the caller takes
// round_lane_v). Two forms:
//  - binary16 (F16C): vcvtps2ph with the rounding in its immediate (nearest even) and
//    vcvtph2ps back, IEEE 754's conversion to binary16, subnormals and overflow to inf included
//    (h: the binary16 codes).
//  - any other Fmt with subnormals and a negative zero, M <= 21: the quantum of x's binade
//    (2^(e - M), e = max(exponent of x, emin)) is the last place of C = 1.5 * 2^(e + 23 - M),
//    and |x| + C stays in C's binade when M <= 21 (|x| < 2^(e + 1) <= C / 3), so the float sum
//    is C + RN(|x|) with RN to that quantum, ties to even (C / quantum = 1.5 * 2^23 is even),
//    and (|x| + C) - C = RN(|x|) exactly; a rounding up to 2^(e + 1) is that value. x's sign is
//    ORed back (RN is symmetric; a negative x rounding to zero is -0). C is built from x's exponent field by integer
//    max and add. A result above Fmt's largest finite value (unbounded exponent, as
//    round_lane_v's mag_r) becomes overflow_value<Fmt, nearest_even> with x's sign.
// Both equal round_lane_v<Fmt, nearest_even> (and convert) bit for bit on every lane they
// accept; flags: inexact where y != x, underflow where also |x| < 2^emin (round_bits_v's tiny,
// before rounding) and no overflow, overflow where the rounded magnitude passes the largest
// finite value. acc collects x ^ y of all lanes, of the tiny lanes and the overflow masks;
// rn_flags maps them to status bits.
// The binary16 shape (IEEE binary16 with subnormals, not saturating), and rn_f16c_ok: that
// shape where the build has the F16C conversions (FLOATLAB_TENSOR_SIMD_F16C). Without F16C
// rn_quantize_ok excludes the shape (the general lanes take binary16).
template <class Fmt>
inline constexpr bool is_binary16_shape = Fmt::exponent_bits == 5 && Fmt::fraction_bits == 10 && Fmt::has_subnormals &&
                                          Fmt::special == encoding::specials::ieee && !Fmt::saturates;
template <class Fmt>
inline constexpr bool rn_f16c_ok = FLOATLAB_TENSOR_SIMD_F16C && is_binary16_shape<Fmt>;
template <class Fmt>
inline constexpr bool rn_quantize_ok =
    lane_ok<Fmt> && (rn_f16c_ok<Fmt> || (!is_binary16_shape<Fmt> && Fmt::has_subnormals && Fmt::has_negative_zero &&
                                         Fmt::fraction_bits <= 21));
// The smallest exponent field (as float bits) that rn_quantize_v declines.
template <class Fmt>
inline std::uint32_t rn_decline_bits() noexcept {
  if constexpr (rn_f16c_ok<Fmt>) return 0x7F800000u;
  const std::uint32_t c_ok = static_cast<std::uint32_t>(104 + Fmt::fraction_bits + 127) << 23;
  return c_ok < 0x7F800000u ? c_ok : 0x7F800000u;
}
#if FLOATLAB_TENSOR_SIMD_WIDTH == 16
typedef __m256i vh;  // W binary16 codes
// maskz_ forms with a full mask: GCC 12's plain forms read _mm512_undefined (-Wmaybe-uninitialized).
inline vh cvt_ph(vf x) noexcept { return _mm512_maskz_cvtps_ph(0xFFFF, (__m512)x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
inline vf cvt_ps(vh h) noexcept { return (vf)_mm512_maskz_cvtph_ps(0xFFFF, h); }
inline bool any_true(vi m) noexcept { return _mm512_test_epi32_mask((__m512i)m, (__m512i)m) != 0; }
// Some lane a > b (unsigned): the compare straight into a mask (GCC makes a vector of the
// compare's mask and tests it again).
inline bool any_above(vu a, vu b) noexcept { return _mm512_cmpgt_epu32_mask((__m512i)a, (__m512i)b) != 0; }
// acc | d in the lanes where a < b (unsigned), else acc: one masked OR.
inline vu or_where_below(vu acc, vu a, vu b, vu d) noexcept {
  return (vu)_mm512_mask_or_epi32((__m512i)acc, _mm512_cmplt_epu32_mask((__m512i)a, (__m512i)b), (__m512i)acc, (__m512i)d);
}
#else
typedef __m128i vh;  // W binary16 codes (only the F16C build fills them)
#if FLOATLAB_TENSOR_SIMD_F16C
inline vh cvt_ph(vf x) noexcept { return _mm256_cvtps_ph((__m256)x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
inline vf cvt_ps(vh h) noexcept { return (vf)_mm256_cvtph_ps(h); }
#endif
inline bool any_true(vi m) noexcept { return _mm256_movemask_ps((__m256)m) != 0; }
inline bool any_above(vu a, vu b) noexcept { return any_true(a > b); }
inline vu or_where_below(vu acc, vu a, vu b, vu d) noexcept { return acc | sel(a < b, d, U(0)); }
#endif
struct rn_acc {
  vu inexact = U(0), tiny = U(0), ovf = U(0);
};
// Codes (rn_quantize_v with Codes, the add form): the sum's bits less C's are k = RN(|x|) /
// quantum (both in C's binade, whose last place is the quantum), and a value k * 2^(e - M) with
// e = max(exponent of x, emin) has the magnitude code ((e - emin) << M) + k in every format whose
// field 1 is emin (a normal k >= 2^M carries its leading bit into the field, a subnormal k <
// 2^M at e = emin has field 0, k = 2^(M + 1) is 2^(e + 1)'s code); the sign bit ORed, the
// overflow lanes the code of overflow_value, -0 for a negative x rounding to zero (the
// formats of the add form have a negative zero). Equal to lane_encode_v of y (tests: the codes
// of check_quantize, every float in [full]).
template <class Fmt, bool Codes = false>
__attribute__((always_inline)) inline bool rn_quantize_v(vf x, vf& y, vh& h, rn_acc& acc, vu& code) noexcept {
  constexpr int M = Fmt::fraction_bits;
  (void)code;
  const vu b = as_u(x);
  const vu ex = b & 0x7F800000u;
  if (any_true(ex >= rn_decline_bits<Fmt>())) return false;
  const vu emin_bits = U(static_cast<std::uint32_t>(Fmt::emin + 127) << 23);
  const std::uint32_t max_bits = fbits(max_finite_float<Fmt>());
  vu yb;
  vi ovf;
  if constexpr (rn_f16c_ok<Fmt>) {
#if FLOATLAB_TENSOR_SIMD_F16C
    h = cvt_ph(x);
    yb = as_u(cvt_ps(h));
    ovf = (yb & 0x7FFFFFFFu) > max_bits;
    if constexpr (Codes) {
      vu16 h16;
      std::memcpy(&h16, &h, sizeof h16);
      code = __builtin_convertvector(h16, vu);
    }
#endif
  } else {
    (void)h;
    const vu cexp = ex > emin_bits ? ex : emin_bits;
    const vf c = as_f(cexp + ((static_cast<std::uint32_t>(23 - M) << 23) | 0x400000u));
    const vf ax = as_f(b & 0x7FFFFFFFu);  // RN is symmetric: |x| rounded, the sign ORed back
    const vf sum = ax + c;
    yb = as_u(sum - c);
    ovf = yb > max_bits;
    const vu sign = b & 0x80000000u;
    yb = sel(ovf, sel(as_i(sign) != 0, U(fbits(overflow_value<Fmt, round::nearest_even>(true))),
                      U(fbits(overflow_value<Fmt, round::nearest_even>(false)))),
             yb | sign);
    if constexpr (Codes) {
      const vu mag_code = ((cexp - emin_bits) >> (23 - M)) + (as_u(sum) - as_u(c));
      const vu sign_code = sel(as_i(sign) != 0, U(static_cast<std::uint32_t>(Fmt::sign_mask)), U(0));
      const vu ovf_code = sel(as_i(sign) != 0, U(lane_encode<Fmt>(overflow_value<Fmt, round::nearest_even>(true))),
                              U(lane_encode<Fmt>(overflow_value<Fmt, round::nearest_even>(false))));
      code = sel(ovf, ovf_code, mag_code | sign_code);
    }
  }
  const vu d = b ^ yb;
  acc.inexact |= d;
  acc.tiny |= sel(ex < emin_bits, d, U(0));
  acc.ovf |= as_u(ovf);
  y = as_f(yb);
  return true;
}
template <class Fmt>
__attribute__((always_inline)) inline bool rn_quantize_v(vf x, vf& y, vh& h, rn_acc& acc) noexcept {
  vu unused;
  return rn_quantize_v<Fmt, false>(x, y, h, acc, unused);
}
// The in-range form of the add form (quantize_run's nearest-even loop): a block declines when a
// lane's |x| passes Fmt's largest finite value (or the add form's limit), so no lane can
// overflow and the overflow selects, the overflow flag and the rounded sign are left out; a
// declined block takes rn_quantize_v above (the overflow rule), then the general lanes.
// Per block of W: y = (|x| + C) - C as above (a magnitude); inexact where y != |x|, underflow
// where also |x| < 2^emin (rn_acc's inexact / tiny, ovf untouched). Codes: the magnitude code
// of rn_quantize_v, bits(|x| + C) - bits(C) + (bits(C) >> (23 - M)) - D (bits(C) >> (23 - M) =
// ((e - emin) << M) + D: C's low 23 bits are the same in every binade), the sign bit ORed
// (without a negative zero only where y != 0). Values: y with that sign. Equal to convert (and
// rn_quantize_v) on every block it takes (tests: tensor_simd_exhaustive, every float in [full],
// mixed random blocks in CI).
// Formats of the in-range kernel: those of the add form, and also those without a negative zero
// (fnuz: a negative x rounding to zero is +0; their overflow is NaN, so a declined block takes
// the general lanes).
template <class Fmt>
inline constexpr bool rn_range_ok =
    lane_ok<Fmt> && !is_binary16_shape<Fmt> && Fmt::has_subnormals && Fmt::fraction_bits <= 21;
template <class Fmt>
struct rn_range_consts {
  static constexpr int M = Fmt::fraction_bits, S = 23 - M;
  static constexpr std::uint32_t K = (static_cast<std::uint32_t>(S) << 23) | 0x400000u;
  vu emin_bits = U(static_cast<std::uint32_t>(Fmt::emin + 127) << 23);
  vu last = U(std::min(fbits(max_finite_float<Fmt>()), rn_decline_bits<Fmt>() - 1));  // the largest |x| taken
  vu kc = U(K), d = U(((static_cast<std::uint32_t>(Fmt::emin + 127) << 23) + K) >> S), abs = U(0x7FFFFFFFu),
     expo = U(0x7F800000u);
  // Made opaque once per run: GCC otherwise rebuilds each constant (mov + vpbroadcastd) in
  // every block (perf: half of the loop's instructions).
  rn_range_consts() noexcept {
    __asm__("" : "+v"(emin_bits), "+v"(last), "+v"(kc), "+v"(d), "+v"(abs), "+v"(expo));
  }
};
template <class Fmt, bool Codes>
__attribute__((always_inline)) inline bool rn_quantize_range_v(const rn_range_consts<Fmt>& k, vf x, vf& y, vu& code,
                                                               rn_acc& acc) noexcept {
  using K = rn_range_consts<Fmt>;
  const vu b = as_u(x), ax = b & k.abs;
  if (any_above(ax, k.last)) return false;
  const vi tiny = ax < k.emin_bits;
  const vu c = sel(tiny, k.emin_bits, ax & k.expo) + k.kc;
  const vf sum = as_f(ax) + as_f(c);
  const vu yb = as_u(sum - as_f(c));
  const vu d = yb ^ ax;
  acc.inexact |= d;
  acc.tiny = or_where_below(acc.tiny, ax, k.emin_bits, d);
  vu sign = b & ~k.abs;
  if constexpr (!Fmt::has_negative_zero) sign = sel(yb != 0, sign, U(0));
  if constexpr (Codes) {
    (void)y;
    code = ((as_u(sum) - c) + ((c >> K::S) - k.d)) | (sign >> (31 - Fmt::exponent_bits - K::M));
  } else {
    (void)code;
    y = as_f(yb | sign);
  }
  return true;
}
inline std::uint32_t rn_flags(const rn_acc& acc) noexcept {
  return (reduce_or(acc.inexact) != 0 ? status::inexact : 0u) | (reduce_or(acc.tiny) != 0 ? status::underflow : 0u) |
         (reduce_or(acc.ovf) != 0 ? status::overflow : 0u);
}

// ---- Philox on lanes ---------------------------------------------------------------------
// philox_word(seed, e, op) is word e % 4 of the Philox-4x32-10 block with counter (lo(e / 4),
// hi(e / 4), op, "flab") (random.hpp). Here one block runs per 64-bit lane (8 lanes of a zmm,
// 4 of a ymm): each lane keeps its 32-bit word in the low half, which is all vpmuludq reads, so
// a product needs no shuffles and its high word is one shift; the high halves hold garbage that
// never reaches a low half. Consecutive elements take one block per four elements (2W words
// per call, philox_words2_v); arbitrary elements one block per lane and a select of word e % 4.
// Round 0's c2 = operation and c3 = "flab" are the same in every lane, so its product c2 * m1
// is a scalar. The same function as philox4x32, lane by lane
// (tests/test_tensor_block_scaled_lanes.cpp: = philox_word at W = 16 and 8).

#if FLOATLAB_TENSOR_SIMD_WIDTH == 16
typedef __m512i v64;
inline v64 set64(std::uint64_t x) noexcept { return _mm512_set1_epi64(static_cast<long long>(x)); }
// maskz_ forms with a full mask: GCC 12's plain forms read _mm512_undefined (-Wuninitialized).
inline v64 mul32(v64 a, v64 b) noexcept { return _mm512_maskz_mul_epu32(0xFF, a, b); }
inline v64 shr32(v64 a) noexcept { return _mm512_maskz_srli_epi64(0xFF, a, 32); }
inline v64 shr2(v64 a) noexcept { return _mm512_maskz_srli_epi64(0xFF, a, 2); }
inline v64 xor2(v64 a, v64 b) noexcept { return _mm512_xor_si512(a, b); }
inline v64 xor3(v64 a, v64 b, v64 c) noexcept { return _mm512_ternarylogic_epi64(a, b, c, 0x96); }
inline v64 iota64() noexcept { return _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0); }
__attribute__((always_inline)) inline v64 block_lanes(std::uint64_t b) noexcept {  // blocks b, b + 1, ... mod 2^62
  return _mm512_and_si512(_mm512_add_epi64(set64(b), iota64()), set64((std::uint64_t{1} << 62) - 1));
}
// The words of the blocks in the lanes of c0..c3 in element order (block l's word j at 4l + j).
__attribute__((always_inline)) inline void interleave(v64 c0, v64 c1, v64 c2, v64 c3, vu& a, vu& b) noexcept {
  const v64 A = _mm512_mask_blend_epi32(0xAAAA, c0, _mm512_maskz_slli_epi64(0xFF, c1, 32));  // (w0, w1) per lane
  const v64 B = _mm512_mask_blend_epi32(0xAAAA, c2, _mm512_maskz_slli_epi64(0xFF, c3, 32));  // (w2, w3)
  a = (vu)_mm512_permutex2var_epi64(A, _mm512_set_epi64(11, 3, 10, 2, 9, 1, 8, 0), B);
  b = (vu)_mm512_permutex2var_epi64(A, _mm512_set_epi64(15, 7, 14, 6, 13, 5, 12, 4), B);
}
// Lanes s, s + 1, ..., s + W - 1 of the 2W lanes (a, b); s < W.
__attribute__((always_inline)) inline vu shift_lanes(vu a, vu b, std::uint32_t s) noexcept {
  return (vu)_mm512_permutex2var_epi32((__m512i)a, (__m512i)(as_u(iota()) + s), (__m512i)b);
}
// Lane l of r (l < 8 from r0, else from r1), the low halves: W words.
__attribute__((always_inline)) inline vu low_halves(v64 r0, v64 r1) noexcept {
  return (vu)_mm512_maskz_inserti64x4(0xFF, _mm512_maskz_inserti64x4(0xFF, _mm512_setzero_si512(), _mm512_maskz_cvtepi64_epi32(0xFF, r0), 0),
                                       _mm512_maskz_cvtepi64_epi32(0xFF, r1), 1);
}
__attribute__((always_inline)) inline v64 select_word(v64 j, v64 c0, v64 c1, v64 c2, v64 c3) noexcept {
  const v64 lo = _mm512_mask_blend_epi64(_mm512_cmpeq_epi64_mask(j, set64(1)), c0, c1);
  const v64 hi = _mm512_mask_blend_epi64(_mm512_cmpeq_epi64_mask(j, set64(3)), c2, c3);
  return _mm512_mask_blend_epi64(_mm512_cmpge_epu64_mask(j, set64(2)), lo, hi);
}
__attribute__((always_inline)) inline void widen(vu lo, vu hi, v64 (&e)[2]) noexcept {  // 64-bit elements from their two words
  const __m512i l = (__m512i)lo, h = (__m512i)hi;
  for (int q = 0; q < 2; ++q) {
    const __m256i lq = q ? _mm512_maskz_extracti64x4_epi64(0xFF, l, 1) : _mm512_maskz_extracti64x4_epi64(0xFF, l, 0);
    const __m256i hq = q ? _mm512_maskz_extracti64x4_epi64(0xFF, h, 1) : _mm512_maskz_extracti64x4_epi64(0xFF, h, 0);
    e[q] = _mm512_or_si512(_mm512_maskz_cvtepu32_epi64(0xFF, lq), _mm512_maskz_slli_epi64(0xFF, _mm512_maskz_cvtepu32_epi64(0xFF, hq), 32));
  }
}
inline v64 load64(const std::uint64_t* p) noexcept { return _mm512_loadu_si512(p); }
inline v64 and3(v64 a) noexcept { return _mm512_and_si512(a, set64(3)); }
#else
typedef __m256i v64;
inline v64 set64(std::uint64_t x) noexcept { return _mm256_set1_epi64x(static_cast<long long>(x)); }
inline v64 mul32(v64 a, v64 b) noexcept { return _mm256_mul_epu32(a, b); }
inline v64 shr32(v64 a) noexcept { return _mm256_srli_epi64(a, 32); }
inline v64 shr2(v64 a) noexcept { return _mm256_srli_epi64(a, 2); }
inline v64 xor2(v64 a, v64 b) noexcept { return _mm256_xor_si256(a, b); }
inline v64 xor3(v64 a, v64 b, v64 c) noexcept { return _mm256_xor_si256(_mm256_xor_si256(a, b), c); }
inline v64 iota64() noexcept { return _mm256_set_epi64x(3, 2, 1, 0); }
__attribute__((always_inline)) inline v64 block_lanes(std::uint64_t b) noexcept {  // blocks b, b + 1, ... mod 2^62
  return _mm256_and_si256(_mm256_add_epi64(set64(b), iota64()), set64((std::uint64_t{1} << 62) - 1));
}
__attribute__((always_inline)) inline void interleave(v64 c0, v64 c1, v64 c2, v64 c3, vu& a, vu& b) noexcept {
  const v64 A = _mm256_blend_epi32(c0, _mm256_slli_epi64(c1, 32), 0xAA);  // (w0, w1) per lane
  const v64 B = _mm256_blend_epi32(c2, _mm256_slli_epi64(c3, 32), 0xAA);  // (w2, w3)
  const v64 lo = _mm256_unpacklo_epi64(A, B), hi = _mm256_unpackhi_epi64(A, B);  // blocks (0, 2), (1, 3)
  a = (vu)_mm256_permute2x128_si256(lo, hi, 0x20);
  b = (vu)_mm256_permute2x128_si256(lo, hi, 0x31);
}
__attribute__((always_inline)) inline vu shift_lanes(vu a, vu b, std::uint32_t s) noexcept {
  const vu idx = as_u(iota()) + s;
  const __m256i k = (__m256i)(idx & 7u);
  return sel(as_i(idx) > 7, (vu)_mm256_permutevar8x32_epi32((__m256i)b, k), (vu)_mm256_permutevar8x32_epi32((__m256i)a, k));
}
__attribute__((always_inline)) inline vu low_halves(v64 r0, v64 r1) noexcept {
  const __m256i even = _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6);
  return (vu)_mm256_inserti128_si256(_mm256_castsi128_si256(_mm256_castsi256_si128(_mm256_permutevar8x32_epi32(r0, even))),
                                     _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(r1, even)), 1);
}
__attribute__((always_inline)) inline v64 select_word(v64 j, v64 c0, v64 c1, v64 c2, v64 c3) noexcept {
  const v64 lo = _mm256_blendv_epi8(c0, c1, _mm256_cmpeq_epi64(j, set64(1)));
  const v64 hi = _mm256_blendv_epi8(c2, c3, _mm256_cmpeq_epi64(j, set64(3)));
  return _mm256_blendv_epi8(lo, hi, _mm256_cmpgt_epi64(j, set64(1)));
}
__attribute__((always_inline)) inline void widen(vu lo, vu hi, v64 (&e)[2]) noexcept {
  const __m256i l = (__m256i)lo, h = (__m256i)hi;
  e[0] = _mm256_or_si256(_mm256_cvtepu32_epi64(_mm256_castsi256_si128(l)),
                         _mm256_slli_epi64(_mm256_cvtepu32_epi64(_mm256_castsi256_si128(h)), 32));
  e[1] = _mm256_or_si256(_mm256_cvtepu32_epi64(_mm256_extracti128_si256(l, 1)),
                         _mm256_slli_epi64(_mm256_cvtepu32_epi64(_mm256_extracti128_si256(h, 1)), 32));
}
inline v64 load64(const std::uint64_t* p) noexcept { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
inline v64 and3(v64 a) noexcept { return _mm256_and_si256(a, set64(3)); }
#endif
// Lanes per v64: W / 2 (two v64 hold W elements; one v64 of blocks gives 2W words).
constexpr int L64 = W / 2;

// The per-round constants of Philox-4x32-10 for (seed, operation): round 0's three (c0 ^=
// hi(op * m1) ^ k0, c1 = lo(op * m1), c2 ^= "flab" ^ k1) and the keys of rounds 1..9. Made once
// per run (quantize_run, ew_span, philox_fill) and read by the rounds from memory (a broadcast
// operand): the words are those of philox_lanes(seed, operation, ...), without 20 scalar key
// steps and register broadcasts per vector of blocks.
struct philox_key {
  std::uint64_t r0_c0, r0_c1, r0_c2;
  std::uint64_t k0[10], k1[10];
};
inline philox_key philox_key_of(std::uint64_t seed, std::uint32_t operation) noexcept {
  philox_key key{};
  auto k0 = static_cast<std::uint32_t>(seed), k1 = static_cast<std::uint32_t>(seed >> 32);
  const std::uint64_t q1 = std::uint64_t{0xCD9E8D57u} * operation;
  key.r0_c0 = static_cast<std::uint32_t>(q1 >> 32) ^ k0;
  key.r0_c1 = static_cast<std::uint32_t>(q1);
  key.r0_c2 = 0x666c6162u ^ k1;
  for (int round = 1; round < 10; ++round) {
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
    key.k0[round] = k0;
    key.k1[round] = k1;
  }
  return key;
}
// Philox-4x32-10 on H vectors of blocks: in, c0 and c1 hold lo and hi of each lane's block
// index (low halves); out, c0..c3 are its four words (low halves).
template <int H>
__attribute__((always_inline)) inline void philox_lanes(const philox_key& key, v64 (&c0)[H], v64 (&c1)[H], v64 (&c2)[H],
                                                        v64 (&c3)[H]) noexcept {
  const v64 m0 = set64(0xD2511F53u), m1 = set64(0xCD9E8D57u);
  for (int h = 0; h < H; ++h) {  // round 0
    const v64 p0 = mul32(c0[h], m0);
    c0[h] = xor2(c1[h], set64(key.r0_c0));
    c1[h] = set64(key.r0_c1);
    c2[h] = xor2(shr32(p0), set64(key.r0_c2));
    c3[h] = p0;
  }
  for (int round = 1; round < 10; ++round) {
    const v64 kk0 = set64(key.k0[round]), kk1 = set64(key.k1[round]);
    for (int h = 0; h < H; ++h) {
      const v64 p0 = mul32(c0[h], m0), p1 = mul32(c2[h], m1);
      c0[h] = xor3(shr32(p1), c1[h], kk0);
      c2[h] = xor3(shr32(p0), c3[h], kk1);
      c1[h] = p1;
      c3[h] = p0;
    }
  }
}
template <int H>
__attribute__((always_inline)) inline void philox_lanes(std::uint64_t seed, std::uint32_t operation, v64 (&c0)[H], v64 (&c1)[H],
                                                        v64 (&c2)[H], v64 (&c3)[H]) noexcept {
  const philox_key key = philox_key_of(seed, operation);
  philox_lanes<H>(key, c0, c1, c2, c3);
}

// Words of the 2W consecutive elements first, first + 1, ... (first % 4 == 0; otherwise those
// of first & ~3): blocks first / 4 .. first / 4 + W/2 - 1 (mod 2^62), one block per four
// elements, the fast form (quantize_run, philox_fill; key = philox_key_of(seed, operation)).
__attribute__((always_inline)) inline void philox_words2_v(const philox_key& key, std::uint64_t first, vu& lo, vu& hi) noexcept {
  v64 c0[1] = {block_lanes(first >> 2)}, c1[1] = {shr32(c0[0])}, c2[1], c3[1];
  philox_lanes<1>(key, c0, c1, c2, c3);
  interleave(c0[0], c1[0], c2[0], c3[0], lo, hi);
}
__attribute__((always_inline)) inline void philox_words2_v(std::uint64_t seed, std::uint64_t first, std::uint32_t operation, vu& lo, vu& hi) noexcept {
  const philox_key key = philox_key_of(seed, operation);
  philox_words2_v(key, first, lo, hi);
}
// Words of the W consecutive elements first, first + 1, ... (any first; W / 2 blocks).
__attribute__((always_inline)) inline vu philox_word_v(std::uint64_t seed, std::uint64_t first, std::uint32_t operation) noexcept {
  vu lo, hi;
  philox_words2_v(seed, first, operation, lo, hi);
  return shift_lanes(lo, hi, static_cast<std::uint32_t>(first & 3));
}
// Words of W arbitrary elements (64-bit lanes e[0], e[1]): a block per lane, word e % 4.
__attribute__((always_inline)) inline vu philox_word_v(std::uint64_t seed, const v64 (&e)[2], std::uint32_t operation) noexcept {
  v64 c0[2], c1[2], c2[2], c3[2];
  for (int h = 0; h < 2; ++h) {
    c0[h] = shr2(e[h]);
    c1[h] = shr32(c0[h]);
  }
  philox_lanes<2>(seed, operation, c0, c1, c2, c3);
  v64 r[2];
  for (int h = 0; h < 2; ++h) r[h] = select_word(and3(e[h]), c0[h], c1[h], c2[h], c3[h]);
  return low_halves(r[0], r[1]);
}
// philox_word(seed, element, operation) for W elements (lo and hi words of each index).
__attribute__((always_inline)) inline vu philox_word_v(std::uint64_t seed, vu e_lo, vu e_hi, std::uint32_t operation) noexcept {
  v64 e[2];
  widen(e_lo, e_hi, e);
  return philox_word_v(seed, e, operation);
}
// Words of W arbitrary elements.
__attribute__((always_inline)) inline vu philox_word_v(std::uint64_t seed, const std::uint64_t* elems, std::uint32_t operation) noexcept {
  const v64 e[2] = {load64(elems), load64(elems + L64)};
  return philox_word_v(seed, e, operation);
}
// out[t] = philox_word(seed, first + t, operation) for t < n: one block per four elements.
inline void philox_fill(std::uint64_t seed, std::uint64_t first, std::uint32_t operation, std::uint32_t* out, std::size_t n) noexcept {
  std::size_t t = 0;
  for (; t < n && ((first + t) & 3) != 0; ++t) out[t] = philox_word(seed, first + t, operation);
  const philox_key key = philox_key_of(seed, operation);
  for (; t + 2 * W <= n; t += 2 * W) {
    vu lo, hi;
    philox_words2_v(key, first + t, lo, hi);
    storeu32(out + t, lo);
    storeu32(out + t + W, hi);
  }
  for (; t < n; ++t) out[t] = philox_word(seed, first + t, operation);
}

}  // namespace simd
#endif


// ---- array kernels: SIMD body, scalar lanes for the tail (and for builds without SIMD) -----

// Element i of an array of float or of a cfloat that lives in float, as a float.
template <class Src>
inline float read_lane(const Src* p, std::size_t i) noexcept {
  if constexpr (std::is_same_v<Src, float>) return p[i];
  else return lane_decode<typename Src::format_type>(p[i].bits());
}
// Dst: float (the value), a cfloat (its code) or std::int32_t (the code bits, block_scaled's codes).
template <class Fmt, class Dst>
inline void write_lane(Dst* p, std::size_t i, float r) noexcept {
  if constexpr (std::is_same_v<Dst, float>) p[i] = r;
  else if constexpr (std::is_same_v<Dst, std::int32_t>) p[i] = static_cast<std::int32_t>(lane_encode<Fmt>(r));
  else p[i] = Dst::from_bits(lane_encode<Fmt>(r));
}
#if FLOATLAB_TENSOR_SIMD_WIDTH > 1
template <class Src>
__attribute__((always_inline)) inline simd::vf read_lanes(const Src* p) noexcept {
  if constexpr (std::is_same_v<Src, float>) return simd::load(p);
  else return simd::lane_decode_v<typename Src::format_type>(simd::load_codes<typename Src::format_type::storage>(p));
}
template <class Fmt, class Dst>
inline void write_lanes(Dst* p, simd::vf r) noexcept {
  if constexpr (std::is_same_v<Dst, float>) simd::store(p, r);
  else if constexpr (std::is_same_v<Dst, std::int32_t>) simd::store_codes<std::uint32_t>(p, simd::lane_encode_v<Fmt>(r));
  else simd::store_codes<typename Fmt::storage>(p, simd::lane_encode_v<Fmt>(r));
}
template <class Mode>
inline simd::vu words_v(const counter_source& src, std::uint64_t first, std::uint32_t op) noexcept {
  if constexpr (is_stochastic_v<Mode>) return simd::philox_word_v(src.seed, first, op);
  else return simd::U(0);
}
#endif

// n elements of in (float, or a cfloat living in float) rounded to Fmt in Mode, element l
// with the word (first + l, op), written as floats or as To codes: quantize's fast path (and
// GEMM's input panels). Returns the status flags of the roundings (round_pack_status's), ORed.
template <class Fmt, class Mode, class Src, class Dst>
std::uint32_t quantize_run(const Src* in, Dst* out, std::size_t n, std::uint64_t first, const counter_source& src,
                           std::uint32_t op) noexcept {
  std::size_t i = 0;
  std::uint32_t flags = 0;
  [[maybe_unused]] auto scalar = [&](std::size_t t) {
    write_lane<Fmt>(out, t, round_lane_flags<Fmt, Mode>(read_lane(in, t), 0.0f, is_stochastic_v<Mode> ? src.word(first + t, op) : 0, false, flags));
  };
#if FLOATLAB_TENSOR_SIMD_WIDTH > 1
  using simd::W;
  simd::vu fv = simd::U(0);
if constexpr (std::is_same_v<Mode, round::nearest_even> && (simd::rn_quantize_ok<Fmt> || simd::rn_range_ok<Fmt>)) {
    // Nearest even: simd::rn_quantize_v (F16C for binary16, else the float add of a constant),
    // blocks with an inf, a NaN or a huge lane through the general rounding.
    // The add form first tries the in-range kernel (no lane near overflow: most blocks), then
    // rn_quantize_v with the overflow rule.
    simd::rn_acc acc;
    [[maybe_unused]] const simd::rn_range_consts<Fmt> rk;
    auto put_codes = [&](std::size_t t, simd::vu code) __attribute__((always_inline)) {
      if constexpr (std::is_same_v<Dst, std::int32_t>)
        simd::store_codes<std::uint32_t>(out + t, code);
      else
        simd::store_codes<typename Fmt::storage>(out + t, code);
    };
    while (i + simd::W <= n) {
      for (; i + simd::W <= n; i += simd::W) {
        const simd::vf x = read_lanes(in + i);
        simd::vf r;
        simd::vh h;
        simd::vu code;
        if constexpr (simd::rn_range_ok<Fmt>) {
          if (simd::rn_quantize_range_v<Fmt, !std::is_same_v<Dst, float>>(rk, x, r, code, acc)) {
            if constexpr (std::is_same_v<Dst, float>)
              simd::store(out + i, r);
            else
              put_codes(i, code);
            continue;
          }
        }
        if constexpr (!simd::rn_quantize_ok<Fmt>) {
          break;  // fnuz: the general lanes
        } else if constexpr (std::is_same_v<Dst, float>) {
          if (!simd::rn_quantize_v<Fmt>(x, r, h, acc)) break;
          simd::store(out + i, r);
        } else if constexpr (simd::rn_f16c_ok<Fmt> && sizeof(Dst) == 2) {
          if (!simd::rn_quantize_v<Fmt>(x, r, h, acc)) break;
          std::memcpy(static_cast<void*>(out + i), &h, sizeof h);
        } else {  // the codes from the rounding (rn_quantize_v's Codes)
          if (!simd::rn_quantize_v<Fmt, true>(x, r, h, acc, code)) break;
          put_codes(i, code);
        }
      }
      if (i + simd::W > n) break;
      write_lanes<Fmt>(out + i, simd::round_lane_slow_v<Fmt, Mode>(read_lanes(in + i), simd::F(0.0f), simd::U(0), simd::I(0), fv));
      i += simd::W;
    }
    fv |= simd::rn_flags(acc);
  } else {
    // Stochastic words one Philox block per four elements: from an element index that is a
    // multiple of 4, 2W words per vector of blocks (simd::philox_words2_v), two vectors of
    // elements per step (the deterministic modes: the same loop, words 0).
    [[maybe_unused]] simd::philox_key key{};
    if constexpr (is_stochastic_v<Mode>) {
      for (; i < n && ((first + i) & 3) != 0; ++i) scalar(i);
      key = simd::philox_key_of(src.seed, op);
    }
    auto words2 = [&](std::size_t t, simd::vu& w0, simd::vu& w1) __attribute__((always_inline)) {
      if constexpr (is_stochastic_v<Mode>) simd::philox_words2_v(key, first + t, w0, w1);
      else w0 = w1 = simd::U(0);
    };
    if constexpr (!lane_is_float_rn<Fmt, Mode> && simd::bits_path_ok<Fmt, Mode>) {
      // Runs of bits-path blocks in a loop without calls (its constants stay in registers); a
      // pair with a block outside that range takes the general rounding out of line, then the
      // run resumes.
      while (i + 2 * W <= n) {
        for (; i + 2 * W <= n; i += 2 * W) {
          simd::vu w0, w1;
          words2(i, w0, w1);
          simd::vf r0, r1;
          if (!simd::round_bits_v<Fmt, Mode>(read_lanes(in + i), simd::F(0.0f), w0, simd::I(0), fv, r0)) break;
          if (!simd::round_bits_v<Fmt, Mode>(read_lanes(in + i + W), simd::F(0.0f), w1, simd::I(0), fv, r1)) break;
          write_lanes<Fmt>(out + i + W, r1);
          write_lanes<Fmt>(out + i, r0);
        }
        if (i + 2 * W > n) break;
        simd::vu w0, w1, fs = simd::U(0);
        words2(i, w0, w1);
        write_lanes<Fmt>(out + i, simd::round_lane_slow_v<Fmt, Mode>(read_lanes(in + i), simd::F(0.0f), w0, simd::I(0), fs));
        write_lanes<Fmt>(out + i + W, simd::round_lane_slow_v<Fmt, Mode>(read_lanes(in + i + W), simd::F(0.0f), w1, simd::I(0), fs));
        fv |= fs;
        i += 2 * W;
      }
    } else {
      for (; i + 2 * W <= n; i += 2 * W) {
        simd::vu w0, w1;
        words2(i, w0, w1);
        write_lanes<Fmt>(out + i, simd::round_lane_v<Fmt, Mode>(read_lanes(in + i), w0, fv));
        write_lanes<Fmt>(out + i + W, simd::round_lane_v<Fmt, Mode>(read_lanes(in + i + W), w1, fv));
      }
    }
    for (; i + W <= n; i += W) write_lanes<Fmt>(out + i, simd::round_lane_v<Fmt, Mode>(read_lanes(in + i), words_v<Mode>(src, first + i, op), fv));
  }
  flags |= simd::reduce_or(fv);
#endif
  for (; i < n; ++i) scalar(i);
  return flags;
}
// Elements begin..end-1, element i with the word (i, op).
template <class Fmt, class Mode, class Src, class Dst>
std::uint32_t quantize_span(const Src* in, Dst* out, std::size_t begin, std::size_t end, const counter_source& src,
                            std::uint32_t op) noexcept {
  return quantize_run<Fmt, Mode>(in + begin, out + begin, end - begin, begin, src, op);
}

// Codes of a format living in float -> floats (dequantize's fast path; exact).
template <class Fmt, class Src>
void dequantize_span(const Src* in, float* out, std::size_t begin, std::size_t end) noexcept {
  std::size_t i = begin;
#if FLOATLAB_TENSOR_SIMD_WIDTH > 1
  for (; i + simd::W <= end; i += simd::W) simd::store(out + i, read_lanes(in + i));
#endif
  for (; i < end; ++i) out[i] = read_lane(in, i);
}

}  // inline namespace simd_w16 / simd_w8 / simd_w8n / simd_w1
}  // namespace floatlab::tensor::detail
