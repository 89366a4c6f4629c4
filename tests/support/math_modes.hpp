// tests/support/math_modes.hpp: one math function's result in every rounding mode (the six
// deterministic ones and stochastic<1>, <5>, <32> with Philox words) against the MPFR oracle,
// shared by test_math_trig.cpp and test_math_wide.cpp.
#pragma once

#include <cstdint>
#include <cstdio>

#include <floatlab/random.hpp>
#include <floatlab/rounding.hpp>

#include "mpfr_oracle.hpp"

namespace floatlab_test {

struct math_tally {
  std::uint64_t inputs = 0, checks = 0, mismatches = 0;
};

// Checks f(mode [, word]) in every mode; the oracle's result slot holds the exact value. key,
// op: the Philox coordinates of the stochastic words (seed, key, op), (seed, key, op + 100),
// (seed, key, op + 200). The first 10 mismatches are printed.
template <class F>
void check_math_modes(const char* what, F f, oracle::reference& ref, math_tally& t, std::uint64_t key, std::uint32_t op,
                      std::uint64_t seed) {
  namespace r = floatlab::round;
  auto report = [&](const char* mode, std::uint64_t got, std::uint64_t want) {
    ++t.checks;
    if (got == want) return;
    if (++t.mismatches <= 10)
      std::printf("  MISMATCH %s %s key=0x%llx: got 0x%llx want 0x%llx\n", what, mode,
                  static_cast<unsigned long long>(key), static_cast<unsigned long long>(got),
                  static_cast<unsigned long long>(want));
  };
  report("nearest_even", f(r::nearest_even{}).bits(), ref.round(oracle::mode::nearest_even));
  report("nearest_away", f(r::nearest_away{}).bits(), ref.round(oracle::mode::nearest_away));
  report("toward_zero", f(r::toward_zero{}).bits(), ref.round(oracle::mode::toward_zero));
  report("upward", f(r::upward{}).bits(), ref.round(oracle::mode::upward));
  report("downward", f(r::downward{}).bits(), ref.round(oracle::mode::downward));
  report("odd", f(r::odd{}).bits(), ref.round(oracle::mode::odd));
  const std::uint32_t w1 = floatlab::philox_word(seed, key, op), w2 = floatlab::philox_word(seed, key, op + 100),
                      w3 = floatlab::philox_word(seed, key, op + 200);
  report("stochastic<1>", f(r::stochastic<1>{}, floatlab::fixed_word{w1}).bits(),
         ref.round(oracle::mode::stochastic, 1, w1));
  report("stochastic<5>", f(r::stochastic<5>{}, floatlab::fixed_word{w2}).bits(),
         ref.round(oracle::mode::stochastic, 5, w2));
  report("stochastic<32>", f(r::stochastic<32>{}, floatlab::fixed_word{w3}).bits(),
         ref.round(oracle::mode::stochastic, 32, w3));
}

}  // namespace floatlab_test
