// CPU quantization throughput (GB/s of float input) for block fixed point (8/16-bit codes,
// one scale per tensor as in MuPPET, and per 32 values) and MX (MXFP8 E4M3, MXFP4 E2M1),
// nearest-even and stochastic, against a plain float copy of the same data in the same
// run; and the exact integer block dot product against a float dot product of the same
// length. One core. Run: bench_quantize --benchmark_repetitions=3
// --benchmark_report_aggregates_only=true (medians; the machine is noisy).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include <floatlab/block.hpp>
#include <floatlab/mx.hpp>

namespace fl = floatlab;

namespace {

// range(0) = log2 of the element count: 20 (4 MiB of float, cache-resident on most CPUs)
// and 24 (64 MiB, memory-bound).
constexpr std::size_t max_elems = std::size_t{1} << 24;

const std::vector<float>& input() {
  static const std::vector<float> v = [] {
    std::vector<float> x(max_elems);
    std::mt19937_64 g(42);
    std::normal_distribution<float> d(0.0f, 1.0f);
    for (auto& f : x) f = d(g);
    return x;
  }();
  return v;
}

void set_bytes(benchmark::State& state) {
  const std::size_t n_elems = std::size_t{1} << state.range(0);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(n_elems * sizeof(float)));
}

void BM_copy_float(benchmark::State& state) {
  const std::size_t n_elems = std::size_t{1} << state.range(0);
  const auto& in = input();
  std::vector<float> out(n_elems);
  for (auto _ : state) {
    std::memcpy(out.data(), in.data(), n_elems * sizeof(float));
    benchmark::ClobberMemory();
  }
  set_bytes(state);
}
BENCHMARK(BM_copy_float)->Arg(20)->Arg(24);

template <class Int, class Mode>
void BM_block_fixed(benchmark::State& state) {
  const std::size_t n_elems = std::size_t{1} << state.range(0);
  const auto& in = input();
  std::vector<Int> out(n_elems);
  const bool per32 = state.range(1) == 32;
  std::vector<int> exps(per32 ? n_elems / 32 : 1);
  const auto shape = per32 ? fl::block_shape::consecutive(32) : fl::block_shape::whole();
  fl::philox_bulk_rng rng(7);  // philox_rng(7)'s words, generated in bulk
  for (auto _ : state) {
    auto st = fl::block_quantize(fl::array_view<const float>(in.data(), n_elems), fl::array_view<Int>(out.data(), n_elems),
                                 fl::array_view<int>(exps.data(), exps.size()), shape, static_cast<int>(sizeof(Int) * 8),
                                 Mode{}, rng);
    benchmark::DoNotOptimize(st);
    benchmark::ClobberMemory();
  }
  set_bytes(state);
}
using ne = fl::round::nearest_even;
using sr = fl::round::stochastic<16>;
// range(1): 0 = one scale per tensor (MuPPET), 32 = one per 32 consecutive values.
#define FLOATLAB_BLOCK_ARGS ->Args({20, 0})->Args({20, 32})->Args({24, 0})->Args({24, 32})
BENCHMARK_TEMPLATE(BM_block_fixed, std::int8_t, ne) FLOATLAB_BLOCK_ARGS;
BENCHMARK_TEMPLATE(BM_block_fixed, std::int8_t, sr) FLOATLAB_BLOCK_ARGS;
BENCHMARK_TEMPLATE(BM_block_fixed, std::int16_t, ne) FLOATLAB_BLOCK_ARGS;
BENCHMARK_TEMPLATE(BM_block_fixed, std::int16_t, sr) FLOATLAB_BLOCK_ARGS;

template <class Fmt, class Mode>
void BM_mx(benchmark::State& state) {
  const std::size_t n_elems = std::size_t{1} << state.range(0);
  const auto& in = input();
  std::vector<std::uint8_t> el(n_elems), sc(n_elems / 32);
  fl::philox_bulk_rng rng(7);  // philox_rng(7)'s words, generated in bulk
  for (auto _ : state) {
    auto st = fl::mx::quantize<Fmt>(fl::array_view<const float>(in.data(), n_elems),
                                    fl::array_view<std::uint8_t>(el.data(), n_elems),
                                    fl::array_view<std::uint8_t>(sc.data(), sc.size()), Mode{}, rng);
    benchmark::DoNotOptimize(st);
    benchmark::ClobberMemory();
  }
  set_bytes(state);
}
BENCHMARK_TEMPLATE(BM_mx, fl::mx::mxfp8_e4m3, ne)->Arg(20)->Arg(24);
BENCHMARK_TEMPLATE(BM_mx, fl::mx::mxfp8_e4m3, sr)->Arg(20)->Arg(24);
BENCHMARK_TEMPLATE(BM_mx, fl::mx::mxfp4_e2m1, ne)->Arg(20)->Arg(24);
BENCHMARK_TEMPLATE(BM_mx, fl::mx::mxfp4_e2m1, sr)->Arg(20)->Arg(24);

