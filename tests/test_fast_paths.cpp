// The hardware fast paths (float path, nearest path, double path; see the table next to
// round_pack in rounding.hpp) against the exact integer kernels, bit for bit, in every mode:
// - CI: random operands weighted toward the edges on every boundary of every path's domain
//   (p = 11/12, E = 8/9, p = 25/26/27, ftz and fn/fnuz at E = 8), through the public API;
//   the same operations over arrays, in loops the compiler vectorizes (this file is also
//   built with -march=x86-64-v3 -DFLOATLAB_USE_F16C as test_fast_paths_v3,
//   tests/compile_checks.cmake), element by element against the kernels.
// - [full]: all 2^32 operand pairs of binary16 and bfloat16 for + - * / (and all 2^16 sqrt)
//   in nearest-even (the float path), and all pairs of binary16 in round::upward (double path).
// The 8-bit formats are proven exhaustively, every pair, op and mode, against MPFR by the
// test_exhaustive_* suites, which run the same public API.
#include <catch2/catch.hpp>

#include <cstdio>
#include <vector>

#include "support/exhaustive.hpp"
#include "support/operands.hpp"

using namespace floatlab;

namespace {

using ops = oracle::reference::op;
constexpr ops all_ops[] = {ops::add, ops::sub, ops::mul, ops::div, ops::sqrt, ops::fma};

template <class T>
exhaustive::tally random_vs_kernel(std::uint64_t n) {
  using F = typename T::format_type;
  operands::generator<F> gen(0xFA57 + F::total_bits * 7 + F::exponent_bits);
  exhaustive::tally t;
  const std::string name = oracle::format_desc::of<F>().name();
  for (std::uint64_t i = 0; i < n; ++i) {
    const std::uint64_t a = gen.operand(), b = gen.operand(a), c = gen.operand(a);
    for (ops o : all_ops) {
      const std::uint32_t w = exhaustive::case_word(a, b, c, static_cast<int>(o));
      auto one = [&](auto mode_tag) {
        using Mode = decltype(mode_tag);
        const std::uint64_t got = exhaustive::lib<T, Mode>::api(o, a, b, c, w);
        const std::uint64_t want = exhaustive::lib<T, Mode>::kernel(o, a, b, c, w);
        t.record(got == want, "op", name, oracle::mode_of<Mode>(), a, b, c, got, want);
      };
      std::apply([&](auto... modes) { (one(modes), ...); }, exhaustive::all_modes{});
    }
  }
  return t;
}

// c[i] = a[i] op b[i] over arrays: the loops a user writes (vectorized at -O3 with AVX2).
template <class T>
void loop_add(const T* a, const T* b, T* c, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) c[i] = a[i] + b[i];
}
template <class T>
void loop_sub(const T* a, const T* b, T* c, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) c[i] = a[i] - b[i];
}
template <class T>
void loop_mul(const T* a, const T* b, T* c, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) c[i] = a[i] * b[i];
}
template <class T>
void loop_div(const T* a, const T* b, T* c, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) c[i] = a[i] / b[i];
}
template <class T>
void loop_fma(const T* a, const T* b, T* c, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) c[i] = fma(a[i], b[i], c[i]);
}
template <class T, class Mode>
void loop_add_mode(const T* a, const T* b, T* c, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) c[i] = add(a[i], b[i], Mode{});
}

