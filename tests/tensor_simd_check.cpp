// The SIMD paths of the tensor operations (tensor/simd.hpp) against the exact scalar core, bit
// for bit: quantize (float and cfloat sources, float and code outputs), dequantize, the
// elementwise operations and the GEMM / conv2d lane kernels (per operation, fused, chunked),
// every mode. 8-bit formats: every input, pair (and product pair in GEMM); 16-bit formats:
// large random + edge sets (NaN, inf, subnormals, overflow, ties, close exponents).
// Tiers: the full instantiation set (every format x every mode of each section) is built only
// with FLOATLAB_FULL_TESTS=ON (test_tensor_simd_full_v3 / _v4, -DFLOATLAB_SIMD_CHECK_FULL,
// cases tagged [full]); the CI build (test_tensor_simd_v3 / _v4) instantiates a subset in
// which every format and every mode of each section still occurs (the lists below, "CI:"),
// each check exhaustive over its inputs as in the full set. Compile cost: about 4 CPU-minutes
// for the full set, about 1 for the CI subset (docs/testing.md).
// This file is built twice (tests/compile_checks.cmake: test_tensor_simd_v3 with
// -march=x86-64-v3, AVX2 + FMA, 8 lanes; test_tensor_simd_v4 with -march=x86-64-v4, 16 lanes,
// where the CPU has AVX-512); FLOATLAB_EXPECT_SIMD_WIDTH checks that each runs the width it
// was made for. The x86-64 build's scalar lanes are what test_tensor_{lane,elementwise,gemm,
// conv} check. The exact kernel: the scalar cfloat operations, and for GEMM/conv the tensor
// kernel on unpacked values (a recipe with force_exact_kernel).
#include <catch2/catch.hpp>

#include "gemm_ref.hpp"

using namespace floatlab;
namespace T = floatlab::tensor;

#ifdef FLOATLAB_SIMD_CHECK_FULL
#define SIMD_TIER "[full]"
#define SIMD_CI(...)
#define SIMD_FULL(...) __VA_ARGS__
#else
#define SIMD_TIER ""
#define SIMD_CI(...) __VA_ARGS__
#define SIMD_FULL(...)
#endif

namespace {

using e5m10_ftz = cfloat<5, 10, round::nearest_even, encoding::ieee_ftz>;
using e4m3_sat = cfloat<4, 3, round::nearest_even, encoding::fn_satfinite>;

template <class X>
auto bits_of(const X& x) {
  if constexpr (is_cfloat_v<X>) return x.bits();
  else return tref::fbits(x);
}

// Floats to quantize: every value of F, the midpoints between neighbours, their float
// neighbours (both signs), float specials and extremes, and a stride over all floats.
template <class F>
std::vector<float> quantize_inputs(std::uint64_t stride) {
  std::vector<float> v;
  const std::uint64_t n = std::uint64_t{1} << F::total_bits;
  for (std::uint64_t b = 0; b < n; ++b) {
    const float x = T::detail::lane_decode<F>(b);
    if (!(x == x) || std::isinf(x)) continue;
    float next = T::detail::lane_decode<F>(b + 1 < n ? b + 1 : b);
    if (!(next > x)) next = std::ldexp(1.0f, F::emax + 1);
    const float mid = static_cast<float>((static_cast<double>(x) + next) / 2);
    for (float y : {x, std::nextafter(x, INFINITY), std::nextafter(x, -INFINITY), mid, std::nextafter(mid, INFINITY),
                    std::nextafter(mid, -INFINITY)})
      v.push_back(y), v.push_back(-y);
  }
  for (float y : {0.0f, -0.0f, INFINITY, -INFINITY, NAN, -NAN, 1e-45f, -1e-45f, 1.17549435e-38f, 3.4028235e38f, -3.4028235e38f})
    v.push_back(y);
  for (std::uint64_t i = 77; i < (std::uint64_t{1} << 32); i += stride) v.push_back(tref::ffrom(static_cast<std::uint32_t>(i)));
  return v;
}

template <class TT, class Mode>
std::size_t check_quantize(const std::vector<float>& in, std::uint64_t seed) {
  const T::counter_source src{seed};
  std::vector<float> outf(in.size());
  std::vector<TT> outc(in.size());
  REQUIRE_FALSE(T::quantize<TT>(in, outf, Mode{}, src).rejected());
  REQUIRE_FALSE(T::quantize<TT>(in, outc, Mode{}, src).rejected());
  std::size_t bad = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const TT want = convert<TT>(in[i], Mode{}, fixed_word{src.word(i, T::quantize_operation)});
    bad += outc[i].bits() != want.bits();
    bad += !tref::same(outf[i], convert<float>(want));
  }
  return bad;
}

