// tests/support/mpfr_math.hpp: MPFR references for floatlab/math.hpp.
//
// f(x) is computed in MPFR at 600 bits from MPFR's own correctly rounded functions
// (compositions for the activations, in forms without cancellation), then handed to the
// oracle as its 256-bit round-to-odd value, which the oracle rounds to any format and mode.
// Underflowing exponentials are rounded up (a tiny nonzero value, whose side is known);
// overflowing results become 2^(2^40). Exactness comes from MPFR's inexact flag: an exact chain (x = 0, exp2 of an integer, log2
// of a power of two...) stays exact. Composition error is below 2^-590 relative, so the
// 256-bit round-to-odd value is that of f(x) unless f(x) lies within 2^-590 of a 256-bit
// number without being one (not the case for any tested input: every such f(x) is exact).
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "mpfr_oracle.hpp"

namespace mathref {

enum class fn { exp, exp2, expm1, log, log2, log1p, tanh, erf, logistic, softplus, silu, gelu, gelu_tanh, logistic_grad, tanh_grad };
inline constexpr fn all_fns[] = {fn::exp,  fn::exp2,     fn::expm1,    fn::log,  fn::log2, fn::log1p,     fn::tanh,    fn::erf,
                                 fn::logistic, fn::softplus, fn::silu, fn::gelu, fn::gelu_tanh, fn::logistic_grad, fn::tanh_grad};

inline const char* name(fn f) {
  static const char* n[] = {"exp", "exp2", "expm1", "log", "log2", "log1p", "tanh",
                            "erf", "logistic", "softplus", "silu", "gelu", "gelu_tanh", "logistic_grad", "tanh_grad"};
  return n[static_cast<int>(f)];
}

class reference {
 public:
  static constexpr int prec = 600;
  reference() {
    // The widest exponent range: e^-x^2 and e^-2u of large arguments must not underflow.
    mpfr_set_emin(mpfr_get_emin_min());
    mpfr_set_emax(mpfr_get_emax_max());
    mpfr_inits2(prec, v_, a_, b_, (mpfr_ptr)nullptr);
  }
  ~reference() { mpfr_clears(v_, a_, b_, (mpfr_ptr)nullptr); }
  reference(const reference&) = delete;
  reference& operator=(const reference&) = delete;

  // f(x) into out (the oracle's result slot), rounded to odd at the oracle's precision.
  // The compositions end in an operation whose rounding dominates (1 - s, x + l, ...), so
  // its ternary gives the side of f(x) when the 600-bit value falls on the output grid;
  // where it cannot (ternary 0 after inexact steps), the precision is raised.
  void eval(fn f, mpfr_srcptr x, mpfr_ptr out) {
    eval_with([&] { return compute(f, x); }, out, name(f));
  }
  // The same for a computation given by the caller (tests of functions outside fn):
  // compute() sets value() at the working precision from value(), scratch_a(), scratch_b()
  // and returns the ternary value of its last operation.
  template <class Compute>
  void eval_with(Compute compute, mpfr_ptr out, const char* label) {
    for (int p = prec; p <= 16 * prec; p *= 4) {
      mpfr_set_prec(v_, p);
      mpfr_set_prec(a_, p);
      mpfr_set_prec(b_, p);
      mpfr_clear_flags();
      const int last = compute();
      const bool exact = !mpfr_inexflag_p();
      if (mpfr_inf_p(v_) && mpfr_overflow_p()) {  // beyond MPFR's range: a huge finite value
        const int sign = mpfr_sgn(v_);
        mpfr_set_ui_2exp(out, 1, 1L << 40, MPFR_RNDN);
        if (sign < 0) mpfr_neg(out, out, MPFR_RNDN);
        return;
      }
      const int t = mpfr_set(out, v_, MPFR_RNDZ);
      if (exact || !mpfr_regular_p(out)) return;
      if (mpfr_get_exp(out) < -(1L << 39)) return;  // an underflow: any tiny value will do
      int side = 0;  // sign of f(x) - out
      if (t != 0) side = -t;
      else if (last != 0) side = -last;
      else continue;  // on the grid, side unknown: more precision
      if (!is_odd(out)) {
        if (side > 0) mpfr_nextabove(out);
        else mpfr_nextbelow(out);
      }
      return;
    }
    std::printf("mathref: %s undecided at %d bits\n", label, 16 * prec);
    std::abort();
  }
  mpfr_ptr value() { return v_; }
  mpfr_ptr scratch_a() { return a_; }
  mpfr_ptr scratch_b() { return b_; }

  bool is_odd(mpfr_srcptr z) {
    mpfr_t s;
    mpfr_init2(s, mpfr_get_prec(z));
    mpfr_mul_2si(s, z, static_cast<long>(mpfr_get_prec(z)) - mpfr_get_exp(z), MPFR_RNDN);  // integer significand
    mpfr_div_2ui(s, s, 1, MPFR_RNDN);
    const bool odd = !mpfr_integer_p(s);
    mpfr_clear(s);
    return odd;
  }

