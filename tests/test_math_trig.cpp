// tests/test_math_trig.cpp: floatlab sin, cos and pow (math.hpp) against MPFR.
//   - sin, cos: every input of every format of at most 8 bits (e4m3, e5m2, e4m3fnuz, e4m3 ftz,
//     e3m2, e2m3, e2m1), of binary16 and bfloat16 ([full]: cfloat<6,9>, binary16 ftz);
//     binary32 random inputs plus the floats nearest to multiples of pi/2 (the hardest
//     reductions) and huge arguments; the six deterministic modes and stochastic<1>, <5>, <32>.
//   - pow: every pair of every format of at most 8 bits; binary16, bfloat16 and binary32
//     random pairs plus hard pairs (exact cases: integer y, y = k/2^s with perfect powers x;
//     x near 1 with large y; results near overflow and underflow; the IEEE special cases).
//   - the kernels' error bounds (eps2, eps3) against MPFR on random binary32 arguments.
#define FLOATLAB_MATH_COUNTERS 1
#include <floatlab/math.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include "support/mpfr_math.hpp"
#include "support/math_modes.hpp"
#include "support/operands.hpp"

namespace fl = floatlab;

namespace {

using tally = floatlab_test::math_tally;

// Checks f in every mode; the oracle's result slot holds the exact value. key, op: the Philox
// coordinates of the stochastic words.
template <class T, class F>
void check_modes(const char* what, F f, oracle::reference& ref, tally& t, std::uint64_t key, std::uint32_t op) {
  floatlab_test::check_math_modes(what, f, ref, t, key, op, 23);
}

void print_tally(const char* label, const char* fn, const tally& t) {
  const auto c = fl::math_counters();
  std::printf("math %-10s %-4s inputs %8llu checks %9llu mismatches %llu  rounding tests %llu short misses %llu double misses %llu fallbacks %llu unresolved %llu\n",
              label, fn, static_cast<unsigned long long>(t.inputs), static_cast<unsigned long long>(t.checks),
              static_cast<unsigned long long>(t.mismatches), static_cast<unsigned long long>(c.calls),
              static_cast<unsigned long long>(c.short_misses), static_cast<unsigned long long>(c.fast_misses), static_cast<unsigned long long>(c.fallbacks),
              static_cast<unsigned long long>(c.unresolved));
  INFO(label << " " << fn);
  CHECK(t.inputs > 0);
  CHECK(t.mismatches == 0);
  CHECK(c.unresolved == 0);
}

// ---- sin, cos ----------------------------------------------------------------------------

template <class T>
void check_trig_input(bool is_cos, std::uint64_t b, oracle::reference& ref, mathref::reference& mr, tally& t) {
  using S = typename T::format_type::storage;
  ref.decode(b, ref.operand(0));
  mpfr_srcptr x = ref.operand(0);
  mr.eval_with([&] { return is_cos ? mpfr_cos(mr.value(), x, MPFR_RNDN) : mpfr_sin(mr.value(), x, MPFR_RNDN); },
               ref.result(), is_cos ? "cos" : "sin");
  const T xv = T::from_bits(static_cast<S>(b));
  check_modes<T>(is_cos ? "cos" : "sin", [&](auto... m) { return is_cos ? fl::cos(xv, m...) : fl::sin(xv, m...); },
                 ref, t, b, is_cos ? 31 : 30);
  ++t.inputs;
}

// Every stride-th pattern of T (stride 1: all), both functions.
template <class T>
void trig_sweep(const char* label, std::uint64_t stride) {
  using F = typename T::format_type;
  oracle::reference ref(oracle::format_desc::of<F>());
  mathref::reference mr;
  const std::uint64_t count = std::uint64_t{1} << F::total_bits;
  for (bool is_cos : {false, true}) {
    tally t;
    fl::math_counters() = {};
    for (std::uint64_t b = 0; b < count; b += stride) check_trig_input<T>(is_cos, b, ref, mr, t);
    print_tally(label, is_cos ? "cos" : "sin", t);
  }
}

// A CI stride: base at scale 1, larger (and odd: both signs and every low bit pattern are
// visited) when FLOATLAB_TEST_SCALE shrinks the suite.
std::uint64_t ci_stride(std::uint64_t base) {
  const double s = operands::test_scale();
  if (s >= 1) return base;
  const auto k = static_cast<std::uint64_t>(static_cast<double>(base) / (s > 1e-4 ? s : 1e-4));
  return k | 1;
}

}  // namespace

TEST_CASE("math sin cos: every input of the formats of at most 8 bits", "[math]") {
  trig_sweep<fl::e4m3>("e4m3", 1);
  trig_sweep<fl::e5m2>("e5m2", 1);
  trig_sweep<fl::e4m3fnuz>("e4m3fnuz", 1);
  trig_sweep<fl::cfloat<4, 3, fl::round::nearest_even, fl::encoding::ieee_ftz>>("e4m3ftz", 1);
  trig_sweep<fl::e3m2>("e3m2", 1);
  trig_sweep<fl::e2m3>("e2m3", 1);
  trig_sweep<fl::e2m1>("e2m1", 1);
}

TEST_CASE("math sin cos: every binary16 and bfloat16 input", "[math]") {
  trig_sweep<fl::binary16>("binary16", ci_stride(1));  // about 2 s each; a stride under FLOATLAB_TEST_SCALE < 1
  trig_sweep<fl::bfloat16>("bfloat16", ci_stride(1));
}

TEST_CASE("math sin cos: every cfloat<6,9> and cfloat<5,10,ieee_ftz> input", "[full][math]") {
  trig_sweep<fl::cfloat<6, 9>>("cfloat6_9", 1);
  trig_sweep<fl::cfloat<5, 10, fl::round::nearest_even, fl::encoding::ieee_ftz>>("b16ftz", 1);
}

