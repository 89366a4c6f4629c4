// tools/accuracy/tensor_ops.hpp: the training's GEMMs and convolutions, with the semantics of
// floatlab's host tensor API (include/floatlab/tensor/, docs/tensor.md), on two back ends.
//
// Semantics (those of tensor::gemm / tensor::conv2d_*; A, B, C row-major float):
//   acc_kind::fp32  = gemm_recipe<binary32, binary32, binary32, per_operation>: each product
//                     and each sum rounded to binary32 (nearest even), k in order from +0.
//   acc_kind::exact = gemm_recipe<binary32, binary32, binary32, chunked<max_k, exact_partial>>:
//                     the exact sum of the exact products, rounded once to binary32 (the wide
//                     fixed-point accumulation of block fixed point, MuPPET section 3.2.1).
//   Convolutions (NCHW, square stride and padding): forward k = (c, r, s), backward data
//   k = (o, r, s), backward weights k = (n, p, q) over the whole batch, each tap in the padding
//   a step that adds a zero product (docs/tensor.md, "Convolution").
//
// Back ends:
//   backend::tensor: every call is floatlab::tensor::gemm / conv2d_forward / conv2d_backward_*
//     (threads: tensor::set_threads). On main these run the exact scalar kernel for binary32
//     (measured 0.011x of the fast back end: lane_sum_ok excludes a binary32 accumulator).
//   backend::fast (default): the same results from float (fp32) or double (exact) arithmetic,
//     k in order; a fast path, bit-identical to backend::tensor:
//     - fp32: float arithmetic with -ffp-contract=off (tools/accuracy/CMakeLists.txt) IS
//       binary32 nearest-even per product and per sum; the vector kernel (gemm_vec) does
//       these operations lane by lane, one lane per element of C. The scalar form skips a
//       zero multiplier (ReLU zeros) only when the other matrix is finite: then its product
//       is +-0 and acc + (+-0) = acc (acc starts at +0 and a nearest-even sum is -0 only if
//       both addends are); the vector kernel computes those products (same result).
//     - exact: taken only when a check of the operands proves every partial sum exact in
//       double (all products are multiples of 2^(lsb_A + lsb_B) below 2^(top_A + top_B), so
//       K of them need top - lsb + log2 K + 1 <= 53 bits: true for block fixed point up to 16
//       bits); otherwise the tensor API runs. One rounding of the exact double sum to float.
//       Where the check proves every partial sum exact in float (<= 24 bits, in float's
//       range: 8-bit block fixed point with short k), the float kernel runs: it rounds nothing.
//     Proven in tests/test_accuracy_ops.cpp: random shapes (with zeros, padding, stride 2)
//     compared bit for bit with the tensor API.
//   backend::cuda: the FP32 recipe's calls (acc_kind::fp32, and acc_kind::exact where the
//     check above proves every partial sum exact in float: the float kernel's case) run on the
//     GPU through floatlab's cuda::gemm / cuda::conv2d_* with gemm_recipe<binary32, binary32,
//     binary32>; the exact calls that need double (proven exact in double by the same check)
//     run on gpu_ops.cu's double kernels (gemm_exact / conv_exact: any summation order gives
//     the exact sum, so tiles and split-K atomics give the same double; one rounding to
//     float), and the rest on the tensor API, as under backend::fast. Same bits as both other
//     back ends (examples/run_full_device.sh selftest-gpu compares the weight digests).
//   Threads: rows of C (blocks of 4) or images are split over threads; each output element is
//   computed by one thread in k order, so no result depends on the thread count.
#pragma once

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include <floatlab/tensor/tensor.hpp>

