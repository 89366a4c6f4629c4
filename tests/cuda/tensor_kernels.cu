// floatlab/cuda quantize, GEMM and convolution kernels against host references, bit for bit,
// and the fast device routes (hardware float -> binary16 / bfloat16 conversion, native binary16
// and bfloat16 arithmetic of gemm.cuh) against the scalar core exhaustively.
//
// The host references are plain loops written here from the semantics of the host tensor
// operations (issue 13, docs/tensor.md / TENSOR_API.md): quantize through the public
// convert<To>(x, mode, fixed_word{philox_word(seed, i, 0)}); GEMM and convolution as the
// exact scalar kernel of tensor/gemm.hpp (unpack, exact mul/add/fma, finish = round_pack), one
// output element at a time, k = 0..K-1. They do not call the kernels' own helpers.
// Without a GPU the program exits 77 (ctest: skipped); building it is CI's compile test.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include <floatlab/cuda/conv.cuh>
#include <floatlab/cuda/gemm.cuh>
#include <floatlab/cuda/quantize.cuh>
#include <floatlab/tensor/conv.hpp>
#include <floatlab/tensor/gemm.hpp>

#include "support.cuh"

// No `using namespace floatlab` at global scope: CUDA's headers call ::round unqualified.
namespace fl = floatlab;
namespace fc = floatlab::cuda;
namespace fd = floatlab::detail;
namespace rnd = fl::round;
using fl::bfloat16;
using fl::binary16;
using fl::binary32;
using fl::e4m3;
using fl::e5m2;

using floatlab_cuda_test::bits_of;
using floatlab_cuda_test::dev_buf;
using floatlab_cuda_test::expect;
using floatlab_cuda_test::failures;
using floatlab_cuda_test::mismatches;
static bool quick = false;  // --quick: no exhaustive route check, smaller arrays (compute-sanitizer runs)

// Deterministic test data: mostly moderate values, some zeros, huge, tiny, negative, NaN, inf.
static std::uint64_t lcg = 0x9E3779B97F4A7C15ull;
static std::uint32_t next32() {
  lcg = lcg * 6364136223846793005ull + 1442695040888963407ull;
  return static_cast<std::uint32_t>(lcg >> 32);
}
static float test_value() {
  const std::uint32_t r = next32();
  switch (r % 64) {
    case 0: return 0.0f;
    case 1: return -0.0f;
    case 2: return r % 2 ? 1e30f : -1e30f;  // binary32 products overflow, both signs: inf - inf
    case 3: return -7e-8f;
    case 6: return static_cast<float>(r % 997) * 1e-22f;  // binary32 products and sums in the subnormals
    case 7: return r % 2 ? 3e-39f : -1.2e-38f;            // binary32 subnormal / near-minimum inputs
    case 4: return static_cast<float>(r % 1000) * 1e-6f;
    case 5: return r % 2 ? 65504.0f : 65520.0f;
    default: {
      const float m = static_cast<float>(next32() >> 8) / 16777216.0f - 0.5f;  // [-0.5, 0.5)
      return m * static_cast<float>(1 << (r % 8));
    }
  }
}
static std::vector<float> test_values(std::size_t n, bool specials) {
  std::vector<float> v(n);
  for (auto& x : v) x = test_value();
  if (specials && n > 8) {
    v[1] = __builtin_nanf("");
    v[n / 2] = __builtin_inff();
    v[n - 1] = -__builtin_inff();
  }
  return v;
}

// ---- 1. the native route vs the scalar core, over all pairs of binary16 and of bfloat16 ---

using F16 = typename binary16::format_type;
using BF16 = typename bfloat16::format_type;

template <class F>
__global__ void native_pairs_kernel(std::uint32_t hi_begin, unsigned long long* bad) {
  using N = fc::detail::native_ops<F>;
  // One thread per (a, b): a = high half, b = low half of a 32-bit index.
  const std::uint32_t idx = (hi_begin << 16) + blockIdx.x * blockDim.x + threadIdx.x;
  const std::uint16_t a = idx >> 16, b = idx & 0xFFFF;
  const auto ha = N::from_bits(a), hb = N::from_bits(b);
  const fd::unpacked ua = fd::unpack<F>(a), ub = fd::unpack<F>(b);
  auto core_mul = [](fd::unpacked x, fd::unpacked y) { return fd::finish<F, rnd::nearest_even>(fd::mul(x, y), 0); };
  auto core_add = [](fd::unpacked x, fd::unpacked y) {
    return fd::finish<F, rnd::nearest_even>(fd::add<rnd::nearest_even>(x, y), 0);
  };
  auto core_fma = [](fd::unpacked x, fd::unpacked y, std::uint16_t c) {
    return fd::finish<F, rnd::nearest_even>(fd::fma<rnd::nearest_even>(x, y, fd::unpack<F>(c)), 0);
  };
  unsigned local = 0;
  local += N::fix_nan(N::bits(N::mul(ha, hb))) != core_mul(ua, ub);
  local += N::fix_nan(N::bits(N::add(ha, hb))) != core_add(ua, ub);
  // fma with c from a structured set: zeros, +inf, 1, the smallest subnormal, -max, the exact
  // negated product's neighbours.
  const std::uint16_t inf = static_cast<std::uint16_t>(fd::pack_inf<F>(false)),
                      one = static_cast<std::uint16_t>(
                          fd::convert_bits<F, typename binary32::format_type, rnd::nearest_even>(0x3F800000u, 0)),
                      neg_max = static_cast<std::uint16_t>((inf - 1) | 0x8000);
  const std::uint16_t cs[8] = {0x0000,
                               0x8000,
                               inf,
                               one,
                               0x0001,
                               neg_max,
                               static_cast<std::uint16_t>(a ^ 0x8000),
                               static_cast<std::uint16_t>(b ^ 0x8001)};
  for (int t = 0; t < 8; ++t)
    local += N::fix_nan(N::bits(N::fma(ha, hb, N::from_bits(cs[t])))) != core_fma(ua, ub, cs[t]);
  // The paired forms the GEMM kernel runs: lane 0 = (a, b), lane 1 = (-b, a), both lanes over
  // all pairs as a, b do.
  const std::uint16_t a1 = static_cast<std::uint16_t>(b ^ 0x8000), b1 = a;
  const auto x2 = N::make(ha, N::from_bits(a1)), y2 = N::make(hb, N::from_bits(b1));
  const fd::unpacked ua1 = fd::unpack<F>(a1), ub1 = fd::unpack<F>(b1);
  auto lanes = [&](typename N::pair r, std::uint16_t want0, std::uint16_t want1) {
    return static_cast<unsigned>(N::fix_nan(N::bits(N::lo(r))) != want0) +
           static_cast<unsigned>(N::fix_nan(N::bits(N::hi(r))) != want1);
  };
  local += lanes(N::mul(x2, y2), core_mul(ua, ub), core_mul(ua1, ub1));
  local += lanes(N::add(x2, y2), core_add(ua, ub), core_add(ua1, ub1));
  for (int t = 0; t < 8; ++t) {
    const std::uint16_t c0 = cs[t], c1 = cs[(t + 3) % 8];
    local += lanes(N::fma(x2, y2, N::make(N::from_bits(c0), N::from_bits(c1))), core_fma(ua, ub, c0),
                   core_fma(ua1, ub1, c1));
  }
  if (local) atomicAdd(bad, static_cast<unsigned long long>(local));
}

