// tests/test_math_array_trig.cpp: the array forms sin, cos (x_view, y_view) and pow (x_view,
// y_view, z_view) (math.hpp: map_unary with lane_sin / lane_cos, map_pow with lane_pow: the
// vector double step with a scalar pass for the rest) against the scalar calls, bit for bit.
// The scalar calls are proven correctly rounded against MPFR by test_math_trig (every input of
// the 16-bit and 8-bit formats for sin and cos, every pair of the 8-bit formats for pow,
// binary32 random and hard sets, every mode), so equality here makes the vector step's results
// correctly rounded as well.
// CI (small: one TU, few instantiations): every binary16 input in nearest-even, toward zero,
// upward and stochastic<5> (Philox words, drawn in order), every bfloat16 input in
// nearest-even, downward, nearest-away and odd (each mode once at 16 bits), e4m3 / e5m2 / e2m1
// whole; binary32 random, range and threshold sets in nearest-even and upward; pow on every
// pair of e4m3 and e5m2 and on random and structured pairs of binary16, bfloat16, binary32.
// FLOATLAB_MATH_ARRAY_TRIG_FULL (target test_math_array_trig_full, FLOATLAB_FULL_TESTS): the
// 16-bit formats in all 7 modes, binary32 in 6, and every 257th binary32 pattern.
#define FLOATLAB_MATH_COUNTERS 1
#include <floatlab/math.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <vector>

namespace fl = floatlab;
namespace r = fl::round;

#ifdef FLOATLAB_MATH_ARRAY_TRIG_FULL
#define TRIG_TAG "[full][math]"
#else
#define TRIG_TAG "[math]"
#endif