namespace flacc::tops {

enum class acc_kind { fp32, exact };
enum class backend { fast, tensor, cuda };

// Process-wide settings (the tool sets them once from its options).
backend& backend_setting();
inline void set_backend(backend b) { backend_setting() = b; }
// --backend NAME -> b: fast, tensor, cuda (error when the build has no CUDA or no device is
// found), auto (cuda when the build has it and a device is found, else fast). False with the
// reason in err (nothing set).
bool select_backend(const std::string& name, backend& b, std::string& err);
const char* backend_name(backend b);
// Threads per operation (tensor::set_threads: shared with the tensor API).
inline void set_threads(int n) { floatlab::tensor::set_threads(n); }
inline int threads() { return floatlab::tensor::threads(); }

struct conv_shape {
  std::size_t n = 1, c = 1, h = 1, w = 1, oc = 1, kh = 1, kw = 1, stride = 1, pad = 0;
  std::size_t out_h() const { return (h + 2 * pad - kh) / stride + 1; }
  std::size_t out_w() const { return (w + 2 * pad - kw) / stride + 1; }
  std::size_t k() const { return c * kh * kw; }
  std::size_t in_size() const { return c * h * w; }    // one image
  std::size_t out_size() const { return oc * out_h() * out_w(); }
  floatlab::tensor::conv2d_shape tensor_shape() const {
    floatlab::tensor::conv2d_shape s;
    s.n = n, s.c = c, s.h = h, s.w = w, s.oc = oc, s.kh = kh, s.kw = kw;
    s.stride_h = s.stride_w = stride;
    s.pad_h = s.pad_w = pad;
    return s;
  }
};

// ---- fast back end (templates: float for training, double for the gradient tests) ----

// body(t) for t in [0, tasks) on up to threads() threads; tasks write disjoint outputs.
template <class Body>
void parallel_for(std::size_t tasks, Body&& body) {
  const std::size_t t = std::min<std::size_t>(static_cast<std::size_t>(std::max(1, threads())), tasks);
  if (t <= 1) {
    for (std::size_t i = 0; i < tasks; ++i) body(i);
    return;
  }
  std::vector<std::thread> pool;
  pool.reserve(t - 1);
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i = next.fetch_add(1); i < tasks; i = next.fetch_add(1)) body(i);
  };
  for (std::size_t i = 0; i + 1 < t; ++i) pool.emplace_back(worker);
  worker();
  for (auto& th : pool) th.join();
}

template <class Real>
bool all_finite(const Real* x, std::size_t n) {
  bool ok = true;
  for (std::size_t i = 0; i < n; ++i) ok &= std::isfinite(x[i]);
  return ok;
}

// Rows i0..i1, columns j_begin..j_end of C = A B, sums in Acc (float: one rounding per step;
// double: exact when exact_fits holds), k in order from +0, written as Real (one rounding from
// Acc). The scalar reference form (and the kernel of the columns the vector kernel leaves).
template <class Real, class Acc>
void gemm_rows_scalar(const Real* A, const Real* B, Real* C, std::size_t i0, std::size_t i1, std::size_t N,
                      std::size_t K, bool skip_zero, std::size_t j_begin = 0, std::size_t j_end = ~std::size_t{0}) {
  constexpr std::size_t JB = 128;
  alignas(64) Acc acc[4][JB];
  j_end = std::min(j_end, N);
  for (std::size_t j0 = j_begin; j0 < j_end; j0 += JB) {
    const std::size_t nj = std::min(JB, j_end - j0);
    for (std::size_t i = i0; i < i1; i += 4) {
      const std::size_t ni = std::min<std::size_t>(4, i1 - i);
      for (auto& r : acc) std::fill(r, r + JB, Acc(0));
      // Rows past the end repeat row i (computed, not stored).
      const Real* a0 = A + i * K;
      const Real* a1 = A + (i + (ni > 1 ? 1 : 0)) * K;
      const Real* a2 = A + (i + (ni > 2 ? 2 : 0)) * K;
      const Real* a3 = A + (i + (ni > 3 ? 3 : 0)) * K;
      for (std::size_t k = 0; k < K; ++k) {
        const Acc x0 = a0[k], x1 = a1[k], x2 = a2[k], x3 = a3[k];
        if (skip_zero && x0 == 0 && x1 == 0 && x2 == 0 && x3 == 0) continue;
        const Real* b = B + k * N + j0;
        for (std::size_t j = 0; j < nj; ++j) {
          const Acc bv = b[j];
          acc[0][j] = acc[0][j] + x0 * bv;
          acc[1][j] = acc[1][j] + x1 * bv;
          acc[2][j] = acc[2][j] + x2 * bv;
          acc[3][j] = acc[3][j] + x3 * bv;
        }
      }
      for (std::size_t r = 0; r < ni; ++r)
        for (std::size_t j = 0; j < nj; ++j) C[(i + r) * N + j0 + j] = static_cast<Real>(acc[r][j]);
    }
  }
}

