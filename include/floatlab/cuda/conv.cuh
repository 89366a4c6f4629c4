// floatlab/cuda/conv.cuh: 2-D convolution forward (NCHW) as an implicit GEMM on the GPU, with
// the rounding semantics of gemm.cuh, bit-identical to the host's
// floatlab::tensor::conv2d_forward (issue 13, tensor/conv.hpp).
//
//   status conv2d_forward<Recipe>(const conv2d_shape& s, const TX* x, const TW* w, TY* y,
//                                 cudaStream_t stream [, mode] [, counter_source])
//   x: N x C x H x W, w: OC x (C/groups) x KH x KW, y: N x OC x OH x OW (all tight NCHW).
//   y(n, o, p, q) = sum over k = (c, r, t), row-major over (c, r, t), of
//                   w(o, c, r, t) * x(n, g*Cg + c, p*sh - ph + r*dh, q*sw - pw + t*dw)
//   One GEMM per (image n, group g): M = OC/groups rows, N = OH*OW columns, K = Cg*KH*KW, in
//   that k order; a tap in the padding multiplies +0 (it is still a step: a zero product is
//   added, as in the host's im2col panel). Words: w element rounded with its flat OIHW index
//   and op_input_a, x element with its flat NCHW index and op_input_b; the output element
//   index is y's flat NCHW index; step ops 2k+1 / 2k+2, output conversion 2K+3 (alpha = 1,
//   beta = 0: y is not read).
//
//   status conv2d_backward_data<Recipe>(s, const TDY* dy, const TW* w, TDX* dx, stream [, mode] [, source])
//     dx(n, c, h, v) = sum over k = (o, r, t) of w(g*OCg + o, c, r, t) *
//                      dy(n, g*OCg + o, (h + ph - r*dh)/sh, (v + pw - t*dw)/sw)
//     one GEMM per (n, g): M = Cg, N = H*W, K = OCg*KH*KW; a tap off the stride grid or outside
//     dy multiplies +0; w rounded with its OIHW index (op_input_a), dy with its NCHW index
//     (op_input_b); outputs keyed by dx's flat NCHW index.
//   status conv2d_backward_weights<Recipe>(s, const TX* x, const TDY* dy, TDW* dw, stream [, ...])
//     dw(o, c, r, t) = sum over k = (n, p, q) of dy(n, o, p, q) * x(n, g*Cg + c, p*sh - ph + r*dh, q*sw - pw + t*dw)
//     one GEMM per g: M = OCg, N = Cg*KH*KW, K = N*OH*OW; dy rounded with op_input_a, x with
//     op_input_b; outputs keyed by dw's flat OIHW index.
// These are the host's tensor::conv2d_backward_data / _weights (tensor/conv.hpp), k in the
// same order, so results are bit-identical (tests/cuda/tensor_kernels.cu compares them).
#pragma once

#include "../tensor/conv.hpp"
#include "gemm.cuh"

