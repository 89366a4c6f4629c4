// Each FLOATLAB_TEXT_ERROR_CASE must fail to compile with the message that
// tests/compile_checks.cmake expects (issue 8: first impressions).
#include <cstdio>

#include <floatlab/floatlab.hpp>

namespace fl = floatlab;

#if FLOATLAB_TEXT_ERROR_CASE == 1
auto x = fl::binary16{1.0} + fl::bfloat16{1.0};  // two formats: says to use convert<>
#elif FLOATLAB_TEXT_ERROR_CASE == 2
bool x = fl::binary16{1.0} < fl::e4m3{1.0};
#elif FLOATLAB_TEXT_ERROR_CASE == 3
auto x = fl::binary16{1.0} * 1.0L;  // long double would round twice
#elif FLOATLAB_TEXT_ERROR_CASE == 4
bool parse(const char* s, fl::binary16& h) {  // stochastic reading without a source
  return fl::from_chars(s, s + 1, h, fl::round::stochastic<8>{}).ec == std::errc{};
}
#elif FLOATLAB_TEXT_ERROR_CASE == 5
int x = 0;  // compiled with -std=c++14: the #error of config.hpp
#elif FLOATLAB_TEXT_ERROR_CASE == 6
void f(fl::binary16 h) { std::printf("%g\n", h); }  // -Wall -Werror: -Wformat catches it
#endif

int main() { return 0; }