// The vector kernel: a 4-row x NV-vector block of C held in registers over the whole k loop
// (GCC vector types, -ffp-contract=off: each lane does the scalar form's operations, one
// product and one sum per k, rounded as Acc, in k order from +0; a lane is one element of C).
// Vector bytes: 64 under AVX-512F, 32 under AVX, else 16. A last partial vector loads its
// columns and zeros (the zero lanes are computed and not stored).
#if defined(__AVX512F__)
inline constexpr std::size_t gemm_vector_bytes = 64;
#elif defined(__AVX__)
inline constexpr std::size_t gemm_vector_bytes = 32;
#else
inline constexpr std::size_t gemm_vector_bytes = 16;
#endif
template <class Real, class Acc>
struct gemm_vec {
  static constexpr std::size_t L = gemm_vector_bytes / sizeof(Acc);  // lanes
  typedef Acc vacc __attribute__((vector_size(gemm_vector_bytes)));
  typedef Real vreal __attribute__((vector_size(L * sizeof(Real))));
  static vacc load(const Real* p, std::size_t n) {  // n <= L values, zeros after them
    vreal r;
    if (n == L) {
      std::memcpy(&r, p, sizeof r);
    } else {
      r = vreal{};
      for (std::size_t l = 0; l < n; ++l) r[l] = p[l];
    }
    if constexpr (std::is_same_v<Real, Acc>) return r;
    else return __builtin_convertvector(r, vacc);
  }
  // Rows a[0..3] (pointers to row starts), columns j0 .. j0 + nj (nj <= NV * L) of C.
  template <int NV>
  static void block(const Real* const a[4], const Real* B, Real* const c[4], std::size_t ni, std::size_t j0,
                    std::size_t nj, std::size_t N, std::size_t K, bool /*skip_zero*/) {
    vacc acc[4][NV];
    for (int r = 0; r < 4; ++r)
      for (int v = 0; v < NV; ++v) acc[r][v] = vacc{};
    const bool full = nj == NV * L;
    for (std::size_t k = 0; k < K; ++k) {
      // No zero skip here (skip_zero is the caller's licence, unused): the zero tests of
      // ReLU activations mispredict, and a zero product added changes nothing anyway.
      const Acc x0 = a[0][k], x1 = a[1][k], x2 = a[2][k], x3 = a[3][k];
      const Real* b = B + k * N + j0;
      vacc bv[NV];
      for (int v = 0; v < NV; ++v) {
        const std::size_t off = std::size_t(v) * L;
        bv[v] = full ? load(b + off, L) : load(b + off, off < nj ? std::min(L, nj - off) : 0);
      }
      for (int v = 0; v < NV; ++v) {
        acc[0][v] = acc[0][v] + x0 * bv[v];
        acc[1][v] = acc[1][v] + x1 * bv[v];
        acc[2][v] = acc[2][v] + x2 * bv[v];
        acc[3][v] = acc[3][v] + x3 * bv[v];
      }
    }
    for (std::size_t r = 0; r < ni; ++r)
      for (std::size_t j = 0; j < nj; ++j) c[r][j0 + j] = static_cast<Real>(acc[r][j / L][j % L]);
  }
};

