// The calling convention and the status of docs/api.md: the status forms' flags against MPFR's
// own exception flags (every operand pair of 8-bit formats), the fixed-point forms, the
// dequantizers' fast paths against the exact path, and array_view's conversions.
#include <array>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include <floatlab/floatlab.hpp>

#include "support/mpfr_value.hpp"

namespace fl = floatlab;

namespace {

using mp = floatlab_test::mpfr_value;

template <class Mode>
mpfr_rnd_t rnd_of() {
  if constexpr (std::is_same_v<Mode, fl::round::toward_zero>) return MPFR_RNDZ;
  else if constexpr (std::is_same_v<Mode, fl::round::upward>) return MPFR_RNDU;
  else if constexpr (std::is_same_v<Mode, fl::round::downward>) return MPFR_RNDD;
  else return MPFR_RNDN;
}

enum class op { add, mul, div, sqrt };

// The IEEE 754 flags of one operation, from MPFR: the exact result (or a 300-bit rounding and
// its ternary value), then the flags that rounding it to T in Mode raises.
template <class T, class Mode>
std::uint32_t expected_flags(op o, T a, T b) {
  using F = typename T::format_type;
  const double x = static_cast<double>(a), y = static_cast<double>(b);
  mp mx(300), my(300), r(300);
  mpfr_set_d(mx, x, MPFR_RNDN);
  mpfr_set_d(my, y, MPFR_RNDN);
  mpfr_clear_flags();
  int t = 0;
  switch (o) {
    case op::add: t = mpfr_add(r, mx, my, MPFR_RNDN); break;
    case op::mul: t = mpfr_mul(r, mx, my, MPFR_RNDN); break;
    case op::div: t = mpfr_div(r, mx, my, MPFR_RNDN); break;
    case op::sqrt: t = mpfr_sqrt(r, mx, MPFR_RNDN); break;
  }
  const bool operand_nan = std::isnan(x) || (o != op::sqrt && std::isnan(y));
  if (mpfr_nan_p(r)) return operand_nan ? 0 : fl::status::invalid;
  if (mpfr_inf_p(r)) return mpfr_divby0_p() ? fl::status::division_by_zero : 0;
  if (mpfr_zero_p(r)) return 0;
  // The result rounded to p bits with an unbounded exponent: overflow iff beyond max finite.
  mp rp(F::precision);
  mpfr_set(rp, r, rnd_of<Mode>());  // r is exact or 300 bits (t != 0): one rounding is exact enough
  const double maxv = static_cast<double>(std::numeric_limits<T>::max());
  const T got = [&] {
    switch (o) {
      case op::add: return fl::add(a, b, Mode{});
      case op::mul: return fl::mul(a, b, Mode{});
      case op::div: return fl::div(a, b, Mode{});
      default: return fl::sqrt(a, Mode{});
    }
  }();
  const bool inexact = t != 0 || mpfr_cmp_d(r, static_cast<double>(got)) != 0 || fl::isnan(got);
  std::uint32_t flags = inexact ? fl::status::inexact : 0;
  if (std::fabs(mpfr_get_d(rp, MPFR_RNDZ)) > maxv) flags |= fl::status::overflow | fl::status::inexact;
  mp tiny(64);
  mpfr_set_ui_2exp(tiny, 1, F::emin, MPFR_RNDN);
  if (inexact && mpfr_cmpabs(r, tiny) < 0) flags |= fl::status::underflow;
  return flags;
}

template <class T, class Mode>
void check_status_forms() {
  using S = typename T::storage_type;
  constexpr unsigned n = 1u << (8 * sizeof(S) > 8 ? 8 : 8 * sizeof(S));
  long checked = 0;
  for (unsigned i = 0; i < n; ++i) {
    const T a = T::from_bits(static_cast<S>(i));
    {
      const auto s = fl::sqrt_status(a, Mode{});
      REQUIRE(s.value.bits() == fl::sqrt(a, Mode{}).bits());  // the fast path agrees with the exact one
      REQUIRE(s.flags.flags == expected_flags<T, Mode>(op::sqrt, a, a));
    }
    for (unsigned j = 0; j < n; ++j) {
      const T b = T::from_bits(static_cast<S>(j));
      const fl::with_status<T> r[] = {fl::add_status(a, b, Mode{}), fl::mul_status(a, b, Mode{}), fl::div_status(a, b, Mode{})};
      const T plain[] = {fl::add(a, b, Mode{}), fl::mul(a, b, Mode{}), fl::div(a, b, Mode{})};
      const op ops[] = {op::add, op::mul, op::div};
      for (int k = 0; k < 3; ++k) {
        INFO("a=" << i << " b=" << j << " op=" << k);
        REQUIRE(r[k].value.bits() == plain[k].bits());
        REQUIRE(r[k].flags.flags == expected_flags<T, Mode>(ops[k], a, b));
        ++checked;
      }
    }
  }
  CHECK(checked == 3L * n * n);
}

}  // namespace