namespace {

enum class tf { sin, cos };
const char* tf_name(tf f) { return f == tf::sin ? "sin" : "cos"; }

struct lane_tally {
  unsigned long long hits = 0, misses = 0;
};

template <class T>
void report(const char* what, std::size_t i, T x, T y, T got, T want) {
  std::printf("  mismatch %s i=%zu x=0x%llx y=0x%llx array 0x%llx scalar 0x%llx\n", what, i,
              static_cast<unsigned long long>(x.bits()), static_cast<unsigned long long>(y.bits()),
              static_cast<unsigned long long>(got.bits()), static_cast<unsigned long long>(want.bits()));
}

// The array call against the scalar calls in one mode (session 8: the sin/cos and pow compares
// shared this loop): want_i = scalar(i, mode [, rng]) for every i, then array(mode [, rng]),
// which writes got; stochastic modes give both the same Philox stream (seed), so the array
// form must draw one word per element in order. Tallies the lane counters; returns the
// mismatch count, reporting the first five (x_i, y_i: the inputs).
template <class T, class Mode, class Scalar, class Array>
std::size_t array_vs_scalar(const char* what, std::uint64_t seed, const std::vector<T>& x, const std::vector<T>& y,
                            const std::vector<T>& got, Scalar&& scalar, Array&& array, lane_tally& lt) {
  std::vector<T> want;
  fl::math_counters() = {};
  if constexpr (fl::is_stochastic_v<Mode>) {
    fl::philox_rng r1(seed), r2(seed);
    for (std::size_t i = 0; i < x.size(); ++i) want.push_back(scalar(i, Mode{}, r1));
    CHECK(array(Mode{}, r2).ok());
  } else {
    for (std::size_t i = 0; i < x.size(); ++i) want.push_back(scalar(i, Mode{}));
    CHECK(array(Mode{}).ok());
  }
  lt.hits += fl::math_counters().lane_hits;
  lt.misses += fl::math_counters().lane_misses;
  std::size_t bad = 0;
  for (std::size_t i = 0; i < x.size(); ++i)
    if (got[i].bits() != want[i].bits() && ++bad <= 5) report(what, i, x[i], y[i], got[i], want[i]);
  return bad;
}

// sin / cos over the patterns in one mode, array against scalar; returns the mismatch count.
template <class T, class Mode>
std::size_t compare(tf f, const std::vector<typename T::storage_type>& patterns, lane_tally& lt) {
  std::vector<T> x, y(patterns.size());
  for (auto b : patterns) x.push_back(T::from_bits(b));
  const fl::array_view<const T> xv(x.data(), x.size());
  const fl::array_view<T> yv(y.data(), y.size());
  return array_vs_scalar<T, Mode>(
      tf_name(f), 99, x, x, y,
      [&](std::size_t i, auto&&... m) {  // m: the mode and, for stochastic modes, the rng (by reference)
        return f == tf::sin ? fl::sin(x[i], static_cast<decltype(m)&&>(m)...)
                            : fl::cos(x[i], static_cast<decltype(m)&&>(m)...);
      },
      [&](auto&&... m) {
        return f == tf::sin ? fl::sin(xv, yv, static_cast<decltype(m)&&>(m)...)
                            : fl::cos(xv, yv, static_cast<decltype(m)&&>(m)...);
      },
      lt);
}

template <class T, class... Modes>
void every_input(const char* name) {
  std::vector<typename T::storage_type> all;
  for (std::uint64_t b = 0; b < (std::uint64_t{1} << T::format_type::total_bits); ++b)
    all.push_back(static_cast<typename T::storage_type>(b));
  for (tf f : {tf::sin, tf::cos}) {
    lane_tally lt;
    std::size_t bad = 0;
    ((bad += compare<T, Modes>(f, all, lt)), ...);
    std::printf("array %s %s: %zu inputs x %zu modes, %zu mismatches; vector step decided %llu, scalar pass %llu\n",
                name, tf_name(f), all.size(), sizeof...(Modes), bad, lt.hits, lt.misses);
    CHECK(bad == 0);
    if (T::format_type::total_bits == 16) CHECK(lt.hits > 0);  // the vector step ran
  }
}

// binary32: random patterns, random arguments in [-2^22, 2^22] with a quarter small, the floats
// within 64 ulps of k pi/64 (k < 2^12, where the reduced argument is smallest: the |r| < 2^-30
// rejection and the reduction's exactness) and of the lane's range ends (2^-30, 2^-6, 2^21).
std::vector<std::uint32_t> binary32_trig_set(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::uint32_t> v;
  for (std::size_t i = 0; i < n; ++i) v.push_back(static_cast<std::uint32_t>(rng()));
  std::uniform_real_distribution<double> u(-1, 1);
  for (std::size_t i = 0; i < n; ++i) {
    double x = u(rng) * 0x1p22;
    if (i % 4 == 0) x = std::ldexp(u(rng), -static_cast<int>(rng() % 40));
    v.push_back(fl::bit_cast<std::uint32_t>(static_cast<float>(x)));
  }
  const double pi_64 = 0x1.921fb54442d18p-5;
  for (int k = 1; k < 4096; k += (k < 256 ? 1 : 37)) {
    const std::uint32_t b = fl::bit_cast<std::uint32_t>(static_cast<float>(k * pi_64));
    for (int d = -8; d <= 8; ++d) v.push_back(b + static_cast<std::uint32_t>(d));
  }
  for (double t : {0x1p-31, 0x1p-30, 0x1p-6, 0x1p21, 0x1p22, 1.0, 0x1p-126})
    for (int s = 0; s < 2; ++s) {
      const std::uint32_t b = fl::bit_cast<std::uint32_t>(static_cast<float>(s ? -t : t));
      for (int d = -64; d <= 64; ++d) v.push_back(b + static_cast<std::uint32_t>(d));
    }
  for (std::uint32_t b : {0u, 0x80000000u, 0x7F800000u, 0xFF800000u, 0x7FC00000u, 0x7F800001u, 1u, 0x807FFFFFu})
    v.push_back(b);
  return v;
}

// pow: array against scalar over the pairs, one mode.
template <class T, class Mode>
std::size_t compare_pow(const std::vector<typename T::storage_type>& xs,
                        const std::vector<typename T::storage_type>& ys, lane_tally& lt) {
  std::vector<T> x, y, z(xs.size());
  for (auto b : xs) x.push_back(T::from_bits(b));
  for (auto b : ys) y.push_back(T::from_bits(b));
  const fl::array_view<const T> xv(x.data(), x.size()), yv(y.data(), y.size());
  const fl::array_view<T> zv(z.data(), z.size());
  return array_vs_scalar<T, Mode>(
      "pow", 5, x, y, z,
      [&](std::size_t i, auto&&... m) { return fl::pow(x[i], y[i], static_cast<decltype(m)&&>(m)...); },
      [&](auto&&... m) { return fl::pow(xv, yv, zv, static_cast<decltype(m)&&>(m)...); }, lt);
}

// Random pattern pairs, random x in (0, 16] with y in [-8, 8], and the structured pairs of
// test_math_trig's hard set: integer y (exact results), y = k/2^s with perfect-power x, x next
// to 1 with large |y|, x = 2^k, negative x with integer y, results near overflow / underflow.
template <class T>
void pow_pairs(std::size_t n, std::uint64_t seed, std::vector<typename T::storage_type>& xs,
               std::vector<typename T::storage_type>& ys) {
  using S = typename T::storage_type;
  std::mt19937_64 rng(seed);
  const auto pat = [&] { return static_cast<S>(rng() & ((std::uint64_t{1} << T::format_type::total_bits) - 1)); };
  std::uniform_real_distribution<double> u(0, 1);
  const auto add = [&](double a, double b) {
    xs.push_back(T(a).bits());
    ys.push_back(T(b).bits());
  };
  for (std::size_t i = 0; i < n; ++i) {
    xs.push_back(pat());
    ys.push_back(pat());
  }
  for (std::size_t i = 0; i < n; ++i) add(16 * u(rng) + 1e-3, 16 * u(rng) - 8);
  for (std::size_t i = 0; i < n / 4; ++i) {
    const double x = std::floor(1 + 40 * u(rng));
    add(x, std::floor(-12 + 25 * u(rng)));                                    // integer y
    add(x * x, 0.5);                                                          // perfect squares
    add(x * x * x * x, (rng() % 2 ? -0.25 : 0.75));                           // fourth powers
    add(1 + (u(rng) - 0.5) * 0x1p-6, (u(rng) - 0.5) * 4000);                  // x near 1, large y
    add(std::ldexp(1.0, static_cast<int>(rng() % 60) - 30), 8 * u(rng) - 4);  // powers of two
    add(-x, std::floor(-6 + 13 * u(rng)));                                    // negative x, integer y
    add(2 + u(rng), (u(rng) < 0.5 ? 1 : -1) * (100 + 40 * u(rng)));           // over / underflow region
  }
}

template <class T, class... Modes>
void pow_check(const char* name, const std::vector<typename T::storage_type>& xs,
               const std::vector<typename T::storage_type>& ys) {
  lane_tally lt;
  std::size_t bad = 0;
  ((bad += compare_pow<T, Modes>(xs, ys, lt)), ...);
  std::printf("array %s pow: %zu pairs x %zu modes, %zu mismatches; vector step decided %llu, scalar pass %llu\n", name,
              xs.size(), sizeof...(Modes), bad, lt.hits, lt.misses);
  CHECK(bad == 0);
  CHECK(lt.hits > 0);
}

}  // namespace

