// floatlab/text.hpp: to_chars / from_chars for cfloat and fixed (no heap, no exceptions,
// FLOATLAB_HOST_DEVICE).
//
//   char buf[64];
//   auto [end, ec] = floatlab::to_chars(buf, buf + 64, x);            // shortest round trip
//   floatlab::to_chars(buf, buf + 64, x, floatlab::chars_format::scientific, 10);
//   floatlab::to_chars(buf, buf + 64, x, floatlab::chars_format::hex);   // 1.8p+3
//   floatlab::to_chars(buf, buf + 64, x, floatlab::chars_format::bits);  // 0x3c00
//   auto [ptr, ec2] = floatlab::from_chars(s, s + n, x);             // the type's mode
//   floatlab::from_chars(s, s + n, x, floatlab::round::upward{});
//   floatlab::from_chars(s, s + n, x, floatlab::round::stochastic<8>{}, rng);
//
// Results are std::to_chars_result / std::from_chars_result, with std::from_chars's rules
// for double (C++17 [charconv.from.chars]): no leading '+' or whitespace; "inf",
// "infinity", "nan", "nan(chars)" in any case; hex without a "0x" prefix; on no match
// ec = invalid_argument and ptr = first; a value out of range gives result_out_of_range
// with ptr after the number and x unmodified. Out of range here means IEEE overflow
// (the result rounded with an unbounded exponent exceeds the largest finite value: this
// includes results that saturate), a nonzero value rounding to zero, or "inf"/"nan" for a
// format without infinity/NaN. For binary64 these are exactly std::from_chars's cases.
//
// Correct rounding of decimal strings of any length (the argument is written out at
// dec_spec below): the first K significant digits form an exact big integer T on the
// stack, the remaining digits only set a sticky bit, and T * 10^q (q the decimal exponent
// of T's last digit) is turned into an exact binary truncation + sticky that round_pack
// (rounding.hpp) rounds once. Decimal printing works on the exact decimal expansion of the
// binary value, so nothing goes through double.
#pragma once

#include <charconv>  // std::to_chars_result, std::from_chars_result, std::errc

#include "cfloat.hpp"
#include "expansion.hpp"
#include "fixed.hpp"
#include "rounding.hpp"

namespace floatlab {

// general: shortest round trip, %f or %e style by length (std::to_chars's rule);
// with a precision, %g. bits: the raw encoding as 0x + hex digits.
enum class chars_format { scientific = 1, fixed = 2, hex = 4, general = fixed | scientific, bits = 8 };

namespace detail::text {

// ---- a fixed-size unsigned big integer (little-endian 64-bit limbs) ----------------------
// L is chosen per use from proven size bounds; writes past L are dropped, never made.
template <int L>
struct big {
  std::uint64_t w[L]{};
  int n = 0;  // limbs in use; w[n-1] != 0 unless n == 0

