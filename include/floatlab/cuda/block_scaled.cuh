// floatlab/cuda/block_scaled.cuh: block-scaled quantization on the GPU (MX, NVFP4, per-channel,
// MuPPET block fixed point, any block_format), bit-identical to the host's
// floatlab::tensor::block_scaled_quantize (tensor/block_scaled.hpp: the scale and element
// rules are stated there, and its scale_ops / quantize_elem are the very functions run here).
//
//   status block_scaled_quantize<Format>(const block_layout& layout, const Src* in, std::size_t n,
//                                        block_scaled_out out, cudaStream_t stream
//                                        [, mode] [, counter_source])
//     Src: float or any cfloat (of up to 32 bits: its values, and so the block maxima, are
//     floats; double inputs are host-only). out (device pointers, each may be null):
//       codes  (n int32: the element codes, as block_scaled_tensor::codes),
//       scales (layout.count(n) int32: the scale codes, as block_scaled_tensor::scales),
//       values (n float: the dequantized values q * S_eff, NaN for a NaN scale: fake
//               quantization, the host's block_scaled_quantize_values),
//       tensor_scale (one float: the FP32 tensor scale ts, 1 without one; a format with a
//               tensor scale needs it, as the place where the tensor maximum is gathered).
//     Element i's stochastic word is philox_word(seed, i, 0), as on the host.
//
// Kernels: (tensor scale only) a grid-stride maximum of |x| over the finite values, gathered
// with atomicMax on the float bits (positive floats order as their bits) in *tensor_scale;
// then one warp per scale block: the lanes read the block's elements (any layout, through the
// inverse of block_layout::block_of), reduce the maximum with shuffles, every lane computes
// the same scale code, and each lane rounds its elements (the exact quotient x / S_eff rounded
// once, as the host). The scalar core does the division, so this is correct first; its speed
// is measured in bench/gpu. A per-tensor layout is one block: one warp reads it all.
// Status: only the checks (shapes, pointers, alignment, overlap) are reported; the IEEE
// flags of the host's status are not gathered on the GPU.
#pragma once

#include "../tensor/block_scaled.hpp"
#include "../tensor/quantize.hpp"
#include "common.cuh"

namespace floatlab::cuda {

using tensor::block_format;
using tensor::block_layout;

struct block_scaled_out {
  std::int32_t* codes = nullptr;
  std::int32_t* scales = nullptr;
  float* values = nullptr;
  float* tensor_scale = nullptr;
};

namespace detail {

// Block b of a layout over n elements as a list: size and the flat index of its t-th element
// (the inverse of block_layout::block_of, element order within the block irrelevant to the
// result: each element is rounded on its own).
struct block_geometry {
  block_layout::axis kind;
  std::size_t n, rows, cols, length, tile_rows, tile_cols;