TEMPLATE_TEST_CASE("status forms: flags equal MPFR's exceptions, every operand pair (8-bit formats)", "[status]",
                   fl::e4m3, fl::e5m2, fl::e2m3, (fl::cfloat<4, 3, fl::round::nearest_even, fl::encoding::ieee_ftz>),
                   (fl::cfloat<3, 4, fl::round::nearest_even, fl::encoding::fnuz>)) {
  check_status_forms<TestType, fl::round::nearest_even>();
  check_status_forms<TestType, fl::round::toward_zero>();
  check_status_forms<TestType, fl::round::upward>();
}

TEST_CASE("status forms: fma, conversions and stochastic modes", "[status]") {
  using h = fl::binary16;
  CHECK(fl::fma_status(h{2.0}, h{3.0}, h{1.0}).flags.exact());
  CHECK(fl::fma_status(h{65504.0}, h{2.0}, h{0.0}).flags.has(fl::status::overflow));
  CHECK(fl::fma_status(std::numeric_limits<h>::infinity(), h{0.0}, h{1.0}).flags.has(fl::status::invalid));
  CHECK(fl::convert_status<fl::e4m3>(1000.0).flags.has(fl::status::overflow));
  CHECK(fl::isnan(fl::convert_status<fl::e4m3>(1000.0).value));
  CHECK(fl::convert_status<fl::e4m3>(std::numeric_limits<double>::infinity()).flags.has(fl::status::invalid));
  CHECK(fl::convert_status<fl::binary16>(0.5).flags.exact());
  CHECK(fl::convert_status<fl::binary16>(1e-6).flags.flags == (fl::status::inexact | fl::status::underflow));
  CHECK(fl::convert_status<float>(fl::binary64{0.1}).flags.has(fl::status::inexact));
  CHECK(fl::convert_status<fl::e2m1>(std::nan("")).flags.has(fl::status::invalid));  // no NaN in E2M1
  CHECK(fl::convert_status<fl::binary16>(3).flags.exact());
  CHECK(fl::convert_status<fl::binary16>(2049).flags.has(fl::status::inexact));
  fl::philox_rng g1(7), g2(7);
  const auto s = fl::add_status(h{1.0}, h{1e-3}, fl::round::stochastic<8>{}, g1);
  CHECK(s.value.bits() == fl::add(h{1.0}, h{1e-3}, fl::round::stochastic<8>{}, g2).bits());  // same word, same result
  CHECK(s.flags.has(fl::status::inexact));
}

TEST_CASE("fixed: one calling convention and the status of every operation", "[status][fixed]") {
  using q = fl::fixed<8, 4>;
  const q a{1.5}, z{0.0};
  CHECK(fl::add(a, a, fl::round::upward{}).raw() == 48);  // (mode) alone compiles
  CHECK(fl::div_status(a, z).flags.has(fl::status::division_by_zero));
  CHECK(fl::div_status(a, z).value == q::max());
  CHECK(fl::div_status(z, z).flags.has(fl::status::invalid));
  CHECK(fl::mul_status(q{7.0}, q{7.0}).flags.has(fl::status::overflow));
  CHECK(fl::mul_status(q{7.0}, q{7.0}).value == q::max());
  CHECK(fl::mul_status(q::from_raw(1), q::from_raw(1)).flags.flags == fl::status::inexact);
  CHECK(fl::add_status(a, a).flags.exact());
  fl::philox_rng g1(3), g2(3);
  CHECK(fl::mul(q::from_raw(3), q::from_raw(5), fl::round::stochastic<4>{}, g1).raw() ==
        fl::mul_status(q::from_raw(3), q::from_raw(5), fl::round::stochastic<4>{}, g2).value.raw());
}

