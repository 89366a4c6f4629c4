// io.hpp's fmt::formatter, built against {fmt} when CMake finds it (FLOATLAB_TEST_HAVE_FMT).
#include <catch2/catch.hpp>

#if FLOATLAB_TEST_HAVE_FMT
#include <fmt/format.h>
#endif
#include <floatlab/io.hpp>

using namespace floatlab;

#if FLOATLAB_TEST_HAVE_FMT
TEST_CASE("fmt: fmt::format of cfloat and fixed", "[io]") {
  CHECK(fmt::format("{}", binary16{0.1}) == "0.1");
  CHECK(fmt::format("{:.3e}", binary16{0.1}) == "9.998e-02");
  CHECK(fmt::format("{:g}", bfloat16{3.14159}) == "3.14062");
  CHECK(fmt::format("{:>8.2f}|{:a}|{:b}", binary16{0.1}, binary16{12.0}, binary16{1.0}) == "    0.10|1.8p+3|0x3c00");
  CHECK(fmt::format("{:*<6}|{:^7}", e4m3{448.0}, fixed<16, 8>{1.5}) == "448***|  1.5  ");
  CHECK_THROWS_AS(fmt::format(fmt::runtime("{:q}"), binary16{1.0}), fmt::format_error);
}
#endif  // without {fmt} the file has no case (CI installs libfmt-dev, so it runs there)
