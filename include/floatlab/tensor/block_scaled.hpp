// floatlab/tensor/block_scaled.hpp: block-scaled formats as one parameterized description.
//
// A block-scaled format (block_format<Elem, Scale, TensorScale>) stores each value as an
// element code q of Elem times the scale S of its block (and, optionally, times one FP32
// tensor scale ts): value = q * S_eff, S_eff = S (no tensor scale) or RN32(S * ts).
//   Elem:  any cfloat (codes: its bits; overflow saturates to its largest finite value) or
//          int_element<WL> (WL-bit two's complement, saturating).
//   Scale: scale_e8m0 (2^e, e in -127..127, code e + 127, 0xFF NaN: OCP MX v1.0),
//          scale_ue4m3<Mode> (unsigned E4M3: the positive values of OFP8 E4M3, max 448,
//          code 0x7F NaN: NVFP4), scale_fp32<Mode> (a binary32 value: per-channel scaling),
//          scale_pow2 (2^s, any integer s: block fixed point, MuPPET).
//   TensorScale: no_tensor_scale, or fp32_tensor_scale (NVFP4's second level).
// Blocks (block_layout, runtime): the whole tensor, B consecutive values, each row or column
// of a row-major rows x cols matrix (whole, or in pieces of `length` along it), or 2-D tiles.
//
// Scale rules, with amax = max |x| over the block (x exact as double), elem_max the largest
// finite element value (2^(WL-1) - 1 for integers), emax_elem the exponent of its leading
// bit, scale_max the largest scale (448 for E4M3, 2^127 for E8M0, 1 for FP32 and 2^s):
//   tensor scale: ts = RN32(gamax / (elem_max * scale_max)), gamax over the whole tensor's
//     finite values; ts = 1 when gamax is 0 or there is no tensor scale. (NVFP4: amax / (6*448).)
//   e8m0 (OCP MX 6.3): e = floor(log2(amax / ts)) - emax_elem, clamped to -127..127; an
//     all-zero block gets e = -127.
//   ue4m3 / fp32: S = round_Scale(amax / (elem_max * ts)), the exact quotient rounded once in
//     the scale's mode, saturating (NVFP4: amax / 6 rounded to E4M3; per-channel int8:
//     amax / 127 in FP32). An all-zero block gets S = 0.
//   pow2 (block.hpp's rule): integer elements: the smallest s with ceil(amax / 2^s) <=
//     2^(WL-1) - 1; cfloat elements: s = floor(log2 amax) - emax_elem; all-zero blocks s = 0.
//   A block holding NaN or +-inf gets a NaN scale, zero codes, dequantizes to NaN, and the
//   status reports invalid.
// Elements: q_i = round_Elem(x_i / S_eff), the exact quotient rounded once in the element
// mode (trailing (mode) / (mode, source) / (source); default: Elem's mode, nearest even for
// integers), saturating; stochastic words philox_word(seed, i, 0) (i: flat index). A block
// whose S_eff is 0 (all zero, or a scale that rounded to 0) gets zero codes (sign kept).
// Status flags: invalid (NaN scale), inexact (an element or the scale rounded), overflow (an
// element saturated).
// Fast path (rounding.hpp's table): float input with power-of-two scales and run layouts takes
// bs_quantize_lanes (below): the same codes, scales and flags.
//
// GEMM (block_scaled_gemm): C (M x N) = A (M x K) B (K x N), A and B row-major block-scaled
// tensors (any layouts; MX / NVFP4 GEMMs use per_row(M, K, 32 or 16) for A and
// per_column(K, N, ...) for B, the scaled block dot products): the exact sum over k of the
// exact products of the dequantized values, rounded once to C's type (nearest even, or a
// trailing mode for a cfloat C). It is gemm.hpp's chunked<K, exact_partial> GEMM on the
// dequantized values, which are exact in binary64 (checked at compile time).
//
// Named aliases (each with its layout): mx_format<Elem> + mx_layout (32 consecutive);
// nvfp4 + nvfp4_layout (16 consecutive); per_channel<Elem> + per_row / per_column;
// muppet_bfp<WL> (WL = 8, 12, 14, 16 in the paper) + per_tensor / per_row / per_column.
#pragma once

#include <cmath>
#include <limits>
#include <vector>

#include "../block.hpp"
#include "../mx.hpp"
#include "elementwise.hpp"
#include "gemm.hpp"
#include "quantize.hpp"
#include "simd.hpp"

