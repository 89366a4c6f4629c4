// floatlab/cuda/quantize.cuh: quantize a device array to any cfloat, in one pass.
//
//   status quantize<To>(const Src* in, Dst* out, std::size_t n, cudaStream_t stream
//                       [, mode] [, counter_source])
//     Src: float, double or any cfloat; To: any cfloat; Dst: float or double (fake
//     quantization: the rounded values) or To (the codes). Mode: the trailing mode, else To's.
//     Element i is rounded once from in[i] (convert_bits, the rounding core) with, for
//     stochastic modes, the word philox_word(seed, i, quantize_operation = 0): exactly the
//     host's floatlab::tensor::quantize (issue 13, tensor/quantize.hpp: "element i:
//     philox_word(seed, i, 0)", i the index in the flat array). The values written to a
//     float/double out are the codes converted to nearest even (exact whenever To fits).
//
// Float -> binary16 / bfloat16 to nearest even runs the hardware conversion (common.cuh,
// convert_fast, proven over all floats). One pass, no stored random tensor, no zero fill, no allocation: a grid-stride
// loop over groups of four elements read as one float4 when in is 16-byte aligned (and out aligned to four of its
// elements), then a bounds-checked tail; any other alignment runs the scalar loop. Rejected before launch (status,
// message): null pointer with n > 0, pointers that are not device (or managed) memory, misaligned elements, out
// overlapping in other than exactly in place with elements of the same size.
#pragma once

#include "common.cuh"

namespace floatlab::cuda {

inline constexpr std::uint32_t quantize_operation = 0;

namespace detail {

// The element written for code q: the code itself, or its value as float/double.
template <class To, class Dst>
FLOATLAB_HOST_DEVICE constexpr Dst quantize_value(typename To::storage_type q) noexcept {
  if constexpr (std::is_same_v<Dst, To>)
    return To::from_bits(q);
  else
    return write_out<Dst, typename To::format_type, round::nearest_even>(q, 0);
}

// Element i of a quantize, given its word philox_word(seed, i, quantize_operation) (0 for the
// deterministic modes). The host reference and the device kernels call this one function.
template <class To, class Mode, class Src, class Dst>
FLOATLAB_HOST_DEVICE Dst quantize_element_word(const Src& x, std::uint32_t word) noexcept {
  using F = typename To::format_type;
  if constexpr (std::is_same_v<Src, float> && std::is_same_v<Dst, float> && !hw_cvt_v<F, fd::binary32_format, Mode> &&
                lane_cvt_v<F, fd::binary32_format, Mode>) {
    // Fake quantization on the lane route: round_lane's float is the code's value (the host's
    // tensor::quantize writes this same float).
    return tensor::detail::round_lane<F, Mode>(x, 0.0f, word);
  } else {
    return quantize_value<To, Dst>(convert_fast<F, format_of_t<Src>, Mode>(bits_of(x), word));
  }
}

template <class To, class Mode, class Src, class Dst>
FLOATLAB_HOST_DEVICE Dst quantize_element(const Src& x, std::uint64_t seed, std::uint64_t i) noexcept {
  return quantize_element_word<To, Mode, Src, Dst>(x, draw(is_stochastic_v<Mode>, seed, i, quantize_operation));
}

template <class Dst>
struct alignas(4 * sizeof(Dst)) four_of {
  Dst v[4];
};

// float in, groups of four: one 16-byte load, one store of four elements.
template <class To, class Mode, class Dst>
__global__ void quantize_vec4_kernel(const float* in, Dst* out, std::size_t n, std::uint64_t seed) {
  const std::size_t groups = n / 4;
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  const std::size_t first = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  for (std::size_t g = first; g < groups; g += stride) {
    const float4 x = reinterpret_cast<const float4*>(in)[g];
    // Elements 4g .. 4g + 3 draw the four words of Philox block g (random.hpp): one block, not four.
    philox_block w{{0u, 0u, 0u, 0u}};
    if constexpr (is_stochastic_v<Mode>) w = philox_word_block(seed, g, quantize_operation);
    four_of<Dst> r;
    r.v[0] = quantize_element_word<To, Mode, float, Dst>(x.x, w.w[0]);
    r.v[1] = quantize_element_word<To, Mode, float, Dst>(x.y, w.w[1]);
    r.v[2] = quantize_element_word<To, Mode, float, Dst>(x.z, w.w[2]);
    r.v[3] = quantize_element_word<To, Mode, float, Dst>(x.w, w.w[3]);
    reinterpret_cast<four_of<Dst>*>(out)[g] = r;
  }
  for (std::size_t i = 4 * groups + first; i < n; i += stride)
    out[i] = quantize_element<To, Mode, float, Dst>(in[i], seed, i);
}

template <class To, class Mode, class Src, class Dst>
__global__ void quantize_scalar_kernel(const Src* in, Dst* out, std::size_t n, std::uint64_t seed) {
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride)
    out[i] = quantize_element<To, Mode, Src, Dst>(in[i], seed, i);
}

}  // namespace detail

