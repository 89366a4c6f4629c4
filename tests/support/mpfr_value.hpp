// tests/support/mpfr_value.hpp: the one owner of MPFR memory in the tests.
//
// mpfr_value holds an mpfr_t of a fixed precision: mpfr_init2 in the constructor, mpfr_clear
// in the destructor, so no early return, REQUIRE failure or exception can leak it. It is
// move-only (an mpfr_t's limbs have one owner) and converts to mpfr_ptr / mpfr_srcptr, so it
// is passed to MPFR functions as an mpfr_t is. A moved-from value may only be assigned to
// or destroyed.
#pragma once

#include <cstdint>  // before <mpfr.h>: enables mpfr_get_uj / mpfr_set_uj_2exp
#include <utility>

#include <mpfr.h>

namespace floatlab_test {

class mpfr_value {
 public:
  // A NaN of the given precision (MPFR's state after mpfr_init2).
  explicit mpfr_value(mpfr_prec_t precision) { mpfr_init2(v_, precision); }
  // The double x, exactly when precision >= 53.
  mpfr_value(mpfr_prec_t precision, double x) : mpfr_value(precision) { mpfr_set_d(v_, x, MPFR_RNDN); }
  ~mpfr_value() {
    if (owns_) mpfr_clear(v_);
  }

  mpfr_value(const mpfr_value&) = delete;
  mpfr_value& operator=(const mpfr_value&) = delete;
  // Moving hands over the limbs (MPFR keeps no pointer to the mpfr_t itself; mpfr_swap
  // relies on the same): no allocation, the source no longer owns anything.
  mpfr_value(mpfr_value&& other) noexcept : owns_(other.owns_) {
    v_[0] = other.v_[0];
    other.owns_ = false;
  }
  mpfr_value& operator=(mpfr_value&& other) noexcept {
    if (this != &other) {
      if (owns_) mpfr_clear(v_);
      v_[0] = other.v_[0];
      owns_ = std::exchange(other.owns_, false);
    }
    return *this;
  }

  mpfr_ptr get() { return v_; }
  mpfr_srcptr get() const { return v_; }
  operator mpfr_ptr() { return v_; }           // NOLINT(google-explicit-constructor): used as an mpfr_t
  operator mpfr_srcptr() const { return v_; }  // NOLINT(google-explicit-constructor)
  // MPFR defines some functions also as macros that read fields through `(x)->` (mpfr_sgn,
  // mpfr_zero_p, mpfr_get_exp, ...): these let a value stand where such a macro wants an mpfr_t.
  mpfr_ptr operator->() { return v_; }
  mpfr_srcptr operator->() const { return v_; }
  mpfr_prec_t precision() const { return mpfr_get_prec(v_); }

 private:
  mpfr_t v_;
  bool owns_ = true;
};

}  // namespace floatlab_test
