// tools/accuracy/ops.hpp: THE adapter through which the tool calls GEMM, convolution and
// quantization in chosen formats. Plain loops over floatlab's scalar operations, with the
// semantics of design.md ("GEMM and convolution semantics"):
//   C = A x B: inputs rounded to the input format (to nearest even: the data as the format
//   holds it); each product rounded to the product format and each addition to the
//   accumulation format, in their modes; the sum runs over k = 0..K-1 in order from zero.
//   fma = true rounds once per step instead (exact product). Convolution (NCHW, stride,
//   padding) is the GEMM of its im2col matrix with k ordered (channel, kernel row, column).
// Random words: element e = i*n + j draws philox_word(seed_e, k, 1) for its k-th product
// and philox_word(seed_e, k, 0) for its k-th addition, seed_e = element_seed(seed, e); so
// with one format for inputs, products and sums the result is scalar_format::dot on the
// row and the column (used as the fast path; tests/test_accuracy_sweep.cpp checks both agree
// bit for bit).
// The training's FP32 and exact GEMMs and convolutions go through tensor_ops.hpp (the tensor
// API's semantics). These loops stay for what the tensor API cannot take at run time: formats
// chosen by name (the sweep, and train's --gemm PROD:ACC), whose recipes the API wants as
// compile-time types (one instantiation per format pair and mode).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <floatlab/random.hpp>

#include "formats.hpp"

namespace flacc::ops {

struct gemm_formats {
  const scalar_format* in = nullptr;
  const scalar_format* prod = nullptr;
  const scalar_format* acc = nullptr;
  mode_spec prod_mode, acc_mode;
  bool fma = false;  // one rounding per step into acc (prod ignored)
};

inline std::uint64_t element_seed(std::uint64_t seed, std::uint64_t e) {
  return seed ^ (0x9E3779B97F4A7C15ull * (e + 1));
}

// C (m x n) = A (m x k) B (k x n), row-major.
inline void gemm(const double* A, const double* B, double* C, std::size_t m, std::size_t n, std::size_t k,
                 const gemm_formats& f, std::uint64_t seed) {
  const bool one_format = f.in == f.prod && f.prod == f.acc && !f.fma && f.prod_mode.kind == f.acc_mode.kind &&
                          f.prod_mode.bits == f.acc_mode.bits;
  std::vector<double> col(k), a(k), b(k);
  scalar_format::terms t;
  const std::vector<std::size_t> cut{k};
  const mode_spec nearest{};
  for (std::size_t j = 0; j < n; ++j) {
    for (std::size_t kk = 0; kk < k; ++kk) col[kk] = B[kk * n + j];
    for (std::size_t i = 0; i < m; ++i) {
      const std::uint64_t se = element_seed(seed, i * n + j);
      const double* row = A + i * k;
      if (one_format) {
        f.acc->dot(row, col.data(), k, f.acc_mode, se, cut, t);
        C[i * n + j] = t[0] + t[1] + t[2] + t[3];  // expansions: the leading terms
        continue;
      }
      double s = f.acc->quantize(0.0, nearest, 0);
      for (std::size_t kk = 0; kk < k; ++kk) {
        const double x = f.in->quantize(row[kk], nearest, 0), y = f.in->quantize(col[kk], nearest, 0);
        const std::uint32_t wp = floatlab::philox_word(se, kk, 1), wa = floatlab::philox_word(se, kk, 0);
        if (f.fma) {
          s = f.acc->fma(f.acc->quantize(x, nearest, 0), f.acc->quantize(y, nearest, 0), s, f.acc_mode, wa);
        } else {
          const double p = f.prod->mul(f.prod->quantize(x, nearest, 0), f.prod->quantize(y, nearest, 0), f.prod_mode, wp);
          s = f.acc->add(s, f.acc->quantize(p, nearest, 0), f.acc_mode, wa);
        }
      }
      C[i * n + j] = s;
    }
  }
}

struct conv_shape {
  std::size_t cin = 1, h = 8, w = 8, cout = 1, kh = 3, kw = 3, stride = 1, pad = 1;
  std::size_t out_h() const { return (h + 2 * pad - kh) / stride + 1; }
  std::size_t out_w() const { return (w + 2 * pad - kw) / stride + 1; }
  std::size_t k() const { return cin * kh * kw; }
};

// im2col of one image (cin x h x w): rows k = (c, r, s), columns output pixels.
template <class T>
void im2col(const T* x, const conv_shape& s, T* col) {
  const std::size_t oh = s.out_h(), ow = s.out_w(), P = oh * ow;
  for (std::size_t c = 0; c < s.cin; ++c)
    for (std::size_t r = 0; r < s.kh; ++r)
      for (std::size_t q = 0; q < s.kw; ++q) {
        T* dst = col + ((c * s.kh + r) * s.kw + q) * P;
        for (std::size_t y = 0; y < oh; ++y)
          for (std::size_t xo = 0; xo < ow; ++xo) {
            const long iy = static_cast<long>(y * s.stride + r) - static_cast<long>(s.pad);
            const long ix = static_cast<long>(xo * s.stride + q) - static_cast<long>(s.pad);
            dst[y * ow + xo] = (iy < 0 || ix < 0 || iy >= static_cast<long>(s.h) || ix >= static_cast<long>(s.w))
                                   ? T(0)
                                   : x[(c * s.h + static_cast<std::size_t>(iy)) * s.w + static_cast<std::size_t>(ix)];
          }
      }
}

// out (cout x oh x ow) = conv(x (cin x h x w), weights (cout x cin x kh x kw)).
inline void conv2d(const double* x, const double* weights, double* out, const conv_shape& s, const gemm_formats& f,
                   std::uint64_t seed) {
  std::vector<double> col(s.k() * s.out_h() * s.out_w());
  im2col(x, s, col.data());
  gemm(weights, col.data(), out, s.cout, s.out_h() * s.out_w(), s.k(), f, seed);
}

// Quantize n floats in place to a format (scalar: element i draws philox_word(seed, i,
// stream); block formats: their block rule, words of philox_rng(seed, stream)).
inline bool quantize(float* x, std::size_t n, const any_format& f, const mode_spec& m, std::uint64_t seed,
                     std::uint32_t stream) {
  if (f.block) return f.block->quantize(x, n, m, seed, stream);
  return f.scalar->quantize_floats(x, n, m, seed, stream);
}

}  // namespace flacc::ops
