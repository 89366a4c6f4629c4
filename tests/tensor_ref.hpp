// tests/tensor_ref.hpp: shared helpers of the tensor tests: random arrays with edge values,
// bitwise comparison, and the reference loops written with the scalar cfloat operations.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "floatlab/floatlab.hpp"
#include "floatlab/tensor/tensor.hpp"
#include "support/operands.hpp"

namespace tref {

inline std::uint32_t fbits(float x) {
  std::uint32_t b;
  std::memcpy(&b, &x, 4);
  return b;
}
inline float ffrom(std::uint32_t b) {
  float x;
  std::memcpy(&x, &b, 4);
  return x;
}
inline std::uint64_t dbits(double x) {
  std::uint64_t b;
  std::memcpy(&b, &x, 8);
  return b;
}

// Same bits (NaN: any NaN matches any NaN; floatlab NaNs are canonical anyway).
inline bool same(float a, float b) { return fbits(a) == fbits(b) || (a != a && b != b); }
inline bool same(double a, double b) { return dbits(a) == dbits(b) || (a != a && b != b); }
template <class T>
bool same(const T& a, const T& b) {
  return a.bits() == b.bits();
}

// Random floats: mostly N(0, scale) values, with edges (zeros, tiny, huge, inf, NaN, ties).
inline std::vector<float> random_floats(std::size_t n, std::uint64_t seed, float scale = 1.0f, bool specials = true) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> nd(0.0f, scale);
  std::vector<float> v(n);
  for (auto& x : v) {
    const unsigned r = rng() % 64;
    if (specials && r == 0) x = 0.0f;
    else if (specials && r == 1) x = -0.0f;
    else if (specials && r == 2) x = ffrom(static_cast<std::uint32_t>(rng()));  // any pattern
    else if (specials && r == 3) x = std::ldexp(nd(rng), -20);                  // tiny
    else if (specials && r == 4) x = std::ldexp(nd(rng), 14);                   // large
    else if (r == 5) x = std::ldexp(static_cast<float>(static_cast<int>(rng() % 64) - 32), -4);  // short: ties
    else x = nd(rng);
  }
  return v;
}

inline std::size_t scaled(std::size_t n, std::size_t min = 1) {
  const double s = operands::test_scale();
  const auto r = static_cast<std::size_t>(static_cast<double>(n) * s);
  return r < min ? min : r;
}

}  // namespace tref
