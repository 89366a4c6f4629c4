// Tests of floatlab/block.hpp: the scale rule, element rounding against an exact
// reference, the fast paths against the exact path, shapes, statuses, stochastic
// unbiasedness and reproducibility, and exact integer dot/GEMM rounded once (MPFR).
#include <catch2/catch.hpp>
#include <gmp.h>
#include <mpfr.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include <floatlab/block.hpp>

#include "support/mpfr_value.hpp"

namespace fl = floatlab;
using fl::array_view;
using fl::block_shape;

namespace {

template <class T>
array_view<const T> cview(const std::vector<T>& v) { return {v.data(), v.size()}; }
template <class T>
array_view<T> view(std::vector<T>& v) { return {v.data(), v.size()}; }

// Independent statement of the scale rule: ceil(m / 2^s) <= 2^(WL-1) - 1, and s minimal.
bool fits(double m, int s, int wl) { return std::ceil(std::ldexp(m, -s)) <= std::ldexp(1.0, wl - 1) - 1; }

enum class mode_id { ne, na, tz, up, dn, odd, sto };

// Reference rounding of an exact double y (|y| < 2^52) by the modes' definitions.
std::int64_t ref_round(double y, mode_id m, int R = 0, std::uint32_t word = 0) {
  const bool neg = y < 0;
  const double a = std::fabs(y);
  const double fl_a = std::floor(a), frac = a - fl_a;  // exact
  bool up = false;
  switch (m) {
    case mode_id::ne: up = frac > 0.5 || (frac == 0.5 && std::fmod(fl_a, 2.0) == 1.0); break;
    case mode_id::na: up = frac >= 0.5; break;
    case mode_id::tz: up = false; break;
    case mode_id::up: up = !neg && frac > 0; break;
    case mode_id::dn: up = neg && frac > 0; break;
    case mode_id::odd: up = frac > 0 && std::fmod(fl_a, 2.0) == 0.0; break;
    case mode_id::sto: {
      const double f = std::floor(std::ldexp(frac, R));
      up = f + static_cast<double>(word >> (32 - R)) >= std::ldexp(1.0, R);
      break;
    }
  }
  const auto q = static_cast<std::int64_t>(fl_a) + (up ? 1 : 0);
  return neg ? -q : q;
}

float random_float(std::mt19937_64& g) {
  switch (g() % 8) {
    case 0: return 0.0f;
    case 1: return std::ldexp(static_cast<float>(g() % 64) - 32, static_cast<int>(g() % 8) - 4);  // grid values
    case 2: {  // a random bit pattern, finite
      std::uint32_t b;
      do b = static_cast<std::uint32_t>(g()); while (((b >> 23) & 0xFF) == 0xFF);
      float f;
      std::memcpy(&f, &b, 4);
      return f;
    }
    default: {
      std::normal_distribution<float> d(0.0f, 1.0f);
      return d(g) * std::ldexp(1.0f, static_cast<int>(g() % 20) - 10);
    }
  }
}

}  // namespace

