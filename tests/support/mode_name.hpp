// tests/support/mode_name.hpp: the printed name of a rounding mode type (test output only).
#pragma once

#include <type_traits>

#include <floatlab/rounding.hpp>

namespace floatlab_test {

template <class Mode>
const char* mode_name() {
  namespace round = floatlab::round;
  if constexpr (std::is_same_v<Mode, round::nearest_even>)
    return "nearest_even";
  else if constexpr (std::is_same_v<Mode, round::nearest_away>)
    return "nearest_away";
  else if constexpr (std::is_same_v<Mode, round::toward_zero>)
    return "toward_zero";
  else if constexpr (std::is_same_v<Mode, round::upward>)
    return "upward";
  else if constexpr (std::is_same_v<Mode, round::downward>)
    return "downward";
  else if constexpr (std::is_same_v<Mode, round::odd>)
    return "odd";
  else if constexpr (std::is_same_v<Mode, round::stochastic<4>>)
    return "stochastic<4>";
  else if constexpr (std::is_same_v<Mode, round::stochastic<8>>)
    return "stochastic<8>";
  else
    return "another mode";
}

}  // namespace floatlab_test
