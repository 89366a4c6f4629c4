// tests/test_math_wide.cpp: the wide pattern step of math.hpp (session 10, wide_pattern_ok:
// the formats of 13 to 24 significant bits, here binary32) against MPFR.
//   1. The kernels' bounds on binary32 arguments of the step's domains (MPFR at 200 bits):
//      log_pattern_wide (relative 2^-43; the absolute form pow_short uses), exp_short_scaled
//      (2^-44), logistic_short (2^-42), sincos_short (2^-39), pow_short's e^(y log x) (2^-41).
//      CI: every pattern within 2^16 patterns of 1 (log), both ends of every log cell in 7
//      binades, random patterns of each domain (FLOATLAB_TEST_SCALE scales the count);
//      [full]: every FLOATLAB_MATH_STRIDE-th pattern (default 257) of each domain.
//   2. Results in every mode (the six deterministic ones, which take the step, and
//      stochastic<1>, <5>, <32>) against the MPFR oracle on random arguments and on the hard
//      ones: those whose kernel value lies within 2^-32 relative of the 25-bit rounding grid
//      (the rounding test's near passes and its declines), found by scanning random patterns
//      (CI 2^16 per function, [full] 2^23).
#define FLOATLAB_MATH_COUNTERS 1
#include <floatlab/math.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "support/mpfr_math.hpp"
#include "support/math_modes.hpp"
#include "support/operands.hpp"

namespace fl = floatlab;
namespace cr = fl::detail::cr;

