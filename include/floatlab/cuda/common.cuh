// floatlab/cuda/common.cuh: what the CUDA tensor kernels (quantize.cuh, gemm.cuh, conv.cuh)
// share: the counter-based random source, the trailing-argument convention, device-pointer
// checks, and the per-element device helpers that round exactly as the host tensor code.
//
// Semantics: the host tensor operations of floatlab/tensor/ (docs/tensor.md, issue 13) are
// the reference. Every rounding here goes through the same scalar core as the host's exact
// kernel (detail::unpack, detail::mul / add / fma, detail::finish = round_pack, convert_bits),
// called in device code, so a GPU result equals the host's bit for bit by construction; the
// only other routes are the hardware float -> binary16 / bfloat16 conversion below and the
// native binary16 arithmetic of gemm.cuh, each proven equal to the core exhaustively in
// tests/cuda/tensor_kernels.cu.
//
// Stochastic words are philox_word(seed, element, operation) (random.hpp), keyed exactly as
// the host draws them (see each operation's header comment).
//
// Host launchers return floatlab::status: bad_shape / bad_argument with a static message,
// before anything is launched; a CUDA launch error is reported as bad_argument with CUDA's own
// (static) error string. No launcher allocates.
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "../cfloat.hpp"
#include "../random.hpp"
#include "../status.hpp"
#include "../tensor/common.hpp"
#include "../tensor/lane.hpp"

