// floatlab/config.hpp: portability shims shared by every core header.
//
// Core headers are C++17, header-only, heap-free, exception-free and must compile
// for __device__ code (nvcc) and for HLS tools; this file is the one place that
// knows about compilers.
#pragma once

// Checked first, so that older standards get this line instead of errors from deep inside.
#if !defined(__cplusplus) || (__cplusplus < 201703L && !(defined(_MSVC_LANG) && _MSVC_LANG >= 201703L))
#error "floatlab needs C++17 or later (compile with -std=c++17)"
#endif

#include <cstdint>
#include <cstring>
#include <type_traits>

#if defined(__CUDACC__) || (defined(__clang__) && defined(__CUDA__))
#define FLOATLAB_HOST_DEVICE __host__ __device__ __forceinline__
#define FLOATLAB_CUDA 1
#else
#define FLOATLAB_HOST_DEVICE inline
#define FLOATLAB_CUDA 0
#endif

#if defined(__CUDA_ARCH__)
#define FLOATLAB_DEVICE_PASS 1
#else
#define FLOATLAB_DEVICE_PASS 0
#endif

#define FLOATLAB_CONSTEXPR constexpr

// A branch that is rarely taken (rejections of bad arguments). Not only a hint for the branch
// itself: GCC estimates how often each block runs from such branches, and a loop it estimates
// cold is optimized for size (not vectorized) in a function it thinks runs once.
#define FLOATLAB_UNLIKELY(x) __builtin_expect(!!(x), 0)

namespace floatlab {

__extension__ typedef unsigned __int128 u128;  // __extension__: no -Wpedantic warning
__extension__ typedef __int128 i128;

// Bit-level copy between same-sized trivially copyable types. __builtin_bit_cast is
// constexpr in GCC >= 11, Clang >= 9 and nvcc >= 11; memcpy is the portable fallback.
template <class To, class From>
FLOATLAB_HOST_DEVICE constexpr To bit_cast(const From& from) noexcept {
  static_assert(sizeof(To) == sizeof(From), "bit_cast: To and From must have the same size");
  static_assert(std::is_trivially_copyable_v<To> && std::is_trivially_copyable_v<From>,
                "bit_cast: both types must be trivially copyable");
#if defined(__has_builtin)
#if __has_builtin(__builtin_bit_cast)
  return __builtin_bit_cast(To, from);
#define FLOATLAB_HAS_BUILTIN_BIT_CAST 1
#endif
#endif
#ifndef FLOATLAB_HAS_BUILTIN_BIT_CAST
  To to{};
  std::memcpy(&to, &from, sizeof(To));
  return to;
#endif
}

namespace detail {

// std::is_constant_evaluated for C++17 (the builtin exists in GCC >= 9, Clang >= 9, nvcc >= 11.3).
FLOATLAB_HOST_DEVICE constexpr bool is_constant_evaluated() noexcept { return __builtin_is_constant_evaluated(); }

// Index of the most significant set bit (x != 0), i.e. bit_width(x) - 1.
FLOATLAB_HOST_DEVICE constexpr int msb(std::uint64_t x) noexcept {
#if FLOATLAB_DEVICE_PASS
  return 63 - __clzll(static_cast<long long>(x));
#else
  return 63 - __builtin_clzll(x);
#endif
}

FLOATLAB_HOST_DEVICE constexpr int msb(u128 x) noexcept {
  const auto hi = static_cast<std::uint64_t>(x >> 64);
  return hi ? 64 + msb(hi) : msb(static_cast<std::uint64_t>(x));
}

FLOATLAB_HOST_DEVICE constexpr int msb(std::uint32_t x) noexcept {
  return msb(static_cast<std::uint64_t>(x));
}

// Smallest unsigned integer type of at least Bits bits (Bits <= 64).
template <int Bits>
using uint_least_t = std::conditional_t<
    (Bits <= 8), std::uint8_t,
    std::conditional_t<(Bits <= 16), std::uint16_t,
                       std::conditional_t<(Bits <= 32), std::uint32_t, std::uint64_t>>>;

// |x| of a signed 128-bit value, as unsigned (also right for the most negative value).
FLOATLAB_HOST_DEVICE constexpr u128 abs_u128(i128 x) noexcept {
  return x < 0 ? u128{0} - static_cast<u128>(x) : static_cast<u128>(x);
}

template <class T>
inline constexpr int bit_width_v = static_cast<int>(sizeof(T) * 8);

}  // namespace detail
}  // namespace floatlab