TEST_CASE("math sin cos: binary32 random, near multiples of pi/2, huge", "[math]") {
  using T = fl::binary32;
  oracle::reference ref(oracle::format_desc::of<T::format_type>());
  mathref::reference mr;
  std::vector<std::uint32_t> in;
  operands::generator<T::format_type> gen(77);
  const auto n = static_cast<std::size_t>(3000 * operands::test_scale()) + 40;
  for (std::size_t i = 0; i < n; ++i) in.push_back(static_cast<std::uint32_t>(gen.operand()));
  std::mt19937_64 rng(5);
  // The floats on both sides of k pi/2 (k up to 2^20, and random larger k): sin or cos is
  // tiny there, so these are the arguments whose reduction cancels most.
  for (std::size_t i = 0; i < n / 4; ++i) {
    const double k = i < 64 ? static_cast<double>(i + 1) : std::ldexp(static_cast<double>(rng() % (1u << 20)) + 1, static_cast<int>(rng() % 100));
    const float f = static_cast<float>(k * 1.5707963267948966);
    if (!std::isfinite(f)) continue;
    const std::uint32_t b = fl::bit_cast<std::uint32_t>(f);
    for (int d = -2; d <= 2; ++d) in.push_back(b + d);
  }
  // Every binade's largest and smallest significands, the thresholds 2^-30 and 2^-6.
  for (int e = -149; e <= 127; ++e)
    for (double m : {1.0, 1.9999998807907104, 1.5707963267948966})
      in.push_back(fl::bit_cast<std::uint32_t>(static_cast<float>(std::ldexp(m, e))));
  for (double thr : {0x1p-30, 0x1p-6})
    for (int d = -8; d <= 8; ++d) in.push_back(fl::bit_cast<std::uint32_t>(static_cast<float>(thr)) + d);
  for (bool is_cos : {false, true}) {
    tally t;
    fl::math_counters() = {};
    for (std::uint32_t b : in) {
      check_trig_input<T>(is_cos, b, ref, mr, t);
      check_trig_input<T>(is_cos, b ^ 0x80000000u, ref, mr, t);
    }
    print_tally("binary32", is_cos ? "cos" : "sin", t);
  }
}

// ---- pow ---------------------------------------------------------------------------------

namespace {

template <class T>
void check_pow_pair(std::uint64_t bx, std::uint64_t by, oracle::reference& ref, mathref::reference& mr, tally& t) {
  using F = typename T::format_type;
  using S = typename F::storage;
  ref.decode(bx, ref.operand(0));
  ref.decode(by, ref.operand(1));
  mpfr_srcptr x = ref.operand(0), y = ref.operand(1);
  // mpfr_pow follows the special cases of IEEE 754 / C99 Annex F (MPFR manual), which are those of
  // IEEE 754-2019 9.2.1; RNDU keeps an underflowing result nonzero (the oracle rounds it).
  mr.eval_with([&] { return mpfr_pow(mr.value(), x, y, MPFR_RNDU); }, ref.result(), "pow");
  const T xv = T::from_bits(static_cast<S>(bx)), yv = T::from_bits(static_cast<S>(by));
  check_modes<T>("pow", [&](auto... m) { return fl::pow(xv, yv, m...); }, ref, t, (bx << 32) | by, 40);
  ++t.inputs;
}

template <class T>
void pow_all_pairs(const char* label) {
  using F = typename T::format_type;
  oracle::reference ref(oracle::format_desc::of<F>());
  mathref::reference mr;
  const std::uint64_t count = std::uint64_t{1} << F::total_bits;
  tally t;
  fl::math_counters() = {};
  for (std::uint64_t bx = 0; bx < count; ++bx)
    for (std::uint64_t by = 0; by < count; ++by) check_pow_pair<T>(bx, by, ref, mr, t);
  print_tally(label, "pow", t);
}

// Hard pairs of T: exact cases, x near 1 with large |y|, results near the ends of the range.
template <class T>
std::vector<std::pair<std::uint64_t, std::uint64_t>> pow_hard_pairs(std::size_t count, std::uint64_t seed) {
  using F = typename T::format_type;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> v;
  std::mt19937_64 rng(seed);
  auto bits_of = [](double d) { return static_cast<std::uint64_t>(T(d).bits()); };
  const double max_v = static_cast<double>(std::numeric_limits<T>::max());
  const double min_v = static_cast<double>(std::numeric_limits<T>::denorm_min());
  for (std::size_t i = 0; i < count; ++i) {
    const int kind = static_cast<int>(rng() % 6);
    double x = 1, y = 1;
    if (kind == 0) {  // integer y, small integer or dyadic x: exact results
      x = static_cast<double>(rng() % 64 + 1) * std::ldexp(1.0, static_cast<int>(rng() % 9) - 4);
      y = static_cast<double>(static_cast<int>(rng() % 41) - 20);
    } else if (kind == 1) {  // y = k/2^s, x a perfect power
      const int s = static_cast<int>(rng() % 3) + 1;
      const double z = static_cast<double>(rng() % 7 + 1) * std::ldexp(1.0, static_cast<int>(rng() % 5) - 2);
      x = std::pow(z, 1 << s);
      y = static_cast<double>(static_cast<int>(rng() % 9) - 4) / (1 << s) + (rng() % 2 ? 0 : 1.0 / (1 << s));
    } else if (kind == 2) {  // x next to 1, |y| large: x^y far from 1 but t = y log x small
      const std::uint64_t one = bits_of(1.0);
      x = static_cast<double>(T::from_bits(static_cast<typename F::storage>(one + (rng() % 9) - 4)));
      y = std::ldexp(static_cast<double>(rng() % 2048) + 1, static_cast<int>(rng() % 24)) * (rng() % 2 ? 1 : -1);
    } else if (kind == 3) {  // results near the largest finite value and the smallest subnormal
      x = std::ldexp(1 + static_cast<double>(rng() % 1024) / 1024, static_cast<int>(rng() % 8) + 1);
      const double target = rng() % 2 ? max_v : min_v;
      y = std::log(target) / std::log(x) * (1 + (static_cast<double>(rng() % 2001) - 1000) * 1e-5);
    } else if (kind == 4) {  // negative x with integer y
      x = -static_cast<double>(T::from_bits(static_cast<typename F::storage>(rng() & F::magnitude_mask)));
      y = static_cast<double>(static_cast<int>(rng() % 31) - 15);
    } else {  // y = 1/2, 1/4, -1/2 on any positive x
      x = static_cast<double>(T::from_bits(static_cast<typename F::storage>(rng() & F::magnitude_mask)));
      const double ys[] = {0.5, 0.25, -0.5, 1.5, 2.0, 3.0, -1.0, 0.125};
      y = ys[rng() % 8];
    }
    v.emplace_back(bits_of(x), bits_of(y));
  }
  return v;
}

template <class T>
void pow_random_and_hard(const char* label, std::size_t count, std::uint64_t seed) {
  using F = typename T::format_type;
  oracle::reference ref(oracle::format_desc::of<F>());
  mathref::reference mr;
  operands::generator<F> gen(seed);
  tally t;
  fl::math_counters() = {};
  for (std::size_t i = 0; i < count; ++i) check_pow_pair<T>(gen.operand(), gen.operand(), ref, mr, t);
  for (auto [bx, by] : pow_hard_pairs<T>(count, seed + 1)) check_pow_pair<T>(bx, by, ref, mr, t);
  print_tally(label, "pow", t);
}

}  // namespace

