// Tests of floatlab/fixed.hpp against exact rational arithmetic (GMP mpz/mpq).
//
// Reference: the exact real result r of each operation is formed with GMP (a + b, a * b,
// a / b on the values q 2^-FL), then rounded to an integer multiple of 2^-FL by the
// definitions of the modes (design.md), written here from scratch on mpz integers, then
// saturated or wrapped. Formats of WL <= 8 bits: every operand pair, op, mode and several
// random words per pair in CI; WL = 10 the same in the [full] tier (one config in CI).
#include <catch2/catch.hpp>
#include <gmp.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <tuple>
#include <type_traits>

#include <floatlab/fixed.hpp>

namespace fl = floatlab;

namespace {

enum class mode_id { ne, na, tz, up, dn, odd, sto };

template <class M>
struct mode_of;
template <> struct mode_of<fl::round::nearest_even> { static constexpr mode_id id = mode_id::ne; };
template <> struct mode_of<fl::round::nearest_away> { static constexpr mode_id id = mode_id::na; };
template <> struct mode_of<fl::round::toward_zero> { static constexpr mode_id id = mode_id::tz; };
template <> struct mode_of<fl::round::upward> { static constexpr mode_id id = mode_id::up; };
template <> struct mode_of<fl::round::downward> { static constexpr mode_id id = mode_id::dn; };
template <> struct mode_of<fl::round::odd> { static constexpr mode_id id = mode_id::odd; };
template <int R> struct mode_of<fl::round::stochastic<R>> { static constexpr mode_id id = mode_id::sto; };

template <class M>
constexpr int random_bits() {
  if constexpr (fl::is_stochastic_v<M>) return M::bits; else return 0;
}

// An exact rational n / d (d > 0), split once into sign, floor of |.|, remainder.
struct exact {
  mpz_t fl, rem, d, t;
  bool neg = false;
  exact() { mpz_inits(fl, rem, d, t, nullptr); }
  ~exact() { mpz_clears(fl, rem, d, t, nullptr); }
  exact(const exact&) = delete;
  void set(const mpq_t q) {
    neg = mpq_sgn(q) < 0;
    mpz_abs(t, mpq_numref(q));
    mpz_set(d, mpq_denref(q));
    mpz_fdiv_qr(fl, rem, t, d);
  }
  // Round by the mode's definition; then the overflow policy for a WL-bit word.
  std::int64_t round(mode_id m, int R, std::uint32_t word, int WL, bool wrap) {
    bool up = false;
    const bool inexact = mpz_sgn(rem) != 0;
    switch (m) {
      case mode_id::ne:
      case mode_id::na: {
        mpz_mul_2exp(t, rem, 1);
        const int c = mpz_cmp(t, d);
        up = c > 0 || (c == 0 && (m == mode_id::na || mpz_odd_p(fl)));
        break;
      }
      case mode_id::tz: up = false; break;
      case mode_id::up: up = !neg && inexact; break;
      case mode_id::dn: up = neg && inexact; break;
      case mode_id::odd: up = inexact && mpz_even_p(fl); break;
      case mode_id::sto: {
        // f = floor(2^R * rem / d); up iff f + r >= 2^R, r = R high bits of the word.
        mpz_mul_2exp(t, rem, static_cast<unsigned>(R));
        mpz_fdiv_q(t, t, d);
        mpz_add_ui(t, t, word >> (32 - R));
        up = mpz_sizeinbase(t, 2) > static_cast<std::size_t>(R) && mpz_sgn(t) != 0;
        break;
      }
    }
    mpz_t v;
    mpz_init_set(v, fl);
    if (up) mpz_add_ui(v, v, 1);
    if (neg) mpz_neg(v, v);
    mpz_t lo, hi;
    mpz_init(lo);
    mpz_init(hi);
    mpz_setbit(hi, static_cast<unsigned>(WL - 1));
    mpz_neg(lo, hi);
    mpz_sub_ui(hi, hi, 1);
    if (wrap) {
      mpz_fdiv_r_2exp(v, v, static_cast<unsigned>(WL));  // 0 .. 2^WL - 1
      if (mpz_cmp(v, hi) > 0) {
        mpz_t m2;
        mpz_init(m2);
        mpz_setbit(m2, static_cast<unsigned>(WL));
        mpz_sub(v, v, m2);
        mpz_clear(m2);
      }
    } else {
      if (mpz_cmp(v, hi) > 0) mpz_set(v, hi);
      if (mpz_cmp(v, lo) < 0) mpz_set(v, lo);
    }
    // v fits int64 now.
    std::int64_t out;
    if (mpz_fits_slong_p(v)) {
      out = mpz_get_si(v);
    } else {
      out = std::numeric_limits<std::int64_t>::min();  // only -2^63 does not fit a long
    }
    mpz_clears(v, lo, hi, nullptr);
    return out;
  }
};

void mpq_set_raw(mpq_t q, std::int64_t raw, int FL) {
  mpz_set_si(mpq_numref(q), raw);
  mpz_set_ui(mpq_denref(q), 1);
  if (FL >= 0)
    mpq_div_2exp(q, q, static_cast<unsigned long>(FL));
  else
    mpq_mul_2exp(q, q, static_cast<unsigned long>(-FL));
}

enum class op_id { add, sub, mul, div };

// The exact value of (a op b) in units of 2^-FL; false for division by zero.
bool exact_op(mpq_t out, op_id op, std::int64_t a, std::int64_t b, int FL) {
  mpq_t x, y;
  mpq_inits(x, y, nullptr);
  mpq_set_raw(x, a, FL);
  mpq_set_raw(y, b, FL);
  bool ok = true;
  switch (op) {
    case op_id::add: mpq_add(out, x, y); break;
    case op_id::sub: mpq_sub(out, x, y); break;
    case op_id::mul: mpq_mul(out, x, y); break;
    case op_id::div:
      if (b == 0) ok = false; else mpq_div(out, x, y);
      break;
  }
  if (ok) {  // to units of 2^-FL
    if (FL >= 0) mpq_mul_2exp(out, out, static_cast<unsigned long>(FL));
    else mpq_div_2exp(out, out, static_cast<unsigned long>(-FL));
  }
  mpq_clears(x, y, nullptr);
  return ok;
}

template <class F, class Mode, class Rng>
F do_op(op_id op, F a, F b, Rng&& rng) {
  switch (op) {
    case op_id::add: return fl::add(a, b, Mode{}, rng);
    case op_id::sub: return fl::sub(a, b, Mode{}, rng);
    case op_id::mul: return fl::mul(a, b, Mode{}, rng);
    default: return fl::div(a, b, Mode{}, rng);
  }
}

std::uint64_t splitmix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

using all_modes = std::tuple<fl::round::nearest_even, fl::round::nearest_away, fl::round::toward_zero, fl::round::upward,
                             fl::round::downward, fl::round::odd, fl::round::stochastic<1>, fl::round::stochastic<3>,
                             fl::round::stochastic<32>>;

template <class F>
constexpr bool is_wrap = std::is_same_v<typename F::overflow_policy, fl::overflow::wrap>;

// One operand pair, one op: the exact reference against every mode (stochastic modes
// with two words: an edge word and a pseudo-random one).
template <class F>
struct pair_checker {
  exact ex;
  mpq_t q;
  std::size_t checks = 0, failures = 0;
  pair_checker() { mpq_init(q); }
  ~pair_checker() { mpq_clear(q); }

