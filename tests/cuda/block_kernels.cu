// cuda::block_scaled_quantize (cuda/block_scaled.cuh) against the host's
// tensor::block_scaled_quantize and block_scaled_quantize_values themselves, bit for bit:
// codes, scale codes, the tensor scale and the fake-quantized values, for MX (E4M3, E2M1,
// E5M2 stochastic), NVFP4 (nearest and stochastic, with its FP32 tensor scale), per-channel
// int8 with FP32 scales, MuPPET block fixed point (per tensor, per column) and 2-D tiles, on
// sizes that are not multiples of the block, with zero blocks, NaN / inf blocks, subnormal and
// huge values, plus the rejections. Without a GPU it exits 77 (ctest: skipped).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <floatlab/cuda/block_scaled.cuh>

#include "support.cuh"

namespace fl = floatlab;
namespace fc = floatlab::cuda;
namespace ft = floatlab::tensor;
namespace rnd = fl::round;

using floatlab_cuda_test::dev_buf;
using floatlab_cuda_test::expect;
using floatlab_cuda_test::failures;

static std::uint64_t lcg = 0x2545F4914F6CDD1Dull;
static std::uint32_t next32() {
  lcg = lcg * 6364136223846793005ull + 1442695040888963407ull;
  return static_cast<std::uint32_t>(lcg >> 32);
}
// Values with a per-block magnitude (so scales vary), some zero blocks, NaN / inf in a few
// blocks, subnormal floats and huge ones.
static std::vector<float> test_data(std::size_t n, std::size_t block) {
  std::vector<float> v(n);
  float mag = 1.0f;
  for (std::size_t i = 0; i < n; ++i) {
    if (i % block == 0) {
      const std::uint32_t r = next32();
      mag = std::ldexp(1.0f, static_cast<int>(r % 60) - 30);
      if (r % 97 == 0) mag = 0.0f;
      if (r % 89 == 0) mag = std::ldexp(1.0f, 120);
      if (r % 83 == 0) mag = std::ldexp(1.0f, -140);
    }
    const std::uint32_t r = next32();
    float x = mag * (static_cast<float>(r >> 8) / 16777216.0f * 2.0f - 1.0f);
    if (r % 251 == 0) x = -0.0f;
    if (r % 1999 == 0) x = (r & 1) ? INFINITY : NAN;
    v[i] = x;
  }
  return v;
}

template <class Format, class... Args>
static void check(const char* name, const ft::block_layout& layout, std::size_t n, std::size_t data_block,
                  Args... args) {
  const std::vector<float> x = test_data(n, data_block);
  ft::block_scaled_tensor<Format> host;
  const fl::status hs = ft::block_scaled_quantize<Format>(layout, x, host, args...);
  std::vector<float> host_values(n);
  const fl::status hv = ft::block_scaled_quantize_values<Format>(layout, x, host_values, args...);
  expect(!hs.rejected() && !hv.rejected(), "host quantize accepted");
  const std::size_t nb = layout.count(n);
  dev_buf<float> din(n), dvalues(n), dts(1);
  dev_buf<std::int32_t> dcodes(n), dscales(nb);
  CUDA_OK(cudaMemcpy(din.p, x.data(), n * sizeof(float), cudaMemcpyHostToDevice));
  const fc::block_scaled_out out{dcodes.p, dscales.p, dvalues.p, dts.p};
  const fl::status ds = fc::block_scaled_quantize<Format>(layout, din.p, n, out, 0, args...);
  expect(!ds.rejected(), name);
  CUDA_OK(cudaDeviceSynchronize());
  const auto codes = dcodes.get(n);
  const auto scales = dscales.get(nb);
  const auto values = dvalues.get(n);
  const float ts = dts.get(1)[0];
  std::size_t bad_codes = 0, bad_scales = 0, bad_values = 0;
  for (std::size_t i = 0; i < n; ++i) bad_codes += codes[i] != host.codes[i];
  for (std::size_t b = 0; b < nb; ++b) bad_scales += scales[b] != host.scales[b];
  for (std::size_t i = 0; i < n; ++i) {
    std::uint32_t g = 0, h = 0;
    std::memcpy(&g, &values[i], 4);
    std::memcpy(&h, &host_values[i], 4);
    bad_values += g != h;
  }
  const bool ts_ok = std::memcmp(&ts, &host.tensor_scale, sizeof ts) == 0;
  std::printf("%-48s n=%8zu blocks=%7zu: %zu code, %zu scale, %zu value mismatches; tensor scale %s\n", name, n, nb,
              bad_codes, bad_scales, bad_values, ts_ok ? "equal" : "DIFFERS");
  expect(bad_codes == 0 && bad_scales == 0 && bad_values == 0 && ts_ok, name);
}

