// bench/gpu/bench_tensor_kernels.cu: floatlab/cuda quantize, GEMM and conv2d, each figure beside
// a reference measured in the same run on the same operands:
//   quantize (GB/s of bytes read + written) vs a float4 grid-stride copy kernel and cudaMemcpy;
//   GEMM (TFLOP/s = 2MNK / time) vs a plain FP32 SIMT GEMM of tile_gemm_kernel's tiling (64x64
//   tile, 16-deep k tiles, 4x4 outputs per thread, 256 threads; the native binary16 / bfloat16
//   routes run 128x128 tiles, 8x8 outputs a thread);
//   conv2d forward on ResNet-18 layer shapes vs the GEMM of the same implicit size.
// Usage: bench_tensor_kernels [N ...]   (GEMM sizes; default 4096 8192). Not run in CI.
// Build: cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DFLOATLAB_BUILD_BENCH=ON
//        cmake --build build-bench --target bench_tensor_kernels
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <floatlab/cuda/block_scaled.cuh>
#include <floatlab/cuda/conv.cuh>
#include <floatlab/cuda/gemm.cuh>
#include <floatlab/cuda/quantize.cuh>

#include "../../tests/cuda/support.cuh"  // CUDA_OK

namespace fl = floatlab;
namespace fc = floatlab::cuda;
namespace rnd = fl::round;

static void check(const fl::status& st, const char* what) {
  if (st.rejected()) {
    std::printf("%s rejected: %s\n", what, st.message);
    std::exit(1);
  }
}

// Median-free simple timing: one warm-up call, then the mean of `reps` calls (ms).
template <class F>
static double time_ms(F&& f, int reps) {
  f();
  CUDA_OK(cudaDeviceSynchronize());
  cudaEvent_t a, b;
  cudaEventCreate(&a);
  cudaEventCreate(&b);
  cudaEventRecord(a);
  for (int i = 0; i < reps; ++i) f();
  cudaEventRecord(b);
  CUDA_OK(cudaEventSynchronize(b));
  float ms = 0;
  cudaEventElapsedTime(&ms, a, b);
  cudaEventDestroy(a);
  cudaEventDestroy(b);
  CUDA_OK(cudaGetLastError());
  return ms / reps;
}

__global__ void copy_kernel(const float4* in, float4* out, std::size_t n4) {
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n4; i += stride)
    out[i] = in[i];
}

__global__ void fill_kernel(float* p, std::size_t n, std::uint64_t seed) {
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    const std::uint32_t w = fl::philox_word(seed, i, 0);
    p[i] = (static_cast<float>(w >> 8) / 16777216.0f - 0.5f) * 2.0f;  // [-1, 1)
  }
}

// The FP32 reference: the same tiling as floatlab's tile_gemm_kernel, native fma.
__global__ void __launch_bounds__(256)
    sgemm_same_tiling(const float* A, const float* B, float* C, int M, int N, int K) {
  __shared__ float As[16][64];
  __shared__ float Bs[16][64];
  const int tx = threadIdx.x % 16, ty = threadIdx.x / 16, tid = threadIdx.x;
  const int i0 = blockIdx.y * 64, j0 = blockIdx.x * 64;
  float acc[4][4] = {};
  for (int k0 = 0; k0 < K; k0 += 16) {
#pragma unroll
    for (int t = 0; t < 4; ++t) {
      const int l = tid + 256 * t, kk = l % 16, ii = l / 16;
      As[kk][ii] = (i0 + ii < M && k0 + kk < K) ? A[(std::size_t)(i0 + ii) * K + k0 + kk] : 0.0f;
      const int jj = l % 64, kb = l / 64;
      Bs[kb][jj] = (j0 + jj < N && k0 + kb < K) ? B[(std::size_t)(k0 + kb) * N + j0 + jj] : 0.0f;
    }
    __syncthreads();
#pragma unroll
    for (int kk = 0; kk < 16; ++kk) {
      float a[4], b[4];
#pragma unroll
      for (int r = 0; r < 4; ++r) a[r] = As[kk][ty + 16 * r];
#pragma unroll
      for (int q = 0; q < 4; ++q) b[q] = Bs[kk][tx + 16 * q];
#pragma unroll
      for (int r = 0; r < 4; ++r)
#pragma unroll
        for (int q = 0; q < 4; ++q) acc[r][q] = fmaf(a[r], b[q], acc[r][q]);
    }
    __syncthreads();
  }
#pragma unroll
  for (int r = 0; r < 4; ++r)
#pragma unroll
    for (int q = 0; q < 4; ++q) {
      const int i = i0 + ty + 16 * r, j = j0 + tx + 16 * q;
      if (i < M && j < N) C[(std::size_t)i * N + j] = acc[r][q];
    }
}

