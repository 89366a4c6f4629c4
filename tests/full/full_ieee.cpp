// Full tier (hand-run, label full): every ieee format of 9 to 12 bits, exhaustively,
// every op, operand pair and mode against MPFR. Built with -DFLOATLAB_FULL_TESTS=ON.
#include "../support/exhaustive_case.hpp"

namespace fl = floatlab;

TEST_CASE("full 9-bit E1M7 ieee", "[full][ieee]") {
  exhaustive::run_and_require<fl::cfloat<1, 7, fl::round::nearest_even, fl::encoding::ieee>>();
}
TEST_CASE("full 9-bit E2M6 ieee", "[full][ieee]") {
  exhaustive::run_and_require<fl::cfloat<2, 6, fl::round::nearest_even, fl::encoding::ieee>>();
}
TEST_CASE("full 9-bit E3M5 ieee", "[full][ieee]") {
  exhaustive::run_and_require<fl::cfloat<3, 5, fl::round::nearest_even, fl::encoding::ieee>>();
}
TEST_CASE("full 9-bit E4M4 ieee", "[full][ieee]") {
  exhaustive::run_and_require<fl::cfloat<4, 4, fl::round::nearest_even, fl::encoding::ieee>>();
}
TEST_CASE("full 9-bit E5M3 ieee", "[full][ieee]") {
  exhaustive::run_and_require<fl::cfloat<5, 3, fl::round::nearest_even, fl::encoding::ieee>>();
}
TEST_CASE("full 9-bit E6M2 ieee", "[full][ieee]") {
  exhaustive::run_and_require<fl::cfloat<6, 2, fl::round::nearest_even, fl::encoding::ieee>>();
}
TEST_CASE("full 9-bit E7M1 ieee", "[full][ieee]") {
  exhaustive::run_and_require<fl::cfloat<7, 1, fl::round::nearest_even, fl::encoding::ieee>>();
}
TEST_CASE("full 10-bit E1M8 ieee", "[full][ieee]") {
  exhaustive::run_and_require<fl::cfloat<1, 8, fl::round::nearest_even, fl::encoding::ieee>>();
}
TEST_CASE("full 10-bit E2M7 ieee", "[full][ieee]") {
  exhaustive::run_and_require<fl::cfloat<2, 7, fl::round::nearest_even, fl::encoding::ieee>>();
}
TEST_CASE("full 10-bit E3M6 ieee", "[full][ieee]") {
  exhaustive::run_and_require<fl::cfloat<3, 6, fl::round::nearest_even, fl::encoding::ieee>>();
}
TEST_CASE("full 10-bit E4M5 ieee", "[full][ieee]") {
  exhaustive::run_and_require<fl::cfloat<4, 5, fl::round::nearest_even, fl::encoding::ieee>>();
}
TEST_CASE("full 10-bit E5M4 ieee", "[full][ieee]") {
  exhaustive::run_and_require<fl::cfloat<5, 4, fl::round::nearest_even, fl::encoding::ieee>>();
}
TEST_CASE("full 10-bit E6M3 ieee", "[full][ieee]") {
  exhaustive::run_and_require<fl::cfloat<6, 3, fl::round::nearest_even, fl::encoding::ieee>>();
}
TEST_CASE("full 10-bit E7M2 ieee", "[full][ieee]") {
  exhaustive::run_and_require<fl::cfloat<7, 2, fl::round::nearest_even, fl::encoding::ieee>>();
}
TEST_CASE("full 10-bit E8M1 ieee", "[full][ieee]") {
  exhaustive::run_and_require<fl::cfloat<8, 1, fl::round::nearest_even, fl::encoding::ieee>>();
}
TEST_CASE("full 11-bit E1M9 ieee", "[full][ieee]") {
  exhaustive::run_and_require<fl::cfloat<1, 9, fl::round::nearest_even, fl::encoding::ieee>>();
}
TEST_CASE("full 11-bit E2M8 ieee", "[full][ieee]") {
  exhaustive::run_and_require<fl::cfloat<2, 8, fl::round::nearest_even, fl::encoding::ieee>>();
}
TEST_CASE("full 11-bit E3M7 ieee", "[full][ieee]") {
  exhaustive::run_and_require<fl::cfloat<3, 7, fl::round::nearest_even, fl::encoding::ieee>>();
}
TEST_CASE("full 11-bit E4M6 ieee", "[full][ieee]") {
  exhaustive::run_and_require<fl::cfloat<4, 6, fl::round::nearest_even, fl::encoding::ieee>>();
}
TEST_CASE("full 11-bit E5M5 ieee", "[full][ieee]") {
  exhaustive::run_and_require<fl::cfloat<5, 5, fl::round::nearest_even, fl::encoding::ieee>>();
}
TEST_CASE("full 11-bit E6M4 ieee", "[full][ieee]") {
  exhaustive::run_and_require<fl::cfloat<6, 4, fl::round::nearest_even, fl::encoding::ieee>>();
}
TEST_CASE("full 11-bit E7M3 ieee", "[full][ieee]") {
  exhaustive::run_and_require<fl::cfloat<7, 3, fl::round::nearest_even, fl::encoding::ieee>>();
}
TEST_CASE("full 11-bit E8M2 ieee", "[full][ieee]") {
  exhaustive::run_and_require<fl::cfloat<8, 2, fl::round::nearest_even, fl::encoding::ieee>>();
}
TEST_CASE("full 11-bit E9M1 ieee", "[full][ieee]") {
  exhaustive::run_and_require<fl::cfloat<9, 1, fl::round::nearest_even, fl::encoding::ieee>>();
}
TEST_CASE("full 12-bit E1M10 ieee", "[full][ieee]") {
  exhaustive::run_and_require<fl::cfloat<1, 10, fl::round::nearest_even, fl::encoding::ieee>>();
}
TEST_CASE("full 12-bit E2M9 ieee", "[full][ieee]") {
  exhaustive::run_and_require<fl::cfloat<2, 9, fl::round::nearest_even, fl::encoding::ieee>>();
}
TEST_CASE("full 12-bit E3M8 ieee", "[full][ieee]") {
  exhaustive::run_and_require<fl::cfloat<3, 8, fl::round::nearest_even, fl::encoding::ieee>>();
}
TEST_CASE("full 12-bit E4M7 ieee", "[full][ieee]") {
  exhaustive::run_and_require<fl::cfloat<4, 7, fl::round::nearest_even, fl::encoding::ieee>>();
}
TEST_CASE("full 12-bit E5M6 ieee", "[full][ieee]") {
  exhaustive::run_and_require<fl::cfloat<5, 6, fl::round::nearest_even, fl::encoding::ieee>>();
}
TEST_CASE("full 12-bit E6M5 ieee", "[full][ieee]") {
  exhaustive::run_and_require<fl::cfloat<6, 5, fl::round::nearest_even, fl::encoding::ieee>>();
}
TEST_CASE("full 12-bit E7M4 ieee", "[full][ieee]") {
  exhaustive::run_and_require<fl::cfloat<7, 4, fl::round::nearest_even, fl::encoding::ieee>>();
}
TEST_CASE("full 12-bit E8M3 ieee", "[full][ieee]") {
  exhaustive::run_and_require<fl::cfloat<8, 3, fl::round::nearest_even, fl::encoding::ieee>>();
}
TEST_CASE("full 12-bit E9M2 ieee", "[full][ieee]") {
  exhaustive::run_and_require<fl::cfloat<9, 2, fl::round::nearest_even, fl::encoding::ieee>>();
}
TEST_CASE("full 12-bit E10M1 ieee", "[full][ieee]") {
  exhaustive::run_and_require<fl::cfloat<10, 1, fl::round::nearest_even, fl::encoding::ieee>>();
}