// Status flags: quantize of each group of 16 inputs (one 16-lane block, two 8-lane ones)
// reports the OR of convert_status's flags over the group.
template <class TT, class Mode>
std::size_t check_quantize_flags(const std::vector<float>& in, std::uint64_t seed) {
  const T::counter_source src{seed};
  std::size_t bad = 0;
  std::vector<float> out(16);
  for (std::size_t g = 0; g + 16 <= in.size(); g += 16) {
    const std::vector<float> part(in.begin() + static_cast<std::ptrdiff_t>(g), in.begin() + static_cast<std::ptrdiff_t>(g + 16));
    const status st = T::quantize<TT>(part, out, Mode{}, src);
    std::uint32_t want = 0;
    for (std::size_t i = 0; i < 16; ++i) want |= convert_status<TT>(part[i], Mode{}, fixed_word{src.word(i, T::quantize_operation)}).flags.flags;
    bad += st.flags != want;
  }
  return bad;
}

// The modes of a section, as a type list.
template <class... M>
struct modes {};
using rn = round::nearest_even;
using ra = round::nearest_away;
using rz = round::toward_zero;
using ru = round::upward;
using rd = round::downward;
using ro = round::odd;
using sr8 = round::stochastic<8>;
using sr13 = round::stochastic<13>;
using all_quantize_modes = modes<rn, ra, rz, ru, rd, ro, sr8, sr13>;
using all_modes = modes<rn, ra, rz, ru, rd, ro, sr8>;

// Values and flags in each mode of Ms; flags also in each mode of Fs.
template <class TT, class... Ms, class... Fs>
void quantize_modes(std::uint64_t stride, modes<Ms...>, modes<Fs...>) {
  using F = typename TT::format_type;
  const auto in = quantize_inputs<F>(stride);
  std::size_t bad = 0;
  std::uint64_t seed = 1;
  ((bad += check_quantize<TT, Ms>(in, seed++)), ...);
  ((bad += check_quantize_flags<TT, Fs>(in, seed++)), ...);
  INFO("format E" << TT::exponent_bits << "M" << TT::fraction_bits << ", " << in.size() << " inputs x " << sizeof...(Ms) << " modes");
  CHECK(bad == 0);
}
template <class TT>
void quantize_all_modes(std::uint64_t stride) {
  quantize_modes<TT>(stride, all_quantize_modes{}, modes<rn, rz, sr8>{});
}

// Every pattern of a 16-bit (or 8-bit) source format quantized into a smaller format.
template <class Src, class TT, class Mode>
std::size_t check_quantize_codes(std::uint64_t seed) {
  using FS = typename Src::format_type;
  std::vector<Src> in(std::size_t{1} << FS::total_bits);
  for (std::size_t b = 0; b < in.size(); ++b) in[b] = Src::from_bits(static_cast<typename FS::storage>(b));
  const T::counter_source src{seed};
  std::vector<TT> out(in.size());
  std::vector<float> back(in.size());
  REQUIRE_FALSE(T::quantize<TT>(in, out, Mode{}, src).rejected());
  REQUIRE_FALSE(T::dequantize(in, back).rejected());
  std::size_t bad = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    bad += out[i].bits() != convert<TT>(in[i], Mode{}, fixed_word{src.word(i, T::quantize_operation)}).bits();
    bad += !tref::same(back[i], convert<float>(in[i]));
  }
  return bad;
}

}  // namespace

TEST_CASE("simd build: the width this test was built for", "[tensor][simd]" SIMD_TIER) {
#ifdef FLOATLAB_EXPECT_SIMD_WIDTH
  CHECK(T::detail::simd_width == FLOATLAB_EXPECT_SIMD_WIDTH);
#endif
  INFO("simd width " << T::detail::simd_width);
  CHECK((T::detail::simd_width == 1 || T::detail::simd_width == 8 || T::detail::simd_width == 16));
}

TEST_CASE("simd quantize equals convert: format values, midpoints, neighbours, float stride", "[tensor][simd]" SIMD_TIER) {
  const auto stride = static_cast<std::uint64_t>(1000003 / std::min(1.0, operands::test_scale()));
  SIMD_FULL(quantize_all_modes<binary16>(stride); quantize_all_modes<bfloat16>(stride); quantize_all_modes<e5m10_ftz>(stride);
            quantize_all_modes<e4m3>(stride); quantize_all_modes<e4m3_sat>(stride); quantize_all_modes<e5m2>(stride);
            quantize_all_modes<e4m3fnuz>(stride); quantize_all_modes<e3m2>(stride); quantize_all_modes<e2m1>(stride);)
  // CI: every format in one or two modes, every mode in two formats or more; flags in three.
  SIMD_CI(quantize_modes<binary16>(stride, modes<rn, ru, ro, sr13>{}, modes<rn, sr8>{});
          quantize_modes<bfloat16>(stride, modes<rn, rz>{}, modes<>{}); quantize_modes<e5m10_ftz>(stride, modes<rd>{}, modes<>{});
          quantize_modes<e4m3>(stride, modes<rn, sr8>{}, modes<rz>{}); quantize_modes<e4m3_sat>(stride, modes<ra>{}, modes<>{});
          quantize_modes<e5m2>(stride, modes<ru>{}, modes<>{}); quantize_modes<e4m3fnuz>(stride, modes<rz>{}, modes<>{});
          quantize_modes<e3m2>(stride, modes<ro>{}, modes<>{}); quantize_modes<e2m1>(stride, modes<rn>{}, modes<>{});)
}