TEST_CASE("fixed: conversion to double and float rounds once in the type's mode (MPFR)", "[fixed]") {
  std::mt19937_64 g(11);
  using up = fl::fixed<62, 7, fl::round::upward>;
  using dn = fl::fixed<62, 7, fl::round::downward>;
  using ne = fl::fixed<40, -3, fl::round::nearest_even>;
  mp m(128), r53(53), r24(24);
  for (int i = 0; i < 20000; ++i) {
    const auto raw = static_cast<std::int64_t>(g()) >> (g() % 40);
    const up u = up::from_raw(raw);
    const dn d = dn::from_raw(raw);
    mpfr_set_si_2exp(m, static_cast<long>(u.raw()), -7, MPFR_RNDN);  // exact (62-bit integer)
    mpfr_set(r53, m, MPFR_RNDU);
    REQUIRE(static_cast<double>(u) == mpfr_get_d(r53, MPFR_RNDN));
    mpfr_set(r53, m, MPFR_RNDD);
    REQUIRE(static_cast<double>(d) == mpfr_get_d(r53, MPFR_RNDN));
    mpfr_set(r24, m, MPFR_RNDU);
    REQUIRE(static_cast<float>(u) == static_cast<float>(mpfr_get_d(r24, MPFR_RNDN)));
    const ne e = ne::from_raw(raw);
    mpfr_set_si_2exp(m, static_cast<long>(e.raw()), 3, MPFR_RNDN);
    mpfr_set(r24, m, MPFR_RNDN);
    REQUIRE(static_cast<float>(e) == static_cast<float>(mpfr_get_d(r24, MPFR_RNDN)));
  }
}

TEST_CASE("dequantize fast paths equal the exact path (every int8 code x every exponent)", "[block]") {
  std::vector<std::int8_t> codes(256);
  for (int c = 0; c < 256; ++c) codes[c] = static_cast<std::int8_t>(c - 128);
  std::vector<float> fast(256), exact(256);
  long checked = 0;
  for (int s = -1000; s <= 1000; ++s) {
    const std::array<int, 1> e{s};
    REQUIRE(fl::block_dequantize(fl::array_view<const std::int8_t>(codes), fl::array_view<const int>(e),
                                 fl::block_shape::whole(), fl::array_view<float>(fast))
                .ok());
    for (int c = 0; c < 256; ++c) {
      exact[c] = fl::detail::round_scaled_to_float<fl::round::nearest_even>(codes[c], s, 0);
      REQUIRE(fl::bit_cast<std::uint32_t>(fast[c]) == fl::bit_cast<std::uint32_t>(exact[c]));
      ++checked;
    }
  }
  // int16 codes at the exponents where float rounding, subnormals and overflow happen.
  std::vector<std::int16_t> wide(65536);
  for (int c = 0; c < 65536; ++c) wide[c] = static_cast<std::int16_t>(c - 32768);
  std::vector<float> out(65536);
  for (int s : {-170, -165, -160, -149, -140, -126, -120, 0, 100, 112, 113, 114, 127}) {
    const std::array<int, 1> e{s};
    REQUIRE(fl::block_dequantize(fl::array_view<const std::int16_t>(wide), fl::array_view<const int>(e),
                                 fl::block_shape::whole(), fl::array_view<float>(out))
                .ok());
    for (int c = 0; c < 65536; ++c) {
      REQUIRE(fl::bit_cast<std::uint32_t>(out[c]) ==
              fl::bit_cast<std::uint32_t>(fl::detail::round_scaled_to_float<fl::round::nearest_even>(wide[c], s, 0)));
      ++checked;
    }
  }
  CHECK(checked == 2001L * 256 + 13L * 65536);
}

