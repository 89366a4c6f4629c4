// The tensor-core route of cuda::gemm (chunked<L, sm90_mma>, mma.sync on an H100 / H200)
// against the host, bit for bit:
//   1. the hardware itself against the host's model (tensor/mma_model.hpp): one mma.sync
//      m16n8k16 per case, the operand classes of tests/support/mma_cases.hpp (wide and narrow
//      exponents, cancellations, subnormals, zero c, sums near the top of the range, and
//      infinities / NaNs), binary16 and bfloat16;
//   2. cuda::gemm against tensor::gemm (the host's model in its exact kernel) on edge shapes
//      (K = 1, K not a multiple of 16, long K, tails of the 128 x 128 tile, batches, alpha /
//      beta, every layout and transpose), chunk lengths 16 .. K, accumulators binary32,
//      bfloat16, directed and stochastic, float and 16-bit inputs;
//   3. conv2d forward / backward data / backward weights against tensor::conv2d_*.
// Without a GPU the program exits 77; on a GPU other than compute capability 9.0 the route is
// rejected (checked) and the rest is skipped with exit code 77.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include <floatlab/cuda/conv.cuh>
#include <floatlab/cuda/gemm.cuh>
#include <floatlab/tensor/conv.hpp>
#include <floatlab/tensor/gemm.hpp>

#include "../support/mma_cases.hpp"
#include "support.cuh"

namespace fl = floatlab;
namespace fc = floatlab::cuda;
namespace fd = floatlab::detail;
namespace rnd = fl::round;
using fl::bfloat16;
using fl::binary16;
using fl::binary32;
using floatlab_cuda_test::dev_buf;
using floatlab_cuda_test::expect;
using floatlab_cuda_test::mismatches;
using floatlab_test::mma_case;

// ---- 1. the hardware against the model ----

template <int Fmt>
__global__ void raw_mma(const mma_case* cases, std::uint32_t* d_out, int n) {
  const int w = (blockIdx.x * blockDim.x + threadIdx.x) / 32, lane = threadIdx.x % 32;
  if (w >= n) return;
  const mma_case& t = cases[w];
  const int g = lane >> 2, q = lane & 3;
  auto pk = [](std::uint16_t lo, std::uint16_t hi) { return std::uint32_t(lo) | (std::uint32_t(hi) << 16); };
  const std::uint32_t a[4] = {pk(t.a[g][2 * q], t.a[g][2 * q + 1]), pk(t.a[g + 8][2 * q], t.a[g + 8][2 * q + 1]),
                              pk(t.a[g][2 * q + 8], t.a[g][2 * q + 9]),
                              pk(t.a[g + 8][2 * q + 8], t.a[g + 8][2 * q + 9])};
  const std::uint32_t b[2] = {pk(t.b[2 * q][g], t.b[2 * q + 1][g]), pk(t.b[2 * q + 8][g], t.b[2 * q + 9][g])};
  float d[4] = {__uint_as_float(t.c[g][2 * q]), __uint_as_float(t.c[g][2 * q + 1]), __uint_as_float(t.c[g + 8][2 * q]),
                __uint_as_float(t.c[g + 8][2 * q + 1])};
  using F = std::conditional_t<Fmt == 0, binary16, bfloat16>;
  fc::detail::mma_16816<typename F::format_type>(d, a, b);
  std::uint32_t* o = d_out + std::size_t(w) * 128;
  o[g * 8 + 2 * q] = __float_as_uint(d[0]), o[g * 8 + 2 * q + 1] = __float_as_uint(d[1]);
  o[(g + 8) * 8 + 2 * q] = __float_as_uint(d[2]), o[(g + 8) * 8 + 2 * q + 1] = __float_as_uint(d[3]);
}

