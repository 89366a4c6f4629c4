// GEMM against plain loops of the scalar cfloat operations, bit for bit: every accumulation
// kind (per operation, fused, chunked FP32 / exact), every mode, layouts, transposes,
// leading dimensions, alpha/beta, strided batches, edge shapes; thread-count independence,
// seeds, a statistical check of stochastic rounding, rejections, and the peers' known faults.
#include <catch2/catch.hpp>

#include "gemm_ref.hpp"

using namespace floatlab;
namespace T = floatlab::tensor;

#ifdef FLOATLAB_GEMM_CHECK_FULL
#define GEMM_TIER "[full]"
#else
#define GEMM_TIER ""
#endif

namespace {

template <class X>
double as_double(X x) {
  if constexpr (is_cfloat_v<X>) return static_cast<double>(x);
  else return static_cast<double>(x);
}

using gref::reference;
using gref::sizes;

template <class V>
std::size_t mismatches(const V& x, const V& y) {
  std::size_t bad = 0;
  for (std::size_t i = 0; i < x.size(); ++i) bad += !tref::same(x[i], y[i]);
  return bad;
}


// scenario >= 0: the inputs (and C) of tref::scenario_floats; the call's flags go to *seen.
template <class Recipe, class Mode, class TC = float>
std::size_t compare(const T::gemm_shape& s, std::uint64_t seed, float scale = 1.0f, bool specials = true, int scenario = -1,
                    std::uint32_t* seen = nullptr) {
  using Plan = T::detail::gemm_plan<Recipe, TC, Mode, T::counter_source>;
  std::size_t na, nb, nc;
  sizes(s, na, nb, nc);
  auto gen = [&](std::size_t n, std::uint64_t sd, bool sp) {
    return scenario >= 0 ? tref::scenario_floats(n, sd, sp ? scenario : (scenario == 0 ? 0 : 1)) : tref::random_floats(n, sd, scale, sp);
  };
  const auto A = gen(na, seed, specials), B = gen(nb, seed + 1, specials);
  const auto C0f = gen(nc, seed + 2, false);
  std::vector<TC> C0(nc);
  for (std::size_t i = 0; i < nc; ++i) C0[i] = convert<TC>(convert<typename Plan::Acc>(C0f[i]), round::nearest_even{});
  std::vector<TC> got = C0, want = C0;
  const T::counter_source src{seed * 7 + 1};
  const status st = T::gemm<Recipe>(s, A, B, got, Mode{}, src);
  REQUIRE_FALSE(st.rejected());
  const std::uint32_t want_flags =
      reference<typename Plan::InA, typename Plan::InB, typename Plan::Prod, typename Plan::Acc, typename Plan::Kind, TC, typename Plan::MOut>{s, src}
          .run(A, B, want);
  std::size_t bad = mismatches(got, want);
  if (seen) *seen = st.flags;
  if (st.flags != want_flags) {
    WARN(__PRETTY_FUNCTION__ << " shape m" << s.m << " n" << s.n << " k" << s.k << " batch " << s.batch << ": flags " << st.flags
                             << " want " << want_flags);
    ++bad;
  }
  if (bad) {
    for (std::size_t i = 0; i < got.size(); ++i)
      if (!tref::same(got[i], want[i])) {
        WARN(__PRETTY_FUNCTION__ << " shape m" << s.m << " n" << s.n << " k" << s.k << " alpha " << s.alpha << " beta " << s.beta << " at " << i << ": got "
                       << as_double(got[i]) << " want " << as_double(want[i]) << " c0 " << as_double(C0[i]) << " order " << (int)s.order << (int)s.trans_a << (int)s.trans_b << " ld " << s.lda << " " << s.ldb << " " << s.ldc << " batch " << s.batch);
        if (s.k == 1) WARN("a " << A[i / s.n] << " b " << B[i % s.n]);
        break;
      }
  }
  return bad;
}

template <class V>
std::size_t mismatches(const std::vector<V>& x, const std::vector<V>& y) {
  std::size_t bad = 0;
  for (std::size_t i = 0; i < x.size(); ++i) bad += !tref::same(x[i], y[i]);
  return bad;
}

std::vector<T::gemm_shape> shapes(std::uint64_t seed, int count) {
  std::mt19937_64 rng(seed);
  const std::size_t dims[] = {0, 1, 2, 3, 4, 5, 7, 13, 31, 63, 64, 65, 67};
  std::vector<T::gemm_shape> v;
  for (int t = 0; t < count; ++t) {
    T::gemm_shape s;
    s.m = dims[rng() % 13];
    s.n = dims[rng() % 13];
    s.k = dims[rng() % 13];
    if (t == 0) s.m = 5, s.n = 70, s.k = 1;  // K = 1
    if (t == 1) s.m = 3, s.n = 66, s.k = static_cast<std::size_t>(tref::scaled(3000, 50));  // long K
    if (t == 2) s.m = 0;
    s.order = rng() % 2 ? T::layout::row_major : T::layout::col_major;
    s.trans_a = rng() % 2 ? T::op_t::trans : T::op_t::none;
    s.trans_b = rng() % 2 ? T::op_t::trans : T::op_t::none;
    if (rng() % 3 == 0) {  // padded leading dimensions
      const bool row = s.order == T::layout::row_major;
      auto line = [&](std::size_t r, std::size_t c) { return row ? c : r; };
      s.lda = line(s.trans_a == T::op_t::trans ? s.k : s.m, s.trans_a == T::op_t::trans ? s.m : s.k) + rng() % 5;
      s.ldb = line(s.trans_b == T::op_t::trans ? s.n : s.k, s.trans_b == T::op_t::trans ? s.k : s.n) + rng() % 5;
      s.ldc = line(s.m, s.n) + rng() % 5;
      if (s.lda == 0) s.lda = 1;
      if (s.ldb == 0) s.ldb = 1;
      if (s.ldc == 0) s.ldc = 1;
    }
    if (rng() % 4 == 0) s.batch = 1 + rng() % 3;
    const int ab = static_cast<int>(rng() % 4);
    if (ab == 1) s.beta = 1;
    if (ab == 2) s.alpha = 0.5, s.beta = -2;
    if (ab == 3) s.alpha = 3;
    v.push_back(s);
  }
  return v;
}

// The IEEE flags on the inputs of tref::scenario_floats (each call's status against the
// reference's _status forms, in compare), on 1, 2 and 7 threads in turn. The check can fail
// both ways: every flag of inexact, underflow, overflow and invalid must occur in some call and
// be absent in another (for the recipes whose formats can raise it).
template <class Recipe, class Mode, class TC>
void flag_scenarios(std::uint64_t seed, int count) {
  using Plan = T::detail::gemm_plan<Recipe, TC, Mode, T::counter_source>;
  std::mt19937_64 rng(seed * 31 + 5);
  const std::size_t dims[] = {1, 3, 8, 9, 16, 17, 24, 40, 64, 67};
  std::size_t bad = 0;
  std::uint32_t some = 0, all = ~0u;
  const int threads[] = {1, 2, 7};
  for (int t = 0; t < count; ++t)
    for (int sc = 0; sc < tref::flag_scenarios; ++sc) {
      T::gemm_shape s;
      s.m = dims[rng() % 10], s.n = dims[rng() % 10] + (rng() % 2 ? 64 : 0), s.k = dims[rng() % 10];
      if (rng() % 4 == 0) s.trans_a = T::op_t::trans;
      const int ab = static_cast<int>(rng() % 5);
      if (ab == 1) s.beta = 1;
      if (ab == 2) s.alpha = 0.5, s.beta = -2;
      if (ab == 3 && sc != 0) s.alpha = 0.1;  // alpha rounds inexactly to Acc
      T::set_threads(threads[(t + sc) % 3]);
      std::uint32_t f = 0;
      bad += compare<Recipe, Mode, TC>(s, seed * 1000 + static_cast<std::uint64_t>(t * 16 + sc), 1.0f, true, sc, &f);
      some |= f, all &= f;
    }
  T::set_threads(0);
  CHECK(bad == 0);
  INFO(__PRETTY_FUNCTION__ << " flags seen in some call " << some << ", in every call " << all);
  CHECK((some & status::inexact) != 0);
  CHECK((some & status::invalid) != 0);
  CHECK((all & (status::inexact | status::invalid | status::overflow | status::underflow)) == 0);
  if constexpr (Plan::FC::emax <= 15) CHECK((some & status::overflow) != 0);
  if constexpr (Plan::FC::emax <= 15 && Plan::FP::emax <= 15) CHECK((some & status::underflow) != 0);
}

// CI runs each recipe in nearest even, stochastic<8> and one directed mode (rotating with the
// seed, so that every mode occurs); FLOATLAB_FULL_TESTS=ON builds test_tensor_gemm_full
// (-DFLOATLAB_GEMM_CHECK_FULL), which runs every recipe in all 7 modes, tagged [full].
// This halves the CI compile of this file (docs/testing.md).
template <std::uint64_t Seed, class Recipe, class TC = float>
void all_modes(int count) {
  std::uint64_t seed = Seed;
  auto run = [&](auto mode) {
    using Mode = decltype(mode);
    std::size_t bad = 0;
    for (const auto& s : shapes(seed, count)) bad += compare<Recipe, Mode, TC>(s, seed++);
    CHECK(bad == 0);
    flag_scenarios<Recipe, Mode, TC>(seed, (count + 1) / 2);
  };
  run(round::nearest_even{});
  run(round::stochastic<8>{});
#ifdef FLOATLAB_GEMM_CHECK_FULL
  run(round::nearest_away{});
  run(round::toward_zero{});
  run(round::upward{});
  run(round::downward{});
  run(round::odd{});
#else
  constexpr std::uint64_t rot = Seed / 50 % 5;
  if constexpr (rot == 0) run(round::nearest_away{});
  else if constexpr (rot == 1) run(round::toward_zero{});
  else if constexpr (rot == 2) run(round::upward{});
  else if constexpr (rot == 3) run(round::downward{});
  else run(round::odd{});
#endif
}

using b16 = binary16;

}  // namespace

