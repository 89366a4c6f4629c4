// floatlab/mx.hpp: OCP Microscaling Formats (MX) v1.0.
//
// Spec: "OCP Microscaling Formats (MX) Specification", version 1.0, Open Compute Project,
// September 2023 (https://www.opencompute.org/documents/ocp-microscaling-formats-mx-v1-0-spec-final-pdf).
// An MX block is k = 32 elements P_i sharing one scale X; its values are X * P_i.
//   - X is E8M0: 8 exponent bits, bias 127, no sign, no mantissa: 2^(bits - 127) for
//     bits 0..254 (2^-127 .. 2^127); 0xFF is NaN. A NaN scale makes every value of the
//     block NaN, whatever its elements.
//   - Elements (concrete formats of the spec): MXFP8 E4M3 (OFP8 E4M3: NaN, no inf, max 448)
//     and E5M2 (OFP8 E5M2: IEEE-like inf/NaN, max 57344); MXFP6 E3M2 (max 28) and E2M3
//     (max 7.5); MXFP4 E2M1 (max 6), the FP6/FP4 elements without inf or NaN; MXINT8,
//     8-bit two's complement with an implicit scale 2^-6 (-2 .. 1.984375).
// Conversion of a vector V of k floats (spec section 6.3):
//     shared_exp = floor(log2(max_i |V_i|)) - emax_elem
//     X = 2^shared_exp, clamped to the E8M0 range
//     P_i = quantize_to_element_format(V_i / X), normal values beyond the element's largest
//           normal clamped (saturated) to it
// emax_elem is the exponent of the element's largest normal value (E4M3 8, E5M2 15, E3M2 4,
// E2M3 2, E2M1 2, INT8 0). Where the spec leaves room this header chooses, as the OCP
// reference code (microsoft/microxcaling) does:
//   - a block holding NaN or +-inf gets X = NaN (0xFF); its elements are stored as zero;
//   - an all-zero block (max |V| = 0) gets the smallest scale, 2^-127 (0x00), and zeros
//     (the sign of zero inputs is kept where the element format has -0);
//   - shared_exp below -127 is clamped to -127 (tiny blocks lose their small values to
//     rounding, as the spec's clamping implies); above 127 cannot happen for float inputs
//     since floor(log2 |V|) <= 127 and emax_elem >= 0;
//   - MXINT8 saturates symmetrically to +-127 (the spec allows restricting to [-127, 127]);
//     a stored -128 still decodes as -2;
//   - the rounding of V_i / X is any floatlab mode (the spec's default: nearest even).
// Dot product (spec section 6.4): Dot(A, B) = X_A X_B sum_i P_i^A P_i^B, whose internal
// precision the spec leaves to the implementation: here the sum is EXACT (a 128-bit
// fixed-point accumulator holds every product of two elements) and rounded once to float.
// DotGeneral over several blocks sums the exact block dots exactly (a 768-bit fixed-point
// accumulator) and rounds once. NaN scale or element gives NaN; inf follows IEEE rules
// (inf * 0 and inf - inf give NaN).
#pragma once

#include <cstddef>
#include <limits>

#include "cfloat_fwd.hpp"
#include "config.hpp"
#include "detail/call_args.hpp"
#include "detail/ieee_bits.hpp"
#include "detail/unpacked.hpp"
#include "format.hpp"
#include "random.hpp"
#include "rounding.hpp"
#include "status.hpp"
#include "view.hpp"

