// floatlab/status.hpp: status, the one result report of every operation that can fail or
// lose information (docs/api.md).
//
// Flags follow the IEEE 754 exceptions (inexact, underflow, overflow, division by zero,
// invalid), plus the argument errors of array operations (bad_shape, bad_argument). An
// argument error means the operation was rejected before it wrote anything; the message is a
// static string saying which argument and why. The IEEE flags report information lost in a
// result that was written.
#pragma once

#include "config.hpp"

namespace floatlab {

struct status {
  enum flag : std::uint32_t {
    inexact = 1u << 0,
    underflow = 1u << 1,         // tiny and inexact (IEEE 754 7.5, after rounding)
    overflow = 1u << 2,          // rounded magnitude beyond the largest finite (or saturated)
    division_by_zero = 1u << 3,  // exact infinite result from finite operands
    invalid = 1u << 4,           // no meaningful result (NaN, or a non-finite input where none may be)
    bad_shape = 1u << 5,         // sizes, shapes or strides do not match: nothing written
    bad_argument = 1u << 6,      // an argument is out of range or outputs alias inputs: nothing written
  };
  static constexpr std::uint32_t rejection = bad_shape | bad_argument;

  std::uint32_t flags = 0;
  const char* message = nullptr;  // static text for argument errors, else null

  FLOATLAB_HOST_DEVICE static constexpr status error(flag f, const char* why) noexcept { return {f, why}; }

  // The operation ran and its result is exact.
  FLOATLAB_HOST_DEVICE constexpr bool exact() const noexcept { return flags == 0; }
  // The operation was rejected before writing anything (see message).
  FLOATLAB_HOST_DEVICE constexpr bool rejected() const noexcept { return (flags & rejection) != 0; }
  // It ran, and lost nothing beyond rounding (no overflow, invalid or division by zero).
  FLOATLAB_HOST_DEVICE constexpr bool ok() const noexcept {
    return (flags & ~static_cast<std::uint32_t>(inexact | underflow)) == 0;
  }
  FLOATLAB_HOST_DEVICE constexpr bool has(flag f) const noexcept { return (flags & f) != 0; }

  // Accumulate: flags are or'ed; the first message is kept.
  FLOATLAB_HOST_DEVICE constexpr status& operator|=(status other) noexcept {
    flags |= other.flags;
    if (!message) message = other.message;
    return *this;
  }
  FLOATLAB_HOST_DEVICE constexpr status& operator|=(flag f) noexcept {
    flags |= f;
    return *this;
  }
  FLOATLAB_HOST_DEVICE friend constexpr bool operator==(status a, status b) noexcept { return a.flags == b.flags; }
  FLOATLAB_HOST_DEVICE friend constexpr bool operator!=(status a, status b) noexcept { return a.flags != b.flags; }
};

// A value and the status of the operation that made it: the `_status` forms of scalar
// operations (add_status(a, b, mode), to_fixed_status(x), ...) return this.
template <class T>
struct with_status {
  T value;
  status flags;
};

}  // namespace floatlab
