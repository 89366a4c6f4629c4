// floatlab/detail/no_contract.hpp: compiler barriers that keep a product from being fused
// into an fma (eft.hpp's contraction comment says why and where each one applies).
#pragma once

#include "../config.hpp"

namespace floatlab::detail {

#if defined(__has_builtin) && !defined(__CUDACC__)  // nvcc's front end does not know it
#if __has_builtin(__builtin_assoc_barrier)
#define FLOATLAB_HAS_ASSOC_BARRIER 1
#endif
#endif
#ifndef FLOATLAB_HAS_ASSOC_BARRIER
#define FLOATLAB_HAS_ASSOC_BARRIER 0
#endif

// Returns x unchanged but opaque to the optimizer, so that a product feeding an addition
// cannot be contracted into an fma. Costs no instruction.
template <class T>
FLOATLAB_HOST_DEVICE T opaque(T x) noexcept {
#if defined(__GNUC__) && !FLOATLAB_DEVICE_PASS && (defined(__x86_64__) || defined(__SSE2__))
  __asm__("" : "+x"(x));
  return x;
#elif defined(__GNUC__) && !FLOATLAB_DEVICE_PASS && defined(__aarch64__)
  __asm__("" : "+w"(x));
  return x;
#else
  volatile T v = x;
  return v;
#endif
}

}  // namespace floatlab::detail
