// tools/accuracy/gpu_ops.cu: the CUDA back end of tensor_ops (gpu_ops.hpp says what each call
// computes). nvcc, C++17; no -use_fast_math (docs/cuda.md: the kernels need float subnormals).
#include <cuda_runtime.h>

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

// One host thread's device state: a stream and three buffers that only grow.
struct buffer {
  float* p = nullptr;
  std::size_t cap = 0;
  float* get(std::size_t n) {
    if (n <= cap) return p;
    if (p) cuda_ok(cudaFree(p), "cudaFree");
    p = nullptr;
    std::size_t c = cap ? cap : 1024;
    while (c < n) c *= 2;
    cuda_ok(cudaMalloc(&p, c * sizeof(float)), "cudaMalloc");
    cap = c;
    return p;
  }
  ~buffer() {
    if (p) (void)cudaFree(p);  // at thread exit; nothing to report then
  }
};
struct state {
  cudaStream_t stream = nullptr;
  buffer buf[3];
  state() { cuda_ok(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), "cudaStreamCreate"); }
  ~state() {
    if (stream) (void)cudaStreamDestroy(stream);
  }
  // Buffers for in1 (n1), in2 (n2), out (no); in1 and in2 copied in.
  void upload(const float* in1, std::size_t n1, const float* in2, std::size_t n2, std::size_t no, float** d) {
    d[0] = buf[0].get(n1), d[1] = buf[1].get(n2), d[2] = buf[2].get(no);
    cuda_ok(cudaMemcpyAsync(d[0], in1, n1 * sizeof(float), cudaMemcpyHostToDevice, stream), "copy to device");
    cuda_ok(cudaMemcpyAsync(d[1], in2, n2 * sizeof(float), cudaMemcpyHostToDevice, stream), "copy to device");
  }
  void download(float* out, const float* d, std::size_t n) {
    cuda_ok(cudaMemcpyAsync(out, d, n * sizeof(float), cudaMemcpyDeviceToHost, stream), "copy to host");
    cuda_ok(cudaStreamSynchronize(stream), "kernel or copy");
  }
};
state& here() {
  thread_local state s;
  return s;
}

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

}  // namespace flacc::tops::gpu