namespace {

using T = fl::binary32;
using F = T::format_type;

enum class wf { exp, log, logistic, sin, cos };
const char* wname(wf f) {
  static const char* n[] = {"exp", "log", "logistic", "sin", "cos"};
  return n[static_cast<int>(f)];
}
int wbound(wf f) {
  static const int b[] = {cr::fn_exp::eps_pattern_wide_log2, cr::fn_log::eps_pattern_wide_log2,
                          cr::fn_logistic::eps_pattern_wide_log2, cr::fn_sin::eps_pattern_wide_log2,
                          cr::fn_cos::eps_pattern_wide_log2};
  return b[static_cast<int>(f)];
}
bool whot(wf f, std::uint64_t b) {
  switch (f) {
    case wf::exp: return cr::fn_exp::pattern_hot<F>(b);
    case wf::log: return cr::fn_log::pattern_hot<F>(b);
    case wf::logistic: return cr::fn_logistic::pattern_hot<F>(b);
    case wf::sin: return cr::fn_sin::pattern_hot<F>(b);
    default: return cr::fn_cos::pattern_hot<F>(b);
  }
}
// The kernel value (k = 0 for these kernels); NaN where the kernel declines (sincos_short).
double wkernel(wf f, std::uint64_t b) {
  cr::fast_value r{};
  switch (f) {
    case wf::exp: r = cr::fn_exp::eval_pattern<F>(b); break;
    case wf::log: r = cr::fn_log::eval_pattern<F>(b); break;
    case wf::logistic: r = cr::fn_logistic::eval_pattern<F>(b); break;
    case wf::sin: r = cr::fn_sin::eval_pattern<F>(b); break;
    default: r = cr::fn_cos::eval_pattern<F>(b); break;
  }
  return std::ldexp(r.v, r.k);
}
float as_float(std::uint64_t b) { return fl::bit_cast<float>(static_cast<std::uint32_t>(b)); }
void mpfr_f(wf f, mpfr_ptr y, mpfr_srcptr x) {
  switch (f) {
    case wf::exp: mpfr_exp(y, x, MPFR_RNDN); break;
    case wf::log: mpfr_log(y, x, MPFR_RNDN); break;
    case wf::logistic:  // 1 / (1 + e^-x) at 200 bits: relative error below 2^-190
      mpfr_neg(y, x, MPFR_RNDN);
      mpfr_exp(y, y, MPFR_RNDN);
      mpfr_add_ui(y, y, 1, MPFR_RNDN);
      mpfr_ui_div(y, 1, y, MPFR_RNDN);
      break;
    case wf::sin: mpfr_sin(y, x, MPFR_RNDN); break;
    default: mpfr_cos(y, x, MPFR_RNDN); break;
  }
}

struct worst {
  double rel = -1000, abs_margin = -1000;  // log2 of the relative error; log's error / its absolute bound
  std::uint64_t n = 0, declined = 0;
};

// Relative error of v against f (MPFR, 200 bits), as log2; for log also the ratio of the
// absolute error to the absolute bound that pow_short uses, 2^-51.2 + 2^-52 |log x| + 2^-60.
struct bound_checker {
  mpfr_t x, y, d;
  bound_checker() { mpfr_inits2(200, x, y, d, (mpfr_ptr) nullptr); }
  ~bound_checker() { mpfr_clears(x, y, d, (mpfr_ptr) nullptr); }
  bound_checker(const bound_checker&) = delete;
  bound_checker& operator=(const bound_checker&) = delete;
  void check(wf f, std::uint64_t b, worst& w) {
    const double v = wkernel(f, b);
    if (std::isnan(v)) {
      ++w.declined;
      return;
    }
    mpfr_set_d(x, as_float(b), MPFR_RNDN);
    mpfr_f(f, y, x);
    mpfr_set_d(d, v, MPFR_RNDN);
    mpfr_sub(d, d, y, MPFR_RNDN);
    mpfr_abs(d, d, MPFR_RNDN);
    if (f == wf::log) {
      const double ab = std::exp2(-51.2) + 0x1p-52 * std::fabs(mpfr_get_d(y, MPFR_RNDN)) + 0x1p-60;
      const double m = mpfr_get_d(d, MPFR_RNDU) / ab;
      w.abs_margin = m > w.abs_margin ? m : w.abs_margin;
    }
    mpfr_div(d, d, y, MPFR_RNDN);
    mpfr_abs(d, d, MPFR_RNDN);
    const double e = mpfr_zero_p(d) ? -1000.0 : std::log2(mpfr_get_d(d, MPFR_RNDU));
    w.rel = e > w.rel ? e : w.rel;
    ++w.n;
  }
};

void report_bound(const char* what, wf f, const worst& w) {
  std::printf("math wide %-8s %-8s %9llu arguments (%llu declined): worst relative 2^%.2f (bound 2^%d)", what, wname(f),
              static_cast<unsigned long long>(w.n), static_cast<unsigned long long>(w.declined), w.rel, wbound(f));
  if (f == wf::log) std::printf(", absolute %.3f of pow's bound", w.abs_margin);
  std::printf("\n");
  INFO(what << " " << wname(f));
  CHECK(w.n > 0);
  CHECK(w.rel <= wbound(f));
  CHECK(w.abs_margin <= 1.0);
}

std::uint64_t random_hot(wf f, std::mt19937_64& rng) {
  for (;;) {
    const std::uint64_t b = rng() & 0xFFFFFFFFu;
    if (whot(f, b)) return b;
  }
}

// pow_short's kernel for binary32 (its domain: x positive normal, x != 1, y normal with |y| <
// 2^8, |t| <= 128); NaN outside.
double pow_kernel(std::uint64_t bx, std::uint64_t by) {
  const double y = static_cast<double>(as_float(by));
  if (!cr::log_pattern_hot<F>(bx) || !(std::fabs(y) < 256) || !cr::normal_pattern<F>(by)) return std::nan("");
  const double t = cr::log_pattern_wide<F>(bx) * y;
  if (!(std::fabs(t) <= 128)) return std::nan("");
  return cr::exp_short_scaled<false>(t).v;
}
// A pair in pow_short's domain: x a random positive normal pattern, y uniform with |y log x| <= 120.
std::pair<std::uint64_t, std::uint64_t> random_pow_pair(std::mt19937_64& rng) {
  for (;;) {
    const std::uint64_t bx = rng() & 0x7FFFFFFFu;
    if (!cr::log_pattern_hot<F>(bx)) continue;
    const double lx = std::fabs(std::log(static_cast<double>(as_float(bx))));
    double lim = 120 / lx;
    lim = lim < 255 ? lim : 255;
    const double u = std::ldexp(static_cast<double>(rng() >> 11), -53) * 2 - 1;  // [-1, 1)
    const float y = static_cast<float>(u * lim * std::ldexp(1.0, -static_cast<int>(rng() % 8)));
    if (y == 0) continue;
    return {bx, fl::bit_cast<std::uint32_t>(y)};
  }
}

void check_pow_bound(std::size_t count, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  mpfr_t x, y, z, d;
  mpfr_inits2(200, x, y, z, d, (mpfr_ptr) nullptr);
  double w = -1000;
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const auto [bx, by] = random_pow_pair(rng);
    const double v = pow_kernel(bx, by);
    if (std::isnan(v)) continue;
    mpfr_set_d(x, as_float(bx), MPFR_RNDN);
    mpfr_set_d(y, as_float(by), MPFR_RNDN);
    mpfr_pow(z, x, y, MPFR_RNDN);
    mpfr_set_d(d, v, MPFR_RNDN);
    mpfr_sub(d, d, z, MPFR_RNDN);
    mpfr_div(d, d, z, MPFR_RNDN);
    mpfr_abs(d, d, MPFR_RNDN);
    const double e = mpfr_zero_p(d) ? -1000.0 : std::log2(mpfr_get_d(d, MPFR_RNDU));
    w = e > w ? e : w;
    ++n;
  }
  mpfr_clears(x, y, z, d, (mpfr_ptr) nullptr);
  std::printf("math wide kernel   pow      %9llu pairs: worst relative 2^%.2f (bound 2^-41)\n",
              static_cast<unsigned long long>(n), w);
  CHECK(n > 0);
  CHECK(w <= -41);
}

