// The array forms of math.hpp instantiated under the core contract's warnings (-Wall -Wextra
// -Wpedantic -Werror), compiled by clang++ -fsyntax-only (tests/compile_checks.cmake,
// math_instances_clang). The header_alone_clang_* checks only include a header, so warnings
// that need an instantiation (clang's -Wbitwise-instead-of-logical in the lane code) passed
// them; math.hpp comes first here, alone, so this check replaces header_alone_clang_math_hpp.
#include <floatlab/math.hpp>
#include <floatlab/random.hpp>

#include <cstddef>

namespace fl = floatlab;

template <class T, class... A>
fl::status all_functions(const T* x, T* y, std::size_t n, A&... a) {
  const fl::array_view<const T> xv(x, n);
  const fl::array_view<T> yv(y, n);
  fl::status s = fl::exp(xv, yv, a...);
  s = fl::log(xv, yv, a...);
  s = fl::tanh(xv, yv, a...);
  s = fl::logistic(xv, yv, a...);
  s = fl::sin(xv, yv, a...);
  s = fl::cos(xv, yv, a...);
  s = fl::pow(xv, xv, yv, a...);
  return s;
}

template <class T>
void all_modes(const T* x, T* y, std::size_t n) {
  fl::round::upward up;
  fl::round::stochastic<5> sr;
  fl::philox_rng rng(1);
  all_functions(x, y, n);
  all_functions(x, y, n, up);
  all_functions(x, y, n, sr, rng);
}

template void all_modes<fl::binary16>(const fl::binary16*, fl::binary16*, std::size_t);
template void all_modes<fl::bfloat16>(const fl::bfloat16*, fl::bfloat16*, std::size_t);
template void all_modes<fl::binary32>(const fl::binary32*, fl::binary32*, std::size_t);
template void all_modes<fl::e4m3>(const fl::e4m3*, fl::e4m3*, std::size_t);
