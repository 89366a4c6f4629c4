// floatlab-accuracy: the training's fast GEMM and convolution kernels (tools/accuracy/
// tensor_ops.hpp) against floatlab's tensor API, bit for bit; their independence of the
// thread count; and the tool's quantizer through tensor::quantize against the per-element
// rounding with the same words.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <random>

#include <floatlab/floatlab.hpp>

#include "formats.hpp"
#include "tensor_ops.hpp"

using namespace flacc;
namespace fl = floatlab;

namespace {

bool same_bits(const std::vector<float>& a, const std::vector<float>& b, std::size_t& first_diff) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::memcmp(&a[i], &b[i], sizeof(float)) != 0) {
      first_diff = i;
      return false;
    }
  return true;
}

// Normal values with a share of exact zeros (ReLU outputs, padding).
std::vector<float> normal_with_zeros(std::size_t n, double zero_share, std::mt19937_64& g) {
  std::normal_distribution<float> nd(0, 1);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<float> v(n);
  for (auto& x : v) x = u(g) < zero_share ? 0.0f : nd(g);
  return v;
}
// Block fixed point values: WL-bit codes times one power of two (MuPPET's per-tensor scale).
std::vector<float> bfp_values(std::size_t n, int wl, int scale, std::mt19937_64& g) {
  const std::int64_t lim = (std::int64_t{1} << (wl - 1)) - 1;
  std::vector<float> v(n);
  for (auto& x : v) {
    const std::int64_t code = static_cast<std::int64_t>(g() % static_cast<std::uint64_t>(2 * lim + 1)) - lim;
    x = std::ldexp(static_cast<float>(code), scale);
  }
  return v;
}

struct gemm_case {
  std::size_t m, n, k;
};

}  // namespace

TEST_CASE("fast GEMM equals tensor::gemm bit for bit (fp32 and exact accumulation)", "[accuracy]") {
  std::mt19937_64 g(31);
  const gemm_case cases[] = {{7, 33, 50}, {64, 10, 96}, {1, 129, 3}, {5, 1, 1}, {9, 130, 17}, {4, 4, 0}};
  std::size_t compared = 0;
  for (const auto& c : cases) {
    for (int kind = 0; kind < 3; ++kind) {
      std::vector<float> A, B;
      if (kind == 0) {
        A = normal_with_zeros(c.m * c.k, 0.4, g);
        B = normal_with_zeros(c.k * c.n, 0.1, g);
      } else if (kind == 1) {  // double sums exact, float sums not
        A = bfp_values(c.m * c.k, 16, -15, g);
        B = bfp_values(c.k * c.n, 8, -3, g);
        for (std::size_t i = 0; i < A.size(); i += 3) A[i] = 0.0f;
        const auto e = tops::exact_in(A.data(), A.size(), B.data(), B.size(), c.k);
        CHECK(e.in_double);
        CHECK((!e.in_float || c.k <= 1));
      } else {  // float sums exact: the float kernel runs for the exact kind
        A = bfp_values(c.m * c.k, 6, -5, g);
        B = bfp_values(c.k * c.n, 6, 2, g);
        CHECK(tops::exact_in(A.data(), A.size(), B.data(), B.size(), c.k).in_float);
      }
      const auto k = kind == 0 ? tops::acc_kind::fp32 : tops::acc_kind::exact;
      std::vector<float> fast(c.m * c.n, -1.0f), ref(c.m * c.n, -2.0f);
      tops::gemm(k, A.data(), B.data(), fast.data(), c.m, c.n, c.k);
      tops::gemm_tensor(k, A.data(), B.data(), ref.data(), c.m, c.n, c.k);
      std::size_t d = 0;
      INFO("M " << c.m << " N " << c.n << " K " << c.k << " kind " << kind);
      const bool same = same_bits(fast, ref, d);
      INFO("first difference at " << d << ": " << fast[d] << " vs " << ref[d]);
      CHECK(same);
      compared += fast.size();
    }
  }
  CHECK(compared > 2000);
  // A K = 0 product is +0 everywhere.
  std::vector<float> z(16, 5.0f);
  tops::gemm(tops::acc_kind::fp32, z.data(), z.data(), z.data() + 8, 2, 4, 0);
  for (int i = 8; i < 16; ++i) CHECK((z[i] == 0.0f && !std::signbit(z[i])));
}

