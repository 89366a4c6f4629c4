// The branch-free fast paths of issue 12's second round, bit for bit against the integer
// kernels (detail/exact_ops.hpp + round_pack), which test_exhaustive_* and test_random_mpfr
// prove against MPFR:
// - the Newton square root (detail/float_path.hpp, sqrt_newton / sqrt_n): the bound it rests
//   on (|y - sqrt(x)| <= 2^-30 sqrt(x)) on every double significand of up to 11 bits at both
//   exponent parities and across the exponent range, then every pattern of every format of
//   its domain listed below in every deterministic mode, through the public API, one call at
//   a time and over an array in a loop the compiler vectorizes.
// This file is also built with -march=x86-64-v3 (test_fast_paths_ops_v3,
// tests/compile_checks.cmake), so the vectorized code is what is checked there.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <cstdio>
#include <vector>

#include "support/exhaustive.hpp"
#include "support/operands.hpp"

using namespace floatlab;

namespace {

using ops = oracle::reference::op;
using deterministic_modes = std::tuple<round::nearest_even, round::nearest_away, round::toward_zero, round::upward,
                                       round::downward, round::odd>;

template <class T, class Mode>
void loop_sqrt(const T* a, T* c, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) c[i] = sqrt(a[i], Mode{});
}

// Every pattern of T's format, every deterministic mode: public API (one call, and an array
// loop) vs the integer kernel. Returns the number of mismatches.
template <class T>
std::uint64_t sqrt_all_patterns(std::uint64_t& cases) {
  using F = typename T::format_type;
  using S = typename F::storage;
  const std::uint64_t n = std::uint64_t{1} << F::total_bits;
  std::vector<T> a(n), c(n);
  for (std::uint64_t i = 0; i < n; ++i) a[i] = T::from_bits(static_cast<S>(i));
  exhaustive::tally t;
  const std::string name = oracle::format_desc::of<F>().name();
  auto one = [&](auto mode_tag) {
    using Mode = decltype(mode_tag);
    static_assert(detail::sqrt_newton_ok<F, Mode>, "the format must be in the Newton square root's domain");
    loop_sqrt<T, Mode>(a.data(), c.data(), n);
    for (std::uint64_t i = 0; i < n; ++i) {
      const std::uint64_t want = exhaustive::lib<T, Mode>::kernel(ops::sqrt, i, 0, 0, 0);
      const std::uint64_t got = exhaustive::lib<T, Mode>::api(ops::sqrt, i, 0, 0, 0);
      t.record(got == want, "sqrt", name, oracle::mode_of<Mode>(), i, 0, 0, got, want);
      t.record(c[i].bits() == want, "sqrt loop", name, oracle::mode_of<Mode>(), i, 0, 0, c[i].bits(), want);
    }
  };
  std::apply([&](auto... modes) { (one(modes), ...); }, deterministic_modes{});
  cases = t.cases;
  return t.mismatches;
}

}  // namespace

TEST_CASE("Newton square root error is below 2^-30 on every significand of up to 11 bits", "[fast_path][sqrt]") {
  // The relative error of sqrt_newton depends only on the significand and the exponent's
  // parity (float_path.hpp); the exponents below also cover the whole E <= 9 range. The
  // reference is long double's sqrt (64-bit significand on x86: 2^-64, far below 2^-30) or,
  // where long double is double, the bound is checked with the margin of double's sqrt.
  double worst = 0;
  std::uint64_t count = 0;
  for (int e = -300; e <= 300; ++e) {
    for (std::uint64_t frac = 0; frac < 1024; ++frac) {
      const double x = std::ldexp(1.0 + static_cast<double>(frac) / 1024.0, e);
      const double y = detail::sqrt_newton(x);
      const long double ref = std::sqrt(static_cast<long double>(x));
      const long double rel = std::fabs((static_cast<long double>(y) - ref) / ref);
      worst = std::max(worst, static_cast<double>(rel));
      ++count;
    }
  }
  std::printf("Newton sqrt: %llu significands x exponents, worst relative error 2^%.2f\n", (unsigned long long)count,
              std::log2(worst));
  CHECK(count == 601 * 1024);
  REQUIRE(worst <= std::ldexp(1.0, -31));  // 2^-30 with a margin for a double-only reference
  // The special operands.
  REQUIRE(detail::sqrt_newton(0.0) == 0.0);
  REQUIRE(std::signbit(detail::sqrt_newton(-0.0)));
  REQUIRE(std::isinf(detail::sqrt_newton(HUGE_VAL)));
  REQUIRE(std::isnan(detail::sqrt_newton(-HUGE_VAL)));
  REQUIRE(std::isnan(detail::sqrt_newton(-1.0)));
  REQUIRE(std::isnan(detail::sqrt_newton(std::nan(""))));
}

