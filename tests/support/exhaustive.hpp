// tests/support/exhaustive.hpp: every operand pair, every op, every mode of a small cfloat
// format, checked bit for bit against the MPFR oracle. Both implementations floatlab has
// for a format (the double fast path where it applies, and the integer kernels) are checked.
#pragma once

#include <cstdio>
#include <tuple>

#include <floatlab/cfloat.hpp>

#include "mpfr_oracle.hpp"
#include "operands.hpp"

namespace exhaustive {

using all_modes = std::tuple<floatlab::round::nearest_even, floatlab::round::nearest_away,
                             floatlab::round::toward_zero, floatlab::round::upward, floatlab::round::downward,
                             floatlab::round::odd, floatlab::round::stochastic<3>, floatlab::round::stochastic<32>>;

struct tally {
  std::uint64_t cases = 0, mismatches = 0;
  void record(bool ok, const char* what, const std::string& fmt, oracle::mode m, std::uint64_t a, std::uint64_t b,
              std::uint64_t c, std::uint64_t got, std::uint64_t want) {
    ++cases;
    if (ok) return;
    if (++mismatches <= 20)
      std::printf("MISMATCH %s %s %s a=%#llx b=%#llx c=%#llx got=%#llx want=%#llx\n", fmt.c_str(), what,
                  oracle::mode_name(m), (unsigned long long)a, (unsigned long long)b, (unsigned long long)c,
                  (unsigned long long)got, (unsigned long long)want);
  }
};

// A deterministic random word per case, for the stochastic modes.
inline std::uint32_t case_word(std::uint64_t a, std::uint64_t b, std::uint64_t c, int op) {
  std::uint64_t z = a * 0x9E3779B97F4A7C15ull ^ (b + 0x632BE59BD9B4E019ull) * 0xBF58476D1CE4E5B9ull ^
                    (c * 0x94D049BB133111EBull + static_cast<std::uint64_t>(op));
  z ^= z >> 31;
  z *= 0xD6E8FEB86648B7A5ull;
  z ^= z >> 29;
  return static_cast<std::uint32_t>(z >> 16);
}

template <class T, class Mode>
struct lib {
  using F = typename T::format_type;
  using S = typename F::storage;
  static T t(std::uint64_t b) { return T::from_bits(static_cast<S>(b)); }
  // Public API result and integer-kernel result (they differ in path where the double path applies).
  static std::uint64_t api(oracle::reference::op o, std::uint64_t a, std::uint64_t b, std::uint64_t c, std::uint32_t w) {
    floatlab::fixed_word src{w};
    using op = oracle::reference::op;
    switch (o) {
      case op::add: return add(t(a), t(b), Mode{}, src).bits();
      case op::sub: return sub(t(a), t(b), Mode{}, src).bits();
      case op::mul: return mul(t(a), t(b), Mode{}, src).bits();
      case op::div: return div(t(a), t(b), Mode{}, src).bits();
      case op::sqrt: return sqrt(t(a), Mode{}, src).bits();
      case op::fma: return fma(t(a), t(b), t(c), Mode{}, src).bits();
      default: return 0;
    }
  }
  static std::uint64_t kernel(oracle::reference::op o, std::uint64_t a, std::uint64_t b, std::uint64_t c, std::uint32_t w) {
    using namespace floatlab::detail;
    using op = oracle::reference::op;
    const unpacked x = unpack<F>(a), y = unpack<F>(b), z = unpack<F>(c);
    switch (o) {
      case op::add: return finish<F, Mode>(floatlab::detail::add<Mode>(x, y), w);
      case op::sub: {
        unpacked ny = y;
        ny.sign = !ny.sign;
        return finish<F, Mode>(floatlab::detail::add<Mode>(x, ny), w);
      }
      case op::mul: return finish<F, Mode>(floatlab::detail::mul(x, y), w);
      case op::div: return finish<F, Mode>(floatlab::detail::div(x, y), w);
      case op::sqrt: return finish<F, Mode>(floatlab::detail::sqrt(x), w);
      case op::fma: return finish<F, Mode>(floatlab::detail::fma<Mode>(x, y, z), w);
      default: return 0;
    }
  }
};

// Checks one (op, operands) in every mode; the oracle's exact result is computed once for
// all modes but downward (whose exact zeros are negative).
template <class T>
void check_all_modes(oracle::reference& ref, tally& t, oracle::reference::op o, const char* name, std::uint64_t a,
                     std::uint64_t b, std::uint64_t c) {
  const std::uint32_t w = case_word(a, b, c, static_cast<int>(o));
  const std::string fmt = ref.format().name();
  ref.compute(o, oracle::mode::nearest_even, a, b, c);
  auto one = [&](auto mode_tag) {
    using Mode = decltype(mode_tag);
    constexpr oracle::mode m = oracle::mode_of<Mode>();
    if constexpr (m == oracle::mode::downward) ref.compute(o, m, a, b, c);
    const std::uint64_t want = ref.round(m, floatlab::stochastic_bits_v<Mode>, w);
    if constexpr (m == oracle::mode::downward) ref.compute(o, oracle::mode::nearest_even, a, b, c);
    const std::uint64_t got = lib<T, Mode>::api(o, a, b, c, w);
    t.record(got == want, name, fmt, m, a, b, c, got, want);
    if constexpr (floatlab::detail::double_path_ok<typename T::format_type, Mode>) {
      const std::uint64_t got_kernel = lib<T, Mode>::kernel(o, a, b, c, w);
      t.record(got_kernel == want, name, fmt + "[kernel]", m, a, b, c, got_kernel, want);
    }
  };
  std::apply([&](auto... modes) { (one(modes), ...); }, all_modes{});
}

// fma's third operands: signed zeros, extremes, one, the smallest values, and a few others.
template <class F>
std::vector<std::uint64_t> fma_addends() {
  const std::uint64_t s = F::sign_mask;
  std::vector<std::uint64_t> v = {0, s, 1, s | 1, F::min_normal_bits, s | F::max_finite_bits,
                                  F::max_finite_bits, (static_cast<std::uint64_t>(F::bias) << F::fraction_bits),
                                  s | (static_cast<std::uint64_t>(F::bias) << F::fraction_bits) | 1};
  if (F::has_inf) v.push_back(F::inf_bits);
  return v;
}

// All pairs for + - * /, all values for sqrt, all pairs against fma_addends() for fma.
template <class T>
tally check_format() {
  using F = typename T::format_type;
  using op = oracle::reference::op;
  oracle::reference ref(oracle::format_desc::of<F>());
  tally t;
  const std::uint64_t n = std::uint64_t{1} << F::total_bits;
  const auto addends = fma_addends<F>();
  // FLOATLAB_TEST_SCALE < 1 (sanitizer runs) strides over the second operand.
  const double scale = operands::test_scale();
  const std::uint64_t stride = scale < 1 ? static_cast<std::uint64_t>(1 / scale) : 1;
  for (std::uint64_t a = 0; a < n; ++a) {
    check_all_modes<T>(ref, t, op::sqrt, "sqrt", a, 0, 0);
    for (std::uint64_t b = a % stride; b < n; b += stride) {
      check_all_modes<T>(ref, t, op::add, "add", a, b, 0);
      check_all_modes<T>(ref, t, op::sub, "sub", a, b, 0);
      check_all_modes<T>(ref, t, op::mul, "mul", a, b, 0);
      check_all_modes<T>(ref, t, op::div, "div", a, b, 0);
      for (std::uint64_t c : addends) check_all_modes<T>(ref, t, op::fma, "fma", a, b, c);
    }
  }
  return t;
}

// Every value of From converted to To, in every mode.
template <class To, class From>
void check_conversion(tally& t) {
  using FF = typename From::format_type;
  using TF = typename To::format_type;
  oracle::reference ref(oracle::format_desc::of<TF>());
  const auto from = oracle::format_desc::of<FF>();
  const std::string name = from.name() + "->" + ref.format().name();
  const std::uint64_t n = std::uint64_t{1} << FF::total_bits;
  for (std::uint64_t a = 0; a < n; ++a) {
    const std::uint32_t w = case_word(a, 0, 0, 99);
    ref.compute_from(from, oracle::reference::op::copy, oracle::mode::nearest_even, a);
    auto one = [&](auto mode_tag) {
      using Mode = decltype(mode_tag);
      constexpr oracle::mode m = oracle::mode_of<Mode>();
      const std::uint64_t want = ref.round(m, floatlab::stochastic_bits_v<Mode>, w);
      const std::uint64_t got =
          floatlab::convert<To>(From::from_bits(static_cast<typename FF::storage>(a)), Mode{}, floatlab::fixed_word{w}).bits();
      t.record(got == want, "convert", name, m, a, 0, 0, got, want);
    };
    std::apply([&](auto... modes) { (one(modes), ...); }, all_modes{});
  }
}

}  // namespace exhaustive