TEST_CASE("gemm per operation: binary16 products and sums (float lanes)", "[tensor][gemm]" GEMM_TIER) {
  all_modes<100, T::gemm_recipe<b16, b16, b16>>(static_cast<int>(tref::scaled(24, 6)));
}

TEST_CASE("gemm per operation: e4m3 inputs, binary16 products and sums", "[tensor][gemm]" GEMM_TIER) {
  all_modes<200, T::gemm_recipe<e4m3, b16, b16>>(static_cast<int>(tref::scaled(16, 6)));
  all_modes<250, T::gemm_recipe<e5m2, b16, b16, T::per_operation, e4m3>>(static_cast<int>(tref::scaled(12, 6)));
}

TEST_CASE("gemm per operation: bfloat16 products, binary32 sums (exact scalar kernel)", "[tensor][gemm]" GEMM_TIER) {
  all_modes<300, T::gemm_recipe<bfloat16, bfloat16, binary32>>(static_cast<int>(tref::scaled(8, 4)));
}

TEST_CASE("gemm fused mode: one rounding per step", "[tensor][gemm]" GEMM_TIER) {
  all_modes<400, T::gemm_recipe<b16, b16, b16, T::fused>>(static_cast<int>(tref::scaled(16, 6)));
  all_modes<450, T::gemm_recipe<e4m3, b16, bfloat16, T::fused>>(static_cast<int>(tref::scaled(10, 4)));
  all_modes<470, T::gemm_recipe<bfloat16, bfloat16, bfloat16, T::fused>>(static_cast<int>(tref::scaled(6, 3)));
}