namespace floatlab::cuda {

using tensor::conv2d_shape;  // the host's shape type

namespace detail {

template <class P, class TX, class TW, class TY>
struct conv_fwd_problem {
  const TW* a;            // w
  const TX* b;            // x
  TY* c;                  // y
  std::uint32_t M, N, K;  // OCg, OH*OW, Cg*KH*KW
  std::uint32_t G, C, H, W, OC, KH, KW, OH, OW, sh, sw, ph, pw, dh, dw;
  std::uint64_t seed;
  __device__ typename P::SA a_bits(std::size_t z, std::uint32_t i, std::uint32_t k) const noexcept {
    const std::size_t g = z % G;
    const std::uint64_t at = (g * M + i) * static_cast<std::uint64_t>(K) + k;
    return round_input<typename P::InA, typename P::MA>(a[at], seed, at, op_input_a);
  }
  __device__ typename P::SB b_bits(std::size_t z, std::uint32_t k, std::uint32_t j) const noexcept {
    const std::size_t n = z / G, g = z % G;
    const std::uint32_t khw = KH * KW, ch = k / khw, r = (k % khw) / KW, t = k % KW;
    const std::uint32_t p = j / OW, q = j % OW;
    const long long hh = static_cast<long long>(p) * sh + static_cast<long long>(r) * dh - ph;
    const long long ww = static_cast<long long>(q) * sw + static_cast<long long>(t) * dw - pw;
    if (hh < 0 || ww < 0 || hh >= H || ww >= W) return fd::pack_zero<typename P::FB>(false);
    const std::uint64_t at = ((n * C + g * (C / G) + ch) * static_cast<std::uint64_t>(H) + hh) * W + ww;
    return round_input<typename P::InB, typename P::MB>(b[at], seed, at, op_input_b);
  }
  __device__ std::uint64_t elem(std::size_t z, std::uint32_t i, std::uint32_t j) const noexcept {
    const std::size_t n = z / G, g = z % G;
    return (n * OC + g * M + i) * static_cast<std::uint64_t>(N) + j;
  }
  __device__ TY* c_at(std::size_t z, std::uint32_t i, std::uint32_t j) const noexcept { return c + elem(z, i, j); }
};

// Backward data: A = w (M = Cg rows i = c, k = (o, r, t)), B = dy (k, j = (h, v)).
template <class P, class TDY, class TW, class TDX>
struct conv_bwd_data_problem {
  const TW* a;
  const TDY* b;
  TDX* c;
  std::uint32_t M, N, K;  // Cg, H*W, OCg*KH*KW
  std::uint32_t G, C, H, W, OC, KH, KW, OH, OW, sh, sw, ph, pw, dh, dw;
  std::uint64_t seed;
  __device__ typename P::SA a_bits(std::size_t z, std::uint32_t i, std::uint32_t k) const noexcept {
    const std::size_t g = z % G;
    const std::uint32_t khw = KH * KW, o = k / khw;
    const std::uint64_t at = ((g * (OC / G) + o) * static_cast<std::uint64_t>(M) + i) * khw + k % khw;
    return round_input<typename P::InA, typename P::MA>(a[at], seed, at, op_input_a);
  }
  __device__ typename P::SB b_bits(std::size_t z, std::uint32_t k, std::uint32_t j) const noexcept {
    const std::size_t n = z / G, g = z % G;
    const std::uint32_t khw = KH * KW, o = k / khw, r = (k % khw) / KW, t = k % KW;
    const long long hp = static_cast<long long>(j / W) + ph - static_cast<long long>(r) * dh;
    const long long wp = static_cast<long long>(j % W) + pw - static_cast<long long>(t) * dw;
    if (hp < 0 || wp < 0 || hp % sh || wp % sw) return fd::pack_zero<typename P::FB>(false);
    const long long p = hp / sh, q = wp / sw;
    if (p >= OH || q >= OW) return fd::pack_zero<typename P::FB>(false);
    const std::uint64_t at = ((n * OC + g * (OC / G) + o) * static_cast<std::uint64_t>(OH) + p) * OW + q;
    return round_input<typename P::InB, typename P::MB>(b[at], seed, at, op_input_b);
  }
  __device__ std::uint64_t elem(std::size_t z, std::uint32_t i, std::uint32_t j) const noexcept {
    const std::size_t n = z / G, g = z % G;
    return (n * C + g * M + i) * static_cast<std::uint64_t>(N) + j;
  }
  __device__ TDX* c_at(std::size_t z, std::uint32_t i, std::uint32_t j) const noexcept { return c + elem(z, i, j); }
};

// Backward weights: A = dy (M = OCg rows, k = (n, p, q)), B = x (k, j = (c, r, t)).
template <class P, class TX, class TDY, class TDW>
struct conv_bwd_weights_problem {
  const TDY* a;
  const TX* b;
  TDW* c;
  std::uint32_t M, N, K;  // OCg, Cg*KH*KW, N*OH*OW
  std::uint32_t G, C, H, W, OC, KH, KW, OH, OW, sh, sw, ph, pw, dh, dw;
  std::uint64_t seed;
  __device__ typename P::SA a_bits(std::size_t z, std::uint32_t i, std::uint32_t k) const noexcept {
    const std::size_t g = z;
    const std::uint32_t ohw = OH * OW, n = k / ohw;
    const std::uint64_t at = (static_cast<std::uint64_t>(n) * OC + g * M + i) * ohw + k % ohw;
    return round_input<typename P::InA, typename P::MA>(a[at], seed, at, op_input_a);
  }
  __device__ typename P::SB b_bits(std::size_t z, std::uint32_t k, std::uint32_t j) const noexcept {
    const std::size_t g = z;
    const std::uint32_t ohw = OH * OW, n = k / ohw, pq = k % ohw, p = pq / OW, q = pq % OW;
    const std::uint32_t khw = KH * KW, ch = j / khw, r = (j % khw) / KW, t = j % KW;
    const long long hh = static_cast<long long>(p) * sh + static_cast<long long>(r) * dh - ph;
    const long long ww = static_cast<long long>(q) * sw + static_cast<long long>(t) * dw - pw;
    if (hh < 0 || ww < 0 || hh >= H || ww >= W) return fd::pack_zero<typename P::FB>(false);
    const std::uint64_t at = ((static_cast<std::uint64_t>(n) * C + g * (C / G) + ch) * H + hh) * W + ww;
    return round_input<typename P::InB, typename P::MB>(b[at], seed, at, op_input_b);
  }
  __device__ std::uint64_t elem(std::size_t z, std::uint32_t i, std::uint32_t j) const noexcept {
    return (z * M + i) * static_cast<std::uint64_t>(N) + j;
  }
  __device__ TDW* c_at(std::size_t z, std::uint32_t i, std::uint32_t j) const noexcept { return c + elem(z, i, j); }
};

// The checks every pass makes before anything is launched (the host's check_conv, plus
// device pointers, alignment and overlap): x, w, y are the forward roles' pointers and sizes.
// Checked first: the sizes below are computed only from a valid shape.
inline status check_conv_shape(const conv2d_shape& s) {
  if (s.groups == 0 || s.stride_h == 0 || s.stride_w == 0 || s.dil_h == 0 || s.dil_w == 0 || s.kh == 0 || s.kw == 0)
    return status::error(status::bad_shape,
                         "cuda::conv2d: groups, strides, dilations and kernel sizes must be positive");
  if (s.c % s.groups || s.oc % s.groups)
    return status::error(status::bad_shape, "cuda::conv2d: channels must divide by groups");
  if (s.h + 2 * s.pad_h < s.dil_h * (s.kh - 1) + 1 || s.w + 2 * s.pad_w < s.dil_w * (s.kw - 1) + 1)
    return status::error(status::bad_shape, "cuda::conv2d: the dilated kernel is larger than the padded input");
  return {};
}

template <class TX, class TW, class TY>
status check_conv(const conv2d_shape& s, const TX* x, const TW* w, const TY* y, std::size_t nx, std::size_t nw,
                  std::size_t ny, std::size_t K, int out_role) {
  const std::size_t OH = s.out_h(), OW = s.out_w();
  constexpr std::size_t lim = std::size_t{1} << 31;
  // 32-bit index fields: every dimension and product below 2^31 (the host limits K the same).
  if (K > max_k || OH * OW >= lim || s.h * s.w >= lim || s.n * s.c * s.h * s.w >= (std::size_t{1} << 62) ||
      s.n * s.oc * OH * OW >= (std::size_t{1} << 62) || s.h >= lim || s.w >= lim || s.c >= lim || s.oc >= lim ||
      s.pad_h >= lim || s.pad_w >= lim || s.stride_h >= lim || s.stride_w >= lim || s.dil_h >= lim || s.dil_w >= lim ||
      (s.c / s.groups) * s.kh * s.kw >= lim)
    return status::error(status::bad_shape, "cuda::conv2d: a dimension is too large for the device kernel");
  if ((x == nullptr && nx) || (w == nullptr && nw) || (y == nullptr && ny))
    return status::error(status::bad_argument, "cuda::conv2d: null pointer with a non-zero size");
  if (!aligned(x, alignof(TX)) || !aligned(w, alignof(TW)) || !aligned(y, alignof(TY)))
    return status::error(status::bad_argument, "cuda::conv2d: a pointer is not aligned to its element type");
  if (!device_pointer(x) || !device_pointer(w) || !device_pointer(y))
    return status::error(status::bad_argument, "cuda::conv2d: x, w and y (or their gradients) must be device memory");
  // The output (role out_role: 0 x, 1 w, 2 y) must not overlap either input.
  const std::uintptr_t lo[3] = {reinterpret_cast<std::uintptr_t>(x), reinterpret_cast<std::uintptr_t>(w),
                                reinterpret_cast<std::uintptr_t>(y)};
  const std::size_t bytes[3] = {nx * sizeof(TX), nw * sizeof(TW), ny * sizeof(TY)};
  for (int t = 0; t < 3; ++t)
    if (t != out_role && bytes[t] && bytes[out_role] && lo[t] < lo[out_role] + bytes[out_role] &&
        lo[out_role] < lo[t] + bytes[t])
      return status::error(status::bad_argument, "cuda::conv2d: the output overlaps an input");
  return {};
}

template <class Problem>
Problem conv_problem(const conv2d_shape& s, const void* a, const void* b, void* c, std::size_t M, std::size_t N,
                     std::size_t K, std::uint64_t seed) {
  auto u = [](std::size_t v) { return static_cast<std::uint32_t>(v); };
  using A = decltype(Problem::a);
  using B = decltype(Problem::b);
  using C = decltype(Problem::c);
  return Problem{static_cast<A>(a),
                 static_cast<B>(b),
                 static_cast<C>(c),
                 u(M),
                 u(N),
                 u(K),
                 u(s.groups),
                 u(s.c),
                 u(s.h),
                 u(s.w),
                 u(s.oc),
                 u(s.kh),
                 u(s.kw),
                 u(s.out_h()),
                 u(s.out_w()),
                 u(s.stride_h),
                 u(s.stride_w),
                 u(s.pad_h),
                 u(s.pad_w),
                 u(s.dil_h),
                 u(s.dil_w),
                 seed};
}

}  // namespace detail

template <class Recipe, class TX, class TW, class TY, class... Args>
status conv2d_forward(const conv2d_shape& s, const TX* x, const TW* w, TY* y, cudaStream_t stream, Args&&... args) {
  using P = detail::gemm_plan<Recipe, TY, Args...>;
  detail::require_source<P::template stochastic<TW, TX>, P::targs::has_source>();
  if (const status st = detail::check_conv_shape(s); st.rejected()) return st;
  const std::size_t G = s.groups, Cg = s.c / G, OCg = s.oc / G, K = Cg * s.kh * s.kw;
  const std::size_t nx = s.n * s.c * s.h * s.w, nw = s.oc * K, ny = s.n * s.oc * s.out_h() * s.out_w();
  if (const status st = detail::check_conv(s, x, w, y, nx, nw, ny, K, 2); st.rejected()) return st;
  if (ny == 0) return {};  // (c == 0 still writes y: K = 0 sums, as the host)
  const std::uint64_t seed = detail::source_of(args...).seed;
  const auto ends = detail::gemm_ends<P>::make(1.0, 0.0, K, seed);
  using Pr = detail::conv_fwd_problem<P, TX, TW, TY>;
  const Pr pr = detail::conv_problem<Pr>(s, w, x, y, OCg, s.out_h() * s.out_w(), K, seed);
  return detail::launch_tiles<P, Pr, TY>(pr, ends, s.n * G, stream);
}

template <class Recipe, class TDY, class TW, class TDX, class... Args>
status conv2d_backward_data(const conv2d_shape& s, const TDY* dy, const TW* w, TDX* dx, cudaStream_t stream,
                            Args&&... args) {
  using P = detail::gemm_plan<Recipe, TDX, Args...>;
  detail::require_source<P::template stochastic<TW, TDY>, P::targs::has_source>();
  if (const status st = detail::check_conv_shape(s); st.rejected()) return st;
  const std::size_t G = s.groups, Cg = s.c / G, OCg = s.oc / G, K = OCg * s.kh * s.kw;
  const std::size_t nx = s.n * s.c * s.h * s.w, nw = s.oc * Cg * s.kh * s.kw, ny = s.n * s.oc * s.out_h() * s.out_w();
  if (const status st = detail::check_conv(s, dx, w, dy, nx, nw, ny, K, 0); st.rejected()) return st;
  if (nx == 0) return {};
  const std::uint64_t seed = detail::source_of(args...).seed;
  const auto ends = detail::gemm_ends<P>::make(1.0, 0.0, K, seed);
  using Pr = detail::conv_bwd_data_problem<P, TDY, TW, TDX>;
  const Pr pr = detail::conv_problem<Pr>(s, w, dy, dx, Cg, s.h * s.w, K, seed);
  return detail::launch_tiles<P, Pr, TDX>(pr, ends, s.n * G, stream);
}

template <class Recipe, class TX, class TDY, class TDW, class... Args>
status conv2d_backward_weights(const conv2d_shape& s, const TX* x, const TDY* dy, TDW* dw, cudaStream_t stream,
                               Args&&... args) {
  using P = detail::gemm_plan<Recipe, TDW, Args...>;
  detail::require_source<P::template stochastic<TDY, TX>, P::targs::has_source>();
  if (const status st = detail::check_conv_shape(s); st.rejected()) return st;
  const std::size_t G = s.groups, Cg = s.c / G, OCg = s.oc / G;
  const std::size_t K = s.n * s.out_h() * s.out_w();
  const std::size_t nx = s.n * s.c * s.h * s.w, nw = s.oc * Cg * s.kh * s.kw, ny = s.n * s.oc * s.out_h() * s.out_w();
  if (const status st = detail::check_conv(s, x, dw, dy, nx, nw, ny, K, 1); st.rejected()) return st;
  if (nw == 0) return {};
  const std::uint64_t seed = detail::source_of(args...).seed;
  const auto ends = detail::gemm_ends<P>::make(1.0, 0.0, K, seed);
  using Pr = detail::conv_bwd_weights_problem<P, TX, TDY, TDW>;
  const Pr pr = detail::conv_problem<Pr>(s, dy, x, dw, OCg, Cg * s.kh * s.kw, K, seed);
  return detail::launch_tiles<P, Pr, TDW>(pr, ends, G, stream);
}

}  // namespace floatlab::cuda