TEST_CASE("math pow: every pair of the formats of at most 8 bits", "[math]") {
  pow_all_pairs<fl::e4m3>("e4m3");
  pow_all_pairs<fl::e5m2>("e5m2");
  pow_all_pairs<fl::e4m3fnuz>("e4m3fnuz");
  pow_all_pairs<fl::e3m2>("e3m2");
  pow_all_pairs<fl::e2m3>("e2m3");
  pow_all_pairs<fl::e2m1>("e2m1");
}

TEST_CASE("math pow: binary16 bfloat16 binary32 random and hard pairs", "[math]") {
  const auto n = static_cast<std::size_t>(4000 * operands::test_scale()) + 50;
  pow_random_and_hard<fl::binary16>("binary16", n, 11);
  pow_random_and_hard<fl::bfloat16>("bfloat16", n, 12);
  pow_random_and_hard<fl::cfloat<6, 9>>("cfloat6_9", n / 2, 13);
  pow_random_and_hard<fl::binary32>("binary32", n, 14);
}

TEST_CASE("math pow: many random and hard 16-bit pairs", "[full][math]") {
  pow_random_and_hard<fl::binary16>("binary16", 2000000, 21);
  pow_random_and_hard<fl::bfloat16>("bfloat16", 2000000, 22);
  pow_random_and_hard<fl::binary32>("binary32", 1000000, 23);
}

TEST_CASE("math pow: IEEE 754-2019 9.2.1 special cases", "[math]") {
  using h = fl::binary16;
  const double inf = INFINITY, nan = NAN;
  struct row {
    double x, y, want;  // want: NaN for NaN; the sign of zero and infinity matters
  };
  const row rows[] = {
      {nan, 0.0, 1},     {nan, -0.0, 1},    {1.0, nan, 1},     {1.0, inf, 1},      {-1.0, inf, 1},    {-1.0, -inf, 1},
      {0.0, -3.0, inf},  {-0.0, -3.0, -inf}, {0.0, -2.0, inf},  {-0.0, -2.0, inf},  {-0.0, -0.5, inf}, {0.0, -inf, inf},
      {-0.0, -inf, inf}, {0.0, inf, 0.0},   {-0.0, inf, 0.0},  {-0.0, 3.0, -0.0},  {0.0, 3.0, 0.0},   {-0.0, 2.0, 0.0},
      {-0.0, 0.5, 0.0},  {0.5, inf, 0.0},   {-0.5, inf, 0.0},  {2.0, inf, inf},    {-2.0, inf, inf},  {inf, inf, inf},
      {-inf, inf, inf},  {0.5, -inf, inf},  {-0.5, -inf, inf}, {2.0, -inf, 0.0},   {-inf, -inf, 0.0}, {inf, -2.0, 0.0},
      {inf, 0.5, inf},   {-inf, -3.0, -0.0}, {-inf, 3.0, -inf}, {-inf, -2.0, 0.0},  {-inf, 2.0, inf},  {-inf, 0.5, inf},
      {-2.0, 0.5, nan},  {-2.0, 1.5, nan},  {nan, 1.0, nan},   {2.0, nan, nan},    {-1.0, 3.0, -1},   {-2.0, 3.0, -8},
      {-2.0, -2.0, 0.25}, {4.0, 0.5, 2},    {4.0, -0.5, 0.5},  {2.0, 10.0, 1024},  {65504.0, 2.0, inf}};
  for (const row& r : rows) {
    const h got = fl::pow(h(r.x), h(r.y));
    INFO("pow(" << r.x << ", " << r.y << ") = " << static_cast<double>(got));
    if (std::isnan(r.want)) {
      CHECK(fl::isnan(got));
    } else {
      CHECK(static_cast<double>(got) == r.want);
      CHECK(fl::signbit(got) == std::signbit(r.want));
    }
  }
}

// ---- kernel bounds -------------------------------------------------------------------------

