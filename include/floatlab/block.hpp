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
// block_status::non_finite (other blocks are still converted).
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
#include "fixed.hpp"
#include "format.hpp"
#include "random.hpp"
#include "rounding.hpp"
#include "status.hpp"
#include "view.hpp"

namespace floatlab {

enum class block_status {
  ok = 0,
  size_mismatch,         // input and output lengths differ, or too few exponents
  bad_shape,             // rows * cols != size, or a zero block length
  bad_word_length,       // WL outside 2..bits of the element type
  non_finite,            // a block held NaN or inf (its exponent is block_nan_exponent)
  accumulator_overflow,  // a fixed-width accumulator saturated or wrapped
  bad_exponent,          // a block exponent outside -1000..1000 (dequantize)
};

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

FLOATLAB_HOST_DEVICE constexpr std::uint32_t abs_bits(float x) noexcept { return bit_cast<std::uint32_t>(x) & 0x7FFFFFFFu; }

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
  return round_to_int<64, Mode, overflow::saturate>(f.negative, f.sig, s - f.exp, false, word).raw;
}

// 2^e as a double for any e in -1022..1023 (exact).
FLOATLAB_HOST_DEVICE constexpr double exp2i(int e) noexcept { return exact_pow2(e); }

// Round-to-nearest-even of |y| < 2^51 in double arithmetic: adding 1.5 * 2^52 pushes the
// fraction bits out under the default rounding (nearest even); subtracting restores y.
FLOATLAB_HOST_DEVICE constexpr double rint_ne(double y) noexcept {
  constexpr double magic = 0x1.8p52;
  return (y + magic) - magic;
}

// Does the random source offer fill(uint32_t*, size_t) (bulk generation)?
template <class Rng, class = void>
struct has_fill : std::false_type {};
template <class Rng>
struct has_fill<Rng, std::void_t<decltype(std::declval<Rng&>().fill(static_cast<std::uint32_t*>(nullptr), std::size_t{0}))>>
    : std::true_type {};

// The next n words of a source, in order.
template <class Rng>
FLOATLAB_HOST_DEVICE void draw_words(Rng& rng, std::uint32_t* out, std::size_t n) noexcept {
  if constexpr (has_fill<std::remove_reference_t<Rng>>::value)
    rng.fill(out, n);
  else
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint32_t>(rng());
}

// Fast-path rounding of len elements, all with 2^-s = mul: y = x * 2^-s is exact in double
// (a 24-bit x times a power of two well inside double's range), and the rounding of y uses
// exact double operations. test_block checks them bit for bit against quantize_exact.
template <class Real>
FLOATLAB_HOST_DEVICE constexpr Real mul_at(Real m, std::size_t) noexcept { return m; }
template <class Real>
FLOATLAB_HOST_DEVICE constexpr Real mul_at(const Real* m, std::size_t i) noexcept { return m[i]; }

// 2^e as a float, exactly, for -149 <= e <= 127 (subnormal powers included).
FLOATLAB_HOST_DEVICE constexpr float exp2f_exact(int e) noexcept {
  return e >= -126 ? bit_cast<float>(static_cast<std::uint32_t>(e + 127) << 23)
                   : bit_cast<float>(std::uint32_t{1} << (e + 149));
}

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
      I q;
      if constexpr (R < 32) {
        // f + r < 2^(R+1) <= 2^32: 32-bit lanes suffice (twice the SIMD width of 64-bit).
        const auto f = static_cast<std::uint32_t>(static_cast<std::int32_t>((a - static_cast<Real>(whole)) * two_r));
        q = whole + static_cast<I>((f + (words[i] >> (32 - R))) >> R);
      } else {
        const auto f = static_cast<std::int64_t>((a - static_cast<Real>(whole)) * two_r);
        q = static_cast<I>(whole + ((f + static_cast<std::int64_t>(words[i])) >> 32));
      }
      const I neg = -static_cast<I>(y < 0);  // all ones or zero: branch-free sign
      dst[i] = static_cast<Int>((q ^ neg) - neg);
    }
  }
}

}  // namespace detail