 private:
  // v_ = f(x); a_, b_ scratch. Returns the ternary value of the last operation.
  int compute(fn f, mpfr_srcptr x) {
    const mpfr_rnd_t r = MPFR_RNDN;
    const bool minus_inf = mpfr_inf_p(x) && mpfr_sgn(x) < 0;
    const bool positive = mpfr_sgn(x) > 0 || (mpfr_zero_p(x) && !mpfr_signbit(x));
    switch (f) {
      case fn::exp: return mpfr_exp(v_, x, MPFR_RNDU);  // RNDU: an underflow stays nonzero
      case fn::exp2: return mpfr_exp2(v_, x, MPFR_RNDU);
      case fn::expm1: return mpfr_expm1(v_, x, r);
      case fn::log: return mpfr_log(v_, x, r);
      case fn::log2: return mpfr_log2(v_, x, r);
      case fn::log1p: return mpfr_log1p(v_, x, r);
      case fn::tanh: return mpfr_tanh(v_, x, r);
      case fn::erf: return mpfr_erf(v_, x, r);
      case fn::logistic:
        if (positive) {  // 1 - e^-x / (1 + e^-x)
          e_over_1pe(x, true);
          return mpfr_ui_sub(v_, 1, a_, r);
        }
        e_over_1pe(x, false);  // e^x / (1 + e^x)
        return mpfr_set(v_, a_, r);
      case fn::softplus:
        if (mpfr_inf_p(x)) {
          if (positive) mpfr_set(v_, x, r);
          else mpfr_set_zero(v_, 1);
          return 0;
        }
        if (positive) {  // x + log1p(e^-x)
          mpfr_neg(a_, x, r);
          mpfr_exp(a_, a_, MPFR_RNDU);
          mpfr_log1p(a_, a_, r);
          return mpfr_add(v_, a_, x, r);
        }
        mpfr_exp(a_, x, MPFR_RNDU);
        if (mpfr_underflow_p()) return mpfr_set(v_, a_, r);  // log1p(t) ~ t, far below any format
        return mpfr_log1p(v_, a_, r);
      case fn::silu:
        if (minus_inf) return set_minus_zero();
        if (mpfr_inf_p(x)) return mpfr_set(v_, x, r);
        if (positive) {  // x - x e^-x / (1 + e^-x)
          e_over_1pe(x, true);
          mpfr_mul(a_, a_, x, r);
          return mpfr_sub(v_, x, a_, r);
        }
        e_over_1pe(x, false);
        return mpfr_mul(v_, a_, x, r);
      case fn::gelu:  // x/2 erfc(-x/sqrt2) = x - x/2 erfc(x/sqrt2)
        if (minus_inf) return set_minus_zero();
        if (mpfr_inf_p(x)) return mpfr_set(v_, x, r);
        mpfr_sqrt_ui(a_, 2, r);
        mpfr_div(a_, x, a_, r);
        if (positive) {
          mpfr_erfc(a_, a_, MPFR_RNDU);
          mpfr_mul(a_, a_, x, r);
          mpfr_div_2ui(a_, a_, 1, r);
          return mpfr_sub(v_, x, a_, r);
        }
        mpfr_neg(a_, a_, r);
        mpfr_erfc(a_, a_, MPFR_RNDU);
        mpfr_mul(v_, a_, x, r);
        return mpfr_div_2ui(v_, v_, 1, r);
      case fn::gelu_tanh: {  // x/2 (1 + tanh u) = x / (1 + e^-2u), u = sqrt(2/pi)(x + 0.044715 x^3)
        if (minus_inf) return set_minus_zero();
        if (mpfr_inf_p(x)) return mpfr_set(v_, x, r);
        mpfr_pow_ui(a_, x, 3, r);
        mpfr_set_str(b_, "0.044715", 10, r);
        mpfr_mul(a_, a_, b_, r);
        mpfr_add(a_, a_, x, r);
        mpfr_const_pi(b_, r);
        mpfr_ui_div(b_, 2, b_, r);
        mpfr_sqrt(b_, b_, r);
        mpfr_mul(a_, a_, b_, r);
        mpfr_mul_2ui(a_, a_, 1, r);  // 2u
        if (positive) {  // x - x e^-2u / (1 + e^-2u)
          e_over_1pe(a_, true);
          mpfr_mul(a_, a_, x, r);
          return mpfr_sub(v_, x, a_, r);
        }
        e_over_1pe(a_, false);
        return mpfr_mul(v_, a_, x, r);
      }
      case fn::logistic_grad:  // E / (1 + E)^2, E = e^-|x|
      case fn::tanh_grad: {    // 4E / (1 + E)^2, E = e^-2|x|
        mpfr_abs(a_, x, r);
        if (f == fn::tanh_grad) mpfr_mul_2ui(a_, a_, 1, r);
        mpfr_neg(a_, a_, r);
        mpfr_exp(a_, a_, MPFR_RNDU);
        mpfr_add_ui(b_, a_, 1, r);
        mpfr_sqr(b_, b_, r);
        if (f == fn::tanh_grad) mpfr_mul_2ui(a_, a_, 2, r);
        return mpfr_div(v_, a_, b_, r);
      }
    }
    return 0;
  }
  // a_ = e^(-y) / (1 + e^(-y)) if negate, else e^y / (1 + e^y) (y may alias a_).
  void e_over_1pe(mpfr_srcptr y, bool negate) {
    if (negate) mpfr_neg(a_, y, MPFR_RNDN);
    else mpfr_set(a_, y, MPFR_RNDN);
    mpfr_exp(a_, a_, MPFR_RNDU);  // RNDU: an underflow stays nonzero (its side is then known)
    mpfr_add_ui(b_, a_, 1, MPFR_RNDN);
    mpfr_div(a_, a_, b_, MPFR_RNDN);
  }
  int set_minus_zero() {
    mpfr_set_zero(v_, -1);
    return 0;
  }

  mpfr_t v_, a_, b_;
};

}  // namespace mathref
