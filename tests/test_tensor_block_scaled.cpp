// Block-scaled formats (tensor/block_scaled.hpp): each named instance against its published
// rules or an independent implementation of them:
//   MX (OCP MX v1.0, section 6.3): codes, scales and dequantized values equal mx.hpp's, and
//     the MX GEMM equals mx::dot_general (section 6.4) of each row and column;
//   NVFP4: tensor scale = RN32(amax / (6 * 448)), block scale = E4M3(block amax / (6 * ts)),
//     element = E2M1(x / RN32(scale * ts)) (NVIDIA's two-level recipe), computed here in double;
//   per-channel int8: scale = RN32(amax / 127) per row, code = round(x / scale);
//   MuPPET block fixed point: codes and exponents equal block.hpp's block_quantize (per tensor,
//     row, column; 8/12/14/16 bits).
// Plus layouts (tiles, pieces of rows/columns), status flags and rejections.
#include <catch2/catch.hpp>

#include "floatlab/tensor/block_scaled.hpp"
#include "tensor_ref.hpp"

using namespace floatlab;
namespace T = floatlab::tensor;

namespace {

// Values spread over many binades, blocks of very different magnitude, exact zeros.
std::vector<float> spread(std::size_t n, std::uint64_t seed, bool specials) {
  auto v = tref::random_floats(n, seed, 1.0f, specials);
  std::mt19937_64 rng(seed);
  for (std::size_t i = 0; i < n; i += 16) {
    const int e = static_cast<int>(rng() % 40) - 20;
    for (std::size_t j = i; j < std::min(n, i + 16); ++j)
      if (std::isfinite(v[j])) v[j] = std::ldexp(v[j], e);
  }
  for (std::size_t j = 32; j < std::min<std::size_t>(n, 64); ++j) v[j] = (j % 2) ? 0.0f : -0.0f;  // an all-zero block
  return v;
}

template <class Elem, class MxFmt>
void mx_equals_reference(std::uint64_t seed) {
  const std::size_t n = 32 * 50 + 7;  // a short last block
  const auto in = spread(n, seed, true);
  T::block_scaled_tensor<T::mx_format<Elem>> t;
  const status st = T::block_scaled_quantize<T::mx_format<Elem>>(T::mx_layout(), in, t);
  REQUIRE_FALSE(st.rejected());
  std::vector<std::uint8_t> el(n), sc((n + 31) / 32);
  REQUIRE_FALSE(mx::quantize<MxFmt>(in, el, sc).rejected());
  std::size_t bad = 0;
  for (std::size_t i = 0; i < n; ++i) bad += static_cast<std::uint8_t>(t.codes[i]) != el[i];
  for (std::size_t b = 0; b < sc.size(); ++b) bad += static_cast<std::uint8_t>(t.scales[b]) != sc[b];
  std::vector<float> v1(n), v2(n);
  REQUIRE_FALSE(T::block_scaled_dequantize(t, v1).rejected());
  REQUIRE_FALSE(mx::dequantize<MxFmt>(el, sc, v2).rejected());
  for (std::size_t i = 0; i < n; ++i) bad += !tref::same(v1[i], v2[i]);
  CHECK(bad == 0);
  CHECK(st.has(status::invalid));  // random_floats holds NaN/inf patterns: NaN scales
}

}  // namespace

TEST_CASE("MX: codes, E8M0 scales and values equal mx.hpp (OCP MX v1.0 6.3)", "[tensor][block_scaled]") {
  mx_equals_reference<e4m3, mx::mxfp8_e4m3>(1);
  mx_equals_reference<e5m2, mx::mxfp8_e5m2>(2);
  mx_equals_reference<e3m2, mx::mxfp6_e3m2>(3);
  mx_equals_reference<e2m3, mx::mxfp6_e2m3>(4);
  mx_equals_reference<e2m1, mx::mxfp4_e2m1>(5);
  // The spec's rule on a block: X = 2^(floor(log2 amax) - emax_elem); E4M3 emax_elem = 8.
  std::vector<float> blk(32, 0.25f);
  blk[3] = 1.0f;
  blk[5] = -3.0f;  // amax 3: floor(log2 3) = 1, X = 2^(1 - 8)
  T::block_scaled_tensor<T::mx_format<e4m3>> t;
  REQUIRE(T::block_scaled_quantize<T::mx_format<e4m3>>(T::mx_layout(), blk, t).exact());
  CHECK(t.scales[0] == 127 + 1 - 8);
  CHECK(t.codes[5] == convert<e4m3>(-3.0f * 128).bits());  // -384, exact in E4M3
  // Saturation (clamping to the largest normal): amax 480 -> X = 2^0, 480 clamps to 448.
  blk[5] = 480.0f;
  const status st = T::block_scaled_quantize<T::mx_format<e4m3>>(T::mx_layout(), blk, t);
  CHECK(t.scales[0] == 127);
  CHECK(t.codes[5] == 0x7E);
  CHECK(st.has(status::overflow));
}