namespace {

// log2 of |v 2^k - f| / |f| for a kernel result against MPFR's 700-bit value of f.
template <int N>
double rel_error_log2(const fl::detail::cr::scaled<N>& r, mpfr_srcptr f) {
  mpfr_t d;
  mpfr_init2(d, 700);
  mpfr_set_ui(d, 0, MPFR_RNDN);
  for (int i = 0; i < N; ++i) mpfr_add_d(d, d, r.v[i], MPFR_RNDN);  // exact at 700 bits
  mpfr_mul_2si(d, d, r.k, MPFR_RNDN);
  mpfr_sub(d, d, f, MPFR_RNDN);
  mpfr_div(d, d, f, MPFR_RNDN);
  const double e = mpfr_zero_p(d) ? -1000.0 : std::log2(std::fabs(mpfr_get_d(d, MPFR_RNDN)));
  mpfr_clear(d);
  return e;
}

}  // namespace

TEST_CASE("math sin cos pow: kernel error bounds hold against MPFR", "[math]") {
  namespace cr = fl::detail::cr;
  const auto n = static_cast<std::size_t>(1500 * operands::test_scale()) + 30;
  std::mt19937_64 rng(99);
  mpfr_t x, y, f;
  mpfr_inits2(700, x, y, f, (mpfr_ptr)nullptr);
  double w2[2] = {-1000, -1000}, w3[2] = {-1000, -1000};
  for (std::size_t i = 0; i < n; ++i) {
    // random binary32 arguments: a quarter near multiples of pi/2, the rest of every binade
    double a = std::ldexp(1 + static_cast<double>(rng() % (1u << 23)) / (1u << 23), static_cast<int>(rng() % 140) - 12);
    if (i % 4 == 0) a = static_cast<float>((static_cast<double>(rng() % 100000) + 1) * 1.5707963267948966);
    a = static_cast<float>(a) * (rng() % 2 ? 1 : -1);
    mpfr_set_d(x, a, MPFR_RNDN);
    for (int c = 0; c < 2; ++c) {
      if (c) mpfr_cos(f, x, MPFR_RNDN);
      else mpfr_sin(f, x, MPFR_RNDN);
      const double e2 = rel_error_log2<2>(cr::sincos_core<2>(a, c ? 32 : 0), f);
      const double e3 = rel_error_log2<3>(cr::sincos_core<3>(a, c ? 32 : 0), f);
      w2[c] = e2 > w2[c] ? e2 : w2[c];
      w3[c] = e3 > w3[c] ? e3 : w3[c];
    }
  }
  std::printf("math bound sin worst relative error: double-word 2^%.1f (bound 2^%d), triple-double 2^%.1f (bound 2^%d)\n",
              w2[0], cr::fn_sin::eps2_log2, w3[0], cr::fn_sin::eps3_log2);
  std::printf("math bound cos worst relative error: double-word 2^%.1f (bound 2^%d), triple-double 2^%.1f (bound 2^%d)\n",
              w2[1], cr::fn_cos::eps2_log2, w3[1], cr::fn_cos::eps3_log2);
  CHECK(w2[0] <= cr::fn_sin::eps2_log2);
  CHECK(w3[0] <= cr::fn_sin::eps3_log2);
  CHECK(w2[1] <= cr::fn_cos::eps2_log2);
  CHECK(w3[1] <= cr::fn_cos::eps3_log2);
  // pow: the bound depends on |t| = |y log x|; check the margin (bound - error) stays >= 0.
  double margin1 = 1000, margin2 = 1000, margin3 = 1000;
  for (std::size_t i = 0; i < n; ++i) {
    const double xa = static_cast<float>(std::ldexp(1 + static_cast<double>(rng() % (1u << 23)) / (1u << 23), static_cast<int>(rng() % 60) - 30));
    const double ya = static_cast<float>((static_cast<double>(rng() % (1u << 23)) / (1u << 23) - 0.5) * std::ldexp(1.0, static_cast<int>(rng() % 10)));
    const double t = std::log(xa) * ya;
    if (std::fabs(t) > 700 || std::fabs(t) < 0x1p-60) continue;
    mpfr_set_d(x, xa, MPFR_RNDN);
    mpfr_set_d(y, ya, MPFR_RNDN);
    mpfr_pow(f, x, y, MPFR_RNDN);
    const cr::pow_kernel k{xa, ya, false};
    const double e2 = rel_error_log2<2>(k.eval<2>(), f), e3 = rel_error_log2<3>(k.eval<3>(), f);
    const double m2 = cr::pow_eps_log2(5, 136, t, 2) - e2, m3 = cr::pow_eps_log2(6, 205, t, 3) - e3;
    margin2 = m2 < margin2 ? m2 : margin2;
    margin3 = m3 < margin3 ? m3 : margin3;
    const double t1 = cr::log_fast(xa) * ya;  // the double step: exp_fast(t1)
    const cr::fast_value f1 = cr::exp_fast(t1);
    const double e1 = rel_error_log2<1>(cr::scaled<1>{fl::expansion<1, double>(f1.v), f1.k}, f);
    const double m1 = cr::pow_eps_log2(2.1, 4.2, t1, 1) - e1;
    margin1 = m1 < margin1 ? m1 : margin1;
  }
  std::printf("math bound pow smallest margin (bound - error, bits): double %.1f, double-word %.1f, triple-double %.1f\n",
              margin1, margin2, margin3);
  CHECK(margin1 >= 0);
  CHECK(margin2 >= 0);
  CHECK(margin3 >= 0);
  mpfr_clears(x, y, f, (mpfr_ptr)nullptr);
}

// ---- the double step's bounds (eps1) -------------------------------------------------------

