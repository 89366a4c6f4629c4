// tests/test_math_float_step.cpp: the logic of math.hpp's GPU float step (float_step: the
// decode into float, the cell test with radius 2K + 4, the encoding of the float; where the
// float's test fails, the same on the double result: session 12's tier 2) on the host, with the
// host's float and double functions (std::exp(float), std::exp(double), ... of glibc) standing
// in for CUDA's and K = 2, against the MPFR oracle: every answer the step gives must be the correctly rounded result.
// This checks the step's reasoning on every pattern it sees (subnormal and overflow ranges,
// exact cases, every encoding), not CUDA's bounds or its hardware conversions: those are
// proven on the GPU by tests/cuda/math_kernel.cu (every input, GPU = CPU). The last two cases
// do the same for the double step (session 13) of the formats of 17 to 32 bits.
//   CI: every pattern of the formats of at most 8 bits, every 61st pattern of the 16-bit ones,
//   the six deterministic modes, the ten functions; [full]: every pattern of every format.
#include <floatlab/math.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>

#include "support/mpfr_math.hpp"

namespace fl = floatlab;
namespace cr = fl::detail::cr;

namespace {

enum class sf { exp, exp2, expm1, log, log2, log1p, tanh, erf, sin, cos };
constexpr sf all_sf[] = {sf::exp,   sf::exp2, sf::expm1, sf::log, sf::log2,
                         sf::log1p, sf::tanh, sf::erf,   sf::sin, sf::cos};
const char* sf_name(sf f) {
  static const char* const n[] = {"exp", "exp2", "expm1", "log", "log2", "log1p", "tanh", "erf", "sin", "cos"};
  return n[static_cast<int>(f)];
}

// The host's float and double functions (glibc), as CUDA's would be called on the device (the
// step's tier 1 calls the float one, tier 2 the double one).
struct host_fn {
  sf f;
  template <class T>
  T operator()(T x) const {
    switch (f) {
      case sf::exp: return std::exp(x);
      case sf::exp2: return std::exp2(x);
      case sf::expm1: return std::expm1(x);
      case sf::log: return std::log(x);
      case sf::log2: return std::log2(x);
      case sf::log1p: return std::log1p(x);
      case sf::tanh: return std::tanh(x);
      case sf::erf: return std::erf(x);
      case sf::sin: return std::sin(x);
      default: return std::cos(x);
    }
  }
};

void mpfr_of(sf f, mathref::reference& mr, mpfr_srcptr x, mpfr_ptr out) {
  switch (f) {
    case sf::exp: return mr.eval(mathref::fn::exp, x, out);
    case sf::exp2: return mr.eval(mathref::fn::exp2, x, out);
    case sf::expm1: return mr.eval(mathref::fn::expm1, x, out);
    case sf::log: return mr.eval(mathref::fn::log, x, out);
    case sf::log2: return mr.eval(mathref::fn::log2, x, out);
    case sf::log1p: return mr.eval(mathref::fn::log1p, x, out);
    case sf::tanh: return mr.eval(mathref::fn::tanh, x, out);
    case sf::erf: return mr.eval(mathref::fn::erf, x, out);
    case sf::sin: return mr.eval_with([&] { return mpfr_sin(mr.value(), x, MPFR_RNDN); }, out, "sin");
    default: return mr.eval_with([&] { return mpfr_cos(mr.value(), x, MPFR_RNDN); }, out, "cos");
  }
}

struct step_tally {
  std::uint64_t patterns = 0, answers = 0, declines = 0, mismatches = 0;
};

// One step on the pattern b in Mode: the float step (formats of at most 16 bits) or the double
// step (Double: session 13's, for the formats of 17 to 32 bits).
template <class F, class Mode, bool Double>
bool step(std::uint64_t b, const host_fn& g, typename F::storage& out) {
  if constexpr (Double)
    return cr::double_step<F, Mode>(b, g, out);
  else
    return cr::float_step<F, Mode, 2>(b, g, out);
}

// The six deterministic modes of one pattern and function.
template <class F, bool Double>
void check_pattern(sf f, std::uint64_t b, oracle::reference& ref, mathref::reference& mr, step_tally& t) {
  namespace r = fl::round;
  typename F::storage out[6]{};
  const host_fn g{f};
  const bool ok[6] = {step<F, r::nearest_even, Double>(b, g, out[0]), step<F, r::nearest_away, Double>(b, g, out[1]),
                      step<F, r::toward_zero, Double>(b, g, out[2]),  step<F, r::upward, Double>(b, g, out[3]),
                      step<F, r::downward, Double>(b, g, out[4]),     step<F, r::odd, Double>(b, g, out[5])};
  static constexpr oracle::mode modes[6] = {oracle::mode::nearest_even, oracle::mode::nearest_away,
                                            oracle::mode::toward_zero,  oracle::mode::upward,
                                            oracle::mode::downward,     oracle::mode::odd};
  ++t.patterns;
  bool any = false;
  for (bool o : ok) any |= o;
  if (!any) {
    t.declines += 6;
    return;
  }
  ref.decode(b, ref.operand(0));
  mpfr_of(f, mr, ref.operand(0), ref.result());
  for (int m = 0; m < 6; ++m) {
    if (!ok[m]) {
      ++t.declines;
      continue;
    }
    ++t.answers;
    const std::uint64_t want = ref.round(modes[m]);
    if (out[m] != want && ++t.mismatches <= 10)
      std::printf("  MISMATCH %s %s x=0x%llx: step 0x%llx want 0x%llx\n", sf_name(f), oracle::mode_name(modes[m]),
                  static_cast<unsigned long long>(b), static_cast<unsigned long long>(out[m]),
                  static_cast<unsigned long long>(want));
  }
}

template <class T, bool Double = false>
void check_format(const char* label, std::uint64_t stride) {
  using F = typename T::format_type;
  oracle::reference ref(oracle::format_desc::of<F>());
  mathref::reference mr;
  const std::uint64_t count = std::uint64_t{1} << F::total_bits;
  step_tally all;
  for (sf f : all_sf) {
    step_tally t;
    for (std::uint64_t b = 0; b < count; b += stride) check_pattern<F, Double>(f, b, ref, mr, t);
    all.patterns += t.patterns, all.answers += t.answers, all.declines += t.declines, all.mismatches += t.mismatches;
    INFO(label << " " << sf_name(f));
    CHECK(t.mismatches == 0);
    CHECK(t.answers > 0);
  }
  std::printf(
      "math %s step (host) %-13s every %llu. pattern, 10 functions x 6 modes: %llu answers, %llu declines, "
      "%llu mismatches\n",
      Double ? "double" : "float", label, static_cast<unsigned long long>(stride),
      static_cast<unsigned long long>(all.answers), static_cast<unsigned long long>(all.declines),
      static_cast<unsigned long long>(all.mismatches));
}

}  // namespace

