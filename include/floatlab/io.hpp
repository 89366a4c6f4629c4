// floatlab/io.hpp (host only): streams, to_string and formatters for cfloat and fixed, on
// top of text.hpp's to_chars / from_chars.
//
//   std::cout << x;                    // shortest decimal that reads back as x
//   std::cout << std::scientific << std::setprecision(3) << x;   // 1.234e+00
//   std::string s = floatlab::to_string(x);   // also (x, chars_format, precision)
//   std::cin >> x;                     // correctly rounded in x's mode
//   std::format("{:.3e}", x)           // where <format> exists (__cpp_lib_format; g++ 12's
//                                      // libstdc++ lacks it, so this part is not compiled there)
//   fmt::format("{:.3e}", x)           // when <fmt/format.h> is included before this header
//
// Streams: without std::fixed / std::scientific the output is the shortest round trip
// (not %g with the stream's precision as for double: a custom format's 6 digits are rarely
// what anyone wants); std::fixed and std::scientific use the stream's precision, and
// std::hexfloat prints hex (1.8p+3). Width, fill and adjustment are honoured.
// Format specs (std::format and fmt): [[fill]align][width][.precision][type] with type one
// of e f g a (hex) b (raw bits), and none for the shortest round trip.
#pragma once

#include <istream>
#include <ostream>
#include <string>
#include <string_view>

#include "text.hpp"

#if defined(__has_include)
#if __has_include(<version>)
#include <version>
#endif
#endif
#if defined(__cpp_lib_format)
#include <format>
#endif

namespace floatlab {

template <class T>
inline constexpr bool is_text_type_v = is_cfloat_v<T> || is_fixed_v<T>;

template <class T, std::enable_if_t<is_text_type_v<T>, int> = 0>
std::string to_string(T x, chars_format fmt = chars_format::general, int precision = -1) {
  char buf[512];
  auto r = to_chars(buf, buf + sizeof buf, x, fmt, precision);
  if (r.ec == std::errc{}) return std::string(buf, r.ptr);
  std::string big(1u << 20, '\0');  // long fixed/precision output (up to ~1100 digits + precision)
  for (;;) {
    r = to_chars(big.data(), big.data() + big.size(), x, fmt, precision);
    if (r.ec == std::errc{}) {
      big.resize(static_cast<std::size_t>(r.ptr - big.data()));
      return big;
    }
    big.resize(big.size() * 2);
  }
}

template <class T, std::enable_if_t<is_text_type_v<T>, int> = 0>
std::ostream& operator<<(std::ostream& os, T x) {
  const auto field = os.flags() & std::ios_base::floatfield;
  const int prec = static_cast<int>(os.precision());
  std::string s;
  if (field == (std::ios_base::fixed | std::ios_base::scientific)) s = to_string(x, chars_format::hex);
  else if (field == std::ios_base::fixed) s = to_string(x, chars_format::fixed, prec);
  else if (field == std::ios_base::scientific) s = to_string(x, chars_format::scientific, prec);
  else s = to_string(x);
  if (os.flags() & std::ios_base::uppercase)
    for (char& c : s) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  if ((os.flags() & std::ios_base::showpos) && !s.empty() && s[0] != '-') s.insert(s.begin(), '+');
  return os << s;  // width, fill and adjustment as for any string
}

// Reads the longest run of characters that can belong to a number (after whitespace, and
// a '+' that std::from_chars does not take but istream >> double does), then from_chars.
// A run that is not entirely one number, or a value out of range, sets failbit (x unchanged).
template <class T, std::enable_if_t<is_text_type_v<T>, int> = 0>
std::istream& operator>>(std::istream& is, T& x) {
  std::istream::sentry guard(is);
  if (!guard) return is;
  std::string tok;
  for (;;) {
    const auto c = is.peek();
    if (c == std::char_traits<char>::eof()) {
      is.clear(is.rdstate() & ~std::ios_base::failbit);
      is.setstate(std::ios_base::eofbit);
      break;
    }
    const char ch = static_cast<char>(c);
    const bool ok = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '.' ||
                    ch == '+' || ch == '-' || ch == '(' || ch == ')' || ch == '_';
    if (!ok) break;
    tok += ch;
    is.get();
  }
  const char* b = tok.data();
  if (!tok.empty() && tok[0] == '+') ++b;
  T y = x;
  const auto r = from_chars(b, tok.data() + tok.size(), y);
  if (tok.empty() || r.ec != std::errc{} || r.ptr != tok.data() + tok.size()) {
    is.setstate(std::ios_base::failbit);
    return is;
  }
  x = y;
  return is;
}

namespace detail::text {

// [[fill]align][width][.precision][type]
struct spec {
  char fill = ' ';
  char align = 0;  // '<' '>' '^' or 0 (right, as numbers)
  int width = 0;
  int precision = -1;
  chars_format fmt = chars_format::general;
  bool any_type = false;
};

// Parses up to '}'; sets p to the position of '}' (or end); false on a bad spec.
constexpr bool parse_spec(const char*& p, const char* end, spec& s) {
  auto is_align = [](char c) { return c == '<' || c == '>' || c == '^'; };
  if (end - p >= 2 && is_align(p[1]) && p[0] != '}') {
    s.fill = p[0];
    s.align = p[1];
    p += 2;
  } else if (p != end && is_align(*p)) {
    s.align = *p++;
  }
  while (p != end && *p >= '0' && *p <= '9') s.width = s.width * 10 + (*p++ - '0');
  if (p != end && *p == '.') {
    ++p;
    if (p == end || *p < '0' || *p > '9') return false;
    s.precision = 0;
    while (p != end && *p >= '0' && *p <= '9') s.precision = s.precision * 10 + (*p++ - '0');
  }
  if (p != end && *p != '}') {
    switch (*p++) {
      case 'e': s.fmt = chars_format::scientific; break;
      case 'f': s.fmt = chars_format::fixed; break;
      case 'g': s.fmt = chars_format::general; break;
      case 'a': s.fmt = chars_format::hex; break;
      case 'b': s.fmt = chars_format::bits; break;
      default: return false;
    }
    s.any_type = true;
  }
  if (p != end && *p != '}') return false;
  if (s.fmt == chars_format::general && s.any_type && s.precision < 0) s.precision = 6;  // {:g} is %g
  return true;
}

template <class T>
std::string format_with(const spec& s, T x) {
  std::string body = to_string(x, s.fmt, s.precision);
  const int pad = s.width - static_cast<int>(body.size());
  if (pad <= 0) return body;
  const char a = s.align ? s.align : '>';
  const int left = a == '<' ? 0 : a == '^' ? pad / 2 : pad;
  return std::string(static_cast<std::size_t>(left), s.fill) + body +
         std::string(static_cast<std::size_t>(pad - left), s.fill);
}

}  // namespace detail::text
}  // namespace floatlab

