// floatlab/fixed.hpp: two's-complement fixed point fixed<WL, FL, Rounding, Overflow>.
//
// A fixed<WL, FL> holds a WL-bit two's-complement integer q and means q * 2^-FL
// (FL may be negative or larger than WL). Every operation forms its exact result as a
// sign, a 128-bit magnitude and a shift (plus a sticky bit where a quotient does not
// terminate), then rounds ONCE through detail::round_up, the same decision function that
// cfloat's round_pack uses (rounding.hpp), and applies the overflow policy:
//   overflow::saturate  results outside [-2^(WL-1), 2^(WL-1)-1] become the nearest bound;
//   overflow::wrap      results are taken modulo 2^WL (what integer hardware does).
// As in cfloat, rounding acts on the magnitude (sign-magnitude): directed modes look at
// the sign, and stochastic<R> rounds the magnitude up with probability f / 2^R where f is
// the first R bits of the discarded fraction (design.md, "Rounding: one core").
//
// Random sources: the free functions add/sub/mul/div/fixed_cast take an explicit source
// (any object with std::uint32_t operator()()); the operators of a fixed type whose
// Rounding is stochastic draw from thread_rng() (random.hpp) in host code.
#pragma once

#include <limits>

#include "cfloat.hpp"
#include "config.hpp"
#include "detail/call_args.hpp"
#include "detail/ieee_bits.hpp"
#include "rounding.hpp"
#include "status.hpp"

namespace floatlab {
// Largest |FL|: the exact intermediates of mul and div need WL + |FL| <= 128 bits.
inline constexpr int fixed_max_fraction_shift = 64;

template <int WL, int FL, class Rounding = round::nearest_even, class Overflow = overflow::saturate>
class fixed;

template <class T>
struct is_fixed : std::false_type {};
template <int WL, int FL, class R, class O>
struct is_fixed<fixed<WL, FL, R, O>> : std::true_type {};
template <class T>
inline constexpr bool is_fixed_v = is_fixed<T>::value;

namespace detail {

template <int Bits>
using int_least_t = std::conditional_t<
    (Bits <= 8), std::int8_t,
    std::conditional_t<(Bits <= 16), std::int16_t, std::conditional_t<(Bits <= 32), std::int32_t, std::int64_t>>>;

template <class Mode>
FLOATLAB_HOST_DEVICE constexpr int random_bits_of() noexcept {
  if constexpr (is_stochastic_v<Mode>)
    return Mode::bits;
  else
    return 2;
}

// Exact quotient n / d (d != 0) rounded to an integer: quotient plus `bits` further
// quotient bits by restoring division, plus a sticky bit for a nonzero final remainder.
// Needs n, d < 2^127 so that 2r never overflows.
template <int WL, class Mode, class Overflow>
FLOATLAB_HOST_DEVICE constexpr integer_result round_quotient(bool negative, u128 n, u128 d,
                                                                  std::uint32_t random_word) noexcept {
  constexpr int bits = random_bits_of<Mode>();  // stochastic: R bits; otherwise 1 + sticky suffice
  u128 q = n / d;
  u128 r = n % d;
  // Only q mod 2^64 (for wrap and parity) and whether q >= 2^64 (overflow) matter, so
  // fold the high part into one marker bit: then q << bits cannot overflow 128 bits.
  if ((q >> 64) != 0) q = (q & ~std::uint64_t{0}) | (u128{1} << 90);
  std::uint64_t frac = 0;
  for (int i = 0; i < bits; ++i) {
    r <<= 1;
    const bool bit = r >= d;
    if (bit) r -= d;
    frac = (frac << 1) | (bit ? 1u : 0u);
  }
  // q * 2^bits + frac, with `bits` fraction bits: round it right by `bits`.
  return round_to_integer<WL, Mode, Overflow>(negative, (q << bits) | frac, bits, r != 0, random_word);
}

}  // namespace detail

template <int WL, int FL, class Rounding, class Overflow>
class fixed {
  static_assert(WL >= 2 && WL <= 64, "fixed<WL, FL>: word length WL must be in 2..64");
  static_assert(FL >= -fixed_max_fraction_shift && FL <= fixed_max_fraction_shift,
                "fixed<WL, FL>: fraction length FL must be in -64..64");
  static_assert(is_rounding_mode_v<Rounding>,
                "fixed<WL, FL, Rounding>: Rounding must be a floatlab::round tag (nearest_even, nearest_away, "
                "toward_zero, upward, downward, odd, stochastic<R>)");
  static_assert(is_overflow_policy_v<Overflow>,
                "fixed<WL, FL, Rounding, Overflow>: Overflow must be overflow::saturate or overflow::wrap");