namespace floatlab::tensor {

template <int WL>
struct int_element {
  static_assert(WL >= 2 && WL <= 32, "int_element<WL>: WL must be in 2..32");
  static constexpr int bits = WL;
};

struct scale_e8m0 {};
template <class Mode = round::nearest_even>
struct scale_ue4m3 {
  static_assert(is_rounding_mode_v<Mode>, "scale_ue4m3<Mode>: Mode must be a floatlab::round tag");
  using mode = Mode;
};
template <class Mode = round::nearest_even>
struct scale_fp32 {
  static_assert(is_rounding_mode_v<Mode>, "scale_fp32<Mode>: Mode must be a floatlab::round tag");
  using mode = Mode;
};
struct scale_pow2 {};
struct no_tensor_scale {};
struct fp32_tensor_scale {};

namespace detail {
template <class T>
struct is_int_element : std::false_type {};
template <int WL>
struct is_int_element<int_element<WL>> : std::true_type {};
template <class S>
struct scale_kind {
  static constexpr int value = -1;
};
template <>
struct scale_kind<scale_e8m0> {
  static constexpr int value = 0;
};
template <class M>
struct scale_kind<scale_ue4m3<M>> {
  static constexpr int value = 1;
};
template <class M>
struct scale_kind<scale_fp32<M>> {
  static constexpr int value = 2;
};
template <>
struct scale_kind<scale_pow2> {
  static constexpr int value = 3;
};
}  // namespace detail

template <class Elem, class Scale, class TensorScale = no_tensor_scale>
struct block_format {
  static_assert(is_cfloat_v<Elem> || detail::is_int_element<Elem>::value,
                "block_format<Elem, ...>: Elem must be a floatlab::cfloat or floatlab::tensor::int_element<WL>");
  static_assert(detail::scale_kind<Scale>::value >= 0,
                "block_format<..., Scale>: Scale must be scale_e8m0, scale_ue4m3<Mode>, scale_fp32<Mode> or scale_pow2");
  static_assert(std::is_same_v<TensorScale, no_tensor_scale> || std::is_same_v<TensorScale, fp32_tensor_scale>,
                "block_format<..., TensorScale>: no_tensor_scale or fp32_tensor_scale");
  static_assert(!(std::is_same_v<TensorScale, fp32_tensor_scale> && std::is_same_v<Scale, scale_pow2>),
                "block_format: a power-of-two scale (block fixed point) takes no tensor scale");
  using element = Elem;
  using scale = Scale;
  static constexpr bool has_tensor_scale = std::is_same_v<TensorScale, fp32_tensor_scale>;
  static constexpr int scale_kind = detail::scale_kind<Scale>::value;
};

struct block_layout {
  enum class axis { tensor, consecutive, rows, columns, tiles };
  axis kind = axis::tensor;
  std::size_t rows = 0, cols = 0, length = 0, tile_rows = 0, tile_cols = 0;

  static block_layout per_tensor() noexcept { return {}; }
  static block_layout consecutive(std::size_t b) noexcept { return {axis::consecutive, 0, 0, b, 0, 0}; }
  // Each row (column) of a row-major r x c matrix, whole (length 0) or in pieces of length.
  static block_layout per_row(std::size_t r, std::size_t c, std::size_t length = 0) noexcept {
    return {axis::rows, r, c, length, 0, 0};
  }
  static block_layout per_column(std::size_t r, std::size_t c, std::size_t length = 0) noexcept {
    return {axis::columns, r, c, length, 0, 0};
  }
  static block_layout tiles(std::size_t r, std::size_t c, std::size_t tr, std::size_t tc) noexcept {
    return {axis::tiles, r, c, 0, tr, tc};
  }