template <class Real, class Acc>
void gemm_rows(const Real* A, const Real* B, Real* C, std::size_t i0, std::size_t i1, std::size_t N, std::size_t K,
               bool skip_zero) {
  using V = gemm_vec<Real, Acc>;
  constexpr std::size_t L = V::L;
  for (std::size_t i = i0; i < i1; i += 4) {
    const std::size_t ni = std::min<std::size_t>(4, i1 - i);
    // Rows past the end repeat row i (computed, not stored).
    const Real* a[4] = {A + i * K, A + (i + (ni > 1 ? 1 : 0)) * K, A + (i + (ni > 2 ? 2 : 0)) * K,
                        A + (i + (ni > 3 ? 3 : 0)) * K};
    Real* c[4] = {C + i * N, C + (i + (ni > 1 ? 1 : 0)) * N, C + (i + (ni > 2 ? 2 : 0)) * N,
                  C + (i + (ni > 3 ? 3 : 0)) * N};
    std::size_t j0 = 0;
    for (; j0 + 2 * L <= N; j0 += 2 * L) V::template block<2>(a, B, c, ni, j0, 2 * L, N, K, skip_zero);
    if (j0 < N) V::template block<1>(a, B, c, ni, j0, std::min(L, N - j0), N, K, skip_zero), j0 += L;
    if (j0 < N) V::template block<1>(a, B, c, ni, j0, N - j0, N, K, skip_zero);
  }
}

// Bits a matrix of floats spans: top = max exponent + 1 of |x|, lsb = min exponent of a last
// set significand bit (over the non-zero values). False if a value is not finite.
struct span_bits {
  int top = -100000, lsb = 100000;
  bool any = false;
};
inline bool float_span(const float* x, std::size_t n, span_bits& s) {
  for (std::size_t i = 0; i < n; ++i) {
    std::uint32_t b;
    std::memcpy(&b, &x[i], 4);
    const std::uint32_t field = (b >> 23) & 0xFFu, frac = b & 0x7FFFFFu;
    if (field == 0xFFu) return false;
    if (field == 0 && frac == 0) continue;
    const std::uint32_t sig = field ? (frac | 0x800000u) : frac;
    const int e0 = field ? static_cast<int>(field) - 150 : -149;  // exponent of significand bit 0
    const int lsb = e0 + __builtin_ctz(sig);
    const int top = e0 + 32 - __builtin_clz(sig);
    s.top = std::max(s.top, top);
    s.lsb = std::min(s.lsb, lsb);
    s.any = true;
  }
  return true;
}
// Every partial sum of K products of A and B values exact in double? And in float (then the
// float kernel, one rounding per step, makes no rounding at all: the same bits again)?
struct exactness {
  bool in_double = false, in_float = false;
};
inline exactness exact_in(const float* A, std::size_t na, const float* B, std::size_t nb, std::size_t K) {
  span_bits a, b;
  if (!float_span(A, na, a) || !float_span(B, nb, b)) return {};
  if (!a.any || !b.any) return {true, true};  // all products zero
  int log2k = 0;
  while ((std::size_t{1} << log2k) < K) ++log2k;
  const int bits = (a.top - a.lsb) + (b.top - b.lsb) + log2k + 1;
  // Quanta of products: 2^(lsb_A + lsb_B) (float: not below its subnormal quantum 2^-149);
  // sums below 2^(top_A + top_B + log2 K + 1) (float: below 2^128).
  const bool float_range = a.lsb + b.lsb >= -149 && a.top + b.top + log2k + 1 <= 127;
  return {bits <= 53, bits <= 24 && float_range};
}
inline bool exact_fits(const float* A, std::size_t na, const float* B, std::size_t nb, std::size_t K) {
  return exact_in(A, na, B, nb, K).in_double;
}