namespace floatlab::cuda {

// The random source of the CUDA tensor operations: the word of one rounding is
// philox_word(seed, element, operation), as floatlab::tensor::counter_source on the host
// (ASSUMPTION until issue 13 is merged: the same struct; then this becomes an alias of it).
// The host's source type (tensor/common.hpp): words philox_word(seed, element, operation).
using tensor::counter_source;

template <class T>
inline constexpr bool is_counter_source_v =
    std::is_same_v<std::remove_cv_t<std::remove_reference_t<T>>, counter_source>;

namespace detail {

namespace fd = floatlab::detail;

// Trailing (mode), (mode, source) or (source) after the stream argument.
template <class Default, class... Args>
struct tail_args {
  static_assert(sizeof...(Args) == 0, "floatlab::cuda: trailing arguments are (mode), (mode, source) or (source)");
  using mode = Default;
  static constexpr bool has_mode = false;
  static constexpr bool has_source = false;
};
template <class Default, class A>
struct tail_args<Default, A> {
  using D = std::remove_cv_t<std::remove_reference_t<A>>;
  static constexpr bool a_is_mode = is_rounding_mode_v<D>;
  static_assert(a_is_mode || is_counter_source_v<D>,
                "floatlab::cuda: trailing arguments are (mode), (mode, source) or (source), with source a "
                "floatlab::cuda::counter_source");
  using mode = std::conditional_t<a_is_mode, D, Default>;
  static constexpr bool has_mode = a_is_mode;
  static constexpr bool has_source = !a_is_mode;
};
template <class Default, class A, class B>
struct tail_args<Default, A, B> {
  using DA = std::remove_cv_t<std::remove_reference_t<A>>;
  static_assert(is_rounding_mode_v<DA> && is_counter_source_v<B>,
                "floatlab::cuda: trailing arguments are (mode), (mode, source) or (source), with source a "
                "floatlab::cuda::counter_source");
  using mode = DA;
  static constexpr bool has_mode = true;
  static constexpr bool has_source = true;
};

template <class... Args>
inline counter_source source_of(const Args&... args) noexcept {
  counter_source s{};
  (
      (void)[&](const auto& a) {
        if constexpr (is_counter_source_v<decltype(a)>) s = a;
      }(args),
      ...);
  return s;
}

template <bool Stochastic, bool HasSource>
constexpr void require_source() noexcept {
  static_assert(!Stochastic || HasSource,
                "floatlab::cuda: a stochastic rounding mode needs a random source: pass "
                "floatlab::cuda::counter_source{seed} as the trailing (mode, source) or (source)");
}

// With a trailing mode, it replaces the type's own mode (as tensor::apply_mode_t).
template <class T, class Mode, bool Apply, class = void>
struct pick_mode {
  using type = T;
};
template <class T, class Mode>
struct pick_mode<T, Mode, true, std::enable_if_t<is_cfloat_v<T>>> {
  using type = with_rounding_t<T, Mode>;
};

template <class T>
inline constexpr bool is_real_v = std::is_same_v<T, float> || std::is_same_v<T, double>;

// True for memory the device can read and write through p (device or managed); a null p
// (only allowed with size 0, checked by the caller) counts as fine.
inline bool device_pointer(const void* p) noexcept {
  if (p == nullptr) return true;
  cudaPointerAttributes attr{};
  if (cudaPointerGetAttributes(&attr, p) != cudaSuccess) {
    (void)cudaGetLastError();  // clear the sticky-free error of an unknown pointer
    return false;
  }
  return attr.type == cudaMemoryTypeDevice || attr.type == cudaMemoryTypeManaged;
}

inline bool aligned(const void* p, std::size_t a) noexcept { return (reinterpret_cast<std::uintptr_t>(p) % a) == 0; }

// Status of the launch just made.
// The number of SMs of the current device (132 when it cannot be asked).
inline std::size_t sm_count() noexcept {
  int dev = 0, sms = 132;
  if (cudaGetDevice(&dev) == cudaSuccess) (void)cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, dev);
  return static_cast<std::size_t>(sms);
}

// Blocks for a grid-stride loop over `work` items: enough to fill the device a few times.
inline unsigned grid_for(std::size_t work, unsigned threads) noexcept {
  const std::size_t want = (work + threads - 1) / threads, cap = sm_count() * 16;
  const std::size_t b = want < cap ? want : cap;
  return static_cast<unsigned>(b ? b : 1);
}

inline status launch_status() noexcept {
  const cudaError_t e = cudaGetLastError();
  if (e == cudaSuccess) return {};
  return status::error(status::bad_argument, cudaGetErrorString(e));
}

// ---- per-element device helpers (also host-callable: the tests' references use them) ----

template <class T, class = void>
struct format_of;
template <>
struct format_of<float> {
  using type = fd::binary32_format;
};
template <>
struct format_of<double> {
  using type = fd::binary64_format;
};
template <class T>
struct format_of<T, std::enable_if_t<is_cfloat_v<T>>> {
  using type = typename T::format_type;
};
template <class T>
using format_of_t = typename format_of<T>::type;

template <class T>
FLOATLAB_HOST_DEVICE constexpr std::uint64_t bits_of(const T& x) noexcept {
  if constexpr (std::is_same_v<T, float>)
    return bit_cast<std::uint32_t>(x);
  else if constexpr (std::is_same_v<T, double>)
    return bit_cast<std::uint64_t>(x);
  else
    return x.bits();
}

template <class T>
FLOATLAB_HOST_DEVICE constexpr fd::unpacked unpack_any(const T& x) noexcept {
  return fd::unpack<format_of_t<T>>(bits_of(x));
}

FLOATLAB_HOST_DEVICE constexpr std::uint32_t draw(bool stochastic, std::uint64_t seed, std::uint64_t e,
                                                  std::uint32_t op) noexcept {
  return stochastic ? philox_word(seed, e, op) : 0u;
}

// The core's NaN for any NaN pattern of F (hardware NaNs have other payloads).
template <class F>
FLOATLAB_HOST_DEVICE constexpr typename F::storage canonical_nan(typename F::storage bits) noexcept {
  return F::is_nan(bits) ? fd::pack_nan<F>() : bits;
}

// Fast route of convert_bits<To, binary32, nearest_even> in device code: the hardware
// conversion cvt.rn.f16.f32 / cvt.rn.bf16.f32 (IEEE round to nearest even, subnormals kept,
// overflow to infinity), NaN re-encoded as the core's. Proven equal to the core over all 2^32
// floats in tests/cuda/tensor_kernels.cu. Define FLOATLAB_CUDA_NO_CVT to use the core only.
template <class ToF, class FromF, class M>
inline constexpr bool hw_cvt_v =
#if defined(FLOATLAB_CUDA_NO_CVT)
    false;
#else
    std::is_same_v<FromF, fd::binary32_format>&& std::is_same_v<M, round::nearest_even> &&
    (std::is_same_v<ToF, typename binary16::format_type> || std::is_same_v<ToF, typename bfloat16::format_type>);
#endif

// Float -> a format that lives in float (tensor/lane.hpp's lane_ok), any mode: the host's
// branch-free lane rounding (round_lane, then lane_encode), the route of the host quantize.
template <class ToF, class FromF, class M>
inline constexpr bool lane_cvt_v = std::is_same_v<FromF, fd::binary32_format>&& tensor::detail::lane_ok<ToF>;

template <class ToF, class FromF, class M>
FLOATLAB_HOST_DEVICE typename ToF::storage convert_fast(std::uint64_t bits, std::uint32_t w) noexcept {
#if defined(__CUDA_ARCH__)
  if constexpr (hw_cvt_v<ToF, FromF, M>) {
    const float x = __uint_as_float(static_cast<std::uint32_t>(bits));
    if constexpr (std::is_same_v<ToF, typename binary16::format_type>)
      return canonical_nan<ToF>(__half_as_ushort(__float2half_rn(x)));
    else
      return canonical_nan<ToF>(__bfloat16_as_ushort(__float2bfloat16_rn(x)));
  } else if constexpr (lane_cvt_v<ToF, FromF, M>) {
    const float x = __uint_as_float(static_cast<std::uint32_t>(bits));
    return tensor::detail::lane_encode<ToF>(tensor::detail::round_lane<ToF, M>(x, 0.0f, w));
  }
#endif
  return fd::convert_bits<ToF, FromF, M>(bits, w);
}

// An exact float x rounded to F in mode M, as a float (lane route): the hardware conversion
// pair (cvt.rn to binary16 / bfloat16 and back, exact) where it is F's nearest even, else
// round_lane. Only NaN payloads differ (the lane route's encode canonicalizes them).
template <class F, class M>
__device__ __forceinline__ float round_exact_float(float x, std::uint32_t w) noexcept {
  if constexpr (hw_cvt_v<F, fd::binary32_format, M> && std::is_same_v<F, typename binary16::format_type>)
    return __half2float(__float2half_rn(x));
  else if constexpr (hw_cvt_v<F, fd::binary32_format, M>)
    return __bfloat162float(__float2bfloat16_rn(x));
  else
    return tensor::detail::round_lane<F, M>(x, 0.0f, w);
}

// Float value of a code of a format that lives in float (exact): lane_decode, not the core's
// conversion. NaN: float's default NaN, as the core's conversion gives.
template <class F>
inline constexpr bool lane_value_v = tensor::detail::lane_ok<F>;

// x (float, double or a cfloat) rounded once to In (mode M): the bits of In's format. x
// already of type In is taken as is (no rounding, no word), as the host's panel_value.
template <class In, class M, class T>
FLOATLAB_HOST_DEVICE typename In::storage_type round_input(const T& x, std::uint64_t seed, std::uint64_t e,
                                                           std::uint32_t op) noexcept {
  if constexpr (std::is_same_v<T, In>) {
    return x.bits();
  } else {
    return convert_fast<typename In::format_type, format_of_t<T>, M>(bits_of(x), draw(is_stochastic_v<M>, seed, e, op));
  }
}

// Bits of AccF written as TC: a cfloat rounded once in OutMode, float/double to nearest even.
template <class TC, class AccF, class OutMode>
FLOATLAB_HOST_DEVICE constexpr TC write_out(typename AccF::storage acc, std::uint32_t w) noexcept {
  if constexpr (is_cfloat_v<TC>)
    return TC::from_bits(fd::convert_bits<typename TC::format_type, AccF, OutMode>(acc, w));
  else if constexpr (std::is_same_v<TC, float> && lane_value_v<AccF>)
    return tensor::detail::lane_decode<AccF>(acc);
  else if constexpr (std::is_same_v<TC, float>)
    return bit_cast<float>(
        static_cast<std::uint32_t>(fd::convert_bits<fd::binary32_format, AccF, round::nearest_even>(acc, 0)));
  else
    return bit_cast<double>(
        static_cast<std::uint64_t>(fd::convert_bits<fd::binary64_format, AccF, round::nearest_even>(acc, 0)));
}

}  // namespace detail
}  // namespace floatlab::cuda