  FLOATLAB_HOST_DEVICE constexpr void set(u128 v) noexcept {
    n = 0;
    while (v != 0 && n < L) {
      w[n++] = static_cast<std::uint64_t>(v);
      v >>= 64;
    }
  }
  FLOATLAB_HOST_DEVICE constexpr bool zero() const noexcept { return n == 0; }
  // this = this * m + a
  FLOATLAB_HOST_DEVICE constexpr void mul_add(std::uint64_t m, std::uint64_t a) noexcept {
    u128 carry = a;
    for (int i = 0; i < n; ++i) {
      const u128 t = static_cast<u128>(w[i]) * m + carry;
      w[i] = static_cast<std::uint64_t>(t);
      carry = t >> 64;
    }
    if (carry != 0 && n < L) w[n++] = static_cast<std::uint64_t>(carry);
  }
  FLOATLAB_HOST_DEVICE constexpr int bit_length() const noexcept { return n == 0 ? 0 : 64 * (n - 1) + msb(w[n - 1]) + 1; }
  FLOATLAB_HOST_DEVICE constexpr void shl(int s) noexcept {
    if (n == 0 || s == 0) return;
    const int limbs = s / 64, bits = s % 64;
    int m = n + limbs + 1;
    if (m > L) m = L;
    for (int i = m - 1; i >= 0; --i) {
      const int src = i - limbs;
      std::uint64_t v = 0;
      if (src >= 0 && src < n) v = bits ? w[src] << bits : w[src];
      if (bits && src - 1 >= 0 && src - 1 < n) v |= w[src - 1] >> (64 - bits);
      w[i] = v;
    }
    n = m;
    while (n > 0 && w[n - 1] == 0) --n;
  }
  FLOATLAB_HOST_DEVICE constexpr int cmp(const big& o) const noexcept {
    if (n != o.n) return n < o.n ? -1 : 1;
    for (int i = n - 1; i >= 0; --i)
      if (w[i] != o.w[i]) return w[i] < o.w[i] ? -1 : 1;
    return 0;
  }
  FLOATLAB_HOST_DEVICE constexpr void add(const big& o) noexcept {
    std::uint64_t carry = 0;
    const int m = n > o.n ? n : o.n;
    for (int i = 0; i < m && i < L; ++i) {
      const std::uint64_t a = i < n ? w[i] : 0, b = i < o.n ? o.w[i] : 0;
      const std::uint64_t t = a + b;
      const std::uint64_t c1 = t < a;
      w[i] = t + carry;
      carry = c1 | (w[i] < t);
    }
    n = m;
    if (carry && n < L) w[n++] = 1;
  }
  FLOATLAB_HOST_DEVICE constexpr void sub(const big& o) noexcept {  // requires this >= o
    std::uint64_t borrow = 0;
    for (int i = 0; i < n; ++i) {
      const std::uint64_t b = i < o.n ? o.w[i] : 0;
      const std::uint64_t d = w[i] - b - borrow;
      borrow = (w[i] < b) || (w[i] - b < borrow) ? 1 : 0;
      w[i] = d;
    }
    while (n > 0 && w[n - 1] == 0) --n;
  }
  // this /= d; returns the remainder.
  FLOATLAB_HOST_DEVICE constexpr std::uint64_t divmod(std::uint64_t d) noexcept {
    u128 r = 0;
    for (int i = n - 1; i >= 0; --i) {
      const u128 cur = (r << 64) | w[i];
      w[i] = static_cast<std::uint64_t>(cur / d);
      r = cur % d;
    }
    while (n > 0 && w[n - 1] == 0) --n;
    return static_cast<std::uint64_t>(r);
  }
  // The bits from bit `lo` upward (at most 128 of them); sets `below` if a lower bit is set.
  FLOATLAB_HOST_DEVICE constexpr u128 bits_from(int lo, bool& below) const noexcept {
    u128 r = 0;
    for (int i = 0; i < n; ++i) {
      const int base = 64 * i;
      if (base + 64 <= lo) {
        below = below || w[i] != 0;
      } else if (base >= lo) {
        if (base - lo < 128) r |= static_cast<u128>(w[i]) << (base - lo);
      } else {
        const int s = lo - base;
        below = below || (w[i] << (64 - s)) != 0;
        r |= static_cast<u128>(w[i] >> s);
      }
    }
    return r;
  }
};

// 10^k for 0 <= k <= 19 (a function, not a table: device code cannot index host arrays).
FLOATLAB_HOST_DEVICE constexpr std::uint64_t pow10_u64(long long k) noexcept {
  std::uint64_t r = 1;
  for (; k > 0; --k) r *= 10;
  return r;
}

template <int L>
FLOATLAB_HOST_DEVICE constexpr void mul_pow10(big<L>& b, long long k) noexcept {
  for (; k >= 19; k -= 19) b.mul_add(pow10_u64(19), 0);
  if (k > 0) b.mul_add(pow10_u64(k), 0);
}

// floor(n log10 2) and ceil(n log10 2) bounds for 0 <= n < 10^5: 78913/2^18 < log10 2 <
// 78914/2^18, so the products bracket n log10 2 within 1.
FLOATLAB_HOST_DEVICE constexpr long long log10_2_lo(long long n) noexcept { return (n * 78913) >> 18; }
FLOATLAB_HOST_DEVICE constexpr long long log10_2_hi(long long n) noexcept { return ((n * 78914) >> 18) + 1; }
// Upper bound of n log2 10 (3.32193 < 851/256).
FLOATLAB_HOST_DEVICE constexpr long long log2_10_hi(long long n) noexcept { return (n * 851) / 256 + 1; }
FLOATLAB_HOST_DEVICE constexpr long long max_ll(long long a, long long b) noexcept { return a > b ? a : b; }

// ---- decimal -> exact binary truncation + sticky -------------------------------------------
//
// A target (a cfloat format in a mode, or a fixed type) is described by:
//   Fmin: every value at which the rounding decision can change (representable values,
//         midpoints, and for stochastic<R> the 2^R steps between neighbours) is a multiple
//         of 2^Fmin; Top: all such values are below 2^Top; PB: each of them is k * 2^f with
//         k < 2^PB, f >= Fmin; B: the number of quotient bits handed to the rounding.
// Claim: if every decision point has at most K significant decimal digits, rounding x and
// rounding T = x truncated to its first K significant digits (plus sticky = "a dropped
// digit is nonzero") give the same result. Proof: let 10^t be the place of T's last digit,
// so T <= x < T + 10^t and T has x's leading digit (place 10^l, l = t + K - 1). A decision
// point b with T < b <= x would satisfy 10^l <= T < b < T + 10^t, so b has a nonzero digit
// below 10^t and its leading digit at 10^l: at least K + 1 significant digits, a
// contradiction. So no decision point lies in (T, x]: the decision for x equals the one for
// T itself (x == T) or for T + tiny (x > T, i.e. sticky), which is what round_pack sees.
// Bound on K: a decision point b = k 2^f with f < 0 is (k 5^-f) 10^f, and k 5^-f has at most
// floor(PB log10 2 - Fmin log10 5) + 1 digits; with f >= 0, b < 2^Top has at most
// floor(Top log10 2) + 1 digits. For binary64 in nearest-even this gives K = 771 (the known 767
// plus slack); in stochastic<32>, 801.
template <int Fmin, int Top, int PB, int B>
struct dec_spec {
  static_assert(B >= 4 && B <= 126, "dec_spec: B must fit a 128-bit significand");
  static constexpr long long neg_fmin = Fmin < 0 ? -Fmin : 0;
  static constexpr long long K = max_ll(log10_2_hi(PB) + ((neg_fmin * 183231) >> 18) + 2,  // log10 5 < 183231/2^18
                                        log10_2_hi(Top > 0 ? Top : 1) + 2);
  // x < 10^(lead10+1) <= 2^Fmin: below every decision point (all such x round alike).
  static constexpr long long tiny_lead = Fmin < 0 ? -log10_2_hi(-Fmin) - 2 : log10_2_lo(Fmin) - 2;
  // x >= 10^lead10 >= 2^Top: above every decision point.
  static constexpr long long huge_lead = Top > 0 ? log10_2_hi(Top) + 1 : 1;
  // Big integers: T < 10^K; the divisor 10^m with m = K - 1 - lead10 < K - tiny_lead; the
  // product T 10^q < 10^huge_lead; one spare bit for the restoring division, one spare limb.
  static constexpr long long bits = max_ll(max_ll(log2_10_hi(K), log2_10_hi(K - tiny_lead)), log2_10_hi(huge_lead)) + 2;
  static constexpr int limbs = static_cast<int>(bits / 64) + 2;
  static constexpr int fmin = Fmin, top = Top, quotient_bits = B;
};


// |x| = (sig + sticky * tiny) * 2^exp, or zero.
struct binary_value {
  bool zero;
  int exp;
  u128 sig;
  bool sticky;
};

// The digits of [d, e) (a '.' anywhere is skipped) as read by both decimal readers below:
// the first nonzero digit, how many digits are kept (at most K: the rest only set sticky),
// q, the decimal exponent of the last kept digit (x ~ kept digits * 10^q), and lead10 with
// 10^lead10 <= x < 10^(lead10 + 1).
struct digit_run {
  const char* d;
  const char* e;
  long long kept, q, lead10;
  bool zero;
};
template <long long K>
FLOATLAB_HOST_DEVICE constexpr digit_run scan_digits(const char* d, const char* e, long long q10) noexcept {
  while (d != e && (*d == '0' || *d == '.')) ++d;
  if (d == e) return {d, e, 0, 0, 0, true};
  long long total = 0;
  for (const char* p = d; p != e; ++p) total += (*p != '.');
  const long long kept = total < K ? total : K;
  const long long q = q10 + (total - kept);
  return {d, e, kept, q, q + kept - 1, false};
}
// t = the kept digits of r as an integer, 19 at a time (t.mul_add); returns whether a
// dropped digit is nonzero (sticky).
template <int L>
FLOATLAB_HOST_DEVICE constexpr bool read_digits(big<L>& t, const digit_run& r) noexcept {
  std::uint64_t chunk = 0;
  int in_chunk = 0;
  long long taken = 0;
  const char* p = r.d;
  for (; p != r.e && taken < r.kept; ++p) {
    if (*p == '.') continue;
    chunk = chunk * 10 + static_cast<std::uint64_t>(*p - '0');
    ++taken;
    if (++in_chunk == 19) {
      t.mul_add(pow10_u64(19), chunk);
      chunk = 0;
      in_chunk = 0;
    }
  }
  if (in_chunk) t.mul_add(pow10_u64(in_chunk), chunk);
  bool sticky = false;
  for (; p != r.e; ++p) sticky = sticky || (*p != '0' && *p != '.');
  return sticky;
}

// |x| = (the digits of [d, e), skipping '.') * 10^q10, as an exact binary truncation of at
// least quotient_bits - 1 significant bits plus sticky (or a stand-in of the same rounding
// class when x is beyond every decision point, see dec_spec).
template <class Spec>
FLOATLAB_HOST_DEVICE constexpr binary_value decimal_to_binary(const char* d, const char* e, long long q10) noexcept {
  constexpr int L = Spec::limbs;
  constexpr int B = Spec::quotient_bits;
  const digit_run r = scan_digits<Spec::K>(d, e, q10);
  if (r.zero) return {true, 0, 0, false};
  const long long kept = r.kept, q = r.q;
  if (r.lead10 <= Spec::tiny_lead) return {false, Spec::fmin - 2, 1, true};
  if (r.lead10 >= Spec::huge_lead) return {false, Spec::top, 1, true};

  big<L> t;
  const bool sticky = read_digits(t, r);

  // Short inputs: exact 128-bit integer arithmetic, with 10^q = 5^q 2^q and 5^|q| < 2^63
  // (|q| <= 27), T < 10^19 < 2^64: T 5^q < 2^127, and T 2^s / 5^m has >= 64 bits.
  if (kept <= 19 && q >= -27 && q <= 27 && (q >= 0 || B <= 64)) {
    const u128 tv = t.w[0];
    std::uint64_t p5 = 1;
    for (long long i = 0; i < (q < 0 ? -q : q); ++i) p5 *= 5;
    if (q >= 0) return {false, static_cast<int>(q), tv * p5, sticky};
    const int s = 127 - msb(tv);  // T 2^s has its top bit at 127
    const u128 num = tv << s;
    return {false, static_cast<int>(q) - s, num / p5, sticky || num % p5 != 0};
  }
  if (q >= 0) {
    mul_pow10(t, q);
    const int bl = t.bit_length();
    const int lo = bl > B ? bl - B : 0;
    bool below = false;
    const u128 sig = t.bits_from(lo, below);
    return {false, lo, sig, sticky || below};
  }
  // x = T / 10^m: restoring division after aligning the bit lengths.
  big<L> den;
  den.set(1);
  mul_pow10(den, -q);
  const int j0 = t.bit_length() - den.bit_length();
  if (j0 >= 0) den.shl(j0);
  else t.shl(-j0);
  u128 quo = 0;
  for (int i = 0; i < B; ++i) {
    quo <<= 1;
    if (t.cmp(den) >= 0) {
      t.sub(den);
      quo |= 1;
    }
    t.shl(1);
  }
  // T'/D' in [1/2, 2) and quo = floor(T'/D' 2^(B-1)): x = (quo + frac) 2^(j0 - B + 1).
  return {false, j0 - B + 1, quo, sticky || !t.zero()};
}

// Hex digits (one '.' skipped) * 2^e2, at most 124 significant bits kept exactly.
FLOATLAB_HOST_DEVICE constexpr int hex_value(char c) noexcept {
  return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}
FLOATLAB_HOST_DEVICE constexpr binary_value hex_to_binary(const char* d, const char* e, long long e2) noexcept {
  while (d != e && (*d == '0' || *d == '.')) ++d;
  if (d == e) return {true, 0, 0, false};
  u128 sig = 0;
  int kept = 0;
  long long dropped = 0;
  bool sticky = false;
  for (; d != e; ++d) {
    if (*d == '.') continue;
    const int v = hex_value(*d);
    if (kept < 31) {
      sig = (sig << 4) | static_cast<unsigned>(v);
      ++kept;
    } else {
      ++dropped;
      sticky = sticky || v != 0;
    }
  }
  long long ex = e2 + 4 * dropped;
  // Far beyond any format (|exponents| < 1200 plus 128 bits of significand): clamp so
  // that round_pack's int arithmetic stays in range; the rounding class is unchanged.
  if (ex > 100000) ex = 100000;
  if (ex < -100000) ex = -100000;
  return {false, static_cast<int>(ex), sig, sticky};
}

// ---- the decision points of a target -------------------------------------------------------

template <class Mode>
inline constexpr int decision_bits_v = is_stochastic_v<Mode> ? stochastic_bits_v<Mode> : 1;

// cfloat: decisions at multiples of 2^(lsb - R) with lsb >= emin - p (one binade lower for
// flush-to-zero carries into the normal range), below 2^(emax + 2).
template <class Fmt, class Mode>
using cfloat_spec = dec_spec<Fmt::emin - Fmt::precision - decision_bits_v<Mode>, Fmt::emax + 2,
                             Fmt::precision + decision_bits_v<Mode> + 1, Fmt::precision + decision_bits_v<Mode> + 3>;

// fixed<WL, FL>: decisions at multiples of 2^(-FL - R), below 2^(WL - FL).
template <int WL, int FL, class Mode>
using fixed_spec = dec_spec<-FL - decision_bits_v<Mode> - 1, WL - FL + 1, WL + decision_bits_v<Mode> + 2,
                            (WL + decision_bits_v<Mode> + 4 < 126 ? WL + decision_bits_v<Mode> + 4 : 126)>;

// Rounds v into Fmt; sets range_error for IEEE overflow and for a nonzero value that
// becomes zero. Overflow is decided on the exact value: rounding commutes with scaling
// by 2^-emax while the scaled value stays normal, so the top binade is rounded at 1.x
// (one call of round_pack) and compared with the largest finite value scaled alike.
template <class Fmt, class Mode>
FLOATLAB_HOST_DEVICE constexpr typename Fmt::storage round_binary(bool neg, binary_value v, std::uint32_t word,
                                                                 bool& range_error) noexcept {
  range_error = false;
  if (v.zero) return pack_zero<Fmt>(neg);
  const auto r = round_pack<Fmt, Mode>(neg, v.exp, v.sig, v.sticky, word);
  const int lead = v.exp + msb(v.sig);
  bool over = false;
  if (lead > Fmt::emax) {
    over = true;
  } else if (lead == Fmt::emax) {
    if constexpr (Fmt::emin <= 0 && Fmt::emax >= 1) {
      const std::uint64_t scaled = round_pack<Fmt, Mode>(neg, v.exp - Fmt::emax, v.sig, v.sticky, word) & Fmt::magnitude_mask;
      const std::uint64_t scaled_max = (static_cast<std::uint64_t>(Fmt::bias) << Fmt::fraction_bits) |
                                       (Fmt::max_finite_bits & Fmt::fraction_mask);
      over = scaled > scaled_max;
    } else {
      over = Fmt::is_inf(r) || Fmt::is_nan(r);
    }
  }
  range_error = over || Fmt::is_zero(r);
  return r;
}

// ---- scanning ------------------------------------------------------------------------------

FLOATLAB_HOST_DEVICE constexpr char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
FLOATLAB_HOST_DEVICE constexpr bool match_word(const char* p, const char* last, const char* w) noexcept {
  for (; *w; ++w, ++p)
    if (p == last || lower(*p) != *w) return false;
  return true;
}
FLOATLAB_HOST_DEVICE constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

enum class scan_kind { none, number, inf, nan };
struct scan_result {
  scan_kind kind;
  bool neg;
  const char* digits_begin;  // digits with at most one '.'
  const char* digits_end;
  long long exp;             // decimal: exponent of the last digit; hex: power of 2 of the last digit
  const char* end;           // one past the match
};

// The subject sequence of std::from_chars for floating point ([charconv.from.chars]:
// strtod's pattern without leading whitespace or '+', hex without "0x").
FLOATLAB_HOST_DEVICE constexpr scan_result scan(const char* first, const char* last, chars_format fmt) noexcept {
  scan_result r{scan_kind::none, false, first, first, 0, first};
  const char* p = first;
  if (p != last && *p == '-') {
    r.neg = true;
    ++p;
  }
  if (match_word(p, last, "inf")) {
    p += 3;
    if (match_word(p, last, "inity")) p += 5;
    r.kind = scan_kind::inf;
    r.end = p;
    return r;
  }
  if (match_word(p, last, "nan")) {
    p += 3;
    if (p != last && *p == '(') {
      const char* q = p + 1;
      while (q != last && (is_digit(*q) || (lower(*q) >= 'a' && lower(*q) <= 'z') || *q == '_')) ++q;
      if (q != last && *q == ')') p = q + 1;
    }
    r.kind = scan_kind::nan;
    r.end = p;
    return r;
  }
  const bool hex = fmt == chars_format::hex;
  const char* begin = p;
  long long frac = 0;
  bool any = false, point = false;
  for (; p != last; ++p) {
    if (hex ? hex_value(*p) >= 0 : is_digit(*p)) {
      any = true;
      frac += point;
    } else if (*p == '.' && !point) {
      point = true;
    } else {
      break;
    }
  }
  if (!any) return r;
  r.digits_begin = begin;
  r.digits_end = p;
  // Exponent: 'e' (decimal, not in fixed) or 'p' (hex), sign, at least one digit; else
  // it is not part of the number. Saturated: any |exponent| past 10^15 is out of range
  // for every target.
  long long ex = 0;
  bool has_exp = false;
  const bool exp_allowed = hex || fmt != chars_format::fixed;
  if (exp_allowed && p != last && lower(*p) == (hex ? 'p' : 'e')) {
    const char* q = p + 1;
    bool eneg = false;
    if (q != last && (*q == '+' || *q == '-')) {
      eneg = *q == '-';
      ++q;
    }
    if (q != last && is_digit(*q)) {
      for (; q != last && is_digit(*q); ++q)
        if (ex < 1000000000000000LL) ex = ex * 10 + (*q - '0');
      if (eneg) ex = -ex;
      has_exp = true;
      p = q;
    }
  }
  if (!hex && fmt == chars_format::scientific && !has_exp) return r;
  r.kind = scan_kind::number;
  r.exp = hex ? ex - 4 * frac : ex - frac;
  r.end = p;
  return r;
}

// ---- exact decimal expansion of sig * 2^exp -------------------------------------------------

// Digits of the largest exact expansion: sig < 2^SigBits; exp in [MinExp, MaxExp].
template <int SigBits, int MinExp, int MaxExp>
struct digits_spec {
  static constexpr long long neg = MinExp < 0 ? -MinExp : 0;
  // sig 5^neg (log2 5 < 595/256) or sig 2^MaxExp
  static constexpr long long bits = max_ll(SigBits + (neg * 595) / 256 + 1, SigBits + (MaxExp > 0 ? MaxExp : 0)) + 1;
  static constexpr int limbs = static_cast<int>(bits / 64) + 2;
  static constexpr int max_digits = static_cast<int>(log10_2_hi(bits) + 2);
};

// |x| = d[0].d[1]...d[n-1] * 10^e10, d[0] != 0, no trailing zeros.
template <int MaxDigits>
struct decimal {
  char d[MaxDigits];
  int n;
  int e10;
};

template <class Spec>
FLOATLAB_HOST_DEVICE constexpr decimal<Spec::max_digits> exact_decimal(big<Spec::limbs> b, int exp) noexcept;
template <class Spec>
FLOATLAB_HOST_DEVICE constexpr decimal<Spec::max_digits> exact_decimal(std::uint64_t sig, int exp) noexcept {
  big<Spec::limbs> b;
  b.set(sig);
  return exact_decimal<Spec>(b, exp);
}
template <class Spec>
FLOATLAB_HOST_DEVICE constexpr decimal<Spec::max_digits> exact_decimal(big<Spec::limbs> b, int exp) noexcept {
  int e10 = 0;
  if (exp >= 0) {
    b.shl(exp);
  } else {
    // sig 2^exp = sig 5^-exp 10^exp; 5^27 < 2^63
    int k = -exp;
    for (; k >= 27; k -= 27) b.mul_add(7450580596923828125ull, 0);
    std::uint64_t p5 = 1;
    for (int i = 0; i < k; ++i) p5 *= 5;
    b.mul_add(p5, 0);
    e10 = exp;
  }
  std::uint64_t chunks[Spec::max_digits / 19 + 2] = {};
  int nc = 0;
  while (!b.zero()) chunks[nc++] = b.divmod(pow10_u64(19));
  decimal<Spec::max_digits> r{};
  int n = 0;
  for (int c = nc - 1; c >= 0; --c) {
    char tmp[19] = {};
    std::uint64_t v = chunks[c];
    for (int i = 18; i >= 0; --i) {
      tmp[i] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
    int i = 0;
    if (c == nc - 1)
      while (i < 18 && tmp[i] == '0') ++i;
    for (; i < 19; ++i) r.d[n++] = tmp[i];
  }
  const int total = n;
  while (n > 1 && r.d[n - 1] == '0') --n;
  r.n = n;
  r.e10 = e10 + total - 1;
  return r;
}

// Does rounding d[0..n) to k significant digits, nearest-even, go up? (k >= 0; the
// discarded digits enter detail::round_up as a fraction: first digit * 2^31 / 5 is below,
// at or above half exactly when the digit is below, at or above 5.)
template <class Mode = round::nearest_even>
FLOATLAB_HOST_DEVICE constexpr bool decimal_round_up(const char* d, int n, int k) noexcept {
  if (k >= n) return false;
  const std::uint32_t first = static_cast<std::uint32_t>((static_cast<std::uint64_t>(d[k] - '0') << 31) / 5);
  bool sticky = false;
  for (int i = k + 1; i < n; ++i) sticky = sticky || d[i] != '0';
  const bool odd = k > 0 && ((d[k - 1] - '0') & 1);
  return round_up<Mode>(false, odd, first, sticky, 0);
}

// d[0..k) rounded (up or not) into out; returns the resulting e10 (one more on a carry to 10^n).
template <int N>
FLOATLAB_HOST_DEVICE constexpr int round_digits(const decimal<N>& x, int k, bool up, char* out, int& out_n) noexcept {
  int e10 = x.e10;
  for (int i = 0; i < k; ++i) out[i] = i < x.n ? x.d[i] : '0';
  out_n = k;
  if (up) {
    int i = k - 1;
    while (i >= 0 && out[i] == '9') out[i--] = '0';
    if (i >= 0) {
      ++out[i];
    } else {  // 99..9 -> 100..0 (k = 0: the first unit)
      if (k > 0) out[0] = '1';
      else {
        out[0] = '1';
        out_n = 1;
      }
      ++e10;
    }
  }
  while (out_n > 1 && out[out_n - 1] == '0') --out_n;
  if (out_n == 1 && out[0] == '0') out_n = 0;  // rounded to zero
  return e10;
}

// ---- output --------------------------------------------------------------------------------

struct sink {
  char* p;
  char* last;
  bool ok = true;
  // A constructor, not aggregate initialization: clang-tidy's readability-non-const-parameter
  // would otherwise ask to_chars's std::to_chars-shaped (char* first, char* last) for const.
  FLOATLAB_HOST_DEVICE constexpr sink(char* first, char* end) noexcept : p(first), last(end) {}
  FLOATLAB_HOST_DEVICE constexpr void put(char c) noexcept {
    if (p == last) ok = false;
    else *p++ = c;
  }
  FLOATLAB_HOST_DEVICE constexpr void put(const char* s) noexcept {
    while (*s) put(*s++);
  }
  FLOATLAB_HOST_DEVICE constexpr void put_int(long long v, int min_digits) noexcept {
    char tmp[24] = {};
    int n = 0;
    unsigned long long u = v < 0 ? 0ull - static_cast<unsigned long long>(v) : static_cast<unsigned long long>(v);
    do {
      tmp[n++] = static_cast<char>('0' + u % 10);
      u /= 10;
    } while (u != 0 || n < min_digits);
    while (n > 0) put(tmp[--n]);
  }
  FLOATLAB_HOST_DEVICE constexpr std::to_chars_result result() const noexcept {
    if (!ok) return {last, std::errc::value_too_large};
    return {p, std::errc{}};
  }
};

// digits d[0..n) (n may be 0: zero) at 10^e10 for d[0].
FLOATLAB_HOST_DEVICE constexpr void put_scientific(sink& s, const char* d, int n, int e10, int frac_digits) noexcept {
  s.put(n > 0 ? d[0] : '0');
  if (frac_digits > 0) s.put('.');
  for (int i = 1; i <= frac_digits; ++i) s.put(i < n ? d[i] : '0');
  s.put('e');
  s.put(e10 < 0 ? '-' : '+');
  s.put_int(e10 < 0 ? -static_cast<long long>(e10) : e10, 2);
}
FLOATLAB_HOST_DEVICE constexpr void put_fixed(sink& s, const char* d, int n, int e10, int frac_digits) noexcept {
  if (n == 0 || e10 < 0) {
    s.put('0');
  } else {
    for (int pos = e10; pos >= 0; --pos) {
      const int i = e10 - pos;
      s.put(i < n ? d[i] : '0');
    }
  }
  if (frac_digits > 0) s.put('.');
  for (int j = 1; j <= frac_digits; ++j) {
    const int i = e10 + j;  // digit index of place 10^-j
    s.put(n > 0 && i >= 0 && i < n ? d[i] : '0');
  }
}

// Shortest round trip: the fewest significant digits k such that the k-digit truncation
// or its successor reads back (through Reads(digits, n, e10)) as x; then the nearer of the
// two that do. The set of decimals that read as x is an interval containing x (rounding
// is monotone, for a fixed random word too), so if k digits suffice, k + 1 do: binary search.
// cap: a digit count that usually suffices (max_digits10 for nearest modes: Matula 1968),
// tried first to shorten the search; the exact digit count is the fallback.
template <int N, class Reads>
FLOATLAB_HOST_DEVICE constexpr void shortest(const decimal<N>& x, Reads&& reads, char* out, int& out_n, int& out_e10,
                                             int cap = 0) noexcept {
  char lo_d[N] = {}, hi_d[N] = {};
  int lo_n = 0, hi_n = 0;
  auto try_k = [&](int k, bool& lo_ok, bool& hi_ok, int& lo_e, int& hi_e) {
    lo_e = round_digits(x, k, false, lo_d, lo_n);
    lo_ok = reads(lo_d, lo_n, lo_e);
    hi_ok = false;
    hi_e = lo_e;
    if (k < x.n) {
      hi_e = round_digits(x, k, true, hi_d, hi_n);
      hi_ok = reads(hi_d, hi_n, hi_e);
    }
    return lo_ok || hi_ok;
  };
  int lo = 1, hi = x.n;  // hi always works (the exact value)
  if (cap > 0 && cap < hi) {
    bool a = false, b = false;
    int ea = 0, eb = 0;
    if (try_k(cap, a, b, ea, eb)) hi = cap;
    else lo = cap + 1;
  }
  while (lo < hi) {
    const int mid = (lo + hi) / 2;
    bool a = false, b = false;
    int ea = 0, eb = 0;
    if (try_k(mid, a, b, ea, eb)) hi = mid;
    else lo = mid + 1;
  }
  bool a = false, b = false;
  int ea = 0, eb = 0;
  try_k(hi, a, b, ea, eb);
  const bool take_hi = b && (!a || decimal_round_up(x.d, x.n, hi));
  if (take_hi) {
    for (int i = 0; i < hi_n; ++i) out[i] = hi_d[i];
    out_n = hi_n;
    out_e10 = eb;
  } else {
    for (int i = 0; i < lo_n; ++i) out[i] = lo_d[i];
    out_n = lo_n;
    out_e10 = ea;
  }
}

// The decimal forms shared by every type, given the exact decimal of |x|.
template <int N, class Reads>
FLOATLAB_HOST_DEVICE constexpr void put_decimal(sink& s, const decimal<N>& x, chars_format fmt, int precision,
                                                Reads&& reads, int cap = 0) noexcept {
  char d[N + 1] = {};
  int n = 0;
  if (precision < 0) {
    int e10 = 0;
    shortest(x, reads, d, n, e10, cap);
    if (fmt == chars_format::scientific) return put_scientific(s, d, n, e10, n - 1);
    // Fixed: an integer at or beyond the last shortest digit prints its own (exact or
    // nearest) integer digits: the string of that length closest to x (std::to_chars).
    int fn = n, fe = e10;
    char fd[N + 1] = {};
    for (int i = 0; i < n; ++i) fd[i] = d[i];
    if (e10 >= n - 1) fe = round_digits(x, e10 + 1, decimal_round_up(x.d, x.n, e10 + 1), fd, fn);
    const int fixed_frac = fe >= fn - 1 ? 0 : fn - 1 - fe;
    if (fmt == chars_format::fixed) return put_fixed(s, fd, fn, fe, fixed_frac);
    // general: the shorter, fixed on a tie.
    const int fixed_len = fe >= fn - 1 ? fe + 1 : fe >= 0 ? fn + 1 : fn + 1 - fe;
    const int abs_e = e10 < 0 ? -e10 : e10;
    const int sci_len = n + (n > 1) + 2 + (abs_e >= 100 ? (abs_e >= 1000 ? 4 : 3) : 2);
    if (fixed_len <= sci_len) return put_fixed(s, fd, fn, fe, fixed_frac);
    return put_scientific(s, d, n, e10, n - 1);
  }
  if (fmt == chars_format::scientific) {
    const int k = precision + 1 < N ? precision + 1 : N;
    const int e10 = round_digits(x, k, decimal_round_up(x.d, x.n, k), d, n);
    return put_scientific(s, d, n, e10, precision);
  }
  if (fmt == chars_format::fixed) {
    const long long kk = static_cast<long long>(x.e10) + 1 + precision;
    if (kk < 0) return put_fixed(s, d, 0, 0, precision);  // below half a unit of the last place
    const int k = kk < N ? static_cast<int>(kk) : N;
    const int e10 = round_digits(x, k, decimal_round_up(x.d, x.n, k), d, n);
    return put_fixed(s, d, n, e10, precision);
  }
  // general with a precision: %g.
  const int P = precision == 0 ? 1 : precision < N ? precision : N;
  const int e10 = round_digits(x, P, decimal_round_up(x.d, x.n, P), d, n);
  if (P > e10 && e10 >= -4) return put_fixed(s, d, n, e10, n - 1 - e10 > 0 ? n - 1 - e10 : 0);
  return put_scientific(s, d, n, e10, n - 1);
}

FLOATLAB_HOST_DEVICE constexpr char hex_digit(unsigned v) noexcept { return "0123456789abcdef"[v & 15]; }

// lead.frac p exp, frac holding frac_bits bits (a multiple of 4 after padding); with a
// precision, rounded to that many hex digits (nearest-even, through round_up).
FLOATLAB_HOST_DEVICE constexpr void put_hex(sink& s, unsigned lead, std::uint64_t frac, int frac_bits, int exp,
                                            int precision) noexcept {
  const int pad = (4 - frac_bits % 4) % 4;
  frac <<= pad;
  int digits = (frac_bits + pad) / 4;
  if (precision >= 0 && precision < digits) {
    const int drop = 4 * (digits - precision);
    const std::uint64_t kept = drop >= 64 ? 0 : frac >> drop;
    const std::uint64_t rem = drop >= 64 ? frac : frac << (64 - drop);
    const bool odd = precision > 0 ? (kept & 1) != 0 : (lead & 1) != 0;
    const bool up = round_up<round::nearest_even>(false, odd, rem, false, 0);
    std::uint64_t k2 = kept + up;
    if (precision == 0 || (k2 >> (4 * precision)) != 0) {
      if (precision > 0) k2 &= (std::uint64_t{1} << (4 * precision)) - 1;
      else k2 = 0;
      if (up && (precision == 0 || k2 == 0)) ++lead;
    }
    frac = k2;
    digits = precision;
  }
  // A carry into 2.0 prints as 2.000p+e (as std::to_chars and printf %a do).
  s.put(hex_digit(lead));
  int shown = digits;
  if (precision < 0)
    while (shown > 0 && ((frac >> (4 * (digits - shown))) & 15) == 0) --shown;
  if (shown > 0) s.put('.');
  for (int i = 0; i < shown; ++i) s.put(hex_digit(static_cast<unsigned>(frac >> (4 * (digits - 1 - i)))));
  for (int i = digits; i < precision; ++i) s.put('0');
  s.put('p');
  s.put(exp < 0 ? '-' : '+');
  s.put_int(exp < 0 ? -static_cast<long long>(exp) : exp, 1);
}

// Zero (the sign is already out) in fmt: "0" or "0e+00" when shortest (precision < 0),
// otherwise as put_decimal writes an all-zero decimal of D digits.
template <int D>
FLOATLAB_HOST_DEVICE constexpr void put_zero(sink& s, chars_format fmt, int precision) noexcept {
  if (precision < 0) {
    s.put(fmt == chars_format::scientific ? "0e+00" : "0");
    return;
  }
  decimal<D> z{};
  z.n = 0;
  put_decimal(s, z, fmt, precision, [](const char*, int, int) { return true; });
}

}  // namespace detail::text

// ---- cfloat ----------------------------------------------------------------------------------

// The mode in which to_chars's shortest output reads back as x: the type's own, or
// nearest-even for stochastic types (whose reading is random).
template <class R>
using round_trip_mode_t = std::conditional_t<is_stochastic_v<R>, round::nearest_even, R>;

template <int E, int M, class R, class Enc>
FLOATLAB_HOST_DEVICE constexpr std::to_chars_result to_chars(char* first, char* last, cfloat<E, M, R, Enc> x,
                                                            chars_format fmt, int precision) noexcept {
  using F = format<E, M, Enc>;
  using Spec = detail::text::digits_spec<M + 1, F::emin - M, F::emax - M>;
  using Rt = round_trip_mode_t<R>;
  using RSpec = detail::text::cfloat_spec<F, Rt>;
  detail::text::sink s{first, last};
  const std::uint64_t bits = x.bits();
  if (fmt == chars_format::bits) {
    s.put("0x");
    constexpr int nd = (F::total_bits + 3) / 4;
    for (int i = nd - 1; i >= 0; --i) s.put(detail::text::hex_digit(static_cast<unsigned>(bits >> (4 * i))));
    return s.result();
  }
  const detail::unpacked u = detail::unpack<F>(bits);
  if (u.cls == detail::value_class::nan) {
    s.put("nan");
    return s.result();
  }
  if (u.sign) s.put('-');
  if (u.cls == detail::value_class::inf) {
    s.put("inf");
    return s.result();
  }
  if (fmt == chars_format::hex) {
    if (u.cls == detail::value_class::zero) {
      detail::text::put_hex(s, 0, 0, M, 0, precision);
    } else if ((bits & F::exponent_mask) == 0) {
      detail::text::put_hex(s, 0, bits & F::fraction_mask, M, F::emin, precision);
    } else {
      detail::text::put_hex(s, 1, bits & F::fraction_mask, M, u.exp + M, precision);
    }
    return s.result();
  }
  if (u.cls == detail::value_class::zero) {
    detail::text::put_zero<Spec::max_digits>(s, fmt, precision);
    return s.result();
  }
  const auto dec = detail::text::exact_decimal<Spec>(u.sig, u.exp);
  const bool neg = u.sign;
  auto reads = [bits, neg](const char* d, int n, int e10) {
    if (n == 0) return false;
    const auto v = detail::text::decimal_to_binary<RSpec>(d, d + n, static_cast<long long>(e10) - (n - 1));
    bool range_error = false;
    return detail::text::round_binary<F, Rt>(neg, v, 0, range_error) == bits && !range_error;
  };
  constexpr bool nearest = std::is_same_v<Rt, round::nearest_even> || std::is_same_v<Rt, round::nearest_away>;
  constexpr int cap = nearest ? static_cast<int>(detail::text::log10_2_hi(M + 1)) + 1 : 0;  // >= max_digits10
  detail::text::put_decimal(s, dec, fmt, precision, reads, cap);
  return s.result();
}
template <int E, int M, class R, class Enc>
FLOATLAB_HOST_DEVICE constexpr std::to_chars_result to_chars(char* first, char* last, cfloat<E, M, R, Enc> x,
                                                            chars_format fmt = chars_format::general) noexcept {
  return to_chars(first, last, x, fmt, -1);
}

namespace detail::text {

// Optional arguments of from_chars: ([fmt] [, mode] [, mode, source] [, source]).
template <class... Args>
inline constexpr bool first_is_format_v = false;
template <class A, class... Rest>
inline constexpr bool first_is_format_v<A, Rest...> = std::is_same_v<std::decay_t<A>, chars_format>;

template <class F, class Mode>
FLOATLAB_HOST_DEVICE constexpr std::from_chars_result cfloat_from_chars(const char* first, const char* last,
                                                                       std::uint64_t& out, chars_format fmt,
                                                                       std::uint32_t word) noexcept {
  if (fmt == chars_format::bits) {
    const char* p = first;
    if (last - p >= 2 && p[0] == '0' && lower(p[1]) == 'x' && last - p >= 3 && hex_value(p[2]) >= 0) p += 2;
    if (p == last || hex_value(*p) < 0) return {first, std::errc::invalid_argument};
    std::uint64_t v = 0;
    bool big_value = false;
    for (; p != last && hex_value(*p) >= 0; ++p) {
      big_value = big_value || (v >> 60) != 0;
      v = (v << 4) | static_cast<unsigned>(hex_value(*p));
    }
    if (big_value || (v & ~(F::sign_mask | F::magnitude_mask)) != 0) return {p, std::errc::result_out_of_range};
    out = v;
    return {p, std::errc{}};
  }
  const scan_result r = scan(first, last, fmt);
  switch (r.kind) {
    case scan_kind::none: return {first, std::errc::invalid_argument};
    case scan_kind::inf:
      if (!F::has_inf) return {r.end, std::errc::result_out_of_range};
      out = pack_inf<F>(r.neg);
      return {r.end, std::errc{}};
    case scan_kind::nan:
      if (!F::has_nan) return {r.end, std::errc::result_out_of_range};
      out = pack_nan<F>();
      return {r.end, std::errc{}};
    default: break;
  }
  const binary_value v = fmt == chars_format::hex
                             ? hex_to_binary(r.digits_begin, r.digits_end, r.exp)
                             : decimal_to_binary<cfloat_spec<F, Mode>>(r.digits_begin, r.digits_end, r.exp);
  bool range_error = false;
  const auto bits = round_binary<F, Mode>(r.neg, v, word, range_error);
  if (range_error) return {r.end, std::errc::result_out_of_range};
  out = bits;
  return {r.end, std::errc{}};
}

}  // namespace detail::text

// from_chars(first, last, x [, fmt] [, mode] [, mode, source] [, source]): correctly
// rounded in the given mode, else the type's; stochastic modes draw one word per call.
template <int E, int M, class R, class Enc, class... Args>
FLOATLAB_HOST_DEVICE constexpr std::from_chars_result from_chars(const char* first, const char* last,
                                                                cfloat<E, M, R, Enc>& x, chars_format fmt,
                                                                Args&&... args) noexcept {
  static_assert(sizeof...(Args) <= 2, "from_chars(first, last, x [, fmt] [, mode] [, rng])");
  using Mode = detail::mode_of_t<R, Args...>;
  using F = format<E, M, Enc>;
  std::uint64_t bits = 0;
  const std::uint32_t w = detail::word_from<Mode>(args...);
  const auto res = detail::text::cfloat_from_chars<F, Mode>(first, last, bits, fmt, w);
  if (res.ec == std::errc{}) x = cfloat<E, M, R, Enc>::from_bits(static_cast<typename F::storage>(bits));
  return res;
}
template <int E, int M, class R, class Enc, class... Args,
          std::enable_if_t<!detail::text::first_is_format_v<Args...>, int> = 0>
FLOATLAB_HOST_DEVICE constexpr std::from_chars_result from_chars(const char* first, const char* last,
                                                                cfloat<E, M, R, Enc>& x, Args&&... args) noexcept {
  return from_chars(first, last, x, chars_format::general, static_cast<Args&&>(args)...);
}

// ---- fixed -----------------------------------------------------------------------------------

template <int WL, int FL, class R, class O>
FLOATLAB_HOST_DEVICE constexpr std::to_chars_result to_chars(char* first, char* last, fixed<WL, FL, R, O> x,
                                                            chars_format fmt, int precision) noexcept {
  using Spec = detail::text::digits_spec<64, -FL, -FL>;
  using Rt = round_trip_mode_t<R>;
  using RSpec = detail::text::fixed_spec<WL, FL, Rt>;
  detail::text::sink s{first, last};
  const std::int64_t raw = x.raw();
  if (fmt == chars_format::bits) {
    s.put("0x");
    constexpr int nd = (WL + 3) / 4;
    const std::uint64_t b = x.bits();
    for (int i = nd - 1; i >= 0; --i) s.put(detail::text::hex_digit(static_cast<unsigned>(b >> (4 * i))));
    return s.result();
  }
  const bool neg = raw < 0;
  const std::uint64_t mag = neg ? 0ull - static_cast<std::uint64_t>(raw) : static_cast<std::uint64_t>(raw);
  if (neg) s.put('-');
  if (fmt == chars_format::hex) {
    if (mag == 0) {
      detail::text::put_hex(s, 0, 0, 0, 0, precision);
    } else {
      const int m = detail::msb(mag);
      detail::text::put_hex(s, 1, m == 0 ? 0 : mag & ((std::uint64_t{1} << m) - 1), m, m - FL, precision);
    }
    return s.result();
  }
  if (mag == 0) {
    detail::text::put_zero<Spec::max_digits>(s, fmt, precision);
    return s.result();
  }
  const auto dec = detail::text::exact_decimal<Spec>(mag, -FL);
  auto reads = [raw, neg](const char* d, int n, int e10) {
    if (n == 0) return false;
    const auto v = detail::text::decimal_to_binary<RSpec>(d, d + n, static_cast<long long>(e10) - (n - 1));
    const auto r = detail::round_to_integer<WL, Rt, overflow::saturate>(neg, v.sig, -(v.exp + FL), v.sticky, 0);
    return !(r.flags & status::overflow) && r.raw == raw;
  };
  detail::text::put_decimal(s, dec, fmt, precision, reads);
  return s.result();
}
template <int WL, int FL, class R, class O>
FLOATLAB_HOST_DEVICE constexpr std::to_chars_result to_chars(char* first, char* last, fixed<WL, FL, R, O> x,
                                                            chars_format fmt = chars_format::general) noexcept {
  return to_chars(first, last, x, fmt, -1);
}

// Rounded once in the mode (detail::round_to_integer); a value outside the range, "inf" and
// "nan" give result_out_of_range whatever the overflow policy (as std::from_chars does for
// integers: text never wraps).
template <int WL, int FL, class R, class O, class... Args>
FLOATLAB_HOST_DEVICE constexpr std::from_chars_result from_chars(const char* first, const char* last,
                                                                fixed<WL, FL, R, O>& x, chars_format fmt,
                                                                Args&&... args) noexcept {
  static_assert(sizeof...(Args) <= 2, "from_chars(first, last, x [, fmt] [, mode] [, rng])");
  using Mode = detail::mode_of_t<R, Args...>;
  using T = fixed<WL, FL, R, O>;
  const std::uint32_t w = detail::word_from<Mode>(args...);
  if (fmt == chars_format::bits) return {first, std::errc::invalid_argument};
  const auto r = detail::text::scan(first, last, fmt);
  if (r.kind == detail::text::scan_kind::none) return {first, std::errc::invalid_argument};
  if (r.kind != detail::text::scan_kind::number) return {r.end, std::errc::result_out_of_range};
  const auto v = fmt == chars_format::hex
                     ? detail::text::hex_to_binary(r.digits_begin, r.digits_end, r.exp)
                     : detail::text::decimal_to_binary<detail::text::fixed_spec<WL, FL, Mode>>(r.digits_begin,
                                                                                               r.digits_end, r.exp);
  if (v.zero) {
    x = T::from_raw(0);
    return {r.end, std::errc{}};
  }
  const auto rr = detail::round_to_integer<WL, Mode, overflow::saturate>(r.neg, v.sig, -(v.exp + FL), v.sticky, w);
  if (rr.flags & status::overflow) return {r.end, std::errc::result_out_of_range};
  x = T::from_raw(rr.raw);
  return {r.end, std::errc{}};
}
template <int WL, int FL, class R, class O, class... Args,
          std::enable_if_t<!detail::text::first_is_format_v<Args...>, int> = 0>
FLOATLAB_HOST_DEVICE constexpr std::from_chars_result from_chars(const char* first, const char* last,
                                                                fixed<WL, FL, R, O>& x, Args&&... args) noexcept {
  return from_chars(first, last, x, chars_format::general, static_cast<Args&&>(args)...);
}

// ---- expansion<N, T> ---------------------------------------------------------------------
// Printing works on the exact sum of the terms. Reading gives the nearest expansion:
// t[0] = RN(x), t[i] = RN(x - t[0] - ... - t[i-1]) on the exact value (one round_pack each,
// remainders exact), which is normalized as expansion.hpp requires. The shortest output is
// the fewest digits that read back as the same terms. Reading takes decimal text only.

namespace detail::text {

template <class T>
struct base_format;
template <>
struct base_format<float> {
  using type = binary32_format;
};
template <>
struct base_format<double> {
  using type = binary64_format;
};
template <int E, int M, class R, class Enc>
struct base_format<cfloat<E, M, R, Enc>> {
  using type = format<E, M, Enc>;
};

template <class T>
FLOATLAB_HOST_DEVICE constexpr std::uint64_t term_bits(T t) noexcept {
  if constexpr (std::is_same_v<T, float>) return bit_cast<std::uint32_t>(t);
  else if constexpr (std::is_same_v<T, double>) return bit_cast<std::uint64_t>(t);
  else return t.bits();
}
template <class T>
FLOATLAB_HOST_DEVICE constexpr T term_from(std::uint64_t b) noexcept {
  if constexpr (std::is_same_v<T, float>) return bit_cast<float>(static_cast<std::uint32_t>(b));
  else if constexpr (std::is_same_v<T, double>) return bit_cast<double>(b);
  else return T::from_bits(static_cast<typename T::storage_type>(b));
}

template <int N, class T>
struct expansion_text {
  using F = typename base_format<T>::type;
  // Reading: |x| truncated at 2^Q0, a quarter of the smallest subnormal of T, is exact
  // enough for every term: each term's rounding boundaries (midpoints of T shifted by the
  // terms before it) are multiples of 2^(Q0 + 1) below 2^(emax + 2), so dec_spec's K
  // argument applies with Fmin = Q0, PB = Top - Q0 (1387 digits for double).
  static constexpr int q0 = F::emin - F::fraction_bits - 2;
  using spec = dec_spec<q0, F::emax + 2, F::emax + 2 - q0, 8>;
  static constexpr int read_limbs = spec::limbs + (-q0) / 64 + 3;
  // The exact sum: an integer times 2^(emin - M) spanning the whole range, plus N carries.
  static constexpr int span = F::emax + 1 - (F::emin - F::fraction_bits) + 1 + 4;
  using digits = digits_spec<span, F::emin - F::fraction_bits, 0>;
};

// floor(|x| / 2^Q0) and sticky, for |x| = (digits of [d, e)) * 10^q10.
template <class X, int L>
FLOATLAB_HOST_DEVICE constexpr void decimal_to_fixed_point(const char* d, const char* e, long long q10, big<L>& out,
                                                           bool& sticky) noexcept {
  using Spec = typename X::spec;
  out.set(0);
  sticky = false;
  const digit_run r = scan_digits<Spec::K>(d, e, q10);
  if (r.zero) return;
  const long long q = r.q;
  if (r.lead10 <= Spec::tiny_lead) {
    sticky = true;
    return;
  }
  if (r.lead10 >= Spec::huge_lead) {  // beyond every boundary: 2^(emax + 3) stands in
    out.set(1);
    out.shl(X::F::emax + 3 - X::q0);
    sticky = true;
    return;
  }
  sticky = read_digits(out, r);
  if (q >= 0) {
    mul_pow10(out, q);
    out.shl(-X::q0);
    return;
  }
  out.shl(-X::q0);  // then divide by 10^m in 10^19 steps: floor(floor(a/b)/c) = floor(a/(bc))
  long long m = -q;
  for (; m >= 19; m -= 19) sticky = (out.divmod(pow10_u64(19)) != 0) || sticky;
  if (m > 0) sticky = (out.divmod(pow10_u64(m)) != 0) || sticky;
}

// The nearest expansion of (-1)^neg (v + sticky) 2^Q0: each term RN of the exact rest.
template <int N, class T, int L>
FLOATLAB_HOST_DEVICE constexpr void greedy_terms(bool neg, big<L> v, bool sticky, std::uint64_t (&out)[N]) noexcept {
  using X = expansion_text<N, T>;
  using F = typename X::F;
  for (int i = 0; i < N; ++i) out[i] = pack_zero<F>(false);
  out[0] = pack_zero<F>(neg);
  for (int i = 0; i < N; ++i) {
    if (v.zero()) break;  // a rest below 2^Q0 rounds to zero in T
    const int bl = v.bit_length();
    const int lo = bl > 120 ? bl - 120 : 0;
    bool below = false;
    const u128 top = v.bits_from(lo, below);
    const auto t = round_pack<F, round::nearest_even>(neg, X::q0 + lo, top, sticky || below, 0);
    out[i] = t;
    const unpacked u = unpack<F>(t);
    if (u.cls != value_class::finite) break;  // zero, or overflow (inf / NaN / max) ends it
    big<L> a;
    a.set(u.sig);
    a.shl(u.exp - X::q0);  // every term's lsb is above 2^Q0
    if (v.cmp(a) >= 0) {
      v.sub(a);
    } else {  // the rest has the other sign: a - v - sticky
      a.sub(v);
      if (sticky) {
        big<L> one;
        one.set(1);
        a.sub(one);
      }
      v = a;
      neg = !neg;
    }
  }
}

}  // namespace detail::text

template <int N, class T>
FLOATLAB_HOST_DEVICE constexpr std::to_chars_result to_chars(char* first, char* last, const expansion<N, T>& x,
                                                            chars_format fmt, int precision) noexcept {
  using X = detail::text::expansion_text<N, T>;
  using F = typename X::F;
  using D = typename X::digits;
  detail::text::sink s{first, last};
  if (fmt == chars_format::bits || fmt == chars_format::hex) {  // the terms, as a brace list
    s.put('{');
    for (int i = 0; i < N; ++i) {
      if (i) s.put(", ");
      const auto r = to_chars(s.p, s.last, cfloat<F::exponent_bits, F::fraction_bits, round::nearest_even,
                                                   typename F::encoding_type>::from_bits(
                                             static_cast<typename F::storage>(detail::text::term_bits(x[i]))),
                              fmt, precision);
      if (r.ec != std::errc{}) return {last, std::errc::value_too_large};
      s.p = r.ptr;
    }
    s.put('}');
    return s.result();
  }
  // Specials and the exact sum as pos - neg, both integers times 2^(emin - M).
  detail::text::big<D::limbs> pos, negs;
  constexpr int e0 = F::emin - F::fraction_bits;
  for (int i = 0; i < N; ++i) {
    const detail::unpacked u = detail::unpack<F>(detail::text::term_bits(x[i]));
    if (u.cls == detail::value_class::nan) {
      s.put("nan");
      return s.result();
    }
    if (u.cls == detail::value_class::inf) {
      if (u.sign) s.put('-');
      s.put("inf");
      return s.result();
    }
    if (u.cls != detail::value_class::finite) continue;
    detail::text::big<D::limbs> b;
    b.set(u.sig);
    b.shl(u.exp - e0);
    (u.sign ? negs : pos).add(b);
  }
  const int c = pos.cmp(negs);
  const bool neg = c < 0 || (c == 0 && detail::text::term_bits(x[0]) == F::sign_mask);  // -0
  if (c >= 0) pos.sub(negs);
  else {
    negs.sub(pos);
    pos = negs;
  }
  if (neg) s.put('-');
  if (pos.zero()) {
    detail::text::put_zero<D::max_digits>(s, fmt, precision);
    return s.result();
  }
  const auto dec = detail::text::exact_decimal<D>(pos, e0);
  std::uint64_t want[N] = {};
  for (int i = 0; i < N; ++i) want[i] = detail::text::term_bits(x[i]);
  auto reads = [&want, neg](const char* d, int n, int e10) {
    if (n == 0) return false;
    detail::text::big<X::read_limbs> v;
    bool sticky = false;
    detail::text::decimal_to_fixed_point<X>(d, d + n, static_cast<long long>(e10) - (n - 1), v, sticky);
    std::uint64_t got[N] = {};
    detail::text::greedy_terms<N, T>(neg, v, sticky, got);
    for (int i = 0; i < N; ++i)
      if (got[i] != want[i]) return false;
    return true;
  };
  detail::text::put_decimal(s, dec, fmt, precision, reads);
  return s.result();
}
template <int N, class T>
FLOATLAB_HOST_DEVICE constexpr std::to_chars_result to_chars(char* first, char* last, const expansion<N, T>& x,
                                                            chars_format fmt = chars_format::general) noexcept {
  return to_chars(first, last, x, fmt, -1);
}

// Decimal or hex text to the nearest expansion (see above); out of range as for T.
template <int N, class T>
FLOATLAB_HOST_DEVICE constexpr std::from_chars_result from_chars(const char* first, const char* last, expansion<N, T>& x,
                                                                chars_format fmt = chars_format::general) noexcept {
  using X = detail::text::expansion_text<N, T>;
  using F = typename X::F;
  if (fmt == chars_format::bits) return {first, std::errc::invalid_argument};
  const auto r = detail::text::scan(first, last, fmt);
  std::uint64_t got[N] = {};
  for (int i = 0; i < N; ++i) got[i] = detail::pack_zero<F>(false);
  switch (r.kind) {
    case detail::text::scan_kind::none: return {first, std::errc::invalid_argument};
    case detail::text::scan_kind::inf:
      if (!F::has_inf) return {r.end, std::errc::result_out_of_range};
      got[0] = detail::pack_inf<F>(r.neg);
      break;
    case detail::text::scan_kind::nan:
      if (!F::has_nan) return {r.end, std::errc::result_out_of_range};
      got[0] = detail::pack_nan<F>();
      break;
    default: {
      if (fmt == chars_format::hex) return {first, std::errc::invalid_argument};  // decimal only
      detail::text::big<X::read_limbs> v;
      bool sticky = false;
      detail::text::decimal_to_fixed_point<X>(r.digits_begin, r.digits_end, r.exp, v, sticky);
      detail::text::greedy_terms<N, T>(r.neg, v, sticky, got);
      // Out of range as for T: the first term overflows, or a nonzero value reads as zero.
      const bool nonzero = sticky || !v.zero();
      if (F::is_inf(got[0]) || F::is_nan(got[0]) || (nonzero && F::is_zero(got[0])))
        return {r.end, std::errc::result_out_of_range};
    }
  }
  T terms[N] = {};
  for (int i = 0; i < N; ++i) terms[i] = detail::text::term_from<T>(got[i]);
  x = expansion<N, T>::from_array(terms);
  return {r.end, std::errc{}};
}

}  // namespace floatlab