TEST_CASE("gemm chunked mode with binary32 partial sums", "[tensor][gemm]" GEMM_TIER) {
  all_modes<500, T::gemm_recipe<e4m3, b16, b16, T::chunked<4>>>(static_cast<int>(tref::scaled(12, 4)));
  all_modes<550, T::gemm_recipe<b16, b16, b16, T::chunked<16>>>(static_cast<int>(tref::scaled(12, 4)));
  all_modes<570, T::gemm_recipe<bfloat16, bfloat16, bfloat16, T::chunked<8>>>(static_cast<int>(tref::scaled(6, 3)));
}

TEST_CASE("gemm chunked mode with exact partial sums", "[tensor][gemm]" GEMM_TIER) {
  all_modes<580, T::gemm_recipe<b16, b16, b16, T::chunked<16, T::exact_partial>>>(static_cast<int>(tref::scaled(8, 3)));
}

// A binary32 accumulator in nearest-even runs on the float lanes (float addition is its
// rounding); every result equals the scalar reference loop (the exact kernel's semantics).
TEST_CASE("gemm binary32 nearest-even accumulator on the lane kernel", "[tensor][gemm]" GEMM_TIER) {
  using RN = round::nearest_even;
  using R1 = T::gemm_recipe<b16, binary32, binary32>;
  using R2 = T::gemm_recipe<e4m3, b16, binary32>;
  using R3 = T::gemm_recipe<b16, b16, binary32, T::fused>;
  using R4 = T::gemm_recipe<e4m3, b16, binary32, T::chunked<32>>;
  STATIC_REQUIRE(T::detail::gemm_plan<R1, float, RN>::lane);
  STATIC_REQUIRE(T::detail::gemm_plan<R2, float, RN>::lane);
  STATIC_REQUIRE(T::detail::gemm_plan<R3, float, RN>::lane);
  STATIC_REQUIRE(T::detail::gemm_plan<R4, float, RN>::lane);
  STATIC_REQUIRE_FALSE(T::detail::gemm_plan<R1, float, round::toward_zero>::lane);  // no spare bit: exact kernel
  const int count = static_cast<int>(tref::scaled(16, 6));
  std::size_t bad = 0;
  std::uint64_t seed = 650;
  for (const auto& s : shapes(seed, count)) {
    bad += compare<R1, RN>(s, seed) + compare<R2, RN>(s, seed + 1) + compare<R3, RN>(s, seed + 2) + compare<R4, RN>(s, seed + 3);
    bad += compare<R1, RN>(s, seed + 4, 1e4f) + compare<R3, RN>(s, seed + 5, 1e-3f);  // large / subnormal inputs
    seed += 6;
  }
  CHECK(bad == 0);
}

