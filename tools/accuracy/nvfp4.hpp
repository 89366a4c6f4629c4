// tools/accuracy/nvfp4.hpp: NVFP4 fake quantization, a local adapter until floatlab's tensor
// module has block-scaled formats (issue 13: then this file is replaced by that call).
//
// NVFP4 (NVIDIA Blackwell; "Pretraining Large Language Models with NVFP4", NVIDIA 2025):
// E2M1 elements in blocks of 16 consecutive values, each block with an unsigned E4M3 scale,
// and one FP32 scale per tensor that brings the block scales into E4M3's range:
//   amax_t = max |x| over the tensor;  s_enc = (6 * 448) / amax_t   (binary32)
//   block b: d_b = e4m3_RN((amax_b / 6) * s_enc)                     (the stored block scale)
//   element: q = e2m1_mode(x * (s_enc / d_b))   (nearest for the forward pass, stochastic for
//            gradients in the training recipe), and its value x' = q * d_b / s_enc.
// The scaling products and quotients are binary32 operations, as in the GPU recipe; every
// rounding to E4M3 and E2M1 is floatlab's convert (nearest even or stochastic with the word
// philox_word(stream_seed, i, 0), masked to R bits as the tool's other stochastic modes).
// A block whose scale rounds to zero, and an all-zero tensor, quantize to zeros. Not modelled:
// the recipe's 16x16 2-D weight blocks, random Hadamard transforms of the wgrad inputs, and
// its high-precision first and last layers (docs/accuracy.md).
#pragma once

#include <algorithm>
#include <cmath>

#include <floatlab/floatlab.hpp>

#include "formats.hpp"

namespace flacc {

class nvfp4_format final : public block_format {
 public:
  static constexpr std::size_t block_size = 16;
  explicit nvfp4_format(std::string name) {
    info.name = std::move(name);
    info.fam = family::mx;
    info.precision = 2;
    info.max_finite = 6;
    info.block = block_size;
  }
  bool quantize(float* x, std::size_t n, const mode_spec& m, std::uint64_t seed, std::uint64_t stream) const override {
    namespace fl = floatlab;
    float amax = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (!std::isfinite(x[i])) return false;  // as the MX quantizer: a non-finite block
      amax = std::max(amax, std::fabs(x[i]));
    }
    if (amax == 0) return true;  // zeros stay zeros
    const float s_enc = 2688.0f / amax;  // 6 * 448
    const std::uint64_t ss = stream_seed(seed, static_cast<std::uint32_t>(stream));
    for (std::size_t b0 = 0; b0 < n; b0 += block_size) {
      const std::size_t b1 = std::min(n, b0 + block_size);
      float bmax = 0;
      for (std::size_t i = b0; i < b1; ++i) bmax = std::max(bmax, std::fabs(x[i]));
      const float d = static_cast<float>(fl::convert<fl::e4m3>((bmax / 6.0f) * s_enc, fl::round::nearest_even{}));
      if (!(d > 0)) {  // the block scale underflowed E4M3: the block is zero
        std::fill(x + b0, x + b1, 0.0f);
        continue;
      }
      const float enc = s_enc / d;
      for (std::size_t i = b0; i < b1; ++i) {
        const float v = x[i] * enc;
        fl::e2m1 q;
        if (m.stochastic())
          q = fl::convert<fl::e2m1>(v, fl::round::stochastic<32>{}, fl::fixed_word{m.mask(fl::philox_word(ss, i, 0))});
        else
          q = fl::convert<fl::e2m1>(v, fl::round::nearest_even{});  // saturates at 6 (E2M1 has no inf)
        x[i] = static_cast<float>(q) * d / s_enc;
      }
    }
    return true;
  }
};

}  // namespace flacc
