// tests/support/mpfr_oracle.hpp: the MPFR reference that every rounding claim is checked against.
//
// It shares no code with floatlab's arithmetic. Given a format's raw description (E, M and
// the encoding policy's members), it
//   1. decodes operands from bits by the encoding rules (its own decoder);
//   2. computes the result in MPFR with 256 bits, rounded to odd (from a directed MPFR mode
//      and the ternary value), which holds every bit that any rounding to p <= 53 bits, with
//      R <= 32 stochastic bits, depends on (Boldo-Melquiond, "Emulation of FMA and correctly
//      rounded sums: proved algorithms using rounding to odd", IEEE TC 2008); MPFR's own IEEE
//      rules give the specials and the signs of zero;
//   3. rounds that value to the format in the requested mode with exact MPFR arithmetic on
//      the scaled value (floor, fractional part), then applies flush-to-zero, overflow and
//      the encoding. oracle_self_check() compares step 3 with MPFR's native rounding
//      (mpfr_set_emin/emax + mpfr_subnormalize) for the modes MPFR has.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include <mpfr.h>  // after <cstdint>: enables mpfr_get_uj / mpfr_set_uj_2exp

#include <floatlab/format.hpp>
#include <floatlab/rounding.hpp>

#include "mpfr_value.hpp"

namespace oracle {

enum class mode { nearest_even, nearest_away, toward_zero, upward, downward, odd, stochastic };

inline const char* mode_name(mode m) {
  switch (m) {
    case mode::nearest_even: return "nearest_even";
    case mode::nearest_away: return "nearest_away";
    case mode::toward_zero: return "toward_zero";
    case mode::upward: return "upward";
    case mode::downward: return "downward";
    case mode::odd: return "odd";
    default: return "stochastic";
  }
}

template <class Mode>
constexpr mode mode_of() {
  namespace r = floatlab::round;
  if constexpr (std::is_same_v<Mode, r::nearest_even>) return mode::nearest_even;
  else if constexpr (std::is_same_v<Mode, r::nearest_away>) return mode::nearest_away;
  else if constexpr (std::is_same_v<Mode, r::toward_zero>) return mode::toward_zero;
  else if constexpr (std::is_same_v<Mode, r::upward>) return mode::upward;
  else if constexpr (std::is_same_v<Mode, r::downward>) return mode::downward;
  else if constexpr (std::is_same_v<Mode, r::odd>) return mode::odd;
  else return mode::stochastic;
}

// A format as the oracle sees it: only E, M and the encoding's stated rules.
struct format_desc {
  int E, M;
  floatlab::encoding::specials special;
  bool subnormals;
  bool saturate;

  template <class Fmt>
  static format_desc of() {
    using Enc = typename Fmt::encoding_type;
    return {Fmt::exponent_bits, Fmt::fraction_bits, Enc::special, Enc::subnormals,
            Enc::overflow == floatlab::encoding::overflow_rule::saturate};
  }
  int bias() const {
    return (1 << (E - 1)) - 1 + (special == floatlab::encoding::specials::nan_at_negative_zero ? 1 : 0);
  }
  int emin() const { return 1 - bias(); }
  std::uint64_t sign_bit() const { return std::uint64_t{1} << (E + M); }
  std::string name() const {
    static const char* names[] = {"ieee", "fn", "fnuz", "finite"};
    return "E" + std::to_string(E) + "M" + std::to_string(M) + "_" + names[static_cast<int>(special)] +
           (subnormals ? "" : "_ftz") + (saturate ? "_sat" : "");
  }
};

enum class kind { number, zero, inf, nan };

class reference {
 public:
  static constexpr int work_precision = 256;

  explicit reference(format_desc f) : f_(f) {
    // Largest finite magnitude: the largest pattern that decodes to a number.
    std::uint64_t mag = f_.sign_bit() - 1;
    while (decode(mag, t_) != kind::number) {
      // IEEE: the whole top exponent binade is inf/NaN; step below it rather than one by one.
      const std::uint64_t top = ((std::uint64_t{1} << f_.E) - 1) << f_.M;
      mag = (f_.special == floatlab::encoding::specials::ieee && mag >= top) ? top - 1 : mag - 1;
    }
    max_bits_ = mag;
    mpfr_set(maxv_, t_, MPFR_RNDN);
  }
  reference(const reference&) = delete;
  reference& operator=(const reference&) = delete;