namespace {

template <class Fn>
void check_fast_bound(const char* name, int (*ref)(mpfr_ptr, mpfr_srcptr, mpfr_rnd_t), double lo, double hi,
                      std::size_t count, double (*post)(double) = nullptr) {
  std::mt19937_64 rng(7 + count);
  std::uniform_real_distribution<double> u(lo, hi);
  mpfr_t x, f;
  mpfr_inits2(700, x, f, (mpfr_ptr)nullptr);
  double worst = -1000, margin = 1000;  // margin: bound - error in bits (run-time bounds)
  for (std::size_t i = 0; i < count; ++i) {
    double a = static_cast<float>(u(rng));
    if (i % 4 == 0) a = static_cast<float>(std::ldexp(u(rng), -static_cast<int>(rng() % 40)));  // small arguments
    if (post) a = post(a);
    if (a == 0 || !(a >= lo && a <= hi)) continue;
    mpfr_set_d(x, a, MPFR_RNDN);
    ref(f, x, MPFR_RNDN);
    const auto r = Fn::eval1(a);
    if (r.v == 0) continue;  // the double step declines (gelu's far negative range): its test fails on 0
    fl::detail::cr::scaled<1> s{fl::expansion<1, double>(r.v), r.k};
    const double e = rel_error_log2<1>(s, f);
    worst = e > worst ? e : worst;
    const double m = (r.eps != 0 ? r.eps : Fn::eps1_log2) - e;
    margin = m < margin ? m : margin;
  }
  mpfr_clears(x, f, (mpfr_ptr)nullptr);
  std::printf("math fast-step bound %-13s worst relative error 2^%.1f (bound 2^%d), smallest margin %.1f bits\n", name,
              worst, Fn::eps1_log2, margin);
  INFO(name);
  CHECK(worst <= Fn::eps1_log2);
  CHECK(margin >= 0);
}

int mpfr_logistic(mpfr_ptr y, mpfr_srcptr x, mpfr_rnd_t r) {  // 1/(1 + e^-x) at 700 bits
  mpfr_neg(y, x, r);
  mpfr_exp(y, y, r);
  mpfr_add_ui(y, y, 1, r);
  return mpfr_ui_div(y, 1, y, r);
}
int mpfr_silu(mpfr_ptr y, mpfr_srcptr x, mpfr_rnd_t r) {
  mpfr_logistic(y, x, r);
  return mpfr_mul(y, y, x, r);
}
int mpfr_softplus(mpfr_ptr y, mpfr_srcptr x, mpfr_rnd_t r) {  // x + log1p(e^-x) for x > 0
  mpfr_abs(y, x, r);
  mpfr_neg(y, y, r);
  mpfr_exp(y, y, r);
  mpfr_log1p(y, y, r);
  if (mpfr_sgn(x) > 0) mpfr_add(y, y, x, r);
  return 0;
}
int mpfr_logistic_grad(mpfr_ptr y, mpfr_srcptr x, mpfr_rnd_t r) {  // E/(1 + E)^2, E = e^-|x|
  mpfr_t d;
  mpfr_init2(d, mpfr_get_prec(y));
  mpfr_abs(y, x, r);
  mpfr_neg(y, y, r);
  mpfr_exp(y, y, r);
  mpfr_add_ui(d, y, 1, r);
  mpfr_sqr(d, d, r);
  mpfr_div(y, y, d, r);
  mpfr_clear(d);
  return 0;
}
int mpfr_tanh_grad(mpfr_ptr y, mpfr_srcptr x, mpfr_rnd_t r) {  // sech^2 (no cancellation)
  mpfr_sech(y, x, r);
  return mpfr_sqr(y, y, r);
}
int mpfr_gelu(mpfr_ptr y, mpfr_srcptr x, mpfr_rnd_t r) {  // x/2 (1 + erf z) or x/2 erfc |z|
  mpfr_sqrt_ui(y, 2, r);
  mpfr_div(y, x, y, r);
  if (mpfr_sgn(x) >= 0) {
    mpfr_erf(y, y, r);
    mpfr_add_ui(y, y, 1, r);
  } else {
    mpfr_neg(y, y, r);
    mpfr_erfc(y, y, r);
  }
  mpfr_mul(y, y, x, r);
  return mpfr_div_2ui(y, y, 1, r);
}
int mpfr_gelu_tanh(mpfr_ptr y, mpfr_srcptr x, mpfr_rnd_t r) {  // x/(1 + e^-2u)
  mpfr_t c;
  mpfr_init2(c, mpfr_get_prec(y));
  mpfr_set_str(c, "0.044715", 10, r);
  mpfr_pow_ui(y, x, 3, r);
  mpfr_mul(y, y, c, r);
  mpfr_add(y, y, x, r);
  mpfr_const_pi(c, r);
  mpfr_ui_div(c, 8, c, r);
  mpfr_sqrt(c, c, r);  // 2 sqrt(2/pi)
  mpfr_mul(y, y, c, r);
  mpfr_neg(y, y, r);
  mpfr_exp(y, y, r);
  mpfr_add_ui(y, y, 1, r);
  mpfr_div(y, x, y, r);
  mpfr_clear(c);
  return 0;
}

}  // namespace

