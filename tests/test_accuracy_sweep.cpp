// floatlab-accuracy sweep: error figures on cases whose error is known in closed form, and
// the GEMM adapter's one-format fast path against its general loop.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include <floatlab/floatlab.hpp>

#include "formats.hpp"
#include "ops.hpp"
#include "sweep.hpp"

using flacc::mode_spec;
using flacc::task_kind;

namespace {
flacc::any_format fmt(const char* n) {
  std::string err;
  auto f = flacc::make_format(n, err);
  REQUIRE(static_cast<bool>(f));
  return f;
}
}  // namespace

TEST_CASE("sum of ones stagnates under round-to-nearest at 2^p", "[accuracy]") {
  // Once s = 2^p (p = precision) the ulp is 2 and s + 1 is a tie that rounds to the even s.
  std::vector<double> ones(5000, 1.0), none;
  const std::vector<std::size_t> cuts{1000, 2048, 3000, 5000};
  auto h = fmt("binary16");  // p = 11: stops at 2048
  auto r = flacc::measure_reduction(h, mode_spec{}, task_kind::sum, ones, none, cuts, 1);
  CHECK(r[0].rel_error == 0);
  CHECK(r[1].rel_error == 0);
  CHECK(r[2].value == 2048);
  CHECK(r[2].rel_error == Approx((3000.0 - 2048.0) / 3000.0).epsilon(1e-15));
  CHECK(r[3].rel_error == Approx((5000.0 - 2048.0) / 5000.0).epsilon(1e-15));
  // ulp of binary16 at 5000 is 4: (5000 - 2048) / 4 ulps
  CHECK(r[3].ulp_error == Approx(738.0).epsilon(1e-15));
  auto b = fmt("bfloat16");  // p = 8: stops at 256
  auto rb = flacc::measure_reduction(b, mode_spec{}, task_kind::sum, ones, none, {1000}, 1);
  CHECK(rb[0].value == 256);
  CHECK(rb[0].rel_error == Approx(0.744).epsilon(1e-15));
  // toward zero stagnates at the same place (the exact s + 1 is between s and s + 2)
  auto rz = flacc::measure_reduction(b, mode_spec{flacc::mode_kind::toward_zero, 0}, task_kind::sum, ones, none, {1000}, 1);
  CHECK(rz[0].value == 256);
  // upward: 256 -> 258 -> ... each +1 rounds up to the next even: the sum runs ahead
  auto ru = flacc::measure_reduction(b, mode_spec{flacc::mode_kind::upward, 0}, task_kind::sum, ones, none, {300}, 1);
  CHECK(ru[0].value == 256 + 2 * (300 - 256));
}

TEST_CASE("stochastic rounding does not stagnate: error of the sum of ones", "[accuracy]") {
  std::vector<double> ones(20000, 1.0), none;
  auto h = fmt("binary16");
  // Unbiased: the expected sum is n. One run's standard deviation is about 1.8% of n here
  // (the ulp is 8 from 8192 and 16 from 16384: variance sum of ulp^2 p (1 - p), p = 1 / ulp,
  // about 354^2; 400 seeds measured 1.7-1.8%), so the mean of 32 seeds has 0.32% and the
  // bounds below are 4.4 and 4.7 standard deviations: a calibrated check that a change of
  // the random words cannot fail by chance, while nearest rounding's stagnation at 2048
  // (error 0.90) fails both.
  const int seeds = 32;
  double mean = 0;
  for (std::uint64_t s = 1; s <= seeds; ++s) {
    auto r = flacc::measure_reduction(h, mode_spec{flacc::mode_kind::stochastic, 16}, task_kind::sum, ones, none, {20000}, s);
    mean += r[0].value / seeds;
    CHECK(r[0].rel_error < 0.08);
  }
  CHECK(std::fabs(mean - 20000) / 20000 < 0.015);
}

