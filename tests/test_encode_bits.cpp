// The bits encoder (detail/float_path.hpp encode_bits: the rounding-bias trick in every mode)
// against the general encoder encode_from, which the fast paths used before and which
// test_fast_paths, test_fast_paths_ops and the exhaustive op tests prove against the integer
// kernels and MPFR. Both take (s, err_sign, word): s = RN(exact) in H, err_sign the sign of
// exact - s (0 for an exact s, and for zeros and non-finite s), word the stochastic draw.
//   CI: for H = float and H = double, 16 formats (every encoding: ieee, ieee_ftz, fn,
//   fn_satfinite, fnuz, fnuz_satfinite, finite) x 8 modes (the six deterministic ones,
//   stochastic<4> and stochastic<8>), on: for every H exponent from below the format's
//   subnormal range to above its overflow, every leading fraction pattern of the format's
//   width (at most 2^7 of them, spread) with the low-bit patterns around the rounding
//   boundaries (0, 1, half - 1, half, half + 1, all ones, and the stochastic fraction
//   boundaries), both signs, the three error signs, and words at the carry boundary of each
//   case; plus a sample of random H values (every 65537th float; 2^17 random doubles).
//   [full]: every float of the formats' range (H exponents from emin - M - 3 to emax + 3,
//   and the specials), both signs, the three error signs, in the 8 modes (stochastic with
//   words at the carry boundary and a random word), for binary16, bfloat16, e5m2, e4m3,
//   cfloat<6,9>, e4m3fnuz; and every operand pair of binary16 and bfloat16 for + * / in
//   toward_zero, upward, downward, nearest_away and odd through the public API against the
//   integer kernels (30 x 2^32 cases; "one directed pair sweep" runs one of them by name).
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <cstring>
#include <random>
#include <tuple>
#include <vector>

#include "floatlab/cfloat.hpp"
#include "support/mode_name.hpp"

using namespace floatlab;