template <class T>
std::uint64_t loops_vs_kernel(std::size_t n) {
  using F = typename T::format_type;
  using S = typename F::storage;
  operands::generator<F> gen(0x100F + F::total_bits);
  std::vector<T> a(n), b(n), c(n), c0(n);
  for (std::size_t i = 0; i < n; ++i) {
    a[i] = T::from_bits(static_cast<S>(gen.operand()));
    b[i] = T::from_bits(static_cast<S>(gen.operand(a[i].bits())));
    c0[i] = T::from_bits(static_cast<S>(gen.operand(a[i].bits())));
  }
  std::uint64_t mismatches = 0;
  auto check = [&](ops o, auto mode_tag, const char* what) {
    using Mode = decltype(mode_tag);
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t want = exhaustive::lib<T, Mode>::kernel(o, a[i].bits(), b[i].bits(), c0[i].bits(), 0);
      if (c[i].bits() != want && ++mismatches <= 10)
        std::printf("MISMATCH loop %s %s a=%#llx b=%#llx c=%#llx got=%#llx want=%#llx\n", what,
                    oracle::format_desc::of<F>().name().c_str(), (unsigned long long)a[i].bits(),
                    (unsigned long long)b[i].bits(), (unsigned long long)c0[i].bits(), (unsigned long long)c[i].bits(),
                    (unsigned long long)want);
    }
  };
  loop_add(a.data(), b.data(), c.data(), n);
  check(ops::add, round::nearest_even{}, "add");
  loop_sub(a.data(), b.data(), c.data(), n);
  check(ops::sub, round::nearest_even{}, "sub");
  loop_mul(a.data(), b.data(), c.data(), n);
  check(ops::mul, round::nearest_even{}, "mul");
  loop_div(a.data(), b.data(), c.data(), n);
  check(ops::div, round::nearest_even{}, "div");
  c = c0;
  loop_fma(a.data(), b.data(), c.data(), n);
  check(ops::fma, round::nearest_even{}, "fma");
  loop_add_mode<T, round::upward>(a.data(), b.data(), c.data(), n);
  check(ops::add, round::upward{}, "add upward");
  loop_add_mode<T, round::downward>(a.data(), b.data(), c.data(), n);
  check(ops::add, round::downward{}, "add downward");
  loop_add_mode<T, round::toward_zero>(a.data(), b.data(), c.data(), n);
  check(ops::add, round::toward_zero{}, "add toward_zero");
  return mismatches;
}

bool cpu_ok() {
#if defined(__AVX2__) && defined(__x86_64__)
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("f16c") && __builtin_cpu_supports("fma");
#else
  return true;
#endif
}

}  // namespace

// Every boundary of every fast path's domain, and formats on each side of it.
#define FLOATLAB_BOUNDARY_FORMATS                                                                               \
  binary16, (cfloat<5, 11>), bfloat16, (cfloat<8, 8>), tf32, (cfloat<8, 11>), (cfloat<9, 7>), (cfloat<9, 10>),  \
      (cfloat<9, 11>), (cfloat<10, 7>), (cfloat<6, 24>), (cfloat<6, 25>), (cfloat<6, 26>), (cfloat<9, 25>),       \
      (cfloat<9, 24>), e5m2, e4m3, (cfloat<6, 9>), (cfloat<7, 10>), (cfloat<8, 7, round::nearest_even, encoding::ieee_ftz>), \
      (cfloat<8, 7, round::nearest_even, encoding::fn>), (cfloat<8, 7, round::nearest_even, encoding::fnuz>),       \
      (cfloat<7, 8, round::nearest_even, encoding::fnuz_satfinite>), (cfloat<5, 10, round::nearest_even, encoding::ieee_ftz>), \
      (cfloat<3, 8, round::nearest_even, encoding::finite>)

TEMPLATE_TEST_CASE("fast paths match the integer kernels on the boundaries of their domains", "[fast_path]",
                   FLOATLAB_BOUNDARY_FORMATS) {
  if (!cpu_ok()) return;
  const exhaustive::tally t = random_vs_kernel<TestType>(static_cast<std::uint64_t>(20000 * operands::test_scale()));
  std::printf("%s: %llu cases vs kernel, %llu mismatches\n",
              oracle::format_desc::of<typename TestType::format_type>().name().c_str(), (unsigned long long)t.cases,
              (unsigned long long)t.mismatches);
  CHECK(t.cases > 0);
  REQUIRE(t.mismatches == 0);
}

TEMPLATE_TEST_CASE("vectorized loops of cfloat match the integer kernels", "[fast_path][loops]", binary16, bfloat16,
                   e4m3, e5m2, (cfloat<6, 9>), tf32, (cfloat<9, 20>)) {
  if (!cpu_ok()) return;
  const std::size_t n = static_cast<std::size_t>(200000 * operands::test_scale()) + 7;
  REQUIRE(loops_vs_kernel<TestType>(n) == 0);
}

