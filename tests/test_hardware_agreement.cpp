// Exact agreement with the compiler's hardware types: binary16 with g++ _Float16, binary32
// with float, binary64 with double (in all four IEEE modes via fesetround), and bfloat16 with
// float arithmetic rounded once to bfloat16 (exact by the double-rounding condition
// 24 >= 2*8+2, Figueroa 1995, for + - * / sqrt). NaNs compare as "both NaN" since hardware
// propagates payloads and floatlab returns one canonical NaN.
// Built with -frounding-math (tests/compile_checks.cmake) so fesetround is honoured.
#include <catch2/catch.hpp>

#include <cfenv>
#include <cmath>
#include <cstring>
#include <random>

#include <floatlab/cfloat.hpp>

#include "support/operands.hpp"

using namespace floatlab;

namespace {

enum class op { add, sub, mul, div, sqrt, fma };
constexpr op all_ops[] = {op::add, op::sub, op::mul, op::div, op::sqrt, op::fma};
const char* op_name(op o) {
  static const char* n[] = {"add", "sub", "mul", "div", "sqrt", "fma"};
  return n[static_cast<int>(o)];
}

template <class H>
H hw(op o, H a, H b, H c) {
  volatile H va = a, vb = b, vc = c;  // keep the compiler from folding under the old mode
  switch (o) {
    case op::add: return va + vb;
    case op::sub: return va - vb;
    case op::mul: return va * vb;
    case op::div: return va / vb;
    case op::sqrt: return std::sqrt(va);
    default: return std::fma(va, vb, vc);
  }
}

template <class T, class Mode>
T lib(op o, T a, T b, T c) {
  switch (o) {
    case op::add: return add(a, b, Mode{});
    case op::sub: return sub(a, b, Mode{});
    case op::mul: return mul(a, b, Mode{});
    case op::div: return div(a, b, Mode{});
    case op::sqrt: return sqrt(a, Mode{});
    default: return fma(a, b, c, Mode{});
  }
}

template <class U, class H>
U bits_of(H h) {
  U u;
  std::memcpy(&u, &h, sizeof u);
  return u;
}

std::uint64_t scaled(std::uint64_t n) { return static_cast<std::uint64_t>(n * operands::test_scale()); }

// T (a cfloat) against hardware type H with rounding mode Mode / fenv mode `fe`.
template <class T, class H, class U, class Mode>
void agree(int fe, std::uint64_t n_per_op) {
  using F = typename T::format_type;
  operands::generator<F> gen(0xB16 + F::total_bits);
  std::uint64_t cases = 0, mismatches = 0;
  REQUIRE(std::fesetround(fe) == 0);
  for (op o : all_ops) {
    for (std::uint64_t i = 0; i < n_per_op; ++i) {
      const std::uint64_t a = gen.operand(), b = gen.operand(a), c = gen.operand(a);
      const T ta = T::from_bits(static_cast<U>(a)), tb = T::from_bits(static_cast<U>(b)), tc = T::from_bits(static_cast<U>(c));
      H ha, hb, hc;
      std::memcpy(&ha, &a, sizeof ha);
      std::memcpy(&hb, &b, sizeof hb);
      std::memcpy(&hc, &c, sizeof hc);
      const H want = hw<H>(o, ha, hb, hc);
      const T got = lib<T, Mode>(o, ta, tb, tc);
      const bool ok = std::isnan(static_cast<double>(want)) ? isnan(got) : got.bits() == bits_of<U>(want);
      ++cases;
      if (!ok && ++mismatches <= 10)
        std::printf("MISMATCH %s fe=%d a=%#llx b=%#llx c=%#llx got=%#llx want=%#llx\n", op_name(o), fe,
                    (unsigned long long)a, (unsigned long long)b, (unsigned long long)c,
                    (unsigned long long)got.bits(), (unsigned long long)bits_of<U>(want));
    }
  }
  std::fesetround(FE_TONEAREST);
  std::printf("%d-bit vs hardware, fe mode %d: %llu cases, %llu mismatches\n", F::total_bits, fe,
              (unsigned long long)cases, (unsigned long long)mismatches);
  REQUIRE(mismatches == 0);
}

// float -> bfloat16 round-to-nearest-even by the usual bit trick (independent of floatlab).
std::uint16_t bf16_rne(float f) {
  std::uint32_t u;
  std::memcpy(&u, &f, 4);
  if ((u & 0x7FFFFFFF) > 0x7F800000) return 0x7FC0;
  return static_cast<std::uint16_t>((u + 0x7FFF + ((u >> 16) & 1)) >> 16);
}
float bf16_to_float(std::uint16_t h) {
  const std::uint32_t u = static_cast<std::uint32_t>(h) << 16;
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

}  // namespace

TEST_CASE("binary16 agrees with g++ _Float16", "[hardware]") {
  using F = binary16::format_type;
  operands::generator<F> gen(0x16);
  std::uint64_t cases = 0, mismatches = 0;
  const std::uint64_t n = scaled(2000000);
  for (op o : all_ops) {
    if (o == op::fma) continue;  // no single-rounding _Float16 fma in g++ 12; MPFR tests cover it
    for (std::uint64_t i = 0; i < n; ++i) {
      const auto a = static_cast<std::uint16_t>(gen.operand()), b = static_cast<std::uint16_t>(gen.operand(a));
      _Float16 ha, hb, want;
      std::memcpy(&ha, &a, 2);
      std::memcpy(&hb, &b, 2);
      volatile _Float16 va = ha, vb = hb;
      switch (o) {
        case op::add: want = va + vb; break;
        case op::sub: want = va - vb; break;
        case op::mul: want = va * vb; break;
        case op::div: want = va / vb; break;
        default: want = static_cast<_Float16>(std::sqrt(static_cast<float>(va)));  // innocuous: 24 >= 2*11+2
      }
      const binary16 x = binary16::from_bits(a), y = binary16::from_bits(b);
      const binary16 got = o == op::add ? x + y : o == op::sub ? x - y : o == op::mul ? x * y : o == op::div ? x / y : sqrt(x);
      const bool ok = want != want ? isnan(got) : got.bits() == bits_of<std::uint16_t>(want);
      ++cases;
      if (!ok && ++mismatches <= 10)
        std::printf("MISMATCH binary16 %s a=%#x b=%#x got=%#x want=%#x\n", op_name(o), a, b, got.bits(),
                    bits_of<std::uint16_t>(want));
    }
  }
  // Conversions float <-> binary16, every binary16 value and random floats.
  std::mt19937 rng(7);
  for (std::uint32_t i = 0; i < n; ++i) {
    const std::uint32_t u = i < 65536 ? (i << 16) | (rng() & 0xFFFF) : rng();
    float f;
    std::memcpy(&f, &u, 4);
    const _Float16 want = static_cast<_Float16>(f);
    const binary16 got{f};
    ++cases;
    if (!(want != want ? isnan(got) : got.bits() == bits_of<std::uint16_t>(want)) && ++mismatches <= 10)
      std::printf("MISMATCH float->binary16 %#x\n", u);
  }
  std::printf("binary16 vs _Float16: %llu cases, %llu mismatches\n", (unsigned long long)cases, (unsigned long long)mismatches);
  REQUIRE(mismatches == 0);
}

TEST_CASE("binary32 agrees with float in all IEEE modes", "[hardware]") {
  agree<binary32, float, std::uint32_t, round::nearest_even>(FE_TONEAREST, scaled(2000000));
  agree<binary32, float, std::uint32_t, round::toward_zero>(FE_TOWARDZERO, scaled(300000));
  agree<binary32, float, std::uint32_t, round::upward>(FE_UPWARD, scaled(300000));
  agree<binary32, float, std::uint32_t, round::downward>(FE_DOWNWARD, scaled(300000));
}

TEST_CASE("binary64 agrees with double in all IEEE modes", "[hardware]") {
  agree<binary64, double, std::uint64_t, round::nearest_even>(FE_TONEAREST, scaled(1500000));
  agree<binary64, double, std::uint64_t, round::toward_zero>(FE_TOWARDZERO, scaled(200000));
  agree<binary64, double, std::uint64_t, round::upward>(FE_UPWARD, scaled(200000));
  agree<binary64, double, std::uint64_t, round::downward>(FE_DOWNWARD, scaled(200000));
}

TEST_CASE("bfloat16 agrees with float arithmetic rounded once", "[hardware]") {
  using F = bfloat16::format_type;
  operands::generator<F> gen(0xBF16);
  std::uint64_t cases = 0, mismatches = 0;
  const std::uint64_t n = scaled(2000000);
  for (op o : all_ops) {
    if (o == op::fma) continue;  // float fma then bf16 is a double rounding; MPFR tests cover fma
    for (std::uint64_t i = 0; i < n; ++i) {
      const auto a = static_cast<std::uint16_t>(gen.operand()), b = static_cast<std::uint16_t>(gen.operand(a));
      const float fa = bf16_to_float(a), fb = bf16_to_float(b);
      const std::uint16_t want = bf16_rne(hw<float>(o, fa, fb, 0.0f));
      const bfloat16 x = bfloat16::from_bits(a), y = bfloat16::from_bits(b);
      const bfloat16 got = lib<bfloat16, round::nearest_even>(o, x, y, y);
      const bool ok = (want & 0x7FFF) > 0x7F80 ? isnan(got) : got.bits() == want;
      ++cases;
      if (!ok && ++mismatches <= 10)
        std::printf("MISMATCH bfloat16 %s a=%#x b=%#x got=%#x want=%#x\n", op_name(o), a, b, got.bits(), want);
    }
  }
  std::printf("bfloat16 vs float rounded once: %llu cases, %llu mismatches\n", (unsigned long long)cases,
              (unsigned long long)mismatches);
  REQUIRE(mismatches == 0);
}