// ---- a bulk random source -------------------------------------------------------------
// The same words, in the same order, as philox_rng(seed, stream) (random.hpp), with a
// fill() that computes 64 Philox4x32-10 blocks side by side in a loop that compilers
// vectorize (32x32->64-bit multiplies in 64-bit lanes). block_quantize and mx::quantize
// use fill() when a source has it.
class philox_bulk_rng {
 public:
  FLOATLAB_HOST_DEVICE constexpr explicit philox_bulk_rng(std::uint64_t seed = 0, std::uint64_t stream = 0) noexcept
      : seed_(seed), stream_(stream) {}

  FLOATLAB_HOST_DEVICE constexpr std::uint32_t operator()() noexcept {
    if (used_ == 4) {
      const philox_block b = philox4x32(seed_, static_cast<std::uint32_t>(counter_), static_cast<std::uint32_t>(counter_ >> 32),
                                        static_cast<std::uint32_t>(stream_), static_cast<std::uint32_t>(stream_ >> 32));
      for (int i = 0; i < 4; ++i) buf_[i] = b.w[i];
      ++counter_;
      used_ = 0;
    }
    return buf_[used_++];
  }

  FLOATLAB_HOST_DEVICE void fill(std::uint32_t* out, std::size_t n) noexcept {
    std::size_t i = 0;
    while (i < n && used_ < 4) out[i++] = buf_[used_++];  // words left from the last block
    constexpr std::size_t lanes = 64;
    while (n - i >= 4 * lanes) {
      blocks(out + i, lanes);
      i += 4 * lanes;
    }
    const std::size_t whole = (n - i) / 4;
    if (whole) {
      std::uint32_t tmp[4 * lanes];
      blocks(tmp, lanes);  // computes `lanes` blocks; keep `whole`, rewind the counter
      for (std::size_t j = 0; j < 4 * whole; ++j) out[i + j] = tmp[j];
      counter_ -= lanes - whole;
      i += 4 * whole;
    }
    while (i < n) out[i++] = (*this)();
  }

 private:
  // `count` consecutive blocks (counter_, counter_ + 1, ...) into out, 4 words each.
  FLOATLAB_HOST_DEVICE void blocks(std::uint32_t* out, std::size_t count) noexcept {
    constexpr std::size_t lanes = 64;
    std::uint64_t c0[lanes], c1[lanes], c2[lanes], c3[lanes];
    for (std::size_t j = 0; j < lanes; ++j) {
      const std::uint64_t c = counter_ + j;
      c0[j] = c & 0xFFFFFFFFu;
      c1[j] = c >> 32;
      c2[j] = stream_ & 0xFFFFFFFFu;
      c3[j] = stream_ >> 32;
    }
    std::uint64_t k0 = seed_ & 0xFFFFFFFFu, k1 = seed_ >> 32;
    for (int round = 0; round < 10; ++round) {  // philox4x32 of random.hpp, lane-parallel
      for (std::size_t j = 0; j < lanes; ++j) {
        const std::uint64_t p0 = 0xD2511F53u * c0[j], p1 = 0xCD9E8D57u * c2[j];
        const std::uint64_t n0 = (p1 >> 32) ^ c1[j] ^ k0, n2 = (p0 >> 32) ^ c3[j] ^ k1;
        c1[j] = p1 & 0xFFFFFFFFu;
        c3[j] = p0 & 0xFFFFFFFFu;
        c0[j] = n0;
        c2[j] = n2;
      }
      k0 = (k0 + 0x9E3779B9u) & 0xFFFFFFFFu;
      k1 = (k1 + 0xBB67AE85u) & 0xFFFFFFFFu;
    }
    for (std::size_t j = 0; j < count; ++j) {
      out[4 * j] = static_cast<std::uint32_t>(c0[j]);
      out[4 * j + 1] = static_cast<std::uint32_t>(c1[j]);
      out[4 * j + 2] = static_cast<std::uint32_t>(c2[j]);
      out[4 * j + 3] = static_cast<std::uint32_t>(c3[j]);
    }
    counter_ += lanes;
  }

  std::uint64_t seed_, stream_;
  std::uint64_t counter_ = 0;
  std::uint32_t buf_[4] = {};
  int used_ = 4;
};

