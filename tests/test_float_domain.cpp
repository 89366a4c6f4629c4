// The float-domain paths (detail/float_path.hpp float_domain, detail/double_path.hpp
// encode_narrow; rounding.hpp's fast-path table): + - * / fma through the public API
// against the integer kernels plus round_pack, bit for bit, in every mode they serve
// (toward_zero, upward, downward, nearest_away, odd, stochastic<4>/<8> with words at and
// around the carry boundary), for binary16, cfloat<6,9>, cfloat<7,8> (E <= 7: the float
// domain; cfloat<7,8>'s quotients and) bfloat16 (E = 8): the double path narrowed into binary32 lanes. The 8-bit
// formats take the same paths and are proven on every pair by test_exhaustive_*. Ninth session:
// binary16 and cfloat<6,9> products now take mul_fd, the deterministic sums add_d's error
// without TwoSum, and every format here the bits encoder's short tail.
//   CI: per format, op and mode, every a against a stride of b values (pair index stepped by
//   an odd stride over all 2^32 pairs, FLOATLAB_TEST_SCALE scales the count), plus every a
//   against the edge values (zeros, smallest subnormals, largest finite, infinities, NaN,
//   one); bfloat16 * /: every 1021st a (FLOATLAB_FD_EDGE_STRIDE) against every b whose result lies at binary32's range
//   ends; fma: random triples plus products at the subnormal and overflow edges.
//   [full]: every pair (2^32) per format, op and mode (and every a at the range ends); fma
//   2^28 random triples.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <tuple>
#include <vector>

#include "floatlab/cfloat.hpp"
#include "support/mode_name.hpp"
#include "support/operands.hpp"

using namespace floatlab;

namespace {

using fd_modes = std::tuple<round::toward_zero, round::upward, round::downward, round::nearest_away, round::odd,
                            round::stochastic<4>, round::stochastic<8>>;

using floatlab_test::mode_name;

enum op_t { op_add, op_sub, op_mul, op_div, op_fma };
const char* const op_names[] = {"add", "sub", "mul", "div", "fma"};

// A word per case for stochastic modes: a hash of the operands, with its top bits forced
// around the carry boundary in one case of four (the R bits 0, all ones, and a middle).
inline std::uint32_t word_for(std::uint64_t a, std::uint64_t b) {
  std::uint32_t w = static_cast<std::uint32_t>((a * 0x9E3779B97F4A7C15ull) ^ (b * 0xC2B2AE3D27D4EB4Full) >> 17);
  switch (w & 3) {
    case 0: return w & 0x0FFFFFFFu;
    case 1: return w | 0xF0000000u;
    default: return w;
  }
}

template <class T, class Mode>
bool one(int op, std::uint64_t a, std::uint64_t b, std::uint64_t c) {
  using F = typename T::format_type;
  const std::uint32_t w = is_stochastic_v<Mode> ? word_for(a ^ (c << 40), b) : 0;
  const T x = T::from_bits(static_cast<typename F::storage>(a));
  const T y = T::from_bits(static_cast<typename F::storage>(b));
  const auto ua = detail::unpack<F>(a), ub = detail::unpack<F>(b);
  std::uint64_t got = 0, want = 0;
  auto src = fixed_word{w};
  switch (op) {
    case op_add:
      got = add(x, y, Mode{}, src).bits();
      want = detail::finish<F, Mode>(detail::add<Mode>(ua, ub), w);
      break;
    case op_sub:
      got = sub(x, y, Mode{}, src).bits();
      want = detail::finish<F, Mode>(detail::add<Mode>(ua, detail::unpack<F>((-y).bits())), w);
      break;
    case op_mul:
      got = mul(x, y, Mode{}, src).bits();
      want = detail::finish<F, Mode>(detail::mul(ua, ub), w);
      break;
    case op_div:
      got = div(x, y, Mode{}, src).bits();
      want = detail::finish<F, Mode>(detail::div(ua, ub), w);
      break;
    default: {
      const T z = T::from_bits(static_cast<typename F::storage>(c));
      got = fma(x, y, z, Mode{}, src).bits();
      want = detail::finish<F, Mode>(detail::fma<Mode>(ua, ub, detail::unpack<F>(c)), w);
    }
  }
  if (got != want) {
    static int shown = 0;
    if (shown++ < 8)
      std::printf("  mismatch %s %s a=%#llx b=%#llx c=%#llx w=%#x: got %#llx want %#llx\n", op_names[op],
                  mode_name<Mode>(), (unsigned long long)a, (unsigned long long)b, (unsigned long long)c, w,
                  (unsigned long long)got, (unsigned long long)want);
    return true;
  }
  return false;
}

// Edge values of a format's patterns (both signs).
template <class F>
std::vector<std::uint64_t> edges() {
  std::vector<std::uint64_t> v;
  const std::uint64_t one_bits = static_cast<std::uint64_t>(F::bias) << F::fraction_bits;
  for (std::uint64_t m : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{2}, F::fraction_mask, F::min_normal_bits,
                          F::min_normal_bits + 1, F::max_finite_bits, F::max_finite_bits - 1, F::inf_bits, F::nan_bits,
                          one_bits, one_bits + 1})
    for (std::uint64_t s : {std::uint64_t{0}, F::sign_mask}) v.push_back((m | s) & (F::sign_mask | F::magnitude_mask));
  return v;
}

