// floatlab/cfloat.hpp: cfloat<E, M, Rounding, Encoding>, the custom floating-point value type.
//
// 1 sign bit, E exponent bits, M fraction bits in the smallest unsigned integer that fits.
// Every operation is correctly rounded by the one rounding core (rounding.hpp), in the
// type's rounding mode or in a mode passed to the free function:
//
//   using h = floatlab::binary16;
//   h x{1.5}, y{0.1};
//   h z = x * y + x;                                   // two roundings, nearest-even
//   h w = floatlab::fma(x, y, x);                      // one rounding
//   h u = floatlab::add(x, y, floatlab::round::upward{});
//   floatlab::philox_rng rng(42);
//   h s = floatlab::add(x, y, floatlab::round::stochastic<8>{}, rng);
//
// Free functions take optional trailing arguments (mode) (mode, rng) or (rng). Operators of
// stochastic types draw from the host thread's engine (random.hpp: seed_thread_rng); device
// code passes an explicit random source.
#pragma once

#include <cmath>
#include <limits>

#include "detail/convert_bits.hpp"
#include "detail/double_path.hpp"
#include "detail/exact_ops.hpp"
#include "detail/nearest_path.hpp"
#include "cfloat_fwd.hpp"
#include "status.hpp"
#include "detail/call_args.hpp"