  template <class Mode>
  void one(op_id op, F a, F b, std::uint32_t word, bool by_zero) {
    const F got = do_op<F, Mode>(op, a, b, fl::fixed_word{word});
    std::int64_t want;
    if (by_zero) {
      want = a.raw() == 0 ? 0 : a.raw() > 0 ? F::raw_max : F::raw_min;
    } else {
      want = ex.round(mode_of<Mode>::id, random_bits<Mode>(), word, F::word_length, is_wrap<F>);
    }
    ++checks;
    if (got.raw() != want) {
      if (++failures <= 5) {
        INFO("WL=" << F::word_length << " FL=" << F::fraction_length << " op=" << static_cast<int>(op) << " mode="
                    << static_cast<int>(mode_of<Mode>::id) << " R=" << random_bits<Mode>() << " a=" << (long long)(a.raw())
                    << " b=" << (long long)(b.raw()) << " word=" << word << " got=" << (long long)(got.raw()) << " want=" << want);
        CHECK(got.raw() == want);
      }
    }
  }

  void pair(F a, F b, std::uint64_t index) {
    for (op_id op : {op_id::add, op_id::sub, op_id::mul, op_id::div}) {
      const bool by_zero = !exact_op(q, op, a.raw(), b.raw(), F::fraction_length);
      if (!by_zero) ex.set(q);
      const auto w = static_cast<std::uint32_t>(splitmix(index * 4 + static_cast<unsigned>(op)));
      static constexpr std::uint32_t edge[] = {0u, 0xFFFFFFFFu, 0x80000000u, 0x7FFFFFFFu, 0x20000000u, 0xE0000000u};
      const std::uint32_t e = edge[index % 6];
      std::apply([&](auto... m) {
        (one<decltype(m)>(op, a, b, w, by_zero), ...);
        ((fl::is_stochastic_v<decltype(m)> ? one<decltype(m)>(op, a, b, e, by_zero) : void()), ...);
      }, all_modes{});
    }
  }
};

template <class F>
void exhaustive_ops() {
  pair_checker<F> c;
  const std::int64_t n = std::int64_t{1} << F::word_length;
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = 0; j < n; ++j)
      c.pair(F::from_raw(F::raw_min + i), F::from_raw(F::raw_min + j), static_cast<std::uint64_t>(i * n + j));
  INFO("checks " << c.checks);
  CHECK(c.failures == 0);
  CHECK(c.checks == static_cast<std::size_t>(n * n * 4 * (std::tuple_size_v<all_modes> + 3)));
}

}  // namespace