  bool valid_for(std::size_t n) const noexcept {
    switch (kind) {
      case axis::tensor: return true;
      case axis::consecutive: return length > 0;
      case axis::rows:
      case axis::columns: {
        std::size_t rc = 0;
        return !__builtin_mul_overflow(rows, cols, &rc) && rc == n;
      }
      default: {
        std::size_t rc = 0;
        return !__builtin_mul_overflow(rows, cols, &rc) && rc == n && tile_rows > 0 && tile_cols > 0;
      }
    }
  }
  static std::size_t ceil_div(std::size_t a, std::size_t b) noexcept { return b ? (a + b - 1) / b : 0; }
  std::size_t pieces(std::size_t extent) const noexcept { return length ? ceil_div(extent, length) : (extent ? 1 : 0); }
  std::size_t count(std::size_t n) const noexcept {
    switch (kind) {
      case axis::tensor: return n ? 1 : 0;
      case axis::consecutive: return ceil_div(n, length);
      case axis::rows: return rows * pieces(cols);
      case axis::columns: return cols * pieces(rows);
      default: return ceil_div(rows, tile_rows) * ceil_div(cols, tile_cols);
    }
  }
  // Block of flat (row-major) element i.
  std::size_t block_of(std::size_t i) const noexcept {
    switch (kind) {
      case axis::tensor: return 0;
      case axis::consecutive: return i / length;
      case axis::rows: return (i / cols) * pieces(cols) + (length ? (i % cols) / length : 0);
      case axis::columns: return (i % cols) * pieces(rows) + (length ? (i / cols) / length : 0);
      default: return (i / cols) / tile_rows * ceil_div(cols, tile_cols) + (i % cols) / tile_cols;
    }
  }
};

// ---- named instances ----------------------------------------------------------------------
inline constexpr std::size_t mx_block_size = 32, nvfp4_block_size = 16;
template <class Elem>
using mx_format = block_format<Elem, scale_e8m0>;  // OCP MX v1.0: E8M0 scale per 32 values
inline block_layout mx_layout() noexcept { return block_layout::consecutive(mx_block_size); }
using nvfp4 = block_format<e2m1, scale_ue4m3<>, fp32_tensor_scale>;  // E2M1, E4M3 per 16, FP32 tensor scale
inline block_layout nvfp4_layout() noexcept { return block_layout::consecutive(nvfp4_block_size); }
template <class Elem>
using per_channel = block_format<Elem, scale_fp32<>>;  // one FP32 scale per row / column
template <int WL>
using muppet_bfp = block_format<int_element<WL>, scale_pow2>;  // MuPPET: WL-bit codes, one 2^s per tensor/row/column

// A quantized tensor: codes (cfloat bits or integers), one scale code per block (e8m0 and
// ue4m3: the byte; fp32: the bits; pow2: the exponent s), the tensor scale.
template <class Format>
struct block_scaled_tensor {
  using format = Format;
  block_layout layout;
  std::vector<std::int32_t> codes;
  std::vector<std::int32_t> scales;
  float tensor_scale = 1.0f;
};

inline constexpr std::int32_t pow2_scale_nan = std::numeric_limits<std::int32_t>::min();

namespace detail {

template <class Elem>
struct elem_info;
template <int E, int M, class R, class Enc>
struct elem_info<cfloat<E, M, R, Enc>> {
  using T = cfloat<E, M, R, Enc>;
  using F = typename T::format_type;
  using sat_format = format<E, M, typename mx::detail::saturating_encoding<Enc>::type>;
  using sat_type = cfloat<E, M, R, typename mx::detail::saturating_encoding<Enc>::type>;
  static constexpr int emax = F::emax;
  static constexpr int precision = F::precision;
  using default_mode = R;
  FLOATLAB_HOST_DEVICE static double max_value() noexcept { return static_cast<double>(convert<float>(T::from_bits(static_cast<typename F::storage>(F::max_finite_bits)))); }
  FLOATLAB_HOST_DEVICE static double value(std::int32_t code) noexcept {
    return static_cast<double>(convert<float>(T::from_bits(static_cast<typename F::storage>(static_cast<std::uint32_t>(code)))));
  }
};
template <int WL>
struct elem_info<int_element<WL>> {
  static constexpr int emax = WL - 2;
  static constexpr int precision = WL - 1;
  using default_mode = round::nearest_even;
  FLOATLAB_HOST_DEVICE static double max_value() noexcept { return floatlab::detail::pow2_double(WL - 1) - 1.0; }
  FLOATLAB_HOST_DEVICE static double value(std::int32_t code) noexcept { return static_cast<double>(code); }
};

// The helpers below are host + device (cuda/block_scaled.cuh runs them in its kernels): no
// <cmath>, powers of two and exponents from the bits.
FLOATLAB_HOST_DEVICE floatlab::detail::unpacked unpack_d(double x) noexcept {
  return floatlab::detail::unpack<floatlab::detail::binary64_format>(bit_cast<std::uint64_t>(x));
}
// The exact quotient x / s of two finite nonzero doubles. A power-of-two s (E8M0 and 2^s
// scales, and any S_eff that is one) needs no division: the quotient is x with its exponent
// lowered, the same exact value floatlab::detail::div gives (sticky false), so the rounding
// that follows is the same. (Fast path: proven by every block_scaled test, which compares
// with block.hpp / mx.hpp and with the GPU.)
FLOATLAB_HOST_DEVICE floatlab::detail::exact_result exact_quotient(double x, double s) noexcept {
  const auto ux = unpack_d(x), us = unpack_d(s);
  if (ux.cls == floatlab::detail::value_class::finite && us.cls == floatlab::detail::value_class::finite &&
      (us.sig & (us.sig - 1)) == 0)
    return {floatlab::detail::value_class::finite, ux.sign != us.sign, ux.exp - us.exp - floatlab::detail::msb(us.sig),
            ux.sig, false};
  return floatlab::detail::div(ux, us);
}
// floor(log2 |v|) of a finite nonzero exact value.
FLOATLAB_HOST_DEVICE int floor_log2(const floatlab::detail::exact_result& v) noexcept {
  return v.exp + floatlab::detail::msb(v.sig);
}
// std::ldexp(1.0, e): 2^e, 0 below the subnormals, +inf above the range.
FLOATLAB_HOST_DEVICE double pow2_or_limit(int e) noexcept {
  return e > 1023 ? bit_cast<double>(std::uint64_t{0x7FF} << 52) : e < -1074 ? 0.0 : floatlab::detail::pow2_double(e);
}
// std::ilogb of a finite nonzero double.
FLOATLAB_HOST_DEVICE int ilogb_finite(double x) noexcept {
  const std::uint64_t b = bit_cast<std::uint64_t>(x) & ~(std::uint64_t{1} << 63);
  const int field = static_cast<int>(b >> 52);
  return field ? field - 1023 : floatlab::detail::msb(b) - 1074;
}
FLOATLAB_HOST_DEVICE bool sign_bit(double x) noexcept { return (bit_cast<std::uint64_t>(x) >> 63) != 0; }
using e4m3_sat_format = format<4, 3, encoding::fn_satfinite>;

template <class Format>
struct scale_ops {
  using Elem = typename Format::element;
  using I = elem_info<Elem>;
  static constexpr int kind = Format::scale_kind;