namespace floatlab {


namespace detail {

// ---- operations on bits: the fastest exact path, else the integer kernels -----------------
// Which path runs (each is listed with its domain and proving test next to round_pack):
//   float path   nearest_even, p <= 11, E <= 8          + - * / sqrt   (float_path.hpp)
//   nearest path nearest_even, p <= 25, E <= 9          + - * / sqrt   (nearest_path.hpp)
//   double path  any mode, p <= 26, E <= 9 (stochastic: p + R + 1 <= 53), and fma (double_path.hpp)
//   Newton sqrt  deterministic modes, p <= 11, E <= 9    sqrt, ahead of the above (float_path.hpp)
//   Newton sqrt, stochastic<4>/<8>, p <= 11, 2 <= E <= 8: the Newton root rounded to p + R bits,
//     stochastic  the sign of x - c^2, narrowed into the float domain (double_path.hpp sqrt_fs);
//                 not for words from thread_rng() / philox_rng (scalar loops: the double path)
//   float TwoSum the double path in binary32 lanes: p <= 11 (stochastic p + R + 1 <= 24), range
//                conditions per op (double_path.hpp): fma in every mode, + - * / off nearest_even
//   float domain + - on the format's fields with binary32's bias (2 <= E <= 7), fma narrowed into
//                it (float_path.hpp float_domain, double_path.hpp encode_narrow)
//                and / in it (1 - emin + M + max(24, M - emin) <= 127: div_fd), * into it (emin - 2M >=
//                -48: mul_fd)
//   narrowed     the double path's results narrowed into binary32 lanes (bfloat16 fma, E = 7 /)
//   E = 8 mul    bfloat16 * off nearest in binary32 (double_path.hpp mul_e8), / with a double
//                residual (div_e8)
//   integer kernels: everything else, and constant evaluation (clang does not fold every fma
//   and sqrt), with the same bits.

template <class Fmt, class Mode>
FLOATLAB_HOST_DEVICE constexpr typename Fmt::storage add_bits(std::uint64_t a, std::uint64_t b, std::uint32_t w) noexcept {
  if constexpr (double_path_ok<Fmt, Mode>) {
    if (!is_constant_evaluated()) {
      if constexpr (float_path_ok<Fmt, Mode>) return add_f<Fmt>(a, b);
      else if constexpr (nearest_path_ok<Fmt, Mode>) return encode_nearest<Fmt>(decode_nearest<Fmt>(a) + decode_nearest<Fmt>(b));
      else if constexpr (fd_add_ok<Fmt, Mode>) return add_d<float_domain<Fmt>, Mode, float>(a, b, w);
      else if constexpr (twosum_float_add_ok<Fmt, Mode>) return add_d<Fmt, Mode, float>(a, b, w);
      else if constexpr (narrow_double_ok<Fmt, Mode>) return add_d<Fmt, Mode, double, true>(a, b, w);
      else return add_d<Fmt, Mode>(a, b, w);
    }
  }
  return finish<Fmt, Mode>(add<Mode>(unpack<Fmt>(a), unpack<Fmt>(b)), w);
}
template <class Fmt, class Mode>
FLOATLAB_HOST_DEVICE constexpr typename Fmt::storage mul_bits(std::uint64_t a, std::uint64_t b, std::uint32_t w) noexcept {
  if constexpr (double_path_ok<Fmt, Mode>) {
    if (!is_constant_evaluated()) {
      if constexpr (float_mul_ok<Fmt, Mode>) return mul_f<Fmt>(a, b);
      else if constexpr (nearest_path_ok<Fmt, Mode>) return encode_nearest<Fmt>(decode_nearest<Fmt>(a) * decode_nearest<Fmt>(b));
      else if constexpr (fd_mul_ok<Fmt, Mode>) return mul_fd<Fmt, Mode>(a, b, w);
      else if constexpr (twosum_float_mul_ok<Fmt, Mode>) return mul_d<Fmt, Mode, float>(a, b, w);
      else if constexpr (float_mul_e8_ok<Fmt, Mode>) return mul_e8<Fmt, Mode>(a, b, w);
      else if constexpr (narrow_double_ok<Fmt, Mode>) return mul_d<Fmt, Mode, double, true>(a, b, w);
      else return mul_d<Fmt, Mode>(a, b, w);
    }
  }
  return finish<Fmt, Mode>(mul(unpack<Fmt>(a), unpack<Fmt>(b)), w);
}
template <class Fmt, class Mode>
FLOATLAB_HOST_DEVICE constexpr typename Fmt::storage div_bits(std::uint64_t a, std::uint64_t b, std::uint32_t w) noexcept {
  if constexpr (double_path_ok<Fmt, Mode>) {
    if (!is_constant_evaluated()) {
      if constexpr (float_path_ok<Fmt, Mode>) return div_f<Fmt>(a, b);
      else if constexpr (nearest_path_ok<Fmt, Mode>) return encode_nearest<Fmt>(decode_nearest<Fmt>(a) / decode_nearest<Fmt>(b));
      else if constexpr (fd_div_ok<Fmt, Mode>) return div_fd<Fmt, Mode>(a, b, w);
      else if constexpr (twosum_float_div_ok<Fmt, Mode>) return div_d<Fmt, Mode, float>(a, b, w);
      else if constexpr (float_div_e8_ok<Fmt, Mode>) return div_e8<Fmt, Mode>(a, b, w);
      else if constexpr (narrow_double_ok<Fmt, Mode>) return div_d<Fmt, Mode, double, true>(a, b, w);
      else return div_d<Fmt, Mode>(a, b, w);
    }
  }
  return finish<Fmt, Mode>(div(unpack<Fmt>(a), unpack<Fmt>(b)), w);
}
// Sequential: the word comes from a stateful engine (call_args.hpp sequential_source), so the
// caller's loop is scalar: stochastic sqrt then takes the double path's hardware root, 1.6-1.7x
// sqrt_fs's speed in scalar code (eleventh session; sqrt_fs's Newton root pays only where the
// loop vectorizes). Both are proven against the kernels (test_float_domain "stochastic sqrt").
template <class Fmt, class Mode, bool Sequential = false>
FLOATLAB_HOST_DEVICE constexpr typename Fmt::storage sqrt_bits(std::uint64_t a, std::uint32_t w) noexcept {
  if constexpr (double_path_ok<Fmt, Mode>) {
    if (!is_constant_evaluated()) {
      if constexpr (sqrt_newton_ok<Fmt, Mode>) return sqrt_n<Fmt, Mode>(a, w);
      else if constexpr (sqrt_fs_ok<Fmt, Mode> && !Sequential)
        return sqrt_fs<Fmt, Mode>(a, w);
      else if constexpr (float_path_ok<Fmt, Mode>) return sqrt_f<Fmt>(a);
      else if constexpr (nearest_path_ok<Fmt, Mode>) return encode_nearest<Fmt>(sqrt_d(decode_nearest<Fmt>(a)));
      else return sqrt_d<Fmt, Mode>(a, w);
    }
  }
  return finish<Fmt, Mode>(sqrt(unpack<Fmt>(a)), w);
}
template <class Fmt, class Mode>
FLOATLAB_HOST_DEVICE constexpr typename Fmt::storage fma_bits(std::uint64_t a, std::uint64_t b, std::uint64_t c,
                                                             std::uint32_t w) noexcept {
  if constexpr (double_path_ok<Fmt, Mode>) {
    if (!is_constant_evaluated()) {
      if constexpr (fd_fma_ok<Fmt, Mode>) return fma_d<Fmt, Mode, float, true>(a, b, c, w);
      else if constexpr (twosum_float_mul_ok<Fmt, Mode>) return fma_d<Fmt, Mode, float>(a, b, c, w);
      else if constexpr (narrow_double_ok<Fmt, Mode>) return fma_d<Fmt, Mode, double, true>(a, b, c, w);
      else return fma_d<Fmt, Mode>(a, b, c, w);
    }
  }
  return finish<Fmt, Mode>(fma<Mode>(unpack<Fmt>(a), unpack<Fmt>(b), unpack<Fmt>(c)), w);
}

// Formats whose every value is a normal double (or zero): conversion to double is a repack.
template <class Fmt>
inline constexpr bool fits_double_normal =
    Fmt::precision <= 53 && Fmt::emin - Fmt::fraction_bits >= -1022 && Fmt::emax <= 1023;

// Helpers for numeric_limits' decimal exponents (constexpr: no <cmath> log here).
inline constexpr double log10_2 = 0.30102999566398119521;
FLOATLAB_HOST_DEVICE constexpr int floor_int(double x) noexcept {
  const int i = static_cast<int>(x);
  return i > x ? i - 1 : i;
}
FLOATLAB_HOST_DEVICE constexpr int ceil_int(double x) noexcept {
  const int i = static_cast<int>(x);
  return i < x ? i + 1 : i;
}
// log2(1 + f) for f in [0, 1), bit by bit by repeated squaring (40 bits: plenty here).
FLOATLAB_HOST_DEVICE constexpr double log2_1x(double f) noexcept {
  double y = 1 + f, result = 0, bit = 0.5;
  for (int i = 0; i < 40; ++i) {
    y *= y;
    if (y >= 2) {
      y /= 2;
      result += bit;
    }
    bit /= 2;
  }
  return result;
}

// Order key: a signed integer monotone in the value, equal for +0 and -0 (and for the
// subnormal patterns of a flush-to-zero format, which read as zero). NaN excluded.
template <class Fmt>
FLOATLAB_HOST_DEVICE constexpr std::int64_t order_key(std::uint64_t bits) noexcept {
  if (Fmt::is_zero(bits)) return 0;
  const auto magnitude = static_cast<std::int64_t>(bits & Fmt::magnitude_mask);
  return (bits & Fmt::sign_mask) ? -magnitude : magnitude;
}

}  // namespace detail

template <int E, int M, class Rounding, class Encoding>
class cfloat {
  static_assert(is_rounding_mode_v<Rounding>,
                "cfloat: Rounding must be a floatlab::round tag (nearest_even, nearest_away, toward_zero, "
                "upward, downward, odd, stochastic<R>)");

 public:
  using format_type = format<E, M, Encoding>;
  using storage_type = typename format_type::storage;
  using rounding_mode = Rounding;
  using encoding_type = Encoding;
  static constexpr int exponent_bits = E;
  static constexpr int fraction_bits = M;

  constexpr cfloat() noexcept = default;

