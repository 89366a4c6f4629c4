// floatlab/tensor/lane.hpp: branch-free rounding of float lanes to small formats.
//
// A format "lives in float" (lane_ok) when each of its finite values is a float: E <= 8,
// p <= 24 and a subnormal quantum no finer than float's. Tensor code then keeps such values
// as floats, and rounds
//
//     x = s + e      (s a float, e = 0 or the exact error of the float operation that made s,
//                     |e| <= ulp(s)/2, as TwoSum or an exact product give)
//
// to the format by the rule of the one rounding core (round_pack): s is first made the exact
// truncation toward zero of x (one float ulp down when e points toward zero) plus a sticky
// bit (e != 0), then split at the format's last place into kept bits and a left-aligned
// 32-bit remainder, and detail::round_up (the core's mode decision) decides. This is the
// double path of detail/double_path.hpp, on float lanes: it is exact whenever the float's
// last place lies at least one bit (R + 1 bits for stochastic<R>) below the format's last
// place, which lane_ok and lane_sum_ok state. Everything is selects and shifts, so loops over
// arrays vectorize. tests/test_tensor_lane.cpp proves each use bit-identical to the scalar
// core: every float (full tier; a stride plus edges in CI) for round_lane, every pair of
// 8-bit values and a stride of 16-bit pairs for the sums and products.
#pragma once

#include <algorithm>
#include <cstdint>

#include "../cfloat.hpp"
#include "../status.hpp"

