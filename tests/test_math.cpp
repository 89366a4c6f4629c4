// tests/test_math.cpp: floatlab/math.hpp against MPFR.
//   - every input of binary16, bfloat16, cfloat<6,9>, e4m3, e5m2, e3m2, e2m3, e2m1, every
//     function, the six deterministic modes, and stochastic<1>, <5>, <32> with Philox words;
//   - binary32: random inputs weighted toward edges plus hard regions (thresholds of the
//     asymptotic cases, overflow/underflow, near 1 for the logs, tiny arguments), every mode;
//   - the kernels' error bounds (eps2, eps3) against MPFR on random binary32 inputs;
//   - [full]: every binary32 input of exp, log, tanh, logistic in nearest-even
//     (FLOATLAB_MATH_STRIDE=k checks every k-th pattern).
// FLOATLAB_MATH_ONLY=name limits the exhaustive cases to one function (runs by hand).
#define FLOATLAB_MATH_COUNTERS 1
#include <floatlab/math.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "support/mpfr_math.hpp"
#include "support/operands.hpp"
#include "../tools/math_sweep32/oracle32.hpp"

using mathref::fn;
namespace fl = floatlab;

namespace {

template <class T, class... A>
T call(fn f, T x, A... a) {
  switch (f) {
    case fn::exp: return fl::exp(x, a...);
    case fn::exp2: return fl::exp2(x, a...);
    case fn::expm1: return fl::expm1(x, a...);
    case fn::log: return fl::log(x, a...);
    case fn::log2: return fl::log2(x, a...);
    case fn::log1p: return fl::log1p(x, a...);
    case fn::tanh: return fl::tanh(x, a...);
    case fn::erf: return fl::erf(x, a...);
    case fn::logistic: return fl::logistic(x, a...);
    case fn::softplus: return fl::softplus(x, a...);
    case fn::silu: return fl::silu(x, a...);
    case fn::gelu: return fl::gelu(x, a...);
    case fn::gelu_tanh: return fl::gelu_tanh(x, a...);
    case fn::logistic_grad: return fl::logistic_grad(x, a...);
    case fn::tanh_grad: return fl::tanh_grad(x, a...);
  }
  return x;
}

struct tally {
  std::uint64_t inputs = 0, checks = 0, mismatches = 0;
};

// Checks one input in every mode; the oracle's result slot already holds f(x).
template <class T>
void check_input(fn f, T x, oracle::reference& ref, tally& t, std::uint64_t seed) {
  namespace r = fl::round;
  const std::uint64_t bits = x.bits();
  auto report = [&](const char* mode, std::uint64_t got, std::uint64_t want) {
    ++t.checks;
    if (got == want) return;
    if (++t.mismatches <= 10)
      std::printf("  MISMATCH %s %s x=0x%llx (%.17g): got 0x%llx want 0x%llx\n", mathref::name(f), mode,
                  static_cast<unsigned long long>(bits), static_cast<double>(x), static_cast<unsigned long long>(got),
                  static_cast<unsigned long long>(want));
  };
  report("nearest_even", call(f, x, r::nearest_even{}).bits(), ref.round(oracle::mode::nearest_even));
  report("nearest_away", call(f, x, r::nearest_away{}).bits(), ref.round(oracle::mode::nearest_away));
  report("toward_zero", call(f, x, r::toward_zero{}).bits(), ref.round(oracle::mode::toward_zero));
  report("upward", call(f, x, r::upward{}).bits(), ref.round(oracle::mode::upward));
  report("downward", call(f, x, r::downward{}).bits(), ref.round(oracle::mode::downward));
  report("odd", call(f, x, r::odd{}).bits(), ref.round(oracle::mode::odd));
  const auto op = static_cast<std::uint32_t>(f);
  const std::uint32_t w1 = fl::philox_word(seed, bits, op), w2 = fl::philox_word(seed, bits, op + 100),
                      w3 = fl::philox_word(seed, bits, op + 200);
  report("stochastic<1>", call(f, x, r::stochastic<1>{}, fl::fixed_word{w1}).bits(),
         ref.round(oracle::mode::stochastic, 1, w1));
  report("stochastic<5>", call(f, x, r::stochastic<5>{}, fl::fixed_word{w2}).bits(),
         ref.round(oracle::mode::stochastic, 5, w2));
  report("stochastic<32>", call(f, x, r::stochastic<32>{}, fl::fixed_word{w3}).bits(),
         ref.round(oracle::mode::stochastic, 32, w3));
}

std::uint64_t stride_for_scale(std::uint64_t count) {
  const double s = operands::test_scale();
  if (s >= 1 || count <= 4096) return 1;
  const double k = 1 / (s > 1e-6 ? s : 1e-6);
  return static_cast<std::uint64_t>(k) | 1;  // odd stride: both signs, all low bits
}

// Every input (sample = 1), or every sample-th (odd: both signs, every binade and low bit
// pattern) plus every input with the smallest or largest exponent field (zeros, subnormals,
// the top binade, inf, NaN); FLOATLAB_TEST_SCALE < 1 strides further.
template <class T>
void exhaustive(const char* label, std::uint64_t sample = 1) {
  using F = typename T::format_type;
  oracle::reference ref(oracle::format_desc::of<F>());
  mathref::reference mr;
  const std::uint64_t count = std::uint64_t{1} << F::total_bits;
  const std::uint64_t scale_step = stride_for_scale(count), step = scale_step * sample;
  const auto edge = [](std::uint64_t b) {
    const std::uint64_t field = (b >> F::fraction_bits) & ((std::uint64_t{1} << F::exponent_bits) - 1);
    return field == 0 || field == (std::uint64_t{1} << F::exponent_bits) - 1;
  };
  const char* only = std::getenv("FLOATLAB_MATH_ONLY");  // one function by name (runs by hand)
  for (fn f : mathref::all_fns) {
    if (only != nullptr && std::string(only) != mathref::name(f)) continue;
    tally t;
    fl::math_counters() = {};
    for (std::uint64_t b = 0; b < count; ++b) {
      if (b % scale_step != 0 || (b % step != 0 && !edge(b))) continue;
      ref.decode(b, ref.operand(0));
      mr.eval(f, ref.operand(0), ref.result());
      check_input<T>(f, T::from_bits(static_cast<typename F::storage>(b)), ref, t, 17);
      ++t.inputs;
    }
    const auto c = fl::math_counters();
    std::printf("math %-10s %-9s inputs %7llu checks %8llu mismatches %llu  rounding tests %llu short misses %llu "
                "double misses %llu fallbacks %llu unresolved %llu\n",
                label, mathref::name(f), static_cast<unsigned long long>(t.inputs),
                static_cast<unsigned long long>(t.checks), static_cast<unsigned long long>(t.mismatches),
                static_cast<unsigned long long>(c.calls), static_cast<unsigned long long>(c.short_misses),
                static_cast<unsigned long long>(c.fast_misses), static_cast<unsigned long long>(c.fallbacks),
                static_cast<unsigned long long>(c.unresolved));
    INFO(label << " " << mathref::name(f));
    CHECK(t.mismatches == 0);
    CHECK(c.unresolved == 0);
  }
}

}  // namespace

