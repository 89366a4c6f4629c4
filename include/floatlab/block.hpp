// floatlab/block.hpp: block fixed point / block floating point over arrays of float.
//
// A block of values shares one power-of-two scale 2^s; each value is stored as a
// WL-bit two's-complement integer q, meaning q * 2^s. With one block per tensor this is
// the dynamic fixed point of MuPPET (Rajagopal, Vink, Venieris, Bouganis, "Multi-precision
// policy enforced training", ICML 2020); with small blocks of consecutive values it is
// block floating point. Blocks: B consecutive elements, the rows or the columns of a
// row-major matrix, or the whole array (block_shape).
//
// Scale rule (docs/blocks.md): s is the SMALLEST integer with
//     ceil(max|x| / 2^s) <= 2^(WL-1) - 1,
// so no element can overflow in any rounding mode and the grid is as fine as that allows.
// With e = floor(log2 max|x|) this is s = e - (WL - 2), or s = e - (WL - 3) when max|x|
// lies within 2^s of 2^(e+1) (its magnitude would round up past the largest code).
// An exact power of two max|x| = 2^e gives s = e - (WL - 2) and the code 2^(WL-2).
// An all-zero block gets s = 0 and zero codes. A block holding NaN or +-inf gets
// s = block_nan_exponent, zero codes, and dequantizes to NaN; quantize reports
// status::invalid (other blocks are still converted).
//
// Integer dot products and GEMMs accumulate the exact products in a wide integer (or in a
// given accumulator width with an overflow policy, as MuPPET's 32-bit accumulators) and
// round once, through round_pack, to float.
//
// No heap: callers own every array; sizes are checked and reported, never overrun.
#pragma once

#include <cstddef>
#include <limits>

#include "config.hpp"
#include "detail/call_args.hpp"
#include "detail/ieee_bits.hpp"
#include "format.hpp"
#include "random.hpp"
#include "rounding.hpp"
#include "status.hpp"
#include "view.hpp"

namespace floatlab {


enum class block_kind { consecutive, rows, columns, tensor };

struct block_shape {
  block_kind kind = block_kind::tensor;
  std::size_t rows = 0, cols = 0, length = 0;
  // Blocks of B consecutive elements; the last block may be shorter.
  FLOATLAB_HOST_DEVICE static constexpr block_shape consecutive(std::size_t b) noexcept {
    return {block_kind::consecutive, 0, 0, b};
  }
  // One block per row / per column of a row-major rows x cols matrix.
  FLOATLAB_HOST_DEVICE static constexpr block_shape by_rows(std::size_t r, std::size_t c) noexcept {
    return {block_kind::rows, r, c, 0};
  }
  FLOATLAB_HOST_DEVICE static constexpr block_shape by_columns(std::size_t r, std::size_t c) noexcept {
    return {block_kind::columns, r, c, 0};
  }
  FLOATLAB_HOST_DEVICE static constexpr block_shape whole() noexcept { return {block_kind::tensor, 0, 0, 0}; }