TEST_CASE("math arrays: sin and cos, every binary16 and bfloat16 input, equal to the scalar calls", TRIG_TAG) {
#ifdef FLOATLAB_MATH_ARRAY_TRIG_FULL
  every_input<fl::binary16, r::nearest_even, r::nearest_away, r::toward_zero, r::upward, r::downward, r::odd,
              r::stochastic<5>>("binary16");
  every_input<fl::bfloat16, r::nearest_even, r::nearest_away, r::toward_zero, r::upward, r::downward, r::odd,
              r::stochastic<5>>("bfloat16");
#else
  every_input<fl::binary16, r::nearest_even, r::toward_zero, r::upward, r::stochastic<5>>("binary16");
  every_input<fl::bfloat16, r::nearest_even, r::downward, r::nearest_away, r::odd>("bfloat16");
#endif
  every_input<fl::e4m3, r::nearest_even>("e4m3");
  every_input<fl::e5m2, r::nearest_even>("e5m2");
  every_input<fl::e2m1, r::nearest_even>("e2m1");
}

TEST_CASE("math arrays: sin and cos, binary32 random and hard inputs, equal to the scalar calls", TRIG_TAG) {
  for (tf f : {tf::sin, tf::cos}) {
    const std::vector<std::uint32_t> set = binary32_trig_set(20000, 31 + static_cast<int>(f));
    for (std::size_t len : {std::size_t{1}, std::size_t{63}, std::size_t{65}, std::size_t{129}}) {  // partial blocks
      const std::vector<std::uint32_t> part(set.begin(), set.begin() + static_cast<std::ptrdiff_t>(len));
      lane_tally lt;
      CHECK(compare<fl::binary32, r::nearest_even>(f, part, lt) == 0);
    }
    lane_tally lt;
    std::size_t bad = compare<fl::binary32, r::nearest_even>(f, set, lt);
    bad += compare<fl::binary32, r::upward>(f, set, lt);
#ifdef FLOATLAB_MATH_ARRAY_TRIG_FULL
    bad += compare<fl::binary32, r::toward_zero>(f, set, lt);
    bad += compare<fl::binary32, r::odd>(f, set, lt);
    bad += compare<fl::binary32, r::stochastic<5>>(f, set, lt);
    bad += compare<fl::binary32, r::stochastic<32>>(f, set, lt);  // q = 57 > 50: the scalar path throughout
#endif
    std::printf("array binary32 %s: %zu inputs, %zu mismatches; vector step decided %llu, scalar pass %llu\n",
                tf_name(f), set.size(), bad, lt.hits, lt.misses);
    CHECK(bad == 0);
    CHECK(lt.hits > 0);
  }
}