TEST_CASE("float step logic on the host: the 8-, 6- and 4-bit formats, every pattern") {
  check_format<fl::e5m2>("e5m2", 1);
  check_format<fl::e4m3>("e4m3", 1);
  check_format<fl::e4m3_sat>("e4m3 sat", 1);
  check_format<fl::e4m3fnuz>("e4m3fnuz", 1);
  check_format<fl::e3m2>("e3m2", 1);
  check_format<fl::e2m3>("e2m3", 1);
  check_format<fl::e2m1>("e2m1", 1);
}

TEST_CASE("float step logic on the host: the 16-bit formats, every 61st pattern") {
  check_format<fl::binary16>("binary16", 61);
  check_format<fl::bfloat16>("bfloat16", 61);
  check_format<fl::cfloat<6, 9>>("cfloat<6,9>", 61);
  check_format<fl::cfloat<4, 11>>("cfloat<4,11>", 61);
  check_format<fl::cfloat<5, 10, fl::round::nearest_even, fl::encoding::ieee_ftz>>("binary16 ftz", 61);
}

TEST_CASE("float step logic on the host: the 16-bit formats, every pattern", "[full]") {
  check_format<fl::binary16>("binary16", 1);
  check_format<fl::bfloat16>("bfloat16", 1);
  check_format<fl::cfloat<6, 9>>("cfloat<6,9>", 1);
  check_format<fl::cfloat<4, 11>>("cfloat<4,11>", 1);
  check_format<fl::cfloat<5, 10, fl::round::nearest_even, fl::encoding::ieee_ftz>>("binary16 ftz", 1);
}

// Session 13: the GPU double step's logic (math.hpp double_step: decode, the double function,
// the cell test on 53 bits with double_tier_ulps, encode_from) for the formats of 17 to 32 bits,
// with glibc's double functions standing in for CUDA's.
using tf32 = fl::cfloat<8, 10>;
TEST_CASE("double step logic on the host: binary32 and the formats of 17 to 32 bits, a stride") {
  check_format<fl::binary32, true>("binary32", 131071);
  check_format<tf32, true>("tf32", 7);
  check_format<fl::cfloat<5, 18>, true>("cfloat<5,18>", 257);
}

TEST_CASE("double step logic on the host: binary32 (a stride) and tf32, cfloat<5,18> (every pattern)", "[full]") {
  check_format<fl::binary32, true>("binary32", 4099);
  check_format<tf32, true>("tf32", 1);
  check_format<fl::cfloat<8, 15>, true>("cfloat<8,15>", 3);
  check_format<fl::cfloat<5, 18>, true>("cfloat<5,18>", 1);
}