static void bench_quantize() {
  const std::size_t n = std::size_t{1} << 28;  // 1 GiB of float
  float *in, *out;
  fl::e4m3* codes;
  CUDA_OK(cudaMalloc(&in, n * sizeof(float)));
  CUDA_OK(cudaMalloc(&out, n * sizeof(float)));
  CUDA_OK(cudaMalloc(&codes, n * sizeof(fl::e4m3)));
  fill_kernel<<<132 * 16, 256>>>(in, n, 1);
  const int reps = 10;
  const double gb = 8.0 * n / 1e9;  // float in + float out
  const double t_copy = time_ms(
      [&] {
        copy_kernel<<<132 * 16, 256>>>(reinterpret_cast<const float4*>(in), reinterpret_cast<float4*>(out), n / 4);
      },
      reps);
  const double t_memcpy =
      time_ms([&] { CUDA_OK(cudaMemcpyAsync(out, in, n * sizeof(float), cudaMemcpyDeviceToDevice)); }, reps);
  std::printf("\n%-52s %10s %10s %12s\n", "quantize (2^28 floats)", "ms", "GB/s", "x copy");
  auto row = [&](const char* name, double ms, double bytes) {
    std::printf("%-52s %10.3f %10.1f %12.3f\n", name, ms, bytes / ms / 1e6, (bytes / ms) / (gb * 1e9 / t_copy));
  };
  row("float4 copy kernel (reference)", t_copy, gb * 1e9);
  row("cudaMemcpy device to device", t_memcpy, gb * 1e9);
  row("binary16 nearest_even, float out", time_ms([&] { check(fc::quantize<fl::binary16>(in, out, n, 0), "q"); }, reps),
      gb * 1e9);
  row("binary16 stochastic<8>, float out",
      time_ms(
          [&] { check(fc::quantize<fl::binary16>(in, out, n, 0, rnd::stochastic<8>{}, fc::counter_source{7}), "q"); },
          reps),
      gb * 1e9);
  row("e4m3 nearest_even, float out", time_ms([&] { check(fc::quantize<fl::e4m3>(in, out, n, 0), "q"); }, reps),
      gb * 1e9);
  row("e4m3 nearest_even, codes out (5 B/elem)",
      time_ms([&] { check(fc::quantize<fl::e4m3>(in, codes, n, 0), "q"); }, reps), 5.0 * n);
  row("e4m3 stochastic<8>, codes out (5 B/elem)",
      time_ms([&] { check(fc::quantize<fl::e4m3>(in, codes, n, 0, rnd::stochastic<8>{}, fc::counter_source{7}), "q"); },
              reps),
      5.0 * n);
  // Block-scaled (cuda/block_scaled.cuh): float values out (8 B/elem), or int32 codes and scales
  // out (8 B/elem + a scale per block); the scalar core's exact division per element.
  {
    namespace ft = fl::tensor;
    std::int32_t *qc = nullptr, *qs = nullptr;
    float* ts = nullptr;
    CUDA_OK(cudaMalloc(&qc, n * sizeof(std::int32_t)));
    CUDA_OK(cudaMalloc(&qs, (n / 16) * sizeof(std::int32_t)));
    CUDA_OK(cudaMalloc(&ts, sizeof(float)));
    const fc::block_scaled_out values{nullptr, nullptr, out, nullptr}, coded{qc, qs, nullptr, ts};
    const fc::block_scaled_out nv_values{nullptr, nullptr, out, ts};
    row("MX E4M3 (E8M0 / 32), float out",
        time_ms(
            [&] { check(fc::block_scaled_quantize<ft::mx_format<fl::e4m3>>(ft::mx_layout(), in, n, values, 0), "b"); },
            2),
        gb * 1e9);
    row("MX E4M3, int32 codes + scales out",
        time_ms(
            [&] { check(fc::block_scaled_quantize<ft::mx_format<fl::e4m3>>(ft::mx_layout(), in, n, coded, 0), "b"); },
            2),
        (8.0 + 4.0 / 32) * n);
    row("NVFP4 (amax pass + one pass), float out",
        time_ms([&] { check(fc::block_scaled_quantize<ft::nvfp4>(ft::nvfp4_layout(), in, n, nv_values, 0), "b"); }, 2),
        gb * 1e9);
    row("NVFP4 stochastic<8>, float out",
        time_ms(
            [&] {
              check(fc::block_scaled_quantize<ft::nvfp4>(ft::nvfp4_layout(), in, n, nv_values, 0, rnd::stochastic<8>{},
                                                         fc::counter_source{7}),
                    "b");
            },
            2),
        gb * 1e9);
    cudaFree(qc);
    cudaFree(qs);
    cudaFree(ts);
  }
  cudaFree(in);
  cudaFree(out);
  cudaFree(codes);
}

