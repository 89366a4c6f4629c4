// cfloat's API: constexpr use, numeric_limits, spec facts of the named formats, the known
// faults of peer libraries, classification, stepping, scaling, comparisons and conversions.
#include <catch2/catch.hpp>

#include <cfenv>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include <floatlab/cfloat.hpp>

#include "support/exhaustive.hpp"
#include "support/operands.hpp"

using namespace floatlab;

// ---- constexpr ---------------------------------------------------------------------------
static_assert(double(binary16{1.0} + binary16{2.0}) == 3.0);
static_assert(double(binary64{1.0} / binary64{3.0}) == 1.0 / 3.0);
static_assert(double(sqrt(binary64{2.0})) == 1.4142135623730951);
static_assert(double(fma(bfloat16{3.0}, bfloat16{5.0}, bfloat16{-1.0})) == 14.0);
static_assert(binary16{65504.0}.bits() == 0x7BFF);
static_assert(isinf(binary16{65520.0}));  // halfway to 2^16 rounds to even: infinity
static_assert(e4m3{448.0}.bits() == 0x7E && isnan(e4m3{480.0}));
static_assert(std::numeric_limits<e4m3>::max().bits() == 0x7E);
static_assert(add(binary16{1.0}, binary16{0.0001}, round::upward{}) > binary16{1.0});
static_assert(int(cfloat<5, 10, round::upward>{2.1}) == 3);
static_assert(philox4x32(0, 0, 0, 0, 0).w[0] == philox4x32(0, 0, 0, 0, 0).w[0]);

namespace {
template <class T>
double d(T x) {
  return static_cast<double>(x);
}
}  // namespace

TEST_CASE("numeric_limits of binary32 and binary64 match float and double", "[api]") {
  auto same = [](auto ours, auto theirs) {
    using U = decltype(ours.bits());
    U u;
    std::memcpy(&u, &theirs, sizeof u);
    return ours.bits() == u;
  };
  using L32 = std::numeric_limits<binary32>;
  using F = std::numeric_limits<float>;
  CHECK(same(L32::min(), F::min()));
  CHECK(same(L32::max(), F::max()));
  CHECK(same(L32::lowest(), F::lowest()));
  CHECK(same(L32::epsilon(), F::epsilon()));
  CHECK(same(L32::round_error(), F::round_error()));
  CHECK(same(L32::denorm_min(), F::denorm_min()));
  CHECK(same(L32::infinity(), F::infinity()));
  CHECK(isnan(L32::quiet_NaN()));
  CHECK(isnan(L32::signaling_NaN()));
  CHECK(L32::digits == F::digits);
  CHECK(L32::digits10 == F::digits10);
  CHECK(L32::max_digits10 == F::max_digits10);
  CHECK(L32::min_exponent == F::min_exponent);
  CHECK(L32::max_exponent == F::max_exponent);
  CHECK(L32::min_exponent10 == F::min_exponent10);
  CHECK(L32::max_exponent10 == F::max_exponent10);
  CHECK(L32::is_iec559);
  using L64 = std::numeric_limits<binary64>;
  using D = std::numeric_limits<double>;
  CHECK(same(L64::min(), D::min()));
  CHECK(same(L64::max(), D::max()));
  CHECK(same(L64::epsilon(), D::epsilon()));
  CHECK(same(L64::denorm_min(), D::denorm_min()));
  CHECK(L64::digits == D::digits);
  CHECK(L64::digits10 == D::digits10);
  CHECK(L64::max_digits10 == D::max_digits10);
  CHECK(L64::min_exponent == D::min_exponent);
  CHECK(L64::max_exponent == D::max_exponent);
  CHECK(L64::min_exponent10 == D::min_exponent10);
  CHECK(L64::max_exponent10 == D::max_exponent10);
  CHECK_FALSE(std::numeric_limits<cfloat<5, 10, round::upward>>::is_iec559);
}