template <class F>
__global__ void native_fma_random_kernel(std::uint64_t seed, std::uint64_t n, unsigned long long* bad) {
  using N = fc::detail::native_ops<F>;
  const std::uint64_t stride = static_cast<std::uint64_t>(gridDim.x) * blockDim.x;
  unsigned local = 0;
  for (std::uint64_t i = blockIdx.x * static_cast<std::uint64_t>(blockDim.x) + threadIdx.x; i < n; i += stride) {
    const fl::philox_block r =
        fl::philox4x32(seed, static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(i >> 32), 0, 0);
    const std::uint16_t a = r.w[0] & 0xFFFF, b = r.w[0] >> 16, c = r.w[1] & 0xFFFF;
    local += N::fix_nan(N::bits(N::fma(N::from_bits(a), N::from_bits(b), N::from_bits(c)))) !=
             fd::finish<F, rnd::nearest_even>(
                 fd::fma<rnd::nearest_even>(fd::unpack<F>(a), fd::unpack<F>(b), fd::unpack<F>(c)), 0);
  }
  if (local) atomicAdd(bad, static_cast<unsigned long long>(local));
}

// The hardware float -> binary16 / bfloat16 conversion route vs the core, over all floats.
__global__ void cvt_all_floats_kernel(std::uint32_t hi, unsigned long long* bad) {
  using BF = typename bfloat16::format_type;
  using F32 = fd::binary32_format;
  const std::uint32_t x = (hi << 28) + blockIdx.x * blockDim.x + threadIdx.x;
  unsigned local = 0;
  local += fc::detail::convert_fast<F16, F32, rnd::nearest_even>(x, 0) !=
           fd::convert_bits<F16, F32, rnd::nearest_even>(x, 0);
  local +=
      fc::detail::convert_fast<BF, F32, rnd::nearest_even>(x, 0) != fd::convert_bits<BF, F32, rnd::nearest_even>(x, 0);
  // The value form the lane route's products use (round_exact_float): the value of the core's
  // code, or a NaN for a NaN.
  auto same_value = [](float got, float want) {
    return (got != got && want != want) || __float_as_uint(got) == __float_as_uint(want);
  };
  const float fx = __uint_as_float(x);
  local += !same_value(fc::detail::round_exact_float<F16, rnd::nearest_even>(fx, 0),
                       fl::tensor::detail::lane_decode<F16>(fd::convert_bits<F16, F32, rnd::nearest_even>(x, 0)));
  local += !same_value(fc::detail::round_exact_float<BF, rnd::nearest_even>(fx, 0),
                       fl::tensor::detail::lane_decode<BF>(fd::convert_bits<BF, F32, rnd::nearest_even>(x, 0)));
  if (local) atomicAdd(bad, static_cast<unsigned long long>(local));
}

// The lane route (float -> any format that lives in float, any mode: round_lane + lane_encode,
// and round_lane's float for fake quantization) vs the core's conversion, over all floats; the
// stochastic word is a hash of the float, so every word pattern class is reached.
template <class T, class Mode>
__global__ void lane_all_floats_kernel(std::uint32_t hi, unsigned long long* bad) {
  using F = typename T::format_type;
  using F32 = fd::binary32_format;
  const std::uint32_t x = (hi << 28) + blockIdx.x * blockDim.x + threadIdx.x;
  const std::uint32_t w = fl::is_stochastic_v<Mode> ? (x * 0x9E3779B9u) ^ (x >> 13) : 0u;
  const auto want = fd::convert_bits<F, F32, Mode>(x, w);
  unsigned local = fc::detail::convert_fast<F, F32, Mode>(x, w) != want;
  const float v = fl::tensor::detail::round_lane<F, Mode>(__uint_as_float(x), 0.0f, w);
  local += __float_as_uint(v) != __float_as_uint(fl::tensor::detail::lane_decode<F>(want));
  if (local) atomicAdd(bad, static_cast<unsigned long long>(local));
}

template <class T, class Mode>
static void check_lane_all_floats(const char* name) {
  unsigned long long* bad = nullptr;
  CUDA_OK(cudaMalloc(&bad, sizeof *bad));
  CUDA_OK(cudaMemset(bad, 0, sizeof *bad));
  for (std::uint32_t part = 0; part < 16; ++part) lane_all_floats_kernel<T, Mode><<<(1u << 28) / 256, 256>>>(part, bad);
  CUDA_OK(cudaGetLastError());
  unsigned long long h = 0;
  CUDA_OK(cudaMemcpy(&h, bad, sizeof h, cudaMemcpyDeviceToHost));
  std::printf("lane route float -> %-24s all 2^32 floats (codes and values): %llu mismatches vs the core\n", name, h);
  expect(h == 0, name);
  cudaFree(bad);
}

// cfloat's own operators in device code (the float path with PTX cvt for binary16 and
// bfloat16: detail/float_path.hpp) vs the integer kernels, over all pairs (sqrt: all values).
template <class T>
__global__ void cfloat_ops_pairs_kernel(std::uint32_t hi_begin, unsigned long long* bad) {
  using F = typename T::format_type;
  using RN = rnd::nearest_even;
  const std::uint32_t idx = (hi_begin << 16) + blockIdx.x * blockDim.x + threadIdx.x;
  const std::uint16_t a = idx >> 16, b = idx & 0xFFFF;
  const T x = T::from_bits(a), y = T::from_bits(b);
  const fd::unpacked ua = fd::unpack<F>(a), ub = fd::unpack<F>(b);
  unsigned local = 0;
  local += (x + y).bits() != fd::finish<F, RN>(fd::add<RN>(ua, ub), 0);
  local += (x - y).bits() != fd::finish<F, RN>(fd::add<RN>(ua, fd::unpack<F>(b ^ 0x8000u)), 0);
  local += (x * y).bits() != fd::finish<F, RN>(fd::mul(ua, ub), 0);
  local += (x / y).bits() != fd::finish<F, RN>(fd::div(ua, ub), 0);
  if (b == 0) local += sqrt(x).bits() != fd::finish<F, RN>(fd::sqrt(ua), 0);
  if (local) atomicAdd(bad, static_cast<unsigned long long>(local));
}

template <class T>
static void check_cfloat_ops(const char* name) {
  unsigned long long* bad = nullptr;
  CUDA_OK(cudaMalloc(&bad, sizeof *bad));
  CUDA_OK(cudaMemset(bad, 0, sizeof *bad));
  for (std::uint32_t part = 0; part < 16; ++part)
    cfloat_ops_pairs_kernel<T><<<(1u << 28) / 256, 256>>>(part << 12, bad);
  CUDA_OK(cudaGetLastError());
  unsigned long long h = 0;
  CUDA_OK(cudaMemcpy(&h, bad, sizeof h, cudaMemcpyDeviceToHost));
  std::printf("device cfloat %-9s + - * / over all 2^32 pairs, sqrt over all values: %llu mismatches vs the core\n",
              name, h);
  expect(h == 0, name);
  cudaFree(bad);
}

static void check_lane_and_scalar_routes() {
  check_lane_all_floats<e4m3, rnd::nearest_even>("e4m3 nearest_even");
  check_lane_all_floats<e5m2, rnd::toward_zero>("e5m2 toward_zero");
  check_lane_all_floats<fl::e2m1, rnd::nearest_away>("e2m1 nearest_away");
  check_lane_all_floats<fl::e3m2, rnd::downward>("e3m2 downward");
  check_lane_all_floats<fl::cfloat<6, 9>, rnd::upward>("cfloat<6,9> upward");
  check_lane_all_floats<binary16, rnd::stochastic<8>>("binary16 stochastic<8>");
  check_lane_all_floats<binary16, rnd::toward_zero>("binary16 toward_zero");
  check_lane_all_floats<bfloat16, rnd::odd>("bfloat16 odd");
  check_lane_all_floats<bfloat16, rnd::stochastic<16>>("bfloat16 stochastic<16>");
  check_lane_all_floats<fl::e4m3fnuz, rnd::stochastic<4>>("e4m3fnuz stochastic<4>");
  check_cfloat_ops<binary16>("binary16");
  check_cfloat_ops<bfloat16>("bfloat16");
}

