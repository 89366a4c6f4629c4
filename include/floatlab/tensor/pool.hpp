// floatlab/tensor/pool.hpp: 2-D max and average pooling (NCHW) in a format T.
//
//   pool2d_shape: n, c, h, w, window kh x kw, stride, padding (taps in the padding are skipped).
//   max_pool2d<T>(s, x, y): y = max over the window's taps (IEEE maximumNumber: NaN ignored) of
//     x rounded to T (op_input_a, the input's flat index); exact.
//   avg_pool2d<T>(s, x, y [, mode] [, source]): acc = +0; for the taps t = 0, 1, ... inside the
//     input in (row, column) order acc = round_T(acc + x_t) (word: output flat index e,
//     operation 2t + 2); then y = round_T(acc / count) (operation 0xFFFFFFE0).
#pragma once

#include "elementwise.hpp"

namespace floatlab::tensor {

struct pool2d_shape {
  std::size_t n = 1, c = 1, h = 1, w = 1, kh = 1, kw = 1, stride_h = 1, stride_w = 1, pad_h = 0, pad_w = 0;
  std::size_t out_h() const noexcept { return (h + 2 * pad_h - kh) / stride_h + 1; }
  std::size_t out_w() const noexcept { return (w + 2 * pad_w - kw) / stride_w + 1; }
};

inline constexpr std::uint32_t op_pool_divide = 0xFFFFFFE0u;

namespace detail {

template <bool Avg, class T, class XV, class YV, class... Args>
status pool_run(const pool2d_shape& s, XV&& x_c, YV&& y_c, Args&&... args) {
  static_assert(is_cfloat_v<T>, "pool2d<T>: T must be a floatlab::cfloat");
  using Mode = typename tensor_args<typename T::rounding_mode, std::decay_t<Args>...>::mode;
  require_source<is_stochastic_v<Mode>, has_source_v<std::decay_t<Args>...>>();
  using TT = with_rounding_t<T, Mode>;
  const auto x = as_const(as_view(x_c));
  const auto y = as_view(y_c);
  using Out = std::remove_pointer_t<decltype(y.data)>;
  if (null_with_size(x) || null_with_size(y)) return status::error(status::bad_argument, "pool2d: null pointer with a non-zero size");
  if (s.kh == 0 || s.kw == 0 || s.stride_h == 0 || s.stride_w == 0 || s.kh > s.h + 2 * s.pad_h || s.kw > s.w + 2 * s.pad_w ||
      s.pad_h >= s.kh || s.pad_w >= s.kw)
    return status::error(status::bad_shape, "pool2d: window, stride and padding must fit (padding below the window)");
  std::size_t nx = 0, ny = 0;
  if (!mul_ok(s.n * s.c, s.h * s.w, nx) || !mul_ok(s.n * s.c, s.out_h() * s.out_w(), ny))
    return status::error(status::bad_shape, "pool2d: sizes overflow size_t");
  if (x.size != nx || y.size != ny) return status::error(status::bad_shape, "pool2d: x or y size does not match the shape");
  if (overlaps(x, y)) return status::error(status::bad_argument, "pool2d: y overlaps x");
  const counter_source src = source_of(args...);
  const std::size_t OH = s.out_h(), OW = s.out_w();
  parallel_for(s.n * s.c, [&](std::size_t nc) {
    for (std::size_t p = 0; p < OH; ++p)
      for (std::size_t q = 0; q < OW; ++q) {
        const std::size_t e = (nc * OH + p) * OW + q;
        TT acc = TT::from_bits(floatlab::detail::pack_zero<typename TT::format_type>(false));
        bool first = true;
        std::uint32_t t = 0;
        for (std::size_t r = 0; r < s.kh; ++r)
          for (std::size_t u = 0; u < s.kw; ++u) {
            const std::ptrdiff_t hh = static_cast<std::ptrdiff_t>(p * s.stride_h + r) - static_cast<std::ptrdiff_t>(s.pad_h);
            const std::ptrdiff_t ww = static_cast<std::ptrdiff_t>(q * s.stride_w + u) - static_cast<std::ptrdiff_t>(s.pad_w);
            if (hh < 0 || ww < 0 || hh >= static_cast<std::ptrdiff_t>(s.h) || ww >= static_cast<std::ptrdiff_t>(s.w)) continue;
            const std::size_t at = (nc * s.h + static_cast<std::size_t>(hh)) * s.w + static_cast<std::size_t>(ww);
            const TT v = to_t<TT, Mode>(x.data[at], src, at, op_input_a);
            if constexpr (Avg) {
              acc = floatlab::add(acc, v, Mode{}, fixed_word{is_stochastic_v<Mode> ? src.word(e, 2 * t + 2) : 0});
            } else {
              acc = first ? v : floatlab::max(acc, v);
            }
            first = false;
            ++t;
          }
        if constexpr (Avg)
          acc = floatlab::div(acc, convert<TT>(static_cast<int>(t), round::nearest_even{}), Mode{}, fixed_word{is_stochastic_v<Mode> ? src.word(e, op_pool_divide) : 0});
        y.data[e] = from_t<TT, Out>(acc);
      }
  });
  return {};
}

}  // namespace detail

template <class T, class XV, class YV, class... Args>
status max_pool2d(const pool2d_shape& s, XV&& x, YV&& y, Args&&... args) {
  return detail::pool_run<false, T>(s, x, y, args...);
}
template <class T, class XV, class YV, class... Args>
status avg_pool2d(const pool2d_shape& s, XV&& x, YV&& y, Args&&... args) {
  return detail::pool_run<true, T>(s, x, y, args...);
}

}  // namespace floatlab::tensor