TEST_CASE("MX GEMM equals mx::dot_general of each row and column (OCP MX v1.0 6.4)", "[tensor][block_scaled][gemm]") {
  const std::size_t M = 5, N = 7, K = 32 * 3 + 11;
  const auto av = spread(M * K, 11, false), bv = spread(K * N, 12, false);
  using F = T::mx_format<e4m3>;
  T::block_scaled_tensor<F> a, b;
  REQUIRE_FALSE(T::block_scaled_quantize<F>(T::block_layout::per_row(M, K, 32), av, a).rejected());
  REQUIRE_FALSE(T::block_scaled_quantize<F>(T::block_layout::per_column(K, N, 32), bv, b).rejected());
  std::vector<float> c(M * N);
  REQUIRE_FALSE(T::block_scaled_gemm(M, N, K, a, b, c).rejected());
  const std::size_t nb = (K + 31) / 32;
  std::size_t bad = 0;
  for (std::size_t i = 0; i < M; ++i)
    for (std::size_t j = 0; j < N; ++j) {
      std::vector<std::uint8_t> ra(K), rb(K), sa(nb), sb(nb);
      for (std::size_t k = 0; k < K; ++k) ra[k] = static_cast<std::uint8_t>(a.codes[i * K + k]), rb[k] = static_cast<std::uint8_t>(b.codes[k * N + j]);
      for (std::size_t q = 0; q < nb; ++q) sa[q] = static_cast<std::uint8_t>(a.scales[i * nb + q]), sb[q] = static_cast<std::uint8_t>(b.scales[j * nb + q]);
      const float want = mx::dot_general<mx::mxfp8_e4m3>(ra, sa, rb, sb);
      bad += !tref::same(c[i * N + j], want);
    }
  CHECK(bad == 0);
}

TEST_CASE("NVFP4: FP32 tensor scale, E4M3 block scales per 16, E2M1 elements (NVIDIA's recipe)", "[tensor][block_scaled]") {
  const std::size_t n = 16 * 40 + 5;
  auto in = spread(n, 21, false);
  T::block_scaled_tensor<T::nvfp4> t;
  const status st = T::block_scaled_quantize<T::nvfp4>(T::nvfp4_layout(), in, t);
  REQUIRE_FALSE(st.rejected());
  double gamax = 0;
  for (float x : in) gamax = std::max(gamax, std::fabs(static_cast<double>(x)));
  const float ts = static_cast<float>(gamax / (6.0 * 448.0));
  CHECK(tref::same(t.tensor_scale, ts));
  using e4m3s = cfloat<4, 3, round::nearest_even, encoding::fn_satfinite>;
  std::size_t bad = 0;
  std::vector<float> vals(n);
  REQUIRE_FALSE(T::block_scaled_dequantize(t, vals).rejected());
  for (std::size_t b = 0; b * 16 < n; ++b) {
    double amax = 0;
    for (std::size_t i = b * 16; i < std::min(n, b * 16 + 16); ++i) amax = std::max(amax, std::fabs(static_cast<double>(in[i])));
    // E4M3 of amax / (6 ts): the double quotient rounded again is innocuous (53 >= 2 * 4 + 2).
    const e4m3s scale = convert<e4m3s>(amax / (6.0 * ts));
    bad += t.scales[b] != scale.bits();
    const float s_eff = static_cast<float>(static_cast<double>(scale) * ts);
    for (std::size_t i = b * 16; i < std::min(n, b * 16 + 16); ++i) {
      const e2m1 q = s_eff == 0 ? convert<e2m1>(0.0 * in[i]) : convert<e2m1>(static_cast<double>(in[i]) / s_eff);
      bad += t.codes[i] != q.bits();
      bad += !tref::same(vals[i], static_cast<float>(static_cast<double>(q) * s_eff));
    }
  }
  CHECK(bad == 0);
  CHECK(st.has(status::inexact));
  // Every E2M1 code is one of 0, 0.5, 1, 1.5, 2, 3, 4, 6 (with sign) times s_eff.
  for (std::size_t i = 0; i < n; ++i) {
    const double q = std::fabs(static_cast<double>(convert<float>(e2m1::from_bits(static_cast<std::uint8_t>(t.codes[i])))));
    CHECK((q == 0 || q == 0.5 || q == 1 || q == 1.5 || q == 2 || q == 3 || q == 4 || q == 6));
  }
}