TEST_CASE("math fast step: double kernels' bounds hold against MPFR", "[math]") {
  namespace cr = fl::detail::cr;
  const auto n = static_cast<std::size_t>(8000 * operands::test_scale()) + 100;
  check_fast_bound<cr::fn_exp>("exp", mpfr_exp, -1000, 1000, n);
  check_fast_bound<cr::fn_exp2>("exp2", mpfr_exp2, -1400, 1400, n);
  check_fast_bound<cr::fn_expm1>("expm1", mpfr_expm1, -45, 200, n);
  check_fast_bound<cr::fn_log>("log", mpfr_log, 0x1p-100, 4, n);
  check_fast_bound<cr::fn_log>("log", mpfr_log, 0.5, 1.5, n);
  check_fast_bound<cr::fn_log>("log", mpfr_log, 1, 1e38, n, [](double a) { return std::ldexp(a, static_cast<int>(a) % 200); });
  check_fast_bound<cr::fn_log2>("log2", mpfr_log2, 0.25, 4, n);
  check_fast_bound<cr::fn_tanh>("tanh", mpfr_tanh, -21, 21, n);
  check_fast_bound<cr::fn_logistic>("logistic", mpfr_logistic, -1000, 42, n);
  check_fast_bound<cr::fn_logistic>("logistic", mpfr_logistic, -5, 5, n);
  check_fast_bound<cr::fn_silu>("silu", mpfr_silu, -1000, 42, n);
  check_fast_bound<cr::fn_log1p>("log1p", mpfr_log1p, -0.0625, 0.0625, n);
  check_fast_bound<cr::fn_log1p>("log1p", mpfr_log1p, -0.9999, 4, n);
  check_fast_bound<cr::fn_log1p>("log1p", mpfr_log1p, 1, 1e38, n, [](double a) { return std::ldexp(a, static_cast<int>(a) % 200); });
  check_fast_bound<cr::fn_softplus>("softplus", mpfr_softplus, -1000, 42, n);
  check_fast_bound<cr::fn_softplus>("softplus", mpfr_softplus, -3, 3, n);
  check_fast_bound<cr::fn_logistic_grad>("logistic_grad", mpfr_logistic_grad, -1000, 1000, n);
  check_fast_bound<cr::fn_logistic_grad>("logistic_grad", mpfr_logistic_grad, -4, 4, n);
  check_fast_bound<cr::fn_tanh_grad>("tanh_grad", mpfr_tanh_grad, -500, 500, n);
  check_fast_bound<cr::fn_tanh_grad>("tanh_grad", mpfr_tanh_grad, -4, 4, n);
  check_fast_bound<cr::fn_gelu_tanh>("gelu_tanh", mpfr_gelu_tanh, -20, 7.5, n);
  check_fast_bound<cr::fn_gelu_tanh>("gelu_tanh", mpfr_gelu_tanh, -3, 3, n);
  // erf at 700 bits is MPFR's slowest reference here: a quarter of the samples.
  check_fast_bound<cr::fn_erf>("erf", mpfr_erf, -6.39, 6.39, n / 4);
  check_fast_bound<cr::fn_erf>("erf", mpfr_erf, -0.2, 0.2, n / 4);
  check_fast_bound<cr::fn_gelu>("gelu", mpfr_gelu, -9, 9, n / 4);
  check_fast_bound<cr::fn_gelu>("gelu", mpfr_gelu, -3, 3, n / 4);
  check_fast_bound<cr::fn_sin>("sin", mpfr_sin, -100, 100, n);
  check_fast_bound<cr::fn_cos>("cos", mpfr_cos, -100, 100, n);
  auto huge = [](double a) { return std::ldexp(a, static_cast<int>(std::fabs(a) * 1e6) % 120); };
  check_fast_bound<cr::fn_sin>("sin", mpfr_sin, -1e38, 1e38, n, huge);
  check_fast_bound<cr::fn_cos>("cos", mpfr_cos, -1e38, 1e38, n, huge);
  auto near_pi2 = [](double a) { return static_cast<double>(static_cast<float>(std::nearbyint(a) * 1.5707963267948966)); };
  check_fast_bound<cr::fn_sin>("sin", mpfr_sin, -1e6, 1e6, n, near_pi2);
  check_fast_bound<cr::fn_cos>("cos", mpfr_cos, -1e6, 1e6, n, near_pi2);
}

// log's pattern step (session 9, math.hpp log_pattern): on every positive normal pattern x != 1
// of the short formats, the absolute error that pow_short's bound uses (2^-37.29) and the
// relative bound of the log step (2^-30), against MPFR at 120 bits.
namespace {
template <class T>
void check_log_pattern(const char* name) {
  using F = typename T::format_type;
  namespace cr = fl::detail::cr;
  mpfr_t x, f, d;
  mpfr_inits2(120, x, f, d, (mpfr_ptr)nullptr);
  double worst_abs = -1000, worst_rel = -1000;
  std::uint64_t n = 0;
  // Every pattern at FLOATLAB_TEST_SCALE >= 1 (CI's Release run); an odd stride below (sanitizers).
  const double scale = operands::test_scale();
  const std::uint64_t step = scale >= 1 ? 1 : (static_cast<std::uint64_t>(1 / (scale > 1e-3 ? scale : 1e-3)) | 1);
  for (std::uint64_t b = 0; b < (std::uint64_t{1} << F::total_bits); b += step) {
    if (!cr::log_pattern_hot<F>(b)) continue;
    const double v = cr::log_pattern<F>(b);
    mpfr_set_d(x, static_cast<double>(T::from_bits(static_cast<typename F::storage>(b))), MPFR_RNDN);
    mpfr_log(f, x, MPFR_RNDN);
    mpfr_sub_d(d, f, v, MPFR_RNDN);
    mpfr_abs(d, d, MPFR_RNDN);
    const double ea = std::log2(mpfr_get_d(d, MPFR_RNDU));
    mpfr_div(d, d, f, MPFR_RNDN);
    const double er = std::log2(std::fabs(mpfr_get_d(d, MPFR_RNDU)));
    worst_abs = ea > worst_abs ? ea : worst_abs;
    worst_rel = er > worst_rel ? er : worst_rel;
    ++n;
  }
  mpfr_clears(x, f, d, (mpfr_ptr)nullptr);
  std::printf("math log pattern step %-10s %llu patterns: worst absolute 2^%.2f (bound 2^-37.29), relative 2^%.2f (bound 2^-30)\n",
              name, static_cast<unsigned long long>(n), worst_abs, worst_rel);
  INFO(name);
  CHECK(n > 0);
  CHECK(worst_abs <= -37.29);
  CHECK(worst_rel <= -30);
}
}  // namespace