TEST_CASE("simd quantize and dequantize of codes: every source pattern", "[tensor][simd]" SIMD_TIER) {
  CHECK(check_quantize_codes<binary16, e4m3, round::nearest_even>(1) == 0);
  CHECK(check_quantize_codes<bfloat16, e4m3, round::toward_zero>(3) == 0);
  CHECK(check_quantize_codes<e4m3, e2m1, round::upward>(5) == 0);
  CHECK(check_quantize_codes<e5m2, e4m3fnuz, round::stochastic<8>>(6) == 0);
  // CI: the four above.
  SIMD_FULL(CHECK(check_quantize_codes<binary16, e5m2, round::stochastic<8>>(2) == 0);
            CHECK(check_quantize_codes<bfloat16, binary16, round::nearest_even>(4) == 0);
            CHECK(check_quantize_codes<e4m3fnuz, e3m2, round::odd>(7) == 0);)
}

namespace {

// Nearest even into the formats of simd::rn_quantize_v (F16C for binary16, the float add of a
// constant for the others): every 16-bit pattern as the top half of a float, each with low
// halves at and around the ties and sticky bits of every format (the dropped bits of binary16
// are 0..12, of bfloat16 0..15, of the 8-bit formats 0..19 or more), values and flags (groups
// of 16); [full]: every float, values.
std::vector<float> rn_pattern_inputs() {
  std::vector<float> v;
  for (std::uint32_t hi = 0; hi < 0x10000u; ++hi)
    for (std::uint32_t lo : {0x0000u, 0x0001u, 0x0FFFu, 0x1000u, 0x1001u, 0x7FFFu, 0x8000u, 0x8001u, 0xFFFFu})
      v.push_back(tref::ffrom(hi << 16 | lo));
  return v;
}
template <class TT>
std::size_t rn_patterns(const std::vector<float>& in) {
  return check_quantize<TT, rn>(in, 1) + check_quantize_flags<TT, rn>(in, 1);
}
#ifdef FLOATLAB_SIMD_CHECK_FULL
template <class TT>
std::size_t rn_every_float() {
  constexpr std::uint64_t chunk = std::uint64_t{1} << 24;
  std::vector<float> in(chunk);
  std::size_t bad = 0;
  for (std::uint64_t b = 0; b < (std::uint64_t{1} << 32); b += chunk) {
    for (std::uint64_t i = 0; i < chunk; ++i) in[i] = tref::ffrom(static_cast<std::uint32_t>(b + i));
    bad += check_quantize<TT, rn>(in, 1);
  }
  return bad;
}
#endif

}  // namespace

TEST_CASE("simd quantize nearest even (rn_quantize_v): every 16-bit pattern with tie and sticky low halves", "[tensor][simd]" SIMD_TIER) {
  const auto in = rn_pattern_inputs();
  CHECK(rn_patterns<binary16>(in) == 0);
  CHECK(rn_patterns<bfloat16>(in) == 0);
  CHECK(rn_patterns<e4m3>(in) == 0);
  CHECK(rn_patterns<e2m1>(in) == 0);
  SIMD_FULL(CHECK(rn_patterns<e5m2>(in) == 0); CHECK(rn_patterns<e3m2>(in) == 0); CHECK(rn_patterns<e4m3_sat>(in) == 0);)
}

#ifdef FLOATLAB_SIMD_CHECK_FULL
TEST_CASE("simd quantize nearest even (rn_quantize_v): every float", "[tensor][simd][full]") {
  CHECK(rn_every_float<binary16>() == 0);
  CHECK(rn_every_float<bfloat16>() == 0);
  CHECK(rn_every_float<e4m3>() == 0);
  CHECK(rn_every_float<e5m2>() == 0);
}
#endif

// ---- elementwise ---------------------------------------------------------------------------