TEST_CASE("exact accumulation: operands too wide for double go to the tensor API", "[accuracy]") {
  std::mt19937_64 g(5);
  // Values over 2^-60..2^60: the double sum would round, so exact_fits refuses the fast path.
  std::vector<float> A(6 * 40), B(40 * 9);
  std::uniform_real_distribution<double> u(-60, 60);
  for (auto& x : A) x = static_cast<float>(std::ldexp(1.0 + double(g() % 1000) / 1000.0, int(u(g))));
  for (auto& x : B) x = static_cast<float>(std::ldexp(1.0 + double(g() % 1000) / 1000.0, int(u(g))));
  CHECK_FALSE(tops::exact_fits(A.data(), A.size(), B.data(), B.size(), 40));
  std::vector<float> got(54), ref(54);
  tops::gemm(tops::acc_kind::exact, A.data(), B.data(), got.data(), 6, 9, 40);
  tops::gemm_tensor(tops::acc_kind::exact, A.data(), B.data(), ref.data(), 6, 9, 40);
  std::size_t d = 0;
  CHECK(same_bits(got, ref, d));
  // Where a double sum would round: 2^60 + 1 - 2^60 is 1 exactly, 0 in double.
  const std::vector<float> a3{std::ldexp(1.0f, 60), 1.0f, -std::ldexp(1.0f, 60)}, b3{1.0f, 1.0f, 1.0f};
  CHECK_FALSE(tops::exact_fits(a3.data(), 3, b3.data(), 3, 3));
  std::vector<float> c3(1, -1.0f), naive(1, -1.0f);
  tops::gemm(tops::acc_kind::exact, a3.data(), b3.data(), c3.data(), 1, 1, 3);
  tops::gemm_fast<float>(tops::acc_kind::exact, a3.data(), b3.data(), naive.data(), 1, 1, 3);
  CHECK(c3[0] == 1.0f);
  CHECK(naive[0] == 0.0f);  // what the unguarded double kernel would give
  // Non-finite operands are refused too.
  A[3] = std::numeric_limits<float>::infinity();
  CHECK_FALSE(tops::exact_fits(A.data(), A.size(), B.data(), B.size(), 40));
}

TEST_CASE("fast convolution passes equal tensor::conv2d_* bit for bit", "[accuracy]") {
  std::mt19937_64 g(77);
  tops::conv_shape shapes[3];
  shapes[0].n = 2, shapes[0].c = 3, shapes[0].h = 7, shapes[0].w = 6, shapes[0].oc = 4, shapes[0].kh = 3, shapes[0].kw = 3,
  shapes[0].stride = 1, shapes[0].pad = 1;
  shapes[1].n = 3, shapes[1].c = 2, shapes[1].h = 8, shapes[1].w = 8, shapes[1].oc = 3, shapes[1].kh = 5, shapes[1].kw = 5,
  shapes[1].stride = 1, shapes[1].pad = 2;  // the tool's CNN layers, smaller
  shapes[2].n = 2, shapes[2].c = 2, shapes[2].h = 9, shapes[2].w = 7, shapes[2].oc = 2, shapes[2].kh = 3, shapes[2].kw = 2,
  shapes[2].stride = 2, shapes[2].pad = 1;
  std::size_t compared = 0;
  for (const auto& s : shapes)
    for (int kind = 0; kind < 3; ++kind) {
      const auto k = kind == 0 ? tops::acc_kind::fp32 : tops::acc_kind::exact;
      const std::size_t nx = s.n * s.in_size(), nw = s.oc * s.k(), ny = s.n * s.out_size();
      // kind 1: 12/14/16-bit block fixed point (double kernel); kind 2: 4-bit (float kernel)
      const int wl = kind == 2 ? 4 : 12;
      const auto x = kind == 0 ? normal_with_zeros(nx, 0.3, g) : bfp_values(nx, wl, -11, g);
      const auto w = kind == 0 ? normal_with_zeros(nw, 0.0, g) : bfp_values(nw, wl + (kind == 1 ? 2 : 0), -13, g);
      const auto dy = kind == 0 ? normal_with_zeros(ny, 0.5, g) : bfp_values(ny, wl + (kind == 1 ? 4 : 0), -20, g);
      INFO("shape n " << s.n << " c " << s.c << " h " << s.h << " w " << s.w << " oc " << s.oc << " k " << s.kh << "x"
                      << s.kw << " stride " << s.stride << " pad " << s.pad << " kind " << kind);
      std::size_t d = 0;
      std::vector<float> y(ny), yr(ny), dx(nx), dxr(nx), dw(nw), dwr(nw);
      tops::conv_forward(k, s, x.data(), w.data(), y.data());
      tops::conv_tensor(0, k, s, x.data(), w.data(), yr.data());
      CHECK(same_bits(y, yr, d));
      tops::conv_backward_data(k, s, dy.data(), w.data(), dx.data());
      tops::conv_tensor(1, k, s, dy.data(), w.data(), dxr.data());
      CHECK(same_bits(dx, dxr, d));
      tops::conv_backward_weights(k, s, x.data(), dy.data(), dw.data());
      tops::conv_tensor(2, k, s, x.data(), dy.data(), dwr.data());
      CHECK(same_bits(dw, dwr, d));
      compared += ny + nx + nw;
      // The reference is not trivially zero.
      double norm = 0;
      for (float v : yr) norm += std::fabs(v);
      CHECK(norm > 0);
    }
  CHECK(compared > 1000);
}

