// floatlab/tensor/elementwise.hpp: elementwise operations and reductions over arrays.
//
// Elementwise, format T (a cfloat; its mode or the trailing mode):
//   add, sub, mul, div, min, max (a, b, out); fma (a, b, c, out) = round(a*b + c) once;
//   sqrt, relu (a, out); scale (alpha, a, out) = round(alpha * a);
//   axpy (alpha, x, y) : y = round(round(alpha * x) + y); leaky_relu (slope, a, out) = a >= 0 ? a : round(slope * a).
//   Inputs that are not T (float, double, another cfloat) are first rounded to T: operand 1
//   with op_input_a, 2 with op_input_b, 3 with op_input_c, at their element index i; the
//   operation's rounding draws philox_word(seed, i, 0) (axpy: 1 for alpha*x, 2 for the sum).
//   out may be exactly an input (in place); any other overlap is rejected.
// Reductions (sequential order i = 0..n-1 from +0; one output):
//   sum<Acc>(x, out): acc = round_Acc(acc + x_i), word (seed, i, 2);
//   sum_exact<Acc>(x, out): exact sum rounded once (word (seed, 0, 2));
//   sum_compensated<Acc>(x, out): TwoSum double-double accumulation (expansion<2, double>
//     style: hi + lo exact at each step up to its 2^-106 relative error), rounded once to Acc;
//   dot<Recipe>(x, y, out): the 1 x 1 x n GEMM of gemm.hpp (same words); norm2<Recipe>(x, out):
//     round_Acc(sqrt(dot(x, x))) with word (seed, 0, 2n + 4).
#pragma once

#include "gemm.hpp"
#include "simd.hpp"