  // Conversions in: rounded once, in the type's mode.
  // Implicit from built-in arithmetic types, as float is (see "mixed arithmetic" below).
  FLOATLAB_HOST_DEVICE constexpr cfloat(double x) noexcept  // NOLINT(google-explicit-constructor)
      : bits_(detail::convert_bits<format_type, detail::binary64_format, Rounding>(
            bit_cast<std::uint64_t>(x), detail::draw_implicit<Rounding>())) {}
  FLOATLAB_HOST_DEVICE constexpr cfloat(float x) noexcept  // NOLINT(google-explicit-constructor)
      : bits_(detail::convert_bits<format_type, detail::binary32_format, Rounding>(
            bit_cast<std::uint32_t>(x), detail::draw_implicit<Rounding>())) {}
  template <class Int, std::enable_if_t<std::is_integral_v<Int> && !std::is_same_v<Int, bool>, int> = 0>
  FLOATLAB_HOST_DEVICE constexpr cfloat(Int x) noexcept  // NOLINT(google-explicit-constructor)
      : bits_(detail::from_integer<format_type, Rounding>(x, detail::draw_implicit<Rounding>())) {}
  template <int E2, int M2, class R2, class Enc2>
  FLOATLAB_HOST_DEVICE explicit constexpr cfloat(cfloat<E2, M2, R2, Enc2> x) noexcept
      : bits_(detail::convert_bits<format_type, typename cfloat<E2, M2, R2, Enc2>::format_type, Rounding>(
            x.bits(), detail::draw_implicit<Rounding>())) {}

  FLOATLAB_HOST_DEVICE static constexpr cfloat from_bits(storage_type bits) noexcept {
    cfloat r;
    r.bits_ = static_cast<storage_type>(bits & (format_type::sign_mask | format_type::magnitude_mask));
    return r;
  }
  FLOATLAB_HOST_DEVICE constexpr storage_type bits() const noexcept { return bits_; }

  // Conversions out. To double: exact where the format fits (all formats but E = 11 with
  // subnormals below binary64's), else rounded to nearest even. To float and integers: the
  // type's mode; integers saturate, NaN gives 0.
  FLOATLAB_HOST_DEVICE explicit constexpr operator double() const noexcept {
    if constexpr (detail::fits_double_normal<format_type>)
      return detail::to_double_exact<format_type>(bits_);
    else
      return bit_cast<double>(
          detail::convert_bits<detail::binary64_format, format_type, round::nearest_even>(bits_, 0));
  }
  FLOATLAB_HOST_DEVICE explicit constexpr operator float() const noexcept {
    return bit_cast<float>(static_cast<std::uint32_t>(
        detail::convert_bits<detail::binary32_format, format_type, Rounding>(bits_, detail::draw_implicit<Rounding>())));
  }
  template <class Int, std::enable_if_t<std::is_integral_v<Int> && !std::is_same_v<Int, bool>, int> = 0>
  FLOATLAB_HOST_DEVICE explicit constexpr operator Int() const noexcept {
    return detail::to_integer<Int, format_type, Rounding>(bits_, detail::draw_implicit<Rounding>());
  }

  FLOATLAB_HOST_DEVICE constexpr cfloat operator+() const noexcept { return *this; }
  FLOATLAB_HOST_DEVICE constexpr cfloat operator-() const noexcept {
    if (format_type::is_nan(bits_)) return *this;
    if (!format_type::has_negative_zero && format_type::is_zero(bits_)) return *this;  // fnuz: -0 is NaN
    return from_bits(static_cast<storage_type>(bits_ ^ format_type::sign_mask));
  }

  FLOATLAB_HOST_DEVICE constexpr cfloat& operator+=(cfloat b) noexcept { return *this = *this + b; }
  FLOATLAB_HOST_DEVICE constexpr cfloat& operator-=(cfloat b) noexcept { return *this = *this - b; }
  FLOATLAB_HOST_DEVICE constexpr cfloat& operator*=(cfloat b) noexcept { return *this = *this * b; }
  FLOATLAB_HOST_DEVICE constexpr cfloat& operator/=(cfloat b) noexcept { return *this = *this / b; }

  FLOATLAB_HOST_DEVICE friend constexpr cfloat operator+(cfloat a, cfloat b) noexcept { return add(a, b); }
  FLOATLAB_HOST_DEVICE friend constexpr cfloat operator-(cfloat a, cfloat b) noexcept { return sub(a, b); }
  FLOATLAB_HOST_DEVICE friend constexpr cfloat operator*(cfloat a, cfloat b) noexcept { return mul(a, b); }
  FLOATLAB_HOST_DEVICE friend constexpr cfloat operator/(cfloat a, cfloat b) noexcept { return div(a, b); }

  // IEEE comparisons: NaN is unordered, -0 == +0.
  FLOATLAB_HOST_DEVICE friend constexpr bool operator==(cfloat a, cfloat b) noexcept {
    return !format_type::is_nan(a.bits_) && !format_type::is_nan(b.bits_) &&
           detail::order_key<format_type>(a.bits_) == detail::order_key<format_type>(b.bits_);
  }
  FLOATLAB_HOST_DEVICE friend constexpr bool operator!=(cfloat a, cfloat b) noexcept { return !(a == b); }
  FLOATLAB_HOST_DEVICE friend constexpr bool operator<(cfloat a, cfloat b) noexcept {
    return !format_type::is_nan(a.bits_) && !format_type::is_nan(b.bits_) &&
           detail::order_key<format_type>(a.bits_) < detail::order_key<format_type>(b.bits_);
  }
  FLOATLAB_HOST_DEVICE friend constexpr bool operator>(cfloat a, cfloat b) noexcept { return b < a; }
  FLOATLAB_HOST_DEVICE friend constexpr bool operator<=(cfloat a, cfloat b) noexcept { return a < b || a == b; }
  FLOATLAB_HOST_DEVICE friend constexpr bool operator>=(cfloat a, cfloat b) noexcept { return b < a || a == b; }