// Every format of the Newton square root's domain the library names, and its corners: E = 9
// (the largest), E = 8 with p = 11 (tf32), small E with subnormal results (cfloat<3,8>,
// cfloat<2,10>: emin > -M), the encodings without subnormals, NaN or infinity.
TEMPLATE_TEST_CASE("Newton square root equals the integer kernel on every pattern, every deterministic mode",
                   "[fast_path][sqrt]", binary16, bfloat16, e4m3, e5m2, (cfloat<6, 9>), tf32, (cfloat<9, 10>),
                   (cfloat<9, 7>), (cfloat<2, 10>), (cfloat<3, 8>),
                   (cfloat<8, 7, round::nearest_even, encoding::ieee_ftz>),
                   (cfloat<8, 7, round::nearest_even, encoding::fn>),
                   (cfloat<8, 7, round::nearest_even, encoding::fnuz>),
                   (cfloat<7, 8, round::nearest_even, encoding::fnuz_satfinite>),
                   (cfloat<3, 8, round::nearest_even, encoding::finite>), (cfloat<1, 6>)) {
  std::uint64_t cases = 0;
  const std::uint64_t mismatches = sqrt_all_patterns<TestType>(cases);
  std::printf("%s sqrt: %llu cases, %llu mismatches\n",
              oracle::format_desc::of<typename TestType::format_type>().name().c_str(), (unsigned long long)cases,
              (unsigned long long)mismatches);
  CHECK(cases == 2 * 6 * (std::uint64_t{1} << TestType::format_type::total_bits));
  REQUIRE(mismatches == 0);
}

namespace {
template <class T>
using fmt = typename T::format_type;
static_assert(!detail::sqrt_newton_ok<fmt<cfloat<5, 11>>, round::nearest_even>, "p = 12: not the Newton square root");
static_assert(!detail::sqrt_newton_ok<fmt<cfloat<10, 7>>, round::upward>, "E = 10: not the Newton square root");
static_assert(!detail::sqrt_newton_ok<fmt<binary16>, round::stochastic<8>>,
              "stochastic: not sqrt_newton (R = 4 and 8: sqrt_fs, test_float_domain; other R: the double path)");
}  // namespace