TEST_CASE("block: the scale rule, minimal and overflow-free, at powers of two and their neighbours", "[block]") {
  std::mt19937_64 g(1);
  for (int wl = 2; wl <= 32; ++wl) {
    std::vector<float> maxima = {1.0f, 0.75f, 1.5f, std::nextafter(2.0f, 0.0f), std::nextafter(1.0f, 2.0f),
                                 std::numeric_limits<float>::max(), std::numeric_limits<float>::min(),
                                 std::numeric_limits<float>::denorm_min(), 3 * std::numeric_limits<float>::denorm_min(),
                                 0x1p-140f, 0x1.fffffep-130f, 127.5f, 127.0f, 126.5f, 255.9f};
    for (int i = 0; i < 200; ++i) maxima.push_back(std::fabs(random_float(g)));
    for (float m : maxima) {
      if (m == 0) continue;
      std::vector<float> in = {m * 0.25f, -m, m * 0.5f};
      if (g() & 1) in[1] = m;
      std::vector<std::int32_t> out(3);
      std::vector<int> e(1);
      REQUIRE((fl::block_quantize(cview(in), view(out), view(e), block_shape::whole(), wl, fl::round::nearest_even{})).ok());
      INFO("wl " << wl << " max " << m);
      REQUIRE(fits(m, e[0], wl));
      REQUIRE(!fits(m, e[0] - 1, wl));
      // In every mode the largest element then stays within +-(2^(wl-1) - 1).
      for (int mode = 0; mode < 6; ++mode) {
        const auto q = ref_round(std::ldexp(static_cast<double>(in[1]), -e[0]), static_cast<mode_id>(mode));
        REQUIRE(std::llabs(q) <= (1ll << (wl - 1)) - 1);
      }
      // Exact powers of two: the code of the maximum is 2^(wl-2).
      int ex;
      if (std::frexp(m, &ex) == 0.5f) REQUIRE(std::llabs(out[1]) == (1ll << (wl - 2)));
    }
  }
  // Worked examples of docs/blocks.md (WL = 8).
  std::vector<float> in = {1.0f, -0.5f, 0.3f, 0.0f};
  std::vector<std::int8_t> out(4);
  std::vector<int> e(1);
  REQUIRE((fl::block_quantize(cview(in), view(out), view(e), block_shape::whole(), 8, fl::round::nearest_even{})).ok());
  CHECK(e[0] == -6);  // 1.0 -> 64: 2^(WL-2)
  CHECK(out == std::vector<std::int8_t>{64, -32, 19, 0});  // 0.3 * 64 = 19.2
  in = {1.99f, 0.1f, 0.0f, 0.0f};  // 1.99 * 64 = 127.36 would round past 127 upward: next exponent
  REQUIRE((fl::block_quantize(cview(in), view(out), view(e), block_shape::whole(), 8, fl::round::nearest_even{})).ok());
  CHECK(e[0] == -5);
  CHECK(out == std::vector<std::int8_t>{64, 3, 0, 0});  // 63.68 -> 64, 3.2 -> 3
}

TEST_CASE("block: all-zero blocks and non-finite blocks", "[block]") {
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> in = {0.0f, -0.0f, 0.0f, 0.0f, 1.0f, inf, 2.0f, 3.0f, nan, 1.0f, 0.0f, 0.0f, 4.0f, 5.0f, 6.0f, 7.0f};
  std::vector<std::int16_t> out(in.size(), 99);
  std::vector<int> e(4, 99);
  std::vector<float> back(in.size());
  for (int stochastic = 0; stochastic < 2; ++stochastic) {
    const fl::status st =
        stochastic ? fl::block_quantize(cview(in), view(out), view(e), block_shape::consecutive(4), 12,
                                        fl::round::stochastic<8>{}, fl::philox_rng(5))
                   : fl::block_quantize(cview(in), view(out), view(e), block_shape::consecutive(4), 12,
                                        fl::round::nearest_even{});
    CHECK((st).has(fl::status::invalid));
    CHECK(e[0] == 0);
    CHECK(e[1] == fl::block_nan_exponent);
    CHECK(e[2] == fl::block_nan_exponent);
    CHECK(e[3] == -8);  // max 7: floor(log2 7) = 2, s = 2 - (12 - 2); 7 * 2^8 = 1792 <= 2047
    for (int i = 0; i < 12; ++i) CHECK(out[i] == 0);
    CHECK(out[12] == 4 * 256);
    REQUIRE((fl::block_dequantize(cview(out), array_view<const int>(e.data(), e.size()), block_shape::consecutive(4),
                                 view(back))).ok());
    for (int i = 0; i < 4; ++i) CHECK((back[i] == 0.0f && !std::signbit(back[i])));
    for (int i = 4; i < 12; ++i) CHECK(std::isnan(back[i]));
    for (int i = 12; i < 16; ++i) CHECK(back[i] == in[i]);
  }
}

