// Issue 8's first impressions, each shown gone (compile-time ones are in
// tests/compile/text_errors.cpp): printing, parsing, mixing with built-in types, std
// algorithms and customization points, saturating aliases.
#include <catch2/catch.hpp>

#include <cmath>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include <floatlab/floatlab.hpp>
#include <floatlab/io.hpp>

#include "support/mpfr_oracle.hpp"

using namespace floatlab;

TEST_CASE("ergonomics: values print and parse", "[ergonomics]") {
  std::ostringstream os;
  os << binary16{0.1};
  CHECK(os.str() == "0.1");
  CHECK(to_string(bfloat16{3.0}) == "3");
  const std::string s = "1.00048828125000000000000000001";
  binary16 h;
  from_chars(s.data(), s.data() + s.size(), h);
  CHECK(h.bits() == 0x3c01);  // not binary16{std::stod(s)} == 1
}

TEST_CASE("ergonomics: arithmetic and comparison with built-in types", "[ergonomics]") {
  binary16 x = 0.5;  // implicit, as float
  bfloat16 b = 3;
  CHECK((x * 2).bits() == binary16{1.0}.bits());
  CHECK((2 * x).bits() == binary16{1.0}.bits());
  CHECK(std::is_same_v<decltype(b + 1.0), bfloat16>);
  CHECK(double(b + 1.0) == 4.0);
  CHECK(b > 0.0);
  CHECK(0.0 < b);
  CHECK(b == 3);
  x += 1;
  x *= 2.0f;
  CHECK(x == 3.0);
  // The scalar is rounded once into the format, then the operation rounds: 1 + 0.1 in
  // bfloat16 is bfloat16(1) + bfloat16(0.1).
  CHECK((bfloat16{1.0} + 0.1).bits() == (bfloat16{1.0} + bfloat16{0.1}).bits());
  // Mixed comparisons are exact: bfloat16(0.1) != 0.1 (it is 0.10009765625).
  CHECK(bfloat16{0.1} != 0.1);
  CHECK(bfloat16{0.1} > 0.1);
  CHECK(binary64{0.1} == 0.1);
  CHECK(binary16{65504.0} < 65505);
  CHECK(binary16{65504.0} == 65504LL);
  CHECK(cfloat<11, 52>{9007199254740992.0} < 9007199254740993ULL);  // exact, beyond double
  const binary16 nan = std::numeric_limits<binary16>::quiet_NaN();
  CHECK_FALSE(nan == 0.0);
  CHECK(nan != 0.0);
  CHECK_FALSE(0.0 < nan);
  CHECK(0.0 != nan);
  CHECK(binary16{-0.0} == 0);
  CHECK(std::numeric_limits<binary16>::infinity() > 1e300);
}

TEST_CASE("ergonomics: std algorithms and the using-std idiom", "[ergonomics]") {
  std::vector<bfloat16> v{1.0, 2.0, 3.5, 0.25};
  CHECK(double(std::accumulate(v.begin(), v.end(), bfloat16{})) == 6.75);
  CHECK(std::accumulate(v.begin(), v.end(), 0.0, [](double acc, bfloat16 y) { return acc + double(y); }) == 6.75);
  const binary16 two = 2.0;
  using std::abs;
  using std::isnan;
  using std::sqrt;
  CHECK(sqrt(two).bits() == floatlab::sqrt(two).bits());  // ADL picks floatlab's, correctly rounded
  CHECK(std::is_same_v<decltype(sqrt(two)), binary16>);
  CHECK(abs(-two) == 2);
  CHECK_FALSE(isnan(two));
  CHECK(std::numeric_limits<binary16>::max() == 65504);
}

TEST_CASE("ergonomics: saturating OCP aliases", "[ergonomics]") {
  CHECK(isnan(e4m3{1000.0}));  // OCP e4m3 has no infinity: overflow is NaN
  CHECK(e4m3_sat{1000.0} == 448);
  CHECK(e4m3_sat{-1e30} == -448);
  CHECK(e4m3fnuz_sat{1000.0} == 240);
  CHECK(e5m2fnuz_sat{1e9} == 57344);
  CHECK(std::is_same_v<e4m3_sat, cfloat<4, 3, round::nearest_even, encoding::fn_satfinite>>);
}