TEST_CASE("fast kernels: the same bits on 1 and 3 threads", "[accuracy]") {
  std::mt19937_64 g(3);
  const std::size_t M = 37, N = 70, K = 300;
  const auto A = normal_with_zeros(M * K, 0.5, g), B = normal_with_zeros(K * N, 0.0, g);
  tops::conv_shape s;
  s.n = 6, s.c = 2, s.h = 12, s.w = 12, s.oc = 5, s.kh = 5, s.kw = 5, s.stride = 1, s.pad = 2;
  const auto x = normal_with_zeros(s.n * s.in_size(), 0.3, g), w = normal_with_zeros(s.oc * s.k(), 0.0, g);
  const auto dy = normal_with_zeros(s.n * s.out_size(), 0.2, g);
  std::vector<float> out[2][4];
  for (int t = 0; t < 2; ++t) {
    tops::set_threads(t == 0 ? 1 : 3);
    out[t][0].resize(M * N), out[t][1].resize(s.n * s.out_size()), out[t][2].resize(s.n * s.in_size()), out[t][3].resize(s.oc * s.k());
    tops::gemm(tops::acc_kind::fp32, A.data(), B.data(), out[t][0].data(), M, N, K);
    tops::conv_forward(tops::acc_kind::fp32, s, x.data(), w.data(), out[t][1].data());
    tops::conv_backward_data(tops::acc_kind::fp32, s, dy.data(), w.data(), out[t][2].data());
    tops::conv_backward_weights(tops::acc_kind::fp32, s, x.data(), dy.data(), out[t][3].data());
  }
  tops::set_threads(0);
  std::size_t d = 0;
  for (int i = 0; i < 4; ++i) CHECK(same_bits(out[0][i], out[1][i], d));
}

TEST_CASE("tool quantizer through tensor::quantize equals per-element rounding with the same words", "[accuracy]") {
  std::mt19937_64 g(8);
  std::normal_distribution<float> nd(0, 4);
  const std::size_t n = 5000;
  std::vector<float> x(n);
  for (auto& v : x) v = nd(g);
  x[0] = 0.0f, x[1] = -0.0f, x[2] = 1e30f, x[3] = -1e-30f;
  std::string err;
  const std::uint64_t seed = 99;
  const std::uint32_t stream = 7;
  const std::uint64_t ss = stream_seed(seed, stream);
  auto check_format = [&](const char* name, auto proto, const char* mode_name) {
    using T = decltype(proto);
    any_format f = make_format(name, err);
    REQUIRE(f.scalar);
    mode_spec m;
    REQUIRE(parse_mode(mode_name, m, err));
    std::vector<float> got = x;
    f.scalar->quantize_floats(got.data(), n, m, seed, stream);
    std::size_t diffs = 0, changed = 0;
    for (std::size_t i = 0; i < n; ++i) {
      T r;
      if (m.stochastic())
        r = fl::convert<T>(x[i], fl::round::stochastic<32>{}, fl::fixed_word{m.mask(fl::philox_word(ss, i, 0))});
      else
        r = fl::convert<T>(x[i], fl::round::nearest_even{});
      const float want = static_cast<float>(double(r));
      diffs += std::memcmp(&want, &got[i], sizeof(float)) != 0;
      changed += got[i] != x[i];
    }
    INFO(name << " " << mode_name);
    CHECK(diffs == 0);
    CHECK(changed > n / 2);  // the rounding did something
  };
  check_format("bfloat16", fl::bfloat16{}, "nearest");
  check_format("e4m3", fl::e4m3{}, "nearest");
  check_format("e5m2", fl::e5m2{}, "stochastic<16>");
  check_format("binary16", fl::binary16{}, "stochastic<32>");
  check_format("e5m2", fl::e5m2{}, "stochastic<8>");  // the per-element path
  // Different streams give different words.
  any_format f = make_format("e5m2", err);
  mode_spec m;
  REQUIRE(parse_mode("stochastic<16>", m, err));
  std::vector<float> a = x, b = x;
  f.scalar->quantize_floats(a.data(), n, m, seed, 1);
  f.scalar->quantize_floats(b.data(), n, m, seed, 2);
  std::size_t d = 0;
  CHECK_FALSE(same_bits(a, b, d));
}