 public:
  using raw_type = detail::int_least_t<WL>;
  using rounding_mode = Rounding;
  using overflow_policy = Overflow;
  static constexpr int word_length = WL;
  static constexpr int fraction_length = FL;
  static constexpr std::int64_t raw_max = static_cast<std::int64_t>((std::uint64_t{1} << (WL - 1)) - 1);
  static constexpr std::int64_t raw_min = -raw_max - 1;

  constexpr fixed() noexcept = default;

  // From float, double or an integer, rounded in Rounding (stochastic: thread_rng()).
  // NaN gives 0; +-inf gives the largest / smallest value under either overflow policy.
  template <class T, std::enable_if_t<std::is_arithmetic_v<T>, int> = 0>
  FLOATLAB_HOST_DEVICE constexpr explicit fixed(T x) noexcept;

  // From a cfloat, rounded in Rounding; NaN gives 0, +-inf the extremes.
  template <class T, std::enable_if_t<is_cfloat_v<T>, int> = 0>
  FLOATLAB_HOST_DEVICE constexpr explicit fixed(T x) noexcept;

  // The WL low bits of `raw`, read as two's complement.
  FLOATLAB_HOST_DEVICE static constexpr fixed from_raw(std::int64_t raw) noexcept {
    fixed r;
    auto u = static_cast<std::uint64_t>(raw);
    if constexpr (WL < 64) {
      u &= (std::uint64_t{1} << WL) - 1;
      if (u >> (WL - 1)) u |= ~((std::uint64_t{1} << WL) - 1);
    }
    r.raw_ = static_cast<raw_type>(static_cast<std::int64_t>(u));
    return r;
  }
  FLOATLAB_HOST_DEVICE constexpr raw_type raw() const noexcept { return raw_; }
  // The WL-bit pattern, zero-extended.
  FLOATLAB_HOST_DEVICE constexpr std::uint64_t bits() const noexcept {
    const auto u = static_cast<std::uint64_t>(static_cast<std::int64_t>(raw_));
    if constexpr (WL < 64)
      return u & ((std::uint64_t{1} << WL) - 1);
    else
      return u;
  }

  FLOATLAB_HOST_DEVICE static constexpr fixed max() noexcept { return from_raw(raw_max); }
  FLOATLAB_HOST_DEVICE static constexpr fixed lowest() noexcept { return from_raw(raw_min); }
  FLOATLAB_HOST_DEVICE static constexpr fixed epsilon() noexcept { return from_raw(1); }  // one unit, 2^-FL

