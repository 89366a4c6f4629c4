// tools/accuracy/sweep.hpp: the error of sums, dot products, GEMM and convolution per
// format and rounding mode against MPFR.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "formats.hpp"

namespace flacc {

int sweep_main(int argc, char** argv);

enum class task_kind { sum, dot, gemm, conv };

// One measurement: the computed result against the exact one.
struct measurement {
  double rel_error = 0;    // |computed - exact| / |exact| (exact: MPFR on the double inputs)
  double arith_error = 0;  // the same against the exact result on the inputs as the format holds them
  double ulp_error = 0;    // |computed - exact| / ulp(exact) (cfloat and fixed; else 0)
  double value = 0, exact = 0;
  std::string status;      // "" or why the result is not finite / saturated
};

// Input distributions: uniform U[0,1), normal N(0,1), wide (positive, log-uniform over
// 2^-30..2^20), overflow (U[0.5,1) scaled per format so the sum reaches the largest finite
// value at about n_max/6), underflow (U[0,1) * 2 * smallest normal of the format).
bool valid_distribution(const std::string& d);
void make_data(const std::string& dist, const format_info& f, std::size_t n, std::size_t n_max, bool product,
               std::uint64_t seed, std::vector<double>& x);

// Sum / dot of x (and y) at prefix lengths cuts: one measurement per cut.
std::vector<measurement> measure_reduction(const any_format& f, const mode_spec& m, task_kind t, const std::vector<double>& x,
                                           const std::vector<double>& y, const std::vector<std::size_t>& cuts,
                                           std::uint64_t seed);

// Classifies a non-finite or saturated result in words (e4m3 has no inf: NaN on overflow).
std::string describe_result(const format_info& f, double value, double exact);

}  // namespace flacc
