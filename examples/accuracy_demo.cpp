// accuracy_demo: how much accuracy a format and rounding mode keep in the reductions that
// dominate training (recursive sums and dot products), measured against MPFR.
//
// For each format and mode it sums n values and computes a dot product of n pairs, every
// addition and product rounded to the format, and reports the relative error against the
// exact MPFR result. The classic lesson shows in the table: with round-to-nearest a long
// low-precision sum stagnates once the increment falls below half an ulp of the sum;
// stochastic rounding keeps the expected value.
//
//   accuracy_demo [n] [csv path]      defaults: 100000 accuracy_demo.csv
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <mpfr.h>

#include <floatlab/floatlab.hpp>

using namespace floatlab;

namespace {

struct row {
  std::string format, mode, task;
  double value, exact, rel_error;
};

// Exact (MPFR, 4096 bits: enough for these sums of doubles) sum and dot product.
double exact_sum(const std::vector<double>& x) {
  mpfr_t s;
  mpfr_init2(s, 4096);
  mpfr_set_zero(s, 1);
  for (double v : x) mpfr_add_d(s, s, v, MPFR_RNDN);
  const double r = mpfr_get_d(s, MPFR_RNDN);
  mpfr_clear(s);
  return r;
}
double exact_dot(const std::vector<double>& x, const std::vector<double>& y) {
  mpfr_t s, p;
  mpfr_init2(s, 4096);
  mpfr_init2(p, 128);
  mpfr_set_zero(s, 1);
  for (std::size_t i = 0; i < x.size(); ++i) {
    mpfr_set_d(p, x[i], MPFR_RNDN);
    mpfr_mul_d(p, p, y[i], MPFR_RNDN);  // exact: 53 + 53 bits <= 128
    mpfr_add(s, s, p, MPFR_RNDN);
  }
  const double r = mpfr_get_d(s, MPFR_RNDN);
  mpfr_clear(s);
  mpfr_clear(p);
  return r;
}

template <class T, class Mode>
void run(const char* fmt, const char* mode, const std::vector<double>& x, const std::vector<double>& y,
         double sum_ref, double dot_ref, std::vector<row>& out) {
  philox_rng rng(2024);
  T s{0}, d{0};
  for (std::size_t i = 0; i < x.size(); ++i) {
    const T xi = convert<T>(x[i], round::nearest_even{}), yi = convert<T>(y[i], round::nearest_even{});
    if constexpr (is_stochastic_v<Mode>) {
      s = add(s, xi, Mode{}, rng);
      d = add(d, mul(xi, yi, Mode{}, rng), Mode{}, rng);
    } else {
      s = add(s, xi, Mode{});
      d = add(d, mul(xi, yi, Mode{}), Mode{});
    }
  }
  out.push_back({fmt, mode, "sum", double(s), sum_ref, std::fabs(double(s) - sum_ref) / std::fabs(sum_ref)});
  out.push_back({fmt, mode, "dot", double(d), dot_ref, std::fabs(double(d) - dot_ref) / std::fabs(dot_ref)});
}

template <class T>
void all_modes(const char* fmt, const std::vector<double>& x, const std::vector<double>& y, double sr, double dr,
               std::vector<row>& out) {
  run<T, round::nearest_even>(fmt, "nearest_even", x, y, sr, dr, out);
  run<T, round::toward_zero>(fmt, "toward_zero", x, y, sr, dr, out);
  run<T, round::odd>(fmt, "odd", x, y, sr, dr, out);
  run<T, round::stochastic<8>>(fmt, "stochastic<8>", x, y, sr, dr, out);
  run<T, round::stochastic<16>>(fmt, "stochastic<16>", x, y, sr, dr, out);
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 100000;
  const std::string csv = argc > 2 ? argv[2] : "accuracy_demo.csv";
  if (n == 0) {
    std::fprintf(stderr, "accuracy_demo: n must be positive\n");
    return 2;
  }
  // Values as a network's activations and weights might be: uniform [0, 1) and N(0, 1)/8.
  std::mt19937_64 gen(1);
  std::uniform_real_distribution<double> uni(0.0, 1.0);
  std::normal_distribution<double> nrm(0.0, 0.125);
  std::vector<double> x(n), y(n);
  for (std::size_t i = 0; i < n; ++i) {
    x[i] = uni(gen);
    y[i] = nrm(gen);
  }
  // Reference: the exact sum of the inputs as each format sees them would differ per format;
  // the demo measures the whole pipeline (input quantization + arithmetic) against exact
  // real arithmetic on the double inputs, which is what a user of the format gets.
  const double sum_ref = exact_sum(x), dot_ref = exact_dot(x, y);

  std::vector<row> rows;
  all_modes<bfloat16>("bfloat16", x, y, sum_ref, dot_ref, rows);
  all_modes<binary16>("binary16", x, y, sum_ref, dot_ref, rows);
  all_modes<e5m2>("e5m2", x, y, sum_ref, dot_ref, rows);
  all_modes<e4m3>("e4m3", x, y, sum_ref, dot_ref, rows);
  all_modes<cfloat<6, 9>>("cfloat<6,9>", x, y, sum_ref, dot_ref, rows);
  all_modes<tf32>("tf32", x, y, sum_ref, dot_ref, rows);
  all_modes<binary32>("binary32", x, y, sum_ref, dot_ref, rows);

  std::printf("accuracy of recursive sum and dot product, n = %zu, against MPFR\n", n);
  std::printf("exact sum = %.10g, exact dot = %.10g\n\n", sum_ref, dot_ref);
  std::printf("%-12s %-15s %14s %14s\n", "format", "mode", "sum rel.err", "dot rel.err");
  for (std::size_t i = 0; i < rows.size(); i += 2)
    std::printf("%-12s %-15s %14.3e %14.3e\n", rows[i].format.c_str(), rows[i].mode.c_str(), rows[i].rel_error,
                rows[i + 1].rel_error);

  if (FILE* f = std::fopen(csv.c_str(), "w")) {
    std::fprintf(f, "format,mode,task,n,value,exact,rel_error\n");
    for (const row& r : rows)
      std::fprintf(f, "%s,%s,%s,%zu,%.17g,%.17g,%.6e\n", r.format.c_str(), r.mode.c_str(), r.task.c_str(), n, r.value,
                   r.exact, r.rel_error);
    std::fclose(f);
    std::printf("\nwrote %s\n", csv.c_str());
  } else {
    std::fprintf(stderr, "accuracy_demo: cannot write %s\n", csv.c_str());
    return 1;
  }
  return 0;
}
