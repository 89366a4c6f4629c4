// floatlab/tensor/mma_model.hpp: the fp32 accumulation of the NVIDIA Hopper tensor core
// (H100 / H200: mma.sync m16n8k16 and wgmma with binary16 or bfloat16 inputs and an f32
// accumulator), as a bit-exact model, so that a GEMM run on the tensor cores has a CPU
// reference and a semantics (chunked<L, sm90_mma>, gemm.hpp).
//
// The model (Khattak and Mikaitis, "Accurate Models of NVIDIA Tensor Cores", arXiv:2512.07004,
// 2025; earlier features in Fasi, Higham, Mikaitis and Pranesh, PeerJ CS 7:e330, 2021): one
// instruction computes d = c + sum of 16 products a_k * b_k as a multi-term fixed-point sum:
//   - each product is exact, its exponent the sum of the inputs' exponents (a subnormal input
//     counts with the format's minimum exponent), its significand in [0, 4) with 23 fraction
//     bits; a significand >= 2 is halved and its exponent raised (a product of two 11-bit
//     significands loses no bit); zero products take no part;
//   - c (binary32) takes part unless it is zero;
//   - all terms are aligned to the largest exponent, keeping 23 + 2 fraction bits below it,
//     plus one more when the largest product (among those of the largest exponent) was >= 2
//     and no term c has a larger exponent; bits shifted out are dropped (truncation, no sticky);
//   - the integer sum is exact; the result is truncated (round toward zero) to binary32,
//     subnormals included; a result that truncates to zero is +0.
// Checked on the H200 (this project's device machine, December 2026): 1,310,720 mma.sync
// dot products of each input format (five operand classes: wide and narrow exponents with
// cancellation, subnormal inputs and c, zero c, sums near the top of the range) equal this
// model bit for bit (tests/cuda/tensor_kernels.cu repeats the check at every run; CI checks
// the model against the H200's recorded outputs, tests/test_tensor_mma_model.cpp). The width
// is what the check pins down: one fraction bit fewer or more in the alignment fails 232,113 to
// 470,691 of the 2,621,440 cases. Special values (NaN, infinities) follow IEEE rules: NaN if
// any input is NaN, a product is inf * 0, or infinities of both signs meet; else the infinity.
// A finite sum of magnitude >= 2^128 gives the infinity of its sign (checked on the device
// with the special-value classes of tests/cuda/tensor_kernels.cu).
#pragma once

#include <cstdint>

#include "../detail/unpacked.hpp"
#include "../config.hpp"
#include "../status.hpp"