template <class Real>
void gemm_fast(acc_kind kind, const Real* A, const Real* B, Real* C, std::size_t M, std::size_t N, std::size_t K) {
  const bool skip = all_finite(B, K * N);
  const std::size_t blocks = (M + 3) / 4;
  // Blocks of 4 rows, grouped so that a task holds at least ~2^16 multiply-adds.
  const std::size_t per = std::max<std::size_t>(1, (std::size_t{1} << 16) / std::max<std::size_t>(1, 4 * N * K));
  const std::size_t tasks = (blocks + per - 1) / per;
  parallel_for(tasks, [&](std::size_t t) {
    const std::size_t i0 = t * per * 4, i1 = std::min(M, (t + 1) * per * 4);
    if (std::is_same_v<Real, double> || kind == acc_kind::fp32) gemm_rows<Real, Real>(A, B, C, i0, i1, N, K, skip);
    else gemm_rows<Real, double>(A, B, C, i0, i1, N, K, skip);
  });
}

// C (M x N) = A (M x K) B (K x N): see the top of the file. Double: plain double arithmetic
// (the gradient tests; no tensor back end).
void gemm(acc_kind kind, const float* A, const float* B, float* C, std::size_t M, std::size_t N, std::size_t K);
inline void gemm(acc_kind kind, const double* A, const double* B, double* C, std::size_t M, std::size_t N, std::size_t K) {
  gemm_fast<double>(kind, A, B, C, M, N, K);
}

// im2col of image x (c x h x w): col[(c, r, s)][(p, q)] (K x P), zeros in the padding.
// Stride 1: each output row is a run of zeros, a copied run of x's row and zeros.
template <class Real>
void im2col(const Real* x, const conv_shape& s, Real* col) {
  const std::size_t oh = s.out_h(), ow = s.out_w(), P = oh * ow;
  for (std::size_t c = 0; c < s.c; ++c)
    for (std::size_t r = 0; r < s.kh; ++r)
      for (std::size_t q = 0; q < s.kw; ++q) {
        Real* dst = col + ((c * s.kh + r) * s.kw + q) * P;
        for (std::size_t y = 0; y < oh; ++y) {
          Real* row = dst + y * ow;
          const long iy = static_cast<long>(y * s.stride + r) - static_cast<long>(s.pad);
          if (iy < 0 || iy >= static_cast<long>(s.h)) {
            std::fill(row, row + ow, Real(0));
            continue;
          }
          const Real* xr = x + (c * s.h + static_cast<std::size_t>(iy)) * s.w;
          if (s.stride == 1) {  // ix = xo + q - pad in [0, w): xo in [lo, hi)
            const long off = static_cast<long>(q) - static_cast<long>(s.pad);
            const long lo = std::min(static_cast<long>(ow), std::max(0L, -off));
            const long hi = std::max(lo, std::min(static_cast<long>(ow), static_cast<long>(s.w) - off));
            std::fill(row, row + lo, Real(0));
            std::copy(xr + lo + off, xr + hi + off, row + lo);
            std::fill(row + hi, row + ow, Real(0));
            continue;
          }
          for (std::size_t xo = 0; xo < ow; ++xo) {
            const long ix = static_cast<long>(xo * s.stride + q) - static_cast<long>(s.pad);
            row[xo] = (ix < 0 || ix >= static_cast<long>(s.w)) ? Real(0) : xr[ix];
          }
        }
      }
}

// The transpose of im2col, written directly: row (p, q) of P x K holds that output pixel's
// taps in the order k = (c, r, s) (the B operand of backward weights).
template <class Real>
void im2row(const Real* x, const conv_shape& s, Real* rows, std::size_t row_stride) {
  const std::size_t oh = s.out_h(), ow = s.out_w();
  for (std::size_t y = 0; y < oh; ++y)
    for (std::size_t xo = 0; xo < ow; ++xo) {
      Real* dst = rows + (y * ow + xo) * row_stride;
      for (std::size_t c = 0; c < s.c; ++c)
        for (std::size_t r = 0; r < s.kh; ++r) {
          Real* d = dst + (c * s.kh + r) * s.kw;
          const long iy = static_cast<long>(y * s.stride + r) - static_cast<long>(s.pad);
          if (iy < 0 || iy >= static_cast<long>(s.h)) {
            std::fill(d, d + s.kw, Real(0));
            continue;
          }
          const Real* xr = x + (c * s.h + static_cast<std::size_t>(iy)) * s.w;
          for (std::size_t q = 0; q < s.kw; ++q) {
            const long ix = static_cast<long>(xo * s.stride + q) - static_cast<long>(s.pad);
            d[q] = (ix < 0 || ix >= static_cast<long>(s.w)) ? Real(0) : xr[ix];
          }
        }
    }
}