namespace {

enum class eop { add, sub, mul, div, sqrt, fma };

template <eop Op, class TT, class Mode>
TT scalar_ref(TT a, TT b, TT c, std::uint32_t w) {
  const fixed_word s{w};
  if constexpr (Op == eop::add) return add(a, b, Mode{}, s);
  else if constexpr (Op == eop::sub) return sub(a, b, Mode{}, s);
  else if constexpr (Op == eop::mul) return mul(a, b, Mode{}, s);
  else if constexpr (Op == eop::div) return div(a, b, Mode{}, s);
  else if constexpr (Op == eop::sqrt) return sqrt(a, Mode{}, s);
  else return fma(a, b, c, Mode{}, s);
}

template <eop Op, class TT, class Mode, class In, class Out>
status run_op(const std::vector<In>& a, const std::vector<In>& b, const std::vector<In>& c, std::vector<Out>& out,
              const T::counter_source& src) {
  if constexpr (Op == eop::add) return T::add<TT>(a, b, out, Mode{}, src);
  else if constexpr (Op == eop::sub) return T::sub<TT>(a, b, out, Mode{}, src);
  else if constexpr (Op == eop::mul) return T::mul<TT>(a, b, out, Mode{}, src);
  else if constexpr (Op == eop::div) return T::div<TT>(a, b, out, Mode{}, src);
  else if constexpr (Op == eop::sqrt) return T::sqrt<TT>(a, out, Mode{}, src);
  else return T::fma<TT>(a, b, c, out, Mode{}, src);
}

// Codes in, codes out: the ew_span SIMD body (blocks of the width) and its scalar tail.
template <eop Op, class TT, class Mode>
std::size_t check_ew_codes(const std::vector<TT>& a, const std::vector<TT>& b, const std::vector<TT>& c, std::uint64_t seed) {
  const T::counter_source src{seed};
  std::vector<TT> out(a.size());
  REQUIRE_FALSE(run_op<Op, TT, Mode>(a, b, c, out, src).rejected());
  std::size_t bad = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    bad += out[i].bits() != scalar_ref<Op, TT, Mode>(a[i], b[i], c[i], src.word(i, 0)).bits();
  return bad;
}
// Floats in (rounded to T first, words (i, op_input_*)), floats out.
template <eop Op, class TT, class Mode>
std::size_t check_ew_floats(std::size_t n, std::uint64_t seed) {
  const auto a = tref::random_floats(n, seed), b = tref::random_floats(n, seed + 1), c = tref::random_floats(n, seed + 2);
  const T::counter_source src{seed};
  std::vector<float> out(n);
  REQUIRE_FALSE(run_op<Op, TT, Mode>(a, b, c, out, src).rejected());
  auto q = [&](float x, std::size_t i, std::uint32_t op) { return convert<TT>(x, Mode{}, fixed_word{src.word(i, op)}); };
  std::size_t bad = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const TT r = scalar_ref<Op, TT, Mode>(q(a[i], i, T::op_input_a), q(b[i], i, T::op_input_b), q(c[i], i, T::op_input_c), src.word(i, 0));
    bad += !tref::same(out[i], convert<float>(r));
  }
  return bad;
}

// Float inputs (rounded to T on the lanes first, the same round_lane_v that quantize checks)
// in two modes; codes in every mode.
// CI: float inputs in nearest even only.
template <eop Op, class TT, class Mode>
std::size_t ew_case(const std::vector<TT>& a, const std::vector<TT>& b, const std::vector<TT>& c, std::size_t nf, std::uint64_t seed) {
  std::size_t bad = check_ew_codes<Op, TT, Mode>(a, b, c, seed);
  // Status flags: groups of 16 (two 8-lane blocks, one 16-lane block) and whole arrays on
  // 1, 2 and 7 threads, against the OR of the scalar _status forms' flags.
  bad += tref::ew_flags_bad<static_cast<int>(Op), TT, Mode>(a, b, c, 16, seed + 50);
#ifdef FLOATLAB_SIMD_CHECK_FULL
  constexpr bool floats = std::is_same_v<Mode, round::nearest_even> || is_stochastic_v<Mode>;
#else
  constexpr bool floats = std::is_same_v<Mode, round::nearest_even>;
#endif
  if constexpr (floats) {
    bad += check_ew_floats<Op, TT, Mode>(nf, seed + 100);
    const auto fa = tref::random_floats(nf, seed + 200), fb = tref::random_floats(nf, seed + 201), fc = tref::random_floats(nf, seed + 202);
    bad += tref::ew_flags_bad<static_cast<int>(Op), TT, Mode>(fa, fb, fc, 16, seed + 203);
  }
  return bad;
}

template <class TT, class Mode>
std::size_t ew_all_ops(const std::vector<TT>& a, const std::vector<TT>& b, const std::vector<TT>& c, std::size_t nf, std::uint64_t seed) {
  return ew_case<eop::add, TT, Mode>(a, b, c, nf, seed) + ew_case<eop::sub, TT, Mode>(a, b, c, nf, seed + 1) +
         ew_case<eop::mul, TT, Mode>(a, b, c, nf, seed + 2) + ew_case<eop::div, TT, Mode>(a, b, c, nf, seed + 3) +
         ew_case<eop::sqrt, TT, Mode>(a, b, c, nf, seed + 4) + ew_case<eop::fma, TT, Mode>(a, b, c, nf, seed + 5);
}