TEST_CASE("math: exhaustive small formats", "[math]") {
  exhaustive<fl::e4m3>("e4m3");
  exhaustive<fl::e5m2>("e5m2");
  exhaustive<fl::e4m3fnuz>("e4m3fnuz");
  exhaustive<fl::e3m2>("e3m2");
  exhaustive<fl::e2m3>("e2m3");
  exhaustive<fl::e2m1>("e2m1");
  exhaustive<fl::cfloat<4, 3, fl::round::nearest_even, fl::encoding::ieee_ftz>>("e4m3ftz");
}

// 16-bit formats: every input in the full tier (a minute of one core in all); CI checks every
// function in every mode on every 7th input plus the edge binades (docs/testing.md).
TEST_CASE("math: exhaustive binary16", "[full][math]") { exhaustive<fl::binary16>("binary16"); }
TEST_CASE("math: exhaustive bfloat16", "[full][math]") { exhaustive<fl::bfloat16>("bfloat16"); }
TEST_CASE("math: exhaustive cfloat<6 9>", "[full][math]") { exhaustive<fl::cfloat<6, 9>>("cfloat6_9"); }
TEST_CASE("math: 16-bit formats on every 7th input and the edge binades", "[math]") {
  exhaustive<fl::binary16>("binary16", 7);
  exhaustive<fl::bfloat16>("bfloat16", 7);
  exhaustive<fl::cfloat<6, 9>>("cfloat6_9", 7);
}