TEST_CASE("dequantize honours the mode it is given (MPFR)", "[block]") {
  std::vector<std::int32_t> codes = {0x7FFFFFFF, -0x7FFFFFFF, 0x1000001, 3, -5, 0x55555555};
  std::vector<float> up(codes.size()), dn(codes.size());
  const std::array<int, 1> e{-3};
  REQUIRE(fl::block_dequantize(fl::array_view<const std::int32_t>(codes), fl::array_view<const int>(e),
                               fl::block_shape::whole(), fl::array_view<float>(up), fl::round::upward{})
              .ok());
  REQUIRE(fl::block_dequantize(fl::array_view<const std::int32_t>(codes), fl::array_view<const int>(e),
                               fl::block_shape::whole(), fl::array_view<float>(dn), fl::round::downward{})
              .ok());
  mp m(64), r(24);
  for (std::size_t i = 0; i < codes.size(); ++i) {
    mpfr_set_si_2exp(m, codes[i], -3, MPFR_RNDN);
    mpfr_set(r, m, MPFR_RNDU);
    CHECK(up[i] == mpfr_get_flt(r, MPFR_RNDN));
    mpfr_set(r, m, MPFR_RNDD);
    CHECK(dn[i] == mpfr_get_flt(r, MPFR_RNDN));
  }
  // MX: every element x every scale, nearest (hardware conversion) vs the exact rounding.
  std::vector<std::uint8_t> el(256), sc(8);
  for (int c = 0; c < 256; ++c) el[c] = static_cast<std::uint8_t>(c);
  std::vector<float> out(256);
  for (int x = 0; x < 255; ++x) {
    for (auto& s : sc) s = static_cast<std::uint8_t>(x);
    REQUIRE(fl::mx::dequantize<fl::mx::mxfp8_e5m2>(fl::array_view<const std::uint8_t>(el), fl::array_view<const std::uint8_t>(sc),
                                                   fl::array_view<float>(out))
                .ok());
    for (int c = 0; c < 256; ++c) {
      const double v = fl::mx::element_value<fl::mx::mxfp8_e5m2>(el[c], sc[0]);
      mp mv(64);
      mpfr_set_d(mv, v, MPFR_RNDN);  // exact
      if (!std::isnan(v)) REQUIRE(out[c] == mpfr_get_flt(mv, MPFR_RNDN));  // MPFR's correctly rounded float
      else REQUIRE(std::isnan(out[c]));
    }
  }
}

TEST_CASE("array_view converts from what callers hold; argument errors are rejected before writing", "[view][status]") {
  std::vector<float> v(5, 1.0f);
  std::array<float, 5> a{};
  float c[5] = {};
  const std::vector<float>& cv = v;
  const fl::array_view<const float> from_vector = v, from_const = cv, from_array = a, from_c = c;
  const fl::array_view<float> mut = v;
  const fl::array_view<const float> to_const = mut;
  CHECK(from_vector.size + from_const.size + from_array.size + from_c.size + to_const.size == 25);
  CHECK(fl::overlaps(from_vector, mut));
  CHECK(!fl::overlaps(from_vector, from_array));
  CHECK(mut.subview(3, 10).size == 2);
  // block_quantize onto its own input: rejected, and nothing written.
  std::vector<int> e(1, 42);
  std::vector<std::int32_t> codes(5, 7);
  const auto st = fl::block_quantize(fl::array_view<const float>(v), fl::array_view<std::int32_t>(reinterpret_cast<std::int32_t*>(v.data()), 5),
                                     fl::array_view<int>(e), fl::block_shape::whole(), 8);
  CHECK(st.rejected());
  CHECK(st.has(fl::status::bad_argument));
  CHECK(st.message != nullptr);
  CHECK(e[0] == 42);
  CHECK(v[0] == 1.0f);
  const auto bad = fl::block_gemm(fl::array_view<const std::int32_t>(codes), fl::array_view<const int>(e),
                                  fl::array_view<const std::int32_t>(codes), fl::array_view<const int>(e), 2, 2, 2,
                                  fl::array_view<float>(v));
  CHECK(bad.has(fl::status::bad_shape));
  CHECK(v[0] == 1.0f);
}
