// floatlab-accuracy's run-time formats: names, and the stochastic<R> emulation through
// stochastic<32> with masked words (tools/accuracy/formats.hpp), bit for bit against
// floatlab's own stochastic<R> on every operand pair of 8-bit formats.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>

#include <floatlab/floatlab.hpp>

#include "formats.hpp"
#include "support/operands.hpp"

namespace fl = floatlab;
using flacc::mode_spec;

namespace {

template <class T, int R>
void check_masked_stochastic(const char* name) {
  std::string err;
  auto f = flacc::make_format(name, err);
  REQUIRE(f.scalar);
  const mode_spec m{flacc::mode_kind::stochastic, R};
  const double scale = operands::test_scale();
  const std::uint32_t stride = scale < 1 ? static_cast<std::uint32_t>(1 / scale) : 1u;
  const std::uint32_t words[] = {0u, 0xFFFFFFFFu, 0x80000000u, 0x7FFFFFFFu, 0x12345678u, 0xDEADBEEFu};
  std::size_t checked = 0, mismatches = 0;
  for (std::uint32_t a = 0; a < 256; ++a)
    for (std::uint32_t b = 0; b < 256; b += stride) {
      const T x = T::from_bits(static_cast<typename T::storage_type>(a)), y = T::from_bits(static_cast<typename T::storage_type>(b));
      if (fl::isnan(x) || fl::isnan(y)) continue;
      for (std::uint32_t w0 : words) {
        const std::uint32_t w = w0 ^ (a * 0x9E3779B9u) ^ (b << 7);
        const T add_ref = fl::add(x, y, fl::round::stochastic<R>{}, fl::fixed_word{w});
        const T mul_ref = fl::mul(x, y, fl::round::stochastic<R>{}, fl::fixed_word{w});
        const double add_got = f.scalar->add(double(x), double(y), m, w);
        const double mul_got = f.scalar->mul(double(x), double(y), m, w);
        // compare as values of T (NaN == NaN)
        auto same = [](T ref, double got) {
          return fl::isnan(ref) ? std::isnan(got) : (double(ref) == got && std::signbit(double(ref)) == std::signbit(got));
        };
        mismatches += !same(add_ref, add_got);
        mismatches += !same(mul_ref, mul_got);
        // conversion of a double between two neighbours of T
        const double v = double(x) * (1.0 + std::ldexp(double(w >> 8), -30));
        const T cv_ref = fl::convert<T>(v, fl::round::stochastic<R>{}, fl::fixed_word{w});
        mismatches += !same(cv_ref, f.scalar->quantize(v, m, w));
        checked += 3;
      }
    }
  INFO(name << " R=" << R << " checked " << checked);
  CHECK(mismatches == 0);
  CHECK(checked > 10000);
}

}  // namespace

TEST_CASE("stochastic<R> through masked stochastic<32> words equals stochastic<R>, all 8-bit pairs", "[accuracy]") {
  check_masked_stochastic<fl::e4m3, 1>("e4m3");
  check_masked_stochastic<fl::e4m3, 3>("e4m3");
  check_masked_stochastic<fl::e4m3, 8>("e4m3");
  check_masked_stochastic<fl::e4m3, 16>("e4m3");
  check_masked_stochastic<fl::e5m2, 2>("e5m2");
  check_masked_stochastic<fl::e5m2, 13>("e5m2");
  check_masked_stochastic<fl::e5m2, 31>("e5m2");
  check_masked_stochastic<fl::e5m2, 32>("e5m2");
}

TEST_CASE("deterministic modes of run-time formats equal floatlab's", "[accuracy]") {
  std::string err;
  auto f = flacc::make_format("bfloat16", err);
  REQUIRE(f.scalar);
  operands::generator<fl::bfloat16::format_type> gen(7);
  const std::size_t n = static_cast<std::size_t>(20000 * operands::test_scale()) + 100;
  std::size_t bad = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const auto x = fl::bfloat16::from_bits(static_cast<std::uint16_t>(gen.operand()));
    const auto y = fl::bfloat16::from_bits(static_cast<std::uint16_t>(gen.operand(x.bits())));
    if (fl::isnan(x) || fl::isnan(y)) continue;
    const double up = f.scalar->add(double(x), double(y), mode_spec{flacc::mode_kind::upward, 0}, 0);
    const double ref = double(fl::add(x, y, fl::round::upward{}));
    bad += !(up == ref || (std::isnan(up) && std::isnan(ref)));
    const double od = f.scalar->mul(double(x), double(y), mode_spec{flacc::mode_kind::odd, 0}, 0);
    const double ro = double(fl::mul(x, y, fl::round::odd{}));
    bad += !(od == ro || (std::isnan(od) && std::isnan(ro)));
  }
  CHECK(bad == 0);
}

TEST_CASE("format and mode names", "[accuracy]") {
  std::string err;
  for (const char* n : {"binary16", "FP16", "bfloat16", "tf32", "e4m3", "e5m2", "cfloat<6,9>", "cfloat< 5 , 10 >", "fixed<16,8>",
                        "bfp8", "bfp<12>/32", "mxfp4", "mxfp8_e4m3", "expansion<2,double>", "binary64", "e2m1"}) {
    INFO(n);
    CHECK(static_cast<bool>(flacc::make_format(n, err)));
  }
  auto h = flacc::make_format("cfloat<6,9>", err);
  CHECK(h.info().precision == 10);
  CHECK(h.info().max_finite == std::ldexp(2.0 - std::ldexp(1.0, -9), 31));
  CHECK_FALSE(static_cast<bool>(flacc::make_format("cfloat<3,40>", err)));
  CHECK(err.find("not compiled in") != std::string::npos);
  CHECK_FALSE(static_cast<bool>(flacc::make_format("bfp40", err)));
  CHECK(err.find("2..32") != std::string::npos);
  CHECK_FALSE(static_cast<bool>(flacc::make_format("float8", err)));
  CHECK(err.find("unknown format") != std::string::npos);

  mode_spec m;
  CHECK(flacc::parse_mode("nearest", m, err));
  CHECK(m.kind == flacc::mode_kind::nearest_even);
  CHECK(flacc::parse_mode("stochastic<8>", m, err));
  CHECK((m.kind == flacc::mode_kind::stochastic && m.bits == 8));
  CHECK(flacc::parse_mode("sr12", m, err));
  CHECK(m.bits == 12);
  CHECK(m.name() == "stochastic<12>");
  CHECK_FALSE(flacc::parse_mode("stochastic<33>", m, err));
  CHECK(err.find("1..32") != std::string::npos);
  CHECK_FALSE(flacc::parse_mode("nearest_odd", m, err));
  // ulp of binary16 at 1000: 2^(9 - 10)
  CHECK(flacc::ulp_of(flacc::make_format("binary16", err).info(), 1000.0) == 0.5);
  CHECK(flacc::ulp_of(flacc::make_format("binary16", err).info(), 1e-7) == std::ldexp(1.0, -24));
}
