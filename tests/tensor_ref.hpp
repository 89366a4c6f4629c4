// tests/tensor_ref.hpp: shared helpers of the tensor tests: random arrays with edge values,
// bitwise comparison, and the reference loops written with the scalar cfloat operations.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
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

// Inputs for the IEEE flag checks of GEMM and convolution: scenario 0 values -1, 0, 1 (every
// product and sum exact: no flag), 1 N(0, 1) (inexact), 2 a few large values (+-200..400:
// products and sums overflow binary16), 3 tiny values (N(0, 1) * 2^-9: binary16 products
// underflow), 4 a few infinities and zeros (inf * 0, inf - inf: invalid), 5 one NaN (no
// invalid), 6 random_floats with its specials. The special values sit at random positions, so
// that they meet the light steps of the lane kernel (after inexact is known) as well.
inline constexpr int flag_scenarios = 7;
inline std::vector<float> scenario_floats(std::size_t n, std::uint64_t seed, int scenario) {
  if (scenario == 6) return random_floats(n, seed);
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> nd(0.0f, 1.0f);
  std::vector<float> v(n);
  for (auto& x : v) {
    if (scenario == 0) x = static_cast<float>(static_cast<int>(rng() % 3) - 1);
    else if (scenario == 3) x = std::ldexp(nd(rng), -9);
    else x = nd(rng);
  }
  if (n == 0) return v;
  const std::size_t events = 1 + n / 64;
  for (std::size_t t = 0; t < events; ++t) {
    const std::size_t at = rng() % n;
    const float sign = rng() % 2 ? -1.0f : 1.0f;
    if (scenario == 2) v[at] = sign * static_cast<float>(200 + rng() % 201);
    if (scenario == 4) v[at] = rng() % 2 ? sign * std::numeric_limits<float>::infinity() : 0.0f;
  }
  if (scenario == 5 && rng() % 2) v[rng() % n] = std::numeric_limits<float>::quiet_NaN();
  return v;
}

inline std::size_t scaled(std::size_t n, std::size_t min = 1) {
  const double s = operands::test_scale();
  const auto r = static_cast<std::size_t>(static_cast<double>(n) * s);
  return r < min ? min : r;
}

}  // namespace tref

namespace tref {

// ---- elementwise status flags against the scalar _status forms --------------------------
// Op 0..5: add, sub, mul, div, sqrt, fma. ew_flags_bad runs the tensor op on groups of `group`
// consecutive elements (each call's status must be the OR of the _status forms' flags over
// its elements, input conversions included) and on the whole array with 1, 2 and 7 threads
// (the same status each time). Returns the number of mismatching calls.
template <int Op, class TT, class Mode, class In>
floatlab::status ew_flags_call(const std::vector<In>& a, const std::vector<In>& b, const std::vector<In>& c, std::size_t first,
                               std::size_t n, const floatlab::tensor::counter_source& src) {
  namespace T = floatlab::tensor;
  // Views of a piece keep the element indices of the whole array only at first == 0, so the
  // groups are copied into arrays of their own (indices 0..n-1) and compared with the same.
  std::vector<In> pa(a.begin() + first, a.begin() + first + n), pb(b.begin() + first, b.begin() + first + n),
      pc(c.begin() + first, c.begin() + first + n);
  std::vector<In> out(n);
  if constexpr (Op == 0) return T::add<TT>(pa, pb, out, Mode{}, src);
  else if constexpr (Op == 1) return T::sub<TT>(pa, pb, out, Mode{}, src);
  else if constexpr (Op == 2) return T::mul<TT>(pa, pb, out, Mode{}, src);
  else if constexpr (Op == 3) return T::div<TT>(pa, pb, out, Mode{}, src);
  else if constexpr (Op == 4) return T::sqrt<TT>(pa, out, Mode{}, src);
  else return T::fma<TT>(pa, pb, pc, out, Mode{}, src);
}
template <int Op, class TT, class Mode, class In>
std::uint32_t ew_flags_want(const std::vector<In>& a, const std::vector<In>& b, const std::vector<In>& c, std::size_t first,
                            std::size_t n, const floatlab::tensor::counter_source& src) {
  using namespace floatlab;
  namespace T = floatlab::tensor;
  std::uint32_t want = 0;
  auto q = [&](const In& x, std::size_t i, std::uint32_t op) {
    if constexpr (std::is_same_v<In, TT>) {
      return x;
    } else {
      const auto r = convert_status<TT>(x, Mode{}, fixed_word{src.word(i, op)});
      want |= r.flags.flags;
      return r.value;
    }
  };
  for (std::size_t i = 0; i < n; ++i) {
    const fixed_word w{src.word(i, 0)};
    const TT x = q(a[first + i], i, T::op_input_a);
    if constexpr (Op == 4) {
      want |= sqrt_status(x, Mode{}, w).flags.flags;
      continue;
    } else {
      const TT y = q(b[first + i], i, T::op_input_b);
      if constexpr (Op == 0) want |= add_status(x, y, Mode{}, w).flags.flags;
      else if constexpr (Op == 1) want |= sub_status(x, y, Mode{}, w).flags.flags;
      else if constexpr (Op == 2) want |= mul_status(x, y, Mode{}, w).flags.flags;
      else if constexpr (Op == 3) want |= div_status(x, y, Mode{}, w).flags.flags;
      else want |= fma_status(x, y, q(c[first + i], i, T::op_input_c), Mode{}, w).flags.flags;
    }
  }
  return want;
}
template <int Op, class TT, class Mode, class In>
std::size_t ew_flags_bad(const std::vector<In>& a, const std::vector<In>& b, const std::vector<In>& c, std::size_t group,
                         std::uint64_t seed) {
  const floatlab::tensor::counter_source src{seed};
  std::size_t bad = 0;
  for (std::size_t g = 0; g + group <= a.size(); g += group)
    bad += ew_flags_call<Op, TT, Mode>(a, b, c, g, group, src).flags != ew_flags_want<Op, TT, Mode>(a, b, c, g, group, src);
  const std::uint32_t want = ew_flags_want<Op, TT, Mode>(a, b, c, 0, a.size(), src);
  for (int t : {1, 2, 7}) {
    floatlab::tensor::set_threads(t);
    bad += ew_flags_call<Op, TT, Mode>(a, b, c, 0, a.size(), src).flags != want;
  }
  floatlab::tensor::set_threads(0);
  return bad;
}
template <class TT, class Mode, class In>
std::size_t ew_flags_all_ops(const std::vector<In>& a, const std::vector<In>& b, const std::vector<In>& c, std::size_t group,
                             std::uint64_t seed) {
  return ew_flags_bad<0, TT, Mode>(a, b, c, group, seed) + ew_flags_bad<1, TT, Mode>(a, b, c, group, seed + 1) +
         ew_flags_bad<2, TT, Mode>(a, b, c, group, seed + 2) + ew_flags_bad<3, TT, Mode>(a, b, c, group, seed + 3) +
         ew_flags_bad<4, TT, Mode>(a, b, c, group, seed + 4) + ew_flags_bad<5, TT, Mode>(a, b, c, group, seed + 5);
}

}  // namespace tref