using fl::fixed;
using fl::overflow::saturate;
using fl::overflow::wrap;
using ne = fl::round::nearest_even;

TEMPLATE_TEST_CASE("fixed: every operand pair, op, mode and policy against exact rationals (WL <= 8)", "[fixed]",
                   (fixed<8, 4, ne, saturate>), (fixed<8, 4, ne, wrap>), (fixed<6, 0, ne, saturate>),
                   (fixed<5, 7, ne, wrap>), (fixed<7, -2, ne, saturate>), (fixed<2, 1, ne, saturate>),
                   (fixed<2, 0, ne, wrap>), (fixed<4, 12, ne, saturate>), (fixed<3, -5, ne, wrap>)) {
  exhaustive_ops<TestType>();
}

// One WL = 10 format in CI; under the sanitizers (about 25x slower) it moves to [full].
#if defined(__SANITIZE_ADDRESS__)
#define FLOATLAB_WL10_TIER "[fixed][full]"
#else
#define FLOATLAB_WL10_TIER "[fixed]"
#endif
TEMPLATE_TEST_CASE("fixed: every operand pair, WL = 10 (CI config)", FLOATLAB_WL10_TIER, (fixed<10, 5, ne, saturate>)) {
  exhaustive_ops<TestType>();
}

TEMPLATE_TEST_CASE("fixed: every operand pair, WL = 9..10", "[fixed][full]", (fixed<10, 5, ne, wrap>),
                   (fixed<10, 0, ne, saturate>), (fixed<10, -3, ne, wrap>), (fixed<9, 9, ne, saturate>),
                   (fixed<10, 14, ne, wrap>)) {
  exhaustive_ops<TestType>();
}

// ---- wide words: random operands weighted toward edges, against the same reference ----
namespace {
template <class F>
std::int64_t edge_raw(std::mt19937_64& g) {
  const std::int64_t lo = F::raw_min, hi = F::raw_max;
  switch (g() % 6) {
    case 0: return lo + static_cast<std::int64_t>(g() % 4);
    case 1: return hi - static_cast<std::int64_t>(g() % 4);
    case 2: return static_cast<std::int64_t>(g() % 9) - 4;
    case 3: {  // a random magnitude of random bit length
      const int bits = static_cast<int>(g() % (F::word_length - 1)) + 1;
      auto v = static_cast<std::int64_t>(g() >> (64 - bits));
      return (g() & 1) ? -v : v;
    }
    default: {
      auto u = g();
      if constexpr (F::word_length < 64) {
        u &= (std::uint64_t{1} << F::word_length) - 1;
        return F::from_raw(static_cast<std::int64_t>(u)).raw();
      } else {
        return static_cast<std::int64_t>(u);
      }
    }
  }
}
}  // namespace