// Operand arrays: every pair of an 8-bit format (c random), or random + edge pairs of a wider one.
template <class TT>
void ew_operands(std::vector<TT>& a, std::vector<TT>& b, std::vector<TT>& c, std::uint64_t seed) {
  using F = typename TT::format_type;
  using S = typename F::storage;
  operands::generator<F> gen(seed);
  if constexpr (F::total_bits <= 8) {
    for (std::uint64_t x = 0; x < 256; ++x)
      for (std::uint64_t y = 0; y < 256; ++y)
        a.push_back(TT::from_bits(static_cast<S>(x))), b.push_back(TT::from_bits(static_cast<S>(y))),
            c.push_back(TT::from_bits(static_cast<S>(gen.operand())));
  } else {
    const std::size_t n = tref::scaled(std::size_t{1} << 18, 4096) + 13;  // + 13: a scalar tail
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t x = gen.operand();
      a.push_back(TT::from_bits(static_cast<S>(x)));
      b.push_back(TT::from_bits(static_cast<S>(gen.operand(x))));
      c.push_back(TT::from_bits(static_cast<S>(gen.operand(x))));
    }
  }
}

template <class TT, class... Ms>
void ew_modes(std::uint64_t seed, modes<Ms...> = {}) {
  std::vector<TT> a, b, c;
  ew_operands(a, b, c, seed);
  const std::size_t nf = tref::scaled(20011, 1001);
  std::size_t bad = 0;
  std::uint64_t s = seed;
  ((bad += ew_all_ops<TT, Ms>(a, b, c, nf, s), s += 10), ...);
  INFO("format E" << TT::exponent_bits << "M" << TT::fraction_bits << ", " << a.size() << " operand triples x 6 ops x "
                  << sizeof...(Ms) << " modes");
  CHECK(bad == 0);
}
template <class TT>
void ew_all_modes(std::uint64_t seed) {
  ew_modes<TT>(seed, all_modes{});
}

// Normal-range operands of a 16-bit format (exponent fields 2 .. max-1, both signs): whole
// SIMD blocks of finite values, so that the bits path of round_lane_v (simd.hpp) takes them,
// with sums of every exponent gap (sticky bits) and cancellations.
template <class TT, class Mode>
std::size_t ew_normal_sums(std::uint64_t seed) {
  using F = typename TT::format_type;
  using S = typename F::storage;
  std::mt19937_64 rng(seed);
  const std::size_t n = tref::scaled(std::size_t{1} << 17, 4096);
  std::vector<TT> a(n), b(n), c(n);
  auto pick = [&] {
    const auto field = static_cast<std::uint64_t>(2 + rng() % (F::field_max - 2));
    return TT::from_bits(static_cast<S>(((rng() & 1) << (F::total_bits - 1)) | (field << F::fraction_bits) | (rng() & F::fraction_mask)));
  };
  for (std::size_t i = 0; i < n; ++i) a[i] = pick(), b[i] = pick(), c[i] = pick();
  // add and fma: inexact float sums (sticky); products of two 16-bit values are exact in float.
  return check_ew_codes<eop::add, TT, Mode>(a, b, c, seed) + check_ew_codes<eop::fma, TT, Mode>(a, b, c, seed + 2);
}
template <class TT, class... Ms>
std::size_t ew_normal_modes(std::uint64_t seed, modes<Ms...>) {
  std::size_t bad = 0;
  ((bad += ew_normal_sums<TT, Ms>(seed++)), ...);
  return bad;
}

}  // namespace

TEST_CASE("simd elementwise equals scalar ops: every 8-bit pair", "[tensor][simd]" SIMD_TIER) {
  SIMD_FULL(ew_all_modes<e4m3>(1); ew_all_modes<e5m2>(2); ew_all_modes<e4m3fnuz>(3); ew_all_modes<e4m3_sat>(4); ew_all_modes<e2m1>(6);)
  // CI: every mode occurs over the two cases.
  SIMD_CI(ew_modes<e4m3>(1, modes<rn, sr8>{}); ew_modes<e5m2>(2, modes<rd>{}); ew_modes<e4m3fnuz>(3, modes<ra>{});
          ew_modes<e4m3_sat>(4, modes<rz>{}); ew_modes<e2m1>(6, modes<ro>{});)
}

TEST_CASE("simd elementwise equals scalar ops: 16-bit random and edge pairs", "[tensor][simd]" SIMD_TIER) {
  SIMD_FULL(ew_all_modes<binary16>(11); ew_all_modes<bfloat16>(12); ew_all_modes<e5m10_ftz>(13);)
  SIMD_CI(ew_modes<binary16>(11, modes<rn>{}); ew_modes<bfloat16>(12, modes<sr8>{}); ew_modes<e5m10_ftz>(13, modes<ru>{});)
}

