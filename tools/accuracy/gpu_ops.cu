// tools/accuracy/gpu_ops.cu: the CUDA back end of tensor_ops (gpu_ops.hpp says what each call
// computes). nvcc, C++17; no -use_fast_math (docs/cuda.md: the kernels need float subnormals).
#include <cuda_runtime.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>

#include <floatlab/cuda/conv.cuh>
#include <floatlab/cuda/gemm.cuh>

#include "gpu_ops.hpp"

namespace flacc::tops::gpu {
namespace fc = floatlab::cuda;
namespace {

// The recipe tensor_ops.cpp gives the host tensor API for acc_kind::fp32.
using fp32_recipe = fc::gemm_recipe<floatlab::binary32, floatlab::binary32, floatlab::binary32>;

[[noreturn]] void die(const char* what, const char* msg) {
  std::fprintf(stderr, "floatlab-accuracy: CUDA back end: %s: %s\n", what, msg);
  std::exit(3);
}
void cuda_ok(cudaError_t e, const char* what) {
  if (e != cudaSuccess) die(what, cudaGetErrorString(e));
}
void status_ok(const floatlab::status& st, const char* what) {
  if (st.rejected()) die(what, st.message ? st.message : "rejected");
}

// FLACC_GPU_PROFILE=1: at exit, the calls' count and the host wall time spent in them (copies
// in, kernel + copy out), to tell the GPU's share of a run from the host's.
struct profile {
  std::atomic<long long> calls{0}, up_ns{0}, run_ns{0};
  const bool on = std::getenv("FLACC_GPU_PROFILE") != nullptr;
  ~profile() {
    if (on && calls)
      std::fprintf(stderr, "floatlab-accuracy: CUDA back end: %lld calls, %.3f s copying in, %.3f s in kernels + copying out\n",
                   calls.load(), double(up_ns.load()) * 1e-9, double(run_ns.load()) * 1e-9);
  }
};
profile prof;
using clock_type = std::chrono::steady_clock;
long long ns_since(clock_type::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now() - t).count();
}

// One host thread's device state: a stream and buffers that only grow.
template <class T>
struct device_buffer {
  T* p = nullptr;
  std::size_t cap = 0;
  T* get(std::size_t n) {
    if (n <= cap) return p;
    if (p) cuda_ok(cudaFree(p), "cudaFree");
    p = nullptr;
    std::size_t c = cap ? cap : 1024;
    while (c < n) c *= 2;
    cuda_ok(cudaMalloc(&p, c * sizeof(T)), "cudaMalloc");
    cap = c;
    return p;
  }
  ~device_buffer() {
    if (p) (void)cudaFree(p);  // at thread exit; nothing to report then
  }
};
struct state {
  cudaStream_t stream = nullptr;
  device_buffer<float> buf[3];
  device_buffer<double> sums;  // the split-K sums of conv_exact's weight gradients
  state() { cuda_ok(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), "cudaStreamCreate"); }
  ~state() {
    if (stream) (void)cudaStreamDestroy(stream);
  }
  // Buffers for in1 (n1), in2 (n2), out (no); in1 and in2 copied in.
  clock_type::time_point t0;
  void upload(const float* in1, std::size_t n1, const float* in2, std::size_t n2, std::size_t no, float** d) {
    if (prof.on) t0 = clock_type::now();
    d[0] = buf[0].get(n1), d[1] = buf[1].get(n2), d[2] = buf[2].get(no);
    cuda_ok(cudaMemcpyAsync(d[0], in1, n1 * sizeof(float), cudaMemcpyHostToDevice, stream), "copy to device");
    cuda_ok(cudaMemcpyAsync(d[1], in2, n2 * sizeof(float), cudaMemcpyHostToDevice, stream), "copy to device");
    if (prof.on) {
      cuda_ok(cudaStreamSynchronize(stream), "copy to device");
      prof.up_ns += ns_since(t0);
      t0 = clock_type::now();
    }
  }
  void download(float* out, const float* d, std::size_t n) {
    cuda_ok(cudaMemcpyAsync(out, d, n * sizeof(float), cudaMemcpyDeviceToHost, stream), "copy to host");
    cuda_ok(cudaStreamSynchronize(stream), "kernel or copy");
    if (prof.on) {
      prof.run_ns += ns_since(t0);
      ++prof.calls;
    }
  }
};
state& here() {
  thread_local state s;
  return s;
}


// ---- the exact recipe in double (gpu_ops.hpp: valid only for operands proven exact) ----

constexpr int exact_tile = 16;