  static block_geometry of(const block_layout& l, std::size_t n) noexcept {
    return {l.kind, n, l.rows, l.cols, l.length, l.tile_rows, l.tile_cols};
  }
  FLOATLAB_HOST_DEVICE static std::size_t cdiv(std::size_t a, std::size_t b) noexcept { return (a + b - 1) / b; }
  FLOATLAB_HOST_DEVICE std::size_t size(std::size_t b) const noexcept {
    switch (kind) {
      case block_layout::axis::tensor: return n;
      case block_layout::axis::consecutive: return n - b * length < length ? n - b * length : length;
      case block_layout::axis::rows: {
        const std::size_t len = length ? length : cols, p = b % cdiv(cols, len);
        return cols - p * len < len ? cols - p * len : len;
      }
      case block_layout::axis::columns: {
        const std::size_t len = length ? length : rows, p = b % cdiv(rows, len);
        return rows - p * len < len ? rows - p * len : len;
      }
      default: {
        const std::size_t per_row = cdiv(cols, tile_cols), br = b / per_row, bc = b % per_row;
        const std::size_t h = rows - br * tile_rows < tile_rows ? rows - br * tile_rows : tile_rows;
        const std::size_t w = cols - bc * tile_cols < tile_cols ? cols - bc * tile_cols : tile_cols;
        return h * w;
      }
    }
  }
  FLOATLAB_HOST_DEVICE std::size_t index(std::size_t b, std::size_t t) const noexcept {
    switch (kind) {
      case block_layout::axis::tensor: return t;
      case block_layout::axis::consecutive: return b * length + t;
      case block_layout::axis::rows: {
        const std::size_t len = length ? length : cols, pieces = cdiv(cols, len);
        return (b / pieces) * cols + (b % pieces) * len + t;
      }
      case block_layout::axis::columns: {
        const std::size_t len = length ? length : rows, pieces = cdiv(rows, len);
        return ((b % pieces) * len + t) * cols + b / pieces;
      }
      default: {
        const std::size_t per_row = cdiv(cols, tile_cols), br = b / per_row, bc = b % per_row;
        const std::size_t w = cols - bc * tile_cols < tile_cols ? cols - bc * tile_cols : tile_cols;
        return (br * tile_rows + t / w) * cols + bc * tile_cols + t % w;
      }
    }
  }
};

template <class Src>
__device__ __forceinline__ float value_of(const Src& x) noexcept {
  if constexpr (std::is_same_v<Src, float>)
    return x;
  else
    return convert<float>(x);  // exact: a cfloat of up to 32 bits whose values are floats (checked)
}

template <class Src>
__global__ void finite_amax_kernel(const Src* in, std::size_t n, unsigned* amax_bits) {
  unsigned m = 0;
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    const unsigned a = fd::abs_bits(value_of(in[i]));
    if (a < 0x7F800000u && a > m) m = a;  // finite values only
  }
  for (int o = 16; o > 0; o /= 2) {
    const unsigned other = __shfl_xor_sync(0xFFFFFFFFu, m, o);
    m = other > m ? other : m;
  }
  if ((threadIdx.x & 31) == 0 && m) atomicMax(amax_bits, m);
}

// ts from the tensor maximum, as the host: RN32(gamax / (elem_max * scale_max)), 1 for a zero
// maximum or a quotient that is not a positive finite float.
template <class Format>
FLOATLAB_HOST_DEVICE float tensor_scale_of(float gamax) noexcept {
  using I = tensor::detail::elem_info<typename Format::element>;
  using S = tensor::detail::scale_ops<Format>;
  if (!(gamax > 0)) return 1.0f;
  const float ts = static_cast<float>(static_cast<double>(gamax) / (I::max_value() * S::scale_max()));
  return (!(ts > 0) || fd::abs_bits(ts) == 0x7F800000u) ? 1.0f : ts;
}

// The tensor maximum gathered in *tensor_scale becomes the scale (1 without a tensor scale).
template <class Format>
__global__ void tensor_scale_finish_kernel(float* tensor_scale) {
  if constexpr (Format::has_tensor_scale)
    *tensor_scale = tensor_scale_of<Format>(*tensor_scale);
  else
    *tensor_scale = 1.0f;
}

template <class Format, class Mode, class Src>
__global__ void block_quantize_kernel(const Src* in, block_geometry g, std::size_t blocks, block_scaled_out out,
                                      std::uint64_t seed) {
  using I = tensor::detail::elem_info<typename Format::element>;
  using S = tensor::detail::scale_ops<Format>;
  const int lane = threadIdx.x & 31;
  const std::size_t warps = static_cast<std::size_t>(gridDim.x) * (blockDim.x / 32);
  float ts = 1.0f;
  if constexpr (Format::has_tensor_scale) ts = tensor_scale_of<Format>(*out.tensor_scale);  // still the maximum here
  for (std::size_t b = (static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x) / 32; b < blocks; b += warps) {
    const std::size_t size = g.size(b);
    float amax = 0.0f;
    bool bad = false;
    for (std::size_t t = lane; t < size; t += 32) {
      const float a = fabsf(value_of(in[g.index(b, t)]));
      if (!(fd::abs_bits(a) < 0x7F800000u))
        bad = true;
      else if (a > amax)
        amax = a;
    }
    for (int o = 16; o > 0; o /= 2) amax = fmaxf(amax, __shfl_xor_sync(0xFFFFFFFFu, amax, o));
    bad = __any_sync(0xFFFFFFFFu, bad);
    std::uint32_t flags = 0;  // the host's flags; not reported from the GPU
    const std::int32_t sc = bad ? S::nan_code() : S::code(static_cast<double>(amax), ts, flags);
    if (lane == 0 && out.scales) out.scales[b] = sc;
    const double s_eff = bad ? 0.0 : S::effective(sc, ts);
    for (std::size_t t = lane; t < size; t += 32) {
      const std::size_t i = g.index(b, t);
      std::int32_t q = 0;
      if (!bad) {
        const std::uint32_t w = is_stochastic_v<Mode> ? philox_word(seed, i, tensor::quantize_operation) : 0;
        q = tensor::detail::quantize_elem<Format, Mode>(static_cast<double>(value_of(in[i])), s_eff, w, flags);
      }
      if (out.codes) out.codes[i] = q;
      if (out.values)
        out.values[i] = bad ? __int_as_float(0x7FC00000) : static_cast<float>(I::value(q) * s_eff);  // host: RN
    }
  }
}

}  // namespace detail