static void bench_gemm(int N) {
  const std::size_t nn = static_cast<std::size_t>(N) * N;
  float *A, *B, *C;
  CUDA_OK(cudaMalloc(&A, nn * sizeof(float)));
  CUDA_OK(cudaMalloc(&B, nn * sizeof(float)));
  CUDA_OK(cudaMalloc(&C, nn * sizeof(float)));
  fill_kernel<<<132 * 16, 256>>>(A, nn, 2);
  fill_kernel<<<132 * 16, 256>>>(B, nn, 3);
  fc::gemm_shape s;
  s.m = s.n = s.k = N;
  const double flop = 2.0 * N * N * static_cast<double>(N);
  const int reps = N <= 4096 ? 5 : 2;
  const dim3 grid((N + 63) / 64, (N + 63) / 64);
  const double t_ref = time_ms([&] { sgemm_same_tiling<<<grid, 256>>>(A, B, C, N, N, N); }, reps);
  std::printf("\n%-52s %10s %10s %12s\n", "GEMM N = M = K", "ms", "TFLOP/s", "x fp32 SIMT");
  auto row = [&](const char* name, double ms, double fl_) {
    std::printf("%-52s %10.3f %10.3f %12.4f\n", name, ms, fl_ / ms / 1e9, (fl_ / ms) / (flop / t_ref));
  };
  std::printf("N = %d\n", N);
  row("fp32 SIMT, 64x64 tiles (reference)", t_ref, flop);
  using R16 = fc::gemm_recipe<fl::binary16, fl::binary16, fl::binary16>;
  using R16f = fc::gemm_recipe<fl::binary16, fl::binary16, fl::binary16, fc::fused>;
  row("e5m10 per-operation, nearest (native route)", time_ms([&] { check(fc::gemm<R16>(s, A, B, C, 0), "g"); }, reps),
      flop);
  row("e5m10 fused, nearest (native route)", time_ms([&] { check(fc::gemm<R16f>(s, A, B, C, 0), "g"); }, reps), flop);
  using RB = fc::gemm_recipe<fl::bfloat16, fl::bfloat16, fl::bfloat16>;
  using RBf = fc::gemm_recipe<fl::bfloat16, fl::bfloat16, fl::bfloat16, fc::fused>;
  row("bfloat16 per-operation, nearest (native route)", time_ms([&] { check(fc::gemm<RB>(s, A, B, C, 0), "g"); }, reps),
      flop);
  row("bfloat16 fused, nearest (native route)", time_ms([&] { check(fc::gemm<RBf>(s, A, B, C, 0), "g"); }, reps), flop);
  // The tensor-core route (chunked<L, sm90_mma>: the H100 / H200 model of tensor/mma_model.hpp),
  // float inputs rounded to bfloat16 / binary16 in the kernel, and bfloat16 arrays.
  if (fc::detail::hopper_device()) {
    using fl::tensor::sm90_mma;
    using RTC = fc::gemm_recipe<fl::bfloat16, fl::binary32, fl::binary32, fc::chunked<std::size_t{1} << 30, sm90_mma>>;
    using RTC16 =
        fc::gemm_recipe<fl::binary16, fl::binary32, fl::binary32, fc::chunked<std::size_t{1} << 30, sm90_mma>>;
    using RTCb = fc::gemm_recipe<fl::bfloat16, fl::binary32, fl::bfloat16, fc::chunked<256, sm90_mma>>;
    using RTCs =
        fc::gemm_recipe<fl::bfloat16, fl::binary32, fl::cfloat<8, 7, rnd::stochastic<8>>, fc::chunked<64, sm90_mma>>;
    row("bf16 in (from float), tensor cores, one chunk, fp32 acc",
        time_ms([&] { check(fc::gemm<RTC>(s, A, B, C, 0), "g"); }, reps), flop);
    row("e5m10 in (from float), tensor cores, one chunk, fp32 acc",
        time_ms([&] { check(fc::gemm<RTC16>(s, A, B, C, 0), "g"); }, reps), flop);
    row("bf16 in, tensor cores, chunks of 256 into a bf16 acc",
        time_ms([&] { check(fc::gemm<RTCb>(s, A, B, C, 0), "g"); }, reps), flop);
    row("bf16 in, tensor cores, chunks of 64 into bf16 stochastic<8>",
        time_ms([&] { check(fc::gemm<RTCs>(s, A, B, C, 0, fc::counter_source{4}), "g"); }, reps), flop);
    fl::bfloat16 *Ab, *Bb;
    CUDA_OK(cudaMalloc(&Ab, nn * sizeof(fl::bfloat16)));
    CUDA_OK(cudaMalloc(&Bb, nn * sizeof(fl::bfloat16)));
    check(fc::quantize<fl::bfloat16>(A, Ab, nn, 0), "q");
    check(fc::quantize<fl::bfloat16>(B, Bb, nn, 0), "q");
    row("bf16 arrays, tensor cores, one chunk, fp32 acc",
        time_ms([&] { check(fc::gemm<RTC>(s, Ab, Bb, C, 0), "g"); }, reps), flop);
    cudaFree(Ab);
    cudaFree(Bb);
  }
  // The lane route (float lanes + branch-free round_lane): directed and stochastic modes.
  using RT = fc::gemm_recipe<fl::binary16, fl::binary16, fl::cfloat<5, 10, rnd::toward_zero>>;
  using RTf = fc::gemm_recipe<fl::binary16, fl::binary16, fl::cfloat<5, 10, rnd::toward_zero>, fc::fused>;
  using RS = fc::gemm_recipe<fl::binary16, fl::binary16, fl::cfloat<5, 10, rnd::stochastic<8>>>;
  using RE = fc::gemm_recipe<fl::e4m3, fl::binary16, fl::cfloat<5, 10, rnd::toward_zero>>;
  const int lreps = N <= 4096 ? 2 : 1;
  // The FP32 recipe (binary32 inputs, products and sums, nearest): the lane route's binary32
  // steps, __fmul_rn + __fadd_rn per step (per-operation) or __fmaf_rn (fused).
  using R32 = fc::gemm_recipe<fl::binary32, fl::binary32, fl::binary32>;
  using R32f = fc::gemm_recipe<fl::binary32, fl::binary32, fl::binary32, fc::fused>;
  row("binary32 per-operation, nearest (lane route)", time_ms([&] { check(fc::gemm<R32>(s, A, B, C, 0), "g"); }, lreps),
      flop);
  row("binary32 fused, nearest (lane route)", time_ms([&] { check(fc::gemm<R32f>(s, A, B, C, 0), "g"); }, lreps), flop);
  row("e5m10 per-operation, toward_zero (lane route)", time_ms([&] { check(fc::gemm<RT>(s, A, B, C, 0), "g"); }, lreps),
      flop);
  row("e5m10 fused, toward_zero (lane route)", time_ms([&] { check(fc::gemm<RTf>(s, A, B, C, 0), "g"); }, lreps), flop);
  row("e4m3 in, e5m10 toward_zero (lane route)", time_ms([&] { check(fc::gemm<RE>(s, A, B, C, 0), "g"); }, lreps),
      flop);
  // Stochastic: a Philox word per rounding (two per step); measured on a smaller K (same M, N).
  fc::gemm_shape small = s;
  small.k = 256;
  const double flop_small = 2.0 * N * N * 256.0;
  row("e5m10 per-operation, stochastic<8> acc (lane), K=256",
      time_ms([&] { check(fc::gemm<RS>(small, A, B, C, 0, fc::counter_source{9}), "g"); }, 1), flop_small);
  // The scalar core (an accumulator no float lane holds exactly): binary32 toward zero.
  using RC = fc::gemm_recipe<fl::binary16, fl::binary32, fl::cfloat<8, 23, rnd::toward_zero>>;
  small.k = 64;
  row("e5m10 in, binary32 toward_zero acc (core), K=64",
      time_ms([&] { check(fc::gemm<RC>(small, A, B, C, 0), "g"); }, 1), 2.0 * N * N * 64.0);
  cudaFree(A);
  cudaFree(B);
  cudaFree(C);
}