namespace floatlab::tensor {

inline constexpr std::uint32_t op_input_c = 0xFFFFFFF2u;

namespace detail {

template <class V>
using elem_of = std::remove_const_t<view_elem_t<V>>;

enum class ew { add, sub, mul, div, min, max, fma, sqrt, relu, scale, leaky };

template <class T, class Mode, class X>
inline T to_t(const X& x, const counter_source& src, std::uint64_t i, std::uint32_t op) noexcept {
  if constexpr (std::is_same_v<X, T>) return x;
  else return convert<T>(x, Mode{}, fixed_word{is_stochastic_v<Mode> ? src.word(i, op) : 0});
}

template <class T, class Out>
inline Out from_t(const T& v) noexcept {
  if constexpr (std::is_same_v<Out, T>) return v;
  else return convert<Out>(v, round::nearest_even{});
}

template <ew Op, class T, class Mode>
inline T scalar_op(T a, T b, T c, std::uint32_t w) noexcept {
  const fixed_word src{w};
  if constexpr (Op == ew::add) return floatlab::add(a, b, Mode{}, src);
  else if constexpr (Op == ew::sub) return floatlab::sub(a, b, Mode{}, src);
  else if constexpr (Op == ew::mul || Op == ew::scale) return floatlab::mul(a, b, Mode{}, src);
  else if constexpr (Op == ew::div) return floatlab::div(a, b, Mode{}, src);
  else if constexpr (Op == ew::min) return floatlab::min(a, b);
  else if constexpr (Op == ew::max) return floatlab::max(a, b);
  else if constexpr (Op == ew::fma) return floatlab::fma(a, b, c, Mode{}, src);
  else if constexpr (Op == ew::sqrt) return floatlab::sqrt(a, Mode{}, src);
  else if constexpr (Op == ew::relu)  // NaN stays NaN; -0 stays -0
    return floatlab::signbit(a) && !is_zero(a) ? T::from_bits(floatlab::detail::pack_zero<typename T::format_type>(false)) : a;
  else {  // leaky: b is the slope
    if (!(signbit(a) && !is_zero(a))) return a;
    return floatlab::mul(b, a, Mode{}, src);
  }
}

// The same with the flags of the scalar _status forms (relu, min, max: exact, no flags;
// leaky: mul_status for a negative a).
template <ew Op, class T, class Mode>
inline with_status<T> scalar_op_status(T a, T b, T c, std::uint32_t w) noexcept {
  const fixed_word src{w};
  if constexpr (Op == ew::add) return floatlab::add_status(a, b, Mode{}, src);
  else if constexpr (Op == ew::sub) return floatlab::sub_status(a, b, Mode{}, src);
  else if constexpr (Op == ew::mul || Op == ew::scale) return floatlab::mul_status(a, b, Mode{}, src);
  else if constexpr (Op == ew::div) return floatlab::div_status(a, b, Mode{}, src);
  else if constexpr (Op == ew::fma) return floatlab::fma_status(a, b, c, Mode{}, src);
  else if constexpr (Op == ew::sqrt) return floatlab::sqrt_status(a, Mode{}, src);
  else if constexpr (Op == ew::leaky) {
    if (!(signbit(a) && !is_zero(a))) return {a, status{}};
    return floatlab::mul_status(b, a, Mode{}, src);
  } else {
    return {scalar_op<Op, T, Mode>(a, b, c, w), status{}};
  }
}
template <class T, class Mode, class X>
inline T to_t_status(const X& x, const counter_source& src, std::uint64_t i, std::uint32_t op, std::uint32_t& flags) noexcept {
  if constexpr (std::is_same_v<X, T>) {
    return x;
  } else {
    const with_status<T> q = convert_status<T>(x, Mode{}, fixed_word{is_stochastic_v<Mode> ? src.word(i, op) : 0});
    flags |= q.flags.flags;
    return q.value;
  }
}
template <class T, class Out>
inline Out from_t_status(const T& v, std::uint32_t& flags) noexcept {
  if constexpr (std::is_same_v<Out, T>) {
    return v;
  } else {
    const with_status<Out> q = convert_status<Out>(v, round::nearest_even{});
    flags |= q.flags.flags;
    return q.value;
  }
}

// The fast float-lane form of Op where it is exact (lane.hpp), else false: sums with a spare
// bit (TwoSum + round_lane) or binary32 itself in nearest-even; products exact in float (or,
// in nearest-even, the float path's innocuous double rounding: E <= 7 or p <= 8); quotients
// and square roots on the float path (nearest-even, p <= 11: float_path.hpp).
// Formats whose products are exact in float only inside float's range (bfloat16; 2p <= 24 but
// E too wide): fma runs on the lanes where every lane's float product is 0 from a zero factor,
// comes from an infinite or NaN factor, or is finite and at least 2^-126 (then it is exact), and
// runs the exact scalar kernel (fma_status) on the other SIMD blocks and tail elements.
template <class F>
inline constexpr bool lane_product_checked = lane_ok<F> && 2 * F::precision <= 24 && !lane_product_exact<F>;
inline bool lane_product_in_range(float x, float y) noexcept {
  const float p = x * y;
  const std::uint32_t mp = fbits(p) & 0x7FFFFFFFu;
  const bool special = (fbits(x) & 0x7F800000u) == 0x7F800000u || (fbits(y) & 0x7F800000u) == 0x7F800000u;
  return x == 0.0f || y == 0.0f || special || (mp >= 0x00800000u && mp < 0x7F800000u);
}

template <ew Op, class F, class Mode>
inline constexpr bool ew_lane =
    (Op == ew::add || Op == ew::sub) ? (lane_sum_ok<F, Mode> || lane_is_float_rn<F, Mode>)
    : (Op == ew::mul || Op == ew::scale) ? (lane_product_exact<F> || floatlab::detail::float_mul_ok<F, Mode>)
    : (Op == ew::fma) ? ((lane_product_exact<F> || lane_product_checked<F>) && lane_sum_ok<F, Mode>)
    : (Op == ew::div || Op == ew::sqrt) ? (lane_ok<F> && floatlab::detail::float_path_ok<F, Mode>)
                                        : false;

// float, or a cfloat of T's format (any mode: its values are T's), read or written on the lanes.
template <class X, class T, class = void>
inline constexpr bool lane_io_v = std::is_same_v<X, float>;
template <class X, class T>
inline constexpr bool lane_io_v<X, T, std::enable_if_t<is_cfloat_v<X>>> =
    std::is_same_v<typename X::format_type, typename T::format_type>;

// One input of an elementwise op on the lanes: a T value, or a float rounded to T (word (i, op)),
// its flags (convert_status's) ORed into flags.
template <class T, class Mode, class X>
inline float ew_in(const X* p, std::size_t i, std::uint32_t op, const counter_source& src, std::uint32_t& flags) noexcept {
  using F = typename T::format_type;
  if constexpr (std::is_same_v<X, float>)
    return round_lane_flags<F, Mode>(p[i], 0.0f, is_stochastic_v<Mode> ? src.word(i, op) : 0, false, flags);
  else return lane_decode<F>(p[i].bits());
}

// The sign of the exact error v - s of a float result s as a float (+1, -1 or 0): what
// round_lane needs of its e argument (it reads only e != 0 and the sign of e). v - s is
// formed in double, where v (a product of two lane values, or the quotient or root through
// x - s*y, x - s*s) is exact.
inline float error_sign(double d) noexcept { return d > 0 ? 1.0f : (d < 0 ? -1.0f : 0.0f); }

// Op on the lanes with the status flags of the scalar _status form (finish_status): the
// rounding's flags (round_lane_flags) from the exact value's float image (s, e): sums with
// TwoSum, products exact in float, or (quotients, roots, bfloat16 products) the correctly
// rounded float result with the sign of its exact error from double; a float result past
// float's range from finite operands is passed as overflowed. invalid: a NaN from non-NaN
// operands; division_by_zero: a finite non-zero dividend over zero (only that flag, as the
// exact kernel's infinite result).
template <ew Op, class F, class Mode>
inline float ew_lane_op(float x, float y, float z, std::uint32_t w, std::uint32_t& flags) noexcept {
  std::uint32_t f = 0;
  float r;
  auto finite = [](float v) { return (fbits(v) & 0x7F800000u) != 0x7F800000u; };
  auto nan = [](float v) { return (fbits(v) & 0x7FFFFFFFu) > 0x7F800000u; };
  float raw;
  if constexpr (Op == ew::add || Op == ew::sub) {
    const float yy = Op == ew::sub ? -y : y;
    raw = x + yy;
    r = add_lane_flags<F, Mode>(x, yy, w, f);
  } else if constexpr (Op == ew::fma) {
    raw = x * y + z;
    r = add_lane_flags<F, Mode>(x * y, z, w, f);
  } else {
    float s, e = 0.0f;
    if constexpr (Op == ew::mul || Op == ew::scale) {
      s = x * y;
      if constexpr (!lane_product_exact<F>)
        e = error_sign(static_cast<double>(x) * static_cast<double>(y) - static_cast<double>(s));
    } else if constexpr (Op == ew::div) {
      s = x / y;
      const double d = static_cast<double>(x) - static_cast<double>(s) * static_cast<double>(y);
      e = (fbits(y) >> 31) ? -error_sign(d) : error_sign(d);
    } else {
      s = floatlab::detail::sqrt_f(x);
      e = error_sign(static_cast<double>(x) - static_cast<double>(s) * static_cast<double>(s));
    }
    const bool ovf = !finite(s) && !nan(s) && finite(x) && finite(y) && !(Op == ew::div && y == 0.0f);
    if (!finite(s) || ovf) e = 0.0f;
    raw = s;
    r = round_lane_flags<F, Mode>(s, e, w, ovf, f);
    if constexpr (Op == ew::div)
      if (y == 0.0f && finite(x) && x != 0.0f) f = status::division_by_zero;
  }
  const bool nan_in = nan(x) || ((Op != ew::sqrt) && nan(y)) || (Op == ew::fma && nan(z));
  if (nan(raw) && !nan_in) f |= status::invalid;
  flags |= f;
  return r;
}
#if FLOATLAB_TENSOR_SIMD_WIDTH > 1
// Input block i .. i + W - 1 as Fmt values: floats rounded (round_lane_v) with the words w, codes decoded.
template <class T, class Mode, class X>
__attribute__((always_inline)) inline simd::vf ew_in_w(const X* p, std::size_t i, simd::vu w, simd::vu& flags) noexcept {
  using F = typename T::format_type;
  if constexpr (std::is_same_v<X, float>) return simd::round_lane_v<F, Mode>(simd::load(p + i), w, flags);
  else return (void)w, read_lanes(p + i);
}
namespace simd {
typedef double vd __attribute__((vector_size(8 * W)));
typedef std::int64_t vl __attribute__((vector_size(8 * W)));
// error_sign on lanes: the sign of d (a double per lane) as +-1.0f or 0.
inline vf error_sign_v(vd d) noexcept {
  const vi pos = __builtin_convertvector((vl)(d > 0.0), vi), neg = __builtin_convertvector((vl)(d < 0.0), vi);
  return self(pos, F(1.0f), self(neg, F(-1.0f), F(0.0f)));
}
inline vd wide(vf x) noexcept { return __builtin_convertvector(x, vd); }
// binary16 a + b, a - b (K = 0, 1) or a * b (K = 2) in nearest even by F16C, codes in and out: vcvtph2ps
// (exact), the float operation, vcvtps2ph (nearest even). A product of two binary16 values is
// exact in float (22 bits), so that is one rounding; a sum rounded to float and then to
// binary16 is the sum rounded once to binary16 (float has p = 24 >= 2 * 11 + 2: the innocuous
// double rounding of + - * / sqrt, Figueroa 1995). Flags: inexact where the float result
// differs from the binary16 one or (sums) TwoSum's error is non-zero; underflow (products only:
// a binary16 sum below 2^-14 is a multiple of 2^-24 below 2^10 of them, exact) where also
// |a * b| < 2^-14. A block whose result has an inf or NaN lane (overflow, inf or NaN operands,
// invalid) returns false and writes nothing: the general lanes take it. Only where the build
// has the F16C conversions (FLOATLAB_TENSOR_SIMD_F16C, simd.hpp).
#if FLOATLAB_TENSOR_SIMD_F16C
template <int K, class Out>
__attribute__((always_inline)) inline bool ew_f16c_v(const void* pa, const void* pb, Out* out, rn_acc& acc) noexcept {
  vh ha, hb;
  std::memcpy(&ha, pa, sizeof ha);
  std::memcpy(&hb, pb, sizeof hb);
  const vf x = cvt_ps(ha), y = cvt_ps(hb);
  vf s;
  vu err = U(0);
  if constexpr (K == 2) {
    s = x * y;
  } else {
    const vf yy = K == 1 ? -y : y;
    s = x + yy;
    const vf bv = s - x;
    err = as_u((x - (s - bv)) + (yy - bv)) << 1;  // TwoSum's error, its sign dropped (-0 is no error)
  }
  const vh hr = cvt_ph(s);
  const vf r = cvt_ps(hr);
  const vu rb = as_u(r);
  if (any_true((rb & 0x7FFFFFFFu) >= 0x7F800000u)) return false;
  const vu d = (as_u(s) ^ rb) | err;
  acc.inexact |= d;
  if constexpr (K == 2) acc.tiny |= sel((as_u(s) & 0x7FFFFFFFu) < 0x38800000u, d, U(0));
  static_assert(sizeof(Out) == 2, "ew_f16c_v: binary16 codes out");
  std::memcpy(static_cast<void*>(out), &hr, sizeof hr);
  return true;
}
#endif
// a + b, a - b (K = 0, 1) or a * b (K = 2) in nearest even for the other formats of the add
// form of rn_quantize_v with p <= 11 (bfloat16, e5m2, e4m3, e3m2, e2m1, ...; ew_rn_ok), codes
// in and out: the exact decodes (x, y), the float operation, then rn_quantize_v (a float
// rounded to Fmt, nearest even) and its codes. A product of two such values has at most 2p <=
// 22 bits, exact in float wherever it is at least 2^-126 (every product of the formats with E <=
// 6; bfloat16's smaller products decline the block); a sum rounded to float and then to Fmt is
// rounded once (p(float) = 24 >= 2p + 2, Figueroa 1995), and a sum below 2^emin, a multiple of
// the quantum below 2^emin, is exact in both. Flags: rn_quantize_v's on the float result, and
// inexact where TwoSum's error is non-zero (the float result can be an Fmt value when the exact
// one is not); underflow is tininess before rounding of the exact result: a product is exact,
// a tiny sum exact. A block with an inf or NaN float result (or an operand, or |result| >=
// 2^(104 + M): rn_quantize_v declines) returns false and writes nothing: the general lanes.
// fma (K = 3; the formats of at most 8 bits, whose every triple is checked, and bfloat16:
// ew_rn_fma_ok): the product p = x * y is exact in float (at most 2p <= 16 bits; for the 8-bit
// formats between 2^-36 and 2^32; bfloat16's products below 2^-126 from non-zero factors
// decline the block, and those of 2^128 or more are infinite, so s below is), the float sum s
// and TwoSum's error e give p + z = s + e exactly (no overflow: s is finite), and s is replaced
// by the round-to-odd of p + z at float's grid (the magnitude truncated, one float ulp down
// where e points inward, its last bit set where e != 0), which rn_quantize_v then rounds as it
// would round p + z (round to odd on a grid at least 2 bits finer than Fmt's at every magnitude,
// 24 >= p + 2 bits for normals and 2^-149 against Fmt's 2^(emin - M) below 2^-126, then nearest:
// Boldo and Melquiond 2008). Flags: inexact from e or rn_quantize_v; tininess (|p + z| <
// 2^emin) is that of the odd rounding (2^emin is a float, the odd rounding monotone and below it
// at most 2^emin's predecessor, which is odd), and an inexact odd rounding has its float last bit
// set, no Fmt value, so rn_quantize_v's inexact and underflow are the exact result's. A block
// with a non-finite s declines before that step (the odd rounding would make it finite).
template <class Fm>
inline constexpr bool ew_rn_ok = rn_quantize_ok<Fm> && !rn_f16c_ok<Fm> && Fm::fraction_bits <= 10;
template <class Fm>
inline constexpr bool is_bfloat16_shape = Fm::exponent_bits == 8 && Fm::fraction_bits == 7 && Fm::has_subnormals &&
                                          Fm::special == encoding::specials::ieee && !Fm::saturates;
template <class Fm>
inline constexpr bool ew_rn_fma_ok = ew_rn_ok<Fm> && (Fm::total_bits <= 8 || is_bfloat16_shape<Fm>);
template <int K, class Fm, class Out>
__attribute__((always_inline)) inline bool ew_rn_v(vf x, vf y, Out* out, rn_acc& acc, vf z = F(0.0f)) noexcept {
  vf s;
  vu err = U(0);
  if constexpr (K == 3) {
    static_assert(ew_rn_fma_ok<Fm>, "ew_rn_v: fma only for the formats of ew_rn_fma_ok");
    const vf p = x * y;
    s = p + z;
    const vu sb = as_u(s);
    vi decline = (sb & 0x7F800000u) == 0x7F800000u;
    if constexpr (2 * (Fm::emin - Fm::fraction_bits) < -126)  // products below 2^-126 may be inexact in float
      decline |= ((as_u(p) & 0x7FFFFFFFu) < 0x00800000u) & (x != 0.0f) & (y != 0.0f);
    if (any_true(decline)) return false;
    const vf bv = s - p;
    const vf e = (p - (s - bv)) + (z - bv);
    err = as_u(e) << 1;
    const vi inexact = as_i(err) != 0;
    const vi inward = as_i(as_u(e) ^ sb) < 0;
    const vu mag = (((sb & 0x7FFFFFFFu) - (as_u(inexact & inward) & 1u)) | (as_u(inexact) & 1u));
    s = as_f(mag | (sb & 0x80000000u));
  } else if constexpr (K == 2) {
    s = x * y;
    if constexpr (2 * (Fm::emin - Fm::fraction_bits) < -126) {  // products below 2^-126 may be inexact in float
      if (any_true(((as_u(s) & 0x7FFFFFFFu) < 0x00800000u) & (x != 0.0f) & (y != 0.0f))) return false;
    }
  } else {
    const vf yy = K == 1 ? -y : y;
    s = x + yy;
    const vf bv = s - x;
    err = as_u((x - (s - bv)) + (yy - bv)) << 1;  // TwoSum's error, its sign dropped (-0 is no error)
  }
  rn_acc a2 = acc;
  vf r;
  vh h;
  vu code;
  if (!rn_quantize_v<Fm, true>(s, r, h, a2, code)) return false;
  a2.inexact |= err;
  acc = a2;
  store_codes<typename Fm::storage>(out, code);
  return true;
}
}  // namespace simd
template <ew Op, class Fm, class Mode>
inline simd::vf ew_lane_op_v(simd::vf x, simd::vf y, simd::vf z, simd::vu w, simd::vu& flags) noexcept {
  using namespace simd;
  vu f = U(0);
  vf r, raw;
  if constexpr (Op == ew::add || Op == ew::sub) {
    const vf yy = Op == ew::sub ? -y : y;
    raw = x + yy;
    r = add_lane_v<Fm, Mode>(x, yy, w, f);
  } else if constexpr (Op == ew::fma) {
    raw = x * y + z;
    r = fma_lane_v<Fm, Mode>(x, y, z, w, f);
  } else {
    vf s, e = F(0.0f);
    if constexpr (Op == ew::mul || Op == ew::scale) {
      s = x * y;
      if constexpr (!lane_product_exact<Fm>) e = error_sign_v(wide(x) * wide(y) - wide(s));
    } else if constexpr (Op == ew::div) {
      s = x / y;
      e = error_sign_v(wide(x) - wide(s) * wide(y));
      e = self(as_i(y) < 0, -e, e);
    } else {
      s = vsqrt(x);
      e = error_sign_v(wide(x) - wide(s) * wide(s));
    }
    vi ovf = ~is_finite(s) & ~is_nan(s) & is_finite(x) & is_finite(y);
    if constexpr (Op == ew::div) ovf &= y != 0.0f;
    e = self(~is_finite(s) | ovf, F(0.0f), e);
    raw = s;
    r = round_lane_v<Fm, Mode>(s, e, w, ovf, f);
    if constexpr (Op == ew::div) f = sel((y == 0.0f) & is_finite(x) & (x != 0.0f), U(status::division_by_zero), f);
  }
  vi nan_in = is_nan(x);
  if constexpr (Op != ew::sqrt) nan_in |= is_nan(y);
  if constexpr (Op == ew::fma) nan_in |= is_nan(z);
  flags |= f | flag_if(is_nan(raw) & ~nan_in, status::invalid);
  return r;
}
#endif

// Op by the exact scalar kernel (the _status form) on lane values (T values as floats), as a
// float; its flags ORed into flags.
template <ew Op, class T, class Mode>
inline float ew_exact_lane(float x, float y, float z, const counter_source& src, std::size_t i, std::uint32_t& flags) noexcept {
  using F = typename T::format_type;
  const T a = T::from_bits(static_cast<typename F::storage>(lane_encode<F>(x))), b = T::from_bits(static_cast<typename F::storage>(lane_encode<F>(y))),
          c = T::from_bits(static_cast<typename F::storage>(lane_encode<F>(z)));
  const with_status<T> r = scalar_op_status<Op, T, Mode>(a, b, c, is_stochastic_v<Mode> ? src.word(i, 0) : 0);
  flags |= r.flags.flags;
  return lane_decode<F>(r.value.bits());
}

// Elements begin..end-1 of an elementwise op on the lanes: SIMD body, scalar tail. Returns
// the status flags, ORed.
template <ew Op, class T, class Mode, class A, class B, class C, class Out>
std::uint32_t ew_span(const A* a, const B* b, const C* c, Out* out, std::size_t begin, std::size_t end,
                      const counter_source& src) noexcept {
  using F = typename T::format_type;
  constexpr int arity = Op == ew::fma ? 3 : (Op == ew::sqrt || Op == ew::relu) ? 1 : 2;
  std::size_t i = begin;
  std::uint32_t flags = 0;
  // Element i on the scalar lanes (the tail, the head before a multiple of 4, builds without SIMD).
  auto ew_one = [&](std::size_t j) {
    const float x = ew_in<T, Mode>(a, j, op_input_a, src, flags);
    const float y = arity >= 2 ? ew_in<T, Mode>(b, j, op_input_b, src, flags) : x;
    const float z = arity >= 3 ? ew_in<T, Mode>(c, j, op_input_c, src, flags) : x;
    if constexpr (Op == ew::fma && lane_product_checked<F>) {
      if (!lane_product_in_range(x, y)) {
        write_lane<F>(out, j, ew_exact_lane<Op, T, Mode>(x, y, z, src, j, flags));
        return;
      }
    }
    write_lane<F>(out, j, ew_lane_op<Op, F, Mode>(x, y, z, is_stochastic_v<Mode> ? src.word(j, 0) : 0, flags));
  };
#if FLOATLAB_TENSOR_SIMD_WIDTH > 1
  simd::vu fv = simd::U(0);
  // One block of W elements from i; wa, wb, wc, w0: the words of its inputs and of its result.
  // binary16 codes in, + - * in nearest even: F16C (simd::ew_f16c_v), blocks with an inf or NaN
  // result through the lanes below.
  constexpr bool f16c = (Op == ew::add || Op == ew::sub || Op == ew::mul) && std::is_same_v<Mode, round::nearest_even> &&
                        simd::rn_f16c_ok<F> && std::is_same_v<A, T> && std::is_same_v<B, T> && std::is_same_v<Out, T>;
  // The other formats of ew_rn_ok, codes in, + - * in nearest even: simd::ew_rn_v.
  constexpr bool rn_op = Op == ew::add || Op == ew::sub || Op == ew::mul || (Op == ew::fma && simd::ew_rn_fma_ok<F> && std::is_same_v<C, T>);
  constexpr bool rnf = rn_op && std::is_same_v<Mode, round::nearest_even> && simd::ew_rn_ok<F> && std::is_same_v<A, T> &&
                       std::is_same_v<B, T> && std::is_same_v<Out, T>;
  [[maybe_unused]] simd::rn_acc acc;
  // The nearest-even kernel on block j (false: declined, nothing written).
  [[maybe_unused]] auto fast = [&](std::size_t j) __attribute__((always_inline)) {
    constexpr int K = Op == ew::fma ? 3 : Op == ew::mul ? 2 : Op == ew::sub ? 1 : 0;
#if FLOATLAB_TENSOR_SIMD_F16C
    if constexpr (f16c) return simd::ew_f16c_v<K>(a + j, b + j, out + j, acc);
#endif
    if constexpr (rnf && K == 3) return simd::ew_rn_v<K, F>(read_lanes(a + j), read_lanes(b + j), out + j, acc, read_lanes(c + j));
    else if constexpr (rnf) return simd::ew_rn_v<K, F>(read_lanes(a + j), read_lanes(b + j), out + j, acc);
    return false;
  };
  // The general lanes on block j.
  auto block = [&](std::size_t j, simd::vu wa, simd::vu wb, simd::vu wc, simd::vu w0) __attribute__((always_inline)) {
    const simd::vf x = ew_in_w<T, Mode>(a, j, wa, fv);
    const simd::vf y = arity >= 2 ? ew_in_w<T, Mode>(b, j, wb, fv) : x;
    const simd::vf z = arity >= 3 ? ew_in_w<T, Mode>(c, j, wc, fv) : x;
    if constexpr (Op == ew::fma && lane_product_checked<F>) {
      using namespace simd;
      const vf p = x * y;
      const vu mp = as_u(p) & 0x7FFFFFFFu;
      const vi ok = (x == 0.0f) | (y == 0.0f) | ~is_finite(x) | ~is_finite(y) | ((mp >= 0x00800000u) & (mp < 0x7F800000u));
      if (!all_true(ok)) {  // the exact kernel for this block
        for (int l = 0; l < W; ++l) write_lane<F>(out, j + l, ew_exact_lane<Op, T, Mode>(x[l], y[l], z[l], src, j + l, flags));
        return;
      }
    }
    write_lanes<F>(out + j, ew_lane_op_v<Op, F, Mode>(x, y, z, w0, fv));
  };
  if constexpr (is_stochastic_v<Mode>) {
    // Two blocks per step from an element index that is a multiple of 4: each operation's 2W
    // words from W / 2 Philox blocks (simd::philox_words2_v), none computed and left unused.
    for (; i < end && (i & 3) != 0; ++i) ew_one(i);
    const simd::philox_key key[4] = {simd::philox_key_of(src.seed, 0), simd::philox_key_of(src.seed, op_input_a),
                                     simd::philox_key_of(src.seed, op_input_b), simd::philox_key_of(src.seed, op_input_c)};
    for (; i + 2 * simd::W <= end; i += 2 * simd::W) {
      simd::vu w[4][2] = {};
      auto words = [&](int k) { simd::philox_words2_v(key[k], i, w[k][0], w[k][1]); };
      if constexpr (std::is_same_v<A, float>) words(1);
      if constexpr (arity >= 2 && std::is_same_v<B, float>) words(2);
      if constexpr (arity >= 3 && std::is_same_v<C, float>) words(3);
      words(0);
      block(i, w[1][0], w[2][0], w[3][0], w[0][0]);
      block(i + simd::W, w[1][1], w[2][1], w[3][1], w[0][1]);
    }
  }
  auto wv = [&](auto* in, std::uint32_t op) __attribute__((always_inline)) {  // the words of a float input
    if constexpr (std::is_same_v<std::remove_cv_t<std::remove_pointer_t<decltype(in)>>, float>) return words_v<Mode>(src, i, op);
    else return simd::U(0);
  };
  if constexpr (f16c || rnf) {
    // Runs of kernel blocks in a loop of their own (its constants stay in registers); a
    // declined block takes the general lanes out of that loop, then the run resumes.
    while (i + simd::W <= end) {
      for (; i + simd::W <= end; i += simd::W)
        if (!fast(i)) break;
      if (i + simd::W > end) break;
      block(i, simd::U(0), simd::U(0), simd::U(0), simd::U(0));
      i += simd::W;
    }
  }
  for (; i + simd::W <= end; i += simd::W)
    block(i, wv(a, op_input_a), arity >= 2 ? wv(b, op_input_b) : simd::U(0), arity >= 3 ? wv(c, op_input_c) : simd::U(0), words_v<Mode>(src, i, 0));
  flags |= simd::reduce_or(fv);
  if constexpr (f16c || rnf) flags |= simd::rn_flags(acc);
#endif
  for (; i < end; ++i) ew_one(i);
  return flags;
}

template <ew Op, class T, class Mode, class A, class B, class C, class Out>
status ew_run(array_view<const A> a, array_view<const B> b, array_view<const C> c, array_view<Out> out,
              const counter_source& src, int arity, const char* name) {
  (void)name;
  if (null_with_size(a) || null_with_size(b) || null_with_size(c) || null_with_size(out))
    return status::error(status::bad_argument, "elementwise: null pointer with a non-zero size");
  if (a.size != out.size || (arity >= 2 && b.size != out.size) || (arity >= 3 && c.size != out.size))
    return status::error(status::bad_shape, "elementwise: operand and output sizes differ");
  auto bad_alias = [&](auto in) {
    using I = std::remove_const_t<std::remove_pointer_t<decltype(in.data)>>;
    return overlaps(in, out) && !(static_cast<const void*>(in.data) == static_cast<const void*>(out.data) && sizeof(I) == sizeof(Out));
  };
  if (bad_alias(a) || (arity >= 2 && bad_alias(b)) || (arity >= 3 && bad_alias(c)))
    return status::error(status::bad_argument, "elementwise: out overlaps an input (only exact in-place is allowed)");
  using F = typename T::format_type;
  constexpr std::size_t chunk = 4096;
  std::atomic<std::uint32_t> flags{0};
  parallel_for((out.size + chunk - 1) / chunk, [&](std::size_t t) {
    const std::size_t begin = t * chunk, end = std::min(out.size, begin + chunk);
    std::uint32_t f = 0;
    if constexpr (ew_lane<Op, F, Mode> && lane_io_v<A, T> && lane_io_v<B, T> && lane_io_v<C, T> && lane_io_v<Out, T>) {
      f = ew_span<Op, T, Mode>(a.data, b.data, c.data, out.data, begin, end, src);
    } else {
      for (std::size_t i = begin; i < end; ++i) {
        const T x = to_t_status<T, Mode>(a.data[i], src, i, op_input_a, f);
        const T y = arity >= 2 ? to_t_status<T, Mode>(b.data[i], src, i, op_input_b, f) : T{};
        const T z = arity >= 3 ? to_t_status<T, Mode>(c.data[i], src, i, op_input_c, f) : T{};
        const with_status<T> r = scalar_op_status<Op, T, Mode>(x, y, z, is_stochastic_v<Mode> ? src.word(i, 0) : 0);
        f |= r.flags.flags;
        out.data[i] = from_t_status<T, Out>(r.value, f);
      }
    }
    flags.fetch_or(f, std::memory_order_relaxed);
  }, 4);
  status st;
  st.flags = flags.load();
  return st;
}

// A scalar broadcast as a 1-element "array" view of the same length semantics.
template <class T>
struct broadcast {
  T value;
};

template <ew Op, class T, class AV, class BV, class CV, class OV, class... Args>
status ew_call(AV&& a, BV&& b, CV&& c, OV&& out, int arity, Args&&... args) {
  static_assert(is_cfloat_v<T>, "elementwise<T>: T must be a floatlab::cfloat");
  using Mode = typename tensor_args<typename T::rounding_mode, std::decay_t<Args>...>::mode;
  require_source<is_stochastic_v<Mode>, has_source_v<std::decay_t<Args>...>>();
  using TT = with_rounding_t<T, Mode>;
  const auto va = as_const(as_view(a));
  const auto vb = as_const(as_view(b));
  const auto vc = as_const(as_view(c));
  const auto vo = as_view(out);
  static_assert(!std::is_const_v<std::remove_pointer_t<decltype(vo.data)>>, "elementwise: out must be writable");
  return ew_run<Op, TT, Mode>(va, vb, vc, vo, source_of(args...), arity, "");
}

}  // namespace detail

#define FLOATLAB_TENSOR_BINARY(name, op)                                                          \
  template <class T, class AV, class BV, class OV, class... Args>                                 \
  status name(AV&& a, BV&& b, OV&& out, Args&&... args) {                                         \
    return detail::ew_call<detail::ew::op, T>(a, b, a, out, 2, args...);                          \
  }
FLOATLAB_TENSOR_BINARY(add, add)
FLOATLAB_TENSOR_BINARY(sub, sub)
FLOATLAB_TENSOR_BINARY(mul, mul)
FLOATLAB_TENSOR_BINARY(div, div)
FLOATLAB_TENSOR_BINARY(min, min)
FLOATLAB_TENSOR_BINARY(max, max)
#undef FLOATLAB_TENSOR_BINARY

template <class T, class AV, class BV, class CV, class OV, class... Args>
status fma(AV&& a, BV&& b, CV&& c, OV&& out, Args&&... args) {
  return detail::ew_call<detail::ew::fma, T>(a, b, c, out, 3, args...);
}
template <class T, class AV, class OV, class... Args>
status sqrt(AV&& a, OV&& out, Args&&... args) {
  return detail::ew_call<detail::ew::sqrt, T>(a, a, a, out, 1, args...);
}
template <class T, class AV, class OV, class... Args>
status relu(AV&& a, OV&& out, Args&&... args) {
  return detail::ew_call<detail::ew::relu, T>(a, a, a, out, 1, args...);
}
// out = round_T(alpha * a), alpha rounded to T (nearest even) first.
template <class T, class AV, class OV, class... Args>
status scale(double alpha, AV&& a, OV&& out, Args&&... args) {
  const auto va = detail::as_const(detail::as_view(a));
  std::vector<T> al(va.size, convert<T>(alpha, round::nearest_even{}));
  return detail::ew_call<detail::ew::scale, T>(a, al, a, out, 2, args...);
}
template <class T, class AV, class OV, class... Args>
status leaky_relu(double slope, AV&& a, OV&& out, Args&&... args) {
  const auto va = detail::as_const(detail::as_view(a));
  std::vector<T> sl(va.size, convert<T>(slope, round::nearest_even{}));
  return detail::ew_call<detail::ew::leaky, T>(a, sl, a, out, 2, args...);
}

// ---- reductions ------------------------------------------------------------------------

template <class Acc, class XV, class... Args>
status sum(XV&& x_c, Acc& out, Args&&... args) {
  using Mode = typename detail::tensor_args<typename Acc::rounding_mode, std::decay_t<Args>...>::mode;
  detail::require_source<is_stochastic_v<Mode>, detail::has_source_v<std::decay_t<Args>...>>();
  const auto x = detail::as_const(detail::as_view(x_c));
  if (detail::null_with_size(x)) return status::error(status::bad_argument, "sum: null pointer with a non-zero size");
  const counter_source src = detail::source_of(args...);
  using F = typename Acc::format_type;
  using A = with_rounding_t<Acc, Mode>;
  A acc = A::from_bits(floatlab::detail::pack_zero<F>(false));
  for (std::size_t i = 0; i < x.size; ++i) {
    const A v = convert<A>(x.data[i], Mode{}, fixed_word{is_stochastic_v<Mode> ? src.word(i, op_input_a) : 0});
    acc = floatlab::add(acc, v, Mode{}, fixed_word{is_stochastic_v<Mode> ? src.word(i, 2) : 0});
  }
  out = Acc::from_bits(acc.bits());
  return {};
}

// Exact sum of the inputs' values, rounded once to Acc.
template <class Acc, class XV, class... Args>
status sum_exact(XV&& x_c, Acc& out, Args&&... args) {
  using Mode = typename detail::tensor_args<typename Acc::rounding_mode, std::decay_t<Args>...>::mode;
  detail::require_source<is_stochastic_v<Mode>, detail::has_source_v<std::decay_t<Args>...>>();
  const auto x = detail::as_const(detail::as_view(x_c));
  using X = detail::elem_of<XV>;
  if (detail::null_with_size(x)) return status::error(status::bad_argument, "sum_exact: null pointer with a non-zero size");
  const counter_source src = detail::source_of(args...);
  using F = typename Acc::format_type;
  using XF = std::conditional_t<is_cfloat_v<X>, typename detail::mode_or<X, void>::type, void>;
  (void)sizeof(XF*);
  detail::exact_accumulator<-1200, 40> acc;  // every float/double/cfloat value up to binary64, 2^64 terms
  bool any_nonzero = false, all_negative_zero = x.size > 0;
  for (std::size_t i = 0; i < x.size; ++i) {
    const auto u = detail::unpack_any(x.data[i]);
    acc.add(u);
    if (u.cls != floatlab::detail::value_class::zero) any_nonzero = true, all_negative_zero = false;
    else if (!u.sign) all_negative_zero = false;
  }
  const auto v = acc.value();
  if (v.cls == floatlab::detail::value_class::zero)
    out = Acc::from_bits(floatlab::detail::pack_zero<F>(any_nonzero ? std::is_same_v<Mode, round::downward> : all_negative_zero));
  else
    out = Acc::from_bits(floatlab::detail::finish<F, Mode>(v, is_stochastic_v<Mode> ? src.word(0, 2) : 0));
  return {};
}

// Compensated: TwoSum (Knuth) double-double accumulation of the values, rounded once to Acc.
template <class Acc, class XV, class... Args>
status sum_compensated(XV&& x_c, Acc& out, Args&&... args) {
  using Mode = typename detail::tensor_args<typename Acc::rounding_mode, std::decay_t<Args>...>::mode;
  detail::require_source<is_stochastic_v<Mode>, detail::has_source_v<std::decay_t<Args>...>>();
  const auto x = detail::as_const(detail::as_view(x_c));
  if (detail::null_with_size(x)) return status::error(status::bad_argument, "sum_compensated: null pointer with a non-zero size");
  const counter_source src = detail::source_of(args...);
  using F = typename Acc::format_type;
  double hi = 0, lo = 0;
  for (std::size_t i = 0; i < x.size; ++i) {
    const double v = static_cast<double>(x.data[i]);
    const double s = hi + v, bv = s - hi, e = (hi - (s - bv)) + (v - bv);
    const double t = lo + e;
    hi = s + t;  // Fast2Sum renormalization (|s| >= |t| up to the usual double-double conditions)
    lo = t - (hi - s);
  }
  using floatlab::detail::unpack;
  using B64 = floatlab::detail::binary64_format;
  const auto r = floatlab::detail::add<Mode>(unpack<B64>(bit_cast<std::uint64_t>(hi)), unpack<B64>(bit_cast<std::uint64_t>(lo)));
  out = Acc::from_bits(floatlab::detail::finish<F, Mode>(r, is_stochastic_v<Mode> ? src.word(0, 2) : 0));
  return {};
}

// dot(x, y) as the 1 x 1 x n GEMM of Recipe; the result in TC; status: the GEMM's flags.
template <class Recipe, class XV, class YV, class TC, class... Args>
status dot(XV&& x_c, YV&& y_c, TC& out, Args&&... args) {
  const auto x = detail::as_const(detail::as_view(x_c));
  const auto y = detail::as_const(detail::as_view(y_c));
  if (x.size != y.size) return status::error(status::bad_shape, "dot: x and y sizes differ");
  gemm_shape s;
  s.m = 1, s.n = 1, s.k = x.size;
  TC c[1] = {out};
  const status st = gemm<Recipe>(s, x, y, array_view<TC>(c, 1), args...);
  if (!st.rejected()) out = c[0];
  return st;
}

}  // namespace floatlab::tensor