TEST_CASE("block: statuses for bad arguments (no access out of bounds)", "[block]") {
  std::vector<float> in(12, 1.0f);
  std::vector<std::int8_t> out(12), small(11);
  std::vector<int> e(3), e_small(2);
  auto ne = fl::round::nearest_even{};
  CHECK((fl::block_quantize(cview(in), view(small), view(e), block_shape::whole(), 8, ne)).has(fl::status::bad_shape));
  CHECK((fl::block_quantize(cview(in), view(out), view(e_small), block_shape::consecutive(4), 8, ne)).has(fl::status::bad_shape));
  CHECK((fl::block_quantize(cview(in), view(out), view(e), block_shape::by_rows(5, 2), 8, ne)).has(fl::status::bad_shape));
  CHECK((fl::block_quantize(cview(in), view(out), view(e), block_shape::consecutive(0), 8, ne)).has(fl::status::bad_shape));
  CHECK((fl::block_quantize(cview(in), view(out), view(e), block_shape::whole(), 9, ne)).has(fl::status::bad_argument));
  CHECK((fl::block_quantize(cview(in), view(out), view(e), block_shape::whole(), 1, ne)).has(fl::status::bad_argument));
  CHECK((fl::block_quantize(cview(in), view(out), view(e), block_shape::by_columns(4, 3), 8, ne)).ok());
  std::vector<std::int8_t> a(4), b(5);
  CHECK((fl::block_dot(cview(a), 0, cview(b), 0).status).has(fl::status::bad_shape));
  std::vector<float> c(6);
  std::vector<int> ea(2), eb(3);
  CHECK((fl::block_gemm(cview(a), cview(ea), cview(b), cview(eb), 2, 3, 2, view(c), ne, fl::no_random{})).has(fl::status::bad_shape));
}

TEST_CASE("block: codes against the exact reference, every shape and mode; fast paths bit for bit", "[block]") {
  std::mt19937_64 g(11);
  const std::size_t rows = 13, cols = 7, n = rows * cols;
  const block_shape shapes[] = {block_shape::whole(), block_shape::consecutive(8), block_shape::consecutive(32),
                                block_shape::by_rows(rows, cols), block_shape::by_columns(rows, cols)};
  std::size_t checked = 0;
  for (int trial = 0; trial < 60; ++trial) {
    std::vector<float> in(n);
    const int flavour = trial % 3;
    for (auto& x : in) x = flavour == 0 ? random_float(g) : (flavour == 1 ? std::ldexp(random_float(g), -130) : std::ldexp(static_cast<float>(g() % 1000) - 500.0f, 100));
    for (const auto& shape : shapes)
      for (int wl : {2, 3, 8, 12, 16}) {
        std::vector<std::int16_t> out(n);
        std::vector<int> e(shape.count(n));
        // Independent exponents: minimal s with the largest magnitude fitting.
        std::vector<double> mx(e.size(), 0.0);
        for (std::size_t i = 0; i < n; ++i) mx[shape.block_of(i)] = std::max(mx[shape.block_of(i)], std::fabs(static_cast<double>(in[i])));
        auto run = [&](auto mode, auto&& rng, mode_id id, int R, std::vector<std::uint32_t> words) {
          REQUIRE((fl::block_quantize(cview(in), view(out), view(e), shape, wl, mode, rng)).ok());
          for (std::size_t k = 0; k < e.size(); ++k) {
            if (mx[k] == 0) {
              REQUIRE(e[k] == 0);
            } else {
              REQUIRE(fits(mx[k], e[k], wl));
              REQUIRE(!fits(mx[k], e[k] - 1, wl));
            }
          }
          for (std::size_t i = 0; i < n; ++i) {
            const double y = std::ldexp(static_cast<double>(in[i]), -e[shape.block_of(i)]);
            const auto want = ref_round(y, id, R, words.empty() ? 0 : words[i]);
            if (out[i] != want) {
              INFO("x=" << in[i] << " wl=" << wl << " mode=" << int(id) << " R=" << R << " s=" << e[shape.block_of(i)]);
              REQUIRE(out[i] == want);
            }
            ++checked;
          }
        };
        run(fl::round::nearest_even{}, fl::no_random{}, mode_id::ne, 0, {});
        run(fl::round::nearest_away{}, fl::no_random{}, mode_id::na, 0, {});
        run(fl::round::toward_zero{}, fl::no_random{}, mode_id::tz, 0, {});
        run(fl::round::upward{}, fl::no_random{}, mode_id::up, 0, {});
        run(fl::round::downward{}, fl::no_random{}, mode_id::dn, 0, {});
        run(fl::round::odd{}, fl::no_random{}, mode_id::odd, 0, {});
        std::vector<std::uint32_t> words(n);
        fl::philox_rng wr(trial);
        for (auto& w : words) w = wr();
        run(fl::round::stochastic<8>{}, fl::philox_rng(trial), mode_id::sto, 8, words);
        run(fl::round::stochastic<32>{}, fl::philox_rng(trial), mode_id::sto, 32, words);
        run(fl::round::stochastic<1>{}, fl::philox_rng(trial), mode_id::sto, 1, words);
        // The fast paths (nearest_even, stochastic) against the exact per-element path.
        REQUIRE((fl::block_quantize(cview(in), view(out), view(e), shape, wl, fl::round::stochastic<13>{}, fl::philox_rng(trial))).ok());
        for (std::size_t i = 0; i < n; ++i)
          REQUIRE(out[i] == fl::detail::quantize_exact<fl::round::stochastic<13>>(in[i], e[shape.block_of(i)], words[i]));
        REQUIRE((fl::block_quantize(cview(in), view(out), view(e), shape, wl, fl::round::nearest_even{})).ok());
        for (std::size_t i = 0; i < n; ++i)
          REQUIRE(out[i] == fl::detail::quantize_exact<fl::round::nearest_even>(in[i], e[shape.block_of(i)], 0));
      }
  }
  CHECK(checked == 60u * 5 * 5 * 9 * n);
}