namespace {

// binary32 inputs: edge-weighted random patterns plus the hard regions of each function.
std::vector<std::uint32_t> binary32_inputs(fn f, std::size_t random_count, std::uint64_t seed) {
  std::vector<std::uint32_t> v;
  operands::generator<fl::binary32::format_type> gen(seed);
  std::mt19937_64 rng(seed * 7 + 1);
  for (std::size_t i = 0; i < random_count; ++i) v.push_back(static_cast<std::uint32_t>(gen.operand()));
  // Around each threshold t: the 64 floats on each side (both signs).
  const double thresholds[] = {0x1p-62, 0x1p-61, 0x1p-60, 0x1p-59, 0x1p-58, 0x1p-31, 0x1p-30, 0x1p-29, 0.0625,
                               1.0, 2.0, 0.5, 2.0 / 3.0, 1.4375, 6.4, 9.0, 20.0, 21.0, 42.0, 45.0, 2.8284271247461903,
                               40.0, 88.72283935546875, 89.0, 128.0, 103.97, 87.33654, 149.0, 126.0, 150.0, 1000.0,
                               1.0 + 0x1p-10, 1.0 - 0x1p-10, 0.9375, 1.0625};
  for (double t : thresholds)
    for (int s = 0; s < 2; ++s) {
      const std::uint32_t b = fl::bit_cast<std::uint32_t>(static_cast<float>(s ? -t : t));
      for (int d = -64; d <= 64; ++d) v.push_back(b + d);
    }
  // Dense random in the ranges where each function does its work.
  std::uniform_real_distribution<double> u(-1, 1);
  const double span = f == fn::log || f == fn::log2 ? 2.0 : f == fn::erf ? 7.0 : f == fn::tanh ? 22.0 : 50.0;
  for (std::size_t i = 0; i < random_count / 2; ++i) {
    double x = u(rng) * span;
    if (f == fn::log || f == fn::log2) x = 1 + x / 8;
    v.push_back(fl::bit_cast<std::uint32_t>(static_cast<float>(x)));
  }
  // Tiny arguments of every binade.
  for (int e = -149; e < -20; ++e)
    for (int s = 0; s < 2; ++s)
      v.push_back(fl::bit_cast<std::uint32_t>(static_cast<float>((s ? -1 : 1) * std::ldexp(1 + u(rng) * 0.5, e))));
  return v;
}

}  // namespace

TEST_CASE("math: binary32 random and hard inputs", "[math]") {
  using T = fl::binary32;
  oracle::reference ref(oracle::format_desc::of<T::format_type>());
  mathref::reference mr;
  const auto n = static_cast<std::size_t>(6000 * operands::test_scale()) + 50;
  for (fn f : mathref::all_fns) {
    tally t;
    fl::math_counters() = {};
    for (std::uint32_t b : binary32_inputs(f, n, 1234 + static_cast<int>(f))) {
      ref.decode(b, ref.operand(0));
      mr.eval(f, ref.operand(0), ref.result());
      check_input<T>(f, T::from_bits(b), ref, t, 99);
      ++t.inputs;
    }
    const auto c = fl::math_counters();
    std::printf("math binary32 %-9s inputs %6llu checks %7llu mismatches %llu  rounding tests %llu fallbacks %llu\n",
                mathref::name(f), static_cast<unsigned long long>(t.inputs), static_cast<unsigned long long>(t.checks),
                static_cast<unsigned long long>(t.mismatches), static_cast<unsigned long long>(c.calls),
                static_cast<unsigned long long>(c.fallbacks));
    INFO(mathref::name(f));
    CHECK(t.mismatches == 0);
    CHECK(c.unresolved == 0);
  }
}

namespace {

// Relative error of a kernel's v 2^k against MPFR, as log2 (or -1000 if exact).
template <int N, class Kernel>
double kernel_error_log2(double x, fn f, mathref::reference& mr) {
  const auto r = Kernel::template eval<N>(x);
  mpfr_t xv, y, d;
  mpfr_inits2(700, xv, y, d, (mpfr_ptr)nullptr);
  mpfr_set_d(xv, x, MPFR_RNDN);
  mr.eval(f, xv, y);  // y has 700 bits here: round to odd at 700 bits
  mpfr_set_ui(d, 0, MPFR_RNDN);
  for (int i = 0; i < N; ++i) mpfr_add_d(d, d, r.v[i], MPFR_RNDN);  // exact at 700 bits
  mpfr_mul_2si(d, d, r.k, MPFR_RNDN);
  mpfr_sub(d, d, y, MPFR_RNDN);
  mpfr_div(d, d, y, MPFR_RNDN);
  const double e = mpfr_zero_p(d) ? -1000.0 : std::log2(std::fabs(mpfr_get_d(d, MPFR_RNDN)));
  mpfr_clears(xv, y, d, (mpfr_ptr)nullptr);
  return e;
}

template <class Kernel>
void check_kernel_bound(fn f, double lo, double hi, std::size_t count) {
  namespace cr = fl::detail::cr;
  mathref::reference mr;
  std::mt19937_64 rng(42 + static_cast<int>(f));
  std::uniform_real_distribution<double> u(lo, hi);
  double worst2 = -1000, worst3 = -1000;
  for (std::size_t i = 0; i < count; ++i) {
    double x = static_cast<float>(u(rng));
    if (i % 4 == 0) x = static_cast<float>(std::ldexp(u(rng), -static_cast<int>(rng() % 40)));  // small arguments
    if ((f == fn::log || f == fn::log2) && x <= 0) x = -x + 0x1p-100;
    if (f == fn::log1p && x <= -1) continue;
    if (x == 0) continue;
    const double e2 = kernel_error_log2<2, Kernel>(x, f, mr);
    const double e3 = kernel_error_log2<3, Kernel>(x, f, mr);
    worst2 = e2 > worst2 ? e2 : worst2;
    worst3 = e3 > worst3 ? e3 : worst3;
  }
  std::printf("math bound %-9s worst relative error seen: double-word 2^%.1f (bound 2^%d), triple-double 2^%.1f (bound 2^%d)\n",
              mathref::name(f), worst2, Kernel::eps2_log2, worst3, Kernel::eps3_log2);
  INFO(mathref::name(f));
  CHECK(worst2 <= Kernel::eps2_log2);
  CHECK(worst3 <= Kernel::eps3_log2);
  (void)sizeof(cr::cell);
}

}  // namespace

