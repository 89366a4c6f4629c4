// Stochastic rounding: the decision is exact for given words (checked exhaustively against
// MPFR in the exhaustive suites); here, the distribution (mean and bias bound, tests that can
// fail), one word per operation, and reproducibility with a seed, across threads too.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <random>
#include <thread>
#include <vector>

#include <floatlab/cfloat.hpp>

using namespace floatlab;

namespace {

// Rounds x to T n times with fresh words; returns the mean of the results.
template <class T, int R>
double mean_of_roundings(double x, int n, std::uint64_t seed) {
  philox_rng rng(seed);
  double sum = 0;
  for (int i = 0; i < n; ++i) sum += static_cast<double>(convert<T>(x, round::stochastic<R>{}, rng));
  return sum / n;
}

template <class T, int R>
void check_distribution(double x) {
  // Neighbours in magnitude, |a| < |x| < |b| (SR acts on the magnitude, like hardware that
  // adds random bits below the last place and truncates), and the exact probability of b from
  // the definition: the first R bits of (|x| - |a|)/(|b| - |a|), truncated, over 2^R.
  const double a = static_cast<double>(convert<T>(x, round::toward_zero{}));
  const double b = static_cast<double>(nextafter(convert<T>(x, round::toward_zero{}), x > 0 ? std::numeric_limits<T>::max() : std::numeric_limits<T>::lowest()));
  REQUIRE(std::fabs(a) < std::fabs(x));
  REQUIRE(std::fabs(x) < std::fabs(b));
  const double frac = (std::fabs(x) - std::fabs(a)) / std::fabs(b - a);  // exact in double here
  const double p = std::floor(std::ldexp(frac, R)) / std::ldexp(1.0, R);
  const int n = 200000;
  const double mean = mean_of_roundings<T, R>(x, n, 12345 + R);
  const double expected = a + p * (b - a);
  const double sigma = std::fabs(b - a) * std::sqrt(p * (1 - p) / n);
  INFO("x=" << x << " a=" << a << " b=" << b << " p=" << p << " mean=" << mean);
  // 5 sigma: a correct implementation fails this with probability < 1e-6 (p = 0 or 1: exact).
  CHECK(std::fabs(mean - expected) <= 5 * sigma);
  // Bias bound of the R-bit rule: E|result| - |x| lies in (-(|b|-|a|) 2^-R, 0].
  CHECK(std::fabs(expected) <= std::fabs(x));
  CHECK(std::fabs(x) - std::fabs(expected) < std::fabs(b - a) * std::ldexp(1.0, -R));
}

}  // namespace

TEST_CASE("stochastic rounding has the probabilities its definition gives", "[stochastic]") {
  for (double x : {1.0 + 0.3 * std::ldexp(1.0, -7), -3.0 - 0.77 * std::ldexp(1.0, -6), 1e-39 * 1.4, 1000.1}) {
    check_distribution<bfloat16, 2>(x);
    check_distribution<bfloat16, 8>(x);
    check_distribution<bfloat16, 32>(x);
  }
  for (double x : {0.1, -7.123, std::ldexp(1.3, -20)}) {  // -20: binary16 subnormal range
    check_distribution<binary16, 4>(x);
    check_distribution<binary16, 16>(x);
  }
  check_distribution<e4m3, 3>(300.5);
  check_distribution<binary32, 32>(1.0 + std::ldexp(1.0, -40));
}

TEST_CASE("stochastic rounding of an exact value never moves it", "[stochastic]") {
  philox_rng rng(1);
  for (int i = 0; i < 1000; ++i) {
    CHECK(static_cast<double>(add(binary16{1.5}, binary16{0.25}, round::stochastic<1>{}, rng)) == 1.75);
  }
}

TEST_CASE("a long sum with stochastic rounding does not stagnate", "[stochastic]") {
  // 2^16 additions of 2^-12 to 1 in binary16: each addend is below half an ulp of the sum
  // once the sum passes 4, so round-to-nearest stagnates; the expectation of SR is exact.
  philox_rng rng(7);
  binary16 rn{1.0}, sr{1.0};
  const binary16 inc{std::ldexp(1.0, -12)};
  for (int i = 0; i < 65536; ++i) {
    rn = rn + inc;
    sr = add(sr, inc, round::stochastic<16>{}, rng);
  }
  const double exact = 1.0 + 65536 * std::ldexp(1.0, -12);  // 17
  CHECK(static_cast<double>(rn) < 5.0);
  CHECK(std::fabs(static_cast<double>(sr) - exact) < 0.5);
}

TEST_CASE("every operation draws exactly one word", "[stochastic]") {
  philox_rng rng(3), twin(3);
  const binary16 x{1.1}, y{2.3};
  (void)add(x, y, round::stochastic<8>{}, rng);
  (void)mul(x, y, round::stochastic<8>{}, rng);
  (void)div(x, y, round::stochastic<8>{}, rng);
  (void)sqrt(x, round::stochastic<8>{}, rng);
  (void)fma(x, y, x, round::stochastic<8>{}, rng);
  (void)convert<e4m3>(x, round::stochastic<8>{}, rng);
  (void)add(x, x, round::stochastic<8>{}, rng);  // exact: still one word
  for (int i = 0; i < 7; ++i) twin();
  CHECK(rng() == twin());
}