// ---- the float TwoSum path (double_path.hpp, twosum_float_*_ok): fma in every mode, + - * /
// off nearest-even, for p <= 11 within the float range conditions -------------------------
namespace {

template <class Mode>
using fma_mode_list = std::tuple<Mode>;
using all_modes = exhaustive::all_modes;

// One triple in every mode, API vs kernel.
template <class T>
void fma_all_modes(exhaustive::tally& t, const std::string& name, std::uint64_t a, std::uint64_t b, std::uint64_t c) {
  const std::uint32_t w = exhaustive::case_word(a, b, c, static_cast<int>(ops::fma));
  auto one = [&](auto mode_tag) {
    using Mode = decltype(mode_tag);
    const std::uint64_t got = exhaustive::lib<T, Mode>::api(ops::fma, a, b, c, w);
    const std::uint64_t want = exhaustive::lib<T, Mode>::kernel(ops::fma, a, b, c, w);
    t.record(got == want, "fma", name, oracle::mode_of<Mode>(), a, b, c, got, want);
  };
  std::apply([&](auto... modes) { (one(modes), ...); }, all_modes{});
}

// Every triple (a, b, c) of an 8-bit format with a stride over c (1 = all 2^24).
template <class T>
exhaustive::tally fma_all_triples(std::uint64_t stride) {
  using F = typename T::format_type;
  exhaustive::tally t;
  const std::string name = oracle::format_desc::of<F>().name();
  const std::uint64_t n = std::uint64_t{1} << F::total_bits;
  for (std::uint64_t a = 0; a < n; ++a)
    for (std::uint64_t b = 0; b < n; ++b)
      for (std::uint64_t c = (a + b) % stride; c < n; c += stride) fma_all_modes<T>(t, name, a, b, c);
  return t;
}

// Hard fma triples for a 16-bit format: products that are midpoints or grid points of the
// format (b with one or two significant bits), an addend at every exponent distance from the
// product (sticky, ties broken by a far addend), cancellation (c = -RN(a*b) and neighbours),
// subnormal operands and results, plus edge-weighted random triples.
template <class T>
exhaustive::tally fma_hard(std::uint64_t n) {
  using F = typename T::format_type;
  exhaustive::tally t;
  const std::string name = oracle::format_desc::of<F>().name();
  operands::generator<F> gen(0xF3A + F::total_bits * 31 + F::exponent_bits);
  std::mt19937_64 rng(0xC0FFEE + F::total_bits);
  const std::uint64_t bias_field = static_cast<std::uint64_t>(F::bias) << F::fraction_bits;  // 1.0
  for (std::uint64_t i = 0; i < n; ++i) {
    const std::uint64_t a = gen.operand();
    std::uint64_t b = gen.operand(a), c = gen.operand(a);
    switch (rng() % 6) {
      case 0:  // b = +-1.5 * 2^k or +-1.25 * 2^k: a*b has p + 1 or p + 2 bits (midpoints)
      case 1: {
        const std::uint64_t frac =
            (rng() & 1) ? (std::uint64_t{1} << (F::fraction_bits - 1)) : (std::uint64_t{1} << (F::fraction_bits - 2));
        const std::int64_t field = static_cast<std::int64_t>(F::bias) + static_cast<std::int64_t>(rng() % 9) - 4;
        b = (rng() & 1 ? F::sign_mask : 0) | (static_cast<std::uint64_t>(field) << F::fraction_bits) |
            (F::fraction_bits >= 2 ? frac : 0);
        break;
      }
      default: break;
    }
    const T ta = T::from_bits(static_cast<typename F::storage>(a)),
            tb = T::from_bits(static_cast<typename F::storage>(b));
    const T prod = ta * tb;  // RN(a*b): the cancelling addend
    switch (rng() % 4) {
      case 0: {  // cancellation: c = -RN(a*b) + k units
        const std::int64_t k = static_cast<std::int64_t>(rng() % 5) - 2;
        c = (prod.bits() ^ F::sign_mask) + static_cast<std::uint64_t>(k);
        c &= F::sign_mask | F::magnitude_mask;
        break;
      }
      case 1: {  // an addend 0..2p+4 binades below (or above) the product, random significand
        const std::int64_t pf = static_cast<std::int64_t>((prod.bits() & F::exponent_mask) >> F::fraction_bits);
        const std::int64_t d = static_cast<std::int64_t>(rng() % (2 * F::precision + 5)) * ((rng() & 3) ? -1 : 1);
        std::int64_t f = pf + d;
        f = f < 0                                             ? 0
            : f > static_cast<std::int64_t>(F::field_max) - 1 ? static_cast<std::int64_t>(F::field_max) - 1
                                                              : f;
        c = (rng() & 1 ? F::sign_mask : 0) | (static_cast<std::uint64_t>(f) << F::fraction_bits) |
            (rng() & F::fraction_mask);
        break;
      }
      case 2:  // the smallest addends: ties broken by a sticky bit, subnormal sums
        c = (rng() & 1 ? F::sign_mask : 0) | (rng() % 3);
        break;
      default: break;
    }
    (void)bias_field;
    fma_all_modes<T>(t, name, a, b, c);
  }
  return t;
}

}  // namespace

