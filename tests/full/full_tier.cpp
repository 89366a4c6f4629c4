// Full tier (hand-run, ctest label full): every format of 9 to 12 bits of one encoding,
// exhaustively: every op, operand pair and mode against MPFR. tests/CMakeLists.txt compiles
// this file once per encoding of FLOATLAB_FULL_ENCODINGS, with -DFLOATLAB_FULL_ENCODING=<name>,
// when configured with -DFLOATLAB_FULL_TESTS=ON (preset "full").
//
// One Catch2 case per format, "full <bits>-bit E<E>M<M> <encoding>" tagged [full][<encoding>],
// in order of width then E: E = 1..bits-2 (M = bits-1-E >= 1), from E = 2 where the encoding
// has no subnormals (cfloat requires it). 34 formats per encoding, 30 for ieee_ftz.
#include <string>
#include <utility>

#include "../support/exhaustive_case.hpp"

#ifndef FLOATLAB_FULL_ENCODING
#error "compile with -DFLOATLAB_FULL_ENCODING=<floatlab::encoding name> (tests/CMakeLists.txt does)"
#endif
#define FLOATLAB_FULL_STRINGIZE_(x) #x
#define FLOATLAB_FULL_STRINGIZE(x) FLOATLAB_FULL_STRINGIZE_(x)

namespace {
namespace fl = floatlab;
using encoding = fl::encoding::FLOATLAB_FULL_ENCODING;
const std::string encoding_name = FLOATLAB_FULL_STRINGIZE(FLOATLAB_FULL_ENCODING);
constexpr int first_e = encoding::subnormals ? 1 : 2;
constexpr int min_bits = 9, max_bits = 12;

template <int E, int M>
void full_case() {
  exhaustive::run_and_require<fl::cfloat<E, M, fl::round::nearest_even, encoding>>();
}

template <int Bits, int E>
void register_format() {
  constexpr int M = Bits - 1 - E;
  if constexpr (E >= first_e) {
    const std::string name =
        "full " + std::to_string(Bits) + "-bit E" + std::to_string(E) + "M" + std::to_string(M) + " " + encoding_name;
    const std::string tags = "[full][" + encoding_name + "]";
    void (*const test)() = &full_case<E, M>;  // a name without commas for the macro
    REGISTER_TEST_CASE(test, name, tags);
  }
}

template <int Bits, int... I>
void register_width(std::integer_sequence<int, I...>) {
  (register_format<Bits, I + 1>(), ...);  // E = 1 .. Bits - 2
}

template <int... I>
bool register_all(std::integer_sequence<int, I...>) {
  (register_width<min_bits + I>(std::make_integer_sequence<int, min_bits + I - 2>{}), ...);
  return true;
}

// Static registration, as TEST_CASE does; Catch2's session in catch_main.cpp runs later.
const bool registered = register_all(std::make_integer_sequence<int, max_bits - min_bits + 1>{});
}  // namespace