// The operand matrices of the three passes, for the k orders of the tensor API:
// backward data of image n: A = wd (C x O*KH*KW), wd[c][(o, r, s)] = w(o, c, r, s);
// B = dcol ((O*KH*KW) x (H*W)), dcol[(o, r, s)][(h, v)] = dy(o, (h + pad - r)/stride, ...) or 0.
template <class Real>
void weights_for_data(const Real* w, const conv_shape& s, Real* wd) {
  const std::size_t KHW = s.kh * s.kw, K = s.oc * KHW;
  for (std::size_t o = 0; o < s.oc; ++o)
    for (std::size_t c = 0; c < s.c; ++c)
      for (std::size_t t = 0; t < KHW; ++t) wd[c * K + o * KHW + t] = w[(o * s.c + c) * KHW + t];
}
template <class Real>
void dy2col(const Real* dy, const conv_shape& s, Real* dcol) {
  const std::size_t OH = s.out_h(), OW = s.out_w(), HW = s.h * s.w;
  const long st = static_cast<long>(s.stride);
  for (std::size_t o = 0; o < s.oc; ++o)
    for (std::size_t r = 0; r < s.kh; ++r)
      for (std::size_t t = 0; t < s.kw; ++t) {
        Real* dst = dcol + ((o * s.kh + r) * s.kw + t) * HW;
        for (std::size_t h = 0; h < s.h; ++h) {
          Real* row = dst + h * s.w;
          const long ph = static_cast<long>(h + s.pad) - static_cast<long>(r);
          if (ph < 0 || ph % st != 0 || static_cast<std::size_t>(ph / st) >= OH) {
            std::fill(row, row + s.w, Real(0));
            continue;
          }
          const Real* src = dy + (o * OH + static_cast<std::size_t>(ph / st)) * OW;
          if (st == 1) {  // v + pad - t in [0, OW): v in [t - pad, t - pad + OW)
            const long lo = std::max(0L, static_cast<long>(t) - static_cast<long>(s.pad));
            const long hi = std::min(static_cast<long>(s.w), static_cast<long>(t) - static_cast<long>(s.pad) + static_cast<long>(OW));
            const long l = std::min(lo, static_cast<long>(s.w)), u = std::max(l, hi);
            std::fill(row, row + l, Real(0));
            std::copy(src + l + static_cast<long>(s.pad) - static_cast<long>(t),
                      src + u + static_cast<long>(s.pad) - static_cast<long>(t), row + l);
            std::fill(row + u, row + s.w, Real(0));
            continue;
          }
          for (std::size_t v = 0; v < s.w; ++v) {
            const long pw = static_cast<long>(v + s.pad) - static_cast<long>(t);
            Real val = 0;
            if (pw >= 0 && pw % st == 0 && static_cast<std::size_t>(pw / st) < OW) val = src[pw / st];
            row[v] = val;
          }
        }
      }
}

// A per-thread scratch buffer (conv passes run per image on several threads).
template <class Real>
Real* scratch(std::size_t n, int which) {
  thread_local std::vector<Real> buf[3];
  if (buf[which].size() < n) buf[which].resize(n);
  return buf[which].data();
}