// ---- quantize -------------------------------------------------------------------------
// in -> codes (out) and one exponent per block, with WL-bit codes in Int (int8_t, int16_t,
// int32_t). Stochastic modes draw one word per element from rng, in element order.
template <class Int, class Mode, class Rng>
block_status block_quantize(array_view<const float> in, array_view<Int> out, array_view<int> exponents,
                            block_shape shape, int word_length, Mode, Rng&& rng) noexcept {
  static_assert(std::is_integral_v<Int> && std::is_signed_v<Int> && sizeof(Int) <= 4,
                "block_quantize: element type Int must be int8_t, int16_t or int32_t");
  static_assert(is_rounding_mode_v<Mode>, "block_quantize: Mode must be a floatlab::round tag");
  const std::size_t n = in.size;
  if (word_length < 2 || word_length > static_cast<int>(sizeof(Int) * 8)) return block_status::bad_word_length;
  if (!shape.valid_for(n)) return block_status::bad_shape;
  if (out.size != n) return block_status::size_mismatch;
  const std::size_t nb = shape.count(n);
  if (exponents.size < nb) return block_status::size_mismatch;

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
  block_status status = block_status::ok;
  for (std::size_t k = 0; k < nb; ++k) {
    const auto m = static_cast<std::uint32_t>(exponents[k]);
    if (m >= 0x7F800000u) {
      exponents[k] = block_nan_exponent;
      status = block_status::non_finite;
    } else {
      exponents[k] = m == 0 ? 0 : detail::block_exponent(m, word_length);
    }
  }
  // 3. Codes: fast paths for nearest_even and stochastic over runs of one scale (blocks
  //    with NaN take the exact path below).
  if constexpr (std::is_same_v<Mode, round::nearest_even> || is_stochastic_v<Mode>) {
    if (status == block_status::ok) {
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
            fill(mul_f, [](int e) { return detail::exp2f_exact(e); });
            detail::quantize_run<Mode, float>(in.data + base, out.data + base, end - base, static_cast<const float*>(mul_f), words);
          } else {
            fill(mul_d, [](int e) { return detail::exp2i(e); });
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
            detail::quantize_run<Mode, float>(in.data + i, out.data + i, stop - i, detail::exp2f_exact(-e), words + (i - base));
          else
            detail::quantize_run<Mode, double>(in.data + i, out.data + i, stop - i, detail::exp2i(-e), words + (i - base));
          i = stop;
        }
      }
      return status;
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    const int s = exponents[shape.block_of(i)];
    const std::uint32_t w = detail::draw_word<Mode>(rng);
    out[i] = s == block_nan_exponent ? Int{0} : static_cast<Int>(detail::quantize_exact<Mode>(in[i], s, w));
  }
  return status;
}

template <class Int, class Mode, std::enable_if_t<is_rounding_mode_v<Mode>, int> = 0>
block_status block_quantize(array_view<const float> in, array_view<Int> out, array_view<int> exponents,
                            block_shape shape, int word_length, Mode m) noexcept {
  static_assert(!is_stochastic_v<Mode>, "block_quantize: a stochastic mode needs a random source argument");
  return block_quantize(in, out, exponents, shape, word_length, m, no_random{});
}