TEST_CASE("math arrays: pow, every e4m3 and e5m2 pair, random and hard 16- and 32-bit pairs", TRIG_TAG) {
  {
    std::vector<std::uint8_t> xs, ys;
    for (unsigned a = 0; a < 256; ++a)
      for (unsigned b = 0; b < 256; ++b) {
        xs.push_back(static_cast<std::uint8_t>(a));
        ys.push_back(static_cast<std::uint8_t>(b));
      }
    pow_check<fl::e4m3, r::nearest_even>("e4m3", xs, ys);
    pow_check<fl::e5m2, r::nearest_even>("e5m2", xs, ys);
  }
  {
    std::vector<std::uint16_t> xs, ys;
    pow_pairs<fl::binary16>(40000, 3, xs, ys);
#ifdef FLOATLAB_MATH_ARRAY_TRIG_FULL
    pow_check<fl::binary16, r::nearest_even, r::nearest_away, r::toward_zero, r::upward, r::downward, r::odd,
              r::stochastic<5>>("binary16", xs, ys);
#else
    pow_check<fl::binary16, r::nearest_even, r::upward, r::stochastic<5>>("binary16", xs, ys);
#endif
    xs.clear();
    ys.clear();
    pow_pairs<fl::bfloat16>(40000, 4, xs, ys);
    pow_check<fl::bfloat16, r::nearest_even, r::toward_zero>("bfloat16", xs, ys);
  }
  {
    std::vector<std::uint32_t> xs, ys;
    pow_pairs<fl::binary32>(20000, 5, xs, ys);
    for (std::size_t len : {std::size_t{1}, std::size_t{63}, std::size_t{65}}) {  // partial blocks
      const std::vector<std::uint32_t> px(xs.begin(), xs.begin() + static_cast<std::ptrdiff_t>(len)),
          py(ys.begin(), ys.begin() + static_cast<std::ptrdiff_t>(len));
      lane_tally lt;
      CHECK(compare_pow<fl::binary32, r::nearest_even>(px, py, lt) == 0);
    }
    pow_check<fl::binary32, r::nearest_even, r::downward>("binary32", xs, ys);
  }
}