TEST_CASE("simd elementwise equals scalar ops: 16-bit normal-range blocks (bits path)", "[tensor][simd]" SIMD_TIER) {
  SIMD_FULL(CHECK(ew_normal_modes<binary16>(21, all_modes{}) == 0); CHECK(ew_normal_modes<bfloat16>(31, all_modes{}) == 0);)
  SIMD_CI(CHECK(ew_normal_modes<binary16>(21, modes<rn, ru, sr8>{}) == 0); CHECK(ew_normal_modes<bfloat16>(31, modes<rz>{}) == 0);)
}

// ---- GEMM and conv2d lane kernels ---------------------------------------------------------

namespace {

template <class R>
struct exact_kernel : R {
  static constexpr bool force_exact_kernel = true;
};

// gemm<R> (lane kernel, SIMD) against gemm<exact_kernel<R>> (the exact scalar kernel).
template <class R, class Mode, class TA>
std::size_t check_gemm(const T::gemm_shape& s, const std::vector<TA>& A, const std::vector<TA>& B, const std::vector<float>& C0,
                       std::uint64_t seed) {
  using P = T::detail::gemm_plan<R, float, Mode, T::counter_source>;
  static_assert(P::lane, "the recipe must take the lane kernel");
  static_assert(!T::detail::gemm_plan<exact_kernel<R>, float, Mode, T::counter_source>::lane, "forced exact");
  const T::counter_source src{seed};
  std::vector<float> got = C0, want = C0;
  const status sg = T::gemm<R>(s, A, B, got, Mode{}, src);
  const status sw = T::gemm<exact_kernel<R>>(s, A, B, want, Mode{}, src);
  REQUIRE_FALSE(sg.rejected());
  REQUIRE_FALSE(sw.rejected());
  std::size_t bad = sg.flags != sw.flags;  // the IEEE flags too
  for (std::size_t i = 0; i < got.size(); ++i) bad += !tref::same(got[i], want[i]);
  return bad;
}

// The lane kernel's IEEE flags (and values) against the reference loop of the _status forms
// (gemm_ref.hpp) on tref::scenario_floats inputs (exact, inexact, overflow, underflow, inf * 0,
// NaN), long K so that the events meet the light steps, 1, 2 and 7 threads in turn. Every flag
// that the formats can raise must occur in some call and be absent in another.
template <class R, class Mode>
std::size_t gemm_flag_scenarios(std::uint64_t seed) {
  using P = T::detail::gemm_plan<R, float, Mode, T::counter_source>;
  std::mt19937_64 rng(seed);
  const std::size_t dims[] = {1, 5, 8, 16, 17, 33, 64, 71};
  const int threads[] = {1, 2, 7};
  std::size_t bad = 0;
  std::uint32_t some = 0, all = ~0u;
  const int count = static_cast<int>(tref::scaled(3, 2));
  for (int t = 0; t < count; ++t)
    for (int sc = 0; sc < tref::flag_scenarios; ++sc) {
      T::gemm_shape s;
      s.m = dims[rng() % 8], s.n = dims[rng() % 8] + 64 * (rng() % 2), s.k = rng() % 3 ? dims[rng() % 8] : 150 + rng() % 100;
      const int ab = static_cast<int>(rng() % 4);
      if (ab == 1) s.beta = 1;
      if (ab == 2) s.alpha = 0.5, s.beta = -2;
      const std::uint64_t sd = seed * 1000 + static_cast<std::uint64_t>(t * 16 + sc);
      const auto A = tref::scenario_floats(s.m * s.k, sd, sc), B = tref::scenario_floats(s.k * s.n, sd + 1, sc);
      const auto C0f = tref::scenario_floats(s.m * s.n, sd + 2, sc == 0 ? 0 : 1);
      std::vector<float> got(C0f.size()), want(C0f.size());
      for (std::size_t i = 0; i < got.size(); ++i) got[i] = want[i] = convert<float>(convert<typename P::Acc>(C0f[i]));
      const T::counter_source src{sd};
      T::set_threads(threads[(t + sc) % 3]);
      const status st = T::gemm<R>(s, A, B, got, Mode{}, src);
      const std::uint32_t wf =
          gref::reference<typename P::InA, typename P::InB, typename P::Prod, typename P::Acc, typename P::Kind, float, typename P::MOut>{s, src}
              .run(A, B, want);
      std::size_t b = st.flags != wf;
      for (std::size_t i = 0; i < got.size(); ++i) b += !tref::same(got[i], want[i]);
      if (b) WARN("scenario " << sc << " m" << s.m << " n" << s.n << " k" << s.k << ": flags " << st.flags << " want " << wf << ", " << b << " bad");
      bad += b;
      some |= st.flags, all &= st.flags;
    }
  T::set_threads(0);
  INFO(__PRETTY_FUNCTION__ << ": flags seen in some call " << some << ", in every call " << all);
  CHECK((some & status::inexact) != 0);
  CHECK((some & status::invalid) != 0);
  CHECK((all & (status::inexact | status::invalid | status::overflow | status::underflow)) == 0);
  if constexpr (P::FC::emax <= 15) CHECK((some & status::overflow) != 0);
  if constexpr (P::FC::emax <= 15 && P::FP::emax <= 15) CHECK((some & status::underflow) != 0);
  return bad;
}

// Every product pair of 8-bit inputs: A = all 256 codes (256 x 1), B = all codes (1 x 256),
// C random accumulators (beta = 1: acc starts from c), so each output is one step acc + a*b.
template <class R, class Mode>
std::size_t gemm_all_pairs(std::uint64_t seed) {
  using InA = typename R::in_a;
  using S = typename InA::format_type::storage;
  std::vector<InA> A(256), B(256);
  for (std::size_t i = 0; i < 256; ++i) A[i] = B[i] = InA::from_bits(static_cast<S>(i));
  T::gemm_shape s;
  s.m = 256, s.n = 256, s.k = 1, s.beta = 1;
  using Acc = typename R::accumulate;
  operands::generator<typename Acc::format_type> gen(seed);
  std::vector<float> C0(256 * 256);
  for (auto& c : C0) c = convert<float>(Acc::from_bits(static_cast<typename Acc::format_type::storage>(gen.operand())));
  return check_gemm<R, Mode>(s, A, B, C0, seed);
}

template <class R, class Mode>
std::size_t gemm_shapes(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  const std::size_t dims[] = {1, 3, 8, 15, 16, 17, 33, 64, 71};
  std::size_t bad = 0;
  const int count = static_cast<int>(tref::scaled(6, 2));
  for (int t = 0; t < count; ++t) {
    T::gemm_shape s;
    s.m = dims[rng() % 9], s.n = dims[rng() % 9], s.k = dims[rng() % 9];
    if (t == 0) s.m = 5, s.n = 67, s.k = static_cast<std::size_t>(tref::scaled(600, 40));  // long K, tail columns
    if (t % 3 == 1) s.beta = 1;
    if (t % 3 == 2) s.alpha = 0.5, s.beta = -2;
    const auto A = tref::random_floats(s.m * s.k, seed + t), B = tref::random_floats(s.k * s.n, seed + 100 + t);
    const auto C0f = tref::random_floats(s.m * s.n, seed + 200 + t, 1.0f, false);
    std::vector<float> C0(C0f.size());
    using Acc = typename R::accumulate;
    for (std::size_t i = 0; i < C0.size(); ++i) C0[i] = convert<float>(convert<Acc>(C0f[i]));
    bad += check_gemm<R, Mode>(s, A, B, C0, seed + t);
  }
  return bad;
}

template <class R, class... Ms>
std::size_t gemm_modes(std::uint64_t seed, bool pairs, modes<Ms...>) {
  std::size_t bad = 0;
  auto run = [&](auto mode) {
    using Mode = decltype(mode);
    if constexpr (T::detail::gemm_plan<R, float, Mode, T::counter_source>::lane) {
      if (pairs) bad += gemm_all_pairs<R, Mode>(seed);
      bad += gemm_shapes<R, Mode>(seed + 1);
      bad += gemm_flag_scenarios<R, Mode>(seed + 2);
    }
    seed += 10;
  };
  (run(Ms{}), ...);
  return bad;
}
template <class R>
std::size_t gemm_modes(std::uint64_t seed, bool pairs) {
  return gemm_modes<R>(seed, pairs, all_modes{});
}

using b16 = binary16;

}  // namespace