TEMPLATE_TEST_CASE("fma: every triple of an 8-bit format, every mode (c strided in CI)", "[fast_path][fma]", e4m3, e5m2,
                   (cfloat<3, 4>), (cfloat<4, 3, round::nearest_even, encoding::fnuz>)) {
  // 2^24 triples x 8 modes: stride 61 on c in CI (every (a, b) pair, 1/61 of the addends,
  // shifted with a + b), 1 in the [full] case below; FLOATLAB_TEST_SCALE stretches it.
  const auto stride = static_cast<std::uint64_t>(61 / std::min(1.0, operands::test_scale()));
  const exhaustive::tally t = fma_all_triples<TestType>(stride);
  std::printf("%s fma triples / %llu: %llu cases, %llu mismatches\n",
              oracle::format_desc::of<typename TestType::format_type>().name().c_str(), (unsigned long long)stride,
              (unsigned long long)t.cases, (unsigned long long)t.mismatches);
  CHECK(t.cases >= 8 * (std::uint64_t{1} << 24) / stride);
  REQUIRE(t.mismatches == 0);
}

TEMPLATE_TEST_CASE("fma: all 2^24 triples of an 8-bit format, every mode", "[fast_path][fma][full]", e4m3, e5m2,
                   (cfloat<3, 4>), (cfloat<4, 3, round::nearest_even, encoding::fnuz>)) {
  const exhaustive::tally t = fma_all_triples<TestType>(1);
  std::printf("%s all fma triples: %llu cases, %llu mismatches\n",
              oracle::format_desc::of<typename TestType::format_type>().name().c_str(), (unsigned long long)t.cases,
              (unsigned long long)t.mismatches);
  CHECK(t.cases == 8 * (std::uint64_t{1} << 24));
  REQUIRE(t.mismatches == 0);
}

// 16-bit formats and the domain's corners (E = 7 with p = 11: the product bound; E = 6/7 with
// small p), hard and random triples in every mode.
TEMPLATE_TEST_CASE("fma: hard and random triples of 16-bit formats, every mode", "[fast_path][fma]", binary16,
                   (cfloat<6, 9>), (cfloat<7, 10>), (cfloat<7, 8>),
                   (cfloat<5, 10, round::nearest_even, encoding::ieee_ftz>), bfloat16, (cfloat<4, 11>)) {
  const auto n = static_cast<std::uint64_t>(300000 * operands::test_scale());
  const exhaustive::tally t = fma_hard<TestType>(n);
  std::printf("%s fma hard: %llu cases, %llu mismatches\n",
              oracle::format_desc::of<typename TestType::format_type>().name().c_str(), (unsigned long long)t.cases,
              (unsigned long long)t.mismatches);
  CHECK(t.cases == 8 * n);
  REQUIRE(t.mismatches == 0);
}

TEST_CASE("fma: all 2^32 (a, b) pairs of binary16 against hard addends, nearest-even and toward zero",
          "[fast_path][fma][full]") {
  using T = binary16;
  using F = T::format_type;
  exhaustive::tally t;
  const std::uint64_t addends[] = {0, F::sign_mask, 1, F::sign_mask | 1, 0x3C00, 0xBC01, 0x0400, 0x7BFF, 0xFBFF};
  for (std::uint64_t a = 0; a < 65536; ++a)
    for (std::uint64_t b = 0; b < 65536; ++b)
      for (std::uint64_t c : addends) {
        for (int m = 0; m < 2; ++m) {
          const std::uint64_t got = m ? exhaustive::lib<T, round::toward_zero>::api(ops::fma, a, b, c, 0)
                                      : exhaustive::lib<T, round::nearest_even>::api(ops::fma, a, b, c, 0);
          const std::uint64_t want = m ? exhaustive::lib<T, round::toward_zero>::kernel(ops::fma, a, b, c, 0)
                                       : exhaustive::lib<T, round::nearest_even>::kernel(ops::fma, a, b, c, 0);
          t.record(got == want, "fma", "binary16", m ? oracle::mode::toward_zero : oracle::mode::nearest_even, a, b, c,
                   got, want);
        }
      }
  REQUIRE(t.mismatches == 0);
}