TEST_CASE("NVFP4 adapter: E2M1 grid times an E4M3 block scale over the FP32 tensor scale", "[accuracy]") {
  std::mt19937_64 g(12);
  std::string err;
  any_format f = make_format("nvfp4", err);
  REQUIRE(f.block);
  CHECK(f.info().block == 16);
  // 4 blocks of 16: magnitudes 1, 1e-3, 100 and a block of zeros; the tensor amax is in block 2.
  std::normal_distribution<float> nd(0, 1);
  std::vector<float> x(64);
  const float mags[4] = {1.0f, 1e-3f, 100.0f, 0.0f};
  for (std::size_t i = 0; i < 64; ++i) x[i] = mags[i / 16] * nd(g);
  float amax = 0;
  for (float v : x) amax = std::max(amax, std::fabs(v));
  std::vector<float> q = x;
  mode_spec nearest;
  REQUIRE(f.block->quantize(q.data(), q.size(), nearest, 1, 0));
  const float s_enc = 2688.0f / amax;  // 6 * 448 / amax (NVIDIA's recipe)
  const double grid[8] = {0, 0.5, 1, 1.5, 2, 3, 4, 6};  // E2M1 magnitudes
  for (std::size_t b = 0; b < 4; ++b) {
    float bmax = 0;
    for (std::size_t i = 16 * b; i < 16 * b + 16; ++i) bmax = std::max(bmax, std::fabs(x[i]));
    // The stored scale: E4M3 (nearest) of bmax / 6 in the tensor's encoding.
    const double d = double(fl::convert<fl::e4m3>((bmax / 6.0f) * s_enc, fl::round::nearest_even{}));
    INFO("block " << b << " scale " << d);
    if (b == 3) {
      CHECK(d == 0);
      for (std::size_t i = 48; i < 64; ++i) CHECK(q[i] == 0.0f);
      continue;
    }
    CHECK(d > 0);
    for (std::size_t i = 16 * b; i < 16 * b + 16; ++i) {
      // q * s_enc / d must be one of the E2M1 values (up to the float rounding of the rescale).
      const double e = std::fabs(double(q[i]) * double(s_enc) / d);
      double best = 1e9, near_x = 1e9;
      for (double v : grid) {
        best = std::min(best, std::fabs(e - v));
        near_x = std::min(near_x, std::fabs(std::fabs(double(x[i]) * s_enc / d) - v));
      }
      CHECK(best < 1e-5);
      // Nearest rounding: x's own distance to the grid is not beaten (within float rounding).
      CHECK(std::fabs(std::fabs(double(x[i]) * s_enc / d) - e) <= near_x + 1e-5);
      CHECK((q[i] == 0.0f || std::signbit(q[i]) == std::signbit(x[i])));
    }
  }
  // The block with the tensor's amax has the scale 448 and keeps amax (6 * 448 / s_enc).
  const float qmax = *std::max_element(q.begin() + 32, q.begin() + 48, [](float a, float b) { return std::fabs(a) < std::fabs(b); });
  CHECK(std::fabs(std::fabs(qmax) - amax) <= 1e-6f * amax);
  // Per-block scales: the 1e-3 block is not flushed (a per-tensor E2M1 scale would flush it).
  std::size_t nonzero = 0;
  for (std::size_t i = 16; i < 32; ++i) nonzero += q[i] != 0.0f;
  CHECK(nonzero >= 8);
  // Stochastic rounding is unbiased: the mean over streams approaches x.
  mode_spec sr;
  REQUIRE(parse_mode("stochastic<16>", sr, err));
  std::vector<double> mean(16, 0.0);
  const int reps = 2000;
  std::vector<float> y(16);
  for (std::size_t i = 0; i < 16; ++i) y[i] = 0.1f + 0.37f * float(i);  // amax 5.65
  for (int r = 0; r < reps; ++r) {
    std::vector<float> t = y;
    f.block->quantize(t.data(), t.size(), sr, 5, static_cast<std::uint64_t>(r));
    for (std::size_t i = 0; i < 16; ++i) mean[i] += t[i] / reps;
  }
  for (std::size_t i = 0; i < 16; ++i) CHECK(std::fabs(mean[i] - y[i]) < 0.03 * 5.65 / 6 * 2);
  // Non-finite input is reported.
  std::vector<float> bad(16, 1.0f);
  bad[3] = std::numeric_limits<float>::quiet_NaN();
  CHECK_FALSE(f.block->quantize(bad.data(), bad.size(), nearest, 1, 0));
}