// Is v within 2^-32 relative of the 25-bit grid (the format's points and midpoints)?
bool near_grid(double v) {
  if (!(std::fabs(v) > 0) || std::isinf(v) || std::isnan(v)) return false;
  const std::uint64_t d = fl::bit_cast<std::uint64_t>(v) & ((std::uint64_t{1} << 28) - 1);
  const std::uint64_t dist = d < (std::uint64_t{1} << 27) ? d : (std::uint64_t{1} << 28) - d;
  return dist < (std::uint64_t{1} << 21);
}

using tally = floatlab_test::math_tally;

template <class Fn>
void check_modes(const char* what, Fn f, oracle::reference& ref, tally& t, std::uint64_t key, std::uint32_t op) {
  floatlab_test::check_math_modes(what, f, ref, t, key, op, 29);
}

template <class U, class... M>
U wcall(wf f, U x, M... m) {
  switch (f) {
    case wf::exp: return fl::exp(x, m...);
    case wf::log: return fl::log(x, m...);
    case wf::logistic: return fl::logistic(x, m...);
    case wf::sin: return fl::sin(x, m...);
    default: return fl::cos(x, m...);
  }
}
mathref::fn ref_fn(wf f) {
  return f == wf::exp ? mathref::fn::exp : f == wf::log ? mathref::fn::log : mathref::fn::logistic;
}

void print_tally(const char* what, const tally& t) {
  const auto c = fl::math_counters();
  std::printf(
      "math wide %-13s inputs %7llu checks %8llu mismatches %llu  rounding tests %llu step declines %llu "
      "double misses %llu fallbacks %llu unresolved %llu\n",
      what, static_cast<unsigned long long>(t.inputs), static_cast<unsigned long long>(t.checks),
      static_cast<unsigned long long>(t.mismatches), static_cast<unsigned long long>(c.calls),
      static_cast<unsigned long long>(c.short_misses), static_cast<unsigned long long>(c.fast_misses),
      static_cast<unsigned long long>(c.fallbacks), static_cast<unsigned long long>(c.unresolved));
  INFO(what);
  CHECK(t.inputs > 0);
  CHECK(t.mismatches == 0);
  CHECK(c.unresolved == 0);
}

// f of the pattern b of U in every mode against MPFR (the oracle's format is U's); op: the
// Philox operation of the stochastic words.
template <class U>
void check_input(wf f, std::uint64_t b, oracle::reference& ref, mathref::reference& mr, tally& t, std::uint32_t op) {
  ref.decode(b, ref.operand(0));
  mpfr_srcptr x = ref.operand(0);
  if (f == wf::sin || f == wf::cos)
    mr.eval_with([&] { return f == wf::cos ? mpfr_cos(mr.value(), x, MPFR_RNDN) : mpfr_sin(mr.value(), x, MPFR_RNDN); },
                 ref.result(), wname(f));
  else
    mr.eval(ref_fn(f), x, ref.result());
  const U xv = U::from_bits(static_cast<typename U::format_type::storage>(b));
  check_modes(
      wname(f), [&](auto... m) { return wcall(f, xv, m...); }, ref, t, b, op);
  ++t.inputs;
}