#ifdef FLOATLAB_MATH_ARRAY_TRIG_FULL
TEST_CASE("math arrays: sin and cos, every 257th binary32 pattern in nearest-even and upward", "[full][math]") {
  std::vector<std::uint32_t> set;
  for (std::uint64_t b = 0; b < (std::uint64_t{1} << 32); b += 257) set.push_back(static_cast<std::uint32_t>(b));
  for (tf f : {tf::sin, tf::cos}) {
    lane_tally lt;
    std::size_t bad = compare<fl::binary32, r::nearest_even>(f, set, lt);
    bad += compare<fl::binary32, r::upward>(f, set, lt);
    std::printf("array binary32 %s stride 257: %zu inputs x 2 modes, %zu mismatches; vector %llu, scalar %llu\n",
                tf_name(f), set.size(), bad, lt.hits, lt.misses);
    CHECK(bad == 0);
  }
}
#endif

namespace {
// encode_direct (math.hpp, the double step's encoder in the format's normal range) against
// encode_from on doubles off the (p + 1)-bit grid (its precondition, which the rounding test
// gives): random doubles within each format's range and next to its ends, both signs.
template <class T, class Mode>
std::size_t direct_encoder_check(std::mt19937_64& rng, std::size_t n, std::size_t& taken) {
  using F = typename T::format_type;
  constexpr int q = F::precision + 1;
  std::uniform_real_distribution<double> u(0, 1);
  const double lo = std::ldexp(1.0, F::emin), hi = static_cast<double>(T::from_bits(F::max_finite_bits));
  std::size_t bad = 0;
  for (std::size_t i = 0; i < n; ++i) {
    double s;
    const int kind = static_cast<int>(i % 4);
    if (kind == 0)
      s = std::ldexp(1 + u(rng), F::emin + static_cast<int>(rng() % static_cast<unsigned>(F::emax - F::emin + 1)));
    else if (kind == 1)
      s = lo * (1 + (u(rng) - 0.5) * 0x1p-8);
    else if (kind == 2)
      s = hi * (1 + (u(rng) - 0.5) * 0x1p-8);
    else
      s = std::ldexp(1 + u(rng), F::emin - 3 + static_cast<int>(rng() % static_cast<unsigned>(F::emax - F::emin + 7)));
    std::uint64_t b = fl::bit_cast<std::uint64_t>(s);
    if ((b & ((std::uint64_t{1} << (53 - q)) - 1)) == 0) b |= 1;  // off the q-bit grid
    s = fl::bit_cast<double>(b);
    if (rng() & 1) s = -s;
    typename F::storage got{};
    if (!fl::detail::cr::encode_direct<F, Mode>(s, got)) {
      if (std::fabs(s) >= lo && std::fabs(s) <= hi) ++bad;  // inside the range: must be taken
      continue;
    }
    ++taken;
    if (std::fabs(s) < lo || std::fabs(s) > hi) ++bad;  // outside: must be declined
    if (got != fl::detail::encode_from<F, Mode, double>(s, 0, 0)) ++bad;
  }
  return bad;
}
template <class T>
void direct_encoder_all_modes(const char* name, std::mt19937_64& rng) {
  std::size_t taken = 0, bad = 0;
  bad += direct_encoder_check<T, r::nearest_even>(rng, 20000, taken);
  bad += direct_encoder_check<T, r::nearest_away>(rng, 20000, taken);
  bad += direct_encoder_check<T, r::toward_zero>(rng, 20000, taken);
  bad += direct_encoder_check<T, r::upward>(rng, 20000, taken);
  bad += direct_encoder_check<T, r::downward>(rng, 20000, taken);
  bad += direct_encoder_check<T, r::odd>(rng, 20000, taken);
  std::printf("direct encoder %s: 6 modes x 20000 doubles, %zu in range, %zu mismatches\n", name, taken, bad);
  CHECK(bad == 0);
  CHECK(taken > 60000);
}
}  // namespace

