// tests/support/expansion_check.hpp: random and adversarial accuracy checks of
// expansion<N, T> against MPFR, in units of the documented bound (docs/expansions.md).
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <typeinfo>

#include "support/mpfr_expansion.hpp"

namespace floatlab_test {

enum class op { add, sub, add_fp, mul, mul_fast, mul_fp, div, div_fast, sqrt };

inline const char* op_name(op o) {
  switch (o) {
    case op::add: return "x+y";
    case op::sub: return "x-y";
    case op::add_fp: return "x+t";
    case op::mul: return "x*y";
    case op::mul_fast: return "mul_fast";
    case op::mul_fp: return "x*t";
    case op::div: return "x/y";
    case op::div_fast: return "div_fast";
    case op::sqrt: return "sqrt";
  }
  return "?";
}

// The bound each operation promises, in the same form as docs/expansions.md.
template <int N, class T>
double bound(op o) {
  const int p = std::numeric_limits<T>::digits;
  const double u = std::ldexp(1.0, -p);
  if constexpr (N == 1) {
    (void)o;
    return u;
  } else if constexpr (N == 2) {
    switch (o) {
      case op::add:
      case op::sub: return 3 * u * u + 13 * u * u * u;
      case op::add_fp: return 2 * u * u;
      case op::mul: return 5 * u * u;
      case op::mul_fast: return 6 * u * u;
      case op::mul_fp: return 2 * u * u;
      case op::div: return 9.8 * u * u;
      case op::div_fast: return 15 * u * u + 56 * u * u * u;
      case op::sqrt: return 25.0 / 8.0 * u * u;
    }
    return 0;
  } else {
    (void)o;
    // 2^(N-1) u^N (1 + N^2 u): see docs/expansions.md for the derivation.
    return std::ldexp(std::pow(u, N), N - 1) * (1 + N * N * u);
  }
}

template <int N, class T>
struct checker {
  using E = floatlab::expansion<N, T>;
  using lim = std::numeric_limits<T>;
  static constexpr int p = lim::digits;
  static constexpr int emin = lim::min_exponent - 1;
  static constexpr int emax = lim::max_exponent - 1;
  // Results are checked when their exponent is in [lo, hi]: from lo up, the absolute
  // error of subnormal intermediates (about 2^(emin-p+1) per operation) stays far below
  // the bound 2^(N-1) u^N 2^lo. Inputs start anywhere from in_lo (normal leading term;
  // their tails stop at the normal range). Narrow formats (binary16 with N = 3, e5m2
  // with N = 4) leave only a few binades: that is the format, not the test.
  static constexpr int lo = emin + (N - 1) * p + 3;
  static constexpr int hi = emax - 1;
  static constexpr int in_lo = emin + p + 1;
  static_assert(lo <= hi, "checker: this N is too long for the format's exponent range");
  static constexpr mpfr_prec_t prec = N * p + 128;

  std::mt19937_64 rng;
  explicit checker(std::uint64_t seed) : rng(seed) {}

  int uniform(int a, int b) { return a + static_cast<int>(rng() % static_cast<std::uint64_t>(b - a + 1)); }

  T term(int e) {
    std::uint64_t m = rng() >> (64 - (p - 1));
    m |= std::uint64_t(1) << (p - 1);
    double v = std::ldexp(static_cast<double>(m), e - p + 1);
    if (rng() & 1) v = -v;
    return T(v);
  }

  // Random non-overlapping expansion with leading exponent e0: |t[i+1]| < ulp(t[i]) / 2,
  // mostly dense, sometimes with gaps, sometimes a zero tail.
  E random(int e0, bool positive = false) {
    T t[N] = {};
    if (rng() % 8 == 0) {
      // Densest normalized form: t[0] with an even last bit, then exact ties
      // t[i] = +-ulp(t[i-1])/2 = +-2^(e0 - i p), so |t[i]| = u^i |t[0]| (largest possible).
      std::uint64_t m = rng() >> (64 - (p - 1));
      m = (m | (std::uint64_t(1) << (p - 1))) & ~std::uint64_t(1);
      double v = std::ldexp(static_cast<double>(m), e0 - p + 1);
      if (rng() & 1) v = -v;
      t[0] = T(v);
      for (int i = 1; i < N; ++i) {
        if (e0 - i * p < emin) break;
        t[i] = T(std::ldexp((rng() & 1) ? 1.0 : -1.0, e0 - i * p));
      }
      if (positive && t[0] < T(0.0))
        for (auto& x : t) x = -x;
      return E::from_array(t);
    }
    int e = e0;
    int stop = N;
    if (rng() % 16 == 0) stop = uniform(1, N);
    for (int i = 0; i < stop; ++i) {
      if (i > 0) {
        const int r = static_cast<int>(rng() % 16);
        int gap = 0;
        if (r >= 10 && r < 14) gap = uniform(1, p);
        if (r >= 14) gap = uniform(p, 8 * p);
        e = e - p - 1 - gap;
        if (e < emin) break;  // tails stay normal
      }
      t[i] = term(e);
    }
    if (positive && t[0] < T(0.0))
      for (auto& x : t) x = -x;
    return E::from_array(t);
  }