TEST_CASE("simd gemm lane kernel equals the exact kernel: 8-bit product pairs, random shapes", "[tensor][simd][gemm]" SIMD_TIER) {
  SIMD_FULL(CHECK(gemm_modes<T::gemm_recipe<e4m3, b16, b16>>(1, true) == 0);
            CHECK(gemm_modes<T::gemm_recipe<e5m2, e5m2, b16>>(2, true) == 0);
            CHECK(gemm_modes<T::gemm_recipe<e4m3, b16, bfloat16, T::fused>>(3, true) == 0);
            CHECK(gemm_modes<T::gemm_recipe<e4m3, b16, binary32, T::chunked<4>>>(4, true) == 0);
            CHECK(gemm_modes<T::gemm_recipe<b16, b16, b16>>(5, false) == 0);
            CHECK(gemm_modes<T::gemm_recipe<b16, b16, b16, T::fused>>(6, false) == 0);
            CHECK(gemm_modes<T::gemm_recipe<b16, b16, b16, T::chunked<16>>>(7, false) == 0);
            CHECK(gemm_modes<T::gemm_recipe<b16, binary32, binary32>>(8, false) == 0);)
  // CI: every recipe in one mode, every mode at least once (binary32 accumulators: nearest
  // even only; per-operation binary16 in nearest even: the conv2d case below).
  SIMD_CI(CHECK(gemm_modes<T::gemm_recipe<e4m3, b16, b16>>(1, true, modes<sr8>{}) == 0);
          CHECK(gemm_modes<T::gemm_recipe<e5m2, e5m2, b16>>(2, true, modes<rd>{}) == 0);
          CHECK(gemm_modes<T::gemm_recipe<e4m3, b16, bfloat16, T::fused>>(3, true, modes<rz>{}) == 0);
          CHECK(gemm_modes<T::gemm_recipe<e4m3, b16, binary32, T::chunked<4>>>(4, true, modes<rn>{}) == 0);
          CHECK(gemm_modes<T::gemm_recipe<b16, b16, b16>>(5, false, modes<ro>{}) == 0);
          CHECK(gemm_modes<T::gemm_recipe<b16, b16, b16, T::fused>>(6, false, modes<ru>{}) == 0);
          CHECK(gemm_modes<T::gemm_recipe<b16, b16, b16, T::chunked<16>>>(7, false, modes<ra>{}) == 0);
          CHECK(gemm_modes<T::gemm_recipe<b16, binary32, binary32>>(8, false, modes<rn>{}) == 0);)
}

