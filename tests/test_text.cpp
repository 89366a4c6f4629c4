// text.hpp: to_chars / from_chars.
//   * every value of formats up to 16 bits: shortest decimal, hex and bit-pattern round trips;
//     the decimal reads back as x in MPFR too, and no decimal with one digit fewer does (MPFR);
//   * every rounding boundary (midpoints and neighbours, +- one part in 10^40) of the small
//     formats, in every mode, against mpfr_strtofr;
//   * random binary32/binary64: to_chars equals libstdc++'s std::to_chars (shortest, and
//     scientific/fixed with a precision), from_chars equals std::from_chars and MPFR on
//     random decimal strings in every mode, long digit strings near midpoints;
//   * malformed input: ec, ptr and value as std::from_chars<double> for the same bytes, from a
//     list and a seeded random-string driver (strings in exactly sized heap buffers, so ASan
//     sees any read past the end).
#include <catch2/catch.hpp>

#include <gmp.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <floatlab/text.hpp>

#include "support/mpfr_oracle.hpp"
#include "support/operands.hpp"

using namespace floatlab;

namespace {

[[maybe_unused]] std::uint64_t scaled(double n) {
  const double v = n * operands::test_scale();
  return v < 1 ? 1 : static_cast<std::uint64_t>(v);
}

// A string in a heap buffer of exactly its length (no terminator: reading past is an overflow).
struct exact_buffer {
  std::unique_ptr<char[]> p;
  std::size_t n;
  explicit exact_buffer(const std::string& s) : p(new char[s.size() ? s.size() : 1]), n(s.size()) {
    std::memcpy(p.get(), s.data(), s.size());
  }
  const char* begin() const { return p.get(); }
  const char* end() const { return p.get() + n; }
};

template <class T>
std::string str(T x, chars_format f = chars_format::general, int precision = -1) {
  char buf[4096];
  const auto r = to_chars(buf, buf + sizeof buf, x, f, precision);
  REQUIRE(r.ec == std::errc{});
  return std::string(buf, r.ptr);
}

template <class T, class... A>
std::from_chars_result parse(const std::string& s, T& x, A&&... a) {
  exact_buffer b(s);
  auto r = from_chars(b.begin(), b.end(), x, std::forward<A>(a)...);
  return {s.data() + (r.ptr - b.begin()), r.ec};
}

// MPFR reading of a decimal string into the format of ref, in mode m (round to odd at 256
// bits first: holds every bit that matters, as the oracle's arithmetic does).
std::uint64_t mpfr_read(oracle::reference& ref, const std::string& s, oracle::mode m, int R = 0, std::uint32_t w = 0) {
  mpfr_ptr z = ref.result();
  char* end = nullptr;
  const int t = mpfr_strtofr(z, s.c_str(), &end, 10, MPFR_RNDZ);
  if (t != 0 && mpfr_number_p(z) && !mpfr_zero_p(z)) {
    mpz_t sig;
    mpz_init(sig);
    mpfr_get_z_2exp(sig, z);
    if (!mpz_odd_p(sig)) {
      if (t < 0) mpfr_nextabove(z);
      else mpfr_nextbelow(z);
    }
    mpz_clear(sig);
  }
  return ref.round(m, R, w);
}

// IEEE overflow of the value last read by mpfr_read: rounded to p bits with an unbounded
// exponent, it exceeds the largest finite value (then from_chars reports out of range).
bool mpfr_overflows(oracle::reference& ref, oracle::mode m) {
  const auto& f = ref.format();
  mpfr_t u, mx;
  mpfr_inits2(f.M + 1, u, (mpfr_ptr)nullptr);
  mpfr_init2(mx, 80);
  mpfr_abs(mx, ref.result(), MPFR_RNDN);  // 256 bits: exact
  const bool neg = mpfr_signbit(ref.result()) != 0;
  mpfr_rnd_t rnd = MPFR_RNDZ;
  if (m == oracle::mode::nearest_even) rnd = MPFR_RNDN;
  if (m == oracle::mode::upward) rnd = neg ? MPFR_RNDZ : MPFR_RNDA;
  if (m == oracle::mode::downward) rnd = neg ? MPFR_RNDA : MPFR_RNDZ;
  const int t = mpfr_set(u, ref.result(), rnd);
  mpfr_abs(u, u, MPFR_RNDN);
  if (m == oracle::mode::odd && t != 0) {
    mpz_t sig;
    mpz_init(sig);
    mpfr_get_z_2exp(sig, u);
    if (!mpz_odd_p(sig)) mpfr_nextabove(u);
    mpz_clear(sig);
  }
  ref.decode(ref.max_finite_bits(), mx);
  const bool over = mpfr_number_p(ref.result()) && mpfr_cmp(u, mx) > 0;
  mpfr_clears(u, mx, (mpfr_ptr)nullptr);
  return over;
}

template <class T>
bool same_value(T a, T b) {
  if (isnan(a) || isnan(b)) return isnan(a) && isnan(b);
  return a.bits() == b.bits() || (is_zero(a) && is_zero(b) && signbit(a) == signbit(b));
}

// Decimal digits of |v| at n significant digits, rounded in rnd, as "0.ddd" "e" exp.
std::string mpfr_digits(mpfr_srcptr v, int n, mpfr_rnd_t rnd) {
  mpfr_exp_t e = 0;
  char* s = mpfr_get_str(nullptr, &e, 10, n, v, rnd);
  std::string r = s;
  mpfr_free_str(s);
  const bool neg = !r.empty() && r[0] == '-';
  if (neg) r.erase(0, 1);
  return std::string(neg ? "-" : "") + "0." + r + "e" + std::to_string(static_cast<long>(e));
}

struct counts {
  std::uint64_t values = 0, shortest_checked = 0, mpfr = 0;
};

template <class T>
void exhaustive_round_trip(counts& c) {
  using F = typename T::format_type;
  using Rt = round_trip_mode_t<typename T::rounding_mode>;
  oracle::reference ref(oracle::format_desc::of<F>());
  const oracle::mode m = oracle::mode_of<Rt>();
  mpfr_t xv;
  mpfr_init2(xv, 80);
  std::uint64_t bad = 0;
  for (std::uint64_t b = 0; b <= (F::sign_mask | F::magnitude_mask); ++b) {
    const T x = T::from_bits(static_cast<typename F::storage>(b));
    const std::string s = str(x);
    T y{};
    auto r = parse(s, y, Rt{});
    ++c.values;
    if (r.ec != std::errc{} || r.ptr != s.data() + s.size() || !same_value(x, y)) {
      if (bad++ < 5) FAIL_CHECK(ref.format().name() << " bits " << b << " printed " << s << " read back " << y.bits());
      continue;
    }
    // Hex and raw bits round trip as well.
    T h{}, rb{};
    const std::string hs = str(x, chars_format::hex), bs = str(x, chars_format::bits);
    CHECK((parse(hs, h, chars_format::hex, Rt{}).ec == std::errc{} && same_value(x, h)));
    CHECK((parse(bs, rb, chars_format::bits).ec == std::errc{} && rb.bits() == x.bits()));
    if (!isfinite(x) || is_zero(x)) continue;
    // MPFR reads the same string as x.
    ++c.mpfr;
    if (mpfr_read(ref, s, m) != x.bits()) {
      if (bad++ < 5) FAIL_CHECK(ref.format().name() << " MPFR reads " << s << " differently");
    }
    // Shortest (scientific form shows the shortest digits; the default picks %f style
    // when that is no longer, e.g. 4112): they read as x, and neither neighbour with one
    // significant digit fewer does (MPFR).
    const std::string sci = str(x, chars_format::scientific);
    T ys{};
    CHECK((parse(sci, ys, Rt{}).ec == std::errc{} && same_value(x, ys)));
    const std::string mant = sci.substr(0, sci.find('e'));
    std::size_t sig = 0;
    for (char ch : mant) sig += ch >= '0' && ch <= '9';
    if (sig > 1) {
      ref.decode(x.bits(), xv);
      for (mpfr_rnd_t rnd : {MPFR_RNDD, MPFR_RNDU}) {
        const std::string shorter = mpfr_digits(xv, static_cast<int>(sig - 1), rnd);
        ++c.mpfr;
        if (mpfr_read(ref, shorter, m) == x.bits() && !mpfr_overflows(ref, m)) {
          if (bad++ < 5) FAIL_CHECK(ref.format().name() << ": " << shorter << " is shorter than " << s << " and reads as x");
        }
      }
      ++c.shortest_checked;
    }
  }
  mpfr_clear(xv);
  std::printf("%s (%s): %llu values round-trip\n", ref.format().name().c_str(), oracle::mode_name(m),
              (unsigned long long)((F::sign_mask | F::magnitude_mask) + 1));
  REQUIRE(bad == 0);
}

// Every boundary of a small format (midpoints, and the values themselves for directed modes)
// +- 10^-40 relative, in every mode including stochastic with random words.
template <class T>
void boundaries(counts& c) {
  using F = typename T::format_type;
  oracle::reference ref(oracle::format_desc::of<F>());
  mpfr_t a, b, mid;
  mpfr_inits2(200, a, b, mid, (mpfr_ptr)nullptr);
  std::mt19937_64 rng(7);
  std::uint64_t bad = 0;
  const std::uint64_t mags = F::magnitude_mask + 1;
  for (std::uint64_t m = 0; m + 1 < mags; ++m) {
    if (ref.decode(m, a) == oracle::kind::nan || ref.decode(m + 1, b) != oracle::kind::number) continue;
    for (int which = 0; which < 2; ++which) {
      if (which == 0) {
        mpfr_add(mid, a, b, MPFR_RNDN);
        mpfr_div_2ui(mid, mid, 1, MPFR_RNDN);
      } else {
        mpfr_set(mid, b, MPFR_RNDN);
      }
      // Exact decimal of the boundary (at most a few hundred digits for these formats).
      mpfr_exp_t e = 0;
      char* digs = mpfr_get_str(nullptr, &e, 10, 0, mid, MPFR_RNDN);
      std::string d = digs;
      mpfr_free_str(digs);
      // mpfr_get_str with n = 0 may round: ask for enough digits to be exact.
      digs = mpfr_get_str(nullptr, &e, 10, 120, mid, MPFR_RNDN);
      d = digs;
      mpfr_free_str(digs);
      while (d.size() > 1 && d.back() == '0') d.pop_back();
      const std::string base = "0." + d;
      std::string below = d;
      {  // d - 1 unit in the last place, then 9s: boundary - 10^-40 relative
        int i = static_cast<int>(below.size()) - 1;
        while (i >= 0 && below[i] == '0') below[i--] = '9';
        if (i >= 0) --below[i];
      }
      const std::string strings[] = {base + "e" + std::to_string((long)e),
                                     base + std::string(40, '0') + "1e" + std::to_string((long)e),
                                     "0." + below + std::string(40, '9') + "e" + std::to_string((long)e)};
      for (const std::string& s0 : strings) {
        for (int sign = 0; sign < 2; ++sign) {
          const std::string s = (sign ? "-" : "") + s0;
          auto check = [&](auto mode, int R, std::uint32_t w) {
            using Mode = decltype(mode);
            T x{};
            std::from_chars_result r{};
            if constexpr (is_stochastic_v<Mode>) r = parse(s, x, mode, fixed_word{w});
            else r = parse(s, x, mode);
            const std::uint64_t want = mpfr_read(ref, s, oracle::mode_of<Mode>(), R, w);
            ++c.mpfr;
            const bool in_range = !F::is_nan(want) && !F::is_inf(want) && !F::is_zero(want) &&
                                  (want & F::magnitude_mask) != F::max_finite_bits;
            const bool ok = r.ec == std::errc{} ? x.bits() == want : !in_range;
            if (!ok && bad++ < 5)
              FAIL_CHECK(ref.format().name() << " " << s << " mode " << oracle::mode_name(oracle::mode_of<Mode>())
                                             << " got " << x.bits() << " ec " << int(r.ec) << " want " << want);
          };
          check(round::nearest_even{}, 0, 0);
          check(round::nearest_away{}, 0, 0);
          check(round::toward_zero{}, 0, 0);
          check(round::upward{}, 0, 0);
          check(round::downward{}, 0, 0);
          check(round::odd{}, 0, 0);
          check(round::stochastic<5>{}, 5, static_cast<std::uint32_t>(rng()));
        }
      }
    }
  }
  mpfr_clears(a, b, mid, (mpfr_ptr)nullptr);
  REQUIRE(bad == 0);
}

}  // namespace

