// Tensor operations (include/floatlab/tensor) against references measured in the same run on
// the same operands: quantize vs memcpy of the input bytes; elementwise binary16 ops vs the
// g++ _Float16 loop and a float loop; GEMM and conv2d vs a plain float GEMM of the same shape
// (the same i-k-j loop nest, vectorized by the compiler). Prints a ratio table at the end.
// Run: bench_tensor --benchmark_min_time=0.2   (one thread unless the name says t2)
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <floatlab/floatlab.hpp>
#include <floatlab/tensor/tensor.hpp>

namespace fl = floatlab;
namespace T = floatlab::tensor;

namespace {

std::vector<float> rnd(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 g(seed);
  std::normal_distribution<float> d(0.0f, 1.0f);
  std::vector<float> v(n);
  for (auto& x : v) x = d(g);
  return v;
}

constexpr std::size_t QN = std::size_t{1} << 20;

void bm_memcpy(benchmark::State& st) {
  const auto in = rnd(QN, 1);
  std::vector<float> out(QN);
  for (auto _ : st) {
    std::memcpy(out.data(), in.data(), QN * sizeof(float));
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
}
// The stochastic words alone: philox_word(7, i, 0) for the 2^20 elements (the fill the SIMD
// quantizers draw from, one Philox-4x32-10 block per four elements): the cap of a stochastic
// quantize is memcpy / this.
void bm_philox_fill(benchmark::State& st) {
  std::vector<std::uint32_t> w(QN);
  for (auto _ : st) {
#if FLOATLAB_TENSOR_SIMD_WIDTH > 1
    T::detail::simd::philox_fill(7, 0, 0, w.data(), w.size());
#else
    for (std::size_t i = 0; i < QN; ++i) w[i] = fl::philox_word(7, i, 0);
#endif
    benchmark::DoNotOptimize(w.data());
    benchmark::ClobberMemory();
  }
}
template <class F, class Mode>
void bm_quantize_codes(benchmark::State& st) {
  T::set_threads(1);
  const auto in = rnd(QN, 1);
  std::vector<F> out(QN);
  for (auto _ : st) {
    if constexpr (fl::is_stochastic_v<Mode>) T::quantize<F>(in, out, Mode{}, T::counter_source{7});
    else T::quantize<F>(in, out, Mode{});
    benchmark::DoNotOptimize(out.data());
  }
}
template <class F, class Mode>
void bm_quantize(benchmark::State& st) {
  T::set_threads(1);
  const auto in = rnd(QN, 1);
  std::vector<float> out(QN);
  for (auto _ : st) {
    if constexpr (fl::is_stochastic_v<Mode>) T::quantize<F>(in, out, Mode{}, T::counter_source{7});
    else T::quantize<F>(in, out, Mode{});
    benchmark::DoNotOptimize(out.data());
  }
}

// Block-scaled quantize (codes and scales) of the same 2^20 floats: MX (E8M0 per 32), block
// fixed point (MuPPET int8, 2^s per row of a 1024 x 1024 matrix), NVFP4 (E4M3 per 16 and an FP32
// tensor scale: the exact per-element path).
template <class Fmt, class Mode, int Layout>
void bm_block_scaled(benchmark::State& st) {
  T::set_threads(1);
  const auto in = rnd(QN, 1);
  T::block_scaled_tensor<Fmt> q;
  const T::block_layout layout = Layout == 0   ? T::mx_layout()
                                 : Layout == 1 ? T::block_layout::per_row(1024, QN / 1024)
                                               : T::nvfp4_layout();
  for (auto _ : st) {
    if constexpr (fl::is_stochastic_v<Mode>) T::block_scaled_quantize<Fmt>(layout, in, q, Mode{}, T::counter_source{7});
    else T::block_scaled_quantize<Fmt>(layout, in, q, Mode{});
    benchmark::DoNotOptimize(q.codes.data());
  }
}

constexpr std::size_t EN = std::size_t{1} << 16;
void bm_f16_add(benchmark::State& st) {
  const auto a0 = rnd(EN, 2), b0 = rnd(EN, 3);
  std::vector<_Float16> a(EN), b(EN), c(EN);
  for (std::size_t i = 0; i < EN; ++i) a[i] = static_cast<_Float16>(a0[i]), b[i] = static_cast<_Float16>(b0[i]);
  for (auto _ : st) {
    for (std::size_t i = 0; i < EN; ++i) c[i] = a[i] + b[i];
    benchmark::DoNotOptimize(c.data());
  }
}
void bm_f16_mul(benchmark::State& st) {
  const auto a0 = rnd(EN, 2), b0 = rnd(EN, 3);
  std::vector<_Float16> a(EN), b(EN), c(EN);
  for (std::size_t i = 0; i < EN; ++i) a[i] = static_cast<_Float16>(a0[i]), b[i] = static_cast<_Float16>(b0[i]);
  for (auto _ : st) {
    for (std::size_t i = 0; i < EN; ++i) c[i] = a[i] * b[i];
    benchmark::DoNotOptimize(c.data());
  }
}
void bm_f16_fma(benchmark::State& st) {
  const auto a0 = rnd(EN, 2), b0 = rnd(EN, 3), c0 = rnd(EN, 4);
  std::vector<_Float16> a(EN), b(EN), c(EN), d(EN);
  for (std::size_t i = 0; i < EN; ++i)
    a[i] = static_cast<_Float16>(a0[i]), b[i] = static_cast<_Float16>(b0[i]), c[i] = static_cast<_Float16>(c0[i]);
  for (auto _ : st) {
    // g++ evaluates _Float16 arithmetic in float and rounds each result: a*b + c through float.
    for (std::size_t i = 0; i < EN; ++i) d[i] = static_cast<_Float16>(static_cast<float>(a[i]) * static_cast<float>(b[i]) + static_cast<float>(c[i]));
    benchmark::DoNotOptimize(d.data());
  }
}
void bm_f16_div(benchmark::State& st) {
  const auto a0 = rnd(EN, 2), b0 = rnd(EN, 3);
  std::vector<_Float16> a(EN), b(EN), c(EN);
  for (std::size_t i = 0; i < EN; ++i) a[i] = static_cast<_Float16>(a0[i]), b[i] = static_cast<_Float16>(b0[i]);
  for (auto _ : st) {
    for (std::size_t i = 0; i < EN; ++i) c[i] = a[i] / b[i];
    benchmark::DoNotOptimize(c.data());
  }
}
void bm_float_add(benchmark::State& st) {
  const auto a = rnd(EN, 2), b = rnd(EN, 3);
  std::vector<float> c(EN);
  for (auto _ : st) {
    for (std::size_t i = 0; i < EN; ++i) c[i] = a[i] + b[i];
    benchmark::DoNotOptimize(c.data());
  }
}
template <class F, int Op>
void bm_ew(benchmark::State& st) {
  T::set_threads(1);
  const auto a0 = rnd(EN, 2), b0 = rnd(EN, 3), c0 = rnd(EN, 4);
  std::vector<F> a(EN), b(EN), cc(EN), out(EN);
  T::quantize<F>(a0, a);
  T::quantize<F>(b0, b);
  T::quantize<F>(c0, cc);
  for (auto _ : st) {
    if constexpr (Op == 0) T::add<F>(a, b, out);
    else if constexpr (Op == 1) T::mul<F>(a, b, out);
    else if constexpr (Op == 2) T::fma<F>(a, b, cc, out);
    else if constexpr (Op == 3) T::div<F>(a, b, out);
    else T::add<F>(a, b, out, fl::round::stochastic<8>{}, T::counter_source{5});
    benchmark::DoNotOptimize(out.data());
  }
}

// Plain float GEMM, row-major i-k-j (what the tensor kernel's loop nest is, without rounding).
void float_gemm(const float* A, const float* B, float* C, std::size_t M, std::size_t N, std::size_t K) {
  constexpr std::size_t TJ = 64;
  for (std::size_t i = 0; i < M; ++i)
    for (std::size_t j0 = 0; j0 < N; j0 += TJ) {
      const std::size_t nj = std::min(TJ, N - j0);
      float acc[TJ] = {};
      for (std::size_t k = 0; k < K; ++k) {
        const float a = A[i * K + k];
        const float* b = B + k * N + j0;
        for (std::size_t q = 0; q < nj; ++q) acc[q] += a * b[q];
      }
      std::memcpy(C + i * N + j0, acc, nj * sizeof(float));
    }
}
// Naive float GEMM: one dot product per output (i-j-k), B read down its columns.
void float_gemm_naive(const float* A, const float* B, float* C, std::size_t M, std::size_t N, std::size_t K) {
  for (std::size_t i = 0; i < M; ++i)
    for (std::size_t j = 0; j < N; ++j) {
      float acc = 0.0f;
      for (std::size_t k = 0; k < K; ++k) acc += A[i * K + k] * B[k * N + j];
      C[i * N + j] = acc;
    }
}
void bm_float_gemm_naive(benchmark::State& st) {
  const auto n = static_cast<std::size_t>(st.range(0));
  const auto A = rnd(n * n, 5), B = rnd(n * n, 6);
  std::vector<float> C(n * n);
  for (auto _ : st) {
    float_gemm_naive(A.data(), B.data(), C.data(), n, n, n);
    benchmark::DoNotOptimize(C.data());
  }
  st.counters["GFLOP/s"] = benchmark::Counter(2.0 * n * n * n, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}
void bm_float_gemm(benchmark::State& st) {
  const auto n = static_cast<std::size_t>(st.range(0));
  const auto A = rnd(n * n, 5), B = rnd(n * n, 6);
  std::vector<float> C(n * n);
  for (auto _ : st) {
    float_gemm(A.data(), B.data(), C.data(), n, n, n);
    benchmark::DoNotOptimize(C.data());
  }
  st.counters["GFLOP/s"] = benchmark::Counter(2.0 * n * n * n, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}
// Block fixed point int8 GEMM (block.hpp block_gemm: one exponent per matrix, MuPPET's 32-bit
// saturating integer accumulator, one rounding to float per output).
void bm_bfp_gemm(benchmark::State& st) {
  const auto n = static_cast<std::size_t>(st.range(0));
  const auto A = rnd(n * n, 5), B = rnd(n * n, 6);
  std::vector<std::int8_t> qa(n * n), qb(n * n);
  int ea = 0, eb = 0;
  fl::block_quantize(fl::array_view<const float>(A.data(), A.size()), fl::array_view<std::int8_t>(qa.data(), qa.size()),
                     fl::array_view<int>(&ea, 1), fl::block_shape::whole(), 8);
  fl::block_quantize(fl::array_view<const float>(B.data(), B.size()), fl::array_view<std::int8_t>(qb.data(), qb.size()),
                     fl::array_view<int>(&eb, 1), fl::block_shape::whole(), 8);
  std::vector<float> C(n * n);
  for (auto _ : st) {
    fl::block_gemm<32, fl::overflow::saturate>(fl::array_view<const std::int8_t>(qa.data(), qa.size()), fl::array_view<const int>(&ea, 1),
                                               fl::array_view<const std::int8_t>(qb.data(), qb.size()), fl::array_view<const int>(&eb, 1), n, n, n,
                                               fl::array_view<float>(C.data(), C.size()));
    benchmark::DoNotOptimize(C.data());
  }
  st.counters["GFLOP/s"] = benchmark::Counter(2.0 * n * n * n, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}
template <class R, class Mode, int Threads>
void bm_gemm(benchmark::State& st) {
  T::set_threads(Threads);
  const auto n = static_cast<std::size_t>(st.range(0));
  const auto A = rnd(n * n, 5), B = rnd(n * n, 6);
  std::vector<float> C(n * n);
  T::gemm_shape s;
  s.m = s.n = s.k = n;
  for (auto _ : st) {
    if constexpr (fl::is_stochastic_v<Mode>) T::gemm<R>(s, A, B, C, Mode{}, T::counter_source{3});
    else T::gemm<R>(s, A, B, C, Mode{});
    benchmark::DoNotOptimize(C.data());
  }
  st.counters["GFLOP/s"] = benchmark::Counter(2.0 * n * n * n, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
  T::set_threads(0);
}

// ResNet-18 3x3 layer (64 -> 64 channels, 28 x 28, pad 1), batch 1; the float GEMM of its
// implicit GEMM shape (M = 64, N = 784, K = 576) is the reference.
T::conv2d_shape resnet() {
  T::conv2d_shape s;
  s.n = 1, s.c = 64, s.h = 28, s.w = 28, s.oc = 64, s.kh = 3, s.kw = 3, s.pad_h = 1, s.pad_w = 1;
  return s;
}
void bm_float_gemm_conv(benchmark::State& st) {
  const auto A = rnd(64 * 576, 5), B = rnd(576 * 784, 6);
  std::vector<float> C(64 * 784);
  for (auto _ : st) {
    float_gemm(A.data(), B.data(), C.data(), 64, 784, 576);
    benchmark::DoNotOptimize(C.data());
  }
}
template <int Pass>
void bm_conv(benchmark::State& st) {
  T::set_threads(1);
  using R = T::gemm_recipe<fl::binary16, fl::binary16, fl::binary16>;
  const auto s = resnet();
  const auto x = rnd(64 * 28 * 28, 7), w = rnd(64 * 64 * 9, 8), dy = rnd(64 * 28 * 28, 9);
  std::vector<float> y(64 * 28 * 28), dx(x.size()), dw(w.size());
  for (auto _ : st) {
    if constexpr (Pass == 0) T::conv2d_forward<R>(s, x, w, y);
    else if constexpr (Pass == 1) T::conv2d_backward_data<R>(s, dy, w, dx);
    else T::conv2d_backward_weights<R>(s, x, dy, dw);
    benchmark::ClobberMemory();
  }
}

using h = fl::binary16;
using RN = fl::round::nearest_even;
using SR = fl::round::stochastic<8>;
using R16 = T::gemm_recipe<h, h, h>;
using R16f = T::gemm_recipe<h, h, h, T::fused>;
using R8 = T::gemm_recipe<fl::e4m3, h, h>;
using R8c = T::gemm_recipe<fl::e4m3, h, fl::binary32, T::chunked<32>>;
using Rq32 = T::gemm_recipe<h, fl::binary32, fl::binary32>;
using Rbf = T::gemm_recipe<fl::bfloat16, fl::bfloat16, fl::binary32>;

BENCHMARK(bm_memcpy)->Name("memcpy 4MiB");
BENCHMARK(bm_philox_fill)->Name("philox words 2^20");
BENCHMARK_TEMPLATE(bm_quantize, h, RN)->Name("quantize e5m10 RN");
BENCHMARK_TEMPLATE(bm_quantize, h, SR)->Name("quantize e5m10 SR8");
BENCHMARK_TEMPLATE(bm_quantize, fl::bfloat16, RN)->Name("quantize bf16 RN");
BENCHMARK_TEMPLATE(bm_quantize, fl::e4m3, RN)->Name("quantize e4m3 RN");
BENCHMARK_TEMPLATE(bm_quantize, fl::e4m3, SR)->Name("quantize e4m3 SR8");
BENCHMARK_TEMPLATE(bm_quantize, h, fl::round::upward)->Name("quantize e5m10 RU");
BENCHMARK_TEMPLATE(bm_quantize, fl::e4m3, fl::round::toward_zero)->Name("quantize e4m3 RZ");
BENCHMARK_TEMPLATE(bm_quantize_codes, h, RN)->Name("quantize e5m10 RN codes");
BENCHMARK_TEMPLATE(bm_quantize_codes, fl::e4m3, RN)->Name("quantize e4m3 RN codes");
BENCHMARK_TEMPLATE(bm_quantize_codes, fl::bfloat16, RN)->Name("quantize bf16 RN codes");
BENCHMARK_TEMPLATE(bm_quantize_codes, fl::e5m2, RN)->Name("quantize e5m2 RN codes");
BENCHMARK_TEMPLATE(bm_quantize_codes, fl::e4m3fnuz, RN)->Name("quantize e4m3fnuz RN codes");
BENCHMARK_TEMPLATE(bm_quantize_codes, fl::e4m3, SR)->Name("quantize e4m3 SR8 codes");
BENCHMARK_TEMPLATE(bm_block_scaled, T::mx_format<fl::e4m3>, RN, 0)->Name("block-scaled mxfp8 e4m3 RN");
BENCHMARK_TEMPLATE(bm_block_scaled, T::mx_format<fl::e4m3>, SR, 0)->Name("block-scaled mxfp8 e4m3 SR8");
BENCHMARK_TEMPLATE(bm_block_scaled, T::mx_format<fl::e2m1>, SR, 0)->Name("block-scaled mxfp4 e2m1 SR8");
BENCHMARK_TEMPLATE(bm_block_scaled, T::muppet_bfp<8>, RN, 1)->Name("block-scaled bfp int8 per-row RN");
BENCHMARK_TEMPLATE(bm_block_scaled, T::muppet_bfp<8>, SR, 1)->Name("block-scaled bfp int8 per-row SR8");
BENCHMARK_TEMPLATE(bm_block_scaled, T::nvfp4, SR, 2)->Name("block-scaled nvfp4 SR8");
BENCHMARK(bm_f16_add)->Name("_Float16 add");
BENCHMARK(bm_f16_mul)->Name("_Float16 mul");
BENCHMARK(bm_f16_fma)->Name("_Float16 fma");
BENCHMARK(bm_f16_div)->Name("_Float16 div");
BENCHMARK(bm_float_add)->Name("float add");
BENCHMARK_TEMPLATE(bm_ew, h, 0)->Name("e5m10 add");
BENCHMARK_TEMPLATE(bm_ew, h, 1)->Name("e5m10 mul");
BENCHMARK_TEMPLATE(bm_ew, h, 2)->Name("e5m10 fma");
BENCHMARK_TEMPLATE(bm_ew, fl::bfloat16, 0)->Name("bf16 add");
BENCHMARK_TEMPLATE(bm_ew, fl::bfloat16, 1)->Name("bf16 mul");
BENCHMARK_TEMPLATE(bm_ew, fl::bfloat16, 2)->Name("bf16 fma");
BENCHMARK_TEMPLATE(bm_ew, h, 3)->Name("e5m10 div");
BENCHMARK_TEMPLATE(bm_ew, h, 4)->Name("e5m10 add SR8");
BENCHMARK_TEMPLATE(bm_ew, fl::e4m3, 0)->Name("e4m3 add");
BENCHMARK_TEMPLATE(bm_ew, fl::e4m3, 1)->Name("e4m3 mul");
BENCHMARK_TEMPLATE(bm_ew, fl::e5m2, 0)->Name("e5m2 add");
BENCHMARK_TEMPLATE(bm_ew, fl::e5m2, 2)->Name("e5m2 fma");
BENCHMARK(bm_float_gemm_naive)->Arg(256)->Name("float gemm naive 256");
BENCHMARK(bm_float_gemm)->Arg(256)->Name("float gemm 256");
BENCHMARK(bm_float_gemm_naive)->Arg(512)->Name("float gemm naive 512");
BENCHMARK(bm_float_gemm)->Arg(512)->Name("float gemm 512");
BENCHMARK_TEMPLATE(bm_gemm, R16, RN, 1)->Arg(512)->Name("gemm e5m10 per-op RN 512");
BENCHMARK_TEMPLATE(bm_gemm, R16, RN, 2)->Arg(512)->Name("gemm e5m10 per-op RN 512 t2")->UseRealTime();
BENCHMARK_TEMPLATE(bm_gemm, R16f, RN, 1)->Arg(512)->Name("gemm e5m10 fused RN 512");
BENCHMARK_TEMPLATE(bm_gemm, R16, RN, 1)->Arg(256)->Name("gemm e5m10 per-op RN 256");
BENCHMARK_TEMPLATE(bm_gemm, R16, RN, 2)->Arg(256)->Name("gemm e5m10 per-op RN 256 t2")->UseRealTime();
BENCHMARK_TEMPLATE(bm_gemm, R16f, RN, 1)->Arg(256)->Name("gemm e5m10 fused RN 256");
BENCHMARK_TEMPLATE(bm_gemm, R16, SR, 1)->Arg(256)->Name("gemm e5m10 per-op SR8 256");
BENCHMARK_TEMPLATE(bm_gemm, R8, RN, 1)->Arg(256)->Name("gemm e4m3xe4m3->e5m10 RN 256");
BENCHMARK_TEMPLATE(bm_gemm, R8c, RN, 1)->Arg(256)->Name("gemm e4m3 chunked32 FP32 256");
BENCHMARK_TEMPLATE(bm_gemm, Rq32, RN, 1)->Arg(256)->Name("gemm e5m10 in, FP32 acc 256");
BENCHMARK_TEMPLATE(bm_gemm, Rbf, RN, 1)->Arg(256)->Name("gemm bf16 per-op (exact kernel) 256");
BENCHMARK(bm_bfp_gemm)->Arg(256)->Name("bfp int8 gemm (block_gemm, acc32 sat) 256");
BENCHMARK(bm_float_gemm_conv)->Name("float gemm conv shape");
BENCHMARK_TEMPLATE(bm_conv, 0)->Name("conv fwd e5m10");
BENCHMARK_TEMPLATE(bm_conv, 1)->Name("conv bwd data e5m10");
BENCHMARK_TEMPLATE(bm_conv, 2)->Name("conv bwd weights e5m10");

// Collects real times and prints each benchmark's speed relative to its reference.
class ratio_reporter : public benchmark::ConsoleReporter {
 public:
  std::map<std::string, double> t, rt;
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const auto& r : runs) {
      t[r.benchmark_name()] = r.GetAdjustedCPUTime();  // the machine is shared: CPU time
      rt[r.benchmark_name()] = r.GetAdjustedRealTime();  // threaded runs: real time (CPU time is one thread's)
    }
    ConsoleReporter::ReportRuns(runs);
  }
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  ratio_reporter rep;
  benchmark::RunSpecifiedBenchmarks(&rep);
  auto& t = rep.t;
  auto ratio = [&](const std::string& name, const std::string& ref) {
    if (t.count(name) && t.count(ref)) std::printf("%-40s %8.3fx  of %s\n", name.c_str(), t[ref] / t[name], ref.c_str());
  };
  std::printf("\nspeed relative to the reference (reference time / time; > 1 is faster)\n");
  for (const char* q : {"quantize e5m10 RN", "quantize e5m10 SR8", "quantize bf16 RN", "quantize e4m3 RN", "quantize e4m3 SR8",
                        "quantize e5m10 RU", "quantize e4m3 RZ", "philox words 2^20"})
    ratio(q, "memcpy 4MiB");
  for (const char* q : {"quantize e5m10 RN codes", "quantize e4m3 RN codes", "quantize bf16 RN codes", "quantize e5m2 RN codes",
                        "quantize e4m3fnuz RN codes", "quantize e4m3 SR8 codes"})
    ratio(q, "memcpy 4MiB");
  for (const char* q : {"block-scaled mxfp8 e4m3 RN", "block-scaled mxfp8 e4m3 SR8", "block-scaled mxfp4 e2m1 SR8",
                        "block-scaled bfp int8 per-row RN", "block-scaled bfp int8 per-row SR8", "block-scaled nvfp4 SR8"})
    ratio(q, "memcpy 4MiB");
  ratio("e5m10 add", "_Float16 add");
  ratio("e5m10 mul", "_Float16 mul");
  ratio("e5m10 fma", "_Float16 fma");
  ratio("e5m10 div", "_Float16 div");
  ratio("e5m10 add SR8", "_Float16 add");
  ratio("bf16 add", "_Float16 add");
  ratio("bf16 mul", "_Float16 mul");
  ratio("bf16 fma", "_Float16 fma");
  ratio("e4m3 add", "_Float16 add");
  ratio("e4m3 mul", "_Float16 mul");
  ratio("e5m2 add", "_Float16 add");
  ratio("e5m2 fma", "_Float16 fma");
  ratio("e5m10 add", "float add");
  for (const char* g : {"gemm e5m10 per-op RN 256", "gemm e5m10 per-op RN 256 t2", "gemm e5m10 fused RN 256", "gemm e5m10 per-op SR8 256",
                        "gemm e4m3xe4m3->e5m10 RN 256", "gemm e4m3 chunked32 FP32 256", "gemm e5m10 in, FP32 acc 256",
                        "gemm bf16 per-op (exact kernel) 256", "bfp int8 gemm (block_gemm, acc32 sat) 256"})
    ratio(std::string(g) + "/256", "float gemm 256/256"), ratio(std::string(g) + "/256", "float gemm naive 256/256");
  for (const char* g : {"gemm e5m10 per-op RN 512", "gemm e5m10 per-op RN 512 t2", "gemm e5m10 fused RN 512"})
    ratio(std::string(g) + "/512", "float gemm 512/512"), ratio(std::string(g) + "/512", "float gemm naive 512/512");
  auto& r = rep.rt;
  for (const char* g : {"gemm e5m10 per-op RN 256", "gemm e5m10 per-op RN 512"}) {
    const std::string one = std::string(g) + "/" + (g[std::strlen(g) - 1] == '6' ? "256" : "512");
    const std::string two = std::string(g) + " t2/" + (g[std::strlen(g) - 1] == '6' ? "256" : "512") + "/real_time";
    if (r.count(one) && r.count(two)) std::printf("%-40s %8.3fx  of %s (real time)\n", two.c_str(), r[one] / r[two], one.c_str());
  }
  ratio("gemm e5m10 in, FP32 acc 256/256", "float gemm 256/256");
  for (const char* c : {"conv fwd e5m10", "conv bwd data e5m10", "conv bwd weights e5m10"}) ratio(c, "float gemm conv shape");
  return 0;
}