 private:
  storage_type bits_ = 0;
};

// ---- arithmetic: optional trailing (mode) (mode, rng) or (rng) --------------------------

template <int E, int M, class R, class Enc, class... Args>
FLOATLAB_HOST_DEVICE constexpr cfloat<E, M, R, Enc> add(cfloat<E, M, R, Enc> a, cfloat<E, M, R, Enc> b,
                                                        Args&&... args) noexcept {
  static_assert(sizeof...(Args) <= 2, "add(a, b [, mode] [, rng])");
  using Mode = detail::mode_of_t<R, Args...>;
  using F = format<E, M, Enc>;
  return cfloat<E, M, R, Enc>::from_bits(detail::add_bits<F, Mode>(a.bits(), b.bits(), detail::word_from<Mode>(args...)));
}
template <int E, int M, class R, class Enc, class... Args>
FLOATLAB_HOST_DEVICE constexpr cfloat<E, M, R, Enc> sub(cfloat<E, M, R, Enc> a, cfloat<E, M, R, Enc> b,
                                                        Args&&... args) noexcept {
  static_assert(sizeof...(Args) <= 2, "sub(a, b [, mode] [, rng])");
  using Mode = detail::mode_of_t<R, Args...>;
  using F = format<E, M, Enc>;
  // a - b = a + (-b) exactly (negation keeps NaN a NaN and fnuz's only zero a zero), negated
  // by a mask rather than operator-'s branches, so that loops of sub vectorize.
  const std::uint64_t bb = b.bits();
  const bool is_nan = F::is_nan(bb), is_zero = F::is_zero(bb);  // locals: clang's -Wbitwise-instead-of-logical
  const bool keep = is_nan | (!F::has_negative_zero & is_zero);
  const std::uint64_t nb = bb ^ (keep ? std::uint64_t{0} : F::sign_mask);
  return cfloat<E, M, R, Enc>::from_bits(detail::add_bits<F, Mode>(a.bits(), nb, detail::word_from<Mode>(args...)));
}
template <int E, int M, class R, class Enc, class... Args>
FLOATLAB_HOST_DEVICE constexpr cfloat<E, M, R, Enc> mul(cfloat<E, M, R, Enc> a, cfloat<E, M, R, Enc> b,
                                                        Args&&... args) noexcept {
  static_assert(sizeof...(Args) <= 2, "mul(a, b [, mode] [, rng])");
  using Mode = detail::mode_of_t<R, Args...>;
  using F = format<E, M, Enc>;
  return cfloat<E, M, R, Enc>::from_bits(detail::mul_bits<F, Mode>(a.bits(), b.bits(), detail::word_from<Mode>(args...)));
}
template <int E, int M, class R, class Enc, class... Args>
FLOATLAB_HOST_DEVICE constexpr cfloat<E, M, R, Enc> div(cfloat<E, M, R, Enc> a, cfloat<E, M, R, Enc> b,
                                                        Args&&... args) noexcept {
  static_assert(sizeof...(Args) <= 2, "div(a, b [, mode] [, rng])");
  using Mode = detail::mode_of_t<R, Args...>;
  using F = format<E, M, Enc>;
  return cfloat<E, M, R, Enc>::from_bits(detail::div_bits<F, Mode>(a.bits(), b.bits(), detail::word_from<Mode>(args...)));
}
template <int E, int M, class R, class Enc, class... Args>
FLOATLAB_HOST_DEVICE constexpr cfloat<E, M, R, Enc> fma(cfloat<E, M, R, Enc> a, cfloat<E, M, R, Enc> b,
                                                        cfloat<E, M, R, Enc> c, Args&&... args) noexcept {
  static_assert(sizeof...(Args) <= 2, "fma(a, b, c [, mode] [, rng])");
  using Mode = detail::mode_of_t<R, Args...>;
  using F = format<E, M, Enc>;
  return cfloat<E, M, R, Enc>::from_bits(
      detail::fma_bits<F, Mode>(a.bits(), b.bits(), c.bits(), detail::word_from<Mode>(args...)));
}
template <int E, int M, class R, class Enc, class... Args>
FLOATLAB_HOST_DEVICE constexpr cfloat<E, M, R, Enc> sqrt(cfloat<E, M, R, Enc> a, Args&&... args) noexcept {
  static_assert(sizeof...(Args) <= 2, "sqrt(a [, mode] [, rng])");
  using Mode = detail::mode_of_t<R, Args...>;
  using F = format<E, M, Enc>;
  return cfloat<E, M, R, Enc>::from_bits(
      detail::sqrt_bits<F, Mode, detail::sequential_source_v<Args...>>(a.bits(), detail::word_from<Mode>(args...)));
}

// ---- the same operations with their status: op_status(...) -> with_status<cfloat> ---------
// Flags: inexact, underflow (tiny before rounding, and inexact), overflow, invalid (a NaN
// from non-NaN operands, or +0 in formats without NaN), division by zero (an infinite exact
// result from finite operands). These forms always take the exact integer kernels.
namespace detail {
template <class Fmt, class Mode, class... U>
FLOATLAB_HOST_DEVICE constexpr with_status<typename Fmt::storage> finish_status(const exact_result& r, std::uint32_t w,
                                                                              const U&... operands) noexcept {
  const bool any_nan = (false || ... || (operands.cls == value_class::nan));
  const bool all_finite = (true && ... && (operands.cls != value_class::nan && operands.cls != value_class::inf));
  switch (r.cls) {
    case value_class::zero: return {pack_zero<Fmt>(r.sign), status{}};
    case value_class::inf: return {pack_inf<Fmt>(r.sign), status{all_finite ? std::uint32_t{status::division_by_zero} : 0u, nullptr}};
    case value_class::nan: return {pack_nan<Fmt>(), status{any_nan ? 0u : std::uint32_t{status::invalid}, nullptr}};
    default: {
      const auto p = round_pack_status<Fmt, Mode>(r.sign, r.exp, r.sig, r.sticky, w);
      return {p.bits, status{p.flags, nullptr}};
    }
  }
}
enum class exact_op { add, mul, div, sqrt, fma };

// One status form: the exact kernel of O on the operands (b, c unused by unary / binary
// ops), then finish_status.
template <exact_op O, class T, class... Args>
FLOATLAB_HOST_DEVICE constexpr with_status<T> status_form(T a, T b, T c, Args&&... args) noexcept {
  static_assert(sizeof...(Args) <= 2, "op_status(operands... [, mode] [, rng])");
  using F = typename T::format_type;
  using Mode = mode_of_t<typename T::rounding_mode, Args...>;
  const unpacked x = unpack<F>(a.bits()), y = unpack<F>(b.bits()), z = unpack<F>(c.bits());
  const std::uint32_t w = word_from<Mode>(args...);
  with_status<typename F::storage> r{};
  if constexpr (O == exact_op::add)
    r = finish_status<F, Mode>(add<Mode>(x, y), w, x, y);
  else if constexpr (O == exact_op::mul)
    r = finish_status<F, Mode>(mul(x, y), w, x, y);
  else if constexpr (O == exact_op::div)
    r = finish_status<F, Mode>(div(x, y), w, x, y);
  else if constexpr (O == exact_op::sqrt)
    r = finish_status<F, Mode>(sqrt(x), w, x);
  else
    r = finish_status<F, Mode>(fma<Mode>(x, y, z), w, x, y, z);
  return {T::from_bits(r.value), r.flags};
}
}  // namespace detail

template <int E, int M, class R, class Enc, class... Args>
FLOATLAB_HOST_DEVICE constexpr with_status<cfloat<E, M, R, Enc>> add_status(cfloat<E, M, R, Enc> a, cfloat<E, M, R, Enc> b,
                                                                            Args&&... args) noexcept {
  return detail::status_form<detail::exact_op::add>(a, b, b, static_cast<Args&&>(args)...);
}
template <int E, int M, class R, class Enc, class... Args>
FLOATLAB_HOST_DEVICE constexpr with_status<cfloat<E, M, R, Enc>> sub_status(cfloat<E, M, R, Enc> a, cfloat<E, M, R, Enc> b,
                                                                            Args&&... args) noexcept {
  return detail::status_form<detail::exact_op::add>(a, -b, b, static_cast<Args&&>(args)...);
}
template <int E, int M, class R, class Enc, class... Args>
FLOATLAB_HOST_DEVICE constexpr with_status<cfloat<E, M, R, Enc>> mul_status(cfloat<E, M, R, Enc> a, cfloat<E, M, R, Enc> b,
                                                                            Args&&... args) noexcept {
  return detail::status_form<detail::exact_op::mul>(a, b, b, static_cast<Args&&>(args)...);
}
template <int E, int M, class R, class Enc, class... Args>
FLOATLAB_HOST_DEVICE constexpr with_status<cfloat<E, M, R, Enc>> div_status(cfloat<E, M, R, Enc> a, cfloat<E, M, R, Enc> b,
                                                                            Args&&... args) noexcept {
  return detail::status_form<detail::exact_op::div>(a, b, b, static_cast<Args&&>(args)...);
}
template <int E, int M, class R, class Enc, class... Args>
FLOATLAB_HOST_DEVICE constexpr with_status<cfloat<E, M, R, Enc>> fma_status(cfloat<E, M, R, Enc> a, cfloat<E, M, R, Enc> b,
                                                                            cfloat<E, M, R, Enc> c, Args&&... args) noexcept {
  return detail::status_form<detail::exact_op::fma>(a, b, c, static_cast<Args&&>(args)...);
}
template <int E, int M, class R, class Enc, class... Args>
FLOATLAB_HOST_DEVICE constexpr with_status<cfloat<E, M, R, Enc>> sqrt_status(cfloat<E, M, R, Enc> a, Args&&... args) noexcept {
  return detail::status_form<detail::exact_op::sqrt>(a, a, a, static_cast<Args&&>(args)...);
}

// ---- classification ---------------------------------------------------------------------

template <int E, int M, class R, class Enc>
FLOATLAB_HOST_DEVICE constexpr bool isnan(cfloat<E, M, R, Enc> x) noexcept {
  return format<E, M, Enc>::is_nan(x.bits());
}
template <int E, int M, class R, class Enc>
FLOATLAB_HOST_DEVICE constexpr bool isinf(cfloat<E, M, R, Enc> x) noexcept {
  return format<E, M, Enc>::is_inf(x.bits());
}
template <int E, int M, class R, class Enc>
FLOATLAB_HOST_DEVICE constexpr bool isfinite(cfloat<E, M, R, Enc> x) noexcept {
  return !isnan(x) && !isinf(x);
}
template <int E, int M, class R, class Enc>
FLOATLAB_HOST_DEVICE constexpr bool is_zero(cfloat<E, M, R, Enc> x) noexcept {
  return format<E, M, Enc>::is_zero(x.bits());
}
template <int E, int M, class R, class Enc>
FLOATLAB_HOST_DEVICE constexpr bool isnormal(cfloat<E, M, R, Enc> x) noexcept {
  using F = format<E, M, Enc>;
  return isfinite(x) && (x.bits() & F::exponent_mask) != 0;
}
template <int E, int M, class R, class Enc>
FLOATLAB_HOST_DEVICE constexpr bool is_subnormal(cfloat<E, M, R, Enc> x) noexcept {
  return isfinite(x) && !isnormal(x) && !is_zero(x);
}
// Sign bit; false for NaN (floatlab's NaN is unsigned).
template <int E, int M, class R, class Enc>
FLOATLAB_HOST_DEVICE constexpr bool signbit(cfloat<E, M, R, Enc> x) noexcept {
  return !isnan(x) && (x.bits() & format<E, M, Enc>::sign_mask) != 0;
}
template <int E, int M, class R, class Enc>
FLOATLAB_HOST_DEVICE constexpr int fpclassify(cfloat<E, M, R, Enc> x) noexcept {
  return isnan(x) ? FP_NAN : isinf(x) ? FP_INFINITE : is_zero(x) ? FP_ZERO : isnormal(x) ? FP_NORMAL : FP_SUBNORMAL;
}

// ---- sign, min/max, stepping and scaling --------------------------------------------------

template <int E, int M, class R, class Enc>
FLOATLAB_HOST_DEVICE constexpr cfloat<E, M, R, Enc> neg(cfloat<E, M, R, Enc> x) noexcept { return -x; }

template <int E, int M, class R, class Enc>
FLOATLAB_HOST_DEVICE constexpr cfloat<E, M, R, Enc> abs(cfloat<E, M, R, Enc> x) noexcept {
  using F = format<E, M, Enc>;
  if (isnan(x)) return x;
  return cfloat<E, M, R, Enc>::from_bits(static_cast<typename F::storage>(x.bits() & F::magnitude_mask));
}

// IEEE 754-2019 minimumNumber / maximumNumber: a NaN operand is ignored, -0 < +0.
template <int E, int M, class R, class Enc>
FLOATLAB_HOST_DEVICE constexpr cfloat<E, M, R, Enc> min(cfloat<E, M, R, Enc> a, cfloat<E, M, R, Enc> b) noexcept {
  if (isnan(a)) return b;
  if (isnan(b)) return a;
  if (a == b) return signbit(a) ? a : b;
  return a < b ? a : b;
}
template <int E, int M, class R, class Enc>
FLOATLAB_HOST_DEVICE constexpr cfloat<E, M, R, Enc> max(cfloat<E, M, R, Enc> a, cfloat<E, M, R, Enc> b) noexcept {
  if (isnan(a)) return b;
  if (isnan(b)) return a;
  if (a == b) return signbit(a) ? b : a;
  return a < b ? b : a;
}

// The next representable value after x in the direction of y (C nextafter). Stepping past
// the largest finite value gives what an infinite result gives in that encoding.
template <int E, int M, class R, class Enc>
FLOATLAB_HOST_DEVICE constexpr cfloat<E, M, R, Enc> nextafter(cfloat<E, M, R, Enc> x, cfloat<E, M, R, Enc> y) noexcept {
  using T = cfloat<E, M, R, Enc>;
  using F = format<E, M, Enc>;
  using S = typename F::storage;
  if (isnan(x) || isnan(y)) return T::from_bits(static_cast<S>(F::nan_bits));
  if (x == y) return y;
  const bool up = x < y;
  const std::uint64_t smallest = F::has_subnormals ? 1 : F::min_normal_bits;
  if (is_zero(x)) return T::from_bits(static_cast<S>((up ? 0 : F::sign_mask) | smallest));
  const bool negative = signbit(x);
  std::uint64_t magnitude = x.bits() & F::magnitude_mask;
  if (up != negative) {  // away from zero
    if (isinf(x)) return x;
    if (magnitude >= F::max_finite_bits) return T::from_bits(detail::pack_inf<F>(negative));
    ++magnitude;
  } else {  // toward zero
    if (isinf(x)) return T::from_bits(static_cast<S>((negative ? F::sign_mask : 0) | F::max_finite_bits));
    --magnitude;
    if (magnitude < smallest) return T::from_bits(detail::pack_zero<F>(negative));
  }
  return T::from_bits(static_cast<S>((negative ? F::sign_mask : 0) | magnitude));
}

// x * 2^n, rounded in the type's mode (or the given one) when it leaves the normal range.
template <int E, int M, class R, class Enc, class... Args>
FLOATLAB_HOST_DEVICE constexpr cfloat<E, M, R, Enc> ldexp(cfloat<E, M, R, Enc> x, int n, Args&&... args) noexcept {
  using F = format<E, M, Enc>;
  using Mode = detail::mode_of_t<R, Args...>;
  const detail::unpacked u = detail::unpack<F>(x.bits());
  if (u.cls != detail::value_class::finite) return x;
  const int clamped = n < -4400 ? -4400 : n > 4400 ? 4400 : n;  // beyond any format's range
  return cfloat<E, M, R, Enc>::from_bits(
      round_pack<F, Mode>(u.sign, u.exp + clamped, u.sig, false, detail::word_from<Mode>(args...)));
}

// x = fraction * 2^exp with |fraction| in [0.5, 1) (C frexp). In formats too narrow to hold
// [0.5, 1) exactly (E <= 2) the fraction is rounded in the type's mode.
template <int E, int M, class R, class Enc>
FLOATLAB_HOST_DEVICE constexpr cfloat<E, M, R, Enc> frexp(cfloat<E, M, R, Enc> x, int* exp) noexcept {
  using F = format<E, M, Enc>;
  const detail::unpacked u = detail::unpack<F>(x.bits());
  if (u.cls != detail::value_class::finite) {
    *exp = 0;
    return x;
  }
  const int lead = u.exp + detail::msb(u.sig);
  *exp = lead + 1;
  return ldexp(x, -(lead + 1));
}

// The same format in another rounding mode: with_rounding_t<binary16, round::upward>.
template <class T, class Mode>
struct with_rounding;
template <int E, int M, class R, class Enc, class Mode>
struct with_rounding<cfloat<E, M, R, Enc>, Mode> {
  using type = cfloat<E, M, Mode, Enc>;
};
template <class T, class Mode>
using with_rounding_t = typename with_rounding<T, Mode>::type;

// ==== mixed arithmetic with built-in arithmetic types (issue 8) ===============================
// Decisions (README "Mixing with built-in types"):
//  * x op s and s op x for s of any built-in arithmetic type but bool and long double: s is
//    converted to x's format in x's rounding mode (one rounding, exact for most literals),
//    then the cfloat operation rounds as usual. So x * 2, b + 1.0, 2 * x, x += 1 work.
//  * Comparisons with a scalar are exact (no conversion, no rounding): b > 0.1 compares b
//    with the double 0.1 itself. NaN is unordered, -0 == +0.
//  * Construction from float, double and integers is implicit, as for float
//    (bfloat16 x = 0.5; T acc = 0;), rounded once in the type's mode. Conversions out
//    (to double etc.) and between two cfloat formats stay explicit: convert<To>(x).
//  * Two different formats do not mix: the poisoned overloads below say so.
//  * std::sqrt etc. cannot be overloaded for user types (adding to namespace std is
//    undefined behaviour, [namespace.std]); floatlab's functions are found by ADL, so
//    generic code writes `using std::sqrt; sqrt(x);`. std::accumulate(b, e, T{}) sums in T.
namespace detail {
template <class S>
inline constexpr bool is_mixable_scalar_v = std::is_arithmetic_v<S> && !std::is_same_v<S, bool>;
template <class S>
FLOATLAB_HOST_DEVICE constexpr void check_scalar() noexcept {
  static_assert(!std::is_same_v<S, long double>,
                "floatlab: long double operands are not supported (convert to double or use convert<T>(x))");
}
template <class...>
inline constexpr bool always_false_v = false;
// long double is rejected above; mapping it to double here keeps that the only error.
template <class S>
using scalar_t = std::conditional_t<std::is_same_v<S, long double>, double, S>;

// The exact order of a cfloat value and a built-in scalar: -1, 0, 1, or 2 when unordered.
template <class Fmt>
FLOATLAB_HOST_DEVICE constexpr int compare_scalar(std::uint64_t bits, unpacked b) noexcept {
  const unpacked a = unpack<Fmt>(bits);
  if (a.cls == value_class::nan || b.cls == value_class::nan) return 2;
  auto sign_of = [](const unpacked& u) { return u.cls == value_class::zero ? 0 : u.sign ? -1 : 1; };
  const int sa = sign_of(a), sb = sign_of(b);
  if (sa != sb) return sa < sb ? -1 : 1;
  if (sa == 0) return 0;
  int mag = 0;  // compare |a| with |b|
  if (a.cls == value_class::inf || b.cls == value_class::inf) {
    mag = (a.cls == value_class::inf) - (b.cls == value_class::inf);
  } else {
    const unpacked na = normalized(a), nb = normalized(b);
    mag = na.exp != nb.exp ? (na.exp < nb.exp ? -1 : 1) : na.sig != nb.sig ? (na.sig < nb.sig ? -1 : 1) : 0;
  }
  return sa > 0 ? mag : -mag;
}
template <class S>
FLOATLAB_HOST_DEVICE constexpr unpacked unpack_scalar(S s) noexcept {
  if constexpr (std::is_same_v<S, double>) {
    return unpack<binary64_format>(bit_cast<std::uint64_t>(s));
  } else if constexpr (std::is_same_v<S, float>) {
    return unpack<binary32_format>(bit_cast<std::uint32_t>(s));
  } else {
    if (s == 0) return {value_class::zero, false, 0, 0};
    const bool neg = s < 0;
    std::uint64_t m = static_cast<std::uint64_t>(s);
    if (neg) m = std::uint64_t{0} - m;
    return {value_class::finite, neg, 0, m};
  }
}
}  // namespace detail

#define FLOATLAB_MIXED_ARITH(op, name)                                                                       \
  template <int E, int M, class R, class Enc, class S, std::enable_if_t<detail::is_mixable_scalar_v<S>, int> = 0> \
  FLOATLAB_HOST_DEVICE constexpr cfloat<E, M, R, Enc> operator op(cfloat<E, M, R, Enc> a, S s) noexcept {    \
    detail::check_scalar<S>();                                                                               \
    return name(a, cfloat<E, M, R, Enc>(static_cast<detail::scalar_t<S>>(s)));                                                                 \
  }                                                                                                          \
  template <int E, int M, class R, class Enc, class S, std::enable_if_t<detail::is_mixable_scalar_v<S>, int> = 0> \
  FLOATLAB_HOST_DEVICE constexpr cfloat<E, M, R, Enc> operator op(S s, cfloat<E, M, R, Enc> a) noexcept {    \
    detail::check_scalar<S>();                                                                               \
    return name(cfloat<E, M, R, Enc>(static_cast<detail::scalar_t<S>>(s)), a);                                                                 \
  }                                                                                                          \
  template <int E, int M, class R, class Enc, class S, std::enable_if_t<detail::is_mixable_scalar_v<S>, int> = 0> \
  FLOATLAB_HOST_DEVICE constexpr cfloat<E, M, R, Enc>& operator op##=(cfloat<E, M, R, Enc>& a, S s) noexcept { \
    detail::check_scalar<S>();                                                                               \
    return a = name(a, cfloat<E, M, R, Enc>(static_cast<detail::scalar_t<S>>(s)));                                                             \
  }                                                                                                          \
  template <int E1, int M1, class R1, class N1, int E2, int M2, class R2, class N2,                          \
            std::enable_if_t<!std::is_same_v<cfloat<E1, M1, R1, N1>, cfloat<E2, M2, R2, N2>>, int> = 0>      \
  FLOATLAB_HOST_DEVICE constexpr cfloat<E1, M1, R1, N1> operator op(cfloat<E1, M1, R1, N1> a,                \
                                                                    cfloat<E2, M2, R2, N2>) noexcept {       \
    static_assert(detail::always_false_v<cfloat<E2, M2, R2, N2>>,                                            \
                  "floatlab: operands of two different cfloat formats (or modes) do not mix implicitly; "   \
                  "convert one first: convert<To>(x) (one rounding, in To's mode or a given one)");         \
    return a;                                                                                                \
  }