  // To double / float: the exact value raw * 2^-FL rounded once in the type's mode (exact
  // whenever WL <= 53 resp. 24; stochastic types draw a word only when it can be inexact).
  // to_cfloat<binary64>(x, mode [, rng]) rounds in another mode.
  FLOATLAB_HOST_DEVICE constexpr explicit operator double() const noexcept { return to_builtin<double>(); }
  FLOATLAB_HOST_DEVICE constexpr explicit operator float() const noexcept { return to_builtin<float>(); }
  // To an integer type: truncation toward zero as for built-in floating types, but
  // saturating at the integer's range instead of undefined behaviour.
  template <class Int, std::enable_if_t<std::is_integral_v<Int>, int> = 0>
  FLOATLAB_HOST_DEVICE constexpr explicit operator Int() const noexcept {
    const i128 v = raw_;
    const auto r = detail::round_to_integer<64, round::toward_zero, overflow::saturate>(v < 0, detail::abs_u128(v), FL,
                                                                                  false, 0);
    if constexpr (std::is_same_v<Int, bool>) {
      return raw_ != 0;
    } else if constexpr (std::is_signed_v<Int>) {
      constexpr auto lo = static_cast<std::int64_t>(std::numeric_limits<Int>::min());
      constexpr auto hi = static_cast<std::int64_t>(std::numeric_limits<Int>::max());
      return static_cast<Int>(r.raw < lo ? lo : r.raw > hi ? hi : r.raw);
    } else {
      constexpr auto hi = static_cast<std::uint64_t>(static_cast<Int>(~Int{0}));
      if (r.raw <= 0) return 0;
      return static_cast<Int>(static_cast<std::uint64_t>(r.raw) > hi ? hi : static_cast<std::uint64_t>(r.raw));
    }
  }

  // To a cfloat: rounded once in the cfloat's rounding mode (to_cfloat takes another mode).
  template <class T, std::enable_if_t<is_cfloat_v<T>, int> = 0>
  FLOATLAB_HOST_DEVICE constexpr explicit operator T() const noexcept;

  // Operators: exact result, rounded once in Rounding (stochastic: thread_rng()).
  FLOATLAB_HOST_DEVICE constexpr fixed operator+() const noexcept { return *this; }
  FLOATLAB_HOST_DEVICE constexpr fixed operator-() const noexcept {
    const i128 v = -static_cast<i128>(raw_);
    return from_round(detail::round_to_integer<WL, Rounding, Overflow>(v < 0, detail::abs_u128(v), 0, false, 0));
  }
  FLOATLAB_HOST_DEVICE friend fixed operator+(fixed a, fixed b) noexcept { return add_impl<Rounding>(a, b, 0); }
  FLOATLAB_HOST_DEVICE friend fixed operator-(fixed a, fixed b) noexcept { return sub_impl<Rounding>(a, b, 0); }
  FLOATLAB_HOST_DEVICE friend fixed operator*(fixed a, fixed b) noexcept {
    return mul_impl<Rounding>(a, b, detail::draw_implicit<Rounding>());
  }
  FLOATLAB_HOST_DEVICE friend fixed operator/(fixed a, fixed b) noexcept {
    return div_impl<Rounding>(a, b, detail::draw_implicit<Rounding>());
  }
  FLOATLAB_HOST_DEVICE fixed& operator+=(fixed b) noexcept { return *this = *this + b; }
  FLOATLAB_HOST_DEVICE fixed& operator-=(fixed b) noexcept { return *this = *this - b; }
  FLOATLAB_HOST_DEVICE fixed& operator*=(fixed b) noexcept { return *this = *this * b; }
  FLOATLAB_HOST_DEVICE fixed& operator/=(fixed b) noexcept { return *this = *this / b; }

  FLOATLAB_HOST_DEVICE friend constexpr bool operator==(fixed a, fixed b) noexcept { return a.raw_ == b.raw_; }
  FLOATLAB_HOST_DEVICE friend constexpr bool operator!=(fixed a, fixed b) noexcept { return a.raw_ != b.raw_; }
  FLOATLAB_HOST_DEVICE friend constexpr bool operator<(fixed a, fixed b) noexcept { return a.raw_ < b.raw_; }
  FLOATLAB_HOST_DEVICE friend constexpr bool operator<=(fixed a, fixed b) noexcept { return a.raw_ <= b.raw_; }
  FLOATLAB_HOST_DEVICE friend constexpr bool operator>(fixed a, fixed b) noexcept { return a.raw_ > b.raw_; }
  FLOATLAB_HOST_DEVICE friend constexpr bool operator>=(fixed a, fixed b) noexcept { return a.raw_ >= b.raw_; }