TEST_CASE("math: kernel error bounds hold against MPFR", "[math]") {
  namespace cr = fl::detail::cr;
  const auto n = static_cast<std::size_t>(700 * operands::test_scale()) + 20;
  check_kernel_bound<cr::fn_exp>(fn::exp, -100, 88, n);
  check_kernel_bound<cr::fn_exp2>(fn::exp2, -140, 127, n);
  check_kernel_bound<cr::fn_expm1>(fn::expm1, -40, 88, n);
  check_kernel_bound<cr::fn_log>(fn::log, 0, 100, n);
  check_kernel_bound<cr::fn_log2>(fn::log2, 0, 3, n);
  check_kernel_bound<cr::fn_log1p>(fn::log1p, -1, 100, n);
  check_kernel_bound<cr::fn_tanh>(fn::tanh, -21, 21, n);
  check_kernel_bound<cr::fn_erf>(fn::erf, -6.4, 6.4, n);
  check_kernel_bound<cr::fn_logistic>(fn::logistic, -200, 42, n);
  check_kernel_bound<cr::fn_softplus>(fn::softplus, -200, 42, n);
  check_kernel_bound<cr::fn_silu>(fn::silu, -200, 42, n);
  check_kernel_bound<cr::fn_gelu>(fn::gelu, -40, 9, n);
  check_kernel_bound<cr::fn_gelu_tanh>(fn::gelu_tanh, -20, 9, n);
  check_kernel_bound<cr::fn_logistic_grad>(fn::logistic_grad, -200, 200, n);
  check_kernel_bound<cr::fn_tanh_grad>(fn::tanh_grad, -100, 100, n);
}

TEST_CASE("math: calling convention and special values", "[math]") {
  using h = fl::binary16;
  const h one(1.0), zero(0.0);
  CHECK(fl::exp(zero).bits() == one.bits());
  CHECK(fl::log(one).bits() == zero.bits());
  CHECK(fl::log2(h(8.0)).bits() == h(3.0).bits());
  CHECK(fl::exp2(h(-3.0)).bits() == h(0.125).bits());
  CHECK(fl::logistic(zero).bits() == h(0.5).bits());
  CHECK(fl::tanh(-zero).bits() == (-zero).bits());
  CHECK(fl::signbit(fl::log(zero)));
  CHECK(fl::isinf(fl::log(zero)));
  CHECK(fl::isnan(fl::log(h(-1.0))));
  // Explicit mode and source; the type's mode by default; rng alone uses the type's mode.
  using hs = fl::cfloat<5, 10, fl::round::stochastic<8>>;
  fl::philox_rng rng(5);
  const hs y = fl::exp(hs(0.3), rng);
  CHECK((y.bits() == fl::exp(h(0.3), fl::round::downward{}).bits() ||
         y.bits() == fl::exp(h(0.3), fl::round::upward{}).bits()));
  CHECK(fl::exp(h(0.3), fl::round::upward{}).bits() == fl::nextafter(fl::exp(h(0.3), fl::round::downward{}), h(2.0)).bits());
}

TEST_CASE("math: all binary32 inputs of exp log tanh logistic in nearest-even", "[full][math]") {
  using T = fl::binary32;
  const char* s = std::getenv("FLOATLAB_MATH_STRIDE");
  const std::uint64_t stride = s ? std::strtoull(s, nullptr, 10) : 1;
  oracle::reference ref(oracle::format_desc::of<T::format_type>());
  mathref::reference mr;
  for (fn f : {fn::exp, fn::log, fn::tanh, fn::logistic}) {
    std::uint64_t inputs = 0, mismatches = 0;
    fl::math_counters() = {};
    for (std::uint64_t b = 0; b < (std::uint64_t{1} << 32); b += stride) {
      ref.decode(b, ref.operand(0));
      mr.eval(f, ref.operand(0), ref.result());
      const auto got = call(f, T::from_bits(static_cast<std::uint32_t>(b)), fl::round::nearest_even{}).bits();
      ++inputs;
      if (got != ref.round(oracle::mode::nearest_even) && ++mismatches <= 10)
        std::printf("  MISMATCH %s x=0x%llx\n", mathref::name(f), static_cast<unsigned long long>(b));
    }
    const auto c = fl::math_counters();
    std::printf("math binary32 all (stride %llu) %-9s inputs %llu mismatches %llu fallbacks %llu\n",
                static_cast<unsigned long long>(stride), mathref::name(f), static_cast<unsigned long long>(inputs),
                static_cast<unsigned long long>(mismatches), static_cast<unsigned long long>(c.fallbacks));
    CHECK(mismatches == 0);
  }
}