// Every mode on `random` random patterns of f's domain (both signs where the domain has them)
// and on the hard ones among `scan` random patterns.
void results_in_every_mode(wf f, std::size_t random, std::size_t scan, std::uint64_t seed) {
  oracle::reference ref(oracle::format_desc::of<F>());
  mathref::reference mr;
  std::mt19937_64 rng(seed);
  std::vector<std::uint64_t> in;
  for (std::size_t i = 0; i < random; ++i) in.push_back(random_hot(f, rng));
  std::size_t hard = 0;
  for (std::size_t i = 0; i < scan; ++i) {
    const std::uint64_t b = random_hot(f, rng);
    if (near_grid(wkernel(f, b))) {
      in.push_back(b);
      ++hard;
    }
  }
  tally t;
  fl::math_counters() = {};
  for (std::uint64_t b : in) {
    check_input<T>(f, b, ref, mr, t, 50 + static_cast<std::uint32_t>(f));
  }
  char what[64];
  std::snprintf(what, sizeof what, "%s (%zu hard)", wname(f), hard);
  print_tally(what, t);
}

void pow_results_in_every_mode(std::size_t random, std::size_t scan, std::uint64_t seed) {
  oracle::reference ref(oracle::format_desc::of<F>());
  mathref::reference mr;
  std::mt19937_64 rng(seed);
  std::vector<std::pair<std::uint64_t, std::uint64_t>> in;
  for (std::size_t i = 0; i < random; ++i) in.push_back(random_pow_pair(rng));
  std::size_t hard = 0;
  for (std::size_t i = 0; i < scan; ++i) {
    const auto p = random_pow_pair(rng);
    if (near_grid(pow_kernel(p.first, p.second))) {
      in.push_back(p);
      ++hard;
    }
  }
  tally t;
  fl::math_counters() = {};
  for (auto [bx, by] : in) {
    ref.decode(bx, ref.operand(0));
    ref.decode(by, ref.operand(1));
    mpfr_srcptr x = ref.operand(0), y = ref.operand(1);
    mr.eval_with([&] { return mpfr_pow(mr.value(), x, y, MPFR_RNDU); }, ref.result(), "pow");
    const T xv = T::from_bits(static_cast<std::uint32_t>(bx)), yv = T::from_bits(static_cast<std::uint32_t>(by));
    check_modes(
        "pow", [&](auto... m) { return fl::pow(xv, yv, m...); }, ref, t, (bx << 32) | by, 60);
    ++t.inputs;
  }
  char what[64];
  std::snprintf(what, sizeof what, "pow (%zu hard)", hard);
  print_tally(what, t);
}

std::size_t scaled(double n) { return static_cast<std::size_t>(n * operands::test_scale()) + 16; }

constexpr wf all_wf[] = {wf::exp, wf::log, wf::logistic, wf::sin, wf::cos};

}  // namespace

namespace {
// Every stride-th pattern of a narrower wide format (U: 13 to 23 significant bits), the five
// functions in 9 modes against the oracle, and log_pattern_wide's bounds on those patterns.
template <class U>
void narrow_format(const char* label, std::uint64_t stride, std::uint64_t kernel_stride = 1) {
  using G = typename U::format_type;
  oracle::reference ref(oracle::format_desc::of<G>());
  mathref::reference mr;
  const std::uint64_t count = std::uint64_t{1} << G::total_bits;
  mpfr_t lx, ly, ld;
  mpfr_inits2(200, lx, ly, ld, (mpfr_ptr) nullptr);
  double worst = -1000;
  for (std::uint64_t b = 0; b < count; b += kernel_stride) {  // the log kernel (every positive normal pattern)
    if (!cr::log_pattern_hot<G>(b)) continue;
    mpfr_set_d(lx, static_cast<double>(U::from_bits(static_cast<typename G::storage>(b))), MPFR_RNDN);
    mpfr_log(ly, lx, MPFR_RNDN);
    mpfr_set_d(ld, cr::log_pattern_wide<G>(b), MPFR_RNDN);
    mpfr_sub(ld, ld, ly, MPFR_RNDN);
    mpfr_div(ld, ld, ly, MPFR_RNDN);
    const double e = mpfr_zero_p(ld) ? -1000.0 : std::log2(std::fabs(mpfr_get_d(ld, MPFR_RNDU)));
    worst = e > worst ? e : worst;
  }
  mpfr_clears(lx, ly, ld, (mpfr_ptr) nullptr);
  std::printf(
      "math wide %-13s log_pattern_wide on every positive normal pattern: worst relative 2^%.2f (bound 2^-43)\n", label,
      worst);
  CHECK(worst <= -43);
  for (wf f : all_wf) {
    tally t;
    fl::math_counters() = {};
    for (std::uint64_t b = 0; b < count; b += stride) {
      check_input<U>(f, b, ref, mr, t, 70 + static_cast<std::uint32_t>(f));
    }
    char what[64];
    std::snprintf(what, sizeof what, "%s %s", label, wname(f));
    print_tally(what, t);
  }
}
}  // namespace