template <class Format, class Src, class... Args>
status block_scaled_quantize(const block_layout& layout, const Src* in, std::size_t n, const block_scaled_out& out,
                             cudaStream_t stream, Args&&... args) {
  static_assert(std::is_same_v<Src, float> || (is_cfloat_v<Src> && detail::format_of_t<Src>::total_bits <= 32 &&
                                               tensor::detail::lane_ok<detail::format_of_t<Src>>),
                "cuda::block_scaled_quantize: in must hold float or a cfloat whose values are floats");
  using Elem = typename Format::element;
  using Mode =
      typename detail::tail_args<typename tensor::detail::elem_info<Elem>::default_mode, std::decay_t<Args>...>::mode;
  detail::require_source<is_stochastic_v<Mode>,
                         detail::tail_args<round::nearest_even, std::decay_t<Args>...>::has_source>();
  if (!layout.valid_for(n))
    return status::error(status::bad_shape,
                         "cuda::block_scaled_quantize: the block layout does not fit the tensor's size");
  if (n == 0) return {};
  const std::size_t blocks = layout.count(n);
  if (in == nullptr) return status::error(status::bad_argument, "cuda::block_scaled_quantize: null input with n > 0");
  if (Format::has_tensor_scale && out.tensor_scale == nullptr)
    return status::error(status::bad_argument, "cuda::block_scaled_quantize: this format needs out.tensor_scale");
  const void* ptrs[] = {in, out.codes, out.scales, out.values, out.tensor_scale};
  const std::size_t bytes[] = {n * sizeof(Src), n * 4, blocks * 4, n * 4, 4};
  const std::size_t align[] = {alignof(Src), 4, 4, 4, 4};
  for (int p = 0; p < 5; ++p) {
    if (ptrs[p] == nullptr) continue;
    if (!detail::aligned(ptrs[p], align[p]))
      return status::error(status::bad_argument,
                           "cuda::block_scaled_quantize: a pointer is not aligned to its element");
    if (!detail::device_pointer(ptrs[p]))
      return status::error(status::bad_argument,
                           "cuda::block_scaled_quantize: pointers must be device (or managed) memory");
    for (int q = 0; q < p; ++q) {  // no two arrays may overlap (the input is read while outputs are written)
      if (ptrs[q] == nullptr) continue;
      const auto a = reinterpret_cast<std::uintptr_t>(ptrs[p]), b = reinterpret_cast<std::uintptr_t>(ptrs[q]);
      if (a < b + bytes[q] && b < a + bytes[p])
        return status::error(status::bad_argument, "cuda::block_scaled_quantize: input and outputs must not overlap");
    }
  }
  const std::uint64_t seed = detail::source_of(args...).seed;
  constexpr unsigned threads = 256;
  if constexpr (Format::has_tensor_scale) {
    if (cudaMemsetAsync(out.tensor_scale, 0, sizeof(float), stream) != cudaSuccess)
      return status::error(status::bad_argument, "cuda::block_scaled_quantize: could not clear the tensor scale");
    detail::finite_amax_kernel<Src>
        <<<detail::grid_for(n, threads), threads, 0, stream>>>(in, n, reinterpret_cast<unsigned*>(out.tensor_scale));
    if (const status st = detail::launch_status(); st.rejected()) return st;
  }
  detail::block_quantize_kernel<Format, Mode, Src><<<detail::grid_for(blocks * 32, threads), threads, 0, stream>>>(
      in, detail::block_geometry::of(layout, n), blocks, out, seed);
  if (const status st = detail::launch_status(); st.rejected()) return st;
  if (out.tensor_scale == nullptr) return {};
  detail::tensor_scale_finish_kernel<Format><<<1, 1, 0, stream>>>(out.tensor_scale);
  return detail::launch_status();
}

}  // namespace floatlab::cuda
