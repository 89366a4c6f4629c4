// to_chars / from_chars throughput vs std::to_chars / std::from_chars (libstdc++: Ryu and
// fast_float) and mpfr_strtofr, on the same strings in the same run. Ratios only.
#include <benchmark/benchmark.h>
#include <mpfr.h>

#include "support/mpfr_value.hpp"  // tests/support: the one RAII owner of MPFR memory

#include <charconv>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <floatlab/text.hpp>

namespace {

// Shortest strings of random finite doubles (uniform bit patterns) and of random binary16.
const std::vector<std::string>& strings64() {
  static const std::vector<std::string> v = [] {
    std::vector<std::string> r;
    std::mt19937_64 rng(1);
    char buf[64];
    while (r.size() < 4096) {
      const double d = floatlab::bit_cast<double>(rng());
      if (!std::isfinite(d)) continue;
      auto e = std::to_chars(buf, buf + 64, d);
      r.emplace_back(buf, e.ptr);
    }
    return r;
  }();
  return v;
}
const std::vector<double>& doubles() {
  static const std::vector<double> v = [] {
    std::vector<double> r;
    for (const auto& s : strings64()) {
      double d = 0;
      std::from_chars(s.data(), s.data() + s.size(), d);
      r.push_back(d);
    }
    return r;
  }();
  return v;
}

void from_chars_floatlab_binary64(benchmark::State& st) {
  const auto& v = strings64();
  std::size_t i = 0;
  floatlab::binary64 x;
  for (auto _ : st) {
    const auto& s = v[i++ & 4095];
    floatlab::from_chars(s.data(), s.data() + s.size(), x);
    benchmark::DoNotOptimize(x);
  }
}
void from_chars_std_double(benchmark::State& st) {
  const auto& v = strings64();
  std::size_t i = 0;
  double x;
  for (auto _ : st) {
    const auto& s = v[i++ & 4095];
    std::from_chars(s.data(), s.data() + s.size(), x);
    benchmark::DoNotOptimize(x);
  }
}
void from_chars_mpfr_53(benchmark::State& st) {
  const auto& v = strings64();
  std::size_t i = 0;
  floatlab_test::mpfr_value x(53);
  for (auto _ : st) {
    const auto& s = v[i++ & 4095];
    mpfr_strtofr(x, s.c_str(), nullptr, 10, MPFR_RNDN);
    benchmark::DoNotOptimize(x.get());
  }
}
void to_chars_floatlab_binary64(benchmark::State& st) {
  const auto& v = doubles();
  std::size_t i = 0;
  char buf[64];
  for (auto _ : st) {
    auto r = floatlab::to_chars(buf, buf + 64, floatlab::binary64{v[i++ & 4095]});
    benchmark::DoNotOptimize(r.ptr);
  }
}
void to_chars_std_double(benchmark::State& st) {
  const auto& v = doubles();
  std::size_t i = 0;
  char buf[64];
  for (auto _ : st) {
    auto r = std::to_chars(buf, buf + 64, v[i++ & 4095]);
    benchmark::DoNotOptimize(r.ptr);
  }
}
void to_chars_floatlab_binary16(benchmark::State& st) {
  std::size_t i = 0;
  char buf[64];
  for (auto _ : st) {
    auto r = floatlab::to_chars(buf, buf + 64, floatlab::binary16::from_bits(static_cast<std::uint16_t>((i++ * 40503u) & 0x7bff)));
    benchmark::DoNotOptimize(r.ptr);
  }
}

}  // namespace

BENCHMARK(from_chars_floatlab_binary64);
BENCHMARK(from_chars_std_double);
BENCHMARK(from_chars_mpfr_53);
BENCHMARK(to_chars_floatlab_binary64);
BENCHMARK(to_chars_std_double);
BENCHMARK(to_chars_floatlab_binary16);
BENCHMARK_MAIN();
