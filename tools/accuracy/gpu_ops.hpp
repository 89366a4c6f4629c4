// tools/accuracy/gpu_ops.hpp: the CUDA back end of tensor_ops (backend::cuda), host-side
// declarations. Implemented in gpu_ops.cu (nvcc, when the build has CUDA) or gpu_stub.cpp
// (no CUDA: available() is false and says why).
//
// Each call takes HOST pointers, copies the operands into persistent device buffers that
// grow (never shrink, no allocation per call once grown), runs floatlab's own
// cuda::gemm / cuda::conv2d_forward / conv2d_backward_data / conv2d_backward_weights with the
// FP32 recipe gemm_recipe<binary32, binary32, binary32> (per_operation, the recipe
// tensor_ops.cpp gives tensor::gemm / conv2d_* for acc_kind::fp32) on one stream, and copies
// the result back (the stream is synchronized before the call returns). Device state
// (buffers, stream) is per host thread: runs that train in parallel threads do not share it.
// A CUDA or floatlab status error prints "floatlab-accuracy: CUDA back end: ..." and exits
// the process with status 3 (no crash, no partial result used).
//
// Same results: the CUDA kernels compute tensor::gemm / conv2d_*'s bits for the same recipe
// and inputs (docs/cuda.md, proven on the H200 by tests/cuda/tensor_kernels.cu), and the fast
// back end computes the same bits (tests/test_accuracy_ops.cpp).
#pragma once

#include <cstddef>
#include <string>

namespace flacc::tops::gpu {

// True when this build has the CUDA back end and a CUDA device is usable (checked once;
// the first call picks device 0 of CUDA_VISIBLE_DEVICES). why: the reason when false.
bool available(std::string* why = nullptr);
// True when this build has the CUDA back end at all (a CUDA-less build: false).
bool compiled();

// C (M x N) = A (M x K) B (K x N), row-major, FP32 recipe.
void gemm_fp32(const float* A, const float* B, float* C, std::size_t M, std::size_t N, std::size_t K);

// The conv passes (NCHW, square stride / padding), FP32 recipe; pass 0: in1 = x, in2 = w ->
// y; pass 1: in1 = dy, in2 = w -> dx; pass 2: in1 = x, in2 = dy -> dw (as conv_tensor).
struct conv_dims {
  std::size_t n, c, h, w, oc, kh, kw, stride, pad;
};
void conv_fp32(int pass, const conv_dims& s, const float* in1, const float* in2, float* out);

// The exact recipe (acc_kind::exact: the exact sum of the exact products, rounded once to
// binary32) for operands that tensor_ops.hpp's exact_in() has proven exact in double: every
// product of two floats is exact in double, and the check bounds every sum of any subset of
// the K products below 2^53 quanta, so double sums in ANY order (tiles, split-K atomics) are
// the exact sum; one __double2float_rn rounds it (nearest even, as the host's double
// kernel and the tensor API do). An exact zero is +0 everywhere: sums start from +0 and a
// nearest-even sum is -0 only when both addends are. Precondition unchecked here: call
// only after exact_in(...).in_double (tensor_ops.cpp does). Same argument and layout as
// gemm_fp32 / conv_fp32.
void gemm_exact(const float* A, const float* B, float* C, std::size_t M, std::size_t N, std::size_t K);
void conv_exact(int pass, const conv_dims& s, const float* in1, const float* in2, float* out);

}  // namespace flacc::tops::gpu