FLOATLAB_MIXED_ARITH(+, add)
FLOATLAB_MIXED_ARITH(-, sub)
FLOATLAB_MIXED_ARITH(*, mul)
FLOATLAB_MIXED_ARITH(/, div)
#undef FLOATLAB_MIXED_ARITH

#define FLOATLAB_MIXED_COMPARE(op, test)                                                                     \
  template <int E, int M, class R, class Enc, class S, std::enable_if_t<detail::is_mixable_scalar_v<S>, int> = 0> \
  FLOATLAB_HOST_DEVICE constexpr bool operator op(cfloat<E, M, R, Enc> a, S s) noexcept {                    \
    detail::check_scalar<S>();                                                                               \
    const int c = detail::compare_scalar<format<E, M, Enc>>(a.bits(), detail::unpack_scalar(static_cast<detail::scalar_t<S>>(s)));            \
    return test;                                                                                             \
  }                                                                                                          \
  template <int E, int M, class R, class Enc, class S, std::enable_if_t<detail::is_mixable_scalar_v<S>, int> = 0> \
  FLOATLAB_HOST_DEVICE constexpr bool operator op(S s, cfloat<E, M, R, Enc> a) noexcept {                    \
    detail::check_scalar<S>();                                                                               \
    const int c = -detail::compare_scalar<format<E, M, Enc>>(a.bits(), detail::unpack_scalar(static_cast<detail::scalar_t<S>>(s)));           \
    return test;                                                                                               \
  }                                                                                                          \
  template <int E1, int M1, class R1, class N1, int E2, int M2, class R2, class N2,                          \
            std::enable_if_t<!std::is_same_v<cfloat<E1, M1, R1, N1>, cfloat<E2, M2, R2, N2>>, int> = 0>      \
  FLOATLAB_HOST_DEVICE constexpr bool operator op(cfloat<E1, M1, R1, N1>, cfloat<E2, M2, R2, N2>) noexcept { \
    static_assert(detail::always_false_v<cfloat<E2, M2, R2, N2>>,                                            \
                  "floatlab: operands of two different cfloat formats (or modes) do not mix implicitly; "   \
                  "convert one first: convert<To>(x) (one rounding, in To's mode or a given one)");         \
    return false;                                                                                            \
  }