template <int Fmt>
static void check_hardware_model(int per_class) {
  using F = std::conditional_t<Fmt == 0, binary16, bfloat16>;
  using FF = typename F::format_type;
  constexpr int classes = 6;
  const int n = per_class * classes;
  std::vector<mma_case> h(n);
  for (int i = 0; i < n; ++i)
    floatlab_test::gen_case(std::uint64_t(i % per_class + (i / per_class) * 2048) + 1000003ull * Fmt, Fmt,
                            i / per_class, h[i]);
  dev_buf<mma_case> dc(n);
  dev_buf<std::uint32_t> dd(std::size_t(n) * 128);
  dc.put(h);
  raw_mma<Fmt><<<(n + 3) / 4, 128>>>(dc.p, dd.p, n);
  CUDA_OK(cudaDeviceSynchronize());
  const std::vector<std::uint32_t> d = dd.get(std::size_t(n) * 128);
  long bad[classes] = {}, shown = 0;
  for (int i = 0; i < n; ++i)
    for (int r = 0; r < 16; ++r)
      for (int j = 0; j < 8; ++j) {
        fd::unpacked ua[16], ub[16];
        for (int k = 0; k < 16; ++k) ua[k] = fd::unpack<FF>(h[i].a[r][k]), ub[k] = fd::unpack<FF>(h[i].b[k][j]);
        const std::uint32_t m = fl::tensor::detail::sm90_mma_block<FF::fraction_bits>(ua, ub, 16, h[i].c[r][j]);
        const std::uint32_t hw = d[std::size_t(i) * 128 + r * 8 + j];
        // NaN results: any NaN pattern (the GEMM rounds it into Acc's one NaN).
        const bool both_nan = (m & 0x7FFFFFFFu) > 0x7F800000u && (hw & 0x7FFFFFFFu) > 0x7F800000u;
        if (m != hw && !both_nan) {
          ++bad[i / per_class];
          if (shown++ < 6)
            std::printf("  mma %s class %d case %d (%d,%d): device %08x model %08x\n", Fmt ? "bf16" : "f16",
                        i / per_class, i % per_class, r, j, hw, m);
        }
      }
  long total = 0;
  for (int c = 0; c < classes; ++c) total += bad[c];
  std::printf(
      "mma.sync m16n8k16 %s vs the host model: %d dot products x 6 classes: %ld %ld %ld %ld %ld %ld mismatches\n",
      Fmt ? "bfloat16" : "binary16", per_class * 128, bad[0], bad[1], bad[2], bad[3], bad[4], bad[5]);
  expect(total == 0, "mma.sync vs model");
}

// ---- 2. cuda::gemm vs tensor::gemm ----

static std::uint64_t lcg = 0x2545F4914F6CDD1Dull;
static float test_value() {
  lcg = lcg * 6364136223846793005ull + 1442695040888963407ull;
  const std::uint32_t r = static_cast<std::uint32_t>(lcg >> 33);
  if (r % 97 == 0) return 0.0f;
  const float m = static_cast<float>(r % 100000) / 25000.0f - 2.0f;  // [-2, 2)
  const int e = static_cast<int>((r >> 20) % 24) - 12;               // 2^-12 .. 2^11
  return std::ldexp(m, e);
}

template <class T>
static std::vector<T> values(std::size_t n) {
  std::vector<T> v(n);
  for (auto& x : v) {
    if constexpr (fl::is_cfloat_v<T>)
      x = fl::convert<T>(test_value(), rnd::nearest_even{});
    else
      x = test_value();
  }
  return v;
}

struct shape_case {
  std::size_t m, n, k, batch;
  fl::tensor::layout order;
  fl::tensor::op_t ta, tb;
  double alpha, beta;
  std::size_t pad = 0;  // added to every leading dimension
};