// Inputs the 2^24-pattern sweep slice sent to MPFR (nearest-even; exp, log, tanh, logistic).
static const std::uint32_t sweep_slice_hard[] = {
  // exp
  0x337fffb3, 0x343ffff4, 0x35300005, 0x364bffea, 0x38083f6f, 0x38ad9e29, 0x3b1a5273, 0x3cdebd1b,
  0x3d7010de, 0x3e20fe1b, 0x3e6c00d3, 0x3f076ba3, 0x3fdb5fc4, 0x40085088, 0x4031e2f1, 0x41b5b13d,
  0x41ddc125, 0x41e2a706, 0x42441c1a, 0x425ca78d, 0xb2fffeb1, 0xb2ffffb2, 0xb30000b3, 0xb3bffff3,
  0xb4cfffe4, 0xb4b00004, 0xb5ac0009, 0xb5b40001, 0xb70e8028, 0xb79a405d, 0xb7fd40fb, 0xb807e090,
  0xb82d60eb, 0xb69d0019, 0xb69f0017, 0xb9f602c6, 0xb84de14b, 0xbb10b45e, 0xbb1f9d38, 0xba54b015,
  0xba8eb6e2, 0xbcbdf6f5, 0xbcc92b1e, 0xbdc32b25, 0xbea9b2c7, 0xc0e0d7b7, 0xc0f37e4b, 0xc1059550,
  0xc027eb83,
  // log
  0x00eadcf3, 0x0482f274, 0x063ff1b8, 0x08bd88d4, 0x0d78952a, 0x11c57ac7, 0x11f44e6c, 0x158da931,
  0x18231a0f, 0x1900445d, 0x1c0db6c5, 0x1cceee3c, 0x1eae1788, 0x211f6769, 0x24020325, 0x280bd1ee,
  0x29ea2969, 0x2ca57f06, 0x2da6ab32, 0x2fa351de, 0x326d793e, 0x35245f70, 0x36484e3c, 0x37587857,
  0x3801f52b, 0x3b8101bc, 0x3cd799ff, 0x407ee7a9, 0x3fc2ef6c, 0x420667a3, 0x44755322, 0x459803b1,
  0x46137aad, 0x49502b24, 0x498723e6, 0x4cdd2999, 0x4e2cc2e4, 0x503d2e41, 0x51dd76eb, 0x5385400e,
  0x5579d3af, 0x56cb43cf, 0x58da23a2, 0x597ed5b0, 0x5cc26a04, 0x5bed309f, 0x5e81e8c5, 0x5fd2b845,
  0x614f1022, 0x659e7138, 0x6701096f, 0x67f31287, 0x6b41e30c, 0x6d49fe21, 0x726d8c91, 0x773ae622,
  0x763d5a93, 0x79c59145, 0x7d7f5b59,
  // tanh
  0x3a71e7b0, 0x3b10fb25, 0x3de78ee5, 0x3dfb7dc0, 0x3e2d0213, 0x3c7e6220, 0x3ee796ee, 0x4065401b,
  0x3f9752fb, 0x3fa24fed, 0x3fdf096a, 0x4036303a, 0xb9b89b9c, 0xbaf87234, 0xbb7392da, 0xbbde4d2a,
  0xba27ba4c, 0xbcefa06d, 0xbdd02c19, 0xbf5380ec, 0xbe608deb, 0xc02220be, 0xc030c251, 0xc07af136,
  0xc080d312,
  // logistic
  0x33ffff33, 0x34000034, 0x35200015, 0x3637fffe, 0x37360001, 0x38f8c000, 0x3918e000, 0x39592000,
  0x3ad39c03, 0x3b400e09, 0x39895000, 0x3b764e13, 0x3b81510b, 0x3bb0911c, 0x3bb89d20, 0x3dbf8503,
  0x3c24c3db, 0x3fc765de, 0x4011507f, 0x40fbb3f9, 0xb4400074, 0xb37ffe31, 0xb37fff32, 0xb3800033,
  0xb4dfffd4, 0xb4a00014, 0xb5b7fffd, 0xb6b20004, 0xb6b60000, 0xb6b9fffc, 0xb5a8000d, 0xb877c000,
  0xb8d82000, 0xb9085000, 0xb897e000, 0xb9287000, 0xb9489000, 0xb968b000, 0xb980c800, 0xb990d800,
  0xba92da01, 0xbbe4e6bd, 0xbc3d4bca, 0xbc742068, 0xbb81518b, 0xbbb0919c, 0xbdc4a19a, 0xbdc8bfb4,
  0xbea393ae, 0xbeb0101e, 0xc0057d37, 0xc00700b9, 0xbfacf406, 0xc03fa323, 0xc0b93a41, 0xc10b560b,
  0xc1291bb3, 0xc1492ca4,
  // session 11: inputs the stride-257 sweep sent to MPFR (math_sweep32 --list-mpfr 24): exp2,
  // log2, erf, sin in nearest-even, exp2 toward zero
  0x33b8aa25, 0x382a98a6, 0x396c7e4b, 0x398012cc, 0x3a300913, 0x3a3f2d28, 0x3b13456d, 0x3bb21da7, 0x3c0e0533,
  0x3c2f525f, 0x3c4c7363, 0x3d0b184a, 0x3d95e58d, 0x3f80c685, 0x419ee689, 0x4245dfdc, 0xb338a923, 0xb338aa24,
  0xb338ab25, 0xb466d522, 0xb4cfbfa4, 0xb52d1fa7, 0xb5b2e4e7, 0xb8b8c2c2, 0x00e5bdd9, 0x017c45cb, 0x01cb235a,
  0x02166c58, 0x0220c9ab, 0x025d9c41, 0x02afb407, 0x039b47b0, 0x03b34495, 0x04738d1e, 0x04a0be22, 0x04c879b6,
  0x05870b8a, 0x07006067, 0x07695efd, 0x087fed76, 0x08df9ac4, 0x09ca9ada, 0x09f78194, 0x0b3f8652, 0x0c66da80,
  0x0e238d78, 0x0f171109, 0x102cc9ad, 0x00669d37, 0x01206445, 0x01da2b53, 0x02ca1750, 0x033a460f, 0x042a320c,
  0x05d3e517, 0x05f0e9ff, 0x0733ffd3, 0x0823ebd0, 0x08ddb2de, 0x0984068c, 0x0a3dcd9a, 0x0b2db997, 0x0cd76ca2,
  0x0cf4718a, 0x0d479b61, 0x0de45d87, 0x0e37875e, 0x0f27735b, 0x0fe13a69, 0x10878e17, 0x11415525, 0x12314122,
  0x39e896e8, 0x39e897e9, 0x3a7a8d4d, 0x3a9dd673, 0x3afea8e5, 0x3c344d55, 0x3ca2821c, 0x3ccee654, 0x3d174b71,
  0x3eef8ede, 0x3f2185a3, 0x3f62a683, 0x3fbf9818, 0x3fd02d9d, 0x40854b06, 0x40eb378d, 0x415fd5b7, 0x41ba3fc7,
  0x41d61682, 0x420cabe1, 0x4277a974, 0x466e4b23, 0x468b08c4, 0x46b0780e, 0x34b8aa26, 0x350a7faa, 0x360a7fab,
  0x38e054ad, 0x39ac1caa, 0x3b844a01, 0x3c015994, 0x3d5b8a6c, 0x3edbf154, 0x3f49c0b6, 0x3f54b39e, 0x3f5aefd4,
  0x3d02b1ec, 0x407bf7bc, 0x40bff475, 0x40e35bb9, 0x41e4b613, 0x425b381f, 0x42e266c7, 0xb3b8a9a4, 0xb3b8aaa5,
  0xb438aa25, 0xb4e6d4a2, 0xb57dea21,
};

