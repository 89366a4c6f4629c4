// tests/support/operands.hpp: random operand patterns weighted toward the edges of a format:
// extreme exponents, subnormals, specials, close exponents (cancellation, ties) and short
// fractions (exact results and exact ties).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <random>

namespace operands {

template <class F>
class generator {
 public:
  explicit generator(std::uint64_t seed) : rng_(seed) {}

  std::uint64_t bits() { return rng_() & (F::sign_mask | F::magnitude_mask); }

  // One operand; `near` (if given) pulls its exponent close to that of another operand.
  std::uint64_t operand(std::uint64_t near = ~std::uint64_t{0}) {
    const std::uint64_t sign = (rng_() & 1) ? F::sign_mask : 0;
    const std::uint64_t frac = rng_() & F::fraction_mask;
    const std::uint64_t fmax = F::field_max;
    std::uint64_t field = rng_() % (fmax + 1);
    switch (rng_() % 10) {
      case 0:
      case 1: return bits();
      case 2: {  // extreme exponent fields: subnormal, smallest normal, largest, specials
        const std::uint64_t ends[] = {0, 1, fmax > 1 ? fmax - 1 : fmax, fmax};
        field = ends[rng_() % 4];
        break;
      }
      case 3: {  // named values
        const std::uint64_t named[] = {0, 1, F::min_normal_bits, F::min_normal_bits - 1, F::max_finite_bits,
                                       F::max_finite_bits - 1, F::inf_bits, F::nan_bits & F::magnitude_mask,
                                       static_cast<std::uint64_t>(F::bias) << F::fraction_bits};
        return sign | (named[rng_() % 9] & F::magnitude_mask);
      }
      case 4:
      case 5:
      case 6:
        if (near != ~std::uint64_t{0}) {  // close exponent: cancellation and ties
          const auto nf = static_cast<std::int64_t>((near & F::exponent_mask) >> F::fraction_bits);
          const std::int64_t d = static_cast<std::int64_t>(rng_() % 7) - 3 + (rng_() % 4 == 0 ? F::precision : 0);
          const std::int64_t f = nf + d;
          field = static_cast<std::uint64_t>(f < 0 ? 0 : f > static_cast<std::int64_t>(fmax) ? fmax : f);
          if (rng_() % 2) return sign | (field << F::fraction_bits) | (near & F::fraction_mask) ^ (rng_() & 7);
        }
        break;
      case 7: {  // short fractions: only the top k bits may be set
        const int k = static_cast<int>(rng_() % (F::fraction_bits + 1));
        return sign | (field << F::fraction_bits) | (frac & ~(F::fraction_mask >> k));
      }
      default: break;
    }
    return sign | (field << F::fraction_bits) | frac;
  }

 private:
  std::mt19937_64 rng_;
};

// Scale for test sizes: FLOATLAB_TEST_SCALE=0.1 for sanitizer builds, 10 for long runs.
inline double test_scale() {
  const char* s = std::getenv("FLOATLAB_TEST_SCALE");
  return s ? std::atof(s) : 1.0;
}

}  // namespace operands