// C = A B, one output per thread of a 16 x 16 block, k in shared-memory tiles of 16; each
// product and sum in double (exact by the precondition), one rounding to float at the end.
__global__ void gemm_exact_kernel(const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C,
                                  unsigned M, unsigned N, unsigned K) {
  __shared__ float As[exact_tile][exact_tile + 1], Bs[exact_tile][exact_tile + 1];
  const unsigned tx = threadIdx.x, ty = threadIdx.y;
  const unsigned i = blockIdx.y * exact_tile + ty, j = blockIdx.x * exact_tile + tx;
  double acc = 0.0;
  for (unsigned k0 = 0; k0 < K; k0 += exact_tile) {
    As[ty][tx] = (i < M && k0 + tx < K) ? A[std::size_t(i) * K + k0 + tx] : 0.0f;
    Bs[ty][tx] = (j < N && k0 + ty < K) ? B[std::size_t(k0 + ty) * N + j] : 0.0f;
    __syncthreads();
#pragma unroll
    for (int kk = 0; kk < exact_tile; ++kk) acc = __fma_rn(double(As[ty][kk]), double(Bs[kk][tx]), acc);
    __syncthreads();
  }
  if (i < M && j < N) C[std::size_t(i) * N + j] = __double2float_rn(acc);
}

// The flat index t = ((a * nb + b) * nc + c) * nd + d of a 4-D array as (a, b, c, d): each
// exact conv kernel gives one thread one element of its output.
struct index4 {
  unsigned a, b, c, d;
};
__device__ index4 split_index(std::size_t t, unsigned nb, unsigned nc, unsigned nd) {
  const unsigned d = unsigned(t % nd);
  t /= nd;
  const unsigned c = unsigned(t % nc);
  t /= nc;
  return {unsigned(t / nb), unsigned(t % nb), c, d};
}

struct conv_geom {  // conv_dims as unsigned, with the output size
  unsigned n, c, h, w, oc, kh, kw, stride, pad, oh, ow;
};
conv_geom geom(const conv_dims& d) {
  const unsigned oh = unsigned((d.h + 2 * d.pad - d.kh) / d.stride + 1), ow = unsigned((d.w + 2 * d.pad - d.kw) / d.stride + 1);
  return {unsigned(d.n), unsigned(d.c), unsigned(d.h), unsigned(d.w), unsigned(d.oc), unsigned(d.kh), unsigned(d.kw),
          unsigned(d.stride), unsigned(d.pad), oh, ow};
}

// y[n][o][p][q] = sum over (c, r, s) of w[o][c][r][s] x[n][c][p*st - pad + r][q*st - pad + s]
// (taps in the padding add nothing: a zero product does not change an exact sum).
__global__ void conv_fwd_exact_kernel(conv_geom g, const float* __restrict__ x, const float* __restrict__ w,
                                      float* __restrict__ y) {
  const std::size_t total = std::size_t(g.n) * g.oc * g.oh * g.ow;
  const std::size_t t = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (t >= total) return;
  const auto [n, o, p, q] = split_index(t, g.oc, g.oh, g.ow);
  double acc = 0.0;
  for (unsigned c = 0; c < g.c; ++c) {
    const float* xc = x + (std::size_t(n) * g.c + c) * g.h * g.w;
    const float* wc = w + (std::size_t(o) * g.c + c) * g.kh * g.kw;
    for (unsigned r = 0; r < g.kh; ++r) {
      const int hi = int(p * g.stride + r) - int(g.pad);
      if (hi < 0 || hi >= int(g.h)) continue;
      for (unsigned s = 0; s < g.kw; ++s) {
        const int wi = int(q * g.stride + s) - int(g.pad);
        if (wi < 0 || wi >= int(g.w)) continue;
        acc = __fma_rn(double(wc[r * g.kw + s]), double(xc[std::size_t(hi) * g.w + wi]), acc);
      }
    }
  }
  y[t] = __double2float_rn(acc);
}