// Pairs: the pair index stepped by `stride` over all 2^(2n) pairs (stride 1: every pair), then
// every pattern against the edges.
template <class T, class Mode>
std::uint64_t check_pairs(int op, std::uint64_t stride, std::uint64_t& cases) {
  using F = typename T::format_type;
  constexpr int n = F::total_bits;
  const std::uint64_t total = std::uint64_t{1} << (2 * n), mask = (std::uint64_t{1} << n) - 1;
  std::uint64_t bad = 0;
  for (std::uint64_t i = 0; i < total; i += stride) {
    bad += one<T, Mode>(op, i >> n, i & mask, 0);
    ++cases;
  }
  const std::uint64_t edge_stride = stride == 1 ? 1 : 7;
  for (std::uint64_t e : edges<F>())
    for (std::uint64_t a = 0; a <= mask; a += edge_stride) {
      bad += one<T, Mode>(op, a, e, 0) + one<T, Mode>(op, e, a, 0);
      cases += 2;
    }
  return bad;
}

// fma: random triples, and triples whose product lands at the subnormal, overflow and
// cancellation edges (a * b near the negated addend, tiny and huge products).
template <class T, class Mode>
std::uint64_t check_fma(std::uint64_t count, std::uint64_t& cases) {
  using F = typename T::format_type;
  constexpr int n = F::total_bits;
  const std::uint64_t mask = (std::uint64_t{1} << n) - 1;
  std::mt19937_64 g(31);
  std::uint64_t bad = 0;
  for (std::uint64_t i = 0; i < count; ++i) {
    const std::uint64_t a = g() & mask, b = g() & mask;
    std::uint64_t c = g() & mask;
    if ((i & 3) == 1) {
      // c = -RN(a * b) with its last bits perturbed: cancellation
      const T p = mul(T::from_bits(static_cast<typename F::storage>(a)),
                      T::from_bits(static_cast<typename F::storage>(b)), round::nearest_even{});
      c = (p.bits() ^ F::sign_mask ^ (g() & 3)) & mask;
    } else if ((i & 3) == 2) {
      c = (g() & (F::fraction_mask | F::sign_mask)) | (g() & 1 ? 0 : F::min_normal_bits);  // subnormal addends
    }
    bad += one<T, Mode>(op_fma, a, b, c);
    ++cases;
  }
  for (std::uint64_t e : edges<F>())
    for (std::uint64_t a = 0; a <= mask; a += 7) {
      bad += one<T, Mode>(op_fma, a, e, g() & mask) + one<T, Mode>(op_fma, a, g() & mask, e) +
             one<T, Mode>(op_fma, e, a, g() & mask);
      cases += 3;
    }
  return bad;
}