TEST_CASE("text: every value of every format up to 16 bits round-trips, shortest (MPFR)", "[text]") {
  counts c;
  exhaustive_round_trip<binary16>(c);
  exhaustive_round_trip<bfloat16>(c);
  exhaustive_round_trip<e4m3>(c);
  exhaustive_round_trip<cfloat<4, 3, round::nearest_even, encoding::fn_satfinite>>(c);
  exhaustive_round_trip<e5m2>(c);
  exhaustive_round_trip<e4m3fnuz>(c);
  exhaustive_round_trip<e5m2fnuz>(c);
  exhaustive_round_trip<e3m2>(c);
  exhaustive_round_trip<e2m3>(c);
  exhaustive_round_trip<e2m1>(c);
  exhaustive_round_trip<cfloat<6, 9>>(c);
  exhaustive_round_trip<cfloat<5, 10, round::nearest_even, encoding::ieee_ftz>>(c);
  exhaustive_round_trip<cfloat<5, 10, round::upward>>(c);
  exhaustive_round_trip<cfloat<8, 7, round::toward_zero>>(c);
  exhaustive_round_trip<cfloat<5, 2, round::odd>>(c);
  exhaustive_round_trip<cfloat<4, 3, round::stochastic<8>>>(c);
  std::printf("round trips: %llu values, shortest property checked for %llu, %llu MPFR readings\n",
              (unsigned long long)c.values, (unsigned long long)c.shortest_checked, (unsigned long long)c.mpfr);
}

