// floatlab/tensor/quantize.hpp: quantize and dequantize arrays.
//
//   quantize<To>(in, out [, mode] [, source])
//     in:  float, double, or any cfloat array (binary16, bfloat16, ...)
//     out: float or double (fake quantization: the rounded values), or To itself (codes);
//          To is any cfloat or fixed type. Mode: the trailing mode, else To's own mode.
//     Element i is rounded once (round_pack's rule) with, for stochastic modes, the word
//     philox_word(seed, i, quantize_operation) (i: the index in the flat view).
//     Status: the IEEE flags of the roundings, ORed (inexact, underflow, overflow; invalid for
//     a NaN or infinity into fixed point, as fixed_cast_status).
//   dequantize(in, out): cfloat or fixed codes -> float/double, exact where the format
//     fits the output, else rounded to nearest even.
//
// Fast path: float (or a cfloat that lives in float) into a format that lives in float
// runs the branch-free lane rounding (lane.hpp, proven in tests/test_tensor_lane.cpp; its
// SIMD form simd.hpp, proven in tests/tensor_simd_check.cpp);
// everything else calls the scalar conversions of cfloat.hpp / fixed.hpp per element.
#pragma once

#include "../fixed.hpp"
#include "common.hpp"
#include "lane.hpp"
#include "simd.hpp"