TEST_CASE("per-channel int8: FP32 scale amax / 127 per row, symmetric codes", "[tensor][block_scaled]") {
  const std::size_t R = 9, C = 37;
  const auto in = spread(R * C, 31, false);
  using F = T::per_channel<T::int_element<8>>;
  T::block_scaled_tensor<F> t;
  REQUIRE_FALSE(T::block_scaled_quantize<F>(T::block_layout::per_row(R, C), in, t).rejected());
  std::size_t bad = 0;
  for (std::size_t r = 0; r < R; ++r) {
    double amax = 0;
    for (std::size_t c = 0; c < C; ++c) amax = std::max(amax, std::fabs(static_cast<double>(in[r * C + c])));
    const float scale = static_cast<float>(amax / 127.0);  // RN64 then RN32: innocuous
    bad += t.scales[r] != static_cast<std::int32_t>(tref::fbits(scale));
    for (std::size_t c = 0; c < C; ++c) {
      const double q = scale == 0 ? 0.0 : std::nearbyint(static_cast<double>(in[r * C + c]) / scale);  // ties to even
      bad += t.codes[r * C + c] != static_cast<std::int32_t>(q);
      bad += std::fabs(q) > 127;
    }
  }
  CHECK(bad == 0);
  // Per column with E4M3 elements: scale amax / 448 in FP32.
  using G = T::per_channel<e4m3>;
  T::block_scaled_tensor<G> u;
  REQUIRE_FALSE(T::block_scaled_quantize<G>(T::block_layout::per_column(R, C), in, u).rejected());
  REQUIRE(u.scales.size() == C);
  for (std::size_t c = 0; c < C; ++c) {
    double amax = 0;
    for (std::size_t r = 0; r < R; ++r) amax = std::max(amax, std::fabs(static_cast<double>(in[r * C + c])));
    CHECK(u.scales[c] == static_cast<std::int32_t>(tref::fbits(static_cast<float>(amax / 448.0))));
  }
}

namespace {
template <int WL>
std::size_t muppet_equals_block(const floatlab::block_shape& bs, const T::block_layout& bl, const std::vector<float>& in) {
  using F = T::muppet_bfp<WL>;
  T::block_scaled_tensor<F> t;
  REQUIRE_FALSE(T::block_scaled_quantize<F>(bl, in, t).rejected());
  std::vector<std::int32_t> codes(in.size());
  std::vector<int> exps(bs.count(in.size()));
  REQUIRE_FALSE(block_quantize(array_view<const float>(in), array_view<std::int32_t>(codes), array_view<int>(exps), bs, WL).rejected());
  std::size_t bad = 0;
  for (std::size_t i = 0; i < in.size(); ++i) bad += t.codes[i] != codes[i];
  for (std::size_t b = 0; b < exps.size(); ++b) bad += t.scales[b] != exps[b];
  return bad;
}
}  // namespace

TEST_CASE("MuPPET block fixed point equals block.hpp (8/12/14/16 bits, tensor/row/column)", "[tensor][block_scaled]") {
  const std::size_t R = 12, C = 33;
  const auto in = spread(R * C, 41, false);
  std::size_t bad = 0;
  auto all = [&](auto wl) {
    constexpr int WL = decltype(wl)::value;
    bad += muppet_equals_block<WL>(floatlab::block_shape::whole(), T::block_layout::per_tensor(), in);
    bad += muppet_equals_block<WL>(floatlab::block_shape::by_rows(R, C), T::block_layout::per_row(R, C), in);
    bad += muppet_equals_block<WL>(floatlab::block_shape::by_columns(R, C), T::block_layout::per_column(R, C), in);
  };
  all(std::integral_constant<int, 8>{});
  all(std::integral_constant<int, 12>{});
  all(std::integral_constant<int, 14>{});
  all(std::integral_constant<int, 16>{});
  CHECK(bad == 0);
}