template <class F>
static void check_native_format(unsigned long long* bad, const char* name) {
  CUDA_OK(cudaMemset(bad, 0, sizeof *bad));
  // 2^32 pairs in 16 launches of 2^28 threads (each launch covers 4096 values of a).
  for (std::uint32_t part = 0; part < 16; ++part) native_pairs_kernel<F><<<(1u << 28) / 256, 256>>>(part << 12, bad);
  CUDA_OK(cudaGetLastError());
  unsigned long long h = 0;
  CUDA_OK(cudaMemcpy(&h, bad, sizeof h, cudaMemcpyDeviceToHost));
  std::printf(
      "native %s route: all 2^32 pairs x (mul, add, 8 fma addends), scalar and paired: %llu mismatches vs the "
      "core\n",
      name, h);
  expect(h == 0, "native route (exhaustive pairs) equals the core");
  CUDA_OK(cudaMemset(bad, 0, sizeof *bad));
  const std::uint64_t n = std::uint64_t{1} << 32;
  native_fma_random_kernel<F><<<132 * 16, 256>>>(0xF00D, n, bad);
  CUDA_OK(cudaMemcpy(&h, bad, sizeof h, cudaMemcpyDeviceToHost));
  std::printf("native %s fma: 2^32 random triples: %llu mismatches vs the core\n", name, h);
  expect(h == 0, "native fma (random triples) equals the core");
}

static void check_native_route() {
  unsigned long long* bad = nullptr;
  CUDA_OK(cudaMalloc(&bad, sizeof *bad));
  CUDA_OK(cudaMemset(bad, 0, sizeof *bad));
  for (std::uint32_t part = 0; part < 16; ++part) cvt_all_floats_kernel<<<(1u << 28) / 256, 256>>>(part, bad);
  CUDA_OK(cudaGetLastError());
  unsigned long long hc = 0;
  CUDA_OK(cudaMemcpy(&hc, bad, sizeof hc, cudaMemcpyDeviceToHost));
  std::printf(
      "hardware float -> binary16 / bfloat16 conversion (codes and values): all 2^32 floats: %llu mismatches vs the "
      "core\n",
      hc);
  expect(hc == 0, "hardware conversion route (all floats) equals the core");
  CUDA_OK(cudaMemset(bad, 0, sizeof *bad));
  check_native_format<F16>(bad, "binary16");
  check_native_format<BF16>(bad, "bfloat16");
  cudaFree(bad);
}

// ---- 2. quantize ----------------------------------------------------------------------------

template <class To, class Mode, class Dst>
static void check_quantize(const char* name, std::size_t n, std::size_t offset, std::uint64_t seed) {
  const std::vector<float> x = test_values(n + offset, true);
  std::vector<Dst> want(n);
  for (std::size_t i = 0; i < n; ++i) {
    const To q = fl::convert<To>(x[offset + i], Mode{}, fl::fixed_word{fl::philox_word(seed, i, 0)});
    if constexpr (std::is_same_v<Dst, To>)
      want[i] = q;
    else
      want[i] = fl::convert<float>(q, rnd::nearest_even{});
  }
  dev_buf<float> din(n + offset);
  dev_buf<Dst> dout(n + 1);
  din.put(x);
  fl::status st;
  if constexpr (fl::is_stochastic_v<Mode>)
    st = fc::quantize<To>(din.p + offset, dout.p + (offset ? 1 : 0), n, 0, Mode{}, fc::counter_source{seed});
  else
    st = fc::quantize<To>(din.p + offset, dout.p + (offset ? 1 : 0), n, 0, Mode{});
  CUDA_OK(cudaDeviceSynchronize());
  const auto all = dout.get(n + 1);
  const std::vector<Dst> got(all.begin() + (offset ? 1 : 0), all.begin() + (offset ? 1 : 0) + n);
  const std::size_t bad = st.rejected() ? n + 1 : mismatches(got, want);
  std::printf("quantize %-34s n=%-8zu offset=%zu: %zu mismatches\n", name, n, offset, bad);
  expect(bad == 0, name);
}

template <class To, class Mode, class Dst>
static void quantize_suite(const char* name) {
  for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{3}, std::size_t{4}, std::size_t{4101},
                        std::size_t{1} << (quick ? 14 : 20)})
    for (std::size_t offset : {std::size_t{0}, std::size_t{1}}) check_quantize<To, Mode, Dst>(name, n, offset, 1234);
}

static void check_quantize_seeds_and_rejections() {
  const std::size_t n = 4096;
  const std::vector<float> x = test_values(n, false);
  dev_buf<float> din(n), o1(n), o2(n);
  din.put(x);
  using M = rnd::stochastic<8>;
  expect(!fc::quantize<binary16>(din.p, o1.p, n, 0, M{}, fc::counter_source{1}).rejected(), "quantize seed 1");
  expect(!fc::quantize<binary16>(din.p, o2.p, n, 0, M{}, fc::counter_source{2}).rejected(), "quantize seed 2");
  const std::size_t differ = mismatches(o1.get(n), o2.get(n));
  std::printf("quantize stochastic<8>: seeds 1 and 2 differ in %zu of %zu elements\n", differ, n);
  expect(differ > n / 8, "different seeds give different stochastic roundings");
  std::vector<float> host(n);
  expect(fc::quantize<binary16>(host.data(), o1.p, n, 0).has(fl::status::bad_argument),
         "quantize rejects a host pointer");
  expect(fc::quantize<binary16>(din.p, reinterpret_cast<float*>(reinterpret_cast<char*>(o1.p) + 2), n, 0)
             .has(fl::status::bad_argument),
         "quantize rejects a misaligned out");
  expect(fc::quantize<binary16>(static_cast<const float*>(nullptr), o1.p, n, 0).has(fl::status::bad_argument),
         "quantize rejects null");
  expect(fc::quantize<binary16>(din.p, din.p + 1, n - 1, 0).has(fl::status::bad_argument),
         "quantize rejects a shifted overlap");
}

// ---- 3. GEMM --------------------------------------------------------------------------------