// dx[n][c][h][w] = sum over (o, r, s) with h = p*st - pad + r, w = q*st - pad + s of
// w[o][c][r][s] dy[n][o][p][q].
__global__ void conv_bwd_data_exact_kernel(conv_geom g, const float* __restrict__ dy, const float* __restrict__ w,
                                           float* __restrict__ dx) {
  const std::size_t total = std::size_t(g.n) * g.c * g.h * g.w;
  const std::size_t t = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (t >= total) return;
  const auto [n, c, hi, wi] = split_index(t, g.c, g.h, g.w);
  double acc = 0.0;
  for (unsigned o = 0; o < g.oc; ++o) {
    const float* dyo = dy + (std::size_t(n) * g.oc + o) * g.oh * g.ow;
    const float* wo = w + (std::size_t(o) * g.c + c) * g.kh * g.kw;
    for (unsigned r = 0; r < g.kh; ++r) {
      const int ph = int(hi + g.pad) - int(r);
      if (ph < 0 || ph % int(g.stride) != 0 || ph / int(g.stride) >= int(g.oh)) continue;
      const unsigned p = unsigned(ph) / g.stride;
      for (unsigned s = 0; s < g.kw; ++s) {
        const int qw = int(wi + g.pad) - int(s);
        if (qw < 0 || qw % int(g.stride) != 0 || qw / int(g.stride) >= int(g.ow)) continue;
        const unsigned q = unsigned(qw) / g.stride;
        acc = __fma_rn(double(wo[r * g.kw + s]), double(dyo[std::size_t(p) * g.ow + q]), acc);
      }
    }
  }
  dx[t] = __double2float_rn(acc);
}

// dw[o][c][r][s] += sum over the images of blockIdx.y's share and (p, q) of
// dy[n][o][p][q] x[n][c][p*st - pad + r][q*st - pad + s]: split over images, added with
// double atomics into sums (zeroed first): any order is the exact sum.
__global__ void conv_bwd_weights_exact_kernel(conv_geom g, const float* __restrict__ x, const float* __restrict__ dy,
                                              double* __restrict__ sums, unsigned images_per_split) {
  const std::size_t total = std::size_t(g.oc) * g.c * g.kh * g.kw;
  const std::size_t t = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (t >= total) return;
  const auto [o, c, r, s] = split_index(t, g.c, g.kh, g.kw);
  const unsigned n0 = blockIdx.y * images_per_split, n1 = min(g.n, n0 + images_per_split);
  double acc = 0.0;
  for (unsigned n = n0; n < n1; ++n) {
    const float* dyo = dy + (std::size_t(n) * g.oc + o) * g.oh * g.ow;
    const float* xc = x + (std::size_t(n) * g.c + c) * g.h * g.w;
    for (unsigned p = 0; p < g.oh; ++p) {
      const int hi = int(p * g.stride + r) - int(g.pad);
      if (hi < 0 || hi >= int(g.h)) continue;
      for (unsigned q = 0; q < g.ow; ++q) {
        const int wi = int(q * g.stride + s) - int(g.pad);
        if (wi < 0 || wi >= int(g.w)) continue;
        acc = __fma_rn(double(dyo[std::size_t(p) * g.ow + q]), double(xc[std::size_t(hi) * g.w + wi]), acc);
      }
    }
  }
  if (n0 < n1) atomicAdd(sums + t, acc);
}

__global__ void round_to_float_kernel(const double* __restrict__ sums, float* __restrict__ out, std::size_t n) {
  const std::size_t t = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (t < n) out[t] = __double2float_rn(sums[t]);
}

constexpr unsigned exact_threads = 128;
unsigned blocks_for(std::size_t n) { return unsigned((n + exact_threads - 1) / exact_threads); }
void launched(const char* what) { cuda_ok(cudaGetLastError(), what); }

}  // namespace

bool compiled() { return true; }

bool available(std::string* why) {
  static std::once_flag once;
  static bool ok = false;
  static std::string reason;
  std::call_once(once, [] {
    int n = 0;
    const cudaError_t e = cudaGetDeviceCount(&n);
    if (e != cudaSuccess) reason = std::string("no usable CUDA device (") + cudaGetErrorString(e) + ")";
    else if (n == 0) reason = "no CUDA device";
    else ok = true;
    (void)cudaGetLastError();  // clear a sticky "no device" error
  });
  if (!ok && why) *why = reason;
  return ok;
}

void gemm_fp32(const float* A, const float* B, float* C, std::size_t M, std::size_t N, std::size_t K) {
  state& s = here();
  float* d[3];
  s.upload(A, M * K, B, K * N, M * N, d);
  fc::gemm_shape g;
  g.m = M, g.n = N, g.k = K;
  status_ok(fc::gemm<fp32_recipe>(g, d[0], d[1], d[2], s.stream), "cuda::gemm");
  s.download(C, d[2], M * N);
}