namespace {

using all_modes = std::tuple<round::nearest_even, round::nearest_away, round::toward_zero, round::upward,
                             round::downward, round::odd, round::stochastic<4>, round::stochastic<8>>;

template <class H>
struct bits_of;
template <>
struct bits_of<float> {
  using U = std::uint32_t;
};
template <>
struct bits_of<double> {
  using U = std::uint64_t;
};

template <class Fmt, class Mode, class H>
bool mismatch(H s, int err, std::uint32_t w) {
  return detail::encode_bits<Fmt, Mode, H>(s, err, w) != detail::encode_from<Fmt, Mode, H>(s, err, w);
}

// One H bit pattern, the three error signs (only 0 for zeros and non-finite values), and for
// stochastic modes words at the carry boundary of that case (f + r = 2^R - 1 and 2^R) plus 0,
// all ones and one pseudo-random word.
template <class Fmt, class Mode, class H>
std::uint64_t check_one(typename bits_of<H>::U u, std::uint32_t salt, std::uint64_t& cases) {
  using U = typename bits_of<H>::U;
  constexpr int Q = detail::hw_traits<H>::fraction_bits, W = 8 * sizeof(U);
  H s;
  std::memcpy(&s, &u, sizeof s);
  const U a = static_cast<U>(u & ~(U{1} << (W - 1)));
  const bool finite_nonzero = a != 0 && a < (((U{1} << (W - 1 - Q)) - 1) << Q);
  std::uint64_t bad = 0;
  for (int err = -1; err <= 1; ++err) {
    if (err != 0 && !finite_nonzero) continue;
    if constexpr (is_stochastic_v<Mode>) {
      constexpr int R = Mode::bits, sh = Q - Fmt::fraction_bits;
      // f from the bits of a' (normal range; in the subnormal range these are just words).
      const U ap = a - static_cast<U>(err != 0 && ((err < 0) != ((u >> (W - 1)) != 0)));
      const auto f = static_cast<std::uint32_t>((ap >> (sh - R)) & ((U{1} << R) - 1));
      const std::uint32_t r0 =
          ((std::uint32_t{1} << R) - f) & ((std::uint32_t{1} << R) - 1);  // f + r0 = 2^R (or f = 0)
      const std::uint32_t words[] = {0u, 0xFFFFFFFFu, (r0 << (32 - R)), ((r0 - 1) << (32 - R)) | ((1u << (32 - R)) - 1),
                                     static_cast<std::uint32_t>(u * 2654435761u) ^ salt};
      for (std::uint32_t w : words) {
        bad += mismatch<Fmt, Mode, H>(s, err, w);
        ++cases;
      }
    } else {
      bad += mismatch<Fmt, Mode, H>(s, err, 0);
      ++cases;
    }
  }
  return bad;
}

// The boundary lattice for one format and mode in H.
template <class Fmt, class Mode, class H>
std::uint64_t check_edges(std::uint64_t& cases) {
  using U = typename bits_of<H>::U;
  using T = detail::hw_traits<H>;
  constexpr int Q = T::fraction_bits, M = Fmt::fraction_bits, sh = Q - M;
  constexpr int R = is_stochastic_v<Mode> ? stochastic_bits_v<Mode> : 1;
  const U half = U{1} << (sh - 1), low_mask = (U{1} << sh) - 1, rstep = U{1} << (sh - R);
  const U lows[] = {
      0, 1, half - 1, half, half + 1, low_mask, rstep - 1, rstep, rstep + 1, low_mask - rstep, low_mask - rstep + 1};
  const int lo_exp = std::max(0, Fmt::emin - M - 3 + T::bias), hi_exp = std::min(2 * T::bias, Fmt::emax + 3 + T::bias);
  const U tops = U{1} << M, step = tops > 128 ? tops / 128 + 1 : 1;
  std::uint64_t bad = 0;
  for (int e = lo_exp; e <= hi_exp; ++e)
    for (U top = 0; top < tops; top = (top + step < tops || top == tops - 1) ? top + step : tops - 1) {
      for (U low : lows)
        for (U sign : {U{0}, U{1} << (8 * sizeof(U) - 1)})
          bad += check_one<Fmt, Mode, H>(sign | static_cast<U>(static_cast<U>(e) << Q) | top << sh | (low & low_mask),
                                         0, cases);
      if (top == tops - 1) break;
    }
  // H's subnormals, zeros, infinities, NaNs.
  const U specials[] = {0,
                        1,
                        2,
                        (U{1} << Q) - 1,
                        U{1} << Q,
                        ((U{1} << (8 * sizeof(U) - 1 - Q)) - 1) << Q,
                        (((U{1} << (8 * sizeof(U) - 1 - Q)) - 1) << Q) | 1,
                        ~U{0} >> 1};
  for (U x : specials)
    for (U sign : {U{0}, U{1} << (8 * sizeof(U) - 1)}) bad += check_one<Fmt, Mode, H>(sign | x, 0, cases);
  return bad;
}

using floatlab_test::mode_name;

template <class Fmt, class Mode>
std::uint64_t check_sample(std::uint64_t& cases) {
  std::uint64_t bad = 0;
  if constexpr (detail::bits_encoder_ok<Fmt, Mode, float>)
    for (std::uint64_t i = 0; i < (std::uint64_t{1} << 32); i += 65537)
      bad += check_one<Fmt, Mode, float>(static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(i >> 3), cases);
  // Doubles: random significands at exponents around the format's range.
  if constexpr (detail::bits_encoder_ok<Fmt, Mode, double>) {
    std::mt19937_64 gen(12);
    std::uniform_int_distribution<int> ex(Fmt::emin - Fmt::fraction_bits - 4, Fmt::emax + 3);
    for (int i = 0; i < (1 << 17); ++i) {
      const std::uint64_t u = (gen() & 0x800FFFFFFFFFFFFFull) | static_cast<std::uint64_t>(ex(gen) + 1023) << 52;
      bad += check_one<Fmt, Mode, double>(u, static_cast<std::uint32_t>(i), cases);
    }
  }
  return bad;
}

template <class T>
void check_format(const char* name) {
  using F = typename T::format_type;
  auto one = [&](auto mode_tag) {
    using Mode = decltype(mode_tag);
    std::uint64_t cases = 0, bad = 0;
    if constexpr (detail::bits_encoder_ok<F, Mode, float>) bad += check_edges<F, Mode, float>(cases);
    if constexpr (detail::bits_encoder_ok<F, Mode, double>) bad += check_edges<F, Mode, double>(cases);
    bad += check_sample<F, Mode>(cases);
    std::printf("%s %s: %llu cases, %llu mismatches\n", name, mode_name<Mode>(), (unsigned long long)cases,
                (unsigned long long)bad);
    CHECK(cases > 0);
    CHECK(bad == 0);
  };
  std::apply([&](auto... modes) { (one(modes), ...); }, all_modes{});
}

// Every float of the format's range, all modes (see the header).
template <class T>
void check_every_float(const char* name) {
  using F = typename T::format_type;
  constexpr int M = F::fraction_bits;
  auto one = [&](auto mode_tag) {
    using Mode = decltype(mode_tag);
    if constexpr (!detail::bits_encoder_ok<F, Mode, float>) return;
    std::uint64_t cases = 0, bad = 0;
    const std::uint32_t lo = static_cast<std::uint32_t>(std::max(0, F::emin - M - 3 + 127)) << 23;
    const std::uint32_t hi = static_cast<std::uint32_t>(std::min(254, F::emax + 3 + 127) + 1) << 23;
    for (std::uint32_t sign : {0u, 0x80000000u}) {
      for (std::uint32_t a = lo; a < hi; ++a) bad += check_one<F, Mode, float>(sign | a, a, cases);
      for (std::uint32_t a : {0u, 1u, 0x7F800000u, 0x7F800001u, 0x7FC00000u})
        bad += check_one<F, Mode, float>(sign | a, a, cases);
    }
    std::printf("%s %s every float: %llu cases, %llu mismatches\n", name, mode_name<Mode>(), (unsigned long long)cases,
                (unsigned long long)bad);
    CHECK(bad == 0);
  };
  std::apply([&](auto... modes) { (one(modes), ...); }, all_modes{});
}

using binary16_ftz = cfloat<5, 10, round::nearest_even, encoding::ieee_ftz>;
using e5m2_ftz = cfloat<5, 2, round::nearest_even, encoding::ieee_ftz>;
using c69 = cfloat<6, 9>;
using c710 = cfloat<7, 10>;
using c32 = cfloat<3, 2>;
using c21fn = cfloat<2, 1, round::nearest_even, encoding::fn>;
using e5m2_fnsat = cfloat<5, 2, round::nearest_even, encoding::fn_satfinite>;

}  // namespace