  FLOATLAB_HOST_DEVICE constexpr bool valid_for(std::size_t n) const noexcept {
    switch (kind) {
      case block_kind::consecutive: return length > 0;
      case block_kind::rows:
      case block_kind::columns: return rows * cols == n;
      default: return true;
    }
  }
  FLOATLAB_HOST_DEVICE constexpr std::size_t count(std::size_t n) const noexcept {
    switch (kind) {
      case block_kind::consecutive: return length ? (n + length - 1) / length : 0;
      case block_kind::rows: return rows;
      case block_kind::columns: return cols;
      default: return 1;
    }
  }
  // Block of element i (row-major).
  FLOATLAB_HOST_DEVICE constexpr std::size_t block_of(std::size_t i) const noexcept {
    switch (kind) {
      case block_kind::consecutive: return i / length;
      case block_kind::rows: return i / cols;
      case block_kind::columns: return i % cols;
      default: return 0;
    }
  }
};

// Exponent of a block that held NaN or inf.
inline constexpr int block_nan_exponent = std::numeric_limits<int>::min();

namespace detail {

// The scale rule of the file comment, from the bits of max|x| (finite, nonzero).
FLOATLAB_HOST_DEVICE constexpr int block_exponent(std::uint32_t max_abs_bits, int wl) noexcept {
  const int field = static_cast<int>(max_abs_bits >> 23);
  std::uint32_t sig = max_abs_bits & 0x7FFFFFu;
  int ex = -149;  // max|x| = sig * 2^ex
  if (field != 0) {
    sig |= 0x800000u;
    ex = field - 150;
  }
  const int top = msb(sig);
  const int s0 = top + ex - (wl - 2);
  const int j = top - (wl - 2);  // max|x| / 2^s0 = sig / 2^j
  if (j <= 0) return s0;         // an integer below 2^(wl-1): fits
  const std::uint64_t ceil_q = (std::uint64_t{sig} + (std::uint64_t{1} << j) - 1) >> j;
  return ceil_q <= (std::uint64_t{1} << (wl - 1)) - 1 ? s0 : s0 + 1;
}

// The exact path for one element: x * 2^-s rounded in Mode (the reference for the fast
// paths below; also the path of the modes that have no fast path).
template <class Mode>
FLOATLAB_HOST_DEVICE constexpr std::int64_t quantize_exact(float x, int s, std::uint32_t word) noexcept {
  const float_parts f = split_float(x);
  // x / 2^s = sig * 2^(ex - s); the scale rule guarantees no overflow in 64 bits.
  return round_to_integer<64, Mode, overflow::saturate>(f.negative, f.sig, s - f.exp, false, word).raw;
}

// Fast-path rounding of len elements, all with 2^-s = mul: y = x * 2^-s is exact in double
// (a 24-bit x times a power of two well inside double's range), and the rounding of y uses
// exact double operations. test_block checks them bit for bit against quantize_exact.
template <class Real>
FLOATLAB_HOST_DEVICE constexpr Real mul_at(Real m, std::size_t) noexcept { return m; }
template <class Real>
FLOATLAB_HOST_DEVICE constexpr Real mul_at(const Real* m, std::size_t i) noexcept { return m[i]; }

// Fast-path rounding of len elements, x * 2^-s with 2^-s = mul (one per run, or one per
// element), in Real arithmetic:
//  - double: y = x * 2^-s is exact (a 24-bit x times a power of two far inside double's range);
//  - float (codes of at most 16 bits and s >= -127): y is exact unless |y| < 2^-126, and
//    then every fast mode gives 0 either way (nearest: |y| < 1/2; stochastic<R <= 32>: the
//    first R bits of the fraction are 0).
// The rounding of y uses exact operations: RNE by adding and subtracting 1.5 * 2^(digits-1)
// (|y| < 2^15 resp. 2^31 is far below that), stochastic by truncations of exactly scaled
// values. test_block checks these paths bit for bit against quantize_exact.
template <class Mode, class Real, class Int, class Mul>
FLOATLAB_HOST_DEVICE void quantize_run(const float* src, Int* dst, std::size_t len, Mul mul,
                                       const std::uint32_t* words) noexcept {
  constexpr bool is_float = std::is_same_v<Real, float>;
  using I = std::conditional_t<is_float, std::int32_t, std::int64_t>;  // holds |y| < 2^31
  if constexpr (std::is_same_v<Mode, round::nearest_even>) {
    (void)words;
    constexpr Real magic = is_float ? Real(0x1.8p23f) : Real(0x1.8p52);
    for (std::size_t i = 0; i < len; ++i) {
      const Real y = static_cast<Real>(src[i]) * mul_at(mul, i);
      dst[i] = static_cast<Int>(static_cast<I>((y + magic) - magic));
    }
  } else {
    constexpr int R = Mode::bits;
    constexpr Real two_r = static_cast<Real>(std::uint64_t{1} << R);
    for (std::size_t i = 0; i < len; ++i) {
      const Real y = static_cast<Real>(src[i]) * mul_at(mul, i);
      const Real a = y < 0 ? -y : y;
      const auto whole = static_cast<I>(a);  // trunc, exact
      // f: the first R bits of the fraction, exact (a power-of-two scaling, then trunc).
      // 32-bit lanes for R < 32 (twice the SIMD width of 64-bit ones): stochastic_carry's U.
      using U = std::conditional_t<(R < 32), std::uint32_t, std::uint64_t>;
      using S = std::conditional_t<(R < 32), std::int32_t, std::int64_t>;
      const auto f = static_cast<U>(static_cast<S>((a - static_cast<Real>(whole)) * two_r));
      const I q = static_cast<I>(whole + static_cast<I>(stochastic_carry<R>(f, words[i])));
      const I neg = -static_cast<I>(y < 0);  // all ones or zero: branch-free sign
      dst[i] = static_cast<Int>((q ^ neg) - neg);
    }
  }
}

}  // namespace detail


// ---- quantize -------------------------------------------------------------------------
// in -> codes (out) and one exponent per block, with WL-bit codes in Int (int8_t, int16_t,
// int32_t). Stochastic modes draw one word per element from rng, in element order.
template <class Int, class... Args>
status block_quantize(array_view<const float> in, array_view<Int> out, array_view<int> exponents, block_shape shape,
                      int word_length, Args&&... args) noexcept {
  static_assert(std::is_integral_v<Int> && std::is_signed_v<Int> && sizeof(Int) <= 4,
                "block_quantize: element type Int must be int8_t, int16_t or int32_t");
  using Mode = detail::mode_of_t<round::nearest_even, Args...>;
  detail::check_call_args<Mode, Args...>();
  auto&& rng = detail::source_of(static_cast<Args&&>(args)...);
  const std::size_t n = in.size;
  // FLOATLAB_UNLIKELY: the rejections must not make GCC think the code loops below are cold
  // (then they do not vectorize where block_quantize is called once; see config.hpp).
  if (FLOATLAB_UNLIKELY(word_length < 2 || word_length > static_cast<int>(sizeof(Int) * 8)))
    return status::error(status::bad_argument, "block_quantize: word_length must be in 2..bits of Int");
  if (FLOATLAB_UNLIKELY(!shape.valid_for(n)))
    return status::error(status::bad_shape, "block_quantize: block shape does not fit the input");
  if (FLOATLAB_UNLIKELY(out.size != n)) return status::error(status::bad_shape, "block_quantize: out must have in.size elements");
  const std::size_t nb = shape.count(n);
  if (FLOATLAB_UNLIKELY(exponents.size < nb))
    return status::error(status::bad_shape, "block_quantize: too few exponents for the blocks");
  if (FLOATLAB_UNLIKELY(overlaps(in, out) || overlaps(in, exponents) || overlaps(out, exponents)))
    return status::error(status::bad_argument, "block_quantize: in, out and exponents must not overlap");

  // 1. max |x| per block, compared as magnitude bits (monotone for finite values;
  //    inf and NaN bits are larger than every finite one). Exponents hold the bits meanwhile.
  for (std::size_t k = 0; k < nb; ++k) exponents[k] = 0;
  if (shape.kind == block_kind::consecutive || shape.kind == block_kind::tensor) {
    const std::size_t len = shape.kind == block_kind::tensor ? n : shape.length;
    for (std::size_t k = 0; k < nb; ++k) {
      std::uint32_t m = 0;
      const std::size_t end = (k + 1) * len < n ? (k + 1) * len : n;
      for (std::size_t i = k * len; i < end; ++i) {
        const std::uint32_t a = detail::abs_bits(in[i]);
        m = a > m ? a : m;
      }
      exponents[k] = static_cast<int>(m);
    }
  } else {
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t k = shape.block_of(i);
      const auto a = static_cast<int>(detail::abs_bits(in[i]));
      exponents[k] = a > exponents[k] ? a : exponents[k];
    }
  }
  // 2. The scale rule.
  status result;
  for (std::size_t k = 0; k < nb; ++k) {
    const auto m = static_cast<std::uint32_t>(exponents[k]);
    if (m >= 0x7F800000u) {
      exponents[k] = block_nan_exponent;
      result |= status::invalid;
    } else {
      exponents[k] = m == 0 ? 0 : detail::block_exponent(m, word_length);
    }
  }
  // 3. Codes: fast paths for nearest_even and stochastic over runs of one scale (blocks
  //    with NaN take the exact path below).
  if constexpr (std::is_same_v<Mode, round::nearest_even> || is_stochastic_v<Mode>) {
    if (result.exact()) {
      constexpr std::size_t chunk = 256;
      constexpr bool use_float = sizeof(Int) <= 2;  // see quantize_run
      std::uint32_t words[chunk];
      float mul_f[chunk];
      double mul_d[chunk];
      // Spans of up to 256 elements (one batch of random words), cut into runs that share
      // one exponent.
      for (std::size_t base = 0; base < n; base += chunk) {
        const std::size_t end = n - base < chunk ? n : base + chunk;
        if constexpr (is_stochastic_v<Mode>) detail::draw_words(rng, words, end - base);
        if ((shape.kind == block_kind::consecutive && shape.length < chunk) || shape.kind == block_kind::columns) {
          // Small blocks: one loop over the span with a 2^-s per element.
          const bool columns = shape.kind == block_kind::columns;
          int lowest = std::numeric_limits<int>::max();
          if (columns) {
            for (std::size_t j = 0; j < shape.cols && j < end - base; ++j) {
              const int e = exponents[(base + j) % shape.cols];
              lowest = e < lowest ? e : lowest;
            }
          } else {
            for (std::size_t k = base / shape.length; k <= (end - 1) / shape.length; ++k)
              lowest = exponents[k] < lowest ? exponents[k] : lowest;
          }
          // Per-element scales, filled block by block (no division per element).
          auto fill = [&](auto* mul, auto pow2_of) {
            if (columns) {
              std::size_t j = base % shape.cols;
              for (std::size_t i = base; i < end; ++i) {
                mul[i - base] = pow2_of(-exponents[j]);
                j = j + 1 == shape.cols ? 0 : j + 1;
              }
            } else {
              for (std::size_t i = base; i < end;) {
                const std::size_t k = i / shape.length;
                const std::size_t stop = (k + 1) * shape.length < end ? (k + 1) * shape.length : end;
                const auto v = pow2_of(-exponents[k]);
                for (; i < stop; ++i) mul[i - base] = v;
              }
            }
          };
          if (use_float && lowest >= -127) {
            fill(mul_f, [](int e) { return detail::pow2_float(e); });
            detail::quantize_run<Mode, float>(in.data + base, out.data + base, end - base, static_cast<const float*>(mul_f), words);
          } else {
            fill(mul_d, [](int e) { return detail::pow2_double(e); });
            detail::quantize_run<Mode, double>(in.data + base, out.data + base, end - base, static_cast<const double*>(mul_d), words);
          }
          continue;
        }
        for (std::size_t i = base; i < end;) {
          std::size_t k = 0, block_end = n;
          if (shape.kind == block_kind::consecutive) {
            k = i / shape.length;
            block_end = (k + 1) * shape.length;
          } else if (shape.kind == block_kind::rows) {
            k = i / shape.cols;
            block_end = (k + 1) * shape.cols;
          }
          const std::size_t stop = block_end < end ? block_end : end;
          const int e = exponents[k];
          if (use_float && e >= -127)
            detail::quantize_run<Mode, float>(in.data + i, out.data + i, stop - i, detail::pow2_float(-e), words + (i - base));
          else
            detail::quantize_run<Mode, double>(in.data + i, out.data + i, stop - i, detail::pow2_double(-e), words + (i - base));
          i = stop;
        }
      }
      return result;
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    const int s = exponents[shape.block_of(i)];
    const std::uint32_t w = detail::draw_word<Mode>(rng);
    out[i] = s == block_nan_exponent ? Int{0} : static_cast<Int>(detail::quantize_exact<Mode>(in[i], s, w));
  }
  return result;
}

// codes * 2^s, rounded once to float in the given mode (default nearest even; a code of a
// block at the top of the float range can overflow to inf). NaN blocks give NaN. The status reports
// rejections only (inexact results are the nature of a rounding to float).
template <class Int, class... Args>
status block_dequantize(array_view<const Int> codes, array_view<const int> exponents, block_shape shape,
                        array_view<float> out, Args&&... args) noexcept {
  using Mode = detail::mode_of_t<round::nearest_even, Args...>;
  detail::check_call_args<Mode, Args...>();
  auto&& rng = detail::source_of(static_cast<Args&&>(args)...);
  const std::size_t n = codes.size;
  if (!shape.valid_for(n)) return status::error(status::bad_shape, "block_dequantize: block shape does not fit the codes");
  if (out.size != n || exponents.size < shape.count(n))
    return status::error(status::bad_shape, "block_dequantize: out must have codes.size elements, one exponent per block");
  if (overlaps(codes, out) || overlaps(exponents, out))
    return status::error(status::bad_argument, "block_dequantize: out must not overlap codes or exponents");
  for (std::size_t k = 0; k < shape.count(n); ++k)
    if (exponents[k] != block_nan_exponent && (exponents[k] < -1000 || exponents[k] > 1000))
      return status::error(status::bad_argument, "block_dequantize: a block exponent is outside -1000..1000");
  for (std::size_t i = 0; i < n; ++i) {
    const int s = exponents[shape.block_of(i)];
    const std::uint32_t w = detail::draw_word<Mode>(rng);
    if (s == block_nan_exponent) {
      out[i] = std::numeric_limits<float>::quiet_NaN();  // NaN in, NaN out: not invalid
    } else if (std::is_same_v<Mode, round::nearest_even> && s >= -1022 && s <= 960) {
      // Fast path (rounding.hpp's table): |code| < 2^31, so code * 2^s is an exact normal
      // double (or zero), and the hardware double -> float conversion rounds it to nearest even.
      out[i] = static_cast<float>(static_cast<double>(codes[i]) * detail::pow2_double(s));
    } else {
      out[i] = detail::round_scaled_to_float<Mode>(codes[i], s, w);
    }
  }
  return status{};
}

// ---- exact integer dot products and GEMM ------------------------------------------------
// Accumulator: AccBits = 0 is exact (a 128-bit integer, enough for 2^64 products of 32-bit
// codes); AccBits in 8..64 emulates a two's-complement accumulator of that width (MuPPET:
// 32) with Overflow applied after every addition, in k order.
template <int AccBits = 0, class Overflow = overflow::saturate>
struct block_accumulator {
  static_assert(AccBits == 0 || (AccBits >= 8 && AccBits <= 64), "block_accumulator: AccBits must be 0 (exact) or 8..64");
  static_assert(is_overflow_policy_v<Overflow>, "block_accumulator: Overflow must be overflow::saturate or overflow::wrap");
  i128 value = 0;
  bool overflowed = false;
  FLOATLAB_HOST_DEVICE constexpr void add(i128 p) noexcept {
    value += p;
    if constexpr (AccBits != 0) {
      constexpr i128 hi = (static_cast<i128>(1) << (AccBits - 1)) - 1, lo = -hi - 1;
      if (value > hi || value < lo) {
        overflowed = true;
        if constexpr (std::is_same_v<Overflow, overflow::saturate>) {
          value = value > hi ? hi : lo;
        } else {
          const u128 m = static_cast<u128>(value) & ((u128{1} << AccBits) - 1);
          value = static_cast<i128>(m) - ((m >> (AccBits - 1)) ? (static_cast<i128>(1) << AccBits) : 0);
        }
      }
    }
  }
};


struct block_dot_result {
  i128 value;  // the accumulator: the dot product is value * 2^exponent
  int exponent;
  floatlab::status status;
};

// sum_k a[k] b[k] for two single-scale blocks (codes and exponents from block_quantize).
template <int AccBits = 0, class Overflow = overflow::saturate, class Int>
FLOATLAB_HOST_DEVICE block_dot_result block_dot(array_view<const Int> a, int exp_a, array_view<const Int> b,
                                                int exp_b) noexcept {
  if (a.size != b.size) return {0, 0, status::error(status::bad_shape, "block_dot: a and b differ in length")};
  if (exp_a == block_nan_exponent || exp_b == block_nan_exponent) return {0, block_nan_exponent, status{status::invalid, nullptr}};
  if constexpr (AccBits == 0 && sizeof(Int) <= 2) {
    // |a b| < 2^30: an int64 sum is exact for up to 2^33 terms; vectorizes.
    std::int64_t acc = 0;
    for (std::size_t k = 0; k < a.size; ++k) acc += static_cast<std::int32_t>(a[k]) * static_cast<std::int32_t>(b[k]);
    return {acc, exp_a + exp_b, status{}};
  } else if constexpr (AccBits != 0 && AccBits <= 48 && sizeof(Int) <= 2) {
    // A narrow accumulator in an int64: |acc| < 2^47 and |a b| <= 2^30 never overflow it;
    // the policy acts after every addition, as in the general path.
    constexpr std::int64_t hi = (std::int64_t{1} << (AccBits - 1)) - 1, lo = -hi - 1;
    std::int64_t acc = 0;
    bool over = false;
    for (std::size_t k = 0; k < a.size; ++k) {
      acc += static_cast<std::int32_t>(a[k]) * static_cast<std::int32_t>(b[k]);
      if (acc > hi || acc < lo) {
        over = true;
        if constexpr (std::is_same_v<Overflow, overflow::saturate>) {
          acc = acc > hi ? hi : lo;
        } else {
          const std::uint64_t m = static_cast<std::uint64_t>(acc) & ((std::uint64_t{1} << AccBits) - 1);
          acc = static_cast<std::int64_t>(m) - ((m >> (AccBits - 1)) ? (std::int64_t{1} << AccBits) : 0);
        }
      }
    }
    return {acc, exp_a + exp_b, status{over ? std::uint32_t{status::overflow} : 0u, nullptr}};
  } else {
    block_accumulator<AccBits, Overflow> acc;
    for (std::size_t k = 0; k < a.size; ++k) acc.add(static_cast<std::int64_t>(a[k]) * static_cast<std::int64_t>(b[k]));
    return {acc.value, exp_a + exp_b, status{acc.overflowed ? std::uint32_t{status::overflow} : 0u, nullptr}};
  }
}

// C (m x n, float, row-major) = A (m x k, row-major) x B (k x n, row-major), where A has one
// exponent per row (exps_a.size == m) or one for all (size 1), and B one per column
// (size n) or one for all. Every C[i][j] is the exact (or AccBits-wide) integer sum,
// rounded once to float in Mode; a stochastic Mode draws one word per C element in
// row-major order. The first accumulator overflow is reported, the rest still computed.
template <int AccBits = 0, class Overflow = overflow::saturate, class Int, class... Args>
status block_gemm(array_view<const Int> a, array_view<const int> exps_a, array_view<const Int> b,
                  array_view<const int> exps_b, std::size_t m, std::size_t n, std::size_t k, array_view<float> c,
                  Args&&... args) noexcept {
  using Mode = detail::mode_of_t<round::nearest_even, Args...>;
  detail::check_call_args<Mode, Args...>();
  auto&& rng = detail::source_of(static_cast<Args&&>(args)...);
  const auto fits = [](std::size_t x, std::size_t y, std::size_t size) { return (x == 0 || y <= size / x) && x * y == size; };
  if (!fits(m, k, a.size) || !fits(k, n, b.size) || !fits(m, n, c.size))
    return status::error(status::bad_shape, "block_gemm: sizes must be a = m*k, b = k*n, c = m*n");
  if (!(exps_a.size == m || exps_a.size == 1) || !(exps_b.size == n || exps_b.size == 1))
    return status::error(status::bad_shape, "block_gemm: exps_a needs m or 1 exponents, exps_b n or 1");
  if (overlaps(c, a) || overlaps(c, b) || overlaps(c, exps_a) || overlaps(c, exps_b))
    return status::error(status::bad_argument, "block_gemm: c must not overlap an input");
  status result;
  // Fast path (rounding.hpp's table): int8 codes, an exact or >= 32-bit accumulator and
  // k <= 131071: every partial sum is at most k * 2^14 < 2^31 in magnitude (|a b| <= 2^14), so no
  // accumulator saturates or wraps and int32 sums are the exact ones (in any order); the loops
  // run i, k, j over up to 256 columns of int32 accumulators (vectorized), and the rounding and
  // the words (one per element, row-major) are those of the loop below. test_block "block_gemm's
  // int8 fast path equals the accumulator loop".
  if constexpr (sizeof(Int) == 1 && (AccBits == 0 || AccBits >= 32)) {
    if (k <= 131071) {
      constexpr std::size_t tile = 256;
      std::int32_t acc[tile];
      for (std::size_t i = 0; i < m; ++i)
        for (std::size_t j0 = 0; j0 < n; j0 += tile) {  // row-major: the words stay in order
          const std::size_t nj = n - j0 < tile ? n - j0 : tile;
          for (std::size_t j = 0; j < nj; ++j) acc[j] = 0;
          // Four k per pass over the accumulators; each product of two int8 fits int16.
          std::size_t t = 0;
          for (; t + 4 <= k; t += 4) {
            const Int* b0 = b.data + t * n + j0;
            const Int *b1 = b0 + n, *b2 = b1 + n, *b3 = b2 + n;
            const std::int16_t x0 = a[i * k + t], x1 = a[i * k + t + 1], x2 = a[i * k + t + 2], x3 = a[i * k + t + 3];
            for (std::size_t j = 0; j < nj; ++j)
              acc[j] += static_cast<std::int32_t>(static_cast<std::int16_t>(x0 * b0[j])) + static_cast<std::int16_t>(x1 * b1[j]) +
                        static_cast<std::int16_t>(x2 * b2[j]) + static_cast<std::int16_t>(x3 * b3[j]);
          }
          for (; t < k; ++t) {
            const std::int16_t x = a[i * k + t];
            const Int* brow = b.data + t * n + j0;
            for (std::size_t j = 0; j < nj; ++j) acc[j] += static_cast<std::int16_t>(x * brow[j]);
          }
          for (std::size_t j = 0; j < nj; ++j) {
            const int ea = exps_a[exps_a.size == 1 ? 0 : i], eb = exps_b[exps_b.size == 1 ? 0 : j0 + j];
            const std::uint32_t w = detail::draw_word<Mode>(rng);
            if (ea == block_nan_exponent || eb == block_nan_exponent) {
              c[i * n + j0 + j] = std::numeric_limits<float>::quiet_NaN();
              result |= status::invalid;
              continue;
            }
            c[i * n + j0 + j] = detail::round_scaled_to_float<Mode>(acc[j], ea + eb, w);
          }
        }
      return result;
    }
  }
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      const int ea = exps_a[exps_a.size == 1 ? 0 : i], eb = exps_b[exps_b.size == 1 ? 0 : j];
      const std::uint32_t w = detail::draw_word<Mode>(rng);
      if (ea == block_nan_exponent || eb == block_nan_exponent) {
        c[i * n + j] = std::numeric_limits<float>::quiet_NaN();
        result |= status::invalid;
        continue;
      }
      block_accumulator<AccBits, Overflow> acc;
      for (std::size_t t = 0; t < k; ++t)
        acc.add(static_cast<std::int64_t>(a[i * k + t]) * static_cast<std::int64_t>(b[t * n + j]));
      if (acc.overflowed) result |= status::overflow;
      c[i * n + j] = detail::round_scaled_to_float<Mode>(acc.value, ea + eb, w);
    }
  return result;
}

}  // namespace floatlab