TEMPLATE_TEST_CASE("fixed: wide words, random edge-weighted operands against exact rationals", "[fixed]",
                   (fixed<64, 32, ne, saturate>), (fixed<64, 60, ne, wrap>), (fixed<64, -10, ne, saturate>),
                   (fixed<64, 64, ne, saturate>), (fixed<64, -64, ne, wrap>), (fixed<32, 16, ne, wrap>),
                   (fixed<16, 20, ne, saturate>), (fixed<40, 0, ne, saturate>)) {
  using F = TestType;
  pair_checker<F> c;
  std::mt19937_64 g(12345 + F::word_length * 131 + F::fraction_length);
  for (int i = 0; i < 4000; ++i)
    c.pair(F::from_raw(edge_raw<F>(g)), F::from_raw(edge_raw<F>(g)), static_cast<std::uint64_t>(i));
  CHECK(c.failures == 0);
}

// ---- conversions -----------------------------------------------------------------------
namespace {
template <class F, class Mode, class Src>
void check_from(Src x, std::uint32_t word, exact& ex, mpq_t q, std::size_t& fails) {
  const F got = fl::fixed_cast<F>(x, Mode{}, fl::fixed_word{word});
  std::int64_t want;
  if (std::isnan(static_cast<double>(x))) {
    want = 0;
  } else if (std::isinf(static_cast<double>(x))) {
    want = x < 0 ? F::raw_min : F::raw_max;
  } else {
    mpq_set_d(q, static_cast<double>(x));  // exact
    if (F::fraction_length >= 0) mpq_mul_2exp(q, q, static_cast<unsigned long>(F::fraction_length));
    else mpq_div_2exp(q, q, static_cast<unsigned long>(-F::fraction_length));
    ex.set(q);
    want = ex.round(mode_of<Mode>::id, random_bits<Mode>(), word, F::word_length, is_wrap<F>);
  }
  if (got.raw() != want && ++fails <= 5) {
    INFO("from " << x << " (WL=" << F::word_length << ", FL=" << F::fraction_length
                 << ", mode=" << static_cast<int>(mode_of<Mode>::id) << " R=" << random_bits<Mode>() << ") word " << word);
    CHECK(static_cast<std::int64_t>(got.raw()) == want);
  }
}

template <class F, class Src>
void check_from_all_modes(Src x, std::uint32_t word, exact& ex, mpq_t q, std::size_t& fails) {
  std::apply([&](auto... m) { (check_from<F, decltype(m)>(x, word, ex, q, fails), ...); }, all_modes{});
}
}  // namespace

TEMPLATE_TEST_CASE("fixed: from double and float, every grid point, midpoint and neighbour, all modes", "[fixed]",
                   (fixed<8, 4, ne, saturate>), (fixed<8, 4, ne, wrap>), (fixed<6, -3, ne, wrap>),
                   (fixed<5, 9, ne, saturate>), (fixed<64, 32, ne, saturate>), (fixed<64, -20, ne, wrap>),
                   (fixed<24, 60, ne, saturate>)) {
  using F = TestType;
  exact ex;
  mpq_t q;
  mpq_init(q);
  std::size_t fails = 0;
  std::mt19937_64 g(7);
  const double unit = std::ldexp(1.0, -F::fraction_length);
  for (int i = 0; i < 3000; ++i) {
    // k units, k around the range ends and zero, plus fractions of a unit and tiny offsets.
    const double k = static_cast<double>(edge_raw<F>(g) / (F::word_length > 50 ? 1 << (g() % 12) : 1)) +
                     static_cast<double>(static_cast<int>(g() % 3) - 1);
    const double frac[] = {0.0, 0.5, 0.25, 0.75, 0.125, 1.0 / 3.0, 0x1p-30, 1.0 - 0x1p-30, 0.5 + 0x1p-40, 0.5 - 0x1p-40};
    const double x = (static_cast<double>(k) + frac[g() % 10]) * unit;
    const auto w = static_cast<std::uint32_t>(g());
    check_from_all_modes<F>(x, w, ex, q, fails);
    check_from_all_modes<F>(-x, w, ex, q, fails);
    check_from_all_modes<F>(static_cast<float>(x), w, ex, q, fails);
  }
  // Far outside the range, tiny, subnormal, infinite, NaN.
  const double specials[] = {0.0, -0.0, 1e300, -1e300, 4.9e-324, -4.9e-324, 1e-300, 1e30, -1e30,
                             std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                             std::numeric_limits<double>::quiet_NaN(), 0x1p63, -0x1p63, 0x1p64, 0x1p-64, 0x1p-65};
  for (double x : specials)
    for (std::uint32_t w : {0u, 0xFFFFFFFFu, 0x9E3779B9u}) check_from_all_modes<F>(x, w, ex, q, fails);
  mpq_clear(q);
  CHECK(fails == 0);
}