TEST_CASE("block: 32-bit codes and dequantize round once", "[block]") {
  std::mt19937_64 g(5);
  std::vector<float> in(1000), back(1000);
  for (auto& x : in) x = random_float(g);
  std::vector<std::int32_t> out(in.size());
  std::vector<int> e(in.size() / 10);
  REQUIRE((fl::block_quantize(cview(in), view(out), view(e), block_shape::consecutive(10), 32, fl::round::nearest_even{})).ok());
  REQUIRE((fl::block_dequantize(cview(out), array_view<const int>(e.data(), e.size()), block_shape::consecutive(10), view(back))).ok());
  for (std::size_t i = 0; i < in.size(); ++i) {
    // 31 magnitude bits hold every float of the block exactly unless it is 2^31 times
    // smaller than the block maximum; then the reference is the rounded code.
    const double code_value = std::ldexp(static_cast<double>(out[i]), e[i / 10]);
    REQUIRE(back[i] == static_cast<float>(code_value));
    REQUIRE(out[i] == ref_round(std::ldexp(static_cast<double>(in[i]), -e[i / 10]), mode_id::ne));
  }
  std::vector<int> bad = {2000};
  CHECK((fl::block_dequantize(cview(out), array_view<const int>(bad.data(), 1), block_shape::whole(), view(back))).has(fl::status::bad_argument));
}

TEST_CASE("block: stochastic quantization is unbiased (statistical, can fail) and reproducible", "[block]") {
  std::mt19937_64 g(2);
  const std::size_t n = 64;
  std::vector<float> in(n);
  std::uniform_real_distribution<float> u(-3.0f, 3.0f);
  for (auto& x : in) x = u(g);
  in[0] = 3.0f;  // sets the scale: s = 1 - 6 = -5
  std::vector<std::int8_t> out(n), again(n);
  std::vector<int> e(1), e2(1);
  std::vector<double> sum(n, 0.0);
  const int trials = 4000;
  for (int t = 0; t < trials; ++t) {
    REQUIRE((fl::block_quantize(cview(in), view(out), view(e), block_shape::whole(), 8, fl::round::stochastic<16>{},
                               fl::philox_rng(1000 + t))).ok());
    for (std::size_t i = 0; i < n; ++i) sum[i] += out[i];
  }
  // z-scores of the mean code against the exact scaled value; E = y up to 2^-16.
  double chi2 = 0, zmax = 0;
  int tested = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double y = std::ldexp(static_cast<double>(in[i]), -e[0]);
    const double p = y - std::floor(y);
    if (p < 0.01 || p > 0.99) continue;
    const double z = (sum[i] / trials - y) / std::sqrt(p * (1 - p) / trials);
    chi2 += z * z;
    zmax = std::max(zmax, std::fabs(z));
    ++tested;
  }
  REQUIRE(tested > 40);
  CHECK(zmax < 5.0);                      // Bonferroni over 64 elements: false alarm ~ 4e-5
  CHECK(chi2 < tested + 6 * std::sqrt(2.0 * tested));  // chi-square(tested) upper tail
  // Same seed, same codes; another seed, other codes.
  REQUIRE((fl::block_quantize(cview(in), view(out), view(e), block_shape::whole(), 8, fl::round::stochastic<16>{}, fl::philox_rng(77))).ok());
  REQUIRE((fl::block_quantize(cview(in), view(again), view(e2), block_shape::whole(), 8, fl::round::stochastic<16>{}, fl::philox_rng(77))).ok());
  CHECK(out == again);
  REQUIRE((fl::block_quantize(cview(in), view(again), view(e2), block_shape::whole(), 8, fl::round::stochastic<16>{}, fl::philox_rng(78))).ok());
  CHECK(out != again);
}