// Products and quotients whose exact value lies at the ends of binary32's range, where the
// paths substitute or scale (bfloat16: E = 8): every a (stride a_stride) against every b
// whose exponent field puts a*b (or a/b) within 2^12 of binary32's smallest normal or beyond
// its subnormals, or near and beyond FLT_MAX.
template <class T, class Mode>
std::uint64_t check_range_edges(int op, std::uint64_t a_stride, std::uint64_t& cases) {
  using F = typename T::format_type;
  constexpr int n = F::total_bits, M = F::fraction_bits;
  const std::uint64_t mask = (std::uint64_t{1} << n) - 1;
  std::uint64_t bad = 0;
  for (std::uint64_t a = 0; a <= mask; a += a_stride) {
    const int ea = static_cast<int>((a >> M) & F::field_max);
    for (std::uint64_t b = 0; b <= mask; ++b) {
      const int eb = static_cast<int>((b >> M) & F::field_max);
      const int e = op == op_div ? ea - eb : ea + eb - 2 * F::bias;  // about the result's exponent
      if (!((e >= -165 && e <= -114) || e >= 120)) continue;
      bad += one<T, Mode>(op, a, b, 0);
      ++cases;
    }
  }
  return bad;
}

std::uint64_t edge_stride() {
  const char* e = std::getenv("FLOATLAB_FD_EDGE_STRIDE");
  return e ? std::max<std::uint64_t>(1, std::strtoull(e, nullptr, 10)) : 1021;
}

template <class T, class Modes = fd_modes>
void check_format(const char* name, bool full) {
  const double scale = operands::test_scale();
  auto per_mode = [&](auto tag) {
    using Mode = decltype(tag);
    for (int op = op_add; op <= op_fma; ++op) {
      if (full && op == op_sub) continue;  // sub is add of the negated operand (CI proves the negation)
      std::uint64_t cases = 0, bad = 0;
      if (op == op_fma) {
        const auto count = static_cast<std::uint64_t>((full ? double(1u << 28) : 60000.0) * (full ? 1.0 : scale));
        bad = check_fma<T, Mode>(count, cases);
      } else {
        // CI: about 2^17 strided pairs (an odd stride, so every a and every b occurs).
        const std::uint64_t stride = full ? 1 : (static_cast<std::uint64_t>(32768 / (scale > 0 ? scale : 1.0)) | 1);
        bad = check_pairs<T, Mode>(op, stride, cases);
      }
      if constexpr (T::format_type::exponent_bits == 8)
        if (op == op_mul || op == op_div) bad += check_range_edges<T, Mode>(op, full ? 1 : edge_stride(), cases);
      std::printf("%s %s %s: %llu cases, %llu mismatches\n", name, mode_name<Mode>(), op_names[op],
                  (unsigned long long)cases, (unsigned long long)bad);
      CHECK(cases > 0);
      CHECK(bad == 0);
    }
  };
  std::apply([&](auto... modes) { (per_mode(modes), ...); }, Modes{});
}

using c69 = cfloat<6, 9>;
using c78 = cfloat<7, 8>;