template <class Real>
void conv_forward_fast(acc_kind kind, const conv_shape& s, const Real* x, const Real* w, Real* y) {
  const std::size_t K = s.k(), P = s.out_h() * s.out_w();
  // Threads over images; each image's GEMM runs on one thread. The columns hold x's values
  // and zeros: x finite makes them finite.
  const bool skip = all_finite(x, s.n * s.in_size());
  parallel_for(s.n, [&](std::size_t n) {
    Real* col = scratch<Real>(K * P, 0);
    im2col(x + n * s.in_size(), s, col);
    if (std::is_same_v<Real, double> || kind == acc_kind::fp32)
      gemm_rows<Real, Real>(w, col, y + n * s.out_size(), 0, s.oc, P, K, skip);
    else
      gemm_rows<Real, double>(w, col, y + n * s.out_size(), 0, s.oc, P, K, skip);
  });
}
template <class Real>
void conv_backward_data_fast(acc_kind kind, const conv_shape& s, const Real* dy, const Real* w, Real* dx) {
  const std::size_t K = s.oc * s.kh * s.kw, HW = s.h * s.w;
  std::vector<Real> wd(s.c * K);
  weights_for_data(w, s, wd.data());
  const bool skip = all_finite(dy, s.n * s.out_size());
  parallel_for(s.n, [&](std::size_t n) {
    Real* dcol = scratch<Real>(K * HW, 0);
    dy2col(dy + n * s.out_size(), s, dcol);
    if (std::is_same_v<Real, double> || kind == acc_kind::fp32)
      gemm_rows<Real, Real>(wd.data(), dcol, dx + n * s.in_size(), 0, s.c, HW, K, skip);
    else
      gemm_rows<Real, double>(wd.data(), dcol, dx + n * s.in_size(), 0, s.c, HW, K, skip);
  });
}
// dw (O x K) = A (O x N*P) B (N*P x K): A[o][(n, pq)] = dy(n, o, pq), B[(n, pq)][k] = col_n[k][pq].
template <class Real>
void conv_backward_weights_fast(acc_kind kind, const conv_shape& s, const Real* x, const Real* dy, Real* dw) {
  const std::size_t K = s.k(), P = s.out_h() * s.out_w(), NP = s.n * P;
  Real* a = scratch<Real>(s.oc * NP, 1);  // the caller's buffers 1 and 2
  Real* b = scratch<Real>(NP * K, 2);
  parallel_for(s.n, [&](std::size_t n) {
    im2row(x + n * s.in_size(), s, b + n * P * K, K);
    for (std::size_t o = 0; o < s.oc; ++o)
      std::copy_n(dy + n * s.out_size() + o * P, P, a + o * NP + n * P);
  });
  gemm_fast<Real>(kind, a, b, dw, s.oc, K, NP);
}

void conv_forward(acc_kind kind, const conv_shape& s, const float* x, const float* w, float* y);
void conv_backward_data(acc_kind kind, const conv_shape& s, const float* dy, const float* w, float* dx);
void conv_backward_weights(acc_kind kind, const conv_shape& s, const float* x, const float* dy, float* dw);
inline void conv_forward(acc_kind k, const conv_shape& s, const double* x, const double* w, double* y) {
  conv_forward_fast<double>(k, s, x, w, y);
}
inline void conv_backward_data(acc_kind k, const conv_shape& s, const double* dy, const double* w, double* dx) {
  conv_backward_data_fast<double>(k, s, dy, w, dx);
}
inline void conv_backward_weights(acc_kind k, const conv_shape& s, const double* x, const double* dy, double* dw) {
  conv_backward_weights_fast<double>(k, s, x, dy, dw);
}

// The tensor API's calls (backend::tensor, and the fast back end's fallback).
void gemm_tensor(acc_kind kind, const float* A, const float* B, float* C, std::size_t M, std::size_t N, std::size_t K);
void conv_tensor(int pass, acc_kind kind, const conv_shape& s, const float* in1, const float* in2, float* out);

}  // namespace flacc::tops
