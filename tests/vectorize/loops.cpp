// A user's loops over arrays of cfloat: tests/vectorize/check.sh compiles this file with
// -O3 -march=x86-64-v3 (AVX2, FMA, F16C whatever the build machine) and requires GCC's
// -fopt-info-vec-optimized to report every loop marked "VEC" as vectorized (sqrt included: the
// Newton square root of float_path.hpp, under the default -fmath-errno).
#include <floatlab/cfloat.hpp>

#include <cstddef>

namespace fl = floatlab;
using c69 = fl::cfloat<6, 9>;
#define FLOATLAB_LOOP(T, NAME, EXPR) \
  void NAME(const T* __restrict a, const T* __restrict b, T* __restrict c, std::size_t n) { for (std::size_t i = 0; i < n; ++i) c[i] = EXPR; }

// clang-format off
FLOATLAB_LOOP(fl::binary16, add_binary16, a[i] + b[i])  // VEC
FLOATLAB_LOOP(fl::binary16, sub_binary16, a[i] - b[i])  // VEC
FLOATLAB_LOOP(fl::binary16, mul_binary16, a[i] * b[i])  // VEC
FLOATLAB_LOOP(fl::binary16, div_binary16, a[i] / b[i])  // VEC
FLOATLAB_LOOP(fl::binary16, fma_binary16, fl::fma(a[i], b[i], c[i]))  // VEC
FLOATLAB_LOOP(fl::binary16, up_binary16, fl::add(a[i], b[i], fl::round::upward{}))  // VEC
FLOATLAB_LOOP(fl::bfloat16, add_bfloat16, a[i] + b[i])  // VEC
FLOATLAB_LOOP(fl::bfloat16, sub_bfloat16, a[i] - b[i])  // VEC
FLOATLAB_LOOP(fl::bfloat16, mul_bfloat16, a[i] * b[i])  // VEC
FLOATLAB_LOOP(fl::bfloat16, div_bfloat16, a[i] / b[i])  // VEC
FLOATLAB_LOOP(fl::bfloat16, fma_bfloat16, fl::fma(a[i], b[i], c[i]))  // VEC
FLOATLAB_LOOP(fl::bfloat16, down_bfloat16, fl::add(a[i], b[i], fl::round::downward{}))  // VEC
FLOATLAB_LOOP(fl::e4m3, add_e4m3, a[i] + b[i])  // VEC
FLOATLAB_LOOP(fl::e4m3, sub_e4m3, a[i] - b[i])  // VEC
FLOATLAB_LOOP(fl::e4m3, mul_e4m3, a[i] * b[i])  // VEC
FLOATLAB_LOOP(fl::e4m3, div_e4m3, a[i] / b[i])  // VEC
FLOATLAB_LOOP(fl::e4m3, fma_e4m3, fl::fma(a[i], b[i], c[i]))  // VEC
FLOATLAB_LOOP(fl::e4m3, rz_e4m3, fl::mul(a[i], b[i], fl::round::toward_zero{}))  // VEC
FLOATLAB_LOOP(c69, add_c69, a[i] + b[i])  // VEC
FLOATLAB_LOOP(c69, sub_c69, a[i] - b[i])  // VEC
FLOATLAB_LOOP(c69, mul_c69, a[i] * b[i])  // VEC
FLOATLAB_LOOP(c69, div_c69, a[i] / b[i])  // VEC
FLOATLAB_LOOP(c69, fma_c69, fl::fma(a[i], b[i], c[i]))  // VEC
FLOATLAB_LOOP(c69, away_c69, fl::add(a[i], b[i], fl::round::nearest_away{}))  // VEC
// clang-format on
#define FLOATLAB_LOOP1(T, NAME, EXPR) \
  void NAME(const T* __restrict a, T* __restrict c, std::size_t n) { for (std::size_t i = 0; i < n; ++i) c[i] = EXPR; }