// codes * 2^s, rounded once to float (to nearest even; a code of a block at the top of the
// float range can overflow to inf). NaN blocks give NaN.
template <class Int>
block_status block_dequantize(array_view<const Int> codes, array_view<const int> exponents, block_shape shape,
                              array_view<float> out) noexcept {
  const std::size_t n = codes.size;
  if (!shape.valid_for(n)) return block_status::bad_shape;
  if (out.size != n || exponents.size < shape.count(n)) return block_status::size_mismatch;
  for (std::size_t i = 0; i < n; ++i) {
    const int s = exponents[shape.block_of(i)];
    if (s == block_nan_exponent) {
      out[i] = std::numeric_limits<float>::quiet_NaN();
    } else if (s < -1000 || s > 1000) {
      return block_status::bad_exponent;
    } else {
      // |code| < 2^31 and -180 < s < 128: the double product is exact; one rounding to float.
      out[i] = static_cast<float>(static_cast<double>(codes[i]) * detail::exp2i(s));
    }
  }
  return block_status::ok;
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

// value * 2^exponent rounded once to float in Mode (exact zero gives +0).
template <class Mode>
FLOATLAB_HOST_DEVICE constexpr float round_scaled_to_float(i128 value, int exponent, std::uint32_t word) noexcept {
  if (value == 0) return 0.0f;
  using f32 = format<8, 23, encoding::ieee>;
  const auto bits = round_pack<f32, Mode>(value < 0, exponent, detail::abs_u128(value), false, word);
  return bit_cast<float>(static_cast<std::uint32_t>(bits));
}

struct block_dot_result {
  i128 value;  // the accumulator: the dot product is value * 2^exponent
  int exponent;
  block_status status;
};

// sum_k a[k] b[k] for two single-scale blocks (codes and exponents from block_quantize).
template <int AccBits = 0, class Overflow = overflow::saturate, class Int>
FLOATLAB_HOST_DEVICE block_dot_result block_dot(array_view<const Int> a, int exp_a, array_view<const Int> b,
                                                int exp_b) noexcept {
  if (a.size != b.size) return {0, 0, block_status::size_mismatch};
  if (exp_a == block_nan_exponent || exp_b == block_nan_exponent) return {0, block_nan_exponent, block_status::non_finite};
  if constexpr (AccBits == 0 && sizeof(Int) <= 2) {
    // |a b| < 2^30: an int64 sum is exact for up to 2^33 terms; vectorizes.
    std::int64_t acc = 0;
    for (std::size_t k = 0; k < a.size; ++k) acc += static_cast<std::int32_t>(a[k]) * static_cast<std::int32_t>(b[k]);
    return {acc, exp_a + exp_b, block_status::ok};
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
    return {acc, exp_a + exp_b, over ? block_status::accumulator_overflow : block_status::ok};
  } else {
    block_accumulator<AccBits, Overflow> acc;
    for (std::size_t k = 0; k < a.size; ++k) acc.add(static_cast<std::int64_t>(a[k]) * static_cast<std::int64_t>(b[k]));
    return {acc.value, exp_a + exp_b, acc.overflowed ? block_status::accumulator_overflow : block_status::ok};
  }
}

// C (m x n, float, row-major) = A (m x k, row-major) x B (k x n, row-major), where A has one
// exponent per row (exps_a.size == m) or one for all (size 1), and B one per column
// (size n) or one for all. Every C[i][j] is the exact (or AccBits-wide) integer sum,
// rounded once to float in Mode; a stochastic Mode draws one word per C element in
// row-major order. The first accumulator overflow is reported, the rest still computed.
template <int AccBits = 0, class Overflow = overflow::saturate, class Int, class Mode, class Rng>
block_status block_gemm(array_view<const Int> a, array_view<const int> exps_a, array_view<const Int> b,
                        array_view<const int> exps_b, std::size_t m, std::size_t n, std::size_t k,
                        array_view<float> c, Mode, Rng&& rng) noexcept {
  if (a.size != m * k || b.size != k * n || c.size != m * n) return block_status::size_mismatch;
  if (!(exps_a.size == m || exps_a.size == 1) || !(exps_b.size == n || exps_b.size == 1))
    return block_status::size_mismatch;
  block_status status = block_status::ok;
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      const int ea = exps_a[exps_a.size == 1 ? 0 : i], eb = exps_b[exps_b.size == 1 ? 0 : j];
      const std::uint32_t w = detail::draw_word<Mode>(rng);
      if (ea == block_nan_exponent || eb == block_nan_exponent) {
        c[i * n + j] = std::numeric_limits<float>::quiet_NaN();
        status = block_status::non_finite;
        continue;
      }
      block_accumulator<AccBits, Overflow> acc;
      for (std::size_t t = 0; t < k; ++t)
        acc.add(static_cast<std::int64_t>(a[i * k + t]) * static_cast<std::int64_t>(b[t * n + j]));
      if (acc.overflowed && status == block_status::ok) status = block_status::accumulator_overflow;
      c[i * n + j] = round_scaled_to_float<Mode>(acc.value, ea + eb, w);
    }
  return status;
}

}  // namespace floatlab