// The paths under test are the ones these formats dispatch to (cfloat.hpp).
static_assert(detail::fd_add_ok<binary16::format_type, round::upward>);
static_assert(detail::fd_div_ok<binary16::format_type, round::toward_zero>);
static_assert(detail::fd_mul_ok<binary16::format_type, round::upward>);
static_assert(detail::fd_mul_ok<c69::format_type, round::stochastic<8>>);
static_assert(!detail::fd_mul_ok<c78::format_type, round::upward>);  // emin - 2M = -78
static_assert(detail::fd_div_ok<c69::format_type, round::odd> && detail::fd_div_scale<c69::format_type> == 39);
static_assert(detail::fd_div_scale<binary16::format_type> == 24 && !detail::fd_div_ok<c78::format_type, round::upward>);
static_assert(detail::short_sum_ok<detail::float_domain<binary16::format_type>, round::odd, float, false>);
static_assert(detail::short_sum_ok<bfloat16::format_type, round::downward, float, false>);
static_assert(!detail::short_sum_ok<bfloat16::format_type, round::stochastic<8>, float, false>);
static_assert(detail::twosum_float_add_ok<bfloat16::format_type, round::stochastic<4>>);  // tenth session: + in float
static_assert(detail::twosum_float_add_ok<bfloat16::format_type, round::stochastic<8>>);
static_assert(!detail::twosum_float_add_ok<bfloat16::format_type, round::stochastic<16>>);  // p + R + 1 > 24
static_assert(!detail::twosum_float_add_ok<bfloat16::format_type, round::stochastic<3>>);   // R = 4, 8 proven only
static_assert(!detail::twosum_float_add_ok<bfloat16::format_type, round::stochastic<12>>);
static_assert(detail::fd_fma_ok<c69::format_type, round::odd>);
static_assert(detail::fd_fma_ok<c78::format_type, round::stochastic<8>>);
static_assert(detail::float_mul_e8_ok<bfloat16::format_type, round::upward>);
static_assert(detail::float_div_e8_ok<bfloat16::format_type, round::stochastic<8>>);
// Eleventh session: bfloat16 quotients in the deterministic modes without the residual (p <= 8).
static_assert(detail::div_e8_sr_q<bfloat16::format_type, round::stochastic<4>> &&
              !detail::div_e8_sr_q<bfloat16::format_type, round::stochastic<16>> &&
              !detail::div_e8_sr_q<tf32::format_type, round::stochastic<8>>);
static_assert(
    detail::mul_e8_sr_bits<bfloat16::format_type, round::stochastic<8>> &&
    !detail::mul_e8_sr_bits<bfloat16::format_type, round::upward> &&
    !detail::mul_e8_sr_bits<cfloat<8, 7, round::nearest_even, encoding::fn>::format_type, round::stochastic<8>>);
static_assert(detail::div_e8_exact_q<bfloat16::format_type, round::upward> &&
              !detail::div_e8_exact_q<bfloat16::format_type, round::stochastic<8>> &&
              !detail::div_e8_exact_q<tf32::format_type, round::toward_zero>);
static_assert(detail::narrow_double_ok<c78::format_type, round::upward>);  // its quotients
static_assert(detail::narrow_double_ok<bfloat16::format_type, round::toward_zero>);
static_assert(detail::narrow_double_ok<bfloat16::format_type, round::stochastic<8>>);

}  // namespace

TEST_CASE("float domain paths vs kernels: binary16", "[fast_path][float_domain]") {
  check_format<binary16>("binary16", false);
}
TEST_CASE("float domain paths vs kernels: bfloat16", "[fast_path][float_domain]") {
  check_format<bfloat16>("bfloat16", false);
}
TEST_CASE("float domain paths vs kernels: cfloat<6,9>", "[fast_path][float_domain]") {
  check_format<c69>("cfloat<6,9>", false);
}
TEST_CASE("float domain paths vs kernels: cfloat<7,8>", "[fast_path][float_domain]") {
  check_format<c78>("cfloat<7,8>", false);
}

// [full]: every pair. binary16 and bfloat16 in the stochastic modes (their deterministic modes'
// every pair of + * / is test_encode_bits' [full] tier, through the same public API);
// cfloat<6,9> in every mode. fma: 2^28 triples.
using stochastic_modes = std::tuple<round::stochastic<4>, round::stochastic<8>>;
TEST_CASE("float domain paths vs kernels, every pair: binary16", "[fast_path][float_domain][full]") {
  check_format<binary16, stochastic_modes>("binary16", true);
}
TEST_CASE("float domain paths vs kernels, every pair: bfloat16", "[fast_path][float_domain][full]") {
  check_format<bfloat16, stochastic_modes>("bfloat16", true);
}
TEST_CASE("float domain paths vs kernels, every pair: cfloat<6,9>", "[fast_path][float_domain][full]") {
  check_format<c69>("cfloat<6,9>", true);
}