  const format_desc& format() const { return f_; }
  std::uint64_t max_finite_bits() const { return max_bits_; }

  // Decodes bits of this format into out (exact). Returns the kind; zero keeps its sign in out.
  kind decode(std::uint64_t bits, mpfr_ptr out) const { return decode_as(f_, bits, out); }

  static kind decode_as(const format_desc& f, std::uint64_t bits, mpfr_ptr out) {
    using floatlab::encoding::specials;
    const bool sign = (bits >> (f.E + f.M)) & 1;
    const std::uint64_t field = (bits >> f.M) & ((std::uint64_t{1} << f.E) - 1);
    const std::uint64_t frac = bits & ((std::uint64_t{1} << f.M) - 1);
    const std::uint64_t all_e = (std::uint64_t{1} << f.E) - 1, all_f = (std::uint64_t{1} << f.M) - 1;
    if (f.special == specials::ieee && field == all_e) {
      if (frac != 0) {
        mpfr_set_nan(out);
        return kind::nan;
      }
      mpfr_set_inf(out, sign ? -1 : 1);
      return kind::inf;
    }
    if ((f.special == specials::nan_at_all_ones && field == all_e && frac == all_f) ||
        (f.special == specials::nan_at_negative_zero && sign && field == 0 && frac == 0)) {
      mpfr_set_nan(out);
      return kind::nan;
    }
    if (field == 0 && (frac == 0 || !f.subnormals)) {
      mpfr_set_zero(out, sign ? -1 : 1);
      return kind::zero;
    }
    const std::uint64_t sig = field == 0 ? frac : frac | (std::uint64_t{1} << f.M);
    const long exp = (field == 0 ? 1 : static_cast<long>(field)) - f.bias() - f.M;
    mpfr_set_uj_2exp(out, sig, exp, MPFR_RNDN);  // exact: sig < 2^54 <= precision
    if (sign) mpfr_neg(out, out, MPFR_RNDN);
    return kind::number;
  }

  // ---- step 2: the exact result, rounded to odd at 256 bits, into z_ -----------------------
  enum class op { add, sub, mul, div, sqrt, fma, copy };

  // Operands are bit patterns of `from` (this format unless given).
  void compute(op o, mode m, std::uint64_t x, std::uint64_t y = 0, std::uint64_t w = 0) {
    compute_from(f_, o, m, x, y, w);
  }
  void compute_from(const format_desc& from, op o, mode m, std::uint64_t x, std::uint64_t y = 0, std::uint64_t w = 0) {
    decode_as(from, x, a_);
    decode_as(from, y, b_);
    decode_as(from, w, c_);
    compute_on_values(o, m);
  }
  // Operands already in a_, b_, c_ (see operand()).
  void compute_on_values(op o, mode m) {
    // Downward: MPFR's RNDD gives the IEEE sign of exact zero sums (-0); otherwise RNDZ (+0).
    const mpfr_rnd_t rnd = m == mode::downward ? MPFR_RNDD : MPFR_RNDZ;
    int t = 0;
    switch (o) {
      case op::add: t = mpfr_add(z_, a_, b_, rnd); break;
      case op::sub: t = mpfr_sub(z_, a_, b_, rnd); break;
      case op::mul: t = mpfr_mul(z_, a_, b_, rnd); break;
      case op::div: t = mpfr_div(z_, a_, b_, rnd); break;
      case op::sqrt: t = mpfr_sqrt(z_, a_, rnd); break;
      case op::fma: t = mpfr_fma(z_, a_, b_, c_, rnd); break;
      case op::copy: t = mpfr_set(z_, a_, rnd); break;
    }
    if (t != 0 && mpfr_number_p(z_) && !mpfr_zero_p(z_)) {
      // Round to odd: of the two neighbours around the exact value, the one with odd last bit.
      mpfr_exp_t e = mpfr_get_exp(z_);
      mpfr_set_ui_2exp(u_, 1, e - work_precision, MPFR_RNDN);  // one ulp of z_
      mpfr_div(t_, z_, u_, MPFR_RNDN);                       // integer significand, exact
      if (!is_odd(t_)) {
        if (t < 0) mpfr_nextabove(z_);
        else mpfr_nextbelow(z_);
      }
    }
  }
  mpfr_ptr operand(int i) { return i == 0 ? a_ : i == 1 ? b_ : c_; }
  mpfr_ptr result() { return z_; }