  FLOATLAB_HOST_DEVICE static double scale_max() noexcept {
    if constexpr (kind == 0) return floatlab::detail::pow2_double(127);
    else if constexpr (kind == 1) return 448.0;
    else return 1.0;
  }
  // Scale code of a block of finite values with maximum magnitude amax, tensor scale ts;
  // flags collects inexact.
  FLOATLAB_HOST_DEVICE static std::int32_t code(double amax, float ts, std::uint32_t& flags) noexcept {
    using floatlab::detail::value_class;
    if constexpr (kind == 0) {
      if (amax == 0) return 0;  // e = -127
      const auto q = exact_quotient(amax, static_cast<double>(ts));
      int e = floor_log2(q) - I::emax;
      e = e < -127 ? -127 : e > 127 ? 127 : e;
      return e + 127;
    } else if constexpr (kind == 1 || kind == 2) {
      if (amax == 0) return 0;
      const double den = I::max_value() * static_cast<double>(ts);  // exact: a short element max times a float
      const auto q = exact_quotient(amax, den);
      using M = typename Format::scale::mode;
      if constexpr (kind == 1) {
        const auto r = floatlab::detail::finish<e4m3_sat_format, M>(q, 0);
        flags |= exact_equal(q, value_ue4m3(r)) ? 0u : std::uint32_t{status::inexact};
        return static_cast<std::int32_t>(r);
      } else {
        const auto r = floatlab::detail::finish<floatlab::detail::binary32_format, M>(q, 0);
        flags |= exact_equal(q, static_cast<double>(bit_cast<float>(static_cast<std::uint32_t>(r)))) ? 0u : std::uint32_t{status::inexact};
        return static_cast<std::int32_t>(r);
      }
    } else {
      if (amax == 0) return 0;
      const int e = ilogb_finite(amax);
      if constexpr (is_int_element<Elem>::value) {
        constexpr int WL = Elem::bits;
        int s = e - (WL - 2);
        if (amax > (pow2_or_limit(WL - 1) - 1.0) * pow2_or_limit(s)) ++s;  // exact in double
        return s;
      } else {
        return e - I::emax;
      }
    }
  }
  FLOATLAB_HOST_DEVICE static bool exact_equal(const floatlab::detail::exact_result& q, double v) noexcept {
    if (q.sticky) return false;
    const auto u = unpack_d(v);
    if (u.cls != floatlab::detail::value_class::finite) return false;
    // q.sig * 2^q.exp == u.sig * 2^u.exp
    const int sq = floatlab::detail::msb(q.sig), su = floatlab::detail::msb(static_cast<u128>(u.sig));
    if (q.exp + sq != u.exp + su) return false;
    const int shift = (q.exp) - (u.exp);
    return shift >= 0 ? (q.sig << shift) == static_cast<u128>(u.sig) : (static_cast<u128>(u.sig) << -shift) == q.sig;
  }
  FLOATLAB_HOST_DEVICE static double value_ue4m3(std::int32_t code) noexcept {
    return static_cast<double>(convert<float>(e4m3::from_bits(static_cast<std::uint8_t>(code))));
  }
  FLOATLAB_HOST_DEVICE static bool is_nan(std::int32_t code) noexcept {
    if constexpr (kind == 0) return code == 0xFF;
    else if constexpr (kind == 1) return (code & 0x7F) == 0x7F;
    else if constexpr (kind == 2) return (static_cast<std::uint32_t>(code) & 0x7FFFFFFFu) > 0x7F800000u;
    else return code == pow2_scale_nan;
  }
  FLOATLAB_HOST_DEVICE static std::int32_t nan_code() noexcept {
    if constexpr (kind == 0) return 0xFF;
    else if constexpr (kind == 1) return 0x7F;
    else if constexpr (kind == 2) return 0x7FC00000;
    else return pow2_scale_nan;
  }
  // The scale's value S (exact as double).
  FLOATLAB_HOST_DEVICE static double value(std::int32_t code) noexcept {
    if constexpr (kind == 0) return floatlab::detail::pow2_double(code - 127);
    else if constexpr (kind == 1) return value_ue4m3(code);
    else if constexpr (kind == 2) return static_cast<double>(bit_cast<float>(static_cast<std::uint32_t>(code)));
    else return pow2_or_limit(code);
  }
  // S_eff: S, or RN32(S * ts) with a tensor scale.
  FLOATLAB_HOST_DEVICE static double effective(std::int32_t code, float ts) noexcept {
    const double s = value(code);
    if constexpr (Format::has_tensor_scale) return static_cast<double>(static_cast<float>(s * static_cast<double>(ts)));
    else return (void)ts, s;
  }
};

// x / S_eff rounded once to the element, saturating; flags: inexact, overflow.
template <class Format, class Mode>
FLOATLAB_HOST_DEVICE std::int32_t quantize_elem(double x, double s_eff, std::uint32_t word, std::uint32_t& flags) noexcept {
  using Elem = typename Format::element;
  using floatlab::detail::value_class;
  const bool neg = sign_bit(x);
  if constexpr (is_cfloat_v<Elem>) {
    using SF = typename elem_info<Elem>::sat_format;
    using EF = typename Elem::format_type;
    if (s_eff == 0 || x == 0) return static_cast<std::int32_t>(floatlab::detail::pack_zero<EF>(neg));
    const auto q = exact_quotient(x, s_eff);
    const auto r = floatlab::round_pack_status<SF, Mode>(q.sign, q.exp, q.sig, q.sticky, word);
    flags |= r.flags & (status::inexact | status::overflow);
    return static_cast<std::int32_t>(r.bits);
  } else {
    if (s_eff == 0 || x == 0) return 0;
    const auto q = exact_quotient(x, s_eff);
    const auto r = floatlab::detail::round_to_integer<Elem::bits, Mode, overflow::saturate>(q.sign, q.sig, -q.exp, q.sticky, word);
    flags |= r.flags & (status::inexact | status::overflow);
    return static_cast<std::int32_t>(r.raw);
  }
}

template <class X>
FLOATLAB_HOST_DEVICE double as_double_exact(const X& x) noexcept {
  if constexpr (is_cfloat_v<X>) return static_cast<double>(convert<binary64>(x));
  else return static_cast<double>(x);
}

// ---- the lane path of block_scaled_quantize (rounding.hpp's fast-path table) -------------
// Float input, a power-of-two S_eff = 2^k (E8M0 without a tensor scale, or 2^s), blocks that
// are runs of consecutive elements (per tensor, B consecutive, rows whole or in pieces), and
//   a cfloat element living in float: y = x * 2^-k in float is exact where |y| >= 2^-126 (or
//     x = 0), and it is the exact quotient that exact_quotient gives, so quantize's lane
//     rounding (quantize_run: proven equal to round_pack_status, bits and flags) of y to the
//     element's saturating format, in the mode, with the word (i, 0), gives quantize_elem's code
//     and flags (inexact, overflow; underflow is not reported);
//   an int_element<WL <= 16> in nearest even or stochastic<R>: block.hpp's float run
//     (floatlab::detail::quantize_run, proven against round_to_integer, which quantize_elem
//     runs), words (i, 0) one Philox block per four elements (simd::philox_fill); inexact where y is no
//     integer; no overflow (the scale rule keeps |y| <= 2^(WL-1) - 1).
// Spans of 256 values (blocks of different scales side by side) with a y outside that range,
// or a block whose 2^-k is no normal float, run quantize_elem per element. The element loop is threaded over spans of 4096 (each element
// has its own word: the same codes for any thread count). Equal to the exact path (double
// input) in tests/test_tensor_block_scaled.cpp, exhaustively over 16-bit sources.
template <class Elem, class Mode>
struct bs_elem_lane : std::false_type {};
template <int E, int M, class R, class Enc, class Mode>
struct bs_elem_lane<cfloat<E, M, R, Enc>, Mode>
    : std::bool_constant<lane_ok<typename elem_info<cfloat<E, M, R, Enc>>::sat_format>> {};
template <int WL, class Mode>
struct bs_elem_lane<int_element<WL>, Mode>
    : std::bool_constant<(WL <= 16) && (std::is_same_v<Mode, round::nearest_even> || is_stochastic_v<Mode>)> {};
template <class Format, class Mode>
inline constexpr bool bs_lane_ok =
    ((Format::scale_kind == 0 && !Format::has_tensor_scale) || Format::scale_kind == 3) &&
    bs_elem_lane<typename Format::element, Mode>::value;

inline bool bs_lane_layout(const block_layout& l) noexcept {
  return l.kind == block_layout::axis::tensor || l.kind == block_layout::axis::consecutive || l.kind == block_layout::axis::rows;
}
// The end of the run of one block that starts at or holds i (bs_lane_layout's layouts).
inline std::size_t bs_run_end(const block_layout& l, std::size_t i, std::size_t n) noexcept {
  if (l.kind == block_layout::axis::consecutive) return std::min(n, (i / l.length + 1) * l.length);
  if (l.kind == block_layout::axis::rows) {
    const std::size_t row = i / l.cols, c = i % l.cols;
    return row * l.cols + (l.length ? std::min(l.cols, (c / l.length + 1) * l.length) : l.cols);
  }
  return n;
}

// Elements [a, b) (b - a <= bs_span) of bs_quantize_lanes, their codes written to
// out[a, b); flags ORed. s_eff[block] is the block's S_eff, a power of two, or -1 for a block
// with NaN or inf, whose codes are written here as zeros (nothing zero-fills them before).
// Element t is x_t / S_eff rounded in Mode with the word (t, quantize_operation): on the lanes
// (y = x * 2^-k in float, then quantize_run, or block.hpp's run for int elements) when every
// block of the span has a normal 2^-k and no non-zero x_t scales below 2^-126; else element by
// element through quantize_elem (the exact path), a NaN block as zeros.
inline constexpr std::size_t bs_span = 256;
template <class Format, class Mode>
void bs_lane_span(const block_layout& layout, const float* in, std::int32_t* out, std::size_t a, std::size_t b, std::size_t n,
                  const double* s_eff, const counter_source& src, std::uint32_t& flags) noexcept {
  using Elem = typename Format::element;
  auto exact = [&](std::size_t i, std::size_t j, double s) {
    for (std::size_t t = i; t < j; ++t)
      out[t] = quantize_elem<Format, Mode>(static_cast<double>(in[t]), s, is_stochastic_v<Mode> ? src.word(t, quantize_operation) : 0,
                                           flags);
  };
  // y = x * 2^-k block by block (k of each block's S_eff = 2^k), when every block here has a
  // normal 2^-k; the int elements also take 2^-k per element (mul).
  float mul[bs_span], y[bs_span];
  bool lanes = true;
  std::uint32_t bad = 0;
  for (std::size_t i = a; i < b;) {
    const std::size_t j = std::min(b, bs_run_end(layout, i, n));
    const double s = s_eff[layout.block_of(i)];
    const int k = s > 0 ? ilogb_finite(s) : 0;
    lanes = s > 0 && -k >= -126 && -k <= 127;
    if (!lanes) break;
    const float m = floatlab::detail::pow2_float(-k);
    for (std::size_t t = i; t < j; ++t) {
      if constexpr (!is_cfloat_v<Elem>) mul[t - a] = m;
      y[t - a] = in[t] * m;
      const std::uint32_t my = fbits(y[t - a]) & 0x7FFFFFFFu, mx = fbits(in[t]) & 0x7FFFFFFFu;
      bad |= static_cast<std::uint32_t>(my < 0x00800000u) & static_cast<std::uint32_t>(mx != 0);
    }
    i = j;
  }
  const std::size_t len = b - a;
  if (!lanes || bad) {  // per element, block by block (NaN blocks: zero codes)
    for (std::size_t i = a; i < b;) {
      const std::size_t j = std::min(b, bs_run_end(layout, i, n));
      const double s = s_eff[layout.block_of(i)];
      if (s >= 0) exact(i, j, s);
      else std::fill(out + i, out + j, 0);
      i = j;
    }
    return;
  }
  if constexpr (is_cfloat_v<Elem>) {
    using Sat = typename elem_info<Elem>::sat_type;
    // y[0..len) is written above; GCC 12 warns (-Wmaybe-uninitialized) when quantize_run is
    // not inlined, and zeroing y cost ~10% of the int8 rows. The codes go straight into out
    // (quantize_run's int32 codes: the element's code bits, as q.bits() gives them).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
    flags |= quantize_run<typename Sat::format_type, Mode>(y, out + a, len, a, src, quantize_operation) &
             (std::uint32_t{status::inexact} | status::overflow);
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
  } else {
    std::uint32_t words[bs_span];
    if constexpr (is_stochastic_v<Mode>) {
#if FLOATLAB_TENSOR_SIMD_WIDTH > 1
      simd::philox_fill(src.seed, a, quantize_operation, words, len);  // one block per four elements
#else
      for (std::size_t t = 0; t < len; ++t) words[t] = src.word(a + t, quantize_operation);
#endif
    }
    floatlab::detail::quantize_run<Mode, float>(in + a, out + a, len, static_cast<const float*>(mul), words);
    std::uint32_t inexact = 0;
    for (std::size_t t = 0; t < len; ++t) inexact |= static_cast<std::uint32_t>(y[t] != static_cast<float>(static_cast<std::int32_t>(y[t])));
    if (inexact) flags |= status::inexact;
  }
}

template <class Format, class Mode>
status bs_quantize_lanes(const block_layout& layout, array_view<const float> in, block_scaled_tensor<Format>& out,
                         const counter_source& src) {
  using S = scale_ops<Format>;
  const std::size_t n = in.size, nb = layout.count(n);
  // 1. max |x| per block as magnitude bits (monotone for finite values; inf and NaN above).
  std::vector<std::uint32_t> amax(nb, 0);
  for (std::size_t i = 0; i < n;) {
    const std::size_t j = bs_run_end(layout, i, n);
    std::uint32_t m = 0;
    for (std::size_t t = i; t < j; ++t) {
      const std::uint32_t a = fbits(in.data[t]) & 0x7FFFFFFFu;
      m = a > m ? a : m;
    }
    std::uint32_t& am = amax[layout.block_of(i)];
    am = m > am ? m : am;
    i = j;
  }
  // 2. Scales: the rule of block_scaled_quantize (ts = 1).
  std::uint32_t flags = 0;
  out.layout = layout;
  out.tensor_scale = 1.0f;
  // Every scale and code is written below (a NaN block's codes as zeros): no zero-fill first.
  out.scales.resize(nb);
  out.codes.resize(n);
  std::vector<double> s_eff(nb, -1.0);  // -1: a block with NaN or inf (zero codes)
  for (std::size_t b = 0; b < nb; ++b) {
    if (amax[b] >= 0x7F800000u) {
      out.scales[b] = S::nan_code();
      flags |= status::invalid;
      continue;
    }
    out.scales[b] = S::code(static_cast<double>(ffrom(amax[b])), 1.0f, flags);
    s_eff[b] = S::effective(out.scales[b], 1.0f);
  }
  // 3. Codes.
  constexpr std::size_t chunk = 16 * bs_span;
  std::atomic<std::uint32_t> all{flags};
  parallel_for((n + chunk - 1) / chunk, [&](std::size_t task) {
    const std::size_t end = std::min(n, (task + 1) * chunk);
    std::uint32_t f = 0;
    for (std::size_t i = task * chunk; i < end; i += bs_span)
      bs_lane_span<Format, Mode>(layout, in.data, out.codes.data(), i, std::min(end, i + bs_span), n, s_eff.data(), src, f);
    all.fetch_or(f, std::memory_order_relaxed);
  }, 4);
  status st;
  st.flags = all.load();
  return st;
}

}  // namespace detail

// Quantizes in (float, double or cfloat values; n of them) into out (codes and scales).
template <class Format, class InV, class... Args>
status block_scaled_quantize(const block_layout& layout, InV&& in_c, block_scaled_tensor<Format>& out, Args&&... args) {
  static_assert(sizeof...(Args) <= 2, "block_scaled_quantize<Format>(layout, in, out [, mode] [, source])");
  using Elem = typename Format::element;
  using I = detail::elem_info<Elem>;
  using Mode = typename detail::tensor_args<typename I::default_mode, std::decay_t<Args>...>::mode;
  detail::require_source<is_stochastic_v<Mode>, detail::has_source_v<std::decay_t<Args>...>>();
  const auto in = detail::as_const(detail::as_view(in_c));
  if (detail::null_with_size(in)) return status::error(status::bad_argument, "block_scaled_quantize: null pointer with a non-zero size");
  if (!layout.valid_for(in.size)) return status::error(status::bad_shape, "block_scaled_quantize: the block layout does not fit the tensor's size");
  using S = detail::scale_ops<Format>;
  const counter_source src = detail::source_of(args...);
  if constexpr (std::is_same_v<std::remove_const_t<std::remove_pointer_t<decltype(in.data)>>, float> &&
                detail::bs_lane_ok<Format, Mode>) {
    if (detail::bs_lane_layout(layout)) return detail::bs_quantize_lanes<Format, Mode>(layout, in, out, src);
  }
  const std::size_t n = in.size, nb = layout.count(n);
  std::vector<double> x(n);
  std::vector<double> amax(nb, 0.0);
  std::vector<char> bad(nb, 0);
  double gamax = 0;
  for (std::size_t i = 0; i < n; ++i) {
    x[i] = detail::as_double_exact(in.data[i]);
    const std::size_t b = layout.block_of(i);
    const double a = std::fabs(x[i]);
    if (!std::isfinite(a)) bad[b] = 1;
    else {
      amax[b] = std::max(amax[b], a);
      gamax = std::max(gamax, a);
    }
  }
  std::uint32_t flags = 0;
  float ts = 1.0f;
  if constexpr (Format::has_tensor_scale) {
    if (gamax > 0) {
      const double den = I::max_value() * S::scale_max();  // exact (6 * 448 for NVFP4)
      ts = static_cast<float>(gamax / den);  // RN64 then RN32: innocuous (53 >= 2 * 24 + 2)
      if (!(ts > 0) || std::isinf(ts)) ts = 1.0f;
    }
  }
  out.layout = layout;
  out.tensor_scale = ts;
  out.scales.assign(nb, 0);
  out.codes.assign(n, 0);
  std::vector<double> s_eff(nb, 0.0);
  for (std::size_t b = 0; b < nb; ++b) {
    if (bad[b]) {
      out.scales[b] = S::nan_code();
      flags |= status::invalid;
      continue;
    }
    out.scales[b] = S::code(amax[b], ts, flags);
    s_eff[b] = S::effective(out.scales[b], ts);
  }
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t b = layout.block_of(i);
    if (bad[b]) continue;
    const std::uint32_t w = is_stochastic_v<Mode> ? src.word(i, quantize_operation) : 0;
    out.codes[i] = detail::quantize_elem<Format, Mode>(x[i], s_eff[b], w, flags);
  }
  status st;
  st.flags = flags;
  return st;
}