namespace floatlab::tensor::detail {

using floatlab::detail::round_up;

template <class Fmt>
inline constexpr bool lane_ok = Fmt::exponent_bits <= 8 && Fmt::precision <= 24 &&
                                Fmt::emin - Fmt::fraction_bits >= -149 && Fmt::emax <= 127;

// Rounding a float operation's (s, e) pair: float has 24 bits, so its last place is at
// least 24 - p bits below the format's (and float's subnormal quantum 2^-149 at least
// emin - M + 149 bits below the format's quantum).
template <class Fmt, class Mode>
inline constexpr int lane_spare_bits =
    (24 - Fmt::precision) < (Fmt::emin - Fmt::fraction_bits + 149) ? 24 - Fmt::precision
                                                                   : Fmt::emin - Fmt::fraction_bits + 149;
template <class Fmt, class Mode>
inline constexpr bool lane_sum_ok =
    lane_ok<Fmt> && lane_spare_bits<Fmt, Mode> >= (is_stochastic_v<Mode> ? stochastic_bits_v<Mode> + 1 : 1);

// The float format itself in nearest-even: float arithmetic is already the rounding.
template <class Fmt, class Mode>
inline constexpr bool lane_is_float_rn = std::is_same_v<Mode, round::nearest_even> && Fmt::exponent_bits == 8 &&
                                         Fmt::fraction_bits == 23 && Fmt::has_subnormals &&
                                         Fmt::special == encoding::specials::ieee;

FLOATLAB_HOST_DEVICE std::uint32_t fbits(float x) noexcept { return bit_cast<std::uint32_t>(x); }
FLOATLAB_HOST_DEVICE float ffrom(std::uint32_t b) noexcept { return bit_cast<float>(b); }
// Branch-free selects on bit patterns (GCC's if-conversion gives up on float ternaries with
// calls in their arms, which stops vectorization).
FLOATLAB_HOST_DEVICE std::uint32_t sel(bool c, std::uint32_t a, std::uint32_t b) noexcept {
  const std::uint32_t m = 0u - static_cast<std::uint32_t>(c);
  return (a & m) | (b & ~m);
}
FLOATLAB_HOST_DEVICE float self(bool c, float a, float b) noexcept { return ffrom(sel(c, fbits(a), fbits(b))); }
FLOATLAB_HOST_DEVICE int seli(bool c, int a, int b) noexcept {
  return static_cast<int>(sel(c, static_cast<std::uint32_t>(a), static_cast<std::uint32_t>(b)));
}

// std::max / std::min are not device functions (cuda/ runs these lanes too).
FLOATLAB_HOST_DEVICE constexpr int imax(int a, int b) noexcept { return a < b ? b : a; }
FLOATLAB_HOST_DEVICE constexpr int imin(int a, int b) noexcept { return a < b ? a : b; }

// 2^e as a float for -149 <= e <= 127.
FLOATLAB_HOST_DEVICE float pow2f(int e) noexcept {
  const std::uint32_t normal = static_cast<std::uint32_t>(e + 127) << 23;
  const std::uint32_t sub = std::uint32_t{1} << ((e + 149) & 31);
  return ffrom(sel(e >= -126, normal, sub));
}

// The value of a special result of Fmt as a float.
template <class Fmt>
FLOATLAB_HOST_DEVICE float value_of_bits_special(std::uint64_t b) noexcept;

// Largest finite value of Fmt as a float.
template <class Fmt>
FLOATLAB_HOST_DEVICE float max_finite_float() noexcept {
  constexpr int M = Fmt::fraction_bits;
  const std::uint64_t m = Fmt::max_finite_bits;
  const auto field = static_cast<int>(m >> M);
  const auto frac = static_cast<std::uint32_t>(m & Fmt::fraction_mask);
  if (field == 0) return static_cast<float>(frac) * pow2f(Fmt::emin - M);
  return ffrom((static_cast<std::uint32_t>(field - Fmt::bias + 127) << 23) | (frac << (23 - M)));
}

// Float value (sign applied) of what pack_inf / pack_nan / pack_overflow give.
template <class Fmt>
FLOATLAB_HOST_DEVICE float inf_value(bool negative) noexcept {
  const float sign = negative ? -1.0f : 1.0f;
  if constexpr (Fmt::has_inf) return sign * ffrom(0x7F800000u);
  else if constexpr (Fmt::saturates) return sign * max_finite_float<Fmt>();
  else return ffrom(0x7FC00000u);
}
template <class Fmt>
FLOATLAB_HOST_DEVICE float nan_value() noexcept {
  if constexpr (Fmt::has_nan) return ffrom(0x7FC00000u);
  else return 0.0f;
}
template <class Fmt, class Mode>
FLOATLAB_HOST_DEVICE float overflow_value(bool negative) noexcept {
  if (!Fmt::saturates && floatlab::detail::overflow_to_infinity<Mode>(negative)) return inf_value<Fmt>(negative);
  return (negative ? -1.0f : 1.0f) * max_finite_float<Fmt>();
}
template <class Fmt>
FLOATLAB_HOST_DEVICE float zero_value(bool negative) noexcept {
  return Fmt::has_negative_zero && negative ? -0.0f : 0.0f;
}

// x = s + e rounded to Fmt in Mode (see the top of the file); the result as a float.
// An infinite s is an exact infinity (callers that get inf from overflowing finite operands
// pass overflowed = true).
// flags: round_pack_status's flags of this rounding are ORed in (inexact, underflow: tiny
// before rounding and inexact, overflow); an infinite or NaN s adds invalid where Fmt has no
// infinity / NaN (convert_status's rule), else nothing.
// Conv = false: the flags of an arithmetic result (finish_status's rule: an exact infinity or a
// NaN raises nothing here; the caller flags a NaN made from non-NaN operands).
template <class Fmt, class Mode, bool Conv = true>
FLOATLAB_HOST_DEVICE float round_lane_flags(float s, float e, std::uint32_t word, bool overflowed, std::uint32_t& flags) noexcept {
  static_assert(lane_ok<Fmt>, "round_lane: the format must live in float (E <= 8, p <= 24)");
  constexpr int M = Fmt::fraction_bits;
  if constexpr (lane_is_float_rn<Fmt, Mode>) {
    (void)word;
    // binary32 itself: s is the rounding; e != 0 is its inexactness.
    // e != 0 only for a finite s (TwoSum of an infinite operand gives a NaN e).
    const bool inexact = ((e != 0.0f) & ((fbits(s) & 0x7F800000u) != 0x7F800000u)) | overflowed;
    const bool tiny = (fbits(s) & 0x7FFFFFFFu) < 0x00800000u;
    flags |= (inexact ? std::uint32_t{status::inexact} : 0u) | ((inexact && tiny) ? std::uint32_t{status::underflow} : 0u) |
             (overflowed ? std::uint32_t{status::overflow} : 0u);
    return s;
  } else {
    const std::uint32_t b = fbits(s);
    const bool negative = (b >> 31) != 0;
    std::uint32_t mag = b & 0x7FFFFFFFu;
    const bool is_nan = mag > 0x7F800000u;
    const bool is_inf = mag == 0x7F800000u;
    const bool sticky = e != 0.0f;
    // 1. Exact truncation toward zero: one float ulp down when the error points inward.
    mag -= static_cast<std::uint32_t>(sticky & ((fbits(e) >> 31) != (b >> 31)));
    // 2. Significand, the exponent of its bit 0, and of its leading bit (subnormal floats
    //    through a scaling by 2^64, exact, instead of a count of leading zeros).
    const int field = static_cast<int>(mag >> 23);
    const bool normal_x = field != 0;
    const std::uint32_t sig = sel(normal_x, (mag & 0x7FFFFFu) | 0x800000u, mag);
    const int lsb_x = seli(normal_x, field - 150, -149);
    const int field_s = static_cast<int>(fbits(ffrom(mag) * 18446744073709551616.0f) >> 23);
    const int lead = seli(normal_x, field - 127, field_s - 127 - 64);
    // 3. The format's last place: precision p, or the subnormal quantum.
    int lsb_t = lead - M;
    if constexpr (Fmt::has_subnormals) lsb_t = imax(lsb_t, Fmt::emin - M);
    int drop = imax(lsb_t - lsb_x, 0);
    lsb_t = lsb_x + drop;
    const int dclamp = imin(drop, 56);  // beyond 56 every decision is the same
    // 4. Kept bits, left-aligned 32-bit remainder, sticky (shifts of 32 via 64-bit words).
    const int d1 = imin(dclamp, 32);
    const int d2 = imax(dclamp - 32, 0);
    const auto kept = static_cast<std::uint32_t>(static_cast<std::uint64_t>(sig) >> d1);
    const auto rem_a = static_cast<std::uint32_t>(static_cast<std::uint64_t>(sig) << (32 - d1));
    const std::uint32_t rem_b = sig >> d2;
    const bool lost = (sig & ((std::uint32_t{1} << d2) - 1)) != 0;
    const std::uint32_t rem = sel(dclamp <= 32, rem_a, rem_b);
    const bool st = sticky | ((dclamp > 32) & lost);
    const std::uint32_t k2 = kept + static_cast<std::uint32_t>(round_up<Mode>(negative, (kept & 1) != 0, rem, st, word));
    // 5. Value, then the range: zero, flush, overflow, specials.
    const int lsb_c = imin(lsb_t, 127);
    const float mag_r = static_cast<float>(static_cast<std::int32_t>(k2)) * pow2f(lsb_c);
    const std::uint32_t sign = b & 0x80000000u;
    std::uint32_t r = fbits(mag_r) | sign;
    const std::uint32_t zero = Fmt::has_negative_zero ? sign : 0u;
    bool is_zero = k2 == 0;
    if constexpr (!Fmt::has_subnormals) is_zero = is_zero | (mag_r < pow2f(Fmt::emin));
    r = sel(is_zero, zero, r);
    // Overflow and infinity: the value (with sign) each gives; constants per sign.
    const std::uint32_t ovf_pos = fbits(overflow_value<Fmt, Mode>(false)), ovf_neg = fbits(overflow_value<Fmt, Mode>(true));
    const std::uint32_t inf_pos = fbits(inf_value<Fmt>(false)), inf_neg = fbits(inf_value<Fmt>(true));
    const bool ovf = (mag_r > max_finite_float<Fmt>()) | overflowed;
    r = sel(ovf, sel(negative, ovf_neg, ovf_pos), r);
    r = sel(is_inf & !overflowed, sel(negative, inf_neg, inf_pos), r);
    r = sel(is_nan, fbits(nan_value<Fmt>()), r);
    // Flags as round_pack_status: lost bits (underflow if tiny), flush after rounding, overflow.
    const bool finite = !(is_nan | is_inf) | overflowed;
    const bool lost_any = (rem != 0) | st;
    bool flushed = false;
    if constexpr (!Fmt::has_subnormals) flushed = is_zero & (k2 != 0);
    const bool tiny = lead < Fmt::emin;
    const std::uint32_t f = ((lost_any || flushed || ovf) ? std::uint32_t{status::inexact} : 0u) |
                            (((lost_any && tiny) || flushed) ? std::uint32_t{status::underflow} : 0u) |
                            (ovf ? std::uint32_t{status::overflow} : 0u);
    flags |= finite ? (ovf ? std::uint32_t{status::overflow} | status::inexact : f) : 0u;
    // An infinity or NaN without an image in Fmt (convert_status's rule).
    const bool no_image = (!Fmt::has_inf && is_inf && !overflowed) || (!Fmt::has_nan && is_nan);
    flags |= (Conv && no_image) ? std::uint32_t{status::invalid} : 0u;
    return ffrom(r);
  }
}
template <class Fmt, class Mode>
FLOATLAB_HOST_DEVICE float round_lane(float s, float e, std::uint32_t word, bool overflowed = false) noexcept {
  std::uint32_t flags = 0;
  return round_lane_flags<Fmt, Mode>(s, e, word, overflowed, flags);
}

// a + b for Fmt values a, b held as floats, rounded to Fmt in Mode: one float addition and
// TwoSum (Knuth) for its exact error; the zero-sum sign of IEEE 754 6.3 for the mode.
// Conv: as round_lane_flags (false: an arithmetic result's flags, finish_status's rule).
template <class Fmt, class Mode, bool Conv = true>
FLOATLAB_HOST_DEVICE float add_lane_flags(float a, float b, std::uint32_t word, std::uint32_t& flags) noexcept {
  const float s = a + b;
  if constexpr (lane_is_float_rn<Fmt, Mode>) {
    const float bv = s - a;
    const float e = (a - (s - bv)) + (b - bv);
    const bool finite_in = (static_cast<unsigned>((fbits(a) & 0x7F800000u) != 0x7F800000u) &
                            static_cast<unsigned>((fbits(b) & 0x7F800000u) != 0x7F800000u)) != 0;
    const bool ovf = finite_in & ((fbits(s) & 0x7FFFFFFFu) == 0x7F800000u);
    round_lane_flags<Fmt, Mode, Conv>(s, ovf ? 0.0f : e, word, ovf, flags);
    return s;
  } else {
    const float bv = s - a;
    const float e = (a - (s - bv)) + (b - bv);
    const bool finite_in = (static_cast<unsigned>((fbits(a) & 0x7F800000u) != 0x7F800000u) &
                            static_cast<unsigned>((fbits(b) & 0x7F800000u) != 0x7F800000u)) != 0;  // no branch
    const bool ovf = finite_in & ((fbits(s) & 0x7FFFFFFFu) == 0x7F800000u);
    const float ee = ovf ? 0.0f : e;  // TwoSum is meaningless past overflow
    float r = round_lane_flags<Fmt, Mode, Conv>(s, ee, word, ovf, flags);
    const bool zs = floatlab::detail::zero_sum_sign<Mode>((fbits(a) >> 31) != 0, (fbits(b) >> 31) != 0);
    r = s == 0.0f ? zero_value<Fmt>(zs) : r;
    return r;
  }
}
template <class Fmt, class Mode>
FLOATLAB_HOST_DEVICE float add_lane(float a, float b, std::uint32_t word) noexcept {
  std::uint32_t flags = 0;
  return add_lane_flags<Fmt, Mode>(a, b, word, flags);
}

// c + a*b with a*b exact in float (lane_product_exact), rounded once to Fmt in Mode.
template <class Fmt, class Mode>
FLOATLAB_HOST_DEVICE float fma_lane(float a, float b, float c, std::uint32_t word) noexcept {
  return add_lane<Fmt, Mode>(a * b, c, word);
}

// Products of two In values are exact in float: 2p <= 24 and no overflow or underflow.
template <class In>
inline constexpr bool lane_product_exact = lane_ok<In> && 2 * In::precision <= 24 && 2 * (In::emax + 1) <= 127 &&
                                           2 * (In::emin - In::fraction_bits) >= -149;
template <class InA, class InB>
inline constexpr bool lane_product_exact2 =
    lane_ok<InA> && lane_ok<InB> && InA::precision + InB::precision <= 24 && InA::emax + InB::emax + 2 <= 127 &&
    (InA::emin - InA::fraction_bits) + (InB::emin - InB::fraction_bits) >= -149;

// ---- bits <-> float value for lane formats ---------------------------------------------

template <class Fmt>
FLOATLAB_HOST_DEVICE float lane_decode(std::uint64_t bits) noexcept {
  constexpr int M = Fmt::fraction_bits;
  const bool negative = (bits & Fmt::sign_mask) != 0;
  const auto field = static_cast<std::uint32_t>((bits & Fmt::exponent_mask) >> M);
  const auto frac = static_cast<std::uint32_t>(bits & Fmt::fraction_mask);
  const std::uint32_t sign = negative ? 0x80000000u : 0u;
  const float normal = ffrom(sign | ((field + static_cast<std::uint32_t>(127 - Fmt::bias)) << 23) | (frac << (23 - M)));
  // Only a subnormal's fraction is scaled: a normal one would give a float subnormal product
  // (binary32's 2^-149 quantum), which costs a microcode assist per call on x86.
  float sub = Fmt::has_subnormals ? static_cast<float>(field == 0 ? frac : 0u) * pow2f(Fmt::emin - M) : 0.0f;
  sub = negative ? -sub : sub;
  float r = field == 0 ? sub : normal;
  r = Fmt::is_inf(bits) ? (negative ? -ffrom(0x7F800000u) : ffrom(0x7F800000u)) : r;
  r = Fmt::is_nan(bits) ? ffrom(0x7FC00000u) : r;
  return r;
}

// The pattern of a float that holds a value of Fmt (or inf/NaN where Fmt has them).
template <class Fmt>
FLOATLAB_HOST_DEVICE typename Fmt::storage lane_encode(float v) noexcept {
  constexpr int M = Fmt::fraction_bits;
  using S = typename Fmt::storage;
  const std::uint32_t b = fbits(v);
  const bool negative = (b >> 31) != 0;
  const std::uint32_t mag = b & 0x7FFFFFFFu;
  const float av = ffrom(mag);
  const std::uint64_t normal =
      (static_cast<std::uint64_t>((mag >> 23) - static_cast<std::uint32_t>(127 - Fmt::bias)) << M) |
      ((mag & 0x7FFFFFu) >> (23 - M));
  // Subnormal: |v| / quantum, exact in float where 2^(M - emin) is a float (no double
  // arithmetic: slow on GPUs), else in double. Only subnormal magnitudes are converted
  // (others are 0 here: no out-of-range conversion).
  const bool is_sub = av < pow2f(Fmt::emin);
  const float av_sub = self(is_sub, av, 0.0f);
  std::uint64_t sub;
  if constexpr (M - Fmt::emin <= 127)
    sub = static_cast<std::uint32_t>(av_sub * pow2f(M - Fmt::emin));
  else
    sub = static_cast<std::uint64_t>(static_cast<double>(av_sub) * floatlab::detail::pow2_double(M - Fmt::emin));
  std::uint64_t m = is_sub ? sub : normal;
  S r = static_cast<S>((negative ? Fmt::sign_mask : 0) | m);
  r = m == 0 ? floatlab::detail::pack_zero<Fmt>(negative) : r;
  r = mag == 0x7F800000u ? floatlab::detail::pack_inf<Fmt>(negative) : r;
  r = mag > 0x7F800000u ? floatlab::detail::pack_nan<Fmt>() : r;
  return r;
}

}  // namespace floatlab::tensor::detail
