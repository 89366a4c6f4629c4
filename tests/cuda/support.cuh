// tests/cuda/support.cuh: what the CUDA test programs share: the failure count, CUDA_OK, a
// device buffer, bit comparison of results.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <floatlab/cfloat.hpp>

namespace floatlab_cuda_test {

inline int failures = 0;
inline void expect(bool ok, const char* what) {
  if (!ok) {
    ++failures;
    std::printf("FAILED: %s\n", what);
  }
}

#define CUDA_OK(x)                                                                         \
  do {                                                                                     \
    const cudaError_t e_ = (x);                                                            \
    if (e_ != cudaSuccess) {                                                               \
      std::printf("CUDA error %s at %s:%d\n", cudaGetErrorString(e_), __FILE__, __LINE__); \
      std::exit(1);                                                                        \
    }                                                                                      \
  } while (0)

template <class T>
struct dev_buf {
  T* p = nullptr;
  std::size_t n = 0;
  explicit dev_buf(std::size_t count) : n(count) { CUDA_OK(cudaMalloc(&p, (count ? count : 1) * sizeof(T))); }
  ~dev_buf() { cudaFree(p); }
  dev_buf(const dev_buf&) = delete;
  dev_buf& operator=(const dev_buf&) = delete;
  void put(const std::vector<T>& v) { CUDA_OK(cudaMemcpy(p, v.data(), v.size() * sizeof(T), cudaMemcpyHostToDevice)); }
  std::vector<T> get(std::size_t count) const {
    std::vector<T> v(count);
    CUDA_OK(cudaMemcpy(v.data(), p, count * sizeof(T), cudaMemcpyDeviceToHost));
    return v;
  }
};

template <class T>
std::uint64_t bits_of(const T& x) {
  if constexpr (std::is_same_v<T, float>)
    return floatlab::bit_cast<std::uint32_t>(x);
  else
    return x.bits();
}

template <class A, class B>
std::size_t mismatches(const std::vector<A>& got, const std::vector<B>& want) {
  std::size_t bad = 0;
  for (std::size_t i = 0; i < got.size(); ++i) bad += bits_of(got[i]) != bits_of(want[i]);
  return bad;
}

}  // namespace floatlab_cuda_test