TEST_CASE("text: every rounding boundary of small formats, all modes, vs mpfr_strtofr", "[text]") {
  counts c;
  boundaries<e4m3>(c);
  boundaries<e5m2>(c);
  boundaries<e2m1>(c);
  boundaries<e3m2>(c);
  boundaries<cfloat<4, 3, round::nearest_even, encoding::fn_satfinite>>(c);
  boundaries<e4m3fnuz>(c);
  boundaries<cfloat<4, 5, round::nearest_even, encoding::ieee_ftz>>(c);
  boundaries<cfloat<5, 6>>(c);
  std::printf("boundary strings: %llu MPFR comparisons\n", (unsigned long long)c.mpfr);
}

namespace {

template <class T, class D>
void random_vs_std(std::uint64_t n, std::uint64_t seed, counts& c) {
  using F = typename T::format_type;
  using U = std::conditional_t<sizeof(D) == 8, std::uint64_t, std::uint32_t>;
  std::mt19937_64 rng(seed);
  operands::generator<F> gen(seed + 1);
  std::uint64_t bad = 0;
  char a[1200], b[1200];
  for (std::uint64_t i = 0; i < n; ++i) {
    const U bits = static_cast<U>(i % 2 ? gen.operand() : rng());
    const D d = bit_cast<D>(bits);
    const T x = T::from_bits(bits);
    if (std::isnan(d)) continue;
    // Shortest: byte for byte what libstdc++ (Ryu) prints, in general, scientific and fixed.
    for (chars_format f : {chars_format::general, chars_format::scientific, chars_format::fixed}) {
      auto ra = to_chars(a, a + sizeof a, x, f);
      auto rb = f == chars_format::general ? std::to_chars(b, b + sizeof b, d)
                                           : std::to_chars(b, b + sizeof b, d, static_cast<std::chars_format>(f));
      ++c.values;
      if (std::string(a, ra.ptr) != std::string(b, rb.ptr) && bad++ < 5)
        FAIL_CHECK("to_chars " << std::string(a, ra.ptr) << " std " << std::string(b, rb.ptr));
    }
    // With a precision (printf %e / %f / %g / %a semantics).
    const int prec = static_cast<int>(rng() % 40);
    for (chars_format f : {chars_format::scientific, chars_format::general, chars_format::hex, chars_format::fixed}) {
      if (f == chars_format::fixed && std::fabs(d) > 1e30) continue;
      auto ra = to_chars(a, a + sizeof a, x, f, prec);
      auto rb = std::to_chars(b, b + sizeof b, d, static_cast<std::chars_format>(f), prec);
      ++c.values;
      if (std::string(a, ra.ptr) != std::string(b, rb.ptr) && bad++ < 5)
        FAIL_CHECK("precision " << prec << " fmt " << int(f) << ": " << std::string(a, ra.ptr) << " std "
                                << std::string(b, rb.ptr));
    }
    {  // shortest hex equals std's too
      auto ra = to_chars(a, a + sizeof a, x, chars_format::hex);
      auto rb = std::to_chars(b, b + sizeof b, d, std::chars_format::hex);
      if (std::string(a, ra.ptr) != std::string(b, rb.ptr) && bad++ < 5)
        FAIL_CHECK("hex " << std::string(a, ra.ptr) << " std " << std::string(b, rb.ptr));
    }
    // Round trip.
    T y{};
    auto ra = to_chars(a, a + sizeof a, x);
    auto pr = from_chars(a, ra.ptr, y);
    ++c.shortest_checked;
    if ((pr.ec != std::errc{} || pr.ptr != ra.ptr || !same_value(x, y)) && bad++ < 5)
      FAIL_CHECK("round trip " << std::string(a, ra.ptr));
  }
  REQUIRE(bad == 0);
}

// A random decimal string: 1..60 digits (sometimes 300-900), a point, an exponent spread
// over the format's range and beyond.
std::string random_decimal(std::mt19937_64& rng, int max_exp10) {
  std::string s;
  if (rng() % 2) s += '-';
  const int nd = rng() % 16 == 0 ? 300 + static_cast<int>(rng() % 600) : 1 + static_cast<int>(rng() % 60);
  const int point = static_cast<int>(rng() % (nd + 1));
  for (int i = 0; i < nd; ++i) {
    if (i == point) s += '.';
    // Runs of 0s and 9s make near-ties and near-carries common.
    const int k = static_cast<int>(rng() % 4);
    s += k == 0 ? '0' : k == 1 ? '9' : static_cast<char>('0' + rng() % 10);
  }
  const int e = static_cast<int>(rng() % (2 * max_exp10 + 1)) - max_exp10;
  s += 'e' + std::to_string(e);
  return s;
}

template <class T, class D>
void random_strings_vs_mpfr_and_std(std::uint64_t n, std::uint64_t seed, counts& c) {
  using F = typename T::format_type;
  oracle::reference ref(oracle::format_desc::of<F>());
  std::mt19937_64 rng(seed);
  std::uint64_t bad = 0;
  const int max_exp10 = sizeof(D) == 8 ? 360 : 60;
  for (std::uint64_t i = 0; i < n; ++i) {
    const std::string s = random_decimal(rng, max_exp10);
    // std::from_chars (nearest-even): value, ec and ptr.
    {
      T x{};
      D d = 0;
      exact_buffer buf(s);
      const auto r = from_chars(buf.begin(), buf.end(), x);
      const auto rs = std::from_chars(buf.begin(), buf.end(), d);
      ++c.mpfr;
      if ((r.ec != rs.ec || r.ptr != rs.ptr || (r.ec == std::errc{} && !same_value(x, T::from_bits(bit_cast<decltype(x.bits())>(d))))) &&
          bad++ < 5)
        FAIL_CHECK("vs std::from_chars: " << s);
    }
    // MPFR in every mode.
    auto check = [&](auto mode, int R, std::uint32_t w) {
      using Mode = decltype(mode);
      T x{};
      std::from_chars_result r{};
      if constexpr (is_stochastic_v<Mode>) r = parse(s, x, mode, fixed_word{w});
      else r = parse(s, x, mode);
      const std::uint64_t want = mpfr_read(ref, s, oracle::mode_of<Mode>(), R, w);
      const bool over = mpfr_overflows(ref, oracle::mode_of<Mode>());
      ++c.mpfr;
      const bool in_range = !(F::is_zero(want) && !mpfr_zero_p(ref.result())) && !over;
      const bool ok = in_range ? (r.ec == std::errc{} && x.bits() == want) : (r.ec == std::errc::result_out_of_range);
      if (!ok && bad++ < 5)
        FAIL_CHECK(s << " mode " << oracle::mode_name(oracle::mode_of<Mode>()) << " got " << x.bits() << " ec "
                     << int(r.ec) << " want " << want);
    };
    {
      check(round::nearest_even{}, 0, 0);
      check(round::nearest_away{}, 0, 0);
      check(round::toward_zero{}, 0, 0);
      check(round::upward{}, 0, 0);
      check(round::downward{}, 0, 0);
      check(round::odd{}, 0, 0);
      check(round::stochastic<32>{}, 32, static_cast<std::uint32_t>(rng()));
      check(round::stochastic<3>{}, 3, static_cast<std::uint32_t>(rng()));
    }
  }
  REQUIRE(bad == 0);
}

// Midpoints of random neighbours, exactly and +- 10^-(20..400) relative, in every mode.
template <class T>
void long_midpoints(std::uint64_t n, std::uint64_t seed, counts& c) {
  using F = typename T::format_type;
  oracle::reference ref(oracle::format_desc::of<F>());
  operands::generator<F> gen(seed);
  std::mt19937_64 rng(seed);
  mpfr_t a, b, mid;
  mpfr_inits2(300, a, b, mid, (mpfr_ptr)nullptr);
  std::uint64_t bad = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    const std::uint64_t m = gen.operand() & F::magnitude_mask;
    if (ref.decode(m, a) != oracle::kind::number && ref.decode(m, a) != oracle::kind::zero) continue;
    if (ref.decode(m + 1, b) != oracle::kind::number) continue;
    mpfr_add(mid, a, b, MPFR_RNDN);
    mpfr_div_2ui(mid, mid, 1, MPFR_RNDN);
    mpfr_exp_t e = 0;
    char* digs = mpfr_get_str(nullptr, &e, 10, 800, mid, MPFR_RNDN);  // exact: < 800 digits
    std::string d = digs;
    mpfr_free_str(digs);
    while (d.size() > 1 && d.back() == '0') d.pop_back();
    const std::string pad(20 + rng() % 380, rng() % 2 ? '0' : '9');
    std::string s = "0." + d;
    const int kind = static_cast<int>(rng() % 3);
    if (kind == 1) s += pad + "1";
    if (kind == 2) {  // just below: decrement and append nines
      int j = static_cast<int>(s.size()) - 1;
      while (s[j] == '0') s[j--] = '9';
      --s[j];
      s += std::string(pad.size(), '9');
    }
    s += "e" + std::to_string(static_cast<long>(e));
    if (rng() % 2) s = "-" + s;
    auto check = [&](auto mode) {
      using Mode = decltype(mode);
      T x{};
      const auto r = parse(s, x, mode);
      const std::uint64_t want = mpfr_read(ref, s, oracle::mode_of<Mode>());
      const bool over = mpfr_overflows(ref, oracle::mode_of<Mode>());
      ++c.mpfr;
      const bool in_range = !(F::is_zero(want) && !mpfr_zero_p(ref.result())) && !over;
      const bool ok = in_range ? (r.ec == std::errc{} && x.bits() == want) : (r.ec == std::errc::result_out_of_range);
      if (!ok && bad++ < 5) FAIL_CHECK(s << " mode " << oracle::mode_name(oracle::mode_of<Mode>()));
    };
    check(round::nearest_even{});
    check(round::nearest_away{});
    check(round::toward_zero{});
    check(round::upward{});
    check(round::downward{});
    check(round::odd{});
  }
  mpfr_clears(a, b, mid, (mpfr_ptr)nullptr);
  REQUIRE(bad == 0);
}

}  // namespace

