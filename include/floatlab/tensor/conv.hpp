// floatlab/tensor/conv.hpp: 2-D convolution (NCHW) forward, backward data, backward weights,
// as implicit GEMMs with the rounding semantics of gemm.hpp (docs/tensor.md).
//
//   x: N x C x H x W, w: OC x (C/groups) x KH x KW, y: N x OC x OH x OW,
//   OH = (H + 2*pad_h - dil_h*(KH-1) - 1) / stride_h + 1 (same for OW).
//   forward:          y(n, o, p, q)  = sum over k = (c, r, s) of w(o, c, r, s) * x(n, g*Cg + c, p*sh - ph + r*dh, q*sw - pw + s*dw)
//   backward data:    dx(n, c, h, v) = sum over k = (o, r, s) of w(g*OCg + o, c, r, s) * dy(n, g*OCg + o, (h + ph - r*dh)/sh, (v + pw - s*dw)/sw)
//   backward weights: dw(o, c, r, s) = sum over k = (n, p, q) of dy(n, o, p, q) * x(n, g*Cg + c, p*sh - ph + r*dh, q*sw - pw + s*dw)
// Every tap is a step of the sum, in the order of k given (row-major over its indices), and a
// tap outside the input (padding) or, for backward data, not on the stride grid, multiplies
// +0 (so it is a step that adds a zero product, as in the im2col GEMM). Element indices of
// stochastic words: the output's flat NCHW (or OIHW for dw) index; op numbers as in gemm with
// k the position in the order above. Inputs: the first factor (w, w, dy for the three
// passes) is rounded with its flat index and op_input_a, the second (x, dy, x) with op_input_b. Panels are built per image (forward, backward data) or per
// block of k (backward weights): never an im2col of the whole batch. Status: the IEEE flags of
// every rounding, as gemm's.
#pragma once

#include "gemm.hpp"

