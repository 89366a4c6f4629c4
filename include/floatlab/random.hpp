// floatlab/random.hpp: reproducible random words for stochastic rounding.
//
// Philox4x32-10 (Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as easy as 1, 2, 3",
// SC 2011) is counter-based: the words for (seed, counter) are a pure function of both, so
// the CPU and the GPU draw the same words for the same element and operation.
//
// A random source is any object `src` with `std::uint32_t src()`. Sources here:
//   philox_rng       sequential words of one (seed, stream);
//   philox_bulk_rng  the same words, with a vectorized fill() for bulk quantizers;
//   fixed_word, no_random  a constant word (tests), no words (deterministic modes);
//   thread_rng()     the implicit per-thread engine that the operators of stochastic
//                    cfloat types use in host code; seed it with seed_thread_rng().
#pragma once

#include <cstddef>

#include "config.hpp"

namespace floatlab {

struct philox_block {
  std::uint32_t w[4];
};

// Philox4x32 with 10 rounds. key: 64 bits; counter: 128 bits as four words.
FLOATLAB_HOST_DEVICE constexpr philox_block philox4x32(std::uint64_t key, std::uint32_t c0, std::uint32_t c1,
                                                      std::uint32_t c2, std::uint32_t c3) noexcept {
  constexpr std::uint64_t m0 = 0xD2511F53u, m1 = 0xCD9E8D57u;
  constexpr std::uint32_t w0 = 0x9E3779B9u, w1 = 0xBB67AE85u;  // golden ratio, sqrt(3) - 1
  auto k0 = static_cast<std::uint32_t>(key), k1 = static_cast<std::uint32_t>(key >> 32);
  for (int round = 0; round < 10; ++round) {
    const std::uint64_t p0 = m0 * c0, p1 = m1 * c2;
    const auto hi0 = static_cast<std::uint32_t>(p0 >> 32), lo0 = static_cast<std::uint32_t>(p0);
    const auto hi1 = static_cast<std::uint32_t>(p1 >> 32), lo1 = static_cast<std::uint32_t>(p1);
    c0 = hi1 ^ c1 ^ k0;
    c1 = lo1;
    c2 = hi0 ^ c3 ^ k1;
    c3 = lo0;
    k0 += w0;
    k1 += w1;
  }
  return {{c0, c1, c2, c3}};
}

// The word for one (seed, element, operation): what GPU kernels and CPU references use so
// that both sides draw identical words without sharing state.
FLOATLAB_HOST_DEVICE constexpr std::uint32_t philox_word(std::uint64_t seed, std::uint64_t element,
                                                        std::uint32_t operation) noexcept {
  return philox4x32(seed, static_cast<std::uint32_t>(element), static_cast<std::uint32_t>(element >> 32),
                    operation, 0x666c6162u /* "flab" */)
      .w[0];
}

// Sequential words of one (seed, stream), four per Philox call.
class philox_rng {
 public:
  FLOATLAB_HOST_DEVICE constexpr explicit philox_rng(std::uint64_t seed = 0, std::uint64_t stream = 0) noexcept
      : seed_(seed), stream_(stream) {}

  FLOATLAB_HOST_DEVICE constexpr std::uint32_t operator()() noexcept {
    if (used_ == 4) {
      block_ = philox4x32(seed_, static_cast<std::uint32_t>(counter_), static_cast<std::uint32_t>(counter_ >> 32),
                          static_cast<std::uint32_t>(stream_), static_cast<std::uint32_t>(stream_ >> 32));
      ++counter_;
      used_ = 0;
    }
    return block_.w[used_++];
  }

  FLOATLAB_HOST_DEVICE constexpr void seed(std::uint64_t seed, std::uint64_t stream = 0) noexcept {
    *this = philox_rng(seed, stream);
  }

 protected:
  std::uint64_t seed_;
  std::uint64_t stream_;
  std::uint64_t counter_ = 0;
  philox_block block_{};
  int used_ = 4;
};

// ---- a bulk random source -------------------------------------------------------------
// The same words, in the same order, as philox_rng(seed, stream) (above), with a
// fill() that computes 64 Philox4x32-10 blocks side by side in a loop that compilers
// vectorize (32x32->64-bit multiplies in 64-bit lanes). block_quantize and mx::quantize
// use fill() when a source has it.
class philox_bulk_rng : public philox_rng {
 public:
  FLOATLAB_HOST_DEVICE constexpr explicit philox_bulk_rng(std::uint64_t seed = 0, std::uint64_t stream = 0) noexcept
      : philox_rng(seed, stream) {}