TEST_CASE("named formats have the values their specifications give", "[api][spec]") {
  // IEEE 754 binary16; Google bfloat16; OCP 8-bit FP v1.0 (E4M3 max 448, E5M2 max 57344);
  // OCP MX v1.0 (E3M2 max 28, E2M3 max 7.5, E2M1 max 6); AMD/Graphcore fnuz fp8.
  CHECK(d(std::numeric_limits<binary16>::max()) == 65504.0);
  CHECK(d(std::numeric_limits<binary16>::min()) == std::ldexp(1.0, -14));
  CHECK(d(std::numeric_limits<binary16>::denorm_min()) == std::ldexp(1.0, -24));
  CHECK(d(std::numeric_limits<bfloat16>::max()) == std::ldexp(255.0, 120));
  CHECK(d(std::numeric_limits<e4m3>::max()) == 448.0);
  CHECK(d(std::numeric_limits<e4m3>::min()) == std::ldexp(1.0, -6));
  CHECK(d(std::numeric_limits<e4m3>::denorm_min()) == std::ldexp(1.0, -9));
  CHECK_FALSE(std::numeric_limits<e4m3>::has_infinity);
  CHECK(e4m3::from_bits(0x7F).bits() == 0x7F);
  CHECK(isnan(e4m3::from_bits(0x7F)));
  CHECK(isnan(e4m3::from_bits(0xFF)));
  CHECK_FALSE(isnan(e4m3::from_bits(0x7E)));
  CHECK(d(std::numeric_limits<e5m2>::max()) == 57344.0);
  CHECK(isinf(e5m2::from_bits(0x7C)));
  CHECK(d(std::numeric_limits<e4m3fnuz>::max()) == 240.0);
  CHECK(d(std::numeric_limits<e4m3fnuz>::denorm_min()) == std::ldexp(1.0, -10));
  CHECK(isnan(e4m3fnuz::from_bits(0x80)));
  CHECK(d(std::numeric_limits<e5m2fnuz>::max()) == 57344.0);
  CHECK(d(std::numeric_limits<e3m2>::max()) == 28.0);
  CHECK(d(std::numeric_limits<e2m3>::max()) == 7.5);
  CHECK(d(std::numeric_limits<e2m1>::max()) == 6.0);
  CHECK(d(std::numeric_limits<e2m1>::denorm_min()) == 0.5);
  CHECK(sizeof(binary16) == 2);
  CHECK(sizeof(e4m3) == 1);
  CHECK(sizeof(tf32) == 4);
  CHECK(sizeof(binary64) == 8);
  // Overflow by encoding: e4m3 (fn) gives NaN, satfinite and MX formats saturate, e5m2 gives inf.
  CHECK(isnan(e4m3{1000.0}));
  CHECK(d(cfloat<4, 3, round::nearest_even, encoding::fn_satfinite>{1000.0}) == 448.0);
  CHECK(d(e2m1{100.0}) == 6.0);
  CHECK(d(e2m1{-100.0}) == -6.0);
  CHECK(isinf(e5m2{1e6}));
  CHECK(d(cfloat<5, 2, round::toward_zero>{1e6}) == 57344.0);
  // e4m3: 464 is the tie between 448 and the (NaN) pattern above: even is 448.
  CHECK(d(e4m3{464.0}) == 448.0);
  CHECK(isnan(e4m3{464.5}));
}

TEST_CASE("known faults of peer libraries do not occur", "[api][peers]") {
  SECTION("fma rounds once and its product does not overflow on the way (Universal cfloat)") {
    // 256 * 384 = 98304 overflows binary16, but 98304 - 65504 = 32800 is representable.
    const binary16 r = fma(binary16{256.0}, binary16{384.0}, binary16{-65504.0});
    CHECK(d(r) == 256.0 * 384.0 - 65504.0);
    // Double rounding: among random triples, fma must equal MPFR's single rounding and
    // differ from mul-then-add where that rounds twice.
    using F = binary16::format_type;
    oracle::reference ref(oracle::format_desc::of<F>());
    operands::generator<F> gen(99);
    int twice_differs = 0, mismatches = 0;
    for (int i = 0; i < 200000; ++i) {
      const auto a = gen.operand(), b = gen.operand(a), c = gen.operand(a);
      const binary16 x = binary16::from_bits(a), y = binary16::from_bits(b), z = binary16::from_bits(c);
      ref.compute(oracle::reference::op::fma, oracle::mode::nearest_even, a, b, c);
      const std::uint64_t want = ref.round(oracle::mode::nearest_even);
      const binary16 once = fma(x, y, z), twice = x * y + z;
      mismatches += once.bits() != want;
      twice_differs += !isnan(twice) && twice.bits() != want;
    }
    CHECK(twice_differs > 0);  // the test has teeth: double rounding does differ here
    REQUIRE(mismatches == 0);
  }
  SECTION("signed zeros follow IEEE 754 in every mode (Universal returns -0 for (+0)+(-0))") {
    const binary16 pz{0.0}, nz{-0.0};
    CHECK_FALSE(signbit(pz + nz));
    CHECK_FALSE(signbit(nz + pz));
    CHECK(signbit(nz + nz));
    CHECK_FALSE(signbit(add(pz, nz, round::upward{})));
    CHECK_FALSE(signbit(add(pz, nz, round::toward_zero{})));
    CHECK(signbit(add(pz, nz, round::downward{})));
    CHECK_FALSE(signbit(binary16{1.5} - binary16{1.5}));
    CHECK(signbit(sub(binary16{1.5}, binary16{1.5}, round::downward{})));
    CHECK(signbit(sqrt(nz)));
    CHECK(signbit(binary16{-2.0} * pz));
  }
  SECTION("IEEE encodings of inf and NaN (Universal uses its own)") {
    CHECK(std::numeric_limits<binary16>::infinity().bits() == 0x7C00);
    CHECK((binary16{1.0} / binary16{0.0}).bits() == 0x7C00);
    CHECK((binary16{-1.0} / binary16{0.0}).bits() == 0xFC00);
    CHECK(isnan(binary16{0.0} / binary16{0.0}));
    CHECK((std::numeric_limits<binary16>::quiet_NaN().bits() & 0x7C00) == 0x7C00);
  }
  SECTION("rounds to nearest and keeps subnormals (Xilinx hls_half truncates and flushes)") {
    CHECK(d(binary16{1.0 + std::ldexp(1.0, -11) + std::ldexp(1.0, -20)}) == 1.0 + std::ldexp(1.0, -10));
    CHECK(d(binary16{std::ldexp(1.0, -24)}) == std::ldexp(1.0, -24));
    CHECK(d(binary16{std::ldexp(0.75, -24)}) == std::ldexp(1.0, -24));
    CHECK(d(binary16{std::ldexp(1.0, -14)} * binary16{0.5}) == std::ldexp(1.0, -15));
  }
}