FLOATLAB_MIXED_COMPARE(==, c == 0)
FLOATLAB_MIXED_COMPARE(!=, c != 0)
FLOATLAB_MIXED_COMPARE(<, c == -1)
FLOATLAB_MIXED_COMPARE(<=, c == -1 || c == 0)
FLOATLAB_MIXED_COMPARE(>, c == 1)
FLOATLAB_MIXED_COMPARE(>=, c == 1 || c == 0)
#undef FLOATLAB_MIXED_COMPARE
// ==== end of mixed arithmetic ================================================================

}  // namespace floatlab

// ---- std::numeric_limits -------------------------------------------------------------------

template <int E, int M, class R, class Enc>
class std::numeric_limits<floatlab::cfloat<E, M, R, Enc>> {
  using T = floatlab::cfloat<E, M, R, Enc>;
  using F = floatlab::format<E, M, Enc>;
  using S = typename F::storage;

 public:
  static constexpr bool is_specialized = true;
  static constexpr bool is_signed = true;
  static constexpr bool is_integer = false;
  static constexpr bool is_exact = false;
  static constexpr bool has_infinity = F::has_inf;
  static constexpr bool has_quiet_NaN = F::has_nan;
  static constexpr bool has_signaling_NaN = F::special == floatlab::encoding::specials::ieee && M >= 2;
  static constexpr std::float_denorm_style has_denorm = F::has_subnormals ? std::denorm_present : std::denorm_absent;
  static constexpr bool has_denorm_loss = false;
  static constexpr std::float_round_style round_style =
      std::is_same_v<R, floatlab::round::nearest_even>  ? std::round_to_nearest
      : std::is_same_v<R, floatlab::round::toward_zero> ? std::round_toward_zero
      : std::is_same_v<R, floatlab::round::upward>      ? std::round_toward_infinity
      : std::is_same_v<R, floatlab::round::downward>    ? std::round_toward_neg_infinity
                                                        : std::round_indeterminate;
  static constexpr bool is_iec559 = F::special == floatlab::encoding::specials::ieee && F::has_subnormals &&
                                    std::is_same_v<R, floatlab::round::nearest_even> &&
                                    ((E == 5 && M == 10) || (E == 8 && M == 23) || (E == 11 && M == 52));
  static constexpr bool is_bounded = true;
  static constexpr bool is_modulo = false;
  static constexpr int digits = M + 1;
  static constexpr int digits10 = static_cast<int>(M * 0.30102999566398119521);  // floor((p-1) log10 2)
  static constexpr int max_digits10 = static_cast<int>((M + 1) * 0.30102999566398119521 + 0.999999999) + 1;
  static constexpr int radix = 2;
  static constexpr int min_exponent = F::emin + 1;  // C convention: 2^(min_exponent-1) is min normal
  static constexpr int max_exponent = F::emax + 1;
  // ceil(log10(min normal)) and floor(log10(max finite)).
  static constexpr int min_exponent10 = floatlab::detail::ceil_int(F::emin * floatlab::detail::log10_2);
  static constexpr int max_exponent10 = floatlab::detail::floor_int(
      (F::emax + floatlab::detail::log2_1x(static_cast<double>(F::max_finite_bits & F::fraction_mask) /
                                           static_cast<double>(F::fraction_mask + 1))) *
      floatlab::detail::log10_2);
  static constexpr bool traps = false;
  static constexpr bool tinyness_before = false;