TEST_CASE("text: random binary32/binary64 print as std::to_chars and round-trip", "[text]") {
  counts c;
  random_vs_std<binary64, double>(scaled(150000), 11, c);
  random_vs_std<binary32, float>(scaled(150000), 12, c);
  std::printf("std::to_chars comparisons: %llu, round trips: %llu\n", (unsigned long long)c.values,
              (unsigned long long)c.shortest_checked);
}

TEST_CASE("text: random decimal strings vs std::from_chars and MPFR in every mode", "[text]") {
  counts c;
  random_strings_vs_mpfr_and_std<binary64, double>(scaled(60000), 21, c);
  random_strings_vs_mpfr_and_std<binary32, float>(scaled(60000), 22, c);
  long_midpoints<binary64>(scaled(20000), 23, c);
  long_midpoints<binary32>(scaled(20000), 24, c);
  long_midpoints<binary16>(scaled(20000), 25, c);
  std::printf("decimal strings: %llu comparisons with std::from_chars / mpfr_strtofr\n", (unsigned long long)c.mpfr);
}

namespace {

void compare_with_std(const std::string& s, chars_format f, std::uint64_t& bad) {
  exact_buffer buf(s);
  binary64 x = binary64::from_bits(0x4045000000000000);  // 42: must stay unmodified on errors
  double d = 42;
  const auto r = from_chars(buf.begin(), buf.end(), x, f);
  const auto rs = std::from_chars(buf.begin(), buf.end(), d, static_cast<std::chars_format>(f));
  const bool same = r.ec == rs.ec && r.ptr == rs.ptr &&
                    (std::isnan(d) ? isnan(x) : x.bits() == bit_cast<std::uint64_t>(d));
  if (!same && bad++ < 10)
    FAIL_CHECK("'" << s << "' fmt " << int(f) << ": ec " << int(r.ec) << " ptr " << (r.ptr - buf.begin()) << " std ec "
                   << int(rs.ec) << " ptr " << (rs.ptr - buf.begin()));
}

}  // namespace