TEST_CASE("comparisons, min/max and classification", "[api]") {
  const binary16 nan = std::numeric_limits<binary16>::quiet_NaN(), one{1.0}, two{2.0}, pz{0.0}, nz{-0.0};
  CHECK_FALSE(nan == nan);
  CHECK(nan != nan);
  CHECK_FALSE(nan < one);
  CHECK_FALSE(nan >= one);
  CHECK(pz == nz);
  CHECK_FALSE(pz < nz);
  CHECK(one < two);
  CHECK(-two < -one);
  CHECK(d(min(one, nan)) == 1.0);
  CHECK(d(max(nan, two)) == 2.0);
  CHECK(signbit(min(pz, nz)));
  CHECK_FALSE(signbit(max(nz, pz)));
  CHECK(fpclassify(nan) == FP_NAN);
  CHECK(fpclassify(std::numeric_limits<binary16>::infinity()) == FP_INFINITE);
  CHECK(fpclassify(nz) == FP_ZERO);
  CHECK(fpclassify(std::numeric_limits<binary16>::denorm_min()) == FP_SUBNORMAL);
  CHECK(fpclassify(one) == FP_NORMAL);
  CHECK(is_subnormal(std::numeric_limits<binary16>::denorm_min()));
  CHECK(d(abs(-two)) == 2.0);
  CHECK(d(neg(two)) == -2.0);
  // Flush-to-zero formats read subnormal patterns as zero, and they compare equal to zero.
  using ftz16 = cfloat<5, 10, round::nearest_even, encoding::ieee_ftz>;
  CHECK(ftz16::from_bits(1) == ftz16{0.0});
  CHECK(is_zero(ftz16::from_bits(1)));
  CHECK(d(ftz16{std::ldexp(1.0, -20)}) == 0.0);
  // fnuz: negating zero keeps zero (its -0 pattern is NaN).
  CHECK((-e4m3fnuz{0.0}).bits() == 0);
}

TEST_CASE("nextafter walks every value of a format in order", "[api]") {
  auto walk = [](auto lowest, auto highest, int expected_steps) {
    auto x = lowest;
    int steps = 0;
    while (x < highest && steps < 1000) {
      const auto next = nextafter(x, highest);
      REQUIRE(x < next);
      x = next;
      ++steps;
    }
    CHECK(steps == expected_steps);
  };
  // e4m3 has 2 * 126 + 1 finite values (one zero value): 252 steps from lowest to max.
  walk(std::numeric_limits<e4m3>::lowest(), std::numeric_limits<e4m3>::max(), 252);
  // binary16 from -inf to +inf: 2 * 31744 finite nonzero values + 1 zero + 2 infinities.
  walk(-std::numeric_limits<e5m2>::infinity(), std::numeric_limits<e5m2>::infinity(), 2 * 123 + 2);
  // ftz skips subnormals: 14 normal binades of 8 values on each side of one zero.
  using ftz8 = cfloat<4, 3, round::nearest_even, encoding::ieee_ftz>;
  walk(std::numeric_limits<ftz8>::lowest(), std::numeric_limits<ftz8>::max(), 2 * 14 * 8);
  CHECK(isnan(nextafter(std::numeric_limits<e4m3>::max(), e4m3{1000.0})));
  CHECK(isinf(nextafter(std::numeric_limits<binary16>::max(), std::numeric_limits<binary16>::infinity())));
}