namespace {
// MPFR reference: value * 2^exp rounded once to float.
float ref_to_float(__int128 value, int exp, mpfr_rnd_t rnd) {
  mpz_t z;
  mpz_init(z);
  const bool neg = value < 0;
  unsigned __int128 m = neg ? -static_cast<unsigned __int128>(value) : static_cast<unsigned __int128>(value);
  mpz_set_ui(z, static_cast<unsigned long>(m >> 64));
  mpz_mul_2exp(z, z, 64);
  mpz_add_ui(z, z, static_cast<unsigned long>(m));
  if (neg) mpz_neg(z, z);
  floatlab_test::mpfr_value f(200);
  mpfr_set_z(f, z, MPFR_RNDN);  // exact
  mpfr_mul_2si(f, f, exp, MPFR_RNDN);
  // float's exponent range and subnormals, then one rounding
  const auto emin = mpfr_get_emin(), emax = mpfr_get_emax();
  floatlab_test::mpfr_value r(24);
  int t = mpfr_set(r, f, rnd);  // in the default (wide) range
  mpfr_set_emin(-148);           // binary32: MPFR manual, mpfr_subnormalize example
  mpfr_set_emax(128);
  t = mpfr_check_range(r, t, rnd);
  mpfr_subnormalize(r, t, rnd);
  const float out = mpfr_get_flt(r, rnd);
  mpfr_set_emin(emin);
  mpfr_set_emax(emax);
  mpz_clear(z);
  return out;
}
}  // namespace