// [full], by hand: bfloat16 + in stochastic<4>/<8> on every pair (the float TwoSum path, tenth
// session; since the eleventh the float sum's own infinity where finite operands overflow; the
// bfloat16 case above also runs it, with * / fma).
TEST_CASE("bfloat16 stochastic + every pair", "[fast_path][float_domain][full]") {
  auto run = [](auto tag) {
    using Mode = decltype(tag);
    std::uint64_t cases = 0;
    const std::uint64_t bad = check_pairs<bfloat16, Mode>(op_add, 1, cases);
    std::printf("bfloat16 %s add: %llu cases, %llu mismatches\n", mode_name<Mode>(), (unsigned long long)cases,
                (unsigned long long)bad);
    CHECK(cases > 0);
    CHECK(bad == 0);
  };
  run(round::stochastic<4>{});
  run(round::stochastic<8>{});
}

// bfloat16 / in stochastic<4>/<8> (div_e8_sr_q: q = RN24(x / y) alone, eleventh session), with
// words at the carry boundary of the path's own quotient: f' = the first R bits below
// bfloat16's last place of q; the words 2^R - 1 - f' and 2^R - f' (top R bits) tell any kernel
// fraction f != f' apart (f > f': the first carries in the kernel only; f < f': the second in
// the path only), plus 0 and all ones. CI: every 4099th a x every b; [full]: every pair.
template <int R>
std::uint64_t check_div_sr_carry(unsigned a_stride, std::uint64_t& cases) {
  using Mode = round::stochastic<R>;
  using F = bfloat16::format_type;
  static_assert(detail::div_e8_sr_q<F, Mode>, "bfloat16 stochastic / takes div_e8_sr_q");
  std::uint64_t bad = 0;
  for (unsigned a = 0; a < 65536; a += a_stride) {
    const auto x = bfloat16::from_bits(static_cast<std::uint16_t>(a));
    const auto ux = detail::unpack<F>(a);
    for (unsigned b = 0; b < 65536; ++b) {
      const auto y = bfloat16::from_bits(static_cast<std::uint16_t>(b));
      const float q = detail::decode_to<F, float>(a) / detail::decode_to<F, float>(b);
      const std::uint32_t mask = (1u << R) - 1, f = (bit_cast<std::uint32_t>(q) >> (16 - R)) & mask;
      const std::uint32_t ws[4] = {(mask - f) << (32 - R), ((mask + 1 - f) & mask) << (32 - R), 0u, 0xFFFFFFFFu};
      const auto exact = detail::div(ux, detail::unpack<F>(b));
      for (std::uint32_t w0 : ws) {
        fixed_word src{w0 | (b * 2654435761u >> (R + 8))};
        const std::uint64_t got = div(x, y, Mode{}, src).bits();
        const std::uint64_t want = detail::finish<F, Mode>(exact, src.word);
        if (got != want && bad < 8)
          std::printf("  mismatch div stochastic<%d> a=%#x b=%#x w=%#x: got %#llx want %#llx\n", R, a, b, src.word,
                      (unsigned long long)got, (unsigned long long)want);
        bad += got != want;
        ++cases;
      }
    }
  }
  return bad;
}
void div_sr_carry(unsigned a_stride) {
  std::uint64_t c4 = 0, c8 = 0;
  const std::uint64_t b4 = check_div_sr_carry<4>(a_stride, c4), b8 = check_div_sr_carry<8>(a_stride, c8);
  std::printf("bfloat16 stochastic<4> div, carry words: %llu cases, %llu mismatches\n", (unsigned long long)c4,
              (unsigned long long)b4);
  std::printf("bfloat16 stochastic<8> div, carry words: %llu cases, %llu mismatches\n", (unsigned long long)c8,
              (unsigned long long)b8);
  CHECK(c4 > 0);
  CHECK(b4 == 0);
  CHECK(b8 == 0);
}
TEST_CASE("bfloat16 stochastic / with words at the carry", "[fast_path][float_domain]") { div_sr_carry(4099); }
TEST_CASE("bfloat16 stochastic / every pair, words at the carry", "[fast_path][float_domain][full]") {
  div_sr_carry(1);
}