TEST_CASE("fixed: to double and float round once (to nearest even)", "[fixed]") {
  std::mt19937_64 g(3);
  using F64 = fixed<64, 40>;
  using F8 = fixed<8, 3>;
  for (int i = 0; i < 20000; ++i) {
    const auto raw = static_cast<std::int64_t>(g() >> (g() % 64));
    const auto r = (g() & 1) ? -raw : raw;
    const F64 x = F64::from_raw(r);
    // long double holds every int64 exactly, so its conversion to double/float is the one rounding.
    const long double exact_value = std::ldexp(static_cast<long double>(r), -40);
    REQUIRE(static_cast<double>(x) == static_cast<double>(exact_value));
    REQUIRE(static_cast<float>(x) == static_cast<float>(exact_value));
  }
  for (int r = -128; r < 128; ++r) {
    REQUIRE(static_cast<double>(F8::from_raw(r)) == r / 8.0);
    REQUIRE(static_cast<float>(F8::from_raw(r)) == static_cast<float>(r) / 8.0f);
  }
}

TEST_CASE("fixed: integers in and out", "[fixed]") {
  using F = fixed<12, 4>;  // range [-128, 127.9375]
  CHECK(F(5).raw() == 80);
  CHECK(F(-128).raw() == -2048);
  CHECK(F(200).raw() == F::raw_max);   // saturates
  CHECK(F(-129).raw() == F::raw_min);
  using W = fixed<12, 4, ne, wrap>;
  CHECK(W(200).raw() == ((200 * 16) & 0xFFF) - 4096);  // modulo 2^12
  CHECK(static_cast<int>(F::from_raw(-41)) == -2);      // -2.5625 -> -2 (toward zero)
  CHECK(static_cast<int>(F::from_raw(41)) == 2);
  CHECK(static_cast<std::int8_t>(F::from_raw(F::raw_max)) == 127);
  CHECK(static_cast<unsigned>(F::from_raw(-16)) == 0u);
  using Big = fixed<64, -8>;  // integers up to 2^71
  CHECK(static_cast<std::int32_t>(Big::from_raw(std::int64_t{1} << 40)) == std::numeric_limits<std::int32_t>::max());
  CHECK(static_cast<std::int64_t>(Big::from_raw(-1)) == -256);
  // every fixed<8,4> to every other format, all modes, against the exact reference
  exact ex;
  mpq_t q;
  mpq_init(q);
  std::size_t fails = 0;
  for (int r = -128; r < 128; ++r)
    for (std::uint32_t w : {0u, 0x7FFFFFFFu, 0xC0000000u, 0xFFFFFFFFu}) {
      const auto x = fixed<8, 4>::from_raw(r);
      const double d = static_cast<double>(x);
      auto cross = [&](auto target) {
        using T = decltype(target);
        std::apply([&](auto... m) {
          ((void)[&] {
            using M = decltype(m);
            const T got = fl::fixed_cast<T>(x, M{}, fl::fixed_word{w});
            const T via_double = fl::fixed_cast<T>(d, M{}, fl::fixed_word{w});  // exact double, same rounding
            if (got != via_double) ++fails;
          }(), ...);
        }, all_modes{});
      };
      cross(fixed<6, 1>{});
      cross(fixed<5, 2, ne, wrap>{});
      cross(fixed<16, 9>{});
      cross(fixed<4, -1, ne, wrap>{});
    }
  mpq_clear(q);
  CHECK(fails == 0);
}