// The random words alone (one per element): the floor under stochastic quantization.
void BM_philox_bulk_words(benchmark::State& state) {
  const std::size_t n_elems = std::size_t{1} << state.range(0);
  std::vector<std::uint32_t> w(256);
  fl::philox_bulk_rng rng(7);
  for (auto _ : state) {
    for (std::size_t i = 0; i < n_elems; i += 256) rng.fill(w.data(), 256);
    benchmark::DoNotOptimize(w.data());
    benchmark::ClobberMemory();
  }
  set_bytes(state);  // per float of input, for comparison with the quantizers
}
BENCHMARK(BM_philox_bulk_words)->Arg(20);

// Dot products of length 4096 (16 KiB of float per operand: in L1/L2).
constexpr std::size_t dot_len = 4096;

void BM_dot_float(benchmark::State& state) {
  const auto& in = input();
  const float* a = in.data();
  const float* b = in.data() + dot_len;
  for (auto _ : state) {
    float s = 0;
    for (std::size_t i = 0; i < dot_len; ++i) s += a[i] * b[i];
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * dot_len));
}
BENCHMARK(BM_dot_float);

template <class Int>
void BM_dot_block(benchmark::State& state) {
  const auto& in = input();
  std::vector<Int> q(2 * dot_len);
  std::vector<int> e(1);
  fl::block_quantize(fl::array_view<const float>(in.data(), 2 * dot_len), fl::array_view<Int>(q.data(), q.size()),
                     fl::array_view<int>(e.data(), 1), fl::block_shape::whole(), static_cast<int>(sizeof(Int) * 8), ne{});
  for (auto _ : state) {
    const auto r = fl::block_dot(fl::array_view<const Int>(q.data(), dot_len), e[0],
                                 fl::array_view<const Int>(q.data() + dot_len, dot_len), e[0]);
    float f = fl::detail::round_scaled_to_float<ne>(r.value, r.exponent, 0);
    benchmark::DoNotOptimize(f);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * dot_len));
}
BENCHMARK_TEMPLATE(BM_dot_block, std::int8_t);
BENCHMARK_TEMPLATE(BM_dot_block, std::int16_t);

template <int AccBits>
void BM_dot_block_acc(benchmark::State& state) {  // MuPPET's saturating 32-bit accumulator
  const auto& in = input();
  std::vector<std::int8_t> q(2 * dot_len);
  std::vector<int> e(1);
  fl::block_quantize(fl::array_view<const float>(in.data(), 2 * dot_len), fl::array_view<std::int8_t>(q.data(), q.size()),
                     fl::array_view<int>(e.data(), 1), fl::block_shape::whole(), 8, ne{});
  for (auto _ : state) {
    const auto r = fl::block_dot<AccBits, fl::overflow::saturate>(fl::array_view<const std::int8_t>(q.data(), dot_len), e[0],
                                                                  fl::array_view<const std::int8_t>(q.data() + dot_len, dot_len), e[0]);
    benchmark::DoNotOptimize(r.value);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * dot_len));
}
BENCHMARK_TEMPLATE(BM_dot_block_acc, 32);

void BM_mx_dot_general(benchmark::State& state) {
  const auto& in = input();
  std::vector<std::uint8_t> el(2 * dot_len), sc(2 * dot_len / 32);
  fl::mx::quantize<fl::mx::mxfp8_e4m3>(fl::array_view<const float>(in.data(), 2 * dot_len),
                                       fl::array_view<std::uint8_t>(el.data(), el.size()),
                                       fl::array_view<std::uint8_t>(sc.data(), sc.size()));
  for (auto _ : state) {
    const float f = fl::mx::dot_general<fl::mx::mxfp8_e4m3>(
        fl::array_view<const std::uint8_t>(el.data(), dot_len), fl::array_view<const std::uint8_t>(sc.data(), dot_len / 32),
        fl::array_view<const std::uint8_t>(el.data() + dot_len, dot_len),
        fl::array_view<const std::uint8_t>(sc.data() + dot_len / 32, dot_len / 32));
    benchmark::DoNotOptimize(f);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * dot_len));
}
BENCHMARK(BM_mx_dot_general);

}  // namespace

BENCHMARK_MAIN();
