// cfloat's operators and free functions instantiated under the core contract's warnings
// (-Wall -Wextra -Wpedantic -Werror), compiled by clang++ -fsyntax-only (tests/compile_checks.cmake,
// cfloat_instances_clang): clang's -Wbitwise-instead-of-logical fires only in an instantiation,
// so header_alone_clang_cfloat_hpp (an include alone) let sub's and the float-domain sum's
// bool | and & through. Every mode, the formats of the fast-path table.
#include <floatlab/cfloat.hpp>
#include <floatlab/random.hpp>

namespace fl = floatlab;

template <class T, class Mode, class... Rng>
T all_ops(T a, T b, Mode mode, Rng&... rng) {
  T s = fl::add(a, b, mode, rng...);
  s = fl::sub(s, b, mode, rng...);
  s = fl::mul(s, b, mode, rng...);
  s = fl::div(s, b, mode, rng...);
  s = fl::fma(s, b, a, mode, rng...);
  return fl::sqrt(s, mode, rng...);
}

template <class T>
T all_modes(T a, T b) {
  fl::philox_rng rng(1);
  T s = all_ops(a, b, fl::round::nearest_even{});
  s = all_ops(s, b, fl::round::nearest_away{});
  s = all_ops(s, b, fl::round::upward{});
  s = all_ops(s, b, fl::round::downward{});
  s = all_ops(s, b, fl::round::toward_zero{});
  s = all_ops(s, b, fl::round::odd{});
  s = all_ops(s, b, fl::round::stochastic<8>{}, rng);
  return s + a * b - a / b;  // the operators
}

template fl::binary16 all_modes(fl::binary16, fl::binary16);
template fl::bfloat16 all_modes(fl::bfloat16, fl::bfloat16);
template fl::binary32 all_modes(fl::binary32, fl::binary32);
template fl::e4m3 all_modes(fl::e4m3, fl::e4m3);
template fl::e5m2 all_modes(fl::e5m2, fl::e5m2);
template fl::cfloat<6, 9> all_modes(fl::cfloat<6, 9>, fl::cfloat<6, 9>);