namespace floatlab::tensor {

// axpy: y_i = round_T(round_T(alpha * x_i) + y_i), alpha rounded to T (nearest even) first;
// inputs not of type T are rounded to T (x_i: op_input_a, y_i: op_input_b); words (i, 1) for
// the product and (i, 2) for the sum. y is read and written (x must not overlap it).
// Status: the IEEE flags of every rounding (the exact kernels' _status forms), ORed.
template <class T, class XV, class YV, class... Args>
status axpy(double alpha, XV&& x_c, YV&& y_c, Args&&... args) {
  static_assert(is_cfloat_v<T>, "axpy<T>: T must be a floatlab::cfloat");
  using Mode = typename detail::tensor_args<typename T::rounding_mode, std::decay_t<Args>...>::mode;
  detail::require_source<is_stochastic_v<Mode>, detail::has_source_v<std::decay_t<Args>...>>();
  using TT = with_rounding_t<T, Mode>;
  const auto x = detail::as_const(detail::as_view(x_c));
  const auto y = detail::as_view(y_c);
  using Y = std::remove_pointer_t<decltype(y.data)>;
  static_assert(!std::is_const_v<Y>, "axpy: y must be writable");
  if (detail::null_with_size(x) || detail::null_with_size(y)) return status::error(status::bad_argument, "axpy: null pointer with a non-zero size");
  if (x.size != y.size) return status::error(status::bad_shape, "axpy: x and y sizes differ");
  if (overlaps(x, detail::as_const(y))) return status::error(status::bad_argument, "axpy: x overlaps y");
  const counter_source src = detail::source_of(args...);
  const TT a = convert<TT>(alpha, round::nearest_even{});
  std::atomic<std::uint32_t> flags{0};
  constexpr std::size_t chunk = 4096;
  detail::parallel_for((x.size + chunk - 1) / chunk, [&](std::size_t t) {
    const std::size_t begin = t * chunk, end = std::min(x.size, begin + chunk);
    std::uint32_t f = 0;
    auto w = [&](std::size_t i, std::uint32_t op) { return fixed_word{is_stochastic_v<Mode> ? src.word(i, op) : 0}; };
    auto in = [&](const auto& v, std::size_t i, std::uint32_t op) -> TT {
      using V = std::decay_t<decltype(v)>;
      if constexpr (std::is_same_v<V, TT>) return v;
      else {
        const with_status<TT> q = convert_status<TT>(v, Mode{}, w(i, op));
        f |= q.flags.flags;
        return q.value;
      }
    };
    for (std::size_t i = begin; i < end; ++i) {
      const TT xi = in(x.data[i], i, op_input_a), yi = in(y.data[i], i, op_input_b);
      const with_status<TT> p = mul_status(a, xi, Mode{}, w(i, 1));
      const with_status<TT> r = add_status(p.value, yi, Mode{}, w(i, 2));
      f |= p.flags.flags | r.flags.flags;
      y.data[i] = detail::from_t<TT, Y>(r.value);
    }
    flags.fetch_or(f, std::memory_order_relaxed);
  }, 4);
  status st;
  st.flags = flags.load();
  return st;
}

// norm2: round_Acc(sqrt(dot<Recipe>(x, x))): the dot product of Recipe (the 1 x 1 x n GEMM, its
// words) kept in Acc, then one correctly rounded square root in Acc's mode (word (0, 2n + 4)),
// written to out (float, double or a cfloat; nearest even when out is not Acc). Status: the
// flags of the dot product (gemm's), of the square root and of the conversion to out.
template <class Recipe, class XV, class Out, class... Args>
status norm2(XV&& x_c, Out& out, Args&&... args) {
  using P = detail::gemm_plan<Recipe, Out, Args...>;
  using Acc = typename P::Acc;
  using MC = typename P::MC;
  const auto x = detail::as_const(detail::as_view(x_c));
  Acc acc = Acc::from_bits(floatlab::detail::pack_zero<typename Acc::format_type>(false));
  const status st = dot<Recipe>(x, x, acc, args...);
  if (st.rejected()) return st;
  const counter_source src = detail::source_of(args...);
  const std::uint32_t word = is_stochastic_v<MC> ? src.word(0, static_cast<std::uint32_t>(2 * x.size + 4)) : 0;
  const with_status<Acc> r = sqrt_status(acc, MC{}, fixed_word{word});
  status res = st;
  res.flags |= r.flags.flags;
  if constexpr (std::is_same_v<Out, Acc>) {
    out = r.value;
  } else {
    const auto o = convert_status<Out>(r.value, round::nearest_even{});
    res.flags |= o.flags.flags;
    out = o.value;
  }
  return res;
}

}  // namespace floatlab::tensor
