// floatlab/convert.hpp: conversions between any two cfloats, float, double and integers,
// each rounded once by the rounding core (design.md: "convert.hpp").
#pragma once

#include "cfloat.hpp"

namespace floatlab {

// convert<To>(x [, mode] [, rng]): To and x are cfloats, float, double or integers (one of
// them a cfloat). Rounded once, in the given mode or else the target cfloat's mode (the
// source's when converting to a built-in type).
template <class To, class From, class... Args>
FLOATLAB_HOST_DEVICE constexpr To convert(From x, Args&&... args) noexcept {
  static_assert(is_cfloat_v<To> || is_cfloat_v<From>, "convert<To>(x): To or From must be a cfloat");
  static_assert(sizeof...(Args) <= 2, "convert<To>(x [, mode] [, rng])");
  if constexpr (is_cfloat_v<To>) {
    using Mode = detail::mode_of_t<typename To::rounding_mode, Args...>;
    using ToF = typename To::format_type;
    const std::uint32_t w = detail::word_from<Mode>(args...);
    if constexpr (is_cfloat_v<From>)
      return To::from_bits(detail::convert_bits<ToF, typename From::format_type, Mode>(x.bits(), w));
    else if constexpr (std::is_same_v<From, double>)
      return To::from_bits(detail::convert_bits<ToF, detail::binary64_format, Mode>(bit_cast<std::uint64_t>(x), w));
    else if constexpr (std::is_same_v<From, float>)
      return To::from_bits(detail::convert_bits<ToF, detail::binary32_format, Mode>(bit_cast<std::uint32_t>(x), w));
    else {
      static_assert(std::is_integral_v<From>, "convert<cfloat>(x): x must be a cfloat, float, double or integer");
      return To::from_bits(detail::from_integer<ToF, Mode>(x, w));
    }
  } else {
    using Mode = detail::mode_of_t<typename From::rounding_mode, Args...>;
    using FromF = typename From::format_type;
    const std::uint32_t w = detail::word_from<Mode>(args...);
    if constexpr (std::is_same_v<To, double>)
      return bit_cast<double>(static_cast<std::uint64_t>(detail::convert_bits<detail::binary64_format, FromF, Mode>(x.bits(), w)));
    else if constexpr (std::is_same_v<To, float>)
      return bit_cast<float>(static_cast<std::uint32_t>(detail::convert_bits<detail::binary32_format, FromF, Mode>(x.bits(), w)));
    else {
      static_assert(std::is_integral_v<To>, "convert<To>(cfloat): To must be a cfloat, float, double or integer");
      return detail::to_integer<To, FromF, Mode>(x.bits(), w);
    }
  }
}

// convert_status<To>(x [, mode] [, rng]): the same rounding, with its status (inexact,
// underflow, overflow; invalid where a NaN or an infinity has no image in To).
template <class To, class From, class... Args>
FLOATLAB_HOST_DEVICE constexpr with_status<To> convert_status(From x, Args&&... args) noexcept {
  static_assert(is_cfloat_v<To> || is_cfloat_v<From>, "convert_status<To>(x): To or From must be a cfloat");
  static_assert(!std::is_integral_v<To>, "convert_status<To>(x): To must be a cfloat, float or double");
  static_assert(sizeof...(Args) <= 2, "convert_status<To>(x [, mode] [, rng])");
  using ToC = std::conditional_t<is_cfloat_v<To>, To,
                                 std::conditional_t<std::is_same_v<To, double>, binary64, binary32>>;
  using DefaultMode = typename std::conditional_t<is_cfloat_v<To>, ToC, From>::rounding_mode;
  using Mode = detail::mode_of_t<DefaultMode, Args...>;
  using ToF = typename ToC::format_type;
  const std::uint32_t w = detail::word_from<Mode>(args...);
  const auto out = [](typename ToF::storage b) {
    if constexpr (is_cfloat_v<To>)
      return To::from_bits(b);
    else
      return bit_cast<To>(static_cast<detail::uint_least_t<sizeof(To) * 8>>(b));
  };
  detail::unpacked u{};
  if constexpr (is_cfloat_v<From>)
    u = detail::unpack<typename From::format_type>(x.bits());
  else if constexpr (std::is_same_v<From, double>)
    u = detail::unpack<detail::binary64_format>(bit_cast<std::uint64_t>(x));
  else if constexpr (std::is_same_v<From, float>)
    u = detail::unpack<detail::binary32_format>(bit_cast<std::uint32_t>(x));
  else {
    static_assert(std::is_integral_v<From>, "convert_status<cfloat>(x): x must be a cfloat, float, double or integer");
    const auto p = x == 0 ? packed_result<typename ToF::storage>{detail::pack_zero<ToF>(false), 0}
                          : round_pack_status<ToF, Mode>(x < 0, 0, x < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(x) : static_cast<std::uint64_t>(x), false, w);
    return {out(p.bits), status{p.flags, nullptr}};
  }
  std::uint32_t flags = 0;
  typename ToF::storage bits = 0;
  switch (u.cls) {
    case detail::value_class::zero: bits = detail::pack_zero<ToF>(u.sign); break;
    case detail::value_class::inf:
      bits = detail::pack_inf<ToF>(u.sign);
      flags = ToF::has_inf ? 0u : std::uint32_t{status::invalid};
      break;
    case detail::value_class::nan:
      bits = detail::pack_nan<ToF>();
      flags = ToF::has_nan ? 0u : std::uint32_t{status::invalid};
      break;
    default: {
      const auto p = round_pack_status<ToF, Mode>(u.sign, u.exp, u.sig, false, w);
      bits = p.bits;
      flags = p.flags;
    }
  }
  return {out(bits), status{flags, nullptr}};
}

}  // namespace floatlab