// clang-format off
FLOATLAB_LOOP1(fl::binary16, sqrt_binary16, fl::sqrt(a[i]))  // VEC
FLOATLAB_LOOP1(fl::binary16, sqrt_up_binary16, fl::sqrt(a[i], fl::round::upward{}))  // VEC
FLOATLAB_LOOP1(fl::bfloat16, sqrt_bfloat16, fl::sqrt(a[i]))  // VEC
FLOATLAB_LOOP1(fl::e4m3, sqrt_e4m3, fl::sqrt(a[i]))  // VEC
FLOATLAB_LOOP1(fl::e4m3, sqrt_rz_e4m3, fl::sqrt(a[i], fl::round::toward_zero{}))  // VEC
FLOATLAB_LOOP1(c69, sqrt_c69, fl::sqrt(a[i]))  // VEC
FLOATLAB_LOOP1(c69, sqrt_odd_c69, fl::sqrt(a[i], fl::round::odd{}))  // VEC
// clang-format on
// The float TwoSum path (double_path.hpp): directed modes and round::odd in binary32 lanes.
// clang-format off
FLOATLAB_LOOP(fl::binary16, mul_up_binary16, fl::mul(a[i], b[i], fl::round::upward{}))  // VEC
FLOATLAB_LOOP(fl::binary16, div_rz_binary16, fl::div(a[i], b[i], fl::round::toward_zero{}))  // VEC
FLOATLAB_LOOP(fl::binary16, fma_down_binary16, fl::fma(a[i], b[i], c[i], fl::round::downward{}))  // VEC
FLOATLAB_LOOP(fl::binary16, add_odd_binary16, fl::add(a[i], b[i], fl::round::odd{}))  // VEC
FLOATLAB_LOOP(c69, fma_rz_c69, fl::fma(a[i], b[i], c[i], fl::round::toward_zero{}))  // VEC
FLOATLAB_LOOP(fl::e5m2, div_up_e5m2, fl::div(a[i], b[i], fl::round::upward{}))  // VEC
#define FLOATLAB_LOOP_SRC(T, NAME, EXPR) \
  void NAME(const T* __restrict a, const T* __restrict b, T* __restrict c, const std::uint32_t* __restrict w, std::size_t n) { \
    fl::word_stream src{w}; for (std::size_t i = 0; i < n; ++i) c[i] = EXPR; }
// Stochastic rounding drawing from a word_stream (random.hpp): no refill branch (sixth session).
FLOATLAB_LOOP_SRC(fl::binary16, sr8_stream_binary16, fl::add(a[i], b[i], fl::round::stochastic<8>{}, src))  // VEC
FLOATLAB_LOOP_SRC(fl::bfloat16, sr16_stream_bfloat16, fl::mul(a[i], b[i], fl::round::stochastic<16>{}, src))  // VEC
// bfloat16 * / off nearest: the double path with the bits encoder (sixth session).
FLOATLAB_LOOP(fl::bfloat16, mul_rz_bfloat16, fl::mul(a[i], b[i], fl::round::toward_zero{}))  // VEC
FLOATLAB_LOOP(fl::bfloat16, div_up_bfloat16, fl::div(a[i], b[i], fl::round::upward{}))  // VEC
// The float-domain paths (eighth session): + of E <= 7 formats in the float domain, fma narrowed
// into it, bfloat16 * / in binary32 lanes (mul_e8, div_e8), bfloat16 fma and stochastic + narrowed from
// the double path.
FLOATLAB_LOOP(fl::e4m3, add_dn_e4m3, fl::add(a[i], b[i], fl::round::downward{}))  // VEC
FLOATLAB_LOOP(c69, sub_rz_c69, fl::sub(a[i], b[i], fl::round::toward_zero{}))  // VEC
FLOATLAB_LOOP(fl::binary16, fma_odd_binary16, fl::fma(a[i], b[i], c[i], fl::round::odd{}))  // VEC
FLOATLAB_LOOP(fl::bfloat16, mul_up_bfloat16, fl::mul(a[i], b[i], fl::round::upward{}))  // VEC
FLOATLAB_LOOP(fl::bfloat16, fma_up_bfloat16, fl::fma(a[i], b[i], c[i], fl::round::upward{}))  // VEC
FLOATLAB_LOOP_SRC(fl::bfloat16, sr8_stream_add_bfloat16, fl::add(a[i], b[i], fl::round::stochastic<8>{}, src))  // VEC
FLOATLAB_LOOP_SRC(fl::binary16, sr8_stream_fma_binary16, fl::fma(a[i], b[i], c[i], fl::round::stochastic<8>{}, src))  // VEC
// clang-format on
