// Scalar throughput of cfloat + - * / fma sqrt over 1M-element arrays, with peers measured in
// the same run: native float, g++ _Float16, Boost cpp_bin_float set to the same precision and
// exponent range, and MPFR at the same precision. Prints million ops/s and ratios at the end.
//   bench_cfloat [google benchmark flags]
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <mpfr.h>

#include "support/mpfr_value.hpp"  // tests/support: the one RAII owner of MPFR memory

#include <floatlab/cfloat.hpp>

#if FLOATLAB_HAVE_BOOST
#include <boost/multiprecision/cpp_bin_float.hpp>
#endif

namespace fl = floatlab;

namespace {

constexpr std::size_t kN = 1 << 20;
enum op { add, mul, div, fma, sqrt, sub };
const char* op_name[] = {"add", "mul", "div", "fma", "sqrt", "sub"};

// Inputs: |x| in [0.5, 8) with random signs (b, c) — in range for every format here.
std::vector<double> inputs(int which) {
  std::mt19937_64 g(100 + which);
  std::uniform_real_distribution<double> u(0.5, 8.0);
  std::vector<double> v(kN);
  for (auto& x : v) x = (which > 0 && (g() & 1) ? -1 : 1) * u(g);
  return v;
}

template <class T, op O, class Mode = typename T::rounding_mode>
void bm_cfloat(benchmark::State& state) {
  const auto da = inputs(0), db = inputs(1), dc = inputs(2);
  std::vector<T> a(kN), b(kN), c(kN), out(kN);
  for (std::size_t i = 0; i < kN; ++i) {
    a[i] = T{da[i]};
    b[i] = T{db[i]};
    c[i] = T{dc[i]};
  }
  fl::philox_rng rng(1);
  for (auto _ : state) {
    for (std::size_t i = 0; i < kN; ++i) {
      if constexpr (fl::is_stochastic_v<Mode>) {
        if constexpr (O == add) out[i] = fl::add(a[i], b[i], Mode{}, rng);
        if constexpr (O == mul) out[i] = fl::mul(a[i], b[i], Mode{}, rng);
        if constexpr (O == div) out[i] = fl::div(a[i], b[i], Mode{}, rng);
        if constexpr (O == fma) out[i] = fl::fma(a[i], b[i], c[i], Mode{}, rng);
        if constexpr (O == sqrt) out[i] = fl::sqrt(a[i], Mode{}, rng);
      } else {
        if constexpr (O == add) out[i] = a[i] + b[i];
        if constexpr (O == mul) out[i] = a[i] * b[i];
        if constexpr (O == div) out[i] = a[i] / b[i];
        if constexpr (O == fma) out[i] = fl::fma(a[i], b[i], c[i]);
        if constexpr (O == sqrt) out[i] = fl::sqrt(a[i]);
      }
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * kN);
}

template <class H, op O>
void bm_native(benchmark::State& state) {
  const auto da = inputs(0), db = inputs(1), dc = inputs(2);
  std::vector<H> a(kN), b(kN), c(kN), out(kN);
  for (std::size_t i = 0; i < kN; ++i) {
    a[i] = static_cast<H>(da[i]);
    b[i] = static_cast<H>(db[i]);
    c[i] = static_cast<H>(dc[i]);
  }
  for (auto _ : state) {
    for (std::size_t i = 0; i < kN; ++i) {
      if constexpr (O == add) out[i] = a[i] + b[i];
      if constexpr (O == mul) out[i] = a[i] * b[i];
      if constexpr (O == div) out[i] = a[i] / b[i];
      // _Float16 has no fma/sqrt of its own in g++ 12: through float (what users write).
      if constexpr (O == fma) out[i] = static_cast<H>(std::fma(float(a[i]), float(b[i]), float(c[i])));
      if constexpr (O == sqrt) out[i] = static_cast<H>(std::sqrt(float(a[i])));
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * kN);
}

#if FLOATLAB_HAVE_BOOST
// cpp_bin_float with the format's precision and exponent range (et_off: no expression templates).
template <int P, int Emin, int Emax>
using boost_float = boost::multiprecision::number<
    boost::multiprecision::cpp_bin_float<P, boost::multiprecision::digit_base_2, void, std::int16_t, Emin, Emax>,
    boost::multiprecision::et_off>;

template <class B, op O>
void bm_boost(benchmark::State& state) {
  const auto da = inputs(0), db = inputs(1), dc = inputs(2);
  std::vector<B> a(kN), b(kN), c(kN), out(kN);
  for (std::size_t i = 0; i < kN; ++i) {
    a[i] = B(da[i]);
    b[i] = B(db[i]);
    c[i] = B(dc[i]);
  }
  auto pass = [&] {
    for (std::size_t i = 0; i < kN; ++i) {
      if constexpr (O == add) out[i] = a[i] + b[i];
      if constexpr (O == mul) out[i] = a[i] * b[i];
      if constexpr (O == div) out[i] = a[i] / b[i];
      if constexpr (O == fma) out[i] = boost::multiprecision::fma(a[i], b[i], c[i]);
      if constexpr (O == sqrt) out[i] = boost::multiprecision::sqrt(a[i]);
    }
  };
  // cpp_bin_float throws from some operations when its exponent range is this narrow
  // ("Division by zero", "No bits were set in the operand"): such a peer is reported as an error.
  try {
    pass();
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  for (auto _ : state) {
    pass();
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * kN);
}
#endif

template <int P, op O>
void bm_mpfr(benchmark::State& state) {
  const std::size_t n = kN / 8;  // MPFR is slow: a smaller array keeps the run short
  const auto da = inputs(0), db = inputs(1), dc = inputs(2);
  std::vector<floatlab_test::mpfr_value> a, b, c, out;
  for (auto* v : {&a, &b, &c, &out}) v->reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    a.emplace_back(P, da[i]);
    b.emplace_back(P, db[i]);
    c.emplace_back(P, dc[i]);
    out.emplace_back(P);
  }
  for (auto _ : state) {
    for (std::size_t i = 0; i < n; ++i) {
      if constexpr (O == add) mpfr_add(out[i], a[i], b[i], MPFR_RNDN);
      if constexpr (O == mul) mpfr_mul(out[i], a[i], b[i], MPFR_RNDN);
      if constexpr (O == div) mpfr_div(out[i], a[i], b[i], MPFR_RNDN);
      if constexpr (O == fma) mpfr_fma(out[i], a[i], b[i], c[i], MPFR_RNDN);
      if constexpr (O == sqrt) mpfr_sqrt(out[i], a[i], MPFR_RNDN);
    }
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * n);
}

// ---- registration: one family per format ---------------------------------------------------

template <template <op> class F>
void each_op(const std::string& name) {
  benchmark::RegisterBenchmark((name + "/add").c_str(), F<add>::run);
  benchmark::RegisterBenchmark((name + "/mul").c_str(), F<mul>::run);
  benchmark::RegisterBenchmark((name + "/div").c_str(), F<div>::run);
  benchmark::RegisterBenchmark((name + "/fma").c_str(), F<fma>::run);
  benchmark::RegisterBenchmark((name + "/sqrt").c_str(), F<sqrt>::run);
}

#define FLOATLAB_FAMILY(ALIAS, ...)                                  \
  template <op O>                                                   \
  struct ALIAS {                                                    \
    static void run(benchmark::State& s) { __VA_ARGS__(s); }        \
  };

FLOATLAB_FAMILY(f_binary16, bm_cfloat<fl::binary16, O>)
FLOATLAB_FAMILY(f_binary16_sr, bm_cfloat<fl::binary16, O, fl::round::stochastic<16>>)
FLOATLAB_FAMILY(f_bfloat16, bm_cfloat<fl::bfloat16, O>)
FLOATLAB_FAMILY(f_bfloat16_sr, bm_cfloat<fl::bfloat16, O, fl::round::stochastic<16>>)
FLOATLAB_FAMILY(f_e4m3, bm_cfloat<fl::e4m3, O>)
FLOATLAB_FAMILY(f_e5m2, bm_cfloat<fl::e5m2, O>)
FLOATLAB_FAMILY(f_c69, bm_cfloat<fl::cfloat<6, 9>, O>)
FLOATLAB_FAMILY(f_binary32, bm_cfloat<fl::binary32, O>)
FLOATLAB_FAMILY(f_float, bm_native<float, O>)
FLOATLAB_FAMILY(f_float16, bm_native<_Float16, O>)
FLOATLAB_FAMILY(m_11, bm_mpfr<11, O>)
FLOATLAB_FAMILY(m_8, bm_mpfr<8, O>)
FLOATLAB_FAMILY(m_4, bm_mpfr<4, O>)
FLOATLAB_FAMILY(m_3, bm_mpfr<3, O>)
FLOATLAB_FAMILY(m_10, bm_mpfr<10, O>)
FLOATLAB_FAMILY(m_24, bm_mpfr<24, O>)
#if FLOATLAB_HAVE_BOOST
// cpp_bin_float's exponent limits are those of a value in [1, 2) * 2^e.
FLOATLAB_FAMILY(b_binary16, bm_boost<boost_float<11, -14, 15>, O>)
FLOATLAB_FAMILY(b_bfloat16, bm_boost<boost_float<8, -126, 127>, O>)
FLOATLAB_FAMILY(b_e4m3, bm_boost<boost_float<4, -6, 8>, O>)
FLOATLAB_FAMILY(b_e5m2, bm_boost<boost_float<3, -14, 15>, O>)
FLOATLAB_FAMILY(b_c69, bm_boost<boost_float<10, -30, 31>, O>)
FLOATLAB_FAMILY(b_binary32, bm_boost<boost_float<24, -126, 127>, O>)
#endif

// Collects items/s per benchmark for the ratio table.
class collecting_reporter : public benchmark::ConsoleReporter {
 public:
  std::map<std::string, double> mops;
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      if (r.run_type == Run::RT_Aggregate && r.aggregate_name != "median") continue;
      const auto it = r.counters.find("items_per_second");
      if (it != r.counters.end()) mops[r.run_name.function_name] = it->second.value / 1e6;
    }
    ConsoleReporter::ReportRuns(runs);
  }
};

}  // namespace