TEST_CASE("ldexp and frexp", "[api]") {
  int e = 0;
  const binary16 f = frexp(binary16{48.0}, &e);
  CHECK(d(f) == 0.75);
  CHECK(e == 6);
  CHECK(d(ldexp(f, e)) == 48.0);
  CHECK(d(ldexp(binary16{1.0}, -24)) == std::ldexp(1.0, -24));
  CHECK(d(ldexp(binary16{1.5}, -25)) == std::ldexp(1.0, -24));   // 0.75 ulp rounds to nearest
  CHECK(d(ldexp(binary16{1.5}, -25, round::toward_zero{})) == 0.0);
  CHECK(isinf(ldexp(binary16{1.0}, 16)));
  CHECK(isinf(ldexp(binary16{1.0}, 1 << 30)));  // no int overflow inside
  const binary64 big = frexp(binary64{std::ldexp(1.0, -1070)}, &e);
  CHECK(d(big) == 0.5);
  CHECK(e == -1069);
}

TEST_CASE("conversions to integers round per mode and saturate", "[api][convert]") {
  // Every binary16 value, against the hardware's lrint-style rounding in the 4 IEEE modes
  // and an independent floor/fraction reference for nearest_away, odd and stochastic.
  std::uint64_t mismatches = 0, cases = 0;
  for (std::uint32_t b = 0; b < 65536; ++b) {
    const binary16 x = binary16::from_bits(static_cast<std::uint16_t>(b));
    const double v = d(x);
    if (std::isnan(v) || std::isinf(v)) continue;
    // Sign-magnitude reference: the modes act on |v| (nearest_away, odd, stochastic).
    const double mag = std::fabs(v), fl = std::floor(mag), frac = mag - fl;
    const double sgn = v < 0 ? -1.0 : 1.0;
    auto expect = [&](double r) { return static_cast<long long>(r); };
    const long long rne = expect(std::nearbyint(v));
    const long long rna = expect(sgn * (frac >= 0.5 ? fl + 1 : fl));
    const long long rz = expect(std::trunc(v)), ru = expect(std::ceil(v)), rd = expect(std::floor(v));
    const long long ro = expect(sgn * (frac == 0 || std::fmod(fl, 2.0) != 0 ? fl : fl + 1));
    const std::uint32_t w = 0x9E3779B9u * b;
    const long long sr = expect(sgn * (static_cast<std::uint64_t>(frac * 256) + (w >> 24) >= 256 ? fl + 1 : fl));
    mismatches += convert<long long>(x, round::nearest_even{}) != rne;
    mismatches += convert<long long>(x, round::nearest_away{}) != rna;
    mismatches += convert<long long>(x, round::toward_zero{}) != rz;
    mismatches += convert<long long>(x, round::upward{}) != ru;
    mismatches += convert<long long>(x, round::downward{}) != rd;
    mismatches += convert<long long>(x, round::odd{}) != ro;
    mismatches += convert<long long>(x, round::stochastic<8>{}, fixed_word{w}) != sr;
    const long long clamp8 = rne < -128 ? -128 : rne > 127 ? 127 : rne;
    mismatches += convert<std::int8_t>(x, round::nearest_even{}) != clamp8;
    const long long clampu = rne < 0 ? 0 : rne > 65535 ? 65535 : rne;
    mismatches += convert<std::uint16_t>(x, round::nearest_even{}) != clampu;
    cases += 9;
  }
  std::printf("binary16 -> integers: %llu cases, %llu mismatches\n", (unsigned long long)cases, (unsigned long long)mismatches);
  REQUIRE(mismatches == 0);
  CHECK(convert<int>(std::numeric_limits<binary16>::quiet_NaN()) == 0);
  CHECK(convert<int>(std::numeric_limits<binary16>::infinity()) == std::numeric_limits<int>::max());
  CHECK(convert<std::int64_t>(binary64{-9.3e18}) == std::numeric_limits<std::int64_t>::min());
  CHECK(convert<std::int64_t>(binary64{-9223372036854775808.0}) == std::numeric_limits<std::int64_t>::min());
  CHECK(convert<std::uint64_t>(binary64{1.8e19}) == 18000000000000000000ull);
  CHECK(convert<std::uint64_t>(binary64{1.9e19}) == std::numeric_limits<std::uint64_t>::max());
  CHECK(convert<std::uint32_t>(binary64{-0.4}) == 0u);
  CHECK(convert<int>(binary64{std::ldexp(1.0, -1074)}, round::upward{}) == 1);
}