template <class Recipe, class TA, class TC>
static void gemm_vs_host(const char* name) {
  using fl::tensor::layout;
  using fl::tensor::op_t;
  const shape_case cases[] = {
      {1, 1, 1, 1, layout::row_major, op_t::none, op_t::none, 1, 0},
      {16, 8, 16, 1, layout::row_major, op_t::none, op_t::none, 1, 0},
      {129, 131, 17, 1, layout::row_major, op_t::none, op_t::none, 1, 1},
      {200, 77, 1000, 2, layout::row_major, op_t::none, op_t::none, 1, 0},
      {64, 300, 95, 1, layout::col_major, op_t::trans, op_t::none, 0.5, 2},
      {37, 41, 260, 3, layout::row_major, op_t::trans, op_t::trans, 1, -1},
      {256, 256, 64, 1, layout::col_major, op_t::none, op_t::trans, 1, 0},
      {3, 5, 4100, 1, layout::row_major, op_t::none, op_t::none, 1, 0},
      // Shapes for the vector tile loads (16-bit arrays, row-major, leading dimensions and
      // batch strides multiples of 8): tails of M, N and K, partial vectors at K and N.
      {130, 136, 72, 2, layout::row_major, op_t::none, op_t::none, 1, 0},
      {64, 200, 40, 1, layout::row_major, op_t::none, op_t::none, 1, 1},
      {150, 133, 77, 2, layout::row_major, op_t::none, op_t::none, 1, 0, 3},
      {257, 129, 1001, 1, layout::row_major, op_t::none, op_t::none, 2, 1, 7},
  };
  std::size_t total = 0;
  for (const shape_case& g : cases) {
    fl::tensor::gemm_shape s;
    s.m = g.m, s.n = g.n, s.k = g.k, s.batch = g.batch, s.order = g.order, s.trans_a = g.ta, s.trans_b = g.tb;
    s.alpha = g.alpha, s.beta = g.beta;
    const bool row = g.order == layout::row_major;
    const std::size_t a_rows = g.ta == op_t::trans ? g.k : g.m, a_cols = g.ta == op_t::trans ? g.m : g.k;
    const std::size_t b_rows = g.tb == op_t::trans ? g.n : g.k, b_cols = g.tb == op_t::trans ? g.k : g.n;
    s.lda = (row ? a_cols : a_rows) + g.pad, s.ldb = (row ? b_cols : b_rows) + g.pad;
    s.ldc = (row ? g.n : g.m) + g.pad;
    const std::size_t na = g.batch * s.lda * (row ? a_rows : a_cols), nb = g.batch * s.ldb * (row ? b_rows : b_cols),
                      nc = g.batch * s.ldc * (row ? g.m : g.n);
    const std::vector<TA> a = values<TA>(na), b = values<TA>(nb);
    const std::vector<TC> c0 = values<TC>(nc);
    std::vector<TC> want = c0;
    const fl::status hs = fl::tensor::gemm<Recipe>(s, a, b, want, fl::tensor::counter_source{9});
    dev_buf<TA> da(na), db(nb);
    dev_buf<TC> dc(nc);
    da.put(a), db.put(b), dc.put(c0);
    const fl::status st = fc::gemm<Recipe>(s, da.p, db.p, dc.p, 0, fc::counter_source{9});
    CUDA_OK(cudaDeviceSynchronize());
    const std::size_t bad = st.rejected() || hs.rejected() ? nc + 1 : mismatches(dc.get(nc), want);
    if (bad)
      std::printf("  gemm %s M=%zu N=%zu K=%zu batch=%zu: %zu mismatches %s %s\n", name, g.m, g.n, g.k, g.batch, bad,
                  st.message ? st.message : "", hs.message ? hs.message : "");
    total += bad;
  }
  std::printf("gemm tensor cores vs host tensor::gemm %-44s %zu shapes: %zu mismatches\n", name,
              sizeof cases / sizeof cases[0], total);
  expect(total == 0, name);
}

// ---- 3. convolutions ----