static void check_rejections() {
  dev_buf<float> din(64);
  dev_buf<std::int32_t> dcodes(64), dscales(2);
  using MX = ft::mx_format<fl::e4m3>;
  const fc::block_scaled_out out{dcodes.p, dscales.p, nullptr, nullptr};
  auto rejected = [](fl::status s) { return s.rejected(); };
  expect(rejected(fc::block_scaled_quantize<MX>(ft::block_layout::per_row(7, 9), din.p, 64, out, 0)),
         "a layout that does not fit n is rejected");
  expect(rejected(fc::block_scaled_quantize<MX>(ft::mx_layout(), static_cast<const float*>(nullptr), 64, out, 0)),
         "null input is rejected");
  std::vector<float> host(64);
  expect(rejected(fc::block_scaled_quantize<MX>(ft::mx_layout(), host.data(), 64, out, 0)), "host input is rejected");
  const fc::block_scaled_out alias{reinterpret_cast<std::int32_t*>(din.p), dscales.p, nullptr, nullptr};
  expect(rejected(fc::block_scaled_quantize<MX>(ft::mx_layout(), din.p, 64, alias, 0)),
         "codes overlapping the input are rejected");
  expect(rejected(fc::block_scaled_quantize<ft::nvfp4>(ft::nvfp4_layout(), din.p, 64, out, 0)),
         "NVFP4 without a tensor-scale slot is rejected");
  std::printf("rejections checked\n");
}

int main() {
  int devices = 0;
  if (cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0) {
    std::printf("no CUDA device: skipped\n");
    return 77;
  }
  const fl::tensor::counter_source src{0xB10C};
  const std::size_t n = (std::size_t{1} << 20) + 77;
  check<ft::mx_format<fl::e4m3>>("MX E4M3 nearest", ft::mx_layout(), n, 32);
  check<ft::mx_format<fl::e2m1>>("MX E2M1 nearest (data blocks of 24)", ft::mx_layout(), n, 24);
  check<ft::mx_format<fl::e5m2>>("MX E5M2 stochastic<8>", ft::mx_layout(), n, 32, rnd::stochastic<8>{}, src);
  check<ft::nvfp4>("NVFP4 nearest", ft::nvfp4_layout(), n, 16);
  check<ft::nvfp4>("NVFP4 stochastic<8> (gradients)", ft::nvfp4_layout(), n, 40, rnd::stochastic<8>{}, src);
  check<ft::per_channel<ft::int_element<8>>>("per-channel int8, FP32 scale per row",
                                             ft::block_layout::per_row(1000, 999), 999000, 999);
  check<ft::muppet_bfp<8>>("MuPPET bfp8 per tensor, stochastic", ft::block_layout::per_tensor(), 100003, 100003,
                           rnd::stochastic<16>{}, src);
  check<ft::muppet_bfp<12>>("MuPPET bfp12 per column", ft::block_layout::per_column(513, 257), 513 * 257, 513);
  check<ft::block_format<fl::e4m3, ft::scale_e8m0>>("E4M3 / E8M0 in 2-D tiles 7x9",
                                                    ft::block_layout::tiles(301, 203, 7, 9), 301 * 203, 63);
  check<ft::block_format<fl::e2m1, ft::scale_ue4m3<rnd::toward_zero>>>(
      "E2M1 / UE4M3 RZ per row pieces of 16", ft::block_layout::per_row(100, 1000, 16), 100000, 16);
  check_rejections();
  std::printf(failures ? "%d CHECKS FAILED\n" : "all GPU block-scaled results equal the host's bit for bit\n",
              failures);
  return failures ? 1 : 0;
}