TEST_CASE("gemm output as cfloat codes", "[tensor][gemm]" GEMM_TIER) {
  all_modes<600, T::gemm_recipe<b16, b16, binary32>, b16>(static_cast<int>(tref::scaled(8, 3)));
}

TEST_CASE("gemm stochastic: identical for 1, 2 and 7 threads; seeds differ", "[tensor][gemm][threads]" GEMM_TIER) {
  auto run = [&](auto recipe, int threads, std::uint64_t seed) {
    using R = decltype(recipe);
    T::set_threads(threads);
    T::gemm_shape s;
    s.m = 37, s.n = 131, s.k = 45;
    const auto A = tref::random_floats(s.m * s.k, 1, 1, false), B = tref::random_floats(s.k * s.n, 2, 1, false);
    std::vector<float> C(s.m * s.n);
    REQUIRE_FALSE(T::gemm<R>(s, A, B, C, round::stochastic<8>{}, T::counter_source{seed}).rejected());
    T::set_threads(0);
    return C;
  };
  auto check = [&](auto recipe) {
    const auto c1 = run(recipe, 1, 5), c2 = run(recipe, 2, 5), c7 = run(recipe, 7, 5), d = run(recipe, 1, 6);
    CHECK(mismatches(c1, c2) == 0);
    CHECK(mismatches(c1, c7) == 0);
    CHECK(mismatches(c1, d) > c1.size() / 4);  // another seed: most results differ
  };
  check(T::gemm_recipe<binary16, binary16, binary16>{});
  check(T::gemm_recipe<bfloat16, bfloat16, bfloat16>{});
  check(T::gemm_recipe<e4m3, binary16, binary16, T::fused>{});
}