TEST_CASE("math pattern step: log_pattern's bounds on every pattern of the short formats", "[math]") {
  check_log_pattern<fl::binary16>("binary16");
  check_log_pattern<fl::bfloat16>("bfloat16");
  check_log_pattern<fl::cfloat<6, 9>>("cfloat<6,9>");
  check_log_pattern<fl::cfloat<4, 11>>("cfloat<4,11>");  // p = 12, the widest short format
  check_log_pattern<fl::e4m3>("e4m3");
  check_log_pattern<fl::e5m2>("e5m2");
}

// The session-13 pattern steps of the short formats (math.hpp logistic_pattern on 2^-22 <= |x|
// < 16, sincos_pattern on 2^-10 <= |x| < 2^21, bound 2^-24 each): the kernels' relative error
// on every pattern where they run, against MPFR at 120 bits; then the results of logistic (and
// sin, cos for p = 12) in every mode against MPFR on every input of binary16, bfloat16 and
// cfloat<4,11> (p = 12, the widest short format; binary16 and bfloat16 sin, cos: the sweeps
// above).
namespace {
template <class T>
void check_pattern13(const char* name) {
  using F = typename T::format_type;
  namespace cr = fl::detail::cr;
  mpfr_t x, f, d;
  mpfr_inits2(120, x, f, d, (mpfr_ptr)nullptr);
  const char* fns[3] = {"logistic", "sin", "cos"};
  double worst[3] = {-1000, -1000, -1000};
  std::uint64_t n[3] = {};
  const double scale = operands::test_scale();  // every pattern at scale >= 1; an odd stride below
  const std::uint64_t step = scale >= 1 ? 1 : (static_cast<std::uint64_t>(1 / (scale > 1e-3 ? scale : 1e-3)) | 1);
  for (std::uint64_t b = 0; b < (std::uint64_t{1} << F::total_bits); b += step) {
    mpfr_set_d(x, static_cast<double>(T::from_bits(static_cast<typename F::storage>(b))), MPFR_RNDN);
    for (int k = 0; k < 3; ++k) {
      const bool hot = k == 0   ? cr::fn_logistic::pattern_hot<F>(b)
                       : k == 1 ? cr::fn_sin::pattern_hot<F>(b)
                                : cr::fn_cos::pattern_hot<F>(b);
      if (!hot) continue;
      const cr::fast_value r = k == 0   ? cr::fn_logistic::eval_pattern<F>(b)
                               : k == 1 ? cr::fn_sin::eval_pattern<F>(b)
                                        : cr::fn_cos::eval_pattern<F>(b);
      if (k == 0) {
        mpfr_logistic(f, x, MPFR_RNDN);
      } else if (k == 1) {
        mpfr_sin(f, x, MPFR_RNDN);
      } else {
        mpfr_cos(f, x, MPFR_RNDN);
      }
      mpfr_sub_d(d, f, std::ldexp(r.v, r.k), MPFR_RNDN);
      mpfr_div(d, d, f, MPFR_RNDN);
      const double e = std::log2(std::fabs(mpfr_get_d(d, MPFR_RNDU)));
      worst[k] = e > worst[k] ? e : worst[k];
      ++n[k];
    }
  }
  mpfr_clears(x, f, d, (mpfr_ptr)nullptr);
  for (int k = 0; k < 3; ++k) {
    std::printf("math pattern step %-12s %-8s %6llu patterns: worst relative error 2^%.2f (bound 2^-24)\n", name,
                fns[k], static_cast<unsigned long long>(n[k]), worst[k]);
    INFO(name << " " << fns[k]);
    CHECK(n[k] > 0);
    CHECK(worst[k] <= -24);
  }
}

template <class T>
void logistic_sweep(const char* label, std::uint64_t stride) {
  using F = typename T::format_type;
  oracle::reference ref(oracle::format_desc::of<F>());
  mathref::reference mr;
  tally t;
  fl::math_counters() = {};
  for (std::uint64_t b = 0; b < (std::uint64_t{1} << F::total_bits); b += stride) {
    ref.decode(b, ref.operand(0));
    mr.eval(mathref::fn::logistic, ref.operand(0), ref.result());
    const T xv = T::from_bits(static_cast<typename F::storage>(b));
    check_modes<T>("logistic", [&](auto... m) { return fl::logistic(xv, m...); }, ref, t, b, 32);
    ++t.inputs;
  }
  print_tally(label, "logistic", t);
}
}  // namespace

TEST_CASE("math pattern step: logistic and sin cos of the short formats (session 13) against MPFR", "[math]") {
  check_pattern13<fl::binary16>("binary16");
  check_pattern13<fl::bfloat16>("bfloat16");
  check_pattern13<fl::cfloat<6, 9>>("cfloat<6,9>");
  check_pattern13<fl::cfloat<4, 11>>("cfloat<4,11>");
  check_pattern13<fl::e4m3>("e4m3");
  check_pattern13<fl::e5m2>("e5m2");
  logistic_sweep<fl::binary16>("binary16", ci_stride(1));
  logistic_sweep<fl::bfloat16>("bfloat16", ci_stride(1));
  logistic_sweep<fl::cfloat<4, 11>>("cfloat4_11", ci_stride(1));
  trig_sweep<fl::cfloat<4, 11>>("cfloat4_11", ci_stride(1));
}