void conv_fp32(int pass, const conv_dims& cd, const float* in1, const float* in2, float* out) {
  fc::conv2d_shape cs;
  cs.n = cd.n, cs.c = cd.c, cs.h = cd.h, cs.w = cd.w, cs.oc = cd.oc, cs.kh = cd.kh, cs.kw = cd.kw;
  cs.stride_h = cs.stride_w = cd.stride;
  cs.pad_h = cs.pad_w = cd.pad;
  const std::size_t nx = cs.n * cs.c * cs.h * cs.w, nw = cs.oc * cs.c * cs.kh * cs.kw,
                    ny = cs.n * cs.oc * cs.out_h() * cs.out_w();
  state& s = here();
  float* d[3];
  if (pass == 0) {  // x, w -> y
    s.upload(in1, nx, in2, nw, ny, d);
    status_ok(fc::conv2d_forward<fp32_recipe>(cs, d[0], d[1], d[2], s.stream), "cuda::conv2d_forward");
    s.download(out, d[2], ny);
  } else if (pass == 1) {  // dy, w -> dx
    s.upload(in1, ny, in2, nw, nx, d);
    status_ok(fc::conv2d_backward_data<fp32_recipe>(cs, d[0], d[1], d[2], s.stream), "cuda::conv2d_backward_data");
    s.download(out, d[2], nx);
  } else {  // x, dy -> dw
    s.upload(in1, nx, in2, ny, nw, d);
    status_ok(fc::conv2d_backward_weights<fp32_recipe>(cs, d[0], d[1], d[2], s.stream),
              "cuda::conv2d_backward_weights");
    s.download(out, d[2], nw);
  }
}

void gemm_exact(const float* A, const float* B, float* C, std::size_t M, std::size_t N, std::size_t K) {
  if (M == 0 || N == 0) return;
  state& s = here();
  float* d[3];
  s.upload(A, M * K, B, K * N, M * N, d);
  const dim3 block(exact_tile, exact_tile), grid(unsigned((N + exact_tile - 1) / exact_tile), unsigned((M + exact_tile - 1) / exact_tile));
  gemm_exact_kernel<<<grid, block, 0, s.stream>>>(d[0], d[1], d[2], unsigned(M), unsigned(N), unsigned(K));
  launched("gemm_exact_kernel");
  s.download(C, d[2], M * N);
}

void conv_exact(int pass, const conv_dims& cd, const float* in1, const float* in2, float* out) {
  const conv_geom g = geom(cd);
  const std::size_t nx = std::size_t(g.n) * g.c * g.h * g.w, nw = std::size_t(g.oc) * g.c * g.kh * g.kw,
                    ny = std::size_t(g.n) * g.oc * g.oh * g.ow;
  const std::size_t n_out = pass == 0 ? ny : pass == 1 ? nx : nw;
  if (n_out == 0) return;
  if (nx == 0 || ny == 0 || nw == 0) {  // an empty sum (no images, channels or taps): +0
    std::fill(out, out + n_out, 0.0f);
    return;
  }
  state& s = here();
  float* d[3];
  if (pass == 0) {  // x, w -> y
    s.upload(in1, nx, in2, nw, ny, d);
    conv_fwd_exact_kernel<<<blocks_for(ny), exact_threads, 0, s.stream>>>(g, d[0], d[1], d[2]);
    launched("conv_fwd_exact_kernel");
    s.download(out, d[2], ny);
  } else if (pass == 1) {  // dy, w -> dx
    s.upload(in1, ny, in2, nw, nx, d);
    conv_bwd_data_exact_kernel<<<blocks_for(nx), exact_threads, 0, s.stream>>>(g, d[0], d[1], d[2]);
    launched("conv_bwd_data_exact_kernel");
    s.download(out, d[2], nx);
  } else {  // x, dy -> dw: split over images so that few weights still fill the GPU
    s.upload(in1, nx, in2, ny, nw, d);
    double* sums = s.sums.get(nw);
    cuda_ok(cudaMemsetAsync(sums, 0, nw * sizeof(double), s.stream), "cudaMemsetAsync");  // +0
    const unsigned splits = g.n < 64 ? g.n : 64, per = (g.n + splits - 1) / splits;
    const dim3 grid(blocks_for(nw), (g.n + per - 1) / per);
    conv_bwd_weights_exact_kernel<<<grid, exact_threads, 0, s.stream>>>(g, d[0], d[1], sums, per);
    launched("conv_bwd_weights_exact_kernel");
    round_to_float_kernel<<<blocks_for(nw), exact_threads, 0, s.stream>>>(sums, d[2], nw);
    launched("round_to_float_kernel");
    s.download(out, d[2], nw);
  }
}

}  // namespace flacc::tops::gpu
