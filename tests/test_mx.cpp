// Tests of floatlab/mx.hpp against the OCP MX v1.0 rules, case by case, and against an
// exact reference: element values decoded here from the spec's definitions, scales from
// std::ilogb, rounding by searching the element's value set, dot products in MPFR.
#include <catch2/catch.hpp>
#include <gmp.h>
#include <mpfr.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include <floatlab/mx.hpp>

#include "support/mpfr_value.hpp"

namespace fl = floatlab;
namespace mx = floatlab::mx;
using fl::array_view;

namespace {

// The spec's element definitions (OCP MX v1.0 section 5.3; OFP8 for FP8), written out.
struct spec_element {
  int e, m, bias;
  enum kind_t { e4m3, e5m2, finite, int8 } kind;
  int emax;        // emax_elem, from the spec's tables
  double max;      // largest normal
};
const spec_element spec_e4m3{4, 3, 7, spec_element::e4m3, 8, 448.0};
const spec_element spec_e5m2{5, 2, 15, spec_element::e5m2, 15, 57344.0};
const spec_element spec_e3m2{3, 2, 3, spec_element::finite, 4, 28.0};
const spec_element spec_e2m3{2, 3, 1, spec_element::finite, 2, 7.5};
const spec_element spec_e2m1{2, 1, 1, spec_element::finite, 2, 6.0};
const spec_element spec_int8{0, 0, 0, spec_element::int8, 0, 127.0 / 64};

template <class Fmt> const spec_element& spec_of();
template <> const spec_element& spec_of<mx::mxfp8_e4m3>() { return spec_e4m3; }
template <> const spec_element& spec_of<mx::mxfp8_e5m2>() { return spec_e5m2; }
template <> const spec_element& spec_of<mx::mxfp6_e3m2>() { return spec_e3m2; }
template <> const spec_element& spec_of<mx::mxfp6_e2m3>() { return spec_e2m3; }
template <> const spec_element& spec_of<mx::mxfp4_e2m1>() { return spec_e2m1; }
template <> const spec_element& spec_of<mx::mxint8>() { return spec_int8; }

int code_count(const spec_element& s) { return s.kind == spec_element::int8 ? 256 : 1 << (1 + s.e + s.m); }

double spec_value(const spec_element& s, unsigned code) {
  if (s.kind == spec_element::int8) return static_cast<std::int8_t>(code) / 64.0;
  const unsigned sign = code >> (s.e + s.m), field = (code >> s.m) & ((1u << s.e) - 1), frac = code & ((1u << s.m) - 1);
  if (s.kind == spec_element::e4m3 && field == 15 && frac == 7) return std::numeric_limits<double>::quiet_NaN();
  if (s.kind == spec_element::e5m2 && field == 31)
    return frac ? std::numeric_limits<double>::quiet_NaN() : (sign ? -1.0 : 1.0) * std::numeric_limits<double>::infinity();
  const double mag = field == 0 ? std::ldexp(frac, 1 - s.bias - s.m) : std::ldexp((1u << s.m) + frac, static_cast<int>(field) - s.bias - s.m);
  return sign ? -mag : mag;
}

// Reference rounding of an exact v to the element (saturating), by search over the
// nonnegative finite values. Returns the value; ties to the even code.
enum class rmode { ne, tz, up, dn, sto };
double ref_element(const spec_element& s, double v, rmode mode, int R = 0, std::uint32_t word = 0) {
  std::vector<std::pair<double, unsigned>> vals;
  const int half = s.kind == spec_element::int8 ? 128 : code_count(s) / 2;
  for (int c = 0; c < half; ++c) {
    const double x = spec_value(s, static_cast<unsigned>(c));
    if (std::isfinite(x)) vals.emplace_back(x, static_cast<unsigned>(c));
  }
  std::sort(vals.begin(), vals.end());
  const double a = std::fabs(v);
  double r;
  if (a >= vals.back().first) {
    r = vals.back().first;  // spec 6.3: clamp to the largest normal
  } else {
    auto hi = std::lower_bound(vals.begin(), vals.end(), std::make_pair(a, 0u));
    if (hi->first == a) {
      r = a;
    } else {
      auto lo = hi - 1;
      const double frac = (a - lo->first) / (hi->first - lo->first);  // exact: the gap is a power of two
      bool up = false;
      switch (mode) {
        case rmode::ne: up = frac > 0.5 || (frac == 0.5 && (hi->second & 1) == 0); break;
        case rmode::tz: up = false; break;
        case rmode::up: up = v > 0; break;
        case rmode::dn: up = v < 0; break;
        case rmode::sto: up = std::floor(std::ldexp(frac, R)) + (word >> (32 - R)) >= std::ldexp(1.0, R); break;
      }
      r = up ? hi->first : lo->first;
    }
  }
  return std::signbit(v) ? -r : r;
}

// Spec 6.3 scale, independently: floor(log2 max) by std::ilogb.
int ref_scale_byte(const std::vector<float>& v, std::size_t begin, std::size_t end, int emax_elem) {
  double m = 0;
  for (std::size_t i = begin; i < end; ++i) {
    if (!std::isfinite(v[i])) return 0xFF;
    m = std::max(m, std::fabs(static_cast<double>(v[i])));
  }
  if (m == 0) return 0;
  return std::clamp(std::ilogb(m) - emax_elem, -127, 127) + 127;
}

template <class T>
array_view<const T> cview(const std::vector<T>& v) { return {v.data(), v.size()}; }
template <class T>
array_view<T> view(std::vector<T>& v) { return {v.data(), v.size()}; }

std::vector<float> random_vector(std::mt19937_64& g, std::size_t n) {
  std::vector<float> v(n);
  std::normal_distribution<float> d(0.0f, 1.0f);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t blk = i / 32;
    const int spread = static_cast<int>((blk * 7919) % 40) - 20;  // each block its own range
    switch (g() % 10) {
      case 0: v[i] = 0.0f; break;
      case 1: v[i] = std::ldexp(static_cast<float>(g() % 16) - 8.0f, spread - 3); break;  // on element grids
      default: v[i] = d(g) * std::ldexp(1.0f, spread + static_cast<int>(g() % 12) - 6);
    }
  }
  return v;
}