namespace floatlab::tensor {

// The operation number of the rounding of every element of a quantize (docs/tensor.md).
inline constexpr std::uint32_t quantize_operation = 0;

namespace detail {

template <class T>
struct view_elem {
  using type = std::remove_reference_t<decltype(*std::declval<T&>().data())>;
};
template <class T>
struct view_elem<array_view<T>> {
  using type = T;
};
template <class T>
using view_elem_t = typename view_elem<std::remove_cv_t<std::remove_reference_t<T>>>::type;

template <class T>
array_view<T> as_view(array_view<T> v) noexcept {
  return v;
}
template <class C>
auto as_view(C& c) noexcept -> array_view<std::remove_reference_t<decltype(*c.data())>> {
  return {c.data(), static_cast<std::size_t>(c.size())};
}
template <class T>
array_view<const T> as_const(array_view<T> v) noexcept {
  return {v.data, v.size};
}

template <class T>
inline constexpr bool is_real_v = std::is_same_v<T, float> || std::is_same_v<T, double>;

template <class T, class = void>
struct lane_format_of {
  static constexpr bool value = false;
};
template <class T>
struct lane_format_of<T, std::enable_if_t<is_cfloat_v<T>>> {
  static constexpr bool value = lane_ok<typename T::format_type>;
};
// Is T (an element type) float, or a cfloat living in float?
template <class T>
inline constexpr bool reads_as_float_v = std::is_same_v<T, float> || lane_format_of<T>::value;

template <class T>
inline float read_float(const T& x) noexcept {
  if constexpr (std::is_same_v<T, float>) return x;
  else return lane_decode<typename T::format_type>(x.bits());
}

// One element, scalar path: To's value (a cfloat or fixed) rounded once from x.
template <class To, class Mode, class Src>
inline To round_one(const Src& x, std::uint32_t w) noexcept {
  if constexpr (is_cfloat_v<To>) {
    return convert<To>(x, Mode{}, fixed_word{w});
  } else {
    static_assert(is_fixed_v<To>, "quantize<To>: To must be a cfloat or a fixed type");
    return fixed_cast<To>(x, Mode{}, fixed_word{w});
  }
}

template <class To, class Mode, class Src>
inline with_status<To> round_one_status(const Src& x, std::uint32_t w) noexcept {
  if constexpr (is_cfloat_v<To>) return convert_status<To>(x, Mode{}, fixed_word{w});
  else return fixed_cast_status<To>(x, Mode{}, fixed_word{w});
}

template <class Dst, class To>
inline Dst write_value(const To& q) noexcept {
  if constexpr (std::is_same_v<Dst, To>) return q;
  else if constexpr (is_cfloat_v<To>) return convert<Dst>(q, round::nearest_even{});
  else return static_cast<Dst>(static_cast<double>(q));
}

}  // namespace detail

template <class To, class In, class Out, class... Args>
status quantize(In&& in_c, Out&& out_c, Args&&... args) {
  static_assert(sizeof...(Args) <= 2, "quantize<To>(in, out [, mode] [, source])");
  using Src = std::remove_const_t<detail::view_elem_t<In>>;
  using Dst = detail::view_elem_t<Out>;
  static_assert(!std::is_const_v<Dst>, "quantize: out must be writable");
  static_assert(std::is_same_v<Src, float> || std::is_same_v<Src, double> || is_cfloat_v<Src>,
                "quantize: in must hold float, double or a cfloat");
  static_assert(is_cfloat_v<To> || is_fixed_v<To>, "quantize<To>: To must be a cfloat or a fixed type");
  static_assert(std::is_same_v<Dst, To> || detail::is_real_v<Dst>,
                "quantize<To>: out must hold To (codes) or float/double (fake-quantized values)");
  using Mode = typename detail::tensor_args<typename To::rounding_mode, std::decay_t<Args>...>::mode;
  detail::require_source<is_stochastic_v<Mode>, detail::has_source_v<std::decay_t<Args>...>>();
  const array_view<const Src> in = detail::as_const(detail::as_view(in_c));
  const array_view<Dst> out = detail::as_view(out_c);
  if (detail::null_with_size(in) || detail::null_with_size(out))
    return status::error(status::bad_argument, "quantize: null pointer with a non-zero size");
  if (in.size != out.size) return status::error(status::bad_shape, "quantize: in and out sizes differ");
  if (overlaps(in, out) && !(static_cast<const void*>(in.data) == static_cast<const void*>(out.data) &&
                             sizeof(Src) == sizeof(Dst)))
    return status::error(status::bad_argument, "quantize: out overlaps in (only exact in-place is allowed)");
  const counter_source src = detail::source_of(args...);
  constexpr std::size_t chunk = 4096;
  const std::size_t tasks = (in.size + chunk - 1) / chunk;
  std::atomic<std::uint32_t> flags{0};
  detail::parallel_for(tasks, [&](std::size_t t) {
    const std::size_t begin = t * chunk, end = std::min(in.size, begin + chunk);
    std::uint32_t f = 0;
    if constexpr (is_cfloat_v<To> && detail::reads_as_float_v<Src> && detail::lane_format_of<To>::value &&
                  (std::is_same_v<Dst, float> || std::is_same_v<Dst, To>)) {
      f = detail::quantize_span<typename To::format_type, Mode>(in.data, out.data, begin, end, src, quantize_operation);
    } else {
      for (std::size_t i = begin; i < end; ++i) {
        const std::uint32_t w = is_stochastic_v<Mode> ? src.word(i, quantize_operation) : 0;
        const with_status<To> q = detail::round_one_status<To, Mode>(in.data[i], w);
        f |= q.flags.flags;
        out.data[i] = detail::write_value<Dst>(q.value);
      }
    }
    flags.fetch_or(f, std::memory_order_relaxed);
  }, 4);
  status st;
  st.flags = flags.load();
  return st;
}

// Codes back to float or double: exact where the format fits, else nearest even.
template <class In, class Out>
status dequantize(In&& in_c, Out&& out_c) {
  using Src = std::remove_const_t<detail::view_elem_t<In>>;
  using Dst = detail::view_elem_t<Out>;
  static_assert(is_cfloat_v<Src> || is_fixed_v<Src>, "dequantize: in must hold cfloat or fixed codes");
  static_assert(detail::is_real_v<Dst>, "dequantize: out must hold float or double");
  const array_view<const Src> in = detail::as_const(detail::as_view(in_c));
  const array_view<Dst> out = detail::as_view(out_c);
  if (detail::null_with_size(in) || detail::null_with_size(out))
    return status::error(status::bad_argument, "dequantize: null pointer with a non-zero size");
  if (in.size != out.size) return status::error(status::bad_shape, "dequantize: in and out sizes differ");
  if (overlaps(in, out)) return status::error(status::bad_argument, "dequantize: out overlaps in");
  constexpr std::size_t chunk = 8192;
  detail::parallel_for((in.size + chunk - 1) / chunk, [&](std::size_t t) {
    const std::size_t begin = t * chunk, end = std::min(in.size, begin + chunk);
    if constexpr (is_cfloat_v<Src> && std::is_same_v<Dst, float> && detail::lane_format_of<Src>::value)
      detail::dequantize_span<typename Src::format_type>(in.data, out.data, begin, end);
    else
      for (std::size_t i = begin; i < end; ++i) out.data[i] = detail::write_value<Dst>(in.data[i]);
  }, 4);
  return {};
}

}  // namespace floatlab::tensor
