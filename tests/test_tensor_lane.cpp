// The float-lane rounding of tensor/lane.hpp against the scalar core, bit for bit:
// round_lane (quantize, product rounding) over floats: every float in the full tier, in CI a
// prime stride plus every value, midpoint and their float neighbours of the format;
// add_lane / fma_lane (the GEMM steps): every pair of 8-bit operands, a stride of 16-bit pairs.
#include <catch2/catch.hpp>

#include "tensor_ref.hpp"

using namespace floatlab;
using tensor::detail::round_lane;
using tensor::detail::lane_encode;
using tensor::detail::lane_decode;

namespace {

std::uint32_t word_for(std::uint64_t x) { return philox_word(99, x, 7); }

template <class T, class Mode>
std::uint64_t check_float(float x) {
  using F = typename T::format_type;
  const std::uint32_t w = word_for(tref::fbits(x));
  const auto want = convert<T>(x, Mode{}, fixed_word{w}).bits();
  const float r = round_lane<F, Mode>(x, 0.0f, w);
  const auto got = lane_encode<F>(r);
  // The float value must also be exactly the format's value.
  const float back = lane_decode<F>(want);
  return (got != want || !tref::same(r, back)) ? 1 : 0;
}

// The format's values, the midpoints between neighbours and their float neighbours.
template <class T, class Mode>
std::uint64_t check_edges() {
  using F = typename T::format_type;
  std::uint64_t bad = 0;
  const std::uint64_t n = std::uint64_t{1} << F::total_bits;
  // Every pattern of formats up to 16 bits; a pseudo-random sample of 2^16 of wider ones.
  const std::uint64_t count = F::total_bits > 16 ? tref::scaled(65536) : n;
  for (std::uint64_t t = 0; t < count; ++t) {
    const std::uint64_t b = F::total_bits > 16 ? philox_word(1, t, 0) % n : t;
    const float v = lane_decode<F>(b);
    if (!(v == v) || std::isinf(v)) continue;
    const float up = std::nextafter(v, INFINITY);
    float next = lane_decode<F>(b + 1 < n ? b + 1 : b);
    if (!(next > v)) next = std::ldexp(1.0f, F::emax + 1);
    const float mid = static_cast<float>((static_cast<double>(v) + next) / 2);
    for (float x : {v, up, std::nextafter(v, -INFINITY), mid, std::nextafter(mid, INFINITY), std::nextafter(mid, -INFINITY)})
      bad += check_float<T, Mode>(x) + check_float<T, Mode>(-x);
  }
  return bad;
}

template <class T, class Mode>
std::uint64_t check_stride(std::uint64_t stride, std::uint64_t offset) {
  std::uint64_t bad = 0;
  for (std::uint64_t i = offset; i < (std::uint64_t{1} << 32); i += stride) bad += check_float<T, Mode>(tref::ffrom(static_cast<std::uint32_t>(i)));
  return bad;
}

template <class T>
void round_all_modes(std::uint64_t stride) {
  auto run = [&](auto mode) {
    using Mode = decltype(mode);
    const std::uint64_t bad = check_edges<T, Mode>() + check_stride<T, Mode>(stride, 12345);
    INFO("format E" << T::exponent_bits << "M" << T::fraction_bits);
    CHECK(bad == 0);
  };
  run(round::nearest_even{});
  run(round::nearest_away{});
  run(round::toward_zero{});
  run(round::upward{});
  run(round::downward{});
  run(round::odd{});
  run(round::stochastic<8>{});
  run(round::stochastic<13>{});
}

using e5m10_ftz = cfloat<5, 10, round::nearest_even, encoding::ieee_ftz>;
using e4m3_sat = cfloat<4, 3, round::nearest_even, encoding::fn_satfinite>;

}  // namespace

TEST_CASE("round_lane equals the scalar conversion (edges + stride)", "[tensor][lane]") {
  const std::uint64_t stride = static_cast<std::uint64_t>(200003 / std::min(1.0, operands::test_scale()));
  round_all_modes<binary16>(stride);
  round_all_modes<bfloat16>(stride);
  round_all_modes<e4m3>(stride);
  round_all_modes<e4m3_sat>(stride);
  round_all_modes<e5m2>(stride);
  round_all_modes<e4m3fnuz>(stride);
  round_all_modes<e5m2fnuz>(stride);
  round_all_modes<e3m2>(stride);
  round_all_modes<e2m3>(stride);
  round_all_modes<e2m1>(stride);
  round_all_modes<e5m10_ftz>(stride);
  round_all_modes<tf32>(stride * 4);
  round_all_modes<cfloat<8, 20>>(stride * 4);
  round_all_modes<binary32>(stride * 4);
}