TEST_CASE("math: the double step's direct encoder equals encode_from off the (p+1)-bit grid", "[math]") {
  std::mt19937_64 rng(2026);
  direct_encoder_all_modes<fl::binary16>("binary16", rng);
  direct_encoder_all_modes<fl::bfloat16>("bfloat16", rng);
  direct_encoder_all_modes<fl::binary32>("binary32", rng);
  direct_encoder_all_modes<fl::cfloat<6, 9>>("cfloat<6,9>", rng);
  direct_encoder_all_modes<fl::e4m3>("e4m3", rng);
  direct_encoder_all_modes<fl::e5m2>("e5m2", rng);
  direct_encoder_all_modes<fl::e4m3fnuz>("e4m3fnuz", rng);
  direct_encoder_all_modes<fl::cfloat<5, 10, fl::round::nearest_even, fl::encoding::ieee_ftz>>("binary16 ftz", rng);
}

namespace {
// Session 8: the scalar calls' pattern decode (decode_normal on normal_pattern) equals
// decode_to, and each function's hot_bits equals its hot, on every pattern of F (or every
// stride-th), on the decoded values and on doubles next to each threshold.
template <class Fn>
std::size_t hot_check(double d) {
  return fl::detail::cr::hot_of<Fn>(d) != Fn::hot(d) ? 1 : 0;
}
std::size_t hot_all(double d) {
  namespace cr = fl::detail::cr;
  return hot_check<cr::fn_exp>(d) + hot_check<cr::fn_log>(d) + hot_check<cr::fn_logistic>(d) +
         hot_check<cr::fn_sin>(d) + hot_check<cr::fn_cos>(d);
}
template <class T>
void decode_check(const char* name, std::uint64_t stride, std::size_t& bad, std::size_t& normals) {
  using F = typename T::format_type;
  const std::uint64_t count = std::uint64_t{1} << F::total_bits;
  std::size_t b0 = bad, n0 = normals;
  for (std::uint64_t b = 0; b < count; b += stride) {
    if (!fl::detail::cr::normal_pattern<F>(b)) continue;
    ++normals;
    const double d = fl::detail::cr::decode_normal<F>(b), want = fl::detail::decode_to<F, double>(b);
    if (fl::bit_cast<std::uint64_t>(d) != fl::bit_cast<std::uint64_t>(want) || !(want == want) || std::isinf(want) ||
        std::fabs(want) < std::ldexp(1.0, F::emin)) {
      if (++bad - b0 <= 5) std::printf("  decode mismatch %s 0x%llx\n", name, static_cast<unsigned long long>(b));
    }
    bad += hot_all(d);
  }
  std::printf("normal decode %s: %zu normal patterns (stride %llu), %zu mismatches\n", name, normals - n0,
              static_cast<unsigned long long>(stride), bad - b0);
}
}  // namespace

