// block_quantize called once from main, as a program that quantizes one tensor calls it:
// tests/vectorize/check_block.sh requires GCC to vectorize quantize_run's float loops here
// (one scale per run, and one scale per element for blocks shorter than 256), nearest-even and
// stochastic. GCC vectorizes no loop it estimates cold in a function that runs once, and the
// rejection checks of block_quantize once made it estimate these loops cold (a 2.2x
// instruction count regression for consecutive(32) blocks; config.hpp FLOATLAB_UNLIKELY).
#include <floatlab/block.hpp>

#include <cstdint>
#include <cstdio>

namespace fl = floatlab;

namespace {
float in[1 << 12];
std::int8_t out[1 << 12];
int exponents[1 << 12];
}  // namespace

int main(int argc, char**) {
  for (int i = 0; i < (1 << 12); ++i)
    in[i] = static_cast<float>((i * 37) % 251 - 125) * 0.01f * static_cast<float>(argc);
  const auto shape = argc > 1 ? fl::block_shape::whole() : fl::block_shape::consecutive(32);
  const fl::status a = fl::block_quantize(fl::array_view<const float>(in), fl::array_view<std::int8_t>(out),
                                          fl::array_view<int>(exponents), shape, 8, fl::round::nearest_even{});
  const fl::status b =
      fl::block_quantize(fl::array_view<const float>(in), fl::array_view<std::int8_t>(out),
                         fl::array_view<int>(exponents), shape, 8, fl::round::stochastic<16>{}, fl::philox_bulk_rng(3));
  std::printf("%d %d %d\n", a.ok(), b.ok(), out[7]);
  return 0;
}