// Stochastic rounding is unbiased (to 2^-R ulp per rounding): the mean over seeds of a
// stochastic GEMM approaches the exact product. Nearest rounding of the same GEMM fails
// the same bound (checked below), so the bound can fail.
TEST_CASE("gemm stochastic rounding is unbiased", "[tensor][gemm][stat]" GEMM_TIER) {
  T::gemm_shape s;
  s.m = 2, s.n = 3, s.k = 64;
  std::mt19937_64 rng(17);
  std::vector<binary16> A(s.m * s.k), B(s.k * s.n);
  for (auto& a : A) a = convert<binary16>(0.25 + 0.75 * std::ldexp(static_cast<double>(rng() >> 11), -53));
  for (auto& b : B) b = convert<binary16>(0.25 + 0.75 * std::ldexp(static_cast<double>(rng() >> 11), -53));
  std::vector<double> exact(s.m * s.n, 0.0);
  for (std::size_t i = 0; i < s.m; ++i)
    for (std::size_t j = 0; j < s.n; ++j)
      for (std::size_t k = 0; k < s.k; ++k) exact[i * s.n + j] += static_cast<double>(A[i * s.k + k]) * static_cast<double>(B[k * s.n + j]);
  const int runs = static_cast<int>(tref::scaled(400, 100));
  auto zscore = [&](auto mode) {
    using Mode = decltype(mode);
    std::vector<double> sum(exact.size(), 0), sum2(exact.size(), 0);
    for (int r = 0; r < runs; ++r) {
      std::vector<double> C(exact.size());
      REQUIRE_FALSE(T::gemm<T::gemm_recipe<binary16, binary16, binary16>>(s, A, B, C, Mode{}, T::counter_source{std::uint64_t(r) + 1}).rejected());
      for (std::size_t i = 0; i < C.size(); ++i) sum[i] += C[i], sum2[i] += C[i] * C[i];
    }
    double worst = 0;
    for (std::size_t i = 0; i < exact.size(); ++i) {
      const double mean = sum[i] / runs, var = sum2[i] / runs - mean * mean;
      const double se = std::sqrt(std::max(var, 0.0) / runs);
      // Truncating the fraction to R bits biases each rounding down by < 2^-R ulp (ulp <= 2^-5 here).
      const double bias = 2.0 * static_cast<double>(s.k) * std::ldexp(1.0, -16 - 5);
      worst = std::max(worst, (std::abs(mean - exact[i]) - bias) / std::max(se, 1e-300));
    }
    return worst;
  };
  const double z = zscore(round::stochastic<16>{});
  INFO("worst z of the stochastic mean: " << z);
  CHECK(z < 5.0);
  CHECK(zscore(round::toward_zero{}) > 5.0);  // a biased rounding fails the same test
}