// The host reference of one GEMM (row-major, ld, batches): written from the semantics.
template <class InA, class InB, class Prod, class Acc, class Kind, class TC>
static std::vector<TC> reference_gemm(const fc::gemm_shape& s, const std::vector<float>& a, const std::vector<float>& b,
                                      const std::vector<TC>& c0, std::uint64_t seed) {
  using FA = typename InA::format_type;
  using FB = typename InB::format_type;
  using FP = typename Prod::format_type;
  using FC = typename Acc::format_type;
  using MA = typename InA::rounding_mode;
  using MB = typename InB::rounding_mode;
  using MP = typename Prod::rounding_mode;
  using MC = typename Acc::rounding_mode;
  using F32 = fd::binary32_format;
  using MOut = typename fc::detail::mode_or<TC, rnd::nearest_even>::type;
  const std::size_t M = s.m, N = s.n, K = s.k, lda = s.lda ? s.lda : K, ldb = s.ldb ? s.ldb : N,
                    ldc = s.ldc ? s.ldc : N;
  const std::size_t sa = s.stride_a ? s.stride_a : (K ? (M - 1) * lda + K : 0),
                    sb = s.stride_b ? s.stride_b : (K ? (K - 1) * ldb + N : 0),
                    sc = s.stride_c ? s.stride_c : (M - 1) * ldc + N;
  auto w = [&](bool st, std::uint64_t e, std::uint64_t op) {
    return st ? fl::philox_word(seed, e, static_cast<std::uint32_t>(op)) : 0u;
  };
  auto to_acc = [](double v) {
    return fd::unpack<FC>(
        fd::convert_bits<FC, fd::binary64_format, rnd::nearest_even>(fl::bit_cast<std::uint64_t>(v), 0));
  };
  const fd::unpacked alpha = to_acc(s.alpha), beta = to_acc(s.beta);
  std::vector<TC> c = c0;
  for (std::size_t bt = 0; bt < s.batch; ++bt)
    for (std::size_t i = 0; i < M; ++i)
      for (std::size_t j = 0; j < N; ++j) {
        const std::uint64_t e = (bt * M + i) * N + j;
        TC& out = c[bt * sc + i * ldc + j];
        auto beta_c = [&] {
          const fd::unpacked cu = fd::unpack<fc::detail::format_of_t<TC>>(bits_of(out));
          if (s.beta == 1.0)
            return fd::finish<FC, MC>({cu.cls, cu.sign, cu.exp, cu.sig, false}, w(fl::is_stochastic_v<MC>, e, 0));
          return fd::finish<FC, MC>(fd::mul(beta, cu), w(fl::is_stochastic_v<MC>, e, 0));
        };
        typename FC::storage acc = fd::pack_zero<FC>(false);
        if (s.beta != 0.0 && s.alpha == 1.0) acc = beta_c();
        std::uint32_t part = 0;
        for (std::size_t k = 0; k < K; ++k) {
          const auto av = fd::unpack<FA>(
              fd::convert_bits<FA, F32, MA>(fl::bit_cast<std::uint32_t>(a[bt * sa + i * lda + k]),
                                            w(fl::is_stochastic_v<MA>, (bt * M + i) * K + k, fc::op_input_a)));
          const auto bv = fd::unpack<FB>(
              fd::convert_bits<FB, F32, MB>(fl::bit_cast<std::uint32_t>(b[bt * sb + k * ldb + j]),
                                            w(fl::is_stochastic_v<MB>, (bt * K + k) * N + j, fc::op_input_b)));
          if constexpr (std::is_same_v<Kind, fc::per_operation>) {
            const auto p = fd::finish<FP, MP>(fd::mul(av, bv), w(fl::is_stochastic_v<MP>, e, 2 * k + 1));
            acc = fd::finish<FC, MC>(fd::add<MC>(fd::unpack<FC>(acc), fd::unpack<FP>(p)),
                                     w(fl::is_stochastic_v<MC>, e, 2 * k + 2));
          } else if constexpr (std::is_same_v<Kind, fc::fused>) {
            acc =
                fd::finish<FC, MC>(fd::fma<MC>(av, bv, fd::unpack<FC>(acc)), w(fl::is_stochastic_v<MC>, e, 2 * k + 2));
          } else {
            part = fd::finish<F32, rnd::nearest_even>(fd::fma<rnd::nearest_even>(av, bv, fd::unpack<F32>(part)), 0);
            if ((k + 1) % Kind::length == 0 || k + 1 == K) {
              acc = fd::finish<FC, MC>(fd::add<MC>(fd::unpack<FC>(acc), fd::unpack<F32>(part)),
                                       w(fl::is_stochastic_v<MC>, e, 2 * k + 2));
              part = 0;
            }
          }
        }
        if (s.alpha != 1.0) {
          acc = fd::finish<FC, MC>(fd::mul(alpha, fd::unpack<FC>(acc)), w(fl::is_stochastic_v<MC>, e, 2 * K + 1));
          if (s.beta != 0.0)
            acc = fd::finish<FC, MC>(fd::add<MC>(fd::unpack<FC>(acc), fd::unpack<FC>(beta_c())),
                                     w(fl::is_stochastic_v<MC>, e, 2 * K + 2));
        }
        const std::uint32_t wo = w(fl::is_stochastic_v<MOut> && fl::is_cfloat_v<TC>, e, 2 * K + 3);
        if constexpr (fl::is_cfloat_v<TC>)
          out = TC::from_bits(fd::convert_bits<typename TC::format_type, FC, MOut>(acc, wo));
        else
          out = fl::bit_cast<float>(static_cast<std::uint32_t>(fd::convert_bits<F32, FC, rnd::nearest_even>(acc, 0)));
      }
  return c;
}

struct gemm_case {
  std::size_t m, n, k, pad, batch;
  double alpha, beta;
};

template <class Recipe, class TC>
static std::size_t run_gemm_case(const char* name, const gemm_case& g, std::uint64_t seed, bool print) {
  fc::gemm_shape s;
  s.m = g.m, s.n = g.n, s.k = g.k, s.batch = g.batch, s.alpha = g.alpha, s.beta = g.beta;
  s.lda = g.k + g.pad, s.ldb = g.n + g.pad, s.ldc = g.n + g.pad;
  const std::size_t ea = g.m ? (g.m - 1) * s.lda + g.k : 0, eb = g.k ? (g.k - 1) * s.ldb + g.n : 0,
                    ec = g.m ? (g.m - 1) * s.ldc + g.n : 0;
  s.stride_a = ea + g.pad, s.stride_b = eb + 3 * g.pad, s.stride_c = ec + g.pad;
  const std::size_t na = g.batch * s.stride_a + 1, nb = g.batch * s.stride_b + 1, nc = g.batch * s.stride_c + 1;
  const std::vector<float> a = test_values(na, false), b = test_values(nb, false);
  std::vector<TC> c0(nc);
  for (auto& x : c0) {
    if constexpr (fl::is_cfloat_v<TC>)
      x = fl::convert<TC>(test_value(), rnd::nearest_even{});
    else
      x = test_value();
  }
  using InA = typename Recipe::in_a;
  const std::vector<TC> want =
      g.m && g.n && g.batch ? reference_gemm<InA, typename Recipe::in_b, typename Recipe::product,
                                             typename Recipe::accumulate, typename Recipe::kind, TC>(s, a, b, c0, seed)
                            : c0;
  dev_buf<float> da(na), db(nb);
  dev_buf<TC> dc(nc);
  da.put(a), db.put(b), dc.put(c0);
  const fl::status st = fc::gemm<Recipe>(s, da.p, db.p, dc.p, 0, fc::counter_source{seed});
  CUDA_OK(cudaDeviceSynchronize());
  const std::size_t bad = st.rejected() ? nc : mismatches(dc.get(nc), want);
  if (print || bad)
    std::printf("gemm %-40s M=%-4zu N=%-4zu K=%-5zu pad=%zu batch=%zu alpha=%g beta=%g: %zu mismatches%s%s\n", name,
                g.m, g.n, g.k, g.pad, g.batch, g.alpha, g.beta, bad, st.rejected() ? " REJECTED: " : "",
                st.rejected() ? st.message : "");
  expect(bad == 0, name);
  return bad;
}