  // ---- step 3: z_ rounded to the format in mode m ------------------------------------------
  std::uint64_t round(mode m, int R = 0, std::uint32_t word = 0) {
    using floatlab::encoding::specials;
    if (mpfr_nan_p(z_)) return nan_bits();
    const bool neg = mpfr_signbit(z_) != 0;
    if (mpfr_inf_p(z_)) return inf_bits(neg);
    if (mpfr_zero_p(z_)) return zero_bits(neg);
    mpfr_abs(t_, z_, MPFR_RNDN);
    long e = static_cast<long>(mpfr_get_exp(t_)) - 1;  // t_ in [2^e, 2^(e+1))
    long q = (f_.subnormals && e < f_.emin() ? f_.emin() : e) - f_.M;
    mpfr_mul_2si(t_, t_, -q, MPFR_RNDN);  // exact scaling
    mpfr_floor(u_, t_);                   // lo (integer, exact)
    mpfr_sub(t_, t_, u_, MPFR_RNDN);      // fraction in [0, 1), exact
    const bool inexact = !mpfr_zero_p(t_);
    const bool lo_odd = is_odd(u_);
    const int half = mpfr_cmp_d(t_, 0.5);
    bool up = false;
    switch (m) {
      case mode::nearest_even: up = half > 0 || (half == 0 && lo_odd); break;
      case mode::nearest_away: up = half >= 0; break;
      case mode::toward_zero: up = false; break;
      case mode::upward: up = inexact && !neg; break;
      case mode::downward: up = inexact && neg; break;
      case mode::odd: up = inexact && !lo_odd; break;
      case mode::stochastic: {
        mpfr_mul_2si(t_, t_, R, MPFR_RNDN);
        mpfr_floor(t_, t_);
        const std::uint64_t fbits = mpfr_get_uj(t_, MPFR_RNDN);
        const std::uint64_t r = static_cast<std::uint64_t>(word) >> (32 - R);
        up = fbits + r >= (std::uint64_t{1} << R);
        break;
      }
    }
    if (up) mpfr_add_ui(u_, u_, 1, MPFR_RNDN);
    if (mpfr_zero_p(u_)) return zero_bits(neg);
    mpfr_mul_2si(u_, u_, q, MPFR_RNDN);  // the rounded magnitude, exact
    if (!f_.subnormals && mpfr_cmp_si_2exp(u_, 1, f_.emin()) < 0) return zero_bits(neg);  // flush
    if (mpfr_cmp(u_, maxv_) > 0) return overflow_bits(m, neg);
    return encode(u_, neg);
  }

  std::uint64_t nan_bits() const {
    using floatlab::encoding::specials;
    switch (f_.special) {
      case specials::ieee: return (((std::uint64_t{1} << f_.E) - 1) << f_.M) | (std::uint64_t{1} << (f_.M - 1));
      case specials::nan_at_all_ones: return f_.sign_bit() - 1;
      case specials::nan_at_negative_zero: return f_.sign_bit();
      default: return 0;  // no NaN: floatlab's documented choice is +0
    }
  }
  std::uint64_t zero_bits(bool neg) const {
    return neg && f_.special != floatlab::encoding::specials::nan_at_negative_zero ? f_.sign_bit() : 0;
  }
  std::uint64_t max_bits(bool neg) const { return (neg ? f_.sign_bit() : 0) | max_bits_; }
  std::uint64_t inf_bits(bool neg) const {
    if (f_.special == floatlab::encoding::specials::ieee)
      return (neg ? f_.sign_bit() : 0) | (((std::uint64_t{1} << f_.E) - 1) << f_.M);
    return f_.saturate ? max_bits(neg) : nan_bits();
  }
  std::uint64_t overflow_bits(mode m, bool neg) const {
    if (f_.saturate) return max_bits(neg);
    bool to_inf = true;
    if (m == mode::toward_zero || m == mode::odd) to_inf = false;
    if (m == mode::upward) to_inf = !neg;
    if (m == mode::downward) to_inf = neg;
    return to_inf ? inf_bits(neg) : max_bits(neg);
  }