TEST_CASE("text: malformed and edge inputs are handled as std::from_chars<double> does", "[text]") {
  const char* cases[] = {"", "-", "+1", " 1", ".", "-.", "1.", ".5", "-.5e1", "1e", "1e+", "1e-", "1e+5", "1E5",
                         "1.5e3x", "0x1p3", "0X1P3", "1p3", "inf", "-inf", "INF", "infinity", "-InFiNiTy", "infinit",
                         "infx", "in", "nan", "-nan", "NaN", "nan()", "nan(abc_123)", "nan(abc", "nan(a b)", "nan(-)",
                         "nanx", "na", "1e400", "-1e400", "1e-400", "2e-324", "3e-324", "2.4703282292062327e-324",
                         "2.4703282292062328e-324", "1.7976931348623157e308", "1.7976931348623158e308",
                         "1.797693134862315807937289714053e308", "1e-2147483649", "1e99999999999999999999",
                         "0e99999999999999999999", "0.0000e-999999", ".e1", "e1", "00012.5e-2", "1..2", "1.2.3", "--1",
                         "-+1", "1e++1", "1e5.5", "12345678901234567890123456789012345678901234567890", "0x", "1.8p",
                         "1.8p+", "1.8p+3", "ffp1", "-0", "0", "-0.0e0", "5e-324", "4.9406564584124654e-324"};
  std::uint64_t bad = 0, n = 0;
  for (const char* s : cases)
    for (chars_format f : {chars_format::general, chars_format::fixed, chars_format::scientific, chars_format::hex}) {
      compare_with_std(s, f, bad);
      ++n;
    }
  // Very long digit strings, overlong exponents.
  compare_with_std("1" + std::string(5000, '0') + "e-5000", chars_format::general, bad);
  compare_with_std("0." + std::string(5000, '0') + "1e5001", chars_format::general, bad);
  compare_with_std("1." + std::string(3000, '0') + "1", chars_format::general, bad);
  compare_with_std(std::string(400, '9'), chars_format::general, bad);
  compare_with_std("1e" + std::string(100, '9'), chars_format::general, bad);
  compare_with_std("1e-" + std::string(100, '9'), chars_format::general, bad);
  compare_with_std(std::string(100, '1') + "p-" + std::string(30, '9'), chars_format::hex, bad);
  std::printf("malformed/edge inputs: %llu compared with std::from_chars\n", (unsigned long long)n + 7);
  REQUIRE(bad == 0);
}