// The GPU against the host library itself (tensor::gemm, the same shape and recipe types):
// every storage order and transpose, padded leading dimensions, batches, alpha/beta.
template <class Recipe, class TC>
static void layout_suite(const char* name) {
  std::size_t total = 0, cases = 0;
  for (auto order : {fc::layout::row_major, fc::layout::col_major})
    for (auto ta : {fc::op_t::none, fc::op_t::trans})
      for (auto tb : {fc::op_t::none, fc::op_t::trans})
        for (const gemm_case& g : {gemm_case{37, 70, 19, 3, 2, 1, 0.5}, gemm_case{1, 65, 130, 0, 1, 2, 0},
                                   gemm_case{66, 1, 5, 1, 1, 1, 1}}) {
          fc::gemm_shape s;
          s.m = g.m, s.n = g.n, s.k = g.k, s.batch = g.batch, s.alpha = g.alpha, s.beta = g.beta;
          s.order = order, s.trans_a = ta, s.trans_b = tb;
          const bool row = order == fc::layout::row_major;
          const std::size_t a_rows = ta == fc::op_t::trans ? g.k : g.m, a_cols = ta == fc::op_t::trans ? g.m : g.k;
          const std::size_t b_rows = tb == fc::op_t::trans ? g.n : g.k, b_cols = tb == fc::op_t::trans ? g.k : g.n;
          s.lda = (row ? a_cols : a_rows) + g.pad, s.ldb = (row ? b_cols : b_rows) + g.pad;
          s.ldc = (row ? g.n : g.m) + g.pad;
          const std::size_t na = g.batch * s.lda * (row ? a_rows : a_cols),
                            nb = g.batch * s.ldb * (row ? b_rows : b_cols), nc = g.batch * s.ldc * (row ? g.m : g.n);
          const std::vector<float> a = test_values(na, false), b = test_values(nb, false);
          std::vector<TC> c0(nc);
          for (auto& x : c0) {
            if constexpr (fl::is_cfloat_v<TC>)
              x = fl::convert<TC>(test_value(), rnd::nearest_even{});
            else
              x = test_value();
          }
          std::vector<TC> want = c0;
          const fl::status hs = fl::tensor::gemm<Recipe>(s, a, b, want, fl::tensor::counter_source{5});
          dev_buf<float> da(na), db(nb);
          dev_buf<TC> dc(nc);
          da.put(a), db.put(b), dc.put(c0);
          const fl::status st = fc::gemm<Recipe>(s, da.p, db.p, dc.p, 0, fc::counter_source{5});
          CUDA_OK(cudaDeviceSynchronize());
          const std::size_t bad = st.rejected() || hs.rejected() ? nc + 1 : mismatches(dc.get(nc), want);
          if (bad)
            std::printf("gemm vs host %s order=%d ta=%d tb=%d M=%zu N=%zu K=%zu: %zu mismatches %s %s\n", name,
                        static_cast<int>(order), static_cast<int>(ta), static_cast<int>(tb), g.m, g.n, g.k, bad,
                        st.message ? st.message : "", hs.message ? hs.message : "");
          total += bad;
          ++cases;
        }
  std::printf("gemm vs host tensor::gemm %-28s %zu cases (2 orders x 4 transposes x 3 shapes): %zu mismatches\n", name,
              cases, total);
  expect(total == 0, name);
}

// Convolutions against the host library (tensor::conv2d_forward / backward_data / _weights).
template <class Recipe>
static void conv_vs_host(const char* name) {
  fc::conv2d_shape s;
  s.n = 2, s.c = 6, s.h = 9, s.w = 11, s.oc = 4, s.kh = 3, s.kw = 2, s.stride_h = 2, s.stride_w = 1, s.pad_h = 1,
  s.pad_w = 2, s.dil_h = 1, s.dil_w = 2, s.groups = 2;
  const std::size_t nx = s.n * s.c * s.h * s.w, nw = s.oc * (s.c / s.groups) * s.kh * s.kw,
                    ny = s.n * s.oc * s.out_h() * s.out_w();
  const std::vector<float> x = test_values(nx, false), w = test_values(nw, false), dy = test_values(ny, false);
  std::vector<float> hy(ny), hdx(nx), hdw(nw);
  const fl::tensor::counter_source src{11};
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
  std::printf("conv2d vs host tensor::conv2d_* %-24s forward, backward data, backward weights: %zu mismatches\n", name,
              bad);
  expect(bad == 0, name);
}

template <class Recipe, class TC>
static void gemm_suite(const char* name) {
  const gemm_case cases[] = {
      {1, 1, 1, 0, 1, 1, 0},       {1, 70, 1, 0, 1, 1, 0},     {65, 1, 17, 0, 1, 1, 0},
      {64, 64, 16, 0, 1, 1, 0},    {100, 37, 300, 3, 1, 1, 0}, {0, 5, 5, 0, 1, 1, 0},
      {5, 0, 5, 0, 1, 1, 0},       {5, 5, 0, 0, 1, 1, 1},      {130, 129, 33, 5, 3, 1, 0},
      {3, 70, 4097, 0, 1, 1, 0},   {67, 66, 19, 1, 2, 1, 1},   {67, 66, 19, 1, 1, 1, 2.5},
      {33, 95, 21, 2, 1, 0.5, 0},  {33, 95, 21, 2, 2, -3, 1},  {1, 1, 2000, 0, 1, 1, -1},
      {1600, 1500, 5, 0, 1, 1, 0},  // enough 128 x 128 tiles for the native route's large configuration
      {700, 650, 70, 1, 1, 1, 0},   // enough 64 x 64 tiles for tile_gemm_kernel's large one (smaller: 16 x 16)
  };
  std::size_t total = 0;
  for (const gemm_case& g : cases) total += run_gemm_case<Recipe, TC>(name, g, 42, false);
  std::printf("gemm %-40s %zu shapes: %zu mismatches\n", name, sizeof cases / sizeof cases[0], total);
}

static void check_gemm_seeds_and_rejections() {
  using R = fc::gemm_recipe<e4m3, binary16, fl::cfloat<5, 10, rnd::stochastic<8>>>;
  const gemm_case g{40, 50, 64, 0, 1, 1, 0};
  const std::size_t n = 40 * 50;
  fc::gemm_shape s;
  s.m = g.m, s.n = g.n, s.k = g.k;
  // Moderate values only: with test_values' huge and special entries most outputs are NaN or
  // saturated (equal under any seed), and the check would measure the data, not the seed.
  auto moderate = [](std::size_t count) {
    std::vector<float> v(count);
    for (auto& x : v) x = static_cast<float>(next32() >> 8) / 16777216.0f - 0.5f;
    return v;
  };
  const std::vector<float> a = moderate(40 * 64), b = moderate(64 * 50);
  dev_buf<float> da(a.size()), db(b.size()), c1(n), c2(n);
  da.put(a), db.put(b);
  expect(!fc::gemm<R>(s, da.p, db.p, c1.p, 0, fc::counter_source{1}).rejected(), "gemm seed 1");
  expect(!fc::gemm<R>(s, da.p, db.p, c2.p, 0, fc::counter_source{2}).rejected(), "gemm seed 2");
  const std::size_t differ = mismatches(c1.get(n), c2.get(n));
  std::printf("gemm stochastic<8> accumulation: seeds 1 and 2 differ in %zu of %zu outputs\n", differ, n);
  expect(differ > n / 2, "different seeds give different stochastic GEMMs");
  using RN = fc::gemm_recipe<binary16, binary16, binary16>;
  std::vector<float> host(n);
  expect(fc::gemm<RN>(s, da.p, db.p, host.data(), 0).has(fl::status::bad_argument), "gemm rejects a host C");
  fc::gemm_shape bad = s;
  bad.lda = 10;
  expect(fc::gemm<RN>(bad, da.p, db.p, c1.p, 0).has(fl::status::bad_shape), "gemm rejects lda < K");
  expect(fc::gemm<RN>(s, da.p, db.p, da.p, 0).has(fl::status::bad_argument), "gemm rejects C overlapping A");
}

// ---- 4. convolution -------------------------------------------------------------------------