int main(int argc, char** argv) {
  each_op<f_float>("float");
  each_op<f_float16>("_Float16");
  each_op<f_binary16>("binary16");
  each_op<f_binary16_sr>("binary16_sr16");
  each_op<f_bfloat16>("bfloat16");
  each_op<f_bfloat16_sr>("bfloat16_sr16");
  each_op<f_e4m3>("e4m3");
  each_op<f_e5m2>("e5m2");
  each_op<f_c69>("cfloat<6,9>");
  each_op<f_binary32>("binary32");
#if FLOATLAB_HAVE_BOOST
  each_op<b_binary16>("boost_binary16");
  each_op<b_bfloat16>("boost_bfloat16");
  each_op<b_e4m3>("boost_e4m3");
  each_op<b_e5m2>("boost_e5m2");
  each_op<b_c69>("boost_cfloat<6,9>");
  each_op<b_binary32>("boost_binary32");
#endif
  each_op<m_11>("mpfr_p11");
  each_op<m_8>("mpfr_p8");
  each_op<m_4>("mpfr_p4");
  each_op<m_3>("mpfr_p3");
  each_op<m_10>("mpfr_p10");
  each_op<m_24>("mpfr_p24");
  benchmark::Initialize(&argc, argv);
  collecting_reporter rep;
  benchmark::RunSpecifiedBenchmarks(&rep);

  auto get = [&](const std::string& k) {
    const auto it = rep.mops.find(k);
    return it == rep.mops.end() ? 0.0 : it->second;
  };
  struct fmt {
    const char *ours, *boost, *mpfr;
  };
  const fmt formats[] = {{"binary16", "boost_binary16", "mpfr_p11"},     {"bfloat16", "boost_bfloat16", "mpfr_p8"},
                         {"e4m3", "boost_e4m3", "mpfr_p4"},              {"e5m2", "boost_e5m2", "mpfr_p3"},
                         {"cfloat<6,9>", "boost_cfloat<6,9>", "mpfr_p10"}, {"binary32", "boost_binary32", "mpfr_p24"},
                         {"binary16_sr16", "boost_binary16", "mpfr_p11"}, {"bfloat16_sr16", "boost_bfloat16", "mpfr_p8"}};
  std::printf("\nmillion ops/s (ratios: ours / peer, same run)\n");
  std::printf("%-15s %-5s %9s %9s %9s %9s | %8s %8s %8s %8s\n", "format", "op", "ours", "_Float16", "boost", "mpfr",
              "/F16", "/boost", "/mpfr", "/float");
  for (const fmt& f : formats)
    for (const char* o : {"add", "mul", "div", "fma", "sqrt"}) {
      const double ours = get(std::string(f.ours) + "/" + o), h = get(std::string("_Float16/") + o),
                   b = get(std::string(f.boost) + "/" + o), m = get(std::string(f.mpfr) + "/" + o),
                   nf = get(std::string("float/") + o);
      if (ours == 0) continue;
      std::printf("%-15s %-5s %9.1f %9.1f %9.1f %9.1f | %8.2f %8.2f %8.2f %8.3f\n", f.ours, o, ours, h, b, m,
                  h ? ours / h : 0, b ? ours / b : 0, m ? ours / m : 0, nf ? ours / nf : 0);
    }
  for (const char* o : {"add", "mul", "div", "fma", "sqrt"}) {
    const double rn = get(std::string("binary16/") + o), sr = get(std::string("binary16_sr16/") + o);
    if (rn && sr) std::printf("stochastic<16> / nearest_even, binary16 %-4s: %.2f\n", o, sr / rn);
  }
  return 0;
}