TEST_CASE("same seed, same results; stochastic types use the seeded thread engine", "[stochastic]") {
  using sr16 = cfloat<5, 10, round::stochastic<12>>;
  auto run = [](std::uint64_t seed) {
    seed_thread_rng(seed);
    std::vector<std::uint16_t> out;
    sr16 acc{0.0};
    for (int i = 0; i < 1000; ++i) {
      acc += sr16{0.001 * i};
      out.push_back(acc.bits());
    }
    return out;
  };
  const auto first = run(42), again = run(42), other = run(43);
  CHECK(first == again);
  CHECK(first != other);
  std::vector<std::uint16_t> in_thread;
  std::thread th([&] { in_thread = run(42); });
  th.join();
  CHECK(in_thread == first);
  // philox_word is a pure function of (seed, element, operation): what CPU and GPU share.
  CHECK(philox_word(1, 2, 3) == philox_word(1, 2, 3));
  CHECK(philox_word(1, 2, 3) != philox_word(1, 2, 4));
  CHECK(philox_word(1, 2, 3) != philox_word(2, 2, 3));
}

// A second Philox4x32-10, written from the paper's description in Random123's form (the key
// bumped before rounds 2..10, the 32 x 32 -> 64-bit products through one 64-bit multiply per
// word pair), so that the checks below do not compare random.hpp with itself.
static std::array<std::uint32_t, 4> reference_philox(std::array<std::uint32_t, 4> x, std::array<std::uint32_t, 2> k) {
  for (int r = 0; r < 10; ++r) {
    if (r > 0) k = {k[0] + 0x9E3779B9u, k[1] + 0xBB67AE85u};
    const std::uint64_t a = std::uint64_t{x[0]} * 0xD2511F53u, b = std::uint64_t{x[2]} * 0xCD9E8D57u;
    x = {static_cast<std::uint32_t>(b >> 32) ^ x[1] ^ k[0], static_cast<std::uint32_t>(b),
         static_cast<std::uint32_t>(a >> 32) ^ x[3] ^ k[1], static_cast<std::uint32_t>(a)};
  }
  return x;
}

TEST_CASE("philox4x32 gives Random123's known answers; philox_word is word e % 4 of block e / 4",
          "[stochastic][random]") {
  // Random123 (github.com/DEShawResearch/random123), tests/kat_vectors, the three
  // "philox4x32 10" lines: counter (4 words), key (2 words), expected (4 words).
  struct kat {
    std::array<std::uint32_t, 4> ctr;
    std::array<std::uint32_t, 2> key;
    std::array<std::uint32_t, 4> want;
  };
  const kat kats[] = {
      {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}},
      {{~0u, ~0u, ~0u, ~0u}, {~0u, ~0u}, {0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}},
      {{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}, {0xa4093822u, 0x299f31d0u},
       {0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}},
  };
  for (const kat& t : kats) {
    const std::uint64_t key = t.key[0] | std::uint64_t{t.key[1]} << 32;
    const philox_block got = philox4x32(key, t.ctr[0], t.ctr[1], t.ctr[2], t.ctr[3]);
    for (int j = 0; j < 4; ++j) {
      CHECK(got.w[j] == t.want[j]);
      CHECK(reference_philox(t.ctr, t.key)[j] == t.want[j]);
    }
  }
  static_assert(philox4x32(0, 0, 0, 0, 0).w[0] == 0x6627e8d5u, "constexpr, and Random123's first answer");
  // The contract (random.hpp): philox_word(s, 4k + j, op) = word j of the block with
  // counter (lo(k), hi(k), op, "flab") and key s.
  std::mt19937_64 rng(2026);
  const std::uint64_t blocks[] = {0, 1, 0xFFFFFFFFu, std::uint64_t{1} << 32, (std::uint64_t{1} << 62) - 1};
  long compared = 0, bad = 0;
  for (int t = 0; t < 2000; ++t) {
    const std::uint64_t seed = t < 5 ? std::uint64_t{0xFFFFFFFFu} * t : rng();
    const std::uint64_t k = t < 5 ? blocks[t] : rng() >> (rng() % 62 + 2);
    const auto op = static_cast<std::uint32_t>(t % 3 ? rng() : t % 2 ? ~0u : 0u);
    const auto want = reference_philox({static_cast<std::uint32_t>(k), static_cast<std::uint32_t>(k >> 32), op, 0x666c6162u},
                                       {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)});
    for (std::uint32_t j = 0; j < 4; ++j, ++compared) {
      bad += philox_word(seed, 4 * k + j, op) != want[j];
      bad += philox_word_block(seed, k, op).w[j] != want[j];
    }
  }
  CHECK(compared == 8000);
  CHECK(bad == 0);
}

TEST_CASE("philox words are uniform", "[stochastic][random]") {
  // Chi-square over 256 bins of the top byte: 255 degrees of freedom, 99.99% quantile ~ 355.
  philox_rng rng(2026);
  std::vector<int> bins(256, 0);
  const int n = 1 << 20;
  for (int i = 0; i < n; ++i) ++bins[rng() >> 24];
  double chi2 = 0;
  const double e = n / 256.0;
  for (int c : bins) chi2 += (c - e) * (c - e) / e;
  CHECK(chi2 < 355);
  CHECK(chi2 > 170);  // too uniform is suspicious as well (0.01% quantile ~ 176)
}