TEST_CASE("closed-form errors of single cases", "[accuracy]") {
  std::vector<double> none;
  // binary64: 1 + 2^-60 - 1 gives 0 where the exact sum is 2^-60: relative error exactly 1.
  auto d = fmt("binary64");
  auto r = flacc::measure_reduction(d, mode_spec{}, task_kind::sum, {1.0, std::ldexp(1.0, -60), -1.0}, none, {3}, 1);
  CHECK(r[0].value == 0);
  CHECK(r[0].rel_error == 1);
  // expansion<2,double> holds it exactly
  auto x = fmt("expansion<2,double>");
  auto rx = flacc::measure_reduction(x, mode_spec{}, task_kind::sum, {1.0, std::ldexp(1.0, -60), -1.0}, none, {3}, 1);
  CHECK(rx[0].rel_error == 0);
  // bfp8 (one scale per tensor): max 1 gives the grid 2^-6; 0.3 -> 19/64 (nearest), and the
  // sum 1 + 19/64 against the exact 1.3.
  auto q = fmt("bfp8");
  auto rq = flacc::measure_reduction(q, mode_spec{}, task_kind::sum, {1.0, 0.3}, none, {2}, 1);
  CHECK(rq[0].value == 1.0 + 19.0 / 64.0);
  CHECK(rq[0].rel_error == Approx((1.3 - (1.0 + 19.0 / 64.0)) / 1.3).epsilon(1e-12));
  CHECK(rq[0].arith_error == 0);  // sums of the quantized values are exact
  // dot product in binary16: 0.1 * 0.1 rounded twice: the input 0.1 -> 1638/16384, the product
  // rounded to binary16; the error against the exact 0.01 is computed by hand.
  auto h = fmt("binary16");
  const double q01 = 1638.0 / 16384.0;  // binary16(0.1) = 0.0999755859375
  const double prod = std::nearbyint(q01 * q01 * 131072.0) / 131072.0;  // ulp at 0.00999 = 1.28 * 2^-7: 2^-17
  auto rd = flacc::measure_reduction(h, mode_spec{}, task_kind::dot, {0.1}, {0.1}, {1}, 1);
  CHECK(rd[0].value == prod);
  CHECK(rd[0].rel_error == Approx(std::fabs(prod - 0.01) / 0.01).epsilon(1e-12));
}

TEST_CASE("overflow is reported in words: e4m3 gives NaN, binary16 infinity", "[accuracy]") {
  std::vector<double> ones(2000, 1.0), none;
  auto e = fmt("e4m3");
  auto r = flacc::measure_reduction(e, mode_spec{flacc::mode_kind::stochastic, 16}, task_kind::sum, ones, none, {2000}, 3);
  CHECK(std::isnan(r[0].value));
  CHECK(r[0].status.find("no infinity") != std::string::npos);
  CHECK(std::isnan(r[0].rel_error));
  std::vector<double> big(10, 30000.0);
  auto h = fmt("binary16");
  auto rh = flacc::measure_reduction(h, mode_spec{}, task_kind::sum, big, none, {10}, 1);
  CHECK(std::isinf(rh[0].value));
  CHECK(rh[0].status == "overflow: infinity");
  auto s = fmt("e4m3_satfinite");
  auto rs = flacc::measure_reduction(s, mode_spec{}, task_kind::sum, big, none, {10}, 1);
  CHECK(rs[0].value == 448);
  CHECK(rs[0].status == "saturated at max finite");
}

TEST_CASE("GEMM adapter: the one-format fast path equals the general loop bit for bit", "[accuracy]") {
  std::mt19937_64 g(5);
  std::normal_distribution<double> nd(0, 1);
  const std::size_t M = 5, N = 4, K = 37;
  std::vector<double> A(M * K), B(K * N), C1(M * N), C2(M * N);
  for (auto& v : A) v = nd(g);
  for (auto& v : B) v = nd(g);
  for (const char* name : {"binary16", "e4m3", "bfloat16", "fixed<16,8>"})
    for (mode_spec m : {mode_spec{}, mode_spec{flacc::mode_kind::stochastic, 8}, mode_spec{flacc::mode_kind::toward_zero, 0}}) {
      auto f = fmt(name);
      flacc::ops::gemm_formats same{f.scalar.get(), f.scalar.get(), f.scalar.get(), m, m, false};
      flacc::ops::gemm(A.data(), B.data(), C1.data(), M, N, K, same, 11);
      // The same semantics through distinct objects forces the general loop.
      auto f2 = fmt(name), f3 = fmt(name);
      flacc::ops::gemm_formats general{f.scalar.get(), f2.scalar.get(), f3.scalar.get(), m, m, false};
      flacc::ops::gemm(A.data(), B.data(), C2.data(), M, N, K, general, 11);
      INFO(name << " " << m.name());
      for (std::size_t i = 0; i < M * N; ++i) CHECK(C1[i] == C2[i]);
    }
}

TEST_CASE("convolution is the GEMM of im2col: a 1-channel identity kernel copies the image", "[accuracy]") {
  flacc::ops::conv_shape s{1, 5, 6, 1, 3, 3, 1, 1};
  std::vector<double> x(30), w(9, 0.0), out(30);
  for (std::size_t i = 0; i < 30; ++i) x[i] = double(i) * 0.25;
  w[4] = 1;  // centre tap
  auto f = fmt("binary16");
  flacc::ops::gemm_formats gf{f.scalar.get(), f.scalar.get(), f.scalar.get(), {}, {}, false};
  flacc::ops::conv2d(x.data(), w.data(), out.data(), s, gf, 1);
  for (std::size_t i = 0; i < 30; ++i) CHECK(out[i] == x[i]);
  // a box kernel at a corner sums the 4 pixels inside the image (zero padding)
  std::fill(w.begin(), w.end(), 1.0);
  flacc::ops::conv2d(x.data(), w.data(), out.data(), s, gf, 1);
  CHECK(out[0] == x[0] + x[1] + x[6] + x[7]);
}
