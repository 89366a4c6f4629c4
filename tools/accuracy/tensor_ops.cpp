// tools/accuracy/tensor_ops.cpp: the back-end dispatch of tensor_ops.hpp and the calls into
// floatlab::tensor (compiled once, with -ffp-contract=off like the rest of the tool).
#include "tensor_ops.hpp"

#include "gpu_ops.hpp"

#include <cstdio>
#include <cstdlib>

namespace flacc::tops {
namespace tn = floatlab::tensor;

backend& backend_setting() {
  static backend b = backend::fast;
  return b;
}

const char* backend_name(backend b) {
  return b == backend::cuda ? "cuda" : b == backend::tensor ? "tensor" : "fast";
}

bool select_backend(const std::string& name, backend& b, std::string& err) {
  std::string why;
  if (name == "fast") b = backend::fast;
  else if (name == "tensor") b = backend::tensor;
  else if (name == "auto") b = gpu::available() ? backend::cuda : backend::fast;
  else if (name == "cuda") {
    if (!gpu::available(&why)) {
      err = "--backend cuda: " + why;
      return false;
    }
    b = backend::cuda;
  } else {
    err = "--backend must be auto, fast, tensor or cuda (not '" + name + "')";
    return false;
  }
  return true;
}

namespace {
using fp32_recipe = tn::gemm_recipe<floatlab::binary32, floatlab::binary32, floatlab::binary32>;
using exact_recipe =
    tn::gemm_recipe<floatlab::binary32, floatlab::binary32, floatlab::binary32, tn::chunked<tn::max_k, tn::exact_partial>>;

void check(const floatlab::status& st, const char* what) {
  if (st.rejected()) {
    std::fprintf(stderr, "floatlab-accuracy: %s rejected: %s\n", what, st.message);
    std::abort();  // a shape bug of the tool, not a user error
  }
}
}  // namespace

void gemm_tensor(acc_kind kind, const float* A, const float* B, float* C, std::size_t M, std::size_t N, std::size_t K) {
  tn::gemm_shape s;
  s.m = M, s.n = N, s.k = K;
  const floatlab::array_view<const float> a{A, M * K}, b{B, K * N};
  const floatlab::array_view<float> c{C, M * N};
  if (kind == acc_kind::fp32) check(tn::gemm<fp32_recipe>(s, a, b, c), "tensor::gemm");
  else check(tn::gemm<exact_recipe>(s, a, b, c), "tensor::gemm");
}

void conv_tensor(int pass, acc_kind kind, const conv_shape& cs, const float* in1, const float* in2, float* out) {
  const tn::conv2d_shape s = cs.tensor_shape();
  const std::size_t nx = cs.n * cs.in_size(), nw = cs.oc * cs.k(), ny = cs.n * cs.out_size();
  auto run = [&](auto recipe) {
    using R = decltype(recipe);
    if (pass == 0)  // in1 = x, in2 = w -> y
      check(tn::conv2d_forward<R>(s, floatlab::array_view<const float>{in1, nx}, floatlab::array_view<const float>{in2, nw},
                                  floatlab::array_view<float>{out, ny}),
            "tensor::conv2d_forward");
    else if (pass == 1)  // in1 = dy, in2 = w -> dx
      check(tn::conv2d_backward_data<R>(s, floatlab::array_view<const float>{in1, ny},
                                        floatlab::array_view<const float>{in2, nw}, floatlab::array_view<float>{out, nx}),
            "tensor::conv2d_backward_data");
    else  // in1 = x, in2 = dy -> dw
      check(tn::conv2d_backward_weights<R>(s, floatlab::array_view<const float>{in1, nx},
                                           floatlab::array_view<const float>{in2, ny}, floatlab::array_view<float>{out, nw}),
            "tensor::conv2d_backward_weights");
  };
  if (kind == acc_kind::fp32) run(fp32_recipe{});
  else run(exact_recipe{});
}

// The fast back end's kernel for an exact GEMM: fp32 where float sums are exact, exact
// (double) where double sums are, none (the tensor API) otherwise.
namespace {
bool pick(acc_kind& kind, const float* a, std::size_t na, const float* b, std::size_t nb, std::size_t K) {
  if (backend_setting() == backend::tensor) return false;
  if (kind == acc_kind::fp32) return true;
  const exactness e = exact_in(a, na, b, nb, K);
  if (e.in_float) kind = acc_kind::fp32;
  return e.in_double;
}

bool on_gpu() { return backend_setting() == backend::cuda; }
gpu::conv_dims dims(const conv_shape& s) { return {s.n, s.c, s.h, s.w, s.oc, s.kh, s.kw, s.stride, s.pad}; }
}  // namespace

void gemm(acc_kind kind, const float* A, const float* B, float* C, std::size_t M, std::size_t N, std::size_t K) {
  acc_kind run = kind;
  if (!pick(run, A, M * K, B, K * N, K)) return gemm_tensor(kind, A, B, C, M, N, K);
  if (on_gpu()) return run == acc_kind::fp32 ? gpu::gemm_fp32(A, B, C, M, N, K) : gpu::gemm_exact(A, B, C, M, N, K);
  gemm_fast<float>(run, A, B, C, M, N, K);
}

void conv_forward(acc_kind kind, const conv_shape& s, const float* x, const float* w, float* y) {
  acc_kind run = kind;
  if (!pick(run, w, s.oc * s.k(), x, s.n * s.in_size(), s.k())) return conv_tensor(0, kind, s, x, w, y);
  if (on_gpu()) return run == acc_kind::fp32 ? gpu::conv_fp32(0, dims(s), x, w, y) : gpu::conv_exact(0, dims(s), x, w, y);
  conv_forward_fast<float>(run, s, x, w, y);
}
void conv_backward_data(acc_kind kind, const conv_shape& s, const float* dy, const float* w, float* dx) {
  acc_kind run = kind;
  if (!pick(run, w, s.oc * s.k(), dy, s.n * s.out_size(), s.oc * s.kh * s.kw)) return conv_tensor(1, kind, s, dy, w, dx);
  if (on_gpu()) return run == acc_kind::fp32 ? gpu::conv_fp32(1, dims(s), dy, w, dx) : gpu::conv_exact(1, dims(s), dy, w, dx);
  conv_backward_data_fast<float>(run, s, dy, w, dx);
}
void conv_backward_weights(acc_kind kind, const conv_shape& s, const float* x, const float* dy, float* dw) {
  acc_kind run = kind;
  if (!pick(run, dy, s.n * s.out_size(), x, s.n * s.in_size(), s.n * s.out_h() * s.out_w()))
    return conv_tensor(2, kind, s, x, dy, dw);
  if (on_gpu()) return run == acc_kind::fp32 ? gpu::conv_fp32(2, dims(s), x, dy, dw) : gpu::conv_exact(2, dims(s), x, dy, dw);
  conv_backward_weights_fast<float>(run, s, x, dy, dw);
}

}  // namespace flacc::tops