  // The exact kernels, in any mode, with the random word already drawn: the value and its
  // status flags. a + b and a - b are exact in WL + 1 bits: only the overflow policy acts.
  template <class Mode>
  FLOATLAB_HOST_DEVICE static constexpr detail::integer_result add_raw(fixed a, fixed b, std::uint32_t) noexcept {
    return from_exact<Mode>(static_cast<i128>(a.raw_) + b.raw_, 0, 0);
  }
  template <class Mode>
  FLOATLAB_HOST_DEVICE static constexpr detail::integer_result sub_raw(fixed a, fixed b, std::uint32_t) noexcept {
    return from_exact<Mode>(static_cast<i128>(a.raw_) - b.raw_, 0, 0);
  }
  // qa 2^-FL * qb 2^-FL = (qa qb) 2^-2FL: the product (< 2^126) shifted right by FL.
  template <class Mode>
  FLOATLAB_HOST_DEVICE static constexpr detail::integer_result mul_raw(fixed a, fixed b, std::uint32_t word) noexcept {
    return from_exact<Mode>(static_cast<i128>(a.raw_) * b.raw_, FL, word);
  }
  // (qa / qb) * 2^FL, as the exact quotient of two integers below 2^127.
  // Division by zero: +-max by the sign of a (0 / 0 = 0), under either policy, flagged.
  template <class Mode>
  FLOATLAB_HOST_DEVICE static constexpr detail::integer_result div_raw(fixed a, fixed b, std::uint32_t word) noexcept {
    if (b.raw_ == 0) {
      if (a.raw_ == 0) return {0, status::invalid};
      return {a.raw_ > 0 ? raw_max : raw_min, status::division_by_zero};
    }
    const bool neg = (a.raw_ < 0) != (b.raw_ < 0);
    u128 n = detail::abs_u128(a.raw_), d = detail::abs_u128(b.raw_);
    if constexpr (FL >= 0)
      n <<= FL;
    else
      d <<= -FL;
    return detail::round_quotient<WL, Mode, Overflow>(neg, n, d, word);
  }
  template <class Mode>
  FLOATLAB_HOST_DEVICE static constexpr fixed add_impl(fixed a, fixed b, std::uint32_t w) noexcept { return from_round(add_raw<Mode>(a, b, w)); }
  template <class Mode>
  FLOATLAB_HOST_DEVICE static constexpr fixed sub_impl(fixed a, fixed b, std::uint32_t w) noexcept { return from_round(sub_raw<Mode>(a, b, w)); }
  template <class Mode>
  FLOATLAB_HOST_DEVICE static constexpr fixed mul_impl(fixed a, fixed b, std::uint32_t w) noexcept { return from_round(mul_raw<Mode>(a, b, w)); }
  template <class Mode>
  FLOATLAB_HOST_DEVICE static constexpr fixed div_impl(fixed a, fixed b, std::uint32_t w) noexcept { return from_round(div_raw<Mode>(a, b, w)); }

  FLOATLAB_HOST_DEVICE static constexpr fixed from_round(detail::integer_result r) noexcept {
    fixed f;
    f.raw_ = static_cast<raw_type>(r.raw);
    return f;
  }