namespace floatlab::tensor {

// The accumulation of a Hopper tensor core: chunked<L, sm90_mma> (L a multiple of 16) sums
// each chunk in blocks of 16 consecutive k through the model above, the first block from c = +0,
// each next from the previous block's result; the chunk's result is rounded into Acc.
struct sm90_mma {};

namespace detail {

inline constexpr int mma_block = 16;

// d = c + sum a[t] * b[t], t < n <= 16 (unpacked inputs of one binary16 or bfloat16 format with
// FracBits fraction bits; c and d binary32 bits).
// flags (host GEMMs; null on the device): the model's IEEE flags are ORed in (the hardware
// raises none; these are the semantics of chunked<L, sm90_mma>'s status, docs/tensor.md):
// inexact when a nonzero bit is dropped (in the alignment or the final truncation), underflow
// when inexact and |d| < 2^-126, overflow (with inexact) when finite terms give an infinity,
// invalid when the NaN comes from no NaN input (inf * 0, infinities of both signs).
template <int FracBits>
FLOATLAB_HOST_DEVICE std::uint32_t sm90_mma_block(const floatlab::detail::unpacked* a,
                                                  const floatlab::detail::unpacked* b, int n, std::uint32_t c,
                                                  std::uint32_t* flags = nullptr) noexcept {
  using floatlab::detail::value_class;
  constexpr std::uint32_t nan_bits = 0x7FFFFFFFu;  // any NaN: the caller rounds it into Acc
  const std::uint32_t c_field = (c >> 23) & 0xFFu;
  const bool c_nan = c_field == 0xFFu && (c & 0x7FFFFFu) != 0, c_inf = c_field == 0xFFu && !c_nan;
  bool nan = c_nan, pos_inf = c_inf && !(c >> 31), neg_inf = c_inf && (c >> 31);
  bool nan_in = c_nan;
  std::int64_t sig[mma_block + 1];
  int ex[mma_block + 1];
  bool neg[mma_block + 1];
  int terms = 0, max_prod_exp = -100000;
  bool max_prod_wide = false;  // the largest-exponent product's significand was >= 2
  for (int t = 0; t < n; ++t) {
    const auto& x = a[t];
    const auto& y = b[t];
    if (x.cls == value_class::nan || y.cls == value_class::nan) nan = nan_in = true;
    if (x.cls == value_class::inf || y.cls == value_class::inf) {
      if (x.cls == value_class::zero || y.cls == value_class::zero)
        nan = true;
      else
        ((x.sign != y.sign) ? neg_inf : pos_inf) = true;
      continue;
    }
    if (x.cls != value_class::finite || y.cls != value_class::finite) continue;  // zero product
    // x = sx * 2^(ex), sx < 2^(FracBits+1): its exponent in the model is ex + FracBits (the
    // format's minimum exponent for a subnormal), its significand sx / 2^FracBits.
    const std::uint64_t p = x.sig * y.sig;  // < 2^(2 FracBits + 2), 2 FracBits fraction bits
    int e = x.exp + y.exp + 2 * FracBits;
    const bool wide = p >= (std::uint64_t{2} << (2 * FracBits));
    std::uint64_t s = p << (23 - 2 * FracBits);  // 23 fraction bits
    if (wide) s >>= 1;                           // exact: the low bits of p << 3 (or << 9) are zero
    if (e > max_prod_exp || (e == max_prod_exp && wide)) {
      if (e > max_prod_exp) max_prod_wide = false;
      max_prod_exp = e;
      max_prod_wide = max_prod_wide || wide;
    }
    sig[terms] = static_cast<std::int64_t>(s);
    ex[terms] = e + (wide ? 1 : 0);
    neg[terms] = x.sign != y.sign;
    ++terms;
  }
  if (nan || (pos_inf && neg_inf)) {
    if (flags && !nan_in) *flags |= status::invalid;
    return nan_bits;
  }
  if (pos_inf) return 0x7F800000u;
  if (neg_inf) return 0xFF800000u;
  const bool has_c = (c & 0x7FFFFFFFu) != 0;
  const int prods = terms;
  if (has_c) {
    const int c_exp = c_field == 0 ? -126 : static_cast<int>(c_field) - 127;
    sig[terms] = static_cast<std::int64_t>((c & 0x7FFFFFu) | (c_field ? 0x800000u : 0u));
    ex[terms] = c_exp;
    neg[terms] = (c >> 31) != 0;
    ++terms;
  }
  if (terms == 0) return c;  // no product and c = +-0: c
  const bool extra = prods > 0 && max_prod_wide && (!has_c || max_prod_exp >= ex[terms - 1]);
  const int guard = 2 + (extra ? 1 : 0);
  int max_exp = ex[0];
  for (int t = 1; t < terms; ++t) max_exp = ex[t] > max_exp ? ex[t] : max_exp;
  std::int64_t sum = 0;
  bool lost = false;
  for (int t = 0; t < terms; ++t) {
    const int shift = max_exp - ex[t];
    const std::int64_t aligned = shift > 40 ? 0 : ((sig[t] << guard) >> shift);
    lost = lost || (shift > 40 ? sig[t] != 0 : (aligned << shift) != (sig[t] << guard));
    sum += neg[t] ? -aligned : aligned;
  }
  auto report = [&](std::uint32_t d) {
    if (flags && lost)
      *flags |=
          std::uint32_t{status::inexact} | ((d & 0x7FFFFFFFu) < 0x00800000u ? std::uint32_t{status::underflow} : 0u);
    return d;
  };
  if (sum == 0) return report(0);
  const bool negative = sum < 0;
  std::uint64_t u = static_cast<std::uint64_t>(negative ? -sum : sum);
  int lsb = max_exp - 23 - guard;  // value = u * 2^lsb
  int top = 63;
  while (!((u >> top) & 1u)) --top;
  const int value_exp = top + lsb;
  int keep = value_exp - 23;  // the last place kept: 24 bits, or 2^-149 for subnormals
  if (keep < -149) keep = -149;
  if (keep > lsb) {
    const int drop = keep - lsb;
    const std::uint64_t kept = drop > 63 ? 0 : (u >> drop);
    lost = lost || (drop > 63 ? u != 0 : (kept << drop) != u);
    u = kept;
    lsb = keep;
  }
  if (u == 0) return report(0);
  const std::uint32_t sign = negative ? 0x80000000u : 0u;
  if (value_exp >= 128) {
    if (flags) *flags |= std::uint32_t{status::overflow} | status::inexact;
    return sign | 0x7F800000u;
  }
  // u < 2^24 now, value u * 2^lsb: encode.
  int top2 = 23;
  while (top2 > 0 && !((u >> top2) & 1u)) --top2;
  const int e2 = top2 + lsb;
  if (e2 < -126) return report(sign | static_cast<std::uint32_t>(u << (lsb + 149)));  // subnormal: lsb = -149
  const std::uint32_t frac = static_cast<std::uint32_t>((u << (23 - top2)) & 0x7FFFFFu);
  return report(sign | (static_cast<std::uint32_t>(e2 + 127) << 23) | frac);
}

}  // namespace detail
}  // namespace floatlab::tensor
