// Throughput of expansion<N, T> against QD (dd_real, qd_real), MPFR at 106 and 212 bits,
// and plain/emulated base types, in one run. Each benchmark applies one operation to
// arrays of independent operands (throughput, not latency); items/s = operations/s.
// Before the timings, the worst observed relative errors of both sides on the same
// cancellation-heavy operands are printed (QD's default dd addition is the sloppy one).
#include <benchmark/benchmark.h>
#include <mpfr.h>

#include "support/mpfr_value.hpp"  // tests/support: the one RAII owner of MPFR memory

#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include "floatlab/cfloat.hpp"
#include "floatlab/expansion.hpp"

#if FLOATLAB_HAVE_QD
#include <qd/dd_real.h>
#include <qd/qd_real.h>
#endif

using floatlab::expansion;

namespace {

constexpr int kN = 1024;

double rnd_double(std::mt19937_64& g, int spread) {
  const double m = static_cast<double>(g() >> 11) * 0x1p-53 + 0.5;
  return std::ldexp((g() & 1) ? m : -m, static_cast<int>(g() % (2 * spread + 1)) - spread);
}

// Non-overlapping N-term values around 1 (decreasing by 2^-(p+1) per term).
template <int N, class T>
std::vector<expansion<N, T>> make(std::uint64_t seed) {
  std::mt19937_64 g(seed);
  constexpr int p = std::numeric_limits<T>::digits;
  std::vector<expansion<N, T>> v(kN);
  for (auto& e : v) {
    T t[N];
    for (int i = 0; i < N; ++i) t[i] = T(std::ldexp(rnd_double(g, i == 0 ? 4 : 0), -i * (p + 1)));
    e = floatlab::renormalize(expansion<N, T>::from_array(t));
  }
  return v;
}

template <int N, class T>
std::vector<expansion<N, T>> make_positive(std::uint64_t seed) {
  auto v = make<N, T>(seed);
  for (auto& e : v)
    if (e[0] < T(0.0)) e = -e;
  return v;
}

template <int N, class T, class Op>
void run_exp(benchmark::State& st, Op op, bool positive = false) {
  const auto x = positive ? make_positive<N, T>(1) : make<N, T>(1), y = make<N, T>(2);
  std::vector<expansion<N, T>> z(kN);
  for (auto _ : st) {
    for (int i = 0; i < kN; ++i) z[i] = op(x[i], y[i]);
    benchmark::DoNotOptimize(z.data());
    benchmark::ClobberMemory();
  }
  st.SetItemsProcessed(st.iterations() * kN);
}

#define EXP_BENCH(NAME, N, T, EXPR)                                                   \
  void NAME(benchmark::State& st) {                                                   \
    run_exp<N, T>(st, [](const expansion<N, T>& a, const expansion<N, T>& b) { return EXPR; }); \
  }                                                                                   \
  BENCHMARK(NAME)

EXP_BENCH(exp2d_add, 2, double, a + b);
EXP_BENCH(exp2d_mul, 2, double, a* b);
EXP_BENCH(exp2d_mul_fast, 2, double, floatlab::mul_fast(a, b));
EXP_BENCH(exp2d_div, 2, double, a / b);
EXP_BENCH(exp2d_div_fast, 2, double, floatlab::div_fast(a, b));
void exp2d_sqrt(benchmark::State& st) {
  run_exp<2, double>(st, [](const expansion<2, double>& a, const expansion<2, double>&) { return floatlab::sqrt(a); }, true);
}
BENCHMARK(exp2d_sqrt);
EXP_BENCH(exp3d_add, 3, double, a + b);
EXP_BENCH(exp3d_mul, 3, double, a* b);
EXP_BENCH(exp3d_div, 3, double, a / b);
EXP_BENCH(exp4d_add, 4, double, a + b);
EXP_BENCH(exp4d_mul, 4, double, a* b);
EXP_BENCH(exp4d_div, 4, double, a / b);
void exp4d_sqrt(benchmark::State& st) {
  run_exp<4, double>(st, [](const expansion<4, double>& a, const expansion<4, double>&) { return floatlab::sqrt(a); }, true);
}
BENCHMARK(exp4d_sqrt);
EXP_BENCH(exp2f_add, 2, float, a + b);
EXP_BENCH(exp2f_mul, 2, float, a* b);
EXP_BENCH(exp2f_div, 2, float, a / b);
EXP_BENCH(exp2bf_add, 2, floatlab::bfloat16, a + b);
EXP_BENCH(exp2bf_mul, 2, floatlab::bfloat16, a* b);
EXP_BENCH(exp2bf_div, 2, floatlab::bfloat16, a / b);
EXP_BENCH(exp3bf_add, 3, floatlab::bfloat16, a + b);
EXP_BENCH(exp3bf_mul, 3, floatlab::bfloat16, a* b);
EXP_BENCH(exp3bf_div, 3, floatlab::bfloat16, a / b);

// Plain base types: double (reference for expansion<2,float>) and binary32 emulated by
// cfloat (reference for the bfloat16 expansions).
template <class T, class Op>
void run_plain(benchmark::State& st, Op op) {
  std::mt19937_64 g(5);
  std::vector<T> x(kN), y(kN), z(kN);
  for (int i = 0; i < kN; ++i) {
    x[i] = T(rnd_double(g, 4));
    y[i] = T(rnd_double(g, 4));
  }
  for (auto _ : st) {
    for (int i = 0; i < kN; ++i) z[i] = op(x[i], y[i]);
    benchmark::DoNotOptimize(z.data());
    benchmark::ClobberMemory();
  }
  st.SetItemsProcessed(st.iterations() * kN);
}
#define PLAIN_BENCH(NAME, T, EXPR)                                             \
  void NAME(benchmark::State& st) {                                            \
    run_plain<T>(st, [](const T& a, const T& b) { return EXPR; });             \
  }                                                                            \
  BENCHMARK(NAME)
PLAIN_BENCH(double_add, double, a + b);
PLAIN_BENCH(double_mul, double, a* b);
PLAIN_BENCH(double_div, double, a / b);
PLAIN_BENCH(binary32_cfloat_add, floatlab::binary32, a + b);
PLAIN_BENCH(binary32_cfloat_mul, floatlab::binary32, a* b);
PLAIN_BENCH(binary32_cfloat_div, floatlab::binary32, a / b);

#if FLOATLAB_HAVE_QD
template <class Q, int N, class Op>
void run_qd(benchmark::State& st, Op op, bool positive = false) {
  const auto xs = positive ? make_positive<N, double>(1) : make<N, double>(1), ys = make<N, double>(2);
  std::vector<Q> x(kN), y(kN), z(kN);
  for (int i = 0; i < kN; ++i) {
    if constexpr (N == 2) {
      x[i] = Q(xs[i][0], xs[i][1]);
      y[i] = Q(ys[i][0], ys[i][1]);
    } else {
      x[i] = Q(xs[i][0], xs[i][1], xs[i][2], xs[i][3]);
      y[i] = Q(ys[i][0], ys[i][1], ys[i][2], ys[i][3]);
    }
  }
  for (auto _ : st) {
    for (int i = 0; i < kN; ++i) z[i] = op(x[i], y[i]);
    benchmark::DoNotOptimize(z.data());
    benchmark::ClobberMemory();
  }
  st.SetItemsProcessed(st.iterations() * kN);
}
#define QD_BENCH(NAME, Q, N, EXPR)                                                \
  void NAME(benchmark::State& st) {                                               \
    run_qd<Q, N>(st, [](const Q& a, const Q& b) { return EXPR; });                \
  }                                                                               \
  BENCHMARK(NAME)
QD_BENCH(dd_ieee_add, dd_real, 2, dd_real::ieee_add(a, b));
QD_BENCH(dd_sloppy_add_default, dd_real, 2, a + b);
QD_BENCH(dd_mul, dd_real, 2, a* b);
QD_BENCH(dd_accurate_div, dd_real, 2, dd_real::accurate_div(a, b));
void dd_sqrt(benchmark::State& st) { run_qd<dd_real, 2>(st, [](const dd_real& a, const dd_real&) { return sqrt(a); }, true); }
BENCHMARK(dd_sqrt);
QD_BENCH(qd_add, qd_real, 4, a + b);
QD_BENCH(qd_mul, qd_real, 4, a* b);
QD_BENCH(qd_div, qd_real, 4, a / b);
void qd_sqrt(benchmark::State& st) { run_qd<qd_real, 4>(st, [](const qd_real& a, const qd_real&) { return sqrt(a); }, true); }
BENCHMARK(qd_sqrt);
#endif

template <int Prec, int Op>
void run_mpfr(benchmark::State& st) {
  const auto xs = make_positive<4, double>(1), ys = make<4, double>(2);
  std::vector<floatlab_test::mpfr_value> x, y, z;
  for (auto* v : {&x, &y, &z}) v->reserve(kN);
  for (int i = 0; i < kN; ++i) {
    x.emplace_back(Prec, xs[i][0]);
    y.emplace_back(Prec, ys[i][0]);
    z.emplace_back(Prec);
    for (int k = 1; k < 4; ++k) {
      mpfr_add_d(x[i], x[i], xs[i][k], MPFR_RNDN);
      mpfr_add_d(y[i], y[i], ys[i][k], MPFR_RNDN);
    }
  }
  for (auto _ : st) {
    for (int i = 0; i < kN; ++i) {
      if constexpr (Op == 0) mpfr_add(z[i], x[i], y[i], MPFR_RNDN);
      else if constexpr (Op == 1) mpfr_mul(z[i], x[i], y[i], MPFR_RNDN);
      else if constexpr (Op == 2) mpfr_div(z[i], x[i], y[i], MPFR_RNDN);
      else mpfr_sqrt(z[i], x[i], MPFR_RNDN);
    }
    benchmark::ClobberMemory();
  }
  st.SetItemsProcessed(st.iterations() * kN);
}
BENCHMARK_TEMPLATE(run_mpfr, 106, 0)->Name("mpfr106_add");
BENCHMARK_TEMPLATE(run_mpfr, 106, 1)->Name("mpfr106_mul");
BENCHMARK_TEMPLATE(run_mpfr, 106, 2)->Name("mpfr106_div");
BENCHMARK_TEMPLATE(run_mpfr, 106, 3)->Name("mpfr106_sqrt");
BENCHMARK_TEMPLATE(run_mpfr, 212, 0)->Name("mpfr212_add");
BENCHMARK_TEMPLATE(run_mpfr, 212, 1)->Name("mpfr212_mul");
BENCHMARK_TEMPLATE(run_mpfr, 212, 2)->Name("mpfr212_div");
BENCHMARK_TEMPLATE(run_mpfr, 212, 3)->Name("mpfr212_sqrt");

// ---- accuracy of both sides on the same operands (worst relative error / u^2) --------
double rel_err(const double* t, int n, mpfr_srcptr exact) {
  floatlab_test::mpfr_value s(2200, 0.0), d(2200);
  for (int i = 0; i < n; ++i) mpfr_add_d(s, s, t[i], MPFR_RNDN);
  mpfr_sub(d, s, exact, MPFR_RNDN);
  mpfr_div(d, d, exact, MPFR_RNDN);
  return std::fabs(mpfr_get_d(d, MPFR_RNDN));
}

void accuracy_report() {
  std::mt19937_64 g(11);
  floatlab_test::mpfr_value a(2200), b(2200), e(2200);
  const double u2 = 0x1p-106, u4 = 0x1p-212;
  double w_add = 0, w_mul = 0, w_div = 0, w4_add = 0, w4_mul = 0, w4_div = 0;
#if FLOATLAB_HAVE_QD
  double q_ieee = 0, q_sloppy = 0, q_mul = 0, q_div = 0, q4_add = 0, q4_mul = 0, q4_div = 0;
#endif
  const auto xs = make<4, double>(21), ys0 = make<4, double>(22);
  for (int i = 0; i < kN * 20; ++i) {
    const auto& x4 = xs[i % kN];
    auto y4 = ys0[(i * 7) % kN];
    if (i % 2) y4 = -x4 + expansion<4, double>(x4[0] * std::ldexp(rnd_double(g, 0), -20 - static_cast<int>(g() % 60)));
    const auto x2 = expansion<2, double>::from_terms(x4[0], x4[1]);
    const auto y2 = floatlab::renormalize(expansion<2, double>::from_terms(y4[0], y4[1]));
    mpfr_set_d(a, x2[0], MPFR_RNDN);
    mpfr_add_d(a, a, x2[1], MPFR_RNDN);
    mpfr_set_d(b, y2[0], MPFR_RNDN);
    mpfr_add_d(b, b, y2[1], MPFR_RNDN);
    const auto upd = [&](double& w, const double* t, int n) { w = std::max(w, rel_err(t, n, e)); };
    mpfr_add(e, a, b, MPFR_RNDN);
    if (!mpfr_zero_p(e)) {
      const auto r = x2 + y2;
      upd(w_add, r.data(), 2);
#if FLOATLAB_HAVE_QD
      const dd_real qa(x2[0], x2[1]), qb(y2[0], y2[1]);
      const dd_real s1 = dd_real::ieee_add(qa, qb), s2 = qa + qb;
      upd(q_ieee, s1.x, 2);
      upd(q_sloppy, s2.x, 2);
#endif
    }
    mpfr_mul(e, a, b, MPFR_RNDN);
    if (!mpfr_zero_p(e)) {
      const auto r = x2 * y2;
      upd(w_mul, r.data(), 2);
#if FLOATLAB_HAVE_QD
      const dd_real m = dd_real(x2[0], x2[1]) * dd_real(y2[0], y2[1]);
      upd(q_mul, m.x, 2);
#endif
      mpfr_div(e, a, b, MPFR_RNDN);
      const auto q = x2 / y2;
      upd(w_div, q.data(), 2);
#if FLOATLAB_HAVE_QD
      const dd_real dq = dd_real::accurate_div(dd_real(x2[0], x2[1]), dd_real(y2[0], y2[1]));
      upd(q_div, dq.x, 2);
#endif
    }
    // four terms
    mpfr_set_d(a, 0.0, MPFR_RNDN);
    mpfr_set_d(b, 0.0, MPFR_RNDN);
    for (int k = 0; k < 4; ++k) {
      mpfr_add_d(a, a, x4[k], MPFR_RNDN);
      mpfr_add_d(b, b, y4[k], MPFR_RNDN);
    }
    mpfr_add(e, a, b, MPFR_RNDN);
    if (!mpfr_zero_p(e)) {
      const auto r = x4 + y4;
      upd(w4_add, r.data(), 4);
#if FLOATLAB_HAVE_QD
      const qd_real s = qd_real(x4[0], x4[1], x4[2], x4[3]) + qd_real(y4[0], y4[1], y4[2], y4[3]);
      upd(q4_add, s.x, 4);
#endif
    }
    mpfr_mul(e, a, b, MPFR_RNDN);
    if (!mpfr_zero_p(e)) {
      const auto r = x4 * y4;
      upd(w4_mul, r.data(), 4);
      mpfr_div(e, a, b, MPFR_RNDN);
      const auto q = x4 / y4;
      upd(w4_div, q.data(), 4);
#if FLOATLAB_HAVE_QD
      mpfr_mul(e, a, b, MPFR_RNDN);
      const qd_real qx(x4[0], x4[1], x4[2], x4[3]), qy(y4[0], y4[1], y4[2], y4[3]);
      const qd_real m = qx * qy;
      upd(q4_mul, m.x, 4);
      mpfr_div(e, a, b, MPFR_RNDN);
      const qd_real dq = qx / qy;
      upd(q4_div, dq.x, 4);
#endif
    }
  }
  std::printf("worst relative error on %d operand pairs (half with heavy cancellation), u = 2^-53:\n", kN * 20);
  std::printf("  expansion<2,double>  add %.3g u^2  mul %.3g u^2  div %.3g u^2   (bounds 3, 5, 9.8)\n",
              w_add / u2, w_mul / u2, w_div / u2);
#if FLOATLAB_HAVE_QD
  std::printf("  dd_real              ieee_add %.3g u^2  sloppy + %.3g u^2  * %.3g u^2  accurate_div %.3g u^2\n",
              q_ieee / u2, q_sloppy / u2, q_mul / u2, q_div / u2);
#endif
  std::printf("  expansion<4,double>  add %.3g u^4  mul %.3g u^4  div %.3g u^4   (bound 8(1+16u) u^4)\n",
              w4_add / u4, w4_mul / u4, w4_div / u4);
#if FLOATLAB_HAVE_QD
  std::printf("  qd_real              +   %.3g u^4  *   %.3g u^4  /   %.3g u^4\n", q4_add / u4, q4_mul / u4,
              q4_div / u4);
#endif
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  accuracy_report();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