TEST_CASE("text: seeded random-string fuzzing (std::from_chars agreement, round trip, no overread)", "[text]") {
  const std::uint64_t n = scaled(300000);
  std::mt19937_64 rng(20261201);
  const char alphabet[] = "0123456789012345678901234567890123456789..eE+-pPxXinfatyINFATYn()_ ";
  std::uint64_t bad = 0, accepted = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    std::string s;
    const std::size_t len = rng() % 32;
    for (std::size_t k = 0; k < len; ++k) s += alphabet[rng() % (sizeof alphabet - 1)];
    const chars_format formats[] = {chars_format::general, chars_format::fixed, chars_format::scientific,
                                    chars_format::hex};
    const chars_format f = formats[rng() % 4];
    compare_with_std(s, f, bad);
    // Accepted strings round-trip through to_chars in several formats.
    exact_buffer buf(s);
    binary64 x{};
    bfloat16 h{};
    if (from_chars(buf.begin(), buf.end(), x, f).ec == std::errc{}) {
      ++accepted;
      binary64 y{};
      const std::string t = str(x);
      if ((parse(t, y).ec != std::errc{} || !same_value(x, y)) && bad++ < 10) FAIL_CHECK("round trip of " << s);
    }
    if (from_chars(buf.begin(), buf.end(), h, f, round::upward{}).ec == std::errc{}) {
      bfloat16 y{};
      const std::string t = str(h);
      if ((parse(t, y).ec != std::errc{} || !same_value(h, y)) && bad++ < 10) FAIL_CHECK("bfloat16 round trip of " << s);
    }
  }
  std::printf("fuzz: %llu random strings, %llu accepted\n", (unsigned long long)n, (unsigned long long)accepted);
  REQUIRE(bad == 0);
}