// MPFR: x * 2^e (x exact in mpfr f) rounded once to binary32 (MPFR manual recipe).
float ref_to_float(mpfr_ptr f, long e) {
  mpfr_mul_2si(f, f, e, MPFR_RNDN);  // exact at f's precision
  floatlab_test::mpfr_value r(24);
  int t = mpfr_set(r, f, MPFR_RNDN);
  const auto emin = mpfr_get_emin(), emax = mpfr_get_emax();
  mpfr_set_emin(-148);
  mpfr_set_emax(128);
  t = mpfr_check_range(r, t, MPFR_RNDN);
  mpfr_subnormalize(r, t, MPFR_RNDN);
  const float out = mpfr_get_flt(r, MPFR_RNDN);
  mpfr_set_emin(emin);
  mpfr_set_emax(emax);
  return out;
}

template <class Fmt, class Mode>
void check_quantize(rmode id, int R) {
  const spec_element& s = spec_of<Fmt>();
  std::mt19937_64 g(R * 31 + static_cast<int>(id) + s.e * 7 + s.m);
  for (int trial = 0; trial < 40; ++trial) {
    const std::size_t n = 32 * 8 + (trial % 3) * 5;  // a short last block too
    const auto v = random_vector(g, n);
    std::vector<std::uint8_t> el(n), sc((n + 31) / 32);
    std::vector<std::uint32_t> words(n);
    fl::philox_rng wr(trial);
    for (auto& w : words) w = wr();
    REQUIRE((mx::quantize<Fmt>(cview(v), view(el), view(sc), Mode{}, fl::philox_rng(trial))).ok());
    for (std::size_t k = 0; k < sc.size(); ++k) {
      const std::size_t begin = k * 32, end = std::min(n, begin + 32);
      REQUIRE(static_cast<int>(sc[k]) == ref_scale_byte(v, begin, end, s.emax));
      for (std::size_t i = begin; i < end; ++i) {
        const double scaled = std::ldexp(static_cast<double>(v[i]), -(sc[k] - 127));  // exact
        const double want = ref_element(s, scaled, id, R, words[i]);
        const double got = spec_value(s, el[i]);
        INFO("v=" << v[i] << " X=2^" << sc[k] - 127 << " scaled=" << scaled << " code=" << int(el[i]));
        REQUIRE(got == want);
        if (s.kind != spec_element::int8) REQUIRE(std::signbit(got) == std::signbit(want));
        // dequantize: X * P exactly in double, once rounded to float
        REQUIRE(mx::element_value<Fmt>(el[i], sc[k]) == std::ldexp(want, sc[k] - 127));
      }
    }
  }
}

}  // namespace