template <class To, class Src, class Dst, class... Args>
status quantize(const Src* in, Dst* out, std::size_t n, cudaStream_t stream, Args&&... args) {
  static_assert(is_cfloat_v<To>,
                "cuda::quantize<To>: To must be a floatlab::cfloat (fixed, block and MX are not yet here)");
  static_assert(std::is_same_v<Src, float> || std::is_same_v<Src, double> || is_cfloat_v<Src>,
                "cuda::quantize: in must hold float, double or a cfloat");
  static_assert(std::is_same_v<Dst, To> || detail::is_real_v<Dst>,
                "cuda::quantize<To>: out must hold To (codes) or float/double (fake-quantized values)");
  static_assert(sizeof(To) == sizeof(typename To::storage_type), "cuda::quantize: a cfloat must be its bits");
  using T = detail::tail_args<typename To::rounding_mode, std::decay_t<Args>...>;
  using Mode = typename T::mode;
  detail::require_source<is_stochastic_v<Mode>, T::has_source>();
  if (n == 0) return {};
  if (in == nullptr || out == nullptr)
    return status::error(status::bad_argument, "cuda::quantize: null pointer with n > 0");
  if (!detail::aligned(in, alignof(Src)) || !detail::aligned(out, alignof(Dst)))
    return status::error(status::bad_argument, "cuda::quantize: in or out is not aligned to its element type");
  if (!detail::device_pointer(in) || !detail::device_pointer(out))
    return status::error(status::bad_argument, "cuda::quantize: in and out must be device (or managed) memory");
  const auto ib = reinterpret_cast<std::uintptr_t>(in), ob = reinterpret_cast<std::uintptr_t>(out);
  const bool overlap = ib < ob + n * sizeof(Dst) && ob < ib + n * sizeof(Src);
  if (overlap && !(ib == ob && sizeof(Src) == sizeof(Dst)))
    return status::error(status::bad_argument, "cuda::quantize: out overlaps in (only exact in-place is allowed)");
  const std::uint64_t seed = detail::source_of(args...).seed;
  constexpr unsigned threads = 256;
  if constexpr (std::is_same_v<Src, float> && (4 * sizeof(Dst) <= 16)) {
    if (detail::aligned(in, 16) && detail::aligned(out, 4 * sizeof(Dst))) {
      detail::quantize_vec4_kernel<To, Mode, Dst>
          <<<detail::grid_for(n / 4 + 1, threads), threads, 0, stream>>>(in, out, n, seed);
      return detail::launch_status();
    }
  }
  detail::quantize_scalar_kernel<To, Mode, Src, Dst>
      <<<detail::grid_for(n, threads), threads, 0, stream>>>(in, out, n, seed);
  return detail::launch_status();
}

}  // namespace floatlab::cuda