// The suite's side of the sweep oracle's functions: the MPFR value of f(x) into ref.result()
// (sin and cos are not in mathref: their MPFR functions directly, as test_math_trig) and
// floatlab's binary32 result.
fn suite_fn(sweep32::fn sf) {
  for (const fn f : mathref::all_fns)
    if (std::string(mathref::name(f)) == sweep32::name(sf)) return f;
  return fn::exp;  // sin, cos: not used
}
bool is_trig(sweep32::fn sf) { return sf == sweep32::fn::sin || sf == sweep32::fn::cos; }
void suite_eval(sweep32::fn sf, oracle::reference& ref, mathref::reference& mr) {
  if (is_trig(sf)) {
    mpfr_srcptr x = ref.operand(0);
    const bool c = sf == sweep32::fn::cos;
    mr.eval_with([&] { return c ? mpfr_cos(mr.value(), x, MPFR_RNDN) : mpfr_sin(mr.value(), x, MPFR_RNDN); },
                 ref.result(), sweep32::name(sf));
  } else {
    mr.eval(suite_fn(sf), ref.operand(0), ref.result());
  }
}
template <class Mode>
float floatlab_binary32(sweep32::fn sf, std::uint32_t b, Mode m) {
  const auto x = fl::binary32::from_bits(b);
  const fl::binary32 y = sf == sweep32::fn::sin   ? fl::sin(x, m)
                         : sf == sweep32::fn::cos ? fl::cos(x, m)
                                                  : call(suite_fn(sf), x, m);
  return sweep32::float_of(y.bits());
}

