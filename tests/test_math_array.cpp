// tests/test_math_array.cpp: the array forms exp, log, tanh, logistic (sigmoid) over views
// (math.hpp, map_unary: the vector double step with a scalar pass for the rest) against the
// scalar functions, bit for bit: the scalar functions are proven correctly rounded against
// MPFR by test_math (every input of the 16-bit and smaller formats, every mode; binary32 random
// and hard sets, and all 2^32 in nearest-even on the 16-core machine), so equality here makes
// the vector step's results correctly rounded as well.
//   - every input of binary16 and bfloat16 in the six deterministic modes and stochastic<5>
//     (Philox words, drawn in order: the array form draws one per element like the calls);
//     cfloat<6,9> (nearest-even, odd), e4m3, e5m2, e4m3fnuz, e2m1 (nearest-even);
//   - binary32: random patterns, random arguments in each function's range, the 129 floats
//     around the thresholds of the scalar functions' special ranges (CI); [full]: every 257th
//     pattern in nearest-even and upward;
//   - array lengths that are not multiples of the block (64), in place, and the rejections.
#define FLOATLAB_MATH_COUNTERS 1
#include <floatlab/math.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdio>
#include <random>
#include <vector>

namespace fl = floatlab;
namespace r = fl::round;

namespace {

enum class af { exp, log, tanh, logistic };
constexpr af all_af[] = {af::exp, af::log, af::tanh, af::logistic};
const char* af_name(af f) {
  static const char* n[] = {"exp", "log", "tanh", "logistic"};
  return n[static_cast<int>(f)];
}

template <class T, class... A>
T scalar(af f, T x, A&&... a) {
  switch (f) {
    case af::exp: return fl::exp(x, a...);
    case af::log: return fl::log(x, a...);
    case af::tanh: return fl::tanh(x, a...);
    default: return fl::logistic(x, a...);
  }
}
template <class T, class... A>
fl::status array(af f, fl::array_view<const T> x, fl::array_view<T> y, A&&... a) {
  switch (f) {
    case af::exp: return fl::exp(x, y, a...);
    case af::log: return fl::log(x, y, a...);
    case af::tanh: return fl::tanh(x, y, a...);
    default: return fl::sigmoid(x, y, a...);
  }
}

struct lane_tally {
  unsigned long long hits = 0, misses = 0;
};

// Array against scalar over the patterns, one mode; returns the mismatch count.
template <class T, class Mode>
std::size_t compare(af f, const std::vector<typename T::storage_type>& patterns, lane_tally& lt) {
  std::vector<T> x, y(patterns.size()), want;
  for (auto b : patterns) x.push_back(T::from_bits(b));
  fl::math_counters() = {};
  if constexpr (fl::is_stochastic_v<Mode>) {
    fl::philox_rng r1(99), r2(99);
    for (const T& v : x) want.push_back(scalar(f, v, Mode{}, r1));
    CHECK(array<T>(f, x, y, Mode{}, r2).ok());
  } else {
    for (const T& v : x) want.push_back(scalar(f, v, Mode{}));
    CHECK(array<T>(f, x, y, Mode{}).ok());
  }
  lt.hits += fl::math_counters().lane_hits;
  lt.misses += fl::math_counters().lane_misses;
  std::size_t bad = 0;
  for (std::size_t i = 0; i < x.size(); ++i)
    if (y[i].bits() != want[i].bits()) {
      if (++bad <= 5)
        std::printf("  mismatch %s x=0x%llx array 0x%llx scalar 0x%llx\n", af_name(f),
                    static_cast<unsigned long long>(x[i].bits()), static_cast<unsigned long long>(y[i].bits()),
                    static_cast<unsigned long long>(want[i].bits()));
    }
  return bad;
}

template <class T, class... Modes>
void every_input(const char* name) {
  std::vector<typename T::storage_type> all;
  for (std::uint64_t b = 0; b < (std::uint64_t{1} << T::format_type::total_bits); ++b)
    all.push_back(static_cast<typename T::storage_type>(b));
  for (af f : all_af) {
    lane_tally lt;
    std::size_t bad = 0;
    ((bad += compare<T, Modes>(f, all, lt)), ...);
    std::printf("array %s %s: %zu inputs x %zu modes, %zu mismatches; vector step decided %llu, scalar pass %llu\n",
                name, af_name(f), all.size(), sizeof...(Modes), bad, lt.hits, lt.misses);
    CHECK(bad == 0);
    if (T::format_type::total_bits == 16) CHECK(lt.hits > 0);  // the vector step ran
  }
}

}  // namespace

TEST_CASE("math arrays: every binary16 and bfloat16 input, every mode, equal to the scalar calls", "[math]") {
  every_input<fl::binary16, r::nearest_even, r::nearest_away, r::toward_zero, r::upward, r::downward, r::odd,
              r::stochastic<5>>("binary16");
  every_input<fl::bfloat16, r::nearest_even, r::nearest_away, r::toward_zero, r::upward, r::downward, r::odd,
              r::stochastic<5>>("bfloat16");
}

TEST_CASE("math arrays: every input of cfloat<6,9> and the 8-bit and 4-bit formats", "[math]") {
  every_input<fl::cfloat<6, 9>, r::nearest_even, r::odd>("cfloat<6,9>");
  every_input<fl::e4m3, r::nearest_even>("e4m3");
  every_input<fl::e5m2, r::nearest_even>("e5m2");
  every_input<fl::e4m3fnuz, r::nearest_even>("e4m3fnuz");
  every_input<fl::e2m1, r::nearest_even>("e2m1");
}

