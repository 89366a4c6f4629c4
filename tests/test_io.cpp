// io.hpp: streams, to_string and (where the library has it) std::format.
#include <catch2/catch.hpp>

#include <iomanip>
#include <sstream>

#include <floatlab/io.hpp>

using namespace floatlab;

TEST_CASE("io: operator<< prints the shortest round trip; stream flags choose the form", "[io]") {
  std::ostringstream os;
  os << binary16{0.1} << ' ' << bfloat16{3.14159} << ' ' << e4m3{448.0} << ' ' << binary64{0.1} << ' '
     << -binary32{1e-45f};
  CHECK(os.str() == "0.1 3.14 448 0.1 -1e-45");
  std::ostringstream f;
  f << std::fixed << std::setprecision(4) << binary16{0.1} << ' ' << std::scientific << std::setprecision(2)
    << binary16{1000.0} << ' ' << std::hexfloat << binary16{12.0};
  CHECK(f.str() == "0.1000 1.00e+03 1.8p+3");
  std::ostringstream w;
  w << std::setw(8) << std::setfill('*') << binary16{1.5} << '|' << std::left << std::setw(5) << binary16{2.0} << '|'
    << std::showpos << binary16{3.0};
  CHECK(w.str() == "*****1.5|2****|+3");
  std::ostringstream q;
  q << fixed<16, 8>{3.14159} << ' ' << binary16{-std::numeric_limits<double>::infinity()} << ' '
    << std::numeric_limits<binary16>::quiet_NaN();
  CHECK(q.str() == "3.14 -inf nan");
}

TEST_CASE("io: to_string in every form", "[io]") {
  CHECK(to_string(binary16{0.1}) == "0.1");
  CHECK(to_string(binary16{0.1}, chars_format::scientific, 6) == "9.997559e-02");
  CHECK(to_string(binary16{0.1}, chars_format::fixed, 12) == "0.099975585938");
  CHECK(to_string(binary16{0.1}, chars_format::general, 3) == "0.1");
  CHECK(to_string(binary16{0.1}, chars_format::hex) == "1.998p-4");
  CHECK(to_string(binary16{0.1}, chars_format::bits) == "0x2e66");
  CHECK(to_string(binary64{1e300}, chars_format::fixed, 2).size() == 304);  // 301 digits + ".00"
  CHECK(to_string(std::numeric_limits<binary64>::denorm_min(), chars_format::fixed, 1100).size() == 1102);
}

TEST_CASE("io: operator>> reads correctly rounded values and fails like a number read", "[io]") {
  std::istringstream is("1.00048828125000000000000000001 +2.5 -inf 0x1p3 1e400 7");
  binary16 a{}, b{}, c{};
  is >> a >> b >> c;
  CHECK(a.bits() == 0x3c01);
  CHECK(double(b) == 2.5);
  CHECK((isinf(c) && signbit(c)));
  binary16 d{1.0};
  is >> d;  // "0x1p3": not one number (from_chars stops at 'x')
  CHECK(is.fail());
  CHECK(double(d) == 1.0);
  is.clear();
  binary16 e{1.0};
  is >> e;  // 1e400: out of range
  CHECK(is.fail());
  is.clear();
  fixed<16, 8> g{};
  is >> g;
  CHECK(double(g) == 7.0);
  CHECK(is.eof());
  std::istringstream list("1.5,2.5");
  binary16 h{};
  char comma = 0;
  list >> h >> comma;
  CHECK((double(h) == 1.5 && comma == ','));
}

#if defined(__cpp_lib_format)
TEST_CASE("io: std::format", "[io]") {
  CHECK(std::format("{}", binary16{0.1}) == "0.1");
  CHECK(std::format("{:.3e}", binary16{0.1}) == "9.998e-02");
  CHECK(std::format("{:>8.2f}|{:a}|{:b}", binary16{0.1}, binary16{12.0}, binary16{1.0}) == "    0.10|1.8p+3|0x3c00");
}
#endif  // without <format> (g++ 12's libstdc++) there is nothing to test: no placeholder case