  FLOATLAB_HOST_DEVICE void fill(std::uint32_t* out, std::size_t n) noexcept {
    std::size_t i = 0;
    while (i < n && used_ < 4) out[i++] = block_.w[used_++];  // words left from the last block
    constexpr std::size_t lanes = 64;
    while (n - i >= 4 * lanes) {
      blocks(out + i, lanes);
      i += 4 * lanes;
    }
    const std::size_t whole = (n - i) / 4;
    if (whole) {
      std::uint32_t tmp[4 * lanes];
      blocks(tmp, lanes);  // computes `lanes` blocks; keep `whole`, rewind the counter
      for (std::size_t j = 0; j < 4 * whole; ++j) out[i + j] = tmp[j];
      counter_ -= lanes - whole;
      i += 4 * whole;
    }
    while (i < n) out[i++] = (*this)();
  }

 private:
  // `count` consecutive blocks (counter_, counter_ + 1, ...) into out, 4 words each.
  FLOATLAB_HOST_DEVICE void blocks(std::uint32_t* out, std::size_t count) noexcept {
    constexpr std::size_t lanes = 64;
    std::uint64_t c0[lanes], c1[lanes], c2[lanes], c3[lanes];
    for (std::size_t j = 0; j < lanes; ++j) {
      const std::uint64_t c = counter_ + j;
      c0[j] = c & 0xFFFFFFFFu;
      c1[j] = c >> 32;
      c2[j] = stream_ & 0xFFFFFFFFu;
      c3[j] = stream_ >> 32;
    }
    std::uint64_t k0 = seed_ & 0xFFFFFFFFu, k1 = seed_ >> 32;
    for (int round = 0; round < 10; ++round) {  // philox4x32 of random.hpp, lane-parallel
      for (std::size_t j = 0; j < lanes; ++j) {
        const std::uint64_t p0 = 0xD2511F53u * c0[j], p1 = 0xCD9E8D57u * c2[j];
        const std::uint64_t n0 = (p1 >> 32) ^ c1[j] ^ k0, n2 = (p0 >> 32) ^ c3[j] ^ k1;
        c1[j] = p1 & 0xFFFFFFFFu;
        c3[j] = p0 & 0xFFFFFFFFu;
        c0[j] = n0;
        c2[j] = n2;
      }
      k0 = (k0 + 0x9E3779B9u) & 0xFFFFFFFFu;
      k1 = (k1 + 0xBB67AE85u) & 0xFFFFFFFFu;
    }
    for (std::size_t j = 0; j < count; ++j) {
      out[4 * j] = static_cast<std::uint32_t>(c0[j]);
      out[4 * j + 1] = static_cast<std::uint32_t>(c1[j]);
      out[4 * j + 2] = static_cast<std::uint32_t>(c2[j]);
      out[4 * j + 3] = static_cast<std::uint32_t>(c3[j]);
    }
    counter_ += lanes;
  }

};

// A source that always returns the same word: tests and reproducible single decisions.
struct fixed_word {
  std::uint32_t word;
  FLOATLAB_HOST_DEVICE constexpr std::uint32_t operator()() const noexcept { return word; }
};

// For modes that draw nothing.
struct no_random {
  FLOATLAB_HOST_DEVICE constexpr std::uint32_t operator()() const noexcept { return 0; }
};

#if !FLOATLAB_DEVICE_PASS
// The implicit engine of the current host thread. Every thread starts from seed 0,
// stream 0; seed_thread_rng() restarts it, so the same seed gives the same results.
inline philox_rng& thread_rng() noexcept {
  static thread_local philox_rng engine;
  return engine;
}
inline void seed_thread_rng(std::uint64_t seed, std::uint64_t stream = 0) noexcept { thread_rng().seed(seed, stream); }
#endif

}  // namespace floatlab