TEST_CASE("gemm rejects bad arguments before writing", "[tensor][gemm]" GEMM_TIER) {
  using R = T::gemm_recipe<binary16, binary16, binary16>;
  std::vector<float> A(20, 1.0f), B(20, 1.0f), C(20, 9.0f);
  T::gemm_shape s;
  s.m = 4, s.n = 5, s.k = 5;
  CHECK(T::gemm<R>(s, A, B, C).has(status::bad_shape));  // B too small (25 > 20)
  s.k = 4;
  s.lda = 3;  // smaller than a row
  CHECK(T::gemm<R>(s, A, B, C).has(status::bad_shape));
  s.lda = 0;
  CHECK(T::gemm<R>(s, A, floatlab::array_view<const float>(C.data(), 20), C).has(status::bad_argument));  // B aliases C
  CHECK(T::gemm<R>(s, floatlab::array_view<const float>(nullptr, 16), B, C).has(status::bad_argument));
  s.m = std::size_t{1} << 40, s.n = std::size_t{1} << 40;
  CHECK(T::gemm<R>(s, A, B, C).has(status::bad_shape));  // overflow
  s.m = 4, s.n = 5, s.batch = 2, s.stride_c = 3;  // batches of C overlap
  CHECK(T::gemm<R>(s, A, B, C).rejected());
  for (float v : C) CHECK(v == 9.0f);
  const status st = T::gemm<R>(T::gemm_shape{}, A, B, C);  // 0 x 0
  CHECK(!st.rejected());
}

// ---- the peers' known faults, which floatlab does not share -----------------------------

// MPTorch's fma mode rounds c + a*b to FP32 and then to the accumulator: twice. floatlab's
// fused GEMM rounds once. Random e5m10 triples: the double-rounded result differs in some;
// floatlab's K = 1 fused GEMM (acc = c through beta = 1) equals the single rounding in all.
TEST_CASE("peer fault: fma mode double rounding through FP32 (MPTorch)", "[tensor][gemm][peers]" GEMM_TIER) {
  std::mt19937_64 rng(23);
  const std::size_t n = tref::scaled(2000000, 200000);
  std::vector<binary16> a(n), b(n), c(n);
  for (std::size_t i = 0; i < n; ++i) {
    a[i] = binary16::from_bits(static_cast<std::uint16_t>(rng() & 0x7BFF));
    b[i] = binary16::from_bits(static_cast<std::uint16_t>(rng() & 0x7BFF));
    // c a few binades above the product, so that c + a*b needs more than float's 24 bits.
    const int pe = static_cast<int>(a[i].bits() >> 10) + static_cast<int>(b[i].bits() >> 10) - 15 + 5 + static_cast<int>(rng() % 9);
    c[i] = binary16::from_bits(static_cast<std::uint16_t>((rng() & 0x83FF) | static_cast<unsigned>(std::clamp(pe, 1, 30)) << 10));
  }
  // Batched 1 x 1 x 1 fused GEMMs, C starting from c (beta = 1).
  T::gemm_shape s;
  s.m = s.n = s.k = 1;
  s.batch = n;
  s.beta = 1;
  std::vector<binary16> out = c;
  REQUIRE_FALSE(T::gemm<T::gemm_recipe<binary16, binary16, binary16, T::fused>>(s, a, b, out).rejected());
  std::size_t double_rounding_differs = 0, wrong = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const binary16 once = fma(a[i], b[i], c[i]);
    const binary16 twice = convert<binary16>(fma(convert<binary32>(a[i]), convert<binary32>(b[i]), convert<binary32>(c[i])));
    double_rounding_differs += once.bits() != twice.bits() && !isnan(once);
    wrong += out[i].bits() != once.bits();
  }
  INFO("triples where FP32-then-e5m10 differs: " << double_rounding_differs);
  CHECK(double_rounding_differs > 0);
  CHECK(wrong == 0);
}