TEST_CASE("fixed: operators of a deterministic type equal the explicit functions", "[fixed]") {
  using F = fixed<8, 3, fl::round::toward_zero, wrap>;
  for (int a = -128; a < 128; a += 3)
    for (int b = -128; b < 128; b += 5) {
      const F x = F::from_raw(a), y = F::from_raw(b);
      REQUIRE(x + y == fl::add(x, y, fl::no_random{}));
      REQUIRE(x - y == fl::sub(x, y, fl::no_random{}));
      REQUIRE(x * y == fl::mul(x, y, fl::no_random{}));
      REQUIRE(x / y == fl::div(x, y, fl::no_random{}));
      REQUIRE((x < y) == (a < b));
      REQUIRE((x == y) == (a == b));
    }
  CHECK((-F::lowest()).raw() == F::raw_min);  // wraps
  using S = fixed<8, 3>;
  CHECK((-S::lowest()).raw() == S::raw_max);  // saturates
  static_assert(fixed<8, 4>(1.5).raw() == 24, "constexpr construction");
  static_assert(fl::mul(fixed<8, 4>(1.5), fixed<8, 4>(2.25), fl::no_random{}).raw() == 54, "constexpr mul: 3.375");
}

TEST_CASE("fixed: stochastic operators draw from the seeded per-thread engine", "[fixed]") {
  using S = fixed<10, 4, fl::round::stochastic<8>>;
  const S a = S::from_raw(37), b = S::from_raw(-13);  // 37*-13/16 = -30.0625: inexact
  fl::seed_thread_rng(2024);
  S first[64];
  for (auto& r : first) r = a * b;
  fl::seed_thread_rng(2024);
  fl::philox_rng explicit_rng(2024);
  int up = 0;
  for (auto& r : first) {
    REQUIRE(a * b == r);                           // same seed, same results
    REQUIRE(fl::mul(a, b, explicit_rng) == r);      // the implicit engine is philox_rng(seed)
    REQUIRE((r.raw() == -30 || r.raw() == -31));
    up += r.raw() == -31;
  }
  CHECK(up > 0);
  CHECK(up < 64);
}

TEST_CASE("fixed: stochastic rounding is unbiased (statistical, can fail)", "[fixed]") {
  using S = fixed<16, 8>;
  fl::philox_rng rng(99);
  // x = 1/3 in units: 85.333..; E[round(x)] = x up to 2^-R.
  const double x = 1.0 / 3.0;
  constexpr int n = 200000;
  double sum = 0;
  for (int i = 0; i < n; ++i) sum += static_cast<double>(fl::fixed_cast<S>(x, fl::round::stochastic<16>{}, rng));
  const double mean = sum / n;
  const double sigma = std::ldexp(1.0, -8) * std::sqrt((1.0 / 3.0) * (2.0 / 3.0) / n);
  CHECK(std::abs(mean - x) < 5 * sigma + std::ldexp(1.0, -8 - 16));
  // And a product: (37/16)(-13/16) = -1.87890625 at FL = 4 is between -30/16 and -31/16.
  using T = fixed<10, 4>;
  double s2 = 0;
  for (int i = 0; i < n; ++i)
    s2 += static_cast<double>(fl::mul(T::from_raw(37), T::from_raw(-13), fl::round::stochastic<12>{}, rng));
  CHECK(std::abs(s2 / n - (37.0 * -13.0 / 256.0)) < 5 * (1.0 / 16) * 0.5 / std::sqrt(n));
}