  // y close to -x (sign = -1) or x (sign = +1): equal in the first k terms, then free.
  E near(const E& x, double sign) {
    T t[N] = {};
    const int k = uniform(1, N);
    for (int i = 0; i < N; ++i) t[i] = sign > 0 ? x[i] : -x[i];
    if (k < N && !(x[k - 1] == T(0.0))) {
      // a fresh tail below ulp(x[k-1]) / 2
      int e = 0;
      std::frexp(to_d(x[k - 1]), &e);
      e = e - 1 - p - 1 - static_cast<int>(rng() % 4);
      for (int i = k; i < N; ++i) {
        t[i] = e >= emin + p ? term(e) : T(0.0);
        e -= p + 1;
      }
    }
    return E::from_array(t);
  }

  struct stats {
    double worst = 0;
    long checked = 0, skipped = 0, overlaps = 0, half_ulp_overlaps = 0, holes = 0;
  };

  void check_form(const E& r, stats& s) {
    for (int i = 0; i + 1 < N; ++i) {
      if (r[i] == T(0.0)) {
        if (!(r[i + 1] == T(0.0))) ++s.holes;
        continue;
      }
      if (r[i + 1] == T(0.0)) continue;
      const double a = std::fabs(to_d(r[i + 1]));
      const double ul = ulp_of(r[i]);
      if (a > ul) ++s.overlaps;
      if (a > ul / 2) ++s.half_ulp_overlaps;
    }
  }

  bool in_range(mpfr_srcptr v) {
    if (mpfr_zero_p(v)) return false;
    const long e = mpfr_get_exp(v) - 1;  // v = m * 2^(e), m in [1, 2)
    return e >= lo && e <= hi;
  }

  void one(op o, stats& s) {
    mp exact(prec), a(prec), b(prec);
    E x, y, r;
    T t = T(0.0);
    const int mode = static_cast<int>(rng() % 10);
    switch (o) {
      case op::add:
      case op::sub:
      case op::add_fp: {
        x = random(uniform(lo, hi));
        if (mode < 6) y = random(uniform(lo, hi));
        else if (mode < 7) y = random(to_exp(x));
        else y = near(x, o == op::sub ? 1.0 : -1.0);
        if (mode == 9 && o != op::add_fp) y = random(uniform(lo, hi));  // huge/tiny ratios
        if (o == op::add_fp) {
          t = y[0];
          if (mode >= 7) t = -x[0];
          std::vector<double> v = terms(x);
          v.push_back(to_d(t));
          sum_doubles(exact, v);
          r = x + t;
        } else {
          std::vector<double> v = terms(x);
          std::vector<double> w = terms(y, o == op::sub ? -1.0 : 1.0);
          v.insert(v.end(), w.begin(), w.end());
          sum_doubles(exact, v);
          r = o == op::sub ? x - y : x + y;
        }
        break;
      }
      case op::mul:
      case op::mul_fast:
      case op::mul_fp: {
        int ex = 0, ey = 0;
        if (!pick([](int a, int b) { return a + b; }, ex, ey)) return;
        x = random(ex);
        y = random(ey);
        std::vector<double> pa, pb;
        const int ny = o == op::mul_fp ? 1 : N;
        for (int i = 0; i < N; ++i)
          for (int j = 0; j < ny; ++j) {
            pa.push_back(to_d(x[i]));
            pb.push_back(to_d(y[j]));
          }
        sum_products(exact, pa, pb);
        if (o == op::mul) r = x * y;
        else if (o == op::mul_fp) r = x * y[0];
        else if constexpr (N == 2) r = floatlab::mul_fast(x, y);
        break;
      }
      case op::div:
      case op::div_fast: {
        int ex = 0, ey = 0;
        // N = 2 (JMP Alg. 18) also needs 1/y_0 in range: -ey in [lo, hi].
        const auto ok = [](int a, int b) { return (N == 2 && (-b < lo || -b > hi)) ? lo - 9 : a - b; };
        if (!pick(ok, ex, ey)) return;
        x = random(ex);
        y = random(ey);
        if (mode == 9) {  // quotient near 1
          x = random(ey);
          y = near(x, 1.0);
        }
        value(a, x);
        value(b, y);
        mpfr_div(exact, a, b, MPFR_RNDN);
        if (o == op::div) r = x / y;
        else if constexpr (N == 2) r = floatlab::div_fast(x, y);
        break;
      }
      case op::sqrt: {
        int ex = 0, ey = 0;
        if (!pick([](int a, int) { return a / 2 >= lo ? a : lo - 9; }, ex, ey)) return;
        x = random(ex, true);
        if (x[0] == T(0.0)) return;
        value(a, x);
        mpfr_sqrt(exact, a, MPFR_RNDN);
        r = sqrt(x);
        break;
      }
    }
    if (mpfr_zero_p(exact)) {
      ++s.skipped;
      // An exact zero must come out as zero: the bound is relative.
      for (int i = 0; i < N; ++i) REQUIRE(r[i] == T(0.0));
      return;
    }
    if (!in_range(exact)) {
      ++s.skipped;
      return;
    }
    const double ratio = rel_error(r, exact) / bound<N, T>(o);
    if (!(ratio <= 1.0)) {
      std::printf("  bound exceeded: %s ratio %.3g\n    x = ", op_name(o), ratio);
      for (int i = 0; i < N; ++i) std::printf("%a ", to_d(x[i]));
      std::printf("\n    y = ");
      for (int i = 0; i < N; ++i) std::printf("%a ", to_d(y[i]));
      std::printf("\n    r = ");
      for (int i = 0; i < N; ++i) std::printf("%a ", to_d(r[i]));
      std::printf("\n");
    }
    if (ratio > s.worst || ratio != ratio) s.worst = ratio;
    check_form(r, s);
    ++s.checked;
  }