template <class Recipe>
static std::size_t check_conv(const char* name, const fc::conv2d_shape& s, std::uint64_t seed) {
  using InA = typename Recipe::in_a;
  using InB = typename Recipe::in_b;
  using FA = typename InA::format_type;
  using FB = typename InB::format_type;
  using FP = typename Recipe::product::format_type;
  using FC = typename Recipe::accumulate::format_type;
  using MP = typename Recipe::product::rounding_mode;
  using MC = typename Recipe::accumulate::rounding_mode;
  using F32 = fd::binary32_format;
  static_assert(std::is_same_v<typename Recipe::kind, fc::per_operation>, "the conv reference covers per_operation");
  const std::size_t OH = s.out_h(), OW = s.out_w(), G = s.groups, Cg = s.c / G, OCg = s.oc / G, K = Cg * s.kh * s.kw;
  const std::size_t nx = s.n * s.c * s.h * s.w, nw = s.oc * K, ny = s.n * s.oc * OH * OW;
  const std::vector<float> x = test_values(nx, false), w = test_values(nw, false);
  std::vector<float> want(ny);
  auto word = [&](bool st, std::uint64_t e, std::uint64_t op) {
    return st ? fl::philox_word(seed, e, static_cast<std::uint32_t>(op)) : 0u;
  };
  for (std::size_t n = 0; n < s.n; ++n)
    for (std::size_t o = 0; o < s.oc; ++o)
      for (std::size_t p = 0; p < OH; ++p)
        for (std::size_t q = 0; q < OW; ++q) {
          const std::size_t g = o / OCg, e = ((n * s.oc + o) * OH + p) * OW + q;
          typename FC::storage acc = fd::pack_zero<FC>(false);
          for (std::size_t k = 0; k < K; ++k) {
            const std::size_t c = k / (s.kh * s.kw), r = (k / s.kw) % s.kh, t = k % s.kw;
            const std::size_t wi = o * K + k;
            const auto wv = fd::unpack<FA>(fd::convert_bits<FA, F32, typename InA::rounding_mode>(
                fl::bit_cast<std::uint32_t>(w[wi]),
                word(fl::is_stochastic_v<typename InA::rounding_mode>, wi, fc::op_input_a)));
            const long long hh = static_cast<long long>(p * s.stride_h + r * s.dil_h) - static_cast<long long>(s.pad_h);
            const long long vv = static_cast<long long>(q * s.stride_w + t * s.dil_w) - static_cast<long long>(s.pad_w);
            fd::unpacked xv{fd::value_class::zero, false, 0, 0};  // padding: +0
            if (hh >= 0 && vv >= 0 && hh < static_cast<long long>(s.h) && vv < static_cast<long long>(s.w)) {
              const std::size_t xi =
                  ((n * s.c + g * Cg + c) * s.h + static_cast<std::size_t>(hh)) * s.w + static_cast<std::size_t>(vv);
              xv = fd::unpack<FB>(fd::convert_bits<FB, F32, typename InB::rounding_mode>(
                  fl::bit_cast<std::uint32_t>(x[xi]),
                  word(fl::is_stochastic_v<typename InB::rounding_mode>, xi, fc::op_input_b)));
            }
            const auto pr = fd::finish<FP, MP>(fd::mul(wv, xv), word(fl::is_stochastic_v<MP>, e, 2 * k + 1));
            acc = fd::finish<FC, MC>(fd::add<MC>(fd::unpack<FC>(acc), fd::unpack<FP>(pr)),
                                     word(fl::is_stochastic_v<MC>, e, 2 * k + 2));
          }
          want[e] =
              fl::bit_cast<float>(static_cast<std::uint32_t>(fd::convert_bits<F32, FC, rnd::nearest_even>(acc, 0)));
        }
  dev_buf<float> dx(nx), dw(nw), dy(ny);
  dx.put(x), dw.put(w);
  const fl::status st = fc::conv2d_forward<Recipe>(s, dx.p, dw.p, dy.p, 0, fc::counter_source{seed});
  CUDA_OK(cudaDeviceSynchronize());
  const std::size_t bad = st.rejected() ? ny + 1 : mismatches(dy.get(ny), want);
  std::printf("conv2d %-36s n=%zu c=%zu %zux%zu oc=%zu k=%zux%zu s=%zu p=%zu d=%zu g=%zu: %zu of %zu mismatch%s%s\n",
              name, s.n, s.c, s.h, s.w, s.oc, s.kh, s.kw, s.stride_h, s.pad_h, s.dil_h, s.groups, bad, ny,
              st.rejected() ? " REJECTED: " : "", st.rejected() ? st.message : "");
  expect(bad == 0, name);
  return bad;
}

// Backward data and backward weights against reference loops written from the semantics of
// tensor/conv.hpp (k orders (o, r, t) and (n, p, q); off-grid and padding taps add a zero
// product), per_operation steps on the scalar core.
enum class conv_pass { data, weights };