  // Bits of an exactly representable positive magnitude v with the given sign.
  std::uint64_t encode(mpfr_srcptr v, bool neg) {
    std::uint64_t field = 0, frac = 0;
    const long e = static_cast<long>(mpfr_get_exp(v)) - 1;
    if (e < f_.emin()) {
      mpfr_mul_2si(t_, v, -(f_.emin() - f_.M), MPFR_RNDN);
      frac = mpfr_get_uj(t_, MPFR_RNDN);
    } else {
      field = static_cast<std::uint64_t>(e + f_.bias());
      mpfr_mul_2si(t_, v, -(e - f_.M), MPFR_RNDN);
      frac = mpfr_get_uj(t_, MPFR_RNDN) - (std::uint64_t{1} << f_.M);
    }
    return (neg ? f_.sign_bit() : 0) | (field << f_.M) | frac;
  }

  // For oracle_self_check: MPFR's native rounding of z_ for an IEEE-encoded format
  // (mpfr_set_emin/emax + mpfr_subnormalize). Returns false where z_ is outside the range in
  // which MPFR accepts it as input (then there is nothing to compare).
  bool round_native(mode m, std::uint64_t& bits) {
    const mpfr_rnd_t rnd = m == mode::nearest_even ? MPFR_RNDN
                           : m == mode::toward_zero ? MPFR_RNDZ
                           : m == mode::upward      ? MPFR_RNDU
                                                    : MPFR_RNDD;
    if (!mpfr_number_p(z_) || mpfr_zero_p(z_)) return false;
    // MPFR's exponent convention is x = 0.1b... * 2^exp: the smallest subnormal 2^(emin - M)
    // has MPFR exponent emin - M + 1 and the largest finite value has emax + 1.
    const long emax_ieee = ((1L << f_.E) - 2) - f_.bias();
    const long lo = f_.emin() - f_.M + 1, hi = emax_ieee + 1;
    const long ez = mpfr_get_exp(z_);
    if (ez < lo || ez > hi) return false;
    const mpfr_exp_t old_min = mpfr_get_emin(), old_max = mpfr_get_emax();
    mpfr_set_prec(h_, f_.M + 1);
    mpfr_set_emin(lo);
    mpfr_set_emax(hi);
    int t = mpfr_set(h_, z_, rnd);
    t = mpfr_subnormalize(h_, t, rnd);
    mpfr_set_emin(old_min);
    mpfr_set_emax(old_max);
    const bool neg = mpfr_signbit(h_) != 0;
    if (mpfr_inf_p(h_)) bits = inf_bits(neg);
    else if (mpfr_zero_p(h_)) bits = zero_bits(neg);
    else {
      mpfr_abs(h_, h_, MPFR_RNDN);
      bits = encode(h_, neg);
    }
    mpfr_set_prec(h_, work_precision);
    return true;
  }

 private:
  // Parity of an integer-valued MPFR number.
  bool is_odd(mpfr_srcptr v) {
    mpfr_div_2ui(h_, v, 1, MPFR_RNDN);
    return !mpfr_integer_p(h_);
  }

  format_desc f_;
  using value = floatlab_test::mpfr_value;
  value a_{work_precision}, b_{work_precision}, c_{work_precision}, z_{work_precision}, t_{work_precision},
      u_{work_precision}, h_{work_precision}, maxv_{work_precision};
  std::uint64_t max_bits_ = 0;
};

}  // namespace oracle