  // Exponents ex, ey of the operands in [in_lo, hi] such that f(ex, ey), the exponent of
  // the result, lies in [lo, hi - 1]; bounded rejection sampling.
  template <class F>
  bool pick(F f, int& ex, int& ey) {
    for (int tries = 0; tries < 1000; ++tries) {
      ex = uniform(in_lo, hi);
      ey = uniform(in_lo, hi);
      const int e = f(ex, ey);
      if (e >= lo && e <= hi - 1) return true;
    }
    return false;
  }

  static int to_exp(const E& x) {
    int e = 0;
    std::frexp(to_d(x[0]), &e);
    return e - 1;
  }

  stats run(op o, long count) {
    stats s;
    for (long i = 0; i < count; ++i) one(o, s);
    return s;
  }
};

// Runs every operation that N provides; prints the worst error in units of the bound and
// requires it to be at most 1, the outputs to be non-overlapping and free of holes.
template <int N, class T>
void check_all(const char* type_name, long count, std::uint64_t seed) {
  checker<N, T> c(seed);
  const op ops2[] = {op::add, op::sub, op::add_fp, op::mul, op::mul_fast, op::mul_fp,
                     op::div, op::div_fast, op::sqrt};
  for (op o : ops2) {
    if (N != 2 && (o == op::mul_fast || o == op::div_fast)) continue;
    if (o == op::sqrt && checker<N, T>::hi / 2 < checker<N, T>::lo) {
      std::printf("expansion<%d,%s> %-8s no root exponent in the checked window [%d, %d]\n", N,
                  type_name, op_name(o), checker<N, T>::lo, checker<N, T>::hi);
      continue;
    }
    const auto s = c.run(o, count);
    std::printf("expansion<%d,%s> %-8s checked %8ld skipped %6ld worst %.3g of bound  "
                "overlaps>ulp %ld >ulp/2 %ld holes %ld\n",
                N, type_name, op_name(o), s.checked, s.skipped, s.worst, s.overlaps,
                s.half_ulp_overlaps, s.holes);
    std::fflush(stdout);
    INFO("expansion<" << N << "," << type_name << "> " << op_name(o));
    CHECK(s.checked > count / 2);
    CHECK(s.worst <= 1.0);
    CHECK(s.overlaps == 0);
    CHECK(s.half_ulp_overlaps == 0);
    CHECK(s.holes == 0);
  }
}

}  // namespace floatlab_test
