// floatlab/math.hpp in device code: every input of binary16, bfloat16 and e4m3 through exp,
// log, tanh, logistic, sin, cos, gelu (nearest even, toward zero, stochastic<8> with keyed
// words; CI compiles one instantiation, -DFLOATLAB_MATH_KERNEL_CI) on the GPU, compared bit for bit with the same functions on the CPU, which
// tests/test_math*.cpp prove correctly rounded against MPFR on these same inputs. So equality
// here makes the GPU results correctly rounded too. Then a throughput table: floatlab binary16
// and binary32 exp / tanh / sin on the GPU beside CUDA's expf, __expf, tanhf and sinf on the
// same operands in the same run. Without a GPU it exits 77 (ctest: skipped).
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include <cuda_runtime.h>
#include <floatlab/math.hpp>
#include <floatlab/random.hpp>

#include "support.cuh"

namespace fl = floatlab;
namespace rnd = fl::round;

using floatlab_cuda_test::failures;

enum fn { f_exp, f_log, f_tanh, f_logistic, f_sin, f_cos, f_gelu, f_count };
static const char* const fn_names[f_count] = {"exp", "log", "tanh", "logistic", "sin", "cos", "gelu"};

// One function of one input in mode Mode; stochastic words keyed by (seed 5, input, function).
template <class T, class Mode>
__host__ __device__ std::uint32_t eval(int f, std::uint32_t bits) {
  const T x = T::from_bits(static_cast<typename T::storage_type>(bits));
  const std::uint32_t w = fl::philox_word(5, bits, static_cast<std::uint32_t>(f));
  auto run = [&](auto op) -> std::uint32_t {
    if constexpr (fl::is_stochastic_v<Mode>)
      return op(x, Mode{}, fl::fixed_word{w}).bits();
    else
      return op(x, Mode{}).bits();
  };
  switch (f) {
    case f_exp: return run([](auto v, auto... a) { return fl::exp(v, a...); });
    case f_log: return run([](auto v, auto... a) { return fl::log(v, a...); });
    case f_tanh: return run([](auto v, auto... a) { return fl::tanh(v, a...); });
    case f_logistic: return run([](auto v, auto... a) { return fl::logistic(v, a...); });
    case f_sin: return run([](auto v, auto... a) { return fl::sin(v, a...); });
    case f_cos: return run([](auto v, auto... a) { return fl::cos(v, a...); });
    default: return run([](auto v, auto... a) { return fl::gelu(v, a...); });
  }
}

template <class T, class Mode>
__global__ void all_inputs_kernel(std::uint32_t count, std::uint32_t* out) {
  const std::uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= count * f_count) return;
  out[i] = eval<T, Mode>(static_cast<int>(i / count), i % count);
}

template <class T, class Mode>
static void check_all(const char* name) {
  constexpr std::uint32_t count = std::uint32_t{1} << T::format_type::total_bits;
  const std::uint32_t n = count * f_count;
  std::uint32_t* d = nullptr;
  CUDA_OK(cudaMalloc(&d, n * sizeof(std::uint32_t)));
  all_inputs_kernel<T, Mode><<<(n + 255) / 256, 256>>>(count, d);
  CUDA_OK(cudaGetLastError());
  std::vector<std::uint32_t> got(n);
  CUDA_OK(cudaMemcpy(got.data(), d, n * sizeof(std::uint32_t), cudaMemcpyDeviceToHost));
  cudaFree(d);
  std::size_t bad[f_count] = {};
  for (std::uint32_t i = 0; i < n; ++i) bad[i / count] += got[i] != eval<T, Mode>(static_cast<int>(i / count), i % count);
  std::size_t total = 0;
  std::printf("%-28s", name);
  for (int f = 0; f < f_count; ++f) {
    std::printf(" %s %zu", fn_names[f], bad[f]);
    total += bad[f];
  }
  std::printf("  (mismatches of %u inputs each, GPU vs CPU)\n", count);
  if (total) ++failures;
}

// ---- throughput --------------------------------------------------------------------------

template <int Op, class T>
__global__ void fl_loop(const T* in, T* out, std::size_t n, int reps) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= n) return;
  T x = in[i];
  for (int r = 0; r < reps; ++r) {
    if constexpr (Op == 0) x = fl::exp(x);
    else if constexpr (Op == 1) x = fl::tanh(x);
    else x = fl::sin(x);
    x = T::from_bits(static_cast<typename T::storage_type>(x.bits() ^ 0x1u));  // keep a chain, stay finite
  }
  out[i] = x;
}
template <int Op>
__global__ void cuda_loop(const float* in, float* out, std::size_t n, int reps) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= n) return;
  float x = in[i];
  for (int r = 0; r < reps; ++r) {
    if constexpr (Op == 0) x = expf(x);
    else if constexpr (Op == 1) x = tanhf(x);
    else if constexpr (Op == 2) x = sinf(x);
    else x = __expf(x);
    x = __uint_as_float(__float_as_uint(x) ^ 0x1u);
  }
  out[i] = x;
}

