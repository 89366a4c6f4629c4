// The README's example, as a complete program (CI builds and runs it: tests/compile_checks.cmake).
#include <floatlab/floatlab.hpp>
#include <floatlab/io.hpp>  // operator<<, to_string (host only)

#include <cstring>
#include <iostream>

using namespace floatlab;

int main() {
  bfloat16 a = 0.1, b = 3;                            // rounded once, to nearest even
  bfloat16 c = a * b + a;                             // each op rounded to nearest even
  bfloat16 d = fma(a, b, a);                          // one rounding
  binary16 u = add(binary16{1.0}, binary16{1e-4}, round::upward{});
  philox_rng rng(42);                                 // counter-based: same seed, same bits
  e5m2 s = add(e5m2{1.0}, e5m2{0.1}, round::stochastic<8>{}, rng);
  cfloat<6, 9, round::odd> o = 1.0 / 3.0;             // any format, any mode
  e4m3_sat big = 1000.0;                              // saturates to 448 (e4m3 would give NaN)
  const char* text = "1.00048828125000000000000000001";
  binary16 h;
  from_chars(text, text + std::strlen(text), h);      // correctly rounded: 1.001, not 1
  std::cout << "c = " << c << ", d = " << d << ", u = " << u << ", s = " << s << ", o = " << o
            << ", big = " << big << ", h = " << h << ", 2h > 2 is " << (h * 2 > 2.0) << '\n';
  std::cout << "h = " << to_string(h, chars_format::hex) << " = " << to_string(h, chars_format::bits) << '\n';
}
