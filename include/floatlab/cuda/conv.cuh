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
// Backward data and backward weights are not on the GPU yet (issue 10 lists them).
#pragma once

#include "gemm.cuh"

namespace floatlab::cuda {

struct conv2d_shape {
  std::size_t n = 1, c = 1, h = 1, w = 1;  // input
  std::size_t oc = 1, kh = 1, kw = 1;      // filters
  std::size_t stride_h = 1, stride_w = 1, pad_h = 0, pad_w = 0, dil_h = 1, dil_w = 1, groups = 1;
  std::size_t out_h() const noexcept { return (h + 2 * pad_h - dil_h * (kh - 1) - 1) / stride_h + 1; }
  std::size_t out_w() const noexcept { return (w + 2 * pad_w - dil_w * (kw - 1) - 1) / stride_w + 1; }
};

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

}  // namespace detail

template <class Recipe, class TX, class TW, class TY, class... Args>
status conv2d_forward(const conv2d_shape& s, const TX* x, const TW* w, TY* y, cudaStream_t stream, Args&&... args) {
  using P = detail::gemm_plan<Recipe, TY, Args...>;
  detail::require_source<P::template stochastic<TW, TX>, P::targs::has_source>();
  if (s.groups == 0 || s.stride_h == 0 || s.stride_w == 0 || s.dil_h == 0 || s.dil_w == 0 || s.kh == 0 || s.kw == 0)
    return status::error(status::bad_shape,
                         "cuda::conv2d: groups, strides, dilations and kernel sizes must be positive");
  if (s.c % s.groups || s.oc % s.groups)
    return status::error(status::bad_shape, "cuda::conv2d: channels must divide by groups");
  if (s.h + 2 * s.pad_h < s.dil_h * (s.kh - 1) + 1 || s.w + 2 * s.pad_w < s.dil_w * (s.kw - 1) + 1)
    return status::error(status::bad_shape, "cuda::conv2d: the dilated kernel is larger than the padded input");
  const std::size_t OH = s.out_h(), OW = s.out_w(), G = s.groups, Cg = s.c / G, OCg = s.oc / G;
  const std::size_t K = Cg * s.kh * s.kw;
  constexpr std::size_t lim = std::size_t{1} << 31;
  // 32-bit index fields: every dimension and product below 2^31 (the host limits K the same).
  if (K > max_k || OH * OW >= lim || s.n * s.c * s.h * s.w >= (std::size_t{1} << 62) || s.h >= lim || s.w >= lim ||
      s.c >= lim || s.oc >= lim || s.pad_h >= lim || s.pad_w >= lim || s.stride_h >= lim || s.stride_w >= lim ||
      s.dil_h >= lim || s.dil_w >= lim)
    return status::error(status::bad_shape, "cuda::conv2d: a dimension is too large for the device kernel");
  const std::size_t nx = s.n * s.c * s.h * s.w, nw = s.oc * K, ny = s.n * s.oc * OH * OW;
  if (ny == 0) return {};  // (c == 0 still writes y: K = 0 sums, as the host)
  if ((x == nullptr && nx) || (w == nullptr && nw) || y == nullptr)
    return status::error(status::bad_argument, "cuda::conv2d: null pointer with a non-zero size");
  if (!detail::aligned(x, alignof(TX)) || !detail::aligned(w, alignof(TW)) || !detail::aligned(y, alignof(TY)))
    return status::error(status::bad_argument, "cuda::conv2d: a pointer is not aligned to its element type");
  if (!detail::device_pointer(x) || !detail::device_pointer(w) || !detail::device_pointer(y))
    return status::error(status::bad_argument, "cuda::conv2d: x, w and y must be device (or managed) memory");
  {
    const auto yb = reinterpret_cast<std::uintptr_t>(y), ye = yb + ny * sizeof(TY);
    auto hits = [&](const void* p, std::size_t bytes) {
      const auto pb = reinterpret_cast<std::uintptr_t>(p);
      return bytes && pb < ye && yb < pb + bytes;
    };
    if (hits(x, nx * sizeof(TX)) || hits(w, nw * sizeof(TW)))
      return status::error(status::bad_argument, "cuda::conv2d: y overlaps x or w");
  }
  const std::uint64_t seed = detail::source_of(args...).seed;
  const auto ends = detail::gemm_ends<P>::make(1.0, 0.0, K, seed);
  using Pr = detail::conv_fwd_problem<P, TX, TW, TY>;
  auto u = [](std::size_t v) { return static_cast<std::uint32_t>(v); };
  const Pr pr{w,          x,          y,          u(OCg),  u(OH * OW), u(K),  u(G),          u(s.c),        u(s.h),
              u(s.w),     u(s.oc),    u(s.kh),    u(s.kw), u(OH),      u(OW), u(s.stride_h), u(s.stride_w), u(s.pad_h),
              u(s.pad_w), u(s.dil_h), u(s.dil_w), seed};
  return detail::launch_tiles<P, Pr, TY>(pr, ends, s.n * G, stream);
}

}  // namespace floatlab::cuda