template <class Recipe>
static std::size_t check_conv_backward(const char* name, conv_pass pass, const fc::conv2d_shape& s,
                                       std::uint64_t seed) {
  using InA = typename Recipe::in_a;
  using InB = typename Recipe::in_b;
  using FA = typename InA::format_type;
  using FB = typename InB::format_type;
  using FP = typename Recipe::product::format_type;
  using FC = typename Recipe::accumulate::format_type;
  using MP = typename Recipe::product::rounding_mode;
  using MC = typename Recipe::accumulate::rounding_mode;
  using F32 = fd::binary32_format;
  static_assert(std::is_same_v<typename Recipe::kind, fc::per_operation>, "the conv reference covers per_operation");
  const std::size_t OH = s.out_h(), OW = s.out_w(), G = s.groups, Cg = s.c / G, OCg = s.oc / G;
  const std::size_t KHW = s.kh * s.kw;
  const std::size_t nx = s.n * s.c * s.h * s.w, nw = s.oc * Cg * KHW, ny = s.n * s.oc * OH * OW;
  const std::vector<float> x = test_values(nx, false), w = test_values(nw, false), dy = test_values(ny, false);
  auto word = [&](bool st, std::uint64_t e, std::uint64_t op) {
    return st ? fl::philox_word(seed, e, static_cast<std::uint32_t>(op)) : 0u;
  };
  constexpr std::size_t none = ~std::size_t{0};
  auto in_a = [&](const std::vector<float>& v, std::size_t at) {
    return fd::unpack<FA>(fd::convert_bits<FA, F32, typename InA::rounding_mode>(
        fl::bit_cast<std::uint32_t>(v[at]),
        word(fl::is_stochastic_v<typename InA::rounding_mode>, at, fc::op_input_a)));
  };
  auto in_b = [&](const std::vector<float>& v, std::size_t at) {
    if (at == none) return fd::unpacked{fd::value_class::zero, false, 0, 0};  // +0
    return fd::unpack<FB>(fd::convert_bits<FB, F32, typename InB::rounding_mode>(
        fl::bit_cast<std::uint32_t>(v[at]),
        word(fl::is_stochastic_v<typename InB::rounding_mode>, at, fc::op_input_b)));
  };
  // One output element: K per_operation steps; a(k), b(k) give the factors' flat indices.
  auto sum = [&](std::size_t e, std::size_t K, auto a_of, const std::vector<float>& av, auto b_of,
                 const std::vector<float>& bv) {
    typename FC::storage acc = fd::pack_zero<FC>(false);
    for (std::size_t k = 0; k < K; ++k) {
      const auto pr = fd::finish<FP, MP>(fd::mul(in_a(av, a_of(k)), in_b(bv, b_of(k))),
                                         word(fl::is_stochastic_v<MP>, e, 2 * k + 1));
      acc = fd::finish<FC, MC>(fd::add<MC>(fd::unpack<FC>(acc), fd::unpack<FP>(pr)),
                               word(fl::is_stochastic_v<MC>, e, 2 * k + 2));
    }
    return fl::bit_cast<float>(static_cast<std::uint32_t>(fd::convert_bits<F32, FC, rnd::nearest_even>(acc, 0)));
  };
  auto x_at = [&](std::size_t n, std::size_t ch, std::size_t p, std::size_t q, std::size_t r, std::size_t t) {
    const long long hh = static_cast<long long>(p * s.stride_h + r * s.dil_h) - static_cast<long long>(s.pad_h);
    const long long vv = static_cast<long long>(q * s.stride_w + t * s.dil_w) - static_cast<long long>(s.pad_w);
    if (hh < 0 || vv < 0 || hh >= static_cast<long long>(s.h) || vv >= static_cast<long long>(s.w)) return none;
    return ((n * s.c + ch) * s.h + static_cast<std::size_t>(hh)) * s.w + static_cast<std::size_t>(vv);
  };
  std::vector<float> want(pass == conv_pass::data ? nx : nw);
  if (pass == conv_pass::data) {
    for (std::size_t n = 0; n < s.n; ++n)
      for (std::size_t ci = 0; ci < s.c; ++ci)
        for (std::size_t h = 0; h < s.h; ++h)
          for (std::size_t v = 0; v < s.w; ++v) {
            const std::size_t g = ci / Cg, i = ci % Cg, e = ((n * s.c + ci) * s.h + h) * s.w + v;
            want[e] = sum(
                e, OCg * KHW, [&](std::size_t k) { return ((g * OCg + k / KHW) * Cg + i) * KHW + k % KHW; }, w,
                [&](std::size_t k) {
                  const std::size_t o = k / KHW, r = (k % KHW) / s.kw, t = k % s.kw;
                  const long long hp = static_cast<long long>(h + s.pad_h) - static_cast<long long>(r * s.dil_h);
                  const long long wp = static_cast<long long>(v + s.pad_w) - static_cast<long long>(t * s.dil_w);
                  if (hp < 0 || wp < 0 || hp % static_cast<long long>(s.stride_h) ||
                      wp % static_cast<long long>(s.stride_w))
                    return none;
                  const std::size_t p = static_cast<std::size_t>(hp) / s.stride_h,
                                    q = static_cast<std::size_t>(wp) / s.stride_w;
                  if (p >= OH || q >= OW) return none;
                  return ((n * s.oc + g * OCg + o) * OH + p) * OW + q;
                },
                dy);
          }
  } else {
    for (std::size_t o = 0; o < s.oc; ++o)
      for (std::size_t c = 0; c < Cg; ++c)
        for (std::size_t r = 0; r < s.kh; ++r)
          for (std::size_t t = 0; t < s.kw; ++t) {
            const std::size_t g = o / OCg, e = (o * Cg + c) * KHW + r * s.kw + t;
            want[e] = sum(
                e, s.n * OH * OW, [&](std::size_t k) { return ((k / (OH * OW)) * s.oc + o) * OH * OW + k % (OH * OW); },
                dy,
                [&](std::size_t k) {
                  const std::size_t pq = k % (OH * OW);
                  return x_at(k / (OH * OW), g * Cg + c, pq / OW, pq % OW, r, t);
                },
                x);
          }
  }
  dev_buf<float> dxb(nx), dwb(nw), dyb(ny);
  fl::status st;
  std::size_t n_out = 0;
  if (pass == conv_pass::data) {
    dwb.put(w), dyb.put(dy);
    st = fc::conv2d_backward_data<Recipe>(s, dyb.p, dwb.p, dxb.p, 0, fc::counter_source{seed});
    n_out = nx;
  } else {
    dxb.put(x), dyb.put(dy);
    st = fc::conv2d_backward_weights<Recipe>(s, dxb.p, dyb.p, dwb.p, 0, fc::counter_source{seed});
    n_out = nw;
  }
  CUDA_OK(cudaDeviceSynchronize());
  const std::size_t bad =
      st.rejected() ? n_out + 1 : mismatches(pass == conv_pass::data ? dxb.get(nx) : dwb.get(nw), want);
  std::printf("conv2d %s %-30s n=%zu c=%zu %zux%zu oc=%zu k=%zux%zu s=%zu p=%zu d=%zu g=%zu: %zu of %zu mismatch%s%s\n",
              pass == conv_pass::data ? "bwd-data   " : "bwd-weights", name, s.n, s.c, s.h, s.w, s.oc, s.kh, s.kw,
              s.stride_h, s.pad_h, s.dil_h, s.groups, bad, n_out, st.rejected() ? " REJECTED: " : "",
              st.rejected() ? st.message : "");
  expect(bad == 0, name);
  return bad;
}

static void check_conv_rejections() {
  fc::conv2d_shape s;
  s.n = 1, s.c = 4, s.h = 5, s.w = 5, s.oc = 4, s.kh = s.kw = 3;
  dev_buf<float> x(100), w(144), y(36);
  using R = fc::gemm_recipe<binary16, binary16, binary16>;
  expect(fc::conv2d_forward<R>(s, x.p, w.p, x.p, 0).has(fl::status::bad_argument), "conv rejects y overlapping x");
  expect(fc::conv2d_backward_data<R>(s, y.p, w.p, y.p, 0).has(fl::status::bad_argument),
         "conv rejects dx overlapping dy");
  expect(fc::conv2d_backward_weights<R>(s, x.p, y.p, x.p, 0).has(fl::status::bad_argument),
         "conv rejects dw overlapping x");
  fc::conv2d_shape bad = s;
  bad.stride_h = 0;
  expect(fc::conv2d_backward_data<R>(bad, y.p, w.p, x.p, 0).has(fl::status::bad_shape), "conv rejects stride 0");
  bad = s;
  bad.groups = 3;
  expect(fc::conv2d_backward_weights<R>(bad, x.p, y.p, w.p, 0).has(fl::status::bad_shape), "conv rejects c % groups");
  std::vector<float> host(100);
  expect(fc::conv2d_backward_data<R>(s, y.p, w.p, host.data(), 0).has(fl::status::bad_argument),
         "conv rejects a host dx");
}