  FLOATLAB_HOST_DEVICE static constexpr T min() noexcept { return T::from_bits(static_cast<S>(F::min_normal_bits)); }
  FLOATLAB_HOST_DEVICE static constexpr T max() noexcept { return T::from_bits(static_cast<S>(F::max_finite_bits)); }
  FLOATLAB_HOST_DEVICE static constexpr T lowest() noexcept {
    return T::from_bits(static_cast<S>(F::sign_mask | F::max_finite_bits));
  }
  // 2^-M: the distance from 1 to the next value (1 must be representable: emin <= 0 <= emax).
  FLOATLAB_HOST_DEVICE static constexpr T epsilon() noexcept {
    return T::from_bits(floatlab::round_pack<F, floatlab::round::nearest_even>(false, -M, std::uint64_t{1}, false));
  }
  FLOATLAB_HOST_DEVICE static constexpr T round_error() noexcept {
    return T::from_bits(floatlab::round_pack<F, floatlab::round::nearest_even>(false, -1, std::uint64_t{1}, false));
  }
  FLOATLAB_HOST_DEVICE static constexpr T infinity() noexcept { return T::from_bits(floatlab::detail::pack_inf<F>(false)); }
  FLOATLAB_HOST_DEVICE static constexpr T quiet_NaN() noexcept { return T::from_bits(floatlab::detail::pack_nan<F>()); }
  FLOATLAB_HOST_DEVICE static constexpr T signaling_NaN() noexcept {
    if constexpr (has_signaling_NaN) return T::from_bits(static_cast<S>(F::exponent_mask | 1));
    else return quiet_NaN();
  }
  FLOATLAB_HOST_DEVICE static constexpr T denorm_min() noexcept {
    return T::from_bits(static_cast<S>(F::has_subnormals ? 1 : F::min_normal_bits));
  }
};

#include "convert.hpp"  // convert<To>(x [, mode] [, rng]) completes the cfloat interface