 private:
  template <class Mode>
  FLOATLAB_HOST_DEVICE static constexpr detail::integer_result from_exact(i128 v, int shift, std::uint32_t word) noexcept {
    return detail::round_to_integer<WL, Mode, Overflow>(v < 0, detail::abs_u128(v), shift, false, word);
  }
  template <class Real>
  FLOATLAB_HOST_DEVICE constexpr Real to_builtin() const noexcept;
  raw_type raw_ = 0;
};

namespace detail {

// Any supported source value -> fixed To, rounded in Mode with one random word.
template <class To, class Mode, class From>
FLOATLAB_HOST_DEVICE constexpr integer_result to_fixed_raw(From x, std::uint32_t word) noexcept {
  constexpr int WL = To::word_length, FL = To::fraction_length;
  using O = typename To::overflow_policy;
  if constexpr (std::is_floating_point_v<From>) {
    static_assert(sizeof(From) <= sizeof(double), "fixed_cast: long double sources are not supported");
    const double_parts p = split_double(static_cast<double>(x));  // float -> double is exact
    if (p.nan) return {0, status::invalid};
    if (p.inf) return {p.negative ? To::raw_min : To::raw_max, status::invalid};
    // x * 2^FL = sig * 2^(exp + FL)
    return round_to_integer<WL, Mode, O>(p.negative, p.sig, -(p.exp + FL), false, word);
  } else if constexpr (std::is_integral_v<From>) {
    const i128 v = x;
    return round_to_integer<WL, Mode, O>(v < 0, abs_u128(v), -FL, false, word);
  } else if constexpr (is_cfloat_v<From>) {
    using F = typename From::format_type;
    const unpacked u = unpack<F>(x.bits());
    if (u.cls == value_class::nan) return {0, status::invalid};
    if (u.cls == value_class::inf) return {u.sign ? To::raw_min : To::raw_max, status::invalid};
    if (u.cls == value_class::zero) return {0, 0};
    return round_to_integer<WL, Mode, O>(u.sign, u.sig, -(u.exp + FL), false, word);
  } else {
    static_assert(is_fixed_v<From>, "fixed_cast: source must be float, double, an integer, a cfloat or a fixed");
    const i128 v = x.raw();
    return round_to_integer<WL, Mode, O>(v < 0, abs_u128(v), From::fraction_length - FL, false, word);
  }
}

}  // namespace detail

template <int WL, int FL, class Rounding, class Overflow>
template <class T, std::enable_if_t<std::is_arithmetic_v<T>, int>>
FLOATLAB_HOST_DEVICE constexpr fixed<WL, FL, Rounding, Overflow>::fixed(T x) noexcept
    : raw_(static_cast<raw_type>(detail::to_fixed_raw<fixed, Rounding>(x, detail::draw_implicit<Rounding>()).raw)) {}

template <int WL, int FL, class Rounding, class Overflow>
template <class T, std::enable_if_t<is_cfloat_v<T>, int>>
FLOATLAB_HOST_DEVICE constexpr fixed<WL, FL, Rounding, Overflow>::fixed(T x) noexcept
    : raw_(static_cast<raw_type>(detail::to_fixed_raw<fixed, Rounding>(x, detail::draw_implicit<Rounding>()).raw)) {}

// fixed -> cfloat T: the exact value raw * 2^-FL through round_pack, once, in the optional
// trailing (mode), (mode, source) or (source); default T's mode.
template <class T, int WL, int FL, class R, class O, class... Args>
FLOATLAB_HOST_DEVICE constexpr with_status<T> to_cfloat_status(fixed<WL, FL, R, O> x, Args&&... args) noexcept {
  static_assert(is_cfloat_v<T>, "to_cfloat<T>: T must be a floatlab::cfloat");
  static_assert(sizeof...(Args) <= 2, "to_cfloat<T>(x [, mode] [, source])");
  using Mode = detail::mode_of_t<typename T::rounding_mode, Args...>;
  using F = typename T::format_type;
  const std::uint32_t w = detail::word_from<Mode>(args...);
  if (x.raw() == 0) return {T::from_bits(detail::pack_zero<F>(false)), status{}};
  const i128 v = x.raw();
  const auto r = round_pack_status<F, Mode>(v < 0, -FL, detail::abs_u128(v), false, w);
  return {T::from_bits(r.bits), status{r.flags, nullptr}};
}
template <class T, int WL, int FL, class R, class O, class... Args>
FLOATLAB_HOST_DEVICE constexpr T to_cfloat(fixed<WL, FL, R, O> x, Args&&... args) noexcept {
  return to_cfloat_status<T>(x, static_cast<Args&&>(args)...).value;
}

template <int WL, int FL, class Rounding, class Overflow>
template <class T, std::enable_if_t<is_cfloat_v<T>, int>>
FLOATLAB_HOST_DEVICE constexpr fixed<WL, FL, Rounding, Overflow>::operator T() const noexcept {
  using Mode = typename T::rounding_mode;
  if constexpr (is_stochastic_v<Mode>) {
    return to_cfloat<T>(*this, Mode{}, fixed_word{detail::draw_implicit<Mode>()});
  } else {
    return to_cfloat<T>(*this, Mode{}, no_random{});
  }
}

template <int WL, int FL, class Rounding, class Overflow>
template <class Real>
FLOATLAB_HOST_DEVICE constexpr Real fixed<WL, FL, Rounding, Overflow>::to_builtin() const noexcept {
  using F = std::conditional_t<std::is_same_v<Real, double>, detail::binary64_format, detail::binary32_format>;
  using C = cfloat<F::exponent_bits, F::fraction_bits, Rounding>;
  constexpr bool can_be_inexact = WL > F::precision;
  const std::uint32_t w = can_be_inexact ? detail::draw_implicit<Rounding>() : 0;
  return bit_cast<Real>(to_cfloat<C>(*this, Rounding{}, fixed_word{w}).bits());
}

// ---- explicit conversions -------------------------------------------------------------
// fixed_cast<To>(x, opt...): x is float, double, an integer, a cfloat or any fixed; the
// default mode is To's; fixed_cast_status also reports inexact, overflow, invalid (NaN, inf).
template <class To, class From, class... Args>
FLOATLAB_HOST_DEVICE constexpr with_status<To> fixed_cast_status(From x, Args&&... args) noexcept {
  static_assert(is_fixed_v<To>, "fixed_cast<To>: To must be a floatlab::fixed");
  static_assert(sizeof...(Args) <= 2, "fixed_cast<To>(x [, mode] [, source])");
  using Mode = detail::mode_of_t<typename To::rounding_mode, Args...>;
  const detail::integer_result r = detail::to_fixed_raw<To, Mode>(x, detail::word_from<Mode>(args...));
  return {To::from_round(r), status{r.flags, nullptr}};
}
template <class To, class From, class... Args>
FLOATLAB_HOST_DEVICE constexpr To fixed_cast(From x, Args&&... args) noexcept {
  return fixed_cast_status<To>(x, static_cast<Args&&>(args)...).value;
}

// ---- free functions: optional trailing (mode), (mode, source) or (source) ---------------
// op(a, b) rounds in the type's mode; op_status(a, b, ...) also returns the status
// (inexact, overflow; division by zero for a / 0, whose value is +-max, or 0 for 0 / 0).
#define FLOATLAB_FIXED_BINARY(name)                                                                           \
  template <int WL, int FL, class R, class O, class... Args>                                                  \
  FLOATLAB_HOST_DEVICE constexpr with_status<fixed<WL, FL, R, O>> name##_status(                             \
      fixed<WL, FL, R, O> a, fixed<WL, FL, R, O> b, Args&&... args) noexcept {                                \
    static_assert(sizeof...(Args) <= 2, #name "(a, b [, mode] [, source])");                                   \
    using Mode = detail::mode_of_t<R, Args...>;                                                               \
    const detail::integer_result r =                                                                          \
        fixed<WL, FL, R, O>::template name##_raw<Mode>(a, b, detail::word_from<Mode>(args...));                \
    return {fixed<WL, FL, R, O>::from_round(r), status{r.flags, nullptr}};                                     \
  }                                                                                                           \
  template <int WL, int FL, class R, class O, class... Args>                                                  \
  FLOATLAB_HOST_DEVICE constexpr fixed<WL, FL, R, O> name(fixed<WL, FL, R, O> a, fixed<WL, FL, R, O> b,       \
                                                          Args&&... args) noexcept {                          \
    return name##_status(a, b, static_cast<Args&&>(args)...).value;                                           \
  }
FLOATLAB_FIXED_BINARY(add)
FLOATLAB_FIXED_BINARY(sub)
FLOATLAB_FIXED_BINARY(mul)
FLOATLAB_FIXED_BINARY(div)
#undef FLOATLAB_FIXED_BINARY

}  // namespace floatlab