static void bench_conv() {
  struct layer {
    const char* name;
    std::size_t n, c, hw, oc, k, stride, pad;
  };
  const layer layers[] = {{"resnet18 conv2_x 64x56x56 3x3", 32, 64, 56, 64, 3, 1, 1},
                          {"resnet18 conv3_x 128x28x28 3x3", 32, 128, 28, 128, 3, 1, 1},
                          {"resnet18 conv4_x 256x14x14 3x3", 32, 256, 14, 256, 3, 1, 1},
                          {"resnet18 conv5_x 512x7x7 3x3", 32, 512, 7, 512, 3, 1, 1}};
  using R16 = fc::gemm_recipe<fl::binary16, fl::binary16, fl::binary16>;
  std::printf("\n%-52s %10s %10s %12s\n", "conv2d, e5m10 per-operation (native)", "ms", "TFLOP/s", "x GEMM same");
  for (const layer& L : layers) {
    fc::conv2d_shape s;
    s.n = L.n, s.c = L.c, s.h = s.w = L.hw, s.oc = L.oc, s.kh = s.kw = L.k, s.stride_h = s.stride_w = L.stride,
    s.pad_h = s.pad_w = L.pad;
    const std::size_t OH = s.out_h(), OW = s.out_w(), K = L.c * L.k * L.k;
    const std::size_t nx = L.n * L.c * L.hw * L.hw, nw = L.oc * K, ny = L.n * L.oc * OH * OW;
    float *x, *w, *y, *bb;
    CUDA_OK(cudaMalloc(&x, nx * sizeof(float)));
    CUDA_OK(cudaMalloc(&w, nw * sizeof(float)));
    CUDA_OK(cudaMalloc(&y, ny * sizeof(float)));
    CUDA_OK(cudaMalloc(&bb, L.n * K * OH * OW * sizeof(float)));
    fill_kernel<<<132 * 16, 256>>>(x, nx, 4);
    fill_kernel<<<132 * 16, 256>>>(w, nw, 5);
    fill_kernel<<<132 * 16, 256>>>(bb, L.n * K * OH * OW, 6);
    const double flop = 2.0 * ny * K;
    const double t_conv = time_ms([&] { check(fc::conv2d_forward<R16>(s, x, w, y, 0), "c"); }, 3);
    // The same implicit GEMM: per image, (OC x K) times (K x OH*OW), batched over images (A copied
    // per image: a zero batch stride means tight, so A cannot be shared).
    fc::gemm_shape g;
    g.m = L.oc, g.n = OH * OW, g.k = K, g.batch = L.n, g.stride_a = nw, g.stride_b = K * OH * OW,
    g.stride_c = L.oc * OH * OW;
    float* wb;
    CUDA_OK(cudaMalloc(&wb, L.n * nw * sizeof(float)));
    for (std::size_t i = 0; i < L.n; ++i)
      CUDA_OK(cudaMemcpy(wb + i * nw, w, nw * sizeof(float), cudaMemcpyDeviceToDevice));
    const double t_gemm = time_ms([&] { check(fc::gemm<R16>(g, wb, bb, y, 0), "g"); }, 3);
    std::printf("%-52s %10.3f %10.3f %12.3f\n", L.name, t_conv, flop / t_conv / 1e9, t_gemm / t_conv);
    // Backward data (dy = y, w -> dx = x) and backward weights (x, dy = y -> dw = w): the same
    // multiply-adds (stride 1, same padding), so the same flop count.
    const double t_bd = time_ms([&] { check(fc::conv2d_backward_data<R16>(s, y, w, x, 0), "bd"); }, 3);
    const double t_bw = time_ms([&] { check(fc::conv2d_backward_weights<R16>(s, x, y, w, 0), "bw"); }, 3);
    std::printf("%-52s %10.3f %10.3f %12.3f\n", "  backward data", t_bd, flop / t_bd / 1e9, t_gemm / t_bd);
    std::printf("%-52s %10.3f %10.3f %12.3f\n", "  backward weights", t_bw, flop / t_bw / 1e9, t_gemm / t_bw);
    cudaFree(x), cudaFree(w), cudaFree(y), cudaFree(bb), cudaFree(wb);
  }
}

int main(int argc, char** argv) {
  int devices = 0;
  if (cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0) {
    std::printf("no CUDA device\n");
    return 77;
  }
  cudaDeviceProp p{};
  cudaGetDeviceProperties(&p, 0);
  std::printf("device: %s, %d SMs\n", p.name, p.multiProcessorCount);
  bench_quantize();
  std::vector<int> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(std::atoi(argv[i]));
  if (sizes.empty()) sizes = {4096, 8192};
  for (int N : sizes) bench_gemm(N);
  bench_conv();
  return 0;
}