// + - * / in the directed modes, round::odd and stochastic through the float TwoSum path:
// random + edge operand pairs vs the kernels (the 8-bit formats: test_exhaustive_*, every pair).
TEMPLATE_TEST_CASE("float TwoSum path: + - * / off nearest-even equal the kernels", "[fast_path][directed]", binary16,
                   (cfloat<6, 9>), (cfloat<7, 10>), (cfloat<7, 8>), (cfloat<4, 11>), bfloat16, tf32,
                   (cfloat<5, 10, round::nearest_even, encoding::ieee_ftz>)) {
  using F = typename TestType::format_type;
  operands::generator<F> gen(0xD1 + F::total_bits * 7 + F::exponent_bits);
  exhaustive::tally t;
  const std::string name = oracle::format_desc::of<F>().name();
  const auto n = static_cast<std::uint64_t>(200000 * operands::test_scale());
  for (std::uint64_t i = 0; i < n; ++i) {
    const std::uint64_t a = gen.operand(), b = gen.operand(a);
    for (ops o : {ops::add, ops::sub, ops::mul, ops::div}) {
      const std::uint32_t w = exhaustive::case_word(a, b, 0, static_cast<int>(o));
      auto one = [&](auto mode_tag) {
        using Mode = decltype(mode_tag);
        const std::uint64_t got = exhaustive::lib<TestType, Mode>::api(o, a, b, 0, w);
        const std::uint64_t want = exhaustive::lib<TestType, Mode>::kernel(o, a, b, 0, w);
        t.record(got == want, "op", name, oracle::mode_of<Mode>(), a, b, 0, got, want);
      };
      std::apply([&](auto... modes) { (one(modes), ...); }, all_modes{});
    }
  }
  std::printf("%s directed + - * /: %llu cases, %llu mismatches\n", name.c_str(), (unsigned long long)t.cases,
              (unsigned long long)t.mismatches);
  CHECK(t.cases == 4 * 8 * n);
  REQUIRE(t.mismatches == 0);
}

namespace {
using detail::twosum_float_add_ok;
using detail::twosum_float_div_ok;
using detail::twosum_float_mul_ok;
static_assert(twosum_float_mul_ok<fmt<binary16>, round::upward> && twosum_float_div_ok<fmt<binary16>, round::upward>,
              "binary16: float TwoSum path");
static_assert(twosum_float_mul_ok<fmt<cfloat<7, 10>>, round::nearest_even> &&
                  !twosum_float_div_ok<fmt<cfloat<7, 10>>, round::upward>,
              "E = 7: fma and * in float, / in double");
static_assert(!twosum_float_mul_ok<fmt<bfloat16>, round::nearest_even> &&
                  twosum_float_add_ok<fmt<cfloat<7, 10>>, round::upward>,
              "E = 8: products leave float's range");
static_assert(twosum_float_mul_ok<fmt<binary16>, round::stochastic<12>> &&
                  !twosum_float_mul_ok<fmt<binary16>, round::stochastic<13>>,
              "stochastic: p + R + 1 <= 24");
static_assert(!twosum_float_mul_ok<fmt<cfloat<5, 11>>, round::upward>, "p = 12: double path");
static_assert(twosum_float_add_ok<fmt<bfloat16>, round::toward_zero> && twosum_float_add_ok<fmt<bfloat16>, round::stochastic<4>> &&
                  !twosum_float_add_ok<fmt<bfloat16>, round::stochastic<16>>,
              "emax 127: + - in float with the overflow fix (stochastic: the all-ones word, tenth session; p + R + 1 <= 24)");
}  // namespace