// [full], by hand: bfloat16 * in stochastic<4>/<8> on every pair and every pair at binary32's
// range ends (mul_e8 without substitutes, the error as bits: eleventh session).
TEST_CASE("bfloat16 stochastic * every pair", "[fast_path][float_domain][full]") {
  auto run = [](auto tag) {
    using Mode = decltype(tag);
    std::uint64_t cases = 0;
    std::uint64_t bad = check_pairs<bfloat16, Mode>(op_mul, 1, cases);
    bad += check_range_edges<bfloat16, Mode>(op_mul, 1, cases);
    std::printf("bfloat16 %s mul: %llu cases, %llu mismatches\n", mode_name<Mode>(), (unsigned long long)cases,
                (unsigned long long)bad);
    CHECK(cases > 0);
    CHECK(bad == 0);
  };
  run(round::stochastic<4>{});
  run(round::stochastic<8>{});
}

// The stochastic square root from the Newton root (double_path.hpp sqrt_fs, tenth session): every
// pattern, through the public API (one value, and a loop over the array, as a user's loop
// vectorizes it) against the integer kernel, with word classes (the R top bits decide):
// CI 4 of them for 16-bit formats (0, the two middle ones, all ones: with every pattern's
// fraction f they meet the carry f + r = 2^R from both sides), 8-bit formats and [full] all 2^R.
// Eleventh session: words from a stateful engine (thread_rng(), philox_rng: sequential_source)
// take the double path's hardware root instead (cfloat.hpp sqrt_bits), checked here the same
// way with replay_rng (a philox_rng whose words are the class's; sqrt dispatches on the
// source's type), and with the operator-style sqrt(x) of the stochastic type drawing from a
// seeded thread_rng(), replayed by a philox_rng of the same seed.
struct replay_rng : philox_rng {
  const std::uint32_t* next;
  explicit replay_rng(const std::uint32_t* w) : next(w) {}
  std::uint32_t operator()() noexcept { return *next++; }
};
static_assert(detail::sequential_source_v<> && detail::sequential_source_v<philox_rng&> &&
              detail::sequential_source_v<round::stochastic<8>, replay_rng&> &&
              detail::sequential_source_v<philox_bulk_rng&> && !detail::sequential_source_v<word_stream&> &&
              !detail::sequential_source_v<round::stochastic<8>, fixed_word&>);