TEST_CASE("mx: element formats match the spec tables (emax_elem, largest normal, specials)", "[mx]") {
  CHECK(mx::mxfp8_e4m3::traits::emax_elem == 8);
  CHECK(mx::mxfp8_e5m2::traits::emax_elem == 15);
  CHECK(mx::mxfp6_e3m2::traits::emax_elem == 4);
  CHECK(mx::mxfp6_e2m3::traits::emax_elem == 2);
  CHECK(mx::mxfp4_e2m1::traits::emax_elem == 2);
  CHECK(mx::mxint8::traits::emax_elem == 0);
  CHECK(mx::mxfp8_e4m3::traits::max_value == 448.0);
  CHECK(mx::mxfp8_e5m2::traits::max_value == 57344.0);
  CHECK(mx::mxfp6_e3m2::traits::max_value == 28.0);
  CHECK(mx::mxfp6_e2m3::traits::max_value == 7.5);
  CHECK(mx::mxfp4_e2m1::traits::max_value == 6.0);
  CHECK(mx::mxint8::k == 32);
  // Every code decodes (with X = 2^0) to the spec's value.
  auto all_codes = [](auto fmt) {
    using Fmt = decltype(fmt);
    const spec_element& s = spec_of<Fmt>();
    for (int c = 0; c < code_count(s); ++c) {
      const double want = spec_value(s, static_cast<unsigned>(c)), got = mx::element_value<Fmt>(static_cast<std::uint8_t>(c), 127);
      INFO("code " << c);
      if (std::isnan(want)) REQUIRE(std::isnan(got)); else REQUIRE(got == want);
    }
  };
  all_codes(mx::mxfp8_e4m3{});
  all_codes(mx::mxfp8_e5m2{});
  all_codes(mx::mxfp6_e3m2{});
  all_codes(mx::mxfp6_e2m3{});
  all_codes(mx::mxfp4_e2m1{});
  all_codes(mx::mxint8{});
  // E8M0: 2^(bits - 127), 0xFF NaN.
  CHECK(mx::element_value<mx::mxint8>(64, 0) == std::ldexp(1.0, -127));
  CHECK(mx::element_value<mx::mxint8>(64, 254) == std::ldexp(1.0, 127));
  CHECK(std::isnan(mx::element_value<mx::mxint8>(64, 0xFF)));
}

TEMPLATE_TEST_CASE("mx: conversion against the exact reference (scale rule, rounding, saturation)", "[mx]",
                   mx::mxfp8_e4m3, mx::mxfp8_e5m2, mx::mxfp6_e3m2, mx::mxfp6_e2m3, mx::mxfp4_e2m1, mx::mxint8) {
  check_quantize<TestType, fl::round::nearest_even>(rmode::ne, 0);
  check_quantize<TestType, fl::round::toward_zero>(rmode::tz, 0);
  check_quantize<TestType, fl::round::upward>(rmode::up, 0);
  check_quantize<TestType, fl::round::downward>(rmode::dn, 0);
  check_quantize<TestType, fl::round::stochastic<8>>(rmode::sto, 8);
  check_quantize<TestType, fl::round::stochastic<32>>(rmode::sto, 32);
}