template <class Recipe>
static void conv_suite(const char* name) {
  auto shape = [](std::size_t n, std::size_t c, std::size_t h, std::size_t w, std::size_t oc, std::size_t k,
                  std::size_t st, std::size_t pad, std::size_t dil, std::size_t groups) {
    fc::conv2d_shape s;
    s.n = n, s.c = c, s.h = h, s.w = w, s.oc = oc, s.kh = k, s.kw = k == 3 ? 2 : k;  // non-square kernels too
    s.stride_h = s.stride_w = st, s.pad_h = s.pad_w = pad, s.dil_h = s.dil_w = dil, s.groups = groups;
    return s;
  };
  check_conv<Recipe>(name, shape(2, 6, 9, 11, 4, 3, 2, 1, 1, 2), 7);
  check_conv<Recipe>(name, shape(1, 3, 7, 7, 5, 1, 1, 0, 1, 1), 7);
  check_conv<Recipe>(name, shape(2, 4, 12, 10, 70, 3, 1, 2, 2, 1), 7);
  check_conv<Recipe>(name, shape(1, 8, 9, 9, 8, 3, 1, 1, 1, 8), 7);  // depthwise
  check_conv<Recipe>(name, shape(1, 64, 14, 14, 66, 3, 1, 1, 1, 1), 7);
  for (conv_pass pass : {conv_pass::data, conv_pass::weights}) {
    check_conv_backward<Recipe>(name, pass, shape(2, 6, 9, 11, 4, 3, 2, 1, 1, 2), 7);
    check_conv_backward<Recipe>(name, pass, shape(1, 3, 7, 7, 5, 1, 1, 0, 1, 1), 7);
    check_conv_backward<Recipe>(name, pass, shape(2, 4, 12, 10, 70, 3, 3, 2, 2, 1), 7);
    check_conv_backward<Recipe>(name, pass, shape(1, 8, 9, 9, 8, 3, 1, 1, 1, 8), 7);  // depthwise
    check_conv_backward<Recipe>(name, pass, shape(3, 16, 14, 14, 20, 3, 2, 1, 1, 1), 7);
  }
}

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) quick |= std::strcmp(argv[i], "--quick") == 0;
  int devices = 0;
  if (cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0) {
    std::printf("no CUDA device: skipped\n");
    return 77;
  }
  if (!quick) check_native_route();
  if (!quick) check_lane_and_scalar_routes();

  quantize_suite<e4m3, rnd::nearest_even, float>("e4m3 nearest_even -> float");
  quantize_suite<e4m3, rnd::stochastic<8>, e4m3>("e4m3 stochastic<8> -> codes");
  quantize_suite<binary16, rnd::nearest_even, binary16>("binary16 nearest_even -> codes");
  quantize_suite<bfloat16, rnd::stochastic<16>, float>("bfloat16 stochastic<16> -> float");
  quantize_suite<e5m2, rnd::toward_zero, float>("e5m2 toward_zero -> float");
  check_quantize_seeds_and_rejections();

  // Native route (binary16 and bfloat16, per_operation and fused) and the scalar core
  // (stochastic, chunked, cfloat C).
  gemm_suite<fc::gemm_recipe<binary16, binary16, binary16>, float>("binary16 per_operation (native)");
  gemm_suite<fc::gemm_recipe<e4m3, binary16, binary16, fc::fused>, float>("e4m3 in, binary16 fused (native)");
  gemm_suite<fc::gemm_recipe<bfloat16, bfloat16, bfloat16>, float>("bfloat16 per_operation (native)");
  gemm_suite<fc::gemm_recipe<e5m2, bfloat16, bfloat16, fc::fused>, bfloat16>("e5m2 in, bfloat16 fused (native)");
  gemm_suite<fc::gemm_recipe<e4m3, binary16, fl::cfloat<5, 10, rnd::stochastic<8>>>, float>(
      "e4m3/binary16/stochastic<8> acc");
  // The lane route (gemm_plan::lane): per_operation, fused and chunked, directed and stochastic.
  gemm_suite<fc::gemm_recipe<e4m3, binary16, fl::cfloat<5, 10, rnd::toward_zero>>, float>(
      "e4m3/binary16/toward_zero acc (lane)");
  gemm_suite<fc::gemm_recipe<e5m2, binary16, fl::cfloat<5, 10, rnd::upward>, fc::fused>, float>(
      "e5m2 in, binary16 upward fused (lane)");
  gemm_suite<fc::gemm_recipe<binary16, binary16, fl::cfloat<5, 10, rnd::toward_zero>, fc::chunked<4>>, binary16>(
      "binary16 chunked<4> toward_zero (lane)");
  gemm_suite<fc::gemm_recipe<e4m3, fl::cfloat<4, 3, rnd::stochastic<6>, fl::encoding::fn>, bfloat16>, float>(
      "e4m3 stochastic<6> products, bfloat16 acc (lane)");
  // The scalar core: an accumulator with no spare bit in float (binary32 toward zero).
  gemm_suite<fc::gemm_recipe<bfloat16, binary32, fl::cfloat<8, 23, rnd::toward_zero>>, float>(
      "bfloat16/binary32/toward_zero acc (core)");
  gemm_suite<fc::gemm_recipe<bfloat16, bfloat16, binary32, fc::chunked<8>>, bfloat16>(
      "bfloat16 chunked<8> -> bfloat16 C");
  static_assert(fc::detail::gemm_plan<fc::gemm_recipe<binary32, binary32, binary32>, float>::lane &&
                    !fc::detail::gemm_plan<fc::gemm_recipe<binary32, binary32, binary32>, float>::lane_exact_products,
                "the FP32 recipe takes the lane route's binary32 steps");
  // The lane route's binary32 steps (gemm_plan::lane_float_steps): binary32 inputs, the
  // hardware's __fmul_rn / __fadd_rn / __fmaf_rn against the scalar core.
  gemm_suite<fc::gemm_recipe<binary32, binary32, binary32>, float>("binary32 per_operation (lane, FP32)");
  gemm_suite<fc::gemm_recipe<binary32, binary32, binary32, fc::fused>, float>("binary32 fused (lane, FP32)");
  gemm_suite<fc::gemm_recipe<binary32, binary32, binary32, fc::chunked<8>>, float>("binary32 chunked<8> (lane)");
  gemm_suite<fc::gemm_recipe<binary32, binary32, bfloat16, fc::chunked<16>>, float>(
      "binary32 in, chunked<16> bfloat16 acc (lane)");
  check_gemm_seeds_and_rejections();
  layout_suite<fc::gemm_recipe<binary16, binary16, binary16>, float>("binary16 (native)");
  layout_suite<fc::gemm_recipe<bfloat16, bfloat16, bfloat16, fc::fused>, float>("bfloat16 fused (native)");
  layout_suite<fc::gemm_recipe<e4m3, binary16, fl::cfloat<5, 10, rnd::stochastic<8>>>, float>("e4m3/stochastic (lane)");
  layout_suite<fc::gemm_recipe<bfloat16, binary32, fl::cfloat<8, 23, rnd::toward_zero>>, bfloat16>("bf16/rz (core)");
  layout_suite<fc::gemm_recipe<e5m2, binary16, fl::cfloat<5, 10, rnd::upward>, fc::chunked<3>>, float>(
      "e5m2 chunked<3> (lane)");
  layout_suite<fc::gemm_recipe<binary32, binary32, binary32>, float>("binary32 (lane, FP32)");

  conv_suite<fc::gemm_recipe<binary16, binary16, binary16>>("binary16 per_operation (native)");
  conv_suite<fc::gemm_recipe<bfloat16, bfloat16, bfloat16>>("bfloat16 per_operation (native)");
  conv_suite<fc::gemm_recipe<e4m3, binary16, fl::cfloat<5, 10, rnd::stochastic<8>>>>("e4m3/binary16/stochastic<8> acc");
  conv_suite<fc::gemm_recipe<bfloat16, binary32, fl::cfloat<8, 23, rnd::toward_zero>>>(
      "bfloat16/binary32/rz acc (core)");
  conv_suite<fc::gemm_recipe<binary32, binary32, binary32>>("binary32 per_operation (lane, FP32)");
  check_conv_rejections();
  conv_vs_host<fc::gemm_recipe<binary16, binary16, binary16>>("binary16 (native)");
  conv_vs_host<fc::gemm_recipe<e4m3, binary16, fl::cfloat<5, 10, rnd::stochastic<8>>>>("e4m3/stochastic (lane)");
  conv_vs_host<fc::gemm_recipe<bfloat16, binary32, fl::cfloat<8, 23, rnd::toward_zero>>>("bf16/rz (core)");
  conv_vs_host<fc::gemm_recipe<binary32, binary32, binary32>>("binary32 (lane, FP32)");

  std::printf(failures ? "%d CHECKS FAILED\n" : "all GPU results equal the host references bit for bit\n", failures);
  return failures ? 1 : 0;
}
