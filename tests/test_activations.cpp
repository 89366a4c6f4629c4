// tests/test_activations.cpp: softmax, log_sum_exp and the composed derivatives against MPFR.
#include <floatlab/activations.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

#include <mpfr.h>

#include "support/operands.hpp"

namespace fl = floatlab;
using h = fl::binary16;
using f32 = fl::binary32;

namespace {
// Distance in units of binary16 ulp at the exact value v (v > 0 normal in binary16 range).
double ulps16(double got, double v) {
  int e;
  std::frexp(v, &e);
  const double ulp = std::ldexp(1.0, (e - 1 < -14 ? -14 : e - 1) - 10);
  return std::fabs(got - v) / ulp;
}
}  // namespace

TEST_CASE("softmax: binary16 data with binary32 accumulation is within one ulp of exact", "[activations]") {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> g(0, 4);
  mpfr_t m, s, t;
  mpfr_inits2(200, m, s, t, (mpfr_ptr)nullptr);
  const int trials = static_cast<int>(400 * operands::test_scale()) + 5;
  double worst = 0;
  for (int trial = 0; trial < trials; ++trial) {
    const std::size_t n = 1 + rng() % 64;
    std::vector<h> x(n), y(n);
    for (auto& v : x) v = h(g(rng));
    REQUIRE(fl::softmax<f32>(fl::array_view<const h>(x), fl::array_view<h>(y)).exact());
    mpfr_set_zero(s, 1);
    double mx = -1e300;
    for (auto v : x) mx = std::fmax(mx, static_cast<double>(v));
    for (auto v : x) {
      mpfr_set_d(t, static_cast<double>(v) - mx, MPFR_RNDN);  // exact in double
      mpfr_exp(t, t, MPFR_RNDN);
      mpfr_add(s, s, t, MPFR_RNDN);
    }
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
      mpfr_set_d(t, static_cast<double>(x[i]) - mx, MPFR_RNDN);
      mpfr_exp(t, t, MPFR_RNDN);
      mpfr_div(t, t, s, MPFR_RNDN);
      const double exact = mpfr_get_d(t, MPFR_RNDN);
      if (exact > 0x1p-14) worst = std::fmax(worst, ulps16(static_cast<double>(y[i]), exact));
      sum += static_cast<double>(y[i]);
    }
    CHECK(std::fabs(sum - 1) < 0x1p-10 * static_cast<double>(n));
  }
  std::printf("softmax binary16/binary32-acc: %d arrays, worst error %.3f ulp\n", trials, worst);
  CHECK(worst <= 1.0);
  mpfr_clears(m, s, t, (mpfr_ptr)nullptr);
}

TEST_CASE("log_sum_exp: binary32 error within the documented bound", "[activations]") {
  std::mt19937_64 rng(4);
  std::normal_distribution<double> g(0, 30);
  mpfr_t s, t;
  mpfr_inits2(200, s, t, (mpfr_ptr)nullptr);
  const int trials = static_cast<int>(400 * operands::test_scale()) + 5;
  double worst = 0;
  for (int trial = 0; trial < trials; ++trial) {
    const std::size_t n = 1 + rng() % 100;
    std::vector<f32> x(n);
    for (auto& v : x) v = f32(g(rng));
    const auto r = fl::log_sum_exp(fl::array_view<const f32>(x));
    REQUIRE(!r.flags.rejected());
    mpfr_set_zero(s, 1);
    for (auto v : x) {
      mpfr_set_d(t, static_cast<double>(v), MPFR_RNDN);
      mpfr_exp(t, t, MPFR_RNDN);
      mpfr_add(s, s, t, MPFR_RNDN);
    }
    mpfr_log(s, s, MPFR_RNDN);
    const double exact = mpfr_get_d(s, MPFR_RNDN);
    double mx = 0;
    for (auto v : x) mx = std::fmax(mx, std::fabs(static_cast<double>(v)));
    // Bound: u |LSE| + (n + 2) u (|m| + 1), u = 2^-24.
    const double bound = 0x1p-24 * (std::fabs(exact) + (n + 2) * (mx + 1));
    worst = std::fmax(worst, std::fabs(static_cast<double>(r.value) - exact) / bound);
  }
  std::printf("log_sum_exp binary32: %d arrays, worst error / bound %.3f\n", trials, worst);
  CHECK(worst <= 1.0);
  mpfr_clears(s, t, (mpfr_ptr)nullptr);
}