// ---- philox_bulk_rng (random.hpp): one Philox block per SIMD lane --------------------------
// Its words are philox_rng's, i.e. philox4x32(seed, counter, stream) block after block,
// whatever the vector width the compiler chose: this file is built for the baseline and for
// x86-64-v3 (test_fast_paths_ops_v3), and both compare with the scalar constexpr philox4x32.
TEST_CASE("philox_bulk_rng's vectorized fill gives philox4x32's words at every size and offset",
          "[fast_path][random]") {
  for (std::uint64_t seed : {0ull, 7ull, 0x0123456789ABCDEFull}) {
    for (std::uint64_t stream : {0ull, 3ull, 0xFFFFFFFF00000001ull}) {
      philox_bulk_rng bulk(seed, stream);
      std::uint64_t counter = 0;
      int used = 4;
      philox_block block{};
      auto next = [&] {
        if (used == 4) {
          block = philox4x32(seed, static_cast<std::uint32_t>(counter), static_cast<std::uint32_t>(counter >> 32),
                             static_cast<std::uint32_t>(stream), static_cast<std::uint32_t>(stream >> 32));
          ++counter;
          used = 0;
        }
        return block.w[used++];
      };
      std::vector<std::uint32_t> buf(1200);
      std::uint64_t words = 0, bad = 0;
      for (std::size_t n : {0, 1, 3, 4, 5, 63, 64, 255, 256, 257, 1023, 1200, 2, 7, 1000}) {
        bulk.fill(buf.data(), n);
        for (std::size_t i = 0; i < n; ++i, ++words) bad += buf[i] != next();
        bad += bulk() != next();
        ++words;
      }
      REQUIRE(words == 4155);  // the sizes above, plus one () after each
      REQUIRE(bad == 0);
    }
  }
}

TEMPLATE_TEST_CASE("float TwoSum path: sums that overflow float (emax 127) equal the kernels in every mode",
                   "[fast_path][directed]", bfloat16, tf32) {
  using F = typename TestType::format_type;
  exhaustive::tally t;
  const std::string name = oracle::format_desc::of<F>().name();
  // Pairs of the 2^(M+1) largest magnitudes of either sign (sums near and beyond 2^128):
  // every 7th second operand, and for tf32 every 9th first operand.
  const std::uint64_t top = F::max_finite_bits, span = std::uint64_t{2} << F::fraction_bits;
  const std::uint64_t stride_i = span > 256 ? 9 : 1;
  for (std::uint64_t i = 0; i < span; i += stride_i)
    for (std::uint64_t j = 0; j < span; j += 7) {
      for (std::uint64_t signs = 0; signs < 4; ++signs) {
        const std::uint64_t a = (top - i) | (signs & 1 ? F::sign_mask : 0),
                            b = (top - j) | (signs & 2 ? F::sign_mask : 0);
        for (ops o : {ops::add, ops::sub}) {
          auto one = [&](auto mode_tag) {
            using Mode = decltype(mode_tag);
            const std::uint64_t got = exhaustive::lib<TestType, Mode>::api(o, a, b, 0, 0);
            const std::uint64_t want = exhaustive::lib<TestType, Mode>::kernel(o, a, b, 0, 0);
            t.record(got == want, "op", name, oracle::mode_of<Mode>(), a, b, 0, got, want);
          };
          std::apply([&](auto... modes) { (one(modes), ...); }, deterministic_modes{});
          // stochastic<4>/<8> (the float sum's own infinity where finite operands overflow, eleventh
          // session): words whose top bits are 0, all ones, the middle and one below it.
          auto sr = [&](auto mode_tag) {
            using Mode = decltype(mode_tag);
            for (std::uint32_t w : {0u, 0xFFFFFFFFu, 0x80000000u, 0x7FFFFFFFu, 0x12345678u}) {
              const std::uint64_t got = exhaustive::lib<TestType, Mode>::api(o, a, b, 0, w);
              const std::uint64_t want = exhaustive::lib<TestType, Mode>::kernel(o, a, b, 0, w);
              t.record(got == want, "op", name, oracle::mode_of<Mode>(), a, b, 0, got, want);
            }
          };
          sr(round::stochastic<4>{});
          sr(round::stochastic<8>{});
        }
      }
    }
  std::printf("%s overflowing sums: %llu cases, %llu mismatches\n", name.c_str(), (unsigned long long)t.cases,
              (unsigned long long)t.mismatches);
  CHECK(t.cases > 10000);
  REQUIRE(t.mismatches == 0);
}