TEMPLATE_TEST_CASE("mx: fast paths equal the exact path (round_pack) at every grid point, midpoint and neighbour", "[mx]",
                   mx::mxfp8_e4m3, mx::mxfp8_e5m2, mx::mxfp6_e3m2, mx::mxfp6_e2m3, mx::mxfp4_e2m1, mx::mxint8) {
  using Fmt = TestType;
  using Elem = typename Fmt::element_type;
  const spec_element& s = spec_of<Fmt>();
  // Element values, their midpoints, and float neighbours of both, times 2^X for scales X.
  std::vector<double> vals;
  for (int c = 0; c < code_count(s); ++c) {
    const double v = spec_value(s, static_cast<unsigned>(c));
    if (std::isfinite(v)) vals.push_back(v);
  }
  std::sort(vals.begin(), vals.end());
  std::vector<double> probes;
  for (std::size_t i = 0; i < vals.size(); ++i) {
    probes.push_back(vals[i]);
    if (i + 1 < vals.size()) probes.push_back((vals[i] + vals[i + 1]) / 2);
    probes.push_back(vals[i] * 1.25 + 0x1p-20);
  }
  probes.push_back(s.max * 1.0625);  // beyond the largest normal: saturates
  probes.push_back(s.max * 1.999);
  std::size_t compared = 0;
  for (int X : {-127, -120, -3, 0, 5, 100, 127 - s.emax}) {
    std::vector<float> block;
    for (double p : probes) {
      for (double v : {p, -p}) {
        const float f = static_cast<float>(std::ldexp(v, X));
        for (float g : {f, std::nextafter(f, 0.0f), std::nextafter(f, 2 * f + 1)})
          if (std::isfinite(g)) block.push_back(g);
      }
    }
    // Pad to whole blocks and put the largest normal first in each block, fixing X.
    std::vector<float> in;
    for (std::size_t i = 0; i < block.size(); ++i) {
      if (in.size() % 32 == 0) in.push_back(static_cast<float>(std::ldexp(s.max, X)));
      in.push_back(block[i]);
    }
    while (in.size() % 32) in.push_back(0.0f);
    std::vector<std::uint8_t> el(in.size()), sc(in.size() / 32), el2(in.size());
    std::vector<std::uint32_t> words(in.size());
    fl::philox_rng wr(X + 1000);
    for (auto& w : words) w = wr();
    REQUIRE((mx::quantize<Fmt>(cview(in), view(el), view(sc))).ok());
    REQUIRE((mx::quantize<Fmt>(cview(in), view(el2), view(sc), fl::round::stochastic<11>{}, fl::philox_bulk_rng(X + 1000))).ok());
    for (std::size_t i = 0; i < in.size(); ++i) {
      const int shared = sc[i / 32] - 127;
      INFO("v=" << in[i] << " X=" << shared);
      REQUIRE(static_cast<int>(el[i]) == static_cast<int>(mx::detail::quantize_element<Elem, fl::round::nearest_even>(in[i], shared, 0)));
      REQUIRE(static_cast<int>(el2[i]) == static_cast<int>(mx::detail::quantize_element<Elem, fl::round::stochastic<11>>(in[i], shared, words[i])));
      ++compared;
    }
  }
  CHECK(compared > 1000);
}