// Every pair of a 16-bit format for one op and mode, public API vs kernel.
template <class T, class Mode>
exhaustive::tally all_pairs(ops o) {
  using F = typename T::format_type;
  exhaustive::tally t;
  const std::string name = oracle::format_desc::of<F>().name();
  for (std::uint64_t a = 0; a < 65536; ++a) {
    if (o == ops::sqrt) {
      const std::uint64_t got = exhaustive::lib<T, Mode>::api(o, a, 0, 0, 0), want = exhaustive::lib<T, Mode>::kernel(o, a, 0, 0, 0);
      t.record(got == want, "sqrt", name, oracle::mode_of<Mode>(), a, 0, 0, got, want);
      continue;
    }
    for (std::uint64_t b = 0; b < 65536; ++b) {
      const std::uint64_t got = exhaustive::lib<T, Mode>::api(o, a, b, 0, 0), want = exhaustive::lib<T, Mode>::kernel(o, a, b, 0, 0);
      t.record(got == want, "op", name, oracle::mode_of<Mode>(), a, b, 0, got, want);
    }
  }
  return t;
}

TEMPLATE_TEST_CASE("all 2^32 pairs of 16-bit formats: float path vs kernel", "[fast_path][full]", binary16, bfloat16) {
  for (ops o : {ops::add, ops::sub, ops::mul, ops::div, ops::sqrt}) {
    const exhaustive::tally t = all_pairs<TestType, round::nearest_even>(o);
    std::printf("all pairs op %d: %llu cases, %llu mismatches\n", static_cast<int>(o), (unsigned long long)t.cases,
                (unsigned long long)t.mismatches);
    REQUIRE(t.mismatches == 0);
  }
}

TEST_CASE("all 2^32 pairs of binary16 in round::upward: double path vs kernel", "[fast_path][full]") {
  for (ops o : {ops::add, ops::mul, ops::div}) {
    const exhaustive::tally t = all_pairs<binary16, round::upward>(o);
    REQUIRE(t.mismatches == 0);
  }
}

// Which path each boundary format takes (the table in rounding.hpp), so that the boundaries
// above really are boundaries.
namespace {
using rne = round::nearest_even;
template <class T>
using fmt = typename T::format_type;
using floatlab::detail::double_path_ok;
using floatlab::detail::float_mul_ok;
using floatlab::detail::float_path_ok;
using floatlab::detail::nearest_path_ok;
static_assert(float_path_ok<fmt<binary16>, rne> && float_mul_ok<fmt<binary16>, rne>, "p = 11, E = 5: float path");
static_assert(!float_path_ok<fmt<cfloat<5, 11>>, rne> && nearest_path_ok<fmt<cfloat<5, 11>>, rne>, "p = 12: nearest path");
static_assert(float_mul_ok<fmt<bfloat16>, rne>, "E = 8, p = 8: float path, mul too");
static_assert(float_path_ok<fmt<cfloat<8, 8>>, rne> && !float_mul_ok<fmt<cfloat<8, 8>>, rne>, "E = 8, p = 9: mul in double");
static_assert(float_path_ok<fmt<tf32>, rne> && !float_mul_ok<fmt<tf32>, rne>, "E = 8, p = 11: mul in double");
static_assert(float_mul_ok<fmt<cfloat<7, 10>>, rne>, "E = 7, p = 11: float path, mul too");
static_assert(!float_path_ok<fmt<cfloat<9, 7>>, rne> && nearest_path_ok<fmt<cfloat<9, 7>>, rne>, "E = 9: nearest path");
static_assert(!double_path_ok<fmt<cfloat<10, 7>>, rne>, "E = 10: integer kernels");
static_assert(nearest_path_ok<fmt<cfloat<6, 24>>, rne> && !nearest_path_ok<fmt<cfloat<6, 25>>, rne>, "p = 25 | 26");
static_assert(double_path_ok<fmt<cfloat<6, 25>>, round::upward> && !double_path_ok<fmt<cfloat<6, 26>>, rne>, "p = 26 | 27");
static_assert(!double_path_ok<fmt<cfloat<6, 25>>, round::stochastic<32>> && double_path_ok<fmt<binary16>, round::stochastic<32>>,
              "stochastic: p + R + 1 <= 53");
static_assert(!float_path_ok<fmt<cfloat<8, 7, rne, encoding::ieee_ftz>>, rne> &&
                  !float_path_ok<fmt<cfloat<8, 7, rne, encoding::fn>>, rne> &&
                  !float_path_ok<fmt<cfloat<8, 7, rne, encoding::fnuz>>, rne>,
              "E = 8 without subnormals, or with emax 128 or emin -127: not in float");
static_assert(float_path_ok<fmt<cfloat<5, 10, rne, encoding::ieee_ftz>>, rne>, "binary16 ftz: float path");
}  // namespace