// How often the double step's rounding test fails (the double-word step then decides), over
// every binary16 and bfloat16 input in nearest-even (pow: 65536 pairs (x, scrambled y)), and
// that it fails only where it must: f within 2^(eps1 + 3) relative of a point of the q-bit
// grid (q = p + 1), checked with the double-word value. Such inputs exist in bulk only in the
// asymptotic bands next to the exactly handled regions (e^x for |x| just above 2^-60,
// e^x - 1 just above x = -45, tanh x and sin x for tiny x: f sits next to 1, -1 or x).
namespace {

template <class T>
double grid_distance(double y) {  // |y - nearest point of the (p + 1)-bit grid| / |y|
  constexpr int q = T::format_type::precision + 1;
  const double g = std::ldexp(1.0, std::ilogb(y) - q);  // the finer spacing of y's binade and the one below
  return std::fabs(y / g - std::nearbyint(y / g)) * g / std::fabs(y);
}

template <class T, class Fn, class Call>
void miss_check(const char* label, const char* name, Call call) {
  using S = typename T::format_type::storage;
  fl::math_counters() = {};
  std::uint64_t misses = 0, unexplained = 0, declined = 0;
  for (std::uint64_t b = 0; b < 65536; ++b) {
    const auto before = fl::math_counters().fast_misses;
    const T x = T::from_bits(static_cast<S>(b));
    (void)call(x);
    if (fl::math_counters().fast_misses == before) continue;
    ++misses;
    if (Fn::eval1(static_cast<double>(x)).v == 0) {  // no double step there (gelu far below 0)
      ++declined;
      continue;
    }
    const auto r = Fn::template eval<2>(static_cast<double>(x));
    const double y = std::ldexp(r.v[0], r.k);
    if (!(grid_distance<T>(y) <= std::ldexp(1.0, Fn::eps1_log2 + 3)) && ++unexplained <= 5)
      std::printf("  unexplained miss %s %s x=%a f~%a\n", label, name, static_cast<double>(x), y);
  }
  const auto c = fl::math_counters();
  std::printf("math fast step %-9s %-13s evaluations %6llu double-step misses %llu (declined %llu; the others next to the grid: %s)\n",
              label, name, static_cast<unsigned long long>(c.calls), static_cast<unsigned long long>(misses),
              static_cast<unsigned long long>(declined), unexplained ? "no" : "yes");
  INFO(label << " " << name);
  CHECK(c.calls > 1000);
  CHECK(unexplained == 0);
}

template <class T>
void miss_rates(const char* label) {
  namespace cr = fl::detail::cr;
  miss_check<T, cr::fn_exp>(label, "exp", [](T x) { return fl::exp(x); });
  miss_check<T, cr::fn_exp2>(label, "exp2", [](T x) { return fl::exp2(x); });
  miss_check<T, cr::fn_expm1>(label, "expm1", [](T x) { return fl::expm1(x); });
  miss_check<T, cr::fn_log>(label, "log", [](T x) { return fl::log(x); });
  miss_check<T, cr::fn_log2>(label, "log2", [](T x) { return fl::log2(x); });
  miss_check<T, cr::fn_tanh>(label, "tanh", [](T x) { return fl::tanh(x); });
  miss_check<T, cr::fn_logistic>(label, "logistic", [](T x) { return fl::logistic(x); });
  miss_check<T, cr::fn_silu>(label, "silu", [](T x) { return fl::silu(x); });
  miss_check<T, cr::fn_log1p>(label, "log1p", [](T x) { return fl::log1p(x); });
  miss_check<T, cr::fn_softplus>(label, "softplus", [](T x) { return fl::softplus(x); });
  miss_check<T, cr::fn_gelu_tanh>(label, "gelu_tanh", [](T x) { return fl::gelu_tanh(x); });
  miss_check<T, cr::fn_erf>(label, "erf", [](T x) { return fl::erf(x); });
  miss_check<T, cr::fn_gelu>(label, "gelu", [](T x) { return fl::gelu(x); });
  miss_check<T, cr::fn_logistic_grad>(label, "logistic_grad", [](T x) { return fl::logistic_grad(x); });
  miss_check<T, cr::fn_tanh_grad>(label, "tanh_grad", [](T x) { return fl::tanh_grad(x); });
  miss_check<T, cr::fn_sin>(label, "sin", [](T x) { return fl::sin(x); });
  miss_check<T, cr::fn_cos>(label, "cos", [](T x) { return fl::cos(x); });
  // pow: the bound depends on t = y log|x|
  using S = typename T::format_type::storage;
  fl::math_counters() = {};
  std::uint64_t unexplained = 0;
  for (std::uint64_t b = 0; b < 65536; ++b) {
    const T x = T::from_bits(static_cast<S>(b)), y = T::from_bits(static_cast<S>((b * 40503u) & 0xFFFF));
    const auto before = fl::math_counters().fast_misses;
    (void)fl::pow(x, y);
    if (fl::math_counters().fast_misses == before) continue;
    const double ax = std::fabs(static_cast<double>(x)), yd = static_cast<double>(y);
    const auto r = cr::pow_kernel{ax, yd, false}.eval<2>();
    const double t = cr::log_fast(ax) * yd;
    if (!(grid_distance<T>(std::ldexp(r.v[0], r.k)) <= std::ldexp(1.0, cr::pow_eps_log2(2.1, 4.2, t, 1) + 3))) ++unexplained;
  }
  const auto c = fl::math_counters();
  std::printf("math fast step %-9s %-13s evaluations %6llu double-step misses %llu (all next to the grid: %s)\n", label,
              "pow", static_cast<unsigned long long>(c.calls), static_cast<unsigned long long>(c.fast_misses),
              unexplained ? "no" : "yes");
  CHECK(c.calls > 1000);
  CHECK(unexplained == 0);
}

}  // namespace

TEST_CASE("math fast step: miss rates over every binary16 and bfloat16 input", "[math]") {
  miss_rates<fl::binary16>("binary16");
  miss_rates<fl::bfloat16>("bfloat16");
}