template <class T, class Mode>
std::uint64_t check_sqrt_fs(bool full, std::uint64_t& cases) {
  using F = typename T::format_type;
  static_assert(detail::sqrt_fs_ok<F, Mode>, "the format must take sqrt_fs");
  constexpr int R = stochastic_bits_v<Mode>;
  constexpr std::uint64_t n = std::uint64_t{1} << F::total_bits;
  std::vector<std::uint32_t> classes;
  if (full || F::total_bits <= 8) {
    for (std::uint32_t k = 0; k < (1u << R); ++k) classes.push_back(k);
  } else {
    classes = {0u, (1u << (R - 1)) - 1, 1u << (R - 1), (1u << R) - 1};
  }
  std::vector<T> a(n), c(n);
  std::vector<std::uint32_t> words(n);
  std::uint64_t bad = 0;
  for (std::uint32_t k : classes) {
    for (std::uint64_t i = 0; i < n; ++i) {
      a[i] = T::from_bits(static_cast<typename F::storage>(i));
      // The class in the top R bits, the rest from a hash (ignored by the rounding).
      words[i] = (k << (32 - R)) | (static_cast<std::uint32_t>(i * 0x9E3779B9u) >> R);
    }
    word_stream src{words.data()};
    for (std::uint64_t i = 0; i < n; ++i) c[i] = sqrt(a[i], Mode{}, src);
    std::vector<T> cs(n);
    replay_rng seq{words.data()};
    for (std::uint64_t i = 0; i < n; ++i) cs[i] = sqrt(a[i], Mode{}, seq);
    for (std::uint64_t i = 0; i < n; ++i) {
      const std::uint64_t want = detail::finish<F, Mode>(detail::sqrt(detail::unpack<F>(i)), words[i]);
      auto one_src = fixed_word{words[i]};
      const std::uint64_t got = sqrt(a[i], Mode{}, one_src).bits();
      const bool m = got != want || c[i].bits() != want || cs[i].bits() != want;
      if (m && bad < 8)
        std::printf("  mismatch sqrt %s x=%#llx w=%#x: got %#llx loop %#llx sequential %#llx want %#llx\n",
                    mode_name<Mode>(), (unsigned long long)i, words[i], (unsigned long long)got,
                    (unsigned long long)c[i].bits(), (unsigned long long)cs[i].bits(), (unsigned long long)want);
      bad += m;
      ++cases;
    }
  }
  // The operators' source: sqrt(x) of the stochastic type draws from thread_rng().
  using S = cfloat<F::exponent_bits, F::fraction_bits, Mode, typename T::encoding_type>;
  std::vector<S> as(n), rs(n);
  for (std::uint64_t i = 0; i < n; ++i) as[i] = S::from_bits(static_cast<typename F::storage>(i));
  seed_thread_rng(12345);
  for (std::uint64_t i = 0; i < n; ++i) rs[i] = sqrt(as[i]);
  philox_rng again(12345);
  for (std::uint64_t i = 0; i < n; ++i) {
    const std::uint32_t w = again();
    const std::uint64_t want = detail::finish<F, Mode>(detail::sqrt(detail::unpack<F>(i)), w);
    const bool m = rs[i].bits() != want;
    if (m && bad < 8)
      std::printf("  mismatch sqrt(x) thread_rng %s x=%#llx w=%#x: got %#llx want %#llx\n", mode_name<Mode>(),
                  (unsigned long long)i, w, (unsigned long long)rs[i].bits(), (unsigned long long)want);
    bad += m;
    ++cases;
  }
  return bad;
}

template <class T>
void sqrt_fs_format(const char* name, bool full) {
  auto run = [&](auto tag) {
    using Mode = decltype(tag);
    std::uint64_t cases = 0;
    const std::uint64_t bad = check_sqrt_fs<T, Mode>(full, cases);
    std::printf("%s %s sqrt: %llu cases, %llu mismatches\n", name, mode_name<Mode>(), (unsigned long long)cases,
                (unsigned long long)bad);
    CHECK(cases > 0);
    CHECK(bad == 0);
  };
  run(round::stochastic<4>{});
  run(round::stochastic<8>{});
}

static_assert(detail::sqrt_fs_ok<bfloat16::format_type, round::stochastic<8>>);
static_assert(!detail::sqrt_fs_ok<binary16::format_type, round::stochastic<16>>);

TEST_CASE("stochastic sqrt vs kernels, every pattern", "[fast_path][float_domain]") {
  sqrt_fs_format<binary16>("binary16", false);
  sqrt_fs_format<bfloat16>("bfloat16", false);
  sqrt_fs_format<c69>("cfloat<6,9>", false);
  sqrt_fs_format<e5m2>("e5m2", false);
  sqrt_fs_format<e4m3>("e4m3", false);
}
TEST_CASE("stochastic sqrt vs kernels, every pattern and word class", "[fast_path][float_domain][full]") {
  sqrt_fs_format<binary16>("binary16", true);
  sqrt_fs_format<bfloat16>("bfloat16", true);
  sqrt_fs_format<c69>("cfloat<6,9>", true);
}