TEST_CASE("text: first impressions (issue 8): parsing is correctly rounded, not through double", "[text]") {
  const std::string s = "1.00048828125000000000000000001";
  binary16 h{};
  REQUIRE(parse(s, h).ec == std::errc{});
  CHECK(h.bits() == 0x3c01);                            // 1.0009765625, the correctly rounded value
  CHECK(binary16{std::stod(s)}.bits() == 0x3c00);       // what double rounding gave
  CHECK(str(h) == "1.001");
  CHECK(str(h, chars_format::scientific, 10) == "1.0009765625e+00");
  CHECK(str(h, chars_format::hex) == "1.004p+0");
  CHECK(str(h, chars_format::bits) == "0x3c01");
  // Saturating and non-saturating OCP e4m3: out of range is reported, x unmodified.
  e4m3 a = e4m3::from_bits(0x38);
  CHECK(parse("1000", a).ec == std::errc::result_out_of_range);
  CHECK(a.bits() == 0x38);
  CHECK(parse("450", a).ec == std::errc{});
  CHECK(double(a) == 448);
  // Stochastic reading decides on the exact value: 1 + 2^-11 + tiny with the smallest word
  // that rounds up.
  binary16 st{};
  REQUIRE(parse("1.000488281250000000000000000001", st, round::stochastic<8>{}, fixed_word{0x80000000u}).ec ==
          std::errc{});
  CHECK(st.bits() == 0x3c01);
  REQUIRE(parse("1.000488281249999999999999999999", st, round::stochastic<8>{}, fixed_word{0x7f000000u}).ec ==
          std::errc{});
  CHECK(st.bits() == 0x3c00);
  // fixed<16, 8>: shortest, rounding, and out of range.
  fixed<16, 8> q{};
  REQUIRE(parse("3.14159", q).ec == std::errc{});
  CHECK(q.raw() == 804);  // round(3.14159 * 256)
  CHECK(str(q) == "3.14");
  CHECK(parse("200", q).ec == std::errc::result_out_of_range);
  CHECK(parse("-128", q).ec == std::errc{});
  CHECK(q.raw() == -32768);
  char small[2];
  CHECK(to_chars(small, small + 2, binary64{0.1}).ec == std::errc::value_too_large);
}