// The inputs of both oracle cases: every stride-th pattern, every pattern among 2^20 (stride
// 4093, odd: every low-bit class) that `declines` leaves undecided, the hard inputs above, 64
// floats each side of each threshold (the range ends, overflow / underflow, subnormal results,
// the inequality bands of every function) and the specials.
template <class Declines>
std::vector<std::uint32_t> sweep_oracle_inputs(std::uint64_t stride, Declines declines, std::size_t& n_slice) {
  std::vector<std::uint32_t> inputs;
  for (std::uint64_t b = 0; b < (std::uint64_t{1} << 32); b += stride) inputs.push_back(static_cast<std::uint32_t>(b));
  n_slice = inputs.size();
  for (std::uint64_t b = 1; b < (std::uint64_t{1} << 32); b += static_cast<std::uint64_t>(4093 / operands::test_scale()))
    if (declines(sweep32::float_of(static_cast<std::uint32_t>(b)))) inputs.push_back(static_cast<std::uint32_t>(b));
  inputs.insert(inputs.end(), std::begin(sweep_slice_hard), std::end(sweep_slice_hard));
  for (const float t : {88.72283935546875f, 89.0f, 128.0f, -87.33654785156250f, -103.27892303466797f, -103.97207641601562f,
                        -126.0f, -149.0f, -150.0f, -151.0f, -200.0f, 0x1p-30f, -0x1p-30f, 0x1p-26f, -0x1p-26f, 0x1p-25f,
                        -0x1p-25f, 0x1p-24f, 0x1p-12f, -0x1p-12f, 4.0f, -4.0f, 10.0f, -10.0f, 20.0f, -20.0f, -1.0f,
                        9.010913848876953f, -9.010913848876953f, 17.328680038452148f, -17.328680038452148f, 1.0f,
                        0x1p-126f, 0x1p-149f, 0x1p127f, 3.4028234663852886e38f}) {
    const std::uint32_t c = sweep32::bits_of(t);
    for (std::uint32_t d = 0; d < 64; ++d) {
      inputs.push_back(c + d);
      inputs.push_back(c - d);
    }
  }
  for (const std::uint32_t b : {0x00000000u, 0x80000000u, 0x00000001u, 0x80000001u, 0x7f800000u, 0xff800000u, 0x7fc00000u,
                                0xffc00001u, 0x7f800001u, 0x7f7fffffu, 0xff7fffffu})
    inputs.push_back(b);
  return inputs;
}

// The binary32 sweep's oracle (tools/math_sweep32/oracle32.hpp: glibc in double with a 2^-40
// margin, MPFR where the margin holds a rounding boundary) against this suite's MPFR oracle in
// nearest-even, for its eleven functions: its glibc decisions on 2^16 patterns spread over the
// whole range (stride 65537: every exponent, both signs, varied low bits), its MPFR step on
// every input (the undecided ones among 2^20 patterns included), and floatlab.
TEST_CASE("math: the binary32 sweep oracle agrees with MPFR", "[math]") {
  oracle::reference ref(oracle::format_desc::of<fl::binary32::format_type>());
  mathref::reference mr;
  const auto stride = static_cast<std::uint64_t>(65537 / operands::test_scale());
  for (const sweep32::fn sf : sweep32::all_fns) {
    std::size_t n_slice = 0;
    const auto inputs =
        sweep_oracle_inputs(stride, [&](float x) { return !sweep32::fast_decide(sf, x).decided; }, n_slice);
    std::uint64_t decided = 0, to_mpfr = 0, mismatches = 0;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      const std::uint32_t b = inputs[i];
      const float x = sweep32::float_of(b);
      ref.decode(b, ref.operand(0));
      suite_eval(sf, ref, mr);
      const float want = sweep32::float_of(static_cast<std::uint32_t>(ref.round(oracle::mode::nearest_even)));
      const sweep32::decision d = sweep32::fast_decide(sf, x);
      const float by_mpfr = sweep32::mpfr_reference(sf, x, sweep32::rmode::nearest_even);
      bool used_mpfr = false;
      const float staged = sweep32::reference(sf, x, sweep32::rmode::nearest_even, used_mpfr);
      decided += d.decided;
      to_mpfr += !d.decided;
      const bool ok = sweep32::same(by_mpfr, want) && (!d.decided || sweep32::same(d.value, want)) &&
                      sweep32::same(staged, want) &&
                      sweep32::same(floatlab_binary32(sf, b, fl::round::nearest_even{}), want);
      if (!ok && ++mismatches <= 10)
        std::printf("  SWEEP ORACLE MISMATCH %s x=0x%08x: glibc step %d 0x%08x, MPFR step 0x%08x, suite 0x%08x\n",
                    sweep32::name(sf), b, d.decided, sweep32::bits_of(d.value), sweep32::bits_of(by_mpfr),
                    sweep32::bits_of(want));
      if (i + 1 == n_slice) CHECK(decided >= n_slice * 99 / 100);  // the glibc step decides the bulk
    }
    std::printf("math sweep32 oracle %-8s inputs %zu (slice %zu) glibc-decided %llu to-MPFR %llu mismatches %llu\n",
                sweep32::name(sf), inputs.size(), n_slice, static_cast<unsigned long long>(decided),
                static_cast<unsigned long long>(to_mpfr), static_cast<unsigned long long>(mismatches));
    CHECK(mismatches == 0);
    CHECK(to_mpfr >= 20);  // the MPFR step is exercised
  }
}