TEST_CASE("mx: spec rules case by case", "[mx]") {
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> v(64, 1.0f);
  std::vector<std::uint8_t> el(64), sc(2);
  std::vector<float> back(64);

  SECTION("NaN or inf in a block makes its scale NaN (0xFF) and every value NaN; other blocks unaffected") {
    for (float special : {nan, inf, -inf}) {
      v.assign(64, 1.0f);
      v[5] = special;
      CHECK((mx::quantize<mx::mxfp8_e5m2>(cview(v), view(el), view(sc))).has(fl::status::invalid));
      CHECK(sc[0] == 0xFF);
      CHECK(sc[1] == 127 + 0 - 15);  // max 1.0: floor(log2 1) - emax(E5M2)
      REQUIRE((mx::dequantize<mx::mxfp8_e5m2>(cview(el), cview(sc), view(back))).ok());
      for (int i = 0; i < 32; ++i) CHECK(std::isnan(back[i]));
      for (int i = 32; i < 64; ++i) CHECK(back[i] == 1.0f);
    }
  }
  SECTION("an all-zero block gets the smallest scale 2^-127 and zero elements, signs kept") {
    v.assign(64, 0.0f);
    v[3] = -0.0f;
    v[40] = 3.0f;
    REQUIRE((mx::quantize<mx::mxfp8_e4m3>(cview(v), view(el), view(sc))).ok());
    CHECK(sc[0] == 0x00);
    CHECK(el[0] == 0x00);
    CHECK(el[3] == 0x80);  // -0 in E4M3
    REQUIRE((mx::quantize<mx::mxint8>(cview(v), view(el), view(sc))).ok());
    CHECK(sc[0] == 0x00);
    CHECK(el[3] == 0x00);  // INT8 has one zero
  }
  SECTION("scale clamping: tiny blocks clamp to 2^-127 and round their elements") {
    v.assign(64, 0.0f);
    v[0] = std::ldexp(1.0f, -140);  // floor(log2) - 8 = -148 < -127
    v[1] = std::ldexp(1.0f, -134);  // /2^-127 = 2^-7: a subnormal of E4M3 (min 2^-9)
    v[2] = std::ldexp(1.5f, -137);  // 1.5 * 2^-10 -> rounds to 2^-9 (nearest; tie? no: 0.75 ulp)
    REQUIRE((mx::quantize<mx::mxfp8_e4m3>(cview(v), view(el), view(sc))).ok());
    CHECK(sc[0] == 0);
    CHECK(el[0] == 0x00);                  // 2^-13 rounds to 0
    CHECK(el[1] == 0x04);                  // 2^-7 = 4 * 2^-9
    CHECK(el[2] == 0x01);                  // 0.75 * 2^-9 -> 2^-9
    CHECK(mx::element_value<mx::mxfp8_e4m3>(el[1], sc[0]) == std::ldexp(1.0, -134));
  }
  SECTION("the largest floats: the scale takes floor(log2) - emax and elements saturate, never inf") {
    v.assign(64, 1.0f);
    v[7] = std::numeric_limits<float>::max();
    v[8] = -std::numeric_limits<float>::max();
    REQUIRE((mx::quantize<mx::mxfp8_e5m2>(cview(v), view(el), view(sc))).ok());
    CHECK(sc[0] == 127 + 127 - 15);
    CHECK(el[7] == 0x7B);  // 57344: max/2^112 = 1.99.. * 2^15 clamps, not inf (0x7C)
    CHECK(el[8] == 0xFB);
    REQUIRE((mx::quantize<mx::mxfp8_e4m3>(cview(v), view(el), view(sc), fl::round::upward{})).ok());
    CHECK(sc[0] == 127 + 127 - 8);
    CHECK(el[7] == 0x7E);  // 448, not NaN (0x7F)
    CHECK(el[8] == 0xFE);
    REQUIRE((mx::quantize<mx::mxint8>(cview(v), view(el), view(sc))).ok());
    CHECK(sc[0] == 127 + 127);
    CHECK(static_cast<std::int8_t>(el[7]) == 127);  // 1.99.. * 64 rounds to 128, clamps to 127
    CHECK(static_cast<std::int8_t>(el[8]) == -127);  // symmetric
  }
  SECTION("exact powers of two: the maximum maps to 2^emax_elem") {
    v.assign(64, 0.0f);
    v[0] = 32.0f;
    v[1] = 3.0f;
    REQUIRE((mx::quantize<mx::mxfp4_e2m1>(cview(v), view(el), view(sc))).ok());
    CHECK(sc[0] == 127 + 5 - 2);  // X = 8
    CHECK(el[0] == 0x6);          // 4 = 2^2: E2M1 field 3, frac 0
    CHECK(el[1] == 0x1);          // 3/8 = 0.375 -> 0.5 (nearest; the subnormal step is 0.5)
  }
  SECTION("worked example of docs/blocks.md (MXFP4)") {
    v.assign(32, 0.0f);
    v[0] = 1.99f;
    v[1] = 0.1f;
    std::vector<std::uint8_t> e(32), x(1);
    REQUIRE((mx::quantize<mx::mxfp4_e2m1>(array_view<const float>(v.data(), 32), view(e), view(x))).ok());
    CHECK(x[0] == 125);
    CHECK(mx::element_value<mx::mxfp4_e2m1>(e[0], x[0]) == 1.5);
    CHECK(mx::element_value<mx::mxfp4_e2m1>(e[1], x[0]) == 0.125);
  }
  SECTION("sizes are checked") {
    std::vector<std::uint8_t> sc3(3);
    CHECK((mx::quantize<mx::mxfp4_e2m1>(cview(v), view(el), view(sc3))).has(fl::status::bad_shape));
  }
}