TEST_CASE("text: expansion<2, double> and expansion<3, float>: exact printing, nearest reading (MPFR)", "[text]") {
  const std::uint64_t n = scaled(20000);
  std::mt19937_64 rng(31);
  mpfr_t ex, t, a;
  mpfr_inits2(2400, ex, t, a, (mpfr_ptr)nullptr);
  std::uint64_t bad = 0, checks = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    // A normalized double-double: hi random, lo below half an ulp of hi.
    const double hi = std::ldexp(static_cast<double>(rng() >> 11) / 9007199254740992.0 + 0.5,
                                 static_cast<int>(rng() % 1200) - 600) * (rng() % 2 ? -1 : 1);
    const double lo = std::ldexp(static_cast<double>(rng() >> 11) / 9007199254740992.0 - 0.5, std::ilogb(hi) - 53);
    const auto x = renormalize(expansion<2, double>::from_terms(hi, lo));
    mpfr_set_d(ex, x[0], MPFR_RNDN);
    mpfr_add_d(ex, ex, x[1], MPFR_RNDN);  // exact at 2400 bits
    // Scientific with 45 digits equals MPFR's correctly rounded digits of the exact sum.
    char buf[4000];
    auto r = to_chars(buf, buf + sizeof buf, x, chars_format::scientific, 44);
    const std::string ours(buf, r.ptr);
    mpfr_exp_t e = 0;
    char* digs = mpfr_get_str(nullptr, &e, 10, 45, ex, MPFR_RNDN);
    std::string m = digs;
    mpfr_free_str(digs);
    const bool mneg = m[0] == '-';
    if (mneg) m.erase(0, 1);
    const long e10 = static_cast<long>(e) - 1;
    char eb[32];
    std::snprintf(eb, sizeof eb, "e%c%02ld", e10 < 0 ? '-' : '+', e10 < 0 ? -e10 : e10);
    const std::string want = std::string(mneg ? "-" : "") + m.substr(0, 1) + "." + m.substr(1) + eb;
    ++checks;
    if (ours != want && bad++ < 5) FAIL_CHECK("expansion digits " << ours << " MPFR " << want);
    // Shortest round trip.
    r = to_chars(buf, buf + sizeof buf, x);
    expansion<2, double> y;
    const auto pr = from_chars(buf, r.ptr, y);
    ++checks;
    if ((pr.ec != std::errc{} || y[0] != x[0] || y[1] != x[1]) && bad++ < 5)
      FAIL_CHECK("expansion round trip " << std::string(buf, r.ptr));
  }
  // Reading random decimals: t0 = RN(x), t1 = RN(x - t0) on the exact value (MPFR).
  for (std::uint64_t i = 0; i < n; ++i) {
    const std::string s = random_decimal(rng, 300);
    mpfr_strtofr(ex, s.c_str(), nullptr, 10, MPFR_RNDN);  // 2400 bits: beyond every tie here
    expansion<2, double> y;
    exact_buffer b(s);
    const auto r = from_chars(b.begin(), b.end(), y);
    if (r.ec != std::errc{}) continue;
    const double t0 = mpfr_get_d(ex, MPFR_RNDN);
    mpfr_sub_d(t, ex, t0, MPFR_RNDN);
    const double t1 = mpfr_get_d(t, MPFR_RNDN);
    ++checks;
    if ((y[0] != t0 || y[1] != t1) && std::fpclassify(t1) != FP_SUBNORMAL && bad++ < 5)
      FAIL_CHECK("expansion reading of " << s);
    expansion<3, float> z;
    if (from_chars(b.begin(), b.end(), z).ec != std::errc{}) continue;
    mpfr_set_prec(a, 24);
    mpfr_set(a, ex, MPFR_RNDN);
    const float f0 = mpfr_get_flt(a, MPFR_RNDN);
    mpfr_sub(t, ex, a, MPFR_RNDN);
    mpfr_set(a, t, MPFR_RNDN);
    const float f1 = mpfr_get_flt(a, MPFR_RNDN);
    mpfr_sub(t, t, a, MPFR_RNDN);
    const float f2 = mpfr_get_flt(t, MPFR_RNDN);
    mpfr_set_prec(a, 2400);
    ++checks;
    if ((z[0] != f0 || z[1] != f1 || z[2] != f2) && std::fabs(f0) > 1e-20f && std::fabs(f0) < 1e30f && bad++ < 5)
      FAIL_CHECK("expansion<3, float> reading of " << s);
  }
  mpfr_clears(ex, t, a, (mpfr_ptr)nullptr);
  std::printf("expansions: %llu checks against MPFR\n", (unsigned long long)checks);
  REQUIRE(bad == 0);
}