// ---- cfloat <-> fixed ---------------------------------------------------------------------
TEMPLATE_TEST_CASE("fixed: from every e4m3, e5m2, e2m1 and binary16 pattern, all modes, against exact rationals", "[fixed]",
                   fl::e4m3, fl::e5m2, fl::e2m1, fl::binary16) {
  using T = TestType;
  exact ex;
  mpq_t q;
  mpq_init(q);
  std::size_t fails = 0, checked = 0;
  const unsigned patterns = 1u << (8 * sizeof(typename T::storage_type) > 16 ? 16 : fl::detail::bit_width_v<typename T::storage_type>);
  auto one = [&](auto target, unsigned b) {
    using F = decltype(target);
    const T x = T::from_bits(static_cast<typename T::storage_type>(b));
    const double d = static_cast<double>(x);  // exact: these formats fit double
    const auto w = static_cast<std::uint32_t>(splitmix(b));
    std::apply([&](auto... m) {
      ((void)[&] {
        using M = decltype(m);
        const F got = fl::fixed_cast<F>(x, M{}, fl::fixed_word{w});
        std::int64_t want;
        if (std::isnan(d)) {
          want = 0;
        } else if (std::isinf(d)) {
          want = d < 0 ? F::raw_min : F::raw_max;
        } else {
          mpq_set_d(q, d);
          if (F::fraction_length >= 0) mpq_mul_2exp(q, q, F::fraction_length); else mpq_div_2exp(q, q, -F::fraction_length);
          ex.set(q);
          want = ex.round(mode_of<M>::id, random_bits<M>(), w, F::word_length, is_wrap<F>);
        }
        ++checked;
        if (got.raw() != want && ++fails <= 5) {
          INFO("pattern " << b << " = " << d);
          CHECK(static_cast<std::int64_t>(got.raw()) == want);
        }
      }(), ...);
    }, all_modes{});
  };
  for (unsigned b = 0; b < patterns; ++b) {
    one(fixed<8, 4>{}, b);
    one(fixed<12, 2, ne, wrap>{}, b);
    one(fixed<40, 20>{}, b);
    one(fixed<6, -2, ne, wrap>{}, b);
  }
  mpq_clear(q);
  CHECK(fails == 0);
  CHECK(checked == patterns * 4 * std::tuple_size_v<all_modes>);
  // The constructor rounds in the type's mode.
  CHECK(fixed<8, 4>(T(1.5)).raw() == 24);
}

TEST_CASE("fixed: to cfloat rounds once, all modes (every fixed<10,4> and random fixed<64,30>)", "[fixed]") {
  std::size_t fails = 0;
  auto check = [&](auto x, auto target, std::uint32_t w) {
    using T = decltype(target);
    using X = std::decay_t<decltype(x)>;
    const double d = static_cast<double>(x);
    const bool exact_double = X::word_length <= 53;
    std::apply([&](auto... m) {
      ((void)[&] {
        using M = decltype(m);
        const T got = fl::to_cfloat<T>(x, M{}, fl::fixed_word{w});
        if (exact_double) {  // the value is exact in double: the cfloat conversion of it is the reference
          const T want = fl::convert<T>(d, M{}, fl::fixed_word{w});
          if (got.bits() != want.bits() && ++fails <= 5) CHECK(int(got.bits()) == int(want.bits()));
        } else if constexpr (!fl::is_stochastic_v<M>) {
          // 64-bit raw to binary32: long double holds the exact value; its float rounding
          // is the nearest-even reference, and directed modes must bracket it within an ulp.
          const long double e = std::ldexp(static_cast<long double>(x.raw()), -X::fraction_length);
          const long double g = static_cast<long double>(static_cast<float>(got));
          const long double ulp = std::fabs(e) * 0x1p-23L;
          bool ok = std::fabs(g - e) <= ulp;
          if constexpr (std::is_same_v<M, fl::round::nearest_even>) ok = static_cast<float>(got) == static_cast<float>(e);
          if constexpr (std::is_same_v<M, fl::round::upward>) ok = ok && g >= e;
          if constexpr (std::is_same_v<M, fl::round::downward>) ok = ok && g <= e;
          if constexpr (std::is_same_v<M, fl::round::toward_zero>) ok = ok && std::fabs(g) <= std::fabs(e);
          if (!ok && ++fails <= 5) CHECK(static_cast<double>(g) == static_cast<double>(e));
        }
      }(), ...);
    }, all_modes{});
  };
  for (int r = -512; r < 512; ++r)
    for (std::uint32_t w : {0u, 0x9E3779B9u, 0xFFFFFFFFu}) {
      const auto x = fixed<10, 4>::from_raw(r);
      check(x, fl::binary16{}, w);
      check(x, fl::e4m3{}, w);
      check(x, fl::e5m2{}, w);
      check(x, fl::e2m1{}, w);
      REQUIRE(static_cast<fl::binary16>(x).bits() == fl::to_cfloat<fl::binary16>(x).bits());
    }
  std::mt19937_64 g(17);
  for (int i = 0; i < 2000; ++i) check(fixed<64, 30>::from_raw(static_cast<std::int64_t>(g()) >> (g() % 60)), fl::binary32{}, 0);
  CHECK(fails == 0);
}