namespace floatlab::tensor {

struct conv2d_shape {
  std::size_t n = 1, c = 1, h = 1, w = 1;    // input
  std::size_t oc = 1, kh = 1, kw = 1;        // filters
  std::size_t stride_h = 1, stride_w = 1, pad_h = 0, pad_w = 0, dil_h = 1, dil_w = 1, groups = 1;
  std::size_t out_h() const noexcept { return (h + 2 * pad_h - dil_h * (kh - 1) - 1) / stride_h + 1; }
  std::size_t out_w() const noexcept { return (w + 2 * pad_w - dil_w * (kw - 1) - 1) / stride_w + 1; }
};

namespace detail {

inline status check_conv(const conv2d_shape& s, std::size_t nx, std::size_t nw, std::size_t ny, bool x_null, bool w_null,
                         bool y_null) {
  if (x_null || w_null || y_null) return status::error(status::bad_argument, "conv2d: null pointer with a non-zero size");
  if (s.groups == 0 || s.stride_h == 0 || s.stride_w == 0 || s.dil_h == 0 || s.dil_w == 0 || s.kh == 0 || s.kw == 0)
    return status::error(status::bad_shape, "conv2d: groups, strides, dilations and kernel sizes must be positive");
  if (s.c % s.groups || s.oc % s.groups) return status::error(status::bad_shape, "conv2d: channels must divide by groups");
  std::size_t t = 0, t2 = 0;
  if (!mul_ok(s.dil_h, s.kh - 1, t) || !mul_ok(s.dil_w, s.kw - 1, t2) || s.h + 2 * s.pad_h < t + 1 || s.w + 2 * s.pad_w < t2 + 1)
    return status::error(status::bad_shape, "conv2d: the dilated kernel is larger than the padded input");
  std::size_t ex = 0, ew = 0, ey = 0;
  if (!mul_ok(s.n, s.c, ex) || !mul_ok(ex, s.h, ex) || !mul_ok(ex, s.w, ex) || !mul_ok(s.oc, s.c / s.groups, ew) ||
      !mul_ok(ew, s.kh, ew) || !mul_ok(ew, s.kw, ew) || !mul_ok(s.n, s.oc, ey) || !mul_ok(ey, s.out_h(), ey) || !mul_ok(ey, s.out_w(), ey))
    return status::error(status::bad_shape, "conv2d: tensor sizes overflow size_t");
  if (nx != ex) return status::error(status::bad_shape, "conv2d: x must hold n * c * h * w elements");
  if (nw != ew) return status::error(status::bad_shape, "conv2d: w must hold oc * (c / groups) * kh * kw elements");
  if (ny != ey) return status::error(status::bad_shape, "conv2d: y must hold n * oc * out_h * out_w elements");
  if ((s.c / s.groups) * s.kh * s.kw > max_k || s.n * s.out_h() * s.out_w() > max_k || (s.oc / s.groups) * s.kh * s.kw > max_k)
    return status::error(status::bad_shape, "conv2d: the GEMM depth K must be below 2^31 - 16");
  return {};
}

template <class T>
bool null_view(const array_view<T>& v) noexcept {
  return v.data == nullptr && v.size != 0;
}

// Which pass: the GEMM of each.
enum class conv_pass { forward, backward_data, backward_weights };

template <conv_pass Pass, class Recipe, class XV, class WV, class YV, class... Args>
status conv2d_run(const conv2d_shape& s, XV&& x_c, WV&& w_c, YV&& y_c, double alpha, double beta, Args&&... args) {
  // Roles: forward (x, w -> y); backward data (dy = x_c, w -> dx = y_c); backward weights (x, dy -> dw).
  using T1 = std::remove_const_t<view_elem_t<XV>>;
  using T2 = std::remove_const_t<view_elem_t<WV>>;
  using TO = view_elem_t<YV>;
  static_assert(!std::is_const_v<TO>, "conv2d: the output must be writable");
  using P = gemm_plan<Recipe, TO, Args...>;
  require_source<P::template stochastic<T2, T1>, has_source_v<std::decay_t<Args>...>>();
  const array_view<const T1> v1 = as_const(as_view(x_c));
  const array_view<const T2> v2 = as_const(as_view(w_c));
  const array_view<TO> vo = as_view(y_c);
  const std::size_t OH = s.out_h(), OW = s.out_w(), G = s.groups, Cg = s.c / G, OCg = s.oc / G;
  const std::size_t KHW = s.kh * s.kw;
  // Sizes per pass: (x, w, y) in the check's roles.
  std::size_t nx = v1.size, nw = v2.size, ny = vo.size;
  if constexpr (Pass == conv_pass::backward_data) nx = vo.size, ny = v1.size;          // v1 = dy, out = dx
  if constexpr (Pass == conv_pass::backward_weights) nw = vo.size, ny = v2.size;       // v2 = dy, out = dw
  if (status st = check_conv(s, nx, nw, ny, null_view(v1), null_view(v2), null_view(vo)); st.rejected()) return st;
  if (overlaps(v1, vo) || overlaps(v2, vo)) return status::error(status::bad_argument, "conv2d: the output overlaps an input");
  const counter_source src = source_of(args...);
  // IEEE flags of every rounding, ORed over threads (order-free, so deterministic).
  std::atomic<std::uint32_t> flags{0};
  using Q = typename P::panel_t;
  using SC = typename P::FC::storage;
  const gemm_ends<P, TO> ends(alpha, beta, 0, src);  // op numbers set per pass below
  using InA = typename P::InA;
  using InB = typename P::InB;
  using MA = typename P::MA;
  using MB = typename P::MB;
  constexpr std::size_t L = [] {
    if constexpr (is_chunked<typename P::Kind>::value) return P::Kind::length;
    else return std::size_t{1};
  }();

  // Runs one GEMM M x N x K with A(i, k) = a_at(i, k) (flat index of the first factor or
  // npos for +0), B(k, j) likewise, output flat index out_at(i, j). B is built in blocks of k.
  auto run = [&](std::size_t M, std::size_t N, std::size_t K, auto a_src, auto a_at, auto b_src, auto b_at, auto out_at) {
    constexpr std::size_t npos = ~std::size_t{0};
    gemm_ends<P, TO> e2(alpha, beta, K, src);
    flags.fetch_or(e2.scalar_flags, std::memory_order_relaxed);
    std::vector<Q> Aq(M * K);
    parallel_for(M, [&](std::size_t i) {
      std::uint32_t f = 0;
      for (std::size_t k = 0; k < K; ++k) {
        const std::size_t at = a_at(i, k);
        Aq[i * K + k] = at == npos ? panel_zero<P>() : panel_value<P, InA, MA>(a_src[at], src, at, op_input_a, f);
      }
      flags.fetch_or(f, std::memory_order_relaxed);
    }, 8);
    // k blocks: a multiple of the chunk length, about 2^16 panel elements.
    std::size_t KB = std::max<std::size_t>(1, (std::size_t{1} << 16) / std::max<std::size_t>(N, 1));
    KB = (KB + L - 1) / L * L;
    if (KB > K) KB = K;
    std::vector<Q> Bq(KB * N);
    std::vector<SC> accs(M * N);
    const std::size_t tiles_i = (M + tile_i - 1) / tile_i, tiles_j = (N + tile_j - 1) / tile_j;
    auto elem = [&](std::size_t i, std::size_t j) -> std::uint64_t { return out_at(i, j); };
    for (std::size_t k0 = 0; k0 < K || (K == 0 && k0 == 0); k0 += KB) {
      const std::size_t kb = K == 0 ? 0 : std::min(KB, K - k0);
      parallel_for(kb, [&](std::size_t k) {
        std::uint32_t f = 0;
        for (std::size_t j = 0; j < N; ++j) {
          const std::size_t at = b_at(k0 + k, j);
          Bq[k * N + j] = at == npos ? panel_zero<P>() : panel_value<P, InB, MB>(b_src[at], src, at, op_input_b, f);
        }
        flags.fetch_or(f, std::memory_order_relaxed);
      }, 8);
      const bool first = k0 == 0, last = k0 + kb >= K;
      auto init = [&](std::size_t i, std::size_t j, std::uint32_t& f) -> SC {
        return first ? e2.init(vo.data + out_at(i, j), out_at(i, j), f) : accs[i * N + j];
      };
      auto store = [&](std::size_t i, std::size_t j, SC acc, std::uint32_t& f) {
        if (last) vo.data[out_at(i, j)] = e2.finish(vo.data + out_at(i, j), out_at(i, j), acc, f);
        else accs[i * N + j] = acc;
      };
      parallel_for(tiles_i * tiles_j, [&](std::size_t tile) {
        const std::size_t i0 = (tile / tiles_j) * tile_i, j0 = (tile % tiles_j) * tile_j;
        const std::uint32_t f = gemm_tile<P>(Aq.data() + k0, K, Bq.data(), N, i0, std::min(tile_i, M - i0), j0, std::min(tile_j, N - j0),
                                             kb, src, elem, init, store, k0, K, flags.load(std::memory_order_relaxed));
        flags.fetch_or(f, std::memory_order_relaxed);
      });
      if (K == 0) break;
    }
  };
  (void)ends;
  constexpr std::size_t npos = ~std::size_t{0};
  const std::size_t H = s.h, W = s.w;
  auto in_x = [&](std::size_t n, std::size_t ch, std::size_t p, std::size_t q, std::size_t r, std::size_t t) -> std::size_t {
    // input position of output (p, q), tap (r, t); npos in the padding
    const std::ptrdiff_t hh = static_cast<std::ptrdiff_t>(p * s.stride_h + r * s.dil_h) - static_cast<std::ptrdiff_t>(s.pad_h);
    const std::ptrdiff_t ww = static_cast<std::ptrdiff_t>(q * s.stride_w + t * s.dil_w) - static_cast<std::ptrdiff_t>(s.pad_w);
    if (hh < 0 || ww < 0 || hh >= static_cast<std::ptrdiff_t>(H) || ww >= static_cast<std::ptrdiff_t>(W)) return npos;
    return ((n * s.c + ch) * H + static_cast<std::size_t>(hh)) * W + static_cast<std::size_t>(ww);
  };
  for (std::size_t g = 0; g < G; ++g) {
    if constexpr (Pass == conv_pass::forward) {
      for (std::size_t n = 0; n < s.n; ++n)
        run(OCg, OH * OW, Cg * KHW, v2.data,
            [&](std::size_t i, std::size_t k) { return (g * OCg + i) * Cg * KHW + k; }, v1.data,
            [&](std::size_t k, std::size_t j) {
              const std::size_t c = k / KHW, r = (k % KHW) / s.kw, t = k % s.kw;
              return in_x(n, g * Cg + c, j / OW, j % OW, r, t);
            },
            [&](std::size_t i, std::size_t j) { return (n * s.oc + g * OCg + i) * OH * OW + j; });
    } else if constexpr (Pass == conv_pass::backward_data) {
      for (std::size_t n = 0; n < s.n; ++n)
        run(Cg, H * W, OCg * KHW, v2.data,
            [&](std::size_t i, std::size_t k) {  // w(g*OCg + o, c = i, r, t)
              const std::size_t o = k / KHW;
              return ((g * OCg + o) * Cg + i) * KHW + k % KHW;
            },
            v1.data,
            [&](std::size_t k, std::size_t j) -> std::size_t {  // dy(n, g*OCg + o, (h + ph - r*dh)/sh, ...)
              const std::size_t o = k / KHW, r = (k % KHW) / s.kw, t = k % s.kw;
              const std::ptrdiff_t ph = static_cast<std::ptrdiff_t>(j / W + s.pad_h) - static_cast<std::ptrdiff_t>(r * s.dil_h);
              const std::ptrdiff_t pw = static_cast<std::ptrdiff_t>(j % W + s.pad_w) - static_cast<std::ptrdiff_t>(t * s.dil_w);
              if (ph < 0 || pw < 0 || ph % static_cast<std::ptrdiff_t>(s.stride_h) || pw % static_cast<std::ptrdiff_t>(s.stride_w)) return npos;
              const std::size_t p = static_cast<std::size_t>(ph) / s.stride_h, q = static_cast<std::size_t>(pw) / s.stride_w;
              if (p >= OH || q >= OW) return npos;
              return ((n * s.oc + g * OCg + o) * OH + p) * OW + q;
            },
            [&](std::size_t i, std::size_t j) { return (n * s.c + g * Cg + i) * H * W + j; });
    } else {
      run(OCg, Cg * KHW, s.n * OH * OW, v2.data,
          [&](std::size_t i, std::size_t k) {  // dy(n, g*OCg + i, p, q), k = (n, p, q)
            const std::size_t n = k / (OH * OW);
            return (n * s.oc + g * OCg + i) * OH * OW + k % (OH * OW);
          },
          v1.data,
          [&](std::size_t k, std::size_t j) {
            const std::size_t n = k / (OH * OW), pq = k % (OH * OW);
            const std::size_t c = j / KHW, r = (j % KHW) / s.kw, t = j % s.kw;
            return in_x(n, g * Cg + c, pq / OW, pq % OW, r, t);
          },
          [&](std::size_t i, std::size_t j) { return (g * OCg + i) * Cg * KHW + j; });
    }
  }
  status st;
  st.flags = flags.load();
  return st;
}

}  // namespace detail

// y = alpha * conv(x, w) + beta * y. Trailing (mode) / (mode, source) / (source) as gemm.
template <class Recipe, class XV, class WV, class YV, class... Args>
status conv2d_forward(const conv2d_shape& s, XV&& x, WV&& w, YV&& y, Args&&... args) {
  return detail::conv2d_run<detail::conv_pass::forward, Recipe>(s, x, w, y, 1.0, 0.0, args...);
}
// dx = conv_transpose(dy, w) (the gradient of the input).
template <class Recipe, class DYV, class WV, class DXV, class... Args>
status conv2d_backward_data(const conv2d_shape& s, DYV&& dy, WV&& w, DXV&& dx, Args&&... args) {
  return detail::conv2d_run<detail::conv_pass::backward_data, Recipe>(s, dy, w, dx, 1.0, 0.0, args...);
}
// dw = the gradient of the filters from x and dy.
template <class Recipe, class XV, class DYV, class DWV, class... Args>
status conv2d_backward_weights(const conv2d_shape& s, XV&& x, DYV&& dy, DWV&& dw, Args&&... args) {
  return detail::conv2d_run<detail::conv_pass::backward_weights, Recipe>(s, x, dy, dw, 1.0, 0.0, args...);
}

}  // namespace floatlab::tensor
