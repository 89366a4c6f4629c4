// cfloat in __device__ code: a kernel computes + - * / fma sqrt and conversions for many
// formats and modes (stochastic with per-element Philox words); the host computes the same
// with the same words and compares bit for bit. Without a GPU it exits 77 (ctest: skipped);
// building it at all is the compile test CI runs wherever nvcc is present.
#include <cstdio>
#include <cstdint>
#include <vector>

#include <floatlab/cfloat.hpp>

// No `using namespace floatlab` at global scope: CUDA's headers call ::round unqualified,
// which would be ambiguous with the namespace floatlab::round.
namespace fl = floatlab;
using fl::binary16;
using fl::bfloat16;
using fl::binary32;
using fl::binary64;
using fl::e4m3;
using fl::e5m2;
using fl::cfloat;
namespace rnd = fl::round;

constexpr int kOps = 6;

template <class T, class Mode>
__host__ __device__ void compute(std::uint64_t i, const typename T::storage_type* a, const typename T::storage_type* b,
                                 typename T::storage_type* out, std::uint64_t seed) {
  const T x = T::from_bits(a[i]), y = T::from_bits(b[i]);
  // One Philox word per (element, operation): the same on host and device.
  auto word = [&](std::uint32_t op) { return fl::fixed_word{fl::philox_word(seed, i, op)}; };
  out[i * kOps + 0] = add(x, y, Mode{}, word(0)).bits();
  out[i * kOps + 1] = sub(x, y, Mode{}, word(1)).bits();
  out[i * kOps + 2] = mul(x, y, Mode{}, word(2)).bits();
  out[i * kOps + 3] = div(x, y, Mode{}, word(3)).bits();
  out[i * kOps + 4] = fma(x, y, x, Mode{}, word(4)).bits();
  out[i * kOps + 5] = sqrt(x, Mode{}, word(5)).bits();
}

template <class T, class Mode>
__global__ void kernel(std::uint64_t n, const typename T::storage_type* a, const typename T::storage_type* b,
                       typename T::storage_type* out, std::uint64_t seed) {
  const std::uint64_t i = blockIdx.x * static_cast<std::uint64_t>(blockDim.x) + threadIdx.x;
  if (i < n) compute<T, Mode>(i, a, b, out, seed);
}

template <class T, class Mode>
bool check(const char* name, std::uint64_t n) {
  using S = typename T::storage_type;
  std::vector<S> a(n), b(n), want(n * kOps), got(n * kOps);
  std::uint64_t s = 0x12345;
  for (std::uint64_t i = 0; i < n; ++i) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    a[i] = static_cast<S>(s >> 17);
    b[i] = static_cast<S>(s >> 3);
  }
  for (std::uint64_t i = 0; i < n; ++i) compute<T, Mode>(i, a.data(), b.data(), want.data(), 77);
  S *da, *db, *dout;
  cudaMalloc(&da, n * sizeof(S));
  cudaMalloc(&db, n * sizeof(S));
  cudaMalloc(&dout, n * kOps * sizeof(S));
  cudaMemcpy(da, a.data(), n * sizeof(S), cudaMemcpyHostToDevice);
  cudaMemcpy(db, b.data(), n * sizeof(S), cudaMemcpyHostToDevice);
  kernel<T, Mode><<<static_cast<unsigned>((n + 255) / 256), 256>>>(n, da, db, dout, 77);
  cudaMemcpy(got.data(), dout, n * kOps * sizeof(S), cudaMemcpyDeviceToHost);
  const cudaError_t err = cudaGetLastError();
  cudaFree(da);
  cudaFree(db);
  cudaFree(dout);
  if (err != cudaSuccess) {
    std::printf("%s: CUDA error %s\n", name, cudaGetErrorString(err));
    return false;
  }
  std::uint64_t mismatches = 0;
  for (std::uint64_t i = 0; i < n * kOps; ++i) mismatches += got[i] != want[i];
  std::printf("%-28s %llu results, %llu mismatches GPU vs CPU\n", name, (unsigned long long)(n * kOps),
              (unsigned long long)mismatches);
  return mismatches == 0;
}

int main() {
  int devices = 0;
  if (cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0) {
    std::printf("no CUDA device: skipped\n");
    return 77;
  }
  const std::uint64_t n = 1 << 20;
  bool ok = true;
  ok &= check<binary16, rnd::nearest_even>("binary16 nearest_even", n);
  ok &= check<binary16, rnd::stochastic<12>>("binary16 stochastic<12>", n);
  ok &= check<bfloat16, rnd::toward_zero>("bfloat16 toward_zero", n);
  ok &= check<bfloat16, rnd::stochastic<32>>("bfloat16 stochastic<32>", n);
  ok &= check<e4m3, rnd::nearest_even>("e4m3 nearest_even", n);
  ok &= check<e5m2, rnd::odd>("e5m2 odd", n);
  ok &= check<cfloat<6, 9>, rnd::upward>("cfloat<6,9> upward", n);
  ok &= check<binary32, rnd::nearest_away>("binary32 nearest_away", n);
  ok &= check<binary32, rnd::stochastic<32>>("binary32 stochastic<32>", n);
  ok &= check<binary64, rnd::nearest_even>("binary64 nearest_even", n);
  ok &= check<binary64, rnd::downward>("binary64 downward", n);
  std::printf(ok ? "GPU and CPU agree bit for bit\n" : "GPU and CPU DISAGREE\n");
  return ok ? 0 : 1;
}