#if defined(__cpp_lib_format)
// Not compiled with g++ 12 (its libstdc++ has no <format>); written to the C++20 formatter
// protocol for standard libraries that have it.
template <int E, int M, class R, class Enc>
struct std::formatter<floatlab::cfloat<E, M, R, Enc>, char> {
  floatlab::detail::text::spec s;
  constexpr auto parse(std::format_parse_context& ctx) {
    const char* first = std::to_address(ctx.begin());  // string_view iterators need not be pointers
    const char* p = first;
    if (!floatlab::detail::text::parse_spec(p, first + (ctx.end() - ctx.begin()), s))
      throw std::format_error("floatlab: bad format spec for cfloat");
    return ctx.begin() + (p - first);
  }
  template <class Ctx>
  auto format(floatlab::cfloat<E, M, R, Enc> x, Ctx& ctx) const {
    const std::string out = floatlab::detail::text::format_with(s, x);
    return std::copy(out.begin(), out.end(), ctx.out());
  }
};
template <int WL, int FL, class R, class O>
struct std::formatter<floatlab::fixed<WL, FL, R, O>, char> {
  floatlab::detail::text::spec s;
  constexpr auto parse(std::format_parse_context& ctx) {
    const char* first = std::to_address(ctx.begin());  // string_view iterators need not be pointers
    const char* p = first;
    if (!floatlab::detail::text::parse_spec(p, first + (ctx.end() - ctx.begin()), s))
      throw std::format_error("floatlab: bad format spec for fixed");
    return ctx.begin() + (p - first);
  }
  template <class Ctx>
  auto format(floatlab::fixed<WL, FL, R, O> x, Ctx& ctx) const {
    const std::string out = floatlab::detail::text::format_with(s, x);
    return std::copy(out.begin(), out.end(), ctx.out());
  }
};
#endif

#if defined(FMT_VERSION)
// {fmt}: defined when <fmt/format.h> was included before this header.
template <class T>
struct fmt::formatter<T, char, std::enable_if_t<floatlab::is_text_type_v<T>>> {
  floatlab::detail::text::spec s;
  template <class ParseCtx>
  constexpr auto parse(ParseCtx& ctx) {
    const char* p = ctx.begin();
    if (!floatlab::detail::text::parse_spec(p, ctx.end(), s)) throw fmt::format_error("floatlab: bad format spec");
    return p;
  }
  template <class Ctx>
  auto format(T x, Ctx& ctx) const {
    const std::string out = floatlab::detail::text::format_with(s, x);
    return std::copy(out.begin(), out.end(), ctx.out());
  }
};
#endif