template <class Recipe>
static void conv_vs_host(const char* name) {
  fl::tensor::conv2d_shape s;
  s.n = 3, s.c = 8, s.h = 13, s.w = 11, s.oc = 24, s.kh = 3, s.kw = 3, s.stride_h = 1, s.stride_w = 2, s.pad_h = 1,
  s.pad_w = 1, s.dil_h = 1, s.dil_w = 1, s.groups = 2;
  const std::size_t nx = s.n * s.c * s.h * s.w, nw = s.oc * (s.c / s.groups) * s.kh * s.kw,
                    ny = s.n * s.oc * s.out_h() * s.out_w();
  const std::vector<float> x = values<float>(nx), w = values<float>(nw), dy = values<float>(ny);
  std::vector<float> hy(ny), hdx(nx), hdw(nw);
  const fl::tensor::counter_source src{3};
  const bool host_ok = !fl::tensor::conv2d_forward<Recipe>(s, x, w, hy, src).rejected() &&
                       !fl::tensor::conv2d_backward_data<Recipe>(s, dy, w, hdx, src).rejected() &&
                       !fl::tensor::conv2d_backward_weights<Recipe>(s, x, dy, hdw, src).rejected();
  dev_buf<float> dx(nx), dwt(nw), dyb(ny), gy(ny), gdx(nx), gdw(nw);
  dx.put(x), dwt.put(w), dyb.put(dy);
  const bool dev_ok = !fc::conv2d_forward<Recipe>(s, dx.p, dwt.p, gy.p, 0, src).rejected() &&
                      !fc::conv2d_backward_data<Recipe>(s, dyb.p, dwt.p, gdx.p, 0, src).rejected() &&
                      !fc::conv2d_backward_weights<Recipe>(s, dx.p, dyb.p, gdw.p, 0, src).rejected();
  CUDA_OK(cudaDeviceSynchronize());
  const std::size_t bad =
      !host_ok || !dev_ok ? 1 + nx
                          : mismatches(gy.get(ny), hy) + mismatches(gdx.get(nx), hdx) + mismatches(gdw.get(nw), hdw);
  std::printf("conv2d tensor cores vs host tensor::conv2d_* %-22s fwd, bwd data, bwd weights: %zu mismatches\n", name,
              bad);
  expect(bad == 0, name);
}

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  int devices = 0;
  if (cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0) {
    std::printf("no CUDA device: skipped\n");
    return 77;
  }
  using R16 = fl::tensor::gemm_recipe<binary16, binary32, binary32, fl::tensor::chunked<16, fl::tensor::sm90_mma>>;
  if (!fc::detail::hopper_device()) {
    fl::tensor::gemm_shape s;
    s.m = s.n = s.k = 1;
    dev_buf<float> a(1), b(1), c(1);
    expect(fc::gemm<R16>(s, a.p, b.p, c.p, 0).rejected(), "sm90_mma rejected off Hopper");
    std::printf("not compute capability 9.0: the tensor-core route is rejected (checked); skipped\n");
    return floatlab_cuda_test::failures ? 1 : 77;
  }
  check_hardware_model<0>(quick ? 64 : 2048);
  check_hardware_model<1>(quick ? 64 : 2048);

  using fl::tensor::chunked;
  using fl::tensor::gemm_recipe;
  using fl::tensor::sm90_mma;
  gemm_vs_host<R16, float, float>("binary16 in, chunk 16, binary32 acc");
  gemm_vs_host<gemm_recipe<bfloat16, binary32, binary32, chunked<std::size_t{1} << 30, sm90_mma>>, bfloat16, float>(
      "bfloat16 arrays, one chunk (cuBLAS-like)");
  gemm_vs_host<gemm_recipe<bfloat16, binary32, bfloat16, chunked<64, sm90_mma>>, float, bfloat16>(
      "bfloat16 in, chunk 64, bfloat16 acc and C");
  gemm_vs_host<gemm_recipe<binary16, binary32, fl::cfloat<5, 10, rnd::stochastic<8>>, chunked<32, sm90_mma>>, binary16,
               float>("binary16, chunk 32, binary16 stochastic<8> acc");
  gemm_vs_host<gemm_recipe<bfloat16, binary32, fl::cfloat<8, 23, rnd::toward_zero>, chunked<16, sm90_mma>>, bfloat16,
               bfloat16>("bfloat16 arrays, chunk 16, binary32 RZ acc (core)");
  gemm_vs_host<gemm_recipe<fl::cfloat<5, 10, rnd::toward_zero>, binary32, fl::cfloat<8, 23, rnd::toward_zero>,
                           chunked<48, sm90_mma>>,
               float, float>("binary16 RZ in, chunk 48, binary32 RZ acc");
  conv_vs_host<gemm_recipe<bfloat16, binary32, binary32, chunked<32, sm90_mma>>>("bfloat16 chunk 32");

  std::printf(floatlab_cuda_test::failures ? "%d CHECKS FAILED\n"
                                           : "all tensor-core results equal the host references bit for bit\n",
              floatlab_cuda_test::failures);
  return floatlab_cuda_test::failures ? 1 : 0;
}
