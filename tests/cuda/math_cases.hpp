// tests/cuda/math_cases.hpp: what tests/cuda/math_kernel.cu checks, shared by its CUDA parts
// and its CPU reference (tests/cuda/math_ref.cpp, built by g++ on the GPU machine: the CPU
// build that tests/test_math*.cpp prove correctly rounded against MPFR).
//   full_case<K>: a format and mode whose whole math call (every step) runs on every input;
//   step_case<K>: a format whose GPU float step runs on every input in the 6 deterministic modes;
//   dstep_case<K>: a format of 17 to 32 bits and a mode whose GPU double step (session 13) runs on
//   every input (checked on the GPU against the exact path), and a random sample of 2^20 inputs
//   whose GPU results (the whole call and the exact path) are checked against the CPU.
// full_reference<K> / step_reference<K> / dstep_reference<K> fill the CPU's result tables.
#pragma once

#include <cstdint>
#include <tuple>

#include <floatlab/math.hpp>
#include <floatlab/random.hpp>

namespace math_cases {

namespace fl = floatlab;
namespace r = fl::round;

// ---- the whole call ----------------------------------------------------------------------
enum fn { f_exp, f_log, f_tanh, f_logistic, f_sin, f_cos, f_gelu, f_count };
inline const char* const fn_names[f_count] = {"exp", "log", "tanh", "logistic", "sin", "cos", "gelu"};

// One function of one input in mode Mode; stochastic words keyed by (seed 5, input, function).
template <class T, class Mode>
FLOATLAB_HOST_DEVICE std::uint32_t eval(int f, std::uint32_t bits) {
  const T x = T::from_bits(static_cast<typename T::storage_type>(bits));
  const std::uint32_t w = fl::philox_word(5, bits, static_cast<std::uint32_t>(f));
  auto run = [&](auto op) -> std::uint32_t {
    if constexpr (fl::is_stochastic_v<Mode>)
      return op(x, Mode{}, fl::fixed_word{w}).bits();
    else
      return op(x, Mode{}).bits();
  };
  switch (f) {
    case f_exp: return run([](auto v, auto... a) { return fl::exp(v, a...); });
    case f_log: return run([](auto v, auto... a) { return fl::log(v, a...); });
    case f_tanh: return run([](auto v, auto... a) { return fl::tanh(v, a...); });
    case f_logistic: return run([](auto v, auto... a) { return fl::logistic(v, a...); });
    case f_sin: return run([](auto v, auto... a) { return fl::sin(v, a...); });
    case f_cos: return run([](auto v, auto... a) { return fl::cos(v, a...); });
    default: return run([](auto v, auto... a) { return fl::gelu(v, a...); });
  }
}

template <int K>
struct full_case;
#define MATH_FULL_CASE(k, label, mode, ...)    \
  template <>                                  \
  struct full_case<k> {                        \
    using T = __VA_ARGS__;                     \
    using Mode = mode;                         \
    static constexpr const char* name = label; \
  };
MATH_FULL_CASE(0, "binary16 nearest_even", r::nearest_even, fl::binary16)
MATH_FULL_CASE(1, "binary16 upward", r::upward, fl::binary16)
MATH_FULL_CASE(2, "binary16 stochastic<8>", r::stochastic<8>, fl::binary16)
MATH_FULL_CASE(3, "bfloat16 toward_zero", r::toward_zero, fl::bfloat16)
MATH_FULL_CASE(4, "bfloat16 downward", r::downward, fl::bfloat16)
MATH_FULL_CASE(5, "e4m3 nearest_even", r::nearest_even, fl::e4m3)
#undef MATH_FULL_CASE
inline constexpr int full_cases = 6;

template <class T>
constexpr std::uint32_t pattern_count = std::uint32_t{1} << T::format_type::total_bits;

// out[f * count + x] = f(x) on the CPU, count = 2^bits.
template <int K>
void full_reference(std::uint32_t* out) {
  using C = full_case<K>;
  constexpr std::uint32_t count = pattern_count<typename C::T>;
  for (std::uint32_t i = 0; i < count * f_count; ++i)
    out[i] = eval<typename C::T, typename C::Mode>(static_cast<int>(i / count), i % count);
}

// ---- the GPU float step ------------------------------------------------------------------
enum gfn { g_exp, g_exp2, g_expm1, g_log, g_log2, g_log1p, g_tanh, g_erf, g_sin, g_cos, g_count };
inline const char* const g_names[g_count] = {"exp",   "exp2", "expm1", "log", "log2",
                                             "log1p", "tanh", "erf",   "sin", "cos"};
enum gmode { m_nearest_even, m_nearest_away, m_toward_zero, m_upward, m_downward, m_odd, m_count };
inline const char* const m_names[m_count] = {"nearest_even", "nearest_away", "toward_zero",
                                             "upward",       "downward",     "odd"};
template <int M>
using step_mode =
    std::tuple_element_t<M,
                         std::tuple<r::nearest_even, r::nearest_away, r::toward_zero, r::upward, r::downward, r::odd>>;

template <int K>
struct step_case;
#define MATH_STEP_CASE(k, label, ...)          \
  template <>                                  \
  struct step_case<k> {                        \
    using T = __VA_ARGS__;                     \
    static constexpr const char* name = label; \
  };
MATH_STEP_CASE(0, "binary16", fl::binary16)
MATH_STEP_CASE(1, "bfloat16", fl::bfloat16)
MATH_STEP_CASE(2, "cfloat<6,9>", fl::cfloat<6, 9>)
MATH_STEP_CASE(3, "cfloat<4,11>", fl::cfloat<4, 11>)
MATH_STEP_CASE(4, "binary16 ftz", fl::cfloat<5, 10, r::nearest_even, fl::encoding::ieee_ftz>)
MATH_STEP_CASE(5, "e5m2", fl::e5m2)
MATH_STEP_CASE(6, "e4m3", fl::e4m3)
MATH_STEP_CASE(7, "e4m3 sat", fl::e4m3_sat)
MATH_STEP_CASE(8, "e4m3fnuz", fl::e4m3fnuz)
MATH_STEP_CASE(9, "e3m2", fl::e3m2)
MATH_STEP_CASE(10, "e2m3", fl::e2m3)
MATH_STEP_CASE(11, "e2m1", fl::e2m1)
#undef MATH_STEP_CASE
inline constexpr int step_cases = 12;

// The full call of function f (a gfn) in Mode (on the CPU: the reference).
template <class T, class Mode>
FLOATLAB_HOST_DEVICE std::uint32_t gfn_call(int f, std::uint32_t bits) {
  const T x = T::from_bits(static_cast<typename T::storage_type>(bits));
  switch (f) {
    case g_exp: return fl::exp(x, Mode{}).bits();
    case g_exp2: return fl::exp2(x, Mode{}).bits();
    case g_expm1: return fl::expm1(x, Mode{}).bits();
    case g_log: return fl::log(x, Mode{}).bits();
    case g_log2: return fl::log2(x, Mode{}).bits();
    case g_log1p: return fl::log1p(x, Mode{}).bits();
    case g_tanh: return fl::tanh(x, Mode{}).bits();
    case g_erf: return fl::erf(x, Mode{}).bits();
    case g_sin: return fl::sin(x, Mode{}).bits();
    default: return fl::cos(x, Mode{}).bits();
  }
}
template <class T, int M>
void step_reference_mode(std::uint32_t* out) {
  constexpr std::uint32_t count = pattern_count<T>;
  for (std::uint32_t i = 0; i < count * g_count; ++i)
    out[i] = gfn_call<T, step_mode<M>>(static_cast<int>(i / count), i % count);
}
// out[(m * g_count + f) * count + x] = f(x) in mode m on the CPU.
template <int K>
void step_reference(std::uint32_t* out) {
  using T = typename step_case<K>::T;
  constexpr std::uint32_t n = pattern_count<T> * g_count;
  step_reference_mode<T, 0>(out);
  step_reference_mode<T, 1>(out + n);
  step_reference_mode<T, 2>(out + 2 * n);
  step_reference_mode<T, 3>(out + 3 * n);
  step_reference_mode<T, 4>(out + 4 * n);
  step_reference_mode<T, 5>(out + 5 * n);
}

// ---- the GPU double step (session 13) ----------------------------------------------------
// gfn_type<G>: the kernel type of function G, for the exact path (cr::call_exact) and the steps.
template <int G>
using gfn_type = std::tuple_element_t<
    G, std::tuple<fl::detail::cr::fn_exp, fl::detail::cr::fn_exp2, fl::detail::cr::fn_expm1, fl::detail::cr::fn_log,
                  fl::detail::cr::fn_log2, fl::detail::cr::fn_log1p, fl::detail::cr::fn_tanh, fl::detail::cr::fn_erf,
                  fl::detail::cr::fn_sin, fl::detail::cr::fn_cos>>;

// K = 2 mode + format: binary32 (every input: 2^32) or tf32 (cfloat<8, 10>: 2^19), mode step_mode<K / 2>.
template <int K>
struct dstep_case {
  using T = std::conditional_t<K % 2 == 0, fl::binary32, fl::cfloat<8, 10>>;
  using Mode = step_mode<K / 2>;
  static constexpr const char* name = K % 2 == 0 ? "binary32" : "tf32";
};
inline constexpr int dstep_cases = 12;
inline constexpr std::uint32_t dstep_sample = std::uint32_t{1} << 20;

// The sample's j-th pattern of T: a keyed random pattern (every exponent and sign alike).
template <class T>
FLOATLAB_HOST_DEVICE std::uint32_t dstep_pattern(std::uint32_t j) {
  constexpr int bits = T::format_type::total_bits;
  return fl::philox_word(7, j, 0) >> (32 - bits);
}

// out[f * dstep_sample + j] = f(pattern j) in the case's mode on the CPU.
template <int K>
void dstep_reference(std::uint32_t* out) {
  using C = dstep_case<K>;
  for (std::uint32_t i = 0; i < dstep_sample * g_count; ++i)
    out[i] = gfn_call<typename C::T, typename C::Mode>(static_cast<int>(i / dstep_sample),
                                                       dstep_pattern<typename C::T>(i % dstep_sample));
}

}  // namespace math_cases