TEST_CASE("round_lane equals the scalar conversion on every float", "[tensor][lane][full]") {
  CHECK(check_stride<binary16, round::nearest_even>(1, 0) == 0);
  CHECK(check_stride<binary16, round::stochastic<8>>(1, 0) == 0);
  CHECK(check_stride<bfloat16, round::nearest_even>(1, 0) == 0);
  CHECK(check_stride<bfloat16, round::toward_zero>(1, 0) == 0);
  CHECK(check_stride<e4m3, round::nearest_even>(1, 0) == 0);
  CHECK(check_stride<e5m2, round::stochastic<8>>(1, 0) == 0);
}

// ---- sums and fused steps --------------------------------------------------------------

namespace {

template <class T, class Mode>
std::uint64_t check_add(std::uint64_t a, std::uint64_t b) {
  using F = typename T::format_type;
  const std::uint32_t w = word_for(a * 65537 + b);
  const auto want = add(T::from_bits(static_cast<typename F::storage>(a)), T::from_bits(static_cast<typename F::storage>(b)), Mode{}, fixed_word{w}).bits();
  const float r = tensor::detail::add_lane<F, Mode>(lane_decode<F>(a), lane_decode<F>(b), w);
  return lane_encode<F>(r) != want || !tref::same(r, lane_decode<F>(want));
}

template <class T>
void add_all_modes(std::uint64_t stride) {
  using F = typename T::format_type;
  const std::uint64_t n = std::uint64_t{1} << F::total_bits;
  auto run = [&](auto mode) {
    using Mode = decltype(mode);
    std::uint64_t bad = 0, count = 0;
    for (std::uint64_t i = 0; i < n * n; i += stride, ++count) bad += check_add<T, Mode>(i / n, i % n);
    // Operands close in exponent (cancellation, ties) for the wide formats.
    operands::generator<F> gen(5);
    for (std::uint64_t t = 0; t < (stride > 1 ? tref::scaled(200000) : 0); ++t) {
      const std::uint64_t a = gen.operand();
      bad += check_add<T, Mode>(a, gen.operand(a));
    }
    INFO("format E" << T::exponent_bits << "M" << T::fraction_bits << " pairs " << count);
    CHECK(bad == 0);
  };
  run(round::nearest_even{});
  run(round::nearest_away{});
  run(round::toward_zero{});
  run(round::upward{});
  run(round::downward{});
  run(round::odd{});
  run(round::stochastic<8>{});
}

}  // namespace

TEST_CASE("add_lane equals scalar add: all 8-bit pairs, 16-bit stride", "[tensor][lane]") {
  add_all_modes<e4m3>(1);
  add_all_modes<e5m2>(1);
  add_all_modes<e4m3fnuz>(1);
  add_all_modes<e3m2>(1);
  add_all_modes<e2m1>(1);
  add_all_modes<cfloat<4, 3, round::nearest_even, encoding::ieee_ftz>>(1);
  const std::uint64_t stride = static_cast<std::uint64_t>(40009 / std::min(1.0, operands::test_scale()));
  add_all_modes<binary16>(stride);
  add_all_modes<bfloat16>(stride);
  add_all_modes<e5m10_ftz>(stride);
}

TEST_CASE("add_lane equals scalar add on every binary16 pair", "[tensor][lane][full]") {
  std::uint64_t bad = 0;
  for (std::uint64_t i = 0; i < (std::uint64_t{1} << 32); ++i) bad += check_add<binary16, round::nearest_even>(i >> 16, i & 0xFFFF);
  CHECK(bad == 0);
}