TEST_CASE("simd gemm: identical for 1, 2 and 3 threads", "[tensor][simd][gemm][threads]" SIMD_TIER) {
  using R = T::gemm_recipe<b16, b16, b16>;
  T::gemm_shape s;
  s.m = 37, s.n = 131, s.k = 50;
  const auto A = tref::random_floats(s.m * s.k, 1), B = tref::random_floats(s.k * s.n, 2);
  std::vector<float> c1(s.m * s.n), c2(c1.size()), c3(c1.size());
  const T::counter_source src{9};
  T::set_threads(1);
  REQUIRE_FALSE(T::gemm<R>(s, A, B, c1, round::stochastic<8>{}, src).rejected());
  T::set_threads(2);
  REQUIRE_FALSE(T::gemm<R>(s, A, B, c2, round::stochastic<8>{}, src).rejected());
  T::set_threads(3);
  REQUIRE_FALSE(T::gemm<R>(s, A, B, c3, round::stochastic<8>{}, src).rejected());
  T::set_threads(0);
  std::size_t bad = 0;
  for (std::size_t i = 0; i < c1.size(); ++i) bad += !tref::same(c1[i], c2[i]) + !tref::same(c1[i], c3[i]);
  CHECK(bad == 0);
}

TEST_CASE("simd conv2d lane kernel equals the exact kernel", "[tensor][simd][conv]" SIMD_TIER) {
  T::conv2d_shape s;
  s.n = 2, s.c = 4, s.h = 9, s.w = 11, s.oc = 6, s.kh = 3, s.kw = 3, s.pad_h = 1, s.pad_w = 1, s.stride_w = 2;
  const std::size_t nx = s.n * s.c * s.h * s.w, nw = s.oc * s.c * s.kh * s.kw, ny = s.n * s.oc * s.out_h() * s.out_w();
  const auto x = tref::random_floats(nx, 1), w = tref::random_floats(nw, 2), dy = tref::random_floats(ny, 3);
  auto run = [&](auto recipe, auto mode) {
    using R = decltype(recipe);
    using Mode = decltype(mode);
    const T::counter_source src{5};
    std::vector<float> y1(ny), y2(ny), dx1(nx), dx2(nx), dw1(nw), dw2(nw);
    std::size_t bad = 0;  // values, and the IEEE flags of each pass
    bad += T::conv2d_forward<R>(s, x, w, y1, Mode{}, src).flags != T::conv2d_forward<exact_kernel<R>>(s, x, w, y2, Mode{}, src).flags;
    bad += T::conv2d_backward_data<R>(s, dy, w, dx1, Mode{}, src).flags !=
           T::conv2d_backward_data<exact_kernel<R>>(s, dy, w, dx2, Mode{}, src).flags;
    bad += T::conv2d_backward_weights<R>(s, x, dy, dw1, Mode{}, src).flags !=
           T::conv2d_backward_weights<exact_kernel<R>>(s, x, dy, dw2, Mode{}, src).flags;
    for (std::size_t i = 0; i < ny; ++i) bad += !tref::same(y1[i], y2[i]);
    for (std::size_t i = 0; i < nx; ++i) bad += !tref::same(dx1[i], dx2[i]);
    for (std::size_t i = 0; i < nw; ++i) bad += !tref::same(dw1[i], dw2[i]);
    CHECK(bad == 0);
  };
  run(T::gemm_recipe<b16, b16, b16>{}, round::nearest_even{});
  run(T::gemm_recipe<b16, b16, b16>{}, round::stochastic<8>{});
  run(T::gemm_recipe<e4m3, b16, bfloat16, T::fused>{}, round::toward_zero{});
}