TEST_CASE("math: the scalar calls' pattern decode and hot tests equal decode_to and hot", "[math]") {
  std::size_t bad = 0, normals = 0;
  decode_check<fl::binary16>("binary16", 1, bad, normals);
  decode_check<fl::bfloat16>("bfloat16", 1, bad, normals);
  decode_check<fl::cfloat<6, 9>>("cfloat<6,9>", 1, bad, normals);
  decode_check<fl::cfloat<5, 10, fl::round::nearest_even, fl::encoding::ieee_ftz>>("binary16 ftz", 1, bad, normals);
  decode_check<fl::e4m3>("e4m3", 1, bad, normals);
  decode_check<fl::e3m2>("e3m2", 1, bad, normals);
  decode_check<fl::e5m2>("e5m2", 1, bad, normals);
  decode_check<fl::e4m3fnuz>("e4m3fnuz", 1, bad, normals);
  decode_check<fl::e2m1>("e2m1", 1, bad, normals);
  decode_check<fl::binary32>("binary32", 4099, bad, normals);
  // hot_bits against hot next to every threshold (64 doubles each side, both signs), and on
  // random doubles of every exponent, NaNs and infinities.
  std::size_t hb = 0, hn = 0;
  for (double t : {0x1p-60, 2000.0, 0x1p-1022, 0x1.fffffffffffffp1023, 1.0, 0x1p-41, 42.0, 1000.0, 0x1p-30, 0x1p21})
    for (int sgn = 0; sgn < 2; ++sgn) {
      const std::uint64_t c = fl::bit_cast<std::uint64_t>(sgn ? -t : t);
      for (int k = -64; k <= 64; ++k, ++hn) hb += hot_all(fl::bit_cast<double>(c + static_cast<std::uint64_t>(k)));
    }
  std::mt19937_64 rng(8);
  for (int i = 0; i < 200000; ++i, ++hn) hb += hot_all(fl::bit_cast<double>(rng()));
  for (double v : {0.0, -0.0, HUGE_VAL, -HUGE_VAL, std::nan(""), -std::nan("")}) hb += hot_all(v), ++hn;
  std::printf("hot_bits = hot: %zu doubles x 5 functions, %zu mismatches\n", hn, hb);
  CHECK(bad == 0);
  CHECK(hb == 0);
  CHECK(normals > 200000);
}

TEST_CASE("math arrays: sin in place, pow in place and its rejections write nothing", TRIG_TAG) {
  using T = fl::binary16;
  std::vector<T> x, y, want, wantp;
  for (int i = 0; i < 300; ++i) {
    x.push_back(T(0.37 * (i - 150)));
    y.push_back(T(0.05 * (i % 40) - 1));
  }
  for (const T& v : x) want.push_back(fl::sin(v));
  std::vector<T> s = x;
  CHECK(fl::sin(fl::array_view<const T>(s.data(), s.size()), fl::array_view<T>(s.data(), s.size())).ok());
  for (std::size_t i = 0; i < x.size(); ++i) CHECK(s[i].bits() == want[i].bits());
  std::vector<T> ax(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) ax[i] = fl::abs(x[i]);
  for (std::size_t i = 0; i < x.size(); ++i) wantp.push_back(fl::pow(ax[i], y[i]));
  std::vector<T> p = y;  // z = y
  CHECK(fl::pow(fl::array_view<const T>(ax.data(), ax.size()), fl::array_view<T>(p.data(), p.size()),
                fl::array_view<T>(p.data(), p.size()))
            .ok());
  for (std::size_t i = 0; i < x.size(); ++i) CHECK(p[i].bits() == wantp[i].bits());
  std::vector<T> out(300, T(7.0));
  const fl::status s1 = fl::pow(fl::array_view<const T>(ax.data(), 300), fl::array_view<const T>(y.data(), 299),
                                fl::array_view<T>(out.data(), 300));
  CHECK(s1.flags == fl::status::bad_shape);
  const fl::status s2 = fl::pow(fl::array_view<const T>(out.data(), 200), fl::array_view<const T>(y.data(), 200),
                                fl::array_view<T>(out.data() + 1, 200));  // overlapping x, not equal
  CHECK(s2.flags == fl::status::bad_argument);
  const fl::status s3 = fl::cos(fl::array_view<const T>(out.data(), 200), fl::array_view<T>(out.data() + 3, 200));
  CHECK(s3.flags == fl::status::bad_argument);
  for (const T& v : out) CHECK(v.bits() == T(7.0).bits());
}