TEST_CASE("block layouts: tiles and pieces of rows; rejections; fake quantization", "[tensor][block_scaled]") {
  const auto tl = T::block_layout::tiles(5, 7, 2, 3);  // 3 x 3 tiles
  CHECK(tl.count(35) == 9);
  CHECK(tl.block_of(0) == 0);
  CHECK(tl.block_of(3) == 1);
  CHECK(tl.block_of(2 * 7 + 6) == 1 * 3 + 2);
  CHECK(tl.block_of(4 * 7 + 0) == 2 * 3 + 0);
  const auto pr = T::block_layout::per_row(3, 10, 4);  // 3 pieces per row
  CHECK(pr.count(30) == 9);
  CHECK(pr.block_of(1 * 10 + 9) == 1 * 3 + 2);
  const auto pc = T::block_layout::per_column(10, 3, 4);
  CHECK(pc.block_of(9 * 3 + 1) == 1 * 3 + 2);
  // Tiles: every element of a tile shares its scale (E8M0 of the tile's amax).
  std::vector<float> in(35);
  for (std::size_t i = 0; i < 35; ++i) in[i] = static_cast<float>(i + 1);
  T::block_scaled_tensor<T::mx_format<e4m3>> t;
  REQUIRE_FALSE(T::block_scaled_quantize<T::mx_format<e4m3>>(tl, in, t).rejected());
  CHECK(t.scales[8] == 127 + 5 - 8);  // tile (2, 2) holds only element 35: floor(log2 35) = 5
  CHECK(t.scales[0] == 127 + 3 - 8);  // tile (0, 0): max 10
  std::vector<float> fq(35);
  REQUIRE_FALSE(T::block_scaled_quantize_values<T::mx_format<e4m3>>(tl, in, fq).rejected());
  std::vector<float> deq(35);
  REQUIRE_FALSE(T::block_scaled_dequantize(t, deq).rejected());
  std::size_t fq_bad = 0;
  for (std::size_t i = 0; i < 35; ++i) {
    fq_bad += !tref::same(fq[i], deq[i]);
    // E4M3 (3 fraction bits) nearest: within 2^-4 relative of the input.
    if (i == 29 || i == 30) continue;  // checked below
    if (std::fabs(fq[i] - in[i]) > in[i] / 16) {
      WARN("i " << i << " in " << in[i] << " fq " << fq[i]);
      ++fq_bad;
    }
  }
  CHECK(fq_bad == 0);
  // Tile (2, 0) holds 29, 30, 31: X = 2^(4 - 8), and 30 * 16 = 480, 31 * 16 = 496 lie beyond
  // E4M3's 448: clamped to it (OCP MX 6.3), 448 / 16 = 28.
  CHECK(fq[29] == 28.0f);
  CHECK(fq[30] == 28.0f);
  CHECK(fq[34] == 36.0f);  // 35 / 2^-3 = 280 lies between E4M3's 256 and 288, nearer 288: 288 * 2^-3
  // Rejections before writing.
  T::block_scaled_tensor<T::nvfp4> u;
  CHECK(T::block_scaled_quantize<T::nvfp4>(T::block_layout::per_row(4, 4), in, u).has(status::bad_shape));
  CHECK(T::block_scaled_quantize<T::nvfp4>(T::block_layout::consecutive(0), in, u).has(status::bad_shape));
  CHECK(u.codes.empty());
  std::vector<float> c(4);
  CHECK(T::block_scaled_gemm(2, 2, 3, t, t, c).has(status::bad_shape));
  // Stochastic element rounding: words (seed, i, 0); different seeds differ somewhere.
  std::vector<float> s1(35), s2(35);
  const auto x = spread(35, 5, false);
  REQUIRE_FALSE(T::block_scaled_quantize_values<T::nvfp4>(T::nvfp4_layout(), x, s1, round::stochastic<8>{}, T::counter_source{1}).rejected());
  REQUIRE_FALSE(T::block_scaled_quantize_values<T::nvfp4>(T::nvfp4_layout(), x, s2, round::stochastic<8>{}, T::counter_source{2}).rejected());
  std::size_t diff = 0;
  for (std::size_t i = 0; i < 35; ++i) diff += !tref::same(s1[i], s2[i]);
  CHECK(diff > 0);
}