// The same oracle in the other five deterministic modes (session 11: exact cases, the
// inequality bands, the glibc step bracketing f(x) between two consecutive floats, MPFR
// otherwise) against this suite's MPFR oracle, and each staged answer against the MPFR-only
// answer and floatlab: a third of the nearest-even slice's patterns, every pattern among 2^20
// that the glibc step declines in these modes, the hard inputs, the thresholds, the specials.
TEST_CASE("math: the binary32 sweep oracle agrees with MPFR in the directed modes and odd", "[math]") {
  using sweep32::rmode;
  oracle::reference ref(oracle::format_desc::of<fl::binary32::format_type>());
  mathref::reference mr;
  const std::pair<rmode, oracle::mode> modes[] = {{rmode::nearest_away, oracle::mode::nearest_away},
                                                   {rmode::toward_zero, oracle::mode::toward_zero},
                                                   {rmode::upward, oracle::mode::upward},
                                                   {rmode::downward, oracle::mode::downward},
                                                   {rmode::odd, oracle::mode::odd}};
  const auto stride = static_cast<std::uint64_t>(3 * 65537 / operands::test_scale());
  for (const sweep32::fn sf : sweep32::all_fns) {
    std::size_t n_slice = 0;
    const auto inputs = sweep_oracle_inputs(
        stride,
        [&](float x) {
          return !sweep32::exact_case(sf, x).decided && !sweep32::bracket_by_inequality(sf, x).decided &&
                 !sweep32::fast_bracket(sf, x).decided;
        },
        n_slice);
    std::uint64_t checks = 0, staged_mpfr = 0, banded = 0, mismatches = 0;
    for (const std::uint32_t b : inputs) {
      const float x = sweep32::float_of(b);
      ref.decode(b, ref.operand(0));
      suite_eval(sf, ref, mr);
      banded += sweep32::bracket_by_inequality(sf, x).decided;
      for (const auto& [m, om] : modes) {
        const float want = sweep32::float_of(static_cast<std::uint32_t>(ref.round(om)));
        bool used_mpfr = false;
        const float staged = sweep32::reference(sf, x, m, used_mpfr);
        const float by_mpfr = sweep32::mpfr_reference(sf, x, m);
        staged_mpfr += used_mpfr;
        ++checks;
        float got = 0;
        switch (m) {
          case rmode::nearest_away: got = floatlab_binary32(sf, b, fl::round::nearest_away{}); break;
          case rmode::toward_zero: got = floatlab_binary32(sf, b, fl::round::toward_zero{}); break;
          case rmode::upward: got = floatlab_binary32(sf, b, fl::round::upward{}); break;
          case rmode::downward: got = floatlab_binary32(sf, b, fl::round::downward{}); break;
          default: got = floatlab_binary32(sf, b, fl::round::odd{}); break;
        }
        const bool ok = sweep32::same(staged, want) && sweep32::same(by_mpfr, want) && sweep32::same(got, want);
        if (!ok && ++mismatches <= 10)
          std::printf("  SWEEP ORACLE MISMATCH %s %s x=0x%08x: staged 0x%08x (mpfr %d), MPFR step 0x%08x, floatlab 0x%08x, "
                      "suite 0x%08x\n",
                      sweep32::name(sf), sweep32::name(m), b, sweep32::bits_of(staged), used_mpfr,
                      sweep32::bits_of(by_mpfr), sweep32::bits_of(got), sweep32::bits_of(want));
      }
    }
    std::printf("math sweep32 oracle (5 modes) %-8s inputs %zu checks %llu in-bands %llu staged-to-MPFR %llu mismatches %llu\n",
                sweep32::name(sf), inputs.size(), static_cast<unsigned long long>(checks),
                static_cast<unsigned long long>(banded), static_cast<unsigned long long>(staged_mpfr),
                static_cast<unsigned long long>(mismatches));
    CHECK(mismatches == 0);
    CHECK(staged_mpfr >= 20);  // the MPFR step is exercised
    if (sf != sweep32::fn::log && sf != sweep32::fn::log2) CHECK(banded >= 100);  // and the inequality bands
  }
}