#define FLOATLAB_ENCODE_BITS_CASE(T) \
  TEST_CASE("encode_bits equals encode_from: " #T, "[fast_path][encode]") { check_format<T>(#T); }
FLOATLAB_ENCODE_BITS_CASE(binary16)
FLOATLAB_ENCODE_BITS_CASE(bfloat16)
FLOATLAB_ENCODE_BITS_CASE(e5m2)
FLOATLAB_ENCODE_BITS_CASE(e4m3)
FLOATLAB_ENCODE_BITS_CASE(c69)
FLOATLAB_ENCODE_BITS_CASE(c710)
FLOATLAB_ENCODE_BITS_CASE(e4m3fnuz)
FLOATLAB_ENCODE_BITS_CASE(e5m2fnuz_sat)
FLOATLAB_ENCODE_BITS_CASE(e4m3_sat)
FLOATLAB_ENCODE_BITS_CASE(e5m2_fnsat)
FLOATLAB_ENCODE_BITS_CASE(binary16_ftz)
FLOATLAB_ENCODE_BITS_CASE(e5m2_ftz)
FLOATLAB_ENCODE_BITS_CASE(e3m2)
FLOATLAB_ENCODE_BITS_CASE(c32)
FLOATLAB_ENCODE_BITS_CASE(c21fn)
FLOATLAB_ENCODE_BITS_CASE(e2m1)

#define FLOATLAB_ENCODE_BITS_FULL(T)                                                             \
  TEST_CASE("encode_bits equals encode_from on every float: " #T, "[fast_path][encode][full]") { \
    check_every_float<T>(#T);                                                                    \
  }
FLOATLAB_ENCODE_BITS_FULL(binary16)
FLOATLAB_ENCODE_BITS_FULL(bfloat16)
FLOATLAB_ENCODE_BITS_FULL(e5m2)
FLOATLAB_ENCODE_BITS_FULL(e4m3)
FLOATLAB_ENCODE_BITS_FULL(c69)
FLOATLAB_ENCODE_BITS_FULL(e4m3fnuz)

// Every operand pair of binary16 and bfloat16 through the public API (the fast paths that
// now encode with encode_bits: the float TwoSum path, and bfloat16 * / in the double path)
// against the integer kernels plus round_pack, in the directed modes, nearest_away and odd.
// [full]: 2^32 pairs per format, op and mode (binary16 upward + - * / is also in
// test_fast_paths' [full] tier).
namespace {
template <class T, class Mode>
std::uint64_t all_pairs_vs_kernel(int op) {
  using F = typename T::format_type;
  using namespace floatlab::detail;
  std::uint64_t bad = 0;
  for (std::uint32_t a = 0; a < 65536; ++a) {
    const T x = T::from_bits(static_cast<typename F::storage>(a));
    const unpacked ua = unpack<F>(a);
    for (std::uint32_t b = 0; b < 65536; ++b) {
      const T y = T::from_bits(static_cast<typename F::storage>(b));
      const unpacked ub = unpack<F>(b);
      std::uint64_t got, want;
      if (op == 0) {
        got = add(x, y, Mode{}).bits();
        want = finish<F, Mode>(floatlab::detail::add<Mode>(ua, ub), 0);
      } else if (op == 1) {
        got = mul(x, y, Mode{}).bits();
        want = finish<F, Mode>(floatlab::detail::mul(ua, ub), 0);
      } else {
        got = div(x, y, Mode{}).bits();
        want = finish<F, Mode>(floatlab::detail::div(ua, ub), 0);
      }
      bad += got != want;
    }
  }
  return bad;
}
template <class T>
void all_pairs_directed(const char* name) {
  auto one = [&](auto mode_tag) {
    using Mode = decltype(mode_tag);
    for (int op = 0; op < 3; ++op) {
      const std::uint64_t bad = all_pairs_vs_kernel<T, Mode>(op);
      std::printf("%s %s op %d: 2^32 pairs, %llu mismatches\n", name, mode_name<Mode>(), op, (unsigned long long)bad);
      CHECK(bad == 0);
    }
  };
  std::apply([&](auto... modes) { (one(modes), ...); },
             std::tuple<round::toward_zero, round::upward, round::downward, round::nearest_away, round::odd>{});
}
}  // namespace

TEST_CASE("every pair of binary16 in the directed modes: API vs kernel", "[fast_path][encode][full]") {
  all_pairs_directed<binary16>("binary16");
}
TEST_CASE("every pair of bfloat16 in the directed modes: API vs kernel", "[fast_path][encode][full]") {
  all_pairs_directed<bfloat16>("bfloat16");
}
// One format, mode and op of the above by name (to run a part by hand):
//   test_encode_bits "one directed pair sweep" with FLOATLAB_PAIRS=FMT-MODE-OP, FMT one of
//   b16, bf16, c69 (cfloat<6,9>), MODE one of rz, up, down, away, odd, OP one of add, mul, div
//   (e.g. bf16-rz-mul, the default).
namespace {
template <class T>
std::uint64_t one_sweep(const std::string& mode, int op) {
  if (mode == "rz") return all_pairs_vs_kernel<T, round::toward_zero>(op);
  if (mode == "up") return all_pairs_vs_kernel<T, round::upward>(op);
  if (mode == "down") return all_pairs_vs_kernel<T, round::downward>(op);
  if (mode == "away") return all_pairs_vs_kernel<T, round::nearest_away>(op);
  if (mode == "odd") return all_pairs_vs_kernel<T, round::odd>(op);
  return ~std::uint64_t{0};
}
}  // namespace
TEST_CASE("one directed pair sweep", "[fast_path][encode][full]") {
  const char* env = std::getenv("FLOATLAB_PAIRS");
  const std::string which = env ? env : "bf16-rz-mul";
  const auto d1 = which.find('-'), d2 = which.rfind('-');
  std::uint64_t bad = ~std::uint64_t{0};
  if (d1 != std::string::npos && d2 > d1) {
    const std::string fmt = which.substr(0, d1), mode = which.substr(d1 + 1, d2 - d1 - 1), op_s = which.substr(d2 + 1);
    const int op = op_s == "add" ? 0 : op_s == "mul" ? 1 : op_s == "div" ? 2 : -1;
    if (op >= 0) {
      if (fmt == "b16") bad = one_sweep<binary16>(mode, op);
      if (fmt == "bf16") bad = one_sweep<bfloat16>(mode, op);
      if (fmt == "c69") bad = one_sweep<cfloat<6, 9>>(mode, op);
    }
  }
  std::printf("%s: 2^32 pairs, %llu mismatches\n", which.c_str(), (unsigned long long)bad);
  CHECK(bad == 0);
}

// word_stream (random.hpp) over philox_bulk_rng::fill draws philox_rng's words in its order:
// a loop of stochastic operations gives the same bits with either source (and the
// word_stream loop is one that vectorizes: tests/vectorize/loops.cpp).
namespace {
template <class T, class Mode>
std::uint64_t stream_vs_philox(std::size_t n, int op) {
  std::mt19937_64 gen(5);
  std::vector<T> a(n), b(n), c1(n), c2(n);
  for (std::size_t i = 0; i < n; ++i) {
    a[i] = T::from_bits(static_cast<typename T::storage_type>(gen()));
    b[i] = T::from_bits(static_cast<typename T::storage_type>(gen()));
  }
  philox_rng seq(77, 3);
  for (std::size_t i = 0; i < n; ++i) c1[i] = op == 0 ? add(a[i], b[i], Mode{}, seq) : mul(a[i], b[i], Mode{}, seq);
  philox_bulk_rng bulk(77, 3);
  std::vector<std::uint32_t> w(n);
  bulk.fill(w.data(), n);
  word_stream src{w.data()};
  for (std::size_t i = 0; i < n; ++i) c2[i] = op == 0 ? add(a[i], b[i], Mode{}, src) : mul(a[i], b[i], Mode{}, src);
  std::uint64_t bad = 0;
  for (std::size_t i = 0; i < n; ++i) bad += c1[i].bits() != c2[i].bits();
  return bad + (src.next != w.data() + n);
}
}  // namespace

TEST_CASE("word_stream over philox_bulk_rng::fill gives philox_rng's results", "[random][encode]") {
  CHECK(stream_vs_philox<binary16, round::stochastic<8>>(100003, 0) == 0);
  CHECK(stream_vs_philox<bfloat16, round::stochastic<16>>(100003, 1) == 0);
  CHECK(stream_vs_philox<e4m3, round::stochastic<4>>(100003, 0) == 0);
}