template <class F>
static double ms_of(F&& f) {
  cudaEvent_t a, b;
  cudaEventCreate(&a), cudaEventCreate(&b);
  f();
  cudaEventRecord(a);
  for (int i = 0; i < 3; ++i) f();
  cudaEventRecord(b);
  cudaEventSynchronize(b);
  float ms = 0;
  cudaEventElapsedTime(&ms, a, b);
  cudaEventDestroy(a), cudaEventDestroy(b);
  return ms / 3;
}

// Inputs in [-1, 1): every function stays in its interesting range through the chain.
__global__ void fill(float* f, fl::binary16* h, fl::binary32* s, std::size_t n) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= n) return;
  const float v = static_cast<float>(fl::philox_word(1, i, 0) >> 8) / 8388608.0f - 1.0f;
  f[i] = v;
  h[i] = fl::binary16(v);
  s[i] = fl::binary32(v);
}

#ifndef FLOATLAB_MATH_KERNEL_CI
static void bench() {
  const std::size_t n = std::size_t{1} << 24;
  const int reps = 16;
  float *f, *fo;
  fl::binary16 *h, *ho;
  fl::binary32 *s, *so;
  CUDA_OK(cudaMalloc(&f, n * 4));
  CUDA_OK(cudaMalloc(&fo, n * 4));
  CUDA_OK(cudaMalloc(&h, n * 2));
  CUDA_OK(cudaMalloc(&ho, n * 2));
  CUDA_OK(cudaMalloc(&s, n * 4));
  CUDA_OK(cudaMalloc(&so, n * 4));
  const unsigned blocks = static_cast<unsigned>((n + 255) / 256);
  fill<<<blocks, 256>>>(f, h, s, n);
  CUDA_OK(cudaDeviceSynchronize());
  const double calls = static_cast<double>(n) * reps / 1e9;  // G calls
  std::printf("\nGPU throughput (2^24 threads x 16 dependent calls), G calls/s; ratio = floatlab / CUDA float\n");
  const char* names[3] = {"exp", "tanh", "sin"};
  double cuda_ref[3];
  cuda_ref[0] = calls / ms_of([&] { cuda_loop<0><<<blocks, 256>>>(f, fo, n, reps); }) * 1e3;
  cuda_ref[1] = calls / ms_of([&] { cuda_loop<1><<<blocks, 256>>>(f, fo, n, reps); }) * 1e3;
  cuda_ref[2] = calls / ms_of([&] { cuda_loop<2><<<blocks, 256>>>(f, fo, n, reps); }) * 1e3;
  const double fast_exp = calls / ms_of([&] { cuda_loop<3><<<blocks, 256>>>(f, fo, n, reps); }) * 1e3;
  double h16[3], b32[3];
  h16[0] = calls / ms_of([&] { fl_loop<0><<<blocks, 256>>>(h, ho, n, reps); }) * 1e3;
  h16[1] = calls / ms_of([&] { fl_loop<1><<<blocks, 256>>>(h, ho, n, reps); }) * 1e3;
  h16[2] = calls / ms_of([&] { fl_loop<2><<<blocks, 256>>>(h, ho, n, reps); }) * 1e3;
  b32[0] = calls / ms_of([&] { fl_loop<0><<<blocks, 256>>>(s, so, n, reps); }) * 1e3;
  b32[1] = calls / ms_of([&] { fl_loop<1><<<blocks, 256>>>(s, so, n, reps); }) * 1e3;
  b32[2] = calls / ms_of([&] { fl_loop<2><<<blocks, 256>>>(s, so, n, reps); }) * 1e3;
  CUDA_OK(cudaGetLastError());
  std::printf("%-6s %12s %12s %12s %12s %12s\n", "fn", "CUDA float", "fl binary16", "ratio", "fl binary32", "ratio");
  for (int k = 0; k < 3; ++k)
    std::printf("%-6s %12.2f %12.2f %12.3f %12.2f %12.3f\n", names[k], cuda_ref[k], h16[k], h16[k] / cuda_ref[k],
                b32[k], b32[k] / cuda_ref[k]);
  std::printf("__expf %12.2f (fl binary16 exp / __expf = %.3f)\n", fast_exp, h16[0] / fast_exp);
  cudaFree(f), cudaFree(fo), cudaFree(h), cudaFree(ho), cudaFree(s), cudaFree(so);
}
#endif

int main(int argc, char** argv) {
  int devices = 0;
  if (cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0) {
    std::printf("no CUDA device: skipped\n");
    return 77;
  }
  // Four instantiations: math.hpp is large, and each one compiles every function for the device.
  check_all<fl::binary16, rnd::nearest_even>("binary16 nearest_even");
#ifndef FLOATLAB_MATH_KERNEL_CI  // CI's compile check: one instantiation (every function), no bench
  check_all<fl::binary16, rnd::stochastic<8>>("binary16 stochastic<8>");
  check_all<fl::bfloat16, rnd::toward_zero>("bfloat16 toward_zero");
  check_all<fl::e4m3, rnd::nearest_even>("e4m3 nearest_even");
  if (!(argc > 1 && std::strcmp(argv[1], "--no-bench") == 0)) bench();
#else
  (void)argc, (void)argv;
#endif
  std::printf(failures ? "%d CHECKS FAILED\n" : "math on the GPU equals the CPU bit for bit\n", failures);
  return failures ? 1 : 0;
}