namespace {
std::vector<std::uint32_t> binary32_set(af f, std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::uint32_t> v;
  for (std::size_t i = 0; i < n; ++i) v.push_back(static_cast<std::uint32_t>(rng()));
  std::uniform_real_distribution<double> u(-1, 1);
  const double span = f == af::log ? 4.0 : f == af::tanh ? 22.0 : 100.0;
  for (std::size_t i = 0; i < n; ++i) {
    double x = u(rng) * span;
    if (f == af::log) x = x < 0 ? 1 + x / 64 : x * x * x * 1e3;
    v.push_back(fl::bit_cast<std::uint32_t>(static_cast<float>(x)));
  }
  const double thresholds[] = {0x1p-62, 0x1p-61, 0x1p-60, 0x1p-59, 0x1p-42, 0x1p-41, 0x1p-40, 0x1p-31, 0x1p-30,
                               0x1p-29, 0.0625, 0.03125, 1.0, 1.0625, 0.9375, 1.4375, 0.6875, 2.0, 21.0, 42.0,
                               88.72283935546875, 87.33654, 103.97, 1000.0, 2000.0, 0x1p-126, 0x1p-149};
  for (double t : thresholds)
    for (int s = 0; s < 2; ++s) {
      const std::uint32_t b = fl::bit_cast<std::uint32_t>(static_cast<float>(s ? -t : t));
      for (int d = -64; d <= 64; ++d) v.push_back(b + static_cast<std::uint32_t>(d));
    }
  for (std::uint32_t b : {0u, 0x80000000u, 0x7F800000u, 0xFF800000u, 0x7FC00000u, 0x7F800001u, 1u, 0x807FFFFFu})
    v.push_back(b);
  return v;
}
}  // namespace

TEST_CASE("math arrays: binary32 random and hard inputs, equal to the scalar calls", "[math]") {
  for (af f : all_af) {
    const std::vector<std::uint32_t> set = binary32_set(f, 20000, 77 + static_cast<int>(f));
    for (std::size_t len : {std::size_t{1}, std::size_t{63}, std::size_t{65}, std::size_t{129}}) {  // partial blocks
      const std::vector<std::uint32_t> part(set.begin(), set.begin() + static_cast<std::ptrdiff_t>(len));
      lane_tally lt;
      CHECK(compare<fl::binary32, r::nearest_even>(f, part, lt) == 0);
    }
    lane_tally lt;
    std::size_t bad = compare<fl::binary32, r::nearest_even>(f, set, lt);
    bad += compare<fl::binary32, r::upward>(f, set, lt);
    bad += compare<fl::binary32, r::toward_zero>(f, set, lt);
    bad += compare<fl::binary32, r::odd>(f, set, lt);
    bad += compare<fl::binary32, r::stochastic<5>>(f, set, lt);
    bad += compare<fl::binary32, r::stochastic<32>>(f, set, lt);  // q = 57 > 50: the scalar path throughout
    std::printf("array binary32 %s: %zu inputs x 6 modes, %zu mismatches; vector step decided %llu, scalar pass %llu\n",
                af_name(f), set.size(), bad, lt.hits, lt.misses);
    CHECK(bad == 0);
    CHECK(lt.hits > 0);
  }
}

TEST_CASE("math arrays: every 257th binary32 pattern in nearest-even and upward", "[full][math]") {
  std::vector<std::uint32_t> set;
  for (std::uint64_t b = 0; b < (std::uint64_t{1} << 32); b += 257) set.push_back(static_cast<std::uint32_t>(b));
  for (af f : all_af) {
    lane_tally lt;
    std::size_t bad = compare<fl::binary32, r::nearest_even>(f, set, lt);
    bad += compare<fl::binary32, r::upward>(f, set, lt);
    std::printf("array binary32 %s stride 257: %zu inputs x 2 modes, %zu mismatches; vector %llu, scalar %llu\n",
                af_name(f), set.size(), bad, lt.hits, lt.misses);
    CHECK(bad == 0);
  }
}

TEST_CASE("math arrays: in place, and the rejections write nothing", "[math]") {
  using T = fl::binary16;
  std::vector<T> x, want;
  for (int i = 0; i < 300; ++i) x.push_back(T(0.037 * (i - 150)));
  for (const T& v : x) want.push_back(fl::exp(v));
  std::vector<T> y = x;
  CHECK(fl::exp(fl::array_view<const T>(y.data(), y.size()), fl::array_view<T>(y.data(), y.size())).ok());
  for (std::size_t i = 0; i < x.size(); ++i) CHECK(y[i].bits() == want[i].bits());
  std::vector<T> out(299, T(7.0));
  const fl::status s1 = fl::exp(fl::array_view<const T>(x.data(), x.size()), fl::array_view<T>(out.data(), out.size()));
  CHECK(s1.flags == fl::status::bad_shape);
  CHECK(s1.message != nullptr);
  const fl::status s2 =
      fl::log(fl::array_view<const T>(x.data(), 200), fl::array_view<T>(x.data() + 1, 200));  // overlapping, not equal
  CHECK(s2.flags == fl::status::bad_argument);
  for (const T& v : out) CHECK(v.bits() == T(7.0).bits());
  CHECK(x[1].bits() == T(0.037 * (1 - 150)).bits());
}
