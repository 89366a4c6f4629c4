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
//   word_stream      words read from memory (filled by philox_bulk_rng::fill): vectorizes;
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

// The words for one (seed, element, operation). One Philox block feeds four consecutive
// elements: element e draws word e % 4 of the block with counter (lo(e / 4), hi(e / 4),
// operation, "flab") and key seed -- the same structure as philox_rng, whose word k is word
// k % 4 of block k / 4. GPU kernels and CPU references use it so that both sides draw
// identical words without sharing state, and a bulk quantizer computes one block per four
// elements (tensor/simd.hpp). (Before the ninth session, element e drew word 0 of the block
// with counter (lo(e), hi(e), operation, "flab"): every stochastic result changed then.)
FLOATLAB_HOST_DEVICE constexpr philox_block philox_word_block(std::uint64_t seed, std::uint64_t block,
                                                             std::uint32_t operation) noexcept {
  return philox4x32(seed, static_cast<std::uint32_t>(block), static_cast<std::uint32_t>(block >> 32), operation,
                    0x666c6162u /* "flab" */);
}
// philox_word(seed, 4b + j, op) == philox_word_block(seed, b, op).w[j] (j = 0..3).
FLOATLAB_HOST_DEVICE constexpr std::uint32_t philox_word(std::uint64_t seed, std::uint64_t element,
                                                        std::uint32_t operation) noexcept {
  // A select chain, not .w[element & 3]: a run-time index into the block can put it in local
  // memory on a GPU.
  const philox_block b = philox_word_block(seed, element >> 2, operation);
  const unsigned j = static_cast<unsigned>(element & 3);
  return j == 0 ? b.w[0] : j == 1 ? b.w[1] : j == 2 ? b.w[2] : b.w[3];
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
// fill() that computes its whole blocks side by side in a loop that compilers vectorize
// (one block per SIMD lane; 32x32->64-bit multiplies in 64-bit lanes). block_quantize and mx::quantize
// use fill() when a source has it.
class philox_bulk_rng : public philox_rng {
 public:
  FLOATLAB_HOST_DEVICE constexpr explicit philox_bulk_rng(std::uint64_t seed = 0, std::uint64_t stream = 0) noexcept
      : philox_rng(seed, stream) {}

  FLOATLAB_HOST_DEVICE void fill(std::uint32_t* out, std::size_t n) noexcept {
    std::size_t i = 0;
    while (i < n && used_ < 4) out[i++] = block_.w[used_++];  // words left from the last block
    const std::size_t whole = (n - i) / 4;  // whole blocks, computed side by side
    blocks(out + i, whole);
    i += 4 * whole;
    while (i < n) out[i++] = (*this)();
  }

 private:
  // `count` consecutive blocks (counter_, counter_ + 1, ...) into out, 4 words each: the
  // words of philox4x32 above, lane by lane (test_block and test_fast_paths_ops compare them
  // with philox_rng's and philox_word's). One lane per block, its whole state in registers
  // through the 10 unrolled rounds (32x32->64-bit multiplies in 64-bit lanes), so that the
  // vectorizer runs one block per SIMD lane without spilling the state to memory between
  // rounds: 1.3x the words per second of the round-major loop this replaces (bench_quantize).
  FLOATLAB_HOST_DEVICE void blocks(std::uint32_t* out, std::size_t count) noexcept {
    const std::uint64_t s0 = stream_ & 0xFFFFFFFFu, s1 = stream_ >> 32;
    const std::uint64_t key0 = seed_ & 0xFFFFFFFFu, key1 = seed_ >> 32;
    const std::uint64_t first = counter_;
    for (std::size_t j = 0; j < count; ++j) {
      const std::uint64_t c = first + j;
      std::uint64_t c0 = c & 0xFFFFFFFFu, c1 = c >> 32, c2 = s0, c3 = s1, k0 = key0, k1 = key1;
#if defined(__GNUC__) && !defined(__clang__) && !defined(__CUDACC__)
#pragma GCC unroll 10
#endif
      for (int round = 0; round < 10; ++round) {
        const std::uint64_t p0 = 0xD2511F53u * c0, p1 = 0xCD9E8D57u * c2;
        const std::uint64_t n0 = (p1 >> 32) ^ c1 ^ k0, n2 = (p0 >> 32) ^ c3 ^ k1;
        c1 = p1 & 0xFFFFFFFFu;
        c3 = p0 & 0xFFFFFFFFu;
        c0 = n0;
        c2 = n2;
        k0 = (k0 + 0x9E3779B9u) & 0xFFFFFFFFu;
        k1 = (k1 + 0xBB67AE85u) & 0xFFFFFFFFu;
      }
      out[4 * j] = static_cast<std::uint32_t>(c0);
      out[4 * j + 1] = static_cast<std::uint32_t>(c1);
      out[4 * j + 2] = static_cast<std::uint32_t>(c2);
      out[4 * j + 3] = static_cast<std::uint32_t>(c3);
    }
    counter_ += count;
  }
};

// A source that always returns the same word: tests and reproducible single decisions.
struct fixed_word {
  std::uint32_t word;
  FLOATLAB_HOST_DEVICE constexpr std::uint32_t operator()() const noexcept { return word; }
};

// Words read in order from memory: with philox_bulk_rng::fill, the words of philox_rng(seed,
// stream) drawn ahead in bulk, so that a user's loop of stochastic operations draws without a
// branch and vectorizes (the operators' thread_rng() and philox_rng refill a block every
// fourth word, a branch that keeps any loop around them scalar):
//   philox_bulk_rng g(seed); std::vector<std::uint32_t> w(n); g.fill(w.data(), n);
//   word_stream src{w.data()};
//   for (i...) c[i] = add(a[i], b[i], round::stochastic<8>{}, src);  // = the same loop with philox_rng(seed)
// One word per stochastic operation, as every source; the caller provides enough of them.
struct word_stream {
  const std::uint32_t* next;
  FLOATLAB_HOST_DEVICE constexpr std::uint32_t operator()() noexcept { return *next++; }
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