TEST_CASE("block: exact integer dot products and GEMM, rounded once (MPFR reference)", "[block]") {
  std::mt19937_64 g(9);
  for (int trial = 0; trial < 300; ++trial) {
    const std::size_t len = 1 + g() % 300;
    std::vector<std::int16_t> a(len), b(len);
    for (std::size_t i = 0; i < len; ++i) {
      a[i] = static_cast<std::int16_t>(g());
      b[i] = static_cast<std::int16_t>(trial % 5 == 0 ? -32768 : static_cast<std::int16_t>(g()));
    }
    const int ea = static_cast<int>(g() % 300) - 200, eb = static_cast<int>(g() % 60) - 30;
    __int128 exact_sum = 0;
    for (std::size_t i = 0; i < len; ++i) exact_sum += static_cast<__int128>(a[i]) * b[i];
    const auto d = fl::block_dot(cview(a), ea, cview(b), eb);
    REQUIRE((d.status).ok());
    REQUIRE(d.value == exact_sum);
    REQUIRE(d.exponent == ea + eb);
    REQUIRE(fl::detail::round_scaled_to_float<fl::round::nearest_even>(d.value, d.exponent, 0) == ref_to_float(exact_sum, ea + eb, MPFR_RNDN));
    REQUIRE(fl::detail::round_scaled_to_float<fl::round::toward_zero>(d.value, d.exponent, 0) == ref_to_float(exact_sum, ea + eb, MPFR_RNDZ));
    REQUIRE(fl::detail::round_scaled_to_float<fl::round::upward>(d.value, d.exponent, 0) == ref_to_float(exact_sum, ea + eb, MPFR_RNDU));
    REQUIRE(fl::detail::round_scaled_to_float<fl::round::downward>(d.value, d.exponent, 0) == ref_to_float(exact_sum, ea + eb, MPFR_RNDD));
    // A 32-bit accumulator (MuPPET): saturating or wrapping after every addition, in order.
    std::int64_t sat = 0, wrapped = 0;
    bool over = false;
    for (std::size_t i = 0; i < len; ++i) {
      const std::int64_t p = static_cast<std::int64_t>(a[i]) * b[i];
      sat += p;
      if (sat > INT32_MAX) { sat = INT32_MAX; over = true; }
      if (sat < INT32_MIN) { sat = INT32_MIN; over = true; }
      wrapped = static_cast<std::int32_t>(static_cast<std::uint32_t>(wrapped + p));
    }
    const auto ds = fl::block_dot<32, fl::overflow::saturate>(cview(a), ea, cview(b), eb);
    REQUIRE(ds.value == sat);
    REQUIRE(ds.status.has(fl::status::overflow) == over);
    const auto dw = fl::block_dot<32, fl::overflow::wrap>(cview(a), ea, cview(b), eb);
    REQUIRE(dw.value == wrapped);
  }
  // GEMM: per-row A exponents, per-column B exponents, and a tensor exponent.
  const std::size_t m = 5, n = 4, k = 37;
  std::vector<std::int8_t> A(m * k), B(k * n);
  for (auto& x : A) x = static_cast<std::int8_t>(g());
  for (auto& x : B) x = static_cast<std::int8_t>(g());
  std::vector<int> ea = {-7, 3, 0, -100, 12}, eb = {1, -1, 5, -20}, one = {-4};
  std::vector<float> C(m * n), C2(m * n);
  REQUIRE((fl::block_gemm(cview(A), cview(ea), cview(B), cview(eb), m, n, k, view(C), fl::round::nearest_even{}, fl::no_random{})).ok());
  REQUIRE((fl::block_gemm(cview(A), cview(one), cview(B), cview(eb), m, n, k, view(C2), fl::round::stochastic<8>{}, fl::philox_rng(3))).ok());
  fl::philox_rng words(3);
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      __int128 s = 0;
      for (std::size_t t = 0; t < k; ++t) s += A[i * k + t] * B[t * n + j];
      REQUIRE(C[i * n + j] == ref_to_float(s, ea[i] + eb[j], MPFR_RNDN));
      const std::uint32_t w = words();
      const float lo = ref_to_float(s, one[0] + eb[j], MPFR_RNDD), hi = ref_to_float(s, one[0] + eb[j], MPFR_RNDU);
      REQUIRE((C2[i * n + j] == lo || C2[i * n + j] == hi));
      (void)w;
    }
  // An 8-bit accumulator overflows and says so.
  REQUIRE((fl::block_gemm<8>(cview(A), cview(ea), cview(B), cview(eb), m, n, k, view(C), fl::round::nearest_even{}, fl::no_random{})).has(fl::status::overflow));
}

TEST_CASE("block: philox_bulk_rng draws philox_rng's words, in order, through fill and ()", "[block]") {
  for (std::uint64_t seed : {0ull, 1ull, 0xDEADBEEFCAFEull}) {
    fl::philox_rng ref(seed, 9);
    fl::philox_bulk_rng bulk(seed, 9);
    std::mt19937_64 g(seed);
    std::vector<std::uint32_t> buf(2000);
    for (int step = 0; step < 60; ++step) {
      const std::size_t n = step % 3 == 0 ? 1 : g() % 1500;  // odd sizes, partial Philox blocks
      if (step % 5 == 0) {
        REQUIRE(bulk() == ref());
        continue;
      }
      bulk.fill(buf.data(), n);
      for (std::size_t i = 0; i < n; ++i) REQUIRE(buf[i] == ref());
    }
  }
  // block_quantize gives the same codes with either source.
  std::mt19937_64 g(8);
  std::vector<float> in(3000);
  for (auto& x : in) x = random_float(g);
  std::vector<std::int8_t> a(in.size()), b(in.size());
  std::vector<int> ea(in.size() / 30 + 1), eb(ea.size());
  for (const auto& shape : {block_shape::consecutive(30), block_shape::whole(), block_shape::by_rows(100, 30), block_shape::by_columns(100, 30)}) {
    REQUIRE((fl::block_quantize(cview(in), view(a), view(ea), shape, 8, fl::round::stochastic<20>{}, fl::philox_rng(4, 2))).ok());
    REQUIRE((fl::block_quantize(cview(in), view(b), view(eb), shape, 8, fl::round::stochastic<20>{}, fl::philox_bulk_rng(4, 2))).ok());
    CHECK(a == b);
  }
}

