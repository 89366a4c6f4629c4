// Dot product of 10^5 bfloat16 pairs, accumulated four ways, each compared with MPFR:
//   bfloat16          acc = fma(a, b, acc) in bfloat16 (one rounding per step)
//   expansion<2,bf16> acc += two_prod(a, b)   (exact products, double-word addition)
//   expansion<3,bf16> acc += two_prod(a, b)   (three bfloat16 terms)
//   binary32          acc = fmaf(a, b, acc)  (the format the bfloat16 inputs widen into)
// The expansions keep about N*8 bits, so the error shrinks with N; binary32 (24 bits) sits
// between N = 2 (16 bits) and N = 3 (24 bits).
//
// Usage: dot_expansion [out.csv] [n] [seed]   (defaults: dot_expansion.csv 100000 1)
#include <mpfr.h>

#include "support/mpfr_value.hpp"  // tests/support: mpfr_t with init2 / clear in its lifetime

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "floatlab/cfloat.hpp"
#include "floatlab/expansion.hpp"

using floatlab::bfloat16;
using floatlab::expansion;

namespace {

struct row {
  const char* method;
  int terms;
  int bits;  // significand bits carried by the accumulator
  double value;
  double rel_error;
};

double rel_error(double value_hi, double value_lo, double value_lo2, mpfr_srcptr exact) {
  floatlab_test::mpfr_value v(1024, value_hi);
  mpfr_add_d(v, v, value_lo, MPFR_RNDN);
  mpfr_add_d(v, v, value_lo2, MPFR_RNDN);
  mpfr_sub(v, v, exact, MPFR_RNDN);
  mpfr_div(v, v, exact, MPFR_RNDN);
  return std::fabs(mpfr_get_d(v, MPFR_RNDN));
}

}  // namespace

int main(int argc, char** argv) {
  const char* csv_path = argc > 1 ? argv[1] : "dot_expansion.csv";
  const long n = argc > 2 ? std::atol(argv[2]) : 100000;
  const unsigned long seed = argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 1;

  // Inputs: bfloat16 values with random signs and magnitudes over 2^-4 .. 2^4, so the sum
  // cancels (condition number printed below).
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> mant(1.0, 2.0);
  std::vector<bfloat16> a(n), b(n);
  for (long i = 0; i < n; ++i) {
    const double x = std::ldexp(mant(rng), static_cast<int>(rng() % 9) - 4) * ((rng() & 1) ? 1 : -1);
    const double y = std::ldexp(mant(rng), static_cast<int>(rng() % 9) - 4) * ((rng() & 1) ? 1 : -1);
    a[i] = bfloat16(x);
    b[i] = bfloat16(y);
  }

  // Exact reference: each product has at most 16 significant bits and all lie within
  // 2^-10 .. 2^10, so 256 bits hold every partial sum exactly.
  floatlab_test::mpfr_value exact(256, 0.0), t(256), abs_sum(256, 0.0);
  for (long i = 0; i < n; ++i) {
    mpfr_set_d(t, static_cast<double>(a[i]), MPFR_RNDN);
    mpfr_mul_d(t, t, static_cast<double>(b[i]), MPFR_RNDN);
    mpfr_add(exact, exact, t, MPFR_RNDN);
    mpfr_abs(t, t, MPFR_RNDN);
    mpfr_add(abs_sum, abs_sum, t, MPFR_RNDN);
  }
  const double exact_d = mpfr_get_d(exact, MPFR_RNDN);
  const double cond = mpfr_get_d(abs_sum, MPFR_RNDN) / std::fabs(exact_d);

  std::vector<row> rows;
  {
    bfloat16 acc(0.0);
    for (long i = 0; i < n; ++i) acc = fma(a[i], b[i], acc);
    const double v = static_cast<double>(acc);
    rows.push_back({"bfloat16", 1, 8, v, rel_error(v, 0, 0, exact)});
  }
  {
    expansion<2, bfloat16> acc;
    for (long i = 0; i < n; ++i) acc += floatlab::exact_product<2>(a[i], b[i]);
    rows.push_back({"expansion<2,bfloat16>", 2, 16, acc.to<double>(),
                    rel_error(static_cast<double>(acc[0]), static_cast<double>(acc[1]), 0, exact)});
  }
  {
    expansion<3, bfloat16> acc;
    for (long i = 0; i < n; ++i) acc += floatlab::exact_product<3>(a[i], b[i]);
    rows.push_back({"expansion<3,bfloat16>", 3, 24, acc.to<double>(),
                    rel_error(static_cast<double>(acc[0]), static_cast<double>(acc[1]),
                              static_cast<double>(acc[2]), exact)});
  }
  {
    float acc = 0.0f;
    for (long i = 0; i < n; ++i) acc = std::fma(static_cast<float>(a[i]), static_cast<float>(b[i]), acc);
    rows.push_back({"binary32", 1, 24, acc, rel_error(acc, 0, 0, exact)});
  }

  std::printf("dot product of %ld bfloat16 pairs, exact value %.17g, condition number %.3g\n", n, exact_d, cond);
  std::printf("%-24s %5s %5s %24s %12s %12s\n", "accumulator", "terms", "bits", "result", "rel. error",
              "correct bits");
  FILE* csv = std::fopen(csv_path, "w");
  if (csv) std::fprintf(csv, "method,terms,bits,result,exact,rel_error,correct_bits\n");
  for (const row& r : rows) {
    const double bits_ok = r.rel_error > 0 ? -std::log2(r.rel_error) : 999.0;
    std::printf("%-24s %5d %5d %24.17g %12.3e %12.1f\n", r.method, r.terms, r.bits, r.value, r.rel_error, bits_ok);
    if (csv)
      std::fprintf(csv, "%s,%d,%d,%.17g,%.17g,%.6e,%.2f\n", r.method, r.terms, r.bits, r.value, exact_d,
                   r.rel_error, bits_ok);
  }
  if (csv) {
    std::fclose(csv);
    std::printf("wrote %s\n", csv_path);
  } else {
    std::fprintf(stderr, "could not write %s\n", csv_path);
  }
  // The expansion accumulators must beat plain bfloat16, and N = 3 must beat N = 2.
  const bool ordered = rows[1].rel_error <= rows[0].rel_error && rows[2].rel_error <= rows[1].rel_error;
  return csv && ordered ? 0 : 1;
}