TEST_CASE("math wide pattern step: cfloat<5,12> (p = 13), every 127th pattern", "[math]") {
  narrow_format<fl::cfloat<5, 12>>("cfloat<5,12>", operands::test_scale() >= 1 ? 127 : 1271);
}

TEST_CASE("math wide pattern step: every cfloat<5,12> input", "[full][math]") {
  narrow_format<fl::cfloat<5, 12>>("cfloat<5,12>", 1);
}

// The other encodings (their own bias, top binade, zeros, subnormal flushing) on the same path.
TEST_CASE("math wide pattern step: cfloat<5,12> fn, fnuz, ieee_ftz, every 1021st pattern", "[math]") {
  namespace e = fl::encoding;
  const std::uint64_t stride = operands::test_scale() >= 1 ? 1021 : 10211;
  narrow_format<fl::cfloat<5, 12, fl::round::nearest_even, e::fn>>("c5_12 fn", stride, 7);
  narrow_format<fl::cfloat<5, 12, fl::round::nearest_even, e::fnuz>>("c5_12 fnuz", stride, 7);
  narrow_format<fl::cfloat<5, 12, fl::round::nearest_even, e::ieee_ftz>>("c5_12 ftz", stride, 7);
}

TEST_CASE("math wide pattern step: kernel bounds on binary32 arguments", "[math]") {
  bound_checker bc;
  {  // log: every pattern within 2^16 of 1 (the cells next to 1, e = -1 and 0), every cell's ends
    worst w;
    const double s = operands::test_scale();
    const std::uint64_t step = s >= 1 ? 1 : (static_cast<std::uint64_t>(1 / (s > 1e-3 ? s : 1e-3)) | 1);
    for (std::uint64_t b = 0x3F800000u - 0x10000u; b <= 0x3F800000u + 0x10000u; b += step)
      if (cr::log_pattern_hot<F>(b)) bc.check(wf::log, b, w);
    for (int e : {-126, -2, -1, 0, 1, 2, 127})
      for (std::uint64_t k = 0; k <= 128; ++k) {
        const std::uint64_t cell = (static_cast<std::uint64_t>(e + 127) << 23) + (k << 16);  // c_k's pattern
        for (std::uint64_t d = 0; d < 8; ++d)
          for (std::uint64_t b : {cell + d, cell - 1 - d})
            if (cr::log_pattern_hot<F>(b)) bc.check(wf::log, b, w);
      }
    report_bound("near 1", wf::log, w);
  }
  for (wf f : all_wf) {
    std::mt19937_64 rng(900 + static_cast<int>(f));
    worst w;
    const std::size_t n = scaled(f == wf::sin || f == wf::cos ? 10000 : 20000);
    for (std::size_t i = 0; i < n; ++i) bc.check(f, random_hot(f, rng), w);
    report_bound("random", f, w);
  }
  check_pow_bound(scaled(10000), 907);
}

TEST_CASE("math wide pattern step: binary32 results in every mode, random and hard", "[math]") {
  for (wf f : all_wf) results_in_every_mode(f, scaled(1500), scaled(1 << 16), 1000 + static_cast<int>(f));
  pow_results_in_every_mode(scaled(1500), scaled(1 << 16), 1010);
}

TEST_CASE("math wide pattern step: kernel bounds on every k-th binary32 pattern", "[full][math]") {
  const char* s = std::getenv("FLOATLAB_MATH_STRIDE");
  const std::uint64_t stride = s != nullptr ? std::strtoull(s, nullptr, 10) : 257;
  bound_checker bc;
  for (wf f : all_wf) {
    worst w;
    for (std::uint64_t b = 0; b < (std::uint64_t{1} << 32); b += stride)
      if (whot(f, b)) bc.check(f, b, w);
    report_bound("stride", f, w);
  }
  check_pow_bound(4000000, 917);
}

TEST_CASE("math wide pattern step: binary32 results, many random and hard", "[full][math]") {
  for (wf f : all_wf) results_in_every_mode(f, 100000, std::size_t{1} << 23, 2000 + static_cast<int>(f));
  pow_results_in_every_mode(100000, std::size_t{1} << 23, 2010);
}