// block_gemm's int8 fast path (exact or >= 32-bit accumulators, k <= 131071: int32 tiles)
// against the accumulator loop of its exact path written out here (block_accumulator per
// element, round_scaled_to_float with the words in row-major order): every code -128..127, shapes
// with a column tail past the 256-wide tile, k = 0, 1, 3 (below the unroll of 4) and long k with
// sums near 2^31, NaN exponents, nearest and stochastic, bit for bit (NaN: NaN).
TEST_CASE("block: block_gemm's int8 fast path equals the accumulator loop", "[block]") {
  std::mt19937_64 g(2026);
  struct shape {
    std::size_t m, n, k;
  };
  const shape shapes[] = {{3, 5, 0}, {2, 7, 1}, {4, 3, 3}, {3, 300, 37}, {5, 513, 9}, {2, 17, 131071}, {1, 2, 131072}};
  long bad = 0, compared = 0;
  for (const auto& sh : shapes) {
    std::vector<std::int8_t> A(sh.m * sh.k), B(sh.k * sh.n);
    const bool extreme = sh.k > 100000;  // every product +-2^14: sums reach the 2^31 bound
    for (auto& x : A) x = extreme ? std::int8_t{-128} : static_cast<std::int8_t>(g());
    for (auto& x : B) x = extreme ? std::int8_t{-128} : static_cast<std::int8_t>(g());
    std::vector<int> ea(sh.m), eb(sh.n);
    for (auto& e : ea) e = static_cast<int>(g() % 41) - 20;
    for (auto& e : eb) e = static_cast<int>(g() % 41) - 20;
    if (sh.m > 2) ea[1] = fl::block_nan_exponent;
    if (sh.n > 4) eb[3] = fl::block_nan_exponent;
    auto check = [&](auto acc_bits, auto mode, auto make_rng) {
      constexpr int AccBits = decltype(acc_bits)::value;
      using Mode = decltype(mode);
      std::vector<float> C(sh.m * sh.n);
      const fl::status st = fl::block_gemm<AccBits, fl::overflow::saturate>(cview(A), cview(ea), cview(B), cview(eb), sh.m, sh.n, sh.k,
                                                                            view(C), Mode{}, make_rng());
      auto words = make_rng();
      std::uint32_t want_flags = 0;
      for (std::size_t i = 0; i < sh.m; ++i)
        for (std::size_t j = 0; j < sh.n; ++j, ++compared) {
          const std::uint32_t w = fl::is_stochastic_v<Mode> ? words() : 0u;
          float want;
          if (ea[i] == fl::block_nan_exponent || eb[j] == fl::block_nan_exponent) {
            want = std::numeric_limits<float>::quiet_NaN();
            want_flags |= fl::status::invalid;
          } else {
            fl::block_accumulator<AccBits, fl::overflow::saturate> acc;
            for (std::size_t t = 0; t < sh.k; ++t) acc.add(static_cast<std::int64_t>(A[i * sh.k + t]) * B[t * sh.n + j]);
            if (acc.overflowed) want_flags |= fl::status::overflow;
            want = fl::detail::round_scaled_to_float<Mode>(acc.value, ea[i] + eb[j], w);
          }
          const float got = C[i * sh.n + j];
          bad += !(got == want || (got != got && want != want)) || std::signbit(got) != std::signbit(want);
        }
      bad += st.flags != want_flags;
    };
    using ne = fl::round::nearest_even;
    using sr = fl::round::stochastic<8>;
    auto none = [] { return fl::no_random{}; };
    auto philox = [] { return fl::philox_rng(11); };
    check(std::integral_constant<int, 32>{}, ne{}, none);
    check(std::integral_constant<int, 0>{}, sr{}, philox);
    check(std::integral_constant<int, 40>{}, sr{}, philox);
    if (sh.k > 100000) check(std::integral_constant<int, 8>{}, ne{}, none);  // the exact path: saturates
  }
  INFO("outputs compared " << compared);
  CHECK(compared > 4000);
  CHECK(bad == 0);
}