namespace {
template <class FA, class FB>
void check_dots(std::mt19937_64& g, bool raw_codes) {
  const spec_element &sa = spec_of<FA>(), &sb = spec_of<FB>();
  floatlab_test::mpfr_value acc(2000), t(2000);
  for (int trial = 0; trial < 200; ++trial) {
    const std::size_t nblocks = 1 + g() % 4, n = nblocks * 32 - (trial % 2) * 7;
    std::vector<std::uint8_t> a(n), b(n), xa(nblocks), xb(nblocks);
    if (raw_codes) {  // any pattern, specials included (rarely)
      for (auto& c : a) c = static_cast<std::uint8_t>(g() % code_count(sa));
      for (auto& c : b) c = static_cast<std::uint8_t>(g() % code_count(sb));
      for (auto& x : xa) x = static_cast<std::uint8_t>(g() % 255);
      for (auto& x : xb) x = static_cast<std::uint8_t>(g() % 255);
      if (g() % 8 == 0) xa[0] = 0xFF;
    } else {
      REQUIRE((mx::quantize<FA>(cview(random_vector(g, n)), view(a), view(xa))).ok());
      REQUIRE((mx::quantize<FB>(cview(random_vector(g, n)), view(b), view(xb))).ok());
    }
    // Reference: exact sum of X_a P_a X_b P_b (all exact in 2000 bits), rounded once.
    mpfr_set_ui(acc, 0, MPFR_RNDN);
    double special = 0;  // IEEE arithmetic on the decoded values finds the special outcomes
    bool nan_scale = false;
    for (std::size_t i = 0; i < n; ++i) {
      const double pa = spec_value(sa, a[i]), pb = spec_value(sb, b[i]);
      nan_scale = nan_scale || xa[i / 32] == 0xFF || xb[i / 32] == 0xFF;
      special += pa * pb;
      if (std::isfinite(pa) && std::isfinite(pb)) {
        mpfr_set_d(t, pa, MPFR_RNDN);
        mpfr_mul_d(t, t, pb, MPFR_RNDN);  // exact
        mpfr_mul_2si(t, t, (xa[i / 32] - 127) + (xb[i / 32] - 127), MPFR_RNDN);
        mpfr_add(acc, acc, t, MPFR_RNDN);  // exact: 2000 bits cover the span
      }
    }
    const float got = mx::dot_general<FA, FB>(cview(a), cview(xa), cview(b), cview(xb));
    if (nan_scale || std::isnan(special)) {
      REQUIRE(std::isnan(got));
    } else if (std::isinf(special)) {
      REQUIRE(got == static_cast<float>(special));
    } else {
      const float want = ref_to_float(acc, 0);
      INFO("n=" << n << " trial " << trial);
      REQUIRE(got == want);
      // An exact zero sum is +0; a tiny sum keeps its sign when it rounds to zero.
      REQUIRE(std::signbit(got) == (mpfr_sgn(acc) == 0 ? false : std::signbit(want)));
    }
    // Single-block Dot equals DotGeneral on one block.
    if (!nan_scale) {
      const std::size_t len = std::min<std::size_t>(32, n);
      const float d1 = mx::dot<FA, FB>(array_view<const std::uint8_t>(a.data(), len), xa[0], array_view<const std::uint8_t>(b.data(), len), xb[0]);
      const float d2 = mx::dot_general<FA, FB>(array_view<const std::uint8_t>(a.data(), std::min<std::size_t>(32, n)),
                                               array_view<const std::uint8_t>(xa.data(), 1),
                                               array_view<const std::uint8_t>(b.data(), std::min<std::size_t>(32, n)),
                                               array_view<const std::uint8_t>(xb.data(), 1));
      REQUIRE(((std::isnan(d1) && std::isnan(d2)) || d1 == d2));
    }
  }
}
}  // namespace

TEST_CASE("mx: Dot and DotGeneral are exact sums rounded once (MPFR reference)", "[mx]") {
  std::mt19937_64 g(4);
  check_dots<mx::mxfp8_e4m3, mx::mxfp8_e4m3>(g, false);
  check_dots<mx::mxfp8_e5m2, mx::mxfp8_e5m2>(g, true);
  check_dots<mx::mxfp8_e4m3, mx::mxfp8_e5m2>(g, true);
  check_dots<mx::mxfp6_e3m2, mx::mxfp6_e2m3>(g, false);
  check_dots<mx::mxfp4_e2m1, mx::mxfp4_e2m1>(g, true);
  check_dots<mx::mxint8, mx::mxint8>(g, true);
  check_dots<mx::mxint8, mx::mxfp4_e2m1>(g, false);
  // inf - inf and inf * 0 in E5M2 blocks give NaN; +inf alone gives +inf.
  std::vector<std::uint8_t> a(32, 0x3C), b(32, 0x3C);  // 1.0 each
  a[0] = 0x7C;  // +inf
  CHECK(mx::dot<mx::mxfp8_e5m2>(cview(a), 127, cview(b), 127) == std::numeric_limits<float>::infinity());
  a[1] = 0xFC;  // -inf
  CHECK(std::isnan(mx::dot<mx::mxfp8_e5m2>(cview(a), 127, cview(b), 127)));
  a[1] = 0x3C;
  b[0] = 0x00;  // inf * 0
  CHECK(std::isnan(mx::dot<mx::mxfp8_e5m2>(cview(a), 127, cview(b), 127)));
  CHECK(std::isnan(mx::dot<mx::mxfp8_e4m3>(cview(b), 0xFF, cview(b), 127)));
  // 32 * (1 * 1) * 2^(3 + -5) = 8
  std::vector<std::uint8_t> ones(32, 0x38);  // E4M3 1.0
  CHECK(mx::dot<mx::mxfp8_e4m3>(cview(ones), 130, cview(ones), 122) == 8.0f);
}