TEST_CASE("softmax and log_sum_exp: rejections and special values", "[activations]") {
  h x[3] = {h(1.0), h(2.0), h(3.0)};
  h y[2] = {h(7.0), h(7.0)};
  const auto st = fl::softmax(fl::array_view<const h>(x), fl::array_view<h>(y));
  CHECK(st.rejected());
  CHECK(st.has(fl::status::bad_shape));
  CHECK(static_cast<double>(y[0]) == 7.0);  // nothing written
  h z[3];
  x[1] = std::numeric_limits<h>::quiet_NaN();
  CHECK(fl::softmax(fl::array_view<const h>(x), fl::array_view<h>(z)).has(fl::status::invalid));
  CHECK(fl::isnan(z[0]));
  CHECK(fl::log_sum_exp(fl::array_view<const h>(x)).flags.has(fl::status::invalid));
  const h one[1] = {h(5.0)};
  CHECK(static_cast<double>(fl::log_sum_exp(fl::array_view<const h>(one)).value) == 5.0);
  // Large inputs: the max subtraction keeps it finite.
  const h big[2] = {h(60000.0), h(60000.0)};
  h out[2];
  REQUIRE(fl::softmax(fl::array_view<const h>(big), fl::array_view<h>(out)).exact());
  CHECK(static_cast<double>(out[0]) == 0.5);
  // Stochastic rounding with an explicit source.
  fl::philox_rng rng(1);
  const h small[3] = {h(0.1), h(0.2), h(0.3)};
  REQUIRE(!fl::softmax(fl::array_view<const h>(small), fl::array_view<h>(z), fl::round::stochastic<8>{}, rng).rejected());
  CHECK(std::fabs(static_cast<double>(z[0]) + static_cast<double>(z[1]) + static_cast<double>(z[2]) - 1) < 0.01);
}

TEST_CASE("composed derivatives: silu_grad, gelu_grad, gelu_tanh_grad near MPFR on binary32", "[activations]") {
  mpfr_t x, a, b, c;
  mpfr_inits2(200, x, a, b, c, (mpfr_ptr)nullptr);
  double worst[3] = {0, 0, 0};
  for (double v = -12; v <= 12; v += 0.0173) {
    const f32 xf(v);
    const double xd = static_cast<double>(xf);
    mpfr_set_d(x, xd, MPFR_RNDN);
    // silu' = s (1 + x (1 - s))
    mpfr_neg(a, x, MPFR_RNDN);
    mpfr_exp(a, a, MPFR_RNDN);
    mpfr_add_ui(a, a, 1, MPFR_RNDN);
    mpfr_ui_div(a, 1, a, MPFR_RNDN);  // s
    mpfr_ui_sub(b, 1, a, MPFR_RNDN);
    mpfr_mul(b, b, x, MPFR_RNDN);
    mpfr_add_ui(b, b, 1, MPFR_RNDN);
    mpfr_mul(b, b, a, MPFR_RNDN);
    const double silu_g = mpfr_get_d(b, MPFR_RNDN);
    // gelu' = Phi + x phi
    mpfr_sqrt_ui(c, 2, MPFR_RNDN);
    mpfr_div(a, x, c, MPFR_RNDN);
    mpfr_neg(a, a, MPFR_RNDN);
    mpfr_erfc(a, a, MPFR_RNDN);
    mpfr_div_2ui(a, a, 1, MPFR_RNDN);
    mpfr_sqr(b, x, MPFR_RNDN);
    mpfr_div_2ui(b, b, 1, MPFR_RNDN);
    mpfr_neg(b, b, MPFR_RNDN);
    mpfr_exp(b, b, MPFR_RNDN);
    mpfr_const_pi(c, MPFR_RNDN);
    mpfr_mul_2ui(c, c, 1, MPFR_RNDN);
    mpfr_sqrt(c, c, MPFR_RNDN);
    mpfr_div(b, b, c, MPFR_RNDN);
    mpfr_mul(b, b, x, MPFR_RNDN);
    mpfr_add(a, a, b, MPFR_RNDN);
    const double gelu_g = mpfr_get_d(a, MPFR_RNDN);
    // gelu_tanh' = 0.5 (1 + t) + 0.5 x (1 - t^2) sqrt(2/pi) (1 + 0.134145 x^2)
    const double u = 0.7978845608028654 * (xd + 0.044715 * xd * xd * xd), t = std::tanh(u);
    const double gt_g = 0.5 * (1 + t) + 0.5 * xd * (1 - t * t) * 0.7978845608028654 * (1 + 0.134145 * xd * xd);
    const double got[3] = {static_cast<double>(fl::silu_grad(xf)), static_cast<double>(fl::gelu_grad(xf)),
                           static_cast<double>(fl::gelu_tanh_grad(xf))};
    const double want[3] = {silu_g, gelu_g, gt_g};
    for (int i = 0; i < 3; ++i) {
      // Relative error, or absolute near the roots of the derivatives (|f'| < 2^-4).
      const double err = std::fabs(got[i] - want[i]) / std::fmax(std::fabs(want[i]), 0.0625);
      worst[i] = std::fmax(worst[i], err);
    }
  }
  std::printf("derivatives binary32: worst mixed error silu' 2^%.1f gelu' 2^%.1f gelu_tanh' 2^%.1f\n",
              std::log2(worst[0]), std::log2(worst[1]), std::log2(worst[2]));
  CHECK(worst[0] < 0x1p-20);
  CHECK(worst[1] < 0x1p-20);
  CHECK(worst[2] < 0x1p-20);
  mpfr_clears(x, a, b, c, (mpfr_ptr)nullptr);
}