namespace floatlab {
namespace mx {

inline constexpr std::size_t block_size = 32;  // spec: k = 32 for all concrete MX formats
inline constexpr std::uint8_t scale_nan = 0xFF;
inline constexpr int scale_bias = 127;
inline constexpr int scale_emin = -127, scale_emax = 127;

// The MXINT8 element: a marker type; codes are int8 two's complement times 2^-6.
struct int8_element {
  using storage_type = std::uint8_t;
};

// Per-element-type facts: the value of a code as (class, sign, sig, exp), emax_elem,
// and the format whose encoding saturates for conversion.
template <class Elem>
struct element_traits;

namespace detail {
// The same special values as ieee, but saturating on overflow (spec 6.3's clamping); the
// bit patterns are those of the element format.
struct ieee_satfinite {
  static constexpr encoding::specials special = encoding::specials::ieee;
  static constexpr bool subnormals = true;
  static constexpr encoding::overflow_rule overflow = encoding::overflow_rule::saturate;
};
template <class Enc>
struct saturating_encoding {
  using type = Enc;
};
template <>
struct saturating_encoding<encoding::ieee> {
  using type = ieee_satfinite;
};
template <>
struct saturating_encoding<encoding::fn> {
  using type = encoding::fn_satfinite;
};
}  // namespace detail

template <int E, int M, class R, class Enc>
struct element_traits<cfloat<E, M, R, Enc>> {
  static_assert(E + M + 1 <= 8, "mx: element formats have at most 8 bits");
  using format_type = format<E, M, Enc>;
  using convert_format = format<E, M, typename detail::saturating_encoding<Enc>::type>;
  static constexpr int emax_elem = format_type::emax;
  static constexpr int lsb_exponent = format_type::emin - M;  // exponent of the smallest subnormal
  static constexpr int bits = E + M + 1;
  static constexpr double max_value =
      static_cast<double>((format_type::max_finite_bits & format_type::fraction_mask) | (std::uint64_t{1} << M)) *
      (emax_elem - M >= 0 ? static_cast<double>(std::uint64_t{1} << (emax_elem - M))
                          : 1.0 / static_cast<double>(std::uint64_t{1} << (M - emax_elem)));
};

template <>
struct element_traits<int8_element> {
  static constexpr int emax_elem = 0;
  static constexpr int lsb_exponent = -6;
  static constexpr int bits = 8;
  static constexpr double max_value = 127.0 / 64.0;
};

// An MX format: element type and the spec's block size.
template <class Elem>
struct format_of {
  using element_type = Elem;
  using traits = element_traits<Elem>;
  static constexpr std::size_t k = block_size;
};

using mxfp8_e4m3 = format_of<e4m3>;
using mxfp8_e5m2 = format_of<e5m2>;
using mxfp6_e3m2 = format_of<e3m2>;
using mxfp6_e2m3 = format_of<e2m3>;
using mxfp4_e2m1 = format_of<e2m1>;
using mxint8 = format_of<int8_element>;

// E8M0 scale helpers.
FLOATLAB_HOST_DEVICE constexpr bool scale_is_nan(std::uint8_t x) noexcept { return x == scale_nan; }
FLOATLAB_HOST_DEVICE constexpr int scale_exponent(std::uint8_t x) noexcept { return static_cast<int>(x) - scale_bias; }
FLOATLAB_HOST_DEVICE constexpr std::uint8_t scale_from_exponent(int e) noexcept {
  return static_cast<std::uint8_t>((e < scale_emin ? scale_emin : e > scale_emax ? scale_emax : e) + scale_bias);
}

namespace detail {

// The shared exponent of spec 6.3 from the magnitude bits of max |V| (a float).
FLOATLAB_HOST_DEVICE constexpr std::uint8_t shared_scale(std::uint32_t max_abs_bits, int emax_elem) noexcept {
  if (max_abs_bits >= 0x7F800000u) return scale_nan;            // NaN or inf in the block
  if (max_abs_bits == 0) return scale_from_exponent(scale_emin);  // all zero: log2(0) = -inf, clamped
  const int field = static_cast<int>(max_abs_bits >> 23);
  const int floor_log2 = field != 0 ? field - 127 : floatlab::detail::msb(max_abs_bits) - 149;  // subnormals: exact too
  return scale_from_exponent(floor_log2 - emax_elem);
}

// One element: V / 2^shared_exp rounded in Mode to the element, saturating. Exact path.
template <class Elem, class Mode>
FLOATLAB_HOST_DEVICE constexpr std::uint8_t quantize_element(float v, int shared_exp, std::uint32_t word) noexcept {
  const auto [neg, sig, ex] = floatlab::detail::split_float(v);
  if constexpr (std::is_same_v<Elem, int8_element>) {
    // code = V / X * 2^6, saturated to +-127.
    const auto r = floatlab::detail::round_to_integer<8, Mode, overflow::saturate>(neg, sig, shared_exp - 6 - ex, false, word).raw;
    return static_cast<std::uint8_t>(static_cast<std::int8_t>(r < -127 ? -127 : r));
  } else {
    using F = typename element_traits<Elem>::convert_format;
    if (sig == 0) return static_cast<std::uint8_t>(floatlab::detail::pack_zero<F>(neg));
    return static_cast<std::uint8_t>(round_pack<F, Mode>(neg, ex - shared_exp, sig, false, word));
  }
}

// Fast path for nearest_even and stochastic<R> in float arithmetic (16 lanes per AVX-512
// register). y = V / X (X^-1 = 2^-shared_exp, a float, subnormal at 2^-127 but exact) is
// exact unless |y| < 2^-126; such a y is below half the smallest element subnormal
// (>= 2^-16), so nearest gives 0 and stochastic<R <= 32> sees a zero fraction, as the
// exact path does. |y| is clamped to the largest normal (spec 6.3; a saturating format
// then never rounds past it), rounded on the element's grid 2^u with exact float
// operations, and packed from the float's bits. test_mx checks this bit for bit against
// quantize_element (round_pack) on every grid point, midpoint and neighbour, at every scale.
// The stochastic decision from fR = (exact fraction) * 2^R (an exact float below 2^R):
// floor(fR) is f of design.md, and rounding.hpp's stochastic_carry decides. 32-bit lanes
// for R < 32.
template <int R>
FLOATLAB_HOST_DEVICE constexpr std::int32_t round_up_bit(float fr, std::uint32_t word) noexcept {
  using U = std::conditional_t<(R < 32), std::uint32_t, std::uint64_t>;
  using S = std::conditional_t<(R < 32), std::int32_t, std::int64_t>;
  return static_cast<std::int32_t>(floatlab::detail::stochastic_carry<R>(static_cast<U>(static_cast<S>(fr)), word));
}

template <class Elem, class Mode>
FLOATLAB_HOST_DEVICE void quantize_fast(const float* src, std::uint8_t* dst, std::size_t len, const float* inv_scale,
                                        const std::uint32_t* words) noexcept {
  using floatlab::detail::pow2_float;
  constexpr float maxv = static_cast<float>(element_traits<Elem>::max_value);
  // |y| clamped on the bits: for nonnegative floats the integer order is the value order,
  // and an integer min keeps the loop branch-free (vectorizable).
  constexpr std::uint32_t max_bits = bit_cast<std::uint32_t>(maxv);
  if constexpr (std::is_same_v<Elem, int8_element>) {
    for (std::size_t i = 0; i < len; ++i) {
      const float y = src[i] * inv_scale[i] * 64.0f;  // codes are units of 2^-6; |y| < 2^8 unless tiny
      std::uint32_t ab = bit_cast<std::uint32_t>(y) & 0x7FFFFFFFu;
      constexpr std::uint32_t code_max_bits = bit_cast<std::uint32_t>(127.0f);
      ab = ab < code_max_bits ? ab : code_max_bits;
      const float a = bit_cast<float>(ab);
      std::int32_t q;
      if constexpr (std::is_same_v<Mode, round::nearest_even>) {
        q = static_cast<std::int32_t>((a + 0x1.8p23f) - 0x1.8p23f);
      } else {
        constexpr int R = Mode::bits;
        const auto whole = static_cast<std::int32_t>(a);
        q = whole + round_up_bit<R>((a - static_cast<float>(whole)) * pow2_float(R), words[i]);
      }
      const std::int32_t neg = -static_cast<std::int32_t>(y < 0);
      dst[i] = static_cast<std::uint8_t>((q ^ neg) - neg);
    }
  } else {
    using F = typename element_traits<Elem>::format_type;
    constexpr int M = F::fraction_bits, E = F::exponent_bits, emin = F::emin, bias = F::bias;
    const float min_normal = pow2_float(emin), sub_scale = pow2_float(M - emin);
    for (std::size_t i = 0; i < len; ++i) {
      const float y = src[i] * inv_scale[i];
      const std::uint32_t yb = bit_cast<std::uint32_t>(y);
      std::uint32_t ab = yb & 0x7FFFFFFFu;
      ab = ab < max_bits ? ab : max_bits;
      const float a = bit_cast<float>(ab);
      const int ea = static_cast<int>(ab >> 23) - 127;  // zero and float subnormals: -127
      const int u = (ea > emin ? ea : emin) - M;        // the grid step 2^u, u >= emin - M >= -16
      float r;
      if constexpr (std::is_same_v<Mode, round::nearest_even>) {
        const float big = bit_cast<float>(static_cast<std::uint32_t>(u + 23 + 127) << 23);  // 2^(u+23) > 2^(u+M+1) > a
        r = (a + big) - big;
      } else {
        constexpr int R = Mode::bits;
        const float t = a * bit_cast<float>(static_cast<std::uint32_t>(127 - u) << 23);  // a / 2^u < 2^(M+1)
        const auto whole = static_cast<std::int32_t>(t);
        const auto units = whole + round_up_bit<R>((t - static_cast<float>(whole)) * pow2_float(R), words[i]);
        r = static_cast<float>(units) * bit_cast<float>(static_cast<std::uint32_t>(u + 127) << 23);
      }
      const std::uint32_t rb = bit_cast<std::uint32_t>(r);
      const std::uint32_t normal = (((rb >> 23) - 127 + bias) << M) | ((rb >> (23 - M)) & ((1u << M) - 1));
      const auto sub = static_cast<std::uint32_t>(static_cast<std::int32_t>(r * sub_scale));  // r < 2^emin: r / 2^(emin - M)
      const std::uint32_t code = r < min_normal ? sub : normal;
      dst[i] = static_cast<std::uint8_t>(code | ((yb >> 31) << (E + M)));
    }
  }
}

// A code as an exact integer multiple of 2^lsb_exponent: (class, sign, integer).
struct element_value {
  floatlab::detail::value_class cls;
  bool sign;
  std::uint64_t units;  // |P| / 2^lsb_exponent
};
template <class Elem>
FLOATLAB_HOST_DEVICE constexpr element_value decode(std::uint8_t bits) noexcept {
  using floatlab::detail::value_class;
  if constexpr (std::is_same_v<Elem, int8_element>) {
    const auto c = static_cast<std::int8_t>(bits);
    return {c == 0 ? value_class::zero : value_class::finite, c < 0,
            static_cast<std::uint64_t>(c < 0 ? -static_cast<int>(c) : static_cast<int>(c))};
  } else {
    using T = element_traits<Elem>;
    const floatlab::detail::unpacked u = floatlab::detail::unpack<typename T::format_type>(bits);
    if (u.cls != value_class::finite) return {u.cls, u.sign, 0};
    return {u.cls, u.sign, u.sig << (u.exp - T::lsb_exponent)};
  }
}

// A two's-complement fixed-point accumulator of Limbs * 64 bits, lsb at 2^base.
template <int Limbs>
struct wide_accumulator {
  std::uint64_t limb[Limbs] = {};
  // += value * 2^shift (shift >= 0, shift + 128 <= Limbs * 64 - 1).
  FLOATLAB_HOST_DEVICE constexpr void add(i128 value, int shift) noexcept {
    const bool neg = value < 0;
    const u128 v = static_cast<u128>(value);
    const int word = shift / 64, bit = shift % 64;
    // The 192-bit two's-complement image of value << bit, then sign extension.
    std::uint64_t part[3] = {static_cast<std::uint64_t>(v), static_cast<std::uint64_t>(v >> 64), neg ? ~std::uint64_t{0} : 0};
    if (bit) {
      part[2] = (part[2] << bit) | (part[1] >> (64 - bit));
      part[1] = (part[1] << bit) | (part[0] >> (64 - bit));
      part[0] <<= bit;
    }
    unsigned carry = 0;
    for (int i = word; i < Limbs; ++i) {
      const std::uint64_t p = i - word < 3 ? part[i - word] : (neg ? ~std::uint64_t{0} : 0);
      const std::uint64_t s1 = limb[i] + p;
      const unsigned c1 = s1 < p;
      const std::uint64_t s2 = s1 + carry;
      carry = c1 | (s2 < s1);
      limb[i] = s2;
    }
  }
  // The value times 2^base rounded once to float in Mode.
  template <class Mode>
  FLOATLAB_HOST_DEVICE constexpr with_status<float> round_to_float(int base, std::uint32_t word) const noexcept {
    const bool neg = (limb[Limbs - 1] >> 63) != 0;
    std::uint64_t m[Limbs] = {};
    unsigned borrow = 1;  // magnitude: two's complement negation if negative
    for (int i = 0; i < Limbs; ++i) {
      const std::uint64_t x = neg ? ~limb[i] : limb[i];
      m[i] = neg ? x + borrow : x;
      borrow = neg ? (borrow && m[i] == 0) : 0;
    }
    int top = Limbs - 1;
    while (top >= 0 && m[top] == 0) --top;
    if (top < 0) return {0.0f, status{}};
    // Take 128 bits from the top nonzero limb down; the rest is sticky.
    u128 sig = (static_cast<u128>(m[top]) << 64) | (top >= 1 ? m[top - 1] : 0);
    bool sticky = false;
    for (int i = top - 2; i >= 0; --i) sticky = sticky || m[i] != 0;
    const int exp = base + 64 * (top - 1);
    return floatlab::detail::round_to_float_status<Mode>(neg, exp, sig, sticky, word);
  }
};

}  // namespace detail

// ---- conversion ----------------------------------------------------------------------
// in (n floats) -> elements (n codes, stored in uint8_t) and scales (ceil(n / 32) E8M0
// bytes); the last block may be short. Stochastic modes draw one word per element.
// Optional trailing (mode), (mode, source) or (source); default nearest even. Reports
// status::invalid if some block got a NaN scale; rejects bad sizes and overlaps.
template <class Fmt, class... Args>
status quantize(array_view<const float> in, array_view<std::uint8_t> elements, array_view<std::uint8_t> scales,
                Args&&... args) noexcept {
  using Elem = typename Fmt::element_type;
  using T = element_traits<Elem>;
  using Mode = floatlab::detail::mode_of_t<round::nearest_even, Args...>;
  floatlab::detail::check_call_args<Mode, Args...>();
  auto&& rng = floatlab::detail::source_of(static_cast<Args&&>(args)...);
  const std::size_t n = in.size, nb = (n + block_size - 1) / block_size;
  if (elements.size != n || scales.size != nb)
    return status::error(status::bad_shape, "mx::quantize: elements need in.size codes and scales ceil(n / 32) bytes");
  if (overlaps(in, elements) || overlaps(in, scales) || overlaps(elements, scales))
    return status::error(status::bad_argument, "mx::quantize: in, elements and scales must not overlap");
  status result;
  constexpr bool fast = std::is_same_v<Mode, round::nearest_even> || is_stochastic_v<Mode>;
  constexpr std::size_t group = 8;  // blocks per batch of random words
  std::uint32_t words[group * block_size];
  float inv_scale[group * block_size];  // 1 / X per element of the group (fast path)
  for (std::size_t k0 = 0; k0 < nb; k0 += group) {
    const std::size_t k1 = k0 + group < nb ? k0 + group : nb;
    const std::size_t span_begin = k0 * block_size, span_end = k1 * block_size < n ? k1 * block_size : n;
    if constexpr (fast && is_stochastic_v<Mode>) floatlab::detail::draw_words(rng, words, span_end - span_begin);
    bool group_nan = false;
    for (std::size_t k = k0; k < k1; ++k) {
      const std::size_t begin = k * block_size, end = begin + block_size < n ? begin + block_size : n;
      std::uint32_t m = 0;
      for (std::size_t i = begin; i < end; ++i) {
        const std::uint32_t a = floatlab::detail::abs_bits(in[i]);
        m = a > m ? a : m;
      }
      const std::uint8_t x = detail::shared_scale(m, T::emax_elem);
      scales[k] = x;
      group_nan = group_nan || x == scale_nan;
      const float inv = x == scale_nan ? 0.0f : floatlab::detail::pow2_float(-scale_exponent(x));
      for (std::size_t i = begin; i < end; ++i) inv_scale[i - span_begin] = inv;
    }
    if (group_nan) result |= status::invalid;
    if constexpr (fast) {
      if (!group_nan) {
        detail::quantize_fast<Elem, Mode>(in.data + span_begin, elements.data + span_begin, span_end - span_begin,
                                          inv_scale, words);
        continue;
      }
    }
    for (std::size_t i = span_begin; i < span_end; ++i) {
      const std::uint8_t x = scales[i / block_size];
      std::uint32_t w = 0;
      if constexpr (fast && is_stochastic_v<Mode>)
        w = words[i - span_begin];
      else
        w = floatlab::detail::draw_word<Mode>(rng);
      elements[i] = x == scale_nan ? std::uint8_t{0}
                                   : detail::quantize_element<Elem, Mode>(in[i], scale_exponent(x), w);
    }
  }
  return result;
}

// X * P_i as double: exact (|X P| lies within 2^-127-16 .. 2^127+16). NaN scale: NaN.
template <class Fmt>
FLOATLAB_HOST_DEVICE constexpr double element_value(std::uint8_t element, std::uint8_t scale) noexcept {
  using Elem = typename Fmt::element_type;
  using floatlab::detail::value_class;
  if (scale == scale_nan) return std::numeric_limits<double>::quiet_NaN();
  const detail::element_value e = detail::decode<Elem>(element);
  switch (e.cls) {
    case value_class::nan: return std::numeric_limits<double>::quiet_NaN();
    case value_class::inf: return e.sign ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    case value_class::zero: return e.sign ? -0.0 : 0.0;
    default: break;
  }
  const double v = static_cast<double>(e.units) * floatlab::detail::pow2_double(element_traits<Elem>::lsb_exponent + scale_exponent(scale));
  return e.sign ? -v : v;
}

// Elements and scales back to float: X * P_i rounded once to float in the given mode
// (default nearest even; X * P_i is exact in double, and the hardware conversion of an exact
// double is the nearest-even rounding: a fast path of rounding.hpp's table).
template <class Fmt, class... Args>
status dequantize(array_view<const std::uint8_t> elements, array_view<const std::uint8_t> scales, array_view<float> out,
                  Args&&... args) noexcept {
  using Mode = floatlab::detail::mode_of_t<round::nearest_even, Args...>;
  floatlab::detail::check_call_args<Mode, Args...>();
  auto&& rng = floatlab::detail::source_of(static_cast<Args&&>(args)...);
  const std::size_t n = elements.size;
  if (out.size != n || scales.size != (n + block_size - 1) / block_size)
    return status::error(status::bad_shape, "mx::dequantize: out needs elements.size values and scales ceil(n / 32) bytes");
  if (overlaps(elements, out) || overlaps(scales, out))
    return status::error(status::bad_argument, "mx::dequantize: out must not overlap elements or scales");
  for (std::size_t i = 0; i < n; ++i) {
    const double v = element_value<Fmt>(elements[i], scales[i / block_size]);
    const std::uint32_t w = floatlab::detail::draw_word<Mode>(rng);
    if constexpr (std::is_same_v<Mode, round::nearest_even>) {
      out[i] = static_cast<float>(v);
    } else {
      const floatlab::detail::double_parts d = floatlab::detail::split_double(v);
      using f32 = floatlab::detail::binary32_format;
      out[i] = d.nan || d.inf || d.sig == 0
                   ? static_cast<float>(v)  // exact
                   : bit_cast<float>(static_cast<std::uint32_t>(round_pack<f32, Mode>(d.negative, d.exp, d.sig, false, w)));
    }
  }
  return status{};
}

// ---- dot products ------------------------------------------------------------------------
namespace detail {
// Exact sum_i P_i^A P_i^B of one block pair, in units of 2^(lsbA + lsbB), plus specials.
struct block_sum {
  i128 units;
  bool nan, pos_inf, neg_inf;
};
template <class EA, class EB>
FLOATLAB_HOST_DEVICE constexpr block_sum exact_block_sum(const std::uint8_t* a, const std::uint8_t* b, std::size_t len) noexcept {
  using floatlab::detail::value_class;
  block_sum s{0, false, false, false};
  for (std::size_t i = 0; i < len; ++i) {
    const element_value x = decode<EA>(a[i]), y = decode<EB>(b[i]);
    const bool neg = x.sign != y.sign;
    if (x.cls == value_class::nan || y.cls == value_class::nan) {
      s.nan = true;
    } else if (x.cls == value_class::inf || y.cls == value_class::inf) {
      if (x.cls == value_class::zero || y.cls == value_class::zero)
        s.nan = true;  // inf * 0
      else
        (neg ? s.neg_inf : s.pos_inf) = true;
    } else {
      const i128 p = static_cast<i128>(x.units * y.units);  // < 2^64: units < 2^32
      s.units += neg ? -p : p;
    }
  }
  if (s.pos_inf && s.neg_inf) s.nan = true;  // inf - inf
  return s;
}
}  // namespace detail

// Dot(A, B) of spec 6.4 for one block pair (up to 32 elements each), rounded once to float
// in the optional trailing (mode), (mode, source) or (source); default nearest even.
// dot_status also reports invalid (NaN result), overflow and inexact.
template <class FmtA, class FmtB = FmtA, class... Args>
FLOATLAB_HOST_DEVICE constexpr with_status<float> dot_status(array_view<const std::uint8_t> a, std::uint8_t scale_a,
                                                             array_view<const std::uint8_t> b, std::uint8_t scale_b,
                                                             Args&&... args) noexcept {
  using EA = typename FmtA::element_type;
  using EB = typename FmtB::element_type;
  using Mode = floatlab::detail::mode_of_t<round::nearest_even, Args...>;
  constexpr float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  const std::uint32_t word = floatlab::detail::word_from<Mode>(args...);
  if (a.size != b.size || a.size > block_size)
    return {nan, status::error(status::bad_shape, "mx::dot: a and b must have the same length, at most 32")};
  if (scale_a == scale_nan || scale_b == scale_nan) return {nan, status{status::invalid, nullptr}};
  const detail::block_sum s = detail::exact_block_sum<EA, EB>(a.data, b.data, a.size);
  if (s.nan) return {nan, status{status::invalid, nullptr}};
  if (s.pos_inf) return {inf, status{}};
  if (s.neg_inf) return {-inf, status{}};
  return floatlab::detail::round_to_float_status<Mode>(
      s.units < 0, element_traits<EA>::lsb_exponent + element_traits<EB>::lsb_exponent + scale_exponent(scale_a) + scale_exponent(scale_b),
      floatlab::detail::abs_u128(s.units), false, word);
}
template <class FmtA, class FmtB = FmtA, class... Args>
FLOATLAB_HOST_DEVICE constexpr float dot(array_view<const std::uint8_t> a, std::uint8_t scale_a,
                                         array_view<const std::uint8_t> b, std::uint8_t scale_b, Args&&... args) noexcept {
  return dot_status<FmtA, FmtB>(a, scale_a, b, scale_b, static_cast<Args&&>(args)...).value;
}

// DotGeneral: sum over the blocks of two MX vectors of n elements each, exact, one rounding.
template <class FmtA, class FmtB = FmtA, class... Args>
FLOATLAB_HOST_DEVICE constexpr with_status<float> dot_general_status(array_view<const std::uint8_t> a,
                                                                     array_view<const std::uint8_t> scales_a,
                                                                     array_view<const std::uint8_t> b,
                                                                     array_view<const std::uint8_t> scales_b,
                                                                     Args&&... args) noexcept {
  using EA = typename FmtA::element_type;
  using EB = typename FmtB::element_type;
  using Mode = floatlab::detail::mode_of_t<round::nearest_even, Args...>;
  constexpr float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  const std::uint32_t word = floatlab::detail::word_from<Mode>(args...);
  const std::size_t n = a.size, nb = (n + block_size - 1) / block_size;
  if (b.size != n || scales_a.size != nb || scales_b.size != nb)
    return {nan, status::error(status::bad_shape, "mx::dot_general: a, b of equal length, ceil(n / 32) scales each")};
  constexpr status invalid{status::invalid, nullptr};
  // Block k contributes units_k * 2^(lsbA + lsbB + Xa + Xb); with Xa + Xb in -254..254 and
  // |units_k| < 2^70, offsets from the lowest exponent fit 508 + 128 bits: 12 limbs.
  constexpr int base = element_traits<EA>::lsb_exponent + element_traits<EB>::lsb_exponent + 2 * scale_emin;
  detail::wide_accumulator<12> acc;
  bool pos_inf = false, neg_inf = false;
  for (std::size_t k = 0; k < nb; ++k) {
    const std::size_t begin = k * block_size, len = n - begin < block_size ? n - begin : block_size;
    if (scales_a[k] == scale_nan || scales_b[k] == scale_nan) return {nan, invalid};
    const detail::block_sum s = detail::exact_block_sum<EA, EB>(a.data + begin, b.data + begin, len);
    if (s.nan) return {nan, invalid};
    pos_inf = pos_inf || s.pos_inf;
    neg_inf = neg_inf || s.neg_inf;
    acc.add(s.units, scale_exponent(scales_a[k]) + scale_exponent(scales_b[k]) - 2 * scale_emin);
  }
  if (pos_inf && neg_inf) return {nan, invalid};
  if (pos_inf) return {inf, status{}};
  if (neg_inf) return {-inf, status{}};
  return acc.template round_to_float<Mode>(base, word);
}
template <class FmtA, class FmtB = FmtA, class... Args>
FLOATLAB_HOST_DEVICE constexpr float dot_general(array_view<const std::uint8_t> a, array_view<const std::uint8_t> scales_a,
                                                 array_view<const std::uint8_t> b, array_view<const std::uint8_t> scales_b,
                                                 Args&&... args) noexcept {
  return dot_general_status<FmtA, FmtB>(a, scales_a, b, scales_b, static_cast<Args&&>(args)...).value;
}

}  // namespace mx
}  // namespace floatlab