// Values of a block-scaled tensor (q * S_eff; NaN for a NaN scale) into float or double.
template <class Format, class OutV>
status block_scaled_dequantize(const block_scaled_tensor<Format>& t, OutV&& out_c) {
  using Elem = typename Format::element;
  using I = detail::elem_info<Elem>;
  using S = detail::scale_ops<Format>;
  const auto out = detail::as_view(out_c);
  using D = std::remove_pointer_t<decltype(out.data)>;
  static_assert(std::is_same_v<D, float> || std::is_same_v<D, double>, "block_scaled_dequantize: out must hold float or double");
  if (detail::null_with_size(out)) return status::error(status::bad_argument, "block_scaled_dequantize: null pointer with a non-zero size");
  if (out.size != t.codes.size() || !t.layout.valid_for(out.size) || t.scales.size() != t.layout.count(out.size))
    return status::error(status::bad_shape, "block_scaled_dequantize: out, codes and scales do not match the layout");
  std::uint32_t flags = 0;
  for (std::size_t i = 0; i < out.size; ++i) {
    const std::int32_t sc = t.scales[t.layout.block_of(i)];
    double v;
    if (S::is_nan(sc)) v = std::numeric_limits<double>::quiet_NaN();
    else v = I::value(t.codes[i]) * S::effective(sc, t.tensor_scale);  // exact (short element times a float)
    if constexpr (std::is_same_v<D, float>) {
      const float f = static_cast<float>(v);  // nearest even
      if (static_cast<double>(f) != v && v == v) flags |= status::inexact;
      out.data[i] = f;
    } else {
      out.data[i] = v;
    }
  }
  status st;
  st.flags = flags;
  return st;
}