// ---- the float-to-format nearest encoder by bits (float_path.hpp encode_float_nearest_bits) ----
// Against the general encoder encode_from<Fmt, nearest_even, float> (the one the other fast
// paths use, itself proven against the integer kernels by test_fast_paths and the exhaustive
// op tests). [full]: every float. CI: every 4099th float, and for each float exponent from
// below the format's subnormal range to above its overflow, every leading fraction pattern
// of the format's width with the six low-bit patterns around its rounding boundary (0, 1,
// half - 1, half, half + 1, all ones), both signs.
namespace {
template <class Fmt>
std::uint64_t bits_encoder_mismatch(std::uint32_t u) {
  float s;
  std::memcpy(&s, &u, sizeof s);
  return detail::encode_float_nearest_bits<Fmt>(s) != detail::encode_from<Fmt, round::nearest_even, float>(s, 0, 0);
}
using e4m3_sat = cfloat<4, 3, round::nearest_even, encoding::fn_satfinite>;
using e3m2_ieee = cfloat<3, 2>;
using e2m1_fn = cfloat<2, 1, round::nearest_even, encoding::fn>;
}  // namespace

TEMPLATE_TEST_CASE("the float-to-format nearest encoder equals encode_from (sample and edges)", "[fast_path][encode]",
                   binary16, bfloat16, e5m2, e4m3, (cfloat<6, 9>), e4m3_sat, e3m2_ieee, e2m1_fn) {
  using F = typename TestType::format_type;
  static_assert(detail::float_bits_encoder_ok<F>);
  constexpr int M = F::fraction_bits, sh = 23 - M;
  std::uint64_t cases = 0, bad = 0;
  for (std::uint64_t i = 0; i < (std::uint64_t{1} << 32); i += 4099, ++cases) bad += bits_encoder_mismatch<F>(static_cast<std::uint32_t>(i));
  const std::uint32_t half = std::uint32_t{1} << (sh - 1), low_mask = (std::uint32_t{1} << sh) - 1;
  const std::uint32_t lows[] = {0u, 1u, half - 1, half, half + 1, low_mask};
  const int lo_exp = std::max(0, F::emin - M - 3 + 127), hi_exp = std::min(255, F::emax + 3 + 127);
  for (int e = lo_exp; e <= hi_exp; ++e)
    for (std::uint32_t top = 0; top < (std::uint32_t{1} << M); ++top)
      for (std::uint32_t low : lows)
        for (std::uint32_t sign : {0u, 0x80000000u}) {
          bad += bits_encoder_mismatch<F>(sign | static_cast<std::uint32_t>(e) << 23 | top << sh | low);
          ++cases;
        }
  for (std::uint32_t u : {0x7F800000u, 0xFF800000u, 0x7F800001u, 0x7FC00000u, 0xFFFFFFFFu, 0u, 0x80000000u, 1u, 0x80000001u}) {
    bad += bits_encoder_mismatch<F>(u);
    ++cases;
  }
  std::printf("%s bits encoder: %llu floats, %llu mismatches\n", oracle::format_desc::of<F>().name().c_str(), (unsigned long long)cases,
              (unsigned long long)bad);
  REQUIRE(bad == 0);
}

TEMPLATE_TEST_CASE("the float-to-format nearest encoder equals encode_from on every float", "[fast_path][encode][full]",
                   binary16, bfloat16, e5m2, e4m3, (cfloat<6, 9>)) {
  using F = typename TestType::format_type;
  std::uint64_t bad = 0;
  for (std::uint64_t i = 0; i < (std::uint64_t{1} << 32); ++i) bad += bits_encoder_mismatch<F>(static_cast<std::uint32_t>(i));
  std::printf("%s bits encoder: 2^32 floats, %llu mismatches\n", oracle::format_desc::of<F>().name().c_str(), (unsigned long long)bad);
  REQUIRE(bad == 0);
}