TEST_CASE("conversions from integers and doubles match MPFR in every mode", "[api][convert]") {
  auto from_ints = [](auto tag) {
    using T = decltype(tag);
    using F = typename T::format_type;
    oracle::reference ref(oracle::format_desc::of<F>());
    exhaustive::tally t;
    std::mt19937_64 rng(5);
    for (int i = 0; i < 40000; ++i) {
      const long long v = i < 20000 ? i - 10000 : static_cast<long long>(rng()) >> (rng() % 64);
      const std::uint32_t w = static_cast<std::uint32_t>(rng());
      mpfr_set_sj(ref.operand(0), v, MPFR_RNDN);
      auto one = [&](auto mode_tag) {
        using Mode = decltype(mode_tag);
        constexpr oracle::mode m = oracle::mode_of<Mode>();
        ref.compute_on_values(oracle::reference::op::copy, m);
        const std::uint64_t want = ref.round(m, stochastic_bits_v<Mode>, w);
        t.record(convert<T>(v, Mode{}, fixed_word{w}).bits() == want, "int", ref.format().name(), m,
                 static_cast<std::uint64_t>(v), 0, 0, convert<T>(v, Mode{}, fixed_word{w}).bits(), want);
      };
      std::apply([&](auto... modes) { (one(modes), ...); }, exhaustive::all_modes{});
    }
    REQUIRE(t.mismatches == 0);
    return t.cases;
  };
  auto from_doubles = [](auto tag) {
    using T = decltype(tag);
    using F = typename T::format_type;
    oracle::reference ref(oracle::format_desc::of<F>());
    const auto b64 = oracle::format_desc::of<binary64::format_type>();
    operands::generator<binary64::format_type> gen(11);
    std::mt19937_64 rng(6);
    exhaustive::tally t;
    for (int i = 0; i < 60000; ++i) {
      // Doubles near the target's range: scale a random double into [2^(emin-M-3), 2^(emax+3)].
      std::uint64_t bits = gen.operand();
      if (rng() % 4) {
        const std::int64_t lo = F::emin - F::fraction_bits - 3 + 1023, hi = F::emax + 3 + 1023;
        const std::uint64_t field = static_cast<std::uint64_t>(lo + static_cast<std::int64_t>(rng() % (hi - lo + 1)));
        bits = (bits & 0x800FFFFFFFFFFFFFull) | (field << 52);
      }
      double x;
      std::memcpy(&x, &bits, 8);
      const std::uint32_t w = static_cast<std::uint32_t>(rng());
      auto one = [&](auto mode_tag) {
        using Mode = decltype(mode_tag);
        constexpr oracle::mode m = oracle::mode_of<Mode>();
        ref.compute_from(b64, oracle::reference::op::copy, m, bits);
        const std::uint64_t want = ref.round(m, stochastic_bits_v<Mode>, w);
        const std::uint64_t got = convert<T>(x, Mode{}, fixed_word{w}).bits();
        t.record(got == want, "double", ref.format().name(), m, bits, 0, 0, got, want);
      };
      std::apply([&](auto... modes) { (one(modes), ...); }, exhaustive::all_modes{});
    }
    REQUIRE(t.mismatches == 0);
    return t.cases;
  };
  std::uint64_t cases = 0;
  cases += from_ints(binary16{}) + from_ints(bfloat16{}) + from_ints(e4m3{}) + from_ints(binary64{}) + from_ints(e2m1{});
  cases += from_doubles(binary16{}) + from_doubles(bfloat16{}) + from_doubles(e4m3{}) + from_doubles(e5m2{}) +
           from_doubles(e2m1{}) + from_doubles(e3m2{}) + from_doubles(e4m3fnuz{}) + from_doubles(binary32{}) +
           from_doubles(cfloat<11, 52, round::nearest_even, encoding::fnuz>{}) +
           from_doubles(cfloat<6, 9, round::nearest_even, encoding::ieee_ftz>{});
  std::printf("integer and double conversions: %llu cases, 0 mismatches\n", (unsigned long long)cases);
}