// Products of e4m3 x e4m3 (exact in float) rounded to binary16 / e5m2 / bfloat16, and the fused
// step c + a*b into binary16 and bfloat16: every input pair, random c.
TEST_CASE("product and fused lane steps equal scalar mul / fma", "[tensor][lane]") {
  using FI = e4m3::format_type;
  auto prod = [&](auto tag, auto mode) {
    using P = decltype(tag);
    using Mode = decltype(mode);
    using FP = typename P::format_type;
    std::uint64_t bad = 0;
    for (std::uint64_t a = 0; a < 256; ++a)
      for (std::uint64_t b = 0; b < 256; ++b) {
        const std::uint32_t w = word_for(a * 256 + b);
        const P pa = convert<P>(e4m3::from_bits(static_cast<std::uint8_t>(a)));
        const P pb = convert<P>(e4m3::from_bits(static_cast<std::uint8_t>(b)));
        const auto want = mul(pa, pb, Mode{}, fixed_word{w}).bits();
        const float r = round_lane<FP, Mode>(lane_decode<FI>(a) * lane_decode<FI>(b), 0.0f, w);
        bad += lane_encode<FP>(r) != want;
      }
    CHECK(bad == 0);
  };
  auto fused = [&](auto tag, auto mode) {
    using P = decltype(tag);
    using Mode = decltype(mode);
    using FP = typename P::format_type;
    std::uint64_t bad = 0;
    std::mt19937_64 rng(3);
    operands::generator<FP> gen(11);
    for (std::uint64_t a = 0; a < 256; ++a)
      for (std::uint64_t b = 0; b < 256; ++b) {
        const std::uint64_t cb = gen.operand();
        const std::uint32_t w = static_cast<std::uint32_t>(rng());
        const P pa = convert<P>(e4m3::from_bits(static_cast<std::uint8_t>(a)));
        const P pb = convert<P>(e4m3::from_bits(static_cast<std::uint8_t>(b)));
        const P pc = P::from_bits(static_cast<typename FP::storage>(cb));
        const auto want = fma(pa, pb, pc, Mode{}, fixed_word{w}).bits();
        const float r = tensor::detail::fma_lane<FP, Mode>(lane_decode<FI>(a), lane_decode<FI>(b), lane_decode<FP>(cb), w);
        bad += lane_encode<FP>(r) != want;
      }
    CHECK(bad == 0);
  };
  auto modes = [&](auto tag) {
    prod(tag, round::nearest_even{});
    prod(tag, round::toward_zero{});
    prod(tag, round::upward{});
    prod(tag, round::odd{});
    prod(tag, round::stochastic<8>{});
    fused(tag, round::nearest_even{});
    fused(tag, round::nearest_away{});
    fused(tag, round::downward{});
    fused(tag, round::odd{});
    fused(tag, round::stochastic<8>{});
  };
  modes(binary16{});
  modes(bfloat16{});
  modes(tf32{});
}

// quantize's status on the scalar lanes: the OR of convert_status's flags over each group of
// 16 inputs (format values, midpoints, neighbours, specials).
TEST_CASE("quantize reports the flags of convert_status", "[tensor][lane][status]") {
  auto run = [](auto tag, auto mode) {
    using TT = decltype(tag);
    using Mode = decltype(mode);
    using F = typename TT::format_type;
    std::vector<float> in;
    const std::uint64_t n = std::uint64_t{1} << std::min(F::total_bits, 16);
    for (std::uint64_t t = 0; t < n; t += F::total_bits > 8 ? 7 : 1) {
      const std::uint64_t b = F::total_bits > 16 ? philox_word(2, t, 0) : t;
      const float v = lane_decode<F>(b);
      in.push_back(v), in.push_back(std::nextafter(v, INFINITY)), in.push_back(-std::nextafter(v, 0.0f)), in.push_back(v * 1.0001f);
    }
    for (float x : {INFINITY, -INFINITY, NAN, 1e-40f, -1e-45f, 3e38f, 0.0f, -0.0f}) in.push_back(x);
    while (in.size() % 16) in.push_back(1.0f);  // the specials in a full group
    const tensor::counter_source src{3};
    std::size_t bad = 0;
    std::vector<float> out(16);
    for (std::size_t g = 0; g + 16 <= in.size(); g += 16) {
      const std::vector<float> part(in.begin() + static_cast<std::ptrdiff_t>(g), in.begin() + static_cast<std::ptrdiff_t>(g + 16));
      const status st = tensor::quantize<TT>(part, out, Mode{}, src);
      std::uint32_t want = 0;
      for (std::size_t i = 0; i < 16; ++i) want |= convert_status<TT>(part[i], Mode{}, fixed_word{src.word(i, 0)}).flags.flags;
      bad += st.flags != want;
    }
    INFO("format E" << TT::exponent_bits << "M" << TT::fraction_bits);
    CHECK(bad == 0);
  };
  for (int pass = 0; pass < 1; ++pass) {
    run(binary16{}, round::nearest_even{});
    run(binary16{}, round::upward{});
    run(e5m10_ftz{}, round::nearest_even{});
    run(bfloat16{}, round::toward_zero{});
    run(e4m3{}, round::nearest_even{});
    run(e4m3_sat{}, round::stochastic<8>{});
    run(e5m2fnuz{}, round::downward{});
    run(e2m1{}, round::nearest_even{});
    run(binary32{}, round::nearest_even{});
  }
}