// Fake quantization: in -> block-scaled -> values, in one call.
template <class Format, class InV, class OutV, class... Args>
status block_scaled_quantize_values(const block_layout& layout, InV&& in, OutV&& out, Args&&... args) {
  block_scaled_tensor<Format> t;
  const status s1 = block_scaled_quantize<Format>(layout, in, t, args...);
  if (s1.rejected()) return s1;
  const status s2 = block_scaled_dequantize(t, out);
  if (s2.rejected()) return s2;
  status st;
  st.flags = s1.flags | s2.flags;
  return st;
}

// C = A B for block-scaled A (M x K) and B (K x N), row-major: see the top of the file.
template <class FA, class FB, class CV, class... Args>
status block_scaled_gemm(std::size_t m, std::size_t n, std::size_t k, const block_scaled_tensor<FA>& a,
                         const block_scaled_tensor<FB>& b, CV&& c_c, Args&&... args) {
  static_assert(detail::elem_info<typename FA::element>::precision + 24 <= 53 &&
                    detail::elem_info<typename FB::element>::precision + 24 <= 53,
                "block_scaled_gemm: element precision + 24 must fit binary64 (dequantized values exact)");
  const auto c = detail::as_view(c_c);
  using TC = std::remove_pointer_t<decltype(c.data)>;
  std::size_t mk = 0, kn = 0, mn = 0;
  if (detail::null_with_size(c)) return status::error(status::bad_argument, "block_scaled_gemm: null pointer with a non-zero size");
  if (!detail::mul_ok(m, k, mk) || !detail::mul_ok(k, n, kn) || !detail::mul_ok(m, n, mn) || a.codes.size() != mk ||
      b.codes.size() != kn || c.size != mn)
    return status::error(status::bad_shape, "block_scaled_gemm: A must be m x k, B k x n and C m x n");
  if (k > max_k) return status::error(status::bad_shape, "block_scaled_gemm: K must be below 2^31 - 16");
  std::vector<double> da(mk), db(kn);
  if (const status s = block_scaled_dequantize(a, da); s.rejected()) return s;
  if (const status s = block_scaled_dequantize(b, db); s.rejected()) return s;
  using Acc = std::conditional_t<std::is_same_v<TC, double>, binary64, std::conditional_t<is_cfloat_v<TC>, TC, binary32>>;
  using R = gemm_recipe<binary64, binary64, Acc, chunked<std::size_t{1} << 31, exact_partial>>;
  gemm_shape s;
  s.m = m, s.n = n, s.k = k;
  return gemm<R>(s, da, db, c, args...);
}

}  // namespace floatlab::tensor