// MPTorch's separate mode sums in FP32 and rounds to the accumulator: innocuous only when
// 24 >= 2p + 2 (p <= 11). With 12 fraction bits it is wrong for some sums; floatlab is not.
TEST_CASE("peer fault: FP32 sums rounded to a 12-fraction-bit accumulator (MPTorch)", "[tensor][gemm][peers]" GEMM_TIER) {
  using A12 = cfloat<8, 12>;
  std::mt19937_64 rng(29);
  // Not scaled down: double roundings are rare, and the seeded sample must contain some (the
  // check below would otherwise be vacuous at the sanitizer tier's scale).
  const std::size_t n = 400000;
  std::vector<A12> x(n), y(n);
  for (std::size_t i = 0; i < n; ++i) {
    x[i] = A12::from_bits(static_cast<std::uint32_t>(rng() % (std::uint64_t{1} << 21)) | 0x100000u * 0 + (120u << 12));
    y[i] = A12::from_bits(static_cast<std::uint32_t>(((120u + rng() % 14) << 12) | (rng() & 0xFFF)));
  }
  T::gemm_shape s;
  s.m = s.n = 1, s.k = 2, s.batch = n;
  // A = (x, 1), B = (1, y)^T: the sum x + y, per-operation (products exact: times one).
  std::vector<A12> Am(2 * n), Bm(2 * n), out(n);
  for (std::size_t i = 0; i < n; ++i) Am[2 * i] = x[i], Am[2 * i + 1] = A12(1.0), Bm[2 * i] = A12(1.0), Bm[2 * i + 1] = y[i];
  REQUIRE_FALSE(T::gemm<T::gemm_recipe<A12, A12, A12>>(s, Am, Bm, out).rejected());
  std::size_t via_fp32_differs = 0, wrong = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const A12 once = add(x[i], y[i]);
    const A12 twice = convert<A12>(static_cast<float>(x[i]) + static_cast<float>(y[i]));
    via_fp32_differs += once.bits() != twice.bits();
    wrong += out[i].bits() != once.bits();
  }
  INFO("sums where FP32-then-round differs: " << via_fp32_differs);
  CHECK(via_fp32_differs > 0);
  CHECK(wrong == 0);
}

// QPyTorch's "nearest" rounds ties away from zero; floatlab's nearest is IEEE ties-to-even.
TEST_CASE("peer fault: nearest rounding ties away (QPyTorch)", "[tensor][quantize][peers]" GEMM_TIER) {
  const std::vector<float> ties = {1.0f + 0x1p-11f, -(1.0f + 0x1p-11f), 1.0f + 3 * 0x1p-11f, 0x1p-25f, 2.5f};
  std::vector<float> out(ties.size());
  REQUIRE_FALSE(T::quantize<binary16>(ties, out).rejected());
  CHECK(out[0] == 1.0f);                    // even neighbour, not 1 + 2^-10
  CHECK(out[1] == -1.0f);
  CHECK(out[2] == 1.0f + 2 * 0x1p-10f);     // even neighbour above
  CHECK(out[3] == 0.0f);                    // half the smallest subnormal: ties to even zero
  CHECK(out[4] == 2.5f);
  REQUIRE_FALSE(T::quantize<binary16>(ties, out, round::nearest_away{}).rejected());
  CHECK(out[0] == 1.0f + 0x1p-10f);         // the mode QPyTorch calls nearest, on request only
}

// QPyTorch's stochastic rounding of subnormals rounds twice. floatlab: for x = 0.3 * 2^-24
// (below the smallest binary16 subnormal 2^-24), stochastic<8> rounds up for exactly the words
// r with floor(0.3 * 256) + r >= 256: 76 of the 256 words.
TEST_CASE("peer fault: stochastic subnormals round once (QPyTorch)", "[tensor][quantize][peers]" GEMM_TIER) {
  const float x = 0.3f * 0x1p-24f;
  const auto f = static_cast<unsigned>(std::floor(static_cast<double>(x) / 0x1p-24 * 256));
  std::size_t ups = 0;
  for (std::uint32_t r = 0; r < 256; ++r) {
    // A source whose word for element 0 is r << 24: search a seed per r (cheap: 8 bits).
    std::uint64_t seed = 0;
    while ((philox_word(seed, 0, T::quantize_operation) >> 24) != r) ++seed;
    std::vector<float> in{x}, out(1);
    REQUIRE_FALSE(T::quantize<binary16>(in, out, round::stochastic<8>{}, T::counter_source{seed}).rejected());
    ups += out[0] != 0.0f;
    CHECK((out[0] == 0.0f || out[0] == 0x1p-24f));
  }
  CHECK(f == 76u);
  CHECK(ups == 76u);
}
